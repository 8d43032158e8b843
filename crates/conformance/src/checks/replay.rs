//! `replay` checks: a dry run changes nothing, a job sends its deliveries once more and
//! completes, confirming twice starts one job, a job can be cancelled, a filter that matches
//! nothing (or names a bad member) is a problem naming it, and `/missed` answers its shape.

use super::{id_of, outcome, required_id, Ctx, Hook};
use crate::client::{fail, Cred, Step};
use crate::report::GroupReport;
use reqwest::Method;
use serde_json::{json, Value};
use std::time::Duration;
use switchboard_api::{Missed, Replay, ReplayPreview, ReplayState};

/// How long a small job may take to complete.
const JOB_WAIT: Duration = Duration::from_secs(30);

pub async fn run(ctx: &mut Ctx, g: &mut GroupReport) {
    let hook = prepare(ctx).await;
    let preview = match &hook {
        Ok(h) => dry_run(ctx, h).await,
        Err(v) => Err(v.clone()),
    };
    g.push(
        "dry_run",
        "POST /replays/dry-run counts the matched deliveries per endpoint and changes nothing",
        outcome(preview.clone().map(|_| ())),
    );
    let key = format!("cf-{}-replay", ctx.run);
    let job = match (&hook, &preview) {
        (Ok(h), Ok(total)) => completes(ctx, h, *total, &key).await,
        (Err(v), _) | (_, Err(v)) => Err(v.clone()),
    };
    g.push(
        "job.completes",
        "POST /replays starts a job that sends each matched delivery once more and completes",
        outcome(job.clone().map(|_| ())),
    );
    g.push(
        "job.idempotent",
        "the same Idempotency-Key and body answer with the same job",
        outcome(idempotent(ctx, &hook, &job, &key).await),
    );
    g.push(
        "job.cancel",
        "POST /replays/{id}/cancel stops a job, which stays stopped",
        outcome(cancel(ctx, &hook).await),
    );
    g.push(
        "empty_filter",
        "a filter that matches nothing is 422 naming filter, and a bad member names it",
        outcome(refused(ctx, &hook).await),
    );
    g.push(
        "missed",
        "GET /missed answers {total, groups}",
        outcome(missed(ctx).await),
    );
}

/// The receiver hook that answers 200, with one delivery that arrived.
async fn prepare(ctx: &mut Ctx) -> Step<Hook> {
    let hook = ctx.hook("ok").await?;
    let seen = ctx.arrivals(&hook);
    ctx.trigger(&hook).await?;
    ctx.next_arrival(&hook, seen).await?;
    // The arrival is recorded as a success a moment after the receiver answers.
    tokio::time::sleep(Duration::from_millis(300)).await;
    Ok(hook)
}

fn filter(hook: &Hook) -> Value {
    json!({ "filter": { "webhook_id": hook.id, "status": "succeeded" } })
}

async fn job_ids(ctx: &Ctx) -> Step<Vec<String>> {
    let r = ctx.http.get("/replays?limit=200").await?;
    let (items, _) = r.page()?;
    Ok(items
        .iter()
        .filter_map(|j| j.get("id").and_then(id_of))
        .collect())
}

