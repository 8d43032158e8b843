//! One delivery: summary, the attempt timeline with each request and response, retry and recovery.

use super::RecoverDialog;
use crate::api::{encode_component, Backend};
use crate::components::{
    CodeViewer, CopyCurlButton, CopyTextButton, DeliveryStatusBadge, ErrorPanel, RelativeTime,
    ResponseBadge,
};
use crate::state::{use_live_backend, use_toasts};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use std::time::Duration;
use switchboard_api::{Attempt, Delivery, DeliveryStatus};

/// The summary quotes this much of the endpoint's message; the attempt below has all of it.
const MESSAGE_PREVIEW_CHARS: usize = 300;

/// While a delivery is still in flight the page looks again this often.
const POLL_MS: u64 = 1_500;

#[component]
pub fn DeliveryDetailPage() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id").unwrap_or_default()));
    let backend = use_live_backend();
    let toasts = use_toasts();
    let retry = Action::new_local(move |id: &String| {
        let id = id.clone();
        async move {
            match backend.now().retry_delivery(&id).await {
                Ok(_) => toasts.success("Retry queued"),
                Err(e) => toasts.error(e.message()),
            }
        }
    });
    // Read again on demand (after an error, after a recovery) and after each retry.
    let reload = Trigger::new();
    // Advances while the delivery is in flight: each step is one more look.
    let poll = RwSignal::new(0u32);
    let delivery = LocalResource::new(move || {
        let id = id.get();
        reload.track();
        poll.track();
        retry.version().track();
        async move { backend.now().get_delivery(&id).await }
    });

    // Keep looking while the delivery is queued or being attempted, so a retry's outcome shows
    // up without a manual refresh.
    Effect::new(move |_| {
        let in_flight = delivery.with(|d| {
            matches!(
                d.as_ref(),
                Some(Ok(d)) if matches!(d.status, DeliveryStatus::Pending | DeliveryStatus::Scheduled)
            )
        });
        if in_flight {
            let step = poll.get_untracked();
            set_timeout(
                move || {
                    // Only once per answer, and only while the page is still there.
                    if poll.try_get_untracked() == Some(step) {
                        poll.set(step + 1);
                    }
                },
                Duration::from_millis(POLL_MS),
            );
        }
    });

    let recover_open = RwSignal::new(false);

    let content = move || {
        match delivery.get() {
            None => view! {
                <div class="card" data-testid="delivery-loading">
                    <span class="skeleton skeleton-title"></span>
                    {(0..4).map(|_| view! { <span class="skeleton skeleton-row"></span> }).collect_view()}
                </div>
            }
            .into_any(),
            Some(Err(e)) => {
                let not_found = e.is_not_found();
                view! {
                    {not_found.then(|| view! { <h1>"Delivery not found"</h1> })}
                    <ErrorPanel error=e on_retry=Callback::new(move |()| reload.notify())/>
                }
                .into_any()
            }
            Some(Ok(d)) => {
                let wid = d.webhook_id.0.clone();
                view! {
                    <DeliveryView delivery=d retry=retry recover_open=recover_open/>
                    <RecoverDialog open=recover_open webhook_id=wid on_done=Callback::new(move |()| reload.notify())/>
                }
                .into_any()
            }
        }
    };

    view! {
        <section class="page delivery-page" data-testid="delivery-page">
            <nav class="breadcrumbs" aria-label="Breadcrumb">
                <A href="/deliveries">"Deliveries"</A>
                <span aria-hidden="true">" / "</span>
                <span class="mono">{move || id.get()}</span>
            </nav>
            {content}
        </section>
    }
}

