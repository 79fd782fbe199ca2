//! Logto's `SendMessageData` (`{ to, type, payload }`) turned into the mainland call it needs:
//! the number checked ([`read`]), the template picked for its usage type and region, the
//! variables filled ([`send_sms`], or [`send_sms_verify_code`] for the Message Authentication
//! Service).

use serde_json::{Map, Value};

use crate::aliyun::api::send_sms::SendSms;
use crate::aliyun::api::send_sms_verify_code::SendSmsVerifyCode;
use crate::connector::config::{Config, Template, GENERIC_USAGE_TYPE};
use crate::connector::locale::{self, Locale};
use crate::connector::phone::PhoneNumber;
use crate::connector::template::{template_code, template_param};
use crate::error::{ErrorCode, Failure};
use crate::issue::type_name;
use crate::limits::{MAX_FIELD_BYTES, MAX_TEMPLATE_PARAM_BYTES, MAX_TO_CHARS};

/// A message that passed validation, before any route or template is picked.
#[derive(Debug, Clone, PartialEq)]
pub struct Message<'a> {
    pub phone: PhoneNumber,
    /// `Generic` when Logto gave none.
    pub usage_type: &'a str,
    /// `None` when Logto sent none: the same as an empty object.
    pub payload: Option<&'a Map<String, Value>>,
    /// `payload.locale`, when it is a well-formed tag: picks a localized template or text.
    pub locale: Option<Locale>,
}

/// Validates the message and builds the `SendSms` request for it with the top-level settings.
pub fn prepare(data: &Value, config: &Config) -> Result<SendSms, Failure> {
    send_sms(&read(data)?, config, &config.sign_name)
}

/// Validates Logto's `{ to, type, payload }`.
pub fn read(data: &Value) -> Result<Message<'_>, Failure> {
    let bad = |why: String| Failure::new(ErrorCode::InvalidRequestParameters, why);
    let Value::Object(data) = data else {
        return Err(bad(format!(
            "Message data must be an object, received {}",
            type_name(data)
        )));
    };
    let to = match data.get("to") {
        Some(Value::String(to)) => to,
        None | Some(Value::Null) => {
            return Err(bad("Message data has no `to` phone number".into()))
        }
        Some(other) => {
            return Err(bad(format!(
                "`to` must be a string, received {}",
                type_name(other)
            )))
        }
    };
    let usage_type = match data.get("type") {
        Some(Value::String(usage_type)) => usage_type.as_str(),
        None | Some(Value::Null) => GENERIC_USAGE_TYPE,
        Some(other) => {
            return Err(bad(format!(
                "`type` must be a string, received {}",
                type_name(other)
            )))
        }
    };
    let payload = match data.get("payload") {
        Some(Value::Object(payload)) => Some(payload),
        None | Some(Value::Null) => None,
        Some(other) => {
            return Err(bad(format!(
                "`payload` must be an object, received {}",
                type_name(other)
            )))
        }
    };
    if to.chars().count() > MAX_TO_CHARS {
        return Err(bad(format!(
            "Invalid `to`: longer than {MAX_TO_CHARS} characters"
        )));
    }
    if usage_type.len() > MAX_FIELD_BYTES {
        return Err(bad(format!(
            "`type` is longer than {MAX_FIELD_BYTES} bytes"
        )));
    }
    let phone = PhoneNumber::parse(to).map_err(|e| bad(format!("Invalid `to`: {e}")))?;
    Ok(Message {
        phone,
        usage_type,
        payload,
        locale: locale::from_payload(payload),
    })
}

/// The template for `message`'s usage type and locale.
pub fn template<'c>(message: &'c Message<'_>, config: &'c Config) -> &'c Template {
    config
        .templates
        .pick(message.usage_type, message.locale.as_ref())
}

/// The code of the template for `message`'s usage type, locale and region; an empty one is
/// refused here, when a message picks it.
fn template_code_for<'c>(message: &'c Message<'_>, config: &'c Config) -> Result<&'c str, Failure> {
    let template = template(message, config);
    let code = template_code(
        template,
        &message.phone,
        config.strict_phone_region_number_check,
    );
    if code.is_empty() {
        return Err(Failure::new(
            ErrorCode::InvalidConfig,
            format!(
                "The {} template has an empty templateCode for this number's region",
                template.usage_type
            ),
        ));
    }
    Ok(code)
}

/// `param` when it is within Aliyun's `TemplateParam` limit.
fn bounded_param(param: String) -> Result<String, Failure> {
    if param.len() > MAX_TEMPLATE_PARAM_BYTES {
        return Err(Failure::new(
            ErrorCode::InvalidRequestParameters,
            format!(
                "TemplateParam is {} bytes, more than the limit of {MAX_TEMPLATE_PARAM_BYTES}",
                param.len()
            ),
        ));
    }
    Ok(param)
}

/// The `SendSms` request for `message`: the template for its usage type and region, signed
/// with `sign_name`.
pub fn send_sms(
    message: &Message<'_>,
    config: &Config,
    sign_name: &str,
) -> Result<SendSms, Failure> {
    let code = template_code_for(message, config)?;
    let param = bounded_param(template_param(message.payload.unwrap_or(&Map::new())))?;
    Ok(SendSms {
        phone_numbers: message.phone.for_aliyun().to_string(),
        sign_name: sign_name.to_string(),
        template_code: code.to_string(),
        template_param: param,
    })
}

