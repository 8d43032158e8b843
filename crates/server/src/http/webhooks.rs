//! `/webhooks` handlers: CRUD, test sends, secret rotation, stats and endpoint probes.

use super::query::{BadParam, Flag, Limit, Params, SortParam, Text};
use super::{ok, page, parse_object, reply, AppState, JsonBody};
use crate::engine::signature;
use crate::error::ApiError;
use crate::ids::{new_id, now_ms};
use crate::store::deliveries;
use crate::store::webhook_order as order;
use crate::store::webhooks::{self, Key, ListFilter, StoredWebhook};
use crate::validate;
use crate::Profile;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::time::Duration;
use switchboard_api::{
    Auth, EndpointOverview, EndpointStatus, HeldChoice, RotatedSecret, Stats, StatsBucket,
    TestSend, Timestamp, WebhookInput, WebhookPatch, WebhookSort,
};

/// How long the previous signing secret keeps signing after a rotation.
pub const SECRET_GRACE_MS: i64 = 24 * 3600 * 1000;
/// How often an edit is merged again onto a webhook that changed while it was checked.
const UPDATE_TRIES: usize = 5;

/// The id the API shows: the sequence number in the plandocket profile, else the string id.
fn public_id(state: &AppState, w: &StoredWebhook) -> String {
    match state.profile() {
        Profile::Plandocket => w.seq.to_string(),
        _ => w.id.clone(),
    }
}

/// A webhook in the profile's shape.
pub fn render(state: &AppState, w: &StoredWebhook, with_secret: bool) -> Value {
    if state.profile() != Profile::Plandocket {
        return serde_json::to_value(w.to_api(public_id(state, w), with_secret))
            .unwrap_or(Value::Null);
    }
    let rfc = |ms: Option<i64>| {
        crate::store::ts(ms)
            .map(|t| Value::String(t.to_rfc3339()))
            .unwrap_or(Value::Null)
    };
    let mut v = json!({
        "id": w.seq,
        "name": w.name,
        "url": w.url,
        "events": w.events,
        "is_active": w.is_active,
        // Not in the seed's response table, but what a create took is shown back, its values
        // write-only.
        "headers": w.headers.keys().map(|k| (k.clone(), Value::Null)).collect::<serde_json::Map<_, _>>(),
        "retry_count": w.retry_count,
        "timeout_seconds": w.timeout_seconds,
        "last_triggered_at": rfc(w.last_triggered_at),
        "last_success_at": rfc(w.last_success_at),
        "last_failure_at": rfc(w.last_failure_at),
        "failure_count": w.failure_count,
        "created_at": w.created_at / 1000,
        "updated_at": w.updated_at / 1000,
    });
    if with_secret {
        v["secret"] = Value::String(w.secret.clone());
    }
    v
}

/// Finds the webhook a path names, or 404.
pub async fn find(state: &AppState, raw: String) -> Result<StoredWebhook, ApiError> {
    let plandocket = state.profile() == Profile::Plandocket;
    let missing = || ApiError::NotFound(format!("No webhook with id {raw:?}."));
    let seq = if plandocket {
        Some(raw.parse::<i64>().map_err(|_| missing())?)
    } else {
        None
    };
    let id = raw.clone();
    state
        .store
        .call(move |c| match seq {
            Some(s) => webhooks::get(c, Key::Seq(s)),
            None => webhooks::get(c, Key::Id(&id)),
        })
        .await?
        .ok_or_else(missing)
}

/// `GET /webhooks` parameters.
#[derive(Deserialize)]
pub struct ListQuery {
    /// Read against `sort` once both are known (a cursor belongs to one order).
    #[serde(default)]
    cursor: String,
    #[serde(default)]
    sort: SortParam,
    #[serde(default)]
    limit: Limit,
    #[serde(default)]
    q: Text,
    is_active: Option<Flag>,
    #[serde(default)]
    event: Text,
}

