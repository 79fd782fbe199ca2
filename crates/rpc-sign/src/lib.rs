//! The byte-level kernel of Aliyun's RPC signature, version 1.0 (HMAC-SHA1), for
//! `connector-aliyun-sms-wasm` (its `aliyun::signature_v1` module re-exports it and holds the
//! tests against the published vectors).
//!
//! 1. Percent-encode every key and value per RFC 3986 in UTF-8 (only `A-Z a-z 0-9 - _ . ~` stay).
//! 2. Sort the pairs by encoded key and join them as `k=v&k=v`: the canonicalized query.
//! 3. `StringToSign = METHOD & %2F & encode(canonicalized query)`.
//! 4. `Signature = base64(HMAC-SHA1(secret + "&", StringToSign))`.
//!
//! A crate of its own only so that it can be compiled for speed while the connector is compiled
//! for size (Cargo's opt-level is per crate): `getSignature` and every V1 send run this loop, and
//! at the connector's size-first `opt-level = "z"` it was 15 % slower.

// The connector's own rule (src/lib.rs), kept for the code that moved here: nothing panics across
// the WebAssembly boundary.
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

use std::cell::RefCell;

use base64::Engine as _;
use hmac::{Hmac, Mac};
use percent_encoding::percent_encode_byte;
use sha1::Sha1;

/// RFC 3986's unreserved characters, `A-Z a-z 0-9 - _ . ~`. Everything else, every byte of a
/// multi-byte UTF-8 sequence included, is percent-encoded.
const fn is_unreserved(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~')
}

/// [`is_unreserved`] for every byte: one load per byte in the encoder's loop.
const UNRESERVED: [bool; 256] = {
    let mut table = [false; 256];
    let mut byte = 0u8;
    loop {
        #[allow(clippy::indexing_slicing)] // `byte as usize` < 256
        {
            table[byte as usize] = is_unreserved(byte);
        }
        if byte == u8::MAX {
            break table;
        }
        byte += 1;
    }
};

/// RFC 3986 percent-encoding of UTF-8, as Aliyun requires (space is `%20`, `*` is `%2A`).
pub fn percent_encode(value: &str) -> String {
    let bytes = value.as_bytes();
    let mut out = vec![0; bytes.len() * Slots::widest::<false>()];
    let written = Slots::new(&mut out).encode::<false>(bytes).written();
    out.truncate(written);
    ascii(out)
}

/// Writes bytes into room sized up front, through a slice iterator. (A `Vec::push` per byte
/// reloads the vector's length and capacity after every store, since a byte store may alias
/// them: that loop was the most expensive part of signing in WebAssembly, by CPU profile.) A
/// write past the end is dropped; callers size the room for the longest output.
struct Slots<'a> {
    total: usize,
    slots: std::slice::IterMut<'a, u8>,
}

impl<'a> Slots<'a> {
    fn new(room: &'a mut [u8]) -> Self {
        Self {
            total: room.len(),
            slots: room.iter_mut(),
        }
    }

    /// Bytes written so far.
    fn written(&self) -> usize {
        self.total - self.slots.len()
    }

    #[inline(always)]
    fn put(&mut self, byte: u8) {
        if let Some(slot) = self.slots.next() {
            *slot = byte;
        }
    }

    #[inline(always)]
    fn put_all(&mut self, bytes: &[u8]) -> &mut Self {
        for &byte in bytes {
            self.put(byte);
        }
        self
    }

    /// The most bytes [`Slots::encode`] writes per input byte.
    const fn widest<const TWICE: bool>() -> usize {
        if TWICE {
            5
        } else {
            3
        }
    }

    /// Writes the encoding of `value`, each reserved byte as its `%XX` from the
    /// `percent-encoding` crate's table; `TWICE` encodes that again (`%XX` becomes `%25XX`), as
    /// the string to sign holds the encoded query encoded once more.
    #[inline(never)] // one copy per `TWICE`: called per value, not per byte
    fn encode<const TWICE: bool>(&mut self, value: &[u8]) -> &mut Self {
        for &byte in value {
            if UNRESERVED.get(usize::from(byte)) == Some(&true) {
                self.put(byte);
            } else if let [percent, high, low] = *percent_encode_byte(byte).as_bytes() {
                self.put(percent);
                if TWICE {
                    self.put(b'2');
                    self.put(b'5');
                }
                self.put(high);
                self.put(low);
            }
        }
        self
    }
}

/// Output of [`Slots::encode`] is ASCII by construction, so the check cannot fail.
fn ascii(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap_or_default()
}

/// Where one encoded pair lies in the buffer: `(start, key end, value end)`.
type Span = (usize, usize, usize);

