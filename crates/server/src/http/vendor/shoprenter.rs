//! Shoprenter's WebHook resource (`--profile shoprenter`): `/api/webHooks` behind HTTP basic
//! auth, base64 resource ids, zone-less UTC times, `webHookParameters` as destinations.

use super::{check, find, insert, json, origin, page, save, utc, OwnedKey, Vendor, VendorError};
use crate::error::ApiError;
use crate::http::query::{BadParam, Params};
use crate::http::{parse_json, AppState};
use crate::ids::new_id;
use crate::store::webhooks::Kinds;
use crate::store::webhooks::StoredWebhook;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use serde::de::IgnoredAny;
use serde::Deserialize;
use serde_json::{json, Map, Value};
use switchboard_api::{Delay, DelayUnit, FieldError, Format, Target, WebhookInput, HTTP_TYPE};
use time::macros::format_description;

pub struct Shoprenter;

type Error = VendorError<Shoprenter>;

/// The API user whose password is the server token (Shoprenter's API users log in this way).
pub const USER: &str = "switchboard";

/// The events a Shoprenter webhook can have: the shop's order and newsletter events.
pub const EVENTS: [&str; 5] = [
    "order_confirm",
    "order_status_change",
    "newsletter_subscribe",
    "newsletter_unsubscribe",
    "newsletter_update_subscriber",
];

const DEFAULT_LIMIT: u32 = 25;
const MAX_LIMIT: u32 = 200;
/// The webhook's own URL and at most this many more.
const MAX_PARAMETERS: usize = 1 + switchboard_api::limits::MAX_TARGETS;
const CONTENT_TYPE: &str = "application/json; charset=utf-8";

impl Vendor for Shoprenter {
    const BASE: &'static str = "/api";

    fn routes() -> Router<AppState> {
        Router::new()
            .route("/webHooks", get(list).post(create))
            .route("/webHooks/{id}", get(show).put(update).delete(remove))
    }

    fn authorized(headers: &HeaderMap, token: &str) -> bool {
        let Some((user, password)) = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split_once(' '))
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("basic"))
            .and_then(|(_, b64)| STANDARD.decode(b64.trim()).ok())
            .and_then(|raw| String::from_utf8(raw).ok())
            .and_then(|pair| {
                pair.split_once(':')
                    .map(|(u, p)| (u.to_owned(), p.to_owned()))
            })
        else {
            return false;
        };
        // Both compared whole, so the time taken does not tell which part was wrong.
        let user_ok = crate::http::constant_time_eq(user.as_bytes(), USER.as_bytes());
        let password_ok = crate::http::constant_time_eq(password.as_bytes(), token.as_bytes());
        user_ok & password_ok
    }

    /// `{"error": status, "message", "errors": {"<member path>": "<message>"}}`. A request
    /// with bad members is a 400, as every other bad request.
    fn error(e: &ApiError) -> Response {
        let problem = e.to_problem();
        let status = match e {
            ApiError::Validation(_) => StatusCode::BAD_REQUEST,
            other => other.status(),
        };
        let message = match e {
            ApiError::Unauthorized => {
                "HTTP basic authentication with a valid API user is required.".into()
            }
            ApiError::Validation(_) => "The request has invalid members.".into(),
            _ => problem.detail.unwrap_or(problem.title),
        };
        let mut body = json!({"error": status.as_u16(), "message": message});
        if !problem.errors.is_empty() {
            let errors: Map<String, Value> = problem
                .errors
                .into_iter()
                .map(|f| (f.field, Value::String(f.message)))
                .collect();
            body["errors"] = Value::Object(errors);
        }
        let mut res = json(status, CONTENT_TYPE, &body);
        if status == StatusCode::UNAUTHORIZED {
            res.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Basic realm=\"switchboard\""),
            );
        }
        res
    }
}

