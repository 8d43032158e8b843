//! Core-level checks: auth, envelope, problems, CRUD, validation, idempotency, paging, filters.

use super::{
    encode, expect_eq, failure_at, find_leak, find_value, id_of, outcome, required_id, Ctx, Hook,
    UNKNOWN_ID,
};
use crate::client::{describe, excerpt, fail, skip, Cred, Step};
use crate::report::GroupReport;
use reqwest::Method;
use serde_json::{json, Value};
use switchboard_api::Webhook;

pub async fn run(ctx: &mut Ctx, g: &mut GroupReport) {
    g.push(
        "auth.missing_token",
        "a request without a token is 401 problem+json",
        outcome(unauthorized(ctx, Cred::NoToken).await),
    );
    g.push(
        "auth.wrong_token",
        "a request with a wrong token is 401 problem+json",
        outcome(unauthorized(ctx, Cred::WrongToken).await),
    );
    g.push(
        "unknown_route",
        "an unknown API route is 404 problem+json",
        outcome(unknown_route(ctx).await),
    );
    g.push(
        "method_not_allowed",
        "a method a route does not take is 405 (or 404) problem+json",
        outcome(method_not_allowed(ctx).await),
    );
    g.push(
        "catalogue.list",
        "GET /webhooks/events lists event types by name",
        outcome(catalogue(ctx).await),
    );
    g.push(
        "create",
        "POST /webhooks is 201 with the webhook, its id and its secret",
        outcome(create(ctx).await),
    );
    g.push(
        "get",
        "GET /webhooks/{id} returns the webhook with its secret",
        outcome(get(ctx).await),
    );
    g.push(
        "list.envelope",
        "GET /webhooks is a page {data: [], meta: {request_id, next_cursor}}",
        outcome(list(ctx).await),
    );
    g.push(
        "list.no_secrets",
        "lists never carry a signing secret",
        outcome(list_no_secrets(ctx).await),
    );
    g.push(
        "auth.write_only",
        "endpoint auth secrets are never sent back",
        outcome(auth_write_only(ctx).await),
    );
    g.push(
        "get.unknown",
        "GET /webhooks/{unknown id} is 404 problem+json",
        outcome(unknown(ctx, Method::GET).await),
    );
    g.push(
        "delete.unknown",
        "DELETE /webhooks/{unknown id} is 404 problem+json",
        outcome(unknown(ctx, Method::DELETE).await),
    );
    let invalid: [(&str, &str, &str); 6] = [
        (
            "validation.url_missing",
            "a create without url is 422 naming url",
            "url",
        ),
        (
            "validation.url_invalid",
            "a create with a malformed url is 422 naming url",
            "url",
        ),
        (
            "validation.url_plain_http",
            "a create with a public plain-http url is 422 naming url",
            "url",
        ),
        (
            "validation.events_empty",
            "a create with events: [] is 422 naming events",
            "events",
        ),
        (
            "validation.events_unknown",
            "a create with an unknown event type is 422 naming events",
            "events",
        ),
        (
            "validation.name_too_long",
            "a create with a 121-character name is 422 naming name",
            "name",
        ),
    ];
    for (id, title, field) in invalid {
        g.push(id, title, outcome(invalid_create(ctx, id, field).await));
    }
    g.push(
        "validation.malformed_json",
        "a body that is not JSON is 400 problem+json",
        outcome(malformed(ctx).await),
    );
    g.push(
        "validation.nothing_stored",
        "refused creates store nothing",
        outcome(nothing_stored(ctx).await),
    );
    g.push(
        "idempotency.replay",
        "the same Idempotency-Key and body return the same webhook",
        outcome(idempotent_replay(ctx).await),
    );
    g.push(
        "idempotency.conflict",
        "the same Idempotency-Key with another body is 409 problem+json",
        outcome(idempotent_conflict(ctx).await),
    );
    let pages = paging_fixture(ctx).await;
    g.push(
        "paging.limit",
        "limit is honoured and next_cursor leads through every item once, newest first",
        outcome(paging_limit(ctx, &pages).await),
    );
    g.push(
        "paging.stable",
        "paging while items are inserted has no duplicates and no gaps",
        outcome(paging_stable(ctx, &pages).await),
    );
    g.push(
        "paging.bad_cursor",
        "a cursor the server never issued is 400 problem+json",
        outcome(bad_cursor(ctx).await),
    );
    g.push(
        "paging.limit_bounds",
        "limit=0 and limit=201 are refused with problem+json or clamped to 1..200",
        outcome(limit_bounds(ctx).await),
    );
    g.push(
        "filter.q",
        "?q= finds webhooks by name",
        outcome(filter_q(ctx, &pages).await),
    );
    let inactive = inactive_fixture(ctx).await;
    g.push(
        "filter.is_active",
        "?is_active= lists only webhooks in that state",
        outcome(filter_active(ctx, &inactive).await),
    );
    g.push(
        "filter.event",
        "?event= lists only webhooks subscribed to it",
        outcome(filter_event(ctx, &inactive).await),
    );
    g.push(
        "delete",
        "DELETE /webhooks/{id} is 204, then the webhook is 404",
        outcome(delete(ctx).await),
    );
}