/// How long Logto's codes are valid, in minutes: the system templates print it as `${min}`.
pub const CODE_VALIDITY_MINUTES: &str = "10";

/// The `SendSmsVerifyCode` request for a mainland `message`: the template picked as for
/// `SendSms` (a `{ china, overseas }` code sends its `china` half), the national number, and
/// `min` added to the variables unless the payload has its own.
pub fn send_sms_verify_code(
    message: &Message<'_>,
    config: &Config,
) -> Result<SendSmsVerifyCode, Failure> {
    let strict = config.strict_phone_region_number_check;
    let Some(national) = message.phone.mainland_national(strict) else {
        return Err(Failure::new(
            ErrorCode::InvalidRequestParameters,
            MAINLAND_ONLY,
        ));
    };
    let code = template_code_for(message, config)?;
    let param = bounded_param(verify_code_param(message.payload.unwrap_or(&Map::new())))?;
    Ok(SendSmsVerifyCode {
        phone_number: national.to_string(),
        sign_name: config.sign_name.clone(),
        template_code: code.to_string(),
        template_param: param,
    })
}

/// Why a number outside mainland China cannot take `SendSmsVerifyCode`.
pub const MAINLAND_ONLY: &str = "SendSmsVerifyCode (Aliyun's Message Authentication Service) delivers to mainland China numbers only; configure an `overseas` route to reach other numbers";

