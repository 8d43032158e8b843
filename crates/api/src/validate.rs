//! The webhook rules, written once: pure checks of the wire types that the console's form and
//! the reference server both run. Where a URL resolves to needs the network, and stays in the
//! server (its SSRF guard asks [`non_public_ip`] and [`local_name`] from here).
//!
//! Each rule answers `Err(message)` for its own field; [`webhook`] composes them into field
//! errors named by their JSON path. The console calls the rules one by one, on what the
//! vendor's model has and with its own paths for what only typed text can get wrong.

mod host;
mod schema;

pub use host::{
    is_absolute_url, is_non_public_host, local_name, non_public_ip, url, Schemes, UrlPolicy,
};
pub use schema::{data, pattern, schema};

use crate::limits::{
    MAX_CONDITION, MAX_CONDITION_NESTING, MAX_DELAY, MAX_DESCRIPTION, MAX_FILTER_GROUP,
    MAX_HEADERS, MAX_NAME, MAX_RETRY_COUNT, MAX_TARGETS, MAX_TIMEOUT, MIN_DELAY, MIN_TIMEOUT,
    RESERVED_HEADERS,
};
use crate::{
    Auth, Delay, DelayUnit, DestinationType, FieldError, Filter, Format, Target, WebhookInput,
    HTTP_TYPE,
};
use serde_json::Value;
use std::collections::BTreeMap;

/// What a webhook is judged against besides its own members.
pub struct Policy<'a> {
    pub urls: UrlPolicy,
    /// The destination types new webhooks may have.
    pub types: &'a [DestinationType],
    /// Whether an event type is known; `None`: event names are not checked.
    pub known_event: Option<&'a dyn Fn(&str) -> bool>,
}

/// Every rule on a complete input (a create, or a stored webhook with an update applied), one
/// field error per bad member.
pub fn webhook(input: &WebhookInput, policy: &Policy) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let http = input.kind == HTTP_TYPE;

    let kind = policy.types.iter().find(|t| t.name == input.kind);
    push(
        &mut errors,
        "type",
        destination_type(&input.kind, policy.types),
    );
    match (&input.data, kind) {
        (None | Some(Value::Null), _) if http => {}
        (Some(Value::Object(m)), _) if http && m.is_empty() => {}
        (Some(_), _) if http => push(
            &mut errors,
            "data",
            Err("an http webhook has no data; its destination is its url".into()),
        ),
        (data, Some(t)) => {
            let empty = Value::Object(Default::default());
            let data = data.as_ref().filter(|d| !d.is_null()).unwrap_or(&empty);
            errors.extend(schema::data(&t.schema, data, false));
        }
        (_, None) => {}
    }

    push(&mut errors, "name", name(&input.name, true));
    if let Some(d) = &input.description {
        push(&mut errors, "description", description(d));
    }
    // Other types deliver to what their data names; a url, if they have one, is checked all
    // the same.
    if http || !input.url.trim().is_empty() {
        push(&mut errors, "url", url(&input.url, policy.urls));
    }
    errors.extend(targets(&input.url, &input.targets, http, policy.urls));
    for (i, t) in input.targets.iter().enumerate() {
        push(
            &mut errors,
            &format!("targets[{i}].format"),
            format(t.format),
        );
    }
    push(&mut errors, "format", format(input.format));
    let names = input.events.iter().map(String::as_str);
    push(
        &mut errors,
        "events",
        events(names, http, policy.known_event),
    );
    push(
        &mut errors,
        "retry_count",
        retry_count(input.retry_count.into()),
    );
    push(
        &mut errors,
        "timeout_seconds",
        timeout_seconds(input.timeout_seconds.into()),
    );
    if let Some(d) = &input.delay {
        errors.extend(delay(d, &DelayUnit::KNOWN));
    }
    errors.extend(headers(&input.headers));
    errors.extend(auth(&input.auth, policy.urls, false));
    if let Some(f) = &input.filter {
        errors.extend(filter(f));
    }
    errors
}

