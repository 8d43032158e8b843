//! Accessibility: axe-core on every page in both themes (no serious or critical violation),
//! a keyboard-only journey through create, edit, retry and delete, dialogs that trap and
//! return focus, and toasts in live regions.

use crate::harness::{E2e, Options};
use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::key::Key;
use serde_json::{json, Value};
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// axe-core from the npm registry: `SWITCHBOARD_AXE` (set by the xtask) or the local tools dir.
fn axe_source() -> String {
    let path = std::env::var_os("SWITCHBOARD_AXE")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join(".tools/axe/node_modules/axe-core/axe.min.js")
        });
    std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "axe-core not found at {} ({e}): run `cargo xtask test`, or \
             `npm install --prefix .tools/axe axe-core@4`",
            path.display()
        )
    })
}

/// Waits for loading to end, then runs axe on the page; returns the serious and critical
/// violations as readable lines.
async fn axe(e: &E2e, axe_js: &str, page: &str) -> Vec<String> {
    e.wait_until(&format!("{page} loaded"), || async {
        e.js("return document.querySelectorAll('[aria-busy=true], .skeleton').length === 0;")
            .await
            == json!(true)
    })
    .await;
    let loaded = e.js("return typeof window.axe === 'object';").await;
    if loaded != json!(true) {
        e.client
            .execute(&format!("{axe_js}\nreturn true;"), vec![])
            .await
            .expect("inject axe-core");
    }
    let result = e
        .client
        .execute_async(
            "const done = arguments[arguments.length - 1];\
             axe.run(document, { resultTypes: ['violations'] }).then(r => done(\
               r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical').map(v =>\
                 v.impact + ' ' + v.id + ': ' + v.help + ' — ' +\
                 v.nodes.slice(0, 4).map(n => n.target.join(' ')).join(', ')))\
             ).catch(err => done(['axe failed: ' + err]));",
            vec![],
        )
        .await
        .expect("run axe");
    let lines: Vec<String> = result
        .as_array()
        .map(|a| {
            a.iter()
                .map(|v| format!("{page}: {}", v.as_str().unwrap_or_default()))
                .collect()
        })
        .unwrap_or_default();
    println!("axe {page}: {} serious/critical", lines.len());
    lines
}

