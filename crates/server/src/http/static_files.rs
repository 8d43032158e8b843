//! The console's static files, with the security headers every page response carries.

use crate::Config;
use axum::body::Body;
use axum::http::{header, HeaderValue, Request, Response, StatusCode};
use axum::response::IntoResponse;
use std::convert::Infallible;
use tower::util::BoxCloneSyncService;
use tower_http::services::{ServeDir, ServeFile};

/// The CSP of the console: no inline script, wasm allowed to compile, fetches to this origin
/// (and the configured extra origins) only.
pub fn content_security_policy(extra_connect_src: &[String]) -> String {
    let mut connect = String::from("'self'");
    for origin in extra_connect_src {
        connect.push(' ');
        connect.push_str(origin);
    }
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; \
         img-src 'self' data:; connect-src {connect}; frame-ancestors 'none'; base-uri 'none'; \
         form-action 'self'; object-src 'none'"
    )
}

/// `/` and everything not under `/api`: files of the static directory, `index.html` for any
/// other page the browser navigates to (client-side routes), or a short note when no console
/// is bundled.
///
/// A missing file that a page asks for (a script, a stylesheet, a wasm chunk of an older
/// deploy) is a 404, not `index.html`: browsers say what they fetch in `Sec-Fetch-Dest`, and
/// only navigations get the page. Requests without that header (other clients) get the page.
pub fn service(config: &Config) -> BoxCloneSyncService<Request<Body>, Response<Body>, Infallible> {
    let csp = HeaderValue::from_str(&content_security_policy(&config.extra_connect_src))
        .unwrap_or_else(|_| HeaderValue::from_static("default-src 'self'"));
    let inner = config.static_dir.clone().map(|dir| {
        let index = dir.join("index.html");
        // The bundle step writes `file.gz` beside each asset; browsers that accept gzip get it.
        let files = ServeDir::new(dir)
            .append_index_html_on_directories(true)
            .precompressed_gzip();
        (files.clone(), files.fallback(ServeFile::new(index)))
    });
    BoxCloneSyncService::new(tower::service_fn(move |req: Request<Body>| {
        let csp = csp.clone();
        let inner = inner.clone();
        async move {
            let mut res = match inner {
                Some((mut files, mut pages)) => {
                    let served = if is_subresource(&req) {
                        tower::Service::call(&mut files, req)
                            .await
                            .map(|r| r.map(Body::new))
                    } else {
                        tower::Service::call(&mut pages, req)
                            .await
                            .map(|r| r.map(Body::new))
                    };
                    match served {
                        Ok(res) => res,
                        Err(e) => match e {},
                    }
                }
                None => (
                    StatusCode::NOT_FOUND,
                    "This Switchboard server has no console bundled; the API is at /api/v1.",
                )
                    .into_response(),
            };
            secure(&mut res, csp);
            Ok::<_, Infallible>(res)
        }
    }))
}

/// Whether a browser fetches this for a page rather than navigating to it.
fn is_subresource(req: &Request<Body>) -> bool {
    req.headers()
        .get("sec-fetch-dest")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|dest| !matches!(dest, "document" | "iframe" | "frame"))
}

fn secure(res: &mut Response<Body>, csp: HeaderValue) {
    let headers = res.headers_mut();
    headers.insert(header::CONTENT_SECURITY_POLICY, csp);
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    let is_html = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    // index.html names the hashed bundle files, so a stale copy would load an old console.
    if is_html {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    }
}
