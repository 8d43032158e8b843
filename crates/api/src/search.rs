//! Delivery search: the payload field filter language of `GET /deliveries?where=…` and the
//! quoting of free text for a full-text index. The console parses a filter with the same code
//! before sending it, so it can say at the search box which part is wrong and why.
//!
//! A filter is one or more conditions joined by `and` (any case):
//!
//! ```text
//! data.order.email = "ann@example.com" and total > 100 and tags contains "vip"
//! ```
//!
//! A condition is a path (dot-separated keys into the payload; an all-digit key is an array
//! index), an operator (`=`, `!=`, `<`, `<=`, `>`, `>=`, `contains`) and a value: a
//! double-quoted string (`\"` and `\\` escape), a number, `true`, `false`, `null`, or a bare
//! word taken as a string. Hand-written: the language is a few tokens, and a parser generator
//! would not name the failing part in the user's own words.

use std::fmt;

/// Name of the query parameter that carries a filter.
pub const WHERE_PARAM: &str = "where";
/// Name of the query parameter that carries free text.
pub const TEXT_PARAM: &str = "q";
/// Most conditions one filter may have.
pub const MAX_CONDITIONS: usize = 20;
/// Longest filter or free text accepted, in characters.
pub const MAX_LEN: usize = 1000;

/// How a condition compares the payload's value with the given one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    /// Text containing the value (case-insensitive), or an array with the value as an element.
    Contains,
}

impl Op {
    pub fn as_str(self) -> &'static str {
        match self {
            Op::Eq => "=",
            Op::Ne => "!=",
            Op::Lt => "<",
            Op::Le => "<=",
            Op::Gt => ">",
            Op::Ge => ">=",
            Op::Contains => "contains",
        }
    }

    /// An order comparison (`<`, `<=`, `>`, `>=`).
    pub fn is_order(self) -> bool {
        matches!(self, Op::Lt | Op::Le | Op::Gt | Op::Ge)
    }
}

/// The value a condition compares with.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Text(String),
    Number(f64),
    Bool(bool),
    Null,
}

/// One key of a path into the payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Key {
    Member(String),
    Index(u32),
}

/// `path op value`.
#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    pub path: Vec<Key>,
    pub op: Op,
    pub value: Value,
}

impl Condition {
    /// The path as an SQLite JSON path (`$."data"."items"[0]`). Keys hold only letters,
    /// digits, `_` and `-`, so quoting them cannot be escaped from.
    pub fn json_path(&self) -> String {
        let mut out = String::from("$");
        for k in &self.path {
            match k {
                Key::Member(m) => {
                    out.push_str(".\"");
                    out.push_str(m);
                    out.push('"');
                }
                Key::Index(i) => out.push_str(&format!("[{i}]")),
            }
        }
        out
    }
}

/// What is wrong with a filter: where (character offsets, from 0), the part as typed, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub start: usize,
    pub end: usize,
    pub part: String,
    pub message: String,
}

impl fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.part.is_empty() {
            write!(f, "at character {}: {}", self.start + 1, self.message)
        } else {
            write!(
                f,
                "at character {} ({:?}): {}",
                self.start + 1,
                self.part,
                self.message
            )
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Word(String),
    Str(String),
    Num(f64),
    Op(Op),
}

#[derive(Debug, Clone)]
struct Token {
    tok: Tok,
    start: usize,
    end: usize,
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | '@' | '+' | ':' | '/')
}

