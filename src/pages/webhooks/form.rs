//! The create and edit pages around `WebhookForm`: they fetch the catalogue (and the webhook),
//! send the create with an `Idempotency-Key` or the minimal PATCH, and guard unsaved changes.

use crate::api::{encode_component, ApiError, Backend};
use crate::components::webhook_form::model::{FormState, LocalClock, Shape, Utc};
use crate::components::webhook_form::BrowserClock;
use crate::components::{ErrorPanel, UnsavedGuard, WebhookForm};
use crate::state::{use_backend, use_connection, use_toasts};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};
use leptos_router::NavigateOptions;
use std::sync::Arc;
use switchboard_api::{Capabilities, EventType, Feature, Webhook, WebhookInput, WebhookPatch};

/// One key per form session and body: a retry of the same submit (after a network error or
/// a double click) reuses it, so the server answers with the first result instead of creating
/// a second webhook; a changed body is a new request and gets a new key.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IdempotencyKeys {
    key: String,
    body: Option<String>,
}

impl IdempotencyKeys {
    pub fn key_for(&mut self, body: &str, fresh: impl FnOnce() -> String) -> String {
        if self.body.as_deref() != Some(body) || self.key.is_empty() {
            self.key = fresh();
            self.body = Some(body.to_owned());
        }
        self.key.clone()
    }
}

/// A random v4 UUID from the browser's CSPRNG (`getRandomValues` works in insecure contexts
/// too, unlike `randomUUID`).
pub fn new_idempotency_key() -> String {
    let mut b = [0u8; 16];
    let filled = web_sys::window()
        .and_then(|w| w.crypto().ok())
        .map(|c| c.get_random_values_with_u8_array(&mut b).is_ok())
        .unwrap_or(false);
    if !filled {
        for x in b.iter_mut() {
            *x = (js_sys::Math::random() * 256.0) as u8;
        }
    }
    uuid_v4(b)
}

pub fn uuid_v4(mut b: [u8; 16]) -> String {
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

fn catalogue_resource() -> LocalResource<Result<Vec<EventType>, ApiError>> {
    LocalResource::new(|| async { use_backend().list_event_types().await })
}

/// The connected API's model, when the dialect documents its destination types itself (every
/// vendor's): nothing to ask, so the form shows at once.
fn known_shape() -> Option<Shape> {
    let backend = use_backend();
    let dialect = backend.dialect();
    dialect.destination_types().map(|types| Shape {
        vocabulary: dialect.vocabulary(),
        types: Arc::new(types),
        private_targets: Shape::PRIVATE_TARGETS,
    })
}

/// The connected API's model and the destination types its backend lists.
fn shape_resource() -> LocalResource<Result<Shape, ApiError>> {
    let conn = use_connection();
    LocalResource::new(move || async move {
        let backend = use_backend();
        let caps = conn
            .capabilities_untracked()
            .unwrap_or_else(Capabilities::core);
        let types = backend.destination_types(&caps).await?;
        Ok(Shape {
            vocabulary: backend.dialect().vocabulary(),
            types: Arc::new(types),
            private_targets: Shape::PRIVATE_TARGETS,
        })
    })
}

/// A date-only "active from" (Output.Rocks) is a UTC day, whatever the browser's zone.
fn clock_for(shape: &Shape) -> &'static (dyn LocalClock + Sync) {
    match shape.vocabulary.active_from {
        Some((_, true)) => &Utc,
        _ => &BrowserClock,
    }
}

/// Shows `form` once the shape is known (at once when the dialect knows it), or why it is not.
fn with_shape<V: IntoView + 'static>(
    form: impl Fn(Shape) -> V + Clone + Send + Sync + 'static,
) -> impl IntoView {
    if let Some(shape) = known_shape() {
        return form(shape).into_any();
    }
    // Not a Suspense: the form reads resources of its own (the catalogue), and a Suspense
    // around it would count those as its own and build the form again, leaving the first
    // one's effects behind.
    let shape = shape_resource();
    (move || match shape.get() {
        None => view! { <div class="card" aria-busy="true"><span class="skeleton"></span></div> }
            .into_any(),
        Some(Ok(s)) => form(s).into_any(),
        Some(Err(e)) => view! { <ErrorPanel error=e/> }.into_any(),
    })
    .into_any()
}

