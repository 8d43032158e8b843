//! Splits the release wasm into a main module and the page chunks of `src/pages/mod.rs`.
//!
//! trunk 0.21 cannot split wasm, so it builds the console with the `split` feature, and this
//! step redoes the wasm part from cargo's output: the splitter cuts the module at each page's
//! split point, wasm-bindgen makes the bindings for the main module (keeping the exports the
//! chunks link against), and wasm-opt squeezes every piece. The pieces go into one directory
//! named after trunk's hashed bundle, so a new build never mixes with cached old chunks.

use crate::process;
use crate::tools::ToolEnv;
use crate::workspace::Workspace;
use std::fs;
use std::path::{Path, PathBuf};

/// The binary trunk builds (`data-bin` in index.html) and the feature that adds split points.
pub const BIN: &str = "switchboard";
pub const FEATURE: &str = "split";
/// The loader the splitter writes; the main module imports the chunk loaders from it.
const LINK_FILE: &str = "__wasm_split.js";

/// Replaces trunk's unsplit wasm and bindings in `dist/` with the split set.
pub fn split_bundle(ws: &Workspace, tools: &ToolEnv) -> Result<(), String> {
    let dist = ws.dist();
    let html_path = dist.join("index.html");
    let html = read(&html_path)?;
    let js =
        meta_content(&html, "switchboard-js").ok_or("index.html has no switchboard-js meta")?;
    let wasm =
        meta_content(&html, "switchboard-wasm").ok_or("index.html has no switchboard-wasm meta")?;
    let stem = bundle_stem(&js).ok_or_else(|| format!("unexpected bindings name {js}"))?;

    let raw = ws
        .target
        .join("wasm32-unknown-unknown/release")
        .join(format!("{BIN}.wasm"));
    let stage = ws.target.join("split-stage");
    let _ = fs::remove_dir_all(&stage);
    let bindgen_dir = stage.join("bindgen");
    fs::create_dir_all(&bindgen_dir)
        .map_err(|e| format!("cannot create {}: {e}", stage.display()))?;

    process::run(
        tools
            .command(&ws.wasm_split_bin().to_string_lossy())
            .arg(&raw)
            .arg(&stage)
            .args(["--target", "web", "--out-name", BIN]),
    )?;
    process::run(
        tools
            .command("wasm-bindgen")
            .args([
                "--target",
                "web",
                "--keep-lld-exports",
                "--no-demangle",
                "--no-typescript",
            ])
            .args(["--out-name", BIN, "--out-dir"])
            .arg(&bindgen_dir)
            .arg(stage.join(format!("{BIN}.wasm"))),
    )?;

    let out = dist.join(&stem);
    let _ = fs::remove_dir_all(&out);
    fs::create_dir_all(&out).map_err(|e| format!("cannot create {}: {e}", out.display()))?;
    let mut pieces = vec![(
        bindgen_dir.join(format!("{BIN}_bg.wasm")),
        out.join(format!("{BIN}_bg.wasm")),
    )];
    let listing = |e: std::io::Error| format!("cannot list {}: {e}", stage.display());
    for entry in fs::read_dir(&stage).map_err(listing)? {
        let path = entry.map_err(listing)?.path();
        let name = path
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        if name.ends_with(".wasm") && name != format!("{BIN}.wasm") {
            pieces.push((path.clone(), out.join(&name)));
        }
    }
    optimise_all(ws, tools, &pieces)?;
    copy(
        &bindgen_dir.join(format!("{BIN}.js")),
        &out.join(format!("{BIN}.js")),
    )?;
    let link = read(&stage.join(LINK_FILE))?;
    fs::write(out.join(LINK_FILE), &link)
        .map_err(|e| format!("cannot write {}: {e}", out.join(LINK_FILE).display()))?;
    check_links(&out, &link)?;

    // trunk's unsplit files would never load; the page now names the split ones.
    for old in [&js, &wasm] {
        let _ = fs::remove_file(dist.join(old.trim_start_matches('/')));
    }
    let wasm_meta = format!("<meta name=\"switchboard-wasm\" content=\"{wasm}\">");
    let chunks = chunk_meta(&link);
    let routes = crate::routes::route_chunks(
        &read(&ws.root.join("src/app.rs"))?,
        &read(&ws.root.join("src/pages/mod.rs"))?,
    )?;
    let chunks = format!("{chunks}{}", crate::routes::routes_meta(&routes));
    // The bindings import the loader statically, and the main module cannot start before it
    // arrives; Chromium's modulepreload of the bindings does not fetch their imports.
    let loader = format!(
        "<link rel=\"modulepreload\" href=\"/{stem}/{LINK_FILE}\" crossorigin=\"anonymous\">"
    );
    let html = html
        .replace(&wasm_meta, &format!("{wasm_meta}{chunks}{loader}"))
        .replace(&js, &format!("/{stem}/{BIN}.js"))
        .replace(&wasm, &format!("/{stem}/{BIN}_bg.wasm"));
    if !html.contains("name=\"switchboard-chunks\"") {
        return Err("could not add the switchboard-chunks meta tag to index.html".into());
    }
    fs::write(&html_path, html).map_err(|e| format!("cannot write {}: {e}", html_path.display()))
}

