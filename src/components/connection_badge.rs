//! The connection indicator in the top bar.

use crate::state::{use_connection, Phase};
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn ConnectionBadge() -> impl IntoView {
    let conn = use_connection();
    let label = move || match conn.phase.get() {
        Phase::Connected(_) => ("ok", "Connected"),
        Phase::Connecting => ("busy", "Connecting…"),
        Phase::Disconnected => ("off", "Not connected"),
        Phase::Failed(_) => ("bad", "Connection failed"),
    };
    view! {
        <A href="/settings" attr:class=move || format!("conn-badge conn-{}", label().0) attr:data-testid="connection-badge">
            <span class="dot" aria-hidden="true"></span>
            {move || label().1}
        </A>
    }
}
