//! The console's data provider: the `Backend` trait, its HTTP implementation and its errors.
//! Pages ask the backend; nothing else in the console calls `fetch`.

// `ApiError` carries the whole problem+json so a page can show it; it is made once per failed
// request, so boxing it to shrink `Result` would buy nothing anyone could measure.
#![allow(clippy::result_large_err)]

mod backend;
pub mod dialect;
pub(crate) mod error;
mod http;
pub mod inflight;
pub(crate) mod query;

pub use backend::{follow_cursor, Backend, Page};
pub use error::ApiError;
pub use http::{documented_event_types, on_unauthorised, HttpBackend};
pub use query::{encode as encode_component, DeliveryQuery, WebhookQuery};
