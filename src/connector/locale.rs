//! The user's language (`payload.locale`, one BCP 47 tag) and which localized template or text
//! serves it.
//!
//! Aliyun templates and `SendMessageToGlobe` texts are each in one language, so an operator with
//! users in several languages gives one entry per language. [`choose`] is the one rule that picks
//! among them, for templates and texts alike.

use language_tags::LanguageTag;
use serde_json::{Map, Value};

use crate::connector::check::{self, Refusal};
use crate::issue::IssueCode;
use crate::limits::{clip, MAX_FIELD_BYTES};

/// A well-formed BCP 47 tag, compared case-insensitively (`_` read as `-`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Locale {
    /// As the operator or Logto wrote it, trimmed, `_` replaced: what the config gives back.
    tag: String,
    /// Lowercased: what is compared.
    key: String,
    /// The primary language subtag's length in `key` (`zh` in `zh-cn`).
    language_len: usize,
}

impl Locale {
    /// Parses a tag; the reason when it is not a well-formed BCP 47 tag.
    pub fn parse(source: &str) -> Result<Self, String> {
        let invalid = || {
            format!(
                "Invalid locale {:?}: expected a BCP 47 tag such as en, zh-CN or pt-BR",
                clip(source)
            )
        };
        if source.len() > MAX_FIELD_BYTES {
            return Err(invalid());
        }
        let tag = source.trim().replace('_', "-");
        let parsed = LanguageTag::parse(&tag).map_err(|_| invalid())?;
        let language_len = parsed.primary_language().len();
        Ok(Self {
            key: tag.to_ascii_lowercase(),
            tag,
            language_len,
        })
    }

    /// The tag as given (`_` read as `-`).
    pub fn as_str(&self) -> &str {
        &self.tag
    }

    /// The primary language, lowercased (`zh` for `zh-CN`).
    fn language(&self) -> &str {
        self.key.get(..self.language_len).unwrap_or(&self.key)
    }

    /// The same tag, ignoring case and `_`/`-`.
    pub fn same(&self, other: &Self) -> bool {
        self.key == other.key
    }
}

/// The entry of `entries` for `locale`, in this order: the one whose tag equals it; the one whose
/// tag is its language alone (`zh` for `zh-CN`); the first whose tag has its language (`zh-TW`
/// for `zh-CN`); the first without a locale. `None` when none of them exists.
pub fn choose<'a, T>(
    entries: impl Iterator<Item = &'a T> + Clone,
    locale: Option<&Locale>,
    tag: impl Fn(&T) -> Option<&Locale>,
) -> Option<&'a T> {
    let find = |matches: &dyn Fn(&Locale) -> bool| {
        entries
            .clone()
            .find(|entry| tag(entry).is_some_and(matches))
    };
    locale
        .and_then(|wanted| {
            let language = wanted.language();
            find(&|l| l.key == wanted.key)
                .or_else(|| find(&|l| l.key == language))
                .or_else(|| find(&|l| l.language() == language))
        })
        .or_else(|| entries.clone().find(|entry| tag(entry).is_none()))
}

/// A config's `locale` field: `Ok(None)` when missing, blank (`clean-deep` removes `""` and
/// `null`) or only whitespace; the refusal for anything that is not a well-formed tag.
pub fn field(value: Option<&Value>) -> Result<Option<Locale>, Refusal> {
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(tag)) if tag.trim().is_empty() => Ok(None),
        Some(Value::String(tag)) if tag.len() > MAX_FIELD_BYTES => Err((
            IssueCode::TooBig,
            format!(
                "Must be at most {MAX_FIELD_BYTES} bytes, received {}",
                tag.len()
            ),
        )),
        Some(Value::String(tag)) => Locale::parse(tag)
            .map(Some)
            .map_err(|why| (IssueCode::InvalidString, why)),
        Some(other) => Err(check::expected("string", other)),
    }
}

/// Whether an entry (a template, a message list item) has a `locale`, even a malformed one.
pub fn given(entry: &Value) -> bool {
    !matches!(field(entry.get("locale")), Ok(None))
}

