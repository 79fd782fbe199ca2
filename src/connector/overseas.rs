//! The optional `overseas` route: where numbers outside mainland China go when the operator has a
//! second (international site) account. Its config, validated with every issue under
//! `["overseas", ...]`, and the plain-text message it renders for `SendMessageToGlobe`.
//!
//! Logto passes configs through `clean-deep`, which drops `""`, `null`, `{}` and `[]` at every
//! depth. So a route made only of such values is no route at all, exactly as if the key were
//! missing, and every optional field means the same empty as absent.

use serde_json::{Map, Value};

use crate::aliyun::api::send_message_to_globe::sender_id_problem;
use crate::aliyun::call::{SignatureVersion, Target};
use crate::aliyun::credential::{Credentials, Secret};
use crate::aliyun::endpoint::Endpoint;
use crate::connector::check::{self, Refusal};
use crate::connector::locale::{self, Locale};
use crate::issue::{Issue, IssueCode, PathSegment};
use crate::limits::{clip, MAX_ENDPOINT_BYTES, MAX_FIELD_BYTES, MAX_SECURITY_TOKEN_BYTES};

pub const KEY: &str = "overseas";
pub const DEFAULT_ENDPOINT: &str = "https://dysmsapi.ap-southeast-1.aliyuncs.com/";
pub const DEFAULT_REGION_ID: &str = "ap-southeast-1";
/// The usage type every message object must have, picked when no entry matches.
const GENERIC: &str = "Generic";
/// A message text. Long enough for a multi-part SMS in any script, short of abuse.
pub const MAX_TEXT_BYTES: usize = 2048;
/// A placeholder's name: `{{code}}`, `{{link}}`, `{{name}}`.
const MAX_PLACEHOLDER_CHARS: usize = 64;

/// Which API the route calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Api {
    /// API 2018-05-01: plain text, optional sender ID, no template.
    SendMessageToGlobe,
    /// API 2017-05-25 on the route's endpoint: the template's overseas code and a sign name.
    SendSms,
}

impl Api {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::SendMessageToGlobe => "SendMessageToGlobe",
            Self::SendSms => "SendSms",
        }
    }
}

/// One piece of a message text.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Literal(String),
    /// The payload key whose string value goes here.
    Placeholder(String),
}

/// A message text with `{{name}}` placeholders, parsed once at validation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text {
    source: String,
    parts: Vec<Part>,
}

impl Text {
    /// Parses `source`. A `{{` that does not open a well-formed placeholder is an error: it is
    /// almost always a typo that would otherwise reach the user's phone as is.
    pub fn parse(source: &str) -> Result<Self, String> {
        let mut parts = Vec::new();
        let mut rest = source;
        while let Some(start) = rest.find("{{") {
            let (literal, after) = rest.split_at(start);
            if !literal.is_empty() {
                parts.push(Part::Literal(literal.to_string()));
            }
            let inner_and_more = after.get(2..).unwrap_or_default();
            let Some(end) = inner_and_more.find("}}") else {
                return Err("Has a {{ without a closing }}".into());
            };
            let name = inner_and_more.get(..end).unwrap_or_default().trim();
            let well_formed = !name.is_empty()
                && name.chars().count() <= MAX_PLACEHOLDER_CHARS
                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
            if !well_formed {
                return Err(format!(
                    "Has an invalid placeholder {{{{{}}}}}: use letters, digits and _ only",
                    clip(name)
                ));
            }
            parts.push(Part::Placeholder(name.to_string()));
            rest = inner_and_more.get(end + 2..).unwrap_or_default();
        }
        if !rest.is_empty() {
            parts.push(Part::Literal(rest.to_string()));
        }
        Ok(Self {
            source: source.to_string(),
            parts,
        })
    }

    /// The text as configured.
    pub fn source(&self) -> &str {
        &self.source
    }

    pub fn has_placeholder(&self, name: &str) -> bool {
        self.parts
            .iter()
            .any(|part| matches!(part, Part::Placeholder(p) if p == name))
    }

    /// The placeholders' names, each once, in order of first appearance.
    pub fn placeholders(&self) -> Vec<&str> {
        let mut names: Vec<&str> = Vec::new();
        for part in &self.parts {
            if let Part::Placeholder(name) = part {
                if !names.contains(&name.as_str()) {
                    names.push(name);
                }
            }
        }
        names
    }

    /// Fills every placeholder from the payload's string value of the same name. `Err` names
    /// the first placeholder the payload has no string for.
    pub fn render(&self, payload: &Map<String, Value>) -> Result<String, String> {
        let mut out = String::with_capacity(self.source.len() + 16);
        for part in &self.parts {
            match part {
                Part::Literal(text) => out.push_str(text),
                Part::Placeholder(name) => match payload.get(name) {
                    Some(Value::String(value)) => out.push_str(value),
                    _ => return Err(name.clone()),
                },
            }
        }
        Ok(out)
    }
}

/// One entry of a message list (or of the object keyed by usage type, which has no locales).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextEntry {
    pub usage_type: String,
    pub locale: Option<Locale>,
    pub text: Text,
}

