//! Generates the `SendSms` error table from `data/send-sms-errors.json`, the one source that the
//! code, the docs and the tests all read.

use std::{env, fs, path::Path};

fn main() {
    let source = "data/send-sms-errors.json";
    println!("cargo:rerun-if-changed={source}");
    let text = fs::read_to_string(source).unwrap_or_else(|e| panic!("{source}: {e}"));
    let rows: Vec<serde_json::Value> =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{source}: {e}"));
    let mut out = String::from("&[\n");
    for row in &rows {
        // `why` explains a judgement call for the docs; anything else is a typo.
        for key in row
            .as_object()
            .map(|o| o.keys().collect())
            .unwrap_or_else(Vec::new)
        {
            if !["code", "match", "class", "hint", "why"].contains(&key.as_str()) {
                panic!("{source}: unknown key {key:?} in {row}");
            }
        }
        if row.get("why").is_some_and(|why| !why.is_string()) {
            panic!("{source}: `why` must be a string: {row}");
        }
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
    let path = Path::new(&env::var("OUT_DIR").expect("OUT_DIR")).join("send_sms_errors.rs");
    fs::write(path, out).expect("write the error table");
}
