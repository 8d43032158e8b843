//! Replay jobs and missed events against real receivers: a dry run changes nothing, a job
//! sends each matched event exactly once more at the endpoint's rate, it can be cancelled,
//! it survives a restart, confirming twice starts one job, and an empty match starts none.

mod common;

use common::{config, eventually, Receiver, TestServer, TOKEN};
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::time::Duration;

/// Starts a replay with an idempotency key; returns the status, the body and whether the
/// answer was a replayed one.
async fn start_replay(s: &TestServer, key: &str, body: Value) -> (StatusCode, Value, bool) {
    let res = s
        .client
        .post(s.url("/replays"))
        .bearer_auth(TOKEN)
        .header("idempotency-key", key)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = res.status();
    let replayed = res.headers().get("idempotent-replayed").is_some();
    (status, res.json().await.unwrap(), replayed)
}

/// A webhook whose endpoint fails every attempt and has no retries, and `n` events that all
/// end failed there. Returns the webhook's id.
async fn outage(s: &TestServer, r: &Receiver, n: usize) -> String {
    let mut body = common::webhook_body("Orders", &r.url("/fail"));
    body["retry_count"] = json!(0);
    let w = s.create(body).await;
    let id = w["id"].as_str().unwrap().to_string();
    for i in 0..n {
        s.emit("order_confirm", json!({ "n": i })).await;
    }
    let path = format!("/deliveries?webhook_id={id}&status=failed&limit=200");
    eventually(20, "every delivery failed", || async {
        let (_, page) = s.get(&path).await;
        (page["data"].as_array().unwrap().len() == n).then_some(())
    })
    .await;
    id
}

