//! Dialects: one module per vendor API, each mapping that API's documented paths, auth header,
//! members, envelopes, ids, times and errors onto the console's model and back. Pure: a
//! dialect builds requests and reads answers; `HttpBackend` does the I/O.
//!
//! Adding a vendor is one module here plus one line in [`ALL`]; `api/dialects.md` describes
//! the wire shapes the five dialects speak.

mod apiplatform;
mod outputrocks;
mod plandocket;
mod shoprenter;
mod switchboard;

use super::{ApiError, Page, WebhookQuery};
use serde_json::{Map, Value};
pub use switchboard_api::validate::Schemes;
use switchboard_api::{
    Capabilities, DelayUnit, DestinationType, EventType, Problem, Webhook, WebhookInput,
    WebhookPatch,
};

/// Every dialect, in the order the Settings page offers them. The first is the default.
pub static ALL: &[&dyn Dialect] = &[
    &switchboard::Switchboard,
    &plandocket::Plandocket,
    &shoprenter::Shoprenter,
    &outputrocks::OutputRocks,
    &apiplatform::ApiPlatform,
];

/// The dialect with this id; the default one for an id no dialect has (an old deep link).
pub fn by_id(id: &str) -> &'static dyn Dialect {
    ALL.iter().copied().find(|d| d.id() == id).unwrap_or(ALL[0])
}

/// HTTP method of a [`Call`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verb {
    Get,
    Post,
    Put,
    Patch,
    Delete,
}

/// One request, before the transport adds the base URL, the auth header and `Accept`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    pub verb: Verb,
    /// Below the base path, with its query string.
    pub path: String,
    pub body: Option<String>,
    pub content_type: &'static str,
}

impl Call {
    pub fn get(path: impl Into<String>) -> Call {
        Call {
            verb: Verb::Get,
            path: path.into(),
            body: None,
            content_type: JSON,
        }
    }

    pub fn delete(path: impl Into<String>) -> Call {
        Call {
            verb: Verb::Delete,
            ..Call::get(path)
        }
    }

    pub fn send(verb: Verb, path: impl Into<String>, body: &Value) -> Call {
        Call {
            verb,
            path: path.into(),
            body: Some(body.to_string()),
            content_type: JSON,
        }
    }
}

pub const JSON: &str = "application/json";

/// How the token is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthScheme {
    /// `Authorization: Bearer <token>`.
    Bearer,
    /// `<name>: <token>`.
    Header(&'static str),
    /// `Authorization: Basic base64(<token>)`, the token typed as `user:password`.
    Basic,
}

impl AuthScheme {
    /// The header to send for `token`; `None` without a token.
    pub fn header(self, token: &str) -> Option<(&'static str, String)> {
        if token.is_empty() {
            return None;
        }
        Some(match self {
            AuthScheme::Bearer => ("Authorization", format!("Bearer {token}")),
            AuthScheme::Header(name) => (name, token.to_owned()),
            AuthScheme::Basic => {
                use base64::Engine;
                let encoded = base64::engine::general_purpose::STANDARD.encode(token);
                ("Authorization", format!("Basic {encoded}"))
            }
        })
    }

    /// What Settings calls the token field.
    pub fn token_label(self) -> String {
        match self {
            AuthScheme::Bearer => "API token (sent as Authorization: Bearer)".to_owned(),
            AuthScheme::Header(name) => format!("API token (sent as {name})"),
            AuthScheme::Basic => "API user and password, as user:password (HTTP basic)".to_owned(),
        }
    }
}

/// What a create answered: the webhook, or only its id (plandocket's documented example).
#[derive(Debug, Clone, PartialEq)]
pub enum Created {
    Webhook(Box<Webhook>),
    Id(String),
}

/// How many event types a webhook subscribes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Events {
    Many,
    /// Exactly one (Shoprenter's `event`).
    One,
    /// None to choose: the type decides what it receives (Output.Rocks, API platform).
    Fixed,
}

/// How a webhook is switched on and off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Toggle {
    /// An update of the active member, both ways.
    Update,
    /// Only a deactivate action (API platform).
    DeactivateOnly,
    None,
}

