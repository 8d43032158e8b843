//! A destination type's `data` against its JSON Schema: the part of JSON Schema the types use.

use super::host::is_absolute_url;
use crate::FieldError;
use serde_json::Value;

/// `value` against `schema` (`type`, `properties`, `required`, `additionalProperties: false`,
/// `minLength`, `maxLength`, `minimum`, `maximum`, `pattern`, `format: uri`, `enum`), one
/// error per bad member, named by its path below `path`.
pub fn schema(schema: &Value, value: &Value, path: &str) -> Vec<FieldError> {
    let mut errors = Vec::new();
    schema_into(schema, value, path, &mut errors);
    errors
}

/// A webhook's `data` against its type's schema, at `data.<member>`. `secrets_kept`: the
/// stored webhook's secrets stay, so a write-only member left out is not missing.
pub fn data(type_schema: &Value, data: &Value, secrets_kept: bool) -> Vec<FieldError> {
    let secret = |field: &str| {
        field
            .strip_prefix("data.")
            .and_then(|name| type_schema.get("properties")?.get(name))
            .and_then(|p| p.get("writeOnly"))
            == Some(&Value::Bool(true))
    };
    let mut errors = schema(type_schema, data, "data");
    if secrets_kept {
        errors.retain(|e| !(e.message == REQUIRED && secret(&e.field)));
    }
    errors
}

const REQUIRED: &str = "is required";

fn schema_into(schema: &Value, value: &Value, path: &str, errors: &mut Vec<FieldError>) {
    let mut err = |m: String| errors.push(FieldError::new(path, m));
    let number = |key: &str| schema.get(key).and_then(Value::as_f64);
    match schema.get("type").and_then(Value::as_str) {
        Some("object") => {
            let Some(members) = value.as_object() else {
                return err("must be an object".into());
            };
            let properties = schema.get("properties").and_then(Value::as_object);
            let required = schema.get("required").and_then(Value::as_array);
            for name in required.into_iter().flatten().filter_map(Value::as_str) {
                if !members.contains_key(name) {
                    errors.push(FieldError::new(format!("{path}.{name}"), REQUIRED));
                }
            }
            let closed = schema.get("additionalProperties") == Some(&Value::Bool(false));
            for (name, v) in members {
                let field = format!("{path}.{name}");
                match properties.and_then(|p| p.get(name)) {
                    Some(s) => schema_into(s, v, &field, errors),
                    None if closed => {
                        errors.push(FieldError::new(field, "is not a member of this type"))
                    }
                    None => {}
                }
            }
            return;
        }
        Some("string") => {
            let Some(s) = value.as_str() else {
                return err("must be a string".into());
            };
            // One message per member: the first rule it breaks.
            let chars = s.chars().count() as f64;
            let pattern = schema.get("pattern").and_then(Value::as_str);
            let message = match (number("minLength"), number("maxLength")) {
                (Some(min), _) if chars < min && min <= 1.0 => Some("must not be empty".into()),
                (Some(min), _) if chars < min => Some(format!("must be at least {min} characters")),
                (_, Some(max)) if chars > max => Some(format!("must be at most {max} characters")),
                _ if pattern.is_some_and(|p| pattern::matches(p, s) == Some(false)) => {
                    Some(format!("must match {}", pattern.unwrap_or_default()))
                }
                _ if schema.get("format").and_then(Value::as_str) == Some("uri")
                    && !s.is_empty()
                    && !is_absolute_url(s) =>
                {
                    Some("must be an absolute URL".into())
                }
                _ => None,
            };
            if let Some(m) = message {
                err(m);
            }
        }
        Some(kind @ ("integer" | "number")) => {
            let fits = if kind == "integer" {
                value.is_i64() || value.is_u64()
            } else {
                value.is_number()
            };
            let Some(n) = value.as_f64().filter(|_| fits) else {
                return err(format!(
                    "must be {}",
                    if kind == "integer" {
                        "an integer"
                    } else {
                        "a number"
                    }
                ));
            };
            match (number("minimum"), number("maximum")) {
                (Some(min), Some(max)) if n < min || n > max => {
                    err(format!("must be between {min} and {max}"))
                }
                (Some(min), None) if n < min => err(format!("must be at least {min}")),
                (None, Some(max)) if n > max => err(format!("must be at most {max}")),
                _ => {}
            }
        }
        Some("boolean") if !value.is_boolean() => err("must be true or false".into()),
        _ => {}
    }
    if let Some(options) = schema.get("enum").and_then(Value::as_array) {
        if !options.contains(value) {
            let names: Vec<String> = options.iter().map(Value::to_string).collect();
            err(format!("must be one of {}", names.join(", ")));
        }
    }
}

