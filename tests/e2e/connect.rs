//! Connecting: capabilities shown, a wrong token, a server that is down, the CSP-served build.

use crate::fault_proxy::{Fault, FaultProxy};
use crate::faults::{create_webhook, proxy_in_front};
use crate::harness::{E2e, Options};
use axum::http::Method;
use serde_json::json;
use std::time::Duration;
use switchboard_server::Profile;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connect_shows_the_servers_capabilities() {
    let e = E2e::start().await;
    e.open("/webhooks").await;
    // Not connected yet: the page asks for a connection instead of failing.
    e.find("[data-testid=connect-prompt]").await;
    e.click("[data-testid=connect-prompt] a").await;
    e.connect_here(&e.token.clone()).await;
    // `next` brings us back to the page we came from.
    e.wait_until("back on /webhooks", || async {
        e.client
            .current_url()
            .await
            .map(|u| u.path() == "/webhooks")
            .unwrap_or(false)
    })
    .await;
    e.wait_text("[data-testid=connection-badge]", "Connected")
        .await;
    e.navigate("/settings").await;
    e.wait_text("[data-testid=connection-status]", "Connected")
        .await;
    for feature in ["update", "deliveries", "events", "status"] {
        let on = e
            .find(&format!("[data-testid=cap-{feature}]"))
            .await
            .attr("data-on")
            .await
            .unwrap();
        assert_eq!(on.as_deref(), Some("true"), "{feature} should be on");
    }
    e.screenshot("settings-connected").await;
    e.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_token_is_called_unauthorised() {
    let e = E2e::start().await;
    e.open("/settings").await;
    e.connect_here("not-the-token").await;
    let text = e
        .wait_text("[data-testid=connection-error]", "Unauthorised")
        .await;
    assert!(text.contains("401"), "{text}");
    assert_eq!(e.value("[data-testid=token]").await, "not-the-token");
    e.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stopped_server_cannot_be_reached_and_input_stays() {
    let mut e = E2e::start().await;
    e.open("/settings").await;
    let base = e.base_url.clone();
    e.fill("[data-testid=base-url]", &base).await;
    e.fill("[data-testid=token]", "typed-token-123").await;
    e.stop_server().await;
    e.click("[data-testid=connect]").await;
    e.wait_text("[data-testid=connection-error]", "Cannot reach the server")
        .await;
    assert_eq!(e.value("[data-testid=base-url]").await, base);
    assert_eq!(e.value("[data-testid=token]").await, "typed-token-123");
    // The page still works: a second try against a restarted server succeeds.
    e.restart_server().await;
    e.fill("[data-testid=token]", &e.token.clone()).await;
    e.click("[data-testid=connect]").await;
    e.wait_text("[data-testid=connection-status]", "Connected")
        .await;
    e.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_release_build_mounts_under_a_strict_csp() {
    let e = E2e::start().await;
    let resp = e.http.get(format!("{}/", e.base_url)).send().await.unwrap();
    let csp = resp
        .headers()
        .get("content-security-policy")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(
        csp.contains("script-src 'self' 'wasm-unsafe-eval'"),
        "{csp}"
    );
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    let html = resp.text().await.unwrap();
    for tag in html.split("<script").skip(1) {
        let open = tag.split('>').next().unwrap_or_default();
        assert!(
            open.contains("src="),
            "inline script in index.html: <script{open}>"
        );
    }
    e.open("/").await;
    e.find(".brand").await;
    e.find("[data-testid=connect-prompt]").await;
    e.open("/no/such/page").await;
    e.find("[data-testid=not-found]").await;
    e.finish().await;
}

/// Each wasm file of the bundle directory the page fetched, with how it was asked for
/// (`link` for a preload, `fetch` for the chunk loader) — once per request.
async fn wasm_fetches(e: &E2e) -> Vec<(String, String)> {
    let list = e
        .js("return performance.getEntriesByType('resource')\
               .filter((r) => r.name.endsWith('.wasm') && !r.name.endsWith('_bg.wasm'))\
               .map((r) => [new URL(r.name).pathname.split('/').pop(), r.initiatorType]);")
        .await;
    let mut out: Vec<(String, String)> = serde_json::from_value(list).unwrap();
    out.sort();
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_opened_pages_chunk_downloads_beside_the_main_module() {
    let e = E2e::start().await;
    for (path, chunk) in [
        // The list is in the main module: no chunk to fetch.
        ("/webhooks", None),
        ("/webhooks/wh_none", Some("split_webhook_pages.wasm")),
        ("/deliveries", Some("split_monitoring_and_settings.wasm")),
        ("/", Some("split_monitoring_and_settings.wasm")),
    ] {
        e.open(path).await;
        e.find("[data-testid=connect-prompt]").await;
        let fetched = wasm_fetches(&e).await;
        let pages: Vec<&String> = fetched
            .iter()
            .map(|(f, _)| f)
            .filter(|f| f.starts_with("split_"))
            .collect();
        // Only the route's page chunk: the others wait until their pages open (or the idle
        // prefetch after connecting).
        assert_eq!(
            pages,
            chunk.into_iter().collect::<Vec<_>>(),
            "{path}: {fetched:?}"
        );
        if chunk.is_none() {
            assert!(fetched.is_empty(), "{path}: {fetched:?}");
        }
        // Fetched once each, by the preload boot.js adds: the loader's own fetch reused it.
        assert!(
            fetched.iter().all(|(_, how)| how == "link"),
            "{path}: a chunk was fetched again or not preloaded: {fetched:?}"
        );
        let mut names: Vec<&String> = fetched.iter().map(|(f, _)| f).collect();
        names.dedup();
        assert_eq!(names.len(), fetched.len(), "{path}: {fetched:?}");
        // The chunk loader, which the bindings import, is requested once, by a modulepreload
        // with the page's first requests: found through the import, it could only be asked
        // for after the bindings had arrived.
        let loader = e
            .js("const all = performance.getEntriesByType('resource');\
                 const bindings = all.find((r) => r.name.endsWith('/switchboard.js'));\
                 return all.filter((r) => r.name.endsWith('/__wasm_split.js'))\
                   .map((r) => r.startTime < bindings.responseEnd);")
            .await;
        assert_eq!(loader, serde_json::json!([true]), "{path}");
    }
    e.assert_no_panic().await;
    e.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backend_without_capabilities_is_core_level() {
    let e = E2e::start_with(Options {
        profile: Profile::Plandocket,
        ..Options::default()
    })
    .await;
    e.connect().await;
    let text = e.text("[data-testid=connection-status]").await;
    assert!(text.contains("core level only"), "{text}");
    let on = e
        .find("[data-testid=cap-update]")
        .await
        .attr("data-on")
        .await
        .unwrap();
    assert_eq!(on.as_deref(), Some("false"));
    e.finish().await;
}

/// Connects through a proxy with "keep in this tab" ticked, so a full load reconnects by itself.
async fn kept_connection_behind_proxy() -> (E2e, FaultProxy) {
    let (e, proxy) = proxy_in_front().await;
    e.open("/settings").await;
    e.click("[data-testid=remember]").await;
    e.connect_here(&e.token.clone()).await;
    e.wait_text("[data-testid=connection-status]", "Connected")
        .await;
    create_webhook(&e, "Early bird").await;
    (e, proxy)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_kept_connection_fetches_the_list_while_the_token_is_checked() {
    let (e, proxy) = kept_connection_behind_proxy().await;
    proxy.fault_exact(
        Method::GET,
        "/api/v1/capabilities",
        Fault::Latency(Duration::from_millis(3000)),
        Some(1),
    );
    e.open("/webhooks").await;
    // The list is asked for before the capabilities arrive, but shown only after.
    e.wait_until("the list requested", || async {
        proxy.count("GET", "/api/v1/webhooks") == 1
    })
    .await;
    assert!(e.exists("[data-testid=connecting]").await);
    let hidden = e
        .js("const g = document.querySelector('[data-testid=gate-content]'); return !!g && g.hidden;")
        .await;
    assert_eq!(hidden, json!(true), "the early page must stay hidden");
    e.wait_text("[data-testid=webhook-row]", "Early bird").await;
    let timing = e
        .js("const r = performance.getEntriesByType('resource');\
             const at = (p) => r.find((x) => new URL(x.name).pathname === p);\
             return [at('/api/v1/webhooks').startTime, at('/api/v1/capabilities').responseEnd];")
        .await;
    let (list_sent, caps_in) = (timing[0].as_f64().unwrap(), timing[1].as_f64().unwrap());
    assert!(
        list_sent < caps_in,
        "list sent at {list_sent} ms, capabilities in at {caps_in} ms"
    );
    assert_eq!(
        proxy.count("GET", "/api/v1/webhooks"),
        1,
        "{:?}",
        proxy.seen()
    );
    e.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_kept_token_that_is_refused_drops_the_early_page() {
    let (e, proxy) = kept_connection_behind_proxy().await;
    proxy.revoke(&e.token, "the-new-token");
    e.open("/webhooks").await;
    e.find("[data-testid=connect-prompt]").await;
    assert!(
        !e.exists("[data-testid=gate-content]").await,
        "the page built early must be gone"
    );
    e.click("[data-testid=connect-prompt] a").await;
    e.connect_here("the-new-token").await;
    // Back on the list, built afresh: no error left over from the refused early requests.
    e.wait_text("[data-testid=webhook-row]", "Early bird").await;
    assert!(!e.exists("[data-testid=error-panel]").await);
    e.assert_no_panic().await;
    e.finish().await;
}
