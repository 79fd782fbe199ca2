//! What Logto's `clean-deep` removes from a config before storing it.
//!
//! Logto's connector routes pass the config through the npm package `clean-deep` (default
//! options): `""`, `null`, `{}` and `[]` vanish, recursively, and an object or array that only
//! held such values vanishes with them. A config must mean the same before and after, so every
//! field the validator reads treats a blank value exactly as a missing one.

use serde_json::{Map, Value};

/// Whether `clean-deep` would remove `value`: `null`, `""`, or an array or object holding only
/// blank values. Whitespace is not blank (`clean-deep` keeps `" "`), and neither are `0` and
/// `false`.
pub fn is_blank(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::String(s) => s.is_empty(),
        Value::Array(items) => items.iter().all(is_blank),
        Value::Object(object) => object.values().all(is_blank),
        Value::Bool(_) | Value::Number(_) => false,
    }
}

/// `object[key]`, unless it is missing or blank: the one way the validator reads a field.
pub fn field<'a>(object: &'a Map<String, Value>, key: &str) -> Option<&'a Value> {
    object.get(key).filter(|value| !is_blank(value))
}

/// `value` as `clean-deep` (3.4, default options) leaves it; `None` where it would drop the value
/// altogether. Tests use it to check that cleaning never changes what a config means.
pub fn clean_deep(value: &Value) -> Option<Value> {
    match value {
        Value::Array(items) => {
            let kept: Vec<Value> = items.iter().filter_map(clean_deep).collect();
            (!kept.is_empty()).then_some(Value::Array(kept))
        }
        Value::Object(object) => {
            let kept: Map<String, Value> = object
                .iter()
                .filter_map(|(key, value)| Some((key.clone(), clean_deep(value)?)))
                .collect();
            (!kept.is_empty()).then_some(Value::Object(kept))
        }
        other => (!is_blank(other)).then(|| other.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn blank_is_what_clean_deep_removes() {
        for blank in [
            json!(null),
            json!(""),
            json!([]),
            json!({}),
            json!([null, "", {}]),
            json!({ "a": { "b": [""] } }),
        ] {
            assert!(is_blank(&blank), "{blank}");
            assert_eq!(clean_deep(&blank), None, "{blank}");
        }
        for kept in [
            json!(" "),
            json!(0),
            json!(false),
            json!([0]),
            json!({ "a": "x" }),
        ] {
            assert!(!is_blank(&kept), "{kept}");
            assert_eq!(clean_deep(&kept), Some(kept.clone()));
        }
    }

    #[test]
    fn clean_deep_compacts_arrays_and_drops_blank_keys() {
        let value = json!({
            "keep": "x",
            "gone": "",
            "list": ["a", "", null, { "x": "" }, { "y": 1 }],
            "nested": { "half": { "china": "", "overseas": "SMS_1" } }
        });
        assert_eq!(
            clean_deep(&value),
            Some(json!({
                "keep": "x",
                "list": ["a", { "y": 1 }],
                "nested": { "half": { "overseas": "SMS_1" } }
            }))
        );
    }

    #[test]
    fn field_skips_blank_values() {
        let object = json!({ "a": "", "b": null, "c": {}, "d": "v", "e": " " });
        let object = object.as_object().unwrap();
        for key in ["a", "b", "c", "missing"] {
            assert_eq!(field(object, key), None, "{key}");
        }
        assert_eq!(field(object, "d"), Some(&json!("v")));
        assert_eq!(field(object, "e"), Some(&json!(" ")));
    }
}
