//! The WebAssembly boundary (`src/wasm/mod.rs`) in a real WebAssembly runtime: JS values in, JS values
//! out, and `sendMessage` over real HTTP to a mock Aliyun on 127.0.0.1 (`tests/wasm/server.js`).
//!
//! Run with `wasm-pack test --node`. The mock is started in-process under Node; for a browser
//! runner (`WASM_BINDGEN_USE_BROWSER=1 wasm-pack test --headless --chrome`, as scripts/test.sh does),
//! start it with `node tests/wasm/server.js` and build with the `ALIYUN_SMS_TEST_SERVER`
//! and `ALIYUN_SMS_TEST_REFUSED` variables it prints.

#![cfg(target_arch = "wasm32")]

use aliyun_sms::wasm::{get_signature, is_china_number, send_message, validate_config};
use js_sys::{Array, Object, Promise, Reflect, JSON};
use serde_json::{json, Value};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{future_to_promise, JsFuture};
use wasm_bindgen_test::wasm_bindgen_test;

#[wasm_bindgen(module = "/tests/wasm/server.js")]
extern "C" {
    /// Resolves `{ url, refusedUrl, accessKeyId, accessKeySecret }`.
    #[wasm_bindgen(js_name = aliyunServer)]
    fn aliyun_server(url: Option<String>, refused_url: Option<String>) -> Promise;
}

#[wasm_bindgen(inline_js = r#"
let saved;
export function hideFetch() {
  saved = Object.getOwnPropertyDescriptor(globalThis, 'fetch');
  delete globalThis.fetch;
  return typeof globalThis.fetch === 'undefined';
}
export function replaceFetch(message) {
  saved = Object.getOwnPropertyDescriptor(globalThis, 'fetch');
  globalThis.fetch = () => { throw new TypeError(message); };
}
export function restoreFetch() {
  Object.defineProperty(globalThis, 'fetch', saved);
  return typeof globalThis.fetch === 'function';
}
export function cyclicMessage(to) {
  const data = { to, type: 'SignIn', payload: { code: '123456' } };
  data.payload.self = data;
  return data;
}
export function cyclicConfig() {
  const config = { accessKeyId: 'a' };
  config.self = config;
  return config;
}
export function bigIntConfig() {
  return { timeout: 10n };
}
export function duckTypedFetch(body) {
  saved = Object.getOwnPropertyDescriptor(globalThis, 'fetch');
  globalThis.fetch = async () => ({ status: 200, text: async () => body });
}
export function isPlainObject(value) {
  return value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype;
}
"#)]
extern "C" {
    #[wasm_bindgen(js_name = hideFetch)]
    fn hide_fetch() -> bool;
    #[wasm_bindgen(js_name = replaceFetch)]
    fn replace_fetch(message: &str);
    #[wasm_bindgen(js_name = restoreFetch)]
    fn restore_fetch() -> bool;
    #[wasm_bindgen(js_name = cyclicMessage)]
    fn cyclic_message(to: &str) -> JsValue;
    #[wasm_bindgen(js_name = cyclicConfig)]
    fn cyclic_config() -> JsValue;
    #[wasm_bindgen(js_name = bigIntConfig)]
    fn big_int_config() -> JsValue;
    #[wasm_bindgen(js_name = duckTypedFetch)]
    fn duck_typed_fetch(body: &str);
    #[wasm_bindgen(js_name = isPlainObject)]
    fn is_plain_object(value: &JsValue) -> bool;
}

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/// A JSON value as the JS value `JSON.parse` would give.
fn js(value: &Value) -> JsValue {
    JSON::parse(&value.to_string()).expect("valid JSON")
}

/// A JS value as JSON, through `JSON.stringify` (so a `Map` would show up as `{}`).
fn text(value: &JsValue) -> String {
    JSON::stringify(value)
        .expect("serialisable")
        .as_string()
        .expect("a string")
}

