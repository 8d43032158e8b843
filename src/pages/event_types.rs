//! Event types: the catalogue and one event type in detail.

use leptos::prelude::*;

#[component]
pub fn EventTypesPage() -> impl IntoView {
    view! { <section class="page"><h1>"Event types"</h1></section> }
}

#[component]
pub fn EventTypeDetailPage() -> impl IntoView {
    view! { <section class="page"><h1>"Event type"</h1></section> }
}
