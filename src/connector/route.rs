//! Which way a message goes: mainland numbers on the top-level settings (with the API `api`
//! names), the rest through the `overseas` route when one is configured. One [`Prepared`] request comes out: the call, the
//! credentials and target that sign it, and how to read its answer.
//!
//! A number is mainland by the rule (and strict switch) that picks a template's `china` code,
//! so the template choice and the route never disagree.

use serde::Serialize;
use serde_json::{Map, Value};

use crate::aliyun::api::send_message_to_globe::{
    self, SendMessageToGlobe, SendMessageToGlobeResult,
};
use crate::aliyun::api::send_sms::{self, SendSms, SendSmsResult};
use crate::aliyun::api::send_sms_verify_code::{self, SendSmsVerifyCode, SendSmsVerifyCodeResult};
use crate::aliyun::call::{Call, Target};
use crate::aliyun::credential::{Credentials, Redactor};
use crate::connector::config::{Config, MainlandApi};
use crate::connector::locale::Locale;
use crate::connector::message::{self, Message};
use crate::connector::overseas::{Api, OverseasRoute};
use crate::connector::phone::PhoneNumber;
use crate::error::{Entry, ErrorCode, Failure};
use crate::limits::MAX_TEMPLATE_PARAM_BYTES;

/// A rendered `SendMessageToGlobe` text may be at most this long (as `TemplateParam` for `SendSms`).
pub const MAX_RENDERED_BYTES: usize = MAX_TEMPLATE_PARAM_BYTES;

/// The route a message took.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    /// The top-level settings.
    Mainland,
    /// The `overseas` route.
    Overseas,
}

impl Route {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Mainland => "mainland",
            Self::Overseas => "overseas",
        }
    }
}

/// The API call a message becomes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    SendSms(SendSms),
    SendSmsVerifyCode(SendSmsVerifyCode),
    SendMessageToGlobe(SendMessageToGlobe),
}

impl Request {
    pub fn api(&self) -> &'static str {
        match self {
            Self::SendSms(_) => send_sms::ACTION,
            Self::SendSmsVerifyCode(_) => send_sms_verify_code::ACTION,
            Self::SendMessageToGlobe(_) => send_message_to_globe::ACTION,
        }
    }

    pub fn call(&self) -> Call<'_> {
        match self {
            Self::SendSms(request) => request.call(),
            Self::SendSmsVerifyCode(request) => request.call(),
            Self::SendMessageToGlobe(request) => request.call(),
        }
    }

    /// Reads the answer to this request; `redactor` scrubs what a failure quotes of it.
    pub fn parse(&self, status: u16, body: &str, redactor: &Redactor) -> Result<Answer, Failure> {
        Ok(match self {
            Self::SendSms(_) => Answer::SendSms(send_sms::parse(status, body, redactor)?),
            Self::SendSmsVerifyCode(_) => {
                Answer::SendSmsVerifyCode(send_sms_verify_code::parse(status, body, redactor)?)
            }
            Self::SendMessageToGlobe(_) => {
                Answer::SendMessageToGlobe(send_message_to_globe::parse(status, body, redactor)?)
            }
        })
    }
}

/// An accepted message: the API's answer, with Alibaba Cloud's field names.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Answer {
    SendSms(SendSmsResult),
    SendSmsVerifyCode(SendSmsVerifyCodeResult),
    SendMessageToGlobe(SendMessageToGlobeResult),
}

/// What `sendMessage` resolves with: the answer, plus the route and API it took when an
/// overseas route is configured.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Sent {
    #[serde(flatten)]
    pub answer: Answer,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub route: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub api: Option<&'static str>,
    /// The template or text that served the message, when the config has localized entries.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entry: Option<Entry>,
}

/// A message ready to sign and send.
#[derive(Debug, Clone)]
pub struct Prepared<'a> {
    /// `None` when no overseas route is configured: results and failures stay as they were.
    pub route: Option<Route>,
    pub request: Request,
    /// The route's own AccessKey pair; `None`: the config's credentials (`credentialType`), which
    /// the boundary resolves, fetching temporary ones when they are due.
    pub credentials: Option<&'a Credentials>,
    pub target: Target<'a>,
    /// `None` when the config has no localized entry: results stay as they were.
    pub entry: Option<Entry>,
}

