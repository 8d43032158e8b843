//! The Switchboard reference backend: configuration, start-up and the handle that stops it.

pub mod catalogue;
pub mod clock;
mod demo;
pub mod engine;
mod error;
pub mod http;
mod ids;
pub mod serve;
mod store;
mod types;
pub mod validate;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

// A panicking handler is caught and answered 500 (see `http::router`), which needs unwinding;
// built to abort, the first such panic would take the whole server down.
#[cfg(panic = "abort")]
compile_error!("switchboard-server must be built with panic = \"unwind\"");

pub use engine::signature;
pub use error::ApiError;
pub use http::routes::{route_table, RouteSpec};

/// Which shape of the API the server speaks.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Profile {
    /// Every feature group, shaped as `api/openapi.yaml` documents it.
    #[default]
    Full,
    /// Only the core level is advertised and served; the rest answers 404.
    Core,
    /// Core level shaped like the plandocket API: no `/capabilities`, integer ids, Unix-second
    /// `created_at`/`updated_at`, HTTPS-only URLs.
    Plandocket,
    /// Shoprenter's WebHook resource at `/api` (`api/dialects.md`).
    Shoprenter,
    /// Output.Rocks' webhook resource at `/api/spa`: its nine channel types, no http.
    Outputrocks,
    /// The API platform's notification webhooks at `/api/notifications/v1`.
    Apiplatform,
}

impl Profile {
    pub fn parse(s: &str) -> Option<Profile> {
        match s {
            "full" => Some(Profile::Full),
            "core" => Some(Profile::Core),
            "plandocket" => Some(Profile::Plandocket),
            "shoprenter" => Some(Profile::Shoprenter),
            "outputrocks" => Some(Profile::Outputrocks),
            "apiplatform" => Some(Profile::Apiplatform),
            _ => None,
        }
    }

    /// Every name [`Profile::parse`] accepts, for help texts.
    pub const NAMES: &'static str = "full, core, plandocket, shoprenter, outputrocks, apiplatform";

    /// Whether routes above the core level are served.
    pub fn full(self) -> bool {
        self == Profile::Full
    }
}

/// Svix's published retry schedule: the first entry is the initial attempt.
pub fn default_retry_schedule() -> Vec<Duration> {
    [
        0,
        5,
        5 * 60,
        30 * 60,
        2 * 3600,
        5 * 3600,
        10 * 3600,
        10 * 3600,
    ]
    .into_iter()
    .map(Duration::from_secs)
    .collect()
}

/// Enough for a person mistyping a token or a console with a stale one, far too few to guess.
pub const DEFAULT_AUTH_FAILURE_LIMIT: u32 = 20;
pub const DEFAULT_AUTH_FAILURE_WINDOW: Duration = Duration::from_secs(60);

/// Long enough for a person's browser on a slow link, short enough that a client sending its
/// headers a byte at a time gives up its connection soon.
pub const DEFAULT_HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// The longest pause between two parts of a request body.
pub const DEFAULT_REQUEST_BODY_TIMEOUT: Duration = Duration::from_secs(30);
/// The longest one request may take until its answer starts: above the longest endpoint
/// timeout (`MAX_TIMEOUT`, 120 s) that a test send waits for, plus an OAuth token fetch.
pub const DEFAULT_HANDLER_TIMEOUT: Duration = Duration::from_secs(150);
/// Well under the usual limit of 1024 open files, which the database and the deliveries'
/// connections share.
pub const DEFAULT_MAX_CONNECTIONS: usize = 512;
/// Time for delivery attempts under way to finish at a stop: most endpoints answer well
/// within it, and it fits the 30 s a service manager commonly waits before killing.
pub const DEFAULT_DRAIN_TIMEOUT: Duration = Duration::from_secs(10);
pub const DEFAULT_REPLAY_RATE: u32 = 10;

