//! Test tooling on loopback: a proxy in front of the real server that answers chosen requests
//! with a fault, a beacon that records any request made to it, and a scriptable receiver.
//!
//! The browser loads the console through the proxy, so the console, its CSP (`'self'`) and
//! its API calls all share the proxy's origin, exactly as with a real reverse proxy.

#![allow(dead_code)]

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use axum::response::Response;
use futures::StreamExt;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::net::TcpListener;

/// What the proxy does with a matching request.
#[derive(Debug, Clone)]
pub enum Fault {
    /// Forward it untouched (useful to count requests).
    Pass,
    /// Wait this long, then forward.
    Latency(Duration),
    /// Answer with this status, content type, body and extra headers; the server never sees it.
    Answer {
        status: u16,
        content_type: String,
        body: String,
        headers: Vec<(String, String)>,
    },
    /// Forward, then send the headers and half the body and break the connection.
    ResetMidBody,
    /// Forward, then send only the first half of the body as if it were all of it.
    Truncate,
}

impl Fault {
    pub fn status(status: u16, content_type: &str, body: impl Into<String>) -> Fault {
        Fault::Answer {
            status,
            content_type: content_type.into(),
            body: body.into(),
            headers: Vec::new(),
        }
    }

    /// A `200` with this JSON body, whatever the server would have said.
    pub fn json(body: impl Into<String>) -> Fault {
        Fault::status(200, "application/json", body)
    }

    pub fn problem(status: u16, title: &str, detail: &str) -> Fault {
        let body = serde_json::json!({
            "type": "about:blank", "title": title, "status": status, "detail": detail,
            "request_id": "req_fault",
        });
        Fault::status(status, "application/problem+json", body.to_string())
    }

    pub fn with_header(mut self, name: &str, value: &str) -> Fault {
        if let Fault::Answer { headers, .. } = &mut self {
            headers.push((name.into(), value.into()));
        }
        self
    }
}

#[derive(Debug, Clone)]
struct Rule {
    method: Option<Method>,
    /// Matched against the path (without the query): exact when `exact`, else as a prefix.
    path: String,
    exact: bool,
    fault: Fault,
    /// How many more requests the rule applies to; `None` is for ever.
    remaining: Option<u32>,
}

#[derive(Default)]
struct ProxyState {
    rules: Vec<Rule>,
    /// `(method, path and query)` of every API request seen, in order.
    seen: Vec<(String, String)>,
    /// Tokens answered 401.
    revoked: Vec<String>,
    /// Token → the token the server knows, which is sent in its place.
    aliases: Vec<(String, String)>,
    strip_csp: bool,
}

/// A running proxy; dropping it leaves it running until the test's runtime ends.
#[derive(Clone)]
pub struct FaultProxy {
    pub origin: String,
    upstream: String,
    state: Arc<Mutex<ProxyState>>,
}

/// Whether one request matches a rule.
fn matches(rule: &Rule, method: &Method, path: &str) -> bool {
    rule.method.as_ref().is_none_or(|m| m == method)
        && if rule.exact {
            path == rule.path
        } else {
            path.starts_with(&rule.path)
        }
}

impl FaultProxy {
    /// Starts a proxy on a free loopback port in front of `upstream` (`http://127.0.0.1:port`).
    pub async fn start(upstream: &str) -> FaultProxy {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind proxy");
        let origin = format!("http://{}", listener.local_addr().expect("proxy address"));
        let proxy = FaultProxy {
            origin,
            upstream: upstream.trim_end_matches('/').to_owned(),
            state: Arc::new(Mutex::new(ProxyState::default())),
        };
        let app = axum::Router::new()
            .fallback(handle)
            .with_state((proxy.clone(), reqwest::Client::new()));
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        proxy
    }

    /// Faults every request whose path starts with `path` (any method), for ever.
    pub fn fault(&self, path: &str, fault: Fault) {
        self.add(None, path, false, fault, None);
    }

    /// Faults requests with exactly this method and path, `times` times (then forwards again).
    pub fn fault_exact(&self, method: Method, path: &str, fault: Fault, times: Option<u32>) {
        self.add(Some(method), path, true, fault, times);
    }

    fn add(
        &self,
        method: Option<Method>,
        path: &str,
        exact: bool,
        fault: Fault,
        times: Option<u32>,
    ) {
        self.state.lock().unwrap().rules.push(Rule {
            method,
            path: path.to_owned(),
            exact,
            fault,
            remaining: times,
        });
    }

    /// Back to plain forwarding.
    pub fn clear(&self) {
        let mut s = self.state.lock().unwrap();
        s.rules.clear();
        s.revoked.clear();
        s.aliases.clear();
    }

    /// From now on `old` is answered 401 and `new` is accepted in its place (it is forwarded
    /// as the one token the server knows).
    pub fn revoke(&self, old: &str, new: &str) {
        let mut s = self.state.lock().unwrap();
        let real = s
            .aliases
            .iter()
            .find(|(alias, _)| alias == old)
            .map(|(_, real)| real.clone())
            .unwrap_or_else(|| old.to_owned());
        s.revoked.push(old.to_owned());
        s.aliases.push((new.to_owned(), real));
    }

