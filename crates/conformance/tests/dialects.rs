//! `--dialect`: the reference server's vendor profiles pass their own dialect's checks in full
//! and are left empty; a server of another shape, or a stub that answers the wrong shape, is
//! caught check by check.

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use switchboard_conformance::report::{Failure, Outcome, Report};
use switchboard_conformance::{run, Dialect, Level, Options};
use switchboard_server::{spawn, Config, Profile, ServerHandle};

const TOKEN: &str = "dialect-test-token";

async fn server(profile: Profile) -> (ServerHandle, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let mut c = Config::new(dir.path().join("switchboard.db"), TOKEN);
    c.profile = profile;
    c.retry_schedule = vec![Duration::ZERO, Duration::from_millis(200)];
    (spawn(c).await.expect("server starts"), dir)
}

fn options(base_url: &str, dialect: Dialect) -> Options {
    Options {
        base_url: base_url.into(),
        token: TOKEN.into(),
        level: Level::Core,
        dialect,
        base_path: None,
        receiver_port: None,
        allow_remote: false,
        run_tag: None,
    }
}

async fn check(opts: &Options) -> Report {
    let report = run(opts).await.expect("the checker runs");
    println!("{}", report.to_text());
    report
}

/// How many webhooks the server lists, asked in its own dialect.
async fn remaining(base: &str, profile: Profile) -> usize {
    let c = reqwest::Client::new();
    let req = match profile {
        Profile::Plandocket => c.get(format!("{base}/api/v1/webhooks")).bearer_auth(TOKEN),
        Profile::Shoprenter => c
            .get(format!("{base}/api/webHooks?limit=200"))
            .basic_auth("switchboard", Some(TOKEN)),
        Profile::Outputrocks => c
            .get(format!("{base}/api/spa/webhooks"))
            .header("x-auth-token", TOKEN)
            .header("accept", "application/json"),
        _ => c
            .get(format!("{base}/api/notifications/v1/webhooks"))
            .bearer_auth(TOKEN),
    };
    let body: Value = req.send().await.unwrap().json().await.unwrap();
    let list = match profile {
        Profile::Plandocket => &body["data"],
        Profile::Shoprenter => &body["items"],
        _ => &body,
    };
    list.as_array().expect("a list").len()
}

fn not_passing(report: &Report) -> Vec<String> {
    report
        .groups
        .iter()
        .flat_map(|g| &g.checks)
        .filter(|c| c.outcome != Outcome::Pass)
        .map(|c| c.id.clone())
        .collect()
}

fn failure(report: &Report, id: &str) -> Failure {
    match report.check(id).map(|c| c.outcome.clone()) {
        Some(Outcome::Fail(f)) => f,
        other => panic!("{id} should fail, is {other:?}\n{}", report.to_text()),
    }
}

