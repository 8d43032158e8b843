//! `--dialect shoprenter`: Shoprenter's WebHook resource (seed 003, `api/dialects.md`).
//!
//! `/webHooks` behind HTTP basic auth; the collection `{items, page, limit, pageCount, next}`
//! with `full=1`; items with `label`, `event`, `status` 0 or 1, `webHookParameters` and
//! `webHookDelay`; the seed's example POST body taken as it is; `PUT` changes the members it
//! carries; bad members are a 400 `{error, message, errors}` keyed by member path.

use super::{delete_fixture, expect_member, expect_string, json_body, push_auth_checks, Ctx};
use crate::checks::{id_of, outcome};
use crate::client::{describe, excerpt, fail, Cred, Resp, Step};
use crate::report::GroupReport;
use reqwest::Method;
use serde_json::{json, Value};

/// The API user whose password `--token` is, unless it names its own user (`user:password`).
pub const USER: &str = "switchboard";

/// The example POST body of Shoprenter's documentation.
pub const SEED_EXAMPLE: &str = switchboard_api::seed_examples::SHOPRENTER_CREATE;

const JSON: &[&str] = &["application/json"];
/// Pages asked for when looking for an item; the largest a shop serves.
const SEARCH_LIMIT: u64 = 200;

pub async fn run(ctx: &mut Ctx, g: &mut GroupReport) {
    push_auth_checks(ctx, g, "HTTP basic credentials", "a wrong basic password").await;
    g.push(
        "create.seed_example",
        "POST /webHooks takes the documentation's example body: 201 with the item",
        outcome(create(ctx).await),
    );
    g.push(
        "get",
        "GET /webHooks/{id} is the item with the members sent",
        outcome(get(ctx).await),
    );
    g.push(
        "list.full",
        "GET /webHooks?page=0&limit=25&full=1 is {items, page, limit, pageCount, next} of full items, the webhook among them",
        outcome(list(ctx).await),
    );
    g.push(
        "update.put_partial",
        "PUT /webHooks/{id} with label and status only changes those and keeps the rest",
        outcome(put_partial(ctx).await),
    );
    g.push(
        "validation.create",
        "a POST with an unknown event is 400 {error, message, errors} naming event",
        outcome(bad_create(ctx).await),
    );
    g.push(
        "validation.update",
        "a PUT with a bad delay unit is 400 {error, message, errors} naming webHookDelay[0].delayUnit",
        outcome(bad_update(ctx).await),
    );
    g.push(
        "delete",
        "DELETE /webHooks/{id} is 200 or 204, then the item is 404",
        outcome(delete_fixture(ctx).await),
    );
}

/// The seed's example, labelled with the run's tag so that it can be found and swept.
fn seed_body(ctx: &Ctx) -> Value {
    let mut body: Value = serde_json::from_str(SEED_EXAMPLE).unwrap_or_default();
    body["label"] = json!(ctx.name("test webhook"));
    body
}

/// The members every full item has, in their types.
fn check_shape(r: &Resp, item: &Value, at: &str) -> Step<String> {
    let id = expect_string(r, item, at, "id")?.to_string();
    match item.get("label") {
        Some(Value::String(_)) => {}
        other => {
            return r.fail(
                "label as a string",
                Some(format!("{at}.label")),
                describe(other),
            )
        }
    }
    expect_string(r, item, at, "event")?;
    match item.get("status").and_then(Value::as_u64) {
        Some(0 | 1) => {}
        _ => {
            return r.fail(
                "status as the integer 0 or 1",
                Some(format!("{at}.status")),
                describe(item.get("status")),
            )
        }
    }
    let Some(parameters) = item.get("webHookParameters").and_then(Value::as_array) else {
        return r.fail(
            "webHookParameters as an array of {type, url}",
            Some(format!("{at}.webHookParameters")),
            describe(item.get("webHookParameters")),
        );
    };
    for (i, p) in parameters.iter().enumerate() {
        let ok = matches!(p["type"].as_str(), Some("json" | "xml")) && p["url"].is_string();
        if !ok {
            return r.fail(
                "{type: json | xml, url}",
                Some(format!("{at}.webHookParameters[{i}]")),
                excerpt(&p.to_string()),
            );
        }
    }
    let Some(delays) = item.get("webHookDelay").and_then(Value::as_array) else {
        return r.fail(
            "webHookDelay as an array of {delay, delayUnit}",
            Some(format!("{at}.webHookDelay")),
            describe(item.get("webHookDelay")),
        );
    };
    for (i, d) in delays.iter().enumerate() {
        let ok = d["delay"].is_u64() && matches!(d["delayUnit"].as_str(), Some("day" | "hour"));
        if !ok {
            return r.fail(
                "{delay: integer, delayUnit: day | hour}",
                Some(format!("{at}.webHookDelay[{i}]")),
                excerpt(&d.to_string()),
            );
        }
    }
    Ok(id)
}

