//! Command line of the conformance checker.

use clap::Parser;
use std::path::PathBuf;
use std::process::ExitCode;
use switchboard_conformance::{new_run_tag, run, sweep, Level, Options};

#[derive(Parser, Debug)]
#[command(
    name = "switchboard-conformance",
    version,
    about = "Checks a backend against the Switchboard Webhook API, level by level"
)]
struct Cli {
    /// Base URL of the server; the API is below {base-url}/api/v1.
    #[arg(long)]
    base_url: String,
    /// Bearer token of the API.
    #[arg(long, env = "SWITCHBOARD_TOKEN", hide_env_values = true)]
    token: String,
    /// core: the core level plus every group the server advertises; full: every group.
    #[arg(long, value_enum, default_value = "core")]
    level: Level,
    /// Port of the loopback receiver the server delivers to (default: a free one).
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
            match sweep(&opts.base_url, &opts.token, &tag).await {
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
