//! Aliyun's answer to `SendSms`: success, or a failure with the right connector-kit code.
//!
//! Aliyun answers JSON such as `{"Code":"OK","Message":"OK","RequestId":"…","BizId":"…"}` with
//! HTTP 200, business errors (`isv.*`) also with 200, and gateway errors
//! (`SignatureDoesNotMatch`, `InvalidAccessKeyId.NotFound`, `Throttling.User`) with 4xx/5xx.
//! See <https://help.aliyun.com/document_detail/101346.html> for the codes.

use serde::Serialize;
use serde_json::Value;

use crate::config::type_name;
use crate::error::{ErrorCode, Failure};
use crate::limits::{clip_to, MAX_RESPONSE_BYTES};

/// Bodies longer than this are not the JSON we expect; only a prefix is quoted in errors.
const QUOTED_BODY_CHARS: usize = 200;
/// Aliyun's messages are a sentence; longer ones (a proxy's page in `Message`?) are cut.
const MAX_ALIYUN_TEXT_CHARS: usize = 512;

/// A successful send, passed back to Logto as Aliyun sent it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SendSmsResult {
    #[serde(rename = "Code")]
    pub code: String,
    #[serde(rename = "Message")]
    pub message: String,
    #[serde(rename = "RequestId")]
    pub request_id: String,
    #[serde(rename = "BizId", skip_serializing_if = "Option::is_none")]
    pub biz_id: Option<String>,
}

/// The connector-kit code for a non-OK Aliyun `Code`.
pub fn classify(aliyun_code: &str) -> ErrorCode {
    match aliyun_code {
        "isv.BUSINESS_LIMIT_CONTROL" | "isv.DAY_LIMIT_CONTROL" => ErrorCode::RateLimitExceeded,
        code if code.starts_with("Throttling") => ErrorCode::RateLimitExceeded,
        "isv.AMOUNT_NOT_ENOUGH" | "isv.OUT_OF_SERVICE" => ErrorCode::UsageLimitExceeded,
        "isv.MOBILE_NUMBER_ILLEGAL" => ErrorCode::InvalidRequestParameters,
        "SignatureDoesNotMatch" | "isv.SMS_SIGNATURE_ILLEGAL" | "isv.SMS_TEMPLATE_ILLEGAL" => {
            ErrorCode::InvalidConfig
        }
        code if code.starts_with("InvalidAccessKeyId") => ErrorCode::InvalidConfig,
        _ => ErrorCode::General,
    }
}

/// Parses Aliyun's answer. `status` is the HTTP status code.
pub fn parse(status: u16, body: &str) -> Result<SendSmsResult, Failure> {
    let invalid = |why: String| {
        Failure::new(
            ErrorCode::InvalidResponse,
            format!("Unexpected answer from Aliyun (HTTP {status}): {why}"),
        )
        .with_status(status)
    };
    if body.len() > MAX_RESPONSE_BYTES {
        return Err(invalid(format!(
            "an answer of {} bytes exceeds the {MAX_RESPONSE_BYTES}-byte limit",
            body.len()
        )));
    }
    let value: Value =
        serde_json::from_str(body).map_err(|_| invalid(format!("not JSON: {}", quote(body))))?;
    let Value::Object(object) = &value else {
        return Err(invalid(format!(
            "expected a JSON object, received {}",
            type_name(&value)
        )));
    };
    let text = |key: &str| -> Result<Option<String>, Failure> {
        match object.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(other) => Err(invalid(format!(
                "{key} should be a string, received {}",
                type_name(other)
            ))),
        }
    };
    let code = text("Code")?.ok_or_else(|| invalid(format!("no Code in {}", quote(body))))?;
    let message = text("Message")?;
    let request_id = text("RequestId")?;
    let biz_id = text("BizId")?;

    if code == "OK" && (200..300).contains(&status) {
        return Ok(SendSmsResult {
            code,
            message: message.unwrap_or_else(|| "OK".into()),
            request_id: request_id.unwrap_or_default(),
            biz_id,
        });
    }
    let error_code = if code == "OK" {
        // "OK" with an error status is no answer we can trust either way.
        ErrorCode::InvalidResponse
    } else {
        classify(&code)
    };
    // Aliyun's own codes and messages are short; anything longer is cut, not echoed whole.
    let code = clip_to(&code, MAX_ALIYUN_TEXT_CHARS);
    let message = message.map(|message| clip_to(&message, MAX_ALIYUN_TEXT_CHARS));
    let description = match &message {
        Some(message) => format!("Aliyun SendSms failed: {code}: {message}"),
        None => format!("Aliyun SendSms failed: {code}"),
    };
    let mut failure = Failure::new(error_code, description).with_status(status);
    failure.data.aliyun_code = Some(code);
    failure.data.aliyun_message = message;
    failure.data.request_id = request_id;
    Err(failure)
}

