//! The vendor profiles: each serves one vendor's documented webhook API (`api/dialects.md`)
//! over the same store, validation and delivery engine as Switchboard's own API.
//!
//! A vendor module only translates: its JSON to a [`WebhookInput`] and a stored webhook back
//! to its JSON, its member names in field errors, its ids, times and error bodies. What a
//! webhook may be is decided once, by [`validate::check`].

pub mod apiplatform;
pub mod outputrocks;
pub mod shoprenter;

use super::throttle::Admission;
use super::AppState;
use crate::engine::signature;
use crate::error::ApiError;
use crate::ids::now_ms;
use crate::store::webhooks::{self, Key, StoredWebhook};
use crate::validate;
use crate::Profile;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::Router;
use std::marker::PhantomData;
use switchboard_api::{FieldError, WebhookInput};

/// One vendor's API: where it lives, how a request proves itself, how an error looks.
pub trait Vendor: Send + Sync + 'static {
    /// Base path on this server.
    const BASE: &'static str;
    /// The routes below [`Vendor::BASE`].
    fn routes() -> Router<AppState>;
    /// Whether the request carries the server token the way this vendor sends credentials.
    fn authorized(headers: &HeaderMap, token: &str) -> bool;
    /// An error in this vendor's shape.
    fn error(e: &ApiError) -> Response;
}

/// An [`ApiError`] that answers in the shape of vendor `V`, so handlers can use `?` on the
/// shared store and validation.
pub struct VendorError<V>(pub ApiError, PhantomData<V>);

impl<V> From<ApiError> for VendorError<V> {
    fn from(e: ApiError) -> Self {
        VendorError(e, PhantomData)
    }
}

impl<V: Vendor> IntoResponse for VendorError<V> {
    fn into_response(self) -> Response {
        if let ApiError::Internal(detail) = &self.0 {
            tracing::error!("internal error: {detail}");
        }
        V::error(&self.0)
    }
}

/// The API of a vendor profile with everything else under `/api` answered as a 404 in the
/// vendor's shape; `None` for Switchboard's own profiles.
pub fn router(state: &AppState) -> Option<Router<AppState>> {
    Some(match state.profile() {
        Profile::Shoprenter => mount::<shoprenter::Shoprenter>(state),
        Profile::Outputrocks => mount::<outputrocks::Outputrocks>(state),
        Profile::Apiplatform => mount::<apiplatform::Apiplatform>(state),
        Profile::Full | Profile::Core | Profile::Plandocket => return None,
    })
}

fn not_found() -> ApiError {
    ApiError::NotFound("No such API route.".into())
}

fn mount<V: Vendor>(state: &AppState) -> Router<AppState> {
    let api = V::routes()
        .fallback(|| async { VendorError::<V>::from(not_found()) })
        .method_not_allowed_fallback(|| async {
            VendorError::<V>::from(ApiError::MethodNotAllowed)
        })
        .layer(middleware::from_fn_with_state(state.clone(), require::<V>))
        .layer(middleware::from_fn(reshape::<V>));
    let app = Router::new().nest(V::BASE, api);
    if V::BASE == "/api" {
        return app;
    }
    let missing = || async { VendorError::<V>::from(not_found()) };
    app.route("/api", axum::routing::any(missing))
        .route("/api/{*rest}", axum::routing::any(missing))
}

async fn require<V: Vendor>(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let authorized = V::authorized(req.headers(), &state.config.token);
    match state.admit(&req, authorized) {
        Admission::Pass => next.run(req).await,
        Admission::Refused => V::error(&ApiError::Unauthorized),
        Admission::ShutOut(secs) => {
            let mut res = V::error(&ApiError::TooManyRequests(secs));
            // The vendor's error shape has no place for it; the header is what clients read.
            res.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
            res
        }
    }
}