fn tokenize(chars: &[char]) -> Result<Vec<Token>, SyntaxError> {
    let text = |a: usize, b: usize| chars[a..b].iter().collect::<String>();
    let err = |a: usize, b: usize, message: &str| SyntaxError {
        start: a,
        end: b,
        part: text(a, b),
        message: message.to_owned(),
    };
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let start = i;
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let tok = match c {
            '"' => {
                let mut s = String::new();
                i += 1;
                loop {
                    match chars.get(i) {
                        None => {
                            return Err(err(
                                start,
                                chars.len(),
                                "this text has no closing double quote",
                            ))
                        }
                        Some('"') => {
                            i += 1;
                            break;
                        }
                        Some('\\') => match chars.get(i + 1) {
                            Some(&e @ ('"' | '\\')) => {
                                s.push(e);
                                i += 2;
                            }
                            _ => {
                                return Err(err(
                                    i,
                                    (i + 2).min(chars.len()),
                                    "only \\\" and \\\\ may follow a backslash",
                                ))
                            }
                        },
                        Some(&ch) => {
                            s.push(ch);
                            i += 1;
                        }
                    }
                }
                Tok::Str(s)
            }
            '=' => {
                i += if chars.get(i + 1) == Some(&'=') { 2 } else { 1 };
                Tok::Op(Op::Eq)
            }
            '!' => {
                if chars.get(i + 1) != Some(&'=') {
                    return Err(err(i, i + 1, "did you mean != (not equal)?"));
                }
                i += 2;
                Tok::Op(Op::Ne)
            }
            '<' | '>' => {
                let eq = chars.get(i + 1) == Some(&'=');
                i += if eq { 2 } else { 1 };
                Tok::Op(match (c, eq) {
                    ('<', false) => Op::Lt,
                    ('<', true) => Op::Le,
                    ('>', false) => Op::Gt,
                    _ => Op::Ge,
                })
            }
            c if is_word_char(c) => {
                while i < chars.len() && is_word_char(chars[i]) {
                    i += 1;
                }
                let w = text(start, i);
                let numeric = w.starts_with(|c: char| c.is_ascii_digit() || c == '-')
                    && w.parse::<f64>().is_ok_and(f64::is_finite);
                if numeric {
                    Tok::Num(w.parse().unwrap_or_default())
                } else {
                    Tok::Word(w)
                }
            }
            _ => {
                return Err(err(
                    i,
                    i + 1,
                    "this character has no meaning here (quote text that contains it)",
                ))
            }
        };
        out.push(Token { tok, start, end: i });
    }
    Ok(out)
}

fn parse_path(raw: &str) -> Result<Vec<Key>, &'static str> {
    let mut keys = Vec::new();
    for seg in raw.split('.') {
        if seg.is_empty() {
            return Err("a path has a key between each pair of dots");
        }
        if !seg
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        {
            return Err("a key holds only letters, digits, _ and -");
        }
        if seg.bytes().all(|b| b.is_ascii_digit()) {
            let n = seg.parse().map_err(|_| "this array index is too large")?;
            keys.push(Key::Index(n));
        } else {
            keys.push(Key::Member(seg.to_owned()));
        }
    }
    Ok(keys)
}

/// Parses a filter. An empty (or blank) filter is no condition at all.
pub fn parse_filter(input: &str) -> Result<Vec<Condition>, SyntaxError> {
    let chars: Vec<char> = input.chars().collect();
    if chars.len() > MAX_LEN {
        return Err(SyntaxError {
            start: 0,
            end: chars.len(),
            part: String::new(),
            message: format!("a filter is at most {MAX_LEN} characters long"),
        });
    }
    let tokens = tokenize(&chars)?;
    let text = |a: usize, b: usize| chars[a..b].iter().collect::<String>();
    let at = |t: &Token, message: String| SyntaxError {
        start: t.start,
        end: t.end,
        part: text(t.start, t.end),
        message,
    };
    let at_end = |message: String| SyntaxError {
        start: chars.len(),
        end: chars.len(),
        part: String::new(),
        message,
    };
    let mut conditions = Vec::new();
    let mut it = tokens.iter().peekable();
    while let Some(first) = it.next() {
        if !conditions.is_empty() {
            match &first.tok {
                Tok::Word(w) if w.eq_ignore_ascii_case("and") => {}
                _ => {
                    return Err(at(
                        first,
                        "conditions are joined with \"and\"; this follows a complete condition"
                            .into(),
                    ))
                }
            }
            if conditions.len() == MAX_CONDITIONS {
                return Err(at(
                    first,
                    format!("a filter has at most {MAX_CONDITIONS} conditions"),
                ));
            }
            let Some(next) = it.next() else {
                return Err(at(first, "a condition must follow \"and\"".into()));
            };
            conditions.push(condition(next, &mut it, &at, &at_end)?);
        } else {
            conditions.push(condition(first, &mut it, &at, &at_end)?);
        }
    }
    Ok(conditions)
}

