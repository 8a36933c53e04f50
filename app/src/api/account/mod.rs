mod change_password;
mod end_session;
mod list_sessions;
mod second_factor_confirm;
mod second_factor_disable;
mod second_factor_setup;
mod second_factor_status;

pub use change_password::{change_password, ChangePassword};
pub use end_session::{end_session, EndSession};
pub use list_sessions::{list_sessions, ListSessions, SessionView};
pub use second_factor_confirm::{second_factor_confirm, SecondFactorConfirm};
pub use second_factor_disable::{second_factor_disable, SecondFactorDisable};
pub use second_factor_setup::{second_factor_setup, SecondFactorSetup};
pub use second_factor_status::{second_factor_status, SecondFactorStatus, SecondFactorStatusView};
