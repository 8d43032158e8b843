//! A time shown relative ("5 min ago") with the absolute time, in UTC or local, on hover.

use crate::format::{absolute, local_offset_minutes, relative};
use crate::state::{use_clock, use_settings, TimeZoneMode};
use leptos::prelude::*;
use switchboard_api::Timestamp;

#[component]
pub fn RelativeTime(
    /// The moment; `None` shows the placeholder.
    #[prop(into)]
    at: Signal<Option<Timestamp>>,
    /// Shown when there is no time.
    #[prop(optional, into)]
    placeholder: Option<String>,
) -> impl IntoView {
    let settings = use_settings();
    let clock = use_clock();
    let placeholder = placeholder.unwrap_or_else(|| "never".into());
    move || match at.get() {
        Some(t) => {
            let offset = match settings.tz.get() {
                TimeZoneMode::Utc => None,
                TimeZoneMode::Local => Some(local_offset_minutes(&t)),
            };
            let full = absolute(&t, offset);
            view! {
                <time datetime=t.to_rfc3339() title=full.clone() data-absolute=full>
                    {move || relative(clock.now(), &t)}
                </time>
            }
            .into_any()
        }
        None => view! { <span class="muted">{placeholder.clone()}</span> }.into_any(),
    }
}
