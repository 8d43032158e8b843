//! Replay jobs (`/replays`) and what endpoints missed (`/missed`): capability `replay`.
//!
//! A replay takes the same filter as the delivery history, so what a user sees in a filtered
//! view is exactly what a replay of it sends again: one new delivery per matched delivery.

use crate::{Delivery, DeliveryStatus, Id, Timestamp};
use serde::{Deserialize, Serialize};

/// The HTTP status class of a delivery's last response; `none` is no response at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum StatusClass {
    #[serde(rename = "2xx")]
    Success,
    #[serde(rename = "3xx")]
    Redirect,
    #[serde(rename = "4xx")]
    ClientError,
    #[serde(rename = "5xx")]
    ServerError,
    #[serde(rename = "none")]
    NoResponse,
}

impl StatusClass {
    pub const ALL: [StatusClass; 5] = [
        StatusClass::Success,
        StatusClass::Redirect,
        StatusClass::ClientError,
        StatusClass::ServerError,
        StatusClass::NoResponse,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            StatusClass::Success => "2xx",
            StatusClass::Redirect => "3xx",
            StatusClass::ClientError => "4xx",
            StatusClass::ServerError => "5xx",
            StatusClass::NoResponse => "none",
        }
    }

    pub fn parse(s: &str) -> Option<StatusClass> {
        StatusClass::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// The response statuses of the class, `[from, to)`; `None` for [`StatusClass::NoResponse`].
    pub fn range(self) -> Option<(u16, u16)> {
        match self {
            StatusClass::Success => Some((200, 300)),
            StatusClass::Redirect => Some((300, 400)),
            StatusClass::ClientError => Some((400, 500)),
            StatusClass::ServerError => Some((500, 600)),
            StatusClass::NoResponse => None,
        }
    }
}

/// Which deliveries: the members `GET /deliveries` filters by, as a JSON object. Every member
/// is optional; together they must match at least one delivery for a replay to start.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeliveryFilter {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub webhook_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<DeliveryStatus>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_class: Option<StatusClass>,
    /// The error kind of the last attempt (`timeout`, `connect`, `dns`, `tls`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_kind: Option<String>,
    #[serde(
        default,
        deserialize_with = "crate::tolerant::rfc3339::optional",
        skip_serializing_if = "Option::is_none"
    )]
    pub since: Option<Timestamp>,
    #[serde(
        default,
        deserialize_with = "crate::tolerant::rfc3339::optional",
        skip_serializing_if = "Option::is_none"
    )]
    pub until: Option<Timestamp>,
    /// Only deliveries whose event the endpoint missed: the latest delivery of that event to
    /// that endpoint ended without a success (see [`MissedReason`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub missed: Option<bool>,
    /// Full text over payloads and response bodies (capability `search`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub q: Option<String>,
    /// Payload field conditions (capability `search`, see [`crate::search`]).
    #[serde(default, rename = "where", skip_serializing_if = "Option::is_none")]
    pub where_: Option<String>,
}

/// `POST /replays/dry-run` and `POST /replays` body.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReplayRequest {
    #[serde(deserialize_with = "filter_object")]
    pub filter: DeliveryFilter,
}

/// The filter as a JSON object only: serde would also read a struct from an array of its
/// members in order, which the contract does not allow.
fn filter_object<'de, D: serde::Deserializer<'de>>(d: D) -> Result<DeliveryFilter, D::Error> {
    struct Members;
    impl<'de> serde::de::Visitor<'de> for Members {
        type Value = DeliveryFilter;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("an object")
        }
        // The members are read from the body's own map, so an error still names its path
        // (`filter.colour`).
        fn visit_map<A: serde::de::MapAccess<'de>>(
            self,
            map: A,
        ) -> Result<DeliveryFilter, A::Error> {
            DeliveryFilter::deserialize(serde::de::value::MapAccessDeserializer::new(map))
        }
    }
    d.deserialize_map(Members)
}

/// One endpoint a replay touches.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReplayEndpoint {
    pub webhook_id: Id,
    /// The webhook's name; `None` when it has been deleted.
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub is_active: bool,
    /// Matched deliveries of this endpoint.
    #[serde(default)]
    pub total: u64,
}

/// What a replay of a filter would do, with no side effect.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReplayPreview {
    /// Deliveries a replay would send again.
    pub total: u64,
    /// Per endpoint, most deliveries first.
    #[serde(default)]
    pub endpoints: Vec<ReplayEndpoint>,
    /// A few of the matched deliveries, newest first.
    #[serde(default)]
    pub sample: Vec<Delivery>,
    /// Sentences for the person confirming: an inactive endpoint (its deliveries wait until it
    /// is activated), a deleted one (its deliveries are skipped).
    #[serde(default)]
    pub warnings: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReplayState {
    Running,
    Completed,
    Cancelled,
    #[serde(other)]
    Unknown,
}

