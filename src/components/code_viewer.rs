//! Shows a body pretty-printed as JSON or XML with highlighting, a "show raw" toggle, a copy
//! button and size caps. Everything is rendered as text nodes: a hostile body stays inert.

use super::curl::copy_text;
use super::pretty::{cap, detect, highlight, pretty, Lang, PrettyError};
use crate::format::bytes;
use crate::state::use_toasts;
use leptos::prelude::*;

/// At most this much of a body is put in the page, formatted or raw.
pub const DISPLAY_MAX_BYTES: usize = 256 * 1024;

#[component]
pub fn CodeViewer(
    /// The body as text.
    #[prop(into)]
    code: String,
    /// Its content type, used to pick the language.
    #[prop(default = None)]
    content_type: Option<String>,
    /// Forces a language instead of detecting one.
    #[prop(optional, into)]
    lang: Option<Lang>,
    /// What this is, for the toolbar and screen readers ("Response body").
    #[prop(into)]
    label: String,
    /// Marks the body as cut short by the server.
    #[prop(optional)]
    truncated: bool,
    /// `data-testid` of the viewer.
    #[prop(optional, into)]
    testid: Option<String>,
) -> impl IntoView {
    let toasts = use_toasts();
    let lang = lang.unwrap_or_else(|| detect(content_type.as_deref(), &code));
    let formatted: Result<String, PrettyError> = match lang {
        Lang::Text => Err(PrettyError::Invalid(String::new())),
        l => pretty(l, &code),
    };
    let can_format = formatted.is_ok();
    let show_raw = RwSignal::new(!can_format);
    let total = code.len();
    let note = match (&formatted, lang) {
        (Err(_), Lang::Text) => None,
        (Err(e), l) => Some(format!("Shown raw: {} {e}", l.label())),
        _ => None,
    };
    let pretty_text = StoredValue::new(formatted.unwrap_or_default());
    let raw_text = StoredValue::new(code);
    let body = move || {
        let raw = show_raw.get();
        let text = if raw {
            raw_text.get_value()
        } else {
            pretty_text.get_value()
        };
        let shown = cap(&text, DISPLAY_MAX_BYTES);
        let hidden = text.len() - shown.len();
        let tokens = if raw {
            highlight(Lang::Text, shown)
        } else {
            highlight(lang, shown)
        };
        let spans = tokens
            .into_iter()
            .map(|t| view! { <span class=t.kind.class()>{t.text}</span> })
            .collect_view();
        view! {
            <pre class="code-body" data-testid="code-body" data-raw=raw.to_string() tabindex="0"><code>{spans}</code></pre>
            {(hidden > 0).then(|| view! {
                <p class="code-note muted small" data-testid="code-capped">
                    {format!("{} more not shown (the page shows the first {}).", bytes(hidden), bytes(DISPLAY_MAX_BYTES))}
                </p>
            })}
        }
    };
    let copy = move |_| {
        let text = raw_text.get_value();
        leptos::task::spawn_local(async move {
            match copy_text(&text).await {
                Ok(()) => toasts.success("Copied"),
                Err(()) => toasts.error("Could not copy: the browser refused clipboard access"),
            }
        });
    };
    let empty = total == 0;
    view! {
        <figure class="code-viewer" data-testid=testid.unwrap_or_else(|| "code-viewer".into()) data-lang=lang.as_str()>
            <figcaption class="code-toolbar">
                <span class="code-label">{label}</span>
                <span class="badge badge-neutral">{lang.label()}</span>
                <span class="muted small">{bytes(total)}</span>
                {truncated.then(|| view! { <span class="badge badge-warning" data-testid="code-truncated">"cut at 64 KiB"</span> })}
                <span class="code-actions">
                    {can_format.then(|| view! {
                        <button type="button" class="button small ghost" data-testid="code-raw-toggle"
                            aria-pressed=move || show_raw.get().to_string()
                            on:click=move |_| show_raw.update(|r| *r = !*r)>
                            {move || if show_raw.get() { "Show formatted" } else { "Show raw" }}
                        </button>
                    })}
                    <button type="button" class="button small ghost" data-testid="code-copy" on:click=copy disabled=empty>
                        "Copy"
                    </button>
                </span>
            </figcaption>
            {note.map(|n| view! { <p class="code-note muted small" data-testid="code-note">{n}</p> })}
            {if empty {
                view! { <p class="muted small code-empty" data-testid="code-empty">"(empty)"</p> }.into_any()
            } else {
                body.into_any()
            }}
        </figure>
    }
}
