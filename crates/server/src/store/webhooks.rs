//! Webhook rows: insert, read, list with filters and cursors, update, delete, stats.

use super::webhook_order as order;
use super::{from_json, to_json, ts, StoreError};
use rusqlite::{params, Connection, OptionalExtension, Row};
use std::collections::BTreeMap;
use switchboard_api::{
    Auth, ChangeActor, Delay, Filter, Format, HeldChoice, Id, StateChangeKind, Target, Webhook,
    WebhookInput, WebhookSort,
};

/// A webhook as stored: auth secrets and signing secrets included.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredWebhook {
    pub seq: i64,
    pub id: String,
    /// Destination type: `http`, or a type whose configuration is `data`.
    pub kind: String,
    /// The type's configuration, secrets included.
    pub data: Option<serde_json::Value>,
    pub name: String,
    pub description: Option<String>,
    pub url: String,
    /// Further http destinations; each event goes to `url` and to each of these.
    pub targets: Vec<Target>,
    pub events: Vec<String>,
    pub is_active: bool,
    pub active_from: Option<i64>,
    pub headers: BTreeMap<String, String>,
    pub auth: Auth,
    pub format: Format,
    pub delay: Option<Delay>,
    pub retry_count: u8,
    pub timeout_seconds: u32,
    pub priority: i32,
    pub filter: Option<Filter>,
    pub secret: String,
    pub previous_secret: Option<String>,
    pub previous_secret_until: Option<i64>,
    pub last_triggered_at: Option<i64>,
    pub last_success_at: Option<i64>,
    pub last_failure_at: Option<i64>,
    pub failure_count: u32,
    pub created_at: i64,
    pub updated_at: i64,
    pub created_by: Option<String>,
    pub updated_by: Option<String>,
    /// Deliveries held while inactive (counted when read, never written).
    pub held: u32,
}

impl StoredWebhook {
    /// A new row from validated input; `seq` is assigned on insert.
    pub fn from_input(
        id: String,
        input: WebhookInput,
        secret: String,
        now: i64,
        by: Option<String>,
    ) -> Self {
        StoredWebhook {
            seq: 0,
            id,
            kind: input.kind,
            data: input.data.filter(|d| !d.is_null()),
            name: input.name.trim().to_string(),
            description: input.description.filter(|d| !d.trim().is_empty()),
            url: input.url.trim().to_string(),
            targets: trimmed(input.targets),
            events: input.events,
            is_active: input.is_active,
            active_from: input.active_from.map(|t| t.unix_millis()),
            headers: input.headers,
            auth: input.auth,
            format: input.format,
            delay: input.delay,
            retry_count: input.retry_count,
            timeout_seconds: input.timeout_seconds,
            priority: input.priority,
            filter: input.filter,
            secret,
            previous_secret: None,
            previous_secret_until: None,
            last_triggered_at: None,
            last_success_at: None,
            last_failure_at: None,
            failure_count: 0,
            created_at: now,
            updated_at: now,
            created_by: by.clone(),
            updated_by: by,
            held: 0,
        }
    }

    /// The editable part, as a full input (a PATCH is applied to this, then validated whole).
    pub fn to_input(&self) -> WebhookInput {
        WebhookInput {
            kind: self.kind.clone(),
            data: self.data.clone(),
            name: self.name.clone(),
            description: self.description.clone(),
            url: self.url.clone(),
            targets: self.targets.clone(),
            events: self.events.clone(),
            is_active: self.is_active,
            active_from: ts(self.active_from),
            headers: self.headers.clone(),
            auth: self.auth.clone(),
            format: self.format,
            delay: self.delay,
            retry_count: self.retry_count,
            timeout_seconds: self.timeout_seconds,
            priority: self.priority,
            filter: self.filter.clone(),
        }
    }

