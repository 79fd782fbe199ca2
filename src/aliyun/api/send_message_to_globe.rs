//! `SendMessageToGlobe` (API 2018-05-01, Alibaba Cloud's international site): one plain-text
//! message to one number outside mainland China, with an optional sender ID and no template to
//! approve. Its parameters, its answer and how its error codes map.
//!
//! Business failures come back as HTTP 200 with a `ResponseCode` other than `OK`; failures of the
//! request itself (signature, access key, throttling) in the usual `Code`/`Message` envelope with
//! an error status. Both are mapped through one table.

use serde::Serialize;
use serde_json::{Map, Value};

use crate::aliyun::call::Call;
use crate::aliyun::credential::Redactor;
use crate::aliyun::response::Answer;
use crate::error::{lookup, ErrorCode, ErrorRule, Failure};

pub const ACTION: &str = "SendMessageToGlobe";
pub const VERSION: &str = "2018-05-01";

/// Sender IDs: at most this many letters and digits, or [`MAX_NUMERIC_SENDER_ID`] digits.
pub const MAX_ALPHANUMERIC_SENDER_ID: usize = 11;
pub const MAX_NUMERIC_SENDER_ID: usize = 15;

/// The API's error codes and their connector-kit codes: `data/send-message-to-globe-errors.json`.
pub const ERRORS: &[ErrorRule] =
    include!(concat!(env!("OUT_DIR"), "/send_message_to_globe_errors.rs"));

/// The parameters of one call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendMessageToGlobe {
    /// Digits with the country code, no `+`.
    pub to: String,
    /// The sender ID; Alibaba Cloud picks one when absent.
    pub from: Option<String>,
    pub message: String,
}

impl SendMessageToGlobe {
    pub fn call(&self) -> Call<'_> {
        let mut parameters = vec![("To", self.to.as_str()), ("Message", self.message.as_str())];
        if let Some(from) = &self.from {
            parameters.push(("From", from.as_str()));
        }
        Call {
            action: ACTION,
            version: VERSION,
            parameters,
        }
    }
}

/// Why a sender ID is not one Alibaba Cloud accepts, or `None` when it is.
pub fn sender_id_problem(from: &str) -> Option<String> {
    if from.is_empty() || !from.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Some("A sender ID has letters and digits only".into());
    }
    let numeric = from.bytes().all(|b| b.is_ascii_digit());
    let max = if numeric {
        MAX_NUMERIC_SENDER_ID
    } else {
        MAX_ALPHANUMERIC_SENDER_ID
    };
    (from.len() > max).then(|| {
        let kind = if numeric {
            "digits"
        } else {
            "letters and digits"
        };
        format!(
            "A sender ID of {kind} has at most {max} characters, received {}",
            from.len()
        )
    })
}

/// An accepted message, with Alibaba Cloud's field names (what `sendMessage` resolves with).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SendMessageToGlobeResult {
    #[serde(rename = "ResponseCode")]
    pub response_code: String,
    #[serde(
        rename = "ResponseDescription",
        skip_serializing_if = "Option::is_none"
    )]
    pub response_description: Option<String>,
    /// The id delivery receipts refer to.
    #[serde(rename = "MessageId", skip_serializing_if = "Option::is_none")]
    pub message_id: Option<String>,
    /// How many billed parts the text was split into.
    #[serde(rename = "Segments", skip_serializing_if = "Option::is_none")]
    pub segments: Option<String>,
    #[serde(rename = "To", skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    #[serde(rename = "From", skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// Where the number is (`Country`, `Region`, `Carrier`), passed on as Alibaba Cloud sent it.
    #[serde(rename = "NumberDetail", skip_serializing_if = "Option::is_none")]
    pub number_detail: Option<Map<String, Value>>,
    #[serde(rename = "RequestId")]
    pub request_id: String,
}

/// The connector-kit code for error `code`; unknown codes are `general`.
pub fn classify(code: &str) -> ErrorCode {
    lookup(ERRORS, code).map_or(ErrorCode::General, |rule| rule.class)
}

