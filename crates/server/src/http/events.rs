//! `/events` handlers: emit an event (fan-out) and list what was emitted.

use super::{page, paging, reply, str_param, AppState, JsonBody};
use crate::error::ApiError;
use crate::store::events;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use std::collections::HashMap;
use switchboard_api::EmitEvent;

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
    Query(params): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let (after, limit) = paging(&params)?;
    let event_type = str_param(&params, "event_type");
    let (rows, next) = state
        .store
        .call(move |c| events::list(c, event_type.as_deref(), after, limit))
        .await?;
    Ok(page(rows.iter().map(|e| e.to_api()).collect(), next))
}