    pub fn apply_input(&mut self, input: WebhookInput) {
        self.kind = input.kind;
        self.data = input.data.filter(|d| !d.is_null());
        self.name = input.name.trim().to_string();
        self.description = input.description.filter(|d| !d.trim().is_empty());
        self.url = input.url.trim().to_string();
        self.targets = trimmed(input.targets);
        self.events = input.events;
        self.is_active = input.is_active;
        self.active_from = input.active_from.map(|t| t.unix_millis());
        self.headers = input.headers;
        self.auth = input.auth;
        self.format = input.format;
        self.delay = input.delay;
        self.retry_count = input.retry_count;
        self.timeout_seconds = input.timeout_seconds;
        self.priority = input.priority;
        self.filter = input.filter;
    }

    /// The secrets that sign right now: the current one, and the previous one during its
    /// grace period.
    pub fn signing_secrets(&self, now: i64) -> Vec<&str> {
        let mut v = vec![self.secret.as_str()];
        if let (Some(prev), Some(until)) = (&self.previous_secret, self.previous_secret_until) {
            if until > now {
                v.push(prev);
            }
        }
        v
    }

    /// Where a delivery goes: the webhook's own URL and format, or the target with the URL
    /// the delivery names; `None` when that target has since been removed.
    pub fn destination(&self, target_url: Option<&str>) -> Option<(&str, Format)> {
        match target_url {
            None => Some((self.url.as_str(), self.format)),
            Some(url) => self
                .targets
                .iter()
                .find(|t| t.url == url)
                .map(|t| (t.url.as_str(), t.format)),
        }
    }

    /// The API form: auth and data secrets always stripped, the signing secret only when
    /// asked.
    pub fn to_api(&self, public_id: String, with_secret: bool) -> Webhook {
        Webhook {
            id: Id(public_id),
            kind: self.kind.clone(),
            data: self
                .data
                .as_ref()
                .map(|d| crate::types::redact(&self.kind, d)),
            name: self.name.clone(),
            description: self.description.clone(),
            url: self.url.clone(),
            targets: self.targets.clone(),
            events: self.events.clone(),
            is_active: self.is_active,
            active_from: ts(self.active_from),
            // Write-only like auth secrets: the names, not the values.
            headers: self.headers.keys().map(|k| (k.clone(), None)).collect(),
            held: self.held,
            auth: self.auth.redacted(),
            format: self.format,
            delay: self.delay,
            retry_count: self.retry_count,
            timeout_seconds: self.timeout_seconds,
            priority: self.priority,
            filter: self.filter.clone(),
            secret: with_secret.then(|| self.secret.clone()),
            last_triggered_at: ts(self.last_triggered_at),
            last_success_at: ts(self.last_success_at),
            last_failure_at: ts(self.last_failure_at),
            failure_count: self.failure_count,
            created_at: ts(Some(self.created_at)),
            updated_at: ts(Some(self.updated_at)),
            created_by: self.created_by.clone(),
            updated_by: self.updated_by.clone(),
            raw: None,
        }
    }
}

fn trimmed(targets: Vec<Target>) -> Vec<Target> {
    targets
        .into_iter()
        .map(|t| Target {
            url: t.url.trim().to_string(),
            format: t.format,
        })
        .collect()
}

const COLUMNS: &str = "seq, id, name, description, url, events, is_active, active_from, headers, \
    auth, format, delay, retry_count, timeout_seconds, priority, filter, secret, previous_secret, \
    previous_secret_until, last_triggered_at, last_success_at, last_failure_at, failure_count, \
    created_at, updated_at, created_by, updated_by, kind, data, targets";

/// What is read: the stored columns and the count of held deliveries.
const SELECTED: &str = "seq, id, name, description, url, events, is_active, active_from, headers, \
    auth, format, delay, retry_count, timeout_seconds, priority, filter, secret, previous_secret, \
    previous_secret_until, last_triggered_at, last_success_at, last_failure_at, failure_count, \
    created_at, updated_at, created_by, updated_by, kind, data, targets, \
    (SELECT COUNT(*) FROM deliveries d WHERE d.webhook_id = webhooks.id AND d.state = 'held')";

/// A stored format; only known ones are ever written.
fn format_of(s: &str) -> Format {
    if s == "xml" {
        Format::Xml
    } else {
        Format::Json
    }
}

