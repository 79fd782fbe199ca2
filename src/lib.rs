//! Aliyun SMS connector for Logto.
//!
//! A pure core (no JavaScript types) and [`wasm`], the thin `#[wasm_bindgen]` boundary that
//! performs HTTP calls through the host's `fetch`.
//!
//! Layers, each importing only those above it:
//! - values: [`limits`], `calendar` (day arithmetic), [`issue`], [`error`], [`credential`],
//!   [`endpoint`], [`phone`];
//! - signing: [`signature_v1`], [`signature_v3`], then [`call`] (one signed call for any API);
//! - answers: [`response`] (any API's JSON answer);
//! - one module per Aliyun API: [`send_sms`], [`send_message_to_globe`], [`query_send_details`],
//!   [`get_sms_sign`] and [`get_sms_template`] (with [`review`], the review state the last two
//!   share), [`query_message`] (the international site's delivery report, a read-only probe),
//!   [`sts`] (temporary credentials for a RAM role), and [`ecs_metadata`] (the ECS instance's
//!   role);
//! - [`provider`]: which credentials sign a send (`credentialType`);
//! - Logto's side: [`blank`] (what Logto's `clean-deep` removes), `check` (the field checks every
//!   config reader shares), [`overseas`] (the optional route for non-mainland numbers),
//!   [`config`], [`template`], [`message`] (a Logto message → a `SendSms` call), [`route`]
//!   (which account and API a message goes through);
//! - operator tools: [`doctor`] (a config checked against Aliyun's read-only APIs).
//!
//! Flow of a send: [`config::validate`] → [`route::prepare`] → [`call::sign`] → host `fetch`
//! → [`route::Request::parse`] ([`send_sms::parse`] or [`send_message_to_globe::parse`]).

#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

pub mod blank;
mod calendar;
pub mod call;
mod check;
pub mod config;
pub mod credential;
pub mod doctor;
pub mod ecs_metadata;
pub mod endpoint;
pub mod error;
pub mod get_sms_sign;
pub mod get_sms_template;
pub mod issue;
pub mod limits;
pub mod message;
pub mod overseas;
pub mod phone;
pub mod provider;
pub mod query_message;
pub mod query_send_details;
pub mod response;
pub mod review;
pub mod route;
pub mod send_message_to_globe;
pub mod send_sms;
pub mod signature_v1;
pub mod signature_v3;
pub mod sts;
pub mod template;
#[cfg(test)]
mod test_fixtures;

#[cfg(target_arch = "wasm32")]
pub mod wasm;
#[cfg(target_arch = "wasm32")]
pub mod wasm_tools;

/// Talc instead of the default dlmalloc: smaller and faster in WebAssembly (single-threaded).
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();
