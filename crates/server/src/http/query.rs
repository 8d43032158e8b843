//! Query strings read into typed structs, and the parameter types the API's lists share.

use crate::error::ApiError;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use switchboard_api::{DeliveryStatus, FieldError, Timestamp};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// The query string as `T`, a serde struct with one member per parameter. Parameters `T` does
/// not name are ignored, as a client may send more than a backend reads; one that does not
/// parse is a 400 problem naming it.
pub struct Params<T>(pub T);

/// A query parameter that did not parse: which one and why. A vendor profile answers it in its
/// vendor's shape instead (take `Result<Params<T>, BadParam>`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadParam {
    pub name: String,
    pub message: String,
}

impl From<BadParam> for ApiError {
    fn from(e: BadParam) -> Self {
        ApiError::BadParam(FieldError::new(e.name, e.message))
    }
}

impl IntoResponse for BadParam {
    fn into_response(self) -> Response {
        ApiError::from(self).into_response()
    }
}

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Params<T> {
    type Rejection = BadParam;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parse(parts.uri.query().unwrap_or_default()).map(Params)
    }
}

/// Reads a raw query string (without the `?`) into `T`.
pub fn parse<T: DeserializeOwned>(query: &str) -> Result<T, BadParam> {
    let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let raw = e.into_inner().to_string();
        // serde names a repeated parameter in its message, not in the path.
        if let Some(name) = raw
            .strip_prefix("duplicate field `")
            .and_then(|rest| rest.split('`').next())
        {
            return BadParam {
                name: name.to_string(),
                message: "must be given at most once".into(),
            };
        }
        BadParam {
            name: if path == "." { String::new() } else { path },
            message: raw,
        }
    })
}

/// `limit`: how many items a page holds, 1 to [`switchboard_api::MAX_LIMIT`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub struct Limit(pub u32);

impl Default for Limit {
    fn default() -> Self {
        Limit(switchboard_api::DEFAULT_LIMIT)
    }
}

impl TryFrom<String> for Limit {
    type Error = String;

    fn try_from(raw: String) -> Result<Self, String> {
        raw.parse::<u32>()
            .ok()
            .filter(|n| (1..=switchboard_api::MAX_LIMIT).contains(n))
            .map(Limit)
            .ok_or_else(|| {
                format!(
                    "must be an integer from 1 to {}",
                    switchboard_api::MAX_LIMIT
                )
            })
    }
}

/// `cursor`: the `meta.next_cursor` of the previous page, or empty for the first page.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub struct Cursor(pub Option<(i64, i64)>);

impl TryFrom<String> for Cursor {
    type Error = String;

    fn try_from(raw: String) -> Result<Self, String> {
        if raw.is_empty() {
            return Ok(Cursor(None));
        }
        crate::store::cursor::decode(&raw)
            .map(|at| Cursor(Some(at)))
            .map_err(|_| "is not a cursor this server handed out".to_string())
    }
}

/// `sort` on the webhooks list: one of the contract's orders, newest first when absent.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub struct SortParam(pub switchboard_api::WebhookSort);

impl TryFrom<String> for SortParam {
    type Error = String;

    fn try_from(raw: String) -> Result<Self, String> {
        use switchboard_api::WebhookSort;
        WebhookSort::parse(&raw).map(SortParam).ok_or_else(|| {
            let known: Vec<&str> = WebhookSort::ALL.iter().map(|s| s.as_str()).collect();
            format!("must be one of {}", known.join(", "))
        })
    }
}

/// A free-text filter: empty (or only spaces) means no filter, as a cleared search box does.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(from = "String")]
pub struct Text(pub Option<String>);

impl From<String> for Text {
    fn from(raw: String) -> Self {
        let trimmed = raw.trim();
        Text((!trimmed.is_empty()).then(|| trimmed.to_string()))
    }
}

/// A boolean parameter: `true` or `false`, as the document's `type: boolean` says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub struct Flag(pub bool);

impl TryFrom<String> for Flag {
    type Error = String;

