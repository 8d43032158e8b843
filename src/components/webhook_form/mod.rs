//! `WebhookForm`: create and edit a webhook — every field of the resource in sections, inline
//! validation mirroring the server, the server's field errors at their fields, focus on the
//! first invalid field, and nothing typed ever lost on a failure.

mod destination;
pub mod fields;
pub mod model;
// Native only: it runs the reference server's validation beside the form's.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod validation_table;

use crate::api::dialect::{Events, Schemes};
use crate::api::ApiError;
use crate::components::{AuthFields, EventPicker, HeaderEditor};
use destination::{DataFields, TargetRows};
use fields::{error_at, Errors, FieldMessage, TextField};
use leptos::prelude::*;
use model::{FormState, LocalClock};
use std::collections::HashSet;
use switchboard_api::{DelayUnit, EventType, FieldError, Format, Timestamp};
use wasm_bindgen::JsCast;

/// The browser's own time zone.
pub struct BrowserClock;

impl LocalClock for BrowserClock {
    fn offset_minutes(&self, at: &Timestamp) -> i32 {
        crate::format::local_offset_minutes(at)
    }
}

// Unsaved input kept in memory while the form is away because the connection dropped (a
// rejected token sends the user to Connect); the form takes it back when it returns.
thread_local! {
    static DRAFTS: std::cell::RefCell<std::collections::HashMap<String, FormState>> =
        std::cell::RefCell::new(std::collections::HashMap::new());
}

fn take_draft(key: &str) -> Option<FormState> {
    DRAFTS.with(|d| d.borrow_mut().remove(key))
}

fn put_draft(key: &str, state: FormState) {
    DRAFTS.with(|d| {
        d.borrow_mut().insert(key.to_owned(), state);
    });
}

fn drop_draft(key: &str) {
    DRAFTS.with(|d| {
        d.borrow_mut().remove(key);
    });
}

/// Which errors to show: the server's (until their field is edited), then the client's for
/// fields the user has left or once a submit was attempted.
pub fn shown_errors(
    client: &[FieldError],
    server: &[FieldError],
    edited: &HashSet<String>,
    touched: &HashSet<String>,
    submitted: bool,
) -> Vec<FieldError> {
    let mut out: Vec<FieldError> = server
        .iter()
        .filter(|e| !edited.contains(&e.field))
        .cloned()
        .collect();
    for e in client {
        if (submitted || touched.contains(&e.field)) && !out.iter().any(|o| o.field == e.field) {
            out.push(e.clone());
        }
    }
    out
}

/// Focuses the first invalid control of the form, in document order.
fn focus_first_invalid(form: &web_sys::HtmlElement) {
    let Ok(Some(el)) = form.query_selector("[aria-invalid=\"true\"], .event-picker.invalid input")
    else {
        return;
    };
    if let Ok(el) = el.dyn_into::<web_sys::HtmlElement>() {
        let _ = el.focus();
    }
}

/// The `name` of the form control an event came from.
fn control_name(ev: &web_sys::Event) -> Option<String> {
    let el = ev.target()?.dyn_into::<web_sys::Element>().ok()?;
    el.get_attribute("name")
}

macro_rules! bind {
    ($state:ident, $field:ident) => {
        (
            Signal::derive(move || $state.with(|s| s.$field.clone())),
            Callback::new(move |v: String| $state.update(|s| s.$field = v)),
        )
    };
}

