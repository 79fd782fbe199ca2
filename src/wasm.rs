//! The WebAssembly boundary: JS values in, the pure core in the middle, JS values out.
//!
//! The host supplies `fetch`, `setTimeout`/`clearTimeout`, the clock (`Date.now()`) and
//! randomness (`crypto.randomUUID`, or `crypto.getRandomValues`). Nothing here panics: every failure
//! becomes a rejected promise (or thrown value) shaped `{ code, data }`, which the JS layer turns
//! into the host's `ConnectorError`.
//!
//! Inputs cross as `JSON.stringify` output parsed by `serde_json`: a cyclic object, a `BigInt`
//! or nesting deeper than `serde_json`'s recursion limit becomes a typed error, not a trap.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use serde::Serialize;
use serde_json::Value;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use crate::call::{self, Nonce, SignedRequest, Target, Timestamp};
use crate::config::{self, Config};
use crate::credential::{Credentials, Redactor};
use crate::error::{ErrorCode, Failure};
use crate::issue::{Issue, IssueCode};
use crate::limits::{MAX_CONFIG_JSON_BYTES, MAX_MESSAGE_JSON_BYTES, MAX_RESPONSE_BYTES};
use crate::phone;
use crate::route;
use crate::signature_v1;

pub(crate) mod credentials;
#[cfg(feature = "boundary-probe")]
mod probe;

