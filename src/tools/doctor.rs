//! `doctor`: what a config will meet at Aliyun, found out without sending a message.
//!
//! The commonest operator failures are not connector bugs: a signature still under review, a
//! rejected template or one without `${code}`, a key without SMS permission, a clock far off.
//! This module turns the answers of read-only calls (`GetSmsSign`, then `GetSmsTemplate` per
//! code) into one verdict per check. It makes no call itself: the boundary does, and hands the
//! answers in as [`Probe`]s, so every verdict is tested here natively. The `overseas` route's
//! account gets its own checks ([`overseas`]); `api: "SendSmsVerifyCode"` its own probe and
//! checks ([`verify_code`]).

use serde::Serialize;

use crate::aliyun::api::get_sms_sign::{self, SmsSign};
use crate::aliyun::api::get_sms_template::{self, variables, SmsTemplate};
use crate::aliyun::api::query_send_details::SendDetails;
use crate::aliyun::api::review::{Review, ReviewState};
use crate::aliyun::call::{SignatureVersion, Timestamp};
use crate::aliyun::credential::provider::CredentialType;
use crate::aliyun::credential::Credentials;
use crate::aliyun::endpoint::Endpoint;
use crate::calendar::days_from_civil;
use crate::connector::config::{Config, MainlandApi, TemplateCode};
use crate::connector::overseas::Api;
use crate::connector::route::{self, Route};
use crate::error::{ErrorCode, Failure};
use crate::issue::Issue;

pub mod locales;
pub mod overseas;
pub mod verify_code;

pub use overseas::RouteProbes;

/// Beyond this the clock is worth fixing before it drifts further.
pub const WARN_OFFSET_MILLIS: u64 = 5 * 60 * 1000;
/// Aliyun refuses requests whose `Timestamp` is further than this from its clock.
pub const FAIL_OFFSET_MILLIS: u64 = 15 * 60 * 1000;
/// The template variables Logto's payload fills in a verification message.
const FILLED_VARIABLES: [&str; 1] = ["code"];
/// The system policy that grants every read-only SMS action.
const READ_ONLY_POLICY: &str = "AliyunDysmsReadOnlyAccess";

/// A check's outcome. `Fail` means a send will not work; `Warn` that it may not, or that the
/// check could not be made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Ok,
    Warn,
    Fail,
}

/// One line of the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    /// `config`, `endpoint`, `clock`, `credentials`, `signName` or `template`; for a
    /// `SendMessageToGlobe` route also `from` and `message`.
    pub name: &'static str,
    /// What a `template` check is about (its code), or a `message` check (its usage type).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// `overseas` for a check of the overseas route's account; absent for the top level's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub route: Option<&'static str>,
    pub verdict: Verdict,
    pub detail: String,
    /// The config's problems, each with its path (the `config` check only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub issues: Option<Vec<Issue>>,
}

impl Check {
    fn new(name: &'static str, verdict: Verdict, detail: impl Into<String>) -> Self {
        Self {
            name,
            subject: None,
            route: None,
            verdict,
            detail: detail.into(),
            issues: None,
        }
    }

    fn about(mut self, subject: &str) -> Self {
        self.subject = Some(subject.to_string());
        self
    }

    fn on_overseas_route(mut self) -> Self {
        self.route = Some(Route::Overseas.as_str());
        self
    }

    /// A check that could not be made: a warning, never a failure of its own.
    fn unchecked(name: &'static str, why: &str) -> Self {
        Self::new(name, Verdict::Warn, format!("could not check: {why}"))
    }
}

/// Every check and the verdict over all of them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    /// No check failed.
    pub ok: bool,
    pub checks: Vec<Check>,
    /// One line, e.g. `5 ok, 1 warn, 0 fail`.
    pub summary: String,
}

impl Report {
    fn new(checks: Vec<Check>) -> Self {
        let count = |verdict| checks.iter().filter(|c| c.verdict == verdict).count();
        let (ok, warn, fail) = (
            count(Verdict::Ok),
            count(Verdict::Warn),
            count(Verdict::Fail),
        );
        Self {
            ok: fail == 0,
            summary: format!("{ok} ok, {warn} warn, {fail} fail"),
            checks,
        }
    }

