//! The event type catalogue, grouped, with a search kept in the URL.

use super::{event_type_href, grouped};
use crate::api::{encode_component, Backend};
use crate::components::ErrorPanel;
use crate::state::use_live_backend;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};

#[component]
pub fn EventTypesPage() -> impl IntoView {
    let backend = use_live_backend();
    let query = use_query_map();
    let navigate = use_navigate();
    let q = Memo::new(move |_| query.with(|m| m.get("q").unwrap_or_default()));
    let reload = Trigger::new();
    let catalogue = LocalResource::new(move || {
        reload.track();
        async move { backend.now().list_event_types().await }
    });
    let on_search = move |ev: leptos::ev::Event| {
        let v = event_target_value(&ev);
        let url = if v.trim().is_empty() {
            "/event-types".to_owned()
        } else {
            format!("/event-types?q={}", encode_component(&v))
        };
        crate::pages::show_view(&navigate, &url, true);
    };

    let content = move || {
        match catalogue.get() {
        None => view! {
            <div class="card" data-testid="event-types-loading">
                {(0..5).map(|_| view! { <span class="skeleton skeleton-row"></span> }).collect_view()}
            </div>
        }
        .into_any(),
        Some(Err(e)) => view! { <ErrorPanel error=e on_retry=Callback::new(move |()| reload.notify())/> }.into_any(),
        Some(Ok(list)) => {
            let total = list.len();
            let groups = grouped(&list, &q.get());
            let shown: usize = groups.iter().map(|(_, v)| v.len()).sum();
            if groups.is_empty() {
                return view! {
                    <div class="card empty-state" data-testid="event-types-empty">
                        <h2>{if total == 0 { "The catalogue is empty" } else { "No event type matches" }}</h2>
                        <p>{if total == 0 { "This backend lists no event types." } else { "Try fewer or other words." }}</p>
                    </div>
                }
                .into_any();
            }
            view! {
                <p class="muted" role="status" data-testid="event-types-count">
                    {if shown == total { format!("{total} event types") } else { format!("{shown} of {total} event types") }}
                </p>
                <div class="catalogue-groups">
                    {groups.into_iter().map(|(group, items)| view! {
                        <section class="card catalogue-group" data-testid="event-group" data-group=group.clone()>
                            <h2>{group.clone()} <span class="muted small">{format!(" · {}", items.len())}</span></h2>
                            <ul class="catalogue-list">
                                {items.into_iter().map(|e| {
                                    let href = event_type_href(&e.name);
                                    let name = e.name.clone();
                                    view! {
                                    <li class="catalogue-item" data-testid="event-type" data-name=e.name.clone()>
                                        <A href=href attr:class="mono catalogue-name">{name}</A>
                                        {e.deprecated.then(|| view! { <span class="badge badge-warning" data-testid="deprecated">"Deprecated"</span> })}
                                        <p class="muted small">{crate::format::truncate(&e.description, 240)}</p>
                                    </li>
                                }}).collect_view()}
                            </ul>
                        </section>
                    }).collect_view()}
                </div>
            }
            .into_any()
        }
    }
    };

    view! {
        <section class="page event-types-page" data-testid="event-types-page">
            <header class="page-header">
                <div>
                    <h1>"Event types"</h1>
                    <p>"What a webhook can subscribe to, with the payload each one carries."</p>
                </div>
            </header>
            <div class="field search-field">
                <label for="event-search" class="sr-only">"Search event types"</label>
                <input id="event-search" type="search" placeholder="Search by name, group or description"
                    data-testid="event-search" autocomplete="off"
                    prop:value=move || q.get() on:input=on_search/>
            </div>
            {content}
        </section>
    }
}
