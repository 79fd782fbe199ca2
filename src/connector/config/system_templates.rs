//! The Message Authentication Service's system templates: what `api: "SendSmsVerifyCode"` sends
//! when the config has no `templates`. Kept apart from the template rules (`template.rs`), which
//! apply unchanged to templates the operator gives.

use super::{SmsTemplateType, Template, TemplateCode};

/// Aliyun's system template per Logto usage type (the codes the console lists).
pub const BY_USAGE_TYPE: [(&str, &str); 9] = [
    ("SignIn", "100001"),
    ("Register", "100001"),
    ("Generic", "100001"),
    ("OrganizationInvitation", "100001"),
    ("MfaVerification", "100001"),
    ("BindMfa", "100001"),
    ("BindNewIdentifier", "100002"),
    ("ForgotPassword", "100003"),
    ("UserPermissionValidation", "100005"),
];

/// The templates in force when none are configured, `Generic` among them.
pub fn all() -> Vec<Template> {
    BY_USAGE_TYPE
        .iter()
        .map(|(usage_type, code)| Template {
            usage_type: (*usage_type).to_string(),
            locale: None,
            code: TemplateCode::Single((*code).to_string()),
            sms_type: SmsTemplateType::VerificationCode,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_usage_type_logto_knows_has_a_system_template() {
        let data: serde_json::Value =
            serde_json::from_str(include_str!("../../../data/config-fields.json")).unwrap();
        let mut known: Vec<&str> = data["usageTypes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t.as_str().unwrap())
            .collect();
        let mut listed: Vec<&str> = BY_USAGE_TYPE.iter().map(|(t, _)| *t).collect();
        known.sort_unstable();
        listed.sort_unstable();
        assert_eq!(known, listed);
        assert!(all().iter().any(|t| t.usage_type == "Generic"));
    }
}
