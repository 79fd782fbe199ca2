//! `signature::percent_encode` and `canonicalized_query` against a reference written here, over
//! any text: lines are pairs, a tab separates key from value.
#![no_main]

use aliyun_sms::aliyun::signature_v1::{canonicalized_query, percent_encode};
use libfuzzer_sys::fuzz_target;

fn unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~')
}

fn reference(input: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(input.len() * 3);
    for b in input.bytes() {
        if unreserved(b) {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 15)]));
        }
    }
    out
}

fn decode(encoded: &str) -> String {
    let bytes = encoded.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).expect("ascii");
            out.push(u8::from_str_radix(hex, 16).expect("hex"));
            i += 3;
        } else {
            assert!(
                unreserved(bytes[i]),
                "{:?} left unencoded",
                char::from(bytes[i])
            );
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).expect("UTF-8 round trip")
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let encoded = percent_encode(&text);
    assert_eq!(encoded, reference(&text));
    assert_eq!(decode(&encoded), text);

    let pairs: Vec<(String, String)> = text
        .split('\n')
        .map(|line| match line.split_once('\t') {
            Some((k, v)) => (k.to_string(), v.to_string()),
            None => (line.to_string(), String::new()),
        })
        .collect();
    let query = canonicalized_query(&pairs);
    let mut expected: Vec<(String, String)> = pairs
        .iter()
        .map(|(k, v)| (reference(k), reference(v)))
        .collect();
    expected.sort();
    let expected: Vec<String> = expected.iter().map(|(k, v)| format!("{k}={v}")).collect();
    assert_eq!(query, expected.join("&"));
    let mut reversed = pairs.clone();
    reversed.reverse();
    assert_eq!(canonicalized_query(&reversed), query, "order-independent");
});
