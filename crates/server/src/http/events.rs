//! `/events` handlers: emit an event (fan-out) and list what was emitted.

use super::query::{Cursor, Limit, Params, Text};
use super::{page, reply, AppState, JsonBody};
use crate::engine::{Emitted, IdempotencyKey};
use crate::error::ApiError;
use crate::store::events;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use serde::Deserialize;
use switchboard_api::EmitEvent;

/// `GET /events` parameters.
#[derive(Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    cursor: Cursor,
    #[serde(default)]
    limit: Limit,
    #[serde(default)]
    event_type: Text,
}

/// Emits an event. With an `Idempotency-Key`, a retry of the same request answers with the
/// event it emitted (and the same deliveries, so the same `webhook-id`s) instead of a new one.
pub async fn emit(
    State(state): State<AppState>,
    headers: HeaderMap,
    JsonBody(req): JsonBody<EmitEvent>,
) -> Result<Response, ApiError> {
    if !state.catalogue.contains(&req.event_type) {
        return Err(ApiError::field(
            "event_type",
            "is not an event type of the catalogue",
        ));
    }
    let key = super::idempotency_key(&headers)?.map(|key| IdempotencyKey {
        key,
        body_hash: super::body_hash(&serde_json::json!({
            "event_type": req.event_type,
            "payload": req.payload,
        })),
    });
    let emitted = state
        .engine
        .emit_once(req.event_type, req.payload, key)
        .await?;
    Ok(match emitted {
        Emitted::New(event) => reply(StatusCode::CREATED, event.to_api()),
        Emitted::Replayed(event) => {
            let mut res = reply(StatusCode::CREATED, event.to_api());
            res.headers_mut()
                .insert("idempotent-replayed", HeaderValue::from_static("true"));
            res
        }
        Emitted::KeyReused => {
            return Err(ApiError::Conflict(
                "This Idempotency-Key was used with a different body.".into(),
            ))
        }
    })
}

pub async fn list(
    State(state): State<AppState>,
    Params(q): Params<ListQuery>,
) -> Result<Response, ApiError> {
    let (after, limit) = (q.cursor.0, q.limit.0);
    let event_type = q.event_type.0;
    let (rows, next) = state
        .store
        .call(move |c| events::list(c, event_type.as_deref(), after, limit))
        .await?;
    Ok(page(rows.iter().map(|e| e.to_api()).collect(), next))
}
