//! The webhook form's model: what the user typed, the client-side checks (the shared rules of
//! `switchboard_api::validate`, on what the vendor's model has), and the conversion into a
//! create body or a minimal PATCH.

use crate::api::dialect::{self, Events, Vocabulary};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, LazyLock};
use switchboard_api::validate::{self as rules, UrlPolicy};
use switchboard_api::{
    Auth, Delay, DelayUnit, DestinationType, EventType, FieldError, Filter, Format, Target,
    Timestamp, Webhook, WebhookInput, WebhookPatch, HTTP_TYPE,
};

/// One custom header row. `id` keys the row in the list so edits never jump between rows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HeaderRow {
    pub id: u64,
    pub name: String,
    pub value: String,
    /// The backend holds a value it does not show (header values are write-only, like auth
    /// secrets); a value left blank keeps it.
    pub set: bool,
}

impl HeaderRow {
    /// Whether saving keeps the stored value rather than sending one.
    pub fn keeps_stored_value(&self) -> bool {
        self.set && self.value.is_empty()
    }
}

/// One further destination row (Shoprenter's parameters after the first).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetRow {
    pub id: u64,
    pub url: String,
    pub format: Format,
}

/// What the form is for rather than what was typed: the vendor's model and the destination
/// types it offers. Compared by identity, so it never makes a form look edited.
#[derive(Debug, Clone)]
pub struct Shape {
    pub vocabulary: &'static Vocabulary,
    pub types: Arc<Vec<DestinationType>>,
    /// Whether plain http to a loopback or private host passes where the vendor's scheme rule
    /// allows it for test receivers. The console cannot know the server's setting, so the form
    /// lets such URLs through ([`Shape::PRIVATE_TARGETS`]) and the server has the last word.
    pub private_targets: bool,
}

impl Shape {
    /// What the console assumes about the server's private targets: allowed.
    pub const PRIVATE_TARGETS: bool = true;
}

impl PartialEq for Shape {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self.vocabulary, other.vocabulary)
            && Arc::ptr_eq(&self.types, &other.types)
            && self.private_targets == other.private_targets
    }
}

impl Eq for Shape {}

impl Default for Shape {
    fn default() -> Self {
        static HTTP_ONLY: LazyLock<Arc<Vec<DestinationType>>> =
            LazyLock::new(|| Arc::new(vec![DestinationType::http()]));
        Shape {
            vocabulary: dialect::ALL[0].vocabulary(),
            types: Arc::clone(&HTTP_ONLY),
            private_targets: Shape::PRIVATE_TARGETS,
        }
    }
}

impl Shape {
    /// The JSON Schema of a type's `data`; `None` for `http` and for a type not listed.
    pub fn schema(&self, kind: &str) -> Option<&Value> {
        self.types
            .iter()
            .find(|t| t.name == kind && t.name != HTTP_TYPE)
            .map(|t| &t.schema)
    }

    /// How the vendor judges endpoint URLs.
    pub fn urls(&self) -> UrlPolicy {
        UrlPolicy {
            schemes: self.vocabulary.schemes,
            allow_private_targets: self.private_targets,
        }
    }
}

/// One member of a type's `data` as the schema describes it, in the schema's order.
#[derive(Debug, Clone, PartialEq)]
pub struct DataMember {
    pub key: String,
    pub title: String,
    pub required: bool,
    pub secret: bool,
    pub integer: bool,
    pub uri: bool,
    pub min: Option<i64>,
    pub max: Option<i64>,
    pub min_length: Option<usize>,
    pub max_length: Option<usize>,
    pub default: Option<String>,
}

/// The members of an object schema; anything the schema leaves vague is a plain text member.
pub fn data_members(schema: &Value) -> Vec<DataMember> {
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let Some(props) = schema.get("properties").and_then(Value::as_object) else {
        return Vec::new();
    };
    let int = |p: &Value, k: &str| p.get(k).and_then(Value::as_i64);
    props
        .iter()
        .map(|(key, p)| DataMember {
            key: key.clone(),
            title: p
                .get("title")
                .and_then(Value::as_str)
                .unwrap_or(key)
                .to_owned(),
            required: required.contains(&key.as_str()),
            secret: p.get("writeOnly").and_then(Value::as_bool) == Some(true),
            integer: matches!(
                p.get("type").and_then(Value::as_str),
                Some("integer" | "number")
            ),
            uri: p.get("format").and_then(Value::as_str) == Some("uri"),
            min: int(p, "minimum"),
            max: int(p, "maximum"),
            min_length: int(p, "minLength").map(|n| n as usize),
            max_length: int(p, "maxLength").map(|n| n as usize),
            default: p.get("default").map(|d| match d {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            }),
        })
        .collect()
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum AuthKind {
    #[default]
    None,
    Bearer,
    Basic,
    Header,
    ClientCredentials,
}

impl AuthKind {
    pub const ALL: [AuthKind; 5] = [
        AuthKind::None,
        AuthKind::Bearer,
        AuthKind::Basic,
        AuthKind::Header,
        AuthKind::ClientCredentials,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AuthKind::None => "none",
            AuthKind::Bearer => "bearer",
            AuthKind::Basic => "basic",
            AuthKind::Header => "header",
            AuthKind::ClientCredentials => "client_credentials",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            AuthKind::None => "None",
            AuthKind::Bearer => "Bearer token",
            AuthKind::Basic => "Basic auth",
            AuthKind::Header => "Custom header",
            AuthKind::ClientCredentials => "OAuth2 client credentials",
        }
    }

    pub fn parse(s: &str) -> AuthKind {
        AuthKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .unwrap_or_default()
    }

    pub fn of(auth: &Auth) -> AuthKind {
        AuthKind::parse(auth.kind())
    }
}

