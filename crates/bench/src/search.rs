//! Search and export at the stored history's size: the API's answer to a full-text search and
//! to a payload field filter, and the rows per second an export reads by paging, each beside
//! the bare SQLite query doing the same on the same file.

use crate::measure::Samples;
use std::path::Path;
use std::time::Instant;

/// A word only the failed deliveries' responses hold (one in ten rows, see the seed).
pub const TEXT: &str = "ledger";
/// A payload condition that holds for about one row in a hundred.
pub const WHERE: &str = "orders.order.0.total > 494";
const WHERE_SQL: &str = "json_type(payload, '$.\"orders\".\"order\"[0].\"total\"') \
    IN ('integer', 'real') AND json_extract(payload, '$.\"orders\".\"order\"[0].\"total\"') > 494";
const TEXT_SQL: &str =
    "seq IN (SELECT rowid FROM delivery_search WHERE delivery_search MATCH '\"ledger\"')";
const COLUMNS: &str = "seq, id, webhook_id, event_id, event_type, payload, state, \
    attempt_count, retries_left, priority, next_attempt_at, last_attempt_at, response_status, \
    created_at, target_url";
/// The export reads the failed deliveries (a tenth of the history) in pages of the API's
/// maximum, as the console's export does.
const EXPORT_PAGE: u32 = 200;

async fn get(http: &reqwest::Client, url: &str, token: &str) -> Result<serde_json::Value, String> {
    let resp = http
        .get(url)
        .bearer_auth(token)
        .send()
        .await
        .map_err(|e| format!("{url}: {e}"))?;
    if !resp.status().is_success() {
        return Err(format!("{url}: {}", resp.status()));
    }
    resp.json().await.map_err(|e| format!("{url}: {e}"))
}

/// Rows of one page of the bare query, read like the server reads them.
fn sql_page(
    conn: &rusqlite::Connection,
    cond: &str,
    after: Option<(i64, i64)>,
    limit: u32,
) -> Result<(usize, Option<(i64, i64)>), String> {
    let err = |e: rusqlite::Error| e.to_string();
    let position = match after {
        Some((c, s)) => format!(" AND (created_at, seq) < ({c}, {s})"),
        None => String::new(),
    };
    let mut stmt = conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM deliveries WHERE {cond}{position} \
             ORDER BY created_at DESC, seq DESC LIMIT {}",
            limit + 1
        ))
        .map_err(err)?;
    let mut rows = stmt.query([]).map_err(err)?;
    let mut n = 0;
    let mut last = None;
    while let Some(r) = rows.next().map_err(err)? {
        let payload: String = r.get(5).map_err(err)?;
        let _: serde_json::Value = serde_json::from_str(&payload).map_err(|e| e.to_string())?;
        n += 1;
        if n <= limit as usize {
            last = Some((r.get(13).map_err(err)?, r.get(0).map_err(err)?));
        }
    }
    let more = n > limit as usize;
    Ok((n.min(limit as usize), last.filter(|_| more)))
}

fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1000.0
}

/// One measurement of each figure.
pub async fn run(
    http: &reqwest::Client,
    base_url: &str,
    token: &str,
    db: &Path,
    samples: &mut Samples,
) -> Result<(), String> {
    let api = format!("{base_url}/api/v1/deliveries");
    let enc = switchboard_api::percent::encode_component;

    let t = Instant::now();
    let page = get(http, &format!("{api}?q={TEXT}&limit=50"), token).await?;
    samples.entry("search_text_ms").or_default().push(ms(t));
    if page["data"].as_array().map_or(0, Vec::len) != 50 {
        return Err(format!("search for {TEXT:?} found less than a page"));
    }
    let t = Instant::now();
    get(http, &format!("{api}?where={}&limit=50", enc(WHERE)), token).await?;
    samples.entry("search_where_ms").or_default().push(ms(t));

    let t = Instant::now();
    let mut rows = 0usize;
    let mut cursor = String::new();
    loop {
        let page = get(
            http,
            &format!(
                "{api}?status=failed&limit={EXPORT_PAGE}&cursor={}",
                enc(&cursor)
            ),
            token,
        )
        .await?;
        rows += page["data"].as_array().map_or(0, Vec::len);
        match page["meta"]["next_cursor"].as_str() {
            Some(c) => cursor = c.to_owned(),
            None => break,
        }
    }
    let secs = t.elapsed().as_secs_f64();
    samples
        .entry("export_rows_per_s")
        .or_default()
        .push(rows as f64 / secs);

    // The bare queries, on their own read connection to the same file.
    let db = db.to_owned();
    let bare = tokio::task::spawn_blocking(move || -> Result<[f64; 3], String> {
        let conn =
            rusqlite::Connection::open_with_flags(&db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
                .map_err(|e| e.to_string())?;
        let t = Instant::now();
        sql_page(&conn, TEXT_SQL, None, 50)?;
        let text = ms(t);
        let t = Instant::now();
        sql_page(&conn, WHERE_SQL, None, 50)?;
        let cond = ms(t);
        let t = Instant::now();
        let (mut n, mut after) = sql_page(&conn, "state = 'failed'", None, EXPORT_PAGE)?;
        while let Some(a) = after {
            let (more, next) = sql_page(&conn, "state = 'failed'", Some(a), EXPORT_PAGE)?;
            n += more;
            after = next;
        }
        let per_s = n as f64 / t.elapsed().as_secs_f64();
        Ok([text, cond, per_s])
    })
    .await
    .map_err(|e| e.to_string())??;
    samples
        .entry("sql_search_text_ms")
        .or_default()
        .push(bare[0]);
    samples
        .entry("sql_search_where_ms")
        .or_default()
        .push(bare[1]);
    samples
        .entry("sql_export_rows_per_s")
        .or_default()
        .push(bare[2]);
    Ok(())
}
