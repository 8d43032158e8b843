//! The e2e harness: a reference server with a temp SQLite file serving the release console,
//! a chromedriver, a headless Chromium session, and helpers to drive and assert.

#![allow(dead_code)]

use fantoccini::{elements::Element, Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{json, Value};
use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use switchboard_server::{Config, Profile, ServerHandle};
use tokio::sync::{Semaphore, SemaphorePermit};

/// Headless Chromium sessions at once: the suite runs on two cores.
static BROWSERS: Semaphore = Semaphore::const_new(2);

/// How long a wait for the page may take before the test fails.
pub const WAIT: Duration = Duration::from_secs(20);

/// A change a test makes to the server's configuration.
pub type Adjust = std::sync::Arc<dyn Fn(&mut Config) + Send + Sync>;

/// What kind of server a test wants.
#[derive(Clone)]
pub struct Options {
    pub profile: Profile,
    pub demo: bool,
    pub retry_schedule: Vec<Duration>,
    pub allow_private_targets: bool,
    /// Anything else the test sets on the server's configuration (upstreams, CORS origins).
    pub adjust: Option<Adjust>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            profile: Profile::Full,
            demo: false,
            retry_schedule: vec![
                Duration::ZERO,
                Duration::from_millis(500),
                Duration::from_secs(1),
            ],
            allow_private_targets: true,
            adjust: None,
        }
    }
}

pub struct E2e {
    pub client: Client,
    pub server: Option<ServerHandle>,
    /// The server's origin, where the console is served too.
    pub base_url: String,
    pub token: String,
    pub http: reqwest::Client,
    options: Options,
    dir: tempfile::TempDir,
    driver: Driver,
    _permit: SemaphorePermit<'static>,
}

/// The release build of the console the tests load (split and optimised): `SWITCHBOARD_DIST` or `dist/`.
pub fn dist_dir() -> PathBuf {
    let dir = std::env::var_os("SWITCHBOARD_DIST")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("dist"));
    assert!(
        dir.join("index.html").is_file(),
        "no console build in {}: run `cargo xtask test` (or `cargo xtask bundle`) first",
        dir.display()
    );
    dir
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

fn token() -> String {
    format!(
        "e2e-{:x}",
        std::process::id() as u64 * 7919 + free_port() as u64
    )
}

impl E2e {
    pub async fn start() -> E2e {
        E2e::start_with(Options::default()).await
    }

