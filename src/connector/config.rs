//! Connector config: untyped JSON in, a typed [`Config`] with every default filled in out.
//!
//! The rules are the TypeScript connector's zod guard, a little stricter (credentials and codes
//! must be non-empty), plus the new optional fields. Every problem is reported at once, each with
//! a path and a message, like zod's `issues`.

use serde_json::{json, Map, Value};

mod credentials;
mod system_templates;

use crate::aliyun::api::{send_sms, send_sms_verify_code};
use crate::aliyun::call::{SignatureVersion, Target};
use crate::aliyun::credential::provider::CredentialSource;
use crate::aliyun::credential::Secret;
use crate::aliyun::endpoint::{Endpoint, DEFAULT_ENDPOINT};
use crate::connector::blank::{field, is_blank};
use crate::connector::check::{self, Refusal};
use crate::connector::locale::{self, Locale};
use crate::connector::overseas::{self, OverseasRoute};
use crate::issue::{type_name, Issue, IssueCode, PathSegment};
use crate::limits::{clip, MAX_FIELD_BYTES, MAX_SECURITY_TOKEN_BYTES, MAX_TEMPLATES};

/// Usage types Logto needs for its full sign-up, sign-in and password-reset flows.
pub const REQUIRED_USAGE_TYPES: [&str; 4] = ["Register", "SignIn", "ForgotPassword", "Generic"];
/// The usage type used when no template matches the requested one.
pub const GENERIC_USAGE_TYPE: &str = "Generic";
pub const DEFAULT_REGION_ID: &str = "cn-hangzhou";
pub const DEFAULT_TIMEOUT_MS: u32 = 10_000;
/// Bounds for `timeout`: long enough for a slow network, short enough that a sign-in never hangs.
pub const TIMEOUT_RANGE_MS: std::ops::RangeInclusive<u32> = 100..=60_000;

/// Aliyun's template type. Only used to round-trip the config; Aliyun does not need it to send.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmsTemplateType {
    Notification = 0,
    Promotion = 1,
    VerificationCode = 2,
    InternationalMessage = 6,
    PureNumber = 7,
}

impl SmsTemplateType {
    fn from_number(n: u64) -> Option<Self> {
        Some(match n {
            0 => Self::Notification,
            1 => Self::Promotion,
            2 => Self::VerificationCode,
            6 => Self::InternationalMessage,
            7 => Self::PureNumber,
            _ => return None,
        })
    }
}

/// Which API the top-level (mainland) settings send with: `api`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum MainlandApi {
    /// `SendSms` with the account's approved signature and templates: today's behaviour.
    #[default]
    SendSms,
    /// The Message Authentication Service: system signatures and templates, mainland numbers only.
    SendSmsVerifyCode,
}

impl MainlandApi {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::SendSms => send_sms::ACTION,
            Self::SendSmsVerifyCode => send_sms_verify_code::ACTION,
        }
    }

    /// The endpoint when `endpoint` is not given.
    pub fn default_endpoint(self) -> &'static str {
        match self {
            Self::SendSms => DEFAULT_ENDPOINT,
            Self::SendSmsVerifyCode => send_sms_verify_code::DEFAULT_ENDPOINT,
        }
    }
}

/// One template code for every number, or one per region.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TemplateCode {
    Single(String),
    Regional { china: String, overseas: String },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    pub usage_type: String,
    /// The language this template is in; `None`: the one for every language without its own.
    pub locale: Option<Locale>,
    pub code: TemplateCode,
    pub sms_type: SmsTemplateType,
}

/// The configured templates. Only validation builds one, and it requires the required usage
/// types without a locale, so the `Generic` fallback always exists and picking cannot fail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Templates {
    all: Vec<Template>,
    /// The first `Generic` template without a locale.
    generic: Template,
}

impl Templates {
    /// `all`, when it has a `Generic` template without a locale.
    fn new(all: Vec<Template>) -> Option<Self> {
        let generic = all
            .iter()
            .find(|t| t.usage_type == GENERIC_USAGE_TYPE && t.locale.is_none())?
            .clone();
        Some(Self { all, generic })
    }

    /// The template for `usage_type` in `locale` by [`locale::choose`]'s rule among that usage
    /// type's templates, else among the `Generic` ones. Without any `locale` in the config this is
    /// the first template for `usage_type`, else the first `Generic` one (as Logto's
    /// `getConfigTemplateByType` does).
    pub fn pick<'a>(&'a self, usage_type: &'a str, locale: Option<&Locale>) -> &'a Template {
        let of = |usage: &'a str| self.all.iter().filter(move |t| t.usage_type == usage);
        locale::choose(of(usage_type), locale, |t| t.locale.as_ref())
            .or_else(|| locale::choose(of(GENERIC_USAGE_TYPE), locale, |t| t.locale.as_ref()))
            .unwrap_or(&self.generic)
    }

    pub fn iter(&self) -> impl Iterator<Item = &Template> {
        self.all.iter()
    }

    /// Whether any template has a `locale`.
    pub fn localized(&self) -> bool {
        self.all.iter().any(|t| t.locale.is_some())
    }
}

/// A validated connector config.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// What signs the calls: the AccessKey pair, or where temporary credentials come from
    /// (`credentialType`, see `config/credentials.rs`).
    pub credentials: CredentialSource,
    pub signature_version: SignatureVersion,
    pub sign_name: String,
    pub templates: Templates,
    pub strict_phone_region_number_check: bool,
    /// The API mainland numbers are sent with.
    pub api: MainlandApi,
    pub endpoint: Endpoint,
    pub region_id: String,
    pub timeout_ms: u32,
    /// Where non-mainland numbers go instead, when configured (see [`overseas`]).
    pub overseas: Option<OverseasRoute>,
}

/// Collects issues while walking the JSON.
#[derive(Default)]
struct Checker {
    issues: Vec<Issue>,
}

impl Checker {
    fn report(&mut self, code: IssueCode, path: &[PathSegment], message: impl Into<String>) {
        self.issues.push(Issue {
            code,
            path: path.to_vec(),
            message: message.into(),
        });
    }

