//! Component and logic tests that need a browser: wasm-bindgen-test in headless Chromium.
#![cfg(target_arch = "wasm32")]

use wasm_bindgen_test::wasm_bindgen_test_configure;

wasm_bindgen_test_configure!(run_in_browser);

mod deliveries;
mod resilience;
mod shell;
mod webhooks;
