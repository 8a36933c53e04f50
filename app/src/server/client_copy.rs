//! The client's copy of a plan as a page of its own (issue #6, item 3):
//! plain language in the client's language (English, Dutch, French or
//! Arabic, right to left), no script, one small style sheet that also
//! prints on A4. Rendered on the server only, for the counsellor's preview
//! and for shared links alike.

use crate::domain::client_copy::{ClientCopy, ClientItem, When};
use crate::domain::reintegration::{Form, SupportCategory};
use crate::i18n::client::{fill, text, ClientLocale, CK};
use chrono::{Datelike, NaiveDate};
use leptos::prelude::*;
use leptos::tachys::view::RenderHtml;

/// Who made the plan, and for which case.
#[derive(Clone, Debug)]
pub struct CopyMeta {
    pub code: String,
    pub counsellor: String,
    pub organisation: String,
    /// The IOM mission organising the return, once chosen.
    pub mission: Option<String>,
    pub made_on: NaiveDate,
}

/// How the page was reached.
#[derive(Clone, Debug)]
pub enum CopyMode {
    /// A member of staff opened it from the plan (to print or show).
    Preview,
    /// From a shared link: its address (for the language links) and when
    /// it stops working.
    Shared {
        path: String,
        valid_until: NaiveDate,
    },
}

fn item_key(i: ClientItem) -> CK {
    match i {
        ClientItem::Residence => CK::item_residence,
        ClientItem::TravelDocument => CK::item_travel_document,
        ClientItem::HealthCheck => CK::item_health_check,
        ClientItem::Booking => CK::item_booking,
        ClientItem::Briefing => CK::item_briefing,
        ClientItem::Departure => CK::item_departure,
        ClientItem::Arrival => CK::item_arrival,
        ClientItem::SupportPlan => CK::item_support_plan,
        ClientItem::FollowUp1 => CK::item_follow_up_1,
        ClientItem::FollowUp3 => CK::item_follow_up_3,
        ClientItem::FollowUp6 => CK::item_follow_up_6,
        ClientItem::FollowUp12 => CK::item_follow_up_12,
    }
}

fn category_key(c: SupportCategory) -> CK {
    match c {
        SupportCategory::Immediate => CK::category_immediate,
        SupportCategory::Economic => CK::category_economic,
        SupportCategory::Social => CK::category_social,
        SupportCategory::Psychosocial => CK::category_psychosocial,
    }
}

/// A date as digits, day first (understood in every one of the copy's
/// languages; no month names to translate or misread).
pub fn date_text(d: NaiveDate) -> String {
    format!("{:02}-{:02}-{}", d.day(), d.month(), d.year())
}

/// A name in a sentence of another direction: isolated, so that an Arabic
/// sentence does not reorder a Latin name around it, or the reverse.
fn name(s: &str) -> String {
    format!("\u{2068}{s}\u{2069}")
}

/// A code or a date: always left to right, as a whole.
fn ltr(s: &str) -> String {
    format!("\u{2066}{s}\u{2069}")
}

