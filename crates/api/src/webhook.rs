//! The Webhook resource: what is read back, what a create sends, what a PATCH sends.

use crate::{Id, Timestamp};
use serde::{Deserialize, Deserializer, Serialize};
use std::collections::BTreeMap;

/// A webhook as the API returns it. Everything but `id` and `url` has a default so that a
/// minimal backend's answer still reads.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Webhook {
    pub id: Id,
    /// Destination type (`http` unless the backend lists others, see [`DestinationType`]).
    ///
    /// [`DestinationType`]: crate::DestinationType
    #[serde(rename = "type", default = "http_type")]
    pub kind: String,
    /// The type's own configuration, shaped by its JSON Schema; `None` for `http`, whose
    /// configuration is the webhook's own members. Secret members are write-only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<serde_json::Value>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub url: String,
    /// Further destinations of an `http` webhook, each with its own format (Shoprenter's
    /// `webHookParameters` beyond the first); every event goes to `url` and to each of these.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub targets: Vec<Target>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub events: Vec<String>,
    #[serde(default = "yes")]
    pub is_active: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active_from: Option<Timestamp>,
    /// Custom request headers. Their values are write-only like auth secrets: a `null` value
    /// says the header is set without saying to what. A backend that shows values sends
    /// strings, which read as they are.
    #[serde(default, deserialize_with = "null_as_default")]
    pub headers: BTreeMap<String, Option<String>>,
    /// Deliveries held while the webhook is inactive; activating it resumes or cancels them
    /// (see [`WebhookPatch::held`]). 0 from a backend that does not hold deliveries.
    #[serde(default)]
    pub held: u32,
    /// Secrets stripped: only the type and non-secret fields.
    #[serde(default, deserialize_with = "null_as_default")]
    pub auth: Auth,
    #[serde(default, deserialize_with = "null_as_default")]
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
    /// The item exactly as the backend sent it, kept by the console so that members it does
    /// not understand can be shown as they are and sent back untouched. Never on the wire.
    #[serde(skip)]
    pub raw: Option<serde_json::Value>,
}

/// One more destination of an `http` webhook: where to send, and in which format.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Target {
    pub url: String,
    #[serde(default)]
    pub format: Format,
}

/// Body of `POST /webhooks`. Strict: unknown members are rejected by the server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebhookInput {
    #[serde(
        rename = "type",
        default = "http_type",
        skip_serializing_if = "is_http"
    )]
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<serde_json::Value>,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Required for `http`; other types carry their destination in `data`.
    #[serde(default)]
    pub url: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub targets: Vec<Target>,
    #[serde(default)]
    pub events: Vec<String>,
    #[serde(default = "yes")]
    pub is_active: bool,
    #[serde(
        default,
        deserialize_with = "crate::tolerant::rfc3339::optional",
        skip_serializing_if = "Option::is_none"
    )]
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
            kind: http_type(),
            data: None,
            name: String::new(),
            description: None,
            url: String::new(),
            targets: Vec::new(),
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
    /// Replaces the type's `data` as a whole (secret members left out keep their stored value).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<serde_json::Value>,
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub name: Option<String>,
    #[serde(
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "Option::is_none"
    )]
    pub description: Option<Option<String>>,
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub url: Option<String>,
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub targets: Option<Vec<Target>>,
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub events: Option<Vec<String>>,
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub is_active: Option<bool>,
    #[serde(
        default,
        deserialize_with = "crate::tolerant::rfc3339::nullable",
        skip_serializing_if = "Option::is_none"
    )]
    pub active_from: Option<Option<Timestamp>>,
    /// Replaces the custom headers as a whole; a `null` value keeps the stored value of that
    /// header (write-only values need not be typed again).
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub headers: Option<BTreeMap<String, Option<String>>>,
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub auth: Option<Auth>,
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub format: Option<Format>,
    #[serde(
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "Option::is_none"
    )]
    pub delay: Option<Option<Delay>>,
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub retry_count: Option<u8>,
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub timeout_seconds: Option<u32>,
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub priority: Option<i32>,
    #[serde(
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "Option::is_none"
    )]
    pub filter: Option<Option<Filter>>,
    /// With `is_active: true`, what becomes of the deliveries held while the webhook was
    /// inactive; they are resumed when this is left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub held: Option<HeldChoice>,
}

/// What activating a webhook does with its held deliveries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HeldChoice {
    /// Queue them again, each with the attempts and retries it had left.
    Resume,
    /// Fail them without sending.
    Cancel,
}

impl HeldChoice {
    pub fn as_str(self) -> &'static str {
        match self {
            HeldChoice::Resume => "resume",
            HeldChoice::Cancel => "cancel",
        }
    }
}

