//! The Switchboard Webhook API v1 wire contract: every request and response body, shared by
//! the console (a tolerant reader) and the reference server (a strict writer). No I/O here.

mod capabilities;
pub mod channels;
mod delivery;
mod destination;
mod envelope;
mod event_type;
mod health;
pub mod limits;
pub mod percent;
mod problem;
pub mod redact;
mod replay;
pub mod search;
pub mod seed_examples;
mod sort;
mod tolerant;
pub mod validate;
mod webhook;
mod xml;

pub use capabilities::{Capabilities, Feature};
pub use delivery::{
    Attempt, AttemptRequest, AttemptResponse, Delivery, DeliveryStatus, EmitEvent, EmittedEvent,
    FilterError, RecoverRequest, RecoverResult, Stats, StatsBucket, TestSend,
};
pub use destination::DestinationType;
pub use envelope::{Envelope, Meta};
pub use event_type::{EventField, EventType};
pub use health::{
    tail_event, ChangeActor, ErrorClass, ErrorClassCount, HealthOverview, StateChange,
    StateChangeKind, TailAttempt, TailDropped, TailEvent, WebhookFailures, WebhookHealth,
};
pub use problem::{FieldError, Problem};
pub use replay::{
    DeliveryFilter, Missed, MissedGroup, MissedReason, Replay, ReplayEndpoint,
    ReplayEndpointProgress, ReplayPreview, ReplayProgress, ReplayRequest, ReplayState, StatusClass,
};
pub use sort::WebhookSort;
pub use tolerant::{Id, Timestamp};
pub use webhook::{
    Auth, Delay, DelayUnit, EndpointOverview, EndpointStatus, Filter, Format, HeldChoice,
    RotatedSecret, Target, Webhook, WebhookInput, WebhookPatch, HTTP_TYPE,
};
pub use xml::{payload_to_xml, xml_name};

/// Path prefix of every route of the API, below the backend's base URL.
pub const API_PREFIX: &str = "/api/v1";
/// Page size when a list request names none.
pub const DEFAULT_LIMIT: u32 = 50;
/// Largest page size a list request may ask for.
pub const MAX_LIMIT: u32 = 200;
/// Largest response body an attempt record keeps.
pub const MAX_RECORDED_BODY: usize = 64 * 1024;
