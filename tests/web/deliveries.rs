//! Delivery widgets in a real browser: pretty-printers on hostile and huge input, the windowing
//! arithmetic and the windowed table, time formatting, curl redaction, the code viewer and badges.

use leptos::prelude::*;
use switchboard::components::curl::{curl_command, REDACTED};
use switchboard::components::pretty::{pretty_json, pretty_xml, PrettyError, PRETTY_MAX_BYTES};
use switchboard::components::time_range::{parse_datetime_local, TimeRange};
use switchboard::components::virtual_table::visible_window;
use switchboard::components::{CodeViewer, DeliveryStatusBadge, VirtualTable};
use switchboard::format::{absolute, relative};
use switchboard::state::{provide_settings, provide_toasts};
use switchboard_api::{AttemptRequest, DeliveryStatus, Timestamp};
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

async fn sleep(ms: u32) {
    gloo_timers::future::TimeoutFuture::new(ms).await;
}

#[wasm_bindgen_test]
fn pretty_printers_survive_hostile_input() {
    let deep_json = "[".repeat(200_000);
    assert!(pretty_json(&deep_json).is_err());
    let nested = "[".repeat(5_000) + &"]".repeat(5_000);
    assert_eq!(pretty_json(&nested), Err(PrettyError::TooDeep));
    let deep_xml = "<a>".repeat(100_000);
    assert!(pretty_xml(&deep_xml).is_err());
    let huge = format!("{{\"a\":\"{}\"}}", "x".repeat(PRETTY_MAX_BYTES + 1));
    assert!(matches!(
        pretty_json(&huge),
        Err(PrettyError::TooLarge { .. })
    ));
    for junk in [
        "",
        "{",
        "\u{0}\u{1}",
        "<a></b>",
        "<a x='>",
        "{\"a\":1}}",
        "\"\\u12\"",
    ] {
        assert!(
            pretty_json(junk).is_err() || pretty_xml(junk).is_err(),
            "{junk:?}"
        );
    }
    assert_eq!(
        pretty_json("{\"a\":[1,2]}").unwrap(),
        "{\n  \"a\": [\n    1,\n    2\n  ]\n}"
    );
    assert_eq!(
        pretty_xml("<a><b>x</b></a>").unwrap(),
        "<a>\n  <b>x</b>\n</a>"
    );
}

#[wasm_bindgen_test]
fn windowing_arithmetic() {
    let w = visible_window(44.0 * 5000.0, 440.0, 44.0, 10_000, 8);
    assert_eq!(w.start, 4992);
    assert_eq!(w.end, 5000 + 11 + 8);
    assert_eq!(
        w.pad_top + (w.end - w.start) as f64 * 44.0 + w.pad_bottom,
        440_000.0
    );
    let w = visible_window(-1.0, f64::NAN, 44.0, 3, 8);
    assert_eq!((w.start, w.end), (0, 3));
}

#[wasm_bindgen_test]
fn time_formatting() {
    let t = Timestamp::parse("2024-01-15T10:30:05Z").unwrap();
    assert_eq!(absolute(&t, None), "2024-01-15 10:30:05 UTC");
    assert_eq!(absolute(&t, Some(120)), "2024-01-15 12:30:05 +02:00");
    assert_eq!(relative(t.unix_millis() + 90_000, &t), "1 min ago");
    assert_eq!(
        parse_datetime_local("2024-01-15T12:30", 120),
        Timestamp::parse("2024-01-15T10:30:00Z")
    );
    let (since, until) = TimeRange::LastHour.bounds(t.unix_millis());
    assert_eq!(since, Timestamp::parse("2024-01-15T09:30:05Z"));
    assert_eq!(until, None);
}

