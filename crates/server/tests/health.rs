//! Endpoint health over real HTTP: the figures of `GET /webhooks/{id}/health` from attempts
//! whose outcomes are known, failures by error class across webhooks, the state time line, and
//! the health rule on a clock the test moves (it deactivates after N days of failures, not
//! before, a success starts the count again, and 0 turns it off).

mod common;

use common::{webhook_body, Receiver, TestServer};
use serde_json::{json, Value};
use switchboard_server::clock::Clock;

const DAY: i64 = 24 * 3600 * 1000;

/// Emits one event and waits until its delivery to the one webhook has ended.
async fn deliver(s: &TestServer) -> Value {
    let ids = s.emit("order_confirm", json!({"n": 1})).await;
    assert_eq!(ids.len(), 1);
    s.wait_delivery(&ids[0], "the attempt", |d| {
        d["status"] == "failed" || d["status"] == "succeeded"
    })
    .await
}

async fn point(s: &TestServer, id: &str, url: String) {
    let (status, res) = s
        .patch(&format!("/webhooks/{id}"), json!({"url": url}))
        .await;
    assert_eq!(status, 200, "{res}");
}

async fn health(s: &TestServer, id: &str) -> Value {
    let (status, res) = s.get(&format!("/webhooks/{id}/health?window=7d")).await;
    assert_eq!(status, 200, "{res}");
    res["data"].clone()
}

async fn active(s: &TestServer, id: &str) -> bool {
    let (_, w) = s.get(&format!("/webhooks/{id}")).await;
    w["data"]["is_active"].as_bool().unwrap()
}

