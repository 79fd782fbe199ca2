//! Aliyun SMS connector for Logto.
//!
//! A pure core (no JavaScript types, no I/O, no clock, no randomness) and [`wasm`], the thin
//! `#[wasm_bindgen]` boundary that performs HTTP calls through the host's `fetch`.
//!
//! The folders are the layers; each imports only from those listed before it:
//! - the values every layer shares, at the root: [`limits`], `calendar` (day arithmetic),
//!   [`issue`] (config problems shaped like zod's), [`error`] (a connector-kit code and its data);
//! - [`aliyun`]: Alibaba Cloud's side: the endpoints, the credentials and their loaders, both
//!   signatures, one signed call for any API, the JSON answers, and one file per API in
//!   [`aliyun::api`]. A new Aliyun API is a new file there;
//! - [`connector`]: Logto's side: what `clean-deep` leaves, the config and its field checks, the
//!   overseas route, phone numbers, templates and the choice among them by `payload.locale`, a
//!   Logto message as an API call, and the routing of a message to an account and an API. A new config field goes in `data/config-fields.json` and
//!   [`connector::config`] (or [`connector::overseas`] for the route);
//! - [`tools`]: the operator tools (`doctor`), verdicts over the read-only APIs;
//! - [`wasm`] (WebAssembly only): the boundary Logto loads (values through serde-wasm-bindgen, the
//!   request through web-sys), and, with the cargo feature `tools`, [`wasm`]'s `tools`: the exports
//!   the CLI's `doctor` and `status` use, built into a second module that Logto never loads.
//!
//! Flow of a send: [`connector::config::validate`] → [`connector::route::prepare`] →
//! [`aliyun::call::sign`] → host `fetch` → [`connector::route::Request::parse`]
//! ([`aliyun::api::send_sms::parse`], [`aliyun::api::send_sms_verify_code::parse`] or
//! [`aliyun::api::send_message_to_globe::parse`]).

#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

mod calendar;
pub mod error;
pub mod issue;
pub mod limits;

pub mod aliyun;
pub mod connector;
pub mod tools;

#[cfg(test)]
mod test_fixtures;

#[cfg(target_arch = "wasm32")]
pub mod wasm;

/// Talc instead of the default dlmalloc: smaller and faster in WebAssembly (single-threaded).
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();
