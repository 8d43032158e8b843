//! `Gate` shows a page only once a backend is connected; `IfFeature` shows its children only
//! when the backend has a feature, so a core-only backend never sees a dead control.

use crate::state::{use_connection, use_toasts, Connection, Phase};
use leptos::html;
use leptos::prelude::*;
use leptos_router::{components::A, hooks::use_location};
use switchboard_api::Feature;

/// Renders `children` when connected, otherwise a prompt to connect that returns here after.
///
/// Once the page has been shown it stays mounted: when the server rejects the token later
/// (revoked, expired) the page is hidden behind a reconnect prompt instead of being torn
/// down, so whatever the user had typed is still there after reconnecting in place.
#[component]
pub fn Gate(
    /// The page starts its requests without knowing the backend's capabilities (it reads
    /// them reactively), so while a kept connection is checked at start-up it is built hidden
    /// and its requests travel with the capabilities request instead of a round trip after it.
    /// It is dropped, unseen, if the check fails.
    #[prop(optional)]
    eager: bool,
    children: ChildrenFn,
) -> impl IntoView {
    let conn = use_connection();
    let location = use_location();
    let next = move || {
        let path = location.pathname.get();
        let search = location.search.get();
        let target = if search.is_empty() {
            path
        } else {
            format!("{path}?{search}")
        };
        format!("/settings?next={}", crate::api::encode_component(&target))
    };
    let connected = Memo::new(move |_| conn.is_connected());
    // Flips to true once and never back, so the children are built exactly once.
    let shown =
        Memo::new(move |prev: Option<&bool>| prev.copied().unwrap_or(false) || connected.get());
    let built = Memo::new(move |_| shown.get() || (eager && conn.resuming.get()));

    // Rebuilt only when the kind of prompt changes, so a failed reconnect keeps its message.
    let mode = Memo::new(move |_| match conn.phase.get() {
        Phase::Connected(_) => Mode::None,
        Phase::Connecting if !shown.get() => Mode::Connecting,
        Phase::Connecting | Phase::Failed(_) if shown.get() => Mode::Rejected,
        _ => Mode::Connect,
    });
    let prompt = move || match mode.get() {
        Mode::None => None,
        Mode::Connecting => Some(
            view! {
                <section class="page">
                    <p class="muted" role="status" data-testid="connecting">"Connecting…"</p>
                </section>
            }
            .into_any(),
        ),
        Mode::Rejected => Some(view! { <Reconnect next=Signal::derive(next)/> }.into_any()),
        Mode::Connect => Some(
            view! {
                <section class="page empty-state" data-testid="connect-prompt">
                    <h1>"Connect to a backend"</h1>
                    <p>"Switchboard needs the address of a Switchboard API server and a token."</p>
                    <A href=next attr:class="button primary">"Connect"</A>
                </section>
            }
            .into_any(),
        ),
    };

    view! {
        {prompt}
        {move || built.get().then(|| view! {
            <div class="gate-content" hidden=move || !connected.get() data-testid="gate-content">
                {children()}
            </div>
        })}
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    None,
    Connecting,
    /// The page has been shown and the connection is lost: reconnect in place.
    Rejected,
    Connect,
}

/// The token stopped working mid-session: ask for a new one right here (the page below keeps
/// its state), or go to Settings and come back.
#[component]
fn Reconnect(
    /// The Settings link that returns to this page.
    next: Signal<String>,
) -> impl IntoView {
    let conn = use_connection();
    let toasts = use_toasts();
    let token = RwSignal::new(String::new());
    let heading = NodeRef::<html::H1>::new();
    // Focus moves to the prompt so keyboard and screen-reader users learn what happened.
    Effect::new(move |_| {
        if let Some(h) = heading.get() {
            let _ = h.focus();
        }
    });
    let reconnect = Action::new_local(move |c: &Connection| {
        let c = c.clone();
        async move { conn.connect(c).await }
    });
    Effect::new(move |_| {
        if let Some(Ok(_)) = reconnect.value().get() {
            toasts.success("Reconnected");
        }
    });
    let failed = move || match reconnect.value().get() {
        Some(Err(e)) => Some(view! {
            <p class="field-error" role="alert" data-testid="reconnect-error">{e.message()}</p>
        }),
        _ => None,
    };
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let previous = conn.connection.get_untracked();
        let base_url = previous
            .as_ref()
            .map(|c| c.base_url.clone())
            .unwrap_or_else(crate::state::default_base_url);
        let remember = previous.as_ref().is_some_and(|c| c.remember);
        // The same API and path as before: only the token changes.
        let (dialect, base_path) = previous
            .map(|c| (c.dialect, c.base_path))
            .unwrap_or_default();
        reconnect.dispatch(Connection {
            base_url,
            token: token.get_untracked().trim().to_owned(),
            remember,
            dialect,
            base_path,
        });
        token.set(String::new());
    };
    view! {
        <section class="page narrow" data-testid="reconnect-prompt">
            <form class="card form" on:submit=on_submit novalidate>
                <h1 node_ref=heading tabindex="-1">"The server no longer accepts the token"</h1>
                <p role="alert">
                    "It answered 401 Unauthorised: the token was probably revoked or has expired. "
                    "Nothing on this page is lost: enter a valid token to carry on where you were."
                </p>
                <div class="field">
                    <label for="reconnect-token">"New API token"</label>
                    <input id="reconnect-token" type="password" autocomplete="off" spellcheck="false"
                        data-testid="reconnect-token"
                        prop:value=move || token.get()
                        on:input=move |ev| token.set(event_target_value(&ev))/>
                </div>
                {failed}
                <div class="form-actions">
                    <button type="submit" class="button primary" data-testid="reconnect"
                        disabled=move || reconnect.pending().get()>
                        "Reconnect"
                    </button>
                    <A href=move || next.get() attr:class="button ghost" attr:data-testid="reconnect-settings">
                        "Open Settings"
                    </A>
                </div>
            </form>
        </section>
    }
}

/// Renders `children` only when the connected backend advertises `feature`.
#[component]
pub fn IfFeature(
    /// The capability the children need.
    feature: Feature,
    children: ChildrenFn,
) -> impl IntoView {
    let conn = use_connection();
    move || conn.has(feature).then(|| children())
}
