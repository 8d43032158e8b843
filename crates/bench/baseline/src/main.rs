//! The baseline page: a router with one route, marked on the timeline once it has painted.

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

#[component]
fn Home() -> impl IntoView {
    // Same after-paint timing as the console's marks, so the two load times compare.
    request_animation_frame(|| {
        set_timeout(
            || {
                if let Some(p) = web_sys::window().and_then(|w| w.performance()) {
                    let _ = p.mark("switchboard:baseline-rendered");
                }
            },
            std::time::Duration::ZERO,
        )
    });
    view! { <h1>"Baseline"</h1> }
}

fn main() {
    leptos::mount::mount_to_body(|| {
        view! {
            <Router>
                <Routes fallback=|| "Not found">
                    <Route path=path!("/") view=Home/>
                </Routes>
            </Router>
        }
    });
}
