//! The toolchain the two commands need, found or installed: each tool is checked first and
//! installed only when missing or at the wrong version, so a second run costs a few `--version`s.

use crate::process::{self, capture, prepend_paths, which};
use crate::versions::{self, BINARYEN, SCHEMATHESIS, TRUNK};
use crate::workspace::Workspace;
use std::env;
use std::ffi::OsString;
use std::path::PathBuf;
use std::process::Command;

const WASM_TARGET: &str = "wasm32-unknown-unknown";
/// axe-core major version from the npm registry, for the accessibility journeys.
const AXE_CORE: &str = "4";
/// Where Debian's chromium-driver puts the driver.
const DEBIAN_CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// What the tools are for: the demo only builds; the tests also drive a browser.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    Build,
    BuildAndBrowse,
}

/// The environment child processes get once the tools are in place.
#[derive(Debug, Clone)]
pub struct ToolEnv {
    /// binaryen's wasm-opt first (so trunk picks it over any system one), then cargo's bin dir.
    pub path: OsString,
    /// The wasm-bindgen version from Cargo.lock, handed to trunk so it never uses another.
    pub wasm_bindgen: String,
    pub chromedriver: Option<PathBuf>,
    /// axe-core's `axe.min.js`, handed to the browser tests as `SWITCHBOARD_AXE`.
    pub axe: Option<PathBuf>,
    /// The OpenAPI tester the contract step runs against the reference server.
    pub schemathesis: Option<PathBuf>,
}

impl ToolEnv {
    /// The PATH and trunk settings every child process gets.
    pub fn apply(&self, cmd: &mut Command) {
        cmd.env("PATH", &self.path)
            .env("TRUNK_TOOLS_WASM_BINDGEN", &self.wasm_bindgen)
            .env("TRUNK_TOOLS_WASM_OPT", format!("version_{BINARYEN}"))
            // The update check would reach beyond the package registries.
            .env("TRUNK_SKIP_VERSION_CHECK", "true");
        if let Some(driver) = &self.chromedriver {
            cmd.env("CHROMEDRIVER", driver);
        }
        if let Some(axe) = &self.axe {
            cmd.env("SWITCHBOARD_AXE", axe);
        }
    }

    pub fn command(&self, program: &str) -> Command {
        let mut cmd = Command::new(program);
        self.apply(&mut cmd);
        cmd
    }
}

/// Checks every tool `purpose` needs and installs what is missing, reporting each on stdout.
pub fn ensure(ws: &Workspace, purpose: Purpose) -> Result<ToolEnv, String> {
    let wasm_bindgen = versions::wasm_bindgen_in_lockfile(&ws.root)?;
    warn_if_trunk_toml_is_stale(ws, &wasm_bindgen);
    let path = prepend_paths(
        &[ws.binaryen_bin(), cargo_bin_dir()],
        &env::var_os("PATH").unwrap_or_default(),
    );
    let mut tools = ToolEnv {
        path,
        wasm_bindgen,
        chromedriver: None,
        axe: None,
        schemathesis: None,
    };

    ensure_one("rust target", WASM_TARGET, wasm_target_present, || {
        process::run(Command::new("rustup").args(["target", "add", WASM_TARGET]))
    })?;

    ensure_one(
        "trunk",
        TRUNK,
        || version_of(&tools, "trunk", versions::second_word).as_deref() == Some(TRUNK),
        || {
            process::run(tools.command(&cargo()).args([
                "install",
                "trunk",
                "--version",
                TRUNK,
                "--locked",
            ]))
        },
    )?;

    let bindgen = tools.wasm_bindgen.clone();
    ensure_one(
        "wasm-bindgen-cli",
        &bindgen,
        || {
            version_of(&tools, "wasm-bindgen", versions::second_word).as_deref()
                == Some(bindgen.as_str())
                && which("wasm-bindgen-test-runner", &tools.path).is_some()
        },
        // Not --locked: one of the CLI's locked dependencies is gone from the registry.
        || {
            process::run(tools.command(&cargo()).args([
                "install",
                "wasm-bindgen-cli",
                "--version",
                &bindgen,
            ]))
        },
    )?;

    let binaryen_prefix = ws.binaryen_prefix();
    ensure_one(
        "wasm-opt (npm binaryen)",
        BINARYEN,
        || binaryen_present(ws),
        || {
            process::run(
                tools
                    .command("npm")
                    .arg("install")
                    .arg("--prefix")
                    .arg(&binaryen_prefix)
                    .args(["--no-audit", "--no-fund", &format!("binaryen@{BINARYEN}")]),
            )
        },
    )?;

    let splitter = ws.wasm_split_bin();
    ensure_one(
        "wasm-split-cli",
        versions::WASM_SPLIT,
        || capture(Command::new(&splitter).arg("--help")).is_some(),
        || {
            process::run(
                tools
                    .command(&cargo())
                    .args(["install", "wasm_split_cli_support", "--version"])
                    .arg(versions::WASM_SPLIT)
                    .args(["--features", "build-binary", "--locked", "--root"])
                    .arg(ws.wasm_split_root()),
            )
        },
    )?;

    if purpose == Purpose::BuildAndBrowse {
        ensure_one(
            "chromium + chromedriver",
            "Debian packages",
            || find_chromedriver(&tools).is_some() && find_chromium(&tools).is_some(),
            || install_chromium(&tools),
        )?;
        tools.chromedriver = find_chromedriver(&tools);

        let axe_prefix = ws.tools().join("axe");
        let axe_js = axe_prefix.join("node_modules/axe-core/axe.min.js");
        ensure_one(
            "axe-core (npm)",
            AXE_CORE,
            || axe_js.is_file(),
            || {
                process::run(
                    tools
                        .command("npm")
                        .arg("install")
                        .arg("--prefix")
                        .arg(&axe_prefix)
                        .args(["--no-audit", "--no-fund", &format!("axe-core@{AXE_CORE}")]),
                )
            },
        )?;
        tools.axe = Some(axe_js);
        tools.schemathesis = Some(ensure_schemathesis(ws)?);
    }

    Ok(tools)
}

