//! `cargo xtask bench`: builds nothing itself but the baseline page, starts the reference server
//! with seeded data, drives headless Chromium, prints the table and writes the JSON record.

mod browser;
mod measure;
mod report;
mod search;
mod seed;
mod sizes;
mod static_page;
mod stats;

use measure::{Bench, Samples};
use serde_json::json;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

const USAGE: &str = "\
usage: switchboard-bench-console [options]
  --dist DIR            the console's release build (default: dist/ of the repository)
  --baseline-dist DIR   an already built baseline page (default: build it with trunk)
  --runs N              measured runs, after one warm-up (default 10)
  --deliveries N        deliveries stored on the server (default 100000)
  --rows N              rows loaded into the deliveries view (default 10000)
  --out DIR             where the JSON record goes (default: bench-results/)";

#[derive(Debug, Clone, PartialEq)]
struct Options {
    dist: PathBuf,
    baseline_dist: Option<PathBuf>,
    runs: usize,
    deliveries: usize,
    rows: u32,
    out: PathBuf,
}

fn repo_root() -> PathBuf {
    // This crate lives at crates/bench below the repository root.
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .expect("crates/bench sits two levels below the root")
        .to_path_buf()
}

fn parse(args: &[String], root: &Path) -> Result<Options, String> {
    let mut o = Options {
        dist: root.join("dist"),
        baseline_dist: None,
        runs: 10,
        deliveries: 100_000,
        rows: 10_000,
        out: root.join("bench-results"),
    };
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let mut value = || {
            it.next()
                .cloned()
                .ok_or_else(|| format!("{flag} needs a value"))
        };
        let number = |v: String| {
            v.parse::<usize>()
                .ok()
                .filter(|n| *n > 0)
                .ok_or_else(|| format!("{flag} {v}: not a positive number"))
        };
        match flag.as_str() {
            "--dist" => o.dist = PathBuf::from(value()?),
            "--baseline-dist" => o.baseline_dist = Some(PathBuf::from(value()?)),
            "--runs" => o.runs = number(value()?)?,
            "--deliveries" => o.deliveries = number(value()?)?,
            "--rows" => o.rows = number(value()?)? as u32,
            "--out" => o.out = PathBuf::from(value()?),
            other => return Err(format!("unknown argument {other}")),
        }
    }
    if o.rows as usize > o.deliveries {
        return Err(format!(
            "--rows {} is more than the {} deliveries stored",
            o.rows, o.deliveries
        ));
    }
    Ok(o)
}

fn target_dir(root: &Path) -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(d) if !d.is_empty() => root.join(d),
        _ => root.join("target"),
    }
}

fn run_tool(cmd: &mut Command) -> Result<(), String> {
    let line = format!("{cmd:?}");
    let status = cmd
        .status()
        .map_err(|e| format!("could not start {line}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{line} failed ({status})"))
    }
}

/// The console bundle's extra rustc flags (`WASM_RUSTFLAGS` in xtask/src/bundle.rs): the
/// baseline is built the same way, and sharing the flags shares the compiled dependencies.
const BUNDLE_RUSTFLAGS: &str = "--cfg erase_components";

/// `BUNDLE_RUSTFLAGS`, and the registry path remapping `cargo xtask bench` passes on in
/// `SWITCHBOARD_BASELINE_RUSTFLAGS` (the console's bundle has it too).
fn baseline_rustflags() -> String {
    match std::env::var("SWITCHBOARD_BASELINE_RUSTFLAGS") {
        Ok(extra) if !extra.trim().is_empty() => format!("{BUNDLE_RUSTFLAGS} {extra}"),
        _ => BUNDLE_RUSTFLAGS.to_string(),
    }
}

/// Builds the baseline page with trunk, with the console's profile and tools (the xtask puts
/// the pinned wasm-bindgen and wasm-opt on PATH), into the shared target directory.
fn build_baseline(root: &Path) -> Result<PathBuf, String> {
    let dir = root.join("crates/bench/baseline");
    let target = target_dir(root);
    let dist = target.join("bench-baseline").join("dist");
    eprintln!("bench: building the baseline page (trunk build --release)");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    run_tool(
        Command::new(cargo)
            .args(["fetch", "--manifest-path"])
            .arg(dir.join("Cargo.toml")),
    )?;
    run_tool(
        Command::new("trunk")
            .args(["build", "--release", "--dist"])
            .arg(&dist)
            .current_dir(&dir)
            .env("CARGO_TARGET_DIR", &target)
            .env("RUSTFLAGS", baseline_rustflags())
            .env("TRUNK_SKIP_VERSION_CHECK", "true"),
    )?;
    Ok(dist)
}