pub async fn list(
    State(state): State<AppState>,
    Params(query): Params<ListQuery>,
) -> Result<Response, ApiError> {
    // A backend below the `sort` level lists newest first, whatever `sort` says.
    let sort = match state.profile() {
        Profile::Full => query.sort.0,
        _ => WebhookSort::CreatedDesc,
    };
    let after = match query.cursor.as_str() {
        "" => None,
        raw => Some(order::decode(raw, sort).map_err(|e| BadParam {
            name: "cursor".into(),
            message: e.to_string(),
        })?),
    };
    let limit = query.limit.0;
    let filter = ListFilter {
        q: query.q.0,
        is_active: query.is_active.map(|f| f.0),
        event: query.event.0,
    };
    let (rows, next) = state
        .store
        .call(move |c| webhooks::list(c, &filter, sort, after, limit))
        .await?;
    let items: Vec<Value> = rows.iter().map(|w| render(&state, w, false)).collect();
    Ok(page(items, next))
}

/// The plandocket create body: only its documented members, `name` optional.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PlandocketInput {
    url: String,
    events: Vec<String>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    is_active: Option<bool>,
    #[serde(default)]
    headers: Option<BTreeMap<String, String>>,
    #[serde(default)]
    retry_count: Option<u8>,
    #[serde(default)]
    timeout_seconds: Option<u32>,
}

impl PlandocketInput {
    fn into_input(self) -> WebhookInput {
        let name = self
            .name
            .filter(|n| !n.trim().is_empty())
            .unwrap_or_else(|| {
                reqwest::Url::parse(&self.url)
                    .ok()
                    .and_then(|u| u.host_str().map(str::to_string))
                    .unwrap_or_else(|| "Webhook".into())
            });
        let d = WebhookInput::default();
        WebhookInput {
            name,
            url: self.url,
            events: self.events,
            is_active: self.is_active.unwrap_or(true),
            headers: self.headers.unwrap_or_default(),
            retry_count: self.retry_count.unwrap_or(d.retry_count),
            timeout_seconds: self.timeout_seconds.unwrap_or(d.timeout_seconds),
            ..d
        }
    }
}

pub async fn create(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let input: WebhookInput = if state.profile() == Profile::Plandocket {
        parse_object::<PlandocketInput>(&body)?.into_input()
    } else {
        parse_object(&body)?
    };
    validate::check(&input, &state.rules()).await?;
    let key = super::idempotency_key(&headers)?;
    let body_hash = super::body_hash(&serde_json::from_slice::<Value>(&body).unwrap_or_default());
    let _guard = match key {
        Some(_) => Some(state.idempotency.lock().await),
        None => None,
    };
    let now = now_ms();
    let w = StoredWebhook::from_input(new_id("wh"), input, signature::new_secret(), now, None);
    let (stored, replay) = state
        .store
        .call(move |c| {
            let tx = c.transaction()?;
            if let Some(k) = &key {
                let seen: Option<(String, String)> = tx
                    .query_row(
                        "SELECT body_hash, webhook_id FROM idempotency_keys WHERE key = ?1",
                        [k],
                        |r| Ok((r.get(0)?, r.get(1)?)),
                    )
                    .ok();
                if let Some((hash, id)) = seen {
                    if hash != body_hash {
                        return Err(ApiError::Conflict(
                            "This Idempotency-Key was used with a different body.".into(),
                        ));
                    }
                    let first = webhooks::get(&tx, Key::Id(&id))?.ok_or_else(|| {
                        ApiError::Conflict(
                            "This Idempotency-Key created a webhook that has since been deleted."
                                .into(),
                        )
                    })?;
                    return Ok((first, true));
                }
            }
            let mut w = w;
            w.seq = webhooks::insert(&tx, &w)?;
            if let Some(k) = &key {
                tx.execute(
                    "INSERT INTO idempotency_keys (key, body_hash, webhook_id, created_at) \
                     VALUES (?1, ?2, ?3, ?4)",
                    rusqlite::params![k, body_hash, w.id, now],
                )?;
            }
            tx.commit()?;
            Ok((w, false))
        })
        .await?;
    let mut res = reply(StatusCode::CREATED, render(&state, &stored, true));
    if replay {
        res.headers_mut().insert(
            "idempotent-replayed",
            axum::http::HeaderValue::from_static("true"),
        );
    }
    Ok(res)
}

pub async fn show(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let w = find(&state, id).await?;
    Ok(ok(render(&state, &w, true)))
}

