//! Webhook management: list, create, detail, edit.

use leptos::prelude::*;

#[component]
pub fn WebhookListPage() -> impl IntoView {
    view! { <section class="page"><h1>"Webhooks"</h1></section> }
}

#[component]
pub fn WebhookNewPage() -> impl IntoView {
    view! { <section class="page"><h1>"New webhook"</h1></section> }
}

#[component]
pub fn WebhookDetailPage() -> impl IntoView {
    view! { <section class="page"><h1>"Webhook"</h1></section> }
}

#[component]
pub fn WebhookEditPage() -> impl IntoView {
    view! { <section class="page"><h1>"Edit webhook"</h1></section> }
}
