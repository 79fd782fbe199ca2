use serde_json::json;

use super::*;
use crate::aliyun::api::query_message::{self, MessageReport};
use crate::connector::config::validate;
use crate::test_fixtures::{self, with_fields, ACCESS_KEY_SECRET};

const DATE: &str = "Tue, 01 Dec 2026 02:00:00 GMT";
/// `DATE` as milliseconds, worked out by hand: 20788 days after 1970-01-01, plus two hours.
const DATE_MILLIS: u64 = 20_788 * 86_400_000 + 2 * 3_600_000;

/// The shared fixture, then the top-level fields of `extra`. Two changes: a key id of its own,
/// as the fixture's shares 19 bytes with its secret and the details would show it masked; and
/// ForgotPassword on SignIn's code, so that every report has a code two usages share.
fn config_with(extra: serde_json::Value) -> Config {
    let mut value = test_fixtures::config_with(json!({ "accessKeyId": "LTAI-doctor" }));
    let forgot = &mut value["templates"][2];
    assert_eq!(forgot["usageType"], "ForgotPassword");
    forgot["templateCode"] = json!("SMS_SIGNIN");
    validate(&with_fields(value, extra)).unwrap()
}

fn config() -> Config {
    config_with(json!({}))
}

/// A probe answered `offset_millis` after the endpoint's `Date` (negative: before it).
fn probe<T>(result: Result<T, Failure>, offset_millis: i64) -> Probe<T> {
    Probe {
        answered: true,
        date: Some(DATE.into()),
        local_millis: (DATE_MILLIS as i64 + 500 + offset_millis) as u64,
        result,
    }
}

/// A probe whose endpoint never answered, failing with `description`.
fn unanswered<T>(description: &str) -> Probe<T> {
    Probe {
        answered: false,
        date: None,
        local_millis: 0,
        result: Err(Failure::new(ErrorCode::General, description)),
    }
}

fn sign(body: &str) -> Probe<SmsSign> {
    sign_with_status(200, body)
}

fn sign_with_status(status: u16, body: &str) -> Probe<SmsSign> {
    probe(
        get_sms_sign::parse(status, body, &crate::aliyun::credential::Redactor::none()),
        2000,
    )
}

fn approved_sign() -> Probe<SmsSign> {
    sign(r#"{"Code":"OK","RequestId":"R","SignName":"Logto","SignStatus":1}"#)
}

fn template(body: &str) -> Probe<SmsTemplate> {
    probe(
        get_sms_template::parse(200, body, &crate::aliyun::credential::Redactor::none()),
        0,
    )
}

fn good_template() -> Probe<SmsTemplate> {
    template(r#"{"Code":"OK","TemplateStatus":"1","TemplateContent":"Your code is ${code}"}"#)
}

/// Diagnoses `config` with `sign`, every template answering `templates(code)`.
fn run(
    config: &Config,
    sign: Probe<SmsSign>,
    templates: impl Fn(&str) -> Probe<SmsTemplate>,
) -> Report {
    let probes = should_check_templates(config, &sign).then(|| {
        template_uses(config)
            .into_iter()
            .map(|u| {
                let answer = templates(&u.code);
                (u, answer)
            })
            .collect()
    });
    diagnose(config, &sign, probes, None)
}

fn check<'a>(report: &'a Report, name: &str) -> &'a Check {
    report
        .checks
        .iter()
        .find(|c| c.name == name)
        .unwrap_or_else(|| panic!("no {name} check in {report:#?}"))
}

fn template_named<'a>(report: &'a Report, code: &str) -> &'a Check {
    report
        .checks
        .iter()
        .find(|c| c.name == "template" && c.subject.as_deref() == Some(code))
        .unwrap_or_else(|| panic!("no template {code} in {report:#?}"))
}

/// Asserts that `check` came out `verdict`, with `words` in its detail.
#[track_caller]
fn assert_says(check: &Check, verdict: Verdict, words: &str) {
    assert_eq!(check.verdict, verdict, "{check:#?}");
    assert!(check.detail.contains(words), "no {words:?} in {check:#?}");
}

#[test]
fn everything_fine() {
    let report = run(&config(), approved_sign(), |_| good_template());
    let names: Vec<(&str, Option<&str>)> = report
        .checks
        .iter()
        .map(|c| (c.name, c.subject.as_deref()))
        .collect();
    assert_eq!(
        names,
        [
            ("config", None),
            ("endpoint", None),
            ("clock", None),
            ("credentials", None),
            ("signName", None),
            ("template", Some("SMS_SIGNIN")),
            ("template", Some("SMS_REG_CN")),
            ("template", Some("SMS_REG_INT")),
            ("template", Some("SMS_GENERIC")),
        ]
    );
    assert!(
        report.checks.iter().all(|c| c.verdict == Verdict::Ok),
        "{report:#?}"
    );
    assert!(report.ok);
    assert_eq!(report.summary, "9 ok, 0 warn, 0 fail");
    assert_eq!(
        check(&report, "clock").detail,
        "the local clock is 2 s ahead of the endpoint's Date (Aliyun allows 15 min)"
    );
    assert!(check(&report, "credentials").detail.contains("LTAI-doctor"));
    assert_eq!(
        template_named(&report, "SMS_SIGNIN").detail,
        "used by SignIn, ForgotPassword; the template is approved; its content has ${code}"
    );
    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(json["checks"][0]["verdict"], "ok");
    assert_eq!(json["checks"][5]["subject"], "SMS_SIGNIN");
    assert!(json["checks"][0].get("subject").is_none());
}

