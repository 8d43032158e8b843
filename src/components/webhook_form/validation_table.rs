//! One table of webhook inputs judged by both sides: the console's form (built from the input
//! as a user would have typed it) and the reference server's synchronous validation must name
//! the same fields. It lives in the console crate because only this crate sees both: the
//! server is a native dev-dependency here, while the server's own tests cannot see the form.
//!
//! Not in the table, by design: a balanced filter condition that CEL still refuses and a URL
//! the `url` crate refuses beyond the shared shape (the server's own checks at the same
//! field), where a URL resolves to (network), and an unknown `format`, which the form leaves
//! as it came instead of flagging it.

use super::model::{AuthForm, FormState, Shape, Utc};
use crate::api::dialect;
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::sync::Arc;
use switchboard_api::channels::outputrocks_types;
use switchboard_api::{Auth, DestinationType, Webhook, WebhookInput};
use switchboard_server::catalogue::Catalogue;
use switchboard_server::validate::{self, Rules};
use switchboard_server::Profile;

/// How one row is judged: which vendor (the console's dialect, the server's profile) and
/// whether private targets are allowed.
#[derive(Clone, Copy)]
struct Side {
    vendor: &'static str,
    private_targets: bool,
}

const STRICT: Side = Side {
    vendor: "switchboard",
    private_targets: false,
};
const LOOPBACK_OK: Side = Side {
    vendor: "switchboard",
    private_targets: true,
};
const PLANDOCKET: Side = Side {
    vendor: "plandocket",
    private_targets: true,
};
const SHOPRENTER: Side = Side {
    vendor: "shoprenter",
    private_targets: false,
};
const OUTPUTROCKS: Side = Side {
    vendor: "outputrocks",
    private_targets: false,
};

fn profile(vendor: &str) -> Profile {
    match vendor {
        "switchboard" => Profile::Full,
        other => Profile::parse(other).expect("a profile for every dialect"),
    }
}

fn types(vendor: &str) -> Vec<DestinationType> {
    match vendor {
        "outputrocks" => outputrocks_types(),
        _ => vec![DestinationType::http()],
    }
}

/// A valid `http` webhook with `changes` merged over it.
fn http(changes: Value) -> Value {
    let mut v = json!({"name": "Orders", "url": "https://example.com/hook",
        "events": ["order_confirm"]});
    merge(&mut v, changes);
    v
}

/// A valid SFTP channel with `changes` merged over it.
fn sftp(changes: Value) -> Value {
    let mut v = json!({"type": "sftp-document", "name": "sftp-hook", "data": {
        "host": "sftp.example.com", "user": "u", "password": "p", "port": 22}});
    merge(&mut v, changes);
    v
}

fn merge(base: &mut Value, changes: Value) {
    let Value::Object(changes) = changes else {
        return;
    };
    for (k, v) in changes {
        let nested = v.is_object() && base.get(&k).is_some_and(Value::is_object);
        if v.is_null() {
            if let Some(o) = base.as_object_mut() {
                o.remove(&k);
            }
        } else if nested {
            merge(&mut base[k.as_str()], v);
        } else {
            base[k.as_str()] = v;
        }
    }
}

/// The form a user would have filled in for `input`: a new webhook, secrets typed.
fn form(input: &WebhookInput, shape: Shape) -> FormState {
    let mut value = serde_json::to_value(input).unwrap();
    value["id"] = json!("table");
    let webhook: Webhook = serde_json::from_value(value).unwrap();
    let mut f = FormState::from_webhook(&webhook, &Utc);
    f.stored = false;
    f.shape = shape;
    f.auth = AuthForm {
        stored_kind: None,
        ..AuthForm::from_auth(&input.auth)
    };
    match &input.auth {
        Auth::Bearer { token } => f.auth.token = token.clone().unwrap_or_default(),
        Auth::Basic { password, .. } => f.auth.password = password.clone().unwrap_or_default(),
        Auth::ClientCredentials { client_secret, .. } => {
            f.auth.client_secret = client_secret.clone().unwrap_or_default()
        }
        Auth::Header { value, .. } => f.auth.header_value = value.clone().unwrap_or_default(),
        Auth::None | Auth::Other { .. } => {}
    }
    f
}

/// The console's field paths, its header rows (`headers[<row id>].name`) named by header as
/// the server names them.
fn console(input: &WebhookInput, side: Side, catalogue: &Catalogue) -> BTreeSet<String> {
    let shape = Shape {
        vocabulary: dialect::by_id(side.vendor).vocabulary(),
        types: Arc::new(types(side.vendor)),
        private_targets: side.private_targets,
    };
    let f = form(input, shape);
    f.validate(Some(catalogue.all()), &Utc)
        .into_iter()
        .map(|e| match e.field.strip_prefix("headers[") {
            Some(rest) => {
                let id = rest.split(']').next().unwrap_or_default();
                let row = f.headers.iter().find(|h| h.id.to_string() == id);
                format!("headers.{}", row.map_or("?", |h| h.name.as_str()))
            }
            None => e.field,
        })
        .collect()
}

