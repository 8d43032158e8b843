//! Output.Rocks' webhook resource (`--profile outputrocks`): `/api/spa/webhooks` behind
//! `X-AUTH-TOKEN`, integer ids, channel types with schema-checked `data`, JSON-LD or plain
//! JSON, merge-patch updates, API Platform's error bodies.

use super::{check, find, insert, json, page, save, utc, OwnedKey, Vendor, VendorError};
use crate::error::ApiError;
use crate::http::query::{BadParam, Params};
use crate::http::{parse_json, AppState};
use crate::ids::{new_id, now_ms};
use crate::store::webhooks::Kinds;
use crate::store::webhooks::StoredWebhook;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde::Deserialize;
use serde_json::{json, Map, Value};
use switchboard_api::{FieldError, Filter, Timestamp, WebhookInput};
use time::macros::format_description;

pub struct Outputrocks;

type Error = VendorError<Outputrocks>;

/// Who the server token acts as, in `createdBy` and `updatedBy`.
pub const ACTOR: &str = "api-token";
/// API Platform's default page size.
const PER_PAGE: u32 = 30;
const COLLECTION: &str = "/api/spa/webhooks";
const LD: &str = "application/ld+json; charset=utf-8";
const PLAIN: &str = "application/json; charset=utf-8";
const PROBLEM: &str = "application/problem+json; charset=utf-8";
const MERGE_PATCH: &str = "application/merge-patch+json";
/// Members an item carries that a client may send back; they are not written.
const READ_ONLY: [&str; 8] = [
    "@context",
    "@id",
    "@type",
    "id",
    "createdBy",
    "updatedBy",
    "createdAt",
    "updatedAt",
];

impl Vendor for Outputrocks {
    const BASE: &'static str = "/api/spa";

    fn routes() -> Router<AppState> {
        Router::new()
            .route("/webhooks", get(list).post(create))
            .route("/webhooks/{id}", get(show).patch(update).delete(remove))
    }

    fn authorized(headers: &HeaderMap, token: &str) -> bool {
        headers
            .get("x-auth-token")
            .is_some_and(|v| crate::http::constant_time_eq(v.as_bytes(), token.as_bytes()))
    }

    /// A `ConstraintViolationList` for bad members, an `Error` for everything else, both as
    /// problem+json.
    fn error(e: &ApiError) -> Response {
        let problem = e.to_problem();
        let status = e.status();
        let body = match e {
            ApiError::Validation(errors) => json!({
                "@type": "ConstraintViolationList",
                "title": "An error occurred",
                "detail": errors
                    .iter()
                    .map(|f| format!("{}: {}", f.field, f.message))
                    .collect::<Vec<_>>()
                    .join("\n"),
                "status": status.as_u16(),
                "violations": errors
                    .iter()
                    .map(|f| json!({"propertyPath": f.field, "message": f.message}))
                    .collect::<Vec<_>>(),
            }),
            other => json!({
                "@type": "Error",
                "title": problem.title,
                "detail": match other {
                    ApiError::Unauthorized => "A valid X-AUTH-TOKEN header is required.".into(),
                    _ => problem.detail.unwrap_or_default(),
                },
                "status": status.as_u16(),
            }),
        };
        json(status, PROBLEM, &body)
    }
}

/// JSON-LD unless the client asks for plain JSON only (API Platform's first format).
fn wants_ld(headers: &HeaderMap) -> bool {
    let accept = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    accept.contains("application/ld+json") || !accept.contains("application/json")
}

fn date(ms: i64) -> String {
    utc(ms, format_description!("[year]-[month]-[day]"))
}

/// A webhook as an Output.Rocks item; `data` without its write-only members.
fn item(w: &StoredWebhook, ld: bool) -> Value {
    let stamp = format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]+00:00");
    let mut v = json!({
        "id": w.seq,
        "identifier": w.name,
        "type": w.kind,
        "priority": w.priority,
        "data": w.data.as_ref().map(|d| crate::types::redact(&w.kind, d)).unwrap_or_else(|| json!({})),
        "active": w.is_active,
        "activeFrom": w.active_from.map(date),
        "groupIdentifier": w.filter.as_ref().and_then(|f| f.group.clone()),
        "groupCondition": w.filter.as_ref().map(|f| f.condition.clone()),
        "createdBy": w.created_by,
        "updatedBy": w.updated_by,
        "createdAt": utc(w.created_at, stamp),
        "updatedAt": utc(w.updated_at, stamp),
    });
    if ld {
        v["@id"] = Value::String(format!("{COLLECTION}/{}", w.seq));
        v["@type"] = Value::String("Webhook".into());
    }
    v
}

fn one(status: StatusCode, headers: &HeaderMap, w: &StoredWebhook) -> Response {
    let ld = wants_ld(headers);
    let mut body = item(w, ld);
    if ld {
        body["@context"] = Value::String("/api/spa/contexts/Webhook".into());
    }
    json(status, if ld { LD } else { PLAIN }, &body)
}

