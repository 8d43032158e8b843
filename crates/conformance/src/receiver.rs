//! A loopback receiver the server under test delivers to: records every request it gets.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use axum::Router;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

/// The `message` a failing hook answers with; the server must record it on the attempt.
pub const FAILURE_MESSAGE: &str = "conformance receiver refuses this delivery";

/// One request as the receiver saw it; header names lower-case.
#[derive(Debug, Clone)]
pub struct Received {
    /// The last path segment: which hook was called.
    pub key: String,
    pub method: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Received {
    pub fn header(&self, name: &str) -> Option<String> {
        let name = name.to_ascii_lowercase();
        self.headers
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.clone())
    }

    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

#[derive(Clone, Default)]
struct Inbox(Arc<Mutex<Vec<Received>>>);

pub struct Receiver {
    addr: SocketAddr,
    inbox: Inbox,
    task: tokio::task::JoinHandle<()>,
}

impl Receiver {
    /// Listens on 127.0.0.1 at `port` (0 picks a free one).
    pub async fn start(port: u16) -> std::io::Result<Receiver> {
        let listener =
            tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], port))).await?;
        let addr = listener.local_addr()?;
        let inbox = Inbox::default();
        let app = Router::new()
            .route("/hook/{key}", any(receive))
            .with_state(inbox.clone());
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Ok(Receiver { addr, inbox, task })
    }

    /// The URL of one hook. Keys starting with `fail-` answer 500 with a JSON `message`.
    pub fn url(&self, key: &str) -> String {
        format!("http://{}/hook/{key}", self.addr)
    }

    pub fn received(&self, key: &str) -> Vec<Received> {
        self.inbox
            .0
            .lock()
            .map(|v| v.iter().filter(|r| r.key == key).cloned().collect())
            .unwrap_or_default()
    }

    pub fn stop(self) {
        self.task.abort();
    }
}

async fn receive(
    State(inbox): State<Inbox>,
    Path(key): Path<String>,
    method: axum::http::Method,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let failing = key.starts_with("fail-");
    if method == axum::http::Method::GET {
        // Status and overview queries (hostware style) are GETs; they are not deliveries.
        return axum::Json(serde_json::json!({
            "statusString": "Conformance receiver",
            "badgeColor": "success",
            "html": "<p>conformance receiver</p>",
        }))
        .into_response();
    }
    if let Ok(mut v) = inbox.0.lock() {
        v.push(Received {
            key,
            method: method.to_string(),
            headers: headers
                .iter()
                .map(|(k, v)| {
                    (
                        k.as_str().to_string(),
                        String::from_utf8_lossy(v.as_bytes()).into_owned(),
                    )
                })
                .collect(),
            body: body.to_vec(),
        });
    }
    if failing {
        (
            StatusCode::INTERNAL_SERVER_ERROR,
            axum::Json(serde_json::json!({ "message": FAILURE_MESSAGE })),
        )
            .into_response()
    } else {
        axum::Json(serde_json::json!({ "ok": true })).into_response()
    }
}
