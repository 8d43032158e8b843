//! One module per route, and the wasm chunk each page's code goes into.

pub mod dashboard;
pub mod deliveries;
pub mod event_types;
pub mod not_found;
pub mod settings;
pub mod webhooks;

use crate::components::Gate;
use leptos::prelude::*;

// Each page's gate is inside its chunk, so the chunk is fetched as soon as the route opens,
// alongside the connection check, not after it. The webhooks list is the page most sessions
// open first: its chunk holds nothing else.
crate::split_page!(pub fn webhook_list in webhooks_list => view! { <Gate eager=true><webhooks::WebhookListPage/></Gate> });
crate::split_page!(pub fn webhook_detail in webhook_detail => view! { <Gate eager=true><webhooks::WebhookDetailPage/></Gate> });
crate::split_page!(pub fn webhook_new in webhook_form => view! { <Gate><webhooks::WebhookNewPage/></Gate> });
crate::split_page!(pub fn webhook_edit in webhook_form => view! { <Gate><webhooks::WebhookEditPage/></Gate> });
crate::split_page!(pub fn dashboard in dashboard => view! { <Gate><dashboard::DashboardPage/></Gate> });
crate::split_page!(pub fn event_type_list in event_types => view! { <Gate><event_types::EventTypesPage/></Gate> });
crate::split_page!(pub fn event_type_detail in event_types => view! { <Gate><event_types::EventTypeDetailPage/></Gate> });
crate::split_page!(pub fn delivery_list in deliveries => view! { <Gate><deliveries::DeliveriesPage/></Gate> });
crate::split_page!(pub fn delivery_detail in deliveries => view! { <Gate><deliveries::DeliveryDetailPage/></Gate> });
crate::split_page!(pub fn settings in settings => view! { <settings::SettingsPage/> });