/// The authentication sub-form. Secret members are write-only: on edit the stored secret is
/// kept unless the user asks to replace it or switches to another kind.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuthForm {
    pub kind: AuthKind,
    pub token: String,
    pub username: String,
    pub password: String,
    pub client_id: String,
    pub client_secret: String,
    pub token_url: String,
    pub header_name: String,
    pub header_value: String,
    /// The kind the server holds a secret for (edit only).
    pub stored_kind: Option<AuthKind>,
    pub replace_secret: bool,
}

impl AuthForm {
    pub fn from_auth(auth: &Auth) -> AuthForm {
        let kind = AuthKind::of(auth);
        let mut form = AuthForm {
            kind,
            stored_kind: (kind != AuthKind::None).then_some(kind),
            ..AuthForm::default()
        };
        match auth {
            Auth::None | Auth::Bearer { .. } => {}
            Auth::Basic { username, .. } => form.username = username.clone(),
            Auth::ClientCredentials {
                client_id,
                token_url,
                ..
            } => {
                form.client_id = client_id.clone();
                form.token_url = token_url.clone();
            }
            Auth::Header { name, .. } => form.header_name = name.clone(),
            // Not a kind the console can edit: shown as it came, left alone unless replaced.
            Auth::Other { .. } => form.stored_kind = None,
        }
        form
    }

    /// The stored secret stays: the form shows "set" instead of an input.
    pub fn keeps_stored_secret(&self) -> bool {
        self.kind != AuthKind::None && self.stored_kind == Some(self.kind) && !self.replace_secret
    }

    pub fn secret(&self) -> &str {
        match self.kind {
            AuthKind::None => "",
            AuthKind::Bearer => &self.token,
            AuthKind::Basic => &self.password,
            AuthKind::Header => &self.header_value,
            AuthKind::ClientCredentials => &self.client_secret,
        }
    }

    /// The wire form; the secret member is left out when the stored one is kept.
    pub fn to_auth(&self) -> Auth {
        let secret = (!self.keeps_stored_secret()).then(|| self.secret().to_owned());
        match self.kind {
            AuthKind::None => Auth::None,
            AuthKind::Bearer => Auth::Bearer { token: secret },
            AuthKind::Basic => Auth::Basic {
                username: self.username.trim().to_owned(),
                password: secret,
            },
            AuthKind::Header => Auth::Header {
                name: self.header_name.trim().to_owned(),
                value: secret,
            },
            AuthKind::ClientCredentials => Auth::ClientCredentials {
                client_id: self.client_id.trim().to_owned(),
                client_secret: secret,
                token_url: self.token_url.trim().to_owned(),
            },
        }
    }
}

/// Everything the form holds, as typed: numbers stay strings so a half-typed value is kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormState {
    /// Destination type; `http` unless the backend lists others.
    pub kind: String,
    /// The type's `data` as typed, member → text (write-only members start empty on edit).
    pub data: BTreeMap<String, String>,
    pub targets: Vec<TargetRow>,
    /// Editing a stored webhook: empty secrets in `data` keep the stored ones.
    pub stored: bool,
    pub shape: Shape,
    pub name: String,
    pub description: String,
    pub url: String,
    pub events: BTreeSet<String>,
    pub is_active: bool,
    /// `YYYY-MM-DDTHH:MM` in the browser's local time, as `<input type=datetime-local>` has it.
    pub active_from: String,
    pub format: Format,
    pub retry_count: String,
    pub timeout_seconds: String,
    pub priority: String,
    pub delay_enabled: bool,
    pub delay_amount: String,
    pub delay_unit: DelayUnit,
    pub auth: AuthForm,
    pub headers: Vec<HeaderRow>,
    pub filter_enabled: bool,
    pub filter_group: String,
    pub filter_condition: String,
}

