//! The WebAssembly boundary: JS values in, the pure core in the middle, JS values out.
//!
//! The host supplies `fetch`, `setTimeout`/`clearTimeout`, `AbortController`, the clock
//! (`Date.now()`) and randomness (`crypto.getRandomValues`, through getrandom). Nothing here
//! panics: every failure becomes a rejected promise (or thrown value) shaped `{ code, data }`,
//! which the JS layer turns into the host's `ConnectorError`.
//!
//! Values cross through serde-wasm-bindgen ([`values`]); a cyclic object, a `BigInt`, a function
//! or a megabyte string becomes a typed error, not a trap. The request goes through web-sys
//! ([`http`]).

use std::cell::RefCell;
use std::rc::Rc;

use serde::Serialize;
use serde_json::Value;
use wasm_bindgen::prelude::*;

use crate::aliyun::call::{self, Nonce, NoncePool, SignedRequest, Target, Timestamp};
use crate::aliyun::credential::{Credentials, Redactor};
use crate::aliyun::signature_v1;
use crate::connector::config::{self, Config};
use crate::connector::phone;
use crate::connector::route;
use crate::error::{ErrorCode, Failure};
use crate::issue::{Issue, IssueCode};
use crate::limits::{MAX_CONFIG_JSON_BYTES, MAX_MESSAGE_JSON_BYTES};

pub(crate) mod credentials;
mod http;
#[cfg(feature = "boundary-probe")]
mod probe;
/// The operator tools' exports (`doctor`, `querySendDetails`): the CLI's module only (feature
/// `tools`), never the one Logto loads.
#[cfg(feature = "tools")]
pub mod tools;
mod values;

pub(crate) use http::Reply;
use http::{fetch_text, Outgoing};
pub(crate) use values::{failure_to_js, from_js, to_js, Unreadable};

thread_local! {
    /// The last valid config and its cache key. Logto passes the same config on every send;
    /// recognising it is far cheaper than reading and validating it again.
    static LAST_CONFIG: RefCell<Option<(JsValue, Rc<Config>)>> = const { RefCell::new(None) };
}

pub(crate) fn validated(config: &JsValue) -> Result<Rc<Config>, Failure> {
    // The cache key is the config's `JSON.stringify` text, made and compared in JS: it never
    // enters WebAssembly memory, and the config itself is read (below) only when it changed. A
    // config JSON cannot express has no key, and is read and refused.
    let key = js_sys::JSON::stringify(config).ok().map(JsValue::from);
    if let Some(key) = &key {
        let cached = LAST_CONFIG.with_borrow(|last| {
            last.as_ref()
                .filter(|(last_key, _)| last_key == key)
                .map(|(_, config)| config.clone())
        });
        if let Some(config) = cached {
            return Ok(config);
        }
    }
    // A config JSON cannot represent is reported as an issue too, so `issues` is always there.
    let unreadable = |unreadable: Unreadable| {
        let code = match unreadable {
            Unreadable::TooBig(_) => IssueCode::TooBig,
            Unreadable::NotJson(_) => IssueCode::Custom,
        };
        Failure::invalid_config(vec![Issue {
            code,
            path: Vec::new(),
            message: unreadable.into_failure().data.error_description,
        }])
    };
    let value = from_js(
        config,
        "Config",
        ErrorCode::InvalidConfig,
        MAX_CONFIG_JSON_BYTES,
    )
    .map_err(unreadable)?;
    let config = Rc::new(config::validate(&value).map_err(Failure::invalid_config)?);
    if let Some(key) = key {
        LAST_CONFIG.set(Some((key, config.clone())));
    }
    Ok(config)
}