/// Everything the server needs to start.
#[derive(Debug, Clone)]
pub struct Config {
    /// SQLite file (WAL mode, migrations run at start).
    pub db: PathBuf,
    /// Port 0 picks a free one.
    pub listen: SocketAddr,
    /// The bearer token every `/api/v1` request must carry.
    pub token: String,
    /// Served at `/`; unknown non-`/api` paths get its `index.html` (single-page app).
    pub static_dir: Option<PathBuf>,
    /// Loopback and private endpoint URLs are allowed (demo and tests).
    pub allow_private_targets: bool,
    /// Seed demo webhooks, run the built-in receivers and emit live events.
    pub demo: bool,
    pub profile: Profile,
    /// Delay before each attempt: entry 0 for the first, entry n for retry n; the last entry
    /// repeats.
    pub retry_schedule: Vec<Duration>,
    /// Extra origins allowed in the console's CSP `connect-src`.
    pub extra_connect_src: Vec<String>,
    /// Vendor APIs forwarded at `/upstream/{name}/…`: name → base URL (origin and path prefix).
    pub upstreams: Vec<(String, reqwest::Url)>,
    /// How long one forwarded exchange may take before it is a 504.
    pub upstream_timeout: Duration,
    /// Origins whose pages may call `/api` directly (CORS); exact, never a wildcard.
    pub cors_origins: Vec<String>,
    /// Failed credential checks from one client address (an IPv6 /64) within
    /// [`Config::auth_failure_window`] after which its every API request is answered 429 until
    /// the window ends; 0 turns this off.
    pub auth_failure_limit: u32,
    pub auth_failure_window: Duration,
    /// Serves `GET /api/v1/_test/panic`, whose handler panics: for tests that a panic is a 500
    /// and the server keeps serving. Never set outside tests; the command line cannot.
    pub panic_route_for_tests: bool,
    /// The time deliveries are signed, scheduled and rotated secrets expire by; tests move a
    /// manual one instead of sleeping.
    pub clock: clock::Clock,
    /// How long one event's filter conditions may take together before those not yet decided
    /// fail their match.
    pub filter_budget: Duration,
    /// How long a client may take to send a request's headers, and how long an idle
    /// kept-alive connection stays open.
    pub header_read_timeout: Duration,
    /// The longest pause between two parts of a request body before the request fails.
    pub request_body_timeout: Duration,
    /// How long a request may take until its answer starts, after which it is a 503.
    pub handler_timeout: Duration,
    /// Connections open at once; more wait until one closes.
    pub max_connections: usize,
    /// At a stop, how long delivery attempts under way may finish; the rest are released to
    /// the queue and sent after the next start.
    pub drain_timeout: Duration,
    /// Names answered with these addresses instead of DNS, by the save-time check and every
    /// outbound request alike; the SSRF guard judges them like any DNS answer. For tests, which
    /// need a name that resolves to a private address; the command line cannot set it.
    pub resolve: Vec<(String, std::net::IpAddr)>,
    /// A proxy every delivery, token fetch and probe goes through, for sandboxes whose proxy is
    /// the boundary (the SSRF guard cannot see past a proxy). `HTTP_PROXY` and the like are
    /// never used.
    pub outbound_proxy: Option<reqwest::Url>,
    /// The health rule: a webhook whose every attempt failed for this many days is
    /// deactivated, the reason recorded in its time line. 0 turns it off.
    pub disable_after_days: u32,
    /// Live tail events one subscriber may have waiting; one that falls further behind is
    /// dropped.
    pub tail_buffer: usize,
    /// How often an open live tail gets a comment line when nothing happens, so proxies and
    /// clients can tell a quiet stream from a dead one.
    pub tail_heartbeat: Duration,
    /// Deliveries a replay job sends per endpoint per second, at most.
    pub replay_rate: u32,
}

/// Svix's figure: five days of failures without a success disable an endpoint.
pub const DEFAULT_DISABLE_AFTER_DAYS: u32 = 5;
pub const DEFAULT_TAIL_HEARTBEAT: Duration = Duration::from_secs(15);

impl Config {
    pub fn new(db: PathBuf, token: impl Into<String>) -> Self {
        Config {
            db,
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            token: token.into(),
            static_dir: None,
            allow_private_targets: false,
            demo: false,
            profile: Profile::Full,
            retry_schedule: default_retry_schedule(),
            extra_connect_src: Vec::new(),
            upstreams: Vec::new(),
            upstream_timeout: http::upstream::DEFAULT_TIMEOUT,
            cors_origins: Vec::new(),
            auth_failure_limit: DEFAULT_AUTH_FAILURE_LIMIT,
            auth_failure_window: DEFAULT_AUTH_FAILURE_WINDOW,
            panic_route_for_tests: false,
            clock: clock::Clock::system(),
            filter_budget: engine::filter::DEFAULT_BUDGET,
            header_read_timeout: DEFAULT_HEADER_READ_TIMEOUT,
            request_body_timeout: DEFAULT_REQUEST_BODY_TIMEOUT,
            handler_timeout: DEFAULT_HANDLER_TIMEOUT,
            max_connections: DEFAULT_MAX_CONNECTIONS,
            drain_timeout: DEFAULT_DRAIN_TIMEOUT,
            resolve: Vec::new(),
            outbound_proxy: None,
            disable_after_days: DEFAULT_DISABLE_AFTER_DAYS,
            tail_buffer: engine::tail::DEFAULT_BUFFER,
            tail_heartbeat: DEFAULT_TAIL_HEARTBEAT,
            replay_rate: DEFAULT_REPLAY_RATE,
        }
    }
}

/// Why the server could not start.
#[derive(Debug)]
pub enum ServerError {
    Io(std::io::Error),
    Database(String),
    Config(String),
}

impl std::fmt::Display for ServerError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ServerError::Io(e) => write!(f, "I/O error: {e}"),
            ServerError::Database(e) => write!(f, "database error: {e}"),
            ServerError::Config(e) => write!(f, "configuration error: {e}"),
        }
    }
}

impl std::error::Error for ServerError {}

impl From<std::io::Error> for ServerError {
    fn from(e: std::io::Error) -> Self {
        ServerError::Io(e)
    }
}

