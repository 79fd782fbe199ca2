//! The signed `SendSms` request, built from values only: nonce and time are passed in, so the
//! same inputs always give the same bytes (and tests need no clock or randomness).

use crate::config::{Config, SignatureVersion};
use crate::signature::{canonicalized_query, percent_encode, sign_query};
use crate::signature_v3;

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

/// A request ready for `fetch`: POST `url` with `headers` and `body`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedRequest {
    pub url: String,
    /// V1: the `application/x-www-form-urlencoded` form, every value RFC 3986-encoded,
    /// `Signature` last. V3: empty (the parameters are in the query string).
    pub body: String,
    /// Headers to send. `host` is signed in V3 but not listed: `fetch` sets it from `url`.
    pub headers: Vec<(&'static str, String)>,
    /// V1: base64 HMAC-SHA1. V3: hex HMAC-SHA256.
    pub signature: String,
}

/// The V1 `SendSms` parameters, without `Signature`.
pub fn parameters<'a>(
    config: &'a Config,
    message: &SendSms<'a>,
    nonce: &'a Nonce,
    timestamp: &'a Timestamp,
) -> Vec<(&'static str, &'a str)> {
    let mut parameters = vec![
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
    ];
    if let Some(token) = &config.security_token {
        parameters.push(("SecurityToken", token.expose()));
    }
    parameters
}

/// Builds and signs the `SendSms` request with the configured signature version.
pub fn build(
    config: &Config,
    message: &SendSms<'_>,
    nonce: &Nonce,
    timestamp: &Timestamp,
) -> SignedRequest {
    match config.signature_version {
        SignatureVersion::V1 => build_v1(config, message, nonce, timestamp),
        SignatureVersion::V3 => build_v3(config, message, nonce, timestamp),
    }
}

/// RPC signature V1: everything, `Signature` included, in a form body.
fn build_v1(
    config: &Config,
    message: &SendSms<'_>,
    nonce: &Nonce,
    timestamp: &Timestamp,
) -> SignedRequest {
    let sent = parameters(config, message, nonce, timestamp);
    let mut body = canonicalized_query(&sent);
    let signature = sign_query(&body, config.access_key_secret.expose(), HTTP_METHOD);
    body.push_str("&Signature=");
    body.push_str(&percent_encode(&signature));
    SignedRequest {
        url: config.endpoint.to_string(),
        body,
        headers: vec![("content-type", CONTENT_TYPE.into())],
        signature,
    }
}

