//! `deliveries` checks: history list and filters, one delivery with its attempts, retry, recover.

use super::{encode, id_of, outcome, Ctx, UNKNOWN_ID};
use crate::client::{excerpt, fail, skip, Step};
use crate::report::GroupReport;
use serde_json::{json, Value};
use switchboard_api::{Delivery, Timestamp};
use time::format_description::well_known::Rfc3339;

pub async fn run(ctx: &mut Ctx, g: &mut GroupReport) {
    let source = source(ctx).await;
    g.push(
        "list",
        "GET /deliveries is a page of deliveries",
        outcome(list(ctx).await),
    );
    g.push(
        "filter.webhook_id",
        "?webhook_id= lists only that webhook's deliveries",
        outcome(filter_webhook(ctx, &source).await),
    );
    g.push(
        "filter.status",
        "?status=failed lists only failed deliveries; an unknown status is refused",
        outcome(filter_status(ctx, &source).await),
    );
    g.push(
        "get",
        "GET /deliveries/{id} has every attempt with its outcome",
        outcome(get(ctx, &source).await),
    );
    g.push(
        "get.unknown",
        "GET /deliveries/{unknown id} is 404 problem+json",
        outcome(unknown(ctx).await),
    );
    g.push(
        "retry",
        "POST /deliveries/{id}/retry makes another attempt",
        outcome(retry(ctx, &source).await),
    );
    g.push(
        "recover",
        "POST /webhooks/{id}/recover {since} answers how many it queued",
        outcome(recover(ctx).await),
    );
}

/// A delivery to the fixture (whose host does not exist, so it fails), and the webhook id.
async fn source(ctx: &mut Ctx) -> Step<(String, String)> {
    if let Some(id) = ctx.deliveries.first() {
        let f = ctx.fixture()?;
        return Ok((id.clone(), f.id));
    }
    let f = ctx.fixture()?;
    match ctx.trigger(&f).await? {
        Some(id) => Ok((id, f.id)),
        None => skip("the server did not say which delivery it made"),
    }
}

async fn list(ctx: &Ctx) -> Step<()> {
    let r = ctx.http.get("/deliveries?limit=20").await?;
    let (items, _) = r.page()?;
    for (i, item) in items.iter().enumerate() {
        r.parse::<Delivery>(item, &format!("$.data[{i}]"), "delivery")?;
    }
    Ok(())
}

async fn filter_webhook(ctx: &Ctx, source: &Step<(String, String)>) -> Step<()> {
    let (delivery, webhook) = source.clone()?;
    let items = ctx
        .list_all("/deliveries", &format!("webhook_id={}", encode(&webhook)))
        .await?;
    if !items
        .iter()
        .any(|d| d.get("id").and_then(id_of).as_deref() == Some(&delivery))
    {
        return fail(
            format!("delivery {delivery} among webhook {webhook}'s deliveries"),
            format!("{} items without it", items.len()),
        );
    }
    if let Some(d) = items
        .iter()
        .find(|d| d.get("webhook_id").and_then(id_of).as_deref() != Some(&webhook))
    {
        return fail(
            format!("only deliveries of webhook {webhook}"),
            excerpt(&d.to_string()),
        );
    }
    Ok(())
}

async fn filter_status(ctx: &Ctx, source: &Step<(String, String)>) -> Step<()> {
    let (delivery, webhook) = source.clone()?;
    ctx.wait_delivery(&delivery, "status failed (its host does not exist)", |d| {
        d["status"] == "failed"
    })
    .await?;
    let items = ctx
        .list_all(
            "/deliveries",
            &format!("status=failed&webhook_id={}", encode(&webhook)),
        )
        .await?;
    if !items
        .iter()
        .any(|d| d.get("id").and_then(id_of).as_deref() == Some(&delivery))
    {
        return fail(
            format!("the failed delivery {delivery} in ?status=failed"),
            format!("{} items without it", items.len()),
        );
    }
    if let Some(d) = items.iter().find(|d| d["status"] != "failed") {
        return fail("only failed deliveries", excerpt(&d.to_string()));
    }
    let r = ctx.http.get("/deliveries?status=no-such-status").await?;
    let status = if r.status == 422 { 422 } else { 400 };
    r.problem(status).map(|_| ())
}

async fn get(ctx: &Ctx, source: &Step<(String, String)>) -> Step<()> {
    let (delivery, webhook) = source.clone()?;
    let (r, data) = ctx
        .wait_delivery(&delivery, "an attempt recorded", |d| {
            d["attempts"].as_array().is_some_and(|a| !a.is_empty())
        })
        .await?;
    let d: Delivery = r.parse(&data, "$.data", "delivery with attempts")?;
    if d.webhook_id.as_str() != webhook {
        return r.fail(
            format!("webhook_id {webhook}"),
            Some("$.data.webhook_id".into()),
            d.webhook_id.0,
        );
    }
    let a = &d.attempts[0];
    if a.response.is_none() && a.error.is_none() {
        return r.fail(
            "a response or an error on the attempt",
            Some("$.data.attempts[0]".into()),
            "neither",
        );
    }
    if a.request.url.is_empty() {
        return r.fail(
            "the request URL on the attempt",
            Some("$.data.attempts[0].request.url".into()),
            "empty",
        );
    }
    Ok(())
}

async fn unknown(ctx: &Ctx) -> Step<()> {
    let r = ctx.http.get(&format!("/deliveries/{UNKNOWN_ID}")).await?;
    r.problem(404).map(|_| ())
}

async fn retry(ctx: &Ctx, source: &Step<(String, String)>) -> Step<()> {
    let (delivery, _) = source.clone()?;
    let count = |d: &Value| d["attempts"].as_array().map_or(0, Vec::len);
    let (_, before) = ctx
        .wait_delivery(&delivery, "its first attempt finished", |d| {
            d["status"] == "failed"
        })
        .await?;
    let n = count(&before);
    let r = ctx
        .http
        .post(&format!("/deliveries/{delivery}/retry"), &json!({}))
        .await?;
    r.envelope(&[200, 201, 202])?;
    ctx.wait_delivery(&delivery, "one more attempt after the retry", |d| {
        count(d) > n
    })
    .await?;
    Ok(())
}

async fn recover(ctx: &Ctx) -> Step<()> {
    let f = ctx.fixture()?;
    let since = Timestamp::now().0 - time::Duration::hours(1);
    let since = since.format(&Rfc3339).unwrap_or_default();
    let r = ctx
        .http
        .post(
            &format!("/webhooks/{}/recover", f.id),
            &json!({"since": since}),
        )
        .await?;
    let data = r.envelope(&[200, 201, 202])?;
    if !data.get("queued").is_some_and(Value::is_u64) {
        return r.fail(
            "queued as a count",
            Some("$.data.queued".into()),
            crate::client::describe(data.get("queued")),
        );
    }
    Ok(())
}