fn json_of(value: &JsValue) -> Value {
    serde_json::from_str(&text(value)).expect("JSON")
}

struct Server {
    url: String,
    refused_url: String,
    access_key_id: String,
    secret: String,
}

impl Server {
    /// The mock's URL for one scenario (`ok`, `limit`, `hang`, `echo-secret`, `html`).
    fn endpoint(&self, scenario: &str) -> String {
        format!("{}{scenario}", self.url)
    }

    /// A good config against `endpoint`, with `extra` fields merged over it.
    fn config_for(&self, endpoint: &str, extra: Value) -> Value {
        // The four-template config every test layer shares, with this server's account.
        let mut config: Value = serde_json::from_str(include_str!("fixtures/config.json"))
            .expect("tests/fixtures/config.json is JSON");
        config["accessKeyId"] = json!(self.access_key_id);
        config["accessKeySecret"] = json!(self.secret);
        config["endpoint"] = json!(endpoint);
        config["timeout"] = json!(5000);
        if let (Value::Object(config), Value::Object(extra)) = (&mut config, extra) {
            config.extend(extra);
        }
        config
    }

    fn config(&self, scenario: &str) -> Value {
        self.config_for(&self.endpoint(scenario), json!({}))
    }

    /// A send that fails must not leak the secret, and must leave the instance usable.
    async fn expect_rejection(&self, data: JsValue, config: JsValue, code: &str) -> Value {
        let rejection = send_message(data, config)
            .await
            .expect_err("sendMessage should reject");
        self.check_rejection(&rejection, code);
        self.expect_good_send().await;
        json_of(&rejection)
    }

    fn check_rejection(&self, rejection: &JsValue, code: &str) {
        let serialised = text(rejection);
        assert!(is_plain_object(rejection), "{serialised}");
        let value = json_of(rejection);
        assert_eq!(value["code"], code, "{serialised}");
        let description = value["data"]["errorDescription"]
            .as_str()
            .unwrap_or_else(|| panic!("no errorDescription: {serialised}"));
        assert!(!description.is_empty(), "{serialised}");
        assert!(
            !serialised.contains(&self.secret),
            "the secret leaked: {serialised}"
        );
        let keys: Vec<&String> = value.as_object().expect("object").keys().collect();
        assert_eq!(keys, ["code", "data"], "{serialised}");
    }

    /// One good send, checked field by field.
    async fn expect_good_send(&self) -> Value {
        let data = json!({ "to": "+86 130-1234-5678", "type": "SignIn", "payload": { "code": "123456", "locale": "en" } });
        let result = send_message(js(&data), js(&self.config("ok")))
            .await
            .unwrap_or_else(|e| panic!("a good send should succeed: {}", text(&e)));
        assert!(is_plain_object(&result), "{}", text(&result));
        let result = json_of(&result);
        let keys: Vec<&String> = result.as_object().expect("object").keys().collect();
        assert_eq!(keys, ["BizId", "Code", "Message", "RequestId"], "{result}");
        assert_eq!(result["Code"], "OK");
        assert_eq!(result["Message"], "OK");
        assert_eq!(result["RequestId"].as_str().map(str::len), Some(36));
        // The mock echoes PhoneNumbers^TemplateCode^SignName^RegionId^TemplateParam.
        assert_eq!(
            result["BizId"],
            r#"8613012345678^SMS_SIGNIN^Logto^cn-hangzhou^{"code":"123456"}"#
        );
        result
    }
}

async fn server() -> Server {
    let urls = JsFuture::from(aliyun_server(
        option_env!("ALIYUN_SMS_TEST_SERVER").map(Into::into),
        option_env!("ALIYUN_SMS_TEST_REFUSED").map(Into::into),
    ))
    .await
    .unwrap_or_else(|e| panic!("mock Aliyun unavailable: {e:?}"));
    let field = |key: &str| {
        Reflect::get(&urls, &key.into())
            .ok()
            .and_then(|v| v.as_string())
            .unwrap_or_else(|| panic!("mock Aliyun has no {key}"))
    };
    Server {
        url: field("url"),
        refused_url: field("refusedUrl"),
        access_key_id: field("accessKeyId"),
        secret: field("accessKeySecret"),
    }
}

