//! Dashboard: webhook counts, delivery health over the last 24 h, failures by error class,
//! recent failures, the webhooks failing longest. It refreshes when the backend's live tail
//! says an attempt ended (where it has `tail`), else it polls; with backoff after errors,
//! paused while the tab is hidden, and it says when it last refreshed.

use crate::api::tail::{Tail, TailMessage};
use crate::api::{encode_component, ApiError, Backend, DeliveryQuery};
use crate::components::{
    DeliveryStatusBadge, ErrorClassBars, ErrorPanel, RelativeTime, ResponseBadge, StatsChart,
};
use crate::format::now_ms;
use crate::pages::deliveries::{delivery_href, load_all_webhooks};
use crate::state::{use_connection, use_live_backend, ConnectionState, LiveBackend, Phase};
use leptos::prelude::*;
use leptos_router::components::A;
use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;
use switchboard_api::{Capabilities, Delivery, Feature, HealthOverview, StatsBucket, Webhook};

/// Refresh interval while all is well.
pub const POLL_MS: u32 = 15_000;
/// The longest wait between attempts after repeated errors.
pub const MAX_BACKOFF_MS: u32 = 5 * 60_000;
/// With the live tail, the timed refresh is only a fallback this far apart.
pub const STREAM_FALLBACK_MS: u32 = 5 * 60_000;
/// With the live tail, refreshes follow attempts at most this often, however many there are.
pub const STREAM_MIN_GAP_MS: u32 = 2_000;
/// The wait before a live tail that ended is opened again.
const TAIL_RECONNECT_MS: u32 = 5_000;
/// Stats requests in flight at once.
const STATS_CONCURRENCY: usize = 6;
/// How many failures and failing webhooks the lists show.
const LIST_LEN: usize = 8;

/// The wait before the next refresh after `failures` errors in a row: the normal interval when
/// all is well, doubling per error up to [`MAX_BACKOFF_MS`].
pub fn next_delay_ms(failures: u32) -> u32 {
    if failures == 0 {
        return POLL_MS;
    }
    let factor = 1u32.checked_shl(failures.min(16)).unwrap_or(u32::MAX);
    POLL_MS.saturating_mul(factor).min(MAX_BACKOFF_MS)
}

/// Adds up per-webhook buckets by start time, oldest first.
pub fn sum_buckets(series: &[Vec<StatsBucket>]) -> Vec<StatsBucket> {
    let mut by_start: BTreeMap<i64, StatsBucket> = BTreeMap::new();
    for b in series.iter().flatten() {
        let e = by_start
            .entry(b.start.unix_millis())
            .or_insert_with(|| StatsBucket {
                start: b.start,
                succeeded: 0,
                failed: 0,
            });
        e.succeeded = e.succeeded.saturating_add(b.succeeded);
        e.failed = e.failed.saturating_add(b.failed);
    }
    by_start.into_values().collect()
}

/// Percentage of successes, `None` when nothing was delivered.
pub fn success_rate(succeeded: u64, failed: u64) -> Option<f64> {
    let total = succeeded + failed;
    (total > 0).then(|| succeeded as f64 * 100.0 / total as f64)
}

/// "99.5%", "100%", "—".
pub fn format_rate(rate: Option<f64>) -> String {
    match rate {
        None => "—".into(),
        Some(r) if r >= 99.95 => "100%".into(),
        Some(r) if r.fract().abs() < 0.05 => format!("{r:.0}%"),
        Some(r) => format!("{r:.1}%"),
    }
}

/// Webhooks with consecutive failures, most first.
pub fn most_failing(webhooks: &[Webhook], n: usize) -> Vec<Webhook> {
    let mut v: Vec<Webhook> = webhooks
        .iter()
        .filter(|w| w.failure_count > 0)
        .cloned()
        .collect();
    v.sort_by(|a, b| {
        b.failure_count
            .cmp(&a.failure_count)
            .then_with(|| a.name.cmp(&b.name))
    });
    v.truncate(n);
    v
}

