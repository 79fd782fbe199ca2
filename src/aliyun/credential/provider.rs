//! Where a send's credentials come from (`credentialType`): the config's AccessKey pair, or
//! temporary credentials from a RAM role (STS `AssumeRole`), the ECS instance's role (the metadata
//! service) or an OIDC token (STS `AssumeRoleWithOIDC`, RRSA on ACK).
//!
//! Pure: what each refresh step sends and reads is in [`crate::aliyun::api::sts`] and [`crate::aliyun::credential::ecs_metadata`];
//! the boundary (`wasm`) sends the requests, caches the credentials until shortly before they
//! expire, and lets concurrent sends share one refresh.

use crate::aliyun::api::sts::{RoleSession, MAX_OIDC_TOKEN_CHARS};
use crate::aliyun::credential::{Credentials, Secret};
use crate::aliyun::endpoint::Endpoint;
use crate::error::{ErrorCode, Failure};

/// The `credentialType` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CredentialType {
    /// `accessKeyId`, `accessKeySecret` and, for an STS pair, `securityToken`: as before.
    AccessKey,
    RamRoleArn,
    EcsRamRole,
    OidcRoleArn,
}

impl CredentialType {
    pub const ALL: [Self; 4] = [
        Self::AccessKey,
        Self::RamRoleArn,
        Self::EcsRamRole,
        Self::OidcRoleArn,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::AccessKey => "access_key",
            Self::RamRoleArn => "ram_role_arn",
            Self::EcsRamRole => "ecs_ram_role",
            Self::OidcRoleArn => "oidc_role_arn",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == text)
    }
}

/// A validated credential config.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CredentialSource {
    /// Signs every call with these.
    AccessKey(Credentials),
    /// `AssumeRole`, signed with `source`.
    RamRoleArn {
        source: Credentials,
        session: RoleSession,
        sts_endpoint: Endpoint,
    },
    /// `AssumeRoleWithOIDC` with the token read from `oidc_token_file` (or, when `None`, the file
    /// named by `ALIBABA_CLOUD_OIDC_TOKEN_FILE`: the host resolves that).
    OidcRoleArn {
        session: RoleSession,
        oidc_provider_arn: String,
        oidc_token_file: Option<String>,
        sts_endpoint: Endpoint,
    },
    /// The instance's role; `role_name` `None` asks the metadata service for it.
    EcsRamRole {
        role_name: Option<String>,
        metadata_endpoint: Endpoint,
    },
}

impl CredentialSource {
    pub fn credential_type(&self) -> CredentialType {
        match self {
            Self::AccessKey(_) => CredentialType::AccessKey,
            Self::RamRoleArn { .. } => CredentialType::RamRoleArn,
            Self::EcsRamRole { .. } => CredentialType::EcsRamRole,
            Self::OidcRoleArn { .. } => CredentialType::OidcRoleArn,
        }
    }

    /// The credentials every call is signed with, when they are fixed (`access_key`).
    pub fn fixed(&self) -> Option<&Credentials> {
        match self {
            Self::AccessKey(credentials) => Some(credentials),
            _ => None,
        }
    }

    /// The configured AccessKey pair, if any: the signer (`access_key`) or the source that signs
    /// `AssumeRole` (`ram_role_arn`).
    pub fn access_key(&self) -> Option<&Credentials> {
        match self {
            Self::AccessKey(credentials)
            | Self::RamRoleArn {
                source: credentials,
                ..
            } => Some(credentials),
            _ => None,
        }
    }

    /// Removes the configured secret and token from `text`, in every form a [`Redactor`]
    /// knows.
    ///
    /// [`Redactor`]: crate::aliyun::credential::Redactor
    pub fn redact_in(&self, text: &mut String) {
        if let Some(credentials) = self.access_key() {
            credentials.redact_in(text);
        }
    }
}

/// One step of a refresh, named in its failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    ReadOidcToken,
    AssumeRole,
    AssumeRoleWithOidc,
    MetadataToken,
    MetadataRoleName,
    MetadataCredentials,
}

impl Step {
    pub fn describe(self) -> &'static str {
        match self {
            Self::ReadOidcToken => "reading the OIDC token file",
            Self::AssumeRole => "STS AssumeRole",
            Self::AssumeRoleWithOidc => "STS AssumeRoleWithOIDC",
            Self::MetadataToken => "ECS metadata token (PUT latest/api/token)",
            Self::MetadataRoleName => {
                "ECS metadata role name (GET latest/meta-data/ram/security-credentials/)"
            }
            Self::MetadataCredentials => {
                "ECS metadata credentials (GET latest/meta-data/ram/security-credentials/<role>)"
            }
        }
    }
}

