//! The config every unit test starts from: `tests/fixtures/config.json`, the one copy the unit,
//! property and Node tests share (see `tests/fixtures/README.md`).

use serde_json::Value;

/// The fixture's `accessKeyId` and `accessKeySecret`, for tests that look for them.
pub const ACCESS_KEY_ID: &str = "LTAI-fixture-access-key-id";
pub const ACCESS_KEY_SECRET: &str = "fixture-access-key-secret-not-a-real-key";

/// The four-template config, as written in the fixture.
pub fn config() -> Value {
    serde_json::from_str(include_str!("../tests/fixtures/config.json"))
        .expect("tests/fixtures/config.json is JSON")
}

/// The fixture with the top-level `fields` added or replaced.
pub fn config_with(fields: Value) -> Value {
    let mut value = config();
    if let (Value::Object(object), Value::Object(fields)) = (&mut value, fields) {
        object.extend(fields);
    }
    value
}

#[test]
fn the_constants_are_the_fixture_s_credentials() {
    let value = config();
    assert_eq!(value["accessKeyId"], ACCESS_KEY_ID);
    assert_eq!(value["accessKeySecret"], ACCESS_KEY_SECRET);
}
