//! Helpers shared by the server's integration tests: a server on a temp SQLite file and a
//! small authenticated client.
#![allow(dead_code)]

use reqwest::{Method, StatusCode};
use serde_json::Value;
use std::time::Duration;
use switchboard_server::{spawn, Config, Profile, ServerHandle};

pub const TOKEN: &str = "test-token-0123456789";

pub struct TestServer {
    pub handle: Option<ServerHandle>,
    pub dir: tempfile::TempDir,
    pub client: reqwest::Client,
    pub base: String,
}

pub fn config(dir: &tempfile::TempDir) -> Config {
    let mut c = Config::new(dir.path().join("switchboard.db"), TOKEN);
    c.allow_private_targets = true;
    c.retry_schedule = vec![
        Duration::ZERO,
        Duration::from_millis(300),
        Duration::from_millis(600),
    ];
    c
}

impl TestServer {
    pub async fn start() -> TestServer {
        Self::with(|_| {}).await
    }

    pub async fn with(adjust: impl FnOnce(&mut Config)) -> TestServer {
        let dir = tempfile::tempdir().unwrap();
        let mut c = config(&dir);
        adjust(&mut c);
        Self::from_config(dir, c).await
    }

    pub async fn profile(profile: Profile) -> TestServer {
        Self::with(|c| c.profile = profile).await
    }

    pub async fn from_config(dir: tempfile::TempDir, c: Config) -> TestServer {
        let handle = spawn(c).await.expect("server starts");
        let base = handle.base_url();
        TestServer {
            handle: Some(handle),
            dir,
            client: reqwest::Client::new(),
            base,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}/api/v1{path}", self.base)
    }

    pub async fn call(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut req = self
            .client
            .request(method, self.url(path))
            .bearer_auth(TOKEN);
        if let Some(b) = body {
            req = req.json(&b);
        }
        let res = req.send().await.expect("request sent");
        let status = res.status();
        let text = res.text().await.unwrap();
        let json = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or_else(|_| panic!("not JSON: {text}"))
        };
        (status, json)
    }

    pub async fn get(&self, path: &str) -> (StatusCode, Value) {
        self.call(Method::GET, path, None).await
    }

    pub async fn post(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.call(Method::POST, path, Some(body)).await
    }

    pub async fn patch(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.call(Method::PATCH, path, Some(body)).await
    }

    pub async fn delete(&self, path: &str) -> (StatusCode, Value) {
        self.call(Method::DELETE, path, None).await
    }

    pub async fn stop(&mut self) {
        if let Some(h) = self.handle.take() {
            h.shutdown().await;
        }
    }
}

/// Polls `check` every 50 ms until it returns `Some`, failing after `secs` seconds.
pub async fn eventually<T, F, Fut>(secs: u64, what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = tokio::time::Instant::now() + Duration::from_secs(secs);
    loop {
        if let Some(v) = check().await {
            return v;
        }
        if tokio::time::Instant::now() > deadline {
            panic!("timed out waiting for {what}");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