fn push(errors: &mut Vec<FieldError>, field: &str, rule: Result<(), String>) {
    if let Err(m) = rule {
        errors.push(FieldError::new(field, m));
    }
}

fn at_most(max: usize) -> String {
    format!("must be at most {max} characters")
}

/// `name`, trimmed; `required`: an empty one is refused (plandocket's is optional).
pub fn name(name: &str, required: bool) -> Result<(), String> {
    let name = name.trim();
    if name.is_empty() && required {
        Err("is required".into())
    } else if name.chars().count() > MAX_NAME {
        Err(at_most(MAX_NAME))
    } else {
        Ok(())
    }
}

pub fn description(description: &str) -> Result<(), String> {
    if description.chars().count() > MAX_DESCRIPTION {
        Err(at_most(MAX_DESCRIPTION))
    } else {
        Ok(())
    }
}

/// `type`: one the backend offers.
pub fn destination_type(kind: &str, types: &[DestinationType]) -> Result<(), String> {
    if types.iter().any(|t| t.name == kind) {
        return Ok(());
    }
    let names: Vec<&str> = types.iter().map(|t| t.name.as_str()).collect();
    Err(format!("must be one of: {}", names.join(", ")))
}

/// Further destinations beside `url`: only for `http`, at most [`MAX_TARGETS`], each a valid
/// endpoint URL and none twice. Their formats are [`format`]'s.
pub fn targets(main_url: &str, targets: &[Target], http: bool, urls: UrlPolicy) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if !http && !targets.is_empty() {
        push(
            &mut errors,
            "targets",
            Err("only http webhooks have further targets".into()),
        );
    } else if targets.len() > MAX_TARGETS {
        push(
            &mut errors,
            "targets",
            Err(format!("at most {MAX_TARGETS} further targets")),
        );
    }
    for (i, t) in targets.iter().enumerate() {
        let field = format!("targets[{i}].url");
        let same = |other: &str| other.trim() == t.url.trim();
        let rule = url(&t.url, urls).and_then(|()| {
            if same(main_url) || targets[..i].iter().any(|o| same(&o.url)) {
                Err("is already a destination of this webhook".into())
            } else {
                Ok(())
            }
        });
        push(&mut errors, &field, rule);
    }
    errors
}

/// A body format this side can write.
pub fn format(format: Format) -> Result<(), String> {
    match format {
        Format::Json | Format::Xml => Ok(()),
        Format::Unknown => Err("must be json or xml".into()),
    }
}

/// `events`: at least one when `required` (an `http` webhook), and each one known when a
/// catalogue is at hand.
pub fn events<'e>(
    names: impl IntoIterator<Item = &'e str>,
    required: bool,
    known: Option<&dyn Fn(&str) -> bool>,
) -> Result<(), String> {
    let names: Vec<&str> = names.into_iter().collect();
    if names.is_empty() {
        return if required {
            Err("must name at least one event type".into())
        } else {
            Ok(())
        };
    }
    let unknown: Vec<&str> = match known {
        Some(known) => names.into_iter().filter(|e| !known(e)).collect(),
        None => Vec::new(),
    };
    if unknown.is_empty() {
        Ok(())
    } else {
        Err(format!("unknown event type: {}", unknown.join(", ")))
    }
}

fn between(n: i64, min: i64, max: i64) -> Result<(), String> {
    if (min..=max).contains(&n) {
        Ok(())
    } else {
        Err(format!("must be between {min} and {max}"))
    }
}

/// `retry_count`: 0 to [`MAX_RETRY_COUNT`]. Takes any integer so a typed one is judged alike.
pub fn retry_count(n: i64) -> Result<(), String> {
    between(n, 0, MAX_RETRY_COUNT.into())
}

/// `timeout_seconds`: [`MIN_TIMEOUT`] to [`MAX_TIMEOUT`].
pub fn timeout_seconds(n: i64) -> Result<(), String> {
    between(n, MIN_TIMEOUT.into(), MAX_TIMEOUT.into())
}

