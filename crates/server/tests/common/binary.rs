//! The built server binary as a child process, for tests of what only a process has: signals,
//! its environment, a restart on the same SQLite file.

use serde_json::Value;
use std::path::Path;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

pub const TOKEN: &str = "binary-test-token-0123456789abcdef";

/// A running server binary and where it listens. Dropping it kills the process.
pub struct Server {
    child: Child,
    pub base: String,
    http: reqwest::Client,
}

impl Server {
    /// Starts the binary on `db` on a free loopback port with private targets allowed, the
    /// extra `args` and environment `env`, and waits for its start-up line.
    pub async fn start(db: &Path, args: &[&str], env: &[(&str, &str)]) -> Server {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_switchboard-server"));
        cmd.arg("--db")
            .arg(db)
            .args(["--listen", "127.0.0.1:0", "--token", TOKEN])
            .arg("--allow-private-targets")
            .args(args)
            .env("RUST_LOG", "error")
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .kill_on_drop(true);
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().unwrap();
        let mut line = String::new();
        let stdout = child.stdout.take().unwrap();
        tokio::time::timeout(
            Duration::from_secs(20),
            BufReader::new(stdout).read_line(&mut line),
        )
        .await
        .expect("the server starts")
        .unwrap();
        let base = line
            .split_whitespace()
            .find(|w| w.starts_with("http://"))
            .unwrap_or_else(|| panic!("no address in {line:?}"))
            .to_string();
        Server {
            child,
            base,
            // The test's own client must not go through a proxy a test sets for the server.
            http: reqwest::Client::builder().no_proxy().build().unwrap(),
        }
    }

    /// An API call that must succeed; returns its JSON.
    pub async fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let mut req = self
            .http
            .request(method, format!("{}/api/v1{path}", self.base))
            .bearer_auth(TOKEN);
        if let Some(b) = body {
            req = req.json(&b);
        }
        let res = req.send().await.unwrap();
        let status = res.status();
        let text = res.text().await.unwrap();
        assert!(status.is_success(), "{path}: {status} {text}");
        serde_json::from_str(&text).unwrap()
    }

    /// Creates a webhook from `body`, emits one `order_confirm` event and returns the id of
    /// its first delivery.
    pub async fn deliver_once(&self, body: Value) -> String {
        self.call(reqwest::Method::POST, "/webhooks", Some(body))
            .await;
        let event = self
            .call(
                reqwest::Method::POST,
                "/events",
                Some(serde_json::json!({"event_type": "order_confirm", "payload": {"n": 1}})),
            )
            .await;
        event["data"]["deliveries"][0]
            .as_str()
            .expect("a delivery")
            .to_string()
    }

    pub async fn delivery(&self, id: &str) -> Value {
        self.call(reqwest::Method::GET, &format!("/deliveries/{id}"), None)
            .await["data"]
            .clone()
    }

    /// Sends a signal by name (`TERM`, `KILL`) with the system's `kill`.
    pub async fn signal(&self, name: &str) {
        let pid = self.child.id().expect("still running").to_string();
        let status = Command::new("kill")
            .args([format!("-{name}"), pid])
            .status()
            .await
            .unwrap();
        assert!(status.success());
    }

    /// How the process ended, failing if it runs on for longer than `limit`.
    pub async fn exit(mut self, limit: Duration) -> std::process::ExitStatus {
        tokio::time::timeout(limit, self.child.wait())
            .await
            .expect("the server exits")
            .unwrap()
    }
}