/// Stylesheet URL paths in the order the console's index.html links them.
fn stylesheets(index_html: &str) -> Vec<String> {
    index_html
        .split("href=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .filter(|href| href.ends_with(".css"))
        .map(str::to_owned)
        .collect()
}

fn copy_dir(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let dest = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &dest)?;
        } else {
            std::fs::copy(entry.path(), dest)?;
        }
    }
    Ok(())
}

async fn serve(
    db: PathBuf,
    token: &str,
    site: &Path,
) -> Result<switchboard_server::ServerHandle, String> {
    let mut config = switchboard_server::Config::new(db, token);
    config.static_dir = Some(site.to_path_buf());
    config.allow_private_targets = true;
    switchboard_server::spawn(config)
        .await
        .map_err(|e| format!("cannot start the server: {e}"))
}

fn timestamp() -> String {
    let fmt = time::macros::format_description!("[year]-[month]-[day]T[hour]-[minute]-[second]Z");
    time::OffsetDateTime::now_utc()
        .format(&fmt)
        .unwrap_or_else(|_| "unknown-time".into())
}

/// The newest earlier record in `dir` (names are timestamps, so they sort by time).
fn previous_record(dir: &Path) -> Option<(PathBuf, serde_json::Value)> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .ok()?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    let last = files.pop()?;
    let value = serde_json::from_str(&std::fs::read_to_string(&last).ok()?).ok()?;
    Some((last, value))
}