/// A full item, compared with the members sent.
fn check_item(r: &Resp, item: &Value, sent: &Value, at: &str) -> Step<String> {
    let id = check_shape(r, item, at)?;
    for member in [
        "label",
        "event",
        "status",
        "webHookParameters",
        "webHookDelay",
    ] {
        expect_member(r, item, at, member, &sent[member])?;
    }
    Ok(id)
}

async fn create(ctx: &mut Ctx) -> Step<()> {
    let sent = seed_body(ctx);
    let r = ctx.post("/webHooks", &sent).await?;
    let item = json_body(&r, &[200, 201], JSON)?.clone();
    // Later checks work on the item even when this one finds fault with it.
    if let Some(id) = item.get("id").and_then(id_of) {
        ctx.hold(id, &item, &sent);
    }
    r.expect_status(&[201])?;
    check_item(&r, &item, &sent, "$").map(|_| ())
}

async fn get(ctx: &mut Ctx) -> Step<()> {
    let f = ctx.fixture()?;
    let r = ctx.get(&ctx.item_path(&f.id)).await?;
    let item = json_body(&r, &[200], JSON)?;
    let id = check_item(&r, item, &f.sent, "$")?;
    if id != f.id {
        return r.fail(format!("id {}", f.id), Some("$.id".into()), id);
    }
    Ok(())
}

/// `{items, page, limit, pageCount, next}`; returns the items and the page count.
fn collection(r: &Resp, page: u64, limit: u64) -> Step<(Vec<Value>, u64)> {
    let body = json_body(r, &[200], JSON)?;
    let Some(items) = body.get("items").and_then(Value::as_array) else {
        return r.fail(
            "items as an array",
            Some("$.items".into()),
            describe(body.get("items")),
        );
    };
    expect_member(r, body, "$", "page", &json!(page))?;
    expect_member(r, body, "$", "limit", &json!(limit))?;
    let Some(count) = body.get("pageCount").and_then(Value::as_u64) else {
        return r.fail(
            "pageCount as an integer",
            Some("$.pageCount".into()),
            describe(body.get("pageCount")),
        );
    };
    match body.get("next") {
        Some(Value::Null) => {}
        Some(Value::Object(n)) if n.get("href").is_some_and(Value::is_string) => {}
        other => {
            return r.fail(
                "next as {href} or null",
                Some("$.next".into()),
                describe(other),
            )
        }
    }
    Ok((items.clone(), count))
}

/// Every page of full items, with the items of each.
async fn pages(ctx: &Ctx) -> Step<Vec<(Resp, Vec<Value>)>> {
    let mut out = Vec::new();
    let mut page = 0;
    loop {
        let r = ctx
            .get(&format!(
                "/webHooks?page={page}&limit={SEARCH_LIMIT}&full=1"
            ))
            .await?;
        let (items, count) = collection(&r, page, SEARCH_LIMIT)?;
        out.push((r, items));
        page += 1;
        if page >= count || page >= 100 {
            return Ok(out);
        }
    }
}

/// Every full item.
pub async fn list_all(ctx: &Ctx) -> Step<Vec<Value>> {
    Ok(pages(ctx).await?.into_iter().flat_map(|(_, i)| i).collect())
}

