//! Settings / Connect: base URL and token, capability discovery, theme and time zone.

use crate::api::dialect::{self, Dialect};
use crate::state::{
    default_base_url, recognise, use_connection, use_settings, use_toasts, Connection, Phase,
    Theme, TimeZoneMode,
};
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use switchboard_api::Feature;

/// Only same-app paths are followed after connecting: never another origin.
fn safe_next(next: Option<String>) -> Option<String> {
    next.filter(|n| n.starts_with('/') && !n.starts_with("//") && !n.starts_with("/\\"))
}

#[component]
pub fn SettingsPage() -> impl IntoView {
    let conn = use_connection();
    let toasts = use_toasts();
    let query = use_query_map();
    let navigate = use_navigate();

    let initial = conn.connection.get_untracked();
    let base_url = RwSignal::new(
        initial
            .as_ref()
            .map(|c| c.base_url.clone())
            .unwrap_or_else(default_base_url),
    );
    let token = RwSignal::new(
        initial
            .as_ref()
            .map(|c| c.token.clone())
            .unwrap_or_default(),
    );
    let remember = RwSignal::new(initial.as_ref().map(|c| c.remember).unwrap_or(false));
    let show_token = RwSignal::new(false);
    // A link may name the API and where it lives (`?api=outputrocks&base_url=…&base_path=…`).
    let linked = |key: &str| {
        query
            .with_untracked(|q| q.get(key))
            .filter(|v| !v.is_empty())
    };
    let api = RwSignal::new(
        linked("api")
            .or_else(|| initial.as_ref().map(|c| c.dialect.clone()))
            .map(|id| dialect::by_id(&id).id())
            .unwrap_or(dialect::ALL[0].id()),
    );
    let base_path = RwSignal::new(
        linked("base_path")
            .or_else(|| initial.as_ref().map(|c| c.base_path.clone()))
            .unwrap_or_default(),
    );
    if let Some(url) = linked("base_url") {
        base_url.set(url);
    }
    let chosen = move || dialect::by_id(api.get());
    // What the backend's answers say it speaks, when that is not the API chosen.
    let suggestion = RwSignal::new(None::<&'static dyn Dialect>);

    let connect = Action::new_local(move |c: &Connection| {
        let c = c.clone();
        let navigate = navigate.clone();
        async move {
            match conn.connect(c.clone()).await {
                Ok(_) => {
                    suggestion.set(None);
                    toasts.success("Connected");
                    if let Some(next) = safe_next(query.get_untracked().get("next")) {
                        navigate(&next, Default::default());
                    }
                }
                Err(e) => {
                    let offer = if e.is_unauthorised() {
                        None
                    } else {
                        recognise(&c.base_url, &c.token)
                            .await
                            .filter(|d| d.id() != c.dialect().id())
                    };
                    suggestion.set(offer);
                    toasts.error(e.message());
                }
            }
        }
    });

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        connect.dispatch(Connection {
            base_url: base_url.get_untracked().trim().to_owned(),
            token: token.get_untracked().trim().to_owned(),
            remember: remember.get_untracked(),
            dialect: api.get_untracked().to_owned(),
            base_path: base_path.get_untracked().trim().to_owned(),
        });
    };
    let disconnect = move |_| {
        conn.disconnect();
        token.set(String::new());
        toasts.info("Disconnected: the token is forgotten");
    };

    view! {
        <section class="page narrow">
            <header class="page-header">
                <h1>"Settings"</h1>
            </header>

            <form class="card form" on:submit=on_submit data-testid="connect-form" novalidate>
                <h2>"Connection"</h2>
                <ApiChoice api=api base_path=base_path suggestion=suggestion/>
                <div class="field">
                    <label for="base-url">"Base URL"</label>
                    <input id="base-url" name="base-url" type="url" autocomplete="url" data-testid="base-url"
                        prop:value=move || base_url.get()
                        on:input=move |ev| base_url.set(event_target_value(&ev))/>
                    <p class="hint">"The server's address, without the API's path. Empty means this page's own origin; "
                        <code>"/upstream/NAME"</code> " on this origin goes through the forwarding this console's server is configured with."</p>
                </div>
                <ApiPath api=api base_path=base_path/>
                <div class="field">
                    <label for="token">{move || chosen().auth().token_label()}</label>
                    <div class="input-row">
                        <input id="token" name="token" autocomplete="off" spellcheck="false" data-testid="token"
                            type=move || if show_token.get() { "text" } else { "password" }
                            prop:value=move || token.get()
                            on:input=move |ev| token.set(event_target_value(&ev))/>
                        <button type="button" class="button ghost" on:click=move |_| show_token.update(|s| *s = !*s)
                            aria-pressed=move || show_token.get().to_string()>
                            {move || if show_token.get() { "Hide" } else { "Show" }}
                        </button>
                    </div>
                    <p class="hint">"Kept in memory only, unless you tick the box below; never put in a URL."</p>
                    {move || chosen().token_needs().map(|needs| view! { <p class="hint" data-testid="token-needs">{needs}</p> })}
                </div>
                <label class="check">
                    <input type="checkbox" data-testid="remember"
                        prop:checked=move || remember.get()
                        on:change=move |ev| remember.set(event_target_checked(&ev))/>
                    "Stay connected in this tab (kept in this tab's session storage until it closes)"
                </label>
                <div class="form-actions">
                    <button type="submit" class="button primary" data-testid="connect"
                        disabled=move || connect.pending().get()>
                        {move || if connect.pending().get() { "Connecting…" } else { "Connect" }}
                    </button>
                    <button type="button" class="button" data-testid="disconnect" on:click=disconnect
                        disabled=move || !conn.is_connected()>
                        "Disconnect"
                    </button>
                </div>
                <ConnectionStatus suggestion=suggestion api=api base_path=base_path/>
            </form>

            <DisplaySettings/>
        </section>
    }
}

