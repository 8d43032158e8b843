//! `RequestProgress`: a notice that appears while the server is slow or has asked us to wait,
//! saying so, with a Cancel button that aborts what is in flight.

use crate::api::inflight::{self, Notice};
use leptos::prelude::*;

/// The sentence for a notice and its running count; `None` when there is nothing to say.
/// The count is kept apart because it changes every second and must not be re-announced.
pub fn notice_text(notice: &Notice) -> Option<(String, String)> {
    match notice {
        Notice::Quiet => None,
        Notice::Slow { seconds, count } => {
            let what = if *count == 1 {
                "a request".to_owned()
            } else {
                format!("{count} requests")
            };
            Some((
                format!("Waiting for the server to answer {what}…"),
                format!("{seconds} s so far"),
            ))
        }
        Notice::RateLimited {
            status,
            seconds_left,
        } => {
            let why = if *status == 503 {
                "The server is unavailable (503) and asked us to wait; trying again"
            } else {
                "The server is rate limiting (429 Too Many Requests) and asked us to wait; trying again"
            };
            Some((why.to_owned(), format!("in {seconds_left} s")))
        }
    }
}

#[component]
pub fn RequestProgress() -> impl IntoView {
    let version = inflight::version();
    let now = RwSignal::new(js_sys::Date::now());
    // Ticks only while something is in flight, so an idle console does no work.
    let ticker = StoredValue::new_local(None::<IntervalHandle>);
    let busy = Memo::new(move |_| {
        version.track();
        !inflight::snapshot().is_empty()
    });
    Effect::new(move |_| {
        if busy.get() {
            if ticker.with_value(|t| t.is_none()) {
                now.set(js_sys::Date::now());
                let handle = set_interval_with_handle(
                    move || {
                        now.try_set(js_sys::Date::now());
                    },
                    std::time::Duration::from_millis(250),
                )
                .ok();
                ticker.set_value(handle);
            }
        } else if let Some(t) = ticker.try_update_value(|t| t.take()).flatten() {
            t.clear();
        }
    });
    on_cleanup(move || {
        if let Some(t) = ticker.try_update_value(|t| t.take()).flatten() {
            t.clear();
        }
    });
    let version = inflight::version();
    let notice = Memo::new(move |_| {
        version.track();
        // The ticker may not have ticked since the request started: never count from the past.
        inflight::notice(&inflight::snapshot(), now.get().max(js_sys::Date::now()))
    });
    let kind = move || match notice.get() {
        Notice::Quiet => "quiet",
        Notice::Slow { .. } => "slow",
        Notice::RateLimited { .. } => "waiting",
    };
    // The live region is always in the DOM so that screen readers announce what appears in it.
    view! {
        <div class="request-progress" role="status" aria-live="polite" data-testid="request-progress"
            data-kind=kind class:active=move || notice.get() != Notice::Quiet>
            {move || notice_text(&notice.get()).map(|(text, count)| view! {
                <div class="request-progress-box">
                    <progress class="request-progress-bar" aria-label="Waiting for the server"></progress>
                    <span class="request-progress-text" data-testid="request-progress-text">
                        {text} " " <span class="request-progress-count" aria-hidden="true">{count}</span>
                    </span>
                    <button type="button" class="button small" data-testid="cancel-request"
                        on:click=move |_| inflight::cancel_all()>
                        "Cancel"
                    </button>
                </div>
            })}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notices_name_what_is_happening() {
        assert_eq!(notice_text(&Notice::Quiet), None);
        let (slow, count) = notice_text(&Notice::Slow {
            seconds: 4,
            count: 1,
        })
        .unwrap();
        assert!(slow.contains("a request"), "{slow}");
        assert_eq!(count, "4 s so far");
        let (many, _) = notice_text(&Notice::Slow {
            seconds: 2,
            count: 3,
        })
        .unwrap();
        assert!(many.contains("3 requests"), "{many}");
        let (limited, left) = notice_text(&Notice::RateLimited {
            status: 429,
            seconds_left: 5,
        })
        .unwrap();
        assert!(limited.contains("429"), "{limited}");
        assert_eq!(left, "in 5 s");
        let (busy, _) = notice_text(&Notice::RateLimited {
            status: 503,
            seconds_left: 1,
        })
        .unwrap();
        assert!(busy.contains("503"), "{busy}");
    }
}
