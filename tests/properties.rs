//! Property tests of the pure core's public API: whatever comes in (arbitrary JSON, any string,
//! any bytes from the network), the answer is a value or a typed error, never a panic; and the
//! building blocks of the signature (percent-encoding, canonical query) agree with independent
//! implementations written here.
//!
//! Bounded: every `proptest!` block sets its case count (see `cases`), so the whole file runs in
//! a few seconds natively. `PROPTEST_CASES=<n>` overrides every count for a longer local run.
//!
//! Tests named `size_limit_*` pin the limits of `src/limits.rs` (they failed before those limits
//! existed).

#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeMap;

use proptest::prelude::*;
use proptest::sample::select;
use serde_json::{json, Map, Value};

use aliyun_sms::aliyun::api::send_sms;
use aliyun_sms::aliyun::call::{self, Nonce, SignedRequest, Timestamp};
use aliyun_sms::aliyun::credential::{Redactor, Secret};
use aliyun_sms::aliyun::signature_v1::{self, canonicalized_query, percent_encode};
use aliyun_sms::connector::config::{self, Config};
use aliyun_sms::connector::message;
use aliyun_sms::connector::phone::{self, PhoneError, PhoneNumber};
use aliyun_sms::error::{ErrorCode, Failure};
use aliyun_sms::issue::{Issue, IssueCode, PathSegment};
use aliyun_sms::limits;

/// What a send puts on the wire: the `SendSms` call for `data`, signed with the config's
/// credentials and target.
fn prepare_signed(
    data: &Value,
    config: &Config,
    nonce: &Nonce,
    timestamp: &Timestamp,
) -> Result<SignedRequest, Failure> {
    let message = message::prepare(data, config)?;
    Ok(call::sign(
        &message.call(),
        config
            .credentials
            .fixed()
            .expect("these configs sign with an AccessKey pair"),
        config.target(),
        nonce,
        timestamp,
    ))
}

// ---------------------------------------------------------------------------------------------
// Shared helpers.

mod common;
use common::cases;

/// Shrinking bounded so a failure reports quickly.
const MAX_SHRINK_ITERS: u32 = 2_000;

const SECRET: &str = "PROPTEST-secret-9f8e7d6c5b4a3210ZYXW";
const TOKEN: &str = "PROPTEST-sts-token-CAISzzzzzzzzzzzzzzzzzzzzzzzzzzzzz";

/// The shared config with this file's secret, and two templates with an explicit `type` (one of
/// them not the default) for the mutations to work on.
fn valid_config_json() -> Value {
    let mut value = common::merged(common::config_json(), json!({ "accessKeySecret": SECRET }));
    value["templates"][1]["type"] = json!(6);
    value["templates"][2]["type"] = json!(2);
    value
}

fn valid_config(extra: Value) -> Config {
    config::validate(&common::merged(valid_config_json(), extra)).expect("the base config is valid")
}

/// The RFC 3986 unreserved set, written out.
fn is_unreserved(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~')
}

/// An independent RFC 3986 encoder: UTF-8 bytes, unreserved ones kept, the rest `%XX` upper-case.
fn reference_encode(input: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(input.len() * 3);
    for &byte in input.as_bytes() {
        if is_unreserved(byte) {
            out.push(char::from(byte));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(byte >> 4)]));
            out.push(char::from(HEX[usize::from(byte & 0x0f)]));
        }
    }
    out
}

/// An independent decoder of what `percent_encode` produces: `%XX` (upper-case hex) or an
/// unreserved character, nothing else; the bytes must be UTF-8.
fn reference_decode(encoded: &str) -> Result<String, String> {
    let hex = |b: u8| match b {
        b'0'..=b'9' => Ok(b - b'0'),
        b'A'..=b'F' => Ok(b - b'A' + 10),
        _ => Err(format!("not an upper-case hex digit: {b:#04x}")),
    };
    let bytes = encoded.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let (Some(&hi), Some(&lo)) = (bytes.get(i + 1), bytes.get(i + 2)) else {
                    return Err(format!("truncated escape at {i}"));
                };
                out.push((hex(hi)? << 4) | hex(lo)?);
                i += 3;
            }
            b if is_unreserved(b) => {
                out.push(b);
                i += 1;
            }
            b => return Err(format!("{b:#04x} must have been encoded")),
        }
    }
    String::from_utf8(out).map_err(|e| e.to_string())
}

/// An independent canonical query: encode, sort by (encoded key, encoded value), join.
fn reference_query(pairs: &[(String, String)]) -> String {
    let mut encoded: Vec<(String, String)> = pairs
        .iter()
        .map(|(k, v)| (reference_encode(k), reference_encode(v)))
        .collect();
    encoded.sort();
    encoded
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&")
}

/// Splits a canonical query back into decoded pairs.
fn decode_query(query: &str) -> Vec<(String, String)> {
    if query.is_empty() {
        return Vec::new();
    }
    query
        .split('&')
        .map(|pair| {
            let (k, v) = pair.split_once('=').expect("every pair has '='");
            (
                reference_decode(k).expect("key decodes"),
                reference_decode(v).expect("value decodes"),
            )
        })
        .collect()
}

/// All the text a value shows a developer or a log: Debug, pretty Debug.
fn debug_texts<T: std::fmt::Debug>(value: &T) -> [String; 2] {
    [format!("{value:?}"), format!("{value:#?}")]
}

fn failure_texts(failure: &Failure) -> Vec<String> {
    let mut texts = debug_texts(failure).to_vec();
    texts.push(failure.to_string());
    texts.push(serde_json::to_string(failure).expect("a failure serialises"));
    texts
}

// ---------------------------------------------------------------------------------------------
// Strategies.

const CONFIG_KEYS: &[&str] = &[
    "accessKeyId",
    "accessKeySecret",
    "securityToken",
    "signatureVersion",
    "signName",
    "templates",
    "strictPhoneRegionNumberCheck",
    "endpoint",
    "regionId",
    "timeout",
    "credentialType",
    "roleArn",
    "roleSessionName",
    "durationSeconds",
    "policy",
    "oidcProviderArn",
    "oidcTokenFile",
    "roleName",
    "stsEndpoint",
    "ecsMetadataEndpoint",
    "usageType",
    "templateCode",
    "type",
    "china",
    "overseas",
    "to",
    "payload",
    "code",
    "locale",
    "uiLocales",
    "Code",
    "Message",
    "RequestId",
    "BizId",
];

const INTERESTING_STRINGS: &[&str] = &[
    "",
    " ",
    "\t\n",
    " padded ",
    "v1",
    "v3",
    "V3",
    "OK",
    "SignIn",
    "Register",
    "ForgotPassword",
    "Generic",
    "https://dysmsapi.aliyuncs.com/",
    "http://dysmsapi.aliyuncs.com/",
    "http://127.0.0.1:8080/",
    "http://localhost/",
    "https://user:pw@host/",
    "cn-hangzhou",
    "ram_role_arn",
    "ecs_ram_role",
    "oidc_role_arn",
    "access_key",
    "acs:ram::1234567890123456:role/sms",
    "acs:ram::1234567890123456:oidc-provider/ack",
    "http://100.100.100.200/",
    "{\"Version\":\"1\"}",
    "13012345678",
    "+86 130 1234 5678",
    "0086130123456789",
    "null",
    "{}",
    "中文",
    "😀",
    "\u{0}",
    "\u{feff}",
    "%",
    "%20",
    "a&b=c",
];

