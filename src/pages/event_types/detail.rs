//! One event type: its description, fields, schema and example payloads as JSON and as XML.

use crate::api::{encode_component, ApiError, Backend};
use crate::components::pretty::Lang;
use crate::components::{CodeViewer, ErrorPanel};
use crate::state::{use_connection, use_live_backend};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};
use switchboard_api::{payload_to_xml, EventType, Feature};

#[component]
pub fn EventTypeDetailPage() -> impl IntoView {
    let params = use_params_map();
    let name = Memo::new(move |_| params.with(|p| p.get("name").unwrap_or_default()));
    let backend = use_live_backend();
    let conn = use_connection();
    let reload = Trigger::new();
    let detail = LocalResource::new(move || {
        let name = name.get();
        reload.track();
        let full = conn.has(Feature::Catalogue);
        let documentation = conn.dialect().event_documentation();
        async move {
            if full {
                return backend.now().get_event_type(&name).await;
            }
            // A vendor whose documentation describes its payloads (Shoprenter's order and
            // newsletter fields) has them shipped beside the console; the list entry otherwise.
            if let Some(asset) = documentation {
                if let Ok(documented) = crate::api::documented_event_types(asset).await {
                    if let Some(found) = documented.into_iter().find(|e| e.name == name) {
                        return Ok(found);
                    }
                }
            }
            // A core-only backend has no single-get: the list entry is all there is.
            let list = backend.now().list_event_types().await?;
            list.into_iter()
                .find(|e| e.name == name)
                .ok_or_else(|| ApiError::Http {
                    status: 404,
                    problem: switchboard_api::Problem {
                        title: "Not found".into(),
                        status: 404,
                        detail: Some(format!("The catalogue has no event type named {name}")),
                        ..Default::default()
                    },
                    retry_after: None,
                })
        }
    });
    let content = move || {
        match detail.get() {
        None => view! {
            <div class="card" data-testid="event-type-loading">
                <span class="skeleton skeleton-title"></span>
                {(0..4).map(|_| view! { <span class="skeleton skeleton-row"></span> }).collect_view()}
            </div>
        }
        .into_any(),
        Some(Err(e)) => view! {
            {e.is_not_found().then(|| view! { <h1>"Event type not found"</h1> })}
            <ErrorPanel error=e on_retry=Callback::new(move |()| reload.notify())/>
        }
        .into_any(),
        Some(Ok(e)) => view! { <EventTypeView event=e/> }.into_any(),
    }
    };
    view! {
        <section class="page event-type-page" data-testid="event-type-page">
            <nav class="breadcrumbs" aria-label="Breadcrumb">
                <A href="/event-types">"Event types"</A>
                <span aria-hidden="true">" / "</span>
                <span class="mono">{move || name.get()}</span>
            </nav>
            {content}
        </section>
    }
}

#[component]
fn EventTypeView(
    /// The event type, with schema and examples when the backend has them.
    event: EventType,
) -> impl IntoView {
    let e = event;
    let query = use_query_map();
    let navigate = use_navigate();
    let location = leptos_router::hooks::use_location();
    let format = Memo::new(move |_| {
        if query.with(|q| q.get("format")).as_deref() == Some("xml") {
            Lang::Xml
        } else {
            Lang::Json
        }
    });
    let set_format = move |lang: Lang| {
        let path = location.pathname.get_untracked();
        let url = if lang == Lang::Xml {
            format!("{path}?format=xml")
        } else {
            path
        };
        crate::pages::show_view(&navigate, &url, true);
    };
    let set_format = StoredValue::new(set_format);
    let create_href = format!("/webhooks/new?event={}", encode_component(&e.name));
    let schema = e
        .schema
        .as_ref()
        .map(|s| serde_json::to_string_pretty(s).unwrap_or_default());
    let examples = StoredValue::new(e.examples.clone());
    let examples_view = move || {
        let lang = format.get();
        examples
            .get_value()
            .into_iter()
            .enumerate()
            .map(|(i, ex)| {
                let code = if lang == Lang::Xml { payload_to_xml(&ex) } else { serde_json::to_string_pretty(&ex).unwrap_or_default() };
                view! {
                    <CodeViewer code=code lang=lang label=format!("Example {}", i + 1) testid="example-payload"/>
                }
            })
            .collect_view()
    };
    let has_examples = !e.examples.is_empty();
    let tab = move |lang: Lang| {
        view! {
            <button type="button" role="tab" class="tab" data-testid=format!("format-{}", lang.as_str())
                aria-selected=move || (format.get() == lang).to_string()
                on:click=move |_| set_format.with_value(|f| f(lang))>
                {lang.label()}
            </button>
        }
    };
    view! {
        <header class="page-header">
            <div>
                <h1 class="mono break" data-testid="event-type-name">
                    {e.name.clone()}
                    {e.deprecated.then(|| view! { " " <span class="badge badge-warning" data-testid="deprecated">"Deprecated"</span> })}
                </h1>
                {(!e.group.is_empty()).then(|| view! { <p>"Group: " {e.group.clone()}</p> })}
            </div>
            <div class="page-actions">
                <A href=create_href attr:class="button primary" attr:data-testid="create-webhook-for-event">
                    "Create a webhook for this event"
                </A>
            </div>
        </header>
        {e.deprecated.then(|| view! {
            <div class="callout" data-testid="deprecated-note">
                <p>"This event type is deprecated: existing webhooks still receive it, but new integrations should not rely on it."</p>
            </div>
        })}
        <section class="card">
            <h2>"Description"</h2>
            <p data-testid="event-type-description">
                {if e.description.trim().is_empty() { "No description.".to_owned() } else { e.description.clone() }}
            </p>
        </section>
        <section class="card" aria-labelledby="examples-heading">
            <div class="section-head">
                <h2 id="examples-heading">"Example payloads"</h2>
                {has_examples.then(|| view! {
                    <div class="tabs" role="tablist" aria-label="Payload format">{tab(Lang::Json)}{tab(Lang::Xml)}</div>
                })}
            </div>
            {if has_examples {
                view! {
                    <p class="muted small">{move || if format.get() == Lang::Xml {
                        "As sent to webhooks whose format is XML."
                    } else {
                        "As sent to webhooks whose format is JSON."
                    }}</p>
                    <div class="examples" data-testid="examples">{examples_view}</div>
                }.into_any()
            } else {
                view! { <p class="muted">"No example payload."</p> }.into_any()
            }}
        </section>
        <section class="card" aria-labelledby="fields-heading">
            <h2 id="fields-heading">"Fields"</h2>
            {if e.fields.is_empty() {
                view! { <p class="muted">"No field documentation."</p> }.into_any()
            } else {
                view! {
                    <div class="table-wrap">
                        <table class="table" data-testid="event-fields">
                            <thead><tr><th scope="col">"Key"</th><th scope="col">"Description"</th></tr></thead>
                            <tbody>
                                {e.fields.iter().map(|f| view! {
                                    <tr><td class="mono">{f.key.clone()}</td><td>{f.description.clone()}</td></tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any()
            }}
        </section>
        <section class="card" aria-labelledby="schema-heading">
            <h2 id="schema-heading">"JSON Schema"</h2>
            {match schema {
                Some(s) => view! { <CodeViewer code=s lang=Lang::Json label="Payload schema" testid="event-schema"/> }.into_any(),
                None => view! { <p class="muted">"This backend publishes no schema for this event type."</p> }.into_any(),
            }}
        </section>
    }
}
