//! Dashboard: webhook counts, delivery health over the last 24 h, recent failures.

use leptos::prelude::*;

#[component]
pub fn DashboardPage() -> impl IntoView {
    view! { <section class="page"><h1>"Dashboard"</h1></section> }
}
