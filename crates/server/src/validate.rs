//! Validation of webhook input: one field error per bad member, all found in one pass.

use crate::catalogue::Catalogue;
use crate::engine::{filter, ssrf};
use crate::error::ApiError;
use axum::http::{HeaderName, HeaderValue};
use reqwest::Url;
use serde_json::Value;
use switchboard_api::{
    Auth, DelayUnit, DestinationType, FieldError, Format, WebhookInput, HTTP_TYPE,
};

use switchboard_api::limits::{MAX_DELAY, RESERVED_HEADERS};
pub use switchboard_api::limits::{MAX_DESCRIPTION, MAX_HEADERS, MAX_NAME, MAX_URL};

/// Most further destinations one webhook may have.
pub const MAX_TARGETS: usize = 10;

/// Which URL schemes an endpoint may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Schemes {
    /// HTTPS, and plain http to a loopback or private host when private targets are allowed
    /// (Switchboard's own rule, and the API platform's).
    HttpsOrLocal,
    /// HTTPS and nothing else (plandocket).
    HttpsOnly,
    /// Either, anywhere (Shoprenter's own example is `http://shoprenter.hu`).
    Either,
}

pub struct Rules<'a> {
    pub catalogue: &'a Catalogue,
    pub allow_private_targets: bool,
    pub schemes: Schemes,
    /// The destination types new webhooks may have.
    pub types: &'a [DestinationType],
}

/// Every check of a complete input (a create, or a stored webhook with an update applied):
/// all synchronous ones, then where the URLs that passed them point.
pub async fn check(input: &WebhookInput, rules: &Rules<'_>) -> Result<(), ApiError> {
    let mut errors = webhook(input, rules);
    for e in targets(input, rules).await {
        if !errors.iter().any(|x| x.field == e.field) {
            errors.push(e);
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::Validation(errors))
    }
}

/// Every synchronous check of a complete input.
pub fn webhook(input: &WebhookInput, rules: &Rules) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let mut err = |f: &str, m: String| errors.push(FieldError::new(f, m));

    let http = input.kind == HTTP_TYPE;
    let kind = rules.types.iter().find(|t| t.name == input.kind);
    if kind.is_none() {
        let names: Vec<&str> = rules.types.iter().map(|t| t.name.as_str()).collect();
        err("type", format!("must be one of: {}", names.join(", ")));
    }
    match (&input.data, kind) {
        (None | Some(Value::Null), _) if http => {}
        (Some(Value::Object(m)), _) if http && m.is_empty() => {}
        (Some(_), _) if http => err(
            "data",
            "an http webhook has no data; its destination is its url".into(),
        ),
        (data, Some(t)) => {
            let empty = Value::Object(Default::default());
            let data = data.as_ref().filter(|d| !d.is_null()).unwrap_or(&empty);
            for e in schema(&t.schema, data, "data") {
                err(&e.field, e.message);
            }
        }
        (_, None) => {}
    }

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
    // Other types deliver to what their data names; a url, if they have one, is checked all
    // the same.
    if http || !input.url.trim().is_empty() {
        if let Err(m) = url(&input.url, rules) {
            err("url", m);
        }
    }
    if !http && !input.targets.is_empty() {
        err("targets", "only http webhooks have further targets".into());
    } else if input.targets.len() > MAX_TARGETS {
        err("targets", format!("at most {MAX_TARGETS} further targets"));
    }
    for (i, t) in input.targets.iter().enumerate() {
        let field = format!("targets[{i}].url");
        if let Err(m) = url(&t.url, rules) {
            err(&field, m);
        } else if t.url.trim() == input.url.trim()
            || input.targets[..i]
                .iter()
                .any(|o| o.url.trim() == t.url.trim())
        {
            err(&field, "is already a destination of this webhook".into());
        }
        if t.format == Format::Unknown {
            err(
                &format!("targets[{i}].format"),
                "must be json or xml".into(),
            );
        }
    }
    if input.format == Format::Unknown {
        err("format", "must be json or xml".into());
    }
    if input.events.is_empty() {
        if http {
            err("events", "must name at least one event type".into());
        }
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
        if d.unit == DelayUnit::Unknown {
            err("delay.unit", "must be minute, hour or day".into());
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
        Auth::Other { .. } => errors.push((
            "auth.type".into(),
            "must be none, bearer, basic, client_credentials or header".into(),
        )),
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
    match (url.scheme(), rules.schemes) {
        ("https", _) | ("http", Schemes::Either) => Ok(url),
        (_, Schemes::Either) => Err("must be an http or https URL".into()),
        ("http", Schemes::HttpsOnly) => Err("must use https".into()),
        ("http", _) if rules.allow_private_targets && ssrf::is_non_public_host(&host) => Ok(url),
        ("http", _) => Err("must use https (plain http only for loopback test targets)".into()),
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
    let mut check = vec![("url".to_string(), input.url.as_str())];
    for (i, t) in input.targets.iter().enumerate() {
        check.push((format!("targets[{i}].url"), t.url.as_str()));
    }
    if let Auth::ClientCredentials { token_url, .. } = &input.auth {
        check.push(("auth.token_url".to_string(), token_url.as_str()));
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

/// `value` against the part of JSON Schema the destination types use (`type`, `properties`,
/// `required`, `additionalProperties: false`, `minLength`, `maxLength`, `minimum`, `maximum`,
/// `pattern`, `format: uri`, `enum`), one error per bad member, named by its path.
pub fn schema(schema: &Value, value: &Value, path: &str) -> Vec<FieldError> {
    let mut errors = Vec::new();
    schema_into(schema, value, path, &mut errors);
    errors
}

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
                    errors.push(FieldError::new(format!("{path}.{name}"), "is required"));
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
                _ if pattern
                    .is_some_and(|p| regex::Regex::new(p).is_ok_and(|re| !re.is_match(s))) =>
                {
                    Some(format!("must match {}", pattern.unwrap_or_default()))
                }
                _ if schema.get("format").and_then(Value::as_str) == Some("uri")
                    && !s.is_empty()
                    && Url::parse(s).map_or(true, |u| !u.has_host()) =>
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use switchboard_api::channels::outputrocks_schema;

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
}