/// `configGuard.safeParse`: `{ success: true, data }` with every default filled in, or
/// `{ success: false, error: { issues, errorDescription } }`.
#[wasm_bindgen(js_name = validateConfig)]
pub fn validate_config(config: JsValue) -> JsValue {
    #[derive(Serialize)]
    struct Outcome<'a> {
        success: bool,
        #[serde(skip_serializing_if = "Option::is_none")]
        data: Option<Value>,
        #[serde(skip_serializing_if = "Option::is_none")]
        error: Option<&'a crate::error::FailureData>,
    }
    match validated(&config) {
        Ok(config) => to_js(&Outcome {
            success: true,
            data: Some(config.to_json()),
            error: None,
        }),
        Err(failure) => to_js(&Outcome {
            success: false,
            data: None,
            error: Some(&failure.data),
        }),
    }
}

/// Aliyun RPC v1 signature of `parameters` (an object of strings), as the TypeScript connector's
/// `getSignature`. Throws `{ code: 'invalid_request_parameters', data }` for non-string values.
#[wasm_bindgen(js_name = getSignature)]
pub fn get_signature(
    parameters: JsValue,
    access_key_secret: &str,
    method: &str,
) -> Result<String, JsValue> {
    let bad = |why: String| failure_to_js(&Failure::new(ErrorCode::InvalidRequestParameters, why));
    let value = from_js(
        &parameters,
        "Parameters",
        ErrorCode::InvalidRequestParameters,
        MAX_MESSAGE_JSON_BYTES,
    )
    .map_err(|unreadable| failure_to_js(&unreadable.into_failure()))?;
    let Value::Object(object) = value else {
        return Err(bad("Parameters must be an object of strings".into()));
    };
    let mut pairs = Vec::with_capacity(object.len());
    for (key, value) in &object {
        match value {
            Value::String(text) => pairs.push((key.as_str(), text.as_str())),
            _ => return Err(bad(format!("Parameter \"{key}\" must be a string"))),
        }
    }
    Ok(signature_v1::signature(&pairs, access_key_secret, method))
}

/// `getSignature` for the common case, without a JSON round trip: `flat` is
/// `method\0secret\0key\0value\0key\0value…` with `pairs` pairs, one string across the boundary.
/// `None` when `flat` does not split into exactly that (a NUL inside a key or value): the JS
/// layer then takes the JSON path.
#[wasm_bindgen(js_name = getSignatureFlat)]
pub fn get_signature_flat(flat: &str, pairs: u32) -> Option<String> {
    // Splitting UTF-8 on an ASCII byte leaves every part valid UTF-8.
    let mut parts = flat.as_bytes().split(|&byte| byte == 0);
    let (method, secret) = (parts.next()?, parts.next()?);
    let mut list = Vec::with_capacity((pairs as usize).min(flat.len()));
    while let Some(key) = parts.next() {
        list.push((key, parts.next()?));
    }
    (list.len() == pairs as usize).then(|| signature_v1::signature_of_bytes(&list, secret, method))
}

/// Whether `to` gets the mainland China template (see [`phone::is_china_number`]).
#[wasm_bindgen(js_name = isChinaNumber)]
pub fn is_china_number(to: JsValue, strict: Option<bool>) -> bool {
    to.as_string()
        .is_some_and(|to| phone::is_china_number(&to, strict.unwrap_or(false)))
}

/// Sends one verification message. Resolves with the API's answer (`SendSms`: `{ Code, Message,
/// RequestId, BizId }`; `SendMessageToGlobe`: `{ ResponseCode, MessageId, … }`), plus `route` and
/// `api` when an overseas route is configured; rejects with `{ code, data: { errorDescription, … } }`.
#[wasm_bindgen(js_name = sendMessage)]
pub async fn send_message(data: JsValue, config: JsValue) -> Result<JsValue, JsValue> {
    let config = validated(&config).map_err(|f| failure_to_js(&f))?;
    // One redactor for the whole send: answers are quoted through it before they are clipped,
    // and the failure passes through it once more (text from the host's fetch included).
    let redactor = route::redactor(&config);
    match send(&data, &config, &redactor).await {
        Ok(result) => Ok(to_js(&result)),
        Err(failure) => Err(failure_to_js(&failure.redact_with(|text| {
            redactor.redact_in(text);
            credentials::redact_cached(&config.credentials, text);
        }))),
    }
}

