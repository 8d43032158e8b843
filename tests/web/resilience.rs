//! The fault-handling widgets in a real browser: the slow-request notice and its Cancel, the
//! rate-limit countdown, and error panels that show server text as text.

use leptos::prelude::*;
use switchboard::api::inflight::Ticket;
use switchboard::api::ApiError;
use switchboard::components::{ErrorPanel, RequestProgress};
use switchboard_api::Problem;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::wasm_bindgen_test;

fn container() -> web_sys::HtmlElement {
    let doc = web_sys::window().unwrap().document().unwrap();
    let div = doc.create_element("div").unwrap();
    doc.body().unwrap().append_child(&div).unwrap();
    div.unchecked_into()
}

async fn sleep(ms: u32) {
    gloo_timers::future::TimeoutFuture::new(ms).await;
}

fn text(root: &web_sys::HtmlElement, css: &str) -> Option<String> {
    root.query_selector(css)
        .unwrap()
        .map(|e| e.text_content().unwrap_or_default())
}

fn problem(status: u16, detail: &str) -> Problem {
    Problem {
        kind: "about:blank".into(),
        title: String::new(),
        status,
        detail: Some(detail.into()),
        request_id: None,
        errors: Vec::new(),
    }
}

#[wasm_bindgen_test]
async fn a_slow_request_is_announced_and_cancel_aborts_it() {
    let root = container();
    let _handle = leptos::mount::mount_to(root.clone(), || view! { <RequestProgress/> });
    let controller = web_sys::AbortController::new().unwrap();
    let ticket = Ticket::new("GET /webhooks".into(), Some(controller.clone()));
    sleep(100).await;
    // Young requests are normal: nothing to say yet.
    assert_eq!(text(&root, "[data-testid=request-progress-text]"), None);
    sleep(1_400).await;
    let said = text(&root, "[data-testid=request-progress-text]").unwrap();
    assert!(said.contains("Waiting for the server"), "{said}");
    let cancel: web_sys::HtmlElement = root
        .query_selector("[data-testid=cancel-request]")
        .unwrap()
        .unwrap()
        .unchecked_into();
    cancel.click();
    assert!(ticket.cancelled());
    assert!(controller.signal().aborted());
    drop(ticket);
    sleep(50).await;
    assert_eq!(text(&root, "[data-testid=request-progress-text]"), None);
}

#[wasm_bindgen_test]
async fn a_server_imposed_wait_counts_down() {
    let root = container();
    let _handle = leptos::mount::mount_to(root.clone(), || view! { <RequestProgress/> });
    let ticket = Ticket::new("GET /deliveries".into(), None);
    ticket.wait(429, 5);
    sleep(300).await;
    let said = text(&root, "[data-testid=request-progress-text]").unwrap();
    assert!(said.contains("429"), "{said}");
    assert!(said.contains("in 5 s") || said.contains("in 4 s"), "{said}");
    ticket.resume(None);
    sleep(50).await;
    // Back to a plain request that is not slow yet.
    let kind = root
        .query_selector("[data-testid=request-progress]")
        .unwrap()
        .unwrap()
        .get_attribute("data-kind");
    assert_eq!(kind.as_deref(), Some("quiet"));
}

#[wasm_bindgen_test]
async fn retry_waits_for_retry_after() {
    let root = container();
    let retried = RwSignal::new(0);
    let _handle = leptos::mount::mount_to(root.clone(), move || {
        let error = ApiError::Http {
            status: 429,
            problem: problem(429, "slow down"),
            retry_after: Some(2),
        };
        view! { <ErrorPanel error=error on_retry=Callback::new(move |_| retried.update(|n| *n += 1))/> }
    });
    let button: web_sys::HtmlElement = root
        .query_selector("[data-testid=retry]")
        .unwrap()
        .unwrap()
        .unchecked_into();
    assert!(button.has_attribute("disabled"));
    assert_eq!(button.text_content().unwrap(), "Try again in 2 s");
    sleep(2_300).await;
    assert!(!button.has_attribute("disabled"));
    assert_eq!(button.text_content().unwrap(), "Try again");
    button.click();
    assert_eq!(retried.get_untracked(), 1);
}

#[wasm_bindgen_test]
async fn server_text_in_an_error_stays_text() {
    let root = container();
    let _handle = leptos::mount::mount_to(root.clone(), || {
        let error = ApiError::Http {
            status: 500,
            problem: problem(500, "<img src=x onerror=alert(1)><script>alert(2)</script>"),
            retry_after: None,
        };
        view! { <ErrorPanel error=error/> }
    });
    let panel = root
        .query_selector("[data-testid=error-panel]")
        .unwrap()
        .unwrap();
    assert!(panel.query_selector("img, script").unwrap().is_none());
    assert!(panel
        .text_content()
        .unwrap()
        .contains("<img src=x onerror=alert(1)>"));
    assert_eq!(panel.get_attribute("data-status").as_deref(), Some("500"));
}

#[wasm_bindgen_test]
async fn a_request_dropped_before_it_ends_is_aborted() {
    let controller = web_sys::AbortController::new().unwrap();
    let ticket = Ticket::new("GET /webhooks".into(), Some(controller.clone()));
    assert!(!controller.signal().aborted());
    // What happens when the page that asked is closed: its future, and so its ticket, drops.
    drop(ticket);
    assert!(
        controller.signal().aborted(),
        "the browser keeps downloading an answer nobody will read"
    );
}
