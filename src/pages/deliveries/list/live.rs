//! "Live" on the delivery history: new deliveries and attempt outcomes from the backend's tail
//! stream, applied to the rows in batches so a burst never freezes the tab.
//!
//! Events are collected as they arrive and applied every [`FLUSH_MS`] in one update of the rows;
//! at most [`ROW_CAP`] rows are kept while live (older ones are let go, and the list says so).
//! Paused, events wait in a buffer of at most [`PAUSE_CAP`]; past it they are dropped and the
//! list is read again on resume. A stream that ends is opened again after a short wait, and
//! the list is read again then, since deliveries may have happened meanwhile.

use super::super::Filters;
use super::feed::Feed;
use crate::api::tail::{Tail, TailEnd, TailMessage};
use crate::state::{use_live_backend, LiveBackend};
use leptos::prelude::*;
use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::rc::Rc;
use std::time::Duration;
use switchboard_api::{Delivery, TailEvent};

/// How often collected events are applied to the rows.
pub const FLUSH_MS: u64 = 250;
/// Rows kept while live.
pub const ROW_CAP: usize = 500;
/// Events kept while paused.
pub const PAUSE_CAP: usize = 1000;
/// The wait before a stream that ended is opened again.
const RECONNECT_MS: u64 = 2000;

/// Whether a delivery the list does not show yet belongs in it under `filters`.
pub fn matches(filters: &Filters, d: &Delivery, now_ms: i64) -> bool {
    if filters
        .webhook_id
        .as_ref()
        .is_some_and(|w| *w != d.webhook_id.0)
    {
        return false;
    }
    if filters
        .event_type
        .as_ref()
        .is_some_and(|e| *e != d.event_type)
    {
        return false;
    }
    if filters.status.is_some_and(|s| s != d.status) {
        return false;
    }
    if let (Some(range), Some(created)) = (&filters.range, d.created_at) {
        let (since, until) = range.bounds(now_ms);
        if since.is_some_and(|s| created < s) || until.is_some_and(|u| created >= u) {
            return false;
        }
    }
    true
}

/// Applies `events` in order: a delivery shown already takes its new state (its payload stays,
/// the tail sends none); a new one that matches the filters goes on top. Keeps at most `cap`
/// rows, letting the oldest go; true when it did.
pub fn merge(
    rows: &mut Vec<Delivery>,
    seen: &mut HashSet<String>,
    events: Vec<TailEvent>,
    filters: &Filters,
    now_ms: i64,
    cap: usize,
) -> bool {
    let mut at: HashMap<String, usize> = rows
        .iter()
        .enumerate()
        .map(|(i, d)| (d.id.0.clone(), i))
        .collect();
    // New rows, oldest first; they go on top newest first.
    let mut fresh: Vec<Delivery> = Vec::new();
    let mut fresh_at: HashMap<String, usize> = HashMap::new();
    for e in events {
        let d = e.delivery;
        let id = d.id.0.clone();
        let target = if let Some(&i) = at.get(&id) {
            rows.get_mut(i)
        } else if let Some(&i) = fresh_at.get(&id) {
            fresh.get_mut(i)
        } else {
            None
        };
        match target {
            Some(row) => {
                row.status = d.status;
                row.attempt_count = d.attempt_count;
                row.next_attempt_at = d.next_attempt_at;
                row.last_attempt_at = d.last_attempt_at;
                row.response_status = d.response_status;
            }
            None if !seen.contains(&id) && matches(filters, &d, now_ms) => {
                seen.insert(id.clone());
                fresh_at.insert(id, fresh.len());
                fresh.push(d);
            }
            None => {}
        }
    }
    if !fresh.is_empty() {
        fresh.reverse();
        let old = std::mem::take(rows);
        *rows = fresh;
        rows.extend(old);
        at.clear();
    }
    if rows.len() <= cap {
        return false;
    }
    for d in rows.drain(cap..) {
        seen.remove(&d.id.0);
    }
    true
}

/// How the live stream is doing.
#[derive(Debug, Clone, PartialEq)]
pub enum LiveStatus {
    Off,
    Connecting,
    Live,
    /// It ended; it is opened again shortly. The text says why.
    Reconnecting(String),
    /// The backend refused it (HTTP status).
    Refused(u16),
}

/// The Live switch's state and controls, shared by the page's header and its status line.
#[derive(Clone, Copy)]
pub struct Live {
    pub on: RwSignal<bool>,
    pub paused: RwSignal<bool>,
    pub status: RwSignal<LiveStatus>,
    /// Events waiting while paused.
    pub waiting: RwSignal<usize>,
    /// Older rows were let go to stay within the cap.
    pub trimmed: RwSignal<bool>,
}

