//! One webhook at a glance: its settings, activate/deactivate, edit, delete, the signing
//! secret (reveal, copy, rotate), a test send, the endpoint's status and overview, the last
//! 24 hours of deliveries as a chart, the endpoint's health, and the latest deliveries — each
//! only where the backend has the feature.

use crate::api::dialect::{self, Events, Toggle};
use crate::api::{encode_component, ApiError, Backend, DeliveryQuery};
use crate::components::sanitize::sanitize_html;
use crate::components::{
    held_text, ActiveBadge, ConfirmDialog, EndpointStatusBadge, ErrorPanel, HeldPrompt,
    RelativeTime, SecretField, StatsChart,
};
use crate::state::{use_backend, use_connection, use_toasts};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map};
use leptos_router::NavigateOptions;
use std::time::Duration;
use switchboard_api::{
    Auth, DelayUnit, Delivery, DeliveryStatus, Feature, Format, HeldChoice, RotatedSecret, Webhook,
    WebhookPatch,
};

/// How long a test delivery is followed before the page stops asking.
const TEST_POLLS: u32 = 20;

fn delivery_badge(status: DeliveryStatus) -> impl IntoView {
    view! {
        <span class=format!("badge badge-{}", status.as_str()) data-testid="delivery-status">{status.as_str()}</span>
    }
}

fn delivery_href(id: &str) -> String {
    format!("/deliveries/{}", encode_component(id))
}

/// "2 hours", "1 day", "30 minutes".
pub fn delay_text(amount: u32, unit: switchboard_api::DelayUnit) -> String {
    let unit = unit.as_str();
    if amount == 1 {
        format!("1 {unit}")
    } else {
        format!("{amount} {unit}s")
    }
}

/// The non-secret part of the auth settings, for reading.
pub fn auth_summary(auth: &Auth) -> Vec<(&'static str, String)> {
    match auth {
        Auth::None => vec![("Type", "None (signature only)".into())],
        Auth::Bearer { .. } => vec![
            ("Type", "Bearer token".into()),
            ("Token", "set (write-only)".into()),
        ],
        Auth::Basic { username, .. } => vec![
            ("Type", "Basic auth".into()),
            ("Username", username.clone()),
            ("Password", "set (write-only)".into()),
        ],
        Auth::Header { name, .. } => vec![
            ("Type", "Custom header".into()),
            ("Header", name.clone()),
            ("Value", "set (write-only)".into()),
        ],
        Auth::ClientCredentials {
            client_id,
            token_url,
            ..
        } => vec![
            ("Type", "OAuth2 client credentials".into()),
            ("Client id", client_id.clone()),
            ("Token URL", token_url.clone()),
            ("Client secret", "set (write-only)".into()),
        ],
        Auth::Other { kind } => vec![("Type", format!("{kind} (not known to this console)"))],
    }
}

