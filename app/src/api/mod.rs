//! Server functions: the public HTTP endpoints under `/api`.
//!
//! One function per file, `api/<area>/<verb_noun>.rs`. Each one gets the
//! actor, checks access, calls a service, and returns only what that role
//! may see. [`ENDPOINTS`] lists every one of them with who may call it; a
//! test fails when a server function exists that is not listed.

pub mod account;
pub mod admin;
pub mod audit;
pub mod auth;
pub mod cases;
pub mod dashboard;
pub mod directory;
pub mod handovers;
pub mod prefs;
pub mod setup;

/// Who may call an endpoint.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Anyone, signed in or not (signing in itself).
    Public,
    /// Any signed-in user.
    SignedIn,
}

/// Every server function: its path and who may call it.
pub const ENDPOINTS: &[(&str, Access)] = &[
    ("/api/auth/login", Access::Public),
    ("/api/auth/logout", Access::Public),
    ("/api/auth/me", Access::Public),
    ("/api/auth/keep_alive", Access::SignedIn),
    // Gated by the short-lived challenge cookie of a right password.
    ("/api/auth/challenge", Access::Public),
    ("/api/auth/second_factor", Access::Public),
    ("/api/account/list_sessions", Access::SignedIn),
    ("/api/account/end_session", Access::SignedIn),
    ("/api/account/second_factor_status", Access::SignedIn),
    ("/api/account/second_factor_setup", Access::SignedIn),
    ("/api/account/second_factor_confirm", Access::SignedIn),
    ("/api/account/second_factor_disable", Access::SignedIn),
    ("/api/account/change_password", Access::SignedIn),
    ("/api/admin/list_users", Access::SignedIn),
    ("/api/admin/create_user", Access::SignedIn),
    ("/api/admin/set_user_active", Access::SignedIn),
    ("/api/admin/set_role", Access::SignedIn),
    ("/api/admin/reset_password", Access::SignedIn),
    ("/api/admin/reset_second_factor", Access::SignedIn),
    ("/api/admin/set_directory_editor", Access::SignedIn),
    ("/api/audit/list_events", Access::SignedIn),
    ("/api/setup/waiting", Access::SignedIn),
    ("/api/setup/issue_code", Access::SignedIn),
    // The one-time code is the key (throttled as signing in is).
    ("/api/setup/complete", Access::Public),
    ("/api/prefs/set_language", Access::Public),
    ("/api/cases/list", Access::SignedIn),
    ("/api/cases/create", Access::SignedIn),
    ("/api/cases/open", Access::SignedIn),
    ("/api/cases/save", Access::SignedIn),
    ("/api/cases/access_log", Access::SignedIn),
    ("/api/cases/export_json", Access::SignedIn),
    ("/api/cases/export_ics", Access::SignedIn),
    ("/api/cases/print", Access::SignedIn),
    ("/api/cases/approval", Access::SignedIn),
    ("/api/cases/request_approval", Access::SignedIn),
    ("/api/cases/confirm_origin", Access::SignedIn),
    ("/api/cases/life", Access::SignedIn),
    ("/api/cases/accept_budget", Access::SignedIn),
    ("/api/cases/follow_up", Access::SignedIn),
    ("/api/cases/share", Access::SignedIn),
    ("/api/cases/share_links", Access::SignedIn),
    ("/api/cases/share_revoke", Access::SignedIn),
    ("/api/cases/client_copy", Access::SignedIn),
    ("/api/cases/referral", Access::SignedIn),
    ("/api/directory/search", Access::SignedIn),
    ("/api/directory/entry", Access::SignedIn),
    ("/api/directory/save", Access::SignedIn),
    ("/api/directory/verify", Access::SignedIn),
    ("/api/directory/archive", Access::SignedIn),
    ("/api/directory/suggestions", Access::SignedIn),
    ("/api/directory/decide_suggestion", Access::SignedIn),
    ("/api/directory/export", Access::SignedIn),
    ("/api/directory/import", Access::SignedIn),
    ("/api/handovers/hand_over", Access::SignedIn),
    ("/api/handovers/respond", Access::SignedIn),
    ("/api/handovers/inbox", Access::SignedIn),
    ("/api/dashboard/summary", Access::SignedIn),
    ("/api/dashboard/statistics", Access::SignedIn),
];
