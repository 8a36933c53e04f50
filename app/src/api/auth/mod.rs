mod keep_alive;
mod login;
mod logout;
mod me;

pub use keep_alive::{keep_alive, KeepAlive};
pub use login::{login, Login};
pub use logout::{logout, Logout};
pub use me::{me, Me, MeView};