fn git_commit(root: &Path) -> Option<String> {
    let out = Command::new("git")
        .args(["rev-parse", "--short", "HEAD"])
        .current_dir(root)
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

async fn bench(o: &Options, root: &Path) -> Result<(), String> {
    if !o.dist.join("index.html").is_file() {
        return Err(format!(
            "no console build in {}: run `cargo xtask bench` (or `cargo xtask bundle`) first",
            o.dist.display()
        ));
    }
    let baseline_dist = match &o.baseline_dist {
        Some(d) => d.clone(),
        None => build_baseline(root)?,
    };
    let tmp = tempfile::tempdir().map_err(|e| format!("temp dir: {e}"))?;
    let site = tmp.path().join("site");
    copy_dir(&o.dist, &site).map_err(|e| format!("copying the console build: {e}"))?;
    let index = std::fs::read_to_string(site.join("index.html")).map_err(|e| e.to_string())?;

    let token = format!("bench-{}", std::process::id());
    let console = serve(tmp.path().join("console.db"), &token, &site).await?;
    let leptos = serve(tmp.path().join("baseline.db"), &token, &baseline_dist).await?;
    let http = reqwest::Client::new();

    let started = Instant::now();
    let webhooks = seed::webhooks(&http, &console.base_url(), &token, 50).await?;
    std::fs::write(
        site.join(static_page::PAGE),
        static_page::html(&stylesheets(&index), &webhooks),
    )
    .map_err(|e| e.to_string())?;
    std::fs::write(
        site.join(static_page::SCRIPT),
        static_page::script(measure::WEBHOOKS_MARK),
    )
    .map_err(|e| e.to_string())?;
    let ids: Vec<String> = webhooks.iter().map(|w| w.id.as_str().to_owned()).collect();
    let db = tmp.path().join("console.db");
    seed::deliveries(&db, &ids, o.deliveries)?;
    eprintln!(
        "bench: seeded 50 webhooks and {} deliveries in {:.1} s",
        o.deliveries,
        started.elapsed().as_secs_f64()
    );

    let browser = browser::Browser::start(&tmp.path().join("chromium-profile")).await?;
    let chromium = browser.version().await;
    let mut b = Bench {
        browser: &browser,
        console_url: console.base_url(),
        leptos_url: leptos.base_url(),
        token: token.clone(),
        rows: o.rows,
        console_sizes: sizes::SizeCache::new(&site),
        leptos_sizes: sizes::SizeCache::new(&baseline_dist),
        console_files: Vec::new(),
        leptos_files: Vec::new(),
        console_timeline: json!(null),
    };
    let result = async {
        b.connect().await?;
        let mut samples = Samples::new();
        // The first run warms the OS and SQLite caches and is not counted.
        for run in 0..=o.runs {
            let t = Instant::now();
            let mut this = Samples::new();
            b.run(&mut this).await?;
            search::run(&http, &console.base_url(), &token, &db, &mut this).await?;
            if run == 0 {
                eprintln!(
                    "bench: warm-up run done in {:.1} s",
                    t.elapsed().as_secs_f64()
                );
                continue;
            }
            for (k, v) in this {
                samples.entry(k).or_default().extend(v);
            }
            eprintln!(
                "bench: run {run}/{} done in {:.1} s",
                o.runs,
                t.elapsed().as_secs_f64()
            );
        }
        Ok::<_, String>(samples)
    }
    .await;
    let Bench {
        mut console_sizes,
        mut leptos_sizes,
        console_files,
        leptos_files,
        console_timeline,
        ..
    } = b;
    browser.close().await;
    console.shutdown().await;
    leptos.shutdown().await;
    let samples = result?;

    let previous = previous_record(&o.out);
    let file_sizes = |cache: &mut sizes::SizeCache, files: &[String]| {
        files
            .iter()
            .map(|f| {
                let s = cache.sizes(f).unwrap_or_default();
                json!({"path": f, "raw": s.raw, "gzip": s.gzip, "brotli": s.brotli})
            })
            .collect::<Vec<_>>()
    };
    let context = json!({
        "timestamp": timestamp(),
        "commit": git_commit(root),
        "chromium": chromium,
        "runs": o.runs,
        "deliveries_stored": o.deliveries,
        "rows_loaded": o.rows,
        "slow_frame_ms": measure::SLOW_FRAME_MS,
        "console_files": file_sizes(&mut console_sizes, &console_files),
        "baseline_files": file_sizes(&mut leptos_sizes, &leptos_files),
        "console_timeline": console_timeline,
    });
    let record = report::record(&samples, context);
    println!(
        "\nSwitchboard console benchmarks: {} runs (median [min–max]), {} deliveries stored, {}",
        o.runs, o.deliveries, chromium
    );
    if let Some((path, _)) = &previous {
        println!("previous run: {}", path.display());
    }
    print!(
        "{}",
        report::table(&samples, o.rows, previous.as_ref().map(|(_, v)| v))
    );
    println!("console files (raw / gzip / brotli):");
    for f in record["console_files"].as_array().into_iter().flatten() {
        println!(
            "  {:<48} {:>10} / {:>10} / {:>10}",
            f["path"].as_str().unwrap_or(""),
            report::Unit::Bytes.format(f["raw"].as_f64().unwrap_or(0.0)),
            report::Unit::Bytes.format(f["gzip"].as_f64().unwrap_or(0.0)),
            report::Unit::Bytes.format(f["brotli"].as_f64().unwrap_or(0.0)),
        );
    }
    std::fs::create_dir_all(&o.out).map_err(|e| format!("{}: {e}", o.out.display()))?;
    let path = o.out.join(format!("{}.json", timestamp()));
    let text = serde_json::to_string_pretty(&record).map_err(|e| e.to_string())?;
    std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))?;
    println!("results written to {}", path.display());
    Ok(())
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--help" || a == "-h") {
        println!("{USAGE}");
        return std::process::ExitCode::SUCCESS;
    }
    let root = repo_root();
    let options = match parse(&args, &root) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("bench: {e}\n\n{USAGE}");
            return std::process::ExitCode::from(2);
        }
    };
    match bench(&options, &root).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bench: error: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn options_default_to_the_issue_sizes_and_parse_flags() {
        let root = Path::new("/r");
        let o = parse(&[], root).unwrap();
        assert_eq!((o.runs, o.deliveries, o.rows), (10, 100_000, 10_000));
        assert_eq!(o.dist, Path::new("/r/dist"));
        let o = parse(
            &args(&["--runs", "3", "--rows", "400", "--deliveries", "1000"]),
            root,
        )
        .unwrap();
        assert_eq!((o.runs, o.deliveries, o.rows), (3, 1000, 400));
        assert!(parse(&args(&["--runs", "0"]), root).is_err());
        assert!(parse(&args(&["--runs"]), root).is_err());
        assert!(parse(&args(&["--rows", "10", "--deliveries", "5"]), root).is_err());
        assert!(parse(&args(&["--fast"]), root).is_err());
    }

    #[test]
    fn stylesheets_come_in_link_order() {
        let html = r#"<link rel="stylesheet" href="/main-1.css" integrity="x"><link rel="modulepreload" href="/a.js"><link rel="stylesheet" href="/deliveries-2.css">"#;
        assert_eq!(stylesheets(html), ["/main-1.css", "/deliveries-2.css"]);
    }
}
