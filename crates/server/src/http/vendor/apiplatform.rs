//! The API platform's notification webhooks (`--profile apiplatform`):
//! `/api/notifications/v1/webhooks` behind a bearer token, UUIDs, a target URL with basic,
//! client-credential or no auth, deactivation, RFC 9457 errors with `invalid-params`.

use super::{check, find, insert, json, page, save, utc, OwnedKey, Vendor, VendorError};
use crate::error::ApiError;
use crate::http::{parse_json, AppState};
use crate::store::webhooks::Kinds;
use crate::store::webhooks::StoredWebhook;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::de::IgnoredAny;
use serde::Deserialize;
use serde_json::{json, Value};
use switchboard_api::{Auth, FieldError, WebhookInput, HTTP_TYPE};
use time::macros::format_description;

pub struct Apiplatform;

type Error = VendorError<Apiplatform>;

/// The platform's one notification: a purchase's delivery is complete.
pub const EVENT: &str = "delivery.completed";
const CONTENT_TYPE: &str = "application/json";
const PROBLEM: &str = "application/problem+json";

impl Vendor for Apiplatform {
    const BASE: &'static str = "/api/notifications/v1";

    fn routes() -> Router<AppState> {
        Router::new()
            .route("/webhooks", get(list).post(create))
            .route("/webhooks/{id}", get(show).delete(remove))
            .route("/webhooks/{id}/deactivate", post(deactivate))
    }

    fn authorized(headers: &HeaderMap, token: &str) -> bool {
        crate::http::bearer_matches(headers, token)
    }

    /// RFC 9457 problem details; bad members are a 400 listed in `invalid-params`, as in the
    /// RFC's own example.
    fn error(e: &ApiError) -> Response {
        let problem = e.to_problem();
        let mut res = match e {
            ApiError::Validation(errors) => json(
                StatusCode::BAD_REQUEST,
                PROBLEM,
                &json!({
                    "type": "about:blank",
                    "title": "Your request parameters didn't validate.",
                    "status": 400,
                    "detail": problem.detail,
                    "invalid-params": errors
                        .iter()
                        .map(|f| json!({"name": f.field, "reason": f.message}))
                        .collect::<Vec<_>>(),
                }),
            ),
            other => json(
                other.status(),
                PROBLEM,
                &json!({
                    "type": "about:blank",
                    "title": problem.title,
                    "status": problem.status,
                    "detail": problem.detail,
                }),
            ),
        };
        if e == &ApiError::Unauthorized {
            res.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"switchboard\""),
            );
        }
        res
    }
}

/// The registerWebhook body. The read-only members of a record may come back and are passed
/// over; any other member is an error.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Registration {
    #[serde(default, rename = "targetURL")]
    target_url: Option<String>,
    #[serde(default)]
    auth: Option<AuthBody>,
    #[serde(default, rename = "id")]
    _id: Option<IgnoredAny>,
    #[serde(default, rename = "createdAt")]
    _created_at: Option<IgnoredAny>,
    #[serde(default, rename = "updatedAt")]
    _updated_at: Option<IgnoredAny>,
    #[serde(default, rename = "status")]
    _status: Option<IgnoredAny>,
}

#[derive(Deserialize)]
#[serde(tag = "type", deny_unknown_fields)]
enum AuthBody {
    #[serde(rename = "basic")]
    Basic {
        #[serde(default)]
        username: String,
        #[serde(default)]
        password: Option<String>,
    },
    #[serde(rename = "client_credential")]
    ClientCredential {
        #[serde(default, rename = "clientID")]
        client_id: String,
        #[serde(default, rename = "clientSecret")]
        client_secret: Option<String>,
        #[serde(default, rename = "tokenURL")]
        token_url: String,
    },
    #[serde(rename = "noauth")]
    NoAuth,
}

