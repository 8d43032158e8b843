//! Endpoint health (`GET /webhooks/{id}/health`, `GET /webhooks/health`) and the live tail of
//! deliveries (`GET /deliveries/tail`, server-sent events).

use crate::{Delivery, Id, Timestamp};
use serde::{Deserialize, Serialize};

/// Why an attempt failed, in the few classes a person acts on: the network kinds an attempt
/// record names (`timeout`, `connect`, `dns`, `tls`, `ssrf`), a redirect, or the class of the
/// HTTP status the endpoint answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorClass {
    Timeout,
    Connect,
    Dns,
    Tls,
    #[serde(rename = "4xx")]
    Status4xx,
    #[serde(rename = "5xx")]
    Status5xx,
    Ssrf,
    Redirect,
    /// Anything else: a body that broke off, a request that could not be built, an internal
    /// failure, or a class this console does not know.
    #[serde(other)]
    Other,
}

impl ErrorClass {
    pub const ALL: [ErrorClass; 9] = [
        ErrorClass::Timeout,
        ErrorClass::Connect,
        ErrorClass::Dns,
        ErrorClass::Tls,
        ErrorClass::Status4xx,
        ErrorClass::Status5xx,
        ErrorClass::Ssrf,
        ErrorClass::Redirect,
        ErrorClass::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ErrorClass::Timeout => "timeout",
            ErrorClass::Connect => "connect",
            ErrorClass::Dns => "dns",
            ErrorClass::Tls => "tls",
            ErrorClass::Status4xx => "4xx",
            ErrorClass::Status5xx => "5xx",
            ErrorClass::Ssrf => "ssrf",
            ErrorClass::Redirect => "redirect",
            ErrorClass::Other => "other",
        }
    }

    /// What a person reads next to the class.
    pub fn label(self) -> &'static str {
        match self {
            ErrorClass::Timeout => "Timed out",
            ErrorClass::Connect => "Could not connect",
            ErrorClass::Dns => "Name did not resolve",
            ErrorClass::Tls => "TLS failed",
            ErrorClass::Status4xx => "HTTP 4xx",
            ErrorClass::Status5xx => "HTTP 5xx",
            ErrorClass::Ssrf => "Refused (SSRF guard)",
            ErrorClass::Redirect => "Redirected",
            ErrorClass::Other => "Other",
        }
    }

    /// The class of a failed attempt from its recorded error kind and response status. A
    /// network kind wins; then the status (3xx is a redirect, which is never followed).
    pub fn of(error: Option<&str>, status: Option<u16>) -> ErrorClass {
        match error {
            Some("timeout") => return ErrorClass::Timeout,
            Some("connect") => return ErrorClass::Connect,
            Some("dns") => return ErrorClass::Dns,
            Some("tls") => return ErrorClass::Tls,
            Some("ssrf") => return ErrorClass::Ssrf,
            Some("redirect") => return ErrorClass::Redirect,
            _ => {}
        }
        match status {
            Some(300..=399) => ErrorClass::Redirect,
            Some(400..=499) => ErrorClass::Status4xx,
            Some(500..=599) => ErrorClass::Status5xx,
            _ => ErrorClass::Other,
        }
    }
}

/// How many failed attempts fell in one class.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorClassCount {
    pub class: ErrorClass,
    pub count: u32,
}

/// What changed in a webhook's life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StateChangeKind {
    Created,
    Deactivated,
    /// Activated again after a deactivation.
    Activated,
    #[serde(other)]
    Unknown,
}

/// Who made a state change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeActor {
    /// A person or program through the API (the console's admin).
    Api,
    /// The endpoint itself: it answered 410 Gone.
    Endpoint,
    /// The server's health rule: every attempt failed for its number of days.
    HealthRule,
    #[serde(other)]
    Unknown,
}

/// One entry of a webhook's state time line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StateChange {
    pub at: Timestamp,
    pub change: StateChangeKind,
    pub by: ChangeActor,
    /// Why, in words.
    #[serde(default)]
    pub reason: Option<String>,
    /// Deliveries held (deactivated), resumed or cancelled (activated) with this change.
    #[serde(default)]
    pub deliveries: Option<u32>,
}

