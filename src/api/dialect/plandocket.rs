//! plandocket's webhooks API: Switchboard's envelope and member names at the core level, a
//! nullable `name`, integer ids, Unix-second times, a create answer that may carry only
//! `webhook_id`, and no list filters (the console filters the loaded list).

use super::switchboard::{read_enveloped, read_enveloped_list};
use super::{
    id_text, item_path, json_body, unexpected, Call, Created, Dialect, Events, Schemes, Toggle,
    Verb, Vocabulary,
};
use crate::api::{ApiError, Page, WebhookQuery};
use serde_json::{Map, Value};
use switchboard_api::{Webhook, WebhookInput, WebhookPatch};

pub struct Plandocket;

static VOCABULARY: Vocabulary = Vocabulary {
    name: Some("Name"),
    name_required: false,
    description: false,
    url: Some("URL"),
    schemes: Schemes::HttpsOnly,
    targets: None,
    events: Events::Many,
    active: "Active (is_active)",
    on_off: ("Active", "Inactive"),
    toggle: Toggle::None,
    active_from: None,
    headers: true,
    auth: &[],
    auth_words: &[],
    format: false,
    delay_units: &[],
    delay_words: None,
    retry: true,
    timeout: true,
    priority: false,
    filter: None,
    types: false,
    secret: true,
    server_filters: false,
    members: &[
        "id",
        "name",
        "url",
        "events",
        "is_active",
        "headers",
        "retry_count",
        "timeout_seconds",
        "last_triggered_at",
        "last_success_at",
        "last_failure_at",
        "failure_count",
        "secret",
        "created_at",
        "updated_at",
    ],
};

impl Dialect for Plandocket {
    fn id(&self) -> &'static str {
        "plandocket"
    }
    fn title(&self) -> &'static str {
        "plandocket"
    }
    fn default_base_path(&self) -> &'static str {
        "/api/v1"
    }
    fn token_needs(&self) -> Option<&'static str> {
        Some("plandocket (Business+) requires the scope webhooks on the token and the feature flag webhooks on the account.")
    }

    fn vocabulary(&self) -> &'static Vocabulary {
        &VOCABULARY
    }
    fn list(&self, _query: &WebhookQuery) -> Call {
        // plandocket documents no filters and no paging: the whole list, filtered here.
        Call::get("/webhooks")
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
        // Only the members plandocket documents.
        let mut body = Map::new();
        body.insert("url".into(), input.url.clone().into());
        body.insert("events".into(), input.events.clone().into());
        if !input.name.trim().is_empty() {
            body.insert("name".into(), input.name.clone().into());
        }
        body.insert("is_active".into(), input.is_active.into());
        if !input.headers.is_empty() {
            body.insert(
                "headers".into(),
                serde_json::to_value(&input.headers).unwrap_or_default(),
            );
        }
        body.insert("retry_count".into(), input.retry_count.into());
        body.insert("timeout_seconds".into(), input.timeout_seconds.into());
        Call::send(Verb::Post, "/webhooks", &Value::Object(body))
    }
    fn read_created(&self, status: u16, body: &str) -> Result<Created, ApiError> {
        let v = json_body(status, body)?;
        let data = v
            .get("data")
            .ok_or_else(|| unexpected(status, "no `data` object"))?;
        if data.get("url").is_some() {
            return read_enveloped(status, body).map(|w| Created::Webhook(Box::new(w)));
        }
        data.get("webhook_id")
            .or_else(|| data.get("id"))
            .and_then(id_text)
            .map(Created::Id)
            .ok_or_else(|| unexpected(status, "neither a webhook nor a `webhook_id`"))
    }
    fn update(&self, _id: &str, _patch: &WebhookPatch, _current: Option<&Webhook>) -> Option<Call> {
        None
    }
    fn delete(&self, id: &str) -> Call {
        Call::delete(item_path("/webhooks", id))
    }
    fn recognises(&self, body: &Value) -> bool {
        body.get("data").is_some_and(Value::is_array)
            && body.pointer("/meta/next_cursor").is_none()
            && body.pointer("/meta/request_id").is_some()
    }
}
