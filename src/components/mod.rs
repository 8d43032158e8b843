//! Reusable widgets. Pages compose these; none of them fetches.

mod confirm_dialog;
mod connection_badge;
mod error_panel;
mod gate;
mod relative_time;
mod theme_toggle;
mod toast_region;

pub use confirm_dialog::ConfirmDialog;
pub use connection_badge::ConnectionBadge;
pub use error_panel::ErrorPanel;
pub use gate::{Gate, IfFeature};
pub use relative_time::RelativeTime;
pub use theme_toggle::ThemeToggle;
pub use toast_region::ToastRegion;
