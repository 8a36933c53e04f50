//! The plan's referrals, under the reintegration step: each organisation
//! with how to reach it and how to refer, the referral's status and
//! history, and the next step (contacted, accepted, delivered) or
//! declined with a reason. Finding a new organisation goes through the
//! social map. The forms post without WASM too (the server sends the
//! browser back here, saying how it went).

use super::workspace::Workspace;
use crate::api::cases::{ChangeReferral, ReferralContact, ReferralResult};
use crate::components::time::date_text;
use crate::domain::case_file::section_slug;
use crate::domain::policy::Section;
use crate::domain::referral::{Referral, ReferralRefusal, ReferralStatus};
use crate::i18n::map::{mt, mtf, MK};
use crate::pages::directory::labels::{purpose_key, status_key};
use leptos::form::ActionForm;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::use_query_map;

pub fn refusal_key(r: ReferralRefusal) -> MK {
    match r {
        ReferralRefusal::AlreadyReferred => MK::ref_already_referred,
        ReferralRefusal::TooMany => MK::ref_too_many,
        ReferralRefusal::TooLong => MK::ref_too_long,
        ReferralRefusal::UnknownReferral => MK::ref_unknown,
        ReferralRefusal::NotAllowed => MK::ref_not_allowed,
        ReferralRefusal::ReasonRequired => MK::ref_reason_required,
    }
}

fn next_key(s: ReferralStatus) -> Option<MK> {
    match s.next()? {
        ReferralStatus::Contacted => Some(MK::ref_to_contacted),
        ReferralStatus::Accepted => Some(MK::ref_to_accepted),
        ReferralStatus::Delivered => Some(MK::ref_to_delivered),
        _ => None,
    }
}

#[component]
pub fn ReferralPanel(ws: Workspace, writes: bool, contacts: Vec<ReferralContact>) -> impl IntoView {
    let query = use_query_map();
    let from_address = match query.read_untracked().get("referral").as_deref() {
        Some("done") => Some((false, MK::ref_done)),
        Some("already_referred") => Some((true, MK::ref_already_referred)),
        Some("too_many") => Some((true, MK::ref_too_many)),
        Some("too_long") => Some((true, MK::ref_too_long)),
        Some("unknown") => Some((true, MK::ref_unknown)),
        Some("not_allowed") => Some((true, MK::ref_not_allowed)),
        Some("reason_required") => Some((true, MK::ref_reason_required)),
        _ => None,
    };
    let action = ServerAction::<ChangeReferral>::new();
    let value = action.value();
    // What the server recorded becomes the plan's referrals here, and
    // the section's version moves on (so the budget form saves on it).
    Effect::new(move |_| {
        if let Some(Ok(ReferralResult::Done { version, referrals })) = value.get() {
            ws.file.update(|f| f.reintegration.referrals = referrals);
            ws.meta.update(|m| {
                m.entry(section_slug(Section::Reintegration).to_string())
                    .or_insert_with(|| crate::api::cases::SectionMeta {
                        version: 0,
                        updated_at: None,
                        updated_by: None,
                    })
                    .version = version;
            });
        }
    });
    let message = move || match value.get() {
        Some(Ok(ReferralResult::Done { .. })) => Some((false, mt(MK::ref_done).to_string())),
        Some(Ok(ReferralResult::Refused(r))) => Some((true, mt(refusal_key(r)).to_string())),
        Some(Err(e)) => Some((true, e.user_message())),
        None => from_address.map(|(bad, k)| (bad, mt(k).to_string())),
    };
    let code = ws.code.get_value();
    let contacts = StoredValue::new(contacts);
    view! {
        <section class="panel referrals" id="referrals" aria-labelledby="referrals-heading">
            <h2 id="referrals-heading">{mt(MK::ref_heading)}</h2>
            <p class="hint">{mt(MK::ref_hint)}</p>
            {move || message().map(|(bad, m)| view! {
                <p class:form-error=bad class:notice=!bad role=if bad { "alert" } else { "status" } id="referral-result">{m}</p>
            })}
            {move || {
                let list = ws.file.with(|f| f.reintegration.referrals.clone());
                if list.is_empty() {
                    return view! { <p id="no-referrals">{mt(MK::ref_none)}</p> }.into_any();
                }
                let code = ws.code.get_value();
                view! {
                    <ol class="referral-list">
                        {list.into_iter().map(|r| {
                            let contact = contacts.with_value(|c| c.iter().find(|c| c.organisation_id == r.organisation_id).cloned());
                            view! { <ReferralItem r contact code=code.clone() writes action/> }
                        }).collect_view()}
                    </ol>
                }.into_any()
            }}
            {writes.then(|| view! {
                <p><a href=format!("/directory?for={code}") id="find-referral" class="button">{mt(MK::ref_find)}</a></p>
            })}
        </section>
    }
}

