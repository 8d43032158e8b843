//! What a slow or greedy client can hold: the header-read timeout (also the idle limit of a
//! kept-alive connection), the request-body timeout, the handler timeout and the cap on open
//! connections.

mod common;

use common::{webhook_body, TestServer};
use serde_json::json;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Reads until the server closes the connection, failing after `limit`; returns what was read.
async fn read_until_closed(stream: &mut TcpStream, limit: Duration) -> String {
    let mut got = Vec::new();
    let read = tokio::time::timeout(limit, async {
        let mut buf = [0u8; 4096];
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(n) => got.extend_from_slice(&buf[..n]),
            }
        }
    })
    .await;
    assert!(read.is_ok(), "the server kept the connection open");
    String::from_utf8_lossy(&got).into_owned()
}

#[tokio::test]
async fn a_connection_that_never_finishes_its_headers_is_closed() {
    let s = TestServer::with(|c| c.header_read_timeout = Duration::from_millis(500)).await;
    let mut stream = TcpStream::connect(s.handle.as_ref().unwrap().addr())
        .await
        .unwrap();
    let started = Instant::now();
    stream
        .write_all(b"GET /api/v1/webhooks HTTP/1.1\r\nHost: localhost\r\nX-Slow: a")
        .await
        .unwrap();
    read_until_closed(&mut stream, Duration::from_secs(5)).await;
    assert!(started.elapsed() >= Duration::from_millis(450));
}

#[tokio::test]
async fn an_idle_kept_alive_connection_is_closed() {
    let s = TestServer::with(|c| c.header_read_timeout = Duration::from_millis(500)).await;
    let mut stream = TcpStream::connect(s.handle.as_ref().unwrap().addr())
        .await
        .unwrap();
    stream
        .write_all(b"GET /api/v1/nothing HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .await
        .unwrap();
    let answer = read_until_closed(&mut stream, Duration::from_secs(5)).await;
    assert!(answer.starts_with("HTTP/1.1 4"), "{answer}");
}

#[tokio::test]
async fn a_body_that_stalls_fails_the_request() {
    let s = TestServer::with(|c| c.request_body_timeout = Duration::from_millis(500)).await;
    let mut stream = TcpStream::connect(s.handle.as_ref().unwrap().addr())
        .await
        .unwrap();
    let head = format!(
        "POST /api/v1/webhooks HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {}\r\n\
         Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{{\"name\":",
        common::TOKEN
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let started = Instant::now();
    let answer = read_until_closed(&mut stream, Duration::from_secs(5)).await;
    assert!(started.elapsed() >= Duration::from_millis(450));
    // The body cannot be read: a client error, said as a problem.
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
    assert!(answer.contains("application/problem+json"), "{answer}");
    assert!(answer.contains("timeout"), "{answer}");
}

#[tokio::test]
async fn a_request_that_takes_too_long_is_a_503_problem() {
    let s = TestServer::with(|c| c.handler_timeout = Duration::from_millis(500)).await;
    // The test send waits for the attempt, which a receiver that never answers holds up.
    let silent = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/h", silent.local_addr().unwrap());
    let w = s.create(webhook_body("silent", &url)).await;
    let started = Instant::now();
    let (status, res) = s
        .post(
            &format!("/webhooks/{}/test", w["id"].as_str().unwrap()),
            json!({"event_type": "order_confirm"}),
        )
        .await;
    assert_eq!(status, 503, "{res}");
    assert_eq!(res["type"], "urn:switchboard:problem:timeout", "{res}");
    assert!(res["request_id"].is_string(), "{res}");
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn connections_over_the_cap_wait_for_a_free_one() {
    let s = TestServer::with(|c| c.max_connections = 2).await;
    let addr = s.handle.as_ref().unwrap().addr();
    let first = TcpStream::connect(addr).await.unwrap();
    let _second = TcpStream::connect(addr).await.unwrap();
    let client = reqwest::Client::new();
    let request = || {
        client
            .get(s.url("/capabilities"))
            .bearer_auth(common::TOKEN)
            .send()
    };
    let waiting = tokio::time::timeout(Duration::from_millis(700), request()).await;
    assert!(waiting.is_err(), "a third connection was served at once");

    drop(first);
    let served = tokio::time::timeout(Duration::from_secs(5), request())
        .await
        .expect("served once a connection closed")
        .unwrap();
    assert_eq!(served.status(), 200);
}
