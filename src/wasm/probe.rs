//! Benchmark probes (feature `boundary-probe`, never shipped): the same message data and the
//! same result crossing the boundary as JSON text and through serde-wasm-bindgen, so
//! `npm run bench` can show what each costs. Each probe returns a number derived from what it
//! read, so the work cannot be optimised away.

use std::collections::BTreeMap;

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Serialize;
use wasm_bindgen::prelude::*;

use super::{from_js, to_js};
use crate::error::ErrorCode;
use crate::limits::MAX_MESSAGE_JSON_BYTES;

/// Logto's message data as the core needs it, read field by field from the JS object.
#[derive(serde::Deserialize)]
struct TypedData {
    to: Option<String>,
    #[serde(rename = "type")]
    usage_type: Option<String>,
    payload: Option<BTreeMap<String, PayloadValue>>,
}

/// A payload value: strings are kept; objects, arrays and the rest are skipped unread (Logto's
/// payload carries the user and application objects).
enum PayloadValue {
    Text(String),
    Other,
}

impl<'de> Deserialize<'de> for PayloadValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Any;
        impl<'de> Visitor<'de> for Any {
            type Value = PayloadValue;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("any value")
            }
            fn visit_str<E>(self, v: &str) -> Result<PayloadValue, E> {
                Ok(PayloadValue::Text(v.into()))
            }
            fn visit_string<E>(self, v: String) -> Result<PayloadValue, E> {
                Ok(PayloadValue::Text(v))
            }
            fn visit_bool<E>(self, _: bool) -> Result<PayloadValue, E> {
                Ok(PayloadValue::Other)
            }
            fn visit_f64<E>(self, _: f64) -> Result<PayloadValue, E> {
                Ok(PayloadValue::Other)
            }
            fn visit_i64<E>(self, _: i64) -> Result<PayloadValue, E> {
                Ok(PayloadValue::Other)
            }
            fn visit_u64<E>(self, _: u64) -> Result<PayloadValue, E> {
                Ok(PayloadValue::Other)
            }
            fn visit_unit<E>(self) -> Result<PayloadValue, E> {
                Ok(PayloadValue::Other)
            }
            fn visit_none<E>(self) -> Result<PayloadValue, E> {
                Ok(PayloadValue::Other)
            }
            fn visit_map<A: MapAccess<'de>>(self, _: A) -> Result<PayloadValue, A::Error> {
                Ok(PayloadValue::Other)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<PayloadValue, A::Error> {
                Ok(PayloadValue::Other)
            }
        }
        deserializer.deserialize_any(Any)
    }
}

/// Bytes of `to`, `type` and the string payload values.
#[wasm_bindgen(js_name = probeDataTyped)]
pub fn probe_data_typed(data: JsValue) -> usize {
    serde_wasm_bindgen::from_value::<TypedData>(data).map_or(0, |data| {
        data.to.map_or(0, |to| to.len())
            + data.usage_type.map_or(0, |t| t.len())
            + data.payload.map_or(0, |payload| {
                payload
                    .values()
                    .map(|v| match v {
                        PayloadValue::Text(text) => text.len(),
                        PayloadValue::Other => 0,
                    })
                    .sum()
            })
    })
}

/// The same sum, through `JSON.stringify` and `serde_json` as `sendMessage` reads data.
#[wasm_bindgen(js_name = probeDataJson)]
pub fn probe_data_json(data: JsValue) -> usize {
    from_js(&data, "Probe", ErrorCode::General, MAX_MESSAGE_JSON_BYTES).map_or(0, |value| {
        let text = |key: &str| value.get(key).and_then(|v| v.as_str()).map_or(0, str::len);
        text("to")
            + text("type")
            + value
                .get("payload")
                .and_then(|p| p.as_object())
                .map_or(0, |p| {
                    p.values().filter_map(|v| v.as_str()).map(str::len).sum()
                })
    })
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

/// A `SendSms` result as a plain object through serde-wasm-bindgen.
#[wasm_bindgen(js_name = probeResultTyped)]
pub fn probe_result_typed() -> JsValue {
    RESULT
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .unwrap_or(JsValue::NULL)
}

/// The same result as `sendMessage` returns it: JSON text and one `JSON.parse`.
#[wasm_bindgen(js_name = probeResultJson)]
pub fn probe_result_json() -> JsValue {
    to_js(&RESULT)
}
