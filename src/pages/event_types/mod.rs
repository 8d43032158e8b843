//! Event types: the catalogue grouped and searchable ([`list`]), and one event type with its
//! fields, schema and example payloads as JSON and as XML ([`detail`]).

mod detail;
mod list;

pub use detail::EventTypeDetailPage;
pub use list::EventTypesPage;

use crate::api::encode_component;
use std::collections::BTreeMap;
use switchboard_api::EventType;

/// Heading for event types without a group.
const UNGROUPED: &str = "Other";

/// Whether an event type matches a search: every word must appear in its name, group or
/// description (case-insensitive).
pub fn matches(e: &EventType, q: &str) -> bool {
    let hay = format!("{} {} {}", e.name, e.group, e.description).to_lowercase();
    q.to_lowercase().split_whitespace().all(|w| hay.contains(w))
}

/// The catalogue filtered by `q`, grouped by `group` (groups and names sorted).
pub fn grouped(list: &[EventType], q: &str) -> Vec<(String, Vec<EventType>)> {
    let mut groups: BTreeMap<String, Vec<EventType>> = BTreeMap::new();
    for e in list.iter().filter(|e| matches(e, q)) {
        let g = if e.group.trim().is_empty() {
            UNGROUPED.to_owned()
        } else {
            e.group.clone()
        };
        groups.entry(g).or_default().push(e.clone());
    }
    groups
        .into_iter()
        .map(|(g, mut v)| {
            v.sort_by(|a, b| a.name.cmp(&b.name));
            (g, v)
        })
        .collect()
}

pub fn event_type_href(name: &str) -> String {
    format!("/event-types/{}", encode_component(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn et(name: &str, group: &str, description: &str) -> EventType {
        EventType {
            name: name.into(),
            description: description.into(),
            group: group.into(),
            schema: None,
            fields: Vec::new(),
            examples: Vec::new(),
            deprecated: false,
        }
    }

    #[test]
    fn search_and_grouping() {
        let list = vec![
            et("order_status_change", "Orders", "An order changed status"),
            et("order_confirm", "Orders", "A new order"),
            et("create", "Hosting", "A hosting was created"),
            et("ping", "", "Health"),
        ];
        let all = grouped(&list, "");
        assert_eq!(
            all.iter().map(|(g, _)| g.as_str()).collect::<Vec<_>>(),
            ["Hosting", "Orders", "Other"]
        );
        assert_eq!(all[1].1[0].name, "order_confirm");
        let found = grouped(&list, "ORDER new");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].1.len(), 1);
        assert_eq!(found[0].1[0].name, "order_confirm");
        assert!(grouped(&list, "hosting created")
            .iter()
            .any(|(g, _)| g == "Hosting"));
        assert!(grouped(&list, "nothing-like-this").is_empty());
    }
}
