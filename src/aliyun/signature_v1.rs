//! Aliyun RPC signature, version 1.0 (HMAC-SHA1): the published vectors and the properties
//! of the signing, over the kernel in `crates/rpc-sign` (a crate of its own, compiled for speed
//! while the rest of the connector is compiled for size; its doc has the four steps).

pub use aliyun_rpc_sign::{
    canonicalized_query, percent_encode, sign, sign_query, signature, signature_of_bytes,
    string_to_sign,
};

#[cfg(test)]
mod tests {
    use super::*;

    /// Every published V1 vector in `tests/fixtures/signature-vectors.json`: the `DescribeRegions`
    /// example of Aliyun's RPC signature guide (both editions: the older one spells the key
    /// `TimeStamp`, which shows keys are signed exactly as given) and the TypeScript connector's
    /// `utils.test.ts` vector.
    #[test]
    fn published_vectors() {
        let file: serde_json::Value = serde_json::from_str(include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/signature-vectors.json"
        )))
        .unwrap();
        let vectors = file["v1"].as_array().unwrap();
        assert!(vectors.len() >= 3);
        for vector in vectors {
            let text = |key: &str| vector[key].as_str().unwrap();
            let parameters: Vec<(&str, &str)> = vector["parameters"]
                .as_object()
                .unwrap()
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str().unwrap()))
                .collect();
            let name = text("name");
            let sts = string_to_sign(text("method"), &canonicalized_query(&parameters));
            assert_eq!(sts, text("stringToSign"), "{name}");
            assert_eq!(
                sign(&sts, text("accessKeySecret")),
                text("signature"),
                "{name}"
            );
            // The method is case-insensitive, as in the TypeScript connector.
            let lower = text("method").to_ascii_lowercase();
            assert_eq!(
                signature(&parameters, text("accessKeySecret"), &lower),
                text("signature"),
                "{name}"
            );
        }
    }

    /// The keyed-HMAC cache must never sign with the previous secret.
    #[test]
    fn a_new_secret_is_keyed_afresh() {
        let text = "POST&%2F&a%3D1";
        let first = sign(text, "secret");
        for other in ["secret2", "secre", "secret&", ""] {
            let signed = sign(text, other);
            assert_ne!(signed, first, "{other}");
            // What the cache holds now is the other secret: signing again is the same.
            assert_eq!(sign(text, other), signed);
        }
        assert_eq!(sign(text, "secret"), first);
        assert_eq!(
            sign("GET&%2F&", "testsecret"),
            sign("GET&%2F&", "testsecret")
        );
    }

    #[test]
    fn encodes_per_rfc3986() {
        assert_eq!(percent_encode("AZaz09-_.~"), "AZaz09-_.~");
        assert_eq!(percent_encode(" "), "%20");
        assert_eq!(percent_encode("*"), "%2A");
        assert_eq!(percent_encode("+"), "%2B");
        assert_eq!(percent_encode("!'()\""), "%21%27%28%29%22");
        assert_eq!(percent_encode("/:=&%"), "%2F%3A%3D%26%25");
        assert_eq!(percent_encode("中"), "%E4%B8%AD");
        assert_eq!(percent_encode("😀"), "%F0%9F%98%80");
        assert_eq!(percent_encode(""), "");
    }

    /// The one-pass `signature` equals signing the canonicalized query, for keys and values
    /// that sort differently once encoded (`%` before letters, `~` after them, UTF-8).
    #[test]
    fn one_pass_signature_equals_the_two_step_one() {
        let parameters = [
            ("b", "x y"),
            ("a~", "1"),
            ("a", "~"),
            ("a b", "%"),
            ("a", "="),
            ("中", "&"),
            ("", ""),
            ("A", "é"),
        ];
        let two_step = sign_query(&canonicalized_query(&parameters), "secret", "post");
        assert_eq!(signature(&parameters, "secret", "post"), two_step);
        assert_eq!(
            signature::<&str, &str>(&[], "s", "GET"),
            sign_query("", "s", "GET")
        );
    }

    #[test]
    fn keys_sort_before_longer_keys_they_prefix() {
        assert_eq!(
            canonicalized_query(&[("a1", "x"), ("a", "y"), ("a-", "z"), ("a", "b")]),
            "a=b&a=y&a-=z&a1=x"
        );
    }

    #[test]
    fn query_is_sorted_and_order_independent() {
        let a = canonicalized_query(&[("b", "2"), ("a", "1"), ("c d", "x y")]);
        let b = canonicalized_query(&[("c d", "x y"), ("a", "1"), ("b", "2")]);
        assert_eq!(a, "a=1&b=2&c%20d=x%20y");
        assert_eq!(a, b);
        assert_eq!(canonicalized_query::<&str, &str>(&[]), "");
    }
}
