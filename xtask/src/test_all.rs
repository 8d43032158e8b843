//! `cargo xtask test`: every check the project has, as timed steps with one summary line.

use crate::bundle;
use crate::contract;
use crate::process;
use crate::steps::{self, Step};
use crate::tools::{self, Purpose, ToolEnv};
use crate::workspace::Workspace;
use std::cell::OnceCell;
use std::env;
use std::process::Command;

/// Options of `cargo xtask test`.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Options {
    /// Run only these step ids (and the steps they need); empty means all.
    pub only: Vec<String>,
}

/// Runs the plan and returns whether every step passed.
pub fn run(ws: &Workspace, options: &Options) -> Result<bool, String> {
    let tools = OnceCell::new();
    let plan = select(plan(ws, &tools), &options.only)?;
    let report = steps::run_all(plan);
    println!();
    println!("xtask: summary");
    println!("{report}");
    Ok(report.success())
}

/// The steps in order; benchmarks are `cargo xtask bench`, not here.
fn plan<'a>(ws: &'a Workspace, tools: &'a OnceCell<ToolEnv>) -> Vec<Step<'a>> {
    let with_tools = move |f: &dyn Fn(&ToolEnv) -> Result<(), String>| -> Result<(), String> {
        f(tools.get().ok_or("the toolchain step did not pass")?)
    };
    let cargo_in_root = move |tools: &ToolEnv| -> Command {
        let mut cmd = tools.command(&cargo());
        cmd.current_dir(&ws.root);
        cmd
    };
    vec![
        Step::new("tools", "toolchain: find or install what is missing", move || {
            let env = tools::ensure(ws, Purpose::BuildAndBrowse)?;
            tools.set(env).map_err(|_| "toolchain checked twice".to_string())
        }),
        Step::new("fmt", "cargo fmt --all -- --check", move || {
            process::run(cargo_plain(ws).args(["fmt", "--all", "--", "--check"]))
        }),
        Step::new(
            "clippy",
            "cargo clippy --workspace --all-targets -- -D warnings",
            move || {
                process::run(cargo_plain(ws).args([
                    "clippy",
                    "--workspace",
                    "--all-targets",
                    "--",
                    "-D",
                    "warnings",
                ]))
            },
        ),
        Step::new(
            "clippy-wasm",
            "cargo clippy -p switchboard --target wasm32-unknown-unknown --all-targets -- -D warnings, \
             then the console again with its split points (--features split)",
            move || {
                with_tools(&|t| {
                    let clippy = |extra: &[&str]| {
                        process::run(
                            cargo_in_root(t)
                                .args(["clippy", "-p", "switchboard"])
                                .args(["--target", "wasm32-unknown-unknown"])
                                .args(extra)
                                .args(["--", "-D", "warnings"]),
                        )
                    };
                    clippy(&["--all-targets"])?;
                    clippy(&["--lib", "--bins", "--features", crate::split::FEATURE])
                })
            },
        )
        .needs(&["tools"]),
        Step::new(
            "bundle",
            "trunk build --release, split into page chunks (the bundle the browser tests load)",
            move || with_tools(&|t| bundle::build(ws, t)),
        )
        .needs(&["tools"]),
        Step::new(
            "test",
            "cargo test --workspace (unit, server and end-to-end in headless Chromium)",
            move || {
                with_tools(&|t| {
                    process::run(
                        cargo_in_root(t)
                            // One run should show every failing test binary, not the first.
                            .args(["test", "--workspace", "--no-fail-fast"])
                            .env("SWITCHBOARD_DIST", ws.dist()),
                    )
                })
            },
        )
        // The end-to-end journeys load dist/; without it they would fail confusingly.
        .needs(&["tools", "bundle"]),
        Step::new(
            "schemathesis",
            "schemathesis (every phase, every check) against the reference server: \
             api/openapi.yaml says exactly what the server does",
            move || {
                with_tools(&|t| {
                    let bin = t
                        .schemathesis
                        .as_deref()
                        .ok_or("the toolchain step found no schemathesis")?;
                    contract::run(ws, bin)
                })
            },
        )
        .needs(&["tools"]),
        Step::new(
            "test-wasm",
            "cargo test -p switchboard --target wasm32-unknown-unknown (headless Chromium)",
            move || {
                with_tools(&|t| {
                    process::run(cargo_in_root(t).args([
                        "test",
                        "-p",
                        "switchboard",
                        "--target",
                        "wasm32-unknown-unknown",
                        "--no-fail-fast",
                    ]))
                })
            },
        )
        .needs(&["tools"]),
    ]
}