/// Which API the backend speaks; choosing another forgets the API path and the suggestion.
#[component]
fn ApiChoice(
    /// The chosen API's id.
    api: RwSignal<&'static str>,
    /// The API path, emptied when the API changes.
    base_path: RwSignal<String>,
    /// What the backend's answers suggested, dropped when the API changes.
    suggestion: RwSignal<Option<&'static dyn Dialect>>,
) -> impl IntoView {
    view! {
        <div class="field">
            <label for="api">"API"</label>
            <select id="api" name="api" data-testid="api-select"
                prop:value=move || api.get()
                on:change=move |ev| {
                    api.set(dialect::by_id(&event_target_value(&ev)).id());
                    base_path.set(String::new());
                    suggestion.set(None);
                }>
                {dialect::ALL.iter().map(|d| view! { <option value=d.id()>{d.title()}</option> }).collect_view()}
            </select>
            <p class="hint">"Which webhook API the server speaks: Switchboard's own, or a vendor's as its documentation shapes it."</p>
        </div>
    }
}

/// Where the webhooks live below the base URL, with the chosen API's default as placeholder.
#[component]
fn ApiPath(
    /// The chosen API's id.
    api: RwSignal<&'static str>,
    /// The path typed, empty for the API's default.
    base_path: RwSignal<String>,
) -> impl IntoView {
    let chosen = move || dialect::by_id(api.get());
    view! {
        <div class="field">
            <label for="base-path">"API path"</label>
            <input id="base-path" name="base-path" data-testid="base-path" spellcheck="false"
                placeholder=move || chosen().default_base_path()
                prop:value=move || base_path.get()
                on:input=move |ev| base_path.set(event_target_value(&ev))/>
            <p class="hint">"Where the webhooks live below the base URL. Empty means "
                <code>{move || chosen().default_base_path()}</code> "."</p>
        </div>
    }
}

