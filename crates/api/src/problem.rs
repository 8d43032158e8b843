//! RFC 9457 problem details, the body of every error response.

use serde::{Deserialize, Serialize};

/// `application/problem+json`. Every field is optional when reading, because a backend may
/// send a partial problem; the reference server always sends all of them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Problem {
    #[serde(rename = "type", default = "about_blank")]
    pub kind: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub status: u16,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

/// One invalid field: `field` is the JSON path of the request member (`url`, `auth.token`,
/// `headers.X-Foo`, `delay.unit`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

fn about_blank() -> String {
    "about:blank".into()
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        FieldError {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// Media type of problem responses.
pub const PROBLEM_CONTENT_TYPE: &str = "application/problem+json";

impl Problem {
    pub const CONTENT_TYPE: &'static str = PROBLEM_CONTENT_TYPE;
}
