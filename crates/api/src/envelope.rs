//! The success envelope `{data, meta}` every response body is wrapped in.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Envelope<T> {
    pub data: T,
    #[serde(default)]
    pub meta: Meta,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Meta {
    #[serde(default)]
    pub request_id: Option<String>,
    /// Present (possibly null) on lists: the cursor of the next page, null on the last one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

impl<T> Envelope<T> {
    pub fn new(data: T, request_id: impl Into<String>) -> Self {
        Envelope {
            data,
            meta: Meta {
                request_id: Some(request_id.into()),
                next_cursor: None,
            },
        }
    }
}
