//! App-wide state held in context: the connection, the backend's capabilities, toasts, settings,
//! the clock relative times follow.

mod clock;
mod connection;
mod settings;
mod toasts;

pub use clock::{provide_clock, use_clock, Clock};
pub use connection::{
    default_base_url, provide_connection, recognise, use_backend, use_connection, use_live_backend,
    Connection, ConnectionState, LiveBackend, Phase,
};
pub use settings::{provide_settings, use_settings, Settings, Theme, TimeZoneMode};
pub use toasts::{provide_toasts, use_toasts, Toast, ToastKind, Toasts};
