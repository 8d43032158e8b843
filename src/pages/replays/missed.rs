//! What endpoints missed: events whose latest delivery ended without a success, grouped by
//! reason, per webhook (a card on its page) and overall (the Missed page), each with the one
//! action that fixes it: re-enable the webhook and replay exactly those deliveries.

use super::dialog::ReplayDialog;
use super::use_webhook_names;
use crate::api::Backend;
use crate::components::{ErrorPanel, RelativeTime};
use crate::pages::deliveries::thousands;
use crate::state::{use_connection, use_live_backend};
use leptos::prelude::*;
use std::collections::{BTreeMap, HashMap};
use switchboard_api::{DeliveryFilter, Feature, MissedGroup};

/// The filter of "exactly what this webhook missed".
fn missed_filter(webhook_id: &str) -> DeliveryFilter {
    DeliveryFilter {
        webhook_id: Some(webhook_id.to_owned()),
        missed: Some(true),
        ..Default::default()
    }
}

#[component]
fn GroupRows(groups: Vec<MissedGroup>) -> impl IntoView {
    groups
        .into_iter()
        .map(|g| {
            view! {
                <tr data-testid="missed-group" data-reason=g.reason.as_str()>
                    <td>{g.reason.label()}</td>
                    <td data-testid="missed-count">{thousands(g.count as usize)}</td>
                    <td><RelativeTime at=g.first_at placeholder="—"/></td>
                    <td><RelativeTime at=g.last_at placeholder="—"/></td>
                </tr>
            }
        })
        .collect_view()
}

fn table_head() -> impl IntoView {
    view! {
        <thead><tr>
            <th scope="col">"Reason"</th><th scope="col">"Events"</th>
            <th scope="col">"First"</th><th scope="col">"Last"</th>
        </tr></thead>
    }
}

/// The webhook page's "Missed" card.
#[component]
pub fn MissedCard(id: String, is_active: bool) -> impl IntoView {
    let backend = use_live_backend();
    let open = RwSignal::new(false);
    let wid = id.clone();
    let missed = LocalResource::new(move || {
        let wid = wid.clone();
        async move { backend.now().missed(Some(&wid)).await }
    });
    let filter = Signal::stored(missed_filter(&id));
    let reenable = (!is_active).then(|| id.clone());
    let action = if is_active {
        "Replay these…"
    } else {
        "Re-enable and replay these…"
    };
    view! {
        <section class="card" aria-labelledby="missed-h" data-testid="missed-card">
            <div class="card-head">
                <h2 id="missed-h">"Missed"</h2>
            </div>
            {move || match missed.get() {
                None => view! { <span class="skeleton"></span> }.into_any(),
                Some(Err(e)) => view! { <ErrorPanel error=e on_retry=Callback::new(move |_| missed.refetch())/> }.into_any(),
                Some(Ok(m)) if m.total == 0 => view! {
                    <p class="muted small" data-testid="nothing-missed">"Every event reached this endpoint (or is still on its way)."</p>
                }.into_any(),
                Some(Ok(m)) => view! {
                    <p data-testid="missed-total">{format!("{} events did not reach this endpoint.", thousands(m.total as usize))}</p>
                    <table class="table compact">{table_head()}<tbody><GroupRows groups=m.groups/></tbody></table>
                    <button type="button" class="button primary" data-testid="missed-replay"
                        on:click=move |_| open.set(true)>{action}</button>
                }.into_any(),
            }}
            <ReplayDialog open=open filter=filter reenable=reenable.clone()/>
        </section>
    }
}

#[component]
pub fn MissedPage() -> impl IntoView {
    let conn = use_connection();
    move || {
        if conn.has(Feature::Replay) {
            view! { <MissedOverall/> }.into_any()
        } else {
            view! {
                <section class="page empty-state" data-testid="missed-unsupported">
                    <h1>"Missed"</h1>
                    <p>"This backend does not say what endpoints missed (it does not offer the replay feature)."</p>
                </section>
            }
            .into_any()
        }
    }
}

