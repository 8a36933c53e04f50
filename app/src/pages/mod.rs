//! Screens, one module (later one folder) per area.

pub mod account;
pub mod account_setup;
pub mod admin_users;
pub mod audit_log;
pub mod cases;
pub mod dashboard;
pub mod directory;
pub mod home;
pub mod login;
pub mod not_found;
pub mod second_factor;
pub mod second_factor_setup;