fn condition<'a>(
    first: &'a Token,
    it: &mut std::iter::Peekable<std::slice::Iter<'a, Token>>,
    at: &dyn Fn(&Token, String) -> SyntaxError,
    at_end: &dyn Fn(String) -> SyntaxError,
) -> Result<Condition, SyntaxError> {
    let path = match &first.tok {
        Tok::Word(w) if w.eq_ignore_ascii_case("and") => {
            return Err(at(first, "a condition must come before \"and\"".into()))
        }
        Tok::Word(w) => parse_path(w).map_err(|m| at(first, m.into()))?,
        Tok::Num(_) => parse_path(&at(first, String::new()).part)
            .map_err(|_| at(first, "a condition starts with a field path".into()))?,
        _ => {
            return Err(at(
                first,
                "a condition starts with a field path, such as data.order.total".into(),
            ))
        }
    };
    let op_tok = it.next().ok_or_else(|| {
        at_end(format!(
            "an operator must follow {:?}: =, !=, <, <=, >, >= or contains",
            at(first, String::new()).part
        ))
    })?;
    let op = match &op_tok.tok {
        Tok::Op(op) => *op,
        Tok::Word(w) if w.eq_ignore_ascii_case("contains") => Op::Contains,
        _ => {
            return Err(at(
                op_tok,
                "expected an operator: =, !=, <, <=, >, >= or contains".into(),
            ))
        }
    };
    let value_tok = it.next().ok_or_else(|| {
        at_end(format!(
            "a value must follow {:?}",
            at(op_tok, String::new()).part
        ))
    })?;
    let value = match &value_tok.tok {
        Tok::Str(s) => Value::Text(s.clone()),
        Tok::Num(n) => Value::Number(*n),
        Tok::Word(w) if w == "true" => Value::Bool(true),
        Tok::Word(w) if w == "false" => Value::Bool(false),
        Tok::Word(w) if w == "null" => Value::Null,
        Tok::Word(w) if w.eq_ignore_ascii_case("and") => {
            return Err(at(value_tok, "a value is missing before \"and\"".into()))
        }
        Tok::Word(w) => Value::Text(w.clone()),
        Tok::Op(_) => {
            return Err(at(
                value_tok,
                "expected a value (a number, or text in double quotes)".into(),
            ))
        }
    };
    match (&value, op) {
        (Value::Number(_), _) if op.is_order() => {}
        (Value::Text(_), _) if op.is_order() => {}
        (_, o) if o.is_order() => {
            return Err(at(
                value_tok,
                format!("{} compares numbers or text only", o.as_str()),
            ))
        }
        (Value::Text(_), Op::Contains) => {}
        (Value::Number(_), Op::Contains) => {}
        (_, Op::Contains) => {
            return Err(at(value_tok, "contains looks for text or a number".into()))
        }
        _ => {}
    }
    Ok(Condition { path, op, value })
}