/// `webHook-webhook_id=<seq>` in base64, as Shoprenter's resource ids are made.
pub fn public_id(seq: i64) -> String {
    STANDARD.encode(format!("webHook-webhook_id={seq}"))
}

fn seq_of(id: &str) -> Option<i64> {
    let raw = String::from_utf8(STANDARD.decode(id.trim()).ok()?).ok()?;
    raw.strip_prefix("webHook-webhook_id=")?.parse().ok()
}

/// A POST or PUT body. The read-only members an item carries may come back with it and are
/// passed over; any other member is an error.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct Body {
    #[serde(default)]
    label: Option<String>,
    #[serde(default)]
    event: Option<String>,
    #[serde(default)]
    status: Option<Value>,
    #[serde(default)]
    web_hook_parameters: Option<Vec<Parameter>>,
    #[serde(default)]
    web_hook_delay: Option<Vec<DelayEntry>>,
    #[serde(default, rename = "href")]
    _href: Option<IgnoredAny>,
    #[serde(default, rename = "id")]
    _id: Option<IgnoredAny>,
    #[serde(default, rename = "dateCreated")]
    _date_created: Option<IgnoredAny>,
    #[serde(default, rename = "dateUpdated")]
    _date_updated: Option<IgnoredAny>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Parameter {
    #[serde(rename = "type")]
    kind: ParameterType,
    url: String,
}

#[derive(Deserialize, Clone, Copy)]
#[serde(rename_all = "lowercase")]
enum ParameterType {
    Json,
    Xml,
}

