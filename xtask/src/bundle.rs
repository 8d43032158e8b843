//! The release bundle in `dist/`: building it with trunk, checking it fits the console's CSP,
//! and measuring it.

use crate::process;
use crate::split;
use crate::tools::ToolEnv;
use crate::workspace::Workspace;
use std::fs;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::SystemTime;

/// Everything the bundle is built from, relative to the root.
const BUNDLE_INPUTS: &[&str] = &[
    "src",
    "style",
    "crates/api",
    "index.html",
    "Trunk.toml",
    "Cargo.toml",
    "Cargo.lock",
    "xtask/web",
    "xtask/node",
    // The bundle's rustc flags live here and in the cargo config; the split step beside it.
    "xtask/src/bundle.rs",
    "xtask/src/split.rs",
    ".cargo/config.toml",
];

/// Like [`build`], but keeps `dist/` when it is newer than every input. trunk always re-runs
/// wasm-bindgen and the split step re-optimises every piece on node, which a repeated demo
/// should not pay.
pub fn build_if_stale(ws: &Workspace, tools: &ToolEnv) -> Result<(), String> {
    let built = fs::metadata(ws.dist().join("index.html")).and_then(|m| m.modified());
    let newest_input = BUNDLE_INPUTS
        .iter()
        .filter_map(|p| newest_mtime(&ws.root.join(p)))
        .max();
    match (built, newest_input) {
        (Ok(built), Some(input)) if built > input => {
            println!("xtask: dist/ is newer than every source of the console; not rebuilding");
            Ok(())
        }
        _ => build(ws, tools),
    }
}

/// The latest modification time of `path` or anything below it.
fn newest_mtime(path: &Path) -> Option<SystemTime> {
    let meta = fs::symlink_metadata(path).ok()?;
    let own = meta.modified().ok();
    if !meta.is_dir() {
        return own;
    }
    fs::read_dir(path)
        .ok()?
        .filter_map(Result::ok)
        .filter_map(|entry| newest_mtime(&entry.path()))
        .chain(own)
        .max()
}

/// `trunk build --release --features split` into `dist/`, the split into page chunks, then
/// the CSP check, the gzipped copies and a size table.
pub fn build(ws: &Workspace, tools: &ToolEnv) -> Result<(), String> {
    let _lock = lock_bundle(ws)?;
    // trunk runs cargo with --offline (Trunk.toml), so the crates must be downloaded first.
    process::run(tools.command(&cargo()).arg("fetch").current_dir(&ws.root))?;
    process::run(
        tools
            .command("trunk")
            .args(["build", "--release", "--features", split::FEATURE])
            .env("RUSTFLAGS", wasm_rustflags())
            // Smaller wasm; the release profile itself unwinds, as the native server needs.
            .env("CARGO_PROFILE_RELEASE_PANIC", "abort")
            .current_dir(&ws.root),
    )?;
    if let Err(e) = split::split_bundle(ws, tools) {
        // trunk's page names a wasm built with split points but never split, which cannot
        // start: without index.html the next demo rebuilds instead of serving it.
        let _ = fs::remove_file(ws.dist().join("index.html"));
        return Err(e);
    }
    let html_path = ws.dist().join("index.html");
    let html = fs::read_to_string(&html_path)
        .map_err(|e| format!("trunk wrote no {}: {e}", html_path.display()))?;
    check_csp_ready(&html)?;
    check_no_registry_paths(&ws.dist())?;
    precompress(&ws.dist());
    print!("{}", size_table(&ws.dist()));
    Ok(())
}

/// Writes `name.gz` beside each wasm, js and css file, which the reference server (and any
/// static host that looks for them) sends to browsers that accept gzip: the wasm then
/// crosses the wire as under two fifths of that, without being compressed on every request.
/// Without a `gzip` on the machine the files are served as they are.
fn precompress(dist: &Path) {
    for path in assets(dist) {
        // -n: no name or time in the header, so the same input gives the same file.
        let done = Command::new("gzip")
            .args(["-9", "-n", "-k", "-f"])
            .arg(&path)
            .stderr(Stdio::null())
            .status();
        if !done.is_ok_and(|s| s.success()) {
            println!(
                "xtask: could not gzip {}; it is served uncompressed",
                path.display()
            );
        }
    }
}

