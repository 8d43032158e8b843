//! The delivery engine against real loopback receivers: signing, auth, formats, failures,
//! retries, fan-out rules, test sends, retry/recover, rotation, stats and endpoint probes.

mod common;

use common::{eventually, webhook_body, Receiver, TestServer};
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::time::Duration;
use switchboard_api::{Delivery, DeliveryStatus, Envelope};

fn order() -> Value {
    json!({"orders": {"order": [{"innerId": "190", "currency": "HUF", "totalGross": "11206"}]}})
}

fn verify(secret: &str, hit: &common::Hit) -> bool {
    standardwebhooks::Webhook::new(secret)
        .unwrap()
        .verify(&hit.body, &hit.headers)
        .is_ok()
}

async fn one_delivery(s: &TestServer, hook: Value) -> (Value, String) {
    let w = s.create(hook).await;
    let ids = s.emit("order_confirm", order()).await;
    assert_eq!(ids.len(), 1);
    (w, ids[0].clone())
}

async fn finished(s: &TestServer, id: &str) -> Delivery {
    let d = s
        .wait_delivery(id, "a final status", |d| {
            matches!(d["status"].as_str(), Some("succeeded") | Some("failed"))
        })
        .await;
    serde_json::from_value(d).unwrap()
}

#[tokio::test]
async fn success_is_signed_authenticated_and_recorded() {
    let s = TestServer::start().await;
    let r = Receiver::start().await;
    let mut hook = webhook_body("ERP", &r.url("/ok"));
    hook["auth"] = json!({"type": "bearer", "token": "t0ps3cret"});
    hook["headers"] = json!({"X-Shop": "demo", "X-Api-Key": "k3y"});
    let (w, id) = one_delivery(&s, hook).await;
    let d = finished(&s, &id).await;
    assert_eq!(d.status, DeliveryStatus::Succeeded);
    assert_eq!(d.attempt_count, 1);
    assert_eq!(d.response_status, Some(200));

    let hits = r.hits("/ok");
    assert_eq!(hits.len(), 1);
    let hit = &hits[0];
    assert!(
        verify(w["secret"].as_str().unwrap(), hit),
        "signature verifies"
    );
    assert_eq!(hit.header("webhook-id").as_deref(), Some(id.as_str()));
    assert_eq!(
        hit.header("authorization").as_deref(),
        Some("Bearer t0ps3cret")
    );
    assert_eq!(hit.header("x-shop").as_deref(), Some("demo"));
    assert_eq!(
        hit.header("content-type").as_deref(),
        Some("application/json")
    );
    assert_eq!(hit.json(), order());

    let a = &d.attempts[0];
    assert_eq!(a.n, 1);
    assert_eq!(a.message.as_deref(), Some("stored"));
    assert_eq!(a.response.as_ref().unwrap().status, 200);
    let (_, raw) = s.get(&format!("/deliveries/{id}")).await;
    let text = raw.to_string();
    assert!(!text.contains("t0ps3cret"), "auth secret redacted: {text}");
    assert!(!text.contains("k3y"), "key-like header redacted");
    assert!(text.contains("X-Shop") || text.contains("x-shop"));

    let (_, w) = s
        .get(&format!("/webhooks/{}", w["id"].as_str().unwrap()))
        .await;
    assert!(w["data"]["last_success_at"].is_string());
    assert_eq!(w["data"]["failure_count"], 0);
}

