//! `GET /capabilities`: which optional groups of the API a backend serves.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Capabilities {
    #[serde(default = "v1")]
    pub api_version: String,
    #[serde(default)]
    pub features: Vec<Feature>,
}

fn v1() -> String {
    "1".into()
}

/// Optional feature groups above the core level (list, create, get, delete, catalogue list).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Feature {
    Update,
    Catalogue,
    Test,
    Secrets,
    Deliveries,
    Stats,
    Status,
    Events,
    /// `GET /webhooks/types`: destination types besides `http`, each with its schema.
    Types,
    /// `/replays` (bulk replay jobs with a dry run) and `/missed` (what endpoints missed).
    Replay,
    /// `GET /deliveries` takes `q` (full text over payloads and response bodies) and `where`
    /// (payload field conditions, see [`crate::search`]).
    Search,
    /// `GET /webhooks?sort=…`: the list in any [`crate::WebhookSort`] order, paged by cursor.
    Sort,
    /// `GET /webhooks/{id}/health` and `GET /webhooks/health`: success rate, latency, error
    /// classes and the state time line.
    Health,
    /// `GET /deliveries/tail`: new deliveries and attempt outcomes as server-sent events.
    Tail,
    /// A feature this console does not know; kept so a newer backend is not an error.
    #[serde(other)]
    Unknown,
}

impl Feature {
    pub const ALL: [Feature; 14] = [
        Feature::Update,
        Feature::Catalogue,
        Feature::Test,
        Feature::Secrets,
        Feature::Deliveries,
        Feature::Stats,
        Feature::Status,
        Feature::Events,
        Feature::Types,
        Feature::Replay,
        Feature::Search,
        Feature::Sort,
        Feature::Health,
        Feature::Tail,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Feature::Update => "update",
            Feature::Catalogue => "catalogue",
            Feature::Test => "test",
            Feature::Secrets => "secrets",
            Feature::Deliveries => "deliveries",
            Feature::Stats => "stats",
            Feature::Status => "status",
            Feature::Events => "events",
            Feature::Types => "types",
            Feature::Replay => "replay",
            Feature::Search => "search",
            Feature::Sort => "sort",
            Feature::Health => "health",
            Feature::Tail => "tail",
            Feature::Unknown => "unknown",
        }
    }
}

impl Capabilities {
    /// What a backend without `/capabilities` (a 404) offers.
    pub fn core() -> Self {
        Capabilities {
            api_version: v1(),
            features: Vec::new(),
        }
    }

    pub fn full() -> Self {
        Capabilities {
            api_version: v1(),
            features: Feature::ALL.to_vec(),
        }
    }

    pub fn has(&self, f: Feature) -> bool {
        self.features.contains(&f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_features_are_tolerated() {
        let c: Capabilities =
            serde_json::from_str(r#"{"features":["update","teleport"],"extra":1}"#).unwrap();
        assert!(c.has(Feature::Update));
        assert!(!c.has(Feature::Stats));
        assert_eq!(c.api_version, "1");
    }
}
