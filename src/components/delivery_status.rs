//! The delivery status badge: a colour and the status in words, so colour is never the only cue.

use leptos::prelude::*;
use switchboard_api::DeliveryStatus;

/// The words shown for a status.
pub fn status_label(status: DeliveryStatus) -> &'static str {
    match status {
        DeliveryStatus::Scheduled => "Scheduled",
        DeliveryStatus::Pending => "Pending",
        DeliveryStatus::Succeeded => "Succeeded",
        DeliveryStatus::Failed => "Failed",
        DeliveryStatus::Held => "Held",
        DeliveryStatus::Unknown => "Unknown",
    }
}

/// A glyph that differs per status, for readers who cannot tell the colours apart.
fn status_glyph(status: DeliveryStatus) -> &'static str {
    match status {
        DeliveryStatus::Scheduled => "◷",
        DeliveryStatus::Pending => "…",
        DeliveryStatus::Succeeded => "✓",
        DeliveryStatus::Failed => "✕",
        DeliveryStatus::Held => "⏸",
        DeliveryStatus::Unknown => "?",
    }
}

#[component]
pub fn DeliveryStatusBadge(
    /// The status to show.
    status: DeliveryStatus,
) -> impl IntoView {
    view! {
        <span class=format!("badge badge-{}", status.as_str()) data-testid="delivery-status" data-status=status.as_str()>
            <span aria-hidden="true">{status_glyph(status)}</span>
            {status_label(status)}
        </span>
    }
}

/// A badge for an HTTP status code or the error kind when there was no response.
#[component]
pub fn ResponseBadge(
    /// The HTTP status, when a response came back.
    #[prop(into)]
    status: Option<u16>,
    /// Why no response was read (`timeout`, `connect`, …).
    #[prop(default = None)]
    error: Option<String>,
) -> impl IntoView {
    let (class, text) = match (status, error) {
        (Some(s), _) if (200..300).contains(&s) => ("badge badge-success", s.to_string()),
        (Some(s), _) if (300..500).contains(&s) => ("badge badge-warning", s.to_string()),
        (Some(s), _) => ("badge badge-danger", s.to_string()),
        (None, Some(e)) if !e.is_empty() => ("badge badge-danger", e),
        (None, _) => ("badge badge-neutral", "—".to_owned()),
    };
    view! { <span class=format!("{class} mono") data-testid="response-status">{text}</span> }
}