#[tokio::test]
async fn failures_retry_on_the_schedule_then_fail() {
    let s = TestServer::start().await;
    let r = Receiver::start().await;
    let mut hook = webhook_body("failing", &r.url("/fail"));
    hook["retry_count"] = json!(2);
    let (w, id) = one_delivery(&s, hook).await;
    let d = finished(&s, &id).await;
    assert_eq!(d.status, DeliveryStatus::Failed);
    assert_eq!(d.attempt_count, 3);
    assert_eq!(d.response_status, Some(500));
    assert!(d
        .attempts
        .iter()
        .all(|a| a.message.as_deref() == Some("database down")));
    let hits = r.hits("/fail");
    assert_eq!(hits.len(), 3);
    // Schedule [0, 300 ms, 600 ms] (plus up to 10 % jitter).
    let gap1 = hits[1].at - hits[0].at;
    let gap2 = hits[2].at - hits[1].at;
    assert!(gap1 >= Duration::from_millis(290), "{gap1:?}");
    assert!(gap2 >= Duration::from_millis(590), "{gap2:?}");
    assert!(gap2 < Duration::from_secs(3), "{gap2:?}");
    let (_, w) = s
        .get(&format!("/webhooks/{}", w["id"].as_str().unwrap()))
        .await;
    assert_eq!(w["data"]["failure_count"], 3);
    assert!(w["data"]["last_failure_at"].is_string());
    assert!(w["data"]["last_success_at"].is_null());
}

#[tokio::test]
async fn a_flaky_endpoint_recovers_within_its_retries() {
    let s = TestServer::start().await;
    let r = Receiver::start().await;
    let mut hook = webhook_body("flaky", &r.url("/flaky"));
    hook["retry_count"] = json!(3);
    let (w, id) = one_delivery(&s, hook).await;
    let d = finished(&s, &id).await;
    assert_eq!(d.status, DeliveryStatus::Succeeded);
    assert_eq!(d.attempt_count, 3);
    assert_eq!(d.attempts[0].message.as_deref(), Some("flaky failure 1"));
    let (_, w) = s
        .get(&format!("/webhooks/{}", w["id"].as_str().unwrap()))
        .await;
    assert_eq!(w["data"]["failure_count"], 0, "a success resets the streak");
}

#[tokio::test]
async fn client_errors_timeouts_refusals_redirects_and_huge_bodies() {
    let s = TestServer::start().await;
    let r = Receiver::start().await;
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap()
    };
    let cases = [
        (r.url("/bad"), Some(400), None, false),
        (r.url("/slow"), None, Some("timeout"), false),
        (format!("http://{closed}/x"), None, Some("connect"), false),
        (r.url("/redirect"), Some(302), Some("redirect"), false),
        (r.url("/huge"), Some(200), None, true),
    ];
    for (url, status, error, ok) in cases {
        let mut hook = webhook_body("case", &url);
        hook["retry_count"] = json!(0);
        hook["timeout_seconds"] = json!(1);
        let w = s.create(hook).await;
        let (_, res) = s
            .post(
                &format!("/webhooks/{}/test", w["id"].as_str().unwrap()),
                json!({"event_type": "order_confirm"}),
            )
            .await;
        let id = res["data"]["id"].as_str().unwrap().to_string();
        let d = finished(&s, &id).await;
        let a = &d.attempts[0];
        assert_eq!(a.response.as_ref().map(|r| r.status), status, "{url}");
        assert_eq!(a.error.as_deref(), error, "{url}");
        assert_eq!(
            d.status,
            if ok {
                DeliveryStatus::Succeeded
            } else {
                DeliveryStatus::Failed
            },
            "{url}"
        );
        if url.ends_with("/huge") {
            let resp = a.response.as_ref().unwrap();
            assert!(resp.truncated);
            assert_eq!(resp.body.len(), switchboard_api::MAX_RECORDED_BODY);
        }
        s.delete(&format!("/webhooks/{}", w["id"].as_str().unwrap()))
            .await;
    }
    assert!(r.hits("/ok").is_empty(), "the redirect was not followed");
}

#[tokio::test]
async fn gone_deactivates_and_retry_after_is_honoured() {
    let s = TestServer::start().await;
    let r = Receiver::start().await;
    let mut hook = webhook_body("gone", &r.url("/gone"));
    hook["retry_count"] = json!(5);
    let (w, id) = one_delivery(&s, hook).await;
    let d = finished(&s, &id).await;
    assert_eq!(d.status, DeliveryStatus::Failed);
    assert_eq!(d.attempt_count, 1, "410 is final");
    let (_, w) = s
        .get(&format!("/webhooks/{}", w["id"].as_str().unwrap()))
        .await;
    assert_eq!(w["data"]["is_active"], false);
    s.delete(&format!("/webhooks/{}", w["data"]["id"].as_str().unwrap()))
        .await;

    let mut hook = webhook_body("busy", &r.url("/busy"));
    hook["retry_count"] = json!(2);
    let (_, id) = one_delivery(&s, hook).await;
    let d = finished(&s, &id).await;
    assert_eq!(d.status, DeliveryStatus::Succeeded);
    let hits = r.hits("/busy");
    assert_eq!(hits.len(), 2);
    let gap = hits[1].at - hits[0].at;
    assert!(
        gap >= Duration::from_millis(990),
        "Retry-After: 1 waited {gap:?}"
    );
}

