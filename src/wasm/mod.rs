//! The WebAssembly boundary: JS values in, the pure core in the middle, JS values out.
//!
//! The host supplies `fetch`, `setTimeout`/`clearTimeout`, the clock (`Date.now()`) and
//! randomness (`crypto.randomUUID`, or `crypto.getRandomValues`). Nothing here panics: every failure
//! becomes a rejected promise (or thrown value) shaped `{ code, data }`, which the JS layer turns
//! into the host's `ConnectorError`.
//!
//! Inputs cross as `JSON.stringify` output parsed by `serde_json`: a cyclic object, a `BigInt`
//! or nesting deeper than `serde_json`'s recursion limit becomes a typed error, not a trap.

use std::cell::RefCell;
use std::rc::Rc;

use serde::Serialize;
use serde_json::Value;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use crate::aliyun::call::{self, Nonce, SignedRequest, Target, Timestamp};
use crate::aliyun::credential::{Credentials, Redactor};
use crate::aliyun::signature_v1;
use crate::connector::config::{self, Config};
use crate::connector::phone;
use crate::connector::route;
use crate::error::{ErrorCode, Failure};
use crate::issue::{Issue, IssueCode};
use crate::limits::{MAX_CONFIG_JSON_BYTES, MAX_MESSAGE_JSON_BYTES, MAX_RESPONSE_BYTES};

pub(crate) mod credentials;
#[cfg(feature = "boundary-probe")]
mod probe;
/// The operator tools' exports (`doctor`, `querySendDetails`): the CLI's, never Logto's.
pub mod tools;

/// The request itself and its deadline run in JS (src/wasm/host.js): the host's `fetch`, looked up
/// at call time, its timers and its streams.
#[wasm_bindgen(module = "/src/wasm/host.js")]
extern "C" {
    /// Always resolves, with an [`HttpOutcome`].
    #[wasm_bindgen(js_name = httpRequest)]
    fn http_request(
        url: &str,
        method: &str,
        headers: &str,
        body: Option<&str>,
        timeout_ms: u32,
        limit: u32,
    ) -> js_sys::Promise;

    /// A thrown value in one line: its message, then its cause's code or message.
    fn describe(error: &JsValue) -> String;
}

#[wasm_bindgen]
extern "C" {
    /// The host's `crypto.randomUUID()`: a version 4 UUID from its secure random source, and
    /// twenty times cheaper than `getRandomValues` in Node (which keeps a pool for it).
    #[wasm_bindgen(catch, js_namespace = crypto, js_name = randomUUID)]
    fn random_uuid() -> Result<String, JsValue>;

    /// The host's `crypto.getRandomValues`, where `randomUUID` is missing (an insecure browser
    /// context).
    #[wasm_bindgen(catch, js_namespace = crypto, js_name = getRandomValues)]
    fn get_random_values(bytes: &mut [u8]) -> Result<JsValue, JsValue>;
}

/// Serialises to plain JS objects (not `Map`s) through JSON text and one `JSON.parse`: several
/// times faster than building the object field by field across the boundary.
pub(crate) fn to_js<T: Serialize>(value: &T) -> JsValue {
    serde_json::to_string(value)
        .ok()
        .and_then(|text| js_sys::JSON::parse(&text).ok())
        .unwrap_or(JsValue::NULL)
}

pub(crate) fn failure_to_js(failure: &Failure) -> JsValue {
    to_js(failure)
}

/// Why a JS value could not be read: too big, or not representable as JSON.
pub(crate) enum Unreadable {
    TooBig(Failure),
    NotJson(Failure),
}

impl Unreadable {
    pub(crate) fn into_failure(self) -> Failure {
        match self {
            Self::TooBig(failure) | Self::NotJson(failure) => failure,
        }
    }
}

/// A JS value as JSON text, via `JSON.stringify` (`undefined` becomes `null`). Text longer than
/// `limit` bytes is refused before it is copied into WebAssembly memory.
fn json_text(
    value: &JsValue,
    what: &str,
    code: ErrorCode,
    limit: usize,
) -> Result<String, Unreadable> {
    if value.is_undefined() {
        return Ok("null".into());
    }
    let too_big = || {
        Unreadable::TooBig(Failure::new(
            code,
            format!("{what} is too large: its JSON exceeds the limit of {limit} bytes"),
        ))
    };
    let json = js_sys::JSON::stringify(value).map_err(|_| {
        Unreadable::NotJson(Failure::new(
            code,
            format!("{what} cannot be serialised to JSON (cyclic, BigInt or too deep)"),
        ))
    })?;
    // UTF-16 length first: it bounds the UTF-8 size from below without copying anything.
    if json.length() as usize > limit {
        return Err(too_big());
    }
    let text = json.as_string().unwrap_or_default();
    if text.len() > limit {
        return Err(too_big());
    }
    Ok(text)
}

/// JSON text (from [`json_text`]) as `serde_json::Value`.
fn parse_json(text: &str, what: &str, code: ErrorCode) -> Result<Value, Unreadable> {
    serde_json::from_str(text).map_err(|e| {
        Unreadable::NotJson(Failure::new(
            code,
            format!("{what} is not valid JSON data: {e}"),
        ))
    })
}

/// A JS value as `serde_json::Value` (see [`json_text`]).
pub(crate) fn from_js(
    value: &JsValue,
    what: &str,
    code: ErrorCode,
    limit: usize,
) -> Result<Value, Unreadable> {
    parse_json(&json_text(value, what, code, limit)?, what, code)
}

