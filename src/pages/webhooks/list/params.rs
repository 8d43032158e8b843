//! What defines the webhooks list's view, as kept in the URL, and the orders the loaded page
//! can be sorted in.

use crate::api::{encode_component, WebhookQuery};
use switchboard_api::percent::decode_component as decode;
use switchboard_api::{Webhook, WebhookSort};

/// The list's orders. A backend with `sort` lists in them ([`Sort::api`]); for one without,
/// [`Sort::apply`] sorts the loaded page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sort {
    Newest,
    Name,
    Failures,
    LastFailure,
    LastSuccess,
}

impl Sort {
    pub const ALL: [Sort; 5] = [
        Sort::Newest,
        Sort::Name,
        Sort::Failures,
        Sort::LastFailure,
        Sort::LastSuccess,
    ];

    /// The contract's order.
    pub fn api(self) -> WebhookSort {
        match self {
            Sort::Newest => WebhookSort::CreatedDesc,
            Sort::Name => WebhookSort::NameAsc,
            Sort::Failures => WebhookSort::FailuresDesc,
            Sort::LastFailure => WebhookSort::LastFailureDesc,
            Sort::LastSuccess => WebhookSort::LastSuccessDesc,
        }
    }

    /// The URL's `sort` value: the contract's name for the order.
    pub fn as_str(self) -> &'static str {
        self.api().as_str()
    }

    /// The console's names before the contract had `sort`, so older links keep their order.
    fn legacy(self) -> &'static str {
        match self {
            Sort::Newest => "newest",
            Sort::Name => "name",
            Sort::Failures => "failures",
            Sort::LastFailure => "last_failure",
            Sort::LastSuccess => "last_success",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Sort::Newest => "Newest first",
            Sort::Name => "Name A–Z",
            Sort::Failures => "Most failures",
            Sort::LastFailure => "Latest failure",
            Sort::LastSuccess => "Latest success",
        }
    }

    pub fn parse(s: &str) -> Sort {
        Sort::ALL
            .into_iter()
            .find(|x| x.as_str() == s || x.legacy() == s)
            .unwrap_or(Sort::Newest)
    }

    pub fn apply(self, items: &mut [Webhook]) {
        match self {
            Sort::Newest => {}
            Sort::Name => items.sort_by_key(|w| w.name.to_lowercase()),
            Sort::Failures => items.sort_by_key(|w| std::cmp::Reverse(w.failure_count)),
            Sort::LastFailure => items.sort_by_key(|w| std::cmp::Reverse(w.last_failure_at)),
            Sort::LastSuccess => items.sort_by_key(|w| std::cmp::Reverse(w.last_success_at)),
        }
    }
}

/// Everything that defines the view, as kept in the URL.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListParams {
    pub q: String,
    pub active: Option<bool>,
    pub event: String,
    pub sort: String,
    pub cursor: String,
    /// Cursors of the pages before this one, oldest first ("" is the first page).
    pub prev: Vec<String>,
}

impl ListParams {
    pub fn from_query(get: impl Fn(&str) -> Option<String>) -> ListParams {
        ListParams {
            q: get("q").unwrap_or_default(),
            active: match get("active").as_deref() {
                Some("true") => Some(true),
                Some("false") => Some(false),
                _ => None,
            },
            event: get("event").unwrap_or_default(),
            sort: get("sort").unwrap_or_default(),
            cursor: get("cursor").unwrap_or_default(),
            prev: match get("prev") {
                Some(p) => p.split(',').map(decode).collect(),
                None => Vec::new(),
            },
        }
    }

    /// The list request; `server_sorts` when the backend has `sort` (else the page is sorted
    /// here and the request asks for the default order).
    pub fn api_query(&self, server_sorts: bool) -> WebhookQuery {
        let sort = Sort::parse(&self.sort);
        WebhookQuery {
            sort: (server_sorts && sort != Sort::Newest).then(|| sort.api()),
            q: Some(self.q.trim().to_owned()).filter(|q| !q.is_empty()),
            is_active: self.active,
            event: Some(self.event.clone()).filter(|e| !e.is_empty()),
            cursor: Some(self.cursor.clone()).filter(|c| !c.is_empty()),
            limit: None,
        }
    }

    pub fn has_filters(&self) -> bool {
        !self.q.trim().is_empty() || self.active.is_some() || !self.event.is_empty()
    }

    /// The same filters from the first page.
    pub fn first_page(mut self) -> ListParams {
        self.cursor.clear();
        self.prev.clear();
        self
    }

