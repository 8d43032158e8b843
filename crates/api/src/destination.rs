//! Destination types: what a webhook delivers to (`http` everywhere; a vendor may list more,
//! such as Output.Rocks' SFTP and e-mail channels), each with the JSON Schema of its `data`.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// One entry of `GET /webhooks/types`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DestinationType {
    /// The value of a webhook's `type`.
    pub name: String,
    /// What the console shows for it ("SFTP (document)").
    #[serde(default)]
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// JSON Schema (an `object` with `properties`, `required`) of the webhook's `data`.
    /// Members marked `"writeOnly": true` are secrets: never sent back, kept when left out.
    /// Empty for `http`, whose configuration is the webhook's own members.
    #[serde(default)]
    pub schema: Value,
}

impl DestinationType {
    /// The type every backend has, also when it lists none.
    pub fn http() -> Self {
        DestinationType {
            name: crate::HTTP_TYPE.to_owned(),
            title: "HTTP endpoint".to_owned(),
            description: Some("A signed HTTP POST to the webhook's URL.".to_owned()),
            schema: Value::Object(Default::default()),
        }
    }

    /// Names of the members the schema marks write-only (secrets).
    pub fn secret_members(&self) -> Vec<&str> {
        self.schema
            .get("properties")
            .and_then(Value::as_object)
            .map(|props| {
                props
                    .iter()
                    .filter(|(_, p)| p.get("writeOnly").and_then(Value::as_bool) == Some(true))
                    .map(|(k, _)| k.as_str())
                    .collect()
            })
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_members_come_from_the_schema() {
        let t: DestinationType = serde_json::from_value(serde_json::json!({
            "name": "sftp-document",
            "schema": {"type": "object", "properties": {
                "host": {"type": "string"},
                "password": {"type": "string", "writeOnly": true}
            }}
        }))
        .unwrap();
        assert_eq!(t.secret_members(), ["password"]);
        assert_eq!(t.title, "");
        assert!(DestinationType::http().secret_members().is_empty());
    }
}
