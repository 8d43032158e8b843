//! The page for any path the router does not know.

use leptos::prelude::*;
use leptos_router::{components::A, hooks::use_location};

#[component]
pub fn NotFoundPage() -> impl IntoView {
    let location = use_location();
    view! {
        <section class="page empty-state" data-testid="not-found">
            <h1>"Page not found"</h1>
            <p>"Nothing lives at " <code>{move || location.pathname.get()}</code> "."</p>
            <A href="/">"Back to the dashboard"</A>
        </section>
    }
}
