//! `/deliveries` handlers: history, one delivery with its attempts, retry and recover.

use super::{ok, page, paging, reply, str_param, time_param, AppState, JsonBody};
use crate::error::ApiError;
use crate::ids::now_ms;
use crate::store::deliveries::{self, ListFilter};
use crate::store::webhooks::{self, Key};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use std::collections::HashMap;
use switchboard_api::{DeliveryStatus, RecoverRequest, RecoverResult};

pub async fn list(
    State(state): State<AppState>,
    Query(params): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let (after, limit) = paging(&params)?;
    let status = match str_param(&params, "status") {
        None => None,
        Some(s) => Some(DeliveryStatus::parse(&s).ok_or_else(|| {
            ApiError::BadQuery("status must be one of scheduled, pending, succeeded, failed".into())
        })?),
    };
    let filter = ListFilter {
        webhook_id: str_param(&params, "webhook_id"),
        status,
        event_type: str_param(&params, "event_type"),
        since: time_param(&params, "since")?,
        until: time_param(&params, "until")?,
    };
    let now = now_ms();
    let (rows, next) = state
        .store
        .call(move |c| deliveries::list(c, &filter, now, after, limit))
        .await?;
    Ok(page(
        rows.iter().map(|d| d.to_api(now, Vec::new())).collect(),
        next,
    ))
}

pub async fn show(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let (d, attempts) = state
        .store
        .call(move |c| {
            let d = deliveries::get(c, &id)?
                .ok_or_else(|| ApiError::NotFound(format!("No delivery with id {id:?}.")))?;
            let attempts = deliveries::attempts(c, &id)?;
            Ok::<_, ApiError>((d, attempts))
        })
        .await?;
    Ok(ok(d.to_api(now_ms(), attempts)))
}

pub async fn retry(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let now = now_ms();
    let d = state
        .store
        .call(move |c| {
            let d = deliveries::get(c, &id)?
                .ok_or_else(|| ApiError::NotFound(format!("No delivery with id {id:?}.")))?;
            if webhooks::get(c, Key::Id(&d.webhook_id))?.is_none() {
                return Err(ApiError::Conflict(
                    "The webhook of this delivery has been deleted.".into(),
                ));
            }
            if !deliveries::requeue(c, &id, now)? {
                return Err(ApiError::Conflict(
                    "This delivery is being sent right now.".into(),
                ));
            }
            deliveries::get(c, &id)?.ok_or_else(|| ApiError::internal("delivery vanished"))
        })
        .await?;
    state.engine.wake();
    Ok(reply(StatusCode::ACCEPTED, d.to_api(now, Vec::new())))
}

pub async fn recover(
    State(state): State<AppState>,
    Path(id): Path<String>,
    JsonBody(req): JsonBody<RecoverRequest>,
) -> Result<Response, ApiError> {
    let w = super::webhooks::find(&state, id).await?;
    let now = now_ms();
    let since = req.since.unix_millis();
    if since > now {
        return Err(ApiError::field("since", "must not be in the future"));
    }
    let queued = state
        .store
        .call(move |c| deliveries::recover(c, &w.id, since, now))
        .await?;
    state.engine.wake();
    Ok(reply(StatusCode::ACCEPTED, RecoverResult { queued }))
}