#[component]
fn DeliveryView(
    /// The delivery with its attempts.
    delivery: Delivery,
    /// Queues a new attempt of a delivery id.
    retry: Action<String, ()>,
    /// Opens the recovery dialog.
    recover_open: RwSignal<bool>,
) -> impl IntoView {
    let d = delivery;
    let id = d.id.0.clone();
    let last = d.attempts.last().cloned();
    let message = last
        .as_ref()
        .and_then(|a| a.message.clone())
        .filter(|m| !m.trim().is_empty());
    let error_kind = last.as_ref().and_then(|a| a.error.clone());
    let payload = serde_json::to_string_pretty(&d.payload).unwrap_or_default();
    let webhook_href = format!("/webhooks/{}", encode_component(&d.webhook_id.0));
    let history_href = format!(
        "/deliveries?webhook_id={}",
        encode_component(&d.webhook_id.0)
    );
    let event_href = format!("/event-types/{}", encode_component(&d.event_type));
    let failed = d.status == DeliveryStatus::Failed;
    let mut attempts = d.attempts.clone();
    // Newest first: the latest attempt is what a support engineer reads first.
    attempts.reverse();
    let newest = attempts.first().map(|a| a.n);
    let timeline = attempts
        .into_iter()
        .map(|a| {
            let open = Some(a.n) == newest;
            view! { <AttemptView attempt=a open=open/> }
        })
        .collect_view();
    let next = d.next_attempt_at;
    let retry_id = id.clone();
    let webhook_name = {
        let backend = use_live_backend();
        let wid = d.webhook_id.0.clone();
        let fallback = wid.clone();
        let webhook = LocalResource::new(move || {
            let wid = wid.clone();
            async move { backend.now().get_webhook(&wid).await.ok() }
        });
        move || {
            webhook
                .get()
                .flatten()
                .map(|w| {
                    if w.name.trim().is_empty() {
                        w.url
                    } else {
                        w.name
                    }
                })
                .unwrap_or_else(|| fallback.clone())
        }
    };

    view! {
        <header class="page-header">
            <div>
                <h1 class="delivery-title">
                    <span class="mono break">{d.event_type.clone()}</span>
                    <DeliveryStatusBadge status=d.status/>
                </h1>
                <p class="mono small break" data-testid="delivery-id">{id.clone()}</p>
            </div>
            <div class="page-actions">
                <CopyTextButton text=payload.clone() label="Copy payload" done="Copied the payload" testid="copy-payload"/>
                <button type="button" class=if failed { "button primary" } else { "button" } data-testid="retry-delivery"
                    disabled=move || retry.pending().get()
                    on:click=move |_| { retry.dispatch(retry_id.clone()); }>
                    {move || if retry.pending().get() { "Retrying…" } else { "Retry now" }}
                </button>
                <button type="button" class="button" data-testid="open-recover" on:click=move |_| recover_open.set(true)>
                    "Recover failed since…"
                </button>
            </div>
        </header>

        {(failed || message.is_some()).then(|| view! {
            <div class=if failed { "callout callout-bad" } else { "callout" } data-testid="delivery-reason">
                <p class="callout-title">
                    {match (d.response_status, error_kind.clone()) {
                        (Some(s), _) => format!("The endpoint answered {s}"),
                        (None, Some(e)) => format!("No answer from the endpoint: {e}"),
                        (None, None) => "No attempt has been made yet".to_owned(),
                    }}
                </p>
                {message.clone().map(|m| view! {
                    <p>"Endpoint message: " <q class="endpoint-message" data-testid="endpoint-message">{crate::format::truncate(&m, MESSAGE_PREVIEW_CHARS)}</q></p>
                })}
            </div>
        })}

        <dl class="card summary-grid" data-testid="delivery-summary">
            <div><dt>"Status"</dt><dd><DeliveryStatusBadge status=d.status/></dd></div>
            <div><dt>"Response"</dt><dd><ResponseBadge status=d.response_status error=error_kind/></dd></div>
            <div><dt>"Attempts"</dt><dd data-testid="attempt-count">{d.attempt_count}</dd></div>
            <div><dt>"Event type"</dt><dd><A href=event_href attr:class="mono">{d.event_type.clone()}</A></dd></div>
            <div><dt>"Webhook"</dt><dd>
                <A href=webhook_href attr:data-testid="delivery-webhook">{webhook_name}</A>
                " · " <A href=history_href>"its deliveries"</A>
            </dd></div>
            <div><dt>"Event id"</dt><dd class="mono break">{d.event_id.map(|e| e.0).unwrap_or_else(|| "—".into())}</dd></div>
            <div><dt>"Created"</dt><dd><RelativeTime at=d.created_at placeholder="—"/></dd></div>
            <div><dt>"Last attempt"</dt><dd><RelativeTime at=d.last_attempt_at placeholder="—"/></dd></div>
            <div><dt>"Next attempt"</dt><dd data-testid="next-attempt"><RelativeTime at=next placeholder="none scheduled"/></dd></div>
        </dl>

        <section class="card" aria-labelledby="attempts-heading">
            <h2 id="attempts-heading">"Attempts"</h2>
            <ol class="timeline" data-testid="attempts" reversed>
                {next.map(|t| view! {
                    <li class="timeline-item timeline-next" data-testid="attempt-next">
                        <span class="timeline-dot" aria-hidden="true"></span>
                        <div class="timeline-head">
                            <strong>"Next attempt"</strong>
                            <RelativeTime at=Some(t)/>
                        </div>
                    </li>
                })}
                {timeline}
            </ol>
            {d.attempts.is_empty().then(|| view! { <p class="muted" data-testid="no-attempts">"No attempt yet."</p> })}
        </section>

        <section class="card" aria-labelledby="payload-heading">
            <h2 id="payload-heading">"Payload"</h2>
            <CodeViewer code=payload lang=crate::components::pretty::Lang::Json label="Event payload" testid="payload-viewer"/>
        </section>
    }
}

