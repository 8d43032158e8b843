//! `/replays` handlers (a dry run, starting, listing, reading and cancelling replay jobs) and
//! `/missed` (what endpoints missed, grouped by reason).

use super::query::{Cursor, Limit, Params};
use super::{ok, page, reply, AppState, JsonBody};
use crate::error::ApiError;
use crate::ids::new_id;
use crate::store::deliveries::ListFilter;
use crate::store::replays::{self, Created};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use serde::Deserialize;
use switchboard_api::{
    DeliveryFilter, DeliveryStatus, Missed, ReplayPreview, ReplayRequest, StatusClass,
};

/// Deliveries a dry run shows as a sample.
const SAMPLE: u32 = 10;

/// A `status_class` query parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub struct Class(pub StatusClass);

impl TryFrom<String> for Class {
    type Error = String;

    fn try_from(raw: String) -> Result<Self, String> {
        StatusClass::parse(&raw)
            .map(Class)
            .ok_or_else(|| "must be one of 2xx, 3xx, 4xx, 5xx, none".into())
    }
}

/// The body's filter as the store's, or a problem naming the member that cannot be used.
fn store_filter(f: &DeliveryFilter) -> Result<ListFilter, ApiError> {
    if f.status == Some(DeliveryStatus::Unknown) {
        return Err(ApiError::field(
            "filter.status",
            "must be one of scheduled, pending, succeeded, failed, held",
        ));
    }
    let text = |v: &Option<String>, name: &str| -> Result<Option<String>, ApiError> {
        match v.as_deref().map(str::trim) {
            Some("") => Err(ApiError::field(
                format!("filter.{name}"),
                "must not be empty; leave it out to match every value",
            )),
            other => Ok(other.map(str::to_string)),
        }
    };
    let since = f.since.as_ref().map(|t| t.unix_millis());
    let until = f.until.as_ref().map(|t| t.unix_millis());
    if let (Some(s), Some(u)) = (since, until) {
        if s >= u {
            return Err(ApiError::field(
                "filter.until",
                "must be after filter.since",
            ));
        }
    }
    let (search_text, conditions) = super::deliveries::search_terms(f.q.clone(), f.where_.clone())
        .map_err(|e| match e {
            // In a body the same rule is a member of `filter`, refused as such (a 422).
            ApiError::BadParam(fe) => ApiError::field(format!("filter.{}", fe.field), fe.message),
            other => other,
        })?;
    Ok(ListFilter {
        text: search_text,
        conditions,
        webhook_id: text(&f.webhook_id, "webhook_id")?,
        status: f.status,
        event_type: text(&f.event_type, "event_type")?,
        since,
        until,
        status_class: f.status_class,
        error_kind: text(&f.error_kind, "error_kind")?,
        missed: f.missed.unwrap_or(false),
    })
}

/// `POST /replays/dry-run`: what a replay of the filter would send, changing nothing.
pub async fn dry_run(
    State(state): State<AppState>,
    JsonBody(req): JsonBody<ReplayRequest>,
) -> Result<Response, ApiError> {
    let filter = store_filter(&req.filter)?;
    let now = state.engine.now_ms();
    let p = state
        .store
        .call(move |c| replays::preview(c, &filter, now, SAMPLE))
        .await?;
    let mut warnings = Vec::new();
    for e in p.endpoints.iter().filter(|e| !e.is_active) {
        warnings.push(format!(
            "Webhook {:?} is inactive: its {} deliveries will wait until it is activated.",
            e.name.as_deref().unwrap_or(e.webhook_id.as_str()),
            e.total
        ));
    }
    if p.skipped_deleted > 0 {
        warnings.push(format!(
            "{} matching deliveries belong to deleted webhooks and will not be sent.",
            p.skipped_deleted
        ));
    }
    Ok(ok(ReplayPreview {
        total: p.total,
        endpoints: p.endpoints,
        sample: p.sample.iter().map(|d| d.to_api(now, Vec::new())).collect(),
        warnings,
    }))
}

