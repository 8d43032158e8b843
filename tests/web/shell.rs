//! The shell's widgets in a real browser: toasts announce, the theme toggle cycles.

use leptos::prelude::*;
use switchboard::components::{ThemeToggle, ToastRegion};
use switchboard::state::{provide_settings, provide_toasts, use_toasts, Theme};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::wasm_bindgen_test;

fn container() -> web_sys::HtmlElement {
    let doc = web_sys::window().unwrap().document().unwrap();
    let div = doc.create_element("div").unwrap();
    doc.body().unwrap().append_child(&div).unwrap();
    div.unchecked_into()
}

async fn tick() {
    gloo_timers::future::TimeoutFuture::new(0).await;
}

#[wasm_bindgen_test]
async fn toasts_land_in_live_regions() {
    let root = container();
    let toasts = StoredValue::new(None);
    let _handle = leptos::mount::mount_to(root.clone(), move || {
        provide_toasts();
        toasts.set_value(Some(use_toasts()));
        view! { <ToastRegion/> }
    });
    let t = toasts.get_value().unwrap();
    t.success("Saved <b>webhook</b>");
    t.error("The server failed (500)");
    tick().await;
    let polite = root.query_selector("[aria-live=polite]").unwrap().unwrap();
    let assertive = root
        .query_selector("[aria-live=assertive]")
        .unwrap()
        .unwrap();
    assert!(polite
        .text_content()
        .unwrap()
        .contains("Saved <b>webhook</b>"));
    assert!(
        polite.query_selector("b").unwrap().is_none(),
        "toast text must not become markup"
    );
    assert!(assertive
        .text_content()
        .unwrap()
        .contains("The server failed (500)"));
    // Dismissing removes it.
    let close: web_sys::HtmlElement = assertive
        .query_selector(".toast-close")
        .unwrap()
        .unwrap()
        .unchecked_into();
    close.click();
    tick().await;
    assert!(!assertive.text_content().unwrap().contains("server failed"));
}

#[wasm_bindgen_test]
async fn theme_toggle_cycles_and_marks_the_root() {
    let root = container();
    let settings = StoredValue::new(None);
    let _handle = leptos::mount::mount_to(root.clone(), move || {
        settings.set_value(Some(provide_settings()));
        view! { <ThemeToggle/> }
    });
    let s = settings.get_value().unwrap();
    s.theme.set(Theme::System);
    tick().await;
    let button: web_sys::HtmlElement = root
        .query_selector("button")
        .unwrap()
        .unwrap()
        .unchecked_into();
    button.click();
    tick().await;
    assert_eq!(s.theme.get_untracked(), Theme::Light);
    let html = web_sys::window()
        .unwrap()
        .document()
        .unwrap()
        .document_element()
        .unwrap();
    assert_eq!(html.get_attribute("data-theme").as_deref(), Some("light"));
    button.click();
    tick().await;
    assert_eq!(html.get_attribute("data-theme").as_deref(), Some("dark"));
}