/// `delay.amount`: [`MIN_DELAY`] to [`MAX_DELAY`] units.
pub fn delay_amount(n: i64) -> Result<(), String> {
    between(n, MIN_DELAY.into(), MAX_DELAY.into())
}

/// `delay.unit`: one of `units` (a vendor may take fewer than all).
pub fn delay_unit(unit: DelayUnit, units: &[DelayUnit]) -> Result<(), String> {
    if unit != DelayUnit::Unknown && units.contains(&unit) {
        return Ok(());
    }
    let names: Vec<&str> = units.iter().map(|u| u.as_str()).collect();
    let list = match names.split_last() {
        Some((last, [])) => (*last).to_owned(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => "nothing".to_owned(),
    };
    Err(format!("must be {list}"))
}

pub fn delay(d: &Delay, units: &[DelayUnit]) -> Vec<FieldError> {
    let mut errors = Vec::new();
    push(&mut errors, "delay.amount", delay_amount(d.amount.into()));
    push(&mut errors, "delay.unit", delay_unit(d.unit, units));
    errors
}

/// RFC 9110 token characters only.
pub fn is_header_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// One the delivery engine sets itself ([`RESERVED_HEADERS`]), in any case.
pub fn is_reserved_header(name: &str) -> bool {
    RESERVED_HEADERS.contains(&name.to_ascii_lowercase().as_str())
}

/// Visible ASCII, spaces and tabs: what a header value can carry without surprises.
pub fn is_header_value(value: &str) -> bool {
    value
        .bytes()
        .all(|b| b == b'\t' || (b' '..=b'~').contains(&b))
}

const NOT_A_HEADER_VALUE: &str = "must be visible ASCII without line breaks";

/// A custom header's name: valid, and not one Switchboard sets.
pub fn header_name(name: &str) -> Result<(), String> {
    if !is_header_name(name) {
        Err("is not a valid header name".into())
    } else if is_reserved_header(name) {
        Err("is set by Switchboard and cannot be overridden".into())
    } else {
        Ok(())
    }
}

pub fn header_value(value: &str) -> Result<(), String> {
    if is_header_value(value) {
        Ok(())
    } else {
        Err(NOT_A_HEADER_VALUE.into())
    }
}

/// How many custom headers a webhook may have.
pub fn header_count(n: usize) -> Result<(), String> {
    if n > MAX_HEADERS {
        Err(format!("at most {MAX_HEADERS} headers"))
    } else {
        Ok(())
    }
}

/// Custom headers, one error per bad header at `headers.<name>`.
pub fn headers(headers: &BTreeMap<String, String>) -> Vec<FieldError> {
    let mut errors = Vec::new();
    push(&mut errors, "headers", header_count(headers.len()));
    for (k, v) in headers {
        push(
            &mut errors,
            &format!("headers.{k}"),
            header_name(k).and_then(|()| header_value(v)),
        );
    }
    errors
}

/// `filter.group`.
pub fn filter_group(group: &str) -> Result<(), String> {
    if group.chars().count() > MAX_FILTER_GROUP {
        Err(at_most(MAX_FILTER_GROUP))
    } else {
        Ok(())
    }
}

/// What can be told about a filter condition without a CEL parser: present, not too long,
/// brackets and quotes balanced. The server parses it too, and reports the rest at the same
/// field.
pub fn condition(condition: &str) -> Result<(), String> {
    let c = condition.trim();
    if c.is_empty() {
        return Err("must not be empty".into());
    }
    if c.chars().count() > MAX_CONDITION {
        return Err(at_most(MAX_CONDITION));
    }
    let mut stack = Vec::new();
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for ch in c.chars() {
        if let Some(q) = quote {
            if escaped {
                escaped = false;
            } else if ch == '\\' {
                escaped = true;
            } else if ch == q {
                quote = None;
            }
            continue;
        }
        match ch {
            '\'' | '"' => quote = Some(ch),
            '(' | '[' | '{' => {
                stack.push(ch);
                if stack.len() > MAX_CONDITION_NESTING {
                    return Err(format!(
                        "nests brackets deeper than {MAX_CONDITION_NESTING} levels"
                    ));
                }
            }
            ')' | ']' | '}' => {
                let open = match ch {
                    ')' => '(',
                    ']' => '[',
                    _ => '{',
                };
                if stack.pop() != Some(open) {
                    return Err(format!("is not a valid expression: unexpected '{ch}'"));
                }
            }
            _ => {}
        }
    }
    if quote.is_some() {
        return Err("is not a valid expression: a quote is not closed".into());
    }
    if let Some(open) = stack.pop() {
        return Err(format!("is not a valid expression: '{open}' is not closed"));
    }
    Ok(())
}

pub fn filter(f: &Filter) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if let Some(g) = &f.group {
        push(&mut errors, "filter.group", filter_group(g));
    }
    push(&mut errors, "filter.condition", condition(&f.condition));
    errors
}

