//! Delivery search in SQL: the full-text index over payloads and response bodies (an FTS5
//! table kept in step by triggers, see the migration in [`super`]) and payload field
//! conditions evaluated with `json_extract`.

use rusqlite::types::Value;
use switchboard_api::search::{Condition, Op, Value as V};

/// The FTS5 query (already quoted by [`switchboard_api::search::fts_query`]) as a condition on
/// `deliveries`, with `?#` for its parameter.
pub const TEXT_CONDITION: &str =
    " AND deliveries.seq IN (SELECT rowid FROM delivery_search WHERE delivery_search MATCH ?#)";

/// One field condition as SQL with `?#` placeholders, and their values in order. A field the
/// payload lacks matches only `!=`; a value of another JSON type matches no order comparison
/// (text never sorts against numbers).
pub fn condition(c: &Condition) -> (String, Vec<Value>) {
    let path = Value::Text(c.json_path());
    let typed = |v: &V| match v {
        V::Text(s) => Value::Text(s.clone()),
        V::Number(n) => Value::Real(*n),
        V::Bool(b) => Value::Integer(i64::from(*b)),
        V::Null => Value::Null,
    };
    let eq = |v: &V| -> (String, Vec<Value>) {
        match v {
            V::Text(_) => (
                "(json_type(deliveries.payload, ?#) = 'text' AND json_extract(deliveries.payload, ?#) = ?#)".into(),
                vec![path.clone(), path.clone(), typed(v)],
            ),
            V::Number(_) => (
                "(json_type(deliveries.payload, ?#) IN ('integer', 'real') AND json_extract(deliveries.payload, ?#) = ?#)"
                    .into(),
                vec![path.clone(), path.clone(), typed(v)],
            ),
            V::Bool(b) => (
                format!("(json_type(deliveries.payload, ?#) = '{b}')"),
                vec![path.clone()],
            ),
            V::Null => ("(json_type(deliveries.payload, ?#) = 'null')".into(), vec![path.clone()]),
        }
    };
    let (sql, values) = match c.op {
        Op::Eq => eq(&c.value),
        Op::Ne => {
            let (s, v) = eq(&c.value);
            (format!("NOT COALESCE({s}, 0)"), v)
        }
        Op::Lt | Op::Le | Op::Gt | Op::Ge => {
            let types = match c.value {
                V::Number(_) => "('integer', 'real')",
                _ => "('text')",
            };
            (
                format!(
                    "(json_type(deliveries.payload, ?#) IN {types} AND json_extract(deliveries.payload, ?#) {} ?#)",
                    c.op.as_str()
                ),
                vec![path.clone(), path.clone(), typed(&c.value)],
            )
        }
        Op::Contains => {
            let needle = match &c.value {
                V::Number(n) => Value::Text(number_text(*n)),
                other => typed(other),
            };
            (
                "(CASE json_type(deliveries.payload, ?#) \
                 WHEN 'text' THEN instr(lower(json_extract(deliveries.payload, ?#)), lower(?#)) > 0 \
                 WHEN 'array' THEN EXISTS (SELECT 1 FROM json_each(payload, ?#) j WHERE j.value = ?#) \
                 ELSE 0 END)"
                    .into(),
                vec![
                    path.clone(),
                    path.clone(),
                    needle,
                    path.clone(),
                    typed(&c.value),
                ],
            )
        }
    };
    (format!(" AND {sql}"), values)
}

/// `100` rather than `100.0`, as the number was most likely typed.
fn number_text(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        n.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::super::MIGRATIONS;
    use rusqlite::Connection;

    /// Deliveries and answers stored by a version without the index are found once it is added.
    #[test]
    fn the_migration_fills_the_index_from_rows_already_stored() {
        let at = MIGRATIONS
            .iter()
            .position(|m| m.contains("CREATE VIRTUAL TABLE delivery_search"))
            .unwrap();
        let conn = Connection::open_in_memory().unwrap();
        for m in &MIGRATIONS[..at] {
            conn.execute_batch(m).unwrap();
        }
        conn.execute_batch(
            r#"INSERT INTO deliveries (id, webhook_id, event_type, payload, state, retries_left, created_at)
                 VALUES ('d1', 'w1', 'order_confirm', '{"note":"okapi"}', 'failed', 0, 1);
               INSERT INTO deliveries (id, webhook_id, event_type, payload, state, retries_left, created_at)
                 VALUES ('d2', 'w1', 'order_confirm', '{"note":"zebu"}', 'queued', 0, 2);
               INSERT INTO attempts (delivery_id, n, webhook_id, started_at, duration_ms, succeeded, request, response)
                 VALUES ('d1', 1, 'w1', 1, 5, 0, '{}', '{"status":500,"body":"database down"}');
               INSERT INTO attempts (delivery_id, n, webhook_id, started_at, duration_ms, succeeded, request, response)
                 VALUES ('d1', 2, 'w1', 2, 5, 0, '{}', '{"status":503,"body":"maintenance"}');"#,
        )
        .unwrap();
        conn.execute_batch(MIGRATIONS[at]).unwrap();
        let find = |q: &str| -> Vec<String> {
            let mut stmt = conn
                .prepare(
                    "SELECT id FROM deliveries WHERE seq IN (SELECT rowid FROM delivery_search \
                     WHERE delivery_search MATCH ?1) ORDER BY id",
                )
                .unwrap();
            stmt.query_map([q], |r| r.get(0))
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap()
        };
        assert_eq!(find("okapi"), ["d1"]);
        assert_eq!(find("zebu"), ["d2"]);
        assert_eq!(find("database"), ["d1"]);
        assert_eq!(find("maintenance"), ["d1"]);
        // From then on the triggers keep it in step.
        conn.execute_batch(
            r#"INSERT INTO attempts (delivery_id, n, webhook_id, started_at, duration_ms, succeeded, request, response)
                 VALUES ('d2', 1, 'w1', 3, 5, 0, '{}', '{"status":502,"body":"gateway lost"}');
               DELETE FROM deliveries WHERE id = 'd1';"#,
        )
        .unwrap();
        assert_eq!(find("gateway"), ["d2"]);
        assert_eq!(find("zebu"), ["d2"]);
        assert!(find("okapi").is_empty());
        // An empty phrase matches nothing and is no syntax error.
        assert!(find("\"\"").is_empty());
    }
}
