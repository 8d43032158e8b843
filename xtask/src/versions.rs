//! Tool versions the build is pinned to, and parsers for what installed tools report.

use std::fs;
use std::path::Path;

/// trunk 0.22 needs a newer rustc than the one this project supports.
pub const TRUNK: &str = "0.21.14";
/// Debian's binaryen emits a bundle that fails at start-up in Chromium; npm's 132 works.
pub const BINARYEN: &str = "132";
/// The wasm splitter (`wasm-split-cli` of `wasm_split_cli_support`); 0.2.2 and older break
/// with wasm-bindgen 0.2.128 and later.
pub const WASM_SPLIT: &str = "0.2.4";
/// The OpenAPI tester run against the reference server (PyPI `schemathesis`); pinned because
/// new releases add checks, and a check that appears overnight should arrive in a commit.
pub const SCHEMATHESIS: &str = "4.32.5";

/// The version of the `wasm-bindgen` crate locked in `Cargo.lock`, which wasm-bindgen-cli must
/// equal exactly (the CLI refuses to process output of another version).
pub fn wasm_bindgen_in_lockfile(root: &Path) -> Result<String, String> {
    let path = root.join("Cargo.lock");
    let text =
        fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    locked_version(&text, "wasm-bindgen")
        .ok_or_else(|| format!("{} has no wasm-bindgen package", path.display()))
}

/// Finds `version` of the `[[package]]` named `name` in the text of a Cargo.lock.
pub fn locked_version(lockfile: &str, name: &str) -> Option<String> {
    let wanted = format!("name = \"{name}\"");
    let mut in_wanted_package = false;
    for line in lockfile.lines().map(str::trim) {
        if line == "[[package]]" {
            in_wanted_package = false;
        } else if line == wanted {
            in_wanted_package = true;
        } else if in_wanted_package {
            if let Some(version) = quoted_value(line, "version") {
                return Some(version);
            }
        }
    }
    None
}

/// The value of `key = "value"` on one TOML line, if the line is that key.
pub fn quoted_value(line: &str, key: &str) -> Option<String> {
    let rest = line.trim().strip_prefix(key)?.trim_start();
    let rest = rest.strip_prefix('=')?.trim();
    let inner = rest.strip_prefix('"')?;
    let end = inner.find('"')?;
    Some(inner[..end].to_string())
}

/// The value of `key` in the `[tools]` table of a Trunk.toml.
pub fn trunk_tool(trunk_toml: &str, key: &str) -> Option<String> {
    let mut in_tools = false;
    for line in trunk_toml.lines().map(str::trim) {
        if line.starts_with('[') {
            in_tools = line == "[tools]";
        } else if in_tools {
            if let Some(value) = quoted_value(line, key) {
                return Some(value);
            }
        }
    }
    None
}

/// The second word of `trunk 0.21.14` / `wasm-bindgen 0.2.130 (abc)`.
pub fn second_word(output: &str) -> Option<&str> {
    output.split_whitespace().nth(1)
}

/// The version in `schemathesis, version 4.32.5`.
pub fn last_word(output: &str) -> Option<&str> {
    output.split_whitespace().last()
}

/// The number in `wasm-opt version 132 (version_132)`, read the same way trunk reads it.
pub fn wasm_opt_version(output: &str) -> Option<&str> {
    output.trim().split(' ').nth(2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schemathesis_reports_its_version_last() {
        assert_eq!(last_word("schemathesis, version 4.32.5\n"), Some("4.32.5"));
        assert_eq!(last_word(""), None);
    }

    const LOCK: &str = r#"
version = 4

[[package]]
name = "wasm-bindgen-backend"
version = "0.2.99"

[[package]]
name = "wasm-bindgen"
version = "0.2.130"
source = "registry+https://github.com/rust-lang/crates.io-index"
dependencies = [
 "once_cell",
]

[[package]]
name = "zzz"
version = "1.0.0"
"#;

    #[test]
    fn lockfile_version_is_the_exact_package_not_a_prefix_match() {
        assert_eq!(
            locked_version(LOCK, "wasm-bindgen").as_deref(),
            Some("0.2.130")
        );
        assert_eq!(
            locked_version(LOCK, "wasm-bindgen-backend").as_deref(),
            Some("0.2.99")
        );
        assert_eq!(locked_version(LOCK, "wasm"), None);
    }

    #[test]
    fn the_real_lockfile_pins_wasm_bindgen_and_trunk_toml_agrees() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
        let locked = wasm_bindgen_in_lockfile(root).unwrap();
        let trunk_toml = fs::read_to_string(root.join("Trunk.toml")).unwrap();
        assert_eq!(
            trunk_tool(&trunk_toml, "wasm_bindgen").as_deref(),
            Some(locked.as_str()),
            "Trunk.toml [tools] wasm_bindgen must equal Cargo.lock's wasm-bindgen"
        );
        assert_eq!(
            trunk_tool(&trunk_toml, "wasm_opt"),
            Some(format!("version_{BINARYEN}"))
        );
    }

    #[test]
    fn tools_table_values_only_come_from_the_tools_table() {
        let toml = "[build]\nwasm_bindgen = \"1\"\n[tools]\nwasm_opt = \"version_9\"\n";
        assert_eq!(trunk_tool(toml, "wasm_bindgen"), None);
        assert_eq!(trunk_tool(toml, "wasm_opt").as_deref(), Some("version_9"));
    }

    #[test]
    fn version_outputs_parse() {
        assert_eq!(second_word("trunk 0.21.14\n"), Some("0.21.14"));
        assert_eq!(second_word("wasm-bindgen 0.2.130"), Some("0.2.130"));
        assert_eq!(
            wasm_opt_version("wasm-opt version 132 (version_132)\n"),
            Some("132")
        );
        assert_eq!(second_word(""), None);
    }

    #[test]
    fn quoted_value_needs_the_exact_key() {
        assert_eq!(
            quoted_value(r#"version = "1.2""#, "version").as_deref(),
            Some("1.2")
        );
        assert_eq!(quoted_value(r#"versions = "1.2""#, "version"), None);
        assert_eq!(quoted_value("version = 3", "version"), None);
    }
}
