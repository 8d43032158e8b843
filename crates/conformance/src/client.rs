//! The HTTP side of the checker: requests to the API and what a check may demand of a response.

use crate::report::Failure;
use reqwest::header::HeaderMap;
use reqwest::Method;
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::time::Duration;

/// Why a check did not pass: a contract violation, or a reason it could not run.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// Boxed: a failure carries the whole story, and steps return it by value everywhere.
    Fail(Box<Failure>),
    Skip(String),
}

impl From<Failure> for Verdict {
    fn from(f: Failure) -> Self {
        Verdict::Fail(Box::new(f))
    }
}

/// What every check step returns.
pub type Step<T> = Result<T, Verdict>;

/// A plain failure without a response to point at.
pub fn fail<T>(expected: impl Into<String>, got: impl Into<String>) -> Step<T> {
    Err(Verdict::Fail(Box::new(Failure::new(expected, got))))
}

pub fn skip<T>(reason: impl Into<String>) -> Step<T> {
    Err(Verdict::Skip(reason.into()))
}

/// Which credentials a request presents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cred {
    Token,
    NoToken,
    WrongToken,
}

/// How requests present the credential: the way the API under test expects it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Credential {
    /// `Authorization: Bearer <token>` (Switchboard, plandocket, the API platform).
    Bearer(String),
    /// HTTP basic, `Authorization: Basic base64(user:password)` (Shoprenter).
    Basic { user: String, password: String },
    /// A header of its own, such as `X-AUTH-TOKEN: <token>` (Output.Rocks).
    Header { name: String, value: String },
}

#[derive(Clone)]
pub struct Http {
    client: reqwest::Client,
    /// `{base_url}{base_path}` (`{base_url}/api/v1` for Switchboard), no trailing slash.
    api: String,
    credential: Credential,
}

impl Http {
    /// Switchboard's API: below `{base_url}/api/v1`, with a bearer token.
    pub fn new(base_url: &str, token: &str, loopback: bool) -> Result<Http, String> {
        Http::with_credential(
            base_url,
            switchboard_api::API_PREFIX,
            Credential::Bearer(token.to_string()),
            loopback,
        )
    }

    /// An API below `{base_url}{base_path}` (the path may be empty) with its own credential.
    pub fn with_credential(
        base_url: &str,
        base_path: &str,
        credential: Credential,
        loopback: bool,
    ) -> Result<Http, String> {
        let mut b = reqwest::Client::builder()
            .timeout(Duration::from_secs(15))
            .redirect(reqwest::redirect::Policy::none());
        if loopback {
            // A proxy from the environment would turn a loopback run into a remote one.
            b = b.no_proxy();
        }
        let client = b.build().map_err(|e| format!("HTTP client: {e}"))?;
        Ok(Http {
            client,
            api: format!(
                "{}{}",
                base_url.trim_end_matches('/'),
                normalize_base_path(base_path)
            ),
            credential,
        })
    }

    pub async fn get(&self, path: &str) -> Step<Resp> {
        self.send(Method::GET, path, None, &[], Cred::Token).await
    }

    pub async fn post(&self, path: &str, body: &Value) -> Step<Resp> {
        self.send(Method::POST, path, Some(body), &[], Cred::Token)
            .await
    }

    pub async fn patch(&self, path: &str, body: &Value) -> Step<Resp> {
        self.send(Method::PATCH, path, Some(body), &[], Cred::Token)
            .await
    }

    pub async fn delete(&self, path: &str) -> Step<Resp> {
        self.send(Method::DELETE, path, None, &[], Cred::Token)
            .await
    }

    /// A GET whose body is read as it arrives (server-sent events), with the token. The
    /// response is handed back as soon as its head is in; reading it may take up to `limit`.
    pub async fn open_stream(&self, path: &str, limit: Duration) -> Step<reqwest::Response> {
        let label = format!("GET {path}");
        let mut req = self
            .client
            .get(format!("{}{path}", self.api))
            .timeout(limit)
            .header("accept", "text/event-stream");
        req = match &self.credential {
            Credential::Bearer(t) => req.bearer_auth(t),
            Credential::Basic { user, password } => req.basic_auth(user, Some(password)),
            Credential::Header { name, value } => req.header(name, value),
        };
        req.send().await.map_err(|e| {
            Verdict::Fail(Box::new(Failure {
                request: Some(label),
                ..Failure::new("an HTTP response", format!("transport error: {e}"))
            }))
        })
    }

