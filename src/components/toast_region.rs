//! Where toasts appear: a polite live region for results, an assertive one for errors.

use crate::state::{use_toasts, Toast, ToastKind};
use leptos::prelude::*;

#[component]
pub fn ToastRegion() -> impl IntoView {
    let toasts = use_toasts();
    let of_kind = move |errors: bool| {
        move || {
            toasts
                .list
                .get()
                .into_iter()
                .filter(|t| (t.kind == ToastKind::Error) == errors)
                .collect::<Vec<Toast>>()
        }
    };
    let render = move |t: Toast| {
        let id = t.id;
        view! {
            <div class=format!("toast toast-{}", t.kind.as_str()) data-testid="toast" data-kind=t.kind.as_str()>
                <span class="toast-message">{t.message}</span>
                <button type="button" class="toast-close" aria-label="Dismiss" on:click=move |_| toasts.dismiss(id)>
                    "×"
                </button>
            </div>
        }
    };
    view! {
        <div class="toasts">
            <div role="status" aria-live="polite" aria-atomic="false">
                <For each=of_kind(false) key=|t| t.id children=render/>
            </div>
            <div role="alert" aria-live="assertive" aria-atomic="false">
                <For each=of_kind(true) key=|t| t.id children=render/>
            </div>
        </div>
    }
}
