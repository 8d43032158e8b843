//! "Replay these": asks the backend for a dry run of the filter first (how many deliveries,
//! which endpoints, a sample, warnings), and only on confirmation starts the replay job.

use crate::api::Backend;
use crate::components::{ConfirmDialog, DeliveryStatusBadge, RelativeTime};
use crate::pages::deliveries::thousands;
use crate::pages::webhooks::new_idempotency_key;
use crate::state::{use_live_backend, use_toasts};
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use switchboard_api::{DeliveryFilter, ReplayPreview, WebhookPatch};

/// Sample rows the dialog shows, so its buttons stay in view.
const SAMPLE_ROWS: usize = 5;

/// "500 deliveries", "1 delivery".
pub fn deliveries_text(n: u64) -> String {
    if n == 1 {
        "1 delivery".to_owned()
    } else {
        format!("{} deliveries", thousands(n as usize))
    }
}

#[component]
pub fn ReplayDialog(
    /// Open while true.
    open: RwSignal<bool>,
    /// Which deliveries: the filter of the view the dialog was opened from.
    #[prop(into)]
    filter: Signal<DeliveryFilter>,
    /// A webhook to activate before the job starts ("Re-enable and replay these").
    #[prop(optional, into)]
    reenable: MaybeProp<String>,
) -> impl IntoView {
    let backend = use_live_backend();
    let toasts = use_toasts();
    let navigate = use_navigate();
    // One key per opening: a confirmation sent twice (a double click, a retry after a lost
    // answer) starts one job.
    let key = StoredValue::new(String::new());
    let refused = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        if open.get() {
            key.set_value(new_idempotency_key());
            refused.set(None);
        }
    });
    let preview = LocalResource::new(move || {
        let (open, filter) = (open.get(), filter.get());
        async move {
            if open {
                Some(backend.now().preview_replay(&filter).await)
            } else {
                None
            }
        }
    });
    let start = Action::new_local(move |(): &()| {
        let filter = filter.get_untracked();
        let reenable = reenable.get_untracked();
        let key = key.get_value();
        let navigate = navigate.clone();
        async move {
            let b = backend.now();
            if let Some(id) = reenable {
                let patch = WebhookPatch {
                    is_active: Some(true),
                    ..Default::default()
                };
                if let Err(e) = b.update_webhook(&id, &patch).await {
                    refused.set(Some(format!(
                        "The webhook could not be activated: {}",
                        e.message()
                    )));
                    return;
                }
            }
            match b.start_replay(&filter, &key).await {
                Ok(job) => {
                    toasts.success(format!(
                        "Replay started: {} to send again",
                        deliveries_text(job.progress.total)
                    ));
                    open.set(false);
                    navigate("/replays", Default::default());
                }
                // The dialog stays open with the reason, so nothing the user chose is lost.
                Err(e) => refused.set(Some(e.message())),
            }
        }
    });
    let total = move || {
        preview
            .get()
            .flatten()
            .and_then(|r| r.ok())
            .map(|p| p.total)
    };
    let confirm = Callback::new(move |()| match total() {
        Some(0) => refused.set(Some(
            "No delivery matches this filter, so there is nothing to replay.".into(),
        )),
        Some(_) => {
            start.dispatch(());
        }
        // Still counting, or the dry run failed (which the dialog says): nothing to start yet.
        None => {}
    });
    let title = Signal::derive(move || match total() {
        Some(n) if n > 0 => format!("Replay {}?", deliveries_text(n)),
        _ => "Replay these deliveries?".to_owned(),
    });
    view! {
        <ConfirmDialog open=open title=title confirm_label="Start replay" on_confirm=confirm
            pending=start.pending()>
            <div data-testid="replay-preview" aria-live="polite">
                {move || match preview.get().flatten() {
                    None => view! { <p class="muted" data-testid="replay-preview-loading">"Counting what a replay would send…"</p> }.into_any(),
                    Some(Err(e)) => view! {
                        <p class="callout callout-bad" data-testid="replay-preview-error">{format!("The dry run failed: {}", e.message())}</p>
                    }.into_any(),
                    Some(Ok(p)) => view! { <PreviewBody preview=p reenable=reenable.get().is_some()/> }.into_any(),
                }}
                {move || refused.get().map(|why| view! {
                    <p class="callout callout-bad" role="alert" data-testid="replay-refused">{why}</p>
                })}
            </div>
        </ConfirmDialog>
    }
}

#[component]
fn PreviewBody(preview: ReplayPreview, reenable: bool) -> impl IntoView {
    if preview.total == 0 {
        return view! {
            <p data-testid="replay-nothing">"No delivery matches this filter. Nothing will be started."</p>
        }
        .into_any();
    }
    let warnings = if reenable {
        // The webhook is activated first, so its own "inactive" warning no longer applies.
        Vec::new()
    } else {
        preview.warnings.clone()
    };
    view! {
        <p data-testid="replay-count">
            <strong>{deliveries_text(preview.total)}</strong>
            " will be sent once more, each as a new delivery, at no more than the server's replay rate per endpoint."
        </p>
        {reenable.then(|| view! { <p class="muted">"The webhook is activated first."</p> })}
        {(!warnings.is_empty()).then(|| view! {
            <div class="callout" data-testid="replay-warnings">
                {warnings.into_iter().map(|w| view! { <p>{w}</p> }).collect_view()}
            </div>
        })}
        <table class="table compact" data-testid="replay-endpoints">
            <caption class="muted small">"Per endpoint"</caption>
            <thead><tr><th scope="col">"Webhook"</th><th scope="col">"Deliveries"</th><th scope="col">"State"</th></tr></thead>
            <tbody>
                {preview.endpoints.into_iter().map(|e| view! {
                    <tr data-testid="replay-endpoint">
                        <td>{e.name.clone().unwrap_or_else(|| e.webhook_id.0.clone())}</td>
                        <td>{thousands(e.total as usize)}</td>
                        <td>{if e.is_active { "active" } else { "inactive" }}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
        <table class="table compact" data-testid="replay-sample">
            <caption class="muted small">"A sample, newest first"</caption>
            <thead><tr><th scope="col">"Status"</th><th scope="col">"Event"</th><th scope="col">"Created"</th></tr></thead>
            <tbody>
                {preview.sample.into_iter().take(SAMPLE_ROWS).map(|d| view! {
                    <tr data-testid="replay-sample-row">
                        <td><DeliveryStatusBadge status=d.status/></td>
                        <td class="mono small">{d.event_type.clone()}</td>
                        <td><RelativeTime at=d.created_at placeholder="—"/></td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}
