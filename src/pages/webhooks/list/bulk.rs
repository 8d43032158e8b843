//! The bar that appears over the webhooks list while rows are selected: activate, deactivate
//! or delete them all, the delete behind a confirmation.

use crate::api::{ApiError, Backend};
use crate::components::ConfirmDialog;
use crate::state::{use_backend, use_connection, use_toasts};
use leptos::prelude::*;
use std::collections::BTreeSet;
use switchboard_api::{Feature, WebhookPatch};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bulk {
    Activate,
    Deactivate,
    Delete,
}

impl Bulk {
    fn done(self) -> &'static str {
        match self {
            Bulk::Activate => "activated",
            Bulk::Deactivate => "deactivated",
            Bulk::Delete => "deleted",
        }
    }
}

/// Runs `f` on each id in turn: how many succeeded, and every failure.
async fn for_each_selected<F, Fut>(ids: Vec<String>, f: F) -> (usize, Vec<ApiError>)
where
    F: Fn(String) -> Fut,
    Fut: std::future::Future<Output = Result<(), ApiError>>,
{
    let mut ok = 0;
    let mut errors = Vec::new();
    for id in ids {
        match f(id).await {
            Ok(()) => ok += 1,
            Err(e) => errors.push(e),
        }
    }
    (ok, errors)
}

/// The bulk action: applies one change to the given webhooks, says what happened, clears the
/// selection and closes the delete confirmation (kept open meanwhile to show it is pending).
pub fn action(
    selected: RwSignal<BTreeSet<String>>,
    confirm_delete: RwSignal<bool>,
) -> Action<(Bulk, Vec<String>), ()> {
    let toasts = use_toasts();
    Action::new_local(move |(kind, ids): &(Bulk, Vec<String>)| {
        let (kind, ids) = (*kind, ids.clone());
        async move {
            let (ok, errors) = for_each_selected(ids, |id| async move {
                let b = use_backend();
                match kind {
                    Bulk::Delete => b.delete_webhook(&id).await,
                    Bulk::Activate | Bulk::Deactivate => {
                        let patch = WebhookPatch {
                            is_active: Some(kind == Bulk::Activate),
                            ..Default::default()
                        };
                        b.update_webhook(&id, &patch).await.map(|_| ())
                    }
                }
            })
            .await;
            let noun = if ok == 1 { "webhook" } else { "webhooks" };
            if ok > 0 {
                toasts.success(format!("{ok} {noun} {}", kind.done()));
            }
            if let Some(first) = errors.first() {
                toasts.error(format!("{} failed: {}", errors.len(), first.message()));
            }
            selected.set(BTreeSet::new());
            confirm_delete.set(false);
        }
    })
}

#[component]
pub fn BulkBar(
    /// The selected rows' ids.
    selected: RwSignal<BTreeSet<String>>,
    /// Made by [`action`].
    bulk: Action<(Bulk, Vec<String>), ()>,
    /// Whether the delete confirmation is open; [`action`] closes it.
    confirm_delete: RwSignal<bool>,
) -> impl IntoView {
    let conn = use_connection();
    let run = move |kind: Bulk| {
        let ids: Vec<String> = selected.get_untracked().into_iter().collect();
        if !ids.is_empty() {
            bulk.dispatch((kind, ids));
        }
    };
    let busy = move || bulk.pending().get();
    let bar = move || {
        let n = selected.with(|s| s.len());
        (n > 0).then(|| {
            view! {
                <div class="bulk-bar" role="region" aria-label="Bulk actions" data-testid="bulk-bar">
                    <span data-testid="bulk-count">{if n == 1 { "1 selected".to_owned() } else { format!("{n} selected") }}</span>
                    <Show when=move || conn.has(Feature::Update)>
                        <button type="button" class="button small" data-testid="bulk-activate"
                            disabled=busy on:click=move |_| run(Bulk::Activate)>"Activate"</button>
                        <button type="button" class="button small" data-testid="bulk-deactivate"
                            disabled=busy on:click=move |_| run(Bulk::Deactivate)>"Deactivate"</button>
                    </Show>
                    <button type="button" class="button small danger" data-testid="bulk-delete"
                        disabled=busy on:click=move |_| confirm_delete.set(true)>"Delete…"</button>
                    <button type="button" class="button small ghost" data-testid="bulk-clear"
                        on:click=move |_| selected.set(BTreeSet::new())>"Clear selection"</button>
                </div>
            }
        })
    };
    view! {
        {bar}
        <ConfirmDialog open=confirm_delete title="Delete webhooks?" confirm_label="Delete" danger=true
            pending=Signal::derive(busy)
            on_confirm=Callback::new(move |_| run(Bulk::Delete))>
            <p data-testid="bulk-delete-message">
                {move || {
                    let n = selected.with(|s| s.len());
                    format!("Delete {n} webhook{}? Their endpoints stop receiving events at once. This cannot be undone.",
                        if n == 1 { "" } else { "s" })
                }}
            </p>
        </ConfirmDialog>
    }
}
