//! Failures, shaped the way Logto expects them: a connector-kit error code plus a `data` object
//! whose `errorDescription` Logto shows to the operator.

use serde::Serialize;

use crate::config::{Issue, Secret};

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
            }),
        }
    }

    pub fn with_status(mut self, status: u16) -> Self {
        self.data.status = Some(status);
        self
    }

    /// Replaces every occurrence of the secret in the failure's strings.
    ///
    /// Defence in depth: no code path puts the secret into a failure, but text echoed from the
    /// network (Aliyun's `Message`, a proxy's error page) is not under our control.
    pub fn redact(mut self, secret: &Secret) -> Self {
        let data = &mut self.data;
        secret.redact_in(&mut data.error_description);
        for field in [
            &mut data.aliyun_code,
            &mut data.aliyun_message,
            &mut data.request_id,
        ]
        .into_iter()
        .flatten()
        {
            secret.redact_in(field);
        }
        if let Some(issues) = &mut data.issues {
            for issue in issues {
                secret.redact_in(&mut issue.message);
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
    fn redact_removes_secret_from_every_string() {
        let secret = Secret::new("s3cr3t-value-123".into());
        let mut failure = Failure::new(ErrorCode::General, "echo s3cr3t-value-123 back");
        failure.data.aliyun_message = Some("s3cr3t-value-123".into());
        let text = serde_json::to_string(&failure.redact(&secret)).unwrap();
        assert!(!text.contains("s3cr3t-value-123"), "{text}");
        assert!(text.contains("echo *** back"), "{text}");
    }
}
