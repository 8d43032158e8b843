//! `EventPicker`: choose event types from the catalogue — search, grouped, select all in a
//! group, descriptions shown; free entry when the backend's catalogue is unavailable.

use crate::api::ApiError;
use crate::components::webhook_form::fields::slug;
use leptos::prelude::*;
use std::collections::BTreeSet;
use switchboard_api::EventType;

/// Catalogue entries matching `query` (name, description or group, case-insensitive), grouped
/// by group in catalogue order; entries without a group go under "Other".
pub fn group_events(catalogue: &[EventType], query: &str) -> Vec<(String, Vec<EventType>)> {
    let q = query.trim().to_lowercase();
    let mut groups: Vec<(String, Vec<EventType>)> = Vec::new();
    for e in catalogue {
        let hit = q.is_empty()
            || e.name.to_lowercase().contains(&q)
            || e.description.to_lowercase().contains(&q)
            || e.group.to_lowercase().contains(&q);
        if !hit {
            continue;
        }
        let group = if e.group.trim().is_empty() {
            "Other".to_owned()
        } else {
            e.group.clone()
        };
        match groups.iter_mut().find(|(g, _)| *g == group) {
            Some((_, list)) => list.push(e.clone()),
            None => groups.push((group, vec![e.clone()])),
        }
    }
    groups
}