/// Reads the answer: `ResponseCode: OK` with HTTP 2xx resolves; anything else is a typed failure.
/// `redactor` holds the credentials the request was signed with (see [`Answer::parse`]).
pub fn parse(
    status: u16,
    body: &str,
    redactor: &Redactor,
) -> Result<SendMessageToGlobeResult, Failure> {
    let answer = Answer::parse(ACTION, status, body, redactor)?;
    let request_id = answer.string("RequestId")?;
    let Some(code) = answer.string("ResponseCode")? else {
        // The common envelope of a rejected request: `Code` and `Message`.
        let code = answer.required_string("Code")?;
        let message = answer.string("Message")?;
        return Err(answer.failure(ERRORS, &code, message.as_deref()));
    };
    let description = answer.string("ResponseDescription")?;
    if code == "OK" && answer.is_http_success() {
        return Ok(SendMessageToGlobeResult {
            response_code: code,
            response_description: description,
            message_id: answer.string("MessageId")?,
            segments: count_or_string(&answer, "Segments")?,
            to: answer.string("To")?,
            from: answer.string("From")?,
            number_detail: number_detail(&answer)?,
            request_id: request_id.unwrap_or_default(),
        });
    }
    Err(answer.failure(ERRORS, &code, description.as_deref()))
}

/// `Segments` is documented as a string; a number is read as one too.
fn count_or_string(answer: &Answer<'_>, key: &str) -> Result<Option<String>, Failure> {
    match answer.get(key) {
        Some(Value::Number(n)) => Ok(Some(n.to_string())),
        _ => answer.string(key),
    }
}

