//! Pure pretty-printers for JSON and XML bodies, with size and depth caps, and token
//! classification for highlighting. Nothing here trusts its input: anything it cannot format
//! safely comes back as an error so the caller shows the raw text instead.

use std::fmt;

/// Bodies larger than this are not reformatted (the browser would stall on the highlighting).
pub const PRETTY_MAX_BYTES: usize = 512 * 1024;
/// Nesting deeper than this is shown raw: indentation alone would blow the output up.
pub const MAX_DEPTH: usize = 100;
/// The formatted text may not grow past this, whatever the input's shape.
pub const OUTPUT_MAX_BYTES: usize = 2 * 1024 * 1024;
/// Highlighting makes one DOM node per token; past this many bytes the text stays plain.
pub const HIGHLIGHT_MAX_BYTES: usize = 96 * 1024;

const INDENT: &str = "  ";

/// Why a body could not be pretty-printed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PrettyError {
    TooLarge { bytes: usize },
    TooDeep,
    Invalid(String),
}

impl fmt::Display for PrettyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PrettyError::TooLarge { bytes } => {
                write!(f, "too large to format ({})", crate::format::bytes(*bytes))
            }
            PrettyError::TooDeep => write!(f, "nested more than {MAX_DEPTH} levels deep"),
            PrettyError::Invalid(why) => write!(f, "not valid: {why}"),
        }
    }
}

/// What a body is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Json,
    Xml,
    Text,
}

impl Lang {
    pub fn as_str(self) -> &'static str {
        match self {
            Lang::Json => "json",
            Lang::Xml => "xml",
            Lang::Text => "text",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Lang::Json => "JSON",
            Lang::Xml => "XML",
            Lang::Text => "Text",
        }
    }
}

/// The language of a body: from its content type when that says, else from its first character.
pub fn detect(content_type: Option<&str>, body: &str) -> Lang {
    if let Some(ct) = content_type.map(str::to_ascii_lowercase) {
        if ct.contains("json") {
            return Lang::Json;
        }
        if ct.contains("xml") {
            return Lang::Xml;
        }
    }
    match body.trim_start().chars().next() {
        Some('{') | Some('[') => Lang::Json,
        Some('<') => Lang::Xml,
        _ => Lang::Text,
    }
}

/// Formats by language; text passes through unchanged.
pub fn pretty(lang: Lang, input: &str) -> Result<String, PrettyError> {
    match lang {
        Lang::Json => pretty_json(input),
        Lang::Xml => pretty_xml(input),
        Lang::Text => Ok(input.to_owned()),
    }
}

fn push_indent(out: &mut String, depth: usize) {
    out.push('\n');
    for _ in 0..depth {
        out.push_str(INDENT);
    }
}

/// Re-indents JSON text two spaces per level, keeping member order and number spelling.
pub fn pretty_json(input: &str) -> Result<String, PrettyError> {
    if input.len() > PRETTY_MAX_BYTES {
        return Err(PrettyError::TooLarge { bytes: input.len() });
    }
    // serde_json stops at 128 levels with an error rather than overflowing the stack, so this
    // validates hostile input safely; the re-indenting below may then assume well-formed text.
    if let Err(e) = serde_json::from_str::<serde::de::IgnoredAny>(input) {
        let msg = e.to_string();
        if msg.contains("recursion limit") {
            return Err(PrettyError::TooDeep);
        }
        return Err(PrettyError::Invalid(msg));
    }
    let mut out = String::with_capacity(input.len() + input.len() / 2);
    let mut depth = 0usize;
    let mut chars = input.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                out.push('"');
                let mut escaped = false;
                for s in chars.by_ref() {
                    out.push(s);
                    if escaped {
                        escaped = false;
                    } else if s == '\\' {
                        escaped = true;
                    } else if s == '"' {
                        break;
                    }
                }
            }
            '{' | '[' => {
                let close = if c == '{' { '}' } else { ']' };
                while chars.peek().is_some_and(|n| n.is_whitespace()) {
                    chars.next();
                }
                if chars.peek() == Some(&close) {
                    chars.next();
                    out.push(c);
                    out.push(close);
                } else {
                    depth += 1;
                    if depth > MAX_DEPTH {
                        return Err(PrettyError::TooDeep);
                    }
                    out.push(c);
                    push_indent(&mut out, depth);
                }
            }
            '}' | ']' => {
                depth = depth.saturating_sub(1);
                push_indent(&mut out, depth);
                out.push(c);
            }
            ',' => {
                out.push(',');
                push_indent(&mut out, depth);
            }
            ':' => out.push_str(": "),
            c if c.is_whitespace() => {}
            c => out.push(c),
        }
        if out.len() > OUTPUT_MAX_BYTES {
            return Err(PrettyError::TooLarge { bytes: input.len() });
        }
    }
    Ok(out)
}

