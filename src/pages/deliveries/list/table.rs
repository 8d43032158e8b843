//! The delivery history's rows in a windowed table, with the skeleton, the empty states and
//! the "Load more" button around it.

use super::super::delivery_href;
use super::feed::Feed;
use crate::components::{DeliveryStatusBadge, RelativeTime, ResponseBadge, VirtualTable};
use leptos::prelude::*;
use std::collections::HashMap;
use switchboard_api::Delivery;

/// Height of one table row in pixels; `style/deliveries.css` lays rows out to match.
const ROW_HEIGHT: f64 = 44.0;

#[component]
pub fn DeliveryTable(
    /// The loaded rows and how to load more.
    feed: Feed,
    /// Whether any filter is set (the empty state words it differently).
    #[prop(into)]
    filtered: Signal<bool>,
    /// Webhook names by id; a row shows the id until they arrive.
    names: Memo<HashMap<String, String>>,
    /// Called with the index of the first row in view as the reader scrolls.
    on_position: Callback<usize>,
) -> impl IntoView {
    let Feed {
        rows,
        next_cursor,
        loading,
        error,
        loaded_once,
        ..
    } = feed;
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
    let load_more = Callback::new(move |()| feed.load_more());
    let placeholder = move || {
        if !loaded_once.get() && error.with(Option::is_none) {
            view! {
                <div class="card" data-testid="deliveries-loading">
                    {(0..6).map(|_| view! { <span class="skeleton skeleton-row"></span> }).collect_view()}
                </div>
            }
            .into_any()
        } else if loaded_once.get() && rows.with(Vec::is_empty) {
            view! {
                <div class="card empty-state" data-testid="deliveries-empty">
                    <h2>"No deliveries"</h2>
                    <p>{move || if filtered.get() {
                        "No delivery matches these filters. Widen the time range or clear the filters."
                    } else {
                        "Nothing has been delivered yet. Deliveries appear here when an event is sent to a webhook."
                    }}</p>
                </div>
            }
            .into_any()
        } else {
            ().into_any()
        }
    };
    view! {
        {placeholder}
        <div class="deliveries-table" class:hidden=move || rows.with(Vec::is_empty)>
            <VirtualTable
                rows=rows
                columns=vec!["Status", "Event type", "Webhook", "Response", "Attempts", "Created", "Next attempt"]
                row_height=ROW_HEIGHT
                key=|d: &Delivery| d.id.0.clone()
                row=row
                label="Deliveries"
                on_near_end=load_more
                on_first_visible=on_position
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
    }
}
