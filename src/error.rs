//! Failures, shaped the way Logto expects them: a connector-kit error code plus a `data` object
//! whose `errorDescription` Logto shows to the operator.

use serde::Serialize;

use crate::issue::{summarize, Issue};

/// The subset of `@logto/connector-kit`'s `ConnectorErrorCodes` this connector produces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    General,
    InvalidConfig,
    InvalidRequestParameters,
    InvalidResponse,
    RateLimitExceeded,
    UsageLimitExceeded,
}

impl ErrorCode {
    /// The connector-kit string, e.g. `rate_limit_exceeded`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::General => "general",
            Self::InvalidConfig => "invalid_config",
            Self::InvalidRequestParameters => "invalid_request_parameters",
            Self::InvalidResponse => "invalid_response",
            Self::RateLimitExceeded => "rate_limit_exceeded",
            Self::UsageLimitExceeded => "usage_limit_exceeded",
        }
    }
}

/// How one Aliyun error code maps to a connector-kit code. Each API module has a table of
/// these, generated from its file in `data/` (see `build.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ErrorRule {
    /// Aliyun's `Code`, or the start of it when `prefix` (e.g. `Throttling` for `Throttling.User`).
    pub code: &'static str,
    pub prefix: bool,
    pub class: ErrorCode,
    /// What the operator should do, in English.
    pub hint: &'static str,
}

/// The rule for `code`: an exact entry first, else the longest matching prefix entry.
pub fn lookup(table: &'static [ErrorRule], code: &str) -> Option<&'static ErrorRule> {
    table
        .iter()
        .find(|rule| !rule.prefix && rule.code == code)
        .or_else(|| {
            table
                .iter()
                .filter(|rule| rule.prefix && code.starts_with(rule.code))
                .max_by_key(|rule| rule.code.len())
        })
}

/// The `data` of a `ConnectorError`. Field names follow Aliyun's (`Code`, `RequestId`) so operators
/// can search Aliyun's error centre with them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FailureData {
    #[serde(rename = "errorDescription")]
    pub error_description: String,
    #[serde(rename = "Code", skip_serializing_if = "Option::is_none")]
    pub aliyun_code: Option<String>,
    #[serde(rename = "Message", skip_serializing_if = "Option::is_none")]
    pub aliyun_message: Option<String>,
    #[serde(rename = "RequestId", skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// HTTP status of Aliyun's answer, when there was one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// Config validation problems, like zod's `issues`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issues: Option<Vec<Issue>>,
    /// With an `overseas` route configured: the route the message took (`mainland` or
    /// `overseas`) and the API it called, so the operator knows which account to look at.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub route: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub api: Option<&'static str>,
    /// With a `locale` in the config: the template or text the failed message used.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entry: Option<Entry>,
}

/// Which configured entry served a message: its usage type and locale (`None`: the entry for
/// every other language). In results, and in the failures of messages that were sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Entry {
    /// `None`: the overseas route's one text for every message.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub usage_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
}

impl Entry {
    pub fn new(usage_type: &str, locale: Option<&str>) -> Self {
        Self {
            usage_type: Some(usage_type.to_string()),
            locale: locale.map(str::to_string),
        }
    }
}

/// A failed send or validation: what the JS layer turns into `new ConnectorError(code, data)`.
/// `data` is boxed so `Result<_, Failure>` stays small on the happy path.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Failure {
    pub code: ErrorCode,
    pub data: Box<FailureData>,
}

impl Failure {
    /// A failure with only a description.
    pub fn new(code: ErrorCode, description: impl Into<String>) -> Self {
        Self {
            code,
            data: Box::new(FailureData {
                error_description: description.into(),
                aliyun_code: None,
                aliyun_message: None,
                request_id: None,
                status: None,
                issues: None,
                route: None,
                api: None,
                entry: None,
            }),
        }
    }

    pub fn with_status(mut self, status: u16) -> Self {
        self.data.status = Some(status);
        self
    }

    /// The `invalid_config` failure Logto expects for config problems: every issue, and a
    /// one-line summary of them.
    pub fn invalid_config(issues: Vec<Issue>) -> Self {
        let mut failure = Self::new(ErrorCode::InvalidConfig, summarize(&issues));
        failure.data.issues = Some(issues);
        failure
    }

    /// Applies `redact` to every string of the failure (defence in depth: no code path puts a
    /// secret into a failure, but text echoed from the network is not under our control).
    pub fn redact_with(mut self, redact: impl Fn(&mut String)) -> Self {
        let data = &mut self.data;
        redact(&mut data.error_description);
        for field in [
            &mut data.aliyun_code,
            &mut data.aliyun_message,
            &mut data.request_id,
        ]
        .into_iter()
        .flatten()
        {
            redact(field);
        }
        if let Some(issues) = &mut data.issues {
            for issue in issues {
                redact(&mut issue.message);
            }
        }
        self
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code.as_str(), self.data.error_description)
    }
}

impl std::error::Error for Failure {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serializes_like_connector_kit_expects() {
        let failure = Failure::new(ErrorCode::RateLimitExceeded, "too many").with_status(200);
        let json = serde_json::to_value(&failure).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "code": "rate_limit_exceeded",
                "data": { "errorDescription": "too many", "status": 200 }
            })
        );
    }

    #[test]
    fn redact_reaches_every_string() {
        let mut failure = Failure::new(ErrorCode::General, "echo s3cr3t-value-123 back");
        failure.data.aliyun_message = Some("s3cr3t-value-123".into());
        failure.data.request_id = Some("s3cr3t-value-123".into());
        failure.data.issues = Some(vec![Issue {
            code: crate::issue::IssueCode::Custom,
            path: Vec::new(),
            message: "s3cr3t-value-123".into(),
        }]);
        let text = serde_json::to_string(
            &failure.redact_with(|text| *text = text.replace("s3cr3t-value-123", "***")),
        )
        .unwrap();
        assert!(!text.contains("s3cr3t-value-123"), "{text}");
        assert!(text.contains("echo *** back"), "{text}");
    }
}
