//! Output.Rocks' Webhook resource as the API Platform framework serves it: `X-AUTH-TOKEN`,
//! `identifier`, a channel `type` with type-dependent `data`, `activeFrom` as a date, group
//! conditions, JSON-LD collections (`member` or `hydra:member`, `view.next`), merge-patch
//! updates and constraint-violation errors.

use super::{
    copy, item_path, json_body, read_item, tolerant_items, unexpected, vendor_error, AuthScheme,
    Call, Dialect, Events, Schemes, Toggle, Verb, Vocabulary,
};
use crate::api::query::encode;
use crate::api::{ApiError, Page, WebhookQuery};
use serde_json::{json, Map, Value};
use switchboard_api::{
    channels, Capabilities, DestinationType, EventType, Feature, Webhook, WebhookInput,
    WebhookPatch,
};

pub struct OutputRocks;

const MERGE_PATCH: &str = "application/merge-patch+json";

static VOCABULARY: Vocabulary = Vocabulary {
    name: Some("Identifier"),
    name_required: true,
    description: false,
    url: None,
    schemes: Schemes::HttpsOrLocal,
    targets: None,
    events: Events::Fixed,
    active: "Active",
    on_off: ("Active", "Inactive"),
    toggle: Toggle::Update,
    active_from: Some(("Active from", true)),
    headers: false,
    auth: &[],
    auth_words: &[],
    format: false,
    delay_units: &[],
    delay_words: None,
    retry: false,
    timeout: false,
    priority: true,
    filter: Some(("Group identifier", "Group condition")),
    types: true,
    secret: false,
    server_filters: false,
    members: &[
        "@context",
        "@id",
        "@type",
        "id",
        "identifier",
        "type",
        "priority",
        "data",
        "active",
        "activeFrom",
        "groupIdentifier",
        "groupCondition",
        "createdBy",
        "updatedBy",
        "createdAt",
        "updatedAt",
    ],
};

/// An Output.Rocks item in the console's member names.
pub fn to_console(item: &Value) -> Value {
    let mut m = Map::new();
    copy(item, "id", &mut m, "id");
    copy(item, "identifier", &mut m, "name");
    copy(item, "type", &mut m, "type");
    copy(item, "data", &mut m, "data");
    // The seed's own answer carries the sftp password back; a member the channel's schema marks
    // write-only is dropped on reading, so neither the detail page nor an edit form holds it
    // (an edit that leaves it out keeps it on the server).
    let kind = item.get("type").and_then(Value::as_str);
    if let (Some(t), Some(Value::Object(data))) =
        (kind.and_then(channels::outputrocks_type), m.get_mut("data"))
    {
        for secret in t.secret_members() {
            data.remove(secret);
        }
    }
    copy(item, "priority", &mut m, "priority");
    copy(item, "active", &mut m, "is_active");
    copy(item, "createdBy", &mut m, "created_by");
    copy(item, "updatedBy", &mut m, "updated_by");
    copy(item, "createdAt", &mut m, "created_at");
    copy(item, "updatedAt", &mut m, "updated_at");
    if let Some(from) = item.get("activeFrom").and_then(Value::as_str) {
        let at = if from.len() == 10 {
            format!("{from}T00:00:00Z")
        } else {
            from.to_owned()
        };
        m.insert("active_from".into(), at.into());
    }
    let condition = item.get("groupCondition").and_then(Value::as_str);
    if let Some(condition) = condition.filter(|c| !c.is_empty()) {
        m.insert(
            "filter".into(),
            json!({"group": item.get("groupIdentifier").cloned().unwrap_or(Value::Null), "condition": condition}),
        );
    }
    Value::Object(m)
}

fn date(t: &switchboard_api::Timestamp) -> String {
    t.to_rfc3339().chars().take(10).collect()
}

/// A create in the seed's member order.
pub fn create_body(input: &WebhookInput) -> Value {
    let mut m = Map::new();
    m.insert("identifier".into(), input.name.clone().into());
    m.insert("type".into(), input.kind.clone().into());
    m.insert("priority".into(), input.priority.into());
    m.insert(
        "data".into(),
        input.data.clone().unwrap_or_else(|| json!({})),
    );
    m.insert("active".into(), input.is_active.into());
    if let Some(from) = &input.active_from {
        m.insert("activeFrom".into(), date(from).into());
    }
    if let Some(f) = &input.filter {
        if let Some(group) = &f.group {
            m.insert("groupIdentifier".into(), group.clone().into());
        }
        m.insert("groupCondition".into(), f.condition.clone().into());
    }
    Value::Object(m)
}