/// The whole HTML document.
pub fn render(copy: &ClientCopy, meta: &CopyMeta, l: ClientLocale, mode: &CopyMode) -> String {
    let tx = move |k: CK| text(l, k);
    let steps = copy
        .steps
        .iter()
        .map(|s| {
            let when = match (s.date, s.when) {
                (None, _) => tx(CK::date_not_set).to_string(),
                (Some(d), _) if s.done => date_text(d),
                (Some(d), When::On) => date_text(d),
                (Some(d), When::By) => fill(l, CK::date_by, &[("date", &ltr(&date_text(d)))]),
                (Some(d), When::Around) => {
                    fill(l, CK::date_around, &[("date", &ltr(&date_text(d)))])
                }
            };
            let state = if s.done {
                tx(CK::done)
            } else {
                tx(CK::planned)
            };
            view! {
                <li class:done=s.done>
                    <span class="when">{when}</span>
                    <span class="what">{tx(item_key(s.item))}</span>
                    <span class="state">{state}</span>
                </li>
            }
        })
        .collect_view();
    let support = copy
        .support
        .iter()
        .map(|s| {
            let form = match s.form {
                Form::Cash => tx(CK::form_cash),
                Form::InKind => tx(CK::form_in_kind),
            };
            view! {
                <li>
                    <strong>{tx(category_key(s.category))}</strong>
                    ": "
                    // The counsellor's words, in the language they were written in.
                    <bdi>{s.description.clone()}</bdi>
                    {format!(" ({form})")}
                </li>
            }
        })
        .collect_view();
    let contacts = copy
        .contacts
        .iter()
        .map(|c| view! { <li><bdi>{c.clone()}</bdi></li> })
        .collect_view();
    let languages = match mode {
        CopyMode::Preview => None,
        CopyMode::Shared { path, .. } => Some(
            ClientLocale::ALL
                .into_iter()
                .map(|o| {
                    let href = format!("{path}?lang={}", o.code());
                    let current = (o == l).then_some("true");
                    view! { <li><a href=href lang=o.code() hreflang=o.code() aria-current=current>{o.name()}</a></li> }
                })
                .collect_view(),
        ),
    };
    let valid_until = match mode {
        CopyMode::Shared { valid_until, .. } => Some(fill(
            l,
            CK::share_valid_until,
            &[("date", &ltr(&date_text(*valid_until)))],
        )),
        CopyMode::Preview => None,
    };
    let body = view! {
        <main class="copy">
            {languages.map(|items| view! {
                <nav class="languages" aria-label=tx(CK::language)><ul>{items}</ul></nav>
            })}
            <h1>{tx(CK::title)}</h1>
            <p class="lead">{tx(CK::lead)}</p>
            <p class="meta">
                {fill(l, CK::made_on, &[("date", &ltr(&date_text(meta.made_on)))])}
                <br/>
                {fill(l, CK::reference, &[("code", &ltr(&meta.code))])}
            </p>
            {copy.departure.map(|d| view! {
                <p class="departure">{fill(l, CK::departure, &[("date", &ltr(&date_text(d)))])}</p>
            })}
            <section aria-labelledby="next">
                <h2 id="next">{tx(CK::next_heading)}</h2>
                {if copy.steps.is_empty() {
                    view! { <p>{tx(CK::next_none)}</p> }.into_any()
                } else {
                    view! { <ol class="steps">{steps}</ol> }.into_any()
                }}
            </section>
            <section aria-labelledby="support">
                <h2 id="support">{tx(CK::support_heading)}</h2>
                {if copy.support.is_empty() {
                    view! { <p>{tx(CK::support_none)}</p> }.into_any()
                } else {
                    view! { <p>{tx(CK::support_lead)}</p><ul>{support}</ul> }.into_any()
                }}
            </section>
            <section aria-labelledby="contacts">
                <h2 id="contacts">{tx(CK::contacts_heading)}</h2>
                <ul class="contacts">
                    <li>{fill(l, CK::contacts_counsellor, &[("name", &name(&meta.counsellor)), ("organisation", &name(&meta.organisation))])}</li>
                    {meta.mission.clone().map(|m| view! {
                        <li>{fill(l, CK::contacts_mission, &[("organisation", &name(&m))])}</li>
                    })}
                </ul>
                {(!copy.contacts.is_empty()).then(|| view! {
                    <h3>{tx(CK::contacts_extra)}</h3>
                    <ul class="contacts">{contacts}</ul>
                })}
            </section>
            <section aria-labelledby="emergency" class="emergency">
                <h2 id="emergency">{tx(CK::emergency_heading)}</h2>
                <p>{tx(CK::emergency_europe)}</p>
                <p>{tx(CK::emergency_plan)}</p>
            </section>
            {valid_until.map(|v| view! { <p class="valid">{v}</p> })}
        </main>
    };
    document(l, tx(CK::title), body.to_html())
}

