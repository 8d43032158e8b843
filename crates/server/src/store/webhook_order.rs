//! The orders of the webhooks list (`?sort=`) in SQL, and their keyset cursors.
//!
//! A cursor is the last row's position in its order: the sort value and the row's `seq`, the
//! tiebreaker that makes every position unique. Each order writes its cursor with its own
//! prefix, so a cursor handed out under one order is refused under another instead of paging
//! from a meaningless place. Newest first keeps the bare `created.seq` form every list of this
//! API uses.

use super::webhooks::StoredWebhook;
use super::StoreError;
use switchboard_api::WebhookSort;

/// A position in one order: where the next page starts after.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Position {
    pub sort: WebhookSort,
    pub value: Value,
    pub seq: i64,
}

/// The sort value at a position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Int(i64),
    Text(String),
}

/// The SQL expression an order sorts by (indexed by the migration that added the orders).
pub fn expression(sort: WebhookSort) -> &'static str {
    match sort {
        WebhookSort::CreatedDesc => "created_at",
        WebhookSort::NameAsc => "lower(name)",
        WebhookSort::FailuresDesc => "failure_count",
        WebhookSort::LastFailureDesc => "IFNULL(last_failure_at, 0)",
        WebhookSort::LastSuccessDesc => "IFNULL(last_success_at, 0)",
    }
}

/// Whether the order runs upwards; the tiebreaker `seq` runs the same way.
pub fn ascending(sort: WebhookSort) -> bool {
    sort == WebhookSort::NameAsc
}

fn prefix(sort: WebhookSort) -> &'static str {
    match sort {
        WebhookSort::CreatedDesc => "",
        WebhookSort::NameAsc => "n.",
        WebhookSort::FailuresDesc => "f.",
        WebhookSort::LastFailureDesc => "lf.",
        WebhookSort::LastSuccessDesc => "ls.",
    }
}

/// The position of a row in `sort`, as SQL computes it.
pub fn position(sort: WebhookSort, w: &StoredWebhook) -> Position {
    let value = match sort {
        WebhookSort::CreatedDesc => Value::Int(w.created_at),
        // SQLite's `lower` folds ASCII letters only; this does the same.
        WebhookSort::NameAsc => Value::Text(w.name.to_ascii_lowercase()),
        WebhookSort::FailuresDesc => Value::Int(i64::from(w.failure_count)),
        WebhookSort::LastFailureDesc => Value::Int(w.last_failure_at.unwrap_or(0)),
        WebhookSort::LastSuccessDesc => Value::Int(w.last_success_at.unwrap_or(0)),
    };
    Position {
        sort,
        value,
        seq: w.seq,
    }
}

/// The cursor text of a position.
pub fn encode(p: &Position) -> String {
    let value = match &p.value {
        Value::Int(n) => n.to_string(),
        // Hex keeps any name within the cursor's pattern; two lines do not justify a crate.
        Value::Text(t) => t.bytes().map(|b| format!("{b:02x}")).collect(),
    };
    format!("{}{value}.{}", prefix(p.sort), p.seq)
}

/// Reads a cursor given with `sort`: [`StoreError::WrongCursor`] when it belongs to another
/// order, [`StoreError::BadCursor`] when it is no cursor at all.
pub fn decode(raw: &str, sort: WebhookSort) -> Result<Position, StoreError> {
    let found = WebhookSort::ALL
        .into_iter()
        .filter(|s| *s != WebhookSort::CreatedDesc)
        .find(|s| raw.starts_with(prefix(*s)))
        .unwrap_or(WebhookSort::CreatedDesc);
    let rest = &raw[prefix(found).len()..];
    let (value, seq) = rest.rsplit_once('.').ok_or(StoreError::BadCursor)?;
    let seq = number(seq)?;
    let value = if found == WebhookSort::NameAsc {
        Value::Text(unhex(value)?)
    } else {
        Value::Int(number(value)?)
    };
    if found != sort {
        return Err(StoreError::WrongCursor);
    }
    Ok(Position {
        sort: found,
        value,
        seq,
    })
}

fn number(s: &str) -> Result<i64, StoreError> {
    (!s.is_empty() && s.len() <= 18 && s.bytes().all(|c| c.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
        .ok_or(StoreError::BadCursor)
}

fn unhex(s: &str) -> Result<String, StoreError> {
    if !s.len().is_multiple_of(2)
        || s.len() > 2048
        || !s.bytes().all(|c| matches!(c, b'0'..=b'9' | b'a'..=b'f'))
    {
        return Err(StoreError::BadCursor);
    }
    let bytes: Vec<u8> = (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16))
        .collect::<Result<_, _>>()
        .map_err(|_| StoreError::BadCursor)?;
    // Any bytes the pattern allows are a position: ones that are not UTF-8 page from where
    // their replacement characters sort.
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_name_their_order() {
        for (sort, value) in [
            (WebhookSort::CreatedDesc, Value::Int(1705314600000)),
            (WebhookSort::NameAsc, Value::Text("orders. ünïcode".into())),
            (WebhookSort::FailuresDesc, Value::Int(3)),
            (WebhookSort::LastFailureDesc, Value::Int(0)),
            (WebhookSort::LastSuccessDesc, Value::Int(17)),
        ] {
            let p = Position {
                sort,
                value,
                seq: 12,
            };
            let raw = encode(&p);
            assert_eq!(decode(&raw, sort).unwrap(), p, "{raw}");
            for other in WebhookSort::ALL.into_iter().filter(|s| *s != sort) {
                assert!(
                    matches!(decode(&raw, other), Err(StoreError::WrongCursor)),
                    "{raw} as {other:?}"
                );
            }
        }
        assert_eq!(
            encode(&Position {
                sort: WebhookSort::CreatedDesc,
                value: Value::Int(5),
                seq: 2
            }),
            "5.2"
        );
        for bad in [
            "", "n.abc.1", "n.zz.1", "f..1", "f.1", "x.1.2", "1.2.3", "lf.1.-2",
        ] {
            for sort in WebhookSort::ALL {
                assert!(
                    matches!(decode(bad, sort), Err(StoreError::BadCursor)),
                    "{bad}"
                );
            }
        }
    }
}
