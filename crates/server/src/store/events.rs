//! Emitted events: what was sent to `POST /events` and the deliveries it fanned out to.

use super::{from_json, to_json, ts, StoreError};
use rusqlite::{params, Connection, OptionalExtension, Row};
use switchboard_api::{EmittedEvent, FilterError, Id};

#[derive(Debug, Clone, PartialEq)]
pub struct StoredEvent {
    pub seq: i64,
    pub id: String,
    pub event_type: String,
    pub payload: serde_json::Value,
    pub deliveries: Vec<String>,
    pub created_at: i64,
    /// `(webhook id, reason)` for each subscriber whose filter could not be decided.
    pub filter_errors: Vec<(String, String)>,
}

impl StoredEvent {
    pub fn to_api(&self) -> EmittedEvent {
        EmittedEvent {
            id: Id(self.id.clone()),
            event_type: self.event_type.clone(),
            payload: self.payload.clone(),
            created_at: ts(Some(self.created_at)),
            deliveries: self.deliveries.iter().cloned().map(Id).collect(),
            filter_errors: self
                .filter_errors
                .iter()
                .map(|(w, reason)| FilterError {
                    webhook_id: Id(w.clone()),
                    reason: reason.clone(),
                })
                .collect(),
        }
    }
}

fn from_row(r: &Row) -> rusqlite::Result<StoredEvent> {
    Ok(StoredEvent {
        seq: r.get(0)?,
        id: r.get(1)?,
        event_type: r.get(2)?,
        payload: from_json(&r.get::<_, String>(3)?)?,
        deliveries: from_json(&r.get::<_, String>(4)?)?,
        created_at: r.get(5)?,
        filter_errors: from_json(&r.get::<_, String>(6)?)?,
    })
}

pub fn insert(conn: &Connection, e: &StoredEvent) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO events (id, event_type, payload, deliveries, created_at, filter_errors) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            e.id,
            e.event_type,
            to_json(&e.payload),
            to_json(&e.deliveries),
            e.created_at,
            to_json(&e.filter_errors),
        ],
    )?;
    Ok(())
}

pub fn list(
    conn: &Connection,
    event_type: Option<&str>,
    after: Option<(i64, i64)>,
    limit: u32,
) -> Result<(Vec<StoredEvent>, Option<String>), StoreError> {
    let (c, s) = after.unwrap_or((i64::MAX, i64::MAX));
    let mut stmt = conn.prepare(
        "SELECT seq, id, event_type, payload, deliveries, created_at, filter_errors FROM events \
         WHERE (?1 IS NULL OR event_type = ?1) AND (created_at, seq) < (?2, ?3) \
         ORDER BY created_at DESC, seq DESC LIMIT ?4",
    )?;
    let rows: Vec<StoredEvent> = stmt
        .query_map(params![event_type, c, s, i64::from(limit + 1)], from_row)?
        .collect::<Result<_, _>>()?;
    Ok(super::finish_page(rows, limit, |r| (r.created_at, r.seq)))
}

/// The event an `Idempotency-Key` emitted, with the hash of the body it came with.
pub fn by_key(conn: &Connection, key: &str) -> Result<Option<(String, StoredEvent)>, StoreError> {
    Ok(conn
        .query_row(
            "SELECT k.body_hash, e.seq, e.id, e.event_type, e.payload, e.deliveries, e.created_at, \
             e.filter_errors FROM event_idempotency_keys k JOIN events e ON e.id = k.event_id \
             WHERE k.key = ?1",
            [key],
            |r| {
                let hash: String = r.get(0)?;
                Ok((
                    hash,
                    StoredEvent {
                        seq: r.get(1)?,
                        id: r.get(2)?,
                        event_type: r.get(3)?,
                        payload: from_json(&r.get::<_, String>(4)?)?,
                        deliveries: from_json(&r.get::<_, String>(5)?)?,
                        created_at: r.get(6)?,
                        filter_errors: from_json(&r.get::<_, String>(7)?)?,
                    },
                ))
            },
        )
        .optional()?)
}

/// Remembers which event a key emitted.
pub fn remember_key(
    conn: &Connection,
    key: &str,
    body_hash: &str,
    event_id: &str,
    now: i64,
) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO event_idempotency_keys (key, body_hash, event_id, created_at) \
         VALUES (?1, ?2, ?3, ?4)",
        params![key, body_hash, event_id, now],
    )?;
    Ok(())
}