/// Signature V3: the API parameters in the query string, the rest in signed `x-acs-*` headers,
/// an empty body, and an `Authorization` header.
fn build_v3(
    config: &Config,
    message: &SendSms<'_>,
    nonce: &Nonce,
    timestamp: &Timestamp,
) -> SignedRequest {
    let query = [
        ("PhoneNumbers", message.phone_numbers),
        ("SignName", config.sign_name.as_str()),
        ("TemplateCode", message.template_code),
        ("TemplateParam", message.template_param),
    ];
    let host = config.endpoint.host_header();
    let hashed_payload = signature_v3::sha256_hex(b"");
    let mut headers: Vec<(&'static str, String)> = vec![
        ("x-acs-action", ACTION.into()),
        ("x-acs-content-sha256", hashed_payload.clone()),
        ("x-acs-date", timestamp.as_str().into()),
        ("x-acs-signature-nonce", nonce.as_str().into()),
        ("x-acs-version", API_VERSION.into()),
    ];
    if let Some(token) = &config.security_token {
        headers.push(("x-acs-security-token", token.expose().into()));
    }
    let mut signed: Vec<(&str, &str)> = vec![("host", host.as_str())];
    signed.extend(headers.iter().map(|(name, value)| (*name, value.as_str())));
    let canonical = signature_v3::CanonicalRequest {
        method: HTTP_METHOD,
        path: config.endpoint.path(),
        query: &query,
        headers: &signed,
        hashed_payload: &hashed_payload,
    };
    let signature = signature_v3::sign(
        &signature_v3::string_to_sign(&canonical.render()),
        config.access_key_secret.expose(),
    );
    let authorization = format!(
        "{} Credential={},SignedHeaders={},Signature={signature}",
        signature_v3::ALGORITHM,
        config.access_key_id,
        canonical.signed_headers()
    );
    headers.push(("authorization", authorization));
    SignedRequest {
        url: format!("{}?{}", config.endpoint, canonicalized_query(&query)),
        body: String::new(),
        headers,
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
        config_with(json!({}))
    }

    fn config_with(extra: serde_json::Value) -> Config {
        let mut value = json!({
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
        });
        value
            .as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        validate(&value).unwrap()
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
        assert_eq!(
            request.signature,
            crate::signature::signature(&params, "testsecret", "POST")
        );
        assert!(!request.body.contains("testsecret"));
    }

    fn message() -> SendSms<'static> {
        SendSms {
            phone_numbers: "8613012345678",
            template_code: "SMS_154950909",
            template_param: r#"{"code":"123456"}"#,
        }
    }

    #[test]
    fn v1_security_token_is_sent_and_signed() {
        let config = config_with(json!({ "securityToken": "sts-token/with+chars" }));
        let nonce = Nonce::from_random_bytes([7; 16]);
        let timestamp = Timestamp::from_unix_millis(1_700_000_000_000);
        let request = build(&config, &message(), &nonce, &timestamp);
        assert!(request
            .body
            .contains("&SecurityToken=sts-token%2Fwith%2Bchars&"));
        let params = parameters(&config, &message(), &nonce, &timestamp);
        assert_eq!(
            request.signature,
            crate::signature::signature(&params, "testsecret", "POST")
        );
        let without = build(&self::config(), &message(), &nonce, &timestamp);
        assert_ne!(without.signature, request.signature);
    }

    #[test]
    fn v3_request_is_signed_over_query_and_headers() {
        let config = config_with(json!({ "signatureVersion": "v3" }));
        let nonce = Nonce::from_random_bytes([7; 16]);
        let timestamp = Timestamp::from_unix_millis(1_700_000_000_000);
        let request = build(&config, &message(), &nonce, &timestamp);
        assert_eq!(
            request.url,
            "http://127.0.0.1:8080/?PhoneNumbers=8613012345678\
             &SignName=%E9%98%BF%E9%87%8C%E4%BA%91%E7%9F%AD%E4%BF%A1%E6%B5%8B%E8%AF%95\
             &TemplateCode=SMS_154950909&TemplateParam=%7B%22code%22%3A%22123456%22%7D"
        );
        assert_eq!(request.body, "");
        let header = |name: &str| {
            request
                .headers
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.as_str())
                .unwrap()
        };
        assert_eq!(header("x-acs-action"), "SendSms");
        assert_eq!(header("x-acs-version"), "2017-05-25");
        assert_eq!(header("x-acs-date"), "2023-11-14T22:13:20Z");
        assert_eq!(
            header("x-acs-signature-nonce"),
            "07070707-0707-4707-8707-070707070707"
        );
        // Re-derive the signature from the canonical request written out by hand.
        let canonical = "POST\n/\nPhoneNumbers=8613012345678\
             &SignName=%E9%98%BF%E9%87%8C%E4%BA%91%E7%9F%AD%E4%BF%A1%E6%B5%8B%E8%AF%95\
             &TemplateCode=SMS_154950909&TemplateParam=%7B%22code%22%3A%22123456%22%7D\n\
             host:127.0.0.1:8080\nx-acs-action:SendSms\n\
             x-acs-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n\
             x-acs-date:2023-11-14T22:13:20Z\n\
             x-acs-signature-nonce:07070707-0707-4707-8707-070707070707\n\
             x-acs-version:2017-05-25\n\n\
             host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version\n\
             e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
        let expected = signature_v3::sign(&signature_v3::string_to_sign(canonical), "testsecret");
        assert_eq!(request.signature, expected);
        assert_eq!(
            header("authorization"),
            format!(
                "ACS3-HMAC-SHA256 Credential=testid,SignedHeaders=host;x-acs-action;\
                 x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version,Signature={expected}"
            )
        );
        assert!(request
            .headers
            .iter()
            .all(|(_, v)| !v.contains("testsecret")));
    }

    #[test]
    fn v3_security_token_is_a_signed_header() {
        let config = config_with(json!({ "signatureVersion": "v3", "securityToken": "sts-token" }));
        let request = build(
            &config,
            &message(),
            &Nonce::from_random_bytes([7; 16]),
            &Timestamp::from_unix_millis(0),
        );
        let (_, authorization) = request
            .headers
            .iter()
            .find(|(n, _)| *n == "authorization")
            .unwrap();
        assert!(authorization.contains("x-acs-security-token;x-acs-signature-nonce"));
        assert!(request
            .headers
            .contains(&("x-acs-security-token", "sts-token".to_string())));
    }
}
