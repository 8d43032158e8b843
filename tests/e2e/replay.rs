//! Replays: a 500-delivery outage on one endpoint found in the "missed" view and replayed
//! after a dry run, each event reaching the receiver exactly once more; a job cancelled
//! halfway; a job that resumes after a server restart.

use crate::deliveries::{both_themes, click_centered, create_webhook};
use crate::harness::{E2e, Options};
use reqwest::Method;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A receiver that is down (503) or up (200), counting per event `n` what it accepted.
struct Endpoint {
    url: String,
    up: Arc<AtomicBool>,
    accepted: Arc<Mutex<HashMap<i64, usize>>>,
}

impl Endpoint {
    async fn start() -> Endpoint {
        let up = Arc::new(AtomicBool::new(false));
        let accepted: Arc<Mutex<HashMap<i64, usize>>> = Arc::default();
        let (u, a) = (up.clone(), accepted.clone());
        let app = axum::Router::new().fallback(move |body: axum::body::Bytes| {
            let (up, accepted) = (u.clone(), a.clone());
            async move {
                if !up.load(Ordering::SeqCst) {
                    return axum::http::StatusCode::SERVICE_UNAVAILABLE;
                }
                // Only deliveries count: the console's status probes carry no event.
                if let Some(n) = serde_json::from_slice::<Value>(&body)
                    .ok()
                    .and_then(|v| v["n"].as_i64())
                {
                    *accepted.lock().unwrap().entry(n).or_default() += 1;
                }
                axum::http::StatusCode::OK
            }
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/orders", listener.local_addr().unwrap());
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Endpoint { url, up, accepted }
    }

    fn total(&self) -> usize {
        self.accepted.lock().unwrap().values().sum()
    }

    /// Every event `0..n` arrived exactly once, and nothing else.
    fn assert_each_once(&self, n: i64) {
        let seen = self.accepted.lock().unwrap().clone();
        assert_eq!(seen.len() as i64, n, "distinct events");
        let twice: Vec<_> = seen.iter().filter(|(_, c)| **c != 1).collect();
        assert!(twice.is_empty(), "events not exactly once: {twice:?}");
        assert!((0..n).all(|i| seen.contains_key(&i)));
    }
}

/// A server that replays `rate` deliveries per endpoint per second.
fn options(rate: u32) -> Options {
    Options {
        adjust: Some(Arc::new(move |c: &mut switchboard_server::Config| {
            c.replay_rate = rate;
        })),
        ..Options::default()
    }
}

/// An endpoint that is down, its webhook (no retries), and `n` events that all failed there.
async fn outage(e: &E2e, n: i64) -> (Endpoint, String) {
    let rx = Endpoint::start().await;
    let wid = create_webhook(e, "Orders ERP", &rx.url, &["order_confirm"], json!({})).await;
    for i in 0..n {
        let (status, v) = e
            .api(
                Method::POST,
                "/events",
                Some(json!({"event_type": "order_confirm", "payload": {"n": i}})),
            )
            .await;
        assert_eq!(status, 201, "{v}");
    }
    wait_api(e, "every delivery failed", |v| v["total"] == n, "/missed").await;
    (rx, wid)
}

/// Polls an API path until `done` holds for its `data`.
async fn wait_api(e: &E2e, what: &str, done: impl Fn(&Value) -> bool, path: &str) -> Value {
    let started = Instant::now();
    loop {
        let (_, v) = e.api(Method::GET, path, None).await;
        if done(&v["data"]) {
            return v["data"].clone();
        }
        assert!(started.elapsed() < Duration::from_secs(25), "{what}: {v}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn wait_for(what: &str, done: impl Fn() -> bool) {
    let started = Instant::now();
    while !done() {
        assert!(started.elapsed() < Duration::from_secs(20), "{what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The state the Replays page shows for its first (newest) job, once it is `state`.
async fn wait_job_state(e: &E2e, state: &str) {
    e.find(&format!(
        "[data-testid=replay-row] [data-testid=replay-state][data-state={state}]"
    ))
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_outage_found_in_missed_is_replayed_exactly_once_more_after_a_dry_run() {
    let e = E2e::start_with(options(250)).await;
    let (rx, wid) = outage(&e, 500).await;
    // The endpoint was switched off during the outage; it is back now.
    let (status, v) = e
        .api(
            Method::PATCH,
            &format!("/webhooks/{wid}"),
            Some(json!({"is_active": false})),
        )
        .await;
    assert_eq!(status, 200, "{v}");
    rx.up.store(true, Ordering::SeqCst);

    e.connect_and_open("/missed").await;
    e.wait_text("[data-testid=missed-total]", "500").await;
    let group = e
        .wait_text("[data-testid=missed-group]", "Retries exhausted")
        .await;
    assert!(group.contains("500"), "{group}");
    both_themes(&e, "replay-missed").await;

    let action = e
        .wait_text("[data-testid=missed-replay]", "Re-enable")
        .await;
    assert!(action.contains("replay"), "{action}");
    click_centered(&e, "[data-testid=missed-replay]").await;
    // The dry run comes first: its count, the endpoint and a sample.
    e.wait_text("[data-testid=replay-count]", "500 deliveries")
        .await;
    let endpoint = e.text("[data-testid=replay-endpoint]").await;
    assert!(
        endpoint.contains("Orders ERP") && endpoint.contains("500"),
        "{endpoint}"
    );
    assert_eq!(e.find_all("[data-testid=replay-sample-row]").await.len(), 5);
    both_themes(&e, "replay-dry-run").await;
    assert_eq!(rx.total(), 0, "a dry run sends nothing");
    let (_, jobs) = e.api(Method::GET, "/replays", None).await;
    assert!(
        jobs["data"].as_array().unwrap().is_empty(),
        "a dry run starts nothing"
    );

    e.click("dialog[open] [data-testid=confirm-ok]").await;
    e.find("[data-testid=replays-page]").await;
    wait_job_state(&e, "completed").await;
    let progress = e.text("[data-testid=replay-progress-text]").await;
    assert!(
        progress.contains("500 succeeded") && progress.contains("0 failed"),
        "{progress}"
    );
    both_themes(&e, "replay-jobs").await;

    rx.assert_each_once(500);
    let (_, w) = e.api(Method::GET, &format!("/webhooks/{wid}"), None).await;
    assert_eq!(w["data"]["is_active"], true, "re-enabled");
    let (_, missed) = e.api(Method::GET, "/missed", None).await;
    assert_eq!(missed["data"]["total"], 0);
    e.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replay_cancelled_halfway_sends_no_more() {
    let e = E2e::start_with(options(5)).await;
    let (rx, wid) = outage(&e, 40).await;
    rx.up.store(true, Ordering::SeqCst);

    e.connect_and_open(&format!("/deliveries?webhook_id={wid}&status=failed"))
        .await;
    click_centered(&e, "[data-testid=open-replay]").await;
    e.wait_text("[data-testid=replay-count]", "40 deliveries")
        .await;
    e.click("dialog[open] [data-testid=confirm-ok]").await;
    e.find("[data-testid=replays-page]").await;
    wait_for("a few replayed", || rx.total() >= 5).await;
    e.wait_text("[data-testid=replay-progress-text]", "succeeded")
        .await;
    both_themes(&e, "replay-running").await;
    click_centered(&e, "[data-testid=replay-cancel]").await;
    wait_job_state(&e, "cancelled").await;
    assert!(!e.exists("[data-testid=replay-cancel]").await);

    let sent = rx.total();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(rx.total(), sent, "nothing arrives after the cancel");
    assert!(sent < 40, "cancelled halfway: {sent} of 40");
    let (_, jobs) = e.api(Method::GET, "/replays", None).await;
    let job = &jobs["data"][0];
    assert_eq!(job["state"], "cancelled");
    assert_eq!(job["succeeded"].as_u64().unwrap() as usize, sent);
    let progress = e.text("[data-testid=replay-progress-text]").await;
    assert!(
        progress.contains(&format!("{sent} succeeded")),
        "{progress}"
    );
    e.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replay_running_at_a_restart_resumes_and_sends_each_event_once() {
    let mut e = E2e::start_with(options(5)).await;
    let (rx, wid) = outage(&e, 30).await;
    rx.up.store(true, Ordering::SeqCst);

    e.connect_and_open(&format!("/webhooks/{wid}")).await;
    e.wait_text("[data-testid=missed-card]", "30 events").await;
    click_centered(&e, "[data-testid=missed-replay]").await;
    e.wait_text("[data-testid=replay-count]", "30 deliveries")
        .await;
    e.click("dialog[open] [data-testid=confirm-ok]").await;
    e.find("[data-testid=replays-page]").await;
    wait_for("a few replayed", || rx.total() >= 5).await;

    e.restart_server().await;
    let before = rx.total();
    assert!(
        before < 30,
        "the job was still running at the restart: {before}"
    );
    e.navigate("/replays").await;
    wait_job_state(&e, "completed").await;
    let progress = e.text("[data-testid=replay-progress-text]").await;
    assert!(progress.contains("30 succeeded"), "{progress}");
    rx.assert_each_once(30);
    e.finish().await;
}
