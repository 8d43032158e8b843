//! Capabilities, destination types and the event-type catalogue.

use super::{ok, AppState};
use crate::error::ApiError;
use crate::Profile;
use axum::extract::{Path, State};
use axum::response::Response;
use switchboard_api::Capabilities;

pub async fn capabilities(State(state): State<AppState>) -> Response {
    ok(match state.profile() {
        Profile::Full => Capabilities::full(),
        _ => Capabilities::core(),
    })
}

/// The destination types webhooks may have here, each with the schema of its `data`.
pub async fn destination_types(State(state): State<AppState>) -> Response {
    ok(state.types.as_slice())
}

pub async fn event_types(State(state): State<AppState>) -> Response {
    let list: Vec<_> = state.catalogue.all().iter().map(|e| e.summary()).collect();
    ok(list)
}

pub async fn event_type(
    State(state): State<AppState>,
    Path(name): Path<String>,
) -> Result<Response, ApiError> {
    state
        .catalogue
        .get(&name)
        .map(|e| ok(e.clone()))
        .ok_or_else(|| ApiError::NotFound(format!("No event type named {name:?}.")))
}