/// Which members the vendor's webhook has and the vendor's own words for them. A member with
/// no label is not part of the vendor's model, and the console does not offer it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Vocabulary {
    pub name: Option<&'static str>,
    /// A webhook without a name is refused (plandocket's `name` is optional).
    pub name_required: bool,
    pub description: bool,
    pub url: Option<&'static str>,
    /// Which schemes the vendor's endpoint URLs may use.
    pub schemes: Schemes,
    /// Label of further destinations, each with a format (Shoprenter's parameters).
    pub targets: Option<&'static str>,
    pub events: Events,
    pub active: &'static str,
    /// What the list badge says for on and off.
    pub on_off: (&'static str, &'static str),
    pub toggle: Toggle,
    /// Label, and whether it is a date only (Output.Rocks' `activeFrom`).
    pub active_from: Option<(&'static str, bool)>,
    pub headers: bool,
    /// Auth types the vendor offers, as `Auth::kind()` names; empty: no auth section.
    pub auth: &'static [&'static str],
    /// The vendor's own word for an auth type, by `Auth::kind()` name, where it has one (the
    /// API platform's `noauth`, `client_credential`).
    pub auth_words: &'static [(&'static str, &'static str)],
    pub format: bool,
    pub delay_units: &'static [DelayUnit],
    /// The vendor's labels of a delay's amount and unit, its units then shown as it spells them
    /// (Shoprenter's "Delay", "Delay unit", `day`/`hour`); `None`: "Send after" and "hours".
    pub delay_words: Option<(&'static str, &'static str)>,
    pub retry: bool,
    pub timeout: bool,
    pub priority: bool,
    /// Labels of the filter's group and condition.
    pub filter: Option<(&'static str, &'static str)>,
    /// The webhook has a `type` chosen from [`Dialect::destination_types`].
    pub types: bool,
    /// The signing secret is shown (create and single get).
    pub secret: bool,
    /// The backend filters lists by `q`, `is_active` and `event` itself.
    pub server_filters: bool,
    /// Members the vendor's item has that the console maps; anything else in an item is shown
    /// as it came ("other members").
    pub members: &'static [&'static str],
}

/// One vendor's API.
pub trait Dialect: Sync {
    /// Stable id kept in the connection and in links.
    fn id(&self) -> &'static str;
    /// What the Settings page calls it.
    fn title(&self) -> &'static str;
    /// Path below the base URL where the webhook resource lives.
    fn default_base_path(&self) -> &'static str;
    fn auth(&self) -> AuthScheme {
        AuthScheme::Bearer
    }
    fn accept(&self) -> &'static str {
        "application/json, application/problem+json"
    }
    /// A file served beside the console (a JSON array of event types) with the fields and
    /// example payloads the vendor documents but does not serve.
    fn event_documentation(&self) -> Option<&'static str> {
        None
    }
    /// What the vendor documents the token needs (scopes, feature flags), said under the
    /// token field.
    fn token_needs(&self) -> Option<&'static str> {
        None
    }
    fn vocabulary(&self) -> &'static Vocabulary;
    /// What the API can do; `None` means "ask `GET /capabilities`".
    fn capabilities(&self) -> Option<Capabilities> {
        Some(Capabilities::core())
    }
    /// A catalogue the vendor documents instead of serving; `None` means "ask the backend".
    fn event_types(&self) -> Option<Vec<EventType>> {
        None
    }
    /// The destination types when the vendor documents them rather than listing them.
    fn destination_types(&self) -> Option<Vec<DestinationType>> {
        Some(vec![DestinationType::http()])
    }

    fn list(&self, query: &WebhookQuery) -> Call;
    fn read_list(&self, status: u16, body: &str) -> Result<Page<Webhook>, ApiError>;
    fn get(&self, id: &str) -> Call;
    fn read_one(&self, status: u16, body: &str) -> Result<Webhook, ApiError>;
    fn create(&self, input: &WebhookInput) -> Call;
    fn read_created(&self, status: u16, body: &str) -> Result<Created, ApiError> {
        self.read_one(status, body)
            .map(|w| Created::Webhook(Box::new(w)))
    }
    /// `None`: the vendor cannot make this change. `current` is the stored webhook when
    /// [`Dialect::update_needs_current`] asked for it.
    fn update(&self, id: &str, patch: &WebhookPatch, current: Option<&Webhook>) -> Option<Call>;
    /// Whether this patch can only be sent with the stored webhook beside it (a vendor whose
    /// one member holds several of the console's).
    fn update_needs_current(&self, _patch: &WebhookPatch) -> bool {
        false
    }
    fn delete(&self, id: &str) -> Call;
    fn read_error(&self, status: u16, body: &str, retry_after: Option<&str>) -> ApiError {
        super::error::error_from_response(status, body, retry_after)
    }
    /// Whether a 2xx answer to [`Dialect::list`] looks like this vendor's.
    fn recognises(&self, body: &Value) -> bool;
}

/// Parses a 2xx body as JSON, or says why not.
pub fn json_body(status: u16, body: &str) -> Result<Value, ApiError> {
    if body.trim().is_empty() {
        return Err(ApiError::Decode {
            status,
            message: "the body is empty".into(),
        });
    }
    serde_json::from_str(body).map_err(|e| ApiError::Decode {
        status,
        message: format!("not valid JSON ({e})"),
    })
}

fn unexpected(status: u16, what: &str) -> ApiError {
    ApiError::Decode {
        status,
        message: format!("unexpected shape ({what})"),
    }
}

/// Reads one item already mapped to the console's member names; `raw` is the vendor's own.
pub fn webhook_from(status: u16, mapped: Value, raw: Value) -> Result<Webhook, ApiError> {
    let mut w: Webhook = serde_json::from_value(mapped).map_err(|e| ApiError::Decode {
        status,
        message: format!("unexpected shape ({e})"),
    })?;
    w.raw = Some(raw);
    Ok(w)
}

