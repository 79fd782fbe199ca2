//! Aliyun's JSON answer, for any API: size and shape checks, typed field reads, and the
//! failure an API module builds from an error code. What counts as success and how codes map
//! to connector-kit codes belongs to each API's module.

use serde_json::{Map, Value};

use crate::error::{ErrorCode, Failure};
use crate::issue::type_name;
use crate::limits::{clip_to, MAX_RESPONSE_BYTES};

/// How much of a body that is not Aliyun's JSON an error quotes.
const QUOTED_BODY_CHARS: usize = 200;
/// Aliyun's `Code` and `Message` are short; anything longer is clipped in errors.
const MAX_ALIYUN_TEXT_CHARS: usize = 512;

/// A parsed answer: a JSON object and the HTTP status it came with.
#[derive(Debug)]
pub struct Answer<'a> {
    api: &'static str,
    status: u16,
    body: &'a str,
    object: Map<String, Value>,
}

impl<'a> Answer<'a> {
    /// Parses `body`; anything but a JSON object within the size limit is `invalid_response`.
    pub fn parse(api: &'static str, status: u16, body: &'a str) -> Result<Self, Failure> {
        let invalid = |why: String| invalid_response(status, why);
        if body.len() > MAX_RESPONSE_BYTES {
            return Err(invalid(format!(
                "an answer of {} bytes exceeds the {MAX_RESPONSE_BYTES}-byte limit",
                body.len()
            )));
        }
        let value: Value = serde_json::from_str(body)
            .map_err(|_| invalid(format!("not JSON: {}", quote(body))))?;
        let Value::Object(object) = value else {
            return Err(invalid(format!(
                "expected a JSON object, received {}",
                type_name(&value)
            )));
        };
        Ok(Self {
            api,
            status,
            body,
            object,
        })
    }

    pub fn status(&self) -> u16 {
        self.status
    }

    /// HTTP 2xx.
    pub fn is_http_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// The raw value at `key`.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.object.get(key)
    }

    /// Parses an answer that succeeds only with `Code: OK` and HTTP 2xx; any other `Code` is
    /// the failure `classify` maps it to. `OK` with an error status is not an answer Aliyun
    /// gives, so neither half is trusted: `invalid_response`.
    pub fn parse_ok(
        api: &'static str,
        status: u16,
        body: &'a str,
        classify: fn(&str) -> ErrorCode,
    ) -> Result<Self, Failure> {
        let answer = Self::parse(api, status, body)?;
        let code = answer.required_string("Code")?;
        if code == "OK" && answer.is_http_success() {
            return Ok(answer);
        }
        let class = if code == "OK" {
            ErrorCode::InvalidResponse
        } else {
            classify(&code)
        };
        let message = answer.string("Message")?;
        Err(answer.error(class, &code, message.as_deref()))
    }

    /// The answer's fields, for APIs that pass them on whole.
    pub fn object(&self) -> &Map<String, Value> {
        &self.object
    }

    /// `invalid_response` for this answer.
    pub fn invalid(&self, why: String) -> Failure {
        invalid_response(self.status, why)
    }

    /// An optional string field; any other type is `invalid_response`.
    pub fn string(&self, key: &str) -> Result<Option<String>, Failure> {
        match self.object.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(other) => Err(self.invalid(format!(
                "{key} should be a string, received {}",
                type_name(other)
            ))),
        }
    }

    /// A string field that must be there.
    pub fn required_string(&self, key: &str) -> Result<String, Failure> {
        self.string(key)?
            .ok_or_else(|| self.invalid(format!("no {key} in {}", quote(self.body))))
    }

    /// The failure for Aliyun error `code` (with its `message`), as `class`. Aliyun's texts are
    /// clipped; `RequestId` is kept so the operator can quote it to Aliyun's support.
    pub fn error(&self, class: ErrorCode, code: &str, message: Option<&str>) -> Failure {
        let code = clip_to(code, MAX_ALIYUN_TEXT_CHARS);
        let message = message.map(|message| clip_to(message, MAX_ALIYUN_TEXT_CHARS));
        let description = match &message {
            Some(message) => format!("Aliyun {} failed: {code}: {message}", self.api),
            None => format!("Aliyun {} failed: {code}", self.api),
        };
        let mut failure = Failure::new(class, description).with_status(self.status);
        failure.data.aliyun_code = Some(code);
        failure.data.aliyun_message = message;
        failure.data.request_id = self.string("RequestId").ok().flatten();
        failure
    }
}

