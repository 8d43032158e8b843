//! Event types: the catalogue of what a webhook can subscribe to.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventType {
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub group: String,
    /// JSON Schema of the payload; in the single-get response (and the catalogue files).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<serde_json::Value>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<EventField>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub examples: Vec<serde_json::Value>,
    #[serde(default)]
    pub deprecated: bool,
}

/// Documentation of one payload member, `key` as a dotted path (`order.innerId`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventField {
    pub key: String,
    #[serde(default)]
    pub description: String,
}

impl EventType {
    /// The list form: name, description, group and deprecation only.
    pub fn summary(&self) -> EventType {
        EventType {
            name: self.name.clone(),
            description: self.description.clone(),
            group: self.group.clone(),
            schema: None,
            fields: Vec::new(),
            examples: Vec::new(),
            deprecated: self.deprecated,
        }
    }
}
