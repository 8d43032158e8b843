//! The delivery engine: a durable queue in SQLite drained by a bounded pool of senders.

pub mod signature;

use crate::catalogue::Catalogue;
use crate::store::Store;
use std::sync::Arc;
use std::time::Duration;

#[derive(Debug, Clone)]
pub struct EngineConfig {
    pub allow_private_targets: bool,
    pub retry_schedule: Vec<Duration>,
}

#[derive(Clone)]
pub struct Engine {
    inner: Arc<Inner>,
}

struct Inner {
    #[allow(dead_code)]
    store: Store,
    #[allow(dead_code)]
    catalogue: Arc<Catalogue>,
    #[allow(dead_code)]
    config: EngineConfig,
    wake: tokio::sync::Notify,
}

impl Engine {
    pub fn new(store: Store, catalogue: Arc<Catalogue>, config: EngineConfig) -> Engine {
        Engine {
            inner: Arc::new(Inner {
                store,
                catalogue,
                config,
                wake: tokio::sync::Notify::new(),
            }),
        }
    }

    pub fn start(
        &self,
        mut stop: tokio::sync::watch::Receiver<bool>,
    ) -> tokio::task::JoinHandle<()> {
        let inner = self.inner.clone();
        tokio::spawn(async move {
            loop {
                tokio::select! {
                    _ = stop.wait_for(|s| *s) => break,
                    _ = inner.wake.notified() => {}
                    _ = tokio::time::sleep(Duration::from_millis(500)) => {}
                }
            }
        })
    }
}

/// `500ms`, `5s`, `5m`, `2h`, `1d` (a bare number is seconds).
pub fn parse_duration(s: &str) -> Option<Duration> {
    let s = s.trim();
    let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (num, unit) = s.split_at(split);
    let n: u64 = num.parse().ok()?;
    let ms = match unit {
        "ms" => n,
        "" | "s" => n.checked_mul(1000)?,
        "m" => n.checked_mul(60_000)?,
        "h" => n.checked_mul(3_600_000)?,
        "d" => n.checked_mul(86_400_000)?,
        _ => return None,
    };
    Some(Duration::from_millis(ms))
}
