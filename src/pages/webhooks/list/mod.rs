//! The webhooks list: search, filters, sort and cursor paging kept in the URL; an active
//! switch per row; multi-select with bulk activate, deactivate and delete.
//!
//! The page owns the state the parts share (the view's parameters, the selection, the two
//! actions); [`filters`], [`bulk`] and [`table`] each draw one part of it.

mod bulk;
mod filters;
mod notes;
mod params;
mod table;

pub use params::{ListParams, Sort};

use crate::api::Backend;
use crate::components::ErrorPanel;
use crate::state::{use_backend, use_connection, use_toasts};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;
use leptos_router::NavigateOptions;
use std::collections::BTreeSet;
use switchboard_api::{Feature, WebhookPatch};

/// Shows `p`'s view of the list (see [`crate::pages::show_view`]).
fn go_to(navigate: &impl Fn(&str, NavigateOptions), p: &ListParams, replace: bool) {
    crate::pages::show_view(navigate, &p.href(), replace)
}

#[component]
pub fn WebhookListPage() -> impl IntoView {
    let conn = use_connection();
    let toasts = use_toasts();
    let query = use_query_map();
    let params = Memo::new(move |_| query.with(|q| ListParams::from_query(|k| q.get(k))));
    let selected = RwSignal::new(BTreeSet::<String>::new());
    let search_text = RwSignal::new(params.get_untracked().q);
    let retry = Trigger::new();

    let held = table::HeldQuestion::new();
    let toggle = Action::new_local(move |switch: &table::Switch| {
        let (id, active, choice) = switch.clone();
        async move {
            let patch = WebhookPatch {
                is_active: Some(active),
                held: choice,
                ..Default::default()
            };
            let result = use_backend().update_webhook(&id, &patch).await;
            held.open.try_set(false);
            match result {
                Ok(w) => {
                    let done = if w.is_active {
                        "activated"
                    } else {
                        "deactivated"
                    };
                    toasts.success(format!("“{}” {done}", w.name));
                }
                Err(e) => toasts.error(e.message()),
            }
        }
    });
    let confirm_delete = RwSignal::new(false);
    let bulk = bulk::action(selected, confirm_delete);

    // The list is read again whenever the view changes and after every change this page made.
    let list = LocalResource::new(move || {
        let p = params.get();
        retry.track();
        toggle.version().track();
        bulk.version().track();
        // Only another order than the default depends on the capabilities: the default list
        // is asked for at once (while a kept token is checked) and not again when they arrive.
        let server_sorts = Sort::parse(&p.sort) != Sort::Newest && conn.has(Feature::Sort);
        async move {
            use_backend()
                .list_webhooks(&p.api_query(server_sorts))
                .await
        }
    });
    let catalogue =
        LocalResource::new(move || async move { use_backend().list_event_types().await });

    // A new view starts with nothing selected.
    Effect::new(move |_| {
        params.track();
        selected.set(BTreeSet::new());
    });

    view! {
        <section class="page webhooks-page">
            <header class="page-header">
                <div>
                    <h1>"Webhooks"</h1>
                    <p>"Endpoints that receive events, and how their deliveries are going."</p>
                </div>
                <div class="page-actions">
                    <A href="/webhooks/new" attr:class="button primary" attr:data-testid="new-webhook">"+ New webhook"</A>
                </div>
            </header>
            <filters::ListFilters params=params search_text=search_text catalogue=catalogue/>
            <notes::LocalNotes params=params/>
            <bulk::BulkBar selected=selected bulk=bulk confirm_delete=confirm_delete/>
            <Transition fallback=|| view! { <table::Skeleton/> }>
                {move || Suspend::new(async move {
                    match list.await {
                        Ok(page) => view! {
                            <table::WebhookTable page=page params=params selected=selected
                                search_text=search_text toggle=toggle held=held/>
                        }.into_any(),
                        Err(e) => view! {
                            <ErrorPanel error=e on_retry=Callback::new(move |_| retry.notify())/>
                        }.into_any(),
                    }
                })}
            </Transition>
            <table::HeldPromptFor question=held toggle=toggle/>
        </section>
    }
}