impl Default for FormState {
    fn default() -> Self {
        FormState {
            kind: HTTP_TYPE.to_owned(),
            data: BTreeMap::new(),
            targets: Vec::new(),
            stored: false,
            shape: Shape::default(),
            name: String::new(),
            description: String::new(),
            url: String::new(),
            events: BTreeSet::new(),
            is_active: true,
            active_from: String::new(),
            format: Format::Json,
            retry_count: "3".into(),
            timeout_seconds: "30".into(),
            priority: "0".into(),
            delay_enabled: false,
            delay_amount: "1".into(),
            delay_unit: DelayUnit::Hour,
            auth: AuthForm::default(),
            headers: Vec::new(),
            filter_enabled: false,
            filter_group: String::new(),
            filter_condition: String::new(),
        }
    }
}

/// Converts between the UTC instants of the API and the local wall-clock time of the input.
pub trait LocalClock {
    /// Minutes east of UTC in effect at this instant.
    fn offset_minutes(&self, at: &Timestamp) -> i32;
}

/// UTC everywhere: native tests and a browser set to UTC.
pub struct Utc;

impl LocalClock for Utc {
    fn offset_minutes(&self, _: &Timestamp) -> i32 {
        0
    }
}

impl FormState {
    /// What the edit form starts from; secrets are never in a response, so they start empty.
    pub fn from_webhook(w: &Webhook, clock: &dyn LocalClock) -> FormState {
        let mut next_id = 0;
        let headers = w
            .headers
            .iter()
            .map(|(name, value)| {
                next_id += 1;
                HeaderRow {
                    id: next_id,
                    name: name.clone(),
                    value: value.clone().unwrap_or_default(),
                    set: value.is_none(),
                }
            })
            .collect();
        let data = match &w.data {
            Some(Value::Object(map)) => map
                .iter()
                .map(|(k, v)| {
                    let text = match v {
                        Value::String(s) => s.clone(),
                        Value::Null => String::new(),
                        other => other.to_string(),
                    };
                    (k.clone(), text)
                })
                .collect(),
            _ => BTreeMap::new(),
        };
        let targets = w
            .targets
            .iter()
            .enumerate()
            .map(|(i, t)| TargetRow {
                id: i as u64 + 1,
                url: t.url.clone(),
                format: t.format,
            })
            .collect();
        FormState {
            kind: w.kind.clone(),
            data,
            targets,
            stored: true,
            shape: Shape::default(),
            name: w.name.clone(),
            description: w.description.clone().unwrap_or_default(),
            url: w.url.clone(),
            events: w.events.iter().cloned().collect(),
            is_active: w.is_active,
            active_from: w
                .active_from
                .map(|t| to_local_input(&t, clock.offset_minutes(&t)))
                .unwrap_or_default(),
            format: w.format,
            retry_count: w.retry_count.to_string(),
            timeout_seconds: w.timeout_seconds.to_string(),
            priority: w.priority.to_string(),
            delay_enabled: w.delay.is_some(),
            delay_amount: w
                .delay
                .map(|d| d.amount.to_string())
                .unwrap_or_else(|| "1".into()),
            delay_unit: w.delay.map(|d| d.unit).unwrap_or(DelayUnit::Hour),
            auth: AuthForm::from_auth(&w.auth),
            headers,
            filter_enabled: w.filter.is_some(),
            filter_group: w
                .filter
                .as_ref()
                .and_then(|f| f.group.clone())
                .unwrap_or_default(),
            filter_condition: w
                .filter
                .as_ref()
                .map(|f| f.condition.clone())
                .unwrap_or_default(),
        }
    }