/// The members of `auth` its type needs, at `auth.<member>`. `secret_kept`: the stored secret
/// stays (an edit that leaves it out), so a missing one is not an error.
pub fn auth(a: &Auth, urls: UrlPolicy, secret_kept: bool) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let required = |errors: &mut Vec<FieldError>, field: &str, value: Option<&str>, secret| {
        if secret && secret_kept {
            return;
        }
        let rule = match value {
            Some(v) if !v.trim().is_empty() => header_value(v),
            _ => Err("is required".to_owned()),
        };
        push(errors, &format!("auth.{field}"), rule);
    };
    match a {
        Auth::None => {}
        Auth::Other { .. } => push(
            &mut errors,
            "auth.type",
            Err("must be none, bearer, basic, client_credentials or header".into()),
        ),
        Auth::Bearer { token } => required(&mut errors, "token", token.as_deref(), true),
        Auth::Basic { username, password } => {
            required(&mut errors, "username", Some(username), false);
            required(&mut errors, "password", password.as_deref(), true);
            if username.contains(':') {
                push(
                    &mut errors,
                    "auth.username",
                    Err("must not contain ':'".into()),
                );
            }
        }
        Auth::ClientCredentials {
            client_id,
            client_secret,
            token_url,
        } => {
            required(&mut errors, "client_id", Some(client_id), false);
            required(&mut errors, "client_secret", client_secret.as_deref(), true);
            push(&mut errors, "auth.token_url", url(token_url, urls));
        }
        Auth::Header { name, value } => {
            let rule = if !is_header_name(name) {
                Err("is not a valid header name".into())
            } else if is_reserved_header(name) {
                Err("is set by Switchboard and cannot be used".into())
            } else {
                Ok(())
            };
            push(&mut errors, "auth.name", rule);
            required(&mut errors, "value", value.as_deref(), true);
        }
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::channels::outputrocks_types;
    use serde_json::json;

    const URLS: UrlPolicy = UrlPolicy {
        schemes: Schemes::HttpsOrLocal,
        allow_private_targets: false,
    };

    fn check(input: serde_json::Value) -> Vec<String> {
        let input: WebhookInput = serde_json::from_value(input).unwrap();
        let mut types = vec![DestinationType::http()];
        types.extend(outputrocks_types());
        let known = |e: &str| e != "nope";
        let policy = Policy {
            urls: URLS,
            types: &types,
            known_event: Some(&known),
        };
        let mut f: Vec<String> = webhook(&input, &policy)
            .into_iter()
            .map(|e| e.field)
            .collect();
        f.sort();
        f
    }

    #[test]
    fn a_valid_webhook_passes_and_each_bad_member_is_named() {
        let ok = json!({"name": "n", "url": "https://example.com/h", "events": ["a"]});
        assert!(check(ok.clone()).is_empty());
        let with = |member: &str, value: serde_json::Value| {
            let mut v = ok.clone();
            v[member] = value;
            check(v)
        };
        assert_eq!(with("name", json!(" ")), ["name"]);
        assert_eq!(with("url", json!("http://example.com")), ["url"]);
        assert_eq!(with("events", json!(["a", "nope"])), ["events"]);
        assert_eq!(with("retry_count", json!(11)), ["retry_count"]);
        assert_eq!(with("timeout_seconds", json!(0)), ["timeout_seconds"]);
        assert_eq!(
            with("delay", json!({"amount": 0, "unit": "fortnight"})),
            ["delay.amount", "delay.unit"]
        );
        assert_eq!(
            with(
                "headers",
                json!({"Host": "x", "Bad Name": "y", "X-Ok": "a\nb"})
            ),
            ["headers.Bad Name", "headers.Host", "headers.X-Ok"]
        );
        assert_eq!(
            with("filter", json!({"group": "g", "condition": "a[0"})),
            ["filter.condition"]
        );
        assert_eq!(
            with("auth", json!({"type": "basic", "username": "a:b"})),
            ["auth.password", "auth.username"]
        );
        assert_eq!(
            with(
                "targets",
                json!([{"url": "https://example.com/h"}, {"url": "https://example.com/2", "format": "csv"}])
            ),
            ["targets[0].url", "targets[1].format"]
        );
        assert_eq!(
            with("data", json!({"host": "h"})),
            ["data"],
            "http has no data"
        );
        let mut sftp = ok.clone();
        sftp["type"] = json!("sftp-document");
        sftp["url"] = json!("");
        sftp["events"] = json!([]);
        sftp["data"] = json!({"host": "h", "user": "u", "port": 70000});
        assert_eq!(check(sftp), ["data.password", "data.port"]);
        assert_eq!(with("type", json!("fax")), ["type"]);
    }

    #[test]
    fn auth_members_per_type() {
        let fields = |a: serde_json::Value, kept: bool| -> Vec<String> {
            let a: Auth = serde_json::from_value(a).unwrap();
            auth(&a, URLS, kept).into_iter().map(|e| e.field).collect()
        };
        assert_eq!(fields(json!({"type": "bearer"}), false), ["auth.token"]);
        assert!(fields(json!({"type": "bearer"}), true).is_empty());
        assert_eq!(
            fields(
                json!({"type": "client_credentials", "client_id": "c", "token_url": "https://t.example/x"}),
                false
            ),
            ["auth.client_secret"]
        );
        assert_eq!(
            fields(
                json!({"type": "header", "name": "Content-Type", "value": "v"}),
                false
            ),
            ["auth.name"]
        );
        assert_eq!(
            fields(
                json!({"type": "header", "name": "X-Key", "value": "a\r\nb"}),
                false
            ),
            ["auth.value"]
        );
        assert_eq!(fields(json!({"type": "noauth"}), false), ["auth.type"]);
    }

    #[test]
    fn ranges_and_units() {
        assert!(retry_count(0).is_ok() && retry_count(10).is_ok());
        assert_eq!(retry_count(11).unwrap_err(), "must be between 0 and 10");
        assert_eq!(timeout_seconds(0).unwrap_err(), "must be between 1 and 120");
        assert_eq!(
            delay_amount(1001).unwrap_err(),
            "must be between 1 and 1000"
        );
        assert_eq!(
            delay_unit(DelayUnit::Minute, &[DelayUnit::Hour, DelayUnit::Day]).unwrap_err(),
            "must be hour or day"
        );
        assert_eq!(
            delay_unit(DelayUnit::Unknown, &DelayUnit::KNOWN).unwrap_err(),
            "must be minute, hour or day"
        );
    }

    #[test]
    fn filter_conditions_are_checked_for_balance() {
        assert!(condition("data.contract.balance > 0").is_ok());
        assert!(condition("data['contract']['balance'] > 0").is_ok());
        assert!(condition("data['contract'").is_err());
        assert!(condition("event == 'x").is_err());
        assert!(condition("a)").is_err());
        assert!(condition("  ").is_err());
        assert!(condition(&"a".repeat(MAX_CONDITION + 1)).is_err());
    }
}
