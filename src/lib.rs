//! Switchboard console: a Leptos (CSR) admin console for the Switchboard Webhook API.

pub mod api;
pub mod app;
pub mod components;
pub mod format;
pub mod pages;
pub mod perf;
pub mod split;
pub mod state;
