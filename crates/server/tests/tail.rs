//! The live tail (`GET /deliveries/tail`) over real HTTP: a new delivery and its attempt
//! outcome arrive as server-sent events, heartbeats keep a quiet stream visibly alive, a
//! subscriber that does not read is dropped rather than buffered without end, and a stop (the
//! handle's or SIGTERM's) ends open streams instead of waiting on them.

mod common;

use common::{webhook_body, Receiver, TestServer, TOKEN};
use serde_json::{json, Value};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

/// One server-sent event: its name (`message` when unnamed, `:` for a comment-only block) and
/// its data lines joined.
#[derive(Debug)]
struct Sse {
    event: String,
    data: String,
}

/// Reads server-sent events off a response body.
struct SseReader {
    res: reqwest::Response,
    buf: String,
}

impl SseReader {
    async fn open(s: &TestServer) -> SseReader {
        let res = s
            .client
            .get(s.url("/deliveries/tail"))
            .bearer_auth(TOKEN)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        let ct = res.headers()["content-type"].to_str().unwrap().to_string();
        assert!(ct.starts_with("text/event-stream"), "{ct}");
        let mut r = SseReader {
            res,
            buf: String::new(),
        };
        let first = r.next(Duration::from_secs(5)).await.expect("a first event");
        assert_eq!(first.event, "ready", "{first:?}");
        r
    }

    /// The next event or comment block; `None` when the stream ended or `limit` passed.
    async fn next(&mut self, limit: Duration) -> Option<Sse> {
        let deadline = tokio::time::Instant::now() + limit;
        loop {
            if let Some(i) = self.buf.find("\n\n") {
                let block: String = self.buf.drain(..i + 2).collect();
                return Some(parse(&block));
            }
            let chunk = tokio::time::timeout_at(deadline, self.res.chunk())
                .await
                .ok()?
                .ok()??;
            self.buf.push_str(&String::from_utf8_lossy(&chunk));
        }
    }

    /// Skips to the first event named `name` whose data satisfies `pick`.
    async fn until(&mut self, name: &str, pick: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            let Some(e) = self.next(Duration::from_secs(10)).await else {
                break;
            };
            if e.event == name {
                let v: Value = serde_json::from_str(&e.data).unwrap();
                if pick(&v) {
                    return v;
                }
            }
        }
        panic!("no {name} event came");
    }
}

fn parse(block: &str) -> Sse {
    let mut event = String::new();
    let mut data = Vec::new();
    let mut comment = false;
    for line in block.lines() {
        if let Some(v) = line.strip_prefix("event:") {
            event = v.trim_start().to_string();
        } else if let Some(v) = line.strip_prefix("data:") {
            data.push(v.strip_prefix(' ').unwrap_or(v).to_string());
        } else if line.starts_with(':') {
            comment = true;
        }
    }
    if event.is_empty() {
        event = if comment && data.is_empty() {
            ":".into()
        } else {
            "message".into()
        };
    }
    Sse {
        event,
        data: data.join("\n"),
    }
}

#[tokio::test]
async fn a_stream_gets_a_new_delivery_then_its_attempt_outcome() {
    let s = TestServer::start().await;
    let rx = Receiver::start().await;
    let mut hook = webhook_body("failing", &rx.url("/fail"));
    hook["retry_count"] = json!(0);
    let w = s.create(hook).await;
    let mut tail = SseReader::open(&s).await;
    let ids = s.emit("order_confirm", json!({"order": 7})).await;
    let id = ids[0].clone();

    let created = tail.until("delivery", |v| v["delivery"]["id"] == id).await;
    assert_eq!(created["delivery"]["webhook_id"], w["id"]);
    assert_eq!(created["delivery"]["event_type"], "order_confirm");
    assert!(created["delivery"]["payload"].is_null(), "{created}");
    assert!(created.get("attempt").is_none(), "{created}");

    let outcome = tail.until("attempt", |v| v["delivery"]["id"] == id).await;
    assert_eq!(outcome["delivery"]["status"], "failed", "{outcome}");
    assert_eq!(outcome["delivery"]["attempt_count"], 1);
    assert_eq!(outcome["attempt"]["n"], 1);
    assert_eq!(outcome["attempt"]["succeeded"], false);
    assert_eq!(outcome["attempt"]["response_status"], 500);
    assert_eq!(outcome["attempt"]["error_class"], "5xx");

    // A manual retry is announced as the delivery queued again.
    let (status, _) = s.post(&format!("/deliveries/{id}/retry"), json!({})).await;
    assert_eq!(status, 202);
    let again = tail
        .until("delivery", |v| {
            v["delivery"]["id"] == id && v["delivery"]["status"] != "failed"
        })
        .await;
    assert!(
        ["pending", "scheduled"].contains(&again["delivery"]["status"].as_str().unwrap()),
        "{again}"
    );
    tail.until("attempt", |v| {
        v["delivery"]["id"] == id && v["attempt"]["n"] == 2
    })
    .await;
}

