//! `search` checks: `GET /deliveries` with `q` (full text) and `where` (payload field
//! conditions), a malformed filter refused as a problem naming `where`, and text that looks
//! like query syntax taken as plain text.

use super::{encode, id_of, outcome, Ctx};
use crate::client::{excerpt, fail, skip, Step};
use crate::report::GroupReport;
use serde_json::{json, Value};
use switchboard_api::Feature;

pub async fn run(ctx: &mut Ctx, g: &mut GroupReport) {
    let source = source(ctx).await;
    g.push(
        "text",
        "?q= finds a delivery by a word of its payload, and only matching ones",
        outcome(text(ctx, &source).await),
    );
    g.push(
        "where",
        "?where= keeps the deliveries whose payload meets every condition",
        outcome(conditions(ctx, &source).await),
    );
    g.push(
        "where.malformed",
        "a malformed ?where= is 400 (or 422) problem+json naming where",
        outcome(malformed(ctx).await),
    );
    g.push(
        "text.syntax",
        "?q= with quotes, parentheses and operators is a page, never a server error",
        outcome(hostile(ctx).await),
    );
}

/// The run's word, an event carrying it, and the delivery that event made.
async fn source(ctx: &mut Ctx) -> Step<(String, String)> {
    if !ctx.has(Feature::Events) || !ctx.has(Feature::Deliveries) {
        return skip("needs the events and deliveries groups to cause a known payload");
    }
    let hook = ctx.fixture()?;
    let word = format!(
        "cfsearch{}",
        ctx.run
            .to_lowercase()
            .replace(|c: char| !c.is_ascii_alphanumeric(), "")
    );
    let r = ctx
        .http
        .post(
            "/events",
            &json!({"event_type": hook.event, "payload": {"cf_search": word, "cf_n": 42}}),
        )
        .await?;
    let data = r.envelope(&[200, 201, 202])?;
    if let Some(id) = data.get("id").and_then(id_of) {
        ctx.emitted.push(id);
    }
    let r = ctx
        .http
        .get(&format!(
            "/deliveries?webhook_id={}&limit=1",
            encode(&hook.id)
        ))
        .await?;
    let (items, _) = r.page()?;
    match items.first().and_then(|d| d.get("id")).and_then(id_of) {
        Some(id) => Ok((word, id)),
        None => r.fail("the emitted event's delivery", None, "no delivery"),
    }
}

fn ids(items: &[Value]) -> Vec<String> {
    items
        .iter()
        .filter_map(|d| d.get("id").and_then(id_of))
        .collect()
}

async fn text(ctx: &Ctx, source: &Step<(String, String)>) -> Step<()> {
    let (word, delivery) = source.clone()?;
    let items = ctx
        .list_all("/deliveries", &format!("q={}", encode(&word)))
        .await?;
    if !ids(&items).contains(&delivery) {
        return fail(
            format!("delivery {delivery} in ?q={word}"),
            format!("{} items without it", items.len()),
        );
    }
    if let Some(d) = items.iter().find(|d| !d.to_string().contains(&word)) {
        return fail(
            format!("only deliveries mentioning {word}"),
            excerpt(&d.to_string()),
        );
    }
    let none = ctx
        .list_all(
            "/deliveries",
            &format!("q={}", encode(&format!("{word}nothing"))),
        )
        .await?;
    if !none.is_empty() {
        return fail(
            "no delivery for a word nobody sent",
            format!("{} items", none.len()),
        );
    }
    Ok(())
}

async fn conditions(ctx: &Ctx, source: &Step<(String, String)>) -> Step<()> {
    let (word, delivery) = source.clone()?;
    let hit = format!("cf_search = \"{word}\" and cf_n > 41 and cf_n <= 42");
    let items = ctx
        .list_all("/deliveries", &format!("where={}", encode(&hit)))
        .await?;
    // Other webhooks subscribed to the fixture's event got the same payload: every row must
    // meet the conditions, and the fixture's own delivery must be among them.
    let all_meet = items.iter().all(|d| {
        d.pointer("/payload/cf_search").and_then(|v| v.as_str()) == Some(word.as_str())
            && d.pointer("/payload/cf_n").and_then(|v| v.as_f64()) == Some(42.0)
    });
    if !all_meet || !ids(&items).contains(&delivery) {
        return fail(
            format!("delivery {delivery}, and only payloads meeting ?where={hit}"),
            format!("{:?}", ids(&items)),
        );
    }
    let miss = format!("cf_search = \"{word}\" and cf_n > 42");
    let items = ctx
        .list_all("/deliveries", &format!("where={}", encode(&miss)))
        .await?;
    if !items.is_empty() {
        return fail(
            format!("nothing for ?where={miss}"),
            format!("{} items", items.len()),
        );
    }
    Ok(())
}

async fn malformed(ctx: &Ctx) -> Step<()> {
    let r = ctx
        .http
        .get(&format!("/deliveries?where={}", encode("cf_n >")))
        .await?;
    let status = if r.status == 422 { 422 } else { 400 };
    let body = r.problem(status)?;
    let named = body
        .get("errors")
        .and_then(Value::as_array)
        .is_some_and(|e| e.iter().any(|e| e["field"] == "where"));
    if !named {
        return r.fail(
            "an errors[] entry with field \"where\"",
            Some("$.errors".into()),
            excerpt(&body.to_string()),
        );
    }
    Ok(())
}

async fn hostile(ctx: &Ctx) -> Step<()> {
    for q in ["\"", "a\" OR (b", "NEAR(x y) AND col:z*", "')--", "^*"] {
        let r = ctx
            .http
            .get(&format!("/deliveries?q={}", encode(q)))
            .await?;
        r.page()?;
    }
    Ok(())
}