#[component]
fn MissedOverall() -> impl IntoView {
    let backend = use_live_backend();
    let names = use_webhook_names();
    let missed = LocalResource::new(move || async move { backend.now().missed(None).await });
    let active = LocalResource::new(move || async move {
        crate::pages::deliveries::load_all_webhooks(&backend.now())
            .await
            .unwrap_or_default()
            .into_iter()
            .map(|w| (w.id.0, w.is_active))
            .collect::<HashMap<String, bool>>()
    });
    let open = RwSignal::new(false);
    let chosen = RwSignal::new(String::new());
    let filter = Signal::derive(move || missed_filter(&chosen.get()));
    let reenable = Signal::derive(move || {
        let id = chosen.get();
        let inactive = active
            .get()
            .is_some_and(|a| a.get(&id).is_some_and(|on| !on));
        inactive.then_some(id)
    });
    view! {
        <section class="page missed-page" data-testid="missed-page">
            <header class="page-header">
                <div>
                    <h1>"Missed"</h1>
                    <p>"Events whose latest delivery ended without a success, per webhook and reason. A retry or replay that succeeds takes an event off this list."</p>
                </div>
            </header>
            {move || match missed.get() {
                None => view! { <div class="card" aria-busy="true"><span class="skeleton"></span></div> }.into_any(),
                Some(Err(e)) => view! { <ErrorPanel error=e on_retry=Callback::new(move |_| missed.refetch())/> }.into_any(),
                Some(Ok(m)) if m.total == 0 => view! {
                    <div class="card empty-state" data-testid="nothing-missed"><p>"Nothing was missed: every event reached its endpoints (or is still on its way)."</p></div>
                }.into_any(),
                Some(Ok(m)) => {
                    let mut by_webhook: BTreeMap<String, Vec<MissedGroup>> = BTreeMap::new();
                    for g in m.groups {
                        by_webhook.entry(g.webhook_id.0.clone()).or_default().push(g);
                    }
                    view! {
                        <p data-testid="missed-total">{format!("{} missed events in all.", thousands(m.total as usize))}</p>
                        {by_webhook.into_iter().map(|(wid, groups)| view! {
                            <WebhookMissed wid=wid groups=groups names=names active=active open=open chosen=chosen/>
                        }).collect_view()}
                    }.into_any()
                }
            }}
            <ReplayDialog open=open filter=filter reenable=reenable/>
        </section>
    }
}

#[component]
fn WebhookMissed(
    wid: String,
    groups: Vec<MissedGroup>,
    names: Memo<HashMap<String, String>>,
    active: LocalResource<HashMap<String, bool>>,
    open: RwSignal<bool>,
    chosen: RwSignal<String>,
) -> impl IntoView {
    let deleted = groups
        .iter()
        .all(|g| g.reason == switchboard_api::MissedReason::Deleted);
    let label = {
        let wid = wid.clone();
        move || {
            names
                .get()
                .get(&wid)
                .cloned()
                .unwrap_or_else(|| wid.clone())
        }
    };
    let href = format!("/webhooks/{}", crate::api::encode_component(&wid));
    let inactive = {
        let wid = wid.clone();
        move || active.get().is_some_and(|a| a.get(&wid) == Some(&false))
    };
    let heading = format!("missed-{wid}");
    let labelled_by = heading.clone();
    let data_webhook = wid.clone();
    view! {
        <section class="card" data-testid="missed-webhook" data-webhook=data_webhook aria-labelledby=labelled_by>
            <div class="card-head">
                <h2 id=heading>
                    {if deleted { view! { <span>{label}" (deleted)"</span> }.into_any() }
                     else { view! { <a href=href>{label}</a> }.into_any() }}
                </h2>
                {(!deleted).then(|| view! {
                    <button type="button" class="button primary small" data-testid="missed-replay"
                        on:click=move |_| { chosen.set(wid.clone()); open.set(true); }>
                        {move || if inactive() { "Re-enable and replay these…" } else { "Replay these…" }}
                    </button>
                })}
            </div>
            <table class="table compact">{table_head()}<tbody><GroupRows groups=groups/></tbody></table>
        </section>
    }
}