#[component]
fn ReferralItem(
    r: Referral,
    contact: Option<ReferralContact>,
    code: String,
    writes: bool,
    action: ServerAction<ChangeReferral>,
) -> impl IntoView {
    let item_id = format!("referral-{}", r.id);
    let since = r
        .history
        .last()
        .map(|h| date_text(h.on))
        .unwrap_or_default();
    let history = r
        .history
        .iter()
        .map(|h| {
            mtf(
                MK::ref_history,
                &[
                    ("status", mt(status_key(h.status))),
                    ("date", &date_text(h.on)),
                ],
            )
        })
        .collect::<Vec<_>>()
        .join(" · ");
    let open = !r.status.is_final();
    let next = r.status.next().zip(next_key(r.status));
    let reason_id = format!("decline-reason-{}", r.id);
    let (code1, code2) = (code.clone(), code);
    let (id1, id2) = (r.id.clone(), r.id.clone());
    let from = r.status.slug();
    view! {
        <li class="referral" id=item_id data-status=from>
            <h3>
                <a href=format!("/directory/entry/{}", r.organisation_id)>{r.organisation_name.clone()}</a>
                " — " {mt(purpose_key(r.purpose))}
            </h3>
            {(!r.note.is_empty()).then(|| view! { <p class="note">{r.note.clone()}</p> })}
            <p class="status">
                <strong class="referral-status">{mt(status_key(r.status))}</strong>
                " " {mtf(MK::ref_since, &[("date", &since)])}
            </p>
            {(r.status == ReferralStatus::Declined).then(|| view! {
                <p class="declined">{mtf(MK::ref_declined_because, &[("reason", &r.reason)])}</p>
            })}
            <p class="hint history">{history}</p>
            {contact.map(|c| view! { <ContactBlock c/> })}
            {(writes && open).then(|| view! {
                <div class="form-actions">
                    {next.map(|(to, k)| view! {
                        <ActionForm action attr:class="inline" attr:action=ChangeReferral::url()>
                            <input type="hidden" name="code" value=code1.clone()/>
                            <input type="hidden" name="op" value="move"/>
                            <input type="hidden" name="referral_id" value=id1.clone()/>
                            <input type="hidden" name="from" value=from/>
                            <input type="hidden" name="to" value=to.slug()/>
                            <button type="submit" class="advance">{mt(k)}</button>
                        </ActionForm>
                    })}
                    <ActionForm action attr:class="inline decline" attr:action=ChangeReferral::url()>
                        <input type="hidden" name="code" value=code2/>
                        <input type="hidden" name="op" value="move"/>
                        <input type="hidden" name="referral_id" value=id2/>
                        <input type="hidden" name="from" value=from/>
                        <input type="hidden" name="to" value="declined"/>
                        <label for=reason_id.clone()>{mt(MK::ref_decline_reason)}</label>
                        <input id=reason_id name="reason" maxlength="1000"/>
                        <button type="submit" class="secondary">{mt(MK::ref_decline)}</button>
                    </ActionForm>
                </div>
            })}
        </li>
    }
}

/// How to reach the organisation and how to refer.
#[component]
fn ContactBlock(c: ReferralContact) -> impl IntoView {
    let line = |label: MK, value: String, href: Option<String>| {
        (!value.is_empty()).then(|| {
            let shown = match href {
                Some(h) => view! { <a href=h>{value}</a> }.into_any(),
                None => view! { {value} }.into_any(),
            };
            view! { <div><dt>{mt(label)}</dt><dd>{shown}</dd></div> }
        })
    };
    view! {
        <div class="contact-block">
            <p class="badges">
                {c.stale.then(|| view! { <span class="badge warn stale">{mt(MK::stale)}</span> })}
                {c.partners_only.then(|| view! { <span class="badge warn">{mt(MK::partners_only)}</span> })}
                {c.archived.then(|| view! { <span class="badge warn">{mt(MK::archived)}</span> })}
            </p>
            <dl class="contacts">
                {line(MK::col_city, format!("{}, {}", c.city, c.country), None)}
                {if c.address_confidential {
                    line(MK::col_address, mt(MK::address_confidential).to_string(), None)
                } else {
                    line(MK::col_address, c.address.clone(), None)
                }}
                {line(MK::col_hotline, c.hotline.clone(), Some(format!("tel:{}", c.hotline)))}
                {line(MK::col_phone, c.phone.clone(), Some(format!("tel:{}", c.phone)))}
                {line(MK::col_email, c.email.clone(), Some(format!("mailto:{}", c.email)))}
                {line(MK::col_website, c.website.clone(), Some(c.website.clone()))}
                {line(MK::col_secure_channel, c.secure_channel.clone(), None)}
                {line(MK::col_contact_role, c.contact_role.clone(), None)}
                {line(MK::ref_hours, c.opening_hours.clone(), None)}
            </dl>
            {(!c.referral_procedure.is_empty()).then(|| view! {
                <h4>{mt(MK::ref_procedure)}</h4>
                <p class="procedure">{c.referral_procedure.clone()}</p>
            })}
        </div>
    }
}
