//! `test` checks: a test send returns its delivery and reaches the endpoint signed.

use super::{outcome, required_id, Ctx, UNKNOWN_ID};
use crate::client::{fail, Step};
use crate::report::GroupReport;
use crate::signature;
use serde_json::json;
use switchboard_api::Delivery;

pub async fn run(ctx: &mut Ctx, g: &mut GroupReport) {
    g.push(
        "send",
        "POST /webhooks/{id}/test returns the delivery it queued",
        outcome(send(ctx).await),
    );
    g.push(
        "unknown_event",
        "a test send of an unknown event type is 422 naming event_type",
        outcome(unknown_event(ctx).await),
    );
    g.push(
        "unknown_webhook",
        "a test send to an unknown webhook is 404 problem+json",
        outcome(unknown_webhook(ctx).await),
    );
    g.push(
        "arrives_signed",
        "a test send reaches the endpoint with a verifiable signature",
        outcome(arrives(ctx).await),
    );
}

async fn send(ctx: &mut Ctx) -> Step<()> {
    let f = ctx.fixture()?;
    let r = ctx
        .http
        .post(
            &format!("/webhooks/{}/test", f.id),
            &json!({"event_type": f.event}),
        )
        .await?;
    let data = r.envelope(&[200, 201, 202])?;
    let id = required_id(&r, data, "$.data.id")?;
    let d: Delivery = r.parse(data, "$.data", "delivery")?;
    if d.webhook_id.as_str() != f.id {
        return r.fail(
            format!("webhook_id {}", f.id),
            Some("$.data.webhook_id".into()),
            d.webhook_id.0,
        );
    }
    if d.event_type != f.event {
        return r.fail(
            format!("event_type {}", f.event),
            Some("$.data.event_type".into()),
            d.event_type,
        );
    }
    ctx.deliveries.push(id);
    Ok(())
}

async fn unknown_event(ctx: &Ctx) -> Step<()> {
    let f = ctx.fixture()?;
    let r = ctx
        .http
        .post(
            &format!("/webhooks/{}/test", f.id),
            &json!({"event_type": format!("no.such.event.{}", ctx.run)}),
        )
        .await?;
    r.field_error("event_type")
}

async fn unknown_webhook(ctx: &Ctx) -> Step<()> {
    let event = ctx.event(0)?;
    let r = ctx
        .http
        .post(
            &format!("/webhooks/{UNKNOWN_ID}/test"),
            &json!({"event_type": event}),
        )
        .await?;
    r.problem(404).map(|_| ())
}

async fn arrives(ctx: &mut Ctx) -> Step<()> {
    let hook = ctx.hook("ok").await?;
    let seen = ctx.arrivals(&hook);
    let r = ctx
        .http
        .post(
            &format!("/webhooks/{}/test", hook.id),
            &json!({"event_type": hook.event}),
        )
        .await?;
    r.envelope(&[200, 201, 202])?;
    let got = ctx.next_arrival(&hook, seen).await?;
    let secret = hook.secret.clone().unwrap_or_default();
    match signature::verify(&secret, |h| got.header(h), &got.body) {
        Ok(()) => Ok(()),
        Err(e) => fail(
            "a Standard Webhooks signature made with the webhook's secret",
            e.to_string(),
        ),
    }
}
