//! `--dialect plandocket`: the webhooks API of plandocket's documentation (seed 001).
//!
//! `{data, meta: {request_id}}` envelopes, integer ids, `GET/POST /webhooks`,
//! `GET/DELETE /webhooks/{id}`, `GET /webhooks/events`; a create answers the webhook or the
//! seed's `{data: {webhook_id}}`; the secret is shown on create and show only, never in a list;
//! URLs must be HTTPS; bad input is an error naming the member.

use super::{delete_fixture, expect_integer, expect_member, named_members, push_auth_checks, Ctx};
use crate::checks::{encode, find_leak, id_of, outcome, UNKNOWN_ID};
use crate::client::{describe, excerpt, fail, skip, Resp, Step};
use crate::report::GroupReport;
use serde_json::{json, Value};

pub async fn run(ctx: &mut Ctx, g: &mut GroupReport) {
    push_auth_checks(ctx, g, "the bearer token", "a wrong bearer token").await;
    g.push(
        "events",
        "GET /webhooks/events is {data: [event types], meta: {request_id}}",
        outcome(events(ctx).await),
    );
    g.push(
        "create",
        "POST /webhooks answers the webhook or {data: {webhook_id}}, an integer id and the secret",
        outcome(create(ctx).await),
    );
    g.push(
        "get",
        "GET /webhooks/{id} is {data: webhook, meta} with its members and its secret",
        outcome(get(ctx).await),
    );
    g.push(
        "list",
        "GET /webhooks is {data: [webhooks], meta: {request_id}} with integer ids, the webhook among them",
        outcome(list(ctx).await),
    );
    g.push(
        "list.no_secrets",
        "lists never carry a secret",
        outcome(list_no_secrets(ctx).await),
    );
    g.push(
        "validation.https_only",
        "a create with an http:// url is refused with an error naming url",
        outcome(refused(ctx, "http", "url").await),
    );
    g.push(
        "validation.events_missing",
        "a create without events is refused with an error naming events",
        outcome(refused(ctx, "no-events", "events").await),
    );
    g.push(
        "get.unknown",
        "GET /webhooks/{unknown id} is 404",
        outcome(unknown(ctx).await),
    );
    g.push(
        "delete",
        "DELETE /webhooks/{id} is 200 or 204, then the webhook is 404",
        outcome(delete_fixture(ctx).await),
    );
}

/// One page of the list: the items and `meta.next_cursor`, if the server pages.
fn page(r: &Resp) -> Step<(Vec<Value>, Option<String>)> {
    let data = r.envelope(&[200])?;
    let Some(items) = data.as_array() else {
        return r.fail(
            "data as an array of webhooks",
            Some("$.data".into()),
            describe(Some(data)),
        );
    };
    let next = r
        .json
        .as_ref()
        .and_then(|b| b["meta"].get("next_cursor"))
        .and_then(Value::as_str)
        .filter(|c| !c.is_empty())
        .map(str::to_string);
    Ok((items.clone(), next))
}

/// Every page of `GET /webhooks` (a cursor is followed when the server hands one out).
async fn pages(ctx: &Ctx) -> Step<Vec<Resp>> {
    let mut out = Vec::new();
    let mut path = "/webhooks".to_string();
    for _ in 0..50 {
        let r = ctx.get(&path).await?;
        let (_, next) = page(&r)?;
        out.push(r);
        match next {
            Some(c) => path = format!("/webhooks?cursor={}", encode(&c)),
            None => return Ok(out),
        }
    }
    fail(
        "the list to end within 50 pages",
        "GET /webhooks kept handing out cursors",
    )
}

pub async fn list_all(ctx: &Ctx) -> Step<Vec<Value>> {
    let mut items = Vec::new();
    for r in pages(ctx).await? {
        items.extend(page(&r)?.0);
    }
    Ok(items)
}