/// A JSON merge patch of what changed: `null` clears.
pub fn update_body(patch: &WebhookPatch) -> Value {
    let mut m = Map::new();
    if let Some(name) = &patch.name {
        m.insert("identifier".into(), name.clone().into());
    }
    if let Some(p) = patch.priority {
        m.insert("priority".into(), p.into());
    }
    if let Some(data) = &patch.data {
        m.insert("data".into(), data.clone());
    }
    if let Some(on) = patch.is_active {
        m.insert("active".into(), on.into());
    }
    if let Some(from) = &patch.active_from {
        m.insert(
            "activeFrom".into(),
            from.as_ref().map(|t| date(t).into()).unwrap_or(Value::Null),
        );
    }
    if let Some(filter) = &patch.filter {
        let (group, condition) = match filter {
            Some(f) => (
                f.group.clone().map(Value::from).unwrap_or(Value::Null),
                Value::from(f.condition.clone()),
            ),
            None => (Value::Null, Value::Null),
        };
        m.insert("groupIdentifier".into(), group);
        m.insert("groupCondition".into(), condition);
    }
    Value::Object(m)
}

/// `groupCondition` → `filter.condition`, `data[host]` → `data.host`.
pub fn field_path(vendor: &str) -> String {
    let normal = vendor.replace('[', ".").replace(']', "");
    match normal.as_str() {
        "identifier" => "name".to_owned(),
        "active" => "is_active".to_owned(),
        "activeFrom" => "active_from".to_owned(),
        "groupIdentifier" => "filter.group".to_owned(),
        "groupCondition" => "filter.condition".to_owned(),
        _ => normal,
    }
}

/// The page number in a JSON-LD `next` link.
fn page_of(link: &str) -> Option<String> {
    let query = link.split_once('?')?.1;
    query
        .split('&')
        .find_map(|pair| pair.strip_prefix("page="))
        .map(str::to_owned)
}

impl Dialect for OutputRocks {
    fn id(&self) -> &'static str {
        "outputrocks"
    }
    fn title(&self) -> &'static str {
        "Output.Rocks"
    }
    fn default_base_path(&self) -> &'static str {
        "/api/spa"
    }
    fn auth(&self) -> AuthScheme {
        AuthScheme::Header("X-AUTH-TOKEN")
    }
    fn accept(&self) -> &'static str {
        "application/ld+json, application/problem+json, application/json"
    }
    fn vocabulary(&self) -> &'static Vocabulary {
        &VOCABULARY
    }
    fn capabilities(&self) -> Option<Capabilities> {
        Some(Capabilities {
            features: vec![Feature::Update, Feature::Types],
            ..Capabilities::core()
        })
    }
    fn event_types(&self) -> Option<Vec<EventType>> {
        Some(Vec::new())
    }
    fn destination_types(&self) -> Option<Vec<DestinationType>> {
        Some(channels::outputrocks_types())
    }
    fn list(&self, query: &WebhookQuery) -> Call {
        let page = query.cursor.as_deref().unwrap_or("1");
        Call::get(format!("/webhooks?page={}", encode(page)))
    }
    fn read_list(&self, status: u16, body: &str) -> Result<Page<Webhook>, ApiError> {
        let v = json_body(status, body)?;
        let items = v
            .as_array()
            .or_else(|| v.get("member").and_then(Value::as_array))
            .or_else(|| v.get("hydra:member").and_then(Value::as_array))
            .ok_or_else(|| unexpected(status, "no `member` array"))?;
        let next = v
            .pointer("/view/next")
            .or_else(|| v.pointer("/hydra:view/hydra:next"))
            .and_then(Value::as_str)
            .and_then(page_of);
        Ok(Page {
            items: tolerant_items(items, to_console),
            next_cursor: next,
        })
    }
    fn get(&self, id: &str) -> Call {
        Call::get(item_path("/webhooks", id))
    }
    fn read_one(&self, status: u16, body: &str) -> Result<Webhook, ApiError> {
        read_item(status, body, to_console)
    }
    fn create(&self, input: &WebhookInput) -> Call {
        Call::send(Verb::Post, "/webhooks", &create_body(input))
    }
    fn update(&self, id: &str, patch: &WebhookPatch, _current: Option<&Webhook>) -> Option<Call> {
        Some(Call {
            content_type: MERGE_PATCH,
            ..Call::send(Verb::Patch, item_path("/webhooks", id), &update_body(patch))
        })
    }
    fn delete(&self, id: &str) -> Call {
        Call::delete(item_path("/webhooks", id))
    }
    fn read_error(&self, status: u16, body: &str, retry_after: Option<&str>) -> ApiError {
        let v: Value = serde_json::from_str(body).unwrap_or(Value::Null);
        let text = |keys: &[&str]| {
            keys.iter()
                .find_map(|k| v.get(*k).and_then(Value::as_str))
                .map(str::to_owned)
        };
        let Some(title) = text(&["title", "hydra:title"]) else {
            return crate::api::error::error_from_response(status, body, retry_after);
        };
        let violations = v
            .get("violations")
            .and_then(Value::as_array)
            .map(|list| {
                list.iter()
                    .filter_map(|x| {
                        Some((
                            x.get("propertyPath")?.as_str()?.to_owned(),
                            x.get("message")?.as_str()?.to_owned(),
                        ))
                    })
                    .collect()
            })
            .unwrap_or_default();
        vendor_error(
            status,
            &title,
            text(&["detail", "hydra:description"]),
            violations,
            field_path,
            retry_after,
        )
    }
    fn recognises(&self, body: &Value) -> bool {
        body.get("member").is_some() || body.get("hydra:member").is_some()
    }
}
