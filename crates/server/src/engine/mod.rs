//! The delivery engine: a durable queue in SQLite drained by a bounded pool of senders.

pub mod filter;
pub mod net;
pub mod oauth;
pub mod replay;
pub mod send;
pub mod signature;
pub mod ssrf;
pub mod tail;

use crate::catalogue::Catalogue;
use crate::clock::Clock;
use crate::ids::new_id;
use crate::store::deliveries::{self, Next, State, StoredDelivery};
use crate::store::events::{self, StoredEvent};
use crate::store::webhooks::{self, Key, StoredWebhook};
use crate::store::{Store, StoreError};
use rand::Rng;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{broadcast, Notify, Semaphore};
use tokio::task::JoinSet;

/// Senders running at once, across all endpoints.
const WORKERS: usize = 32;
/// Senders one endpoint may occupy, so a slow endpoint never takes the whole pool.
const PER_WEBHOOK: usize = 4;
/// How long a claimed delivery is reserved; longer than any attempt can take.
const LEASE_MS: i64 = 5 * 60 * 1000;
/// The longest the dispatcher sleeps without being woken.
const IDLE_POLL: Duration = Duration::from_millis(500);

#[derive(Debug, Clone)]
pub struct EngineConfig {
    pub allow_private_targets: bool,
    pub retry_schedule: Vec<Duration>,
    pub clock: Clock,
    /// Time one event's filter conditions may take together.
    pub filter_budget: Duration,
    /// How long attempts under way may go on once the engine is told to stop; those still
    /// running then are abandoned and their deliveries released to the queue.
    pub drain_timeout: Duration,
    /// Names resolved without DNS, for every outbound request and the save-time check.
    pub host_overrides: ssrf::HostOverrides,
    /// Every outbound request goes through this proxy (a sandbox), never one from the
    /// environment.
    pub outbound_proxy: Option<reqwest::Url>,
    /// The health rule: a webhook whose every attempt failed for this many days (no success
    /// in between) is deactivated, the reason recorded. 0 turns the rule off.
    pub disable_after_days: u32,
    /// Live tail events one subscriber may have waiting before it is dropped.
    pub tail_buffer: usize,
}

/// `POST /events`' `Idempotency-Key` and the hash of the body it came with.
#[derive(Debug, Clone)]
pub struct IdempotencyKey {
    pub key: String,
    pub body_hash: String,
}

/// What an idempotent emit did.
pub enum Emitted {
    New(StoredEvent),
    /// The key was seen with the same body: the event it emitted then.
    Replayed(StoredEvent),
    /// The key was seen with another body: nothing was emitted.
    KeyReused,
}

#[derive(Clone)]
pub struct Engine {
    inner: Arc<Inner>,
}

struct Inner {
    store: Store,
    catalogue: Arc<Catalogue>,
    config: EngineConfig,
    client: reqwest::Client,
    tokens: oauth::TokenCache,
    wake: Notify,
    pool: Arc<Semaphore>,
    in_flight: Mutex<HashMap<String, usize>>,
    /// Ids of deliveries that just had an attempt, for requests that wait on one.
    attempted: broadcast::Sender<String>,
    /// Subscribers of the live tail.
    tail: tail::Hub,
}

impl Engine {
    pub fn new(store: Store, catalogue: Arc<Catalogue>, config: EngineConfig) -> Engine {
        let client = send::client(
            config.allow_private_targets,
            config.host_overrides.clone(),
            config.outbound_proxy.as_ref(),
        );
        Engine {
            inner: Arc::new(Inner {
                store,
                catalogue,
                client,
                tokens: oauth::TokenCache::default(),
                wake: Notify::new(),
                pool: Arc::new(Semaphore::new(WORKERS)),
                in_flight: Mutex::new(HashMap::new()),
                attempted: broadcast::channel(1024).0,
                tail: tail::Hub::new(config.tail_buffer),
                config,
            }),
        }
    }

    /// Where names resolve for this engine, which the save-time check must agree with.
    pub fn host_overrides(&self) -> &ssrf::HostOverrides {
        &self.inner.config.host_overrides
    }