/// One text for every message, or entries by usage type (and, in the list form, locale) with a
/// required `Generic` fallback without a locale.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MessageText {
    Single(Text),
    Entries {
        /// In config order, `Generic` included.
        entries: Vec<TextEntry>,
        /// The first `Generic` entry without a locale.
        generic: TextEntry,
        /// Written as a list (`[{ usageType, locale, text }]`), not an object keyed by usage type.
        list: bool,
    },
}

impl MessageText {
    /// The entry for `usage_type` in `locale`, by the rule that picks templates
    /// ([`crate::connector::config::Templates::pick`]); `None` for the one text of every message.
    pub fn pick<'a>(
        &'a self,
        usage_type: &'a str,
        locale: Option<&Locale>,
    ) -> (&'a Text, Option<&'a TextEntry>) {
        match self {
            Self::Single(text) => (text, None),
            Self::Entries {
                entries, generic, ..
            } => {
                let of = |usage: &'a str| entries.iter().filter(move |e| e.usage_type == usage);
                let entry = locale::choose(of(usage_type), locale, |e| e.locale.as_ref())
                    .or_else(|| locale::choose(of(GENERIC), locale, |e| e.locale.as_ref()))
                    .unwrap_or(generic);
                (&entry.text, Some(entry))
            }
        }
    }

    /// Whether any entry has a `locale`.
    pub fn localized(&self) -> bool {
        matches!(self, Self::Entries { entries, .. } if entries.iter().any(|e| e.locale.is_some()))
    }

    fn to_json(&self) -> Value {
        match self {
            Self::Single(text) => Value::String(text.source().into()),
            Self::Entries {
                entries,
                list: true,
                ..
            } => Value::Array(
                entries
                    .iter()
                    .map(|entry| {
                        let mut object = Map::new();
                        object.insert("usageType".into(), entry.usage_type.clone().into());
                        if let Some(locale) = &entry.locale {
                            object.insert("locale".into(), locale.as_str().into());
                        }
                        object.insert("text".into(), entry.text.source().into());
                        Value::Object(object)
                    })
                    .collect(),
            ),
            Self::Entries { entries, .. } => {
                // Inserted one by one: collecting into a map links a stable sort into the .wasm.
                let mut object = Map::new();
                for entry in entries {
                    object.insert(
                        entry.usage_type.clone(),
                        Value::String(entry.text.source().into()),
                    );
                }
                Value::Object(object)
            }
        }
    }
}

/// A validated overseas route.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OverseasRoute {
    pub api: Api,
    /// The international account's; `None` when the route uses the top-level credentials.
    pub credentials: Option<Credentials>,
    pub endpoint: Endpoint,
    pub region_id: String,
    /// The route's own, else the top-level one.
    pub signature_version: SignatureVersion,
    /// The sender ID (`SendMessageToGlobe` only).
    pub from: Option<String>,
    /// Required for `SendMessageToGlobe`; unused by `SendSms`.
    pub message: Option<MessageText>,
    /// `SendSms` only: the route's own, else the top-level one.
    pub sign_name: String,
}

impl OverseasRoute {
    /// Where and how the route's calls are signed.
    pub fn target(&self) -> Target<'_> {
        Target::regional(&self.endpoint, &self.region_id, self.signature_version)
    }

    /// The route as JSON, defaults filled in; credentials only when the route has its own.
    pub fn to_json(&self) -> Value {
        // Strings put one by one through one helper: `json!` per field costs kilobytes of .wasm.
        let mut object = Map::new();
        let mut put = |key: &str, value: &str| {
            object.insert(key.into(), Value::String(value.into()));
        };
        put("api", self.api.as_str());
        if let Some(credentials) = &self.credentials {
            put("accessKeyId", &credentials.access_key_id);
            put("accessKeySecret", credentials.access_key_secret.expose());
            if let Some(token) = &credentials.security_token {
                put("securityToken", token.expose());
            }
        }
        put("endpoint", &self.endpoint.to_string());
        put("regionId", &self.region_id);
        put("signatureVersion", self.signature_version.as_str());
        if let Some(from) = &self.from {
            put("from", from);
        }
        put("signName", &self.sign_name);
        if let Some(message) = &self.message {
            object.insert("message".into(), message.to_json());
        }
        Value::Object(object)
    }
}

/// What the route inherits from the top level. `None` when the top-level value is itself
/// invalid: the config fails on that issue already.
#[derive(Debug, Clone, Copy)]
pub struct Inherited<'a> {
    pub signature_version: Option<SignatureVersion>,
    pub sign_name: Option<&'a str>,
}

/// Whether `clean-deep` would remove `value` (one definition for the whole config: [`crate::connector::blank`]).
pub use crate::connector::blank::is_blank;

