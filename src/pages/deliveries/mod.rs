//! Delivery history and one delivery with its attempts, plus the filters both keep in the URL.

mod detail;
mod export_format;
mod list;
mod recover;

pub use detail::DeliveryDetailPage;
pub use list::DeliveriesPage;
pub use recover::RecoverDialog;

use crate::api::{encode_component, follow_cursor, ApiError, Backend, DeliveryQuery, WebhookQuery};
use crate::components::TimeRange;
use switchboard_api::{DeliveryFilter, DeliveryStatus, StatusClass, Webhook};

/// Rows asked for per page: the API's maximum, so 10,000 rows are 50 requests.
pub const PAGE_SIZE: u32 = switchboard_api::MAX_LIMIT;

/// The filters of the deliveries list, as kept in the URL query.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Filters {
    pub status: Option<DeliveryStatus>,
    pub event_type: Option<String>,
    pub webhook_id: Option<String>,
    pub range: Option<TimeRange>,
    /// The class of the last response status.
    pub status_class: Option<StatusClass>,
    /// The error kind of the last attempt (`timeout`, `connect`, …).
    pub error_kind: Option<String>,
    /// Full text over payloads and response bodies.
    pub q: Option<String>,
    /// Payload field conditions, as typed.
    pub where_: Option<String>,
    /// Where the view starts: the cursor of the page at the top of the window (none: newest).
    pub cursor: Option<String>,
}

/// Error kinds an attempt records, for the filter.
pub const ERROR_KINDS: [&str; 8] = [
    "timeout", "connect", "dns", "tls", "ssrf", "redirect", "body", "auth",
];

impl Filters {
    /// Reads the filters from query parameters; unknown values are dropped.
    pub fn from_pairs<'a>(get: impl Fn(&str) -> Option<&'a str>) -> Filters {
        let non_empty = |k: &str| get(k).map(str::trim).filter(|v| !v.is_empty());
        let range =
            TimeRange::from_query(non_empty("range"), non_empty("since"), non_empty("until"));
        Filters {
            status: non_empty("status").and_then(DeliveryStatus::parse),
            event_type: non_empty("event_type").map(str::to_owned),
            webhook_id: non_empty("webhook_id").map(str::to_owned),
            range: (range != TimeRange::All).then_some(range),
            status_class: non_empty("status_class").and_then(StatusClass::parse),
            error_kind: non_empty("error_kind").map(str::to_owned),
            q: non_empty("q").map(str::to_owned),
            where_: non_empty("where").map(str::to_owned),
            cursor: non_empty("cursor").map(str::to_owned),
        }
    }

    /// No filter set (the position in the list does not count).
    pub fn is_empty(&self) -> bool {
        self.same_rows(&Filters::default())
    }

    /// The same filters, wherever each view starts.
    pub fn same_rows(&self, other: &Filters) -> bool {
        Filters {
            cursor: None,
            ..self.clone()
        } == Filters {
            cursor: None,
            ..other.clone()
        }
    }

    /// The same filters from the newest delivery.
    pub fn from_start(self) -> Filters {
        Filters {
            cursor: None,
            ..self
        }
    }

    /// The URL query (`?status=failed&range=24h`), or an empty string.
    pub fn to_query_string(&self) -> String {
        let mut pairs: Vec<(&str, String)> = Vec::new();
        if let Some(s) = self.status {
            pairs.push(("status", s.as_str().to_owned()));
        }
        if let Some(e) = &self.event_type {
            pairs.push(("event_type", e.clone()));
        }
        if let Some(w) = &self.webhook_id {
            pairs.push(("webhook_id", w.clone()));
        }
        if let Some(c) = self.status_class {
            pairs.push(("status_class", c.as_str().to_owned()));
        }
        if let Some(k) = &self.error_kind {
            pairs.push(("error_kind", k.clone()));
        }
        if let Some(r) = &self.range {
            let (range, since, until) = r.to_query();
            pairs.push(("range", range));
            pairs.push(("since", since));
            pairs.push(("until", until));
        }
        if let Some(q) = &self.q {
            pairs.push(("q", q.clone()));
        }
        if let Some(w) = &self.where_ {
            pairs.push(("where", w.clone()));
        }
        if let Some(c) = &self.cursor {
            pairs.push(("cursor", c.clone()));
        }
        let parts: Vec<String> = pairs
            .into_iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| format!("{k}={}", encode_component(&v)))
            .collect();
        if parts.is_empty() {
            String::new()
        } else {
            format!("?{}", parts.join("&"))
        }
    }

    /// The API query for the view's first page (from its cursor), with relative ranges
    /// resolved at `now_ms`.
    pub fn to_api_query(&self, now_ms: i64) -> DeliveryQuery {
        let (since, until) = self
            .range
            .as_ref()
            .map(|r| r.bounds(now_ms))
            .unwrap_or((None, None));
        DeliveryQuery {
            webhook_id: self.webhook_id.clone(),
            status: self.status.map(|s| s.as_str().to_owned()),
            event_type: self.event_type.clone(),
            since: since.map(|t| t.to_rfc3339()),
            until: until.map(|t| t.to_rfc3339()),
            status_class: self.status_class.map(|c| c.as_str().to_owned()),
            error_kind: self.error_kind.clone(),
            q: self.q.clone(),
            where_: self.where_.clone(),
            cursor: self.cursor.clone(),
            limit: Some(PAGE_SIZE),
        }
    }

    /// The same filter for a replay: exactly the rows this view shows, with relative ranges
    /// resolved at `now_ms`.
    pub fn to_replay_filter(&self, now_ms: i64) -> DeliveryFilter {
        let (since, until) = self
            .range
            .as_ref()
            .map(|r| r.bounds(now_ms))
            .unwrap_or((None, None));
        DeliveryFilter {
            webhook_id: self.webhook_id.clone(),
            event_type: self.event_type.clone(),
            status: self.status,
            status_class: self.status_class,
            error_kind: self.error_kind.clone(),
            since,
            until,
            missed: None,
            q: self.q.clone(),
            where_: self.where_.clone(),
        }
    }
}

