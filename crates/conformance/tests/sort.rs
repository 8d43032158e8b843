//! The `sort` checks fail, with a useful message, against a backend that advertises `sort`
//! but lists newest first whatever it is asked: the reference server behind a proxy that drops
//! the parameter.

use axum::body::Bytes;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Router;
use switchboard_conformance::report::Outcome;
use switchboard_conformance::{run, Dialect, Level, Options};
use switchboard_server::{spawn, Config};

const TOKEN: &str = "conformance-sort-token";

/// Forwards every request to `upstream` without its `sort` parameter.
async fn forward(State(upstream): State<String>, req: Request) -> Response {
    let query: Vec<&str> = req
        .uri()
        .query()
        .unwrap_or_default()
        .split('&')
        .filter(|kv| !kv.is_empty() && !kv.starts_with("sort="))
        .collect();
    let url = format!("{upstream}{}?{}", req.uri().path(), query.join("&"));
    let method = req.method().clone();
    let headers = req.headers().clone();
    let body: Bytes = axum::body::to_bytes(req.into_body(), 1 << 20)
        .await
        .unwrap_or_default();
    let mut out = reqwest::Client::new().request(method, url).body(body);
    for (name, value) in &headers {
        if name != "host" {
            out = out.header(name, value);
        }
    }
    let Ok(res) = out.send().await else {
        return StatusCode::BAD_GATEWAY.into_response();
    };
    let status = res.status();
    let headers = res.headers().clone();
    let body = res.bytes().await.unwrap_or_default();
    let mut reply = (status, body).into_response();
    for name in ["content-type", "x-request-id"] {
        if let Some(v) = headers.get(name) {
            reply.headers_mut().insert(name, v.clone());
        }
    }
    reply
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backend_that_ignores_sort_fails_the_sort_checks() {
    let dir = tempfile::tempdir().unwrap();
    let server = spawn(Config::new(dir.path().join("switchboard.db"), TOKEN))
        .await
        .expect("server starts");
    let app = Router::new()
        .fallback(forward)
        .with_state(server.base_url());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    let report = run(&Options {
        base_url: base,
        token: TOKEN.into(),
        level: Level::Core,
        dialect: Dialect::Switchboard,
        base_path: None,
        receiver_port: None,
        allow_remote: false,
        run_tag: None,
    })
    .await
    .expect("the checker runs");
    println!("{}", report.to_text());
    assert!(!report.passed);
    let failure = |id: &str| match report.check(id).map(|c| c.outcome.clone()) {
        Some(Outcome::Fail(f)) => f,
        other => panic!("{id} should fail, is {other:?}"),
    };
    let f = failure("sort.name_asc");
    assert!(f.expected.starts_with("ids in the order"), "{f:?}");
    let f = failure("sort.unknown_sort");
    assert_eq!(f.status, Some(200));
    assert!(
        f.request.as_deref().unwrap().contains("sort=no_such_order"),
        "{f:?}"
    );
    let f = failure("sort.wrong_cursor");
    assert_eq!(f.status, Some(200));
    // The rest of the contract still holds behind the proxy.
    assert_eq!(
        report.check("core.list.envelope").map(|c| &c.outcome),
        Some(&Outcome::Pass)
    );
    server.shutdown().await;
}
