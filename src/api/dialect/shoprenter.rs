//! Shoprenter's WebHook resource: `label`, one `event`, `status` 0/1, `webHookParameters`
//! (format and URL each), `webHookDelay` in days or hours, HTTP basic auth, `{items, next}`
//! collections, zone-less times and `{error, message, errors}` error bodies.

use super::{
    copy, documented_event, item_path, json_body, read_item, tolerant_items, unexpected,
    vendor_error, AuthScheme, Call, Dialect, Events, Schemes, Toggle, Verb, Vocabulary,
};
use crate::api::{ApiError, Page, WebhookQuery};
use serde_json::{json, Map, Value};
use switchboard_api::{
    Capabilities, DelayUnit, EventType, Feature, Target, Webhook, WebhookInput, WebhookPatch,
};

pub struct Shoprenter;

/// Page size asked for; Shoprenter's largest is 200.
const LIMIT: u32 = 200;

static VOCABULARY: Vocabulary = Vocabulary {
    name: Some("Label"),
    name_required: true,
    description: false,
    url: Some("URL"),
    schemes: Schemes::Either,
    targets: Some("Parameters"),
    events: Events::One,
    active: "Status: enabled (1)",
    on_off: ("Enabled", "Disabled"),
    toggle: Toggle::Update,
    active_from: None,
    headers: false,
    auth: &[],
    auth_words: &[],
    format: true,
    delay_units: &[DelayUnit::Hour, DelayUnit::Day],
    delay_words: Some(("Delay", "Delay unit")),
    retry: false,
    timeout: false,
    priority: false,
    filter: None,
    types: false,
    secret: false,
    server_filters: false,
    members: &[
        "href",
        "id",
        "label",
        "event",
        "status",
        "webHookParameters",
        "webHookDelay",
        "dateCreated",
        "dateUpdated",
    ],
};

/// The five events the seed documents, with its own descriptions.
const EVENTS: [(&str, &str, &str); 5] = [
    ("order_confirm", "New Order Confirmation", "Orders"),
    ("order_status_change", "Order Status Change", "Orders"),
    ("newsletter_subscribe", "Newsletter Subscribe", "Newsletter"),
    (
        "newsletter_unsubscribe",
        "Newsletter Unsubscribe",
        "Newsletter",
    ),
    (
        "newsletter_update_subscriber",
        "Newsletter Update Subscriber Data",
        "Newsletter",
    ),
];

/// `2024-01-01T10:00:00` (UTC, no zone) as RFC 3339.
fn time(v: &Value) -> Value {
    match v.as_str() {
        Some(s) if s.len() == 19 => Value::String(format!("{s}Z")),
        Some(s) if s.len() == 10 => Value::String(format!("{s}T00:00:00Z")),
        _ => v.clone(),
    }
}

/// A Shoprenter item in the console's member names.
pub fn to_console(item: &Value) -> Value {
    let mut m = Map::new();
    copy(item, "id", &mut m, "id");
    copy(item, "label", &mut m, "name");
    if let Some(event) = item.get("event") {
        m.insert("events".into(), json!([event]));
    }
    if let Some(status) = item.get("status") {
        let on = status.as_i64().or_else(|| status.as_str()?.parse().ok()) == Some(1);
        m.insert("is_active".into(), on.into());
    }
    let params = item
        .get("webHookParameters")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let mut params = params.iter().map(|p| {
        json!({"url": p.get("url").cloned().unwrap_or(Value::Null), "format": p.get("type").cloned().unwrap_or(json!("json"))})
    });
    if let Some(first) = params.next() {
        m.insert("url".into(), first["url"].clone());
        m.insert("format".into(), first["format"].clone());
    }
    m.insert("targets".into(), Value::Array(params.collect()));
    if let Some(d) = item
        .get("webHookDelay")
        .and_then(Value::as_array)
        .and_then(|a| a.first())
    {
        m.insert(
            "delay".into(),
            json!({"amount": d.get("delay").cloned().unwrap_or(Value::Null),
                   "unit": d.get("delayUnit").cloned().unwrap_or(Value::Null)}),
        );
    }
    if let Some(t) = item.get("dateCreated") {
        m.insert("created_at".into(), time(t));
    }
    if let Some(t) = item.get("dateUpdated") {
        m.insert("updated_at".into(), time(t));
    }
    Value::Object(m)
}

fn parameters(url: &str, format: switchboard_api::Format, targets: &[Target]) -> Value {
    let mut all = vec![json!({"type": format.as_str(), "url": url})];
    all.extend(
        targets
            .iter()
            .map(|t| json!({"type": t.format.as_str(), "url": t.url})),
    );
    Value::Array(all)
}

fn delay(d: &Option<switchboard_api::Delay>) -> Value {
    match d {
        Some(d) => json!([{"delay": d.amount, "delayUnit": d.unit.as_str()}]),
        None => json!([]),
    }
}

/// A create in the seed's shape and member order.
pub fn create_body(input: &WebhookInput) -> Value {
    json!({
        "label": input.name,
        "event": input.events.first().cloned().unwrap_or_default(),
        "status": u8::from(input.is_active),
        "webHookParameters": parameters(&input.url, input.format, &input.targets),
        "webHookDelay": delay(&input.delay),
    })
}

