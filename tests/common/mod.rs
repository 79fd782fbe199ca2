//! Helpers the native property-test crates share (`mod common;` in each: every file in `tests/`
//! is its own crate, so this one is compiled into each and not every crate uses every helper).

#![allow(dead_code)]

use proptest::test_runner::Config as ProptestConfig;
use serde_json::Value;

/// A proptest config with `n` cases (or `PROPTEST_CASES`), no regression files written into the
/// source tree, and shrinking bounded by `max_shrink_iters` so a failure reports quickly.
pub fn cases(n: u32, max_shrink_iters: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(n);
    ProptestConfig {
        cases,
        failure_persistence: None,
        max_shrink_iters,
        ..ProptestConfig::default()
    }
}

/// The four-template config every test layer shares (`tests/fixtures/config.json`).
pub fn config_json() -> Value {
    serde_json::from_str(include_str!("../fixtures/config.json"))
        .expect("tests/fixtures/config.json is JSON")
}

/// `base` with the top-level `fields` added or replaced.
pub fn merged(mut base: Value, fields: Value) -> Value {
    if let (Value::Object(object), Value::Object(fields)) = (&mut base, fields) {
        object.extend(fields);
    }
    base
}
