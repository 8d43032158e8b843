//! Forwarding `/upstream/{name}/…` to a vendor API the operator configured, for consoles whose
//! vendor sends no CORS headers.
//!
//! This is configuration, not an open proxy: only configured names are served, the target is
//! always the configured origin and path prefix (dot segments, encoded slashes and empty
//! segments in the forwarded path are refused), redirects are never followed (a 3xx that
//! redirects becomes a 502 problem naming where it pointed, so the browser is never sent to
//! the vendor's origin behind the console's back), bodies are capped both ways and the whole
//! exchange has a deadline. Only the headers a webhook API needs pass, in and out; the
//! vendor's own credentials travel in them, so they are marked sensitive and never logged.
//!
//! The server's bearer token is not asked for here (the vendor's own auth header is what the
//! vendor checks), and the delivery engine's private-address guard does not apply: the
//! target is the operator's own configuration, resolved by ordinary DNS.

use crate::ids::request_id;
use crate::Config;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use axum::Router;
use reqwest::Url;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

/// The largest body forwarded, in either direction.
pub const BODY_LIMIT: usize = 4 * 1024 * 1024;

/// How long an upstream exchange may take when the configuration does not say.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// Request headers a webhook API needs; nothing else (cookies, the console's own headers)
/// leaves the server.
const REQUEST_HEADERS: [&str; 6] = [
    "accept",
    "content-type",
    "authorization",
    "x-auth-token",
    "idempotency-key",
    "if-match",
];

/// Credentials among [`REQUEST_HEADERS`]: marked sensitive so no `Debug` output shows them.
const SECRET_HEADERS: [&str; 2] = ["authorization", "x-auth-token"];

/// Response headers passed back as the upstream sent them (`Location` unchanged: a created
/// resource's address is the vendor's, and the console reads ids from bodies).
const RESPONSE_HEADERS: [&str; 4] = ["content-type", "retry-after", "location", "etag"];

const USER_AGENT: &str = concat!("switchboard-upstream/", env!("CARGO_PKG_VERSION"));

/// Checks the configured upstreams: names are URL-safe and unique, targets are plain
/// `http`/`https` bases without credentials, query or fragment.
pub fn check(upstreams: &[(String, Url)]) -> Result<(), String> {
    let mut seen = std::collections::HashSet::new();
    for (name, url) in upstreams {
        let name_ok = name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
            && name
                .bytes()
                .next()
                .is_some_and(|b| b.is_ascii_alphanumeric());
        if !name_ok {
            return Err(format!(
                "upstream name {name:?} must be letters, digits, '-', '_' or '.', starting with a letter or digit"
            ));
        }
        if !seen.insert(name.as_str()) {
            return Err(format!("upstream {name:?} is configured twice"));
        }
        if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
            return Err(format!("upstream {name:?}: {url} is not an http(s) URL"));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(format!(
                "upstream {name:?}: the URL must not carry credentials; the console sends the vendor's"
            ));
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(format!(
                "upstream {name:?}: the URL must be a base without query or fragment"
            ));
        }
    }
    Ok(())
}

struct Upstreams {
    client: reqwest::Client,
    targets: HashMap<String, Url>,
    timeout: Duration,
}

/// `/upstream/{name}/{*rest}` for every method. Served even with nothing configured, so an
/// unknown name is a problem rather than the console's `index.html`.
pub fn router<S: Clone + Send + Sync + 'static>(config: &Config) -> Router<S> {
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .user_agent(USER_AGENT)
        .connect_timeout(Duration::from_secs(10))
        .pool_idle_timeout(Duration::from_secs(30))
        .build()
        .unwrap_or_else(|_| reqwest::Client::new());
    let state = Arc::new(Upstreams {
        client,
        targets: config.upstreams.iter().cloned().collect(),
        timeout: config.upstream_timeout,
    });
    Router::new()
        .route("/upstream", any(forward))
        .route("/upstream/", any(forward))
        .route("/upstream/{*path}", any(forward))
        .with_state(state)
}