fn from_row(r: &Row) -> rusqlite::Result<StoredWebhook> {
    let format: String = r.get(10)?;
    let delay: Option<String> = r.get(11)?;
    let filter: Option<String> = r.get(15)?;
    Ok(StoredWebhook {
        seq: r.get(0)?,
        id: r.get(1)?,
        name: r.get(2)?,
        description: r.get(3)?,
        url: r.get(4)?,
        events: from_json(&r.get::<_, String>(5)?)?,
        is_active: r.get(6)?,
        active_from: r.get(7)?,
        headers: from_json(&r.get::<_, String>(8)?)?,
        auth: from_json(&r.get::<_, String>(9)?)?,
        format: format_of(&format),
        delay: delay.map(|d| from_json(&d)).transpose()?,
        retry_count: r.get(12)?,
        timeout_seconds: r.get(13)?,
        priority: r.get(14)?,
        filter: filter.map(|f| from_json(&f)).transpose()?,
        secret: r.get(16)?,
        previous_secret: r.get(17)?,
        previous_secret_until: r.get(18)?,
        last_triggered_at: r.get(19)?,
        last_success_at: r.get(20)?,
        last_failure_at: r.get(21)?,
        failure_count: r.get(22)?,
        created_at: r.get(23)?,
        updated_at: r.get(24)?,
        created_by: r.get(25)?,
        updated_by: r.get(26)?,
        kind: r.get(27)?,
        data: r
            .get::<_, Option<String>>(28)?
            .map(|d| from_json(&d))
            .transpose()?,
        targets: from_json(&r.get::<_, String>(29)?)?,
        held: r.get(30)?,
    })
}

pub fn insert(conn: &Connection, w: &StoredWebhook) -> Result<i64, StoreError> {
    conn.execute(
        &format!(
            "INSERT INTO webhooks ({}) VALUES (NULL, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, \
             ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, \
             ?29)",
            COLUMNS
        ),
        params![
            w.id,
            w.name,
            w.description,
            w.url,
            to_json(&w.events),
            w.is_active,
            w.active_from,
            to_json(&w.headers),
            to_json(&w.auth),
            w.format.as_str(),
            w.delay.as_ref().map(to_json),
            w.retry_count,
            w.timeout_seconds,
            w.priority,
            w.filter.as_ref().map(to_json),
            w.secret,
            w.previous_secret,
            w.previous_secret_until,
            w.last_triggered_at,
            w.last_success_at,
            w.last_failure_at,
            w.failure_count,
            w.created_at,
            w.updated_at,
            w.created_by,
            w.updated_by,
            w.kind,
            w.data.as_ref().map(to_json),
            to_json(&w.targets),
        ],
    )?;
    let seq = conn.last_insert_rowid();
    super::health::record_change(
        conn,
        &w.id,
        w.created_at,
        StateChangeKind::Created,
        ChangeActor::Api,
        (!w.is_active).then_some("created inactive"),
        None,
    )?;
    Ok(seq)
}

/// Writes every editable column of `w` back. The signing secrets are left alone: only
/// [`rotate`] changes them, so an edit cannot undo a rotation that happened meanwhile.
/// Deactivating holds the webhook's queued deliveries; activating resumes them.
pub fn update(conn: &Connection, w: &StoredWebhook) -> Result<(), StoreError> {
    update_with(conn, w, HeldChoice::Resume)
}