async fn passes_in_full(profile: Profile, dialect: Dialect, expected: &[&str]) {
    let (srv, _dir) = server(profile).await;
    let base = srv.base_url();
    let report = check(&options(&base, dialect)).await;
    assert!(report.passed, "{}", report.to_text());
    assert_eq!(
        not_passing(&report),
        Vec::<String>::new(),
        "{}",
        report.to_text()
    );
    assert_eq!(report.dialect, dialect);
    assert_eq!(report.groups.len(), 1);
    for id in expected {
        let id = format!("{}.{id}", dialect.as_str());
        assert!(report.check(&id).is_some(), "{id} missing");
    }
    assert!(report.left_behind.is_empty(), "{:?}", report.left_behind);
    assert_eq!(remaining(&base, profile).await, 0, "the run left webhooks");
    let text = report.to_text();
    assert!(
        text.contains(&format!("COMPLIANT with the {} dialect", dialect.as_str())),
        "{text}"
    );
    srv.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plandocket_profile_passes_the_plandocket_dialect() {
    passes_in_full(
        Profile::Plandocket,
        Dialect::Plandocket,
        &[
            "events",
            "create",
            "list.no_secrets",
            "validation.https_only",
            "delete",
            "cleanup",
        ],
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shoprenter_profile_passes_the_shoprenter_dialect() {
    passes_in_full(
        Profile::Shoprenter,
        Dialect::Shoprenter,
        &[
            "auth.missing",
            "auth.wrong",
            "create.seed_example",
            "list.full",
            "update.put_partial",
            "validation.create",
            "validation.update",
            "delete",
        ],
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn outputrocks_profile_passes_the_outputrocks_dialect() {
    passes_in_full(
        Profile::Outputrocks,
        Dialect::Outputrocks,
        &[
            "create.seed_example",
            "list.jsonld",
            "update.plain_json",
            "update.merge_patch",
            "validation.type",
            "validation.data",
            "delete",
        ],
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn apiplatform_profile_passes_the_apiplatform_dialect() {
    passes_in_full(
        Profile::Apiplatform,
        Dialect::Apiplatform,
        &[
            "create.seed_example",
            "list",
            "deactivate",
            "validation.http_target",
            "validation.auth",
            "delete",
        ],
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_plandocket_server_is_not_shoprenter() {
    let (srv, _dir) = server(Profile::Plandocket).await;
    let base = srv.base_url();
    let report = check(&options(&base, Dialect::Shoprenter)).await;
    assert!(!report.passed);
    let f = failure(&report, "shoprenter.create.seed_example");
    assert_eq!(f.request.as_deref(), Some("POST /webHooks"));
    failure(&report, "shoprenter.validation.create");
    // What needs the created item is skipped, with the reason.
    assert!(matches!(
        report.check("shoprenter.get").map(|c| &c.outcome),
        Some(Outcome::Skip { reason }) if reason.contains("create")
    ));
    assert!(report
        .to_text()
        .contains("NOT COMPLIANT with the shoprenter dialect"));
    assert_eq!(remaining(&base, Profile::Plandocket).await, 0);

    // Nor does Switchboard's own checker find its API below the Shoprenter profile's /api.
    let (shop, _dir2) = server(Profile::Shoprenter).await;
    let report = check(&options(&shop.base_url(), Dialect::Plandocket)).await;
    assert!(!report.passed);
    // Its basic-auth API refuses the bearer token: nothing can be read.
    assert_eq!(failure(&report, "plandocket.events").status, Some(401));
    srv.shutdown().await;
    shoprenter_is_clean(&shop).await;
}

async fn shoprenter_is_clean(shop: &ServerHandle) {
    assert_eq!(remaining(&shop.base_url(), Profile::Shoprenter).await, 0);
}

// --- A stub of the API platform that gets its shape wrong --------------------------------------

/// Records as stored, in full (the stub's flaw: it shows them so).
#[derive(Clone, Default)]
struct Stub(Arc<Mutex<Vec<Value>>>);

const STUB_BASE: &str = "/custom/notifications";

fn authorized(h: &HeaderMap) -> bool {
    h.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()) == Some(&format!("Bearer {TOKEN}"))
}

fn unauthorized() -> Response {
    (StatusCode::UNAUTHORIZED, Json(json!({"status": 401}))).into_response()
}

/// Takes anything, shows the password back, and pretends its target is fine.
async fn stub_create(State(s): State<Stub>, h: HeaderMap, Json(mut body): Json<Value>) -> Response {
    if !authorized(&h) {
        return unauthorized();
    }
    let mut store = s.0.lock().unwrap();
    body["id"] = json!(format!("00000000-0000-4000-8000-{:012}", store.len() + 1));
    body["status"] = json!("active");
    body["createdAt"] = json!("2024-01-01T00:00:00Z");
    body["updatedAt"] = json!("2024-01-01T00:00:00Z");
    store.push(body.clone());
    Json(body).into_response()
}

/// The list wrapped in an envelope instead of a plain array.
async fn stub_list(State(s): State<Stub>, h: HeaderMap) -> Response {
    if !authorized(&h) {
        return unauthorized();
    }
    Json(json!({"data": s.0.lock().unwrap().clone()})).into_response()
}

async fn stub_show(State(s): State<Stub>, h: HeaderMap, Path(id): Path<String>) -> Response {
    if !authorized(&h) {
        return unauthorized();
    }
    match s.0.lock().unwrap().iter().find(|w| w["id"] == id.as_str()) {
        Some(w) => Json(w.clone()).into_response(),
        None => (StatusCode::NOT_FOUND, Json(json!({"status": 404}))).into_response(),
    }
}

async fn stub_delete(State(s): State<Stub>, h: HeaderMap, Path(id): Path<String>) -> Response {
    if !authorized(&h) {
        return unauthorized();
    }
    let mut store = s.0.lock().unwrap();
    let before = store.len();
    store.retain(|w| w["id"] != id.as_str());
    if store.len() < before {
        StatusCode::NO_CONTENT.into_response()
    } else {
        StatusCode::NOT_FOUND.into_response()
    }
}

async fn stub_deactivate(State(s): State<Stub>, h: HeaderMap, Path(id): Path<String>) -> Response {
    if !authorized(&h) {
        return unauthorized();
    }
    let mut store = s.0.lock().unwrap();
    match store.iter_mut().find(|w| w["id"] == id.as_str()) {
        Some(w) => {
            w["status"] = json!("deactivated");
            Json(w.clone()).into_response()
        }
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

async fn start_stub() -> (String, Stub) {
    let stub = Stub::default();
    let api = Router::new()
        .route("/webhooks", get(stub_list).post(stub_create))
        .route("/webhooks/{id}", get(stub_show).delete(stub_delete))
        .route("/webhooks/{id}/deactivate", post(stub_deactivate))
        .with_state(stub.clone());
    let app = Router::new().nest(STUB_BASE, api);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (base, stub)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stub_of_the_wrong_shape_is_caught_check_by_check() {
    let (base, stub) = start_stub().await;
    let mut opts = options(&base, Dialect::Apiplatform);
    opts.base_path = Some(format!("{STUB_BASE}/"));
    let report = check(&opts).await;
    assert!(!report.passed);
    assert_eq!(report.base_path, STUB_BASE);
    let pass = |id: &str| {
        assert_eq!(
            report.check(id).map(|c| &c.outcome),
            Some(&Outcome::Pass),
            "{id}\n{}",
            report.to_text()
        )
    };
    pass("apiplatform.auth.missing");
    pass("apiplatform.auth.wrong");
    pass("apiplatform.delete");

    // The password comes back.
    let f = failure(&report, "apiplatform.create.seed_example");
    assert_eq!(f.json_path.as_deref(), Some("$.auth.password"), "{f:?}");
    assert_eq!(f.request.as_deref(), Some("POST /webhooks"));
    // So does every read of it, and the deactivated record too.
    let f = failure(&report, "apiplatform.get");
    assert_eq!(f.json_path.as_deref(), Some("$.auth.password"), "{f:?}");
    failure(&report, "apiplatform.deactivate");
    // The list is not a plain array.
    let f = failure(&report, "apiplatform.list");
    assert_eq!(f.json_path.as_deref(), Some("$"));
    assert!(f.got.contains("object"), "{f:?}");
    // A plain-http target is taken: reported, and deleted again.
    let f = failure(&report, "apiplatform.validation.http_target");
    assert_eq!(f.status, Some(200));
    failure(&report, "apiplatform.validation.auth");
    // The sweep cannot read the list, but what the run created it deleted by id.
    failure(&report, "apiplatform.cleanup");
    assert_eq!(stub.0.lock().unwrap().len(), 0, "nothing left in the stub");

    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(json["dialect"], "apiplatform");
    assert_eq!(json["groups"][0]["group"], "apiplatform");
}

// --- A plandocket stub that answers a create as the seed's example does -----------------------

/// Webhooks as stored, secrets included; the last id handed out.
#[derive(Clone, Default)]
struct Plandocket(Arc<Mutex<(u64, Vec<Value>)>>);

fn envelope(status: StatusCode, data: Value) -> Response {
    (
        status,
        Json(json!({"data": data, "meta": {"request_id": "req_stub"}})),
    )
        .into_response()
}

fn refused(field: &str) -> Response {
    let body =
        json!({"title": "Invalid", "status": 422, "errors": [{"field": field, "message": "bad"}]});
    (StatusCode::UNPROCESSABLE_ENTITY, Json(body)).into_response()
}

async fn pd_events(h: HeaderMap) -> Response {
    if !authorized(&h) {
        return unauthorized();
    }
    envelope(StatusCode::OK, json!(["order.created", "order.paid"]))
}

async fn pd_list(State(s): State<Plandocket>, h: HeaderMap) -> Response {
    if !authorized(&h) {
        return unauthorized();
    }
    let items: Vec<Value> =
        s.0.lock()
            .unwrap()
            .1
            .iter()
            .map(|w| {
                let mut w = w.clone();
                w.as_object_mut().map(|m| m.remove("secret"));
                w
            })
            .collect();
    envelope(StatusCode::OK, Value::Array(items))
}

async fn pd_create(State(s): State<Plandocket>, h: HeaderMap, Json(body): Json<Value>) -> Response {
    if !authorized(&h) {
        return unauthorized();
    }
    if !body["url"]
        .as_str()
        .is_some_and(|u| u.starts_with("https://"))
    {
        return refused("url");
    }
    if !body["events"].is_array() {
        return refused("events");
    }
    let mut store = s.0.lock().unwrap();
    store.0 += 1;
    let id = store.0;
    let mut w = body.clone();
    w["id"] = json!(id);
    w["secret"] = json!(format!("whsec_{id}"));
    w["failure_count"] = json!(0);
    w["last_triggered_at"] = Value::Null;
    w["created_at"] = json!(1704067200);
    store.1.push(w);
    envelope(
        StatusCode::OK,
        json!({"webhook_id": id, "created_at": 1704067200, "updated_at": 1704067200}),
    )
}

async fn pd_show(State(s): State<Plandocket>, h: HeaderMap, Path(id): Path<u64>) -> Response {
    if !authorized(&h) {
        return unauthorized();
    }
    match s.0.lock().unwrap().1.iter().find(|w| w["id"] == id) {
        Some(w) => envelope(StatusCode::OK, w.clone()),
        None => (StatusCode::NOT_FOUND, Json(json!({"status": 404}))).into_response(),
    }
}

async fn pd_delete(State(s): State<Plandocket>, h: HeaderMap, Path(id): Path<u64>) -> Response {
    if !authorized(&h) {
        return unauthorized();
    }
    let mut store = s.0.lock().unwrap();
    let before = store.1.len();
    store.1.retain(|w| w["id"] != id);
    if store.1.len() < before {
        StatusCode::NO_CONTENT.into_response()
    } else {
        StatusCode::NOT_FOUND.into_response()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_create_answering_only_the_webhook_id_is_read_back() {
    let stub = Plandocket::default();
    let app = Router::new()
        .route("/api/v1/webhooks/events", get(pd_events))
        .route("/api/v1/webhooks", get(pd_list).post(pd_create))
        .route("/api/v1/webhooks/{id}", get(pd_show).delete(pd_delete))
        .with_state(stub.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    let report = check(&options(&base, Dialect::Plandocket)).await;
    assert!(report.passed, "{}", report.to_text());
    assert_eq!(not_passing(&report), Vec::<String>::new());
    assert_eq!(stub.0.lock().unwrap().0, 1, "one webhook was made");
    assert!(stub.0.lock().unwrap().1.is_empty(), "and deleted again");
}

// --- The command line ----------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_command_line_takes_a_dialect_and_a_base_path() {
    let (srv, _dir) = server(Profile::Outputrocks).await;
    let dir = tempfile::tempdir().unwrap();
    let json_path = dir.path().join("report.json");
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_switchboard-conformance"))
        .args([
            "--base-url",
            &srv.base_url(),
            "--token",
            TOKEN,
            "--dialect",
            "outputrocks",
            "--base-path",
            "/api/spa",
            "--json",
        ])
        .arg(&json_path)
        .output()
        .await
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.contains("PASS  outputrocks.update.merge_patch"),
        "{stdout}"
    );
    let json: Value = serde_json::from_slice(&std::fs::read(&json_path).unwrap()).unwrap();
    assert_eq!(json["passed"], true);
    assert_eq!(json["dialect"], "outputrocks");
    assert_eq!(json["base_path"], "/api/spa");

    // The wrong base path finds nothing there.
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_switchboard-conformance"))
        .args(["--base-url", &srv.base_url(), "--token", TOKEN])
        .args(["--dialect", "outputrocks", "--base-path", "/api/v1"])
        .output()
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    srv.shutdown().await;

    let help = tokio::process::Command::new(env!("CARGO_BIN_EXE_switchboard-conformance"))
        .arg("--help")
        .output()
        .await
        .unwrap();
    let help = String::from_utf8_lossy(&help.stdout);
    for word in [
        "--dialect",
        "--base-path",
        "shoprenter",
        "X-AUTH-TOKEN",
        "/api/notifications/v1",
    ] {
        assert!(help.contains(word), "{word} not in --help:\n{help}");
    }
}
