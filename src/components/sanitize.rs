//! Allow-list HTML sanitiser for endpoint-supplied HTML (the overview): the browser's inert
//! `DOMParser` builds the tree, and only allowed elements and attributes are written back out.
// The allow-lists are only walked in the browser; natively everything becomes text.
#![cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]

/// Elements kept (with their allowed attributes); anything else not in `DROPPED` is unwrapped
/// (its children are kept, the element itself is not).
const ALLOWED: &[&str] = &[
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "caption",
    "code",
    "dd",
    "del",
    "div",
    "dl",
    "dt",
    "em",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "ins",
    "kbd",
    "li",
    "mark",
    "ol",
    "p",
    "pre",
    "q",
    "s",
    "samp",
    "small",
    "span",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "time",
    "tr",
    "u",
    "ul",
];

/// Elements removed with everything inside them: active content, external loads, forms,
/// and foreign markup whose parsing rules differ.
const DROPPED: &[&str] = &[
    "applet",
    "audio",
    "base",
    "button",
    "canvas",
    "datalist",
    "dialog",
    "embed",
    "fieldset",
    "form",
    "frame",
    "frameset",
    "iframe",
    "img",
    "input",
    "link",
    "map",
    "math",
    "meta",
    "noembed",
    "noframes",
    "noscript",
    "object",
    "option",
    "param",
    "picture",
    "portal",
    "script",
    "select",
    "source",
    "style",
    "svg",
    "template",
    "textarea",
    "title",
    "track",
    "video",
    "xmp",
    "plaintext",
    "head",
    "object",
    "output",
    "meter",
    "progress",
];

const VOID: &[&str] = &["br", "hr"];

/// Deeper nesting than this is cut off: it is never legitimate in an overview and would make
/// the recursion a weapon.
const MAX_DEPTH: usize = 48;

/// Longest input read; the rest is ignored.
pub const MAX_INPUT: usize = 256 * 1024;

/// Escapes text for an HTML text node or a double-quoted attribute value.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A link target that cannot run code or load anything by itself: absolute http(s) or mailto.
/// Browsers ignore tabs, newlines and leading control characters in a scheme, so they are
/// removed before looking at it (`java\tscript:` is `javascript:`).
pub fn safe_href(raw: &str) -> Option<String> {
    let cleaned: String = raw
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
        .collect();
    let cleaned = cleaned.trim();
    let lower = cleaned.to_ascii_lowercase();
    let ok = lower.starts_with("https://")
        || lower.starts_with("http://")
        || lower.starts_with("mailto:");
    ok.then(|| cleaned.to_owned())
}

fn allowed_attrs(tag: &str) -> &'static [&'static str] {
    match tag {
        "a" => &["href", "title"],
        "abbr" => &["title"],
        "td" | "th" => &["colspan", "rowspan", "title"],
        "ol" => &["start"],
        "time" => &["datetime", "title"],
        _ => &["title"],
    }
}

/// Writes one allowed attribute, or nothing when its value is not acceptable.
fn write_attr(out: &mut String, tag: &str, name: &str, value: &str) {
    let value = match name {
        "href" => match safe_href(value) {
            Some(v) => v,
            None => return,
        },
        "colspan" | "rowspan" | "start" => {
            let v = value.trim();
            if v.is_empty() || v.len() > 4 || !v.bytes().all(|b| b.is_ascii_digit()) {
                return;
            }
            v.to_owned()
        }
        _ => value.chars().take(500).collect(),
    };
    out.push(' ');
    out.push_str(name);
    out.push_str("=\"");
    out.push_str(&escape(&value));
    out.push('"');
    if tag == "a" && name == "href" {
        out.push_str(" rel=\"noopener noreferrer nofollow\" target=\"_blank\"");
    }
}

