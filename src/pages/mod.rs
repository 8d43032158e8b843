//! One module per route, and the wasm chunk each page's code goes into.

pub mod dashboard;
pub mod deliveries;
pub mod event_types;
pub mod not_found;
pub mod replays;
pub mod settings;
pub mod webhooks;

use crate::components::Gate;
use leptos::prelude::*;
use leptos_router::NavigateOptions;

/// Shows `url` without scrolling: a change of a page's own view (filters, search, format).
/// `replace` keeps keystrokes and re-sorting out of the history, so Back leaves the page
/// instead of undoing one letter.
pub fn show_view(navigate: &impl Fn(&str, NavigateOptions), url: &str, replace: bool) {
    navigate(
        url,
        NavigateOptions {
            replace,
            scroll: false,
            ..Default::default()
        },
    )
}

// Each page's gate is inside its chunk, so the chunk is fetched as soon as the route opens,
// alongside the connection check, not after it.
//
// The webhooks list, the page the console is for, is in the main module with the code it
// shares with the other pages: it renders without a second module to fetch and instantiate
// (about 35 ms sooner on the bench's cold load, and 34 KB less gzip to fetch than as a chunk
// with its shared pieces). The other webhook pages are one chunk; the dashboard, event types,
// deliveries and settings another; code used by both goes into a piece shared by the two.
// `cargo xtask bundle` reads this file and the router to tell the page loader which chunk
// each route needs (xtask/src/routes.rs).

/// The webhooks list, in the main module (see above): its route shows it directly.
pub fn webhook_list() -> impl IntoView {
    view! { <Gate eager=true><webhooks::WebhookListPage/></Gate> }
}

crate::split_page!(pub fn webhook_detail in webhook_pages, prefetch = prefetch_webhook_pages => view! { <Gate eager=true><webhooks::WebhookDetailPage/></Gate> });
crate::split_page!(pub fn webhook_new in webhook_pages => view! { <Gate><webhooks::WebhookNewPage/></Gate> });
crate::split_page!(pub fn webhook_edit in webhook_pages => view! { <Gate><webhooks::WebhookEditPage/></Gate> });
crate::split_page!(pub fn dashboard in monitoring_and_settings, prefetch = prefetch_monitoring_and_settings => view! { <Gate><dashboard::DashboardPage/></Gate> });
crate::split_page!(pub fn event_type_list in monitoring_and_settings => view! { <Gate><event_types::EventTypesPage/></Gate> });
crate::split_page!(pub fn event_type_detail in monitoring_and_settings => view! { <Gate><event_types::EventTypeDetailPage/></Gate> });
crate::split_page!(pub fn delivery_list in monitoring_and_settings => view! { <Gate><deliveries::DeliveriesPage/></Gate> });
crate::split_page!(pub fn delivery_detail in monitoring_and_settings => view! { <Gate><deliveries::DeliveryDetailPage/></Gate> });
crate::split_page!(pub fn replay_list in monitoring_and_settings => view! { <Gate><replays::ReplaysPage/></Gate> });
crate::split_page!(pub fn missed in monitoring_and_settings => view! { <Gate><replays::MissedPage/></Gate> });
crate::split_page!(pub fn settings in monitoring_and_settings => view! { <settings::SettingsPage/> });

/// Fetches every page chunk not fetched yet, one after another, so that later navigations
/// need no download. Failures are left for the page to report when it is opened.
pub async fn prefetch_all() {
    let _ = prefetch_monitoring_and_settings().await;
    let _ = prefetch_webhook_pages().await;
}
