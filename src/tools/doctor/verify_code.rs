//! The checks of `api: "SendSmsVerifyCode"` (the Message Authentication Service). Its system
//! signatures and templates need no approval and no read-only call lists them, so `signName` and
//! the template codes cannot be checked without sending: each gets a `warn` line saying so. The
//! key, the endpoint and the clock are checked with dypnsapi's read-only `QuerySendDetails` for a
//! number no code went to ([`PROBE_PHONE_NUMBER`]), today. `SendSmsVerifyCode` is never called.

use super::{
    access, clock_check, credentials_check, endpoint_check, Access, Account, Check, Probe, Verdict,
};
use crate::aliyun::api::dypns_query_send_details::{self, PERMISSION};
use crate::aliyun::api::query_send_details::SendDetails;
use crate::connector::config::{Config, TemplateCode};

/// The number asked about: a well-formed mainland mobile number, so the answer only tells whether
/// the key got in (at most an empty list).
pub const PROBE_PHONE_NUMBER: &str = "13000000000";
/// What to do when RAM refuses the probe.
const GRANT: &str = "grant dypns:QuerySendDetails so doctor can check the key";
/// The product not activated for the account: the key is fine, sending is not.
const NOT_ACTIVATED: [&str; 2] = ["BIZ_NOT_OPEN_STATUS", "isv.PRODUCT_UNSUBSCRIBE"];

/// The top-level account's checks from the `QuerySendDetails` probe, after the `config` one.
pub(super) fn checks(config: &Config, probe: &Probe<SendDetails>) -> Vec<Check> {
    let account = Account::mainland(config);
    let seen = probe.seen();
    let code = seen
        .failure
        .and_then(|failure| failure.data.aliyun_code.as_deref());
    let id = account.credentials.access_key_id.as_str();
    let gate = match code {
        Some(code) if code == "isv.RAM_PERMISSION_DENY" => Access::Denied(code.to_string()),
        // The Message Authentication Service's own codes (no `.`): the key got past the gate.
        Some(code)
            if !code.contains('.') && code.bytes().all(|b| b.is_ascii_uppercase() || b == b'_') =>
        {
            Access::Granted
        }
        _ => access(&seen, id),
    };
    let action = format!("{} (dypnsapi)", dypns_query_send_details::ACTION);
    let mut credentials = credentials_check(&account, probe.answered, &gate, &action, GRANT);
    if let Some(code) = code.filter(|code| NOT_ACTIVATED.contains(code)) {
        credentials = Check::new(
            "credentials",
            Verdict::Fail,
            format!(
                "AccessKey ID {id} was accepted, but its account has not activated the Message \
                 Authentication Service ({code}): activate it in the console"
            ),
        );
    }
    if let Access::Denied(_) = gate {
        credentials.detail = credentials.detail.replace(
            "the key may still be able to send",
            &format!("{PERMISSION} is read-only; the key may still be able to send"),
        );
    }
    // dysmsapi answers the same `QuerySendDetails`, so the probe alone would pass an endpoint
    // that every `SendSmsVerifyCode` then fails on (`InvalidAction.NotFound`).
    let endpoint = if account.endpoint.host().starts_with("dysmsapi.") {
        Check::new(
            "endpoint",
            Verdict::Fail,
            format!(
                "{} is the SMS product's (dysmsapi) address, which does not serve \
                 SendSmsVerifyCode: leave endpoint empty for the Message Authentication \
                 Service's https://dypnsapi.aliyuncs.com/",
                account.endpoint
            ),
        )
    } else {
        endpoint_check(account.endpoint, &seen)
    };
    let mut checks = vec![
        endpoint,
        clock_check(&seen),
        credentials,
        Check::new(
            "signName",
            Verdict::Warn,
            format!(
                "\"{}\" cannot be checked without sending: no read-only call lists the Message \
                 Authentication Service's system signatures; it must be one its console shows",
                config.sign_name
            ),
        ),
    ];
    checks.extend(uses(config).into_iter().map(|(code, usages)| {
        Check::new(
            "template",
            Verdict::Warn,
            format!(
                "used by {}; cannot be checked without sending: no read-only call lists the \
                 system templates; it must be one the console shows (100001 to 100005)",
                usages.join(", ")
            ),
        )
        .about(&code)
    }));
    checks
}

/// Each distinct non-empty code mainland numbers are sent with (single codes and `china` halves;
/// other numbers never reach this API), with its usage types, in config order.
fn uses(config: &Config) -> Vec<(String, Vec<String>)> {
    let mut all: Vec<(String, Vec<String>)> = Vec::new();
    for template in config.templates.iter() {
        let (code, usage) = match &template.code {
            TemplateCode::Single(code) => (code, template.usage_type.clone()),
            TemplateCode::Regional { china, .. } => {
                (china, format!("{} (china)", template.usage_type))
            }
        };
        if code.is_empty() {
            continue;
        }
        match all.iter_mut().find(|(known, _)| known == code) {
            Some((_, usages)) => usages.push(usage),
            None => all.push((code.clone(), vec![usage])),
        }
    }
    all
}