impl Prepared<'_> {
    /// Adds `route` and `api` to the outcome, when a route was chosen, and the entry used, when
    /// the config has localized ones (to a failure too: which template Aliyun refused).
    pub fn tag(&self, outcome: Result<Answer, Failure>) -> Result<Sent, Failure> {
        let api = self.request.api();
        match (outcome, self.route) {
            (Ok(answer), route) => Ok(Sent {
                answer,
                route: route.map(Route::as_str),
                api: route.map(|_| api),
                entry: self.entry.clone(),
            }),
            (Err(mut failure), route) => {
                failure.data.entry.clone_from(&self.entry);
                Err(tag_failure(failure, route, api))
            }
        }
    }
}

fn tagged(mut failure: Failure, route: Route, api: &'static str) -> Failure {
    failure.data.route = Some(route.as_str());
    failure.data.api = Some(api);
    failure
}

/// Validates `data` and builds its request on the route its number takes.
pub fn prepare<'a>(data: &Value, config: &'a Config) -> Result<Prepared<'a>, Failure> {
    let message = message::read(data)?;
    let mut prepared = prepare_message(&message, config)?;
    if config.localized() {
        prepared.entry = Some(entry(&message, config, &prepared.request));
    }
    Ok(prepared)
}

/// The entry `request` was built from, by the rule that picked it: a text for
/// `SendMessageToGlobe`, a template for the others.
fn entry(message: &Message<'_>, config: &Config, request: &Request) -> Entry {
    let texts = match request {
        Request::SendMessageToGlobe(_) => config
            .overseas
            .as_ref()
            .and_then(|overseas| overseas.message.as_ref()),
        Request::SendSms(_) | Request::SendSmsVerifyCode(_) => None,
    };
    match texts.map(|texts| texts.pick(message.usage_type, message.locale.as_ref()).1) {
        Some(Some(text)) => Entry::new(&text.usage_type, text.locale.as_ref().map(Locale::as_str)),
        Some(None) => Entry {
            usage_type: None,
            locale: None,
        },
        None => {
            let template = message::template(message, config);
            Entry::new(
                &template.usage_type,
                template.locale.as_ref().map(Locale::as_str),
            )
        }
    }
}

/// The route a message to `phone` takes: `None` without an `overseas` route, else the overseas
/// route for a number outside mainland China. `status` asks the same account a send used.
pub fn route_for(config: &Config, phone: &PhoneNumber) -> Option<Route> {
    config.overseas.as_ref()?;
    Some(if phone.is_china(config.strict_phone_region_number_check) {
        Route::Mainland
    } else {
        Route::Overseas
    })
}

/// `failure` as one on `route` with `api`, for a tool's call on a route's account.
pub fn tag_failure(failure: Failure, route: Option<Route>, api: &'static str) -> Failure {
    match route {
        Some(route) => tagged(failure, route, api),
        None => failure,
    }
}

fn prepare_message<'a>(message: &Message<'_>, config: &'a Config) -> Result<Prepared<'a>, Failure> {
    let route = route_for(config, &message.phone);
    let overseas = config.overseas.as_ref();
    let Some(overseas) = overseas.filter(|_| route == Some(Route::Overseas)) else {
        let request = mainland_request(message, config)
            .map_err(|failure| tag_failure(failure, route, config.api.as_str()))?;
        return Ok(Prepared {
            route,
            request,
            credentials: None,
            target: config.target(),
            entry: None,
        });
    };
    let request = overseas_request(message, config, overseas)
        .map_err(|failure| tagged(failure, Route::Overseas, overseas.api.as_str()))?;
    Ok(Prepared {
        route,
        request,
        credentials: overseas.credentials.as_ref(),
        target: overseas.target(),
        entry: None,
    })
}

/// The top-level settings' request, by `api`. `SendSmsVerifyCode` refuses a number outside
/// mainland China, which only reaches it when no overseas route is configured.
fn mainland_request(message: &Message<'_>, config: &Config) -> Result<Request, Failure> {
    Ok(match config.api {
        MainlandApi::SendSms => {
            Request::SendSms(message::send_sms(message, config, &config.sign_name)?)
        }
        MainlandApi::SendSmsVerifyCode => {
            Request::SendSmsVerifyCode(message::send_sms_verify_code(message, config)?)
        }
    })
}

