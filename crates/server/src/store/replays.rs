//! Replay jobs: the job rows, the deliveries each job will send again (its items), their
//! release into the delivery queue, and the "missed" summary.
//!
//! A job snapshots the deliveries its filter matched when it started, so what it sends does
//! not change as new deliveries arrive. An item is released by inserting a new delivery (the
//! same event, payload and destination) and remembering its id; the job's progress is read from
//! those deliveries, so it is never out of step with the queue.

use super::deliveries::{self, ListFilter, State, StoredDelivery, MISSED, MISSED_REASON};
use super::{ts, webhooks, StoreError};
use rusqlite::{params, params_from_iter, Connection, OptionalExtension};
use switchboard_api::{
    Id, MissedGroup, MissedReason, Replay, ReplayEndpoint, ReplayEndpointProgress, ReplayProgress,
    ReplayState,
};

/// Deliveries whose webhook still exists: only those can be sent again.
const REPLAYABLE: &str =
    " AND EXISTS (SELECT 1 FROM webhooks w WHERE w.id = deliveries.webhook_id)";

/// What a replay of a filter would touch.
pub struct Preview {
    pub total: u64,
    pub endpoints: Vec<ReplayEndpoint>,
    pub sample: Vec<StoredDelivery>,
    /// Matched deliveries of deleted webhooks, which a replay skips.
    pub skipped_deleted: u64,
}

pub fn preview(
    conn: &Connection,
    filter: &ListFilter,
    now: i64,
    sample: u32,
) -> Result<Preview, StoreError> {
    let (cond, args) = filter.conditions(now);
    let mut stmt = conn.prepare(&format!(
        "SELECT deliveries.webhook_id, COUNT(*), w.name, w.is_active FROM deliveries \
         LEFT JOIN webhooks w ON w.id = deliveries.webhook_id WHERE 1 = 1{cond} \
         GROUP BY deliveries.webhook_id ORDER BY COUNT(*) DESC, deliveries.webhook_id"
    ))?;
    let mut endpoints = Vec::new();
    let mut skipped_deleted = 0;
    let rows = stmt.query_map(params_from_iter(args.iter()), |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, i64>(1)?,
            r.get::<_, Option<String>>(2)?,
            r.get::<_, Option<bool>>(3)?,
        ))
    })?;
    for row in rows {
        let (webhook_id, count, name, active) = row?;
        match name {
            Some(name) => endpoints.push(ReplayEndpoint {
                webhook_id: Id(webhook_id),
                name: Some(name),
                is_active: active.unwrap_or(false),
                total: count.max(0) as u64,
            }),
            None => skipped_deleted += count.max(0) as u64,
        }
    }
    let total = endpoints.iter().map(|e| e.total).sum();
    let mut stmt = conn.prepare(&format!(
        "SELECT {} FROM deliveries WHERE 1 = 1{cond}{REPLAYABLE} \
         ORDER BY created_at DESC, seq DESC LIMIT {sample}",
        deliveries::COLUMNS
    ))?;
    let sample = stmt
        .query_map(params_from_iter(args.iter()), deliveries::from_row)?
        .collect::<Result<_, _>>()?;
    Ok(Preview {
        total,
        endpoints,
        sample,
        skipped_deleted,
    })
}

/// What starting a job did.
pub enum Created {
    New(String),
    /// The idempotency key was seen with the same body: the job it started then.
    Existing(String),
    /// The key was seen with another body: nothing started.
    KeyReused,
    /// The filter matched no replayable delivery: nothing started.
    Empty,
}

