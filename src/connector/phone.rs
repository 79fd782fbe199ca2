//! Phone numbers: normalise Logto's `to`, decide mainland China versus overseas, and produce the
//! digits-only form Aliyun's `PhoneNumbers` takes.

use std::fmt;

/// Characters people and forms put between digits. They carry no meaning and are dropped.
const SEPARATORS: [char; 6] = [' ', '\t', '-', '.', '(', ')'];
/// ITU-T E.164: at most 15 digits. Fewer than 5 digits is no reachable mobile number.
const MIN_DIGITS: usize = 5;
const MAX_DIGITS: usize = 15;

/// Why a `to` was rejected before any request was made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PhoneError {
    Empty,
    InvalidCharacter(char),
    TooShort(usize),
    TooLong(usize),
}

impl fmt::Display for PhoneError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Empty => f.write_str("Phone number is empty"),
            // Written out rather than `{c:?}`: Debug formatting of chars pulls Unicode tables
            // into the `.wasm`.
            Self::InvalidCharacter(c) if c.is_ascii_graphic() => {
                write!(f, "Phone number contains an invalid character '{c}'")
            }
            Self::InvalidCharacter(c) => write!(
                f,
                "Phone number contains an invalid character U+{:04X}",
                u32::from(*c)
            ),
            Self::TooShort(n) => write!(
                f,
                "Phone number has {n} digits, fewer than the minimum of {MIN_DIGITS}"
            ),
            Self::TooLong(n) => write!(
                f,
                "Phone number has {n} digits, more than the maximum of {MAX_DIGITS}"
            ),
        }
    }
}

/// A phone number that passed validation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhoneNumber {
    /// `to` without separators; keeps a leading `+` or `00`. The region check reads this form.
    normalized: String,
    /// Digits only, without `+` or `00`: what Aliyun receives.
    digits: String,
}

impl PhoneNumber {
    pub fn parse(to: &str) -> Result<Self, PhoneError> {
        let normalized = strip_separators(to);
        if normalized.is_empty() {
            return Err(PhoneError::Empty);
        }
        let body = explicit_country_code(&normalized).unwrap_or(&normalized);
        if let Some(bad) = body.chars().find(|c| !c.is_ascii_digit()) {
            return Err(PhoneError::InvalidCharacter(bad));
        }
        match body.len() {
            n if n < MIN_DIGITS => Err(PhoneError::TooShort(n)),
            n if n > MAX_DIGITS => Err(PhoneError::TooLong(n)),
            _ => Ok(Self {
                digits: body.to_string(),
                normalized,
            }),
        }
    }

    /// Whether Aliyun's mainland China template applies. See [`is_china_number`].
    pub fn is_china(&self, strict: bool) -> bool {
        is_china_normalized(&self.normalized, strict)
    }

    /// The `PhoneNumbers` value: digits only.
    pub fn for_aliyun(&self) -> &str {
        &self.digits
    }

    /// The 11-digit national number of a mainland China number (no `86`, `+86` or `0086`), as
    /// `SendSmsVerifyCode` takes it; `None` when [`PhoneNumber::is_china`] is false.
    pub fn mainland_national(&self, strict: bool) -> Option<&str> {
        if !self.is_china(strict) {
            return None;
        }
        self.digits
            .len()
            .checked_sub(MAINLAND_MOBILE_DIGITS)
            .and_then(|start| self.digits.get(start..))
    }
}

/// The TypeScript connector's rule, on the number without separators: an optional `86`, `+86` or
/// `0086` followed by a mainland mobile number (`1` and 10 digits). With `strict`, the prefix is
/// required, so a bare `1xxxxxxxxxx` (for example a North American number without its `+1`)
/// counts as overseas.
pub fn is_china_number(to: &str, strict: bool) -> bool {
    is_china_normalized(&strip_separators(to), strict)
}

fn is_china_normalized(normalized: &str, strict: bool) -> bool {
    let national = ["+86", "0086", "86"]
        .iter()
        .find_map(|prefix| normalized.strip_prefix(prefix));
    match national {
        Some(rest) if is_mainland_mobile(rest) => true,
        _ => !strict && is_mainland_mobile(normalized),
    }
}

/// A mainland mobile number without its country code.
const MAINLAND_MOBILE_DIGITS: usize = 11;

/// `1` followed by exactly 10 digits.
fn is_mainland_mobile(s: &str) -> bool {
    s.len() == MAINLAND_MOBILE_DIGITS && s.starts_with('1') && s.bytes().all(|b| b.is_ascii_digit())
}

/// The part after a leading `+` or `00`, which mark an explicit country code.
fn explicit_country_code(normalized: &str) -> Option<&str> {
    normalized
        .strip_prefix('+')
        .or_else(|| normalized.strip_prefix("00"))
}

