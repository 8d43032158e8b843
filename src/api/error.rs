//! `ApiError`: every way a request can fail, and the pure mapping from an HTTP response to it.

use serde::de::DeserializeOwned;
use switchboard_api::{Envelope, FieldError, Problem};

/// Longest piece of a non-JSON error body kept for the message; bodies are never shown as HTML.
const SNIPPET_CHARS: usize = 200;
/// Longest server-written detail kept in a message: a megabyte of "detail" is an attack or a
/// bug, and either way it must not push the rest of the page out of sight.
const DETAIL_CHARS: usize = 300;

/// Server text made fit for one line of a message: control characters and bidirectional
/// overrides (which can make a message read backwards) dropped, whitespace collapsed, cut.
pub fn plain(text: &str, max_chars: usize) -> String {
    let mut out = String::with_capacity(text.len().min(max_chars * 4));
    let mut count = 0;
    let mut last_space = true;
    for c in text.chars() {
        if is_format_control(c) {
            continue;
        }
        if c.is_whitespace() || c.is_control() {
            if !last_space {
                out.push(' ');
                last_space = true;
                count += 1;
            }
        } else {
            out.push(c);
            last_space = false;
            count += 1;
        }
        if count >= max_chars {
            out = out.trim_end().to_owned();
            out.push('…');
            return out;
        }
    }
    out.trim_end().to_owned()
}

/// Invisible characters that change how the text around them reads: bidi embeddings,
/// overrides and isolates, zero-width joiners and spaces, the byte-order mark.
fn is_format_control(c: char) -> bool {
    matches!(c,
        '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FEFF}')
}

#[derive(Debug, Clone, PartialEq)]
pub enum ApiError {
    /// No HTTP response at all: server down, DNS, connection reset, CORS, offline.
    Network { message: String },
    /// The request was cancelled by the user or by leaving the page.
    Aborted,
    /// No answer at all within this many seconds.
    Timeout { seconds: u32 },
    /// The answer started but the connection broke off before it was complete.
    Interrupted { message: String },
    /// The answer is larger than the console is willing to read.
    TooLarge { bytes: u64 },
    /// The server answered with a non-2xx status.
    Http {
        status: u16,
        problem: Problem,
        /// Seconds from `Retry-After`, on 429 and 503.
        retry_after: Option<u32>,
    },
    /// A 2xx whose body is not what the contract promises.
    Decode { status: u16, message: String },
    /// The server at `origin` answered, but the browser withheld the answer: that origin does
    /// not allow this console's (CORS).
    CorsBlocked { origin: String },
    /// The backend's API has no way to do this (a vendor without an update, say); nothing
    /// was sent.
    Unsupported { what: String },
}

impl ApiError {
    pub fn status_code(&self) -> Option<u16> {
        match self {
            ApiError::Http { status, .. } | ApiError::Decode { status, .. } => Some(*status),
            _ => None,
        }
    }

    pub fn field_errors(&self) -> &[FieldError] {
        match self {
            ApiError::Http { problem, .. } => &problem.errors,
            _ => &[],
        }
    }

    pub fn request_id(&self) -> Option<&str> {
        match self {
            ApiError::Http { problem, .. } => problem.request_id.as_deref(),
            _ => None,
        }
    }

    pub fn is_unauthorised(&self) -> bool {
        self.status_code() == Some(401)
    }

    pub fn is_not_found(&self) -> bool {
        matches!(self, ApiError::Http { status: 404, .. })
    }

