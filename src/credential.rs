//! Who signs a call: the AccessKey pair and, for temporary (STS) credentials, the security token.
//!
//! The signer takes [`Credentials`], never the config, so a credential can come from anywhere
//! (the config today, a role or metadata provider later). Secrets never show in `Debug` or
//! `Display`, and [`Credentials::redact_in`] scrubs them from text echoed back by the network.

use std::fmt;

/// A secret value: an AccessKey secret or an STS security token. Its `Debug` and `Display`
/// never show the value.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: String) -> Self {
        Self(value)
    }

    /// The raw value, for signing only.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Replaces the secret in `text` with `***`. Secrets shorter than 6 characters are not
    /// searched for: replacing every `a` in a message would destroy it without protecting anything.
    pub fn redact_in(&self, text: &mut String) {
        // Repeated: replacing can create a new occurrence when the secret contains `*`. Each
        // pass shortens the text (the secret is longer than `***`), so this ends.
        while self.0.len() >= 6 && text.contains(self.0.as_str()) {
            *text = text.replace(self.0.as_str(), "***");
        }
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// An AccessKey pair, with the STS token when the pair is temporary.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    pub access_key_id: String,
    pub access_key_secret: Secret,
    /// Signed with every request (`SecurityToken` in V1, `x-acs-security-token` in V3).
    pub security_token: Option<Secret>,
}

impl Credentials {
    /// Removes the secret and the token from `text`.
    pub fn redact_in(&self, text: &mut String) {
        self.access_key_secret.redact_in(text);
        if let Some(token) = &self.security_token {
            token.redact_in(text);
        }
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &self.access_key_id)
            .field("access_key_secret", &self.access_key_secret)
            .field("security_token", &self.security_token)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn credentials() -> Credentials {
        Credentials {
            access_key_id: "LTAI-id".into(),
            access_key_secret: Secret::new("s3cr3t-value-123".into()),
            security_token: Some(Secret::new("sts-token-value-456".into())),
        }
    }

    #[test]
    fn debug_and_display_never_show_secrets() {
        let text = format!("{:?} {}", credentials(), credentials().access_key_secret);
        assert!(!text.contains("s3cr3t"), "{text}");
        assert!(!text.contains("sts-token"), "{text}");
        assert!(text.contains("LTAI-id"), "{text}");
    }

    #[test]
    fn redact_removes_secret_and_token() {
        let mut text = "a s3cr3t-value-123 b sts-token-value-456 c".to_string();
        credentials().redact_in(&mut text);
        assert_eq!(text, "a *** b *** c");
        // Short secrets are left alone rather than shredding the text.
        let mut short = "abc abc".to_string();
        Secret::new("abc".into()).redact_in(&mut short);
        assert_eq!(short, "abc abc");
        // A secret made of stars cannot survive by re-forming itself.
        let mut stars = "**********".to_string();
        Secret::new("******".into()).redact_in(&mut stars);
        assert_eq!(stars, "****");
    }
}
