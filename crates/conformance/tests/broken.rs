//! Broken fake backends make the named checks fail with a useful message.

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};
use switchboard_conformance::report::{Failure, Outcome, Report};
use switchboard_conformance::{run, Dialect, Level, Options};

const TOKEN: &str = "fake-token";

#[derive(Clone, Copy, PartialEq)]
enum Flaw {
    /// Lists are bare arrays, the token is never checked, unknown routes are plain text.
    Bare,
    /// Everything is enveloped and authenticated, but lists carry the signing secret.
    LeaksSecret,
}

#[derive(Clone)]
struct Fake {
    flaw: Flaw,
    /// Webhooks as stored: integer ids and Unix-second times, as the plandocket API has them.
    store: Arc<Mutex<(u64, Vec<Value>)>>,
}

fn problem(status: StatusCode, title: &str) -> Response {
    let body = json!({"type": "about:blank", "title": title, "status": status.as_u16()});
    (
        status,
        [(header::CONTENT_TYPE, "application/problem+json")],
        body.to_string(),
    )
        .into_response()
}

fn envelope(status: StatusCode, data: Value) -> Response {
    (
        status,
        Json(json!({"data": data, "meta": {"request_id": "req_fake", "next_cursor": null}})),
    )
        .into_response()
}

impl Fake {
    fn authorised(&self, h: &HeaderMap) -> bool {
        self.flaw == Flaw::Bare
            || h.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok())
                == Some(&format!("Bearer {TOKEN}"))
    }

    fn count(&self) -> usize {
        self.store.lock().unwrap().1.len()
    }
}

async fn list(State(f): State<Fake>, h: HeaderMap) -> Response {
    if !f.authorised(&h) {
        return problem(StatusCode::UNAUTHORIZED, "Unauthorized");
    }
    let mut items = f.store.lock().unwrap().1.clone();
    items.reverse();
    match f.flaw {
        Flaw::Bare => Json(Value::Array(items)).into_response(),
        Flaw::LeaksSecret => envelope(StatusCode::OK, Value::Array(items)),
    }
}

async fn create(State(f): State<Fake>, h: HeaderMap, Json(body): Json<Value>) -> Response {
    if !f.authorised(&h) {
        return problem(StatusCode::UNAUTHORIZED, "Unauthorized");
    }
    let mut store = f.store.lock().unwrap();
    store.0 += 1;
    let w = json!({
        "id": store.0,
        "name": body["name"],
        "url": body["url"],
        "events": body["events"],
        "is_active": body.get("is_active").cloned().unwrap_or(json!(true)),
        "secret": format!("whsec_fake{}", store.0),
        "created_at": 1_704_067_200u64 + store.0,
        "updated_at": 1_704_067_200u64 + store.0,
    });
    store.1.push(w.clone());
    envelope(StatusCode::CREATED, w)
}

async fn show(State(f): State<Fake>, Path(id): Path<String>) -> Response {
    let store = f.store.lock().unwrap();
    match store.1.iter().find(|w| w["id"].as_u64() == id.parse().ok()) {
        Some(w) => envelope(StatusCode::OK, w.clone()),
        None => problem(StatusCode::NOT_FOUND, "Not Found"),
    }
}

async fn remove(State(f): State<Fake>, Path(id): Path<String>) -> Response {
    let mut store = f.store.lock().unwrap();
    let before = store.1.len();
    store.1.retain(|w| w["id"].as_u64() != id.parse().ok());
    if store.1.len() < before {
        StatusCode::NO_CONTENT.into_response()
    } else {
        problem(StatusCode::NOT_FOUND, "Not Found")
    }
}