/// The writable members of a stored webhook, secrets included: what a merge patch applies to.
fn document(w: &StoredWebhook) -> Value {
    json!({
        "identifier": w.name,
        "type": w.kind,
        "priority": w.priority,
        "data": w.data.clone().unwrap_or_else(|| json!({})),
        "active": w.is_active,
        "activeFrom": w.active_from.map(date),
        "groupIdentifier": w.filter.as_ref().and_then(|f| f.group.clone()),
        "groupCondition": w.filter.as_ref().map(|f| f.condition.clone()),
    })
}

/// RFC 7396: members of `patch` replace those of `target`, objects merge, `null` removes.
fn merge_patch(target: &mut Value, patch: Value) {
    let Value::Object(patch) = patch else {
        *target = patch;
        return;
    };
    if !target.is_object() {
        *target = Value::Object(Map::new());
    }
    let Value::Object(members) = target else {
        return;
    };
    for (k, v) in patch {
        if v.is_null() {
            members.remove(&k);
        } else {
            merge_patch(members.entry(k).or_insert(Value::Null), v);
        }
    }
}

/// A webhook as a document: every member optional here, required ones checked on the way to
/// the input, unknown ones refused.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct Document {
    #[serde(default)]
    identifier: Option<String>,
    #[serde(default, rename = "type")]
    kind: Option<String>,
    #[serde(default)]
    priority: Option<i32>,
    #[serde(default)]
    data: Option<Value>,
    #[serde(default)]
    active: Option<bool>,
    #[serde(default)]
    active_from: Option<String>,
    #[serde(default)]
    group_identifier: Option<String>,
    #[serde(default)]
    group_condition: Option<String>,
}

impl Document {
    fn into_input(self, found: &mut Vec<FieldError>) -> WebhookInput {
        if self.identifier.is_none() {
            found.push(FieldError::new("identifier", "is required"));
        }
        if self.kind.is_none() {
            found.push(FieldError::new(
                "type",
                "is required: one of the channel types",
            ));
        }
        let active_from = self.active_from.and_then(|raw| {
            let day = format_description!("[year]-[month]-[day]");
            let parsed = time::Date::parse(raw.trim(), day)
                .map(|d| Timestamp(d.midnight().assume_utc()))
                .ok()
                .or_else(|| Timestamp::parse(&raw));
            if parsed.is_none() {
                found.push(FieldError::new(
                    "activeFrom",
                    "must be a date like 2024-01-01",
                ));
            }
            parsed
        });
        let filter = match (self.group_identifier, self.group_condition) {
            (group, Some(condition)) => Some(Filter { group, condition }),
            (Some(_), None) => {
                found.push(FieldError::new(
                    "groupCondition",
                    "is required with a groupIdentifier",
                ));
                None
            }
            (None, None) => None,
        };
        WebhookInput {
            kind: self.kind.unwrap_or_default(),
            data: Some(self.data.unwrap_or_else(|| json!({}))),
            name: self.identifier.unwrap_or_default(),
            is_active: self.active.unwrap_or(true),
            active_from,
            priority: self.priority.unwrap_or(0),
            filter,
            ..WebhookInput::default()
        }
    }
}

/// Switchboard's member names in field errors as Output.Rocks' property paths.
fn rename(field: &str) -> String {
    match field {
        "name" => "identifier",
        "is_active" => "active",
        "active_from" => "activeFrom",
        "filter" | "filter.condition" => "groupCondition",
        "filter.group" => "groupIdentifier",
        other => other,
    }
    .to_string()
}

/// The body as a JSON object without the read-only members an item carries.
fn body_object(bytes: &[u8]) -> Result<Value, ApiError> {
    let mut v: Value = parse_json(bytes)?;
    let Value::Object(members) = &mut v else {
        return Err(ApiError::MalformedJson(
            "The body must be a JSON object.".into(),
        ));
    };
    for m in READ_ONLY {
        members.remove(m);
    }
    Ok(v)
}

fn media_type(headers: &HeaderMap) -> String {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase())
        .unwrap_or_default()
}

fn unsupported(found: &str, supported: &str) -> ApiError {
    ApiError::UnsupportedMediaType(if found.is_empty() {
        "The \"Content-Type\" header must exist.".into()
    } else {
        format!(
            "The content-type \"{found}\" is not supported. Supported MIME types are {supported}."
        )
    })
}

fn seq_of(raw: &str) -> Result<i64, ApiError> {
    raw.parse()
        .map_err(|_| ApiError::NotFound(format!("No webhook with id {raw:?}.")))
}

/// `?page=N` from 1, 30 per page, oldest first.
#[derive(Deserialize)]
struct ListQuery {
    #[serde(default)]
    page: PageNo,
}

/// API Platform's `page`, from 1; empty is the first page.
#[derive(Deserialize)]
#[serde(try_from = "String")]
struct PageNo(u32);

