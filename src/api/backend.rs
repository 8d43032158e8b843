//! The `Backend` trait: everything a screen can ask of a Switchboard API server.

use super::{ApiError, DeliveryQuery, WebhookQuery};
use switchboard_api::{
    Capabilities, Delivery, DestinationType, EmittedEvent, EndpointOverview, EndpointStatus,
    EventType, RecoverResult, RotatedSecret, Stats, Timestamp, Webhook, WebhookInput, WebhookPatch,
};

/// One page of a cursor-paginated list.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Cursor of the next page; `None` on the last one.
    pub next_cursor: Option<String>,
}

/// The data provider. Native `async fn` without `Send` bounds: in the browser everything runs
/// on one thread. Each method maps to one route of the contract (DESIGN.md §2).
#[allow(async_fn_in_trait)]
pub trait Backend {
    /// A 404 means "core level only", not an error.
    async fn capabilities(&self) -> Result<Capabilities, ApiError>;

    async fn list_webhooks(&self, query: &WebhookQuery) -> Result<Page<Webhook>, ApiError>;
    async fn get_webhook(&self, id: &str) -> Result<Webhook, ApiError>;
    /// `idempotency_key` makes a repeated submit return the first result.
    async fn create_webhook(
        &self,
        input: &WebhookInput,
        idempotency_key: &str,
    ) -> Result<Webhook, ApiError>;
    async fn update_webhook(&self, id: &str, patch: &WebhookPatch) -> Result<Webhook, ApiError>;
    async fn delete_webhook(&self, id: &str) -> Result<(), ApiError>;

    /// The whole catalogue (every page), summaries only.
    async fn list_event_types(&self) -> Result<Vec<EventType>, ApiError>;
    async fn get_event_type(&self, name: &str) -> Result<EventType, ApiError>;
    /// The destination types a webhook can have (`http` at least), each with its schema.
    async fn destination_types(
        &self,
        capabilities: &Capabilities,
    ) -> Result<Vec<DestinationType>, ApiError>;

    async fn send_test(&self, webhook_id: &str, event_type: &str) -> Result<Delivery, ApiError>;
    async fn rotate_secret(&self, webhook_id: &str) -> Result<RotatedSecret, ApiError>;

    async fn list_deliveries(&self, query: &DeliveryQuery) -> Result<Page<Delivery>, ApiError>;
    async fn get_delivery(&self, id: &str) -> Result<Delivery, ApiError>;
    async fn retry_delivery(&self, id: &str) -> Result<Delivery, ApiError>;
    async fn recover(&self, webhook_id: &str, since: Timestamp) -> Result<RecoverResult, ApiError>;

    async fn stats(&self, webhook_id: &str, window: &str, bucket: &str) -> Result<Stats, ApiError>;
    async fn endpoint_status(&self, webhook_id: &str) -> Result<EndpointStatus, ApiError>;
    async fn endpoint_overview(&self, webhook_id: &str) -> Result<EndpointOverview, ApiError>;

    async fn emit_event(
        &self,
        event_type: &str,
        payload: serde_json::Value,
    ) -> Result<EmittedEvent, ApiError>;
    async fn list_events(&self, cursor: Option<&str>) -> Result<Page<EmittedEvent>, ApiError>;
}
