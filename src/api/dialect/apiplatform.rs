//! The API platform's notifications v1 webhooks: `targetURL`, `auth` of type `basic`,
//! `client_credential` or `noauth` (secrets never read back), `status` active/deactivated
//! with a deactivate action, UUID ids, plain-array lists and problem+json with
//! `invalid-params`.

use super::{
    documented_event, item_path, json_body, read_item, tolerant_items, unexpected, Call, Dialect,
    Events, Schemes, Toggle, Verb, Vocabulary,
};
use crate::api::{ApiError, Page, WebhookQuery};
use serde_json::{json, Map, Value};
use switchboard_api::{Auth, EventType, FieldError, Webhook, WebhookInput, WebhookPatch};

pub struct ApiPlatform;

/// The platform's one notification.
pub const EVENT: &str = "delivery.completed";

static VOCABULARY: Vocabulary = Vocabulary {
    name: None,
    name_required: false,
    description: false,
    url: Some("Target URL"),
    schemes: Schemes::HttpsOrLocal,
    targets: None,
    events: Events::Fixed,
    active: "Status",
    on_off: ("active", "deactivated"),
    toggle: Toggle::DeactivateOnly,
    active_from: None,
    headers: false,
    auth: &["none", "basic", "client_credentials"],
    auth_words: &[
        ("none", "noauth"),
        ("basic", "basic"),
        ("client_credentials", "client_credential"),
    ],
    format: false,
    delay_units: &[],
    delay_words: None,
    retry: false,
    timeout: false,
    priority: false,
    filter: None,
    types: false,
    secret: false,
    server_filters: false,
    members: &[
        "id",
        "createdAt",
        "updatedAt",
        "targetURL",
        "auth",
        "status",
    ],
};

fn host(url: &str) -> String {
    url.split_once("://")
        .map(|(_, rest)| rest)
        .unwrap_or(url)
        .split(['/', '?', '#'])
        .next()
        .unwrap_or_default()
        .to_owned()
}

/// An API platform record in the console's member names.
pub fn to_console(item: &Value) -> Value {
    let mut m = Map::new();
    let url = item.get("targetURL").and_then(Value::as_str).unwrap_or("");
    m.insert("id".into(), item.get("id").cloned().unwrap_or(Value::Null));
    m.insert("name".into(), host(url).into());
    m.insert("url".into(), url.into());
    m.insert("events".into(), json!([EVENT]));
    if let Some(status) = item.get("status").and_then(Value::as_str) {
        m.insert("is_active".into(), (status == "active").into());
    }
    if let Some(auth) = item.get("auth").filter(|a| a.is_object()) {
        let field = |k: &str| auth.get(k).cloned().unwrap_or(Value::Null);
        let mapped = match auth.get("type").and_then(Value::as_str) {
            Some("basic") => json!({"type": "basic", "username": field("username")}),
            Some("client_credential") => json!({"type": "client_credentials",
                "client_id": field("clientID"), "token_url": field("tokenURL")}),
            Some("noauth") | None => json!({"type": "none"}),
            Some(other) => json!({"type": other}),
        };
        m.insert("auth".into(), mapped);
    }
    if let Some(t) = item.get("createdAt") {
        m.insert("created_at".into(), t.clone());
    }
    if let Some(t) = item.get("updatedAt") {
        m.insert("updated_at".into(), t.clone());
    }
    Value::Object(m)
}

/// The registerWebhook body of the seed.
pub fn create_body(input: &WebhookInput) -> Value {
    let auth = match &input.auth {
        Auth::Basic { username, password } => Some(json!({
            "type": "basic", "username": username, "password": password.clone().unwrap_or_default()})),
        Auth::ClientCredentials {
            client_id,
            client_secret,
            token_url,
        } => Some(json!({"type": "client_credential", "clientID": client_id,
            "clientSecret": client_secret.clone().unwrap_or_default(), "tokenURL": token_url})),
        _ => None,
    };
    let mut m = Map::new();
    m.insert("targetURL".into(), input.url.clone().into());
    if let Some(auth) = auth {
        m.insert("auth".into(), auth);
    }
    Value::Object(m)
}

/// `targetURL` → `url`, `auth.clientSecret` → `auth.client_secret`.
pub fn field_path(vendor: &str) -> String {
    match vendor {
        "targetURL" => "url",
        "auth.clientID" => "auth.client_id",
        "auth.clientSecret" => "auth.client_secret",
        "auth.tokenURL" => "auth.token_url",
        other => other,
    }
    .to_owned()
}

impl Dialect for ApiPlatform {
    fn id(&self) -> &'static str {
        "apiplatform"
    }
    fn title(&self) -> &'static str {
        "API platform"
    }
    fn default_base_path(&self) -> &'static str {
        "/api/notifications/v1"
    }
    fn vocabulary(&self) -> &'static Vocabulary {
        &VOCABULARY
    }
    fn event_types(&self) -> Option<Vec<EventType>> {
        Some(vec![documented_event(
            EVENT,
            "A purchase's delivery is complete.",
            "Purchases",
        )])
    }
    fn list(&self, _query: &WebhookQuery) -> Call {
        Call::get("/webhooks")
    }
    fn read_list(&self, status: u16, body: &str) -> Result<Page<Webhook>, ApiError> {
        let v = json_body(status, body)?;
        let items = v
            .as_array()
            .ok_or_else(|| unexpected(status, "not an array"))?;
        Ok(Page {
            items: tolerant_items(items, to_console),
            next_cursor: None,
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
        // The only documented change is "deactivate webhook".
        let deactivate_only = patch.is_active == Some(false)
            && WebhookPatch {
                is_active: None,
                ..patch.clone()
            } == WebhookPatch::default();
        deactivate_only.then(|| Call {
            verb: Verb::Post,
            ..Call::get(format!("{}/deactivate", item_path("/webhooks", id)))
        })
    }
    fn delete(&self, id: &str) -> Call {
        Call::delete(item_path("/webhooks", id))
    }
    fn read_error(&self, status: u16, body: &str, retry_after: Option<&str>) -> ApiError {
        let mut error = crate::api::error::error_from_response(status, body, retry_after);
        let params: Vec<FieldError> = serde_json::from_str::<Value>(body)
            .ok()
            .and_then(|v| v.get("invalid-params").and_then(Value::as_array).cloned())
            .unwrap_or_default()
            .iter()
            .filter_map(|p| {
                Some(FieldError::new(
                    field_path(p.get("name")?.as_str()?),
                    p.get("reason")?.as_str()?,
                ))
            })
            .collect();
        if let ApiError::Http { problem, .. } = &mut error {
            problem.errors.extend(params);
        }
        error
    }
    fn recognises(&self, body: &Value) -> bool {
        body.as_array()
            .is_some_and(|a| a.iter().all(|i| i.get("targetURL").is_some()))
    }
}