/// Strings of every kind, including (rarely) huge ones.
fn arb_string() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => ".{0,24}",
        3 => "[ -~]{0,16}",
        3 => select(INTERESTING_STRINGS).prop_map(String::from),
        1 => (any::<char>(), 1_000usize..16_384).prop_map(|(c, n)| c.to_string().repeat(n)),
    ]
}

fn arb_leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        select(&[0i64, 1, 2, 3, 6, 7, 99, 100, 60_000, 60_001, -1][..]).prop_map(Value::from),
        any::<f64>().prop_filter_map("finite", |f| serde_json::Number::from_f64(f)
            .map(Value::Number)),
        arb_string().prop_map(Value::String),
        arb_string().prop_map(Value::String),
    ]
}

fn arb_key() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => select(CONFIG_KEYS).prop_map(String::from),
        1 => ".{0,12}",
    ]
}

/// Any JSON value: recursive, up to 6 levels and ~128 nodes per value.
fn arb_json() -> impl Strategy<Value = Value> {
    arb_leaf().prop_recursive(6, 128, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
            prop::collection::vec((arb_key(), inner), 0..8)
                .prop_map(|pairs| Value::Object(pairs.into_iter().collect())),
        ]
    })
}

/// A path into the valid config to mutate.
fn arb_config_path() -> impl Strategy<Value = Vec<PathSegment>> {
    let top = select(CONFIG_KEYS).prop_map(|k| vec![PathSegment::Key(k.to_string())]);
    let template = (
        0usize..5,
        select(&["usageType", "templateCode", "type", "extra"][..]),
    )
        .prop_map(|(i, k)| {
            vec![
                PathSegment::Key("templates".into()),
                PathSegment::Index(i),
                PathSegment::Key(k.into()),
            ]
        });
    let regional = select(&["china", "overseas"][..]).prop_map(|k| {
        vec![
            PathSegment::Key("templates".into()),
            PathSegment::Index(1),
            PathSegment::Key("templateCode".into()),
            PathSegment::Key(k.into()),
        ]
    });
    prop_oneof![3 => top, 3 => template, 1 => regional]
}

#[derive(Debug, Clone)]
enum Mutation {
    Set(Vec<PathSegment>, Value),
    Remove(Vec<PathSegment>),
}

fn arb_mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        4 => (arb_config_path(), arb_json()).prop_map(|(p, v)| Mutation::Set(p, v)),
        1 => arb_config_path().prop_map(Mutation::Remove),
    ]
}

/// Applies a mutation where the path exists (or can be created in an existing object).
fn apply(value: &mut Value, mutation: &Mutation) {
    let (path, new) = match mutation {
        Mutation::Set(path, new) => (path, Some(new)),
        Mutation::Remove(path) => (path, None),
    };
    let Some((last, parents)) = path.split_last() else {
        return;
    };
    let mut target = value;
    for segment in parents {
        let next = match segment {
            PathSegment::Key(k) => target.get_mut(k.as_str()),
            PathSegment::Index(i) => target.get_mut(*i),
        };
        match next {
            Some(next) => target = next,
            None => return,
        }
    }
    match (last, target, new) {
        (PathSegment::Key(k), Value::Object(object), Some(new)) => {
            object.insert(k.clone(), new.clone());
        }
        (PathSegment::Key(k), Value::Object(object), None) => {
            object.remove(k);
        }
        (PathSegment::Index(i), Value::Array(items), Some(new)) if *i < items.len() => {
            items[*i] = new.clone();
        }
        (PathSegment::Index(i), Value::Array(items), None) if *i < items.len() => {
            items.remove(*i);
        }
        _ => {}
    }
}

/// Phone-like and arbitrary strings.
fn arb_phoneish() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => any::<String>(),
        3 => "[+0]{0,2}(86)?[0-9 ()\\-.\t]{0,24}",
        3 => "(\\+86|0086|86)?[ ]?1[0-9]{10}",
        2 => "[ \t]*(\\+|00)?[0-9]{0,20}[ \t]*",
        1 => "[0-9\u{0660}-\u{0669}\u{FF10}-\u{FF19}\u{3000}+ ]{0,20}",
        1 => "[0-9]{0,8}[^0-9 ]{1,2}[0-9]{0,8}",
        1 => select(INTERESTING_STRINGS).prop_map(String::from),
    ]
}