#[component]
fn AttemptView(
    /// The attempt.
    attempt: Attempt,
    /// Shown expanded.
    open: bool,
) -> impl IntoView {
    let a = attempt;
    let status = a.response.as_ref().map(|r| r.status);
    let ok = status.is_some_and(|s| (200..300).contains(&s));
    let content_type = |headers: &[(String, String)]| {
        headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("content-type"))
            .map(|(_, v)| v.clone())
    };
    let req_ct = content_type(&a.request.headers);
    let request = a.request.clone();
    let response = a.response.clone();
    let message = a.message.clone().filter(|m| !m.trim().is_empty());
    view! {
        <li class=if ok { "timeline-item timeline-ok" } else { "timeline-item timeline-bad" }
            data-testid="attempt" data-n=a.n.to_string()>
            <span class="timeline-dot" aria-hidden="true"></span>
            <details class="attempt" open=open>
                <summary class="timeline-head">
                    <strong>{format!("Attempt {}", a.n)}</strong>
                    <ResponseBadge status=status error=a.error.clone()/>
                    <RelativeTime at=Some(a.started_at)/>
                    <span class="muted small">{format!("{} ms", a.duration_ms)}</span>
                    {message.clone().map(|m| view! {
                        <span class="attempt-message break" data-testid="attempt-message">{crate::format::truncate(&m, 120)}</span>
                    })}
                </summary>
                <div class="attempt-body">
                    <div class="attempt-actions">
                        <span class="mono small break">{format!("{} {}", a.request.method, a.request.url)}</span>
                        <span class="attempt-copy">
                            <CopyCurlButton request=request.clone()/>
                            {response.as_ref().map(|r| view! {
                                <CopyTextButton text=r.body.clone() label="Copy response" done="Copied the response body" testid="copy-response"/>
                            })}
                        </span>
                    </div>
                    {message.map(|m| view! {
                        <p class="endpoint-full-message"><strong>"Endpoint message: "</strong><span class="break">{m}</span></p>
                    })}
                    <div class="exchange">
                        <section class="exchange-side" aria-label="Request">
                            <h3>"Request"</h3>
                            <HeaderTable headers=request.headers.clone() testid="request-headers"/>
                            <CodeViewer code=request.body.clone() content_type=req_ct label="Request body" testid="request-body"/>
                        </section>
                        <section class="exchange-side" aria-label="Response">
                            <h3>"Response"</h3>
                            {match response {
                                Some(r) => {
                                    let ct = content_type(&r.headers);
                                    view! {
                                        <HeaderTable headers=r.headers.clone() testid="response-headers"/>
                                        <CodeViewer code=r.body.clone() content_type=ct label="Response body"
                                            truncated=r.truncated testid="response-body"/>
                                    }.into_any()
                                }
                                None => view! {
                                    <p class="muted" data-testid="no-response">
                                        {format!("No response: {}", a.error.clone().unwrap_or_else(|| "unknown error".into()))}
                                    </p>
                                }.into_any(),
                            }}
                        </section>
                    </div>
                </div>
            </details>
        </li>
    }
}

#[component]
fn HeaderTable(
    /// Name/value pairs as recorded.
    headers: Vec<(String, String)>,
    /// `data-testid` of the table.
    #[prop(into)]
    testid: String,
) -> impl IntoView {
    if headers.is_empty() {
        return view! { <p class="muted small" data-testid=testid>"No headers recorded."</p> }
            .into_any();
    }
    view! {
        <table class="table headers-table" data-testid=testid>
            <caption class="sr-only">"Headers"</caption>
            <tbody>
                {headers.into_iter().map(|(k, v)| view! {
                    <tr><th scope="row" class="mono">{k}</th><td class="mono break">{v}</td></tr>
                }).collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}