impl Default for PageNo {
    fn default() -> Self {
        PageNo(1)
    }
}

impl TryFrom<String> for PageNo {
    type Error = &'static str;

    fn try_from(raw: String) -> Result<Self, Self::Error> {
        match raw.trim() {
            "" => Ok(PageNo::default()),
            n => n
                .parse()
                .ok()
                .filter(|n| *n >= 1)
                .map(PageNo)
                .ok_or("not a page number"),
        }
    }
}

async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
    query: Result<Params<ListQuery>, BadParam>,
) -> Result<Response, Error> {
    // API Platform's own words for any page it cannot use.
    let Params(ListQuery {
        page: PageNo(page_no),
    }) = query.map_err(|_| ApiError::BadQuery("Page should not be less than 1.".into()))?;
    let (rows, total) = page(
        &state,
        Kinds::Except(switchboard_api::HTTP_TYPE),
        u64::from(page_no - 1) * u64::from(PER_PAGE),
        PER_PAGE,
    )
    .await?;
    let ld = wants_ld(&headers);
    let members: Vec<Value> = rows.iter().map(|w| item(w, ld)).collect();
    if !ld {
        return Ok(json(StatusCode::OK, PLAIN, &Value::Array(members)));
    }
    let last = total.div_ceil(u64::from(PER_PAGE)).max(1);
    let at = |p: u64| Value::String(format!("{COLLECTION}?page={p}"));
    let page_no = u64::from(page_no);
    let mut view = json!({
        "@id": at(page_no),
        "@type": "PartialCollectionView",
        "first": at(1),
        "last": at(last),
    });
    if page_no > 1 {
        view["previous"] = at(page_no - 1);
    }
    if page_no < last {
        view["next"] = at(page_no + 1);
    }
    let body = json!({
        "@context": "/api/spa/contexts/Webhook",
        "@id": COLLECTION,
        "@type": "Collection",
        "totalItems": total,
        "member": members,
        "view": view,
    });
    Ok(json(StatusCode::OK, LD, &body))
}

async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, Error> {
    let w = find(&state, OwnedKey::Seq(seq_of(&id)?)).await?;
    Ok(one(StatusCode::OK, &headers, &w))
}

async fn create(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Error> {
    let media = media_type(&headers);
    if media != "application/json" && media != "application/ld+json" {
        return Err(unsupported(&media, "\"application/ld+json\", \"application/json\"").into());
    }
    let mut doc = json!({});
    merge_patch(&mut doc, body_object(&body)?);
    let doc: Document = parse_json(doc.to_string().as_bytes())?;
    let mut found = Vec::new();
    let mut input = doc.into_input(&mut found);
    // "Default: today", as the seed says.
    if input.active_from.is_none() && !found.iter().any(|f| f.field == "activeFrom") {
        input.active_from = Timestamp::from_unix_millis(now_ms() / 86_400_000 * 86_400_000);
    }
    check(&state, &input, found, rename).await?;
    let w = insert(&state, new_id("wh"), input, Some(ACTOR.into())).await?;
    Ok(one(StatusCode::CREATED, &headers, &w))
}

/// A JSON merge patch: members present replace, `null` clears, `data` merges member by
/// member, so the secrets it leaves out keep their stored values.
async fn update(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, Error> {
    let media = media_type(&headers);
    if media != MERGE_PATCH {
        return Err(unsupported(&media, &format!("\"{MERGE_PATCH}\"")).into());
    }
    let w = find(&state, OwnedKey::Seq(seq_of(&id)?)).await?;
    let patch = body_object(&body)?;
    let mut doc = document(&w);
    // Another channel's data has other members: the new type starts from the patch's data.
    if patch
        .get("type")
        .is_some_and(|t| t.as_str() != Some(w.kind.as_str()))
    {
        doc["data"] = json!({});
    }
    merge_patch(&mut doc, patch);
    let doc: Document = parse_json(doc.to_string().as_bytes())?;
    let mut found = Vec::new();
    let input = doc.into_input(&mut found);
    check(&state, &input, found, rename).await?;
    let w = save(&state, w, input, Some(ACTOR.into())).await?;
    Ok(one(StatusCode::OK, &headers, &w))
}

async fn remove(State(state): State<AppState>, Path(id): Path<String>) -> Result<Response, Error> {
    let w = find(&state, OwnedKey::Seq(seq_of(&id)?)).await?;
    crate::http::webhooks::delete(&state, w).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merge_patch_follows_rfc_7396() {
        let mut doc = json!({"a": "b", "c": {"d": "e", "f": "g"}});
        merge_patch(&mut doc, json!({"a": "z", "c": {"f": null}}));
        assert_eq!(doc, json!({"a": "z", "c": {"d": "e"}}));
        merge_patch(&mut doc, json!({"c": [1]}));
        assert_eq!(doc, json!({"a": "z", "c": [1]}));
    }
}
