//! The checks of the `overseas` route: its own account, endpoint and signing, so its own
//! endpoint, clock and credentials checks. With `"api": "SendSms"` the route's account is asked
//! about its signature and templates like the top level's; with `SendMessageToGlobe` there is
//! nothing to approve, so the key is tried with `QueryMessage` (read-only, free) for an id no
//! message has, and the sender ID and message texts are checked from the config alone.

use super::{
    access, account_checks, clock_check, credentials_check, empty_codes, endpoint_check,
    is_ram_denial, route_template_uses, Access, Account, Check, Probe, Side, TemplateUse, Verdict,
};
use crate::aliyun::api::get_sms_sign::SmsSign;
use crate::aliyun::api::get_sms_template::SmsTemplate;
use crate::aliyun::api::query_message::{self, MessageReport};
use crate::aliyun::api::send_message_to_globe::{
    MAX_ALPHANUMERIC_SENDER_ID, MAX_NUMERIC_SENDER_ID,
};
use crate::connector::config::Config;
use crate::connector::overseas::{MessageText, OverseasRoute, Text};

/// The `MessageId` asked about: no message has it, so the answer only tells whether the key
/// got past the gate.
pub const PROBE_MESSAGE_ID: &str = "0";
/// The payload keys Logto fills in every SMS it sends: the code and the user's language.
const FILLED: [&str; 3] = ["code", "locale", "uiLocales"];
/// The usage type whose payload also carries `link`.
const INVITATION: &str = "OrganizationInvitation";
/// What to do when RAM refuses `QueryMessage` (the permission is [`query_message::PERMISSION`]).
const GRANT: &str = "grant dysms:QueryMessage so doctor can check the key";

/// The read-only calls made on the route's account, as the boundary made them.
#[derive(Debug, Clone, PartialEq)]
pub enum RouteProbes {
    /// `"api": "SendSms"`: `GetSmsSign` for the route's `signName`, then (when the key got in)
    /// `GetSmsTemplate` for each of [`route_template_uses`].
    SendSms {
        sign: Probe<SmsSign>,
        templates: Option<Vec<(TemplateUse, Probe<SmsTemplate>)>>,
    },
    /// `SendMessageToGlobe`: `QueryMessage` for [`PROBE_MESSAGE_ID`].
    SendMessageToGlobe(Probe<MessageReport>),
}

/// Every check of the route, not yet marked as the route's (the caller does).
pub(super) fn checks(config: &Config, route: &OverseasRoute, probes: RouteProbes) -> Vec<Check> {
    let account = Account {
        credentials: route.credentials.as_ref().unwrap_or(super::signing(config)),
        signature_version: route.signature_version,
        endpoint: &route.endpoint,
    };
    match probes {
        RouteProbes::SendSms { sign, templates } => {
            let mut checks = account_checks(
                &account,
                &route.sign_name,
                &sign,
                templates,
                route_template_uses(config),
            );
            checks.extend(empty_codes(config, Side::Overseas));
            checks
        }
        RouteProbes::SendMessageToGlobe(probe) => {
            let seen = probe.seen();
            let mut checks = vec![
                endpoint_check(account.endpoint, &seen),
                clock_check(&seen),
                globe_credentials_check(&account, &probe),
                sender_check(route.from.as_deref()),
            ];
            match &route.message {
                Some(MessageText::Single(text)) => checks.push(message_check(text, None)),
                Some(MessageText::Entries { entries, .. }) => {
                    checks.extend(entries.iter().map(|entry| {
                        let subject = match &entry.locale {
                            Some(locale) => format!("{} [{}]", entry.usage_type, locale.as_str()),
                            None => entry.usage_type.clone(),
                        };
                        message_check(&entry.text, Some(&entry.usage_type)).about(&subject)
                    }))
                }
                // Validation requires a message for this API.
                None => checks.push(Check::new("message", Verdict::Fail, "no message text")),
            }
            checks
        }
    }
}

fn globe_credentials_check(account: &Account<'_>, probe: &Probe<MessageReport>) -> Check {
    let gate = match &probe.result {
        Ok(report) if is_ram_denial(&report.response_code) => {
            Access::Denied(report.response_code.clone())
        }
        Ok(_) => Access::Granted,
        Err(_) => access(&probe.seen(), &account.credentials.access_key_id),
    };
    credentials_check(account, probe.answered, &gate, query_message::ACTION, GRANT)
}

/// The sender ID: its form is already valid (the config checks it); whether a country needs
/// one registered only Alibaba Cloud knows.
fn sender_check(from: Option<&str>) -> Check {
    let Some(from) = from else {
        return Check::new(
            "from",
            Verdict::Warn,
            "no sender ID: Alibaba Cloud picks one; some countries deliver only with a sender ID \
             registered for the account",
        );
    };
    let (kind, max) = if from.bytes().all(|b| b.is_ascii_digit()) {
        ("digits", MAX_NUMERIC_SENDER_ID)
    } else {
        ("letters and digits", MAX_ALPHANUMERIC_SENDER_ID)
    };
    Check::new(
        "from",
        Verdict::Ok,
        format!(
            "sender ID \"{from}\" ({} {kind}, at most {max}); some countries need it registered for the account",
            from.len()
        ),
    )
}

/// Whether Logto's payload fills a text's placeholders. `usage` is the usage type the text is
/// for; `None` (one text for all) and `Generic` serve every usage type without its own.
fn message_check(text: &Text, usage: Option<&str>) -> Check {
    let invitation = usage == Some(INVITATION);
    // `{{a}}, {{b}}` lists, built by hand: iterator adapters cost more .wasm than this does.
    let (mut filled, mut unfilled) = (String::new(), String::new());
    let mut has_code = false;
    let mut has_link = false;
    for name in text.placeholders() {
        has_code |= name == "code";
        let fills = FILLED.contains(&name) || (invitation && name == "link");
        has_link |= !fills && name == "link";
        let list = if fills { &mut filled } else { &mut unfilled };
        if !list.is_empty() {
            list.push_str(", ");
        }
        list.push_str("{{");
        list.push_str(name);
        list.push_str("}}");
    }
    let mut verdict = Verdict::Ok;
    let mut detail = String::new();
    if !has_code && !invitation {
        verdict = Verdict::Fail;
        detail.push_str("it has no {{code}}: users would get a message without their code");
    }
    if !unfilled.is_empty() {
        verdict = verdict.max(Verdict::Warn);
        if !detail.is_empty() {
            detail.push_str("; ");
        }
        let link = if has_link {
            " (it sends {{link}} only with OrganizationInvitation)"
        } else {
            ""
        };
        detail.push_str(&format!(
            "it has {unfilled}, which Logto's payload does not fill{link}: such a send fails with invalid_request_parameters"
        ));
    }
    if detail.is_empty() {
        detail = format!("Logto's payload fills its {filled}");
    }
    Check::new("message", verdict, detail)
}
