//! The command line of the built server binary.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The server binary on a fresh database, listening on a free loopback port, with no token
/// in its environment unless the test sets one.
fn server(dir: &tempfile::TempDir) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_switchboard-server"));
    cmd.arg("--db")
        .arg(dir.path().join("cli.db"))
        .args(["--listen", "127.0.0.1:0"])
        .env_remove("SWITCHBOARD_TOKEN")
        .env("RUST_LOG", "error")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

/// Waits for the child to exit, killing it (and failing) if it is still running after 20 s.
fn exit_of(mut child: Child) -> (Option<i32>, String) {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            let out = child.wait_with_output().unwrap();
            return (
                status.code(),
                String::from_utf8_lossy(&out.stderr).into_owned(),
            );
        }
        if Instant::now() > deadline {
            child.kill().unwrap();
            let _ = child.wait();
            panic!("the server kept running");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn a_short_token_is_refused_with_exit_code_2() {
    let dir = tempfile::tempdir().unwrap();
    let short = "a".repeat(31);
    let (code, stderr) = exit_of(server(&dir).args(["--token", &short]).spawn().unwrap());
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("at least 32"), "{stderr}");
    assert!(!stderr.contains(&short), "the token was echoed: {stderr}");

    let (code, stderr) = exit_of(
        server(&dir)
            .env("SWITCHBOARD_TOKEN", "hunter2")
            .spawn()
            .unwrap(),
    );
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("SWITCHBOARD_TOKEN"), "{stderr}");
}

/// Starts the server and returns its start-up line, then stops it.
fn start_line(mut cmd: Command) -> String {
    let mut child = cmd.spawn().unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    child.kill().unwrap();
    let _ = child.wait();
    line
}

#[test]
fn a_long_enough_or_generated_token_starts_the_server() {
    let dir = tempfile::tempdir().unwrap();
    let token = "b".repeat(32);
    let mut cmd = server(&dir);
    cmd.args(["--token", &token]);
    let line = start_line(cmd);
    assert!(line.contains(&format!("token: {token}")), "{line}");

    let line = start_line(server(&dir));
    let generated = line.split("token: ").nth(1).unwrap_or_default().trim();
    assert!(generated.len() >= 32, "{line}");
}