/// Sanitises `html` into markup that is safe to insert: no scripts, no event handlers, no
/// `style`, no `javascript:`/`data:` URLs, nothing that loads from elsewhere, no forms.
#[cfg(target_arch = "wasm32")]
pub fn sanitize_html(html: &str) -> String {
    use wasm_bindgen::JsCast;
    use web_sys::{DomParser, Element, Node, SupportedType};

    fn walk(node: &Node, depth: usize, out: &mut String) {
        if depth > MAX_DEPTH {
            return;
        }
        let children = node.child_nodes();
        for i in 0..children.length() {
            let Some(child) = children.item(i) else {
                continue;
            };
            match child.node_type() {
                Node::TEXT_NODE => out.push_str(&escape(&child.node_value().unwrap_or_default())),
                Node::ELEMENT_NODE => {
                    let Ok(el) = child.clone().dyn_into::<Element>() else {
                        continue;
                    };
                    // Elements in the SVG/MathML namespaces have the same local names as HTML
                    // ones but other parsing rules; only the HTML namespace is trusted.
                    if el.namespace_uri().as_deref() != Some("http://www.w3.org/1999/xhtml") {
                        continue;
                    }
                    let tag = el.local_name().to_ascii_lowercase();
                    if DROPPED.contains(&tag.as_str()) {
                        continue;
                    }
                    if !ALLOWED.contains(&tag.as_str()) {
                        walk(&child, depth + 1, out);
                        continue;
                    }
                    out.push('<');
                    out.push_str(&tag);
                    for name in allowed_attrs(&tag) {
                        if let Some(v) = el.get_attribute(name) {
                            write_attr(out, &tag, name, &v);
                        }
                    }
                    out.push('>');
                    if VOID.contains(&tag.as_str()) {
                        continue;
                    }
                    walk(&child, depth + 1, out);
                    out.push_str("</");
                    out.push_str(&tag);
                    out.push('>');
                }
                // Comments, processing instructions, doctype: never shown.
                _ => {}
            }
        }
    }

    let input: String = html.chars().take(MAX_INPUT).collect();
    let Ok(parser) = DomParser::new() else {
        return escape(&input);
    };
    let Ok(doc) = parser.parse_from_string(&input, SupportedType::TextHtml) else {
        return escape(&input);
    };
    let mut out = String::new();
    if let Some(body) = doc.body() {
        walk(&body, 0, &mut out);
    }
    out
}

/// Outside a browser there is no parser to trust: everything becomes text.
#[cfg(not(target_arch = "wasm32"))]
pub fn sanitize_html(html: &str) -> String {
    let input: String = html.chars().take(MAX_INPUT).collect();
    escape(&input)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hrefs_are_limited_to_safe_schemes() {
        assert_eq!(
            safe_href(" https://a.test/x ").as_deref(),
            Some("https://a.test/x")
        );
        assert!(safe_href("mailto:a@b.test").is_some());
        assert!(safe_href("javascript:alert(1)").is_none());
        assert!(safe_href("JaVaScRiPt:alert(1)").is_none());
        assert!(safe_href("java\tscript:alert(1)").is_none());
        assert!(safe_href("\u{1}javascript:alert(1)").is_none());
        assert!(safe_href("data:text/html,<script>alert(1)</script>").is_none());
        assert!(safe_href("vbscript:x").is_none());
        assert!(safe_href("/relative").is_none());
        assert!(safe_href("//evil.test/").is_none());
    }

    #[test]
    fn escaping_covers_markup_and_quotes() {
        assert_eq!(
            escape(r#"<a href="x">'&'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
        let mut out = String::new();
        write_attr(&mut out, "td", "colspan", "2\" onclick=\"x");
        assert_eq!(out, "");
        write_attr(&mut out, "a", "title", "\" onmouseover=\"x");
        assert_eq!(out, " title=\"&quot; onmouseover=&quot;x\"");
    }

    #[test]
    fn native_fallback_is_plain_text() {
        assert_eq!(sanitize_html("<b>x</b>"), "&lt;b&gt;x&lt;/b&gt;");
    }
}
