//! Running child processes: echoing what runs, capturing version output, searching PATH.

use std::env;
use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// `program arg arg…` for messages; quoting is not needed for the commands this crate builds.
/// The program shows by name only: `$CARGO` is a long toolchain path that says nothing useful.
pub fn describe(cmd: &Command) -> String {
    let program = Path::new(cmd.get_program());
    let mut line = program
        .file_name()
        .unwrap_or(program.as_os_str())
        .to_string_lossy()
        .into_owned();
    for arg in cmd.get_args() {
        line.push(' ');
        line.push_str(&arg.to_string_lossy());
    }
    line
}

/// Runs `cmd` with inherited stdio, failing with a message that names the command.
pub fn run(cmd: &mut Command) -> Result<(), String> {
    let line = describe(cmd);
    println!("xtask: $ {line}");
    let status = cmd
        .status()
        .map_err(|e| format!("could not start `{line}`: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{line}` failed ({status})"))
    }
}

/// Like [`run`], but a child still running after `deadline` is killed and the run fails, so
/// a hang costs minutes, not CI's whole budget.
pub fn run_with_deadline(cmd: &mut Command, deadline: Duration) -> Result<(), String> {
    let line = describe(cmd);
    println!("xtask: $ {line}");
    let mut child = cmd
        .spawn()
        .map_err(|e| format!("could not start `{line}`: {e}"))?;
    let started = Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(status)) if status.success() => return Ok(()),
            Ok(Some(status)) => return Err(format!("`{line}` failed ({status})")),
            Ok(None) if started.elapsed() >= deadline => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!(
                    "`{line}` was still running after {} s and was stopped",
                    deadline.as_secs()
                ));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(200)),
            Err(e) => return Err(format!("lost `{line}`: {e}")),
        }
    }
}

/// Like [`run`], but stderr lines containing `noise` are dropped (the rest are passed on).
pub fn run_hiding(cmd: &mut Command, noise: &str) -> Result<(), String> {
    let line = describe(cmd);
    println!("xtask: $ {line}");
    let out = cmd
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("could not start `{line}`: {e}"))?;
    print!("{}", String::from_utf8_lossy(&out.stdout));
    for kept in String::from_utf8_lossy(&out.stderr)
        .lines()
        .filter(|l| !l.contains(noise))
    {
        eprintln!("{kept}");
    }
    if out.status.success() {
        Ok(())
    } else {
        Err(format!("`{line}` failed ({})", out.status))
    }
}

/// stdout of `cmd` when it runs and succeeds; `None` when it is missing or fails, which is how
/// the tool checks tell "not installed" apart from "installed".
pub fn capture(cmd: &mut Command) -> Option<String> {
    let output = cmd
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).into_owned())
}

/// The first executable called `name` on `path` (a PATH-style list).
pub fn which(name: &str, path: &OsStr) -> Option<PathBuf> {
    env::split_paths(path)
        .map(|dir| dir.join(name))
        .find(|candidate| is_executable(candidate))
}

fn is_executable(path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        path.metadata()
            .map(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
            .unwrap_or(false)
    }
    #[cfg(not(unix))]
    {
        path.is_file()
    }
}

/// `front` directories ahead of `rest`, skipping ones `rest` already starts with.
pub fn prepend_paths(front: &[PathBuf], rest: &OsStr) -> OsString {
    let mut dirs: Vec<PathBuf> = front.to_vec();
    dirs.extend(env::split_paths(rest).filter(|dir| !front.contains(dir)));
    env::join_paths(dirs).unwrap_or_else(|_| rest.to_os_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn describe_joins_program_and_arguments() {
        let mut cmd = Command::new("/toolchain/bin/cargo");
        cmd.args(["fmt", "--all", "--", "--check"]);
        assert_eq!(describe(&cmd), "cargo fmt --all -- --check");
    }

    #[test]
    fn capture_reports_success_output_and_treats_failure_as_absent() {
        let out = capture(Command::new("sh").args(["-c", "echo trunk 0.21.14"]));
        assert_eq!(out.as_deref(), Some("trunk 0.21.14\n"));
        assert_eq!(capture(Command::new("sh").args(["-c", "exit 3"])), None);
        assert_eq!(capture(&mut Command::new("no-such-program-xtask")), None);
    }

    #[test]
    fn run_names_the_failing_command() {
        let err = run(Command::new("sh").args(["-c", "exit 2"])).unwrap_err();
        assert!(err.contains("sh -c exit 2"), "{err}");
    }

    #[test]
    fn a_child_past_its_deadline_is_stopped_and_fails() {
        let err = run_with_deadline(
            Command::new("sh").args(["-c", "sleep 5"]),
            Duration::from_millis(300),
        )
        .unwrap_err();
        assert!(err.contains("still running"), "{err}");
        assert!(run_with_deadline(&mut Command::new("true"), Duration::from_secs(5)).is_ok());
    }

    #[test]
    fn prepended_dirs_come_first_and_are_not_repeated() {
        let joined = prepend_paths(
            &[PathBuf::from("/a"), PathBuf::from("/b")],
            OsStr::new("/b:/usr/bin"),
        );
        assert_eq!(joined, OsString::from("/a:/b:/usr/bin"));
    }

    #[test]
    fn which_finds_executables_only() {
        let dir = env::temp_dir().join(format!("xtask-which-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let plain = dir.join("plain-file");
        std::fs::write(&plain, "x").unwrap();
        let path = env::join_paths([&dir]).unwrap();
        assert_eq!(which("plain-file", &path), None);
        assert!(which("sh", OsStr::new("/bin:/usr/bin")).is_some());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