/// The route at `config.overseas`: `Ok(None)` when there is none (missing or blank).
pub fn validate(
    value: Option<&Value>,
    inherited: Inherited<'_>,
) -> Result<Option<OverseasRoute>, Vec<Issue>> {
    let Some(value) = value.filter(|value| !is_blank(value)) else {
        return Ok(None);
    };
    let mut fields = Fields::default();
    let Some(object) = fields.checked(&[], check::object(value)) else {
        return Err(fields.issues);
    };

    let api = fields.api(object);
    let credentials = fields.credentials(object);
    let endpoint = fields.endpoint(object);
    let region_id = fields.region_id(object);
    let signature_version = fields.signature_version(object, inherited.signature_version);
    let from = fields.from(object);
    let message = fields.message(object, api);
    let sign_name = fields.sign_name(object, inherited.sign_name);

    match (
        api,
        credentials,
        endpoint,
        region_id,
        signature_version,
        from,
        message,
        sign_name,
    ) {
        (
            Some(api),
            Some(credentials),
            Some(endpoint),
            Some(region_id),
            Some(signature_version),
            Some(from),
            Some(message),
            Some(sign_name),
        ) if fields.issues.is_empty() => Ok(Some(OverseasRoute {
            api,
            credentials,
            endpoint,
            region_id,
            signature_version,
            from,
            message,
            sign_name,
        })),
        _ => Err(fields.issues),
    }
}

/// The route's secrets as given, for redacting issues.
pub fn secrets_in(config: &Map<String, Value>) -> Vec<Secret> {
    let Some(Value::Object(route)) = config.get(KEY) else {
        return Vec::new();
    };
    ["accessKeySecret", "securityToken"]
        .iter()
        .filter_map(|key| route.get(*key)?.as_str())
        .map(|value| Secret::new(value.to_string()))
        .collect()
}

/// Reads the route's fields (already without blank ones), collecting issues under `overseas`.
#[derive(Default)]
struct Fields {
    issues: Vec<Issue>,
}

impl Fields {
    fn report(&mut self, code: IssueCode, path: &[&str], message: impl Into<String>) {
        self.report_at(code, &segments(path), message);
    }

    /// [`Fields::report`] for a path with indexes (the list form of `message`).
    fn report_at(&mut self, code: IssueCode, path: &[PathSegment], message: impl Into<String>) {
        let mut full = vec![PathSegment::from(KEY)];
        full.extend_from_slice(path);
        self.issues.push(Issue {
            code,
            path: full,
            message: message.into(),
        });
    }

    /// Reports at `path`; `None`, for the reader to return.
    fn refuse_at<T>(
        &mut self,
        code: IssueCode,
        path: &[PathSegment],
        message: impl Into<String>,
    ) -> Option<T> {
        self.report_at(code, path, message);
        None
    }

    /// [`Fields::checked`] at a path with indexes.
    fn checked_at<T>(&mut self, path: &[PathSegment], result: Result<T, Refusal>) -> Option<T> {
        result.map_or_else(|(code, message)| self.refuse_at(code, path, message), Some)
    }

