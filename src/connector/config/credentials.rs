//! The credential fields of a config: `credentialType` and the flat fields each type uses.
//!
//! Logto's form is flat, so every type's fields sit side by side; the fields a type does not use
//! are ignored (neither checked nor returned). As everywhere in the config, `""` and `null` mean
//! "not given" (Logto runs configs through `clean-deep`, which drops them).

use serde_json::{json, Map, Value};

use super::Checker;
use crate::aliyun::api::sts::{
    RoleSession, DEFAULT_DURATION_SECONDS, DEFAULT_ROLE_SESSION_NAME, DURATION_RANGE_SECONDS,
};
use crate::aliyun::credential::ecs_metadata::{is_role_name, MAX_ROLE_NAME_CHARS};
use crate::aliyun::credential::provider::{CredentialSource, CredentialType};
use crate::aliyun::credential::{Credentials, Secret};
use crate::aliyun::endpoint::{Endpoint, DEFAULT_ECS_METADATA_ENDPOINT, DEFAULT_STS_ENDPOINT};
use crate::connector::check;
use crate::issue::{IssueCode, PathSegment};

/// STS limits a session policy to 2048 characters.
pub const MAX_POLICY_BYTES: usize = 2048;
/// A file path: generous, but bounded like every other field.
pub const MAX_PATH_BYTES: usize = 4096;
/// STS's rule for `RoleSessionName`.
const ROLE_SESSION_NAME_CHARS: std::ops::RangeInclusive<usize> = 2..=64;

impl Checker {
    /// The credential source, or `None` with the problems reported.
    pub(super) fn credential_source(
        &mut self,
        object: &Map<String, Value>,
    ) -> Option<CredentialSource> {
        let kind = self.credential_type(object)?;
        match kind {
            CredentialType::AccessKey => self.access_key(object).map(CredentialSource::AccessKey),
            CredentialType::RamRoleArn => {
                let source = self.access_key(object);
                let session = self.role_session(object);
                let sts_endpoint = self.sts_endpoint(object);
                Some(CredentialSource::RamRoleArn {
                    source: source?,
                    session: session?,
                    sts_endpoint: sts_endpoint?,
                })
            }
            CredentialType::OidcRoleArn => {
                let session = self.role_session(object);
                let oidc_provider_arn = self.arn(object, "oidcProviderArn", ":oidc-provider/");
                let oidc_token_file = self.oidc_token_file(object);
                let sts_endpoint = self.sts_endpoint(object);
                Some(CredentialSource::OidcRoleArn {
                    session: session?,
                    oidc_provider_arn: oidc_provider_arn?,
                    oidc_token_file: oidc_token_file?,
                    sts_endpoint: sts_endpoint?,
                })
            }
            CredentialType::EcsRamRole => {
                let role_name = self.role_name(object);
                let metadata_endpoint = self.endpoint(
                    object,
                    "ecsMetadataEndpoint",
                    DEFAULT_ECS_METADATA_ENDPOINT,
                    Endpoint::parse_metadata,
                );
                Some(CredentialSource::EcsRamRole {
                    role_name: role_name?,
                    metadata_endpoint: metadata_endpoint?,
                })
            }
        }
    }

    fn credential_type(&mut self, object: &Map<String, Value>) -> Option<CredentialType> {
        let text = self.optional_text(object, "credentialType")?;
        let Some(text) = text else {
            return Some(CredentialType::AccessKey);
        };
        let kind = CredentialType::parse(&text);
        if kind.is_none() {
            let expected: Vec<String> = CredentialType::ALL
                .iter()
                .map(|kind| format!("'{}'", kind.as_str()))
                .collect();
            self.report(
                IssueCode::InvalidEnumValue,
                &["credentialType".into()],
                format!(
                    "Expected {}, received {}",
                    expected.join(" | "),
                    check::quoted(&text)
                ),
            );
        }
        kind
    }

    /// `accessKeyId`, `accessKeySecret` and the optional `securityToken`.
    fn access_key(&mut self, object: &Map<String, Value>) -> Option<Credentials> {
        let access_key_id = self.required_string(object, "accessKeyId");
        let access_key_secret = self.required_string(object, "accessKeySecret");
        let security_token = self.security_token(object);
        Some(Credentials {
            access_key_id: access_key_id?,
            access_key_secret: Secret::new(access_key_secret?),
            security_token: security_token?,
        })
    }