async fn events(ctx: &mut Ctx) -> Step<()> {
    let r = ctx.get("/webhooks/events").await?;
    let data = r.envelope(&[200])?;
    let Some(items) = data.as_array().filter(|a| !a.is_empty()) else {
        return r.fail(
            "data as a non-empty array of event types",
            Some("$.data".into()),
            describe(Some(data)),
        );
    };
    let mut names = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let name = match item {
            Value::String(s) => Some(s.clone()),
            Value::Object(_) => ["name", "event", "key"]
                .iter()
                .find_map(|k| item.get(*k).and_then(Value::as_str))
                .map(str::to_string),
            _ => None,
        };
        match name.filter(|n| !n.is_empty()) {
            Some(n) => names.push(n),
            None => {
                return r.fail(
                    "each event type as a name or an object with a name",
                    Some(format!("$.data[{i}]")),
                    describe(Some(item)),
                )
            }
        }
    }
    ctx.events = names;
    Ok(())
}

fn body(ctx: &Ctx, suffix: &str, url: &str, event: &str) -> Value {
    json!({
        "url": url,
        "events": [event],
        "name": ctx.name(suffix),
        "is_active": true,
        "headers": {"X-Conformance-Run": ctx.run},
        "retry_count": 3,
        "timeout_seconds": 30,
    })
}

fn inert_url(ctx: &Ctx, suffix: &str) -> String {
    format!("https://example.invalid/conformance/{}/{suffix}", ctx.run)
}

fn first_event(ctx: &Ctx) -> Step<String> {
    match ctx.events.first() {
        Some(e) => Ok(e.clone()),
        None => skip("GET /webhooks/events gave no event type to subscribe to"),
    }
}

/// A webhook as plandocket shows it, compared with what was sent.
fn check_webhook(r: &Resp, data: &Value, sent: &Value, at: &str) -> Step<String> {
    let id = expect_integer(r, data, at, "id")?;
    for member in [
        "url",
        "events",
        "name",
        "is_active",
        "retry_count",
        "timeout_seconds",
    ] {
        expect_member(r, data, at, member, &sent[member])?;
    }
    if let Some(h) = data.get("headers") {
        // Each header sent, its value shown or (write-only) `null`.
        let same = match (h.as_object(), sent["headers"].as_object()) {
            (Some(got), Some(want)) => {
                got.len() == want.len()
                    && want
                        .iter()
                        .all(|(k, v)| got.get(k).is_some_and(|g| g == v || g.is_null()))
            }
            _ => h == &sent["headers"],
        };
        if !same {
            return r.fail(
                format!("headers {} echoed", sent["headers"]),
                Some(format!("{at}.headers")),
                h.to_string(),
            );
        }
    }
    match data.get("created_at") {
        Some(Value::Number(n)) if n.is_u64() => {}
        Some(Value::String(s)) if !s.is_empty() => {}
        other => {
            return r.fail(
                "created_at as Unix seconds (or a time string)",
                Some(format!("{at}.created_at")),
                describe(other),
            )
        }
    }
    for member in ["last_triggered_at", "last_success_at", "last_failure_at"] {
        match data.get(member) {
            None | Some(Value::Null) | Some(Value::String(_)) => {}
            other => {
                return r.fail(
                    format!("{member} as a string or null"),
                    Some(format!("{at}.{member}")),
                    describe(other),
                )
            }
        }
    }
    Ok(id)
}

fn secret_of(r: &Resp, data: &Value, at: &str) -> Step<String> {
    match data.get("secret") {
        Some(Value::String(s)) if !s.is_empty() => Ok(s.clone()),
        other => r.fail(
            "the secret (shown on create and show)",
            Some(format!("{at}.secret")),
            describe(other),
        ),
    }
}

async fn create(ctx: &mut Ctx) -> Step<()> {
    let event = first_event(ctx)?;
    let sent = body(ctx, "fixture", &inert_url(ctx, "fixture"), &event);
    let r = ctx.post("/webhooks", &sent).await?;
    let data = r.envelope(&[200, 201])?.clone();
    if data.get("url").is_some() {
        // The webhook itself. Later checks work on it even when this one finds fault.
        let id = expect_integer(&r, &data, "$.data", "id")?;
        ctx.hold(id, &data, &sent);
        check_webhook(&r, &data, &sent, "$.data")?;
        let secret = secret_of(&r, &data, "$.data")?;
        if let Some(f) = ctx.fixture.as_mut() {
            f.secret = Some(secret);
        }
        return Ok(());
    }
    if data.get("webhook_id").is_none() {
        return r.fail(
            "the webhook (with url) or {webhook_id}",
            Some("$.data".into()),
            excerpt(&data.to_string()),
        );
    }
    // The seed's example answer: read the webhook back by its id.
    let id = expect_integer(&r, &data, "$.data", "webhook_id")?;
    ctx.hold(id.clone(), &data, &sent);
    let r = ctx.get(&format!("/webhooks/{id}")).await?;
    let item = r.envelope(&[200])?.clone();
    check_webhook(&r, &item, &sent, "$.data")?;
    let secret = secret_of(&r, &item, "$.data")?;
    if let Some(f) = ctx.fixture.as_mut() {
        f.item = item;
        f.secret = Some(secret);
    }
    Ok(())
}