pub async fn remove(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let w = find(&state, id).await?;
    delete(&state, w).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// Deletes a webhook and fails what it still has queued; its history stays.
pub async fn delete(state: &AppState, w: StoredWebhook) -> Result<(), ApiError> {
    state
        .store
        .call(move |c| {
            let tx = c.transaction()?;
            deliveries::cancel_for_webhook(&tx, &w.id)?;
            webhooks::delete(&tx, w.seq)?;
            tx.commit()?;
            Ok(())
        })
        .await
}

/// Applies a PATCH to the stored input. An auth of the same type without its secret member
/// keeps the stored secret, so a form can change a username without re-typing the password;
/// a header whose value is `null` keeps its stored value likewise. A URL on another host
/// gets none of the stored credentials: auth and header values not sent again are dropped.
fn merge(mut input: WebhookInput, patch: WebhookPatch) -> Result<WebhookInput, ApiError> {
    let moved = patch
        .url
        .as_deref()
        .is_some_and(|url| !same_host(&input.url, url));
    if moved {
        input.auth = Auth::None;
        if patch.headers.is_none() {
            input.headers.clear();
        }
    }
    if let Some(v) = patch.data {
        input.data = Some(crate::types::keep_secrets(
            &input.kind,
            input.data.as_ref(),
            v,
        ));
    }
    if let Some(v) = patch.targets {
        input.targets = v;
    }
    if let Some(v) = patch.name {
        input.name = v;
    }
    if let Some(v) = patch.description {
        input.description = v;
    }
    if let Some(v) = patch.url {
        input.url = v;
    }
    if let Some(v) = patch.events {
        input.events = v;
    }
    if let Some(v) = patch.is_active {
        input.is_active = v;
    }
    if let Some(v) = patch.active_from {
        input.active_from = v;
    }
    if let Some(v) = patch.headers {
        let mut stored = std::mem::take(&mut input.headers);
        for (name, value) in v {
            let value = match value {
                Some(value) => value,
                None if moved => {
                    return Err(ApiError::field(
                        format!("headers.{name}"),
                        "needs its value again: the URL moved to another host",
                    ))
                }
                None => stored.remove(&name).ok_or_else(|| {
                    ApiError::field(format!("headers.{name}"), "needs a value: none is stored")
                })?,
            };
            input.headers.insert(name, value);
        }
    }
    if let Some(new) = patch.auth {
        input.auth = keep_secret(&input.auth, new);
    }
    if let Some(v) = patch.format {
        input.format = v;
    }
    if let Some(v) = patch.delay {
        input.delay = v;
    }
    if let Some(v) = patch.retry_count {
        input.retry_count = v;
    }
    if let Some(v) = patch.timeout_seconds {
        input.timeout_seconds = v;
    }
    if let Some(v) = patch.priority {
        input.priority = v;
    }
    if let Some(v) = patch.filter {
        input.filter = v;
    }
    Ok(input)
}

/// Whether two URLs name the same host and port; an unparsable one is another host.
fn same_host(a: &str, b: &str) -> bool {
    let origin = |u: &str| {
        reqwest::Url::parse(u.trim()).ok().and_then(|u| {
            Some((
                u.host_str()?.to_ascii_lowercase(),
                u.port_or_known_default(),
            ))
        })
    };
    matches!((origin(a), origin(b)), (Some(x), Some(y)) if x == y)
}

fn keep_secret(old: &Auth, new: Auth) -> Auth {
    if new.secret().is_some() || old.kind() != new.kind() {
        return new;
    }
    let kept = old.secret().map(str::to_string);
    match new {
        Auth::Bearer { .. } => Auth::Bearer { token: kept },
        Auth::Basic { username, .. } => Auth::Basic {
            username,
            password: kept,
        },
        Auth::ClientCredentials {
            client_id,
            token_url,
            ..
        } => Auth::ClientCredentials {
            client_id,
            client_secret: kept,
            token_url,
        },
        Auth::Header { name, .. } => Auth::Header { name, value: kept },
        other @ (Auth::None | Auth::Other { .. }) => other,
    }
}

/// A PATCH is a read-modify-write: the patch is merged onto the stored webhook and the
/// result checked, then written only if the webhook is still as read, in one transaction.
/// When it changed meanwhile (a 410 deactivated it, another edit landed) the patch is merged
/// again onto what is there now, so neither change is lost.
pub async fn update(
    State(state): State<AppState>,
    Path(id): Path<String>,
    JsonBody(patch): JsonBody<WebhookPatch>,
) -> Result<Response, ApiError> {
    let held = patch.held.unwrap_or(HeldChoice::Resume);
    for _ in 0..UPDATE_TRIES {
        let w = find(&state, id.clone()).await?;
        let before = w.to_input();
        let input = merge(before.clone(), patch.clone())?;
        validate::check(&input, &state.rules()).await?;
        let mut next = w.clone();
        next.apply_input(input);
        next.updated_at = state.engine.now_ms().max(w.updated_at);
        let saved = state
            .store
            .call(move |c| {
                let tx = c.transaction()?;
                match webhooks::get(&tx, Key::Seq(next.seq))? {
                    Some(current) if current.to_input() == before => {}
                    _ => return Ok::<_, crate::store::StoreError>(None),
                }
                webhooks::update_with(&tx, &next, held)?;
                let saved = webhooks::get(&tx, Key::Seq(next.seq))?;
                tx.commit()?;
                Ok(saved)
            })
            .await?;
        if let Some(w) = saved {
            return Ok(ok(render(&state, &w, false)));
        }
    }
    Err(ApiError::Conflict(
        "The webhook kept changing while this edit was applied; send it again.".into(),
    ))
}

pub async fn test_send(
    State(state): State<AppState>,
    Path(id): Path<String>,
    JsonBody(req): JsonBody<TestSend>,
) -> Result<Response, ApiError> {
    let w = find(&state, id).await?;
    let payload = state
        .catalogue
        .example(&req.event_type)
        .cloned()
        .ok_or_else(|| ApiError::field("event_type", "is not an event type of the catalogue"))?;
    let rx = state.engine.attempts();
    let d = state.engine.send_now(&w, &req.event_type, payload).await?;
    // Answer with the first attempt's result when it comes within the endpoint's timeout, so
    // the console can show it at once; otherwise the delivery is still pending.
    let limit = Duration::from_secs(u64::from(w.timeout_seconds) + 2);
    state.engine.wait_for_attempt(rx, &d.id, limit).await;
    let id = d.id.clone();
    let (d, attempts) = state
        .store
        .call(move |c| {
            let d = deliveries::get(c, &id)?;
            Ok::<_, ApiError>((d, deliveries::attempts(c, &id)?))
        })
        .await?;
    let d = d.ok_or_else(|| ApiError::internal("test delivery vanished"))?;
    Ok(reply(StatusCode::CREATED, d.to_api(now_ms(), attempts)))
}

/// Rotation is one statement on the stored row, so two rotations or a rotation and an edit
/// at once cannot lose a secret.
pub async fn rotate_secret(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let w = find(&state, id.clone()).await?;
    let now = state.engine.now_ms();
    let new = signature::new_secret();
    let rotated = state
        .store
        .call(move |c| webhooks::rotate(c, &w.id, &new, now, now + SECRET_GRACE_MS))
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("No webhook with id {id:?}.")))?;
    Ok(ok(RotatedSecret {
        secret: rotated.secret,
        previous_valid_until: crate::store::ts(rotated.previous_secret_until),
    }))
}