/// One piece of an XML document as the tokenizer sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
enum XmlPiece<'a> {
    /// `<?…?>`, `<!--…-->`, `<![CDATA[…]]>`, `<!DOCTYPE …>`: kept verbatim, no nesting.
    Other(&'a str),
    Open {
        name: &'a str,
        raw: &'a str,
    },
    SelfClosing(&'a str),
    Close {
        name: &'a str,
        raw: &'a str,
    },
    Text(&'a str),
}

fn tag_name(inner: &str) -> &str {
    let end = inner
        .find(|c: char| c.is_whitespace() || c == '/' || c == '>')
        .unwrap_or(inner.len());
    &inner[..end]
}

fn valid_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_alphabetic() || c == '_' || c == ':')
        && chars.all(|c| c.is_alphanumeric() || matches!(c, '_' | ':' | '-' | '.'))
}

/// Finds the end of a tag starting at `start` (a `<`), skipping `>` inside quoted attributes.
fn tag_end(input: &str, start: usize) -> Option<usize> {
    let mut quote: Option<u8> = None;
    for (i, b) in input.as_bytes()[start..].iter().enumerate() {
        match (quote, *b) {
            (Some(q), b) if b == q => quote = None,
            (Some(_), _) => {}
            (None, b'"') | (None, b'\'') => quote = Some(*b),
            (None, b'<') if i > 0 => return None,
            (None, b'>') => return Some(start + i + 1),
            _ => {}
        }
    }
    None
}

fn tokenize_xml(input: &str) -> Result<Vec<XmlPiece<'_>>, PrettyError> {
    let invalid = |why: &str| PrettyError::Invalid(why.to_owned());
    let mut pieces = Vec::new();
    let mut pos = 0;
    while pos < input.len() {
        let rest = &input[pos..];
        if !rest.starts_with('<') {
            let end = rest.find('<').map_or(input.len(), |i| pos + i);
            let text = input[pos..end].trim();
            if !text.is_empty() {
                pieces.push(XmlPiece::Text(text));
            }
            pos = end;
            continue;
        }
        let terminated = |open: &str, close: &str| -> Result<usize, PrettyError> {
            rest[open.len()..]
                .find(close)
                .map(|i| pos + open.len() + i + close.len())
                .ok_or_else(|| invalid(&format!("unterminated {open}")))
        };
        let end = if rest.starts_with("<?") {
            terminated("<?", "?>")?
        } else if rest.starts_with("<!--") {
            terminated("<!--", "-->")?
        } else if rest.starts_with("<![CDATA[") {
            terminated("<![CDATA[", "]]>")?
        } else if rest.starts_with("<!") {
            tag_end(input, pos).ok_or_else(|| invalid("unterminated declaration"))?
        } else {
            let end = tag_end(input, pos).ok_or_else(|| invalid("unterminated tag"))?;
            let raw = &input[pos..end];
            if let Some(inner) = raw.strip_prefix("</") {
                let name = tag_name(inner);
                if !valid_name(name) {
                    return Err(invalid("bad closing tag"));
                }
                pieces.push(XmlPiece::Close { name, raw });
            } else {
                let name = tag_name(&raw[1..]);
                if !valid_name(name) {
                    return Err(invalid("bad tag name"));
                }
                if raw.ends_with("/>") {
                    pieces.push(XmlPiece::SelfClosing(raw));
                } else {
                    pieces.push(XmlPiece::Open { name, raw });
                }
            }
            pos = end;
            continue;
        };
        pieces.push(XmlPiece::Other(&input[pos..end]));
        pos = end;
    }
    Ok(pieces)
}

