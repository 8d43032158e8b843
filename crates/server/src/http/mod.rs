//! The axum application: shared state, router assembly, middleware and body extraction.

pub mod cors;
pub mod deliveries;
pub mod events;
pub mod health;
pub mod meta;
pub mod query;
pub mod replays;
pub mod routes;
pub mod static_files;
pub mod tail;
pub mod throttle;
pub mod upstream;
pub mod vendor;
pub mod webhooks;

use crate::catalogue::Catalogue;
use crate::engine::Engine;
use crate::error::ApiError;
use crate::ids::{new_id, request_id, with_request_id};
use crate::store::Store;
use crate::validate::{self, Rules};
use crate::{Config, Profile};
use axum::body::Bytes;
use axum::extract::{ConnectInfo, FromRequest, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::Router;
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::net::SocketAddr;
use std::sync::Arc;
use switchboard_api::{DestinationType, Envelope, FieldError};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::timeout::RequestBodyTimeoutLayer;

#[derive(Clone)]
pub struct AppState {
    pub config: Arc<Config>,
    pub store: Store,
    pub catalogue: Arc<Catalogue>,
    pub engine: Engine,
    /// Serialises creates that carry an `Idempotency-Key`, so two racing requests with the
    /// same key cannot both insert.
    pub idempotency: Arc<tokio::sync::Mutex<()>>,
    /// The destination types this profile accepts.
    pub types: Arc<Vec<DestinationType>>,
    /// Failed token checks per client, shared by every API this server speaks.
    pub auth_throttle: Arc<throttle::AuthThrottle>,
}

impl AppState {
    pub fn new(config: Config, store: Store, catalogue: Arc<Catalogue>, engine: Engine) -> Self {
        AppState {
            store,
            catalogue,
            engine,
            idempotency: Arc::new(tokio::sync::Mutex::new(())),
            types: Arc::new(crate::types::for_profile(config.profile)),
            auth_throttle: Arc::new(throttle::AuthThrottle::new(
                config.auth_failure_limit,
                config.auth_failure_window,
            )),
            config: Arc::new(config),
        }
    }

    pub fn profile(&self) -> Profile {
        self.config.profile
    }

    /// Whether a request whose credentials were `authorized` or not may go on, counting a
    /// failure against its client.
    pub fn admit(&self, req: &Request, authorized: bool) -> throttle::Admission {
        let client = req
            .extensions()
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip());
        self.auth_throttle.admit(client, authorized)
    }

    /// How this profile validates webhook input.
    pub fn rules(&self) -> Rules<'_> {
        Rules {
            catalogue: &self.catalogue,
            allow_private_targets: self.config.allow_private_targets,
            host_overrides: self.engine.host_overrides(),
            schemes: validate::schemes(self.profile()),
            types: &self.types,
        }
    }
}

/// The whole application: `/api/v1` behind the bearer check, the demo receivers, the
/// forwarding to configured upstreams, the console; CORS on `/api` for configured origins.
pub fn router(state: AppState) -> Router {
    let mut api = Router::new();
    for (spec, handler) in routes::entries(state.profile()) {
        api = api.route(spec.path, handler);
    }
    if state.config.panic_route_for_tests {
        api = api.route("/_test/panic", axum::routing::get(panic_on_purpose));
    }
    let api = api
        .fallback(|| async { ApiError::NotFound("No such API route.".into()) })
        .method_not_allowed_fallback(|| async { ApiError::MethodNotAllowed })
        .layer(middleware::from_fn_with_state(state.clone(), require_token))
        .layer(middleware::from_fn(problems_only));

    // A vendor profile speaks its vendor's API instead, and answers the rest of `/api` in
    // that vendor's shape.
    let mut app = vendor::router(&state).unwrap_or_else(|| {
        Router::new()
            .nest(switchboard_api::API_PREFIX, api)
            .route("/api", axum::routing::any(api_not_found))
            .route("/api/{*rest}", axum::routing::any(api_not_found))
    });
    if state.config.demo {
        app = app.nest("/demo", crate::demo::receiver_routes());
    }
    let app = app
        .merge(upstream::router(&state.config))
        .fallback_service(static_files::service(&state.config))
        .layer(CatchPanicLayer::custom(panic_response))
        .layer(middleware::from_fn_with_state(
            state.config.handler_timeout,
            handler_timeout,
        ))
        .layer(RequestBodyTimeoutLayer::new(
            state.config.request_body_timeout,
        ));
    let app = cors::apply(app, &state.config.cors_origins);
    app.layer(middleware::from_fn(no_store_on_api))
        .layer(middleware::from_fn(assign_request_id))
        .with_state(state)
}