fn message(to: &str) -> JsValue {
    js(&json!({ "to": to, "type": "SignIn", "payload": { "code": "123456" } }))
}

fn now() -> f64 {
    js_sys::Date::now()
}

// ---------------------------------------------------------------------------------------------
// validateConfig
// ---------------------------------------------------------------------------------------------

/// The shared four-template config, with a template type and an unknown key.
fn minimal_config() -> Value {
    let mut config: Value = serde_json::from_str(include_str!("fixtures/config.json"))
        .expect("tests/fixtures/config.json is JSON");
    config["templates"][1]["type"] = json!(6);
    config["someUnknownKey"] = json!(true);
    config
}

#[wasm_bindgen_test]
fn validate_config_fills_every_default() {
    let result = validate_config(js(&minimal_config()));
    assert!(is_plain_object(&result));
    assert_eq!(
        json_of(&result),
        json!({
            "success": true,
            "data": {
                "credentialType": "access_key",
                "accessKeyId": "LTAI-fixture-access-key-id",
                "accessKeySecret": "fixture-access-key-secret-not-a-real-key",
                "signatureVersion": "v1",
                "signName": "Logto",
                "templates": [
                    { "usageType": "SignIn", "templateCode": "SMS_SIGNIN", "type": 2 },
                    { "usageType": "Register", "templateCode": { "china": "SMS_REG_CN", "overseas": "SMS_REG_INT" }, "type": 6 },
                    { "usageType": "ForgotPassword", "templateCode": "SMS_FORGOT", "type": 2 },
                    { "usageType": "Generic", "templateCode": "SMS_GENERIC", "type": 2 }
                ],
                "strictPhoneRegionNumberCheck": false,
                "endpoint": "https://dysmsapi.aliyuncs.com/",
                "regionId": "cn-hangzhou",
                "timeout": 10000
            }
        })
    );
    // Nested values are plain objects and arrays too, not Maps.
    let data = Reflect::get(&result, &"data".into()).unwrap();
    assert!(is_plain_object(&data));
    assert!(Array::is_array(
        &Reflect::get(&data, &"templates".into()).unwrap()
    ));
}

#[wasm_bindgen_test]
fn validate_config_keeps_explicit_values() {
    let mut config = minimal_config();
    config["endpoint"] = json!("https://dysmsapi.ap-southeast-1.aliyuncs.com/");
    config["regionId"] = json!("ap-southeast-1");
    config["timeout"] = json!(2500);
    config["strictPhoneRegionNumberCheck"] = json!(true);
    let data = json_of(&validate_config(js(&config)))["data"].clone();
    assert_eq!(
        data["endpoint"],
        "https://dysmsapi.ap-southeast-1.aliyuncs.com/"
    );
    assert_eq!(data["regionId"], "ap-southeast-1");
    assert_eq!(data["timeout"], 2500);
    assert_eq!(data["strictPhoneRegionNumberCheck"], true);
    // Emptied optional form fields mean "default".
    for (key, value) in [("endpoint", json!("")), ("regionId", json!(null))] {
        let mut config = minimal_config();
        config[key] = value;
        let data = json_of(&validate_config(js(&config)))["data"].clone();
        assert_eq!(data["endpoint"], "https://dysmsapi.aliyuncs.com/");
        assert_eq!(data["regionId"], "cn-hangzhou");
    }
}

