//! Deliveries, their attempts, emitted events, test sends, recovery and stats.

use crate::{Id, Timestamp};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Delivery {
    pub id: Id,
    pub webhook_id: Id,
    pub event_type: String,
    #[serde(default)]
    pub event_id: Option<Id>,
    pub status: DeliveryStatus,
    #[serde(default)]
    pub attempt_count: u32,
    #[serde(default)]
    pub next_attempt_at: Option<Timestamp>,
    #[serde(default)]
    pub last_attempt_at: Option<Timestamp>,
    #[serde(default)]
    pub response_status: Option<u16>,
    #[serde(default)]
    pub created_at: Option<Timestamp>,
    #[serde(default)]
    pub payload: serde_json::Value,
    /// Every attempt, oldest first: in the single-get response only.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attempts: Vec<Attempt>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    Scheduled,
    Pending,
    Succeeded,
    Failed,
    /// Waiting while its webhook is inactive: neither sent nor failed; reactivating the webhook
    /// resumes or cancels it.
    Held,
    /// A status this console does not know.
    #[serde(other)]
    Unknown,
}

impl DeliveryStatus {
    pub const ALL: [DeliveryStatus; 5] = [
        DeliveryStatus::Scheduled,
        DeliveryStatus::Pending,
        DeliveryStatus::Succeeded,
        DeliveryStatus::Failed,
        DeliveryStatus::Held,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryStatus::Scheduled => "scheduled",
            DeliveryStatus::Pending => "pending",
            DeliveryStatus::Succeeded => "succeeded",
            DeliveryStatus::Failed => "failed",
            DeliveryStatus::Held => "held",
            DeliveryStatus::Unknown => "unknown",
        }
    }

    pub fn parse(s: &str) -> Option<DeliveryStatus> {
        DeliveryStatus::ALL.into_iter().find(|d| d.as_str() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Attempt {
    pub n: u32,
    pub started_at: Timestamp,
    #[serde(default)]
    pub duration_ms: u64,
    pub request: AttemptRequest,
    #[serde(default)]
    pub response: Option<AttemptResponse>,
    /// Why no response was read: `timeout`, `connect`, `tls`, `dns`, `redirect`, `body`, …
    #[serde(default)]
    pub error: Option<String>,
    /// The response JSON's `message` member, when there is one.
    #[serde(default)]
    pub message: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttemptRequest {
    pub url: String,
    #[serde(default = "post")]
    pub method: String,
    /// Secrets redacted.
    #[serde(default)]
    pub headers: Vec<(String, String)>,
    #[serde(default)]
    pub body: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttemptResponse {
    pub status: u16,
    #[serde(default)]
    pub headers: Vec<(String, String)>,
    /// Cut at 64 KiB.
    #[serde(default)]
    pub body: String,
    #[serde(default)]
    pub truncated: bool,
}

fn post() -> String {
    "POST".into()
}

/// `POST /events` body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EmitEvent {
    pub event_type: String,
    pub payload: serde_json::Value,
}

/// An emitted event and the deliveries it fanned out to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EmittedEvent {
    pub id: Id,
    pub event_type: String,
    #[serde(default)]
    pub payload: serde_json::Value,
    #[serde(default)]
    pub created_at: Option<Timestamp>,
    #[serde(default)]
    pub deliveries: Vec<Id>,
    /// Subscribed webhooks whose filter condition could not be decided (over the time or
    /// nesting budget): they got no delivery, and this says why.
    #[serde(default)]
    pub filter_errors: Vec<FilterError>,
}

/// A webhook left out of an event's fan-out because its filter could not be evaluated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FilterError {
    pub webhook_id: Id,
    pub reason: String,
}

/// `POST /webhooks/{id}/test` body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TestSend {
    pub event_type: String,
}

/// `POST /webhooks/{id}/recover` body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecoverRequest {
    #[serde(deserialize_with = "crate::tolerant::rfc3339::required")]
    pub since: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecoverResult {
    /// How many failed deliveries were queued again.
    pub queued: u32,
}

/// `GET /webhooks/{id}/stats?window=24h&bucket=1h`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stats {
    pub window: String,
    pub bucket: String,
    pub buckets: Vec<StatsBucket>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatsBucket {
    pub start: Timestamp,
    pub succeeded: u32,
    pub failed: u32,
}
