//! The Webhook resource: what is read back, what a create sends, what a PATCH sends.

use crate::{Id, Timestamp};
use serde::{Deserialize, Deserializer, Serialize};
use std::collections::BTreeMap;

/// A webhook as the API returns it. Everything but `id` and `url` has a default so that a
/// minimal backend's answer still reads.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Webhook {
    pub id: Id,
    #[serde(default)]
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub url: String,
    #[serde(default)]
    pub events: Vec<String>,
    #[serde(default = "yes")]
    pub is_active: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active_from: Option<Timestamp>,
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// Secrets stripped: only the type and non-secret fields.
    #[serde(default)]
    pub auth: Auth,
    #[serde(default)]
    pub format: Format,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delay: Option<Delay>,
    #[serde(default = "default_retry_count")]
    pub retry_count: u8,
    #[serde(default = "default_timeout")]
    pub timeout_seconds: u32,
    #[serde(default)]
    pub priority: i32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filter: Option<Filter>,
    /// Signing secret: in the create and single-get responses only, never in lists.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
    #[serde(default)]
    pub last_triggered_at: Option<Timestamp>,
    #[serde(default)]
    pub last_success_at: Option<Timestamp>,
    #[serde(default)]
    pub last_failure_at: Option<Timestamp>,
    #[serde(default)]
    pub failure_count: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_by: Option<String>,
}

/// Body of `POST /webhooks`. Strict: unknown members are rejected by the server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebhookInput {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub url: String,
    pub events: Vec<String>,
    #[serde(default = "yes")]
    pub is_active: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active_from: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
    // Defaults are left out when writing, so a minimal (core-level) backend that knows only
    // the basic members still accepts what the console sends.
    #[serde(default, skip_serializing_if = "Auth::is_none")]
    pub auth: Auth,
    #[serde(default, skip_serializing_if = "Format::is_json")]
    pub format: Format,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delay: Option<Delay>,
    #[serde(default = "default_retry_count")]
    pub retry_count: u8,
    #[serde(default = "default_timeout")]
    pub timeout_seconds: u32,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub priority: i32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filter: Option<Filter>,
}

impl Default for WebhookInput {
    fn default() -> Self {
        WebhookInput {
            name: String::new(),
            description: None,
            url: String::new(),
            events: Vec::new(),
            is_active: true,
            active_from: None,
            headers: BTreeMap::new(),
            auth: Auth::None,
            format: Format::Json,
            delay: None,
            retry_count: default_retry_count(),
            timeout_seconds: default_timeout(),
            priority: 0,
            filter: None,
        }
    }
}

/// Body of `PATCH /webhooks/{id}`: only the members present change. Nullable members use
/// `Some(None)` for an explicit `null` (clear the value). In `auth`, a secret member left out
/// keeps the stored secret when the type is unchanged.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebhookPatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "Option::is_none"
    )]
    pub description: Option<Option<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub events: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_active: Option<bool>,
    #[serde(
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "Option::is_none"
    )]
    pub active_from: Option<Option<Timestamp>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub headers: Option<BTreeMap<String, String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth: Option<Auth>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<Format>,
    #[serde(
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "Option::is_none"
    )]
    pub delay: Option<Option<Delay>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_count: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_seconds: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<i32>,
    #[serde(
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "Option::is_none"
    )]
    pub filter: Option<Option<Filter>>,
}

/// Distinguishes a member set to `null` (`Some(None)`) from one left out (`None`, by default).
fn nullable<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

/// How Switchboard authenticates to the endpoint. Secret members (`token`, `password`,
/// `client_secret`, `value`) are write-only: responses leave them out.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Auth {
    #[default]
    None,
    Bearer {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        token: Option<String>,
    },
    Basic {
        username: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        password: Option<String>,
    },
    ClientCredentials {
        client_id: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        client_secret: Option<String>,
        token_url: String,
    },
    Header {
        name: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        value: Option<String>,
    },
}

impl Auth {
    pub fn is_none(&self) -> bool {
        matches!(self, Auth::None)
    }

