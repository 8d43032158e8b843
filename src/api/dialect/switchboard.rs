//! Switchboard's own API (`api/openapi.yaml`): `{data, meta}` envelopes, problem+json,
//! cursor paging, capabilities asked of the backend.

use super::{
    id_text, item_path, json_body, tolerant_items, unexpected, webhook_from, Call, Dialect, Events,
    Schemes, Toggle, Verb, Vocabulary,
};
use crate::api::query::query_string;
use crate::api::{ApiError, Page, WebhookQuery};
use serde_json::Value;
use switchboard_api::{DelayUnit, Webhook, WebhookInput, WebhookPatch};

pub struct Switchboard;

/// Every member of the contract's webhook.
pub const MEMBERS: &[&str] = &[
    "id",
    "type",
    "data",
    "name",
    "description",
    "url",
    "targets",
    "events",
    "is_active",
    "active_from",
    "headers",
    "auth",
    "format",
    "delay",
    "retry_count",
    "timeout_seconds",
    "priority",
    "filter",
    "secret",
    "last_triggered_at",
    "last_success_at",
    "last_failure_at",
    "failure_count",
    "created_at",
    "updated_at",
    "created_by",
    "updated_by",
];

static VOCABULARY: Vocabulary = Vocabulary {
    name: Some("Name"),
    name_required: true,
    description: true,
    url: Some("Endpoint URL"),
    schemes: Schemes::HttpsOrLocal,
    targets: None,
    events: Events::Many,
    active: "Active",
    on_off: ("Active", "Inactive"),
    toggle: Toggle::Update,
    active_from: Some(("Active from", false)),
    headers: true,
    auth: &["none", "bearer", "basic", "client_credentials", "header"],
    auth_words: &[],
    format: true,
    delay_units: &DelayUnit::KNOWN,
    delay_words: None,
    retry: true,
    timeout: true,
    priority: true,
    filter: Some(("Group", "Condition")),
    types: true,
    secret: true,
    server_filters: true,
    members: MEMBERS,
};

/// Reads `{data: <webhook>}`.
pub fn read_enveloped(status: u16, body: &str) -> Result<Webhook, ApiError> {
    let v = json_body(status, body)?;
    let data = v
        .get("data")
        .filter(|d| d.is_object())
        .ok_or_else(|| unexpected(status, "no `data` object"))?;
    webhook_from(status, data.clone(), data.clone())
}

/// Reads `{data: [webhooks], meta: {next_cursor}}`.
pub fn read_enveloped_list(status: u16, body: &str) -> Result<Page<Webhook>, ApiError> {
    let v = json_body(status, body)?;
    let items = v
        .get("data")
        .and_then(Value::as_array)
        .ok_or_else(|| unexpected(status, "no `data` array"))?;
    Ok(Page {
        items: tolerant_items(items, Value::clone),
        next_cursor: v
            .pointer("/meta/next_cursor")
            .and_then(id_text)
            .filter(|c| !c.is_empty()),
    })
}

impl Dialect for Switchboard {
    fn id(&self) -> &'static str {
        "switchboard"
    }
    fn title(&self) -> &'static str {
        "Switchboard"
    }
    fn default_base_path(&self) -> &'static str {
        switchboard_api::API_PREFIX
    }
    fn vocabulary(&self) -> &'static Vocabulary {
        &VOCABULARY
    }
    fn capabilities(&self) -> Option<switchboard_api::Capabilities> {
        None
    }
    fn destination_types(&self) -> Option<Vec<switchboard_api::DestinationType>> {
        None
    }
    fn list(&self, query: &WebhookQuery) -> Call {
        Call::get(format!("/webhooks{}", query_string(query)))
    }
    fn read_list(&self, status: u16, body: &str) -> Result<Page<Webhook>, ApiError> {
        read_enveloped_list(status, body)
    }
    fn get(&self, id: &str) -> Call {
        Call::get(item_path("/webhooks", id))
    }
    fn read_one(&self, status: u16, body: &str) -> Result<Webhook, ApiError> {
        read_enveloped(status, body)
    }
    fn create(&self, input: &WebhookInput) -> Call {
        Call::send(
            Verb::Post,
            "/webhooks",
            &serde_json::to_value(input).unwrap_or_default(),
        )
    }
    fn update(&self, id: &str, patch: &WebhookPatch, _current: Option<&Webhook>) -> Option<Call> {
        Some(Call::send(
            Verb::Patch,
            item_path("/webhooks", id),
            &serde_json::to_value(patch).unwrap_or_default(),
        ))
    }
    fn delete(&self, id: &str) -> Call {
        Call::delete(item_path("/webhooks", id))
    }
    fn recognises(&self, body: &Value) -> bool {
        body.get("data").is_some_and(Value::is_array) && body.pointer("/meta/next_cursor").is_some()
    }
}
