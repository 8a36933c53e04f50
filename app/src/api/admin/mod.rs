mod create_user;
mod list_users;
mod reset_password;
mod reset_second_factor;
mod set_directory_editor;
mod set_role;
mod set_user_active;

pub use create_user::{create_user, CreateUser};
pub use list_users::{list_users, ListUsers, UserRow};
pub use reset_password::{reset_password, ResetPassword};
pub use reset_second_factor::{reset_second_factor, ResetSecondFactor};
pub use set_directory_editor::{set_directory_editor, SetDirectoryEditor};
pub use set_role::{set_role, SetRole};
pub use set_user_active::{set_user_active, SetUserActive};
