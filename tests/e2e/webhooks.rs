//! Webhook management journeys: create with every auth type, edit, toggle, bulk actions,
//! delete, secret rotation, test send, server-side validation, a server that stops mid-submit,
//! a double-clicked submit, the unsaved-changes guard, and a core-only backend.

use crate::harness::{E2e, Options};
use reqwest::Method;
use serde_json::{json, Value};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Duration;
use switchboard_server::Profile;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// A loopback endpoint answering every delivery with 200 and a JSON `message`.
struct Receiver {
    url: String,
    hits: Arc<AtomicU32>,
}

impl Receiver {
    async fn start() -> Receiver {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind receiver");
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        let hits = Arc::new(AtomicU32::new(0));
        let counter = hits.clone();
        tokio::spawn(async move {
            while let Ok((mut sock, _)) = listener.accept().await {
                let counter = counter.clone();
                tokio::spawn(async move {
                    let mut buf = Vec::new();
                    let mut chunk = [0u8; 8192];
                    // The head, then the body's Content-Length bytes.
                    loop {
                        let n = match sock.read(&mut chunk).await {
                            Ok(0) | Err(_) => break,
                            Ok(n) => n,
                        };
                        buf.extend_from_slice(&chunk[..n]);
                        let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") else {
                            continue;
                        };
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
                    counter.fetch_add(1, Ordering::SeqCst);
                    let body = r#"{"message":"thanks"}"#;
                    let resp = format!(
                        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                        body.len()
                    );
                    let _ = sock.write_all(resp.as_bytes()).await;
                    let _ = sock.shutdown().await;
                });
            }
        });
        Receiver { url, hits }
    }
}

/// Creates a webhook through the API and returns its id.
async fn api_create(e: &E2e, name: &str, extra: Value) -> String {
    let mut body =
        json!({"name": name, "url": "https://example.com/hook", "events": ["order_confirm"]});
    if let (Some(obj), Value::Object(more)) = (body.as_object_mut(), extra) {
        obj.extend(more);
    }
    let (status, v) = e.api(Method::POST, "/webhooks", Some(body)).await;
    assert_eq!(status, 201, "create webhook: {v}");
    // The plandocket shape sends integer ids.
    match &v["data"]["id"] {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        other => panic!("webhook id: {other}"),
    }
}

async fn api_webhooks(e: &E2e) -> Vec<Value> {
    let (status, v) = e.api(Method::GET, "/webhooks?limit=200", None).await;
    assert_eq!(status, 200, "{v}");
    v["data"].as_array().cloned().unwrap_or_default()
}

async fn api_webhook(e: &E2e, id: &str) -> Value {
    let (status, v) = e.api(Method::GET, &format!("/webhooks/{id}"), None).await;
    assert_eq!(status, 200, "{v}");
    v["data"].clone()
}

/// Waits for the detail page of a webhook (after a create or a save) and returns its id.
async fn wait_detail(e: &E2e) -> String {
    e.find("[data-testid=webhook-name]").await;
    let url = e.client.current_url().await.expect("url");
    url.path()
        .strip_prefix("/webhooks/")
        .expect("on a webhook page")
        .to_owned()
}

/// Fills the basics and ticks one event on the open create form.
async fn fill_basics(e: &E2e, name: &str, url: &str, event: &str) {
    e.fill("[data-testid=wh-name]", name).await;
    e.fill("[data-testid=wh-url]", url).await;
    let css = format!("input[data-event=\"{event}\"]");
    let boxes = e.find(&css).await;
    if boxes.prop("checked").await.ok().flatten().as_deref() != Some("true") {
        click(e, &css).await;
    }
}

/// Scrolls the element to the middle of the window first, clear of the sticky action bar.
async fn click(e: &E2e, css: &str) {
    let el = e.find(css).await;
    e.client
        .execute(
            "arguments[0].scrollIntoView({block: 'center'});",
            vec![serde_json::to_value(&el).expect("element ref")],
        )
        .await
        .expect("scroll");
    el.click()
        .await
        .unwrap_or_else(|err| panic!("click {css}: {err}"));
}

/// Clicks the confirm button of the open dialog.
async fn confirm(e: &E2e) {
    e.click("dialog[open] [data-testid=confirm-ok]").await;
}