fn classes(v: &Value) -> Vec<(String, u64)> {
    v["error_classes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["class"].as_str().unwrap().to_string(),
                c["count"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn one_try(name: &str, url: &str) -> Value {
    let mut body = webhook_body(name, url);
    body["retry_count"] = json!(0);
    body
}

#[tokio::test]
async fn figures_come_from_the_attempts() {
    let s = TestServer::start().await;
    let rx = Receiver::start().await;
    let w = s.create(one_try("mixed", &rx.url("/fail"))).await;
    let id = w["id"].as_str().unwrap().to_string();

    let fresh = health(&s, &id).await;
    assert_eq!(fresh["attempts"], 0);
    assert!(fresh["success_rate"].is_null());
    assert!(fresh["latency_p50_ms"].is_null());
    assert_eq!(fresh["disable_after_days"], 5, "the default rule");

    for _ in 0..3 {
        assert_eq!(deliver(&s).await["status"], "failed");
    }
    point(&s, &id, rx.url("/bad")).await;
    deliver(&s).await;
    point(&s, &id, rx.url("/ok")).await;
    for _ in 0..2 {
        assert_eq!(deliver(&s).await["status"], "succeeded");
    }
    let h = health(&s, &id).await;
    assert_eq!(h["webhook_id"], id.as_str());
    assert_eq!(h["window"], "7d");
    assert_eq!(h["attempts"], 6);
    assert_eq!(h["succeeded"], 2);
    assert_eq!(h["failed"], 4);
    let rate = h["success_rate"].as_f64().unwrap();
    assert!((rate - 2.0 / 6.0).abs() < 1e-9, "{rate}");
    assert_eq!(classes(&h), [("5xx".into(), 3), ("4xx".into(), 1)]);
    assert_eq!(h["consecutive_failures"], 0, "a success ended the run");
    assert!(h["failing_since"].is_null());
    assert_eq!(h["last_error_class"], "4xx");
    let (p50, p95) = (
        h["latency_p50_ms"].as_u64().unwrap(),
        h["latency_p95_ms"].as_u64().unwrap(),
    );
    assert!(p50 <= p95, "{p50} {p95}");

    // Nothing listens on this port: a connection failure, and a run of one.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let dead = format!("http://{}/hook", closed.local_addr().unwrap());
    drop(closed);
    point(&s, &id, dead).await;
    deliver(&s).await;
    let h = health(&s, &id).await;
    assert_eq!(h["consecutive_failures"], 1);
    assert!(h["failing_since"].is_string(), "{h}");
    assert_eq!(h["last_error_class"], "connect");
    assert_eq!(h["attempts"], 7);
    assert_eq!(
        classes(&h),
        [("5xx".into(), 3), ("connect".into(), 1), ("4xx".into(), 1)]
    );

    // A window the server cannot read is named.
    let (status, res) = s.get(&format!("/webhooks/{id}/health?window=soon")).await;
    assert_eq!(status, 400, "{res}");
    assert!(res.to_string().contains("window"), "{res}");
    let (status, _) = s.get("/webhooks/wh_nope/health").await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn failures_by_class_across_webhooks() {
    let s = TestServer::start().await;
    let rx = Receiver::start().await;
    let a = s.create(one_try("a", &rx.url("/fail"))).await;
    let b = s.create(one_try("b", &rx.url("/redirect"))).await;
    let _ok = s.create(one_try("c", &rx.url("/ok"))).await;
    for _ in 0..2 {
        let ids = s.emit("order_confirm", json!({})).await;
        for id in ids {
            s.wait_delivery(&id, "the attempt", |d| d["attempt_count"] == 1)
                .await;
        }
    }
    let (status, res) = s.get("/webhooks/health?window=1h").await;
    assert_eq!(status, 200, "{res}");
    let o = &res["data"];
    assert_eq!(o["window"], "1h");
    assert_eq!(o["attempts"], 6);
    assert_eq!(o["failed"], 4);
    assert_eq!(classes(o), [("5xx".into(), 2), ("redirect".into(), 2)]);
    let per: Vec<(String, u64)> = o["webhooks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| {
            (
                w["webhook_id"].as_str().unwrap().into(),
                w["failed"].as_u64().unwrap(),
            )
        })
        .collect();
    let mut expected = vec![
        (a["id"].as_str().unwrap().to_string(), 2),
        (b["id"].as_str().unwrap().to_string(), 2),
    ];
    expected.sort();
    assert_eq!(per, expected, "only webhooks with failures, most first");
}

#[tokio::test]
async fn the_time_line_says_who_changed_what_and_why() {
    let s = TestServer::start().await;
    let rx = Receiver::start().await;
    let w = s.create(one_try("lifecycle", &rx.url("/gone"))).await;
    let id = w["id"].as_str().unwrap().to_string();
    let (status, _) = s
        .patch(&format!("/webhooks/{id}"), json!({"is_active": false}))
        .await;
    assert_eq!(status, 200);
    let (status, _) = s
        .patch(&format!("/webhooks/{id}"), json!({"is_active": true}))
        .await;
    assert_eq!(status, 200);
    // The endpoint answers 410: it deactivates itself.
    deliver(&s).await;
    assert!(!active(&s, &id).await);

    let h = health(&s, &id).await;
    let line: Vec<(String, String)> = h["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["change"].as_str().unwrap().into(),
                c["by"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(
        line,
        [
            ("created".into(), "api".into()),
            ("deactivated".into(), "api".into()),
            ("activated".into(), "api".into()),
            ("deactivated".into(), "endpoint".into()),
        ]
    );
    let last = &h["timeline"][3];
    assert!(last["reason"].as_str().unwrap().contains("410"), "{last}");
    assert!(h["timeline"][0]["at"].is_string());
}

/// A server on a clock the test moves, with the rule at `days`.
async fn on_clock(days: u32) -> (TestServer, Clock) {
    let clock = Clock::manual(time::OffsetDateTime::now_utc().unix_timestamp() * 1000);
    let c = clock.clone();
    let s = TestServer::with(move |cfg| {
        cfg.clock = c;
        cfg.disable_after_days = days;
    })
    .await;
    (s, clock)
}

#[tokio::test]
async fn the_health_rule_deactivates_after_n_days_of_failures_and_not_before() {
    let (s, clock) = on_clock(2).await;
    let rx = Receiver::start().await;
    let w = s.create(one_try("down", &rx.url("/fail"))).await;
    let id = w["id"].as_str().unwrap().to_string();

    deliver(&s).await;
    clock.advance(DAY);
    deliver(&s).await;
    clock.advance(DAY - 60_000);
    deliver(&s).await;
    assert!(active(&s, &id).await, "a minute short of two days");
    let h = health(&s, &id).await;
    assert_eq!(h["consecutive_failures"], 3);
    assert_eq!(h["disable_after_days"], 2);

    clock.advance(60_000);
    deliver(&s).await;
    assert!(!active(&s, &id).await, "two days of failures");
    let h = health(&s, &id).await;
    let last = h["timeline"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["change"], "deactivated");
    assert_eq!(last["by"], "health_rule");
    let reason = last["reason"].as_str().unwrap();
    assert!(
        reason.contains("2 days") && reason.contains("4 failed attempts"),
        "{reason}"
    );
    assert_eq!(
        h["timeline"].as_array().unwrap().len(),
        2,
        "created, deactivated"
    );

    // Activated again by a person, it gets a fresh start on the time line.
    let (status, _) = s
        .patch(&format!("/webhooks/{id}"), json!({"is_active": true}))
        .await;
    assert_eq!(status, 200);
    let h = health(&s, &id).await;
    let last = h["timeline"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        (last["change"].as_str(), last["by"].as_str()),
        (Some("activated"), Some("api"))
    );
}

#[tokio::test]
async fn a_success_starts_the_count_again() {
    let (s, clock) = on_clock(2).await;
    let rx = Receiver::start().await;
    let w = s.create(one_try("wobbly", &rx.url("/fail"))).await;
    let id = w["id"].as_str().unwrap().to_string();

    deliver(&s).await;
    clock.advance(DAY + DAY / 2);
    point(&s, &id, rx.url("/ok")).await;
    assert_eq!(deliver(&s).await["status"], "succeeded");
    clock.advance(DAY);
    point(&s, &id, rx.url("/fail")).await;
    deliver(&s).await;
    // Two and a half days since the first failure, but a success in between.
    assert!(active(&s, &id).await);
    let h = health(&s, &id).await;
    assert_eq!(h["consecutive_failures"], 1);
    clock.advance(DAY);
    deliver(&s).await;
    assert!(active(&s, &id).await, "one day since the success");
    clock.advance(DAY);
    deliver(&s).await;
    assert!(!active(&s, &id).await, "two days since the success");
}

#[tokio::test]
async fn zero_days_turns_the_rule_off() {
    let (s, clock) = on_clock(0).await;
    let rx = Receiver::start().await;
    let w = s.create(one_try("tolerated", &rx.url("/fail"))).await;
    let id = w["id"].as_str().unwrap().to_string();
    deliver(&s).await;
    clock.advance(30 * DAY);
    deliver(&s).await;
    assert!(active(&s, &id).await);
    let h = health(&s, &id).await;
    assert!(h["disable_after_days"].is_null());
    assert_eq!(h["consecutive_failures"], 2);
}
