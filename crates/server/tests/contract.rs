//! Where `api/openapi.yaml` and the server once disagreed (found by testing the server against
//! the document): each behaviour is pinned here, beside the document's side of it, so a change
//! to one without the other fails before the contract step runs.

mod common;

use common::{webhook_body, TestServer, TOKEN};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

fn spec() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../api/openapi.yaml");
    let text = std::fs::read_to_string(path).expect("api/openapi.yaml exists");
    let yaml: serde_norway::Value = serde_norway::from_str(&text).expect("valid YAML");
    serde_json::to_value(yaml).expect("YAML that is JSON")
}

/// The problem's single field error as `(field, message)`, checking it is a problem first.
fn only_error(status: StatusCode, body: &Value, expected: StatusCode) -> (String, String) {
    assert_eq!(status, expected, "{body}");
    assert_eq!(body["status"], expected.as_u16(), "{body}");
    let errors = body["errors"]
        .as_array()
        .unwrap_or_else(|| panic!("{body}"));
    assert_eq!(errors.len(), 1, "{body}");
    (
        errors[0]["field"].as_str().unwrap().to_string(),
        errors[0]["message"].as_str().unwrap().to_string(),
    )
}

async fn raw(s: &TestServer, method: Method, path: &str, body: &str) -> (StatusCode, Value) {
    let res = s
        .client
        .request(method, s.url(path))
        .bearer_auth(TOKEN)
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    let status = res.status();
    assert_eq!(
        res.headers()["content-type"],
        "application/problem+json",
        "{status}"
    );
    (status, res.json().await.unwrap())
}