async fn unauthorized(ctx: &Ctx, cred: Cred) -> Step<()> {
    let r = ctx
        .http
        .send(Method::GET, "/webhooks", None, &[], cred)
        .await?;
    r.problem(401).map(|_| ())
}

async fn unknown_route(ctx: &Ctx) -> Step<()> {
    let r = ctx.http.get("/no-such-route-for-conformance").await?;
    r.problem(404).map(|_| ())
}

async fn method_not_allowed(ctx: &Ctx) -> Step<()> {
    let r = ctx
        .http
        .send(Method::PUT, "/webhooks", Some(&json!({})), &[], Cred::Token)
        .await?;
    let status = if r.status == 404 { 404 } else { 405 };
    r.problem(status).map(|_| ())
}

async fn catalogue(ctx: &mut Ctx) -> Step<()> {
    let r = ctx.http.get("/webhooks/events").await?;
    let data = r.envelope(&[200])?;
    let Some(items) = data.as_array() else {
        return r.fail(
            "data as an array of event types",
            Some("$.data".into()),
            describe(Some(data)),
        );
    };
    if items.is_empty() {
        return r.fail(
            "at least one event type",
            Some("$.data".into()),
            "an empty array",
        );
    }
    let mut live = Vec::new();
    let mut deprecated = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let Some(name) = item
            .get("name")
            .and_then(Value::as_str)
            .filter(|n| !n.is_empty())
        else {
            return r.fail(
                "a name on every event type",
                Some(format!("$.data[{i}].name")),
                describe(item.get("name")),
            );
        };
        if item.get("deprecated").and_then(Value::as_bool) == Some(true) {
            deprecated.push(name.to_string());
        } else {
            live.push(name.to_string());
        }
    }
    live.extend(deprecated);
    ctx.events = live;
    Ok(())
}

/// Reads a webhook from `data` and compares the members the core create sent.
fn check_webhook(r: &crate::client::Resp, data: &Value, sent: &Value, at: &str) -> Step<Webhook> {
    let w: Webhook = r.parse(
        data,
        at,
        "webhook (id as string or integer, times as RFC 3339 or Unix seconds)",
    )?;
    for member in ["name", "url", "events"] {
        expect_eq(r, data, member, &sent[member], at)?;
    }
    if w.is_active != sent["is_active"].as_bool().unwrap_or(true) {
        return Err(failure_at(
            r,
            format!("is_active = {}", sent["is_active"]),
            format!("{at}.is_active"),
            w.is_active.to_string(),
        ));
    }
    Ok(w)
}

async fn create(ctx: &mut Ctx) -> Step<()> {
    let event = ctx.event(0)?;
    let body = ctx.webhook_body("fixture", &ctx.inert_url("fixture"), &event);
    let r = ctx.create(&body, &[]).await?;
    let data = r.envelope(&[201])?;
    let id = required_id(&r, data, "$.data.id")?;
    let w = check_webhook(&r, data, &body, "$.data")?;
    let Some(secret) = w.secret.clone().filter(|s| !s.is_empty()) else {
        return r.fail(
            "the signing secret in the create response",
            Some("$.data.secret".into()),
            describe(data.get("secret")),
        );
    };
    // The plandocket response shape has no `headers`; when a backend sends them back, they
    // must be the ones it was given, the value shown or (write-only) `null`.
    let echoed = match w.headers.get("X-Conformance-Run") {
        Some(Some(v)) => v == &ctx.run,
        Some(None) => true,
        None => false,
    };
    if data.get("headers").is_some() && !echoed {
        let got = data["headers"].to_string();
        return r.fail(
            format!("headers {{\"X-Conformance-Run\": {:?}}} echoed", ctx.run),
            Some("$.data.headers".into()),
            got,
        );
    }
    ctx.fixture = Some(Hook {
        id,
        secret: Some(secret),
        event,
        key: String::new(),
    });
    Ok(())
}