/// A member that cannot be cleared: present means a value, so `null` is refused rather than
/// read as "left out" (the document does not allow it there).
fn present<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    T::deserialize(d).map(Some)
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
#[serde(
    tag = "type",
    rename_all = "snake_case",
    deny_unknown_fields,
    remote = "Auth"
)]
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
    /// A type this side does not know, read so that one odd webhook does not hide the rest;
    /// the server refuses to store it.
    #[serde(skip)]
    Other { kind: String },
}

impl Serialize for Auth {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Auth::Other { kind } => {
                use serde::ser::SerializeMap;
                let mut m = s.serialize_map(Some(1))?;
                m.serialize_entry("type", kind)?;
                m.end()
            }
            known => Auth::serialize(known, s),
        }
    }
}

impl<'de> Deserialize<'de> for Auth {
    /// Known types are read strictly (an unknown member of `basic` is an error); an unknown
    /// `type` becomes [`Auth::Other`] instead of failing the whole webhook.
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let value = serde_json::Value::deserialize(d)?;
        let kind = value
            .get("type")
            .and_then(serde_json::Value::as_str)
            .ok_or_else(|| serde::de::Error::custom("auth needs a string member `type`"))?;
        if KNOWN_AUTH.contains(&kind) {
            Auth::deserialize(value).map_err(serde::de::Error::custom)
        } else {
            Ok(Auth::Other {
                kind: kind.to_owned(),
            })
        }
    }
}

const KNOWN_AUTH: [&str; 5] = ["none", "bearer", "basic", "client_credentials", "header"];

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
            Auth::Other { .. } => "other",
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
            other @ Auth::Other { .. } => other,
        }
    }

    /// The secret member, if this type has one and it is set.
    pub fn secret(&self) -> Option<&str> {
        match self {
            Auth::None | Auth::Other { .. } => None,
            Auth::Bearer { token } => token.as_deref(),
            Auth::Basic { password, .. } => password.as_deref(),
            Auth::ClientCredentials { client_secret, .. } => client_secret.as_deref(),
            Auth::Header { value, .. } => value.as_deref(),
        }
    }

    /// Name of the secret member for this type, used in field errors (`auth.token`).
    pub fn secret_field(&self) -> Option<&'static str> {
        match self {
            Auth::None | Auth::Other { .. } => None,
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
    /// A format this side does not know; read, never stored.
    #[serde(other)]
    Unknown,
}

impl Format {
    pub fn is_json(&self) -> bool {
        matches!(self, Format::Json)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Xml => "xml",
            Format::Unknown => "unknown",
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
    /// A unit this side does not know; read, never stored.
    #[serde(other)]
    Unknown,
}

impl DelayUnit {
    /// Every unit this side knows.
    pub const KNOWN: [DelayUnit; 3] = [DelayUnit::Minute, DelayUnit::Hour, DelayUnit::Day];

    pub fn seconds(self) -> u64 {
        match self {
            DelayUnit::Minute => 60,
            DelayUnit::Hour => 3600,
            DelayUnit::Day => 86_400,
            DelayUnit::Unknown => 0,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            DelayUnit::Minute => "minute",
            DelayUnit::Hour => "hour",
            DelayUnit::Day => "day",
            DelayUnit::Unknown => "unknown",
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
    /// hostware's "additional data in array format": any JSON, shown as data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub additional: Option<serde_json::Value>,
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

/// A member sent as `null` reads as its default (plandocket's `"name": null`).
fn null_as_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Option::<T>::deserialize(d).map(Option::unwrap_or_default)
}

/// The destination type every backend has: an HTTP POST to `url`.
pub const HTTP_TYPE: &str = "http";

fn http_type() -> String {
    HTTP_TYPE.to_owned()
}

fn is_http(kind: &str) -> bool {
    kind == HTTP_TYPE
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
    fn odd_members_do_not_fail_a_webhook() {
        let w: Webhook = serde_json::from_str(
            r#"{"id": "a", "url": null, "name": null, "auth": {"type": "noauth"},
                "format": "protobuf", "delay": {"amount": 2, "unit": "fortnight"}}"#,
        )
        .unwrap();
        assert_eq!(w.name, "");
        assert_eq!(w.kind, "http");
        assert_eq!(
            w.auth,
            Auth::Other {
                kind: "noauth".into()
            }
        );
        assert_eq!(w.format, Format::Unknown);
        assert_eq!(w.delay.unwrap().unit, DelayUnit::Unknown);
        // A known type is still read strictly.
        assert!(serde_json::from_str::<Auth>(r#"{"type":"basic","usr":"x"}"#).is_err());
        assert_eq!(
            serde_json::to_string(&Auth::Other { kind: "x".into() }).unwrap(),
            r#"{"type":"x"}"#
        );
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
