//! The webhooks list's table: one row per webhook with its select box and active switch, the
//! empty states, the pager and the skeleton shown while the first page loads.

use super::{go_to, ListParams, Sort};
use crate::api::dialect::Events;
use crate::api::{encode_component, Page};
use crate::components::{ActiveBadge, HeldPrompt, RelativeTime};
use crate::format::truncate;
use crate::state::use_connection;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;
use std::collections::BTreeSet;
use switchboard_api::{Feature, HeldChoice, Webhook};

/// What a row's switch asks for: the webhook's id, on or off, and for an activation what
/// becomes of its held deliveries.
pub type Switch = (String, bool, Option<HeldChoice>);

/// The held-deliveries question, asked for one webhook at a time.
#[derive(Clone, Copy)]
pub struct HeldQuestion {
    pub open: RwSignal<bool>,
    /// The webhook asked about: id, name and how many deliveries it holds.
    about: RwSignal<(String, String, u32)>,
}

impl HeldQuestion {
    pub fn new() -> HeldQuestion {
        HeldQuestion {
            open: RwSignal::new(false),
            about: RwSignal::new(Default::default()),
        }
    }

    fn ask(self, id: String, name: String, held: u32) {
        self.about.set((id, name, held));
        self.open.set(true);
    }
}

/// The list's one held-deliveries dialog, the detail page's question about the row asked.
#[component]
pub fn HeldPromptFor(
    /// The webhook asked about.
    question: HeldQuestion,
    /// Switches one webhook on or off.
    toggle: Action<Switch, ()>,
) -> impl IntoView {
    let about = question.about;
    view! {
        <HeldPrompt open=question.open
            title=Signal::derive(move || about.with(|a| format!("Activate “{}”?", a.1)))
            held=Signal::derive(move || about.with(|a| a.2))
            pending=Signal::derive(move || toggle.pending().get())
            on_choice=Callback::new(move |choice| {
                toggle.dispatch((about.with_untracked(|a| a.0.clone()), true, Some(choice)));
            })/>
    }
}

#[component]
pub fn WebhookTable(
    /// The loaded page, in the API's order.
    page: Page<Webhook>,
    /// The view as the URL has it (filters, sort, cursor).
    params: Memo<ListParams>,
    /// The selected rows' ids.
    selected: RwSignal<BTreeSet<String>>,
    /// The search box's text, emptied by "Clear filters".
    search_text: RwSignal<String>,
    /// Switches one webhook on or off.
    toggle: Action<Switch, ()>,
    /// Asked before activating a webhook that holds deliveries.
    held: HeldQuestion,
) -> impl IntoView {
    let navigate = use_navigate();
    let p = params.get_untracked();
    // The vendor's own words head the columns (Shoprenter's "Label", the API platform's
    // "Target URL").
    let v = use_connection().dialect().vocabulary();
    let name_header = v.name.unwrap_or("Name");
    let url_header = match (v.types, v.url) {
        (true, _) => "Type",
        (false, Some(url)) => url,
        (false, None) => "URL",
    };
    let events_header = if v.events == Events::One {
        "Event"
    } else {
        "Events"
    };
    let mut items = page.items;
    // A backend with `sort` sent the page in order; otherwise the loaded page is sorted here
    // (and the page says so).
    if !use_connection().has(Feature::Sort) {
        Sort::parse(&p.sort).apply(&mut items);
    }
    if items.is_empty() {
        return if p.has_filters() || !p.cursor.is_empty() {
            view! {
                <div class="card empty-state" data-testid="webhooks-no-match">
                    <h2>"No webhook matches"</h2>
                    <p>"Nothing matches these filters."</p>
                    <button type="button" class="button" data-testid="clear-filters"
                        on:click=move |_| { search_text.set(String::new()); go_to(&navigate, &ListParams::default(), false); }>
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
    let ids: Vec<String> = items.iter().map(|w| w.id.as_str().to_owned()).collect();
    let ids_all = ids.clone();
    let all_selected =
        move || !ids.is_empty() && selected.with(|s| ids.iter().all(|i| s.contains(i)));
    let nav_next = navigate.clone();
    let next = page.next_cursor;
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
                        <th scope="col">{name_header}</th>
                        <th scope="col">{url_header}</th>
                        <th scope="col">{events_header}</th>
                        <th scope="col">"Status"</th>
                        <th scope="col">"Last delivery"</th>
                        <th scope="col" class="col-num">"Failures"</th>
                    </tr>
                </thead>
                <tbody>
                    {items.into_iter().map(|w| view! { <WebhookRow webhook=w selected=selected toggle=toggle held=held/> }).collect_view()}
                </tbody>
            </table>
        </div>
        <nav class="pager" aria-label="Pages">
            <button type="button" class="button small" data-testid="page-prev" disabled=!has_prev
                on:click=move |_| go_to(&navigate, &params.get_untracked().previous_page(), false)>"← Previous"</button>
            <button type="button" class="button small" data-testid="page-next" disabled=next.is_none()
                on:click=move |_| if let Some(n) = next.clone() { go_to(&nav_next, &params.get_untracked().next_page(&n), false) }>"Next →"</button>
        </nav>
    }
    .into_any()
}

#[component]
fn WebhookRow(
    /// The webhook this row shows.
    webhook: Webhook,
    /// The selected rows' ids.
    selected: RwSignal<BTreeSet<String>>,
    /// Switches one webhook on or off.
    toggle: Action<Switch, ()>,
    /// Asked before activating a webhook that holds deliveries.
    held: HeldQuestion,
) -> impl IntoView {
    let conn = use_connection();
    let vocabulary = conn.dialect().vocabulary();
    let (on_word, off_word) = vocabulary.on_off;
    let w = webhook;
    let id = w.id.as_str().to_owned();
    let (id_check, id_toggle, id_switch) = (id.clone(), id.clone(), id.clone());
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
    let held_count = w.held;
    let switch = move || {
        if conn.has(Feature::Update) {
            let (id, asked_name) = (id_switch.clone(), name_label.clone());
            view! {
                <button type="button" role="switch" class="switch" data-testid="toggle-active"
                    aria-checked=active.to_string()
                    aria-label=format!("Active: {}", name_label.clone())
                    disabled=move || toggle.pending().get()
                    on:click=move |_| {
                        if !active && held_count > 0 {
                            held.ask(id.clone(), asked_name.clone(), held_count);
                        } else {
                            toggle.dispatch((id.clone(), !active, None));
                        }
                    }>
                    <span class="switch-track" aria-hidden="true"><span class="switch-thumb"></span></span>
                    <span class="switch-text">{if active { on_word } else { off_word }}</span>
                </button>
            }
            .into_any()
        } else {
            view! { <ActiveBadge active=active words=vocabulary.on_off/> }.into_any()
        }
    };
    let select_label = format!("Select {name}");
    view! {
        <tr data-testid="webhook-row" data-id=id.clone()>
            <td class="col-check">
                <input type="checkbox" data-testid="row-select" aria-label=select_label
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
                <a href=format!("/webhooks/{}", encode_component(&id)) data-testid="webhook-link" class="row-title">{name}</a>
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
            <td class="col-active">{switch}</td>
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
}

/// Rows of grey bars in the table's place while the first page loads.
#[component]
pub fn Skeleton() -> impl IntoView {
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
}
