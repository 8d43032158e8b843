//! `/deliveries` handlers: history, one delivery with its attempts, retry and recover.

use super::query::{Cursor, Flag, Limit, Params, Status, Text, Time};
use super::replays::Class;
use super::{ok, page, reply, AppState, JsonBody};
use crate::error::ApiError;
use crate::ids::now_ms;
use crate::store::deliveries::{self, ListFilter};
use crate::store::webhooks::{self, Key};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use switchboard_api::search;
use switchboard_api::{FieldError, RecoverRequest, RecoverResult};

/// `GET /deliveries` parameters.
#[derive(Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    cursor: Cursor,
    #[serde(default)]
    limit: Limit,
    #[serde(default)]
    webhook_id: Text,
    status: Option<Status>,
    #[serde(default)]
    event_type: Text,
    since: Option<Time>,
    until: Option<Time>,
    status_class: Option<Class>,
    #[serde(default)]
    error_kind: Text,
    missed: Option<Flag>,
    /// Full text over payloads and response bodies.
    #[serde(default)]
    q: Text,
    /// Payload field conditions (`switchboard_api::search`).
    #[serde(default, rename = "where")]
    where_: Text,
}

/// Reads `q` and `where` into the store's terms; a filter that does not parse is a 400 naming
/// the parameter, the part and why.
pub(super) fn search_terms(
    q: Option<String>,
    where_: Option<String>,
) -> Result<(Option<String>, Vec<search::Condition>), ApiError> {
    if q.as_ref()
        .is_some_and(|q| q.chars().count() > search::MAX_LEN)
    {
        return Err(ApiError::BadParam(FieldError::new(
            search::TEXT_PARAM,
            format!("is at most {} characters long", search::MAX_LEN),
        )));
    }
    // Text with no word in it ("!!!") has nothing to look for; it matches nothing rather than
    // everything, as the user asked for something.
    let text = q.map(|q| search::fts_query(&q).unwrap_or_else(|| "\"\"".into()));
    let conditions = match where_ {
        Some(w) => search::parse_filter(&w)
            .map_err(|e| ApiError::BadParam(FieldError::new(search::WHERE_PARAM, e.to_string())))?,
        None => Vec::new(),
    };
    Ok((text, conditions))
}

pub async fn list(
    State(state): State<AppState>,
    Params(q): Params<ListQuery>,
) -> Result<Response, ApiError> {
    let (after, limit) = (q.cursor.0, q.limit.0);
    let (text, conditions) = search_terms(q.q.0, q.where_.0)?;
    let filter = ListFilter {
        text,
        conditions,
        webhook_id: q.webhook_id.0,
        status: q.status.map(|s| s.0),
        event_type: q.event_type.0,
        since: q.since.map(|t| t.0),
        until: q.until.map(|t| t.0),
        status_class: q.status_class.map(|c| c.0),
        error_kind: q.error_kind.0,
        missed: q.missed.is_some_and(|m| m.0),
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
    state.engine.announce(&d.id).await;
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
    // A time in the future is no error: nothing failed since then, so nothing is queued.
    let since = req.since.unix_millis();
    let queued = state
        .store
        .call(move |c| deliveries::recover(c, &w.id, since, now))
        .await?;
    state.engine.wake();
    Ok(reply(StatusCode::ACCEPTED, RecoverResult { queued }))
}