    pub fn next_page(mut self, next: &str) -> ListParams {
        self.prev.push(std::mem::take(&mut self.cursor));
        self.cursor = next.to_owned();
        self
    }

    pub fn previous_page(mut self) -> ListParams {
        self.cursor = self.prev.pop().unwrap_or_default();
        self
    }

    /// `/webhooks?…` with only the members that are set.
    pub fn href(&self) -> String {
        let mut pairs: Vec<(&str, String)> = Vec::new();
        if !self.q.is_empty() {
            pairs.push(("q", self.q.clone()));
        }
        if let Some(a) = self.active {
            pairs.push(("active", a.to_string()));
        }
        if !self.event.is_empty() {
            pairs.push(("event", self.event.clone()));
        }
        let sort = Sort::parse(&self.sort);
        if sort != Sort::Newest {
            pairs.push(("sort", sort.as_str().to_owned()));
        }
        if !self.cursor.is_empty() {
            pairs.push(("cursor", self.cursor.clone()));
            let prev: Vec<String> = self.prev.iter().map(|c| encode_component(c)).collect();
            pairs.push(("prev", prev.join(",")));
        }
        if pairs.is_empty() {
            return "/webhooks".into();
        }
        let qs: Vec<String> = pairs
            .into_iter()
            .map(|(k, v)| format!("{k}={}", encode_component(&v)))
            .collect();
        format!("/webhooks?{}", qs.join("&"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn from(pairs: &[(&str, &str)]) -> ListParams {
        ListParams::from_query(|k| {
            pairs
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        })
    }

    #[test]
    fn params_round_trip_through_the_url() {
        let p = from(&[
            ("q", "a b"),
            ("active", "false"),
            ("event", "order_confirm"),
        ]);
        assert_eq!(p.active, Some(false));
        assert_eq!(
            p.href(),
            "/webhooks?q=a%20b&active=false&event=order_confirm"
        );
        assert!(p.has_filters());
        assert_eq!(ListParams::default().href(), "/webhooks");
        let q = p.api_query(true);
        assert_eq!(q.q.as_deref(), Some("a b"));
        assert_eq!(q.cursor, None);
        assert_eq!(q.sort, None);
    }

    #[test]
    fn paging_keeps_a_stack_of_previous_cursors() {
        let p = ListParams::default().next_page("c1").next_page("c,2");
        assert_eq!(p.cursor, "c,2");
        assert_eq!(p.prev, ["", "c1"]);
        let href = p.href();
        // What the router hands back after the URL was decoded once.
        let query = href.split_once('?').unwrap().1;
        let decoded: Vec<(String, String)> = query
            .split('&')
            .map(|kv| {
                let (k, v) = kv.split_once('=').unwrap();
                (k.to_owned(), decode(v))
            })
            .collect();
        let back = ListParams::from_query(|k| {
            decoded.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone())
        });
        assert_eq!(back, p);
        let p = back.previous_page();
        assert_eq!(p.cursor, "c1");
        let p = p.previous_page();
        assert_eq!(p.cursor, "");
        assert_eq!(p.href(), "/webhooks");
    }

    #[test]
    fn sorting_the_loaded_page() {
        let mut items: Vec<Webhook> = serde_json::from_value(serde_json::json!([
            {"id": 1, "name": "b", "url": "https://x", "failure_count": 1},
            {"id": 2, "name": "A", "url": "https://x", "failure_count": 5},
        ]))
        .unwrap();
        Sort::Name.apply(&mut items);
        assert_eq!(items[0].name, "A");
        Sort::Failures.apply(&mut items);
        assert_eq!(items[0].failure_count, 5);
        assert_eq!(Sort::parse("bogus"), Sort::Newest);
    }

    #[test]
    fn the_sort_goes_to_the_backend_only_when_it_sorts() {
        let p = from(&[("sort", "name_asc"), ("cursor", "n.61.3")]);
        assert_eq!(p.api_query(true).sort, Some(WebhookSort::NameAsc));
        assert_eq!(p.api_query(true).cursor.as_deref(), Some("n.61.3"));
        assert_eq!(p.api_query(false).sort, None);
        assert!(p
            .href()
            .starts_with("/webhooks?sort=name_asc&cursor=n.61.3"));
        // Links from before the contract had `sort` keep their order.
        assert_eq!(
            Sort::parse(&from(&[("sort", "failures")]).sort),
            Sort::Failures
        );
        assert_eq!(from(&[("sort", "created_desc")]).href(), "/webhooks");
    }
}
