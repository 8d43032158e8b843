//! One HTTP attempt: the request as the webhook configures it, signed, sent through the SSRF
//! guard, and recorded with its secrets redacted.

use super::net::{check_literal, classify, GuardedResolver};
use super::oauth::{TokenCache, TokenError};
use super::{signature, ssrf};
use crate::clock::Clock;
use crate::store::deliveries::{AttemptRecord, StoredDelivery};
use crate::store::webhooks::StoredWebhook;
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use reqwest::Url;
use std::sync::Arc;
use std::time::{Duration, Instant};
use switchboard_api::{AttemptRequest, AttemptResponse, Auth, Format, MAX_RECORDED_BODY};

pub const USER_AGENT: &str = concat!("Switchboard-Webhooks/", env!("CARGO_PKG_VERSION"));
const REDACTED: &str = "[redacted]";

/// The shared HTTP client of deliveries, OAuth token fetches and endpoint probes: no redirects
/// (a 3xx is a failure, as Standard Webhooks says), the guarded resolver, and no proxy. A proxy
/// from `HTTP_PROXY`/`HTTPS_PROXY`/`ALL_PROXY` would resolve the endpoint's name itself, out of
/// the guard's sight, and so reach any address it can. Only a proxy the operator names
/// explicitly (`outbound`, a sandbox's boundary) is used.
pub fn client(
    allow_private_targets: bool,
    overrides: ssrf::HostOverrides,
    outbound: Option<&Url>,
) -> reqwest::Client {
    let mut b = reqwest::Client::builder().no_proxy();
    if let Some(proxy) = outbound.and_then(|u| reqwest::Proxy::all(u.clone()).ok()) {
        b = b.proxy(proxy);
    }
    b.redirect(reqwest::redirect::Policy::none())
        .user_agent(USER_AGENT)
        .connect_timeout(Duration::from_secs(10))
        .pool_idle_timeout(Duration::from_secs(30))
        .dns_resolver(Arc::new(GuardedResolver::new(
            overrides,
            !allow_private_targets,
        )))
        .build()
        // Fails only when the TLS backend cannot start, as `reqwest::Client::new` would too.
        .expect("the HTTP client starts")
}

/// The body as sent, and its content type.
pub fn body(format: Format, payload: &serde_json::Value) -> (Vec<u8>, &'static str) {
    match format {
        // Unknown formats are refused when saved; JSON is the safe reading of one anyway.
        Format::Json | Format::Unknown => (
            serde_json::to_vec(payload).unwrap_or_default(),
            "application/json",
        ),
        Format::Xml => (
            switchboard_api::payload_to_xml(payload).into_bytes(),
            "application/xml",
        ),
    }
}

/// The URL as an attempt record shows it: user-info and every query value redacted, since a
/// record cannot know which of an endpoint's parameters is a key.
pub fn shown_url(url: &str) -> String {
    use switchboard_api::redact::{redact_url, QueryValues};
    redact_url(url, QueryValues::All, REDACTED)
}

/// A header's value as an attempt record shows it: the console's rule for secret-looking
/// names, so the record and "copy as curl" hide the same things.
fn shown_value(name: &str, value: String) -> String {
    if switchboard_api::redact::is_secret_name(name) {
        REDACTED.to_string()
    } else {
        value
    }
}

pub struct Outcome {
    pub record: AttemptRecord,
    /// Seconds the endpoint asked to wait (429/503 with `Retry-After`).
    pub retry_after: Option<Duration>,
}

pub struct Sender<'a> {
    pub client: &'a reqwest::Client,
    pub tokens: &'a TokenCache,
    pub allow_private_targets: bool,
    pub clock: &'a Clock,
}

