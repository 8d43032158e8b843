//! Keeps `api/openapi.yaml` in step with the wire types and the server's routes: every
//! schema example decodes into its `switchboard-api` type and encodes back to the same JSON,
//! every route the server serves is documented (and nothing else is), with its capability.

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeSet;
use switchboard_server::{route_table, Profile};

fn spec() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../api/openapi.yaml");
    let text = std::fs::read_to_string(path).expect("api/openapi.yaml exists");
    let yaml: serde_norway::Value = serde_norway::from_str(&text).expect("valid YAML");
    serde_json::to_value(yaml).expect("YAML that is JSON")
}

fn round_trip<T: Serialize + DeserializeOwned>(name: &str, example: &Value) {
    let typed: T = serde_json::from_value(example.clone())
        .unwrap_or_else(|e| panic!("{name} example does not decode: {e}\n{example}"));
    let back = serde_json::to_value(&typed).unwrap();
    assert_eq!(
        &back, example,
        "{name} example does not encode back the same"
    );
}

#[test]
fn every_example_round_trips_through_the_wire_types() {
    use switchboard_api::*;
    let spec = spec();
    let schemas = spec["components"]["schemas"].as_object().unwrap();
    let mut checked = 0;
    for (name, schema) in schemas {
        // Named fragments of other schemas, checked through the examples of those.
        if ["TypeName", "TypeData", "Targets"].contains(&name.as_str()) {
            continue;
        }
        let examples = schema["examples"]
            .as_array()
            .unwrap_or_else(|| panic!("schema {name} has no examples"));
        assert!(!examples.is_empty(), "schema {name} has no examples");
        for ex in examples {
            match name.as_str() {
                "Meta" => round_trip::<Meta>(name, ex),
                "Capabilities" => round_trip::<Capabilities>(name, ex),
                "Auth" => round_trip::<Auth>(name, ex),
                "Delay" => round_trip::<Delay>(name, ex),
                "Filter" => round_trip::<Filter>(name, ex),
                "Webhook" => round_trip::<Webhook>(name, ex),
                "Target" => round_trip::<Target>(name, ex),
                "DestinationType" => round_trip::<DestinationType>(name, ex),
                "WebhookInput" => round_trip::<WebhookInput>(name, ex),
                "WebhookPatch" => round_trip::<WebhookPatch>(name, ex),
                "EventField" => round_trip::<EventField>(name, ex),
                "EventType" => round_trip::<EventType>(name, ex),
                "AttemptRequest" => round_trip::<AttemptRequest>(name, ex),
                "AttemptResponse" => round_trip::<AttemptResponse>(name, ex),
                "Attempt" => round_trip::<Attempt>(name, ex),
                "Delivery" => round_trip::<Delivery>(name, ex),
                "EmitEvent" => round_trip::<EmitEvent>(name, ex),
                "EmittedEvent" => round_trip::<EmittedEvent>(name, ex),
                "TestSend" => round_trip::<TestSend>(name, ex),
                "RecoverRequest" => round_trip::<RecoverRequest>(name, ex),
                "RecoverResult" => round_trip::<RecoverResult>(name, ex),
                "StatsBucket" => round_trip::<StatsBucket>(name, ex),
                "Stats" => round_trip::<Stats>(name, ex),
                "EndpointStatus" => round_trip::<EndpointStatus>(name, ex),
                "ErrorClass" => round_trip::<ErrorClass>(name, ex),
                "ErrorClassCount" => round_trip::<ErrorClassCount>(name, ex),
                "StateChange" => round_trip::<StateChange>(name, ex),
                "WebhookHealth" => round_trip::<WebhookHealth>(name, ex),
                "WebhookFailures" => round_trip::<WebhookFailures>(name, ex),
                "HealthOverview" => round_trip::<HealthOverview>(name, ex),
                "TailAttempt" => round_trip::<TailAttempt>(name, ex),
                "TailEvent" => round_trip::<TailEvent>(name, ex),
                "TailDropped" => round_trip::<TailDropped>(name, ex),
                "EndpointOverview" => round_trip::<EndpointOverview>(name, ex),
                "RotatedSecret" => round_trip::<RotatedSecret>(name, ex),
                "FieldError" => round_trip::<FieldError>(name, ex),
                "Problem" => round_trip::<Problem>(name, ex),
                "DeliveryFilter" => round_trip::<DeliveryFilter>(name, ex),
                "ReplayRequest" => round_trip::<ReplayRequest>(name, ex),
                "ReplayEndpoint" => round_trip::<ReplayEndpoint>(name, ex),
                "ReplayPreview" => round_trip::<ReplayPreview>(name, ex),
                "ReplayEndpointProgress" => round_trip::<ReplayEndpointProgress>(name, ex),
                "Replay" => round_trip::<Replay>(name, ex),
                "MissedGroup" => round_trip::<MissedGroup>(name, ex),
                "Missed" => round_trip::<Missed>(name, ex),
                other => panic!("schema {other} has no wire type to check against"),
            }
            checked += 1;
        }
    }
    assert!(checked >= 30, "only {checked} examples");
}

#[test]
fn every_route_is_documented_with_its_capability() {
    let spec = spec();
    let paths = spec["paths"].as_object().unwrap();
    let mut documented = BTreeSet::new();
    for (path, item) in paths {
        for (method, op) in item.as_object().unwrap() {
            if method == "parameters" {
                continue;
            }
            documented.insert((method.to_uppercase(), path.clone()));
            assert!(
                op["x-capability"].is_string(),
                "{method} {path} names no capability"
            );
        }
    }
    let served: BTreeSet<(String, String)> = route_table(Profile::Full)
        .into_iter()
        .map(|r| (r.method.to_string(), r.path.to_string()))
        .collect();
    assert_eq!(
        served.difference(&documented).collect::<Vec<_>>(),
        Vec::<&(String, String)>::new(),
        "served but not documented"
    );
    assert_eq!(
        documented.difference(&served).collect::<Vec<_>>(),
        Vec::<&(String, String)>::new(),
        "documented but not served"
    );
    for r in route_table(Profile::Full) {
        let op = &paths[r.path][r.method.as_str().to_lowercase()];
        let expected = r.feature.map(|f| f.as_str()).unwrap_or("core");
        assert_eq!(op["x-capability"], expected, "{} {}", r.method, r.path);
    }
}

#[test]
fn every_reference_resolves() {
    let spec = spec();
    fn walk(v: &Value, spec: &Value, refs: &mut usize) {
        match v {
            Value::Object(m) => {
                if let Some(Value::String(r)) = m.get("$ref") {
                    let pointer = r.strip_prefix('#').expect("local reference");
                    assert!(spec.pointer(pointer).is_some(), "dangling {r}");
                    *refs += 1;
                }
                m.values().for_each(|x| walk(x, spec, refs));
            }
            Value::Array(a) => a.iter().for_each(|x| walk(x, spec, refs)),
            _ => {}
        }
    }
    let mut refs = 0;
    walk(&spec, &spec, &mut refs);
    assert!(refs > 50);
    assert_eq!(spec["openapi"], "3.1.0");
}
