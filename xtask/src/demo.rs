//! `cargo xtask demo`: build the console, start the reference server with demo data on
//! loopback, serve the console from it, and show the URL and token.

use crate::bundle;
use crate::process;
use crate::tools::{self, Purpose};
use crate::workspace::Workspace;
use std::env;
use std::fs;
use std::io::{BufRead, BufReader};
use std::process::Stdio;

/// Options of `cargo xtask demo`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    pub port: u16,
    /// Passed to switchboard-server as they are (after `--`).
    pub server_args: Vec<String>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            port: 8080,
            server_args: Vec::new(),
        }
    }
}

/// Runs until the server exits (Ctrl-C stops both: they share the terminal's process group).
pub fn run(ws: &Workspace, options: &Options) -> Result<(), String> {
    let tools = tools::ensure(ws, Purpose::Build)?;
    bundle::build_if_stale(ws, &tools)?;

    let db_dir = ws.target.join("demo");
    fs::create_dir_all(&db_dir).map_err(|e| format!("cannot create {}: {e}", db_dir.display()))?;
    let db = db_dir.join("switchboard-demo.db");

    let mut cmd = tools.command(&env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    cmd.current_dir(&ws.root)
        .args(["run", "--release", "-p", "switchboard-server", "--"])
        .arg("--demo")
        .arg("--allow-private-targets")
        .arg("--static-dir")
        .arg(ws.dist())
        .arg("--listen")
        .arg(format!("127.0.0.1:{}", options.port))
        .arg("--db")
        .arg(&db)
        .args(&options.server_args)
        // The release profile is tuned for the smallest wasm (fat LTO, one codegen unit). For the
        // native server that only costs minutes of linking, so the demo build relaxes it.
        .env("CARGO_PROFILE_RELEASE_LTO", "false")
        .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "16")
        .stdout(Stdio::piped());
    println!("xtask: $ {}", process::describe(&cmd));
    let mut child = cmd
        .spawn()
        .map_err(|e| format!("could not start the server: {e}"))?;

    // Echo the server's stdout and, when it announces itself, repeat the URL and token where
    // they cannot be missed among the build output.
    if let Some(stdout) = child.stdout.take() {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            println!("{line}");
            if let Some((url, token)) = parse_listening(&line) {
                println!("{}", banner(url, token));
            }
        }
    }
    let status = child
        .wait()
        .map_err(|e| format!("lost the server process: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("the server stopped ({status})"))
    }
}

/// Reads `Switchboard listening on <url>  token: <token>`, the server's start-up line.
pub fn parse_listening(line: &str) -> Option<(&str, &str)> {
    let rest = line.trim().strip_prefix("Switchboard listening on ")?;
    let (url, token) = rest.split_once(" token:")?;
    let (url, token) = (url.trim(), token.trim());
    (!url.is_empty() && !token.is_empty()).then_some((url, token))
}

fn banner(url: &str, token: &str) -> String {
    format!(
        "\n\
         ============================================================\n  \
         Switchboard demo is running\n\n  \
         open   {url}\n  \
         token  {token}\n\n  \
         Paste the token on the Settings page. Ctrl-C stops the server.\n\
         ============================================================\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_server_start_line_yields_url_and_token() {
        let line = "Switchboard listening on http://127.0.0.1:8080  token: 3f2a9c";
        assert_eq!(
            parse_listening(line),
            Some(("http://127.0.0.1:8080", "3f2a9c"))
        );
        assert_eq!(
            parse_listening("Switchboard listening on http://[::1]:1 token: t\n"),
            Some(("http://[::1]:1", "t"))
        );
    }

    #[test]
    fn other_lines_and_half_lines_are_ignored() {
        assert_eq!(parse_listening("INFO seeded 12 webhooks"), None);
        assert_eq!(parse_listening("Switchboard listening on http://x"), None);
        assert_eq!(
            parse_listening("Switchboard listening on http://x  token: "),
            None
        );
    }

    #[test]
    fn the_banner_shows_both() {
        let text = banner("http://127.0.0.1:8080", "abc");
        assert!(text.contains("open   http://127.0.0.1:8080"));
        assert!(text.contains("token  abc"));
    }
}