    fn role_session(&mut self, object: &Map<String, Value>) -> Option<RoleSession> {
        let role_arn = self.arn(object, "roleArn", ":role/");
        let role_session_name = self.role_session_name(object);
        let duration_seconds = self.duration_seconds(object);
        let policy = self.policy(object);
        Some(RoleSession {
            role_arn: role_arn?,
            role_session_name: role_session_name?,
            duration_seconds: duration_seconds?,
            policy: policy?,
        })
    }

    /// A required ARN of a RAM resource: `acs:ram::<account>` then `kind` (`:role/`, …).
    fn arn(&mut self, object: &Map<String, Value>, key: &str, kind: &str) -> Option<String> {
        let arn = self.required_string(object, key)?;
        let well_formed = arn.starts_with("acs:ram::")
            && arn.contains(kind)
            && !arn.ends_with('/')
            && arn.bytes().all(|b| b.is_ascii_graphic());
        if well_formed {
            Some(arn)
        } else {
            let name = kind.trim_matches([':', '/']);
            self.refuse(
                IssueCode::InvalidString,
                &[key.into()],
                format!("Expected an ARN like acs:ram::<account-id>:{name}/<{name}-name>"),
            )
        }
    }

    /// `"" | null | missing` → the default. Otherwise the characters and length STS accepts.
    fn role_session_name(&mut self, object: &Map<String, Value>) -> Option<String> {
        let name = self.optional_text(object, "roleSessionName")?;
        let Some(name) = name else {
            return Some(DEFAULT_ROLE_SESSION_NAME.into());
        };
        let valid = ROLE_SESSION_NAME_CHARS.contains(&name.len())
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '@' | '-' | '_'));
        if valid {
            Some(name)
        } else {
            self.refuse(
                IssueCode::InvalidString,
                &["roleSessionName".into()],
                format!(
                    "Expected {} to {} letters, digits, '.', '@', '-' or '_'",
                    ROLE_SESSION_NAME_CHARS.start(),
                    ROLE_SESSION_NAME_CHARS.end()
                ),
            )
        }
    }

    fn duration_seconds(&mut self, object: &Map<String, Value>) -> Option<u32> {
        let value = match object.get("durationSeconds") {
            None | Some(Value::Null) => return Some(DEFAULT_DURATION_SECONDS),
            Some(Value::String(s)) if s.trim().is_empty() => return Some(DEFAULT_DURATION_SECONDS),
            Some(value) => value,
        };
        let duration = check::whole_number(
            value,
            DURATION_RANGE_SECONDS,
            "seconds",
            "Expected a whole number of seconds",
        );
        self.checked(&["durationSeconds".into()], duration)
    }

    /// JSON text of an object, or the object itself (a JSON form field): kept as compact text.
    fn policy(&mut self, object: &Map<String, Value>) -> Option<Option<String>> {
        let path: [PathSegment; 1] = ["policy".into()];
        let text = match object.get("policy") {
            None | Some(Value::Null) => return Some(None),
            Some(Value::Object(policy)) if policy.is_empty() => return Some(None),
            Some(Value::Object(policy)) => Value::Object(policy.clone()).to_string(),
            Some(Value::String(text)) if text.trim().is_empty() => return Some(None),
            Some(Value::String(text)) => match serde_json::from_str::<Value>(text) {
                Ok(Value::Object(_)) => text.trim().to_string(),
                _ => {
                    return self.refuse(
                        IssueCode::InvalidString,
                        &path,
                        "Expected the JSON text of a RAM policy object",
                    )
                }
            },
            Some(other) => {
                let expected = check::expected("a RAM policy (JSON text or object)", other);
                return self.refused(&path, expected);
            }
        };
        if text.len() > MAX_POLICY_BYTES {
            return self.refuse(
                IssueCode::TooBig,
                &path,
                format!(
                    "Must be at most {MAX_POLICY_BYTES} bytes, received {}",
                    text.len()
                ),
            );
        }
        Some(Some(text))
    }

    fn oidc_token_file(&mut self, object: &Map<String, Value>) -> Option<Option<String>> {
        let path = self.optional_text(object, "oidcTokenFile")?;
        match path {
            Some(path) if path.len() > MAX_PATH_BYTES => self.refuse(
                IssueCode::TooBig,
                &["oidcTokenFile".into()],
                format!("Must be at most {MAX_PATH_BYTES} bytes"),
            ),
            Some(path) if path.chars().any(char::is_control) => self.refuse(
                IssueCode::InvalidString,
                &["oidcTokenFile".into()],
                "Must not contain control characters",
            ),
            path => Some(path),
        }
    }

    fn role_name(&mut self, object: &Map<String, Value>) -> Option<Option<String>> {
        let name = self.optional_text(object, "roleName")?;
        match name {
            Some(name) if !is_role_name(&name) => self.refuse(
                IssueCode::InvalidString,
                &["roleName".into()],
                format!(
                    "Expected a RAM role name: 1 to {MAX_ROLE_NAME_CHARS} letters, digits, \
                     '.', '_' or '-'"
                ),
            ),
            name => Some(name),
        }
    }

    fn sts_endpoint(&mut self, object: &Map<String, Value>) -> Option<Endpoint> {
        self.endpoint(object, "stsEndpoint", DEFAULT_STS_ENDPOINT, Endpoint::parse)
    }
}

