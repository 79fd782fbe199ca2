//! Aliyun SMS connector for Logto.
//!
//! A pure core (no JavaScript types) and [`wasm`], the thin `#[wasm_bindgen]` boundary that
//! performs HTTP calls through the host's `fetch`.
//!
//! Layers, each importing only those above it:
//! - values: [`limits`], [`issue`], [`error`], [`credential`], [`endpoint`], [`phone`];
//! - signing: [`signature_v1`], [`signature_v3`], then [`call`] (one signed call for any API);
//! - answers: [`response`] (any API's JSON answer);
//! - one module per Aliyun API: [`send_sms`], [`query_send_details`];
//! - Logto's side: [`config`], [`template`], [`message`] (a Logto message → a `SendSms` call).
//!
//! Flow of a send: [`config::validate`] → [`message::prepare`] → [`call::sign`] → host `fetch`
//! → [`send_sms::parse`].

#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

pub mod call;
pub mod config;
pub mod credential;
pub mod endpoint;
pub mod error;
pub mod issue;
pub mod limits;
pub mod message;
pub mod phone;
pub mod query_send_details;
pub mod response;
pub mod send_sms;
pub mod signature_v1;
pub mod signature_v3;
pub mod template;

#[cfg(target_arch = "wasm32")]
pub mod wasm;

/// Talc instead of the default dlmalloc: smaller and faster in WebAssembly (single-threaded).
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();
