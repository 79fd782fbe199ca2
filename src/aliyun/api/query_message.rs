//! `QueryMessage` (API 2018-05-01, Alibaba Cloud's international site): the delivery report of
//! one `SendMessageToGlobe` message. Read-only and free; the doctor asks it about an id that no
//! message has, only to learn whether the route's key gets past Aliyun's gate.
//!
//! As with `SendMessageToGlobe`, an answer about the message comes as HTTP 200 with a
//! `ResponseCode`, and a refused request (signature, key, RAM) in the common `Code`/`Message`
//! envelope with an error status.

use crate::aliyun::api::send_message_to_globe::ERRORS;
use crate::aliyun::call::Call;
use crate::aliyun::credential::Redactor;
use crate::aliyun::response::Answer;
use crate::error::Failure;

pub const ACTION: &str = "QueryMessage";
pub const VERSION: &str = "2018-05-01";
/// The RAM action a key needs to make this call.
pub const PERMISSION: &str = "dysms:QueryMessage";

/// The parameters of one query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryMessage {
    /// The `MessageId` `SendMessageToGlobe` answered with.
    pub message_id: String,
}

impl QueryMessage {
    pub fn call(&self) -> Call<'_> {
        Call {
            action: ACTION,
            version: VERSION,
            parameters: vec![("MessageId", self.message_id.as_str())],
        }
    }
}

/// An answer that got past the gate: Aliyun looked the message up, whatever it found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageReport {
    /// `OK`, or why there is no report (e.g. no such message).
    pub response_code: String,
}

/// Reads the answer. Any code with HTTP 2xx is an answer about the message (`Ok`); an error
/// status is a failure carrying Aliyun's code, mapped like `SendMessageToGlobe`'s (the same
/// site, the same codes). `redactor` holds the credentials the request was signed with.
pub fn parse(status: u16, body: &str, redactor: &Redactor) -> Result<MessageReport, Failure> {
    let answer = Answer::parse(ACTION, status, body, redactor)?;
    let code = match answer.string("ResponseCode")? {
        Some(code) => code,
        None => answer.required_string("Code")?,
    };
    if answer.is_http_success() {
        return Ok(MessageReport {
            response_code: code,
        });
    }
    // Refusals come in the common envelope: `Message` says why.
    let message = answer.string("Message")?;
    Err(answer.failure(ERRORS, &code, message.as_deref()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;
    use crate::test_fixtures::{failure, invalid_responses};

    fn parse(status: u16, body: &str) -> Result<MessageReport, Failure> {
        super::parse(status, body, &Redactor::none())
    }

    #[test]
    fn call_names_the_message() {
        let query = QueryMessage {
            message_id: "0".into(),
        };
        assert_eq!(
            query.call(),
            Call {
                action: "QueryMessage",
                version: "2018-05-01",
                parameters: vec![("MessageId", "0")],
            }
        );
    }

    #[test]
    fn any_answer_about_the_message_is_ok() {
        let found = parse(200, r#"{"ResponseCode":"OK","Status":"1","RequestId":"R"}"#);
        assert_eq!(found.unwrap().response_code, "OK");
        let missing = parse(
            200,
            r#"{"ResponseCode":"DATA_NOT_EXIST","ResponseDescription":"no such message"}"#,
        );
        assert_eq!(missing.unwrap().response_code, "DATA_NOT_EXIST");
        assert_eq!(
            parse(200, r#"{"Code":"OK","RequestId":"R"}"#)
                .unwrap()
                .response_code,
            "OK"
        );
    }

    #[test]
    fn a_refused_request_keeps_aliyun_code() {
        let body = r#"{"Code":"SignatureDoesNotMatch","Message":"no match","RequestId":"R9"}"#;
        let failure = failure(
            parse(400, body),
            ErrorCode::InvalidConfig,
            "Aliyun QueryMessage failed: SignatureDoesNotMatch",
        );
        assert_eq!(
            failure.data.aliyun_code.as_deref(),
            Some("SignatureDoesNotMatch")
        );
        assert_eq!(failure.data.request_id.as_deref(), Some("R9"));
        assert_eq!(failure.data.status, Some(400));
        let denied = parse(403, r#"{"Code":"Forbidden.RAM","Message":"no"}"#).unwrap_err();
        assert_eq!(denied.data.aliyun_code.as_deref(), Some("Forbidden.RAM"));
    }

    #[test]
    fn answers_that_are_not_aliyun_json_are_invalid_responses() {
        invalid_responses(&["OK", "{}", r#"{"ResponseCode":7}"#], |body| {
            parse(200, body)
        });
    }
}