/// wasm-opt `-Oz` on every piece, in one node process (`xtask/node/wasm-opt-all.mjs`).
fn optimise_all(
    ws: &Workspace,
    tools: &ToolEnv,
    pieces: &[(PathBuf, PathBuf)],
) -> Result<(), String> {
    let mut cmd = tools.command("node");
    cmd.arg(ws.root.join("xtask/node/wasm-opt-all.mjs"))
        .arg(ws.binaryen_prefix().join("node_modules/binaryen/index.js"));
    for (from, to) in pieces {
        cmd.arg(from).arg(to);
    }
    println!(
        "xtask: wasm-opt -Oz on the main module and {} chunks",
        pieces.len() - 1
    );
    // binaryen notes, once per piece, the name-section part it skips; that says nothing here.
    process::run_hiding(&mut cmd, "unknown name subsection")
}

/// Every chunk the loader (`link`, the text of its file in `dir`) fetches is there, and the
/// loader imports the bindings beside it.
pub fn check_links(dir: &Path, link: &str) -> Result<(), String> {
    if !link.contains(&format!("from \"./{BIN}.js\"")) {
        return Err(format!("{LINK_FILE} does not import ./{BIN}.js"));
    }
    let fetched = fetched_files(link);
    if !fetched.iter().any(|f| f.starts_with("split_")) {
        return Err(format!(
            "{LINK_FILE} loads no page chunk: has its format changed?"
        ));
    }
    let missing: Vec<&String> = fetched.iter().filter(|f| !dir.join(f).is_file()).collect();
    if !missing.is_empty() {
        let names: Vec<&str> = missing.iter().map(|s| s.as_str()).collect();
        return Err(format!(
            "{LINK_FILE} fetches files that are not there: {}",
            names.join(", ")
        ));
    }
    // Every shared piece must be listed under some chunk, or boot.js would not preload it
    // and the comment format this reads has changed.
    let listed: Vec<String> = chunk_files(link).into_iter().flat_map(|(_, f)| f).collect();
    let unlisted: Vec<&str> = fetched
        .iter()
        .filter(|f| !listed.contains(f))
        .map(|f| f.as_str())
        .collect();
    if unlisted.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{LINK_FILE}: no chunk is known to need {}; has its format changed?",
            unlisted.join(", ")
        ))
    }
}

/// The `./name.wasm` files the loader fetches.
pub fn fetched_files(link_js: &str) -> Vec<String> {
    let mut files: Vec<String> = link_js
        .split("new URL(\"./")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(str::to_owned)
        .collect();
    files.sort();
    files.dedup();
    files
}

/// The files each chunk needs, as the loader fetches them: `split_<chunk>.wasm` and every
/// shared piece whose comment names that chunk.
pub fn chunk_files(link_js: &str) -> Vec<(String, Vec<String>)> {
    let mut shared: Vec<(Vec<&str>, String)> = Vec::new();
    let mut chunks: Vec<String> = Vec::new();
    for file in fetched_files(link_js) {
        if let Some(name) = file
            .strip_prefix("split_")
            .and_then(|f| f.strip_suffix(".wasm"))
        {
            chunks.push(name.to_owned());
        }
    }
    // `/* a, b */ const __chunk_4 = makeLoad(() => { … new URL("./chunk_4.wasm" …`
    for piece in link_js.split("/* ").skip(1) {
        let Some((users, rest)) = piece.split_once(" */") else {
            continue;
        };
        let Some(file) = rest
            .split("new URL(\"./")
            .nth(1)
            .and_then(|r| r.split('"').next())
        else {
            continue;
        };
        if file.starts_with("chunk_") {
            shared.push((users.split(", ").collect(), file.to_owned()));
        }
    }
    chunks
        .into_iter()
        .map(|chunk| {
            let mut files = vec![format!("split_{chunk}.wasm")];
            files.extend(
                shared
                    .iter()
                    .filter(|(users, _)| users.contains(&chunk.as_str()))
                    .map(|(_, file)| file.clone()),
            );
            (chunk, files)
        })
        .collect()
}

/// `<meta name="switchboard-chunks" content="list:split_list.wasm chunk_5.wasm;…">`, which
/// boot.js reads to fetch the opened page's chunk while the main module downloads.
pub fn chunk_meta(link_js: &str) -> String {
    let content: Vec<String> = chunk_files(link_js)
        .into_iter()
        .map(|(chunk, files)| format!("{chunk}:{}", files.join(" ")))
        .collect();
    format!(
        "<meta name=\"switchboard-chunks\" content=\"{}\">",
        content.join(";")
    )
}

/// `content` of `<meta name="{name}" content="…">`.
pub fn meta_content(html: &str, name: &str) -> Option<String> {
    let tag_start = html.find(&format!("<meta name=\"{name}\""))?;
    let tag = &html[tag_start..tag_start + html[tag_start..].find('>')?];
    let value = tag.split("content=\"").nth(1)?.split('"').next()?;
    Some(value.to_owned())
}

