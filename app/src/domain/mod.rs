//! The pure core: types and rules of counselling and planning.
//!
//! Nothing here does I/O or imports a framework (no leptos, sqlx, axum,
//! tokio, web-sys, gloo), so the same rules run in the browser for instant
//! feedback and on the server, which re-checks them.

pub mod case;
pub mod consent;
pub mod follow_up;
pub mod milestones;
pub mod money;
pub mod navigation;
pub mod options;
pub mod org;
pub mod password;
pub mod plan;
pub mod policy;
pub mod reintegration;
pub mod risk;
pub mod screening;
pub mod session;
pub mod throttle;
pub mod travel;

pub use money::{Currency, Money};
pub use org::{OrgKind, Role};
