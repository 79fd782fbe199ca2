//! `SendSms` (API 2017-05-25): one templated message to one number, on the mainland China site
//! or the international site. Its parameters, its answer and how its error codes map.

use serde::Serialize;

use crate::aliyun::call::Call;
use crate::aliyun::credential::Redactor;
use crate::aliyun::response::Answer;
use crate::error::{lookup, ErrorCode, ErrorRule, Failure};

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

/// The rule for Aliyun error `code`, if the table has one.
pub fn rule(code: &str) -> Option<&'static ErrorRule> {
    lookup(ERRORS, code)
}

/// The connector-kit code for Aliyun error `code`; unknown codes are `general`.
pub fn classify(code: &str) -> ErrorCode {
    rule(code).map_or(ErrorCode::General, |rule| rule.class)
}

/// Reads Aliyun's answer: `Code: OK` with HTTP 2xx resolves; anything else is a typed failure.
/// `redactor` holds the credentials the request was signed with (see [`Answer::parse`]).
pub fn parse(status: u16, body: &str, redactor: &Redactor) -> Result<SendSmsResult, Failure> {
    let answer = Answer::parse(ACTION, status, body, redactor)?;
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
    Err(answer.failure(ERRORS, &code, message.as_deref()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_fixtures::invalid_responses;

    fn aliyun(code: &str) -> String {
        format!(r#"{{"Code":"{code}","Message":"message for {code}","RequestId":"RID-1"}}"#)
    }

    #[test]
    fn ok_resolves_with_aliyun_fields() {
        let body = r#"{"Code":"OK","Message":"OK","RequestId":"F655A8D5","BizId":"9002"}"#;
        let result = parse(200, body, &Redactor::none()).unwrap();
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

    /// The data file itself, read here rather than copied, so every row is checked.
    fn rows() -> Vec<serde_json::Value> {
        serde_json::from_str(include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/data/send-sms-errors.json"
        )))
        .unwrap()
    }

    /// A code the row matches: itself, or a made-up member of a prefix family.
    fn sample(row: &serde_json::Value) -> String {
        let code = row["code"].as_str().unwrap();
        match row["match"].as_str().unwrap() {
            "prefix" => format!("{code}.SomeMember"),
            _ => code.to_string(),
        }
    }

    #[test]
    fn every_row_of_the_data_file_is_in_the_table() {
        let rows = rows();
        assert_eq!(rows.len(), ERRORS.len());
        for (row, rule) in rows.iter().zip(ERRORS) {
            assert_eq!(row["code"].as_str(), Some(rule.code));
            assert_eq!(row["match"].as_str() == Some("prefix"), rule.prefix);
            assert_eq!(row["class"].as_str(), Some(rule.class.as_str()));
            assert_eq!(row["hint"].as_str(), Some(rule.hint));
            // Short, a sentence, and about what to do.
            assert!(
                rule.hint.len() <= 200 && rule.hint.ends_with('.'),
                "{}",
                rule.code
            );
            assert!(!rule.code.is_empty() && rule.code.trim() == rule.code);
        }
        let mut codes: Vec<&str> = ERRORS.iter().map(|rule| rule.code).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), ERRORS.len(), "a code is listed twice");
    }

    #[test]
    fn every_row_maps_its_code_with_its_hint() {
        for row in rows() {
            let code = sample(&row);
            let rule = rule(&code).unwrap();
            for status in [200, 400, 403, 404, 503] {
                let failure = parse(status, &aliyun(&code), &Redactor::none()).unwrap_err();
                assert_eq!(
                    failure.code.as_str(),
                    row["class"].as_str().unwrap(),
                    "{code}"
                );
                assert_eq!(failure.code, rule.class);
                assert_eq!(failure.data.aliyun_code.as_deref(), Some(code.as_str()));
                assert_eq!(
                    failure.data.aliyun_message.as_deref(),
                    Some(format!("message for {code}").as_str())
                );
                assert_eq!(failure.data.request_id.as_deref(), Some("RID-1"));
                assert_eq!(failure.data.status, Some(status));
                assert_eq!(
                    failure.data.error_description,
                    format!(
                        "Aliyun SendSms failed: {code}: {}",
                        row["hint"].as_str().unwrap()
                    )
                );
            }
        }
    }

    #[test]
    fn the_issue_s_examples_map_as_asked() {
        for (code, expected) in [
            ("isv.BUSINESS_LIMIT_CONTROL", ErrorCode::RateLimitExceeded),
            ("isv.DAY_LIMIT_CONTROL", ErrorCode::RateLimitExceeded),
            ("isv.MONTH_LIMIT_CONTROL", ErrorCode::RateLimitExceeded),
            ("Throttling.User", ErrorCode::RateLimitExceeded),
            ("Throttling", ErrorCode::RateLimitExceeded),
            ("isv.AMOUNT_NOT_ENOUGH", ErrorCode::UsageLimitExceeded),
            ("isv.OUT_OF_SERVICE", ErrorCode::UsageLimitExceeded),
            (
                "isv.MOBILE_NUMBER_ILLEGAL",
                ErrorCode::InvalidRequestParameters,
            ),
            (
                "isv.MOBILE_COUNT_OVER_LIMIT",
                ErrorCode::InvalidRequestParameters,
            ),
            (
                "isv.DOMESTIC_NUMBER_NOT_SUPPORTED",
                ErrorCode::InvalidRequestParameters,
            ),
            (
                "isv.BLACK_KEY_CONTROL_LIMIT",
                ErrorCode::InvalidRequestParameters,
            ),
            ("isv.SMS_SIGNATURE_ILLEGAL", ErrorCode::InvalidConfig),
            ("isv.SIGN_STATE_ILLEGAL", ErrorCode::InvalidConfig),
            ("isv.SMS_SIGNATURE_SCENE_ILLEGAL", ErrorCode::InvalidConfig),
            ("isv.SMS_TEMPLATE_ILLEGAL", ErrorCode::InvalidConfig),
            ("isv.TEMPLATE_MISSING_PARAMETERS", ErrorCode::InvalidConfig),
            ("isv.TEMPLATE_PARAMS_ILLEGAL", ErrorCode::InvalidConfig),
            ("isv.INVALID_JSON_PARAM", ErrorCode::InvalidConfig),
            ("isv.PARAM_LENGTH_LIMIT", ErrorCode::InvalidConfig),
            ("isv.SMS_CONTENT_ILLEGAL", ErrorCode::InvalidConfig),
            ("isv.SMS_TEST_NUMBER_LIMIT", ErrorCode::InvalidConfig),
            ("isv.ACCOUNT_NOT_EXISTS", ErrorCode::InvalidConfig),
            ("isv.ACCOUNT_ABNORMAL", ErrorCode::InvalidConfig),
            ("isv.PRODUCT_UN_SUBSCRIPT", ErrorCode::InvalidConfig),
            ("isp.RAM_PERMISSION_DENY", ErrorCode::InvalidConfig),
            ("isv.DENY_IP_RANGE", ErrorCode::InvalidConfig),
            ("SignatureDoesNotMatch", ErrorCode::InvalidConfig),
            ("InvalidAccessKeyId.NotFound", ErrorCode::InvalidConfig),
            ("InvalidAccessKeyId.Inactive", ErrorCode::InvalidConfig),
            ("InvalidTimeStamp.Expired", ErrorCode::InvalidConfig),
            ("InvalidSecurityToken.Expired", ErrorCode::InvalidConfig),
            (
                "InvalidSecurityToken.MismatchWithAccessKey",
                ErrorCode::InvalidConfig,
            ),
            ("isp.SYSTEM_ERROR", ErrorCode::General),
            ("Some.UnknownCode", ErrorCode::General),
            ("InvalidTimeStamp.Format", ErrorCode::General),
        ] {
            assert_eq!(classify(code), expected, "{code}");
        }
        assert!(rule("InvalidTimeStamp.Expired")
            .unwrap()
            .hint
            .contains("server clock"));
    }

    #[test]
    fn unknown_codes_quote_aliyun_and_ok_with_an_error_status_is_invalid_response() {
        let failure = parse(400, &aliyun("Some.UnknownCode"), &Redactor::none()).unwrap_err();
        assert_eq!(failure.code, ErrorCode::General);
        assert_eq!(
            failure.data.error_description,
            "Aliyun SendSms failed: Some.UnknownCode: message for Some.UnknownCode"
        );
        let failure = parse(500, &aliyun("OK"), &Redactor::none()).unwrap_err();
        assert_eq!(failure.code, ErrorCode::InvalidResponse);
    }

    #[test]
    fn answers_without_a_string_code_are_invalid_response() {
        let bodies = [
            r#"{"Message":"no code"}"#,
            r#"{"Code":200,"Message":"OK"}"#,
            r#"{"Code":"OK","Message":["x"]}"#,
            r#"{"Code":"OK","RequestId":1}"#,
        ];
        invalid_responses(&bodies, |body| parse(200, body, &Redactor::none()));
    }

    #[test]
    fn message_is_optional_for_errors() {
        let failure = parse(400, r#"{"Code":"Throttling.User"}"#, &Redactor::none()).unwrap_err();
        assert_eq!(failure.code, ErrorCode::RateLimitExceeded);
        assert_eq!(failure.data.aliyun_message, None);
        assert_eq!(
            failure.data.error_description,
            format!(
                "Aliyun SendSms failed: Throttling.User: {}",
                rule("Throttling").unwrap().hint
            )
        );
        let failure = parse(400, r#"{"Code":"No.Such.Code"}"#, &Redactor::none()).unwrap_err();
        assert_eq!(
            failure.data.error_description,
            "Aliyun SendSms failed: No.Such.Code"
        );
    }
}
