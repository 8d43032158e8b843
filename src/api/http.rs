//! `HttpBackend`: the `Backend` over HTTP with gloo-net — bearer header, envelope decoding,
//! problem+json errors, timeout, cancellation, `Retry-After`, and never a panic on what comes back.

use super::dialect::{self, Call, Created, Dialect, Verb};
use super::error::decode_envelope;
use super::inflight::Ticket;
use super::query::{encode, query_string};
use super::{follow_cursor, ApiError, Backend, DeliveryQuery, Page, WebhookQuery};
use futures::future::{select, Either};
use gloo_net::http::{Method, RequestBuilder};
use serde::{de::DeserializeOwned, Serialize};
use std::cell::RefCell;
use std::rc::Rc;
use switchboard_api::{
    Capabilities, Delivery, DeliveryFilter, DestinationType, EmitEvent, EmittedEvent,
    EndpointOverview, EndpointStatus, Envelope, EventType, Feature, HealthOverview, Missed,
    RecoverRequest, RecoverResult, Replay, ReplayPreview, ReplayRequest, RotatedSecret, Stats,
    TestSend, Timestamp, Webhook, WebhookHealth, WebhookInput, WebhookPatch,
};

/// Past this a request is abandoned as unanswered.
const REQUEST_TIMEOUT_MS: u32 = 30_000;
/// A server-imposed wait longer than this is not waited out silently: the user decides.
const MAX_AUTOMATIC_WAIT_S: u32 = 60;
/// Answers larger than this are refused: a list page of the contract's largest items (200
/// deliveries with 64 KiB bodies) stays well below it, and a runaway backend cannot freeze the tab.
const MAX_BODY_BYTES: u64 = 32 * 1024 * 1024;

type UnauthorisedHook = Rc<dyn Fn(&str, &ApiError)>;

thread_local! {
    static ON_UNAUTHORISED: RefCell<Option<UnauthorisedHook>> = const { RefCell::new(None) };
}

/// Registers what happens when a request is answered 401: the connection drops the token it
/// was sent with. The hook gets that token (and the error) so a late answer for an old token changes nothing.
pub fn on_unauthorised(hook: impl Fn(&str, &ApiError) + 'static) {
    ON_UNAUTHORISED.with(|h| *h.borrow_mut() = Some(Rc::new(hook)));
}

fn notify_unauthorised(token: &str, error: &ApiError) {
    let hook = ON_UNAUTHORISED.with(|h| h.borrow().clone());
    if let Some(hook) = hook {
        hook(token, error);
    }
}

/// Sleeps `seconds` in short steps; false when the user cancelled meanwhile.
async fn wait_out(seconds: u32, ticket: &Ticket) -> bool {
    let deadline = js_sys::Date::now() + f64::from(seconds) * 1000.0;
    while js_sys::Date::now() < deadline {
        if ticket.cancelled() {
            return false;
        }
        gloo_timers::future::TimeoutFuture::new(200).await;
    }
    !ticket.cancelled()
}

fn http_date_ms(value: &str) -> Option<f64> {
    let ms = js_sys::Date::parse(value);
    ms.is_finite().then_some(ms)
}

/// `Retry-After` is either whole seconds or an HTTP date; anything else is ignored.
pub fn retry_after_seconds(
    value: &str,
    now_ms: f64,
    parse_date: impl Fn(&str) -> Option<f64>,
) -> Option<u32> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u32>() {
        return Some(seconds);
    }
    if value.is_empty() || value.starts_with('-') || value.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let at = parse_date(value)?;
    Some(
        ((at - now_ms) / 1000.0)
            .ceil()
            .clamp(0.0, f64::from(u32::MAX)) as u32,
    )
}

#[derive(Clone)]
pub struct HttpBackend {
    base_url: String,
    token: String,
    dialect: &'static dyn Dialect,
    /// Where the webhook resource lives below `base_url` (the dialect's default unless the
    /// user set another).
    base_path: String,
}

