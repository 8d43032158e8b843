//! The state every check shares (created webhooks, the receiver, the catalogue) and its helpers.

pub mod catalogue;
pub mod core;
pub mod deliveries;
pub mod events;
pub mod health;
pub mod replay;
pub mod search;
pub mod secrets;
pub mod sort;
pub mod stats;
pub mod status;
pub mod tail;
pub mod test_send;
pub mod types;
pub mod update;

use crate::client::{fail, json_path, skip, Http, Resp, Step, Verdict};
use crate::receiver::{Received, Receiver};
use crate::report::{Failure, Outcome};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::time::Duration;
use switchboard_api::Feature;

/// An id that no server hands out, in a form both integer and string backends accept.
pub const UNKNOWN_ID: &str = "2147480001";

/// How long a delivery may take to reach the receiver or to be recorded.
pub const DELIVERY_WAIT: Duration = Duration::from_secs(15);

/// A webhook the checker created and kept for later checks.
#[derive(Debug, Clone)]
pub struct Hook {
    pub id: String,
    pub secret: Option<String>,
    pub event: String,
    /// The receiver key its URL ends in, for hooks pointing at the receiver.
    pub key: String,
}

/// The bearer token the receiver hook is configured with; the receiver must see it.
pub fn hook_token(run: &str) -> String {
    format!("cf-endpoint-token-{run}")
}

pub struct Ctx {
    pub http: Http,
    /// A random tag in every name the checker creates, so its own items can be told apart.
    pub run: String,
    pub features: Vec<Feature>,
    /// Every webhook id the checker created; all are deleted at the end.
    pub created: Vec<String>,
    /// Emitted events: the API has no route to delete them.
    pub emitted: Vec<String>,
    /// Event-type names from `GET /webhooks/events`, deprecated ones last.
    pub events: Vec<String>,
    /// The plain webhook (an `https://example.invalid` URL) most checks work on.
    pub fixture: Option<Hook>,
    pub receiver: Result<Receiver, String>,
    /// Receiver hooks by role (`ok`, `fail`), or why they could not be made.
    hooks: HashMap<&'static str, Result<Hook, Verdict>>,
    quiet_event: Option<String>,
    /// Deliveries the checker caused, newest last.
    pub deliveries: Vec<String>,
}

impl Ctx {
    pub fn new(
        http: Http,
        run: String,
        features: Vec<Feature>,
        receiver: Result<Receiver, String>,
    ) -> Ctx {
        Ctx {
            http,
            run,
            features,
            created: Vec::new(),
            emitted: Vec::new(),
            events: Vec::new(),
            fixture: None,
            receiver,
            hooks: HashMap::new(),
            quiet_event: None,
            deliveries: Vec::new(),
        }
    }

    pub fn has(&self, f: Feature) -> bool {
        self.features.contains(&f)
    }

    pub fn name(&self, suffix: &str) -> String {
        format!("cf-{}-{suffix}", self.run)
    }

    /// An HTTPS URL nothing will answer: CRUD checks never need a delivery to arrive.
    pub fn inert_url(&self, suffix: &str) -> String {
        format!("https://example.invalid/conformance/{}/{suffix}", self.run)
    }

    pub fn event(&self, n: usize) -> Step<String> {
        if self.events.is_empty() {
            return skip("the event-type catalogue is empty or unreadable");
        }
        Ok(self.events[n % self.events.len()].clone())
    }

    pub fn fixture(&self) -> Step<Hook> {
        self.fixture
            .clone()
            .ok_or_else(|| Verdict::Skip("the core create check did not produce a webhook".into()))
    }

    /// A create body in the core (plandocket) shape.
    pub fn webhook_body(&self, suffix: &str, url: &str, event: &str) -> Value {
        json!({
            "name": self.name(suffix),
            "url": url,
            "events": [event],
            "is_active": true,
            "headers": {"X-Conformance-Run": self.run},
            "retry_count": 0,
            "timeout_seconds": 10,
        })
    }

    /// POSTs a create and tracks whatever id a success carries, so cleanup finds it.
    pub async fn create(&mut self, body: &Value, headers: &[(&str, &str)]) -> Step<Resp> {
        let r = self
            .http
            .send(
                reqwest::Method::POST,
                "/webhooks",
                Some(body),
                headers,
                crate::client::Cred::Token,
            )
            .await?;
        self.track(&r);
        Ok(r)
    }

