//! One case: the guided session. A stepper over the stages, the step's
//! form with its guidance, what the rules make of it as one types, what
//! still blocks a handover, the save indicator, the conflict view and the
//! safe screen.

use super::forms::{section_key, step_form, FormCx};
use super::handover::HandoverPanel;
use super::inputs::Differs;
use super::panels::StepPanel;
use super::workspace::{SaveStatus, Workspace};
use crate::api::auth::MeView;
use crate::api::cases::{open, CaseView, Save};
use crate::components::signed_in::SignedIn;
use crate::components::time::utc_text_from_secs;
use crate::domain::case::Minority;
use crate::domain::case_file::{section_slug, Step};
use crate::domain::derived::Derived;
use crate::domain::handover::Side;
use crate::domain::progress::StepState;
use crate::i18n::guide::{gt, GK};
use crate::i18n::{t, tf, use_locale, K};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

pub fn step_key(s: Step) -> K {
    match s {
        Step::FirstContact => K::case_step_first_contact,
        Step::Consent => K::case_step_consent,
        Step::Identification => K::case_step_identification,
        Step::Options => K::case_step_options,
        Step::Decision => K::case_step_decision,
        Step::Risk => K::case_step_risk,
        Step::Reintegration => K::case_step_reintegration,
        Step::Travel => K::case_step_travel,
        Step::Milestones => K::case_step_milestones,
        Step::Review => K::case_step_review,
    }
}

/// The counsellor's guidance for a step: (what to ask, what to watch
/// for, dilemmas), from the guidance content files.
fn guidance(s: Step) -> [(K, GK); 3] {
    let (ask, watch, dilemmas) = match s {
        Step::FirstContact => (
            GK::first_contact_ask,
            GK::first_contact_watch,
            GK::first_contact_dilemmas,
        ),
        Step::Consent => (GK::consent_ask, GK::consent_watch, GK::consent_dilemmas),
        Step::Identification => (
            GK::identification_ask,
            GK::identification_watch,
            GK::identification_dilemmas,
        ),
        Step::Options => (GK::options_ask, GK::options_watch, GK::options_dilemmas),
        Step::Decision => (GK::decision_ask, GK::decision_watch, GK::decision_dilemmas),
        Step::Risk => (GK::risk_ask, GK::risk_watch, GK::risk_dilemmas),
        Step::Reintegration => (
            GK::reintegration_ask,
            GK::reintegration_watch,
            GK::reintegration_dilemmas,
        ),
        Step::Travel => (GK::travel_ask, GK::travel_watch, GK::travel_dilemmas),
        Step::Milestones => (
            GK::milestones_ask,
            GK::milestones_watch,
            GK::milestones_dilemmas,
        ),
        Step::Review => (GK::review_ask, GK::review_watch, GK::review_dilemmas),
    };
    [
        (K::case_guide_ask, ask),
        (K::case_guide_watch, watch),
        (K::case_guide_dilemmas, dilemmas),
    ]
}

/// Bullet lines of a content text (one bullet per line).
pub fn bullets(k: GK) -> impl IntoView {
    view! {
        <ul>
            {gt(k).lines().filter(|l| !l.trim().is_empty()).map(|l| view! { <li>{l.to_string()}</li> }).collect_view()}
        </ul>
    }
}

#[component]
pub fn CasePage() -> impl IntoView {
    let params = use_params_map();
    let path = leptos_router::hooks::use_location()
        .pathname
        .get_untracked();
    // The page's data is made once, here, outside the sign-in check's
    // Suspense: a resource made inside it is made again on each server
    // pass, and the browser then hydrates with another one's data.
    let code = params.read_untracked().get("code").unwrap_or_default();
    if params.read_untracked().get("step").as_deref() == Some("access") {
        provide_context(super::access::AccessLogData::new(code.clone()));
    }
    let case = Resource::new(move || code.clone(), open);
    view! {
        <Title text=t(K::case_title)/>
        <SignedIn path=path page=move |user| view! { <CaseLoader user case/> }/>
    }
}

