//! The one error enum of the HTTP layer and its mapping to RFC 9457 problem+json.

use crate::ids::request_id;
use crate::store::StoreError;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use switchboard_api::{FieldError, Problem};

#[derive(Debug, Clone, PartialEq)]
pub enum ApiError {
    /// Missing or wrong bearer token.
    Unauthorized,
    /// No such resource or route; the string names what was looked for.
    NotFound(String),
    MethodNotAllowed,
    /// The body is not JSON at all.
    MalformedJson(String),
    /// The body or query is well-formed but names bad values; one entry per field.
    Validation(Vec<FieldError>),
    /// A query parameter is unusable.
    BadQuery(String),
    /// A query parameter does not parse as its type; the entry names it.
    BadParam(FieldError),
    Conflict(String),
    /// The body is over the size limit.
    TooLarge,
    /// This client failed the token check too often lately; it may try again after this many
    /// seconds.
    TooManyRequests(u64),
    /// The body is in a media type this route does not take (Output.Rocks' PATCH).
    UnsupportedMediaType(String),
    /// The endpoint the request is about did not answer usefully.
    BadGateway(String),
    /// Something broke on our side; the detail is logged, never sent.
    Internal(String),
    /// The request took longer than the server gives one request; the string says what.
    Timeout(String),
}

impl ApiError {
    pub fn field(field: impl Into<String>, message: impl Into<String>) -> Self {
        ApiError::Validation(vec![FieldError::new(field, message)])
    }

    pub fn internal(e: impl std::fmt::Display) -> Self {
        ApiError::Internal(e.to_string())
    }

    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::Unauthorized => StatusCode::UNAUTHORIZED,
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::MalformedJson(_) | ApiError::BadQuery(_) | ApiError::BadParam(_) => {
                StatusCode::BAD_REQUEST
            }
            ApiError::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::Conflict(_) => StatusCode::CONFLICT,
            ApiError::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            ApiError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::BadGateway(_) => StatusCode::BAD_GATEWAY,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
            ApiError::Timeout(_) => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    pub fn to_problem(&self) -> Problem {
        let (kind, title, detail, errors) = match self {
            ApiError::Unauthorized => (
                "unauthorized",
                "Unauthorized",
                Some("A valid bearer token is required.".to_string()),
                Vec::new(),
            ),
            ApiError::NotFound(what) => ("not-found", "Not Found", Some(what.clone()), Vec::new()),
            ApiError::MethodNotAllowed => (
                "method-not-allowed",
                "Method Not Allowed",
                Some("This route does not accept that method.".to_string()),
                Vec::new(),
            ),
            ApiError::MalformedJson(d) => (
                "malformed-json",
                "Malformed JSON",
                Some(d.clone()),
                Vec::new(),
            ),
            ApiError::BadQuery(d) => ("bad-query", "Bad Request", Some(d.clone()), Vec::new()),
            ApiError::BadParam(e) => (
                "bad-query",
                "Bad Request",
                Some(format!("{}: {}", e.field, e.message)),
                vec![e.clone()],
            ),
            ApiError::Validation(errors) => (
                "validation",
                "Validation Failed",
                Some(match errors.as_slice() {
                    // An error of the whole body names no member.
                    [one] if one.field.is_empty() => one.message.clone(),
                    [one] => format!("{}: {}", one.field, one.message),
                    many => format!("{} fields are invalid.", many.len()),
                }),
                errors.clone(),
            ),
            ApiError::Conflict(d) => ("conflict", "Conflict", Some(d.clone()), Vec::new()),
            ApiError::TooLarge => (
                "too-large",
                "Payload Too Large",
                Some("The request body is larger than this server accepts.".to_string()),
                Vec::new(),
            ),
            ApiError::TooManyRequests(secs) => (
                "too-many-requests",
                "Too Many Requests",
                Some(format!(
                    "Too many requests with wrong credentials came from this address; try again \
                     in {secs} seconds."
                )),
                Vec::new(),
            ),
            ApiError::UnsupportedMediaType(d) => (
                "unsupported-media-type",
                "Unsupported Media Type",
                Some(d.clone()),
                Vec::new(),
            ),
            ApiError::BadGateway(d) => ("bad-gateway", "Bad Gateway", Some(d.clone()), Vec::new()),
            ApiError::Internal(_) => (
                "internal",
                "Internal Server Error",
                Some("Something went wrong on the server; see its log.".to_string()),
                Vec::new(),
            ),
            ApiError::Timeout(d) => (
                "timeout",
                "Service Unavailable",
                Some(d.clone()),
                Vec::new(),
            ),
        };
        Problem {
            kind: format!("urn:switchboard:problem:{kind}"),
            title: title.to_string(),
            status: self.status().as_u16(),
            detail,
            request_id: Some(request_id()),
            errors,
        }
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let p = self.to_problem();
        write!(f, "{} {}", p.status, p.detail.unwrap_or(p.title))
    }
}

impl std::error::Error for ApiError {}

/// For handlers that run their own statements inside `Store::call`.
impl From<rusqlite::Error> for ApiError {
    fn from(e: rusqlite::Error) -> Self {
        StoreError::from(e).into()
    }
}

/// Where storage's failures become answers: a cursor the client sent is its mistake, anything
/// else is ours.
impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::BadCursor | StoreError::WrongCursor => ApiError::BadQuery(e.to_string()),
            StoreError::Database(_) | StoreError::Task(_) => ApiError::Internal(e.to_string()),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let ApiError::Internal(detail) = &self {
            tracing::error!(request_id = %request_id(), "internal error: {detail}");
        }
        let problem = self.to_problem();
        let body = serde_json::to_vec(&problem).unwrap_or_default();
        let mut res = (self.status(), body).into_response();
        res.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(Problem::CONTENT_TYPE),
        );
        if let ApiError::TooManyRequests(secs) = self {
            res.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        if self == ApiError::Unauthorized {
            res.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"switchboard\""),
            );
        }
        res
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn storage_errors_answer_as_they_did_when_storage_spoke_http() {
        assert_eq!(
            ApiError::from(StoreError::BadCursor),
            ApiError::BadQuery("cursor is not one this server handed out".into())
        );
        let db = ApiError::from(rusqlite::Error::QueryReturnedNoRows);
        assert_eq!(db.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert!(
            matches!(&db, ApiError::Internal(d) if d.starts_with("database: ")),
            "{db:?}"
        );
        let task = ApiError::from(StoreError::Task("task panicked".into()));
        assert_eq!(task, ApiError::Internal("task panicked".into()));
    }
}
