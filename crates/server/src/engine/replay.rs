//! The replay worker: releases the items of running replay jobs into the delivery queue at no
//! more than the configured rate per endpoint, and marks jobs complete when everything they
//! released has ended.
//!
//! Everything it knows is in SQLite (the jobs, their items, the deliveries it made), so a job
//! running when the server stops goes on where it was at the next start.

use super::Engine;
use crate::ids::new_id;
use crate::store::replays;
use crate::store::StoreError;
use std::collections::HashMap;
use std::time::Duration;

/// How often the worker looks at the running jobs.
const TICK: Duration = Duration::from_millis(100);

/// Per endpoint, when the next item may be released: a token bucket holding at most one
/// tick's worth, so no second carries more than `rate` (plus that one tick's share).
#[derive(Debug)]
pub struct Pacer {
    interval_ms: f64,
    next: HashMap<String, f64>,
}

impl Pacer {
    pub fn new(per_second: u32) -> Pacer {
        Pacer {
            interval_ms: 1000.0 / f64::from(per_second.max(1)),
            next: HashMap::new(),
        }
    }

    /// How many items `webhook` may release at `now` (ms), at most `waiting`; counts them
    /// as released.
    pub fn take(&mut self, webhook: &str, now: i64, waiting: u64) -> u64 {
        let now = now as f64;
        let next = self.next.entry(webhook.to_string()).or_insert(now);
        // Idle time does not pile up into a burst: at most one tick's worth is owed.
        let floor = now - (TICK.as_millis() as f64).max(self.interval_ms);
        if *next < floor {
            *next = floor;
        }
        if *next > now {
            return 0;
        }
        let due = ((now - *next) / self.interval_ms).floor() as u64 + 1;
        let n = due.min(waiting);
        *next += n as f64 * self.interval_ms;
        n
    }
}

/// Runs the worker until `stop` turns true.
pub fn start(
    engine: Engine,
    per_second: u32,
    mut stop: tokio::sync::watch::Receiver<bool>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut pacer = Pacer::new(per_second);
        loop {
            if let Err(e) = tick(&engine, &mut pacer).await {
                tracing::error!("replay worker: {e}");
            }
            tokio::select! {
                _ = stop.wait_for(|s| *s) => break,
                _ = tokio::time::sleep(TICK) => {}
            }
        }
    })
}

async fn tick(engine: &Engine, pacer: &mut Pacer) -> Result<(), StoreError> {
    let store = engine.inner.store.clone();
    // The worker ticks ten times a second: with no job running it asks one question of the
    // store and writes nothing, so the API's requests do not queue behind it.
    let Some(waiting) = store
        .call(|c| {
            if replays::any_running(c)? {
                replays::waiting(c).map(Some)
            } else {
                Ok(None)
            }
        })
        .await?
    else {
        return Ok(());
    };
    let now = engine.now_ms();
    let mut released = 0;
    for (webhook, count) in waiting {
        let n = pacer.take(&webhook, now, count);
        if n == 0 {
            continue;
        }
        released += store
            .call(move |c| replays::release(c, &webhook, n, now, &|| new_id("msg")))
            .await?;
    }
    if released > 0 {
        engine.wake();
    }
    store
        .call(move |c| replays::complete_finished(c, now))
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pacer_releases_at_the_rate_and_never_bursts_after_idle_time() {
        let mut p = Pacer::new(10);
        assert_eq!(p.take("a", 0, 100), 1);
        assert_eq!(p.take("a", 50, 100), 0);
        assert_eq!(p.take("a", 100, 100), 1);
        // A whole second: ten more, not more.
        let mut total = 0;
        for t in (200..=1100).step_by(100) {
            total += p.take("a", t, 100);
        }
        assert_eq!(total, 10);
        // After a long pause, one tick's worth at most.
        assert!(p.take("a", 60_000, 100) <= 2);
        // Other endpoints have their own pace, and nothing is owed past what waits.
        assert_eq!(p.take("b", 60_000, 0), 0);
        assert!((1..=2).contains(&p.take("b", 60_100, 5)));
    }

    #[test]
    fn a_fast_rate_releases_a_ticks_share_at_once() {
        let mut p = Pacer::new(100);
        let mut total = 0;
        for t in (0..1000).step_by(100) {
            total += p.take("a", t, 10_000);
        }
        assert!((90..=111).contains(&total), "{total}");
    }
}