/// Sorted pairs, joined: `METHOD&%2F&` when there is a method, then `key equals value` for each
/// pair separated by `and`.
/// Keys and values are encoded (`TWICE`: see [`Slots::encode`]) into one buffer, and their
/// spans sorted by encoded key, then value. (Comparing `k=v` texts would not do: `=` sorts after
/// digits, so `a1=` would come before `a=`.) Encoding twice keeps that order: it only turns each
/// `%` into `%25`, and `%` sorts before every unreserved character.
fn joined<const TWICE: bool>(
    parameters: &[(&[u8], &[u8])],
    method: Option<&[u8]>,
    equals: &[u8],
    and: &[u8],
) -> Vec<u8> {
    let widest = Slots::widest::<TWICE>();
    let longest: usize = parameters
        .iter()
        .map(|(key, value)| key.len() + value.len())
        .sum();
    let mut encoded = vec![0; longest * widest];
    let mut spans: Vec<Span> = Vec::with_capacity(parameters.len());
    let mut out = Slots::new(&mut encoded);
    for &(key, value) in parameters {
        let start = out.written();
        let key_end = out.encode::<TWICE>(key).written();
        spans.push((start, key_end, out.encode::<TWICE>(value).written()));
    }
    let total = out.written();
    sort_spans(&encoded, &mut spans);
    let separators = (equals.len() + and.len()) * spans.len();
    let prefix = method.map_or(0, |method| method.len() + METHOD_SUFFIX.len());
    let mut text = vec![0; prefix + total + separators];
    let mut out = Slots::new(&mut text);
    if let Some(method) = method {
        for &byte in method {
            out.put(byte.to_ascii_uppercase());
        }
        out.put_all(METHOD_SUFFIX);
    }
    for (i, &(start, key_end, end)) in spans.iter().enumerate() {
        if i > 0 {
            out.put_all(and);
        }
        out.put_all(span(&encoded, start, key_end))
            .put_all(equals)
            .put_all(span(&encoded, key_end, end));
    }
    let written = out.written();
    text.truncate(written);
    text
}

/// `bytes[from..to]`; empty for a range outside it, which the spans never are.
fn span(bytes: &[u8], from: usize, to: usize) -> &[u8] {
    bytes.get(from..to).unwrap_or_default()
}

/// Sorts spans of `bytes` by key, then value.
///
/// An Aliyun call has a few dozen parameters at most: those get an insertion sort, the fastest
/// at that size and a few hundred bytes of code. A longer list (only `getSignature` can be
/// given one) gets a heap sort (`BinaryHeap`), never quadratic. `sort_unstable_by` would be
/// about 9 KB of Logto's module at this crate's opt-level, for nothing at these sizes.
fn sort_spans(bytes: &[u8], spans: &mut [Span]) {
    /// Fits an insertion sort's few comparisons; every Aliyun call's parameters fit.
    const INSERTION_SORT_MAX: usize = 32;
    let key =
        |&(start, key_end, end): &Span| (span(bytes, start, key_end), span(bytes, key_end, end));
    if spans.len() <= INSERTION_SORT_MAX {
        for i in 1..spans.len() {
            let mut j = i;
            while j > 0 {
                let (Some(before), Some(this)) = (spans.get(j - 1), spans.get(j)) else {
                    break;
                };
                if key(this) >= key(before) {
                    break;
                }
                spans.swap(j - 1, j);
                j -= 1;
            }
        }
        return;
    }
    let heap: std::collections::BinaryHeap<_> =
        spans.iter().map(|span| (key(span), *span)).collect();
    for (slot, (_, span)) in spans.iter_mut().zip(heap.into_sorted_vec()) {
        *slot = span;
    }
}

/// Keys and values as bytes, so the encoding and sorting above are compiled once.
fn as_bytes<K: AsRef<str>, V: AsRef<str>>(parameters: &[(K, V)]) -> Vec<(&[u8], &[u8])> {
    parameters
        .iter()
        .map(|(key, value)| (key.as_ref().as_bytes(), value.as_ref().as_bytes()))
        .collect()
}

/// Sorted, encoded `k=v` pairs joined by `&`. Pairs are sorted by encoded key, then value, so
/// the result does not depend on input order.
pub fn canonicalized_query<K: AsRef<str>, V: AsRef<str>>(parameters: &[(K, V)]) -> String {
    canonicalized_query_of_bytes(&as_bytes(parameters))
}

