//! The webhooks list: search, filters, sort and cursor paging kept in the URL; an active
//! switch per row; multi-select with bulk activate, deactivate and delete.

use crate::api::{encode_component, ApiError, Backend, Page, WebhookQuery};
use crate::components::{ActiveBadge, ConfirmDialog, ErrorPanel, RelativeTime};
use crate::format::truncate;
use crate::state::{use_backend, use_connection, use_toasts};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::NavigateOptions;
use std::collections::BTreeSet;
use std::time::Duration;
use switchboard_api::{Feature, Webhook, WebhookPatch};

/// How the loaded page is ordered (the API lists newest first; other orders sort the page).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sort {
    Newest,
    Name,
    Failures,
    LastFailure,
    LastSuccess,
}

impl Sort {
    pub const ALL: [Sort; 5] = [
        Sort::Newest,
        Sort::Name,
        Sort::Failures,
        Sort::LastFailure,
        Sort::LastSuccess,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Sort::Newest => "newest",
            Sort::Name => "name",
            Sort::Failures => "failures",
            Sort::LastFailure => "last_failure",
            Sort::LastSuccess => "last_success",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Sort::Newest => "Newest first",
            Sort::Name => "Name A–Z",
            Sort::Failures => "Most failures",
            Sort::LastFailure => "Latest failure",
            Sort::LastSuccess => "Latest success",
        }
    }

    pub fn parse(s: &str) -> Sort {
        Sort::ALL
            .into_iter()
            .find(|x| x.as_str() == s)
            .unwrap_or(Sort::Newest)
    }

    pub fn apply(self, items: &mut [Webhook]) {
        match self {
            Sort::Newest => {}
            Sort::Name => items.sort_by_key(|w| w.name.to_lowercase()),
            Sort::Failures => items.sort_by_key(|w| std::cmp::Reverse(w.failure_count)),
            Sort::LastFailure => items.sort_by_key(|w| std::cmp::Reverse(w.last_failure_at)),
            Sort::LastSuccess => items.sort_by_key(|w| std::cmp::Reverse(w.last_success_at)),
        }
    }
}

/// Everything that defines the view, as kept in the URL.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListParams {
    pub q: String,
    pub active: Option<bool>,
    pub event: String,
    pub sort: String,
    pub cursor: String,
    /// Cursors of the pages before this one, oldest first ("" is the first page).
    pub prev: Vec<String>,
}

impl ListParams {
    pub fn from_query(get: impl Fn(&str) -> Option<String>) -> ListParams {
        ListParams {
            q: get("q").unwrap_or_default(),
            active: match get("active").as_deref() {
                Some("true") => Some(true),
                Some("false") => Some(false),
                _ => None,
            },
            event: get("event").unwrap_or_default(),
            sort: get("sort").unwrap_or_default(),
            cursor: get("cursor").unwrap_or_default(),
            prev: match get("prev") {
                Some(p) => p.split(',').map(decode).collect(),
                None => Vec::new(),
            },
        }
    }

    pub fn api_query(&self) -> WebhookQuery {
        WebhookQuery {
            q: Some(self.q.trim().to_owned()).filter(|q| !q.is_empty()),
            is_active: self.active,
            event: Some(self.event.clone()).filter(|e| !e.is_empty()),
            cursor: Some(self.cursor.clone()).filter(|c| !c.is_empty()),
            limit: None,
        }
    }

    pub fn has_filters(&self) -> bool {
        !self.q.trim().is_empty() || self.active.is_some() || !self.event.is_empty()
    }

    /// The same filters from the first page.
    pub fn first_page(mut self) -> ListParams {
        self.cursor.clear();
        self.prev.clear();
        self
    }

    pub fn next_page(mut self, next: &str) -> ListParams {
        self.prev.push(std::mem::take(&mut self.cursor));
        self.cursor = next.to_owned();
        self
    }

    pub fn previous_page(mut self) -> ListParams {
        self.cursor = self.prev.pop().unwrap_or_default();
        self
    }

