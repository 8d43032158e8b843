//! The server skeleton: bearer check, capabilities, problem+json, request ids, static files,
//! shutdown.

mod common;

use common::{TestServer, TOKEN};
use reqwest::StatusCode;
use serde_json::Value;
use switchboard_api::{Capabilities, Envelope, Feature, Problem};
use switchboard_server::Profile;

#[tokio::test]
async fn capabilities_need_the_token() {
    let s = TestServer::start().await;
    let res = s.client.get(s.url("/capabilities")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert!(res.headers()["www-authenticate"]
        .to_str()
        .unwrap()
        .starts_with("Bearer"));
    assert_eq!(res.headers()["content-type"], "application/problem+json");
    let rid = res.headers()["x-request-id"].to_str().unwrap().to_string();
    let p: Problem = res.json().await.unwrap();
    assert_eq!(p.status, 401);
    assert_eq!(p.request_id.as_deref(), Some(rid.as_str()));

    let wrong = s
        .client
        .get(s.url("/capabilities"))
        .bearer_auth("nope")
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);

    let res = s
        .client
        .get(s.url("/capabilities"))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let rid = res.headers()["x-request-id"].to_str().unwrap().to_string();
    let env: Envelope<Capabilities> = res.json().await.unwrap();
    assert_eq!(env.data.api_version, "1");
    for f in Feature::ALL {
        assert!(env.data.has(f), "{f:?} missing");
    }
    assert_eq!(env.meta.request_id.as_deref(), Some(rid.as_str()));
}

#[tokio::test]
async fn profiles_change_the_advertised_level() {
    let core = TestServer::profile(Profile::Core).await;
    let (status, body) = core.get("/capabilities").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["data"]["features"], Value::Array(vec![]));
    let (status, _) = core.get("/deliveries").await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let pd = TestServer::profile(Profile::Plandocket).await;
    let (status, body) = pd.get("/capabilities").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["status"], 404);
}

#[tokio::test]
async fn unknown_api_routes_are_problems() {
    let s = TestServer::start().await;
    for path in ["/api/v1/nothing-here", "/api/v2/webhooks", "/api"] {
        let res = s
            .client
            .get(format!("{}{path}", s.base))
            .bearer_auth(TOKEN)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{path}");
        assert_eq!(res.headers()["content-type"], "application/problem+json");
        let p: Problem = res.json().await.unwrap();
        assert_eq!(p.status, 404);
        assert!(p.request_id.is_some());
    }
    let res = s
        .client
        .put(s.url("/capabilities"))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(res.headers()["content-type"], "application/problem+json");
}

/// A static directory with a console page (`<title>console</title>`) and one script,
/// `app.js`; the directory lives as long as the returned guard.
fn console_site() -> (tempfile::TempDir, std::path::PathBuf) {
    let site = tempfile::tempdir().unwrap();
    std::fs::write(
        site.path().join("index.html"),
        "<!doctype html><title>console</title>",
    )
    .unwrap();
    std::fs::write(site.path().join("app.js"), "console.log(1)").unwrap();
    let dir = site.path().to_path_buf();
    (site, dir)
}

#[tokio::test]
async fn static_files_carry_security_headers_and_spa_fallback() {
    let (_site, dir) = console_site();
    let s = TestServer::with(move |c| {
        c.static_dir = Some(dir);
        c.extra_connect_src = vec!["http://127.0.0.1:9999".into()];
    })
    .await;
    for (path, html) in [
        ("/", true),
        ("/webhooks/wh_1/deliveries", true),
        ("/app.js", false),
    ] {
        let res = s
            .client
            .get(format!("{}{path}", s.base))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{path}");
        let h = res.headers().clone();
        let csp = h["content-security-policy"].to_str().unwrap();
        assert!(
            csp.contains("script-src 'self' 'wasm-unsafe-eval'"),
            "{csp}"
        );
        assert!(
            csp.contains("connect-src 'self' http://127.0.0.1:9999;"),
            "{csp}"
        );
        assert!(csp.contains("frame-ancestors 'none'"));
        assert_eq!(h["x-content-type-options"], "nosniff");
        assert_eq!(h["referrer-policy"], "no-referrer");
        assert_eq!(h.get("cache-control").is_some(), html, "{path}");
        let text = res.text().await.unwrap();
        assert_eq!(text.contains("<title>console</title>"), html, "{path}");
    }
}

