//! `AuthFields`: how Switchboard authenticates to the endpoint — none, bearer, basic, custom
//! header or OAuth2 client credentials — each with its own sub-form. Secrets are write-only:
//! a stored one shows as "set" with a replace button, never its value.

use crate::components::webhook_form::fields::{input_id, Errors, FieldMessage, TextField};
use crate::components::webhook_form::model::{AuthForm, AuthKind};
use leptos::prelude::*;

/// Binds one `AuthForm` member to a text field's value and input callback.
macro_rules! bind {
    ($auth:ident, $field:ident) => {
        (
            Signal::derive(move || $auth.with(|a| a.$field.clone())),
            Callback::new(move |v: String| $auth.update(|a| a.$field = v)),
        )
    };
}

/// The write-only secret of the chosen kind: an input, or "set" with a replace button.
#[component]
fn SecretInput(
    auth: RwSignal<AuthForm>,
    errors: Errors,
    path: &'static str,
    label: &'static str,
    value: Signal<String>,
    on_input: Callback<String>,
) -> impl IntoView {
    let shown = RwSignal::new(false);
    let id = input_id(path);
    let kept = move || auth.with(|a| a.keeps_stored_secret());
    view! {
        {move || if kept() {
            view! {
                <div class="field">
                    <span class="label">{label}</span>
                    <div class="input-row secret-set">
                        <span class="badge badge-neutral" data-testid="auth-secret-set">"Set"</span>
                        <span class="muted small">"The stored value is kept; it is never shown."</span>
                        <button type="button" class="button small" data-testid="auth-replace-secret"
                            on:click=move |_| auth.update(|a| a.replace_secret = true)>
                            "Replace"
                        </button>
                    </div>
                </div>
            }.into_any()
        } else {
            let id = id.clone();
            let stored = auth.with_untracked(|a| a.stored_kind == Some(a.kind));
            view! {
                <TextField path=path label=label value=value on_input=on_input errors=errors required=true
                    input_type=if shown.get() { "text" } else { "password" } autocomplete="new-password">
                    <button type="button" class="button ghost small" aria-controls=id.clone()
                        aria-pressed=move || shown.get().to_string()
                        on:click=move |_| shown.update(|s| *s = !*s)>
                        {move || if shown.get() { "Hide" } else { "Show" }}
                    </button>
                    {stored.then(|| view! {
                        <button type="button" class="button ghost small" data-testid="auth-keep-secret"
                            on:click=move |_| auth.update(|a| { a.replace_secret = false; })>
                            "Keep stored"
                        </button>
                    })}
                </TextField>
            }.into_any()
        }}
    }
}

/// What the choice of `kind` says: the vendor's word where it has one, else the console's.
pub fn kind_label(kind: AuthKind, words: &[(&'static str, &'static str)]) -> &'static str {
    words
        .iter()
        .find(|(k, _)| *k == kind.as_str())
        .map(|(_, word)| *word)
        .unwrap_or_else(|| kind.label())
}

#[component]
pub fn AuthFields(
    /// The authentication sub-form, edited in place.
    auth: RwSignal<AuthForm>,
    /// Errors shown in the form (the `auth.*` ones appear here).
    errors: Errors,
    /// The kinds the backend offers, as `Auth::kind()` names; empty offers every kind.
    #[prop(optional)]
    kinds: &'static [&'static str],
    /// The vendor's own words for some kinds, by `Auth::kind()` name.
    #[prop(optional)]
    words: &'static [(&'static str, &'static str)],
    /// Whether requests are signed with a secret the endpoint can verify.
    #[prop(default = true)]
    signed: bool,
) -> impl IntoView {
    let kind = move || auth.with(|a| a.kind);
    let (token, set_token) = bind!(auth, token);
    let (username, set_username) = bind!(auth, username);
    let (password, set_password) = bind!(auth, password);
    let (client_id, set_client_id) = bind!(auth, client_id);
    let (client_secret, set_client_secret) = bind!(auth, client_secret);
    let (token_url, set_token_url) = bind!(auth, token_url);
    let (header_name, set_header_name) = bind!(auth, header_name);
    let (header_value, set_header_value) = bind!(auth, header_value);

    let choices = AuthKind::ALL
        .into_iter()
        .filter(|k| kinds.is_empty() || kinds.contains(&k.as_str()))
        .map(|k| {
            let id = format!("auth-kind-{}", k.as_str());
            view! {
                <label class="segment" for=id.clone()>
                    <input type="radio" name="auth.type" id=id.clone() data-testid=id.clone() value=k.as_str()
                        prop:checked=move || kind() == k
                        on:change=move |_| auth.update(|a| a.kind = k)/>
                    <span>{kind_label(k, words)}</span>
                </label>
            }
        })
        .collect_view();

    let sub_form = move || {
        match kind() {
        AuthKind::None => view! {
            <p class="muted small" data-testid="auth-none-hint">
                {if signed {
                    "Requests carry only the signature headers; the endpoint verifies them with the signing secret."
                } else {
                    "Requests carry no credentials."
                }}
            </p>
        }.into_any(),
        AuthKind::Bearer => view! {
            <SecretInput auth=auth errors=errors path="auth.token" label="Token" value=token on_input=set_token/>
            <p class="hint">"Sent as " <code>"Authorization: Bearer <token>"</code> "."</p>
        }.into_any(),
        AuthKind::Basic => view! {
            <div class="grid two">
                <TextField path="auth.username" label="Username" value=username on_input=set_username errors=errors required=true/>
                <SecretInput auth=auth errors=errors path="auth.password" label="Password" value=password on_input=set_password/>
            </div>
        }.into_any(),
        AuthKind::Header => view! {
            <div class="grid two">
                <TextField path="auth.name" label="Header name" value=header_name on_input=set_header_name errors=errors
                    required=true placeholder="X-Auth-Token"/>
                <SecretInput auth=auth errors=errors path="auth.value" label="Header value" value=header_value on_input=set_header_value/>
            </div>
        }.into_any(),
        AuthKind::ClientCredentials => view! {
            <TextField path="auth.token_url" label="Token URL" value=token_url on_input=set_token_url errors=errors
                required=true input_type="url" placeholder="https://auth.example.com/oauth/token"
                hint="Switchboard fetches an access token here with the client credentials grant and sends it as a bearer token."/>
            <div class="grid two">
                <TextField path="auth.client_id" label="Client id" value=client_id on_input=set_client_id errors=errors required=true/>
                <SecretInput auth=auth errors=errors path="auth.client_secret" label="Client secret" value=client_secret on_input=set_client_secret/>
            </div>
        }.into_any(),
    }
    };

    view! {
        <div class="auth-fields" data-testid="auth-fields">
            <div class="segments" role="radiogroup" aria-label="Authentication type">{choices}</div>
            <FieldMessage path="auth" errors=errors/>
            <div class="auth-sub">{sub_form}</div>
        </div>
    }
}