/// Ends a request that has not started its answer within [`Config::handler_timeout`] with a
/// 503 problem. tower-http's `TimeoutLayer` would do the cut-off but answers with an empty
/// body, and every API error here is problem+json carrying the request id.
async fn handler_timeout(
    State(limit): State<std::time::Duration>,
    req: Request,
    next: Next,
) -> Response {
    match tokio::time::timeout(limit, next.run(req)).await {
        Ok(res) => res,
        Err(_) => ApiError::Timeout(format!(
            "The request took longer than the {} s this server gives one request.",
            limit.as_secs_f64()
        ))
        .into_response(),
    }
}

/// The route of [`Config::panic_route_for_tests`].
async fn panic_on_purpose() -> StatusCode {
    panic!("the test route panics on purpose")
}

/// A handler that panicked: its request is a 500 problem with the request id, and only that
/// request is lost (the layer runs inside the request id's scope).
fn panic_response(panic: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let what = crate::panic_message(panic.as_ref());
    ApiError::Internal(format!("handler panicked: {what}")).into_response()
}

/// Whether `Authorization` carries `Bearer <token>` for exactly this token (compared in
/// constant time).
pub fn bearer_matches(headers: &axum::http::HeaderMap, token: &str) -> bool {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .is_some_and(|(_, t)| constant_time_eq(t.trim().as_bytes(), token.as_bytes()))
}

/// API answers carry webhook secrets, signing keys and payloads, and a 401 or 429 differs by
/// credential: no browser or proxy cache may keep any of them. The console's static files are
/// not under `/api` and keep their own caching.
async fn no_store_on_api(req: Request, next: Next) -> Response {
    let path = req.uri().path();
    let api = path == "/api" || path.starts_with("/api/");
    let mut res = next.run(req).await;
    if api {
        res.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    res
}

async fn api_not_found() -> ApiError {
    ApiError::NotFound("No such API route.".into())
}

/// axum's own rejections (a query it cannot decode, a body over the size limit) are plain
/// text; every API error must be problem+json, so they are rewritten here.
async fn problems_only(req: Request, next: Next) -> Response {
    let res = next.run(req).await;
    let status = res.status();
    let is_problem = res
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/problem+json"));
    if !(status.is_client_error() || status.is_server_error()) || is_problem {
        return res;
    }
    let (parts, body) = res.into_parts();
    let detail = axum::body::to_bytes(body, 4096)
        .await
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default();
    let problem = switchboard_api::Problem {
        kind: "about:blank".into(),
        title: parts
            .status
            .canonical_reason()
            .unwrap_or("Error")
            .to_string(),
        status: parts.status.as_u16(),
        detail: (!detail.is_empty()).then_some(detail),
        request_id: Some(request_id()),
        errors: Vec::new(),
    };
    let mut res = (
        parts.status,
        serde_json::to_vec(&problem).unwrap_or_default(),
    )
        .into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(switchboard_api::Problem::CONTENT_TYPE),
    );
    res
}

/// Gives every request an id, visible to handlers and in the `x-request-id` header.
async fn assign_request_id(req: Request, next: Next) -> Response {
    let id = new_id("req");
    let method = req.method().clone();
    // The path only: queries are not secret today, but need not be in a log either.
    let path = req.uri().path().to_string();
    let started = std::time::Instant::now();
    let mut res = with_request_id(id.clone(), next.run(req)).await;
    let status = res.status().as_u16();
    let ms = started.elapsed().as_millis();
    // The demo receivers fail on purpose; only the API's own failures are worth a warning.
    if status >= 500 && !path.starts_with("/demo/") {
        tracing::warn!(request_id = %id, %method, %path, status, ms, "request failed");
    } else {
        tracing::debug!(request_id = %id, %method, %path, status, ms, "request");
    }
    if let Ok(v) = HeaderValue::from_str(&id) {
        res.headers_mut().insert("x-request-id", v);
    }
    res
}

async fn require_token(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let authorized = bearer_matches(req.headers(), &state.config.token);
    match state.admit(&req, authorized) {
        throttle::Admission::Pass => next.run(req).await,
        throttle::Admission::Refused => ApiError::Unauthorized.into_response(),
        throttle::Admission::ShutOut(secs) => ApiError::TooManyRequests(secs).into_response(),
    }
}

/// Compares without an early exit so response timing does not leak how much of a guessed
/// token was right (`subtle`, the comparison the RustCrypto crates use).
pub(crate) fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    use subtle::ConstantTimeEq;
    a.ct_eq(b).into()
}