#[tokio::test]
async fn xml_bodies_and_every_auth_type_arrive_as_configured() {
    let s = TestServer::start().await;
    let r = Receiver::start().await;
    let auths = [
        (
            json!({"type": "basic", "username": "client", "password": "s3cret"}),
            "authorization",
            "Basic Y2xpZW50OnMzY3JldA==",
        ),
        (
            json!({"type": "header", "name": "X-AUTH-TOKEN", "value": "abc"}),
            "x-auth-token",
            "abc",
        ),
        (
            json!({"type": "client_credentials", "client_id": "client", "client_secret": "s3cret", "token_url": r.url("/token")}),
            "authorization",
            "Bearer tok-123",
        ),
    ];
    for (i, (auth, header, expected)) in auths.into_iter().enumerate() {
        let path = format!("/ok?n={i}");
        let mut hook = webhook_body("auth", &r.url(&path));
        hook["auth"] = auth;
        hook["format"] = json!("xml");
        let w = s.create(hook).await;
        let id = w["id"].as_str().unwrap();
        for _ in 0..2 {
            let (status, res) = s
                .post(
                    &format!("/webhooks/{id}/test"),
                    json!({"event_type": "newsletter_subscribe"}),
                )
                .await;
            assert_eq!(status, StatusCode::CREATED, "{res}");
            assert_eq!(res["data"]["status"], "succeeded", "{res}");
        }
        let hits = r.hits("/ok");
        let hit = hits.last().unwrap();
        assert_eq!(hit.header(header).as_deref(), Some(expected));
        assert_eq!(
            hit.header("content-type").as_deref(),
            Some("application/xml")
        );
        let body = String::from_utf8(hit.body.clone()).unwrap();
        assert!(body.starts_with("<?xml"), "{body}");
        assert!(body.contains("<newsletter><subscriber>"), "{body}");
        assert!(body.contains("<id>1</id>"), "{body}");
        assert!(verify(w["secret"].as_str().unwrap(), hit));
        s.delete(&format!("/webhooks/{id}")).await;
    }
    assert_eq!(
        r.token_calls.load(std::sync::atomic::Ordering::SeqCst),
        1,
        "the OAuth token is cached"
    );
}