fn server(input: &WebhookInput, side: Side, catalogue: &Catalogue) -> BTreeSet<String> {
    let types = types(side.vendor);
    let rules = Rules {
        catalogue,
        allow_private_targets: side.private_targets,
        host_overrides: &switchboard_server::engine::ssrf::HostOverrides::default(),
        schemes: validate::schemes(profile(side.vendor)),
        types: &types,
    };
    validate::webhook(input, &rules)
        .into_iter()
        .map(|e| e.field)
        .collect()
}

#[test]
fn the_console_and_the_server_name_the_same_fields() {
    let long = "x".repeat(121);
    let table: Vec<(&str, Side, Value, &[&str])> = vec![
        ("valid", STRICT, http(json!({})), &[]),
        (
            "valid with everything",
            STRICT,
            http(json!({
            "description": "d", "headers": {"X-Shop": "demo"},
            "auth": {"type": "basic", "username": "u", "password": "p"},
            "delay": {"amount": 2, "unit": "hour"}, "retry_count": 10, "timeout_seconds": 120,
            "filter": {"group": "g", "condition": "data['a'] > 0"}})),
            &[],
        ),
        (
            "http to loopback, private targets allowed",
            LOOPBACK_OK,
            http(json!({"url": "http://127.0.0.1:9000/hook"})),
            &[],
        ),
        (
            "http to localhost, private targets allowed",
            LOOPBACK_OK,
            http(json!({"url": "http://localhost/hook"})),
            &[],
        ),
        (
            "http to loopback, private targets not allowed",
            STRICT,
            http(json!({"url": "http://127.0.0.1:9000/hook"})),
            &["url"],
        ),
        (
            "http to a public host",
            LOOPBACK_OK,
            http(json!({"url": "http://example.com/hook"})),
            &["url"],
        ),
        (
            "http to a public host, Shoprenter",
            SHOPRENTER,
            http(json!({"url": "http://shoprenter.hu"})),
            &[],
        ),
        (
            "http to loopback, plandocket (https only)",
            PLANDOCKET,
            http(json!({"url": "http://127.0.0.1:9000/hook"})),
            &["url"],
        ),
        (
            "ftp",
            SHOPRENTER,
            http(json!({"url": "ftp://example.com/x"})),
            &["url"],
        ),
        (
            "credentials in the URL",
            STRICT,
            http(json!({"url": "https://user:pw@example.com/hook"})),
            &["url"],
        ),
        (
            "no host",
            STRICT,
            http(json!({"url": "https:///hook"})),
            &["url"],
        ),
        (
            "bad port",
            STRICT,
            http(json!({"url": "https://example.com:99999/"})),
            &["url"],
        ),
        ("no URL", STRICT, http(json!({"url": ""})), &["url"]),
        ("no name", STRICT, http(json!({"name": "  "})), &["name"]),
        ("long name", STRICT, http(json!({"name": long})), &["name"]),
        (
            "no events",
            STRICT,
            http(json!({"events": []})),
            &["events"],
        ),
        (
            "unknown event",
            STRICT,
            http(json!({"events": ["order_confirm", "nope"]})),
            &["events"],
        ),
        (
            "reserved header",
            STRICT,
            http(json!({"headers": {"Content-Type": "text/plain"}})),
            &["headers.Content-Type"],
        ),
        (
            "signature header",
            STRICT,
            http(json!({"headers": {"webhook-signature": "x"}})),
            &["headers.webhook-signature"],
        ),
        (
            "bad header name",
            STRICT,
            http(json!({"headers": {"Bad Name": "v"}})),
            &["headers.Bad Name"],
        ),
        (
            "bad header value",
            STRICT,
            http(json!({"headers": {"X-A": "line\nbreak"}})),
            &["headers.X-A"],
        ),
        (
            "retry 11",
            STRICT,
            http(json!({"retry_count": 11})),
            &["retry_count"],
        ),
        (
            "timeout 0",
            STRICT,
            http(json!({"timeout_seconds": 0})),
            &["timeout_seconds"],
        ),
        (
            "timeout 121",
            STRICT,
            http(json!({"timeout_seconds": 121})),
            &["timeout_seconds"],
        ),
        (
            "delay 0",
            STRICT,
            http(json!({"delay": {"amount": 0, "unit": "hour"}})),
            &["delay.amount"],
        ),
        (
            "delay 1001",
            STRICT,
            http(json!({"delay": {"amount": 1001, "unit": "day"}})),
            &["delay.amount"],
        ),
        (
            "delay unit unknown",
            STRICT,
            http(json!({"delay": {"amount": 2, "unit": "fortnight"}})),
            &["delay.unit"],
        ),
        (
            "unbalanced condition",
            STRICT,
            http(json!({"filter": {"condition": "data['contract'"}})),
            &["filter.condition"],
        ),
        (
            "open quote",
            STRICT,
            http(json!({"filter": {"condition": "event == 'x"}})),
            &["filter.condition"],
        ),
        (
            "empty condition",
            STRICT,
            http(json!({"filter": {"condition": " "}})),
            &["filter.condition"],
        ),
        (
            "long group",
            STRICT,
            http(json!({"filter": {"group": long, "condition": "a == 1"}})),
            &["filter.group"],
        ),
        (
            "basic auth with ':' in the username",
            STRICT,
            http(json!({"auth": {"type": "basic", "username": "a:b", "password": "p"}})),
            &["auth.username"],
        ),
        (
            "basic auth without a password",
            STRICT,
            http(json!({"auth": {"type": "basic", "username": "u"}})),
            &["auth.password"],
        ),
        (
            "bearer without a token",
            STRICT,
            http(json!({"auth": {"type": "bearer"}})),
            &["auth.token"],
        ),
        (
            "client credentials without a secret",
            STRICT,
            http(json!({"auth": {
            "type": "client_credentials", "client_id": "c", "token_url": "https://auth.example.com/t"}})),
            &["auth.client_secret"],
        ),
        (
            "client credentials, bad token URL",
            STRICT,
            http(json!({"auth": {
            "type": "client_credentials", "client_id": "c", "client_secret": "s", "token_url": "nope"}})),
            &["auth.token_url"],
        ),
        (
            "client credentials, http token URL",
            STRICT,
            http(json!({"auth": {
            "type": "client_credentials", "client_id": "", "client_secret": "s",
            "token_url": "http://auth.example.com/t"}})),
            &["auth.client_id", "auth.token_url"],
        ),
        (
            "header auth with a reserved name",
            STRICT,
            http(json!({"auth": {
            "type": "header", "name": "Host", "value": "v"}})),
            &["auth.name"],
        ),
        (
            "header auth with a bad value",
            STRICT,
            http(json!({"auth": {
            "type": "header", "name": "X-Key", "value": "a\r\nb"}})),
            &["auth.value"],
        ),
        (
            "several at once",
            STRICT,
            http(json!({"name": "", "url": "ftp://x", "retry_count": 11,
            "headers": {"Host": "h"}})),
            &["headers.Host", "name", "retry_count", "url"],
        ),
        ("sftp, valid", OUTPUTROCKS, sftp(json!({})), &[]),
        (
            "sftp, port 70000",
            OUTPUTROCKS,
            sftp(json!({"data": {"port": 70000}})),
            &["data.port"],
        ),
        (
            "sftp, no password",
            OUTPUTROCKS,
            sftp(json!({"data": {"password": null}})),
            &["data.password"],
        ),
        (
            "sftp, empty host",
            OUTPUTROCKS,
            sftp(json!({"data": {"host": ""}})),
            &["data.host"],
        ),
        (
            "e-post, ekp not ten digits",
            OUTPUTROCKS,
            json!({"type": "epostbusiness-email",
            "name": "e", "data": {"vendorId": "v", "ekp": "12345abcde", "password": "p"}}),
            &["data.ekp"],
        ),
        (
            "chargecloud, API URL not a URL",
            OUTPUTROCKS,
            json!({"type": "chargecloud-document",
            "name": "c", "data": {"apiUrl": "not a url", "apiKey": "k"}}),
            &["data.apiUrl"],
        ),
        (
            "a type the backend does not offer",
            OUTPUTROCKS,
            sftp(json!({"type": "sftp-fax"})),
            &["type"],
        ),
    ];
    let catalogue = Catalogue::builtin();
    let mut disagreements = Vec::new();
    for (label, side, body, expected) in table {
        let input: WebhookInput =
            serde_json::from_value(body.clone()).unwrap_or_else(|e| panic!("{label}: {e}"));
        let expected: BTreeSet<String> = expected.iter().map(|s| s.to_string()).collect();
        let (c, s) = (
            console(&input, side, &catalogue),
            server(&input, side, &catalogue),
        );
        if c != expected || s != expected {
            disagreements.push(format!(
                "{label}: expected {expected:?}, console {c:?}, server {s:?}"
            ));
        }
    }
    assert!(disagreements.is_empty(), "{}", disagreements.join("\n"));
}

#[test]
fn every_dialect_judges_urls_as_its_server_profile_does() {
    for &d in dialect::ALL {
        assert_eq!(
            d.vocabulary().schemes,
            validate::schemes(profile(d.id())),
            "{}",
            d.id()
        );
    }
}