    /// Every rule the server checks without I/O, one error per bad member, in form order:
    /// the shared rules on what the vendor's model has, plus what only typed text can get
    /// wrong (a number that is not one, a date and time, a header row).
    /// `catalogue` (when loaded) flags event names the backend does not know.
    pub fn validate(
        &self,
        catalogue: Option<&[EventType]>,
        clock: &dyn LocalClock,
    ) -> Vec<FieldError> {
        let mut errors = Vec::new();
        let e = &mut errors;
        let v = self.shape.vocabulary;
        let http = self.kind == HTTP_TYPE;
        let urls = self.shape.urls();

        if v.name.is_some() {
            push(e, "name", rules::name(&self.name, v.name_required));
        }
        if v.description {
            push(
                e,
                "description",
                rules::description(self.description.trim()),
            );
        }
        if v.types {
            push(
                e,
                "type",
                rules::destination_type(&self.kind, &self.shape.types),
            );
        }
        if http && v.url.is_some() {
            push(e, "url", rules::url(&self.url, urls));
            e.extend(rules::targets(&self.url, &self.target_list(), true, urls));
        }
        if let Some(schema) = self.shape.schema(&self.kind) {
            e.extend(data_errors(schema, &self.data, self.stored));
        }
        match v.events {
            Events::Fixed => {}
            Events::One if self.events.len() > 1 => {
                push(e, "events", Err("must be exactly one event type".into()))
            }
            _ => {
                let catalogue = catalogue.filter(|c| !c.is_empty());
                let known = |name: &str| catalogue.is_none_or(|c| c.iter().any(|t| t.name == name));
                let names = self.events.iter().map(String::as_str);
                push(e, "events", rules::events(names, http, Some(&known)));
            }
        }
        if v.active_from.is_some()
            && !self.active_from.trim().is_empty()
            && parse_local_input(&self.active_from, clock).is_none()
        {
            push(e, "active_from", Err("is not a valid date and time".into()));
        }
        if v.retry {
            push(
                e,
                "retry_count",
                typed(&self.retry_count, rules::retry_count),
            );
        }
        if v.timeout {
            let rule = typed(&self.timeout_seconds, rules::timeout_seconds);
            push(e, "timeout_seconds", rule);
        }
        if v.priority && parse_int::<i32>(&self.priority).is_none() {
            push(e, "priority", Err(WHOLE_NUMBER.into()));
        }
        if self.delay_enabled && !v.delay_units.is_empty() {
            push(
                e,
                "delay.amount",
                typed(&self.delay_amount, rules::delay_amount),
            );
            push(
                e,
                "delay.unit",
                rules::delay_unit(self.delay_unit, v.delay_units),
            );
        }
        if !v.auth.is_empty() {
            let kept = self.auth.keeps_stored_secret();
            e.extend(rules::auth(&self.auth.to_auth(), urls, kept));
        }
        if v.headers {
            let rows = self.headers.iter().filter(|h| !is_blank(h)).count();
            push(e, "headers", rules::header_count(rows));
            for row in header_row_errors(&self.headers) {
                e.push(FieldError::new(row.path(), row.message));
            }
        }
        if self.filter_enabled && v.filter.is_some() {
            push(
                e,
                "filter.group",
                rules::filter_group(self.filter_group.trim()),
            );
            let rule = rules::condition(&self.filter_condition);
            push(e, "filter.condition", rule);
        }
        errors
    }

    /// The further destinations as the create body carries them.
    fn target_list(&self) -> Vec<Target> {
        self.targets
            .iter()
            .map(|t| Target {
                url: t.url.trim().to_owned(),
                format: t.format,
            })
            .collect()
    }

    /// The create body, or the client-side errors that keep it from being sent.
    pub fn to_input(
        &self,
        catalogue: Option<&[EventType]>,
        clock: &dyn LocalClock,
    ) -> Result<WebhookInput, Vec<FieldError>> {
        let errors = self.validate(catalogue, clock);
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(self.build(clock))
    }

    /// Assumes `validate` passed; unparsable numbers fall back to the API's defaults.
    fn build(&self, clock: &dyn LocalClock) -> WebhookInput {
        let defaults = WebhookInput::default();
        let description = self.description.trim();
        let headers: BTreeMap<String, String> = self
            .headers
            .iter()
            .filter(|h| !is_blank(h))
            .map(|h| (h.name.trim().to_owned(), h.value.clone()))
            .collect();
        let http = self.kind == HTTP_TYPE;
        WebhookInput {
            kind: self.kind.clone(),
            data: self
                .shape
                .schema(&self.kind)
                .map(|schema| data_value(&data_members(schema), &self.data)),
            targets: if http { self.target_list() } else { Vec::new() },
            name: self.name.trim().to_owned(),
            description: (!description.is_empty()).then(|| description.to_owned()),
            url: if http {
                self.url.trim().to_owned()
            } else {
                String::new()
            },
            events: self.events.iter().cloned().collect(),
            is_active: self.is_active,
            active_from: parse_local_input(&self.active_from, clock),
            headers,
            auth: self.auth.to_auth(),
            format: self.format,
            delay: self.delay_enabled.then(|| Delay {
                amount: parse_int(&self.delay_amount).unwrap_or(1),
                unit: self.delay_unit,
            }),
            retry_count: parse_int(&self.retry_count).unwrap_or(defaults.retry_count),
            timeout_seconds: parse_int(&self.timeout_seconds).unwrap_or(defaults.timeout_seconds),
            priority: parse_int(&self.priority).unwrap_or(0),
            filter: self.filter_enabled.then(|| Filter {
                group: Some(self.filter_group.trim().to_owned()).filter(|g| !g.is_empty()),
                condition: self.filter_condition.trim().to_owned(),
            }),
        }
    }

    /// The headers as a PATCH sends them: `None` keeps a stored value the backend does not
    /// show.
    fn header_patch(&self) -> BTreeMap<String, Option<String>> {
        self.headers
            .iter()
            .filter(|h| !is_blank(h))
            .map(|h| {
                let value = (!h.keeps_stored_value()).then(|| h.value.clone());
                (h.name.trim().to_owned(), value)
            })
            .collect()
    }