/// "updated just now", "updated 12 s ago", "updated 3 min ago".
pub fn updated_text(now_ms: i64, at_ms: i64) -> String {
    let secs = ((now_ms - at_ms) / 1000).max(0);
    match secs {
        0..=2 => "Updated just now".into(),
        3..=59 => format!("Updated {secs} s ago"),
        _ => format!("Updated {} min ago", secs / 60),
    }
}

#[derive(Debug, Clone, PartialEq)]
struct DashData {
    active: usize,
    inactive: usize,
    /// `None` when the backend has no stats.
    buckets: Option<Vec<StatsBucket>>,
    /// `None` when the backend keeps no delivery history.
    failures: Option<Vec<Delivery>>,
    failing: Vec<Webhook>,
    names: HashMap<String, String>,
    /// Failures by error class; `None` when the backend has no health figures.
    classes: Option<HealthOverview>,
}

async fn load(backend: &impl Backend, caps: &Capabilities) -> Result<DashData, ApiError> {
    let webhooks = load_all_webhooks(backend).await?;
    let active = webhooks.iter().filter(|w| w.is_active).count();
    let buckets = if caps.has(Feature::Stats) {
        let mut series = Vec::with_capacity(webhooks.len());
        for chunk in webhooks.chunks(STATS_CONCURRENCY) {
            let results = futures::future::join_all(
                chunk
                    .iter()
                    .map(|w| backend.stats(w.id.as_str(), "24h", "1h")),
            )
            .await;
            for r in results {
                match r {
                    Ok(s) => series.push(s.buckets),
                    // A token that stopped working fails the whole refresh; a webhook deleted
                    // meanwhile just drops out of the sum.
                    Err(e) if e.is_unauthorised() => return Err(e),
                    Err(_) => {}
                }
            }
        }
        Some(sum_buckets(&series))
    } else {
        None
    };
    let failures = if caps.has(Feature::Deliveries) {
        let q = DeliveryQuery {
            status: Some("failed".into()),
            limit: Some(LIST_LEN as u32),
            ..Default::default()
        };
        Some(backend.list_deliveries(&q).await?.items)
    } else {
        None
    };
    let classes = if caps.has(Feature::Health) {
        Some(backend.health_overview("24h").await?)
    } else {
        None
    };
    let names = webhooks
        .iter()
        .map(|w| {
            (
                w.id.0.clone(),
                if w.name.trim().is_empty() {
                    w.url.clone()
                } else {
                    w.name.clone()
                },
            )
        })
        .collect();
    Ok(DashData {
        active,
        inactive: webhooks.len() - active,
        buckets,
        failures,
        failing: most_failing(&webhooks, LIST_LEN),
        names,
        classes,
    })
}

fn page_hidden() -> bool {
    web_sys::window()
        .and_then(|w| w.document())
        .map(|d| d.hidden())
        .unwrap_or(false)
}

/// What the dashboard's refresh loop writes.
#[derive(Clone, Copy)]
struct Poller {
    data: RwSignal<Option<DashData>>,
    error: RwSignal<Option<ApiError>>,
    updated_at: RwSignal<Option<i64>>,
    refreshing: RwSignal<bool>,
    paused: RwSignal<bool>,
}

