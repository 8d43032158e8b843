//! Small building blocks shared by the webhook form's sections: a labelled text input with its
//! hint and error, and the lookup of the error shown for a field.

use super::model::sentence;
use leptos::prelude::*;
use switchboard_api::FieldError;

/// The errors currently shown, by field path (`url`, `auth.token`, `headers[3].name`).
pub type Errors = Signal<Vec<FieldError>>;

/// `auth.token` → `auth-token`: usable in ids and unquoted CSS attribute selectors.
pub fn slug(path: &str) -> String {
    path.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect::<String>()
        .trim_matches('-')
        .to_owned()
}

/// Id of the input for a field path; its error message is `<id>-error`.
pub fn input_id(path: &str) -> String {
    format!("wh-{}", slug(path))
}

/// The message shown at `path`, as a sentence.
pub fn error_at(
    errors: Errors,
    path: String,
) -> impl Fn() -> Option<String> + Clone + Send + Sync + 'static {
    move || {
        errors.with(|list| {
            list.iter()
                .find(|e| e.field == path)
                .map(|e| sentence(&e.field, &e.message))
        })
    }
}

/// The error line under an input; present in the DOM only while there is an error.
#[component]
pub fn FieldMessage(
    /// The field path whose error this shows.
    #[prop(into)]
    path: String,
    /// Every error currently shown.
    errors: Errors,
) -> impl IntoView {
    let id = format!("{}-error", input_id(&path));
    let message = error_at(errors, path);
    move || {
        message().map(|m| {
            view! { <p class="field-error" id=id.clone() data-testid=id.clone()>{m}</p> }
        })
    }
}

/// A labelled single-line input bound to a value, with an optional hint and its error.
#[component]
pub fn TextField(
    /// Field path, as the API names it in errors.
    path: &'static str,
    /// Visible label.
    label: &'static str,
    /// Current value.
    #[prop(into)]
    value: Signal<String>,
    /// Called with every edit.
    on_input: Callback<String>,
    /// Errors shown in the form.
    errors: Errors,
    /// Help text under the input.
    #[prop(optional, into)]
    hint: Option<String>,
    /// `text` by default.
    #[prop(optional)]
    input_type: Option<&'static str>,
    #[prop(optional)] placeholder: Option<&'static str>,
    /// Marks the field required for assistive technology (validation stays ours).
    #[prop(optional)]
    required: bool,
    #[prop(optional)] autocomplete: Option<&'static str>,
    /// Rendered after the input, in the same row (a button, a unit select).
    #[prop(optional)]
    children: Option<Children>,
) -> impl IntoView {
    let id = input_id(path);
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let has_error = {
        let e = error_at(errors, path.to_owned());
        move || e().is_some()
    };
    let has_hint = hint.is_some();
    let described_by = {
        let has_error = has_error.clone();
        let (hint_id, error_id) = (hint_id.clone(), error_id.clone());
        move || {
            let mut ids = Vec::new();
            if has_hint {
                ids.push(hint_id.clone());
            }
            if has_error() {
                ids.push(error_id.clone());
            }
            ids.join(" ")
        }
    };
    let invalid = has_error.clone();
    view! {
        <div class="field" class:invalid=move || has_error()>
            <label for=id.clone()>{label} {required.then(|| view! { <span class="required" aria-hidden="true">" *"</span> })}</label>
            <div class="input-row">
                <input
                    id=id.clone()
                    name=path
                    data-testid=id.clone()
                    type=input_type.unwrap_or("text")
                    placeholder=placeholder
                    autocomplete=autocomplete.unwrap_or("off")
                    spellcheck="false"
                    aria-required=required.then_some("true")
                    aria-invalid=move || invalid().then_some("true")
                    aria-describedby=described_by
                    prop:value=move || value.get()
                    on:input=move |ev| on_input.run(event_target_value(&ev))
                />
                {children.map(|c| c())}
            </div>
            {hint.map(|h| view! { <p class="hint" id=hint_id.clone()>{h}</p> })}
            <FieldMessage path=path errors=errors/>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_selector_safe() {
        assert_eq!(slug("auth.token"), "auth-token");
        assert_eq!(slug("headers[3].name"), "headers-3--name");
        assert_eq!(input_id("url"), "wh-url");
    }
}
