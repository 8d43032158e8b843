//! The queries of demo mode: whether it seeded on an earlier start, and pointing what it
//! seeded at this run's address.

use super::{to_json, StoreError};
use rusqlite::Connection;
use switchboard_api::Auth;

/// Whether any webhook says `author` created it.
pub fn seeded(conn: &Connection, author: &str) -> Result<bool, StoreError> {
    let seeded: i64 = conn.query_row(
        "SELECT COUNT(*) FROM webhooks WHERE created_by = ?1",
        [author],
        |r| r.get(0),
    )?;
    Ok(seeded > 0)
}

/// Points `author`'s webhooks at new URLs (`urls` pairs a webhook name with its URL) and their
/// client-credentials auth at a new token URL: the demo's receivers move with its port.
pub fn repoint(
    c: &mut Connection,
    author: &str,
    urls: &[(String, String)],
    token_url: &str,
) -> Result<(), StoreError> {
    let tx = c.transaction()?;
    for (name, url) in urls {
        tx.execute(
            "UPDATE webhooks SET url = ?1 WHERE created_by = ?2 AND name = ?3",
            rusqlite::params![url, author, name],
        )?;
    }
    let rows: Vec<(i64, String)> = {
        let mut stmt = tx.prepare(
            "SELECT seq, auth FROM webhooks WHERE created_by = ?1 AND auth LIKE '%client_credentials%'",
        )?;
        let rows = stmt
            .query_map([author], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<Result<_, _>>()?;
        rows
    };
    for (seq, auth) in rows {
        if let Ok(Auth::ClientCredentials {
            client_id,
            client_secret,
            ..
        }) = serde_json::from_str::<Auth>(&auth)
        {
            let fixed = Auth::ClientCredentials {
                client_id,
                client_secret,
                token_url: token_url.to_string(),
            };
            tx.execute(
                "UPDATE webhooks SET auth = ?1 WHERE seq = ?2",
                rusqlite::params![to_json(&fixed), seq],
            )?;
        }
    }
    tx.commit()?;
    Ok(())
}