    /// Sends a request; only a transport failure is an `Err`, every status is a `Resp`.
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
        headers: &[(&str, &str)],
        cred: Cred,
    ) -> Step<Resp> {
        let raw = body.map(|b| serde_json::to_vec(b).unwrap_or_default());
        self.send_raw(method, path, raw, headers, cred).await
    }

    /// Like [`Http::send`] with a body sent as is (for malformed JSON).
    pub async fn send_raw(
        &self,
        method: Method,
        path: &str,
        body: Option<Vec<u8>>,
        headers: &[(&str, &str)],
        cred: Cred,
    ) -> Step<Resp> {
        let label = format!("{method} {path}");
        let mut req = self
            .client
            .request(method.clone(), format!("{}{path}", self.api));
        let wrong = |s: &str| format!("{s}-wrong");
        req = match (cred, &self.credential) {
            (Cred::NoToken, _) => req,
            (Cred::Token, Credential::Bearer(t)) => req.bearer_auth(t),
            (Cred::WrongToken, Credential::Bearer(t)) => req.bearer_auth(wrong(t)),
            (Cred::Token, Credential::Basic { user, password }) => {
                req.basic_auth(user, Some(password))
            }
            (Cred::WrongToken, Credential::Basic { user, password }) => {
                req.basic_auth(user, Some(wrong(password)))
            }
            (Cred::Token, Credential::Header { name, value }) => req.header(name, value),
            (Cred::WrongToken, Credential::Header { name, value }) => {
                req.header(name, wrong(value))
            }
        };
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        if let Some(b) = body {
            // A caller's own content type (a merge patch) replaces the JSON default.
            if !headers
                .iter()
                .any(|(k, _)| k.eq_ignore_ascii_case("content-type"))
            {
                req = req.header("content-type", "application/json");
            }
            req = req.body(b);
        }
        let res = req.send().await.map_err(|e| {
            Verdict::Fail(Box::new(Failure {
                request: Some(label.clone()),
                ..Failure::new("an HTTP response", format!("transport error: {e}"))
            }))
        })?;
        let status = res.status().as_u16();
        let headers = res.headers().clone();
        let content_type = headers
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let text = res.text().await.map_err(|e| {
            Verdict::Fail(Box::new(Failure {
                request: Some(label.clone()),
                status: Some(status),
                ..Failure::new("a readable body", format!("{e}"))
            }))
        })?;
        let json = serde_json::from_str(&text).ok();
        Ok(Resp {
            label,
            status,
            content_type,
            headers,
            text,
            json,
        })
    }
}

/// A base path as `/a/b`: one leading slash, no trailing one; empty stays empty.
pub fn normalize_base_path(path: &str) -> String {
    let trimmed = path.trim().trim_matches('/');
    if trimmed.is_empty() {
        String::new()
    } else {
        format!("/{trimmed}")
    }
}

/// A response, kept whole so a failure can say exactly what came back.
#[derive(Debug, Clone)]
pub struct Resp {
    pub label: String,
    pub status: u16,
    pub content_type: Option<String>,
    pub headers: HeaderMap,
    pub text: String,
    pub json: Option<Value>,
}

