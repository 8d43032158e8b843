//! Connection settings (base URL and token) and the capabilities discovered with them.
//! The token lives in memory, or in sessionStorage when the user opts in; never localStorage.

use crate::api::dialect::{self, Dialect};
use crate::api::{ApiError, Backend, HttpBackend};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use switchboard_api::{Capabilities, Feature};

const SESSION_KEY: &str = "switchboard.connection";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Connection {
    pub base_url: String,
    pub token: String,
    /// Kept in this tab's sessionStorage.
    pub remember: bool,
    /// Which vendor's API the backend speaks ([`dialect::ALL`]); empty is Switchboard's.
    #[serde(default)]
    pub dialect: String,
    /// Where the webhook resource lives below `base_url`; empty is the dialect's default.
    #[serde(default)]
    pub base_path: String,
}

impl Connection {
    pub fn dialect(&self) -> &'static dyn Dialect {
        dialect::by_id(&self.dialect)
    }

    pub fn backend(&self) -> HttpBackend {
        HttpBackend::with_dialect(&self.base_url, &self.token, self.dialect(), &self.base_path)
    }
}

/// After a failed call to another origin: a `no-cors` request gets an (unreadable) answer
/// when the server is up but does not allow this origin, and fails when it is down. Only then
/// is the failure a CORS refusal rather than "cannot reach".
async fn cors_or_down(base_url: &str) -> Option<ApiError> {
    let window = web_sys::window()?;
    let origin = window.location().origin().ok()?;
    let target = base_url.trim().trim_end_matches('/');
    if target.is_empty() || target.starts_with(&origin) {
        return None;
    }
    let init = web_sys::RequestInit::new();
    init.set_mode(web_sys::RequestMode::NoCors);
    let answered =
        wasm_bindgen_futures::JsFuture::from(window.fetch_with_str_and_init(target, &init))
            .await
            .is_ok();
    let target_origin = target.splitn(4, '/').take(3).collect::<Vec<_>>().join("/");
    answered.then_some(ApiError::CorsBlocked {
        origin: target_origin,
    })
}

/// The first dialect whose list answer at its default path looks like this backend's, if any.
pub async fn recognise(base_url: &str, token: &str) -> Option<&'static dyn Dialect> {
    for &d in dialect::ALL {
        let backend = HttpBackend::with_dialect(base_url, token, d, "");
        if backend.looks_like_its_dialect().await {
            return Some(d);
        }
    }
    None
}

/// Where the connection stands.
#[derive(Debug, Clone, PartialEq)]
pub enum Phase {
    /// No credentials yet.
    Disconnected,
    Connecting,
    Connected(Capabilities),
    Failed(ApiError),
}

/// Context: the connection, its phase, and where to return after (re)connecting.
#[derive(Clone, Copy)]
pub struct ConnectionState {
    pub connection: RwSignal<Option<Connection>>,
    pub phase: RwSignal<Phase>,
    /// True while the connection kept from an earlier visit is being checked at start-up: the
    /// token is probably still good, so eager pages may start their requests alongside.
    pub resuming: RwSignal<bool>,
}

impl ConnectionState {
    pub fn capabilities(&self) -> Option<Capabilities> {
        match self.phase.get() {
            Phase::Connected(c) => Some(c),
            _ => None,
        }
    }

    /// The capabilities now, without subscribing to changes.
    pub fn capabilities_untracked(&self) -> Option<Capabilities> {
        match self.phase.get_untracked() {
            Phase::Connected(c) => Some(c),
            _ => None,
        }
    }

    /// Reactive: does the connected backend have this feature?
    pub fn has(&self, feature: Feature) -> bool {
        self.phase
            .with(|p| matches!(p, Phase::Connected(c) if c.has(feature)))
    }

