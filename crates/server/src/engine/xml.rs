//! JSON payloads rendered as XML for webhooks whose format is `xml` (the shop platform's
//! option): objects become elements, arrays repeat their parent's element.

use serde_json::Value;

/// The XML document of a payload. A payload that is an object with one member uses that
/// member as the root (`{"orders": …}` → `<orders>…</orders>`); anything else is wrapped in
/// `<payload>`.
pub fn to_xml(payload: &Value) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    match payload {
        Value::Object(m) if m.len() == 1 => {
            let (k, v) = m.iter().next().expect("one member");
            element(&mut out, k, v);
        }
        other => element(&mut out, "payload", other),
    }
    out
}

fn element(out: &mut String, name: &str, value: &Value) {
    let tag = tag_name(name);
    match value {
        Value::Array(items) => {
            if items.is_empty() {
                out.push_str(&format!("<{tag}/>"));
            }
            for item in items {
                element(out, name, item);
            }
        }
        Value::Object(m) => {
            out.push_str(&format!("<{tag}>"));
            for (k, v) in m {
                element(out, k, v);
            }
            out.push_str(&format!("</{tag}>"));
        }
        Value::Null => out.push_str(&format!("<{tag}/>")),
        Value::String(s) => out.push_str(&format!("<{tag}>{}</{tag}>", escape(s))),
        Value::Bool(b) => out.push_str(&format!("<{tag}>{b}</{tag}>")),
        Value::Number(n) => out.push_str(&format!("<{tag}>{n}</{tag}>")),
    }
}

/// A valid XML name for a JSON key: invalid characters become `_`, and a name that cannot
/// start an element gets a `_` in front.
fn tag_name(key: &str) -> String {
    let mut s: String = key
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '_' | '-' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let bad_start = s
        .chars()
        .next()
        .is_none_or(|c| !(c.is_alphabetic() || c == '_'));
    if bad_start || s.to_ascii_lowercase().starts_with("xml") {
        s.insert(0, '_');
    }
    s
}

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Control characters other than tab and line breaks are not allowed in XML 1.0.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn single_member_object_is_the_root() {
        let x = to_xml(
            &json!({"newsletter": {"subscriber": [{"id": "1", "status": 1}, {"id": "2", "status": 0}]}}),
        );
        assert!(x.contains(
            "<newsletter><subscriber><id>1</id><status>1</status></subscriber><subscriber><id>2</id><status>0</status></subscriber></newsletter>"
        ), "{x}");
    }

    #[test]
    fn text_is_escaped_and_names_are_valid() {
        let x = to_xml(&json!({"a": "<b>&\"", "1st": null, "sp ace": true}));
        assert!(x.contains("<payload>"));
        assert!(x.contains("<a>&lt;b&gt;&amp;&quot;</a>"), "{x}");
        assert!(x.contains("<_1st/>"), "{x}");
        assert!(x.contains("<sp_ace>true</sp_ace>"), "{x}");
    }
}