async fn get(ctx: &mut Ctx) -> Step<()> {
    let f = ctx.fixture()?;
    let r = ctx.http.get(&format!("/webhooks/{}", f.id)).await?;
    let data = r.envelope(&[200])?;
    let got = required_id(&r, data, "$.data.id")?;
    if got != f.id {
        return r.fail(format!("id {}", f.id), Some("$.data.id".into()), got);
    }
    let w: Webhook = r.parse(data, "$.data", "webhook")?;
    if w.secret != f.secret {
        return r.fail(
            "the same secret as the create response",
            Some("$.data.secret".into()),
            describe(data.get("secret")),
        );
    }
    Ok(())
}

async fn list(ctx: &mut Ctx) -> Step<()> {
    let f = ctx.fixture()?;
    let r = ctx
        .http
        .get(&format!("/webhooks?q={}", encode(&ctx.name("fixture"))))
        .await?;
    let (items, _) = r.page()?;
    for (i, item) in items.iter().enumerate() {
        r.parse::<Webhook>(item, &format!("$.data[{i}]"), "webhook")?;
    }
    let all = ctx
        .list_all("/webhooks", &format!("q={}", encode(&ctx.name("fixture"))))
        .await?;
    if !all
        .iter()
        .any(|w| w.get("id").and_then(id_of).as_deref() == Some(&f.id))
    {
        return fail(
            format!("the created webhook {} in the list", f.id),
            format!("{} items without it", all.len()),
        );
    }
    Ok(())
}

async fn list_no_secrets(ctx: &mut Ctx) -> Step<()> {
    let f = ctx.fixture()?;
    let secret = f.secret.clone().unwrap_or_default();
    for query in [String::new(), format!("?q={}", encode(&ctx.name("")))] {
        let r = ctx.http.get(&format!("/webhooks{query}")).await?;
        r.page()?;
        if let Some((path, what)) = r.json.as_ref().and_then(|b| find_leak(b, &[&secret])) {
            return r.fail("no secret in a list", Some(path), what);
        }
    }
    Ok(())
}

async fn auth_write_only(ctx: &mut Ctx) -> Step<()> {
    let event = ctx.event(0)?;
    let token = format!("cf-write-only-{}", ctx.run);
    let mut body = ctx.webhook_body("auth", &ctx.inert_url("auth"), &event);
    body["auth"] = json!({"type": "bearer", "token": token});
    let r = ctx.create(&body, &[]).await?;
    if r.status == 422 && r.field_error("auth").is_ok() {
        return skip("the server does not take endpoint auth (422 on auth), so it has no auth secret to leak");
    }
    let data = r.envelope(&[201])?;
    let id = required_id(&r, data, "$.data.id")?;
    if let Some((path, what)) = r
        .json
        .as_ref()
        .and_then(|b| find_value(&b["data"]["auth"], &[&token]))
    {
        return r.fail(
            "auth without its token in the create response",
            Some(format!("$.data.auth{}", &path[1..])),
            what,
        );
    }
    let r = ctx.http.get(&format!("/webhooks/{id}")).await?;
    r.envelope(&[200])?;
    if let Some((path, what)) = r
        .json
        .as_ref()
        .and_then(|b| find_value(&b["data"]["auth"], &[&token]))
    {
        return r.fail(
            "auth without its token",
            Some(format!("$.data.auth{}", &path[1..])),
            what,
        );
    }
    let r = ctx
        .http
        .get(&format!("/webhooks?q={}", encode(&ctx.name("auth"))))
        .await?;
    r.page()?;
    if let Some((path, what)) = r.json.as_ref().and_then(|b| find_value(b, &[&token])) {
        return r.fail("no auth token in a list", Some(path), what);
    }
    Ok(())
}