    /// Reports a problem at `path`; `None`, for the reader to return.
    fn refuse<T>(
        &mut self,
        code: IssueCode,
        path: &[PathSegment],
        message: impl Into<String>,
    ) -> Option<T> {
        self.report(code, path, message);
        None
    }

    /// [`Checker::refuse`] with a [`check`]'s refusal.
    fn refused<T>(&mut self, path: &[PathSegment], (code, message): Refusal) -> Option<T> {
        self.refuse(code, path, message)
    }

    /// The value of a [`check`], or `None` with its refusal reported at `path`.
    fn checked<T>(&mut self, path: &[PathSegment], result: Result<T, Refusal>) -> Option<T> {
        result.map_or_else(|refusal| self.refused(path, refusal), Some)
    }

    /// A required non-empty string at `object[key]`.
    fn required_string(&mut self, object: &Map<String, Value>, key: &str) -> Option<String> {
        self.non_empty_string(object.get(key), &[key.into()])
    }

    fn non_empty_string(&mut self, value: Option<&Value>, path: &[PathSegment]) -> Option<String> {
        self.bounded_string(value, path, MAX_FIELD_BYTES)
    }

    /// A required non-empty string of at most `max` bytes, without surrounding whitespace.
    fn bounded_string(
        &mut self,
        value: Option<&Value>,
        path: &[PathSegment],
        max: usize,
    ) -> Option<String> {
        match value {
            None | Some(Value::Null) => self.refuse(IssueCode::InvalidType, path, "Required"),
            Some(value) => self
                .checked(path, check::clean_string(value, max))
                .map(str::to_string),
        }
    }

    /// A template code: a string, possibly empty. The TypeScript connector accepts `""` for
    /// templates that are never used, so a config that worked there must validate here; an empty
    /// code is refused only when its template is picked for a message. A missing or blank code
    /// is the same as `""`: that is what Logto stores once `clean-deep` has removed it.
    fn template_code_string(
        &mut self,
        value: Option<&Value>,
        path: &[PathSegment],
    ) -> Option<String> {
        match value.filter(|value| !is_blank(value)) {
            None => Some(String::new()),
            other => self.non_empty_string(other, path),
        }
    }

    /// An optional string; missing, blank (see [`crate::connector::blank`]) and whitespace mean "use the
    /// default", as an emptied form field does.
    fn optional_string(&mut self, object: &Map<String, Value>, key: &str) -> Option<String> {
        match field(object, key) {
            None => None,
            Some(Value::String(s)) if s.trim().is_empty() => None,
            Some(Value::String(s)) => Some(s.trim().to_string()),
            Some(other) => self.refused(&[key.into()], check::expected("string", other)),
        }
    }

    /// [`Checker::optional_string`], telling "not given" (`Some(None)`) from "reported"
    /// (`None`).
    fn optional_text(&mut self, object: &Map<String, Value>, key: &str) -> Option<Option<String>> {
        let before = self.issues.len();
        let text = self.optional_string(object, key);
        (self.issues.len() == before).then_some(text)
    }

    fn template(&mut self, value: &Value, index: usize) -> Option<Template> {
        let path = |key: &str| vec![PathSegment::from("templates"), index.into(), key.into()];
        let object = self.checked(&["templates".into(), index.into()], check::object(value))?;
        let usage_type = self.non_empty_string(object.get("usageType"), &path("usageType"));
        let locale = self.checked(&path("locale"), locale::field(object.get("locale")));
        let code = match field(object, "templateCode") {
            // Missing, `""`, or `{}` and `{ china: "", overseas: "" }` (which `clean-deep` removes
            // whole): one empty code, refused only when the template is picked.
            None => Some(TemplateCode::Single(String::new())),
            Some(Value::Object(regional)) => {
                let china = self.template_code_string(
                    regional.get("china"),
                    &[&path("templateCode")[..], &["china".into()]].concat(),
                );
                let overseas = self.template_code_string(
                    regional.get("overseas"),
                    &[&path("templateCode")[..], &["overseas".into()]].concat(),
                );
                // Both halves empty is one empty code (what `to_json` writes for it, so the
                // parsed config round-trips).
                china.zip(overseas).map(|(china, overseas)| {
                    if china.is_empty() && overseas.is_empty() {
                        TemplateCode::Single(String::new())
                    } else {
                        TemplateCode::Regional { china, overseas }
                    }
                })
            }
            Some(value @ Value::String(_)) => self
                .template_code_string(Some(value), &path("templateCode"))
                .map(TemplateCode::Single),
            Some(other) => self.refused(
                &path("templateCode"),
                check::expected("string or { china, overseas }", other),
            ),
        };
        let sms_type = match field(object, "type") {
            None => Some(SmsTemplateType::VerificationCode),
            Some(value) => {
                let parsed = value.as_u64().and_then(SmsTemplateType::from_number);
                if parsed.is_none() {
                    self.report(
                        IssueCode::InvalidEnumValue,
                        &path("type"),
                        format!("Expected 0 | 1 | 2 | 6 | 7, received {}", described(value)),
                    );
                }
                parsed
            }
        };
        Some(Template {
            usage_type: usage_type?,
            locale: locale?,
            code: code?,
            sms_type: sms_type?,
        })
    }

