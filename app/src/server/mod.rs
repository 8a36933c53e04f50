//! Request-side services (feature `ssr`): application state, password
//! hashing, sessions and sign-in.

pub mod account;
pub mod account_setup;
pub mod admin;
pub mod audit;
pub mod auth;
pub mod cases;
pub mod client_address;
pub mod client_copy;
pub mod cookies;
pub mod dashboard;
pub mod directory;
pub mod handovers;
pub mod indicator_lists;
pub mod lifecycle;
pub mod password;
pub mod plan_print;
pub mod prefs;
pub mod referrals;
pub mod second_factor;
pub mod secrets;
pub mod shares;
pub mod state;
pub mod totp;

pub use auth::{current_actor, require_actor};
pub use state::{AppState, SessionSettings};
