//! `SecretField`: a secret shown masked, with reveal and copy.

use crate::state::use_toasts;
use leptos::prelude::*;

/// Keeps a recognisable prefix (`whsec_`) and hides the rest.
pub fn mask(secret: &str) -> String {
    let prefix: String = match secret.find('_') {
        Some(i) if i < 12 => secret[..=i].to_owned(),
        _ => String::new(),
    };
    format!("{prefix}{}", "•".repeat(24))
}

/// Writes `text` to the clipboard; false when the browser refuses (no permission, no API).
pub async fn copy_to_clipboard(text: &str) -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    let promise = window.navigator().clipboard().write_text(text);
    wasm_bindgen_futures::JsFuture::from(promise).await.is_ok()
}

#[component]
pub fn SecretField(
    /// The secret.
    #[prop(into)]
    value: Signal<String>,
    /// Accessible name, e.g. "Signing secret".
    #[prop(into)]
    label: String,
    /// Prefix of the `data-testid`s (`<testid>-value`, `-reveal`, `-copy`).
    #[prop(into)]
    testid: String,
) -> impl IntoView {
    let toasts = use_toasts();
    let revealed = RwSignal::new(false);
    let label_copy = label.clone();
    let copy = move |_| {
        let text = value.get_untracked();
        let label = label_copy.clone();
        leptos::task::spawn_local(async move {
            if copy_to_clipboard(&text).await {
                toasts.success(format!("{label} copied"));
            } else {
                toasts.error(
                    "The browser did not allow copying: reveal the value and copy it by hand",
                );
            }
        });
    };
    view! {
        <div class="secret-field">
            <code class="secret-value break" data-testid=format!("{testid}-value") aria-label=label.clone()
                data-revealed=move || revealed.get().to_string()>
                {move || if revealed.get() { value.get() } else { mask(&value.get()) }}
            </code>
            <button type="button" class="button small" data-testid=format!("{testid}-reveal")
                aria-pressed=move || revealed.get().to_string()
                on:click=move |_| revealed.update(|r| *r = !*r)>
                {move || if revealed.get() { "Hide" } else { "Reveal" }}
            </button>
            <button type="button" class="button small" data-testid=format!("{testid}-copy") on:click=copy>
                "Copy"
            </button>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::mask;

    #[test]
    fn masks_keep_only_the_prefix() {
        let m = mask("whsec_abcdef123456");
        assert!(m.starts_with("whsec_•"));
        assert!(!m.contains("abc"));
        assert!(!mask("plainsecretvalue").contains("plain"));
    }
}
