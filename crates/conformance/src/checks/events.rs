//! `events` checks: fan-out, and deliveries that arrive signed, authenticated and recorded.

use super::{hook_token, id_of, outcome, Ctx, Hook};
use crate::client::{describe, excerpt, fail, skip, Step, Verdict};
use crate::receiver::{Received, FAILURE_MESSAGE};
use crate::report::GroupReport;
use crate::signature;
use serde_json::{json, Value};
use switchboard_api::{Delivery, EmittedEvent, Feature};

pub async fn run(ctx: &mut Ctx, g: &mut GroupReport) {
    let ok = ctx.hook("ok").await;
    let failing = ctx.hook("fail").await;
    g.push(
        "receiver_hook",
        "a webhook pointing at the loopback receiver can be created",
        outcome(ok.clone().map(|_| ())),
    );
    let seen = ok.as_ref().map(|h| ctx.arrivals(h)).unwrap_or(0);
    let emitted = emit(ctx, ok.is_ok() && failing.is_ok()).await;
    g.push(
        "emit",
        "POST /events fans out to every active subscriber",
        outcome(emitted.clone().map(|_| ())),
    );
    g.push(
        "list",
        "GET /events lists the emitted event",
        outcome(list(ctx, &emitted).await),
    );
    g.push(
        "unknown_type",
        "emitting an unknown event type is 422 naming event_type",
        outcome(unknown_type(ctx).await),
    );
    let arrival = match (&emitted, &ok) {
        (Err(_), _) => Err(Verdict::Skip("needs the emit check to pass".into())),
        (_, Err(v)) => Err(v.clone()),
        (Ok(_), Ok(h)) => ctx.next_arrival(h, seen).await,
    };
    let hook = ok.clone();
    g.push(
        "delivery.arrives",
        "the delivery reaches the endpoint as a JSON POST",
        outcome(arrives(&arrival)),
    );
    g.push(
        "delivery.signature",
        "it is signed per Standard Webhooks with the webhook's secret",
        outcome(signed(&arrival, &hook)),
    );
    g.push(
        "delivery.auth",
        "it carries the configured endpoint auth",
        outcome(auth(ctx, &arrival)),
    );
    g.push(
        "delivery.headers",
        "it carries the configured custom headers",
        outcome(headers(ctx, &arrival)),
    );
    g.push(
        "delivery.failure_recorded",
        "a 500 from the endpoint is recorded with its status and message",
        outcome(failure_recorded(ctx, &emitted, &failing).await),
    );
}

async fn emit(ctx: &mut Ctx, with_hooks: bool) -> Step<(String, Vec<String>)> {
    let event = ctx.quiet_event().await?;
    let payload = ctx.example_payload(&event).await;
    let r = ctx
        .http
        .post("/events", &json!({"event_type": event, "payload": payload}))
        .await?;
    let data = r.envelope(&[200, 201, 202])?;
    let e: EmittedEvent = r.parse(data, "$.data", "emitted event {id, deliveries}")?;
    ctx.emitted.push(e.id.0.clone());
    if e.event_type != event {
        return r.fail(
            format!("event_type {event}"),
            Some("$.data.event_type".into()),
            e.event_type,
        );
    }
    if with_hooks && e.deliveries.len() < 2 {
        return r.fail(
            "a delivery for each of the checker's two active subscribers",
            Some("$.data.deliveries".into()),
            describe(data.get("deliveries")),
        );
    }
    Ok((e.id.0, e.deliveries.into_iter().map(|d| d.0).collect()))
}

async fn list(ctx: &Ctx, emitted: &Step<(String, Vec<String>)>) -> Step<()> {
    let (id, _) = emitted.clone()?;
    let r = ctx.http.get("/events?limit=50").await?;
    let (items, _) = r.page()?;
    if items
        .iter()
        .any(|e| e.get("id").and_then(id_of).as_deref() == Some(&id))
    {
        Ok(())
    } else {
        r.fail(
            format!("event {id} on the first page (newest first)"),
            Some("$.data".into()),
            format!("{} items without it", items.len()),
        )
    }
}

async fn unknown_type(ctx: &Ctx) -> Step<()> {
    let r = ctx
        .http
        .post(
            "/events",
            &json!({"event_type": format!("no.such.event.{}", ctx.run), "payload": {}}),
        )
        .await?;
    r.field_error("event_type")
}

