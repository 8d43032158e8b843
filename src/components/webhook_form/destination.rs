//! The form's destination parts: a type's `data` rendered from its JSON Schema, and further
//! URLs each with its own format (Shoprenter's parameters).

use super::fields::{error_at, input_id, Errors, FieldMessage};
use super::model::{data_members, FormState, TargetRow};
use leptos::prelude::*;
use serde_json::Value;
use switchboard_api::Format;

/// One input per member of the schema; write-only members are password inputs that start
/// empty on edit, where leaving them empty keeps what is stored.
#[component]
pub fn DataFields(
    /// The form; its `data` is edited in place.
    state: RwSignal<FormState>,
    /// The chosen type's schema.
    schema: Value,
    /// Errors shown in the form (`data.*` appear here).
    errors: Errors,
) -> impl IntoView {
    let stored = state.with_untracked(|s| s.stored);
    data_members(&schema)
        .into_iter()
        .map(|m| {
            let path = format!("data.{}", m.key);
            let id = input_id(&path);
            let key = m.key.clone();
            let key_in = m.key.clone();
            let invalid = error_at(errors, path.clone());
            let invalid2 = invalid.clone();
            let hint = if m.secret && stored {
                Some("Write-only: leave empty to keep the stored value.".to_owned())
            } else if m.secret {
                Some("Write-only: never shown again once saved.".to_owned())
            } else {
                m.default.as_ref().map(|d| format!("Default: {d}"))
            };
            let hint_id = format!("{id}-hint");
            view! {
                <div class="field" class:invalid=move || invalid().is_some()>
                    <label for=id.clone()>{m.title.clone()}
                        {(m.required && !(m.secret && stored)).then(|| view! { <span class="required" aria-hidden="true">" *"</span> })}
                    </label>
                    <input id=id.clone() name=path.clone() data-testid=id.clone()
                        type=if m.secret { "password" } else if m.integer { "number" } else { "text" }
                        autocomplete=if m.secret { "new-password" } else { "off" } spellcheck="false"
                        aria-invalid=move || invalid2().is_some().then_some("true")
                        aria-describedby=hint.is_some().then(|| hint_id.clone())
                        prop:value=move || state.with(|s| s.data.get(&key).cloned().unwrap_or_default())
                        on:input=move |ev| {
                            let v = event_target_value(&ev);
                            state.update(|s| { s.data.insert(key_in.clone(), v); });
                        }/>
                    {hint.map(|h| view! { <p class="hint" id=hint_id.clone()>{h}</p> })}
                    <FieldMessage path=path errors=errors/>
                </div>
            }
        })
        .collect_view()
}

/// Further URLs, each with a format; every event goes to each of them too.
#[component]
pub fn TargetRows(
    /// The form; its `targets` are edited in place.
    state: RwSignal<FormState>,
    /// Errors shown in the form (`targets[i].url` appear here).
    errors: Errors,
) -> impl IntoView {
    let add = move |_| {
        state.update(|s| {
            let id = s.targets.iter().map(|t| t.id).max().unwrap_or(0) + 1;
            s.targets.push(TargetRow {
                id,
                url: String::new(),
                format: Format::Json,
            });
        })
    };
    let rows = move || {
        state.with(|s| {
            s.targets
                .iter()
                .enumerate()
                .map(|(i, t)| (i, t.id))
                .collect::<Vec<_>>()
        })
    };
    view! {
        <div class="target-rows" data-testid="wh-targets">
            <For each=rows key=|(i, id)| (*i, *id) let:row>
                {
                    let (i, id) = row;
                    let path = format!("targets[{i}].url");
                    let input = input_id(&path);
                    let invalid = error_at(errors, path.clone());
                    let pick = move |s: &FormState| s.targets.iter().find(|t| t.id == id).cloned();
                    view! {
                        <div class="field target-row" class:invalid=move || invalid().is_some()>
                            <label for=input.clone()>{format!("URL {}", i + 2)}</label>
                            <div class="input-row">
                                <input id=input.clone() name=path.clone() data-testid=input.clone() type="url" spellcheck="false"
                                    prop:value=move || state.with(|s| pick(s).map(|t| t.url).unwrap_or_default())
                                    on:input=move |ev| {
                                        let v = event_target_value(&ev);
                                        state.update(|s| if let Some(t) = s.targets.iter_mut().find(|t| t.id == id) { t.url = v; });
                                    }/>
                                <label class="sr-only" for=format!("{input}-format")>{format!("Format of URL {}", i + 2)}</label>
                                <select id=format!("{input}-format") data-testid=format!("{input}-format")
                                    prop:value=move || state.with(|s| pick(s).map(|t| t.format.as_str()).unwrap_or("json"))
                                    on:change=move |ev| {
                                        let f = if event_target_value(&ev) == "xml" { Format::Xml } else { Format::Json };
                                        state.update(|s| if let Some(t) = s.targets.iter_mut().find(|t| t.id == id) { t.format = f; });
                                    }>
                                    <option value="json">"JSON"</option>
                                    <option value="xml">"XML"</option>
                                </select>
                                <button type="button" class="button ghost" data-testid=format!("{input}-remove")
                                    on:click=move |_| state.update(|s| s.targets.retain(|t| t.id != id))>
                                    <span aria-hidden="true">"×"</span><span class="sr-only">{format!("Remove URL {}", i + 2)}</span>
                                </button>
                            </div>
                            <FieldMessage path=path errors=errors/>
                        </div>
                    }
                }
            </For>
            <button type="button" class="button small" data-testid="wh-target-add" on:click=add>"Add another URL"</button>
        </div>
    }
}