    /// Removes the CSP from the console's pages: a hostile-content test then proves that the
    /// console itself, not only the policy, keeps foreign code from running.
    pub fn strip_csp(&self, strip: bool) {
        self.state.lock().unwrap().strip_csp = strip;
    }

    /// API requests seen so far, as `METHOD /path?query`.
    pub fn seen(&self) -> Vec<String> {
        self.state
            .lock()
            .unwrap()
            .seen
            .iter()
            .map(|(m, p)| format!("{m} {p}"))
            .collect()
    }

    pub fn count(&self, method: &str, path: &str) -> usize {
        self.state
            .lock()
            .unwrap()
            .seen
            .iter()
            .filter(|(m, p)| m == method && p.split('?').next() == Some(path))
            .count()
    }

    /// Takes the first matching rule (counting it down), if any.
    fn rule_for(&self, method: &Method, path: &str, query: &str) -> Option<Fault> {
        let mut s = self.state.lock().unwrap();
        if path.starts_with("/api/") {
            s.seen.push((method.to_string(), format!("{path}{query}")));
        }
        let i = s.rules.iter().position(|r| matches(r, method, path))?;
        let fault = s.rules[i].fault.clone();
        if let Some(n) = &mut s.rules[i].remaining {
            *n -= 1;
            if *n == 0 {
                s.rules.remove(i);
            }
        }
        Some(fault)
    }
}

type Shared = (FaultProxy, reqwest::Client);

async fn handle(State((proxy, client)): State<Shared>, req: Request) -> Response {
    let method = req.method().clone();
    let path = req.uri().path().to_owned();
    let query = req
        .uri()
        .query()
        .map(|q| format!("?{q}"))
        .unwrap_or_default();
    let fault = proxy.rule_for(&method, &path, &query);
    let mut headers = req.headers().clone();

    if path.starts_with("/api/") {
        let bearer = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::to_owned)
            .unwrap_or_default();
        let (revoked, alias) = {
            let s = proxy.state.lock().unwrap();
            let alias = s
                .aliases
                .iter()
                .find(|(a, _)| *a == bearer)
                .map(|(_, real)| real.clone());
            (s.revoked.contains(&bearer), alias)
        };
        if revoked {
            let body = serde_json::json!({
                "type": "about:blank", "title": "Unauthorized", "status": 401,
                "detail": "the token has been revoked",
            });
            return answer(401, "application/problem+json", body.to_string(), &[]);
        }
        if let Some(real) = alias {
            headers.insert(
                header::AUTHORIZATION,
                HeaderValue::from_str(&format!("Bearer {real}")).unwrap(),
            );
        }
    }

    match fault {
        Some(Fault::Answer {
            status,
            content_type,
            body,
            headers: extra,
        }) => return answer(status, &content_type, body, &extra),
        Some(Fault::Latency(d)) => tokio::time::sleep(d).await,
        _ => {}
    }

    let body = axum::body::to_bytes(req.into_body(), 64 * 1024 * 1024)
        .await
        .unwrap_or_default();
    let upstream = match forward(
        &client,
        &proxy.upstream,
        &method,
        &path,
        &query,
        &headers,
        body,
    )
    .await
    {
        Ok(r) => r,
        Err(e) => return answer(502, "text/plain", format!("proxy: {e}"), &[]),
    };
    let (status, mut up_headers, bytes) = upstream;
    if proxy.state.lock().unwrap().strip_csp {
        up_headers.remove(header::CONTENT_SECURITY_POLICY);
    }

    match fault {
        Some(Fault::ResetMidBody) => {
            let half = Bytes::copy_from_slice(&bytes[..bytes.len() / 2]);
            // The length promises the whole body; the stream errors after half of it, which
            // makes the server side drop the connection mid-body.
            up_headers.insert(header::CONTENT_LENGTH, HeaderValue::from(bytes.len()));
            // The pause lets the browser take the headers and the first half in first, so the
            // break comes mid-body rather than before the answer.
            let stream = futures::stream::iter(vec![
                Ok::<Bytes, std::io::Error>(half),
                Err(std::io::Error::new(
                    std::io::ErrorKind::ConnectionReset,
                    "fault: reset",
                )),
            ])
            .then(|item| async move {
                if item.is_err() {
                    tokio::time::sleep(Duration::from_millis(400)).await;
                }
                item
            });
            let mut res = Response::new(Body::from_stream(stream));
            *res.status_mut() = status;
            *res.headers_mut() = up_headers;
            res
        }
        Some(Fault::Truncate) => {
            let half = bytes.slice(..bytes.len() / 2);
            up_headers.remove(header::CONTENT_LENGTH);
            let mut res = Response::new(Body::from(half));
            *res.status_mut() = status;
            *res.headers_mut() = up_headers;
            res
        }
        _ => {
            up_headers.remove(header::CONTENT_LENGTH);
            let mut res = Response::new(Body::from(bytes));
            *res.status_mut() = status;
            *res.headers_mut() = up_headers;
            res
        }
    }
}