    fn templates(&mut self, value: Option<&Value>) -> Option<Templates> {
        let path = ["templates".into()];
        // `[]` (or only blank entries) stays an array, so the issue names the missing usage types.
        let items = match value {
            Some(Value::Array(items)) => items,
            None | Some(Value::Null) => {
                return self.refuse(IssueCode::InvalidType, &path, "Required")
            }
            Some(other) => return self.refused(&path, check::expected("array", other)),
        };
        if items.len() > MAX_TEMPLATES {
            return self.refuse(
                IssueCode::TooBig,
                &path,
                format!(
                    "Must contain at most {MAX_TEMPLATES} templates, received {}",
                    items.len()
                ),
            );
        }
        // An entry with nothing in it is skipped: `clean-deep` drops it from the array. Paths keep
        // the index the operator wrote.
        let parsed: Vec<(usize, Option<Template>)> = items
            .iter()
            .enumerate()
            .filter(|(_, item)| !is_blank(item))
            .map(|(index, item)| (index, self.template(item, index)))
            .collect();
        // Count usage types from every entry that has one, even if another field of it is wrong,
        // so the operator is not told a template is missing when it is only mistyped. A required
        // usage type needs an entry without a locale: the template for every other language.
        let unlocalized = |item: &&Value| item.is_object() && !locale::given(item);
        let fallbacks: Vec<&str> = items
            .iter()
            .filter(unlocalized)
            .filter_map(|item| item.get("usageType")?.as_str())
            .collect();
        let present: Vec<&str> = items
            .iter()
            .filter_map(|item| item.get("usageType")?.as_str())
            .collect();
        let (localized_only, missing): (Vec<&str>, Vec<&str>) = REQUIRED_USAGE_TYPES
            .iter()
            .copied()
            .filter(|required| !fallbacks.contains(required))
            .partition(|required| present.contains(required));
        if !missing.is_empty() {
            self.report(
                IssueCode::Custom,
                &path,
                format!(
                    "UsageType ({}) should be provided in templates.",
                    missing.join(", ")
                ),
            );
        }
        if !localized_only.is_empty() {
            self.report(
                IssueCode::Custom,
                &path,
                format!(
                    "UsageType ({}) needs a template without `locale`: the one for every other language.",
                    localized_only.join(", ")
                ),
            );
        }
        // Two templates for one usage type and one locale: the second could never be picked.
        // Checked among the templates that parsed, so it is reported beside their other issues.
        let mut duplicate = false;
        for (at, (index, template)) in parsed.iter().enumerate() {
            let Some(template) = template else { continue };
            let Some(locale) = &template.locale else {
                continue;
            };
            let earlier = parsed.iter().take(at).flat_map(|(_, t)| t).any(|other| {
                other.usage_type == template.usage_type
                    && other.locale.as_ref().is_some_and(|l| l.same(locale))
            });
            if earlier {
                duplicate = true;
                self.report(
                    IssueCode::Custom,
                    &[path[0].clone(), (*index).into(), "locale".into()],
                    format!(
                        "Duplicate template: {} already has one for locale {}",
                        template.usage_type,
                        locale.as_str()
                    ),
                );
            }
        }
        let all: Vec<Template> = parsed.into_iter().map(|(_, t)| t).collect::<Option<_>>()?;
        if duplicate {
            return None;
        }
        Templates::new(all)
    }

    /// `api`: missing, blank or whitespace is `SendSms`.
    fn api(&mut self, object: &Map<String, Value>) -> Option<MainlandApi> {
        match self.optional_text(object, "api")?.as_deref() {
            None | Some("SendSms") => Some(MainlandApi::SendSms),
            Some("SendSmsVerifyCode") => Some(MainlandApi::SendSmsVerifyCode),
            Some(other) => self.refuse(
                IssueCode::InvalidEnumValue,
                &["api".into()],
                format!(
                    "Expected 'SendSms' | 'SendSmsVerifyCode', received {}",
                    check::quoted(other)
                ),
            ),
        }
    }

    /// `templates` for `api`: with `SendSmsVerifyCode`, none given (what `clean-deep` leaves of
    /// `[]`) means the system templates; anything else follows the usual rules.
    fn templates_for(
        &mut self,
        api: Option<MainlandApi>,
        object: &Map<String, Value>,
    ) -> Option<Templates> {
        match (api, field(object, "templates")) {
            (Some(MainlandApi::SendSmsVerifyCode), None) => Templates::new(system_templates::all()),
            _ => self.templates(object.get("templates")),
        }
    }

    fn strict_check(&mut self, object: &Map<String, Value>) -> Option<bool> {
        match field(object, "strictPhoneRegionNumberCheck") {
            None => Some(false),
            Some(Value::Bool(b)) => Some(*b),
            Some(other) => self.refused(
                &["strictPhoneRegionNumberCheck".into()],
                check::expected("boolean", other),
            ),
        }
    }

    fn signature_version(&mut self, object: &Map<String, Value>) -> Option<SignatureVersion> {
        match self.optional_string(object, "signatureVersion") {
            None => Some(SignatureVersion::V1),
            Some(text) => self.checked(
                &["signatureVersion".into()],
                check::signature_version(&text),
            ),
        }
    }

    /// Optional, but when given it must be a clean non-empty string like the other credentials.
    fn security_token(&mut self, object: &Map<String, Value>) -> Option<Option<Secret>> {
        match field(object, "securityToken") {
            None => Some(None),
            value => self
                .bounded_string(value, &["securityToken".into()], MAX_SECURITY_TOKEN_BYTES)
                .map(|token| Some(Secret::new(token))),
        }
    }

    /// An optional endpoint at `key`, `default` when not given, read by `parse`.
    fn endpoint(
        &mut self,
        object: &Map<String, Value>,
        key: &str,
        default: &str,
        parse: fn(&str) -> Result<Endpoint, String>,
    ) -> Option<Endpoint> {
        let text = self.optional_text(object, key)?;
        let endpoint = check::endpoint(text.as_deref().unwrap_or(default), parse);
        self.checked(&[key.into()], endpoint)
    }

    fn region_id(&mut self, object: &Map<String, Value>) -> Option<String> {
        match self.optional_string(object, "regionId") {
            None => Some(DEFAULT_REGION_ID.into()),
            Some(region) if check::is_region_id(&region) => Some(region),
            Some(_) => self.refuse(
                IssueCode::InvalidString,
                &["regionId".into()],
                "Expected a region id such as cn-hangzhou or ap-southeast-1",
            ),
        }
    }

    fn timeout(&mut self, object: &Map<String, Value>) -> Option<u32> {
        let value = match field(object, "timeout") {
            None => return Some(DEFAULT_TIMEOUT_MS),
            Some(value) => value,
        };
        let timeout = check::whole_number(
            value,
            TIMEOUT_RANGE_MS,
            "ms",
            "Expected an integer number of milliseconds",
        );
        self.checked(&["timeout".into()], timeout)
    }
}

