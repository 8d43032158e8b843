//! Connection settings (base URL and token) and the capabilities discovered with them.
//! The token lives in memory, or in sessionStorage when the user opts in; never localStorage.

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

    /// Reactive: does the connected backend have this feature?
    pub fn has(&self, feature: Feature) -> bool {
        self.phase
            .with(|p| matches!(p, Phase::Connected(c) if c.has(feature)))
    }

    pub fn is_connected(&self) -> bool {
        self.phase.with(|p| matches!(p, Phase::Connected(_)))
    }

    /// Tries the connection by asking for capabilities; on success it becomes the current one.
    pub async fn connect(&self, conn: Connection) -> Result<Capabilities, ApiError> {
        self.phase.set(Phase::Connecting);
        let backend = HttpBackend::new(&conn.base_url, &conn.token);
        match backend.capabilities().await {
            Ok(caps) => {
                store(&conn);
                self.connection.set(Some(conn));
                self.phase.set(Phase::Connected(caps.clone()));
                Ok(caps)
            }
            Err(e) => {
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
    let state = use_connection();
    state.connection.with_untracked(|c| match c {
        Some(c) => HttpBackend::new(&c.base_url, &c.token),
        None => HttpBackend::new(&default_base_url(), ""),
    })
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