/// schemathesis in a venv of its own under `.tools/`, from PyPI by name and pinned version, so
/// neither the system Python's packages nor another project's venv decide what runs.
pub fn ensure_schemathesis(ws: &Workspace) -> Result<PathBuf, String> {
    let venv = ws.schemathesis_venv();
    let bin = ws.schemathesis_bin();
    let present = || {
        capture(Command::new(&bin).arg("--version"))
            .as_deref()
            .and_then(versions::last_word)
            == Some(SCHEMATHESIS)
    };
    ensure_one("schemathesis (PyPI)", SCHEMATHESIS, present, || {
        let python = env::var("PYTHON").unwrap_or_else(|_| "python3".to_string());
        process::run(
            Command::new(python)
                .args(["-m", "venv", "--clear"])
                .arg(&venv),
        )?;
        process::run(
            Command::new(venv.join("bin").join("pip"))
                .args(["install", "--disable-pip-version-check", "--no-input"])
                .arg(format!("schemathesis=={SCHEMATHESIS}")),
        )
    })?;
    Ok(bin)
}

/// The xtask hands trunk the Cargo.lock version, but a bare `trunk serve` reads Trunk.toml.
fn warn_if_trunk_toml_is_stale(ws: &Workspace, locked: &str) {
    let configured = std::fs::read_to_string(ws.root.join("Trunk.toml"))
        .ok()
        .and_then(|text| versions::trunk_tool(&text, "wasm_bindgen"));
    if configured.as_deref() != Some(locked) {
        println!(
            "xtask: warning: Trunk.toml [tools] wasm_bindgen is {configured:?} but Cargo.lock has \
             {locked}; update Trunk.toml or a bare `trunk serve` will refuse to build"
        );
    }
}

/// Runs `install` unless `present` holds, then insists `present` holds afterwards so a tool
/// that installs "successfully" at the wrong version or off PATH still fails here, clearly.
fn ensure_one(
    name: &str,
    version: &str,
    present: impl Fn() -> bool,
    install: impl FnOnce() -> Result<(), String>,
) -> Result<(), String> {
    if present() {
        println!("xtask: {name} {version}: present");
        return Ok(());
    }
    println!("xtask: {name} {version}: missing, installing");
    install()?;
    if present() {
        println!("xtask: {name} {version}: installed");
        Ok(())
    } else {
        Err(format!(
            "{name} {version} is still not usable after installing it"
        ))
    }
}

fn cargo() -> String {
    env::var("CARGO").unwrap_or_else(|_| "cargo".to_string())
}

/// `cargo install` puts binaries here; it is not always on PATH in CI images.
fn cargo_bin_dir() -> PathBuf {
    let home = env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .unwrap_or_else(|| PathBuf::from(".cargo"));
    home.join("bin")
}