/// Re-indents XML two spaces per level; an element holding only text stays on one line.
/// Tags must balance; text and attributes are kept exactly as sent (entities unexpanded).
pub fn pretty_xml(input: &str) -> Result<String, PrettyError> {
    if input.len() > PRETTY_MAX_BYTES {
        return Err(PrettyError::TooLarge { bytes: input.len() });
    }
    let pieces = tokenize_xml(input)?;
    if !pieces
        .iter()
        .any(|p| matches!(p, XmlPiece::Open { .. } | XmlPiece::SelfClosing(_)))
    {
        return Err(PrettyError::Invalid("no element".into()));
    }
    let mut out = String::with_capacity(input.len() + input.len() / 2);
    let mut stack: Vec<&str> = Vec::new();
    let mut i = 0;
    while i < pieces.len() {
        let depth = stack.len();
        if !out.is_empty() {
            push_indent(&mut out, depth);
        }
        match &pieces[i] {
            XmlPiece::Open { name, raw } => {
                // `<a>text</a>` reads best on one line.
                if let (
                    Some(XmlPiece::Text(text)),
                    Some(XmlPiece::Close {
                        name: close,
                        raw: close_raw,
                    }),
                ) = (pieces.get(i + 1), pieces.get(i + 2))
                {
                    if close == name {
                        out.push_str(raw);
                        out.push_str(text);
                        out.push_str(close_raw);
                        i += 3;
                        continue;
                    }
                }
                // `<a></a>` too.
                if let Some(XmlPiece::Close {
                    name: close,
                    raw: close_raw,
                }) = pieces.get(i + 1)
                {
                    if close == name {
                        out.push_str(raw);
                        out.push_str(close_raw);
                        i += 2;
                        continue;
                    }
                }
                out.push_str(raw);
                stack.push(name);
                if stack.len() > MAX_DEPTH {
                    return Err(PrettyError::TooDeep);
                }
            }
            XmlPiece::Close { name, raw } => {
                match stack.pop() {
                    Some(open) if open == *name => {}
                    Some(open) => {
                        return Err(PrettyError::Invalid(format!("</{name}> closes <{open}>")))
                    }
                    None => return Err(PrettyError::Invalid(format!("</{name}> closes nothing"))),
                }
                // The indent was written for the inner level: redo it one level out.
                let trimmed = out.trim_end_matches(' ').len();
                out.truncate(trimmed);
                for _ in 0..stack.len() {
                    out.push_str(INDENT);
                }
                out.push_str(raw);
            }
            XmlPiece::SelfClosing(raw) | XmlPiece::Other(raw) | XmlPiece::Text(raw) => {
                out.push_str(raw)
            }
        }
        if out.len() > OUTPUT_MAX_BYTES {
            return Err(PrettyError::TooLarge { bytes: input.len() });
        }
        i += 1;
    }
    if let Some(open) = stack.last() {
        return Err(PrettyError::Invalid(format!("<{open}> is never closed")));
    }
    Ok(out)
}

/// What a highlighted piece of code is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    Plain,
    Key,
    String,
    Number,
    Literal,
    Tag,
    Comment,
}

