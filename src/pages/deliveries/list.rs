//! The global delivery history: filters in the URL, cursor pages appended to a windowed table.

use super::{delivery_href, load_all_webhooks, Filters, RecoverDialog};
use crate::api::{ApiError, Backend, DeliveryQuery};
use crate::components::{
    DeliveryStatusBadge, ErrorPanel, RelativeTime, ResponseBadge, TimeRange, TimeRangePicker,
    VirtualTable,
};
use crate::format::now_ms;
use crate::state::{use_connection, use_live_backend};
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::NavigateOptions;
use std::collections::{HashMap, HashSet};
use switchboard_api::{Delivery, DeliveryStatus, EventType, Feature, Webhook};

/// Height of one table row in pixels; `style/deliveries.css` lays rows out to match.
const ROW_HEIGHT: f64 = 44.0;

#[component]
pub fn DeliveriesPage() -> impl IntoView {
    let conn = use_connection();
    move || {
        if conn.has(Feature::Deliveries) {
            view! { <DeliveryHistory/> }.into_any()
        } else {
            view! {
                <section class="page empty-state" data-testid="deliveries-unsupported">
                    <h1>"Deliveries"</h1>
                    <p>"This backend does not keep a delivery history (it does not offer the deliveries feature)."</p>
                </section>
            }
            .into_any()
        }
    }
}