/// The part of regular-expression syntax a schema's `pattern` needs, matched without a regex
/// engine (which would weigh more in the console's bundle than everything else here): anchors
/// `^` `$`, literals, `.`, `\d` `\w` `\s` and their negations, classes `[a-z0-9_]` and
/// `[^…]`, and the quantifiers `*` `+` `?` `{n}` `{n,}` `{n,m}`. A pattern with anything else
/// (groups, alternation) is not understood, and then not checked.
pub mod pattern {
    /// Whether `text` matches `pattern` (anywhere, unless anchored); `None` when the pattern
    /// uses syntax beyond the subset.
    pub fn matches(pattern: &str, text: &str) -> Option<bool> {
        let p = parse(pattern)?;
        let text: Vec<char> = text.chars().collect();
        let found = if p.start {
            here(&p.pieces, &text, p.end)
        } else {
            (0..=text.len()).any(|i| here(&p.pieces, &text[i..], p.end))
        };
        Some(found)
    }

    struct Pattern {
        start: bool,
        end: bool,
        pieces: Vec<Piece>,
    }

    struct Piece {
        atom: Atom,
        min: usize,
        max: usize,
    }

    enum Atom {
        Any,
        Char(char),
        Class {
            negated: bool,
            ranges: Vec<(char, char)>,
        },
    }

    impl Atom {
        fn accepts(&self, c: char) -> bool {
            match self {
                Atom::Any => c != '\n',
                Atom::Char(x) => *x == c,
                Atom::Class { negated, ranges } => {
                    ranges.iter().any(|&(a, b)| (a..=b).contains(&c)) != *negated
                }
            }
        }
    }

    const DIGIT: &[(char, char)] = &[('0', '9')];
    const WORD: &[(char, char)] = &[('a', 'z'), ('A', 'Z'), ('0', '9'), ('_', '_')];
    const SPACE: &[(char, char)] = &[(' ', ' '), ('\t', '\r')];

    /// The ranges of `\d`, `\w`, `\s` (`negated` for the capital letter), or the escaped
    /// character itself.
    fn escape(c: char) -> Option<(bool, Vec<(char, char)>)> {
        let class = |r: &[(char, char)], negated| Some((negated, r.to_vec()));
        match c {
            'd' => class(DIGIT, false),
            'D' => class(DIGIT, true),
            'w' => class(WORD, false),
            'W' => class(WORD, true),
            's' => class(SPACE, false),
            'S' => class(SPACE, true),
            c if c.is_ascii_punctuation() => Some((false, vec![(c, c)])),
            _ => None,
        }
    }