/// A running server. Dropping it leaves the server running until the runtime ends;
/// call [`ServerHandle::shutdown`] to stop it.
pub struct ServerHandle {
    addr: SocketAddr,
    stop: tokio::sync::watch::Sender<bool>,
    server: tokio::task::JoinHandle<()>,
    /// The delivery dispatcher, which drains on its own at a stop.
    delivering: tokio::task::JoinHandle<()>,
    drain_timeout: Duration,
    background: Vec<tokio::task::JoinHandle<()>>,
    engine: engine::Engine,
}

impl ServerHandle {
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Emits an event as `POST /api/v1/events` does and returns the ids of its deliveries.
    /// The vendor profiles' APIs have no such route; their tests emit through this.
    pub async fn emit(
        &self,
        event_type: &str,
        payload: serde_json::Value,
    ) -> Result<Vec<String>, ApiError> {
        let event = self.engine.emit(event_type.to_owned(), payload).await?;
        Ok(event.deliveries)
    }

    /// Stops accepting, lets in-flight requests finish briefly, closes the listener, and
    /// drains the delivery engine (see [`Config::drain_timeout`]).
    pub async fn shutdown(mut self) {
        let _ = self.stop.send(true);
        let abort = self.server.abort_handle();
        // The listener loop gives open requests a grace period of its own; this is a backstop.
        if tokio::time::timeout(Duration::from_secs(6), &mut self.server)
            .await
            .is_err()
        {
            abort.abort();
            let _ = (&mut self.server).await;
        }
        // The dispatcher bounds its drain by itself; this is a backstop.
        let abort = self.delivering.abort_handle();
        let limit = self.drain_timeout + Duration::from_secs(5);
        if tokio::time::timeout(limit, &mut self.delivering)
            .await
            .is_err()
        {
            abort.abort();
            let _ = (&mut self.delivering).await;
        }
        for task in self.background.drain(..) {
            task.abort();
            let _ = task.await;
        }
    }
}

/// Binds, migrates the database, starts the delivery engine (and the demo), and returns
/// as soon as the server accepts connections.
pub async fn spawn(mut config: Config) -> Result<ServerHandle, ServerError> {
    // The demo's endpoints live on loopback, so demo mode cannot work without this.
    config.allow_private_targets |= config.demo;
    if config.token.is_empty() {
        return Err(ServerError::Config(
            "the API token must not be empty".into(),
        ));
    }
    if config.header_read_timeout.is_zero()
        || config.request_body_timeout.is_zero()
        || config.handler_timeout.is_zero()
        || config.max_connections == 0
    {
        return Err(ServerError::Config(
            "timeouts and the connection cap must be above zero".into(),
        ));
    }
    if config.replay_rate == 0 {
        return Err(ServerError::Config(
            "the replay rate must be at least 1 per second".into(),
        ));
    }
    if config.retry_schedule.is_empty() {
        return Err(ServerError::Config(
            "the retry schedule needs at least one entry".into(),
        ));
    }
    http::upstream::check(&config.upstreams).map_err(ServerError::Config)?;
    http::cors::check(&config.cors_origins, &config.extra_connect_src)
        .map_err(ServerError::Config)?;
    let store = store::Store::open(&config.db).map_err(ServerError::Database)?;
    let listener = tokio::net::TcpListener::bind(config.listen).await?;
    let addr = listener.local_addr()?;
    let (stop, stop_rx) = tokio::sync::watch::channel(false);

    let catalogue = Arc::new(catalogue::Catalogue::builtin());
    let engine = engine::Engine::new(
        store.clone(),
        catalogue.clone(),
        engine::EngineConfig {
            allow_private_targets: config.allow_private_targets,
            retry_schedule: config.retry_schedule.clone(),
            clock: config.clock.clone(),
            filter_budget: config.filter_budget,
            drain_timeout: config.drain_timeout,
            host_overrides: engine::ssrf::HostOverrides::new(&config.resolve),
            outbound_proxy: config.outbound_proxy.clone(),
            disable_after_days: config.disable_after_days,
            tail_buffer: config.tail_buffer,
        },
    );
    let delivering = engine.start(stop_rx.clone());
    let mut background = vec![engine::replay::start(
        engine.clone(),
        config.replay_rate,
        stop_rx.clone(),
    )];

    let state = http::AppState::new(config.clone(), store.clone(), catalogue, engine.clone());
    if config.demo {
        let base = format!("http://{addr}");
        background.extend(
            demo::start(&store, &engine, config.profile, &base, stop_rx.clone())
                .await
                .map_err(ServerError::Database)?,
        );
    }
    let app = http::router(state);
    let limits = serve::ConnectionLimits {
        header_read_timeout: config.header_read_timeout,
        max_connections: config.max_connections,
    };
    let server = tokio::spawn(serve::run(listener, app, limits, stop_rx));
    Ok(ServerHandle {
        addr,
        stop,
        server,
        delivering,
        drain_timeout: config.drain_timeout,
        background,
        engine,
    })
}

/// What a caught panic says, for the log and the 500 answer.
fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".into())
}