fn overseas_request(
    message: &Message<'_>,
    config: &Config,
    route: &OverseasRoute,
) -> Result<Request, Failure> {
    match route.api {
        Api::SendSms => Ok(Request::SendSms(message::send_sms(
            message,
            config,
            &route.sign_name,
        )?)),
        Api::SendMessageToGlobe => {
            let Some(texts) = &route.message else {
                // Validation requires a message for this API; kept as a typed failure anyway.
                return Err(Failure::new(
                    ErrorCode::InvalidConfig,
                    "The overseas route has no message for SendMessageToGlobe",
                ));
            };
            let text = texts
                .pick(message.usage_type, message.locale.as_ref())
                .0
                .render(message.payload.unwrap_or(&Map::new()))
                .map_err(|missing| {
                    Failure::new(
                        ErrorCode::InvalidRequestParameters,
                        format!(
                            "The overseas message needs {{{{{missing}}}}}, but the payload has no string `{missing}`"
                        ),
                    )
                })?;
            if text.len() > MAX_RENDERED_BYTES {
                return Err(Failure::new(
                    ErrorCode::InvalidRequestParameters,
                    format!(
                        "The overseas message is {} bytes, more than the limit of {MAX_RENDERED_BYTES}",
                        text.len()
                    ),
                ));
            }
            Ok(Request::SendMessageToGlobe(SendMessageToGlobe {
                to: message.phone.for_aliyun().to_string(),
                from: route.from.clone(),
                message: text,
            }))
        }
    }
}