/// Refreshes the dashboard until `alive` turns false: every [`POLL_MS`], backing off after
/// errors, paused while the tab is hidden, at once when `wake` is set, and after a refused
/// token only once a reconnect has happened.
async fn poll(
    p: Poller,
    conn: ConnectionState,
    backend: LiveBackend,
    alive: Arc<AtomicBool>,
    wake: Arc<AtomicBool>,
    stream: StreamFlags,
) {
    let Poller {
        data,
        error,
        updated_at,
        refreshing,
        paused,
    } = p;
    let mut failures = 0u32;
    loop {
        if !alive.load(Ordering::Relaxed) {
            return;
        }
        if page_hidden() {
            paused.try_set(true);
            gloo_timers::future::TimeoutFuture::new(500).await;
            continue;
        }
        paused.try_set(false);
        refreshing.try_set(true);
        // Read each time: a reconnect may have brought another backend.
        let caps = conn.capabilities().unwrap_or_else(Capabilities::core);
        let result = load(&backend.now(), &caps).await;
        if !alive.load(Ordering::Relaxed) {
            return;
        }
        refreshing.try_set(false);
        match result {
            Ok(d) => {
                failures = 0;
                data.try_set(Some(d));
                error.try_set(None);
                updated_at.try_set(Some(now_ms()));
            }
            Err(e) => {
                failures = failures.saturating_add(1);
                let refused = e.is_unauthorised();
                error.try_set(Some(e));
                if refused {
                    // The token was refused: wait for a reconnect (in place or through
                    // Settings), then carry on with the new token.
                    loop {
                        gloo_timers::future::TimeoutFuture::new(500).await;
                        if !alive.load(Ordering::Relaxed) {
                            return;
                        }
                        if conn
                            .phase
                            .try_with_untracked(|p| matches!(p, Phase::Connected(_)))
                            .unwrap_or(false)
                        {
                            break;
                        }
                    }
                    failures = 0;
                    continue;
                }
            }
        }
        // Count down in small steps: a hidden tab stops the clock, a click cuts it short, and
        // with the live tail an attempt that ended does too (at most every few seconds).
        let streaming = stream.open.load(Ordering::Relaxed) && failures == 0;
        let delay = if streaming {
            STREAM_FALLBACK_MS
        } else {
            next_delay_ms(failures)
        };
        let mut waited = 0u32;
        while waited < delay {
            gloo_timers::future::TimeoutFuture::new(500).await;
            if !alive.load(Ordering::Relaxed) {
                return;
            }
            if wake.swap(false, Ordering::Relaxed) {
                break;
            }
            if waited + 500 >= STREAM_MIN_GAP_MS && stream.changed.swap(false, Ordering::Relaxed) {
                break;
            }
            if page_hidden() {
                paused.try_set(true);
            } else {
                paused.try_set(false);
                waited += 500;
            }
        }
    }
}

/// What the live tail tells the refresh loop: whether it is open, and whether an attempt
/// ended since the last refresh.
#[derive(Clone, Default)]
struct StreamFlags {
    open: Arc<AtomicBool>,
    changed: Arc<AtomicBool>,
}

/// Follows the live tail while `alive`, opening it again after it ends.
fn follow_tail(
    backend: LiveBackend,
    flags: StreamFlags,
    alive: Arc<AtomicBool>,
    holder: std::rc::Rc<std::cell::RefCell<Option<Tail>>>,
) {
    if !alive.load(Ordering::Relaxed) {
        return;
    }
    let on_message = {
        let flags = flags.clone();
        move |m: TailMessage| match m {
            TailMessage::Ready => flags.open.store(true, Ordering::Relaxed),
            TailMessage::Event(e) if e.attempt.is_some() => {
                flags.changed.store(true, Ordering::Relaxed)
            }
            TailMessage::Event(_) => {}
            // Fell behind: what it missed is in the next refresh.
            TailMessage::Dropped => flags.changed.store(true, Ordering::Relaxed),
        }
    };
    let on_end = {
        let (flags, alive, holder) = (flags.clone(), alive.clone(), holder.clone());
        move |_| {
            flags.open.store(false, Ordering::Relaxed);
            flags.changed.store(true, Ordering::Relaxed);
            leptos::task::spawn_local(async move {
                gloo_timers::future::TimeoutFuture::new(TAIL_RECONNECT_MS).await;
                follow_tail(backend, flags, alive, holder);
            });
        }
    };
    let tail = Tail::open(&backend.now(), on_message, on_end);
    *holder.borrow_mut() = Some(tail);
}

