//! `status` checks: the endpoint's own status and overview, as the server relays them.

use super::{outcome, Ctx, Hook, UNKNOWN_ID};
use crate::client::Step;
use crate::report::GroupReport;
use switchboard_api::{EndpointOverview, EndpointStatus};

pub async fn run(ctx: &mut Ctx, g: &mut GroupReport) {
    let hook = target(ctx).await;
    g.push(
        "status",
        "GET /webhooks/{id}/status is {statusString, badgeColor}",
        outcome(status(ctx, &hook).await),
    );
    g.push(
        "overview",
        "GET /webhooks/{id}/overview is {html}",
        outcome(overview(ctx, &hook).await),
    );
    g.push(
        "unknown",
        "status of an unknown webhook is 404 problem+json",
        outcome(unknown(ctx).await),
    );
}

/// The receiver hook when there is one (it answers), else the inert fixture.
async fn target(ctx: &mut Ctx) -> Step<(Hook, bool)> {
    match ctx.hook("ok").await {
        Ok(h) => Ok((h, true)),
        Err(_) => ctx.fixture().map(|f| (f, false)),
    }
}

async fn status(ctx: &Ctx, hook: &Step<(Hook, bool)>) -> Step<()> {
    let (hook, answers) = hook.clone()?;
    let r = ctx
        .http
        .get(&format!("/webhooks/{}/status", hook.id))
        .await?;
    if !answers && r.status == 502 {
        // The fixture's host does not exist; relaying that as a problem is right too.
        return r.problem(502).map(|_| ());
    }
    let data = r.envelope(&[200])?;
    let s: EndpointStatus = r.parse(data, "$.data", "endpoint status")?;
    if s.status_string.is_empty() || s.badge_color.is_empty() {
        return r.fail(
            "a non-empty statusString and badgeColor",
            Some("$.data".into()),
            data.to_string(),
        );
    }
    Ok(())
}

async fn overview(ctx: &Ctx, hook: &Step<(Hook, bool)>) -> Step<()> {
    let (hook, answers) = hook.clone()?;
    let r = ctx
        .http
        .get(&format!("/webhooks/{}/overview", hook.id))
        .await?;
    if !answers && r.status == 502 {
        return r.problem(502).map(|_| ());
    }
    let data = r.envelope(&[200])?;
    r.parse::<EndpointOverview>(data, "$.data", "overview {html}")?;
    if !data.get("html").is_some_and(|h| h.is_string()) {
        return r.fail(
            "html as a string",
            Some("$.data.html".into()),
            crate::client::describe(data.get("html")),
        );
    }
    Ok(())
}

async fn unknown(ctx: &Ctx) -> Step<()> {
    let r = ctx
        .http
        .get(&format!("/webhooks/{UNKNOWN_ID}/status"))
        .await?;
    r.problem(404).map(|_| ())
}
