//! Delivery and attempt rows: the durable queue the engine drains, and the history the API
//! reads.

use super::{from_json, to_json, ts, StoreError};
use rusqlite::{params, Connection, OptionalExtension, Row};
use switchboard_api::{
    Attempt, AttemptRequest, AttemptResponse, Delivery, DeliveryStatus, Id, StatusClass,
};

/// Where a delivery is in its life. `Queued` shows as `scheduled` while its next attempt is
/// in the future and as `pending` once it is due or being sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    Queued,
    Succeeded,
    Failed,
    /// Its webhook is inactive: not sent, not failed, until the webhook is activated again.
    Held,
}

impl State {
    fn as_str(self) -> &'static str {
        match self {
            State::Queued => "queued",
            State::Succeeded => "succeeded",
            State::Failed => "failed",
            State::Held => "held",
        }
    }

    fn parse(s: &str) -> State {
        match s {
            "succeeded" => State::Succeeded,
            "failed" => State::Failed,
            "held" => State::Held,
            _ => State::Queued,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct StoredDelivery {
    pub seq: i64,
    pub id: String,
    pub webhook_id: String,
    pub event_id: Option<String>,
    pub event_type: String,
    pub payload: serde_json::Value,
    pub state: State,
    pub attempt_count: u32,
    /// Automatic retries still allowed after the next attempt fails.
    pub retries_left: u32,
    pub priority: i32,
    pub next_attempt_at: Option<i64>,
    pub last_attempt_at: Option<i64>,
    pub response_status: Option<u16>,
    pub created_at: i64,
    /// One of the webhook's `targets` by URL; `None` is the webhook's own `url`.
    pub target_url: Option<String>,
}

impl StoredDelivery {
    pub fn status(&self, now: i64) -> DeliveryStatus {
        match self.state {
            State::Succeeded => DeliveryStatus::Succeeded,
            State::Failed => DeliveryStatus::Failed,
            State::Held => DeliveryStatus::Held,
            State::Queued if self.next_attempt_at.is_some_and(|t| t > now) => {
                DeliveryStatus::Scheduled
            }
            State::Queued => DeliveryStatus::Pending,
        }
    }

    pub fn to_api(&self, now: i64, attempts: Vec<Attempt>) -> Delivery {
        Delivery {
            id: Id(self.id.clone()),
            webhook_id: Id(self.webhook_id.clone()),
            event_type: self.event_type.clone(),
            event_id: self.event_id.clone().map(Id),
            status: self.status(now),
            attempt_count: self.attempt_count,
            next_attempt_at: if matches!(self.state, State::Queued | State::Held) {
                ts(self.next_attempt_at)
            } else {
                None
            },
            last_attempt_at: ts(self.last_attempt_at),
            response_status: self.response_status,
            created_at: ts(Some(self.created_at)),
            payload: self.payload.clone(),
            attempts,
        }
    }
}

pub const COLUMNS: &str = "seq, id, webhook_id, event_id, event_type, payload, state, attempt_count, \
    retries_left, priority, next_attempt_at, last_attempt_at, response_status, created_at, target_url";

pub fn from_row(r: &Row) -> rusqlite::Result<StoredDelivery> {
    Ok(StoredDelivery {
        seq: r.get(0)?,
        id: r.get(1)?,
        webhook_id: r.get(2)?,
        event_id: r.get(3)?,
        event_type: r.get(4)?,
        payload: from_json(&r.get::<_, String>(5)?)?,
        state: State::parse(&r.get::<_, String>(6)?),
        attempt_count: r.get(7)?,
        retries_left: r.get(8)?,
        priority: r.get(9)?,
        next_attempt_at: r.get(10)?,
        last_attempt_at: r.get(11)?,
        response_status: r.get(12)?,
        created_at: r.get(13)?,
        target_url: r.get(14)?,
    })
}

/// Returns the new row's `seq`.
pub fn insert(conn: &Connection, d: &StoredDelivery) -> Result<i64, StoreError> {
    conn.execute(
        "INSERT INTO deliveries (id, webhook_id, event_id, event_type, payload, state, \
         attempt_count, retries_left, priority, next_attempt_at, last_attempt_at, \
         response_status, created_at, target_url) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
        params![
            d.id,
            d.webhook_id,
            d.event_id,
            d.event_type,
            to_json(&d.payload),
            d.state.as_str(),
            d.attempt_count,
            d.retries_left,
            d.priority,
            d.next_attempt_at,
            d.last_attempt_at,
            d.response_status,
            d.created_at,
            d.target_url,
        ],
    )?;
    Ok(conn.last_insert_rowid())
}

pub fn get(conn: &Connection, id: &str) -> Result<Option<StoredDelivery>, StoreError> {
    Ok(conn
        .query_row(
            &format!("SELECT {COLUMNS} FROM deliveries WHERE id = ?1"),
            [id],
            from_row,
        )
        .optional()?)
}

pub fn attempts(conn: &Connection, delivery_id: &str) -> Result<Vec<Attempt>, StoreError> {
    let mut stmt = conn.prepare(
        "SELECT n, started_at, duration_ms, request, response, error, message FROM attempts \
         WHERE delivery_id = ?1 ORDER BY n",
    )?;
    let rows = stmt
        .query_map([delivery_id], |r| {
            let response: Option<String> = r.get(4)?;
            Ok(Attempt {
                n: r.get(0)?,
                started_at: ts(Some(r.get(1)?)).unwrap_or_else(switchboard_api::Timestamp::now),
                duration_ms: r.get::<_, i64>(2)?.max(0) as u64,
                request: from_json::<AttemptRequest>(&r.get::<_, String>(3)?)?,
                response: response
                    .map(|s| from_json::<AttemptResponse>(&s))
                    .transpose()?,
                error: r.get(5)?,
                message: r.get(6)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    Ok(rows)
}

/// Which deliveries: the delivery history's filter, which a replay reuses as is.
#[derive(Debug, Default, Clone)]
pub struct ListFilter {
    pub webhook_id: Option<String>,
    pub status: Option<DeliveryStatus>,
    pub event_type: Option<String>,
    pub since: Option<i64>,
    pub until: Option<i64>,
    /// The class of the last response status; `NoResponse` is an attempt without one.
    pub status_class: Option<StatusClass>,
    /// The error kind of the last attempt.
    pub error_kind: Option<String>,
    /// Only the deliveries whose event their endpoint missed (see [`MISSED`]).
    pub missed: bool,
    /// Full text, as an FTS5 query quoted by [`switchboard_api::search::fts_query`].
    pub text: Option<String>,
    /// Payload field conditions, all of which must hold.
    pub conditions: Vec<switchboard_api::search::Condition>,
}

/// A delivery whose event its endpoint missed: it ended failed, it carries an event, and no
/// later delivery of that event to that destination exists (a retry reuses the row, a replay
/// adds one, so the latest row tells whether the endpoint got the event).
pub const MISSED: &str = "deliveries.state = 'failed' AND deliveries.event_id IS NOT NULL \
    AND NOT EXISTS (SELECT 1 FROM deliveries later WHERE later.event_id = deliveries.event_id \
    AND later.webhook_id = deliveries.webhook_id AND later.target_url IS deliveries.target_url \
    AND later.seq > deliveries.seq)";

/// Why a missed delivery was missed, as a [`switchboard_api::MissedReason`] string.
pub const MISSED_REASON: &str = "CASE WHEN NOT EXISTS (SELECT 1 FROM webhooks w \
    WHERE w.id = deliveries.webhook_id) THEN 'deleted' \
    ELSE IFNULL(deliveries.end_reason, 'retries_exhausted') END";

impl ListFilter {
    /// The filter as SQL conditions (starting with ` AND`, or empty) and their arguments,
    /// numbered from `?1`; `now` tells scheduled from pending.
    pub fn conditions(&self, now: i64) -> (String, Vec<rusqlite::types::Value>) {
        let mut sql = String::new();
        let mut args: Vec<rusqlite::types::Value> = Vec::new();
        let mut push = |sql: &mut String, cond: &str, v: rusqlite::types::Value| {
            args.push(v);
            sql.push_str(&cond.replace("?#", &format!("?{}", args.len())));
        };
        if let Some(w) = &self.webhook_id {
            push(
                &mut sql,
                " AND deliveries.webhook_id = ?#",
                w.clone().into(),
            );
        }
        if let Some(t) = &self.event_type {
            push(
                &mut sql,
                " AND deliveries.event_type = ?#",
                t.clone().into(),
            );
        }
        if let Some(s) = self.since {
            push(&mut sql, " AND deliveries.created_at >= ?#", s.into());
        }
        if let Some(u) = self.until {
            push(&mut sql, " AND deliveries.created_at < ?#", u.into());
        }
        match self.status {
            Some(DeliveryStatus::Succeeded) => sql.push_str(" AND deliveries.state = 'succeeded'"),
            Some(DeliveryStatus::Failed) => sql.push_str(" AND deliveries.state = 'failed'"),
            Some(DeliveryStatus::Held) => sql.push_str(" AND deliveries.state = 'held'"),
            Some(DeliveryStatus::Scheduled) => push(
                &mut sql,
                " AND deliveries.state = 'queued' AND deliveries.next_attempt_at > ?#",
                now.into(),
            ),
            Some(DeliveryStatus::Pending) => push(
                &mut sql,
                " AND deliveries.state = 'queued' AND (deliveries.next_attempt_at IS NULL \
                 OR deliveries.next_attempt_at <= ?#)",
                now.into(),
            ),
            Some(DeliveryStatus::Unknown) | None => {}
        }
        match self.status_class.map(StatusClass::range) {
            Some(Some((from, to))) => {
                push(
                    &mut sql,
                    " AND deliveries.response_status >= ?#",
                    i64::from(from).into(),
                );
                push(
                    &mut sql,
                    " AND deliveries.response_status < ?#",
                    i64::from(to).into(),
                );
            }
            Some(None) => sql.push_str(
                " AND deliveries.response_status IS NULL AND deliveries.attempt_count > 0",
            ),
            None => {}
        }
        if let Some(kind) = &self.error_kind {
            push(
                &mut sql,
                " AND (SELECT a.error FROM attempts a WHERE a.delivery_id = deliveries.id \
                 ORDER BY a.n DESC LIMIT 1) = ?#",
                kind.clone().into(),
            );
        }
        if self.missed {
            sql.push_str(" AND ");
            sql.push_str(MISSED);
        }
        if let Some(q) = &self.text {
            push(&mut sql, super::search::TEXT_CONDITION, q.clone().into());
        }
        for c in &self.conditions {
            // Each `?#` of the condition takes the next of its values.
            let (cond, values) = super::search::condition(c);
            let mut parts = cond.split("?#");
            sql.push_str(parts.next().unwrap_or_default());
            for (part, v) in parts.zip(values) {
                push(&mut sql, "?#", v);
                sql.push_str(part);
            }
        }
        (sql, args)
    }
}

pub fn list(
    conn: &Connection,
    filter: &ListFilter,
    now: i64,
    after: Option<(i64, i64)>,
    limit: u32,
) -> Result<(Vec<StoredDelivery>, Option<String>), StoreError> {
    let (conditions, mut args) = filter.conditions(now);
    let mut sql = format!("SELECT {COLUMNS} FROM deliveries WHERE 1 = 1{conditions}");
    let mut push = |sql: &mut String, cond: &str, v: rusqlite::types::Value| {
        args.push(v);
        sql.push_str(&cond.replace("?#", &format!("?{}", args.len())));
    };
    if let Some((c, s)) = after {
        push(&mut sql, " AND (created_at, seq) < (?#", c.into());
        push(&mut sql, ", ?#)", s.into());
    }
    push(
        &mut sql,
        " ORDER BY created_at DESC, seq DESC LIMIT ?#",
        i64::from(limit + 1).into(),
    );
    let mut stmt = conn.prepare(&sql)?;
    let rows: Vec<StoredDelivery> = stmt
        .query_map(rusqlite::params_from_iter(args), from_row)?
        .collect::<Result<_, _>>()?;
    Ok(super::finish_page(rows, limit, |r| (r.created_at, r.seq)))
}

/// Leases up to `limit` due deliveries for `lease_ms`, most urgent first, skipping webhooks
/// in `busy` (already at their share of the pool).
/// Leases up to `limit` due deliveries, oldest first, skipping the webhooks in `full` (whose
/// share of the senders is taken) and any `busy` turns down as it counts them.
pub fn claim_due(
    conn: &mut Connection,
    now: i64,
    limit: usize,
    lease_ms: i64,
    full: &[String],
    busy: &mut dyn FnMut(&str) -> bool,
) -> Result<Vec<StoredDelivery>, StoreError> {
    let tx = conn.transaction()?;
    let candidates: Vec<StoredDelivery> = {
        // Without the full webhooks in the query, a backlog for one of them would fill every
        // candidate row and keep the others' due deliveries waiting.
        let skip: Vec<String> = (0..full.len()).map(|i| format!("?{}", i + 3)).collect();
        let skip = skip.join(", ");
        let mut stmt = tx.prepare(&format!(
            "SELECT {COLUMNS} FROM deliveries WHERE state = 'queued' AND next_attempt_at <= ?1 \
             AND (lease_until IS NULL OR lease_until < ?1) AND webhook_id NOT IN ({skip}) \
             ORDER BY next_attempt_at ASC, priority DESC, seq ASC LIMIT ?2"
        ))?;
        let mut values: Vec<&dyn rusqlite::ToSql> = vec![&now];
        let candidates = (limit * 4) as i64;
        values.push(&candidates);
        values.extend(full.iter().map(|w| w as &dyn rusqlite::ToSql));
        let rows = stmt
            .query_map(values.as_slice(), from_row)?
            .collect::<Result<_, _>>()?;
        rows
    };
    let mut claimed = Vec::new();
    for d in candidates {
        if claimed.len() >= limit {
            break;
        }
        if busy(&d.webhook_id) {
            continue;
        }
        tx.execute(
            "UPDATE deliveries SET lease_until = ?2 WHERE seq = ?1",
            params![d.seq, now + lease_ms],
        )?;
        claimed.push(d);
    }
    tx.commit()?;
    Ok(claimed)
}

/// The earliest time an unleased queued delivery is due (possibly already past), to sleep
/// until then. Leases run out after minutes, which the dispatcher's idle poll covers.
pub fn next_due(conn: &Connection, now: i64) -> Result<Option<i64>, StoreError> {
    Ok(conn.query_row(
        "SELECT MIN(next_attempt_at) FROM deliveries \
         WHERE state = 'queued' AND (lease_until IS NULL OR lease_until < ?1)",
        params![now],
        |r| r.get(0),
    )?)
}

/// At start-up nothing is in flight, so leases left by a crash are void.
pub fn clear_leases(conn: &Connection) -> Result<(), StoreError> {
    conn.execute(
        "UPDATE deliveries SET lease_until = NULL WHERE lease_until IS NOT NULL",
        [],
    )?;
    Ok(())
}

/// What an attempt leads to.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Next {
    Succeeded,
    Failed,
    RetryAt(i64),
}

pub struct AttemptRecord {
    pub started_at: i64,
    pub duration_ms: i64,
    pub succeeded: bool,
    pub request: AttemptRequest,
    pub response: Option<AttemptResponse>,
    pub error: Option<String>,
    pub message: Option<String>,
}

/// Stores an attempt, moves the delivery on and updates the webhook's counters, inside a
/// transaction the caller holds. Returns false when the delivery was cancelled meanwhile (its
/// webhook deleted).
pub fn record_attempt_in(
    tx: &Connection,
    d: &StoredDelivery,
    a: &AttemptRecord,
    next: Next,
) -> Result<bool, StoreError> {
    let n: u32 = tx.query_row(
        "SELECT attempt_count FROM deliveries WHERE seq = ?1",
        [d.seq],
        |r| r.get(0),
    )?;
    let n = n + 1;
    tx.execute(
        "INSERT INTO attempts (delivery_id, n, webhook_id, started_at, duration_ms, succeeded, \
         request, response, error, message) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            d.id,
            n,
            d.webhook_id,
            a.started_at,
            a.duration_ms,
            a.succeeded,
            to_json(&a.request),
            a.response.as_ref().map(to_json),
            a.error,
            a.message,
        ],
    )?;
    let ended = match next {
        Next::Failed if a.response.as_ref().is_some_and(|r| r.status == 410) => Some("disabled"),
        Next::Failed => Some("retries_exhausted"),
        _ => None,
    };
    let (state, next_at, retries_left) = match next {
        Next::Succeeded => (State::Succeeded, None, d.retries_left),
        Next::Failed => (State::Failed, None, d.retries_left),
        Next::RetryAt(t) => (State::Queued, Some(t), d.retries_left.saturating_sub(1)),
    };
    // A retry of a webhook deactivated while this attempt ran waits for it to be activated.
    let changed = tx.execute(
        "UPDATE deliveries SET state = CASE WHEN ?2 = 'queued' AND EXISTS (SELECT 1 FROM \
         webhooks w WHERE w.id = deliveries.webhook_id AND w.is_active = 0) THEN 'held' \
         ELSE ?2 END, attempt_count = ?3, next_attempt_at = ?4, \
         lease_until = NULL, last_attempt_at = ?5, response_status = ?6, retries_left = ?7, \
         end_reason = ?8 WHERE seq = ?1 AND state = 'queued'",
        params![
            d.seq,
            state.as_str(),
            n,
            next_at,
            a.started_at,
            a.response.as_ref().map(|r| r.status),
            retries_left,
            ended,
        ],
    )?;
    super::webhooks::record_outcome(tx, &d.webhook_id, a.started_at, a.succeeded)?;
    Ok(changed == 1)
}

/// Ends a delivery without an attempt (its webhook is gone).
pub fn abandon(conn: &Connection, seq: i64) -> Result<(), StoreError> {
    conn.execute(
        "UPDATE deliveries SET state = 'failed', next_attempt_at = NULL, lease_until = NULL, \
         end_reason = 'deleted' WHERE seq = ?1",
        [seq],
    )?;
    Ok(())
}

/// Deleting a webhook fails its queued and held deliveries; their history stays.
pub fn cancel_for_webhook(conn: &Connection, webhook_id: &str) -> Result<usize, StoreError> {
    Ok(conn.execute(
        "UPDATE deliveries SET state = 'failed', next_attempt_at = NULL, lease_until = NULL, \
         end_reason = 'disabled' WHERE webhook_id = ?1 AND state IN ('queued', 'held')",
        [webhook_id],
    )?)
}

/// Holds a webhook's queued deliveries (it was deactivated). One being sent right now is left
/// to finish; a retry it leads to is held then (see [`record_attempt_in`]).
pub fn hold_for_webhook(
    conn: &Connection,
    webhook_id: &str,
    now: i64,
) -> Result<usize, StoreError> {
    Ok(conn.execute(
        "UPDATE deliveries SET state = 'held' WHERE webhook_id = ?1 AND state = 'queued' \
         AND (lease_until IS NULL OR lease_until < ?2)",
        params![webhook_id, now],
    )?)
}

/// Queues a webhook's held deliveries again, each with its retries; what was due while held
/// is due now.
pub fn resume_held(conn: &Connection, webhook_id: &str, now: i64) -> Result<usize, StoreError> {
    Ok(conn.execute(
        "UPDATE deliveries SET state = 'queued', lease_until = NULL, \
         next_attempt_at = MAX(IFNULL(next_attempt_at, ?2), ?2) \
         WHERE webhook_id = ?1 AND state = 'held'",
        params![webhook_id, now],
    )?)
}

/// Fails a webhook's held deliveries without sending them.
pub fn cancel_held(conn: &Connection, webhook_id: &str) -> Result<usize, StoreError> {
    Ok(conn.execute(
        "UPDATE deliveries SET state = 'failed', next_attempt_at = NULL, lease_until = NULL, \
         end_reason = 'deactivated' WHERE webhook_id = ?1 AND state = 'held'",
        [webhook_id],
    )?)
}

/// Queues one more attempt now. A finished delivery gets that one attempt and no automatic
/// retries after it; one still waiting for a retry (or held) keeps the retries it has left.
pub fn requeue(conn: &Connection, id: &str, now: i64) -> Result<bool, StoreError> {
    Ok(conn.execute(
        "UPDATE deliveries SET next_attempt_at = ?2, \
         retries_left = CASE WHEN state IN ('queued', 'held') THEN retries_left ELSE 0 END, \
         state = 'queued' WHERE id = ?1 AND (state != 'queued' OR lease_until IS NULL)",
        params![id, now],
    )? == 1)
}

/// Queues every failed delivery of a webhook created since `since` again.
pub fn recover(
    conn: &Connection,
    webhook_id: &str,
    since: i64,
    now: i64,
) -> Result<u32, StoreError> {
    Ok(conn.execute(
        "UPDATE deliveries SET state = 'queued', next_attempt_at = ?3, retries_left = 0 \
         WHERE webhook_id = ?1 AND state = 'failed' AND created_at >= ?2",
        params![webhook_id, since, now],
    )? as u32)
}

/// Attempt outcomes of a webhook per bucket: `(bucket start, succeeded, failed)`.
pub fn stats(
    conn: &Connection,
    webhook_id: &str,
    from: i64,
    bucket_ms: i64,
    buckets: usize,
) -> Result<Vec<(i64, u32, u32)>, StoreError> {
    let mut out: Vec<(i64, u32, u32)> = (0..buckets)
        .map(|i| (from + i as i64 * bucket_ms, 0, 0))
        .collect();
    let mut stmt = conn.prepare(
        "SELECT (started_at - ?2) / ?3 AS b, SUM(succeeded), SUM(1 - succeeded) FROM attempts \
         WHERE webhook_id = ?1 AND started_at >= ?2 AND started_at < ?4 GROUP BY b",
    )?;
    let end = from + bucket_ms * buckets as i64;
    let rows = stmt.query_map(params![webhook_id, from, bucket_ms, end], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, u32>(1)?,
            r.get::<_, u32>(2)?,
        ))
    })?;
    for row in rows {
        let (b, s, f) = row?;
        if let Some(slot) = out.get_mut(b as usize) {
            slot.1 = s;
            slot.2 = f;
        }
    }
    Ok(out)
}