/// What the running stream keeps between callbacks (browser-only, one thread).
#[derive(Default)]
struct Running {
    tail: Option<Tail>,
    buffer: Vec<TailEvent>,
    /// The buffer overflowed or the server dropped us: read the list again.
    missed: bool,
    /// A stream was open before: a new `ready` means events may have been missed meanwhile.
    was_open: bool,
    /// Bumped on every start and stop, so callbacks of an old stream change nothing.
    generation: u64,
}

/// Starts and stops the stream as `on` changes, applying events to `feed`.
pub fn use_live(feed: Feed, filters: Memo<Filters>) -> Live {
    let live = Live {
        on: RwSignal::new(false),
        paused: RwSignal::new(false),
        status: RwSignal::new(LiveStatus::Off),
        waiting: RwSignal::new(0),
        trimmed: RwSignal::new(false),
    };
    let running: Rc<RefCell<Running>> = Rc::default();
    let backend = use_live_backend();

    // The flush: every FLUSH_MS, what came in is applied in one update.
    {
        let running = running.clone();
        if let Ok(tick) = set_interval_with_handle(
            move || {
                if !live.on.get_untracked() {
                    return;
                }
                let mut r = running.borrow_mut();
                if live.paused.get_untracked() {
                    live.waiting.set(r.buffer.len());
                    return;
                }
                if r.missed {
                    r.missed = false;
                    r.buffer.clear();
                    drop(r);
                    live.waiting.set(0);
                    feed.reload();
                    return;
                }
                if r.buffer.is_empty() {
                    return;
                }
                let events = std::mem::take(&mut r.buffer);
                drop(r);
                live.waiting.set(0);
                if feed.apply_live(events, &filters.get_untracked(), ROW_CAP) {
                    live.trimmed.set(true);
                }
            },
            Duration::from_millis(FLUSH_MS),
        ) {
            on_cleanup(move || tick.clear());
        }
    }

    let start: Rc<dyn Fn()> = {
        let running = running.clone();
        Rc::new(move || open(backend, live, running.clone()))
    };
    // Leaving the page aborts the stream: its task holds `running`, so only this ends it.
    let kept = StoredValue::new_local(running.clone());
    on_cleanup(move || {
        let _ = kept.try_with_value(|r| {
            let mut r = r.borrow_mut();
            r.generation += 1;
            r.tail = None;
        });
    });
    let stopping = running.clone();
    Effect::new(move |_| {
        if live.on.get() {
            start();
        } else {
            let mut r = stopping.borrow_mut();
            r.generation += 1;
            r.tail = None;
            r.buffer.clear();
            r.was_open = false;
            r.missed = false;
            drop(r);
            live.paused.set(false);
            live.waiting.set(0);
            live.status.set(LiveStatus::Off);
        }
    });
    // Another filter reloads the list; what was collected for the old one is stale.
    Effect::new({
        let running = running.clone();
        move |_| {
            filters.track();
            running.borrow_mut().buffer.clear();
            live.trimmed.set(false);
        }
    });
    live
}

/// Opens the stream (again); its callbacks check the generation they were made for.
fn open(backend: LiveBackend, live: Live, running: Rc<RefCell<Running>>) {
    let generation = {
        let mut r = running.borrow_mut();
        r.generation += 1;
        r.generation
    };
    live.status.set(LiveStatus::Connecting);
    let on_message = {
        let running = running.clone();
        move |m: TailMessage| {
            let mut r = running.borrow_mut();
            if r.generation != generation {
                return;
            }
            match m {
                TailMessage::Ready => {
                    if r.was_open {
                        r.missed = true;
                    }
                    r.was_open = true;
                    live.status.set(LiveStatus::Live);
                }
                TailMessage::Event(e) => {
                    if r.buffer.len() >= PAUSE_CAP {
                        r.missed = true;
                        r.buffer.clear();
                    } else {
                        r.buffer.push(*e);
                    }
                }
                TailMessage::Dropped => r.missed = true,
            }
        }
    };
    let on_end = {
        let running = running.clone();
        move |end: TailEnd| {
            if running.borrow().generation != generation || !live.on.get_untracked() {
                return;
            }
            match end {
                TailEnd::Refused(status) => live.status.set(LiveStatus::Refused(status)),
                TailEnd::Closed(why) => {
                    live.status.set(LiveStatus::Reconnecting(why));
                    let running = running.clone();
                    leptos::task::spawn_local(async move {
                        gloo_timers::future::TimeoutFuture::new(RECONNECT_MS as u32).await;
                        if running.borrow().generation == generation && live.on.get_untracked() {
                            open(backend, live, running);
                        }
                    });
                }
            }
        }
    };
    let tail = Tail::open(&backend.now(), on_message, on_end);
    running.borrow_mut().tail = Some(tail);
}