thread_local! {
    /// The last valid config and its JSON text. Logto passes the same config on every send;
    /// comparing text is far cheaper than parsing and validating it again.
    static LAST_CONFIG: RefCell<Option<(String, Rc<Config>)>> = const { RefCell::new(None) };
}

pub(crate) fn validated(config: &JsValue) -> Result<Rc<Config>, Failure> {
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
    let text = json_text(
        config,
        "Config",
        ErrorCode::InvalidConfig,
        MAX_CONFIG_JSON_BYTES,
    )
    .map_err(unreadable)?;
    let cached = LAST_CONFIG.with_borrow(|last| {
        last.as_ref()
            .filter(|(last_text, _)| *last_text == text)
            .map(|(_, config)| config.clone())
    });
    if let Some(config) = cached {
        return Ok(config);
    }
    let value = parse_json(&text, "Config", ErrorCode::InvalidConfig).map_err(unreadable)?;
    let config = Rc::new(config::validate(&value).map_err(Failure::invalid_config)?);
    LAST_CONFIG.set(Some((text, config.clone())));
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

/// An HTTP answer: its status, its body and its `Date` header (the doctor's clock check).
pub(crate) struct Reply {
    pub status: u16,
    pub body: String,
    pub date: Option<String>,
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

/// A fresh `SignatureNonce` from the host's secure random source.
fn random_nonce() -> Result<Nonce, Failure> {
    if let Some(nonce) = random_uuid().ok().and_then(Nonce::from_uuid) {
        return Ok(nonce);
    }
    let mut bytes = [0u8; 16];
    get_random_values(&mut bytes).map_err(|e| {
        Failure::new(
            ErrorCode::General,
            format!("No secure random source in this host: {}", describe(&e)),
        )
    })?;
    Ok(Nonce::from_random_bytes(bytes))
}

/// A request's outcome from `httpRequest` (src/wasm/host.js): `failure` unset means answered.
#[wasm_bindgen]
extern "C" {
    type HttpOutcome;
    #[wasm_bindgen(method, getter)]
    fn failure(this: &HttpOutcome) -> Option<String>;
    #[wasm_bindgen(method, getter)]
    fn stage(this: &HttpOutcome) -> Option<String>;
    #[wasm_bindgen(method, getter)]
    fn detail(this: &HttpOutcome) -> Option<String>;
    #[wasm_bindgen(method, getter)]
    fn size(this: &HttpOutcome) -> Option<String>;
    #[wasm_bindgen(method, getter)]
    fn status(this: &HttpOutcome) -> Option<u16>;
    #[wasm_bindgen(method, getter)]
    fn body(this: &HttpOutcome) -> Option<String>;
    #[wasm_bindgen(method, getter)]
    fn date(this: &HttpOutcome) -> Option<String>;
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

/// One HTTP request for [`fetch_text`]: a signed call, or a plain one (the metadata service).
struct Outgoing<'a> {
    method: &'static str,
    url: &'a str,
    headers: &'a [(&'static str, String)],
    body: Option<&'a str>,
}

/// Sends `request` with the host's `fetch` (through `httpRequest`, which also enforces the
/// deadline and [`MAX_RESPONSE_BYTES`]); `service` names the other side in errors.
async fn fetch_text(
    request: &Outgoing<'_>,
    timeout_ms: u32,
    service: &str,
) -> Result<Reply, Failure> {
    let url = request.url;
    // Errors name the endpoint without the query: in V3 it carries the phone number and code.
    let endpoint = url.split('?').next().unwrap_or_default();
    let mut headers = String::new();
    for (name, value) in request.headers {
        if !headers.is_empty() {
            headers.push('\0');
        }
        headers.push_str(name);
        headers.push('\0');
        headers.push_str(value);
    }
    let outcome = JsFuture::from(http_request(
        url,
        request.method,
        &headers,
        request.body,
        timeout_ms,
        MAX_RESPONSE_BYTES as u32,
    ))
    .await;
    let network = |why: String| Failure::new(ErrorCode::General, why);
    let outcome: HttpOutcome = match outcome {
        Ok(outcome) if outcome.is_object() => outcome.unchecked_into(),
        // httpRequest always resolves with an object; anything else is a broken host.
        Ok(other) | Err(other) => return Err(network(describe(&other))),
    };
    let status = outcome.status().unwrap_or(0);
    match outcome.failure().as_deref() {
        None => Ok(Reply {
            status,
            body: outcome.body().unwrap_or_default(),
            date: outcome.date(),
        }),
        Some("timeout") => Err(network(format!(
            "{service} did not answer within {timeout_ms} ms (request aborted)"
        ))),
        Some("tooBig") => Err(Failure::new(
            ErrorCode::InvalidResponse,
            format!(
                "Unexpected answer from {service} (HTTP {status}): {} exceeds the \
                 {MAX_RESPONSE_BYTES}-byte limit (request aborted)",
                outcome.size().unwrap_or_default()
            ),
        )
        .with_status(status)),
        Some("network") => Err(network(format!(
            "Network error calling {service} at {endpoint} ({}): {}",
            outcome.stage().unwrap_or_default(),
            outcome.detail().unwrap_or_default()
        ))),
        Some(_) => Err(network(outcome.detail().unwrap_or_default())),
    }
}