/// `GET /webhooks/{id}/health?window=7d`: the webhook's attempts within the window, and its
/// state now.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WebhookHealth {
    pub webhook_id: Id,
    pub window: String,
    pub attempts: u32,
    pub succeeded: u32,
    pub failed: u32,
    /// Succeeded attempts over all attempts, 0 to 1; null without attempts.
    #[serde(default)]
    pub success_rate: Option<f64>,
    /// Over attempts that got an answer (a timeout has no latency, only its limit).
    #[serde(default)]
    pub latency_p50_ms: Option<u64>,
    #[serde(default)]
    pub latency_p95_ms: Option<u64>,
    /// Failed attempts since the last success (whatever the window).
    #[serde(default)]
    pub consecutive_failures: u32,
    /// The first failure since the last success, while failing.
    #[serde(default)]
    pub failing_since: Option<Timestamp>,
    #[serde(default)]
    pub last_error_class: Option<ErrorClass>,
    #[serde(default)]
    pub last_error_at: Option<Timestamp>,
    /// Failed attempts within the window by class, most first.
    #[serde(default)]
    pub error_classes: Vec<ErrorClassCount>,
    /// State changes, oldest first.
    #[serde(default)]
    pub timeline: Vec<StateChange>,
    /// The server's health rule: a webhook whose every attempt failed for this many days is
    /// deactivated. Null when the server has no such rule.
    #[serde(default)]
    pub disable_after_days: Option<u32>,
}

/// One webhook's share of the failures in [`HealthOverview`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookFailures {
    pub webhook_id: Id,
    pub failed: u32,
    #[serde(default)]
    pub error_classes: Vec<ErrorClassCount>,
}

/// `GET /webhooks/health?window=24h`: failures across every webhook.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HealthOverview {
    pub window: String,
    pub attempts: u32,
    pub failed: u32,
    /// Failed attempts by class, most first.
    #[serde(default)]
    pub error_classes: Vec<ErrorClassCount>,
    /// Webhooks with failures, most first.
    #[serde(default)]
    pub webhooks: Vec<WebhookFailures>,
}

/// The SSE event names of `GET /deliveries/tail`.
pub mod tail_event {
    /// Sent first: the subscription is live; what happens from now on will be sent.
    pub const READY: &str = "ready";
    /// A delivery was created, or queued again.
    pub const DELIVERY: &str = "delivery";
    /// An attempt finished; the delivery shows its state after it.
    pub const ATTEMPT: &str = "attempt";
    /// The subscriber fell too far behind and is dropped; reconnect and re-read the list.
    pub const DROPPED: &str = "dropped";
}

/// The outcome of one attempt, as the tail carries it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TailAttempt {
    pub n: u32,
    pub started_at: Timestamp,
    #[serde(default)]
    pub duration_ms: u64,
    pub succeeded: bool,
    #[serde(default)]
    pub response_status: Option<u16>,
    #[serde(default)]
    pub error_class: Option<ErrorClass>,
}

/// The data of a `delivery` or `attempt` event: the delivery as `GET /deliveries` lists it,
/// without its payload (null), and for `attempt` the attempt's outcome.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TailEvent {
    pub delivery: Delivery,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attempt: Option<TailAttempt>,
}

/// The data of a `dropped` event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TailDropped {
    pub reason: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_fall_in_their_class() {
        assert_eq!(ErrorClass::of(Some("timeout"), None), ErrorClass::Timeout);
        assert_eq!(ErrorClass::of(Some("ssrf"), None), ErrorClass::Ssrf);
        assert_eq!(ErrorClass::of(None, Some(503)), ErrorClass::Status5xx);
        assert_eq!(ErrorClass::of(None, Some(404)), ErrorClass::Status4xx);
        assert_eq!(
            ErrorClass::of(Some("redirect"), Some(302)),
            ErrorClass::Redirect
        );
        assert_eq!(ErrorClass::of(None, Some(301)), ErrorClass::Redirect);
        // A body that broke off after a 500 is still the 500.
        assert_eq!(
            ErrorClass::of(Some("body"), Some(500)),
            ErrorClass::Status5xx
        );
        assert_eq!(ErrorClass::of(Some("internal"), None), ErrorClass::Other);
    }

    #[test]
    fn classes_read_as_the_contract_writes_them() {
        let json = serde_json::to_string(&ErrorClass::ALL).unwrap();
        assert_eq!(
            json,
            r#"["timeout","connect","dns","tls","4xx","5xx","ssrf","redirect","other"]"#
        );
        let back: Vec<ErrorClass> = serde_json::from_str(&json).unwrap();
        assert_eq!(back, ErrorClass::ALL);
        let unknown: ErrorClass = serde_json::from_str(r#""quic""#).unwrap();
        assert_eq!(unknown, ErrorClass::Other);
        for c in ErrorClass::ALL {
            assert_eq!(serde_json::to_value(c).unwrap(), c.as_str());
        }
    }
}