/// `/switchboard-1a2b.js` → `switchboard-1a2b`: trunk's content hash names the chunk directory.
pub fn bundle_stem(js_path: &str) -> Option<String> {
    let name = js_path.rsplit('/').next()?.strip_suffix(".js")?;
    (name.starts_with(&format!("{BIN}-")) && name.len() > BIN.len() + 1).then(|| name.to_owned())
}

fn read(path: &Path) -> Result<String, String> {
    fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

fn copy(from: &Path, to: &Path) -> Result<(), String> {
    fs::copy(from, to)
        .map(|_| ())
        .map_err(|e| format!("cannot copy {} to {}: {e}", from.display(), to.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundle_stem_comes_from_trunks_hashed_bindings() {
        assert_eq!(
            bundle_stem("/switchboard-53e7210eba4a439.js").as_deref(),
            Some("switchboard-53e7210eba4a439")
        );
        assert_eq!(bundle_stem("/other-1.js"), None);
        assert_eq!(bundle_stem("/switchboard-.js"), None);
        assert_eq!(bundle_stem("/switchboard-1.wasm"), None);
    }

    #[test]
    fn meta_tags_are_read_by_name() {
        let html = r#"<meta name="switchboard-js" content="/a.js"><meta name="switchboard-wasm" content="/a_bg.wasm">"#;
        assert_eq!(
            meta_content(html, "switchboard-js").as_deref(),
            Some("/a.js")
        );
        assert_eq!(
            meta_content(html, "switchboard-wasm").as_deref(),
            Some("/a_bg.wasm")
        );
        assert_eq!(meta_content(html, "other"), None);
    }

    #[test]
    fn the_loaders_fetches_are_listed_once_each() {
        let js = r#"const src = fetch(new URL("./chunk_8.wasm", import.meta.url));
            const src = fetch(new URL("./split_settings.wasm", import.meta.url));
            const src = fetch(new URL("./chunk_8.wasm", import.meta.url));"#;
        assert_eq!(fetched_files(js), ["chunk_8.wasm", "split_settings.wasm"]);
    }

    const LINK: &str = r#"import { initSync } from "./switchboard.js";
/* a, b */
const __chunk_4 = makeLoad(() => {
    const src = fetch(new URL("./chunk_4.wasm", import.meta.url));
}, []);
/* a, b, list */
const __chunk_5 = makeLoad(() => {
    const src = fetch(new URL("./chunk_5.wasm", import.meta.url));
}, []);
export const __wasm_split_load_list = wrapAsyncCb(makeLoad(() => {
    const src = fetch(new URL("./split_list.wasm", import.meta.url));
}, [__chunk_5]));
export const __wasm_split_load_a = wrapAsyncCb(makeLoad(() => {
    const src = fetch(new URL("./split_a.wasm", import.meta.url));
}, [__chunk_4, __chunk_5]));
"#;

    #[test]
    fn each_chunk_lists_its_own_file_and_the_shared_pieces_it_uses() {
        assert_eq!(
            chunk_files(LINK),
            [
                (
                    "a".to_owned(),
                    vec![
                        "split_a.wasm".to_owned(),
                        "chunk_4.wasm".into(),
                        "chunk_5.wasm".into()
                    ]
                ),
                (
                    "list".to_owned(),
                    vec!["split_list.wasm".to_owned(), "chunk_5.wasm".into()]
                ),
            ]
        );
        assert_eq!(
            chunk_meta(LINK),
            r#"<meta name="switchboard-chunks" content="a:split_a.wasm chunk_4.wasm chunk_5.wasm;list:split_list.wasm chunk_5.wasm">"#
        );
    }

    #[test]
    fn a_missing_or_unknown_chunk_fails_the_check() {
        let dir = std::env::temp_dir().join(format!("xtask-split-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        for f in ["split_a.wasm", "split_list.wasm", "chunk_4.wasm"] {
            fs::write(dir.join(f), b"\0asm").unwrap();
        }
        let err = check_links(&dir, LINK).unwrap_err();
        assert!(err.contains("not there: chunk_5.wasm"), "{err}");
        fs::write(dir.join("chunk_5.wasm"), b"\0asm").unwrap();
        check_links(&dir, LINK).unwrap();

        // A shared piece whose users cannot be read would be fetched late, not preloaded.
        let bare = LINK.replace("/* a, b */", "");
        let err = check_links(&dir, &bare).unwrap_err();
        assert!(
            err.contains("no chunk is known to need chunk_4.wasm"),
            "{err}"
        );

        let no_chunks = "import { initSync } from \"./switchboard.js\";";
        assert!(check_links(&dir, no_chunks)
            .unwrap_err()
            .contains("loads no page chunk"));
        let other = "import { initSync } from \"./other.js\";";
        assert!(check_links(&dir, other)
            .unwrap_err()
            .contains("does not import"));
        fs::remove_dir_all(&dir).unwrap();
    }
}
