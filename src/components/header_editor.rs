//! `HeaderEditor`: custom request headers as key/value rows, with invalid, reserved and
//! duplicate names flagged while typing and the server's `headers.<Name>` errors at their row.

use crate::components::webhook_form::fields::input_id;
use crate::components::webhook_form::model::{header_row_errors, HeaderPart, HeaderRow};
use leptos::prelude::*;
use switchboard_api::FieldError;

/// Every message to show on a row: the live checks first, then the server's errors, which name
/// a header (`headers.X-Tenant`) rather than a row.
pub fn row_messages(rows: &[HeaderRow], errors: &[FieldError]) -> Vec<(u64, HeaderPart, String)> {
    let mut out: Vec<(u64, HeaderPart, String)> = header_row_errors(rows)
        .into_iter()
        .map(|e| (e.row, e.part, format!("Header {}", e.message)))
        .collect();
    for e in errors {
        let Some(name) = e.field.strip_prefix("headers.") else {
            continue;
        };
        if let Some(row) = rows
            .iter()
            .find(|r| r.name.trim().eq_ignore_ascii_case(name))
        {
            if !out
                .iter()
                .any(|(id, part, _)| *id == row.id && *part == HeaderPart::Name)
            {
                out.push((row.id, HeaderPart::Name, format!("Header {}", e.message)));
            }
        }
    }
    out
}

/// A new row's id: one more than any in use.
pub fn next_row_id(rows: &[HeaderRow]) -> u64 {
    rows.iter().map(|r| r.id).max().unwrap_or(0) + 1
}

fn row_path(id: u64, part: HeaderPart) -> String {
    match part {
        HeaderPart::Name => format!("headers[{id}].name"),
        HeaderPart::Value => format!("headers[{id}].value"),
    }
}