/// Reads a single item: a JSON object, `map`ped to the console's member names.
pub fn read_item(
    status: u16,
    body: &str,
    map: impl Fn(&Value) -> Value,
) -> Result<Webhook, ApiError> {
    let v = json_body(status, body)?;
    if !v.is_object() {
        return Err(unexpected(status, "not an object"));
    }
    webhook_from(status, map(&v), v)
}

/// `<collection>/<id>`, the id encoded as one path segment.
pub fn item_path(collection: &str, id: &str) -> String {
    format!("{collection}/{}", super::query::encode(id))
}

/// An event type a vendor documents rather than serves.
pub fn documented_event(name: &str, description: &str, group: &str) -> EventType {
    EventType {
        name: name.to_owned(),
        description: description.to_owned(),
        group: group.to_owned(),
        schema: None,
        fields: Vec::new(),
        examples: Vec::new(),
        deprecated: false,
    }
}

/// A vendor's error body read into the console's error, with its field errors renamed.
pub fn vendor_error(
    status: u16,
    title: &str,
    detail: Option<String>,
    errors: Vec<(String, String)>,
    rename: impl Fn(&str) -> String,
    retry_after: Option<&str>,
) -> ApiError {
    ApiError::Http {
        status,
        problem: problem(status, title, detail, errors, rename),
        retry_after: retry_after.and_then(|r| r.trim().parse().ok()),
    }
}

/// Reads every item of a list on its own: one odd item shows as unreadable, with what the
/// backend sent, instead of failing the whole page.
pub fn tolerant_items(items: &[Value], map: impl Fn(&Value) -> Value) -> Vec<Webhook> {
    items
        .iter()
        .map(|raw| webhook_from(200, map(raw), raw.clone()).unwrap_or_else(|e| unreadable(raw, &e)))
        .collect()
}

/// Stands in for an item the console could not read: its id if it has one, and why.
pub fn unreadable(raw: &Value, error: &ApiError) -> Webhook {
    let id = raw
        .get("id")
        .map(|v| match v {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        })
        .unwrap_or_default();
    let mut w: Webhook = serde_json::from_value(serde_json::json!({"id": id, "url": ""}))
        .expect("a minimal webhook always reads");
    w.kind = UNREADABLE.to_owned();
    w.name = "Unreadable item".to_owned();
    w.description = Some(match error {
        ApiError::Decode { message, .. } => message.clone(),
        other => other.message(),
    });
    w.raw = Some(raw.clone());
    w
}

/// The `kind` of a stand-in for an item that could not be read.
pub const UNREADABLE: &str = "unreadable";

/// Members of `raw` that the dialect does not map: shown as they came.
pub fn other_members(w: &Webhook, vocabulary: &Vocabulary) -> Vec<(String, String)> {
    match &w.raw {
        Some(Value::Object(map)) => map
            .iter()
            .filter(|(k, _)| !vocabulary.members.contains(&k.as_str()))
            .map(|(k, v)| {
                let text = match v {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                (k.clone(), text)
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// The value as written in the raw item, for an enum member the console did not understand.
pub fn raw_text(w: &Webhook, pointer: &str) -> Option<String> {
    w.raw.as_ref()?.pointer(pointer).map(|v| match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    })
}

/// Applies the list filters the backend lacks to a loaded page.
pub fn filter_locally(items: Vec<Webhook>, query: &WebhookQuery) -> Vec<Webhook> {
    let needle = query
        .q
        .as_deref()
        .map(str::trim)
        .filter(|q| !q.is_empty())
        .map(str::to_lowercase);
    items
        .into_iter()
        .filter(|w| query.is_active.is_none_or(|a| w.is_active == a))
        .filter(|w| {
            query
                .event
                .as_deref()
                .filter(|e| !e.is_empty())
                .is_none_or(|e| w.events.iter().any(|x| x == e))
        })
        .filter(|w| {
            needle.as_deref().is_none_or(|n| {
                w.name.to_lowercase().contains(n)
                    || w.url.to_lowercase().contains(n)
                    || w.id.as_str().to_lowercase().contains(n)
            })
        })
        .collect()
}

/// A field error with the vendor's member path turned into the console's.
pub fn problem(
    status: u16,
    title: &str,
    detail: Option<String>,
    errors: Vec<(String, String)>,
    rename: impl Fn(&str) -> String,
) -> Problem {
    Problem {
        kind: "about:blank".into(),
        title: title.to_owned(),
        status,
        detail,
        request_id: None,
        errors: errors
            .into_iter()
            .map(|(f, m)| switchboard_api::FieldError::new(rename(&f), m))
            .collect(),
    }
}

/// Copies `from[src]` to `to[dst]` when present.
pub fn copy(from: &Value, src: &str, to: &mut Map<String, Value>, dst: &str) {
    if let Some(v) = from.get(src) {
        to.insert(dst.to_owned(), v.clone());
    }
}

/// The id member of an item as a string.
pub fn id_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests;