#[component]
pub fn WebhookDetailPage() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id").unwrap_or_default()));
    let reload = RwSignal::new(0u32);
    let webhook = LocalResource::new(move || {
        let id = id.get();
        reload.track();
        async move { use_backend().get_webhook(&id).await }
    });
    view! {
        <section class="page webhook-detail">
            <Transition fallback=|| view! {
                <div class="card" aria-busy="true" data-testid="webhook-loading">
                    <span class="skeleton sk-title"></span><span class="skeleton"></span><span class="skeleton"></span>
                </div>
            }>
                {move || Suspend::new(async move {
                    match webhook.await {
                        Ok(w) => view! { <WebhookDetail webhook=w reload=reload/> }.into_any(),
                        Err(e) if e.is_not_found() => view! {
                            <div class="card empty-state" data-testid="webhook-not-found">
                                <h1>"Webhook not found"</h1>
                                <p>"It may have been deleted."</p>
                                <A href="/webhooks" attr:class="button">"Back to webhooks"</A>
                            </div>
                        }.into_any(),
                        Err(e) => view! {
                            <ErrorPanel error=e on_retry=Callback::new(move |_| reload.update(|n| *n += 1))/>
                        }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn WebhookDetail(webhook: Webhook, reload: RwSignal<u32>) -> impl IntoView {
    let conn = use_connection();
    let toasts = use_toasts();
    let navigate = use_navigate();
    let id = webhook.id.as_str().to_owned();
    let name = if webhook.name.trim().is_empty() {
        "(unnamed)".to_owned()
    } else {
        webhook.name.clone()
    };
    let active = webhook.is_active;
    let vocabulary = conn.dialect().vocabulary();

    let toggle = Action::new_local({
        let id = id.clone();
        move |(on, held): &(bool, Option<HeldChoice>)| {
            let (id, on, held) = (id.clone(), *on, *held);
            async move {
                let patch = WebhookPatch {
                    is_active: Some(on),
                    held,
                    ..Default::default()
                };
                use_backend().update_webhook(&id, &patch).await
            }
        }
    });
    // Deliveries held while the webhook was off: activating asks what becomes of them.
    let held = webhook.held;
    let ask_held = RwSignal::new(false);
    let on_toggle = move || {
        if !active && held > 0 {
            ask_held.set(true);
        } else {
            toggle.dispatch((!active, None));
        }
    };
    Effect::new(move |_| {
        if let Some(r) = toggle.value().get() {
            ask_held.set(false);
            match r {
                Ok(w) => toasts.success(if w.is_active {
                    "Webhook activated"
                } else {
                    "Webhook deactivated"
                }),
                Err(e) => toasts.error(e.message()),
            }
            reload.update(|n| *n += 1);
        }
    });

    let confirm_delete = RwSignal::new(false);
    let delete = Action::new_local({
        let id = id.clone();
        move |_: &()| {
            let id = id.clone();
            async move { use_backend().delete_webhook(&id).await }
        }
    });
    let deleted_name = name.clone();
    Effect::new(move |_| {
        if let Some(r) = delete.value().get() {
            match r {
                Ok(()) => {
                    confirm_delete.set(false);
                    toasts.success(format!("Webhook “{deleted_name}” deleted"));
                    navigate("/webhooks", NavigateOptions::default());
                }
                Err(e) => toasts.error(e.message()),
            }
        }
    });

    let edit_href = format!("/webhooks/{}/edit", encode_component(&id));
    let id_status = id.clone();
    let delete_name = name.clone();

    view! {
        <header class="page-header detail-header">
            <div class="detail-title">
                <nav class="crumbs" aria-label="Breadcrumb"><A href="/webhooks">"Webhooks"</A> " / "</nav>
                <h1 data-testid="webhook-name">{name.clone()}</h1>
                <div class="detail-badges">
                    <ActiveBadge active=active words=vocabulary.on_off/>
                    {(held > 0).then(|| view! {
                        <span class="badge badge-held" data-testid="detail-held-count">
                            {held_text(held)}
                        </span>
                    })}
                    {webhook.failure_count.gt(&0).then(|| view! {
                        <span class="badge badge-danger" data-testid="detail-failure-count">
                            {format!("{} consecutive failure{}", webhook.failure_count, if webhook.failure_count == 1 { "" } else { "s" })}
                        </span>
                    })}
                    <Show when=move || conn.has(Feature::Status)>
                        <EndpointStatusSlot id=id_status.clone()/>
                    </Show>
                </div>
                <p class="mono break detail-url" data-testid="webhook-url">
                    {if webhook.url.is_empty() { webhook.kind.clone() } else { webhook.url.clone() }}
                </p>
                {webhook.description.clone().filter(|d| !d.is_empty()).map(|d| view! { <p class="detail-description">{d}</p> })}
            </div>
            <div class="page-actions">
                <Show when=move || conn.has(Feature::Update) || (vocabulary.toggle == Toggle::DeactivateOnly && active)>
                    <button type="button" class="button" data-testid="detail-toggle"
                        disabled=move || toggle.pending().get()
                        on:click=move |_| on_toggle()>
                        {if active { "Deactivate" } else { "Activate" }}
                    </button>
                </Show>
                <Show when=move || conn.has(Feature::Update)>
                    <A href=edit_href.clone() attr:class="button" attr:data-testid="detail-edit">"Edit"</A>
                </Show>
                <button type="button" class="button danger" data-testid="detail-delete" on:click=move |_| confirm_delete.set(true)>
                    "Delete…"
                </button>
            </div>
        </header>

        <DetailCards webhook=webhook.clone() active=active/>

        <HeldPrompt open=ask_held title="Activate this webhook?" held=held
            pending=Signal::derive(move || toggle.pending().get())
            on_choice=Callback::new(move |choice| { toggle.dispatch((true, Some(choice))); })/>
        <ConfirmDialog open=confirm_delete title="Delete this webhook?" confirm_label="Delete webhook" danger=true
            pending=Signal::derive(move || delete.pending().get())
            on_confirm=Callback::new(move |_| { delete.dispatch(()); })>
            <p data-testid="delete-message">
                "Delete " <strong>{delete_name.clone()}</strong> "? Its endpoint stops receiving events at once, and this cannot be undone."
            </p>
        </ConfirmDialog>
    }
}

/// The cards under a webhook's header, each shown where the backend has its capability.
#[component]
fn DetailCards(webhook: Webhook, active: bool) -> impl IntoView {
    let conn = use_connection();
    let vocabulary = conn.dialect().vocabulary();
    let id = webhook.id.0.clone();
    let (id_stats, id_test, id_latest, id_overview) =
        (id.clone(), id.clone(), id.clone(), id.clone());
    let (id_health, id_missed) = (id.clone(), id.clone());
    let events = webhook.events.clone();
    view! {
        <div class="detail-grid">
            <div class="detail-main">
                <Show when=move || conn.has(Feature::Stats)>
                    <StatsCard id=id_stats.clone()/>
                </Show>
                <Show when=move || conn.has(Feature::Health)>
                    <super::health::HealthCard id=id_health.clone()/>
                </Show>
                <SettingsCard webhook=webhook.clone()/>
                <Show when=move || conn.has(Feature::Test)>
                    <TestSendCard id=id_test.clone() events=events.clone()/>
                </Show>
                <Show when=move || conn.has(Feature::Deliveries)>
                    <LatestDeliveries id=id_latest.clone()/>
                </Show>
                <Show when=move || conn.has(Feature::Replay)>
                    <crate::pages::replays::MissedCard id=id_missed.clone() is_active=active/>
                </Show>
                <Show when=move || conn.has(Feature::Status)>
                    <OverviewCard id=id_overview.clone()/>
                </Show>
            </div>
            <aside class="detail-side">
                {vocabulary.secret.then(|| view! { <SecretCard id=id.clone() secret=webhook.secret.clone()/> })}
                <AuditCard webhook=webhook.clone()/>
            </aside>
        </div>
    }
}

#[component]
fn EndpointStatusSlot(id: String) -> impl IntoView {
    let status = LocalResource::new(move || {
        let id = id.clone();
        async move { use_backend().endpoint_status(&id).await }
    });
    move || {
        match status.get() {
        Some(Ok(s)) => view! { <EndpointStatusBadge status=s/> }.into_any(),
        Some(Err(_)) => view! {
            <span class="badge badge-neutral" data-testid="endpoint-status" title="The endpoint's status could not be read">"Status unknown"</span>
        }.into_any(),
        None => view! { <span class="skeleton sk-badge"></span> }.into_any(),
    }
    }
}

#[component]
fn SettingsCard(webhook: Webhook) -> impl IntoView {
    let w = webhook;
    let dialect = use_connection().dialect();
    let v = dialect.vocabulary();
    let row = |label: &'static str, value: String| {
        view! { <div class="dl-row"><dt>{label}</dt><dd class="break">{value}</dd></div> }
    };
    // An enum value the console did not understand is shown as the backend wrote it.
    let as_sent = |pointer: &str, shown: &str, unknown: bool| {
        if unknown {
            dialect::raw_text(&w, pointer).unwrap_or_else(|| shown.to_owned())
        } else {
            shown.to_owned()
        }
    };
    let format = as_sent(
        "/format",
        &w.format.as_str().to_uppercase(),
        w.format == Format::Unknown,
    );
    let events = w.events.clone();
    let headers = w.headers.clone();
    let http = w.kind == switchboard_api::HTTP_TYPE;
    let data_rows = configuration_rows(dialect, &w);
    let others = dialect::other_members(&w, v);
    let targets = w.targets.clone();
    view! {
        <section class="card" aria-labelledby="settings-h" data-testid="settings-card">
            <h2 id="settings-h">"Settings"</h2>
            <dl class="dl">
                {(v.types && !http).then(|| view! {
                    <div class="dl-row"><dt>"Type"</dt><dd class="mono" data-testid="detail-type">{w.kind.clone()}</dd></div>
                })}
                {(v.events != Events::Fixed).then(|| view! {
                    <div class="dl-row">
                        <dt>{if v.events == Events::One { "Event" } else { "Events" }}</dt>
                        <dd>
                            <ul class="event-chips" data-testid="detail-events">
                                {events.into_iter().map(|e| view! {
                                    <li class="chip mono"><A href=format!("/event-types/{}", encode_component(&e))>{e.clone()}</A></li>
                                }).collect_view()}
                            </ul>
                        </dd>
                    </div>
                })}
                {(!targets.is_empty()).then(|| view! {
                    <div class="dl-row">
                        <dt>{v.targets.unwrap_or("More URLs")}</dt>
                        <dd>
                            <ul class="plain-list" data-testid="detail-targets">
                                <li class="mono break">{format!("{} · {}", w.format.as_str().to_uppercase(), w.url)}</li>
                                {targets.into_iter().map(|t| view! {
                                    <li class="mono break">{format!("{} · {}", t.format.as_str().to_uppercase(), t.url)}</li>
                                }).collect_view()}
                            </ul>
                        </dd>
                    </div>
                })}
                {v.format.then(|| row("Format", format.clone()))}
                {v.retry.then(|| row("Retries", w.retry_count.to_string()))}
                {v.timeout.then(|| row("Timeout", format!("{} s", w.timeout_seconds)))}
                {v.priority.then(|| row("Priority", w.priority.to_string()))}
                {(!v.delay_units.is_empty()).then(|| row("Delay", match w.delay {
                    Some(d) if d.unit == DelayUnit::Unknown => dialect::raw_text(&w, "/delay/unit").unwrap_or_default(),
                    Some(d) => delay_text(d.amount, d.unit),
                    None => "none".into(),
                }))}
                {v.active_from.map(|(label, _)| view! {
                    <div class="dl-row"><dt>{label}</dt><dd><RelativeTime at=w.active_from placeholder="immediately"/></dd></div>
                })}
                {v.filter.map(|(group_label, _)| view! {
                    <div class="dl-row">
                        <dt>"Filter"</dt>
                        <dd data-testid="detail-filter">
                            {match w.filter.clone() {
                                Some(f) => view! {
                                    <code class="break">{f.condition.clone()}</code>
                                    {f.group.map(|g| view! { <span class="muted small">{format!(" {} ", group_label.to_lowercase())} {g}</span> })}
                                }.into_any(),
                                // Output.Rocks' group without a condition: shown as it came
                                // (an edit leaves it as it is).
                                None => match dialect::raw_text(&w, "/groupIdentifier").filter(|g| g != "null") {
                                    Some(g) => view! { <span class="muted small">{format!("{} {g}, no condition", group_label.to_lowercase())}</span> }.into_any(),
                                    None => view! { <span class="muted">"every event"</span> }.into_any(),
                                },
                            }}
                        </dd>
                    </div>
                })}
            </dl>
            {(!data_rows.is_empty()).then(|| view! {
                <h3>"Configuration"</h3>
                <dl class="dl" data-testid="detail-data">
                    {data_rows.into_iter().map(|(k, v)| view! {
                        <div class="dl-row"><dt class="mono">{k}</dt><dd class="break">{v}</dd></div>
                    }).collect_view()}
                </dl>
            })}
            {(!v.auth.is_empty()).then(|| view! {
                <h3>"Authentication"</h3>
                <dl class="dl" data-testid="detail-auth" data-auth=w.auth.kind()>
                    {auth_summary(&w.auth).into_iter().map(|(k, text)| {
                        // The vendor's own word for the type, where it has one.
                        let word = v.auth_words.iter().find(|(kind, _)| *kind == w.auth.kind());
                        match word {
                            Some((_, word)) if k == "Type" => row(k, (*word).to_owned()),
                            _ => row(k, text),
                        }
                    }).collect_view()}
                </dl>
            })}
            {v.headers.then(|| view! {
                <h3>"Custom headers"</h3>
                {if headers.is_empty() {
                    view! { <p class="muted small" data-testid="detail-headers">"None"</p> }.into_any()
                } else {
                    view! {
                        <dl class="dl mono small" data-testid="detail-headers">
                            {headers.into_iter().map(|(k, v)| view! {
                                <div class="dl-row"><dt>{k}</dt>{match v {
                                    Some(v) => view! { <dd class="break">{v}</dd> }.into_any(),
                                    // Write-only: the backend says it is set, not to what.
                                    None => view! { <dd class="muted" data-testid="detail-header-set">"set (hidden)"</dd> }.into_any(),
                                }}</div>
                            }).collect_view()}
                        </dl>
                    }.into_any()
                }}
            })}
            {(!others.is_empty()).then(|| view! {
                <h3>"Other members"</h3>
                <p class="muted small">"Sent by the backend but not part of this console's model: shown as they came, and left untouched by an edit."</p>
                <dl class="dl mono small" data-testid="detail-other-members">
                    {others.into_iter().map(|(k, v)| view! {
                        <div class="dl-row"><dt>{k}</dt><dd class="break">{v}</dd></div>
                    }).collect_view()}
                </dl>
            })}
        </section>
    }
}

/// The Configuration list of a type's `data`. A type's write-only members (passwords, keys)
/// are never shown, even by a backend that sends them back: the row says they exist.
fn configuration_rows(
    dialect: &'static dyn dialect::Dialect,
    w: &Webhook,
) -> Vec<(String, String)> {
    let secrets = dialect
        .destination_types()
        .into_iter()
        .flatten()
        .find(|t| t.name == w.kind)
        .map(|t| {
            t.secret_members()
                .into_iter()
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    let mut data_rows = data_summary(w);
    for (k, v) in data_rows.iter_mut() {
        if secrets.contains(k) {
            *v = WRITE_ONLY.to_owned();
        }
    }
    for secret in secrets {
        if !data_rows.iter().any(|(k, _)| *k == secret) {
            data_rows.push((secret, WRITE_ONLY.to_owned()));
        }
    }
    data_rows
}

/// What the Configuration list shows for a write-only member of a type's `data`.
const WRITE_ONLY: &str = "write-only: never shown";

/// A type's `data` for reading: every member the backend sent back, as text (write-only
/// members are masked by the caller, which knows the type's schema).
fn data_summary(w: &Webhook) -> Vec<(String, String)> {
    match &w.data {
        Some(serde_json::Value::Object(map)) => map
            .iter()
            .map(|(k, v)| {
                let text = match v {
                    serde_json::Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                (k.clone(), text)
            })
            .collect(),
        _ => Vec::new(),
    }
}

#[component]
fn AuditCard(webhook: Webhook) -> impl IntoView {
    let w = webhook;
    view! {
        <section class="card" aria-labelledby="activity-h" data-testid="activity-card">
            <h2 id="activity-h">"Activity"</h2>
            <dl class="dl compact">
                <div class="dl-row"><dt>"Last triggered"</dt><dd><RelativeTime at=w.last_triggered_at/></dd></div>
                <div class="dl-row"><dt>"Last success"</dt><dd><RelativeTime at=w.last_success_at/></dd></div>
                <div class="dl-row"><dt>"Last failure"</dt><dd><RelativeTime at=w.last_failure_at/></dd></div>
                <div class="dl-row"><dt>"Created"</dt><dd><RelativeTime at=w.created_at placeholder="—"/>
                    {w.created_by.clone().map(|b| view! { <span class="muted small">" by " {b}</span> })}</dd></div>
                <div class="dl-row"><dt>"Updated"</dt><dd><RelativeTime at=w.updated_at placeholder="—"/>
                    {w.updated_by.clone().map(|b| view! { <span class="muted small">" by " {b}</span> })}</dd></div>
                <div class="dl-row"><dt>"Id"</dt><dd class="mono break">{w.id.as_str().to_owned()}</dd></div>
            </dl>
        </section>
    }
}

#[component]
fn SecretCard(id: String, secret: Option<String>) -> impl IntoView {
    let conn = use_connection();
    let toasts = use_toasts();
    let current = RwSignal::new(secret);
    let previous_until = RwSignal::new(None::<switchboard_api::Timestamp>);
    let confirm = RwSignal::new(false);
    let rotate = Action::new_local(move |_: &()| {
        let id = id.clone();
        async move { use_backend().rotate_secret(&id).await }
    });
    Effect::new(move |_| {
        if let Some(r) = rotate.value().get() {
            confirm.set(false);
            match r {
                Ok(RotatedSecret {
                    secret,
                    previous_valid_until,
                }) => {
                    current.set(Some(secret));
                    previous_until.set(previous_valid_until);
                    toasts.success("Signing secret rotated");
                }
                Err(e) => toasts.error(e.message()),
            }
        }
    });
    view! {
        <section class="card" aria-labelledby="secret-h" data-testid="secret-card">
            <h2 id="secret-h">"Signing secret"</h2>
            <p class="muted small">"Receivers verify the " <code>"webhook-signature"</code> " header with this secret."</p>
            // One field for every value, so "revealed" survives a rotation.
            <Show when=move || current.with(Option::is_some)
                fallback=|| view! { <p class="muted" data-testid="signing-secret-missing">"This backend does not show the secret."</p> }>
                <SecretField value=Signal::derive(move || current.get().unwrap_or_default())
                    label="Signing secret" testid="signing-secret"/>
            </Show>
            {move || previous_until.get().map(|t| view! {
                <p class="muted small" data-testid="previous-secret-note">"The previous secret keeps signing until " <RelativeTime at=Some(t)/> "."</p>
            })}
            <Show when=move || conn.has(Feature::Secrets)>
                <button type="button" class="button small" data-testid="rotate-secret" on:click=move |_| confirm.set(true)>
                    "Rotate secret…"
                </button>
            </Show>
            <ConfirmDialog open=confirm title="Rotate the signing secret?" confirm_label="Rotate"
                pending=Signal::derive(move || rotate.pending().get())
                on_confirm=Callback::new(move |_| { rotate.dispatch(()); })>
                <p data-testid="rotate-message">
                    "A new secret is created now. For the next 24 hours deliveries are signed with both the old and the new secret, "
                    "so you can update the receiver without missing a delivery; after that only the new one is used."
                </p>
            </ConfirmDialog>
        </section>
    }
}

#[component]
fn TestSendCard(id: String, events: Vec<String>) -> impl IntoView {
    let conn = use_connection();
    let toasts = use_toasts();
    let choice = RwSignal::new(events.first().cloned().unwrap_or_default());
    let result = RwSignal::new(None::<Result<Delivery, ApiError>>);
    let send = Action::new_local(move |event: &String| {
        let (id, event) = (id.clone(), event.clone());
        async move { use_backend().send_test(&id, &event).await }
    });
    // Follow the delivery until it settles, when the backend lets us read it.
    Effect::new(move |_| {
        let Some(r) = send.value().get() else { return };
        if let Err(e) = &r {
            toasts.error(e.message());
        }
        let follow = r.as_ref().ok().map(|d| d.id.as_str().to_owned());
        result.set(Some(r));
        if let Some(did) = follow.filter(|_| conn.has(Feature::Deliveries)) {
            leptos::task::spawn_local(async move {
                for _ in 0..TEST_POLLS {
                    let settled = result.with_untracked(|r| {
                        matches!(r, Some(Ok(d)) if matches!(d.status, DeliveryStatus::Succeeded | DeliveryStatus::Failed))
                    });
                    if settled {
                        break;
                    }
                    gloo_timers::future::sleep(Duration::from_millis(700)).await;
                    match use_backend().get_delivery(&did).await {
                        Ok(d)
                            if result.with_untracked(
                                |r| matches!(r, Some(Ok(cur)) if cur.id == d.id),
                            ) =>
                        {
                            result.set(Some(Ok(d)));
                        }
                        _ => break,
                    }
                }
            });
        }
    });
    let options = events.clone();
    view! {
        <section class="card" aria-labelledby="test-h" data-testid="test-card">
            <h2 id="test-h">"Send a test event"</h2>
            <p class="muted small">"Sends the event type's example payload to the endpoint now, signed like a real delivery."</p>
            <div class="input-row test-row">
                <label class="sr-only" for="test-event">"Event type"</label>
                <select id="test-event" data-testid="test-event"
                    prop:value=move || choice.get()
                    on:change=move |ev| choice.set(event_target_value(&ev))>
                    {options.into_iter().map(|e| view! { <option value=e.clone()>{e.clone()}</option> }).collect_view()}
                </select>
                <button type="button" class="button primary" data-testid="test-send"
                    disabled=move || send.pending().get() || choice.with(|c| c.is_empty())
                    on:click=move |_| { send.dispatch(choice.get_untracked()); }>
                    {move || if send.pending().get() { "Sending…" } else { "Send test event" }}
                </button>
            </div>
            {move || result.get().map(|r| match r {
                Ok(d) => {
                    let did = d.id.as_str().to_owned();
                    view! {
                        <div class="test-result" data-testid="test-result" aria-live="polite">
                            {delivery_badge(d.status)}
                            <span class="mono small">{d.event_type.clone()}</span>
                            {d.response_status.map(|s| view! { <span class="badge badge-neutral" data-testid="test-response">{format!("HTTP {s}")}</span> })}
                            <span class="muted small">{format!("{} attempt{}", d.attempt_count, if d.attempt_count == 1 { "" } else { "s" })}</span>
                            <Show when=move || conn.has(Feature::Deliveries)>
                                <A href=delivery_href(&did) attr:data-testid="test-delivery-link">"Open delivery"</A>
                            </Show>
                        </div>
                    }.into_any()
                }
                Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
            })}
        </section>
    }
}

#[component]
fn StatsCard(id: String) -> impl IntoView {
    let stats = LocalResource::new(move || {
        let id = id.clone();
        async move { use_backend().stats(&id, "24h", "1h").await }
    });
    view! {
        <section class="card" aria-labelledby="stats-h" data-testid="stats-card">
            <h2 id="stats-h">"Last 24 hours"</h2>
            {move || match stats.get() {
                None => view! { <div class="chart-placeholder skeleton" aria-busy="true"></div> }.into_any(),
                Some(Ok(s)) => view! { <StatsChart buckets=s.buckets/> }.into_any(),
                Some(Err(e)) => view! { <ErrorPanel error=e on_retry=Callback::new(move |_| stats.refetch())/> }.into_any(),
            }}
        </section>
    }
}

#[component]
fn OverviewCard(id: String) -> impl IntoView {
    let overview = LocalResource::new(move || {
        let id = id.clone();
        async move { use_backend().endpoint_overview(&id).await }
    });
    view! {
        <section class="card" aria-labelledby="overview-h" data-testid="overview-card">
            <h2 id="overview-h">"Endpoint overview"</h2>
            {move || match overview.get() {
                None => view! { <span class="skeleton"></span> }.into_any(),
                Some(Ok(o)) if o.html.trim().is_empty() => view! {
                    <p class="muted small">"The endpoint reports no overview."</p>
                }.into_any(),
                // Sanitised by the allow-list first: only then is it markup.
                Some(Ok(o)) => view! {
                    <div class="overview-html" data-testid="overview-html" inner_html=sanitize_html(&o.html)></div>
                    <p class="muted small">"Supplied by the endpoint; scripts, styles, images and forms are removed."</p>
                }.into_any(),
                Some(Err(e)) => view! { <p class="muted small" data-testid="overview-error">{format!("No overview: {}", e.message())}</p> }.into_any(),
            }}
        </section>
    }
}

#[component]
fn LatestDeliveries(id: String) -> impl IntoView {
    let all_href = format!("/deliveries?webhook_id={}", encode_component(&id));
    let list = LocalResource::new(move || {
        let query = DeliveryQuery {
            webhook_id: Some(id.clone()),
            limit: Some(5),
            ..Default::default()
        };
        async move { use_backend().list_deliveries(&query).await }
    });
    view! {
        <section class="card" aria-labelledby="latest-h" data-testid="latest-deliveries">
            <div class="card-head">
                <h2 id="latest-h">"Latest deliveries"</h2>
                <A href=all_href attr:data-testid="all-deliveries" attr:class="small">"View all →"</A>
            </div>
            {move || match list.get() {
                None => view! { <span class="skeleton"></span> }.into_any(),
                Some(Err(e)) => view! { <ErrorPanel error=e on_retry=Callback::new(move |_| list.refetch())/> }.into_any(),
                Some(Ok(page)) if page.items.is_empty() => view! {
                    <p class="muted small" data-testid="no-deliveries">"No deliveries yet. Send a test event to see one here."</p>
                }.into_any(),
                Some(Ok(page)) => view! {
                    <table class="table compact">
                        <thead><tr><th scope="col">"Status"</th><th scope="col">"Event"</th><th scope="col">"Response"</th><th scope="col">"Created"</th></tr></thead>
                        <tbody>
                            {page.items.into_iter().map(|d| {
                                let href = delivery_href(d.id.as_str());
                                view! {
                                    <tr data-testid="latest-delivery-row">
                                        <td><A href=href>{delivery_badge(d.status)}</A></td>
                                        <td class="mono small">{d.event_type.clone()}</td>
                                        <td>{d.response_status.map(|s| s.to_string()).unwrap_or_else(|| "—".into())}</td>
                                        <td><RelativeTime at=d.created_at placeholder="—"/></td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any(),
            }}
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use switchboard_api::DelayUnit;

    #[test]
    fn readable_settings() {
        assert_eq!(delay_text(1, DelayUnit::Hour), "1 hour");
        assert_eq!(delay_text(3, DelayUnit::Day), "3 days");
        let rows = auth_summary(&Auth::Basic {
            username: "u".into(),
            password: None,
        });
        assert_eq!(rows[1], ("Username", "u".to_owned()));
        assert!(rows.iter().all(|(_, v)| v != "secret"));
    }
}