/// Validates an untyped config. Unknown keys are ignored, as zod's object guard strips them.
pub fn validate(value: &Value) -> Result<Config, Vec<Issue>> {
    let mut checker = Checker::default();
    let Some(object) = checker.checked(&[], check::object(value)) else {
        return Err(checker.issues);
    };
    let credentials = checker.credential_source(object);
    let signature_version = checker.signature_version(object);
    let sign_name = checker.required_string(object, "signName");
    let api = checker.api(object);
    let templates = checker.templates_for(api, object);
    let strict = checker.strict_check(object);
    let endpoint = checker.endpoint(
        object,
        "endpoint",
        api.unwrap_or_default().default_endpoint(),
        Endpoint::parse,
    );
    let region_id = checker.region_id(object);
    let timeout_ms = checker.timeout(object);
    let overseas = overseas::validate(
        object.get(overseas::KEY),
        overseas::Inherited {
            signature_version,
            sign_name: sign_name.as_deref(),
        },
    )
    .map_err(|issues| checker.issues.extend(issues))
    .ok();
    if let (Some(MainlandApi::SendSmsVerifyCode), Some(Some(route))) = (api, &overseas) {
        if route.api == overseas::Api::SendSms && field(object, "templates").is_none() {
            checker.report(
                IssueCode::Custom,
                &["templates".into()],
                "An overseas route with api SendSms needs templates: the system templates of api SendSmsVerifyCode exist only on the Message Authentication Service",
            );
        }
    }

    match (
        credentials,
        signature_version,
        sign_name,
        templates,
        strict,
        api,
        endpoint,
        region_id,
        timeout_ms,
        overseas,
    ) {
        (
            Some(credentials),
            Some(signature_version),
            Some(sign_name),
            Some(templates),
            Some(strict_phone_region_number_check),
            Some(api),
            Some(endpoint),
            Some(region_id),
            Some(timeout_ms),
            Some(overseas),
        ) if checker.issues.is_empty() => Ok(Config {
            credentials,
            signature_version,
            sign_name,
            templates,
            strict_phone_region_number_check,
            api,
            endpoint,
            region_id,
            timeout_ms,
            overseas,
        }),
        _ => Err(redacted(checker.issues, object)),
    }
}

impl Config {
    /// Whether any template or overseas text has a `locale`.
    pub fn localized(&self) -> bool {
        self.templates.localized()
            || self
                .overseas
                .as_ref()
                .and_then(|route| route.message.as_ref())
                .is_some_and(|message| message.localized())
    }

    /// Where and how this config's calls are signed.
    pub fn target(&self) -> Target<'_> {
        Target::regional(&self.endpoint, &self.region_id, self.signature_version)
    }

    /// The parsed config as JSON, every default filled in: what `configGuard.safeParse` returns
    /// as `data`. It includes the secret, as the input did: Logto stores this object.
    pub fn to_json(&self) -> Value {
        let templates: Vec<Value> = self
            .templates
            .iter()
            .map(|t| {
                let code = match &t.code {
                    TemplateCode::Single(code) => json!(code),
                    TemplateCode::Regional { china, overseas } => {
                        json!({ "china": china, "overseas": overseas })
                    }
                };
                let mut template = json!({ "usageType": t.usage_type, "templateCode": code, "type": t.sms_type as u8 });
                if let (Some(locale), Value::Object(object)) = (&t.locale, &mut template) {
                    object.insert("locale".into(), Value::String(locale.as_str().into()));
                }
                template
            })
            .collect();
        let mut json = json!({
            "signatureVersion": self.signature_version.as_str(),
            "signName": self.sign_name,
            "templates": templates,
            "strictPhoneRegionNumberCheck": self.strict_phone_region_number_check,
            "endpoint": self.endpoint.to_string(),
            "regionId": self.region_id,
            "timeout": self.timeout_ms,
        });
        if let Value::Object(object) = &mut json {
            credentials::write_json(&self.credentials, object);
            // Only when not the default, so a config without `api` parses exactly as before.
            if self.api != MainlandApi::SendSms {
                object.insert("api".into(), json!(self.api.as_str()));
            }
        }
        if let (Some(route), Value::Object(object)) = (&self.overseas, &mut json) {
            object.insert(overseas::KEY.into(), route.to_json());
        }
        json
    }
}

/// Issues never quote the secret or the STS token, even when one was pasted into another field.
fn redacted(mut issues: Vec<Issue>, object: &Map<String, Value>) -> Vec<Issue> {
    let mut secrets: Vec<Secret> = ["accessKeySecret", "securityToken"]
        .iter()
        .filter_map(|key| object.get(*key)?.as_str())
        .map(|value| Secret::new(value.to_string()))
        .collect();
    secrets.extend(overseas::secrets_in(object));
    for issue in &mut issues {
        for secret in &secrets {
            secret.redact_in(&mut issue.message);
        }
    }
    issues
}