    /// The smallest PATCH that turns `original` into this state; empty when nothing changed.
    pub fn to_patch(
        &self,
        original: &FormState,
        catalogue: Option<&[EventType]>,
        clock: &dyn LocalClock,
    ) -> Result<WebhookPatch, Vec<FieldError>> {
        let errors = self.validate(catalogue, clock);
        if !errors.is_empty() {
            return Err(errors);
        }
        let new = self.build(clock);
        let old = original.build(clock);
        fn changed<T: PartialEq + Clone>(new: &T, old: &T) -> Option<T> {
            (new != old).then(|| new.clone())
        }
        Ok(WebhookPatch {
            data: changed(&new.data, &old.data).flatten(),
            targets: changed(&new.targets, &old.targets),
            name: changed(&new.name, &old.name),
            description: changed(&new.description, &old.description),
            url: changed(&new.url, &old.url),
            events: changed(&new.events, &old.events),
            is_active: changed(&new.is_active, &old.is_active),
            active_from: changed(&new.active_from, &old.active_from),
            headers: changed(&self.header_patch(), &original.header_patch()),
            auth: changed(&new.auth, &old.auth),
            format: changed(&new.format, &old.format),
            delay: changed(&new.delay, &old.delay),
            retry_count: changed(&new.retry_count, &old.retry_count),
            timeout_seconds: changed(&new.timeout_seconds, &old.timeout_seconds),
            priority: changed(&new.priority, &old.priority),
            filter: changed(&new.filter, &old.filter),
            held: None,
        })
    }
}

/// Which member of a header row an error is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeaderPart {
    Name,
    Value,
}

/// A problem with one header row, found while typing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeaderRowError {
    pub row: u64,
    pub part: HeaderPart,
    pub message: String,
}

impl HeaderRowError {
    /// Internal path naming the row (`headers[3].name`); server errors use the header name.
    pub fn path(&self) -> String {
        let part = match self.part {
            HeaderPart::Name => "name",
            HeaderPart::Value => "value",
        };
        format!("headers[{}].{part}", self.row)
    }
}

/// Invalid, reserved and duplicate (case-insensitive) names, and values HTTP cannot carry.
/// A row left completely empty is ignored: it is dropped on save.
pub fn header_row_errors(rows: &[HeaderRow]) -> Vec<HeaderRowError> {
    let mut out = Vec::new();
    let mut seen: BTreeMap<String, u64> = BTreeMap::new();
    for row in rows {
        if is_blank(row) {
            continue;
        }
        let name = row.name.trim();
        let mut bad = |part, message: String| {
            out.push(HeaderRowError {
                row: row.id,
                part,
                message,
            })
        };
        if name.is_empty() {
            bad(HeaderPart::Name, "is required".into());
        } else if let Err(m) = rules::header_name(name) {
            bad(HeaderPart::Name, m);
        } else if seen.insert(name.to_ascii_lowercase(), row.id).is_some() {
            bad(HeaderPart::Name, "is a duplicate of another header".into());
        }
        if row.keeps_stored_value() {
            continue;
        }
        if let Err(m) = rules::header_value(&row.value) {
            bad(HeaderPart::Value, m);
        }
    }
    out
}

/// A header row with neither name nor value: dropped on save.
fn is_blank(row: &HeaderRow) -> bool {
    row.name.trim().is_empty() && row.value.is_empty()
}

fn push(errors: &mut Vec<FieldError>, field: &str, rule: Result<(), String>) {
    if let Err(m) = rule {
        errors.push(FieldError::new(field, m));
    }
}

const WHOLE_NUMBER: &str = "must be a whole number";

/// A typed number judged by `rule`; text that is not a whole number says so instead.
fn typed(text: &str, rule: fn(i64) -> Result<(), String>) -> Result<(), String> {
    parse_int::<i64>(text).map_or_else(|| Err(WHOLE_NUMBER.into()), rule)
}

fn parse_int<T: std::str::FromStr>(s: &str) -> Option<T> {
    s.trim().parse().ok()
}

/// `YYYY-MM-DDTHH:MM[:SS]` local time → the instant.
pub fn parse_local_input(s: &str, clock: &dyn LocalClock) -> Option<Timestamp> {
    crate::format::parse_local_input(s, |t| clock.offset_minutes(t))
}

pub use crate::format::to_local_input;

/// The schema's rules on typed `data`, judged as the JSON [`data_value`] sends (so a number
/// that is not one is "must be an integer"); `stored`: empty secrets keep the stored ones.
/// Members the schema does not name are sent back as they came and left to the server.
pub fn data_errors(
    schema: &Value,
    data: &BTreeMap<String, String>,
    stored: bool,
) -> Vec<FieldError> {
    let members = data_members(schema);
    let named: BTreeMap<String, String> = data
        .iter()
        .filter(|(k, _)| members.iter().any(|m| &m.key == *k))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    rules::data(schema, &data_value(&members, &named), stored)
}

