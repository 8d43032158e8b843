//! Faults between the console and a real server, injected by a proxy on loopback: every one is
//! named in plain words, never panics the console, never loses form input, and the page works
//! again once the fault is gone. (A stopped server is covered in `connect` and `webhooks`.)

use crate::fault_proxy::{Fault, FaultProxy};
use crate::harness::E2e;
use axum::http::Method;
use fantoccini::Locator;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

const LIST: &str = "/api/v1/webhooks";

/// A server behind a proxy, the console loaded and connected through the proxy.
pub async fn behind_proxy() -> (E2e, FaultProxy) {
    let (e, proxy) = proxy_in_front().await;
    e.connect().await;
    (e, proxy)
}

/// A server behind a proxy whose origin the console is opened on; not connected yet.
pub async fn proxy_in_front() -> (E2e, FaultProxy) {
    let mut e = E2e::start().await;
    let proxy = FaultProxy::start(&e.base_url).await;
    e.base_url = proxy.origin.clone();
    (e, proxy)
}

/// Creates a webhook through the API (an https URL, one event type) and returns its id.
pub async fn create_webhook(e: &E2e, name: &str) -> String {
    let (status, body) = e
        .api(
            reqwest::Method::POST,
            "/webhooks",
            Some(json!({
                "name": name, "url": "https://example.com/hook", "events": ["order_confirm"],
            })),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    body["data"]["id"].as_str().expect("id").to_owned()
}

/// Screenshots in both themes (saved only when SWITCHBOARD_SCREENSHOTS names a folder).
async fn shoot(e: &E2e, name: &str) {
    if std::env::var_os("SWITCHBOARD_SCREENSHOTS").is_none() {
        return;
    }
    let theme = e
        .js("return document.documentElement.getAttribute('data-theme');")
        .await;
    for t in ["light", "dark"] {
        e.client
            .execute(
                "document.documentElement.setAttribute('data-theme', arguments[0]); return true;",
                vec![json!(t)],
            )
            .await
            .unwrap();
        e.screenshot(&format!("{name}-{t}")).await;
    }
    e.client
        .execute(
            "document.documentElement.setAttribute('data-theme', arguments[0] || 'system'); return true;",
            vec![theme],
        )
        .await
        .unwrap();
}

/// Leaves the list and comes back, so it is fetched again.
async fn reload_list(e: &E2e) {
    e.navigate("/event-types").await;
    e.navigate("/webhooks").await;
}

/// The error panel's text, once it shows `needle`; it must hold text only, never server markup.
async fn error_panel(e: &E2e, needle: &str) -> String {
    let text = e.wait_text("[data-testid=error-panel]", needle).await;
    let foreign = e
        .js(
            "return [...document.querySelectorAll('[data-testid=error-panel] *')]\
             .map(n => n.tagName.toLowerCase()).filter(t => !['p','code','button'].includes(t));",
        )
        .await;
    assert_eq!(
        foreign,
        json!([]),
        "markup from the server inside the panel"
    );
    e.assert_no_panic().await;
    text
}

/// The list is back: the fault is gone and the page works.
async fn list_recovers(e: &E2e, proxy: &FaultProxy) {
    proxy.clear();
    e.click("[data-testid=error-panel] [data-testid=retry]")
        .await;
    e.find("[data-testid=webhook-row]").await;
    e.wait_gone("[data-testid=error-panel]").await;
}

fn huge_list(bytes: usize) -> String {
    let each = 100_000;
    let items: Vec<Value> = (0..bytes / each)
        .map(|i| {
            json!({
                "id": format!("wh_huge_{i}"),
                "name": format!("Huge {i} {}", "N".repeat(2_000)),
                "description": "d".repeat(each),
                "url": format!("https://example.com/{}", "p".repeat(4_000)),
                "events": ["order_confirm"], "is_active": true,
            })
        })
        .collect();
    json!({"data": items, "meta": {"request_id": "req_huge", "next_cursor": null}}).to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_fault_on_a_read_is_named_and_the_page_recovers() {
    let (e, proxy) = behind_proxy().await;
    create_webhook(&e, "Survivor").await;
    e.navigate("/webhooks").await;
    e.find("[data-testid=webhook-row]").await;

    let html_500 =
        "<!doctype html><html><head><title>500</title></head><body><h1>Internal Server Error</h1>\
                    <script>document.title='pwned'</script><p>upstream exploded</p></body></html>";
    let nginx_502 = "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center>\
                     <hr><center>nginx</center></body></html>";
    let garbage: String = "\u{0}<{[\"".repeat(5 * 1024 * 1024 / 6);
    let cases: Vec<(&str, Fault, &str)> = vec![
        (
            "500 with an HTML body",
            Fault::status(500, "text/html", html_500),
            "The server failed (500)",
        ),
        (
            "502 from a gateway",
            Fault::status(502, "text/html", nginx_502),
            "Bad gateway",
        ),
        (
            "503 without Retry-After",
            Fault::status(503, "text/plain", "maintenance"),
            "unavailable",
        ),
        (
            "403 missing scope",
            Fault::problem(403, "Forbidden", "the token lacks the webhooks:read scope"),
            "Forbidden",
        ),
        ("truncated JSON", Fault::Truncate, "not valid JSON"),
        (
            "JSON of the wrong shape",
            Fault::json(r#"{"data": {"webhooks": "none"}, "meta": {}}"#),
            "unexpected shape",
        ),
        (
            "connection reset mid-response",
            Fault::ResetMidBody,
            "broke off",
        ),
        (
            "5 MB of garbage",
            Fault::status(200, "application/json", garbage),
            "not valid JSON",
        ),
    ];
    for (what, fault, needle) in cases {
        proxy.fault_exact(Method::GET, LIST, fault, None);
        reload_list(&e).await;
        let text = error_panel(&e, needle).await;
        println!("fault {what}: {text:?}");
        if what.starts_with("500") {
            shoot(&e, "fault-500").await;
            assert!(text.contains("upstream exploded"), "{text}");
            assert!(!text.contains('<'), "{text}");
            let title = e.client.title().await.unwrap();
            assert_ne!(title, "pwned");
        }
        if what.starts_with("403") {
            assert!(text.contains("webhooks:read"), "{text}");
            // A 403 is not a dead token: the console stays connected.
            e.wait_text("[data-testid=connection-badge]", "Connected")
                .await;
        }
        list_recovers(&e, &proxy).await;
    }

    // A 5 MB answer that is valid: it renders, and the page does not grow sideways.
    proxy.fault_exact(
        Method::GET,
        LIST,
        Fault::json(huge_list(5 * 1024 * 1024)),
        Some(1),
    );
    reload_list(&e).await;
    let started = Instant::now();
    e.wait_text("[data-testid=webhooks-table]", "Huge 0").await;
    println!("fault 5 MB valid list: rendered in {:?}", started.elapsed());
    let overflow = e
        .js("return document.documentElement.scrollWidth - window.innerWidth;")
        .await;
    assert!(
        overflow.as_i64().unwrap_or(i64::MAX) <= 0,
        "the page scrolls sideways by {overflow}"
    );
    e.assert_no_panic().await;
    proxy.clear();
    reload_list(&e).await;
    e.wait_text("[data-testid=webhooks-table]", "Survivor")
        .await;
    e.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_answers_show_progress_and_can_be_cancelled() {
    let (e, proxy) = behind_proxy().await;
    create_webhook(&e, "Patient").await;
    proxy.fault_exact(
        Method::GET,
        LIST,
        Fault::Latency(Duration::from_secs(10)),
        None,
    );
    e.navigate("/webhooks").await;
    let started = Instant::now();
    let text = e
        .wait_text(
            "[data-testid=request-progress-text]",
            "Waiting for the server",
        )
        .await;
    println!("fault 10 s latency: {text:?} after {:?}", started.elapsed());
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "the notice came too late"
    );
    e.wait_text("[data-testid=request-progress-text]", "2 s so far")
        .await;
    shoot(&e, "fault-slow").await;
    e.click("[data-testid=cancel-request]").await;
    let text = error_panel(&e, "cancelled").await;
    assert!(
        started.elapsed() < Duration::from_secs(9),
        "cancel did not cut the wait short"
    );
    println!("fault 10 s latency, cancelled: {text:?}");
    e.wait_gone("[data-testid=request-progress-text]").await;
    list_recovers(&e, &proxy).await;
    e.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_limits_are_waited_out_and_said() {
    let (e, proxy) = behind_proxy().await;
    create_webhook(&e, "Throttled").await;
    let limited =
        || Fault::problem(429, "Too Many Requests", "slow down").with_header("Retry-After", "2");

    // Once: the console says it waits, then repeats the request by itself.
    proxy.fault_exact(Method::GET, LIST, limited(), Some(1));
    e.navigate("/webhooks").await;
    let text = e
        .wait_text("[data-testid=request-progress-text]", "429")
        .await;
    println!("fault 429 Retry-After 2 (once): {text:?}");
    shoot(&e, "fault-429").await;
    e.wait_text("[data-testid=webhooks-table]", "Throttled")
        .await;
    assert_eq!(proxy.count("GET", LIST), 2, "{:?}", proxy.seen());

    // Twice in a row: after its one retry the console stops and counts down the retry button.
    proxy.fault_exact(Method::GET, LIST, limited(), Some(2));
    reload_list(&e).await;
    let text = error_panel(&e, "Too many requests (429)").await;
    println!("fault 429 Retry-After 2 (twice): {text:?}");
    assert!(text.contains("Retry in 2 s"), "{text}");
    let retry = e
        .find("[data-testid=error-panel] [data-testid=retry]")
        .await;
    let disabled = retry.attr("disabled").await.unwrap();
    assert!(disabled.is_some(), "retry should wait for the countdown");
    e.wait_text("[data-testid=error-panel] [data-testid=retry]", "Try again")
        .await;
    e.wait_until("retry enabled", || async {
        retry.attr("disabled").await.ok().flatten().is_none()
    })
    .await;
    retry.click().await.unwrap();
    e.wait_text("[data-testid=webhooks-table]", "Throttled")
        .await;

    // 503 with Retry-After is waited out the same way.
    proxy.fault_exact(
        Method::GET,
        LIST,
        Fault::status(503, "text/plain", "busy").with_header("Retry-After", "1"),
        Some(1),
    );
    reload_list(&e).await;
    e.wait_text("[data-testid=request-progress-text]", "503")
        .await;
    e.wait_text("[data-testid=webhooks-table]", "Throttled")
        .await;
    e.finish().await;
}

async fn fill_form(e: &E2e, name: &str, url: &str, description: &str) {
    e.fill("[data-testid=wh-name]", name).await;
    e.fill("[data-testid=wh-url]", url).await;
    e.fill("[data-testid=wh-description]", description).await;
    let boxes = e.find("input[data-event=\"order_confirm\"]").await;
    if boxes.prop("checked").await.ok().flatten().as_deref() != Some("true") {
        submit_click(e, "input[data-event=\"order_confirm\"]").await;
    }
}

async fn submit_click(e: &E2e, css: &str) {
    let el = e.find(css).await;
    e.client
        .execute(
            "arguments[0].scrollIntoView({block: 'center'});",
            vec![serde_json::to_value(&el).unwrap()],
        )
        .await
        .unwrap();
    el.click().await.unwrap();
}

async fn assert_form_kept(e: &E2e, name: &str, url: &str, description: &str) {
    assert_eq!(e.value("[data-testid=wh-name]").await, name);
    assert_eq!(e.value("[data-testid=wh-url]").await, url);
    assert_eq!(e.value("[data-testid=wh-description]").await, description);
    let checked = e
        .find("input[data-event=\"order_confirm\"]")
        .await
        .prop("checked")
        .await
        .unwrap();
    assert_eq!(checked.as_deref(), Some("true"));
}

async fn webhooks_named(e: &E2e, name: &str) -> usize {
    let (_, body) = e
        .api(reqwest::Method::GET, "/webhooks?limit=200", None)
        .await;
    body["data"]
        .as_array()
        .map(|a| a.iter().filter(|w| w["name"] == name).count())
        .unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_form_keeps_its_input_through_every_fault() {
    let (e, proxy) = behind_proxy().await;
    e.navigate("/webhooks/new").await;
    let (name, url, description) = (
        "Kept",
        "https://example.com/kept",
        "typed once, never again",
    );
    fill_form(&e, name, url, description).await;

    let cases: Vec<(&str, Fault, &str)> = vec![
        (
            "500 with an HTML body",
            Fault::status(500, "text/html", "<h1>oops</h1>"),
            "The server failed (500)",
        ),
        (
            "503 without Retry-After",
            Fault::status(503, "text/html", "<b>down</b>"),
            "unavailable",
        ),
        (
            "403 feature off",
            Fault::problem(403, "Forbidden", "webhook creation is disabled"),
            "Forbidden",
        ),
        (
            "10 s latency, cancelled",
            Fault::Latency(Duration::from_secs(10)),
            "cancelled",
        ),
        // These two reach the server: the webhook exists, and the console cannot know it. The
        // retry reuses the Idempotency-Key, so the server answers with that same webhook.
        (
            "connection reset mid-response",
            Fault::ResetMidBody,
            "broke off",
        ),
        ("truncated JSON", Fault::Truncate, "not valid JSON"),
    ];
    for (what, fault, needle) in cases {
        proxy.fault_exact(Method::POST, LIST, fault, Some(1));
        submit_click(&e, "[data-testid=wh-submit]").await;
        if what.starts_with("10 s") {
            e.wait_text("[data-testid=request-progress-text]", "Waiting")
                .await;
            e.click("[data-testid=cancel-request]").await;
        }
        let text = e.wait_text("[data-testid=form-error]", needle).await;
        println!("form fault {what}: {text:?} ({:?})", proxy.seen().last());
        if what.starts_with("connection reset") {
            shoot(&e, "fault-form-reset").await;
        }
        assert!(text.contains("input is kept"), "{text}");
        if what.starts_with("connection reset") || what.starts_with("truncated") {
            // These reached the server: the console must not claim that nothing was saved.
            assert!(text.contains("may have saved"), "{text}");
        }
        e.assert_no_panic().await;
        assert_form_kept(&e, name, url, description).await;
    }
    assert_eq!(
        webhooks_named(&e, name).await,
        1,
        "the reset and the truncation each reached the server once"
    );

    submit_click(&e, "[data-testid=wh-submit]").await;
    e.wait_text("[data-testid=webhook-name]", name).await;
    assert_eq!(
        webhooks_named(&e, name).await,
        1,
        "the retry must not create a second webhook"
    );
    e.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_token_asks_to_reconnect_in_place() {
    let (e, proxy) = behind_proxy().await;
    e.navigate("/webhooks/new").await;
    let (name, url, description) = ("After revocation", "https://example.com/rev", "still here");
    fill_form(&e, name, url, description).await;

    proxy.revoke(&e.token, "the-new-token");
    submit_click(&e, "[data-testid=wh-submit]").await;
    let prompt = e
        .wait_text(
            "[data-testid=reconnect-prompt]",
            "no longer accepts the token",
        )
        .await;
    println!("fault 401 after revocation: {prompt:?}");
    shoot(&e, "fault-revoked").await;
    assert!(prompt.contains("401"), "{prompt}");
    e.assert_no_panic().await;
    // The way back through Settings names this page.
    let href = e
        .find("[data-testid=reconnect-settings]")
        .await
        .attr("href")
        .await
        .unwrap()
        .unwrap_or_default();
    assert_eq!(href, "/settings?next=%2Fwebhooks%2Fnew");
    // The page is hidden, not gone, and the old token is forgotten everywhere.
    let hidden = e
        .js("const g = document.querySelector('[data-testid=gate-content]'); return !!g && g.hidden;")
        .await;
    assert_eq!(hidden, json!(true));
    let stored = e
        .js("return JSON.stringify(sessionStorage) + JSON.stringify(localStorage);")
        .await;
    assert!(
        !stored.as_str().unwrap_or_default().contains(&e.token),
        "{stored}"
    );

    // A wrong token first: the prompt says so and stays.
    e.fill("[data-testid=reconnect-token]", "still-wrong").await;
    e.click("[data-testid=reconnect]").await;
    e.wait_text("[data-testid=reconnect-error]", "Unauthorised")
        .await;

    e.fill("[data-testid=reconnect-token]", "the-new-token")
        .await;
    e.click("[data-testid=reconnect]").await;
    e.wait_gone("[data-testid=reconnect-prompt]").await;
    assert_form_kept(&e, name, url, description).await;
    submit_click(&e, "[data-testid=wh-submit]").await;
    e.wait_text("[data-testid=webhook-name]", name).await;
    let url_now = e.client.current_url().await.unwrap().to_string();
    assert!(!url_now.contains("the-new-token"), "{url_now}");

    // And the Settings route brings a user back to where they were.
    proxy.revoke("the-new-token", "a-third-token");
    e.navigate("/webhooks").await;
    e.find("[data-testid=reconnect-prompt]").await;
    e.click("[data-testid=reconnect-settings]").await;
    e.connect_here("a-third-token").await;
    e.wait_until("back on /webhooks", || async {
        e.client
            .current_url()
            .await
            .map(|u| u.path() == "/webhooks")
            .unwrap_or(false)
    })
    .await;
    e.wait_text("[data-testid=webhooks-table]", name).await;
    assert!(e
        .client
        .find(Locator::Css("[data-testid=reconnect-prompt]"))
        .await
        .is_err());
    e.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_whose_code_cannot_load_says_so_and_loads_on_retry() {
    let (e, proxy) = proxy_in_front().await;
    let id = create_webhook(&e, "Chunky").await;
    // The webhook pages' chunk lives beside the bindings index.html names. It fails from the
    // start, so the background prefetch after connecting cannot fetch it either.
    let html = e
        .http
        .get(format!("{}/", e.base_url))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let js = html
        .split("<meta name=\"switchboard-js\" content=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("switchboard-js meta tag");
    let dir = js.rsplit_once('/').unwrap().0;
    proxy.fault(
        &format!("{dir}/split_webhook_pages.wasm"),
        Fault::status(503, "text/plain", "deploy in progress"),
    );
    // The chunk Settings is in is slow: past a moment the page says it is loading.
    proxy.fault(
        &format!("{dir}/split_monitoring_and_settings.wasm"),
        Fault::Latency(Duration::from_millis(2000)),
    );
    e.open("/settings").await;
    e.wait_text("[data-testid=page-loading]", "Loading").await;
    e.find("[data-testid=token]").await;
    assert!(!e.exists("[data-testid=page-loading]").await);
    e.connect_here(&e.token.clone()).await;
    e.wait_text("[data-testid=connection-status]", "Connected")
        .await;
    // The list, in the main module, needs no chunk.
    e.navigate("/webhooks").await;
    e.wait_text("[data-testid=webhooks-table]", "Chunky").await;

    e.navigate(&format!("/webhooks/{id}")).await;
    let text = e
        .wait_text("[data-testid=chunk-error]", "could not be loaded")
        .await;
    println!("chunk fetch failed: {text:?}");
    shoot(&e, "chunk-error").await;
    // The rest of the console is untouched and still works.
    e.assert_no_panic().await;
    e.click("[data-testid=nav-webhooks]").await;
    e.wait_text("[data-testid=webhooks-table]", "Chunky").await;
    e.navigate(&format!("/webhooks/{id}")).await;
    e.find("[data-testid=chunk-error]").await;

    // Back, but slow: past a moment the page says it is loading, then shows.
    proxy.clear();
    proxy.fault(
        &format!("{dir}/split_webhook_pages.wasm"),
        Fault::Latency(Duration::from_millis(1500)),
    );
    e.click("[data-testid=chunk-retry]").await;
    e.wait_text("[data-testid=page-loading]", "Loading").await;
    shoot(&e, "chunk-loading").await;
    e.wait_text("[data-testid=webhook-name]", "Chunky").await;
    assert!(!e.exists("[data-testid=page-loading]").await);
    assert!(!e.exists("[data-testid=chunk-error]").await);
    e.assert_no_panic().await;
    e.finish().await;
}

/// Waits until the control exists and is enabled (a refresh in flight disables it).
async fn usable(e: &E2e, css: &str) {
    e.wait_until(&format!("{css} to be usable"), || async {
        e.js(&format!(
            "const b = document.querySelector({css:?}); return !!b && !b.disabled;"
        ))
        .await
            == json!(true)
    })
    .await;
}

/// Revokes the token in use, makes the page ask (`first`), reconnects in place with a new
/// token, then makes the same page ask again (`again`): that second request must carry the
/// new token, so no second prompt appears.
async fn reconnect_in_place_then_ask_again(
    e: &E2e,
    proxy: &FaultProxy,
    (old, new): (&str, &str),
    first: &str,
    again: &str,
) {
    // The page is shown only once the connection check has passed; revoking earlier would
    // refuse the check itself rather than the page's own request.
    e.shown(first).await;
    usable(e, first).await;
    proxy.revoke(old, new);
    e.click(first).await;
    e.find("[data-testid=reconnect-prompt]").await;
    e.fill("[data-testid=reconnect-token]", new).await;
    e.click("[data-testid=reconnect]").await;
    e.wait_gone("[data-testid=reconnect-prompt]").await;
    // Whatever the reconnect itself reloads settles first, so the next request is the page's.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    usable(e, again).await;
    let before = proxy.seen().len();
    e.click(again).await;
    e.wait_until("the page asked again", || async {
        proxy.seen().len() > before
    })
    .await;
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert!(
        !e.exists("[data-testid=reconnect-prompt]").await,
        "the page sent its old token after the reconnect: {:?}",
        proxy.seen()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_that_stay_mounted_send_the_new_token_after_a_reconnect() {
    let (e, proxy) = behind_proxy().await;
    create_webhook(&e, "Reconnected").await;
    let delivery = crate::deliveries::emit(&e, "order_confirm", json!({"order": 1}))
        .await
        .pop()
        .expect("a delivery for the webhook");

    // The dashboard: its refresh button asks again.
    e.navigate("/").await;
    e.find("[data-testid=dash-refresh]").await;
    reconnect_in_place_then_ask_again(
        &e,
        &proxy,
        (&e.token, "token-two"),
        "[data-testid=dash-refresh]",
        "[data-testid=dash-refresh]",
    )
    .await;

    // The delivery history: a filter change asks again.
    e.navigate("/deliveries").await;
    e.shown("[data-testid=filter-status]").await;
    proxy.revoke("token-two", "token-three");
    e.find("[data-testid=filter-status]")
        .await
        .select_by_value("failed")
        .await
        .unwrap();
    e.find("[data-testid=reconnect-prompt]").await;
    e.fill("[data-testid=reconnect-token]", "token-three").await;
    e.click("[data-testid=reconnect]").await;
    e.wait_gone("[data-testid=reconnect-prompt]").await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let before = proxy.seen().len();
    e.find("[data-testid=filter-status]")
        .await
        .select_by_value("succeeded")
        .await
        .unwrap();
    e.wait_until("the history asked again", || async {
        proxy.seen().len() > before
    })
    .await;
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert!(
        !e.exists("[data-testid=reconnect-prompt]").await,
        "the history sent its old token: {:?}",
        proxy.seen()
    );

    // One delivery: its retry asks again, and so does the recovery dialog it opens.
    e.navigate(&format!("/deliveries/{delivery}")).await;
    e.find("[data-testid=retry-delivery]").await;
    reconnect_in_place_then_ask_again(
        &e,
        &proxy,
        ("token-three", "token-four"),
        "[data-testid=retry-delivery]",
        "[data-testid=retry-delivery]",
    )
    .await;
    e.click("[data-testid=open-recover]").await;
    e.find("dialog[open] [data-testid=recover-since]").await;
    proxy.revoke("token-four", "token-five");
    e.click("dialog[open] [data-testid=confirm-ok]").await;
    e.find("[data-testid=reconnect-prompt]").await;
    // A modal left open would make the prompt unreachable: the dialog gives way to it.
    e.wait_gone("dialog[open]").await;
    e.fill("[data-testid=reconnect-token]", "token-five").await;
    e.click("[data-testid=reconnect]").await;
    e.wait_gone("[data-testid=reconnect-prompt]").await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    e.click("[data-testid=open-recover]").await;
    e.find("dialog[open] [data-testid=recover-since]").await;
    let before = proxy.seen().len();
    e.click("dialog[open] [data-testid=confirm-ok]").await;
    e.wait_until("the recovery asked again", || async {
        proxy.seen().len() > before
    })
    .await;
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert!(
        !e.exists("[data-testid=reconnect-prompt]").await,
        "the recovery sent its old token: {:?}",
        proxy.seen()
    );
    e.finish().await;
}

/// Slowloris: `clients` connections to `addr`, each sending a request's headers a byte at a
/// time and opening a new connection whenever the server closes its own, until `stop` is set.
/// Each client returns how many of its connections the server closed.
fn slow_clients(
    addr: std::net::SocketAddr,
    clients: usize,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
) -> Vec<tokio::task::JoinHandle<usize>> {
    use std::sync::atomic::Ordering;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    (0..clients)
        .map(|_| {
            let stop = stop.clone();
            tokio::spawn(async move {
                let mut closed = 0;
                while !stop.load(Ordering::SeqCst) {
                    let Ok(mut conn) = tokio::net::TcpStream::connect(addr).await else {
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    };
                    let head = b"GET /api/v1/webhooks HTTP/1.1\r\nHost: localhost\r\nX-Slow: ";
                    let mut sent = 0;
                    let mut buf = [0u8; 1024];
                    while !stop.load(Ordering::SeqCst) {
                        tokio::select! {
                            // The server closed it, or answered (which ends it too).
                            _ = conn.read(&mut buf) => {
                                closed += 1;
                                break;
                            }
                            _ = tokio::time::sleep(Duration::from_millis(100)) => {
                                let byte = head.get(sent).copied().unwrap_or(b'a');
                                sent += 1;
                                if conn.write_all(&[byte]).await.is_err() {
                                    closed += 1;
                                    break;
                                }
                            }
                        }
                    }
                }
                closed
            })
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_slow_clients_do_not_keep_the_console_from_working() {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;
    const CLIENTS: usize = 200;
    let options = crate::harness::Options {
        // Fewer connections than attackers: only the header timeout frees room for the console.
        adjust: Some(Arc::new(|c: &mut switchboard_server::Config| {
            c.header_read_timeout = Duration::from_secs(1);
            c.max_connections = 100;
        })),
        ..Default::default()
    };
    let e = E2e::start_with(options).await;
    let addr = e.base_url.trim_start_matches("http://").parse().unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    let attack = slow_clients(addr, CLIENTS, stop.clone());
    // The attack is bounded in time even if the journey hangs and the test fails.
    let deadline = {
        let stop = stop.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_secs(120)).await;
            stop.store(true, Ordering::SeqCst);
        })
    };
    let started = Instant::now();

    e.connect().await;
    e.navigate("/webhooks/new").await;
    fill_form(
        &e,
        "Under siege",
        "https://example.com/siege",
        "made while 200 clients crawl",
    )
    .await;
    submit_click(&e, "[data-testid=wh-submit]").await;
    e.wait_text("[data-testid=webhook-name]", "Under siege")
        .await;
    e.navigate("/webhooks").await;
    e.wait_text("[data-testid=webhooks-table]", "Under siege")
        .await;
    let took = started.elapsed();

    stop.store(true, Ordering::SeqCst);
    deadline.abort();
    let mut closed = 0;
    for client in attack {
        closed += client.await.unwrap();
    }
    println!("journey under attack took {took:?}; the server closed {closed} slow connections");
    assert!(
        closed >= CLIENTS,
        "the server cut slow clients off ({closed} closed)"
    );
    e.finish().await;
}