    /// Removes every secret and token in play (both accounts') from every detail (defence in
    /// depth: Aliyun's messages are echoed, and they are not under our control).
    fn redacted(mut self, config: &Config) -> Self {
        let redactor = route::redactor(config);
        for check in &mut self.checks {
            redactor.redact_in(&mut check.detail);
        }
        self
    }
}

/// One read-only call, as the boundary made it.
#[derive(Debug, Clone, PartialEq)]
pub struct Probe<T> {
    /// An HTTP answer arrived, whatever it said.
    pub answered: bool,
    /// The answer's `Date` header.
    pub date: Option<String>,
    /// The local clock (milliseconds since the Unix epoch) halfway through the exchange.
    pub local_millis: u64,
    pub result: Result<T, Failure>,
}

impl<T> Probe<T> {
    /// What the checks of the gate read, the same for every API (one copy of each check in
    /// the .wasm, not one per answer type).
    fn seen(&self) -> Seen<'_> {
        Seen {
            answered: self.answered,
            date: self.date.as_deref(),
            local_millis: self.local_millis,
            failure: self.result.as_ref().err(),
        }
    }
}

/// A [`Probe`] without its answer.
struct Seen<'a> {
    answered: bool,
    date: Option<&'a str>,
    local_millis: u64,
    failure: Option<&'a Failure>,
}

/// Where one template code is used: `SignIn`, or `Register (china)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateUse {
    pub code: String,
    pub uses: Vec<String>,
}

/// Which account a template code is looked up on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    /// The top-level account.
    Mainland,
    /// The `overseas` route's account.
    Overseas,
}

/// Every distinct non-empty template code the top-level account sends with, in config order,
/// with the usage types that pick it: all of them without an overseas route; with one, the
/// single and `china` codes (the `overseas` codes belong to the route).
pub fn template_uses(config: &Config) -> Vec<TemplateUse> {
    uses(config, Side::Mainland)
}

/// The same for the overseas route's account: the single and `overseas` codes with
/// `"api": "SendSms"`, none with `SendMessageToGlobe` (it sends texts, not templates).
pub fn route_template_uses(config: &Config) -> Vec<TemplateUse> {
    uses(config, Side::Overseas)
}

fn uses(config: &Config, side: Side) -> Vec<TemplateUse> {
    let mut all: Vec<TemplateUse> = Vec::new();
    for (code, usage) in codes(config, side) {
        if code.is_empty() {
            continue;
        }
        match all.iter_mut().find(|u| u.code == code) {
            Some(found) => found.uses.push(usage),
            None => all.push(TemplateUse {
                code: code.to_string(),
                uses: vec![usage],
            }),
        }
    }
    all
}

/// Each (code, usage) pair `side`'s account sends with, empty codes included (see
/// [`template_uses`] and [`route_template_uses`]).
fn codes(config: &Config, side: Side) -> Vec<(&str, String)> {
    let api = config.overseas.as_ref().map(|route| route.api);
    let (single, china, overseas) = match (side, api) {
        (Side::Mainland, None) => (true, true, true),
        (Side::Mainland, Some(_)) => (true, true, false),
        (Side::Overseas, Some(Api::SendSms)) => (true, false, true),
        (Side::Overseas, _) => (false, false, false),
    };
    let mut pairs = Vec::new();
    for template in config.templates.iter() {
        let usage = match &template.locale {
            Some(locale) => format!("{} [{}]", template.usage_type, locale.as_str()),
            None => template.usage_type.clone(),
        };
        match &template.code {
            TemplateCode::Single(code) if single => pairs.push((code.as_str(), usage.clone())),
            TemplateCode::Single(_) => {}
            TemplateCode::Regional {
                china: china_code,
                overseas: overseas_code,
            } => {
                if china {
                    pairs.push((china_code.as_str(), format!("{usage} (china)")));
                }
                if overseas {
                    pairs.push((overseas_code.as_str(), format!("{usage} (overseas)")));
                }
            }
        }
    }
    pairs
}