/// The credential fields of a parsed config, every default filled in (`credentialType`
/// included), into `object`.
pub(super) fn write_json(source: &CredentialSource, object: &mut Map<String, Value>) {
    let kind = source.credential_type();
    object.insert("credentialType".into(), json!(kind.as_str()));
    if let Some(credentials) = source.access_key() {
        object.insert("accessKeyId".into(), json!(credentials.access_key_id));
        object.insert(
            "accessKeySecret".into(),
            json!(credentials.access_key_secret.expose()),
        );
        if let Some(token) = &credentials.security_token {
            object.insert("securityToken".into(), json!(token.expose()));
        }
    }
    match source {
        CredentialSource::AccessKey(_) => {}
        CredentialSource::RamRoleArn {
            session,
            sts_endpoint,
            ..
        } => {
            write_session(session, object);
            object.insert("stsEndpoint".into(), json!(sts_endpoint.to_string()));
        }
        CredentialSource::OidcRoleArn {
            session,
            oidc_provider_arn,
            oidc_token_file,
            sts_endpoint,
        } => {
            write_session(session, object);
            object.insert("oidcProviderArn".into(), json!(oidc_provider_arn));
            if let Some(file) = oidc_token_file {
                object.insert("oidcTokenFile".into(), json!(file));
            }
            object.insert("stsEndpoint".into(), json!(sts_endpoint.to_string()));
        }
        CredentialSource::EcsRamRole {
            role_name,
            metadata_endpoint,
        } => {
            if let Some(name) = role_name {
                object.insert("roleName".into(), json!(name));
            }
            object.insert(
                "ecsMetadataEndpoint".into(),
                json!(metadata_endpoint.to_string()),
            );
        }
    }
}

