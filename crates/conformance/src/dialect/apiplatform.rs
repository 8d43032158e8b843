//! `--dialect apiplatform`: the API platform's notification webhooks (seed 004,
//! `api/dialects.md`).
//!
//! `/webhooks` behind a bearer token: the seed's curl body registers a webhook, a 200 with the
//! record (a UUID `id`, `status` `active`, `auth` without its password); the list is a plain
//! array; `POST /webhooks/{id}/deactivate` makes it `deactivated`; a plain-http target or bad
//! `auth` is an `application/problem+json` whose `invalid-params` names the member.

use super::{
    delete_fixture, expect_member, expect_string, json_body, names_member, no_value,
    push_auth_checks, refused_create, Ctx,
};
use crate::checks::{id_of, outcome};
use crate::client::{describe, fail, Cred, Resp, Step};
use crate::report::GroupReport;
use serde_json::{json, Value};

/// The body of the curl example in the API platform's documentation.
pub const SEED_EXAMPLE: &str = switchboard_api::seed_examples::APIPLATFORM_CREATE;

/// The example's password, which no answer may carry.
const PASSWORD: &str = "PASSWORD";
const JSON: &[&str] = &["application/json"];
const PROBLEM: &str = "application/problem+json";

pub async fn run(ctx: &mut Ctx, g: &mut GroupReport) {
    push_auth_checks(ctx, g, "the bearer token", "a wrong bearer token").await;
    g.push(
        "create.seed_example",
        "POST /webhooks with the documentation's curl body is 200 with the record: UUID id, status active, auth without password",
        outcome(create(ctx).await),
    );
    g.push(
        "get",
        "GET /webhooks/{id} is the record",
        outcome(get(ctx).await),
    );
    g.push(
        "list",
        "GET /webhooks is an array of records, the webhook among them, no password",
        outcome(list(ctx).await),
    );
    g.push(
        "deactivate",
        "POST /webhooks/{id}/deactivate is 200 with status deactivated",
        outcome(deactivate(ctx).await),
    );
    g.push(
        "validation.http_target",
        "a plain-http targetURL is problem+json whose invalid-params names targetURL",
        outcome(bad_target(ctx).await),
    );
    g.push(
        "validation.auth",
        "client_credential auth without clientSecret is problem+json whose invalid-params names auth.…",
        outcome(bad_auth(ctx).await),
    );
    g.push(
        "delete",
        "DELETE /webhooks/{id} is 204 (or 200), then the webhook is 404",
        outcome(delete_fixture(ctx).await),
    );
}

/// The seed's body, its target below `https://example.com` carrying the run's tag.
fn seed_body(ctx: &Ctx) -> Value {
    let mut body: Value = serde_json::from_str(SEED_EXAMPLE).unwrap_or_default();
    body["targetURL"] = json!(target(ctx, "seed-example"));
    body
}

fn target(ctx: &Ctx, suffix: &str) -> String {
    format!("https://example.com/{}", ctx.name(suffix))
}

/// `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` in hex digits.
pub fn is_uuid(s: &str) -> bool {
    s.len() == 36
        && s.char_indices().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => c == '-',
            _ => c.is_ascii_hexdigit(),
        })
}

/// A registration record compared with what was sent; `auth` without its secret.
fn check_record(r: &Resp, record: &Value, sent: &Value, status: &str, at: &str) -> Step<String> {
    let id = expect_string(r, record, at, "id")?.to_string();
    if !is_uuid(&id) {
        return r.fail("id as a UUID", Some(format!("{at}.id")), id);
    }
    expect_member(r, record, at, "targetURL", &sent["targetURL"])?;
    expect_member(r, record, at, "status", &json!(status))?;
    for member in ["createdAt", "updatedAt"] {
        expect_string(r, record, at, member)?;
    }
    let mut auth = sent["auth"].clone();
    if let Some(m) = auth.as_object_mut() {
        m.remove("password");
        m.remove("clientSecret");
    }
    expect_member(r, record, at, "auth", &auth)?;
    Ok(id)
}

async fn create(ctx: &mut Ctx) -> Step<()> {
    let sent = seed_body(ctx);
    let r = ctx.post("/webhooks", &sent).await?;
    let record = json_body(&r, &[200, 201], JSON)?.clone();
    // Later checks work on the record even when this one finds fault with it.
    if let Some(id) = record.get("id").and_then(id_of) {
        ctx.hold(id, &record, &sent);
    }
    r.expect_status(&[200])?;
    no_value(&r, &[PASSWORD], "password")?;
    check_record(&r, &record, &sent, "active", "$").map(|_| ())
}

