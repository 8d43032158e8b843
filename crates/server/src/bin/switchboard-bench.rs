//! Benchmark of the reference server: delivery throughput to a loopback receiver and list
//! latency with a large history, each beside a baseline measured in the same run.

use clap::Parser;
use serde_json::{json, Value};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use switchboard_server::{spawn, Config};

#[derive(Parser, Debug)]
#[command(about = "Benchmark the Switchboard reference server on this machine")]
struct Args {
    /// Deliveries to send for the throughput figure.
    #[arg(long, default_value_t = 4000)]
    deliveries: usize,
    /// Deliveries stored for the latency figures.
    #[arg(long, default_value_t = 100_000)]
    stored: usize,
    /// Requests per latency measurement.
    #[arg(long, default_value_t = 300)]
    requests: usize,
}

const TOKEN: &str = "bench-token";
const WEBHOOKS: usize = 8;

#[tokio::main]
async fn main() {
    let args = Args::parse();
    let dir = tempfile_dir();
    let db = dir.join("bench.db");

    let hits = Arc::new(AtomicUsize::new(0));
    let receiver = start_receiver(hits.clone()).await;
    let mut config = Config::new(db.clone(), TOKEN);
    config.allow_private_targets = true;
    config.retry_schedule = vec![Duration::ZERO];
    let server = spawn(config).await.expect("server starts");
    let base = format!("{}/api/v1", server.base_url());
    let client = reqwest::Client::new();

    println!(
        "Switchboard benchmark ({} cores)",
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    println!();

    // Throughput: the engine against a bare client posting to the same receiver.
    let payload = json!({"orders": {"order": [{"innerId": "190", "totalGross": "11206", "currency": "HUF"}]}});
    for i in 0..WEBHOOKS {
        let res = client
            .post(format!("{base}/webhooks"))
            .bearer_auth(TOKEN)
            .json(&json!({"name": format!("bench {i}"), "url": format!("{receiver}/hook"), "events": ["order_confirm"], "retry_count": 0}))
            .send()
            .await
            .expect("create");
        assert!(res.status().is_success(), "create failed: {}", res.status());
    }
    let events = args.deliveries.div_ceil(WEBHOOKS);
    let total = events * WEBHOOKS;
    let started = Instant::now();
    for _ in 0..events {
        let res = client
            .post(format!("{base}/events"))
            .bearer_auth(TOKEN)
            .json(&json!({"event_type": "order_confirm", "payload": payload}))
            .send()
            .await
            .expect("emit");
        assert!(res.status().is_success());
    }
    while hits.load(Ordering::SeqCst) < total {
        if started.elapsed() > Duration::from_secs(600) {
            eprintln!("gave up waiting for deliveries");
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let engine_rate = total as f64 / started.elapsed().as_secs_f64();

    hits.store(0, Ordering::SeqCst);
    let body = serde_json::to_vec(&payload).unwrap_or_default();
    let started = Instant::now();
    let sem = Arc::new(tokio::sync::Semaphore::new(32));
    let mut tasks = Vec::with_capacity(total);
    for _ in 0..total {
        let permit = sem.clone().acquire_owned().await.expect("semaphore");
        let client = client.clone();
        let url = format!("{receiver}/hook");
        let body = body.clone();
        tasks.push(tokio::spawn(async move {
            let _ = client
                .post(url)
                .header("content-type", "application/json")
                .body(body)
                .send()
                .await;
            drop(permit);
        }));
    }
    for t in tasks {
        let _ = t.await;
    }
    let bare_rate = total as f64 / started.elapsed().as_secs_f64();
    println!("Delivery throughput ({total} deliveries, {WEBHOOKS} webhooks)");
    println!("  switchboard engine (signed, recorded) {engine_rate:>10.0} deliveries/s");
    println!("  baseline: bare HTTP client, 32 wide   {bare_rate:>10.0} requests/s");
    println!();

    // Latency with a large history, against the same query run straight on SQLite.
    let webhook_id = {
        let res: Value = client
            .get(format!("{base}/webhooks?limit=1"))
            .bearer_auth(TOKEN)
            .send()
            .await
            .expect("list")
            .json()
            .await
            .expect("json");
        res["data"][0]["id"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    };
    let inserted = fill(&db, args.stored, &webhook_id);
    println!(
        "Latency with {inserted} deliveries stored ({} requests each)",
        args.requests
    );
    let cursor = {
        let res: Value = client
            .get(format!("{base}/deliveries?limit=50"))
            .bearer_auth(TOKEN)
            .send()
            .await
            .expect("list")
            .json()
            .await
            .expect("json");
        res["meta"]["next_cursor"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    };
    let cases = [
        (
            "GET /deliveries?limit=50",
            format!("{base}/deliveries?limit=50"),
        ),
        (
            "GET /deliveries (second page)",
            format!("{base}/deliveries?limit=50&cursor={cursor}"),
        ),
        (
            "GET /deliveries?webhook_id=…&status=succeeded",
            format!("{base}/deliveries?limit=50&webhook_id={webhook_id}&status=succeeded"),
        ),
        ("GET /webhooks", format!("{base}/webhooks")),
    ];
    for (name, url) in cases {
        let mut samples = Vec::with_capacity(args.requests);
        for _ in 0..args.requests {
            let t = Instant::now();
            let res = client
                .get(&url)
                .bearer_auth(TOKEN)
                .send()
                .await
                .expect("get");
            let _ = res.bytes().await;
            samples.push(t.elapsed());
        }
        let (p50, p99) = percentiles(&mut samples);
        println!(
            "  {name:<48} p50 {:>8.2} ms   p99 {:>8.2} ms",
            ms(p50),
            ms(p99)
        );
    }
    let conn = rusqlite::Connection::open(&db).expect("open");
    let mut samples = Vec::with_capacity(args.requests);
    for _ in 0..args.requests {
        let t = Instant::now();
        let mut stmt = conn
            .prepare_cached(
                "SELECT seq, id, webhook_id, event_id, event_type, payload, state, attempt_count, \
                 retries_left, priority, next_attempt_at, last_attempt_at, response_status, \
                 created_at FROM deliveries ORDER BY created_at DESC, seq DESC LIMIT 51",
            )
            .expect("prepare");
        let rows: Vec<String> = stmt
            .query_map([], |r| r.get::<_, String>(5))
            .expect("query")
            .filter_map(Result::ok)
            .collect();
        assert!(!rows.is_empty());
        samples.push(t.elapsed());
    }
    let (p50, p99) = percentiles(&mut samples);
    println!(
        "  {:<48} p50 {:>8.2} ms   p99 {:>8.2} ms",
        "baseline: bare SQLite query (first page)",
        ms(p50),
        ms(p99)
    );
    server.shutdown().await;
    let _ = std::fs::remove_dir_all(&dir);
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn percentiles(samples: &mut [Duration]) -> (Duration, Duration) {
    samples.sort_unstable();
    let at = |q: f64| samples[((samples.len() as f64 - 1.0) * q).round() as usize];
    (at(0.50), at(0.99))
}

/// Inserts `n` finished deliveries straight into the database (the API would take minutes).
fn fill(db: &std::path::Path, n: usize, webhook_id: &str) -> usize {
    let mut conn = rusqlite::Connection::open(db).expect("open");
    let tx = conn.transaction().expect("tx");
    let now = (time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as i64;
    {
        let mut stmt = tx
            .prepare(
                "INSERT INTO deliveries (id, webhook_id, event_id, event_type, payload, state, \
                 attempt_count, retries_left, priority, next_attempt_at, response_status, \
                 last_attempt_at, created_at) VALUES (?1, ?2, ?3, 'order_confirm', ?4, ?5, 1, 0, 0, \
                 NULL, ?6, ?7, ?7)",
            )
            .expect("prepare");
        for i in 0..n {
            let ok = i % 10 != 0;
            stmt.execute(rusqlite::params![
                format!("msg_bench{i:08}"),
                if i % 2 == 0 {
                    webhook_id.to_string()
                } else {
                    format!("wh_other{}", i % 7)
                },
                format!("evt_bench{i:08}"),
                r#"{"orders":{"order":[{"innerId":"190"}]}}"#,
                if ok { "succeeded" } else { "failed" },
                if ok { 200 } else { 500 },
                now - (n - i) as i64 * 1000,
            ])
            .expect("insert");
        }
    }
    tx.commit().expect("commit");
    n
}

fn tempfile_dir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("switchboard-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// A receiver that answers 204 at once and counts what it got.
async fn start_receiver(hits: Arc<AtomicUsize>) -> String {
    let app = axum::Router::new().fallback(move || {
        let hits = hits.clone();
        async move {
            hits.fetch_add(1, Ordering::SeqCst);
            axum::http::StatusCode::NO_CONTENT
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    format!("http://{addr}")
}