    pub fn track(&mut self, r: &Resp) {
        if (200..300).contains(&r.status) {
            if let Some(id) = r
                .json
                .as_ref()
                .and_then(|b| b.get("data"))
                .and_then(|d| d.get("id"))
                .and_then(id_of)
            {
                if !self.created.contains(&id) {
                    self.created.push(id);
                }
            }
        }
    }

    /// Creates a webhook that must succeed; returns its id and secret.
    pub async fn create_ok(&mut self, body: &Value) -> Step<Hook> {
        let r = self.create(body, &[]).await?;
        let data = r.envelope(&[201])?;
        let id = required_id(&r, data, "$.data.id")?;
        Ok(Hook {
            id,
            secret: data
                .get("secret")
                .and_then(Value::as_str)
                .map(str::to_string),
            event: body["events"][0].as_str().unwrap_or_default().to_string(),
            key: String::new(),
        })
    }

    /// Every item of a list, following `next_cursor` (at most 50 pages of 200).
    pub async fn list_all(&self, path: &str, query: &str) -> Step<Vec<Value>> {
        let mut out = Vec::new();
        let mut cursor: Option<String> = None;
        for _ in 0..50 {
            let mut q = format!("{path}?limit=200");
            if !query.is_empty() {
                q.push('&');
                q.push_str(query);
            }
            if let Some(c) = &cursor {
                q.push_str("&cursor=");
                q.push_str(&encode(c));
            }
            let r = self.http.get(&q).await?;
            let (items, next) = r.page()?;
            out.extend(items);
            match next {
                Some(c) => cursor = Some(c),
                None => return Ok(out),
            }
        }
        fail(
            "the list to end within 50 pages of 200",
            format!("{path}?{query} kept handing out cursors"),
        )
    }

    /// The event type the fewest foreign webhooks subscribe to, so emitting it disturbs
    /// as little as possible on a server with real data.
    pub async fn quiet_event(&mut self) -> Step<String> {
        if let Some(e) = &self.quiet_event {
            return Ok(e.clone());
        }
        let all = self.list_all("/webhooks", "").await?;
        let ours = format!("cf-{}-", self.run);
        let fixture_event = self.fixture.as_ref().map(|f| f.event.clone());
        let mut best: Option<(usize, bool, String)> = None;
        for name in &self.events {
            let busy = all
                .iter()
                .filter(|w| {
                    !w.get("name")
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .starts_with(&ours)
                })
                .filter(|w| w.get("is_active").and_then(Value::as_bool).unwrap_or(true))
                .filter(|w| {
                    w.get("events")
                        .and_then(Value::as_array)
                        .is_some_and(|e| e.iter().any(|x| x.as_str() == Some(name)))
                })
                .count();
            let clash = fixture_event.as_deref() == Some(name.as_str());
            let candidate = (busy, clash, name.clone());
            if best
                .as_ref()
                .is_none_or(|b| (candidate.0, candidate.1) < (b.0, b.1))
            {
                best = Some(candidate);
            }
        }
        let Some((_, _, name)) = best else {
            return skip("the event-type catalogue is empty or unreadable");
        };
        self.quiet_event = Some(name.clone());
        Ok(name)
    }

    /// A webhook pointing at the loopback receiver: `ok` answers 200, `fail` answers 500
    /// with a JSON `message`. Made once per role; a server that refuses loopback URLs makes
    /// every check needing one a skip.
    pub async fn hook(&mut self, role: &'static str) -> Step<Hook> {
        if let Some(h) = self.hooks.get(role) {
            return h.clone();
        }
        let made = self.make_hook(role).await;
        self.hooks.insert(role, made.clone());
        made
    }

    async fn make_hook(&mut self, role: &'static str) -> Step<Hook> {
        let url = match &self.receiver {
            Ok(r) => r.url(&format!("{role}-{}", self.run)),
            Err(e) => return skip(format!("the loopback receiver could not start: {e}")),
        };
        let event = self.quiet_event().await?;
        let mut body = self.webhook_body(&format!("receiver-{role}"), &url, &event);
        body["auth"] = json!({"type": "bearer", "token": hook_token(&self.run)});
        body["timeout_seconds"] = json!(5);
        let r = self.create(&body, &[]).await?;
        if r.status == 422 && r.field_error("url").is_ok() {
            return skip(
                "the server refuses loopback endpoint URLs (422 on url); start it allowing \
                 private targets (the reference server's --allow-private-targets) to check deliveries",
            );
        }
        let data = r.envelope(&[201])?;
        let id = required_id(&r, data, "$.data.id")?;
        let secret = match data.get("secret").and_then(Value::as_str) {
            Some(s) => s.to_string(),
            None => {
                return r.fail(
                    "the signing secret in the create response",
                    Some("$.data.secret".into()),
                    "missing",
                )
            }
        };
        Ok(Hook {
            id,
            secret: Some(secret),
            event,
            key: format!("{role}-{}", self.run),
        })
    }

