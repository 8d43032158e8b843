//! End-to-end journeys: the release-built console in headless Chromium against the real
//! reference server (in-process, real HTTP on loopback, a real SQLite file).
#![cfg(not(target_arch = "wasm32"))]

mod harness;

mod connect;
mod plandocket;
mod deliveries;
mod events;
mod webhooks;