/// Where the connection stands: connecting, what failed (with the API the answers suggest),
/// or the capabilities the backend offers.
#[component]
fn ConnectionStatus(
    /// What the backend's answers say it speaks, when that is not the API chosen.
    suggestion: RwSignal<Option<&'static dyn Dialect>>,
    /// The chosen API's id; taking the suggestion sets it.
    api: RwSignal<&'static str>,
    /// The API path; taking the suggestion empties it.
    base_path: RwSignal<String>,
) -> impl IntoView {
    let conn = use_connection();
    move || {
        match conn.phase.get() {
        Phase::Disconnected => view! {
            <p class="muted" data-testid="connection-status">"Not connected."</p>
        }
        .into_any(),
        Phase::Connecting => view! {
            <p class="muted" data-testid="connection-status" role="status">"Connecting…"</p>
        }
        .into_any(),
        Phase::Failed(e) => view! {
            <div class="error-panel" role="alert" data-testid="connection-error">
                <p class="error-title">{e.message()}</p>
                {move || suggestion.get().map(|d| view! {
                    <p data-testid="dialect-suggestion">
                        "Its answers look like the " <strong>{d.title()}</strong> " API. "
                        <button type="button" class="button" data-testid="use-suggestion"
                            on:click=move |_| { api.set(d.id()); base_path.set(String::new()); suggestion.set(None); }>
                            {format!("Use {}", d.title())}
                        </button>
                    </p>
                })}
            </div>
        }
        .into_any(),
        Phase::Connected(caps) => {
            let features = Feature::ALL
                .into_iter()
                .map(|f| {
                    let on = caps.has(f);
                    view! {
                        <li class=if on { "cap cap-on" } else { "cap cap-off" } data-testid=format!("cap-{}", f.as_str())
                            data-on=on.to_string()>
                            <span aria-hidden="true">{if on { "✓" } else { "–" }}</span>
                            " " {f.as_str()}
                            <span class="sr-only">{if on { " (available)" } else { " (not offered)" }}</span>
                        </li>
                    }
                })
                .collect_view();
            let level = if caps.features.is_empty() {
                "core level only"
            } else {
                "core level plus the features ticked"
            };
            view! {
                <div class="success-panel" data-testid="connection-status" role="status">
                    <p>"Connected to a " <strong data-testid="connected-api">{conn.dialect().title()}</strong>
                        " API (version " {caps.api_version.clone()} "), " {level} ". "
                        <span data-testid="transport">{transport(&conn.connection.get().map(|c| c.base_url).unwrap_or_default())}</span></p>
                    <ul class="caps" data-testid="capabilities">{features}</ul>
                </div>
            }
            .into_any()
        }
    }
    }
}

/// Theme and time zone, kept in this browser.
#[component]
fn DisplaySettings() -> impl IntoView {
    let settings = use_settings();
    view! {
            <div class="card form">
                <h2>"Display"</h2>
                <div class="field">
                    <label for="theme">"Theme"</label>
                    <select id="theme" data-testid="theme-select"
                        on:change=move |ev| settings.theme.set(Theme::parse(&event_target_value(&ev)))
                        prop:value=move || settings.theme.get().as_str()>
                        <option value="system">"Follow the system"</option>
                        <option value="light">"Light"</option>
                        <option value="dark">"Dark"</option>
                    </select>
                </div>
                <div class="field">
                    <label for="tz">"Times"</label>
                    <select id="tz" data-testid="tz-select"
                        on:change=move |ev| settings.tz.set(if event_target_value(&ev) == "utc" { TimeZoneMode::Utc } else { TimeZoneMode::Local })
                        prop:value=move || if settings.tz.get() == TimeZoneMode::Utc { "utc" } else { "local" }>
                        <option value="local">"Local time"</option>
                        <option value="utc">"UTC"</option>
                    </select>
                </div>
            </div>
    }
}

/// Whether calls go straight to another origin or through this page's own server.
fn transport(base_url: &str) -> String {
    let origin = default_base_url();
    let base = base_url.trim_end_matches('/');
    if base.is_empty() || base == origin {
        "Calls go to this page's own server.".to_owned()
    } else if base.starts_with(&format!("{origin}/upstream/")) {
        "Calls are forwarded by this page's server to the upstream it is configured with."
            .to_owned()
    } else {
        format!("Calls go directly to {base}, which allows this console's origin (CORS).")
    }
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn next_stays_inside_the_app() {
        assert_eq!(
            safe_next(Some("/webhooks?q=a".into())).as_deref(),
            Some("/webhooks?q=a")
        );
        assert_eq!(safe_next(Some("//evil.test/".into())), None);
        assert_eq!(safe_next(Some("https://evil.test/".into())), None);
        assert_eq!(safe_next(Some("/\\evil.test".into())), None);
        assert_eq!(safe_next(None), None);
    }
}
