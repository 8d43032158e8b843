//! At-least-once delivery across restarts, and the SSRF guard at save and send time.

mod common;

use common::{config, eventually, webhook_body, Receiver, TestServer};
use reqwest::StatusCode;
use serde_json::json;
use std::time::Duration;

#[tokio::test]
async fn a_restart_mid_schedule_loses_nothing() {
    let r = Receiver::start().await;
    let dir = tempfile::tempdir().unwrap();
    let mut c = config(&dir);
    c.retry_schedule = vec![Duration::ZERO, Duration::from_millis(1500)];
    // The stop does not wait for the slow delivery, which is released and sent again.
    c.drain_timeout = Duration::from_millis(100);
    let mut s = TestServer::from_config(tempfile::tempdir().unwrap(), c.clone()).await;

    // One delivery fails once and waits for its retry; another is in flight at the stop.
    let mut flaky = webhook_body("flaky", &r.url("/flaky"));
    flaky["retry_count"] = json!(3);
    s.create(flaky).await;
    let mut slow = webhook_body("slow", &r.url("/slow"));
    slow["events"] = json!(["lock"]);
    slow["timeout_seconds"] = json!(10);
    s.create(slow).await;
    let flaky_id = s.emit("order_confirm", json!({"n": 1})).await[0].clone();
    let slow_id = s.emit("lock", json!({"event": "lock"})).await[0].clone();
    s.wait_delivery(&flaky_id, "the first failure", |d| d["attempt_count"] == 1)
        .await;
    eventually(5, "the slow request to start", || async {
        (!r.hits("/slow").is_empty()).then_some(())
    })
    .await;
    let (_, d) = s.get(&format!("/deliveries/{slow_id}")).await;
    assert_eq!(d["data"]["status"], "pending");
    s.stop().await;

    let s = TestServer::from_config(dir, c).await;
    let d = s
        .wait_delivery(&flaky_id, "the retries after the restart", |d| {
            d["status"] == "succeeded"
        })
        .await;
    assert_eq!(d["attempt_count"], 3, "fail, fail, succeed: {d}");
    assert!(d["attempts"]
        .as_array()
        .unwrap()
        .iter()
        .take(2)
        .all(|a| a["response"]["status"] == 500));
    let d = s
        .wait_delivery(&slow_id, "the interrupted delivery", |d| {
            d["status"] == "succeeded"
        })
        .await;
    assert_eq!(d["attempts"].as_array().unwrap().len(), 1);
    assert_eq!(d["attempts"][0]["response"]["status"], 200);
    assert!(r.hits("/slow").len() >= 2, "sent again after the restart");
}

#[tokio::test]
async fn private_targets_are_refused_without_the_flag() {
    let s = TestServer::with(|c| c.allow_private_targets = false).await;
    for url in [
        "https://127.0.0.1/h",
        "https://10.1.2.3/h",
        "https://169.254.169.254/latest/meta-data",
        "https://[::1]/h",
        "https://[::ffff:127.0.0.1]/h",
        "https://100.64.1.1/h",
        "https://localhost/h",
        "http://127.0.0.1:8080/h",
    ] {
        let (status, res) = s.post("/webhooks", webhook_body("x", url)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{url}: {res}");
        assert_eq!(res["errors"][0]["field"], "url", "{url}");
    }
    let mut cc = webhook_body("x", "https://hooks.example.com/h");
    cc["auth"] = json!({"type": "client_credentials", "client_id": "a", "client_secret": "b", "token_url": "https://192.168.0.1/token"});
    let (status, res) = s.post("/webhooks", cc).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(res["errors"][0]["field"], "auth.token_url");
    let w = s
        .create(webhook_body("public", "https://hooks.example.com/h"))
        .await;
    let (status, res) = s
        .patch(
            &format!("/webhooks/{}", w["id"].as_str().unwrap()),
            json!({"url": "https://10.0.0.1/h"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{res}");
}

#[tokio::test]
async fn tunnel_and_local_nat64_targets_are_refused_at_save_time() {
    let s = TestServer::with(|c| c.allow_private_targets = false).await;
    // Each carries a public IPv4 address (8.8.8.8); the tunnel or gateway is what is refused.
    for (url, why) in [
        ("https://[2002:808:808::1]/h", "6to4"),
        ("https://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/h", "Teredo"),
        ("https://[64:ff9b:1::808:808]:8443/h", "NAT64"),
    ] {
        let (status, res) = s.post("/webhooks", webhook_body("x", url)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{url}: {res}");
        assert_eq!(res["errors"][0]["field"], "url", "{url}");
        let message = res["errors"][0]["message"].as_str().unwrap_or_default();
        assert!(message.contains(why), "{url}: {message}");
    }
    // The well-known NAT64 prefix of a public address is public.
    s.create(webhook_body("nat64", "https://[64:ff9b::808:808]/h"))
        .await;
}

#[tokio::test]
async fn send_time_check_refuses_a_target_saved_under_other_rules() {
    let r = Receiver::start().await;
    let dir = tempfile::tempdir().unwrap();
    let c = config(&dir);
    let mut s = TestServer::from_config(tempfile::tempdir().unwrap(), c.clone()).await;
    let mut hook = webhook_body("loopback", &r.url("/ok"));
    hook["retry_count"] = json!(0);
    s.create(hook).await;
    // A name goes through the guarded resolver rather than the literal-address check.
    let mut named = webhook_body("by name", &format!("http://localhost:{}/ok", r.addr.port()));
    named["retry_count"] = json!(0);
    named["events"] = json!(["lock"]);
    s.create(named).await;
    s.stop().await;

    let mut strict = c;
    strict.allow_private_targets = false;
    let s = TestServer::from_config(dir, strict).await;
    let id = s.emit("order_confirm", json!({"n": 1})).await[0].clone();
    let d = s
        .wait_delivery(&id, "the refusal", |d| d["status"] == "failed")
        .await;
    assert_eq!(d["attempts"][0]["error"], "ssrf", "{d}");
    assert!(d["attempts"][0]["response"].is_null());
    assert!(
        r.hits("/ok").is_empty(),
        "nothing reached the private address"
    );
}
