//! Endpoint health: each webhook's state time line (`webhook_changes`) and the figures read
//! from its attempts (success rate, latency percentiles, failures by error class).

use super::StoreError;
use rusqlite::{params, Connection, OptionalExtension};
use std::collections::BTreeMap;
use switchboard_api::{ChangeActor, ErrorClass, ErrorClassCount, StateChangeKind};

fn change_str(c: StateChangeKind) -> &'static str {
    match c {
        StateChangeKind::Created => "created",
        StateChangeKind::Deactivated => "deactivated",
        StateChangeKind::Activated => "activated",
        StateChangeKind::Unknown => "unknown",
    }
}

fn actor_str(a: ChangeActor) -> &'static str {
    match a {
        ChangeActor::Api => "api",
        ChangeActor::Endpoint => "endpoint",
        ChangeActor::HealthRule => "health_rule",
        ChangeActor::Unknown => "unknown",
    }
}

/// One stored state change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub at: i64,
    pub change: StateChangeKind,
    pub by: ChangeActor,
    pub reason: Option<String>,
    pub deliveries: Option<u32>,
}

/// Appends a state change to a webhook's time line.
pub fn record_change(
    conn: &Connection,
    webhook_id: &str,
    at: i64,
    change: StateChangeKind,
    by: ChangeActor,
    reason: Option<&str>,
    deliveries: Option<usize>,
) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO webhook_changes (webhook_id, at, change, actor, reason, deliveries) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            webhook_id,
            at,
            change_str(change),
            actor_str(by),
            reason,
            deliveries.map(|n| n as i64)
        ],
    )?;
    Ok(())
}

/// The newest changes kept in one answer: a webhook switched on and off by a script every
/// minute must not make its health answer grow without end.
const TIMELINE_LIMIT: i64 = 200;

