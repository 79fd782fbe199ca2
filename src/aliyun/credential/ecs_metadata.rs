//! The ECS instance metadata service, in its security hardening mode (IMDSv2): a session token
//! from `PUT latest/api/token`, then the RAM role's temporary credentials from
//! `GET latest/meta-data/ram/security-credentials/<role>` (and, when no role is configured, the
//! role's name from the same path without it).
//!
//! Not a signed Aliyun call: plain requests, described here as values for the boundary to send,
//! and their answers read into typed results.

use std::fmt;

use crate::aliyun::api::sts::{json_answer, read_credentials};
use crate::aliyun::credential::{Redactor, Secret, Temporary};
use crate::aliyun::endpoint::Endpoint;
use crate::error::{ErrorCode, Failure};

/// How long the metadata token lives. It is used for the two or three requests of one refresh
/// and then dropped, so a short life leaves little to steal; the service allows 1 to 21600.
pub const TOKEN_TTL_SECONDS: &str = "300";
pub const TOKEN_TTL_HEADER: &str = "x-aliyun-ecs-metadata-token-ttl-seconds";
pub const TOKEN_HEADER: &str = "x-aliyun-ecs-metadata-token";
const TOKEN_PATH: &str = "latest/api/token";
const ROLES_PATH: &str = "latest/meta-data/ram/security-credentials/";
/// A metadata token is a few dozen characters; anything far longer is not one.
const MAX_TOKEN_BYTES: usize = 4096;
/// RAM role names: letters, digits, `.`, `_` and `-`, at most 64 characters.
pub const MAX_ROLE_NAME_CHARS: usize = 64;

/// One request to the metadata service. `Debug` lists header names only: one is the token.
#[derive(Clone, PartialEq, Eq)]
pub struct Request {
    pub method: &'static str,
    pub url: String,
    pub headers: Vec<(&'static str, String)>,
}

impl fmt::Debug for Request {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.headers.iter().map(|(name, _)| *name).collect();
        f.debug_struct("Request")
            .field("method", &self.method)
            .field("url", &self.url)
            .field("headers", &names)
            .finish()
    }
}