/// Typed `data` as the wire object: numbers as numbers, empty members (and so empty secrets,
/// which keep the stored ones) left out. Members the schema does not name are sent back as
/// text, so an edit never drops what the console did not understand.
pub fn data_value(members: &[DataMember], data: &BTreeMap<String, String>) -> Value {
    let mut out = serde_json::Map::new();
    for (key, text) in data {
        let member = members.iter().find(|m| &m.key == key);
        let text = text.trim();
        if text.is_empty() {
            continue;
        }
        let value = match member {
            Some(m) if m.integer => text
                .parse::<i64>()
                .map(Value::from)
                .unwrap_or_else(|_| Value::from(text)),
            _ => Value::from(text),
        };
        out.insert(key.clone(), value);
    }
    Value::Object(out)
}

/// The label a field error is shown after, so a server message like "is required" reads well.
pub fn field_label(path: &str) -> String {
    let label = match path {
        "type" => "Type",
        "name" => "Name",
        "description" => "Description",
        "url" => "URL",
        "events" => "Events",
        "active_from" => "Active from",
        "retry_count" => "Retry count",
        "timeout_seconds" => "Timeout",
        "priority" => "Priority",
        "delay.amount" | "delay" => "Delay",
        "delay.unit" => "Delay unit",
        "format" => "Format",
        "auth.token" => "Token",
        "auth.username" => "Username",
        "auth.password" => "Password",
        "auth.client_id" => "Client id",
        "auth.client_secret" => "Client secret",
        "auth.token_url" => "Token URL",
        "auth.name" => "Header name",
        "auth.value" => "Header value",
        "auth" | "auth.type" => "Authentication",
        "filter.group" => "Group",
        "filter.condition" => "Condition",
        "headers" => "Headers",
        p if p.starts_with("headers") => "Header",
        _ => return String::new(),
    };
    label.to_owned()
}