/// Every failure is `{ success: false, error: { issues: [{ code, path, message }], errorDescription } }`.
fn check_failure_shape(result: &JsValue) -> Value {
    assert!(is_plain_object(result), "{}", text(result));
    let value = json_of(result);
    let keys: Vec<&String> = value.as_object().expect("object").keys().collect();
    assert_eq!(keys, ["error", "success"], "{value}");
    assert_eq!(value["success"], false);
    let error = &value["error"];
    let keys: Vec<&String> = error.as_object().expect("object").keys().collect();
    assert_eq!(keys, ["errorDescription", "issues"], "{value}");
    let description = error["errorDescription"].as_str().expect("string");
    assert!(
        description.starts_with("Invalid Aliyun SMS connector config: "),
        "{description}"
    );
    let issues = error["issues"].as_array().expect("issues array");
    assert!(!issues.is_empty());
    for issue in issues {
        let keys: Vec<&String> = issue.as_object().expect("object").keys().collect();
        assert_eq!(keys, ["code", "message", "path"], "{issue}");
        assert!(issue["code"].is_string() && issue["message"].is_string());
        assert!(issue["path"]
            .as_array()
            .expect("path array")
            .iter()
            .all(|s| s.is_string() || s.is_u64()));
    }
    value
}

#[wasm_bindgen_test]
fn validate_config_failure_shape() {
    let mut config = minimal_config();
    config["accessKeyId"] = json!("");
    config["signName"] = json!(7);
    // A missing half is the empty code (what Logto's clean-deep leaves of ""): a number is wrong.
    config["templates"][1]["templateCode"] = json!({ "china": "SMS_CN", "overseas": 7 });
    config["timeout"] = json!(50);
    config["endpoint"] = json!("http://dysmsapi.aliyuncs.com/");
    let value = check_failure_shape(&validate_config(js(&config)));
    assert_eq!(
        value["error"]["issues"],
        json!([
            { "code": "too_small", "path": ["accessKeyId"], "message": "Must not be empty" },
            { "code": "invalid_type", "path": ["signName"], "message": "Expected string, received number" },
            { "code": "invalid_type", "path": ["templates", 1, "templateCode", "overseas"], "message": "Expected string, received number" },
            { "code": "invalid_string", "path": ["endpoint"], "message": "Endpoint must use https (plain http is allowed only for loopback hosts, not dysmsapi.aliyuncs.com)" },
            { "code": "too_small", "path": ["timeout"], "message": "Must be at least 100 ms" }
        ])
    );
    let description = value["error"]["errorDescription"].as_str().unwrap();
    assert!(
        description
            .contains("templates[1].templateCode.overseas: Expected string, received number"),
        "{description}"
    );
    assert!(
        !text(&validate_config(js(&config))).contains("fixture-access-key-secret-not-a-real-key")
    );

    // Missing required usage types are one issue on `templates`.
    let mut config = minimal_config();
    config["templates"] = json!([{ "usageType": "SignIn", "templateCode": "SMS_1" }]);
    let value = check_failure_shape(&validate_config(js(&config)));
    assert_eq!(
        value["error"]["issues"],
        json!([{
            "code": "custom",
            "path": ["templates"],
            "message": "UsageType (Register, ForgotPassword, Generic) should be provided in templates."
        }])
    );
}

#[wasm_bindgen_test]
fn validate_config_rejects_non_objects() {
    for input in [
        JsValue::UNDEFINED,
        JsValue::NULL,
        JsValue::from_str("config"),
        JsValue::from_f64(42.0),
        js(&json!([1, 2])),
    ] {
        let value = check_failure_shape(&validate_config(input));
        let issues = value["error"]["issues"].as_array().unwrap();
        assert_eq!(issues.len(), 1, "{value}");
        assert_eq!(issues[0]["path"], json!([]));
        assert_eq!(issues[0]["code"], "invalid_type");
    }
    let value = check_failure_shape(&validate_config(Object::new().into()));
    assert_eq!(value["error"]["issues"].as_array().unwrap().len(), 4);
}

