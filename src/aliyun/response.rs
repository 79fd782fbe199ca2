//! Aliyun's JSON answer, for any API: size and shape checks, typed field reads, and the
//! failure an API module builds from an error code. What counts as success and how codes map
//! to connector-kit codes belongs to each API's module.
//!
//! Text from the network is quoted in failures only after the secrets are out of it (the
//! [`Redactor`] the answer is read with) and only then clipped: a clip would cut a secret into a
//! prefix no redaction recognises. An echo of what Aliyun signed is not quoted at all.

use std::borrow::Cow;

use serde_json::{Map, Value};

use crate::aliyun::credential::Redactor;
use crate::error::{lookup, ErrorCode, ErrorRule, Failure};
use crate::issue::type_name;
use crate::limits::{clip_to, MAX_RESPONSE_BYTES};

/// How much of a body that is not Aliyun's JSON an error quotes.
const QUOTED_BODY_CHARS: usize = 200;
/// Aliyun's `Code` and `Message` are short; anything longer is clipped in errors.
const MAX_ALIYUN_TEXT_CHARS: usize = 512;

/// How Aliyun introduces the echo of what it signed when a signature does not match (V1: `server
/// string to sign is:`, V3: the canonical request), lower case. The echo holds every signed
/// parameter, the STS token included, percent-encoded twice.
const ECHO_MARKERS: [&str; 3] = ["string to sign", "stringtosign", "canonical request"];

/// What replaces the echo.
const ECHO_WITHHELD: &str = "[Aliyun's echo of the request it signed is withheld: it repeats the \
    security token. The request signature did not match: check accessKeySecret (the secret of \
    this accessKeyId, nothing added), securityToken when you use STS, and the server clock.]";

/// A parsed answer: a JSON object and the HTTP status it came with.
#[derive(Debug)]
pub struct Answer<'a> {
    api: &'static str,
    status: u16,
    body: &'a str,
    object: Map<String, Value>,
    redactor: &'a Redactor,
}

impl<'a> Answer<'a> {
    /// Parses `body`; anything but a JSON object within the size limit is `invalid_response`.
    /// `redactor` holds the credentials the request was signed with: every quote of the answer
    /// in a failure goes through it.
    pub fn parse(
        api: &'static str,
        status: u16,
        body: &'a str,
        redactor: &'a Redactor,
    ) -> Result<Self, Failure> {
        let invalid = |why: String| invalid_response(status, why);
        if body.len() > MAX_RESPONSE_BYTES {
            return Err(invalid(format!(
                "an answer of {} bytes exceeds the {MAX_RESPONSE_BYTES}-byte limit",
                body.len()
            )));
        }
        let value: Value = serde_json::from_str(body)
            .map_err(|_| invalid(format!("not JSON: {}", quote(body, redactor))))?;
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
            redactor,
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
    /// the failure `table` maps it to (see [`Answer::failure`]).
    pub fn parse_ok(
        api: &'static str,
        status: u16,
        body: &'a str,
        redactor: &'a Redactor,
        table: &'static [ErrorRule],
    ) -> Result<Self, Failure> {
        let answer = Self::parse(api, status, body, redactor)?;
        let code = answer.required_string("Code")?;
        if code == "OK" && answer.is_http_success() {
            return Ok(answer);
        }
        let message = answer.string("Message")?;
        Err(answer.failure(table, &code, message.as_deref()))
    }

    /// The failure for error `code` by an API's `table`: the row's class, and its hint as what
    /// `errorDescription` says to do; a code in no row is `general`. `OK` with an error status is
    /// not an answer Aliyun gives, so neither half is trusted: `invalid_response`.
    pub fn failure(
        &self,
        table: &'static [ErrorRule],
        code: &str,
        message: Option<&str>,
    ) -> Failure {
        if code == "OK" {
            return self.error(ErrorCode::InvalidResponse, code, None, message);
        }
        let rule = lookup(table, code);
        let class = rule.map_or(ErrorCode::General, |rule| rule.class);
        self.error(class, code, rule.map(|rule| rule.hint), message)
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
            .ok_or_else(|| self.invalid(format!("no {key} in {}", quote(self.body, self.redactor))))
    }

    /// The failure for Aliyun error `code`, as `class`. `errorDescription` says what to do
    /// (`hint`), or, for a code without one, what Aliyun said; Aliyun's own `Message` stays in
    /// `data`. `RequestId` is kept so the operator can quote it to Aliyun's support.
    pub fn error(
        &self,
        class: ErrorCode,
        code: &str,
        hint: Option<&str>,
        message: Option<&str>,
    ) -> Failure {
        let code = self.quoted(code);
        let message = message.map(|message| self.quoted(&withhold_echo(message)));
        let description = match (hint, &message) {
            (Some(hint), _) => format!("Aliyun {} failed: {code}: {hint}", self.api),
            (None, Some(message)) => format!("Aliyun {} failed: {code}: {message}", self.api),
            (None, None) => format!("Aliyun {} failed: {code}", self.api),
        };
        let mut failure = Failure::new(class, description).with_status(self.status);
        failure.data.aliyun_code = Some(code);
        failure.data.aliyun_message = message;
        failure.data.request_id = self
            .string("RequestId")
            .ok()
            .flatten()
            .map(|id| self.quoted(&id));
        failure
    }

    /// Aliyun's text for a failure: redacted, then clipped.
    fn quoted(&self, text: &str) -> String {
        clip_to(&self.redactor.redact(text), MAX_ALIYUN_TEXT_CHARS)
    }
}

/// `text` without Aliyun's echo of what it signed: the text before the echo (to its last full
/// sentence), then [`ECHO_WITHHELD`].
fn withhold_echo(text: &str) -> Cow<'_, str> {
    // ASCII lower-casing keeps byte offsets.
    let lower = text.to_ascii_lowercase();
    let Some(at) = ECHO_MARKERS
        .iter()
        .filter_map(|marker| lower.find(marker))
        .min()
    else {
        return Cow::Borrowed(text);
    };
    let before = text.get(..at).unwrap_or_default();
    let kept = match before.rfind(". ") {
        Some(end) => before.get(..=end).unwrap_or_default(),
        None => before,
    };
    Cow::Owned(
        format!("{} {ECHO_WITHHELD}", kept.trim_end())
            .trim_start()
            .to_string(),
    )
}