/// Keeps the steps named in `only` plus every step they need, in plan order.
fn select<'a>(plan: Vec<Step<'a>>, only: &[String]) -> Result<Vec<Step<'a>>, String> {
    if only.is_empty() {
        return Ok(plan);
    }
    let ids: Vec<&str> = plan.iter().map(|s| s.id).collect();
    if let Some(unknown) = only.iter().find(|o| !ids.contains(&o.as_str())) {
        return Err(format!(
            "no step `{unknown}`; steps are: {}",
            ids.join(", ")
        ));
    }
    let mut wanted: Vec<&str> = only.iter().map(String::as_str).collect();
    // Walk backwards so a step's needs (always earlier in the plan) are added before we reach them.
    for step in plan.iter().rev() {
        if wanted.contains(&step.id) {
            wanted.extend(step.needs.iter().copied());
        }
    }
    Ok(plan
        .into_iter()
        .filter(|s| wanted.contains(&s.id))
        .collect())
}

fn cargo() -> String {
    env::var("CARGO").unwrap_or_else(|_| "cargo".to_string())
}

/// fmt and clippy need nothing beyond the Rust toolchain, so they run even if installing failed.
fn cargo_plain(ws: &Workspace) -> Command {
    let mut cmd = Command::new(cargo());
    cmd.current_dir(&ws.root);
    cmd
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(steps: &[Step<'_>]) -> Vec<&'static str> {
        steps.iter().map(|s| s.id).collect()
    }

    #[test]
    fn the_plan_runs_the_readme_order() {
        let ws = Workspace::locate();
        let tools = OnceCell::new();
        assert_eq!(
            ids(&plan(&ws, &tools)),
            [
                "tools",
                "fmt",
                "clippy",
                "clippy-wasm",
                "bundle",
                "test",
                "schemathesis",
                "test-wasm"
            ]
        );
    }

    #[test]
    fn only_pulls_in_what_a_step_needs() {
        let ws = Workspace::locate();
        let tools = OnceCell::new();
        let picked = select(plan(&ws, &tools), &["test".to_string()]).unwrap();
        assert_eq!(ids(&picked), ["tools", "bundle", "test"]);
        let picked = select(plan(&ws, &tools), &["fmt".to_string()]).unwrap();
        assert_eq!(ids(&picked), ["fmt"]);
    }

    #[test]
    fn unknown_step_names_are_an_error_listing_the_real_ones() {
        let ws = Workspace::locate();
        let tools = OnceCell::new();
        let err = match select(plan(&ws, &tools), &["lint".to_string()]) {
            Err(e) => e,
            Ok(_) => panic!("`lint` is not a step"),
        };
        assert!(err.contains("lint") && err.contains("clippy-wasm"), "{err}");
    }

    #[test]
    fn a_failed_toolchain_skips_only_what_needs_it() {
        let ws = Workspace::locate();
        let tools = OnceCell::new();
        // Only the tool-dependent steps: running fmt/clippy here would recurse into cargo.
        let mut picked = select(plan(&ws, &tools), &["bundle".to_string()]).unwrap();
        picked.remove(0);
        let failing = Step::new("tools", "tools", || Err("offline".into()));
        picked.insert(0, failing);
        let report = steps::run_all(picked);
        assert_eq!(report.summary_line(), "xtask: 0 passed, 2 failed");
    }
}