/// Returns how many deliveries a replay would send.
async fn dry_run(ctx: &Ctx, hook: &Hook) -> Step<u64> {
    let jobs = job_ids(ctx).await?;
    let seen = ctx.arrivals(hook);
    let r = ctx.http.post("/replays/dry-run", &filter(hook)).await?;
    let data = r.envelope(&[200])?;
    let p: ReplayPreview = r.parse(data, "$.data", "{total, endpoints, sample, warnings}")?;
    if p.total == 0 {
        return r.fail("total of at least 1", Some("$.data.total".into()), "0");
    }
    if !p.endpoints.iter().any(|e| e.webhook_id.0 == hook.id) {
        return r.fail(
            format!("the webhook {} among the endpoints", hook.id),
            Some("$.data.endpoints".into()),
            data["endpoints"].to_string(),
        );
    }
    if p.sample.is_empty() || p.sample.len() as u64 > p.total {
        return r.fail(
            "a sample of 1 to total deliveries",
            Some("$.data.sample".into()),
            format!("{} deliveries", p.sample.len()),
        );
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    if job_ids(ctx).await? != jobs {
        return fail("no new job after a dry run", "GET /replays lists a new job");
    }
    if ctx.arrivals(hook) != seen {
        return fail(
            "no request to the endpoint after a dry run",
            "the receiver got one",
        );
    }
    Ok(p.total)
}

async fn start(ctx: &Ctx, body: &Value, key: &str) -> Step<crate::client::Resp> {
    ctx.http
        .send(
            Method::POST,
            "/replays",
            Some(body),
            &[("Idempotency-Key", key)],
            Cred::Token,
        )
        .await
}

/// Waits for a job to leave `running`.
async fn settled(ctx: &Ctx, id: &str) -> Step<Replay> {
    let deadline = tokio::time::Instant::now() + JOB_WAIT;
    loop {
        let r = ctx.http.get(&format!("/replays/{id}")).await?;
        let data = r.envelope(&[200])?;
        let job: Replay = r.parse(data, "$.data", "a replay job")?;
        if job.state != ReplayState::Running {
            return Ok(job);
        }
        if tokio::time::Instant::now() >= deadline {
            return r.fail(
                format!("the job done within {} s", JOB_WAIT.as_secs()),
                Some("$.data.state".into()),
                "still running",
            );
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Returns the job's id.
async fn completes(ctx: &Ctx, hook: &Hook, total: u64, key: &str) -> Step<String> {
    let seen = ctx.arrivals(hook);
    let r = start(ctx, &filter(hook), key).await?;
    let data = r.envelope(&[200, 201, 202])?;
    let id = required_id(&r, data, "$.data.id")?;
    let job = settled(ctx, &id).await?;
    if job.state != ReplayState::Completed {
        return fail("state completed", job.state.as_str());
    }
    if job.progress.total != total || job.progress.succeeded != total {
        return fail(
            format!("total and succeeded {total}, as the dry run said"),
            format!(
                "total {}, succeeded {}",
                job.progress.total, job.progress.succeeded
            ),
        );
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let arrived = ctx.arrivals(hook) - seen;
    if arrived as u64 != total {
        return fail(
            format!("{total} more requests at the endpoint"),
            format!("{arrived}"),
        );
    }
    Ok(id)
}

async fn idempotent(ctx: &Ctx, hook: &Step<Hook>, job: &Step<String>, key: &str) -> Step<()> {
    let (hook, first) = (hook.clone()?, job.clone()?);
    let jobs = job_ids(ctx).await?.len();
    let r = start(ctx, &filter(&hook), key).await?;
    let data = r.envelope(&[200, 201, 202])?;
    let id = required_id(&r, data, "$.data.id")?;
    if id != first {
        return r.fail(
            format!("the first job {first}"),
            Some("$.data.id".into()),
            id,
        );
    }
    let now = job_ids(ctx).await?.len();
    if now != jobs {
        return fail(format!("still {jobs} jobs"), format!("{now}"));
    }
    Ok(())
}

async fn cancel(ctx: &Ctx, hook: &Step<Hook>) -> Step<()> {
    let hook = hook.clone()?;
    let r = start(ctx, &filter(&hook), &format!("cf-{}-cancel", ctx.run)).await?;
    let data = r.envelope(&[200, 201, 202])?;
    let id = required_id(&r, data, "$.data.id")?;
    let r = ctx
        .http
        .post(&format!("/replays/{id}/cancel"), &json!({}))
        .await?;
    let data = r.envelope(&[200])?;
    let job: Replay = r.parse(data, "$.data", "a replay job")?;
    // A tiny job may have completed before the cancel arrived; either way it is over.
    if !matches!(job.state, ReplayState::Cancelled | ReplayState::Completed) {
        return r.fail(
            "state cancelled (or completed, if it finished first)",
            Some("$.data.state".into()),
            job.state.as_str(),
        );
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let r = ctx.http.get(&format!("/replays/{id}")).await?;
    let data = r.envelope(&[200])?;
    let after: Replay = r.parse(data, "$.data", "a replay job")?;
    if after.state != job.state || after.progress.queued != job.progress.queued {
        return r.fail(
            format!(
                "still {} with {} queued",
                job.state.as_str(),
                job.progress.queued
            ),
            Some("$.data".into()),
            format!(
                "{} with {} queued",
                after.state.as_str(),
                after.progress.queued
            ),
        );
    }
    Ok(())
}

async fn refused(ctx: &Ctx, hook: &Step<Hook>) -> Step<()> {
    let hook = hook.clone()?;
    let jobs = job_ids(ctx).await?.len();
    let nothing = json!({ "filter": { "webhook_id": hook.id, "until": "2000-01-01T00:00:00Z" } });
    start(ctx, &nothing, &format!("cf-{}-empty", ctx.run))
        .await?
        .field_error("filter")?;
    let bad = json!({ "filter": { "status_class": "6xx" } });
    start(ctx, &bad, &format!("cf-{}-bad", ctx.run))
        .await?
        .field_error("filter.status_class")?;
    let now = job_ids(ctx).await?.len();
    if now != jobs {
        return fail(format!("still {jobs} jobs"), format!("{now}"));
    }
    Ok(())
}

async fn missed(ctx: &Ctx) -> Step<()> {
    let r = ctx.http.get("/missed").await?;
    let data = r.envelope(&[200])?;
    let m: Missed = r.parse(data, "$.data", "{total, groups}")?;
    let sum: u64 = m.groups.iter().map(|g| g.count).sum();
    if sum != m.total {
        return r.fail(
            format!("total {sum}, the sum of the groups"),
            Some("$.data.total".into()),
            m.total.to_string(),
        );
    }
    Ok(())
}
