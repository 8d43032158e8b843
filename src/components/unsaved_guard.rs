//! `UnsavedGuard`: while a form has unsaved changes, closing or reloading the tab asks the
//! browser's question, and in-app links ask ours before leaving. The router has no blocker,
//! so link clicks are caught in the capture phase, before its own handler sees them.

use crate::components::ConfirmDialog;
use crate::state::{use_connection, Phase};
use leptos::ev;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use leptos_router::NavigateOptions;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

/// The in-app path (`/x?y#z`) a click on `href` leads to, when the router would handle it.
pub fn in_app_target(href: &str, origin: &str) -> Option<String> {
    let rest = href.strip_prefix(origin)?;
    if !(rest.is_empty() || rest.starts_with('/') || rest.starts_with('?') || rest.starts_with('#'))
    {
        return None;
    }
    Some(if rest.is_empty() {
        "/".to_owned()
    } else {
        rest.to_owned()
    })
}

/// The link a click event would follow in the app, if it is a plain left click on one.
fn clicked_link(ev: &web_sys::MouseEvent) -> Option<String> {
    if ev.default_prevented()
        || ev.button() != 0
        || ev.meta_key()
        || ev.ctrl_key()
        || ev.shift_key()
        || ev.alt_key()
    {
        return None;
    }
    let target = ev.target()?.dyn_into::<web_sys::Element>().ok()?;
    let anchor = target.closest("a[href]").ok()??;
    if anchor
        .get_attribute("target")
        .is_some_and(|t| !t.is_empty())
        || anchor.has_attribute("download")
    {
        return None;
    }
    let href = js_sys::Reflect::get(&anchor, &JsValue::from_str("href"))
        .ok()?
        .as_string()?;
    let origin = web_sys::window()?.location().origin().ok()?;
    in_app_target(&href, &origin)
}

#[component]
pub fn UnsavedGuard(
    /// Guarding while true.
    #[prop(into)]
    when: Signal<bool>,
) -> impl IntoView {
    let navigate = use_navigate();
    let open = RwSignal::new(false);
    let target = RwSignal::new(None::<String>);

    let unload = window_event_listener(ev::beforeunload, move |e| {
        if when.get_untracked() {
            e.prevent_default();
            e.set_return_value("You have unsaved changes.");
        }
    });

    let conn = use_connection();
    let on_click = Closure::<dyn FnMut(web_sys::MouseEvent)>::new(move |e: web_sys::MouseEvent| {
        // While the connection is down the form is hidden behind the reconnect prompt, whose
        // way out must work; the form keeps its input as a draft when it is left that way.
        let connected = conn
            .phase
            .try_with_untracked(|p| matches!(p, Phase::Connected(_)))
            .unwrap_or(false);
        if !when.get_untracked() || !connected {
            return;
        }
        if let Some(to) = clicked_link(&e) {
            e.prevent_default();
            target.set(Some(to));
            open.set(true);
        }
    });
    let document = web_sys::window().and_then(|w| w.document());
    if let Some(d) = &document {
        let _ = d.add_event_listener_with_callback_and_bool(
            "click",
            on_click.as_ref().unchecked_ref(),
            true,
        );
    }
    let listener = StoredValue::new_local(Some((document, on_click)));
    on_cleanup(move || {
        unload.remove();
        if let Some((Some(d), cb)) = listener.try_update_value(|l| l.take()).flatten() {
            let _ = d.remove_event_listener_with_callback_and_bool(
                "click",
                cb.as_ref().unchecked_ref(),
                true,
            );
        }
    });

    let leave = Callback::new(move |_| {
        open.set(false);
        if let Some(to) = target.get_untracked() {
            // The guard is still armed; the navigation goes through the router directly.
            navigate(&to, NavigateOptions::default());
        }
    });
    view! {
        <ConfirmDialog open=open title="Leave without saving?" confirm_label="Leave" danger=true on_confirm=leave>
            <p data-testid="unsaved-message">"You have unsaved changes in this form. If you leave now, they are lost."</p>
        </ConfirmDialog>
    }
}

#[cfg(test)]
mod tests {
    use super::in_app_target;

    #[test]
    fn only_same_origin_links_are_guarded() {
        let o = "http://127.0.0.1:8080";
        assert_eq!(
            in_app_target("http://127.0.0.1:8080/webhooks?q=a", o).as_deref(),
            Some("/webhooks?q=a")
        );
        assert_eq!(
            in_app_target("http://127.0.0.1:8080", o).as_deref(),
            Some("/")
        );
        assert_eq!(in_app_target("http://127.0.0.1:80800/x", o), None);
        assert_eq!(in_app_target("https://evil.test/", o), None);
    }
}