async fn unknown(ctx: &Ctx, method: Method) -> Step<()> {
    let r = ctx
        .http
        .send(
            method,
            &format!("/webhooks/{UNKNOWN_ID}"),
            None,
            &[],
            Cred::Token,
        )
        .await?;
    r.problem(404).map(|_| ())
}

async fn invalid_create(ctx: &mut Ctx, check: &str, field: &str) -> Step<()> {
    let event = ctx.event(0)?;
    let mut body = ctx.webhook_body("invalid", &ctx.inert_url("invalid"), &event);
    match check {
        "validation.url_missing" => {
            body.as_object_mut().map(|m| m.remove("url"));
        }
        "validation.url_invalid" => body["url"] = json!("not a url"),
        "validation.url_plain_http" => body["url"] = json!("http://example.com/conformance"),
        "validation.events_empty" => body["events"] = json!([]),
        "validation.events_unknown" => {
            body["events"] = json!([format!("no.such.event.{}", ctx.run)])
        }
        _ => body["name"] = json!(format!("{}-{}", ctx.name("invalid"), "x".repeat(121))),
    }
    let r = ctx.create(&body, &[]).await?;
    r.field_error(field)
}

async fn malformed(ctx: &Ctx) -> Step<()> {
    let r = ctx
        .http
        .send_raw(
            Method::POST,
            "/webhooks",
            Some(b"{\"name\": ".to_vec()),
            &[],
            Cred::Token,
        )
        .await?;
    r.problem(400).map(|_| ())
}

async fn nothing_stored(ctx: &Ctx) -> Step<()> {
    let all = ctx
        .list_all("/webhooks", &format!("q={}", encode(&ctx.name("invalid"))))
        .await?;
    let stored: Vec<&Value> = all
        .iter()
        .filter(|w| {
            w.get("name")
                .and_then(Value::as_str)
                .is_some_and(|n| n.starts_with(&ctx.name("invalid")))
        })
        .collect();
    if stored.is_empty() {
        Ok(())
    } else {
        fail(
            "no webhook from a refused create",
            format!(
                "{} stored, e.g. {}",
                stored.len(),
                excerpt(&stored[0].to_string())
            ),
        )
    }
}

async fn idempotent_replay(ctx: &mut Ctx) -> Step<()> {
    let event = ctx.event(0)?;
    let key = format!("cf-{}-idem", ctx.run);
    let body = ctx.webhook_body("idem", &ctx.inert_url("idem"), &event);
    let first = ctx.create(&body, &[("Idempotency-Key", &key)]).await?;
    let data = first.envelope(&[201])?;
    let id = required_id(&first, data, "$.data.id")?;
    let again = ctx.create(&body, &[("Idempotency-Key", &key)]).await?;
    let data = again.envelope(&[200, 201])?;
    let id2 = required_id(&again, data, "$.data.id")?;
    if id != id2 {
        return again.fail(
            format!("the first create's id {id}"),
            Some("$.data.id".into()),
            id2,
        );
    }
    let all = ctx
        .list_all("/webhooks", &format!("q={}", encode(&ctx.name("idem"))))
        .await?;
    let copies = all.iter().filter(|w| w["name"] == body["name"]).count();
    if copies != 1 {
        return fail(
            "exactly one webhook after a replayed create",
            format!("{copies}"),
        );
    }
    Ok(())
}

async fn idempotent_conflict(ctx: &mut Ctx) -> Step<()> {
    let event = ctx.event(0)?;
    let key = format!("cf-{}-idem", ctx.run);
    let body = ctx.webhook_body("idem-other", &ctx.inert_url("idem-other"), &event);
    let r = ctx.create(&body, &[("Idempotency-Key", &key)]).await?;
    r.problem(409).map(|_| ())
}

/// Five webhooks made one after another for the paging checks; their ids in creation order.
async fn paging_fixture(ctx: &mut Ctx) -> Step<Vec<String>> {
    let event = ctx.event(0)?;
    let mut ids = Vec::new();
    for i in 0..5 {
        let body = ctx.webhook_body(
            &format!("page-{i}"),
            &ctx.inert_url(&format!("page-{i}")),
            &event,
        );
        ids.push(ctx.create_ok(&body).await?.id);
    }
    Ok(ids)
}

