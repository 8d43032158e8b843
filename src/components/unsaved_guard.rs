//! `UnsavedGuard`: while a form has unsaved changes, closing or reloading the tab asks the
//! browser's question, and in-app links and the browser's Back and Forward ask ours before
//! leaving. The router has no blocker, so link clicks are caught in the capture phase, and
//! `popstate` by a listener [`install_history_guard`] adds before the router adds its own.

use crate::components::ConfirmDialog;
use crate::state::{use_connection, Phase};
use leptos::ev;
use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_navigate};
use leptos_router::NavigateOptions;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

type PopstateHandler = Rc<dyn Fn(&web_sys::Event)>;

thread_local! {
    /// The mounted guard's `popstate` handler.
    static ON_POPSTATE: RefCell<Option<PopstateHandler>> = const { RefCell::new(None) };
}

/// Listens to `popstate` for the guards. Call it once, before the router starts: listeners on
/// `window` run in the order they were added, so this one can stop the router's seeing a
/// Back or Forward that would lose a form's input. It lives as long as the page.
pub fn install_history_guard() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let listener = Closure::<dyn Fn(web_sys::Event)>::new(|e: web_sys::Event| {
        let handler = ON_POPSTATE.with(|h| h.borrow().clone());
        if let Some(handler) = handler {
            handler(&e);
        }
    });
    if window
        .add_event_listener_with_callback("popstate", listener.as_ref().unchecked_ref())
        .is_ok()
    {
        listener.forget();
    }
}

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

/// Where Leave goes once the person confirms it.
#[derive(Clone, Debug, PartialEq)]
enum Away {
    /// The in-app link they clicked.
    Link(String),
    /// The history entry Back or Forward took them to; the form's URL was pushed after it.
    History,
}

/// `path?search#hash` as the router holds it (its search has no `?`).
fn router_href(path: &str, search: &str, hash: &str) -> String {
    let q = if search.is_empty() { "" } else { "?" };
    format!("{path}{q}{search}{hash}")
}

#[component]
pub fn UnsavedGuard(
    /// Guarding while true.
    #[prop(into)]
    when: Signal<bool>,
) -> impl IntoView {
    let navigate = use_navigate();
    let location = use_location();
    let open = RwSignal::new(false);
    let target = RwSignal::new(None::<Away>);
    // Set while Leave goes back through history, so that step is not caught again.
    let leaving = StoredValue::new(false);

    let unload = window_event_listener(ev::beforeunload, move |e| {
        if when.get_untracked() {
            e.prevent_default();
            e.set_return_value("You have unsaved changes.");
        }
    });

    let conn = use_connection();
    // While the connection is down the form is hidden behind the reconnect prompt, whose
    // way out must work; the form keeps its input as a draft when it is left that way.
    let guarding = move || {
        when.try_get_untracked().unwrap_or(false)
            && conn
                .phase
                .try_with_untracked(|p| matches!(p, Phase::Connected(_)))
                .unwrap_or(false)
    };
    let on_click = Closure::<dyn FnMut(web_sys::MouseEvent)>::new(move |e: web_sys::MouseEvent| {
        if !guarding() {
            return;
        }
        if let Some(to) = clicked_link(&e) {
            e.prevent_default();
            target.set(Some(Away::Link(to)));
            open.set(true);
        }
    });
    // Back and Forward have already changed the URL when `popstate` fires: the router is
    // kept from following, and the form's URL goes back on top of the entry they reached,
    // so Leave is one step back from there. Runs from `install_history_guard`'s listener.
    let on_popstate = move |e: &web_sys::Event| {
        if leaving.try_get_value().unwrap_or(true) {
            // Leave's own step back goes through; a form that stays mounted (the same route
            // with other parameters) is guarded again from the next one.
            leaving.try_set_value(false);
            return;
        }
        if !guarding() {
            return;
        }
        let Some(window) = web_sys::window() else {
            return;
        };
        let loc = window.location();
        let reached = format!(
            "{}{}",
            loc.pathname().unwrap_or_default(),
            loc.search().unwrap_or_default()
        );
        let (path, search, hash) = (
            location.pathname.get_untracked(),
            location.search.get_untracked(),
            location.hash.get_untracked(),
        );
        if reached == router_href(&path, &search, "") {
            return; // only the hash changed: the form stays
        }
        e.stop_immediate_propagation();
        if let Ok(history) = window.history() {
            let here = router_href(&path, &search, &hash);
            let _ = history.push_state_with_url(&JsValue::NULL, "", Some(&here));
        }
        target.set(Some(Away::History));
        open.set(true);
    };
    let handler: PopstateHandler = Rc::new(on_popstate);
    ON_POPSTATE.with(|h| *h.borrow_mut() = Some(handler.clone()));
    let handler = StoredValue::new_local(handler);
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
        // A guard mounted since (the next form) keeps its own handler.
        if let Some(own) = handler.try_get_value() {
            ON_POPSTATE.with(|h| {
                let mut h = h.borrow_mut();
                if h.as_ref().is_some_and(|set| Rc::ptr_eq(set, &own)) {
                    *h = None;
                }
            });
        }
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
        match target.get_untracked() {
            // The guard is still armed; the navigation goes through the router directly.
            Some(Away::Link(to)) => navigate(&to, NavigateOptions::default()),
            Some(Away::History) => {
                leaving.set_value(true);
                if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
                    let _ = history.back();
                }
            }
            None => {}
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
    use super::{in_app_target, router_href};

    #[test]
    fn the_routers_url_parts_make_the_href_again() {
        assert_eq!(router_href("/webhooks/new", "", ""), "/webhooks/new");
        assert_eq!(
            router_href("/webhooks", "q=a&active=true", "#top"),
            "/webhooks?q=a&active=true#top"
        );
        assert_eq!(router_href("/x", "", "#h"), "/x#h");
    }

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