/// Two bundle builds at once (a demo and a bench, say) share `dist/.stage` and
/// `target/split-stage` and break each other, so bundle builds take turns. The OS drops the lock when
/// the holder exits, even on a crash.
fn lock_bundle(ws: &Workspace) -> Result<fs::File, String> {
    fs::create_dir_all(&ws.target)
        .map_err(|e| format!("cannot create {}: {e}", ws.target.display()))?;
    let path = ws.target.join("xtask-bundle.lock");
    let file = fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| format!("cannot open {}: {e}", path.display()))?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(fs::TryLockError::WouldBlock) => {
            println!("xtask: another bundle build is running; waiting for it to finish");
            file.lock()
                .map_err(|e| format!("cannot lock {}: {e}", path.display()))?;
            Ok(file)
        }
        Err(fs::TryLockError::Error(e)) => Err(format!("cannot lock {}: {e}", path.display())),
    }
}

/// Extra rustc flags of the release bundle. `erase_components` makes Leptos type-erase every
/// component and reactive closure, so views stop being monomorphised per call site: a fifth
/// less wasm (see `cargo xtask bench`). `--emit-relocs` keeps the linker's relocations, which
/// the wasm splitter needs to cut the module apart. Only the bundle gets them: debug builds,
/// clippy and the wasm component tests keep their usual flags (and their build cache).
pub const WASM_RUSTFLAGS: &str = "--cfg erase_components -Clink-args=--emit-relocs";

/// `WASM_RUSTFLAGS` and [`remap_flags`] after any the caller set (a `RUSTFLAGS` variable
/// replaces config flags).
pub fn wasm_rustflags() -> String {
    let ours = [WASM_RUSTFLAGS.to_string(), remap_flags()].join(" ");
    match std::env::var("RUSTFLAGS") {
        Ok(own) if !own.trim().is_empty() => format!("{own} {ours}"),
        _ => ours,
    }
}