    /// `/webhooks?…` with only the members that are set.
    pub fn href(&self) -> String {
        let mut pairs: Vec<(&str, String)> = Vec::new();
        if !self.q.is_empty() {
            pairs.push(("q", self.q.clone()));
        }
        if let Some(a) = self.active {
            pairs.push(("active", a.to_string()));
        }
        if !self.event.is_empty() {
            pairs.push(("event", self.event.clone()));
        }
        if !self.sort.is_empty() && self.sort != Sort::Newest.as_str() {
            pairs.push(("sort", self.sort.clone()));
        }
        if !self.cursor.is_empty() {
            pairs.push(("cursor", self.cursor.clone()));
            let prev: Vec<String> = self.prev.iter().map(|c| encode_component(c)).collect();
            pairs.push(("prev", prev.join(",")));
        }
        if pairs.is_empty() {
            return "/webhooks".into();
        }
        let qs: Vec<String> = pairs
            .into_iter()
            .map(|(k, v)| format!("{k}={}", encode_component(&v)))
            .collect();
        format!("/webhooks?{}", qs.join("&"))
    }
}

/// Reverses `encode_component` for one cursor of the `prev` list.
fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = |b: u8| (b as char).to_digit(16);
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// What a bulk action did: how many succeeded and the first failure.
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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Bulk {
    Activate,
    Deactivate,
    Delete,
}