/// A webhook's time line, oldest first (the newest [`TIMELINE_LIMIT`] entries).
pub fn timeline(conn: &Connection, webhook_id: &str) -> Result<Vec<Change>, StoreError> {
    let mut stmt = conn.prepare(
        "SELECT at, change, actor, reason, deliveries FROM (SELECT seq, at, change, actor, \
         reason, deliveries FROM webhook_changes WHERE webhook_id = ?1 \
         ORDER BY at DESC, seq DESC LIMIT ?2) ORDER BY at, seq",
    )?;
    let rows = stmt.query_map(params![webhook_id, TIMELINE_LIMIT], |r| {
        let change: String = r.get(1)?;
        let actor: String = r.get(2)?;
        Ok(Change {
            at: r.get(0)?,
            change: serde_json::from_value(change.into()).unwrap_or(StateChangeKind::Unknown),
            by: serde_json::from_value(actor.into()).unwrap_or(ChangeActor::Unknown),
            reason: r.get(3)?,
            deliveries: r.get::<_, Option<i64>>(4)?.map(|n| n.max(0) as u32),
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Figures of a webhook's attempts since `from`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Figures {
    pub attempts: u32,
    pub succeeded: u32,
    pub latency_p50_ms: Option<u64>,
    pub latency_p95_ms: Option<u64>,
    pub error_classes: Vec<ErrorClassCount>,
}

/// The value at percentile `p` (0–100) of sorted `values`, by the nearest-rank method: the
/// smallest value with at least p % of the values at or below it.
pub fn percentile(sorted: &[u64], p: u32) -> Option<u64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (u64::from(p) * sorted.len() as u64).div_ceil(100).max(1) as usize;
    sorted.get(rank - 1).copied()
}

/// Counts by class, most first (then in the classes' own order).
fn counted(map: BTreeMap<ErrorClass, u32>) -> Vec<ErrorClassCount> {
    let mut v: Vec<ErrorClassCount> = map
        .into_iter()
        .map(|(class, count)| ErrorClassCount { class, count })
        .collect();
    v.sort_by(|a, b| b.count.cmp(&a.count).then(a.class.cmp(&b.class)));
    v
}

/// Success rate, latency percentiles (over attempts that got an answer) and failures by
/// class of one webhook's attempts since `from`.
pub fn figures(conn: &Connection, webhook_id: &str, from: i64) -> Result<Figures, StoreError> {
    let mut stmt = conn.prepare(
        "SELECT succeeded, duration_ms, error, json_extract(response, '$.status') \
         FROM attempts WHERE webhook_id = ?1 AND started_at >= ?2",
    )?;
    let mut rows = stmt.query(params![webhook_id, from])?;
    let mut f = Figures::default();
    let mut latencies = Vec::new();
    let mut classes = BTreeMap::new();
    while let Some(r) = rows.next()? {
        let succeeded: bool = r.get(0)?;
        let duration: i64 = r.get(1)?;
        let error: Option<String> = r.get(2)?;
        let status: Option<i64> = r.get(3)?;
        f.attempts += 1;
        if status.is_some() {
            latencies.push(duration.max(0) as u64);
        }
        if succeeded {
            f.succeeded += 1;
        } else {
            let status = status.and_then(|s| u16::try_from(s).ok());
            *classes
                .entry(ErrorClass::of(error.as_deref(), status))
                .or_insert(0) += 1;
        }
    }
    latencies.sort_unstable();
    f.latency_p50_ms = percentile(&latencies, 50);
    f.latency_p95_ms = percentile(&latencies, 95);
    f.error_classes = counted(classes);
    Ok(f)
}

/// The class and time of a webhook's latest failed attempt.
pub fn last_error(
    conn: &Connection,
    webhook_id: &str,
) -> Result<Option<(ErrorClass, i64)>, StoreError> {
    Ok(conn
        .query_row(
            "SELECT error, json_extract(response, '$.status'), started_at FROM attempts \
             WHERE webhook_id = ?1 AND succeeded = 0 ORDER BY started_at DESC, n DESC LIMIT 1",
            [webhook_id],
            |r| {
                let error: Option<String> = r.get(0)?;
                let status: Option<i64> = r.get(1)?;
                let status = status.and_then(|s| u16::try_from(s).ok());
                Ok((ErrorClass::of(error.as_deref(), status), r.get(2)?))
            },
        )
        .optional()?)
}

/// When the webhook's current run of failures began: its first failed attempt since its last
/// success, or `None` when its latest attempt succeeded (or it has none).
pub fn failing_since(conn: &Connection, webhook_id: &str) -> Result<Option<i64>, StoreError> {
    let last_success: Option<i64> = conn.query_row(
        "SELECT MAX(started_at) FROM attempts WHERE webhook_id = ?1 AND succeeded = 1",
        [webhook_id],
        |r| r.get(0),
    )?;
    Ok(conn.query_row(
        "SELECT MIN(started_at) FROM attempts WHERE webhook_id = ?1 AND succeeded = 0 \
         AND started_at > ?2",
        params![webhook_id, last_success.unwrap_or(i64::MIN)],
        |r| r.get(0),
    )?)
}

/// Failed attempts by class, per webhook id.
pub type FailuresByWebhook = BTreeMap<String, BTreeMap<ErrorClass, u32>>;

/// Every attempt since `from` across every webhook, counted, and the failed ones by class.
pub fn failures_by_webhook(
    conn: &Connection,
    from: i64,
) -> Result<(u32, FailuresByWebhook), StoreError> {
    let attempts: u32 = conn.query_row(
        "SELECT COUNT(*) FROM attempts WHERE started_at >= ?1",
        [from],
        |r| r.get(0),
    )?;
    let mut stmt = conn.prepare(
        "SELECT webhook_id, error, json_extract(response, '$.status'), COUNT(*) FROM attempts \
         WHERE succeeded = 0 AND started_at >= ?1 GROUP BY 1, 2, 3",
    )?;
    let mut rows = stmt.query([from])?;
    let mut out = FailuresByWebhook::new();
    while let Some(r) = rows.next()? {
        let webhook: String = r.get(0)?;
        let error: Option<String> = r.get(1)?;
        let status: Option<i64> = r.get(2)?;
        let n: u32 = r.get(3)?;
        let class = ErrorClass::of(error.as_deref(), status.and_then(|s| u16::try_from(s).ok()));
        *out.entry(webhook).or_default().entry(class).or_insert(0) += n;
    }
    Ok((attempts, out))
}

/// [`counted`] for callers outside this module.
pub fn by_count(map: BTreeMap<ErrorClass, u32>) -> Vec<ErrorClassCount> {
    counted(map)
}

#[cfg(test)]
mod tests {
    use super::percentile;

    #[test]
    fn percentiles_are_nearest_rank() {
        assert_eq!(percentile(&[], 50), None);
        assert_eq!(percentile(&[7], 95), Some(7));
        let v: Vec<u64> = (1..=100).collect();
        assert_eq!(percentile(&v, 50), Some(50));
        assert_eq!(percentile(&v, 95), Some(95));
        assert_eq!(percentile(&[10, 20, 30, 40], 50), Some(20));
        assert_eq!(percentile(&[10, 20, 30, 40], 95), Some(40));
    }
}
