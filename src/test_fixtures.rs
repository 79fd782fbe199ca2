//! What unit tests share: the config they start from (`tests/fixtures/config.json`, the one copy
//! the unit, property and Node tests share; see `tests/fixtures/README.md`), and the checks of a
//! parsed answer that several API modules make.

use serde_json::Value;

use crate::aliyun::credential::{Credentials, Secret};
use crate::error::{ErrorCode, Failure};

/// The fixture's `accessKeyId` and `accessKeySecret`, for tests that look for them.
pub const ACCESS_KEY_ID: &str = "LTAI-fixture-access-key-id";
pub const ACCESS_KEY_SECRET: &str = "fixture-access-key-secret-not-a-real-key";

/// The four-template config, as written in the fixture.
pub fn config() -> Value {
    serde_json::from_str(include_str!("../tests/fixtures/config.json"))
        .expect("tests/fixtures/config.json is JSON")
}

/// `tests/fixtures/locales.json`: a localized config (added to [`config`]) and the choice table.
pub fn locales() -> Value {
    serde_json::from_str(include_str!("../tests/fixtures/locales.json"))
        .expect("tests/fixtures/locales.json is JSON")
}

/// The fixture with the top-level `fields` added or replaced.
pub fn config_with(fields: Value) -> Value {
    with_fields(config(), fields)
}

/// `object` with the top-level `fields` added or replaced.
pub fn with_fields(mut object: Value, fields: Value) -> Value {
    if let (Value::Object(object), Value::Object(fields)) = (&mut object, fields) {
        object.extend(fields);
    }
    object
}

/// The failure in `result`, after checking its code and that its description starts with
/// `description` (`"Aliyun <API> failed: <code>"` for an error answer).
#[track_caller]
pub fn failure<T: std::fmt::Debug>(
    result: Result<T, Failure>,
    code: ErrorCode,
    description: &str,
) -> Failure {
    let failure = result.expect_err("a failure");
    assert_eq!(failure.code, code, "{failure:?}");
    assert!(
        failure.data.error_description.starts_with(description),
        "{:?} does not start with {description:?}",
        failure.data.error_description
    );
    failure
}

/// Checks that `parse` refuses each of `bodies` as [`ErrorCode::InvalidResponse`].
#[track_caller]
pub fn invalid_responses<T: std::fmt::Debug>(
    bodies: &[&str],
    parse: impl Fn(&str) -> Result<T, Failure>,
) {
    for body in bodies {
        let failure = parse(body).expect_err(body);
        assert_eq!(failure.code, ErrorCode::InvalidResponse, "{body}");
    }
}

/// `credentials` in the clear (id, secret, token), to compare with what an answer held: their
/// `Debug` shows no secret, so an `assert_eq!` on them would not say which part differs.
pub fn exposed(credentials: &Credentials) -> (&str, &str, Option<&str>) {
    (
        &credentials.access_key_id,
        credentials.access_key_secret.expose(),
        credentials.security_token.as_ref().map(Secret::expose),
    )
}

#[test]
fn the_constants_are_the_fixture_s_credentials() {
    let value = config();
    assert_eq!(value["accessKeyId"], ACCESS_KEY_ID);
    assert_eq!(value["accessKeySecret"], ACCESS_KEY_SECRET);
}
