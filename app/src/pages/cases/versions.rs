//! Versions of the plan (issue #6, item 8): what changed in a step since
//! the plan was handed over — the handed-over version beside the form,
//! with the changed fields marked, as in the conflict view — and the list
//! of snapshots (handover moves, approvals, changes of stage).

use super::caseload::stage_key;
use super::forms::{step_form, FormCx};
use super::inputs::Differs;
use super::workspace::Workspace;
use crate::api::cases::{SinceHandover, VersionView};
use crate::components::time::utc_text_from_secs;
use crate::domain::case_file::{section_slug, Step};
use crate::i18n::{t, tf, K};
use leptos::prelude::*;

fn reason_key(reason: &str) -> K {
    match reason {
        "handover" => K::case_version_handover,
        "handover.accept" => K::ho_kind_accept,
        "handover.reject" => K::ho_kind_reject,
        "handover.ask" => K::ho_kind_ask,
        "handover.answer" => K::ho_kind_answer,
        "handover.withdraw" => K::ho_kind_withdraw,
        "approval.approve" => K::case_version_approved,
        "approval.decline" => K::case_version_declined,
        "budget.accept" => K::case_version_budget_accepted,
        "follow_up.record" => K::case_version_follow_up,
        _ => K::case_version_stage,
    }
}

/// The step's section as it was handed over, if it changed since.
#[component]
pub fn SinceHandoverView(ws: Workspace, step: Step, since: SinceHandover) -> impl IntoView {
    let Some(section) = step.section() else {
        return ().into_any();
    };
    let Some(then) = since.sections.get(section_slug(section)).cloned() else {
        return ().into_any();
    };
    let now = ws.file.with_untracked(|f| f.fields(section));
    let changed = crate::domain::fields::differing(&then, &now);
    if changed.is_empty() {
        return view! {
            <p class="hint" id="since-handover-none">
                {tf(K::case_since_handover_none, &[("when", &utc_text_from_secs(since.at))])}
            </p>
        }
        .into_any();
    }
    let cx = ws
        .file
        .with_untracked(|f| FormCx::for_display(f, ws.today, Vec::new(), ws.indicator_list()));
    let n = changed.len();
    provide_context(Differs {
        fields: changed,
        id_prefix: "handed-",
    });
    view! {
        <details class="since-handover" id="since-handover">
            <summary>
                {tf(K::case_since_handover, &[
                    ("n", &n.to_string()),
                    ("when", &utc_text_from_secs(since.at)),
                ])}
            </summary>
            <p class="hint">{t(K::case_since_handover_hint)}</p>
            <fieldset disabled class="plain">{step_form(step, then, cx)}</fieldset>
        </details>
    }
    .into_any()
}

/// Every snapshot of the plan, the latest first.
#[component]
pub fn VersionList(versions: Vec<VersionView>) -> impl IntoView {
    view! {
        <section class="versions" aria-labelledby="versions-heading">
            <h2 id="versions-heading">{t(K::case_versions)}</h2>
            {if versions.is_empty() {
                view! { <p>{t(K::case_versions_none)}</p> }.into_any()
            } else {
                view! {
                    <table class="users" id="versions">
                        <thead><tr>
                            <th scope="col">{t(K::audit_when)}</th>
                            <th scope="col">{t(K::case_version_what)}</th>
                            <th scope="col">{t(K::case_print_stage)}</th>
                            <th scope="col">{t(K::audit_who)}</th>
                        </tr></thead>
                        <tbody>
                            {versions.into_iter().map(|v| view! {
                                <tr>
                                    <td>{utc_text_from_secs(v.at)}</td>
                                    <td>{t(reason_key(&v.reason))}</td>
                                    <td>{t(stage_key(&v.stage))}</td>
                                    <td>{v.by}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }
                .into_any()
            }}
        </section>
    }
}
