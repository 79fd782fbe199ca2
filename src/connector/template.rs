//! Which Aliyun template a message uses, and the `TemplateParam` JSON it fills in.

use serde_json::{Map, Value};

use crate::connector::config::{Template, TemplateCode};
use crate::connector::phone::PhoneNumber;

/// Payload keys Logto adds for localisation. Aliyun rejects variables a template does not use,
/// and these are never template variables.
const LOCALE_KEYS: [&str; 2] = ["locale", "uiLocales"];

/// The template code for this number: the China or the overseas code of a regional template.
pub fn template_code<'a>(template: &'a Template, to: &PhoneNumber, strict: bool) -> &'a str {
    match &template.code {
        TemplateCode::Single(code) => code,
        TemplateCode::Regional { china, overseas } => {
            if to.is_china(strict) {
                china
            } else {
                overseas
            }
        }
    }
}

/// `TemplateParam`: a JSON object of the payload's string values, without the locale keys.
///
/// Logto core sends payloads such as `{ code, locale, uiLocales, application: {..}, user: {..} }`.
/// Aliyun verification templates take string variables only, so objects, numbers and the locale
/// keys are dropped rather than sent to fail. Keys come out sorted (serde_json's `Map` is
/// ordered), so the same payload always gives the same bytes.
pub fn template_param(payload: &Map<String, Value>) -> String {
    // Inserted one by one: collecting into a map would link a second (stable) sort into the .wasm.
    let mut params = Map::new();
    for (key, value) in payload {
        if value.is_string() && !LOCALE_KEYS.contains(&key.as_str()) {
            params.insert(key.clone(), value.clone());
        }
    }
    Value::Object(params).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::connector::config::SmsTemplateType;
    use serde_json::json;

    fn object(value: Value) -> Map<String, Value> {
        value.as_object().unwrap().clone()
    }

    #[test]
    fn keeps_only_string_values_and_drops_locales() {
        let payload = object(json!({
            "code": "123456",
            "locale": "zh-CN",
            "uiLocales": "zh-CN en",
            "link": "https://example.com/x",
            "application": { "name": "App" },
            "user": { "id": "u1" },
            "count": 3,
            "flag": true,
            "nothing": null,
            "list": ["a"]
        }));
        assert_eq!(
            template_param(&payload),
            r#"{"code":"123456","link":"https://example.com/x"}"#
        );
    }

    #[test]
    fn empty_payload_is_empty_object() {
        assert_eq!(template_param(&Map::new()), "{}");
        assert_eq!(template_param(&object(json!({ "locale": "en" }))), "{}");
    }

    #[test]
    fn strings_are_json_escaped() {
        let payload = object(json!({ "code": "a\"b\\c", "name": "中文" }));
        let param = template_param(&payload);
        assert_eq!(param, r#"{"code":"a\"b\\c","name":"中文"}"#);
        let back: Value = serde_json::from_str(&param).unwrap();
        assert_eq!(back["code"], "a\"b\\c");
    }

    #[test]
    fn picks_region_code() {
        let regional = Template {
            usage_type: "Register".into(),
            locale: None,
            code: TemplateCode::Regional {
                china: "CN".into(),
                overseas: "INT".into(),
            },
            sms_type: SmsTemplateType::VerificationCode,
        };
        let single = Template {
            code: TemplateCode::Single("ONE".into()),
            ..regional.clone()
        };
        let china = PhoneNumber::parse("13012345678").unwrap();
        let us = PhoneNumber::parse("+1 862 401 7194").unwrap();
        assert_eq!(template_code(&regional, &china, false), "CN");
        assert_eq!(template_code(&regional, &china, true), "INT");
        assert_eq!(template_code(&regional, &us, false), "INT");
        assert_eq!(template_code(&single, &us, false), "ONE");
        assert_eq!(template_code(&single, &china, true), "ONE");
    }
}