/// How far a call got past Aliyun's gate.
enum Access {
    /// Authenticated and allowed: a success, or an answer about the subject (`isv.*`).
    Granted,
    /// A valid key that RAM does not allow to make this call.
    Denied(String),
    /// The credentials themselves were refused: why, for the operator.
    Refused(String),
    /// The request's time was refused before the key was looked at.
    Clock(String),
    /// Anything else: no answer, an error page, a server error.
    Unknown(String),
}

fn access(probe: &Seen<'_>, access_key_id: &str) -> Access {
    let Some(failure) = probe.failure else {
        return Access::Granted;
    };
    let Some(code) = failure.data.aliyun_code.as_deref() else {
        return Access::Unknown(failure.data.error_description.clone());
    };
    if is_ram_denial(code) {
        Access::Denied(code.to_string())
    } else if code.starts_with("isv.") {
        Access::Granted
    } else if code.starts_with("InvalidTimeStamp") {
        Access::Clock(code.to_string())
    } else if code == "InvalidAccessKeyId.NotFound" {
        Access::Refused(format!(
            "Aliyun does not know AccessKey ID {access_key_id} ({code}): check accessKeyId"
        ))
    } else if code == "InvalidAccessKeyId.Inactive" {
        Access::Refused(format!(
            "AccessKey ID {access_key_id} is disabled ({code}): enable it in the RAM console or use another key"
        ))
    } else if code.starts_with("InvalidAccessKeyId") {
        Access::Refused(format!(
            "Aliyun refused AccessKey ID {access_key_id} ({code})"
        ))
    } else if code == "SignatureDoesNotMatch" || code == "IncompleteSignature" {
        Access::Refused(format!(
            "the request signature was refused ({code}): accessKeySecret is not the secret of AccessKey ID {access_key_id}"
        ))
    } else if code.contains("SecurityToken") {
        Access::Refused(format!(
            "the STS security token was refused ({code}): it is expired or was not issued with AccessKey ID {access_key_id}"
        ))
    } else {
        Access::Unknown(failure.data.error_description.clone())
    }
}

/// Aliyun's codes for a valid key that RAM does not allow to make a call (the international
/// site also answers `isv.RAM_CHECK_FAILED`).
fn is_ram_denial(code: &str) -> bool {
    matches!(
        code,
        "isp.RAM_PERMISSION_DENY" | "isv.RAM_CHECK_FAILED" | "NoPermission"
    ) || code.starts_with("Forbidden")
}

/// The checks after a config failed validation: every problem, and nothing else could run.
pub fn invalid_config(issues: Vec<Issue>) -> Report {
    let parts: Vec<String> = issues.iter().map(Issue::to_string).collect();
    let noun = if issues.len() == 1 {
        "problem"
    } else {
        "problems"
    };
    let mut config = Check::new(
        "config",
        Verdict::Fail,
        format!("{} {noun}: {}", issues.len(), parts.join("; ")),
    );
    config.issues = Some(issues);
    let why = "the config is invalid";
    Report::new(vec![
        config,
        Check::unchecked("endpoint", why),
        Check::unchecked("clock", why),
        Check::unchecked("credentials", why),
        Check::unchecked("signName", why),
        Check::unchecked("template", why),
    ])
}

/// `report` with a `provider` check after the `config` one: the temporary credentials that
/// `kind` fetched for the probes, and until when they hold (issue 13's check 6).
pub fn with_provider(mut report: Report, kind: CredentialType, expires_at_ms: u64) -> Report {
    let how = match kind {
        CredentialType::RamRoleArn => "STS AssumeRole",
        CredentialType::OidcRoleArn => "STS AssumeRoleWithOIDC",
        CredentialType::EcsRamRole => "the ECS metadata service",
        CredentialType::AccessKey => "the config",
    };
    let until = Timestamp::from_unix_millis(expires_at_ms);
    let check = Check::new(
        "provider",
        Verdict::Ok,
        format!(
            "{}: temporary credentials from {how}, valid until {}; the checks below use them",
            kind.as_str(),
            until.as_str()
        ),
    );
    let at = report
        .checks
        .iter()
        .position(|check| check.name == "config")
        .map_or(0, |at| at + 1);
    report.checks.insert(at, check);
    Report::new(report.checks)
}