async fn list(ctx: &mut Ctx) -> Step<()> {
    let f = ctx.fixture()?;
    let r = ctx.get("/webHooks?page=0&limit=25&full=1").await?;
    let (items, _) = collection(&r, 0, 25)?;
    for (i, item) in items.iter().enumerate() {
        check_shape(&r, item, &format!("$.items[{i}]"))?;
    }
    let mut seen = 0;
    for (r, items) in pages(ctx).await? {
        seen += items.len();
        for (i, item) in items.iter().enumerate() {
            if item.get("id").and_then(id_of).as_deref() == Some(&f.id) {
                return check_item(&r, item, &f.sent, &format!("$.items[{i}]")).map(|_| ());
            }
        }
    }
    fail(
        format!("item {} in GET /webHooks?full=1", f.id),
        format!("{seen} items without it"),
    )
}

async fn put(ctx: &Ctx, id: &str, body: &Value) -> Step<Resp> {
    ctx.send(
        Method::PUT,
        &ctx.item_path(id),
        Some(body),
        &[],
        Cred::Token,
    )
    .await
}

async fn put_partial(ctx: &mut Ctx) -> Step<()> {
    let f = ctx.fixture()?;
    let change = json!({"label": ctx.name("paused webhook"), "status": 0});
    let r = put(ctx, &f.id, &change).await?;
    let item = json_body(&r, &[200], JSON)?;
    let mut want = f.sent.clone();
    want["label"] = change["label"].clone();
    want["status"] = change["status"].clone();
    check_item(&r, item, &want, "$")?;
    // The read agrees with the answer.
    let r = ctx.get(&ctx.item_path(&f.id)).await?;
    let item = json_body(&r, &[200], JSON)?;
    check_item(&r, item, &want, "$")?;
    if let Some(fx) = ctx.fixture.as_mut() {
        fx.sent = want;
    }
    Ok(())
}

/// A 400 `{error: 400, message, errors: {<member path>: message}}` naming `member`.
fn bad_request(r: &Resp, member: &str) -> Step<()> {
    let body = json_body(r, &[400], JSON)?;
    match body.get("error") {
        Some(v) if v.as_u64() == Some(400) || v.as_str() == Some("400") => {}
        other => return r.fail("error = 400", Some("$.error".into()), describe(other)),
    }
    expect_string(r, body, "$", "message")?;
    let Some(errors) = body.get("errors").and_then(Value::as_object) else {
        return r.fail(
            format!("errors as an object keyed by member path, naming {member:?}"),
            Some("$.errors".into()),
            describe(body.get("errors")),
        );
    };
    if errors.contains_key(member) {
        Ok(())
    } else {
        r.fail(
            format!("errors[{member:?}]"),
            Some("$.errors".into()),
            format!("members {:?}", errors.keys().collect::<Vec<_>>()),
        )
    }
}

async fn bad_create(ctx: &mut Ctx) -> Step<()> {
    let mut sent = seed_body(ctx);
    sent["label"] = json!(ctx.name("refused"));
    sent["event"] = json!(format!("cf_no_such_event_{}", ctx.run));
    let r = ctx.post("/webHooks", &sent).await?;
    if (200..300).contains(&r.status) {
        let id = r.json.as_ref().and_then(|b| b.get("id")).and_then(id_of);
        return ctx.accepted_by_mistake(&r, id, "400 naming event").await;
    }
    bad_request(&r, "event")
}

async fn bad_update(ctx: &mut Ctx) -> Step<()> {
    let f = ctx.fixture()?;
    let r = put(
        ctx,
        &f.id,
        &json!({"webHookDelay": [{"delay": 10, "delayUnit": "week"}]}),
    )
    .await?;
    if (200..300).contains(&r.status) {
        return r.fail(
            "400 naming webHookDelay[0].delayUnit",
            None,
            excerpt(&r.text),
        );
    }
    bad_request(&r, "webHookDelay[0].delayUnit")
}