impl PartialEq for HttpBackend {
    fn eq(&self, other: &Self) -> bool {
        self.base_url == other.base_url
            && self.token == other.token
            && self.dialect.id() == other.dialect.id()
            && self.base_path == other.base_path
    }
}

impl Eq for HttpBackend {}

impl std::fmt::Debug for HttpBackend {
    // The token is left out: a debug print must never carry it.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpBackend")
            .field("base_url", &self.base_url)
            .field("dialect", &self.dialect.id())
            .field("base_path", &self.base_path)
            .finish_non_exhaustive()
    }
}

impl HttpBackend {
    /// A backend speaking Switchboard's own API. `base_url` is the server's origin (and
    /// optional path prefix), without `/api/v1`.
    pub fn new(base_url: &str, token: &str) -> Self {
        Self::with_dialect(base_url, token, dialect::ALL[0], "")
    }

    /// A backend speaking `dialect`, with the webhook resource below `base_path` (empty: the
    /// dialect's default).
    pub fn with_dialect(
        base_url: &str,
        token: &str,
        dialect: &'static dyn Dialect,
        base_path: &str,
    ) -> Self {
        let base_path = match base_path.trim().trim_end_matches('/') {
            "" => dialect.default_base_path().to_owned(),
            p if p.starts_with('/') => p.to_owned(),
            p => format!("/{p}"),
        };
        HttpBackend {
            base_url: base_url.trim().trim_end_matches('/').to_owned(),
            token: token.trim().to_owned(),
            dialect,
            base_path,
        }
    }

    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    pub fn dialect(&self) -> &'static dyn Dialect {
        self.dialect
    }

    fn url(&self, path: &str) -> String {
        format!("{}{}{}", self.base_url, self.base_path, path)
    }

    /// The URL of `path` and the credential header, for a request that does not go through
    /// [`HttpBackend::send`]: the live tail, whose body is read as a stream.
    pub(crate) fn stream_request(&self, path: &str) -> (String, Option<(&'static str, String)>) {
        (self.url(path), self.dialect.auth().header(&self.token))
    }

    /// Whether the backend answers this dialect's list call with something shaped like the
    /// vendor's list. Errors of any kind mean no.
    pub async fn looks_like_its_dialect(&self) -> bool {
        if self.dialect.capabilities().is_none() {
            // Switchboard's own API says so itself.
            return self.get::<Capabilities>("/capabilities").await.is_ok();
        }
        match self
            .run(&self.dialect.list(&WebhookQuery::default()), None)
            .await
        {
            Ok((_, text)) => serde_json::from_str::<serde_json::Value>(&text)
                .is_ok_and(|v| self.dialect.recognises(&v)),
            Err(_) => false,
        }
    }

    /// Sends a dialect's call; `Ok` carries the 2xx status and body text.
    async fn run(
        &self,
        call: &Call,
        idempotency_key: Option<&str>,
    ) -> Result<(u16, String), ApiError> {
        let method = match call.verb {
            Verb::Get => Method::GET,
            Verb::Post => Method::POST,
            Verb::Put => Method::PUT,
            Verb::Patch => Method::PATCH,
            Verb::Delete => Method::DELETE,
        };
        self.send_as(
            method,
            &call.path,
            call.body.clone(),
            idempotency_key,
            call.content_type,
        )
        .await
    }

    /// Sends one request; `Ok` carries the 2xx status and body text.
    ///
    /// While it runs the request is listed in [`inflight`] so the progress notice can show and
    /// cancel it. A 429 or 503 with `Retry-After` is waited out (the notice says so) and sent
    /// once more when repeating it is harmless; a 401 tells the connection the token is dead.
    async fn send(
        &self,
        method: Method,
        path: &str,
        body: Option<String>,
        idempotency_key: Option<&str>,
    ) -> Result<(u16, String), ApiError> {
        self.send_as(method, path, body, idempotency_key, dialect::JSON)
            .await
    }

    async fn send_as(
        &self,
        method: Method,
        path: &str,
        body: Option<String>,
        idempotency_key: Option<&str>,
        content_type: &str,
    ) -> Result<(u16, String), ApiError> {
        // The label is shown to the user: the path only, never the query or a header.
        let label = format!(
            "{} {}",
            method.as_str(),
            path.split('?').next().unwrap_or(path)
        );
        let ticket = Ticket::new(label, None);
        let repeatable = idempotency_key.is_some()
            || matches!(
                method,
                Method::GET | Method::HEAD | Method::PUT | Method::PATCH | Method::DELETE
            );
        let mut waited = false;
        loop {
            let controller = web_sys::AbortController::new().ok();
            ticket.resume(controller.clone());
            let result = self
                .attempt(
                    method.clone(),
                    path,
                    body.as_deref().map(|b| (content_type, b)),
                    idempotency_key,
                    controller.as_ref(),
                    &ticket,
                )
                .await;
            match result {
                Err(ApiError::Http {
                    status: status @ (429 | 503),
                    retry_after: Some(seconds),
                    ..
                }) if repeatable && !waited && seconds <= MAX_AUTOMATIC_WAIT_S => {
                    waited = true;
                    ticket.wait(status, seconds);
                    if !wait_out(seconds, &ticket).await {
                        return Err(ApiError::Aborted);
                    }
                }
                Err(e) if e.is_unauthorised() => {
                    notify_unauthorised(&self.token, &e);
                    return Err(e);
                }
                other => return other,
            }
        }
    }

    /// One round trip, with the timeout, the size limit and cancellation applied.
    async fn attempt(
        &self,
        method: Method,
        path: &str,
        // The media type and the text.
        body: Option<(&str, &str)>,
        idempotency_key: Option<&str>,
        controller: Option<&web_sys::AbortController>,
        ticket: &Ticket,
    ) -> Result<(u16, String), ApiError> {
        let signal = controller.map(|c| c.signal());
        let mut builder = RequestBuilder::new(&self.url(path))
            .method(method)
            .header("Accept", self.dialect.accept())
            .abort_signal(signal.as_ref());
        if let Some((name, value)) = self.dialect.auth().header(&self.token) {
            builder = builder.header(name, &value);
        }
        if let Some(key) = idempotency_key {
            builder = builder.header("Idempotency-Key", key);
        }
        let request = match body {
            Some((content_type, body)) => builder
                .header("Content-Type", content_type)
                .body(body.to_owned()),
            None => builder.build(),
        }
        .map_err(|e| ApiError::Network {
            message: e.to_string(),
        })?;

        let fetch = Box::pin(request.send());
        let timeout = Box::pin(gloo_timers::future::TimeoutFuture::new(REQUEST_TIMEOUT_MS));
        let response = match select(fetch, timeout).await {
            Either::Left((Ok(response), _)) => response,
            Either::Left((Err(_), _)) if ticket.cancelled() => return Err(ApiError::Aborted),
            Either::Left((Err(e), _)) => {
                return Err(ApiError::Network {
                    message: e.to_string(),
                })
            }
            Either::Right(_) => {
                if let Some(c) = controller {
                    c.abort();
                }
                return Err(ApiError::Timeout {
                    seconds: REQUEST_TIMEOUT_MS / 1000,
                });
            }
        };
        let status = response.status();
        let headers = response.headers();
        let retry_after = headers
            .get("retry-after")
            .and_then(|v| retry_after_seconds(&v, js_sys::Date::now(), http_date_ms));
        let declared = headers
            .get("content-length")
            .and_then(|v| v.trim().parse::<u64>().ok());
        if let Some(bytes) = declared.filter(|b| *b > MAX_BODY_BYTES) {
            // Stop the download too, not just the reading.
            if let Some(c) = controller {
                c.abort();
            }
            return Err(ApiError::TooLarge { bytes });
        }
        // A body that breaks off mid-way is a failure, whatever the status said.
        let text = match response.text().await {
            Ok(text) => text,
            Err(_) if ticket.cancelled() => return Err(ApiError::Aborted),
            Err(e) => {
                return Err(ApiError::Interrupted {
                    message: e.to_string(),
                })
            }
        };
        if text.len() as u64 > MAX_BODY_BYTES {
            return Err(ApiError::TooLarge {
                bytes: text.len() as u64,
            });
        }
        if (200..300).contains(&status) {
            Ok((status, text))
        } else {
            let retry_after = retry_after.map(|s| s.to_string());
            Err(self
                .dialect
                .read_error(status, &text, retry_after.as_deref()))
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

    async fn post<B: Serialize, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<T, ApiError> {
        Ok(self
            .call(Method::POST, path, Some(json(body)?), None)
            .await?
            .data)
    }

    async fn page<T: DeserializeOwned>(&self, path: &str) -> Result<Page<T>, ApiError> {
        let env: Envelope<Vec<T>> = self.call(Method::GET, path, None, None).await?;
        Ok(Page {
            items: env.data,
            next_cursor: env.meta.next_cursor.filter(|c| !c.is_empty()),
        })
    }
}

impl HttpBackend {
    /// Every page of a cursor-paginated list.
    async fn all_pages<T: DeserializeOwned>(&self, first: &str) -> Result<Vec<T>, ApiError> {
        follow_cursor(50, |cursor: Option<String>| async move {
            let path = match cursor {
                Some(c) => format!("{first}&cursor={}", encode(&c)),
                None => first.to_owned(),
            };
            self.page(&path).await
        })
        .await
    }
}

fn json<B: Serialize>(body: &B) -> Result<String, ApiError> {
    serde_json::to_string(body).map_err(|e| ApiError::Network {
        message: format!("could not encode the request: {e}"),
    })
}

impl Backend for HttpBackend {
    async fn capabilities(&self) -> Result<Capabilities, ApiError> {
        if let Some(fixed) = self.dialect.capabilities() {
            // Nothing to ask: prove the base URL and token with the list the vendor has.
            self.run(&self.dialect.list(&WebhookQuery::default()), None)
                .await?;
            return Ok(fixed);
        }
        match self.get("/capabilities").await {
            Err(e) if e.is_not_found() => {
                // "Core level only", but only from a backend that serves the webhooks: a
                // vendor's API answers 404 here too, and must not pass for a Switchboard one.
                let probe = WebhookQuery {
                    limit: Some(1),
                    ..WebhookQuery::default()
                };
                self.list_webhooks(&probe).await?;
                Ok(Capabilities::core())
            }
            other => other,
        }
    }

    async fn list_webhooks(&self, query: &WebhookQuery) -> Result<Page<Webhook>, ApiError> {
        let (status, text) = self.run(&self.dialect.list(query), None).await?;
        let mut page = self.dialect.read_list(status, &text)?;
        if !self.dialect.vocabulary().server_filters {
            page.items = dialect::filter_locally(page.items, query);
        }
        Ok(page)
    }

    async fn get_webhook(&self, wid: &str) -> Result<Webhook, ApiError> {
        let (status, text) = self.run(&self.dialect.get(wid), None).await?;
        self.dialect.read_one(status, &text)
    }

    async fn create_webhook(
        &self,
        input: &WebhookInput,
        idempotency_key: &str,
    ) -> Result<Webhook, ApiError> {
        let (status, text) = self
            .run(&self.dialect.create(input), Some(idempotency_key))
            .await?;
        match self.dialect.read_created(status, &text)? {
            Created::Webhook(w) => Ok(*w),
            Created::Id(id) => self.get_webhook(&id).await,
        }
    }

    async fn update_webhook(&self, wid: &str, patch: &WebhookPatch) -> Result<Webhook, ApiError> {
        let current = if self.dialect.update_needs_current(patch) {
            Some(self.get_webhook(wid).await?)
        } else {
            None
        };
        let call = self
            .dialect
            .update(wid, patch, current.as_ref())
            .ok_or_else(|| ApiError::Unsupported {
                what: format!("{} cannot change this", self.dialect.title()),
            })?;
        let (status, text) = self.run(&call, None).await?;
        match self.dialect.read_one(status, &text) {
            Ok(w) => Ok(w),
            // An action answered with no body (or another shape): read the webhook back.
            Err(ApiError::Decode { .. }) => self.get_webhook(wid).await,
            Err(e) => Err(e),
        }
    }

    async fn delete_webhook(&self, wid: &str) -> Result<(), ApiError> {
        self.run(&self.dialect.delete(wid), None).await.map(|_| ())
    }

    async fn list_event_types(&self) -> Result<Vec<EventType>, ApiError> {
        if let Some(fixed) = self.dialect.event_types() {
            return Ok(fixed);
        }
        self.all_pages("/webhooks/events?limit=200").await
    }

    async fn destination_types(
        &self,
        capabilities: &Capabilities,
    ) -> Result<Vec<DestinationType>, ApiError> {
        if let Some(fixed) = self.dialect.destination_types() {
            return Ok(fixed);
        }
        if !capabilities.has(Feature::Types) {
            return Ok(vec![DestinationType::http()]);
        }
        self.all_pages("/webhooks/types").await
    }

    async fn get_event_type(&self, name: &str) -> Result<EventType, ApiError> {
        self.get(&format!("/webhooks/events/{}", encode(name)))
            .await
    }

    async fn send_test(&self, wid: &str, event_type: &str) -> Result<Delivery, ApiError> {
        let body = TestSend {
            event_type: event_type.to_owned(),
        };
        self.post(&format!("/webhooks/{}/test", encode(wid)), &body)
            .await
    }

    async fn rotate_secret(&self, wid: &str) -> Result<RotatedSecret, ApiError> {
        self.post(
            &format!("/webhooks/{}/secret/rotate", encode(wid)),
            &serde_json::json!({}),
        )
        .await
    }

    async fn list_deliveries(&self, query: &DeliveryQuery) -> Result<Page<Delivery>, ApiError> {
        self.page(&format!("/deliveries{}", query_string(query)))
            .await
    }

    async fn get_delivery(&self, did: &str) -> Result<Delivery, ApiError> {
        self.get(&format!("/deliveries/{}", encode(did))).await
    }

    async fn retry_delivery(&self, did: &str) -> Result<Delivery, ApiError> {
        self.post(
            &format!("/deliveries/{}/retry", encode(did)),
            &serde_json::json!({}),
        )
        .await
    }

    async fn recover(&self, wid: &str, since: Timestamp) -> Result<RecoverResult, ApiError> {
        self.post(
            &format!("/webhooks/{}/recover", encode(wid)),
            &RecoverRequest { since },
        )
        .await
    }

    async fn stats(&self, wid: &str, window: &str, bucket: &str) -> Result<Stats, ApiError> {
        self.get(&format!(
            "/webhooks/{}/stats?window={}&bucket={}",
            encode(wid),
            encode(window),
            encode(bucket)
        ))
        .await
    }

    async fn endpoint_status(&self, wid: &str) -> Result<EndpointStatus, ApiError> {
        self.get(&format!("/webhooks/{}/status", encode(wid))).await
    }

    async fn endpoint_overview(&self, wid: &str) -> Result<EndpointOverview, ApiError> {
        self.get(&format!("/webhooks/{}/overview", encode(wid)))
            .await
    }

    async fn webhook_health(&self, wid: &str, window: &str) -> Result<WebhookHealth, ApiError> {
        self.get(&format!(
            "/webhooks/{}/health?window={}",
            encode(wid),
            encode(window)
        ))
        .await
    }

    async fn health_overview(&self, window: &str) -> Result<HealthOverview, ApiError> {
        self.get(&format!("/webhooks/health?window={}", encode(window)))
            .await
    }

    async fn emit_event(
        &self,
        event_type: &str,
        payload: serde_json::Value,
    ) -> Result<EmittedEvent, ApiError> {
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

    async fn preview_replay(&self, filter: &DeliveryFilter) -> Result<ReplayPreview, ApiError> {
        let body = ReplayRequest {
            filter: filter.clone(),
        };
        self.post("/replays/dry-run", &body).await
    }

    async fn start_replay(
        &self,
        filter: &DeliveryFilter,
        idempotency_key: &str,
    ) -> Result<Replay, ApiError> {
        let body = ReplayRequest {
            filter: filter.clone(),
        };
        Ok(self
            .call(
                Method::POST,
                "/replays",
                Some(json(&body)?),
                Some(idempotency_key),
            )
            .await?
            .data)
    }

    async fn list_replays(&self, cursor: Option<&str>) -> Result<Page<Replay>, ApiError> {
        match cursor {
            Some(c) => self.page(&format!("/replays?cursor={}", encode(c))).await,
            None => self.page("/replays").await,
        }
    }

    async fn get_replay(&self, id: &str) -> Result<Replay, ApiError> {
        self.get(&format!("/replays/{}", encode(id))).await
    }

    async fn cancel_replay(&self, id: &str) -> Result<Replay, ApiError> {
        self.post(
            &format!("/replays/{}/cancel", encode(id)),
            &serde_json::json!({}),
        )
        .await
    }

    async fn missed(&self, webhook_id: Option<&str>) -> Result<Missed, ApiError> {
        match webhook_id {
            Some(w) => self.get(&format!("/webhooks/{}/missed", encode(w))).await,
            None => self.get("/missed").await,
        }
    }
}

/// The event types in a JSON file served beside the console (`asset`, relative to the page),
/// fetched without credentials: the vendor's documentation, not its API.
pub async fn documented_event_types(asset: &str) -> Result<Vec<EventType>, ApiError> {
    // Beside the bundle's own files: the script the page boots from is `<public url>/<bundle
    // dir>/switchboard.js`, so `../asset` is the asset at the public URL whatever it is.
    let document = web_sys::window().and_then(|w| w.document());
    let url = document
        .as_ref()
        .and_then(|d| d.query_selector("meta[name=switchboard-js]").ok().flatten())
        .and_then(|meta| meta.get_attribute("content"))
        .zip(document.as_ref().and_then(|d| d.url().ok()))
        .and_then(|(js, page)| web_sys::Url::new_with_base(&js, &page).ok())
        .and_then(|js| web_sys::Url::new_with_base(&format!("../{asset}"), &js.href()).ok())
        .map(|u| u.href())
        .unwrap_or_else(|| format!("/{asset}"));
    let response = gloo_net::http::Request::get(&url)
        .send()
        .await
        .map_err(|e| ApiError::Network {
            message: e.to_string(),
        })?;
    let status = response.status();
    let text = response.text().await.map_err(|e| ApiError::Network {
        message: e.to_string(),
    })?;
    serde_json::from_str(&text).map_err(|e| ApiError::Decode {
        status,
        message: e.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::retry_after_seconds;

    fn no_date(_: &str) -> Option<f64> {
        None
    }

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        assert_eq!(retry_after_seconds(" 7 ", 0.0, no_date), Some(7));
        assert_eq!(retry_after_seconds("0", 0.0, no_date), Some(0));
        assert_eq!(retry_after_seconds("-3", 0.0, |_| Some(0.0)), None);
        assert_eq!(retry_after_seconds("", 0.0, |_| Some(0.0)), None);
        assert_eq!(retry_after_seconds("soon", 0.0, no_date), None);
        // A date 4.2 s ahead is a 5 s wait; a date in the past is no wait at all.
        let date = |_: &str| Some(10_000.0);
        assert_eq!(
            retry_after_seconds("Wed, 21 Oct 2026 07:28:00 GMT", 5_800.0, date),
            Some(5)
        );
        assert_eq!(
            retry_after_seconds("Wed, 21 Oct 2026 07:28:00 GMT", 50_000.0, date),
            Some(0)
        );
        // Larger than u32: not a number of seconds anyone means.
        assert_eq!(retry_after_seconds("99999999999", 0.0, no_date), None);
    }
}
