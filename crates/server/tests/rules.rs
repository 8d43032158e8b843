//! Delivery rules that must hold under concurrency and over time: bounded filters, held
//! deliveries, idempotent emits, atomic edits and rotations, credentials that do not follow
//! a moved URL, write-only header values, redacted records, and the rotation grace period.

mod common;

use common::{eventually, webhook_body, Receiver, TestServer, TOKEN};
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::time::Duration;
use switchboard_server::clock::Clock;

fn order() -> Value {
    json!({"orders": {"order": [{"innerId": "190", "currency": "HUF"}]}})
}

async fn status_of(s: &TestServer, id: &str) -> String {
    let (_, d) = s.get(&format!("/deliveries/{id}")).await;
    d["data"]["status"].as_str().unwrap_or_default().to_string()
}

#[tokio::test]
async fn a_filter_over_its_budget_fails_its_own_match_and_holds_no_lock() {
    let s = TestServer::with(|c| c.filter_budget = Duration::from_secs(2)).await;
    let r = Receiver::start().await;
    let mut slow = webhook_body("slow filter", &r.url("/ok"));
    // Three nested comprehensions over the payload's 2000 items: billions of steps.
    slow["filter"] =
        json!({"condition": "items.all(a, items.all(b, items.all(c, a + b + c >= 0)))"});
    let slow = s.create(slow).await;
    let quick = s.create(webhook_body("no filter", &r.url("/ok"))).await;

    let items: Vec<i64> = (0..2000).collect();
    let body = json!({"event_type": "order_confirm", "payload": {"items": items}});
    let emit = {
        let client = s.client.clone();
        let url = s.url("/events");
        tokio::spawn(async move {
            let res = client
                .post(url)
                .bearer_auth(TOKEN)
                .json(&body)
                .send()
                .await
                .unwrap();
            (res.status(), res.json::<Value>().await.unwrap())
        })
    };
    // While the condition is being evaluated, the store answers everyone else.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let listed = tokio::time::timeout(Duration::from_millis(1000), s.get("/webhooks")).await;
    assert!(listed.is_ok(), "a filter being evaluated blocks the store");

    let (status, res) = tokio::time::timeout(Duration::from_secs(10), emit)
        .await
        .expect("the emit ends within its filter budget")
        .unwrap();
    assert_eq!(status, StatusCode::CREATED, "{res}");
    let event = &res["data"];
    assert_eq!(event["deliveries"].as_array().unwrap().len(), 1, "{event}");
    let errors = event["filter_errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{event}");
    assert_eq!(errors[0]["webhook_id"], slow["id"]);
    assert!(
        errors[0]["reason"].as_str().unwrap().contains("budget"),
        "{event}"
    );
    // The reason stays on the event for whoever looks later.
    let (_, listed) = s.get("/events").await;
    assert_eq!(listed["data"][0]["filter_errors"], event["filter_errors"]);
    let (_, d) = s
        .get(&format!(
            "/deliveries/{}",
            event["deliveries"][0].as_str().unwrap()
        ))
        .await;
    assert_eq!(d["data"]["webhook_id"], quick["id"]);
}

#[tokio::test]
async fn deactivation_holds_queued_and_retrying_deliveries_until_the_user_chooses() {
    let s = TestServer::start().await;
    let r = Receiver::start().await;

    // A delivery waiting for its retry: /flaky fails twice, then succeeds.
    let mut retrying = webhook_body("retrying", &r.url("/flaky"));
    retrying["retry_count"] = json!(5);
    let retrying = s.create(retrying).await;
    // A delivery waiting for its delay.
    let mut later = webhook_body("later", &r.url("/ok"));
    later["delay"] = json!({"amount": 1, "unit": "minute"});
    let later = s.create(later).await;

    let ids = s.emit("order_confirm", order()).await;
    assert_eq!(ids.len(), 2);
    let (_, d0) = s.get(&format!("/deliveries/{}", ids[0])).await;
    let (flaky, delayed) = if d0["data"]["webhook_id"] == retrying["id"] {
        (ids[0].clone(), ids[1].clone())
    } else {
        (ids[1].clone(), ids[0].clone())
    };
    s.wait_delivery(&flaky, "a first failed attempt", |d| {
        d["attempt_count"] == 1
    })
    .await;

    for w in [&retrying, &later] {
        let path = format!("/webhooks/{}", w["id"].as_str().unwrap());
        let (status, res) = s.patch(&path, json!({"is_active": false})).await;
        assert_eq!(status, StatusCode::OK, "{res}");
    }
    // Held: neither sent nor failed, and counted on the webhook.
    eventually(5, "the retry to be held", || async {
        (status_of(&s, &flaky).await == "held").then_some(())
    })
    .await;
    assert_eq!(status_of(&s, &delayed).await, "held");
    let sent = r.hits("/flaky").len();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(r.hits("/flaky").len(), sent, "a held delivery was sent");
    assert_eq!(status_of(&s, &flaky).await, "held");
    let (_, w) = s
        .get(&format!("/webhooks/{}", retrying["id"].as_str().unwrap()))
        .await;
    assert_eq!(w["data"]["held"], 1, "{w}");
    let (_, held) = s.get("/deliveries?status=held").await;
    assert_eq!(held["data"].as_array().unwrap().len(), 2, "{held}");

    // Resumed: the retry goes on to succeed.
    let path = format!("/webhooks/{}", retrying["id"].as_str().unwrap());
    let (status, res) = s
        .patch(&path, json!({"is_active": true, "held": "resume"}))
        .await;
    assert_eq!(status, StatusCode::OK, "{res}");
    assert_eq!(res["data"]["held"], 0, "{res}");
    s.wait_delivery(&flaky, "the resumed delivery to succeed", |d| {
        d["status"] == "succeeded"
    })
    .await;

    // Cancelled: failed without a send.
    let path = format!("/webhooks/{}", later["id"].as_str().unwrap());
    let (status, res) = s
        .patch(&path, json!({"is_active": true, "held": "cancel"}))
        .await;
    assert_eq!(status, StatusCode::OK, "{res}");
    assert_eq!(status_of(&s, &delayed).await, "failed");
    assert!(r.hits("/ok").is_empty());
}

