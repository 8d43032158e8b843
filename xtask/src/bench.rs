//! `cargo xtask bench`: the console benchmarks (crates/bench) against a fresh release bundle.

use crate::bundle;
use crate::process;
use crate::tools::{self, Purpose};
use crate::workspace::Workspace;
use std::env;

/// Builds the bundle, then runs the benchmark binary with `args` passed on. Not part of
/// `cargo xtask test`: its figures are measurements, not checks.
pub fn run(ws: &Workspace, args: &[String]) -> Result<(), String> {
    let tools = tools::ensure(ws, Purpose::BuildAndBrowse)?;
    // Always rebuilt: a bundle newer than its sources can still predate a change of flags.
    bundle::build(ws, &tools)?;
    let mut cmd = tools.command(&env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    cmd.current_dir(&ws.root)
        .args(["run", "--release", "-p", "switchboard-bench-console", "--"])
        .arg("--dist")
        .arg(ws.dist())
        .args(args)
        // The baseline is built with the same path remapping as the console.
        .env("SWITCHBOARD_BASELINE_RUSTFLAGS", bundle::remap_flags())
        // As for the demo: the release profile is tuned for the wasm; the native bench and the
        // server inside it only need optimised code, not fat LTO on one codegen unit.
        .env("CARGO_PROFILE_RELEASE_LTO", "false")
        .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "16")
        .env("CARGO_PROFILE_RELEASE_PANIC", "unwind");
    process::run(&mut cmd)
}