#[component]
pub fn HeaderEditor(
    /// The rows, edited in place.
    rows: RwSignal<Vec<HeaderRow>>,
    /// Errors shown in the form; the `headers` and `headers.<Name>` ones are shown here.
    #[prop(into)]
    errors: Signal<Vec<FieldError>>,
) -> impl IntoView {
    let messages = Memo::new(move |_| errors.with(|e| rows.with(|r| row_messages(r, e))));
    let message_for = move |id: u64, part: HeaderPart| {
        move || {
            messages.with(|m| {
                m.iter()
                    .find(|(r, p, _)| *r == id && *p == part)
                    .map(|(_, _, msg)| msg.clone())
            })
        }
    };
    let general = move || {
        errors.with(|e| {
            e.iter()
                .find(|e| e.field == "headers")
                .map(|e| format!("Headers: {}", e.message))
        })
    };
    let add = move |_| {
        rows.update(|r| {
            let id = next_row_id(r);
            r.push(HeaderRow {
                id,
                name: String::new(),
                value: String::new(),
                set: false,
            });
        });
        // Focus the new row's name so the keyboard user can type straight away.
        request_animation_frame(move || {
            if let Some(id) = rows.with_untracked(|r| r.last().map(|r| r.id)) {
                focus_by_id(&input_id(&row_path(id, HeaderPart::Name)));
            }
        });
    };
    let row_view = move |row: HeaderRow| {
        let id = row.id;
        let name_id = input_id(&row_path(id, HeaderPart::Name));
        let value_id = input_id(&row_path(id, HeaderPart::Value));
        let name_err = message_for(id, HeaderPart::Name);
        let value_err = message_for(id, HeaderPart::Value);
        let name_err2 = name_err;
        let value_err2 = value_err;
        let name_err3 = name_err;
        let value_err3 = value_err;
        let field = move |f: fn(&HeaderRow) -> String| {
            move || rows.with(|r| r.iter().find(|h| h.id == id).map(f).unwrap_or_default())
        };
        let position = move || {
            rows.with(|r| {
                r.iter()
                    .position(|h| h.id == id)
                    .map(|p| p + 1)
                    .unwrap_or(0)
            })
        };
        view! {
            <li class="header-row" data-testid="header-row">
                <div class="header-cell" class:invalid=move || name_err2().is_some()>
                    <label class="sr-only" for=name_id.clone()>{move || format!("Header {} name", position())}</label>
                    <input id=name_id.clone() name=row_path(id, HeaderPart::Name) data-testid="header-name"
                        placeholder="X-Header-Name" spellcheck="false" autocomplete="off"
                        aria-invalid=move || name_err3().is_some().then_some("true")
                        aria-describedby=format!("{name_id}-error")
                        prop:value=field(|h| h.name.clone())
                        on:input=move |ev| {
                            let v = event_target_value(&ev);
                            rows.update(|r| if let Some(h) = r.iter_mut().find(|h| h.id == id) { h.name = v; });
                        }/>
                    {move || name_err().map(|m| view! {
                        <p class="field-error" id=format!("{name_id}-error") data-testid="header-name-error">{m}</p>
                    })}
                </div>
                <div class="header-cell" class:invalid=move || value_err2().is_some()>
                    <label class="sr-only" for=value_id.clone()>{move || format!("Header {} value", position())}</label>
                    // Values are often credentials and the backend never shows them back: typed
                    // like a password, and a stored one is kept when left blank.
                    <input id=value_id.clone() name=row_path(id, HeaderPart::Value) data-testid="header-value"
                        type="password" spellcheck="false" autocomplete="new-password"
                        placeholder=move || if rows.with(|r| r.iter().any(|h| h.id == id && h.set)) {
                            "set — leave blank to keep"
                        } else {
                            "value"
                        }
                        aria-invalid=move || value_err3().is_some().then_some("true")
                        aria-describedby=format!("{value_id}-error")
                        prop:value=field(|h| h.value.clone())
                        on:input=move |ev| {
                            let v = event_target_value(&ev);
                            rows.update(|r| if let Some(h) = r.iter_mut().find(|h| h.id == id) { h.value = v; });
                        }/>
                    {move || value_err().map(|m| view! {
                        <p class="field-error" id=format!("{value_id}-error") data-testid="header-value-error">{m}</p>
                    })}
                </div>
                <button type="button" class="button ghost small" data-testid="header-remove"
                    aria-label=move || format!("Remove header {}", position())
                    on:click=move |_| rows.update(|r| r.retain(|h| h.id != id))>
                    "Remove"
                </button>
            </li>
        }
    };
    view! {
        <div class="header-editor" data-testid="header-editor">
            <Show when=move || rows.with(|r| !r.is_empty())
                fallback=|| view! { <p class="muted small" data-testid="headers-empty">"No custom headers."</p> }>
                <ul class="header-rows">
                    <For each=move || rows.get() key=|r| r.id children=row_view/>
                </ul>
            </Show>
            {move || general().map(|m| view! { <p class="field-error" id="wh-headers-error">{m}</p> })}
            <button type="button" class="button small" data-testid="header-add" on:click=add>"+ Add header"</button>
        </div>
    }
}

/// Moves keyboard focus to the element with this id, if it exists.
pub fn focus_by_id(id: &str) {
    use wasm_bindgen::JsCast;
    if let Some(el) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id(id))
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = el.focus();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: u64, name: &str) -> HeaderRow {
        HeaderRow {
            id,
            name: name.into(),
            value: "v".into(),
            set: false,
        }
    }

    #[test]
    fn server_errors_land_on_the_named_row() {
        let rows = vec![row(1, "X-A"), row(2, "X-B")];
        let errors = vec![
            FieldError::new("headers.X-B", "is not allowed here"),
            FieldError::new("url", "x"),
        ];
        let m = row_messages(&rows, &errors);
        assert_eq!(
            m,
            vec![(2, HeaderPart::Name, "Header is not allowed here".to_owned())]
        );
    }

    #[test]
    fn live_errors_win_over_server_ones_on_the_same_row() {
        let rows = vec![row(1, "X-A"), row(2, "x-a")];
        let errors = vec![FieldError::new("headers.x-a", "server says")];
        let m = row_messages(&rows, &errors);
        assert_eq!(m.len(), 2, "{m:?}");
        assert!(m
            .iter()
            .any(|(id, _, msg)| *id == 2 && msg.contains("duplicate")));
        assert!(m
            .iter()
            .any(|(id, _, msg)| *id == 1 && msg.contains("server says")));
        assert_eq!(next_row_id(&rows), 3);
        assert_eq!(next_row_id(&[]), 1);
    }
}
