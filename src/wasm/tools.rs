//! The WebAssembly exports of the operator tools: `doctor` and `querySendDetails` (the CLI's
//! `doctor` and `status` commands). Each signs and sends read-only calls through the same
//! [`execute`] as `sendMessage`; the verdicts come from the pure [`doctor`] module.

use serde::Serialize;
use serde_json::Value;
use wasm_bindgen::prelude::*;

use std::rc::Rc;

use crate::aliyun::api::dypns_query_send_details;
use crate::aliyun::api::get_sms_sign::{self, GetSmsSign, SmsSign};
use crate::aliyun::api::get_sms_template::{self, GetSmsTemplate, SmsTemplate};
use crate::aliyun::api::query_message::{self, QueryMessage};
use crate::aliyun::api::query_send_details::{self, QuerySendDetails, SendDetails};
use crate::aliyun::call::{Call, Target};
use crate::aliyun::credential::provider::CredentialSource;
use crate::aliyun::credential::{Credentials, Redactor};
use crate::connector::config::{Config, MainlandApi};
use crate::connector::overseas::{Api, OverseasRoute};
use crate::connector::phone::PhoneNumber;
use crate::connector::route::{self, Route};
use crate::error::{ErrorCode, Failure};
use crate::limits::MAX_MESSAGE_JSON_BYTES;
use crate::tools::doctor::{
    self, overseas::PROBE_MESSAGE_ID, verify_code::PROBE_PHONE_NUMBER, Probe, RouteProbes,
    TemplateUse,
};
use crate::wasm::credentials;
use crate::wasm::{execute, failure_to_js, from_js, to_js, validated, Reply};

fn now_millis() -> u64 {
    // `Date.now()` is a non-negative integer of milliseconds for any real clock.
    js_sys::Date::now().max(0.0) as u64
}

/// Where the doctor's calls go, and who signs them: the top level's or the route's account.
#[derive(Clone, Copy)]
struct Via<'a> {
    credentials: &'a Credentials,
    target: Target<'a>,
    timeout_ms: u32,
    /// Both accounts' secrets: answers are quoted through it.
    redactor: &'a Redactor,
}

/// Makes one call and keeps what the doctor needs: whether it was answered, the answer's
/// `Date`, and the local time halfway through (the best guess of when the server stamped it).
/// Not generic, so one copy of the async machinery serves every API.
async fn probe(call: &Call<'_>, via: Via<'_>) -> Probe<Reply> {
    let start = now_millis();
    let result = execute(call, via.credentials, via.target, via.timeout_ms).await;
    let local_millis = start + now_millis().saturating_sub(start) / 2;
    Probe {
        // Only an answer that was too big carries a status on failure: it did arrive.
        answered: result
            .as_ref()
            .map_or_else(|failure| failure.data.status.is_some(), |_| true),
        date: result.as_ref().ok().and_then(|reply| reply.date.clone()),
        local_millis,
        result,
    }
}

/// A probe's answer read by `parse`, quoting it through `redactor`.
fn parsed<T>(
    probe: Probe<Reply>,
    parse: fn(u16, &str, &Redactor) -> Result<T, Failure>,
    redactor: &Redactor,
) -> Probe<T> {
    Probe {
        answered: probe.answered,
        date: probe.date,
        local_millis: probe.local_millis,
        result: probe
            .result
            .and_then(|reply| parse(reply.status, &reply.body, redactor)),
    }
}

/// Checks `config` against Aliyun without sending a message. Always resolves, with
/// `{ ok, checks: [{ name, subject?, route?, verdict, detail, issues? }], summary }`.
#[wasm_bindgen(js_name = doctor)]
pub async fn doctor_export(config: JsValue) -> Result<JsValue, JsValue> {
    let config = match validated(&config) {
        Ok(config) => config,
        Err(mut failure) => {
            let issues = failure.data.issues.take().unwrap_or_default();
            return Ok(to_js(&doctor::invalid_config(issues)));
        }
    };
    let kind = config.credentials.credential_type();
    let (config, signing, expires_at_ms) = match diagnosable(config).await {
        Ok(diagnosable) => diagnosable,
        Err(report) => return Ok(to_js(&report)),
    };
    let redactor = route::redactor(&config);
    let via = Via {
        credentials: &signing,
        target: config.target(),
        timeout_ms: config.timeout_ms,
        redactor: &redactor,
    };
    let report = match config.api {
        MainlandApi::SendSms => {
            let (sign, templates) = sign_and_templates(
                &config,
                &config.sign_name,
                doctor::template_uses(&config),
                via,
            )
            .await;
            let route_probes = match &config.overseas {
                Some(route) => Some(route_probes(&config, route, &redactor).await),
                None => None,
            };
            doctor::diagnose(&config, &sign, templates, route_probes)
        }
        MainlandApi::SendSmsVerifyCode => {
            // Read-only: dypnsapi's QuerySendDetails for a number no code went to, today.
            let query = QuerySendDetails {
                phone_number: PROBE_PHONE_NUMBER.into(),
                biz_id: None,
                send_date: query_send_details::shanghai_date(now_millis()),
            };
            let answer = parsed(
                probe(&dypns_query_send_details::call(&query), via).await,
                dypns_query_send_details::parse,
                &redactor,
            );
            let route_probes = match &config.overseas {
                Some(route) => Some(route_probes(&config, route, &redactor).await),
                None => None,
            };
            doctor::diagnose_verify_code(&config, &answer, route_probes)
        }
    };
    Ok(to_js(&match expires_at_ms {
        Some(expires_at_ms) => doctor::with_provider(report, kind, expires_at_ms),
        None => report,
    }))
}