/// Fails when a wasm or js file of `dist` still names a registry directory that
/// [`remap_flags`] remaps: the build machine's paths must not ship.
fn check_no_registry_paths(dist: &Path) -> Result<(), String> {
    let dirs = registry_dirs();
    for file in assets(dist) {
        let Ok(bytes) = fs::read(&file) else { continue };
        if let Some(dir) = dirs.iter().find(|d| contains(&bytes, d.as_bytes())) {
            return Err(format!(
                "{} names {dir}: the bundle would ship the build machine's paths",
                file.display()
            ));
        }
    }
    Ok(())
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

/// `--remap-path-prefix` for each crate registry below cargo's home, so that the panic
/// locations compiled into the bundle name `leptos-0.8.23/src/…` rather than a path of the
/// machine that built it (which also costs bytes). Run after `cargo fetch`, which creates them.
pub fn remap_flags() -> String {
    registry_dirs()
        .iter()
        .map(|d| format!("--remap-path-prefix={d}/="))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The crate registries below cargo's home that [`remap_flags`] remaps.
fn registry_dirs() -> Vec<String> {
    let home = std::env::var_os("CARGO_HOME")
        .map(std::path::PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cargo")));
    let dirs = home
        .and_then(|h| fs::read_dir(h.join("registry").join("src")).ok())
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .map(|e| e.path().to_string_lossy().into_owned());
    remappable(dirs)
}

/// `dirs` without a trailing `/`, sorted; a path RUSTFLAGS cannot carry (it splits on
/// whitespace) is left out.
fn remappable(dirs: impl Iterator<Item = String>) -> Vec<String> {
    let mut dirs: Vec<String> = dirs
        .filter(|d| !d.contains(char::is_whitespace))
        .map(|d| d.trim_end_matches('/').to_owned())
        .collect();
    dirs.sort();
    dirs
}

fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string())
}

/// The console is served with `script-src 'self' 'wasm-unsafe-eval'`: any inline script would
/// be blocked and the app would never start, so the build fails here instead.
pub fn check_csp_ready(html: &str) -> Result<(), String> {
    let lower = html.to_ascii_lowercase();
    let mut rest = lower.as_str();
    let mut external = 0;
    while let Some(start) = rest.find("<script") {
        let tag_end = rest[start..]
            .find('>')
            .map(|i| start + i)
            .ok_or("dist/index.html has an unterminated <script> tag")?;
        let tag = &rest[start..=tag_end];
        if !tag.contains(" src=") {
            return Err(format!(
                "dist/index.html has an inline script ({tag}), which the console's CSP blocks"
            ));
        }
        let close = rest[tag_end..]
            .find("</script>")
            .map(|i| tag_end + i)
            .ok_or("dist/index.html has a <script> without </script>")?;
        if !rest[tag_end + 1..close].trim().is_empty() {
            return Err("dist/index.html has a <script src> with inline code too".into());
        }
        external += 1;
        rest = &rest[close..];
    }
    if has_inline_handler(&lower) {
        return Err("dist/index.html has an inline event handler attribute".into());
    }
    if external == 0 {
        return Err("dist/index.html loads no script: the console would never start".into());
    }
    if !lower.contains("name=\"switchboard-wasm\"") || !lower.contains("name=\"switchboard-js\"") {
        return Err("dist/index.html lacks the switchboard-js / switchboard-wasm meta tags the loader reads (see pattern_script in Trunk.toml)".into());
    }
    Ok(())
}

/// `onclick=` and friends are inline script as far as CSP is concerned.
fn has_inline_handler(lower_html: &str) -> bool {
    lower_html.match_indices(" on").any(|(i, _)| {
        let name: String = lower_html[i + 3..]
            .chars()
            .take_while(|c| c.is_ascii_alphabetic())
            .collect();
        !name.is_empty() && lower_html[i + 3 + name.len()..].starts_with('=')
    })
}

/// Raw and gzip sizes of the wasm, js and css files in `dist`, as a printable table.
pub fn size_table(dist: &Path) -> String {
    let mut table = String::from("xtask: bundle sizes (raw / gzip -9)\n");
    // The splitter's shared pieces (`chunk_N.wasm`, code two or more pages use) are many and
    // small; they are summed on one line.
    let (mut shared, mut shared_raw, mut shared_gz) = (0, 0, Some(0));
    for path in assets(dist) {
        let Ok(bytes) = fs::read(&path) else { continue };
        let gz = gzip_len(&bytes);
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        if name.starts_with("chunk_") {
            shared += 1;
            shared_raw += bytes.len();
            shared_gz = shared_gz.zip(gz).map(|(a, b)| a + b);
            continue;
        }
        table.push_str(&size_line(ext(&path), bytes.len(), gz, &name));
    }
    if shared > 0 {
        let what = format!("{shared} chunks shared between pages");
        table.push_str(&size_line("wasm", shared_raw, shared_gz, &what));
    }
    table
}

fn size_line(kind: &str, raw: usize, gz: Option<usize>, name: &str) -> String {
    let gz = gz.map(kib).unwrap_or_else(|| "?".to_string());
    format!("  {kind:<4} {:>10} / {gz:>10}  {name}\n", kib(raw))
}

/// The wasm, js and css files in `dist` and its split-bundle directory, by kind and then name.
fn assets(dist: &Path) -> Vec<std::path::PathBuf> {
    let list = |dir: &Path| -> Vec<std::path::PathBuf> {
        fs::read_dir(dir)
            .map(|entries| entries.filter_map(Result::ok).map(|e| e.path()).collect())
            .unwrap_or_default()
    };
    let mut files = list(dist);
    let subdirs: Vec<_> = files.iter().filter(|p| p.is_dir()).cloned().collect();
    files.extend(subdirs.iter().flat_map(|d| list(d)));
    files.retain(|p| matches!(ext(p), "wasm" | "js" | "css"));
    files.sort_by_key(|p| (ext(p).to_string(), p.clone()));
    files
}

fn ext(path: &Path) -> &str {
    path.extension().and_then(|e| e.to_str()).unwrap_or("")
}

fn kib(bytes: usize) -> String {
    format!("{:.1} KiB", bytes as f64 / 1024.0)
}

/// Compressed length via the system gzip; sizes are informative, so no gzip means "?".
fn gzip_len(bytes: &[u8]) -> Option<usize> {
    let mut child = Command::new("gzip")
        .args(["-9", "-c"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    let mut stdin = child.stdin.take()?;
    let input = bytes.to_vec();
    // Written from another thread so a full stdout pipe cannot deadlock the write.
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let output = child.wait_with_output().ok()?;
    writer.join().ok()?.ok()?;
    output.status.success().then_some(output.stdout.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_paths_are_remapped_to_the_crate_directories() {
        let dirs = [
            "/home/a/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/",
            "/srv/my builds/.cargo/registry/src/other",
            "/home/a/.cargo/registry/src/alt-0123",
        ];
        assert_eq!(
            remappable(dirs.iter().map(|d| d.to_string())),
            [
                "/home/a/.cargo/registry/src/alt-0123",
                "/home/a/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f",
            ]
        );
        assert!(remappable(std::iter::empty()).is_empty());
    }

    const GOOD: &str = r#"<!doctype html><html><head>
<meta name="switchboard-js" content="/switchboard-1.js"><meta name="switchboard-wasm" content="/switchboard-1_bg.wasm">
<link rel="modulepreload" href="/switchboard-1.js" crossorigin="anonymous" integrity="sha384-x">
<script type="module" src="/boot-2.js" integrity="sha384-y"></script>
</head><body><noscript>Switchboard needs JavaScript</noscript></body></html>"#;

    #[test]
    fn a_bundle_with_only_external_scripts_passes() {
        check_csp_ready(GOOD).unwrap();
    }

    #[test]
    fn trunks_default_inline_loader_is_rejected() {
        let html = GOOD.replace(
            r#"<script type="module" src="/boot-2.js" integrity="sha384-y"></script>"#,
            "<script type=\"module\">\nimport init from '/switchboard-1.js';\nawait init();\n</script>",
        );
        let err = check_csp_ready(&html).unwrap_err();
        assert!(err.contains("inline script"), "{err}");
    }

    #[test]
    fn inline_handlers_and_missing_loader_are_rejected() {
        let handler = GOOD.replace("<body>", "<body onload=\"start()\">");
        assert!(check_csp_ready(&handler)
            .unwrap_err()
            .contains("event handler"));
        let no_script = GOOD.replace(
            r#"<script type="module" src="/boot-2.js" integrity="sha384-y"></script>"#,
            "",
        );
        assert!(check_csp_ready(&no_script)
            .unwrap_err()
            .contains("no script"));
        let no_meta = GOOD.replace("switchboard-wasm", "other");
        assert!(check_csp_ready(&no_meta).unwrap_err().contains("meta"));
    }

    #[test]
    fn words_starting_with_on_are_not_handlers() {
        assert!(!has_inline_handler("<p> only one</p><a data-x=\"1\">"));
        assert!(has_inline_handler("<img src=x onerror=alert(1)>"));
    }

    #[test]
    fn bundle_builds_take_turns() {
        let dir = std::env::temp_dir().join(format!("xtask-lock-{}", std::process::id()));
        let ws = Workspace {
            root: dir.clone(),
            target: dir.join("target"),
        };
        let held = lock_bundle(&ws).unwrap();
        let second = fs::OpenOptions::new()
            .write(true)
            .open(ws.target.join("xtask-bundle.lock"))
            .unwrap();
        assert!(matches!(
            second.try_lock(),
            Err(fs::TryLockError::WouldBlock)
        ));
        drop(held);
        second.try_lock().unwrap();
        drop(second);
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn newest_mtime_looks_inside_directories() {
        let dir = std::env::temp_dir().join(format!("xtask-mtime-{}", std::process::id()));
        fs::create_dir_all(dir.join("inner")).unwrap();
        let old = dir.join("old.rs");
        fs::write(&old, "a").unwrap();
        std::thread::sleep(std::time::Duration::from_millis(20));
        let new = dir.join("inner/new.rs");
        fs::write(&new, "b").unwrap();
        let newest = newest_mtime(&dir).unwrap();
        let new_time = fs::metadata(&new).unwrap().modified().unwrap();
        fs::remove_dir_all(&dir).unwrap();
        assert!(newest >= new_time);
        assert_eq!(newest_mtime(&dir), None);
    }

    #[test]
    fn size_table_lists_bundle_files_with_gzip_sizes() {
        let dir = std::env::temp_dir().join(format!("xtask-sizes-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        fs::write(dir.join("app_bg.wasm"), vec![0u8; 4096]).unwrap();
        fs::write(dir.join("app.js"), "x".repeat(2048)).unwrap();
        fs::write(dir.join("index.html"), "<html>").unwrap();
        fs::create_dir_all(dir.join("app-1")).unwrap();
        fs::write(dir.join("app-1/split_page.wasm"), vec![0u8; 1024]).unwrap();
        fs::write(dir.join("app-1/chunk_1.wasm"), vec![0u8; 1024]).unwrap();
        fs::write(dir.join("app-1/chunk_2.wasm"), vec![0u8; 1024]).unwrap();
        let table = size_table(&dir);
        fs::remove_dir_all(&dir).unwrap();
        assert!(
            table.contains("app_bg.wasm") && table.contains("4.0 KiB"),
            "{table}"
        );
        assert!(
            table.contains("app.js") && table.contains("2.0 KiB"),
            "{table}"
        );
        assert!(!table.contains("index.html"), "{table}");
        assert!(table.contains("split_page.wasm"), "{table}");
        let shared = table
            .lines()
            .find(|l| l.ends_with("2 chunks shared between pages"))
            .unwrap_or_else(|| panic!("{table}"));
        // The two 1 KiB pieces, summed.
        assert!(shared.contains("   2.0 KiB /"), "{shared}");
        assert!(!table.contains("chunk_1"), "{table}");
        // Zeros compress to far below a KiB; "?" would mean gzip was not found.
        assert!(!table.contains('?'), "{table}");
    }
}