async fn forward(
    client: &reqwest::Client,
    upstream: &str,
    method: &Method,
    path: &str,
    query: &str,
    headers: &HeaderMap,
    body: Bytes,
) -> Result<(StatusCode, HeaderMap, Bytes), reqwest::Error> {
    let method =
        reqwest::Method::from_bytes(method.as_str().as_bytes()).unwrap_or(reqwest::Method::GET);
    let mut req = client.request(method, format!("{upstream}{path}{query}"));
    for (name, value) in headers {
        if !is_hop_by_hop(name) {
            req = req.header(name.as_str(), value.as_bytes());
        }
    }
    let res = req.body(body).send().await?;
    let status = StatusCode::from_u16(res.status().as_u16()).unwrap_or(StatusCode::BAD_GATEWAY);
    let mut out = HeaderMap::new();
    for (name, value) in res.headers() {
        if let (Ok(n), Ok(v)) = (
            HeaderName::from_bytes(name.as_str().as_bytes()),
            HeaderValue::from_bytes(value.as_bytes()),
        ) {
            if !is_hop_by_hop(&n) {
                out.append(n, v);
            }
        }
    }
    let bytes = res.bytes().await?;
    Ok((status, out, Bytes::from(bytes.to_vec())))
}

fn is_hop_by_hop(name: &HeaderName) -> bool {
    matches!(
        name.as_str(),
        "host"
            | "connection"
            | "keep-alive"
            | "transfer-encoding"
            | "te"
            | "upgrade"
            | "content-length"
    )
}

fn answer(status: u16, content_type: &str, body: String, extra: &[(String, String)]) -> Response {
    let mut res = Response::new(Body::from(body));
    *res.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(content_type).unwrap_or(HeaderValue::from_static("text/plain")),
    );
    for (name, value) in extra {
        if let (Ok(n), Ok(v)) = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(value),
        ) {
            res.headers_mut().append(n, v);
        }
    }
    res
}

/// A loopback listener that records the first line of every request it gets: hostile payloads
/// point at it, so any request here means something ran or loaded that should not have.
#[derive(Clone)]
pub struct Beacon {
    pub origin: String,
    hits: Arc<Mutex<Vec<String>>>,
}

impl Beacon {
    pub async fn start() -> Beacon {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind beacon");
        let origin = format!("http://{}", listener.local_addr().expect("beacon address"));
        let hits = Arc::new(Mutex::new(Vec::new()));
        let record = hits.clone();
        tokio::spawn(async move {
            loop {
                let Ok((mut sock, _)) = listener.accept().await else {
                    return;
                };
                let record = record.clone();
                tokio::spawn(async move {
                    use tokio::io::{AsyncReadExt, AsyncWriteExt};
                    let mut buf = vec![0u8; 4096];
                    let n = tokio::time::timeout(Duration::from_secs(2), sock.read(&mut buf))
                        .await
                        .ok()
                        .and_then(Result::ok)
                        .unwrap_or(0);
                    let text = String::from_utf8_lossy(&buf[..n]);
                    let line = text
                        .lines()
                        .next()
                        .unwrap_or("(connection only)")
                        .to_owned();
                    record.lock().unwrap().push(line);
                    let _ = sock
                        .write_all(b"HTTP/1.1 204 No Content\r\nAccess-Control-Allow-Origin: *\r\nConnection: close\r\n\r\n")
                        .await;
                });
            }
        });
        Beacon { origin, hits }
    }

    pub fn hits(&self) -> Vec<String> {
        self.hits.lock().unwrap().clone()
    }
}

/// What a scripted receiver answers.
#[derive(Clone)]
pub struct ReceiverScript {
    /// Answer to deliveries (POST).
    pub status: u16,
    pub content_type: String,
    pub body: String,
    pub headers: Vec<(String, String)>,
    /// JSON answered to `GET ?query=status`.
    pub status_json: serde_json::Value,
    /// JSON answered to `GET ?query=overview`.
    pub overview_json: serde_json::Value,
}

/// A webhook endpoint on loopback that answers what its script says.
pub async fn start_receiver(script: ReceiverScript) -> String {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind receiver");
    let origin = format!(
        "http://{}",
        listener.local_addr().expect("receiver address")
    );
    let script = Arc::new(script);
    let app = axum::Router::new().fallback(move |req: Request| {
        let script = script.clone();
        async move {
            let query = req.uri().query().unwrap_or_default().to_owned();
            if req.method() == Method::GET && query.contains("query=overview") {
                return answer(
                    200,
                    "application/json",
                    script.overview_json.to_string(),
                    &[],
                );
            }
            if req.method() == Method::GET && query.contains("query=status") {
                return answer(200, "application/json", script.status_json.to_string(), &[]);
            }
            answer(
                script.status,
                &script.content_type,
                script.body.clone(),
                &script.headers,
            )
        }
    });
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    origin
}