/// `GET /webhooks/{id}/stats` parameters.
#[derive(Deserialize)]
pub struct StatsQuery {
    #[serde(default = "StatsSpan::window")]
    window: StatsSpan,
    #[serde(default = "StatsSpan::bucket")]
    bucket: StatsSpan,
}

/// The most buckets one answer holds; a finer bucket is widened to fit.
const MAX_BUCKETS: i64 = 1000;

/// A stats window or bucket: 1 to 9999 minutes, hours or days (`30m`, `1h`, `7d`), kept as
/// written because the answer echoes it.
#[derive(Clone, Deserialize)]
#[serde(try_from = "String")]
pub(crate) struct StatsSpan {
    pub(crate) raw: String,
    minutes: i64,
}

impl StatsSpan {
    pub(crate) fn window() -> Self {
        StatsSpan::of_minutes(24 * 60)
    }

    fn bucket() -> Self {
        StatsSpan::of_minutes(60)
    }

    /// A span in the largest unit that holds it whole.
    fn of_minutes(minutes: i64) -> Self {
        let raw = if minutes % 1440 == 0 {
            format!("{}d", minutes / 1440)
        } else if minutes % 60 == 0 {
            format!("{}h", minutes / 60)
        } else {
            format!("{minutes}m")
        };
        StatsSpan { raw, minutes }
    }

    pub(crate) fn ms(&self) -> i64 {
        self.minutes * 60_000
    }
}

impl TryFrom<String> for StatsSpan {
    type Error = &'static str;

