//! The router and the shell around every page: navigation, theme, toasts, connection gate.

use crate::components::{ConnectionBadge, IfFeature, RequestProgress, ThemeToggle, ToastRegion};
use crate::pages::{self, not_found::NotFoundPage};
use crate::split::Lazy;
use crate::state::{provide_clock, provide_connection, provide_settings, provide_toasts};
use leptos::prelude::*;
use leptos_router::{
    components::{Route, Router, Routes, A},
    path,
};
use switchboard_api::Feature;

#[component]
pub fn App() -> impl IntoView {
    provide_toasts();
    provide_settings();
    provide_connection();
    provide_clock();
    crate::split::prefetch_once_connected(pages::prefetch_all);
    // Before the router adds its own `popstate` listener, which would follow Back at once.
    crate::components::unsaved_guard::install_history_guard();

    view! {
        <Router>
            <a class="skip-link" href="#main">"Skip to content"</a>
            <div class="shell">
                <header class="topbar">
                    <A href="/" attr:class="brand">
                        <span class="brand-mark" aria-hidden="true"></span>
                        <span>"Switchboard"</span>
                    </A>
                    <nav class="nav" aria-label="Main">
                        <A href="/" exact=true attr:data-testid="nav-dashboard">"Dashboard"</A>
                        <A href="/webhooks" attr:data-testid="nav-webhooks">"Webhooks"</A>
                        <A href="/event-types" attr:data-testid="nav-event-types">"Event types"</A>
                        <A href="/deliveries" attr:data-testid="nav-deliveries">"Deliveries"</A>
                        <IfFeature feature=Feature::Replay>
                            <A href="/replays" attr:data-testid="nav-replays">"Replays"</A>
                        </IfFeature>
                        <A href="/settings" attr:data-testid="nav-settings">"Settings"</A>
                    </nav>
                    <div class="topbar-end">
                        <ConnectionBadge/>
                        <ThemeToggle/>
                    </div>
                </header>
                <main id="main" class="main" tabindex="-1">
                    <Routes fallback=|| view! { <NotFoundPage/> }>
                        <Route path=path!("/") view=|| view! { <Lazy load=pages::dashboard/> }/>
                        <Route path=path!("/webhooks") view=pages::webhook_list/>
                        <Route path=path!("/webhooks/new") view=|| view! { <Lazy load=pages::webhook_new/> }/>
                        <Route path=path!("/webhooks/:id") view=|| view! { <Lazy load=pages::webhook_detail/> }/>
                        <Route path=path!("/webhooks/:id/edit") view=|| view! { <Lazy load=pages::webhook_edit/> }/>
                        <Route path=path!("/event-types") view=|| view! { <Lazy load=pages::event_type_list/> }/>
                        <Route path=path!("/event-types/:name") view=|| view! { <Lazy load=pages::event_type_detail/> }/>
                        <Route path=path!("/deliveries") view=|| view! { <Lazy load=pages::delivery_list/> }/>
                        <Route path=path!("/deliveries/:id") view=|| view! { <Lazy load=pages::delivery_detail/> }/>
                        <Route path=path!("/replays") view=|| view! { <Lazy load=pages::replay_list/> }/>
                        <Route path=path!("/missed") view=|| view! { <Lazy load=pages::missed/> }/>
                        <Route path=path!("/settings") view=|| view! { <Lazy load=pages::settings/> }/>
                    </Routes>
                </main>
            </div>
            <RequestProgress/>
            <ToastRegion/>
        </Router>
    }
}
