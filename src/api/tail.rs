//! The live tail: `GET /deliveries/tail` read as server-sent events.
//!
//! `EventSource` cannot send the `Authorization` header, and the token must never go in a URL,
//! so the stream is an ordinary `fetch` whose body is read as it arrives (`wasm-streams` turns
//! the `ReadableStream` into a Rust stream) and parsed by `eventsource-stream`. A [`Tail`]
//! aborts its request when dropped.

use super::HttpBackend;
use futures::StreamExt as _;
use switchboard_api::{tail_event, TailEvent};

/// What the stream said.
#[derive(Debug, Clone, PartialEq)]
pub enum TailMessage {
    /// The subscription is live: from now on nothing is missed.
    Ready,
    /// A delivery was created or queued again, or an attempt ended (`attempt` is set).
    Event(Box<TailEvent>),
    /// The server dropped this subscriber for falling behind; what happened since is missed.
    Dropped,
}

/// Why a stream ended.
#[derive(Debug, Clone, PartialEq)]
pub enum TailEnd {
    /// The server ended it (a restart, a stop) or the connection broke.
    Closed(String),
    /// The server refused it (the token, a backend without the tail).
    Refused(u16),
}

/// An open stream; dropping it aborts the request.
pub struct Tail {
    controller: Option<web_sys::AbortController>,
}

impl Drop for Tail {
    fn drop(&mut self) {
        if let Some(c) = &self.controller {
            c.abort();
        }
    }
}

impl Tail {
    /// Opens the stream and calls `on_message` for each message until it ends, then `on_end`.
    /// Runs in its own task; the returned [`Tail`] stops it when dropped.
    pub fn open(
        backend: &HttpBackend,
        on_message: impl Fn(TailMessage) + 'static,
        on_end: impl FnOnce(TailEnd) + 'static,
    ) -> Tail {
        let controller = web_sys::AbortController::new().ok();
        let signal = controller.as_ref().map(|c| c.signal());
        let (url, auth) = backend.stream_request("/deliveries/tail");
        wasm_bindgen_futures::spawn_local(async move {
            let end = read(url, auth, signal, on_message).await;
            on_end(end);
        });
        Tail { controller }
    }
}

async fn read(
    url: String,
    auth: Option<(&'static str, String)>,
    signal: Option<web_sys::AbortSignal>,
    on_message: impl Fn(TailMessage),
) -> TailEnd {
    use eventsource_stream::Eventsource as _;
    let mut builder = gloo_net::http::RequestBuilder::new(&url)
        .header("Accept", "text/event-stream")
        .abort_signal(signal.as_ref());
    if let Some((name, value)) = auth {
        builder = builder.header(name, &value);
    }
    let response = match builder.send().await {
        Ok(r) => r,
        Err(e) => return TailEnd::Closed(e.to_string()),
    };
    if !(200..300).contains(&response.status()) {
        return TailEnd::Refused(response.status());
    }
    let Some(body) = response.body() else {
        return TailEnd::Closed("the answer had no body".into());
    };
    let bytes = wasm_streams::ReadableStream::from_raw(body)
        .into_stream()
        .map(|chunk| {
            chunk
                .map(|v| js_sys::Uint8Array::new(&v).to_vec())
                .map_err(|e| format!("{e:?}"))
        });
    let mut events = bytes.eventsource();
    while let Some(item) = events.next().await {
        let event = match item {
            Ok(e) => e,
            Err(e) => return TailEnd::Closed(e.to_string()),
        };
        match event.event.as_str() {
            tail_event::READY => on_message(TailMessage::Ready),
            tail_event::DROPPED => on_message(TailMessage::Dropped),
            tail_event::DELIVERY | tail_event::ATTEMPT => {
                // An event this console cannot read is skipped, not fatal.
                if let Ok(e) = serde_json::from_str::<TailEvent>(&event.data) {
                    on_message(TailMessage::Event(Box::new(e)));
                }
            }
            _ => {}
        }
    }
    TailEnd::Closed("the server ended the stream".into())
}
