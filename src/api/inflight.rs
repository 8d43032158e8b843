//! The requests in flight right now: what the progress notice shows and what its Cancel aborts.
//!
//! One registry per page (the console is single-threaded wasm), so the transport can register
//! a request without any component handing it a context, and one notice can cancel them all.

use leptos::prelude::*;
use std::cell::{Cell, RefCell};
use std::rc::Rc;

/// One request as the notice sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct InFlight {
    pub id: u64,
    /// `GET /webhooks`: shown to the user, so it carries the path only, never a header.
    pub label: String,
    /// `Date.now()` when the request started.
    pub started_ms: f64,
    /// Set while the request waits out a `Retry-After` before its one retry.
    pub waiting_until_ms: Option<f64>,
    /// The status that asked for the wait (429 or 503).
    pub waiting_status: Option<u16>,
}

struct Entry {
    info: InFlight,
    controller: Option<web_sys::AbortController>,
    cancelled: Rc<Cell<bool>>,
}

#[derive(Default)]
struct Registry {
    next_id: u64,
    entries: Vec<Entry>,
    version: Option<ArcRwSignal<u64>>,
}

thread_local! {
    static REGISTRY: RefCell<Registry> = RefCell::new(Registry::default());
}

fn bump() {
    let signal = REGISTRY.with(|r| r.borrow().version.clone());
    if let Some(signal) = signal {
        // The registry is never borrowed here, so effects that run from this may read it.
        signal.try_update(|v| *v = v.wrapping_add(1));
    }
}

/// A signal that changes whenever a request starts, waits or ends.
pub fn version() -> ArcRwSignal<u64> {
    REGISTRY.with(|r| {
        r.borrow_mut()
            .version
            .get_or_insert_with(|| ArcRwSignal::new(0))
            .clone()
    })
}

/// Everything in flight, oldest first.
pub fn snapshot() -> Vec<InFlight> {
    REGISTRY.with(|r| r.borrow().entries.iter().map(|e| e.info.clone()).collect())
}

/// Aborts every request in flight; each one ends with `ApiError::Aborted`.
pub fn cancel_all() {
    let controllers: Vec<_> = REGISTRY.with(|r| {
        r.borrow()
            .entries
            .iter()
            .map(|e| {
                e.cancelled.set(true);
                e.controller.clone()
            })
            .collect()
    });
    for c in controllers.into_iter().flatten() {
        c.abort();
    }
    bump();
}

/// A registered request; dropping it (however the request ends) takes it off the list.
pub struct Ticket {
    id: u64,
    cancelled: Rc<Cell<bool>>,
}

impl Ticket {
    pub fn new(label: String, controller: Option<web_sys::AbortController>) -> Ticket {
        let cancelled = Rc::new(Cell::new(false));
        let id = REGISTRY.with(|r| {
            let mut r = r.borrow_mut();
            r.next_id += 1;
            let id = r.next_id;
            r.entries.push(Entry {
                info: InFlight {
                    id,
                    label,
                    started_ms: js_sys::Date::now(),
                    waiting_until_ms: None,
                    waiting_status: None,
                },
                controller,
                cancelled: cancelled.clone(),
            });
            id
        });
        bump();
        Ticket { id, cancelled }
    }

    /// Whether the user cancelled this request.
    pub fn cancelled(&self) -> bool {
        self.cancelled.get()
    }

    /// Marks the request as waiting `seconds` because the server answered `status`.
    pub fn wait(&self, status: u16, seconds: u32) {
        let until = js_sys::Date::now() + f64::from(seconds) * 1000.0;
        self.update(|i| {
            i.waiting_until_ms = Some(until);
            i.waiting_status = Some(status);
        });
    }

    /// The wait is over; the request is being sent again.
    pub fn resume(&self, controller: Option<web_sys::AbortController>) {
        REGISTRY.with(|r| {
            if let Some(e) = r
                .borrow_mut()
                .entries
                .iter_mut()
                .find(|e| e.info.id == self.id)
            {
                e.info.waiting_until_ms = None;
                e.info.waiting_status = None;
                e.controller = controller;
            }
        });
        bump();
    }