fn version_of(tools: &ToolEnv, program: &str, parse: fn(&str) -> Option<&str>) -> Option<String> {
    let out = capture(tools.command(program).arg("--version"))?;
    parse(&out).map(str::to_string)
}

/// Asks rustc rather than rustup, so a toolchain installed without rustup also counts.
fn wasm_target_present() -> bool {
    let rustc = env::var("RUSTC").unwrap_or_else(|_| "rustc".to_string());
    capture(Command::new(rustc).args(["--print", "sysroot"]))
        .map(|sysroot| {
            PathBuf::from(sysroot.trim())
                .join("lib/rustlib")
                .join(WASM_TARGET)
                .join("lib")
                .is_dir()
        })
        .unwrap_or(false)
}

fn binaryen_present(ws: &Workspace) -> bool {
    let wasm_opt = ws.binaryen_bin().join("wasm-opt");
    capture(Command::new(wasm_opt).arg("--version"))
        .as_deref()
        .and_then(versions::wasm_opt_version)
        == Some(BINARYEN)
}

fn find_chromedriver(tools: &ToolEnv) -> Option<PathBuf> {
    if let Some(configured) = env::var_os("CHROMEDRIVER").map(PathBuf::from) {
        if configured.is_file() {
            return Some(configured);
        }
    }
    let debian = PathBuf::from(DEBIAN_CHROMEDRIVER);
    if debian.is_file() {
        return Some(debian);
    }
    which("chromedriver", &tools.path)
}

fn find_chromium(tools: &ToolEnv) -> Option<PathBuf> {
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .find_map(|name| which(name, &tools.path))
}

fn install_chromium(tools: &ToolEnv) -> Result<(), String> {
    let is_root = capture(Command::new("id").arg("-u"))
        .as_deref()
        .map(str::trim)
        == Some("0");
    let apt = |args: &[&str]| -> Result<(), String> {
        let mut cmd = if is_root {
            tools.command("apt-get")
        } else {
            let mut sudo = tools.command("sudo");
            sudo.arg("apt-get");
            sudo
        };
        cmd.env("DEBIAN_FRONTEND", "noninteractive").args(args);
        process::run(&mut cmd)
    };
    apt(&["update"])?;
    apt(&[
        "install",
        "-y",
        "--no-install-recommends",
        "chromium",
        "chromium-driver",
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ensure_one_skips_the_install_when_present() {
        let mut installed = false;
        ensure_one(
            "t",
            "1",
            || true,
            || {
                installed = true;
                Ok(())
            },
        )
        .unwrap();
        assert!(!installed);
    }

    #[test]
    fn ensure_one_installs_then_rechecks() {
        let state = std::cell::Cell::new(false);
        ensure_one(
            "t",
            "1",
            || state.get(),
            || {
                state.set(true);
                Ok(())
            },
        )
        .unwrap();
        assert!(state.get());
    }

    #[test]
    fn ensure_one_fails_when_the_install_did_not_help() {
        let err = ensure_one("trunk", "0.21.14", || false, || Ok(())).unwrap_err();
        assert!(err.contains("trunk 0.21.14"), "{err}");
    }

    #[test]
    fn ensure_one_passes_the_install_error_on() {
        let err = ensure_one("t", "1", || false, || Err("no network".into())).unwrap_err();
        assert_eq!(err, "no network");
    }

    #[test]
    fn tool_env_points_trunk_at_the_locked_versions() {
        let tools = ToolEnv {
            path: OsString::from("/x"),
            wasm_bindgen: "0.2.130".into(),
            chromedriver: Some(PathBuf::from("/d/chromedriver")),
            axe: Some(PathBuf::from("/t/axe.min.js")),
            schemathesis: None,
        };
        let cmd = tools.command("trunk");
        let envs: Vec<(String, String)> = cmd
            .get_envs()
            .map(|(k, v)| {
                (
                    k.to_string_lossy().into_owned(),
                    v.unwrap().to_string_lossy().into_owned(),
                )
            })
            .collect();
        let get = |key: &str| envs.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str());
        assert_eq!(get("TRUNK_TOOLS_WASM_BINDGEN"), Some("0.2.130"));
        assert_eq!(get("TRUNK_TOOLS_WASM_OPT"), Some("version_132"));
        assert_eq!(get("PATH"), Some("/x"));
        assert_eq!(get("CHROMEDRIVER"), Some("/d/chromedriver"));
        assert_eq!(get("SWITCHBOARD_AXE"), Some("/t/axe.min.js"));
    }
}
