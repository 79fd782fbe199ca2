//! Which entry serves which usage type, for each locale the config names: the `locale` checks.
//!
//! Informational (always `ok`): validation already refused what cannot work, and the table lets an
//! operator see the choice rule's outcome before a user meets it.

use crate::connector::config::{Config, REQUIRED_USAGE_TYPES};
use crate::connector::locale::Locale;
use crate::connector::overseas::{Api, MessageText};
use crate::tools::doctor::{Check, Verdict};

/// One `locale` check per configured locale (templates first, then overseas texts), nothing
/// when the config has no localized entry.
pub fn checks(config: &Config) -> Vec<Check> {
    let texts = config
        .overseas
        .as_ref()
        .filter(|route| route.api == Api::SendMessageToGlobe)
        .and_then(|route| route.message.as_ref());
    let mut locales: Vec<&Locale> = Vec::new();
    let template_locales = config.templates.iter().filter_map(|t| t.locale.as_ref());
    let text_locales = texts.into_iter().flat_map(|texts| match texts {
        MessageText::Entries { entries, .. } => {
            entries.iter().filter_map(|e| e.locale.as_ref()).collect()
        }
        MessageText::Single(_) => Vec::new(),
    });
    for locale in template_locales.chain(text_locales) {
        if !locales.iter().any(|seen| seen.same(locale)) {
            locales.push(locale);
        }
    }
    // The required usage types, then every other one a template or an overseas text names.
    let text_usages = texts.into_iter().flat_map(|texts| match texts {
        MessageText::Entries { entries, .. } => {
            entries.iter().map(|e| e.usage_type.as_str()).collect()
        }
        MessageText::Single(_) => Vec::new(),
    });
    let template_usages = config.templates.iter().map(|t| t.usage_type.as_str());
    let mut usages: Vec<&str> = REQUIRED_USAGE_TYPES.to_vec();
    for usage in template_usages.chain(text_usages) {
        if !usages.contains(&usage) {
            usages.push(usage);
        }
    }
    locales
        .into_iter()
        .map(|locale| {
            let mut detail = String::new();
            for usage in &usages {
                let template = config.templates.pick(usage, Some(locale));
                push(
                    &mut detail,
                    usage,
                    "template",
                    &template.usage_type,
                    template.locale.as_ref(),
                );
                if let Some((_, Some(entry))) = texts.map(|t| t.pick(usage, Some(locale))) {
                    push(
                        &mut detail,
                        usage,
                        "overseas text",
                        &entry.usage_type,
                        entry.locale.as_ref(),
                    );
                }
            }
            Check::new("locale", Verdict::Ok, detail).about(locale.as_str())
        })
        .collect()
}

/// `SignIn → template SignIn [zh-CN]`, `Register → template Register (default)`.
fn push(detail: &mut String, usage: &str, kind: &str, entry: &str, locale: Option<&Locale>) {
    if !detail.is_empty() {
        detail.push_str("; ");
    }
    let locale = locale.map_or("(default)".to_string(), |l| format!("[{}]", l.as_str()));
    detail.push_str(&format!("{usage} → {kind} {entry} {locale}"));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::connector::config::validate;
    use crate::test_fixtures;

    #[test]
    fn one_check_per_configured_locale() {
        let fixture = test_fixtures::locales();
        let config = validate(&test_fixtures::config_with(fixture["config"].clone())).unwrap();
        let checks = checks(&config);
        let subjects: Vec<&str> = checks.iter().filter_map(|c| c.subject.as_deref()).collect();
        assert_eq!(
            subjects,
            ["en", "zh-TW", "zh-CN", "zh", "pt-BR", "pt-PT", "ja", "fr"]
        );
        assert!(checks
            .iter()
            .all(|c| c.name == "locale" && c.verdict == Verdict::Ok));
        let ja = &checks[6].detail;
        assert!(ja.contains("SignIn → template SignIn (default)"), "{ja}");
        assert!(
            ja.contains("MfaVerification → template Generic [ja]"),
            "{ja}"
        );
        assert!(ja.contains("Register → overseas text Generic [ja]"), "{ja}");
        let pt = &checks[4].detail;
        assert!(pt.contains("SignIn → overseas text SignIn [pt-BR]"), "{pt}");
        assert!(pt.contains("Register → template Register [pt-BR]"), "{pt}");
    }

    #[test]
    fn a_usage_type_only_an_overseas_text_names_has_its_row() {
        let config = validate(&test_fixtures::config_with(serde_json::json!({
            "overseas": {
                "accessKeyId": "intl-id",
                "accessKeySecret": "intl-secret-value",
                "message": [
                    { "usageType": "Generic", "text": "Code {{code}}" },
                    { "usageType": "OrganizationInvitation", "text": "Join: {{link}}" },
                    { "usageType": "OrganizationInvitation", "locale": "ja", "text": "招待 {{link}}" }
                ]
            }
        })))
        .unwrap();
        let checks = checks(&config);
        assert_eq!(checks.len(), 1);
        let ja = &checks[0].detail;
        assert!(
            ja.contains("OrganizationInvitation → overseas text OrganizationInvitation [ja]"),
            "{ja}"
        );
    }

    #[test]
    fn nothing_without_locales() {
        let config = validate(&test_fixtures::config()).unwrap();
        assert!(checks(&config).is_empty());
    }
}