fn loaded(c: &Option<Result<Vec<EventType>, ApiError>>) -> Option<Vec<EventType>> {
    c.as_ref().and_then(|r| r.as_ref().ok()).cloned()
}

#[component]
pub fn WebhookNewPage() -> impl IntoView {
    let query = use_query_map();
    // A new `?event=` (the route stays the same) starts a fresh form with that preselection.
    let preselect = Memo::new(move |_| query.with(|q| q.get("event")));
    move || view! { <NewWebhookShaped preselect=preselect.get()/> }
}

/// Loads the shape beside the form, so both belong to the same `?event=` session.
#[component]
fn NewWebhookShaped(preselect: Option<String>) -> impl IntoView {
    with_shape(move |s| view! { <NewWebhook preselect=preselect.clone() shape=s/> })
}

#[component]
fn NewWebhook(preselect: Option<String>, shape: Shape) -> impl IntoView {
    let navigate = use_navigate();
    let toasts = use_toasts();
    let catalogue = catalogue_resource();
    let catalogue_signal = Signal::derive(move || catalogue.get());

    let clock = clock_for(&shape);
    let mut initial = FormState {
        kind: shape
            .types
            .first()
            .map(|t| t.name.clone())
            .unwrap_or_else(|| switchboard_api::HTTP_TYPE.to_owned()),
        shape,
        ..FormState::default()
    };
    if let Some(events) = preselect {
        initial.events.extend(
            events
                .split(',')
                .map(str::trim)
                .filter(|e| !e.is_empty())
                .map(str::to_owned),
        );
    }
    let dirty = RwSignal::new(false);
    let saved = RwSignal::new(false);
    let server_error = RwSignal::new(None::<ApiError>);
    let keys = StoredValue::new(IdempotencyKeys::default());

    let create = Action::new_local(move |(input, key): &(WebhookInput, String)| {
        let (input, key) = (input.clone(), key.clone());
        let navigate = navigate.clone();
        async move {
            match use_backend().create_webhook(&input, &key).await {
                Ok(w) => {
                    saved.set(true);
                    toasts.success(if w.name.is_empty() {
                        "Webhook created".to_owned()
                    } else {
                        format!("Webhook “{}” created", w.name)
                    });
                    navigate(
                        &format!("/webhooks/{}", encode_component(w.id.as_str())),
                        NavigateOptions::default(),
                    );
                }
                Err(e) => server_error.set(Some(e)),
            }
        }
    });
    let on_submit = Callback::new(move |state: FormState| {
        if create.pending().get_untracked() {
            return;
        }
        let cat = catalogue.with_untracked(loaded);
        if let Ok(input) = state.to_input(cat.as_deref(), clock) {
            let body = serde_json::to_string(&input).unwrap_or_default();
            let key = keys
                .try_update_value(|k| k.key_for(&body, new_idempotency_key))
                .unwrap_or_else(new_idempotency_key);
            create.dispatch((input, key));
        }
    });

    view! {
        <section class="page narrow-wide">
            <header class="page-header">
                <div>
                    <nav class="crumbs" aria-label="Breadcrumb"><A href="/webhooks">"Webhooks"</A> " / "</nav>
                    <h1>"New webhook"</h1>
                    <p>"Choose where events go, which ones, and how they are delivered."</p>
                </div>
            </header>
            <WebhookForm initial=initial catalogue=catalogue_signal on_submit=on_submit
                pending=Signal::derive(move || create.pending().get())
                server_error=Signal::derive(move || server_error.get())
                dirty=dirty cancel_href="/webhooks" draft_key="new"/>
            <UnsavedGuard when=Signal::derive(move || dirty.get() && !saved.get())/>
        </section>
    }
}

#[component]
pub fn WebhookEditPage() -> impl IntoView {
    let params = use_params_map();
    let conn = use_connection();
    let id = move || params.with(|p| p.get("id").unwrap_or_default());
    let reload = Trigger::new();
    let webhook = LocalResource::new(move || {
        let id = id();
        reload.track();
        async move { use_backend().get_webhook(&id).await }
    });
    view! {
        <section class="page narrow-wide">
            <Show when=move || conn.has(Feature::Update) fallback=move || view! {
                <div class="card empty-state" data-testid="edit-unsupported">
                    <h1>"Editing is not available"</h1>
                    <p>"This backend does not support changing a webhook. You can delete it and create a new one."</p>
                    <A href=format!("/webhooks/{}", encode_component(&id())) attr:class="button">"Back to the webhook"</A>
                </div>
            }>
                // Not a Suspense: the form reads resources of its own (the catalogue), and a
                // Suspense around it would count those as its own and build the form again.
                {move || match webhook.get() {
                    None => view! { <div class="card" aria-busy="true"><span class="skeleton"></span></div> }.into_any(),
                    Some(Ok(w)) => with_shape(move |s| view! { <EditForm webhook=w.clone() shape=s/> }).into_any(),
                    Some(Err(e)) => view! {
                        <ErrorPanel error=e on_retry=Callback::new(move |_| reload.notify())/>
                    }.into_any(),
                }}
            </Show>
        </section>
    }
}