/// The media type without parameters, lower-cased.
pub fn media_type(ct: &str) -> String {
    ct.split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

/// A short, single-line excerpt of a body for a report.
pub fn excerpt(text: &str) -> String {
    let flat: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if flat.chars().count() > 160 {
        format!("{}…", flat.chars().take(160).collect::<String>())
    } else if flat.is_empty() {
        "an empty body".into()
    } else {
        flat
    }
}

/// `$.a.b[0]` for a list of path segments.
pub fn json_path(segments: &[&str]) -> String {
    let mut p = String::from("$");
    for s in segments {
        if s.parse::<usize>().is_ok() {
            p.push_str(&format!("[{s}]"));
        } else {
            p.push('.');
            p.push_str(s);
        }
    }
    p
}

/// What a JSON value is, for "got" lines.
pub fn describe(v: Option<&Value>) -> String {
    match v {
        None => "missing".into(),
        Some(Value::Null) => "null".into(),
        Some(Value::String(s)) => format!("the string {s:?}"),
        Some(Value::Array(a)) => format!("an array of {}", a.len()),
        Some(Value::Object(_)) => "an object".into(),
        Some(other) => format!("{other}"),
    }
}

impl Resp {
    /// A failure pointing at this response (and at `path` inside its body, when given).
    pub fn failure(
        &self,
        expected: impl Into<String>,
        path: Option<String>,
        got: impl Into<String>,
    ) -> Verdict {
        Verdict::Fail(Box::new(Failure {
            request: Some(self.label.clone()),
            expected: expected.into(),
            got: got.into(),
            status: Some(self.status),
            content_type: self.content_type.clone(),
            json_path: path,
        }))
    }

    pub fn fail<T>(
        &self,
        expected: impl Into<String>,
        path: Option<String>,
        got: impl Into<String>,
    ) -> Step<T> {
        Err(self.failure(expected, path, got))
    }

    pub fn media_type(&self) -> String {
        self.content_type
            .as_deref()
            .map(media_type)
            .unwrap_or_default()
    }

    pub fn expect_status(&self, allowed: &[u16]) -> Step<()> {
        if allowed.contains(&self.status) {
            return Ok(());
        }
        let want = allowed
            .iter()
            .map(u16::to_string)
            .collect::<Vec<_>>()
            .join(" or ");
        self.fail(format!("status {want}"), None, excerpt(&self.text))
    }

    /// A success with `{data, meta: {request_id}}`; returns `data`.
    pub fn envelope(&self, allowed: &[u16]) -> Step<&Value> {
        self.expect_status(allowed)?;
        if self.media_type() != "application/json" {
            return self.fail("content-type application/json", None, excerpt(&self.text));
        }
        let Some(body) = &self.json else {
            return self.fail("a JSON body", None, excerpt(&self.text));
        };
        if !body.is_object() {
            return self.fail(
                "an object {data, meta}",
                Some("$".into()),
                describe(Some(body)),
            );
        }
        let Some(data) = body.get("data") else {
            return self.fail(
                "the success envelope {data, meta}",
                Some("$.data".into()),
                format!("missing; body: {}", excerpt(&self.text)),
            );
        };
        match body.get("meta").and_then(|m| m.get("request_id")) {
            Some(Value::String(s)) if !s.is_empty() => Ok(data),
            other => self.fail(
                "meta.request_id as a non-empty string",
                Some("$.meta.request_id".into()),
                describe(other),
            ),
        }
    }

    /// An envelope whose `data` is an array; returns the items and `meta.next_cursor`.
    pub fn page(&self) -> Step<(Vec<Value>, Option<String>)> {
        let data = self.envelope(&[200])?;
        let Some(items) = data.as_array() else {
            return self.fail(
                "data as an array",
                Some("$.data".into()),
                describe(Some(data)),
            );
        };
        let cursor = self
            .json
            .as_ref()
            .and_then(|b| b.get("meta"))
            .and_then(|m| m.get("next_cursor"));
        let cursor = match cursor {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
            other => {
                return self.fail(
                    "meta.next_cursor as a string or null",
                    Some("$.meta.next_cursor".into()),
                    describe(other),
                )
            }
        };
        Ok((items.clone(), cursor))
    }

    /// An RFC 9457 problem with this status; returns the body.
    pub fn problem(&self, status: u16) -> Step<&Value> {
        if self.status != status {
            return self.fail(
                format!("status {status} with application/problem+json"),
                None,
                excerpt(&self.text),
            );
        }
        if self.media_type() != switchboard_api::Problem::CONTENT_TYPE {
            return self.fail(
                "content-type application/problem+json",
                None,
                excerpt(&self.text),
            );
        }
        let Some(body) = self.json.as_ref().filter(|b| b.is_object()) else {
            return self.fail("a problem object", Some("$".into()), excerpt(&self.text));
        };
        match body.get("status") {
            Some(v) if v.as_u64() == Some(u64::from(status)) => {}
            other => {
                return self.fail(
                    format!("status member {status}"),
                    Some("$.status".into()),
                    describe(other),
                )
            }
        }
        match body.get("title") {
            Some(Value::String(s)) if !s.is_empty() => {}
            other => {
                return self.fail("a non-empty title", Some("$.title".into()), describe(other))
            }
        }
        if let Some(t) = body.get("type") {
            if !t.is_string() {
                return self.fail("type as a string", Some("$.type".into()), describe(Some(t)));
            }
        }
        Ok(body)
    }

    /// A 422 problem whose `errors[].field` names `field`.
    pub fn field_error(&self, field: &str) -> Step<()> {
        if self.status != 422 {
            return self.fail(
                format!("status 422 problem+json with errors[].field {field:?}"),
                None,
                excerpt(&self.text),
            );
        }
        let body = self.problem(422)?;
        let Some(errors) = body.get("errors").and_then(Value::as_array) else {
            return self.fail(
                format!("errors[] naming the field {field:?}"),
                Some("$.errors".into()),
                describe(body.get("errors")),
            );
        };
        let fields: Vec<&str> = errors
            .iter()
            .filter_map(|e| e.get("field").and_then(Value::as_str))
            .collect();
        if fields.contains(&field) {
            Ok(())
        } else {
            self.fail(
                format!("errors[].field {field:?}"),
                Some("$.errors".into()),
                format!("fields {fields:?}"),
            )
        }
    }

    /// Reads `v` (a part of this response at `at`) as a contract type; a mismatch names the
    /// offending member.
    pub fn parse<T: DeserializeOwned>(&self, v: &Value, at: &str, what: &str) -> Step<T> {
        serde_path_to_error::deserialize::<_, T>(v.clone()).map_err(|e| {
            let inner = e.path().to_string();
            let path = if inner == "." {
                at.to_string()
            } else {
                format!("{at}.{inner}")
            };
            self.failure(format!("a valid {what}"), Some(path), e.inner().to_string())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resp(status: u16, ct: &str, text: &str) -> Resp {
        Resp {
            label: "GET /x".into(),
            status,
            content_type: Some(ct.into()),
            headers: HeaderMap::new(),
            text: text.into(),
            json: serde_json::from_str(text).ok(),
        }
    }

    fn failure(v: Verdict) -> Failure {
        match v {
            Verdict::Fail(f) => *f,
            Verdict::Skip(s) => panic!("skipped: {s}"),
        }
    }

    #[test]
    fn envelope_names_the_missing_member() {
        let r = resp(
            200,
            "application/json; charset=utf-8",
            r#"{"data":[],"meta":{}}"#,
        );
        let f = failure(r.envelope(&[200]).unwrap_err());
        assert_eq!(f.json_path.as_deref(), Some("$.meta.request_id"));
        assert_eq!(f.got, "missing");
        let ok = resp(
            200,
            "application/json",
            r#"{"data":[1],"meta":{"request_id":"r"}}"#,
        );
        assert_eq!(ok.page().unwrap(), (vec![Value::from(1)], None));
    }

    #[test]
    fn problems_need_their_media_type_and_status() {
        let r = resp(
            404,
            "application/json",
            r#"{"status":404,"title":"Not Found"}"#,
        );
        let f = failure(r.problem(404).unwrap_err());
        assert!(f.expected.contains("problem+json"));
        let r = resp(
            422,
            "application/problem+json",
            r#"{"status":422,"title":"Bad","errors":[{"field":"name","message":"m"}]}"#,
        );
        assert!(r.field_error("name").is_ok());
        let f = failure(r.field_error("url").unwrap_err());
        assert_eq!(f.got, r#"fields ["name"]"#);
    }

    #[test]
    fn parse_reports_the_json_path() {
        let r = resp(200, "application/json", "{}");
        let v = serde_json::json!({"id": 1, "url": 5});
        let f = failure(
            r.parse::<switchboard_api::Webhook>(&v, "$.data", "webhook")
                .unwrap_err(),
        );
        assert_eq!(f.json_path.as_deref(), Some("$.data.url"));
    }

    #[test]
    fn base_paths_are_normalized() {
        assert_eq!(normalize_base_path("/api/v1"), "/api/v1");
        assert_eq!(normalize_base_path("api/spa/"), "/api/spa");
        assert_eq!(normalize_base_path(""), "");
        assert_eq!(normalize_base_path("/"), "");
    }

    #[test]
    fn paths_and_excerpts() {
        assert_eq!(json_path(&["data", "0", "secret"]), "$.data[0].secret");
        assert_eq!(excerpt("a\nb"), "a b");
        assert!(excerpt(&"x".repeat(500)).ends_with('…'));
    }
}