    fn try_from(raw: String) -> Result<Self, String> {
        match raw.as_str() {
            "true" => Ok(Flag(true)),
            "false" => Ok(Flag(false)),
            _ => Err("must be true or false".into()),
        }
    }
}

/// A time parameter, in milliseconds: an RFC 3339 date-time, or Unix seconds as 1 to 10
/// digits. Exactly the document's two forms, so what it allows is never refused here and what
/// it forbids (a sign, a fraction, spaces) is never read as something else.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub struct Time(pub i64);

impl TryFrom<String> for Time {
    type Error = String;

    fn try_from(raw: String) -> Result<Self, String> {
        let seconds = (1..=10).contains(&raw.len()) && raw.bytes().all(|b| b.is_ascii_digit());
        let millis = if seconds {
            raw.parse::<i64>().ok().map(|s| s * 1000)
        } else {
            OffsetDateTime::parse(&raw, &Rfc3339)
                .ok()
                .map(|t| Timestamp(t).unix_millis())
        };
        millis
            .map(Time)
            .ok_or_else(|| "must be an RFC 3339 date-time or Unix seconds".into())
    }
}

/// A delivery status filter: one of the four states a delivery can be in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub struct Status(pub DeliveryStatus);

impl TryFrom<String> for Status {
    type Error = String;

    fn try_from(raw: String) -> Result<Self, String> {
        DeliveryStatus::parse(&raw)
            .filter(|s| DeliveryStatus::ALL.contains(s))
            .map(Status)
            .ok_or_else(|| "must be one of scheduled, pending, succeeded, failed".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize)]
    struct List {
        #[serde(default)]
        limit: Limit,
        #[serde(default)]
        cursor: Cursor,
        #[serde(default)]
        q: Text,
        is_active: Option<Flag>,
        since: Option<Time>,
        status: Option<Status>,
    }

    fn list(query: &str) -> Result<List, BadParam> {
        parse(query)
    }

    #[test]
    fn absent_parameters_take_their_defaults_and_unknown_ones_are_ignored() {
        let l = list("utm_source=mail").unwrap();
        assert_eq!(l.limit, Limit::default());
        assert_eq!(l.cursor, Cursor(None));
        assert_eq!(l.q, Text(None));
        assert_eq!((l.is_active, l.since, l.status), (None, None, None));
    }

    #[test]
    fn typed_values_parse() {
        let l = list("limit=7&q=+ab+&is_active=false&since=1700000000&status=failed").unwrap();
        assert_eq!(l.limit, Limit(7));
        assert_eq!(l.q, Text(Some("ab".into())));
        assert_eq!(l.is_active, Some(Flag(false)));
        assert_eq!(l.since, Some(Time(1_700_000_000_000)));
        assert_eq!(l.status, Some(Status(DeliveryStatus::Failed)));
        assert_eq!(list("q=").unwrap().q, Text(None));
        assert_eq!(list("cursor=").unwrap().cursor, Cursor(None));
        let t = list("since=2024-08-23T10:41:07.5%2B02:00").unwrap().since;
        assert_eq!(t, Some(Time(1_724_402_467_500)));
    }

    #[test]
    fn a_bad_value_names_its_parameter() {
        for (query, name) in [
            ("limit=0", "limit"),
            ("limit=", "limit"),
            ("limit=abc", "limit"),
            ("cursor=nope", "cursor"),
            ("is_active=yes", "is_active"),
            ("is_active=1", "is_active"),
            ("since=-5", "since"),
            ("since=1.5", "since"),
            ("since=+2024-08-23T10:41:07Z", "since"),
            ("since=yesterday", "since"),
            ("since=", "since"),
            ("status=", "status"),
            ("status=unknown", "status"),
            ("limit=1&limit=2", "limit"),
        ] {
            let e = list(query).unwrap_err();
            assert_eq!(e.name, name, "{query}: {e:?}");
            assert!(!e.message.is_empty(), "{query}");
        }
    }
}
