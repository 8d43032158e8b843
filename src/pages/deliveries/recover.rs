//! "Recover failed deliveries": re-queue every failed delivery of one webhook since a chosen time.

use crate::api::Backend;
use crate::components::time_range::{display_offset, format_datetime_local, parse_datetime_local};
use crate::components::ConfirmDialog;
use crate::format::now_ms;
use crate::state::{use_live_backend, use_settings, use_toasts, TimeZoneMode};
use leptos::prelude::*;
use switchboard_api::Timestamp;

/// How far back the dialog suggests by default.
const DEFAULT_LOOKBACK_MS: i64 = 24 * 3_600_000;

#[component]
pub fn RecoverDialog(
    /// Open while true.
    open: RwSignal<bool>,
    /// The webhook whose failures are re-queued.
    #[prop(into)]
    webhook_id: Signal<String>,
    /// Called after the backend accepted the recovery.
    #[prop(optional, into)]
    on_done: Option<Callback<()>>,
) -> impl IntoView {
    let backend = use_live_backend();
    let toasts = use_toasts();
    let settings = use_settings();
    let since_text = RwSignal::new(String::new());
    let invalid = RwSignal::new(false);
    // Each opening starts from "24 hours ago" in the user's time zone setting.
    Effect::new(move |_| {
        if open.get() {
            let t = Timestamp::from_unix_millis(now_ms() - DEFAULT_LOOKBACK_MS)
                .unwrap_or(Timestamp(time::OffsetDateTime::UNIX_EPOCH));
            let offset = display_offset(settings.tz.get_untracked(), &t);
            since_text.set(format_datetime_local(&t, offset));
            invalid.set(false);
        }
    });
    let recover = Action::new_local(move |(wid, since): &(String, Timestamp)| {
        let (wid, since) = (wid.clone(), *since);
        async move {
            match backend.now().recover(&wid, since).await {
                Ok(r) => {
                    let what = if r.queued == 1 {
                        "1 failed delivery".to_owned()
                    } else {
                        format!("{} failed deliveries", r.queued)
                    };
                    toasts.success(format!("Re-queued {what}"));
                    open.set(false);
                    if let Some(cb) = on_done {
                        cb.run(());
                    }
                }
                Err(e) => toasts.error(e.message()),
            }
        }
    });
    let confirm = Callback::new(move |()| {
        let now = Timestamp::now();
        let offset = display_offset(settings.tz.get_untracked(), &now);
        match parse_datetime_local(&since_text.get_untracked(), offset) {
            Some(since) => {
                invalid.set(false);
                recover.dispatch((webhook_id.get_untracked(), since));
            }
            None => invalid.set(true),
        }
    });
    let zone = move || {
        if settings.tz.get() == TimeZoneMode::Utc {
            "UTC"
        } else {
            "local time"
        }
    };
    view! {
        <ConfirmDialog
            open=open
            title="Recover failed deliveries"
            confirm_label="Re-queue failures"
            on_confirm=confirm
            pending=recover.pending()
        >
            <p>"Every delivery of this webhook that failed since the time below is queued for a new attempt now."</p>
            <div class="field" class:invalid=move || invalid.get()>
                <label for="recover-since">"Failed since (" {zone} ")"</label>
                <input id="recover-since" type="datetime-local" data-testid="recover-since"
                    aria-invalid=move || invalid.get().then_some("true")
                    prop:value=move || since_text.get()
                    on:input=move |ev| since_text.set(event_target_value(&ev))/>
                {move || invalid.get().then(|| view! { <p class="field-error">"Enter a date and time."</p> })}
            </div>
        </ConfirmDialog>
    }
}