fn arrives(arrival: &Step<Received>) -> Step<()> {
    let got = arrival.clone()?;
    if got.method != "POST" {
        return fail("a POST", got.method);
    }
    if serde_json::from_slice::<Value>(&got.body).is_err() {
        return fail(
            "a JSON body (the webhook's format is json)",
            excerpt(&got.body_text()),
        );
    }
    match got.header("content-type") {
        Some(ct) if crate::client::media_type(&ct) == "application/json" => Ok(()),
        other => fail("content-type application/json", format!("{other:?}")),
    }
}

fn signed(arrival: &Step<Received>, hook: &Step<Hook>) -> Step<()> {
    let got = arrival.clone()?;
    let hook = hook.clone()?;
    let secret = hook.secret.unwrap_or_default();
    signature::verify(&secret, |h| got.header(h), &got.body).or_else(|e| {
        fail(
            "a v1 signature by the webhook's secret over id.timestamp.body",
            e.to_string(),
        )
    })?;
    let ts: i64 = got
        .header("webhook-timestamp")
        .and_then(|t| t.parse().ok())
        .unwrap_or(0);
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    if (now - ts).abs() > 300 {
        return fail(
            "webhook-timestamp within 5 minutes of now",
            format!("{ts} (now {now})"),
        );
    }
    Ok(())
}

fn auth(ctx: &Ctx, arrival: &Step<Received>) -> Step<()> {
    let got = arrival.clone()?;
    let want = format!("Bearer {}", hook_token(&ctx.run));
    match got.header("authorization") {
        Some(v) if v == want => Ok(()),
        other => fail(format!("Authorization: {want}"), format!("{other:?}")),
    }
}

fn headers(ctx: &Ctx, arrival: &Step<Received>) -> Step<()> {
    let got = arrival.clone()?;
    match got.header("x-conformance-run") {
        Some(v) if v == ctx.run => Ok(()),
        other => fail(
            format!("X-Conformance-Run: {}", ctx.run),
            format!("{other:?}"),
        ),
    }
}

async fn failure_recorded(
    ctx: &Ctx,
    emitted: &Step<(String, Vec<String>)>,
    failing: &Step<Hook>,
) -> Step<()> {
    let hook = failing.clone()?;
    let (_, deliveries) = emitted.clone()?;
    if !ctx.has(Feature::Deliveries) {
        return skip("the server does not advertise deliveries, so attempts cannot be read back");
    }
    let mut target = None;
    for id in &deliveries {
        let r = ctx.http.get(&format!("/deliveries/{id}")).await?;
        let data = r.envelope(&[200])?;
        if data.get("webhook_id").and_then(id_of).as_deref() == Some(&hook.id) {
            target = Some(id.clone());
            break;
        }
    }
    let Some(id) = target else {
        return fail(
            format!(
                "one of the emitted deliveries {deliveries:?} to webhook {}",
                hook.id
            ),
            "none",
        );
    };
    let (r, data) = ctx
        .wait_delivery(
            &id,
            "status failed after one attempt (retry_count 0)",
            |d| d["status"] == "failed",
        )
        .await?;
    let d: Delivery = r.parse(&data, "$.data", "delivery")?;
    if d.response_status != Some(500) {
        return r.fail(
            "response_status 500",
            Some("$.data.response_status".into()),
            describe(data.get("response_status")),
        );
    }
    let Some((i, a)) = d.attempts.iter().enumerate().next_back() else {
        return r.fail(
            "the attempt",
            Some("$.data.attempts".into()),
            "an empty array",
        );
    };
    if a.response.as_ref().map(|x| x.status) != Some(500) {
        return r.fail(
            "the endpoint's 500",
            Some(format!("$.data.attempts[{i}].response.status")),
            describe(data["attempts"][i].get("response")),
        );
    }
    if a.message.as_deref() != Some(FAILURE_MESSAGE) {
        return r.fail(
            format!("message {FAILURE_MESSAGE:?} from the response JSON"),
            Some(format!("$.data.attempts[{i}].message")),
            describe(data["attempts"][i].get("message")),
        );
    }
    Ok(())
}