/// A short, single-line quote of a body for an error message.
fn quote(body: &str) -> String {
    let trimmed = body.trim();
    if trimmed.is_empty() {
        return "empty body".into();
    }
    let mut quoted: String = trimmed
        .chars()
        .take(QUOTED_BODY_CHARS)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if trimmed.chars().nth(QUOTED_BODY_CHARS).is_some() {
        quoted.push('…');
    }
    format!("\"{quoted}\"")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn aliyun(code: &str) -> String {
        format!(r#"{{"Code":"{code}","Message":"message for {code}","RequestId":"RID-1"}}"#)
    }

    #[test]
    fn ok_resolves_with_aliyun_fields() {
        let body = r#"{"Code":"OK","Message":"OK","RequestId":"F655A8D5","BizId":"9002"}"#;
        let result = parse(200, body).unwrap();
        assert_eq!(
            serde_json::to_value(&result).unwrap(),
            serde_json::json!({ "Code": "OK", "Message": "OK", "RequestId": "F655A8D5", "BizId": "9002" })
        );
    }

    #[test]
    fn error_table() {
        let table = [
            (
                "isv.BUSINESS_LIMIT_CONTROL",
                200,
                ErrorCode::RateLimitExceeded,
            ),
            ("isv.DAY_LIMIT_CONTROL", 200, ErrorCode::RateLimitExceeded),
            ("Throttling.User", 400, ErrorCode::RateLimitExceeded),
            ("Throttling", 503, ErrorCode::RateLimitExceeded),
            ("isv.AMOUNT_NOT_ENOUGH", 200, ErrorCode::UsageLimitExceeded),
            ("isv.OUT_OF_SERVICE", 200, ErrorCode::UsageLimitExceeded),
            (
                "isv.MOBILE_NUMBER_ILLEGAL",
                200,
                ErrorCode::InvalidRequestParameters,
            ),
            ("SignatureDoesNotMatch", 400, ErrorCode::InvalidConfig),
            ("InvalidAccessKeyId.NotFound", 404, ErrorCode::InvalidConfig),
            ("InvalidAccessKeyId.Inactive", 400, ErrorCode::InvalidConfig),
            ("isv.SMS_SIGNATURE_ILLEGAL", 200, ErrorCode::InvalidConfig),
            ("isv.SMS_TEMPLATE_ILLEGAL", 200, ErrorCode::InvalidConfig),
            ("isv.TEMPLATE_MISSING_PARAMETERS", 200, ErrorCode::General),
            ("isp.SYSTEM_ERROR", 200, ErrorCode::General),
            ("InternalError", 500, ErrorCode::General),
            ("ServiceUnavailable", 503, ErrorCode::General),
            ("OK", 500, ErrorCode::InvalidResponse),
        ];
        for (code, status, expected) in table {
            let failure = parse(status, &aliyun(code)).unwrap_err();
            assert_eq!(failure.code, expected, "{code}");
            assert_eq!(failure.data.aliyun_code.as_deref(), Some(code));
            assert_eq!(failure.data.request_id.as_deref(), Some("RID-1"));
            assert_eq!(failure.data.status, Some(status));
            assert!(failure.data.error_description.contains(code));
            assert!(failure.data.error_description.contains("message for"));
        }
    }

    #[test]
    fn unexpected_bodies_are_invalid_response_with_status() {
        for (status, body) in [
            (500, "<html><body>Internal Server Error</body></html>"),
            (200, r#"{"Code":"OK","Message":"#),
            (200, ""),
            (200, "[1,2]"),
            (200, "null"),
            (200, r#"{"Message":"no code"}"#),
            (200, r#"{"Code":200,"Message":"OK"}"#),
            (200, r#"{"Code":"OK","Message":["x"]}"#),
            (502, "Bad Gateway"),
        ] {
            let failure = parse(status, body).unwrap_err();
            assert_eq!(failure.code, ErrorCode::InvalidResponse, "{body}");
            assert_eq!(failure.data.status, Some(status));
            assert!(
                failure
                    .data
                    .error_description
                    .contains(&format!("HTTP {status}")),
                "{}",
                failure.data.error_description
            );
        }
    }

    #[test]
    fn long_bodies_are_quoted_briefly() {
        let body = "x".repeat(10_000);
        let failure = parse(500, &body).unwrap_err();
        assert!(failure.data.error_description.len() < 400);
        assert!(failure.data.error_description.ends_with("…\""));
        // Above the limit the body is not even parsed.
        let failure = parse(200, &"x".repeat(MAX_RESPONSE_BYTES + 1)).unwrap_err();
        assert_eq!(failure.code, ErrorCode::InvalidResponse);
        assert!(failure.data.error_description.contains("limit"));
    }

    #[test]
    fn message_is_optional_for_errors() {
        let failure = parse(400, r#"{"Code":"Throttling.User"}"#).unwrap_err();
        assert_eq!(failure.code, ErrorCode::RateLimitExceeded);
        assert_eq!(
            failure.data.error_description,
            "Aliyun SendSms failed: Throttling.User"
        );
    }
}
