mod challenge;
mod keep_alive;
mod login;
mod logout;
mod me;
mod second_factor;

pub use challenge::{challenge, Challenge, ChallengeView, Enrolment};
pub use keep_alive::{keep_alive, KeepAlive};
pub use login::{login, Login};
pub use logout::{logout, Logout};
pub use me::{me, Me, MeView};
pub use second_factor::{second_factor, SecondFactor};