    fn update(&self, f: impl FnOnce(&mut InFlight)) {
        REGISTRY.with(|r| {
            if let Some(e) = r
                .borrow_mut()
                .entries
                .iter_mut()
                .find(|e| e.info.id == self.id)
            {
                f(&mut e.info);
            }
        });
        bump();
    }
}

impl Drop for Ticket {
    /// A request whose future is dropped before it ends (its page closed, a newer read
    /// replaced it) is aborted, so the browser stops downloading what nobody will read. After
    /// an answer has been read whole, the abort does nothing.
    fn drop(&mut self) {
        let controller = REGISTRY.with(|r| {
            let mut r = r.borrow_mut();
            let at = r.entries.iter().position(|e| e.info.id == self.id)?;
            r.entries.remove(at).controller
        });
        if let Some(c) = controller {
            c.abort();
        }
        bump();
    }
}

/// What the notice says about the oldest request that has waited long enough to mention.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// Nothing worth saying yet.
    Quiet,
    /// Waiting this many whole seconds for an answer.
    Slow { seconds: u32, count: usize },
    /// The server asked to wait; the request is sent again in this many seconds.
    RateLimited { status: u16, seconds_left: u32 },
}

/// Requests younger than this are normal; the notice would only flicker.
pub const SLOW_AFTER_MS: f64 = 1_000.0;

/// Pure: what to show for `entries` at `now_ms`. A server-imposed wait wins over slowness,
/// because it is the thing the user can least explain.
pub fn notice(entries: &[InFlight], now_ms: f64) -> Notice {
    if let Some((until, status)) = entries
        .iter()
        .filter_map(|e| Some((e.waiting_until_ms?, e.waiting_status.unwrap_or(429))))
        .max_by(|a, b| a.0.total_cmp(&b.0))
    {
        let left = ((until - now_ms) / 1000.0).ceil().max(0.0) as u32;
        return Notice::RateLimited {
            status,
            seconds_left: left,
        };
    }
    let slow: Vec<&InFlight> = entries
        .iter()
        .filter(|e| now_ms - e.started_ms >= SLOW_AFTER_MS)
        .collect();
    match slow
        .iter()
        .map(|e| e.started_ms)
        .min_by(|a, b| a.total_cmp(b))
    {
        Some(oldest) => Notice::Slow {
            seconds: ((now_ms - oldest) / 1000.0).floor() as u32,
            count: slow.len(),
        },
        None => Notice::Quiet,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(id: u64, started: f64) -> InFlight {
        InFlight {
            id,
            label: format!("GET /x{id}"),
            started_ms: started,
            waiting_until_ms: None,
            waiting_status: None,
        }
    }

    #[test]
    fn young_requests_are_quiet() {
        assert_eq!(notice(&[], 5_000.0), Notice::Quiet);
        assert_eq!(notice(&[entry(1, 4_500.0)], 5_000.0), Notice::Quiet);
    }

    #[test]
    fn slow_counts_only_the_slow_and_times_the_oldest() {
        let n = notice(
            &[entry(1, 1_000.0), entry(2, 3_500.0), entry(3, 9_800.0)],
            10_000.0,
        );
        assert_eq!(
            n,
            Notice::Slow {
                seconds: 9,
                count: 2
            }
        );
    }

    #[test]
    fn a_server_wait_wins_and_counts_down() {
        let mut waiting = entry(2, 9_000.0);
        waiting.waiting_until_ms = Some(12_100.0);
        waiting.waiting_status = Some(503);
        let n = notice(&[entry(1, 0.0), waiting.clone()], 10_000.0);
        assert_eq!(
            n,
            Notice::RateLimited {
                status: 503,
                seconds_left: 3
            }
        );
        // Past the deadline it never goes negative.
        let n = notice(&[waiting], 20_000.0);
        assert_eq!(
            n,
            Notice::RateLimited {
                status: 503,
                seconds_left: 0
            }
        );
    }
}
