//! `catalogue` checks: one event type with its schema, fields and examples.

use super::{encode, outcome, Ctx};
use crate::client::{describe, skip, Step};
use crate::report::GroupReport;
use switchboard_api::EventType;

pub async fn run(ctx: &mut Ctx, g: &mut GroupReport) {
    g.push(
        "get",
        "GET /webhooks/events/{name} has the schema and examples of every listed type",
        outcome(every_type(ctx).await),
    );
    g.push(
        "unknown",
        "GET /webhooks/events/{unknown name} is 404 problem+json",
        outcome(unknown(ctx).await),
    );
}

async fn every_type(ctx: &Ctx) -> Step<()> {
    if ctx.events.is_empty() {
        return skip("the core catalogue list gave no event types");
    }
    for name in &ctx.events {
        let r = ctx
            .http
            .get(&format!("/webhooks/events/{}", encode(name)))
            .await?;
        let data = r.envelope(&[200])?;
        let t: EventType = r.parse(data, "$.data", "event type")?;
        if &t.name != name {
            return r.fail(format!("name {name:?}"), Some("$.data.name".into()), t.name);
        }
        if !data.get("schema").is_some_and(|s| s.is_object()) {
            return r.fail(
                "a JSON Schema object",
                Some("$.data.schema".into()),
                describe(data.get("schema")),
            );
        }
        if !data.get("examples").is_some_and(|s| s.is_array()) {
            return r.fail(
                "examples as an array",
                Some("$.data.examples".into()),
                describe(data.get("examples")),
            );
        }
    }
    Ok(())
}

async fn unknown(ctx: &Ctx) -> Step<()> {
    let r = ctx
        .http
        .get(&format!("/webhooks/events/no.such.event.{}", ctx.run))
        .await?;
    r.problem(404).map(|_| ())
}
