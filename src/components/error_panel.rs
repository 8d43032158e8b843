//! The error state of a page or panel: what went wrong, the request id, and a retry button.

use crate::api::ApiError;
use crate::state::{use_connection, Phase};
use leptos::prelude::*;

/// What the retry button says `remaining` seconds before a server-imposed wait is over.
pub fn retry_label(remaining: u32) -> String {
    if remaining == 0 {
        "Try again".to_owned()
    } else {
        format!("Try again in {remaining} s")
    }
}

/// Shows `error`. The token itself is dropped by the transport on a 401 (so the shell asks to
/// reconnect); once the connection is back the panel retries by itself. After a 429 or 503
/// with `Retry-After` the retry button counts down and only then becomes active.
#[component]
pub fn ErrorPanel(
    /// What failed.
    error: ApiError,
    /// Called by the "Try again" button; no button without it.
    #[prop(optional, into)]
    on_retry: Option<Callback<()>>,
) -> impl IntoView {
    let request_id = error.request_id().map(str::to_owned);
    let wait = match &error {
        ApiError::Http {
            retry_after: Some(s),
            ..
        } => *s,
        _ => 0,
    };
    let remaining = RwSignal::new(wait);
    if wait > 0 {
        let ticker = set_interval_with_handle(
            move || {
                remaining.try_update(|r| *r = r.saturating_sub(1));
            },
            std::time::Duration::from_secs(1),
        )
        .ok();
        on_cleanup(move || {
            if let Some(t) = ticker {
                t.clear();
            }
        });
    }
    if error.is_unauthorised() {
        if let Some(cb) = on_retry {
            let conn = use_connection();
            let was_rejected = StoredValue::new(false);
            Effect::new(move |_| {
                let connected = matches!(conn.phase.get(), Phase::Connected(_));
                if !connected {
                    was_rejected.set_value(true);
                } else if was_rejected.get_value() {
                    was_rejected.set_value(false);
                    cb.run(());
                }
            });
        }
    }
    let kind = match &error {
        ApiError::Network { .. } => "network",
        ApiError::Aborted => "aborted",
        ApiError::Timeout { .. } => "timeout",
        ApiError::Interrupted { .. } => "interrupted",
        ApiError::TooLarge { .. } => "too-large",
        ApiError::Decode { .. } => "decode",
        ApiError::Http { .. } => "http",
        ApiError::Unsupported { .. } => "unsupported",
        ApiError::CorsBlocked { .. } => "cors",
    };
    let status = error.status_code().map(|s| s.to_string());
    view! {
        <div class="error-panel" role="alert" data-testid="error-panel" data-kind=kind data-status=status>
            <p class="error-title">{error.message()}</p>
            {request_id.map(|id| view! { <p class="muted small">"Request id: " <code class="break">{id}</code></p> })}
            {on_retry.map(|cb| view! {
                <button type="button" class="button" data-testid="retry"
                    disabled=move || remaining.get() != 0
                    on:click=move |_| cb.run(())>
                    {move || retry_label(remaining.get())}
                </button>
            })}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::retry_label;

    #[test]
    fn the_retry_label_counts_down_to_plain() {
        assert_eq!(retry_label(3), "Try again in 3 s");
        assert_eq!(retry_label(0), "Try again");
    }
}