/// Whether `name` can be a RAM role name (and so goes into a URL path unescaped).
pub fn is_role_name(name: &str) -> bool {
    !name.is_empty()
        && name.chars().count() <= MAX_ROLE_NAME_CHARS
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

fn url(endpoint: &Endpoint, path: &str) -> String {
    let mut url = endpoint.to_string();
    if !url.ends_with('/') {
        url.push('/');
    }
    url.push_str(path);
    url
}

/// Step 1: a session token.
pub fn token_request(endpoint: &Endpoint) -> Request {
    Request {
        method: "PUT",
        url: url(endpoint, TOKEN_PATH),
        headers: vec![(TOKEN_TTL_HEADER, TOKEN_TTL_SECONDS.into())],
    }
}

/// Step 2, when no `roleName` is configured: the name of the role attached to the instance.
pub fn role_name_request(endpoint: &Endpoint, token: &Secret) -> Request {
    Request {
        method: "GET",
        url: url(endpoint, ROLES_PATH),
        headers: vec![(TOKEN_HEADER, token.expose().into())],
    }
}

/// Step 3: the role's credentials. `role_name` must pass [`is_role_name`].
pub fn credentials_request(endpoint: &Endpoint, role_name: &str, token: &Secret) -> Request {
    Request {
        method: "GET",
        url: url(endpoint, &format!("{ROLES_PATH}{role_name}")),
        headers: vec![(TOKEN_HEADER, token.expose().into())],
    }
}

/// The failure for an HTTP error status; `not_found` says what a 404 means for this request.
fn status_failure(status: u16, not_found: &str) -> Failure {
    let (code, why) = match status {
        404 => (ErrorCode::InvalidConfig, not_found.to_string()),
        // The service refuses requests that came through a proxy, and tokens it did not issue.
        401 | 403 => (
            ErrorCode::InvalidConfig,
            "access denied: the metadata service answers only requests made from inside the \
             instance, without a proxy, in security hardening mode"
                .to_string(),
        ),
        500..=599 => (
            ErrorCode::General,
            "the metadata service failed; retry later".to_string(),
        ),
        _ => (
            ErrorCode::InvalidResponse,
            "an unexpected status from the metadata service".to_string(),
        ),
    };
    Failure::new(
        code,
        format!("ECS metadata service answered HTTP {status}: {why}"),
    )
    .with_status(status)
}

/// Reads the token answer (the body is the token).
pub fn parse_token(status: u16, body: &str) -> Result<Secret, Failure> {
    if status != 200 {
        return Err(status_failure(
            status,
            "it issues no session tokens: this is not an ECS instance, or its metadata service \
             has no security hardening mode",
        ));
    }
    let token = body.trim();
    if token.is_empty()
        || token.len() > MAX_TOKEN_BYTES
        || !token.bytes().all(|b| b.is_ascii_graphic())
    {
        return Err(Failure::new(
            ErrorCode::InvalidResponse,
            format!(
                "ECS metadata service answered HTTP 200 with something other than a session \
                 token ({} bytes)",
                body.len()
            ),
        )
        .with_status(status));
    }
    Ok(Secret::new(token.to_string()))
}

/// Reads the role listing: the first name in it.
pub fn parse_role_name(status: u16, body: &str) -> Result<String, Failure> {
    let none = "no RAM role is attached to this ECS instance: attach one, or set roleName";
    if status != 200 {
        return Err(status_failure(status, none));
    }
    let Some(name) = body.lines().map(str::trim).find(|line| !line.is_empty()) else {
        return Err(Failure::new(
            ErrorCode::InvalidConfig,
            format!("ECS metadata service answered HTTP 200: {none}"),
        )
        .with_status(status));
    };
    if !is_role_name(name) {
        return Err(Failure::new(
            ErrorCode::InvalidResponse,
            "ECS metadata service listed a role name that is not one (letters, digits, '.', '_' \
             and '-', at most 64)",
        )
        .with_status(status));
    }
    Ok(name.to_string())
}

/// Reads the role's credentials: `{ Code: "Success", AccessKeyId, AccessKeySecret,
/// SecurityToken, Expiration, LastUpdated }`.
pub fn parse_credentials(
    role_name: &str,
    status: u16,
    body: &str,
    redactor: &Redactor,
) -> Result<Temporary, Failure> {
    if status != 200 {
        return Err(status_failure(
            status,
            &format!(
                "no RAM role named {role_name} is attached to this ECS instance: check roleName"
            ),
        ));
    }
    let answer = json_answer("ECS metadata credentials", status, body, redactor)?;
    match answer.string("Code")?.as_deref() {
        None | Some("Success") => {}
        Some(code) => {
            return Err(Failure::new(
                ErrorCode::General,
                format!(
                    "ECS metadata service could not get credentials for role {role_name}: \
                     Code {}",
                    crate::limits::clip(code)
                ),
            )
            .with_status(status))
        }
    }
    read_credentials(answer.object(), "").map_err(|why| answer.invalid(why))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_fixtures::exposed;

    fn endpoint(text: &str) -> Endpoint {
        Endpoint::parse_metadata(text).unwrap()
    }

    #[test]
    fn requests_follow_hardening_mode() {
        let default = endpoint(crate::aliyun::endpoint::DEFAULT_ECS_METADATA_ENDPOINT);
        let token = Secret::new("AAAAmetadata-token==".into());
        assert_eq!(
            token_request(&default),
            Request {
                method: "PUT",
                url: "http://100.100.100.200/latest/api/token".into(),
                headers: vec![("x-aliyun-ecs-metadata-token-ttl-seconds", "300".into())],
            }
        );
        assert_eq!(
            role_name_request(&default, &token),
            Request {
                method: "GET",
                url: "http://100.100.100.200/latest/meta-data/ram/security-credentials/".into(),
                headers: vec![("x-aliyun-ecs-metadata-token", "AAAAmetadata-token==".into())],
            }
        );
        let proxied = endpoint("http://127.0.0.1:8080/metadata");
        let request = credentials_request(&proxied, "SmsSender", &token);
        assert_eq!(
            request.url,
            "http://127.0.0.1:8080/metadata/latest/meta-data/ram/security-credentials/SmsSender"
        );
        let debug = format!("{request:?}");
        assert!(!debug.contains("metadata-token=="), "{debug}");
        assert!(debug.contains("x-aliyun-ecs-metadata-token"), "{debug}");
    }

    #[test]
    fn role_names() {
        for name in ["SmsSender", "ecs-role.v2_a", &"r".repeat(64)] {
            assert!(is_role_name(name), "{name}");
        }
        for name in ["", "a/b", "a b", "../x", "é", &"r".repeat(65), "a?b"] {
            assert!(!is_role_name(name), "{name}");
        }
    }

    #[test]
    fn token_answers() {
        assert_eq!(parse_token(200, "tok-123\n").unwrap().expose(), "tok-123");
        for (status, body, code) in [
            (200, "", ErrorCode::InvalidResponse),
            (200, "two words", ErrorCode::InvalidResponse),
            (403, "Forbidden", ErrorCode::InvalidConfig),
            (404, "Not Found", ErrorCode::InvalidConfig),
            (500, "", ErrorCode::General),
            (302, "", ErrorCode::InvalidResponse),
        ] {
            let failure = parse_token(status, body).unwrap_err();
            assert_eq!(failure.code, code, "{status} {body}");
            assert_eq!(failure.data.status, Some(status));
        }
    }

    #[test]
    fn role_listing() {
        assert_eq!(parse_role_name(200, "SmsSender\n").unwrap(), "SmsSender");
        assert_eq!(parse_role_name(200, "\n  First\nSecond").unwrap(), "First");
        let none = parse_role_name(200, " \n").unwrap_err();
        assert_eq!(none.code, ErrorCode::InvalidConfig);
        assert!(none
            .data
            .error_description
            .contains("no RAM role is attached"));
        assert_eq!(
            parse_role_name(404, "").unwrap_err().code,
            ErrorCode::InvalidConfig
        );
        assert_eq!(
            parse_role_name(200, "../../etc").unwrap_err().code,
            ErrorCode::InvalidResponse
        );
    }

    #[test]
    fn credential_answers() {
        let body = r#"{"AccessKeyId":"STS.ecs","AccessKeySecret":"ecs-temporary-secret",
            "Expiration":"2023-11-14T22:13:20Z","SecurityToken":"CAIS-ecs-token",
            "LastUpdated":"2023-11-14T16:13:20Z","Code":"Success"}"#;
        let temporary = parse_credentials("SmsSender", 200, body, &Redactor::none()).unwrap();
        assert_eq!(
            exposed(&temporary.credentials),
            ("STS.ecs", "ecs-temporary-secret", Some("CAIS-ecs-token"))
        );
        assert_eq!(temporary.expires_at_ms, 1_700_000_000_000);

        let unknown =
            parse_credentials("Nope", 404, "<html>404</html>", &Redactor::none()).unwrap_err();
        assert_eq!(unknown.code, ErrorCode::InvalidConfig);
        assert!(unknown
            .data
            .error_description
            .contains("no RAM role named Nope"));
        let failed =
            parse_credentials("R", 200, r#"{"Code":"Failed"}"#, &Redactor::none()).unwrap_err();
        assert_eq!(failed.code, ErrorCode::General);
        let partial = parse_credentials(
            "R",
            200,
            r#"{"Code":"Success","AccessKeyId":"a"}"#,
            &Redactor::none(),
        )
        .unwrap_err();
        assert_eq!(partial.code, ErrorCode::InvalidResponse);
        let cut = parse_credentials("R", 200, &body[..60], &Redactor::none()).unwrap_err();
        assert_eq!(cut.code, ErrorCode::InvalidResponse);
        assert!(!format!("{cut:?}").contains("ecs-temporary"));
    }
}
