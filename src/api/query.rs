//! List queries: what a page asks for, turned into the API's query string.

use serde::{Deserialize, Serialize};

/// `GET /webhooks` filters and paging.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookQuery {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub q: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_active: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
    /// Only for a backend with [`switchboard_api::Feature::Sort`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sort: Option<switchboard_api::WebhookSort>,
}

/// `GET /deliveries` filters and paging.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryQuery {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub webhook_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event_type: Option<String>,
    /// RFC 3339.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub since: Option<String>,
    /// RFC 3339.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub until: Option<String>,
    /// `2xx`, `3xx`, `4xx`, `5xx` or `none`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status_class: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_kind: Option<String>,
    /// Full text (capability `search`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub q: Option<String>,
    /// Payload field conditions (capability `search`, see `switchboard_api::search`).
    #[serde(rename = "where", skip_serializing_if = "Option::is_none")]
    pub where_: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
}

/// `?a=1&b=2`, or nothing when there is no parameter; empty strings are left out.
pub fn query_string<T: Serialize>(query: &T) -> String {
    let value = match serde_json::to_value(query) {
        Ok(serde_json::Value::Object(map)) => map,
        _ => return String::new(),
    };
    let pairs: Vec<(String, String)> = value
        .into_iter()
        .filter_map(|(k, v)| match v {
            serde_json::Value::String(s) if s.is_empty() => None,
            serde_json::Value::String(s) => Some((k, s)),
            serde_json::Value::Null => None,
            other => Some((k, other.to_string())),
        })
        .collect();
    if pairs.is_empty() {
        return String::new();
    }
    let mut out = String::from("?");
    for (i, (k, v)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        out.push_str(&encode(k));
        out.push('=');
        out.push_str(&encode(v));
    }
    out
}

pub use switchboard_api::percent::encode_component as encode;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_encoded_query_strings() {
        let q = WebhookQuery {
            q: Some("a b&c=ü".into()),
            is_active: Some(false),
            event: Some(String::new()),
            ..Default::default()
        };
        assert_eq!(query_string(&q), "?is_active=false&q=a%20b%26c%3D%C3%BC");
        assert_eq!(query_string(&WebhookQuery::default()), "");
    }
}
