//! The global delivery history: filters in the URL, cursor pages appended to a windowed table.
//!
//! [`feed`] loads the pages, [`filter_bar`] edits the filters, [`search_box`] the search,
//! [`table`] shows the rows and [`export`] saves the filtered set; the page puts them together
//! with the recovery dialog. The URL holds the whole view, the position included: as the
//! reader scrolls, the cursor of the page at the top replaces the URL's, so a reload, Back or
//! a shared link opens the same rows.

mod export;
mod feed;
mod filter_bar;
mod live;
mod search_box;
mod table;

use super::{load_all_webhooks, Filters, RecoverDialog};
use crate::api::Backend;
use crate::components::ErrorPanel;
use crate::format::now_ms;
use crate::state::{use_connection, use_live_backend};
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use std::collections::HashMap;
use switchboard_api::{DeliveryFilter, Feature, Webhook};

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

/// "1 delivery", "1,204 deliveries", "200 deliveries loaded, more available".
fn count_text(n: usize, more: bool) -> String {
    match (n, more) {
        (1, false) => "1 delivery".to_owned(),
        (n, false) => format!("{} deliveries", super::thousands(n)),
        (n, true) => format!("{} deliveries loaded, more available", super::thousands(n)),
    }
}

#[component]
fn DeliveryHistory() -> impl IntoView {
    let backend = use_live_backend();
    let conn = use_connection();
    let query = use_query_map();
    let filters = Memo::new(move |_| query.with(|q| Filters::from_pairs(|k| q.get_str(k))));
    let feed = feed::use_feed(filters);
    let live = live::use_live(feed, filters);

    // Names for the webhook column and the filter; the list works without them.
    let webhooks = LocalResource::new(move || async move {
        load_all_webhooks(&backend.now()).await.unwrap_or_default()
    });
    let event_types = LocalResource::new(move || async move {
        backend.now().list_event_types().await.unwrap_or_default()
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

    let replay_open = RwSignal::new(false);
    // Fixed when the dialog opens, so the dry run and the job see the same time range.
    let replay_filter = RwSignal::new(DeliveryFilter::default());
    let open_replay = move |_| {
        replay_filter.set(filters.get_untracked().to_replay_filter(now_ms()));
        replay_open.set(true);
    };
    // The position follows the scroll: the page holding the first row in view.
    let navigate = use_navigate();
    let on_position = Callback::new(move |i: usize| {
        let Some(cursor) = feed.cursor_at(i) else {
            return;
        };
        let f = filters.get_untracked();
        if f.cursor != cursor {
            let f = Filters { cursor, ..f };
            crate::pages::show_view(
                &navigate,
                &format!("/deliveries{}", f.to_query_string()),
                true,
            );
        }
    });
    let newest_href = move || {
        format!(
            "/deliveries{}",
            filters.get().from_start().to_query_string()
        )
    };
    let search = move || {
        conn.has(Feature::Search)
            .then(|| view! { <search_box::DeliverySearch filters=filters/> })
    };

    let recover_open = RwSignal::new(false);
    let recover_webhook = Signal::derive(move || filters.get().webhook_id.unwrap_or_default());
    let on_recovered = Callback::new(move |()| feed.reload());
    let count = move || {
        count_text(
            feed.rows.with(Vec::len),
            feed.next_cursor.with(Option::is_some),
        )
    };

    view! {
        <section class="page deliveries-page" data-testid="deliveries-page">
            <header class="page-header">
                <div>
                    <h1>"Deliveries"</h1>
                    <p>"Every attempt to deliver an event to a webhook, newest first."</p>
                </div>
                <div class="page-actions">
                    <Show when=move || conn.has(Feature::Tail)>
                        <live::LiveControls live=live/>
                    </Show>
                    {move || (!recover_webhook.get().is_empty()).then(|| view! {
                        <button type="button" class="button" data-testid="open-recover"
                            on:click=move |_| recover_open.set(true)>
                            "Recover failed…"
                        </button>
                    })}
                    {move || conn.has(Feature::Replay).then(|| view! {
                        <button type="button" class="button" data-testid="open-replay" on:click=open_replay>
                            "Replay these…"
                        </button>
                    })}
                    <export::ExportControl filters=filters/>
                    <button type="button" class="button" data-testid="refresh-deliveries"
                        disabled=move || feed.loading.get()
                        on:click=move |_| feed.reload()>
                        "Refresh"
                    </button>
                </div>
            </header>

            <filter_bar::DeliveryFilterBar filters=filters names=names event_types=event_types/>
            {search}

            {move || feed.error.get().map(|e| view! {
                <ErrorPanel error=e on_retry=Callback::new(move |()| feed.retry())/>
            })}

            <div class="list-status" role="status" aria-live="polite">
                <span data-testid="delivery-count">{count}</span>
                {move || filters.with(|f| f.cursor.is_some()).then(|| view! {
                    " · " <a href=newest_href data-testid="show-newest">"Show from the newest"</a>
                })}
                {move || feed.loading.get().then(|| view! { <span class="muted" data-testid="loading">" Loading…"</span> })}
            </div>

            <table::DeliveryTable feed=feed filtered=Signal::derive(move || !filters.get().is_empty()) names=names on_position=on_position/>

            <RecoverDialog open=recover_open webhook_id=recover_webhook on_done=on_recovered/>
            {move || conn.has(Feature::Replay).then(|| view! {
                <crate::pages::replays::ReplayDialog open=replay_open filter=replay_filter/>
            })}
        </section>
    }
}
