//! JS values in and out of the core, through serde-wasm-bindgen: typed reads and writes, no JSON
//! text in between.
//!
//! A value is measured before it is read: its size as JSON (at least), its depth, and whether JSON
//! can express it at all. The measure copies nothing into WebAssembly memory (a string's length is
//! asked, not the string), so a megabyte config is refused without growing memory, and a cycle,
//! a `BigInt`, a function or a symbol becomes a typed error instead of a stack overflow or a trap.
//!
//! Both read the host's `structuredClone` of the value, not the value: a copy is plain data, read
//! once, so a getter or a `Proxy` cannot answer the measure one way and serde-wasm-bindgen another,
//! nor throw while either reads (neither guards its JS calls, and a JS exception thrown through
//! WebAssembly skips Rust's unwinding and leaks the shadow stack). A value the host cannot copy (a
//! function, a symbol, a `Proxy`, a getter that throws) is refused without reading it.

use js_sys::{Array, JsString, Object, Reflect, Symbol};
use serde::Serialize;
use serde_json::Value;
use wasm_bindgen::{JsCast, JsValue};

use crate::error::{ErrorCode, Failure};

#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    /// The host's deep copy of plain data (a `DataCloneError` for a function, a symbol or a
    /// `Proxy`; what a getter throws).
    #[wasm_bindgen(catch, js_name = structuredClone)]
    fn structured_clone(value: &JsValue) -> Result<JsValue, JsValue>;
}

/// The deepest nesting read: `serde_json`'s own limit for JSON text. Deeper is a cycle, or no
/// real config or message.
const MAX_DEPTH: usize = 128;

/// Plain objects (not `Map`s), `null` for `None`, numbers (not `BigInt`s): what `JSON.parse`
/// would give for the same value.
const SERIALIZER: serde_wasm_bindgen::Serializer =
    serde_wasm_bindgen::Serializer::json_compatible();

/// `value` as a JS value. Every type the core hands out serialises (plain structs, strings,
/// numbers within 2^53); `null` stands in should one ever not.
pub(crate) fn to_js<T: Serialize>(value: &T) -> JsValue {
    value.serialize(&SERIALIZER).unwrap_or(JsValue::NULL)
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

/// What [`measure`] found wrong.
enum Problem {
    TooBig,
    NotJson(&'static str),
}

/// Takes `bytes` from what is left of the limit.
fn spend(left: &mut usize, bytes: usize) -> Result<(), Problem> {
    *left = left.checked_sub(bytes).ok_or(Problem::TooBig)?;
    Ok(())
}

/// The UTF-16 length of a JS string: at most its UTF-8 size, read without copying it.
pub(super) fn length(text: &JsValue) -> usize {
    text.unchecked_ref::<JsString>().length() as usize
}

/// Walks `value` as `JSON.stringify` would, spending from `left` what its JSON text would take
/// (strings by their UTF-16 length, which never exceeds their UTF-8 size), and refusing what JSON
/// cannot express. Every visited value costs at least one byte, so a cyclic object with many edges ends
/// at the limit too, not only at the depth.
fn measure(value: &JsValue, depth: usize, left: &mut usize) -> Result<(), Problem> {
    // Each check is a call into JS: the common kinds first.
    if value.is_string() {
        return spend(left, length(value).saturating_add(2));
    }
    if !value.is_object() {
        return if value.is_null() || value.is_undefined() || value.as_bool().is_some() {
            spend(left, 4)
        } else if value.as_f64().is_some() {
            spend(left, 1)
        } else {
            // A copy holds no function or symbol: what is left is a `BigInt`.
            Err(Problem::NotJson(
                "it holds a BigInt, which JSON cannot express",
            ))
        };
    }
    if depth >= MAX_DEPTH {
        return Err(Problem::NotJson(
            "it nests deeper than 128 levels (is it cyclic?)",
        ));
    }
    spend(left, 2)?;
    if Array::is_array(value) {
        let array: &Array = value.unchecked_ref();
        for index in 0..array.length() {
            spend(left, 1)?;
            measure(&array.get(index), depth + 1, left)?;
        }
        return Ok(());
    }
    // serde-wasm-bindgen reads a `Map` (and refuses other iterables) where JSON sees `{}`.
    if Symbol::iterator().js_in(value) {
        return Err(Problem::NotJson(
            "it holds a Map, Set or other collection that is not an array",
        ));
    }
    for key in Object::keys(value.unchecked_ref::<Object>()).iter() {
        // `"key":` and a comma.
        spend(left, length(&key).saturating_add(4))?;
        let item = Reflect::get(value, &key)
            .map_err(|_| Problem::NotJson("reading one of its properties threw"))?;
        measure(&item, depth + 1, left)?;
    }
    Ok(())
}

/// A JS value as `serde_json::Value` (`undefined` becomes `null`), refused with `code` when its
/// JSON would exceed `limit` bytes or JSON cannot express it; `what` names it in the error.
pub(crate) fn from_js(
    value: &JsValue,
    what: &str,
    code: ErrorCode,
    limit: usize,
) -> Result<Value, Unreadable> {
    let copy = structured_clone(value);
    let mut left = limit;
    let measured = match &copy {
        Ok(copy) => measure(copy, 0, &mut left),
        Err(_) => Err(Problem::NotJson(
            "it holds something that cannot be copied as plain data (a function, a symbol, a \
             Proxy, a property that throws when read, or nesting far too deep)",
        )),
    };
    measured.map_err(|problem| match problem {
        Problem::TooBig => Unreadable::TooBig(Failure::new(
            code,
            format!("{what} is too large: its JSON exceeds the limit of {limit} bytes"),
        )),
        Problem::NotJson(why) => {
            Unreadable::NotJson(Failure::new(code, format!("{what} cannot be read: {why}")))
        }
    })?;
    serde_wasm_bindgen::from_value(copy.unwrap_or(JsValue::UNDEFINED))
        .map_err(|e| Unreadable::NotJson(Failure::new(code, format!("{what} cannot be read: {e}"))))
}