async fn get(ctx: &mut Ctx) -> Step<()> {
    let f = ctx.fixture()?;
    let r = ctx.get(&ctx.item_path(&f.id)).await?;
    let record = json_body(&r, &[200], JSON)?;
    no_value(&r, &[PASSWORD], "password")?;
    let id = check_record(&r, record, &f.sent, "active", "$")?;
    if id != f.id {
        return r.fail(format!("id {}", f.id), Some("$.id".into()), id);
    }
    Ok(())
}

async fn list_resp(ctx: &Ctx) -> Step<(Resp, Vec<Value>)> {
    let r = ctx.get("/webhooks").await?;
    let body = json_body(&r, &[200], JSON)?;
    let Some(items) = body.as_array().cloned() else {
        return r.fail(
            "an array of records",
            Some("$".into()),
            describe(Some(body)),
        );
    };
    Ok((r, items))
}

pub async fn list_all(ctx: &Ctx) -> Step<Vec<Value>> {
    Ok(list_resp(ctx).await?.1)
}

async fn list(ctx: &mut Ctx) -> Step<()> {
    let f = ctx.fixture()?;
    let (r, items) = list_resp(ctx).await?;
    no_value(&r, &[PASSWORD], "password")?;
    for (i, item) in items.iter().enumerate() {
        let auth = &item["auth"];
        for secret in ["password", "clientSecret"] {
            if auth.get(secret).is_some_and(|v| !v.is_null()) {
                return r.fail(
                    "records without auth secrets",
                    Some(format!("$[{i}].auth.{secret}")),
                    "it is there",
                );
            }
        }
        if item.get("id").and_then(id_of).as_deref() == Some(&f.id) {
            check_record(&r, item, &f.sent, "active", &format!("$[{i}]"))?;
            return Ok(());
        }
    }
    fail(
        format!("webhook {} in GET /webhooks", f.id),
        format!("{} records without it", items.len()),
    )
}

async fn deactivate(ctx: &mut Ctx) -> Step<()> {
    let f = ctx.fixture()?;
    let path = format!("{}/deactivate", ctx.item_path(&f.id));
    let r = ctx
        .send(reqwest::Method::POST, &path, None, &[], Cred::Token)
        .await?;
    let record = json_body(&r, &[200], JSON)?;
    let id = check_record(&r, record, &f.sent, "deactivated", "$")?;
    if id != f.id {
        return r.fail(format!("id {}", f.id), Some("$.id".into()), id);
    }
    let r = ctx.get(&ctx.item_path(&f.id)).await?;
    let record = json_body(&r, &[200], JSON)?;
    check_record(&r, record, &f.sent, "deactivated", "$").map(|_| ())
}

/// An RFC 9457 problem (400, or 422) whose `invalid-params[].name` has one `matches` accepts.
fn invalid_param(r: &Resp, what: &str, matches: impl Fn(&str) -> bool) -> Step<()> {
    let body = json_body(r, &[400, 422], &[PROBLEM])?;
    for member in ["type", "title"] {
        expect_string(r, body, "$", member)?;
    }
    match body.get("status").and_then(Value::as_u64) {
        Some(s) if s == u64::from(r.status) => {}
        _ => {
            return r.fail(
                format!("status = {}", r.status),
                Some("$.status".into()),
                describe(body.get("status")),
            )
        }
    }
    names_member(r, body, ("invalid-params", "name"), what, matches)
}

async fn refused(ctx: &mut Ctx, body: &Value, what: &str) -> Step<Resp> {
    refused_create(ctx, body, &format!("problem+json naming {what}")).await
}

async fn bad_target(ctx: &mut Ctx) -> Step<()> {
    let mut body = seed_body(ctx);
    body["targetURL"] = json!(format!(
        "http://example.com/{}",
        ctx.name("plain-http-target")
    ));
    let r = refused(ctx, &body, "targetURL").await?;
    invalid_param(&r, "targetURL", |n| n == "targetURL")
}

async fn bad_auth(ctx: &mut Ctx) -> Step<()> {
    let body = json!({
        "targetURL": target(ctx, "refused-auth"),
        "auth": {
            "type": "client_credential",
            "clientID": "CLIENT",
            "tokenURL": "https://example.com/token",
        },
    });
    let r = refused(ctx, &body, "auth.clientSecret").await?;
    invalid_param(&r, "auth.… (auth.clientSecret)", |n| {
        n == "auth" || n.starts_with("auth.")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuids() {
        assert!(is_uuid("123e4567-e89b-12d3-a456-426614174000"));
        assert!(!is_uuid("XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX"));
        assert!(!is_uuid("12"));
    }
}
