mod login;
mod logout;
mod me;

pub use login::{login, Login};
pub use logout::{logout, Logout};
pub use me::{me, Me, MeView};