    pub fn catalogue(&self) -> &Catalogue {
        &self.inner.catalogue
    }

    /// The time the engine goes by.
    pub fn now_ms(&self) -> i64 {
        self.inner.config.clock.now_ms()
    }

    /// Tells the dispatcher that something may be due now.
    pub fn wake(&self) {
        self.inner.wake.notify_one();
    }

    /// The live tail's subscribers.
    pub fn tail(&self) -> &tail::Hub {
        &self.inner.tail
    }

    /// The health rule's number of days, if it is on.
    pub fn disable_after_days(&self) -> Option<u32> {
        Some(self.inner.config.disable_after_days).filter(|d| *d > 0)
    }

    /// Tells the live tail about a delivery that changed outside an attempt (queued again).
    pub async fn announce(&self, delivery_id: &str) {
        if !self.inner.tail.has_subscribers() {
            return;
        }
        let id = delivery_id.to_owned();
        if let Ok(Some(d)) = self
            .inner
            .store
            .call(move |c| deliveries::get(c, &id))
            .await
        {
            self.inner.publish_delivery(&d, None);
        }
    }

    /// Notifications of finished attempts (delivery ids).
    pub fn attempts(&self) -> broadcast::Receiver<String> {
        self.inner.attempted.subscribe()
    }

    /// Starts the dispatcher. When `stop` turns true it claims nothing more, lets the attempts
    /// under way finish for up to [`EngineConfig::drain_timeout`], then abandons the rest and
    /// releases their deliveries, which are sent again by the next start.
    pub fn start(
        &self,
        mut stop: tokio::sync::watch::Receiver<bool>,
    ) -> tokio::task::JoinHandle<()> {
        let inner = self.inner.clone();
        tokio::spawn(async move {
            if let Err(e) = inner.store.call(|c| deliveries::clear_leases(c)).await {
                tracing::error!("cannot reset delivery leases: {e}");
            }
            let mut senders = JoinSet::new();
            loop {
                while senders.try_join_next().is_some() {}
                let sleep = match inner.dispatch(&mut senders).await {
                    Ok(d) => d,
                    Err(e) => {
                        tracing::error!("delivery dispatcher: {e}");
                        IDLE_POLL
                    }
                };
                tokio::select! {
                    _ = stop.wait_for(|s| *s) => {
                        // Open tail streams end now, so the listener's drain does not wait
                        // on them.
                        inner.tail.close();
                        break;
                    }
                    _ = inner.wake.notified() => {}
                    _ = tokio::time::sleep(sleep) => {}
                }
            }
            let running = senders.len();
            if running > 0 {
                tracing::info!("stopping: waiting for {running} delivery attempts under way");
            }
            let drain = inner.config.drain_timeout;
            let drained = tokio::time::timeout(drain, async {
                while senders.join_next().await.is_some() {}
            })
            .await
            .is_ok();
            if !drained {
                let left = senders.len();
                senders.abort_all();
                while senders.join_next().await.is_some() {}
                // An abandoned attempt leaves its lease; cleared, its delivery is due again
                // at once rather than when the lease would have run out. Nothing else claims
                // from this database while the dispatcher is stopped.
                match inner.store.call(|c| deliveries::clear_leases(c)).await {
                    Ok(()) => tracing::info!("stopping: released {left} deliveries to the queue"),
                    Err(e) => tracing::error!("cannot release delivery leases: {e}"),
                }
            }
        })
    }

    /// Fans an event out to every matching webhook and stores it with its deliveries.
    pub async fn emit(
        &self,
        event_type: String,
        payload: serde_json::Value,
    ) -> Result<StoredEvent, StoreError> {
        match self.emit_once(event_type, payload, None).await? {
            Emitted::New(e) | Emitted::Replayed(e) => Ok(e),
            Emitted::KeyReused => unreachable!("no key, so none reused"),
        }
    }