/// The members a patch changes, in Shoprenter's names. URL, format and further targets are
/// one member there, so a change to any of them sends all three (`current` fills the rest).
pub fn update_body(patch: &WebhookPatch, current: Option<&Webhook>) -> Value {
    let mut m = Map::new();
    if let Some(name) = &patch.name {
        m.insert("label".into(), name.clone().into());
    }
    if let Some(events) = &patch.events {
        m.insert(
            "event".into(),
            events.first().cloned().unwrap_or_default().into(),
        );
    }
    if let Some(on) = patch.is_active {
        m.insert("status".into(), u8::from(on).into());
    }
    if patch.url.is_some() || patch.format.is_some() || patch.targets.is_some() {
        let url = patch
            .url
            .clone()
            .or_else(|| current.map(|c| c.url.clone()))
            .unwrap_or_default();
        let format = patch
            .format
            .or_else(|| current.map(|c| c.format))
            .unwrap_or_default();
        let targets = patch
            .targets
            .clone()
            .or_else(|| current.map(|c| c.targets.clone()))
            .unwrap_or_default();
        m.insert(
            "webHookParameters".into(),
            parameters(&url, format, &targets),
        );
    }
    if let Some(d) = &patch.delay {
        m.insert("webHookDelay".into(), delay(d));
    }
    Value::Object(m)
}

/// `webHookParameters[1].url` → `targets[0].url`, `label` → `name`, and so on.
pub fn field_path(vendor: &str) -> String {
    if let Some(rest) = vendor.strip_prefix("webHookParameters[") {
        let (n, member) = rest.split_once(']').unwrap_or((rest, ""));
        let member = match member.trim_start_matches('.') {
            "type" => "format",
            other => other,
        };
        return match n.parse::<usize>() {
            Ok(0) | Err(_) => member.to_owned(),
            Ok(i) => format!("targets[{}].{member}", i - 1),
        };
    }
    if let Some(rest) = vendor.strip_prefix("webHookDelay") {
        let member = rest.rsplit('.').next().unwrap_or("");
        return match member {
            "delayUnit" => "delay.unit".to_owned(),
            _ => "delay.amount".to_owned(),
        };
    }
    match vendor {
        "label" => "name",
        "event" => "events",
        "status" => "is_active",
        other => other,
    }
    .to_owned()
}

impl Dialect for Shoprenter {
    fn id(&self) -> &'static str {
        "shoprenter"
    }
    fn title(&self) -> &'static str {
        "Shoprenter"
    }
    fn default_base_path(&self) -> &'static str {
        "/api"
    }
    fn auth(&self) -> AuthScheme {
        AuthScheme::Basic
    }
    fn accept(&self) -> &'static str {
        "application/json"
    }
    fn vocabulary(&self) -> &'static Vocabulary {
        &VOCABULARY
    }
    fn capabilities(&self) -> Option<Capabilities> {
        Some(Capabilities {
            features: vec![Feature::Update],
            ..Capabilities::core()
        })
    }
    fn event_documentation(&self) -> Option<&'static str> {
        // The order and newsletter payloads of Shoprenter's documentation, the same file the
        // reference server's catalogue ships (copied into the bundle's root by index.html).
        Some("shop.json")
    }
    fn event_types(&self) -> Option<Vec<EventType>> {
        Some(
            EVENTS
                .iter()
                .map(|(name, description, group)| documented_event(name, description, group))
                .collect(),
        )
    }
    fn list(&self, query: &WebhookQuery) -> Call {
        let page = query
            .cursor
            .as_deref()
            .and_then(|c| c.parse::<u32>().ok())
            .unwrap_or(0);
        Call::get(format!("/webHooks?page={page}&limit={LIMIT}&full=1"))
    }
    fn read_list(&self, status: u16, body: &str) -> Result<Page<Webhook>, ApiError> {
        let v = json_body(status, body)?;
        let items = v
            .get("items")
            .and_then(Value::as_array)
            .ok_or_else(|| unexpected(status, "no `items` array"))?;
        let has_next = v.get("next").is_some_and(|n| !n.is_null());
        let page = v.get("page").and_then(Value::as_u64).unwrap_or(0);
        Ok(Page {
            items: tolerant_items(items, to_console),
            next_cursor: has_next.then(|| (page + 1).to_string()),
        })
    }
    fn get(&self, id: &str) -> Call {
        Call::get(item_path("/webHooks", id))
    }
    fn read_one(&self, status: u16, body: &str) -> Result<Webhook, ApiError> {
        read_item(status, body, to_console)
    }
    fn create(&self, input: &WebhookInput) -> Call {
        Call::send(Verb::Post, "/webHooks", &create_body(input))
    }
    fn update(&self, id: &str, patch: &WebhookPatch, current: Option<&Webhook>) -> Option<Call> {
        Some(Call::send(
            Verb::Put,
            item_path("/webHooks", id),
            &update_body(patch, current),
        ))
    }
    fn update_needs_current(&self, patch: &WebhookPatch) -> bool {
        patch.url.is_some() || patch.format.is_some() || patch.targets.is_some()
    }
    fn delete(&self, id: &str) -> Call {
        Call::delete(item_path("/webHooks", id))
    }
    fn read_error(&self, status: u16, body: &str, retry_after: Option<&str>) -> ApiError {
        let v: Value = serde_json::from_str(body).unwrap_or(Value::Null);
        let Some(message) = v.get("message").and_then(Value::as_str) else {
            return crate::api::error::error_from_response(status, body, retry_after);
        };
        let errors = v
            .get("errors")
            .and_then(Value::as_object)
            .map(|e| {
                e.iter()
                    .map(|(k, m)| (k.clone(), m.as_str().unwrap_or_default().to_owned()))
                    .collect()
            })
            .unwrap_or_default();
        vendor_error(status, message, None, errors, field_path, retry_after)
    }
    fn recognises(&self, body: &Value) -> bool {
        body.get("items").is_some_and(Value::is_array) && body.get("pageCount").is_some()
    }
}