/// A config JSON cannot represent still gets the zod-like shape, with one root issue.
#[wasm_bindgen_test]
fn validate_config_unserialisable_input_has_issues() {
    for input in [cyclic_config(), big_int_config()] {
        let value = check_failure_shape(&validate_config(input));
        let issues = value["error"]["issues"].as_array().unwrap();
        assert_eq!(issues.len(), 1, "{value}");
        assert_eq!(issues[0]["path"], json!([]));
        assert_eq!(issues[0]["code"], "custom");
    }
}

// ---------------------------------------------------------------------------------------------
// getSignature
// ---------------------------------------------------------------------------------------------

fn signature_vector() -> Value {
    json!({
        "AccessKeyId": "testid",
        "AccountName": "<a%b'>",
        "Action": "SingleSendMail",
        "AddressType": "1",
        "Format": "XML",
        "HtmlBody": "4",
        "RegionId": "cn-hangzhou",
        "ReplyToAddress": "true",
        "SignatureMethod": "HMAC-SHA1",
        "SignatureVersion": "1.0",
        "Subject": "3",
        "TagName": "2",
        "ToAddress": "1@test.com",
        "Version": "2015-11-23",
        "SignatureNonce": "c1b2c332-4cfb-4a0f-b8cc-ebe622aa0a5c",
        "Timestamp": "2016-10-20T06:27:56Z"
    })
}