    /// [`Engine::emit`], at most once per idempotency key: a key seen before answers with the
    /// event it emitted (same body) or [`Emitted::KeyReused`] (another body).
    ///
    /// Filter conditions are decided between two short store calls, with no lock held, and
    /// within the filter budget: one that cannot be decided in time fails its webhook's match
    /// with a reason recorded on the event, and the rest of the fan-out goes on.
    pub async fn emit_once(
        &self,
        event_type: String,
        payload: serde_json::Value,
        key: Option<IdempotencyKey>,
    ) -> Result<Emitted, StoreError> {
        let first = self.inner.config.retry_schedule[0].as_millis() as i64;
        let now = self.now_ms();
        let lookup = key.clone();
        let kind = event_type.clone();
        let (seen, subscribers) = self
            .inner
            .store
            .call(move |conn| {
                if let Some(k) = &lookup {
                    if let Some(found) = events::by_key(conn, &k.key)? {
                        return Ok::<_, StoreError>((Some(found), Vec::new()));
                    }
                }
                Ok((None, webhooks::subscribers(conn, &kind)?))
            })
            .await?;
        if let Some((hash, event)) = seen {
            return Ok(replay(key.as_ref(), hash, event));
        }
        let subscribers: Vec<StoredWebhook> = subscribers
            .into_iter()
            .filter(|w| w.active_from.is_none_or(|t| t <= now))
            .collect();
        let payload = Arc::new(payload);
        let conditions = subscribers
            .iter()
            .filter_map(|w| {
                w.filter
                    .as_ref()
                    .map(|f| (w.id.clone(), f.condition.clone()))
            })
            .collect();
        let verdicts: HashMap<String, Result<bool, String>> =
            filter::decide_all(conditions, payload.clone(), self.inner.config.filter_budget)
                .await
                .into_iter()
                .collect();
        let mut event = StoredEvent {
            seq: 0,
            id: new_id("evt"),
            event_type: event_type.clone(),
            payload: (*payload).clone(),
            deliveries: Vec::new(),
            created_at: now,
            filter_errors: Vec::new(),
        };
        let mut queued = Vec::new();
        for w in &subscribers {
            match verdicts.get(&w.id) {
                None | Some(Ok(true)) => {}
                Some(Ok(false)) => continue,
                Some(Err(why)) => {
                    tracing::warn!("webhook {}: {why}", w.id);
                    event.filter_errors.push((w.id.clone(), why.clone()));
                    continue;
                }
            }
            let delay = w.delay.map(|d| d.seconds() as i64 * 1000).unwrap_or(0) + first;
            // One delivery per destination, so each URL has its own attempts, retries and
            // outcome.
            let destinations =
                std::iter::once(None).chain(w.targets.iter().map(|t| Some(t.url.clone())));
            for target_url in destinations {
                let mut d = new_delivery(
                    w,
                    Some(event.id.clone()),
                    &event_type,
                    (*payload).clone(),
                    now + delay,
                    now,
                );
                d.target_url = target_url;
                event.deliveries.push(d.id.clone());
                queued.push(d);
            }
        }
        let announced = if self.inner.tail.has_subscribers() {
            queued.clone()
        } else {
            Vec::new()
        };
        let done = self
            .inner
            .store
            .call(move |conn| {
                let tx = conn.transaction()?;
                if let Some(k) = &key {
                    // Another request with this key may have finished while the filters ran.
                    if let Some((hash, first)) = events::by_key(&tx, &k.key)? {
                        return Ok(replay(Some(k), hash, first));
                    }
                }
                for d in &queued {
                    deliveries::insert(&tx, d)?;
                }
                events::insert(&tx, &event)?;
                if let Some(k) = &key {
                    events::remember_key(&tx, &k.key, &k.body_hash, &event.id, now)?;
                }
                tx.commit()?;
                Ok::<_, StoreError>(Emitted::New(event))
            })
            .await?;
        if matches!(done, Emitted::New(_)) {
            for d in &announced {
                self.inner.publish_delivery(d, None);
            }
        }
        self.wake();
        Ok(done)
    }

