//! Forwarding to configured vendor APIs, CORS for direct calls and the console's CSP, over
//! real HTTP between real servers.

mod common;

use common::{webhook_body, TestServer, TOKEN};
use reqwest::{Method, StatusCode, Url};
use serde_json::Value;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// The console server's own token: never the one a vendor checks.
const CONSOLE_TOKEN: &str = "console-token-not-the-vendors";
/// An Output.Rocks-style credential, to be found nowhere in the logs.
const X_AUTH_SECRET: &str = "x-auth-secret-5f1c0e";
/// The stub vendor's answer to `/echo`, odd spacing and all: it must come back unchanged.
const ECHO_BODY: &str = "{\"data\" :  [1, 2,3] ,\n \"note\": \"caf\u{e9}\"}\n";

/// Everything any test in this binary logs, at every level, from the first test on.
fn captured_logs() -> Arc<Mutex<Vec<u8>>> {
    static LOGS: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();
    LOGS.get_or_init(|| {
        let buf = Arc::new(Mutex::new(Vec::new()));
        let sink = buf.clone();
        let _ = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_ansi(false)
            .with_writer(move || Sink(sink.clone()))
            .try_init();
        buf
    })
    .clone()
}

struct Sink(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Sink {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(data);
        Ok(data.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// One request a stub got.
#[derive(Debug, Clone)]
struct Hit {
    method: Method,
    path: String,
    query: Option<String>,
    headers: axum::http::HeaderMap,
    body: Vec<u8>,
}

/// A stand-in vendor without CORS, answering by the last path segment: `echo` 201 with
/// [`ECHO_BODY`] and headers that should and should not pass, `redirect` 302 to `redirect_to`,
/// `slow` after 2 s, `huge` 5 MiB, `fail` a plain-text 500; anything else 200 `ok`.
struct Stub {
    addr: SocketAddr,
    hits: Arc<Mutex<Vec<Hit>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Stub {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Stub {
    async fn start(redirect_to: Option<String>) -> Stub {
        use axum::http::{HeaderMap, StatusCode, Uri};
        use axum::response::IntoResponse;

        let hits: Arc<Mutex<Vec<Hit>>> = Arc::default();
        let h = hits.clone();
        let app = axum::Router::new().fallback(
            move |method: Method, uri: Uri, headers: HeaderMap, body: axum::body::Bytes| {
                let hits = h.clone();
                let redirect_to = redirect_to.clone();
                async move {
                    hits.lock().unwrap().push(Hit {
                        method,
                        path: uri.path().to_string(),
                        query: uri.query().map(str::to_string),
                        headers,
                        body: body.to_vec(),
                    });
                    match uri.path().rsplit('/').next().unwrap_or("") {
                        "echo" => (
                            StatusCode::CREATED,
                            [
                                ("content-type", "application/json; charset=utf-8"),
                                ("etag", "\"v7\""),
                                ("retry-after", "7"),
                                ("location", "/base/things/1"),
                                ("set-cookie", "session=stub"),
                                ("x-internal", "do-not-pass"),
                            ],
                            ECHO_BODY,
                        )
                            .into_response(),
                        "redirect" => (
                            StatusCode::FOUND,
                            [("location", redirect_to.unwrap_or_default())],
                            "",
                        )
                            .into_response(),
                        "slow" => {
                            tokio::time::sleep(Duration::from_secs(2)).await;
                            "late".into_response()
                        }
                        "huge" => vec![b'x'; 5 * 1024 * 1024].into_response(),
                        "fail" => {
                            (StatusCode::INTERNAL_SERVER_ERROR, "vendor broke").into_response()
                        }
                        _ => "ok".into_response(),
                    }
                }
            },
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Stub { addr, hits, task }
    }

    fn url(&self, path: &str) -> Url {
        Url::parse(&format!("http://{}{path}", self.addr)).unwrap()
    }

    fn hits(&self) -> Vec<Hit> {
        self.hits.lock().unwrap().clone()
    }
}

/// A console server forwarding `name` to `base`.
async fn console_for(name: &str, base: Url, timeout: Option<Duration>) -> TestServer {
    TestServer::with(|c| {
        c.token = CONSOLE_TOKEN.into();
        c.upstreams = vec![(name.to_string(), base)];
        if let Some(t) = timeout {
            c.upstream_timeout = t;
        }
    })
    .await
}

fn header<'a>(res: &'a reqwest::Response, name: &str) -> Option<&'a str> {
    res.headers().get(name).and_then(|v| v.to_str().ok())
}

async fn problem(res: reqwest::Response) -> (StatusCode, Value) {
    let status = res.status();
    assert_eq!(
        header(&res, "content-type"),
        Some("application/problem+json"),
        "{status}"
    );
    (status, res.json().await.unwrap())
}

/// Sends `target` exactly as written (no client-side URL normalisation) and returns the
/// status and body.
async fn raw_get(addr: SocketAddr, target: &str) -> (u16, String) {
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let request = format!(
        "GET {target} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {TOKEN}\r\nConnection: close\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer).await;
    let answer = String::from_utf8_lossy(&answer).into_owned();
    let status = answer
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = answer
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status, body)
}

fn without_request_id(mut v: Value) -> Value {
    if let Some(meta) = v.get_mut("meta").and_then(Value::as_object_mut) {
        meta.remove("request_id");
    }
    v
}

#[tokio::test]
async fn the_reference_server_as_vendor_is_reached_with_its_own_authorization() {
    captured_logs();
    // The vendor: a reference server with its own token and no CORS.
    let vendor = TestServer::start().await;
    let console = console_for("vendor", Url::parse(&vendor.base).unwrap(), None).await;
    let client = reqwest::Client::new();
    let via = format!("{}/upstream/vendor/api/v1/webhooks", console.base);

    let create = || {
        client
            .post(&via)
            .bearer_auth(TOKEN)
            .header("idempotency-key", "upstream-create-1")
            .json(&webhook_body(
                "Through the console",
                "https://example.com/hook",
            ))
    };
    let res = create().send().await.unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    assert_eq!(header(&res, "content-type"), Some("application/json"));
    let created: Value = res.json().await.unwrap();
    let id = created["data"]["id"].as_str().unwrap().to_string();
    assert_eq!(created["data"]["name"], "Through the console");
    // The key reached the vendor: the second create is the first one again.
    let again: Value = create().send().await.unwrap().json().await.unwrap();
    assert_eq!(again["data"]["id"], id.as_str());

    // What the console reads through the server is what the vendor answers directly.
    let res = client
        .get(format!("{via}/{id}"))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let through: Value = res.json().await.unwrap();
    let (status, direct) = vendor.get(&format!("/webhooks/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(without_request_id(through), without_request_id(direct));

    let res = client
        .get(format!("{via}?limit=1"))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let list: Value = res.json().await.unwrap();
    assert_eq!(list["data"].as_array().unwrap().len(), 1, "{list}");

    // The console's own token is neither needed nor enough: the vendor judges.
    let res = client
        .get(&via)
        .bearer_auth(CONSOLE_TOKEN)
        .send()
        .await
        .unwrap();
    let (status, body) = problem(res).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["type"], "urn:switchboard:problem:unauthorized");
}

#[tokio::test]
async fn answers_and_allowed_headers_pass_unchanged_and_nothing_else_does() {
    captured_logs();
    let stub = Stub::start(None).await;
    let console = console_for("stub", stub.url("/base/"), None).await;
    let res = reqwest::Client::new()
        .patch(format!(
            "{}/upstream/stub/api/spa/webhooks/12/echo?page=2&q=a%2Fb",
            console.base
        ))
        .header("x-auth-token", X_AUTH_SECRET)
        .header("authorization", format!("Bearer {TOKEN}"))
        .header("idempotency-key", "k-1")
        .header("if-match", "\"v6\"")
        .header("accept", "application/ld+json")
        .header("content-type", "application/merge-patch+json")
        .header("cookie", "console-session=1")
        .header("x-forwarded-host", "evil.example")
        .body(r#"{"active":false}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    assert_eq!(
        header(&res, "content-type"),
        Some("application/json; charset=utf-8")
    );
    assert_eq!(header(&res, "etag"), Some("\"v7\""));
    assert_eq!(header(&res, "retry-after"), Some("7"));
    assert_eq!(header(&res, "location"), Some("/base/things/1"));
    assert!(res.headers().get("set-cookie").is_none());
    assert!(res.headers().get("x-internal").is_none());
    assert_eq!(res.bytes().await.unwrap(), ECHO_BODY.as_bytes());

    let hits = stub.hits();
    assert_eq!(hits.len(), 1, "{hits:?}");
    let hit = &hits[0];
    assert_eq!(hit.method, Method::PATCH);
    assert_eq!(hit.path, "/base/api/spa/webhooks/12/echo");
    assert_eq!(hit.query.as_deref(), Some("page=2&q=a%2Fb"));
    assert_eq!(hit.body, br#"{"active":false}"#);
    let sent = |name: &str| hit.headers.get(name).and_then(|v| v.to_str().ok());
    assert_eq!(sent("x-auth-token"), Some(X_AUTH_SECRET));
    assert_eq!(
        sent("authorization"),
        Some(format!("Bearer {TOKEN}").as_str())
    );
    assert_eq!(sent("idempotency-key"), Some("k-1"));
    assert_eq!(sent("if-match"), Some("\"v6\""));
    assert_eq!(sent("accept"), Some("application/ld+json"));
    assert_eq!(sent("content-type"), Some("application/merge-patch+json"));
    assert_eq!(sent("host"), Some(stub.addr.to_string().as_str()));
    assert!(sent("cookie").is_none());
    assert!(sent("x-forwarded-host").is_none());

    // A vendor's own failure is its answer, not rewritten.
    let res = reqwest::get(format!("{}/upstream/stub/fail", console.base))
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(res.text().await.unwrap(), "vendor broke");
}

#[tokio::test]
async fn only_configured_names_are_forwarded() {
    captured_logs();
    let stub = Stub::start(None).await;
    let console = console_for("stub", stub.url("/"), None).await;
    for path in [
        "/upstream/nope/api/v1/webhooks",
        "/upstream/STUB/api",
        "/upstream",
        "/upstream/",
    ] {
        let res = reqwest::get(format!("{}{path}", console.base))
            .await
            .unwrap();
        let (status, body) = problem(res).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(body["type"], "urn:switchboard:problem:not-found", "{path}");
    }
    assert!(stub.hits().is_empty());

    // With nothing configured the prefix is still the forwarder's, not the console's pages.
    let plain = TestServer::start().await;
    let res = reqwest::get(format!("{}/upstream/stub/x", plain.base))
        .await
        .unwrap();
    assert_eq!(problem(res).await.0, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn forwarded_paths_never_leave_the_configured_base() {
    captured_logs();
    let trap = Stub::start(None).await;
    let stub = Stub::start(None).await;
    let console = console_for("stub", stub.url("/base/"), None).await;
    let t = trap.addr;
    let attempts = [
        "/upstream/stub/../x".to_string(),
        "/upstream/stub/a/../../x".to_string(),
        "/upstream/stub/%2e%2e/x".to_string(),
        "/upstream/stub/%2E%2e/%2e%2E/x".to_string(),
        "/upstream/stub/.%2e/x".to_string(),
        "/upstream/stub/./x".to_string(),
        "/upstream/stub/a/..".to_string(),
        "/upstream/stub/..%5Cx".to_string(),
        "/upstream/stub/..%5cx".to_string(),
        format!("/upstream/stub//{t}/x"),
        format!("/upstream/stub///{t}/x"),
        format!("/upstream/stub/%2F%2F{t}/x"),
        format!("/upstream/stub/%2f{t}/x"),
        format!("/upstream/stub/http://{t}/x"),
        format!("/upstream/stub/http:%2F%2F{t}/x"),
        "/upstream/stub/%zz".to_string(),
    ];
    for target in &attempts {
        let (status, body) = raw_get(console.handle.as_ref().unwrap().addr(), target).await;
        assert_eq!(status, 400, "{target}: {body}");
        assert!(body.contains("bad-upstream-path"), "{target}: {body}");
    }
    // Absolute-form request targets name this server's own path, not a host to go to.
    let (status, _) = raw_get(
        console.handle.as_ref().unwrap().addr(),
        &format!("http://{t}/upstream/stub/x"),
    )
    .await;
    assert!(status == 200 || status == 400 || status == 404, "{status}");
    for hit in stub.hits() {
        assert!(hit.path.starts_with("/base/"), "{hit:?}");
    }
    assert!(trap.hits().is_empty(), "{:?}", trap.hits());

    // What is not a trick passes, encoded as it came.
    let (status, body) = raw_get(
        console.handle.as_ref().unwrap().addr(),
        "/upstream/stub/a%20b/%252e%252e/c?d=%2F",
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let hits = stub.hits();
    let last = hits.last().unwrap();
    assert_eq!(last.path, "/base/a%20b/%252e%252e/c");
    assert_eq!(last.query.as_deref(), Some("d=%2F"));
}

#[tokio::test]
async fn redirects_are_reported_not_followed() {
    captured_logs();
    let trap = Stub::start(None).await;
    let stub = Stub::start(Some(format!("http://{}/stolen", trap.addr))).await;
    let console = console_for("stub", stub.url("/"), None).await;
    let res = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .post(format!("{}/upstream/stub/api/redirect", console.base))
        .bearer_auth(TOKEN)
        .body("{}")
        .send()
        .await
        .unwrap();
    let (status, body) = problem(res).await;
    assert_eq!(status, StatusCode::BAD_GATEWAY);
    assert_eq!(body["type"], "urn:switchboard:problem:upstream-redirect");
    let detail = body["detail"].as_str().unwrap();
    assert!(detail.contains("302"), "{detail}");
    assert!(
        detail.contains(&format!("http://{}/stolen", trap.addr)),
        "{detail}"
    );
    assert_eq!(stub.hits().len(), 1);
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(trap.hits().is_empty(), "{:?}", trap.hits());
}

#[tokio::test]
async fn slow_upstreams_time_out_and_bodies_are_capped() {
    captured_logs();
    let stub = Stub::start(None).await;
    let console = console_for("stub", stub.url("/"), Some(Duration::from_millis(300))).await;
    let client = reqwest::Client::new();

    let started = Instant::now();
    let res = client
        .get(format!("{}/upstream/stub/slow", console.base))
        .send()
        .await
        .unwrap();
    let (status, body) = problem(res).await;
    assert_eq!(status, StatusCode::GATEWAY_TIMEOUT);
    assert_eq!(body["type"], "urn:switchboard:problem:upstream-timeout");
    assert!(started.elapsed() < Duration::from_millis(1500));

    let res = client
        .get(format!("{}/upstream/stub/huge", console.base))
        .send()
        .await
        .unwrap();
    let (status, body) = problem(res).await;
    assert_eq!(status, StatusCode::BAD_GATEWAY);
    assert_eq!(body["type"], "urn:switchboard:problem:upstream-too-large");

    let before = stub.hits().len();
    let res = client
        .post(format!("{}/upstream/stub/big", console.base))
        .body(vec![b'x'; 4 * 1024 * 1024 + 1])
        .send()
        .await
        .unwrap();
    assert_eq!(problem(res).await.0, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(stub.hits().len(), before, "an oversized body was forwarded");

    // Nobody listening is a 502, not a hang.
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap()
    };
    let dead = console_for(
        "gone",
        Url::parse(&format!("http://{closed}/")).unwrap(),
        None,
    )
    .await;
    let res = client
        .get(format!("{}/upstream/gone/x", dead.base))
        .send()
        .await
        .unwrap();
    let (status, body) = problem(res).await;
    assert_eq!(status, StatusCode::BAD_GATEWAY);
    assert_eq!(body["type"], "urn:switchboard:problem:upstream-unreachable");
}

#[tokio::test]
async fn cors_answers_exactly_the_configured_origins_on_the_api() {
    captured_logs();
    const ALLOWED: &str = "https://console.example";
    let server =
        TestServer::with(|c| c.cors_origins = vec!["https://Console.Example/".into()]).await;
    let client = reqwest::Client::new();
    let webhooks = server.url("/webhooks");
    let cors_headers = |res: &reqwest::Response| -> Vec<String> {
        res.headers()
            .keys()
            .map(|k| k.as_str().to_string())
            .filter(|k| k.starts_with("access-control-"))
            .collect()
    };
    let list = |res: &reqwest::Response, name: &str| -> Vec<String> {
        header(res, name)
            .unwrap_or("")
            .split(',')
            .map(|s| s.trim().to_ascii_lowercase())
            .collect()
    };

    let preflight = client
        .request(Method::OPTIONS, &webhooks)
        .header("origin", ALLOWED)
        .header("access-control-request-method", "POST")
        .header(
            "access-control-request-headers",
            "authorization, content-type, idempotency-key",
        )
        .send()
        .await
        .unwrap();
    assert!(preflight.status().is_success(), "{}", preflight.status());
    assert_eq!(
        header(&preflight, "access-control-allow-origin"),
        Some(ALLOWED)
    );
    assert!(preflight
        .headers()
        .get("access-control-allow-credentials")
        .is_none());
    let methods = list(&preflight, "access-control-allow-methods");
    for m in ["get", "post", "put", "patch", "delete", "options"] {
        assert!(methods.contains(&m.to_string()), "{methods:?}");
    }
    let headers = list(&preflight, "access-control-allow-headers");
    for h in [
        "authorization",
        "content-type",
        "accept",
        "x-auth-token",
        "idempotency-key",
    ] {
        assert!(headers.contains(&h.to_string()), "{headers:?}");
    }
    assert!(list(&preflight, "vary").contains(&"origin".to_string()));

    let res = client
        .get(&webhooks)
        .header("origin", ALLOWED)
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(header(&res, "access-control-allow-origin"), Some(ALLOWED));
    let exposed = list(&res, "access-control-expose-headers");
    assert!(exposed.contains(&"retry-after".to_string()), "{exposed:?}");
    assert!(exposed.contains(&"content-type".to_string()), "{exposed:?}");
    // The console must be able to read an error, too.
    let res = client
        .get(&webhooks)
        .header("origin", ALLOWED)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(header(&res, "access-control-allow-origin"), Some(ALLOWED));

    // Any other origin: no CORS header at all, and the preflight is not let through.
    for other in [
        "https://evil.example",
        "https://console.example.evil.example",
        "null",
    ] {
        let res = client
            .request(Method::OPTIONS, &webhooks)
            .header("origin", other)
            .header("access-control-request-method", "POST")
            .header("access-control-request-headers", "authorization")
            .send()
            .await
            .unwrap();
        assert!(!res.status().is_success(), "{other}: {}", res.status());
        assert!(
            cors_headers(&res).is_empty(),
            "{other}: {:?}",
            res.headers()
        );
        let res = client
            .get(&webhooks)
            .header("origin", other)
            .bearer_auth(TOKEN)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        assert!(
            cors_headers(&res).is_empty(),
            "{other}: {:?}",
            res.headers()
        );
        assert!(list(&res, "vary").contains(&"origin".to_string()));
    }

    // Only the API takes part: the console's pages are not for other origins.
    let res = client
        .get(format!("{}/", server.base))
        .header("origin", ALLOWED)
        .send()
        .await
        .unwrap();
    assert!(cors_headers(&res).is_empty(), "{:?}", res.headers());

    // Without configured origins nothing changes.
    let plain = TestServer::start().await;
    let res = client
        .request(Method::OPTIONS, plain.url("/webhooks"))
        .header("origin", ALLOWED)
        .header("access-control-request-method", "GET")
        .send()
        .await
        .unwrap();
    assert!(cors_headers(&res).is_empty(), "{:?}", res.headers());
}

#[tokio::test]
async fn the_console_csp_names_a_vendor_origin_and_bad_configuration_is_refused() {
    captured_logs();
    let server =
        TestServer::with(|c| c.extra_connect_src = vec!["https://api.vendor.example".into()]).await;
    let res = reqwest::get(format!("{}/", server.base)).await.unwrap();
    let csp = header(&res, "content-security-policy").unwrap();
    assert!(
        csp.contains("connect-src 'self' https://api.vendor.example;"),
        "{csp}"
    );

    let refused = |adjust: fn(&mut switchboard_server::Config)| async move {
        let dir = tempfile::tempdir().unwrap();
        let mut c = common::config(&dir);
        adjust(&mut c);
        matches!(
            switchboard_server::spawn(c).await,
            Err(switchboard_server::ServerError::Config(_))
        )
    };
    assert!(
        refused(|c| c.extra_connect_src = vec!["https://a.example; script-src *".into()]).await
    );
    assert!(refused(|c| c.cors_origins = vec!["*".into()]).await);
    assert!(refused(|c| c.cors_origins = vec!["https://console.example/app".into()]).await);
    assert!(
        refused(|c| c.upstreams = vec![(
            "a/b".into(),
            Url::parse("https://api.vendor.example").unwrap()
        )])
        .await
    );
    assert!(
        refused(|c| c.upstreams = vec![(
            "vendor".into(),
            Url::parse("https://user:pw@api.vendor.example").unwrap()
        )])
        .await
    );
}

#[tokio::test]
async fn credentials_never_reach_the_log() {
    let logs = captured_logs();
    let vendor = TestServer::start().await;
    let stub = Stub::start(Some("http://127.0.0.1:9/".into())).await;
    let console = TestServer::with(|c| {
        c.token = CONSOLE_TOKEN.into();
        c.upstream_timeout = Duration::from_millis(300);
        c.upstreams = vec![
            ("vendor".into(), Url::parse(&vendor.base).unwrap()),
            ("stub".into(), stub.url("/")),
        ];
        c.cors_origins = vec!["https://console.example".into()];
    })
    .await;
    let client = reqwest::Client::new();
    for (upstream, path) in [
        ("vendor", "api/v1/webhooks"),
        ("vendor", "api/v1/nope"),
        ("stub", "echo"),
        ("stub", "fail"),
        ("stub", "redirect"),
        ("stub", "slow"),
        ("stub", "%2e%2e/x"),
    ] {
        let res = client
            .post(format!("{}/upstream/{upstream}/{path}", console.base))
            .bearer_auth(TOKEN)
            .header("x-auth-token", X_AUTH_SECRET)
            .json(&webhook_body("Logged?", "https://example.com/hook"))
            .send()
            .await
            .unwrap();
        let _ = res.bytes().await;
    }
    // The console server's own API, directly, with its token, also through CORS.
    let res = client
        .get(console.url("/webhooks"))
        .header("origin", "https://console.example")
        .bearer_auth(CONSOLE_TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);

    let text = String::from_utf8_lossy(&logs.lock().unwrap()).into_owned();
    // The capture works: the forwarded requests were logged.
    assert!(text.contains("/upstream/stub/fail"), "nothing captured");
    for secret in [TOKEN, CONSOLE_TOKEN, X_AUTH_SECRET] {
        assert!(!text.contains(secret), "{secret} is in the log");
    }
}