fn number_detail(answer: &Answer<'_>) -> Result<Option<Map<String, Value>>, Failure> {
    match answer.get("NumberDetail") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Object(object)) => Ok(Some(object.clone())),
        Some(other) => Err(answer.invalid(format!(
            "NumberDetail should be an object, received {}",
            crate::issue::type_name(other)
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_fixtures::invalid_responses;
    use serde_json::json;

    #[test]
    fn call_carries_to_message_and_from_when_set() {
        let mut message = SendMessageToGlobe {
            to: "18624017194".into(),
            from: None,
            message: "Code 123".into(),
        };
        assert_eq!(
            message.call(),
            Call {
                action: "SendMessageToGlobe",
                version: "2018-05-01",
                parameters: vec![("To", "18624017194"), ("Message", "Code 123")],
            }
        );
        message.from = Some("Logto".into());
        assert_eq!(
            message.call().parameters,
            vec![
                ("To", "18624017194"),
                ("Message", "Code 123"),
                ("From", "Logto")
            ]
        );
    }

    #[test]
    fn ok_resolves_with_the_parsed_answer() {
        let body = json!({
            "ResponseCode": "OK",
            "ResponseDescription": "accepted",
            "MessageId": "1008030300",
            "Segments": "1",
            "To": "85291234567",
            "From": "Logto",
            "NumberDetail": { "Country": "Hong Kong, China", "Region": "HongKong", "Carrier": "CMI" },
            "RequestId": "RID-1"
        })
        .to_string();
        let result = parse(200, &body, &Redactor::none()).unwrap();
        assert_eq!(
            serde_json::to_value(&result).unwrap(),
            serde_json::from_str::<Value>(&body).unwrap()
        );
        // Numeric Segments and a minimal answer.
        let result = parse(
            200,
            r#"{"ResponseCode":"OK","Segments":2}"#,
            &Redactor::none(),
        )
        .unwrap();
        assert_eq!(result.segments.as_deref(), Some("2"));
        assert_eq!(
            serde_json::to_value(&result).unwrap(),
            json!({ "ResponseCode": "OK", "Segments": "2", "RequestId": "" })
        );
    }

    /// Every row of the data file maps as written, in both envelopes.
    #[test]
    fn every_table_row_maps() {
        let rows: Vec<Value> = serde_json::from_str(include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/data/send-message-to-globe-errors.json"
        )))
        .unwrap();
        assert_eq!(rows.len(), ERRORS.len());
        for row in rows {
            let mut code = row["code"].as_str().unwrap().to_string();
            if row["match"] == "prefix" {
                code.push_str(".Sub");
            }
            let expected = match row["class"].as_str().unwrap() {
                "rate_limit_exceeded" => ErrorCode::RateLimitExceeded,
                "usage_limit_exceeded" => ErrorCode::UsageLimitExceeded,
                "invalid_request_parameters" => ErrorCode::InvalidRequestParameters,
                "invalid_config" => ErrorCode::InvalidConfig,
                "general" => ErrorCode::General,
                other => panic!("{other}"),
            };
            let business =
                json!({ "ResponseCode": code, "ResponseDescription": "why", "RequestId": "RID" });
            let common = json!({ "Code": code, "Message": "why", "RequestId": "RID" });
            for (status, body) in [(200, business), (400, common)] {
                let failure = parse(status, &body.to_string(), &Redactor::none()).unwrap_err();
                assert_eq!(failure.code, expected, "{code}");
                assert_eq!(failure.data.aliyun_code.as_deref(), Some(code.as_str()));
                assert_eq!(failure.data.request_id.as_deref(), Some("RID"));
                assert_eq!(
                    failure.data.error_description,
                    format!(
                        "Aliyun SendMessageToGlobe failed: {code}: {}",
                        row["hint"].as_str().unwrap()
                    )
                );
                assert_eq!(failure.data.aliyun_message.as_deref(), Some("why"));
            }
        }
    }

    #[test]
    fn unknown_codes_are_general_and_ok_with_an_error_status_is_invalid() {
        for body in [
            r#"{"ResponseCode":"isp.SYSTEM_ERROR"}"#,
            r#"{"Code":"InternalError","Message":"x"}"#,
            r#"{"ResponseCode":"SOME_CODE_NOT_IN_THE_TABLE"}"#,
        ] {
            assert_eq!(
                parse(200, body, &Redactor::none()).unwrap_err().code,
                ErrorCode::General,
                "{body}"
            );
        }
        let failure = parse(500, r#"{"ResponseCode":"OK"}"#, &Redactor::none()).unwrap_err();
        assert_eq!(failure.code, ErrorCode::InvalidResponse);
        let failure = parse(500, r#"{"Code":"OK"}"#, &Redactor::none()).unwrap_err();
        assert_eq!(failure.code, ErrorCode::InvalidResponse);
    }

    /// Codes of Alibaba Cloud's international error reference the table once lacked.
    #[test]
    fn documented_international_codes_map() {
        for (code, expected) in [
            ("QPS_LIMIT_CONTROL", ErrorCode::RateLimitExceeded),
            (
                "SMS_SECURITY_INTERCEPTED",
                ErrorCode::InvalidRequestParameters,
            ),
            ("SMS_CONTENT_CODE_ILLEGAL", ErrorCode::InvalidConfig),
            ("SMS_CONTENT_ILLEGAL", ErrorCode::InvalidConfig),
            ("FORBIDDEN_ACTION", ErrorCode::InvalidConfig),
            ("RAM_PERMISSION_DENY", ErrorCode::InvalidConfig),
            ("PRODUCT_NOT_SUBSCRIBED", ErrorCode::InvalidConfig),
            ("InvalidSecurityToken.Expired", ErrorCode::InvalidConfig),
            ("SYSTEM_ERROR", ErrorCode::General),
        ] {
            assert_eq!(classify(code), expected, "{code}");
        }
        for row in ERRORS {
            assert!(
                row.hint.len() <= 200 && row.hint.ends_with('.'),
                "{}",
                row.code
            );
        }
    }

    #[test]
    fn malformed_answers_are_invalid_response() {
        let bodies = [
            "OK",
            "",
            "[]",
            r#"{"Message":"no code"}"#,
            r#"{"ResponseCode":1}"#,
            r#"{"ResponseCode":"OK","NumberDetail":"HK"}"#,
            r#"{"ResponseCode":"OK","MessageId":5}"#,
        ];
        invalid_responses(&bodies, |body| parse(200, body, &Redactor::none()));
    }

    #[test]
    fn sender_ids() {
        for ok in ["Logto", "A1", "ABCDEFGHIJK", "123456789012345", "1"] {
            assert_eq!(sender_id_problem(ok), None, "{ok}");
        }
        for bad in [
            "",
            "ABCDEFGHIJKL",
            "1234567890123456",
            "Log to",
            "Logto!",
            "中文",
        ] {
            assert!(sender_id_problem(bad).is_some(), "{bad}");
        }
    }
}
