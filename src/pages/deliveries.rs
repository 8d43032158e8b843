//! Delivery history and one delivery with its attempts.

use leptos::prelude::*;

#[component]
pub fn DeliveriesPage() -> impl IntoView {
    view! { <section class="page"><h1>"Deliveries"</h1></section> }
}

#[component]
pub fn DeliveryDetailPage() -> impl IntoView {
    view! { <section class="page"><h1>"Delivery"</h1></section> }
}