    fn parse(pattern: &str) -> Option<Pattern> {
        let mut chars: Vec<char> = pattern.chars().collect();
        let start = chars.first() == Some(&'^');
        if start {
            chars.remove(0);
        }
        let escaped_dollar = chars.len() >= 2 && chars[chars.len() - 2] == '\\';
        let end = chars.last() == Some(&'$') && !escaped_dollar;
        if end {
            chars.pop();
        }
        let mut pieces: Vec<Piece> = Vec::new();
        let mut i = 0;
        while i < chars.len() {
            let atom = match chars[i] {
                '.' => Atom::Any,
                '\\' => {
                    i += 1;
                    let (negated, ranges) = escape(*chars.get(i)?)?;
                    match (negated, ranges.as_slice()) {
                        (false, [(a, b)]) if a == b => Atom::Char(*a),
                        _ => Atom::Class { negated, ranges },
                    }
                }
                '[' => {
                    let (atom, next) = class(&chars, i + 1)?;
                    i = next;
                    atom
                }
                '*' | '+' | '?' | '{' => {
                    let last = pieces.last_mut()?;
                    if (last.min, last.max) != (1, 1) {
                        return None; // a quantifier on a quantifier (`a*?`): not ours
                    }
                    let ((min, max), next) = quantifier(&chars, i)?;
                    (last.min, last.max) = (min, max);
                    i = next;
                    continue;
                }
                '(' | ')' | '|' | '^' | '$' | ']' | '}' => return None,
                c => Atom::Char(c),
            };
            pieces.push(Piece {
                atom,
                min: 1,
                max: 1,
            });
            i += 1;
        }
        Some(Pattern { start, end, pieces })
    }

    /// `[…]` from just after the `[`: the atom and the index of the closing `]`.
    fn class(chars: &[char], mut i: usize) -> Option<(Atom, usize)> {
        let negated = chars.get(i) == Some(&'^');
        if negated {
            i += 1;
        }
        let mut ranges = Vec::new();
        let mut first = true;
        loop {
            let c = *chars.get(i)?;
            if c == ']' && !first {
                return Some((Atom::Class { negated, ranges }, i));
            }
            first = false;
            let lo = if c == '\\' {
                i += 1;
                let (neg, r) = escape(*chars.get(i)?)?;
                if neg {
                    return None;
                }
                if r.len() > 1 || r[0].0 != r[0].1 {
                    ranges.extend(r);
                    i += 1;
                    continue;
                }
                r[0].0
            } else {
                c
            };
            if chars.get(i + 1) == Some(&'-') && chars.get(i + 2).is_some_and(|&c| c != ']') {
                let hi = *chars.get(i + 2)?;
                if hi == '\\' || hi < lo {
                    return None;
                }
                ranges.push((lo, hi));
                i += 3;
            } else {
                ranges.push((lo, lo));
                i += 1;
            }
        }
    }

    /// The quantifier at `i`: its bounds and the index after it.
    fn quantifier(chars: &[char], i: usize) -> Option<((usize, usize), usize)> {
        match chars[i] {
            '*' => Some(((0, usize::MAX), i + 1)),
            '+' => Some(((1, usize::MAX), i + 1)),
            '?' => Some(((0, 1), i + 1)),
            _ => {
                let close = i + chars[i..].iter().position(|&c| c == '}')?;
                let body: String = chars[i + 1..close].iter().collect();
                let number = |s: &str| s.parse::<usize>().ok();
                let bounds = match body.split_once(',') {
                    None => (number(&body)?, number(&body)?),
                    Some((lo, "")) => (number(lo)?, usize::MAX),
                    Some((lo, hi)) => (number(lo)?, number(hi)?),
                };
                (bounds.0 <= bounds.1).then_some((bounds, close + 1))
            }
        }
    }

