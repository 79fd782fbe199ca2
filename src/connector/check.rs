//! The checks every config reader shares (the top level, its credential fields and the
//! `overseas` route), so a value is read, and refused, the same way wherever it stands. Each
//! check returns the problem without a path: the reader knows where the value stands.

use std::ops::RangeInclusive;

use serde_json::{Map, Value};

use crate::aliyun::call::SignatureVersion;
use crate::aliyun::endpoint::Endpoint;
use crate::issue::{type_name, IssueCode};
use crate::limits::{MAX_ENDPOINT_BYTES, MAX_QUOTED_CHARS};

/// Why a value was refused: an issue's code and message.
pub type Refusal = (IssueCode, String);

/// `value` as an object.
pub fn object(value: &Value) -> Result<&Map<String, Value>, Refusal> {
    match value {
        Value::Object(object) => Ok(object),
        other => Err(expected("object", other)),
    }
}

/// "Expected `what`, received <type>", an [`IssueCode::InvalidType`].
pub fn expected(what: &str, value: &Value) -> Refusal {
    (
        IssueCode::InvalidType,
        format!("Expected {what}, received {}", type_name(value)),
    )
}

/// A string of at most `max` bytes, not blank, without surrounding whitespace.
pub fn clean_string(value: &Value, max: usize) -> Result<&str, Refusal> {
    match value {
        Value::String(s) if s.len() > max => Err((
            IssueCode::TooBig,
            format!("Must be at most {max} bytes, received {}", s.len()),
        )),
        Value::String(s) if s.trim().is_empty() => {
            Err((IssueCode::TooSmall, "Must not be empty".into()))
        }
        // A key pasted with a stray space would otherwise only fail later, at Aliyun.
        Value::String(s) if s.trim() != s => Err((
            IssueCode::InvalidString,
            "Must not start or end with whitespace".into(),
        )),
        Value::String(s) => Ok(s),
        other => Err(expected("string", other)),
    }
}

/// A whole number within `range`, in `unit` (`"ms"`, `"seconds"`); `not_whole` says what a
/// fraction is refused with.
pub fn whole_number(
    value: &Value,
    range: RangeInclusive<u32>,
    unit: &str,
    not_whole: &str,
) -> Result<u32, Refusal> {
    let Some(number) = value.as_f64() else {
        return Err(expected("number", value));
    };
    let (min, max) = (*range.start(), *range.end());
    if number.fract() != 0.0 {
        Err((IssueCode::InvalidType, not_whole.into()))
    } else if number < f64::from(min) {
        Err((
            IssueCode::TooSmall,
            format!("Must be at least {min} {unit}"),
        ))
    } else if number > f64::from(max) {
        Err((IssueCode::TooBig, format!("Must be at most {max} {unit}")))
    } else {
        // In range and integral, so the conversion is exact.
        Ok(number as u32)
    }
}

/// `v1` or `v3`.
pub fn signature_version(text: &str) -> Result<SignatureVersion, Refusal> {
    match text {
        "v1" => Ok(SignatureVersion::V1),
        "v3" => Ok(SignatureVersion::V3),
        other => Err((
            IssueCode::InvalidEnumValue,
            format!("Expected 'v1' | 'v3', received {}", quoted(other)),
        )),
    }
}

/// Aliyun's shape of a region id (`cn-hangzhou`, `ap-southeast-1`): at most 64 lower-case
/// letters, digits and `-`.
pub fn is_region_id(text: &str) -> bool {
    text.len() <= 64
        && text
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// An endpoint URL of at most [`MAX_ENDPOINT_BYTES`], read by `parse` (which says what it
/// accepts: [`Endpoint::parse`], [`Endpoint::parse_metadata`]).
pub fn endpoint(
    text: &str,
    parse: fn(&str) -> Result<Endpoint, String>,
) -> Result<Endpoint, Refusal> {
    if text.len() > MAX_ENDPOINT_BYTES {
        return Err((
            IssueCode::TooBig,
            format!("Must be at most {MAX_ENDPOINT_BYTES} bytes"),
        ));
    }
    parse(text).map_err(|message| (IssueCode::InvalidString, message))
}

/// A short string quoted whole, a long one only by its length. Never a cut-off prefix: a secret
/// pasted into the wrong field would survive redaction as its first characters.
pub fn quoted(text: &str) -> String {
    let chars = text.chars().count();
    if chars <= MAX_QUOTED_CHARS {
        format!("'{text}'")
    } else {
        format!("a string of {chars} characters")
    }
}
