//! Deliveries: a failing endpoint's deliveries with status code and message, retry after the fix,
//! recovery since a time, filters in the URL across a reload, inert hostile bodies, 10,000 rows,
//! and the dashboard.

use crate::harness::E2e;
use reqwest::Method;
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// What the test receiver answers, changeable while it runs.
#[derive(Clone)]
pub struct Reply {
    pub status: u16,
    pub body: String,
}

/// A tiny HTTP endpoint on loopback that answers every request with the current [`Reply`].
pub struct Receiver {
    pub url: String,
    reply: Arc<Mutex<Reply>>,
    pub hits: Arc<Mutex<u32>>,
}

impl Receiver {
    pub async fn start(reply: Reply) -> Receiver {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind receiver");
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        let reply = Arc::new(Mutex::new(reply));
        let hits = Arc::new(Mutex::new(0u32));
        let (r, h) = (reply.clone(), hits.clone());
        tokio::spawn(async move {
            while let Ok((mut sock, _)) = listener.accept().await {
                let (r, h) = (r.clone(), h.clone());
                tokio::spawn(async move {
                    let mut buf = Vec::new();
                    let mut chunk = [0u8; 8192];
                    // Read the head, then as much body as Content-Length says.
                    loop {
                        let n = match sock.read(&mut chunk).await {
                            Ok(0) | Err(_) => break,
                            Ok(n) => n,
                        };
                        buf.extend_from_slice(&chunk[..n]);
                        if let Some(end) = find(&buf, b"\r\n\r\n") {
                            let head = String::from_utf8_lossy(&buf[..end]).to_lowercase();
                            let len = head
                                .lines()
                                .find_map(|l| l.strip_prefix("content-length:"))
                                .and_then(|v| v.trim().parse::<usize>().ok())
                                .unwrap_or(0);
                            if buf.len() >= end + 4 + len {
                                break;
                            }
                        }
                    }
                    *h.lock().unwrap() += 1;
                    let reply = r.lock().unwrap().clone();
                    let resp = format!(
                        "HTTP/1.1 {} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{}",
                        reply.status,
                        reply.body.len(),
                        reply.body
                    );
                    let _ = sock.write_all(resp.as_bytes()).await;
                    let _ = sock.shutdown().await;
                });
            }
        });
        Receiver { url, reply, hits }
    }