/// Why a request was not forwarded, or the upstream's answer could not be passed back.
#[derive(Debug)]
enum Refusal {
    UnknownUpstream(String),
    BadPath(&'static str),
    TooLarge,
    Redirected {
        status: StatusCode,
        location: Option<String>,
    },
    AnswerTooLarge,
    Timeout,
    Unreachable,
    Failed,
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        let (status, kind, title, detail) = match self {
            Refusal::UnknownUpstream(name) => (
                StatusCode::NOT_FOUND,
                "not-found",
                "Not Found",
                if name.is_empty() {
                    "Name an upstream: /upstream/{name}/….".to_string()
                } else {
                    format!("No upstream named {name:?} is configured on this server.")
                },
            ),
            Refusal::BadPath(why) => (
                StatusCode::BAD_REQUEST,
                "bad-upstream-path",
                "Bad Request",
                format!("The forwarded path is refused: {why}."),
            ),
            Refusal::TooLarge => (
                StatusCode::PAYLOAD_TOO_LARGE,
                "too-large",
                "Payload Too Large",
                format!(
                    "Request bodies over {} MiB are not forwarded.",
                    BODY_LIMIT >> 20
                ),
            ),
            Refusal::Redirected { status, location } => (
                StatusCode::BAD_GATEWAY,
                "upstream-redirect",
                "Bad Gateway",
                format!(
                    "The upstream answered {status} and redirected{}; redirects are not followed.",
                    location.map(|l| format!(" to {l}")).unwrap_or_default()
                ),
            ),
            Refusal::AnswerTooLarge => (
                StatusCode::BAD_GATEWAY,
                "upstream-too-large",
                "Bad Gateway",
                format!("The upstream's answer is over {} MiB.", BODY_LIMIT >> 20),
            ),
            Refusal::Timeout => (
                StatusCode::GATEWAY_TIMEOUT,
                "upstream-timeout",
                "Gateway Timeout",
                "The upstream did not answer in time.".to_string(),
            ),
            Refusal::Unreachable => (
                StatusCode::BAD_GATEWAY,
                "upstream-unreachable",
                "Bad Gateway",
                "The upstream could not be reached.".to_string(),
            ),
            Refusal::Failed => (
                StatusCode::BAD_GATEWAY,
                "bad-gateway",
                "Bad Gateway",
                "The exchange with the upstream failed.".to_string(),
            ),
        };
        let problem = switchboard_api::Problem {
            kind: format!("urn:switchboard:problem:{kind}"),
            title: title.to_string(),
            status: status.as_u16(),
            detail: Some(detail),
            request_id: Some(request_id()),
            errors: Vec::new(),
        };
        let mut res = (status, serde_json::to_vec(&problem).unwrap_or_default()).into_response();
        res.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(switchboard_api::Problem::CONTENT_TYPE),
        );
        res
    }
}

impl From<reqwest::Error> for Refusal {
    fn from(e: reqwest::Error) -> Self {
        // The error's text names the URL, which may carry the console's query; it is not
        // needed to tell these apart.
        if e.is_timeout() {
            Refusal::Timeout
        } else if e.is_connect() {
            Refusal::Unreachable
        } else {
            Refusal::Failed
        }
    }
}

async fn forward(State(upstreams): State<Arc<Upstreams>>, req: Request) -> Response {
    match exchange(&upstreams, req).await {
        Ok(res) => res,
        Err(refusal) => refusal.into_response(),
    }
}

async fn exchange(upstreams: &Upstreams, req: Request) -> Result<Response, Refusal> {
    // The raw path, not axum's decoded capture: `%2F` must stay visible to be refused.
    let path = req.uri().path();
    let after = path
        .strip_prefix("/upstream")
        .and_then(|p| p.strip_prefix('/'))
        .unwrap_or("");
    let (name, rest) = after.split_once('/').unwrap_or((after, ""));
    let name = name.to_string();
    let base = upstreams
        .targets
        .get(&name)
        .ok_or_else(|| Refusal::UnknownUpstream(name.clone()))?;
    let target = target(base, rest, req.uri().query()).map_err(Refusal::BadPath)?;

    let mut headers = reqwest::header::HeaderMap::new();
    for name in REQUEST_HEADERS {
        for value in req.headers().get_all(name) {
            let mut value = value.clone();
            value.set_sensitive(SECRET_HEADERS.contains(&name));
            headers.append(HeaderName::from_static(name), value);
        }
    }
    let method = req.method().clone();
    let body = axum::body::to_bytes(req.into_body(), BODY_LIMIT)
        .await
        .map_err(|_| Refusal::TooLarge)?;

    let mut answer = upstreams
        .client
        .request(method, target)
        .headers(headers)
        .body(body)
        .timeout(upstreams.timeout)
        .send()
        .await?;
    let status = answer.status();
    if status.is_redirection() && status != StatusCode::NOT_MODIFIED {
        let location = answer
            .headers()
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        return Err(Refusal::Redirected { status, location });
    }
    if answer
        .content_length()
        .is_some_and(|n| n > BODY_LIMIT as u64)
    {
        return Err(Refusal::AnswerTooLarge);
    }
    let mut passed = HeaderMap::new();
    for name in RESPONSE_HEADERS {
        for value in answer.headers().get_all(name) {
            passed.append(HeaderName::from_static(name), value.clone());
        }
    }
    let mut bytes = Vec::new();
    while let Some(chunk) = answer.chunk().await? {
        if bytes.len() + chunk.len() > BODY_LIMIT {
            return Err(Refusal::AnswerTooLarge);
        }
        bytes.extend_from_slice(&chunk);
    }
    tracing::debug!(upstream = %name, status = status.as_u16(), "forwarded");
    let mut res = Response::new(Body::from(bytes));
    *res.status_mut() = status;
    *res.headers_mut() = passed;
    Ok(res)
}