/// Free text as an FTS5 query that cannot be a syntax error: each word becomes a quoted
/// phrase (inner quotes doubled), so operators, parentheses and colons are plain text; a word
/// ending in `*` keeps its prefix search. Words are joined by AND. `None` when nothing is left.
pub fn fts_query(text: &str) -> Option<String> {
    let terms: Vec<String> = text
        .split_whitespace()
        .filter_map(|w| {
            let (body, prefix) = match w.strip_suffix('*') {
                Some(b) if !b.is_empty() => (b, true),
                _ => (w, false),
            };
            // A word of punctuation only has no token to look for.
            if !body.chars().any(char::is_alphanumeric) {
                return None;
            }
            let quoted = format!("\"{}\"", body.replace('"', "\"\""));
            Some(if prefix { format!("{quoted}*") } else { quoted })
        })
        .collect();
    (!terms.is_empty()).then(|| terms.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(s: &str) -> Condition {
        let mut v = parse_filter(s).unwrap();
        assert_eq!(v.len(), 1, "{s}");
        v.remove(0)
    }

    #[test]
    fn each_operator_parses() {
        for (s, op) in [
            ("a = 1", Op::Eq),
            ("a == 1", Op::Eq),
            ("a != 1", Op::Ne),
            ("a < 1", Op::Lt),
            ("a <= 1", Op::Le),
            ("a > 1", Op::Gt),
            ("a >= 1", Op::Ge),
            ("a contains 1", Op::Contains),
            ("a CONTAINS 1", Op::Contains),
            ("a>=1", Op::Ge),
        ] {
            assert_eq!(one(s).op, op, "{s}");
        }
    }

    #[test]
    fn values_and_paths() {
        let c = one(r#"data.order.email = "ann \"x\" \\ b""#);
        assert_eq!(c.value, Value::Text(r#"ann "x" \ b"#.into()));
        assert_eq!(c.json_path(), r#"$."data"."order"."email""#);
        assert_eq!(one("total > -12.5").value, Value::Number(-12.5));
        assert_eq!(one("paid = true").value, Value::Bool(true));
        assert_eq!(one("paid = false").value, Value::Bool(false));
        assert_eq!(one("note = null").value, Value::Null);
        assert_eq!(one("state = shipped").value, Value::Text("shipped".into()));
        assert_eq!(
            one("email = ann@example.com").value,
            Value::Text("ann@example.com".into())
        );
        assert_eq!(one("items.0.sku = x").json_path(), r#"$."items"[0]."sku""#);
        assert_eq!(one("2fa = x").json_path(), r#"$."2fa""#);
        assert_eq!(one("0 = x").json_path(), "$[0]");
        assert!(parse_filter("   ").unwrap().is_empty());
    }

    #[test]
    fn conditions_join_with_and() {
        let v = parse_filter(r#"a = 1 and b.c contains "x y" AND d != z"#).unwrap();
        assert_eq!(v.len(), 3);
        assert_eq!(v[1].value, Value::Text("x y".into()));
        assert_eq!(v[2].op, Op::Ne);
    }

    fn bad(s: &str) -> SyntaxError {
        parse_filter(s).expect_err(s)
    }

    #[test]
    fn errors_name_the_part_and_say_why() {
        let e = bad("total >");
        assert_eq!((e.start, e.part.as_str()), (7, ""));
        assert!(e.message.contains("value must follow \">\""), "{e}");

        let e = bad("total 100");
        assert_eq!((e.start, e.part.as_str()), (6, "100"));
        assert!(e.message.contains("operator"), "{e}");

        let e = bad(r#"a = "open"#);
        assert_eq!((e.start, e.part.as_str()), (4, "\"open"));
        assert!(e.message.contains("closing double quote"), "{e}");

        let e = bad("a = 1 b = 2");
        assert_eq!(e.part, "b");
        assert!(e.message.contains("and"), "{e}");

        let e = bad("a = 1 and");
        assert_eq!(e.part, "and");

        let e = bad("a..b = 1");
        assert_eq!(e.part, "a..b");
        assert!(e.message.contains("dots"), "{e}");

        let e = bad("a = (1)");
        assert_eq!((e.start, e.part.as_str()), (4, "("));

        let e = bad("a ! 1");
        assert!(e.message.contains("!="), "{e}");

        let e = bad("a > true");
        assert_eq!(e.part, "true");

        let e = bad("a = > 1");
        assert_eq!(e.part, ">");

        let e = bad(r#""a" = 1"#);
        assert!(e.message.contains("field path"), "{e}");

        let e = bad("a = 1 and = 2");
        assert_eq!(e.part, "=");

        let e = bad(r#"a = "x\n""#);
        assert!(e.message.contains("backslash"), "{e}");

        let long = "a = 1 and ".repeat(MAX_CONDITIONS) + "a = 1";
        assert!(bad(&long).message.contains("at most"));
        assert!(bad(&"x".repeat(MAX_LEN + 1)).message.contains("at most"));
        // Offsets count characters, not bytes.
        let e = bad("é = 1 ?");
        assert_eq!((e.start, e.part.as_str()), (6, "?"));
        assert_eq!(e.to_string(), "at character 7 (\"?\"): this character has no meaning here (quote text that contains it)");
    }

    #[test]
    fn free_text_is_quoted_for_fts() {
        assert_eq!(fts_query("  "), None);
        assert_eq!(fts_query("!!! ()"), None);
        assert_eq!(fts_query("timeout"), Some("\"timeout\"".into()));
        assert_eq!(
            fts_query(r#"a"b OR c* NEAR(x) col:y *"#),
            Some(r#""a""b" "OR" "c"* "NEAR(x)" "col:y""#.into())
        );
    }
}
