//! Delivery search against the real server: full text over payloads and response bodies, the
//! payload field conditions with each operator, malformed filters, hostile full-text input,
//! and paging with a search.

mod common;

use common::{webhook_body, Receiver, TestServer};
use reqwest::StatusCode;
use serde_json::{json, Value};
use switchboard_api::percent::encode_component as enc;

/// Two webhooks on every event: `ok` answers `{"message":"stored"}`, `fail` answers 500 with
/// `{"message":"database down"}` and is not retried.
async fn two_hooks(s: &TestServer, r: &Receiver) -> (String, String) {
    let ok = s.create(webhook_body("ok", &r.url("/ok"))).await;
    let mut fail = webhook_body("fail", &r.url("/fail"));
    fail["retry_count"] = json!(0);
    let fail = s.create(fail).await;
    (
        ok["id"].as_str().unwrap().to_owned(),
        fail["id"].as_str().unwrap().to_owned(),
    )
}

fn orders() -> [Value; 3] {
    [
        json!({"order": {"email": "ann@example.com", "total": 150, "tags": ["vip", "new"], "note": "giraffe"}}),
        json!({"order": {"email": "bob@example.com", "total": 90, "tags": ["new"], "paid": true}}),
        json!({"order": {"email": "cy@example.org", "total": "abc", "note": null}}),
    ]
}

/// Emits the three orders and waits until all six deliveries are final.
async fn seeded() -> (TestServer, Receiver, String, String) {
    let s = TestServer::start().await;
    let r = Receiver::start().await;
    let (ok, fail) = two_hooks(&s, &r).await;
    let mut ids = Vec::new();
    for o in orders() {
        ids.extend(s.emit("order_confirm", o).await);
    }
    assert_eq!(ids.len(), 6);
    for id in &ids {
        s.wait_delivery(id, "a final status", |d| {
            matches!(d["status"].as_str(), Some("succeeded" | "failed"))
        })
        .await;
    }
    (s, r, ok, fail)
}

async fn list(s: &TestServer, query: &str) -> Vec<Value> {
    let (status, body) = s.get(&format!("/deliveries?{query}")).await;
    assert_eq!(status, StatusCode::OK, "{query}: {body}");
    body["data"].as_array().unwrap().clone()
}

/// The order emails of the matching deliveries of one webhook, sorted.
async fn emails(s: &TestServer, webhook: &str, filter: &str) -> Vec<String> {
    let rows = list(
        s,
        &format!("webhook_id={}&where={}", enc(webhook), enc(filter)),
    )
    .await;
    let mut v: Vec<String> = rows
        .iter()
        .map(|d| d["payload"]["order"]["email"].as_str().unwrap().to_owned())
        .collect();
    v.sort();
    v
}

#[tokio::test]
async fn full_text_finds_words_in_payloads_and_in_response_bodies() {
    let (s, _r, ok, fail) = seeded().await;
    let hits = list(&s, "q=giraffe").await;
    assert_eq!(hits.len(), 2, "both deliveries of the giraffe order");
    assert!(hits
        .iter()
        .all(|d| d["payload"]["order"]["note"] == "giraffe"));

    // Words only the endpoint's answers hold.
    let down = list(&s, &format!("q={}", enc("Database DOWN"))).await;
    assert_eq!(down.len(), 3);
    assert!(down.iter().all(|d| d["webhook_id"] == fail.as_str()));
    assert_eq!(list(&s, "q=datab*").await.len(), 3, "a prefix");
    let stored = list(&s, "q=stored").await;
    assert_eq!(stored.len(), 3);
    assert!(stored.iter().all(|d| d["webhook_id"] == ok.as_str()));
    // Combined with the other filters.
    let q = format!("q=database&webhook_id={}", enc(&ok));
    assert!(list(&s, &q).await.is_empty());
    assert_eq!(list(&s, "q=database&status=failed").await.len(), 3);
    assert!(list(&s, "q=nowhere").await.is_empty());
    // An email is found as a phrase of its parts.
    assert_eq!(list(&s, "q=bob%40example.com").await.len(), 2);
    // Empty text is no search.
    assert_eq!(list(&s, "q=").await.len(), 6);
}