impl ReplayState {
    pub fn as_str(self) -> &'static str {
        match self {
            ReplayState::Running => "running",
            ReplayState::Completed => "completed",
            ReplayState::Cancelled => "cancelled",
            ReplayState::Unknown => "unknown",
        }
    }
}

/// Counters of a replay, over all its endpoints or one.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplayProgress {
    /// Deliveries the job will send again.
    pub total: u64,
    /// Put into the delivery queue so far (the rest wait for the endpoint's rate limit).
    pub queued: u64,
    /// Of those, attempted at least once.
    pub sent: u64,
    pub succeeded: u64,
    /// Ended without a success (retries exhausted, or cancelled before being sent).
    pub failed: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReplayEndpointProgress {
    pub webhook_id: Id,
    #[serde(flatten)]
    pub progress: ReplayProgress,
}

/// A replay job.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Replay {
    pub id: Id,
    pub state: ReplayState,
    pub filter: DeliveryFilter,
    #[serde(flatten)]
    pub progress: ReplayProgress,
    #[serde(default)]
    pub endpoints: Vec<ReplayEndpointProgress>,
    #[serde(default)]
    pub created_at: Option<Timestamp>,
    #[serde(default)]
    pub finished_at: Option<Timestamp>,
}

/// Why an event did not reach an endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MissedReason {
    /// Every attempt failed and no retries were left.
    RetriesExhausted,
    /// The webhook was deactivated and its waiting deliveries cancelled.
    Deactivated,
    /// The endpoint answered 410 Gone (or a health rule disabled it).
    Disabled,
    /// The webhook was deleted.
    Deleted,
    /// A replay job was cancelled before sending it.
    Cancelled,
    #[serde(other)]
    Unknown,
}

impl MissedReason {
    pub const ALL: [MissedReason; 5] = [
        MissedReason::RetriesExhausted,
        MissedReason::Deactivated,
        MissedReason::Disabled,
        MissedReason::Deleted,
        MissedReason::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            MissedReason::RetriesExhausted => "retries_exhausted",
            MissedReason::Deactivated => "deactivated",
            MissedReason::Disabled => "disabled",
            MissedReason::Deleted => "deleted",
            MissedReason::Cancelled => "cancelled",
            MissedReason::Unknown => "unknown",
        }
    }

    pub fn parse(s: &str) -> Option<MissedReason> {
        MissedReason::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// Words for a person.
    pub fn label(self) -> &'static str {
        match self {
            MissedReason::RetriesExhausted => "Retries exhausted",
            MissedReason::Deactivated => "Webhook deactivated",
            MissedReason::Disabled => "Disabled (410 Gone or health rule)",
            MissedReason::Deleted => "Webhook deleted",
            MissedReason::Cancelled => "Replay cancelled",
            MissedReason::Unknown => "Other",
        }
    }
}

/// Missed events of one endpoint for one reason.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MissedGroup {
    pub webhook_id: Id,
    pub reason: MissedReason,
    pub count: u64,
    #[serde(default)]
    pub first_at: Option<Timestamp>,
    #[serde(default)]
    pub last_at: Option<Timestamp>,
}

/// `GET /missed` and `GET /webhooks/{id}/missed`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Missed {
    pub total: u64,
    #[serde(default)]
    pub groups: Vec<MissedGroup>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_filter_is_an_object_never_an_array() {
        let ok: ReplayRequest = serde_json::from_str(r#"{"filter": {"missed": true}}"#).unwrap();
        assert_eq!(ok.filter.missed, Some(true));
        assert!(serde_json::from_str::<ReplayRequest>(r#"{"filter": [null, null]}"#).is_err());
    }

    #[test]
    fn a_filter_names_its_unknown_members_and_reads_its_classes() {
        let f: DeliveryFilter =
            serde_json::from_str(r#"{"status_class":"5xx","since":"2024-01-01T00:00:00Z"}"#)
                .unwrap();
        assert_eq!(f.status_class, Some(StatusClass::ServerError));
        assert!(f.since.is_some());
        assert!(serde_json::from_str::<DeliveryFilter>(r#"{"colour":"red"}"#).is_err());
        assert!(serde_json::from_str::<DeliveryFilter>(r#"{"status_class":"6xx"}"#).is_err());
        // Round trip leaves absent members out.
        assert_eq!(
            serde_json::to_string(&DeliveryFilter::default()).unwrap(),
            "{}"
        );
    }

    #[test]
    fn a_replay_reads_its_flattened_progress() {
        let r: Replay = serde_json::from_str(
            r#"{"id":"rpl_1","state":"running","filter":{},"total":3,"queued":2,"sent":1,
                "succeeded":1,"failed":0,"endpoints":[{"webhook_id":"wh_1","total":3,
                "queued":2,"sent":1,"succeeded":1,"failed":0}],"created_at":null}"#,
        )
        .unwrap();
        assert_eq!(r.progress.queued, 2);
        assert_eq!(r.endpoints[0].progress.total, 3);
        assert_eq!(r.state, ReplayState::Running);
    }
}
