//! STS (API 2015-04-01): temporary credentials for a RAM role. `AssumeRole` is signed with an
//! AccessKey pair like any other call; `AssumeRoleWithOIDC` is anonymous, the OIDC token being the
//! proof of identity. Both answer `Credentials { AccessKeyId, AccessKeySecret, SecurityToken,
//! Expiration }`.

use serde_json::{Map, Value};

use crate::aliyun::call::{Call, SignedRequest, Timestamp, HTTP_METHOD};
use crate::aliyun::credential::{parse_utc_millis, Credentials, Redactor, Secret, Temporary};
use crate::aliyun::endpoint::Endpoint;
use crate::aliyun::response::Answer;
use crate::aliyun::signature_v1::canonicalized_query;
use crate::error::{lookup, ErrorCode, ErrorRule, Failure};
use crate::limits::{clip, MAX_FIELD_BYTES, MAX_RESPONSE_BYTES, MAX_SECURITY_TOKEN_BYTES};

pub const VERSION: &str = "2015-04-01";
pub const ASSUME_ROLE: &str = "AssumeRole";
pub const ASSUME_ROLE_WITH_OIDC: &str = "AssumeRoleWithOIDC";

/// Names the sessions in the role's audit trail (ActionTrail) when the config names none.
pub const DEFAULT_ROLE_SESSION_NAME: &str = "logto-aliyun-sms";
pub const DEFAULT_DURATION_SECONDS: u32 = 3600;
/// STS's own bounds; a role's maximum session duration may be lower, which STS then reports.
pub const DURATION_RANGE_SECONDS: std::ops::RangeInclusive<u32> = 900..=43_200;
/// STS refuses longer OIDC tokens.
pub const MAX_OIDC_TOKEN_CHARS: usize = 20_000;

/// STS error codes and their connector-kit codes: `data/sts-errors.json`.
pub const ERRORS: &[ErrorRule] = include!(concat!(env!("OUT_DIR"), "/sts_errors.rs"));

/// Which role to assume, and how: shared by both calls.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleSession {
    /// `acs:ram::<account>:role/<name>`.
    pub role_arn: String,
    pub role_session_name: String,
    pub duration_seconds: u32,
    /// A policy (JSON text) that narrows the role's permissions for this session.
    pub policy: Option<String>,
}

impl RoleSession {
    fn parameters<'a>(&'a self, duration: &'a str) -> Vec<(&'static str, &'a str)> {
        let mut parameters = vec![
            ("RoleArn", self.role_arn.as_str()),
            ("RoleSessionName", self.role_session_name.as_str()),
            ("DurationSeconds", duration),
        ];
        if let Some(policy) = &self.policy {
            parameters.push(("Policy", policy.as_str()));
        }
        parameters
    }
}

/// One `AssumeRole` call, signed (by `call::sign`) with the source AccessKey.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssumeRole<'a> {
    session: &'a RoleSession,
    duration: String,
}

impl<'a> AssumeRole<'a> {
    pub fn new(session: &'a RoleSession) -> Self {
        Self {
            session,
            duration: session.duration_seconds.to_string(),
        }
    }

    pub fn call(&self) -> Call<'_> {
        Call {
            action: ASSUME_ROLE,
            version: VERSION,
            parameters: self.session.parameters(&self.duration),
        }
    }
}

/// One `AssumeRoleWithOIDC` call. Not a [`Call`]: it is not signed, and it carries the OIDC token,
/// which a `Call`'s `Debug` would show.
pub struct AssumeRoleWithOidc<'a> {
    pub session: &'a RoleSession,
    /// `acs:ram::<account>:oidc-provider/<name>`.
    pub oidc_provider_arn: &'a str,
    pub oidc_token: &'a Secret,
}

impl AssumeRoleWithOidc<'_> {
    /// The anonymous RPC request: the common parameters an unsigned call needs (no AccessKeyId,
    /// no signature), and the call's own, in a form body, as Alibaba Cloud's credential tools send
    /// it whatever signature version the rest of the traffic uses.
    pub fn request(&self, endpoint: &Endpoint, timestamp: &Timestamp) -> SignedRequest {
        let duration = self.session.duration_seconds.to_string();
        let mut parameters = vec![
            ("Action", ASSUME_ROLE_WITH_OIDC),
            ("Format", "JSON"),
            ("Version", VERSION),
            ("Timestamp", timestamp.as_str()),
            ("OIDCProviderArn", self.oidc_provider_arn),
            ("OIDCToken", self.oidc_token.expose()),
        ];
        parameters.extend(self.session.parameters(&duration));
        SignedRequest {
            method: HTTP_METHOD,
            url: endpoint.to_string(),
            headers: vec![("content-type", "application/x-www-form-urlencoded".into())],
            body: Some(canonicalized_query(&parameters)),
            signature: String::new(),
        }
    }
}