/// A number as written, anything else by its type: never megabytes of echoed input.
fn described(value: &Value) -> String {
    match value {
        Value::Number(n) => clip(&n.to_string()),
        Value::String(s) => check::quoted(s),
        other => type_name(other).to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The shared fixture, two templates with an explicit `type` (one of them not the default).
    fn good() -> Value {
        let mut value = crate::test_fixtures::config();
        value["templates"][1]["type"] = json!(6);
        value["templates"][2]["type"] = json!(2);
        value
    }

    /// The top-level keys with a default.
    const OPTIONAL_KEYS: [&str; 6] = [
        "securityToken",
        "signatureVersion",
        "endpoint",
        "regionId",
        "timeout",
        "strictPhoneRegionNumberCheck",
    ];

    fn issues(value: Value) -> Vec<Issue> {
        validate(&value).expect_err("config should be rejected")
    }

    fn paths(issues: &[Issue]) -> Vec<String> {
        issues
            .iter()
            .map(|i| serde_json::to_string(&i.path).unwrap())
            .collect()
    }

    #[test]
    fn good_config_gets_every_default() {
        let config = validate(&good()).unwrap();
        assert_eq!(config.region_id, "cn-hangzhou");
        assert_eq!(config.timeout_ms, 10_000);
        assert_eq!(config.endpoint, Endpoint::default());
        assert!(!config.strict_phone_region_number_check);
        let json = config.to_json();
        assert_eq!(json["endpoint"], "https://dysmsapi.aliyuncs.com/");
        assert_eq!(json["templates"][0]["type"], 2);
        assert_eq!(json["templates"][1]["type"], 6);
        assert_eq!(
            json["templates"][1]["templateCode"]["overseas"],
            "SMS_REG_INT"
        );
        assert_eq!(json["strictPhoneRegionNumberCheck"], false);
        assert_eq!(json["timeout"], 10_000);
        // Round trip: the parsed config is itself valid and unchanged.
        assert_eq!(validate(&json).unwrap(), config);
    }

    #[test]
    fn optional_fields_are_read() {
        let mut value = good();
        value["strictPhoneRegionNumberCheck"] = json!(true);
        value["endpoint"] = json!("https://dysmsapi.ap-southeast-1.aliyuncs.com");
        value["regionId"] = json!("ap-southeast-1");
        value["timeout"] = json!(2500);
        value["unknownKey"] = json!("ignored");
        let config = validate(&value).unwrap();
        assert!(config.strict_phone_region_number_check);
        assert_eq!(
            config.endpoint.to_string(),
            "https://dysmsapi.ap-southeast-1.aliyuncs.com/"
        );
        assert_eq!(config.region_id, "ap-southeast-1");
        assert_eq!(config.timeout_ms, 2500);
        assert!(config.to_json().get("unknownKey").is_none());
    }

    #[test]
    fn signature_version_and_security_token() {
        let config = validate(&good()).unwrap();
        assert_eq!(config.signature_version, SignatureVersion::V1);
        assert_eq!(config.credentials.fixed().unwrap().security_token, None);
        assert_eq!(config.to_json()["signatureVersion"], "v1");
        assert!(config.to_json().get("securityToken").is_none());

        let mut value = good();
        value["signatureVersion"] = json!("v3");
        value["securityToken"] = json!("CAIS-sts-token-value");
        let config = validate(&value).unwrap();
        assert_eq!(config.signature_version, SignatureVersion::V3);
        assert_eq!(config.to_json()["securityToken"], "CAIS-sts-token-value");
        let debug = format!("{config:?}");
        assert!(!debug.contains("CAIS-sts-token-value"), "{debug}");
        assert_eq!(validate(&config.to_json()).unwrap(), config);

        for (key, bad) in [
            ("signatureVersion", json!("v2")),
            ("signatureVersion", json!(3)),
            ("securityToken", json!(42)),
            ("securityToken", json!(" token")),
        ] {
            let mut value = good();
            value[key] = bad.clone();
            let found = issues(value);
            assert_eq!(found.len(), 1, "{key}={bad}: {found:?}");
            assert_eq!(found[0].path, vec![PathSegment::from(key)]);
        }
        let mut value = good();
        value["securityToken"] = json!("");
        let config = validate(&value).unwrap();
        assert_eq!(config.credentials.fixed().unwrap().security_token, None);
    }

    #[test]
    fn emptied_optional_fields_fall_back_to_defaults() {
        let mut value = good();
        value["endpoint"] = json!("");
        value["regionId"] = json!(null);
        value["timeout"] = json!(null);
        value["strictPhoneRegionNumberCheck"] = json!(null);
        let config = validate(&value).unwrap();
        assert_eq!(config.endpoint, Endpoint::default());
        assert_eq!(config.region_id, DEFAULT_REGION_ID);
        assert_eq!(config.timeout_ms, DEFAULT_TIMEOUT_MS);
    }

    #[test]
    fn non_object_config_is_one_issue() {
        for value in [json!(null), json!("x"), json!([1]), json!(3)] {
            let found = issues(value);
            assert_eq!(found.len(), 1);
            assert_eq!(found[0].path, vec![]);
            assert_eq!(found[0].code, IssueCode::InvalidType);
        }
    }

    #[test]
    fn required_strings_must_be_present_strings_and_non_empty() {
        for key in ["accessKeyId", "accessKeySecret", "signName"] {
            for (bad, code) in [
                (None, IssueCode::InvalidType),
                (Some(json!(null)), IssueCode::InvalidType),
                (Some(json!(42)), IssueCode::InvalidType),
                (Some(json!("")), IssueCode::TooSmall),
                (Some(json!("   ")), IssueCode::TooSmall),
                (Some(json!(" padded")), IssueCode::InvalidString),
                (Some(json!("padded\n")), IssueCode::InvalidString),
            ] {
                let mut value = good();
                match bad {
                    None => {
                        value.as_object_mut().unwrap().remove(key);
                    }
                    Some(bad) => value[key] = bad,
                }
                let found = issues(value);
                assert_eq!(found.len(), 1, "{key}: {found:?}");
                assert_eq!(found[0].path, vec![PathSegment::from(key)]);
                assert_eq!(found[0].code, code);
            }
        }
    }

    #[test]
    fn every_problem_is_reported_with_its_path() {
        let value = json!({
            "accessKeyId": 1,
            "signName": "",
            "templates": [
                { "usageType": "SignIn", "templateCode": 5 },
                { "usageType": "Register", "templateCode": { "china": "A", "overseas": 7 } },
                { "usageType": "Generic", "templateCode": "G", "type": 3 },
                "not an object"
            ],
            "strictPhoneRegionNumberCheck": "yes",
            "endpoint": "http://dysmsapi.aliyuncs.com/",
            "regionId": "CN HANGZHOU",
            "timeout": 0
        });
        let found = issues(value);
        assert_eq!(
            paths(&found),
            vec![
                r#"["accessKeyId"]"#,
                r#"["accessKeySecret"]"#,
                r#"["signName"]"#,
                r#"["templates",0,"templateCode"]"#,
                r#"["templates",1,"templateCode","overseas"]"#,
                r#"["templates",2,"type"]"#,
                r#"["templates",3]"#,
                r#"["templates"]"#,
                r#"["strictPhoneRegionNumberCheck"]"#,
                r#"["endpoint"]"#,
                r#"["regionId"]"#,
                r#"["timeout"]"#,
            ]
        );
        let missing = found.iter().find(|i| i.code == IssueCode::Custom).unwrap();
        assert_eq!(
            missing.message,
            "UsageType (ForgotPassword) should be provided in templates."
        );
        let summary = crate::issue::summarize(&found);
        assert!(
            summary
                .contains("templates[1].templateCode.overseas: Expected string, received number"),
            "{summary}"
        );
    }

    #[test]
    fn missing_usage_types_are_named() {
        let mut value = good();
        value["templates"] = json!([{ "usageType": "SignIn", "templateCode": "A" }]);
        let found = issues(value);
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].message,
            "UsageType (Register, ForgotPassword, Generic) should be provided in templates."
        );
        let mut value = good();
        value["templates"] = json!([]);
        assert_eq!(issues(value).len(), 1);
        let mut value = good();
        value["templates"] = json!({ "SignIn": "A" });
        assert_eq!(issues(value)[0].message, "Expected array, received object");
    }

    #[test]
    fn template_type_accepts_only_aliyun_values() {
        for ok in [0, 1, 2, 6, 7] {
            let mut value = good();
            value["templates"][0]["type"] = json!(ok);
            assert!(validate(&value).is_ok(), "{ok}");
        }
        for bad in [json!(3), json!(-1), json!(2.5), json!("2"), json!(true)] {
            let mut value = good();
            value["templates"][0]["type"] = bad.clone();
            let found = issues(value);
            assert_eq!(found[0].code, IssueCode::InvalidEnumValue, "{bad}");
        }
    }

    #[test]
    fn template_code_needs_both_regions_as_strings() {
        let mut value = good();
        value["templates"][1]["templateCode"] = json!({ "china": " A", "overseas": 3 });
        let found = issues(value);
        assert_eq!(
            paths(&found),
            vec![
                r#"["templates",1,"templateCode","china"]"#,
                r#"["templates",1,"templateCode","overseas"]"#
            ]
        );
        assert_eq!(found[0].code, IssueCode::InvalidString);
        assert_eq!(found[1].code, IssueCode::InvalidType);
    }

    /// As in the TypeScript connector, `""` validates (for templates never used); sending with
    /// such a template fails instead (see `message`).
    #[test]
    fn empty_template_codes_validate() {
        let mut value = good();
        value["templates"][0]["templateCode"] = json!("");
        value["templates"][1]["templateCode"] = json!({ "china": "", "overseas": "" });
        let config = validate(&value).unwrap();
        assert_eq!(
            config.templates.pick("SignIn", None).code,
            TemplateCode::Single(String::new())
        );
        let mut value = good();
        value["templates"][0]["templateCode"] = json!("   ");
        assert_eq!(issues(value)[0].code, IssueCode::TooSmall);
    }

    /// Logto stores `{ "usageType": "X", "templateCode": "" }` as `{ "usageType": "X" }`: a
    /// missing code (or half, or an object emptied of both) is the empty code, not an issue.
    #[test]
    fn missing_template_codes_are_empty_codes() {
        let empty = TemplateCode::Single(String::new());
        for (code, expected) in [
            (None, empty.clone()),
            (Some(json!(null)), empty.clone()),
            (Some(json!({})), empty.clone()),
            (
                Some(json!({ "china": "", "overseas": null })),
                empty.clone(),
            ),
            (Some(json!([])), empty.clone()),
            (Some(json!({ "unknown": false })), empty.clone()),
            (
                Some(json!({ "china": "SMS_CN" })),
                TemplateCode::Regional {
                    china: "SMS_CN".into(),
                    overseas: String::new(),
                },
            ),
            (
                Some(json!({ "overseas": "SMS_INT", "china": {} })),
                TemplateCode::Regional {
                    china: String::new(),
                    overseas: "SMS_INT".into(),
                },
            ),
        ] {
            let mut value = good();
            let template = &mut value["templates"][0];
            match &code {
                None => {
                    template.as_object_mut().unwrap().remove("templateCode");
                }
                Some(code) => template["templateCode"] = code.clone(),
            }
            let config = validate(&value).unwrap_or_else(|e| panic!("{code:?}: {e:?}"));
            assert_eq!(
                config.templates.pick("SignIn", None).code,
                expected,
                "{code:?}"
            );
            assert_eq!(validate(&config.to_json()).unwrap(), config, "{code:?}");
        }
    }

    /// Every variant below is a config before `clean-deep`; validating it and validating what
    /// `clean-deep` leaves of it must agree: the same `Config`, or both rejected.
    #[test]
    fn clean_deep_never_changes_what_a_config_means() {
        let blank = [json!(""), json!(null), json!({}), json!([]), json!([""])];
        let mut variants = vec![good()];
        for key in OPTIONAL_KEYS.iter().chain(&["accessKeyId", "templates"]) {
            for value in &blank {
                let mut variant = good();
                variant[key] = value.clone();
                variants.push(variant);
            }
        }
        for key in ["templateCode", "type", "usageType"] {
            for value in &blank {
                let mut variant = good();
                variant["templates"][1][key] = value.clone();
                variants.push(variant);
            }
        }
        for half in ["china", "overseas"] {
            for value in &blank {
                let mut variant = good();
                variant["templates"][1]["templateCode"][half] = value.clone();
                variants.push(variant);
            }
        }
        for entry in [
            json!({}),
            json!(null),
            json!(""),
            json!({ "usageType": "" }),
        ] {
            let mut variant = good();
            variant["templates"]
                .as_array_mut()
                .unwrap()
                .insert(1, entry);
            variants.push(variant);
        }
        for raw in variants {
            let cleaned = crate::connector::blank::clean_deep(&raw).unwrap_or(json!({}));
            match (validate(&raw), validate(&cleaned)) {
                (Ok(before), Ok(after)) => assert_eq!(before, after, "{raw}"),
                (Err(_), Err(_)) => {}
                (before, after) => panic!("{raw}\nbefore: {before:?}\nafter: {after:?}"),
            }
        }
    }

    #[test]
    fn blank_optional_fields_are_defaults() {
        let defaults = validate(&good()).unwrap();
        let mut value = good();
        for key in OPTIONAL_KEYS {
            value[key] = json!("");
        }
        value["templates"][0]["type"] = json!("");
        assert_eq!(validate(&value).unwrap(), defaults);
    }

    #[test]
    fn timeout_bounds() {
        for (timeout, ok) in [
            (json!(100), true),
            (json!(60_000), true),
            (json!(99), false),
            (json!(60_001), false),
            (json!(1.5), false),
            (json!("1000"), false),
            (json!(-5), false),
        ] {
            let mut value = good();
            value["timeout"] = timeout.clone();
            assert_eq!(validate(&value).is_ok(), ok, "{timeout}");
        }
    }

    #[test]
    fn mistyped_template_still_counts_for_required_usage_types() {
        let mut value = good();
        value["templates"][0]["templateCode"] = json!(5);
        let found = issues(value);
        assert_eq!(found.len(), 1, "{found:?}");
    }

    #[test]
    fn templates_pick_first_match_else_generic() {
        let mut value = good();
        value["templates"]
            .as_array_mut()
            .unwrap()
            .push(json!({ "usageType": "SignIn", "templateCode": "SECOND" }));
        let config = validate(&value).unwrap();
        assert_eq!(
            config.templates.pick("SignIn", None).code,
            TemplateCode::Single("SMS_SIGNIN".into())
        );
        assert_eq!(
            config.templates.pick("MfaVerification", None).usage_type,
            "Generic"
        );
        assert_eq!(config.templates.pick("", None).usage_type, "Generic");
    }

    #[test]
    fn issues_never_quote_the_secret_or_token() {
        let mut value = good();
        let secret = crate::test_fixtures::ACCESS_KEY_SECRET;
        value["signatureVersion"] = json!(secret);
        value["securityToken"] = json!("token-value-123");
        value["regionId"] = json!(42);
        value["templates"][0]["type"] = json!("token-value-123");
        let text = format!("{:?}", issues(value));
        assert!(!text.contains(secret), "{text}");
        assert!(!text.contains("token-value-123"), "{text}");
    }

    #[test]
    fn secret_is_redacted_in_debug_and_display() {
        let config = validate(&good()).unwrap();
        let debug = format!("{config:?}");
        assert!(
            !debug.contains(crate::test_fixtures::ACCESS_KEY_SECRET),
            "{debug}"
        );
        assert!(debug.contains("Secret(***)"));
        let credentials = config.credentials.fixed().unwrap();
        assert_eq!(credentials.access_key_secret.to_string(), "***");
    }

    #[test]
    fn invalid_config_failure_carries_issues_and_summary() {
        let failure = crate::error::Failure::invalid_config(issues(json!({})));
        let json = serde_json::to_value(&failure).unwrap();
        assert_eq!(json["code"], "invalid_config");
        assert_eq!(json["data"]["issues"].as_array().unwrap().len(), 4);
        assert!(json["data"]["errorDescription"]
            .as_str()
            .unwrap()
            .starts_with("Invalid Aliyun SMS connector config: accessKeyId: Required"));
    }

    fn localized(templates: Value) -> Value {
        crate::test_fixtures::config_with(json!({ "templates": templates }))
    }

    #[test]
    fn template_locales_are_read_and_given_back() {
        let value =
            crate::test_fixtures::config_with(crate::test_fixtures::locales()["config"].clone());
        let config = validate(&value).unwrap();
        assert!(config.localized());
        let json = config.to_json();
        assert_eq!(json["templates"][1]["locale"], "en");
        // `_` is read as `-`; the case stays as written.
        assert_eq!(json["templates"][6]["locale"], "pt-BR");
        assert!(json["templates"][0].get("locale").is_none());
        assert_eq!(validate(&json).unwrap(), config);
        assert!(!validate(&good()).unwrap().localized());
    }

    #[test]
    fn blank_locales_are_no_locale() {
        for blank in [json!(""), json!(null), json!("  ")] {
            let value = localized(json!([
                { "usageType": "SignIn", "templateCode": "A", "locale": blank },
                { "usageType": "Register", "templateCode": "B" },
                { "usageType": "ForgotPassword", "templateCode": "C" },
                { "usageType": "Generic", "templateCode": "D" }
            ]));
            let config = validate(&value).unwrap_or_else(|e| panic!("{blank}: {e:?}"));
            assert!(!config.localized(), "{blank}");
        }
    }

    #[test]
    fn malformed_and_mistyped_locales_are_issues_at_their_path() {
        let value = localized(json!([
            { "usageType": "SignIn", "templateCode": "A" },
            { "usageType": "SignIn", "templateCode": "A2", "locale": "en US" },
            { "usageType": "Register", "templateCode": "B", "locale": 7 },
            { "usageType": "Register", "templateCode": "B" },
            { "usageType": "ForgotPassword", "templateCode": "C" },
            { "usageType": "Generic", "templateCode": "D" }
        ]));
        let found = issues(value);
        assert_eq!(
            paths(&found),
            vec![r#"["templates",1,"locale"]"#, r#"["templates",2,"locale"]"#]
        );
        assert!(found[0].message.contains("BCP 47"), "{}", found[0].message);
        assert_eq!(found[1].message, "Expected string, received number");
    }

    #[test]
    fn duplicate_locales_are_an_issue_at_the_second() {
        let value = localized(json!([
            { "usageType": "SignIn", "templateCode": "A" },
            { "usageType": "SignIn", "templateCode": "A1", "locale": "zh-CN" },
            {},
            { "usageType": "SignIn", "templateCode": "A2", "locale": "ZH_cn" },
            { "usageType": "Register", "templateCode": "B", "locale": "zh-CN" },
            { "usageType": "Register", "templateCode": "B" },
            { "usageType": "ForgotPassword", "templateCode": "C" },
            { "usageType": "Generic", "templateCode": "D" }
        ]));
        let found = issues(value);
        assert_eq!(paths(&found), vec![r#"["templates",3,"locale"]"#]);
        assert_eq!(
            found[0].message,
            "Duplicate template: SignIn already has one for locale ZH-cn"
        );
        // Two templates without a locale stay valid, as today: the first is picked.
        let mut twice = good();
        twice["templates"]
            .as_array_mut()
            .unwrap()
            .push(json!({ "usageType": "SignIn", "templateCode": "LATER" }));
        assert_eq!(
            validate(&twice)
                .unwrap()
                .templates
                .pick("SignIn", None)
                .code,
            TemplateCode::Single("SMS_SIGNIN".into())
        );
    }

    #[test]
    fn required_usage_types_need_a_template_without_locale() {
        let value = localized(json!([
            { "usageType": "SignIn", "templateCode": "A", "locale": "en" },
            { "usageType": "Register", "templateCode": "B" },
            { "usageType": "Generic", "templateCode": "D", "locale": "ja" }
        ]));
        let found = issues(value);
        let messages: Vec<&str> = found.iter().map(|i| i.message.as_str()).collect();
        assert_eq!(
            messages,
            vec![
                "UsageType (ForgotPassword) should be provided in templates.",
                "UsageType (SignIn, Generic) needs a template without `locale`: the one for every other language."
            ]
        );
        assert_eq!(paths(&found), vec![r#"["templates"]"#, r#"["templates"]"#]);
    }

    fn verify_code(fields: Value) -> Value {
        let mut value = good();
        value.as_object_mut().unwrap().remove("templates");
        value["api"] = json!("SendSmsVerifyCode");
        value["signName"] = json!("速通互联验证码");
        crate::test_fixtures::with_fields(value, fields)
    }

    #[test]
    fn api_defaults_to_send_sms_and_leaves_the_output_as_it_was() {
        let before = validate(&good()).unwrap();
        assert_eq!(before.api, MainlandApi::SendSms);
        assert!(before.to_json().get("api").is_none());
        for blank in [json!(null), json!(""), json!("  "), json!("SendSms")] {
            let mut value = good();
            value["api"] = blank.clone();
            assert_eq!(validate(&value).unwrap(), before, "{blank}");
        }
        for bad in [
            json!("sendsms"),
            json!("SendMessageToGlobe"),
            json!(1),
            json!(true),
        ] {
            let mut value = good();
            value["api"] = bad.clone();
            let found = issues(value);
            assert_eq!(found.len(), 1, "{bad}: {found:?}");
            assert_eq!(found[0].path, vec![PathSegment::from("api")]);
        }
        let mut value = good();
        value["api"] = json!("Nope");
        assert_eq!(
            issues(value)[0].message,
            "Expected 'SendSms' | 'SendSmsVerifyCode', received 'Nope'"
        );
    }

    #[test]
    fn verify_code_defaults_and_system_templates() {
        for templates in [
            None,
            Some(json!(null)),
            Some(json!([])),
            Some(json!([{}, ""])),
        ] {
            let mut value = verify_code(json!({}));
            if let Some(templates) = &templates {
                value["templates"] = templates.clone();
            }
            let config = validate(&value).unwrap_or_else(|e| panic!("{templates:?}: {e:?}"));
            assert_eq!(config.api, MainlandApi::SendSmsVerifyCode);
            assert_eq!(
                config.endpoint.to_string(),
                "https://dypnsapi.aliyuncs.com/"
            );
            assert_eq!(config.region_id, "cn-hangzhou");
            let json = config.to_json();
            assert_eq!(json["api"], "SendSmsVerifyCode");
            assert_eq!(json["endpoint"], "https://dypnsapi.aliyuncs.com/");
            let in_force: Vec<(String, String)> = json["templates"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| {
                    (
                        t["usageType"].as_str().unwrap().to_string(),
                        t["templateCode"].as_str().unwrap().to_string(),
                    )
                })
                .collect();
            assert_eq!(in_force.len(), 9);
            assert!(in_force.contains(&("ForgotPassword".into(), "100003".into())));
            assert!(in_force.contains(&("UserPermissionValidation".into(), "100005".into())));
            assert!(in_force.contains(&("BindNewIdentifier".into(), "100002".into())));
            assert_eq!(validate(&json).unwrap(), config, "round trip");
        }
        // An own endpoint is kept; signName stays required.
        let config = validate(&verify_code(json!({ "endpoint": "http://127.0.0.1:9/" }))).unwrap();
        assert_eq!(config.endpoint.to_string(), "http://127.0.0.1:9/");
        let mut value = verify_code(json!({}));
        value.as_object_mut().unwrap().remove("signName");
        assert_eq!(issues(value)[0].path, vec![PathSegment::from("signName")]);
    }

    #[test]
    fn verify_code_given_templates_follow_the_usual_rules() {
        let value = verify_code(
            json!({ "templates": [{ "usageType": "SignIn", "templateCode": "100001" }] }),
        );
        let found = issues(value);
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].message,
            "UsageType (Register, ForgotPassword, Generic) should be provided in templates."
        );
        let config = validate(&verify_code(json!({ "templates": good()["templates"] }))).unwrap();
        assert_eq!(config.templates, validate(&good()).unwrap().templates);
    }

    #[test]
    fn verify_code_with_an_overseas_send_sms_route_needs_templates() {
        let route = json!({ "api": "SendSms", "accessKeyId": "i", "accessKeySecret": "s" });
        let found = issues(verify_code(json!({ "overseas": route })));
        assert_eq!(paths(&found), vec![r#"["templates"]"#]);
        assert!(validate(&verify_code(
            json!({ "overseas": route, "templates": good()["templates"] })
        ))
        .is_ok());
        let globe = json!({ "message": "Code {{code}}" });
        assert!(validate(&verify_code(json!({ "overseas": globe }))).is_ok());
    }

    #[test]
    fn verify_code_survives_clean_deep() {
        let blank = [json!(""), json!(null), json!({}), json!([]), json!([""])];
        let mut variants = vec![verify_code(json!({}))];
        for key in ["templates", "endpoint", "regionId", "timeout"] {
            for value in &blank {
                variants.push(verify_code(json!({ key: value })));
            }
        }
        for raw in variants {
            let cleaned = crate::connector::blank::clean_deep(&raw).unwrap();
            assert_eq!(
                validate(&raw).unwrap(),
                validate(&cleaned).unwrap(),
                "{raw}"
            );
        }
    }
}
