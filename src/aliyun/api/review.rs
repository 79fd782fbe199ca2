//! Aliyun's review of a signature name or a template: the state `GetSmsSign` and
//! `GetSmsTemplate` report, and the reviewer's note on a rejection.
//!
//! Both APIs share the numbering (0 under review, 1 approved, 2 rejected, 10 cancelled) and the
//! `AuditInfo { RejectInfo, AuditDate }` object, but not the type: `SignStatus` is a number and
//! `TemplateStatus` a numeric string. Both forms are read for both.

use serde::Serialize;
use serde_json::Value;

/// Where a review stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewState {
    /// 0: submitted, not decided yet. Sends fail until it is approved.
    UnderReview,
    /// 1: usable.
    Approved,
    /// 2: refused; the note says why.
    Rejected,
    /// 10: the applicant withdrew it.
    Cancelled,
    /// A value this version does not know (the raw value is kept beside it).
    Unrecognized,
}

/// What a review answer says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Review {
    pub state: ReviewState,
    /// The status as Aliyun wrote it, for an unrecognized one.
    pub status: Option<String>,
    /// The reviewer's reason for a rejection.
    pub reject_info: Option<String>,
    pub audit_date: Option<String>,
}

impl Review {
    /// Reads the status field `status_key` and `AuditInfo` of an answer's object. A missing or
    /// odd status is `Unrecognized`, not an error: the doctor reports it rather than failing.
    pub fn read(object: &serde_json::Map<String, Value>, status_key: &str) -> Self {
        let status = match object.get(status_key) {
            Some(Value::Number(n)) => Some(n.to_string()),
            Some(Value::String(s)) => Some(s.trim().to_string()),
            _ => None,
        };
        let state = match status.as_deref() {
            Some("0") => ReviewState::UnderReview,
            Some("1") => ReviewState::Approved,
            Some("2") => ReviewState::Rejected,
            Some("10") => ReviewState::Cancelled,
            _ => ReviewState::Unrecognized,
        };
        let audit = object.get("AuditInfo");
        let text = |value: Option<&Value>| {
            value
                .and_then(Value::as_str)
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(String::from)
        };
        Self {
            state,
            status,
            // Older answers carried the note as a top-level `Reason`.
            reject_info: text(audit.and_then(|a| a.get("RejectInfo")))
                .or_else(|| text(object.get("Reason"))),
            audit_date: text(audit.and_then(|a| a.get("AuditDate"))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn read(value: Value, key: &str) -> Review {
        Review::read(value.as_object().unwrap(), key)
    }

    #[test]
    fn numbers_and_numeric_strings() {
        for (status, state) in [
            (json!(0), ReviewState::UnderReview),
            (json!("1"), ReviewState::Approved),
            (json!(2), ReviewState::Rejected),
            (json!("10"), ReviewState::Cancelled),
            (json!(7), ReviewState::Unrecognized),
            (json!(true), ReviewState::Unrecognized),
        ] {
            assert_eq!(read(json!({ "S": status }), "S").state, state, "{status}");
        }
        let missing = read(json!({}), "S");
        assert_eq!(missing.state, ReviewState::Unrecognized);
        assert_eq!(missing.status, None);
        assert_eq!(read(json!({ "S": 7 }), "S").status.as_deref(), Some("7"));
    }

    #[test]
    fn reject_info_from_audit_info_or_reason() {
        let review = read(
            json!({ "S": 2, "AuditInfo": { "RejectInfo": " not a real company ", "AuditDate": "2026-01-02 03:04:05" } }),
            "S",
        );
        assert_eq!(review.reject_info.as_deref(), Some("not a real company"));
        assert_eq!(review.audit_date.as_deref(), Some("2026-01-02 03:04:05"));
        let old = read(json!({ "S": 2, "Reason": "typo" }), "S");
        assert_eq!(old.reject_info.as_deref(), Some("typo"));
        let blank = read(json!({ "S": 1, "AuditInfo": { "RejectInfo": "" } }), "S");
        assert_eq!(blank.reject_info, None);
    }
}