/// A plain page of the shared link (expired, revoked, unknown, PIN).
pub fn notice_page(l: ClientLocale, heading: CK, body: impl RenderHtml) -> String {
    let html = view! {
        <main class="copy notice">
            <h1>{text(l, heading)}</h1>
            {body}
        </main>
    }
    .to_html();
    document(l, text(l, heading), html)
}

/// The PIN form of a shared link; `problem` says why it is shown again.
pub fn pin_page(l: ClientLocale, path: &str, problem: Option<String>) -> String {
    let action = format!("{path}?lang={}", l.code());
    notice_page(
        l,
        CK::share_pin_title,
        view! {
            <p>{text(l, CK::share_pin_lead)}</p>
            {problem.map(|p| view! { <p class="problem" role="alert" id="pin-problem">{p}</p> })}
            <form method="post" action=action>
                <label for="pin">{text(l, CK::share_pin_label)}</label>
                <input id="pin" name="pin" type="password" inputmode="numeric" autocomplete="off" required maxlength="8" dir="ltr"/>
                <button type="submit">{text(l, CK::share_pin_submit)}</button>
            </form>
        },
    )
}

fn document(l: ClientLocale, heading: &str, body: String) -> String {
    // Written out, not rendered: a rendered <title> carries the renderer's
    // marker comment, which a title shows as text ("<!>").
    let title = format!(
        "<title>{}</title>",
        crate::pages::cases::inputs::escape_text(heading)
    );
    format!(
        "<!DOCTYPE html><html lang=\"{lang}\" dir=\"{dir}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <meta name=\"robots\" content=\"noindex, nofollow\">\
         {title}<link rel=\"icon\" href=\"/favicon.svg\" type=\"image/svg+xml\">\
         <link rel=\"stylesheet\" href=\"/client-copy.css\"></head>\
         <body>{body}</body></html>",
        lang = l.code(),
        dir = l.dir(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::client_copy::ClientStep;

    fn copy() -> ClientCopy {
        ClientCopy {
            departure: NaiveDate::from_ymd_opt(2027, 1, 15),
            steps: vec![ClientStep {
                item: ClientItem::TravelDocument,
                date: NaiveDate::from_ymd_opt(2026, 11, 18),
                done: true,
                when: When::On,
            }],
            support: Vec::new(),
            contacts: vec!["Reception <Lagos> +234 1".into()],
        }
    }

    fn meta() -> CopyMeta {
        CopyMeta {
            code: "K7Q2-M9XD-F".into(),
            counsellor: "Carla".into(),
            organisation: "Shelter A".into(),
            mission: Some("IOM NL".into()),
            made_on: NaiveDate::from_ymd_opt(2026, 11, 29).unwrap(),
        }
    }

    #[test]
    fn arabic_runs_right_to_left_and_text_is_escaped() {
        let html = render(&copy(), &meta(), ClientLocale::Ar, &CopyMode::Preview);
        assert!(html.contains("<html lang=\"ar\" dir=\"rtl\">"), "{html}");
        assert!(html.contains("K7Q2-M9XD-F"));
        assert!(html.contains("18-11-2026"));
        assert!(html.contains("Reception &lt;Lagos&gt; +234 1"), "{html}");
        assert!(!html.contains("<script"));
        let fr = render(
            &copy(),
            &meta(),
            ClientLocale::Fr,
            &CopyMode::Shared {
                path: "/c/abc".into(),
                valid_until: NaiveDate::from_ymd_opt(2026, 12, 29).unwrap(),
            },
        );
        assert!(fr.contains("<html lang=\"fr\" dir=\"ltr\">"));
        assert!(fr.contains("/c/abc?lang=ar"), "language links");
        assert!(fr.contains("29-12-2026"));
    }
}