impl From<ParameterType> for Format {
    fn from(t: ParameterType) -> Format {
        match t {
            ParameterType::Json => Format::Json,
            ParameterType::Xml => Format::Xml,
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct DelayEntry {
    delay: u32,
    delay_unit: Unit,
}

#[derive(Deserialize, Clone, Copy)]
#[serde(rename_all = "lowercase")]
enum Unit {
    Day,
    Hour,
}

impl Body {
    /// The members present, written over `input`; what cannot be written is reported by the
    /// member's Shoprenter path.
    fn apply(self, input: &mut WebhookInput) -> Vec<FieldError> {
        let mut errors = Vec::new();
        if let Some(label) = self.label {
            input.name = label;
        }
        if let Some(event) = self.event {
            if !EVENTS.contains(&event.as_str()) {
                errors.push(FieldError::new(
                    "event",
                    format!("must be one of {}", EVENTS.join(", ")),
                ));
            }
            input.events = vec![event];
        }
        if let Some(status) = self.status {
            match status {
                Value::Number(n) if n.as_u64() == Some(1) => input.is_active = true,
                Value::Number(n) if n.as_u64() == Some(0) => input.is_active = false,
                Value::String(s) if s == "1" => input.is_active = true,
                Value::String(s) if s == "0" => input.is_active = false,
                _ => errors.push(FieldError::new("status", "must be 0 or 1")),
            }
        }
        if let Some(parameters) = self.web_hook_parameters {
            if parameters.is_empty() {
                errors.push(FieldError::new(
                    "webHookParameters",
                    "needs at least one entry (format and URL)",
                ));
            } else if parameters.len() > MAX_PARAMETERS {
                errors.push(FieldError::new(
                    "webHookParameters",
                    format!("has at most {MAX_PARAMETERS} entries"),
                ));
            }
            let mut destinations = parameters.into_iter().map(|p| Target {
                url: p.url,
                format: p.kind.into(),
            });
            if let Some(first) = destinations.next() {
                input.url = first.url;
                input.format = first.format;
            }
            input.targets = destinations.collect();
        }
        if let Some(delay) = self.web_hook_delay {
            input.delay = match delay.as_slice() {
                [] => None,
                [one] => Some(Delay {
                    amount: one.delay,
                    unit: match one.delay_unit {
                        Unit::Day => DelayUnit::Day,
                        Unit::Hour => DelayUnit::Hour,
                    },
                }),
                _ => {
                    errors.push(FieldError::new("webHookDelay", "has at most one entry"));
                    None
                }
            };
        }
        errors
    }
}

/// Switchboard's member names in field errors as Shoprenter's member paths.
fn rename(field: &str) -> String {
    if let Some(rest) = field.strip_prefix("targets[") {
        if let Some((i, member)) = rest.split_once("].") {
            if let Ok(i) = i.parse::<usize>() {
                let member = if member == "format" { "type" } else { member };
                return format!("webHookParameters[{}].{member}", i + 1);
            }
        }
    }
    match field {
        "name" => "label",
        "events" => "event",
        "is_active" => "status",
        "url" => "webHookParameters[0].url",
        "format" => "webHookParameters[0].type",
        "targets" => "webHookParameters",
        "delay" => "webHookDelay",
        "delay.amount" => "webHookDelay[0].delay",
        "delay.unit" => "webHookDelay[0].delayUnit",
        other => other,
    }
    .to_string()
}

/// A webhook as a Shoprenter item.
fn item(base: &str, w: &StoredWebhook) -> Value {
    let stamp = format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]");
    let id = public_id(w.seq);
    let parameters: Vec<Value> = std::iter::once((w.url.as_str(), w.format))
        .chain(w.targets.iter().map(|t| (t.url.as_str(), t.format)))
        .filter(|(url, _)| !url.is_empty())
        .map(|(url, format)| json!({"type": format.as_str(), "url": url}))
        .collect();
    let delay: Vec<Value> = w
        .delay
        .iter()
        .map(|d| json!({"delay": d.amount, "delayUnit": d.unit.as_str()}))
        .collect();
    json!({
        "href": format!("{base}/webHooks/{id}"),
        "id": id,
        "label": w.name,
        "event": w.events.first().cloned().unwrap_or_default(),
        "status": u8::from(w.is_active),
        "webHookParameters": parameters,
        "webHookDelay": delay,
        "dateCreated": utc(w.created_at, stamp),
        "dateUpdated": utc(w.updated_at, stamp),
    })
}

fn base(headers: &HeaderMap) -> String {
    format!("{}{}", origin(headers), Shoprenter::BASE)
}

async fn stored(state: &AppState, id: &str) -> Result<StoredWebhook, ApiError> {
    let seq =
        seq_of(id).ok_or_else(|| ApiError::NotFound(format!("No webhook with id {id:?}.")))?;
    find(state, OwnedKey::Seq(seq)).await
}

/// `?page=0&limit=25&full=1`: pages count from 0; without `full=1` an item is its `href`.
#[derive(Deserialize)]
struct ListQuery {
    #[serde(default)]
    page: PageNo,
    #[serde(default)]
    limit: PageSize,
    #[serde(default)]
    full: Option<String>,
}

/// Shoprenter's `page`, from 0; empty is the first page.
#[derive(Default, Deserialize)]
#[serde(try_from = "String")]
struct PageNo(u32);

impl TryFrom<String> for PageNo {
    type Error = String;

    fn try_from(raw: String) -> Result<Self, String> {
        match raw.trim() {
            "" => Ok(PageNo::default()),
            n => n
                .parse()
                .map(PageNo)
                .map_err(|_| format!("must be an integer from 0 to {}", u32::MAX)),
        }
    }
}

/// Shoprenter's `limit`, 1 to [`MAX_LIMIT`]; empty is [`DEFAULT_LIMIT`].
#[derive(Deserialize)]
#[serde(try_from = "String")]
struct PageSize(u32);

impl Default for PageSize {
    fn default() -> Self {
        PageSize(DEFAULT_LIMIT)
    }
}

impl TryFrom<String> for PageSize {
    type Error = String;

    fn try_from(raw: String) -> Result<Self, String> {
        match raw.trim() {
            "" => Ok(PageSize::default()),
            n => n
                .parse()
                .ok()
                .filter(|n| (1..=MAX_LIMIT).contains(n))
                .map(PageSize)
                .ok_or_else(|| format!("must be an integer from 1 to {MAX_LIMIT}")),
        }
    }
}

async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
    query: Result<Params<ListQuery>, BadParam>,
) -> Result<Response, Error> {
    // Shoprenter names the parameter in its validation shape, as it does a body member.
    let Params(query) = query.map_err(|e| ApiError::field(e.name, e.message))?;
    let (page_no, limit) = (query.page.0, query.limit.0);
    let full = query.full.is_some_and(|f| f.trim() == "1");
    let (rows, total) = page(
        &state,
        Kinds::Only(HTTP_TYPE),
        u64::from(page_no) * u64::from(limit),
        limit,
    )
    .await?;
    let base = base(&headers);
    let page_count = total.div_ceil(u64::from(limit));
    let link = |p: u64| {
        let full = if full { "&full=1" } else { "" };
        json!({"href": format!("{base}/webHooks?page={p}&limit={limit}{full}")})
    };
    let page_no = u64::from(page_no);
    let items: Vec<Value> = rows
        .iter()
        .map(|w| {
            let it = item(&base, w);
            if full {
                it
            } else {
                json!({"href": it["href"]})
            }
        })
        .collect();
    let last = page_count.saturating_sub(1);
    let body = json!({
        "href": link(page_no)["href"],
        "items": items,
        "page": page_no,
        "limit": limit,
        "pageCount": page_count,
        "first": link(0),
        "previous": if page_no > 0 { link((page_no - 1).min(last)) } else { Value::Null },
        "next": if page_no < last { link(page_no + 1) } else { Value::Null },
        "last": link(last),
    });
    Ok(json(StatusCode::OK, CONTENT_TYPE, &body))
}

async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, Error> {
    let w = stored(&state, &id).await?;
    Ok(json(
        StatusCode::OK,
        CONTENT_TYPE,
        &item(&base(&headers), &w),
    ))
}

async fn create(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Error> {
    let body: Body = parse_json(&body)?;
    let mut input = WebhookInput::default();
    let mut found = Vec::new();
    for (member, present) in [
        ("label", body.label.is_some()),
        ("event", body.event.is_some()),
        ("webHookParameters", body.web_hook_parameters.is_some()),
    ] {
        if !present {
            found.push(FieldError::new(member, "is required"));
        }
    }
    found.extend(body.apply(&mut input));
    check(&state, &input, found, rename).await?;
    let w = insert(&state, new_id("wh"), input, None).await?;
    Ok(json(
        StatusCode::CREATED,
        CONTENT_TYPE,
        &item(&base(&headers), &w),
    ))
}

/// Any subset of the members; each one present replaces the stored value.
async fn update(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, Error> {
    let w = stored(&state, &id).await?;
    let body: Body = parse_json(&body)?;
    let mut input = w.to_input();
    let found = body.apply(&mut input);
    check(&state, &input, found, rename).await?;
    let w = save(&state, w, input, None).await?;
    Ok(json(
        StatusCode::OK,
        CONTENT_TYPE,
        &item(&base(&headers), &w),
    ))
}

async fn remove(State(state): State<AppState>, Path(id): Path<String>) -> Result<Response, Error> {
    let w = stored(&state, &id).await?;
    crate::http::webhooks::delete(&state, w).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_shoprenters() {
        assert_eq!(public_id(1), "d2ViSG9vay13ZWJob29rX2lkPTE=");
        assert_eq!(seq_of("d2ViSG9vay13ZWJob29rX2lkPTE="), Some(1));
        assert_eq!(seq_of("1"), None);
    }

    #[test]
    fn errors_are_named_by_member_path() {
        assert_eq!(rename("targets[0].url"), "webHookParameters[1].url");
        assert_eq!(rename("targets[2].format"), "webHookParameters[3].type");
        assert_eq!(rename("delay.unit"), "webHookDelay[0].delayUnit");
        assert_eq!(rename("name"), "label");
    }
}
