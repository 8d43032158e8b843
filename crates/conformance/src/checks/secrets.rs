//! `secrets` checks: rotation returns a new secret, and both secrets sign during the overlap.

use super::{find_leak, outcome, Ctx, UNKNOWN_ID};
use crate::client::{describe, fail, Step};
use crate::report::GroupReport;
use crate::signature;
use serde_json::{json, Value};
use switchboard_api::RotatedSecret;

pub async fn run(ctx: &mut Ctx, g: &mut GroupReport) {
    g.push(
        "rotate",
        "POST /webhooks/{id}/secret/rotate returns a new secret that GET then shows",
        outcome(rotate(ctx).await),
    );
    g.push(
        "unknown",
        "rotating the secret of an unknown webhook is 404 problem+json",
        outcome(unknown(ctx).await),
    );
    g.push(
        "overlap",
        "after a rotation deliveries carry signatures by the old and the new secret",
        outcome(overlap(ctx).await),
    );
}

/// Rotates and returns the new secret, checking the answer's shape.
async fn rotate_once(ctx: &Ctx, id: &str, old: Option<&str>) -> Step<String> {
    let r = ctx
        .http
        .post(&format!("/webhooks/{id}/secret/rotate"), &json!({}))
        .await?;
    let data = r.envelope(&[200, 201])?;
    let rotated: RotatedSecret = r.parse(
        data,
        "$.data",
        "rotated secret {secret, previous_valid_until}",
    )?;
    if rotated.secret.is_empty() || Some(rotated.secret.as_str()) == old {
        return r.fail(
            "a new, different secret",
            Some("$.data.secret".into()),
            describe(data.get("secret")),
        );
    }
    Ok(rotated.secret)
}

async fn rotate(ctx: &mut Ctx) -> Step<()> {
    let f = ctx.fixture()?;
    let new = rotate_once(ctx, &f.id, f.secret.as_deref()).await?;
    let r = ctx.http.get(&format!("/webhooks/{}", f.id)).await?;
    let data = r.envelope(&[200])?;
    if data.get("secret").and_then(Value::as_str) != Some(new.as_str()) {
        return r.fail(
            "the rotated secret",
            Some("$.data.secret".into()),
            describe(data.get("secret")),
        );
    }
    if let Some(fx) = ctx.fixture.as_mut() {
        fx.secret = Some(new.clone());
    }
    let r = ctx
        .http
        .get(&format!("/webhooks?q={}", super::encode(&ctx.name(""))))
        .await?;
    r.page()?;
    if let Some((path, what)) = r.json.as_ref().and_then(|b| find_leak(b, &[&new])) {
        return r.fail("no secret in a list", Some(path), what);
    }
    Ok(())
}

async fn unknown(ctx: &Ctx) -> Step<()> {
    let r = ctx
        .http
        .post(&format!("/webhooks/{UNKNOWN_ID}/secret/rotate"), &json!({}))
        .await?;
    r.problem(404).map(|_| ())
}

async fn overlap(ctx: &mut Ctx) -> Step<()> {
    let hook = ctx.hook("ok").await?;
    let old = hook.secret.clone().unwrap_or_default();
    let new = rotate_once(ctx, &hook.id, Some(&old)).await?;
    ctx.set_hook_secret("ok", new.clone());
    let seen = ctx.arrivals(&hook);
    ctx.trigger(&hook).await?;
    let got = ctx.next_arrival(&hook, seen).await?;
    for (which, secret) in [("new", &new), ("previous", &old)] {
        if let Err(e) = signature::verify(secret, |h| got.header(h), &got.body) {
            return fail(
                format!("a v1 signature by the {which} secret"),
                e.to_string(),
            );
        }
    }
    Ok(())
}
