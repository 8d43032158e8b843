//! Validation of webhook input: one field error per bad member, all found in one pass.

use crate::catalogue::Catalogue;
use crate::engine::{filter, ssrf};
use axum::http::{HeaderName, HeaderValue};
use reqwest::Url;
use switchboard_api::{Auth, FieldError, WebhookInput};

use switchboard_api::limits::{MAX_DELAY, RESERVED_HEADERS};
pub use switchboard_api::limits::{MAX_DESCRIPTION, MAX_HEADERS, MAX_NAME, MAX_URL};

pub struct Rules<'a> {
    pub catalogue: &'a Catalogue,
    pub allow_private_targets: bool,
    /// Plain http is never accepted (the plandocket profile).
    pub https_only: bool,
}

/// Every synchronous check of a complete input (a create, or a stored webhook with a PATCH
/// applied).
pub fn webhook(input: &WebhookInput, rules: &Rules) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let mut err = |f: &str, m: String| errors.push(FieldError::new(f, m));

    let name = input.name.trim();
    if name.is_empty() {
        err("name", "is required".into());
    } else if name.chars().count() > MAX_NAME {
        err("name", format!("must be at most {MAX_NAME} characters"));
    }
    if let Some(d) = &input.description {
        if d.chars().count() > MAX_DESCRIPTION {
            err(
                "description",
                format!("must be at most {MAX_DESCRIPTION} characters"),
            );
        }
    }
    if let Err(m) = url(&input.url, rules) {
        err("url", m);
    }
    if input.events.is_empty() {
        err("events", "must name at least one event type".into());
    } else {
        let unknown: Vec<&str> = input
            .events
            .iter()
            .filter(|e| !rules.catalogue.contains(e))
            .map(String::as_str)
            .collect();
        if !unknown.is_empty() {
            err(
                "events",
                format!("unknown event type: {}", unknown.join(", ")),
            );
        }
    }
    if input.retry_count > 10 {
        err("retry_count", "must be between 0 and 10".into());
    }
    if !(1..=120).contains(&input.timeout_seconds) {
        err("timeout_seconds", "must be between 1 and 120".into());
    }
    if let Some(d) = &input.delay {
        if d.amount == 0 || d.amount > MAX_DELAY {
            err("delay.amount", format!("must be between 1 and {MAX_DELAY}"));
        }
    }
    if input.headers.len() > MAX_HEADERS {
        err("headers", format!("at most {MAX_HEADERS} headers"));
    }
    for (k, v) in &input.headers {
        let field = format!("headers.{k}");
        if HeaderName::from_bytes(k.as_bytes()).is_err() {
            err(&field, "is not a valid header name".into());
        } else if RESERVED_HEADERS.contains(&k.to_ascii_lowercase().as_str()) {
            err(
                &field,
                "is set by Switchboard and cannot be overridden".into(),
            );
        } else if HeaderValue::from_str(v).is_err() {
            err(
                &field,
                "value must be visible ASCII without line breaks".into(),
            );
        }
    }
    for (f, m) in auth(&input.auth, rules) {
        err(&f, m);
    }
    if let Some(f) = &input.filter {
        if let Err(m) = filter::check(&f.condition) {
            err("filter.condition", m);
        }
        if let Some(g) = &f.group {
            if g.chars().count() > MAX_NAME {
                err(
                    "filter.group",
                    format!("must be at most {MAX_NAME} characters"),
                );
            }
        }
    }
    errors
}

fn auth(a: &Auth, rules: &Rules) -> Vec<(String, String)> {
    let mut errors = Vec::new();
    let required = |errors: &mut Vec<(String, String)>, field: &str, value: Option<&str>| {
        if value.is_none_or(|v| v.trim().is_empty()) {
            errors.push((format!("auth.{field}"), "is required".to_string()));
        } else if value.is_some_and(|v| HeaderValue::from_str(v).is_err()) {
            errors.push((
                format!("auth.{field}"),
                "must be visible ASCII without line breaks".to_string(),
            ));
        }
    };
    match a {
        Auth::None => {}
        Auth::Bearer { token } => required(&mut errors, "token", token.as_deref()),
        Auth::Basic { username, password } => {
            required(&mut errors, "username", Some(username));
            required(&mut errors, "password", password.as_deref());
            if username.contains(':') {
                errors.push(("auth.username".into(), "must not contain ':'".into()));
            }
        }
        Auth::ClientCredentials {
            client_id,
            client_secret,
            token_url,
        } => {
            required(&mut errors, "client_id", Some(client_id));
            required(&mut errors, "client_secret", client_secret.as_deref());
            if let Err(m) = url(token_url, rules) {
                errors.push(("auth.token_url".into(), m));
            }
        }
        Auth::Header { name, value } => {
            match HeaderName::from_bytes(name.as_bytes()) {
                Err(_) => errors.push(("auth.name".into(), "is not a valid header name".into())),
                Ok(h) if RESERVED_HEADERS.contains(&h.as_str()) => errors.push((
                    "auth.name".into(),
                    "is set by Switchboard and cannot be used".into(),
                )),
                Ok(_) => {}
            }
            required(&mut errors, "value", value.as_deref());
        }
    }
    errors
}

/// Syntax and scheme of an endpoint URL; where it points is checked by [`targets`].
pub fn url(raw: &str, rules: &Rules) -> Result<Url, String> {
    if raw.trim().is_empty() {
        return Err("is required".into());
    }
    if raw.len() > MAX_URL {
        return Err(format!("must be at most {MAX_URL} characters"));
    }
    let url = Url::parse(raw.trim()).map_err(|e| format!("is not a valid URL ({e})"))?;
    let host = url.host_str().unwrap_or_default().to_string();
    if host.is_empty() {
        return Err("must name a host".into());
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err("must not carry credentials; use auth instead".into());
    }
    match url.scheme() {
        "https" => Ok(url),
        "http" if rules.https_only => Err("must use https".into()),
        "http" if rules.allow_private_targets && ssrf::is_non_public_host(&host) => Ok(url),
        "http" => Err("must use https (plain http only for loopback test targets)".into()),
        _ => Err("must be an https URL".into()),
    }
}

/// Where the endpoint and token URLs point: refused when they are (or resolve to) a
/// non-public address, unless private targets are allowed. A name that does not resolve now
/// is accepted; the send-time check catches it later.
pub async fn targets(input: &WebhookInput, rules: &Rules<'_>) -> Vec<FieldError> {
    if rules.allow_private_targets {
        return Vec::new();
    }
    let mut errors = Vec::new();
    let mut check = vec![("url", input.url.as_str())];
    if let Auth::ClientCredentials { token_url, .. } = &input.auth {
        check.push(("auth.token_url", token_url.as_str()));
    }
    for (field, raw) in check {
        let Ok(u) = Url::parse(raw.trim()) else {
            continue;
        };
        let (Some(host), Some(port)) = (u.host_str(), u.port_or_known_default()) else {
            continue;
        };
        if let Err(ssrf::Refusal::Forbidden(why)) = ssrf::vet_host(host, port).await {
            errors.push(FieldError::new(
                field,
                format!("must point at a public address: {why}"),
            ));
        }
    }
    errors
}