/// The connector-kit code for STS error `code`; unknown codes are `general`.
pub fn classify(code: &str) -> ErrorCode {
    lookup(ERRORS, code).map_or(ErrorCode::General, |rule| rule.class)
}

/// Reads an STS answer (`action` names the call in errors): the temporary credentials, or a typed
/// failure with STS's code, message and a hint. Failures never quote the body, which may hold a
/// secret.
pub fn parse(
    action: &'static str,
    status: u16,
    body: &str,
    redactor: &Redactor,
) -> Result<Temporary, Failure> {
    let answer = json_answer(action, status, body, redactor)?;
    if answer.is_http_success() {
        if let Some(credentials) = answer.get("Credentials") {
            let Value::Object(fields) = credentials else {
                return Err(answer.invalid("Credentials is not an object".into()));
            };
            return read_credentials(fields, "Credentials.").map_err(|why| answer.invalid(why));
        }
    }
    let code = answer.string("Code")?;
    let message = answer.string("Message")?;
    match code {
        Some(code) => Err(answer.failure(ERRORS, &code, message.as_deref())),
        None if answer.is_http_success() => Err(answer.invalid("no Credentials".into())),
        None => Err(answer.invalid("an error without a Code".into())),
    }
}

/// [`Answer::parse`] for an answer that may carry credentials: a body that is not JSON is
/// described by its size only, never quoted (a cut-off answer would show part of a secret).
pub fn json_answer<'a>(
    api: &'static str,
    status: u16,
    body: &'a str,
    redactor: &'a Redactor,
) -> Result<Answer<'a>, Failure> {
    if body.len() <= MAX_RESPONSE_BYTES && serde_json::from_str::<Value>(body).is_err() {
        return Err(Failure::new(
            ErrorCode::InvalidResponse,
            format!(
                "Unexpected answer from Aliyun {api} (HTTP {status}): not JSON ({} bytes)",
                body.len()
            ),
        )
        .with_status(status));
    }
    Answer::parse(api, status, body, redactor)
}

