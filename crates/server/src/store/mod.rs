//! SQLite storage: the connection, migrations, and the queries of each resource.

pub mod deliveries;
pub mod demo;
mod error;
pub mod events;
pub mod health;
pub mod replays;
pub mod search;
pub mod webhook_order;
pub mod webhooks;

pub use error::StoreError;
use rusqlite::Connection;
use std::path::Path;
use std::sync::{Arc, Mutex};

/// Each entry runs once, in order; `PRAGMA user_version` remembers how many have run.
pub(crate) const MIGRATIONS: &[&str] = &[
    r#"
CREATE TABLE webhooks (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    description TEXT,
    url TEXT NOT NULL,
    events TEXT NOT NULL,
    is_active INTEGER NOT NULL,
    active_from INTEGER,
    headers TEXT NOT NULL,
    auth TEXT NOT NULL,
    format TEXT NOT NULL,
    delay TEXT,
    retry_count INTEGER NOT NULL,
    timeout_seconds INTEGER NOT NULL,
    priority INTEGER NOT NULL,
    filter TEXT,
    secret TEXT NOT NULL,
    previous_secret TEXT,
    previous_secret_until INTEGER,
    last_triggered_at INTEGER,
    last_success_at INTEGER,
    last_failure_at INTEGER,
    failure_count INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    created_by TEXT,
    updated_by TEXT
);
CREATE INDEX webhooks_by_created ON webhooks (created_at DESC, seq DESC);

CREATE TABLE events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    event_type TEXT NOT NULL,
    payload TEXT NOT NULL,
    deliveries TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX events_by_created ON events (created_at DESC, seq DESC);

CREATE TABLE deliveries (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    webhook_id TEXT NOT NULL,
    event_id TEXT,
    event_type TEXT NOT NULL,
    payload TEXT NOT NULL,
    state TEXT NOT NULL,
    attempt_count INTEGER NOT NULL DEFAULT 0,
    retries_left INTEGER NOT NULL,
    priority INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER,
    lease_until INTEGER,
    last_attempt_at INTEGER,
    response_status INTEGER,
    created_at INTEGER NOT NULL
);
CREATE INDEX deliveries_by_created ON deliveries (created_at DESC, seq DESC);
CREATE INDEX deliveries_due ON deliveries (state, next_attempt_at);
CREATE INDEX deliveries_by_webhook ON deliveries (webhook_id, created_at DESC, seq DESC);

CREATE TABLE attempts (
    delivery_id TEXT NOT NULL,
    n INTEGER NOT NULL,
    webhook_id TEXT NOT NULL,
    started_at INTEGER NOT NULL,
    duration_ms INTEGER NOT NULL,
    succeeded INTEGER NOT NULL,
    request TEXT NOT NULL,
    response TEXT,
    error TEXT,
    message TEXT,
    PRIMARY KEY (delivery_id, n)
);
CREATE INDEX attempts_by_webhook ON attempts (webhook_id, started_at);

CREATE TABLE idempotency_keys (
    key TEXT PRIMARY KEY,
    body_hash TEXT NOT NULL,
    webhook_id TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
"#,
    // Destination types: a webhook's `type` and its `data`, and further http destinations
    // (`targets`). A delivery to one of those names it in `target_url`; NULL is the webhook's
    // own `url`, which a PATCH may change while the delivery waits.
    r#"
ALTER TABLE webhooks ADD COLUMN kind TEXT NOT NULL DEFAULT 'http';
ALTER TABLE webhooks ADD COLUMN data TEXT;
ALTER TABLE webhooks ADD COLUMN targets TEXT NOT NULL DEFAULT '[]';
ALTER TABLE deliveries ADD COLUMN target_url TEXT;
"#,
    // Filter conditions an event could not decide, and `POST /events`' Idempotency-Key.
    r#"
ALTER TABLE events ADD COLUMN filter_errors TEXT NOT NULL DEFAULT '[]';
CREATE TABLE event_idempotency_keys (
    key TEXT PRIMARY KEY,
    body_hash TEXT NOT NULL,
    event_id TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
"#,
    // Full-text search over each delivery's payload and the bodies its endpoint answered:
    // one FTS5 row per delivery (rowid = seq), filled for the rows already there and kept in
    // step by triggers, so every insert path (the engine, the demo, a bench seed) is covered.
    r#"
CREATE VIRTUAL TABLE delivery_search USING fts5(
    payload, responses, tokenize = 'unicode61 remove_diacritics 2'
);
INSERT INTO delivery_search (rowid, payload, responses)
    SELECT d.seq, d.payload, COALESCE((SELECT group_concat(json_extract(a.response, '$.body'), ' ')
        FROM attempts a WHERE a.delivery_id = d.id AND a.response IS NOT NULL), '')
    FROM deliveries d;
CREATE TRIGGER delivery_search_insert AFTER INSERT ON deliveries BEGIN
    INSERT INTO delivery_search (rowid, payload, responses) VALUES (new.seq, new.payload, '');
END;
CREATE TRIGGER delivery_search_payload AFTER UPDATE OF payload ON deliveries BEGIN
    UPDATE delivery_search SET payload = new.payload WHERE rowid = new.seq;
END;
CREATE TRIGGER delivery_search_delete AFTER DELETE ON deliveries BEGIN
    DELETE FROM delivery_search WHERE rowid = old.seq;
END;
CREATE TRIGGER delivery_search_response AFTER INSERT ON attempts
    WHEN new.response IS NOT NULL BEGIN
    UPDATE delivery_search
        SET responses = responses || ' ' || COALESCE(json_extract(new.response, '$.body'), '')
        WHERE rowid = (SELECT seq FROM deliveries WHERE id = new.delivery_id);
END;
"#,
    // Replay jobs (see `replays.rs`) and why a delivery ended without a success.
    r#"
ALTER TABLE deliveries ADD COLUMN end_reason TEXT;
CREATE INDEX deliveries_by_event ON deliveries (event_id, webhook_id);
CREATE TABLE replays (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    state TEXT NOT NULL,
    filter TEXT NOT NULL,
    total INTEGER NOT NULL,
    idempotency_key TEXT UNIQUE,
    body_hash TEXT,
    created_at INTEGER NOT NULL,
    finished_at INTEGER
);
CREATE INDEX replays_by_created ON replays (created_at DESC, seq DESC);
CREATE TABLE replay_items (
    replay_id TEXT NOT NULL,
    n INTEGER NOT NULL,
    source_id TEXT NOT NULL,
    webhook_id TEXT NOT NULL,
    delivery_id TEXT,
    PRIMARY KEY (replay_id, n)
);
CREATE INDEX replay_items_waiting ON replay_items (replay_id, webhook_id, delivery_id, n);
"#,
    // The webhooks list's other orders (`?sort=`), each with `seq` as its tiebreaker.
    r#"
CREATE INDEX webhooks_by_name ON webhooks (lower(name), seq);
CREATE INDEX webhooks_by_failures ON webhooks (failure_count DESC, seq DESC);
CREATE INDEX webhooks_by_last_failure ON webhooks (IFNULL(last_failure_at, 0) DESC, seq DESC);
CREATE INDEX webhooks_by_last_success ON webhooks (IFNULL(last_success_at, 0) DESC, seq DESC);
"#,
    // Each webhook's state time line (created, deactivated by whom and why, activated again);
    // webhooks that exist already get their creation.
    r#"
CREATE TABLE webhook_changes (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    webhook_id TEXT NOT NULL,
    at INTEGER NOT NULL,
    change TEXT NOT NULL,
    actor TEXT NOT NULL,
    reason TEXT,
    deliveries INTEGER
);
CREATE INDEX webhook_changes_by_webhook ON webhook_changes (webhook_id, at, seq);
INSERT INTO webhook_changes (webhook_id, at, change, actor)
    SELECT id, created_at, 'created', 'api' FROM webhooks;
"#,
    // Every webhook row carries its held count: without this the count walked all of a
    // webhook's deliveries (SQLite picked the by-webhook index), 170 ms for a 50-row page
    // over 100,000 deliveries; held ones are few, so the partial index answers at once.
    "CREATE INDEX deliveries_held ON deliveries (webhook_id) WHERE state = 'held';",
];

/// One shared connection: SQLite serialises writers anyway, and WAL keeps readers cheap.
#[derive(Clone)]
pub struct Store {
    conn: Arc<Mutex<Connection>>,
}

impl Store {
    pub fn open(path: &Path) -> Result<Store, String> {
        owner_only(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let mut conn = Connection::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(|e| e.to_string())?;
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(|e| e.to_string())?;
        conn.pragma_update(None, "foreign_keys", "ON")
            .map_err(|e| e.to_string())?;
        conn.busy_timeout(std::time::Duration::from_secs(5))
            .map_err(|e| e.to_string())?;
        migrate(&mut conn).map_err(|e| format!("migration failed: {e}"))?;
        Ok(Store {
            conn: Arc::new(Mutex::new(conn)),
        })
    }

    /// Runs `f` on the connection off the async threads. `f` may fail with a caller's own error
    /// (a handler's "not found"), as long as a storage error converts into it.
    pub async fn call<R, E, F>(&self, f: F) -> Result<R, E>
    where
        R: Send + 'static,
        E: From<StoreError> + Send + 'static,
        F: FnOnce(&mut Connection) -> Result<R, E> + Send + 'static,
    {
        let conn = self.conn.clone();
        tokio::task::spawn_blocking(move || {
            let mut guard = conn.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            f(&mut guard)
        })
        .await
        .map_err(|e| StoreError::Task(e.to_string()))?
    }
}

/// The database holds endpoint credentials: it is created readable and writable by its owner
/// only, and an older file is narrowed to that. SQLite gives its `-wal` and `-shm` files the
/// database's mode.
#[cfg(unix)]
fn owner_only(path: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::{OpenOptionsExt as _, PermissionsExt as _};
    let file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .mode(0o600)
        .open(path)?;
    let mut perms = file.metadata()?.permissions();
    if perms.mode() & 0o777 != 0o600 {
        perms.set_mode(0o600);
        file.set_permissions(perms)?;
    }
    Ok(())
}

#[cfg(not(unix))]
fn owner_only(_: &Path) -> std::io::Result<()> {
    Ok(())
}

fn migrate(conn: &mut Connection) -> rusqlite::Result<()> {
    let done: usize = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(done) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", i + 1)?;
        tx.commit()?;
    }
    Ok(())
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::PermissionsExt as _;

    #[test]
    fn the_database_is_readable_by_its_owner_only() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("modes.db");
        let store = super::Store::open(&path).unwrap();
        drop(store);
        for name in ["modes.db", "modes.db-wal", "modes.db-shm"] {
            let p = dir.path().join(name);
            if name == "modes.db" || p.exists() {
                let mode = std::fs::metadata(&p).unwrap().permissions().mode() & 0o777;
                assert_eq!(mode, 0o600, "{name} is {mode:o}");
            }
        }
        // A file left world-readable by an older version is narrowed when opened.
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        drop(super::Store::open(&path).unwrap());
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
}

/// List cursors: `created_at.seq`, the position of the last item of a page. Newer inserts
/// sort before it, so they never shift a page already handed out. Clients treat them as
/// opaque; the document still gives their pattern, so a tester knows which strings are
/// cursors, and any position in that pattern is one this server can page from.
pub mod cursor {
    use super::StoreError;

    pub fn encode(created_at: i64, seq: i64) -> String {
        format!("{created_at}.{seq}")
    }

    pub fn decode(raw: &str) -> Result<(i64, i64), StoreError> {
        let bad = || StoreError::BadCursor;
        let (a, b) = raw.split_once('.').ok_or_else(bad)?;
        let number = |s: &str| {
            (!s.is_empty() && s.len() <= 18 && s.bytes().all(|c| c.is_ascii_digit()))
                .then(|| s.parse().ok())
                .flatten()
                .ok_or_else(bad)
        };
        Ok((number(a)?, number(b)?))
    }
}

/// Cuts a page fetched with `LIMIT limit + 1` to `limit` rows; the extra row, when it came,
/// means there is a next page, which starts after the last row kept.
pub fn finish_page<T>(
    mut rows: Vec<T>,
    limit: u32,
    position: impl Fn(&T) -> (i64, i64),
) -> (Vec<T>, Option<String>) {
    if rows.len() <= limit as usize {
        return (rows, None);
    }
    rows.truncate(limit as usize);
    let next = rows.last().map(|r| {
        let (created_at, seq) = position(r);
        cursor::encode(created_at, seq)
    });
    (rows, next)
}

/// JSON in a TEXT column.
pub fn to_json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "null".into())
}

pub fn from_json<T: serde::de::DeserializeOwned>(s: &str) -> rusqlite::Result<T> {
    serde_json::from_str(s).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e))
    })
}

/// A stored millisecond time as an API timestamp.
pub fn ts(ms: Option<i64>) -> Option<switchboard_api::Timestamp> {
    ms.and_then(switchboard_api::Timestamp::from_unix_millis)
}
