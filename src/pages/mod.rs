//! One module per route.

pub mod dashboard;
pub mod deliveries;
pub mod event_types;
pub mod not_found;
pub mod settings;
pub mod webhooks;
