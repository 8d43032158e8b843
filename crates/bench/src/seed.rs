//! Test data: webhooks created through the API, and a large delivery history written straight
//! into the server's SQLite file (through the API it would take many minutes).

use std::path::Path;
use switchboard_api::{Envelope, Webhook, WebhookInput};

/// Event types the seeded history spreads over (all in the reference catalogue).
const EVENT_TYPES: [&str; 4] = [
    "order_confirm",
    "order_status_change",
    "newsletter_subscribe",
    "delivery.completed",
];

/// Creates `n` webhooks and returns them as the API lists them (newest first).
pub async fn webhooks(
    http: &reqwest::Client,
    base_url: &str,
    token: &str,
    n: usize,
) -> Result<Vec<Webhook>, String> {
    for i in 1..=n {
        let input = WebhookInput {
            name: format!("Order sync {i:02}"),
            description: Some(format!(
                "Shop {i} order notifications for the fulfilment service"
            )),
            // Loopback: the server is started with private targets allowed, and nothing is sent.
            url: format!("http://127.0.0.1:9/hooks/shop-{i}/orders"),
            events: vec![
                EVENT_TYPES[i % EVENT_TYPES.len()].to_owned(),
                EVENT_TYPES[(i + 1) % EVENT_TYPES.len()].to_owned(),
            ],
            ..WebhookInput::default()
        };
        let resp = http
            .post(format!("{base_url}/api/v1/webhooks"))
            .bearer_auth(token)
            .json(&input)
            .send()
            .await
            .map_err(|e| format!("create webhook: {e}"))?;
        if !resp.status().is_success() {
            let status = resp.status();
            let body = resp.text().await.unwrap_or_default();
            return Err(format!("create webhook: {status}: {body}"));
        }
    }
    let resp = http
        .get(format!("{base_url}/api/v1/webhooks?limit={n}"))
        .bearer_auth(token)
        .send()
        .await
        .map_err(|e| format!("list webhooks: {e}"))?;
    let page: Envelope<Vec<Webhook>> = resp
        .json()
        .await
        .map_err(|e| format!("list webhooks: {e}"))?;
    if page.data.len() != n {
        return Err(format!(
            "listed {} webhooks after creating {n}",
            page.data.len()
        ));
    }
    Ok(page.data)
}

/// Writes `n` finished deliveries spread over `webhook_ids`, one a minute going back from now,
/// one in ten failed. Finished ones are never picked up by the delivery engine.
pub fn deliveries(db: &Path, webhook_ids: &[String], n: usize) -> Result<(), String> {
    if webhook_ids.is_empty() {
        return Err("no webhooks to attach deliveries to".into());
    }
    let err = |e: rusqlite::Error| format!("seeding deliveries: {e}");
    let mut conn = rusqlite::Connection::open(db).map_err(err)?;
    conn.busy_timeout(std::time::Duration::from_secs(10))
        .map_err(err)?;
    let now = (time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as i64;
    let tx = conn.transaction().map_err(err)?;
    {
        let mut stmt = tx
            .prepare(
                "INSERT INTO deliveries (id, webhook_id, event_id, event_type, payload, state, \
                 attempt_count, retries_left, priority, next_attempt_at, response_status, \
                 last_attempt_at, created_at) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 0, 0, NULL, ?8, ?9, ?9)",
            )
            .map_err(err)?;
        // Each failed one has its last answer, which full-text search reads.
        let mut attempt = tx
            .prepare(
                "INSERT INTO attempts (delivery_id, n, webhook_id, started_at, duration_ms, \
                 succeeded, request, response) VALUES (?1, 4, ?2, ?3, 120, 0, '{}', ?4)",
            )
            .map_err(err)?;
        for i in 0..n {
            let failed = i % 10 == 3;
            let payload = format!(
                r#"{{"orders":{{"order":[{{"innerId":"{}","status":"paid","total":{}.{:02}}}]}}}}"#,
                100_000 + i,
                i % 500,
                i % 100
            );
            stmt.execute(rusqlite::params![
                format!("msg_bench{i:08}"),
                webhook_ids[i % webhook_ids.len()],
                format!("evt_bench{i:08}"),
                EVENT_TYPES[i % EVENT_TYPES.len()],
                payload,
                if failed { "failed" } else { "succeeded" },
                if failed { 4 } else { 1 },
                if failed { 503 } else { 200 },
                now - (i as i64 + 1) * 60_000,
            ])
            .map_err(err)?;
            if failed {
                let response = format!(
                    r#"{{"status":503,"headers":[],"body":"{{\"message\":\"upstream ledger offline, shop {}\"}}","truncated":false}}"#,
                    i % 50
                );
                attempt
                    .execute(rusqlite::params![
                        format!("msg_bench{i:08}"),
                        webhook_ids[i % webhook_ids.len()],
                        now - (i as i64 + 1) * 60_000,
                        response,
                    ])
                    .map_err(err)?;
            }
        }
    }
    tx.commit().map_err(err)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deliveries_land_in_the_servers_schema() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("s.db");
        // The server creates the schema; spawning it is the only public way to migrate.
        let rt = tokio::runtime::Runtime::new().unwrap();
        rt.block_on(async {
            let server =
                switchboard_server::spawn(switchboard_server::Config::new(db.clone(), "t"))
                    .await
                    .unwrap();
            server.shutdown().await;
        });
        deliveries(&db, &["wh_a".into(), "wh_b".into()], 1000).unwrap();
        let conn = rusqlite::Connection::open(&db).unwrap();
        let (total, failed, for_a): (i64, i64, i64) = conn
            .query_row(
                "SELECT COUNT(*), SUM(state = 'failed'), SUM(webhook_id = 'wh_a') FROM deliveries",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .unwrap();
        assert_eq!((total, failed, for_a), (1000, 100, 500));
        assert!(deliveries(&db, &[], 1).is_err());
    }
}
