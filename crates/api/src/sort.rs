//! `GET /webhooks?sort=…`: the orders a backend with [`crate::Feature::Sort`] lists webhooks
//! in. Each order has a tiebreaker (the webhook's insertion sequence), so paging through an
//! order with ties neither repeats nor skips an item.

use serde::{Deserialize, Serialize};

/// One order of the webhooks list.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WebhookSort {
    /// Newest first (the order without `sort`).
    #[default]
    CreatedDesc,
    /// By name, case-insensitively, A to Z.
    NameAsc,
    /// Most consecutive failures first.
    FailuresDesc,
    /// Latest failed delivery first; never-failed last.
    LastFailureDesc,
    /// Latest successful delivery first; never-succeeded last.
    LastSuccessDesc,
}

impl WebhookSort {
    pub const ALL: [WebhookSort; 5] = [
        WebhookSort::CreatedDesc,
        WebhookSort::NameAsc,
        WebhookSort::FailuresDesc,
        WebhookSort::LastFailureDesc,
        WebhookSort::LastSuccessDesc,
    ];

    /// The `sort` parameter's value.
    pub fn as_str(self) -> &'static str {
        match self {
            WebhookSort::CreatedDesc => "created_desc",
            WebhookSort::NameAsc => "name_asc",
            WebhookSort::FailuresDesc => "failures_desc",
            WebhookSort::LastFailureDesc => "last_failure_desc",
            WebhookSort::LastSuccessDesc => "last_success_desc",
        }
    }

    /// The order a `sort` value names, or `None` for a value the contract does not have.
    pub fn parse(raw: &str) -> Option<WebhookSort> {
        WebhookSort::ALL.into_iter().find(|s| s.as_str() == raw)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_round_trip_and_match_serde() {
        for s in WebhookSort::ALL {
            assert_eq!(WebhookSort::parse(s.as_str()), Some(s));
            assert_eq!(serde_json::to_value(s).unwrap(), s.as_str());
        }
        assert_eq!(WebhookSort::parse("name"), None);
        assert_eq!(WebhookSort::default(), WebhookSort::CreatedDesc);
    }
}