async fn no_error_toasts(e: &E2e) {
    let errors = e.find_all("[data-testid=toast][data-kind=error]").await;
    let mut texts = Vec::new();
    for t in errors {
        texts.push(t.text().await.unwrap_or_default());
    }
    assert!(texts.is_empty(), "error toasts: {texts:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn create_one_webhook_of_each_auth_type_and_read_it_back() {
    let e = E2e::start().await;
    e.connect_and_open("/webhooks").await;
    e.find("[data-testid=webhooks-empty]").await;
    e.click("[data-testid=create-first]").await;
    e.find("[data-testid=webhook-form]").await;
    e.screenshot("webhook-form-empty").await;

    let cases: [(&str, &[(&str, &str)]); 5] = [
        ("none", &[]),
        ("bearer", &[("wh-auth-token", "tok-123")]),
        (
            "basic",
            &[("wh-auth-username", "alice"), ("wh-auth-password", "pw-1")],
        ),
        (
            "header",
            &[("wh-auth-name", "X-Auth-Token"), ("wh-auth-value", "hv-1")],
        ),
        (
            "client_credentials",
            &[
                ("wh-auth-token_url", "https://auth.example.com/token"),
                ("wh-auth-client_id", "client-1"),
                ("wh-auth-client_secret", "cs-1"),
            ],
        ),
    ];
    for (kind, fields) in cases {
        e.navigate("/webhooks/new?event=order_confirm").await;
        // The event from the URL is preselected.
        let pre = e.find("input[data-event=\"order_confirm\"]").await;
        assert_eq!(pre.prop("checked").await.unwrap().as_deref(), Some("true"));
        fill_basics(
            &e,
            &format!("Auth {kind}"),
            "https://example.com/hook",
            "order_confirm",
        )
        .await;
        click(&e, &format!("[data-testid=auth-kind-{kind}]")).await;
        for (id, value) in fields {
            e.fill(&format!("[data-testid={id}]"), value).await;
        }
        if kind == "header" {
            click(&e, "[data-testid=header-add]").await;
            e.fill("[data-testid=header-name]", "X-Tenant").await;
            e.fill("[data-testid=header-value]", "acme").await;
        }
        click(&e, "[data-testid=wh-submit]").await;
        let id = wait_detail(&e).await;
        let auth = e
            .find("[data-testid=detail-auth]")
            .await
            .attr("data-auth")
            .await
            .unwrap();
        assert_eq!(auth.as_deref(), Some(kind));
        let stored = api_webhook(&e, &id).await;
        assert_eq!(stored["auth"]["type"], kind, "{stored}");
        assert_eq!(stored["name"], format!("Auth {kind}"));
        // Secrets are write-only: the page never shows them.
        let page = e.text("[data-testid=settings-card]").await;
        for secret in ["tok-123", "pw-1", "hv-1", "cs-1"] {
            assert!(!page.contains(secret), "{secret} shown on the page");
        }
        assert!(
            stored.to_string().find("tok-123").is_none(),
            "secrets are write-only: {stored}"
        );
        if kind == "header" {
            // Header values are write-only like secrets: the API says the header is set.
            assert!(
                stored["headers"]
                    .as_object()
                    .is_some_and(|h| h.contains_key("X-Tenant") && h["X-Tenant"].is_null()),
                "{stored}"
            );
            e.wait_text("[data-testid=detail-headers]", "X-Tenant")
                .await;
            assert!(!page.contains("acme"), "a header value shown on the page");
        }
        if kind == "basic" {
            e.wait_text("[data-testid=detail-auth]", "alice").await;
            e.screenshot("webhook-detail").await;
        }
    }
    assert_eq!(api_webhooks(&e).await.len(), 5);
    e.navigate("/webhooks").await;
    e.wait_until("five rows", || async {
        e.find_all("[data-testid=webhook-row]").await.len() == 5
    })
    .await;
    e.screenshot("webhook-list").await;
    e.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn edit_keeps_the_secret_and_toggle_switches_state() {
    let e = E2e::start().await;
    let id = api_create(
        &e,
        "Orders",
        json!({"auth": {"type": "bearer", "token": "secret-token"}}),
    )
    .await;
    e.connect_and_open(&format!("/webhooks/{id}")).await;
    e.click("[data-testid=detail-edit]").await;
    e.find("[data-testid=webhook-form]").await;
    assert_eq!(e.value("[data-testid=wh-name]").await, "Orders");
    // The stored token shows as set, never as its value.
    e.find("[data-testid=auth-secret-set]").await;
    e.fill("[data-testid=wh-name]", "Orders v2").await;
    e.fill("[data-testid=wh-description]", "Edited in the console")
        .await;
    click(&e, "[data-testid=wh-submit]").await;
    e.wait_text("[data-testid=webhook-name]", "Orders v2").await;
    let stored = api_webhook(&e, &id).await;
    assert_eq!(stored["name"], "Orders v2");
    assert_eq!(stored["description"], "Edited in the console");
    assert_eq!(
        stored["auth"]["type"], "bearer",
        "the token survived the edit: {stored}"
    );

    // Deactivate on the detail page, then activate again from the list's switch.
    e.wait_text("[data-testid=detail-toggle]", "Deactivate")
        .await;
    e.click("[data-testid=detail-toggle]").await;
    e.wait_text("[data-testid=active-badge]", "Inactive").await;
    assert_eq!(api_webhook(&e, &id).await["is_active"], false);
    e.navigate("/webhooks").await;
    let switch = e.find("[data-testid=toggle-active]").await;
    assert_eq!(
        switch.attr("aria-checked").await.unwrap().as_deref(),
        Some("false")
    );
    switch.click().await.unwrap();
    e.wait_until("switch on", || async {
        match e
            .client
            .find(fantoccini::Locator::Css("[data-testid=toggle-active]"))
            .await
        {
            Ok(el) => el.attr("aria-checked").await.ok().flatten().as_deref() == Some("true"),
            Err(_) => false,
        }
    })
    .await;
    assert_eq!(api_webhook(&e, &id).await["is_active"], true);
    e.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bulk_deactivate_then_delete_with_filters_in_the_url() {
    let e = E2e::start().await;
    for name in ["Alpha tier", "Beta tier", "Gamma tier"] {
        api_create(&e, name, json!({})).await;
    }
    api_create(&e, "Other", json!({"events": ["newsletter_subscribe"]})).await;
    e.connect_and_open("/webhooks").await;
    e.wait_until("four rows", || async {
        e.find_all("[data-testid=webhook-row]").await.len() == 4
    })
    .await;

    // Search lands in the URL, and the URL alone reproduces the view.
    e.fill("[data-testid=webhook-search]", "tier").await;
    e.wait_until("q in the URL", || async {
        e.client
            .current_url()
            .await
            .map(|u| u.query().unwrap_or_default().contains("q=tier"))
            .unwrap_or(false)
    })
    .await;
    e.wait_until("three rows", || async {
        e.find_all("[data-testid=webhook-row]").await.len() == 3
    })
    .await;
    e.navigate("/webhooks?q=Other").await;
    e.wait_until("one row", || async {
        e.find_all("[data-testid=webhook-row]").await.len() == 1
    })
    .await;
    e.navigate("/webhooks?q=tier").await;
    e.wait_until("three rows again", || async {
        e.find_all("[data-testid=webhook-row]").await.len() == 3
    })
    .await;

    e.click("[data-testid=select-all]").await;
    e.wait_text("[data-testid=bulk-count]", "3 selected").await;
    e.click("[data-testid=bulk-deactivate]").await;
    e.wait_until("all three inactive", || async {
        let all = api_webhooks(&e).await;
        all.iter().filter(|w| w["is_active"] == false).count() == 3
    })
    .await;
    e.wait_gone("[data-testid=bulk-bar]").await;
    assert!(api_webhooks(&e)
        .await
        .iter()
        .any(|w| w["name"] == "Other" && w["is_active"] == true));

    // The status filter, too, is in the URL.
    e.navigate("/webhooks?active=false").await;
    e.wait_until("three inactive rows", || async {
        e.find_all("[data-testid=webhook-row]").await.len() == 3
    })
    .await;
    let rows = e.find_all("[data-testid=row-select]").await;
    rows[0].click().await.unwrap();
    rows[1].click().await.unwrap();
    e.wait_text("[data-testid=bulk-count]", "2 selected").await;
    e.click("[data-testid=bulk-delete]").await;
    e.wait_text(
        "dialog[open] [data-testid=bulk-delete-message]",
        "Delete 2 webhooks",
    )
    .await;
    confirm(&e).await;
    e.wait_until("two left", || async { api_webhooks(&e).await.len() == 2 })
        .await;
    e.wait_until("one inactive row", || async {
        e.find_all("[data-testid=webhook-row]").await.len() == 1
    })
    .await;
    no_error_toasts(&e).await;
    e.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn delete_asks_by_name_and_rotate_explains_the_overlap() {
    let e = E2e::start().await;
    let id = api_create(&e, "Doomed hook", json!({})).await;
    e.connect_and_open(&format!("/webhooks/{id}")).await;

    // The signing secret is masked until revealed.
    let masked = e.text("[data-testid=signing-secret-value]").await;
    assert!(
        masked.starts_with("whsec_") && masked.contains('•'),
        "{masked}"
    );
    e.click("[data-testid=signing-secret-reveal]").await;
    let first = e.text("[data-testid=signing-secret-value]").await;
    assert!(
        !first.contains('•') && first.starts_with("whsec_"),
        "{first}"
    );
    assert_eq!(api_webhook(&e, &id).await["secret"], first.as_str());

    e.click("[data-testid=rotate-secret]").await;
    e.wait_text("dialog[open] [data-testid=rotate-message]", "24 hours")
        .await;
    confirm(&e).await;
    e.find("[data-testid=previous-secret-note]").await;
    e.wait_until("a new secret", || async {
        let now = e.text("[data-testid=signing-secret-value]").await;
        now.starts_with("whsec_") && !now.contains('•') && now != first
    })
    .await;

    e.click("[data-testid=detail-delete]").await;
    e.wait_text("dialog[open] [data-testid=delete-message]", "Doomed hook")
        .await;
    confirm(&e).await;
    e.wait_until("back on the list", || async {
        e.client
            .current_url()
            .await
            .map(|u| u.path() == "/webhooks")
            .unwrap_or(false)
    })
    .await;
    e.find("[data-testid=webhooks-empty]").await;
    assert!(api_webhooks(&e).await.is_empty());
    e.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_test_send_shows_its_delivery_on_the_page() {
    let e = E2e::start().await;
    let receiver = Receiver::start().await;
    let id = api_create(
        &e,
        "Receiver",
        json!({"url": receiver.url, "events": ["order_confirm", "order_status_change"]}),
    )
    .await;
    e.connect_and_open(&format!("/webhooks/{id}")).await;
    e.find("[data-testid=test-card]").await;
    e.find("[data-testid=no-deliveries]").await;
    e.click("[data-testid=test-send]").await;
    e.find("[data-testid=test-result]").await;
    e.wait_text(
        "[data-testid=test-result] [data-testid=delivery-status]",
        "succeeded",
    )
    .await;
    e.wait_text("[data-testid=test-response]", "200").await;
    assert!(receiver.hits.load(Ordering::SeqCst) >= 1);
    e.click("[data-testid=test-delivery-link]").await;
    e.wait_until("on the delivery page", || async {
        e.client
            .current_url()
            .await
            .map(|u| u.path().starts_with("/deliveries/"))
            .unwrap_or(false)
    })
    .await;
    e.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_field_errors_land_at_the_field_and_input_stays() {
    let e = E2e::start().await;
    e.connect_and_open("/webhooks/new").await;
    // Client-side first: an empty submit marks the fields and focuses the first.
    click(&e, "[data-testid=wh-submit]").await;
    e.find("[data-testid=wh-name-error]").await;
    e.find("[data-testid=form-invalid]").await;
    let focused = e
        .js("return document.activeElement && document.activeElement.id")
        .await;
    assert_eq!(focused, json!("wh-name"));

    fill_basics(&e, "Filtered", "https://example.com/hook", "order_confirm").await;
    click(&e, "[data-testid=wh-filter-enabled]").await;
    // Balanced, so only the server's CEL parser can tell it is not an expression.
    e.fill("[data-testid=wh-filter-condition]", "data.total >")
        .await;
    click(&e, "[data-testid=wh-submit]").await;
    let msg = e
        .wait_text("[data-testid=wh-filter-condition-error]", "Condition")
        .await;
    assert!(msg.contains("not a valid expression"), "{msg}");
    e.find("[data-testid=form-error]").await;
    assert_eq!(e.value("[data-testid=wh-name]").await, "Filtered");
    assert_eq!(
        e.value("[data-testid=wh-filter-condition]").await,
        "data.total >"
    );
    let focused = e
        .js("return document.activeElement && document.activeElement.id")
        .await;
    assert_eq!(focused, json!("wh-filter-condition"));
    assert!(api_webhooks(&e).await.is_empty());

    // Fixing it saves.
    e.fill("[data-testid=wh-filter-condition]", "data.total > 0")
        .await;
    click(&e, "[data-testid=wh-submit]").await;
    wait_detail(&e).await;
    e.wait_text("[data-testid=detail-filter]", "data.total > 0")
        .await;
    e.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stopped_server_keeps_the_input_and_a_double_click_creates_one() {
    let mut e = E2e::start().await;
    e.connect_and_open("/webhooks/new").await;
    fill_basics(&e, "Resilient", "https://example.com/r", "order_confirm").await;
    e.fill("[data-testid=wh-description]", "typed before the outage")
        .await;
    e.stop_server().await;
    click(&e, "[data-testid=wh-submit]").await;
    e.wait_text("[data-testid=form-error]", "could not be reached")
        .await;
    assert_eq!(e.value("[data-testid=wh-name]").await, "Resilient");
    assert_eq!(
        e.value("[data-testid=wh-url]").await,
        "https://example.com/r"
    );
    assert_eq!(
        e.value("[data-testid=wh-description]").await,
        "typed before the outage"
    );

    e.restart_server().await;
    // Two clicks in one go: the second must not create a second webhook.
    e.js("const b = document.querySelector('[data-testid=wh-submit]'); b.click(); b.click(); return true;")
        .await;
    wait_detail(&e).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let all = api_webhooks(&e).await;
    assert_eq!(all.len(), 1, "{all:?}");
    assert_eq!(all[0]["name"], "Resilient");
    e.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn leaving_a_dirty_form_asks_first() {
    let e = E2e::start().await;
    e.connect_and_open("/webhooks/new").await;
    e.fill("[data-testid=wh-name]", "Half typed").await;
    e.wait_text("[data-testid=dirty-note]", "Unsaved").await;
    e.click("[data-testid=nav-webhooks]").await;
    e.wait_text("dialog[open] [data-testid=unsaved-message]", "unsaved")
        .await;
    e.click("dialog[open] [data-testid=confirm-cancel]").await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        e.client.current_url().await.unwrap().path(),
        "/webhooks/new"
    );
    assert_eq!(e.value("[data-testid=wh-name]").await, "Half typed");
    click(&e, "[data-testid=wh-cancel]").await;
    confirm(&e).await;
    e.wait_until("left the form", || async {
        e.client
            .current_url()
            .await
            .map(|u| u.path() == "/webhooks")
            .unwrap_or(false)
    })
    .await;
    e.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_browsers_back_on_a_dirty_form_asks_first() {
    let e = E2e::start().await;
    e.connect_and_open("/webhooks").await;
    let path = || async { e.client.current_url().await.unwrap().path().to_owned() };
    // A clean form is left at once.
    e.click("[data-testid=new-webhook]").await;
    e.find("[data-testid=wh-name]").await;
    e.client.back().await.unwrap();
    e.find("[data-testid=webhooks-empty]").await;
    assert_eq!(path().await, "/webhooks");
    assert!(!e.exists("dialog[open]").await);

    e.click("[data-testid=new-webhook]").await;
    e.fill("[data-testid=wh-name]", "Half typed").await;
    e.wait_text("[data-testid=dirty-note]", "Unsaved").await;
    e.client.back().await.unwrap();
    e.wait_text("dialog[open] [data-testid=unsaved-message]", "unsaved")
        .await;
    assert_eq!(path().await, "/webhooks/new");
    e.click("dialog[open] [data-testid=confirm-cancel]").await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(path().await, "/webhooks/new");
    assert_eq!(e.value("[data-testid=wh-name]").await, "Half typed");

    // Asked again on the next Back; Leave goes where Back went.
    e.client.back().await.unwrap();
    e.wait_text("dialog[open] [data-testid=unsaved-message]", "unsaved")
        .await;
    confirm(&e).await;
    e.find("[data-testid=webhooks-empty]").await;
    assert_eq!(path().await, "/webhooks");
    e.assert_no_panic().await;
    e.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_core_only_backend_hides_every_extra() {
    let e = E2e::start_with(Options {
        profile: Profile::Core,
        ..Options::default()
    })
    .await;
    let id = api_create(&e, "Core hook", json!({})).await;
    e.connect_and_open("/webhooks").await;
    e.find("[data-testid=webhook-row]").await;
    assert!(
        !e.exists("[data-testid=toggle-active]").await,
        "no switch without update"
    );
    e.find("[data-testid=webhook-row] [data-testid=active-badge]")
        .await;
    e.click("[data-testid=row-select]").await;
    e.find("[data-testid=bulk-bar]").await;
    assert!(!e.exists("[data-testid=bulk-activate]").await);
    assert!(!e.exists("[data-testid=bulk-deactivate]").await);
    e.find("[data-testid=bulk-delete]").await;

    e.navigate(&format!("/webhooks/{id}")).await;
    e.find("[data-testid=settings-card]").await;
    e.find("[data-testid=secret-card]").await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    for hidden in [
        "detail-toggle",
        "detail-edit",
        "rotate-secret",
        "test-card",
        "stats-card",
        "latest-deliveries",
        "overview-card",
        "endpoint-status",
    ] {
        assert!(
            !e.exists(&format!("[data-testid={hidden}]")).await,
            "{hidden} should be hidden"
        );
    }
    e.screenshot("webhook-detail-core").await;

    // Create and delete still work.
    e.navigate("/webhooks/new").await;
    fill_basics(&e, "Core created", "https://example.com/c", "order_confirm").await;
    click(&e, "[data-testid=wh-submit]").await;
    let new_id = wait_detail(&e).await;
    e.click("[data-testid=detail-delete]").await;
    confirm(&e).await;
    e.wait_until("deleted", || async {
        !api_webhooks(&e)
            .await
            .iter()
            .any(|w| w["id"] == new_id.as_str())
    })
    .await;
    no_error_toasts(&e).await;
    e.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cursor_paging_goes_forward_and_back_and_survives_a_reload() {
    let e = E2e::start().await;
    for i in 0..53 {
        api_create(&e, &format!("Paged {i:02}"), json!({})).await;
    }
    e.connect_and_open("/webhooks").await;
    e.wait_until("a full first page", || async {
        e.find_all("[data-testid=webhook-row]").await.len() == 50
    })
    .await;
    assert_eq!(
        e.find("[data-testid=page-prev]")
            .await
            .attr("disabled")
            .await
            .unwrap()
            .as_deref(),
        Some("true")
    );
    e.click("[data-testid=page-next]").await;
    e.wait_until("the last three", || async {
        e.find_all("[data-testid=webhook-row]").await.len() == 3
    })
    .await;
    let url = e.client.current_url().await.unwrap();
    assert!(url.query().unwrap_or_default().contains("cursor="), "{url}");
    // The oldest are on the last page (newest first).
    e.wait_text("[data-testid=webhooks-table]", "Paged 00")
        .await;
    assert_eq!(
        e.find("[data-testid=page-next]")
            .await
            .attr("disabled")
            .await
            .unwrap()
            .as_deref(),
        Some("true")
    );

    // The URL alone reproduces the page, previous included.
    let path = format!("{}?{}", url.path(), url.query().unwrap_or_default());
    e.navigate("/webhooks").await;
    e.wait_until("first page again", || async {
        e.find_all("[data-testid=webhook-row]").await.len() == 50
    })
    .await;
    e.navigate(&path).await;
    e.wait_until("last page from its URL", || async {
        e.find_all("[data-testid=webhook-row]").await.len() == 3
    })
    .await;
    e.click("[data-testid=page-prev]").await;
    e.wait_until("back to the first page", || async {
        e.find_all("[data-testid=webhook-row]").await.len() == 50
    })
    .await;
    assert!(!e
        .client
        .current_url()
        .await
        .unwrap()
        .as_str()
        .contains("cursor="));
    e.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_plandocket_shaped_backend_reads_and_its_https_rule_lands_at_the_url() {
    let e = E2e::start_with(Options {
        profile: Profile::Plandocket,
        ..Options::default()
    })
    .await;
    api_create(&e, "Integer id hook", json!({})).await;
    e.connect_and_open("/webhooks").await;
    e.click("[data-testid=webhook-link]").await;
    e.wait_text("[data-testid=webhook-name]", "Integer id hook")
        .await;
    assert!(!e.exists("[data-testid=detail-edit]").await);
    // Unix-second times still read as times.
    e.wait_text("[data-testid=secret-card] ~ section", "just now")
        .await;

    e.navigate("/webhooks/new").await;
    fill_basics(&e, "Plain http", "http://127.0.0.1:9/hook", "order_confirm").await;
    click(&e, "[data-testid=wh-submit]").await;
    let msg = e.wait_text("[data-testid=wh-url-error]", "URL").await;
    assert!(msg.contains("https"), "{msg}");
    assert_eq!(
        e.value("[data-testid=wh-url]").await,
        "http://127.0.0.1:9/hook"
    );
    no_error_toasts(&e).await;
    e.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn input_survives_a_revoked_token_and_a_trip_through_settings() {
    let (e, proxy) = crate::faults::behind_proxy().await;
    e.navigate("/webhooks/new").await;
    fill_basics(
        &e,
        "Draft survivor",
        "https://example.com/draft",
        "order_confirm",
    )
    .await;
    e.fill(
        "[data-testid=wh-description]",
        "typed before the token was revoked",
    )
    .await;
    proxy.revoke(&e.token, "replacement-token");
    click(&e, "[data-testid=wh-submit]").await;
    e.find("[data-testid=reconnect-prompt]").await;
    // Leaving for Settings is not blocked by the unsaved-changes guard, and comes back.
    e.click("[data-testid=reconnect-settings]").await;
    e.connect_here("replacement-token").await;
    e.wait_until("back on the form", || async {
        e.client
            .current_url()
            .await
            .map(|u| u.path() == "/webhooks/new")
            .unwrap_or(false)
    })
    .await;
    e.find("[data-testid=draft-restored]").await;
    assert_eq!(e.value("[data-testid=wh-name]").await, "Draft survivor");
    assert_eq!(
        e.value("[data-testid=wh-url]").await,
        "https://example.com/draft"
    );
    assert_eq!(
        e.value("[data-testid=wh-description]").await,
        "typed before the token was revoked"
    );
    let ticked = e.find("input[data-event=\"order_confirm\"]").await;
    assert_eq!(
        ticked.prop("checked").await.unwrap().as_deref(),
        Some("true")
    );
    click(&e, "[data-testid=wh-submit]").await;
    e.wait_text("[data-testid=webhook-name]", "Draft survivor")
        .await;
    // Saved: the draft is gone, a new form starts empty.
    e.navigate("/webhooks/new").await;
    e.find("[data-testid=webhook-form]").await;
    assert!(!e.exists("[data-testid=draft-restored]").await);
    assert_eq!(e.value("[data-testid=wh-name]").await, "");
    e.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn held_deliveries_are_resumed_or_cancelled_on_activation_and_header_values_stay_hidden() {
    let e = E2e::start().await;
    // A delivery that waits a minute is still queued when the webhook is switched off.
    let id = api_create(
        &e,
        "Held orders",
        json!({
            "delay": {"amount": 1, "unit": "minute"},
            "headers": {"X-Api-Key": "k3y-value", "X-Shop": "demo"},
        }),
    )
    .await;
    let (status, emitted) = e
        .api(
            Method::POST,
            "/events",
            Some(json!({"event_type": "order_confirm", "payload": {"orders": {}}})),
        )
        .await;
    assert_eq!(status, 201, "{emitted}");
    let delivery = emitted["data"]["deliveries"][0]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, v) = e
        .api(
            Method::PATCH,
            &format!("/webhooks/{id}"),
            Some(json!({"is_active": false})),
        )
        .await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["data"]["held"], 1, "{v}");

    e.connect_and_open(&format!("/webhooks/{id}")).await;
    e.wait_text("[data-testid=detail-held-count]", "1 delivery is held")
        .await;
    e.click("[data-testid=detail-toggle]").await;
    e.wait_text(
        "dialog[open] [data-testid=held-message]",
        "resume them, or cancel them",
    )
    .await;
    e.screenshot("held-prompt").await;
    e.click("dialog[open] [data-testid=held-cancel]").await;
    e.wait_text("[data-testid=active-badge]", "Active").await;
    assert_eq!(api_webhook(&e, &id).await["held"], 0);
    let (_, d) = e
        .api(Method::GET, &format!("/deliveries/{delivery}"), None)
        .await;
    assert_eq!(d["data"]["status"], "failed", "cancelled, not resumed: {d}");

    // The edit form shows the stored header values as set, never their text; a blank one
    // is kept on save.
    e.click("[data-testid=detail-edit]").await;
    e.find("[data-testid=webhook-form]").await;
    let value = e.find("[data-testid=header-value]").await;
    assert_eq!(
        value.attr("type").await.unwrap().as_deref(),
        Some("password")
    );
    assert_eq!(
        value.attr("placeholder").await.unwrap().as_deref(),
        Some("set — leave blank to keep")
    );
    assert_eq!(e.value("[data-testid=header-value]").await, "");
    let page = e.js("return document.body.innerHTML").await;
    assert!(
        !page.to_string().contains("k3y-value"),
        "a header value is on the page"
    );
    e.fill("[data-testid=wh-name]", "Held orders v2").await;
    e.client
        .execute(
            "arguments[0].scrollIntoView({block: 'center'});",
            vec![serde_json::to_value(&value).expect("element ref")],
        )
        .await
        .expect("scroll");
    e.screenshot("header-field").await;
    click(&e, "[data-testid=wh-submit]").await;
    e.wait_text("[data-testid=webhook-name]", "Held orders v2")
        .await;
    let stored = api_webhook(&e, &id).await;
    assert_eq!(
        stored["headers"],
        json!({"X-Api-Key": null, "X-Shop": null}),
        "both headers kept: {stored}"
    );
    no_error_toasts(&e).await;
    e.finish().await;
}

/// The names of the rows on the page, top to bottom.
async fn row_names(e: &E2e) -> Vec<String> {
    let mut names = Vec::new();
    for link in e.find_all("[data-testid=webhook-link]").await {
        names.push(link.text().await.unwrap_or_default());
    }
    names
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn name_sort_is_the_backends_across_pages_and_the_url_keeps_it() {
    let e = E2e::start().await;
    // Created in a shuffled order, so newest first and by name differ on every page.
    for i in 0..53 {
        api_create(&e, &format!("Sorted {:02}", (i * 20) % 53), json!({})).await;
    }
    e.connect_and_open("/webhooks").await;
    e.wait_until("a full first page", || async {
        e.find_all("[data-testid=webhook-row]").await.len() == 50
    })
    .await;
    let select = e.find("[data-testid=sort]").await;
    select
        .select_by_value("name_asc")
        .await
        .expect("choose Name A–Z");
    let first: Vec<String> = (0..50).map(|i| format!("Sorted {i:02}")).collect();
    e.wait_until("the first 50 names in order", || async {
        row_names(&e).await == first
    })
    .await;
    let url = e.client.current_url().await.unwrap();
    assert_eq!(url.query(), Some("sort=name_asc"), "{url}");
    assert!(!e.exists("[data-testid=local-sort-note]").await);
    e.screenshot("sort-name-page-1").await;
    e.js("document.documentElement.setAttribute('data-theme', 'dark'); return null")
        .await;
    e.screenshot("sort-name-page-1-dark").await;
    e.js("document.documentElement.setAttribute('data-theme', 'light'); return null")
        .await;

    e.click("[data-testid=page-next]").await;
    e.wait_until("the last three names", || async {
        row_names(&e).await == ["Sorted 50", "Sorted 51", "Sorted 52"]
    })
    .await;
    let url = e.client.current_url().await.unwrap();
    let query = url.query().unwrap_or_default().to_owned();
    assert!(
        query.starts_with("sort=name_asc&cursor=n.") && query.contains("&prev="),
        "{url}"
    );
    // The URL alone reproduces the sorted page; back goes to the first sorted page.
    e.navigate("/webhooks").await;
    e.wait_until("newest first again", || async {
        row_names(&e).await.first().map(String::as_str) == Some("Sorted 33")
    })
    .await;
    e.navigate(&format!("/webhooks?{query}")).await;
    e.wait_until("the sorted last page from its URL", || async {
        row_names(&e).await == ["Sorted 50", "Sorted 51", "Sorted 52"]
    })
    .await;
    e.click("[data-testid=page-prev]").await;
    e.wait_until("the first sorted page", || async {
        row_names(&e).await == first
    })
    .await;

    // Most failures: a new order starts from its first page.
    e.find("[data-testid=sort]")
        .await
        .select_by_value("failures_desc")
        .await
        .expect("choose Most failures");
    e.wait_until("failures order in the URL", || async {
        e.client.current_url().await.unwrap().query() == Some("sort=failures_desc")
    })
    .await;
    e.wait_until("a full first page", || async {
        e.find_all("[data-testid=webhook-row]").await.len() == 50
    })
    .await;
    no_error_toasts(&e).await;
    e.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backend_without_sort_sorts_the_loaded_page_and_says_so() {
    let e = E2e::start_with(Options {
        profile: Profile::Core,
        ..Options::default()
    })
    .await;
    for name in ["Bravo", "alpha", "Charlie"] {
        api_create(&e, name, json!({})).await;
    }
    e.connect_and_open("/webhooks").await;
    e.wait_until("newest first", || async {
        row_names(&e).await == ["Charlie", "alpha", "Bravo"]
    })
    .await;
    assert!(!e.exists("[data-testid=local-sort-note]").await);
    e.find("[data-testid=sort]")
        .await
        .select_by_value("name_asc")
        .await
        .expect("choose Name A–Z");
    let note = e
        .wait_text(
            "[data-testid=local-sort-note]",
            "just the webhooks on this page",
        )
        .await;
    assert!(note.contains("Name A–Z"), "{note}");
    e.wait_until("sorted on the page", || async {
        row_names(&e).await == ["alpha", "Bravo", "Charlie"]
    })
    .await;
    assert_eq!(
        e.client.current_url().await.unwrap().query(),
        Some("sort=name_asc")
    );
    e.screenshot("sort-local-note").await;
    e.js("document.documentElement.setAttribute('data-theme', 'dark'); return null")
        .await;
    e.screenshot("sort-local-note-dark").await;
    e.js("document.documentElement.setAttribute('data-theme', 'light'); return null")
        .await;
    no_error_toasts(&e).await;
    e.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_lists_switch_asks_about_held_deliveries_like_the_detail_page() {
    let e = E2e::start().await;
    // A delivery that waits a minute is still queued when the webhook is switched off.
    let id = api_create(
        &e,
        "Held in the list",
        json!({"delay": {"amount": 1, "unit": "minute"}}),
    )
    .await;
    let plain = api_create(&e, "Nothing held", json!({"is_active": false})).await;
    let (status, emitted) = e
        .api(
            Method::POST,
            "/events",
            Some(json!({"event_type": "order_confirm", "payload": {"orders": {}}})),
        )
        .await;
    assert_eq!(status, 201, "{emitted}");
    let delivery = emitted["data"]["deliveries"][0]
        .as_str()
        .unwrap()
        .to_owned();
    let (status, v) = e
        .api(
            Method::PATCH,
            &format!("/webhooks/{id}"),
            Some(json!({"is_active": false})),
        )
        .await;
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["data"]["held"], 1, "{v}");

    e.connect_and_open("/webhooks").await;
    let row = format!("[data-testid=webhook-row][data-id=\"{id}\"]");
    e.click(&format!("{row} [data-testid=toggle-active]")).await;
    let message = e
        .wait_text(
            "dialog[open] [data-testid=held-message]",
            "1 delivery is held",
        )
        .await;
    assert!(message.contains("resume them, or cancel them"), "{message}");
    assert!(e
        .text("dialog[open]")
        .await
        .contains("Activate “Held in the list”?"));
    e.screenshot("held-prompt-list").await;
    e.js("document.documentElement.setAttribute('data-theme', 'dark'); return null")
        .await;
    e.screenshot("held-prompt-list-dark").await;
    e.js("document.documentElement.setAttribute('data-theme', 'light'); return null")
        .await;
    // "Keep inactive" changes nothing.
    e.click("dialog[open] [data-testid=confirm-cancel]").await;
    e.wait_gone("dialog[open]").await;
    let stored = api_webhook(&e, &id).await;
    assert_eq!(
        (stored["is_active"].clone(), stored["held"].clone()),
        (json!(false), json!(1))
    );

    // Resume: the webhook is on and the delivery is queued again, not cancelled.
    e.click(&format!("{row} [data-testid=toggle-active]")).await;
    e.find("dialog[open] [data-testid=held-message]").await;
    confirm(&e).await;
    e.wait_gone("dialog[open]").await;
    e.wait_until("activated", || async {
        api_webhook(&e, &id).await["is_active"] == true
    })
    .await;
    assert_eq!(api_webhook(&e, &id).await["held"], 0);
    let (_, d) = e
        .api(Method::GET, &format!("/deliveries/{delivery}"), None)
        .await;
    assert_ne!(d["data"]["status"], "failed", "resumed, not cancelled: {d}");
    assert_ne!(d["data"]["status"], "held", "{d}");

    // A webhook holding nothing switches on without a question.
    e.click(&format!(
        "[data-testid=webhook-row][data-id=\"{plain}\"] [data-testid=toggle-active]"
    ))
    .await;
    e.wait_until("the other activated", || async {
        api_webhook(&e, &plain).await["is_active"] == true
    })
    .await;
    assert!(!e.exists("dialog[open]").await);
    no_error_toasts(&e).await;
    e.finish().await;
}