async fn start(flaw: Flaw) -> (String, Fake) {
    let fake = Fake {
        flaw,
        store: Arc::new(Mutex::new((0, Vec::new()))),
    };
    let app = Router::new()
        .route(
            "/api/v1/capabilities",
            get(|| async { problem(StatusCode::NOT_FOUND, "Not Found") }),
        )
        .route(
            "/api/v1/webhooks/events",
            get(|| async {
                envelope(
                    StatusCode::OK,
                    json!([{"name": "order_confirm"}, {"name": "lock"}]),
                )
            }),
        )
        .route("/api/v1/webhooks", get(list).post(create))
        .route("/api/v1/webhooks/{id}", get(show).delete(remove))
        .fallback(move || async move {
            match flaw {
                Flaw::Bare => (StatusCode::NOT_FOUND, "nothing here").into_response(),
                Flaw::LeaksSecret => problem(StatusCode::NOT_FOUND, "Not Found"),
            }
        })
        .with_state(fake.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (base, fake)
}

async fn check(base: &str) -> Report {
    let report = run(&Options {
        base_url: base.into(),
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
    report
}

fn failure(report: &Report, id: &str) -> Failure {
    match report.check(id).map(|c| c.outcome.clone()) {
        Some(Outcome::Fail(f)) => f,
        other => panic!("{id} should fail, is {other:?}\n{}", report.to_text()),
    }
}

fn passes(report: &Report, id: &str) {
    assert_eq!(
        report.check(id).map(|c| &c.outcome),
        Some(&Outcome::Pass),
        "{id}\n{}",
        report.to_text()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lists_without_the_envelope_and_open_doors_are_named() {
    let (base, fake) = start(Flaw::Bare).await;
    let report = check(&base).await;
    assert!(!report.passed);

    let f = failure(&report, "core.list.envelope");
    assert_eq!(f.json_path.as_deref(), Some("$"));
    assert!(f.expected.contains("{data, meta}"), "{f:?}");
    assert!(f.got.starts_with("an array of"), "{f:?}");
    assert_eq!(
        f.request.as_deref().map(|r| r.starts_with("GET /webhooks")),
        Some(true)
    );

    let f = failure(&report, "core.auth.missing_token");
    assert_eq!(f.status, Some(200));
    assert_eq!(f.expected, "status 401 with application/problem+json");

    let f = failure(&report, "core.unknown_route");
    assert!(f.expected.contains("application/problem+json"), "{f:?}");
    assert!(
        f.content_type
            .as_deref()
            .is_some_and(|c| c.starts_with("text/plain")),
        "{f:?}"
    );

    // Integer ids and Unix-second times are read without complaint.
    passes(&report, "core.create");
    passes(&report, "core.get");
    let text = report.to_text();
    assert!(text.contains("FAIL  core.list.envelope"), "{text}");
    assert!(text.contains("NOT COMPLIANT at level core"), "{text}");
    assert_eq!(
        fake.count(),
        0,
        "the checker leaves nothing behind even when checks fail"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_secret_in_a_list_is_pointed_at() {
    let (base, fake) = start(Flaw::LeaksSecret).await;
    let report = check(&base).await;
    assert!(!report.passed);
    passes(&report, "core.auth.missing_token");
    passes(&report, "core.list.envelope");
    let f = failure(&report, "core.list.no_secrets");
    let path = f.json_path.clone().unwrap_or_default();
    assert!(
        path.starts_with("$.data[") && path.ends_with("].secret"),
        "{f:?}"
    );
    assert_eq!(f.content_type.as_deref(), Some("application/json"));
    // No validation at all: each refused create is reported at its field.
    let f = failure(&report, "core.validation.url_missing");
    assert_eq!(f.status, Some(201));
    assert_eq!(fake.count(), 0, "the checker leaves nothing behind");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_command_line_exits_non_zero_and_writes_json() {
    let (base, _fake) = start(Flaw::LeaksSecret).await;
    let dir = tempfile::tempdir().unwrap();
    let json_path = dir.path().join("report.json");
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_switchboard-conformance"))
        .args([
            "--base-url",
            &base,
            "--token",
            TOKEN,
            "--level",
            "core",
            "--json",
        ])
        .arg(&json_path)
        .output()
        .await
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("FAIL  core.list.no_secrets"), "{stdout}");
    let json: Value = serde_json::from_slice(&std::fs::read(&json_path).unwrap()).unwrap();
    assert_eq!(json["passed"], false);
    assert_eq!(json["level"], "core");
    let checks: Vec<&Value> = json["groups"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|g| g["checks"].as_array().unwrap())
        .collect();
    let leak = checks
        .iter()
        .find(|c| c["id"] == "core.list.no_secrets")
        .unwrap();
    assert_eq!(leak["outcome"], "fail");
    assert!(leak["json_path"].as_str().unwrap().ends_with("].secret"));

    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_switchboard-conformance"))
        .args(["--base-url", "https://api.example.com", "--token", TOKEN])
        .output()
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--i-understand-this-writes"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sweep_deletes_only_what_carries_the_run_tag() {
    let (base, fake) = start(Flaw::LeaksSecret).await;
    let client = reqwest::Client::new();
    for name in ["cf-feedbeef-a", "cf-feedbeef-b", "someone-elses"] {
        let r = client
            .post(format!("{base}/api/v1/webhooks"))
            .bearer_auth(TOKEN)
            .json(&json!({"name": name, "url": "https://example.invalid/x", "events": ["lock"]}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201);
    }
    let left = switchboard_conformance::sweep(&base, TOKEN, "feedbeef")
        .await
        .unwrap();
    assert!(left.is_empty(), "{left:?}");
    let names: Vec<String> = fake
        .store
        .lock()
        .unwrap()
        .1
        .iter()
        .map(|w| w["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(names, ["someone-elses"]);
}
