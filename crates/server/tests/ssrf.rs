//! The SSRF guard against what gets around a literal-address check: a name that resolves to a
//! private address (at save time and at send time, for deliveries, the OAuth token URL and
//! the status/overview probes) and a proxy in the environment; and what a token endpoint can
//! do to the server (a huge answer, a crowd of attempts asking at once).

mod common;

use common::binary::Server;
use common::{config, eventually, webhook_body, Receiver, TestServer};
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::net::IpAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::AsyncWriteExt;

/// `internal.example.test` → 10.0.0.7 and `hooks.example.test` → 127.0.0.1 (where the test
/// receivers listen).
fn names() -> Vec<(String, IpAddr)> {
    vec![
        ("internal.example.test".into(), "10.0.0.7".parse().unwrap()),
        ("hooks.example.test".into(), "127.0.0.1".parse().unwrap()),
    ]
}

#[tokio::test]
async fn a_name_that_resolves_to_a_private_address_is_refused_at_save_time() {
    let s = TestServer::with(|c| {
        c.allow_private_targets = false;
        c.resolve = names();
    })
    .await;
    let refused = |res: &Value, field: &str, ip: &str| {
        assert_eq!(res["type"], "urn:switchboard:problem:validation", "{res}");
        let e = res["errors"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["field"] == field)
            .unwrap_or_else(|| panic!("no error for {field}: {res}"));
        let message = e["message"].as_str().unwrap();
        assert!(message.contains(ip), "{field}: {message}");
    };

    let (status, res) = s
        .post(
            "/webhooks",
            webhook_body("x", "https://internal.example.test/h"),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{res}");
    refused(&res, "url", "10.0.0.7");

    let mut more = webhook_body("x", "https://public.example.com/h");
    more["targets"] = json!([{"url": "https://hooks.example.test/h"}]);
    more["auth"] = json!({"type": "client_credentials", "client_id": "a", "client_secret": "b",
        "token_url": "https://INTERNAL.example.test/token"});
    let (status, res) = s.post("/webhooks", more).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{res}");
    refused(&res, "targets[0].url", "127.0.0.1");
    refused(&res, "auth.token_url", "10.0.0.7");

    let w = s
        .create(webhook_body("public", "https://public.example.com/h"))
        .await;
    let (status, res) = s
        .patch(
            &format!("/webhooks/{}", w["id"].as_str().unwrap()),
            json!({"url": "https://internal.example.test:8443/h"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{res}");
    refused(&res, "url", "10.0.0.7");
}

#[tokio::test]
async fn a_name_that_resolves_to_a_private_address_is_refused_at_send_time() {
    let r = Receiver::start().await;
    let port = r.addr.port();
    let dir = tempfile::tempdir().unwrap();
    let mut c = config(&dir);
    c.resolve = names();
    // Saved while private targets were allowed.
    let mut s = TestServer::from_config(tempfile::tempdir().unwrap(), c.clone()).await;
    let mut plain = webhook_body("by name", "https://internal.example.test/h");
    plain["retry_count"] = json!(0);
    let plain = s.create(plain).await;
    let mut oauth = webhook_body(
        "oauth by name",
        &format!("https://hooks.example.test:{port}/ok"),
    );
    oauth["retry_count"] = json!(0);
    oauth["events"] = json!(["lock"]);
    oauth["auth"] = json!({"type": "client_credentials", "client_id": "client",
        "client_secret": "s3cret", "token_url": format!("https://hooks.example.test:{port}/token")});
    s.create(oauth).await;
    s.stop().await;

    c.allow_private_targets = false;
    let s = TestServer::from_config(dir, c).await;
    let id = s.emit("order_confirm", json!({"n": 2})).await[0].clone();
    let d = s
        .wait_delivery(&id, "the refusal", |d| d["status"] == "failed")
        .await;
    assert_eq!(d["attempts"][0]["error"], "ssrf", "{d}");
    assert!(d["attempts"][0]["response"].is_null(), "{d}");

    let id = s.emit("lock", json!({"event": "lock"})).await[0].clone();
    let d = s
        .wait_delivery(&id, "the token URL's refusal", |d| d["status"] == "failed")
        .await;
    assert_eq!(d["attempts"][0]["error"], "ssrf", "{d}");
    let message = d["attempts"][0]["message"].as_str().unwrap_or_default();
    assert!(message.contains("token"), "{message}");

    let plain_id = plain["id"].as_str().unwrap();
    let (status, res) = s.get(&format!("/webhooks/{plain_id}/status")).await;
    assert_eq!(status, StatusCode::OK, "{res}");
    assert_eq!(res["data"]["statusString"], "Unreachable", "{res}");
    assert!(
        res["data"]["additional"].to_string().contains("ssrf"),
        "{res}"
    );
    let (status, res) = s.get(&format!("/webhooks/{plain_id}/overview")).await;
    assert_eq!(status, StatusCode::BAD_GATEWAY, "{res}");
    assert!(res["detail"].to_string().contains("ssrf"), "{res}");

    assert!(
        r.hits.lock().unwrap().is_empty(),
        "nothing reached the receiver"
    );
    assert_eq!(r.token_calls.load(Ordering::SeqCst), 0);
}

/// A TCP listener that counts the connections it gets and answers each with a 502.
async fn counting_proxy() -> (String, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(AtomicUsize::new(0));
    let s = seen.clone();
    tokio::spawn(async move {
        while let Ok((mut conn, _)) = listener.accept().await {
            s.fetch_add(1, Ordering::SeqCst);
            let _ = conn
                .write_all(b"HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\n\r\n")
                .await;
        }
    });
    (url, seen)
}

#[tokio::test]
async fn a_proxy_in_the_environment_is_not_used_for_deliveries() {
    let r = Receiver::start().await;
    let (proxy, seen) = counting_proxy().await;
    let dir = tempfile::tempdir().unwrap();
    let env: Vec<(&str, &str)> = [
        "HTTP_PROXY",
        "http_proxy",
        "HTTPS_PROXY",
        "https_proxy",
        "ALL_PROXY",
        "all_proxy",
    ]
    .into_iter()
    .map(|k| (k, proxy.as_str()))
    .chain([("NO_PROXY", ""), ("no_proxy", "")])
    .collect();
    let s = Server::start(&dir.path().join("proxy.db"), &[], &env).await;
    let id = s.deliver_once(webhook_body("direct", &r.url("/ok"))).await;
    let d = eventually(10, "the delivery", || async {
        let d = s.delivery(&id).await;
        (d["status"] != "pending").then_some(d)
    })
    .await;
    assert_eq!(d["status"], "succeeded", "{d}");
    assert_eq!(r.hits("/ok").len(), 1);
    assert_eq!(seen.load(Ordering::SeqCst), 0, "the proxy was used");
}

#[tokio::test]
async fn only_a_proxy_named_on_the_command_line_is_used() {
    let r = Receiver::start().await;
    let (proxy, seen) = counting_proxy().await;
    let dir = tempfile::tempdir().unwrap();
    let s = Server::start(
        &dir.path().join("proxy.db"),
        &["--outbound-proxy", &proxy],
        &[],
    )
    .await;
    let id = s.deliver_once(webhook_body("proxied", &r.url("/ok"))).await;
    let d = eventually(10, "the first attempt", || async {
        let d = s.delivery(&id).await;
        (d["attempt_count"] == 1).then_some(d)
    })
    .await;
    // The stand-in proxy answers before it reads: the attempt fails, at the proxy.
    assert_ne!(d["status"], "succeeded", "{d}");
    assert!(seen.load(Ordering::SeqCst) >= 1, "the proxy was not used");
    assert!(r.hits("/ok").is_empty());
}

/// A token endpoint that counts its requests, waits `delay`, then answers `body`.
async fn token_endpoint(delay: Duration, body: String) -> (String, Arc<AtomicUsize>) {
    let calls = Arc::new(AtomicUsize::new(0));
    let c = calls.clone();
    let app = axum::Router::new().fallback(move || {
        let c = c.clone();
        let body = body.clone();
        async move {
            c.fetch_add(1, Ordering::SeqCst);
            tokio::time::sleep(delay).await;
            ([("content-type", "application/json")], body)
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/token", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (url, calls)
}

fn oauth_hook(url: &str, token_url: &str) -> Value {
    let mut hook = webhook_body("oauth", url);
    hook["retry_count"] = json!(0);
    hook["auth"] = json!({"type": "client_credentials", "client_id": "client",
        "client_secret": "s3cret", "token_url": token_url});
    hook
}

#[tokio::test]
async fn a_huge_token_answer_is_not_read_whole() {
    let s = TestServer::start().await;
    let r = Receiver::start().await;
    let padding = "x".repeat(2 * 1024 * 1024);
    let body = json!({"access_token": "tok", "expires_in": 3600, "padding": padding}).to_string();
    let (token_url, _) = token_endpoint(Duration::ZERO, body).await;
    s.create(oauth_hook(&r.url("/ok"), &token_url)).await;
    let id = s.emit("order_confirm", json!({"n": 1})).await[0].clone();
    let d = s
        .wait_delivery(&id, "the attempt", |d| d["status"] != "pending")
        .await;
    assert_eq!(d["status"], "failed", "{d}");
    assert_eq!(d["attempts"][0]["error"], "auth", "{d}");
    let message = d["attempts"][0]["message"].as_str().unwrap_or_default();
    assert!(message.contains("64 KiB"), "{message}");
    assert!(r.hits("/ok").is_empty());
}

#[tokio::test]
async fn concurrent_attempts_for_one_webhook_share_one_token_request() {
    let s = TestServer::start().await;
    let r = Receiver::start().await;
    let body = json!({"access_token": "tok-shared", "expires_in": 3600}).to_string();
    let (token_url, calls) = token_endpoint(Duration::from_millis(500), body).await;
    s.create(oauth_hook(&r.url("/ok"), &token_url)).await;
    let mut ids = Vec::new();
    for n in 0..4 {
        ids.extend(s.emit("order_confirm", json!({"n": n})).await);
    }
    for id in &ids {
        s.wait_delivery(id, "each delivery", |d| d["status"] == "succeeded")
            .await;
    }
    assert_eq!(calls.load(Ordering::SeqCst), 1, "one token request");
    let hits = r.hits("/ok");
    assert_eq!(hits.len(), 4);
    assert!(hits
        .iter()
        .all(|h| h.header("authorization").as_deref() == Some("Bearer tok-shared")));
}
