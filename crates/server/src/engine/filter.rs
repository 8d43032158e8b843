//! Filter conditions: CEL expressions evaluated on the payload, whose top-level members are
//! variables (`data.contract.balance > 0`, or output.rocks' `data['contract']['balance'] > 0`).

use cel::{Context, Program};

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

    #[test]
    fn parse_errors_are_reported() {
        assert!(check("a > ").is_err());
        assert!(check("").is_err());
        assert!(check("orders.order[0].currency == 'HUF'").is_ok());
    }
}
