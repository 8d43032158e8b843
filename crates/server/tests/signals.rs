//! The built server binary stopped by a signal in the middle of a delivery: SIGTERM drains
//! (finishes or releases what is under way, then exits 0), SIGKILL loses nothing either, and a
//! restart on the same SQLite file sends whatever was not finished.

mod common;

use common::binary::Server;
use common::{eventually, webhook_body};
use serde_json::json;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The server binary on `db` with a short retry schedule and the given drain timeout.
async fn start(db: &Path, drain: &str) -> Server {
    Server::start(
        db,
        &["--retry-schedule", "0s,200ms", "--drain-timeout", drain],
        &[],
    )
    .await
}

/// An endpoint whose first request is answered after `first` (never, if that is long), the
/// others at once; counts requests.
async fn endpoint(first: Duration) -> (String, Arc<AtomicUsize>) {
    let hits = Arc::new(AtomicUsize::new(0));
    let h = hits.clone();
    let app = axum::Router::new().fallback(move || {
        let h = h.clone();
        async move {
            if h.fetch_add(1, Ordering::SeqCst) == 0 {
                tokio::time::sleep(first).await;
            }
            axum::http::StatusCode::OK
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (url, hits)
}

/// Creates a webhook for `url`, emits one event to it and waits until the endpoint has it.
async fn one_delivery_under_way(s: &Server, url: &str, hits: &AtomicUsize) -> String {
    let mut hook = webhook_body("slow", url);
    hook["timeout_seconds"] = json!(60);
    hook["retry_count"] = json!(2);
    let id = s.deliver_once(hook).await;
    eventually(10, "the attempt to start", || async {
        (hits.load(Ordering::SeqCst) > 0).then_some(())
    })
    .await;
    id
}

#[tokio::test]
async fn sigterm_lets_the_attempt_under_way_finish_then_exits() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("signals.db");
    let (url, hits) = endpoint(Duration::from_millis(1500)).await;
    let s = start(&db, "20s").await;
    let id = one_delivery_under_way(&s, &url, &hits).await;
    s.signal("TERM").await;
    let status = s.exit(Duration::from_secs(15)).await;
    assert_eq!(status.code(), Some(0), "a clean exit, not death by signal");

    let s = start(&db, "20s").await;
    let d = s.delivery(&id).await;
    assert_eq!(d["status"], "succeeded", "finished before the exit: {d}");
    assert_eq!(d["attempt_count"], 1, "{d}");
    assert_eq!(hits.load(Ordering::SeqCst), 1, "not sent twice");
}

#[tokio::test]
async fn sigterm_releases_an_attempt_that_outlasts_the_drain_and_it_is_sent_after_restart() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("signals.db");
    let (url, hits) = endpoint(Duration::from_secs(600)).await;
    let s = start(&db, "300ms").await;
    let id = one_delivery_under_way(&s, &url, &hits).await;
    let stopping = Instant::now();
    s.signal("TERM").await;
    let status = s.exit(Duration::from_secs(15)).await;
    assert_eq!(status.code(), Some(0), "a clean exit, not death by signal");
    assert!(
        stopping.elapsed() < Duration::from_secs(10),
        "the drain is bounded"
    );

    let s = start(&db, "300ms").await;
    let d = eventually(10, "the released delivery to be sent", || async {
        let d = s.delivery(&id).await;
        (d["status"] == "succeeded").then_some(d)
    })
    .await;
    assert_eq!(
        d["attempt_count"], 1,
        "the abandoned attempt is not counted: {d}"
    );
    assert_eq!(hits.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn sigkill_mid_delivery_loses_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("signals.db");
    let (url, hits) = endpoint(Duration::from_secs(600)).await;
    let s = start(&db, "10s").await;
    let id = one_delivery_under_way(&s, &url, &hits).await;
    s.signal("KILL").await;
    let status = s.exit(Duration::from_secs(10)).await;
    assert_eq!(status.code(), None, "killed");

    let s = start(&db, "10s").await;
    let d = eventually(10, "the interrupted delivery to be sent", || async {
        let d = s.delivery(&id).await;
        (d["status"] == "succeeded").then_some(d)
    })
    .await;
    assert_eq!(d["attempt_count"], 1, "{d}");
    assert_eq!(hits.load(Ordering::SeqCst), 2);
}