    /// The value of a [`check`], or `None` with its refusal reported at `path`.
    fn checked<T>(&mut self, path: &[&str], result: Result<T, Refusal>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err((code, message)) => {
                self.report(code, path, message);
                None
            }
        }
    }

    /// A present string of at most `max` bytes, not blank, without surrounding whitespace.
    /// `Ok(None)` when absent; `Err(())` after reporting.
    fn string(
        &mut self,
        object: &Map<String, Value>,
        path: &[&str],
        max: usize,
    ) -> Result<Option<String>, ()> {
        // Blank values are absent, as after clean-deep.
        let value = path
            .split_last()
            .and_then(|(key, parents)| lookup(object, parents)?.get(*key))
            .filter(|value| !is_blank(value));
        match value {
            None => Ok(None),
            Some(value) => self
                .checked(path, check::clean_string(value, max))
                .map(|s| Some(s.to_string()))
                .ok_or(()),
        }
    }

    fn api(&mut self, object: &Map<String, Value>) -> Option<Api> {
        match self
            .string(object, &["api"], MAX_FIELD_BYTES)
            .ok()?
            .as_deref()
        {
            None | Some("SendMessageToGlobe") => Some(Api::SendMessageToGlobe),
            Some("SendSms") => Some(Api::SendSms),
            Some(other) => {
                self.report(
                    IssueCode::InvalidEnumValue,
                    &["api"],
                    format!(
                        "Expected 'SendMessageToGlobe' | 'SendSms', received {}",
                        check::quoted(other)
                    ),
                );
                None
            }
        }
    }

    /// The route's own pair (and token), or `None` to use the top-level ones when all three are
    /// absent. A partial set is an issue: half a key pair would sign with the wrong account.
    fn credentials(&mut self, object: &Map<String, Value>) -> Option<Option<Credentials>> {
        let id = self.string(object, &["accessKeyId"], MAX_FIELD_BYTES);
        let secret = self.string(object, &["accessKeySecret"], MAX_FIELD_BYTES);
        let token = self.string(object, &["securityToken"], MAX_SECURITY_TOKEN_BYTES);
        let (Ok(id), Ok(secret), Ok(token)) = (id, secret, token) else {
            return None;
        };
        match (id, secret, token) {
            (None, None, None) => Some(None),
            (Some(access_key_id), Some(secret), token) => Some(Some(Credentials {
                access_key_id,
                access_key_secret: Secret::new(secret),
                security_token: token.map(Secret::new),
            })),
            (id, secret, _) => {
                for (key, given) in [
                    ("accessKeyId", id.is_some()),
                    ("accessKeySecret", secret.is_some()),
                ] {
                    if !given {
                        self.report(
                            IssueCode::InvalidType,
                            &[key],
                            "Required when the route has its own credentials (leave accessKeyId, accessKeySecret and securityToken all empty to use the top-level ones)",
                        );
                    }
                }
                None
            }
        }
    }

    fn endpoint(&mut self, object: &Map<String, Value>) -> Option<Endpoint> {
        let text = self
            .string(object, &["endpoint"], MAX_ENDPOINT_BYTES)
            .ok()?;
        let endpoint =
            check::endpoint(text.as_deref().unwrap_or(DEFAULT_ENDPOINT), Endpoint::parse);
        self.checked(&["endpoint"], endpoint)
    }

    fn region_id(&mut self, object: &Map<String, Value>) -> Option<String> {
        match self.string(object, &["regionId"], 64).ok()? {
            None => Some(DEFAULT_REGION_ID.into()),
            Some(region) if check::is_region_id(&region) => Some(region),
            Some(_) => {
                self.report(
                    IssueCode::InvalidString,
                    &["regionId"],
                    "Expected a region id such as ap-southeast-1",
                );
                None
            }
        }
    }

    fn signature_version(
        &mut self,
        object: &Map<String, Value>,
        inherited: Option<SignatureVersion>,
    ) -> Option<SignatureVersion> {
        match self
            .string(object, &["signatureVersion"], MAX_FIELD_BYTES)
            .ok()?
        {
            None => inherited,
            Some(text) => self.checked(&["signatureVersion"], check::signature_version(&text)),
        }
    }

    fn from(&mut self, object: &Map<String, Value>) -> Option<Option<String>> {
        let from = self.string(object, &["from"], MAX_FIELD_BYTES).ok()?;
        if let Some(problem) = from.as_deref().and_then(sender_id_problem) {
            self.report(IssueCode::InvalidString, &["from"], problem);
            return None;
        }
        Some(from)
    }

    fn sign_name(
        &mut self,
        object: &Map<String, Value>,
        inherited: Option<&str>,
    ) -> Option<String> {
        match self.string(object, &["signName"], MAX_FIELD_BYTES).ok()? {
            Some(own) => Some(own),
            None => inherited.map(str::to_string),
        }
    }

    /// One text (path `message`, or `message.<usageType>`): see [`Fields::parse_text`].
    fn text(
        &mut self,
        object: &Map<String, Value>,
        path: &[&str],
        must_have_code: bool,
    ) -> Option<Text> {
        match self.string(object, path, MAX_TEXT_BYTES) {
            Ok(Some(source)) => self.parse_text(&source, &segments(path), must_have_code),
            Ok(None) => {
                self.report(IssueCode::InvalidType, path, "Required");
                None
            }
            Err(()) => None,
        }
    }

    /// Well-formed placeholders, and the ones the flow needs. The fallback text
    /// (`must_have_code`) must carry `{{code}}`; a text for one usage type may carry `{{link}}`
    /// instead (organization invitations send a link).
    fn parse_text(
        &mut self,
        source: &str,
        path: &[PathSegment],
        must_have_code: bool,
    ) -> Option<Text> {
        let text = match Text::parse(source) {
            Ok(text) => text,
            Err(why) => {
                self.report_at(IssueCode::InvalidString, path, why);
                return None;
            }
        };
        let enough =
            text.has_placeholder("code") || (!must_have_code && text.has_placeholder("link"));
        if !enough {
            let needed = if must_have_code {
                "{{code}}"
            } else {
                "{{code}} or {{link}}"
            };
            self.report_at(
                IssueCode::InvalidString,
                path,
                format!("Must contain {needed}"),
            );
            return None;
        }
        Some(text)
    }

    fn message(
        &mut self,
        object: &Map<String, Value>,
        api: Option<Api>,
    ) -> Option<Option<MessageText>> {
        match object.get("message").filter(|value| !is_blank(value)) {
            None if api == Some(Api::SendSms) => Some(None),
            None | Some(Value::String(_)) => self
                .text(object, &["message"], true)
                .map(|text| Some(MessageText::Single(text))),
            Some(Value::Object(by_usage)) => {
                let mut entries = Vec::new();
                let mut failed = false;
                for (usage, value) in by_usage.iter().filter(|(_, value)| !is_blank(value)) {
                    if usage.len() > MAX_FIELD_BYTES {
                        self.report(
                            IssueCode::TooBig,
                            &["message"],
                            format!("A usage type is longer than {MAX_FIELD_BYTES} bytes"),
                        );
                        failed = true;
                        continue;
                    }
                    if !value.is_string() {
                        let (code, message) = check::expected("string", value);
                        self.report(code, &["message", usage], message);
                        failed = true;
                        continue;
                    }
                    match self.text(object, &["message", usage], usage == GENERIC) {
                        Some(text) => entries.push(TextEntry {
                            usage_type: usage.clone(),
                            locale: None,
                            text,
                        }),
                        None => failed = true,
                    }
                }
                let required = by_usage.get(GENERIC).is_some_and(|v| !is_blank(v));
                self.entries(entries, failed, required, false, &["message", GENERIC])
            }
            Some(Value::Array(items)) => {
                let mut entries: Vec<TextEntry> = Vec::new();
                let mut failed = false;
                // Blank entries are skipped (clean-deep drops them); paths keep the written index.
                for (index, item) in items.iter().enumerate().filter(|(_, i)| !is_blank(i)) {
                    match self.list_entry(item, index, &entries) {
                        Some(entry) => entries.push(entry),
                        None => failed = true,
                    }
                }
                // A Generic entry that failed its own checks is reported there, not as missing;
                // so is an entry without a readable usage type, which may have been meant as it.
                let required = items.iter().filter(|item| !is_blank(item)).any(|item| {
                    match item.get("usageType").and_then(Value::as_str) {
                        Some(usage) => usage == GENERIC && !locale::given(item),
                        None => true,
                    }
                });
                self.entries(entries, failed, required, true, &["message"])
            }
            Some(other) => self.checked(
                &["message"],
                Err(check::expected(
                    "string, object keyed by usage type, or list of { usageType, locale, text }",
                    other,
                )),
            ),
        }
    }

    /// The entries once read: `Generic` without a locale is required (reported at `missing_at`
    /// unless `written`, an entry that failed its own checks, is there).
    fn entries(
        &mut self,
        entries: Vec<TextEntry>,
        failed: bool,
        written: bool,
        list: bool,
        missing_at: &[&str],
    ) -> Option<Option<MessageText>> {
        let generic = entries
            .iter()
            .find(|e| e.usage_type == GENERIC && e.locale.is_none())
            .cloned();
        if generic.is_none() && !written {
            let why = if list {
                "Required: a Generic entry without locale, the text for every usage type and language without its own"
            } else {
                "Required: the text for every usage type without its own"
            };
            self.report(IssueCode::InvalidType, missing_at, why);
        }
        match (failed, generic) {
            (false, Some(generic)) => Some(Some(MessageText::Entries {
                entries,
                generic,
                list,
            })),
            _ => None,
        }
    }

    /// `message[index]` of the list form: `{ usageType, locale?, text }`, not a duplicate of an
    /// earlier entry (same usage type, same locale).
    fn list_entry(
        &mut self,
        item: &Value,
        index: usize,
        earlier: &[TextEntry],
    ) -> Option<TextEntry> {
        let at = |key: &str| {
            let mut path = segments(&["message"]);
            path.push(index.into());
            if !key.is_empty() {
                path.push(key.into());
            }
            path
        };
        let entry = self.checked_at(&at(""), check::object(item))?;
        let usage_type = match entry.get("usageType").filter(|v| !is_blank(v)) {
            None => self.refuse_at(IssueCode::InvalidType, &at("usageType"), "Required"),
            Some(value) => self
                .checked_at(
                    &at("usageType"),
                    check::clean_string(value, MAX_FIELD_BYTES),
                )
                .map(str::to_string),
        };
        let locale = self.checked_at(&at("locale"), locale::field(entry.get("locale")));
        let must_have_code = usage_type.as_deref() == Some(GENERIC);
        let text = match entry.get("text").filter(|v| !is_blank(v)) {
            None => self.refuse_at(IssueCode::InvalidType, &at("text"), "Required"),
            Some(value) => self
                .checked_at(&at("text"), check::clean_string(value, MAX_TEXT_BYTES))
                .map(str::to_string)
                .and_then(|source| self.parse_text(&source, &at("text"), must_have_code)),
        };
        let (usage_type, locale, text) = (usage_type?, locale?, text?);
        let duplicate = earlier.iter().any(|other| {
            other.usage_type == usage_type
                && match (&other.locale, &locale) {
                    (Some(a), Some(b)) => a.same(b),
                    (None, None) => true,
                    _ => false,
                }
        });
        if duplicate {
            let what = locale.as_ref().map_or("no locale", Locale::as_str);
            let path = at(if locale.is_some() {
                "locale"
            } else {
                "usageType"
            });
            return self.refuse_at(
                IssueCode::Custom,
                &path,
                format!("Duplicate entry: {usage_type} already has one for {what}"),
            );
        }
        Some(TextEntry {
            usage_type,
            locale,
            text,
        })
    }
}