async fn send(
    data: &JsValue,
    config: &Config,
    redactor: &Redactor,
) -> Result<route::Sent, Failure> {
    let data = from_js(
        data,
        "Message data",
        ErrorCode::InvalidRequestParameters,
        MAX_MESSAGE_JSON_BYTES,
    )
    .map_err(Unreadable::into_failure)?;
    let prepared = route::prepare(&data, config)?;
    let outcome = match signer(&prepared, config).await {
        Ok(signer) => match execute(
            &prepared.request.call(),
            signer.credentials(),
            prepared.target,
            config.timeout_ms,
        )
        .await
        {
            Ok(reply) => prepared.request.parse(reply.status, &reply.body, redactor),
            Err(failure) => Err(failure),
        },
        Err(failure) => Err(failure),
    };
    if let (Err(failure), None) = (&outcome, prepared.credentials) {
        credentials::forget_if_rejected(&config.credentials, failure);
    }
    prepared.tag(outcome)
}

/// What signs `prepared`: the route's own AccessKey pair, or the config's credentials
/// (temporary ones fetched or refreshed first).
async fn signer<'a>(
    prepared: &route::Prepared<'a>,
    config: &'a Config,
) -> Result<credentials::Signer<'a>, Failure> {
    match prepared.credentials {
        Some(own) => Ok(credentials::Signer::Fixed(own)),
        None => credentials::signer(config).await,
    }
}

/// Signs `call` with `credentials` for `target`, and sends it. An answer other than a plain
/// success comes back with the credentials redacted, before anything quotes or clips it:
/// Aliyun's `SignatureDoesNotMatch` echoes the string to sign, token included, and a clipped
/// echo would keep part of the token out of reach of a later redaction.
pub(crate) async fn execute(
    call: &call::Call<'_>,
    credentials: &Credentials,
    target: Target<'_>,
    timeout_ms: u32,
) -> Result<Reply, Failure> {
    let nonce = random_nonce()?;
    let timestamp = Timestamp::from_unix_millis(now_ms());
    let request = call::sign(call, credentials, target, &nonce, &timestamp);
    let mut reply = post(&request, timeout_ms).await?;
    // Every send takes this path: a success, which holds no secret, is left as it is.
    let success = reply.status == 200
        && (reply.body.contains(r#""Code":"OK""#) || reply.body.contains(r#""ResponseCode":"OK""#));
    if !success {
        credentials.redact_in(&mut reply.body);
    }
    Ok(reply)
}

/// `Date.now()`: a non-negative integer of milliseconds for any real clock.
pub(crate) fn now_ms() -> u64 {
    js_sys::Date::now().max(0.0) as u64
}

thread_local! {
    static NONCES: RefCell<NoncePool> = const { RefCell::new(NoncePool::new()) };
}

/// A fresh `SignatureNonce` from the host's secure random source (`crypto.getRandomValues`,
/// through getrandom's `js` feature), 256 bytes at a time ([`NoncePool`]).
fn random_nonce() -> Result<Nonce, Failure> {
    let refill = |bytes: &mut [u8]| {
        getrandom::getrandom(bytes).map_err(|e| {
            Failure::new(
                ErrorCode::General,
                format!("No secure random source in this host: {e}"),
            )
        })
    };
    NONCES.with(|pool| match pool.try_borrow_mut() {
        Ok(mut pool) => pool.next(refill),
        // Never re-entered (nothing here awaits); a pool of its own if it were.
        Err(_) => NoncePool::new().next(refill),
    })
}

/// Sends the signed request with the host's `fetch`, aborting after `timeout_ms` (headers and
/// body both).
async fn post(request: &SignedRequest, timeout_ms: u32) -> Result<Reply, Failure> {
    let outgoing = Outgoing {
        method: request.method,
        url: &request.url,
        headers: &request.headers,
        body: request.body.as_deref(),
    };
    fetch_text(&outgoing, timeout_ms, "Aliyun").await
}