#[tokio::test]
async fn fan_out_honours_events_activity_schedule_filter_priority_and_delay() {
    let s = TestServer::start().await;
    let r = Receiver::start().await;
    let mk = |name: &str, extra: Value| {
        let mut b = webhook_body(name, &r.url(&format!("/ok?{name}")));
        for (k, v) in extra.as_object().unwrap() {
            b[k] = v.clone();
        }
        b
    };
    let mut names = std::collections::HashMap::new();
    for (name, extra) in [
        ("low", json!({"priority": 1})),
        ("high", json!({"priority": 9})),
        ("other-event", json!({"events": ["lock"]})),
        ("inactive", json!({"is_active": false})),
        ("later", json!({"active_from": "2999-01-01T00:00:00Z"})),
        (
            "eur-only",
            json!({"filter": {"condition": "orders.order[0].currency == 'EUR'"}}),
        ),
        (
            "matching",
            json!({"filter": {"condition": "orders.order[0].currency == 'HUF'"}, "priority": 5}),
        ),
    ] {
        let w = s.create(mk(name, extra)).await;
        names.insert(w["id"].as_str().unwrap().to_string(), name);
    }
    let delayed = s
        .create(mk(
            "delayed",
            json!({"delay": {"amount": 1, "unit": "minute"}}),
        ))
        .await;
    names.insert(delayed["id"].as_str().unwrap().to_string(), "delayed");
    let ids = s.emit("order_confirm", order()).await;
    let mut fanned = Vec::new();
    for id in &ids {
        let (_, d) = s.get(&format!("/deliveries/{id}")).await;
        fanned.push(names[d["data"]["webhook_id"].as_str().unwrap()]);
    }
    assert_eq!(
        fanned,
        vec!["high", "matching", "low", "delayed"],
        "matching webhooks, highest priority first"
    );
    eventually(10, "three deliveries", || async {
        (r.hits("/ok").len() >= 3).then_some(())
    })
    .await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let mut reached: Vec<String> = r
        .hits("/ok")
        .iter()
        .map(|h| h.query.clone().unwrap_or_default())
        .collect();
    reached.sort();
    assert_eq!(
        reached,
        vec!["high", "low", "matching"],
        "the delayed one waits"
    );

    let (_, list) = s
        .get(&format!(
            "/deliveries?webhook_id={}",
            delayed["id"].as_str().unwrap()
        ))
        .await;
    let d: Vec<Delivery> = serde_json::from_value(list["data"].clone()).unwrap();
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].status, DeliveryStatus::Scheduled);
    let wait = d[0].next_attempt_at.unwrap().unix_millis() - d[0].created_at.unwrap().unix_millis();
    assert!((59_000..=61_000).contains(&wait), "{wait}");

    // Deleting a webhook cancels what it had pending; the history stays readable.
    s.delete(&format!("/webhooks/{}", delayed["id"].as_str().unwrap()))
        .await;
    let (status, d) = s.get(&format!("/deliveries/{}", d[0].id)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(d["data"]["status"], "failed");
    let (status, _) = s
        .post(
            &format!("/deliveries/{}/retry", d["data"]["id"].as_str().unwrap()),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);

    let (_, scheduled) = s.get("/deliveries?status=succeeded").await;
    assert_eq!(scheduled["data"].as_array().unwrap().len(), 3);
    let (_, events) = s.get("/events").await;
    assert_eq!(events["data"][0]["deliveries"].as_array().unwrap().len(), 4);
    let (status, _) = s.get("/deliveries?status=bogus").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, res) = s
        .post("/events", json!({"event_type": "teleport", "payload": {}}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(res["errors"][0]["field"], "event_type");
}

#[tokio::test]
async fn manual_retry_and_recover_send_again() {
    let s = TestServer::start().await;
    let r = Receiver::start().await;
    let mut hook = webhook_body("retry me", &r.url("/fail"));
    hook["retry_count"] = json!(0);
    let (w, first) = one_delivery(&s, hook).await;
    let wid = w["id"].as_str().unwrap().to_string();
    let second = s.emit("order_confirm", order()).await[0].clone();
    finished(&s, &first).await;
    finished(&s, &second).await;
    let (status, _) = s
        .patch(&format!("/webhooks/{wid}"), json!({"url": r.url("/ok")}))
        .await;
    assert_eq!(status, StatusCode::OK);

    let (status, res) = s
        .post(&format!("/deliveries/{first}/retry"), json!({}))
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{res}");
    let d = s
        .wait_delivery(&first, "retry success", |d| d["status"] == "succeeded")
        .await;
    assert_eq!(d["attempt_count"], 2);
    assert_eq!(d["attempts"].as_array().unwrap().len(), 2);

    let (status, res) = s
        .post(
            &format!("/webhooks/{wid}/recover"),
            json!({"since": "2000-01-01T00:00:00Z"}),
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{res}");
    assert_eq!(res["data"]["queued"], 1);
    s.wait_delivery(&second, "recovered", |d| d["status"] == "succeeded")
        .await;
    let (status, _) = s.post("/deliveries/msg_nope/retry", json!({})).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn rotated_secret_signs_alongside_the_old_one() {
    let s = TestServer::start().await;
    let r = Receiver::start().await;
    let w = s.create(webhook_body("rotate", &r.url("/ok"))).await;
    let id = w["id"].as_str().unwrap();
    let old = w["secret"].as_str().unwrap().to_string();
    let (status, rotated) = s
        .post(&format!("/webhooks/{id}/secret/rotate"), json!({}))
        .await;
    assert_eq!(status, StatusCode::OK, "{rotated}");
    let new = rotated["data"]["secret"].as_str().unwrap().to_string();
    assert_ne!(old, new);
    assert!(rotated["data"]["previous_valid_until"].is_string());
    let (_, shown) = s.get(&format!("/webhooks/{id}")).await;
    assert_eq!(shown["data"]["secret"], new.as_str());
    let (_, res) = s
        .post(
            &format!("/webhooks/{id}/test"),
            json!({"event_type": "create"}),
        )
        .await;
    assert_eq!(res["data"]["status"], "succeeded");
    let hit = r.hits("/ok").pop().unwrap();
    let sig = hit.header("webhook-signature").unwrap();
    assert_eq!(sig.split(' ').count(), 2, "{sig}");
    assert!(verify(&new, &hit) && verify(&old, &hit));
    assert_eq!(hit.json()["event"], "create");
}

#[tokio::test]
async fn stats_count_attempts_per_bucket() {
    let s = TestServer::start().await;
    let r = Receiver::start().await;
    let mut hook = webhook_body("stats", &r.url("/fail"));
    hook["retry_count"] = json!(0);
    let w = s.create(hook).await;
    let id = w["id"].as_str().unwrap().to_string();
    for _ in 0..2 {
        s.post(
            &format!("/webhooks/{id}/test"),
            json!({"event_type": "lock"}),
        )
        .await;
    }
    s.patch(&format!("/webhooks/{id}"), json!({"url": r.url("/ok")}))
        .await;
    s.post(
        &format!("/webhooks/{id}/test"),
        json!({"event_type": "lock"}),
    )
    .await;
    let (status, stats) = s
        .get(&format!("/webhooks/{id}/stats?window=24h&bucket=1h"))
        .await;
    assert_eq!(status, StatusCode::OK);
    let buckets = stats["data"]["buckets"].as_array().unwrap();
    assert_eq!(buckets.len(), 24);
    let sum = |k: &str| buckets.iter().map(|b| b[k].as_u64().unwrap()).sum::<u64>();
    assert_eq!(sum("succeeded"), 1);
    assert_eq!(sum("failed"), 2);
    assert_eq!(
        buckets.last().unwrap()["succeeded"],
        1,
        "newest bucket last"
    );
    // A bucket longer than the window is the window; one too fine is widened to 1000
    // buckets; the answer says which bucket it used.
    let (status, one) = s
        .get(&format!("/webhooks/{id}/stats?window=1h&bucket=1d"))
        .await;
    assert_eq!(status, StatusCode::OK, "{one}");
    assert_eq!(one["data"]["bucket"], "1h");
    assert_eq!(one["data"]["buckets"].as_array().unwrap().len(), 1);
    let (status, wide) = s
        .get(&format!("/webhooks/{id}/stats?window=9999d&bucket=1m"))
        .await;
    assert_eq!(status, StatusCode::OK, "{wide}");
    assert_eq!(wide["data"]["buckets"].as_array().unwrap().len(), 1000);
    assert_eq!(wide["data"]["bucket"], "14399m");
    for bad in [
        "window=30s",
        "window=",
        "bucket=0h",
        "bucket=10000d",
        "window=1h&window=2h",
    ] {
        let (status, problem) = s.get(&format!("/webhooks/{id}/stats?{bad}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
        let param = bad.split('=').next().unwrap();
        assert_eq!(problem["errors"][0]["field"], param, "{bad}: {problem}");
    }
}

#[tokio::test]
async fn endpoint_status_and_overview_probes() {
    let s = TestServer::start().await;
    let r = Receiver::start().await;
    let mut hook = webhook_body("probe", &r.url("/ok"));
    hook["auth"] = json!({"type": "bearer", "token": "probe-token"});
    let w = s.create(hook).await;
    let id = w["id"].as_str().unwrap();
    let (status, st) = s.get(&format!("/webhooks/{id}/status")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(st["data"]["statusString"], "Online");
    assert_eq!(st["data"]["badgeColor"], "success");
    assert_eq!(st["data"]["additional"], serde_json::json!({"disk": "42%"}));
    let (status, ov) = s.get(&format!("/webhooks/{id}/overview")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(ov["data"]["html"], "<p>3 sites <script>x()</script></p>");
    let probe = r
        .hits
        .lock()
        .unwrap()
        .iter()
        .find(|h| h.query.as_deref() == Some("query=status"))
        .cloned()
        .unwrap();
    assert_eq!(
        probe.header("authorization").as_deref(),
        Some("Bearer probe-token")
    );

    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let w = s
        .create(webhook_body("down", &format!("http://{closed}/h")))
        .await;
    let id = w["id"].as_str().unwrap();
    let (_, st) = s.get(&format!("/webhooks/{id}/status")).await;
    assert_eq!(st["data"]["statusString"], "Unreachable");
    assert_eq!(st["data"]["badgeColor"], "danger");
    let (status, _) = s.get(&format!("/webhooks/{id}/overview")).await;
    assert_eq!(status, StatusCode::BAD_GATEWAY);
}

#[tokio::test]
async fn deliveries_list_filters_and_pages() {
    let s = TestServer::start().await;
    let r = Receiver::start().await;
    let a = s.create(webhook_body("a", &r.url("/ok"))).await;
    let mut b = webhook_body("b", &r.url("/ok"));
    b["events"] = json!(["order_confirm", "lock"]);
    s.create(b).await;
    for _ in 0..3 {
        s.emit("order_confirm", order()).await;
    }
    s.emit("lock", json!({"event": "lock"})).await;
    let (_, all) = s.get("/deliveries?limit=4").await;
    let page: Envelope<Vec<Delivery>> = serde_json::from_value(all.clone()).unwrap();
    assert_eq!(page.data.len(), 4);
    assert_eq!(page.data[0].event_type, "lock", "newest first");
    let cursor = page.meta.next_cursor.unwrap();
    let (_, rest) = s.get(&format!("/deliveries?limit=4&cursor={cursor}")).await;
    assert_eq!(rest["data"].as_array().unwrap().len(), 3);
    let (_, by_hook) = s
        .get(&format!(
            "/deliveries?webhook_id={}",
            a["id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(by_hook["data"].as_array().unwrap().len(), 3);
    let (_, by_type) = s.get("/deliveries?event_type=lock").await;
    assert_eq!(by_type["data"].as_array().unwrap().len(), 1);
    let (_, future) = s.get("/deliveries?since=2999-01-01T00:00:00Z").await;
    assert_eq!(future["data"], json!([]));
    let (_, past) = s.get("/deliveries?until=946684800").await;
    assert_eq!(past["data"], json!([]));
    let (status, _) = s.get("/deliveries?since=yesterday").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = s.get("/deliveries/msg_missing").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_slow_endpoint_does_not_stall_the_others() {
    let s = TestServer::start().await;
    let r = Receiver::start().await;
    let mut slow = webhook_body("slow", &r.url("/slow"));
    slow["timeout_seconds"] = json!(10);
    slow["events"] = json!(["lock"]);
    s.create(slow).await;
    for _ in 0..12 {
        s.emit("lock", json!({"event": "lock"})).await;
    }
    eventually(5, "the slow requests to start", || async {
        (!r.hits("/slow").is_empty()).then_some(())
    })
    .await;
    s.create(webhook_body("fast", &r.url("/ok"))).await;
    let started = std::time::Instant::now();
    let id = s.emit("order_confirm", order()).await[0].clone();
    let d = finished(&s, &id).await;
    assert_eq!(d.status, DeliveryStatus::Succeeded);
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "waited {:?} behind the slow endpoint",
        started.elapsed()
    );
    assert!(
        r.hits("/slow").len() <= 4,
        "one endpoint holds at most its share of the pool"
    );
}