/// Walks `?q=…&limit=2`, calling `between` after the first page; returns every id in order.
async fn walk_pages(
    ctx: &mut Ctx,
    tag: &str,
    mut between: Option<&mut Vec<String>>,
) -> Step<Vec<String>> {
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    for page in 0..200 {
        let mut path = format!("/webhooks?limit=2&q={}", encode(tag));
        if let Some(c) = &cursor {
            path.push_str(&format!("&cursor={}", encode(c)));
        }
        let r = ctx.http.get(&path).await?;
        let (items, next) = r.page()?;
        if items.len() > 2 {
            return r.fail(
                "at most 2 items for limit=2",
                Some("$.data".into()),
                format!("{} items", items.len()),
            );
        }
        if items.is_empty() && next.is_some() {
            return r.fail(
                "a next_cursor only when more items follow",
                Some("$.meta.next_cursor".into()),
                "a cursor after an empty page",
            );
        }
        for (i, item) in items.iter().enumerate() {
            let id = required_id(&r, item, &format!("$.data[{i}].id"))?;
            if item
                .get("name")
                .and_then(Value::as_str)
                .is_some_and(|n| n.starts_with(tag))
            {
                seen.push(id);
            }
        }
        if page == 0 {
            if let Some(added) = between.as_deref_mut() {
                let event = ctx.event(0)?;
                for j in 0..2 {
                    let suffix = format!("page-new-{j}");
                    let body = ctx.webhook_body(&suffix, &ctx.inert_url(&suffix), &event);
                    added.push(ctx.create_ok(&body).await?.id);
                }
            }
        }
        match next {
            Some(c) => cursor = Some(c),
            None => return Ok(seen),
        }
    }
    fail("the pages to end", "more than 200 pages of 2")
}

fn check_order(originals: &[String], seen: &[String]) -> Step<()> {
    let mut dup = seen.to_vec();
    dup.sort();
    if let Some(w) = dup.windows(2).find(|w| w[0] == w[1]) {
        return fail(
            "every webhook once across pages",
            format!("{} appeared twice; order seen {seen:?}", w[0]),
        );
    }
    let missing: Vec<&String> = originals.iter().filter(|id| !seen.contains(id)).collect();
    if !missing.is_empty() {
        return fail(
            "every webhook that existed before paging began",
            format!("missing {missing:?}; seen {seen:?}"),
        );
    }
    let order: Vec<&String> = seen.iter().filter(|id| originals.contains(id)).collect();
    let newest_first: Vec<&String> = originals.iter().rev().collect();
    if order != newest_first {
        return fail(
            format!("newest first: {newest_first:?}"),
            format!("{order:?}"),
        );
    }
    Ok(())
}

async fn paging_limit(ctx: &mut Ctx, pages: &Step<Vec<String>>) -> Step<()> {
    let originals = pages.clone()?;
    let seen = walk_pages(ctx, &ctx.name("page-"), None).await?;
    check_order(&originals, &seen)
}

async fn paging_stable(ctx: &mut Ctx, pages: &Step<Vec<String>>) -> Step<()> {
    let originals = pages.clone()?;
    let mut added = Vec::new();
    let seen = walk_pages(ctx, &ctx.name("page-"), Some(&mut added)).await?;
    check_order(&originals, &seen)
}

async fn bad_cursor(ctx: &Ctx) -> Step<()> {
    let r = ctx
        .http
        .get("/webhooks?cursor=not-a-cursor-this-server-issued")
        .await?;
    if r.status == 422 {
        return r.problem(422).map(|_| ());
    }
    r.problem(400).map(|_| ())
}

async fn limit_bounds(ctx: &Ctx) -> Step<()> {
    for limit in [0, 201] {
        let r = ctx.http.get(&format!("/webhooks?limit={limit}")).await?;
        match r.status {
            200 => {
                let (items, _) = r.page()?;
                if items.len() > 200 {
                    return r.fail(
                        "at most 200 items",
                        Some("$.data".into()),
                        format!("{} items", items.len()),
                    );
                }
            }
            400 | 422 => {
                r.problem(r.status)?;
            }
            _ => {
                return r.fail(
                    "400 or 422 problem+json, or a clamped page",
                    None,
                    excerpt(&r.text),
                )
            }
        }
    }
    Ok(())
}

