//! Output.Rocks' nine channel types and the JSON Schema of each one's `data`, shared by the
//! console's Output.Rocks dialect (which renders the forms) and the reference server's
//! `outputrocks` profile (which validates against them). `api/dialects.md` lists them.

use crate::DestinationType;
use serde_json::{json, Value};

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

fn text(title: &str) -> Value {
    json!({"type": "string", "title": title, "minLength": 1, "maxLength": 255})
}

fn secret(title: &str) -> Value {
    json!({"type": "string", "title": title, "writeOnly": true, "minLength": 1, "maxLength": 255})
}

fn object(properties: Value, required: &[&str]) -> Value {
    json!({"type": "object", "properties": properties, "required": required, "additionalProperties": false})
}

/// The schema of one channel's `data`; `None` for a name that is not a channel.
pub fn outputrocks_schema(kind: &str) -> Option<Value> {
    let family = kind.rsplit_once('-').map(|(f, _)| f)?;
    let schema = match family {
        "sftp" => object(
            json!({
                "host": text("Host"),
                "user": text("User"),
                "password": secret("Password"),
                "directory": {"type": "string", "title": "Directory", "maxLength": 1024},
                "port": {"type": "integer", "title": "Port", "minimum": 1, "maximum": 65535, "default": 22},
            }),
            &["host", "user", "password"],
        ),
        "chargecloud" => object(
            json!({
                "apiUrl": {"type": "string", "title": "API URL", "format": "uri", "minLength": 1, "maxLength": 2048},
                "apiKey": secret("API key"),
                "tenant": {"type": "string", "title": "Tenant", "maxLength": 255},
            }),
            &["apiUrl", "apiKey"],
        ),
        "prerender-api" => object(
            json!({
                "url": {"type": "string", "title": "URL", "format": "uri", "minLength": 1, "maxLength": 2048},
                "token": {"type": "string", "title": "Token", "writeOnly": true, "maxLength": 255},
            }),
            &["url"],
        ),
        "binect" => object(
            json!({"username": text("Username"), "password": secret("Password")}),
            &["username", "password"],
        ),
        "epostbusiness" => object(
            json!({
                "vendorId": text("Vendor ID"),
                "ekp": {"type": "string", "title": "EKP", "pattern": "^[0-9]{10}$", "minLength": 10, "maxLength": 10},
                "password": secret("Password"),
                "secret": {"type": "string", "title": "Secret", "writeOnly": true, "maxLength": 255},
            }),
            &["vendorId", "ekp", "password"],
        ),
        _ => return None,
    };
    OUTPUTROCKS_TYPES.contains(&kind).then_some(schema)
}

/// Every channel as a destination type.
pub fn outputrocks_types() -> Vec<DestinationType> {
    OUTPUTROCKS_TYPES
        .iter()
        .map(|kind| {
            let (family, channel) = kind.rsplit_once('-').unwrap_or((kind, ""));
            let family = match family {
                "sftp" => "SFTP",
                "chargecloud" => "chargecloud",
                "prerender-api" => "Prerender API",
                "binect" => "Binect",
                "epostbusiness" => "E-POST Business",
                other => other,
            };
            DestinationType {
                name: (*kind).to_owned(),
                title: format!("{family} ({channel})"),
                description: None,
                schema: outputrocks_schema(kind).unwrap_or(Value::Null),
            }
        })
        .collect()
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