async fn emit_with_key(
    s: &TestServer,
    key: &str,
    payload: Value,
) -> (StatusCode, Option<String>, Value) {
    let res = s
        .client
        .post(s.url("/events"))
        .bearer_auth(TOKEN)
        .header("Idempotency-Key", key)
        .json(&json!({"event_type": "order_confirm", "payload": payload}))
        .send()
        .await
        .unwrap();
    let status = res.status();
    let replayed = res
        .headers()
        .get("idempotent-replayed")
        .map(|v| v.to_str().unwrap().to_string());
    (status, replayed, res.json().await.unwrap())
}

#[tokio::test]
async fn a_producers_retry_with_its_idempotency_key_emits_nothing_new() {
    let s = TestServer::start().await;
    let r = Receiver::start().await;
    s.create(webhook_body("erp", &r.url("/ok"))).await;

    let (status, replayed, first) = emit_with_key(&s, "order-190", order()).await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
    assert_eq!(replayed, None);
    let (status, replayed, again) = emit_with_key(&s, "order-190", order()).await;
    assert_eq!(status, StatusCode::CREATED, "{again}");
    assert_eq!(replayed.as_deref(), Some("true"));
    assert_eq!(again["data"]["id"], first["data"]["id"]);
    assert_eq!(again["data"]["deliveries"], first["data"]["deliveries"]);

    let (status, _, other) = emit_with_key(&s, "order-190", json!({"orders": {}})).await;
    assert_eq!(status, StatusCode::CONFLICT, "{other}");
    assert_eq!(other["status"], 409);

    eventually(5, "the one delivery", || async {
        (!r.hits("/ok").is_empty()).then_some(())
    })
    .await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let ids: Vec<String> = r
        .hits("/ok")
        .iter()
        .map(|h| h.header("webhook-id").unwrap())
        .collect();
    assert_eq!(ids.len(), 1, "{ids:?}");
    let (_, events) = s.get("/events").await;
    assert_eq!(events["data"].as_array().unwrap().len(), 1);
}

/// Which of `secrets` signed a delivery. Checked by recomputing each signature rather than
/// with a verifier, whose timestamp tolerance goes by the real clock, not the test's.
fn signed_by(hit: &common::Hit, secrets: &[String]) -> Vec<String> {
    use switchboard_server::engine::signature::sign;
    let header = hit.header("webhook-signature").unwrap();
    let id = hit.header("webhook-id").unwrap();
    let timestamp: i64 = hit.header("webhook-timestamp").unwrap().parse().unwrap();
    secrets
        .iter()
        .filter(|secret| {
            let expected = sign(secret, &id, timestamp, &hit.body).unwrap();
            header
                .split(' ')
                .any(|sig| sig == expected || sig == format!("v1,{expected}"))
        })
        .cloned()
        .collect()
}

