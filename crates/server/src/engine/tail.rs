//! The live tail's hub: new deliveries and attempt outcomes handed to every subscriber of
//! `GET /deliveries/tail`.
//!
//! Each subscriber has its own bounded queue. Publishing never waits: a subscriber whose queue
//! is full (it reads slower than deliveries happen) is dropped on the spot, its queue freed, and
//! its stream ends with a `dropped` event, so one slow reader can neither hold up the engine nor
//! make the server's memory grow. At a stop the hub closes: every stream ends, and the
//! listener's graceful shutdown does not wait on open streams.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use switchboard_api::TailEvent;
use tokio::sync::mpsc;

/// Events a subscriber may have waiting before it counts as too slow.
pub const DEFAULT_BUFFER: usize = 256;

/// One event as it goes out: its SSE name and its data, serialised once for every subscriber.
#[derive(Debug)]
pub struct Message {
    pub event: &'static str,
    pub data: String,
}

struct Subscriber {
    tx: mpsc::Sender<Arc<Message>>,
    dropped: Arc<AtomicBool>,
}

/// What a stream reads: its queue, and whether the hub dropped it for falling behind.
pub struct Subscription {
    pub rx: mpsc::Receiver<Arc<Message>>,
    pub dropped: Arc<AtomicBool>,
}

pub struct Hub {
    subscribers: Mutex<Vec<Subscriber>>,
    closed: AtomicBool,
    buffer: usize,
}

impl Hub {
    pub fn new(buffer: usize) -> Hub {
        Hub {
            subscribers: Mutex::new(Vec::new()),
            closed: AtomicBool::new(false),
            buffer: buffer.max(1),
        }
    }

    /// A new subscriber, or `None` once the hub is closed (the server is stopping).
    pub fn subscribe(&self) -> Option<Subscription> {
        let mut subs = self.subscribers.lock().unwrap_or_else(|p| p.into_inner());
        if self.closed.load(Ordering::SeqCst) {
            return None;
        }
        let (tx, rx) = mpsc::channel(self.buffer);
        let dropped = Arc::new(AtomicBool::new(false));
        subs.push(Subscriber {
            tx,
            dropped: dropped.clone(),
        });
        Some(Subscription { rx, dropped })
    }

    /// Whether anyone listens; publishers skip building events otherwise.
    pub fn has_subscribers(&self) -> bool {
        !self
            .subscribers
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .is_empty()
    }

    pub fn subscriber_count(&self) -> usize {
        self.subscribers
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .len()
    }

    /// Hands `event` to every subscriber without waiting; drops those whose queue is full and
    /// forgets those that went away.
    pub fn publish(&self, name: &'static str, event: &TailEvent) {
        let mut subs = self.subscribers.lock().unwrap_or_else(|p| p.into_inner());
        if subs.is_empty() {
            return;
        }
        let Ok(data) = serde_json::to_string(event) else {
            return;
        };
        let message = Arc::new(Message { event: name, data });
        subs.retain(|s| match s.tx.try_send(message.clone()) {
            Ok(()) => true,
            Err(mpsc::error::TrySendError::Full(_)) => {
                s.dropped.store(true, Ordering::SeqCst);
                tracing::info!("live tail: a subscriber fell behind and was dropped");
                false
            }
            Err(mpsc::error::TrySendError::Closed(_)) => false,
        });
    }

    /// Ends every stream and refuses new ones.
    pub fn close(&self) {
        let mut subs = self.subscribers.lock().unwrap_or_else(|p| p.into_inner());
        self.closed.store(true, Ordering::SeqCst);
        subs.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use switchboard_api::{tail_event, Delivery, DeliveryStatus, Id};

    fn event() -> TailEvent {
        TailEvent {
            delivery: Delivery {
                id: Id("msg_1".into()),
                webhook_id: Id("wh_1".into()),
                event_type: "order_confirm".into(),
                event_id: None,
                status: DeliveryStatus::Pending,
                attempt_count: 0,
                next_attempt_at: None,
                last_attempt_at: None,
                response_status: None,
                created_at: None,
                payload: serde_json::Value::Null,
                attempts: Vec::new(),
            },
            attempt: None,
        }
    }

    #[test]
    fn a_full_queue_drops_its_subscriber_and_only_it() {
        let hub = Hub::new(2);
        let mut slow = hub.subscribe().unwrap();
        let mut quick = hub.subscribe().unwrap();
        for _ in 0..2 {
            hub.publish(tail_event::DELIVERY, &event());
            assert!(quick.rx.try_recv().is_ok());
        }
        assert_eq!(hub.subscriber_count(), 2);
        hub.publish(tail_event::DELIVERY, &event());
        assert_eq!(hub.subscriber_count(), 1);
        assert!(slow.dropped.load(Ordering::SeqCst));
        assert!(!quick.dropped.load(Ordering::SeqCst));
        // The slow one still reads what it had, then its queue ends.
        assert!(slow.rx.try_recv().is_ok());
        assert!(slow.rx.try_recv().is_ok());
        assert!(matches!(
            slow.rx.try_recv(),
            Err(mpsc::error::TryRecvError::Disconnected)
        ));
        assert!(quick.rx.try_recv().is_ok());
    }

    #[test]
    fn a_closed_hub_ends_every_stream_and_takes_no_new_one() {
        let hub = Hub::new(4);
        let mut sub = hub.subscribe().unwrap();
        hub.close();
        assert!(matches!(
            sub.rx.try_recv(),
            Err(mpsc::error::TryRecvError::Disconnected)
        ));
        assert!(!sub.dropped.load(Ordering::SeqCst));
        assert!(hub.subscribe().is_none());
    }
}
