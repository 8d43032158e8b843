//! `--dialect outputrocks`: Output.Rocks' webhook resource (seed 002, `api/dialects.md`).
//!
//! `/webhooks` behind `X-AUTH-TOKEN`, served by API Platform: the seed's example POST is a 201
//! with `id`, `identifier`, `type` and `data` without the write-only password; the collection is
//! JSON-LD (`member` or `hydra:member`, `view` or `hydra:view`); `PATCH` takes
//! `application/merge-patch+json` only (plain JSON is a 415); a bad `type` or `data` is a 422
//! whose `violations[].propertyPath` names it.

use super::{
    delete_fixture, expect_integer, expect_member, json_body, names_member, no_value,
    push_auth_checks, refused_create, Ctx,
};
use crate::checks::{id_of, outcome};
use crate::client::{describe, fail, Cred, Resp, Step};
use crate::report::GroupReport;
use reqwest::Method;
use serde_json::{json, Value};

/// The request example of Output.Rocks' documentation.
pub const SEED_EXAMPLE: &str = switchboard_api::seed_examples::OUTPUTROCKS_CREATE;

/// The example's write-only member and its value.
const PASSWORD: &str = "sftp-password";
const JSON: &[&str] = &["application/json", "application/ld+json"];
const LD: &str = "application/ld+json";
const MERGE_PATCH: &str = "application/merge-patch+json";
const ERRORS: &[&str] = &[
    "application/problem+json",
    "application/ld+json",
    "application/json",
];

pub async fn run(ctx: &mut Ctx, g: &mut GroupReport) {
    push_auth_checks(ctx, g, "X-AUTH-TOKEN", "a wrong X-AUTH-TOKEN").await;
    g.push(
        "create.seed_example",
        "POST /webhooks with the documentation's example is 201 with id, identifier, type and data without the password",
        outcome(create(ctx).await),
    );
    g.push(
        "get",
        "GET /webhooks/{id} is the webhook, without the password",
        outcome(get(ctx).await),
    );
    g.push(
        "list.jsonld",
        "GET /webhooks as JSON-LD is a collection with member (or hydra:member) and view, the webhook among them",
        outcome(list(ctx).await),
    );
    g.push(
        "update.plain_json",
        "PATCH /webhooks/{id} as application/json is 415",
        outcome(plain_patch(ctx).await),
    );
    g.push(
        "update.merge_patch",
        "PATCH /webhooks/{id} as application/merge-patch+json changes what it carries and keeps the rest",
        outcome(merge_patch(ctx).await),
    );
    g.push(
        "validation.type",
        "a POST with an unknown type is 422 with violations[].propertyPath type",
        outcome(bad_type(ctx).await),
    );
    g.push(
        "validation.data",
        "a POST whose data breaks the type's schema is 422 with a violation at data.…",
        outcome(bad_data(ctx).await),
    );
    g.push(
        "delete",
        "DELETE /webhooks/{id} is 204 (or 200), then the webhook is 404",
        outcome(delete_fixture(ctx).await),
    );
}

/// The seed's example with the run's tag in its identifier, so it selects nothing real and can
/// be found and swept.
fn seed_body(ctx: &Ctx) -> Value {
    let mut body: Value = serde_json::from_str(SEED_EXAMPLE).unwrap_or_default();
    body["identifier"] = json!(ctx.name("my-webhook"));
    body
}

/// A webhook compared with what was sent; `data` without the password.
fn check_item(r: &Resp, item: &Value, sent: &Value, at: &str) -> Step<String> {
    let id = expect_integer(r, item, at, "id")?;
    for member in ["identifier", "type", "priority", "active"] {
        expect_member(r, item, at, member, &sent[member])?;
    }
    let Some(data) = item.get("data").filter(|d| d.is_object()) else {
        return r.fail(
            "data as an object",
            Some(format!("{at}.data")),
            describe(item.get("data")),
        );
    };
    for (k, v) in sent["data"].as_object().into_iter().flatten() {
        if k == "password" {
            continue;
        }
        expect_member(r, data, &format!("{at}.data"), k, v)?;
    }
    if data.get("password").is_some_and(|p| !p.is_null()) {
        return r.fail(
            "data without the write-only password",
            Some(format!("{at}.data.password")),
            "it is there",
        );
    }
    Ok(id)
}

async fn create(ctx: &mut Ctx) -> Step<()> {
    let sent = seed_body(ctx);
    let r = ctx.post("/webhooks", &sent).await?;
    let item = json_body(&r, &[200, 201], JSON)?.clone();
    // Later checks work on the webhook even when this one finds fault with it.
    if let Some(id) = item.get("id").and_then(id_of) {
        ctx.hold(id, &item, &sent);
    }
    r.expect_status(&[201])?;
    check_item(&r, &item, &sent, "$")?;
    no_value(&r, &[PASSWORD], "password")
}

async fn get(ctx: &mut Ctx) -> Step<()> {
    let f = ctx.fixture()?;
    let r = ctx.get(&ctx.item_path(&f.id)).await?;
    let item = json_body(&r, &[200], JSON)?;
    let id = check_item(&r, item, &f.sent, "$")?;
    if id != f.id {
        return r.fail(format!("id {}", f.id), Some("$.id".into()), id);
    }
    no_value(&r, &[PASSWORD], "password")
}

/// The member of an API Platform 4 or 3 collection (`member`, `hydra:member`).
fn either<'a>(v: &'a Value, name: &str) -> Option<&'a Value> {
    v.get(name).or_else(|| v.get(format!("hydra:{name}")))
}

