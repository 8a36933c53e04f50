mod list_events;

pub use list_events::{list_events, AuditRow, AuditView, ListEvents};