impl Sender<'_> {
    /// The auth header for a webhook, fetching an OAuth token when needed. The second value is
    /// what the attempt record shows instead.
    async fn auth_header(
        &self,
        auth: &Auth,
    ) -> Result<Option<(HeaderName, String, String)>, TokenError> {
        let authorization = reqwest::header::AUTHORIZATION;
        let auth_error = |message: String| TokenError {
            kind: "auth",
            message,
        };
        Ok(match auth {
            Auth::None => None,
            Auth::Other { kind } => {
                return Err(auth_error(format!("auth type {kind:?} is not supported")))
            }
            Auth::Bearer { token } => Some((
                authorization,
                format!("Bearer {}", token.as_deref().unwrap_or_default()),
                format!("Bearer {REDACTED}"),
            )),
            Auth::Basic { username, password } => Some((
                authorization,
                format!(
                    "Basic {}",
                    STANDARD.encode(format!(
                        "{username}:{}",
                        password.as_deref().unwrap_or_default()
                    ))
                ),
                format!("Basic {REDACTED}"),
            )),
            Auth::Header { name, value } => Some((
                HeaderName::from_bytes(name.as_bytes()).map_err(|e| auth_error(e.to_string()))?,
                value.clone().unwrap_or_default(),
                REDACTED.to_string(),
            )),
            Auth::ClientCredentials {
                client_id,
                client_secret,
                token_url,
            } => {
                let token = self
                    .tokens
                    .token(
                        self.client,
                        token_url,
                        client_id,
                        client_secret.as_deref().unwrap_or_default(),
                        self.allow_private_targets,
                    )
                    .await?;
                Some((
                    authorization,
                    format!("Bearer {token}"),
                    format!("Bearer {REDACTED}"),
                ))
            }
        })
    }

    /// The endpoint's headers: custom ones, then auth. Returns what is sent and what is shown.
    async fn endpoint_headers(
        &self,
        w: &StoredWebhook,
    ) -> Result<(HeaderMap, Vec<(String, String)>), TokenError> {
        let mut sent = HeaderMap::new();
        let mut shown = Vec::new();
        for (k, v) in &w.headers {
            if let (Ok(name), Ok(value)) = (
                HeaderName::from_bytes(k.as_bytes()),
                HeaderValue::from_str(v),
            ) {
                shown.push((name.as_str().to_string(), shown_value(k, v.clone())));
                sent.insert(name, value);
            }
        }
        if let Some((name, value, display)) = self.auth_header(&w.auth).await? {
            let value = HeaderValue::from_str(&value).map_err(|e| TokenError {
                kind: "auth",
                message: e.to_string(),
            })?;
            shown.retain(|(k, _)| k != name.as_str());
            shown.push((name.as_str().to_string(), display));
            sent.insert(name, value);
        }
        Ok((sent, shown))
    }

    /// Sends one delivery attempt to the destination it names and describes what happened.
    pub async fn attempt(&self, w: &StoredWebhook, d: &StoredDelivery) -> Outcome {
        let started_at = self.clock.now_ms();
        let clock = Instant::now();
        let (target, format) = w
            .destination(d.target_url.as_deref())
            .unwrap_or((w.url.as_str(), w.format));
        let (body, content_type) = body(format, &d.payload);
        let timestamp = started_at / 1000;
        let signature =
            signature::header_value(&w.signing_secrets(started_at), &d.id, timestamp, &body);
        let mut shown: Vec<(String, String)> = [
            ("content-type", content_type.to_string()),
            ("user-agent", USER_AGENT.to_string()),
            ("webhook-id", d.id.clone()),
            ("webhook-timestamp", timestamp.to_string()),
            ("webhook-signature", signature.clone()),
            ("x-switchboard-event-type", d.event_type.clone()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), shown_value(k, v)))
        .collect();
        let mut request = AttemptRequest {
            url: shown_url(target),
            method: "POST".into(),
            headers: Vec::new(),
            body: String::from_utf8_lossy(&body).into_owned(),
        };
        let fail = |request: AttemptRequest, error: &str, message: String| Outcome {
            record: AttemptRecord {
                started_at,
                duration_ms: clock.elapsed().as_millis() as i64,
                succeeded: false,
                request,
                response: None,
                error: Some(error.to_string()),
                message: Some(message),
            },
            retry_after: None,
        };
        let url = match Url::parse(target) {
            Ok(u) => u,
            Err(e) => {
                request.headers = shown;
                return fail(request, "url", e.to_string());
            }
        };
        if let Err(why) = check_literal(&url, self.allow_private_targets) {
            request.headers = shown;
            return fail(request, "ssrf", format!("refused by the SSRF guard: {why}"));
        }
        let (mut headers, custom_shown) = match self.endpoint_headers(w).await {
            Ok(h) => h,
            Err(e) => {
                request.headers = shown;
                return fail(request, e.kind, e.message);
            }
        };
        shown.extend(custom_shown);
        request.headers = shown;
        for (k, v) in [
            ("content-type", content_type.to_string()),
            ("webhook-id", d.id.clone()),
            ("webhook-timestamp", timestamp.to_string()),
            ("webhook-signature", signature),
            ("x-switchboard-event-type", d.event_type.clone()),
        ] {
            if let Ok(v) = HeaderValue::from_str(&v) {
                headers.insert(HeaderName::from_static(k), v);
            }
        }
        let result = self
            .client
            .post(url)
            .headers(headers)
            .timeout(Duration::from_secs(u64::from(w.timeout_seconds)))
            .body(body)
            .send()
            .await;
        let res = match result {
            Ok(r) => r,
            Err(e) => {
                let (kind, message) = classify(&e);
                return fail(request, kind, message);
            }
        };
        let status = res.status();
        let response_headers: Vec<(String, String)> = res
            .headers()
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_string(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        let retry_after = res
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(parse_retry_after)
            .filter(|_| matches!(status.as_u16(), 429 | 503));
        let (bytes, truncated, body_error) = read_capped(res, MAX_RECORDED_BODY).await;
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let message = serde_json::from_str::<serde_json::Value>(&text)
            .ok()
            .and_then(|v| v.get("message").cloned())
            .and_then(|m| match m {
                serde_json::Value::String(s) => Some(s),
                serde_json::Value::Null => None,
                other => Some(other.to_string()),
            });
        let succeeded = status.is_success();
        if status == reqwest::StatusCode::UNAUTHORIZED
            && matches!(w.auth, Auth::ClientCredentials { .. })
        {
            // A rejected access token may have been revoked early; fetch a new one next time.
            self.tokens.forget(&w.auth);
        }
        let error = if status.is_redirection() {
            Some("redirect".to_string())
        } else if body_error && !succeeded {
            Some("body".to_string())
        } else {
            None
        };
        Outcome {
            record: AttemptRecord {
                started_at,
                duration_ms: clock.elapsed().as_millis() as i64,
                succeeded,
                request,
                response: Some(AttemptResponse {
                    status: status.as_u16(),
                    headers: response_headers,
                    body: text,
                    truncated,
                }),
                error,
                message,
            },
            retry_after,
        }
    }

    /// A GET to the endpoint with `?query=<what>` (hostware's status and overview queries),
    /// carrying the webhook's headers and auth. Returns the status and the JSON body, if any.
    pub async fn probe(
        &self,
        w: &StoredWebhook,
        what: &str,
    ) -> Result<(u16, Option<serde_json::Value>), String> {
        let mut url = Url::parse(&w.url).map_err(|e| e.to_string())?;
        check_literal(&url, self.allow_private_targets).map_err(|why| format!("refused: {why}"))?;
        url.query_pairs_mut().append_pair("query", what);
        let (headers, _) = self
            .endpoint_headers(w)
            .await
            .map_err(|e| format!("{}: {}", e.kind, e.message))?;
        let res = self
            .client
            .get(url)
            .headers(headers)
            .header(reqwest::header::ACCEPT, "application/json")
            .timeout(Duration::from_secs(u64::from(w.timeout_seconds.min(10))))
            .send()
            .await
            .map_err(|e| classify(&e).0.to_string())?;
        let status = res.status().as_u16();
        let (bytes, _, _) = read_capped(res, MAX_RECORDED_BODY).await;
        Ok((status, serde_json::from_slice(&bytes).ok()))
    }
}