#[wasm_bindgen_test]
fn curl_redacts_secrets() {
    let req = AttemptRequest {
        url: "https://hooks.test/in?token=abc".into(),
        method: "POST".into(),
        headers: vec![
            ("Authorization".into(), "Bearer topsecret".into()),
            ("webhook-signature".into(), "v1,sig".into()),
            ("X-Shop-Password".into(), "hunter2".into()),
            ("Content-Type".into(), "application/json".into()),
        ],
        body: "{\"a\":\"it's\"}".into(),
    };
    let cmd = curl_command(&req);
    for secret in ["topsecret", "v1,sig", "hunter2", "=abc"] {
        assert!(!cmd.contains(secret), "{secret} in {cmd}");
    }
    assert!(cmd.contains(REDACTED));
    assert!(cmd.contains("'Content-Type: application/json'"));
    assert!(cmd.contains(r#"--data-raw '{"a":"it'\''s"}'"#), "{cmd}");
}

#[wasm_bindgen_test]
async fn code_viewer_keeps_hostile_bodies_inert() {
    let root = container();
    let body = r#"{"msg":"<script>window.__xss=1</script><img src=x onerror=\"window.__xss=2\">"}"#;
    let _handle = leptos::mount::mount_to(root.clone(), move || {
        provide_toasts();
        view! { <CodeViewer code=body label="Response body"/> }
    });
    tick().await;
    let code = root
        .query_selector("[data-testid=code-body]")
        .unwrap()
        .unwrap();
    let text = code.text_content().unwrap();
    assert!(text.contains("<script>window.__xss=1</script>"), "{text}");
    assert!(text.contains("\n  \"msg\": "), "formatted: {text}");
    assert!(
        root.query_selector("script, img").unwrap().is_none(),
        "markup was parsed"
    );
    assert!(
        js_sys::Reflect::get(&web_sys::window().unwrap(), &"__xss".into())
            .unwrap()
            .is_undefined()
    );
    // Show raw gives back the exact text.
    let toggle: web_sys::HtmlElement = root
        .query_selector("[data-testid=code-raw-toggle]")
        .unwrap()
        .unwrap()
        .unchecked_into();
    toggle.click();
    tick().await;
    let code = root
        .query_selector("[data-testid=code-body]")
        .unwrap()
        .unwrap();
    assert_eq!(code.text_content().unwrap(), body);
    assert_eq!(
        toggle.get_attribute("aria-pressed").as_deref(),
        Some("true")
    );
}

#[wasm_bindgen_test]
async fn code_viewer_shows_invalid_and_huge_bodies_raw() {
    let root = container();
    let huge = format!("[{}1]", "1,".repeat(300_000));
    let huge_len = huge.len();
    let _handle = leptos::mount::mount_to(root.clone(), move || {
        provide_toasts();
        view! {
            <div id="bad"><CodeViewer code="{\"unterminated\": " label="Bad"/></div>
            <div id="huge"><CodeViewer code=huge.clone() label="Huge"/></div>
        }
    });
    tick().await;
    let bad = root
        .query_selector("#bad [data-testid=code-note]")
        .unwrap()
        .unwrap();
    assert!(
        bad.text_content().unwrap().contains("JSON not valid"),
        "{:?}",
        bad.text_content()
    );
    let raw = root
        .query_selector("#bad [data-testid=code-body]")
        .unwrap()
        .unwrap();
    assert_eq!(raw.text_content().unwrap(), "{\"unterminated\": ");
    let note = root
        .query_selector("#huge [data-testid=code-note]")
        .unwrap()
        .unwrap();
    assert!(
        note.text_content().unwrap().contains("too large"),
        "{:?}",
        note.text_content()
    );
    let capped = root
        .query_selector("#huge [data-testid=code-capped]")
        .unwrap()
        .unwrap();
    assert!(capped.text_content().unwrap().contains("more not shown"));
    let shown = root
        .query_selector("#huge [data-testid=code-body]")
        .unwrap()
        .unwrap()
        .text_content()
        .unwrap();
    assert!(shown.len() < huge_len);
}

#[wasm_bindgen_test]
async fn status_badges_say_it_in_words() {
    let root = container();
    let _handle = leptos::mount::mount_to(root.clone(), move || {
        view! {
            {DeliveryStatus::ALL.into_iter().map(|s| view! { <DeliveryStatusBadge status=s/> }).collect_view()}
        }
    });
    tick().await;
    let text = root.text_content().unwrap();
    for word in ["Scheduled", "Pending", "Succeeded", "Failed"] {
        assert!(text.contains(word), "{text}");
    }
    let failed = root
        .query_selector("[data-status=failed]")
        .unwrap()
        .unwrap();
    assert!(failed.class_name().contains("badge-failed"));
}

#[wasm_bindgen_test]
async fn the_windowed_table_renders_only_what_is_visible() {
    let root = container();
    let rows: Vec<(u32, String)> = (0..10_000).map(|i| (i, format!("row {i}"))).collect();
    let rows = RwSignal::new(rows);
    let near_end = RwSignal::new(0u32);
    let _handle = leptos::mount::mount_to(root.clone(), move || {
        provide_settings();
        view! {
            <VirtualTable
                rows=rows
                columns=vec!["Id", "Text"]
                row_height=40.0
                key=|r: &(u32, String)| r.0
                row=|_i, r: (u32, String)| view! { <td>{r.0}</td><td>{r.1}</td> }
                label="Test rows"
                on_near_end=Callback::new(move |()| near_end.update(|n| *n += 1))
            />
        }
    });
    tick().await;
    let viewport: web_sys::HtmlElement = root
        .query_selector(".vt-viewport")
        .unwrap()
        .unwrap()
        .unchecked_into();
    viewport
        .set_attribute("style", "height: 400px; overflow: auto")
        .unwrap();
    viewport
        .dispatch_event(&web_sys::Event::new("scroll").unwrap())
        .unwrap();
    sleep(20).await;
    let count = || root.query_selector_all("tr.vt-row").unwrap().length();
    assert!(count() <= 30, "{} rows at the top", count());
    assert!(root.text_content().unwrap().contains("row 0"));
    // Before the box had a height every row was "visible"; from here on only real scrolling counts.
    let asked = near_end.get_untracked();

    viewport.set_scroll_top(40 * 6000);
    viewport
        .dispatch_event(&web_sys::Event::new("scroll").unwrap())
        .unwrap();
    sleep(20).await;
    assert!(count() <= 30, "{} rows in the middle", count());
    assert!(
        root.text_content().unwrap().contains("row 6000"),
        "the window moved"
    );
    let first: u32 = root
        .query_selector("tr.vt-row td")
        .unwrap()
        .unwrap()
        .text_content()
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        (5_980..=6_000).contains(&first),
        "first rendered row {first}"
    );
    assert_eq!(near_end.get_untracked(), asked, "the middle is not the end");
    assert!(
        viewport.scroll_height() >= 40 * 10_000 + header_height(&root),
        "spacers keep the full height"
    );

    viewport.set_scroll_top(40 * 10_000);
    viewport
        .dispatch_event(&web_sys::Event::new("scroll").unwrap())
        .unwrap();
    sleep(20).await;
    assert!(root.text_content().unwrap().contains("row 9999"));
    assert!(
        near_end.get_untracked() > asked,
        "reaching the end asks for more"
    );
}

fn header_height(root: &web_sys::HtmlElement) -> i32 {
    let thead: web_sys::HtmlElement = root
        .query_selector("thead")
        .unwrap()
        .unwrap()
        .unchecked_into();
    thead.offset_height()
}

#[wasm_bindgen_test]
async fn error_class_bars_show_each_class_with_its_share() {
    use switchboard::components::ErrorClassBars;
    use switchboard_api::{ErrorClass, ErrorClassCount};
    let root = container();
    let classes = vec![
        ErrorClassCount {
            class: ErrorClass::Status5xx,
            count: 8,
        },
        ErrorClassCount {
            class: ErrorClass::Timeout,
            count: 2,
        },
    ];
    let _handle = leptos::mount::mount_to(root.clone(), move || {
        view! {
            <div id="some"><ErrorClassBars classes=classes.clone() label="By class"/></div>
            <div id="none"><ErrorClassBars classes=Vec::new() label="By class"/></div>
        }
    });
    tick().await;
    let list = root.query_selector("#some ul").unwrap().unwrap();
    assert_eq!(
        list.get_attribute("aria-label").as_deref(),
        Some("By class")
    );
    let items = root
        .query_selector_all("#some [data-testid=error-class]")
        .unwrap();
    assert_eq!(items.length(), 2);
    let first: web_sys::Element = items.item(0).unwrap().unchecked_into();
    assert_eq!(first.get_attribute("data-class").as_deref(), Some("5xx"));
    assert!(first.text_content().unwrap().contains("HTTP 5xx"));
    let bar = |i: u32| {
        let el: web_sys::Element = items.item(i).unwrap().unchecked_into();
        let span: web_sys::HtmlElement = el
            .query_selector(".error-class-bar > span")
            .unwrap()
            .unwrap()
            .unchecked_into();
        span.style().get_property_value("width").unwrap()
    };
    assert_eq!(bar(0), "100%");
    assert_eq!(bar(1), "25%");
    let none = root.query_selector("#none").unwrap().unwrap();
    assert!(none.text_content().unwrap().contains("No failed attempts"));
}
