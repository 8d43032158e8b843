//! The webhooks list's toolbar: search (applied after a pause in typing), status, event type
//! and sort, each written to the URL.

use super::{go_to, ListParams, Sort};
use crate::api::ApiError;
use crate::state::use_connection;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use std::time::Duration;
use switchboard_api::{EventType, Feature};

/// How long typing must pause before the search is applied.
const SEARCH_PAUSE: Duration = Duration::from_millis(300);

#[component]
pub fn ListFilters(
    /// The view as the URL has it.
    params: Memo<ListParams>,
    /// The search box's text, ahead of the URL while the user types.
    search_text: RwSignal<String>,
    /// The event types offered by the event filter.
    catalogue: LocalResource<Result<Vec<EventType>, ApiError>>,
) -> impl IntoView {
    let navigate = use_navigate();
    let conn = use_connection();
    let (on_word, off_word) = conn.dialect().vocabulary().on_off;

    // Back, Forward or "Clear filters" change the URL's search: the box follows.
    Effect::new(move |_| {
        let q = params.with(|p| p.q.clone());
        if search_text.get_untracked() != q {
            search_text.set(q);
        }
    });
    let generation = StoredValue::new(0u64);
    let on_search = {
        let navigate = navigate.clone();
        move |ev: leptos::ev::Event| {
            let text = event_target_value(&ev);
            search_text.set(text.clone());
            generation.update_value(|g| *g += 1);
            let mine = generation.get_value();
            let navigate = navigate.clone();
            set_timeout(
                move || {
                    if generation.get_value() == mine {
                        let mut p = params.get_untracked().first_page();
                        p.q = text;
                        go_to(&navigate, &p, true);
                    }
                },
                SEARCH_PAUSE,
            );
        }
    };
    let (nav_active, nav_event, nav_sort) = (navigate.clone(), navigate.clone(), navigate);
    let event_options = move || {
        let current = params.with(|p| p.event.clone());
        let mut names: Vec<String> = catalogue
            .get()
            .and_then(Result::ok)
            .unwrap_or_default()
            .into_iter()
            .map(|e| e.name)
            .collect();
        // A filter from a link keeps showing even when the catalogue lacks it.
        if !current.is_empty() && !names.contains(&current) {
            names.push(current.clone());
        }
        names
            .into_iter()
            .map(|n| {
                let selected_now = n == current;
                view! { <option value=n.clone() selected=selected_now>{n.clone()}</option> }
            })
            .collect_view()
    };

    view! {
        <div class="toolbar" role="search">
            <div class="toolbar-search">
                <label class="sr-only" for="webhook-search">"Search webhooks"</label>
                <input type="search" id="webhook-search" data-testid="webhook-search" placeholder="Search name or URL"
                    prop:value=move || search_text.get() on:input=on_search/>
            </div>
            <label class="sr-only" for="filter-active">"Status"</label>
            <select id="filter-active" data-testid="filter-active"
                prop:value=move || match params.with(|p| p.active) { Some(true) => "true", Some(false) => "false", None => "" }
                on:change=move |ev| {
                    let mut p = params.get_untracked().first_page();
                    p.active = match event_target_value(&ev).as_str() { "true" => Some(true), "false" => Some(false), _ => None };
                    go_to(&nav_active, &p, false);
                }>
                <option value="">"All statuses"</option>
                <option value="true">{on_word}</option>
                <option value="false">{off_word}</option>
            </select>
            <label class="sr-only" for="filter-event">"Event type"</label>
            <select id="filter-event" data-testid="filter-event"
                prop:value=move || params.with(|p| p.event.clone())
                on:change=move |ev| {
                    let mut p = params.get_untracked().first_page();
                    p.event = event_target_value(&ev);
                    go_to(&nav_event, &p, false);
                }>
                <option value="">"All event types"</option>
                {event_options}
            </select>
            <label class="sr-only" for="sort">"Sort"</label>
            <select id="sort" data-testid="sort"
                prop:value=move || Sort::parse(&params.with(|p| p.sort.clone())).as_str()
                on:change=move |ev| {
                    // A backend's cursor belongs to its order: a new order starts at its first page.
                    let mut p = params.get_untracked();
                    if conn.has(Feature::Sort) {
                        p = p.first_page();
                    }
                    p.sort = event_target_value(&ev);
                    go_to(&nav_sort, &p, true);
                }>
                {Sort::ALL.into_iter().map(|s| view! { <option value=s.as_str()>{s.label()}</option> }).collect_view()}
            </select>
        </div>
    }
}