#[component]
pub fn DashboardPage() -> impl IntoView {
    let conn = use_connection();
    let data = RwSignal::new(None::<DashData>);
    let error = RwSignal::new(None::<ApiError>);
    let updated_at = RwSignal::new(None::<i64>);
    let refreshing = RwSignal::new(false);
    let paused = RwSignal::new(false);
    let clock = RwSignal::new(now_ms());
    let alive = Arc::new(AtomicBool::new(true));
    let wake = Arc::new(AtomicBool::new(false));

    if let Ok(tick) = set_interval_with_handle(
        move || {
            clock.try_set(now_ms());
        },
        Duration::from_secs(1),
    ) {
        on_cleanup(move || tick.clear());
    }
    {
        let alive = alive.clone();
        on_cleanup(move || alive.store(false, Ordering::Relaxed));
    }

    let stream = StreamFlags::default();
    if conn.has(Feature::Tail) {
        let holder: std::rc::Rc<std::cell::RefCell<Option<Tail>>> = Default::default();
        follow_tail(
            use_live_backend(),
            stream.clone(),
            alive.clone(),
            holder.clone(),
        );
        // Leaving the page aborts the stream (its task holds the holder, so only this ends it).
        let kept = StoredValue::new_local(holder);
        on_cleanup(move || {
            let _ = kept.try_with_value(|h| drop(h.borrow_mut().take()));
        });
    }
    leptos::task::spawn_local(poll(
        Poller {
            data,
            error,
            updated_at,
            refreshing,
            paused,
        },
        conn,
        use_live_backend(),
        alive.clone(),
        wake.clone(),
        stream,
    ));

    let refresh_now = {
        let wake = wake.clone();
        move |_| wake.store(true, Ordering::Relaxed)
    };
    let meta = move || {
        let text = match updated_at.get() {
            Some(at) => updated_text(clock.get(), at),
            None => "Loading…".into(),
        };
        let stale = error.with(Option::is_some) || paused.get();
        view! {
            <span class=if stale { "dot stale" } else { "dot" } aria-hidden="true"></span>
            <span data-testid="dash-updated">{text}</span>
            {move || paused.get().then(|| view! { <span class="muted">" · paused while the tab is hidden"</span> })}
            {move || error.get().map(|_| view! { <span class="muted" data-testid="dash-backoff">" · retrying with backoff"</span> })}
        }
    };

    let body = move || {
        let Some(d) = data.get() else {
            return match error.get() {
                Some(e) => view! { <ErrorPanel error=e/> }.into_any(),
                None => view! {
                    <div class="grid" data-testid="dash-loading">
                        {(0..4).map(|_| view! { <div class="card"><span class="skeleton skeleton-title"></span><span class="skeleton skeleton-row"></span></div> }).collect_view()}
                    </div>
                }
                .into_any(),
            };
        };
        view! { <DashboardBody data=d/> }.into_any()
    };

    view! {
        <section class="page dashboard-page" data-testid="dashboard">
            <header class="page-header">
                <div>
                    <h1>"Dashboard"</h1>
                    <p>"Webhook health at a glance: the last 24 hours of deliveries."</p>
                </div>
                <div class="page-actions dash-meta" role="status" aria-live="polite">
                    {meta}
                    <button type="button" class="button small" data-testid="dash-refresh"
                        disabled=move || refreshing.get() on:click=refresh_now>
                        {move || if refreshing.get() { "Refreshing…" } else { "Refresh" }}
                    </button>
                </div>
            </header>
            {move || data.with(Option::is_some).then(|| error.get().map(|e| view! { <ErrorPanel error=e/> }))}
            {body}
        </section>
    }
}