#[tokio::test]
async fn concurrent_edits_rotations_and_deactivations_lose_nothing() {
    let s = TestServer::start().await;
    let r = Receiver::start().await;
    let mut hooks = Vec::new();
    for i in 0..12 {
        let w = s
            .create(webhook_body(&format!("hook {i}"), &r.url("/ok")))
            .await;
        hooks.push(format!("/webhooks/{}", w["id"].as_str().unwrap()));
    }
    let mut tasks = tokio::task::JoinSet::new();
    for path in &hooks {
        for body in [
            json!({"name": "renamed"}),
            json!({"description": "described"}),
            json!({"is_active": false}),
            json!({"retry_count": 7}),
        ] {
            let (client, url) = (s.client.clone(), s.url(path));
            tasks.spawn(async move {
                let res = client
                    .patch(url)
                    .bearer_auth(TOKEN)
                    .json(&body)
                    .send()
                    .await
                    .unwrap();
                assert_eq!(
                    res.status(),
                    StatusCode::OK,
                    "{}",
                    res.text().await.unwrap()
                );
            });
        }
    }
    while let Some(t) = tasks.join_next().await {
        t.unwrap();
    }
    for path in &hooks {
        let (_, w) = s.get(path).await;
        let w = &w["data"];
        assert_eq!(w["name"], "renamed", "{w}");
        assert_eq!(w["description"], "described", "{w}");
        assert_eq!(w["is_active"], false, "{w}");
        assert_eq!(w["retry_count"], 7, "{w}");
    }

    // Rotations racing one another and edits: the secret stored is one a rotation handed
    // out, and the one it replaced (which still signs) is another.
    let path = hooks[0].clone();
    s.patch(&path, json!({"is_active": true})).await;
    let mut rotations = tokio::task::JoinSet::new();
    for i in 0..8 {
        let (client, base) = (s.client.clone(), s.url(&path));
        rotations.spawn(async move {
            if i % 2 == 0 {
                client
                    .patch(&base)
                    .bearer_auth(TOKEN)
                    .json(&json!({"name": format!("edit {i}")}))
                    .send()
                    .await
                    .unwrap();
            }
            let res = client
                .post(format!("{base}/secret/rotate"))
                .bearer_auth(TOKEN)
                .send()
                .await
                .unwrap();
            let v: Value = res.json().await.unwrap();
            v["data"]["secret"].as_str().unwrap().to_string()
        });
    }
    let mut handed_out = Vec::new();
    while let Some(t) = rotations.join_next().await {
        handed_out.push(t.unwrap());
    }
    let (_, w) = s.get(&path).await;
    let stored = w["data"]["secret"].as_str().unwrap().to_string();
    assert!(handed_out.contains(&stored), "a rotation was undone");
    s.emit("order_confirm", order()).await;
    let hit = eventually(5, "a delivery", || async {
        r.hits("/ok").into_iter().next()
    })
    .await;
    let signers = signed_by(&hit, &handed_out);
    assert_eq!(
        signers.len(),
        2,
        "the replaced secret is one a rotation handed out: {signers:?}"
    );
}