fn invalid_response(status: u16, why: String) -> Failure {
    Failure::new(
        ErrorCode::InvalidResponse,
        format!("Unexpected answer from Aliyun (HTTP {status}): {why}"),
    )
    .with_status(status)
}

/// A body quoted briefly, control characters blanked, for an error message.
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

    #[test]
    fn unexpected_bodies_are_invalid_response_with_status() {
        for (status, body) in [
            (500, "<html><body>Internal Server Error</body></html>"),
            (200, r#"{"Code":"OK","Message":"#),
            (200, ""),
            (200, "[1,2]"),
            (200, "null"),
            (502, "Bad Gateway"),
        ] {
            let failure = Answer::parse("Test", status, body).unwrap_err();
            assert_eq!(failure.code, ErrorCode::InvalidResponse, "{body}");
            assert_eq!(failure.data.status, Some(status));
            assert!(
                failure
                    .data
                    .error_description
                    .starts_with(&format!("Unexpected answer from Aliyun (HTTP {status}): ")),
                "{}",
                failure.data.error_description
            );
        }
    }

    #[test]
    fn fields_are_typed() {
        let answer = Answer::parse("Test", 200, r#"{"A":"x","B":1,"C":null}"#).unwrap();
        assert_eq!(answer.string("A").unwrap().as_deref(), Some("x"));
        assert_eq!(answer.string("C").unwrap(), None);
        assert_eq!(answer.string("D").unwrap(), None);
        let wrong = answer.string("B").unwrap_err();
        assert_eq!(wrong.code, ErrorCode::InvalidResponse);
        assert!(wrong
            .data
            .error_description
            .ends_with("B should be a string, received number"));
        let missing = answer.required_string("D").unwrap_err();
        assert!(missing.data.error_description.contains("no D in"));
    }

    #[test]
    fn long_bodies_are_quoted_briefly() {
        let body = "x".repeat(10_000);
        let failure = Answer::parse("Test", 500, &body).unwrap_err();
        assert!(failure.data.error_description.len() < 400);
        assert!(failure.data.error_description.ends_with("…\""));
        // Above the limit the body is not even parsed.
        let failure = Answer::parse("Test", 200, &"x".repeat(MAX_RESPONSE_BYTES + 1)).unwrap_err();
        assert_eq!(failure.code, ErrorCode::InvalidResponse);
        assert!(failure.data.error_description.contains("65536-byte limit"));
    }

    #[test]
    fn parse_ok_accepts_only_ok_with_2xx() {
        let classify = |_: &str| ErrorCode::RateLimitExceeded;
        let ok = Answer::parse_ok("Test", 200, r#"{"Code":"OK","X":"y"}"#, classify).unwrap();
        assert_eq!(ok.string("X").unwrap().as_deref(), Some("y"));
        let failure = Answer::parse_ok("Test", 200, r#"{"Code":"Busy","Message":"m"}"#, classify)
            .unwrap_err();
        assert_eq!(failure.code, ErrorCode::RateLimitExceeded);
        assert_eq!(
            failure.data.error_description,
            "Aliyun Test failed: Busy: m"
        );
        for (status, body) in [(500, r#"{"Code":"OK"}"#), (200, r#"{"Message":"OK"}"#)] {
            let failure = Answer::parse_ok("Test", status, body, classify).unwrap_err();
            assert_eq!(failure.code, ErrorCode::InvalidResponse, "{body}");
        }
    }

    #[test]
    fn errors_name_the_api_and_clip_aliyun_text() {
        let answer = Answer::parse("Test", 400, r#"{"RequestId":"RID"}"#).unwrap();
        let long = "m".repeat(2000);
        let failure = answer.error(ErrorCode::General, "Some.Code", Some(&long));
        assert!(failure
            .data
            .error_description
            .starts_with("Aliyun Test failed: Some.Code: mmm"));
        assert_eq!(
            failure
                .data
                .aliyun_message
                .as_deref()
                .map(|m| m.chars().count()),
            Some(MAX_ALIYUN_TEXT_CHARS + 1)
        );
        assert_eq!(failure.data.request_id.as_deref(), Some("RID"));
        assert_eq!(failure.data.status, Some(400));
    }
}