    pub fn set_hook_secret(&mut self, role: &'static str, secret: String) {
        if let Some(Ok(h)) = self.hooks.get_mut(role) {
            h.secret = Some(secret);
        }
    }

    pub fn receiver(&self) -> Step<&Receiver> {
        self.receiver
            .as_ref()
            .map_err(|e| Verdict::Skip(format!("the loopback receiver could not start: {e}")))
    }

    /// The payload to emit for an event type: its first catalogue example when the server
    /// has the catalogue group (a strict server may validate payloads against the schema).
    pub async fn example_payload(&self, event: &str) -> Value {
        if self.has(Feature::Catalogue) {
            if let Ok(r) = self
                .http
                .get(&format!("/webhooks/events/{}", encode(event)))
                .await
            {
                if let Some(ex) = r.json.as_ref().and_then(|b| b["data"]["examples"].get(0)) {
                    return ex.clone();
                }
            }
        }
        json!({"conformance": self.run})
    }

    /// Causes one delivery to `hook`: a test send when the server has `test`, else an emitted
    /// event (found again through `/deliveries` when it has that). Returns the delivery id
    /// when the server tells it.
    pub async fn trigger(&mut self, hook: &Hook) -> Step<Option<String>> {
        if self.has(Feature::Test) {
            let r = self
                .http
                .post(
                    &format!("/webhooks/{}/test", hook.id),
                    &json!({"event_type": hook.event}),
                )
                .await?;
            let data = r.envelope(&[200, 201, 202])?;
            let id = required_id(&r, data, "$.data.id")?;
            self.deliveries.push(id.clone());
            return Ok(Some(id));
        }
        if self.has(Feature::Events) {
            let payload = self.example_payload(&hook.event).await;
            let r = self
                .http
                .post(
                    "/events",
                    &json!({"event_type": hook.event, "payload": payload}),
                )
                .await?;
            let data = r.envelope(&[200, 201, 202])?;
            if let Some(id) = data.get("id").and_then(id_of) {
                self.emitted.push(id);
            }
            if self.has(Feature::Deliveries) {
                let r = self
                    .http
                    .get(&format!(
                        "/deliveries?webhook_id={}&limit=1",
                        encode(&hook.id)
                    ))
                    .await?;
                let (items, _) = r.page()?;
                let id = items.first().and_then(|d| d.get("id")).and_then(id_of);
                if let Some(id) = &id {
                    self.deliveries.push(id.clone());
                }
                return Ok(id);
            }
            return Ok(None);
        }
        skip(
            "the server has neither the test nor the events group, so nothing can cause a delivery",
        )
    }