    /// Queues one delivery of `payload` to one webhook's own URL now, whatever its events,
    /// filter and delay say (a test send).
    pub async fn send_now(
        &self,
        w: &StoredWebhook,
        event_type: &str,
        payload: serde_json::Value,
    ) -> Result<StoredDelivery, StoreError> {
        let now = self.now_ms();
        let d = new_delivery(w, None, event_type, payload, now, now);
        let stored = d.clone();
        self.inner
            .store
            .call(move |c| deliveries::insert(c, &d))
            .await?;
        self.inner.publish_delivery(&stored, None);
        self.wake();
        Ok(stored)
    }

    /// Waits until the delivery has had an attempt since now, or `limit` passes.
    pub async fn wait_for_attempt(
        &self,
        mut rx: broadcast::Receiver<String>,
        id: &str,
        limit: Duration,
    ) {
        let _ = tokio::time::timeout(limit, async {
            loop {
                match rx.recv().await {
                    Ok(done) if done == id => return,
                    Ok(_) | Err(broadcast::error::RecvError::Lagged(_)) => {}
                    Err(broadcast::error::RecvError::Closed) => return,
                }
            }
        })
        .await;
    }

    /// Hostware's status/overview query to the webhook's endpoint.
    pub async fn probe(
        &self,
        w: &StoredWebhook,
        what: &str,
    ) -> Result<(u16, Option<serde_json::Value>), String> {
        self.inner.sender().probe(w, what).await
    }
}

/// The answer to a key seen before: its event, or [`Emitted::KeyReused`] when the body differs.
fn replay(key: Option<&IdempotencyKey>, hash: String, event: StoredEvent) -> Emitted {
    match key {
        Some(k) if k.body_hash != hash => Emitted::KeyReused,
        _ => Emitted::Replayed(event),
    }
}

fn new_delivery(
    w: &StoredWebhook,
    event_id: Option<String>,
    event_type: &str,
    payload: serde_json::Value,
    due: i64,
    now: i64,
) -> StoredDelivery {
    StoredDelivery {
        seq: 0,
        id: new_id("msg"),
        webhook_id: w.id.clone(),
        event_id,
        event_type: event_type.to_string(),
        payload,
        state: State::Queued,
        attempt_count: 0,
        retries_left: u32::from(w.retry_count),
        priority: w.priority,
        next_attempt_at: Some(due),
        last_attempt_at: None,
        response_status: None,
        created_at: now,
        target_url: None,
    }
}

