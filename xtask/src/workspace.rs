//! Where things live in the repository: the workspace root, the target dir, the bundle, tools.

use std::env;
use std::path::{Path, PathBuf};

/// Paths every command needs, resolved once.
#[derive(Debug, Clone)]
pub struct Workspace {
    /// The repository root (holds the root `Cargo.toml`, `Trunk.toml`, `index.html`).
    pub root: PathBuf,
    /// Cargo's target dir, honouring `CARGO_TARGET_DIR` like cargo does.
    pub target: PathBuf,
}

impl Workspace {
    pub fn locate() -> Workspace {
        // The xtask crate sits one level below the root; this holds wherever the clone lives.
        let root = Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .expect("xtask lives inside the workspace")
            .to_path_buf();
        let target = match env::var_os("CARGO_TARGET_DIR") {
            Some(dir) if !dir.is_empty() => absolute_from(&root, Path::new(&dir)),
            _ => root.join("target"),
        };
        Workspace { root, target }
    }

    /// trunk's output, which the server serves and the browser tests load.
    pub fn dist(&self) -> PathBuf {
        self.root.join("dist")
    }

    /// Tools installed per clone (binaryen from npm); gitignored.
    pub fn tools(&self) -> PathBuf {
        self.root.join(".tools")
    }

    pub fn binaryen_prefix(&self) -> PathBuf {
        self.tools().join("binaryen")
    }

    /// The wasm splitter, installed per clone under its version (it has no `--version`).
    pub fn wasm_split_root(&self) -> PathBuf {
        self.tools()
            .join(format!("wasm-split-{}", crate::versions::WASM_SPLIT))
    }

    pub fn wasm_split_bin(&self) -> PathBuf {
        self.wasm_split_root().join("bin").join("wasm-split-cli")
    }

    /// A Python venv holding schemathesis alone, named by its version so a bump installs anew.
    pub fn schemathesis_venv(&self) -> PathBuf {
        self.tools()
            .join(format!("schemathesis-{}", crate::versions::SCHEMATHESIS))
    }

    pub fn schemathesis_bin(&self) -> PathBuf {
        self.schemathesis_venv().join("bin").join("schemathesis")
    }

    /// npm links package binaries here; it goes first on PATH so trunk finds this wasm-opt.
    pub fn binaryen_bin(&self) -> PathBuf {
        self.binaryen_prefix().join("node_modules").join(".bin")
    }
}

/// Resolves `path` against `base` unless it is already absolute.
pub fn absolute_from(base: &Path, path: &Path) -> PathBuf {
    if path.is_absolute() {
        path.to_path_buf()
    } else {
        base.join(path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn root_holds_the_workspace_manifest_and_trunk_config() {
        let ws = Workspace::locate();
        assert!(ws.root.join("Cargo.toml").is_file());
        assert!(ws.root.join("Trunk.toml").is_file());
        assert!(ws.root.join("xtask").is_dir());
    }

    #[test]
    fn relative_paths_resolve_against_the_root() {
        let base = Path::new("/repo");
        assert_eq!(absolute_from(base, Path::new("t")), Path::new("/repo/t"));
        assert_eq!(absolute_from(base, Path::new("/abs")), Path::new("/abs"));
    }
}
