//! Alibaba Cloud signature V3 (`ACS3-HMAC-SHA256`), the successor Alibaba Cloud recommends over
//! the RPC signature V1.
//!
//! 1. Canonical request: `METHOD\nPATH\nCANONICAL_QUERY\nCANONICAL_HEADERS\nSIGNED_HEADERS\nHASHED_PAYLOAD`,
//!    where the query is RFC 3986-encoded and sorted (as in V1), the headers are lower-cased,
//!    sorted `name:value\n` lines for `host` and every `x-acs-*` header, and the payload hash is
//!    the hex SHA-256 of the body.
//! 2. `StringToSign = "ACS3-HMAC-SHA256\n" + hex(sha256(canonical request))`.
//! 3. `Signature = hex(HMAC-SHA256(secret, StringToSign))`, sent as
//!    `Authorization: ACS3-HMAC-SHA256 Credential=<id>,SignedHeaders=<names>,Signature=<hex>`.

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use crate::aliyun::signature_v1::canonicalized_query;

pub const ALGORITHM: &str = "ACS3-HMAC-SHA256";

/// Lower-case hex, as V3 requires. Kept by hand: the `hex` crate's `encode` made the `.wasm`
/// 921 bytes larger (measured with `node scripts/build.mjs`).
pub fn hex(bytes: &[u8]) -> String {
    let digit = |nibble: u8| char::from_digit(u32::from(nibble), 16).unwrap_or('0');
    let mut out = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        out.push(digit(byte >> 4));
        out.push(digit(byte & 0xf));
    }
    out
}

/// Hex SHA-256 of `data`: the `x-acs-content-sha256` value of a body.
pub fn sha256_hex(data: &[u8]) -> String {
    hex(&Sha256::digest(data))
}

/// A request to sign, as data.
#[derive(Debug, Clone)]
pub struct CanonicalRequest<'a> {
    pub method: &'a str,
    /// The URL path, `/` for Aliyun's RPC endpoints.
    pub path: &'a str,
    pub query: &'a [(&'a str, &'a str)],
    /// Headers to sign: `host` and every `x-acs-*` header. Names are lower-cased when rendered.
    pub headers: &'a [(&'a str, &'a str)],
    /// Hex SHA-256 of the body (`x-acs-content-sha256`).
    pub hashed_payload: &'a str,
}

impl CanonicalRequest<'_> {
    /// Lower-cased names with trimmed values, sorted by name: the one order both the canonical
    /// headers and the signed-header list use.
    fn sorted_headers(&self) -> Vec<(String, &str)> {
        // A handful of headers: insertion in order, which also keeps a second sort routine
        // (several KB) out of the .wasm.
        let mut headers: Vec<(String, &str)> = Vec::with_capacity(self.headers.len());
        for (name, value) in self.headers {
            let header = (name.to_ascii_lowercase(), value.trim());
            let at = headers.partition_point(|existing| *existing <= header);
            headers.insert(at, header);
        }
        headers
    }

    /// Sorted, lower-cased header names joined by `;`.
    pub fn signed_headers(&self) -> String {
        join_names(&self.sorted_headers())
    }

    /// The canonical request text.
    pub fn render(&self) -> String {
        let headers = self.sorted_headers();
        let mut canonical_headers = String::new();
        for (name, value) in &headers {
            canonical_headers.push_str(name);
            canonical_headers.push(':');
            canonical_headers.push_str(value);
            canonical_headers.push('\n');
        }
        format!(
            "{}\n{}\n{}\n{}\n{}\n{}",
            self.method.to_ascii_uppercase(),
            self.path,
            canonicalized_query(self.query),
            canonical_headers,
            join_names(&headers),
            self.hashed_payload
        )
    }
}

fn join_names(headers: &[(String, &str)]) -> String {
    let mut names = String::new();
    for (i, (name, _)) in headers.iter().enumerate() {
        if i > 0 {
            names.push(';');
        }
        names.push_str(name);
    }
    names
}

/// `ACS3-HMAC-SHA256\n` + hex SHA-256 of the canonical request.
pub fn string_to_sign(canonical_request: &str) -> String {
    format!("{ALGORITHM}\n{}", sha256_hex(canonical_request.as_bytes()))
}

/// Hex HMAC-SHA256 of the string to sign, keyed with the secret itself (no `&` suffix in V3).
pub fn sign(string_to_sign: &str, access_key_secret: &str) -> String {
    // HMAC accepts keys of any length, so `new_from_slice` cannot fail here.
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(access_key_secret.as_bytes()) else {
        return String::new();
    };
    mac.update(string_to_sign.as_bytes());
    hex(&mac.finalize().into_bytes())
}

/// The `Authorization` header value for a request.
pub fn authorization(
    request: &CanonicalRequest<'_>,
    access_key_id: &str,
    access_key_secret: &str,
) -> String {
    let signature = sign(&string_to_sign(&request.render()), access_key_secret);
    format!(
        "{ALGORITHM} Credential={access_key_id},SignedHeaders={},Signature={signature}",
        request.signed_headers()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const EMPTY_SHA256: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    /// Every published V3 vector in `tests/fixtures/signature-vectors.json` (the worked example
    /// of Alibaba Cloud's V3 guide, both editions), through the canonical request, the string to
    /// sign, the signature and the `Authorization` header.
    #[test]
    fn published_vectors() {
        let file: serde_json::Value = serde_json::from_str(include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/signature-vectors.json"
        )))
        .unwrap();
        let vectors = file["v3"].as_array().unwrap();
        assert!(vectors.len() >= 2);
        let pairs = |value: &serde_json::Value| -> Vec<(String, String)> {
            value
                .as_object()
                .unwrap()
                .iter()
                .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_string()))
                .collect()
        };
        for vector in vectors {
            let text = |key: &str| vector[key].as_str().unwrap();
            let query = pairs(&vector["query"]);
            let headers = pairs(&vector["headers"]);
            let query: Vec<(&str, &str)> = query
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            let headers: Vec<(&str, &str)> = headers
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            assert_eq!(sha256_hex(text("body").as_bytes()), text("hashedPayload"));
            let request = CanonicalRequest {
                method: text("method"),
                path: text("path"),
                query: &query,
                headers: &headers,
                hashed_payload: text("hashedPayload"),
            };
            let name = text("name");
            assert_eq!(request.render(), text("canonicalRequest"), "{name}");
            assert_eq!(request.signed_headers(), text("signedHeaders"), "{name}");
            assert_eq!(
                string_to_sign(&request.render()),
                text("stringToSign"),
                "{name}"
            );
            assert_eq!(
                sign(text("stringToSign"), text("accessKeySecret")),
                text("signature"),
                "{name}"
            );
            assert_eq!(
                authorization(&request, text("accessKeyId"), text("accessKeySecret")),
                text("authorization"),
                "{name}"
            );
        }
    }

    #[test]
    fn header_order_and_case_do_not_matter() {
        let headers = [("X-Acs-Version", "v"), ("Host", "h"), ("x-acs-action", "a")];
        let request = CanonicalRequest {
            method: "post",
            path: "/",
            query: &[],
            headers: &headers,
            hashed_payload: EMPTY_SHA256,
        };
        assert_eq!(request.signed_headers(), "host;x-acs-action;x-acs-version");
        assert!(request
            .render()
            .starts_with("POST\n/\n\nhost:h\nx-acs-action:a\nx-acs-version:v\n\n"));
    }

    #[test]
    fn hashes() {
        assert_eq!(sha256_hex(b""), EMPTY_SHA256);
        assert_eq!(hex(&[0x00, 0x0f, 0xa5, 0xff]), "000fa5ff");
    }
}
