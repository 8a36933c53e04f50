use crate::api::auth::Enrolment;
use crate::i18n::{t, K};
use leptos::prelude::*;

/// How to add Safeplan to an authenticator app: the QR code to scan, or the
/// key to type in.
#[component]
pub fn EnrolmentSteps(enrolment: Enrolment) -> impl IntoView {
    view! {
        <ol class="steps" id="enrolment">
            <li>{t(K::enrol_app)}</li>
            <li>
                {t(K::enrol_scan)}
                // The SVG is made on the server from the otpauth address alone.
                <div class="qr" role="img" aria-label=t(K::enrol_qr_label) inner_html=enrolment.qr_svg></div>
                {t(K::enrol_or_type)}
                <code id="enrolment-key" class="key">{enrolment.secret_text}</code>
            </li>
            <li>{t(K::enrol_enter)}</li>
        </ol>
    }
}