/// [`update`], with what activation does to held deliveries.
pub fn update_with(
    conn: &Connection,
    w: &StoredWebhook,
    held: HeldChoice,
) -> Result<(), StoreError> {
    let was_active: Option<bool> = conn
        .query_row(
            "SELECT is_active FROM webhooks WHERE seq = ?1",
            [w.seq],
            |r| r.get(0),
        )
        .optional()?;
    conn.execute(
        "UPDATE webhooks SET name = ?2, description = ?3, url = ?4, events = ?5, is_active = ?6, \
         active_from = ?7, headers = ?8, auth = ?9, format = ?10, delay = ?11, retry_count = ?12, \
         timeout_seconds = ?13, priority = ?14, filter = ?15, updated_at = ?16, updated_by = ?17, \
         kind = ?18, data = ?19, targets = ?20 WHERE seq = ?1",
        params![
            w.seq,
            w.name,
            w.description,
            w.url,
            to_json(&w.events),
            w.is_active,
            w.active_from,
            to_json(&w.headers),
            to_json(&w.auth),
            w.format.as_str(),
            w.delay.as_ref().map(to_json),
            w.retry_count,
            w.timeout_seconds,
            w.priority,
            w.filter.as_ref().map(to_json),
            w.updated_at,
            w.updated_by,
            w.kind,
            w.data.as_ref().map(to_json),
            to_json(&w.targets),
        ],
    )?;
    let change = |kind, reason: &str, n: usize| {
        super::health::record_change(
            conn,
            &w.id,
            w.updated_at,
            kind,
            ChangeActor::Api,
            Some(reason),
            Some(n),
        )
    };
    match (was_active, w.is_active) {
        (Some(true), false) => {
            let n = super::deliveries::hold_for_webhook(conn, &w.id, w.updated_at)?;
            change(
                StateChangeKind::Deactivated,
                "deactivated through the API; its queued deliveries are held",
                n,
            )?;
        }
        (Some(false), true) => match held {
            HeldChoice::Resume => {
                let n = super::deliveries::resume_held(conn, &w.id, w.updated_at)?;
                change(
                    StateChangeKind::Activated,
                    "activated through the API; its held deliveries are resumed",
                    n,
                )?;
            }
            HeldChoice::Cancel => {
                let n = super::deliveries::cancel_held(conn, &w.id)?;
                change(
                    StateChangeKind::Activated,
                    "activated through the API; its held deliveries are cancelled",
                    n,
                )?;
            }
        },
        _ => {}
    }
    Ok(())
}

/// Replaces the signing secret with `new`, in one statement so that concurrent rotations and
/// edits cannot lose one another: the secret replaced keeps signing until `previous_until`.
pub fn rotate(
    conn: &Connection,
    id: &str,
    new: &str,
    now: i64,
    previous_until: i64,
) -> Result<Option<StoredWebhook>, StoreError> {
    let n = conn.execute(
        "UPDATE webhooks SET previous_secret = secret, secret = ?2, previous_secret_until = ?3, \
         updated_at = MAX(updated_at, ?4) WHERE id = ?1",
        params![id, new, previous_until, now],
    )?;
    if n == 0 {
        return Ok(None);
    }
    get(conn, Key::Id(id))
}

/// How the API names a webhook: by its string id, or by its sequence number (plandocket).
#[derive(Debug, Clone, Copy)]
pub enum Key<'a> {
    Id(&'a str),
    Seq(i64),
}

pub fn get(conn: &Connection, key: Key) -> Result<Option<StoredWebhook>, StoreError> {
    let row = match key {
        Key::Id(id) => conn
            .query_row(
                &format!("SELECT {SELECTED} FROM webhooks WHERE id = ?1"),
                [id],
                from_row,
            )
            .optional()?,
        Key::Seq(seq) => conn
            .query_row(
                &format!("SELECT {SELECTED} FROM webhooks WHERE seq = ?1"),
                [seq],
                from_row,
            )
            .optional()?,
    };
    Ok(row)
}

pub fn delete(conn: &Connection, seq: i64) -> Result<(), StoreError> {
    conn.execute("DELETE FROM webhooks WHERE seq = ?1", [seq])?;
    Ok(())
}

#[derive(Debug, Default, Clone)]
pub struct ListFilter {
    pub q: Option<String>,
    pub is_active: Option<bool>,
    pub event: Option<String>,
}

