//! `/events` handlers: emit an event (fan-out) and list what was emitted.

use super::query::{Cursor, Limit, Params, Text};
use super::{page, reply, AppState, JsonBody};
use crate::error::ApiError;
use crate::store::events;
use axum::extract::State;
use axum::http::StatusCode;
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

pub async fn emit(
    State(state): State<AppState>,
    JsonBody(req): JsonBody<EmitEvent>,
) -> Result<Response, ApiError> {
    if !state.catalogue.contains(&req.event_type) {
        return Err(ApiError::field(
            "event_type",
            "is not an event type of the catalogue",
        ));
    }
    let event = state.engine.emit(req.event_type, req.payload).await?;
    Ok(reply(StatusCode::CREATED, event.to_api()))
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
