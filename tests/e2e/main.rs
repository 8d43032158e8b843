//! End-to-end journeys: the release-built console in headless Chromium against the real
//! reference server (in-process, real HTTP on loopback, a real SQLite file).
#![cfg(not(target_arch = "wasm32"))]

mod fault_proxy;
mod harness;

mod a11y;
mod connect;
mod deliveries;
mod dialects;
mod events;
mod faults;
mod health;
mod hostile;
mod plandocket;
mod replay;
mod search;
mod webhooks;
