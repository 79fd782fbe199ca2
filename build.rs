//! Generates the error tables from `data/*-errors.json` (`SendSms`, STS), the one source that
//! the code, the docs and the tests all read.

use std::{env, fs, path::Path};

fn main() {
    for (source, out) in [
        ("data/send-sms-errors.json", "send_sms_errors.rs"),
        ("data/sts-errors.json", "sts_errors.rs"),
    ] {
        table(source, out);
    }
}

fn table(source: &str, file: &str) {
    println!("cargo:rerun-if-changed={source}");
    let text = fs::read_to_string(source).unwrap_or_else(|e| panic!("{source}: {e}"));
    let rows: Vec<serde_json::Value> =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{source}: {e}"));
    let mut out = String::from("&[\n");
    for row in &rows {
        let field = |key: &str| {
            row[key]
                .as_str()
                .unwrap_or_else(|| panic!("{source}: a row has no string `{key}`: {row}"))
        };
        let class = match field("class") {
            "general" => "General",
            "invalid_config" => "InvalidConfig",
            "invalid_request_parameters" => "InvalidRequestParameters",
            "invalid_response" => "InvalidResponse",
            "rate_limit_exceeded" => "RateLimitExceeded",
            "usage_limit_exceeded" => "UsageLimitExceeded",
            other => panic!("{source}: unknown class {other:?}"),
        };
        let prefix = match field("match") {
            "exact" => false,
            "prefix" => true,
            other => panic!("{source}: unknown match {other:?}"),
        };
        out.push_str(&format!(
            "    ErrorRule {{ code: {:?}, prefix: {prefix}, class: ErrorCode::{class}, hint: {:?} }},\n",
            field("code"),
            field("hint"),
        ));
    }
    out.push(']');
    let path = Path::new(&env::var("OUT_DIR").expect("OUT_DIR")).join(file);
    fs::write(path, out).expect("write the error table");
}