/// Starts a job of every replayable delivery `filter` matches, oldest first, in one
/// transaction (a job is never half-written).
pub fn create(
    conn: &mut Connection,
    id: &str,
    filter: &ListFilter,
    filter_json: &str,
    key: Option<(&str, &str)>,
    now: i64,
) -> Result<Created, StoreError> {
    let tx = conn.transaction()?;
    if let Some((key, hash)) = key {
        let seen: Option<(String, Option<String>)> = tx
            .query_row(
                "SELECT id, body_hash FROM replays WHERE idempotency_key = ?1",
                [key],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        if let Some((existing, seen_hash)) = seen {
            return Ok(if seen_hash.as_deref() == Some(hash) {
                Created::Existing(existing)
            } else {
                Created::KeyReused
            });
        }
    }
    let (cond, mut args) = filter.conditions(now);
    args.push(id.to_string().into());
    let id_arg = args.len();
    let total = tx.execute(
        &format!(
            "INSERT INTO replay_items (replay_id, n, source_id, webhook_id) \
             SELECT ?{id_arg}, ROW_NUMBER() OVER (ORDER BY created_at, seq), id, webhook_id \
             FROM deliveries WHERE 1 = 1{cond}{REPLAYABLE}"
        ),
        params_from_iter(args),
    )?;
    if total == 0 {
        // Dropping the transaction rolls it back; nothing was inserted anyway.
        return Ok(Created::Empty);
    }
    tx.execute(
        "INSERT INTO replays (id, state, filter, total, idempotency_key, body_hash, created_at) \
         VALUES (?1, 'running', ?2, ?3, ?4, ?5, ?6)",
        params![
            id,
            filter_json,
            total as i64,
            key.map(|k| k.0),
            key.map(|k| k.1),
            now
        ],
    )?;
    tx.commit()?;
    Ok(Created::New(id.to_string()))
}

struct Row {
    seq: i64,
    id: String,
    state: String,
    filter: String,
    created_at: i64,
    finished_at: Option<i64>,
}

const ROW: &str = "seq, id, state, filter, created_at, finished_at";

fn row(r: &rusqlite::Row) -> rusqlite::Result<Row> {
    Ok(Row {
        seq: r.get(0)?,
        id: r.get(1)?,
        state: r.get(2)?,
        filter: r.get(3)?,
        created_at: r.get(4)?,
        finished_at: r.get(5)?,
    })
}

fn state(s: &str) -> ReplayState {
    match s {
        "running" => ReplayState::Running,
        "completed" => ReplayState::Completed,
        "cancelled" => ReplayState::Cancelled,
        _ => ReplayState::Unknown,
    }
}

/// A job with its progress, per endpoint and in all.
fn with_progress(conn: &Connection, r: Row) -> Result<Replay, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT i.webhook_id, COUNT(*), COUNT(i.delivery_id), \
         IFNULL(SUM(d.attempt_count > 0), 0), IFNULL(SUM(d.state = 'succeeded'), 0), \
         IFNULL(SUM(d.state = 'failed'), 0) FROM replay_items i \
         LEFT JOIN deliveries d ON d.id = i.delivery_id WHERE i.replay_id = ?1 \
         GROUP BY i.webhook_id ORDER BY COUNT(*) DESC, i.webhook_id",
    )?;
    let endpoints: Vec<ReplayEndpointProgress> = stmt
        .query_map([&r.id], |row| {
            let n = |i| row.get::<_, i64>(i).map(|v| v.max(0) as u64);
            Ok(ReplayEndpointProgress {
                webhook_id: Id(row.get(0)?),
                progress: ReplayProgress {
                    total: n(1)?,
                    queued: n(2)?,
                    sent: n(3)?,
                    succeeded: n(4)?,
                    failed: n(5)?,
                },
            })
        })?
        .collect::<Result<_, _>>()?;
    let mut progress = ReplayProgress::default();
    for e in &endpoints {
        progress.total += e.progress.total;
        progress.queued += e.progress.queued;
        progress.sent += e.progress.sent;
        progress.succeeded += e.progress.succeeded;
        progress.failed += e.progress.failed;
    }
    Ok(Replay {
        id: Id(r.id),
        state: state(&r.state),
        filter: super::from_json(&r.filter)?,
        progress,
        endpoints,
        created_at: ts(Some(r.created_at)),
        finished_at: ts(r.finished_at),
    })
}

