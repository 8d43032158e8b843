//! The Health section of a webhook's page: success rate, latency, consecutive failures, the
//! last error class, failures by class, and the time line of state changes with their reasons.

use crate::api::Backend;
use crate::components::{ErrorClassBars, ErrorPanel, RelativeTime};
use crate::state::use_backend;
use leptos::prelude::*;
use switchboard_api::{ChangeActor, StateChange, StateChangeKind, WebhookHealth};

/// The window the section looks at.
const WINDOW: &str = "7d";

/// "97.5%", "100%", "—" for a rate from 0 to 1.
pub fn rate_text(rate: Option<f64>) -> String {
    crate::pages::dashboard::format_rate(rate.map(|r| r * 100.0))
}

/// "84 ms", "1.2 s", "—".
pub fn latency_text(ms: Option<u64>) -> String {
    match ms {
        None => "—".into(),
        Some(ms) if ms < 1000 => format!("{ms} ms"),
        Some(ms) => format!("{:.1} s", ms as f64 / 1000.0),
    }
}

/// One time line entry's headline: what changed and by whom.
pub fn change_text(c: &StateChange) -> String {
    let what = match c.change {
        StateChangeKind::Created => "Created",
        StateChangeKind::Deactivated => "Deactivated",
        StateChangeKind::Activated => "Activated again",
        StateChangeKind::Unknown => "Changed",
    };
    let by = match c.by {
        ChangeActor::Api => "through the API",
        ChangeActor::Endpoint => "by the endpoint (410 Gone)",
        ChangeActor::HealthRule => "by the health rule",
        ChangeActor::Unknown => "",
    };
    if by.is_empty() || c.change == StateChangeKind::Created {
        what.to_owned()
    } else {
        format!("{what} {by}")
    }
}

#[component]
pub fn HealthCard(id: String) -> impl IntoView {
    let health = LocalResource::new(move || {
        let id = id.clone();
        async move { use_backend().webhook_health(&id, WINDOW).await }
    });
    view! {
        <section class="card health-card" aria-labelledby="health-h" data-testid="health-card">
            <div class="card-head">
                <h2 id="health-h">"Health, last 7 days"</h2>
                <button type="button" class="button small" data-testid="health-refresh"
                    on:click=move |_| health.refetch()>"Refresh"</button>
            </div>
            {move || match health.get() {
                None => view! { <span class="skeleton skeleton-row" aria-busy="true"></span> }.into_any(),
                Some(Ok(h)) => view! { <HealthBody health=h/> }.into_any(),
                Some(Err(e)) => view! { <ErrorPanel error=e on_retry=Callback::new(move |_| health.refetch())/> }.into_any(),
            }}
        </section>
    }
}

#[component]
fn HealthBody(health: WebhookHealth) -> impl IntoView {
    let h = health;
    let rate_class = match h.success_rate {
        Some(r) if r >= 0.95 => "stat-value good",
        Some(_) => "stat-value bad",
        None => "stat-value",
    };
    let failing = h.consecutive_failures > 0;
    let rule = h.disable_after_days.map(|d| {
        format!(
            "The server deactivates a webhook whose every attempt failed for {d} day{}.",
            if d == 1 { "" } else { "s" }
        )
    });
    view! {
        <dl class="health-figures">
            <div>
                <dt>"Success rate"</dt>
                <dd class=rate_class data-testid="health-rate">{rate_text(h.success_rate)}</dd>
                <dd class="stat-hint">{format!("{} of {} attempts", h.succeeded, h.attempts)}</dd>
            </div>
            <div>
                <dt>"Latency p50 / p95"</dt>
                <dd class="stat-value" data-testid="health-latency">
                    {format!("{} / {}", latency_text(h.latency_p50_ms), latency_text(h.latency_p95_ms))}
                </dd>
            </div>
            <div>
                <dt>"Consecutive failures"</dt>
                <dd class=if failing { "stat-value bad" } else { "stat-value" } data-testid="health-consecutive">
                    {h.consecutive_failures}
                </dd>
                <dd class="stat-hint">
                    {if failing { "failing since " } else { "" }}
                    {failing.then(|| view! { <RelativeTime at=h.failing_since/> })}
                </dd>
            </div>
            <div>
                <dt>"Last error"</dt>
                <dd class="stat-value mono" data-testid="health-last-error">
                    {h.last_error_class.map(|c| c.as_str().to_owned()).unwrap_or_else(|| "—".into())}
                </dd>
                <dd class="stat-hint"><RelativeTime at=h.last_error_at placeholder="none"/></dd>
            </div>
        </dl>
        <h3>"Failures by error class"</h3>
        <ErrorClassBars classes=h.error_classes label="Failed attempts by error class"/>
        <h3>"State changes"</h3>
        <ol class="state-timeline" data-testid="health-timeline">
            {h.timeline.into_iter().rev().map(|c| {
                let kind = match c.change {
                    StateChangeKind::Deactivated => "state-off",
                    StateChangeKind::Activated => "state-on",
                    _ => "state-neutral",
                };
                let held = c.deliveries.filter(|n| *n > 0).map(|n| {
                    format!(" {n} deliver{}.", if n == 1 { "y" } else { "ies" })
                });
                view! {
                    <li class=kind data-testid="health-change">
                        <span class="state-dot" aria-hidden="true"></span>
                        <div>
                            <strong>{change_text(&c)}</strong>
                            " "<RelativeTime at=Some(c.at)/>
                            {c.reason.map(|r| view! { <p class="muted state-reason">{r}{held}</p> })}
                        </div>
                    </li>
                }
            }).collect_view()}
        </ol>
        {rule.map(|r| view! { <p class="muted small" data-testid="health-rule">{r}</p> })}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use switchboard_api::Timestamp;

    #[test]
    fn figures_read_as_words() {
        assert_eq!(rate_text(Some(0.975)), "97.5%");
        assert_eq!(rate_text(Some(1.0)), "100%");
        assert_eq!(rate_text(None), "—");
        assert_eq!(latency_text(Some(84)), "84 ms");
        assert_eq!(latency_text(Some(1234)), "1.2 s");
        assert_eq!(latency_text(None), "—");
        let c = StateChange {
            at: Timestamp::from_unix_millis(0).unwrap(),
            change: StateChangeKind::Deactivated,
            by: ChangeActor::HealthRule,
            reason: None,
            deliveries: None,
        };
        assert_eq!(change_text(&c), "Deactivated by the health rule");
    }
}
