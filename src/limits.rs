//! Size limits. A sign-in path must not spend memory or time on megabytes that no real config,
//! message or Aliyun answer has: everything above these is refused with a typed error first.

/// JSON text of a connector config. A full config with nine regional templates is about 2 KiB.
pub const MAX_CONFIG_JSON_BYTES: usize = 64 * 1024;
/// JSON text of a message (`{ to, type, payload }`). Logto's payload carries the application and
/// user objects, which may hold custom data.
pub const MAX_MESSAGE_JSON_BYTES: usize = 64 * 1024;
/// An Aliyun answer. A real `SendSms` answer is a few hundred bytes.
pub const MAX_RESPONSE_BYTES: usize = 64 * 1024;
/// Credentials, sign name, usage types and template codes.
pub const MAX_FIELD_BYTES: usize = 1024;
/// STS security tokens run to a few KiB.
pub const MAX_SECURITY_TOKEN_BYTES: usize = 16 * 1024;
pub const MAX_ENDPOINT_BYTES: usize = 2048;
/// Logto has nine usage types; a hundred templates leaves room for many custom ones.
pub const MAX_TEMPLATES: usize = 100;
/// The longest way to write a 15-digit number with separators.
pub const MAX_TO_CHARS: usize = 64;
/// `TemplateParam` JSON. Aliyun limits each variable to a few dozen characters.
pub const MAX_TEMPLATE_PARAM_BYTES: usize = 4096;
/// How much of an offending value an error message quotes.
pub const MAX_QUOTED_CHARS: usize = 64;

/// At most [`MAX_QUOTED_CHARS`] characters of `text`, with `…` when cut.
pub fn clip(text: &str) -> String {
    clip_to(text, MAX_QUOTED_CHARS)
}

/// At most `max` characters of `text`, with `…` when cut.
pub fn clip_to(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((end, _)) => format!("{}…", text.get(..end).unwrap_or_default()),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clip_keeps_short_text_and_cuts_long_text_on_a_char_boundary() {
        assert_eq!(clip("v3"), "v3");
        let long = "中".repeat(100);
        let clipped = clip(&long);
        assert_eq!(clipped.chars().count(), MAX_QUOTED_CHARS + 1);
        assert!(clipped.ends_with('…'));
    }
}