impl From<AuthBody> for Auth {
    fn from(a: AuthBody) -> Auth {
        match a {
            AuthBody::Basic { username, password } => Auth::Basic { username, password },
            AuthBody::ClientCredential {
                client_id,
                client_secret,
                token_url,
            } => Auth::ClientCredentials {
                client_id,
                client_secret,
                token_url,
            },
            AuthBody::NoAuth => Auth::None,
        }
    }
}

/// A stored auth as the record shows it: the type and its non-secret members.
fn auth_of(a: &Auth) -> Value {
    match a {
        Auth::None => json!({"type": "noauth"}),
        Auth::Basic { username, .. } => json!({"type": "basic", "username": username}),
        Auth::ClientCredentials {
            client_id,
            token_url,
            ..
        } => json!({"type": "client_credential", "clientID": client_id, "tokenURL": token_url}),
        // Set through another profile; the platform has no name for it.
        other => json!({"type": other.kind()}),
    }
}

/// Switchboard's member names in field errors as the platform's.
fn rename(field: &str) -> String {
    match field {
        "url" | "name" => "targetURL",
        "auth.client_id" => "auth.clientID",
        "auth.client_secret" => "auth.clientSecret",
        "auth.token_url" => "auth.tokenURL",
        other => other,
    }
    .to_string()
}

/// A webhook as a registration record.
fn record(w: &StoredWebhook) -> Value {
    let stamp = format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");
    json!({
        "id": w.id,
        "createdAt": utc(w.created_at, stamp),
        "updatedAt": utc(w.updated_at, stamp),
        "targetURL": w.url,
        "auth": auth_of(&w.auth),
        "status": if w.is_active { "active" } else { "deactivated" },
    })
}

fn ok(status: StatusCode, body: &Value) -> Response {
    json(status, CONTENT_TYPE, body)
}

async fn list(State(state): State<AppState>) -> Result<Response, Error> {
    let mut all = Vec::new();
    let mut offset = 0;
    loop {
        let (rows, total) = page(&state, Kinds::Only(HTTP_TYPE), offset, 200).await?;
        offset += rows.len() as u64;
        all.extend(rows.iter().map(record));
        if rows.is_empty() || offset >= total {
            break;
        }
    }
    Ok(ok(StatusCode::OK, &Value::Array(all)))
}

async fn show(State(state): State<AppState>, Path(id): Path<String>) -> Result<Response, Error> {
    let w = find(&state, OwnedKey::Id(id)).await?;
    Ok(ok(StatusCode::OK, &record(&w)))
}

/// registerWebhook: `200` with the record. The webhook's name is the target's host, and it
/// subscribes to the platform's one event.
async fn create(State(state): State<AppState>, body: Bytes) -> Result<Response, Error> {
    let body: Registration = parse_json(&body)?;
    let mut found = Vec::new();
    let url = body.target_url.unwrap_or_default();
    if url.trim().is_empty() {
        found.push(FieldError::new("targetURL", "is required"));
    }
    let name = reqwest::Url::parse(url.trim())
        .ok()
        .and_then(|u| u.host_str().map(str::to_owned))
        .unwrap_or_else(|| "Webhook".into());
    let input = WebhookInput {
        name,
        url,
        events: vec![EVENT.into()],
        auth: body.auth.map(Auth::from).unwrap_or_default(),
        ..WebhookInput::default()
    };
    check(&state, &input, found, rename).await?;
    let w = insert(&state, uuid::Uuid::new_v4().to_string(), input, None).await?;
    Ok(ok(StatusCode::OK, &record(&w)))
}

/// "deactivate webhook": no more notifications; the record stays.
async fn deactivate(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, Error> {
    let w = find(&state, OwnedKey::Id(id)).await?;
    let mut input = w.to_input();
    input.is_active = false;
    let w = save(&state, w, input, None).await?;
    Ok(ok(StatusCode::OK, &record(&w)))
}

async fn remove(State(state): State<AppState>, Path(id): Path<String>) -> Result<Response, Error> {
    let w = find(&state, OwnedKey::Id(id)).await?;
    crate::http::webhooks::delete(&state, w).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