/// `POST /replays`: starts a job, once per `Idempotency-Key` (which it requires, so that a
/// confirmation sent twice starts one job).
pub async fn start(
    State(state): State<AppState>,
    headers: HeaderMap,
    JsonBody(req): JsonBody<ReplayRequest>,
) -> Result<Response, ApiError> {
    let key = super::idempotency_key(&headers)?.ok_or_else(|| {
        ApiError::field(
            "Idempotency-Key",
            "is required, so that confirming twice starts one job",
        )
    })?;
    let filter = store_filter(&req.filter)?;
    let filter_json = serde_json::to_string(&req.filter).map_err(ApiError::internal)?;
    let hash = super::body_hash(&serde_json::json!({ "filter": req.filter }));
    let now = state.engine.now_ms();
    let id = new_id("rpl");
    let created = state
        .store
        .call(move |c| {
            let created = replays::create(c, &id, &filter, &filter_json, Some((&key, &hash)), now)?;
            let job = match &created {
                Created::New(id) | Created::Existing(id) => replays::get(c, id)?,
                Created::KeyReused | Created::Empty => None,
            };
            Ok::<_, ApiError>((created, job))
        })
        .await?;
    match created {
        (Created::New(_), Some(job)) => Ok(reply(StatusCode::ACCEPTED, job)),
        (Created::Existing(_), Some(job)) => {
            let mut res = reply(StatusCode::ACCEPTED, job);
            res.headers_mut()
                .insert("idempotent-replayed", HeaderValue::from_static("true"));
            Ok(res)
        }
        (Created::KeyReused, _) => Err(ApiError::Conflict(
            "This Idempotency-Key was used with a different body.".into(),
        )),
        (Created::Empty, _) => Err(ApiError::field(
            "filter",
            "matches no delivery that can be sent again; nothing was started",
        )),
        (_, None) => Err(ApiError::internal("a replay job vanished")),
    }
}

/// `GET /replays` parameters.
#[derive(Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    cursor: Cursor,
    #[serde(default)]
    limit: Limit,
}

pub async fn list(
    State(state): State<AppState>,
    Params(q): Params<ListQuery>,
) -> Result<Response, ApiError> {
    let (after, limit) = (q.cursor.0, q.limit.0);
    let (jobs, next) = state
        .store
        .call(move |c| replays::list(c, after, limit))
        .await?;
    Ok(page(jobs, next))
}

pub async fn show(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let job = state
        .store
        .call(move |c| {
            replays::get(c, &id)?
                .ok_or_else(|| ApiError::NotFound(format!("No replay with id {id:?}.")))
        })
        .await?;
    Ok(ok(job))
}

/// `POST /replays/{id}/cancel`: a running job stops; cancelling one that ended changes nothing.
pub async fn cancel(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let now = state.engine.now_ms();
    let job = state
        .store
        .call(move |c| {
            replays::cancel(c, &id, now)?
                .ok_or_else(|| ApiError::NotFound(format!("No replay with id {id:?}.")))?;
            replays::get(c, &id)?.ok_or_else(|| ApiError::internal("a replay job vanished"))
        })
        .await?;
    Ok(ok(job))
}

fn summary(groups: Vec<switchboard_api::MissedGroup>) -> Missed {
    Missed {
        total: groups.iter().map(|g| g.count).sum(),
        groups,
    }
}

/// `GET /missed`: every endpoint's missed events, by reason.
pub async fn missed(State(state): State<AppState>) -> Result<Response, ApiError> {
    let groups = state.store.call(|c| replays::missed(c, None)).await?;
    Ok(ok(summary(groups)))
}

/// `GET /webhooks/{id}/missed`.
pub async fn missed_for_webhook(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let w = super::webhooks::find(&state, id).await?;
    let groups = state
        .store
        .call(move |c| replays::missed(c, Some(&w.id)))
        .await?;
    Ok(ok(summary(groups)))
}