#[tokio::test]
async fn a_json_array_is_no_patch_and_no_create() {
    let s = TestServer::start().await;
    let w = s
        .create(webhook_body("array", "http://127.0.0.1:9/hook"))
        .await;
    let id = w["id"].as_str().unwrap();
    // serde would fill the first members from the elements; the document says object.
    for body in [json!([null, null]), json!(["renamed"]), json!("name")] {
        let (status, problem) = s.patch(&format!("/webhooks/{id}"), body.clone()).await;
        let (field, message) = only_error(status, &problem, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(field, "", "the whole body: {body}");
        assert!(message.contains("JSON object"), "{message}");
        assert_eq!(problem["detail"], message.as_str());
    }
    let (status, problem) = s.post("/webhooks", json!([])).await;
    only_error(status, &problem, StatusCode::UNPROCESSABLE_ENTITY);
    let (_, now) = s.get(&format!("/webhooks/{id}")).await;
    assert_eq!(now["data"]["name"], "array", "nothing changed");
    let patch = &spec()["components"]["schemas"]["WebhookPatch"];
    assert_eq!(patch["type"], "object");
}

#[tokio::test]
async fn null_clears_only_what_the_document_calls_nullable() {
    let s = TestServer::start().await;
    let mut body = webhook_body("nulls", "http://127.0.0.1:9/hook");
    body["description"] = json!("to be cleared");
    let w = s.create(body).await;
    let path = format!("/webhooks/{}", w["id"].as_str().unwrap());
    let schema = &spec()["components"]["schemas"]["WebhookPatch"]["properties"];
    // The member itself may be null (not merely something inside it, as a header's value).
    let nullable = |member: &str| {
        schema[member]["type"]
            .as_array()
            .is_some_and(|types| types.contains(&json!("null")))
            || schema[member]["oneOf"]
                .as_array()
                .is_some_and(|alts| alts.iter().any(|a| a["type"] == "null"))
    };
    for member in ["events", "url", "name", "retry_count", "headers", "auth"] {
        assert!(!nullable(member), "{member}");
        let (status, problem) = s.patch(&path, json!({ member: null })).await;
        let (field, _) = only_error(status, &problem, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(field, member);
    }
    assert!(nullable("description"));
    let (status, w) = s.patch(&path, json!({"description": null})).await;
    assert_eq!(status, StatusCode::OK, "{w}");
    assert!(w["data"].get("description").is_none(), "{w}");
}

#[tokio::test]
async fn an_empty_event_name_is_refused_as_the_schema_says() {
    let s = TestServer::start().await;
    let w = s
        .create(webhook_body("empty", "http://127.0.0.1:9/hook"))
        .await;
    let id = w["id"].as_str().unwrap();
    let schemas = &spec()["components"]["schemas"];
    for (schema, path, body) in [
        (
            "EmitEvent",
            "/events".to_string(),
            json!({"event_type": "", "payload": {}}),
        ),
        (
            "TestSend",
            format!("/webhooks/{id}/test"),
            json!({"event_type": ""}),
        ),
    ] {
        assert_eq!(
            schemas[schema]["properties"]["event_type"]["minLength"], 1,
            "{schema}"
        );
        let (status, problem) = s.post(&path, body).await;
        let (field, _) = only_error(status, &problem, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(field, "event_type", "{path}");
    }
    let (status, created) = s
        .post(
            "/events",
            json!({"event_type": "order_confirm", "payload": {}}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
}

#[tokio::test]
async fn malformed_bodies_are_400s_where_the_document_says_so() {
    let s = TestServer::start().await;
    let w = s
        .create(webhook_body("malformed", "http://127.0.0.1:9/hook"))
        .await;
    let id = w["id"].as_str().unwrap();
    let paths = &spec()["paths"];
    for (doc_path, path) in [
        ("/webhooks/{id}/test", format!("/webhooks/{id}/test")),
        ("/webhooks/{id}/recover", format!("/webhooks/{id}/recover")),
    ] {
        assert!(
            paths[doc_path]["post"]["responses"]["400"].is_object(),
            "{doc_path}"
        );
        for body in ["", "{", "not json"] {
            let (status, problem) = raw(&s, Method::POST, &path, body).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{path} {body:?}");
            assert_eq!(problem["type"], "urn:switchboard:problem:malformed-json");
        }
    }
}

#[tokio::test]
async fn recover_takes_an_rfc3339_since_and_nothing_else() {
    let s = TestServer::start().await;
    let w = s
        .create(webhook_body("recover", "http://127.0.0.1:9/hook"))
        .await;
    let path = format!("/webhooks/{}/recover", w["id"].as_str().unwrap());
    for since in [
        json!(0),
        json!("1724409667"),
        json!(" 2024-08-22T00:00:00Z"),
    ] {
        let (status, problem) = s.post(&path, json!({ "since": since })).await;
        let (field, _) = only_error(status, &problem, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(field, "since", "{since}");
    }
    // Nothing has failed since a time still to come: nothing to queue, and no error.
    let (status, res) = s
        .post(&path, json!({"since": "2999-01-01T00:00:00Z"}))
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{res}");
    assert_eq!(res["data"]["queued"], 0);
}

#[tokio::test]
async fn query_parameters_are_typed_and_a_bad_one_is_named() {
    let s = TestServer::start().await;
    for (query, param) in [
        ("/deliveries?since=", "since"),
        ("/deliveries?until=yesterday", "until"),
        ("/deliveries?since=-5", "since"),
        ("/deliveries?status=", "status"),
        ("/deliveries?status=unknown", "status"),
        ("/deliveries?limit=0", "limit"),
        ("/events?limit=201", "limit"),
        ("/events?limit=", "limit"),
        ("/webhooks?is_active=1", "is_active"),
        ("/webhooks?cursor=MTcwNTMxNDYwMDAwMDoxMg", "cursor"),
        ("/webhooks?limit=1&limit=2", "limit"),
    ] {
        let (status, problem) = s.get(query).await;
        let (field, message) = only_error(status, &problem, StatusCode::BAD_REQUEST);
        assert_eq!(field, param, "{query}");
        assert_eq!(problem["type"], "urn:switchboard:problem:bad-query");
        assert!(
            problem["detail"].as_str().unwrap().starts_with(param) && !message.is_empty(),
            "{problem}"
        );
    }
    for ok in [
        "/deliveries?since=1724409667&until=2999-01-01T00:00:00%2B02:00&status=failed",
        "/deliveries?webhook_id=&event_type=",
        "/webhooks?q=&event=order_confirm&is_active=false&cursor=",
        // A parameter the route does not read is no error: a client may send more.
        "/webhooks?utm_source=mail",
        "/webhooks/events?limit=200",
    ] {
        let (status, body) = s.get(ok).await;
        assert_eq!(status, StatusCode::OK, "{ok}: {body}");
    }
}

#[tokio::test]
async fn a_next_cursor_has_the_documented_shape_and_pages_on() {
    let s = TestServer::start().await;
    for i in 0..3 {
        s.create(webhook_body(
            &format!("page {i}"),
            "http://127.0.0.1:9/hook",
        ))
        .await;
    }
    let (_, first) = s.get("/webhooks?limit=2").await;
    let cursor = first["meta"]["next_cursor"].as_str().unwrap().to_string();
    // The document's pattern, `^([0-9]{1,18}\.[0-9]{1,18})?$`, without a regex engine.
    let (a, b) = cursor.split_once('.').unwrap();
    for part in [a, b] {
        assert!((1..=18).contains(&part.len()), "{cursor}");
        assert!(part.bytes().all(|c| c.is_ascii_digit()), "{cursor}");
    }
    let pattern = spec()["components"]["parameters"]["Cursor"]["schema"]["pattern"].clone();
    assert_eq!(pattern, r"^([0-9]{1,18}\.[0-9]{1,18})?$");
    let (status, second) = s.get(&format!("/webhooks?limit=2&cursor={cursor}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(second["data"].as_array().unwrap().len(), 1);
    // Any position in the pattern is one to page from, handed out or not.
    let (status, _) = s.get("/webhooks?cursor=0.0").await;
    assert_eq!(status, StatusCode::OK);
}

#[test]
fn every_operation_documents_the_answers_every_route_can_give() {
    let spec = spec();
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            if method == "parameters" {
                continue;
            }
            let responses = &op["responses"];
            // The bearer check and its throttle stand before every route.
            for code in ["401", "429"] {
                assert!(responses[code].is_object(), "{method} {path} lacks {code}");
            }
            if op.get("requestBody").is_some() {
                // Not JSON (400) and JSON of the wrong shape (422) reach every body.
                for code in ["400", "422"] {
                    assert!(responses[code].is_object(), "{method} {path} lacks {code}");
                }
            }
            let queries = op["parameters"].as_array().into_iter().flatten().any(|p| {
                p["in"] == "query"
                    || p["$ref"]
                        .as_str()
                        .is_some_and(|r| r.ends_with("/Cursor") || r.ends_with("/Limit"))
            });
            if queries {
                assert!(responses["400"].is_object(), "{method} {path} lacks 400");
            }
        }
    }
}
