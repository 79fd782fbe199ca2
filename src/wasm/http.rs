//! The request through web-sys: the global scope's `fetch` (Node, Bun, Deno, browsers and
//! workers all have one), a `RequestInit` with `Headers`, an `AbortController` for the deadline,
//! and the `Response` body read from its `ReadableStream` under the size cap. The wording of
//! every failure is in [`fetch_text`].
//!
//! The deadline is a host timer racing each step, not the `AbortSignal` alone: a `fetch` (or a
//! polyfill, or a body) that ignores the signal must not leave a send pending forever. `fetch` is
//! called as `fetch(url, init)` rather than with a web-sys `Request`: that is the form every
//! polyfill and stand-in accepts.

use js_sys::{Array, Function, Object, Promise, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    AbortController, Headers, ReadableStream, ReadableStreamDefaultReader, RequestInit,
    RequestRedirect, Response,
};

use super::values::length;
use crate::error::{ErrorCode, Failure};
use crate::limits::MAX_RESPONSE_BYTES;

#[wasm_bindgen]
extern "C" {
    /// The global scope's `fetch`, looked up at each call (a test or a polyfill may replace it),
    /// called as `fetch(url, init)`: what every polyfill accepts. The answer is checked before it
    /// is used as a `Response`.
    #[wasm_bindgen(catch, js_name = fetch)]
    pub(super) fn global_fetch(url: &str, init: &RequestInit) -> Result<JsValue, JsValue>;

    /// The global scope's `setTimeout(callback, ms, argument)`: `callback(argument)` once `ms`
    /// have passed. (web-sys has the timers only on `Window` and `WorkerGlobalScope`; Node has
    /// neither.)
    #[wasm_bindgen(catch, js_name = setTimeout)]
    fn set_timeout(callback: &Function, ms: u32, argument: &JsValue) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(catch, js_name = clearTimeout)]
    fn clear_timeout(handle: &JsValue) -> Result<(), JsValue>;
}

/// An HTTP answer: its status, its body and (for the doctor's clock check) its `Date` header.
pub(crate) struct Reply {
    pub status: u16,
    pub body: String,
    #[cfg(feature = "tools")]
    pub date: Option<String>,
}

/// One HTTP request for [`fetch_text`]: a signed call, or a plain one (the metadata service).
pub(crate) struct Outgoing<'a> {
    pub method: &'static str,
    pub url: &'a str,
    pub headers: &'a [(&'static str, String)],
    pub body: Option<&'a str>,
}

/// A thrown value in one line: its `message` (or the string itself), then its `cause`'s `code`
/// or message, as Node's fetch nests the socket error there.
pub(crate) fn describe(error: &JsValue) -> String {
    fn text(value: &JsValue) -> Option<String> {
        if value.is_string() {
            return value.as_string();
        }
        if value.is_object() || value.is_function() {
            return Reflect::get(value, &JsValue::from_str("message"))
                .ok()?
                .as_string();
        }
        None
    }
    let mut parts: Vec<String> = text(error).into_iter().collect();
    if error.is_object() {
        // A throwing `cause` (or `code`) getter: the message alone.
        if let Ok(cause) = Reflect::get(error, &JsValue::from_str("cause")) {
            let part = if cause.is_null() || cause.is_undefined() {
                None
            } else if cause.is_object() {
                match Reflect::get(&cause, &JsValue::from_str("code")) {
                    Ok(code) if code.is_string() => code.as_string(),
                    Ok(_) => text(&cause),
                    Err(_) => None,
                }
            } else {
                text(&cause)
            };
            parts.extend(part);
        }
    }
    if parts.is_empty() {
        "unknown error".into()
    } else {
        parts.join(": ")
    }
}

/// A host timer that settles [`Deadline::race`] once `ms` have passed. Cleared when dropped.
///
/// The timer resolves a promise with a marker of its own (`setTimeout(resolve, ms, marker)`): no
/// Rust closure to keep alive, and a rejection is never left unhandled. Whoever sees the marker
/// aborts what was under way.
struct Deadline {
    /// Resolves with `marker` when the time is up.
    expired: Promise,
    marker: JsValue,
    handle: JsValue,
}

impl Deadline {
    fn start(ms: u32) -> Result<Self, JsValue> {
        let marker: JsValue = Object::new().into();
        let mut handle = Err(JsValue::UNDEFINED);
        let expired = Promise::new(&mut |resolve, _reject| {
            handle = set_timeout(&resolve, ms, &marker);
        });
        Ok(Self {
            expired,
            marker,
            handle: handle?,
        })
    }

    /// `step` (a value or a promise of one) settled, or `Ok(None)` when the time ran out first.
    async fn race(&self, step: &JsValue) -> Result<Option<JsValue>, JsValue> {
        let both = Array::of2(&Promise::resolve(step), &self.expired);
        let value = JsFuture::from(Promise::race(&both)).await?;
        Ok((value != self.marker).then_some(value))
    }
}

