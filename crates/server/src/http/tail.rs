//! `GET /deliveries/tail`: new deliveries and attempt outcomes as server-sent events.
//!
//! The stream opens with a `ready` event, then carries `delivery` and `attempt` events as the
//! engine publishes them (see [`crate::engine::tail`]), with a comment line as heartbeat when
//! nothing happens. A subscriber that falls behind gets a last `dropped` event and the stream
//! ends; at a stop every stream ends, so a drain never waits on one. The bearer check is the
//! API's own: the token travels in the `Authorization` header, never in the URL.

use super::AppState;
use crate::error::ApiError;
use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures_util::stream::{self, Stream, StreamExt as _};
use std::convert::Infallible;
use std::sync::atomic::Ordering;
use switchboard_api::{tail_event, TailDropped};

pub async fn tail(State(state): State<AppState>) -> Result<Response, ApiError> {
    let sub = state.engine.tail().subscribe().ok_or_else(|| {
        ApiError::Timeout("The server is stopping; connect again when it is back.".into())
    })?;
    let ready = stream::once(async { Ok(Event::default().event(tail_event::READY).data("{}")) });
    let events = stream::unfold(Some(sub), |sub| async move {
        let mut sub = sub?;
        match sub.rx.recv().await {
            Some(m) => Some((Ok(Event::default().event(m.event).data(&m.data)), Some(sub))),
            None if sub.dropped.load(Ordering::SeqCst) => {
                let why = TailDropped {
                    reason: "this subscriber fell behind the deliveries; connect again and \
                             read the list for what was missed"
                        .into(),
                };
                let data = serde_json::to_string(&why).unwrap_or_default();
                Some((
                    Ok(Event::default().event(tail_event::DROPPED).data(data)),
                    None,
                ))
            }
            None => None,
        }
    });
    let body: std::pin::Pin<Box<dyn Stream<Item = Result<Event, Infallible>> + Send>> =
        Box::pin(ready.chain(events));
    let mut res = Sse::new(body)
        .keep_alive(
            KeepAlive::new()
                .interval(state.config.tail_heartbeat)
                .text("heartbeat"),
        )
        .into_response();
    // Proxies that buffer (nginx) would hold the events back.
    res.headers_mut().insert(
        "x-accel-buffering",
        axum::http::HeaderValue::from_static("no"),
    );
    Ok(res)
}
