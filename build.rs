//! Generates one error table per `data/<api>-errors.json` (e.g. `send_sms_errors.rs` from
//! `data/send-sms-errors.json`): each file is the one source that the code, the docs and the
//! tests all read for that API.

use std::{env, fs, path::Path};

const DATA: &str = "data";
const SUFFIX: &str = "-errors.json";

fn main() {
    // New files in data/ must rerun this script, not only edits of the known ones.
    println!("cargo:rerun-if-changed={DATA}");
    let out_dir = env::var("OUT_DIR").expect("OUT_DIR");
    let mut sources: Vec<String> = fs::read_dir(DATA)
        .unwrap_or_else(|e| panic!("{DATA}: {e}"))
        .map(|entry| {
            entry
                .expect("read data/")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .filter(|name| name.ends_with(SUFFIX))
        .collect();
    sources.sort();
    for name in sources {
        let source = format!("{DATA}/{name}");
        println!("cargo:rerun-if-changed={source}");
        let stem = name.trim_end_matches(".json").replace('-', "_");
        let table = table(&source);
        fs::write(Path::new(&out_dir).join(format!("{stem}.rs")), table)
            .expect("write the error table");
    }
}

/// The `&[ErrorRule]` literal for one data file.
fn table(source: &str) -> String {
    let text = fs::read_to_string(source).unwrap_or_else(|e| panic!("{source}: {e}"));
    let rows: Vec<serde_json::Value> =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{source}: {e}"));
    let mut out = String::from("&[\n");
    let mut seen = std::collections::BTreeSet::new();
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
        if !seen.insert((field("code"), prefix)) {
            panic!("{source}: {} is listed twice", field("code"));
        }
        out.push_str(&format!(
            "    ErrorRule {{ code: {:?}, prefix: {prefix}, class: ErrorCode::{class}, hint: {:?} }},\n",
            field("code"),
            field("hint"),
        ));
    }
    out.push(']');
    out
}
