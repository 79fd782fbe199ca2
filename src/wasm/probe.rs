//! Benchmark probes (feature `boundary-probe`, never shipped): the same message data and the
//! same result crossing the boundary the way the package does it now (serde-wasm-bindgen, after
//! the measure of [`super::values`]) and the way it did before (`JSON.stringify`, `serde_json`,
//! `JSON.parse`), so `npm run bench` can show what each costs. Each probe returns a number
//! derived from what it read, so the work cannot be optimised away. [`probe_fetch`] is the
//! bench's floor request made from Rust.

use js_sys::{Object, Promise, Reflect};
use serde::Serialize;
use serde_json::Value;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortSignal, RequestInit, Response};

use super::http::global_fetch;
use super::{from_js, to_js};
use crate::error::ErrorCode;
use crate::limits::MAX_MESSAGE_JSON_BYTES;

/// Bytes of `to`, `type` and the string payload values.
fn sum(value: &Value) -> usize {
    let text = |key: &str| value.get(key).and_then(Value::as_str).map_or(0, str::len);
    text("to")
        + text("type")
        + value
            .get("payload")
            .and_then(Value::as_object)
            .map_or(0, |p| {
                p.values().filter_map(Value::as_str).map(str::len).sum()
            })
}

/// The message data as `sendMessage` reads it now.
#[wasm_bindgen(js_name = probeDataTyped)]
pub fn probe_data_typed(data: JsValue) -> usize {
    from_js(&data, "Probe", ErrorCode::General, MAX_MESSAGE_JSON_BYTES).map_or(0, |v| sum(&v))
}

/// The same sum, through `JSON.stringify` and `serde_json` as earlier releases read data.
#[wasm_bindgen(js_name = probeDataJson)]
pub fn probe_data_json(data: JsValue) -> usize {
    js_sys::JSON::stringify(&data)
        .ok()
        .and_then(|text| text.as_string())
        .and_then(|text| serde_json::from_str::<Value>(&text).ok())
        .map_or(0, |v| sum(&v))
}

#[derive(Serialize)]
struct ProbeResult {
    #[serde(rename = "Code")]
    code: &'static str,
    #[serde(rename = "Message")]
    message: &'static str,
    #[serde(rename = "RequestId")]
    request_id: &'static str,
    #[serde(rename = "BizId")]
    biz_id: &'static str,
}

const RESULT: ProbeResult = ProbeResult {
    code: "OK",
    message: "OK",
    request_id: "F655A8D5-B967-440B-8683-DAD6FF8DE990",
    biz_id: "900619746936498440^0",
};

/// A `SendSms` result as `sendMessage` returns it now.
#[wasm_bindgen(js_name = probeResultTyped)]
pub fn probe_result_typed() -> JsValue {
    to_js(&RESULT)
}

/// The same result as earlier releases returned it: JSON text and one `JSON.parse`.
#[wasm_bindgen(js_name = probeResultJson)]
pub fn probe_result_json() -> JsValue {
    serde_json::to_string(&RESULT)
        .ok()
        .and_then(|text| js_sys::JSON::parse(&text).ok())
        .unwrap_or(JsValue::NULL)
}

/// The bench's floor request (`floor` in bench/lib/child.mjs: `fetch` with
/// `AbortSignal.timeout(10000)`, then `text()`) made from an async Rust export through web-sys,
/// both steps awaited through wasm-bindgen-futures, and nothing else: no config, no signing, no
/// deadline of our own. Against the JS floor it is what this stack's async boundary costs a send
/// before the connector does any work.
#[wasm_bindgen(js_name = probeFetch)]
pub async fn probe_fetch(url: String, body: String) -> Result<JsValue, JsValue> {
    let init = RequestInit::new();
    init.set_method("POST");
    let headers = Object::new();
    Reflect::set(
        &headers,
        &JsValue::from_str("content-type"),
        &JsValue::from_str("application/x-www-form-urlencoded"),
    )?;
    init.set_headers(&headers);
    init.set_body(&JsValue::from_str(&body));
    init.set_signal(Some(&AbortSignal::timeout_with_u32(10_000)));
    let pending: Promise = global_fetch(&url, &init)?.unchecked_into();
    let response: JsValue = JsFuture::from(pending).await?;
    let response: Response = response.dyn_into()?;
    let text: JsValue = JsFuture::from(response.text()?).await?;
    Ok(text)
}