#[component]
pub fn WebhookListPage() -> impl IntoView {
    let conn = use_connection();
    let toasts = use_toasts();
    let query = use_query_map();
    let navigate = use_navigate();
    let params = Memo::new(move |_| query.with(|q| ListParams::from_query(|k| q.get(k))));
    let reload = RwSignal::new(0u32);
    let selected = RwSignal::new(BTreeSet::<String>::new());

    let list = LocalResource::new(move || {
        let p = params.get();
        reload.track();
        async move { use_backend().list_webhooks(&p.api_query()).await }
    });
    let catalogue =
        LocalResource::new(move || async move { use_backend().list_event_types().await });

    // A new view starts with nothing selected.
    Effect::new(move |_| {
        params.track();
        selected.set(BTreeSet::new());
    });

    let go = {
        let navigate = navigate.clone();
        move |p: ListParams, replace: bool| {
            navigate(
                &p.href(),
                NavigateOptions {
                    replace,
                    scroll: false,
                    ..Default::default()
                },
            )
        }
    };

    // Search: typed text is applied after a pause, replacing the history entry.
    let search_text = RwSignal::new(params.get_untracked().q);
    Effect::new(move |_| {
        let q = params.with(|p| p.q.clone());
        if search_text.get_untracked() != q {
            search_text.set(q);
        }
    });
    let generation = StoredValue::new(0u64);
    let on_search = {
        let go = go.clone();
        move |ev: leptos::ev::Event| {
            let text = event_target_value(&ev);
            search_text.set(text.clone());
            generation.update_value(|g| *g += 1);
            let mine = generation.get_value();
            let go = go.clone();
            set_timeout(
                move || {
                    if generation.get_value() == mine {
                        let mut p = params.get_untracked().first_page();
                        p.q = text;
                        go(p, true);
                    }
                },
                Duration::from_millis(300),
            );
        }
    };

    let toggle = Action::new_local(move |(id, active): &(String, bool)| {
        let (id, active) = (id.clone(), *active);
        async move {
            let patch = WebhookPatch {
                is_active: Some(active),
                ..Default::default()
            };
            use_backend().update_webhook(&id, &patch).await
        }
    });
    Effect::new(move |_| {
        if let Some(result) = toggle.value().get() {
            match result {
                Ok(w) => toasts.success(format!(
                    "“{}” {}",
                    w.name,
                    if w.is_active {
                        "activated"
                    } else {
                        "deactivated"
                    }
                )),
                Err(e) => toasts.error(e.message()),
            }
            reload.update(|n| *n += 1);
        }
    });

    let bulk = Action::new_local(move |(kind, ids): &(Bulk, Vec<String>)| {
        let (kind, ids) = (*kind, ids.clone());
        async move {
            let result = for_each_selected(ids, |id| async move {
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
            (kind, result)
        }
    });
    let confirm_delete = RwSignal::new(false);
    Effect::new(move |_| {
        if let Some((kind, (ok, errors))) = bulk.value().get() {
            let verb = match kind {
                Bulk::Activate => "activated",
                Bulk::Deactivate => "deactivated",
                Bulk::Delete => "deleted",
            };
            let noun = if ok == 1 { "webhook" } else { "webhooks" };
            if ok > 0 {
                toasts.success(format!("{ok} {noun} {verb}"));
            }
            if let Some(first) = errors.first() {
                toasts.error(format!("{} failed: {}", errors.len(), first.message()));
            }
            confirm_delete.set(false);
            selected.set(BTreeSet::new());
            reload.update(|n| *n += 1);
        }
    });
    let run_bulk = move |kind: Bulk| {
        let ids: Vec<String> = selected.get_untracked().into_iter().collect();
        if !ids.is_empty() {
            bulk.dispatch((kind, ids));
        }
    };

    let can_update = move || conn.has(Feature::Update);
    let vocabulary = conn.dialect().vocabulary();
    let (on_word, off_word) = vocabulary.on_off;

    let filters = {
        let go_active = go.clone();
        let go_event = go.clone();
        let go_sort = go.clone();
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
                        go_active(p, false);
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
                        go_event(p, false);
                    }>
                    <option value="">"All event types"</option>
                    {move || {
                        let current = params.with(|p| p.event.clone());
                        let mut names: Vec<String> = catalogue.get().and_then(Result::ok).unwrap_or_default()
                            .into_iter().map(|e| e.name).collect();
                        if !current.is_empty() && !names.contains(&current) {
                            names.push(current.clone());
                        }
                        names.into_iter().map(|n| {
                            let selected_now = n == current;
                            view! { <option value=n.clone() selected=selected_now>{n.clone()}</option> }
                        }).collect_view()
                    }}
                </select>
                <label class="sr-only" for="sort">"Sort"</label>
                <select id="sort" data-testid="sort"
                    prop:value=move || Sort::parse(&params.with(|p| p.sort.clone())).as_str()
                    on:change=move |ev| {
                        let mut p = params.get_untracked();
                        p.sort = event_target_value(&ev);
                        go_sort(p, true);
                    }>
                    {Sort::ALL.into_iter().map(|s| view! { <option value=s.as_str()>{s.label()}</option> }).collect_view()}
                </select>
            </div>
        }
    };

    let bulk_bar = move || {
        let n = selected.with(|s| s.len());
        (n > 0).then(|| {
            view! {
                <div class="bulk-bar" role="region" aria-label="Bulk actions" data-testid="bulk-bar">
                    <span data-testid="bulk-count">{if n == 1 { "1 selected".to_owned() } else { format!("{n} selected") }}</span>
                    <Show when=can_update>
                        <button type="button" class="button small" data-testid="bulk-activate"
                            disabled=move || bulk.pending().get() on:click=move |_| run_bulk(Bulk::Activate)>"Activate"</button>
                        <button type="button" class="button small" data-testid="bulk-deactivate"
                            disabled=move || bulk.pending().get() on:click=move |_| run_bulk(Bulk::Deactivate)>"Deactivate"</button>
                    </Show>
                    <button type="button" class="button small danger" data-testid="bulk-delete"
                        disabled=move || bulk.pending().get() on:click=move |_| confirm_delete.set(true)>"Delete…"</button>
                    <button type="button" class="button small ghost" data-testid="bulk-clear"
                        on:click=move |_| selected.set(BTreeSet::new())>"Clear selection"</button>
                </div>
            }
        })
    };

    let row = move |w: Webhook| {
        let id = w.id.as_str().to_owned();
        let id_check = id.clone();
        let id_toggle = id.clone();
        let id_switch = id.clone();
        let active = w.is_active;
        let shown_events: Vec<String> = w.events.iter().take(2).cloned().collect();
        let more = w.events.len().saturating_sub(2);
        let all_events = w.events.join(", ");
        let name = if w.name.trim().is_empty() {
            "(unnamed)".to_owned()
        } else {
            w.name.clone()
        };
        let name_label = name.clone();
        let (success, failure) = (w.last_success_at, w.last_failure_at);
        let failures = w.failure_count;
        view! {
            <tr data-testid="webhook-row" data-id=id.clone()>
                <td class="col-check">
                    <input type="checkbox" data-testid="row-select" aria-label=format!("Select {name_label}")
                        prop:checked=move || selected.with(|s| s.contains(&id_check))
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            let id = id_toggle.clone();
                            selected.update(|s| { if on { s.insert(id); } else { s.remove(&id); } });
                        }/>
                </td>
                <td class="col-name">
                    // A plain link: the router handles its click all the same, and a row
                    // never needs `<A>`'s active-route tracking (two effects and a memo each).
                    <a href=format!("/webhooks/{}", encode_component(&id)) data-testid="webhook-link" class="row-title">{name.clone()}</a>
                    {w.description.clone().filter(|d| !d.is_empty()).map(|d| view! { <div class="muted small">{truncate(&d, 80)}</div> })}
                </td>
                <td class="col-url"><span class="mono small url-cell" title=w.url.clone()>
                    {if w.url.is_empty() { w.kind.clone() } else { w.url.clone() }}
                    {(!w.targets.is_empty()).then(|| view! { <span class="chip chip-more" data-testid="targets-more">{format!("+{}", w.targets.len())}</span> })}
                </span></td>
                <td class="col-events" title=all_events>
                    <span class="event-chips compact">
                        {shown_events.into_iter().map(|e| view! { <span class="chip mono">{e}</span> }).collect_view()}
                        {(more > 0).then(|| view! { <span class="chip chip-more" data-testid="events-more">{format!("+{more}")}</span> })}
                    </span>
                </td>
                <td class="col-active">
                    {move || if can_update() {
                        let id = id_switch.clone();
                        view! {
                            <button type="button" role="switch" class="switch" data-testid="toggle-active"
                                aria-checked=active.to_string()
                                aria-label=format!("Active: {}", name_label.clone())
                                disabled=move || toggle.pending().get()
                                on:click=move |_| { toggle.dispatch((id.clone(), !active)); }>
                                <span class="switch-track" aria-hidden="true"><span class="switch-thumb"></span></span>
                                <span class="switch-text">{if active { on_word } else { off_word }}</span>
                            </button>
                        }.into_any()
                    } else {
                        view! { <ActiveBadge active=active words=vocabulary.on_off/> }.into_any()
                    }}
                </td>
                <td class="col-time">
                    <span class="time-line" data-testid="last-success"><span class="time-tag ok">"Success"</span> <RelativeTime at=success placeholder="—"/></span>
                    <span class="time-line" data-testid="last-failure"><span class="time-tag bad">"Failure"</span> <RelativeTime at=failure placeholder="—"/></span>
                </td>
                <td class="col-num">
                    {if failures > 0 {
                        view! { <span class="badge badge-danger" data-testid="failure-count" title="Consecutive failures">{failures.to_string()}</span> }.into_any()
                    } else {
                        view! { <span class="muted" data-testid="failure-count">"0"</span> }.into_any()
                    }}
                </td>
            </tr>
        }
    };

    let table = move |page: Page<Webhook>| {
        let mut items = page.items.clone();
        Sort::parse(&params.with_untracked(|p| p.sort.clone())).apply(&mut items);
        let ids: Vec<String> = items.iter().map(|w| w.id.as_str().to_owned()).collect();
        let ids_all = ids.clone();
        let all_selected =
            move || !ids.is_empty() && selected.with(|s| ids.iter().all(|i| s.contains(i)));
        let p = params.get_untracked();
        if items.is_empty() {
            return if p.has_filters() || !p.cursor.is_empty() {
                let go = go.clone();
                view! {
                    <div class="card empty-state" data-testid="webhooks-no-match">
                        <h2>"No webhook matches"</h2>
                        <p>"Nothing matches these filters."</p>
                        <button type="button" class="button" data-testid="clear-filters"
                            on:click=move |_| { search_text.set(String::new()); go(ListParams::default(), false); }>
                            "Clear filters"
                        </button>
                    </div>
                }
                .into_any()
            } else {
                view! {
                    <div class="card empty-state" data-testid="webhooks-empty">
                        <h2>"No webhooks yet"</h2>
                        <p>"A webhook sends events to an HTTPS endpoint as they happen, signed so the receiver can trust them."</p>
                        <A href="/webhooks/new" attr:class="button primary" attr:data-testid="create-first">"Create your first webhook"</A>
                    </div>
                }
                .into_any()
            };
        }
        if p.cursor.is_empty() {
            crate::perf::mark(crate::perf::WEBHOOKS_FIRST_PAGE);
        }
        let go_prev = go.clone();
        let go_next = go.clone();
        let next = page.next_cursor.clone();
        let has_prev = !p.cursor.is_empty();
        view! {
            <div class="table-wrap">
                <table class="table webhooks-table" data-testid="webhooks-table">
                    <thead>
                        <tr>
                            <th class="col-check" scope="col">
                                <input type="checkbox" data-testid="select-all" aria-label="Select all on this page"
                                    prop:checked=all_selected
                                    on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        selected.update(|s| for id in &ids_all {
                                            if on { s.insert(id.clone()); } else { s.remove(id); }
                                        });
                                    }/>
                            </th>
                            <th scope="col">"Name"</th>
                            <th scope="col">"URL"</th>
                            <th scope="col">"Events"</th>
                            <th scope="col">"Status"</th>
                            <th scope="col">"Last delivery"</th>
                            <th scope="col" class="col-num">"Failures"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {items.into_iter().map(row).collect_view()}
                    </tbody>
                </table>
            </div>
            <nav class="pager" aria-label="Pages">
                <button type="button" class="button small" data-testid="page-prev" disabled=!has_prev
                    on:click=move |_| go_prev(params.get_untracked().previous_page(), false)>"← Previous"</button>
                <button type="button" class="button small" data-testid="page-next" disabled=next.is_none()
                    on:click=move |_| if let Some(n) = next.clone() { go_next(params.get_untracked().next_page(&n), false) }>"Next →"</button>
            </nav>
        }
        .into_any()
    };

    let skeleton = || {
        view! {
            <div class="table-wrap" aria-busy="true" data-testid="webhooks-loading">
                <table class="table">
                    <tbody>
                        {(0..5).map(|_| view! {
                            <tr>
                                <td><span class="skeleton sk-40"></span></td>
                                <td><span class="skeleton"></span></td>
                                <td><span class="skeleton"></span></td>
                                <td><span class="skeleton"></span></td>
                                <td><span class="skeleton sk-60"></span></td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        }
    };

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
            {filters}
            {move || (!vocabulary.server_filters && params.with(|p| p.has_filters())).then(|| view! {
                <p class="info-note" role="status" data-testid="local-filter-note">
                    {format!("The {} API has no list filters: these apply to the webhooks loaded in this console.", conn.dialect().title())}
                </p>
            })}
            {bulk_bar}
            <Transition fallback=skeleton>
                {move || {
                    let table = table.clone();
                    Suspend::new(async move {
                    match list.await {
                        Ok(page) => table(page),
                        Err(e) => view! {
                            <ErrorPanel error=e on_retry=Callback::new(move |_| reload.update(|n| *n += 1))/>
                        }.into_any(),
                    }
                })}}
            </Transition>
            <ConfirmDialog open=confirm_delete title="Delete webhooks?" confirm_label="Delete" danger=true
                pending=Signal::derive(move || bulk.pending().get())
                on_confirm=Callback::new(move |_| run_bulk(Bulk::Delete))>
                <p data-testid="bulk-delete-message">
                    {move || {
                        let n = selected.with(|s| s.len());
                        format!("Delete {n} webhook{}? Their endpoints stop receiving events at once. This cannot be undone.",
                            if n == 1 { "" } else { "s" })
                    }}
                </p>
            </ConfirmDialog>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn from(pairs: &[(&str, &str)]) -> ListParams {
        ListParams::from_query(|k| {
            pairs
                .iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        })
    }

    #[test]
    fn params_round_trip_through_the_url() {
        let p = from(&[
            ("q", "a b"),
            ("active", "false"),
            ("event", "order_confirm"),
        ]);
        assert_eq!(p.active, Some(false));
        assert_eq!(
            p.href(),
            "/webhooks?q=a%20b&active=false&event=order_confirm"
        );
        assert!(p.has_filters());
        assert_eq!(ListParams::default().href(), "/webhooks");
        let q = p.api_query();
        assert_eq!(q.q.as_deref(), Some("a b"));
        assert_eq!(q.cursor, None);
    }

    #[test]
    fn paging_keeps_a_stack_of_previous_cursors() {
        let p = ListParams::default().next_page("c1").next_page("c,2");
        assert_eq!(p.cursor, "c,2");
        assert_eq!(p.prev, ["", "c1"]);
        let href = p.href();
        // What the router hands back after the URL was decoded once.
        let query = href.split_once('?').unwrap().1;
        let decoded: Vec<(String, String)> = query
            .split('&')
            .map(|kv| {
                let (k, v) = kv.split_once('=').unwrap();
                (k.to_owned(), decode(v))
            })
            .collect();
        let back = ListParams::from_query(|k| {
            decoded.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone())
        });
        assert_eq!(back, p);
        let p = back.previous_page();
        assert_eq!(p.cursor, "c1");
        let p = p.previous_page();
        assert_eq!(p.cursor, "");
        assert_eq!(p.href(), "/webhooks");
    }

    #[test]
    fn sorting_the_loaded_page() {
        let mut items: Vec<Webhook> = serde_json::from_value(serde_json::json!([
            {"id": 1, "name": "b", "url": "https://x", "failure_count": 1},
            {"id": 2, "name": "A", "url": "https://x", "failure_count": 5},
        ]))
        .unwrap();
        Sort::Name.apply(&mut items);
        assert_eq!(items[0].name, "A");
        Sort::Failures.apply(&mut items);
        assert_eq!(items[0].failure_count, 5);
        assert_eq!(Sort::parse("bogus"), Sort::Newest);
    }
}
