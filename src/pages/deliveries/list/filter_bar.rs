//! The delivery history's filters: status, event type, webhook, response class, error kind
//! and time range, each written to the URL so a filtered view can be shared or bookmarked.

use super::super::Filters;
use crate::components::{TimeRange, TimeRangePicker};
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;
use leptos_router::NavigateOptions;
use std::collections::HashMap;
use switchboard_api::{DeliveryStatus, EventType, StatusClass};

#[component]
pub fn DeliveryFilterBar(
    /// The filters as the URL has them.
    filters: Memo<Filters>,
    /// Webhook names by id, for the webhook filter.
    names: Memo<HashMap<String, String>>,
    /// The catalogue, for the event type filter.
    event_types: LocalResource<Vec<EventType>>,
) -> impl IntoView {
    let navigate = use_navigate();
    let set_filters = StoredValue::new(move |f: Filters| {
        navigate(
            &format!("/deliveries{}", f.to_query_string()),
            NavigateOptions::default(),
        )
    });
    let update = move |change: &dyn Fn(&mut Filters)| {
        let mut f = filters.get_untracked().from_start();
        change(&mut f);
        set_filters.with_value(|s| s(f));
    };
    let on_status = move |ev: leptos::ev::Event| {
        let v = event_target_value(&ev);
        update(&|f: &mut Filters| f.status = DeliveryStatus::parse(&v));
    };
    let on_event = move |ev: leptos::ev::Event| {
        let v = event_target_value(&ev);
        update(&|f: &mut Filters| f.event_type = Some(v.clone()).filter(|s| !s.is_empty()));
    };
    let on_webhook = move |ev: leptos::ev::Event| {
        let v = event_target_value(&ev);
        update(&|f: &mut Filters| f.webhook_id = Some(v.clone()).filter(|s| !s.is_empty()));
    };
    let on_class = move |ev: leptos::ev::Event| {
        let v = event_target_value(&ev);
        update(&|f: &mut Filters| f.status_class = StatusClass::parse(&v));
    };
    let on_error = move |ev: leptos::ev::Event| {
        let v = event_target_value(&ev);
        update(&|f: &mut Filters| f.error_kind = Some(v.clone()).filter(|s| !s.is_empty()));
    };
    let on_range = Callback::new(move |r: TimeRange| {
        update(&|f: &mut Filters| f.range = Some(r.clone()).filter(|r| *r != TimeRange::All));
    });
    let clear = move |_| set_filters.with_value(|s| s(Filters::default()));

    let status_value = move || filters.get().status.map(|s| s.as_str()).unwrap_or("");
    let event_value = move || filters.get().event_type.unwrap_or_default();
    let webhook_value = move || filters.get().webhook_id.unwrap_or_default();
    let event_options = move || {
        let current = filters.get().event_type;
        let mut list: Vec<String> = event_types
            .get()
            .map(|l: Vec<EventType>| l.into_iter().map(|e| e.name).collect())
            .unwrap_or_default();
        // A filter from a link still shows, even when the catalogue does not list it.
        if let Some(c) = current.clone().filter(|c| !list.contains(c)) {
            list.push(c);
        }
        // `selected` per option: the list arrives after the URL's value was applied.
        list.into_iter()
            .map(|name| {
                let selected = current.as_deref() == Some(name.as_str());
                view! { <option value=name.clone() selected=selected>{name.clone()}</option> }
            })
            .collect_view()
    };
    let webhook_options = move || {
        let current = filters.get().webhook_id;
        let mut list: Vec<(String, String)> = names.get().into_iter().collect();
        list.sort_by_key(|a| a.1.to_lowercase());
        if let Some(c) = current
            .clone()
            .filter(|c| !list.iter().any(|(id, _)| id == c))
        {
            list.push((c.clone(), c));
        }
        list.into_iter()
            .map(|(id, name)| {
                let selected = current.as_deref() == Some(id.as_str());
                view! { <option value=id selected=selected>{name}</option> }
            })
            .collect_view()
    };

    view! {
        <form class="card filters" data-testid="delivery-filters" role="search" aria-label="Filter deliveries"
            on:submit=|ev| ev.prevent_default()>
            <div class="field">
                <label for="filter-status">"Status"</label>
                <select id="filter-status" data-testid="filter-status" prop:value=status_value on:change=on_status>
                    <option value="">"Any status"</option>
                    {DeliveryStatus::ALL.into_iter().map(|s| view! {
                        <option value=s.as_str() selected=move || filters.get().status == Some(s)>
                            {crate::components::status_label(s)}
                        </option>
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="filter-event">"Event type"</label>
                <select id="filter-event" data-testid="filter-event" prop:value=event_value on:change=on_event>
                    <option value="">"Any event type"</option>
                    {event_options}
                </select>
            </div>
            <div class="field">
                <label for="filter-webhook">"Webhook"</label>
                <select id="filter-webhook" data-testid="filter-webhook" prop:value=webhook_value on:change=on_webhook>
                    <option value="">"Any webhook"</option>
                    {webhook_options}
                </select>
            </div>
            <div class="field">
                <label for="filter-class">"Response"</label>
                <select id="filter-class" data-testid="filter-class" on:change=on_class>
                    <option value="">"Any response"</option>
                    {StatusClass::ALL.into_iter().map(|c| view! {
                        <option value=c.as_str() selected=move || filters.get().status_class == Some(c)>
                            {if c == StatusClass::NoResponse { "No response".to_owned() } else { c.as_str().to_owned() }}
                        </option>
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="filter-error">"Error"</label>
                <select id="filter-error" data-testid="filter-error" on:change=on_error>
                    <option value="">"Any error"</option>
                    {super::super::ERROR_KINDS.into_iter().map(|k| view! {
                        <option value=k selected=move || filters.get().error_kind.as_deref() == Some(k)>{k}</option>
                    }).collect_view()}
                </select>
            </div>
            <TimeRangePicker value=Signal::derive(move || filters.get().range.unwrap_or(TimeRange::All)) on_change=on_range/>
            <div class="filters-end">
                <button type="button" class="button ghost" data-testid="clear-filters"
                    disabled=move || filters.get().is_empty() on:click=clear>
                    "Clear filters"
                </button>
            </div>
        </form>
    }
}