impl Drop for Deadline {
    fn drop(&mut self) {
        let _ = clear_timeout(&self.handle);
    }
}

/// What became of one request, before it is put into words.
enum Exchange {
    Answered(Reply),
    /// A host without `AbortController` or a timer: the detail says which.
    Setup(String),
    TimedOut,
    TooBig {
        status: u16,
        size: String,
    },
    Network {
        stage: &'static str,
        detail: String,
    },
}

/// The digits of a `content-length` as `u64::from_str` reads them (an optional `+`), else `None`.
fn declared_length(value: &str) -> Option<u64> {
    let value = value.trim();
    let digits = value.strip_prefix('+').unwrap_or(value);
    if digits.is_empty() || !digits.bytes().all(|byte| byte.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// Why reading a body stopped early.
enum Cut {
    TooBig,
    TimedOut,
    Threw(JsValue),
}

/// Reads a body stream, stopping once more than `limit` bytes arrived (the caller then aborts the
/// request, which errors the stream and drops the connection). Invalid UTF-8 becomes U+FFFD and
/// a leading BOM is dropped, as `text()` does.
async fn read_capped(
    stream: &ReadableStream,
    limit: usize,
    deadline: &Deadline,
) -> Result<String, Cut> {
    let reader: ReadableStreamDefaultReader = stream.get_reader().unchecked_into();
    let mut bytes = Vec::new();
    loop {
        let chunk = match deadline.race(&reader.read().into()).await {
            Ok(Some(chunk)) => chunk,
            Ok(None) => return Err(Cut::TimedOut),
            Err(error) => return Err(Cut::Threw(error)),
        };
        let done = Reflect::get(&chunk, &JsValue::from_str("done")).map_err(Cut::Threw)?;
        if done.is_truthy() {
            break;
        }
        let value = Reflect::get(&chunk, &JsValue::from_str("value")).map_err(Cut::Threw)?;
        let part = Uint8Array::new(&value);
        if bytes.len().saturating_add(part.length() as usize) > limit {
            return Err(Cut::TooBig);
        }
        let start = bytes.len();
        bytes.resize(start + part.length() as usize, 0);
        if let Some(room) = bytes.get_mut(start..) {
            part.copy_to(room);
        }
    }
    let text = String::from_utf8_lossy(&bytes);
    Ok(text.strip_prefix('\u{feff}').unwrap_or(&text).to_string())
}

/// One request with the host's `fetch`, aborted after `timeout_ms` (headers and body both).
/// Redirects are refused: one would re-send the signed request wherever `Location` points. The
/// body is omitted when `None` (an empty one would make `fetch` add an unsigned content-type).
async fn exchange(request: &Outgoing<'_>, timeout_ms: u32, limit: usize) -> Exchange {
    let controller = match AbortController::new() {
        Ok(controller) => controller,
        Err(error) => {
            return Exchange::Setup(format!("AbortController unavailable: {}", describe(&error)))
        }
    };
    let deadline = match Deadline::start(timeout_ms) {
        Ok(deadline) => deadline,
        Err(error) => {
            return Exchange::Setup(format!("setTimeout unavailable: {}", describe(&error)))
        }
    };
    let failed = |error: &JsValue, stage: &'static str| Exchange::Network {
        stage,
        detail: describe(error),
    };
    // Out of time: the request is aborted (socket and body), and the send fails at once.
    let timed_out = || {
        controller.abort();
        Exchange::TimedOut
    };
    let init = RequestInit::new();
    init.set_method(request.method);
    let headers = match Headers::new() {
        Ok(headers) => headers,
        Err(error) => return failed(&error, "fetch threw"),
    };
    for (name, value) in request.headers {
        if let Err(error) = headers.append(name, value) {
            return failed(&error, "fetch threw");
        }
    }
    init.set_headers(&headers);
    init.set_signal(Some(&controller.signal()));
    init.set_redirect(RequestRedirect::Error);
    if let Some(body) = request.body {
        init.set_body(&JsValue::from_str(body));
    }
    let pending = match global_fetch(request.url, &init) {
        Ok(pending) => pending,
        Err(error) => return failed(&error, "fetch threw"),
    };
    let response = match deadline.race(&pending).await {
        Ok(Some(response)) => response,
        Ok(None) => return timed_out(),
        Err(error) => return failed(&error, "request"),
    };
    // Duck-typed rather than `instanceof Response`: a fetch polyfill's responses may be another
    // class. All that is needed is `status`, `headers.get` and `text()` or `body`.
    if !response.is_object() {
        return failed(
            &response,
            "fetch resolved to something other than a Response",
        );
    }
    let response: Response = response.unchecked_into();
    let status = response.status();
    let headers = response.headers();
    let header = |name: &str| headers.get(name).ok().flatten();
    let too_big = |size: String| {
        controller.abort();
        Exchange::TooBig { status, size }
    };
    // A declared length over the limit is refused before reading anything.
    let declared = header("content-length").and_then(|value| declared_length(&value));
    if let Some(declared) = declared.filter(|&declared| declared > limit as u64) {
        return too_big(format!("an answer of {declared} bytes"));
    }
    // With a declared length of the body as it arrives (no `content-encoding`: `fetch` inflates
    // a compressed one, so its length says nothing of what `text()` would make), one `text()` is
    // cheapest; otherwise the body is read chunk by chunk, cut off at the limit. A body that is
    // not the host's `ReadableStream` (a polyfill's) is read with `text()` too.
    let encoded = header("content-encoding")
        .is_some_and(|coding| !coding.trim().eq_ignore_ascii_case("identity"));
    let stream = match declared {
        Some(_) if !encoded => None,
        _ => response
            .body()
            .and_then(|body| body.dyn_into::<ReadableStream>().ok()),
    };
    let body = match stream {
        Some(stream) => match read_capped(&stream, limit, &deadline).await {
            Ok(text) => text,
            Err(Cut::TooBig) => return too_big("the answer".into()),
            Err(Cut::TimedOut) => return timed_out(),
            Err(Cut::Threw(error)) => return failed(&error, "reading body"),
        },
        None => {
            let pending = match response.text() {
                Ok(pending) => pending,
                Err(error) => return failed(&error, "reading body"),
            };
            match deadline.race(&pending.into()).await {
                // Measured before it is copied in: where `content-encoding` is hidden (a
                // cross-origin answer in a browser), a small compressed body can inflate to any
                // size. A UTF-16 length over the limit is more bytes than the limit.
                Ok(Some(text)) if text.is_string() && length(&text) > limit => {
                    return too_big("the answer".into())
                }
                Ok(Some(text)) => text.as_string().unwrap_or_default(),
                Ok(None) => return timed_out(),
                Err(error) => return failed(&error, "reading body"),
            }
        }
    };
    Exchange::Answered(Reply {
        status,
        body,
        #[cfg(feature = "tools")]
        date: header("date"),
    })
}

/// Sends `request` with the host's `fetch`, within `timeout_ms` and [`MAX_RESPONSE_BYTES`];
/// `service` names the other side in errors.
pub(crate) async fn fetch_text(
    request: &Outgoing<'_>,
    timeout_ms: u32,
    service: &str,
) -> Result<Reply, Failure> {
    // Errors name the endpoint without the query: in V3 it carries the phone number and code.
    let endpoint = request.url.split('?').next().unwrap_or_default();
    let network = |why: String| Failure::new(ErrorCode::General, why);
    match exchange(request, timeout_ms, MAX_RESPONSE_BYTES).await {
        Exchange::Answered(reply) => Ok(reply),
        Exchange::TimedOut => Err(network(format!(
            "{service} did not answer within {timeout_ms} ms (request aborted)"
        ))),
        Exchange::TooBig { status, size } => Err(Failure::new(
            ErrorCode::InvalidResponse,
            format!(
                "Unexpected answer from {service} (HTTP {status}): {size} exceeds the \
                 {MAX_RESPONSE_BYTES}-byte limit (request aborted)"
            ),
        )
        .with_status(status)),
        Exchange::Network { stage, detail } => Err(network(format!(
            "Network error calling {service} at {endpoint} ({stage}): {detail}"
        ))),
        Exchange::Setup(detail) => Err(network(detail)),
    }
}

/// What became of [`settle_within`]'s call.
pub(crate) enum Settled {
    Value(JsValue),
    TimedOut,
    /// What the call threw or rejected with, in one line.
    Threw(String),
    /// The host has no timer.
    Unavailable(String),
}

/// `read(argument)` (a value or a promise of one) settled within `ms`.
pub(crate) async fn settle_within(read: &Function, argument: &JsValue, ms: u32) -> Settled {
    match read.call1(&JsValue::UNDEFINED, argument) {
        Ok(value) => settle(&value, ms).await,
        Err(error) => Settled::Threw(describe(&error)),
    }
}

/// `step` (a value or a promise of one) settled within `ms`.
pub(crate) async fn settle(step: &JsValue, ms: u32) -> Settled {
    let deadline = match Deadline::start(ms) {
        Ok(deadline) => deadline,
        Err(error) => {
            return Settled::Unavailable(format!("setTimeout unavailable: {}", describe(&error)))
        }
    };
    match deadline.race(step).await {
        Ok(Some(value)) => Settled::Value(value),
        Ok(None) => Settled::TimedOut,
        Err(error) => Settled::Threw(describe(&error)),
    }
}
