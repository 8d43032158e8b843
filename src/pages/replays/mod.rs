//! Replay jobs: the "Replay these" dialog (a dry run first), the Replays page with running and
//! past jobs and their live progress, and what endpoints missed (capability `replay`).

mod dialog;
mod missed;

pub use dialog::ReplayDialog;
pub use missed::{MissedCard, MissedPage};

use crate::api::Backend;
use crate::components::{ErrorPanel, RelativeTime};
use crate::pages::deliveries::{load_all_webhooks, thousands};
use crate::state::{use_connection, use_live_backend, use_toasts};
use leptos::prelude::*;
use std::collections::HashMap;
use std::time::Duration;
use switchboard_api::{DeliveryFilter, Feature, Replay, ReplayProgress, ReplayState};

/// How often running jobs are read again.
const POLL: Duration = Duration::from_secs(1);

/// Webhook names by id, for labels; empty until loaded (ids show meanwhile).
pub fn use_webhook_names() -> Memo<HashMap<String, String>> {
    let backend = use_live_backend();
    let list = LocalResource::new(move || async move {
        load_all_webhooks(&backend.now()).await.unwrap_or_default()
    });
    Memo::new(move |_| {
        list.get()
            .unwrap_or_default()
            .into_iter()
            .map(|w| {
                let label = if w.name.trim().is_empty() {
                    w.url.clone()
                } else {
                    w.name.clone()
                };
                (w.id.0, label)
            })
            .collect()
    })
}

#[component]
pub fn ReplaysPage() -> impl IntoView {
    let conn = use_connection();
    move || {
        if conn.has(Feature::Replay) {
            view! { <ReplayJobs/> }.into_any()
        } else {
            view! {
                <section class="page empty-state" data-testid="replays-unsupported">
                    <h1>"Replays"</h1>
                    <p>"This backend cannot replay deliveries in bulk (it does not offer the replay feature)."</p>
                </section>
            }
            .into_any()
        }
    }
}

#[component]
fn ReplayJobs() -> impl IntoView {
    let backend = use_live_backend();
    let names = use_webhook_names();
    let jobs = RwSignal::new(None::<Vec<Replay>>);
    let error = RwSignal::new(None::<crate::api::ApiError>);
    let loading = RwSignal::new(false);
    let load = move || {
        if loading.get_untracked() {
            return;
        }
        loading.set(true);
        leptos::task::spawn_local(async move {
            match backend.now().list_replays(None).await {
                Ok(page) => {
                    jobs.try_set(Some(page.items));
                    error.try_set(None);
                }
                Err(e) => {
                    error.try_set(Some(e));
                }
            }
            loading.try_set(false);
        });
    };
    load();
    // Live progress: read again every second while a job runs, and not otherwise.
    if let Ok(tick) = set_interval_with_handle(
        move || {
            let running = jobs
                .try_with_untracked(|j| {
                    j.as_ref()
                        .is_some_and(|j| j.iter().any(|j| j.state == ReplayState::Running))
                })
                .unwrap_or(false);
            if running {
                load();
            }
        },
        POLL,
    ) {
        on_cleanup(move || tick.clear());
    }
    let on_changed = Callback::new(move |()| load());
    view! {
        <section class="page replays-page" data-testid="replays-page">
            <header class="page-header">
                <div>
                    <h1>"Replays"</h1>
                    <p>"Bulk replays of deliveries, newest first. Start one from a filtered delivery history or from what an endpoint missed."</p>
                </div>
                <div class="page-actions">
                    <a class="button" href="/missed" data-testid="open-missed">"What was missed"</a>
                    <button type="button" class="button" data-testid="refresh-replays"
                        disabled=move || loading.get() on:click=move |_| load()>
                        "Refresh"
                    </button>
                </div>
            </header>
            {move || error.get().map(|e| view! { <ErrorPanel error=e on_retry=Callback::new(move |()| load())/> })}
            {move || match jobs.get() {
                None => view! { <div class="card" aria-busy="true"><span class="skeleton"></span></div> }.into_any(),
                Some(list) if list.is_empty() => view! {
                    <div class="card empty-state" data-testid="no-replays">
                        <p>"No replays yet. Filter the delivery history and choose “Replay these…”."</p>
                    </div>
                }.into_any(),
                Some(list) => view! {
                    <ul class="replay-list" aria-label="Replay jobs">
                        {list.into_iter().map(|job| view! { <JobCard job=job names=names on_changed=on_changed/> }).collect_view()}
                    </ul>
                }.into_any(),
            }}
        </section>
    }
}

