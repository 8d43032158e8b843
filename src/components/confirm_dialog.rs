//! A modal confirmation on the native `<dialog>`: it traps focus, closes on Escape and gives
//! focus back to what opened it.

use leptos::html;
use leptos::prelude::*;

#[component]
pub fn ConfirmDialog(
    /// Open while true; the dialog sets it false when dismissed.
    open: RwSignal<bool>,
    /// Heading of the dialog.
    #[prop(into)]
    title: Signal<String>,
    /// Label of the confirming button.
    #[prop(into)]
    confirm_label: Signal<String>,
    /// Called when the user confirms.
    on_confirm: Callback<()>,
    /// A destructive action: the confirm button is red.
    #[prop(optional)]
    danger: bool,
    /// Disables the buttons while the action runs.
    #[prop(optional, into)]
    pending: Signal<bool>,
    /// The explanation.
    children: ChildrenFn,
) -> impl IntoView {
    let dialog = NodeRef::<html::Dialog>::new();
    // What had the focus before the dialog opened gets it back when it closes.
    let opener = StoredValue::new_local(None::<web_sys::HtmlElement>);
    let give_focus_back = move || {
        if let Some(el) = opener.try_update_value(|o| o.take()).flatten() {
            if el.is_connected() {
                let _ = el.focus();
            }
        }
    };
    Effect::new(move |_| {
        let Some(d) = dialog.get() else { return };
        if open.get() {
            if !d.open() {
                opener.set_value(focused_element());
                let _ = d.show_modal();
            }
        } else if d.open() {
            d.close();
            give_focus_back();
        }
    });
    // A refused token hides the page behind the reconnect prompt; a modal left open over it
    // would make everything else inert, the prompt included. The dialog gives way; what the
    // user typed in the page is kept, and the action can be asked for again.
    if let Some(conn) = use_context::<crate::state::ConnectionState>() {
        Effect::new(move |_| {
            if !conn.is_connected() {
                open.set(false);
            }
        });
    }
    let confirm_class = if danger {
        "button danger"
    } else {
        "button primary"
    };
    view! {
        <dialog
            node_ref=dialog
            class="dialog"
            data-testid="confirm-dialog"
            aria-labelledby="confirm-dialog-title"
            // Escape fires `keydown`, then (only after a user activation) `cancel`, and `close`
            // a task later. The state goes down on the first of them, and a late `close` that
            // finds the dialog open again belongs to an earlier closing: a quick reopen is never
            // swallowed, and a reopen is never ignored because the state was still up.
            on:cancel=move |_: leptos::ev::Event| open.set(false)
            on:close=move |_| {
                if dialog.get_untracked().is_some_and(|d| d.open()) {
                    return;
                }
                open.set(false);
                give_focus_back();
            }
            on:keydown=move |ev| {
                if ev.key() == "Escape" {
                    open.set(false);
                }
                keep_tab_inside(&ev)
            }
        >
            <h2 id="confirm-dialog-title">{move || title.get()}</h2>
            <div class="dialog-body">{children()}</div>
            <div class="dialog-actions">
                <button type="button" class="button" data-testid="confirm-cancel" autofocus
                    on:click=move |_| open.set(false)>
                    "Cancel"
                </button>
                <button type="button" class=confirm_class data-testid="confirm-ok"
                    disabled=move || pending.get()
                    on:click=move |_| on_confirm.run(())>
                    {move || confirm_label.get()}
                </button>
            </div>
        </dialog>
    }
}

fn focused_element() -> Option<web_sys::HtmlElement> {
    use wasm_bindgen::JsCast;
    web_sys::window()?
        .document()?
        .active_element()?
        .dyn_into::<web_sys::HtmlElement>()
        .ok()
}

/// A modal `<dialog>` makes the page inert, but Tab still walks out of it into the browser's
/// own controls and lands on the page body; this wraps Tab and Shift+Tab around inside it.
fn keep_tab_inside(ev: &web_sys::KeyboardEvent) {
    use wasm_bindgen::JsCast;
    if ev.key() != "Tab" {
        return;
    }
    let Some(dialog) = ev
        .current_target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
    else {
        return;
    };
    let Ok(nodes) = dialog.query_selector_all(
        "button:not([disabled]), [href], input:not([disabled]), select:not([disabled]), \
         textarea:not([disabled]), [tabindex]:not([tabindex='-1'])",
    ) else {
        return;
    };
    let focusable: Vec<web_sys::HtmlElement> = (0..nodes.length())
        .filter_map(|i| nodes.item(i))
        .filter_map(|n| n.dyn_into::<web_sys::HtmlElement>().ok())
        .collect();
    let (Some(first), Some(last)) = (focusable.first(), focusable.last()) else {
        ev.prevent_default();
        return;
    };
    let active = focused_element();
    let inside = active
        .as_ref()
        .is_some_and(|a| dialog.contains(Some(a.as_ref())));
    let at = |el: &web_sys::HtmlElement| active.as_ref().is_some_and(|a| a == el);
    if ev.shift_key() && (at(first) || !inside) {
        ev.prevent_default();
        let _ = last.focus();
    } else if !ev.shift_key() && (at(last) || !inside) {
        ev.prevent_default();
        let _ = first.focus();
    }
}