/// [`canonicalized_query`] of UTF-8 text given as bytes. Not generic, so that it is compiled
/// here, at this crate's opt-level, whatever crate calls it.
pub fn canonicalized_query_of_bytes(parameters: &[(&[u8], &[u8])]) -> String {
    ascii(joined::<false>(parameters, None, b"=", b"&"))
}

/// `METHOD&%2F&encode(canonicalized query)`; the method is upper-cased as Aliyun's SDKs do.
pub fn string_to_sign(method: &str, canonicalized_query: &str) -> String {
    let query = canonicalized_query.as_bytes();
    let mut text = method_prefix(method.as_bytes());
    let start = text.len();
    text.resize(start + query.len() * Slots::widest::<false>(), 0);
    let written = text
        .get_mut(start..)
        .map_or(0, |room| Slots::new(room).encode::<false>(query).written());
    text.truncate(start + written);
    // A method is ASCII in practice; any other is kept as given (upper-casing is ASCII-only).
    String::from_utf8(text).unwrap_or_default()
}

/// What follows the method in a string to sign: `&`, the encoded path `/`, `&`.
const METHOD_SUFFIX: &[u8] = b"&%2F&";

/// `METHOD&%2F&`.
fn method_prefix(method: &[u8]) -> Vec<u8> {
    let mut text = method.to_ascii_uppercase();
    text.extend_from_slice(METHOD_SUFFIX);
    text
}

/// The string to sign for `parameters` in one pass, without building the canonicalized query:
/// keys and values are encoded twice at once and joined by the encoded separators (`%3D`,
/// `%26`). Same bytes as `string_to_sign(method, &canonicalized_query(parameters))`.
fn string_to_sign_of(parameters: &[(&[u8], &[u8])], method: &[u8]) -> Vec<u8> {
    joined::<true>(parameters, Some(method), b"%3D", b"%26")
}

/// `base64(HMAC-SHA1(secret + "&", string_to_sign))`.
pub fn sign(string_to_sign: &str, access_key_secret: &str) -> String {
    sign_bytes(string_to_sign.as_bytes(), access_key_secret.as_bytes())
}

fn sign_bytes(string_to_sign: &[u8], access_key_secret: &[u8]) -> String {
    // HMAC accepts keys of any length, so keying cannot fail.
    let Some(mut mac) = keyed(access_key_secret) else {
        return String::new();
    };
    mac.update(string_to_sign);
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

thread_local! {
    /// The last secret and HMAC-SHA1 keyed with it. Keying hashes two blocks (the padded key
    /// twice), a third of the hashing for a small parameter set; a connector signs with the same
    /// secret every time. Holds the secret as the config cache of the boundary does.
    static LAST_KEY: RefCell<Option<(Vec<u8>, Hmac<Sha1>)>> = const { RefCell::new(None) };
}

/// HMAC-SHA1 keyed with `secret + "&"`, from [`LAST_KEY`] when the secret is the same.
fn keyed(access_key_secret: &[u8]) -> Option<Hmac<Sha1>> {
    let cached = LAST_KEY.with_borrow(|last| {
        last.as_ref()
            .filter(|(secret, _)| secret.as_slice() == access_key_secret)
            .map(|(_, mac)| mac.clone())
    });
    if cached.is_some() {
        return cached;
    }
    let mut key = Vec::with_capacity(access_key_secret.len() + 1);
    key.extend_from_slice(access_key_secret);
    key.push(b'&');
    let mac = Hmac::<Sha1>::new_from_slice(&key).ok()?;
    key.pop();
    LAST_KEY.set(Some((key, mac.clone())));
    Some(mac)
}

/// The signature of an already canonicalized query: what a request that sends that query
/// as its body signs, without canonicalizing twice.
pub fn sign_query(canonicalized_query: &str, access_key_secret: &str, method: &str) -> String {
    sign(
        &string_to_sign(method, canonicalized_query),
        access_key_secret,
    )
}

/// The whole signature for a parameter set (without `Signature` itself): the same as
/// `sign_query(&canonicalized_query(parameters), ..)`, built in one pass (see
/// [`string_to_sign_of`]).
pub fn signature<K: AsRef<str>, V: AsRef<str>>(
    parameters: &[(K, V)],
    access_key_secret: &str,
    method: &str,
) -> String {
    signature_of_bytes(
        &as_bytes(parameters),
        access_key_secret.as_bytes(),
        method.as_bytes(),
    )
}

/// [`signature`] of UTF-8 text given as bytes, as the WebAssembly boundary splits it.
pub fn signature_of_bytes(
    parameters: &[(&[u8], &[u8])],
    access_key_secret: &[u8],
    method: &[u8],
) -> String {
    sign_bytes(&string_to_sign_of(parameters, method), access_key_secret)
}