impl Inner {
    fn sender(&self) -> send::Sender<'_> {
        send::Sender {
            client: &self.client,
            tokens: &self.tokens,
            allow_private_targets: self.config.allow_private_targets,
            clock: &self.config.clock,
        }
    }

    /// Claims what is due and starts a sender for each; returns how long to sleep.
    ///
    /// Due deliveries that cannot start yet (every sender busy, or their webhook's share
    /// taken) are no reason to look again at once: a sender that finishes wakes the
    /// dispatcher, and so does a new event. Looking again at once would spin on the database
    /// for as long as a backlog waits on a slow or unreachable endpoint.
    async fn dispatch(self: &Arc<Self>, senders: &mut JoinSet<()>) -> Result<Duration, StoreError> {
        let free = self.pool.available_permits();
        let now = self.config.clock.now_ms();
        let mut started = 0;
        if free > 0 {
            let mut room: HashMap<String, usize> = self
                .in_flight
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .clone();
            let full: Vec<String> = room
                .iter()
                .filter(|(_, n)| **n >= PER_WEBHOOK)
                .map(|(w, _)| w.clone())
                .collect();
            let claimed = self
                .store
                .call(move |c| {
                    let mut busy = |webhook: &str| {
                        let n = room.entry(webhook.to_string()).or_default();
                        if *n >= PER_WEBHOOK {
                            return true;
                        }
                        *n += 1;
                        false
                    };
                    deliveries::claim_due(c, now, free, LEASE_MS, &full, &mut busy)
                })
                .await?;
            for d in claimed {
                let Ok(permit) = self.pool.clone().try_acquire_owned() else {
                    break;
                };
                *self
                    .in_flight
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .entry(d.webhook_id.clone())
                    .or_default() += 1;
                started += 1;
                let me = self.clone();
                senders.spawn(async move {
                    let webhook_id = d.webhook_id.clone();
                    if let Err(e) = me.deliver(d).await {
                        tracing::error!("delivery failed to record: {e}");
                    }
                    let mut map = me.in_flight.lock().unwrap_or_else(|p| p.into_inner());
                    if let Some(n) = map.get_mut(&webhook_id) {
                        *n -= 1;
                        if *n == 0 {
                            map.remove(&webhook_id);
                        }
                    }
                    drop(map);
                    drop(permit);
                    me.wake.notify_one();
                });
            }
        }
        if started > 0 {
            // More may be claimable now (the candidates are a window): look again.
            return Ok(Duration::ZERO);
        }
        let next = self
            .store
            .call(move |c| deliveries::next_due(c, now))
            .await?;
        Ok(sleep_until_due(next, now))
    }

    /// One attempt of one delivery, and what follows from it.
    async fn deliver(&self, d: StoredDelivery) -> Result<(), StoreError> {
        let id = d.webhook_id.clone();
        let webhook = self
            .store
            .call(move |c| webhooks::get(c, Key::Id(&id)))
            .await?;
        // Gone, no longer an http webhook, or the target it was for since removed.
        let Some(w) = webhook.filter(|w| {
            w.kind == switchboard_api::HTTP_TYPE && w.destination(d.target_url.as_deref()).is_some()
        }) else {
            let seq = d.seq;
            return self.store.call(move |c| deliveries::abandon(c, seq)).await;
        };
        let target = w
            .destination(d.target_url.as_deref())
            .map_or(w.url.as_str(), |t| t.0);
        let outcome = guard_attempt(
            self.sender().attempt(&w, &d),
            target,
            self.config.clock.now_ms(),
        )
        .await;
        let record = outcome.record;
        let status = record.response.as_ref().map(|r| r.status);
        let gone = status == Some(410);
        let next = if record.succeeded {
            Next::Succeeded
        } else if gone || d.retries_left == 0 {
            Next::Failed
        } else {
            let n = d.attempt_count as usize + 1;
            let schedule = &self.config.retry_schedule;
            let base = schedule[n.min(schedule.len() - 1)];
            let wait = jitter(base).max(outcome.retry_after.unwrap_or_default());
            // A schedule entry can be as long as `Duration` allows; saturate rather than wrap.
            let wait_ms = i64::try_from(wait.as_millis()).unwrap_or(i64::MAX);
            Next::RetryAt(
                record
                    .started_at
                    .saturating_add(record.duration_ms)
                    .saturating_add(wait_ms),
            )
        };
        let delivery_id = d.id.clone();
        let webhook_id = w.id.clone();
        let clock = self.config.clock.clone();
        let rule_days = self.config.disable_after_days;
        let tailing = self.tail.has_subscribers();
        let outcome = switchboard_api::TailAttempt {
            n: d.attempt_count + 1,
            started_at: switchboard_api::Timestamp::from_unix_millis(record.started_at)
                .unwrap_or_else(switchboard_api::Timestamp::now),
            duration_ms: record.duration_ms.max(0) as u64,
            succeeded: record.succeeded,
            response_status: status,
            error_class: (!record.succeeded)
                .then(|| switchboard_api::ErrorClass::of(record.error.as_deref(), status)),
        };
        let failed = !record.succeeded;
        let after = self
            .store
            .call(move |c| {
                let id = d.id.clone();
                let tx = c.transaction()?;
                deliveries::record_attempt_in(&tx, &d, &record, next)?;
                let now = clock.now_ms();
                if gone {
                    webhooks::deactivate(&tx, &webhook_id, now)?;
                } else if failed && rule_days > 0 {
                    apply_health_rule(&tx, &webhook_id, now, rule_days)?;
                }
                tx.commit()?;
                if tailing {
                    return deliveries::get(c, &id);
                }
                Ok::<_, StoreError>(None)
            })
            .await?;
        if let Some(after) = after {
            self.publish_delivery(&after, Some(outcome));
        }
        let _ = self.attempted.send(delivery_id);
        Ok(())
    }

    /// Sends a delivery (and the attempt that changed it) to the live tail's subscribers.
    fn publish_delivery(&self, d: &StoredDelivery, attempt: Option<switchboard_api::TailAttempt>) {
        if !self.tail.has_subscribers() {
            return;
        }
        let mut delivery = d.to_api(self.config.clock.now_ms(), Vec::new());
        // The tail is for watching; the payload is read with the delivery itself.
        delivery.payload = serde_json::Value::Null;
        let name = if attempt.is_some() {
            switchboard_api::tail_event::ATTEMPT
        } else {
            switchboard_api::tail_event::DELIVERY
        };
        self.tail
            .publish(name, &switchboard_api::TailEvent { delivery, attempt });
    }
}

