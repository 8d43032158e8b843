//! Demo mode: seeded webhooks with history, built-in receivers, live events, idempotent
//! seeding across restarts.

mod common;

use common::{config, eventually, TestServer};
use reqwest::StatusCode;
use serde_json::Value;

#[tokio::test]
async fn demo_mode_seeds_receivers_history_and_live_events() {
    let dir = tempfile::tempdir().unwrap();
    let mut c = config(&dir);
    c.demo = true;
    c.allow_private_targets = false;
    let mut s = TestServer::from_config(tempfile::tempdir().unwrap(), c.clone()).await;

    let (_, list) = s.get("/webhooks?limit=200").await;
    let hooks = list["data"].as_array().unwrap().clone();
    assert_eq!(hooks.len(), 9);
    let kinds: Vec<&str> = hooks
        .iter()
        .map(|w| w["auth"]["type"].as_str().unwrap())
        .collect();
    for k in ["bearer", "basic", "header", "client_credentials", "none"] {
        assert!(kinds.contains(&k), "{k} missing");
    }
    assert!(hooks.iter().any(|w| w["format"] == "xml"));
    assert!(hooks.iter().any(|w| w["is_active"] == false));
    assert!(hooks.iter().all(|w| w["description"].is_string()));

    let (_, history) = s.get("/deliveries?status=failed&limit=5").await;
    assert!(!history["data"].as_array().unwrap().is_empty());
    let erp = hooks
        .iter()
        .find(|w| w["name"] == "ERP order sync")
        .unwrap();
    let id = erp["id"].as_str().unwrap();
    let (_, stats) = s.get(&format!("/webhooks/{id}/stats")).await;
    let total: u64 = stats["data"]["buckets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["succeeded"].as_u64().unwrap())
        .sum();
    assert!(total > 0, "history feeds the chart");

    let hosting = hooks
        .iter()
        .find(|w| w["name"] == "Hosting provisioner")
        .unwrap();
    let (_, st) = s
        .get(&format!(
            "/webhooks/{}/status",
            hosting["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(st["data"]["statusString"], "Online");

    let res = s
        .client
        .post(format!("{}/demo/receivers/healthy", s.base))
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);

    // The generator emits on its own, and the healthy receivers accept it.
    let event = eventually(12, "a live event", || async {
        let (_, e) = s.get("/events").await;
        e["data"].as_array().and_then(|a| a.first().cloned())
    })
    .await;
    assert!(event["event_type"].is_string());
    let (_, test) = s
        .post(
            &format!("/webhooks/{id}/test"),
            serde_json::json!({"event_type": "order_confirm"}),
        )
        .await;
    assert_eq!(test["data"]["status"], "succeeded", "{test}");
    assert!(test["data"]["attempts"][0]["message"]
        .as_str()
        .unwrap()
        .starts_with("Accepted"));
    s.stop().await;

    let s = TestServer::from_config(dir, c).await;
    let (_, list) = s.get("/webhooks?limit=200").await;
    assert_eq!(
        list["data"].as_array().map(Vec::len),
        Some(9),
        "a restart does not seed twice"
    );
    // This run listens on another port; the seeded webhooks and their token URL followed it.
    for w in list["data"].as_array().unwrap() {
        let url = w["url"].as_str().unwrap();
        assert!(
            url.starts_with(&format!("{}/demo/", s.base)) || url.starts_with("http://127.0.0.1:1/"),
            "{url}"
        );
        if let Some(token_url) = w["auth"]["token_url"].as_str() {
            assert_eq!(token_url, format!("{}/demo/oauth/token", s.base));
        }
    }
    let _: Vec<Value> = serde_json::from_value(list["data"].clone()).unwrap();
}