/// One page in `sort`'s order, and the cursor of the next page when there is one.
pub fn list(
    conn: &Connection,
    filter: &ListFilter,
    sort: WebhookSort,
    after: Option<order::Position>,
    limit: u32,
) -> Result<(Vec<StoredWebhook>, Option<String>), StoreError> {
    let mut sql = format!("SELECT {SELECTED} FROM webhooks WHERE 1 = 1");
    let mut args: Vec<rusqlite::types::Value> = Vec::new();
    if let Some(q) = filter.q.as_deref().filter(|q| !q.trim().is_empty()) {
        let pattern = format!(
            "%{}%",
            q.trim()
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_")
        );
        args.push(pattern.into());
        let n = args.len();
        sql.push_str(&format!(
            " AND (name LIKE ?{n} ESCAPE '\\' OR IFNULL(description, '') LIKE ?{n} ESCAPE '\\' \
             OR url LIKE ?{n} ESCAPE '\\' OR id = ?{m})",
            m = n + 1
        ));
        args.push(q.trim().to_string().into());
    }
    if let Some(active) = filter.is_active {
        args.push(i64::from(active).into());
        sql.push_str(&format!(" AND is_active = ?{}", args.len()));
    }
    if let Some(event) = &filter.event {
        args.push(event.clone().into());
        sql.push_str(&format!(
            " AND EXISTS (SELECT 1 FROM json_each(webhooks.events) WHERE value = ?{})",
            args.len()
        ));
    }
    let key = order::expression(sort);
    let (cmp, dir) = if order::ascending(sort) {
        (">", "ASC")
    } else {
        ("<", "DESC")
    };
    if let Some(at) = after {
        args.push(match at.value {
            order::Value::Int(n) => n.into(),
            order::Value::Text(t) => t.into(),
        });
        args.push(at.seq.into());
        sql.push_str(&format!(
            " AND ({key}, seq) {cmp} (?{}, ?{})",
            args.len() - 1,
            args.len()
        ));
    }
    args.push(i64::from(limit + 1).into());
    sql.push_str(&format!(
        " ORDER BY {key} {dir}, seq {dir} LIMIT ?{}",
        args.len()
    ));
    let mut stmt = conn.prepare(&sql)?;
    let mut rows: Vec<StoredWebhook> = stmt
        .query_map(rusqlite::params_from_iter(args), from_row)?
        .collect::<Result<_, _>>()?;
    if rows.len() <= limit as usize {
        return Ok((rows, None));
    }
    rows.truncate(limit as usize);
    let next = rows
        .last()
        .map(|r| order::encode(&order::position(sort, r)));
    Ok((rows, next))
}

/// One page by offset, oldest first, and how many there are in all: the vendor APIs count
/// pages (`?page=N`) where Switchboard's own hands out cursors. `kind` keeps to one type.
/// Which destination types a vendor's collection holds.
#[derive(Debug, Clone, Copy)]
pub enum Kinds {
    /// Only this type (Shoprenter's and the API platform's webhooks are all `http`).
    Only(&'static str),
    /// Every type but this one (Output.Rocks has no `http` channel).
    Except(&'static str),
}

impl Kinds {
    /// The SQL condition on `kind`, with `?1` the type.
    fn condition(self) -> (&'static str, &'static str) {
        match self {
            Kinds::Only(k) => ("kind = ?1", k),
            Kinds::Except(k) => ("kind <> ?1", k),
        }
    }
}

pub fn page(
    conn: &Connection,
    kinds: Kinds,
    offset: u64,
    limit: u32,
) -> Result<(Vec<StoredWebhook>, u64), StoreError> {
    let (condition, kind) = kinds.condition();
    let total: u64 = conn.query_row(
        &format!("SELECT COUNT(*) FROM webhooks WHERE {condition}"),
        [kind],
        |r| r.get(0),
    )?;
    let mut stmt = conn.prepare(&format!(
        "SELECT {SELECTED} FROM webhooks WHERE {condition} ORDER BY seq ASC LIMIT ?2 OFFSET ?3"
    ))?;
    let rows = stmt
        .query_map(params![kind, limit, offset as i64], from_row)?
        .collect::<Result<_, _>>()?;
    Ok((rows, total))
}

/// Every active `http` webhook subscribed to `event_type`, highest priority first. Other
/// types are stored and shown, never delivered by this engine.
pub fn subscribers(conn: &Connection, event_type: &str) -> Result<Vec<StoredWebhook>, StoreError> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {SELECTED} FROM webhooks WHERE is_active = 1 AND kind = 'http' AND EXISTS \
         (SELECT 1 FROM json_each(webhooks.events) WHERE value = ?1) \
         ORDER BY priority DESC, created_at ASC, seq ASC"
    ))?;
    let rows = stmt
        .query_map([event_type], from_row)?
        .collect::<Result<_, _>>()?;
    Ok(rows)
}

