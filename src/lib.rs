//! Aliyun SMS connector for Logto.
//!
//! A pure core (no JavaScript types) that validates the connector config, decides mainland China
//! versus overseas templates, builds and signs Aliyun's `SendSms` request and maps the answer to
//! `@logto/connector-kit` error codes; plus [`wasm`], the thin `#[wasm_bindgen]` boundary that
//! performs the HTTP call through the host's `fetch`.
//!
//! Flow: [`config::validate`] → [`message::prepare`] (phone, template, request, signature) →
//! host `fetch` → [`response::parse`].

#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

pub mod config;
pub mod endpoint;
pub mod error;
pub mod limits;
pub mod message;
pub mod phone;
pub mod request;
pub mod response;
pub mod signature;
pub mod signature_v3;
pub mod template;

#[cfg(target_arch = "wasm32")]
pub mod wasm;
