//! `Gate` shows a page only once a backend is connected; `IfFeature` shows its children only
//! when the backend has a feature, so a core-only backend never sees a dead control.

use crate::state::{use_connection, Phase};
use leptos::prelude::*;
use leptos_router::{components::A, hooks::use_location};
use switchboard_api::Feature;

/// Renders `children` when connected, otherwise a prompt to connect that returns here after.
#[component]
pub fn Gate(children: ChildrenFn) -> impl IntoView {
    let conn = use_connection();
    let location = use_location();
    let next = move || {
        let path = location.pathname.get();
        let search = location.search.get();
        let target = if search.is_empty() { path } else { format!("{path}?{search}") };
        format!("/settings?next={}", crate::api::encode_component(&target))
    };
    move || match conn.phase.get() {
        Phase::Connected(_) => children().into_any(),
        Phase::Connecting => view! {
            <section class="page">
                <p class="muted" role="status" data-testid="connecting">"Connecting…"</p>
            </section>
        }
        .into_any(),
        Phase::Disconnected | Phase::Failed(_) => view! {
            <section class="page empty-state" data-testid="connect-prompt">
                <h1>"Connect to a backend"</h1>
                <p>"Switchboard needs the address of a Switchboard API server and a token."</p>
                <A href=next attr:class="button primary">"Connect"</A>
            </section>
        }
        .into_any(),
    }
}

/// Renders `children` only when the connected backend advertises `feature`.
#[component]
pub fn IfFeature(
    /// The capability the children need.
    feature: Feature,
    children: ChildrenFn,
) -> impl IntoView {
    let conn = use_connection();
    move || conn.has(feature).then(|| children())
}