fn ascii_digits(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

// ---------------------------------------------------------------------------------------------
// 1. config::validate never panics.

/// Checks the contract of `validate` for one input: a config that round-trips, or a non-empty
/// list of well-formed issues that make a well-formed `invalid_config` failure.
fn check_validate(value: &Value) -> Result<(), TestCaseError> {
    match config::validate(value) {
        Ok(config) => {
            let again = config::validate(&config.to_json());
            prop_assert_eq!(again.as_ref(), Ok(&config), "to_json round trip");
            for text in debug_texts(&config) {
                let Some(credentials) = config.credentials.access_key() else {
                    break;
                };
                let secret = credentials.access_key_secret.expose();
                prop_assert!(
                    secret.len() < 6 || !text.contains(secret),
                    "secret in Debug of Config"
                );
            }
        }
        Err(issues) => {
            prop_assert!(!issues.is_empty(), "Err always has at least one issue");
            for issue in &issues {
                prop_assert!(!issue.message.is_empty());
                if let Some(PathSegment::Key(first)) = issue.path.first() {
                    prop_assert!(
                        CONFIG_KEYS.contains(&first.as_str()),
                        "issue path starts at a known key: {:?}",
                        issue.path
                    );
                }
            }
            let failure = Failure::invalid_config(issues.clone());
            prop_assert_eq!(failure.code, ErrorCode::InvalidConfig);
            let json = serde_json::to_value(&failure).expect("serialises");
            prop_assert_eq!(&json["code"], "invalid_config");
            prop_assert_eq!(
                json["data"]["issues"].as_array().map(Vec::len),
                Some(issues.len())
            );
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(cases(1_500, MAX_SHRINK_ITERS))]

    #[test]
    fn validate_never_panics_on_any_json(value in arb_json()) {
        check_validate(&value)?;
    }

    #[test]
    fn validate_never_panics_on_mutations_of_a_valid_config(
        mutations in prop::collection::vec(arb_mutation(), 1..5)
    ) {
        let mut value = valid_config_json();
        for mutation in &mutations {
            apply(&mut value, mutation);
        }
        check_validate(&value)?;
    }
}

proptest! {
    #![proptest_config(cases(500, MAX_SHRINK_ITERS))]

    /// Numbers, booleans, arrays and objects where a string belongs are reported at that path.
    #[test]
    fn non_strings_where_strings_belong_are_issues_at_that_path(
        key in select(&["accessKeyId", "accessKeySecret", "signName"][..]),
        bad in prop_oneof![
            any::<i64>().prop_map(Value::from),
            any::<bool>().prop_map(Value::Bool),
            Just(json!([])),
            Just(json!({})),
            Just(json!(1.5)),
        ],
    ) {
        let mut value = valid_config_json();
        value[key] = bad;
        let issues = config::validate(&value).expect_err("rejected");
        prop_assert_eq!(issues.len(), 1);
        prop_assert_eq!(issues[0].code, IssueCode::InvalidType);
        prop_assert_eq!(&issues[0].path, &vec![PathSegment::Key(key.into())]);
    }

    /// Unknown keys never change the outcome.
    #[test]
    fn unknown_keys_are_ignored(
        extra in prop::collection::vec(("x-[a-z]{1,8}", arb_json()), 0..6)
    ) {
        let base = config::validate(&valid_config_json()).expect("valid");
        let mut value = valid_config_json();
        for (key, v) in extra {
            value[key.as_str()] = v;
        }
        prop_assert_eq!(config::validate(&value), Ok(base));
    }
}

/// Deep nesting where the boundary allows it (serde_json's parser stops at 128 levels) and
/// beyond, at every field that looks into values.
#[test]
fn validate_handles_deep_nesting() {
    for depth in [1usize, 16, 127, 128, 129, 1_000] {
        let mut array = json!("leaf");
        let mut object = json!("leaf");
        for _ in 0..depth {
            array = json!([array]);
            object = json!({ "type": object, "templateCode": "x" });
        }
        for (path, nested) in [
            ("accessKeyId", &array),
            ("templates", &array),
            ("templates", &object),
            ("timeout", &object),
            ("signatureVersion", &array),
        ] {
            let mut value = valid_config_json();
            value[path] = nested.clone();
            assert!(config::validate(&value).is_err(), "{path} at depth {depth}");
        }
        // Inside templates: each nested value is its own issue, at its own path.
        let mut value = valid_config_json();
        value["templates"][0]["type"] = array.clone();
        value["templates"][1]["templateCode"] = object.clone();
        let issues = config::validate(&value).expect_err("rejected");
        assert!(
            issues.iter().all(|i| matches!(
                i.path.get(..2),
                Some([PathSegment::Key(k), PathSegment::Index(0 | 1)]) if k == "templates"
            )),
            "depth {depth}: {:?}",
            issues.iter().map(|i| &i.path).collect::<Vec<_>>()
        );
        // A whole config nested in templates is one issue per template, not a crash.
        let mut value = valid_config_json();
        value["templates"] = json!([object.clone(), array.clone()]);
        assert!(config::validate(&value).is_err());
    }
}

/// Huge strings everywhere a string goes: typed outcome, and (for now) accepted when otherwise
/// valid; see `size_limit_*` below for what should happen instead.
#[test]
fn validate_handles_huge_strings_without_panicking() {
    let huge = "x".repeat(4 << 20);
    for key in [
        "accessKeyId",
        "accessKeySecret",
        "signName",
        "securityToken",
        "signatureVersion",
        "endpoint",
        "regionId",
        "unknown",
    ] {
        let mut value = valid_config_json();
        value[key] = json!(huge);
        let _ = config::validate(&value);
    }
}

// ---------------------------------------------------------------------------------------------
// 2. Phone numbers.

proptest! {
    #![proptest_config(cases(5_000, MAX_SHRINK_ITERS))]

    #[test]
    fn phone_parse_is_digits_only_and_agrees_with_is_china_number(to in arb_phoneish()) {
        let parsed = PhoneNumber::parse(&to);
        match &parsed {
            Ok(phone) => {
                let digits = phone.for_aliyun();
                prop_assert!(digits.bytes().all(|b| b.is_ascii_digit()), "{:?}", digits);
                prop_assert!((5..=15).contains(&digits.len()), "{:?}", digits);
                // Nothing but separators and the `+`/`00` prefix is dropped.
                let all = ascii_digits(&to);
                prop_assert!(
                    all == digits || all == format!("00{digits}"),
                    "{:?} -> {:?}", to, digits
                );
            }
            Err(PhoneError::TooShort(n)) => prop_assert!(*n < 5),
            Err(PhoneError::TooLong(n)) => prop_assert!(*n > 15),
            Err(PhoneError::InvalidCharacter(c)) => {
                prop_assert!(!c.is_ascii_digit());
                prop_assert!(to.contains(*c));
            }
            Err(PhoneError::Empty) => {}
        }
        if let Err(e) = &parsed {
            prop_assert!(!e.to_string().is_empty());
        }
        for strict in [false, true] {
            let free = phone::is_china_number(&to, strict);
            let method = parsed.as_ref().is_ok_and(|p| p.is_china(strict));
            prop_assert_eq!(free, method, "{:?} strict={}", to, strict);
        }
        // Strict only ever turns China into overseas.
        prop_assert!(!phone::is_china_number(&to, true) || phone::is_china_number(&to, false));
    }
}

#[test]
fn phone_handles_huge_inputs() {
    for to in [
        "1".repeat(1 << 20),
        " ".repeat(1 << 20),
        format!("{}13012345678", " ".repeat(1 << 20)),
        "中".repeat(1 << 18),
    ] {
        let _ = PhoneNumber::parse(&to);
        let _ = phone::is_china_number(&to, false);
    }
}

// ---------------------------------------------------------------------------------------------
// 3. response::parse over any status and any bytes.

fn check_parse(status: u16, body: &str) -> Result<(), TestCaseError> {
    match send_sms::parse(status, body, &Redactor::none()) {
        Ok(result) => {
            prop_assert!(
                (200..300).contains(&status),
                "OK only with 2xx, got {}",
                status
            );
            prop_assert_eq!(result.code.as_str(), "OK");
        }
        Err(failure) => {
            prop_assert_eq!(failure.data.status, Some(status));
            prop_assert!(!failure.data.error_description.is_empty());
            if failure.data.aliyun_code.is_none() {
                // Not an Aliyun answer: invalid_response, quoting at most a short prefix.
                prop_assert_eq!(failure.code, ErrorCode::InvalidResponse);
                let description = &failure.data.error_description;
                prop_assert!(
                    description.contains(&format!("HTTP {status}")),
                    "{}",
                    description
                );
                prop_assert!(
                    description.chars().count() < 400,
                    "{} chars",
                    description.len()
                );
            } else {
                prop_assert!(failure
                    .data
                    .error_description
                    .starts_with("Aliyun SendSms failed: "));
            }
        }
    }
    Ok(())
}

fn arb_aliyun_answer() -> impl Strategy<Value = Value> {
    let field = prop_oneof![
        4 => arb_string().prop_map(Value::String),
        2 => select(&["OK", "isv.BUSINESS_LIMIT_CONTROL", "Throttling.User", "InvalidAccessKeyId.NotFound", "SignatureDoesNotMatch", "isv.MOBILE_NUMBER_ILLEGAL", "isv.AMOUNT_NOT_ENOUGH"][..])
            .prop_map(|s| Value::String(s.into())),
        1 => arb_json(),
    ];
    prop::collection::vec(
        (
            select(&["Code", "Message", "RequestId", "BizId", "Recommend", "code"][..]),
            field,
        ),
        0..6,
    )
    .prop_map(|pairs| Value::Object(pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect()))
}

proptest! {
    #![proptest_config(cases(2_000, MAX_SHRINK_ITERS))]

    #[test]
    fn parse_never_panics_on_any_bytes(
        status in any::<u16>(),
        bytes in prop::collection::vec(any::<u8>(), 0..512),
    ) {
        check_parse(status, &String::from_utf8_lossy(&bytes))?;
    }

    #[test]
    fn parse_never_panics_on_any_json(
        status in prop_oneof![any::<u16>(), 199u16..=300, select(&[200u16, 400, 404, 500, 503][..])],
        value in prop_oneof![arb_json(), arb_aliyun_answer()],
        pretty in any::<bool>(),
    ) {
        let body = if pretty {
            serde_json::to_string_pretty(&value)
        } else {
            serde_json::to_string(&value)
        }
        .expect("serialises");
        check_parse(status, &body)?;
        // Cut anywhere (a truncated answer): still typed.
        let cut: String = body.chars().take(body.chars().count() / 2).collect();
        check_parse(status, &cut)?;
    }

    /// A well-formed OK answer with 2xx always resolves, with Aliyun's fields.
    #[test]
    fn parse_accepts_every_well_formed_ok(
        status in 200u16..300,
        message in ".{0,40}",
        request_id in "[A-F0-9-]{0,40}",
        biz in proptest::option::of("[0-9^]{1,30}"),
    ) {
        let mut answer = json!({ "Code": "OK", "Message": message, "RequestId": request_id });
        if let Some(biz) = &biz {
            answer["BizId"] = json!(biz);
        }
        let result = send_sms::parse(status, &answer.to_string(), &Redactor::none()).expect("resolves");
        prop_assert_eq!(result.message, message);
        prop_assert_eq!(result.request_id, request_id);
        prop_assert_eq!(result.biz_id, biz);
    }
}

// ---------------------------------------------------------------------------------------------
// 4. message::prepare over arbitrary data.

fn configs() -> Vec<Config> {
    let mut all = Vec::new();
    for version in ["v1", "v3"] {
        for strict in [false, true] {
            for token in [None, Some(TOKEN)] {
                let mut extra =
                    json!({ "signatureVersion": version, "strictPhoneRegionNumberCheck": strict });
                if let Some(token) = token {
                    extra["securityToken"] = json!(token);
                }
                all.push(valid_config(extra));
            }
        }
    }
    all
}

fn arb_payload() -> impl Strategy<Value = Value> {
    prop_oneof![
        4 => prop::collection::vec((arb_key(), prop_oneof![3 => arb_string().prop_map(Value::String), 1 => arb_json()]), 0..8)
            .prop_map(|pairs| Value::Object(pairs.into_iter().collect())),
        1 => arb_json(),
    ]
}

fn arb_message_data() -> impl Strategy<Value = Value> {
    let to = prop_oneof![4 => arb_phoneish().prop_map(Value::String), 1 => arb_json()];
    let usage = prop_oneof![
        3 => select(&["SignIn", "Register", "ForgotPassword", "Generic", "MfaVerification", ""][..]).prop_map(|s| Value::String(s.into())),
        1 => arb_json(),
    ];
    let object = (
        proptest::option::of(to),
        proptest::option::of(usage),
        proptest::option::of(arb_payload()),
        prop::collection::vec((arb_key(), arb_json()), 0..3),
    )
        .prop_map(|(to, usage, payload, extra)| {
            let mut object: Map<String, Value> = extra.into_iter().collect();
            for (key, value) in [("to", to), ("type", usage), ("payload", payload)] {
                match value {
                    Some(value) => object.insert(key.into(), value),
                    None => object.remove(key),
                };
            }
            Value::Object(object)
        });
    prop_oneof![8 => object, 1 => arb_json()]
}

/// The decoded `name=` field of a V1 form body or a V3 URL query.
fn form_field(request: &SignedRequest, name: &str) -> Option<String> {
    let query = if request.body.is_none() {
        request.url.split_once('?').map_or("", |(_, q)| q)
    } else {
        request.body.as_deref().unwrap_or_default()
    };
    decode_query(query)
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}

fn expected_param(payload: Option<&Value>) -> BTreeMap<String, String> {
    match payload {
        Some(Value::Object(map)) => map
            .iter()
            .filter(|(k, _)| k.as_str() != "locale" && k.as_str() != "uiLocales")
            .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string())))
            .collect(),
        _ => BTreeMap::new(),
    }
}

