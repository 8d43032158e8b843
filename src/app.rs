//! The router and the shell around every page: navigation, theme, toasts, connection gate.

use crate::components::{ConnectionBadge, Gate, RequestProgress, ThemeToggle, ToastRegion};
use crate::pages::{
    dashboard::DashboardPage,
    deliveries::{DeliveriesPage, DeliveryDetailPage},
    event_types::{EventTypeDetailPage, EventTypesPage},
    not_found::NotFoundPage,
    settings::SettingsPage,
    webhooks::{WebhookDetailPage, WebhookEditPage, WebhookListPage, WebhookNewPage},
};
use crate::state::{provide_connection, provide_settings, provide_toasts};
use leptos::prelude::*;
use leptos_router::{
    components::{Route, Router, Routes, A},
    path,
};

#[component]
pub fn App() -> impl IntoView {
    provide_toasts();
    provide_settings();
    provide_connection();

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
                        <A href="/settings" attr:data-testid="nav-settings">"Settings"</A>
                    </nav>
                    <div class="topbar-end">
                        <ConnectionBadge/>
                        <ThemeToggle/>
                    </div>
                </header>
                <main id="main" class="main" tabindex="-1">
                    <Routes fallback=|| view! { <NotFoundPage/> }>
                        <Route path=path!("/") view=|| view! { <Gate><DashboardPage/></Gate> }/>
                        <Route path=path!("/webhooks") view=|| view! { <Gate eager=true><WebhookListPage/></Gate> }/>
                        <Route path=path!("/webhooks/new") view=|| view! { <Gate><WebhookNewPage/></Gate> }/>
                        <Route path=path!("/webhooks/:id") view=|| view! { <Gate eager=true><WebhookDetailPage/></Gate> }/>
                        <Route path=path!("/webhooks/:id/edit") view=|| view! { <Gate><WebhookEditPage/></Gate> }/>
                        <Route path=path!("/event-types") view=|| view! { <Gate><EventTypesPage/></Gate> }/>
                        <Route path=path!("/event-types/:name") view=|| view! { <Gate><EventTypeDetailPage/></Gate> }/>
                        <Route path=path!("/deliveries") view=|| view! { <Gate><DeliveriesPage/></Gate> }/>
                        <Route path=path!("/deliveries/:id") view=|| view! { <Gate><DeliveryDetailPage/></Gate> }/>
                        <Route path=path!("/settings") view=SettingsPage/>
                    </Routes>
                </main>
            </div>
            <RequestProgress/>
            <ToastRegion/>
        </Router>
    }
}