/// The receiver is back: the webhook now points at a path that answers 200.
async fn recover(s: &TestServer, r: &Receiver, webhook: &str) {
    let (status, res) = s
        .patch(
            &format!("/webhooks/{webhook}"),
            json!({ "url": r.url("/ok") }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{res}");
}

/// How often each event's `n` reached `/ok`.
fn arrivals(r: &Receiver) -> HashMap<i64, usize> {
    let mut seen = HashMap::new();
    for h in r.hits("/ok") {
        *seen.entry(h.json()["n"].as_i64().unwrap()).or_default() += 1;
    }
    seen
}

async fn wait_state(s: &TestServer, id: &str, state: &str) -> Value {
    eventually(30, &format!("the replay {state}"), || async {
        let (_, job) = s.get(&format!("/replays/{id}")).await;
        (job["data"]["state"] == state).then(|| job["data"].clone())
    })
    .await
}

#[tokio::test]
async fn a_dry_run_counts_per_endpoint_and_changes_nothing() {
    let s = TestServer::start().await;
    let r = Receiver::start().await;
    let failing = outage(&s, &r, 6).await;
    let healthy = s
        .create(common::webhook_body("Healthy", &r.url("/ok")))
        .await;
    let healthy = healthy["id"].as_str().unwrap().to_string();
    s.emit("order_confirm", json!({ "n": 100 })).await;
    // That event failed at the outage's endpoint too: seven failures in all.
    eventually(10, "both deliveries of the last event", || async {
        let (_, failed) = s.get("/deliveries?status=failed&limit=200").await;
        (r.hits("/ok").len() == 1 && failed["data"].as_array().unwrap().len() == 7).then_some(())
    })
    .await;
    let (_, before) = s.get("/deliveries?limit=200").await;

    let (status, preview) = s
        .post(
            "/replays/dry-run",
            json!({ "filter": { "status": "failed" } }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{preview}");
    let p = &preview["data"];
    assert_eq!(p["total"], 7);
    assert_eq!(p["endpoints"].as_array().unwrap().len(), 1);
    assert_eq!(p["endpoints"][0]["webhook_id"], failing.as_str());
    assert_eq!(p["endpoints"][0]["total"], 7);
    assert_eq!(p["sample"].as_array().unwrap().len(), 7);
    assert!(p["warnings"].as_array().unwrap().is_empty());

    // The new filters of the history: a 5xx class matches the outage, 2xx the healthy one.
    let (_, fives) = s.get("/deliveries?status_class=5xx&limit=200").await;
    assert_eq!(fives["data"].as_array().unwrap().len(), 7);
    let (_, twos) = s.get("/deliveries?status_class=2xx").await;
    assert_eq!(twos["data"][0]["webhook_id"], healthy.as_str());
    let (status, bad) = s.get("/deliveries?status_class=6xx").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(bad["errors"][0]["field"], "status_class");

    // An inactive endpoint is named in a warning.
    let (status, _) = s
        .patch(
            &format!("/webhooks/{healthy}"),
            json!({ "is_active": false }),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, preview) = s
        .post(
            "/replays/dry-run",
            json!({ "filter": { "webhook_id": healthy } }),
        )
        .await;
    assert_eq!(preview["data"]["total"], 1);
    assert_eq!(preview["data"]["endpoints"][0]["is_active"], false);
    let warning = preview["data"]["warnings"][0].as_str().unwrap();
    assert!(
        warning.contains("Healthy") && warning.contains("inactive"),
        "{warning}"
    );

    // Nothing changed: no job, no delivery, no request to the receiver.
    let (_, jobs) = s.get("/replays").await;
    assert!(jobs["data"].as_array().unwrap().is_empty());
    let (_, after) = s.get("/deliveries?limit=200").await;
    assert_eq!(before["data"], after["data"]);
    assert_eq!(r.hits("/ok").len(), 1);
}

#[tokio::test]
async fn a_replay_sends_each_missed_event_exactly_once_more_and_confirming_twice_starts_one_job() {
    let s = TestServer::start().await;
    let r = Receiver::start().await;
    let webhook = outage(&s, &r, 25).await;

    let (_, missed) = s.get(&format!("/webhooks/{webhook}/missed")).await;
    assert_eq!(missed["data"]["total"], 25, "{missed}");
    assert_eq!(missed["data"]["groups"][0]["reason"], "retries_exhausted");
    assert_eq!(missed["data"]["groups"][0]["count"], 25);
    let (_, filtered) = s.get("/deliveries?missed=true&limit=200").await;
    assert_eq!(filtered["data"].as_array().unwrap().len(), 25);

    recover(&s, &r, &webhook).await;
    let body = json!({ "filter": { "webhook_id": webhook, "missed": true } });
    let (status, job, replayed) = start_replay(&s, "confirm-1", body.clone()).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{job}");
    assert!(!replayed);
    let id = job["data"]["id"].as_str().unwrap().to_string();
    assert_eq!(job["data"]["total"], 25);
    assert_eq!(job["data"]["state"], "running");

    // The same confirmation again: the same job, no second one.
    let (status, again, replayed) = start_replay(&s, "confirm-1", body.clone()).await;
    assert_eq!(status, StatusCode::ACCEPTED);
    assert!(replayed);
    assert_eq!(again["data"]["id"], id.as_str());
    // The same key with another body is refused.
    let (status, conflict, _) = start_replay(&s, "confirm-1", json!({ "filter": {} })).await;
    assert_eq!(status, StatusCode::CONFLICT, "{conflict}");

    let done = wait_state(&s, &id, "completed").await;
    for member in ["total", "queued", "sent", "succeeded"] {
        assert_eq!(done[member], 25, "{member}: {done}");
    }
    assert_eq!(done["failed"], 0);
    assert_eq!(done["endpoints"][0]["webhook_id"], webhook.as_str());
    assert_eq!(done["endpoints"][0]["succeeded"], 25);
    assert!(done["finished_at"].is_string());

    let seen = arrivals(&r);
    assert_eq!(seen.len(), 25);
    assert!(seen.values().all(|&c| c == 1), "{seen:?}");
    // Nothing is missed any more, and the job is listed.
    let (_, missed) = s.get(&format!("/webhooks/{webhook}/missed")).await;
    assert_eq!(missed["data"]["total"], 0);
    let (_, jobs) = s.get("/replays").await;
    assert_eq!(jobs["data"][0]["id"], id.as_str());
    assert!(jobs["meta"]["next_cursor"].is_null());
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(r.hits("/ok").len(), 25, "no event arrives a second time");
}

#[tokio::test]
async fn a_filter_that_matches_nothing_or_cannot_be_used_starts_nothing() {
    let s = TestServer::start().await;
    let r = Receiver::start().await;
    outage(&s, &r, 1).await;
    let cases = [
        (
            json!({ "filter": { "event_type": "no_such_type" } }),
            "filter",
        ),
        (json!({ "filter": { "colour": "red" } }), "filter.colour"),
        (
            json!({ "filter": { "status_class": "6xx" } }),
            "filter.status_class",
        ),
        (json!({ "filter": { "status": "lost" } }), "filter.status"),
        (
            json!({ "filter": { "webhook_id": " " } }),
            "filter.webhook_id",
        ),
        (
            json!({ "filter": { "since": "2024-02-01T00:00:00Z", "until": "2024-01-01T00:00:00Z" } }),
            "filter.until",
        ),
        (json!({}), "filter"),
    ];
    for (i, (body, field)) in cases.into_iter().enumerate() {
        let (status, problem, _) = start_replay(&s, &format!("k{i}"), body.clone()).await;
        assert_eq!(
            status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{body}: {problem}"
        );
        assert_eq!(problem["errors"][0]["field"], field, "{body}: {problem}");
    }
    // Without a key: refused, naming the header.
    let (status, problem) = s.post("/replays", json!({ "filter": {} })).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem["errors"][0]["field"], "Idempotency-Key");
    let (_, jobs) = s.get("/replays").await;
    assert!(jobs["data"].as_array().unwrap().is_empty());
    let (status, _) = s.get("/replays/rpl_nope").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_cancelled_job_stops_halfway_and_what_it_did_not_send_stays_missed() {
    let s = TestServer::with(|c| c.replay_rate = 4).await;
    let r = Receiver::start().await;
    let webhook = outage(&s, &r, 30).await;
    recover(&s, &r, &webhook).await;
    let (status, job, _) = start_replay(
        &s,
        "cancel-me",
        json!({ "filter": { "webhook_id": webhook, "status": "failed" } }),
    )
    .await;
    assert_eq!(status, StatusCode::ACCEPTED, "{job}");
    let id = job["data"]["id"].as_str().unwrap().to_string();
    eventually(10, "a few sent", || async {
        (r.hits("/ok").len() >= 3).then_some(())
    })
    .await;
    let (status, cancelled) = s.post(&format!("/replays/{id}/cancel"), json!({})).await;
    assert_eq!(status, StatusCode::OK, "{cancelled}");
    assert_eq!(cancelled["data"]["state"], "cancelled");
    assert!(cancelled["data"]["finished_at"].is_string());
    let queued = cancelled["data"]["queued"].as_u64().unwrap();
    assert!(queued < 30, "{cancelled}");

    tokio::time::sleep(Duration::from_millis(1500)).await;
    let (_, job) = s.get(&format!("/replays/{id}")).await;
    let job = &job["data"];
    assert_eq!(job["state"], "cancelled");
    assert_eq!(
        job["queued"].as_u64().unwrap(),
        queued,
        "nothing queued after the cancel"
    );
    let sent = r.hits("/ok").len() as u64;
    assert!(sent <= queued && sent < 30);
    assert_eq!(
        job["succeeded"].as_u64().unwrap() + job["failed"].as_u64().unwrap(),
        queued,
        "{job}"
    );
    assert!(arrivals(&r).values().all(|&c| c == 1));
    // Cancelling again changes nothing.
    let (status, again) = s.post(&format!("/replays/{id}/cancel"), json!({})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(again["data"]["queued"].as_u64().unwrap(), queued);
    // What was not sent is still missed.
    let (_, missed) = s.get(&format!("/webhooks/{webhook}/missed")).await;
    assert_eq!(missed["data"]["total"].as_u64().unwrap(), 30 - sent);
}

#[tokio::test]
async fn a_job_running_at_shutdown_resumes_at_the_next_start() {
    let mut s = TestServer::with(|c| c.replay_rate = 5).await;
    let r = Receiver::start().await;
    let webhook = outage(&s, &r, 20).await;
    recover(&s, &r, &webhook).await;
    let (_, job, _) = start_replay(
        &s,
        "survive",
        json!({ "filter": { "webhook_id": webhook, "missed": true } }),
    )
    .await;
    let id = job["data"]["id"].as_str().unwrap().to_string();
    eventually(10, "a few sent", || async {
        (r.hits("/ok").len() >= 3).then_some(())
    })
    .await;
    s.stop().await;
    let before = r.hits("/ok").len();
    assert!(before < 20, "the job was still running at shutdown");

    let dir = std::mem::replace(&mut s.dir, tempfile::tempdir().unwrap());
    let c = config(&dir);
    let s = TestServer::from_config(dir, c).await;
    let done = wait_state(&s, &id, "completed").await;
    assert_eq!(done["succeeded"], 20, "{done}");
    let seen = arrivals(&r);
    assert_eq!(seen.len(), 20);
    assert!(seen.values().all(|&c| c == 1), "{seen:?}");
}

#[tokio::test]
async fn a_replay_keeps_to_the_rate_per_endpoint() {
    let s = TestServer::with(|c| c.replay_rate = 5).await;
    let r = Receiver::start().await;
    let webhook = outage(&s, &r, 15).await;
    recover(&s, &r, &webhook).await;
    let (_, job, _) =
        start_replay(&s, "paced", json!({ "filter": { "webhook_id": webhook } })).await;
    let id = job["data"]["id"].as_str().unwrap().to_string();
    wait_state(&s, &id, "completed").await;
    let mut times: Vec<_> = r.hits("/ok").iter().map(|h| h.at).collect();
    times.sort();
    assert_eq!(times.len(), 15);
    // 15 at 5 a second, with at most one tick's worth at once: never more than the rate
    // (plus that allowance) in any second, so the whole takes over two seconds.
    for (i, t) in times.iter().enumerate() {
        let within = times[i..]
            .iter()
            .take_while(|u| u.duration_since(*t) < Duration::from_secs(1))
            .count();
        assert!(within <= 7, "{within} arrivals within one second");
    }
    assert!(times[14].duration_since(times[0]) >= Duration::from_secs(2));
}

#[tokio::test]
async fn missed_events_are_grouped_by_reason() {
    let s = TestServer::start().await;
    let r = Receiver::start().await;
    let exhausted = outage(&s, &r, 2).await;
    let gone = s
        .create(common::webhook_body("Gone", &r.url("/gone")))
        .await;
    let gone = gone["id"].as_str().unwrap().to_string();
    let mut doomed = common::webhook_body("Doomed", &r.url("/fail"));
    doomed["retry_count"] = json!(0);
    doomed["events"] = json!(["order_status_change"]);
    let doomed = s.create(doomed).await;
    let doomed = doomed["id"].as_str().unwrap().to_string();
    s.emit("order_status_change", json!({ "n": 7 })).await;
    s.emit("order_confirm", json!({ "n": 8 })).await;
    eventually(10, "the doomed delivery failed", || async {
        let (_, p) = s
            .get(&format!("/deliveries?webhook_id={doomed}&status=failed"))
            .await;
        (!p["data"].as_array().unwrap().is_empty()).then_some(())
    })
    .await;
    let (status, _) = s.delete(&format!("/webhooks/{doomed}")).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    eventually(10, "the 410 deactivated its webhook", || async {
        let (_, w) = s.get(&format!("/webhooks/{gone}")).await;
        (w["data"]["is_active"] == false).then_some(())
    })
    .await;

    let (status, all) = s.get("/missed").await;
    assert_eq!(status, StatusCode::OK, "{all}");
    let by: HashMap<(String, String), u64> = all["data"]["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            (
                (
                    g["webhook_id"].as_str().unwrap().to_string(),
                    g["reason"].as_str().unwrap().to_string(),
                ),
                g["count"].as_u64().unwrap(),
            )
        })
        .collect();
    // The outage's webhook got order_confirm three times; the 410 webhook once.
    assert_eq!(
        by[&(exhausted.clone(), "retries_exhausted".into())],
        3,
        "{all}"
    );
    assert_eq!(by[&(gone.clone(), "disabled".into())], 1, "{all}");
    assert_eq!(by[&(doomed.clone(), "deleted".into())], 1, "{all}");
    assert_eq!(all["data"]["total"], 5);
    let g = &all["data"]["groups"][0];
    assert!(g["first_at"].is_string() && g["last_at"].is_string());
    let (status, _) = s.get(&format!("/webhooks/{doomed}/missed")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