fn invalid_response(status: u16, why: String) -> Failure {
    Failure::new(
        ErrorCode::InvalidResponse,
        format!("Unexpected answer from Aliyun (HTTP {status}): {why}"),
    )
    .with_status(status)
}

/// A body quoted briefly, for an error message: without a signing echo, control characters
/// blanked and redacted first (blanking after redaction could complete a secret that has spaces),
/// then clipped.
fn quote(body: &str, redactor: &Redactor) -> String {
    let blanked: String = withhold_echo(body.trim())
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let redacted = redactor.redact(&blanked);
    let trimmed = redacted.trim();
    if trimmed.is_empty() {
        return "empty body".into();
    }
    let mut quoted: String = trimmed.chars().take(QUOTED_BODY_CHARS).collect();
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
            let failure = Answer::parse("Test", status, body, &Redactor::none()).unwrap_err();
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
        let none = Redactor::none();
        let answer = Answer::parse("Test", 200, r#"{"A":"x","B":1,"C":null}"#, &none).unwrap();
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
        let none = Redactor::none();
        let body = "x".repeat(10_000);
        let failure = Answer::parse("Test", 500, &body, &none).unwrap_err();
        assert!(failure.data.error_description.len() < 400);
        assert!(failure.data.error_description.ends_with("…\""));
        // Above the limit the body is not even parsed.
        let failure =
            Answer::parse("Test", 200, &"x".repeat(MAX_RESPONSE_BYTES + 1), &none).unwrap_err();
        assert_eq!(failure.code, ErrorCode::InvalidResponse);
        assert!(failure.data.error_description.contains("65536-byte limit"));
    }

    #[test]
    fn parse_ok_accepts_only_ok_with_2xx() {
        const TABLE: &[ErrorRule] = &[ErrorRule {
            code: "Busy",
            prefix: false,
            class: ErrorCode::RateLimitExceeded,
            hint: "Wait.",
        }];
        let none = Redactor::none();
        let parse =
            |status, body: &'static str| Answer::parse_ok("Test", status, body, &none, TABLE);
        let ok = parse(200, r#"{"Code":"OK","X":"y"}"#).unwrap();
        assert_eq!(ok.string("X").unwrap().as_deref(), Some("y"));
        let failure = parse(200, r#"{"Code":"Busy","Message":"m"}"#).unwrap_err();
        assert_eq!(failure.code, ErrorCode::RateLimitExceeded);
        assert_eq!(
            failure.data.error_description,
            "Aliyun Test failed: Busy: Wait."
        );
        assert_eq!(failure.data.aliyun_message.as_deref(), Some("m"));
        let failure = parse(200, r#"{"Code":"Other","Message":"m"}"#).unwrap_err();
        assert_eq!(failure.code, ErrorCode::General);
        assert_eq!(
            failure.data.error_description,
            "Aliyun Test failed: Other: m"
        );
        for (status, body) in [(500, r#"{"Code":"OK"}"#), (200, r#"{"Message":"OK"}"#)] {
            let failure = parse(status, body).unwrap_err();
            assert_eq!(failure.code, ErrorCode::InvalidResponse, "{body}");
        }
    }

    #[test]
    fn errors_name_the_api_and_clip_aliyun_text() {
        let none = Redactor::none();
        let answer = Answer::parse("Test", 400, r#"{"RequestId":"RID"}"#, &none).unwrap();
        let long = "m".repeat(2000);
        let failure = answer.error(ErrorCode::General, "Some.Code", None, Some(&long));
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

    use crate::aliyun::credential::Secret;

    const SECRET: &str = "Sk0123456789abcdefghijklmnopqrstZq";

    fn redactor() -> Redactor {
        Redactor::new([&Secret::new(SECRET.into())])
    }

    /// No 16-byte run of the secret anywhere in the failure.
    fn assert_no_secret(failure: &Failure) {
        let text = serde_json::to_string(failure).unwrap();
        for start in 0..=SECRET.len() - 16 {
            let window = &SECRET[start..start + 16];
            assert!(!text.contains(window), "{window} in {text}");
        }
    }

    /// Redacted first, clipped after: a secret across the clip is gone, not cut in two.
    #[test]
    fn secrets_across_a_clip_are_redacted_whole() {
        let redactor = redactor();
        for before in [
            QUOTED_BODY_CHARS - 10,
            QUOTED_BODY_CHARS - 1,
            QUOTED_BODY_CHARS - 20,
        ] {
            let body = format!("<html>{}{SECRET} and more</html>", "p".repeat(before - 6));
            let failure = Answer::parse("Test", 502, &body, &redactor).unwrap_err();
            assert_no_secret(&failure);
            // What follows the padding is the replacement (or as much of it as the clip keeps).
            assert!(failure.data.error_description.contains("p*"), "{before}");
        }
        for before in [MAX_ALIYUN_TEXT_CHARS - 10, MAX_ALIYUN_TEXT_CHARS - 3] {
            let message = format!("{}{SECRET}", "m".repeat(before));
            let body = serde_json::json!({ "Code": format!("X.{message}"), "Message": message, "RequestId": message })
                .to_string();
            let answer = Answer::parse("Test", 400, &body, &redactor).unwrap();
            let failure = answer.error(
                ErrorCode::General,
                &format!("X.{message}"),
                None,
                Some(&message),
            );
            assert_no_secret(&failure);
            assert!(failure.data.aliyun_message.unwrap().ends_with("***"));
        }
    }

    #[test]
    fn an_echo_of_the_string_to_sign_is_withheld() {
        let redactor = redactor();
        for message in [
            "Specified signature is not matched with our calculation. server string to sign is:POST&%2F&AccessKeyId%3Did%26SecurityToken%3DCAIS%252Bx",
            "Specified signature does not match our calculation. server canonical request is:POST\n/\n...",
            "The request signature does not conform to Aliyun standards. StringToSign: GET&%2F&...",
        ] {
            let body = serde_json::json!({ "Code": "SignatureDoesNotMatch", "Message": message }).to_string();
            let answer = Answer::parse("Test", 400, &body, &redactor).unwrap();
            let failure = answer.error(ErrorCode::InvalidConfig, "SignatureDoesNotMatch", None, Some(message));
            let shown = failure.data.aliyun_message.clone().unwrap();
            assert!(shown.ends_with(ECHO_WITHHELD), "{shown}");
            assert!(!shown.contains("%2F"), "{shown}");
            assert!(shown.starts_with("Specified") || shown.starts_with("The request"), "{shown}");
            assert!(!failure.data.error_description.contains("%2F"));
            // In a body that is not JSON too.
            let failure = Answer::parse("Test", 400, message, &redactor).unwrap_err();
            assert!(!failure.data.error_description.contains("%2F"), "{}", failure.data.error_description);
        }
        assert_eq!(withhold_echo("nothing signed here"), "nothing signed here");
    }

    #[test]
    fn hint_takes_the_place_of_the_message() {
        let none = Redactor::none();
        let answer = Answer::parse("Test", 200, r#"{"RequestId":"RID"}"#, &none).unwrap();
        let failure = answer.error(
            ErrorCode::RateLimitExceeded,
            "Throttling.User",
            Some("Wait."),
            Some("Request was denied"),
        );
        assert_eq!(
            failure.data.error_description,
            "Aliyun Test failed: Throttling.User: Wait."
        );
        assert_eq!(
            failure.data.aliyun_message.as_deref(),
            Some("Request was denied")
        );
        let failure = answer.error(
            ErrorCode::General,
            "Unknown.Code",
            None,
            Some("Aliyun says"),
        );
        assert_eq!(
            failure.data.error_description,
            "Aliyun Test failed: Unknown.Code: Aliyun says"
        );
        let failure = answer.error(ErrorCode::General, "Unknown.Code", None, None);
        assert_eq!(
            failure.data.error_description,
            "Aliyun Test failed: Unknown.Code"
        );
    }

    #[test]
    fn control_characters_cannot_complete_a_secret() {
        let secret = Secret::new("a secret with spaces".into());
        let redactor = Redactor::new([&secret]);
        let failure =
            Answer::parse("Test", 502, "proxy: a\nsecret\twith\rspaces!", &redactor).unwrap_err();
        assert!(
            !failure
                .data
                .error_description
                .contains("a secret with spaces"),
            "{}",
            failure.data.error_description
        );
    }
}
