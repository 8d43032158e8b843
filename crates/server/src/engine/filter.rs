//! Filter conditions: CEL expressions evaluated on the payload, whose top-level members are
//! variables (`data.contract.balance > 0`, or output.rocks' `data['contract']['balance'] > 0`).

use cel::{Context, Program};
use std::sync::Arc;
use std::time::Duration;

/// How long one event's filter conditions may take, all together, unless configured.
pub const DEFAULT_BUDGET: Duration = Duration::from_millis(500);
/// Stack of an evaluating thread: CEL's parser and evaluator recurse, and a condition within
/// the nesting limit must not exhaust the stack even on a deep payload.
const EVAL_STACK: usize = 8 * 1024 * 1024;

/// Why a condition does not parse, in one line a form can show: the shared rule's answer
/// (empty, too long, unbalanced), else the CEL parser's.
pub fn check(condition: &str) -> Result<(), String> {
    switchboard_api::validate::condition(condition)?;
    Program::compile(condition)
        .map(|_| ())
        .map_err(|e| format!("is not a valid expression: {}", one_line(&e.to_string())))
}

/// Whether the payload passes. A condition that fails to evaluate (a missing member, a type
/// mismatch) does not match: a delivery is only made when the condition clearly holds.
pub fn matches(condition: &str, payload: &serde_json::Value) -> bool {
    // Stored before the nesting limit existed, or written straight into the database.
    if switchboard_api::validate::condition(condition).is_err() {
        return false;
    }
    let Ok(program) = Program::compile(condition) else {
        return false;
    };
    let mut ctx = Context::default();
    if let serde_json::Value::Object(members) = payload {
        for (name, value) in members {
            match cel::to_value(value) {
                Ok(v) => ctx.add_variable_from_value(name.clone(), v),
                Err(_) => return false,
            }
        }
    }
    if let Ok(v) = cel::to_value(payload) {
        ctx.add_variable_from_value("payload", v);
    }
    matches!(program.execute(&ctx), Ok(cel::Value::Bool(true)))
}

/// Decides each `(key, condition)` on `payload`, every condition on a thread of its own so
/// that no lock is held and a slow one holds up nobody else. What is not decided within
/// `budget` is `Err(reason)`; its thread runs on to its end, unseen. Results are in the
/// order of `conditions`.
pub async fn decide_all(
    conditions: Vec<(String, String)>,
    payload: Arc<serde_json::Value>,
    budget: Duration,
) -> Vec<(String, Result<bool, String>)> {
    let deadline = tokio::time::Instant::now() + budget;
    let mut waiting = Vec::new();
    for (key, condition) in conditions {
        if let Err(why) = switchboard_api::validate::condition(&condition) {
            waiting.push((key, Err(format!("the filter condition {why}"))));
            continue;
        }
        let (tx, rx) = tokio::sync::oneshot::channel();
        let payload = payload.clone();
        let spawned = std::thread::Builder::new()
            .name("filter".into())
            .stack_size(EVAL_STACK)
            .spawn(move || {
                let _ = tx.send(matches(&condition, &payload));
            });
        match spawned {
            Ok(_) => waiting.push((key, Ok(rx))),
            Err(e) => waiting.push((key, Err(format!("the filter could not run: {e}")))),
        }
    }
    let mut out = Vec::with_capacity(waiting.len());
    for (key, pending) in waiting {
        let result = match pending {
            Err(why) => Err(why),
            Ok(rx) => match tokio::time::timeout_at(deadline, rx).await {
                Ok(Ok(v)) => Ok(v),
                Ok(Err(_)) => Err("the filter condition failed inside the server".into()),
                Err(_) => Err(format!(
                    "the filter condition took longer than the {} ms budget",
                    budget.as_millis()
                )),
            },
        };
        out.push((key, result));
    }
    out
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn dotted_and_indexed_members() {
        let p = json!({"data": {"contract": {"balance": 12.5}}, "event": "create"});
        assert!(matches("data.contract.balance > 0.0", &p));
        assert!(matches("data['contract']['balance'] > 0.0", &p));
        assert!(matches("event == 'create'", &p));
        assert!(!matches("event == 'lock'", &p));
        assert!(!matches("data.missing.value > 1", &p));
        assert!(matches("payload.event == 'create'", &p));
    }

    #[tokio::test]
    async fn a_condition_over_the_budget_fails_only_its_own_match() {
        // Three nested comprehensions over 2000 items: billions of steps.
        let items: Vec<i64> = (0..2000).collect();
        let p = Arc::new(json!({"items": items, "event": "create"}));
        let slow = "items.all(a, items.all(b, items.all(c, a + b + c >= 0)))";
        let started = std::time::Instant::now();
        let got = decide_all(
            vec![
                ("slow".into(), slow.into()),
                ("quick".into(), "event == 'create'".into()),
                (
                    "deep".into(),
                    format!("{}1{}", "(".repeat(40), ")".repeat(40)),
                ),
            ],
            p,
            Duration::from_millis(200),
        )
        .await;
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "{:?}",
            started.elapsed()
        );
        assert_eq!(got[0].0, "slow");
        assert!(got[0].1.as_ref().unwrap_err().contains("budget"), "{got:?}");
        assert_eq!(got[1], ("quick".into(), Ok(true)));
        assert!(got[2].1.as_ref().unwrap_err().contains("nests"), "{got:?}");
    }

    #[test]
    fn parse_errors_are_reported() {
        assert!(check("a > ").is_err());
        assert!(check("").is_err());
        assert!(check("orders.order[0].currency == 'HUF'").is_ok());
    }
}