/// Keys as path segments.
fn segments(path: &[&str]) -> Vec<PathSegment> {
    path.iter().map(|key| PathSegment::from(*key)).collect()
}

/// The object at `path` inside `object` (`[]` is `object` itself).
fn lookup<'a>(object: &'a Map<String, Value>, path: &[&str]) -> Option<&'a Map<String, Value>> {
    path.iter()
        .try_fold(object, |current, key| current.get(*key)?.as_object())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_fixtures::exposed;
    use serde_json::json;

    const TOP: Inherited<'static> = Inherited {
        signature_version: Some(SignatureVersion::V3),
        sign_name: Some("TopSign"),
    };

    fn route(value: Value) -> Result<Option<OverseasRoute>, Vec<Issue>> {
        validate(Some(&value), TOP)
    }

    fn ok(value: Value) -> OverseasRoute {
        route(value).expect("valid").expect("a route")
    }

    fn paths(value: Value) -> Vec<String> {
        route(value)
            .expect_err("invalid")
            .iter()
            .map(|issue| serde_json::to_string(&issue.path).unwrap())
            .collect()
    }

    fn payload(value: Value) -> Map<String, Value> {
        value.as_object().unwrap().clone()
    }

    #[test]
    fn missing_null_and_blank_routes_are_no_route() {
        assert_eq!(validate(None, TOP), Ok(None));
        for blank in [
            json!(null),
            json!(""),
            json!({}),
            json!([]),
            json!({ "api": "", "message": "", "from": null }),
            json!({ "message": { "Generic": "" }, "accessKeyId": "" }),
            json!({ "message": {} }),
        ] {
            assert_eq!(route(blank.clone()), Ok(None), "{blank}");
        }
    }

    #[test]
    fn defaults_and_inherited_values() {
        let route = ok(json!({ "message": "Your code is {{code}}" }));
        assert_eq!(route.api, Api::SendMessageToGlobe);
        assert_eq!(route.credentials, None);
        assert_eq!(route.endpoint.to_string(), DEFAULT_ENDPOINT);
        assert_eq!(route.region_id, DEFAULT_REGION_ID);
        assert_eq!(route.signature_version, SignatureVersion::V3);
        assert_eq!(route.sign_name, "TopSign");
        assert_eq!(route.from, None);
        // Blank fields mean their default, as after clean-deep.
        let same = ok(json!({
            "message": "Your code is {{code}}", "endpoint": "", "regionId": null,
            "signatureVersion": "", "from": "", "signName": "", "accessKeyId": "", "securityToken": null
        }));
        assert_eq!(same, route);
    }

    #[test]
    fn every_field_is_read() {
        let route = ok(json!({
            "api": "SendMessageToGlobe",
            "accessKeyId": "intl-id",
            "accessKeySecret": "intl-secret-value",
            "securityToken": "intl-token-value",
            "endpoint": "http://127.0.0.1:8080/",
            "regionId": "ap-northeast-1",
            "signatureVersion": "v1",
            "from": "Logto",
            "message": "{{code}} is your code, {{ name }}",
            "signName": "IntlSign"
        }));
        assert_eq!(
            exposed(route.credentials.as_ref().unwrap()),
            ("intl-id", "intl-secret-value", Some("intl-token-value"))
        );
        assert_eq!(route.endpoint.to_string(), "http://127.0.0.1:8080/");
        assert_eq!(route.region_id, "ap-northeast-1");
        assert_eq!(route.signature_version, SignatureVersion::V1);
        assert_eq!(route.from.as_deref(), Some("Logto"));
        assert_eq!(route.sign_name, "IntlSign");
        let debug = format!("{route:?}");
        assert!(!debug.contains("intl-secret-value") && !debug.contains("intl-token-value"));
        // Round trip through JSON.
        assert_eq!(ok(route.to_json()), route);
    }

    #[test]
    fn send_sms_needs_no_message() {
        let route = ok(json!({ "api": "SendSms", "signName": "Intl" }));
        assert_eq!(route.api, Api::SendSms);
        assert_eq!(route.message, None);
        assert_eq!(ok(route.to_json()), route);
        // A message given anyway is still checked.
        assert_eq!(
            paths(json!({ "api": "SendSms", "message": "no code" })),
            vec![r#"["overseas","message"]"#]
        );
    }

    #[test]
    fn every_issue_has_its_path() {
        assert_eq!(paths(json!("x")), vec![r#"["overseas"]"#]);
        assert_eq!(paths(json!(5)), vec![r#"["overseas"]"#]);
        assert_eq!(paths(json!([1])), vec![r#"["overseas"]"#]);
        assert_eq!(
            paths(json!({
                "api": "SendMail",
                "accessKeySecret": " padded",
                "endpoint": "http://dysmsapi.ap-southeast-1.aliyuncs.com/",
                "regionId": "AP SOUTHEAST",
                "signatureVersion": "v2",
                "from": "Too-long sender",
                "signName": 5
            })),
            vec![
                r#"["overseas","api"]"#,
                r#"["overseas","accessKeySecret"]"#,
                r#"["overseas","endpoint"]"#,
                r#"["overseas","regionId"]"#,
                r#"["overseas","signatureVersion"]"#,
                r#"["overseas","from"]"#,
                r#"["overseas","message"]"#,
                r#"["overseas","signName"]"#,
            ]
        );
    }

    #[test]
    fn partial_credentials_name_the_missing_ones() {
        let message = "{{code}}";
        assert_eq!(
            paths(json!({ "message": message, "accessKeyId": "id" })),
            vec![r#"["overseas","accessKeySecret"]"#]
        );
        assert_eq!(
            paths(json!({ "message": message, "accessKeySecret": "secret-value" })),
            vec![r#"["overseas","accessKeyId"]"#]
        );
        assert_eq!(
            paths(json!({ "message": message, "securityToken": "token-value" })),
            vec![
                r#"["overseas","accessKeyId"]"#,
                r#"["overseas","accessKeySecret"]"#
            ]
        );
        assert_eq!(
            paths(json!({ "message": message, "accessKeyId": 7, "accessKeySecret": "s" })),
            vec![r#"["overseas","accessKeyId"]"#]
        );
    }

    #[test]
    fn message_rules() {
        for (message, path) in [
            (json!("no placeholder"), r#"["overseas","message"]"#),
            (json!("{{link}} only"), r#"["overseas","message"]"#),
            (json!("{{code"), r#"["overseas","message"]"#),
            (json!("{{co-de}}"), r#"["overseas","message"]"#),
            (json!("{{}} {{code}}"), r#"["overseas","message"]"#),
            (json!("   "), r#"["overseas","message"]"#),
            (json!(42), r#"["overseas","message"]"#),
            (
                json!("x".repeat(MAX_TEXT_BYTES + 1)),
                r#"["overseas","message"]"#,
            ),
            (
                json!({ "SignIn": "{{code}}" }),
                r#"["overseas","message","Generic"]"#,
            ),
            (
                json!({ "Generic": "{{link}}" }),
                r#"["overseas","message","Generic"]"#,
            ),
            (
                json!({ "Generic": "{{code}}", "SignIn": 1 }),
                r#"["overseas","message","SignIn"]"#,
            ),
            (
                json!({ "Generic": "{{code}}", "SignIn": "none" }),
                r#"["overseas","message","SignIn"]"#,
            ),
        ] {
            assert_eq!(
                paths(json!({ "message": message })),
                vec![path],
                "{message}"
            );
        }
        assert_eq!(
            paths(json!({ "from": "Logto" })),
            vec![r#"["overseas","message"]"#]
        );
    }

    #[test]
    fn message_by_usage_type_is_picked_like_templates() {
        let route = ok(json!({ "message": {
            "SignIn": "Sign in with {{code}}",
            "OrganizationInvitation": "Join: {{link}}",
            "Register": "",
            "Generic": "Code {{code}}"
        }}));
        let message = route.message.clone().unwrap();
        assert_eq!(
            message.pick("SignIn", None).0.source(),
            "Sign in with {{code}}"
        );
        assert_eq!(
            message.pick("OrganizationInvitation", None).0.source(),
            "Join: {{link}}"
        );
        // A blank entry is as if missing (clean-deep drops it).
        assert_eq!(message.pick("Register", None).0.source(), "Code {{code}}");
        assert_eq!(
            message.pick("MfaVerification", None).0.source(),
            "Code {{code}}"
        );
        assert_eq!(ok(route.to_json()), route);
    }

    #[test]
    fn rendering_fills_string_values_and_names_what_is_missing() {
        let text = Text::parse("Hi {{name}}, {{ code }} is your code. {{code}}!").unwrap();
        assert_eq!(
            text.render(&payload(
                json!({ "code": "123456", "name": "Ada", "locale": "en" })
            )),
            Ok("Hi Ada, 123456 is your code. 123456!".into())
        );
        assert_eq!(
            text.render(&payload(json!({ "code": "123456" }))),
            Err("name".into())
        );
        // Only string values count.
        assert_eq!(
            text.render(&payload(json!({ "code": "1", "name": { "first": "Ada" } }))),
            Err("name".into())
        );
        // A value is inserted as is, never expanded again.
        let text = Text::parse("{{code}}").unwrap();
        assert_eq!(
            text.render(&payload(json!({ "code": "{{name}}" }))),
            Ok("{{name}}".into())
        );
        // Stray closing braces are text.
        let text = Text::parse("a }} b {{code}} c").unwrap();
        assert_eq!(
            text.render(&payload(json!({ "code": "1" }))),
            Ok("a }} b 1 c".into())
        );
    }

    #[test]
    fn issues_never_quote_long_values() {
        let secret = "s".repeat(200);
        let found =
            route(json!({ "message": "{{code}}", "signatureVersion": secret, "api": secret }))
                .unwrap_err();
        let text = format!("{found:?}");
        assert!(!text.contains(&secret), "{text}");
    }

    /// The route inside a whole config: issues alongside the top-level ones, `to_json`, redaction.
    mod in_config {
        use crate::connector::config::validate;
        use crate::test_fixtures::{config, config_with, ACCESS_KEY_SECRET};
        use serde_json::json;

        #[test]
        fn no_route_leaves_the_config_as_it_was() {
            let plain = validate(&config()).unwrap();
            assert_eq!(plain.overseas, None);
            assert!(plain.to_json().get("overseas").is_none());
            for blank in [json!(null), json!({}), json!(""), json!({ "message": "" })] {
                let value = config_with(json!({ "overseas": blank }));
                assert_eq!(validate(&value).unwrap(), plain);
            }
        }

        #[test]
        fn route_round_trips_and_inherits() {
            let value = config_with(json!({
                "signatureVersion": "v3",
                "overseas": { "message": "{{code}}", "from": "12345" }
            }));
            let config = validate(&value).unwrap();
            let route = config.overseas.clone().unwrap();
            assert_eq!(
                route.signature_version,
                crate::aliyun::call::SignatureVersion::V3
            );
            assert_eq!(route.sign_name, "Logto");
            let json = config.to_json();
            assert_eq!(json["overseas"]["api"], "SendMessageToGlobe");
            assert_eq!(json["overseas"]["regionId"], "ap-southeast-1");
            // Fallback credentials are not copied into the route.
            assert!(json["overseas"].get("accessKeySecret").is_none());
            assert_eq!(validate(&json).unwrap(), config);
        }

        #[test]
        fn route_issues_come_with_the_top_level_ones() {
            let value = config_with(json!({
                "signName": "",
                "overseas": { "message": "none", "from": "Log to" }
            }));
            let paths: Vec<String> = validate(&value)
                .unwrap_err()
                .iter()
                .map(|issue| issue.to_string())
                .collect();
            assert_eq!(
                paths,
                vec![
                    "signName: Must not be empty",
                    "overseas.from: A sender ID has letters and digits only",
                    "overseas.message: Must contain {{code}}",
                ]
            );
        }

        #[test]
        fn issues_never_quote_any_secret() {
            let value = config_with(json!({
                "regionId": "intl-secret-value",
                "overseas": {
                    "accessKeyId": "intl-id",
                    "accessKeySecret": "intl-secret-value",
                    "securityToken": "intl-token-value",
                    "signatureVersion": ACCESS_KEY_SECRET,
                    "api": "intl-token-value",
                    "message": "{{code}}"
                }
            }));
            let text = format!("{:?}", validate(&value).unwrap_err());
            for secret in [ACCESS_KEY_SECRET, "intl-secret-value", "intl-token-value"] {
                assert!(!text.contains(secret), "{secret}: {text}");
            }
            assert!(text.contains("overseas"), "{text}");
        }
    }

    fn list(message: Value) -> Value {
        json!({ "api": "SendMessageToGlobe", "message": message })
    }

    #[test]
    fn message_list_is_read_picked_and_given_back() {
        let route = ok(list(json!([
            { "usageType": "Generic", "text": "Code {{code}}" },
            {},
            { "usageType": "Generic", "locale": "ja", "text": "コード {{code}}" },
            { "usageType": "OrganizationInvitation", "locale": "", "text": "Join: {{link}}" },
            { "usageType": "SignIn", "locale": "pt_br", "text": "Código {{code}}" }
        ])));
        let message = route.message.clone().unwrap();
        assert!(message.localized());
        let pt = Locale::parse("pt-BR").unwrap();
        let ja = Locale::parse("ja-JP").unwrap();
        assert_eq!(
            message.pick("SignIn", Some(&pt)).0.source(),
            "Código {{code}}"
        );
        assert_eq!(
            message.pick("SignIn", Some(&ja)).0.source(),
            "コード {{code}}"
        );
        assert_eq!(message.pick("SignIn", None).0.source(), "Code {{code}}");
        assert_eq!(
            message.pick("OrganizationInvitation", Some(&ja)).0.source(),
            "Join: {{link}}"
        );
        let json = route.to_json();
        assert_eq!(json["message"][3]["locale"], "pt-br");
        assert_eq!(ok(json), route);
    }

    #[test]
    fn message_list_issues_have_their_paths() {
        assert_eq!(
            paths(list(json!([
                { "usageType": "Generic", "text": "Code {{code}}" },
                { "usageType": "SignIn", "locale": "e", "text": "Code {{code}}" },
                { "usageType": "SignIn", "text": "no code" },
                { "locale": "en", "text": "Code {{code}}" },
                { "usageType": "Register" },
                "text",
                { "usageType": "Generic", "locale": "ja", "text": "{{code}" }
            ]))),
            vec![
                r#"["overseas","message",1,"locale"]"#,
                r#"["overseas","message",2,"text"]"#,
                r#"["overseas","message",3,"usageType"]"#,
                r#"["overseas","message",4,"text"]"#,
                r#"["overseas","message",5]"#,
                r#"["overseas","message",6,"text"]"#,
            ]
        );
    }

    #[test]
    fn message_list_needs_generic_without_locale_and_no_duplicates() {
        assert_eq!(
            paths(list(json!([
                { "usageType": "Generic", "locale": "en", "text": "Code {{code}}" }
            ]))),
            vec![r#"["overseas","message"]"#]
        );
        assert_eq!(
            paths(list(json!([
                { "usageType": "Generic", "text": "Code {{code}}" },
                { "usageType": "SignIn", "locale": "en", "text": "A {{code}}" },
                { "usageType": "SignIn", "locale": "EN", "text": "B {{code}}" },
                { "usageType": "Generic", "text": "Again {{code}}" }
            ]))),
            vec![
                r#"["overseas","message",2,"locale"]"#,
                r#"["overseas","message",3,"usageType"]"#
            ]
        );
        // A Generic entry that fails its own check is reported there, not also as missing.
        assert_eq!(
            paths(list(json!([{ "usageType": "Generic", "text": "no code" }]))),
            vec![r#"["overseas","message",0,"text"]"#]
        );
        // What clean-deep leaves of a list of blank entries is no message at all.
        assert_eq!(
            paths(list(json!([{}, { "locale": "" }]))),
            vec![r#"["overseas","message"]"#]
        );
    }
}