/// Every webhook, following cursors; bounded so a runaway backend cannot loop forever.
pub async fn load_all_webhooks(backend: &impl Backend) -> Result<Vec<Webhook>, ApiError> {
    follow_cursor(25, |cursor| async move {
        let query = WebhookQuery {
            cursor,
            limit: Some(PAGE_SIZE),
            ..Default::default()
        };
        backend.list_webhooks(&query).await
    })
    .await
}

/// `12,345`: counts in the thousands read better grouped.
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The path of one delivery's page.
pub fn delivery_href(id: &str) -> String {
    format!("/deliveries/{}", encode_component(id))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;
    use switchboard_api::Timestamp;

    fn parse(q: &[(&str, &str)]) -> Filters {
        let map: HashMap<&str, &str> = q.iter().copied().collect();
        Filters::from_pairs(|k| map.get(k).copied())
    }

    #[test]
    fn filters_round_trip_through_the_url() {
        let f = parse(&[
            ("status", "failed"),
            ("event_type", "order_confirm"),
            ("webhook_id", "wh 1"),
            ("range", "24h"),
            ("q", "database down"),
            ("where", "total > 100"),
            ("cursor", "17.4"),
        ]);
        assert_eq!(f.status, Some(DeliveryStatus::Failed));
        assert_eq!(
            f.to_query_string(),
            "?status=failed&event_type=order_confirm&webhook_id=wh%201&range=24h\
             &q=database%20down&where=total%20%3E%20100&cursor=17.4"
        );
        let q = f.to_api_query(0);
        assert_eq!(q.q.as_deref(), Some("database down"));
        assert_eq!(q.where_.as_deref(), Some("total > 100"));
        assert_eq!(q.cursor.as_deref(), Some("17.4"));
        assert!(!f.is_empty());
        assert!(f.same_rows(&f.clone().from_start()));
        assert!(
            parse(&[("cursor", "17.4")]).is_empty(),
            "a position is no filter"
        );
        assert_eq!(
            parse(&[("status", "exploded"), ("event_type", " ")]),
            Filters::default()
        );
        assert!(Filters::default().to_query_string().is_empty());
        let custom = parse(&[("range", "custom"), ("since", "2024-01-15T10:00:00Z")]);
        assert_eq!(
            custom.to_query_string(),
            "?range=custom&since=2024-01-15T10%3A00%3A00Z"
        );
    }

    #[test]
    fn counts_are_grouped() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(10_000), "10,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }

    #[test]
    fn api_query_resolves_presets() {
        let now = Timestamp::parse("2024-01-15T10:30:00Z")
            .unwrap()
            .unix_millis();
        let q = parse(&[("status", "succeeded"), ("range", "1h")]).to_api_query(now);
        assert_eq!(q.status.as_deref(), Some("succeeded"));
        assert_eq!(q.since.as_deref(), Some("2024-01-15T09:30:00Z"));
        assert_eq!(q.until, None);
        assert_eq!(q.limit, Some(PAGE_SIZE));
        let q = Filters::default().to_api_query(now);
        assert_eq!((q.since, q.status, q.cursor), (None, None, None));
    }

    #[test]
    fn the_replay_filter_is_the_views_filter() {
        let now = Timestamp::parse("2024-01-15T10:30:00Z")
            .unwrap()
            .unix_millis();
        let f = parse(&[
            ("status", "failed"),
            ("status_class", "5xx"),
            ("error_kind", "timeout"),
            ("webhook_id", "wh_1"),
            ("range", "1h"),
        ]);
        assert_eq!(
            f.to_query_string(),
            "?status=failed&webhook_id=wh_1&status_class=5xx&error_kind=timeout&range=1h"
        );
        let r = f.to_replay_filter(now);
        assert_eq!(r.status, Some(DeliveryStatus::Failed));
        assert_eq!(r.status_class, Some(StatusClass::ServerError));
        assert_eq!(r.error_kind.as_deref(), Some("timeout"));
        assert_eq!(
            r.since.map(|t| t.to_rfc3339()).as_deref(),
            Some("2024-01-15T09:30:00Z")
        );
        let q = f.to_api_query(now);
        assert_eq!(q.status_class.as_deref(), Some("5xx"));
        assert_eq!(parse(&[("status_class", "6xx")]), Filters::default());
    }
}
