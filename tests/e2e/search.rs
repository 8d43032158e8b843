//! Search, the view in the URL, copy and export: an outage found by searching the endpoint's
//! answers, a malformed field filter explained at the box with the typed text kept, the same
//! rows after a reload, Back and a shared link, and an export of 10,000 rows read back line by
//! line from the file the browser saved.

use crate::deliveries::{both_themes, create_webhook, emit, wait_toast, Receiver, Reply};
use crate::harness::E2e;
use reqwest::Method;
use serde_json::{json, Value};
use std::collections::HashSet;
use std::time::{Duration, Instant};

/// Connects through Settings with "remember", so reloads and new loads stay connected.
async fn connect_remembered(e: &E2e) {
    e.open("/settings").await;
    e.fill("[data-testid=token]", &e.token.clone()).await;
    e.click("[data-testid=remember]").await;
    e.click("[data-testid=connect]").await;
    e.wait_text("[data-testid=connection-status]", "Connected")
        .await;
}

/// Emits `n` events concurrently, each payload made by `payload(i)`.
async fn emit_many(e: &E2e, n: usize, payload: fn(usize) -> Value) {
    let mut tasks = tokio::task::JoinSet::new();
    let workers = 8;
    for w in 0..workers {
        let http = e.http.clone();
        let url = format!("{}/api/v1/events", e.base_url);
        let token = e.token.clone();
        tasks.spawn(async move {
            for i in (w..n).step_by(workers) {
                let r = http
                    .post(&url)
                    .bearer_auth(&token)
                    .json(&json!({"event_type": "order_confirm", "payload": payload(i)}))
                    .send()
                    .await
                    .expect("emit");
                assert!(r.status().is_success(), "emit failed: {}", r.status());
            }
        });
    }
    while let Some(r) = tasks.join_next().await {
        r.expect("emitter");
    }
}

/// Every delivery the API lists for `query`, following cursors.
async fn all_ids(e: &E2e, query: &str) -> Vec<String> {
    let mut ids = Vec::new();
    let mut cursor = String::new();
    loop {
        let (status, v) = e
            .api(
                Method::GET,
                &format!("/deliveries?limit=200&{query}&cursor={cursor}"),
                None,
            )
            .await;
        assert_eq!(status, 200, "{v}");
        for d in v["data"].as_array().unwrap() {
            ids.push(d["id"].as_str().unwrap().to_owned());
        }
        match v["meta"]["next_cursor"].as_str() {
            Some(c) => cursor = switchboard_api::percent::encode_component(c),
            None => return ids,
        }
    }
}

/// The page's path and its query (without `?`).
async fn location(e: &E2e) -> (String, String) {
    let v = e
        .js("return [location.pathname, location.search.replace(/^\\?/, '')];")
        .await;
    (
        v[0].as_str().unwrap_or_default().to_owned(),
        v[1].as_str().unwrap_or_default().to_owned(),
    )
}

/// One parameter of a query string, decoded.
fn param(query: &str, name: &str) -> Option<String> {
    query.split('&').find_map(|kv| {
        let (k, v) = kv.split_once('=')?;
        (k == name).then(|| switchboard_api::percent::decode_component(v))
    })
}

/// The ids of the first five rows once the list has loaded.
async fn top_rows(e: &E2e) -> Vec<String> {
    e.wait_text("[data-testid=delivery-count]", "deliveries")
        .await;
    e.wait_until("rows", || async { row_ids(e).await.len() >= 5 })
        .await;
    row_ids(e).await[..5].to_vec()
}