/// Reads at most `cap` bytes of the body: (bytes, whether more was left, whether reading
/// failed).
pub(super) async fn read_capped(mut res: reqwest::Response, cap: usize) -> (Vec<u8>, bool, bool) {
    let mut buf = Vec::new();
    loop {
        match res.chunk().await {
            Ok(Some(chunk)) => {
                let room = cap - buf.len();
                if chunk.len() > room {
                    buf.extend_from_slice(&chunk[..room]);
                    return (buf, true, false);
                }
                buf.extend_from_slice(&chunk);
            }
            Ok(None) => return (buf, false, false),
            Err(_) => return (buf, false, true),
        }
    }
}

/// The longest wait an endpoint's `Retry-After` can impose: beyond it the retry schedule
/// decides, so a hostile or broken endpoint cannot park a delivery for years.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(60 * 60);

/// `Retry-After` as seconds or an HTTP date, at most [`MAX_RETRY_AFTER`]. A number too large
/// for any integer type still means "a long time", not "no value".
pub fn parse_retry_after(v: &str) -> Option<Duration> {
    let v = v.trim();
    if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) {
        let secs = v.parse::<u64>().unwrap_or(u64::MAX);
        return Some(Duration::from_secs(secs).min(MAX_RETRY_AFTER));
    }
    let format = time::format_description::well_known::Rfc2822;
    let at = time::OffsetDateTime::parse(v, &format).ok()?;
    let secs = (at - time::OffsetDateTime::now_utc()).whole_seconds();
    Some(Duration::from_secs(secs.max(0).unsigned_abs()).min(MAX_RETRY_AFTER))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_is_read_and_capped() {
        assert_eq!(parse_retry_after("120"), Some(Duration::from_secs(120)));
        assert_eq!(parse_retry_after(" 0 "), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("7200"), Some(MAX_RETRY_AFTER));
        // Past u64: still a long time, and no overflow on the way.
        assert_eq!(
            parse_retry_after(&u64::MAX.to_string()),
            Some(MAX_RETRY_AFTER)
        );
        assert_eq!(
            parse_retry_after("99999999999999999999"),
            Some(MAX_RETRY_AFTER)
        );
        assert_eq!(parse_retry_after(&"9".repeat(400)), Some(MAX_RETRY_AFTER));
        assert_eq!(
            parse_retry_after("Fri, 31 Dec 9999 23:59:59 GMT"),
            Some(MAX_RETRY_AFTER)
        );
        assert_eq!(
            parse_retry_after("Sun, 09 Sep 2001 01:46:40 GMT"),
            Some(Duration::ZERO)
        );
        let soon = time::OffsetDateTime::now_utc() + time::Duration::seconds(600);
        let soon = soon
            .format(&time::format_description::well_known::Rfc2822)
            .unwrap();
        let wait = parse_retry_after(&soon).unwrap();
        assert!(
            wait <= Duration::from_secs(600) && wait >= Duration::from_secs(590),
            "{soon}: {wait:?}"
        );
        for junk in ["", "-5", "1.5", "soon", "12s"] {
            assert_eq!(parse_retry_after(junk), None, "{junk:?}");
        }
    }
}