#[component]
pub fn EventPicker(
    /// The catalogue: `None` while loading.
    #[prop(into)]
    catalogue: Signal<Option<Result<Vec<EventType>, ApiError>>>,
    /// The chosen event names.
    selected: RwSignal<BTreeSet<String>>,
    /// The error shown for `events`, if any.
    #[prop(into)]
    error: Signal<Option<String>>,
    /// Exactly one event type per webhook (Shoprenter's `event`): choosing one replaces the
    /// other.
    #[prop(optional)]
    single: bool,
) -> impl IntoView {
    let query = RwSignal::new(String::new());
    let manual = RwSignal::new(String::new());
    let events = Memo::new(move |_| match catalogue.get() {
        Some(Ok(list)) => list,
        _ => Vec::new(),
    });
    let groups = Memo::new(move |_| events.with(|e| group_events(e, &query.get())));
    let unavailable = move || {
        matches!(catalogue.get(), Some(Err(_)))
            || matches!(catalogue.get(), Some(Ok(l)) if l.is_empty())
    };
    let toggle = move |name: String, on: bool| {
        selected.update(|s| {
            if on && single {
                s.clear();
                s.insert(name);
            } else if on {
                s.insert(name);
            } else {
                s.remove(&name);
            }
        })
    };
    let add_manual = move || {
        let name = manual.get_untracked().trim().to_owned();
        if !name.is_empty() {
            selected.update(|s| {
                s.insert(name);
            });
            manual.set(String::new());
        }
    };
    // Chosen names the catalogue does not list (stale subscriptions, or typed by hand).
    let extra = move || {
        let known: BTreeSet<String> = events.with(|e| e.iter().map(|t| t.name.clone()).collect());
        selected.with(|s| {
            s.iter()
                .filter(|n| !known.contains(*n))
                .cloned()
                .collect::<Vec<_>>()
        })
    };

    let group_view = move |(group, list): (String, Vec<EventType>)| {
        let names: Vec<String> = list.iter().map(|e| e.name.clone()).collect();
        let names_all = names.clone();
        let all_on = move || selected.with(|s| names.iter().all(|n| s.contains(n)));
        let all_on2 = all_on.clone();
        let heading_id = format!("event-group-{}", slug(&group));
        let items = list
            .into_iter()
            .map(|e| {
                let name = e.name.clone();
                let name_check = name.clone();
                let name_toggle = name.clone();
                let input_id = format!("event-opt-{}", slug(&name));
                view! {
                    <li>
                        <label class="event-option" for=input_id.clone()>
                            <input type=if single { "radio" } else { "checkbox" } id=input_id.clone() name="events"
                                data-testid=format!("event-option-{}", slug(&name)) data-event=name.clone()
                                prop:checked=move || selected.with(|s| s.contains(&name_check))
                                on:change=move |ev| toggle(name_toggle.clone(), event_target_checked(&ev))/>
                            <span class="event-text">
                                <span class="event-name mono">{name.clone()}</span>
                                {e.deprecated.then(|| view! { <span class="badge badge-warning">"deprecated"</span> })}
                                {(!e.description.is_empty()).then(|| view! { <span class="event-desc">{e.description.clone()}</span> })}
                            </span>
                        </label>
                    </li>
                }
            })
            .collect_view();
        view! {
            <section class="event-group" aria-labelledby=heading_id.clone()>
                <header class="event-group-head">
                    <h4 id=heading_id.clone()>{group.clone()}</h4>
                    <button type="button" class="button ghost small" data-testid=format!("event-group-toggle-{}", slug(&group))
                        hidden=single
                        on:click=move |_| {
                            let on = !all_on2();
                            selected.update(|s| for n in &names_all {
                                if on { s.insert(n.clone()); } else { s.remove(n); }
                            });
                        }>
                        {move || if all_on() { "Clear group" } else { "Select all" }}
                    </button>
                </header>
                <ul class="event-options">{items}</ul>
            </section>
        }
    };

    view! {
        <div class="event-picker" class:invalid=move || error.get().is_some() data-testid="event-picker">
            <div class="event-picker-top">
                <input type="search" class="event-search" data-testid="event-search" aria-label="Search event types"
                    placeholder="Search event types"
                    prop:value=move || query.get()
                    on:input=move |ev| query.set(event_target_value(&ev))/>
                <span class="muted small" data-testid="event-count" aria-live="polite">
                    {move || match selected.with(|s| s.len()) { 1 => "1 selected".to_owned(), n => format!("{n} selected") }}
                </span>
            </div>
            {move || match catalogue.get() {
                None => view! {
                    <div class="event-groups" aria-busy="true">
                        <span class="skeleton"></span><span class="skeleton"></span><span class="skeleton"></span>
                    </div>
                }.into_any(),
                Some(Err(e)) => view! {
                    <p class="muted small" data-testid="catalogue-error">
                        "The event catalogue could not be loaded (" {e.message()} "). Type event names below."
                    </p>
                }.into_any(),
                Some(Ok(_)) => view! {
                    <div class="event-groups">
                        {move || {
                            let g = groups.get();
                            if g.is_empty() && !query.with(|q| q.trim().is_empty()) {
                                view! { <p class="muted small">"No event type matches the search."</p> }.into_any()
                            } else {
                                g.into_iter().map(group_view).collect_view().into_any()
                            }
                        }}
                    </div>
                }.into_any(),
            }}
            {move || {
                let extra = extra();
                (!extra.is_empty()).then(|| view! {
                    <ul class="event-chips" aria-label="Other chosen event types">
                        {extra.into_iter().map(|n| {
                            let n2 = n.clone();
                            view! {
                                <li class="chip">
                                    <span class="mono">{n.clone()}</span>
                                    <button type="button" class="chip-remove" aria-label=format!("Remove {n}")
                                        on:click=move |_| selected.update(|s| { s.remove(&n2); })>"×"</button>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                })
            }}
            <Show when=unavailable>
                <div class="input-row">
                    <input type="text" data-testid="event-manual" aria-label="Event type name" placeholder="order_confirm"
                        prop:value=move || manual.get()
                        on:input=move |ev| manual.set(event_target_value(&ev))
                        on:keydown=move |ev| if ev.key() == "Enter" { ev.prevent_default(); add_manual(); }/>
                    <button type="button" class="button small" on:click=move |_| add_manual()>"Add"</button>
                </div>
            </Show>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn et(name: &str, group: &str, description: &str) -> EventType {
        serde_json::from_value(
            serde_json::json!({"name": name, "group": group, "description": description}),
        )
        .unwrap()
    }

    #[test]
    fn groups_keep_catalogue_order_and_search_filters() {
        let cat = vec![
            et("order_confirm", "Orders", "An order was confirmed"),
            et("create", "Hosting", "A hosting was created"),
            et("order_status_change", "Orders", "Status changed"),
            et("misc", "", "Something"),
        ];
        let g = group_events(&cat, "");
        let names: Vec<&str> = g.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["Orders", "Hosting", "Other"]);
        assert_eq!(g[0].1.len(), 2);
        let g = group_events(&cat, "CONFIRM");
        assert_eq!(g.len(), 1);
        assert_eq!(g[0].1[0].name, "order_confirm");
        let g = group_events(&cat, "hosting");
        assert_eq!(g[0].1[0].name, "create");
        assert!(group_events(&cat, "zzz").is_empty());
    }
}