#[test]
fn sign_states() {
    for (status, extra, verdict, words) in [
        ("0", "", Verdict::Warn, "is under review"),
        (
            "2",
            r#","AuditInfo":{"RejectInfo":"Name does not match the company"}"#,
            Verdict::Fail,
            "was rejected: Name does not match the company",
        ),
        (
            "2",
            "",
            Verdict::Fail,
            "was rejected: Aliyun gave no reason",
        ),
        ("10", "", Verdict::Fail, "review was cancelled"),
        ("7", "", Verdict::Warn, "review status 7"),
    ] {
        let body = format!(r#"{{"Code":"OK","SignStatus":{status}{extra}}}"#);
        let report = run(&config(), sign(&body), |_| good_template());
        let sign = check(&report, "signName");
        assert_says(sign, verdict, words);
        assert!(sign.detail.starts_with("\"Logto\" "), "{}", sign.detail);
        // The key got through, so the templates were still checked.
        assert_eq!(check(&report, "credentials").verdict, Verdict::Ok);
        assert_eq!(template_named(&report, "SMS_GENERIC").verdict, Verdict::Ok);
        assert_eq!(report.ok, verdict != Verdict::Fail);
    }
}

#[test]
fn unknown_sign_fails_with_aliyun_words() {
    let report = run(
        &config(),
        sign(r#"{"Code":"isv.SMS_SIGNATURE_ILLEGAL","Message":"The signature does not exist"}"#),
        |_| good_template(),
    );
    let sign = check(&report, "signName");
    assert_eq!(sign.verdict, Verdict::Fail);
    assert_eq!(
        sign.detail,
        "\"Logto\" is not a signature of this account: isv.SMS_SIGNATURE_ILLEGAL: The signature does not exist"
    );
    assert_eq!(check(&report, "credentials").verdict, Verdict::Ok);
    assert!(!report.ok);
}

#[test]
fn template_states_and_content() {
    let report = run(&config(), approved_sign(), |code| match code {
        "SMS_SIGNIN" => template(
            r#"{"Code":"OK","TemplateStatus":"1","TemplateContent":"Welcome to our shop"}"#,
        ),
        "SMS_REG_CN" => {
            template(r#"{"Code":"OK","TemplateStatus":"0","TemplateContent":"Code ${code}"}"#)
        }
        "SMS_REG_INT" => template(
            r#"{"Code":"OK","TemplateStatus":"2","TemplateContent":"Code ${code}","AuditInfo":{"RejectInfo":"Spelling mistake"}}"#,
        ),
        _ => template(
            r#"{"Code":"OK","TemplateStatus":1,"TemplateContent":"Hi ${name}, code ${code} for ${product}"}"#,
        ),
    });
    assert_says(
        template_named(&report, "SMS_SIGNIN"),
        Verdict::Fail,
        "no ${code}",
    );
    let review = template_named(&report, "SMS_REG_CN");
    assert_eq!(review.verdict, Verdict::Warn);
    assert_eq!(
        review.detail,
        "used by Register (china); the template is under review: sends fail until Aliyun approves it; its content has ${code}"
    );
    assert_says(
        template_named(&report, "SMS_REG_INT"),
        Verdict::Fail,
        "rejected: Spelling mistake",
    );
    let extra = template_named(&report, "SMS_GENERIC");
    assert_eq!(extra.verdict, Verdict::Warn);
    assert!(
        extra
            .detail
            .ends_with("also ${name}, ${product}, which Logto's payload does not fill"),
        "{}",
        extra.detail
    );
    assert_eq!(report.summary, "5 ok, 2 warn, 2 fail");
}

#[test]
fn unknown_and_unreadable_templates() {
    let report = run(&config(), approved_sign(), |code| match code {
        "SMS_SIGNIN" => {
            template(r#"{"Code":"isv.SMS_TEMPLATE_ILLEGAL","Message":"no such template"}"#)
        }
        "SMS_REG_CN" => template(r#"{"Code":"Forbidden.RAM","Message":"not allowed"}"#),
        "SMS_REG_INT" => template(r#"{"Code":"OK","TemplateStatus":"1"}"#),
        _ => probe(
            Err(Failure::new(
                ErrorCode::General,
                "Aliyun did not answer within 5000 ms (request aborted)",
            )),
            0,
        ),
    });
    let unknown = template_named(&report, "SMS_SIGNIN");
    assert_eq!(unknown.verdict, Verdict::Fail);
    assert!(unknown
        .detail
        .ends_with("not a template of this account: isv.SMS_TEMPLATE_ILLEGAL: no such template"));
    assert_says(
        template_named(&report, "SMS_REG_CN"),
        Verdict::Warn,
        "grant dysms:GetSmsTemplate",
    );
    let no_content = template_named(&report, "SMS_REG_INT");
    assert_eq!(no_content.verdict, Verdict::Warn);
    let timeout = template_named(&report, "SMS_GENERIC");
    assert_eq!(timeout.verdict, Verdict::Warn);
    assert!(timeout
        .detail
        .starts_with("could not check: Aliyun did not answer"));
}

#[test]
fn credential_failures_name_the_cause() {
    for (status, code, words) in [
        (
            404,
            "InvalidAccessKeyId.NotFound",
            "does not know AccessKey ID LTAI-doctor",
        ),
        (400, "InvalidAccessKeyId.Inactive", "is disabled"),
        (
            400,
            "SignatureDoesNotMatch",
            "accessKeySecret is not the secret of AccessKey ID LTAI-doctor",
        ),
        (
            400,
            "InvalidSecurityToken.Expired",
            "STS security token was refused",
        ),
        (
            400,
            "MissingSecurityToken",
            "STS security token was refused",
        ),
    ] {
        let body = format!(r#"{{"Code":"{code}","Message":"refused"}}"#);
        let report = run(
            &config(),
            sign_with_status(status, &body),
            |_| unreachable!(),
        );
        let credentials = check(&report, "credentials");
        assert_says(credentials, Verdict::Fail, words);
        assert!(credentials.detail.contains(code));
        assert_eq!(check(&report, "endpoint").verdict, Verdict::Ok);
        assert_eq!(check(&report, "clock").verdict, Verdict::Ok);
        for later in report
            .checks
            .iter()
            .filter(|c| matches!(c.name, "signName" | "template"))
        {
            assert_eq!(later.verdict, Verdict::Warn, "{code} {later:?}");
            assert!(later.detail.starts_with("could not check"));
        }
        assert!(!report.ok);
    }
}

#[test]
fn ram_denied_is_a_warning_naming_the_permission() {
    for (status, code) in [
        (200, "isp.RAM_PERMISSION_DENY"),
        (403, "Forbidden.RAM"),
        (403, "NoPermission"),
    ] {
        let body = format!(r#"{{"Code":"{code}","Message":"denied"}}"#);
        let sign = sign_with_status(status, &body);
        assert!(!should_check_templates(&config(), &sign));
        let report = run(&config(), sign, |_| unreachable!());
        let credentials = check(&report, "credentials");
        assert_says(credentials, Verdict::Warn, "dysms:GetSmsSign");
        assert!(credentials.detail.contains("dysms:GetSmsTemplate"));
        assert!(credentials.detail.contains("AliyunDysmsReadOnlyAccess"));
        assert!(check(&report, "signName")
            .detail
            .starts_with("could not check: the key may not call GetSmsSign"));
        assert!(template_named(&report, "SMS_SIGNIN")
            .detail
            .starts_with("could not check"));
        // Nothing failed: such a key may still send.
        assert!(report.ok, "{report:#?}");
        assert_eq!(report.summary, "3 ok, 6 warn, 0 fail");
    }
}

#[test]
fn clock_offsets() {
    let minute = 60_000;
    for (offset, verdict, words) in [
        (0, Verdict::Ok, "within a second of"),
        (-499, Verdict::Ok, "within a second of"),
        (-500, Verdict::Ok, "1 s behind"),
        (-3_000, Verdict::Ok, "3 s behind"),
        (5 * minute, Verdict::Ok, "5 min 0 s ahead of"),
        (5 * minute + 1_000, Verdict::Warn, "5 min 1 s ahead of"),
        (-(14 * minute), Verdict::Warn, "14 min 0 s behind"),
        (15 * minute + 2_000, Verdict::Fail, "15 min 2 s ahead of"),
        (-(3 * 60 * minute), Verdict::Fail, "3 h 0 min behind"),
    ] {
        let mut sign = approved_sign();
        sign.local_millis = (DATE_MILLIS as i64 + 500 + offset) as u64;
        let report = run(&config(), sign, |_| good_template());
        assert_says(check(&report, "clock"), verdict, words);
    }
}

#[test]
fn clock_without_a_usable_date() {
    for date in [
        None,
        Some("yesterday"),
        Some("Tue, 01 Dec 2026 02:00:00 CET"),
    ] {
        let mut sign = approved_sign();
        sign.date = date.map(String::from);
        let report = run(&config(), sign, |_| good_template());
        let clock = check(&report, "clock");
        assert_eq!(clock.verdict, Verdict::Warn, "{date:?}");
        assert_eq!(
            clock.detail,
            "could not check: the answer has no readable Date header"
        );
    }
    // Aliyun refusing the time is a failure even without a Date to measure against.
    let mut expired = sign_with_status(
        400,
        r#"{"Code":"InvalidTimeStamp.Expired","Message":"expired"}"#,
    );
    expired.date = None;
    let report = run(&config(), expired, |_| unreachable!());
    assert_says(
        check(&report, "clock"),
        Verdict::Fail,
        "InvalidTimeStamp.Expired",
    );
    assert_eq!(check(&report, "credentials").verdict, Verdict::Warn);
    // With a Date, the offset is shown too.
    let mut late = sign_with_status(400, r#"{"Code":"InvalidTimeStamp.Expired"}"#);
    late.local_millis = DATE_MILLIS + 500 + 20 * 60_000;
    let report = run(&config(), late, |_| unreachable!());
    assert_says(
        check(&report, "clock"),
        Verdict::Fail,
        "20 min 0 s ahead of",
    );
}

#[test]
fn endpoint_that_does_not_answer_or_is_not_aliyun() {
    let silent = unanswered(
        "Network error calling Aliyun at http://127.0.0.1:9/ (request): fetch failed: ECONNREFUSED",
    );
    let report = run(&config(), silent, |_| unreachable!());
    let endpoint = check(&report, "endpoint");
    assert_says(endpoint, Verdict::Fail, "did not answer: Network error");
    assert!(endpoint.detail.contains("ECONNREFUSED"));
    for name in ["clock", "credentials", "signName"] {
        assert_eq!(check(&report, name).verdict, Verdict::Warn, "{name}");
    }
    assert!(!report.ok);

    let html = sign_with_status(502, "<html>Bad Gateway</html>");
    let report = run(&config(), html, |_| unreachable!());
    assert_says(
        check(&report, "endpoint"),
        Verdict::Fail,
        "not as Aliyun's API does",
    );
    assert_eq!(check(&report, "credentials").verdict, Verdict::Warn);
}

#[test]
fn invalid_config_lists_every_issue() {
    let issues = validate(&json!({ "accessKeyId": "id", "templates": [] })).unwrap_err();
    let report = invalid_config(issues);
    let config = check(&report, "config");
    assert_eq!(config.verdict, Verdict::Fail);
    assert!(
        config.detail.starts_with(
            "3 problems: accessKeySecret: Required; signName: Required; templates: UsageType"
        ),
        "{}",
        config.detail
    );
    assert_eq!(config.issues.as_ref().map(Vec::len), Some(3));
    assert!(report
        .checks
        .iter()
        .skip(1)
        .all(|c| c.verdict == Verdict::Warn));
    assert!(!report.ok);
    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(
        json["checks"][0]["issues"][0]["path"],
        json!(["accessKeySecret"])
    );
}

#[test]
fn template_codes_are_deduplicated_and_empty_ones_warned() {
    let config = config_with(json!({
        "templates": [
            { "usageType": "SignIn", "templateCode": "SMS_A" },
            { "usageType": "Register", "templateCode": { "china": "SMS_A", "overseas": "" } },
            { "usageType": "ForgotPassword", "templateCode": "SMS_B" },
            { "usageType": "Generic", "templateCode": "SMS_A" },
            { "usageType": "BindMfa", "templateCode": "" }
        ]
    }));
    let uses = template_uses(&config);
    assert_eq!(
        uses,
        vec![
            TemplateUse {
                code: "SMS_A".into(),
                uses: vec!["SignIn".into(), "Register (china)".into(), "Generic".into()],
            },
            TemplateUse {
                code: "SMS_B".into(),
                uses: vec!["ForgotPassword".into()],
            },
        ]
    );
    let report = run(&config, approved_sign(), |_| good_template());
    let empty: Vec<&str> = report
        .checks
        .iter()
        .filter(|c| c.subject.as_deref() == Some("(empty)"))
        .map(|c| c.detail.as_str())
        .collect();
    assert_eq!(empty.len(), 2, "{report:#?}");
    assert!(empty[0].starts_with("Register (overseas) has an empty template code"));
    assert!(empty[1].starts_with("BindMfa has an empty template code"));
    assert!(report.ok);
    assert_eq!(report.summary, "7 ok, 2 warn, 0 fail");
}

#[test]
fn secrets_never_reach_a_detail() {
    let config = config_with(json!({ "securityToken": "sts-token-value-5678" }));
    // A code in no row, so the detail quotes Aliyun's Message (a mapped code shows its hint).
    let echo = format!(
        r#"{{"Code":"Doctor.UnknownCode","Message":"{ACCESS_KEY_SECRET} sts-token-value-5678"}}"#
    );
    let report = run(&config, sign_with_status(500, &echo), |_| unreachable!());
    let text = serde_json::to_string(&report).unwrap();
    assert!(!text.contains(ACCESS_KEY_SECRET), "{text}");
    assert!(!text.contains("sts-token-value-5678"), "{text}");
    assert!(text.contains("***"), "{text}");
    assert!(check(&report, "config")
        .detail
        .contains("with an STS security token"));
}

#[test]
fn http_dates() {
    assert_eq!(parse_http_date("Thu, 01 Jan 1970 00:00:00 GMT"), Some(0));
    assert_eq!(
        parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"),
        Some(784_111_777_000)
    );
    assert_eq!(parse_http_date(DATE), Some(DATE_MILLIS));
    assert_eq!(
        parse_http_date("Thu, 29 Feb 2024 23:59:59 GMT"),
        Some(1_709_251_199_000)
    );
    assert_eq!(
        parse_http_date("Sat, 31 Dec 2016 23:59:60 GMT"),
        parse_http_date("Sun, 01 Jan 2017 00:00:00 GMT")
    );
    for bad in [
        "",
        "Sun, 06 Nov 1994 08:49:37",
        "Sun, 06 Nov 1994 08:49:37 GMT extra",
        "Sun, 06 November 1994 08:49:37 GMT",
        "Sun, 06 Nov 1994 24:00:00 GMT",
        "Sun, 06 Nov 1994 08:49 GMT",
        "Sun, 06 Nov 1994 08:49:37:01 GMT",
        "Sun, 32 Nov 1994 08:49:37 GMT",
        "Sun, 06 Nov 1969 08:49:37 GMT",
        "Sunday, 06-Nov-94 08:49:37 GMT",
    ] {
        assert_eq!(parse_http_date(bad), None, "{bad}");
    }
}

// ---------------------------------------------------------------------------------------------
// The overseas route (check 6).

const ROUTE_SECRET: &str = "route-secret-value-9876";

/// The default config with an overseas route: its own account, `SendMessageToGlobe` unless
/// `extra` says otherwise.
fn route_config(extra: serde_json::Value) -> Config {
    let route = json!({
        "accessKeyId": "LTAI-intl",
        "accessKeySecret": ROUTE_SECRET,
        "from": "Logto",
        "message": "Your code is {{code}}"
    });
    config_with(json!({ "overseas": with_fields(route, extra) }))
}

fn globe(status: u16, body: &str) -> Probe<MessageReport> {
    probe(
        query_message::parse(status, body, &crate::aliyun::credential::Redactor::none()),
        1000,
    )
}

fn globe_ok() -> RouteProbes {
    RouteProbes::SendMessageToGlobe(globe(200, r#"{"ResponseCode":"OK","RequestId":"R"}"#))
}

/// Every mainland check in order, then the route's from `route`.
fn run_route(config: &Config, route: RouteProbes) -> Report {
    let sign = approved_sign();
    let templates = template_uses(config)
        .into_iter()
        .map(|u| (u, good_template()))
        .collect();
    diagnose(config, &sign, Some(templates), Some(route))
}

/// The route's check `name` (about `subject`, when given).
fn on_route<'a>(report: &'a Report, name: &str, subject: Option<&str>) -> &'a Check {
    report
        .checks
        .iter()
        .find(|c| {
            c.route == Some("overseas")
                && c.name == name
                && (subject.is_none() || c.subject.as_deref() == subject)
        })
        .unwrap_or_else(|| panic!("no overseas {name} {subject:?} in {report:#?}"))
}

fn labels(report: &Report) -> Vec<String> {
    report
        .checks
        .iter()
        .map(|c| {
            let mut label = c.name.to_string();
            if let Some(subject) = &c.subject {
                label.push_str(&format!(" {subject}"));
            }
            if let Some(route) = c.route {
                label.push_str(&format!(" ({route} route)"));
            }
            label
        })
        .collect()
}

#[test]
fn globe_route_in_order() {
    let config = route_config(json!({}));
    let report = run_route(&config, globe_ok());
    assert_eq!(
        labels(&report),
        [
            "config",
            "endpoint",
            "clock",
            "credentials",
            "signName",
            // The overseas code is the route's business: SendMessageToGlobe sends texts.
            "template SMS_SIGNIN",
            "template SMS_REG_CN",
            "template SMS_GENERIC",
            "endpoint (overseas route)",
            "clock (overseas route)",
            "credentials (overseas route)",
            "from (overseas route)",
            "message (overseas route)",
        ]
    );
    assert!(
        report.checks.iter().all(|c| c.verdict == Verdict::Ok),
        "{report:#?}"
    );
    assert_eq!(report.summary, "13 ok, 0 warn, 0 fail");
    assert_eq!(
        on_route(&report, "endpoint", None).detail,
        "https://dysmsapi.ap-southeast-1.aliyuncs.com/ answered"
    );
    assert_eq!(
        on_route(&report, "clock", None).detail,
        "the local clock is 1 s ahead of the endpoint's Date (Aliyun allows 15 min)"
    );
    assert_eq!(
        on_route(&report, "credentials", None).detail,
        "AccessKey ID LTAI-intl accepted (QueryMessage signed with v1)"
    );
    assert_eq!(
        on_route(&report, "from", None).detail,
        "sender ID \"Logto\" (5 letters and digits, at most 11); some countries need it registered for the account"
    );
    assert_eq!(
        on_route(&report, "message", None).detail,
        "Logto's payload fills its {{code}}"
    );
    let json = serde_json::to_value(&report).unwrap();
    assert!(json["checks"][3].get("route").is_none());
    assert_eq!(json["checks"][10]["name"], "credentials");
    assert_eq!(json["checks"][10]["route"], "overseas");

    // An answer about the (missing) message is as good as a report: the key got in.
    for body in [
        r#"{"ResponseCode":"DATA_NOT_EXIST","ResponseDescription":"no such message"}"#,
        r#"{"Code":"isv.INVALID_PARAMETERS","Message":"bad MessageId"}"#,
    ] {
        let report = run_route(&config, RouteProbes::SendMessageToGlobe(globe(200, body)));
        assert_eq!(
            on_route(&report, "credentials", None).verdict,
            Verdict::Ok,
            "{body}"
        );
    }
}

#[test]
fn globe_route_refused_key_fails_and_names_the_route_account() {
    for (status, code, words) in [
        (
            400,
            "SignatureDoesNotMatch",
            "accessKeySecret is not the secret of AccessKey ID LTAI-intl",
        ),
        (
            404,
            "InvalidAccessKeyId.NotFound",
            "does not know AccessKey ID LTAI-intl",
        ),
    ] {
        let body = format!(r#"{{"Code":"{code}","Message":"refused"}}"#);
        let report = run_route(
            &route_config(json!({})),
            RouteProbes::SendMessageToGlobe(globe(status, &body)),
        );
        assert_says(on_route(&report, "credentials", None), Verdict::Fail, words);
        // The mainland account is a different one, and was fine.
        assert_eq!(check(&report, "credentials").verdict, Verdict::Ok);
        assert_eq!(on_route(&report, "endpoint", None).verdict, Verdict::Ok);
        assert!(!report.ok);
    }
}

#[test]
fn globe_route_ram_denied_is_a_warning_naming_query_message() {
    for (status, body) in [
        (403, r#"{"Code":"Forbidden.RAM","Message":"denied"}"#),
        (200, r#"{"ResponseCode":"isp.RAM_PERMISSION_DENY"}"#),
        (200, r#"{"ResponseCode":"isv.RAM_CHECK_FAILED"}"#),
    ] {
        let report = run_route(
            &route_config(json!({})),
            RouteProbes::SendMessageToGlobe(globe(status, body)),
        );
        let credentials = on_route(&report, "credentials", None);
        assert_eq!(credentials.verdict, Verdict::Warn, "{body}");
        assert!(
            credentials.detail.starts_with(
                "AccessKey ID LTAI-intl is valid, but RAM does not let it call QueryMessage"
            ),
            "{}",
            credentials.detail
        );
        assert!(credentials
            .detail
            .contains(&format!("grant {}", query_message::PERMISSION)));
        assert!(report.ok, "{report:#?}");
    }
}

#[test]
fn globe_route_unanswered_or_late() {
    let silent = unanswered("Network error: ECONNREFUSED");
    let report = run_route(
        &route_config(json!({})),
        RouteProbes::SendMessageToGlobe(silent),
    );
    assert_eq!(on_route(&report, "endpoint", None).verdict, Verdict::Fail);
    assert_eq!(
        on_route(&report, "credentials", None).detail,
        "could not check: the endpoint did not answer"
    );
    let mut late = globe(400, r#"{"Code":"InvalidTimeStamp.Expired"}"#);
    late.local_millis = DATE_MILLIS + 500 + 16 * 60_000;
    let report = run_route(
        &route_config(json!({})),
        RouteProbes::SendMessageToGlobe(late),
    );
    assert_says(
        on_route(&report, "clock", None),
        Verdict::Fail,
        "16 min 0 s ahead of",
    );
    // The mainland endpoint's clock was fine.
    assert_eq!(check(&report, "clock").verdict, Verdict::Ok);
}

#[test]
fn sender_ids() {
    let report = run_route(&route_config(json!({ "from": "" })), globe_ok());
    let from = on_route(&report, "from", None);
    assert_eq!(from.verdict, Verdict::Warn);
    assert!(
        from.detail
            .starts_with("no sender ID: Alibaba Cloud picks one; some countries"),
        "{}",
        from.detail
    );
    assert!(report.ok);
    let report = run_route(&route_config(json!({ "from": "12345" })), globe_ok());
    assert!(on_route(&report, "from", None)
        .detail
        .starts_with("sender ID \"12345\" (5 digits, at most 15)"));
}

#[test]
fn message_texts_and_their_placeholders() {
    let config = route_config(json!({ "message": {
        "SignIn": "Hi {{name}}, sign in with {{code}}",
        "Register": "Finish with {{link}}",
        "OrganizationInvitation": "Join us: {{link}}",
        "ForgotPassword": "{{code}} ({{locale}}, {{uiLocales}})",
        "Generic": "Code {{code}}, {{link}} {{name}}"
    }}));
    let report = run_route(&config, globe_ok());
    let message = |usage| on_route(&report, "message", Some(usage));
    assert_eq!(message("SignIn").verdict, Verdict::Warn);
    assert_eq!(
        message("SignIn").detail,
        "it has {{name}}, which Logto's payload does not fill: such a send fails with invalid_request_parameters"
    );
    assert_eq!(message("Register").verdict, Verdict::Fail);
    assert_eq!(
        message("Register").detail,
        "it has no {{code}}: users would get a message without their code; it has {{link}}, which Logto's payload does not fill (it sends {{link}} only with OrganizationInvitation): such a send fails with invalid_request_parameters"
    );
    assert_eq!(message("OrganizationInvitation").verdict, Verdict::Ok);
    assert_eq!(
        message("OrganizationInvitation").detail,
        "Logto's payload fills its {{link}}"
    );
    assert_eq!(message("ForgotPassword").verdict, Verdict::Ok);
    assert_eq!(
        message("ForgotPassword").detail,
        "Logto's payload fills its {{code}}, {{locale}}, {{uiLocales}}"
    );
    assert_eq!(message("Generic").verdict, Verdict::Warn);
    assert!(message("Generic")
        .detail
        .starts_with("it has {{link}}, {{name}}, which"));
    assert!(!report.ok);
    assert_eq!(report.summary, "14 ok, 2 warn, 1 fail");
}

#[test]
fn send_sms_route_checks_its_own_signature_and_templates() {
    let config = route_config(json!({
        "api": "SendSms",
        "signName": "IntlSign",
        "signatureVersion": "v3",
        "securityToken": "route-token-value-4321"
    }));
    let route_uses = route_template_uses(&config);
    assert_eq!(
        route_uses
            .iter()
            .map(|u| (u.code.as_str(), u.uses.join(", ")))
            .collect::<Vec<_>>(),
        [
            ("SMS_SIGNIN", "SignIn, ForgotPassword".to_string()),
            ("SMS_REG_INT", "Register (overseas)".to_string()),
            ("SMS_GENERIC", "Generic".to_string()),
        ]
    );
    let sign = sign(r#"{"Code":"OK","SignName":"IntlSign","SignStatus":0}"#);
    assert!(should_check_templates(&config, &sign));
    let templates = route_uses
        .into_iter()
        .map(|u| {
            let answer = if u.code == "SMS_REG_INT" {
                template(r#"{"Code":"isv.SMS_TEMPLATE_ILLEGAL","Message":"no such template"}"#)
            } else {
                good_template()
            };
            (u, answer)
        })
        .collect();
    let report = run_route(
        &config,
        RouteProbes::SendSms {
            sign,
            templates: Some(templates),
        },
    );
    assert_eq!(
        labels(&report).split_off(8),
        [
            "endpoint (overseas route)",
            "clock (overseas route)",
            "credentials (overseas route)",
            "signName (overseas route)",
            "template SMS_SIGNIN (overseas route)",
            "template SMS_REG_INT (overseas route)",
            "template SMS_GENERIC (overseas route)",
        ]
    );
    assert_eq!(
        on_route(&report, "credentials", None).detail,
        "AccessKey ID LTAI-intl with its STS token accepted (GetSmsSign signed with v3)"
    );
    let sign = on_route(&report, "signName", None);
    assert_eq!(sign.verdict, Verdict::Warn);
    assert!(sign.detail.starts_with("\"IntlSign\" is under review"));
    let missing = on_route(&report, "template", Some("SMS_REG_INT"));
    assert_eq!(missing.verdict, Verdict::Fail);
    assert!(missing
        .detail
        .starts_with("used by Register (overseas); not a template of this account"));
    assert!(!report.ok);
    let text = serde_json::to_string(&report).unwrap();
    assert!(!text.contains("route-token-value-4321"));
}

#[test]
fn send_sms_route_refused_key_leaves_its_templates_unchecked() {
    let config = route_config(json!({ "api": "SendSms" }));
    let sign = sign_with_status(400, r#"{"Code":"SignatureDoesNotMatch","Message":"no"}"#);
    assert!(!should_check_templates(&config, &sign));
    let report = run_route(
        &config,
        RouteProbes::SendSms {
            sign,
            templates: None,
        },
    );
    assert_eq!(
        on_route(&report, "credentials", None).verdict,
        Verdict::Fail
    );
    let unchecked = on_route(&report, "template", Some("SMS_REG_INT"));
    assert_eq!(unchecked.verdict, Verdict::Warn);
    assert_eq!(
        unchecked.detail,
        "could not check: the credentials could not be confirmed"
    );
    assert!(on_route(&report, "signName", None)
        .detail
        .starts_with("could not check"));
    // Without its own, the route signs with the top-level signName.
    assert_eq!(config.overseas.as_ref().unwrap().sign_name, "Logto");
    assert_eq!(check(&report, "credentials").verdict, Verdict::Ok);
}

#[test]
fn empty_overseas_codes_matter_only_to_a_send_sms_route() {
    let templates = json!([
        { "usageType": "SignIn", "templateCode": "SMS_A" },
        { "usageType": "Register", "templateCode": { "china": "SMS_B", "overseas": "" } },
        { "usageType": "ForgotPassword", "templateCode": "SMS_A" },
        { "usageType": "Generic", "templateCode": "SMS_A" }
    ]);
    let mut globe_config = route_config(json!({}));
    globe_config.templates = config_with(json!({ "templates": templates })).templates;
    let report = run_route(&globe_config, globe_ok());
    assert!(
        report
            .checks
            .iter()
            .all(|c| c.subject.as_deref() != Some("(empty)")),
        "{report:#?}"
    );
    assert!(route_template_uses(&globe_config).is_empty());

    let mut sms_config = route_config(json!({ "api": "SendSms" }));
    sms_config.templates = globe_config.templates.clone();
    let sign = approved_sign();
    let templates = route_template_uses(&sms_config)
        .into_iter()
        .map(|u| (u, good_template()))
        .collect();
    let report = run_route(
        &sms_config,
        RouteProbes::SendSms {
            sign,
            templates: Some(templates),
        },
    );
    let empty = on_route(&report, "template", Some("(empty)"));
    assert_eq!(empty.verdict, Verdict::Warn);
    assert!(empty
        .detail
        .starts_with("Register (overseas) has an empty template code"));
    assert_eq!(
        report
            .checks
            .iter()
            .filter(|c| c.subject.as_deref() == Some("(empty)"))
            .count(),
        1
    );
}

#[test]
fn route_secrets_never_reach_a_detail() {
    let config = route_config(json!({ "securityToken": "route-token-value-4321" }));
    let echo = format!(
        r#"{{"Code":"isp.SYSTEM_ERROR","Message":"{ROUTE_SECRET} route-token-value-4321 {ACCESS_KEY_SECRET}"}}"#
    );
    let report = run_route(&config, RouteProbes::SendMessageToGlobe(globe(500, &echo)));
    let text = serde_json::to_string(&report).unwrap();
    for secret in [ROUTE_SECRET, "route-token-value-4321", ACCESS_KEY_SECRET] {
        assert!(!text.contains(secret), "{text}");
    }
    assert!(on_route(&report, "credentials", None)
        .detail
        .contains("*** *** ***"));
}

#[test]
fn a_route_without_probes_is_not_checked() {
    let config = route_config(json!({}));
    let sign = approved_sign();
    let report = diagnose(&config, &sign, None, None);
    let credentials = on_route(&report, "credentials", None);
    assert_eq!(credentials.verdict, Verdict::Warn);
    assert_eq!(credentials.detail, "could not check: not asked");
}

#[test]
fn a_provider_line_follows_the_config_line() {
    let report = diagnose(&config(), &approved_sign(), None, None);
    let before = report.checks.len();
    // 2026-12-01T03:00:00Z, worked out by hand.
    let report = with_provider(report, CredentialType::RamRoleArn, DATE_MILLIS + 3_600_000);
    assert_eq!(report.checks.len(), before + 1);
    assert_eq!(report.checks[0].name, "config");
    let provider = &report.checks[1];
    assert_eq!(provider.name, "provider");
    assert_eq!(provider.verdict, Verdict::Ok);
    assert_eq!(
        provider.detail,
        "ram_role_arn: temporary credentials from STS AssumeRole, valid until \
         2026-12-01T03:00:00Z; the checks below use them"
    );
}

// ---------------------------------------------------------------------------------------------
// api: "SendSmsVerifyCode"

fn verify_code_config(extra: serde_json::Value) -> Config {
    let mut value = test_fixtures::config_with(json!({
        "accessKeyId": "LTAI-doctor",
        "api": "SendSmsVerifyCode",
        "signName": "速通互联验证码"
    }));
    value.as_object_mut().unwrap().remove("templates");
    validate(&with_fields(value, extra)).unwrap()
}

fn dypns(status: u16, body: &str) -> Probe<SendDetails> {
    probe(
        crate::aliyun::api::dypns_query_send_details::parse(
            status,
            body,
            &crate::aliyun::credential::Redactor::none(),
        ),
        1000,
    )
}

#[test]
fn verify_code_checks_the_key_and_warns_about_what_it_cannot_check() {
    let config = verify_code_config(json!({}));
    let report = diagnose_verify_code(
        &config,
        &dypns(
            200,
            r#"{"Code":"OK","Success":true,"RequestId":"R","Model":[]}"#,
        ),
        None,
    );
    assert_eq!(
        labels(&report),
        vec![
            "config",
            "endpoint",
            "clock",
            "credentials",
            "signName",
            "template 100001",
            "template 100002",
            "template 100003",
            "template 100005",
        ]
    );
    assert!(report.ok, "{report:?}");
    assert_eq!(report.summary, "4 ok, 5 warn, 0 fail");
    assert_says(
        check(&report, "config"),
        Verdict::Ok,
        "api SendSmsVerifyCode",
    );
    assert_says(
        check(&report, "credentials"),
        Verdict::Ok,
        "AccessKey ID LTAI-doctor accepted (QuerySendDetails (dypnsapi) signed with v1)",
    );
    assert_says(
        check(&report, "signName"),
        Verdict::Warn,
        "cannot be checked without sending",
    );
    let template = template_named(&report, "100001");
    assert_says(template, Verdict::Warn, "cannot be checked without sending");
    assert!(
        template
            .detail
            .contains("used by SignIn, Register, Generic"),
        "{}",
        template.detail
    );
}

#[test]
fn verify_code_on_the_sms_products_endpoint_fails_although_the_probe_passes() {
    for endpoint in [
        "https://dysmsapi.aliyuncs.com/",
        "https://dysmsapi.ap-southeast-1.aliyuncs.com/",
    ] {
        let config = verify_code_config(json!({ "endpoint": endpoint }));
        let report = diagnose_verify_code(
            &config,
            &dypns(
                200,
                r#"{"Code":"OK","RequestId":"R","SmsSendDetailDTOs":{}}"#,
            ),
            None,
        );
        assert!(!report.ok, "{report:?}");
        assert_says(
            check(&report, "endpoint"),
            Verdict::Fail,
            "is the SMS product's (dysmsapi) address, which does not serve SendSmsVerifyCode",
        );
    }
}

#[test]
fn verify_code_key_failures() {
    let config = verify_code_config(json!({}));
    for (status, body, verdict, words) in [
        (
            404,
            r#"{"Code":"InvalidAccessKeyId.NotFound","Message":"x"}"#,
            Verdict::Fail,
            "does not know AccessKey ID LTAI-doctor",
        ),
        (
            400,
            r#"{"Code":"SignatureDoesNotMatch","Message":"x"}"#,
            Verdict::Fail,
            "accessKeySecret is not the secret",
        ),
        (
            200,
            r#"{"Code":"BIZ_NOT_OPEN_STATUS","Message":"x","Success":false}"#,
            Verdict::Fail,
            "has not activated the Message Authentication Service",
        ),
        (
            403,
            r#"{"Code":"isv.RAM_PERMISSION_DENY","Message":"x"}"#,
            Verdict::Warn,
            "dypns:QuerySendDetails",
        ),
        (
            200,
            r#"{"Code":"INVALID_PARAMETERS","Message":"x","Success":false}"#,
            Verdict::Ok,
            "accepted",
        ),
        (
            503,
            r#"{"Code":"ServiceUnavailable","Message":"x"}"#,
            Verdict::Warn,
            "could not check",
        ),
    ] {
        let report = diagnose_verify_code(&config, &dypns(status, body), None);
        assert_says(check(&report, "credentials"), verdict, words);
    }
    let report = diagnose_verify_code(&config, &unanswered("connection refused"), None);
    assert_says(check(&report, "endpoint"), Verdict::Fail, "did not answer");
    assert!(!report.ok);
}

#[test]
fn verify_code_given_templates_are_listed_by_their_china_codes_and_the_route_is_checked() {
    let config = verify_code_config(json!({
        "templates": [
            { "usageType": "SignIn", "templateCode": "100001" },
            { "usageType": "Register", "templateCode": { "china": "100004", "overseas": "SMS_INT" } },
            { "usageType": "ForgotPassword", "templateCode": "100003" },
            { "usageType": "Generic", "templateCode": "100001" }
        ],
        "overseas": { "accessKeyId": "LTAI-intl", "accessKeySecret": "intl-secret-value", "message": "Code {{code}}" }
    }));
    let report = diagnose_verify_code(
        &config,
        &dypns(200, r#"{"Code":"OK","RequestId":"R"}"#),
        Some(globe_ok()),
    );
    let templates: Vec<String> = labels(&report)
        .into_iter()
        .filter(|label| label.starts_with("template"))
        .collect();
    assert_eq!(
        templates,
        vec!["template 100001", "template 100004", "template 100003"]
    );
    assert!(labels(&report).contains(&"credentials (overseas route)".to_string()));
    assert!(!format!("{report:?}").contains("intl-secret-value"));
}