    /// The dialect of the current connection (Switchboard's when there is none). Not
    /// reactive: it changes only with a connect, which the phase already announces, and a page
    /// that read it must not be rebuilt by every change to the connection.
    pub fn dialect(&self) -> &'static dyn Dialect {
        self.connection
            .try_with_untracked(|c| c.as_ref().map(Connection::dialect))
            .flatten()
            .unwrap_or(dialect::ALL[0])
    }

    pub fn is_connected(&self) -> bool {
        self.phase.with(|p| matches!(p, Phase::Connected(_)))
    }

    /// Tries the connection by asking for capabilities; on success it becomes the current one.
    pub async fn connect(&self, conn: Connection) -> Result<Capabilities, ApiError> {
        self.phase.set(Phase::Connecting);
        let backend = conn.backend();
        match backend.capabilities().await {
            Ok(caps) => {
                store(&conn);
                self.connection.set(Some(conn));
                self.phase.set(Phase::Connected(caps.clone()));
                Ok(caps)
            }
            Err(e) => {
                let e = match e {
                    ApiError::Network { .. } => cors_or_down(&conn.base_url).await.unwrap_or(e),
                    other => other,
                };
                self.phase.set(Phase::Failed(e.clone()));
                Err(e)
            }
        }
    }

    /// Forgets the token everywhere it was kept.
    pub fn disconnect(&self) {
        clear_stored();
        self.connection.update(|c| {
            if let Some(c) = c {
                c.token.clear();
            }
        });
        self.phase.set(Phase::Disconnected);
    }

    /// Whether the token was rejected after it had worked (as opposed to never connecting).
    pub fn was_rejected(&self) -> bool {
        self.phase
            .with(|p| matches!(p, Phase::Failed(e) if e.is_unauthorised()))
    }

    /// The backend rejected the token mid-session: keep the URL, drop the token.
    pub fn token_rejected(&self, error: ApiError) {
        clear_stored();
        self.connection.update(|c| {
            if let Some(c) = c {
                c.token.clear();
            }
        });
        self.phase.set(Phase::Failed(error));
    }
}

pub fn provide_connection() -> ConnectionState {
    let state = ConnectionState {
        connection: RwSignal::new(load()),
        phase: RwSignal::new(Phase::Disconnected),
        resuming: RwSignal::new(false),
    };
    provide_context(state);
    crate::api::on_unauthorised(move |token, error| {
        // Only the live token counts: a late 401 for one already replaced changes nothing.
        // `try_` because a test may have unmounted this app while a request was in flight.
        let current = state
            .connection
            .try_with_untracked(|c| c.as_ref().map(|c| c.token.clone()))
            .flatten();
        let connected = state
            .phase
            .try_with_untracked(|p| matches!(p, Phase::Connected(_)))
            .unwrap_or(false);
        if connected && current.as_deref() == Some(token) {
            state.token_rejected(error.clone());
        }
    });
    if let Some(conn) = state.connection.get_untracked() {
        state.resuming.set(true);
        leptos::task::spawn_local(async move {
            let _ = state.connect(conn).await;
            state.resuming.try_set(false);
        });
    }
    state
}

pub fn use_connection() -> ConnectionState {
    expect_context::<ConnectionState>()
}

/// The backend for the current connection. Pages call this when they fetch, never `fetch`.
pub fn use_backend() -> HttpBackend {
    use_live_backend().now()
}

/// A page's lasting handle on the backend: each `now()` reads the connection as it is then, so
/// a reconnect with a new token (or another API) reaches the page's next request instead of
/// the page sending the token it mounted with.
#[derive(Clone, Copy)]
pub struct LiveBackend(ConnectionState);

impl LiveBackend {
    pub fn now(&self) -> HttpBackend {
        self.0
            .connection
            .try_with_untracked(|c| match c {
                Some(c) => c.backend(),
                None => HttpBackend::new(&default_base_url(), ""),
            })
            .unwrap_or_else(|| HttpBackend::new(&default_base_url(), ""))
    }
}

pub fn use_live_backend() -> LiveBackend {
    LiveBackend(use_connection())
}

/// This page's own origin: the default backend when the console is served by it.
pub fn default_base_url() -> String {
    web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default()
}

fn session() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok()?
}

fn load() -> Option<Connection> {
    let raw = session()?.get_item(SESSION_KEY).ok()??;
    serde_json::from_str(&raw).ok()
}

fn store(conn: &Connection) {
    let Some(storage) = session() else { return };
    if conn.remember {
        if let Ok(raw) = serde_json::to_string(conn) {
            let _ = storage.set_item(SESSION_KEY, &raw);
        }
    } else {
        let _ = storage.remove_item(SESSION_KEY);
    }
}

fn clear_stored() {
    if let Some(storage) = session() {
        let _ = storage.remove_item(SESSION_KEY);
    }
}