    pub fn set(&self, status: u16, body: &str) {
        *self.reply.lock().unwrap() = Reply {
            status,
            body: body.to_owned(),
        };
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Creates a webhook through the API and returns its id.
pub async fn create_webhook(
    e: &E2e,
    name: &str,
    url: &str,
    events: &[&str],
    extra: Value,
) -> String {
    let mut body = json!({"name": name, "url": url, "events": events, "retry_count": 0});
    if let (Some(obj), Value::Object(more)) = (body.as_object_mut(), extra) {
        obj.extend(more);
    }
    let (status, v) = e.api(Method::POST, "/webhooks", Some(body)).await;
    assert_eq!(status, 201, "create webhook: {v}");
    v["data"]["id"].as_str().expect("webhook id").to_owned()
}

pub async fn emit(e: &E2e, event_type: &str, payload: Value) -> Vec<String> {
    let (status, v) = e
        .api(
            Method::POST,
            "/events",
            Some(json!({"event_type": event_type, "payload": payload})),
        )
        .await;
    assert!(status == 201 || status == 200, "emit: {status} {v}");
    v["data"]["deliveries"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|d| d.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// Waits (through the API) until the delivery reaches `status`.
pub async fn wait_status(e: &E2e, id: &str, status: &str) -> Value {
    let started = Instant::now();
    loop {
        let (_, v) = e.api(Method::GET, &format!("/deliveries/{id}"), None).await;
        if v["data"]["status"] == status {
            return v["data"].clone();
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "delivery {id} never became {status}: {v}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

const HOSTILE: &str = r#"{"message":"database is down","detail":"<script>window.__xss=1</script><img src=x onerror=\"window.__xss=2\">"}"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_endpoint_is_explained_and_retry_fixes_it() {
    let e = E2e::start().await;
    let rx = Receiver::start(Reply {
        status: 500,
        body: HOSTILE.into(),
    })
    .await;
    let wid = create_webhook(&e, "Billing ERP", &rx.url, &["order_confirm"], json!({})).await;
    let ids = emit(&e, "order_confirm", json!({"order": {"innerId": "608"}})).await;
    assert_eq!(ids.len(), 1);
    wait_status(&e, &ids[0], "failed").await;

    e.connect_and_open("/deliveries?status=failed").await;
    let row = e
        .wait_text("[data-testid=deliveries-table] tr.vt-row", "Failed")
        .await;
    assert!(row.contains("500"), "{row}");
    assert!(row.contains("Billing ERP"), "{row}");
    both_themes(&e, "deliveries-failed").await;

    click_centered(&e, "[data-testid=delivery-link]").await;
    e.wait_text("[data-testid=endpoint-message]", "database is down")
        .await;
    let reason = e.text("[data-testid=delivery-reason]").await;
    assert!(reason.contains("500"), "{reason}");
    // The hostile body is shown as text, and nothing in it ran.
    let body = e
        .wait_text(
            "[data-testid=response-body] [data-testid=code-body]",
            "<script>",
        )
        .await;
    assert!(body.contains("onerror"), "{body}");
    let injected = e
        .js("return [document.querySelectorAll('[data-testid=response-body] script, [data-testid=response-body] img').length, window.__xss || 0];")
        .await;
    assert_eq!(injected, json!([0, 0]), "hostile markup became DOM or ran");
    // Raw and formatted views both exist.
    e.click("[data-testid=response-body] [data-testid=code-raw-toggle]")
        .await;
    e.wait_text(
        "[data-testid=response-body] [data-testid=code-body]",
        "{\"message\"",
    )
    .await;
    both_themes(&e, "delivery-failed-detail").await;

    rx.set(200, r#"{"message":"thanks"}"#);
    click_centered(&e, "[data-testid=retry-delivery]").await;
    e.wait_text("[data-testid=delivery-summary]", "Succeeded")
        .await;
    let attempts = e.find_all("[data-testid=attempt]").await;
    assert_eq!(attempts.len(), 2, "the retry added an attempt");
    assert_eq!(e.text("[data-testid=attempt-count]").await, "2");
    assert_eq!(*rx.hits.lock().unwrap(), 2, "one failed attempt, one retry");
    let _ = wid;
    e.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn recover_requeues_every_failure_since_a_time() {
    let e = E2e::start().await;
    let rx = Receiver::start(Reply {
        status: 503,
        body: r#"{"message":"maintenance"}"#.into(),
    })
    .await;
    let wid = create_webhook(
        &e,
        "Newsletter sync",
        &rx.url,
        &["newsletter_subscribe"],
        json!({}),
    )
    .await;
    let mut ids = Vec::new();
    for i in 0..3 {
        ids.extend(
            emit(
                &e,
                "newsletter_subscribe",
                json!({"newsletter": {"subscriber": [{"id": i.to_string()}]}}),
            )
            .await,
        );
    }
    for id in &ids {
        wait_status(&e, id, "failed").await;
    }
    rx.set(200, "{}");
    e.connect_and_open(&format!("/deliveries?webhook_id={wid}&status=failed"))
        .await;
    e.wait_text("[data-testid=delivery-count]", "3 deliveries")
        .await;
    e.click("[data-testid=open-recover]").await;
    let since = e.value("[data-testid=recover-since]").await;
    assert!(since.len() >= 16, "a default time is filled in: {since:?}");
    e.click("[data-testid=confirm-ok]").await;
    wait_toast(&e, "Re-queued 3 failed deliveries").await;
    for id in &ids {
        wait_status(&e, id, "succeeded").await;
    }
    // The list refreshed after the recovery: the failures are gone from this filter.
    e.click("[data-testid=refresh-deliveries]").await;
    e.find("[data-testid=deliveries-empty]").await;
    e.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn filters_narrow_the_list_and_survive_a_reload() {
    let e = E2e::start().await;
    let bad = Receiver::start(Reply {
        status: 500,
        body: "{}".into(),
    })
    .await;
    let good = Receiver::start(Reply {
        status: 200,
        body: "{}".into(),
    })
    .await;
    let w_bad = create_webhook(
        &e,
        "Broken shop",
        &bad.url,
        &["order_confirm", "order_status_change"],
        json!({}),
    )
    .await;
    let w_good = create_webhook(
        &e,
        "Happy shop",
        &good.url,
        &["order_confirm", "order_status_change"],
        json!({}),
    )
    .await;
    let mut ids = emit(&e, "order_confirm", json!({"n": 1})).await;
    ids.extend(emit(&e, "order_status_change", json!({"n": 2})).await);
    assert_eq!(ids.len(), 4);
    for id in &ids {
        let (_, v) = e.api(Method::GET, &format!("/deliveries/{id}"), None).await;
        let want = if v["data"]["webhook_id"] == w_bad.as_str() {
            "failed"
        } else {
            "succeeded"
        };
        wait_status(&e, id, want).await;
    }

    // Stay connected across the reload: opt in to session storage.
    e.open("/settings").await;
    e.fill("[data-testid=token]", &e.token.clone()).await;
    e.click("[data-testid=remember]").await;
    e.click("[data-testid=connect]").await;
    e.wait_text("[data-testid=connection-status]", "Connected")
        .await;
    e.navigate("/deliveries").await;
    e.wait_text("[data-testid=delivery-count]", "4 deliveries")
        .await;

    select(&e, "[data-testid=filter-status]", "failed").await;
    e.wait_text("[data-testid=delivery-count]", "2 deliveries")
        .await;
    select(&e, "[data-testid=filter-event]", "order_status_change").await;
    e.wait_text("[data-testid=delivery-count]", "1 delivery")
        .await;
    select(&e, "[data-testid=filter-range]", "24h").await;
    e.wait_text("[data-testid=delivery-count]", "1 delivery")
        .await;
    let url = e.client.current_url().await.unwrap();
    let query = url.query().unwrap_or_default().to_owned();
    assert!(query.contains("status=failed"), "{query}");
    assert!(query.contains("event_type=order_status_change"), "{query}");
    assert!(query.contains("range=24h"), "{query}");

    e.client.refresh().await.unwrap();
    e.wait_text("[data-testid=delivery-count]", "1 delivery")
        .await;
    assert_eq!(e.value("[data-testid=filter-status]").await, "failed");
    assert_eq!(
        e.value("[data-testid=filter-event]").await,
        "order_status_change"
    );
    assert_eq!(e.value("[data-testid=filter-range]").await, "24h");
    let row = e.text("[data-testid=deliveries-table] tr.vt-row").await;
    assert!(
        row.contains("Broken shop") && row.contains("order_status_change"),
        "{row}"
    );

    select(&e, "[data-testid=filter-webhook]", &w_good).await;
    e.find("[data-testid=deliveries-empty]").await;
    // A custom range starts a day back and lands in the URL as an absolute time.
    select(&e, "[data-testid=filter-range]", "custom").await;
    let since = e.value("[data-testid=filter-since]").await;
    assert_eq!(since.len(), 16, "datetime-local value: {since:?}");
    let query = e
        .client
        .current_url()
        .await
        .unwrap()
        .query()
        .unwrap_or_default()
        .to_owned();
    assert!(
        query.contains("range=custom") && query.contains("since="),
        "{query}"
    );
    e.click("[data-testid=clear-filters]").await;
    e.wait_text("[data-testid=delivery-count]", "4 deliveries")
        .await;
    e.finish().await;
}

/// Screenshots the page in the light and the dark theme (when screenshots are asked for).
pub async fn both_themes(e: &E2e, name: &str) {
    if std::env::var_os("SWITCHBOARD_SCREENSHOTS").is_none() {
        return;
    }
    let set = move |theme: &'static str| {
        e.client.execute(
            "document.documentElement.setAttribute('data-theme', arguments[0]);",
            vec![json!(theme)],
        )
    };
    set("light").await.expect("light theme");
    e.screenshot(&format!("{name}-light")).await;
    set("dark").await.expect("dark theme");
    e.screenshot(&format!("{name}-dark")).await;
    set("system").await.expect("system theme");
}

/// Waits until some toast (not just the first) contains `needle`.
pub async fn wait_toast(e: &E2e, needle: &str) {
    let started = Instant::now();
    loop {
        let texts = e
            .js("return Array.from(document.querySelectorAll('[data-testid=toast]')).map(t => t.textContent);")
            .await;
        if texts.as_array().is_some_and(|a| {
            a.iter()
                .any(|t| t.as_str().is_some_and(|t| t.contains(needle)))
        }) {
            return;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "no toast said {needle:?}: {texts}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Clicks after scrolling the element to the middle of the view, clear of the sticky top bar.
pub async fn click_centered(e: &E2e, css: &str) {
    e.find(css).await;
    e.client
        .execute(
            "document.querySelector(arguments[0]).scrollIntoView({block: 'center'});",
            vec![json!(css)],
        )
        .await
        .expect("scroll into view");
    e.click(css).await;
}

/// Picks an option of a `<select>` the way a user would, firing `change`.
async fn select(e: &E2e, css: &str, value: &str) {
    e.find(&format!("{css} option[value=\"{value}\"]")).await;
    e.client
        .execute(
            "const s = document.querySelector(arguments[0]); s.value = arguments[1];\
             s.dispatchEvent(new Event('change', {bubbles: true}));",
            vec![json!(css), json!(value)],
        )
        .await
        .expect("select");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_deliveries_load_and_scroll() {
    let e = E2e::start().await;
    // Delayed by a day, the deliveries stay scheduled: the list fills without 10,000 requests.
    let mut webhooks = Vec::new();
    for i in 0..10 {
        let w = create_webhook(
            &e,
            &format!("Bulk {i}"),
            "http://127.0.0.1:9/never",
            &["order_confirm"],
            json!({"delay": {"amount": 1, "unit": "day"}}),
        )
        .await;
        webhooks.push(w);
    }
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for worker in 0..8 {
        let http = e.http.clone();
        let url = format!("{}/api/v1/events", e.base_url);
        let token = e.token.clone();
        tasks.spawn(async move {
            for i in 0..125 {
                let r = http
                    .post(&url)
                    .bearer_auth(&token)
                    .json(&json!({"event_type": "order_confirm", "payload": {"n": worker * 1000 + i}}))
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
    eprintln!("10,000 deliveries created in {:?}", started.elapsed());

    e.connect_and_open("/deliveries").await;
    e.wait_text("[data-testid=delivery-count]", "200 deliveries")
        .await;
    // Scrolling to the end loads the next page, again and again.
    let load_started = Instant::now();
    let mut last = 0;
    loop {
        let total = e
            .js("const v = document.querySelector('[data-testid=deliveries-table]'); v.scrollTop = v.scrollHeight; return Number(v.dataset.total);")
            .await
            .as_u64()
            .unwrap_or(0);
        if total >= 10_000 {
            break;
        }
        if total != last {
            last = total;
        }
        assert!(
            load_started.elapsed() < Duration::from_secs(60),
            "only {total} rows loaded"
        );
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
    e.wait_text("[data-testid=delivery-count]", "10,000 deliveries")
        .await;
    eprintln!("10,000 rows loaded in {:?}", load_started.elapsed());

    // The DOM holds only the window, wherever the scroll is, and the page answers at once.
    for fraction in [0.0, 0.37, 0.81, 1.0] {
        let t = Instant::now();
        let v = e
            .js(&format!(
                "const v = document.querySelector('[data-testid=deliveries-table]');\
                 v.scrollTop = (v.scrollHeight - v.clientHeight) * {fraction};\
                 v.dispatchEvent(new Event('scroll'));\
                 return null;"
            ))
            .await;
        assert!(v.is_null());
        let waited = Instant::now();
        let state = loop {
            let state = e
                .js("const v = document.querySelector('[data-testid=deliveries-table]');\
                     const rows = v.querySelectorAll('tr.vt-row');\
                     const first = rows[0] ? Number(rows[0].getAttribute('aria-rowindex')) - 2 : -1;\
                     return [rows.length, first, Math.floor(v.scrollTop / 44)];")
                .await;
            let first = state[1].as_i64().unwrap_or(-1);
            let expected = state[2].as_i64().unwrap_or(0);
            if first >= 0 && (0..=10).contains(&(expected - first)) {
                break state;
            }
            assert!(
                waited.elapsed() < Duration::from_secs(5),
                "the window never followed the scroll: {state}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        };
        let rendered = state[0].as_u64().unwrap();
        assert!(
            rendered > 5 && rendered < 80,
            "{rendered} rows in the DOM at {fraction}"
        );
        assert!(
            t.elapsed() < Duration::from_secs(3),
            "scrolling took {:?}",
            t.elapsed()
        );
    }
    let rows = e
        .js("return document.querySelectorAll('tr').length;")
        .await
        .as_u64()
        .unwrap();
    assert!(rows < 100, "{rows} table rows in the DOM");
    both_themes(&e, "deliveries-10k").await;
    let _ = webhooks;
    e.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dashboard_sums_up_and_links_to_failures() {
    let e = E2e::start().await;
    let bad = Receiver::start(Reply {
        status: 502,
        body: r#"{"message":"upstream gone"}"#.into(),
    })
    .await;
    let good = Receiver::start(Reply {
        status: 200,
        body: "{}".into(),
    })
    .await;
    create_webhook(&e, "Failing CRM", &bad.url, &["order_confirm"], json!({})).await;
    create_webhook(&e, "Happy ERP", &good.url, &["order_confirm"], json!({})).await;
    create_webhook(
        &e,
        "Paused",
        &good.url,
        &["order_confirm"],
        json!({"is_active": false}),
    )
    .await;
    let ids = emit(&e, "order_confirm", json!({"n": 1})).await;
    assert_eq!(ids.len(), 2);
    for id in &ids {
        let (_, v) = e.api(Method::GET, &format!("/deliveries/{id}"), None).await;
        let _ = v;
    }
    let started = Instant::now();
    loop {
        let (_, v) = e.api(Method::GET, "/deliveries?status=failed", None).await;
        if v["data"].as_array().is_some_and(|a| !a.is_empty()) {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "no failure recorded"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    e.connect_and_open("/").await;
    e.wait_text("[data-testid=dash-active]", "2").await;
    e.wait_text("[data-testid=dash-inactive]", "1").await;
    e.wait_text("[data-testid=dash-updated]", "Updated").await;
    let failure = e
        .wait_text("[data-testid=dash-failure]", "order_confirm")
        .await;
    assert!(failure.contains("502"), "{failure}");
    e.find("[data-testid=stats-chart]").await;
    both_themes(&e, "dashboard").await;
    click_centered(&e, "[data-testid=dash-failure] a").await;
    e.wait_text("[data-testid=endpoint-message]", "upstream gone")
        .await;
    e.finish().await;
}