#[tokio::test]
async fn a_url_on_another_host_does_not_take_the_stored_credentials_along() {
    let s = TestServer::start().await;
    let first = Receiver::start().await;
    let other = Receiver::start().await;
    let mut hook = webhook_body("moving", &first.url("/ok"));
    hook["auth"] = json!({"type": "bearer", "token": "t0ps3cret"});
    hook["headers"] = json!({"X-Api-Key": "k3y", "X-Shop": "demo"});
    let w = s.create(hook).await;
    let path = format!("/webhooks/{}", w["id"].as_str().unwrap());

    // Another path on the same host keeps them.
    let (status, res) = s.patch(&path, json!({"url": first.url("/ok?v=2")})).await;
    assert_eq!(status, StatusCode::OK, "{res}");
    assert_eq!(res["data"]["auth"]["type"], "bearer");
    assert_eq!(
        res["data"]["headers"],
        json!({"X-Api-Key": null, "X-Shop": null})
    );

    // Another host: dropped, unless sent again.
    let (status, res) = s.patch(&path, json!({"url": other.url("/ok")})).await;
    assert_eq!(status, StatusCode::OK, "{res}");
    assert_eq!(res["data"]["auth"], json!({"type": "none"}));
    assert_eq!(res["data"]["headers"], json!({}));
    s.emit("order_confirm", order()).await;
    let hit = eventually(5, "a delivery", || async {
        other.hits("/ok").into_iter().next()
    })
    .await;
    assert_eq!(hit.header("authorization"), None);
    assert_eq!(hit.header("x-api-key"), None);

    // Keeping a header's value cannot carry it to another host either.
    let (status, res) = s
        .patch(
            &path,
            json!({"url": first.url("/ok"), "headers": {"X-Shop": null}}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{res}");

    let (status, res) = s
        .patch(
            &path,
            json!({
                "url": first.url("/ok"),
                "auth": {"type": "bearer", "token": "n3w"},
                "headers": {"X-Shop": "demo"},
            }),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{res}");
    assert_eq!(res["data"]["auth"]["type"], "bearer");
    s.emit("order_confirm", order()).await;
    let hit = eventually(5, "a delivery", || async {
        first.hits("/ok").into_iter().next()
    })
    .await;
    assert_eq!(hit.header("authorization").as_deref(), Some("Bearer n3w"));
    assert_eq!(hit.header("x-shop").as_deref(), Some("demo"));
}

#[tokio::test]
async fn header_values_are_write_only_and_kept_when_left_blank() {
    let s = TestServer::start().await;
    let r = Receiver::start().await;
    let mut hook = webhook_body("headers", &r.url("/ok"));
    hook["headers"] = json!({"X-Api-Key": "k3y", "X-Shop": "demo"});
    let w = s.create(hook).await;
    assert_eq!(w["headers"], json!({"X-Api-Key": null, "X-Shop": null}));
    let path = format!("/webhooks/{}", w["id"].as_str().unwrap());
    let (_, one) = s.get(&path).await;
    assert_eq!(
        one["data"]["headers"],
        json!({"X-Api-Key": null, "X-Shop": null})
    );
    let (_, list) = s.get("/webhooks").await;
    assert!(!list.to_string().contains("k3y"), "{list}");

    // null keeps the stored value; a string replaces it; a name left out goes.
    let (status, res) = s
        .patch(
            &path,
            json!({"headers": {"X-Api-Key": null, "X-Region": "eu"}}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{res}");
    assert_eq!(
        res["data"]["headers"],
        json!({"X-Api-Key": null, "X-Region": null})
    );
    s.emit("order_confirm", order()).await;
    let hit = eventually(5, "a delivery", || async {
        r.hits("/ok").into_iter().next()
    })
    .await;
    assert_eq!(hit.header("x-api-key").as_deref(), Some("k3y"));
    assert_eq!(hit.header("x-region").as_deref(), Some("eu"));
    assert_eq!(hit.header("x-shop"), None);

    // Keeping a value that was never stored is an error at that header.
    let (status, res) = s.patch(&path, json!({"headers": {"X-Other": null}})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{res}");
    assert_eq!(res["errors"][0]["field"], "headers.X-Other");
}

#[tokio::test]
async fn recorded_requests_hide_secret_looking_headers_and_query_values() {
    let s = TestServer::start().await;
    let r = Receiver::start().await;
    let mut hook = webhook_body("recorded", &r.url("/ok?token=abc123&shop=demo"));
    hook["headers"] = json!({"X-Session-Id": "s355ion", "X-Shop": "demo"});
    s.create(hook).await;
    let ids = s.emit("order_confirm", order()).await;
    let d = s
        .wait_delivery(&ids[0], "an attempt", |d| d["status"] == "succeeded")
        .await;
    let request = &d["attempts"][0]["request"];
    let url = request["url"].as_str().unwrap();
    assert!(
        url.ends_with("/ok?token=[redacted]&shop=[redacted]"),
        "{url}"
    );
    let text = request.to_string();
    for secret in ["abc123", "s355ion"] {
        assert!(!text.contains(secret), "{secret} in {text}");
    }
    let headers: Vec<(String, String)> =
        serde_json::from_value(request["headers"].clone()).unwrap();
    let shown = |name: &str| {
        headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    assert_eq!(shown("x-session-id").as_deref(), Some("[redacted]"));
    assert_eq!(shown("x-shop").as_deref(), Some("demo"));
    // Sent as configured all the same.
    let hit = &r.hits("/ok")[0];
    assert_eq!(hit.query.as_deref(), Some("token=abc123&shop=demo"));
    assert_eq!(hit.header("x-session-id").as_deref(), Some("s355ion"));
}

#[tokio::test]
async fn the_replaced_secret_stops_signing_when_its_grace_period_ends() {
    let clock = Clock::manual(time::OffsetDateTime::now_utc().unix_timestamp() * 1000);
    let c = clock.clone();
    let s = TestServer::with(move |config| config.clock = c).await;
    let r = Receiver::start().await;
    let w = s.create(webhook_body("rotating", &r.url("/ok"))).await;
    let old = w["secret"].as_str().unwrap().to_string();
    let path = format!("/webhooks/{}/secret/rotate", w["id"].as_str().unwrap());
    let (status, res) = s.post(&path, json!({})).await;
    assert_eq!(status, StatusCode::OK, "{res}");
    let new = res["data"]["secret"].as_str().unwrap().to_string();
    let both = [old.clone(), new.clone()];

    // Just before the end of the grace period both sign.
    clock.advance(24 * 3600 * 1000 - 1000);
    s.emit("order_confirm", order()).await;
    let hit = eventually(5, "a delivery", || async {
        r.hits("/ok").into_iter().next()
    })
    .await;
    assert_eq!(signed_by(&hit, &both), both);

    // After it, only the new one.
    clock.advance(2000);
    s.emit("order_confirm", order()).await;
    let hit = eventually(5, "a second delivery", || async {
        r.hits("/ok").into_iter().nth(1)
    })
    .await;
    assert_eq!(signed_by(&hit, &both), [new]);
}