#[component]
fn EditForm(webhook: Webhook, shape: Shape) -> impl IntoView {
    let navigate = use_navigate();
    let toasts = use_toasts();
    let catalogue = catalogue_resource();
    let catalogue_signal = Signal::derive(move || catalogue.get());
    let id = webhook.id.as_str().to_owned();
    let draft_id = id.clone();
    let detail_href = format!("/webhooks/{}", encode_component(&id));
    let clock = clock_for(&shape);
    let original = FormState {
        shape,
        ..FormState::from_webhook(&webhook, clock)
    };
    let original_copy = original.clone();
    let dirty = RwSignal::new(false);
    let saved = RwSignal::new(false);
    let server_error = RwSignal::new(None::<ApiError>);

    let go_detail = {
        let navigate = navigate.clone();
        let href = detail_href.clone();
        move || navigate(&href, NavigateOptions::default())
    };
    let go_after_save = go_detail.clone();
    let update = Action::new_local(move |(id, patch): &(String, WebhookPatch)| {
        let (id, patch) = (id.clone(), patch.clone());
        let go_after_save = go_after_save.clone();
        async move {
            match use_backend().update_webhook(&id, &patch).await {
                Ok(w) => {
                    saved.set(true);
                    toasts.success(format!("Webhook “{}” saved", w.name));
                    go_after_save();
                }
                Err(e) => server_error.set(Some(e)),
            }
        }
    });
    let on_submit = Callback::new(move |state: FormState| {
        if update.pending().get_untracked() {
            return;
        }
        let cat = catalogue.with_untracked(loaded);
        if let Ok(patch) = state.to_patch(&original_copy, cat.as_deref(), clock) {
            if patch == WebhookPatch::default() {
                saved.set(true);
                toasts.info("Nothing changed");
                go_detail();
            } else {
                update.dispatch((id.clone(), patch));
            }
        }
    });
    let name = webhook.name.clone();
    view! {
        <header class="page-header">
            <div>
                <nav class="crumbs" aria-label="Breadcrumb">
                    <A href="/webhooks">"Webhooks"</A> " / " <A href=detail_href.clone()>{name.clone()}</A> " / "
                </nav>
                <h1>"Edit webhook"</h1>
                <p class="break">{webhook.url.clone()}</p>
            </div>
        </header>
        <WebhookForm initial=original editing=true catalogue=catalogue_signal on_submit=on_submit
            pending=Signal::derive(move || update.pending().get())
            server_error=Signal::derive(move || server_error.get())
            dirty=dirty cancel_href=detail_href draft_key=format!("edit:{draft_id}")/>
        <UnsavedGuard when=Signal::derive(move || dirty.get() && !saved.get())/>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_retried_body_reuses_its_key_and_a_new_body_gets_a_new_one() {
        let mut keys = IdempotencyKeys::default();
        let mut n = 0;
        let mut fresh = || {
            n += 1;
            format!("k{n}")
        };
        let a = keys.key_for("{\"name\":\"a\"}", &mut fresh);
        let again = keys.key_for("{\"name\":\"a\"}", &mut fresh);
        let b = keys.key_for("{\"name\":\"b\"}", &mut fresh);
        assert_eq!(a, "k1");
        assert_eq!(again, "k1");
        assert_eq!(b, "k2");
    }

    #[test]
    fn uuids_have_the_v4_shape() {
        let u = uuid_v4([0xff; 16]);
        assert_eq!(u.len(), 36);
        assert_eq!(&u[14..15], "4");
        assert!(matches!(&u[19..20], "8" | "9" | "a" | "b"));
        assert_eq!(u.matches('-').count(), 4);
    }
}
