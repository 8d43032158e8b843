//! Command line of the Switchboard reference server.

use clap::Parser;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;
use switchboard_server::{spawn, Config, Profile};

#[derive(Parser, Debug)]
#[command(
    name = "switchboard-server",
    version,
    about = "Reference backend of the Switchboard Webhook API"
)]
struct Cli {
    /// SQLite database file (created and migrated when missing).
    #[arg(long, default_value = "switchboard.db")]
    db: PathBuf,
    /// Address to listen on; port 0 picks a free one.
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// Bearer token of the API, at least 32 characters; a random one is generated when absent.
    #[arg(long, env = "SWITCHBOARD_TOKEN", hide_env_values = true)]
    token: Option<String>,
    /// Directory of the built console, served at `/`.
    #[arg(long)]
    static_dir: Option<PathBuf>,
    /// Allow endpoint URLs on loopback and private networks (demo and tests only).
    #[arg(long)]
    allow_private_targets: bool,
    /// Seed demo webhooks, run the demo receivers and emit live events.
    #[arg(long)]
    demo: bool,
    /// API shape: full, core (core level only), plandocket (core level, plandocket-shaped),
    /// or a vendor's own webhook API: shoprenter (/api), outputrocks (/api/spa), apiplatform
    /// (/api/notifications/v1).
    #[arg(long, default_value = "full", value_parser = parse_profile)]
    profile: Profile,
    /// Delays before attempt 1, 2, …, e.g. `0s,5s,5m,30m,2h,5h,10h`; the last repeats.
    #[arg(long, value_parser = parse_schedule)]
    retry_schedule: Option<Schedule>,
    /// Extra origin allowed in the console's CSP connect-src (repeatable), e.g. a vendor API
    /// the console calls directly.
    #[arg(long)]
    connect_src: Vec<String>,
    /// Forward `/upstream/NAME/…` to a vendor API: `NAME=https://api.vendor.example`
    /// (repeatable). The vendor's own auth header passes; redirects are not followed.
    #[arg(long, value_name = "NAME=URL", value_parser = parse_upstream)]
    upstream: Vec<(String, reqwest::Url)>,
    /// Deadline of one forwarded exchange, e.g. `30s`.
    #[arg(long, value_parser = parse_one_duration)]
    upstream_timeout: Option<Duration>,
    /// Origin whose pages may call `/api` directly, e.g. `https://console.example`
    /// (repeatable; CORS for exactly these origins).
    #[arg(long)]
    cors_origin: Vec<String>,
    /// How long a client may take to send a request's headers; also how long an idle
    /// kept-alive connection stays open.
    #[arg(long, value_parser = parse_one_duration, default_value = "10s")]
    header_read_timeout: Duration,
    /// The longest pause between two parts of a request body before the request fails.
    #[arg(long, value_parser = parse_one_duration, default_value = "30s")]
    request_body_timeout: Duration,
    /// How long a request may take until its answer starts before it is a 503.
    #[arg(long, value_parser = parse_one_duration, default_value = "150s")]
    handler_timeout: Duration,
    /// Connections open at once; more wait until one closes.
    #[arg(long, default_value_t = switchboard_server::DEFAULT_MAX_CONNECTIONS)]
    max_connections: usize,
    /// At SIGTERM or Ctrl-C, how long delivery attempts under way may finish; the rest go back
    /// to the queue and are sent after the next start.
    #[arg(long, value_parser = parse_one_duration, default_value = "10s")]
    drain_timeout: Duration,
    /// Send every delivery, token fetch and probe through this proxy, e.g. a sandbox's
    /// boundary. The SSRF guard cannot see past a proxy; `HTTP_PROXY` and the like are ignored.
    #[arg(long, value_name = "URL")]
    outbound_proxy: Option<reqwest::Url>,
    /// Failed token checks from one client that shut it out of the API for a while; 0 turns
    /// the throttle off (for a test client that sends wrong tokens on purpose).
    #[arg(long)]
    auth_failure_limit: Option<u32>,
    /// The health rule: deactivate a webhook whose every delivery attempt failed for this many
    /// days, recording why; 0 turns it off.
    #[arg(long, default_value_t = switchboard_server::DEFAULT_DISABLE_AFTER_DAYS)]
    disable_after_days: u32,
    /// Deliveries a replay job sends to one endpoint per second, at most, so a replay cannot
    /// flood a receiver that is just recovering.
    #[arg(long, default_value_t = switchboard_server::DEFAULT_REPLAY_RATE,
          value_parser = clap::value_parser!(u32).range(1..))]
    replay_rate: u32,
}

