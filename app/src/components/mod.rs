//! Reusable pieces of the user interface.

pub mod demo_banner;
pub mod enrolment;
pub mod hydration;
pub mod language_switch;
pub mod session_timer;
pub mod sign_in_redirect;
pub mod signed_in;
pub mod time;
pub mod topbar;