/// `base` with `rest` (still percent-encoded, as it came) appended below its path, and the
/// query. Anything that could climb out of the base's path or change its origin is refused.
fn target(base: &Url, rest: &str, query: Option<&str>) -> Result<Url, &'static str> {
    let segments: Vec<&str> = rest.split('/').collect();
    for (i, segment) in segments.iter().enumerate() {
        let decoded =
            switchboard_api::percent::decode_strict(segment).ok_or("a malformed percent escape")?;
        if decoded.is_empty() && i + 1 < segments.len() {
            return Err("an empty segment (`//`)");
        }
        if decoded == b"." || decoded == b".." {
            return Err("a dot segment");
        }
        if decoded.iter().any(|b| matches!(b, b'/' | b'\\')) {
            return Err("an encoded slash or a backslash");
        }
        if decoded.iter().any(|b| b.is_ascii_control()) {
            return Err("a control character");
        }
    }
    let prefix = base.path().trim_end_matches('/');
    let mut url = base.clone();
    url.set_path(&format!("{prefix}/{rest}"));
    url.set_query(query);
    // Belt and braces: whatever the checks above missed, the result must still be below the
    // configured base.
    let below = url.path() == prefix
        || url
            .path()
            .strip_prefix(prefix)
            .is_some_and(|p| p.starts_with('/'));
    if url.origin() != base.origin() || !below {
        return Err("it leaves the configured base");
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> Url {
        Url::parse("https://api.vendor.example/v2/").unwrap()
    }

    #[test]
    fn paths_stay_below_the_base() {
        let ok = target(&base(), "api/v1/webhooks", Some("page=2")).unwrap();
        assert_eq!(
            ok.as_str(),
            "https://api.vendor.example/v2/api/v1/webhooks?page=2"
        );
        let ok = target(&base(), "", None).unwrap();
        assert_eq!(ok.as_str(), "https://api.vendor.example/v2/");
        let ok = target(&base(), "webhooks/", None).unwrap();
        assert_eq!(ok.as_str(), "https://api.vendor.example/v2/webhooks/");
        let ok = target(&base(), "a%20b/%252e%252e", None).unwrap();
        assert_eq!(ok.path(), "/v2/a%20b/%252e%252e");
        for bad in [
            "..",
            "a/../..",
            "%2e%2e/x",
            ".%2E/x",
            "%2E",
            "./x",
            "a/%2F%2Fevil.example",
            "%2f",
            "..%5Cx",
            "a\\..\\..",
            "/evil.example/x",
            "http://evil.example/x",
            "a//b",
            "%zz",
            "%0d%0aX: y",
        ] {
            assert!(target(&base(), bad, None).is_err(), "{bad} was accepted");
        }
    }

    #[test]
    fn configuration_is_checked() {
        let url = |s: &str| Url::parse(s).unwrap();
        assert!(check(&[("vendor".into(), url("https://api.vendor.example"))]).is_ok());
        assert!(check(&[("a/b".into(), url("https://x.example"))]).is_err());
        assert!(check(&[("".into(), url("https://x.example"))]).is_err());
        assert!(check(&[("v".into(), url("ftp://x.example"))]).is_err());
        assert!(check(&[("v".into(), url("https://u:p@x.example"))]).is_err());
        assert!(check(&[("v".into(), url("https://x.example/?a=1"))]).is_err());
        assert!(check(&[
            ("v".into(), url("https://x.example")),
            ("v".into(), url("https://y.example"))
        ])
        .is_err());
    }
}
