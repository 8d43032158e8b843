//! Headless Chromium through chromedriver: WebDriver for navigation and page scripts, and the
//! DevTools protocol (chromedriver's `goog/cdp/execute`) for cache, heap and memory.

use fantoccini::wd::{TimeoutConfiguration, WebDriverCompatibleCommand};
use fantoccini::{Client, ClientBuilder};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{json, Value};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// One DevTools protocol command, sent through the WebDriver session.
#[derive(Debug)]
struct Cdp {
    cmd: String,
    params: Value,
}

impl WebDriverCompatibleCommand for Cdp {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/goog/cdp/execute",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _request_url: &url::Url) -> (http::Method, Option<String>) {
        let body = json!({ "cmd": self.cmd, "params": self.params });
        (http::Method::POST, Some(body.to_string()))
    }
}

pub struct Browser {
    pub client: Client,
    driver: Child,
}

impl Browser {
    /// Starts chromedriver (`CHROMEDRIVER` or `chromedriver` on PATH) and one headless window
    /// of the e2e tests' size, with its profile in `profile_dir`.
    pub async fn start(profile_dir: &Path) -> Result<Browser, String> {
        let driver_bin = std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".into());
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .map_err(|e| format!("no free loopback port: {e}"))?;
        let mut driver = Command::new(&driver_bin)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start {driver_bin}: {e}"))?;
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            json!({
                "args": [
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-background-networking", "--disable-component-update", "--no-first-run",
                    "--disable-sync", "--window-size=1280,900", "--enable-precise-memory-info",
                    format!("--user-data-dir={}", profile_dir.display()),
                ]
            }),
        );
        let webdriver = format!("http://127.0.0.1:{port}");
        let started = Instant::now();
        let client = loop {
            // Plain HTTP to the local driver: no TLS stack needed.
            match ClientBuilder::new(HttpConnector::new())
                .capabilities(caps.clone())
                .connect(&webdriver)
                .await
            {
                Ok(c) => break c,
                Err(_) if started.elapsed() < Duration::from_secs(20) => {
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                Err(e) => {
                    let _ = driver.kill();
                    let _ = driver.wait();
                    return Err(format!("cannot open a Chromium session: {e}"));
                }
            }
        };
        client
            .update_timeouts(TimeoutConfiguration::new(
                Some(Duration::from_secs(120)),
                Some(Duration::from_secs(60)),
                Some(Duration::ZERO),
            ))
            .await
            .map_err(|e| format!("setting WebDriver timeouts: {e}"))?;
        Ok(Browser { client, driver })
    }

    pub async fn cdp(&self, cmd: &str, params: Value) -> Result<Value, String> {
        self.client
            .issue_cmd(Cdp {
                cmd: cmd.to_owned(),
                params,
            })
            .await
            .map_err(|e| format!("DevTools {cmd}: {e}"))
    }

    pub async fn goto(&self, url: &str) -> Result<(), String> {
        self.client
            .goto(url)
            .await
            .map_err(|e| format!("navigate to {url}: {e}"))
    }

    /// Runs a script in the page; a returned promise is awaited (WebDriver does so).
    pub async fn js(&self, script: &str, args: Vec<Value>) -> Result<Value, String> {
        self.client.execute(script, args).await.map_err(|e| {
            let first_line: String = script
                .lines()
                .next()
                .unwrap_or("")
                .chars()
                .take(80)
                .collect();
            format!("page script failed ({first_line}…): {e}")
        })
    }

    /// Empties the HTTP cache (and the compiled-wasm cache stored with it) for a cold load.
    pub async fn clear_cache(&self) -> Result<(), String> {
        self.cdp("Network.enable", json!({})).await?;
        self.cdp("Network.clearBrowserCache", json!({})).await?;
        Ok(())
    }

    /// Live JS heap bytes after a full garbage collection.
    pub async fn js_heap_after_gc(&self) -> Result<f64, String> {
        self.cdp("HeapProfiler.collectGarbage", json!({})).await?;
        let usage = self.cdp("Runtime.getHeapUsage", json!({})).await?;
        usage["usedSize"]
            .as_f64()
            .ok_or_else(|| format!("Runtime.getHeapUsage gave no usedSize: {usage}"))
    }

    /// Bytes of the page's WebAssembly memory. The console's memory is not reachable from page
    /// scripts by name, but its bindings module (named by the `switchboard-js` meta tag, which
    /// the baseline page has too) hands out the wasm exports it was started with: importing the
    /// same URL gives the same module, and `initSync` on a started module returns its exports
    /// without starting it again. Every page chunk shares that one memory.
    ///
    /// (Asking DevTools for every `WebAssembly.Memory` with `Runtime.queryObjects` crashes the
    /// tab once split chunks are instantiated.)
    pub async fn wasm_memory(&self) -> Result<f64, String> {
        let bytes = self.js(WASM_MEMORY, vec![]).await?;
        bytes
            .as_f64()
            .ok_or_else(|| format!("could not read the wasm memory: {bytes}"))
    }

    pub async fn version(&self) -> String {
        self.cdp("Browser.getVersion", json!({}))
            .await
            .ok()
            .and_then(|v| v["product"].as_str().map(str::to_owned))
            .unwrap_or_else(|| "unknown".into())
    }

    pub async fn close(mut self) {
        let _ = self.client.clone().close().await;
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // An error part-way must not leave a driver and its browser running.
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

const WASM_MEMORY: &str = r#"
return (async () => {
  const meta = document.querySelector('meta[name="switchboard-js"]');
  if (!meta) { return "no switchboard-js meta tag"; }
  const bindings = await import(meta.content);
  const exports = bindings.initSync(undefined, undefined);
  return exports && exports.memory ? exports.memory.buffer.byteLength : "no memory export";
})();
"#;
