//! `config::validate` over any JSON text, alone and patched over a valid config: a config that
//! round-trips through `to_json`, or a non-empty list of issues; never a panic. `Debug` of a
//! config never depends on its secrets.
#![no_main]

use aliyun_sms::connector::config::{self, Config};
use aliyun_sms::aliyun::credential::Secret;
use aliyun_sms::error::ErrorCode;
use aliyun_sms::aliyun::credential::provider::CredentialSource;
use libfuzzer_sys::fuzz_target;
use serde_json::{json, Value};

/// The four-template config every test layer shares, with explicit template types.
fn valid() -> Value {
    let mut value: Value = serde_json::from_str(include_str!("../../tests/fixtures/config.json"))
        .expect("tests/fixtures/config.json is JSON");
    value["templates"][1]["type"] = json!(6);
    value["templates"][2]["type"] = json!(2);
    value
}

fn check(value: &Value) {
    match config::validate(value) {
        Ok(config) => {
            assert_eq!(
                config::validate(&config.to_json()).as_ref(),
                Ok(&config),
                "to_json round trip"
            );
            // Debug must not depend on the secrets: swap them and compare.
            let mut other: Config = config.clone();
            if let CredentialSource::AccessKey(credentials)
            | CredentialSource::RamRoleArn {
                source: credentials,
                ..
            } = &mut other.credentials
            {
                credentials.access_key_secret = Secret::new("a-different-secret".into());
                credentials.security_token = credentials
                    .security_token
                    .as_ref()
                    .map(|_| Secret::new("a-different-token".into()));
            }
            assert_eq!(
                format!("{config:?}"),
                format!("{other:?}"),
                "Debug shows a secret"
            );
        }
        Err(issues) => {
            assert!(!issues.is_empty(), "Err without issues");
            assert!(issues.iter().all(|i| !i.message.is_empty()));
            let failure = aliyun_sms::error::Failure::invalid_config(issues);
            assert_eq!(failure.code, ErrorCode::InvalidConfig);
            let json = serde_json::to_value(&failure).expect("a failure serialises");
            assert_eq!(json["code"], "invalid_config");
        }
    }
}

fuzz_target!(|data: &[u8]| {
    // As the wasm boundary parses it: serde_json with its recursion limit.
    let Ok(value) = serde_json::from_slice::<Value>(data) else {
        return;
    };
    check(&value);
    // Most inputs are not near a valid config; as a patch over one, each field gets exercised
    // with the others valid.
    if let Value::Object(patch) = &value {
        let mut patched = valid();
        if let Some(object) = patched.as_object_mut() {
            object.extend(patch.clone());
        }
        check(&patched);
        // And into the templates list.
        let mut patched = valid();
        if let Some(Value::Object(template)) = patched.pointer_mut("/templates/1") {
            template.extend(patch.clone());
        }
        check(&patched);
    }
});
