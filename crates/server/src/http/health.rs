//! Endpoint health: `GET /webhooks/{id}/health` (one webhook's figures and state time line)
//! and `GET /webhooks/health` (failures by error class across every webhook).

use super::query::Params;
use super::webhooks::{find, StatsSpan};
use super::{ok, AppState};
use crate::error::ApiError;
use crate::store::{health, ts};
use axum::extract::{Path, State};
use axum::response::Response;
use serde::Deserialize;
use std::collections::BTreeMap;
use switchboard_api::{
    ErrorClass, HealthOverview, Id, StateChange, Timestamp, WebhookFailures, WebhookHealth,
};

/// `?window=` of both health routes: as the stats' window, 24 hours when absent.
#[derive(Deserialize)]
pub struct HealthQuery {
    #[serde(default = "StatsSpan::window")]
    window: StatsSpan,
}

pub async fn webhook_health(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Params(query): Params<HealthQuery>,
) -> Result<Response, ApiError> {
    let w = find(&state, id).await?;
    let now = state.engine.now_ms();
    let from = now.saturating_sub(query.window.ms());
    let webhook_id = w.id.clone();
    let (figures, last_error, since, timeline) = state
        .store
        .call(move |c| {
            Ok::<_, ApiError>((
                health::figures(c, &webhook_id, from)?,
                health::last_error(c, &webhook_id)?,
                health::failing_since(c, &webhook_id)?,
                health::timeline(c, &webhook_id)?,
            ))
        })
        .await?;
    let failed = figures.attempts - figures.succeeded;
    Ok(ok(WebhookHealth {
        webhook_id: Id(w.id.clone()),
        window: query.window.raw,
        attempts: figures.attempts,
        succeeded: figures.succeeded,
        failed,
        success_rate: (figures.attempts > 0)
            .then(|| f64::from(figures.succeeded) / f64::from(figures.attempts)),
        latency_p50_ms: figures.latency_p50_ms,
        latency_p95_ms: figures.latency_p95_ms,
        consecutive_failures: w.failure_count,
        failing_since: ts(since),
        last_error_class: last_error.map(|(class, _)| class),
        last_error_at: last_error.and_then(|(_, at)| ts(Some(at))),
        error_classes: figures.error_classes,
        timeline: timeline
            .into_iter()
            .map(|c| StateChange {
                at: Timestamp::from_unix_millis(c.at).unwrap_or_else(Timestamp::now),
                change: c.change,
                by: c.by,
                reason: c.reason,
                deliveries: c.deliveries,
            })
            .collect(),
        disable_after_days: state.engine.disable_after_days(),
    }))
}

pub async fn overview(
    State(state): State<AppState>,
    Params(query): Params<HealthQuery>,
) -> Result<Response, ApiError> {
    let from = state.engine.now_ms().saturating_sub(query.window.ms());
    let (attempts, per_webhook) = state
        .store
        .call(move |c| health::failures_by_webhook(c, from))
        .await?;
    let mut all: BTreeMap<ErrorClass, u32> = BTreeMap::new();
    let mut webhooks: Vec<WebhookFailures> = per_webhook
        .into_iter()
        .map(|(webhook_id, classes)| {
            for (class, n) in &classes {
                *all.entry(*class).or_insert(0) += n;
            }
            WebhookFailures {
                webhook_id: Id(webhook_id),
                failed: classes.values().sum(),
                error_classes: health::by_count(classes),
            }
        })
        .collect();
    webhooks.sort_by(|a, b| {
        b.failed
            .cmp(&a.failed)
            .then(a.webhook_id.0.cmp(&b.webhook_id.0))
    });
    Ok(ok(HealthOverview {
        window: query.window.raw,
        attempts,
        failed: all.values().sum(),
        error_classes: health::by_count(all),
        webhooks,
    }))
}
