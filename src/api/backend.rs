//! The `Backend` trait: everything a screen can ask of a Switchboard API server.

use super::{ApiError, DeliveryQuery, WebhookQuery};
use switchboard_api::{
    Capabilities, Delivery, DeliveryFilter, DestinationType, EmittedEvent, EndpointOverview,
    EndpointStatus, EventType, HealthOverview, Missed, RecoverResult, Replay, ReplayPreview,
    RotatedSecret, Stats, Timestamp, Webhook, WebhookHealth, WebhookInput, WebhookPatch,
};

/// One page of a cursor-paginated list.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Cursor of the next page; `None` on the last one.
    pub next_cursor: Option<String>,
}

/// Every item of a cursor-paginated list: `fetch` loads the page after a cursor (`None` for
/// the first). Stops at the last page, at a cursor the backend repeats, and after `max_pages`
/// pages, so a backend whose cursor never ends cannot keep the console loading forever.
pub async fn follow_cursor<T, F, Fut>(max_pages: usize, mut fetch: F) -> Result<Vec<T>, ApiError>
where
    F: FnMut(Option<String>) -> Fut,
    Fut: std::future::Future<Output = Result<Page<T>, ApiError>>,
{
    let mut all = Vec::new();
    let mut cursor: Option<String> = None;
    for _ in 0..max_pages {
        let page = fetch(cursor.clone()).await?;
        all.extend(page.items);
        match page.next_cursor {
            Some(next) if Some(&next) != cursor.as_ref() => cursor = Some(next),
            _ => break,
        }
    }
    Ok(all)
}

/// The data provider. Native `async fn` without `Send` bounds: in the browser everything runs
/// on one thread. Each method maps to one route of the contract (`api/openapi.yaml`).
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
    /// One webhook's health over `window` (`7d`) and its state time line.
    async fn webhook_health(
        &self,
        webhook_id: &str,
        window: &str,
    ) -> Result<WebhookHealth, ApiError>;
    /// Failures by error class across every webhook over `window`.
    async fn health_overview(&self, window: &str) -> Result<HealthOverview, ApiError>;

    async fn emit_event(
        &self,
        event_type: &str,
        payload: serde_json::Value,
    ) -> Result<EmittedEvent, ApiError>;
    async fn list_events(&self, cursor: Option<&str>) -> Result<Page<EmittedEvent>, ApiError>;

    /// What a replay of `filter` would send, with no side effect (capability `replay`).
    async fn preview_replay(&self, filter: &DeliveryFilter) -> Result<ReplayPreview, ApiError>;
    /// Starts a replay job; the same `idempotency_key` again answers with the same job.
    async fn start_replay(
        &self,
        filter: &DeliveryFilter,
        idempotency_key: &str,
    ) -> Result<Replay, ApiError>;
    async fn list_replays(&self, cursor: Option<&str>) -> Result<Page<Replay>, ApiError>;
    async fn get_replay(&self, id: &str) -> Result<Replay, ApiError>;
    async fn cancel_replay(&self, id: &str) -> Result<Replay, ApiError>;
    /// Missed events by reason: one webhook's, or every webhook's.
    async fn missed(&self, webhook_id: Option<&str>) -> Result<Missed, ApiError>;
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures::FutureExt;

    /// The walk over pages that are all ready at once finishes in one poll.
    fn block_on<T>(f: impl std::future::Future<Output = T>) -> T {
        f.now_or_never().expect("every page is ready at once")
    }

    /// Pages of `sizes` items; the last page's cursor is `last_cursor`.
    fn pages(
        sizes: &'static [usize],
        last_cursor: Option<&'static str>,
    ) -> impl FnMut(Option<String>) -> std::future::Ready<Result<Page<usize>, ApiError>> {
        move |cursor| {
            let i: usize = cursor.map_or(0, |c| c.parse().unwrap());
            let next = if i + 1 < sizes.len() {
                Some((i + 1).to_string())
            } else {
                last_cursor.map(str::to_owned)
            };
            std::future::ready(Ok(Page {
                items: vec![i; sizes[i]],
                next_cursor: next,
            }))
        }
    }

    #[test]
    fn every_page_is_followed_once() {
        let all = block_on(follow_cursor(10, pages(&[2, 2, 1], None))).unwrap();
        assert_eq!(all, [0, 0, 1, 1, 2]);
    }

    #[test]
    fn a_repeated_cursor_or_too_many_pages_ends_the_walk() {
        // The last page points at itself: read once, not forever.
        let all = block_on(follow_cursor(10, pages(&[1, 1], Some("1")))).unwrap();
        assert_eq!(all, [0, 1]);
        let all = block_on(follow_cursor(2, pages(&[1, 1, 1, 1], None))).unwrap();
        assert_eq!(all, [0, 1]);
    }
}