    fn try_from(raw: String) -> Result<Self, Self::Error> {
        const WHAT: &str = "must be 1 to 9999 minutes, hours or days, like 30m, 1h or 7d";
        let (n, per) = if let Some(n) = raw.strip_suffix('m') {
            (n, 1)
        } else if let Some(n) = raw.strip_suffix('h') {
            (n, 60)
        } else if let Some(n) = raw.strip_suffix('d') {
            (n, 1440)
        } else {
            return Err(WHAT);
        };
        let digits_only = !n.is_empty() && n.len() <= 4 && n.bytes().all(|b| b.is_ascii_digit());
        match n.parse::<i64>() {
            Ok(n) if digits_only && n >= 1 => Ok(StatsSpan {
                raw,
                minutes: n * per,
            }),
            _ => Err(WHAT),
        }
    }
}

pub async fn stats(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Params(query): Params<StatsQuery>,
) -> Result<Response, ApiError> {
    let w = find(&state, id).await?;
    let StatsQuery { window, bucket } = query;
    // Every window and bucket the document allows gets an answer: a bucket longer than the
    // window is the window, and one too fine for the window is widened to MAX_BUCKETS. The
    // answer says which bucket it used.
    let bucket = if bucket.minutes > window.minutes {
        window.clone()
    } else if bucket.minutes * MAX_BUCKETS < window.minutes {
        StatsSpan::of_minutes((window.minutes + MAX_BUCKETS - 1) / MAX_BUCKETS)
    } else {
        bucket
    };
    let (window, window_raw) = (window.ms(), window.raw);
    let (bucket, bucket_raw) = (bucket.ms(), bucket.raw);
    let count = ((window + bucket - 1) / bucket) as usize;
    // Buckets sit on multiples of their size, so the same bucket has the same start in every
    // request and a chart does not jitter between refreshes.
    let end = (now_ms() / bucket + 1) * bucket;
    let from = end - count as i64 * bucket;
    let rows = state
        .store
        .call(move |c| deliveries::stats(c, &w.id, from, bucket, count))
        .await?;
    Ok(ok(Stats {
        window: window_raw,
        bucket: bucket_raw,
        buckets: rows
            .into_iter()
            .map(|(start, succeeded, failed)| StatsBucket {
                start: Timestamp::from_unix_millis(start).unwrap_or_else(Timestamp::now),
                succeeded,
                failed,
            })
            .collect(),
    }))
}

/// Hostware's status query. An endpoint that does not say otherwise is "Active"/`success`;
/// one that cannot be reached is reported as such rather than as an API error, because the
/// answer is about the endpoint, not about this request.
pub async fn endpoint_status(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let w = find(&state, id).await?;
    let status = match state.engine.probe(&w, "status").await {
        Err(kind) => EndpointStatus {
            status_string: "Unreachable".into(),
            badge_color: "danger".into(),
            additional: Some(Value::String(kind)),
        },
        Ok((code, _)) if !(200..300).contains(&code) => EndpointStatus {
            status_string: format!("HTTP {code}"),
            badge_color: "warning".into(),
            additional: None,
        },
        Ok((_, body)) => {
            let mut s = EndpointStatus::default();
            if let Some(b) = body {
                if let Some(t) = b.get("statusString").and_then(Value::as_str) {
                    s.status_string = t.to_string();
                }
                if let Some(c) = b.get("badgeColor").and_then(Value::as_str) {
                    s.badge_color = c.to_string();
                }
                // hostware's "additional data in array format": kept as the JSON it is.
                s.additional = b.get("additional").filter(|a| !a.is_null()).cloned();
            }
            s
        }
    };
    Ok(ok(status))
}

/// Hostware's overview query: the endpoint's `html`, passed on untouched (the console
/// sanitises it).
pub async fn endpoint_overview(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let w = find(&state, id).await?;
    match state.engine.probe(&w, "overview").await {
        Err(kind) => Err(ApiError::BadGateway(format!(
            "The endpoint could not be reached ({kind})."
        ))),
        Ok((code, body)) => {
            if !(200..300).contains(&code) {
                return Err(ApiError::BadGateway(format!(
                    "The endpoint answered HTTP {code}."
                )));
            }
            let html = body
                .as_ref()
                .and_then(|b| b.get("html"))
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string();
            Ok(ok(EndpointOverview { html }))
        }
    }
}