#[derive(Debug, Clone)]
struct Schedule(Vec<Duration>);

fn parse_profile(s: &str) -> Result<Profile, String> {
    Profile::parse(s).ok_or_else(|| format!("unknown profile {s:?}: use {}", Profile::NAMES))
}

fn parse_schedule(s: &str) -> Result<Schedule, String> {
    s.split(',')
        .map(|part| {
            switchboard_server::engine::parse_duration(part.trim())
                .ok_or_else(|| format!("{part:?} is not a duration like 500ms, 5s, 5m, 2h or 1d"))
        })
        .collect::<Result<Vec<_>, _>>()
        .map(Schedule)
}

fn parse_upstream(s: &str) -> Result<(String, reqwest::Url), String> {
    let (name, url) = s
        .split_once('=')
        .ok_or_else(|| format!("{s:?} is not NAME=URL"))?;
    let url = reqwest::Url::parse(url.trim()).map_err(|e| format!("{url:?}: {e}"))?;
    Ok((name.trim().to_string(), url))
}

fn parse_one_duration(s: &str) -> Result<Duration, String> {
    switchboard_server::engine::parse_duration(s.trim())
        .ok_or_else(|| format!("{s:?} is not a duration like 500ms, 5s, 5m, 2h or 1d"))
}

/// The shortest token the command line takes: the bearer token is the only credential of the
/// API, so a short one could be guessed. A generated token (48 hex digits) is longer.
const MIN_TOKEN_CHARS: usize = 32;

fn random_token() -> String {
    use rand::Rng;
    let bytes: [u8; 24] = rand::thread_rng().gen();
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Ctrl-C, or SIGTERM as service managers and container runtimes send it: the default action
/// of SIGTERM would end the process in the middle of its deliveries.
async fn told_to_stop() {
    #[cfg(unix)]
    let terminate = async {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(e) => {
                tracing::warn!("cannot listen for SIGTERM: {e}");
                std::future::pending::<()>().await
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = terminate => {}
    }
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .init();
    let cli = Cli::parse();
    let token = cli.token.filter(|t| !t.is_empty());
    if let Some(t) = &token {
        let n = t.chars().count();
        if n < MIN_TOKEN_CHARS {
            // The value is not echoed: it is a credential, however weak.
            eprintln!(
                "switchboard-server: the API token (--token or SWITCHBOARD_TOKEN) has {n} \
                 characters; it needs at least {MIN_TOKEN_CHARS}. Leave it out to have a random \
                 one generated."
            );
            // Exit code 2, as clap uses for every other unusable argument.
            return std::process::ExitCode::from(2);
        }
    }
    let token = token.unwrap_or_else(random_token);
    let mut config = Config::new(cli.db, token.clone());
    config.listen = cli.listen;
    config.static_dir = cli.static_dir;
    config.allow_private_targets = cli.allow_private_targets || cli.demo;
    config.demo = cli.demo;
    config.profile = cli.profile;
    config.extra_connect_src = cli.connect_src;
    config.upstreams = cli.upstream;
    if let Some(t) = cli.upstream_timeout {
        config.upstream_timeout = t;
    }
    config.cors_origins = cli.cors_origin;
    config.header_read_timeout = cli.header_read_timeout;
    config.request_body_timeout = cli.request_body_timeout;
    config.handler_timeout = cli.handler_timeout;
    config.max_connections = cli.max_connections;
    config.drain_timeout = cli.drain_timeout;
    config.outbound_proxy = cli.outbound_proxy;
    config.disable_after_days = cli.disable_after_days;
    config.replay_rate = cli.replay_rate;
    if let Some(n) = cli.auth_failure_limit {
        config.auth_failure_limit = n;
    }
    if let Some(Schedule(s)) = cli.retry_schedule {
        config.retry_schedule = s;
    }
    let handle = match spawn(config).await {
        Ok(h) => h,
        Err(e) => {
            eprintln!("switchboard-server: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    println!(
        "Switchboard listening on {}  token: {token}",
        handle.base_url()
    );
    told_to_stop().await;
    tracing::info!("stopping");
    handle.shutdown().await;
    std::process::ExitCode::SUCCESS
}
