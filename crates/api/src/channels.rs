//! Output.Rocks' nine channel types and the JSON Schema of each one's `data`, shared by the
//! console's Output.Rocks dialect (which renders the forms) and the reference server's
//! `outputrocks` profile (which validates against them). `api/dialects.md` lists them.

use crate::DestinationType;
use serde_json::Value;
use std::sync::LazyLock;

/// Every channel type, in the order the seed lists them.
pub const OUTPUTROCKS_TYPES: [&str; 9] = [
    "chargecloud-document",
    "prerender-api-document",
    "prerender-api-email",
    "binect-document",
    "binect-email",
    "epostbusiness-document",
    "epostbusiness-email",
    "sftp-document",
    "sftp-email",
];

/// The schemas by channel family (`sftp` serves `sftp-document` and `sftp-email`), kept as
/// JSON text: parsed when asked for, it weighs far less in the console's bundle than code that
/// builds the same values.
const SCHEMAS: &str = include_str!("channels.json");

/// Every channel with its schema, read from [`SCHEMAS`] once: the server consults them for
/// every webhook it shows or changes, so parsing the text each time would be a cost per item.
static TYPES: LazyLock<Vec<DestinationType>> = LazyLock::new(|| {
    let all: Value = serde_json::from_str(SCHEMAS).unwrap_or(Value::Null);
    OUTPUTROCKS_TYPES
        .iter()
        .map(|kind| {
            let (family, channel) = kind.rsplit_once('-').unwrap_or((kind, ""));
            let title = match family {
                "sftp" => "SFTP",
                "chargecloud" => "chargecloud",
                "prerender-api" => "Prerender API",
                "binect" => "Binect",
                "epostbusiness" => "E-POST Business",
                other => other,
            };
            DestinationType {
                name: (*kind).to_owned(),
                title: format!("{title} ({channel})"),
                description: None,
                schema: all.get(family).cloned().unwrap_or(Value::Null),
            }
        })
        .collect()
});

/// One channel; `None` for a name that is not a channel.
pub fn outputrocks_type(kind: &str) -> Option<&'static DestinationType> {
    TYPES.iter().find(|t| t.name == kind)
}

/// The schema of one channel's `data`; `None` for a name that is not a channel.
pub fn outputrocks_schema(kind: &str) -> Option<Value> {
    outputrocks_type(kind).map(|t| t.schema.clone())
}

/// Every channel as a destination type.
pub fn outputrocks_types() -> Vec<DestinationType> {
    TYPES.clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_channel_has_a_schema_and_secrets() {
        let types = outputrocks_types();
        assert_eq!(types.len(), 9);
        for t in &types {
            assert!(t.schema.get("properties").is_some(), "{}", t.name);
            assert!(!t.secret_members().is_empty(), "{}", t.name);
        }
        assert_eq!(types[7].title, "SFTP (document)");
        assert!(outputrocks_schema("sftp-fax").is_none());
        assert!(outputrocks_schema("http").is_none());
    }
}
