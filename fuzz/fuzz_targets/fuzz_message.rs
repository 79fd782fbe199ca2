//! `message::prepare` with valid configs (V1/V3, strict or not, with and without an STS token)
//! over any message data: a signed request for a valid number, else invalid_request_parameters;
//! the secret never on the wire.
#![no_main]

use aliyun_sms::connector::config::{self, Config};
use aliyun_sms::error::ErrorCode;
use aliyun_sms::connector::message;
use aliyun_sms::connector::phone::PhoneNumber;
use aliyun_sms::aliyun::call::{self, Nonce, Timestamp};
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use serde_json::{json, Value};

const SECRET: &str = "FUZZ-secret-0a1b2c3d4e5f6a7b8c9d";

fn configs() -> Vec<Config> {
    let mut all = Vec::new();
    for version in ["v1", "v3"] {
        for strict in [false, true] {
            for token in [None, Some("FUZZ-sts-token")] {
                // The four-template config every test layer shares.
                let mut value: Value =
                    serde_json::from_str(include_str!("../../tests/fixtures/config.json"))
                        .expect("tests/fixtures/config.json is JSON");
                value["accessKeySecret"] = json!(SECRET);
                value["signatureVersion"] = json!(version);
                value["strictPhoneRegionNumberCheck"] = json!(strict);
                if let Some(token) = token {
                    value["securityToken"] = json!(token);
                }
                if let Ok(config) = config::validate(&value) {
                    all.push(config);
                }
            }
        }
    }
    assert_eq!(all.len(), 8, "the fuzz configs are valid");
    all
}

fn check(data: &Value, config: &Config) {
    let outcome = message::prepare(data, config).map(|message| {
        call::sign(
            &message.call(),
            config.credentials.fixed().expect("an AccessKey pair"),
            config.target(),
            &Nonce::from_random_bytes([5; 16]),
            &Timestamp::from_unix_millis(1_700_000_000_000),
        )
    });
    let to = data.get("to").and_then(Value::as_str);
    match outcome {
        Ok(request) => {
            let phone = to.map(PhoneNumber::parse);
            assert!(
                matches!(phone, Some(Ok(_))),
                "accepted an invalid `to`: {data}"
            );
            assert!(!request.signature.is_empty());
            let wire = format!("{} {} {:?}", request.url, request.body.as_deref().unwrap_or_default(), request.headers);
            assert!(!wire.contains(SECRET), "secret on the wire");
        }
        Err(failure) => {
            assert_eq!(
                failure.code,
                ErrorCode::InvalidRequestParameters,
                "{failure}"
            );
            assert!(failure.data.status.is_none());
            assert!(!failure.to_string().contains(SECRET));
        }
    }
}

static CONFIGS: OnceLock<Vec<Config>> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let configs = CONFIGS.get_or_init(configs);
    match serde_json::from_slice::<Value>(data) {
        Ok(value) => {
            for config in configs {
                check(&value, config);
            }
            // The value as a payload of an otherwise valid message.
            let wrapped =
                json!({ "to": "+86 130 1234 5678", "type": "Register", "payload": value });
            check(&wrapped, &configs[usize::from(data.len() as u8 & 7)]);
        }
        Err(_) => {
            // Not JSON: the bytes as a `to`.
            let to = String::from_utf8_lossy(data);
            let value = json!({ "to": to, "type": "SignIn", "payload": { "code": "123456" } });
            check(&value, &configs[data.len() & 7]);
        }
    }
});