pub fn get(conn: &Connection, id: &str) -> Result<Option<Replay>, StoreError> {
    let found = conn
        .query_row(
            &format!("SELECT {ROW} FROM replays WHERE id = ?1"),
            [id],
            row,
        )
        .optional()?;
    found.map(|r| with_progress(conn, r)).transpose()
}

pub fn list(
    conn: &Connection,
    after: Option<(i64, i64)>,
    limit: u32,
) -> Result<(Vec<Replay>, Option<String>), StoreError> {
    let (c, s) = after.unwrap_or((i64::MAX, i64::MAX));
    let mut stmt = conn.prepare(&format!(
        "SELECT {ROW} FROM replays WHERE (created_at, seq) < (?1, ?2) \
         ORDER BY created_at DESC, seq DESC LIMIT ?3"
    ))?;
    let rows: Vec<Row> = stmt
        .query_map(params![c, s, i64::from(limit + 1)], row)?
        .collect::<Result<_, _>>()?;
    let (rows, next) = super::finish_page(rows, limit, |r| (r.created_at, r.seq));
    let jobs = rows
        .into_iter()
        .map(|r| with_progress(conn, r))
        .collect::<Result<_, _>>()?;
    Ok((jobs, next))
}

/// Cancels a running job: nothing more is released, and what it released that has not been
/// sent yet ends as cancelled. Returns the job's state afterwards, `None` when there is none.
pub fn cancel(
    conn: &mut Connection,
    id: &str,
    now: i64,
) -> Result<Option<ReplayState>, StoreError> {
    let tx = conn.transaction()?;
    let current: Option<String> = tx
        .query_row("SELECT state FROM replays WHERE id = ?1", [id], |r| {
            r.get(0)
        })
        .optional()?;
    let Some(current) = current else {
        return Ok(None);
    };
    if current != "running" {
        return Ok(Some(state(&current)));
    }
    tx.execute(
        "UPDATE replays SET state = 'cancelled', finished_at = ?2 WHERE id = ?1",
        params![id, now],
    )?;
    tx.execute(
        "UPDATE deliveries SET state = 'failed', next_attempt_at = NULL, \
         end_reason = 'cancelled' WHERE id IN (SELECT delivery_id FROM replay_items \
         WHERE replay_id = ?1 AND delivery_id IS NOT NULL) AND state IN ('queued', 'held') \
         AND (lease_until IS NULL OR lease_until < ?2)",
        params![id, now],
    )?;
    tx.commit()?;
    Ok(Some(ReplayState::Cancelled))
}

/// Whether any job is running.
pub fn any_running(conn: &Connection) -> Result<bool, StoreError> {
    Ok(conn
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM replays WHERE state = 'running')")?
        .query_row([], |r| r.get(0))?)
}

/// Items waiting to be released, per webhook, over every running job.
pub fn waiting(conn: &Connection) -> Result<Vec<(String, u64)>, StoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT i.webhook_id, COUNT(*) FROM replay_items i JOIN replays r ON r.id = i.replay_id \
         WHERE r.state = 'running' AND i.delivery_id IS NULL GROUP BY i.webhook_id",
    )?;
    let rows = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get::<_, i64>(1)?.max(0) as u64)))?
        .collect::<Result<_, _>>()?;
    Ok(rows)
}

