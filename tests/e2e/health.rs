//! Endpoint health and the live tail in the browser: Live on the delivery history shows a new
//! delivery and its attempt's outcome as they happen, Pause stops the updates; a failing
//! webhook's Health section shows its error classes and its time line; the dashboard shows
//! failures by error class across webhooks.

use crate::deliveries::{both_themes, create_webhook, emit, wait_status, Receiver, Reply};
use crate::harness::E2e;
use reqwest::Method;
use serde_json::json;
use std::time::{Duration, Instant};

/// The longest a live row may take to show after the server has the event (the tail is
/// flushed every 250 ms; the rest is the stream and the browser).
const LIVE_BOUND: Duration = Duration::from_secs(1);

/// Polls `check` every 50 ms for at most `bound`; true if it held in time.
async fn within<F, Fut>(bound: Duration, mut check: F) -> bool
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let started = Instant::now();
    while started.elapsed() < bound {
        if check().await {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    false
}

/// The status text of the row of delivery `id`, if it is shown.
async fn row_status(e: &E2e, id: &str) -> Option<String> {
    let v = e
        .js(&format!(
            "const a = Array.from(document.querySelectorAll('[data-testid=delivery-link]')).find(a => a.getAttribute('href').endsWith('/{id}'));
             return a ? a.closest('tr').querySelector('.col-status').textContent : null;"
        ))
        .await;
    v.as_str().map(str::to_owned)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn live_shows_a_delivery_and_its_outcome_as_they_happen_and_pause_stops_it() {
    let e = E2e::start().await;
    let rx = Receiver::start(Reply {
        status: 503,
        body: r#"{"message":"busy"}"#.into(),
    })
    .await;
    create_webhook(&e, "Live orders", &rx.url, &["order_confirm"], json!({})).await;
    e.connect_and_open("/deliveries").await;
    e.find("[data-testid=deliveries-empty]").await;

    e.click("[data-testid=live-toggle]").await;
    e.wait_until("the live stream to be open", || async {
        e.js("return document.querySelector('[data-testid=live-status]').dataset.state;")
            .await
            == "live"
    })
    .await;

    let ids = emit(&e, "order_confirm", json!({"order": 1})).await;
    let id = ids[0].clone();
    // The attempt happens at once (first retry entry 0): the server has its outcome when the
    // delivery reads failed; from then the row must show it within the bound.
    wait_status(&e, &id, "failed").await;
    let shown = within(LIVE_BOUND, || async {
        row_status(&e, &id)
            .await
            .is_some_and(|s| s.to_lowercase().contains("failed"))
    })
    .await;
    assert!(
        shown,
        "the failed delivery was not shown within {LIVE_BOUND:?}: {:?}",
        row_status(&e, &id).await
    );
    assert_eq!(
        e.text("[data-testid=delivery-attempts]").await,
        "1",
        "the attempt count came with the outcome"
    );
    both_themes(&e, "health-live-history").await;

    // Paused: a new delivery does not show, and the status says one is waiting.
    e.click("[data-testid=live-pause]").await;
    let more = emit(&e, "order_confirm", json!({"order": 2})).await;
    wait_status(&e, &more[0], "failed").await;
    e.wait_text("[data-testid=live-status]", "waiting").await;
    assert!(
        row_status(&e, &more[0]).await.is_none(),
        "a paused list took an update"
    );
    assert_eq!(e.find_all("[data-testid=delivery-link]").await.len(), 1);
    // Resumed: what waited arrives.
    e.click("[data-testid=live-pause]").await;
    let resumed = within(LIVE_BOUND, || async {
        row_status(&e, &more[0]).await.is_some()
    })
    .await;
    assert!(resumed, "what waited while paused did not arrive on resume");

    // Live off: the stream is closed, updates stop.
    e.click("[data-testid=live-toggle]").await;
    e.wait_until("the live stream to be off", || async {
        e.js("return document.querySelector('[data-testid=live-status]').dataset.state;")
            .await
            == "off"
    })
    .await;
    let third = emit(&e, "order_confirm", json!({"order": 3})).await;
    wait_status(&e, &third[0], "failed").await;
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert!(row_status(&e, &third[0]).await.is_none());
    e.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_health_section_shows_error_classes_and_the_time_line() {
    let e = E2e::start().await;
    let rx = Receiver::start(Reply {
        status: 500,
        body: r#"{"message":"database down"}"#.into(),
    })
    .await;
    let id = create_webhook(&e, "Flaky ERP", &rx.url, &["order_confirm"], json!({})).await;
    // A second, healthy webhook: its successes count in the dashboard's attempts.
    let ok = Receiver::start(Reply {
        status: 200,
        body: "{}".into(),
    })
    .await;
    create_webhook(&e, "Warehouse", &ok.url, &["order_confirm"], json!({})).await;
    let failed = |n: u64| {
        let e = &e;
        let id = id.clone();
        async move {
            e.wait_until(&format!("{n} failed attempts"), || async {
                let (_, h) = e
                    .api(Method::GET, &format!("/webhooks/{id}/health"), None)
                    .await;
                h["data"]["failed"] == n
            })
            .await;
        }
    };
    for n in 0..3 {
        emit(&e, "order_confirm", json!({"n": n})).await;
    }
    failed(3).await;
    rx.set(404, r#"{"message":"no such hook"}"#);
    emit(&e, "order_confirm", json!({"n": 9})).await;
    failed(4).await;
    // Deactivated by a person, then activated again: both on the time line.
    let (status, _) = e
        .api(
            Method::PATCH,
            &format!("/webhooks/{id}"),
            Some(json!({"is_active": false})),
        )
        .await;
    assert_eq!(status, 200);
    let (status, _) = e
        .api(
            Method::PATCH,
            &format!("/webhooks/{id}"),
            Some(json!({"is_active": true})),
        )
        .await;
    assert_eq!(status, 200);

    e.connect_and_open(&format!("/webhooks/{id}")).await;
    e.find("[data-testid=health-card]").await;
    e.wait_text("[data-testid=health-card] [data-class='5xx']", "3")
        .await;
    e.wait_text("[data-testid=health-card] [data-class='4xx']", "1")
        .await;
    assert_eq!(e.text("[data-testid=health-last-error]").await, "4xx");
    assert_eq!(e.text("[data-testid=health-consecutive]").await, "4");
    assert_eq!(e.text("[data-testid=health-rate]").await, "0%");
    let line = e.text("[data-testid=health-timeline]").await;
    assert!(line.contains("Created"), "{line}");
    assert!(line.contains("Deactivated through the API"), "{line}");
    assert!(line.contains("Activated again through the API"), "{line}");
    assert_eq!(e.find_all("[data-testid=health-change]").await.len(), 3);
    e.find("[data-testid=health-rule]").await;
    both_themes(&e, "health-section").await;

    // The dashboard: failures by class across every webhook.
    e.navigate("/").await;
    e.find("[data-testid=dash-error-classes]").await;
    e.wait_text("[data-testid=dash-error-classes] [data-class='5xx']", "3")
        .await;
    e.wait_text("[data-testid=dash-error-classes]", "4 of 8 attempts failed")
        .await;
    both_themes(&e, "health-dashboard-classes").await;
    e.finish().await;
}
