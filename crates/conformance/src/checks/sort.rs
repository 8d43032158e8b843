//! `sort` checks: the webhooks list in another order, paged by cursor through ties, and the
//! 400 problems for a cursor of another order and for an order the contract lacks.

use super::{outcome, Ctx};
use crate::client::{describe, fail, skip, Resp, Step};
use crate::report::GroupReport;
use serde_json::Value;
use switchboard_api::percent::encode_component as encode;

pub async fn run(ctx: &mut Ctx, g: &mut GroupReport) {
    g.push(
        "name_asc",
        "GET /webhooks?sort=name_asc pages by name, ties in creation order, one per page",
        outcome(name_asc(ctx).await),
    );
    g.push(
        "wrong_cursor",
        "a name_asc cursor given with sort=created_desc is a 400 problem naming `cursor`",
        outcome(wrong_cursor(ctx).await),
    );
    g.push(
        "unknown_sort",
        "an order the contract lacks is a 400 problem naming `sort`",
        outcome(unknown_sort(ctx).await),
    );
}

/// The suffixes created, in creation order; by name they read `a`, `b` (first), `b`, `c`.
const NAMES: [&str; 4] = ["sort-b", "sort-a", "sort-b", "sort-c"];

/// The ids of the check's webhooks in `sort`'s order, one page at a time, and the first
/// page's cursor.
async fn pages(ctx: &Ctx, sort: &str) -> Step<(Vec<String>, Option<String>)> {
    let search = encode(&ctx.name("sort-"));
    let (mut ids, mut first, mut cursor) = (Vec::new(), None, String::new());
    for _ in 0..(NAMES.len() + 2) {
        let r = ctx
            .http
            .get(&format!(
                "/webhooks?sort={sort}&limit=1&q={search}&cursor={}",
                encode(&cursor)
            ))
            .await?;
        let (items, next) = r.page()?;
        ids.extend(
            items
                .iter()
                .filter_map(|w| w.get("id").and_then(super::id_of)),
        );
        match next {
            Some(c) => {
                first.get_or_insert_with(|| c.clone());
                cursor = c;
            }
            None => return Ok((ids, first)),
        }
    }
    fail("the pages to end", "more pages than webhooks")
}

async fn name_asc(ctx: &mut Ctx) -> Step<()> {
    let event = ctx.event(0)?;
    let mut created = Vec::new();
    for suffix in NAMES {
        let body = ctx.webhook_body(suffix, &ctx.inert_url(suffix), &event);
        created.push(ctx.create_ok(&body).await?.id);
    }
    let want = [&created[1], &created[0], &created[2], &created[3]];
    let (ids, _) = pages(ctx, "name_asc").await?;
    if ids.iter().collect::<Vec<_>>() != want {
        return fail(format!("ids in the order {want:?}"), format!("{ids:?}"));
    }
    let (newest, _) = pages(ctx, "created_desc").await?;
    let want: Vec<&String> = created.iter().rev().collect();
    if newest.iter().collect::<Vec<_>>() != want {
        return fail(
            format!("created_desc ids in the order {want:?}"),
            format!("{newest:?}"),
        );
    }
    Ok(())
}

/// A 400 problem whose `errors[].field` names `field`.
fn names_field(r: &Resp, field: &str) -> Step<()> {
    let body = r.problem(400)?;
    let fields: Vec<&str> = body
        .get("errors")
        .and_then(Value::as_array)
        .map(|e| e.iter().filter_map(|e| e.get("field")?.as_str()).collect())
        .unwrap_or_default();
    if fields.contains(&field) {
        Ok(())
    } else {
        r.fail(
            format!("errors[].field {field:?}"),
            Some("$.errors".into()),
            describe(body.get("errors")),
        )
    }
}

async fn wrong_cursor(ctx: &mut Ctx) -> Step<()> {
    let (_, first) = pages(ctx, "name_asc").await?;
    let Some(cursor) = first else {
        return skip("the name_asc check made no second page");
    };
    let r = ctx
        .http
        .get(&format!(
            "/webhooks?sort=created_desc&cursor={}",
            encode(&cursor)
        ))
        .await?;
    names_field(&r, "cursor")
}

async fn unknown_sort(ctx: &mut Ctx) -> Step<()> {
    let r = ctx.http.get("/webhooks?sort=no_such_order").await?;
    names_field(&r, "sort")
}
