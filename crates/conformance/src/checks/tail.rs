//! `tail` checks: the live stream of deliveries as server-sent events.

use super::{outcome, Ctx, DELIVERY_WAIT};
use crate::client::{fail, Cred, Step};
use crate::report::GroupReport;
use reqwest::Method;
use std::time::{Duration, Instant};
use switchboard_api::{tail_event, TailEvent};

pub async fn run(ctx: &mut Ctx, g: &mut GroupReport) {
    g.push(
        "stream",
        "GET /deliveries/tail is text/event-stream: ready, then a new delivery and its attempt",
        outcome(stream(ctx).await),
    );
    g.push(
        "unauthorised",
        "the tail without a token is 401 problem+json",
        outcome(unauthorised(ctx).await),
    );
}

/// One event of the stream: its name and data (comment blocks are skipped).
async fn next_event(
    res: &mut reqwest::Response,
    buf: &mut String,
    deadline: Instant,
) -> Option<(String, String)> {
    loop {
        while let Some(i) = buf.find("\n\n") {
            let block: String = buf.drain(..i + 2).collect();
            let mut name = String::from("message");
            let mut data = Vec::new();
            let mut any = false;
            for line in block.lines() {
                if let Some(v) = line.strip_prefix("event:") {
                    name = v.trim().to_string();
                    any = true;
                } else if let Some(v) = line.strip_prefix("data:") {
                    data.push(v.strip_prefix(' ').unwrap_or(v).to_string());
                    any = true;
                }
            }
            if any {
                return Some((name, data.join("\n")));
            }
        }
        let left = deadline.checked_duration_since(Instant::now())?;
        let chunk = tokio::time::timeout(left, res.chunk()).await.ok()?.ok()??;
        buf.push_str(&String::from_utf8_lossy(&chunk).replace("\r\n", "\n"));
    }
}

async fn stream(ctx: &mut Ctx) -> Step<()> {
    let hook = ctx.hook("fail").await?;
    let limit = DELIVERY_WAIT + Duration::from_secs(10);
    let mut res = ctx.http.open_stream("/deliveries/tail", limit).await?;
    let label = "GET /deliveries/tail";
    if res.status() != 200 {
        return fail("200", format!("{label}: {}", res.status()));
    }
    let ct = res
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    if !ct.starts_with("text/event-stream") {
        return fail("content-type text/event-stream", format!("{label}: {ct:?}"));
    }
    let mut buf = String::new();
    let deadline = Instant::now() + limit;
    match next_event(&mut res, &mut buf, deadline).await {
        Some((name, _)) if name == tail_event::READY => {}
        other => return fail("a first `ready` event", format!("{label}: {other:?}")),
    }
    ctx.trigger(&hook).await?;
    let (mut created, mut attempted) = (false, false);
    while !(created && attempted) {
        let Some((name, data)) = next_event(&mut res, &mut buf, deadline).await else {
            return fail(
                "a `delivery` and an `attempt` event for the delivery caused",
                format!("{label}: delivery seen {created}, attempt seen {attempted}"),
            );
        };
        if name != tail_event::DELIVERY && name != tail_event::ATTEMPT {
            continue;
        }
        let e: TailEvent = match serde_json::from_str(&data) {
            Ok(e) => e,
            Err(err) => {
                return fail(
                    "event data as {delivery, attempt?}",
                    format!("{label}: {err} in {data}"),
                )
            }
        };
        if e.delivery.webhook_id.0 != hook.id {
            continue;
        }
        if name == tail_event::DELIVERY {
            created = true;
        } else {
            match &e.attempt {
                Some(a) if !a.succeeded => attempted = true,
                other => {
                    return fail(
                        "an attempt outcome that failed (the endpoint answers 500)",
                        format!("{label}: {other:?}"),
                    )
                }
            }
        }
    }
    Ok(())
}

async fn unauthorised(ctx: &Ctx) -> Step<()> {
    let r = ctx
        .http
        .send(Method::GET, "/deliveries/tail", None, &[], Cred::NoToken)
        .await?;
    r.problem(401).map(|_| ())
}
