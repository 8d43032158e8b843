//! Helpers shared by the server's integration tests: a server on a temp SQLite file and a
//! small authenticated client.
#![allow(dead_code)]

pub mod binary;

use reqwest::{Method, StatusCode};
use serde_json::Value;
use std::time::Duration;
use switchboard_server::{spawn, Config, Profile, ServerHandle};

pub const TOKEN: &str = "test-token-0123456789";

pub struct TestServer {
    pub handle: Option<ServerHandle>,
    pub dir: tempfile::TempDir,
    pub client: reqwest::Client,
    pub base: String,
}

pub fn config(dir: &tempfile::TempDir) -> Config {
    let mut c = Config::new(dir.path().join("switchboard.db"), TOKEN);
    c.allow_private_targets = true;
    c.retry_schedule = vec![
        Duration::ZERO,
        Duration::from_millis(300),
        Duration::from_millis(600),
    ];
    c
}

impl TestServer {
    pub async fn start() -> TestServer {
        Self::with(|_| {}).await
    }

    pub async fn with(adjust: impl FnOnce(&mut Config)) -> TestServer {
        let dir = tempfile::tempdir().unwrap();
        let mut c = config(&dir);
        adjust(&mut c);
        Self::from_config(dir, c).await
    }

    pub async fn profile(profile: Profile) -> TestServer {
        Self::with(|c| c.profile = profile).await
    }

    pub async fn from_config(dir: tempfile::TempDir, c: Config) -> TestServer {
        let handle = spawn(c).await.expect("server starts");
        let base = handle.base_url();
        TestServer {
            handle: Some(handle),
            dir,
            client: reqwest::Client::new(),
            base,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}/api/v1{path}", self.base)
    }

    pub async fn call(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut req = self
            .client
            .request(method, self.url(path))
            .bearer_auth(TOKEN);
        if let Some(b) = body {
            req = req.json(&b);
        }
        let res = req.send().await.expect("request sent");
        let status = res.status();
        let text = res.text().await.unwrap();
        let json = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON: {text}"))
        };
        (status, json)
    }

    pub async fn get(&self, path: &str) -> (StatusCode, Value) {
        self.call(Method::GET, path, None).await
    }

    pub async fn post(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.call(Method::POST, path, Some(body)).await
    }

    pub async fn patch(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.call(Method::PATCH, path, Some(body)).await
    }

    pub async fn delete(&self, path: &str) -> (StatusCode, Value) {
        self.call(Method::DELETE, path, None).await
    }

    pub async fn stop(&mut self) {
        if let Some(h) = self.handle.take() {
            h.shutdown().await;
        }
    }
}

