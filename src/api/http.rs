//! `HttpBackend`: the `Backend` over HTTP with gloo-net — bearer header, envelope decoding,
//! problem+json errors, a request timeout, and never a panic on what comes back.

use super::error::{decode_envelope, error_from_response};
use super::query::{encode, query_string};
use super::{ApiError, Backend, DeliveryQuery, Page, WebhookQuery};
use futures::future::{select, Either};
use gloo_net::http::{Method, RequestBuilder};
use serde::{de::DeserializeOwned, Serialize};
use switchboard_api::{
    Capabilities, Delivery, EmitEvent, EmittedEvent, EndpointOverview, EndpointStatus, Envelope,
    EventType, RecoverRequest, RecoverResult, RotatedSecret, Stats, TestSend, Timestamp, Webhook,
    WebhookInput, WebhookPatch, API_PREFIX,
};

/// Past this a request is abandoned as unanswered.
const REQUEST_TIMEOUT_MS: u32 = 30_000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpBackend {
    base_url: String,
    token: String,
}

impl HttpBackend {
    /// `base_url` is the server's origin (and optional path prefix), without `/api/v1`.
    pub fn new(base_url: &str, token: &str) -> Self {
        HttpBackend {
            base_url: base_url.trim().trim_end_matches('/').to_owned(),
            token: token.trim().to_owned(),
        }
    }

    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    fn url(&self, path: &str) -> String {
        format!("{}{}{}", self.base_url, API_PREFIX, path)
    }

    /// Sends one request; `Ok` carries the 2xx status and body text.
    async fn send(
        &self,
        method: Method,
        path: &str,
        body: Option<String>,
        idempotency_key: Option<&str>,
    ) -> Result<(u16, String), ApiError> {
        let controller = web_sys::AbortController::new().ok();
        let mut builder = RequestBuilder::new(&self.url(path))
            .method(method)
            .header("Accept", "application/json, application/problem+json")
            .abort_signal(controller.as_ref().map(|c| c.signal()).as_ref());
        if !self.token.is_empty() {
            builder = builder.header("Authorization", &format!("Bearer {}", self.token));
        }
        if let Some(key) = idempotency_key {
            builder = builder.header("Idempotency-Key", key);
        }
        let request = match body {
            Some(body) => builder
                .header("Content-Type", "application/json")
                .body(body),
            None => builder.build(),
        }
        .map_err(|e| ApiError::Network {
            message: e.to_string(),
        })?;

        let fetch = Box::pin(request.send());
        let timeout = Box::pin(gloo_timers::future::TimeoutFuture::new(REQUEST_TIMEOUT_MS));
        let response = match select(fetch, timeout).await {
            Either::Left((result, _)) => result.map_err(|e| ApiError::Network {
                message: e.to_string(),
            })?,
            Either::Right(_) => {
                if let Some(c) = &controller {
                    c.abort();
                }
                return Err(ApiError::Network {
                    message: format!("no answer within {} s", REQUEST_TIMEOUT_MS / 1000),
                });
            }
        };
        let status = response.status();
        let retry_after = response.headers().get("retry-after");
        // A body that breaks off mid-way is a network failure, whatever the status said.
        let text = response.text().await.map_err(|e| ApiError::Network {
            message: format!("the response broke off ({e})"),
        })?;
        if (200..300).contains(&status) {
            Ok((status, text))
        } else {
            Err(error_from_response(status, &text, retry_after.as_deref()))
        }
    }

    async fn call<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<String>,
        idempotency_key: Option<&str>,
    ) -> Result<Envelope<T>, ApiError> {
        let (status, text) = self.send(method, path, body, idempotency_key).await?;
        decode_envelope(status, &text)
    }

    async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, ApiError> {
        Ok(self.call(Method::GET, path, None, None).await?.data)
    }

    async fn post<B: Serialize, T: DeserializeOwned>(&self, path: &str, body: &B) -> Result<T, ApiError> {
        Ok(self.call(Method::POST, path, Some(json(body)?), None).await?.data)
    }

    async fn page<T: DeserializeOwned>(&self, path: &str) -> Result<Page<T>, ApiError> {
        let env: Envelope<Vec<T>> = self.call(Method::GET, path, None, None).await?;
        Ok(Page {
            items: env.data,
            next_cursor: env.meta.next_cursor.filter(|c| !c.is_empty()),
        })
    }
}

fn json<B: Serialize>(body: &B) -> Result<String, ApiError> {
    serde_json::to_string(body).map_err(|e| ApiError::Network {
        message: format!("could not encode the request: {e}"),
    })
}

fn id(segment: &str) -> String {
    encode(segment)
}