#[tokio::test]
async fn field_conditions_with_each_operator() {
    let (s, _r, ok, _) = seeded().await;
    let (ann, bob, cy) = ("ann@example.com", "bob@example.com", "cy@example.org");
    for (filter, want) in [
        (r#"order.email = "ann@example.com""#, vec![ann]),
        (r#"order.email == ann@example.com"#, vec![ann]),
        // A payload without the field, or with another value, differs.
        (r#"order.email != "ann@example.com""#, vec![bob, cy]),
        ("order.paid != true", vec![ann, cy]),
        ("order.total > 100", vec![ann]),
        ("order.total >= 90", vec![ann, bob]),
        // Text never compares with a number: "abc" is neither below nor above 100.
        ("order.total < 100", vec![bob]),
        ("order.total <= 150", vec![ann, bob]),
        ("order.total = 150", vec![ann]),
        ("order.total = abc", vec![cy]),
        (r#"order.email > "b""#, vec![bob, cy]),
        ("order.tags contains vip", vec![ann]),
        ("order.tags contains new", vec![ann, bob]),
        ("order.email contains EXAMPLE.COM", vec![ann, bob]),
        ("order.tags.0 = vip", vec![ann]),
        ("order.paid = true", vec![bob]),
        ("order.paid = false", vec![]),
        ("order.note = null", vec![cy]),
        ("order.missing = null", vec![]),
        ("order.tags contains new AND order.total < 100", vec![bob]),
        (
            "order.tags contains new and order.total > 100 and order.note = giraffe",
            vec![ann],
        ),
        ("", vec![ann, bob, cy]),
    ] {
        assert_eq!(emails(&s, &ok, filter).await, want, "{filter}");
    }
    // Conditions and full text together.
    let q = format!("q=giraffe&where={}", enc("order.total > 100"));
    assert_eq!(list(&s, &q).await.len(), 2);
    let q = format!("q=giraffe&where={}", enc("order.total < 100"));
    assert!(list(&s, &q).await.is_empty());
}

#[tokio::test]
async fn a_malformed_filter_is_a_problem_naming_the_part() {
    let s = TestServer::start().await;
    for (filter, part, why) in [
        ("order.total >", "character 14", "a value must follow"),
        ("order.total 100", "\"100\"", "operator"),
        (
            r#"order.email = "ann"#,
            "\"\\\"ann\"",
            "closing double quote",
        ),
        ("order.total = (1)", "\"(\"", "no meaning"),
        ("a = 1 b = 2", "\"b\"", "and"),
        ("a..b = 1", "\"a..b\"", "dots"),
        ("a > true", "\"true\"", "numbers or text"),
    ] {
        let res = s
            .client
            .get(s.url(&format!("/deliveries?where={}", enc(filter))))
            .bearer_auth(common::TOKEN)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{filter}");
        let ct = res.headers()["content-type"].to_str().unwrap().to_owned();
        assert!(ct.starts_with("application/problem+json"), "{ct}");
        let body: Value = res.json().await.unwrap();
        let e = &body["errors"][0];
        assert_eq!(e["field"], "where", "{filter}: {body}");
        let msg = e["message"].as_str().unwrap();
        assert!(msg.contains(part), "{filter}: {msg}");
        assert!(msg.contains(why), "{filter}: {msg}");
    }
    let long = "a = 1 and ".repeat(150);
    let (status, body) = s.get(&format!("/deliveries?where={}", enc(&long))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["errors"][0]["field"], "where");
    let (status, body) = s.get(&format!("/deliveries?q={}", "x".repeat(1001))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["errors"][0]["field"], "q");
}

#[tokio::test]
async fn hostile_full_text_is_plain_text_never_a_server_error() {
    let (s, _r, _, _) = seeded().await;
    for q in [
        "\"",
        "a\" OR \"b",
        "NEAR(giraffe vip)",
        "payload:giraffe",
        "{payload responses}: giraffe",
        "*",
        "giraffe*",
        "^giraffe",
        "AND",
        "giraffe OR",
        "NOT giraffe",
        "(",
        ")))",
        "-giraffe",
        "+",
        "'; DROP TABLE deliveries; --",
        "\u{0}",
        "\\",
        "!!!",
        "ü 🦒",
    ] {
        let (status, body) = s.get(&format!("/deliveries?q={}", enc(q))).await;
        assert_eq!(status, StatusCode::OK, "{q:?}: {body}");
    }
    // Operators are words to look for, not operators.
    assert!(list(&s, &format!("q={}", enc("giraffe OR stored")))
        .await
        .is_empty());
    assert_eq!(list(&s, &format!("q={}", enc("(giraffe)"))).await.len(), 2);
    // Nothing to look for matches nothing rather than everything.
    assert!(list(&s, &format!("q={}", enc("!!!"))).await.is_empty());
    // The table is still there.
    assert_eq!(list(&s, "").await.len(), 6);
}

#[tokio::test]
async fn results_are_cursor_paged() {
    let s = TestServer::start().await;
    let r = Receiver::start().await;
    s.create(webhook_body("ok", &r.url("/ok"))).await;
    for n in 0..7 {
        s.emit("order_confirm", json!({"n": n, "animal": "zebra"}))
            .await;
        s.emit("order_confirm", json!({"n": n, "animal": "yak"}))
            .await;
    }
    let mut seen = Vec::new();
    let mut cursor = String::new();
    let mut pages = 0;
    loop {
        let (status, body) = s
            .get(&format!(
                "/deliveries?q=zebra&where={}&limit=3&cursor={cursor}",
                enc("n >= 0")
            ))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        pages += 1;
        for d in body["data"].as_array().unwrap() {
            assert_eq!(d["payload"]["animal"], "zebra");
            seen.push(d["payload"]["n"].as_i64().unwrap());
        }
        match body["meta"]["next_cursor"].as_str() {
            Some(c) => cursor = enc(c),
            None => break,
        }
    }
    assert_eq!(pages, 3);
    assert_eq!(seen, vec![6, 5, 4, 3, 2, 1, 0], "newest first, each once");
}