#[wasm_bindgen]
extern "C" {
    /// The host's global `fetch`, looked up at call time; `catch` turns a missing or throwing
    /// `fetch` into an `Err`.
    #[wasm_bindgen(catch, js_name = fetch)]
    fn host_fetch(url: &str, init: &web_sys::RequestInit) -> Result<js_sys::Promise, JsValue>;

    #[wasm_bindgen(catch, js_name = setTimeout)]
    fn set_timeout(callback: &Closure<dyn FnMut()>, millis: u32) -> Result<JsValue, JsValue>;

    #[wasm_bindgen(catch, js_name = clearTimeout)]
    fn clear_timeout(handle: &JsValue) -> Result<(), JsValue>;

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

/// Describes a JS error value in one line (its `message` and `cause`, as Node's fetch nests them).
fn describe(error: &JsValue) -> String {
    let text = |value: &JsValue| -> Option<String> {
        let message = js_sys::Reflect::get(value, &"message".into())
            .ok()?
            .as_string();
        message.or_else(|| value.as_string())
    };
    let mut parts = Vec::new();
    if let Some(message) = text(error) {
        parts.push(message);
    }
    if let Ok(cause) = js_sys::Reflect::get(error, &"cause".into()) {
        if !cause.is_undefined() && !cause.is_null() {
            let code = js_sys::Reflect::get(&cause, &"code".into())
                .ok()
                .and_then(|c| c.as_string());
            if let Some(message) = code.or_else(|| text(&cause)) {
                parts.push(message);
            }
        }
    }
    if parts.is_empty() {
        "unknown error".into()
    } else {
        parts.join(": ")
    }
}

/// A timer that aborts a request; cleared when dropped, so no callback outlives the request.
///
/// Aborting is not enough on its own: a host `fetch` (or body stream) that ignores the signal
/// would never settle. So every await of the request is also raced against `deadline`, a promise
/// the timer rejects.
struct AbortTimer {
    handle: JsValue,
    controller: web_sys::AbortController,
    fired: Rc<Cell<bool>>,
    deadline: js_sys::Promise,
    _callback: Closure<dyn FnMut()>,
}

impl AbortTimer {
    fn start(controller: web_sys::AbortController, millis: u32) -> Result<Self, JsValue> {
        let fired = Rc::new(Cell::new(false));
        let flag = fired.clone();
        let on_timeout = controller.clone();
        let mut reject_deadline = None;
        let deadline = js_sys::Promise::new(&mut |_resolve, reject| reject_deadline = Some(reject));
        let callback = Closure::<dyn FnMut()>::new(move || {
            flag.set(true);
            on_timeout.abort();
            if let Some(reject) = &reject_deadline {
                let _ = reject.call1(&JsValue::UNDEFINED, &"timeout".into());
            }
        });
        let handle = set_timeout(&callback, millis)?;
        Ok(Self {
            handle,
            controller,
            fired,
            deadline,
            _callback: callback,
        })
    }

    /// Waits for `promise`, or for the deadline, whichever settles first.
    async fn race(&self, promise: &js_sys::Promise) -> Result<JsValue, JsValue> {
        let both = js_sys::Array::of2(promise, &self.deadline);
        JsFuture::from(js_sys::Promise::race(&both)).await
    }

    fn fired(&self) -> bool {
        self.fired.get()
    }

    /// Aborts the request now (e.g. an answer over the size limit).
    fn abort(&self) {
        self.controller.abort();
    }
}

impl Drop for AbortTimer {
    fn drop(&mut self) {
        let _ = clear_timeout(&self.handle);
    }
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

/// Sends `request` with the host's `fetch`, aborting after `timeout_ms` (headers and body both);
/// `service` names the other side in errors.
async fn fetch_text(
    request: &Outgoing<'_>,
    timeout_ms: u32,
    service: &str,
) -> Result<Reply, Failure> {
    let url = request.url;
    // Errors name the endpoint without the query: in V3 it carries the phone number and code.
    let endpoint = url.split('?').next().unwrap_or_default();
    let network = |why: String| Failure::new(ErrorCode::General, why);
    let controller = web_sys::AbortController::new()
        .map_err(|e| network(format!("AbortController unavailable: {}", describe(&e))))?;
    let headers = js_sys::Object::new();
    for (name, value) in request.headers {
        js_sys::Reflect::set(&headers, &(*name).into(), &value.into())
            .map_err(|e| network(describe(&e)))?;
    }
    let init = web_sys::RequestInit::new();
    init.set_method(request.method);
    // No body at all in V3: an empty string would make `fetch` add an unsigned content-type.
    if let Some(body) = request.body {
        init.set_body(&JsValue::from_str(body));
    }
    init.set_headers(&headers);
    init.set_signal(Some(&controller.signal()));
    // A redirect would re-send the signed request wherever `Location` points, clear text
    // included, bypassing the endpoint checks. Aliyun's API never redirects.
    init.set_redirect(web_sys::RequestRedirect::Error);
    let timer = AbortTimer::start(controller, timeout_ms)
        .map_err(|e| network(format!("setTimeout unavailable: {}", describe(&e))))?;

    let failed = |error: JsValue, stage: &str| {
        if timer.fired() {
            network(format!(
                "{service} did not answer within {timeout_ms} ms (request aborted)"
            ))
        } else {
            network(format!(
                "Network error calling {service} at {endpoint} ({stage}): {}",
                describe(&error)
            ))
        }
    };
    let promise = host_fetch(url, &init).map_err(|e| failed(e, "fetch threw"))?;
    let response = timer
        .race(&promise)
        .await
        .map_err(|e| failed(e, "request"))?;
    // Duck-typed rather than `instanceof Response`: a host may install a fetch polyfill whose
    // responses are another class. All we need is `status` and `text()`.
    if !response.is_object() {
        return Err(failed(
            response,
            "fetch resolved to something other than a Response",
        ));
    }
    let response: web_sys::Response = response.unchecked_into();
    let status = response.status();
    let too_big = |size: String| {
        timer.abort();
        Failure::new(
            ErrorCode::InvalidResponse,
            format!(
                "Unexpected answer from {service} (HTTP {status}): {size} exceeds the \
                 {MAX_RESPONSE_BYTES}-byte limit (request aborted)"
            ),
        )
        .with_status(status)
    };
    let headers = js_sys::Reflect::get(&response, &"headers".into())
        .ok()
        .filter(JsValue::is_object)
        .map(|headers| headers.unchecked_into::<web_sys::Headers>());
    let header = |name: &str| headers.as_ref().and_then(|h| h.get(name).ok().flatten());
    // A declared length over the limit is refused before reading anything.
    let declared = header("content-length").and_then(|length| length.trim().parse::<u64>().ok());
    if let Some(length) = declared.filter(|&length| length > MAX_RESPONSE_BYTES as u64) {
        return Err(too_big(format!("an answer of {length} bytes")));
    }
    // With a declared length (checked above) one `text()` call is cheapest; without one the body
    // is read chunk by chunk so an endless answer is cut off at the limit.
    let body = match declared {
        Some(_) => JsValue::NULL,
        None => js_sys::Reflect::get(&response, &"body".into()).unwrap_or(JsValue::NULL),
    };
    let text = if body.is_object() {
        read_capped(&body, MAX_RESPONSE_BYTES, &timer)
            .await
            .map_err(|e| failed(e, "reading body"))?
            .ok_or_else(|| too_big("the answer".into()))?
    } else {
        // Declared length, or a fetch polyfill without streams: `text()`.
        let text = response.text().map_err(|e| failed(e, "reading body"))?;
        let text = timer
            .race(&text)
            .await
            .map_err(|e| failed(e, "reading body"))?;
        text.as_string().unwrap_or_default()
    };
    drop(timer);
    Ok(Reply {
        status,
        body: text,
        date: header("date"),
    })
}

/// Reads a `ReadableStream` of bytes into a string, stopping (and cancelling the stream) as soon
/// as more than `limit` bytes have arrived: `Ok(None)`. Invalid UTF-8 becomes U+FFFD, as in
/// `Response.text()`.
async fn read_capped(
    body: &JsValue,
    limit: usize,
    timer: &AbortTimer,
) -> Result<Option<String>, JsValue> {
    let call = |target: &JsValue, method: &str| -> Result<JsValue, JsValue> {
        let function: js_sys::Function =
            js_sys::Reflect::get(target, &method.into())?.dyn_into()?;
        function.call0(target)
    };
    let reader = call(body, "getReader")?;
    let mut bytes: Vec<u8> = Vec::new();
    loop {
        let chunk = timer
            .race(&js_sys::Promise::resolve(&call(&reader, "read")?))
            .await?;
        if js_sys::Reflect::get(&chunk, &"done".into())?.is_truthy() {
            break;
        }
        let value = js_sys::Reflect::get(&chunk, &"value".into())?;
        let array = js_sys::Uint8Array::new(&value);
        if bytes.len() + array.length() as usize > limit {
            // Cancelling lets the host drop the connection; the abort covers the rest.
            let _ = call(&reader, "cancel");
            return Ok(None);
        }
        let start = bytes.len();
        bytes.resize(start + array.length() as usize, 0);
        if let Some(tail) = bytes.get_mut(start..) {
            array.copy_to(tail);
        }
    }
    Ok(Some(String::from_utf8_lossy(&bytes).into_owned()))
}
