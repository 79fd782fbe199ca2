//! Who signs a call: the AccessKey pair and, for temporary (STS) credentials, the security token.
//!
//! The signer takes [`Credentials`], never the config, so a credential can come from anywhere:
//! the config, or a provider (STS, the ECS metadata service) that hands out [`Temporary`]
//! credentials. Secrets never show in `Debug` or `Display`, and [`Credentials::redact_in`] scrubs
//! them from text echoed back by the network.

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

/// Temporary credentials are replaced this long before their `Expiration`, as Alibaba Cloud's own
/// credential tools do: a send signed just before expiry must still be valid when Aliyun checks it.
pub const REFRESH_MARGIN_MS: u64 = 3 * 60 * 1000;

/// Credentials from STS or the ECS metadata service, with the time they stop working.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Temporary {
    pub credentials: Credentials,
    /// `Expiration` in milliseconds since the Unix epoch.
    pub expires_at_ms: u64,
}

impl Temporary {
    /// Whether a send at `now_ms` must get new credentials first.
    pub fn needs_refresh(&self, now_ms: u64) -> bool {
        now_ms.saturating_add(REFRESH_MARGIN_MS) >= self.expires_at_ms
    }
}

/// Milliseconds since the Unix epoch of a UTC time written `YYYY-MM-DDThh:mm:ssZ` (how STS and the
/// metadata service write `Expiration`; fractional seconds are accepted and dropped). `None` for
/// anything else, including impossible dates.
pub fn parse_utc_millis(text: &str) -> Option<u64> {
    let bytes = text.as_bytes();
    let shape_ok = bytes.len() >= 20
        && bytes.get(4) == Some(&b'-')
        && bytes.get(7) == Some(&b'-')
        && matches!(bytes.get(10), Some(b'T' | b't'))
        && bytes.get(13) == Some(&b':')
        && bytes.get(16) == Some(&b':')
        && matches!(bytes.last(), Some(b'Z' | b'z'));
    if !shape_ok {
        return None;
    }
    let number = |range: std::ops::Range<usize>| -> Option<u64> {
        let part = text.get(range)?;
        part.bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| part.parse().ok())
            .flatten()
    };
    // Between the seconds and `Z`: nothing, or `.` and digits.
    let fraction = text.get(19..text.len() - 1)?;
    let fraction_ok = fraction.is_empty()
        || (fraction.len() > 1
            && fraction.starts_with('.')
            && fraction.bytes().skip(1).all(|b| b.is_ascii_digit()));
    let (year, month, day) = (number(0..4)?, number(5..7)?, number(8..10)?);
    let (hour, minute, second) = (number(11..13)?, number(14..16)?, number(17..19)?);
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days_in_month = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    if !fraction_ok
        || year < 1970
        || day == 0
        || day > days_in_month
        || hour > 23
        || minute > 59
        || second > 59
    {
        return None;
    }
    let days = days_from_civil(year, month, day);
    Some(((days * 24 + hour) * 60 + minute) * 60_000 + second * 1000)
}

/// Days since 1970-01-01 of a Gregorian date from 1970 on (Howard Hinnant's `days_from_civil`).
fn days_from_civil(year: u64, month: u64, day: u64) -> u64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year / 400;
    let yoe = year % 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
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

    #[test]
    fn expiration_times_parse_to_unix_millis() {
        for (text, millis) in [
            ("1970-01-01T00:00:00Z", 0),
            ("2015-04-09T11:52:19Z", 1_428_580_339_000),
            ("2000-02-29T00:00:00Z", 951_782_400_000),
            ("2024-02-29T23:59:59Z", 1_709_251_199_000),
            ("2023-11-14T22:13:20Z", 1_700_000_000_000),
            ("2023-11-14T22:13:20.123Z", 1_700_000_000_000),
            ("2100-01-01T00:00:00Z", 4_102_444_800_000),
        ] {
            assert_eq!(parse_utc_millis(text), Some(millis), "{text}");
        }
        for text in [
            "",
            "2015-04-09 11:52:19Z",
            "2015-04-09T11:52:19",
            "2015-04-09T11:52:19+08:00",
            "2015-02-29T00:00:00Z",
            "1900-02-29T00:00:00Z",
            "2015-13-01T00:00:00Z",
            "2015-04-31T00:00:00Z",
            "2015-04-09T24:00:00Z",
            "2015-04-09T11:60:00Z",
            "1969-12-31T23:59:59Z",
            "2015-04-09T11:52:19.Z",
            "+015-04-09T11:52:19Z",
            "2015-04-09T11:52:1xZ",
            "２０15-04-09T11:52:19Z",
        ] {
            assert_eq!(parse_utc_millis(text), None, "{text:?}");
        }
    }

    #[test]
    fn temporary_credentials_are_refreshed_three_minutes_early() {
        let temporary = Temporary {
            credentials: credentials(),
            expires_at_ms: 1_000_000_000,
        };
        assert!(!temporary.needs_refresh(0));
        assert!(!temporary.needs_refresh(1_000_000_000 - REFRESH_MARGIN_MS - 1));
        assert!(temporary.needs_refresh(1_000_000_000 - REFRESH_MARGIN_MS));
        assert!(temporary.needs_refresh(1_000_000_000));
        assert!(temporary.needs_refresh(u64::MAX));
        assert!(!format!("{temporary:?}").contains("s3cr3t"));
    }
}