/// `AccessKeyId`, `AccessKeySecret`, `SecurityToken` and `Expiration` from `fields` (STS's
/// `Credentials`, or the metadata service's whole answer). The error names the field (after
/// `prefix`), never its value, except an `Expiration` that is not a time.
pub fn read_credentials(fields: &Map<String, Value>, prefix: &str) -> Result<Temporary, String> {
    let text = |key: &str, max: usize| -> Result<String, String> {
        match fields.get(key) {
            Some(Value::String(value)) if value.is_empty() => {
                Err(format!("{prefix}{key} is empty"))
            }
            Some(Value::String(value)) if value.len() > max => {
                Err(format!("{prefix}{key} is longer than {max} bytes"))
            }
            // Each one goes into a form or a header: printable ASCII without spaces only.
            Some(Value::String(value)) if !value.bytes().all(|b| b.is_ascii_graphic()) => Err(
                format!("{prefix}{key} has characters other than printable ASCII"),
            ),
            Some(Value::String(value)) => Ok(value.clone()),
            Some(_) => Err(format!("{prefix}{key} is not a string")),
            None => Err(format!("no {prefix}{key}")),
        }
    };
    let access_key_id = text("AccessKeyId", MAX_FIELD_BYTES)?;
    let access_key_secret = Secret::new(text("AccessKeySecret", MAX_FIELD_BYTES)?);
    let security_token = Secret::new(text("SecurityToken", MAX_SECURITY_TOKEN_BYTES)?);
    let expiration = text("Expiration", MAX_FIELD_BYTES)?;
    let expires_at_ms = parse_utc_millis(&expiration).ok_or_else(|| {
        format!(
            "{prefix}Expiration is not a UTC time like 2015-04-09T11:52:19Z: '{}'",
            clip(&expiration)
        )
    })?;
    Ok(Temporary {
        credentials: Credentials {
            access_key_id,
            access_key_secret,
            security_token: Some(security_token),
        },
        expires_at_ms,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_fixtures::{exposed, failure};

    fn session(policy: Option<&str>) -> RoleSession {
        RoleSession {
            role_arn: "acs:ram::1234567890123456:role/sms-sender".into(),
            role_session_name: DEFAULT_ROLE_SESSION_NAME.into(),
            duration_seconds: 900,
            policy: policy.map(str::to_string),
        }
    }

    const ANSWER: &str = r#"{
        "RequestId": "6894B13B-6D71-4EF5-88FA-F32781734A7F",
        "AssumedRoleUser": { "Arn": "acs:ram::1234567890123456:role/sms-sender/logto-aliyun-sms", "AssumedRoleId": "3445:logto" },
        "Credentials": {
            "AccessKeyId": "STS.NUgYrLnoC37mZZCNnAbez2",
            "AccessKeySecret": "temporary-secret-value",
            "SecurityToken": "CAIS+temporary/token=",
            "Expiration": "2015-04-09T11:52:19Z"
        }
    }"#;

    #[test]
    fn assume_role_call_carries_the_session() {
        let session = session(None);
        let call = AssumeRole::new(&session);
        assert_eq!(
            call.call(),
            Call {
                action: "AssumeRole",
                version: "2015-04-01",
                parameters: vec![
                    ("RoleArn", "acs:ram::1234567890123456:role/sms-sender"),
                    ("RoleSessionName", "logto-aliyun-sms"),
                    ("DurationSeconds", "900"),
                ],
            }
        );
        let session = self::session(Some(r#"{"Version":"1"}"#));
        let call = AssumeRole::new(&session);
        assert!(call
            .call()
            .parameters
            .contains(&("Policy", r#"{"Version":"1"}"#)));
    }

    #[test]
    fn oidc_request_is_an_unsigned_form() {
        let session = session(Some("{}"));
        let token = Secret::new("eyJhbGciOiJSUzI1NiJ9.payload+/=.sig".into());
        let request = AssumeRoleWithOidc {
            session: &session,
            oidc_provider_arn: "acs:ram::1234567890123456:oidc-provider/ack-rrsa",
            oidc_token: &token,
        }
        .request(
            &Endpoint::parse("https://sts.aliyuncs.com").unwrap(),
            &Timestamp::from_unix_millis(1_700_000_000_000),
        );
        assert_eq!(request.method, "POST");
        assert_eq!(request.url, "https://sts.aliyuncs.com/");
        assert_eq!(
            request.body.as_deref(),
            Some(
                "Action=AssumeRoleWithOIDC&DurationSeconds=900&Format=JSON\
                 &OIDCProviderArn=acs%3Aram%3A%3A1234567890123456%3Aoidc-provider%2Fack-rrsa\
                 &OIDCToken=eyJhbGciOiJSUzI1NiJ9.payload%2B%2F%3D.sig&Policy=%7B%7D\
                 &RoleArn=acs%3Aram%3A%3A1234567890123456%3Arole%2Fsms-sender\
                 &RoleSessionName=logto-aliyun-sms&Timestamp=2023-11-14T22%3A13%3A20Z\
                 &Version=2015-04-01"
            )
        );
        assert!(!request.body.unwrap().contains("Signature"));
        assert!(request.signature.is_empty());
    }

    #[test]
    fn answer_gives_temporary_credentials() {
        let temporary = parse(ASSUME_ROLE, 200, ANSWER, &Redactor::none()).unwrap();
        assert_eq!(
            exposed(&temporary.credentials),
            (
                "STS.NUgYrLnoC37mZZCNnAbez2",
                "temporary-secret-value",
                Some("CAIS+temporary/token=")
            )
        );
        assert_eq!(temporary.expires_at_ms, 1_428_580_339_000);
    }

    #[test]
    fn malformed_credentials_are_invalid_response_without_the_secrets() {
        for (patch, why) in [
            (
                r#""AccessKeySecret": 5"#,
                "Credentials.AccessKeySecret is not a string",
            ),
            (
                r#""SecurityToken": """#,
                "Credentials.SecurityToken is empty",
            ),
            (
                r#""Expiration": "tomorrow""#,
                "Credentials.Expiration is not a UTC time",
            ),
            (
                r#""AccessKeyId": "STS.a b""#,
                "Credentials.AccessKeyId has characters",
            ),
        ] {
            let key = patch.split('"').nth(1).unwrap();
            let body = ANSWER
                .lines()
                .map(|line| {
                    if line.trim_start().starts_with(&format!("\"{key}\"")) {
                        format!("{patch},")
                    } else {
                        line.to_string()
                    }
                })
                .collect::<Vec<_>>()
                .join("\n")
                .replace(",\n        }", "\n        }");
            let failure = parse(ASSUME_ROLE, 200, &body, &Redactor::none()).unwrap_err();
            assert_eq!(failure.code, ErrorCode::InvalidResponse, "{patch}");
            let text = serde_json::to_string(&failure).unwrap();
            assert!(text.contains(why), "{text}");
            assert!(!text.contains("temporary-secret-value"), "{text}");
            assert!(!text.contains("CAIS+temporary"), "{text}");
        }
        let missing =
            parse(ASSUME_ROLE, 200, r#"{"RequestId":"R"}"#, &Redactor::none()).unwrap_err();
        assert_eq!(missing.code, ErrorCode::InvalidResponse);
        let not_object = parse(
            ASSUME_ROLE,
            200,
            r#"{"Credentials":"x"}"#,
            &Redactor::none(),
        )
        .unwrap_err();
        assert_eq!(not_object.code, ErrorCode::InvalidResponse);
        let html = parse(
            ASSUME_ROLE,
            502,
            "<html>Bad Gateway</html>",
            &Redactor::none(),
        )
        .unwrap_err();
        assert_eq!(html.code, ErrorCode::InvalidResponse);
        // A cut-off answer is not quoted: it would show the start of the credentials.
        let cut = parse(
            ASSUME_ROLE,
            200,
            &ANSWER[..ANSWER.len() - 40],
            &Redactor::none(),
        )
        .unwrap_err();
        assert_eq!(cut.code, ErrorCode::InvalidResponse);
        assert_eq!(cut.data.status, Some(200));
        let text = serde_json::to_string(&cut).unwrap();
        assert!(!text.contains("temporary-secret"), "{text}");
        assert!(text.contains("not JSON"), "{text}");
    }

    #[test]
    fn error_codes_map_with_a_hint() {
        for (code, status, class) in [
            ("NoPermission", 403, ErrorCode::InvalidConfig),
            ("EntityNotExist.Role", 404, ErrorCode::InvalidConfig),
            ("EntityNotExist.OIDCProvider", 404, ErrorCode::InvalidConfig),
            (
                "InvalidParameter.RoleSessionName",
                400,
                ErrorCode::InvalidConfig,
            ),
            (
                "InvalidParameter.PolicyGrammar",
                400,
                ErrorCode::InvalidConfig,
            ),
            ("InvalidAccessKeyId.NotFound", 404, ErrorCode::InvalidConfig),
            ("SignatureDoesNotMatch", 400, ErrorCode::InvalidConfig),
            ("MissingSecurityToken", 400, ErrorCode::InvalidConfig),
            (
                "InvalidSecurityToken.Expired",
                400,
                ErrorCode::InvalidConfig,
            ),
            (
                "AuthenticationFail.OIDCToken.Expired",
                400,
                ErrorCode::InvalidConfig,
            ),
            ("Throttling.User", 400, ErrorCode::RateLimitExceeded),
            ("InternalError", 500, ErrorCode::General),
            ("Something.New", 400, ErrorCode::General),
        ] {
            let body = format!(r#"{{"Code":"{code}","Message":"said {code}","RequestId":"RID"}}"#);
            let failure = parse(ASSUME_ROLE, status, &body, &Redactor::none()).unwrap_err();
            assert_eq!(failure.code, class, "{code}");
            assert_eq!(failure.data.aliyun_code.as_deref(), Some(code));
            assert_eq!(failure.data.request_id.as_deref(), Some("RID"));
            assert_eq!(failure.data.status, Some(status));
            // What to do (the row's hint) in the description; Aliyun's own words in `Message`.
            let description = &failure.data.error_description;
            let expected = match lookup(ERRORS, code) {
                Some(rule) => format!("Aliyun AssumeRole failed: {code}: {}", rule.hint),
                None => format!("Aliyun AssumeRole failed: {code}: said {code}"),
            };
            assert_eq!(description, &expected);
            assert_eq!(
                failure.data.aliyun_message.as_deref(),
                Some(format!("said {code}").as_str())
            );
        }
        // An error code wins over an HTTP 200.
        let body = r#"{"Code":"NoPermission"}"#;
        failure(
            parse(ASSUME_ROLE_WITH_OIDC, 200, body, &Redactor::none()),
            ErrorCode::InvalidConfig,
            "Aliyun AssumeRoleWithOIDC failed: NoPermission",
        );
    }
}