#[component]
pub fn WebhookForm(
    /// Where the form starts: defaults (plus preselected events) for a new webhook, the
    /// stored values on edit.
    initial: FormState,
    /// Edit mode: the submit button says "Save changes".
    #[prop(optional)]
    editing: bool,
    /// The event catalogue; `None` while loading.
    #[prop(into)]
    catalogue: Signal<Option<Result<Vec<EventType>, ApiError>>>,
    /// Called with the form's state once the client-side rules pass.
    on_submit: Callback<FormState>,
    /// A submit is in flight: the button is disabled and says so.
    #[prop(into)]
    pending: Signal<bool>,
    /// The last submit's failure; its field errors are shown at their fields.
    #[prop(into)]
    server_error: Signal<Option<ApiError>>,
    /// Written by the form: whether anything differs from `initial`.
    dirty: RwSignal<bool>,
    /// Where "Cancel" leads.
    #[prop(into)]
    cancel_href: String,
    /// Names this form's unsaved input (`new`, `edit:<id>`) so it survives a dropped connection.
    #[prop(optional, into)]
    draft_key: Option<String>,
) -> impl IntoView {
    let restored = draft_key.as_deref().and_then(take_draft);
    let was_restored = restored.is_some();
    let start = restored.unwrap_or_else(|| initial.clone());
    let base = RwSignal::new(start.clone());
    let events = RwSignal::new(start.events.clone());
    let auth = RwSignal::new(start.auth.clone());
    let headers = RwSignal::new(start.headers.clone());
    let snapshot = move || FormState {
        events: events.get(),
        auth: auth.get(),
        headers: headers.get(),
        ..base.get()
    };
    let initial_copy = initial.clone();
    let latest = StoredValue::new(None::<FormState>);
    Effect::new(move |_| {
        let now = snapshot();
        let changed = now != initial_copy;
        latest.set_value(changed.then_some(now));
        dirty.set(changed);
    });
    if let Some(key) = draft_key {
        let conn = crate::state::use_connection();
        on_cleanup(move || {
            // Still connected: the user left on purpose (saved, cancelled, confirmed leaving).
            let connected = conn
                .phase
                .try_with_untracked(|p| matches!(p, crate::state::Phase::Connected(_)))
                .unwrap_or(false);
            match latest.try_get_value().flatten() {
                Some(state) if !connected => put_draft(&key, state),
                _ => drop_draft(&key),
            }
        });
    }

    let touched = RwSignal::new(HashSet::<String>::new());
    let edited = RwSignal::new(HashSet::<String>::new());
    let submitted = RwSignal::new(false);
    let form_ref = NodeRef::<leptos::html::Form>::new();

    let client_errors = Memo::new(move |_| {
        let cat = catalogue.with(|c| c.as_ref().and_then(|r| r.as_ref().ok()).cloned());
        snapshot().validate(cat.as_deref(), &BrowserClock)
    });
    let server_field_errors = Memo::new(move |_| {
        server_error.with(|e| {
            e.as_ref()
                .map(|e| e.field_errors().to_vec())
                .unwrap_or_default()
        })
    });
    let shown: Errors = Signal::derive(move || {
        shown_errors(
            &client_errors.get(),
            &server_field_errors.get(),
            &edited.get(),
            &touched.get(),
            submitted.get(),
        )
    });

    let focus_soon = move || {
        request_animation_frame(move || {
            if let Some(f) = form_ref.get_untracked() {
                focus_first_invalid(&f);
            }
        })
    };
    // A new server answer: its field errors are fresh again, and the first one gets focus.
    Effect::new(move |_| {
        let has_fields =
            server_error.with(|e| e.as_ref().is_some_and(|e| !e.field_errors().is_empty()));
        edited.set(HashSet::new());
        if has_fields {
            focus_soon();
        }
    });

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        submitted.set(true);
        if client_errors.with_untracked(|e| e.is_empty()) {
            on_submit.run(snapshot());
        } else {
            focus_soon();
        }
    };
    let on_focusout = move |ev: leptos::ev::FocusEvent| {
        if let Some(name) = control_name(&ev) {
            touched.update(|t| {
                t.insert(name);
            });
        }
    };
    let on_input = move |ev: leptos::ev::Event| {
        if let Some(name) = control_name(&ev) {
            if server_field_errors
                .with_untracked(|s| s.iter().any(|e| e.field == name || name == "events"))
            {
                edited.update(|t| {
                    t.insert(name);
                });
            }
        }
    };

    let (name, set_name) = bind!(base, name);
    let (url, set_url) = bind!(base, url);
    let (retry, set_retry) = bind!(base, retry_count);
    let (timeout, set_timeout_s) = bind!(base, timeout_seconds);
    let (priority, set_priority) = bind!(base, priority);
    let (delay_amount, set_delay_amount) = bind!(base, delay_amount);
    let (group, set_group) = bind!(base, filter_group);
    // The vendor's model: which sections and members exist, and its words for them.
    let shape = start.shape.clone();
    let v = shape.vocabulary;
    let types = shape.types.clone();
    let is_http = move || base.with(|s| s.kind == switchboard_api::HTTP_TYPE);
    let kind_schema = {
        let shape = shape.clone();
        move || base.with(|s| shape.schema(&s.kind).cloned())
    };
    let date_only = v.active_from.is_some_and(|(_, d)| d);
    let events_error = Signal::derive(error_at(shown, "events".to_owned()));
    let description_error = Signal::derive(error_at(shown, "description".to_owned()));
    let condition_error = Signal::derive(error_at(shown, "filter.condition".to_owned()));
    let active_from_error = Signal::derive(error_at(shown, "active_from".to_owned()));

    let banner = move || {
        server_error.get().map(|e| {
            let fields = e.field_errors().len();
            let lead = match &e {
                ApiError::Network { .. } => {
                    "The server could not be reached, so nothing was saved. Your input is kept: try again when it is back.".to_owned()
                }
                // The request may have arrived: only the answer is missing or unreadable.
                ApiError::Interrupted { .. } | ApiError::Decode { .. } | ApiError::Timeout { .. } | ApiError::Aborted => {
                    "The server may have saved it before the answer was lost; submitting again is safe (it cannot save twice). Your input is kept.".to_owned()
                }
                _ if fields > 0 => format!(
                    "The server did not accept {} field{}: see the messages below. Your input is kept.",
                    fields,
                    if fields == 1 { "" } else { "s" }
                ),
                _ => "Nothing was saved. Your input is kept.".to_owned(),
            };
            view! {
                <div class="error-panel" role="alert" data-testid="form-error">
                    <p class="error-title">{e.message()}</p>
                    <p>{lead}</p>
                    {e.request_id().map(|id| view! { <p class="muted small">"Request id: " <code>{id.to_owned()}</code></p> })}
                </div>
            }
        })
    };
    let client_summary = move || {
        let n = client_errors.with(|e| e.len());
        (submitted.get() && n > 0 && server_error.with(|e| e.is_none())).then(|| {
            view! {
                <p class="field-error form-summary" role="alert" data-testid="form-invalid">
                    {if n == 1 { "1 field needs attention.".to_owned() } else { format!("{n} fields need attention.") }}
                </p>
            }
        })
    };

    view! {
        <form class="webhook-form" node_ref=form_ref novalidate data-testid="webhook-form"
            on:submit=submit on:focusout=on_focusout on:input=on_input on:change=on_input>
            {was_restored.then(|| view! {
                <p class="info-note" role="status" data-testid="draft-restored">
                    "Your unsaved input from before the connection dropped is back. Review it and save."
                </p>
            })}
            {banner}

            <section class="form-section card" aria-labelledby="sec-basics">
                <div class="form-section-intro">
                    <h2 id="sec-basics">"Basics"</h2>
                    <p class="muted small">"How the webhook is listed, and where deliveries go."</p>
                </div>
                <div class="form-section-fields">
                    {v.name.map(|label| view! {
                        <TextField path="name" label=label value=name on_input=set_name errors=shown required=v.name_required
                            placeholder="Order notifications"/>
                    })}
                    {(v.types && types.len() > 1).then(|| {
                        let types = types.clone();
                        view! {
                            <div class="field">
                                <label for="wh-type">"Type"</label>
                                <select id="wh-type" name="type" data-testid="wh-type" disabled=editing
                                    prop:value=move || base.with(|s| s.kind.clone())
                                    on:change=move |ev| {
                                        let kind = event_target_value(&ev);
                                        base.update(|s| { s.kind = kind; s.data.clear(); });
                                    }>
                                    {types.iter().map(|t| view! {
                                        <option value=t.name.clone()>{if t.title.is_empty() { t.name.clone() } else { format!("{} — {}", t.title, t.name) }}</option>
                                    }).collect_view()}
                                </select>
                                <p class="hint">{if editing { "The type is fixed once created." } else { "What the webhook delivers to; the settings below follow from it." }}</p>
                                <FieldMessage path="type" errors=shown/>
                            </div>
                        }
                    })}
                    <div class="field" class:invalid=move || description_error.get().is_some() hidden=!v.description>
                        <label for="wh-description">"Description"</label>
                        <textarea id="wh-description" name="description" data-testid="wh-description" rows="2"
                            aria-invalid=move || description_error.get().is_some().then_some("true")
                            prop:value=move || base.with(|s| s.description.clone())
                            on:input=move |ev| base.update(|s| s.description = event_target_value(&ev))></textarea>
                        <FieldMessage path="description" errors=shown/>
                    </div>
                    {v.url.map(|label| view! {
                        <Show when=is_http>
                            <TextField path="url" label=label value=url on_input=set_url errors=shown required=true
                                input_type="url" placeholder="https://example.com/webhooks"
                                hint=match v.schemes {
                                    Schemes::HttpsOrLocal => "Must use https://. Plain http is only accepted for loopback test receivers, where the server allows them.",
                                    Schemes::HttpsOnly => "Must use https://.",
                                    Schemes::Either => "http:// or https://.",
                                }/>
                            {v.targets.is_some().then(|| view! { <TargetRows state=base errors=shown/> })}
                        </Show>
                    })}
                    <label class="check" hidden=v.toggle == crate::api::dialect::Toggle::DeactivateOnly>
                        <input type="checkbox" name="is_active" data-testid="wh-is-active"
                            prop:checked=move || base.with(|s| s.is_active)
                            on:change=move |ev| base.update(|s| s.is_active = event_target_checked(&ev))/>
                        <span>{v.active} <span class="hint">" — deliver events as soon as they happen"</span></span>
                    </label>
                </div>
            </section>

            {move || kind_schema().map(|schema| view! {
                <section class="form-section card" aria-labelledby="sec-data" data-testid="wh-data">
                    <div class="form-section-intro">
                        <h2 id="sec-data">"Configuration"</h2>
                        <p class="muted small">"What this type needs to deliver, as the backend describes it."</p>
                    </div>
                    <div class="form-section-fields">
                        <DataFields state=base schema=schema errors=shown/>
                    </div>
                </section>
            })}

            <section class="form-section card" aria-labelledby="sec-events" hidden=v.events == Events::Fixed>
                <div class="form-section-intro">
                    <h2 id="sec-events">{if v.events == Events::One { "Event" } else { "Events" }} <span class="required" aria-hidden="true">" *"</span></h2>
                    <p class="muted small">{if v.events == Events::One { "The event type this webhook receives: exactly one." } else { "The event types this webhook receives." }}</p>
                </div>
                <div class="form-section-fields">
                    <EventPicker catalogue=catalogue selected=events error=events_error single=v.events == Events::One/>
                    <FieldMessage path="events" errors=shown/>
                </div>
            </section>

            <section class="form-section card" aria-labelledby="sec-delivery"
                hidden=!(v.format || v.retry || v.timeout || v.priority || !v.delay_units.is_empty() || v.active_from.is_some())>
                <div class="form-section-intro">
                    <h2 id="sec-delivery">"Delivery"</h2>
                    <p class="muted small">"Payload format, retries, timing and order."</p>
                </div>
                <div class="form-section-fields">
                    <fieldset class="field plain" hidden=!v.format>
                        <legend class="label">{if v.targets.is_some() { "Format (first URL)" } else { "Format" }}</legend>
                        <div class="segments">
                            {[Format::Json, Format::Xml].into_iter().map(|f| {
                                let id = format!("wh-format-{}", f.as_str());
                                view! {
                                    <label class="segment" for=id.clone()>
                                        <input type="radio" name="format" id=id.clone() data-testid=id.clone()
                                            prop:checked=move || base.with(|s| s.format == f)
                                            on:change=move |_| base.update(|s| s.format = f)/>
                                        <span>{f.as_str().to_uppercase()}</span>
                                    </label>
                                }
                            }).collect_view()}
                        </div>
                    </fieldset>
                    <div class="grid three">
                        {v.retry.then(|| view! { <TextField path="retry_count" label="Retries" value=retry on_input=set_retry errors=shown
                            input_type="number" hint="0 to 10 attempts after the first."/> })}
                        {v.timeout.then(|| view! { <TextField path="timeout_seconds" label="Timeout (seconds)" value=timeout on_input=set_timeout_s errors=shown
                            input_type="number" hint="1 to 120."/> })}
                        {v.priority.then(|| view! { <TextField path="priority" label="Priority" value=priority on_input=set_priority errors=shown
                            input_type="number" hint="Order among webhooks of one event."/> })}
                    </div>
                    <div class="grid two">
                        <div class="field" hidden=v.delay_units.is_empty()>
                            <label class="check">
                                <input type="checkbox" name="delay" data-testid="wh-delay-enabled"
                                    prop:checked=move || base.with(|s| s.delay_enabled)
                                    on:change=move |ev| base.update(|s| s.delay_enabled = event_target_checked(&ev))/>
                                <span>"Delay each delivery"</span>
                            </label>
                            <Show when=move || base.with(|s| s.delay_enabled)>
                                <TextField path="delay.amount" label=v.delay_words.map(|(amount, _)| amount).unwrap_or("Send after")
                                    value=delay_amount on_input=set_delay_amount errors=shown input_type="number">
                                    <label class:sr-only=v.delay_words.is_none() for="wh-delay-unit">
                                        {v.delay_words.map(|(_, unit)| unit).unwrap_or("Delay unit")}
                                    </label>
                                    <select id="wh-delay-unit" name="delay.unit" data-testid="wh-delay-unit"
                                        prop:value=move || base.with(|s| s.delay_unit.as_str())
                                        on:change=move |ev| {
                                            let unit = match event_target_value(&ev).as_str() {
                                                "minute" => DelayUnit::Minute,
                                                "day" => DelayUnit::Day,
                                                _ => DelayUnit::Hour,
                                            };
                                            base.update(|s| s.delay_unit = unit);
                                        }>
                                        {v.delay_units.iter().map(|u| view! {
                                            <option value=u.as_str()>{if v.delay_words.is_some() { u.as_str().to_owned() } else { format!("{}s", u.as_str()) }}</option>
                                        }).collect_view()}
                                    </select>
                                </TextField>
                            </Show>
                        </div>
                        <div class="field" class:invalid=move || active_from_error.get().is_some() hidden=v.active_from.is_none()>
                            <label for="wh-active-from">{v.active_from.map(|(l, _)| l).unwrap_or("Active from")}</label>
                            <input type=if date_only { "date" } else { "datetime-local" } id="wh-active-from" name="active_from" data-testid="wh-active-from"
                                aria-invalid=move || active_from_error.get().is_some().then_some("true")
                                aria-describedby="wh-active-from-hint"
                                prop:value=move || base.with(|s| if date_only { s.active_from.chars().take(10).collect() } else { s.active_from.clone() })
                                on:input=move |ev| {
                                    let value = event_target_value(&ev);
                                    let value = if date_only && !value.is_empty() { format!("{value}T00:00") } else { value };
                                    base.update(|s| s.active_from = value);
                                }/>
                            <p class="hint" id="wh-active-from-hint">{if date_only {
                                "Optional: the day (UTC) from which the entry is active."
                            } else {
                                "Optional: no deliveries before this time (your local time)."
                            }}</p>
                            <FieldMessage path="active_from" errors=shown/>
                        </div>
                    </div>
                </div>
            </section>

            <section class="form-section card" aria-labelledby="sec-auth" hidden=v.auth.is_empty()>
                <div class="form-section-intro">
                    <h2 id="sec-auth">"Authentication"</h2>
                    <p class="muted small">"How Switchboard proves itself to the endpoint, besides the signature. Secrets are write-only."</p>
                </div>
                <div class="form-section-fields">
                    <AuthFields auth=auth errors=shown kinds=v.auth words=v.auth_words signed=v.secret/>
                </div>
            </section>

            <section class="form-section card" aria-labelledby="sec-headers" hidden=!v.headers>
                <div class="form-section-intro">
                    <h2 id="sec-headers">"Custom headers"</h2>
                    <p class="muted small">"Extra request headers sent with every delivery."</p>
                </div>
                <div class="form-section-fields">
                    <HeaderEditor rows=headers errors=shown/>
                </div>
            </section>

            <section class="form-section card" aria-labelledby="sec-filter" hidden=v.filter.is_none()>
                <div class="form-section-intro">
                    <h2 id="sec-filter">"Filter"</h2>
                    <p class="muted small">"Deliver only when a condition holds on the payload."</p>
                </div>
                <div class="form-section-fields">
                    <label class="check">
                        <input type="checkbox" name="filter" data-testid="wh-filter-enabled"
                            prop:checked=move || base.with(|s| s.filter_enabled)
                            on:change=move |ev| base.update(|s| s.filter_enabled = event_target_checked(&ev))/>
                        <span>"Only deliver when a condition holds"</span>
                    </label>
                    <Show when=move || base.with(|s| s.filter_enabled)>
                        <TextField path="filter.group" label=v.filter.map(|f| f.0).unwrap_or("Group") value=group on_input=set_group errors=shown
                            placeholder="my_group" hint="Optional group identifier the condition belongs to."/>
                        <div class="field" class:invalid=move || condition_error.get().is_some()>
                            <label for="wh-filter-condition">{v.filter.map(|f| f.1).unwrap_or("Condition")} <span class="required" aria-hidden="true">" *"</span></label>
                            <textarea id="wh-filter-condition" name="filter.condition" data-testid="wh-filter-condition" rows="2"
                                spellcheck="false" placeholder="data['contract']['balance'] > 0"
                                aria-invalid=move || condition_error.get().is_some().then_some("true")
                                aria-describedby="wh-filter-condition-hint"
                                prop:value=move || base.with(|s| s.filter_condition.clone())
                                on:input=move |ev| base.update(|s| s.filter_condition = event_target_value(&ev))></textarea>
                            <p class="hint" id="wh-filter-condition-hint">
                                "A CEL expression over the payload's members, e.g. "
                                <code>"data['contract']['balance'] > 0"</code> " or " <code>"event == 'create'"</code> "."
                            </p>
                            <FieldMessage path="filter.condition" errors=shown/>
                        </div>
                    </Show>
                </div>
            </section>

            <div class="form-actions sticky-actions">
                <button type="submit" class="button primary" data-testid="wh-submit"
                    disabled=move || pending.get() aria-busy=move || pending.get().to_string()>
                    {move || match (pending.get(), editing) {
                        (true, _) => "Saving…",
                        (false, true) => "Save changes",
                        (false, false) => "Create webhook",
                    }}
                </button>
                <a class="button ghost" href=cancel_href data-testid="wh-cancel">"Cancel"</a>
                {client_summary}
                <span class="muted small dirty-note" data-testid="dirty-note">
                    {move || dirty.get().then_some("Unsaved changes")}
                </span>
            </div>
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_errors_show_until_edited_and_client_ones_once_touched() {
        let client = vec![
            FieldError::new("name", "is required"),
            FieldError::new("url", "must use https"),
        ];
        let server = vec![FieldError::new("url", "must point at a public address")];
        let none = HashSet::new();
        let shown = shown_errors(&client, &server, &none, &none, false);
        assert_eq!(shown, server);
        let touched: HashSet<String> = ["name".to_owned()].into();
        let shown = shown_errors(&client, &server, &none, &touched, false);
        assert_eq!(shown.len(), 2);
        let edited: HashSet<String> = ["url".to_owned()].into();
        let shown = shown_errors(&client, &server, &edited, &none, true);
        assert_eq!(shown, client, "an edited field shows the live check again");
    }
}
