//! The console's clock: one signal for the whole app that moves every few seconds, so that
//! relative times ("5 min ago") stay true on a page left open, without a timer per time shown.

use crate::format::now_ms;
use leptos::prelude::*;
use std::time::Duration;

/// How often relative times are brought up to date. Their finest step below a minute is
/// ten seconds ("just now", "10 s ago").
const TICK: Duration = Duration::from_secs(10);

/// The current time in Unix milliseconds, as of the last tick.
#[derive(Clone, Copy)]
pub struct Clock(ReadSignal<i64>);

impl Clock {
    /// The time as of the last tick; reading it in a reactive closure re-runs the closure
    /// on every tick.
    pub fn now(self) -> i64 {
        self.0.get()
    }
}

/// A clock that follows the given signal (a test sets its time).
impl From<ReadSignal<i64>> for Clock {
    fn from(now: ReadSignal<i64>) -> Self {
        Clock(now)
    }
}

/// Starts the app's clock.
pub fn provide_clock() {
    let (now, set_now) = signal(now_ms());
    set_interval(move || set_now.set(now_ms()), TICK);
    provide_context(Clock(now));
}

/// The app's clock; without one (a component mounted alone in a test) a clock that stands
/// at the moment it was asked for.
pub fn use_clock() -> Clock {
    use_context::<Clock>().unwrap_or_else(|| Clock(signal(now_ms()).0))
}