fn write_session(session: &RoleSession, object: &mut Map<String, Value>) {
    object.insert("roleArn".into(), json!(session.role_arn));
    object.insert("roleSessionName".into(), json!(session.role_session_name));
    object.insert("durationSeconds".into(), json!(session.duration_seconds));
    if let Some(policy) = &session.policy {
        object.insert("policy".into(), json!(policy));
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::{validate, Config};
    use super::*;
    use crate::issue::Issue;

    /// The shared fixture without its AccessKey pair: each test gives the fields its type uses.
    fn base() -> Value {
        let mut value = crate::test_fixtures::config();
        if let Some(object) = value.as_object_mut() {
            object.remove("accessKeyId");
            object.remove("accessKeySecret");
        }
        value
    }

    fn with(fields: Value) -> Value {
        let mut value = base();
        for (key, field) in fields.as_object().unwrap() {
            value[key] = field.clone();
        }
        value
    }

    const ROLE: &str = "acs:ram::1234567890123456:role/sms-sender";
    const PROVIDER: &str = "acs:ram::1234567890123456:oidc-provider/ack-rrsa-c1";

    fn ram_role() -> Value {
        with(json!({
            "credentialType": "ram_role_arn",
            "accessKeyId": "LTAI-source",
            "accessKeySecret": "source-secret-value",
            "roleArn": ROLE,
        }))
    }

    fn oidc() -> Value {
        with(
            json!({ "credentialType": "oidc_role_arn", "roleArn": ROLE, "oidcProviderArn": PROVIDER }),
        )
    }

    fn ecs() -> Value {
        with(json!({ "credentialType": "ecs_ram_role" }))
    }

    fn ok(value: &Value) -> Config {
        let config = validate(value).unwrap_or_else(|issues| panic!("{issues:?}"));
        assert_eq!(
            validate(&config.to_json()).as_ref(),
            Ok(&config),
            "round trip"
        );
        config
    }

    fn paths(value: &Value) -> Vec<String> {
        let issues: Vec<Issue> = validate(value).expect_err("should be rejected");
        issues
            .iter()
            .map(|i| serde_json::to_string(&i.path).unwrap())
            .collect()
    }

    fn session() -> RoleSession {
        RoleSession {
            role_arn: ROLE.into(),
            role_session_name: "logto-aliyun-sms".into(),
            duration_seconds: 3600,
            policy: None,
        }
    }

    #[test]
    fn access_key_is_the_default() {
        let value = with(json!({ "accessKeyId": "id", "accessKeySecret": "secret-value" }));
        let config = ok(&value);
        assert_eq!(
            config.credentials.credential_type(),
            CredentialType::AccessKey
        );
        let json = config.to_json();
        assert_eq!(json["credentialType"], "access_key");
        assert_eq!(json["accessKeyId"], "id");
        for empty in [json!(""), json!(null), json!("  ")] {
            let mut explicit = value.clone();
            explicit["credentialType"] = empty;
            assert_eq!(ok(&explicit), config);
        }
        let mut explicit = value.clone();
        explicit["credentialType"] = json!("access_key");
        assert_eq!(ok(&explicit), config);
        // The role fields mean nothing to this type.
        let mut extra = value;
        extra["roleArn"] = json!(5);
        extra["durationSeconds"] = json!("forever");
        assert_eq!(ok(&extra), config);
    }

    #[test]
    fn ram_role_arn_fills_defaults() {
        let config = ok(&ram_role());
        let CredentialSource::RamRoleArn {
            source,
            session: role,
            sts_endpoint,
        } = &config.credentials
        else {
            panic!("{:?}", config.credentials)
        };
        assert_eq!(source.access_key_id, "LTAI-source");
        assert_eq!(source.security_token, None);
        assert_eq!(role, &session());
        assert_eq!(sts_endpoint.to_string(), "https://sts.aliyuncs.com/");
        let json = config.to_json();
        assert_eq!(json["credentialType"], "ram_role_arn");
        assert_eq!(json["roleSessionName"], "logto-aliyun-sms");
        assert_eq!(json["durationSeconds"], 3600);
        assert_eq!(json["stsEndpoint"], "https://sts.aliyuncs.com/");
        assert!(json.get("policy").is_none());
        let debug = format!("{config:?}");
        assert!(!debug.contains("source-secret-value"), "{debug}");
    }

    #[test]
    fn ram_role_arn_reads_every_field() {
        let mut value = ram_role();
        value["securityToken"] = json!("CAIS-source-token");
        value["roleSessionName"] = json!("logto@tenant-1.prod_a");
        value["durationSeconds"] = json!(43_200);
        value["policy"] = json!(r#" {"Version":"1","Statement":[]} "#);
        value["stsEndpoint"] = json!("https://sts.cn-shanghai.aliyuncs.com");
        let config = ok(&value);
        let json = config.to_json();
        assert_eq!(json["securityToken"], "CAIS-source-token");
        assert_eq!(json["roleSessionName"], "logto@tenant-1.prod_a");
        assert_eq!(json["durationSeconds"], 43_200);
        assert_eq!(json["policy"], r#"{"Version":"1","Statement":[]}"#);
        assert_eq!(json["stsEndpoint"], "https://sts.cn-shanghai.aliyuncs.com/");
        // A policy given as an object (a JSON form field) is kept as its text.
        value["policy"] = json!({ "Version": "1", "Statement": [] });
        assert_eq!(
            ok(&value).to_json()["policy"],
            r#"{"Statement":[],"Version":"1"}"#
        );
    }

    #[test]
    fn ram_role_arn_requires_the_source_key_and_the_role() {
        let mut value = with(json!({ "credentialType": "ram_role_arn" }));
        assert_eq!(
            paths(&value),
            [
                r#"["accessKeyId"]"#,
                r#"["accessKeySecret"]"#,
                r#"["roleArn"]"#
            ]
        );
        value["roleArn"] = json!("arn:aws:iam::123:role/x");
        value["accessKeyId"] = json!("id");
        value["accessKeySecret"] = json!("secret-value");
        assert_eq!(paths(&value), [r#"["roleArn"]"#]);
    }

    #[test]
    fn every_bad_role_field_is_reported_at_once() {
        let mut value = ram_role();
        value["roleSessionName"] = json!("has space");
        value["durationSeconds"] = json!(60);
        value["policy"] = json!("[1]");
        value["stsEndpoint"] = json!("http://sts.aliyuncs.com/");
        value["signName"] = json!("");
        assert_eq!(
            paths(&value),
            [
                r#"["roleSessionName"]"#,
                r#"["durationSeconds"]"#,
                r#"["policy"]"#,
                r#"["stsEndpoint"]"#,
                r#"["signName"]"#,
            ]
        );
    }

    #[test]
    fn duration_seconds_bounds_and_types() {
        for (duration, accepted) in [
            (json!(900), Some(900)),
            (json!(43_200), Some(43_200)),
            (json!(3600.0), Some(3600)),
            (json!(""), Some(3600)),
            (json!(null), Some(3600)),
            (json!(899), None),
            (json!(43_201), None),
            (json!(-1), None),
            (json!(1000.5), None),
            (json!("3600"), None),
            (json!(true), None),
            (json!(u64::MAX), None),
        ] {
            let mut value = ram_role();
            value["durationSeconds"] = duration.clone();
            match accepted {
                Some(seconds) => {
                    let json = ok(&value).to_json();
                    assert_eq!(json["durationSeconds"], seconds, "{duration}");
                }
                None => assert_eq!(paths(&value), [r#"["durationSeconds"]"#], "{duration}"),
            }
        }
    }

    #[test]
    fn role_session_names_and_policies() {
        for (name, accepted) in [
            ("ab", true),
            (&"n".repeat(64) as &str, true),
            ("a", false),
            (&"n".repeat(65), false),
            ("tenant/1", false),
            ("中文", false),
        ] {
            let mut value = ram_role();
            value["roleSessionName"] = json!(name);
            assert_eq!(validate(&value).is_ok(), accepted, "{name}");
        }
        for (policy, accepted) in [
            (json!("{}"), true),
            (json!({}), true),
            (json!(""), true),
            (json!("not json"), false),
            (json!("\"text\""), false),
            (json!(["Statement"]), false),
            (json!(7), false),
            (
                json!(format!(r#"{{"x":"{}"}}"#, "a".repeat(MAX_POLICY_BYTES))),
                false,
            ),
        ] {
            let mut value = ram_role();
            value["policy"] = policy.clone();
            assert_eq!(validate(&value).is_ok(), accepted, "{policy}");
        }
        // `{}` as an object is what clean-deep removes: no policy at all.
        let mut value = ram_role();
        value["policy"] = json!({});
        assert!(ok(&value).to_json().get("policy").is_none());
    }

    #[test]
    fn oidc_role_arn_needs_no_access_key() {
        let config = ok(&oidc());
        let CredentialSource::OidcRoleArn {
            session: role,
            oidc_provider_arn,
            oidc_token_file,
            sts_endpoint,
        } = &config.credentials
        else {
            panic!("{:?}", config.credentials)
        };
        assert_eq!(role, &session());
        assert_eq!(oidc_provider_arn, PROVIDER);
        assert_eq!(oidc_token_file, &None);
        assert_eq!(sts_endpoint.to_string(), "https://sts.aliyuncs.com/");
        assert_eq!(config.credentials.access_key(), None);

        let mut value = oidc();
        value["oidcTokenFile"] = json!("/var/run/secrets/ack.alibabacloud.com/rrsa-tokens/token");
        // Unused fields are ignored, whatever they hold, and not written back.
        value["accessKeyId"] = json!(42);
        value["accessKeySecret"] = json!("");
        value["roleName"] = json!("not/a/role");
        let json = ok(&value).to_json();
        assert_eq!(
            json["oidcTokenFile"],
            "/var/run/secrets/ack.alibabacloud.com/rrsa-tokens/token"
        );
        for key in [
            "accessKeyId",
            "accessKeySecret",
            "roleName",
            "securityToken",
        ] {
            assert!(json.get(key).is_none(), "{key}");
        }

        let value = with(json!({ "credentialType": "oidc_role_arn", "oidcProviderArn": ROLE }));
        assert_eq!(paths(&value), [r#"["roleArn"]"#, r#"["oidcProviderArn"]"#]);
        let mut value = oidc();
        value["oidcTokenFile"] = json!("/tmp/a\nb");
        assert_eq!(paths(&value), [r#"["oidcTokenFile"]"#]);
    }

    #[test]
    fn ecs_ram_role_needs_nothing() {
        let config = ok(&ecs());
        assert_eq!(
            config.credentials,
            CredentialSource::EcsRamRole {
                role_name: None,
                metadata_endpoint: Endpoint::parse_metadata("http://100.100.100.200/").unwrap(),
            }
        );
        let json = config.to_json();
        assert_eq!(json["ecsMetadataEndpoint"], "http://100.100.100.200/");
        assert!(json.get("roleName").is_none());
        assert!(json.get("accessKeyId").is_none());

        let mut value = ecs();
        value["roleName"] = json!("SmsSender");
        value["ecsMetadataEndpoint"] = json!("http://127.0.0.1:9100");
        value["roleArn"] = json!(5);
        let json = ok(&value).to_json();
        assert_eq!(json["roleName"], "SmsSender");
        assert_eq!(json["ecsMetadataEndpoint"], "http://127.0.0.1:9100/");

        for (key, bad) in [
            ("roleName", json!("a/b")),
            ("roleName", json!(7)),
            ("ecsMetadataEndpoint", json!("http://169.254.169.254/")),
            ("ecsMetadataEndpoint", json!("ftp://100.100.100.200/")),
        ] {
            let mut value = ecs();
            value[key] = bad.clone();
            assert_eq!(paths(&value), [format!(r#"["{key}"]"#)], "{key}={bad}");
        }
    }

    #[test]
    fn emptied_fields_mean_missing_for_every_type() {
        let optional = [
            "securityToken",
            "roleSessionName",
            "durationSeconds",
            "policy",
            "oidcTokenFile",
            "roleName",
            "stsEndpoint",
            "ecsMetadataEndpoint",
        ];
        for value in [ram_role(), oidc(), ecs()] {
            let config = ok(&value);
            for empty in [json!(""), json!(null)] {
                let mut emptied = value.clone();
                for key in optional {
                    emptied[key] = empty.clone();
                }
                assert_eq!(ok(&emptied), config, "{empty}");
            }
        }
    }

    #[test]
    fn unknown_credential_type_is_one_issue() {
        for bad in [json!("sts"), json!("RAM_ROLE_ARN"), json!(3)] {
            let value = with(json!({ "credentialType": bad.clone() }));
            let issues = validate(&value).unwrap_err();
            assert_eq!(issues.len(), 1, "{bad}: {issues:?}");
            assert_eq!(issues[0].path, vec![PathSegment::from("credentialType")]);
        }
        let issues = validate(&with(json!({ "credentialType": "sts" }))).unwrap_err();
        assert_eq!(
            issues[0].message,
            "Expected 'access_key' | 'ram_role_arn' | 'ecs_ram_role' | 'oidc_role_arn', received 'sts'"
        );
        assert_eq!(issues[0].code, IssueCode::InvalidEnumValue);
    }
}
