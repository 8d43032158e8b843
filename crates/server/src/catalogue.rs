//! The event-type catalogue, loaded from the JSON data files in `catalogue/`.

use switchboard_api::EventType;

/// Each file holds one group: a JSON array of event types.
const FILES: &[(&str, &str)] = &[
    ("shop.json", include_str!("../catalogue/shop.json")),
    ("hosting.json", include_str!("../catalogue/hosting.json")),
    ("purchase.json", include_str!("../catalogue/purchase.json")),
];

pub struct Catalogue {
    types: Vec<EventType>,
}

impl Catalogue {
    /// The catalogue shipped with the server. The files are checked by a test, so a broken one
    /// never reaches a build that starts.
    pub fn builtin() -> Catalogue {
        let mut types = Vec::new();
        for (name, text) in FILES {
            match serde_json::from_str::<Vec<EventType>>(text) {
                Ok(group) => types.extend(group),
                Err(e) => tracing::error!("catalogue file {name} is invalid: {e}"),
            }
        }
        Catalogue { types }
    }

    pub fn all(&self) -> &[EventType] {
        &self.types
    }

    pub fn get(&self, name: &str) -> Option<&EventType> {
        self.types.iter().find(|t| t.name == name)
    }

    pub fn contains(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// The first documented example payload of a type.
    pub fn example(&self, name: &str) -> Option<&serde_json::Value> {
        self.get(name).and_then(|t| t.examples.first())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_file_parses_and_every_type_has_an_example() {
        for (name, text) in FILES {
            let group: Vec<EventType> =
                serde_json::from_str(text).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!(!group.is_empty(), "{name} is empty");
            for t in group {
                assert!(!t.examples.is_empty(), "{} has no example", t.name);
                assert!(t.schema.is_some(), "{} has no schema", t.name);
                assert!(!t.fields.is_empty(), "{} has no field docs", t.name);
            }
        }
        let c = Catalogue::builtin();
        for name in [
            "order_confirm",
            "order_status_change",
            "newsletter_subscribe",
            "newsletter_unsubscribe",
            "newsletter_update_subscriber",
            "create",
            "lock",
            "unlock",
            "delete",
            "delivery.completed",
        ] {
            assert!(c.contains(name), "{name} missing");
        }
    }
}