const DAY_MS: i64 = 24 * 3600 * 1000;

/// The health rule, after a failed attempt: a webhook whose attempts have all failed since
/// `days` days or more (no success in between) is deactivated, with the reason recorded.
fn apply_health_rule(
    conn: &rusqlite::Connection,
    webhook_id: &str,
    now: i64,
    days: u32,
) -> Result<(), StoreError> {
    let Some(since) = crate::store::health::failing_since(conn, webhook_id)? else {
        return Ok(());
    };
    if now.saturating_sub(since) < i64::from(days) * DAY_MS {
        return Ok(());
    }
    let failures: u32 = conn.query_row(
        "SELECT COUNT(*) FROM attempts WHERE webhook_id = ?1 AND succeeded = 0 AND started_at >= ?2",
        rusqlite::params![webhook_id, since],
        |r| r.get(0),
    )?;
    let since_text = switchboard_api::Timestamp::from_unix_millis(since)
        .map(|t| t.to_rfc3339())
        .unwrap_or_default();
    let reason = format!(
        "the health rule: every attempt failed for {days} day{} ({failures} failed attempts since \
         {since_text}, none succeeded); its queued deliveries are held",
        if days == 1 { "" } else { "s" }
    );
    if webhooks::disable_unhealthy(conn, webhook_id, now, &reason)? {
        tracing::warn!("webhook {webhook_id} deactivated by the health rule");
    }
    Ok(())
}

/// Runs one attempt. A panic inside it (a bug, or one in a library it calls) is a failed attempt
/// of kind `internal`: the delivery is retried or fails like any other, and the sender still
/// records it and gives back its place in the pool.
async fn guard_attempt(
    attempt: impl std::future::Future<Output = send::Outcome>,
    target: &str,
    started_at: i64,
) -> send::Outcome {
    use futures_util::FutureExt as _;
    let clock = std::time::Instant::now();
    match std::panic::AssertUnwindSafe(attempt).catch_unwind().await {
        Ok(outcome) => outcome,
        Err(panic) => {
            let what = crate::panic_message(panic.as_ref());
            tracing::error!("a delivery attempt to {target} panicked: {what}");
            send::Outcome {
                record: deliveries::AttemptRecord {
                    started_at,
                    duration_ms: clock.elapsed().as_millis() as i64,
                    succeeded: false,
                    request: switchboard_api::AttemptRequest {
                        url: send::shown_url(target),
                        method: "POST".into(),
                        headers: Vec::new(),
                        body: String::new(),
                    },
                    response: None,
                    error: Some("internal".into()),
                    message: Some("the attempt failed inside the server; see its log".into()),
                },
                retry_after: None,
            }
        }
    }
}

/// Up to 10 % more than `base`, so retries of many deliveries do not arrive in lockstep.
fn jitter(base: Duration) -> Duration {
    let ms = u64::try_from(base.as_millis()).unwrap_or(u64::MAX);
    if ms == 0 {
        return base;
    }
    Duration::from_millis(ms.saturating_add(rand::thread_rng().gen_range(0..=ms / 10)))
}