#[component]
fn DashboardBody(
    /// The latest snapshot.
    data: DashData,
) -> impl IntoView {
    let total = data.active + data.inactive;
    let (ok, bad) = data
        .buckets
        .as_ref()
        .map(|b| {
            b.iter().fold((0u64, 0u64), |(o, f), x| {
                (o + u64::from(x.succeeded), f + u64::from(x.failed))
            })
        })
        .unwrap_or((0, 0));
    let rate = success_rate(ok, bad);
    let rate_class = match rate {
        Some(r) if r >= 95.0 => "stat-value good",
        Some(_) => "stat-value bad",
        None => "stat-value",
    };
    let has_stats = data.buckets.is_some();
    let buckets = data.buckets.clone().unwrap_or_default();
    let names = data.names.clone();
    if total == 0 {
        return view! {
            <div class="card empty-state" data-testid="dash-empty">
                <h2>"No webhooks yet"</h2>
                <p>"Create a webhook to start receiving events; its deliveries will show up here."</p>
                <A href="/webhooks/new" attr:class="button primary">"Create a webhook"</A>
            </div>
        }
        .into_any();
    }
    view! {
        <div class="grid">
            <A href="/webhooks?is_active=true" attr:class="card stat-card" attr:data-testid="dash-active">
                <span class="stat-label">"Active webhooks"</span>
                <span class="stat-value">{data.active}</span>
                <span class="stat-hint">{format!("of {total} in all")}</span>
            </A>
            <A href="/webhooks?is_active=false" attr:class="card stat-card" attr:data-testid="dash-inactive">
                <span class="stat-label">"Inactive webhooks"</span>
                <span class="stat-value">{data.inactive}</span>
                <span class="stat-hint">"not receiving events"</span>
            </A>
            <div class="card stat-card" data-testid="dash-deliveries">
                <span class="stat-label">"Deliveries, 24 h"</span>
                <span class="stat-value">{if has_stats { (ok + bad).to_string() } else { "—".into() }}</span>
                <span class="stat-hint">{if has_stats { format!("{ok} succeeded, {bad} failed") } else { "this backend has no stats".into() }}</span>
            </div>
            <div class="card stat-card" data-testid="dash-success-rate">
                <span class="stat-label">"Success rate, 24 h"</span>
                <span class=rate_class>{format_rate(rate)}</span>
                <span class="stat-hint">{match rate {
                    Some(r) if r >= 95.0 => "healthy",
                    Some(_) => "below 95%: look at the failures",
                    None => "nothing delivered",
                }}</span>
            </div>
        </div>
        {has_stats.then(|| view! {
            <section class="card" aria-labelledby="dash-chart-heading">
                <h2 id="dash-chart-heading">"Succeeded and failed per hour"</h2>
                <StatsChart buckets=Signal::derive(move || buckets.clone())/>
            </section>
        })}
        {data.classes.map(|o| {
            let hint = if o.failed == 0 {
                "no failed attempts".to_owned()
            } else {
                format!("{} of {} attempts failed", o.failed, o.attempts)
            };
            view! {
                <section class="card" aria-labelledby="dash-classes-heading" data-testid="dash-error-classes">
                    <div class="section-head">
                        <h2 id="dash-classes-heading">"Failures by error class, 24 h"</h2>
                        <span class="muted">{hint}</span>
                    </div>
                    <ErrorClassBars classes=o.error_classes label="Failed attempts by error class, all webhooks"/>
                </section>
            }
        })}
        <div class="dash-columns">
            {data.failures.map(|failures| {
                let names = names.clone();
                view! {
                    <section class="card" aria-labelledby="dash-failures-heading" data-testid="dash-failures">
                        <div class="section-head">
                            <h2 id="dash-failures-heading">"Recent failures"</h2>
                            <A href="/deliveries?status=failed">"All failures"</A>
                        </div>
                        {if failures.is_empty() {
                            view! { <p class="muted" data-testid="dash-no-failures">"No failed deliveries. All good."</p> }.into_any()
                        } else {
                            view! {
                                <ul class="dash-list">
                                    {failures.into_iter().map(|d| {
                                        let wname = names.get(&d.webhook_id.0).cloned().unwrap_or_else(|| d.webhook_id.0.clone());
                                        view! {
                                            <li data-testid="dash-failure">
                                                <DeliveryStatusBadge status=d.status/>
                                                <span class="grow">
                                                    <A href=delivery_href(&d.id.0) attr:class="mono">{d.event_type.clone()}</A>
                                                    <span class="muted">{format!(" → {wname}")}</span>
                                                </span>
                                                <ResponseBadge status=d.response_status/>
                                                <RelativeTime at=d.last_attempt_at.or(d.created_at)/>
                                            </li>
                                        }
                                    }).collect_view()}
                                </ul>
                            }.into_any()
                        }}
                    </section>
                }
            })}
            <section class="card" aria-labelledby="dash-failing-heading" data-testid="dash-failing">
                <h2 id="dash-failing-heading">"Failing webhooks"</h2>
                {if data.failing.is_empty() {
                    view! { <p class="muted">"No webhook is failing right now."</p> }.into_any()
                } else {
                    view! {
                        <ul class="dash-list">
                            {data.failing.into_iter().map(|w| {
                                let name = if w.name.trim().is_empty() { w.url.clone() } else { w.name.clone() };
                                view! {
                                    <li data-testid="dash-failing-webhook">
                                        <span class="grow">
                                            <A href=format!("/webhooks/{}", encode_component(&w.id.0))>{name}</A>
                                        </span>
                                        <span class="badge badge-failed">{if w.failure_count == 1 { "1 consecutive failure".to_owned() } else { format!("{} consecutive failures", w.failure_count) }}</span>
                                        <RelativeTime at=w.last_failure_at placeholder="—"/>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }}
            </section>
        </div>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;
    use switchboard_api::Timestamp;

    fn b(hour: i64, ok: u32, bad: u32) -> StatsBucket {
        StatsBucket {
            start: Timestamp::from_unix_millis(1_700_000_000_000 + hour * 3_600_000).unwrap(),
            succeeded: ok,
            failed: bad,
        }
    }

    #[test]
    fn backoff_doubles_and_caps() {
        assert_eq!(next_delay_ms(0), POLL_MS);
        assert_eq!(next_delay_ms(1), 2 * POLL_MS);
        assert_eq!(next_delay_ms(2), 4 * POLL_MS);
        assert_eq!(next_delay_ms(5), MAX_BACKOFF_MS);
        assert_eq!(next_delay_ms(u32::MAX), MAX_BACKOFF_MS);
    }

    #[test]
    fn buckets_add_up_by_hour() {
        let sum = sum_buckets(&[vec![b(1, 2, 1), b(0, 1, 0)], vec![b(1, 3, 4)], vec![]]);
        assert_eq!(sum, vec![b(0, 1, 0), b(1, 5, 5)]);
        assert!(sum_buckets(&[]).is_empty());
    }

    #[test]
    fn rates_and_texts() {
        assert_eq!(success_rate(0, 0), None);
        assert_eq!(format_rate(success_rate(3, 1)), "75%");
        assert_eq!(format_rate(success_rate(199, 1)), "99.5%");
        assert_eq!(format_rate(success_rate(9999, 1)), "100%");
        assert_eq!(format_rate(None), "—");
        assert_eq!(updated_text(10_000, 9_000), "Updated just now");
        assert_eq!(updated_text(40_000, 10_000), "Updated 30 s ago");
        assert_eq!(updated_text(200_000, 10_000), "Updated 3 min ago");
        assert_eq!(updated_text(0, 10_000), "Updated just now");
    }

    #[test]
    fn failing_webhooks_sorted() {
        let mk = |id: &str, n: u32| -> Webhook {
            serde_json::from_value(serde_json::json!({"id": id, "url": "https://x.test", "name": id, "failure_count": n})).unwrap()
        };
        let list = vec![mk("a", 0), mk("b", 3), mk("c", 9), mk("d", 3)];
        let top = most_failing(&list, 2);
        assert_eq!(
            top.iter().map(|w| w.id.0.as_str()).collect::<Vec<_>>(),
            ["c", "b"]
        );
    }
}
