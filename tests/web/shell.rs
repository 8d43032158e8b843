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

#[wasm_bindgen_test]
async fn a_confirm_dialog_reopened_at_once_after_escape_stays_open() {
    use switchboard::components::ConfirmDialog;
    let root = container();
    let open = RwSignal::new(false);
    let confirmed = RwSignal::new(0u32);
    let _handle = leptos::mount::mount_to(root.clone(), move || {
        view! {
            <ConfirmDialog open=open title="Delete webhook?" confirm_label="Delete"
                on_confirm=Callback::new(move |_| confirmed.update(|n| *n += 1))>
                "It stops receiving events."
            </ConfirmDialog>
        }
    });
    let dialog: web_sys::HtmlDialogElement = root
        .query_selector("dialog")
        .unwrap()
        .unwrap()
        .unchecked_into();
    open.set(true);
    tick().await;
    assert!(dialog.open(), "the dialog opens when its state goes up");

    // Escape as the browser delivers it: the keydown comes first, the `close` event a task
    // after the dialog has closed. A reopen in between must win over that late `close`.
    let init = web_sys::KeyboardEventInit::new();
    init.set_key("Escape");
    init.set_bubbles(true);
    let escape =
        web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    dialog.dispatch_event(&escape).unwrap();
    assert!(!open.get_untracked(), "Escape takes the state down at once");
    tick().await;
    assert!(!dialog.open());
    open.set(true);
    tick().await;
    tick().await;
    assert!(
        dialog.open(),
        "a reopen right after Escape is not swallowed"
    );
    assert!(open.get_untracked());

    // Closed by the browser itself (no cancel event): the state follows the element.
    dialog.close();
    // Its `close` event comes a task later, on a task source of its own.
    for _ in 0..50 {
        if !open.get_untracked() {
            break;
        }
        gloo_timers::future::TimeoutFuture::new(10).await;
    }
    assert!(!open.get_untracked(), "a native close takes the state down");
    open.set(true);
    tick().await;
    assert!(dialog.open(), "and the dialog opens again");
    assert_eq!(confirmed.get_untracked(), 0);
}

#[wasm_bindgen_test]
async fn relative_times_move_with_the_clock() {
    use switchboard::components::RelativeTime;
    use switchboard::state::Clock;
    use switchboard_api::Timestamp;
    let root = container();
    let start = Timestamp::now().unix_millis();
    let (now, set_now) = signal(start);
    let at = Timestamp::from_unix_millis(start - 5 * 60_000).unwrap();
    let _handle = leptos::mount::mount_to(root.clone(), move || {
        provide_settings();
        provide_context(Clock::from(now));
        view! { <RelativeTime at=Some(at)/> }
    });
    tick().await;
    assert_eq!(root.text_content().unwrap(), "5 min ago");
    set_now.set(start + 5 * 60_000);
    tick().await;
    assert_eq!(
        root.text_content().unwrap(),
        "10 min ago",
        "a time shown on an open page follows the clock"
    );
}