    pub async fn start_with(options: Options) -> E2e {
        let permit = BROWSERS.acquire().await.expect("browser semaphore");
        let dir = tempfile::tempdir().expect("temp dir");
        let token = token();
        let server = start_server(&dir, &token, &options, None).await;
        let base_url = server.base_url();

        let driver_bin = std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".into());
        let port = free_port();
        let driver = Driver(
            Command::new(&driver_bin)
                .arg(format!("--port={port}"))
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                // Its own process group, so that its browsers can be ended with it.
                .process_group(0)
                .spawn()
                .unwrap_or_else(|e| panic!("cannot start {driver_bin}: {e}")),
        );
        let profile_dir = dir.path().join("chromium-profile");
        // Downloads (the delivery export) land here without a prompt, for the test to read.
        let downloads = dir.path().join("downloads");
        std::fs::create_dir_all(&downloads).expect("downloads dir");
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            json!({
                "args": [
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-background-networking", "--disable-component-update", "--no-first-run",
                    "--disable-sync", "--window-size=1280,900",
                    format!("--user-data-dir={}", profile_dir.display()),
                ],
                "prefs": {
                    "download.default_directory": downloads.display().to_string(),
                    "download.prompt_for_download": false,
                },
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
                Err(e) if started.elapsed() < Duration::from_secs(15) => {
                    let _ = e;
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                Err(e) => panic!("cannot open a Chromium session: {e}"),
            }
        };
        E2e {
            client,
            server: Some(server),
            base_url,
            token,
            http: reqwest::Client::new(),
            options,
            dir,
            driver,
            _permit: permit,
        }
    }

    /// Opens a console path (`/webhooks?q=x`) on the server's origin.
    pub async fn open(&self, path: &str) {
        self.client
            .goto(&format!("{}{}", self.base_url, path))
            .await
            .expect("navigate");
        self.find(".shell").await;
    }

    /// Connects with the right token through the Settings page and waits for the capabilities.
    pub async fn connect(&self) {
        self.open("/settings").await;
        self.connect_here(&self.token.clone()).await;
        self.wait_text("[data-testid=connection-status]", "Connected")
            .await;
    }

    /// Fills the token on the already open Settings page and presses Connect.
    pub async fn connect_here(&self, token: &str) {
        self.fill("[data-testid=token]", token).await;
        self.click("[data-testid=connect]").await;
    }

    /// Connects choosing another API (`api-select` value), optionally at another base URL.
    pub async fn connect_as(&self, api: &str, base_url: Option<&str>, token: &str) {
        self.open("/settings").await;
        let select = self.find("[data-testid=api-select]").await;
        select
            .select_by_value(api)
            .await
            .expect("the API is offered");
        if let Some(url) = base_url {
            self.fill("[data-testid=base-url]", url).await;
        }
        self.connect_here(token).await;
        self.wait_text("[data-testid=connection-status]", "Connected")
            .await;
    }

    /// Connects, then opens `path` through the router (an in-app navigation keeps the token).
    pub async fn connect_and_open(&self, path: &str) {
        self.connect().await;
        self.navigate(path).await;
    }

    /// In-app navigation without a reload (the token lives in memory only).
    pub async fn navigate(&self, path: &str) {
        self.client
            .execute(
                "const a = document.createElement('a'); a.href = arguments[0]; a.setAttribute('data-e2e-nav', '');\
                 document.body.appendChild(a); a.click(); a.remove();",
                vec![json!(path)],
            )
            .await
            .expect("navigate in app");
        let want = path.split('?').next().unwrap_or(path).to_owned();
        self.wait_until(&format!("path {want}"), || async {
            self.client
                .current_url()
                .await
                .map(|u| u.path() == want)
                .unwrap_or(false)
        })
        .await;
    }

    pub async fn find(&self, css: &str) -> Element {
        match self
            .client
            .wait()
            .at_most(WAIT)
            .for_element(Locator::Css(css))
            .await
        {
            Ok(el) => el,
            Err(e) => {
                // What the page showed instead, when screenshots are asked for.
                self.screenshot("failed-find").await;
                panic!("no element {css}: {e}")
            }
        }
    }

    pub async fn find_all(&self, css: &str) -> Vec<Element> {
        self.client
            .find_all(Locator::Css(css))
            .await
            .unwrap_or_default()
    }

    pub async fn exists(&self, css: &str) -> bool {
        !self.find_all(css).await.is_empty()
    }

    /// Waits until the element is shown, not merely present: a page behind the connection
    /// check exists before it is visible, and is only shown once the token is confirmed.
    pub async fn shown(&self, css: &str) {
        self.find(css).await;
        self.wait_until(&format!("{css} to be shown"), || async {
            match self.find_all(css).await.first() {
                Some(el) => el.is_displayed().await.unwrap_or(false),
                None => false,
            }
        })
        .await;
    }

    /// Clicks what a user could click: the element is waited for until it is shown.
    pub async fn click(&self, css: &str) {
        self.shown(css).await;
        self.find(css)
            .await
            .click()
            .await
            .unwrap_or_else(|e| panic!("click {css}: {e}"));
    }

    /// Replaces an input's value as a user would type it.
    pub async fn fill(&self, css: &str, text: &str) {
        let el = self.find(css).await;
        el.clear()
            .await
            .unwrap_or_else(|e| panic!("clear {css}: {e}"));
        el.send_keys(text)
            .await
            .unwrap_or_else(|e| panic!("type into {css}: {e}"));
    }

    pub async fn value(&self, css: &str) -> String {
        self.find(css)
            .await
            .prop("value")
            .await
            .ok()
            .flatten()
            .unwrap_or_default()
    }

    pub async fn text(&self, css: &str) -> String {
        self.find(css).await.text().await.unwrap_or_default()
    }

    /// Waits until the element exists and its text contains `needle`.
    pub async fn wait_text(&self, css: &str, needle: &str) -> String {
        let mut last = String::new();
        let started = Instant::now();
        while started.elapsed() < WAIT {
            if let Ok(el) = self.client.find(Locator::Css(css)).await {
                last = el.text().await.unwrap_or_default();
                if last.contains(needle) {
                    return last;
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("{css} never contained {needle:?}; last text: {last:?}");
    }

    /// Waits until no element matches.
    pub async fn wait_gone(&self, css: &str) {
        self.wait_until(&format!("{css} gone"), || async { !self.exists(css).await })
            .await;
    }

    /// Polls `check` until it holds, failing the test after `WAIT`.
    pub async fn wait_until<F, Fut>(&self, what: &str, mut check: F)
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = bool>,
    {
        let started = Instant::now();
        while started.elapsed() < WAIT {
            if check().await {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("timed out waiting for {what}");
    }

    pub async fn js(&self, script: &str) -> Value {
        self.client
            .execute(script, vec![])
            .await
            .unwrap_or_else(|e| panic!("script failed: {e}"))
    }

    /// Saves a PNG of the page for a person to look at (only when SWITCHBOARD_SCREENSHOTS is set).
    pub async fn screenshot(&self, name: &str) {
        if let Some(dir) = std::env::var_os("SWITCHBOARD_SCREENSHOTS") {
            let png = self.client.screenshot().await.expect("screenshot");
            let _ = std::fs::create_dir_all(&dir);
            std::fs::write(PathBuf::from(dir).join(format!("{name}.png")), png)
                .expect("save screenshot");
        }
    }

    /// Calls the API directly (test setup and checks), with the right token.
    pub async fn api(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> (u16, Value) {
        let mut req = self
            .http
            .request(method, format!("{}/api/v1{}", self.base_url, path))
            .bearer_auth(&self.token);
        if let Some(body) = body {
            req = req.json(&body);
        }
        let resp = req.send().await.expect("API request");
        let status = resp.status().as_u16();
        let text = resp.text().await.unwrap_or_default();
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    /// Stops the server: its port refuses connections from now on.
    pub async fn stop_server(&mut self) {
        if let Some(server) = self.server.take() {
            server.shutdown().await;
        }
    }

    /// Starts the server again on the same port and SQLite file.
    pub async fn restart_server(&mut self) {
        self.stop_server().await;
        let addr = self
            .base_url
            .trim_start_matches("http://")
            .parse()
            .expect("server address");
        self.server = Some(start_server(&self.dir, &self.token, &self.options, Some(addr)).await);
    }

    /// Where the browser saves downloads.
    pub fn downloads(&self) -> PathBuf {
        self.dir.path().join("downloads")
    }

    /// Fails if the console panicked at any point.
    pub async fn assert_no_panic(&self) {
        let panicked = self
            .js("return document.body && document.body.getAttribute('data-panicked');")
            .await;
        assert!(panicked.is_null(), "the console panicked");
    }

    /// Checks for a panic, then closes the browser, the driver and the server.
    pub async fn finish(mut self) {
        self.assert_no_panic().await;
        let _ = self.client.clone().close().await;
        self.stop_server().await;
    }
}

/// The chromedriver process. Dropping it (also when a test fails half-way, before or after the
/// session exists) ends the driver and every browser it started.
struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let group = format!("-{}", self.0.id());
        let _ = Command::new("kill")
            .args(["-KILL", "--", &group])
            .stderr(Stdio::null())
            .status();
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

async fn start_server(
    dir: &tempfile::TempDir,
    token: &str,
    options: &Options,
    listen: Option<std::net::SocketAddr>,
) -> ServerHandle {
    let mut config = Config::new(dir.path().join("switchboard.db"), token);
    config.static_dir = Some(dist_dir());
    config.allow_private_targets = options.allow_private_targets;
    config.demo = options.demo;
    config.profile = options.profile;
    config.retry_schedule = options.retry_schedule.clone();
    if let Some(adjust) = &options.adjust {
        adjust(&mut config);
    }
    if let Some(addr) = listen {
        config.listen = addr;
    }
    // The port may still be held for a moment after a shutdown.
    let started = Instant::now();
    loop {
        match switchboard_server::spawn(config.clone()).await {
            Ok(server) => return server,
            Err(e) if started.elapsed() < Duration::from_secs(5) => {
                let _ = e;
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            Err(e) => panic!("cannot start the server: {e}"),
        }
    }
}