/// [`template_param`] plus `min` (see [`CODE_VALIDITY_MINUTES`]) when the payload has no string
/// `min` of its own. A blank one counts as none: the template would print no number.
fn verify_code_param(payload: &Map<String, Value>) -> String {
    let own = payload.get("min").and_then(Value::as_str);
    if own.is_some_and(|min| !min.trim().is_empty()) {
        return template_param(payload);
    }
    let mut with_min = payload.clone();
    with_min.insert("min".into(), Value::String(CODE_VALIDITY_MINUTES.into()));
    template_param(&with_min)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::connector::config::validate;
    use serde_json::json;

    fn config(strict: bool) -> Config {
        validate(&crate::test_fixtures::config_with(
            json!({ "strictPhoneRegionNumberCheck": strict }),
        ))
        .unwrap()
    }

    fn send(data: Value, strict: bool) -> Result<SendSms, Failure> {
        prepare(&data, &config(strict))
    }

    #[test]
    fn picks_template_by_type_and_region() {
        let cases = [
            ("SignIn", "13012345678", false, "SMS_SIGNIN"),
            ("ForgotPassword", "13012345678", false, "SMS_FORGOT"),
            ("Register", "13012345678", false, "SMS_REG_CN"),
            ("Register", "13012345678", true, "SMS_REG_INT"),
            ("Register", "+86 130 1234 5678", true, "SMS_REG_CN"),
            ("Register", "+1 862-401-7194", false, "SMS_REG_INT"),
            ("Register", "+852 9123 4567", false, "SMS_REG_INT"),
            ("MfaVerification", "13012345678", false, "SMS_GENERIC"),
            ("BindNewIdentifier", "13012345678", false, "SMS_GENERIC"),
        ];
        for (usage, to, strict, expected) in cases {
            let request = send(
                json!({ "to": to, "type": usage, "payload": { "code": "1" } }),
                strict,
            )
            .unwrap();
            assert_eq!(request.template_code, expected, "{usage} {to} {strict}");
            assert_eq!(request.sign_name, "Logto");
        }
    }

    #[test]
    fn sends_digits_and_filtered_params() {
        let request = send(
            json!({
                "to": "+86 130-1234-5678",
                "type": "SignIn",
                "payload": { "code": "123456", "locale": "en", "uiLocales": "en", "user": { "id": 1 } }
            }),
            false,
        )
        .unwrap();
        assert_eq!(request.phone_numbers, "8613012345678");
        assert_eq!(request.template_param, r#"{"code":"123456"}"#);
    }

    #[test]
    fn missing_type_and_payload_use_generic_and_empty_params() {
        let request = send(json!({ "to": "13012345678" }), false).unwrap();
        assert_eq!(request.template_code, "SMS_GENERIC");
        assert_eq!(request.template_param, "{}");
    }

    #[test]
    fn empty_template_code_fails_only_when_picked() {
        let mut value = config(false).to_json();
        value["templates"]
            .as_array_mut()
            .unwrap()
            .push(json!({ "usageType": "BindMfa", "templateCode": "" }));
        value["templates"][1]["templateCode"] = json!({ "china": "SMS_REG_CN", "overseas": "" });
        let config = validate(&value).unwrap();
        let send = |usage: &str, to: &str| {
            prepare(
                &json!({ "to": to, "type": usage, "payload": { "code": "1" } }),
                &config,
            )
        };
        assert!(send("SignIn", "13012345678").is_ok());
        assert!(send("Register", "13012345678").is_ok());
        for (usage, to) in [("BindMfa", "13012345678"), ("Register", "+1 862 401 7194")] {
            let failure = send(usage, to).unwrap_err();
            assert_eq!(failure.code, ErrorCode::InvalidConfig);
            assert!(failure.data.error_description.contains(usage));
        }
    }

    #[test]
    fn bad_message_data_is_invalid_request_parameters() {
        for data in [
            json!(null),
            json!("13012345678"),
            json!({}),
            json!({ "to": 13012345678u64 }),
            json!({ "to": "not a phone" }),
            json!({ "to": "123" }),
            json!({ "to": "13012345678", "type": 1 }),
            json!({ "to": "13012345678", "payload": "123456" }),
        ] {
            let failure = send(data.clone(), false).unwrap_err();
            assert_eq!(failure.code, ErrorCode::InvalidRequestParameters, "{data}");
            assert!(!failure.data.error_description.is_empty());
        }
    }

    fn verify_code(data: Value, extra: Value) -> Result<SendSmsVerifyCode, Failure> {
        let config = validate(&crate::test_fixtures::with_fields(
            json!({ "accessKeyId": "id", "accessKeySecret": "secret", "signName": "速通互联验证码", "api": "SendSmsVerifyCode" }),
            extra,
        ))
        .unwrap();
        send_sms_verify_code(&read(&data).unwrap(), &config)
    }

    #[test]
    fn verify_code_sends_the_national_number_and_min() {
        for to in [
            "13012345678",
            "+86 130 1234 5678",
            "008613012345678",
            "8613012345678",
        ] {
            let request = verify_code(
                json!({ "to": to, "type": "SignIn", "payload": { "code": "123456", "locale": "zh-CN" } }),
                json!({}),
            )
            .unwrap();
            assert_eq!(request.phone_number, "13012345678", "{to}");
            assert_eq!(request.template_code, "100001");
            assert_eq!(request.sign_name, "速通互联验证码");
            assert_eq!(request.template_param, r#"{"code":"123456","min":"10"}"#);
        }
        // The payload's own string `min` wins; a non-string one is dropped as ever, and 10 sent.
        let request = verify_code(
            json!({ "to": "13012345678", "payload": { "code": "1", "min": "5" } }),
            json!({}),
        )
        .unwrap();
        assert_eq!(request.template_param, r#"{"code":"1","min":"5"}"#);
        let request = verify_code(
            json!({ "to": "13012345678", "payload": { "code": "1", "min": 5 } }),
            json!({}),
        )
        .unwrap();
        assert_eq!(request.template_param, r#"{"code":"1","min":"10"}"#);
        for blank in ["", " "] {
            let request = verify_code(
                json!({ "to": "13012345678", "payload": { "code": "1", "min": blank } }),
                json!({}),
            )
            .unwrap();
            assert_eq!(
                request.template_param, r#"{"code":"1","min":"10"}"#,
                "{blank:?}"
            );
        }
        let request = verify_code(json!({ "to": "13012345678" }), json!({})).unwrap();
        assert_eq!(request.template_param, r#"{"min":"10"}"#);
    }

    #[test]
    fn verify_code_system_templates_by_usage_type() {
        for (usage, expected) in [
            ("SignIn", "100001"),
            ("Register", "100001"),
            ("Generic", "100001"),
            ("OrganizationInvitation", "100001"),
            ("MfaVerification", "100001"),
            ("BindMfa", "100001"),
            ("BindNewIdentifier", "100002"),
            ("ForgotPassword", "100003"),
            ("UserPermissionValidation", "100005"),
            ("SomethingNew", "100001"),
        ] {
            let request =
                verify_code(json!({ "to": "13012345678", "type": usage }), json!({})).unwrap();
            assert_eq!(request.template_code, expected, "{usage}");
        }
    }

    #[test]
    fn verify_code_given_templates_follow_the_usual_rules() {
        let templates = json!([
            { "usageType": "SignIn", "templateCode": "100004" },
            { "usageType": "Register", "templateCode": { "china": "100001", "overseas": "SMS_INT" } },
            { "usageType": "ForgotPassword", "templateCode": "100003" },
            { "usageType": "Generic", "templateCode": "100002" }
        ]);
        let send = |usage: &str| {
            verify_code(
                json!({ "to": "+86 130 1234 5678", "type": usage }),
                json!({ "templates": templates, "strictPhoneRegionNumberCheck": true }),
            )
            .unwrap()
            .template_code
        };
        assert_eq!(send("SignIn"), "100004");
        assert_eq!(send("Register"), "100001");
        assert_eq!(send("BindMfa"), "100002");
    }

    #[test]
    fn verify_code_refuses_numbers_outside_mainland_china() {
        for (to, strict) in [("+1 862 401 7194", false), ("13012345678", true)] {
            let failure = verify_code(
                json!({ "to": to }),
                json!({ "strictPhoneRegionNumberCheck": strict }),
            )
            .unwrap_err();
            assert_eq!(failure.code, ErrorCode::InvalidRequestParameters);
            assert_eq!(failure.data.error_description, MAINLAND_ONLY);
        }
    }
}
