//! Who signs a call: the AccessKey pair and, for temporary (STS) credentials, the security token.
//!
//! The signer takes [`Credentials`], never the config, so a credential can come from anywhere:
//! the config, or a provider (STS, the ECS metadata service) that hands out [`Temporary`]
//! credentials. Secrets never show in `Debug` or `Display`, and a [`Redactor`] scrubs them from
//! text echoed back by the network, in every form they take there.

use std::cell::OnceCell;
use std::fmt;

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

use crate::calendar::{days_from_civil, days_in_month};

/// The loaders beside the type: which credentials sign a send, and the ECS instance's role.
pub mod ecs_metadata;
pub mod provider;

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

    /// Replaces the secret, in any of its forms (see [`Redactor`]), in `text` with `***`.
    pub fn redact_in(&self, text: &mut String) {
        Redactor::new([self]).redact_in(text);
    }

    /// Every way this secret can be spelled in text that comes back from the network: as is, as
    /// a JSON string (also with `/` escaped as `\/`, as some encoders write it), percent-encoded as Aliyun's signatures encode it (RFC 3986, upper- or
    /// lower-case hex), form-style (space as `+`), and encoded twice, as it sits inside a V1
    /// string to sign (`...%26SecurityToken%3D<encoded twice>...`).
    fn forms(&self) -> Vec<String> {
        let raw = self.0.as_str();
        let once = rfc3986(raw);
        let once_lower = lower_hex(&once);
        let form = once.replace("%20", "+");
        let all = [
            raw.to_string(),
            json_escaped(raw),
            json_escaped(raw).replace('/', "\\/"),
            rfc3986(&once),
            lower_hex(&rfc3986(&once_lower)),
            rfc3986(&form),
            once,
            once_lower,
            form,
        ];
        let mut forms: Vec<String> = Vec::with_capacity(all.len());
        for candidate in all {
            if !forms.contains(&candidate) {
                forms.push(candidate);
            }
        }
        forms
    }
}

/// The characters Aliyun's signatures leave as they are: `A-Z a-z 0-9 - _ . ~` (the set of
/// `signature_v1::percent_encode`; a test checks they agree).
const UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

fn rfc3986(text: &str) -> String {
    utf8_percent_encode(text, UNRESERVED).to_string()
}

/// `%2B` as `%2b`: some servers echo encodings in lower case.
fn lower_hex(encoded: &str) -> String {
    let mut out = String::with_capacity(encoded.len());
    let mut after_percent = 0;
    for c in encoded.chars() {
        if after_percent > 0 {
            out.push(c.to_ascii_lowercase());
            after_percent -= 1;
        } else {
            out.push(c);
            if c == '%' {
                after_percent = 2;
            }
        }
    }
    out
}