#[tokio::test]
async fn a_missing_file_a_page_asks_for_is_a_404_and_navigations_get_the_page() {
    let (_site, dir) = console_site();
    let s = TestServer::with(move |c| c.static_dir = Some(dir)).await;
    // (path, what the browser says it fetches, status, served the page)
    for (path, dest, status, page) in [
        // A chunk of an older deploy, as the loader asks for it.
        (
            "/switchboard-0ld/split_list.wasm",
            Some("empty"),
            404,
            false,
        ),
        (
            "/switchboard-0ld/switchboard.js",
            Some("script"),
            404,
            false,
        ),
        ("/main-0ld.css", Some("style"), 404, false),
        ("/app.js", Some("script"), 200, false),
        // Client-side routes, dots in an event type's name included.
        (
            "/event-types/delivery.completed",
            Some("document"),
            200,
            true,
        ),
        ("/webhooks/wh_1", Some("iframe"), 200, true),
        ("/event-types/delivery.completed", None, 200, true),
    ] {
        let mut req = s.client.get(format!("{}{path}", s.base));
        if let Some(dest) = dest {
            req = req.header("sec-fetch-dest", dest);
        }
        let res = req.send().await.unwrap();
        assert_eq!(res.status().as_u16(), status, "{path} {dest:?}");
        assert_eq!(res.headers()["x-content-type-options"], "nosniff");
        let text = res.text().await.unwrap();
        assert_eq!(
            text.contains("<title>console</title>"),
            page,
            "{path} {dest:?}"
        );
    }
}

#[tokio::test]
async fn precompressed_assets_go_to_clients_that_accept_gzip() {
    let site = tempfile::tempdir().unwrap();
    std::fs::write(site.path().join("index.html"), "<!doctype html>").unwrap();
    std::fs::write(site.path().join("app_bg.wasm"), b"\0asm plain").unwrap();
    std::fs::write(site.path().join("app_bg.wasm.gz"), b"gzipped bytes").unwrap();
    let dir = site.path().to_path_buf();
    let s = TestServer::with(move |c| c.static_dir = Some(dir)).await;
    let get = |accept: &'static str| {
        s.client
            .get(format!("{}/app_bg.wasm", s.base))
            .header("accept-encoding", accept)
            .send()
    };
    let res = get("gzip, br").await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-encoding"], "gzip");
    // Streaming compilation in the browser needs the wasm type, not the archive's.
    assert_eq!(res.headers()["content-type"], "application/wasm");
    assert_eq!(res.headers()["x-content-type-options"], "nosniff");
    assert_eq!(res.bytes().await.unwrap().as_ref(), b"gzipped bytes");

    let res = get("identity").await.unwrap();
    assert!(res.headers().get("content-encoding").is_none());
    assert_eq!(res.bytes().await.unwrap().as_ref(), b"\0asm plain");
}

#[tokio::test]
async fn shutdown_closes_the_port() {
    let mut s = TestServer::start().await;
    let addr = s.handle.as_ref().unwrap().addr();
    assert!(tokio::net::TcpStream::connect(addr).await.is_ok());
    s.stop().await;
    assert!(tokio::net::TcpStream::connect(addr).await.is_err());
}

#[tokio::test]
async fn framework_rejections_are_problems_too() {
    let s = TestServer::start().await;
    let res = s
        .client
        .get(format!("{}/api/v1/webhooks?limit=%FF%FE", s.base))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert_eq!(res.headers()["content-type"], "application/problem+json");
    let res = s
        .client
        .post(s.url("/events"))
        .bearer_auth(TOKEN)
        .header("content-type", "application/json")
        .body(vec![b' '; 3 * 1024 * 1024])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(res.headers()["content-type"], "application/problem+json");
    let p: Problem = res.json().await.unwrap();
    assert_eq!(p.status, 413);
    assert!(p.request_id.is_some());
}