/// Records the outcome of one attempt on the webhook's counters.
pub fn record_outcome(
    conn: &Connection,
    webhook_id: &str,
    at: i64,
    succeeded: bool,
) -> Result<(), StoreError> {
    if succeeded {
        conn.execute(
            "UPDATE webhooks SET last_triggered_at = ?2, last_success_at = ?2, failure_count = 0 \
             WHERE id = ?1",
            params![webhook_id, at],
        )?;
    } else {
        conn.execute(
            "UPDATE webhooks SET last_triggered_at = ?2, last_failure_at = ?2, \
             failure_count = failure_count + 1 WHERE id = ?1",
            params![webhook_id, at],
        )?;
    }
    Ok(())
}

/// Turns a webhook off (the endpoint answered 410 Gone) and cancels what it had queued.
pub fn deactivate(conn: &Connection, webhook_id: &str, at: i64) -> Result<(), StoreError> {
    let changed = conn.execute(
        "UPDATE webhooks SET is_active = 0, updated_at = ?2, updated_by = 'switchboard (410 Gone)' \
         WHERE id = ?1 AND is_active = 1",
        params![webhook_id, at],
    )?;
    let cancelled = super::deliveries::cancel_for_webhook(conn, webhook_id)?;
    if changed == 1 {
        super::health::record_change(
            conn,
            webhook_id,
            at,
            StateChangeKind::Deactivated,
            ChangeActor::Endpoint,
            Some("the endpoint answered 410 Gone; its queued deliveries are cancelled"),
            Some(cancelled),
        )?;
    }
    Ok(())
}

/// Turns a webhook off by the health rule, holding what it had queued so that activating it
/// again sends those. Nothing happens to a webhook already inactive.
pub fn disable_unhealthy(
    conn: &Connection,
    webhook_id: &str,
    at: i64,
    reason: &str,
) -> Result<bool, StoreError> {
    let changed = conn.execute(
        "UPDATE webhooks SET is_active = 0, updated_at = MAX(updated_at, ?2), \
         updated_by = 'switchboard (health rule)' WHERE id = ?1 AND is_active = 1",
        params![webhook_id, at],
    )?;
    if changed == 0 {
        return Ok(false);
    }
    let held = super::deliveries::hold_for_webhook(conn, webhook_id, at)?;
    super::health::record_change(
        conn,
        webhook_id,
        at,
        StateChangeKind::Deactivated,
        ChangeActor::HealthRule,
        Some(reason),
        Some(held),
    )?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::super::MIGRATIONS;
    use super::SELECTED;
    use rusqlite::Connection;

    /// The held count each listed webhook carries reads the partial index of held deliveries,
    /// not every delivery of the webhook (which made a list page over a large history slow).
    #[test]
    fn the_held_count_of_a_listed_webhook_reads_only_held_deliveries() {
        let conn = Connection::open_in_memory().unwrap();
        for m in MIGRATIONS {
            conn.execute_batch(m).unwrap();
        }
        let mut stmt = conn
            .prepare(&format!(
                "EXPLAIN QUERY PLAN SELECT {SELECTED} FROM webhooks \
                 ORDER BY created_at DESC, seq DESC LIMIT 51"
            ))
            .unwrap();
        let plan: Vec<String> = stmt
            .query_map([], |r| r.get::<_, String>(3))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert!(
            plan.iter().any(|step| step.contains("deliveries_held")),
            "{plan:#?}"
        );
    }
}