    /// One sentence for a person: what happened and, where it helps, what to do.
    pub fn message(&self) -> String {
        match self {
            ApiError::Network { .. } => {
                "Cannot reach the server. Check the base URL and that the server is running.".into()
            }
            ApiError::Aborted => "The request was cancelled.".into(),
            ApiError::CorsBlocked { origin } => format!(
                "{origin} answered, but the browser withheld the answer: that server does not allow this console's origin (CORS). Allow it there, or connect through this console's server (base URL …/upstream/NAME, set up with --upstream)."
            ),
            ApiError::Unsupported { what } => format!("Not possible on this API: {what}."),
            ApiError::Timeout { seconds } => {
                format!("The server did not answer within {seconds} s.")
            }
            ApiError::Interrupted { .. } => {
                "The connection broke off before the whole answer arrived.".into()
            }
            ApiError::TooLarge { bytes } => format!(
                "The server's answer is too large to show ({}).",
                crate::format::bytes(*bytes as usize)
            ),
            ApiError::Decode { status, message } => {
                format!(
                    "The server's answer ({status}) could not be read: {}",
                    plain(message, DETAIL_CHARS)
                )
            }
            ApiError::Http {
                status,
                problem,
                retry_after,
            } => {
                let lead = match status {
                    400 => "The server rejected the request",
                    401 => "Unauthorised: the server did not accept the token",
                    403 => "Forbidden: the token lacks the permission or the feature is off",
                    404 => "Not found",
                    409 => "Conflict",
                    413 => "The request is too large",
                    422 => "Some fields are not valid",
                    429 => "Too many requests",
                    502 => "Bad gateway: the proxy in front of the server got no valid answer",
                    503 => "The server is unavailable for now",
                    504 => "Gateway timeout: the server did not answer the proxy in time",
                    500..=599 => "The server failed",
                    _ => "The request failed",
                };
                let mut out = format!("{lead} ({status})");
                let detail = problem
                    .detail
                    .as_deref()
                    .filter(|d| !d.trim().is_empty())
                    .or(Some(problem.title.as_str()).filter(|t| !t.trim().is_empty()));
                if let Some(detail) = detail.map(|d| plain(d, DETAIL_CHARS)) {
                    if !detail.is_empty() {
                        out.push_str(": ");
                        out.push_str(&detail);
                    }
                }
                if let Some(secs) = retry_after {
                    out.push_str(&format!(". Retry in {secs} s"));
                }
                out
            }
        }
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message())
    }
}

impl std::error::Error for ApiError {}

/// Maps a non-2xx response to an error. A problem+json (or any JSON object with a title or
/// detail) is read as such; anything else (HTML error pages, junk, empty) becomes a problem
/// whose detail is a short plain-text snippet of the body.
pub fn error_from_response(status: u16, body: &str, retry_after: Option<&str>) -> ApiError {
    let retry_after = retry_after.and_then(|v| v.trim().parse::<u32>().ok());
    let problem = serde_json::from_str::<Problem>(body)
        .ok()
        .filter(|p| !p.title.is_empty() || p.detail.is_some() || !p.errors.is_empty())
        .map(|mut p| {
            p.status = status;
            p
        })
        .unwrap_or_else(|| Problem {
            kind: "about:blank".into(),
            title: String::new(),
            status,
            detail: snippet(body),
            request_id: None,
            errors: Vec::new(),
        });
    ApiError::Http {
        status,
        problem,
        retry_after,
    }
}

/// Reads a 2xx body as the success envelope.
pub fn decode_envelope<T: DeserializeOwned>(
    status: u16,
    body: &str,
) -> Result<Envelope<T>, ApiError> {
    if body.trim().is_empty() {
        return Err(ApiError::Decode {
            status,
            message: "the body is empty".into(),
        });
    }
    serde_json::from_str::<Envelope<T>>(body).map_err(|e| ApiError::Decode {
        status,
        message: if e.is_syntax() || e.is_eof() {
            format!("not valid JSON ({e})")
        } else {
            format!("unexpected shape ({e})")
        },
    })
}