/// `failure` of `step`, saying so: the code and Aliyun's fields stay as they were.
pub fn step_failure(kind: CredentialType, step: Step, mut failure: Failure) -> Failure {
    failure.data.error_description = format!(
        "Could not get temporary credentials (credentialType {}) at step {}: {}",
        kind.as_str(),
        step.describe(),
        failure.data.error_description
    );
    failure
}

/// The OIDC token from the text of its file (`file` names it in errors): surrounding whitespace
/// dropped, then non-empty, at most STS's limit, and one printable ASCII word, as a JWT is.
pub fn oidc_token(text: &str, file: &str) -> Result<Secret, Failure> {
    let token = text.trim();
    let bad = |why: String| {
        Failure::new(
            ErrorCode::InvalidConfig,
            format!("The OIDC token file {file} {why}"),
        )
    };
    if token.is_empty() {
        return Err(bad("is empty".into()));
    }
    if token.chars().count() > MAX_OIDC_TOKEN_CHARS {
        return Err(bad(format!(
            "holds more than {MAX_OIDC_TOKEN_CHARS} characters: not an OIDC token"
        )));
    }
    if !token.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(bad(
            "holds spaces or characters other than printable ASCII: not an OIDC token".into(),
        ));
    }
    Ok(Secret::new(token.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credential_types_round_trip() {
        for kind in CredentialType::ALL {
            assert_eq!(CredentialType::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(CredentialType::parse("AccessKey"), None);
        assert_eq!(CredentialType::parse(""), None);
    }

    #[test]
    fn redaction_covers_encoded_forms() {
        let token = Secret::new("CAIS+abc/def=ghi".into());
        let mut text = format!(
            "raw {} once {} twice {} json {}",
            "CAIS+abc/def=ghi",
            crate::aliyun::signature_v1::percent_encode("CAIS+abc/def=ghi"),
            crate::aliyun::signature_v1::percent_encode(
                &crate::aliyun::signature_v1::percent_encode("CAIS+abc/def=ghi")
            ),
            "CAIS+abc\\/def=ghi"
        );
        token.redact_in(&mut text);
        assert_eq!(text, "raw *** once *** twice *** json ***");

        let credentials = Credentials {
            access_key_id: "id".into(),
            access_key_secret: Secret::new("secret-value".into()),
            security_token: Some(Secret::new("token/value".into())),
        };
        let source = CredentialSource::AccessKey(credentials.clone());
        let mut text = "secret-value token%2Fvalue".to_string();
        source.redact_in(&mut text);
        assert_eq!(text, "*** ***");
        let ecs = CredentialSource::EcsRamRole {
            role_name: None,
            metadata_endpoint: Endpoint::parse_metadata("http://100.100.100.200/").unwrap(),
        };
        let mut text = "secret-value".to_string();
        ecs.redact_in(&mut text);
        assert_eq!(text, "secret-value");
        assert_eq!(ecs.access_key(), None);
        assert_eq!(source.fixed(), Some(&credentials));
    }

    #[test]
    fn step_failures_keep_the_code_and_name_the_step() {
        let failure = step_failure(
            CredentialType::EcsRamRole,
            Step::MetadataCredentials,
            Failure::new(ErrorCode::InvalidConfig, "no such role").with_status(404),
        );
        assert_eq!(failure.code, ErrorCode::InvalidConfig);
        assert_eq!(failure.data.status, Some(404));
        assert_eq!(
            failure.data.error_description,
            "Could not get temporary credentials (credentialType ecs_ram_role) at step ECS \
             metadata credentials (GET latest/meta-data/ram/security-credentials/<role>): no such \
             role"
        );
    }

    #[test]
    fn oidc_token_file_contents() {
        assert_eq!(
            oidc_token("eyJh.eyJz.c2ln\n", "/t").unwrap().expose(),
            "eyJh.eyJz.c2ln"
        );
        for (text, why) in [
            ("", "is empty"),
            (" \n", "is empty"),
            ("two words", "printable ASCII"),
            ("jwt\u{0}", "printable ASCII"),
        ] {
            let failure = oidc_token(text, "/var/run/token").unwrap_err();
            assert_eq!(failure.code, ErrorCode::InvalidConfig);
            assert!(
                failure
                    .data
                    .error_description
                    .starts_with("The OIDC token file /var/run/token "),
                "{}",
                failure.data.error_description
            );
            assert!(failure.data.error_description.contains(why));
        }
        let long = "a".repeat(MAX_OIDC_TOKEN_CHARS + 1);
        let failure = oidc_token(&long, "/t").unwrap_err();
        assert!(!failure.data.error_description.contains(&long[..32]));
    }
}