async fn filter_q(ctx: &Ctx, pages: &Step<Vec<String>>) -> Step<()> {
    let originals = pages.clone()?;
    let target = ctx.name("page-3");
    let r = ctx
        .http
        .get(&format!("/webhooks?q={}", encode(&target)))
        .await?;
    let (items, _) = r.page()?;
    let ids: Vec<String> = items
        .iter()
        .filter_map(|w| w.get("id").and_then(id_of))
        .collect();
    if !ids.contains(&originals[3]) {
        return r.fail(
            format!("webhook {} named {target}", originals[3]),
            Some("$.data".into()),
            format!("ids {ids:?}"),
        );
    }
    for (i, w) in items.iter().enumerate() {
        if !w.to_string().contains(&target) {
            return r.fail(
                format!("only webhooks matching {target:?}"),
                Some(format!("$.data[{i}]")),
                excerpt(&w.to_string()),
            );
        }
    }
    Ok(())
}

async fn inactive_fixture(ctx: &mut Ctx) -> Step<Hook> {
    let event = ctx.event(1)?;
    let mut body = ctx.webhook_body("inactive", &ctx.inert_url("inactive"), &event);
    body["is_active"] = json!(false);
    ctx.create_ok(&body).await
}

async fn filter_active(ctx: &Ctx, inactive: &Step<Hook>) -> Step<()> {
    let inactive = inactive.clone()?;
    let f = ctx.fixture()?;
    let q = encode(&ctx.name(""));
    for (state, want, not) in [
        ("false", &inactive.id, &f.id),
        ("true", &f.id, &inactive.id),
    ] {
        let items = ctx
            .list_all("/webhooks", &format!("is_active={state}&q={q}"))
            .await?;
        let ids: Vec<String> = items
            .iter()
            .filter_map(|w| w.get("id").and_then(id_of))
            .collect();
        if !ids.contains(want) || ids.contains(not) {
            return fail(
                format!("?is_active={state} to list {want} and not {not}"),
                format!("ids {ids:?}"),
            );
        }
        if let Some(w) = items.iter().find(|w| {
            w.get("is_active")
                .and_then(Value::as_bool)
                .map(|b| b.to_string())
                .as_deref()
                != Some(state)
        }) {
            return fail(format!("only is_active={state}"), excerpt(&w.to_string()));
        }
    }
    Ok(())
}

async fn filter_event(ctx: &Ctx, inactive: &Step<Hook>) -> Step<()> {
    let inactive = inactive.clone()?;
    let items = ctx
        .list_all(
            "/webhooks",
            &format!(
                "event={}&q={}",
                encode(&inactive.event),
                encode(&ctx.name(""))
            ),
        )
        .await?;
    let ids: Vec<String> = items
        .iter()
        .filter_map(|w| w.get("id").and_then(id_of))
        .collect();
    if !ids.contains(&inactive.id) {
        return fail(
            format!("?event={} to list webhook {}", inactive.event, inactive.id),
            format!("ids {ids:?}"),
        );
    }
    if let Some(w) = items.iter().find(|w| {
        !w.get("events")
            .and_then(Value::as_array)
            .is_some_and(|e| e.iter().any(|x| x.as_str() == Some(&inactive.event)))
    }) {
        return fail(
            format!("only webhooks subscribed to {}", inactive.event),
            excerpt(&w.to_string()),
        );
    }
    Ok(())
}

async fn delete(ctx: &mut Ctx) -> Step<()> {
    let event = ctx.event(0)?;
    let body = ctx.webhook_body("delete", &ctx.inert_url("delete"), &event);
    let id = ctx.create_ok(&body).await?.id;
    let r = ctx.http.delete(&format!("/webhooks/{id}")).await?;
    r.expect_status(&[204])?;
    if !r.text.is_empty() {
        return r.fail("an empty body with 204", None, excerpt(&r.text));
    }
    let r = ctx.http.get(&format!("/webhooks/{id}")).await?;
    r.problem(404)?;
    let r = ctx.http.delete(&format!("/webhooks/{id}")).await?;
    r.problem(404)?;
    Ok(())
}

/// After cleanup: every webhook the checker created answers 404.
pub async fn nothing_left(ctx: &Ctx) -> Step<()> {
    for id in &ctx.created {
        let r = ctx.http.get(&format!("/webhooks/{id}")).await?;
        if r.status != 404 {
            return r.fail(
                "404 for a webhook the checker deleted",
                None,
                excerpt(&r.text),
            );
        }
    }
    Ok(())
}
