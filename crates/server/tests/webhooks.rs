//! Webhook CRUD, validation, pagination, idempotency, secrets and the catalogue, over real
//! HTTP against a real SQLite file.

mod common;

use common::{webhook_body, TestServer, TOKEN};
use reqwest::StatusCode;
use serde_json::{json, Value};
use switchboard_api::{Envelope, EventType, Problem, Webhook};
use switchboard_server::Profile;

fn field_errors(body: &Value) -> Vec<String> {
    body["errors"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|e| e["field"].as_str().unwrap().to_string())
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn create_get_list_patch_delete() {
    let s = TestServer::start().await;
    let body = json!({
        "name": "ERP order sync",
        "description": "Pushes new orders to the ERP",
        "url": "http://127.0.0.1:9/hook",
        "events": ["order_confirm", "order_status_change"],
        "headers": {"X-Shop": "demo"},
        "auth": {"type": "basic", "username": "erp", "password": "hunter2"},
        "format": "xml",
        "delay": {"amount": 2, "unit": "hour"},
        "retry_count": 5,
        "timeout_seconds": 10,
        "priority": 3,
        "filter": {"group": "big", "condition": "orders.order[0].currency == 'HUF'"},
    });
    let (status, created) = s.post("/webhooks", body).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let env: Envelope<Webhook> = serde_json::from_value(created.clone()).unwrap();
    let w = env.data;
    assert!(w.id.as_str().starts_with("wh_"));
    let secret = w.secret.clone().unwrap();
    assert!(secret.starts_with("whsec_"));
    assert_eq!(w.auth.kind(), "basic");
    assert_eq!(w.auth.secret(), None, "auth secrets are write-only");
    assert!(!created.to_string().contains("hunter2"));
    assert_eq!(w.retry_count, 5);
    assert_eq!(w.delay.unwrap().seconds(), 7200);
    assert!(env.meta.request_id.is_some());

    let (status, one) = s.get(&format!("/webhooks/{}", w.id)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(one["data"]["secret"], secret.as_str());
    assert_eq!(
        one["data"]["auth"],
        json!({"type": "basic", "username": "erp"})
    );

    let (status, list) = s.get("/webhooks").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(list["data"].as_array().unwrap().len(), 1);
    assert!(
        list["data"][0].get("secret").is_none(),
        "no secret in lists"
    );
    assert!(list["meta"]["next_cursor"].is_null());
    assert!(!list.to_string().contains("whsec_"));

    let (status, patched) = s
        .patch(
            &format!("/webhooks/{}", w.id),
            json!({"is_active": false, "description": null, "auth": {"type": "basic", "username": "erp2"}}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{patched}");
    assert_eq!(patched["data"]["is_active"], false);
    assert!(patched["data"].get("description").is_none());
    assert_eq!(patched["data"]["auth"]["username"], "erp2");
    assert_eq!(
        patched["data"]["name"], "ERP order sync",
        "untouched members stay"
    );

    let (status, bad) = s
        .patch(
            &format!("/webhooks/{}", w.id),
            json!({"timeout_seconds": 0}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&bad), vec!["timeout_seconds"]);

    let (status, _) = s.delete(&format!("/webhooks/{}", w.id)).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, gone) = s.get(&format!("/webhooks/{}", w.id)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(gone["status"], 404);
    let (status, _) = s.delete(&format!("/webhooks/{}", w.id)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn each_bad_field_is_named() {
    let s = TestServer::start().await;
    let cases: Vec<(Value, &str)> = vec![
        (
            json!({"name": "", "url": "https://a.example/h", "events": ["order_confirm"]}),
            "name",
        ),
        (
            json!({"name": "x".repeat(121), "url": "https://a.example/h", "events": ["order_confirm"]}),
            "name",
        ),
        (
            json!({"url": "https://a.example/h", "events": ["order_confirm"]}),
            "name",
        ),
        (
            json!({"name": "n", "url": "ftp://a.example/h", "events": ["order_confirm"]}),
            "url",
        ),
        (
            json!({"name": "n", "url": "not a url", "events": ["order_confirm"]}),
            "url",
        ),
        (
            json!({"name": "n", "url": "http://shop.example.com/h", "events": ["order_confirm"]}),
            "url",
        ),
        (
            json!({"name": "n", "url": "https://a.example/h", "events": []}),
            "events",
        ),
        (
            json!({"name": "n", "url": "https://a.example/h", "events": ["teleport"]}),
            "events",
        ),
        (
            json!({"name": "n", "url": "https://a.example/h", "events": ["lock"], "retry_count": 11}),
            "retry_count",
        ),
        (
            json!({"name": "n", "url": "https://a.example/h", "events": ["lock"], "retry_count": 300}),
            "retry_count",
        ),
        (
            json!({"name": "n", "url": "https://a.example/h", "events": ["lock"], "timeout_seconds": 121}),
            "timeout_seconds",
        ),
        (
            json!({"name": "n", "url": "https://a.example/h", "events": ["lock"], "delay": {"amount": 1, "unit": "week"}}),
            "delay.unit",
        ),
        (
            json!({"name": "n", "url": "https://a.example/h", "events": ["lock"], "delay": {"amount": 0, "unit": "day"}}),
            "delay.amount",
        ),
        (
            json!({"name": "n", "url": "https://a.example/h", "events": ["lock"], "headers": {"Bad Name": "v"}}),
            "headers.Bad Name",
        ),
        (
            json!({"name": "n", "url": "https://a.example/h", "events": ["lock"], "headers": {"webhook-id": "v"}}),
            "headers.webhook-id",
        ),
        (
            json!({"name": "n", "url": "https://a.example/h", "events": ["lock"], "auth": {"type": "bearer"}}),
            "auth.token",
        ),
        (
            json!({"name": "n", "url": "https://a.example/h", "events": ["lock"], "auth": {"type": "basic", "username": "u"}}),
            "auth.password",
        ),
        (
            json!({"name": "n", "url": "https://a.example/h", "events": ["lock"], "auth": {"type": "header", "name": "X-Key"}}),
            "auth.value",
        ),
        (
            json!({"name": "n", "url": "https://a.example/h", "events": ["lock"], "auth": {"type": "client_credentials", "client_id": "c", "client_secret": "s", "token_url": "nope"}}),
            "auth.token_url",
        ),
        (
            json!({"name": "n", "url": "https://a.example/h", "events": ["lock"], "filter": {"condition": "a >"}}),
            "filter.condition",
        ),
        (
            json!({"name": "n", "url": "https://a.example/h", "events": ["lock"], "colour": "red"}),
            "colour",
        ),
        (
            json!({"name": 5, "url": "https://a.example/h", "events": ["lock"]}),
            "name",
        ),
    ];
    for (body, field) in cases {
        let (status, res) = s.post("/webhooks", body.clone()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body} -> {res}");
        let p: Problem = serde_json::from_value(res.clone()).unwrap();
        assert!(
            p.errors.iter().any(|e| e.field == field),
            "{body}: expected field {field:?}, got {res}"
        );
        assert!(p.request_id.is_some());
    }
    // Several bad members are reported together.
    let (_, res) = s
        .post("/webhooks", json!({"name": "", "url": "", "events": []}))
        .await;
    let mut fields = field_errors(&res);
    fields.sort();
    assert_eq!(fields, vec!["events", "name", "url"]);

    // Not JSON at all is a 400, never a 500; nothing was stored.
    let res = s
        .client
        .post(s.url("/webhooks"))
        .bearer_auth(TOKEN)
        .header("content-type", "application/json")
        .body("{\"name\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert_eq!(res.headers()["content-type"], "application/problem+json");
    let (_, list) = s.get("/webhooks").await;
    assert_eq!(list["data"], json!([]));
}

#[tokio::test]
async fn pagination_is_stable_under_inserts() {
    let s = TestServer::start().await;
    for i in 0..7 {
        s.create(webhook_body(&format!("hook {i}"), "https://a.example/h"))
            .await;
    }
    let (_, p1) = s.get("/webhooks?limit=3").await;
    let names = |v: &Value| -> Vec<String> {
        v["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|w| w["name"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(names(&p1), vec!["hook 6", "hook 5", "hook 4"]);
    let cursor = p1["meta"]["next_cursor"].as_str().unwrap().to_string();
    // New webhooks arrive between page requests: they must not shift later pages.
    for i in 7..10 {
        s.create(webhook_body(&format!("hook {i}"), "https://a.example/h"))
            .await;
    }
    let (_, p2) = s.get(&format!("/webhooks?limit=3&cursor={cursor}")).await;
    assert_eq!(names(&p2), vec!["hook 3", "hook 2", "hook 1"]);
    let cursor = p2["meta"]["next_cursor"].as_str().unwrap().to_string();
    let (_, p3) = s.get(&format!("/webhooks?limit=3&cursor={cursor}")).await;
    assert_eq!(names(&p3), vec!["hook 0"]);
    assert!(p3["meta"]["next_cursor"].is_null());

    for bad in [
        "limit=0",
        "limit=201",
        "limit=x",
        "cursor=garbage!",
        "is_active=maybe",
    ] {
        let (status, res) = s.get(&format!("/webhooks?{bad}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
        assert_eq!(res["status"], 400);
    }
}

#[tokio::test]
async fn filters_narrow_the_list() {
    let s = TestServer::start().await;
    s.create(json!({"name": "Invoices", "url": "https://billing.example/in", "events": ["order_confirm"]}))
        .await;
    s.create(json!({"name": "Newsletter CRM", "url": "https://crm.example/n", "events": ["newsletter_subscribe"], "is_active": false}))
        .await;
    s.create(json!({"name": "Hosting", "description": "provisioning for invoices", "url": "https://host.example/p", "events": ["create", "delete"]}))
        .await;
    let count = |path: String| {
        let s = &s;
        async move {
            let (status, v) = s.get(&path).await;
            assert_eq!(status, StatusCode::OK);
            v["data"].as_array().unwrap().len()
        }
    };
    assert_eq!(count("/webhooks?q=invoice".into()).await, 2);
    assert_eq!(count("/webhooks?q=crm.example".into()).await, 1);
    assert_eq!(count("/webhooks?q=100%25".into()).await, 0);
    assert_eq!(count("/webhooks?is_active=false".into()).await, 1);
    assert_eq!(count("/webhooks?is_active=true".into()).await, 2);
    assert_eq!(count("/webhooks?event=delete".into()).await, 1);
    assert_eq!(count("/webhooks?event=delete&q=nothing".into()).await, 0);
}

#[tokio::test]
async fn idempotency_key_replays_or_conflicts() {
    let s = TestServer::start().await;
    let send = |key: &'static str, body: Value| {
        let s = &s;
        async move {
            let res = s
                .client
                .post(s.url("/webhooks"))
                .bearer_auth(TOKEN)
                .header("Idempotency-Key", key)
                .json(&body)
                .send()
                .await
                .unwrap();
            let status = res.status();
            (status, res.json::<Value>().await.unwrap())
        }
    };
    let body = webhook_body("once", "https://a.example/h");
    let (s1, first) = send("k-1", body.clone()).await;
    let (s2, again) = send("k-1", body.clone()).await;
    assert_eq!(s1, StatusCode::CREATED);
    assert_eq!(s2, StatusCode::CREATED);
    assert_eq!(first["data"]["id"], again["data"]["id"]);
    assert_eq!(first["data"]["secret"], again["data"]["secret"]);
    let (s3, conflict) = send("k-1", webhook_body("other", "https://a.example/h")).await;
    assert_eq!(s3, StatusCode::CONFLICT);
    assert_eq!(conflict["status"], 409);
    let (_, list) = s.get("/webhooks").await;
    assert_eq!(list["data"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn auth_secret_is_kept_when_a_patch_leaves_it_out() {
    let s = TestServer::start().await;
    let mut body = webhook_body("bearer", "https://a.example/h");
    body["auth"] = json!({"type": "bearer", "token": "t0ps3cret"});
    let w = s.create(body).await;
    let id = w["id"].as_str().unwrap();
    let (status, _) = s
        .patch(
            &format!("/webhooks/{id}"),
            json!({"auth": {"type": "bearer"}}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    // Switching type without the new type's secret is refused.
    let (status, res) = s
        .patch(
            &format!("/webhooks/{id}"),
            json!({"auth": {"type": "header", "name": "X-Api-Key"}}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&res), vec!["auth.value"]);
    let (status, res) = s
        .patch(&format!("/webhooks/{id}"), json!({"colour": "red"}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{res}");
}

#[tokio::test]
async fn catalogue_lists_and_details() {
    let s = TestServer::start().await;
    let (status, list) = s.get("/webhooks/events").await;
    assert_eq!(status, StatusCode::OK);
    let types: Vec<EventType> = serde_json::from_value(list["data"].clone()).unwrap();
    assert!(types.len() >= 10);
    assert!(types
        .iter()
        .all(|t| t.schema.is_none() && t.examples.is_empty()));
    let (status, one) = s.get("/webhooks/events/order_confirm").await;
    assert_eq!(status, StatusCode::OK);
    let t: EventType = serde_json::from_value(one["data"].clone()).unwrap();
    assert_eq!(t.group, "Shop orders");
    assert!(t.fields.iter().any(|f| f.key.ends_with("innerId")));
    assert_eq!(t.examples[0]["orders"]["order"][0]["innerId"], "190");
    let (status, _) = s.get("/webhooks/events/teleport").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn plandocket_profile_is_shaped_like_its_document() {
    let s = TestServer::profile(Profile::Plandocket).await;
    let (status, res) = s
        .post(
            "/webhooks",
            json!({"url": "https://erp.example.com/hooks", "events": ["order_confirm"], "retry_count": 2}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{res}");
    let w = &res["data"];
    assert!(w["id"].is_i64(), "{w}");
    assert!(w["created_at"].is_i64() && w["updated_at"].is_i64());
    assert_eq!(w["name"], "erp.example.com");
    assert!(w["secret"].as_str().unwrap().starts_with("whsec_"));
    assert!(w.get("auth").is_none());
    assert!(res["meta"]["request_id"].as_str().unwrap().len() > 4);
    let id = w["id"].as_i64().unwrap();
    let (status, one) = s.get(&format!("/webhooks/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(one["data"]["id"], id);
    assert!(one["data"]["secret"].is_string());
    let (_, list) = s.get("/webhooks").await;
    assert!(list["data"][0].get("secret").is_none());
    // Still read by the console's tolerant types.
    let _: Webhook = serde_json::from_value(one["data"].clone()).unwrap();

    let (status, res) = s
        .post(
            "/webhooks",
            json!({"url": "http://127.0.0.1:9/h", "events": ["order_confirm"]}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&res), vec!["url"]);
    let (status, _) = s
        .post(
            "/webhooks",
            json!({"url": "https://a.example/h", "events": ["lock"], "format": "xml"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    for path in [
        "/capabilities",
        "/deliveries",
        "/events",
        "/webhooks/events/lock",
    ] {
        let (status, _) = s.get(path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
    }
    let (status, _) = s
        .patch(&format!("/webhooks/{id}"), json!({"is_active": false}))
        .await;
    assert!(status == StatusCode::NOT_FOUND || status == StatusCode::METHOD_NOT_ALLOWED);
    let (status, _) = s.get("/webhooks/events").await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = s.delete(&format!("/webhooks/{id}")).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = s.get("/webhooks/wh_abc").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