#[wasm_bindgen_test]
fn get_signature_matches_aliyun_vector() {
    assert_eq!(
        get_signature(js(&signature_vector()), "testsecret", "POST").unwrap(),
        "llJfXJjBW3OacrVgxxsITgYaYm0="
    );
    // Key order does not matter; the method is upper-cased.
    let reversed = Object::new();
    for (key, value) in signature_vector().as_object().unwrap().iter().rev() {
        Reflect::set(&reversed, &key.into(), &js(value)).unwrap();
    }
    assert!(text(&reversed).starts_with(r#"{"Version":"2015-11-23","ToAddress""#));
    assert_eq!(
        get_signature(reversed.into(), "testsecret", "post").unwrap(),
        "llJfXJjBW3OacrVgxxsITgYaYm0="
    );
    // A different secret or method gives a different signature.
    assert_ne!(
        get_signature(js(&signature_vector()), "testsecret2", "POST").unwrap(),
        "llJfXJjBW3OacrVgxxsITgYaYm0="
    );
    assert_ne!(
        get_signature(js(&signature_vector()), "testsecret", "GET").unwrap(),
        "llJfXJjBW3OacrVgxxsITgYaYm0="
    );
}

fn check_thrown(thrown: &JsValue, code: &str) {
    assert!(is_plain_object(thrown), "{}", text(thrown));
    let value = json_of(thrown);
    assert_eq!(value["code"], code, "{value}");
    assert!(
        value["data"]["errorDescription"]
            .as_str()
            .is_some_and(|d| !d.is_empty()),
        "{value}"
    );
}

#[wasm_bindgen_test]
fn get_signature_throws_for_non_string_values() {
    for bad in [
        json!(1),
        json!(null),
        json!(true),
        json!({ "a": "b" }),
        json!(["x"]),
    ] {
        let mut parameters = signature_vector();
        parameters["Subject"] = bad.clone();
        let thrown = get_signature(js(&parameters), "testsecret", "POST")
            .expect_err(&format!("{bad} should be rejected"));
        check_thrown(&thrown, "invalid_request_parameters");
        let description = json_of(&thrown)["data"]["errorDescription"].clone();
        assert!(
            description.as_str().unwrap().contains("Subject"),
            "{description}"
        );
    }
    // Not an object of strings at all.
    for bad in [
        JsValue::UNDEFINED,
        JsValue::NULL,
        JsValue::from_str("AccessKeyId=testid"),
        js(&json!(["testid"])),
        cyclic_message("13012345678"),
    ] {
        let thrown = get_signature(bad, "testsecret", "POST").expect_err("should throw");
        check_thrown(&thrown, "invalid_request_parameters");
        assert!(!text(&thrown).contains("testsecret"));
    }
}

// ---------------------------------------------------------------------------------------------
// isChinaNumber
// ---------------------------------------------------------------------------------------------

#[wasm_bindgen_test]
fn is_china_number_strings_and_non_strings() {
    let china = |to: &str, strict: Option<bool>| is_china_number(JsValue::from_str(to), strict);
    assert!(china("13012345678", None));
    assert!(china("+86 130 1234 5678", Some(true)));
    assert!(china("008613012345678", Some(true)));
    assert!(!china("13012345678", Some(true)));
    assert!(!china("+1 862-401-7194", None));
    assert!(!china("not a phone", None));
    for input in [
        JsValue::from_f64(13012345678.0),
        JsValue::UNDEFINED,
        JsValue::NULL,
        JsValue::TRUE,
        js(&json!({ "to": "13012345678" })),
        js(&json!(["13012345678"])),
    ] {
        assert!(!is_china_number(input.clone(), None), "{input:?}");
        assert!(!is_china_number(input, Some(false)));
    }
}

// ---------------------------------------------------------------------------------------------
// sendMessage over HTTP
// ---------------------------------------------------------------------------------------------

#[wasm_bindgen_test]
async fn send_message_round_trip() {
    let server = server().await;
    server.expect_good_send().await;

    // Regional templates, the Generic fallback, and no payload.
    for (data, biz_id) in [
        (
            json!({ "to": "13012345678", "type": "Register", "payload": { "code": "1" } }),
            r#"13012345678^SMS_REG_CN^Logto^cn-hangzhou^{"code":"1"}"#,
        ),
        (
            json!({ "to": "+1 862-401-7194", "type": "Register", "payload": { "code": "2" } }),
            r#"18624017194^SMS_REG_INT^Logto^cn-hangzhou^{"code":"2"}"#,
        ),
        (
            json!({ "to": "13012345678", "type": "MfaVerification", "payload": { "code": "3" } }),
            r#"13012345678^SMS_GENERIC^Logto^cn-hangzhou^{"code":"3"}"#,
        ),
        (
            json!({ "to": "13012345678" }),
            "13012345678^SMS_GENERIC^Logto^cn-hangzhou^{}",
        ),
    ] {
        let result = send_message(js(&data), js(&server.config("ok")))
            .await
            .unwrap_or_else(|e| panic!("{data}: {}", text(&e)));
        assert_eq!(json_of(&result)["BizId"], biz_id, "{data}");
    }

    // Non-ASCII sign name and another region are signed and sent intact.
    let config = server.config_for(
        &server.endpoint("ok"),
        json!({ "signName": "阿里云短信测试 & co", "regionId": "ap-southeast-1" }),
    );
    let result = send_message(message("13012345678"), js(&config))
        .await
        .unwrap_or_else(|e| panic!("{}", text(&e)));
    assert_eq!(
        json_of(&result)["BizId"],
        r#"13012345678^SMS_SIGNIN^阿里云短信测试 & co^ap-southeast-1^{"code":"123456"}"#
    );
}

#[wasm_bindgen_test]
async fn send_message_concurrent_sends_use_fresh_nonces() {
    // The mock rejects a reused SignatureNonce, so five concurrent successes mean five nonces.
    let server = server().await;
    let config = server.config("ok");
    let sends = Array::new();
    for _ in 0..5 {
        let (data, config) = (message("13012345678"), js(&config));
        sends.push(&future_to_promise(send_message(data, config)));
    }
    let results = JsFuture::from(Promise::all(&sends))
        .await
        .unwrap_or_else(|e| panic!("{}", text(&e)));
    let mut ids: Vec<String> = Array::from(&results)
        .iter()
        .map(|r| json_of(&r)["RequestId"].as_str().unwrap().to_string())
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 5);
}

#[wasm_bindgen_test]
async fn send_message_rejects_invalid_config() {
    let server = server().await;
    let mut config = server.config("ok");
    config["signName"] = json!("");
    config["timeout"] = json!("fast");
    let rejection = server
        .expect_rejection(message("13012345678"), js(&config), "invalid_config")
        .await;
    let issues = rejection["data"]["issues"].as_array().expect("issues");
    assert_eq!(issues.len(), 2, "{rejection}");
    assert_eq!(issues[0]["path"], json!(["signName"]));
    assert_eq!(issues[1]["path"], json!(["timeout"]));

    // A public plain-http endpoint is refused before any request is made.
    let mut config = server.config("ok");
    config["endpoint"] = json!("http://dysmsapi.aliyuncs.com/");
    server
        .expect_rejection(message("13012345678"), js(&config), "invalid_config")
        .await;
    server
        .expect_rejection(message("13012345678"), JsValue::UNDEFINED, "invalid_config")
        .await;
}

#[wasm_bindgen_test]
async fn send_message_rejects_bad_message_data() {
    let server = server().await;
    for data in [
        json!({ "to": "not a phone", "type": "SignIn" }),
        json!({ "to": "123" }),
        json!({ "to": 13012345678u64 }),
        json!({}),
        json!({ "to": "13012345678", "payload": "123456" }),
        json!("13012345678"),
    ] {
        let rejection = server
            .expect_rejection(
                js(&data),
                js(&server.config("ok")),
                "invalid_request_parameters",
            )
            .await;
        let description = rejection["data"]["errorDescription"].as_str().unwrap();
        assert!(!description.is_empty(), "{data}");
    }
}

#[wasm_bindgen_test]
async fn send_message_rejects_cyclic_message_data() {
    let server = server().await;
    server
        .expect_rejection(
            cyclic_message("13012345678"),
            js(&server.config("ok")),
            "invalid_request_parameters",
        )
        .await;
}

#[wasm_bindgen_test]
async fn send_message_maps_aliyun_error_codes() {
    let server = server().await;
    let rejection = server
        .expect_rejection(
            message("13012345678"),
            js(&server.config("limit")),
            "rate_limit_exceeded",
        )
        .await;
    let data = &rejection["data"];
    assert_eq!(data["Code"], "isv.BUSINESS_LIMIT_CONTROL");
    assert_eq!(data["Message"], "Business limit control (1/min)");
    assert_eq!(data["status"], 200);
    assert_eq!(data["RequestId"].as_str().map(str::len), Some(36));
    assert!(data["errorDescription"]
        .as_str()
        .unwrap()
        .contains("isv.BUSINESS_LIMIT_CONTROL"));

    // A non-JSON gateway page is an invalid response, with the HTTP status.
    let rejection = server
        .expect_rejection(
            message("13012345678"),
            js(&server.config("html")),
            "invalid_response",
        )
        .await;
    assert_eq!(rejection["data"]["status"], 502);
}

#[wasm_bindgen_test]
async fn send_message_signature_is_checked_by_the_mock() {
    // The mock recomputes the signature with node:crypto: a wrong secret is SignatureDoesNotMatch,
    // which proves the good sends elsewhere were verified, not just accepted.
    let server = server().await;
    let config = server.config_for(
        &server.endpoint("ok"),
        json!({ "accessKeySecret": "wrong-secret-value" }),
    );
    let rejection = server
        .expect_rejection(message("13012345678"), js(&config), "invalid_config")
        .await;
    assert_eq!(rejection["data"]["Code"], "SignatureDoesNotMatch");
    assert_eq!(rejection["data"]["status"], 400);
    assert!(!rejection.to_string().contains("wrong-secret-value"));

    let config = server.config_for(
        &server.endpoint("ok"),
        json!({ "accessKeyId": "someone-else" }),
    );
    let rejection = server
        .expect_rejection(message("13012345678"), js(&config), "invalid_config")
        .await;
    assert_eq!(rejection["data"]["Code"], "InvalidAccessKeyId.NotFound");
}

#[wasm_bindgen_test]
async fn send_message_redacts_secret_echoed_by_aliyun() {
    let server = server().await;
    let rejection = server
        .expect_rejection(
            message("13012345678"),
            js(&server.config("echo-secret")),
            "general",
        )
        .await;
    assert_eq!(rejection["data"]["Message"], "internal error for key ***");
}

#[wasm_bindgen_test]
async fn send_message_connection_refused_is_general() {
    let server = server().await;
    let rejection = server
        .expect_rejection(
            message("13012345678"),
            js(&server.config_for(&server.refused_url, json!({}))),
            "general",
        )
        .await;
    let description = rejection["data"]["errorDescription"].as_str().unwrap();
    assert!(
        description.starts_with("Network error calling Aliyun at "),
        "{description}"
    );
}

#[wasm_bindgen_test]
async fn send_message_times_out_promptly() {
    let server = server().await;
    let config = server.config_for(&server.endpoint("hang"), json!({ "timeout": 200 }));
    let started = now();
    let rejection = send_message(message("13012345678"), js(&config))
        .await
        .expect_err("a hanging server should time out");
    let elapsed = now() - started;
    server.check_rejection(&rejection, "general");
    assert!(
        (150.0..3000.0).contains(&elapsed),
        "timed out after {elapsed} ms"
    );
    let description = json_of(&rejection)["data"]["errorDescription"].clone();
    assert_eq!(
        description,
        "Aliyun did not answer within 200 ms (request aborted)"
    );
    server.expect_good_send().await;

    // The timeout also covers a body that starts and never finishes.
    let config = server.config_for(&server.endpoint("slow-body"), json!({ "timeout": 200 }));
    let started = now();
    let rejection = send_message(message("13012345678"), js(&config))
        .await
        .expect_err("a stalled body should time out");
    let elapsed = now() - started;
    server.check_rejection(&rejection, "general");
    assert!(
        (150.0..3000.0).contains(&elapsed),
        "timed out after {elapsed} ms"
    );
    assert_eq!(
        json_of(&rejection)["data"]["errorDescription"],
        "Aliyun did not answer within 200 ms (request aborted)"
    );
    server.expect_good_send().await;
}

#[wasm_bindgen_test]
async fn send_message_without_fetch_is_general() {
    let server = server().await;
    assert!(hide_fetch(), "fetch should be gone");
    let outcome = send_message(message("13012345678"), js(&server.config("ok"))).await;
    assert!(restore_fetch(), "fetch should be back");
    let rejection = outcome.expect_err("no fetch should reject");
    server.check_rejection(&rejection, "general");
    let description = json_of(&rejection)["data"]["errorDescription"].clone();
    assert!(
        description.as_str().unwrap().contains("fetch threw"),
        "{description}"
    );
    server.expect_good_send().await;

    // A fetch that throws synchronously, echoing the secret: general, and redacted.
    replace_fetch(&format!("refusing to send with {}", server.secret));
    let outcome = send_message(message("13012345678"), js(&server.config("ok"))).await;
    assert!(restore_fetch());
    let rejection = outcome.expect_err("a throwing fetch should reject");
    server.check_rejection(&rejection, "general");
    assert!(text(&rejection).contains("refusing to send with ***"));
    server.expect_good_send().await;
}

/// A fetch polyfill whose responses are not the global `Response` class still works: only
/// `status` and `text()` are used.
#[wasm_bindgen_test]
async fn send_message_accepts_response_like_objects() {
    let server = server().await;
    duck_typed_fetch(r#"{"Code":"OK","Message":"OK","RequestId":"duck","BizId":"b"}"#);
    let outcome = send_message(message("13012345678"), js(&server.config("ok"))).await;
    assert!(restore_fetch());
    let result = json_of(&outcome.unwrap_or_else(|e| panic!("{}", text(&e))));
    assert_eq!(result["RequestId"], "duck");
    server.expect_good_send().await;
}