/// The config the doctor checks, and the pair that signs its probes: as given for an AccessKey
/// pair; for the other credential types, the temporary credentials they give (fetched first),
/// as the `access_key` config they amount to, and when they expire. A refresh that fails is the
/// report.
async fn diagnosable(
    config: Rc<Config>,
) -> Result<(Rc<Config>, Credentials, Option<u64>), doctor::Report> {
    if let Some(fixed) = config.credentials.fixed() {
        let fixed = fixed.clone();
        return Ok((config, fixed, None));
    }
    match credentials::signer(&config).await {
        Ok(signer) => {
            let signing = signer.credentials().clone();
            let expires_at_ms = match &signer {
                credentials::Signer::Temporary(temporary) => Some(temporary.expires_at_ms),
                credentials::Signer::Fixed(_) => None,
            };
            let mut temporary = (*config).clone();
            temporary.credentials = CredentialSource::AccessKey(signing.clone());
            Ok((Rc::new(temporary), signing, expires_at_ms))
        }
        Err(failure) => Err(doctor::credentials_unavailable(
            &failure.redact_with(|text| config.credentials.redact_in(text)),
        )),
    }
}

type TemplateProbes = Vec<(TemplateUse, Probe<SmsTemplate>)>;

/// `GetSmsSign` for `sign_name`, then, when the key got in, `GetSmsTemplate` for each of `uses`.
async fn sign_and_templates(
    config: &Config,
    sign_name: &str,
    uses: Vec<TemplateUse>,
    via: Via<'_>,
) -> (Probe<SmsSign>, Option<TemplateProbes>) {
    let sign_query = GetSmsSign {
        sign_name: sign_name.to_string(),
    };
    let sign = parsed(
        probe(&sign_query.call(), via).await,
        get_sms_sign::parse,
        via.redactor,
    );
    if !doctor::should_check_templates(config, &sign) {
        return (sign, None);
    }
    let mut probes = Vec::new();
    for usage in uses {
        let query = GetSmsTemplate {
            template_code: usage.code.clone(),
        };
        let answer = parsed(
            probe(&query.call(), via).await,
            get_sms_template::parse,
            via.redactor,
        );
        probes.push((usage, answer));
    }
    (sign, Some(probes))
}

/// The read-only calls on the overseas route's account, signed as its sends are.
async fn route_probes(config: &Config, route: &OverseasRoute, redactor: &Redactor) -> RouteProbes {
    let via = Via {
        credentials: route
            .credentials
            .as_ref()
            .unwrap_or(doctor::signing(config)),
        target: route.target(),
        timeout_ms: config.timeout_ms,
        redactor,
    };
    match route.api {
        Api::SendSms => {
            let uses = doctor::route_template_uses(config);
            let (sign, templates) = sign_and_templates(config, &route.sign_name, uses, via).await;
            RouteProbes::SendSms { sign, templates }
        }
        Api::SendMessageToGlobe => {
            let query = QueryMessage {
                message_id: PROBE_MESSAGE_ID.into(),
            };
            let answer = parsed(
                probe(&query.call(), via).await,
                query_message::parse,
                redactor,
            );
            RouteProbes::SendMessageToGlobe(answer)
        }
    }
}

/// What `querySendDetails` resolves with: the query as sent, and Aliyun's records.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Status {
    /// The API the message was sent with (what was asked: its product's records).
    api: &'static str,
    /// `mainland` or `overseas` when the config has an overseas route: whose records these are.
    #[serde(skip_serializing_if = "Option::is_none")]
    route: Option<&'static str>,
    phone_number: String,
    biz_id: String,
    send_date: String,
    #[serde(flatten)]
    details: SendDetails,
}

