//! Badges for a webhook's state: active/inactive, and the endpoint's self-reported status
//! (`statusString` in its `badgeColor`). The text always says it; colour only repeats it.

use leptos::prelude::*;
use switchboard_api::EndpointStatus;

/// Maps an endpoint's `badgeColor` (Bootstrap-like names, or plain colours) to one of the
/// console's badge classes; anything unknown is neutral rather than trusted as a class name.
pub fn badge_class(color: &str) -> &'static str {
    match color.trim().to_ascii_lowercase().as_str() {
        "success" | "green" | "ok" | "active" => "badge-success",
        "danger" | "error" | "red" | "failed" | "critical" => "badge-danger",
        "warning" | "yellow" | "orange" | "amber" => "badge-warning",
        "info" | "primary" | "blue" | "cyan" => "badge-info",
        _ => "badge-neutral",
    }
}

/// Active or inactive, as text and colour.
#[component]
pub fn ActiveBadge(
    /// Whether the webhook is active.
    #[prop(into)]
    active: Signal<bool>,
) -> impl IntoView {
    view! {
        <span
            class=move || if active.get() { "badge badge-active" } else { "badge badge-inactive" }
            data-testid="active-badge"
        >
            {move || if active.get() { "Active" } else { "Inactive" }}
        </span>
    }
}

/// The endpoint's own status, with its `additional` text on hover and for screen readers.
#[component]
pub fn EndpointStatusBadge(
    /// What `GET /webhooks/{id}/status` returned.
    status: EndpointStatus,
) -> impl IntoView {
    let class = format!("badge {}", badge_class(&status.badge_color));
    let additional = status.additional.clone().filter(|a| !a.trim().is_empty());
    view! {
        <span class="endpoint-status">
            <span class=class data-testid="endpoint-status" title=additional.clone().unwrap_or_default()>
                {status.status_string.clone()}
            </span>
            {additional.map(|a| view! { <span class="muted small" data-testid="endpoint-status-additional">{a}</span> })}
        </span>
    }
}

#[cfg(test)]
mod tests {
    use super::badge_class;

    #[test]
    fn colours_map_to_known_classes_only() {
        assert_eq!(badge_class("success"), "badge-success");
        assert_eq!(badge_class(" Danger "), "badge-danger");
        assert_eq!(badge_class("warning"), "badge-warning");
        assert_eq!(badge_class("\" onclick=\"x"), "badge-neutral");
        assert_eq!(badge_class(""), "badge-neutral");
    }
}