/// `payload.locale` when it is a well-formed tag; anything else counts as no locale (step 4 only).
pub fn from_payload(payload: Option<&Map<String, Value>>) -> Option<Locale> {
    payload?
        .get("locale")?
        .as_str()
        .and_then(|tag| Locale::parse(tag).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tag(source: &str) -> Locale {
        Locale::parse(source).unwrap()
    }

    /// Entries as (name, locale); `choose` returns the name.
    fn pick(
        entries: &[(&'static str, Option<&str>)],
        wanted: Option<&str>,
    ) -> Option<&'static str> {
        let entries: Vec<(&str, Option<Locale>)> = entries
            .iter()
            .map(|(name, l)| (*name, l.map(tag)))
            .collect();
        let wanted = wanted.and_then(|w| Locale::parse(w).ok());
        choose(entries.iter(), wanted.as_ref(), |(_, l)| l.as_ref()).map(|(name, _)| *name)
    }

    #[test]
    fn tags_are_case_insensitive_and_read_underscores() {
        assert!(tag("zh_cn").same(&tag("ZH-CN")));
        assert_eq!(tag(" pt_BR ").as_str(), "pt-BR");
        assert_eq!(tag("zh-Hant-TW").language(), "zh");
        assert_eq!(tag("EN").language(), "en");
    }

    #[test]
    fn malformed_tags_are_refused() {
        for bad in [
            "",
            " ",
            "e",
            "toolonglang",
            "en-x",
            "en--US",
            "-en",
            "en-",
            "中文",
            "en US",
        ] {
            let why = Locale::parse(bad).unwrap_err();
            assert!(why.contains("BCP 47"), "{bad:?}: {why}");
        }
    }

    #[test]
    fn long_tags_are_refused_and_quoted_clipped() {
        // Malformed: the message quotes a clipped copy, not 20 KB of it.
        let why = Locale::parse(&"q".repeat(20_000)).unwrap_err();
        assert!(why.len() < 200, "{} bytes", why.len());
        // Well-formed but longer than any config string: refused as too big, in the config and
        // (as no locale) in a payload.
        let long = format!("en{}", "-abcdefgh".repeat(200));
        assert!(LanguageTag::parse(&long).is_ok());
        let (code, why) = field(Some(&Value::String(long.clone()))).unwrap_err();
        assert_eq!(code, IssueCode::TooBig);
        assert!(why.starts_with("Must be at most 1024 bytes"), "{why}");
        let payload = serde_json::json!({ "locale": long });
        assert_eq!(from_payload(payload.as_object()), None);
        let at_limit = format!("en{}", "-abcdefgh".repeat(113));
        assert!(at_limit.len() <= MAX_FIELD_BYTES);
        assert!(field(Some(&Value::String(at_limit))).unwrap().is_some());
    }

    #[test]
    fn each_step_of_the_rule() {
        let all = [
            ("default", None),
            ("zh-TW", Some("zh-TW")),
            ("zh", Some("zh")),
            ("zh-CN", Some("zh-CN")),
            ("en", Some("en")),
        ];
        // 1. the same tag, whatever its case or separator.
        assert_eq!(pick(&all, Some("zh-CN")), Some("zh-CN"));
        assert_eq!(pick(&all, Some("zh_cn")), Some("zh-CN"));
        // 2. the language alone.
        assert_eq!(pick(&all, Some("zh-HK")), Some("zh"));
        assert_eq!(pick(&all, Some("en-GB")), Some("en"));
        // 3. the first with the same language, in config order.
        let no_bare = [
            ("default", None),
            ("zh-TW", Some("zh-TW")),
            ("zh-CN", Some("zh-CN")),
        ];
        assert_eq!(pick(&no_bare, Some("zh-SG")), Some("zh-TW"));
        // 4. the entry without a locale.
        assert_eq!(pick(&all, Some("ja")), Some("default"));
        assert_eq!(pick(&all, None), Some("default"));
        // A malformed locale is no locale.
        assert_eq!(pick(&all, Some("zh CN")), Some("default"));
    }

    #[test]
    fn no_match_and_no_default_is_none() {
        assert_eq!(pick(&[("en", Some("en"))], Some("ja")), None);
        assert_eq!(pick(&[], Some("ja")), None);
    }

    #[test]
    fn first_default_wins_as_today() {
        assert_eq!(pick(&[("a", None), ("b", None)], None), Some("a"));
    }
}