async fn set_theme(e: &E2e, theme: &str) {
    e.navigate("/settings").await;
    e.client
        .execute(
            "const s = document.querySelector('[data-testid=theme-select]'); s.value = arguments[0];\
             s.dispatchEvent(new Event('change', { bubbles: true })); return true;",
            vec![json!(theme)],
        )
        .await
        .expect("pick theme");
    e.wait_until("theme applied", || async {
        e.js("return document.documentElement.getAttribute('data-theme');")
            .await
            == json!(theme)
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_passes_axe_in_both_themes() {
    let axe_js = axe_source();
    let e = E2e::start_with(Options {
        demo: true,
        ..Options::default()
    })
    .await;
    let mut violations = Vec::new();

    e.open("/webhooks").await;
    e.find("[data-testid=connect-prompt]").await;
    violations.extend(axe(&e, &axe_js, "connect prompt").await);
    e.connect().await;

    let (_, hooks) = e.api(reqwest::Method::GET, "/webhooks", None).await;
    let webhook = hooks["data"][0]["id"]
        .as_str()
        .expect("demo webhooks")
        .to_owned();
    let started = Instant::now();
    let delivery = loop {
        let (_, d) = e
            .api(reqwest::Method::GET, "/deliveries?limit=1", None)
            .await;
        if let Some(id) = d["data"][0]["id"].as_str() {
            break id.to_owned();
        }
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "the demo made no delivery"
        );
        tokio::time::sleep(Duration::from_millis(300)).await;
    };

    let pages: Vec<(String, &str)> = vec![
        ("/".into(), "[data-testid=dashboard]"),
        ("/webhooks".into(), "[data-testid=webhook-row]"),
        ("/webhooks/new".into(), "[data-testid=webhook-form]"),
        (format!("/webhooks/{webhook}"), "[data-testid=webhook-name]"),
        (
            format!("/webhooks/{webhook}/edit"),
            "[data-testid=webhook-form]",
        ),
        ("/event-types".into(), "[data-testid=event-type]"),
        (
            "/event-types/order_confirm".into(),
            "[data-testid=event-type-page]",
        ),
        ("/deliveries".into(), "[data-testid=delivery-link]"),
        (
            format!("/deliveries/{delivery}"),
            "[data-testid=delivery-page]",
        ),
        ("/settings".into(), "[data-testid=connect-form]"),
        ("/no/such/page".into(), "[data-testid=not-found]"),
    ];
    for theme in ["light", "dark"] {
        set_theme(&e, theme).await;
        for (path, ready) in &pages {
            e.navigate(path).await;
            e.find(ready).await;
            violations.extend(axe(&e, &axe_js, &format!("{path} ({theme})")).await);
        }
        // A modal dialog open over a page.
        e.navigate(&format!("/webhooks/{webhook}")).await;
        e.click("[data-testid=detail-delete]").await;
        e.find("dialog[open]").await;
        violations.extend(axe(&e, &axe_js, &format!("delete dialog ({theme})")).await);
        e.js("document.querySelector('dialog[open] [data-testid=confirm-cancel]').click(); return true;")
            .await;
        e.wait_gone("dialog[open]").await;
        e.screenshot(&format!("a11y-detail-{theme}")).await;
    }
    assert!(
        violations.is_empty(),
        "serious or critical accessibility violations:\n{}",
        violations.join("\n")
    );
    e.finish().await;
}

/// Presses one key (down and up) wherever the focus is.
async fn press(e: &E2e, key: Key) {
    let c: char = key.into();
    let keys = KeyActions::new("keyboard".into())
        .then(KeyAction::Down { value: c })
        .then(KeyAction::Up { value: c });
    e.client.perform_actions(keys).await.expect("key press");
}

/// Types text into whatever has the focus.
async fn type_text(e: &E2e, text: &str) {
    let mut keys = KeyActions::new("keyboard".into());
    for c in text.chars() {
        keys = keys
            .then(KeyAction::Down { value: c })
            .then(KeyAction::Up { value: c });
    }
    e.client.perform_actions(keys).await.expect("typing");
}

/// Selects all of the focused field's text, so typing replaces it.
async fn select_all(e: &E2e) {
    let ctrl: char = Key::Control.into();
    let keys = KeyActions::new("keyboard".into())
        .then(KeyAction::Down { value: ctrl })
        .then(KeyAction::Down { value: 'a' })
        .then(KeyAction::Up { value: 'a' })
        .then(KeyAction::Up { value: ctrl });
    e.client.perform_actions(keys).await.expect("select all");
}

async fn focused_matches(e: &E2e, css: &str) -> bool {
    e.client
        .execute(
            "const a = document.activeElement; return !!a && a.matches(arguments[0]);",
            vec![json!(css)],
        )
        .await
        .map(|v| v == json!(true))
        .unwrap_or(false)
}

async fn focused(e: &E2e) -> Value {
    e.js("const a = document.activeElement; return a ? (a.getAttribute('data-testid') || a.tagName + '#' + a.id) : null;")
        .await
}

/// Presses Tab until `css` has the focus; fails after a page's worth of stops.
async fn tab_to(e: &E2e, css: &str) {
    e.find(css).await;
    for _ in 0..160 {
        if focused_matches(e, css).await {
            return;
        }
        press(e, Key::Tab).await;
    }
    panic!("Tab never reached {css}; focus is on {}", focused(e).await);
}

async fn wait_path(e: &E2e, pred: impl Fn(&str) -> bool) -> String {
    let mut path = String::new();
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(20) {
        path = e.client.current_url().await.unwrap().path().to_owned();
        if pred(&path) {
            return path;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("never reached the expected page; at {path}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_keyboard_alone_creates_edits_retries_and_deletes() {
    let e = E2e::start().await;
    // Connect by keyboard: the token field, then Enter submits the form.
    e.open("/settings").await;
    e.find("[data-testid=token]").await;
    tab_to(&e, "[data-testid=token]").await;
    type_text(&e, &e.token.clone()).await;
    press(&e, Key::Enter).await;
    e.wait_text("[data-testid=connection-status]", "Connected")
        .await;
    // The result is announced: the toast sits in a live region.
    e.find("[data-testid=toast]").await;
    let live = e
        .js("return [...document.querySelectorAll('[data-testid=toast]')].every(t => !!t.closest('[aria-live]'));")
        .await;
    assert_eq!(live, json!(true), "toasts must be inside a live region");

    // Create.
    tab_to(&e, "[data-testid=nav-webhooks]").await;
    press(&e, Key::Enter).await;
    wait_path(&e, |p| p == "/webhooks").await;
    tab_to(&e, "[data-testid=create-first], [data-testid=new-webhook]").await;
    press(&e, Key::Enter).await;
    wait_path(&e, |p| p == "/webhooks/new").await;
    tab_to(&e, "[data-testid=wh-name]").await;
    type_text(&e, "Keyboard hook").await;
    tab_to(&e, "[data-testid=wh-url]").await;
    // Nothing listens there: every delivery fails, so there is one to retry.
    type_text(&e, "http://127.0.0.1:9/keyboard").await;
    tab_to(&e, "input[data-event=\"order_confirm\"]").await;
    press(&e, Key::Space).await;
    tab_to(&e, "[data-testid=wh-submit]").await;
    press(&e, Key::Enter).await;
    let path = wait_path(&e, |p| {
        p.starts_with("/webhooks/wh") || (p.starts_with("/webhooks/") && p != "/webhooks/new")
    })
    .await;
    let id = path.trim_start_matches("/webhooks/").to_owned();
    e.wait_text("[data-testid=webhook-name]", "Keyboard hook")
        .await;

    // Edit.
    tab_to(&e, "[data-testid=detail-edit]").await;
    press(&e, Key::Enter).await;
    wait_path(&e, |p| p.ends_with("/edit")).await;
    e.wait_until("form filled", || async {
        e.value("[data-testid=wh-name]").await == "Keyboard hook"
    })
    .await;
    tab_to(&e, "[data-testid=wh-name]").await;
    select_all(&e).await;
    type_text(&e, "Keyboard hook v2").await;
    tab_to(&e, "[data-testid=wh-submit]").await;
    press(&e, Key::Enter).await;
    wait_path(&e, |p| !p.ends_with("/edit")).await;
    e.wait_text("[data-testid=webhook-name]", "Keyboard hook v2")
        .await;

    // Retry a delivery that failed.
    let (status, _) = e
        .api(
            reqwest::Method::POST,
            "/events",
            Some(json!({ "event_type": "order_confirm", "payload": { "n": 1 } })),
        )
        .await;
    assert!((200..300).contains(&status));
    let started = Instant::now();
    let delivery = loop {
        let (_, d) = e
            .api(
                reqwest::Method::GET,
                &format!("/deliveries?webhook_id={id}"),
                None,
            )
            .await;
        if d["data"][0]["status"] == "failed" {
            break d["data"][0]["id"].as_str().unwrap().to_owned();
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "no failed delivery: {d}"
        );
        tokio::time::sleep(Duration::from_millis(300)).await;
    };
    tab_to(&e, "[data-testid=nav-deliveries]").await;
    press(&e, Key::Enter).await;
    wait_path(&e, |p| p == "/deliveries").await;
    tab_to(
        &e,
        &format!("a[data-testid=delivery-link][href$=\"{delivery}\"]"),
    )
    .await;
    press(&e, Key::Enter).await;
    wait_path(&e, |p| p.starts_with("/deliveries/")).await;
    let before = e.text("[data-testid=attempt-count]").await;
    tab_to(&e, "[data-testid=retry-delivery]").await;
    press(&e, Key::Enter).await;
    if e.find_all("dialog[open]").await.len() == 1 {
        tab_to(&e, "dialog[open] [data-testid=confirm-ok]").await;
        press(&e, Key::Enter).await;
    }
    e.wait_until("a new attempt", || async {
        e.text("[data-testid=attempt-count]").await != before
    })
    .await;

    // Delete, checking on the way that the dialog traps focus and gives it back.
    tab_to(&e, "[data-testid=nav-webhooks]").await;
    press(&e, Key::Enter).await;
    wait_path(&e, |p| p == "/webhooks").await;
    tab_to(&e, &format!("a[data-testid=webhook-link][href$=\"{id}\"]")).await;
    press(&e, Key::Enter).await;
    wait_path(&e, |p| p.ends_with(&id)).await;
    tab_to(&e, "[data-testid=detail-delete]").await;
    press(&e, Key::Enter).await;
    e.find("dialog[open]").await;
    for i in 0..8 {
        assert!(
            focused_matches(&e, "dialog[open] *").await,
            "focus left the open dialog after {i} Tabs: {}",
            focused(&e).await
        );
        press(&e, Key::Tab).await;
    }
    press(&e, Key::Escape).await;
    e.wait_gone("dialog[open]").await;
    assert!(
        focused_matches(&e, "[data-testid=detail-delete]").await,
        "focus did not return to the button that opened the dialog: {}",
        focused(&e).await
    );
    press(&e, Key::Enter).await;
    e.find("dialog[open]").await;
    tab_to(&e, "dialog[open] [data-testid=confirm-ok]").await;
    press(&e, Key::Enter).await;
    wait_path(&e, |p| p == "/webhooks").await;
    e.wait_until("webhook gone", || async {
        let (status, _) = e
            .api(reqwest::Method::GET, &format!("/webhooks/{id}"), None)
            .await;
        status == 404
    })
    .await;
    e.finish().await;
}