    pub fn kind(&self) -> &'static str {
        match self {
            Auth::None => "none",
            Auth::Bearer { .. } => "bearer",
            Auth::Basic { .. } => "basic",
            Auth::ClientCredentials { .. } => "client_credentials",
            Auth::Header { .. } => "header",
        }
    }

    /// The same auth with every secret member removed, as responses carry it.
    pub fn redacted(&self) -> Auth {
        match self.clone() {
            Auth::None => Auth::None,
            Auth::Bearer { .. } => Auth::Bearer { token: None },
            Auth::Basic { username, .. } => Auth::Basic {
                username,
                password: None,
            },
            Auth::ClientCredentials {
                client_id,
                token_url,
                ..
            } => Auth::ClientCredentials {
                client_id,
                client_secret: None,
                token_url,
            },
            Auth::Header { name, .. } => Auth::Header { name, value: None },
        }
    }

    /// The secret member, if this type has one and it is set.
    pub fn secret(&self) -> Option<&str> {
        match self {
            Auth::None => None,
            Auth::Bearer { token } => token.as_deref(),
            Auth::Basic { password, .. } => password.as_deref(),
            Auth::ClientCredentials { client_secret, .. } => client_secret.as_deref(),
            Auth::Header { value, .. } => value.as_deref(),
        }
    }

    /// Name of the secret member for this type, used in field errors (`auth.token`).
    pub fn secret_field(&self) -> Option<&'static str> {
        match self {
            Auth::None => None,
            Auth::Bearer { .. } => Some("token"),
            Auth::Basic { .. } => Some("password"),
            Auth::ClientCredentials { .. } => Some("client_secret"),
            Auth::Header { .. } => Some("value"),
        }
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    #[default]
    Json,
    Xml,
}

impl Format {
    pub fn is_json(&self) -> bool {
        matches!(self, Format::Json)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Xml => "xml",
        }
    }
}

/// Send each delivery this long after the event (shoprenter's webHookDelay).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Delay {
    pub amount: u32,
    pub unit: DelayUnit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DelayUnit {
    Minute,
    Hour,
    Day,
}

impl DelayUnit {
    pub fn seconds(self) -> u64 {
        match self {
            DelayUnit::Minute => 60,
            DelayUnit::Hour => 3600,
            DelayUnit::Day => 86_400,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            DelayUnit::Minute => "minute",
            DelayUnit::Hour => "hour",
            DelayUnit::Day => "day",
        }
    }
}

impl Delay {
    pub fn seconds(&self) -> u64 {
        u64::from(self.amount) * self.unit.seconds()
    }
}

/// Deliver only when `condition` holds on the payload (output.rocks groupCondition).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Filter {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    pub condition: String,
}

/// `GET /webhooks/{id}/status`: the endpoint's own view of itself (hostware's status query).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EndpointStatus {
    #[serde(rename = "statusString")]
    pub status_string: String,
    #[serde(rename = "badgeColor")]
    pub badge_color: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub additional: Option<String>,
}

impl Default for EndpointStatus {
    fn default() -> Self {
        EndpointStatus {
            status_string: "Active".into(),
            badge_color: "success".into(),
            additional: None,
        }
    }
}

/// `GET /webhooks/{id}/overview`: HTML as the endpoint sent it. Never trusted: sanitise first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EndpointOverview {
    #[serde(default)]
    pub html: String,
}

/// `POST /webhooks/{id}/secret/rotate` answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RotatedSecret {
    pub secret: String,
    /// Until when the previous secret keeps signing alongside the new one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_valid_until: Option<Timestamp>,
}

fn is_zero(n: &i32) -> bool {
    *n == 0
}

fn yes() -> bool {
    true
}

fn default_retry_count() -> u8 {
    3
}

fn default_timeout() -> u32 {
    30
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minimal_webhook_reads() {
        let w: Webhook = serde_json::from_str(
            r#"{"id": 7, "url": "https://x.test/h", "events": ["a"], "created_at": 1700000000,
                "unknown": {"deep": true}}"#,
        )
        .unwrap();
        assert_eq!(w.id.as_str(), "7");
        assert!(w.is_active);
        assert_eq!(w.retry_count, 3);
        assert_eq!(w.auth, Auth::None);
        assert!(w.created_at.is_some());
    }

    #[test]
    fn patch_tells_null_from_absent() {
        let p: WebhookPatch = serde_json::from_str(r#"{"description": null}"#).unwrap();
        assert_eq!(p.description, Some(None));
        assert_eq!(p.delay, None);
        let back = serde_json::to_string(&p).unwrap();
        assert_eq!(back, r#"{"description":null}"#);
        assert!(serde_json::from_str::<WebhookPatch>(r#"{"colour": 1}"#).is_err());
    }

    #[test]
    fn a_plain_create_sends_only_basic_members() {
        let input = WebhookInput {
            name: "n".into(),
            url: "https://x.test".into(),
            events: vec!["a".into()],
            ..WebhookInput::default()
        };
        let v = serde_json::to_value(&input).unwrap();
        let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            [
                "events",
                "is_active",
                "name",
                "retry_count",
                "timeout_seconds",
                "url"
            ]
        );
        let back: WebhookInput = serde_json::from_value(v).unwrap();
        assert_eq!(back, input);
    }

    #[test]
    fn auth_secrets_are_redacted() {
        let a: Auth = serde_json::from_str(
            r#"{"type":"client_credentials","client_id":"c","client_secret":"s","token_url":"https://t"}"#,
        )
        .unwrap();
        assert_eq!(a.secret(), Some("s"));
        let json = serde_json::to_string(&a.redacted()).unwrap();
        assert!(!json.contains("\"s\""), "{json}");
        assert!(json.contains("client_credentials"));
    }
}
