//! `types` checks: the destination types a backend lists, and a create naming one it lacks.

use super::{outcome, Ctx};
use crate::client::Step;
use crate::report::GroupReport;
use serde_json::json;
use switchboard_api::{DestinationType, HTTP_TYPE};

pub async fn run(ctx: &mut Ctx, g: &mut GroupReport) {
    g.push(
        "list",
        "GET /webhooks/types lists `http` and each type's `data` schema as an object",
        outcome(list(ctx).await),
    );
    g.push(
        "unknown_type",
        "a create with a type the backend does not list is 422 naming `type`",
        outcome(unknown_type(ctx).await),
    );
}

async fn list(ctx: &Ctx) -> Step<()> {
    let r = ctx.http.get("/webhooks/types").await?;
    let data = r.envelope(&[200])?;
    let types: Vec<DestinationType> = r.parse(
        data,
        "$.data",
        "an array of {name, title, description?, schema}",
    )?;
    if !types.iter().any(|t| t.name == HTTP_TYPE) {
        return r.fail("a type named \"http\"", Some("$.data".into()), "none");
    }
    if let Some((i, t)) = types
        .iter()
        .enumerate()
        .find(|(_, t)| !t.schema.is_object())
    {
        return r.fail(
            "a JSON Schema object",
            Some(format!("$.data[{i}].schema")),
            format!("{} for {:?}", t.schema, t.name),
        );
    }
    Ok(())
}

async fn unknown_type(ctx: &mut Ctx) -> Step<()> {
    let event = ctx.event(0)?;
    let mut body = ctx.webhook_body("type", &ctx.inert_url("type"), &event);
    body["type"] = json!(format!("no-such-type-{}", ctx.run));
    let r = ctx.create(&body, &[]).await?;
    r.field_error("type")
}