/// axum's own rejections (a body over the size limit) are plain text; here they take the
/// vendor's shape like every other error.
async fn reshape<V: Vendor>(req: Request, next: Next) -> Response {
    let res = next.run(req).await;
    let status = res.status();
    let plain = res
        .headers()
        .get(header::CONTENT_TYPE)
        .is_none_or(|v| v.as_bytes().starts_with(b"text/plain"));
    if !(status.is_client_error() || status.is_server_error()) || !plain {
        return res;
    }
    let detail = axum::body::to_bytes(res.into_body(), 4096)
        .await
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default();
    V::error(&match status {
        StatusCode::PAYLOAD_TOO_LARGE => ApiError::TooLarge,
        StatusCode::NOT_FOUND => ApiError::NotFound(detail),
        StatusCode::METHOD_NOT_ALLOWED => ApiError::MethodNotAllowed,
        StatusCode::UNSUPPORTED_MEDIA_TYPE => ApiError::UnsupportedMediaType(detail),
        s if s.is_client_error() => ApiError::MalformedJson(detail),
        _ => ApiError::Internal(detail),
    })
}

/// Checks a complete input as this profile does. `found` holds what the vendor's own reading
/// already found wrong (named the vendor's way); the shared checks' errors follow, renamed by
/// `rename`, except for members already named.
pub async fn check(
    state: &AppState,
    input: &WebhookInput,
    mut found: Vec<FieldError>,
    rename: impl Fn(&str) -> String,
) -> Result<(), ApiError> {
    if let Err(e) = validate::check(input, &state.rules()).await {
        let ApiError::Validation(errors) = e else {
            return Err(e);
        };
        for mut e in errors {
            e.field = rename(&e.field);
            // A member already reported covers what lies within it.
            let covered = found.iter().any(|f| {
                e.field == f.field
                    || e.field.starts_with(&format!("{}.", f.field))
                    || e.field.starts_with(&format!("{}[", f.field))
            });
            if !covered {
                found.push(e);
            }
        }
    }
    if found.is_empty() {
        Ok(())
    } else {
        Err(ApiError::Validation(found))
    }
}

/// Stores a new webhook from a checked input.
pub async fn insert(
    state: &AppState,
    id: String,
    input: WebhookInput,
    by: Option<String>,
) -> Result<StoredWebhook, ApiError> {
    let mut w = StoredWebhook::from_input(id, input, signature::new_secret(), now_ms(), by);
    let row = w.clone();
    w.seq = state.store.call(move |c| webhooks::insert(c, &row)).await?;
    Ok(w)
}

/// Writes a checked input over a stored webhook.
pub async fn save(
    state: &AppState,
    mut w: StoredWebhook,
    input: WebhookInput,
    by: Option<String>,
) -> Result<StoredWebhook, ApiError> {
    w.apply_input(input);
    w.updated_at = now_ms().max(w.updated_at);
    if by.is_some() {
        w.updated_by = by;
    }
    let row = w.clone();
    state.store.call(move |c| webhooks::update(c, &row)).await?;
    Ok(w)
}

/// The webhook a vendor id names, or 404.
pub async fn find(state: &AppState, key: OwnedKey) -> Result<StoredWebhook, ApiError> {
    state
        .store
        .call(move |c| match &key {
            OwnedKey::Id(id) => webhooks::get(c, Key::Id(id)),
            OwnedKey::Seq(seq) => webhooks::get(c, Key::Seq(*seq)),
        })
        .await?
        .ok_or_else(|| ApiError::NotFound("No webhook with this id.".into()))
}

/// [`Key`] that can move into the store's thread.
pub enum OwnedKey {
    Id(String),
    Seq(i64),
}

/// One page by offset, oldest first, and the number of webhooks in all.
pub async fn page(
    state: &AppState,
    kinds: webhooks::Kinds,
    offset: u64,
    limit: u32,
) -> Result<(Vec<StoredWebhook>, u64), ApiError> {
    state
        .store
        .call(move |c| webhooks::page(c, kinds, offset, limit))
        .await
        .map_err(ApiError::from)
}

/// A stored time (Unix milliseconds) in UTC as `format` writes it.
pub fn utc(ms: i64, format: &[time::format_description::BorrowedFormatItem<'_>]) -> String {
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .ok()
        .and_then(|t| t.format(format).ok())
        .unwrap_or_default()
}

/// `scheme://host` of the request, for vendors whose links are absolute.
pub fn origin(headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("localhost");
    let scheme = headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .filter(|p| *p == "https")
        .unwrap_or("http");
    format!("{scheme}://{host}")
}

/// A JSON response with the given status and media type.
pub fn json(status: StatusCode, content_type: &'static str, body: &serde_json::Value) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, content_type)],
        serde_json::to_vec(body).unwrap_or_default(),
    )
        .into_response()
}