#[component]
fn CaseLoader(
    user: MeView,
    case: Resource<Result<CaseView, crate::error::AppError>>,
) -> impl IntoView {
    let _ = user;
    let locale = use_locale();
    view! {
        <Suspense fallback=|| view! { <p class="loading">{t(K::app_loading)}</p> }>
            {move || Suspend::new(async move {
                match case.await {
                    Ok(view) => view! { <CaseScreen view/> }.into_any(),
                    Err(e) => view! {
                        <main class="narrow">
                            <h1>{t(K::case_not_available)}</h1>
                            <p class="form-error" role="alert">{e.message_in(locale)}</p>
                            <p><a href="/cases">{t(K::case_back_to_caseload)}</a></p>
                        </main>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn CaseScreen(view: CaseView) -> impl IntoView {
    let ws = Workspace::new(&view);
    let params = use_params_map();
    let slug = move || params.read().get("step").unwrap_or_default();
    let hidden = RwSignal::new(false);
    let code = view.code.clone();
    let missions = view.missions.clone();
    let may_read_access_log = view.may_read_access_log;
    let may_approve = view.may_approve;
    let life = (view.may_move_life, view.retention_months);
    let share_links = StoredValue::new(view.share_links.clone());
    let referral_contacts = StoredValue::new(view.referral_contacts.clone());
    let versions = StoredValue::new((view.versions.clone(), view.since_handover.clone()));
    let readable = StoredValue::new(view.readable.clone());
    let writable = StoredValue::new(view.writable.clone());
    let side = view.side;
    let mission_name = {
        let missions = missions.clone();
        Signal::derive(move || {
            let chosen = ws.file.with(|f| f.travel.mission_id.clone())?;
            missions
                .iter()
                .find(|(id, _)| *id == chosen)
                .map(|(_, name)| name.clone())
        })
    };

    #[cfg(feature = "hydrate")]
    {
        // Drafts kept on this device come back once the page is live.
        // After the page has hydrated completely (the next task), so that
        // restoring never changes what is still being hydrated.
        Effect::new(move |done: Option<()>| {
            if done.is_none() {
                set_timeout(
                    move || {
                        if !ws.is_open() {
                            return;
                        }
                        ws.restore_drafts();
                        // Pages that are not steps are live now (steps say
                        // so themselves once they have read their form).
                        let s = slug();
                        if Step::from_slug(&s).is_none() {
                            if let Some(root) = document().document_element() {
                                let _ = root.set_attribute("data-case-live", &s);
                            }
                        }
                    },
                    std::time::Duration::ZERO,
                );
            }
        });
        let online = window_event_listener(leptos::ev::online, move |_| ws.sync_all());
        // Esc blanks the screen at once (the safe screen); the keyboard
        // is then on "Show the case again".
        let keys = window_event_listener(leptos::ev::keydown, move |e| {
            if e.key() == "Escape" {
                conceal(hidden);
            }
        });
        // Leaving the case (a link followed, not a page load): the window
        // stops listening for it, and edits still waiting for the pause
        // in typing are sent now.
        on_cleanup(move || {
            online.remove();
            keys.remove();
            ws.send_before_leaving();
        });
    }

    let progress = Memo::new(move |_| {
        let file = ws.preview();
        file.progress(&crate::catalog::planning(), ws.wall_now())
    });
    let alias = Memo::new(move |_| ws.file.with(|f| f.first_contact.client.alias.clone()));
    // A figure computed from a section this user may not read is not shown.
    let shown = move |d: Derived| readable.with_value(|r| d.shown_to(r));
    let life_state = ws.file.with_untracked(|f| f.lifecycle.state());
    let stage_text = move || {
        // On hold, withdrawn or closed is recorded, not worked out: told
        // to every reader.
        if life_state != crate::domain::lifecycle::LifeState::Open {
            return t(super::caseload::stage_key(
                progress.with(|p| p.stage.slug()),
            ))
            .to_string();
        }
        if !shown(Derived::Stage) {
            return t(K::ho_derived_not_shared).to_string();
        }
        let p = progress.get();
        if p.ready_for_handover() {
            t(K::case_ready_for_handover).to_string()
        } else {
            t(super::caseload::stage_key(p.stage.slug())).to_string()
        }
    };

    let code_for_page = code.clone();
    let page = move || {
        let s = slug();
        let code_for_page = code_for_page.clone();
        let missions = missions.clone();
        // Built untracked: only a change of step renders the page again.
        untrack(move || match s.as_str() {
            "client-view" => {
                view! { <super::client_view::ClientView code=code_for_page.clone()/> }.into_any()
            }
            "access" if may_read_access_log => view! { <super::access::AccessLogView/> }.into_any(),
            crate::domain::milestones::FOLLOW_UP_SLUG => {
                view! { <super::follow_up::FollowUpView ws readable writable/> }.into_any()
            }
            other => match Step::from_slug(other) {
                Some(step) => {
                    let access = match step.section() {
                        None => StepAccess::Write,
                        Some(s) if writable.with_value(|w| w.contains(&s)) => StepAccess::Write,
                        Some(s) if readable.with_value(|r| r.contains(&s)) => StepAccess::Read,
                        Some(_) => StepAccess::None,
                    };
                    view! { <StepView ws step missions=missions.clone() progress access readable may_approve share_links versions referral_contacts life/> }
                        .into_any()
                }
                None => view! { <crate::pages::not_found::NotFound/> }.into_any(),
            },
        })
    };

    let code_for_nav = code.clone();
    view! {
        <div class="safe-screen" hidden=move || !hidden.get() id="safe-screen">
            <p>"Safeplan"</p>
            <button type="button" class="secondary" on:click=move |_| hidden.set(false) id="show-again">
                {t(K::case_show_again)}
            </button>
        </div>
        <div class="case" class:concealed=move || hidden.get() id="case-content">
            <header class="case-head">
                <div class="case-id">
                    <span class="case-code" id="case-code">{code.clone()}</span>
                    <span class="case-alias">{move || alias.get()}</span>
                    <span class="badge stage" id="case-stage">{stage_text}</span>
                </div>
                <SaveIndicator ws/>
                {(life_state != crate::domain::lifecycle::LifeState::Open).then(|| view! {
                    <p class="notice life-banner" id="life-banner">{super::life::state_text(&life_state)}</p>
                })}
                <div class="case-actions">
                    {(side == Side::Counselling).then(|| view! {
                        <a class="button secondary" href=format!("/cases/{code}/client-view") rel="external">{t(K::case_client_view)}</a>
                    })}
                    {readable.with_value(|r| r.contains(&crate::domain::policy::Section::Milestones)).then(|| view! {
                        <a class="button secondary" href=format!("/cases/{code}/{}", crate::domain::milestones::FOLLOW_UP_SLUG) rel="external" id="follow-up-link">
                            {crate::i18n::follow_up::ft(crate::i18n::follow_up::FK::link)}
                        </a>
                    })}
                    {may_read_access_log.then(|| view! { <a class="button secondary" href=format!("/cases/{code}/access") rel="external">{t(K::case_access_log)}</a> })}
                    <a class="button secondary" href="/" id="hide-screen" on:click=move |e| {
                        // With WASM: blank at once and stay; without: leave for the start page.
                        e.prevent_default();
                        conceal(hidden);
                    }>{t(K::case_hide_screen)}</a>
                </div>
            </header>
            // The view turned to the client shows the options only: no steps,
            // no handover list.
            <div class="case-body" class:client-facing=move || slug() == "client-view">
                // Every step is its own page load (rel="external"): a step's
                // unsaved edits travel as the device's draft and are synced by
                // the next page, so leaving mid-save loses nothing. (Moving
                // between steps inside the router missed clicks now and then
                // while a save was on its way.)
                <nav class="stepper" aria-label=t(K::case_steps)>
                    <ol>
                        {Step::ALL
                            .into_iter()
                            // A mission sees the steps of the sections shared with it.
                            .filter(|step| step.section().is_none_or(|s| readable.with_value(|r| r.contains(&s))))
                            .map(|step| {
                                let href = format!("/cases/{}/{}", code_for_nav, step.slug());
                                let current = move || (slug() == step.slug()).then_some("step");
                                // None: worked out from what is not shared with this user.
                                let state = move || shown(Derived::StepState(step)).then(|| progress.with(|p| p.state(step)));
                                let class = move || format!("step-link state-{}", state().map_or("unknown", state_class));
                                view! {
                                    <li>
                                        <a href=href class=class aria-current=current id=format!("step-{}", step.slug()) rel="external">
                                            <span class="step-mark" aria-hidden="true">{move || state().map_or("·", state_mark)}</span>
                                            <span class="step-name">{t(step_key(step))}</span>
                                            <span class="visually-hidden">{move || format!(" ({})", t(state().map_or(K::ho_derived_not_shared, state_key)))}</span>
                                        </a>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ol>
                </nav>
                <div class="step-area">{page}</div>
                <HandoverPanel code=code.clone() side may_hand_over=view.may_hand_over handover=view.handover.clone() mission_name progress/>
            </div>
        </div>
    }
}

/// Blanks the screen and puts the focus on "Show the case again" (once it
/// is shown).
fn conceal(hidden: RwSignal<bool>) {
    hidden.set(true);
    #[cfg(feature = "hydrate")]
    set_timeout(
        || {
            use wasm_bindgen::JsCast;
            if let Some(b) = document()
                .get_element_by_id("show-again")
                .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok())
            {
                let _ = b.focus();
            }
        },
        std::time::Duration::ZERO,
    );
}

fn state_class(s: StepState) -> &'static str {
    match s {
        StepState::Empty => "empty",
        StepState::Started => "started",
        StepState::Complete => "complete",
        StepState::NotApplicable => "na",
    }
}

fn state_mark(s: StepState) -> &'static str {
    match s {
        StepState::Empty => "○",
        StepState::Started => "◐",
        StepState::Complete => "✓",
        StepState::NotApplicable => "–",
    }
}

fn state_key(s: StepState) -> K {
    match s {
        StepState::Empty => K::case_state_empty,
        StepState::Started => K::case_state_started,
        StepState::Complete => K::case_state_complete,
        StepState::NotApplicable => K::case_state_na,
    }
}

#[component]
fn SaveIndicator(ws: Workspace) -> impl IntoView {
    let text = move || match ws.status.get() {
        SaveStatus::Saved => t(K::case_status_saved).to_string(),
        SaveStatus::Pending => t(K::case_status_pending_save).to_string(),
        SaveStatus::Saving => t(K::case_status_saving).to_string(),
        SaveStatus::Offline => t(K::case_status_offline).to_string(),
        SaveStatus::SignedOut => t(K::case_status_signed_out).to_string(),
        SaveStatus::Conflict => t(K::case_status_conflict).to_string(),
        SaveStatus::Invalid => t(K::case_status_invalid).to_string(),
        SaveStatus::Failed(message) => message,
    };
    let class = move || {
        let kind = match ws.status.get() {
            SaveStatus::Saved => "saved",
            SaveStatus::Pending | SaveStatus::Saving => "saving",
            SaveStatus::Offline | SaveStatus::SignedOut => "offline",
            _ => "problem",
        };
        format!("save-status {kind}")
    };
    view! { <p class=class role="status" aria-live="polite" id="save-status">{text}</p> }
}

/// What the signed-in user may do with a step's section.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum StepAccess {
    Write,
    /// Shared with the user's mission, kept by the counselling side.
    Read,
    /// Not shared with the user's mission.
    None,
}

#[component]
fn StepView(
    ws: Workspace,
    step: Step,
    missions: Vec<(String, String)>,
    progress: Memo<crate::domain::progress::Progress>,
    access: StepAccess,
    readable: StoredValue<Vec<crate::domain::policy::Section>>,
    may_approve: bool,
    share_links: StoredValue<Option<Vec<crate::api::cases::ShareLinkView>>>,
    versions: StoredValue<(
        Vec<crate::api::cases::VersionView>,
        Option<crate::api::cases::SinceHandover>,
    )>,
    referral_contacts: StoredValue<Vec<crate::api::cases::ReferralContact>>,
    /// May move the plan's life; how long a closed plan is kept.
    life: (bool, Option<u32>),
) -> impl IntoView {
    let writes = access == StepAccess::Write;
    let query = use_query_map();
    let result = query.read_untracked().get("result").unwrap_or_default();
    let section = step.section();
    let na = move || progress.with(|p| p.state(step) == StepState::NotApplicable);
    let code = ws.code.get_value();
    let version = move || section.map(|s| ws.version(s)).unwrap_or(0).to_string();
    ws.problems.set(Vec::new());

    let form_cx = move || {
        let file = ws.preview();
        let cats = crate::catalog::planning();
        FormCx {
            problems: ws.problems,
            missions: missions.clone(),
            maybe_minor: file.minority_at_decision(ws.today) != Minority::Adult,
            travel_steps: file.travel_steps(&cats),
            milestones: readable.with_value(|r| file.milestones_for(&cats, r)),
            milestone_dates: readable.with_value(|r| Derived::Milestones.shown_to(r)),
            gate_passed: readable
                .with_value(|r| Derived::RiskGate.shown_to(r))
                .then(|| file.gate(ws.today) == Some(crate::domain::risk::Gate::Passed)),
            eligible_programmes: readable
                .with_value(|r| r.contains(&crate::domain::policy::Section::Client))
                .then(|| super::forms::eligible_programme_ids(&file, ws.today)),
            indicator_list: ws.indicator_list(),
        }
    };

    // Reads the form as it is now and records it as an edit (not while
    // the form is being made anew: its old controls are on their way out).
    let on_edit = move |_e: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        if let Some(section) = section.filter(|_| writes && !ws.rendering.get_value()) {
            if let Some(fields) = read_form() {
                ws.edit(section, fields);
                schedule_sync(ws, section);
            }
        }
    };
    let on_submit = move |e: leptos::ev::SubmitEvent| {
        // With WASM the save happens in place; without, the form posts.
        e.prevent_default();
        #[cfg(feature = "hydrate")]
        if let Some(section) = section {
            if let Some(fields) = read_form() {
                ws.edit(section, fields);
            }
            ws.sync(section);
        }
    };
    // Once the page is live (after the drafts came back): what was typed
    // before WASM took over is picked up as an edit, and the page says it
    // is live (`<html data-case-live>`, which the browser tests wait for).
    #[cfg(feature = "hydrate")]
    Effect::new(move |done: Option<()>| {
        if done.is_none() {
            set_timeout(
                move || {
                    if !ws.is_open() {
                        return;
                    }
                    if let Some(section) = section.filter(|_| writes) {
                        if !ws.edits.with_untracked(|e| e.contains_key(&section))
                            && typed_before_wasm()
                        {
                            if let Some(fields) = read_form() {
                                ws.edit(section, fields);
                                schedule_sync(ws, section);
                            }
                        }
                    }
                    if let Some(root) = document().document_element() {
                        let _ = root.set_attribute("data-case-live", step.slug());
                    }
                },
                std::time::Duration::ZERO,
            );
        }
    });

    let result_text = match result.as_str() {
        "saved" => Some(t(K::case_result_saved)),
        "conflict" => Some(t(K::case_result_conflict)),
        "invalid" => Some(t(K::case_result_invalid)),
        _ => None,
    };

    // The panels under the form, each type-erased and held in one list:
    // the step's view type stays shallow enough to compile (the
    // compiler's query depth grows with every child of the section).
    let mut panels: Vec<AnyView> = Vec::new();
    if step != Step::Identification {
        panels.push(view! { <StepPanel ws step readable=readable.get_value()/> }.into_any());
    }
    if step == Step::Risk && access != StepAccess::None {
        panels.push(
            view! { <super::approval::ApprovalPanel ws may_approve may_ask=writes/> }.into_any(),
        );
    }
    if step == Step::Reintegration && access != StepAccess::None {
        panels.push(view! { <super::approval::BudgetAcceptancePanel ws may_approve/> }.into_any());
        panels.push(
            view! { <super::referrals::ReferralPanel ws writes contacts=referral_contacts.get_value()/> }
                .into_any(),
        );
    }
    if step == Step::Review {
        panels.push(
            view! { <super::life::LifePanel ws may_move=life.0 retention_months=life.1/> }
                .into_any(),
        );
        panels.push(
            view! { <super::versions::VersionList versions=versions.with_value(|v| v.0.clone())/> }
                .into_any(),
        );
    }
    if let Some(since) = (access != StepAccess::None)
        .then(|| versions.with_value(|v| v.1.clone()))
        .flatten()
    {
        panels.push(view! { <super::versions::SinceHandoverView ws step since/> }.into_any());
    }
    if let Some(links) = (step == Step::Review)
        .then(|| share_links.get_value())
        .flatten()
    {
        let language = crate::domain::share::copy_language(
            &ws.file
                .with_untracked(|f| f.first_contact.client.languages.clone()),
        );
        let closed = ws.file.with_untracked(|f| f.lifecycle.is_closed());
        panels.push(
            view! { <super::share::ClientCopyPanel code=ws.code.get_value() language links closed/> }
                .into_any(),
        );
    }

    view! {
        <section class="step" aria-labelledby="step-heading">
            <h1 id="step-heading">{t(step_key(step))}</h1>
            {result_text.map(|r| view! { <p class="notice" role="status" id="form-result">{r}</p> })}
            {view! {
                <details class="guidance" id="guidance">
                    <summary>{t(K::case_guidance)}</summary>
                    {guidance(step)
                        .into_iter()
                        .map(|(heading, k)| view! { <h3>{t(heading)}</h3> {bullets(k)} })
                        .collect_view()}
                </details>
                <Show when=na>
                    <p class="notice" id="not-applicable">{t(K::case_return_only)}</p>
                </Show>
            }
            .into_any()}
            {move || {
                ws.conflict
                    .get()
                    .filter(|c| Some(c.section) == section)
                    .map(|c| view! { <ConflictView ws conflict=c step/> })
            }}
            <ProblemSummary ws/>
            // The ILO result sits above the long list of indicators, so that
            // it stays in sight as they are ticked.
            {(step == Step::Identification).then(|| view! { <StepPanel ws step readable=readable.get_value()/> }.into_any())}
            {(access == StepAccess::Read).then(|| view! { <p class="notice" id="read-only">{t(K::ho_read_only)}</p> }.into_any())}
            {match section {
                None => view! { <super::panels::Review ws progress readable=readable.get_value()/> }.into_any(),
                Some(_) if access == StepAccess::None => {
                    view! { <p class="notice" id="not-shared">{t(K::ho_not_shared)}</p> }.into_any()
                }
                Some(section) => {
                    let form_cx = form_cx.clone();
                    view! {
                        <form
                            id="step-form"
                            method="post"
                            action=Save::url()
                            on:input=on_edit
                            on:change=on_edit
                            on:submit=on_submit
                            novalidate
                        >
                            <input type="hidden" name="code" value=code.clone()/>
                            <input type="hidden" name="section" value=section_slug(section)/>
                            <input type="hidden" name="version" prop:value=version value=version()/>
                            <fieldset class="plain" disabled=!writes>
                                // Rendered again only when asked (a draft put
                                // back, the other version taken or
                                // merged), never while the counsellor types; and
                                // then made anew, never patched: a patched control
                                // keeps showing what was typed into it.
                                <For each=move || [ws.generation.get()] key=|g| *g let:_generation>
                                    {untrack(|| step_form(step, ws.fields(section), form_cx()))}
                                </For>
                            </fieldset>
                            <div class="form-actions" hidden=!writes>
                                <button type="submit" id="save-step">{t(K::case_save)}</button>
                            </div>
                        </form>
                    }.into_any()
                }
            }}
            {panels}
            <StepPager code=ws.code.get_value() step/>
        </section>
    }
}

/// Previous and next step.
#[component]
fn StepPager(code: String, step: Step) -> impl IntoView {
    let i = Step::ALL.iter().position(|s| *s == step).unwrap_or(0);
    let prev = i.checked_sub(1).map(|j| Step::ALL[j]);
    let next = Step::ALL.get(i + 1).copied();
    view! {
        <nav class="pager" aria-label=t(K::case_step_pager)>
            {prev.map(|s| view! { <a href=format!("/cases/{code}/{}", s.slug()) rel="prev external">{"← "}{t(step_key(s))}</a> })}
            {next.map(|s| view! { <a href=format!("/cases/{code}/{}", s.slug()) rel="next external" id="next-step">{t(step_key(s))}{" →"}</a> })}
        </nav>
    }
}

#[component]
fn ProblemSummary(ws: Workspace) -> impl IntoView {
    move || {
        let problems = ws.problems.get();
        (!problems.is_empty()).then(|| {
            view! {
                <div class="form-error" role="alert" id="problems">
                    <p>{t(K::case_problems)}</p>
                    <ul>
                        {problems
                            .into_iter()
                            .map(|p| {
                                let href = format!("#{}", super::inputs::id(&p.field));
                                view! { <li><a href=href>{t(super::inputs::error_key(p.error))}</a></li> }
                            })
                            .collect_view()}
                    </ul>
                </div>
            }
        })
    }
}

/// The fields both changed, side by side; the counsellor decides. The
/// other changes are merged already.
#[component]
fn ConflictView(ws: Workspace, conflict: super::workspace::Conflict, step: Step) -> impl IntoView {
    let section = conflict.section;
    let asked = conflict.both_changed.clone();
    let cx = ws.file.with_untracked(|file| {
        FormCx::for_display(file, ws.today, Vec::new(), ws.indicator_list())
    });
    // Each pane shows the form with the fields in question only (the rest
    // hidden by the style sheet), under ids of its own.
    let pane = |fields, prefix: &'static str| {
        let owner = Owner::current().map(|o| o.child()).unwrap_or_default();
        owner.with(|| {
            provide_context(Differs {
                fields: asked.clone(),
                id_prefix: prefix,
            });
            step_form(step, fields, cx.clone())
        })
    };
    let mine = pane(ws.fields(section), "mine-");
    let theirs = pane(conflict.theirs.clone(), "theirs-");
    view! {
        <section class="conflict" aria-labelledby="conflict-heading" id="conflict">
            <h2 id="conflict-heading">{t(K::case_conflict_heading)}</h2>
            <p>
                {tf(K::case_conflict_text, &[
                    ("section", t(section_key(section))),
                    ("who", &conflict.by),
                    ("when", &utc_text_from_secs(conflict.at)),
                    ("n", &asked.len().to_string()),
                ])}
            </p>
            <div class="conflict-actions">
                <button type="button" id="keep-mine" on:click=move |_| ws.keep_mine()>{t(K::case_keep_mine)}</button>
                <button type="button" class="secondary" id="take-theirs" on:click=move |_| ws.take_theirs()>{t(K::case_take_theirs)}</button>
            </div>
            <div class="conflict-columns">
                <div class="version" id="my-version" role="region" aria-labelledby="my-version-heading">
                    <h3 id="my-version-heading">{t(K::case_your_version)}</h3>
                    <p class="hint">{t(K::case_your_version_hint)}</p>
                    <fieldset disabled class="plain">{mine}</fieldset>
                </div>
                <div class="version theirs" id="their-version" role="region" aria-labelledby="their-version-heading">
                    <h3 id="their-version-heading">{tf(K::case_their_version, &[("who", &conflict.by)])}</h3>
                    <fieldset disabled class="plain">{theirs}</fieldset>
                </div>
            </div>
        </section>
    }
}

/// Whether anything in the step's form differs from what the page came
/// with: typed, ticked or chosen before WASM took over (or put back by the
/// browser on a reload). A control that merely shows the stored value in
/// another shape is no edit, so opening a step never saves by itself.
#[cfg(feature = "hydrate")]
fn typed_before_wasm() -> bool {
    use wasm_bindgen::JsCast;
    let Some(controls) = document()
        .query_selector_all(
            "#step-form input:not([type=hidden]), #step-form textarea, #step-form select",
        )
        .ok()
    else {
        return false;
    };
    (0..controls.length())
        .filter_map(|i| controls.item(i))
        .any(|node| {
            if let Some(input) = node.dyn_ref::<web_sys::HtmlInputElement>() {
                match input.type_().as_str() {
                    "checkbox" | "radio" => input.checked() != input.default_checked(),
                    _ => input.value() != input.default_value(),
                }
            } else if let Some(area) = node.dyn_ref::<web_sys::HtmlTextAreaElement>() {
                area.default_value().is_ok_and(|d| area.value() != d)
            } else if let Some(select) = node.dyn_ref::<web_sys::HtmlSelectElement>() {
                let Ok(options) = select.query_selector_all("option") else {
                    return false;
                };
                let options: Vec<web_sys::HtmlOptionElement> = (0..options.length())
                    .filter_map(|i| options.item(i))
                    .filter_map(|o| o.dyn_into().ok())
                    .collect();
                // Without a `selected` option, a list shows its first one.
                let first_by_default = !options.iter().any(|o| o.default_selected());
                options.iter().enumerate().any(|(i, o)| {
                    let by_default = o.default_selected() || (first_by_default && i == 0);
                    o.selected() != by_default
                })
            } else {
                false
            }
        })
}

/// Reads the step's form into fields (`f[name]` inputs only).
#[cfg(feature = "hydrate")]
pub(super) fn read_form() -> Option<crate::domain::fields::Fields> {
    use wasm_bindgen::JsCast;
    let form = document()
        .get_element_by_id("step-form")?
        .dyn_into::<web_sys::HtmlFormElement>()
        .ok()?;
    let data = web_sys::FormData::new_with_form(&form).ok()?;
    let mut fields = crate::domain::fields::Fields::new();
    let entries = js_sys::try_iter(&data).ok()??;
    for entry in entries.flatten() {
        let pair = js_sys::Array::from(&entry);
        let (Some(name), Some(value)) = (pair.get(0).as_string(), pair.get(1).as_string()) else {
            continue;
        };
        if let Some(field) = name.strip_prefix("f[").and_then(|n| n.strip_suffix(']')) {
            fields.insert(field.to_string(), value);
        }
    }
    Some(fields)
}

/// Sends the edits of a section once typing pauses.
#[cfg(feature = "hydrate")]
fn schedule_sync(ws: Workspace, section: crate::domain::policy::Section) {
    thread_local! {
        static PENDING: std::cell::RefCell<Option<TimeoutHandle>> = const { std::cell::RefCell::new(None) };
    }
    PENDING.with(|p| {
        if let Some(h) = p.borrow_mut().take() {
            h.clear();
        }
        let handle = set_timeout_with_handle(
            move || ws.sync(section),
            std::time::Duration::from_millis(700),
        )
        .ok();
        *p.borrow_mut() = handle;
    });
}
