mod set_language;

pub use set_language::{set_language, SetLanguage};
