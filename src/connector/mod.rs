//! Logto's side: a Logto config and message in, an Aliyun call out.
//!
//! [`blank`] (what Logto's `clean-deep` removes) and `check` (the field checks every config reader
//! shares) under [`config`] and [`overseas`] (the optional route for non-mainland numbers);
//! [`phone`] and [`template`] for one message; [`message`] (a Logto message → a `SendSms` call);
//! [`route`] (which account and API a message goes through).

pub mod blank;
pub(crate) mod check;
pub mod config;
pub mod locale;
pub mod message;
pub mod overseas;
pub mod phone;
pub mod route;
pub mod template;