/// Polls `check` every 50 ms until it returns `Some`, failing after `secs` seconds.
pub async fn eventually<T, F, Fut>(secs: u64, what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = tokio::time::Instant::now() + Duration::from_secs(secs);
    loop {
        if let Some(v) = check().await {
            return v;
        }
        if tokio::time::Instant::now() > deadline {
            panic!("timed out waiting for {what}");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// One request a test receiver got.
#[derive(Debug, Clone)]
pub struct Hit {
    pub path: String,
    pub query: Option<String>,
    pub headers: axum::http::HeaderMap,
    pub body: Vec<u8>,
    pub at: std::time::Instant,
}

impl Hit {
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    }

    /// A status or overview query rather than a delivery.
    pub fn is_probe(&self) -> bool {
        self.query
            .as_deref()
            .is_some_and(|q| q.starts_with("query="))
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }
}

/// A loopback endpoint that records every request and answers by path:
/// `/ok` 200 with a JSON message, `/fail` 500 with one, `/bad` 400, `/gone` 410,
/// `/slow` 200 after 3 s, `/huge` 200 with 200 KiB, `/flaky` 500 twice then 200,
/// `/busy` 429 with `Retry-After: 1` once then 200, `/redirect` 302, `/token` an OAuth2
/// client-credentials token endpoint for `client`/`s3cret`, and `?query=status|overview`
/// answers on any path.
pub struct Receiver {
    pub addr: std::net::SocketAddr,
    pub hits: std::sync::Arc<std::sync::Mutex<Vec<Hit>>>,
    pub token_calls: std::sync::Arc<std::sync::atomic::AtomicUsize>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Receiver {
    pub async fn start() -> Receiver {
        use axum::body::Bytes;
        use axum::http::{HeaderMap, StatusCode, Uri};
        use axum::response::IntoResponse;
        use std::sync::atomic::{AtomicUsize, Ordering};
        use std::sync::{Arc, Mutex};

        let hits: Arc<Mutex<Vec<Hit>>> = Arc::default();
        let token_calls = Arc::new(AtomicUsize::new(0));
        let h = hits.clone();
        let tc = token_calls.clone();
        let app = axum::Router::new().fallback(move |uri: Uri, headers: HeaderMap, body: Bytes| {
            let hits = h.clone();
            let token_calls = tc.clone();
            async move {
                let path = uri.path().to_string();
                let query = uri.query().map(str::to_string);
                let seen = {
                    let mut v = hits.lock().unwrap();
                    v.push(Hit {
                        path: path.clone(),
                        query: query.clone(),
                        headers: headers.clone(),
                        body: body.to_vec(),
                        at: std::time::Instant::now(),
                    });
                    v.iter().filter(|x| x.path == path && !x.is_probe()).count()
                };
                let json = |status: StatusCode, v: Value| {
                    (status, [("content-type", "application/json")], v.to_string()).into_response()
                };
                match query.as_deref() {
                    Some("query=status") => {
                        return json(
                            StatusCode::OK,
                            serde_json::json!({"statusString": "Online", "badgeColor": "success", "additional": {"disk": "42%"}}),
                        )
                    }
                    Some("query=overview") => {
                        return json(
                            StatusCode::OK,
                            serde_json::json!({"html": "<p>3 sites <script>x()</script></p>"}),
                        )
                    }
                    _ => {}
                }
                match path.as_str() {
                    "/ok" => json(StatusCode::OK, serde_json::json!({"message": "stored"})),
                    "/fail" => json(
                        StatusCode::INTERNAL_SERVER_ERROR,
                        serde_json::json!({"message": "database down"}),
                    ),
                    "/bad" => (StatusCode::BAD_REQUEST, "nope").into_response(),
                    "/gone" => StatusCode::GONE.into_response(),
                    "/slow" => {
                        tokio::time::sleep(Duration::from_secs(3)).await;
                        StatusCode::OK.into_response()
                    }
                    "/huge" => (StatusCode::OK, "x".repeat(200 * 1024)).into_response(),
                    "/flaky" if seen <= 2 => json(
                        StatusCode::INTERNAL_SERVER_ERROR,
                        serde_json::json!({"message": format!("flaky failure {seen}")}),
                    ),
                    "/flaky" => json(StatusCode::OK, serde_json::json!({"message": "finally"})),
                    "/busy" if seen == 1 => {
                        (StatusCode::TOO_MANY_REQUESTS, [("retry-after", "1")], "slow down")
                            .into_response()
                    }
                    "/busy" => StatusCode::NO_CONTENT.into_response(),
                    "/redirect" => {
                        (StatusCode::FOUND, [("location", "/ok")], "").into_response()
                    }
                    "/token" => {
                        token_calls.fetch_add(1, Ordering::SeqCst);
                        // base64("client:s3cret")
                        let ok = headers.get("authorization").and_then(|v| v.to_str().ok())
                            == Some("Basic Y2xpZW50OnMzY3JldA==");
                        let form = String::from_utf8_lossy(&body).to_string();
                        if ok && form.contains("grant_type=client_credentials") {
                            json(
                                StatusCode::OK,
                                serde_json::json!({"access_token": "tok-123", "token_type": "Bearer", "expires_in": 3600}),
                            )
                        } else {
                            json(StatusCode::UNAUTHORIZED, serde_json::json!({"error": "invalid_client"}))
                        }
                    }
                    _ => StatusCode::OK.into_response(),
                }
            }
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Receiver {
            addr,
            hits,
            token_calls,
            task,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// Deliveries (not probes) that reached `path`.
    pub fn hits(&self, path: &str) -> Vec<Hit> {
        self.hits
            .lock()
            .unwrap()
            .iter()
            .filter(|h| h.path == path && !h.is_probe())
            .cloned()
            .collect()
    }
}

/// A valid create body for `url`, subscribed to `order_confirm`.
pub fn webhook_body(name: &str, url: &str) -> Value {
    serde_json::json!({
        "name": name,
        "url": url,
        "events": ["order_confirm"],
    })
}

impl TestServer {
    /// Creates a webhook and returns its JSON.
    pub async fn create(&self, body: Value) -> Value {
        let (status, res) = self.post("/webhooks", body).await;
        assert_eq!(status, StatusCode::CREATED, "{res}");
        res["data"].clone()
    }

    /// Polls a delivery until `done` holds for it.
    pub async fn wait_delivery(
        &self,
        id: &str,
        what: &str,
        done: impl Fn(&Value) -> bool,
    ) -> Value {
        eventually(15, what, || async {
            let (_, d) = self.get(&format!("/deliveries/{id}")).await;
            done(&d["data"]).then(|| d["data"].clone())
        })
        .await
    }

    /// Emits an event and returns the ids of its deliveries.
    pub async fn emit(&self, event_type: &str, payload: Value) -> Vec<String> {
        let (status, res) = self
            .post(
                "/events",
                serde_json::json!({"event_type": event_type, "payload": payload}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{res}");
        res["data"]["deliveries"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_string())
            .collect()
    }
}