/// A JSON body whose every failure is a problem: not JSON at all is 400, JSON of the wrong
/// shape (unknown member, wrong type, missing member) is 422 naming the member.
pub struct JsonBody<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = Bytes::from_request(req, state).await.map_err(|e| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::TooLarge
            } else {
                ApiError::MalformedJson(e.body_text())
            }
        })?;
        parse_object(&bytes).map(JsonBody)
    }
}

/// [`parse_json`] for a body the API documents as an object: serde would also fill a struct
/// from an array, member by member in declaration order, so `[null]` would pass as a PATCH.
pub fn parse_object<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let parsed = parse_json(bytes);
    if !matches!(parsed, Err(ApiError::MalformedJson(_))) && !starts_an_object(bytes) {
        return Err(ApiError::field("", "the body must be a JSON object"));
    }
    parsed
}

pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    if let Err(e) = serde_json::from_slice::<serde::de::IgnoredAny>(bytes) {
        return Err(ApiError::MalformedJson(format!(
            "The body is not valid JSON: {e}"
        )));
    }
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let path = if path == "." { String::new() } else { path };
        let raw = shape_message(&e.inner().to_string());
        // serde names the member in the message, not in the path, for these two.
        let named = |prefix: &str| {
            raw.strip_prefix(prefix)
                .and_then(|rest| rest.split('`').next())
                .map(|m| {
                    if path.is_empty() {
                        m.to_string()
                    } else {
                        format!("{path}.{m}")
                    }
                })
        };
        let (field, message) = if let Some(f) = named("missing field `") {
            (f, "is required".to_string())
        } else if let Some(f) = named("unknown field `") {
            // Here the path already ends with the unknown member.
            let field = if path.is_empty() { f } else { path };
            (field, "is not a member of this request".to_string())
        } else {
            (path, raw)
        };
        ApiError::Validation(vec![FieldError::new(field, message)])
    })
}

/// Whether valid JSON `bytes` hold an object (the first byte past whitespace opens one).
fn starts_an_object(bytes: &[u8]) -> bool {
    bytes
        .iter()
        .find(|b| !b.is_ascii_whitespace())
        .is_some_and(|b| *b == b'{')
}

/// serde's messages end with " at line 1 column 9", which means nothing in a form.
fn shape_message(raw: &str) -> String {
    match raw.rfind(" at line ") {
        Some(i) => raw[..i].to_string(),
        None => raw.to_string(),
    }
}

/// A success response: `{data, meta: {request_id}}` with the given status.
pub fn reply<T: Serialize>(status: StatusCode, data: T) -> Response {
    (status, axum::Json(Envelope::new(data, request_id()))).into_response()
}

pub fn ok<T: Serialize>(data: T) -> Response {
    reply(StatusCode::OK, data)
}

/// A list page: `meta.next_cursor` is always present, null on the last page.
pub fn page<T: Serialize>(items: Vec<T>, next_cursor: Option<String>) -> Response {
    #[derive(Serialize)]
    struct PageMeta {
        request_id: String,
        next_cursor: Option<String>,
    }
    #[derive(Serialize)]
    struct Page<T> {
        data: Vec<T>,
        meta: PageMeta,
    }
    axum::Json(Page {
        data: items,
        meta: PageMeta {
            request_id: request_id(),
            next_cursor,
        },
    })
    .into_response()
}

/// The request's `Idempotency-Key`, if it has a non-empty one.
pub fn idempotency_key(headers: &axum::http::HeaderMap) -> Result<Option<String>, ApiError> {
    let key = headers
        .get("idempotency-key")
        .map(|v| v.to_str().map(|s| s.trim().to_string()))
        .transpose()
        .map_err(|_| ApiError::field("Idempotency-Key", "must be visible ASCII"))?
        .filter(|k| !k.is_empty());
    if key.as_ref().is_some_and(|k| k.len() > 255) {
        return Err(ApiError::field(
            "Idempotency-Key",
            "must be at most 255 characters",
        ));
    }
    Ok(key)
}

/// What tells two requests under one idempotency key apart: a hash of the parsed body, so the
/// same body in another member order or spacing is still the same request.
pub fn body_hash(body: &serde_json::Value) -> String {
    use sha2::{Digest, Sha256};
    format!("{:x}", Sha256::digest(body.to_string().as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::constant_time_eq;

    #[test]
    fn tokens_compare_equal_only_when_every_byte_is() {
        assert!(constant_time_eq(b"secret-token", b"secret-token"));
        assert!(!constant_time_eq(b"secret-token", b"secret-tokeN"));
        assert!(!constant_time_eq(b"secret-token", b"secret"));
        assert!(!constant_time_eq(b"", b"x"));
    }
}