fn strip_separators(to: &str) -> String {
    to.trim()
        .chars()
        .filter(|c| !SEPARATORS.contains(c))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The TypeScript connector's own `isChinaNumber` expectations (`index.test.ts`, `mock.ts`):
    /// these numbers pick the China template of a regional template code...
    #[test]
    fn typescript_connector_cases() {
        for to in [
            "13012345678",
            "8613012345678",
            "008613012345678",
            "+8613012345678",
        ] {
            assert!(is_china_number(to, false), "{to}");
        }
        // ...and `+1123123123` the overseas one.
        assert!(!is_china_number("+1123123123", false));
    }

    #[test]
    fn region_table() {
        // (to, non-strict, strict)
        let table = [
            ("13812345678", true, false),
            ("8613812345678", true, true),
            ("+8613812345678", true, true),
            ("008613812345678", true, true),
            ("+86 138-1234-5678", true, true),
            ("+86 (138) 1234.5678", true, true),
            ("86 138 1234 5678", true, true),
            // Hong Kong and a US number are overseas, with or without strict checking.
            ("85291234567", false, false),
            ("+852 9123 4567", false, false),
            ("+1 862-401-7194", false, false),
            ("+18624017194", false, false),
            ("0018624017194", false, false),
            // Without its `+1` a NANP number looks like a mainland one: strict mode exists for it.
            ("18624017194", true, false),
            // Not 1 + 10 digits after the prefix.
            ("+86 23 1234 5678", false, false),
            ("1381234567", false, false),
            ("138123456789", false, false),
            ("+13812345678", false, false),
            ("", false, false),
            ("phone", false, false),
        ];
        for (to, loose, strict) in table {
            assert_eq!(is_china_number(to, false), loose, "{to} non-strict");
            assert_eq!(is_china_number(to, true), strict, "{to} strict");
        }
    }

    #[test]
    fn aliyun_gets_digits_only() {
        for (to, digits) in [
            ("+86 138-1234-5678", "8613812345678"),
            ("008613812345678", "8613812345678"),
            ("13812345678", "13812345678"),
            ("+1 (862) 401-7194", "18624017194"),
            ("+852 9123 4567", "85291234567"),
            ("  12345 ", "12345"),
        ] {
            let phone = PhoneNumber::parse(to).unwrap();
            assert_eq!(phone.for_aliyun(), digits, "{to}");
        }
    }

    #[test]
    fn rejects_what_cannot_be_a_phone_number() {
        assert_eq!(PhoneNumber::parse(""), Err(PhoneError::Empty));
        assert_eq!(PhoneNumber::parse(" - "), Err(PhoneError::Empty));
        assert_eq!(
            PhoneNumber::parse("138abc45678"),
            Err(PhoneError::InvalidCharacter('a'))
        );
        assert_eq!(
            PhoneNumber::parse("+86+13812345678"),
            Err(PhoneError::InvalidCharacter('+'))
        );
        assert_eq!(
            PhoneNumber::parse("1380000000;DROP"),
            Err(PhoneError::InvalidCharacter(';'))
        );
        assert_eq!(PhoneNumber::parse("1234"), Err(PhoneError::TooShort(4)));
        assert_eq!(PhoneNumber::parse("+1234"), Err(PhoneError::TooShort(4)));
        assert_eq!(
            PhoneNumber::parse("1234567890123456"),
            Err(PhoneError::TooLong(16))
        );
        assert!(PhoneNumber::parse("123456789012345").is_ok());
        assert!(PhoneNumber::parse("١٢٣٤٥٦٧").is_err(), "non-ASCII digits");
    }

    #[test]
    fn parsed_number_agrees_with_free_function() {
        let phone = PhoneNumber::parse("+86 138 1234 5678").unwrap();
        assert!(phone.is_china(true));
        let phone = PhoneNumber::parse("13812345678").unwrap();
        assert!(phone.is_china(false));
        assert!(!phone.is_china(true));
    }

    #[test]
    fn mainland_national_drops_every_country_code_form() {
        for (to, strict, expected) in [
            ("13012345678", false, Some("13012345678")),
            ("13012345678", true, None),
            ("8613012345678", true, Some("13012345678")),
            ("+86 130 1234 5678", true, Some("13012345678")),
            ("0086-130-1234-5678", false, Some("13012345678")),
            ("+1 862 401 7194", false, None),
            ("+852 9123 4567", false, None),
        ] {
            let phone = PhoneNumber::parse(to).unwrap();
            assert_eq!(phone.mainland_national(strict), expected, "{to} {strict}");
        }
    }
}
