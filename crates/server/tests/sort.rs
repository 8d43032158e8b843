//! `GET /webhooks?sort=…`: every order paged through with ties, cursors that belong to one
//! order, and values the contract does not have.

mod common;

use common::{webhook_body, TestServer};
use reqwest::StatusCode;
use serde_json::Value;
use switchboard_server::Profile;

/// Webhook names in a page's order.
fn names(v: &Value) -> Vec<String> {
    v["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["name"].as_str().unwrap().to_string())
        .collect()
}

/// Every page of `sort`, `limit` at a time, and the cursors that led there.
async fn all_pages(s: &TestServer, sort: &str, limit: u32) -> (Vec<String>, Vec<String>) {
    let (mut seen, mut cursors) = (Vec::new(), Vec::new());
    let mut cursor = String::new();
    loop {
        let (status, page) = s
            .get(&format!(
                "/webhooks?sort={sort}&limit={limit}&cursor={cursor}"
            ))
            .await;
        assert_eq!(status, StatusCode::OK, "{page}");
        let got = names(&page);
        assert!(got.len() <= limit as usize);
        seen.extend(got);
        match page["meta"]["next_cursor"].as_str() {
            Some(next) => {
                cursor = next.to_string();
                cursors.push(cursor.clone());
            }
            None => break,
        }
        assert!(cursors.len() < 50, "paging does not end");
    }
    (seen, cursors)
}

/// Nine webhooks with names and failure counts that tie, created in this order. The failure
/// counts are written to the database file: how deliveries raise them is `delivery.rs`'s.
async fn seeded() -> TestServer {
    let s = TestServer::start().await;
    let rows = [
        ("beta", 2),
        ("Alpha", 0),
        ("beta", 5),
        ("gamma", 2),
        ("alpha", 2),
        ("Delta", 0),
        ("beta", 2),
        ("épsilon", 1),
        ("Gamma", 5),
    ];
    let db = rusqlite::Connection::open(s.dir.path().join("switchboard.db")).unwrap();
    db.busy_timeout(std::time::Duration::from_secs(5)).unwrap();
    for (i, (name, failures)) in rows.into_iter().enumerate() {
        let w = s.create(webhook_body(name, "https://a.example/h")).await;
        // The description tells tied rows apart in the assertions.
        db.execute(
            "UPDATE webhooks SET description = ?1, failure_count = ?2, \
             last_failure_at = CASE WHEN ?2 > 0 THEN 1000 + ?2 END WHERE id = ?3",
            rusqlite::params![format!("row {i}"), failures, w["id"].as_str().unwrap()],
        )
        .unwrap();
    }
    s
}

/// Rows as `name/description`, so ties are told apart.
async fn rows(s: &TestServer, sort: &str, limit: u32) -> Vec<String> {
    let mut out = Vec::new();
    let mut cursor = String::new();
    loop {
        let (status, page) = s
            .get(&format!(
                "/webhooks?sort={sort}&limit={limit}&cursor={cursor}"
            ))
            .await;
        assert_eq!(status, StatusCode::OK, "{page}");
        for w in page["data"].as_array().unwrap() {
            out.push(format!(
                "{}/{}",
                w["name"].as_str().unwrap(),
                w["description"].as_str().unwrap()
            ));
        }
        match page["meta"]["next_cursor"].as_str() {
            Some(next) => cursor = next.to_string(),
            None => return out,
        }
    }
}

#[tokio::test]
async fn every_order_pages_through_ties_without_repeats_or_gaps() {
    let s = seeded().await;
    let expect_name = [
        "Alpha/row 1",
        "alpha/row 4",
        "beta/row 0",
        "beta/row 2",
        "beta/row 6",
        "Delta/row 5",
        "gamma/row 3",
        "Gamma/row 8",
        "épsilon/row 7",
    ];
    let expect_failures = [
        "Gamma/row 8",
        "beta/row 2",
        "beta/row 6",
        "alpha/row 4",
        "gamma/row 3",
        "beta/row 0",
        "épsilon/row 7",
        "Delta/row 5",
        "Alpha/row 1",
    ];
    let expect_created = [
        "Gamma/row 8",
        "épsilon/row 7",
        "beta/row 6",
        "Delta/row 5",
        "alpha/row 4",
        "gamma/row 3",
        "beta/row 2",
        "Alpha/row 1",
        "beta/row 0",
    ];
    // Every page size, so every tie falls across a page boundary at least once.
    for limit in [1, 2, 3, 4, 9, 50] {
        assert_eq!(
            rows(&s, "name_asc", limit).await,
            expect_name,
            "name_asc by {limit}"
        );
        assert_eq!(
            rows(&s, "failures_desc", limit).await,
            expect_failures,
            "failures_desc by {limit}"
        );
        // Last failure follows the failure count here (1000 + count), the never-failed last.
        assert_eq!(
            rows(&s, "last_failure_desc", limit).await,
            expect_failures,
            "last_failure_desc by {limit}"
        );
        assert_eq!(
            rows(&s, "created_desc", limit).await,
            expect_created,
            "created_desc by {limit}"
        );
    }
    // No `sort` is newest first, and its cursors are the same.
    let (plain, plain_cursors) = all_pages(&s, "created_desc", 4).await;
    let (_, p) = s.get("/webhooks?limit=4").await;
    assert_eq!(names(&p), plain[..4]);
    assert_eq!(p["meta"]["next_cursor"], plain_cursors[0].as_str());
    // Never succeeded: last_success_desc falls back to its tiebreaker, newest first.
    let (success, _) = all_pages(&s, "last_success_desc", 2).await;
    assert_eq!(success, plain);
    // Filters and an order together.
    let (_, p) = s.get("/webhooks?sort=name_asc&q=beta&limit=2").await;
    assert_eq!(names(&p), ["beta", "beta"]);
    let next = p["meta"]["next_cursor"].as_str().unwrap().to_string();
    let (_, p) = s
        .get(&format!(
            "/webhooks?sort=name_asc&q=beta&limit=2&cursor={next}"
        ))
        .await;
    assert_eq!(p["data"][0]["description"], "row 6");
    assert!(p["meta"]["next_cursor"].is_null());
}

#[tokio::test]
async fn a_cursor_from_another_order_is_a_problem_naming_cursor() {
    let s = seeded().await;
    let sorts = [
        "created_desc",
        "name_asc",
        "failures_desc",
        "last_failure_desc",
        "last_success_desc",
    ];
    for from in sorts {
        let (_, cursors) = all_pages(&s, from, 2).await;
        let cursor = &cursors[0];
        for to in sorts.iter().filter(|t| **t != from) {
            let (status, body) = s
                .get(&format!("/webhooks?sort={to}&limit=2&cursor={cursor}"))
                .await;
            assert_eq!(
                status,
                StatusCode::BAD_REQUEST,
                "{from} cursor with {to}: {body}"
            );
            assert_eq!(body["errors"][0]["field"], "cursor", "{body}");
            assert!(
                body["errors"][0]["message"]
                    .as_str()
                    .unwrap()
                    .contains("sort"),
                "{body}"
            );
        }
    }
    // Nothing about the list changed: the first page is still the first page.
    let (status, p) = s.get("/webhooks?sort=name_asc&limit=2").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(names(&p), ["Alpha", "alpha"]);
}

#[tokio::test]
async fn an_unknown_order_is_a_problem_naming_sort() {
    let s = seeded().await;
    for bad in ["name", "NAME_ASC", "name_desc", "", "created_desc,name_asc"] {
        let (status, body) = s.get(&format!("/webhooks?sort={bad}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad:?}: {body}");
        assert_eq!(body["errors"][0]["field"], "sort", "{body}");
        assert!(
            body["errors"][0]["message"]
                .as_str()
                .unwrap()
                .contains("name_asc"),
            "{body}"
        );
    }
    let (status, body) = s.get("/webhooks?sort=name_asc&sort=failures_desc").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["errors"][0]["field"], "sort", "{body}");
    for bad in ["n.zz.1", "n.616.1", "f.1", "lf..2"] {
        let (status, body) = s
            .get(&format!("/webhooks?sort=name_asc&cursor={bad}"))
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
        assert_eq!(body["errors"][0]["field"], "cursor", "{body}");
    }
}

#[tokio::test]
async fn the_core_level_neither_advertises_nor_applies_an_order() {
    let s = TestServer::profile(Profile::Core).await;
    for name in ["b", "a", "c"] {
        s.create(webhook_body(name, "https://a.example/h")).await;
    }
    let (_, caps) = s.get("/capabilities").await;
    assert!(!caps["data"]["features"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f == "sort"));
    let (status, p) = s.get("/webhooks?sort=name_asc").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(names(&p), ["c", "a", "b"]);
    let full = TestServer::start().await;
    let (_, caps) = full.get("/capabilities").await;
    assert!(caps["data"]["features"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f == "sort"));
}