/// `QuerySendDetails` for one sent message: `query` is `{ to, bizId, sendDate? }`, the date
/// `YYYYMMDD` in Asia/Shanghai (default: today there). Resolves `{ phoneNumber, bizId,
/// sendDate, requestId, totalCount, details }`; rejects with `{ code, data }`, and a problem
/// with the query itself is `invalid_request_parameters` without an HTTP `status`.
#[wasm_bindgen(js_name = querySendDetails)]
pub async fn query_send_details_export(
    config: JsValue,
    query: JsValue,
) -> Result<JsValue, JsValue> {
    let config = validated(&config).map_err(|f| failure_to_js(&f))?;
    let redactor = route::redactor(&config);
    match status(&config, &query, &redactor).await {
        Ok(status) => Ok(to_js(&status)),
        Err(failure) => Err(failure_to_js(&failure.redact_with(|text| {
            redactor.redact_in(text);
            credentials::redact_cached(&config.credentials, text);
        }))),
    }
}

/// Why `status` has nothing to ask for a number on a `SendMessageToGlobe` route.
const GLOBE_HAS_NO_BIZ_ID: &str = "This number takes the overseas route, which sends with SendMessageToGlobe: its messages have a MessageId, not a BizId, and their delivery reports are in the Alibaba Cloud console (international site), not in QuerySendDetails";

/// How a `QuerySendDetails` answer is read: the SMS product's, or dypnsapi's.
type ParseDetails = fn(u16, &str, &Redactor) -> Result<SendDetails, Failure>;

async fn status(config: &Config, query: &JsValue, redactor: &Redactor) -> Result<Status, Failure> {
    let bad = |why: &str| Failure::new(ErrorCode::InvalidRequestParameters, why);
    let value = from_js(
        query,
        "Query",
        ErrorCode::InvalidRequestParameters,
        MAX_MESSAGE_JSON_BYTES,
    )
    .map_err(|unreadable| unreadable.into_failure())?;
    let text = |key: &str| match value.get(key) {
        Some(Value::String(text)) if !text.trim().is_empty() => Some(text.trim()),
        _ => None,
    };
    let to = text("to").ok_or_else(|| bad("The query has no `to` phone number"))?;
    let biz_id = text("bizId").ok_or_else(|| bad("The query has no `bizId`"))?;
    let send_date = text("sendDate")
        .map(String::from)
        .unwrap_or_else(|| query_send_details::shanghai_date(now_millis()));
    let query = QuerySendDetails::for_message(
        to,
        biz_id,
        &send_date,
        config.strict_phone_region_number_check,
    )?;
    // The records are where the send went: a number outside mainland China on the overseas
    // route's account, when there is one (signed as its sends are).
    let phone = PhoneNumber::parse(to).map_err(|e| bad(&format!("Invalid phone number: {e}")))?;
    let route = route::route_for(config, &phone);
    let overseas = config.overseas.as_ref();
    let overseas = overseas.filter(|_| route == Some(Route::Overseas));
    let (call, parse, api, target): (Call<'_>, ParseDetails, MainlandApi, Target<'_>) =
        match overseas {
            // A code sent with SendSmsVerifyCode is on record at the Message Authentication Service.
            None if config.api == MainlandApi::SendSmsVerifyCode => (
                dypns_query_send_details::call(&query),
                dypns_query_send_details::parse,
                config.api,
                config.target(),
            ),
            None => (
                query.call(),
                query_send_details::parse,
                config.api,
                config.target(),
            ),
            Some(overseas) if overseas.api == Api::SendSms => (
                query.call(),
                query_send_details::parse,
                MainlandApi::SendSms,
                overseas.target(),
            ),
            Some(_) => {
                return Err(route::tag_failure(
                    bad(GLOBE_HAS_NO_BIZ_ID),
                    route,
                    Api::SendMessageToGlobe.as_str(),
                ))
            }
        };
    let tag = |failure| route::tag_failure(failure, route, api.as_str());
    let signer;
    let signing = match overseas.and_then(|overseas| overseas.credentials.as_ref()) {
        Some(own) => own,
        None => {
            signer = credentials::signer(config).await.map_err(tag)?;
            signer.credentials()
        }
    };
    let reply = execute(&call, signing, target, config.timeout_ms)
        .await
        .map_err(tag)?;
    let details = parse(reply.status, &reply.body, redactor).map_err(tag)?;
    Ok(Status {
        api: api.as_str(),
        route: route.map(Route::as_str),
        phone_number: query.phone_number,
        biz_id: query.biz_id.unwrap_or_default(),
        send_date: query.send_date,
        details,
    })
}