/// The Live and Pause switches and what the stream is doing.
#[component]
pub fn LiveControls(live: Live) -> impl IntoView {
    let Live {
        on,
        paused,
        status,
        waiting,
        trimmed,
    } = live;
    let status_text = move || match status.get() {
        LiveStatus::Off => String::new(),
        LiveStatus::Connecting => "Connecting…".into(),
        LiveStatus::Live if paused.get() => match waiting.get() {
            0 => "Paused".into(),
            1 => "Paused · 1 update waiting".into(),
            n => format!("Paused · {n} updates waiting"),
        },
        LiveStatus::Live => "Live: new deliveries appear as they happen".into(),
        LiveStatus::Reconnecting(why) => format!("The stream ended ({why}); reconnecting…"),
        LiveStatus::Refused(s) => format!("The backend refused the live stream (HTTP {s})."),
    };
    view! {
        <div class="live-controls">
            <button type="button" class="button" class:live-on=move || on.get()
                aria-pressed=move || on.get().to_string()
                data-testid="live-toggle"
                on:click=move |_| on.update(|v| *v = !*v)>
                <span class="live-dot" aria-hidden="true"></span>
                "Live"
            </button>
            {move || on.get().then(|| view! {
                <button type="button" class="button" data-testid="live-pause"
                    aria-pressed=move || paused.get().to_string()
                    on:click=move |_| paused.update(|p| *p = !*p)>
                    {move || if paused.get() { "Resume" } else { "Pause" }}
                </button>
            })}
        </div>
        <p class="live-status muted" role="status" aria-live="polite" data-testid="live-status"
            data-state=move || match status.get() {
                LiveStatus::Off => "off",
                LiveStatus::Connecting => "connecting",
                LiveStatus::Live if paused.get() => "paused",
                LiveStatus::Live => "live",
                LiveStatus::Reconnecting(_) => "reconnecting",
                LiveStatus::Refused(_) => "refused",
            }>
            {status_text}
            {move || (on.get() && trimmed.get()).then(|| format!(
                " · showing the newest {ROW_CAP}; turn Live off and Refresh to page through older ones"
            ))}
        </p>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use switchboard_api::{DeliveryStatus, Id, Timestamp};

    fn d(id: &str, webhook: &str, status: DeliveryStatus) -> Delivery {
        Delivery {
            id: Id(id.into()),
            webhook_id: Id(webhook.into()),
            event_type: "order_confirm".into(),
            event_id: None,
            status,
            attempt_count: 0,
            next_attempt_at: None,
            last_attempt_at: None,
            response_status: None,
            created_at: Timestamp::from_unix_millis(1_000),
            payload: serde_json::json!({"kept": true}),
            attempts: Vec::new(),
        }
    }

    fn ev(d: Delivery) -> TailEvent {
        TailEvent {
            delivery: Delivery {
                payload: serde_json::Value::Null,
                ..d
            },
            attempt: None,
        }
    }

    fn ids(rows: &[Delivery]) -> Vec<&str> {
        rows.iter().map(|d| d.id.0.as_str()).collect()
    }

    #[test]
    fn new_deliveries_go_on_top_and_known_ones_change_in_place() {
        let mut rows = vec![d("a", "w1", DeliveryStatus::Pending)];
        let mut seen: HashSet<String> = ["a".to_string()].into();
        let mut done = d("a", "w1", DeliveryStatus::Failed);
        done.attempt_count = 1;
        done.response_status = Some(500);
        let events = vec![
            ev(d("b", "w1", DeliveryStatus::Pending)),
            ev(d("c", "w2", DeliveryStatus::Pending)),
            ev(done),
            ev(d("b", "w1", DeliveryStatus::Succeeded)),
        ];
        let trimmed = merge(&mut rows, &mut seen, events, &Filters::default(), 2_000, 10);
        assert!(!trimmed);
        assert_eq!(ids(&rows), ["c", "b", "a"]);
        assert_eq!(
            rows[1].status,
            DeliveryStatus::Succeeded,
            "the later event wins"
        );
        assert_eq!(rows[2].status, DeliveryStatus::Failed);
        assert_eq!(rows[2].response_status, Some(500));
        assert_eq!(rows[2].payload, serde_json::json!({"kept": true}));
    }

    #[test]
    fn filters_keep_others_out_and_the_cap_lets_the_oldest_go() {
        let filters = Filters {
            webhook_id: Some("w1".into()),
            ..Filters::default()
        };
        let mut rows = vec![d("old", "w1", DeliveryStatus::Failed)];
        let mut seen: HashSet<String> = ["old".to_string()].into();
        let events = (0..5)
            .map(|i| {
                ev(d(
                    &format!("n{i}"),
                    if i % 2 == 0 { "w1" } else { "w2" },
                    DeliveryStatus::Pending,
                ))
            })
            .collect();
        let trimmed = merge(&mut rows, &mut seen, events, &filters, 2_000, 3);
        assert!(trimmed);
        assert_eq!(ids(&rows), ["n4", "n2", "n0"]);
        assert!(
            !seen.contains("old"),
            "a row let go may come back with a page"
        );
    }
}
