//! CORS for consoles served from another origin that call this server's API directly, and the
//! checks on the origins the operator names (CORS and the console's CSP `connect-src`).
//!
//! Only paths under `/api` take part, and only for the configured origins: a request from any
//! other origin (or none) gets no `Access-Control-*` header at all, so a preflight from it
//! falls through to the API and fails there. The list is exact, never a wildcard, because the
//! requests carry credentials in `Authorization` / `X-AUTH-TOKEN`.

use axum::extract::{Request, State};
use axum::http::{header, HeaderName, HeaderValue, Method};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::Router;
use reqwest::Url;
use std::sync::Arc;
use std::time::Duration;
use tower::{Layer, ServiceExt};
use tower_http::cors::{AllowOrigin, CorsLayer};

/// `scheme://host[:port]` as browsers send it in `Origin` (lower case, default port left out),
/// or why `raw` is not an origin.
pub fn origin(raw: &str) -> Result<String, String> {
    let url = Url::parse(raw.trim()).map_err(|e| format!("{raw:?} is not an origin: {e}"))?;
    let serialized = url.origin().ascii_serialization();
    let bare = url.path() == "/"
        && url.query().is_none()
        && url.fragment().is_none()
        && url.username().is_empty()
        && url.password().is_none();
    if !matches!(url.scheme(), "http" | "https") || serialized == "null" || !bare {
        return Err(format!(
            "{raw:?} is not an origin like https://console.example (scheme, host and port only)"
        ));
    }
    Ok(serialized)
}

/// Checks the CORS origins and the CSP `connect-src` sources of the configuration.
pub fn check(cors_origins: &[String], connect_src: &[String]) -> Result<(), String> {
    for raw in cors_origins {
        origin(raw)?;
    }
    for source in connect_src {
        // A space, `;` or `,` would end the source list and let a value write other
        // directives into the console's CSP.
        let bad = source.is_empty()
            || source
                .bytes()
                .any(|b| b.is_ascii_whitespace() || b.is_ascii_control() || b == b';' || b == b',');
        if bad {
            return Err(format!(
                "{source:?} is not a CSP source like https://api.vendor.example"
            ));
        }
    }
    Ok(())
}

struct Cors {
    origins: Vec<HeaderValue>,
    layer: CorsLayer,
}

/// `app` with CORS on its `/api` paths for `origins`; `app` unchanged when there are none.
/// Origins that are not origins (see [`check`]) are left out.
pub fn apply<S: Clone + Send + Sync + 'static>(app: Router<S>, origins: &[String]) -> Router<S> {
    let origins: Vec<HeaderValue> = origins
        .iter()
        .filter_map(|raw| origin(raw).ok())
        .filter_map(|o| HeaderValue::from_str(&o).ok())
        .collect();
    if origins.is_empty() {
        return app;
    }
    let layer = CorsLayer::new()
        .allow_origin(AllowOrigin::list(origins.clone()))
        .allow_methods([
            Method::GET,
            Method::POST,
            Method::PUT,
            Method::PATCH,
            Method::DELETE,
            Method::OPTIONS,
        ])
        .allow_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            header::ACCEPT,
            HeaderName::from_static("x-auth-token"),
            HeaderName::from_static("idempotency-key"),
        ])
        .expose_headers([header::RETRY_AFTER, header::CONTENT_TYPE])
        .max_age(Duration::from_secs(600));
    let cors = Arc::new(Cors { origins, layer });
    app.layer(middleware::from_fn_with_state(cors, api_only))
}

async fn api_only(State(cors): State<Arc<Cors>>, req: Request, next: Next) -> Response {
    let path = req.uri().path();
    if !(path == "/api" || path.starts_with("/api/")) {
        return next.run(req).await;
    }
    let allowed = req
        .headers()
        .get(header::ORIGIN)
        .is_some_and(|o| cors.origins.contains(o));
    if !allowed {
        let mut res = next.run(req).await;
        // The answer differs by origin, so a cache must not hand this one to an allowed one.
        res.headers_mut()
            .append(header::VARY, HeaderValue::from_static("origin"));
        return res;
    }
    match cors.layer.layer(next).oneshot(req).await {
        Ok(res) => res,
        Err(never) => match never {},
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_normalised_or_refused() {
        assert_eq!(
            origin("https://Console.Example").unwrap(),
            "https://console.example"
        );
        assert_eq!(
            origin("https://console.example:443/").unwrap(),
            "https://console.example"
        );
        assert_eq!(
            origin("http://localhost:8081").unwrap(),
            "http://localhost:8081"
        );
        for bad in [
            "*",
            "console.example",
            "https://console.example/app",
            "https://console.example/?a",
            "file:///tmp/x",
            "https://u:p@console.example",
        ] {
            assert!(origin(bad).is_err(), "{bad} was accepted");
        }
    }

    #[test]
    fn connect_sources_cannot_write_directives() {
        assert!(check(&[], &["https://api.vendor.example".into()]).is_ok());
        assert!(check(&[], &["https://*.vendor.example".into()]).is_ok());
        assert!(check(&[], &["https://a.example; script-src *".into()]).is_err());
        assert!(check(&[], &["https://a.example https://b.example".into()]).is_err());
        assert!(check(&[], &["".into()]).is_err());
    }
}