/// A plain-text excerpt of a body: tags dropped (and what is inside `script` and `style`,
/// which is code, not words), whitespace collapsed, cut to a sane length.
fn snippet(body: &str) -> Option<String> {
    let mut text = String::with_capacity(body.len().min(4 * SNIPPET_CHARS));
    let mut rest = body;
    // A bound on tags keeps a body made of nothing but tags from costing more than a glance.
    let mut tags = 0;
    while let Some(open) = rest.find('<') {
        tags += 1;
        if tags > 500 {
            rest = "";
            break;
        }
        text.push_str(&rest[..open]);
        text.push(' ');
        let tag = &rest[open..];
        let lower: String = tag.chars().take(8).collect::<String>().to_ascii_lowercase();
        let skip_to = ["script", "style"].iter().find_map(|name| {
            lower
                .starts_with(&format!("<{name}"))
                .then(|| format!("</{name}"))
        });
        rest = match skip_to {
            Some(close) => match tag.to_ascii_lowercase().find(&close) {
                Some(end) => tag[end..].split_once('>').map_or("", |(_, r)| r),
                None => "",
            },
            None => tag.split_once('>').map_or("", |(_, r)| r),
        };
        if text.len() > 8 * SNIPPET_CHARS {
            break;
        }
    }
    if text.len() <= 8 * SNIPPET_CHARS {
        text.push_str(rest);
    }
    let out = plain(&text, SNIPPET_CHARS);
    (!out.is_empty()).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use switchboard_api::Webhook;

    #[test]
    fn problem_json_keeps_field_errors() {
        let e = error_from_response(
            422,
            r#"{"type":"about:blank","title":"Invalid webhook","status":422,"detail":"2 fields are invalid",
               "request_id":"req_1","errors":[{"field":"url","message":"must use https"}]}"#,
            None,
        );
        assert_eq!(e.status_code(), Some(422));
        assert_eq!(e.field_errors()[0].field, "url");
        assert_eq!(e.request_id(), Some("req_1"));
        assert!(
            e.message().contains("2 fields are invalid"),
            "{}",
            e.message()
        );
    }

    #[test]
    fn html_error_page_becomes_plain_snippet() {
        let e = error_from_response(
            502,
            "<html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1><script>alert(1)</script></body></html>",
            None,
        );
        let msg = e.message();
        assert!(msg.starts_with("Bad gateway"), "{msg}");
        assert!(msg.contains("(502)"), "{msg}");
        assert!(!msg.contains('<'), "{msg}");
        assert!(msg.contains("Bad Gateway"), "{msg}");
        assert!(!msg.contains("alert"), "script content is not words: {msg}");
    }

    #[test]
    fn empty_and_junk_bodies() {
        let e = error_from_response(500, "", None);
        assert_eq!(e.message(), "The server failed (500)");
        let e = error_from_response(503, "\u{0}\u{1}garbage{{{", Some("7"));
        assert!(e.message().contains("garbage"));
        assert!(e.message().ends_with("Retry in 7 s"), "{}", e.message());
        let long = "x".repeat(10_000);
        let e = error_from_response(500, &long, None);
        assert!(e.message().chars().count() < 300);
    }

    #[test]
    fn hostile_details_are_made_plain_and_short() {
        let detail = format!(
            "abc\u{202E}gnp.exe\u{200B}\u{0007}\n\n{}",
            "<script>alert(1)</script>".repeat(1000)
        );
        let body = serde_json::json!({"title": "Bad", "status": 400, "detail": detail}).to_string();
        let msg = error_from_response(400, &body, None).message();
        assert!(!msg.contains('\u{202E}'), "{msg}");
        assert!(!msg.contains('\u{200B}'), "{msg}");
        assert!(!msg.contains('\u{0007}'), "{msg}");
        assert!(msg.contains("abcgnp.exe <script>"), "{msg}");
        assert!(msg.chars().count() < 400, "{}", msg.chars().count());
        assert!(msg.ends_with('…'), "{msg}");
    }

    #[test]
    fn transport_failures_say_what_happened() {
        assert!(ApiError::Timeout { seconds: 30 }.message().contains("30 s"));
        assert!(ApiError::Interrupted {
            message: "x".into()
        }
        .message()
        .contains("broke off"));
        let big = ApiError::TooLarge {
            bytes: 40 * 1024 * 1024,
        }
        .message();
        assert!(big.contains("too large"), "{big}");
        assert!(big.contains("MB") || big.contains("MiB"), "{big}");
        let e = error_from_response(503, "", Some("9"));
        assert!(
            e.message().starts_with("The server is unavailable"),
            "{}",
            e.message()
        );
        let e = error_from_response(
            403,
            r#"{"title":"Forbidden","detail":"missing scope webhooks:write"}"#,
            None,
        );
        assert!(e.message().starts_with("Forbidden"), "{}", e.message());
        assert!(e.message().contains("webhooks:write"), "{}", e.message());
    }

    #[test]
    fn unauthorised_is_recognised() {
        let e = error_from_response(401, r#"{"title":"Unauthorized","status":401}"#, None);
        assert!(e.is_unauthorised());
        assert!(e.message().starts_with("Unauthorised"));
    }

    #[test]
    fn success_bodies_that_break_the_contract() {
        let e = decode_envelope::<Webhook>(200, "").unwrap_err();
        assert!(matches!(e, ApiError::Decode { .. }));
        let e =
            decode_envelope::<Webhook>(200, r#"{"data": {"id": 1, "url": "https://a"#).unwrap_err();
        assert!(e.message().contains("not valid JSON"), "{}", e.message());
        let e = decode_envelope::<Webhook>(200, r#"{"data": [1, 2]}"#).unwrap_err();
        assert!(e.message().contains("unexpected shape"), "{}", e.message());
        let ok =
            decode_envelope::<Webhook>(200, r#"{"data": {"id": 1, "url": "https://a"}}"#).unwrap();
        assert_eq!(ok.data.id.as_str(), "1");
    }
}
