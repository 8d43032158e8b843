//! `health` checks: one webhook's figures and state time line, failures by error class
//! across webhooks.

use super::{outcome, Ctx, DELIVERY_WAIT, UNKNOWN_ID};
use crate::client::Step;
use crate::report::GroupReport;
use std::time::Instant;
use switchboard_api::{ErrorClass, HealthOverview, WebhookHealth};

pub async fn run(ctx: &mut Ctx, g: &mut GroupReport) {
    g.push(
        "get",
        "GET /webhooks/{id}/health has figures that add up and a time line",
        outcome(get(ctx).await),
    );
    g.push(
        "after_failures",
        "a failed attempt (HTTP 500) shows in the health as a 5xx error class",
        outcome(after_failures(ctx).await),
    );
    g.push(
        "overview",
        "GET /webhooks/health has failures by error class",
        outcome(overview(ctx).await),
    );
    g.push(
        "bad_window",
        "an unusable window is 400 or 422 problem+json",
        outcome(bad_window(ctx).await),
    );
    g.push(
        "unknown",
        "the health of an unknown webhook is 404 problem+json",
        outcome(unknown(ctx).await),
    );
}

async fn health(ctx: &Ctx, id: &str) -> Step<(crate::client::Resp, WebhookHealth)> {
    let r = ctx
        .http
        .get(&format!("/webhooks/{id}/health?window=24h"))
        .await?;
    let data = r.envelope(&[200])?;
    let h: WebhookHealth = r.parse(
        data,
        "$.data",
        "health {webhook_id, window, attempts, succeeded, failed, success_rate, …, timeline}",
    )?;
    Ok((r, h))
}

async fn get(ctx: &Ctx) -> Step<()> {
    let f = ctx.fixture()?;
    let (r, h) = health(ctx, &f.id).await?;
    if h.attempts != h.succeeded + h.failed {
        return r.fail(
            "attempts = succeeded + failed",
            Some("$.data.attempts".into()),
            format!("{} ≠ {} + {}", h.attempts, h.succeeded, h.failed),
        );
    }
    if h.success_rate.is_some_and(|x| !(0.0..=1.0).contains(&x)) {
        return r.fail(
            "a success rate between 0 and 1",
            Some("$.data.success_rate".into()),
            format!("{:?}", h.success_rate),
        );
    }
    if h.timeline.windows(2).any(|w| w[0].at > w[1].at) {
        return r.fail(
            "the time line oldest first",
            Some("$.data.timeline".into()),
            "an unordered list",
        );
    }
    if h.timeline.is_empty() {
        return r.fail(
            "the webhook's creation in its time line",
            Some("$.data.timeline".into()),
            "an empty time line",
        );
    }
    Ok(())
}

async fn after_failures(ctx: &mut Ctx) -> Step<()> {
    let hook = ctx.hook("fail").await?;
    ctx.trigger(&hook).await?;
    let started = Instant::now();
    loop {
        let (r, h) = health(ctx, &hook.id).await?;
        let counted = h
            .error_classes
            .iter()
            .any(|c| c.class == ErrorClass::Status5xx && c.count >= 1);
        if counted && h.last_error_class == Some(ErrorClass::Status5xx) && h.failed >= 1 {
            if h.consecutive_failures == 0 {
                return r.fail(
                    "consecutive failures after a failed attempt",
                    Some("$.data.consecutive_failures".into()),
                    "0",
                );
            }
            return Ok(());
        }
        if started.elapsed() > DELIVERY_WAIT {
            return r.fail(
                "a 5xx entry in error_classes and last_error_class 5xx",
                Some("$.data.error_classes".into()),
                r.text.clone(),
            );
        }
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    }
}

async fn overview(ctx: &Ctx) -> Step<()> {
    let r = ctx.http.get("/webhooks/health?window=24h").await?;
    let data = r.envelope(&[200])?;
    let o: HealthOverview = r.parse(
        data,
        "$.data",
        "{window, attempts, failed, error_classes, webhooks}",
    )?;
    let sum: u32 = o.error_classes.iter().map(|c| c.count).sum();
    if sum != o.failed {
        return r.fail(
            "error class counts adding up to failed",
            Some("$.data.error_classes".into()),
            format!("{sum} ≠ {}", o.failed),
        );
    }
    Ok(())
}

async fn bad_window(ctx: &Ctx) -> Step<()> {
    let f = ctx.fixture()?;
    let r = ctx
        .http
        .get(&format!("/webhooks/{}/health?window=banana", f.id))
        .await?;
    let status = if r.status == 422 { 422 } else { 400 };
    r.problem(status).map(|_| ())
}

async fn unknown(ctx: &Ctx) -> Step<()> {
    let r = ctx
        .http
        .get(&format!("/webhooks/{UNKNOWN_ID}/health"))
        .await?;
    r.problem(404).map(|_| ())
}
