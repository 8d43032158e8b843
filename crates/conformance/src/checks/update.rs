//! `update` checks: PATCH as a partial update, activate/deactivate, validation on PATCH.

use super::{expect_eq, outcome, Ctx, UNKNOWN_ID};
use crate::client::{describe, Step};
use crate::report::GroupReport;
use serde_json::{json, Value};
use switchboard_api::Webhook;

pub async fn run(ctx: &mut Ctx, g: &mut GroupReport) {
    g.push(
        "deactivate",
        "PATCH {is_active: false} deactivates, and GET agrees",
        outcome(set_active(ctx, false).await),
    );
    g.push(
        "activate",
        "PATCH {is_active: true} activates again",
        outcome(set_active(ctx, true).await),
    );
    g.push(
        "partial",
        "PATCH {name} changes the name and nothing else",
        outcome(partial(ctx).await),
    );
    g.push(
        "validation",
        "PATCH with a malformed url is 422 naming url and changes nothing",
        outcome(invalid(ctx).await),
    );
    g.push(
        "unknown",
        "PATCH /webhooks/{unknown id} is 404 problem+json",
        outcome(unknown(ctx).await),
    );
}

async fn set_active(ctx: &Ctx, on: bool) -> Step<()> {
    let f = ctx.fixture()?;
    let r = ctx
        .http
        .patch(&format!("/webhooks/{}", f.id), &json!({"is_active": on}))
        .await?;
    let data = r.envelope(&[200])?;
    expect_eq(&r, data, "is_active", &json!(on), "$.data")?;
    let r = ctx.http.get(&format!("/webhooks/{}", f.id)).await?;
    let data = r.envelope(&[200])?;
    expect_eq(&r, data, "is_active", &json!(on), "$.data")
}

async fn partial(ctx: &Ctx) -> Step<()> {
    let f = ctx.fixture()?;
    let before = ctx.http.get(&format!("/webhooks/{}", f.id)).await?;
    let before = before.envelope(&[200])?.clone();
    let name = ctx.name("fixture-renamed");
    let r = ctx
        .http
        .patch(&format!("/webhooks/{}", f.id), &json!({"name": name}))
        .await?;
    let data = r.envelope(&[200])?;
    r.parse::<Webhook>(data, "$.data", "webhook")?;
    expect_eq(&r, data, "name", &json!(name), "$.data")?;
    for member in [
        "url",
        "events",
        "is_active",
        "headers",
        "retry_count",
        "timeout_seconds",
    ] {
        if let Some(v) = before.get(member) {
            expect_eq(&r, data, member, v, "$.data")?;
        }
    }
    // Put the name back: later checks find the fixture by it.
    let r = ctx
        .http
        .patch(
            &format!("/webhooks/{}", f.id),
            &json!({"name": ctx.name("fixture")}),
        )
        .await?;
    r.envelope(&[200]).map(|_| ())
}

async fn invalid(ctx: &Ctx) -> Step<()> {
    let f = ctx.fixture()?;
    let r = ctx
        .http
        .patch(&format!("/webhooks/{}", f.id), &json!({"url": "not a url"}))
        .await?;
    r.field_error("url")?;
    let r = ctx.http.get(&format!("/webhooks/{}", f.id)).await?;
    let data = r.envelope(&[200])?;
    match data.get("url").and_then(Value::as_str) {
        Some(u) if u == ctx.inert_url("fixture") => Ok(()),
        other => r.fail(
            "the url unchanged after a refused PATCH",
            Some("$.data.url".into()),
            describe(other.map(|s| Value::String(s.into())).as_ref()),
        ),
    }
}

async fn unknown(ctx: &Ctx) -> Step<()> {
    let r = ctx
        .http
        .patch(
            &format!("/webhooks/{UNKNOWN_ID}"),
            &json!({"is_active": false}),
        )
        .await?;
    r.problem(404).map(|_| ())
}