/// "webhook Orders · failed · 5xx · since 10:00": what a job's filter chose, in words.
pub fn filter_text(f: &DeliveryFilter, names: &HashMap<String, String>) -> String {
    let mut parts = Vec::new();
    if let Some(w) = &f.webhook_id {
        parts.push(format!(
            "webhook {}",
            names.get(w).cloned().unwrap_or_else(|| w.clone())
        ));
    }
    if f.missed == Some(true) {
        parts.push("missed events".to_owned());
    }
    if let Some(e) = &f.event_type {
        parts.push(e.clone());
    }
    if let Some(s) = f.status {
        parts.push(s.as_str().to_owned());
    }
    if let Some(c) = f.status_class {
        parts.push(format!("response {}", c.as_str()));
    }
    if let Some(k) = &f.error_kind {
        parts.push(format!("error {k}"));
    }
    if let Some(t) = &f.since {
        parts.push(format!("since {}", t.to_rfc3339()));
    }
    if let Some(t) = &f.until {
        parts.push(format!("until {}", t.to_rfc3339()));
    }
    if parts.is_empty() {
        "every delivery".to_owned()
    } else {
        parts.join(" · ")
    }
}

/// "120 queued · 110 sent · 108 succeeded · 0 failed of 500".
pub fn progress_text(p: &ReplayProgress) -> String {
    format!(
        "{} queued · {} sent · {} succeeded · {} failed of {}",
        thousands(p.queued as usize),
        thousands(p.sent as usize),
        thousands(p.succeeded as usize),
        thousands(p.failed as usize),
        thousands(p.total as usize)
    )
}

fn state_badge(state: ReplayState) -> impl IntoView {
    let (class, label) = match state {
        ReplayState::Running => ("badge badge-info", "Running"),
        ReplayState::Completed => ("badge badge-success", "Completed"),
        ReplayState::Cancelled => ("badge badge-neutral", "Cancelled"),
        ReplayState::Unknown => ("badge badge-unknown", "Unknown"),
    };
    view! { <span class=class data-testid="replay-state" data-state=state.as_str()>{label}</span> }
}

#[component]
fn JobCard(
    job: Replay,
    names: Memo<HashMap<String, String>>,
    on_changed: Callback<()>,
) -> impl IntoView {
    let backend = use_live_backend();
    let toasts = use_toasts();
    let id = job.id.0.clone();
    let cancel = Action::new_local(move |id: &String| {
        let id = id.clone();
        async move {
            match backend.now().cancel_replay(&id).await {
                Ok(_) => {
                    toasts.success("Replay cancelled");
                    on_changed.run(());
                }
                Err(e) => toasts.error(e.message()),
            }
        }
    });
    let running = job.state == ReplayState::Running;
    let p = job.progress;
    let done = p.succeeded + p.failed;
    let label_id = format!("replay-{}", job.id.0);
    let labelled_by = label_id.clone();
    let data_id = job.id.0.clone();
    let filter = job.filter.clone();
    let endpoints = job.endpoints.clone();
    view! {
        <li class="card replay-card" data-testid="replay-row" data-id=data_id aria-labelledby=labelled_by>
            <div class="card-head">
                <h2 id=label_id class="replay-title">
                    {state_badge(job.state)}
                    " "
                    {move || filter_text(&filter, &names.get())}
                </h2>
                <span class="muted small">"Started " <RelativeTime at=job.created_at placeholder="—"/></span>
            </div>
            <progress class="replay-progress" max=p.total.max(1) value=done
                aria-label="Replayed deliveries that ended"></progress>
            <p class="small" data-testid="replay-progress-text">{progress_text(&p)}</p>
            {(endpoints.len() > 1 || !running).then(|| view! {
                <details class="small">
                    <summary>"Per endpoint"</summary>
                    <ul>
                        {endpoints.into_iter().map(|e| {
                            let wid = e.webhook_id.0.clone();
                            view! {
                                <li data-testid="replay-endpoint-progress">
                                    {move || names.get().get(&wid).cloned().unwrap_or_else(|| wid.clone())}
                                    ": " {progress_text(&e.progress)}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                </details>
            })}
            {running.then(|| view! {
                <button type="button" class="button danger small" data-testid="replay-cancel"
                    disabled=move || cancel.pending().get()
                    on:click=move |_| { cancel.dispatch(id.clone()); }>
                    "Cancel replay"
                </button>
            })}
        </li>
    }
}