/// When temporary credentials could not be fetched: that failure, and nothing else checked.
pub fn credentials_unavailable(failure: &Failure) -> Report {
    let why = "no credentials to sign with";
    Report::new(vec![
        Check::new("config", Verdict::Ok, "valid".to_string()),
        Check::unchecked("endpoint", why),
        Check::unchecked("clock", why),
        Check::new(
            "credentials",
            Verdict::Fail,
            failure.data.error_description.clone(),
        ),
        Check::unchecked("signName", why),
        Check::unchecked("template", why),
    ])
}

/// The pair that signed the probes. The boundary fetches temporary credentials first and
/// diagnoses the `access_key` config they amount to, so a config here always has one; the empty
/// pair only keeps this total.
pub(crate) fn signing(config: &Config) -> &Credentials {
    static NONE: Credentials = Credentials::EMPTY;
    config.credentials.fixed().unwrap_or(&NONE)
}

/// Whether the templates are worth asking about: only once the key got past the gate.
pub fn should_check_templates(config: &Config, sign: &Probe<SmsSign>) -> bool {
    matches!(
        access(&sign.seen(), &signing(config).access_key_id),
        Access::Granted
    )
}

/// Every check of a valid config, from the `GetSmsSign` probe and, when
/// [`should_check_templates`] allowed them, one `GetSmsTemplate` probe per [`template_uses`];
/// with an overseas route, then the route's checks from its `probes`.
pub fn diagnose(
    config: &Config,
    sign: &Probe<SmsSign>,
    templates: Option<Vec<(TemplateUse, Probe<SmsTemplate>)>>,
    route_probes: Option<RouteProbes>,
) -> Report {
    let mut checks = vec![config_check(config)];
    checks.extend(account_checks(
        &Account::mainland(config),
        &config.sign_name,
        sign,
        templates,
        template_uses(config),
    ));
    checks.extend(empty_codes(config, Side::Mainland));
    finish(config, checks, route_probes)
}

/// Every check of a valid config with `api: "SendSmsVerifyCode"`, from dypnsapi's
/// `QuerySendDetails` probe (see [`verify_code`]); with an overseas route, then the route's.
pub fn diagnose_verify_code(
    config: &Config,
    probe: &Probe<SendDetails>,
    route_probes: Option<RouteProbes>,
) -> Report {
    let mut checks = vec![config_check(config)];
    checks.extend(verify_code::checks(config, probe));
    checks.extend(empty_codes(config, Side::Mainland));
    finish(config, checks, route_probes)
}

/// `checks`, then the overseas route's, as one redacted report.
fn finish(config: &Config, mut checks: Vec<Check>, route_probes: Option<RouteProbes>) -> Report {
    checks.extend(locales::checks(config));
    if let Some(route) = &config.overseas {
        let route_checks = match route_probes {
            Some(probes) => overseas::checks(config, route, probes),
            None => vec![Check::unchecked("credentials", "not asked")],
        };
        checks.extend(route_checks.into_iter().map(Check::on_overseas_route));
    }
    Report::new(checks).redacted(config)
}

/// The account a group of checks is about: the top level's, or the overseas route's.
struct Account<'a> {
    credentials: &'a Credentials,
    signature_version: SignatureVersion,
    endpoint: &'a Endpoint,
}

impl<'a> Account<'a> {
    fn mainland(config: &'a Config) -> Self {
        Self {
            credentials: signing(config),
            signature_version: config.signature_version,
            endpoint: &config.endpoint,
        }
    }
}