/// One JSON-LD page: its members and the number of the next page, if any.
fn collection(r: &Resp) -> Step<(Vec<Value>, Option<u64>)> {
    let body = json_body(r, &[200], &[LD])?;
    let Some(members) = either(body, "member").and_then(Value::as_array) else {
        return r.fail(
            "member (or hydra:member) as an array",
            Some("$.member".into()),
            describe(either(body, "member")),
        );
    };
    let Some(view) = either(body, "view").filter(|v| v.is_object()) else {
        return r.fail(
            "view (or hydra:view) as an object",
            Some("$.view".into()),
            describe(either(body, "view")),
        );
    };
    let next = either(view, "next")
        .and_then(Value::as_str)
        .and_then(|n| n.split_once("page=").map(|(_, p)| p))
        .and_then(|p| {
            p.split(|c: char| !c.is_ascii_digit())
                .next()
                .and_then(|d| d.parse().ok())
        });
    Ok((members.clone(), next))
}

/// Every JSON-LD page, following `view.next`.
async fn pages(ctx: &Ctx) -> Step<Vec<(Resp, Vec<Value>)>> {
    let mut out = Vec::new();
    let mut path = "/webhooks".to_string();
    for _ in 0..100 {
        let r = ctx
            .send(Method::GET, &path, None, &[("accept", LD)], Cred::Token)
            .await?;
        let (members, next) = collection(&r)?;
        out.push((r, members));
        match next {
            Some(n) => path = format!("/webhooks?page={n}"),
            None => return Ok(out),
        }
    }
    Ok(out)
}

pub async fn list_all(ctx: &Ctx) -> Step<Vec<Value>> {
    Ok(pages(ctx).await?.into_iter().flat_map(|(_, m)| m).collect())
}

async fn list(ctx: &mut Ctx) -> Step<()> {
    let f = ctx.fixture()?;
    let mut seen = 0;
    let mut found = false;
    for (r, members) in pages(ctx).await? {
        seen += members.len();
        no_value(&r, &[PASSWORD], "password")?;
        for (i, item) in members.iter().enumerate() {
            if item.get("id").and_then(id_of).as_deref() == Some(&f.id) {
                check_item(&r, item, &f.sent, &format!("$.member[{i}]"))?;
                found = true;
            }
        }
    }
    if found {
        Ok(())
    } else {
        fail(
            format!("webhook {} in the collection", f.id),
            format!("{seen} members without it"),
        )
    }
}

async fn patch(ctx: &Ctx, id: &str, media: &str, body: &Value) -> Step<Resp> {
    ctx.send(
        Method::PATCH,
        &ctx.item_path(id),
        Some(body),
        &[("content-type", media)],
        Cred::Token,
    )
    .await
}

async fn plain_patch(ctx: &mut Ctx) -> Step<()> {
    let f = ctx.fixture()?;
    let r = patch(ctx, &f.id, "application/json", &json!({"priority": 3})).await?;
    r.expect_status(&[415])
}

async fn merge_patch(ctx: &mut Ctx) -> Step<()> {
    let f = ctx.fixture()?;
    let change = json!({"priority": 2, "active": false});
    let r = patch(ctx, &f.id, MERGE_PATCH, &change).await?;
    let item = json_body(&r, &[200], JSON)?;
    let mut want = f.sent.clone();
    want["priority"] = change["priority"].clone();
    want["active"] = change["active"].clone();
    check_item(&r, item, &want, "$")?;
    no_value(&r, &[PASSWORD], "password")?;
    let r = ctx.get(&ctx.item_path(&f.id)).await?;
    let item = json_body(&r, &[200], JSON)?;
    check_item(&r, item, &want, "$")?;
    if let Some(fx) = ctx.fixture.as_mut() {
        fx.sent = want;
    }
    Ok(())
}

/// A 422 whose `violations[].propertyPath` has one `matches` accepts.
fn violation(r: &Resp, what: &str, matches: impl Fn(&str) -> bool) -> Step<()> {
    let body = json_body(r, &[422], ERRORS)?;
    names_member(r, body, ("violations", "propertyPath"), what, matches)
}

async fn refused(ctx: &mut Ctx, body: &Value, what: &str) -> Step<Resp> {
    refused_create(ctx, body, &format!("422 with a violation at {what}")).await
}

async fn bad_type(ctx: &mut Ctx) -> Step<()> {
    let mut body = seed_body(ctx);
    body["identifier"] = json!(ctx.name("refused-type"));
    body["type"] = json!(format!("cf-no-such-type-{}", ctx.run));
    let r = refused(ctx, &body, "type").await?;
    violation(&r, "type", |p| p == "type")
}

async fn bad_data(ctx: &mut Ctx) -> Step<()> {
    let mut body = seed_body(ctx);
    body["identifier"] = json!(ctx.name("refused-data"));
    body["data"]["port"] = json!(70000);
    let r = refused(ctx, &body, "data.port").await?;
    violation(&r, "data.… (data.port)", |p| {
        p == "data" || p.starts_with("data.") || p.starts_with("data[")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resp(body: Value) -> Resp {
        Resp {
            label: "GET /webhooks".into(),
            status: 200,
            content_type: Some("application/ld+json; charset=utf-8".into()),
            headers: Default::default(),
            text: body.to_string(),
            json: Some(body),
        }
    }

    #[test]
    fn both_api_platform_collections_are_read() {
        let four =
            resp(json!({"member": [{"id": 1}], "view": {"next": "/api/spa/webhooks?page=2"}}));
        assert_eq!(
            collection(&four).unwrap(),
            (vec![json!({"id": 1})], Some(2))
        );
        let three = resp(json!({"hydra:member": [], "hydra:view": {"@id": "/x?page=1"}}));
        assert_eq!(collection(&three).unwrap(), (vec![], None));
        assert!(collection(&resp(json!([{"id": 1}]))).is_err());
    }
}