    /// Waits for the next request to a receiver hook after `seen` earlier ones.
    pub async fn next_arrival(&self, hook: &Hook, seen: usize) -> Step<Received> {
        let receiver = self.receiver()?;
        let deadline = tokio::time::Instant::now() + DELIVERY_WAIT;
        loop {
            let got = receiver.received(&hook.key);
            if got.len() > seen {
                return Ok(got[seen].clone());
            }
            if tokio::time::Instant::now() >= deadline {
                return fail(
                    format!(
                        "a delivery at the receiver within {} s",
                        DELIVERY_WAIT.as_secs()
                    ),
                    format!("nothing arrived at {}", receiver.url(&hook.key)),
                );
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    pub fn arrivals(&self, hook: &Hook) -> usize {
        self.receiver
            .as_ref()
            .map(|r| r.received(&hook.key).len())
            .unwrap_or(0)
    }

    /// Polls `GET /deliveries/{id}` until `done` holds for its `data`.
    pub async fn wait_delivery(
        &self,
        id: &str,
        what: &str,
        done: impl Fn(&Value) -> bool,
    ) -> Step<(Resp, Value)> {
        let deadline = tokio::time::Instant::now() + DELIVERY_WAIT;
        loop {
            let r = self.http.get(&format!("/deliveries/{id}")).await?;
            let data = r.envelope(&[200])?.clone();
            if done(&data) {
                return Ok((r, data));
            }
            if tokio::time::Instant::now() >= deadline {
                return r.fail(
                    format!("{what} within {} s", DELIVERY_WAIT.as_secs()),
                    Some("$.data".into()),
                    crate::client::excerpt(&data.to_string()),
                );
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

/// An id as the console reads it: a string, or an integer turned into one.
pub fn id_of(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) if n.is_i64() || n.is_u64() => Some(n.to_string()),
        _ => None,
    }
}

pub fn required_id(r: &Resp, data: &Value, path: &str) -> Step<String> {
    match data.get("id") {
        Some(v) => id_of(v).ok_or_else(|| {
            r.failure(
                "an id as a string or an integer",
                Some(path.into()),
                crate::client::describe(Some(v)),
            )
        }),
        None => r.fail("an id", Some(path.into()), "missing"),
    }
}

pub use switchboard_api::percent::encode_component as encode;

/// Finds a secret in a response body: a non-null `secret` member anywhere, or any string
/// containing one of `secrets`. Returns the JSON path and what is there.
pub fn find_leak(v: &Value, secrets: &[&str]) -> Option<(String, String)> {
    walk(v, secrets, true, &mut Vec::new())
}

/// Like [`find_leak`], but only looks for the given values.
pub fn find_value(v: &Value, secrets: &[&str]) -> Option<(String, String)> {
    walk(v, secrets, false, &mut Vec::new())
}

fn walk(
    v: &Value,
    secrets: &[&str],
    member: bool,
    path: &mut Vec<String>,
) -> Option<(String, String)> {
    {
        match v {
            Value::Object(m) => {
                for (k, child) in m {
                    path.push(k.clone());
                    if member && k == "secret" && !child.is_null() {
                        let p = json_path(&path.iter().map(String::as_str).collect::<Vec<_>>());
                        return Some((p, "a secret member".into()));
                    }
                    if let Some(hit) = walk(child, secrets, member, path) {
                        return Some(hit);
                    }
                    path.pop();
                }
                None
            }
            Value::Array(a) => {
                for (i, child) in a.iter().enumerate() {
                    path.push(i.to_string());
                    if let Some(hit) = walk(child, secrets, member, path) {
                        return Some(hit);
                    }
                    path.pop();
                }
                None
            }
            Value::String(s) if secrets.iter().any(|x| !x.is_empty() && s.contains(x)) => {
                let p = json_path(&path.iter().map(String::as_str).collect::<Vec<_>>());
                Some((p, "a secret value".into()))
            }
            _ => None,
        }
    }
}

/// A `Step` as the report records it.
pub fn outcome(step: Step<()>) -> Outcome {
    match step {
        Ok(()) => Outcome::Pass,
        Err(Verdict::Fail(f)) => Outcome::Fail(*f),
        Err(Verdict::Skip(reason)) => Outcome::Skip { reason },
    }
}

/// Compares one member of a response with what was sent.
pub fn expect_eq(r: &Resp, data: &Value, member: &str, want: &Value, at: &str) -> Step<()> {
    let got = data.get(member);
    if got == Some(want) {
        Ok(())
    } else {
        Err(r.failure(
            format!("{member} = {want}"),
            Some(format!("{at}.{member}")),
            crate::client::describe(got),
        ))
    }
}

pub fn failure_at(
    r: &Resp,
    expected: impl Into<String>,
    path: impl Into<String>,
    got: impl Into<String>,
) -> Verdict {
    Verdict::Fail(Box::new(Failure {
        request: Some(r.label.clone()),
        expected: expected.into(),
        got: got.into(),
        status: Some(r.status),
        content_type: r.content_type.clone(),
        json_path: Some(path.into()),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leaks_are_found_with_their_path() {
        let v = json!({"data": [{"id": 1}, {"id": 2, "secret": "whsec_x"}]});
        assert_eq!(find_leak(&v, &[]).unwrap().0, "$.data[1].secret");
        let v = json!({"data": [{"auth": {"type": "bearer", "token": "tok-123"}}]});
        assert_eq!(
            find_leak(&v, &["tok-123"]).unwrap().0,
            "$.data[0].auth.token"
        );
        assert!(find_value(&json!({"data": [{"secret": "s"}]}), &["tok"]).is_none());
        let v = json!({"data": [{"secret": null, "name": "x"}]});
        assert!(find_leak(&v, &["tok"]).is_none());
    }

    #[test]
    fn ids_and_encoding() {
        assert_eq!(id_of(&json!(7)), Some("7".into()));
        assert_eq!(id_of(&json!("wh_1")), Some("wh_1".into()));
        assert_eq!(id_of(&json!(true)), None);
        assert_eq!(encode("a b/c+"), "a%20b%2Fc%2B");
    }
}