/// Checks 2 to 5 on one account: its endpoint and clock, its key (`GetSmsSign` for
/// `sign_name`), the signature, and the templates it sends with (`uses`).
fn account_checks(
    account: &Account<'_>,
    sign_name: &str,
    sign: &Probe<SmsSign>,
    templates: Option<Vec<(TemplateUse, Probe<SmsTemplate>)>>,
    uses: Vec<TemplateUse>,
) -> Vec<Check> {
    let id = account.credentials.access_key_id.as_str();
    let seen = sign.seen();
    let gate = access(&seen, id);
    let grant = format!(
        "grant {} and {} (both in the {READ_ONLY_POLICY} policy) so doctor can check the \
         signature and templates",
        get_sms_sign::PERMISSION,
        get_sms_template::PERMISSION,
    );
    let mut checks = vec![
        endpoint_check(account.endpoint, &seen),
        clock_check(&seen),
        credentials_check(account, sign.answered, &gate, get_sms_sign::ACTION, &grant),
        sign_check(sign_name, sign, &gate),
    ];
    let not_checked = match &gate {
        Access::Granted => None,
        Access::Denied(code) => Some(format!(
            "the key may not call {} ({code})",
            get_sms_sign::ACTION
        )),
        _ => Some("the credentials could not be confirmed".to_string()),
    };
    match (templates, not_checked) {
        (Some(probes), None) => {
            checks.extend(probes.iter().map(|(u, probe)| template_check(id, u, probe)));
        }
        (_, why) => {
            let why = why.unwrap_or_else(|| "not asked".into());
            checks.extend(
                uses.iter()
                    .map(|u| Check::unchecked("template", &why).about(&u.code)),
            );
        }
    }
    checks
}

fn config_check(config: &Config) -> Check {
    let token = if signing(config).security_token.is_some() {
        ", with an STS security token"
    } else {
        ""
    };
    let api = match config.api {
        MainlandApi::SendSms => "",
        MainlandApi::SendSmsVerifyCode => {
            "api SendSmsVerifyCode (Message Authentication Service), "
        }
    };
    Check::new(
        "config",
        Verdict::Ok,
        format!(
            "valid: {api}signName \"{}\", {} templates, endpoint {}, region {}, signature {}{token}",
            config.sign_name,
            config.templates.iter().count(),
            config.endpoint,
            config.region_id,
            config.signature_version.as_str(),
        ),
    )
}

fn endpoint_check(endpoint: &Endpoint, probe: &Seen<'_>) -> Check {
    match probe.failure {
        Some(failure) if !probe.answered => Check::new(
            "endpoint",
            Verdict::Fail,
            format!(
                "{endpoint} did not answer: {}",
                failure.data.error_description
            ),
        ),
        Some(failure) if failure.code == ErrorCode::InvalidResponse => Check::new(
            "endpoint",
            Verdict::Fail,
            format!(
                "{endpoint} answered, but not as Aliyun's API does: {}",
                failure.data.error_description
            ),
        ),
        _ => Check::new("endpoint", Verdict::Ok, format!("{endpoint} answered")),
    }
}

fn clock_check(probe: &Seen<'_>) -> Check {
    let refused = probe.failure.and_then(|failure| {
        failure
            .data
            .aliyun_code
            .as_deref()
            .filter(|code| code.starts_with("InvalidTimeStamp"))
    });
    let server = probe.date.and_then(parse_http_date);
    let Some(server) = server else {
        return match refused {
            Some(code) => Check::new(
                "clock",
                Verdict::Fail,
                format!("Aliyun refused the request's time ({code}): the local clock is likely more than 15 min off"),
            ),
            None if !probe.answered => Check::unchecked("clock", "the endpoint did not answer"),
            None => Check::unchecked("clock", "the answer has no readable Date header"),
        };
    };
    // `Date` has whole seconds, cut down: the server's time was half a second later on average.
    let server = server + 500;
    let (offset, direction) = if probe.local_millis >= server {
        (probe.local_millis - server, "ahead of")
    } else {
        (server - probe.local_millis, "behind")
    };
    let verdict = if offset > FAIL_OFFSET_MILLIS || refused.is_some() {
        Verdict::Fail
    } else if offset > WARN_OFFSET_MILLIS {
        Verdict::Warn
    } else {
        Verdict::Ok
    };
    let mut detail = if offset < 500 {
        "the local clock is within a second of the endpoint's Date (Aliyun allows 15 min)".into()
    } else {
        format!(
            "the local clock is {} {direction} the endpoint's Date (Aliyun allows 15 min)",
            duration(offset)
        )
    };
    if let Some(code) = refused {
        detail.push_str(&format!("; Aliyun refused the request's time ({code})"));
    }
    Check::new("clock", verdict, detail)
}

