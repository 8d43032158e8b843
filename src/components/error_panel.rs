//! The error state of a page or panel: what went wrong, the request id, and a retry button.

use crate::api::ApiError;
use crate::state::use_connection;
use leptos::prelude::*;

/// Shows `error`; a 401 also drops the rejected token so the shell sends the user to Connect.
#[component]
pub fn ErrorPanel(
    /// What failed.
    error: ApiError,
    /// Called by the "Try again" button; no button without it.
    #[prop(optional, into)]
    on_retry: Option<Callback<()>>,
) -> impl IntoView {
    if error.is_unauthorised() {
        use_connection().token_rejected(error.clone());
    }
    let request_id = error.request_id().map(str::to_owned);
    view! {
        <div class="error-panel" role="alert" data-testid="error-panel">
            <p class="error-title">{error.message()}</p>
            {request_id.map(|id| view! { <p class="muted small">"Request id: " <code>{id}</code></p> })}
            {on_retry.map(|cb| view! {
                <button type="button" class="button" data-testid="retry" on:click=move |_| cb.run(())>
                    "Try again"
                </button>
            })}
        </div>
    }
}
