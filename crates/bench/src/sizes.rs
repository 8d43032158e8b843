//! Transfer sizes of the files a page load fetched: raw, gzip and brotli.

use serde::Serialize;
use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};

/// One file's sizes in bytes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Sizes {
    pub raw: u64,
    pub gzip: u64,
    pub brotli: u64,
}

impl std::ops::Add for Sizes {
    type Output = Sizes;
    fn add(self, o: Sizes) -> Sizes {
        Sizes {
            raw: self.raw + o.raw,
            gzip: self.gzip + o.gzip,
            brotli: self.brotli + o.brotli,
        }
    }
}

/// Sizes at the strongest settings a static host would precompress with (gzip -9, brotli 11).
pub fn measure(bytes: &[u8]) -> Sizes {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(bytes).expect("gzip into memory");
    let gzip = gz.finish().expect("gzip into memory").len() as u64;
    let mut br = Vec::new();
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        lgwin: 22,
        ..Default::default()
    };
    brotli::BrotliCompress(&mut &bytes[..], &mut br, &params).expect("brotli into memory");
    Sizes {
        raw: bytes.len() as u64,
        gzip,
        brotli: br.len() as u64,
    }
}

/// Maps the URL paths a page fetched to files of a static directory, measuring each file once
/// (brotli at quality 11 takes seconds on a large wasm).
pub struct SizeCache {
    dir: PathBuf,
    known: HashMap<PathBuf, Sizes>,
}

impl SizeCache {
    pub fn new(dir: &Path) -> SizeCache {
        SizeCache {
            dir: dir.to_path_buf(),
            known: HashMap::new(),
        }
    }

    /// The file a URL path is served from: the path itself when it names a file, otherwise
    /// `index.html` (client-side routes get the app shell, as the server does).
    pub fn file_for(&self, url_path: &str) -> PathBuf {
        let rel = url_path.split(['?', '#']).next().unwrap_or("");
        let rel = rel.trim_start_matches('/');
        let candidate = self.dir.join(rel);
        if !rel.is_empty() && !rel.contains("..") && candidate.is_file() {
            candidate
        } else {
            self.dir.join("index.html")
        }
    }

    pub fn sizes(&mut self, url_path: &str) -> std::io::Result<Sizes> {
        let file = self.file_for(url_path);
        if let Some(s) = self.known.get(&file) {
            return Ok(*s);
        }
        let s = measure(&std::fs::read(&file)?);
        self.known.insert(file, s);
        Ok(s)
    }

    /// The total over several URL paths, each path counted once.
    pub fn total<'a>(
        &mut self,
        paths: impl IntoIterator<Item = &'a str>,
    ) -> std::io::Result<Sizes> {
        let mut seen = std::collections::HashSet::new();
        let mut sum = Sizes::default();
        for p in paths {
            if seen.insert(self.file_for(p)) {
                sum = sum + self.sizes(p)?;
            }
        }
        Ok(sum)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compression_shrinks_repetitive_text_and_brotli_beats_gzip() {
        let text = "<tr><td>webhook</td><td>https://example.test/hook</td></tr>\n".repeat(500);
        let s = measure(text.as_bytes());
        assert_eq!(s.raw, text.len() as u64);
        assert!(s.gzip * 20 < s.raw, "{s:?}");
        assert!(s.brotli <= s.gzip, "{s:?}");
    }

    #[test]
    fn paths_map_to_files_or_the_app_shell_and_count_once() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("index.html"), "<html>shell</html>").unwrap();
        std::fs::write(dir.path().join("app.js"), "x".repeat(1000)).unwrap();
        let mut cache = SizeCache::new(dir.path());
        assert_eq!(cache.file_for("/app.js?v=1"), dir.path().join("app.js"));
        assert_eq!(cache.file_for("/webhooks"), dir.path().join("index.html"));
        assert_eq!(cache.file_for("/../secret"), dir.path().join("index.html"));
        let total = cache
            .total(["/webhooks", "/app.js", "/", "/app.js"])
            .unwrap();
        assert_eq!(total.raw, 1000 + "<html>shell</html>".len() as u64);
    }
}