/// Whether the key got past Aliyun's gate on `action`; `grant` is what to do when RAM refused.
fn credentials_check(
    account: &Account<'_>,
    answered: bool,
    gate: &Access,
    action: &str,
    grant: &str,
) -> Check {
    let id = &account.credentials.access_key_id;
    match gate {
        Access::Granted => {
            let token = if account.credentials.security_token.is_some() {
                " with its STS token"
            } else {
                ""
            };
            Check::new(
                "credentials",
                Verdict::Ok,
                format!(
                    "AccessKey ID {id}{token} accepted ({action} signed with {})",
                    account.signature_version.as_str()
                ),
            )
        }
        Access::Denied(code) => Check::new(
            "credentials",
            Verdict::Warn,
            format!(
                "AccessKey ID {id} is valid, but RAM does not let it call {action} ({code}): \
                 {grant}; the key may still be able to send"
            ),
        ),
        Access::Refused(why) => Check::new("credentials", Verdict::Fail, why.clone()),
        Access::Clock(code) => Check::unchecked(
            "credentials",
            &format!("Aliyun refused the request's time ({code}) before looking at the key"),
        ),
        Access::Unknown(_) if !answered => {
            Check::unchecked("credentials", "the endpoint did not answer")
        }
        Access::Unknown(why) => Check::unchecked("credentials", why),
    }
}

fn sign_check(name: &str, probe: &Probe<SmsSign>, gate: &Access) -> Check {
    match (&probe.result, gate) {
        (Ok(sign), _) => review_check("signName", &format!("\"{name}\""), &sign.review),
        (Err(failure), Access::Granted) => Check::new(
            "signName",
            Verdict::Fail,
            format!(
                "\"{name}\" is not a signature of this account: {}",
                aliyun_said(failure)
            ),
        ),
        (Err(_), Access::Denied(code)) => Check::unchecked(
            "signName",
            &format!(
                "the key may not call {} ({code}): grant {}",
                get_sms_sign::ACTION,
                get_sms_sign::PERMISSION
            ),
        ),
        (Err(_), _) => Check::unchecked("signName", "the credentials could not be confirmed"),
    }
}

fn template_check(access_key_id: &str, usage: &TemplateUse, probe: &Probe<SmsTemplate>) -> Check {
    let used_by = format!("used by {}", usage.uses.join(", "));
    let check = match (&probe.result, access(&probe.seen(), access_key_id)) {
        (Ok(template), _) => {
            let mut check = review_check("template", "the template", &template.review);
            let content = content_check(template.template_content.as_deref());
            check.verdict = check.verdict.max(content.verdict);
            check.detail = format!("{used_by}; {}; {}", check.detail, content.detail);
            check
        }
        (Err(failure), Access::Granted) => Check::new(
            "template",
            Verdict::Fail,
            format!(
                "{used_by}; not a template of this account: {}",
                aliyun_said(failure)
            ),
        ),
        (Err(_), Access::Denied(code)) => Check::unchecked(
            "template",
            &format!(
                "the key may not call {} ({code}): grant {}",
                get_sms_template::ACTION,
                get_sms_template::PERMISSION
            ),
        ),
        (Err(failure), _) => Check::unchecked("template", &failure.data.error_description),
    };
    check.about(&usage.code)
}