proptest! {
    #![proptest_config(cases(1_500, MAX_SHRINK_ITERS))]

    #[test]
    fn prepare_never_panics_and_builds_what_it_validated(
        data in arb_message_data(),
        which in 0usize..8,
        nonce in any::<[u8; 16]>(),
        millis in 0u64..4_102_444_800_000,
    ) {
        let config = &configs()[which];
        let nonce = Nonce::from_random_bytes(nonce);
        let timestamp = Timestamp::from_unix_millis(millis);
        let outcome = prepare_signed(&data, config, &nonce, &timestamp);
        let object = data.as_object();
        let to = object.and_then(|o| o.get("to")).and_then(Value::as_str);
        let type_ok = matches!(object.and_then(|o| o.get("type")), None | Some(Value::Null | Value::String(_)));
        let payload = object.and_then(|o| o.get("payload"));
        let payload_ok = matches!(payload, None | Some(Value::Null | Value::Object(_)));
        let phone = to.map(PhoneNumber::parse);
        // Size limits: a `to` longer than any written phone number, a `type` longer than a
        // config field, or a TemplateParam above its limit is refused before signing.
        let sizes_ok = to.is_some_and(|to| to.chars().count() <= limits::MAX_TO_CHARS)
            && object
                .and_then(|o| o.get("type"))
                .and_then(Value::as_str)
                .is_none_or(|t| t.len() <= limits::MAX_FIELD_BYTES)
            && serde_json::to_string(&expected_param(payload))
                .is_ok_and(|p| p.len() <= limits::MAX_TEMPLATE_PARAM_BYTES);
        let should_succeed =
            type_ok && payload_ok && sizes_ok && matches!(phone, Some(Ok(_)));
        match outcome {
            Ok(request) => {
                prop_assert!(should_succeed, "accepted {}", data);
                let phone = phone.and_then(Result::ok).expect("parsed");
                let sent = form_field(&request, "PhoneNumbers");
                prop_assert_eq!(sent.as_deref(), Some(phone.for_aliyun()));
                let param: BTreeMap<String, String> = serde_json::from_str(
                    &form_field(&request, "TemplateParam").expect("TemplateParam is sent"),
                ).expect("TemplateParam is a JSON object of strings");
                prop_assert_eq!(param, expected_param(payload));
                prop_assert!(!request.signature.is_empty());
                let wire = format!("{} {} {:?}", request.url, request.body.as_deref().unwrap_or_default(), request.headers);
                prop_assert!(!wire.contains(SECRET), "secret on the wire");
                for text in debug_texts(&request) {
                    prop_assert!(!text.contains(SECRET), "secret in Debug of SignedRequest");
                }
            }
            Err(failure) => {
                prop_assert!(!should_succeed, "rejected {}: {}", data, failure);
                prop_assert_eq!(failure.code, ErrorCode::InvalidRequestParameters);
                prop_assert_eq!(failure.data.status, None);
                for text in failure_texts(&failure) {
                    prop_assert!(!text.contains(SECRET));
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// 5. Percent-encoding and the canonical query.

/// Every Unicode scalar value, one at a time, against the reference encoder, and back.
#[test]
fn percent_encode_matches_reference_for_every_unicode_scalar() {
    let mut checked = 0u32;
    let mut all = String::new();
    for c in (0..=0x10_FFFFu32).filter_map(char::from_u32) {
        let mut buffer = [0u8; 4];
        let text = c.encode_utf8(&mut buffer);
        let encoded = percent_encode(text);
        assert_eq!(encoded, reference_encode(text), "U+{:04X}", u32::from(c));
        assert_eq!(reference_decode(&encoded).as_deref(), Ok(&*text));
        all.push(c);
        checked += 1;
    }
    // 0x110000 code points minus 2048 surrogates.
    assert_eq!(checked, 0x11_0000 - 0x800);
    // All of them in one string too.
    let encoded = percent_encode(&all);
    assert_eq!(encoded, reference_encode(&all));
    assert_eq!(reference_decode(&encoded), Ok(all));
}

#[test]
fn percent_encode_every_ascii_punctuation() {
    let punctuation: Vec<char> = (0x20u8..0x7f)
        .map(char::from)
        .filter(|c| c.is_ascii_punctuation() || *c == ' ')
        .collect();
    assert_eq!(punctuation.len(), 33);
    for c in punctuation {
        let encoded = percent_encode(&c.to_string());
        if matches!(c, '-' | '_' | '.' | '~') {
            assert_eq!(encoded, c.to_string());
        } else {
            assert_eq!(encoded, format!("%{:02X}", u32::from(c)), "{c:?}");
        }
    }
    // The characters form encoders and Aliyun disagree on most often.
    for (input, expected) in [
        (" ", "%20"),
        ("*", "%2A"),
        ("+", "%2B"),
        ("~", "~"),
        ("%", "%25"),
        ("/", "%2F"),
        ("'", "%27"),
        ("!", "%21"),
        ("(", "%28"),
        (")", "%29"),
    ] {
        assert_eq!(percent_encode(input), expected);
    }
    // All control characters too.
    for byte in (0u8..0x20).chain([0x7f]) {
        let text = char::from(byte).to_string();
        assert_eq!(percent_encode(&text), format!("%{byte:02X}"));
    }
}

fn arb_query_key() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => select(&["a", "a ", "a%20", "a+", "A", "a=", "a&", "", " ", "~", "%", "Signature", "TemplateParam", "中"][..]).prop_map(String::from),
        3 => ".{0,8}",
        1 => "[a-c ~%*+=&]{0,4}",
    ]
}

fn arb_pairs() -> impl Strategy<Value = Vec<(String, String)>> {
    prop::collection::vec(
        (
            arb_query_key(),
            prop_oneof![1 => Just(String::new()), 3 => ".{0,12}"],
        ),
        0..10,
    )
}

proptest! {
    #![proptest_config(cases(3_000, MAX_SHRINK_ITERS))]

    #[test]
    fn percent_encode_matches_reference_and_round_trips(input in any::<String>()) {
        let encoded = percent_encode(&input);
        prop_assert_eq!(&encoded, &reference_encode(&input));
        prop_assert!(encoded.bytes().all(|b| is_unreserved(b) || b == b'%'));
        prop_assert_eq!(reference_decode(&encoded), Ok(input));
    }

    #[test]
    fn canonicalized_query_matches_reference_in_any_order(
        (pairs, shuffled) in arb_pairs().prop_flat_map(|pairs| {
            let shuffled = Just(pairs.clone()).prop_shuffle();
            (Just(pairs), shuffled)
        })
    ) {
        let query = canonicalized_query(&pairs);
        prop_assert_eq!(&query, &reference_query(&pairs));
        prop_assert_eq!(&canonicalized_query(&shuffled), &query, "order-independent");
        // Round trip: splitting on '&' and '=' is unambiguous and gives the pairs back.
        let mut back = decode_query(&query);
        let mut original = pairs.clone();
        back.sort();
        original.sort();
        prop_assert_eq!(back, original);
        // Sorted by encoded key, byte order.
        let keys: Vec<&str> = if query.is_empty() {
            Vec::new()
        } else {
            query.split('&').map(|p| p.split_once('=').map_or(p, |(k, _)| k)).collect()
        };
        prop_assert!(keys.windows(2).all(|w| w[0] <= w[1]), "{}", query);
    }

    /// `signature` builds the string to sign in one pass (encoding twice at once): it must sign
    /// exactly the reference query, encoded once more.
    #[test]
    fn one_pass_signature_signs_the_reference_query(pairs in arb_pairs(), method in "(POST|GET|post)") {
        let query = reference_query(&pairs);
        let string_to_sign = format!("{}&%2F&{}", method.to_ascii_uppercase(), reference_encode(&query));
        prop_assert_eq!(
            signature_v1::signature(&pairs, "secret", &method),
            signature_v1::sign(&string_to_sign, "secret")
        );
    }
}

#[test]
fn canonicalized_query_empty_values_and_look_alike_keys() {
    assert_eq!(canonicalized_query(&[("a", "")]), "a=");
    assert_eq!(canonicalized_query(&[("", "")]), "=");
    assert_eq!(canonicalized_query(&[("", "x"), ("a", "")]), "=x&a=");
    let pairs = [
        ("a%20", "3"),
        ("a", "1"),
        ("a+", "4"),
        ("a ", "2"),
        ("A", "5"),
        ("a=", "6"),
        ("a&", "7"),
    ];
    let query = canonicalized_query(&pairs);
    assert_eq!(
        query, "A=5&a=1&a%20=2&a%2520=3&a%26=7&a%2B=4&a%3D=6",
        "look-alike keys stay distinct"
    );
    // The same key twice: both kept, ordered by value.
    assert_eq!(canonicalized_query(&[("k", "2"), ("k", "1")]), "k=1&k=2");
    assert_eq!(canonicalized_query(&[("k", "b"), ("k", "")]), "k=&k=b");
}

#[test]
fn short_and_long_parameter_lists_sort_alike() {
    // Both sides of the kernel's insertion sort / heap sort threshold (32, crates/rpc-sign), with
    // repeated keys, shared prefixes and characters that sort differently once encoded; the
    // proptest above draws at most 9 pairs.
    for count in [0, 1, 2, 31, 32, 33, 64, 257] {
        let parameters: Vec<(String, String)> = (0..count)
            .map(|i: usize| {
                let key = ["a", "a-", "a1", "b", "é", "~", "A"][(i * 7 + 3) % 7];
                (
                    format!("{key}{}", (i * 13) % 5),
                    format!("{} v", (i * 31) % 11),
                )
            })
            .collect();
        let expected = reference_query(&parameters);
        let mut reversed = parameters.clone();
        reversed.reverse();
        assert_eq!(canonicalized_query(&parameters), expected, "{count}");
        assert_eq!(canonicalized_query(&reversed), expected, "{count}");
    }
}

// ---------------------------------------------------------------------------------------------
// Request values.

proptest! {
    #![proptest_config(cases(2_000, MAX_SHRINK_ITERS))]

    #[test]
    fn nonce_is_always_a_v4_uuid(bytes in any::<[u8; 16]>()) {
        let nonce = Nonce::from_random_bytes(bytes);
        let text = nonce.as_str();
        prop_assert_eq!(text.len(), 36);
        let groups: Vec<&str> = text.split('-').collect();
        prop_assert_eq!(groups.iter().map(|g| g.len()).collect::<Vec<_>>(), vec![8, 4, 4, 4, 12]);
        prop_assert!(text.bytes().all(|b| b == b'-' || (b.is_ascii_hexdigit() && !b.is_ascii_uppercase())));
        prop_assert!(groups[2].starts_with('4'));
        prop_assert!(matches!(groups[3].as_bytes()[0], b'8' | b'9' | b'a' | b'b'));
    }

    #[test]
    fn timestamp_is_well_formed(millis in any::<u64>()) {
        // Any u64 of milliseconds, even far beyond year 9999, formats without panicking.
        let ts = Timestamp::from_unix_millis(millis);
        let text = ts.as_str();
        prop_assert!(text.ends_with('Z'));
        if millis < 253_402_300_800_000 {
            // Up to 9999-12-31: exactly YYYY-MM-DDThh:mm:ssZ.
            prop_assert_eq!(text.len(), 20, "{}", text);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// 6. Secrets never in Debug/Display output; endpoints must be https unless loopback.

fn arb_secret() -> impl Strategy<Value = String> {
    // Aliyun secrets are 30 alphanumerics; allow the punctuation a pasted key might carry.
    "[A-Za-z0-9][A-Za-z0-9/+=_.-]{22,40}[A-Za-z0-9]"
}

proptest! {
    #![proptest_config(cases(500, MAX_SHRINK_ITERS))]

    #[test]
    fn secret_never_in_debug_or_display(
        secret in arb_secret(),
        version in select(&["v1", "v3"][..]),
        with_token in any::<bool>(),
        to in arb_phoneish(),
        echo in select(&["Message", "Code", "RequestId", "html"][..]),
    ) {
        let mut value = valid_config_json();
        value["accessKeySecret"] = json!(secret);
        value["signatureVersion"] = json!(version);
        if with_token {
            value["securityToken"] = json!(TOKEN);
        }
        let config = config::validate(&value).expect("valid");
        let mut texts: Vec<String> = Vec::new();
        texts.extend(debug_texts(&config));
        let credentials = config.credentials.fixed().expect("an AccessKey pair");
        texts.extend(debug_texts(&credentials.access_key_secret));
        texts.push(credentials.access_key_secret.to_string());
        texts.extend(debug_texts(&config.templates));
        texts.extend(debug_texts(&config.endpoint));
        texts.push(config.endpoint.to_string());
        if let Some(token) = &credentials.security_token {
            texts.extend(debug_texts(token));
            texts.push(token.to_string());
        }
        for text in &texts {
            prop_assert!(!text.contains(&secret), "secret in {}", text);
            prop_assert!(!text.contains(TOKEN), "token in {}", text);
        }

        // Every failure path of the core, with this config.
        let mut failures: Vec<Failure> = Vec::new();
        let nonce = Nonce::from_random_bytes([9; 16]);
        let ts = Timestamp::from_unix_millis(1_700_000_000_000);
        let data = json!({ "to": to, "type": "SignIn", "payload": { "code": "123456" } });
        match prepare_signed(&data, &config, &nonce, &ts) {
            Ok(request) => {
                let mut texts = debug_texts(&request).to_vec();
                texts.push(format!("{} {} {:?}", request.url, request.body.as_deref().unwrap_or_default(), request.headers));
                for text in texts {
                    prop_assert!(!text.contains(&secret), "secret in SignedRequest: {}", text);
                }
            }
            Err(failure) => failures.push(failure),
        }
        for data in [json!(null), json!({}), json!({ "to": secret }), json!({ "to": "13012345678", "payload": secret })] {
            failures.push(prepare_signed(&data, &config, &nonce, &ts).expect_err("rejected"));
        }
        // Config problems next to a valid secret.
        let mut bad = value.clone();
        bad["signName"] = json!(" ");
        bad["timeout"] = json!(5);
        bad["endpoint"] = json!("http://example.com/");
        let issues = config::validate(&bad).expect_err("rejected");
        for issue in &issues {
            texts.push(issue.to_string());
        }
        failures.push(Failure::invalid_config(issues));
        // The network echoing the secret (and the token, when there is one) back, redacted as
        // the boundary does.
        let token = if with_token { TOKEN } else { "" };
        let body = match echo {
            "Message" => json!({ "Code": "isp.SYSTEM_ERROR", "Message": format!("bad {secret} {token}"), "RequestId": "R" }).to_string(),
            "Code" => json!({ "Code": format!("X.{secret}.{token}"), "RequestId": secret }).to_string(),
            "RequestId" => json!({ "Code": "Throttling", "RequestId": format!("{secret}{token}{secret}") }).to_string(),
            _ => format!("<html>proxy error for {secret} {token}</html>"),
        };
        let failure = send_sms::parse(502, &body, &Redactor::none()).expect_err("rejected");
        let echoed = failure_texts(&failure).iter().any(|text| with_token && text.contains(TOKEN));
        prop_assert!(!with_token || echoed, "the echo must carry the token for the check to mean anything");
        failures.push(failure.redact_with(|text| config.credentials.redact_in(text)));
        for failure in &failures {
            for text in failure_texts(failure) {
                prop_assert!(!text.contains(&secret), "secret in failure: {}", text);
                prop_assert!(!text.contains(TOKEN), "token in failure: {}", text);
            }
        }
    }

    /// Redaction leaves no occurrence behind, wherever and however often the secret appears.
    #[test]
    fn redact_removes_every_occurrence(
        secret in "[A-Za-z0-9]{6,32}",
        parts in prop::collection::vec(".{0,12}", 1..6),
    ) {
        let secret_value = Secret::new(secret.clone());
        let mut text = parts.join(&secret);
        text.push_str(&secret);
        secret_value.redact_in(&mut text);
        prop_assert!(!text.contains(&secret), "{}", text);
    }

    #[test]
    fn clear_text_endpoints_are_rejected_unless_loopback(
        host in "[a-z][a-z0-9-]{0,10}[a-z0-9](\\.[a-z][a-z0-9]{0,8}){0,3}",
        port in proptest::option::of(1u16..),
        path in "(/[a-z0-9._-]{0,8}){0,3}",
        upper in any::<bool>(),
    ) {
        let port = port.map(|p| format!(":{p}")).unwrap_or_default();
        let loopback = host == "localhost";
        for scheme in ["http", "https"] {
            let scheme = if upper { scheme.to_ascii_uppercase() } else { scheme.to_string() };
            let mut value = valid_config_json();
            value["endpoint"] = json!(format!("{scheme}://{host}{port}{path}"));
            let outcome = config::validate(&value);
            if scheme.eq_ignore_ascii_case("https") || loopback {
                prop_assert!(outcome.is_ok(), "{}: {:?}", value["endpoint"], outcome.err());
            } else {
                let issues = outcome.expect_err("clear text to a public host");
                prop_assert_eq!(issues.len(), 1);
                prop_assert_eq!(&issues[0].path, &vec![PathSegment::Key("endpoint".into())]);
                prop_assert!(issues[0].message.contains("https"), "{}", issues[0].message);
            }
        }
    }

    #[test]
    fn clear_text_to_an_ip_is_allowed_only_in_127_0_0_0_8(
        octets in any::<[u8; 4]>(),
        port in proptest::option::of(1u16..),
    ) {
        let port = port.map(|p| format!(":{p}")).unwrap_or_default();
        let [a, b, c, d] = octets;
        let mut value = valid_config_json();
        value["endpoint"] = json!(format!("http://{a}.{b}.{c}.{d}{port}/"));
        prop_assert_eq!(config::validate(&value).is_ok(), a == 127, "{}", value["endpoint"]);
    }
}

#[test]
fn clear_text_endpoints_that_only_look_local_are_rejected() {
    for endpoint in [
        "http://dysmsapi.aliyuncs.com/",
        "http://127.0.0.1.nip.io/",
        "http://localhost.evil.com/",
        "http://evil.com/127.0.0.1",
        "http://2130706433/",
        "http://0x7f000001/",
        "http://0177.0.0.1/",
        "http://[::ffff:7f00:1]/",
        "http://[0:0:0:0:0:0:0:2]/",
        "http://127.0.0.1@evil.com/",
        "http://evil.com#@127.0.0.1/",
        "http://evil.com\\@127.0.0.1/",
        "ws://127.0.0.1/",
        "file:///etc/passwd",
        "//127.0.0.1/",
    ] {
        let mut value = valid_config_json();
        value["endpoint"] = json!(endpoint);
        let issues = config::validate(&value).expect_err(endpoint);
        assert_eq!(
            issues.iter().map(|i| &i.path).collect::<Vec<_>>(),
            vec![&vec![PathSegment::Key("endpoint".into())]],
            "{endpoint}"
        );
    }
    for endpoint in [
        "http://127.0.0.1/",
        "http://127.255.255.254:1/x",
        "http://localhost:8080/",
        "HTTP://LOCALHOST/",
        "http://[::1]:9/",
    ] {
        let mut value = valid_config_json();
        value["endpoint"] = json!(endpoint);
        assert!(config::validate(&value).is_ok(), "{endpoint}");
    }
}

// ---------------------------------------------------------------------------------------------
// SIZE LIMITS: megabyte inputs are rejected with a typed error, not processed. These failed
// before `src/limits.rs`; they keep the limits in place.

const MEGABYTE: usize = 1 << 20;

fn has_too_big_issue(issues: &[Issue], path: &[PathSegment]) -> bool {
    issues
        .iter()
        .any(|i| i.code == IssueCode::TooBig && i.path == path)
}

/// Pins: per-field maximum lengths in `config::validate` (TooBig issue at the field's path).
#[test]
fn size_limit_config_string_fields_of_a_megabyte_are_too_big() {
    let huge = "x".repeat(MEGABYTE);
    let mut failures = Vec::new();
    for (path, set) in [
        (vec!["accessKeyId"], "/accessKeyId"),
        (vec!["accessKeySecret"], "/accessKeySecret"),
        (vec!["securityToken"], "/securityToken"),
        (vec!["signName"], "/signName"),
        (
            vec!["templates", "0", "usageType"],
            "/templates/0/usageType",
        ),
        (
            vec!["templates", "0", "templateCode"],
            "/templates/0/templateCode",
        ),
        (
            vec!["templates", "1", "templateCode", "china"],
            "/templates/1/templateCode/china",
        ),
    ] {
        let mut value = valid_config_json();
        value["securityToken"] = json!(TOKEN);
        *value
            .pointer_mut(set)
            .unwrap_or_else(|| panic!("{set} must exist in the base config")) = json!(huge);
        let expected: Vec<PathSegment> = path
            .iter()
            .map(|s| match s.parse::<usize>() {
                Ok(i) => PathSegment::Index(i),
                Err(_) => PathSegment::Key((*s).to_string()),
            })
            .collect();
        match config::validate(&value) {
            Err(issues) if has_too_big_issue(&issues, &expected) => {}
            other => failures.push(format!(
                "{set}: expected a too_big issue, got {}",
                match other {
                    Ok(_) => "Ok(config)".to_string(),
                    Err(issues) => format!(
                        "{} issue(s): {:?}",
                        issues.len(),
                        issues.first().map(|i| i.code)
                    ),
                }
            )),
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

/// Pins: a maximum number of templates (TooBig at `templates`).
#[test]
fn size_limit_config_with_100_000_templates_is_too_big() {
    let mut value = valid_config_json();
    let templates = value["templates"].as_array_mut().expect("array");
    for i in 0..100_000 {
        templates.push(json!({ "usageType": format!("Custom{i}"), "templateCode": "SMS_X" }));
    }
    let outcome = config::validate(&value).map(|_| ());
    let issues = outcome.expect_err("100 000 templates must be rejected");
    assert!(
        has_too_big_issue(&issues, &[PathSegment::Key("templates".into())]),
        "{} issue(s), none too_big at templates",
        issues.len()
    );
}

/// Pins: issue messages quote a bounded prefix of what they echo (as `response` does), so a
/// megabyte `signatureVersion` or template `type` does not become a megabyte errorDescription.
#[test]
fn size_limit_issue_messages_do_not_echo_megabytes() {
    let huge = "v".repeat(MEGABYTE);
    let mut value = valid_config_json();
    value["signatureVersion"] = json!(huge);
    value["templates"][0]["type"] = json!([huge]);
    let issues = config::validate(&value).expect_err("rejected");
    for issue in &issues {
        assert!(
            issue.message.len() <= 1024,
            "issue at {:?} has a {}-byte message",
            issue.path,
            issue.message.len()
        );
    }
    let failure = Failure::invalid_config(issues);
    assert!(failure.data.error_description.len() <= 4096);
}

/// Pins: `message::prepare` rejects a `to` longer than a phone number can be written (e.g. 64
/// characters) and a `TemplateParam` of more than a few KiB, as invalid_request_parameters.
#[test]
fn size_limit_message_of_a_megabyte_is_rejected_before_signing() {
    let config = valid_config(json!({}));
    let nonce = Nonce::from_random_bytes([3; 16]);
    let ts = Timestamp::from_unix_millis(1_700_000_000_000);
    let huge = "1".repeat(MEGABYTE);
    let padded_to = format!("{}13012345678", " ".repeat(MEGABYTE));
    for data in [
        json!({ "to": "13012345678", "payload": { "code": huge } }),
        json!({ "to": padded_to }),
        json!({ "to": "13012345678", "type": huge }),
    ] {
        let what = data
            .as_object()
            .map(|o| o.keys().cloned().collect::<Vec<_>>().join(","));
        match prepare_signed(&data, &config, &nonce, &ts) {
            Ok(request) => panic!(
                "a megabyte message ({what:?}) must not be signed; it was, into a {}-byte body",
                request.body.as_deref().map_or(0, str::len) + request.url.len()
            ),
            Err(failure) => {
                assert_eq!(failure.code, ErrorCode::InvalidRequestParameters);
                assert!(failure.data.error_description.len() <= 1024);
            }
        }
    }
}

/// Pins: `response::parse` refuses answers above a limit (e.g. 64 KiB) as invalid_response,
/// before parsing them; a real SendSms answer is a few hundred bytes.
#[test]
fn size_limit_response_of_a_megabyte_is_invalid_response() {
    let padded = json!({
        "Code": "OK",
        "Message": "x".repeat(MEGABYTE),
        "RequestId": "R",
        "BizId": "1"
    })
    .to_string();
    let failure = match send_sms::parse(200, &padded, &Redactor::none()) {
        Ok(result) => panic!(
            "a 1 MiB answer is not Aliyun's, but it resolved (Message of {} bytes)",
            result.message.len()
        ),
        Err(failure) => failure,
    };
    assert_eq!(failure.code, ErrorCode::InvalidResponse);
    assert!(failure.data.error_description.len() < 1024);
    // An error answer with a megabyte Message is cut too.
    let error = json!({ "Code": "isp.SYSTEM_ERROR", "Message": "y".repeat(MEGABYTE) }).to_string();
    let failure = send_sms::parse(200, &error, &Redactor::none())
        .map(|_| ())
        .expect_err("rejected");
    assert!(
        failure.data.error_description.len() < 4096,
        "errorDescription of {} bytes",
        failure.data.error_description.len()
    );
}

// ---------------------------------------------------------------------------------------------
// Issue messages never quote a cut-off prefix: a clipped echo would keep the first characters of
// a long STS token, or of a secret that follows other text, where redaction could not find it.

/// Every run of 16 consecutive characters of `secret`.
fn windows(secret: &str) -> Vec<&str> {
    let ends: Vec<usize> = secret
        .char_indices()
        .map(|(i, _)| i)
        .chain([secret.len()])
        .collect();
    if ends.len() <= 17 {
        return vec![secret];
    }
    ends.windows(17).map(|w| &secret[w[0]..w[16]]).collect()
}

#[test]
fn no_part_of_a_pasted_secret_is_echoed_in_issues() {
    let token = format!("CAIS{}", "0123456789abcdef".repeat(20));
    for pasted in [
        token.clone(),
        format!("{}{SECRET}", "x".repeat(40)),
        format!("{SECRET}{}", "y".repeat(80)),
    ] {
        let mut value = valid_config_json();
        value["securityToken"] = json!(token);
        value["signatureVersion"] = json!(pasted);
        let issues = config::validate(&value).map(|_| ()).expect_err("rejected");
        let failure = Failure::invalid_config(issues);
        for text in failure_texts(&failure) {
            for secret in [SECRET, token.as_str()] {
                let part = windows(secret).into_iter().find(|w| text.contains(w));
                assert_eq!(part, None, "part of a secret echoed: {text}");
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Logto's clean-deep, and secrets echoed back by the network.

/// Values `clean-deep` removes.
fn arb_blank() -> impl Strategy<Value = Value> {
    select(vec![
        json!(""),
        json!(null),
        json!({}),
        json!([]),
        json!([""]),
        json!({ "china": "", "overseas": null }),
    ])
}

/// Every 16-byte run of `text` (ASCII in these tests), or `text` itself when shorter.
fn byte_windows(text: &str) -> Vec<&str> {
    if text.len() <= 16 {
        return vec![text];
    }
    (0..=text.len() - 16)
        .filter_map(|i| text.get(i..i + 16))
        .collect()
}

proptest! {
    #![proptest_config(cases(1_000, MAX_SHRINK_ITERS))]

    /// Logto stores what `clean-deep` leaves of a config: validating that must give the same
    /// config as validating the original, or reject both.
    #[test]
    fn clean_deep_never_changes_what_a_config_means(
        mutations in prop::collection::vec(
            prop_oneof![
                3 => (arb_config_path(), arb_blank()).prop_map(|(p, v)| Mutation::Set(p, v)),
                1 => arb_mutation(),
            ],
            1..6,
        )
    ) {
        let mut value = valid_config_json();
        for mutation in &mutations {
            apply(&mut value, mutation);
        }
        let cleaned = aliyun_sms::connector::blank::clean_deep(&value).unwrap_or_else(|| json!({}));
        match (config::validate(&value), config::validate(&cleaned)) {
            (Ok(before), Ok(after)) => prop_assert_eq!(before, after),
            (Err(_), Err(_)) => {}
            (before, after) => prop_assert!(
                false,
                "{} means {:?}, after clean-deep {} means {:?}",
                value, before.map(|_| "a config"), cleaned, after.map(|_| "a config")
            ),
        }
    }

    /// Any run of 16 bytes of a secret, raw or encoded as a request carries it, anywhere in an
    /// answer (a Message across the 512-character clip, a proxy page across the 200-character
    /// one), is gone from the failure.
    #[test]
    fn no_window_of_an_echoed_secret_survives(
        secret in "[A-Za-z0-9+/= ]{16,80}",
        form in 0usize..4,
        cut in (0usize..1000, 16usize..400),
        pad in 0usize..600,
        json_answer in any::<bool>(),
        code in select(&["isp.SYSTEM_ERROR", "SignatureDoesNotMatch", "Some.Unknown"][..]),
    ) {
        let once = percent_encode(&secret);
        let forms = [
            secret.clone(),
            once.clone(),
            percent_encode(&once),
            once.replace("%20", "+"),
        ];
        let shown = &forms[form];
        let start = cut.0 % shown.len();
        let end = (start + cut.1).min(shown.len());
        let part = shown.get(start..end).unwrap_or_default();
        let padding = "m".repeat(pad);
        let body = if json_answer {
            json!({ "Code": code, "Message": format!("{padding}{part} tail"), "RequestId": format!("R{part}") }).to_string()
        } else {
            format!("<html>{padding}{part}</html>")
        };
        let secret_value = Secret::new(secret.clone());
        let redactor = Redactor::new([&secret_value]);
        let failure = send_sms::parse(400, &body, &redactor).expect_err("rejected");
        for text in failure_texts(&failure) {
            for form in &forms {
                if part.len() < 16 {
                    continue;
                }
                let left = byte_windows(form).into_iter().find(|w| text.contains(w));
                prop_assert_eq!(left, None, "in {}", text);
            }
        }
    }
}
