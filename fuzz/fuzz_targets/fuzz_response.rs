//! `response::parse` over any status (the first two bytes) and any body (the rest, lossy UTF-8):
//! a result only for 2xx + `Code: "OK"`, otherwise a failure that carries the status and quotes
//! at most a short prefix of a body that is not Aliyun's; a secret the body echoes never shows.
#![no_main]

use aliyun_sms::aliyun::credential::{Redactor, Secret};
use aliyun_sms::error::ErrorCode;
use aliyun_sms::aliyun::api::send_sms;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let (status, body) = match data {
        [hi, lo, rest @ ..] => (u16::from_be_bytes([*hi, *lo]), rest),
        _ => (200, data),
    };
    let body = String::from_utf8_lossy(body);
    // The secret the answer is read with; the seeds and the fuzzer may echo it anywhere.
    let secret = Secret::new("fuzz-secret-0123456789abcdef".into());
    let redactor = Redactor::new([&secret]);
    // Both the raw status and a plausible one, so 2xx is reached often.
    for status in [status, 200 + status % 400] {
        match send_sms::parse(status, &body, &redactor) {
            Ok(result) => {
                assert!((200..300).contains(&status));
                assert_eq!(result.code, "OK");
            }
            Err(failure) => {
                assert_eq!(failure.data.status, Some(status));
                let description = &failure.data.error_description;
                assert!(!description.is_empty());
                if failure.data.aliyun_code.is_none() {
                    assert_eq!(failure.code, ErrorCode::InvalidResponse);
                    assert!(
                        description.contains(&format!("HTTP {status}")),
                        "{description}"
                    );
                    assert!(
                        description.chars().count() < 400,
                        "{} chars",
                        description.len()
                    );
                }
                let text = serde_json::to_string(&failure).expect("a failure serialises");
                assert!(!text.contains(secret.expose()), "{text}");
            }
        }
    }
});