impl Backend for HttpBackend {
    async fn capabilities(&self) -> Result<Capabilities, ApiError> {
        match self.get("/capabilities").await {
            Err(e) if e.is_not_found() => Ok(Capabilities::core()),
            other => other,
        }
    }

    async fn list_webhooks(&self, query: &WebhookQuery) -> Result<Page<Webhook>, ApiError> {
        self.page(&format!("/webhooks{}", query_string(query))).await
    }

    async fn get_webhook(&self, wid: &str) -> Result<Webhook, ApiError> {
        self.get(&format!("/webhooks/{}", id(wid))).await
    }

    async fn create_webhook(&self, input: &WebhookInput, idempotency_key: &str) -> Result<Webhook, ApiError> {
        let env = self
            .call(Method::POST, "/webhooks", Some(json(input)?), Some(idempotency_key))
            .await?;
        Ok(env.data)
    }

    async fn update_webhook(&self, wid: &str, patch: &WebhookPatch) -> Result<Webhook, ApiError> {
        let env = self
            .call(Method::PATCH, &format!("/webhooks/{}", id(wid)), Some(json(patch)?), None)
            .await?;
        Ok(env.data)
    }

    async fn delete_webhook(&self, wid: &str) -> Result<(), ApiError> {
        self.send(Method::DELETE, &format!("/webhooks/{}", id(wid)), None, None)
            .await
            .map(|_| ())
    }

    async fn list_event_types(&self) -> Result<Vec<EventType>, ApiError> {
        let mut all = Vec::new();
        let mut cursor: Option<String> = None;
        // A bound on pages guards against a backend whose cursor never ends.
        for _ in 0..50 {
            let path = match &cursor {
                Some(c) => format!("/webhooks/events?limit=200&cursor={}", encode(c)),
                None => "/webhooks/events?limit=200".to_owned(),
            };
            let page: Page<EventType> = self.page(&path).await?;
            all.extend(page.items);
            match page.next_cursor {
                Some(next) if Some(&next) != cursor.as_ref() => cursor = Some(next),
                _ => break,
            }
        }
        Ok(all)
    }

    async fn get_event_type(&self, name: &str) -> Result<EventType, ApiError> {
        self.get(&format!("/webhooks/events/{}", id(name))).await
    }

    async fn send_test(&self, wid: &str, event_type: &str) -> Result<Delivery, ApiError> {
        let body = TestSend {
            event_type: event_type.to_owned(),
        };
        self.post(&format!("/webhooks/{}/test", id(wid)), &body).await
    }

    async fn rotate_secret(&self, wid: &str) -> Result<RotatedSecret, ApiError> {
        self.post(&format!("/webhooks/{}/secret/rotate", id(wid)), &serde_json::json!({}))
            .await
    }

    async fn list_deliveries(&self, query: &DeliveryQuery) -> Result<Page<Delivery>, ApiError> {
        self.page(&format!("/deliveries{}", query_string(query))).await
    }

    async fn get_delivery(&self, did: &str) -> Result<Delivery, ApiError> {
        self.get(&format!("/deliveries/{}", id(did))).await
    }

    async fn retry_delivery(&self, did: &str) -> Result<Delivery, ApiError> {
        self.post(&format!("/deliveries/{}/retry", id(did)), &serde_json::json!({}))
            .await
    }

    async fn recover(&self, wid: &str, since: Timestamp) -> Result<RecoverResult, ApiError> {
        self.post(&format!("/webhooks/{}/recover", id(wid)), &RecoverRequest { since })
            .await
    }

    async fn stats(&self, wid: &str, window: &str, bucket: &str) -> Result<Stats, ApiError> {
        self.get(&format!(
            "/webhooks/{}/stats?window={}&bucket={}",
            id(wid),
            encode(window),
            encode(bucket)
        ))
        .await
    }

    async fn endpoint_status(&self, wid: &str) -> Result<EndpointStatus, ApiError> {
        self.get(&format!("/webhooks/{}/status", id(wid))).await
    }

    async fn endpoint_overview(&self, wid: &str) -> Result<EndpointOverview, ApiError> {
        self.get(&format!("/webhooks/{}/overview", id(wid))).await
    }

    async fn emit_event(&self, event_type: &str, payload: serde_json::Value) -> Result<EmittedEvent, ApiError> {
        let body = EmitEvent {
            event_type: event_type.to_owned(),
            payload,
        };
        self.post("/events", &body).await
    }

    async fn list_events(&self, cursor: Option<&str>) -> Result<Page<EmittedEvent>, ApiError> {
        match cursor {
            Some(c) => self.page(&format!("/events?cursor={}", encode(c))).await,
            None => self.page("/events").await,
        }
    }
}