/// Whether a send fills the template's variables: `${code}` must be there, and any other
/// variable is one Logto's payload leaves without a value.
fn content_check(content: Option<&str>) -> Check {
    let Some(content) = content else {
        return Check::unchecked(
            "template",
            "Aliyun returned no content to look for ${code} in",
        );
    };
    let names = variables(content);
    if !names.contains(&"code") {
        return Check::new(
            "template",
            Verdict::Fail,
            "its content has no ${code}: users would get a message without their code",
        );
    }
    let unfilled: Vec<String> = names
        .iter()
        .filter(|name| !FILLED_VARIABLES.contains(name))
        .map(|name| format!("${{{name}}}"))
        .collect();
    if unfilled.is_empty() {
        Check::new("template", Verdict::Ok, "its content has ${code}")
    } else {
        Check::new(
            "template",
            Verdict::Warn,
            format!(
                "its content has ${{code}}, but also {}, which Logto's payload does not fill",
                unfilled.join(", ")
            ),
        )
    }
}

/// A review state as a verdict: only `approved` is usable.
fn review_check(name: &'static str, what: &str, review: &Review) -> Check {
    match review.state {
        ReviewState::Approved => Check::new(name, Verdict::Ok, format!("{what} is approved")),
        ReviewState::UnderReview => Check::new(
            name,
            Verdict::Warn,
            format!("{what} is under review: sends fail until Aliyun approves it"),
        ),
        ReviewState::Rejected => Check::new(
            name,
            Verdict::Fail,
            format!(
                "{what} was rejected: {}",
                review
                    .reject_info
                    .as_deref()
                    .map_or("Aliyun gave no reason", |r| r.trim_end_matches(['.', '。']))
            ),
        ),
        ReviewState::Cancelled => Check::new(
            name,
            Verdict::Fail,
            format!("{what} is not usable: its review was cancelled"),
        ),
        ReviewState::Unrecognized => Check::new(
            name,
            Verdict::Warn,
            format!(
                "{what} has review status {}, which this version does not know",
                review.status.as_deref().unwrap_or("(none)")
            ),
        ),
    }
}

/// Template codes `side`'s account would send with left empty: allowed, but a message that
/// picks one fails.
fn empty_codes(config: &Config, side: Side) -> Vec<Check> {
    codes(config, side)
        .into_iter()
        .filter(|(code, _)| code.is_empty())
        .map(|(_, usage)| {
            Check::new(
                "template",
                Verdict::Warn,
                format!("{usage} has an empty template code: a message that picks it fails with invalid_config"),
            )
            .about("(empty)")
        })
        .collect()
}

/// Aliyun's code and message from a failure.
fn aliyun_said(failure: &Failure) -> String {
    match (&failure.data.aliyun_code, &failure.data.aliyun_message) {
        (Some(code), Some(message)) => format!("{code}: {message}"),
        (Some(code), None) => code.clone(),
        _ => failure.data.error_description.clone(),
    }
}

/// `3 s`, `16 min 40 s`.
fn duration(millis: u64) -> String {
    let seconds = (millis + 500) / 1000;
    if seconds < 60 {
        format!("{seconds} s")
    } else if seconds < 3600 {
        format!("{} min {} s", seconds / 60, seconds % 60)
    } else {
        format!("{} h {} min", seconds / 3600, seconds % 3600 / 60)
    }
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// An HTTP `Date` (`Sun, 06 Nov 1994 08:49:37 GMT`, the only form servers send) as
/// milliseconds since the Unix epoch. Second 60 is a leap second a server may stamp: it reads
/// as the next minute's first second: off by one at most, nothing to a clock check.
pub fn parse_http_date(text: &str) -> Option<u64> {
    let mut parts = text.split_whitespace();
    let _weekday = parts.next()?;
    let day: u64 = parts.next()?.parse().ok()?;
    let month_name = parts.next()?;
    let month = MONTHS.iter().position(|m| *m == month_name)? as u64 + 1;
    let year: u64 = parts.next()?.parse().ok()?;
    let mut clock = parts.next()?.split(':').map(|p| p.parse::<u64>().ok());
    let (hour, minute, second) = (clock.next()??, clock.next()??, clock.next()??);
    if parts.next()? != "GMT" || parts.next().is_some() || clock.next().is_some() {
        return None;
    }
    if !(1970..=9999).contains(&year)
        || !(1..=31).contains(&day)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    let days = days_from_civil(year, month, day);
    Some(((days * 24 + hour) * 60 + minute) * 60_000 + second * 1000)
}

#[cfg(test)]
mod tests;
