//! Command line of the conformance checker.
//!
//! By default it checks Switchboard's own API level by level. `--dialect` checks a
//! vendor-shaped server against that vendor's documented API instead (`api/dialects.md`):
//! `plandocket`, `shoprenter`, `outputrocks` or `apiplatform`, each at its default base path
//! unless `--base-path` says otherwise, with `--token` as the vendor's credential.

use clap::Parser;
use std::path::PathBuf;
use std::process::ExitCode;
use switchboard_conformance::{new_run_tag, run, sweep_options, Dialect, Level, Options};

#[derive(Parser, Debug)]
#[command(
    name = "switchboard-conformance",
    version,
    about = "Checks a backend against the Switchboard Webhook API, level by level, or a \
             vendor-shaped server against that vendor's webhook API (--dialect)",
    after_help = "Dialects, their default base paths and how --token is sent:\n  \
        switchboard  /api/v1                Authorization: Bearer <token>\n  \
        plandocket   /api/v1                Authorization: Bearer <token>\n  \
        shoprenter   /api                   HTTP basic: user `switchboard`, password <token>;\n                                      \
        a token with ':' is user:password. A real shop's\n                                      \
        API root has an empty base path: --base-path ''\n  \
        outputrocks  /api/spa               X-AUTH-TOKEN: <token>\n  \
        apiplatform  /api/notifications/v1  Authorization: Bearer <token>"
)]
struct Cli {
    /// The server's origin (scheme, host, port); the API is below {base-url}{base-path}.
    #[arg(long)]
    base_url: String,
    /// The credential: the bearer token (switchboard, plandocket, apiplatform), the
    /// X-AUTH-TOKEN (outputrocks), or for shoprenter the password of API user `switchboard`
    /// (`user:password` when it contains a ':').
    #[arg(long, env = "SWITCHBOARD_TOKEN", hide_env_values = true)]
    token: String,
    /// Whose API shape to check: Switchboard's contract, or one vendor's documented API.
    #[arg(long, value_enum, default_value = "switchboard")]
    dialect: Dialect,
    /// The API's path below --base-url, overriding the dialect's default (see below); may be
    /// empty.
    #[arg(long)]
    base_path: Option<String>,
    /// Switchboard dialect only. core: the core level plus every group the server advertises;
    /// full: every group.
    #[arg(long, value_enum, default_value = "core")]
    level: Level,
    /// Switchboard dialect only. Port of the loopback receiver the server delivers to
    /// (default: a free one).
    #[arg(long)]
    receiver_port: Option<u16>,
    /// Also write the report as JSON to this file (for CI).
    #[arg(long)]
    json: Option<PathBuf>,
    /// Allow a non-loopback base URL: the checker creates and deletes webhooks there.
    #[arg(long = "i-understand-this-writes")]
    allow_remote: bool,
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let opts = Options {
        base_url: cli.base_url,
        token: cli.token,
        level: cli.level,
        dialect: cli.dialect,
        base_path: cli.base_path,
        receiver_port: cli.receiver_port,
        allow_remote: cli.allow_remote,
        run_tag: Some(new_run_tag()),
    };
    let tag = opts.run_tag.clone().unwrap_or_default();
    let outcome = tokio::select! {
        r = run(&opts) => r,
        _ = tokio::signal::ctrl_c() => {
            // An interrupted run must not leave its webhooks behind either.
            eprintln!("switchboard-conformance: interrupted; deleting what this run created");
            match sweep_options(&opts, &tag).await {
                Ok(left) if left.is_empty() => {}
                Ok(left) => eprintln!("could not clean up: {}", left.join("; ")),
                Err(e) => eprintln!("could not clean up: {e}"),
            }
            return ExitCode::from(130);
        }
    };
    let report = match outcome {
        Ok(r) => r,
        Err(e) => {
            eprintln!("switchboard-conformance: {e}");
            return ExitCode::from(2);
        }
    };
    print!("{}", report.to_text());
    if let Some(path) = cli.json {
        let json = serde_json::to_vec_pretty(&report).unwrap_or_default();
        if let Err(e) = std::fs::write(&path, json) {
            eprintln!("switchboard-conformance: writing {}: {e}", path.display());
            return ExitCode::from(2);
        }
    }
    if report.passed {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
