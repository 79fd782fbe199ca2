//! `SendSms` (API 2017-05-25): one templated message to one number, on the mainland China site
//! or the international site. Its parameters, its answer and how its error codes map.

use serde::Serialize;

use crate::call::Call;
use crate::error::{lookup, ErrorCode, ErrorRule, Failure};
use crate::response::Answer;

pub const ACTION: &str = "SendSms";
pub const VERSION: &str = "2017-05-25";

/// Aliyun's `SendSms` error codes and their connector-kit codes: `data/send-sms-errors.json`.
pub const ERRORS: &[ErrorRule] = include!(concat!(env!("OUT_DIR"), "/send_sms_errors.rs"));

/// The parameters of one `SendSms` call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendSms {
    /// Digits with the country code, no `+`.
    pub phone_numbers: String,
    pub sign_name: String,
    pub template_code: String,
    /// JSON object of the template's variables.
    pub template_param: String,
}

impl SendSms {
    pub fn call(&self) -> Call<'_> {
        Call {
            action: ACTION,
            version: VERSION,
            parameters: vec![
                ("PhoneNumbers", self.phone_numbers.as_str()),
                ("SignName", self.sign_name.as_str()),
                ("TemplateCode", self.template_code.as_str()),
                ("TemplateParam", self.template_param.as_str()),
            ],
        }
    }
}

/// A successful `SendSms` answer, with Aliyun's field names (what `sendMessage` resolves with).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SendSmsResult {
    #[serde(rename = "Code")]
    pub code: String,
    #[serde(rename = "Message")]
    pub message: String,
    #[serde(rename = "RequestId")]
    pub request_id: String,
    /// The receipt id that `QuerySendDetails` looks the message up by.
    #[serde(rename = "BizId", skip_serializing_if = "Option::is_none")]
    pub biz_id: Option<String>,
}

/// The connector-kit code for Aliyun error `code`; unknown codes are `general`.
pub fn classify(code: &str) -> ErrorCode {
    lookup(ERRORS, code).map_or(ErrorCode::General, |rule| rule.class)
}

/// Reads Aliyun's answer: `Code: OK` with HTTP 2xx resolves; anything else is a typed failure.
pub fn parse(status: u16, body: &str) -> Result<SendSmsResult, Failure> {
    let answer = Answer::parse(ACTION, status, body)?;
    let code = answer.required_string("Code")?;
    let message = answer.string("Message")?;
    let request_id = answer.string("RequestId")?;
    let biz_id = answer.string("BizId")?;
    if code == "OK" && answer.is_http_success() {
        return Ok(SendSmsResult {
            code,
            message: message.unwrap_or_else(|| "OK".into()),
            request_id: request_id.unwrap_or_default(),
            biz_id,
        });
    }
    // `OK` with an error status is not an answer Aliyun gives: do not trust either half.
    let class = if code == "OK" {
        ErrorCode::InvalidResponse
    } else {
        classify(&code)
    };
    Err(answer.error(class, &code, message.as_deref()))
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
    fn call_carries_the_four_parameters() {
        let message = SendSms {
            phone_numbers: "8613012345678".into(),
            sign_name: "Logto".into(),
            template_code: "SMS_1".into(),
            template_param: r#"{"code":"1"}"#.into(),
        };
        assert_eq!(
            message.call(),
            Call {
                action: "SendSms",
                version: "2017-05-25",
                parameters: vec![
                    ("PhoneNumbers", "8613012345678"),
                    ("SignName", "Logto"),
                    ("TemplateCode", "SMS_1"),
                    ("TemplateParam", r#"{"code":"1"}"#),
                ],
            }
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
            assert_eq!(
                failure.data.error_description,
                format!("Aliyun SendSms failed: {code}: message for {code}")
            );
        }
    }

    #[test]
    fn answers_without_a_string_code_are_invalid_response() {
        for body in [
            r#"{"Message":"no code"}"#,
            r#"{"Code":200,"Message":"OK"}"#,
            r#"{"Code":"OK","Message":["x"]}"#,
            r#"{"Code":"OK","RequestId":1}"#,
        ] {
            let failure = parse(200, body).unwrap_err();
            assert_eq!(failure.code, ErrorCode::InvalidResponse, "{body}");
        }
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
