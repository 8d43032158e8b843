//! Performance marks on the page's timeline, which the console benchmarks read.

use leptos::prelude::{request_animation_frame, set_timeout};
use std::time::Duration;

/// Mark set when the webhooks list has painted its first page of rows.
pub const WEBHOOKS_FIRST_PAGE: &str = "switchboard:webhooks-first-page";
/// Mark set when the deliveries list has painted a first page (on load and after each filter change).
pub const DELIVERIES_FIRST_PAGE: &str = "switchboard:deliveries-first-page";

/// Records `name` with `performance.mark` once the DOM changes made so far are on screen.
///
/// An animation-frame callback runs just before the next paint, so a timeout queued from it
/// runs just after that paint: the mark then measures what a person sees, not when the
/// rows were merely built.
pub fn mark(name: &'static str) {
    request_animation_frame(move || {
        set_timeout(
            move || {
                if let Some(performance) = web_sys::window().and_then(|w| w.performance()) {
                    let _ = performance.mark(name);
                }
            },
            Duration::ZERO,
        );
    });
}
