//! Emitted events: what was sent to `POST /events` and the deliveries it fanned out to.

use super::{from_json, to_json, ts, StoreError};
use rusqlite::{params, Connection, Row};
use switchboard_api::{EmittedEvent, Id};

#[derive(Debug, Clone, PartialEq)]
pub struct StoredEvent {
    pub seq: i64,
    pub id: String,
    pub event_type: String,
    pub payload: serde_json::Value,
    pub deliveries: Vec<String>,
    pub created_at: i64,
}

impl StoredEvent {
    pub fn to_api(&self) -> EmittedEvent {
        EmittedEvent {
            id: Id(self.id.clone()),
            event_type: self.event_type.clone(),
            payload: self.payload.clone(),
            created_at: ts(Some(self.created_at)),
            deliveries: self.deliveries.iter().cloned().map(Id).collect(),
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
    })
}

pub fn insert(conn: &Connection, e: &StoredEvent) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO events (id, event_type, payload, deliveries, created_at) \
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            e.id,
            e.event_type,
            to_json(&e.payload),
            to_json(&e.deliveries),
            e.created_at
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
        "SELECT seq, id, event_type, payload, deliveries, created_at FROM events \
         WHERE (?1 IS NULL OR event_type = ?1) AND (created_at, seq) < (?2, ?3) \
         ORDER BY created_at DESC, seq DESC LIMIT ?4",
    )?;
    let rows: Vec<StoredEvent> = stmt
        .query_map(params![event_type, c, s, i64::from(limit + 1)], from_row)?
        .collect::<Result<_, _>>()?;
    Ok(super::finish_page(rows, limit, |r| (r.created_at, r.seq)))
}