/// The redactor for every credential in play: the top-level secret and token, and the route's.
pub fn redactor(config: &Config) -> Redactor {
    let route = config
        .overseas
        .as_ref()
        .and_then(|route| route.credentials.as_ref());
    let all = [config.credentials.access_key(), route]
        .into_iter()
        .flatten();
    Redactor::new(all.flat_map(|credentials| {
        std::iter::once(&credentials.access_key_secret).chain(credentials.security_token.as_ref())
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The key id that signs `prepared`: the route's own, else the config's AccessKey pair.
    fn key_id<'a>(prepared: &Prepared<'a>, config: &'a Config) -> &'a str {
        prepared
            .credentials
            .or(config.credentials.fixed())
            .map(|credentials| credentials.access_key_id.as_str())
            .unwrap()
    }
    use crate::aliyun::call::SignatureVersion;
    use crate::connector::config::validate;
    use crate::test_fixtures::{self, ACCESS_KEY_ID, ACCESS_KEY_SECRET};
    use serde_json::json;

    fn sms_answer() -> Answer {
        Answer::SendSms(
            send_sms::parse(
                200,
                r#"{"Code":"OK","Message":"OK","RequestId":"R"}"#,
                &Redactor::none(),
            )
            .unwrap(),
        )
    }

    fn globe_answer() -> Answer {
        Answer::SendMessageToGlobe(
            send_message_to_globe::parse(
                200,
                r#"{"ResponseCode":"OK","RequestId":"R"}"#,
                &Redactor::none(),
            )
            .unwrap(),
        )
    }

    /// The shared fixture (its key pair is the mainland account) with an overseas route.
    fn configured(strict: bool, overseas: Value) -> Config {
        validate(&test_fixtures::config_with(json!({
            "strictPhoneRegionNumberCheck": strict,
            "overseas": overseas
        })))
        .unwrap()
    }

    fn globe() -> Value {
        json!({
            "accessKeyId": "intl-id",
            "accessKeySecret": "intl-secret-value",
            "from": "Logto",
            "message": { "Generic": "Code {{code}}", "SignIn": "Hi {{name}}, sign in with {{code}}" }
        })
    }

    fn send<'a>(config: &'a Config, to: &str, usage: &str) -> Result<Prepared<'a>, Failure> {
        let data =
            json!({ "to": to, "type": usage, "payload": { "code": "123456", "name": "Ada" } });
        prepare(&data, config)
    }

    #[test]
    fn mainland_and_overseas_numbers_take_their_routes() {
        for strict in [false, true] {
            let config = configured(strict, globe());
            for (to, expected) in [
                ("+86 130 1234 5678", Route::Mainland),
                ("8613012345678", Route::Mainland),
                (
                    "13012345678",
                    if strict {
                        Route::Overseas
                    } else {
                        Route::Mainland
                    },
                ),
                ("+1 862 401 7194", Route::Overseas),
                ("+852 9123 4567", Route::Overseas),
                ("+44 7700 900123", Route::Overseas),
            ] {
                let prepared = send(&config, to, "Generic").unwrap();
                assert_eq!(prepared.route, Some(expected), "{to} strict={strict}");
                // `status` asks the account the send used.
                let phone = PhoneNumber::parse(to).unwrap();
                assert_eq!(route_for(&config, &phone), Some(expected));
                match expected {
                    Route::Mainland => {
                        assert_eq!(key_id(&prepared, &config), ACCESS_KEY_ID);
                        assert_eq!(prepared.target.region_id, Some("cn-hangzhou"));
                        assert!(matches!(prepared.request, Request::SendSms(_)));
                    }
                    Route::Overseas => {
                        assert_eq!(key_id(&prepared, &config), "intl-id");
                        assert_eq!(prepared.target.region_id, Some("ap-southeast-1"));
                        assert_eq!(
                            prepared.target.endpoint.to_string(),
                            "https://dysmsapi.ap-southeast-1.aliyuncs.com/"
                        );
                        let Request::SendMessageToGlobe(request) = &prepared.request else {
                            panic!("{:?}", prepared.request);
                        };
                        assert_eq!(request.message, "Code 123456");
                        assert_eq!(request.from.as_deref(), Some("Logto"));
                        assert!(!request.to.starts_with('+'));
                    }
                }
            }
        }
    }

    #[test]
    fn without_a_route_nothing_changes() {
        let config = configured(false, Value::Null);
        let prepared = send(&config, "+1 862 401 7194", "Register").unwrap();
        assert_eq!(prepared.route, None);
        let phone = PhoneNumber::parse("+1 862 401 7194").unwrap();
        assert_eq!(route_for(&config, &phone), None);
        let Request::SendSms(request) = &prepared.request else {
            panic!()
        };
        assert_eq!(request.template_code, "SMS_REG_INT");
        assert_eq!(request.sign_name, "Logto");
        let outcome = prepared.tag(Ok(sms_answer())).unwrap();
        assert_eq!(
            serde_json::to_value(outcome).unwrap(),
            json!({ "Code": "OK", "Message": "OK", "RequestId": "R" })
        );
    }

    #[test]
    fn overseas_send_sms_uses_the_overseas_code_and_the_route_sign_name() {
        let mut route = globe();
        route["api"] = json!("SendSms");
        route["signName"] = json!("IntlSign");
        let config = configured(false, route);
        let prepared = send(&config, "+44 7700 900123", "Register").unwrap();
        let Request::SendSms(request) = &prepared.request else {
            panic!()
        };
        assert_eq!(request.template_code, "SMS_REG_INT");
        assert_eq!(request.sign_name, "IntlSign");
        assert_eq!(request.phone_numbers, "447700900123");
        assert_eq!(key_id(&prepared, &config), "intl-id");
        // The single code when the template has one; the top-level sign name by default.
        let mut route = globe();
        route["api"] = json!("SendSms");
        let config = configured(false, route);
        let prepared = send(&config, "+44 7700 900123", "SignIn").unwrap();
        let Request::SendSms(request) = &prepared.request else {
            panic!()
        };
        assert_eq!(request.template_code, "SMS_SIGNIN");
        assert_eq!(request.sign_name, "Logto");
    }

    #[test]
    fn credentials_fall_back_when_all_three_are_absent() {
        let mut route = globe();
        let object = route.as_object_mut().unwrap();
        object.remove("accessKeyId");
        object.remove("accessKeySecret");
        object.insert("signatureVersion".into(), json!("v3"));
        let config = configured(false, route);
        let prepared = send(&config, "+852 9123 4567", "SignIn").unwrap();
        assert_eq!(prepared.credentials, None, "the top-level credentials");
        assert_eq!(key_id(&prepared, &config), ACCESS_KEY_ID);
        assert_eq!(prepared.target.signature_version, SignatureVersion::V3);
        let Request::SendMessageToGlobe(request) = &prepared.request else {
            panic!()
        };
        assert_eq!(request.message, "Hi Ada, sign in with 123456");
    }

    #[test]
    fn a_missing_placeholder_fails_before_sending_and_names_the_route() {
        let mut route = globe();
        route["message"] = json!("{{code}} for {{user}}");
        let config = configured(false, route);
        let failure = send(&config, "+1 862 401 7194", "SignIn").unwrap_err();
        assert_eq!(failure.code, ErrorCode::InvalidRequestParameters);
        assert!(
            failure.data.error_description.contains("{{user}}"),
            "{}",
            failure.data.error_description
        );
        assert_eq!(failure.data.route, Some("overseas"));
        assert_eq!(failure.data.api, Some("SendMessageToGlobe"));
        // Mainland numbers never render the text.
        assert!(send(&config, "13012345678", "SignIn").is_ok());
    }

    #[test]
    fn outcomes_are_tagged_with_route_and_api() {
        let config = configured(false, globe());
        let prepared = send(&config, "+1 862 401 7194", "SignIn").unwrap();
        let ok = serde_json::to_value(prepared.tag(Ok(globe_answer())).unwrap()).unwrap();
        assert_eq!(
            ok,
            json!({ "ResponseCode": "OK", "RequestId": "R", "route": "overseas", "api": "SendMessageToGlobe" })
        );
        let failure = prepared
            .tag(Err(Failure::new(ErrorCode::General, "x")))
            .unwrap_err();
        let json = serde_json::to_value(&failure).unwrap();
        assert_eq!(json["data"]["route"], "overseas");
        assert_eq!(json["data"]["api"], "SendMessageToGlobe");
        let prepared = send(&config, "13012345678", "SignIn").unwrap();
        let ok = serde_json::to_value(prepared.tag(Ok(sms_answer())).unwrap()).unwrap();
        assert_eq!(ok["route"], "mainland");
        assert_eq!(ok["api"], "SendSms");
        // Bad numbers fail before any route is chosen.
        let failure = send(&config, "not a number", "SignIn").unwrap_err();
        assert_eq!(failure.data.route, None);
    }

    #[test]
    fn redaction_covers_both_accounts() {
        let config = configured(false, globe());
        let mut text = format!("{ACCESS_KEY_SECRET} and intl-secret-value");
        redactor(&config).redact_in(&mut text);
        assert_eq!(text, "*** and ***");
    }

    #[test]
    fn parse_dispatches_by_api() {
        let globe = Request::SendMessageToGlobe(SendMessageToGlobe {
            to: "1".into(),
            from: None,
            message: "m".into(),
        });
        assert_eq!(
            globe
                .parse(
                    200,
                    r#"{"ResponseCode":"OK","RequestId":"R"}"#,
                    &Redactor::none()
                )
                .map(|answer| matches!(answer, Answer::SendMessageToGlobe(_))),
            Ok(true)
        );
        assert_eq!(
            globe
                .parse(
                    200,
                    r#"{"ResponseCode":"NOT_SUPPORTED_COUNTRY"}"#,
                    &Redactor::none()
                )
                .unwrap_err()
                .code,
            ErrorCode::InvalidRequestParameters
        );
        let sms = Request::SendSms(SendSms {
            phone_numbers: "1".into(),
            sign_name: "s".into(),
            template_code: "t".into(),
            template_param: "{}".into(),
        });
        assert_eq!(
            sms.parse(200, r#"{"Code":"OK","RequestId":"R"}"#, &Redactor::none())
                .map(|answer| matches!(answer, Answer::SendSms(_))),
            Ok(true)
        );
        // A SendMessageToGlobe answer is not a SendSms one.
        assert_eq!(
            sms.parse(200, r#"{"ResponseCode":"OK"}"#, &Redactor::none())
                .unwrap_err()
                .code,
            ErrorCode::InvalidResponse
        );
    }

    /// The choice table of `tests/fixtures/locales.json`, every step, both kinds of entry, for
    /// `SendSms` and for the Message Authentication Service's `SendSmsVerifyCode`.
    #[test]
    fn localized_entries_follow_the_choice_table() {
        let fixture = test_fixtures::locales();
        let cases = fixture["cases"].as_array().unwrap();
        assert!(cases.len() >= 20);
        for api in ["SendSms", "SendSmsVerifyCode"] {
            let mut fields = fixture["config"].clone();
            fields["api"] = json!(api);
            let config = validate(&test_fixtures::config_with(fields)).unwrap();
            for case in cases {
                let mut payload = json!({ "code": "123456", "uiLocales": "fr" });
                if let Some(locale) = case.get("locale") {
                    payload["locale"] = locale.clone();
                }
                let data = json!({ "to": case["to"], "type": case["type"], "payload": payload });
                let prepared = prepare(&data, &config).unwrap();
                match &prepared.request {
                    Request::SendSms(request) => {
                        assert_eq!(api, "SendSms");
                        assert_eq!(request.template_code, case["templateCode"], "{case}");
                        // The locale keys never reach the template.
                        assert_eq!(request.template_param, r#"{"code":"123456"}"#);
                    }
                    Request::SendSmsVerifyCode(request) => {
                        assert_eq!(api, "SendSmsVerifyCode");
                        assert_eq!(request.template_code, case["templateCode"], "{case}");
                        assert_eq!(request.template_param, r#"{"code":"123456","min":"10"}"#);
                    }
                    Request::SendMessageToGlobe(request) => {
                        assert_eq!(request.message, case["message"], "{case}")
                    }
                }
                let entry = serde_json::to_value(prepared.entry.as_ref().unwrap()).unwrap();
                assert_eq!(entry, case["entry"], "{api} {case}");
                // A refusal of that message names the same entry.
                let refused = Failure::new(ErrorCode::InvalidConfig, "refused");
                let failure = prepared.tag(Err(refused)).unwrap_err();
                let named = serde_json::to_value(failure.data.entry.as_ref().unwrap()).unwrap();
                assert_eq!(named, case["entry"], "{api} {case}");
            }
        }
    }

    /// The overseas route's `SendSms` picks localized templates by the same rule, and sends the
    /// `overseas` half of a regional code.
    #[test]
    fn overseas_send_sms_picks_localized_templates() {
        let mut fields = test_fixtures::locales()["config"].clone();
        fields["overseas"] =
            json!({ "api": "SendSms", "accessKeyId": "intl-id", "accessKeySecret": "intl-secret" });
        let config = validate(&test_fixtures::config_with(fields)).unwrap();
        for (usage, locale, code, entry) in [
            (
                "SignIn",
                "zh-HK",
                "SMS_SIGNIN_ZH",
                json!({ "usageType": "SignIn", "locale": "zh" }),
            ),
            (
                "Register",
                "pt-BR",
                "SMS_REG_PT_BR",
                json!({ "usageType": "Register", "locale": "pt-BR" }),
            ),
            (
                "Register",
                "ja",
                "SMS_REG_INT",
                json!({ "usageType": "Register" }),
            ),
        ] {
            let data = json!({ "to": "447700900123", "type": usage, "payload": { "code": "1", "locale": locale } });
            let prepared = prepare(&data, &config).unwrap();
            assert_eq!(prepared.route, Some(Route::Overseas));
            let Request::SendSms(request) = &prepared.request else {
                panic!("{:?}", prepared.request)
            };
            assert_eq!(request.template_code, code, "{usage} {locale}");
            assert_eq!(
                serde_json::to_value(prepared.entry.as_ref().unwrap()).unwrap(),
                entry
            );
        }
    }

    /// Without a locale in the config, results carry no `entry`, whatever the payload's locale.
    #[test]
    fn unlocalized_configs_add_no_entry() {
        let config = configured(false, globe());
        for to in ["8613012345678", "447700900123"] {
            let data = json!({ "to": to, "type": "SignIn", "payload": { "code": "1", "name": "Ada", "locale": "zh-CN" } });
            let prepared = prepare(&data, &config).unwrap();
            assert_eq!(prepared.entry, None);
            let sent = prepared.tag(Ok(sms_answer())).unwrap();
            assert!(serde_json::to_value(&sent).unwrap().get("entry").is_none());
            let refused = Failure::new(ErrorCode::InvalidConfig, "refused");
            let failure = prepared.tag(Err(refused)).unwrap_err();
            assert!(serde_json::to_value(&failure).unwrap()["data"]
                .get("entry")
                .is_none());
        }
    }

    fn verify_code_config(overseas: Value) -> Config {
        validate(&test_fixtures::config_with(json!({
            "api": "SendSmsVerifyCode",
            "signName": "速通互联验证码",
            "templates": null,
            "overseas": overseas
        })))
        .unwrap()
    }

    #[test]
    fn verify_code_mainland_numbers_and_the_overseas_route() {
        let config = verify_code_config(globe());
        let prepared = send(&config, "+86 130 1234 5678", "ForgotPassword").unwrap();
        assert_eq!(prepared.route, Some(Route::Mainland));
        assert_eq!(
            prepared.target.endpoint.to_string(),
            "https://dypnsapi.aliyuncs.com/"
        );
        assert_eq!(prepared.target.region_id, Some("cn-hangzhou"));
        assert_eq!(key_id(&prepared, &config), ACCESS_KEY_ID);
        let Request::SendSmsVerifyCode(request) = &prepared.request else {
            panic!("{:?}", prepared.request);
        };
        assert_eq!(request.phone_number, "13012345678");
        assert_eq!(request.template_code, "100003");
        assert_eq!(prepared.request.api(), "SendSmsVerifyCode");
        let call = prepared.request.call();
        assert_eq!(call.action, "SendSmsVerifyCode");
        assert_eq!(call.parameters.first(), Some(&("CountryCode", "86")));
        // Other numbers take the route, as with SendSms.
        let prepared = send(&config, "+852 9123 4567", "ForgotPassword").unwrap();
        assert_eq!(prepared.route, Some(Route::Overseas));
        assert!(matches!(prepared.request, Request::SendMessageToGlobe(_)));
        assert_eq!(key_id(&prepared, &config), "intl-id");
        // Results carry the route and the API.
        let prepared = send(&config, "13012345678", "SignIn").unwrap();
        let answer = prepared
            .request
            .parse(200, r#"{"Code":"OK","Message":"OK","RequestId":"R","Success":true,"Model":{"BizId":"B"}}"#, &Redactor::none())
            .unwrap();
        let ok = serde_json::to_value(prepared.tag(Ok(answer)).unwrap()).unwrap();
        assert_eq!(
            ok,
            json!({ "Code": "OK", "Message": "OK", "RequestId": "R", "Success": true, "Model": { "BizId": "B" }, "route": "mainland", "api": "SendSmsVerifyCode" })
        );
        let failure = prepared
            .tag(Err(Failure::new(ErrorCode::RateLimitExceeded, "x")))
            .unwrap_err();
        assert_eq!(failure.data.api, Some("SendSmsVerifyCode"));
        assert_eq!(failure.data.route, Some("mainland"));
    }

    #[test]
    fn verify_code_without_a_route_refuses_other_numbers_before_any_request() {
        let config = verify_code_config(Value::Null);
        for to in ["+1 862 401 7194", "+44 7700 900123", "+852 9123 4567"] {
            let failure = send(&config, to, "SignIn").unwrap_err();
            assert_eq!(failure.code, ErrorCode::InvalidRequestParameters);
            assert!(
                failure
                    .data
                    .error_description
                    .contains("mainland China numbers only")
                    && failure.data.error_description.contains("overseas"),
                "{}",
                failure.data.error_description
            );
            assert_eq!(failure.data.route, None);
        }
        let prepared = send(&config, "13012345678", "SignIn").unwrap();
        assert_eq!(prepared.route, None);
        let outcome = prepared
            .tag(Ok(Answer::SendSmsVerifyCode(
                send_sms_verify_code::parse(
                    200,
                    r#"{"Code":"OK","RequestId":"R"}"#,
                    &Redactor::none(),
                )
                .unwrap(),
            )))
            .unwrap();
        assert_eq!(
            serde_json::to_value(outcome).unwrap(),
            json!({ "Code": "OK", "Message": "OK", "RequestId": "R" })
        );
    }
}