impl TokenKind {
    pub fn class(self) -> &'static str {
        match self {
            TokenKind::Plain => "tok-plain",
            TokenKind::Key => "tok-key",
            TokenKind::String => "tok-string",
            TokenKind::Number => "tok-number",
            TokenKind::Literal => "tok-literal",
            TokenKind::Tag => "tok-tag",
            TokenKind::Comment => "tok-comment",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub kind: TokenKind,
    pub text: String,
}

fn push_token(tokens: &mut Vec<Token>, kind: TokenKind, text: &str) {
    if text.is_empty() {
        return;
    }
    match tokens.last_mut() {
        Some(last) if last.kind == kind => last.text.push_str(text),
        _ => tokens.push(Token {
            kind,
            text: text.to_owned(),
        }),
    }
}

/// Splits formatted JSON into classified tokens; concatenated they give back `text` exactly.
pub fn highlight_json(text: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let start = i;
        match bytes[i] {
            b'"' => {
                i += 1;
                while i < bytes.len() {
                    match bytes[i] {
                        b'\\' => i += 2,
                        b'"' => {
                            i += 1;
                            break;
                        }
                        _ => i += 1,
                    }
                }
                let i_end = i.min(bytes.len());
                let rest = text[i_end..].trim_start_matches([' ', '\t']);
                let kind = if rest.starts_with(':') {
                    TokenKind::Key
                } else {
                    TokenKind::String
                };
                i = i_end;
                push_token(&mut tokens, kind, &text[start..i]);
            }
            b'-' | b'0'..=b'9' => {
                while i < bytes.len()
                    && matches!(bytes[i], b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9')
                {
                    i += 1;
                }
                push_token(&mut tokens, TokenKind::Number, &text[start..i]);
            }
            b't' | b'f' | b'n' => {
                while i < bytes.len() && bytes[i].is_ascii_alphabetic() {
                    i += 1;
                }
                push_token(&mut tokens, TokenKind::Literal, &text[start..i]);
            }
            _ => {
                // Step a whole character so slicing stays on UTF-8 boundaries.
                let len = text[i..].chars().next().map_or(1, char::len_utf8);
                i += len;
                push_token(&mut tokens, TokenKind::Plain, &text[start..i]);
            }
        }
    }
    tokens
}

/// Splits XML into tags, comments and text; concatenated they give back `text` exactly.
pub fn highlight_xml(text: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut pos = 0;
    while pos < text.len() {
        let rest = &text[pos..];
        if rest.starts_with("<!--") {
            let end = rest.find("-->").map_or(text.len(), |i| pos + i + 3);
            push_token(&mut tokens, TokenKind::Comment, &text[pos..end]);
            pos = end;
        } else if rest.starts_with("<![CDATA[") {
            let end = rest.find("]]>").map_or(text.len(), |i| pos + i + 3);
            push_token(&mut tokens, TokenKind::String, &text[pos..end]);
            pos = end;
        } else if rest.starts_with('<') {
            let end = tag_end(text, pos).unwrap_or(text.len());
            push_token(&mut tokens, TokenKind::Tag, &text[pos..end]);
            pos = end;
        } else {
            let end = rest.find('<').map_or(text.len(), |i| pos + i);
            push_token(&mut tokens, TokenKind::Plain, &text[pos..end]);
            pos = end;
        }
    }
    tokens
}

/// Tokens for display: highlighted when small enough, otherwise one plain token.
pub fn highlight(lang: Lang, text: &str) -> Vec<Token> {
    if text.len() > HIGHLIGHT_MAX_BYTES {
        return vec![Token {
            kind: TokenKind::Plain,
            text: text.to_owned(),
        }];
    }
    match lang {
        Lang::Json => highlight_json(text),
        Lang::Xml => highlight_xml(text),
        Lang::Text => vec![Token {
            kind: TokenKind::Plain,
            text: text.to_owned(),
        }],
    }
}

/// A prefix of at most `max` bytes, cut on a character boundary.
pub fn cap(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_is_reindented_in_order() {
        let out =
            pretty_json(r#"{"b":1,"a":[true,null,{"x":"y, \"z\": {"}],"e":{},"f":[]}"#).unwrap();
        assert_eq!(
            out,
            "{\n  \"b\": 1,\n  \"a\": [\n    true,\n    null,\n    {\n      \"x\": \"y, \\\"z\\\": {\"\n    }\n  ],\n  \"e\": {},\n  \"f\": []\n}"
        );
        assert_eq!(pretty_json("  12.50e3 ").unwrap(), "12.50e3");
    }

    #[test]
    fn json_invalid_deep_and_huge_are_refused() {
        assert!(matches!(
            pretty_json("{\"a\": }"),
            Err(PrettyError::Invalid(_))
        ));
        assert!(matches!(
            pretty_json("<script>alert(1)</script>"),
            Err(PrettyError::Invalid(_))
        ));
        assert!(matches!(pretty_json(""), Err(PrettyError::Invalid(_))));
        let deep = "[".repeat(100_000) + &"]".repeat(100_000);
        assert_eq!(pretty_json(&deep), Err(PrettyError::TooDeep));
        let ok_deep = "[".repeat(120) + &"]".repeat(120);
        assert_eq!(pretty_json(&ok_deep), Err(PrettyError::TooDeep));
        let huge = format!("[{}1]", "1,".repeat(PRETTY_MAX_BYTES));
        assert!(matches!(
            pretty_json(&huge),
            Err(PrettyError::TooLarge { .. })
        ));
    }

    #[test]
    fn json_output_growth_is_capped() {
        // 90 levels deep, then many members: indentation would multiply the size.
        let mut s = "{\"a\":".repeat(90);
        s.push('[');
        s.push_str(&"1,".repeat(100_000));
        s.push('1');
        s.push(']');
        s.push_str(&"}".repeat(90));
        assert!(matches!(pretty_json(&s), Err(PrettyError::TooLarge { .. })));
    }

    #[test]
    fn xml_is_reindented() {
        let out = pretty_xml(
            r#"<?xml version="1.0"?><orders><order id="a>b"><name>Tulips &amp; co</name><empty/><none></none><!-- c --></order></orders>"#,
        )
        .unwrap();
        assert_eq!(
            out,
            "<?xml version=\"1.0\"?>\n<orders>\n  <order id=\"a>b\">\n    <name>Tulips &amp; co</name>\n    <empty/>\n    <none></none>\n    <!-- c -->\n  </order>\n</orders>"
        );
    }

    #[test]
    fn xml_hostile_input_is_refused() {
        assert!(matches!(
            pretty_xml("<a><b></a></b>"),
            Err(PrettyError::Invalid(_))
        ));
        assert!(matches!(pretty_xml("<a>"), Err(PrettyError::Invalid(_))));
        assert!(matches!(pretty_xml("</a>"), Err(PrettyError::Invalid(_))));
        assert!(matches!(
            pretty_xml("<a attr=\"x>"),
            Err(PrettyError::Invalid(_))
        ));
        assert!(matches!(pretty_xml("<<<>>>"), Err(PrettyError::Invalid(_))));
        assert!(matches!(
            pretty_xml("just text"),
            Err(PrettyError::Invalid(_))
        ));
        assert!(matches!(
            pretty_xml("<!-- never ends"),
            Err(PrettyError::Invalid(_))
        ));
        let deep = "<a>".repeat(50_000) + &"</a>".repeat(50_000);
        assert_eq!(pretty_xml(&deep), Err(PrettyError::TooDeep));
        let huge = "<a>".to_owned() + &"x".repeat(PRETTY_MAX_BYTES) + "</a>";
        assert!(matches!(
            pretty_xml(&huge),
            Err(PrettyError::TooLarge { .. })
        ));
        // Script-looking markup is fine to format: it is displayed as text, never parsed as HTML.
        assert!(
            pretty_xml("<p><script>alert(1)</script><img src=x onerror=\"alert(1)\"/></p>").is_ok()
        );
    }

    #[test]
    fn highlighting_is_lossless() {
        let json = pretty_json(r#"{"k":"v:","n":-1.5e3,"t":true,"u":"é\"ü","z":null}"#).unwrap();
        let toks = highlight_json(&json);
        assert_eq!(
            toks.iter().map(|t| t.text.as_str()).collect::<String>(),
            json
        );
        assert!(toks.contains(&Token {
            kind: TokenKind::Key,
            text: "\"k\"".into()
        }));
        assert!(toks.contains(&Token {
            kind: TokenKind::String,
            text: "\"v:\"".into()
        }));
        assert!(toks.contains(&Token {
            kind: TokenKind::Number,
            text: "-1.5e3".into()
        }));
        let xml = "<a x=\"1\"><!-- c -->t&lt;<![CDATA[<b>]]></a>";
        let toks = highlight_xml(xml);
        assert_eq!(
            toks.iter().map(|t| t.text.as_str()).collect::<String>(),
            xml
        );
        assert_eq!(
            toks[0],
            Token {
                kind: TokenKind::Tag,
                text: "<a x=\"1\">".into()
            }
        );
        // Broken input still round-trips.
        for s in ["\"unterminated", "<a", "{\"é", "\\"] {
            assert_eq!(
                highlight_json(s)
                    .iter()
                    .map(|t| t.text.as_str())
                    .collect::<String>(),
                s
            );
            assert_eq!(
                highlight_xml(s)
                    .iter()
                    .map(|t| t.text.as_str())
                    .collect::<String>(),
                s
            );
        }
    }

    #[test]
    fn detects_language() {
        assert_eq!(
            detect(Some("application/json; charset=utf-8"), "x"),
            Lang::Json
        );
        assert_eq!(detect(Some("text/xml"), "{"), Lang::Xml);
        assert_eq!(detect(None, "  [1]"), Lang::Json);
        assert_eq!(detect(None, "<a/>"), Lang::Xml);
        assert_eq!(detect(Some("text/plain"), "hello"), Lang::Text);
    }

    #[test]
    fn cap_respects_char_boundaries() {
        assert_eq!(cap("héllo", 2), "h");
        assert_eq!(cap("héllo", 3), "hé");
        assert_eq!(cap("abc", 10), "abc");
    }
}
