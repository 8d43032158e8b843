//! `stats` checks: success and failure counts per time bucket.

use super::{outcome, Ctx, UNKNOWN_ID};
use crate::client::Step;
use crate::report::GroupReport;
use switchboard_api::Stats;

pub async fn run(ctx: &mut Ctx, g: &mut GroupReport) {
    g.push(
        "get",
        "GET /webhooks/{id}/stats?window=24h&bucket=1h has buckets of counts",
        outcome(get(ctx).await),
    );
    g.push(
        "bad_window",
        "an unusable window is 400 or 422 problem+json",
        outcome(bad_window(ctx).await),
    );
    g.push(
        "unknown",
        "stats of an unknown webhook are 404 problem+json",
        outcome(unknown(ctx).await),
    );
}

async fn get(ctx: &Ctx) -> Step<()> {
    let f = ctx.fixture()?;
    let r = ctx
        .http
        .get(&format!("/webhooks/{}/stats?window=24h&bucket=1h", f.id))
        .await?;
    let data = r.envelope(&[200])?;
    let s: Stats = r.parse(
        data,
        "$.data",
        "stats {window, bucket, buckets: [{start, succeeded, failed}]}",
    )?;
    if s.buckets.is_empty() {
        return r.fail(
            "at least one bucket for a 24 h window",
            Some("$.data.buckets".into()),
            "an empty array",
        );
    }
    if s.buckets.len() > 25 {
        return r.fail(
            "about 24 one-hour buckets",
            Some("$.data.buckets".into()),
            format!("{} buckets", s.buckets.len()),
        );
    }
    if s.buckets.windows(2).any(|w| w[0].start >= w[1].start) {
        return r.fail(
            "buckets in ascending time order",
            Some("$.data.buckets".into()),
            "an unordered list",
        );
    }
    Ok(())
}

async fn bad_window(ctx: &Ctx) -> Step<()> {
    let f = ctx.fixture()?;
    let r = ctx
        .http
        .get(&format!("/webhooks/{}/stats?window=banana&bucket=1h", f.id))
        .await?;
    let status = if r.status == 422 { 422 } else { 400 };
    r.problem(status).map(|_| ())
}

async fn unknown(ctx: &Ctx) -> Step<()> {
    let r = ctx
        .http
        .get(&format!(
            "/webhooks/{UNKNOWN_ID}/stats?window=24h&bucket=1h"
        ))
        .await?;
    r.problem(404).map(|_| ())
}