async fn get(ctx: &mut Ctx) -> Step<()> {
    let f = ctx.fixture()?;
    let r = ctx.get(&format!("/webhooks/{}", f.id)).await?;
    let data = r.envelope(&[200])?;
    let id = check_webhook(&r, data, &f.sent, "$.data")?;
    if id != f.id {
        return r.fail(format!("id {}", f.id), Some("$.data.id".into()), id);
    }
    let secret = secret_of(&r, data, "$.data")?;
    if f.secret.as_ref().is_some_and(|s| *s != secret) {
        return r.fail(
            "the secret the create showed",
            Some("$.data.secret".into()),
            "another one",
        );
    }
    Ok(())
}

async fn list(ctx: &mut Ctx) -> Step<()> {
    let f = ctx.fixture()?;
    let mut found = false;
    for r in pages(ctx).await? {
        let (items, _) = page(&r)?;
        for (i, item) in items.iter().enumerate() {
            let id = expect_integer(&r, item, &format!("$.data[{i}]"), "id")?;
            if id == f.id {
                check_webhook(&r, item, &f.sent, &format!("$.data[{i}]"))?;
                found = true;
            }
        }
    }
    if found {
        Ok(())
    } else {
        fail(
            format!("webhook {} in GET /webhooks", f.id),
            "the list without it",
        )
    }
}

async fn list_no_secrets(ctx: &mut Ctx) -> Step<()> {
    let f = ctx.fixture()?;
    let Some(secret) = f.secret else {
        return skip("the create check did not show a secret to look for");
    };
    for r in pages(ctx).await? {
        if let Some((path, what)) = r.json.as_ref().and_then(|b| find_leak(b, &[&secret])) {
            return r.fail("no secret in a list", Some(path), what);
        }
    }
    Ok(())
}

/// A create with one bad member is refused (400 or 422) with an error naming it, and stores
/// nothing.
async fn refused(ctx: &mut Ctx, flaw: &str, member: &str) -> Step<()> {
    let event = first_event(ctx)?;
    let mut sent = body(ctx, "refused", &inert_url(ctx, "refused"), &event);
    match flaw {
        "http" => sent["url"] = json!(format!("http://example.com/conformance/{}", ctx.run)),
        _ => {
            sent.as_object_mut().map(|m| m.remove("events"));
        }
    }
    let r = ctx.post("/webhooks", &sent).await?;
    if (200..300).contains(&r.status) {
        let data = r.json.as_ref().map(|b| &b["data"]);
        let id = data.and_then(|d| d.get("id").or_else(|| d.get("webhook_id")).and_then(id_of));
        return ctx
            .accepted_by_mistake(&r, id, &format!("400 or 422 naming {member}"))
            .await;
    }
    if !matches!(r.status, 400 | 422) {
        return r.fail(
            format!("status 400 or 422 naming {member}"),
            None,
            excerpt(&r.text),
        );
    }
    let names = r.json.as_ref().map(named_members).unwrap_or_default();
    if names.iter().any(|n| n == member) {
        Ok(())
    } else {
        r.fail(
            format!("an error naming {member:?} (errors[].field)"),
            Some("$.errors".into()),
            format!("members named {names:?}; body {}", excerpt(&r.text)),
        )
    }
}

async fn unknown(ctx: &mut Ctx) -> Step<()> {
    let r = ctx.get(&format!("/webhooks/{UNKNOWN_ID}")).await?;
    r.expect_status(&[404])
}