/// `500ms`, `5s`, `5m`, `2h`, `1d` (a bare number is seconds).
pub fn parse_duration(s: &str) -> Option<Duration> {
    let s = s.trim();
    let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let (num, unit) = s.split_at(split);
    let n: u64 = num.parse().ok()?;
    let ms = match unit {
        "ms" => n,
        "" | "s" => n.checked_mul(1000)?,
        "m" => n.checked_mul(60_000)?,
        "h" => n.checked_mul(3_600_000)?,
        "d" => n.checked_mul(86_400_000)?,
        _ => return None,
    };
    Some(Duration::from_millis(ms))
}

/// How long the dispatcher sleeps when it started nothing and `next` is the earliest due
/// time: until then, or the idle poll when that is sooner or already past (what is due now
/// is waiting for a sender, and a finishing one wakes the dispatcher).
fn sleep_until_due(next: Option<i64>, now: i64) -> Duration {
    match next {
        Some(t) if t > now => {
            Duration::from_millis((t - now).min(IDLE_POLL.as_millis() as i64) as u64)
        }
        _ => IDLE_POLL,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_parse() {
        assert_eq!(parse_duration("500ms"), Some(Duration::from_millis(500)));
        assert_eq!(parse_duration("5s"), Some(Duration::from_secs(5)));
        assert_eq!(parse_duration("5m"), Some(Duration::from_secs(300)));
        assert_eq!(parse_duration("2h"), Some(Duration::from_secs(7200)));
        assert_eq!(parse_duration("1d"), Some(Duration::from_secs(86400)));
        assert_eq!(parse_duration("7"), Some(Duration::from_secs(7)));
        assert_eq!(parse_duration("5x"), None);
        assert_eq!(parse_duration(""), None);
    }

    #[test]
    fn the_dispatcher_sleeps_until_the_next_due_time_or_the_idle_poll() {
        assert_eq!(sleep_until_due(None, 1_000), IDLE_POLL);
        assert_eq!(
            sleep_until_due(Some(1_200), 1_000),
            Duration::from_millis(200)
        );
        assert_eq!(sleep_until_due(Some(60_000), 1_000), IDLE_POLL);
        // Due already but not started: something is waiting for a sender.
        assert_eq!(sleep_until_due(Some(900), 1_000), IDLE_POLL);
        assert_eq!(sleep_until_due(Some(1_000), 1_000), IDLE_POLL);
    }

    fn engine() -> (Engine, tempfile::TempDir) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("engine.db")).unwrap();
        let config = EngineConfig {
            allow_private_targets: true,
            retry_schedule: vec![Duration::ZERO],
            clock: Clock::system(),
            filter_budget: filter::DEFAULT_BUDGET,
            drain_timeout: Duration::ZERO,
            host_overrides: ssrf::HostOverrides::default(),
            outbound_proxy: None,
            disable_after_days: 5,
            tail_buffer: tail::DEFAULT_BUFFER,
        };
        (
            Engine::new(store, Arc::new(Catalogue::builtin()), config),
            dir,
        )
    }

    async fn queue(engine: &Engine, webhook: &str, n: usize, due: i64) {
        let webhook = webhook.to_owned();
        engine
            .inner
            .store
            .call(move |c| {
                for i in 0..n {
                    let d = StoredDelivery {
                        seq: 0,
                        id: new_id("msg"),
                        webhook_id: webhook.clone(),
                        event_id: None,
                        event_type: "order_confirm".into(),
                        payload: serde_json::json!({}),
                        state: State::Queued,
                        attempt_count: 0,
                        retries_left: 0,
                        priority: 0,
                        next_attempt_at: Some(due + i as i64),
                        last_attempt_at: None,
                        response_status: None,
                        created_at: due,
                        target_url: None,
                    };
                    deliveries::insert(c, &d)?;
                }
                Ok::<_, StoreError>(())
            })
            .await
            .unwrap();
    }

    async fn leased(engine: &Engine) -> Vec<String> {
        engine
            .inner
            .store
            .call(|c| {
                let mut stmt = c.prepare(
                    "SELECT webhook_id FROM deliveries WHERE lease_until IS NOT NULL ORDER BY seq",
                )?;
                let rows = stmt
                    .query_map([], |r| r.get(0))?
                    .collect::<Result<Vec<String>, _>>()?;
                Ok::<_, StoreError>(rows)
            })
            .await
            .unwrap()
    }

    /// Marks `webhook`'s share of the senders as taken, as while its attempts run.
    fn take_share(engine: &Engine, webhook: &str) {
        let mut in_flight = engine.inner.in_flight.lock().unwrap();
        in_flight.insert(webhook.into(), PER_WEBHOOK);
    }

    /// Holds `n` of the pool's senders until the permit is dropped.
    fn take_senders(engine: &Engine, n: usize) -> tokio::sync::OwnedSemaphorePermit {
        let pool = engine.inner.pool.clone();
        pool.try_acquire_many_owned(n as u32).unwrap()
    }

    #[tokio::test]
    async fn a_backlog_that_cannot_start_waits_for_a_wake_instead_of_spinning() {
        let (engine, _dir) = engine();
        let past = crate::ids::now_ms() - 10_000;
        queue(&engine, "wh_slow", 10, past).await;
        take_share(&engine, "wh_slow");
        let mut senders = JoinSet::new();
        // Its share of the senders is taken: nothing starts, and the dispatcher does not
        // look again before a sender finishes (or the idle poll).
        let sleep = engine.inner.dispatch(&mut senders).await.unwrap();
        assert_eq!(sleep, IDLE_POLL);
        assert!(leased(&engine).await.is_empty());

        // Every sender busy: the same.
        engine.inner.in_flight.lock().unwrap().clear();
        let all = take_senders(&engine, WORKERS);
        let sleep = engine.inner.dispatch(&mut senders).await.unwrap();
        assert_eq!(sleep, IDLE_POLL);
        assert!(leased(&engine).await.is_empty());
        drop(all);
        senders.abort_all();
    }

    #[tokio::test]
    async fn a_full_webhooks_backlog_does_not_hold_back_the_others() {
        let (engine, _dir) = engine();
        let past = crate::ids::now_ms() - 10_000;
        // Older than the other webhook's delivery, and more than the candidate window.
        queue(&engine, "wh_slow", 10, past).await;
        queue(&engine, "wh_other", 1, past + 100).await;
        take_share(&engine, "wh_slow");
        // One sender free: four candidates, which the full webhook's backlog would fill.
        let _taken = take_senders(&engine, WORKERS - 1);
        let mut senders = JoinSet::new();
        let sleep = engine.inner.dispatch(&mut senders).await.unwrap();
        assert_eq!(sleep, Duration::ZERO, "started one, so it looks again");
        assert_eq!(leased(&engine).await, ["wh_other"]);
        senders.abort_all();
    }

    async fn broken_attempt() -> send::Outcome {
        panic!("a bug in sending")
    }

    #[tokio::test]
    async fn a_panicking_attempt_is_a_failed_attempt() {
        let outcome = guard_attempt(broken_attempt(), "https://hooks.example.com/h", 0).await;
        let record = outcome.record;
        assert!(!record.succeeded);
        assert_eq!(record.error.as_deref(), Some("internal"));
        assert_eq!(record.request.url, "https://hooks.example.com/h");
        assert!(record.response.is_none());
        assert!(outcome.retry_after.is_none());
    }

    #[test]
    fn jitter_stays_within_ten_percent() {
        for _ in 0..100 {
            let j = jitter(Duration::from_secs(10));
            assert!(j >= Duration::from_secs(10) && j <= Duration::from_secs(11));
        }
        assert_eq!(jitter(Duration::ZERO), Duration::ZERO);
        // The longest schedule entry neither overflows nor panics.
        assert!(jitter(Duration::MAX) >= Duration::from_millis(u64::MAX));
    }
}
