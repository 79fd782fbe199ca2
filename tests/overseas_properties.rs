//! Property tests of the overseas route: arbitrary JSON as its config, arbitrary message data and
//! arbitrary answers give a value or a typed error, never a panic; rendering agrees with a
//! reference written here; the route agrees with the template's mainland rule.
//!
//! `PROPTEST_CASES=<n>` overrides the case counts for a longer local run.

#![cfg(not(target_arch = "wasm32"))]

use proptest::prelude::*;
use proptest::sample::select;
use serde_json::{json, Map, Value};

use aliyun_sms::aliyun::api::send_message_to_globe;
use aliyun_sms::connector::config;
use aliyun_sms::connector::overseas::{self, Inherited, Text};
use aliyun_sms::connector::phone;
use aliyun_sms::connector::route::{self, Route};
use aliyun_sms::issue::PathSegment;

mod common;
use common::cases;

const INHERITED: Inherited<'static> = Inherited {
    signature_version: Some(aliyun_sms::aliyun::call::SignatureVersion::V1),
    sign_name: Some("Top"),
};

fn arb_text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[a-z{} ]{0,24}",
        Just("{{code}}".to_string()),
        Just("{{ code }} {{name}}".to_string()),
    ]
}

fn arb_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        arb_text().prop_map(Value::String),
    ];
    let keys = select(vec![
        "api",
        "accessKeyId",
        "accessKeySecret",
        "securityToken",
        "endpoint",
        "regionId",
        "signatureVersion",
        "from",
        "message",
        "signName",
        "Generic",
        "SignIn",
        "other",
    ]);
    leaf.prop_recursive(3, 24, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec((keys.clone(), inner), 0..6).prop_map(|pairs| {
                let mut object = Map::new();
                for (key, value) in pairs {
                    object.insert(key.to_string(), value);
                }
                Value::Object(object)
            }),
        ]
    })
}

/// The shared config with `overseas` as its route.
fn base_config(overseas: Value) -> Value {
    common::merged(common::config_json(), json!({ "overseas": overseas }))
}

/// One piece of a text: a literal without braces, or a placeholder from a small set.
#[derive(Debug, Clone)]
enum Piece {
    Literal(String),
    Placeholder(&'static str, bool),
}

fn arb_pieces() -> impl Strategy<Value = Vec<Piece>> {
    prop::collection::vec(
        prop_oneof![
            "[^{}]{0,12}".prop_map(Piece::Literal),
            (select(vec!["code", "name", "link", "x_1"]), any::<bool>())
                .prop_map(|(name, spaced)| Piece::Placeholder(name, spaced)),
        ],
        0..8,
    )
}

proptest! {
    #![proptest_config(cases(512, 256))]

    #[test]
    fn route_validation_never_panics_and_keeps_issues_under_overseas(value in arb_json()) {
        match overseas::validate(Some(&value), INHERITED) {
            Ok(None) => prop_assert!(overseas::is_blank(&value)),
            Ok(Some(route)) => {
                // A valid route round-trips through its JSON.
                let again = overseas::validate(Some(&route.to_json()), INHERITED);
                prop_assert_eq!(again, Ok(Some(route)));
            }
            Err(issues) => {
                prop_assert!(!issues.is_empty());
                for issue in issues {
                    prop_assert_eq!(issue.path.first(), Some(&PathSegment::from("overseas")));
                }
            }
        }
        // Inside a whole config too.
        let _ = config::validate(&base_config(value));
    }

    #[test]
    fn text_parse_never_panics(source in any::<String>()) {
        if let Ok(text) = Text::parse(&source) {
            prop_assert_eq!(text.source(), source.as_str());
            let _ = text.render(&Map::new());
        }
    }

    #[test]
    fn rendering_agrees_with_a_reference(
        pieces in arb_pieces(),
        values in prop::collection::btree_map(select(vec!["code", "name", "link", "x_1"]), any::<String>(), 0..4),
    ) {
        let mut source = String::new();
        let mut expected = Some(String::new());
        for piece in &pieces {
            match piece {
                Piece::Literal(text) => {
                    source.push_str(text);
                    if let Some(out) = &mut expected { out.push_str(text); }
                }
                Piece::Placeholder(name, spaced) => {
                    source.push_str(&if *spaced { format!("{{{{ {name} }}}}") } else { format!("{{{{{name}}}}}") });
                    match (values.get(name), &mut expected) {
                        (Some(value), Some(out)) => out.push_str(value),
                        _ => expected = None,
                    }
                }
            }
        }
        let payload: Map<String, Value> = values.iter().map(|(k, v)| (k.to_string(), json!(v))).collect();
        let text = Text::parse(&source).expect("well-formed by construction");
        prop_assert_eq!(text.render(&payload).ok(), expected);
    }

    #[test]
    fn the_route_follows_the_template_rule(
        to in prop_oneof![
            "[+]?(86|0086)?1[0-9]{10}",
            "[+]?(1|852|44|81)[0-9 ]{6,12}",
            any::<String>(),
        ],
        strict in any::<bool>(),
        payload in arb_json(),
    ) {
        let mut value = base_config(json!({ "accessKeyId": "intl-id", "accessKeySecret": "intl-secret-value", "message": "{{code}}" }));
        value["strictPhoneRegionNumberCheck"] = json!(strict);
        let config = config::validate(&value).expect("valid");
        let top_secret = value["accessKeySecret"].as_str().expect("the shared config has a secret");
        let data = json!({ "to": to, "type": "Register", "payload": payload });
        match route::prepare(&data, &config) {
            Ok(prepared) => {
                let mainland = phone::is_china_number(&to, strict);
                prop_assert_eq!(prepared.route, Some(if mainland { Route::Mainland } else { Route::Overseas }));
                prop_assert_eq!(prepared.request.api(), if mainland { "SendSms" } else { "SendMessageToGlobe" });
            }
            Err(failure) => {
                let text = serde_json::to_string(&failure).expect("serialisable");
                prop_assert!(!text.contains("intl-secret-value") && !text.contains(top_secret));
            }
        }
    }

    #[test]
    fn globe_answers_never_panic(status in 100u16..600, body in prop_oneof![any::<String>(), arb_json().prop_map(|v| v.to_string())]) {
        let _ = send_message_to_globe::parse(status, &body, &aliyun_sms::aliyun::credential::Redactor::none());
    }
}
