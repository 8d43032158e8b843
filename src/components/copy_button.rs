//! A button that copies a given text to the clipboard and says so in a toast.

use super::curl::copy_text;
use crate::state::use_toasts;
use leptos::prelude::*;

#[component]
pub fn CopyTextButton(
    /// What is copied.
    #[prop(into)]
    text: String,
    /// The button's label ("Copy payload").
    #[prop(into)]
    label: String,
    /// The toast after a copy ("Copied the payload").
    #[prop(into)]
    done: String,
    /// `data-testid` of the button.
    #[prop(into)]
    testid: String,
) -> impl IntoView {
    let toasts = use_toasts();
    let text = StoredValue::new(text);
    let done = StoredValue::new(done);
    let on_click = move |_| {
        let text = text.get_value();
        let done = done.get_value();
        leptos::task::spawn_local(async move {
            match copy_text(&text).await {
                Ok(()) => toasts.success(done),
                Err(()) => toasts.error("Could not copy: the browser refused clipboard access"),
            }
        });
    };
    view! {
        <button type="button" class="button small" data-testid=testid on:click=on_click>
            {label}
        </button>
    }
}
