//! What the README promises about deliveries, each held to it: a 410 cancels what the webhook
//! had queued, `Retry-After` is honoured on a 503 and as an HTTP date, OAuth tokens are renewed
//! before they expire and after a 401, and attempt records never show an auth secret.

mod common;

use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use common::{config, webhook_body, TestServer};
use serde_json::json;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// One request an endpoint got: when, and its `Authorization`.
#[derive(Clone, Debug)]
struct Seen {
    at: Instant,
    authorization: Option<String>,
}

/// A loopback endpoint answering the `n`th request (from 0) with `answer(n, headers)`.
struct Endpoint {
    url: String,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Endpoint {
    async fn start(
        answer: impl Fn(usize, &HeaderMap) -> Response + Clone + Send + Sync + 'static,
    ) -> Endpoint {
        let seen: Arc<Mutex<Vec<Seen>>> = Arc::default();
        let s = seen.clone();
        let app = axum::Router::new().fallback(move |headers: HeaderMap| {
            let s = s.clone();
            let answer = answer.clone();
            async move {
                let n = {
                    let mut seen = s.lock().unwrap();
                    seen.push(Seen {
                        at: Instant::now(),
                        authorization: headers
                            .get("authorization")
                            .and_then(|v| v.to_str().ok())
                            .map(str::to_string),
                    });
                    seen.len() - 1
                };
                answer(n, &headers)
            }
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hook", listener.local_addr().unwrap());
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Endpoint { url, seen }
    }

    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

#[tokio::test]
async fn a_410_cancels_what_the_webhook_had_queued() {
    let dir = tempfile::tempdir().unwrap();
    let mut c = config(&dir);
    // Long enough that the failed deliveries are still waiting when the 410 comes.
    c.retry_schedule = vec![Duration::ZERO, Duration::from_secs(30)];
    let s = TestServer::from_config(dir, c).await;
    let gone = Arc::new(AtomicBool::new(false));
    let g = gone.clone();
    let endpoint = Endpoint::start(move |_, _| {
        if g.load(Ordering::SeqCst) {
            StatusCode::GONE.into_response()
        } else {
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    })
    .await;
    let mut hook = webhook_body("soon gone", &endpoint.url);
    hook["retry_count"] = json!(5);
    let w = s.create(hook).await;
    let mut waiting = Vec::new();
    for n in 0..3 {
        let id = s.emit("order_confirm", json!({"n": n})).await[0].clone();
        s.wait_delivery(&id, "a retry to be scheduled", |d| {
            d["status"] == "scheduled"
        })
        .await;
        waiting.push(id);
    }

    gone.store(true, Ordering::SeqCst);
    let last = s.emit("order_confirm", json!({"n": 3})).await[0].clone();
    let d = s
        .wait_delivery(&last, "the 410", |d| d["status"] == "failed")
        .await;
    assert_eq!(d["response_status"], 410, "{d}");
    for id in &waiting {
        let (_, d) = s.get(&format!("/deliveries/{id}")).await;
        let d = &d["data"];
        assert_eq!(d["status"], "failed", "cancelled: {d}");
        assert!(d["next_attempt_at"].is_null(), "nothing more planned: {d}");
        assert_eq!(d["attempt_count"], 1, "{d}");
    }
    assert_eq!(endpoint.seen().len(), 4);
    let (_, w) = s
        .get(&format!("/webhooks/{}", w["id"].as_str().unwrap()))
        .await;
    assert_eq!(w["data"]["is_active"], false);
}

/// Waits for the delivery to succeed and returns the gap between its first two requests.
async fn gap_before_retry(s: &TestServer, endpoint: &Endpoint) -> Duration {
    let mut hook = webhook_body("busy", &endpoint.url);
    hook["retry_count"] = json!(2);
    let w = s.create(hook).await;
    let id = s.emit("order_confirm", json!({"n": 1})).await[0].clone();
    let d = s
        .wait_delivery(&id, "the retry", |d| d["status"] == "succeeded")
        .await;
    assert_eq!(d["attempts"][0]["response"]["status"], 503, "{d}");
    s.delete(&format!("/webhooks/{}", w["id"].as_str().unwrap()))
        .await;
    let seen = endpoint.seen();
    assert_eq!(seen.len(), 2);
    seen[1].at - seen[0].at
}

#[tokio::test]
async fn retry_after_on_a_503_is_honoured_in_seconds_and_as_an_http_date() {
    // The schedule's own retry comes after 300 ms; only Retry-After makes it wait longer.
    let s = TestServer::start().await;
    let seconds = Endpoint::start(|n, _| {
        if n == 0 {
            (StatusCode::SERVICE_UNAVAILABLE, [("retry-after", "2")]).into_response()
        } else {
            StatusCode::OK.into_response()
        }
    })
    .await;
    let gap = gap_before_retry(&s, &seconds).await;
    assert!(
        gap >= Duration::from_millis(1990),
        "Retry-After: 2 waited {gap:?}"
    );

    let date = Endpoint::start(|n, _| {
        if n == 0 {
            // Whole seconds: at least 2 s from now, at most 3.
            let at = time::OffsetDateTime::now_utc() + time::Duration::seconds(3);
            let at = at
                .replace_nanosecond(0)
                .unwrap()
                .format(&time::format_description::well_known::Rfc2822)
                .unwrap();
            (StatusCode::SERVICE_UNAVAILABLE, [("retry-after", at)]).into_response()
        } else {
            StatusCode::OK.into_response()
        }
    })
    .await;
    let gap = gap_before_retry(&s, &date).await;
    assert!(
        gap >= Duration::from_millis(1900),
        "an HTTP date waited {gap:?}"
    );
}

/// A token endpoint handing out `tok-1`, `tok-2`, … valid for `expires_in` seconds.
async fn token_endpoint(expires_in: u64) -> (Endpoint, Arc<AtomicUsize>) {
    let issued = Arc::new(AtomicUsize::new(0));
    let i = issued.clone();
    let endpoint = Endpoint::start(move |_, _| {
        let n = i.fetch_add(1, Ordering::SeqCst) + 1;
        (
            [("content-type", "application/json")],
            json!({"access_token": format!("tok-{n}"), "token_type": "Bearer", "expires_in": expires_in})
                .to_string(),
        )
            .into_response()
    })
    .await;
    (endpoint, issued)
}

fn oauth_hook(url: &str, token_url: &str) -> serde_json::Value {
    let mut hook = webhook_body("oauth", url);
    hook["retry_count"] = json!(2);
    hook["auth"] = json!({"type": "client_credentials", "client_id": "client",
        "client_secret": "s3cret", "token_url": token_url});
    hook
}

/// Sends a test delivery and returns the Authorization the endpoint saw.
async fn test_send(s: &TestServer, webhook: &str, endpoint: &Endpoint) -> Option<String> {
    let (status, res) = s
        .post(
            &format!("/webhooks/{webhook}/test"),
            json!({"event_type": "order_confirm"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{res}");
    assert_eq!(res["data"]["status"], "succeeded", "{res}");
    endpoint.seen().last().unwrap().authorization.clone()
}

#[tokio::test]
async fn an_oauth_token_is_renewed_before_it_expires() {
    let s = TestServer::start().await;
    let receiver = Endpoint::start(|_, _| StatusCode::OK.into_response()).await;
    // 31 s: renewed 30 s early, so after 1 s.
    let (tokens, issued) = token_endpoint(31).await;
    let w = s.create(oauth_hook(&receiver.url, &tokens.url)).await;
    let id = w["id"].as_str().unwrap();
    let first = Instant::now();
    assert_eq!(
        test_send(&s, id, &receiver).await.as_deref(),
        Some("Bearer tok-1")
    );
    assert_eq!(
        test_send(&s, id, &receiver).await.as_deref(),
        Some("Bearer tok-1")
    );
    if first.elapsed() < Duration::from_millis(900) {
        assert_eq!(issued.load(Ordering::SeqCst), 1, "cached while fresh");
    }
    // The renewal time has to pass: nothing to wait for but the clock.
    tokio::time::sleep(Duration::from_millis(1100).saturating_sub(first.elapsed())).await;
    assert_eq!(
        test_send(&s, id, &receiver).await.as_deref(),
        Some("Bearer tok-2")
    );
    assert!(
        first.elapsed() < Duration::from_secs(31),
        "before tok-1 expired"
    );
    assert_eq!(issued.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn an_oauth_token_the_endpoint_rejects_is_renewed() {
    let s = TestServer::start().await;
    // tok-1 was revoked early: the endpoint refuses it.
    let receiver = Endpoint::start(|_, headers| {
        if headers.get("authorization").and_then(|v| v.to_str().ok()) == Some("Bearer tok-1") {
            StatusCode::UNAUTHORIZED.into_response()
        } else {
            StatusCode::OK.into_response()
        }
    })
    .await;
    let (tokens, issued) = token_endpoint(3600).await;
    s.create(oauth_hook(&receiver.url, &tokens.url)).await;
    let id = s.emit("order_confirm", json!({"n": 1})).await[0].clone();
    let d = s
        .wait_delivery(&id, "the retry with a new token", |d| {
            d["status"] == "succeeded"
        })
        .await;
    assert_eq!(d["attempts"][0]["response"]["status"], 401, "{d}");
    assert_eq!(d["attempt_count"], 2, "{d}");
    let auths: Vec<_> = receiver
        .seen()
        .into_iter()
        .map(|s| s.authorization.unwrap_or_default())
        .collect();
    assert_eq!(auths, ["Bearer tok-1", "Bearer tok-2"]);
    assert_eq!(issued.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn attempt_records_never_show_basic_oauth_or_header_secrets() {
    let s = TestServer::start().await;
    let receiver = Endpoint::start(|_, _| StatusCode::OK.into_response()).await;
    let (tokens, _) = token_endpoint(3600).await;
    let cases = [
        (
            json!({"type": "basic", "username": "client", "password": "b4sic-pw"}),
            "authorization",
            // base64("client:b4sic-pw"), what is actually sent.
            vec!["b4sic-pw", "Y2xpZW50OmI0c2ljLXB3"],
        ),
        (
            json!({"type": "client_credentials", "client_id": "client",
                "client_secret": "0auth-s3cret", "token_url": tokens.url}),
            "authorization",
            vec!["0auth-s3cret", "tok-1"],
        ),
        (
            json!({"type": "header", "name": "X-Shop-Key", "value": "h3ader-val"}),
            "x-shop-key",
            vec!["h3ader-val"],
        ),
    ];
    for (auth, header, secrets) in cases {
        let mut hook = webhook_body("auth", &receiver.url);
        hook["auth"] = auth;
        s.create(hook).await;
        let id = s.emit("order_confirm", json!({"n": 1})).await[0].clone();
        let d = s
            .wait_delivery(&id, "the delivery", |d| d["status"] == "succeeded")
            .await;
        let shown = d["attempts"][0]["request"]["headers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|h| {
                h[0].as_str()
                    .unwrap_or_default()
                    .eq_ignore_ascii_case(header)
            })
            .unwrap_or_else(|| panic!("{header} is listed: {d}"))[1]
            .as_str()
            .unwrap()
            .to_string();
        assert!(
            shown.to_ascii_lowercase().contains("redacted"),
            "{header}: {shown}"
        );
        let (_, raw) = s.get(&format!("/deliveries/{id}")).await;
        let (_, list) = s.get("/deliveries").await;
        for secret in secrets {
            assert!(!raw.to_string().contains(secret), "{secret} shown: {raw}");
            assert!(!list.to_string().contains(secret), "{secret} listed");
        }
        // The next case's event must reach only the next case's webhook.
        let (_, hooks) = s.get("/webhooks").await;
        for w in hooks["data"].as_array().unwrap() {
            s.delete(&format!("/webhooks/{}", w["id"].as_str().unwrap()))
                .await;
        }
    }
}