#[tokio::test]
async fn the_tail_needs_the_token_in_the_header() {
    let s = TestServer::start().await;
    let res = s
        .client
        .get(s.url("/deliveries/tail"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    assert!(res.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/problem+json"));
    let res = s
        .client
        .get(s.url(&format!("/deliveries/tail?token={TOKEN}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401, "a token in the URL is not taken");
}

#[tokio::test]
async fn a_quiet_stream_gets_heartbeats() {
    let s = TestServer::with(|c| c.tail_heartbeat = Duration::from_millis(200)).await;
    let mut tail = SseReader::open(&s).await;
    let beat = tail
        .next(Duration::from_secs(5))
        .await
        .expect("a heartbeat");
    assert_eq!(beat.event, ":", "{beat:?}");
}

/// A raw connection whose receive buffer is small and which stops reading after the stream's
/// first bytes: the server's socket fills up, the subscriber's queue fills up behind it, and
/// the hub drops it.
#[tokio::test]
async fn a_subscriber_that_stops_reading_is_dropped() {
    let s = TestServer::with(|c| {
        c.tail_buffer = 8;
        // Deliveries wait an hour for their first attempt: only `delivery` events flow.
        c.retry_schedule = vec![Duration::from_secs(3600)];
    })
    .await;
    let rx = Receiver::start().await;
    // Twelve webhooks: each event is twelve `delivery` events (about 4.5 KiB), so 1,500 of
    // them are more than loopback's socket buffers (4 MiB at most) can take in.
    for n in 0..12 {
        s.create(webhook_body(&format!("quiet {n}"), &rx.url("/ok")))
            .await;
    }

    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.set_recv_buffer_size(4096).unwrap();
    let addr = s.handle.as_ref().unwrap().addr();
    let mut conn = socket.connect(addr).await.unwrap();
    let request = format!(
        "GET /api/v1/deliveries/tail HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {TOKEN}\r\n\r\n"
    );
    conn.write_all(request.as_bytes()).await.unwrap();
    let mut head = vec![0u8; 1024];
    let n = conn.read(&mut head).await.unwrap();
    let head = String::from_utf8_lossy(&head[..n]).to_string();
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");

    // Far more than the socket buffers and the queue of 8 hold, while nobody reads.
    let handle = s.handle.as_ref().unwrap();
    let events = 1500;
    for n in 0..events {
        handle.emit("order_confirm", json!({"n": n})).await.unwrap();
    }

    // Reading now: what was buffered, then the last word, then the end of the stream.
    let mut seen = String::new();
    let mut buf = vec![0u8; 64 * 1024];
    let deadline = Instant::now() + Duration::from_secs(20);
    while !seen.contains("event: dropped") && Instant::now() < deadline {
        match tokio::time::timeout(Duration::from_secs(5), conn.read(&mut buf)).await {
            Ok(Ok(0)) | Err(_) => break,
            Ok(Ok(n)) => seen.push_str(&String::from_utf8_lossy(&buf[..n])),
            Ok(Err(e)) => panic!("{e}"),
        }
    }
    let delivered = seen.matches("event: delivery").count();
    assert!(
        seen.contains("event: dropped"),
        "got {delivered} events, {} bytes",
        seen.len()
    );
    assert!(delivered < events * 12, "every event was kept for it");
    // The stream ended with it: the chunked body's last chunk.
    let end = tokio::time::timeout(Duration::from_secs(5), async {
        while !seen.contains("\r\n0\r\n\r\n") {
            let n = conn.read(&mut buf).await.unwrap();
            if n == 0 {
                break;
            }
            seen.push_str(&String::from_utf8_lossy(&buf[..n]));
        }
    })
    .await;
    assert!(end.is_ok(), "the dropped stream ends");
    // And the server still serves new subscribers.
    let mut tail = SseReader::open(&s).await;
    handle
        .emit("order_confirm", json!({"n": "after"}))
        .await
        .unwrap();
    tail.until("delivery", |_| true).await;
}

#[tokio::test]
async fn shutdown_with_an_open_stream_ends_it_and_exits_promptly() {
    let mut s = TestServer::start().await;
    let mut tail = SseReader::open(&s).await;
    let handle = s.handle.take().unwrap();
    let started = Instant::now();
    // Without closing the streams the listener would wait out its grace period (5 s) for
    // them; a bound below it tells the two apart.
    tokio::time::timeout(Duration::from_secs(4), handle.shutdown())
        .await
        .expect("the server stops without waiting on the open stream");
    assert!(started.elapsed() < Duration::from_secs(4));
    // The client sees the stream end, not hang.
    assert!(tail.next(Duration::from_secs(2)).await.is_none());
}

#[tokio::test]
async fn sigterm_with_an_open_stream_exits_cleanly() {
    use common::binary::{Server, TOKEN as BIN_TOKEN};
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&dir.path().join("tail.db"), &[], &[]).await;
    let client = reqwest::Client::builder().no_proxy().build().unwrap();
    let mut res = client
        .get(format!("{}/api/v1/deliveries/tail", server.base))
        .bearer_auth(BIN_TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let first = tokio::time::timeout(Duration::from_secs(5), res.chunk())
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert!(String::from_utf8_lossy(&first).contains("event: ready"));
    server.signal("TERM").await;
    let status = server.exit(Duration::from_secs(4)).await;
    assert_eq!(status.code(), Some(0));
    let end = tokio::time::timeout(Duration::from_secs(2), res.chunk())
        .await
        .expect("the stream ends");
    assert!(
        matches!(end, Ok(None)),
        "a clean end of the stream: {end:?}"
    );
}
