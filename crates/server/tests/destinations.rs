//! Destination types and further targets in the full profile: `type` and `data` are checked,
//! `GET /webhooks/types` lists `http`, odd members are refused by name, and every event goes
//! to the webhook's url and to each of its targets.

mod common;

use common::{webhook_body, Receiver, TestServer};
use reqwest::StatusCode;
use serde_json::{json, Value};
use switchboard_api::{DestinationType, Envelope};

fn fields(body: &Value) -> Vec<String> {
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
async fn the_full_profile_has_only_http() {
    let s = TestServer::start().await;
    let (status, types) = s.get("/webhooks/types").await;
    assert_eq!(status, StatusCode::OK, "{types}");
    let env: Envelope<Vec<DestinationType>> = serde_json::from_value(types).unwrap();
    assert_eq!(env.data, vec![DestinationType::http()]);
    let (_, caps) = s.get("/capabilities").await;
    assert!(caps["data"]["features"]
        .as_array()
        .unwrap()
        .contains(&json!("types")));

    let mut sftp = webhook_body("sftp", "https://example.com/x");
    sftp["type"] = json!("sftp-document");
    sftp["data"] = json!({"host": "h", "user": "u", "password": "p"});
    let (status, res) = s.post("/webhooks", sftp).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{res}");
    assert_eq!(fields(&res), ["type"]);

    let mut with_data = webhook_body("data", "https://example.com/x");
    with_data["data"] = json!({"host": "h"});
    let (status, res) = s.post("/webhooks", with_data).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{res}");
    assert_eq!(fields(&res), ["data"]);

    let created = s
        .create(webhook_body("plain", "https://example.com/x"))
        .await;
    assert_eq!(created["type"], "http");
    assert!(created.get("data").is_none());
}

#[tokio::test]
async fn unknown_auth_format_and_unit_are_refused_by_name() {
    let s = TestServer::start().await;
    for (member, value, field) in [
        ("auth", json!({"type": "noauth"}), "auth.type"),
        ("format", json!("protobuf"), "format"),
        (
            "delay",
            json!({"amount": 2, "unit": "fortnight"}),
            "delay.unit",
        ),
    ] {
        let mut body = webhook_body("odd", "https://example.com/x");
        body[member] = value;
        let (status, res) = s.post("/webhooks", body).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{member}: {res}");
        assert_eq!(fields(&res), [field], "{res}");
    }
    let w = s.create(webhook_body("ok", "https://example.com/x")).await;
    let (status, res) = s
        .patch(
            &format!("/webhooks/{}", w["id"].as_str().unwrap()),
            json!({"format": "yaml"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{res}");
    assert_eq!(fields(&res), ["format"]);
}

#[tokio::test]
async fn targets_are_checked() {
    let s = TestServer::start().await;
    let url = "https://example.com/a";
    let mut body = webhook_body("t", url);
    body["targets"] = json!([
        {"url": "ftp://example.com/x"},
        {"url": url},
        {"url": "https://example.com/b", "format": "csv"},
    ]);
    let (status, res) = s.post("/webhooks", body).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{res}");
    assert_eq!(
        fields(&res),
        ["targets[0].url", "targets[1].url", "targets[2].format"]
    );
    let mut body = webhook_body("t", url);
    body["targets"] = (0..11)
        .map(|i| json!({"url": format!("https://example.com/{i}")}))
        .collect();
    let (status, res) = s.post("/webhooks", body).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{res}");
    assert_eq!(fields(&res), ["targets"]);
    let mut body = webhook_body("t", url);
    body["targets"] = json!([{"url": "https://example.com/b", "extra": 1}]);
    let (status, res) = s.post("/webhooks", body).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{res}");

    // Where a target points is vetted like the url when private targets are not allowed.
    let strict = TestServer::with(|c| c.allow_private_targets = false).await;
    let mut body = webhook_body("t", url);
    body["targets"] = json!([{"url": "https://10.1.2.3/hook"}]);
    let (status, res) = strict.post("/webhooks", body).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{res}");
    assert_eq!(fields(&res), ["targets[0].url"]);
}

#[tokio::test]
async fn every_event_goes_to_the_url_and_each_target() {
    let s = TestServer::start().await;
    let r = Receiver::start().await;
    let mut body = webhook_body("fan", &r.url("/ok"));
    body["targets"] = json!([
        {"url": r.url("/json"), "format": "json"},
        {"url": r.url("/xml"), "format": "xml"},
    ]);
    let w = s.create(body).await;
    assert_eq!(
        w["targets"][1],
        json!({"url": r.url("/xml"), "format": "xml"})
    );
    let ids = s
        .emit(
            "order_confirm",
            json!({"orders": {"order": [{"innerId": "190"}]}}),
        )
        .await;
    assert_eq!(ids.len(), 3);
    let mut urls = Vec::new();
    for id in &ids {
        let d = s
            .wait_delivery(id, "each destination's delivery", |d| {
                d["status"] == "succeeded"
            })
            .await;
        urls.push(
            d["attempts"][0]["request"]["url"]
                .as_str()
                .unwrap()
                .to_string(),
        );
    }
    urls.sort();
    let mut expected = vec![r.url("/json"), r.url("/ok"), r.url("/xml")];
    expected.sort();
    assert_eq!(urls, expected);
    let xml = &r.hits("/xml")[0];
    assert_eq!(
        xml.header("content-type").as_deref(),
        Some("application/xml")
    );
    assert!(String::from_utf8_lossy(&xml.body).contains("<innerId>190</innerId>"));
    let json = &r.hits("/json")[0];
    assert_eq!(json.json()["orders"]["order"][0]["innerId"], "190");
    assert!(json.header("webhook-signature").is_some());

    // Without targets, an event goes to the url alone.
    let id = w["id"].as_str().unwrap();
    let (status, res) = s
        .patch(&format!("/webhooks/{id}"), json!({"targets": []}))
        .await;
    assert_eq!(status, StatusCode::OK, "{res}");
    assert!(res["data"].get("targets").is_none());
    let ids = s.emit("order_confirm", json!({"n": 2})).await;
    assert_eq!(ids.len(), 1);
}