#[component]
fn DeliveryHistory() -> impl IntoView {
    let backend = use_live_backend();
    let query = use_query_map();
    let navigate = use_navigate();
    let filters = Memo::new(move |_| query.with(|q| Filters::from_pairs(|k| q.get_str(k))));

    let rows = RwSignal::new(Vec::<Delivery>::new());
    let seen = StoredValue::new(HashSet::<String>::new());
    let next_cursor = RwSignal::new(None::<String>);
    let loading = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let loaded_once = RwSignal::new(false);
    // Responses for an outdated filter are dropped: each reset starts a new generation.
    let generation = StoredValue::new(0u64);
    // The first page's query, reused with each cursor so relative ranges do not drift.
    let active = StoredValue::new(DeliveryQuery::default());

    let fetch = {
        move |reset: bool| {
            let mut q = if reset {
                let q = filters.get_untracked().to_api_query(now_ms());
                active.set_value(q.clone());
                generation.update_value(|g| *g += 1);
                q
            } else {
                if loading.get_untracked() {
                    return;
                }
                let Some(cursor) = next_cursor.get_untracked() else {
                    return;
                };
                let mut q = active.get_value();
                q.cursor = Some(cursor);
                q
            };
            if reset {
                q.cursor = None;
            }
            let gen = generation.get_value();
            loading.set(true);
            leptos::task::spawn_local(async move {
                let result = backend.now().list_deliveries(&q).await;
                if generation.get_value() != gen {
                    return;
                }
                loading.set(false);
                match result {
                    Ok(page) => {
                        if reset {
                            seen.update_value(HashSet::clear);
                        }
                        let fresh: Vec<Delivery> = seen
                            .try_update_value(|s| {
                                page.items
                                    .into_iter()
                                    .filter(|d| s.insert(d.id.0.clone()))
                                    .collect()
                            })
                            .unwrap_or_default();
                        if reset {
                            rows.set(fresh);
                            crate::perf::mark(crate::perf::DELIVERIES_FIRST_PAGE);
                        } else {
                            rows.update(|r| r.extend(fresh));
                        }
                        next_cursor.set(page.next_cursor);
                        error.set(None);
                        loaded_once.set(true);
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        }
    };
    let fetch = StoredValue::new(fetch);
    Effect::new(move |_| {
        filters.track();
        fetch.with_value(|f| f(true));
    });
    let load_more = Callback::new(move |()| {
        if error.get_untracked().is_none() {
            fetch.with_value(|f| f(false));
        }
    });

    // Names for the webhook column and the filter; the list works without them.
    let webhooks = LocalResource::new({
        move || async move { load_all_webhooks(&backend.now()).await.unwrap_or_default() }
    });
    let event_types = LocalResource::new({
        move || async move { backend.now().list_event_types().await.unwrap_or_default() }
    });
    let names = Memo::new(move |_| {
        webhooks
            .get()
            .map(|list: Vec<Webhook>| {
                list.into_iter()
                    .map(|w| {
                        let label = if w.name.trim().is_empty() {
                            w.url.clone()
                        } else {
                            w.name.clone()
                        };
                        (w.id.0, label)
                    })
                    .collect::<HashMap<String, String>>()
            })
            .unwrap_or_default()
    });

    let set_filters = {
        let navigate = navigate.clone();
        move |f: Filters| {
            navigate(
                &format!("/deliveries{}", f.to_query_string()),
                NavigateOptions::default(),
            )
        }
    };
    let set_filters = StoredValue::new(set_filters);
    let update = move |change: &dyn Fn(&mut Filters)| {
        let mut f = filters.get_untracked();
        change(&mut f);
        set_filters.with_value(|s| s(f));
    };
    let update = StoredValue::new(update);

    let on_status = move |ev: leptos::ev::Event| {
        let v = event_target_value(&ev);
        update.with_value(|u| u(&|f: &mut Filters| f.status = DeliveryStatus::parse(&v)));
    };
    let on_event = move |ev: leptos::ev::Event| {
        let v = event_target_value(&ev);
        update.with_value(|u| {
            u(&|f: &mut Filters| f.event_type = Some(v.clone()).filter(|s| !s.is_empty()))
        });
    };
    let on_webhook = move |ev: leptos::ev::Event| {
        let v = event_target_value(&ev);
        update.with_value(|u| {
            u(&|f: &mut Filters| f.webhook_id = Some(v.clone()).filter(|s| !s.is_empty()))
        });
    };
    let on_range = Callback::new(move |r: TimeRange| {
        update.with_value(|u| {
            u(&|f: &mut Filters| f.range = Some(r.clone()).filter(|r| *r != TimeRange::All))
        });
    });
    let clear = move |_| set_filters.with_value(|s| s(Filters::default()));

    let recover_open = RwSignal::new(false);
    let recover_webhook = Signal::derive(move || filters.get().webhook_id.unwrap_or_default());
    let on_recovered = Callback::new(move |()| fetch.with_value(|f| f(true)));

    let status_value = move || filters.get().status.map(|s| s.as_str()).unwrap_or("");
    let event_value = move || filters.get().event_type.unwrap_or_default();
    let webhook_value = move || filters.get().webhook_id.unwrap_or_default();
    let event_options = move || {
        let current = filters.get().event_type;
        let current_ref = current.clone();
        let mut list: Vec<String> = event_types
            .get()
            .map(|l: Vec<EventType>| l.into_iter().map(|e| e.name).collect())
            .unwrap_or_default();
        // A filter from a link still shows, even when the catalogue does not list it.
        if let Some(c) = current.filter(|c| !list.contains(c)) {
            list.push(c);
        }
        // `selected` per option: the list arrives after the URL's value was applied.
        list.into_iter()
            .map(|name| {
                let selected = current_ref.as_deref() == Some(name.as_str());
                view! { <option value=name.clone() selected=selected>{name.clone()}</option> }
            })
            .collect_view()
    };
    let webhook_options = move || {
        let current = filters.get().webhook_id;
        let current_ref = current.clone();
        let mut list: Vec<(String, String)> = names.get().into_iter().collect();
        list.sort_by_key(|a| a.1.to_lowercase());
        if let Some(c) = current.filter(|c| !list.iter().any(|(id, _)| id == c)) {
            list.push((c.clone(), c));
        }
        list.into_iter()
            .map(|(id, name)| {
                let selected = current_ref.as_deref() == Some(id.as_str());
                view! { <option value=id selected=selected>{name}</option> }
            })
            .collect_view()
    };

    let count_text = move || {
        let n = rows.with(Vec::len);
        let more = next_cursor.with(Option::is_some);
        match (n, more) {
            (1, false) => "1 delivery".to_owned(),
            (n, false) => format!("{} deliveries", super::thousands(n)),
            (n, true) => format!("{} deliveries loaded, more available", super::thousands(n)),
        }
    };

    let row = move |_i: usize, d: Delivery| {
        let id = d.id.0.clone();
        let wid = d.webhook_id.0.clone();
        let wname = {
            let wid = wid.clone();
            move || {
                names
                    .with(|m| m.get(&wid).cloned())
                    .unwrap_or_else(|| wid.clone())
            }
        };
        let created = d.created_at.or(d.last_attempt_at);
        view! {
            <td class="col-status"><DeliveryStatusBadge status=d.status/></td>
            <td class="col-event">
                // Plain link, as in the webhooks table: the router handles the click.
                <a href=delivery_href(&id) class="mono" data-testid="delivery-link">{d.event_type.clone()}</a>
            </td>
            <td class="col-webhook" title=wid.clone()>{wname}</td>
            <td class="col-response"><ResponseBadge status=d.response_status/></td>
            <td class="col-attempts" data-testid="delivery-attempts">{d.attempt_count}</td>
            <td class="col-time"><RelativeTime at=created/></td>
            <td class="col-next"><RelativeTime at=d.next_attempt_at placeholder="—"/></td>
        }
    };

    view! {
        <section class="page deliveries-page" data-testid="deliveries-page">
            <header class="page-header">
                <div>
                    <h1>"Deliveries"</h1>
                    <p>"Every attempt to deliver an event to a webhook, newest first."</p>
                </div>
                <div class="page-actions">
                    {move || (!filters.get().webhook_id.unwrap_or_default().is_empty()).then(|| view! {
                        <button type="button" class="button" data-testid="open-recover"
                            on:click=move |_| recover_open.set(true)>
                            "Recover failed…"
                        </button>
                    })}
                    <button type="button" class="button" data-testid="refresh-deliveries"
                        disabled=move || loading.get()
                        on:click=move |_| fetch.with_value(|f| f(true))>
                        "Refresh"
                    </button>
                </div>
            </header>

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
                <TimeRangePicker value=Signal::derive(move || filters.get().range.unwrap_or(TimeRange::All)) on_change=on_range/>
                <div class="filters-end">
                    <button type="button" class="button ghost" data-testid="clear-filters"
                        disabled=move || filters.get().is_empty() on:click=clear>
                        "Clear filters"
                    </button>
                </div>
            </form>

            {move || error.get().map(|e| view! {
                <ErrorPanel error=e on_retry=Callback::new(move |()| {
                    let reset = rows.with_untracked(Vec::is_empty);
                    error.set(None);
                    fetch.with_value(|f| f(reset));
                })/>
            })}

            <div class="list-status" role="status" aria-live="polite">
                <span data-testid="delivery-count">{count_text}</span>
                {move || loading.get().then(|| view! { <span class="muted" data-testid="loading">" Loading…"</span> })}
            </div>

            {move || {
                if !loaded_once.get() && error.with(Option::is_none) {
                    view! {
                        <div class="card" data-testid="deliveries-loading">
                            {(0..6).map(|_| view! { <span class="skeleton skeleton-row"></span> }).collect_view()}
                        </div>
                    }.into_any()
                } else if loaded_once.get() && rows.with(Vec::is_empty) {
                    view! {
                        <div class="card empty-state" data-testid="deliveries-empty">
                            <h2>"No deliveries"</h2>
                            <p>{move || if filters.get().is_empty() {
                                "Nothing has been delivered yet. Deliveries appear here when an event is sent to a webhook."
                            } else {
                                "No delivery matches these filters. Widen the time range or clear the filters."
                            }}</p>
                        </div>
                    }.into_any()
                } else {
                    ().into_any()
                }
            }}

            <div class="deliveries-table" class:hidden=move || rows.with(Vec::is_empty)>
                <VirtualTable
                    rows=rows
                    columns=vec!["Status", "Event type", "Webhook", "Response", "Attempts", "Created", "Next attempt"]
                    row_height=ROW_HEIGHT
                    key=|d: &Delivery| d.id.0.clone()
                    row=row
                    label="Deliveries"
                    on_near_end=load_more
                    testid="deliveries-table"
                />
            </div>

            {move || next_cursor.get().is_some().then(|| view! {
                <div class="load-more">
                    <button type="button" class="button" data-testid="load-more"
                        disabled=move || loading.get()
                        on:click=move |_| load_more.run(())>
                        {move || if loading.get() { "Loading…" } else { "Load more" }}
                    </button>
                </div>
            })}

            <RecoverDialog open=recover_open webhook_id=recover_webhook on_done=on_recovered/>
        </section>
    }
}
