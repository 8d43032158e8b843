//! Badges for a webhook's state: active/inactive, and the endpoint's self-reported status
//! (`statusString` in its `badgeColor`). The text always says it; colour only repeats it.

use leptos::prelude::*;
use serde_json::Value;
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
    /// The backend's own words for on and off ("Enabled"/"Disabled", "active"/"deactivated").
    #[prop(optional)]
    words: Option<(&'static str, &'static str)>,
) -> impl IntoView {
    let (on, off) = words.unwrap_or(("Active", "Inactive"));
    view! {
        <span
            class=move || if active.get() { "badge badge-active" } else { "badge badge-inactive" }
            data-testid="active-badge"
        >
            {move || if active.get() { on } else { off }}
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
    let additional = status.additional.clone().filter(|a| match a {
        Value::Null => false,
        Value::String(s) => !s.trim().is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
        _ => true,
    });
    let title = additional.as_ref().map(text).unwrap_or_default();
    view! {
        <span class="endpoint-status">
            <span class=class data-testid="endpoint-status" title=title>
                {status.status_string.clone()}
            </span>
            {additional.map(|a| view! { <AdditionalData value=a/> })}
        </span>
    }
}

/// A JSON value as one line of text.
fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// hostware's `additional` as data: members as a definition list, items as a list, a plain
/// value as text.
#[component]
fn AdditionalData(value: Value) -> impl IntoView {
    match value {
        Value::Object(map) => view! {
            <dl class="additional muted small" data-testid="endpoint-status-additional">
                {map.into_iter().map(|(k, v)| view! { <dt>{k}</dt> <dd>{text(&v)}</dd> }).collect_view()}
            </dl>
        }
        .into_any(),
        Value::Array(items) => view! {
            <ul class="additional muted small" data-testid="endpoint-status-additional">
                {items.iter().map(|v| view! { <li>{text(v)}</li> }).collect_view()}
            </ul>
        }
        .into_any(),
        other => view! {
            <span class="muted small" data-testid="endpoint-status-additional">{text(&other)}</span>
        }
        .into_any(),
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
