//! The signed `SendSms` request, built from values only: nonce and time are passed in, so the
//! same inputs always give the same bytes (and tests need no clock or randomness).

use crate::config::Config;
use crate::signature::{canonicalized_query, percent_encode, signature};

pub const ACTION: &str = "SendSms";
pub const API_VERSION: &str = "2017-05-25";
pub const FORMAT: &str = "JSON";
pub const SIGNATURE_METHOD: &str = "HMAC-SHA1";
pub const SIGNATURE_VERSION: &str = "1.0";
pub const HTTP_METHOD: &str = "POST";
pub const CONTENT_TYPE: &str = "application/x-www-form-urlencoded";

/// `SignatureNonce`: a random (version 4) UUID.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Nonce(String);

impl Nonce {
    pub fn from_random_bytes(bytes: [u8; 16]) -> Self {
        Self(
            uuid::Builder::from_random_bytes(bytes)
                .into_uuid()
                .hyphenated()
                .to_string(),
        )
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// `Timestamp`: UTC, `YYYY-MM-DDThh:mm:ssZ`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Timestamp(String);

impl Timestamp {
    /// From milliseconds since the Unix epoch (what `Date.now()` returns). Sub-second parts are
    /// dropped, as Aliyun's format has none.
    pub fn from_unix_millis(millis: u64) -> Self {
        let secs = millis / 1000;
        let days = secs / 86_400;
        let rem = secs % 86_400;
        let (year, month, day) = civil_from_days(days);
        Self(format!(
            "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
            rem / 3600,
            rem % 3600 / 60,
            rem % 60
        ))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Gregorian date of a day count since 1970-01-01 (Howard Hinnant's `civil_from_days`).
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z % 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    (year, month, day)
}

/// What varies per message.
#[derive(Debug, Clone)]
pub struct SendSms<'a> {
    pub phone_numbers: &'a str,
    pub template_code: &'a str,
    pub template_param: &'a str,
}

/// A request ready for `fetch`: POST `url` with `body` as a form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedRequest {
    pub url: String,
    /// `application/x-www-form-urlencoded`, every value RFC 3986-encoded, `Signature` last.
    pub body: String,
    pub signature: String,
}

/// The `SendSms` parameters, without `Signature`.
pub fn parameters<'a>(
    config: &'a Config,
    message: &SendSms<'a>,
    nonce: &'a Nonce,
    timestamp: &'a Timestamp,
) -> [(&'static str, &'a str); 13] {
    [
        ("AccessKeyId", config.access_key_id.as_str()),
        ("Action", ACTION),
        ("Format", FORMAT),
        ("PhoneNumbers", message.phone_numbers),
        ("RegionId", config.region_id.as_str()),
        ("SignName", config.sign_name.as_str()),
        ("SignatureMethod", SIGNATURE_METHOD),
        ("SignatureNonce", nonce.as_str()),
        ("SignatureVersion", SIGNATURE_VERSION),
        ("TemplateCode", message.template_code),
        ("TemplateParam", message.template_param),
        ("Timestamp", timestamp.as_str()),
        ("Version", API_VERSION),
    ]
}

/// Builds and signs the `SendSms` form.
pub fn build(
    config: &Config,
    message: &SendSms<'_>,
    nonce: &Nonce,
    timestamp: &Timestamp,
) -> SignedRequest {
    let sent = parameters(config, message, nonce, timestamp);
    let signature = signature(&sent, config.access_key_secret.expose(), HTTP_METHOD);
    let mut body = canonicalized_query(&sent);
    body.push_str("&Signature=");
    body.push_str(&percent_encode(&signature));
    SignedRequest {
        url: config.endpoint.to_string(),
        body,
        signature,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::validate;
    use serde_json::json;

    #[test]
    fn timestamps() {
        for (millis, text) in [
            (0, "1970-01-01T00:00:00Z"),
            (1_456_231_584_000, "2016-02-23T12:46:24Z"),
            (1_476_944_876_999, "2016-10-20T06:27:56Z"),
            (951_782_400_000, "2000-02-29T00:00:00Z"),
            (1_709_164_799_000, "2024-02-28T23:59:59Z"),
            (1_709_251_199_000, "2024-02-29T23:59:59Z"),
            (1_798_761_599_000, "2026-12-31T23:59:59Z"),
            (4_102_444_800_000, "2100-01-01T00:00:00Z"),
        ] {
            assert_eq!(
                Timestamp::from_unix_millis(millis).as_str(),
                text,
                "{millis}"
            );
        }
    }

    #[test]
    fn nonce_is_a_v4_uuid() {
        let nonce = Nonce::from_random_bytes([0xab; 16]);
        assert_eq!(nonce.as_str(), "abababab-abab-4bab-abab-abababababab");
        assert_ne!(
            Nonce::from_random_bytes([1; 16]),
            Nonce::from_random_bytes([2; 16])
        );
    }

    fn config() -> Config {
        validate(&json!({
            "accessKeyId": "testid",
            "accessKeySecret": "testsecret",
            "signName": "阿里云短信测试",
            "templates": [
                { "usageType": "Register", "templateCode": "A" },
                { "usageType": "SignIn", "templateCode": "A" },
                { "usageType": "ForgotPassword", "templateCode": "A" },
                { "usageType": "Generic", "templateCode": "A" }
            ],
            "endpoint": "http://127.0.0.1:8080/"
        }))
        .unwrap()
    }

    #[test]
    fn builds_the_send_sms_form_deterministically() {
        let config = config();
        let message = SendSms {
            phone_numbers: "8613012345678",
            template_code: "SMS_154950909",
            template_param: r#"{"code":"123456"}"#,
        };
        let nonce = Nonce::from_random_bytes([7; 16]);
        let timestamp = Timestamp::from_unix_millis(1_700_000_000_000);
        let request = build(&config, &message, &nonce, &timestamp);
        assert_eq!(request.url, "http://127.0.0.1:8080/");
        assert_eq!(
            request.body,
            "AccessKeyId=testid&Action=SendSms&Format=JSON&PhoneNumbers=8613012345678\
             &RegionId=cn-hangzhou&SignName=%E9%98%BF%E9%87%8C%E4%BA%91%E7%9F%AD%E4%BF%A1%E6%B5%8B%E8%AF%95\
             &SignatureMethod=HMAC-SHA1&SignatureNonce=07070707-0707-4707-8707-070707070707\
             &SignatureVersion=1.0&TemplateCode=SMS_154950909\
             &TemplateParam=%7B%22code%22%3A%22123456%22%7D&Timestamp=2023-11-14T22%3A13%3A20Z\
             &Version=2017-05-25&Signature="
                .to_string()
                + &percent_encode(&request.signature)
        );
        // Same inputs, same request.
        assert_eq!(build(&config, &message, &nonce, &timestamp), request);
        // The signature covers the parameters: re-sign them independently.
        let params = parameters(&config, &message, &nonce, &timestamp);
        assert_eq!(request.signature, signature(&params, "testsecret", "POST"));
        assert!(!request.body.contains("testsecret"));
    }
}