#[tokio::test]
async fn every_api_answer_is_no_store_and_console_files_keep_their_caching() {
    let (_site, dir) = console_site();
    let s = TestServer::with(move |c| c.static_dir = Some(dir)).await;
    let get = |path: &str, token: Option<&str>| {
        let mut req = s.client.get(format!("{}{path}", s.base));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        req.send()
    };
    for (path, token, status) in [
        ("/api/v1/webhooks", Some(TOKEN), 200),
        ("/api/v1/webhooks", None, 401),
        ("/api/v1/webhooks", Some("wrong"), 401),
        ("/api/v1/no-such-route", Some(TOKEN), 404),
        ("/api/v2/webhooks", None, 404),
        ("/api", None, 404),
    ] {
        let res = get(path, token).await.unwrap();
        assert_eq!(res.status().as_u16(), status, "{path}");
        assert_eq!(res.headers()["cache-control"], "no-store", "{path}");
    }
    let res = s
        .client
        .delete(s.url("/capabilities"))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(res.headers()["cache-control"], "no-store");

    let page = get("/", None).await.unwrap();
    assert_eq!(page.headers()["cache-control"], "no-cache");
    let script = get("/app.js", None).await.unwrap();
    assert!(script.headers().get("cache-control").is_none());

    // A vendor profile's API answers the same way.
    let vendor = TestServer::profile(Profile::Shoprenter).await;
    let res = vendor
        .client
        .get(format!("{}/api/webHooks", vendor.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(res.headers()["cache-control"], "no-store");
}

#[tokio::test]
async fn a_client_that_keeps_failing_the_token_check_is_shut_out_for_the_window() {
    let window = std::time::Duration::from_millis(1500);
    let s = TestServer::with(|c| {
        c.auth_failure_limit = 3;
        c.auth_failure_window = window;
    })
    .await;
    let caps = |token: &'static str| {
        s.client
            .get(s.url("/capabilities"))
            .bearer_auth(token)
            .send()
    };
    // Successes are never counted.
    for _ in 0..10 {
        assert_eq!(caps(TOKEN).await.unwrap().status(), StatusCode::OK);
    }
    let started = std::time::Instant::now();
    for _ in 0..3 {
        assert_eq!(
            caps("guess").await.unwrap().status(),
            StatusCode::UNAUTHORIZED
        );
    }
    // Shut out now, the right token included, so a lucky guess cannot be told apart.
    for token in ["guess", TOKEN] {
        let res = caps(token).await.unwrap();
        assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS, "{token}");
        assert_eq!(res.headers()["content-type"], "application/problem+json");
        let wait: u64 = res.headers()["retry-after"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!((1..=2).contains(&wait), "{wait}");
        let p: Problem = res.json().await.unwrap();
        assert_eq!(p.status, 429);
    }
    // Another client is not.
    let other = reqwest::Client::builder()
        .local_address("127.0.0.2".parse::<std::net::IpAddr>().unwrap())
        .build()
        .unwrap();
    let res = other
        .get(s.url("/capabilities"))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);

    tokio::time::sleep(
        (window + std::time::Duration::from_millis(100)).saturating_sub(started.elapsed()),
    )
    .await;
    assert_eq!(caps(TOKEN).await.unwrap().status(), StatusCode::OK);
    assert_eq!(
        caps("guess").await.unwrap().status(),
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn a_vendor_api_shuts_out_failing_clients_in_its_own_shape() {
    let s = TestServer::with(|c| {
        c.profile = Profile::Shoprenter;
        c.auth_failure_limit = 1;
    })
    .await;
    let hooks = format!("{}/api/webHooks", s.base);
    let res = s.client.get(&hooks).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let res = s
        .client
        .get(&hooks)
        .basic_auth("switchboard", Some(TOKEN))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(res.headers().contains_key("retry-after"));
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["error"], 429, "{body}");
}

#[tokio::test]
async fn a_panicking_handler_is_a_500_problem_and_the_server_keeps_serving() {
    let s = TestServer::with(|c| c.panic_route_for_tests = true).await;
    for _ in 0..2 {
        let res = s
            .client
            .get(s.url("/_test/panic"))
            .bearer_auth(TOKEN)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(res.headers()["content-type"], "application/problem+json");
        assert_eq!(res.headers()["cache-control"], "no-store");
        let rid = res.headers()["x-request-id"].to_str().unwrap().to_string();
        let p: Problem = res.json().await.unwrap();
        assert_eq!(p.status, 500);
        assert_eq!(p.request_id.as_deref(), Some(rid.as_str()));
        // What panicked stays in the log.
        assert!(!p.detail.unwrap_or_default().contains("on purpose"));
    }
    let (status, _) = s.get("/webhooks").await;
    assert_eq!(status, StatusCode::OK);

    // Without the flag there is no such route.
    let plain = TestServer::start().await;
    let (status, _) = plain.get("/_test/panic").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