    /// Whether `pieces` match at the start of `text` (to its end when `end`), greedily with
    /// backtracking; with no groups a piece never needs more than its own run.
    fn here(pieces: &[Piece], text: &[char], end: bool) -> bool {
        let Some((p, rest)) = pieces.split_first() else {
            return !end || text.is_empty();
        };
        let run = text
            .iter()
            .take(p.max)
            .take_while(|&&c| p.atom.accepts(c))
            .count();
        run >= p.min && (p.min..=run).rev().any(|k| here(rest, &text[k..], end))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::channels::{outputrocks_schema, outputrocks_types};
    use serde_json::json;

    fn fields(errors: Vec<FieldError>) -> Vec<String> {
        let mut f: Vec<String> = errors.into_iter().map(|e| e.field).collect();
        f.sort();
        f
    }

    #[test]
    fn data_is_checked_against_its_schema() {
        let sftp = outputrocks_schema("sftp-document").unwrap();
        let seed = json!({"host": "sftp.example.com", "user": "sftp-user",
            "password": "sftp-password", "directory": "sftp-directory/sub-directory", "port": 22});
        assert!(schema(&sftp, &seed, "data").is_empty());
        let bad = json!({"host": "", "password": 5, "port": 70000, "extra": true});
        assert_eq!(
            fields(schema(&sftp, &bad, "data")),
            [
                "data.extra",
                "data.host",
                "data.password",
                "data.port",
                "data.user"
            ]
        );
        let epost = outputrocks_schema("epostbusiness-email").unwrap();
        let e = schema(
            &epost,
            &json!({"vendorId": "v", "ekp": "12345", "password": "p"}),
            "data",
        );
        assert_eq!(fields(e.clone()), ["data.ekp"]);
        assert!(e[0].message.contains("at least 10"), "{e:?}");
        let e = schema(
            &epost,
            &json!({"vendorId": "v", "ekp": "12345abcde", "password": "p"}),
            "data",
        );
        assert!(e[0].message.starts_with("must match"), "{e:?}");
        let chargecloud = outputrocks_schema("chargecloud-document").unwrap();
        assert_eq!(
            fields(schema(
                &chargecloud,
                &json!({"apiUrl": "not a url", "apiKey": "k"}),
                "data"
            )),
            ["data.apiUrl"]
        );
        assert_eq!(fields(schema(&sftp, &json!([1]), "data")), ["data"]);
    }

    #[test]
    fn kept_secrets_are_not_missing() {
        let sftp = outputrocks_schema("sftp-document").unwrap();
        let stored = json!({"host": "h", "user": "u"});
        assert_eq!(fields(data(&sftp, &stored, false)), ["data.password"]);
        assert!(data(&sftp, &stored, true).is_empty());
        // Only secrets: a missing plain member is missing all the same.
        assert_eq!(
            fields(data(&sftp, &json!({"host": "h"}), true)),
            ["data.user"]
        );
    }

    #[test]
    fn patterns_in_the_subset() {
        let m = |p, t| pattern::matches(p, t);
        assert_eq!(m("^[0-9]{10}$", "0123456789"), Some(true));
        assert_eq!(m("^[0-9]{10}$", "012345678"), Some(false));
        assert_eq!(m("^[0-9]{10}$", "01234567890"), Some(false));
        assert_eq!(m("^[0-9]{10}$", "012345678a"), Some(false));
        assert_eq!(m("\\d+", "ab12"), Some(true));
        assert_eq!(m("^a.c$", "abc"), Some(true));
        assert_eq!(m("^[^x]*$", "abc"), Some(true));
        assert_eq!(m("^[^x]*$", "axc"), Some(false));
        assert_eq!(m("^[a-z_][a-z0-9_-]{0,3}$", "a_-9"), Some(true));
        assert_eq!(m("^\\w+@\\w+\\.de$", "a@b.de"), Some(true));
        assert_eq!(m("^ab?c+$", "acc"), Some(true));
        assert_eq!(m("x\\$$", "ax$"), Some(true));
        assert_eq!(m("^(a|b)$", "a"), None);
        assert_eq!(m("a{2,1}", "aa"), None);
        assert_eq!(m("a**", "aa"), None);
    }

    #[test]
    fn every_pattern_our_types_use_is_understood() {
        for t in outputrocks_types() {
            for (name, p) in t.schema["properties"].as_object().unwrap() {
                if let Some(p) = p.get("pattern").and_then(Value::as_str) {
                    assert!(pattern::matches(p, "").is_some(), "{}.{name}: {p}", t.name);
                }
            }
        }
    }
}
