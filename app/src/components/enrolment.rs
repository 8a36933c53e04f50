use crate::api::auth::Enrolment;
use leptos::prelude::*;

/// How to add Safeplan to an authenticator app: the QR code to scan, or the
/// key to type in.
#[component]
pub fn EnrolmentSteps(enrolment: Enrolment) -> impl IntoView {
    view! {
        <ol class="steps" id="enrolment">
            <li>
                "Open an authenticator app on your phone (for example FreeOTP, Aegis, "
                "Google Authenticator or Microsoft Authenticator) and add an account."
            </li>
            <li>
                "Scan this code:"
                // The SVG is made on the server from the otpauth address alone.
                <div class="qr" role="img" aria-label="QR code for your authenticator app" inner_html=enrolment.qr_svg></div>
                "Or type this key: "
                <code id="enrolment-key" class="key">{enrolment.secret_text}</code>
            </li>
            <li>"Enter the six-digit code the app shows for Safeplan."</li>
        </ol>
    }
}