/// The secret as it appears inside a JSON string literal, without the quotes.
fn json_escaped(text: &str) -> String {
    let quoted = serde_json::to_string(text).unwrap_or_default();
    quoted
        .strip_prefix('"')
        .and_then(|inner| inner.strip_suffix('"'))
        .unwrap_or_default()
        .to_string()
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
    /// No pair at all: what a check reports on when nothing signed.
    pub const EMPTY: Self = Self {
        access_key_id: String::new(),
        access_key_secret: Secret(String::new()),
        security_token: None,
    };

    /// The redactor for the secret and the token. Build it once for all the texts of a failure.
    pub fn redactor(&self) -> Redactor {
        Redactor::new(std::iter::once(&self.access_key_secret).chain(self.security_token.as_ref()))
    }

    /// Removes the secret and the token from `text` (one text; see [`Credentials::redactor`]).
    pub fn redact_in(&self, text: &mut String) {
        self.redactor().redact_in(text);
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

/// Any run of this many bytes of a secret (in any of its forms) counts as the secret. Cut-off
/// copies are the danger: a clip or a proxy that truncates leaves a prefix no whole-value search
/// finds, and a 16-byte run of a key or token is already too much to show.
pub const REDACT_WINDOW: usize = 16;
/// Secrets shorter than this are not searched for: replacing every `a` in a message would
/// destroy it without protecting anything.
const MIN_SECRET_BYTES: usize = 6;

/// Scrubs secrets from text the network sent back. Redact before clipping: what a clip cuts off
/// can no longer be recognised, and what it keeps is still a part of the secret.
///
/// Every run of [`REDACT_WINDOW`] bytes of any form of a secret (see [`Secret`]'s forms) is
/// replaced, so are whole forms shorter than that. Its index is built on first use: a successful
/// send never pays for it.
pub struct Redactor {
    secrets: Vec<Secret>,
    index: OnceCell<Index>,
}

#[derive(Default)]
struct Index {
    /// Every `REDACT_WINDOW`-byte run of every form at least that long.
    windows: Fingerprints,
    /// Forms shorter than a window, matched whole.
    short: Vec<String>,
}

/// A set of 64-bit fingerprints of byte runs: open addressing, linear probing, 0 for an empty
/// slot. A dozen lines instead of a `HashSet` or a sort, which cost the WebAssembly build 15 to
/// 30 KB. Two runs sharing a fingerprint would only redact a little more than needed.
#[derive(Default)]
struct Fingerprints {
    slots: Vec<u64>,
}

impl Fingerprints {
    /// FNV-1a, never 0 (the empty slot).
    fn of(bytes: &[u8]) -> u64 {
        let hash = bytes.iter().fold(0xcbf2_9ce4_8422_2325_u64, |hash, &byte| {
            (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
        });
        hash.max(1)
    }

    /// A set of the fingerprints of `runs`, at most half full.
    fn new<'a>(runs: impl Iterator<Item = &'a [u8]> + Clone) -> Self {
        let size = (runs.clone().count() * 2).next_power_of_two().max(16);
        let mut set = Self {
            slots: vec![0; size],
        };
        for run in runs {
            let fingerprint = Self::of(run);
            let mut at = set.slot(fingerprint);
            while let Some(slot) = set.slots.get_mut(at) {
                if *slot == 0 || *slot == fingerprint {
                    *slot = fingerprint;
                    break;
                }
                at = (at + 1) & (size - 1);
            }
        }
        set
    }

    fn slot(&self, fingerprint: u64) -> usize {
        (fingerprint as usize) & (self.slots.len().max(1) - 1)
    }

    fn contains(&self, run: &[u8]) -> bool {
        let fingerprint = Self::of(run);
        let mut at = self.slot(fingerprint);
        while let Some(&slot) = self.slots.get(at) {
            if slot == fingerprint {
                return true;
            }
            if slot == 0 {
                return false;
            }
            at = (at + 1) & (self.slots.len() - 1);
        }
        false
    }
}

impl Redactor {
    pub fn new<'a>(secrets: impl IntoIterator<Item = &'a Secret>) -> Self {
        Self {
            secrets: secrets
                .into_iter()
                .filter(|secret| secret.0.len() >= MIN_SECRET_BYTES)
                .cloned()
                .collect(),
            index: OnceCell::new(),
        }
    }

    /// A redactor with nothing to hide, for answers read without credentials (tests, tools).
    pub fn none() -> Self {
        Self::new([])
    }

    fn index(&self) -> &Index {
        self.index.get_or_init(|| {
            let (long, short): (Vec<String>, Vec<String>) = self
                .secrets
                .iter()
                .flat_map(Secret::forms)
                .partition(|form| form.len() >= REDACT_WINDOW);
            Index {
                windows: Fingerprints::new(
                    long.iter()
                        .flat_map(|form| form.as_bytes().windows(REDACT_WINDOW)),
                ),
                short,
            }
        })
    }

    /// `text` with every secret replaced by `***`.
    pub fn redact(&self, text: &str) -> String {
        let mut text = text.to_string();
        self.redact_in(&mut text);
        text
    }

    /// Replaces every secret in `text` with `***`. Repeated until nothing matches: a secret that
    /// contains `*` could otherwise re-form around a replacement. Each pass replaces runs of at
    /// least `MIN_SECRET_BYTES` (> 3) bytes, so the text shrinks and this ends.
    pub fn redact_in(&self, text: &mut String) {
        if self.secrets.is_empty() {
            return;
        }
        while let Some(hidden) = self.hidden(text) {
            let mut out = String::with_capacity(text.len());
            let mut in_secret = false;
            for (at, c) in text.char_indices() {
                // A character is hidden if any of its bytes is.
                let hide = hidden
                    .get(at..at + c.len_utf8())
                    .is_some_and(|bytes| bytes.contains(&true));
                match (hide, in_secret) {
                    (true, false) => out.push_str("***"),
                    (false, _) => out.push(c),
                    (true, true) => {}
                }
                in_secret = hide;
            }
            *text = out;
        }
    }

    /// Which bytes of `text` belong to a secret, or `None` when none does. (A mask rather than a
    /// sorted list of ranges: sorting would cost the WebAssembly build more code than all of this.)
    fn hidden(&self, text: &str) -> Option<Vec<bool>> {
        let index = self.index();
        let mut hidden = vec![false; text.len()];
        let mut any = false;
        let mut hide = |start: usize, len: usize| {
            if let Some(bytes) = hidden.get_mut(start..start + len) {
                bytes.fill(true);
                any = true;
            }
        };
        for (start, window) in text.as_bytes().windows(REDACT_WINDOW).enumerate() {
            if index.windows.contains(window) {
                hide(start, REDACT_WINDOW);
            }
        }
        for form in &index.short {
            for (start, _) in text.match_indices(form.as_str()) {
                hide(start, form.len());
            }
        }
        any.then_some(hidden)
    }
}

/// Never the secrets, nor the index built from them.
impl fmt::Debug for Redactor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Redactor({} secrets)", self.secrets.len())
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
    let month_days = days_in_month(year, month)?;
    if !fraction_ok
        || year < 1970
        || day == 0
        || day > month_days
        || hour > 23
        || minute > 59
        || second > 59
    {
        return None;
    }
    let days = days_from_civil(year, month, day);
    Some(((days * 24 + hour) * 60 + minute) * 60_000 + second * 1000)
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

    const TOKEN: &str = "CAIS+token/with=signs and a space+0123456789abcdefghij";

    /// Every 16-byte run of `secret`.
    fn windows(secret: &str) -> Vec<&str> {
        (0..=secret.len().saturating_sub(REDACT_WINDOW))
            .filter_map(|i| secret.get(i..i + REDACT_WINDOW))
            .collect()
    }

    fn assert_clean(text: &str, secret: &str) {
        for form in Secret::new(secret.into()).forms() {
            for window in windows(&form) {
                assert!(!text.contains(window), "{window:?} of {form:?} in {text:?}");
            }
        }
    }

    #[test]
    fn every_encoded_form_is_redacted() {
        let once = crate::aliyun::signature_v1::percent_encode(TOKEN);
        let twice = crate::aliyun::signature_v1::percent_encode(&once);
        let form = once.replace("%20", "+");
        for shown in [
            TOKEN.to_string(),
            once.clone(),
            once.replace("%2B", "%2b")
                .replace("%2F", "%2f")
                .replace("%3D", "%3d"),
            twice.clone(),
            twice
                .replace("%252B", "%252b")
                .replace("%252F", "%252f")
                .replace("%253D", "%253d"),
            form.clone(),
            crate::aliyun::signature_v1::percent_encode(&form),
            serde_json::to_string(TOKEN).unwrap(),
        ] {
            let mut text = format!("server string to sign is:POST&%2F&SecurityToken%3D{shown}%26x");
            Secret::new(TOKEN.into()).redact_in(&mut text);
            assert!(text.contains("***"), "{shown}: {text}");
            assert_clean(&text, TOKEN);
        }
        // The encoder is the signature's: the forms are what a V1 request really carries.
        assert_eq!(rfc3986(TOKEN), once);
        assert_eq!(
            rfc3986("AZaz09-_.~ *+/=中"),
            crate::aliyun::signature_v1::percent_encode("AZaz09-_.~ *+/=中")
        );
    }

    #[test]
    fn a_cut_off_copy_is_redacted_too() {
        // What a clip (or a proxy that truncates) leaves: the start or the end of the secret.
        let twice = crate::aliyun::signature_v1::percent_encode(
            &crate::aliyun::signature_v1::percent_encode(TOKEN),
        );
        for part in [
            &TOKEN[..20],
            &TOKEN[TOKEN.len() - 17..],
            &twice[..40],
            &twice[twice.len() - 30..],
        ] {
            let mut text = format!("echo: {part}");
            Secret::new(TOKEN.into()).redact_in(&mut text);
            assert_eq!(text, "echo: ***", "{part}");
        }
        // Shorter than a window of a long secret: left alone (15 bytes say too little).
        let mut text = format!("echo: {}", &TOKEN[..15]);
        Secret::new(TOKEN.into()).redact_in(&mut text);
        assert_eq!(text, format!("echo: {}", &TOKEN[..15]));
    }

    #[test]
    fn replacements_respect_characters_and_merge() {
        let secret = "中文秘密-secret-值";
        let mut text = format!("a{secret}{secret}b");
        Secret::new(secret.into()).redact_in(&mut text);
        assert_eq!(text, "a***b");
        let redactor = credentials().redactor();
        assert_eq!(
            redactor.redact("s3cr3t-value-123sts-token-value-456!"),
            "***!"
        );
        assert_eq!(
            Redactor::none().redact("s3cr3t-value-123"),
            "s3cr3t-value-123"
        );
    }

    #[test]
    fn redactor_debug_shows_no_secret() {
        let redactor = credentials().redactor();
        let _ = redactor.redact("build the index");
        let debug = format!("{redactor:?}");
        assert_eq!(debug, "Redactor(2 secrets)");
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
