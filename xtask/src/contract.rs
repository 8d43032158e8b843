//! The contract step: the reference server, started on a fresh SQLite file, tested against
//! `api/openapi.yaml` by schemathesis with every phase and every check.

use crate::process;
use crate::workspace::Workspace;
use std::env;
use std::fs::{self, File};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// Where the run's settings live (seed, size, per-operation expectations), beside the
/// document it tests.
const CONFIG: &str = "api/schemathesis.toml";
/// The run takes about a minute; past this something hangs, and the step says so.
const DEADLINE: Duration = Duration::from_secs(300);

/// Builds the server, starts it and runs schemathesis against it; any failure fails the step.
pub fn run(ws: &Workspace, schemathesis: &Path) -> Result<(), String> {
    process::run(
        Command::new(env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
            .current_dir(&ws.root)
            .args(["build", "-p", "switchboard-server"]),
    )?;
    let dir = ws.target.join("schemathesis");
    // A previous run's database would carry its webhooks into this one.
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;

    let token = token();
    let server = Server::start(
        &ws.target.join("debug").join("switchboard-server"),
        &dir,
        &token,
    )?;
    let mut cmd = Command::new(schemathesis);
    cmd.current_dir(&dir)
        .arg("--config-file")
        .arg(ws.root.join(CONFIG))
        .arg("run")
        .arg(ws.root.join("api").join("openapi.yaml"))
        .arg("--url")
        .arg(format!("{}/api/v1", server.base_url))
        // Said here as well as in the config, so the command line shows the step's promise.
        .args(["--phases", "examples,coverage,fuzzing,stateful"])
        .args(["--checks", "all"])
        .arg("--no-color")
        // The config reads the token from here: it stays off the command line and the log.
        .env("SWITCHBOARD_SCHEMATHESIS_TOKEN", &token)
        .env("PYTHONDONTWRITEBYTECODE", "1")
        // The server is on loopback: a proxy configured for the machine must not stand between.
        .envs(["NO_PROXY", "no_proxy"].map(|v| (v, "127.0.0.1,localhost")));
    if let Ok(seed) = env::var("SWITCHBOARD_SCHEMATHESIS_SEED") {
        cmd.args(["--seed", &seed]);
    }
    let result = process::run_with_deadline(&mut cmd, DEADLINE);
    let log = server.stop();
    if result.is_err() {
        println!("xtask: the server's log is in {}", log.display());
    }
    result
}

/// A loopback port nothing listens on: taken from the system and let go again.
fn closed_port() -> Result<u16, String> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    listener
        .local_addr()
        .map(|a| a.port())
        .map_err(|e| e.to_string())
}

/// A throwaway token for this run only, long enough for the server's minimum.
fn token() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    format!("contract-{nanos:032x}-{:08x}", std::process::id())
}

/// The reference server as a child process; killed when dropped, so an early return or a
/// panic never leaves it listening.
struct Server {
    child: Child,
    base_url: String,
    log: PathBuf,
}

impl Server {
    fn start(binary: &Path, dir: &Path, token: &str) -> Result<Server, String> {
        let log = dir.join("server.log");
        let proxy = format!("http://127.0.0.1:{}", closed_port()?);
        let mut cmd = Command::new(binary);
        cmd.arg("--db")
            .arg(dir.join("contract.db"))
            .args(["--listen", "127.0.0.1:0"])
            // From the environment, the token stays out of the command line echoed below.
            .env("SWITCHBOARD_TOKEN", token)
            // Otherwise every create would look the tester's made-up host names up in DNS to
            // vet them; with it nothing is resolved, and the proxy below keeps every request
            // the server makes on loopback.
            .arg("--allow-private-targets")
            // The tester sends wrong and missing tokens on purpose; with the throttle on, the
            // rest of the run would see only 429s.
            .args(["--auth-failure-limit", "0"])
            .env("RUST_LOG", "warn")
            // Every delivery, test send, probe and token fetch goes through a proxy that is a
            // closed port on loopback, so the made-up endpoints of the run, public names and
            // addresses among them, are never contacted: each attempt fails at once instead.
            // Only this option sets the server's proxy; it ignores HTTP_PROXY and the like.
            .args(["--outbound-proxy", &proxy])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        println!("xtask: $ {}", process::describe(&cmd));
        let mut child = cmd
            .spawn()
            .map_err(|e| format!("could not start {}: {e}", binary.display()))?;
        let stdout = child.stdout.take().expect("stdout is piped");
        let stderr = child.stderr.take().expect("stderr is piped");
        let file = File::create(&log).map_err(|e| format!("{}: {e}", log.display()))?;
        let (found, announced) = mpsc::channel();
        // Both streams go to the log; the start-up line also tells where the server listens.
        let mut out = file.try_clone().map_err(|e| e.to_string())?;
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some((url, _)) = crate::demo::parse_listening(&line) {
                    let _ = found.send(url.to_string());
                }
                let _ = writeln!(out, "{line}");
            }
        });
        let mut err = file;
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                let _ = writeln!(err, "{line}");
            }
        });
        let mut server = Server {
            child,
            base_url: String::new(),
            log,
        };
        server.base_url = announced
            .recv_timeout(Duration::from_secs(30))
            .map_err(|_| {
                format!(
                    "the server did not announce its address within 30 s; see {}",
                    server.log.display()
                )
            })?;
        Ok(server)
    }

    /// Stops the server and returns where its log is.
    fn stop(mut self) -> PathBuf {
        self.kill();
        self.log.clone()
    }

    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_is_long_enough_for_the_server() {
        assert!(token().len() >= 32);
    }
}