/// `"is required"` at `name` → `"Name is required"`; a message that already reads as a
/// sentence (capitalised) is left alone.
pub fn sentence(path: &str, message: &str) -> String {
    let label = field_label(path);
    let starts_lower = message.chars().next().is_some_and(|c| c.is_lowercase());
    if label.is_empty() || !starts_lower {
        message.to_owned()
    } else {
        format!("{label} {message}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn valid() -> FormState {
        FormState {
            name: "Orders".into(),
            url: "https://example.com/hook".into(),
            events: ["order_confirm".to_owned()].into_iter().collect(),
            ..FormState::default()
        }
    }

    fn fields(errors: &[FieldError]) -> Vec<&str> {
        errors.iter().map(|e| e.field.as_str()).collect()
    }

    #[test]
    fn a_minimal_form_is_valid_and_builds_defaults() {
        let input = valid().to_input(None, &Utc).unwrap();
        assert_eq!(input.name, "Orders");
        assert_eq!(input.retry_count, 3);
        assert_eq!(input.timeout_seconds, 30);
        assert_eq!(input.auth, Auth::None);
        assert!(input.headers.is_empty());
        assert_eq!(input.delay, None);
        assert_eq!(input.filter, None);
    }

    #[test]
    fn required_fields_and_ranges() {
        let f = FormState {
            retry_count: "11".into(),
            timeout_seconds: "0".into(),
            priority: "x".into(),
            delay_enabled: true,
            delay_amount: "0".into(),
            ..FormState::default()
        };
        let e = f.validate(None, &Utc);
        assert_eq!(
            fields(&e),
            [
                "name",
                "url",
                "events",
                "retry_count",
                "timeout_seconds",
                "priority",
                "delay.amount"
            ]
        );
    }

    #[test]
    fn urls_follow_the_vendors_scheme_rule() {
        let url_error = |vendor: &str, url: &str, private_targets: bool| {
            let f = FormState {
                url: url.into(),
                shape: Shape {
                    vocabulary: dialect::by_id(vendor).vocabulary(),
                    private_targets,
                    ..Shape::default()
                },
                ..valid()
            };
            let errors = f.validate(None, &Utc);
            errors
                .into_iter()
                .find(|e| e.field == "url")
                .map(|e| e.message)
        };
        assert_eq!(
            url_error("switchboard", "http://127.0.0.1:9000/h", true),
            None
        );
        assert_eq!(url_error("switchboard", "http://localhost/h", true), None);
        assert!(url_error("switchboard", "http://127.0.0.1:9000/h", false).is_some());
        assert!(url_error("switchboard", "http://example.com/h", true)
            .unwrap()
            .contains("https"));
        assert!(
            url_error("switchboard", "https://user:pw@example.com", true)
                .unwrap()
                .contains("credentials")
        );
        // plandocket takes https only; Shoprenter's own example is plain http.
        assert_eq!(
            url_error("plandocket", "http://127.0.0.1:9/h", true).as_deref(),
            Some("must use https")
        );
        assert_eq!(url_error("shoprenter", "http://shoprenter.hu", false), None);
        assert!(url_error("shoprenter", "ftp://shoprenter.hu", false).is_some());
    }

    #[test]
    fn header_rows_flag_duplicates_invalid_and_reserved_names() {
        let rows = vec![
            HeaderRow {
                id: 1,
                name: "X-Tenant".into(),
                value: "a".into(),
                set: false,
            },
            HeaderRow {
                id: 2,
                name: "x-tenant".into(),
                value: "b".into(),
                set: false,
            },
            HeaderRow {
                id: 3,
                name: "Bad Name".into(),
                value: "c".into(),
                set: false,
            },
            HeaderRow {
                id: 4,
                name: "Content-Type".into(),
                value: "d".into(),
                set: false,
            },
            HeaderRow {
                id: 5,
                name: "X-Ok".into(),
                value: "line\nbreak".into(),
                set: false,
            },
            HeaderRow {
                id: 6,
                name: String::new(),
                value: String::new(),
                set: false,
            },
        ];
        let e = header_row_errors(&rows);
        let got: Vec<(u64, HeaderPart)> = e.iter().map(|e| (e.row, e.part)).collect();
        assert_eq!(
            got,
            [
                (2, HeaderPart::Name),
                (3, HeaderPart::Name),
                (4, HeaderPart::Name),
                (5, HeaderPart::Value)
            ]
        );
        assert!(e[0].message.contains("duplicate"));
    }

    #[test]
    fn auth_requires_its_secret_unless_the_stored_one_is_kept() {
        let mut f = valid();
        f.auth.kind = AuthKind::Basic;
        assert_eq!(
            fields(&f.validate(None, &Utc)),
            ["auth.username", "auth.password"]
        );
        f.auth.stored_kind = Some(AuthKind::Basic);
        f.auth.username = "u".into();
        assert!(f.validate(None, &Utc).is_empty());
        assert_eq!(
            f.auth.to_auth(),
            Auth::Basic {
                username: "u".into(),
                password: None
            }
        );
        f.auth.replace_secret = true;
        assert_eq!(fields(&f.validate(None, &Utc)), ["auth.password"]);
        f.auth.kind = AuthKind::ClientCredentials;
        f.auth.replace_secret = false;
        f.auth.token_url = "http://auth.example.com/token".into();
        assert_eq!(
            fields(&f.validate(None, &Utc)),
            ["auth.client_id", "auth.client_secret", "auth.token_url"]
        );
    }

    #[test]
    fn write_only_header_values_are_kept_when_left_blank() {
        let w: Webhook = serde_json::from_value(serde_json::json!({
            "id": "a", "name": "H", "url": "https://x.test/h", "events": ["order_confirm"],
            "headers": {"X-Api-Key": null, "X-Shop": "demo"}
        }))
        .unwrap();
        let original = FormState::from_webhook(&w, &Utc);
        let key = &original.headers[0];
        assert_eq!(
            (key.name.as_str(), key.value.as_str(), key.set),
            ("X-Api-Key", "", true)
        );
        assert!(
            !original.headers[1].set,
            "a value the backend shows is not write-only"
        );
        // A blank write-only value is not an error, and nothing changed means no headers.
        assert!(original.validate(None, &Utc).is_empty());
        let same = original.to_patch(&original, None, &Utc).unwrap();
        assert_eq!(same.headers, None);

        let mut edited = original.clone();
        edited.headers.push(HeaderRow {
            id: 3,
            name: "X-Region".into(),
            value: "eu".into(),
            set: false,
        });
        let patch = edited.to_patch(&original, None, &Utc).unwrap();
        let headers = patch.headers.unwrap();
        assert_eq!(headers["X-Api-Key"], None, "kept, not sent");
        assert_eq!(headers["X-Shop"].as_deref(), Some("demo"));
        assert_eq!(headers["X-Region"].as_deref(), Some("eu"));

        edited.headers[0].value = "n3w".into();
        let patch = edited.to_patch(&original, None, &Utc).unwrap();
        assert_eq!(patch.headers.unwrap()["X-Api-Key"].as_deref(), Some("n3w"));
    }

    #[test]
    fn what_the_console_does_not_understand_survives_an_edit() {
        let w: Webhook = serde_json::from_value(serde_json::json!({
            "id": "a", "name": "Old", "url": "https://x.test/h", "events": ["order_confirm"],
            "auth": {"type": "noauth"}, "format": "protobuf"
        }))
        .unwrap();
        let original = FormState::from_webhook(&w, &Utc);
        let edited = FormState {
            name: "New".into(),
            ..original.clone()
        };
        let patch = edited.to_patch(&original, None, &Utc).unwrap();
        assert_eq!(
            patch,
            WebhookPatch {
                name: Some("New".into()),
                ..Default::default()
            },
            "the unknown auth type and format are not sent back changed"
        );
    }

    #[test]
    fn a_types_data_follows_its_schema_and_keeps_stored_secrets() {
        let types = Arc::new(switchboard_api::channels::outputrocks_types());
        let shape = Shape {
            vocabulary: dialect::by_id("outputrocks").vocabulary(),
            types,
            ..Shape::default()
        };
        let w: Webhook = serde_json::from_value(serde_json::json!({
            "id": 1, "name": "my-webhook", "type": "sftp-document",
            "data": {"host": "sftp.example.com", "user": "u", "port": 22}
        }))
        .unwrap();
        let original = FormState {
            shape: shape.clone(),
            ..FormState::from_webhook(&w, &Utc)
        };
        // Stored: the password may stay empty, and is then not sent.
        assert!(original.validate(None, &Utc).is_empty());
        let mut edited = original.clone();
        edited.data.insert("port".into(), "70000".into());
        let fields: Vec<String> = edited
            .validate(None, &Utc)
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, ["data.port"]);
        edited.data.insert("port".into(), "2222".into());
        let patch = edited.to_patch(&original, None, &Utc).unwrap();
        assert_eq!(
            patch.data,
            Some(serde_json::json!({"host": "sftp.example.com", "user": "u", "port": 2222}))
        );
        // New: the password is required.
        let new = FormState {
            stored: false,
            ..original
        };
        let fields: Vec<String> = new
            .validate(None, &Utc)
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, ["data.password"]);
    }

    #[test]
    fn patch_carries_only_changes_and_keeps_secrets() {
        let w: Webhook = serde_json::from_value(serde_json::json!({
            "id": "wh_1", "name": "Orders", "url": "https://example.com/h", "events": ["a"],
            "auth": {"type": "bearer"}, "headers": {"X-A": "1"}, "delay": {"amount": 2, "unit": "hour"}
        }))
        .unwrap();
        let original = FormState::from_webhook(&w, &Utc);
        assert!(original.auth.keeps_stored_secret());
        let unchanged = original.to_patch(&original, None, &Utc).unwrap();
        assert_eq!(unchanged, WebhookPatch::default());

        let mut edited = original.clone();
        edited.name = "Orders v2".into();
        edited.delay_enabled = false;
        edited.description = "new".into();
        let p = edited.to_patch(&original, None, &Utc).unwrap();
        assert_eq!(p.name.as_deref(), Some("Orders v2"));
        assert_eq!(p.delay, Some(None));
        assert_eq!(p.description, Some(Some("new".into())));
        assert_eq!(p.auth, None);
        assert_eq!(p.url, None);

        edited.auth.replace_secret = true;
        edited.auth.token = "t2".into();
        let p = edited.to_patch(&original, None, &Utc).unwrap();
        assert_eq!(
            p.auth,
            Some(Auth::Bearer {
                token: Some("t2".into())
            })
        );
    }

    #[test]
    fn unknown_events_are_flagged_against_the_catalogue() {
        let cat: Vec<EventType> = serde_json::from_value(serde_json::json!([
            {"name": "order_confirm"}
        ]))
        .unwrap();
        let mut f = valid();
        assert!(f.validate(Some(&cat), &Utc).is_empty());
        f.events.insert("nope".into());
        let e = f.validate(Some(&cat), &Utc);
        assert_eq!(fields(&e), ["events"]);
        assert!(e[0].message.contains("nope"));
    }

    #[test]
    fn a_filter_needs_a_balanced_condition() {
        let mut f = valid();
        f.filter_enabled = true;
        f.filter_condition = "data['contract'".into();
        assert_eq!(fields(&f.validate(None, &Utc)), ["filter.condition"]);
        f.filter_condition = "data['contract']['balance'] > 0".into();
        assert!(f.validate(None, &Utc).is_empty());
    }

    struct Plus60;
    impl LocalClock for Plus60 {
        fn offset_minutes(&self, _: &Timestamp) -> i32 {
            60
        }
    }

    #[test]
    fn local_times_round_trip() {
        let t = parse_local_input("2024-03-01T10:30", &Plus60).unwrap();
        assert_eq!(t.to_rfc3339(), "2024-03-01T09:30:00Z");
        assert_eq!(to_local_input(&t, 60), "2024-03-01T10:30");
        assert!(parse_local_input("2024-13-01T10:30", &Utc).is_none());
        assert!(parse_local_input("yesterday", &Utc).is_none());
    }

    #[test]
    fn messages_read_as_sentences() {
        assert_eq!(sentence("url", "must use https"), "URL must use https");
        assert_eq!(
            sentence("headers.X-A", "is not valid"),
            "Header is not valid"
        );
        assert_eq!(
            sentence("url", "Already a sentence."),
            "Already a sentence."
        );
    }
}