/// Releases up to `n` waiting items of one webhook (older jobs first) into the delivery
/// queue: one new delivery each, due now, held while the webhook is inactive, ended as
/// deleted when the webhook is gone. Returns how many were released.
pub fn release(
    conn: &mut Connection,
    webhook_id: &str,
    n: u64,
    now: i64,
    new_id: &dyn Fn() -> String,
) -> Result<u64, StoreError> {
    let tx = conn.transaction()?;
    let items: Vec<(String, i64, String)> = {
        let mut stmt = tx.prepare_cached(
            "SELECT i.replay_id, i.n, i.source_id FROM replay_items i \
             JOIN replays r ON r.id = i.replay_id WHERE r.state = 'running' \
             AND i.webhook_id = ?1 AND i.delivery_id IS NULL ORDER BY r.seq, i.n LIMIT ?2",
        )?;
        let rows = stmt
            .query_map(params![webhook_id, n as i64], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })?
            .collect::<Result<_, _>>()?;
        rows
    };
    let webhook = webhooks::get(&tx, webhooks::Key::Id(webhook_id))?;
    let mut released = 0;
    for (replay_id, item, source_id) in items {
        let Some(source) = deliveries::get(&tx, &source_id)? else {
            // The source is gone (it cannot be today); the item is released as nothing.
            tx.execute(
                "UPDATE replay_items SET delivery_id = '' WHERE replay_id = ?1 AND n = ?2",
                params![replay_id, item],
            )?;
            continue;
        };
        let (state, retries_left, priority) = match &webhook {
            Some(w) if w.is_active => (State::Queued, u32::from(w.retry_count), w.priority),
            Some(w) => (State::Held, u32::from(w.retry_count), w.priority),
            None => (State::Failed, 0, 0),
        };
        let d = StoredDelivery {
            seq: 0,
            id: new_id(),
            webhook_id: source.webhook_id.clone(),
            event_id: source.event_id.clone(),
            event_type: source.event_type.clone(),
            payload: source.payload.clone(),
            state,
            attempt_count: 0,
            retries_left,
            priority,
            next_attempt_at: (state != State::Failed).then_some(now),
            last_attempt_at: None,
            response_status: None,
            created_at: now,
            target_url: source.target_url.clone(),
        };
        deliveries::insert(&tx, &d)?;
        if state == State::Failed {
            tx.execute(
                "UPDATE deliveries SET end_reason = 'deleted' WHERE id = ?1",
                [&d.id],
            )?;
        }
        tx.execute(
            "UPDATE replay_items SET delivery_id = ?3 WHERE replay_id = ?1 AND n = ?2",
            params![replay_id, item, d.id],
        )?;
        released += 1;
    }
    tx.commit()?;
    Ok(released)
}

/// Marks running jobs whose every item was released and ended as completed.
pub fn complete_finished(conn: &Connection, now: i64) -> Result<usize, StoreError> {
    Ok(conn.execute(
        "UPDATE replays SET state = 'completed', finished_at = ?1 WHERE state = 'running' \
         AND NOT EXISTS (SELECT 1 FROM replay_items i LEFT JOIN deliveries d \
         ON d.id = i.delivery_id WHERE i.replay_id = replays.id \
         AND (i.delivery_id IS NULL OR d.state IN ('queued', 'held')))",
        [now],
    )?)
}

/// Missed events per webhook and reason, most recent first; one webhook's or all.
pub fn missed(conn: &Connection, webhook_id: Option<&str>) -> Result<Vec<MissedGroup>, StoreError> {
    let mut stmt = conn.prepare(&format!(
        "SELECT deliveries.webhook_id, {MISSED_REASON} AS reason, COUNT(*), \
         MIN(deliveries.created_at), MAX(deliveries.created_at) FROM deliveries \
         WHERE (?1 IS NULL OR deliveries.webhook_id = ?1) AND {MISSED} \
         GROUP BY deliveries.webhook_id, reason ORDER BY MAX(deliveries.created_at) DESC"
    ))?;
    let rows = stmt
        .query_map([webhook_id], |r| {
            let reason: String = r.get(1)?;
            Ok(MissedGroup {
                webhook_id: Id(r.get(0)?),
                reason: MissedReason::parse(&reason).unwrap_or(MissedReason::Unknown),
                count: r.get::<_, i64>(2)?.max(0) as u64,
                first_at: ts(r.get(3)?),
                last_at: ts(r.get(4)?),
            })
        })?
        .collect::<Result<_, _>>()?;
    Ok(rows)
}