/// The ids of the rows the table renders, top first.
async fn row_ids(e: &E2e) -> Vec<String> {
    let v = e
        .js("return Array.from(document.querySelectorAll('[data-testid=deliveries-table] [data-testid=delivery-link]')).map(a => a.getAttribute('href'));")
        .await;
    v.as_array()
        .unwrap()
        .iter()
        .map(|h| {
            h.as_str()
                .unwrap()
                .trim_start_matches("/deliveries/")
                .to_owned()
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_outage_is_found_by_searching_what_the_endpoint_answered() {
    let e = E2e::start().await;
    let down = Receiver::start(Reply {
        status: 503,
        body: r#"{"message":"ledger service offline"}"#.into(),
    })
    .await;
    let up = Receiver::start(Reply {
        status: 200,
        body: r#"{"message":"stored"}"#.into(),
    })
    .await;
    let w_down = create_webhook(&e, "Ledger", &down.url, &["order_confirm"], json!({})).await;
    create_webhook(&e, "Shop", &up.url, &["order_confirm"], json!({})).await;
    emit_many(
        &e,
        60,
        |i| json!({"order": {"id": i, "email": format!("c{i}@example.com"), "total": i * 10}}),
    )
    .await;
    let started = Instant::now();
    while all_ids(&e, "status=failed").await.len() < 60 {
        assert!(started.elapsed() < Duration::from_secs(20), "failures");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    connect_remembered(&e).await;
    e.navigate("/deliveries").await;
    e.wait_text("[data-testid=delivery-count]", "120 deliveries")
        .await;
    e.fill("[data-testid=search-q]", "ledger offline").await;
    e.click("[data-testid=search-submit]").await;
    e.wait_text("[data-testid=delivery-count]", "60 deliveries")
        .await;
    let (_, query) = location(&e).await;
    assert!(query.contains("q=ledger"), "{query}");
    // Every row is a link to its delivery (middle-click opens a tab), all of the broken endpoint.
    let (_, v) = e
        .api(
            Method::GET,
            &format!("/deliveries?webhook_id={w_down}&limit=200"),
            None,
        )
        .await;
    let of_down: HashSet<String> = v["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["id"].as_str().unwrap().to_owned())
        .collect();
    let shown = row_ids(&e).await;
    assert!(!shown.is_empty());
    assert!(
        shown.iter().all(|id| of_down.contains(id)),
        "only the outage"
    );

    // Narrowed by a payload field.
    e.fill(
        "[data-testid=search-where]",
        "order.total >= 300 and order.email contains example",
    )
    .await;
    e.click("[data-testid=search-submit]").await;
    e.wait_text("[data-testid=delivery-count]", "30 deliveries")
        .await;

    // One of them: copy payload and copy response.
    let first = e.find("[data-testid=delivery-link]").await;
    first.click().await.expect("open delivery");
    e.find("[data-testid=copy-payload]").await;
    e.find("[data-testid=copy-response]").await;
    e.js("document.querySelector('[data-testid=attempt] details').open = true; return null;")
        .await;
    both_themes(&e, "search-detail-copy").await;
    e.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_malformed_filter_is_explained_at_the_box_and_the_text_kept() {
    let e = E2e::start().await;
    let up = Receiver::start(Reply {
        status: 200,
        body: "{}".into(),
    })
    .await;
    create_webhook(&e, "Shop", &up.url, &["order_confirm"], json!({})).await;
    emit(&e, "order_confirm", json!({"total": 150})).await;
    emit(&e, "order_confirm", json!({"total": 50})).await;
    e.connect_and_open("/deliveries").await;
    e.wait_text("[data-testid=delivery-count]", "2 deliveries")
        .await;

    let typed = "total > 100 and status =";
    e.fill("[data-testid=search-where]", typed).await;
    e.click("[data-testid=search-submit]").await;
    let why = e
        .wait_text("[data-testid=where-error]", "At character")
        .await;
    assert!(why.contains("a value must follow"), "{why}");
    assert_eq!(e.value("[data-testid=search-where]").await, typed);
    let invalid = e
        .js("return document.querySelector('[data-testid=search-where]').getAttribute('aria-invalid');")
        .await;
    assert_eq!(invalid, "true");
    let (_, query) = location(&e).await;
    assert!(!query.contains("where"), "nothing sent: {query}");
    e.wait_text("[data-testid=delivery-count]", "2 deliveries")
        .await;

    // A character with no meaning is marked where it is.
    e.fill("[data-testid=search-where]", "total > (100)").await;
    e.click("[data-testid=search-submit]").await;
    e.wait_text("[data-testid=where-error]", "“(”").await;
    assert_eq!(e.text("[data-testid=where-error-part]").await, "(");
    both_themes(&e, "search-error").await;

    // Fixed, it searches.
    e.fill("[data-testid=search-where]", "total > 100").await;
    e.click("[data-testid=search-submit]").await;
    e.wait_gone("[data-testid=where-error]").await;
    e.wait_text("[data-testid=delivery-count]", "1 delivery")
        .await;
    e.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reload_back_and_a_shared_link_reopen_the_same_rows() {
    let e = E2e::start().await;
    // Delayed by a day, the deliveries stay scheduled and need no receiver.
    create_webhook(
        &e,
        "Later",
        "http://127.0.0.1:9/never",
        &["order_confirm"],
        json!({"delay": {"amount": 1, "unit": "day"}}),
    )
    .await;
    emit_many(&e, 500, |i| {
        let animal = if i % 5 == 0 { "yak" } else { "zebra" };
        json!({"n": i, "animal": animal})
    })
    .await;

    connect_remembered(&e).await;
    e.navigate("/deliveries?range=24h&q=zebra&where=n%20%3E%3D%2010")
        .await;
    e.wait_text("[data-testid=delivery-count]", "200 deliveries loaded")
        .await;
    assert_eq!(e.value("[data-testid=search-q]").await, "zebra");
    assert_eq!(e.value("[data-testid=search-where]").await, "n >= 10");
    assert_eq!(e.value("[data-testid=filter-range]").await, "24h");

    // Scroll to the second page: the URL follows with that page's cursor.
    let started = Instant::now();
    loop {
        let total = e
            .js("const v = document.querySelector('[data-testid=deliveries-table]'); v.scrollTop = v.scrollHeight; v.dispatchEvent(new Event('scroll')); return Number(v.dataset.total);")
            .await
            .as_u64()
            .unwrap_or(0);
        if total > 200 {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "no second page"
        );
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
    e.js("const v = document.querySelector('[data-testid=deliveries-table]'); v.scrollTop = 44 * 230; v.dispatchEvent(new Event('scroll')); return null;")
        .await;
    e.wait_until("the cursor in the URL", || async {
        location(&e).await.1.contains("cursor=")
    })
    .await;
    let (path, q) = location(&e).await;
    assert!(
        q.contains("q=zebra") && q.contains("where=") && q.contains("range=24h"),
        "{q}"
    );
    // The rows from the second page on, as the API gives them for the same query.
    let enc = switchboard_api::percent::encode_component;
    let api_query = format!(
        "q=zebra&where={}&cursor={}&limit=200",
        enc(&param(&q, "where").unwrap()),
        enc(&param(&q, "cursor").unwrap()),
    );
    let (_, v) = e
        .api(Method::GET, &format!("/deliveries?{api_query}"), None)
        .await;
    let expected_top: Vec<String> = v["data"].as_array().unwrap()[..5]
        .iter()
        .map(|d| d["id"].as_str().unwrap().to_owned())
        .collect();

    let path_and_query = format!("{path}?{q}");

    // Reload.
    e.client.refresh().await.expect("reload");
    assert_eq!(top_rows(&e).await, expected_top, "after a reload");
    assert!(e.exists("[data-testid=show-newest]").await);

    // Open a row, then Back.
    let first = e.find("[data-testid=delivery-link]").await;
    first.click().await.expect("open delivery");
    e.find("[data-testid=delivery-summary]").await;
    e.client.back().await.expect("back");
    e.wait_until("back on the list", || async {
        location(&e).await.0 == "/deliveries"
    })
    .await;
    assert_eq!(location(&e).await.1, q);
    assert_eq!(top_rows(&e).await, expected_top, "after Back");

    // A colleague's fresh load of the shared link.
    e.open("/").await;
    e.open(&path_and_query).await;
    assert_eq!(top_rows(&e).await, expected_top, "from the shared link");
    assert_eq!(e.value("[data-testid=search-where]").await, "n >= 10");

    // "Show from the newest" keeps the search and drops the position.
    e.click("[data-testid=show-newest]").await;
    e.wait_until("no cursor", || async {
        !location(&e).await.1.contains("cursor=")
    })
    .await;
    e.wait_text("[data-testid=delivery-count]", "200 deliveries loaded")
        .await;
    assert_eq!(e.value("[data-testid=search-q]").await, "zebra");
    e.finish().await;
}

/// Waits for a finished download whose name ends in `ext`, and reads it.
async fn downloaded(e: &E2e, ext: &str) -> String {
    let started = Instant::now();
    loop {
        let found = std::fs::read_dir(e.downloads())
            .expect("downloads dir")
            .filter_map(Result::ok)
            .map(|f| f.path())
            .find(|p| p.extension().is_some_and(|x| x == ext));
        if let Some(p) = found {
            return std::fs::read_to_string(p).expect("read the download");
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "no .{ext} download"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_export_of_ten_thousand_rows_is_complete_line_by_line() {
    let e = E2e::start().await;
    for i in 0..10 {
        create_webhook(
            &e,
            &format!("Bulk {i}"),
            "http://127.0.0.1:9/never",
            &["order_confirm"],
            json!({"delay": {"amount": 1, "unit": "day"}}),
        )
        .await;
    }
    emit_many(
        &e,
        1000,
        |i| json!({"n": i, "note": format!("line, with \"quotes\"\nand a break {i}")}),
    )
    .await;
    let expected: HashSet<String> = all_ids(&e, "status=scheduled").await.into_iter().collect();
    assert_eq!(expected.len(), 10_000);

    e.connect_and_open("/deliveries?status=scheduled").await;
    e.wait_text("[data-testid=delivery-count]", "200 deliveries loaded")
        .await;

    // Cancelled half-way: nothing is saved.
    e.click("[data-testid=export-start]").await;
    e.click("[data-testid=export-cancel]").await;
    wait_toast(&e, "Export cancelled").await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(std::fs::read_dir(e.downloads()).unwrap().count(), 0);

    // CSV: a header, then one record per delivery, each once, quotes and breaks intact.
    e.click("[data-testid=export-start]").await;
    e.find("[data-testid=export-progress]").await;
    // For a person to look at; the export may be done by the second picture.
    both_themes(&e, "search-export-progress").await;
    wait_toast(&e, "Exported 10,000 deliveries").await;
    let text = downloaded(&e, "csv").await;
    let mut r = csv::Reader::from_reader(text.as_bytes());
    assert_eq!(&r.headers().unwrap()[0], "id");
    let mut seen = HashSet::new();
    let mut ns = HashSet::new();
    for rec in r.records() {
        let rec = rec.expect("a well-formed CSV record");
        assert_eq!(rec.len(), 11);
        assert_eq!(&rec[4], "scheduled");
        let payload: Value = serde_json::from_str(&rec[10]).expect("payload JSON");
        let n = payload["n"].as_u64().unwrap();
        assert_eq!(
            payload["note"],
            format!("line, with \"quotes\"\nand a break {n}")
        );
        ns.insert(n);
        assert!(seen.insert(rec[0].to_owned()), "{} twice", &rec[0]);
    }
    assert_eq!(seen, expected);
    assert_eq!(ns.len(), 1000);

    // NDJSON: one delivery per line.
    e.js("const s = document.querySelector('[data-testid=export-format]'); s.value = 'ndjson'; s.dispatchEvent(new Event('change', {bubbles: true})); return null;")
        .await;
    e.click("[data-testid=export-start]").await;
    let text = downloaded(&e, "ndjson").await;
    let mut seen = HashSet::new();
    for line in text.lines() {
        let d: Value = serde_json::from_str(line).expect("one JSON delivery per line");
        assert!(seen.insert(d["id"].as_str().unwrap().to_owned()));
    }
    assert_eq!(seen, expected);
    e.finish().await;
}
