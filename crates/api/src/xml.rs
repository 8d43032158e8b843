//! The XML form of a JSON payload, for webhooks whose `format` is `xml`: one set of rules shared
//! by the server (what it sends) and the console (what it shows as "the XML payload").
//!
//! Rules: a declaration line, then one root element. A payload that is an object with exactly
//! one member whose value is an object becomes that member's element (`{"orders": {…}}` →
//! `<orders>…</orders>`); any other payload is wrapped in `<payload>`. Object members become
//! child elements in order; an array member repeats its element once per item (`"order": [a, b]`
//! → `<order>a</order><order>b</order>`); items of a nested array (or of a top-level array) are
//! `<item>` elements. Strings are escaped text, numbers and booleans their JSON spelling, `null`
//! and `{}` an empty element. Names that are not valid XML names have every other character
//! replaced with `_` and get a `_` prefix when they do not start with a letter or `_`.

use serde_json::Value;

/// Deeper than this, a value is written as its compact JSON text instead of as elements.
const MAX_DEPTH: usize = 64;

/// The XML document for a payload.
pub fn payload_to_xml(payload: &Value) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    match payload {
        Value::Object(map) if map.len() == 1 && map.values().all(Value::is_object) => {
            let (name, value) = map.iter().next().expect("one member");
            write_element(&mut out, &xml_name(name), value, 0);
        }
        other => write_element(&mut out, "payload", other, 0),
    }
    out
}

/// A valid XML element name for a JSON member name.
pub fn xml_name(key: &str) -> String {
    let mut name: String = key
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '_' | '-' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if !name.starts_with(|c: char| c.is_alphabetic() || c == '_') {
        name.insert(0, '_');
    }
    name
}

fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Characters XML 1.0 cannot carry at all are dropped rather than sent broken.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
}

fn write_element(out: &mut String, name: &str, value: &Value, depth: usize) {
    match value {
        Value::Null => {
            out.push('<');
            out.push_str(name);
            out.push_str("/>");
        }
        Value::Object(map) if map.is_empty() => {
            out.push('<');
            out.push_str(name);
            out.push_str("/>");
        }
        Value::Array(items) if depth > 0 => {
            // Only reached for arrays inside arrays (members are expanded by the caller).
            open(out, name);
            for item in items {
                write_element(out, "item", item, depth + 1);
            }
            close(out, name);
        }
        _ if depth >= MAX_DEPTH => {
            open(out, name);
            escape_into(out, &value.to_string());
            close(out, name);
        }
        Value::Object(map) => {
            open(out, name);
            for (key, member) in map {
                let child = xml_name(key);
                match member {
                    Value::Array(items) => {
                        for item in items {
                            match item {
                                Value::Array(_) => {
                                    open(out, &child);
                                    if let Value::Array(inner) = item {
                                        for v in inner {
                                            write_element(out, "item", v, depth + 2);
                                        }
                                    }
                                    close(out, &child);
                                }
                                v => write_element(out, &child, v, depth + 1),
                            }
                        }
                    }
                    v => write_element(out, &child, v, depth + 1),
                }
            }
            close(out, name);
        }
        Value::Array(items) => {
            open(out, name);
            for item in items {
                write_element(out, "item", item, depth + 1);
            }
            close(out, name);
        }
        Value::String(s) => {
            open(out, name);
            escape_into(out, s);
            close(out, name);
        }
        Value::Bool(_) | Value::Number(_) => {
            open(out, name);
            out.push_str(&value.to_string());
            close(out, name);
        }
    }
}

fn open(out: &mut String, name: &str) {
    out.push('<');
    out.push_str(name);
    out.push('>');
}

fn close(out: &mut String, name: &str) {
    out.push_str("</");
    out.push_str(name);
    out.push('>');
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const DECL: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";

    #[test]
    fn single_object_member_is_the_root() {
        let xml = payload_to_xml(
            &json!({"orders": {"order": [{"innerId": "608", "total": 12.5}, {"innerId": "609"}]}}),
        );
        assert_eq!(
            xml,
            format!("{DECL}<orders><order><innerId>608</innerId><total>12.5</total></order><order><innerId>609</innerId></order></orders>")
        );
    }

    #[test]
    fn other_payloads_are_wrapped() {
        let xml = payload_to_xml(&json!({"event": "create", "n": null, "ok": true, "options": {}}));
        assert_eq!(
            xml,
            format!("{DECL}<payload><event>create</event><n/><ok>true</ok><options/></payload>")
        );
        assert_eq!(
            payload_to_xml(&json!([1, [2, 3]])),
            format!(
                "{DECL}<payload><item>1</item><item><item>2</item><item>3</item></item></payload>"
            )
        );
        assert_eq!(
            payload_to_xml(&json!("x")),
            format!("{DECL}<payload>x</payload>")
        );
        assert_eq!(
            payload_to_xml(&json!({"m": [[1]]})),
            format!("{DECL}<payload><m><item>1</item></m></payload>")
        );
    }

    #[test]
    fn text_and_names_are_made_safe() {
        let xml = payload_to_xml(&json!({"a b": "<script>&'\"\u{1}"}));
        assert_eq!(
            xml,
            format!("{DECL}<payload><a_b>&lt;script&gt;&amp;&apos;&quot;</a_b></payload>")
        );
        assert_eq!(xml_name("1st"), "_1st");
        assert_eq!(xml_name(""), "_");
        assert_eq!(xml_name("order.innerId"), "order.innerId");
        assert_eq!(xml_name("x<y>"), "x_y_");
    }

    #[test]
    fn deep_values_do_not_recurse_forever() {
        let mut v = json!(1);
        for _ in 0..500 {
            v = json!({"a": v});
        }
        let xml = payload_to_xml(&json!({"p": 0, "deep": v}));
        assert!(xml.len() < 20_000, "{}", xml.len());
        assert!(xml.contains("{&quot;a&quot;"));
    }
}
