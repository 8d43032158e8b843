//! The console's data provider: the `Backend` trait, its HTTP implementation and its errors.
//! Pages ask the backend; nothing else in the console calls `fetch`.

mod backend;
mod error;
mod http;
pub mod inflight;
mod query;

pub use backend::{Backend, Page};
pub use error::ApiError;
pub use http::{on_unauthorised, HttpBackend};
pub use query::{encode as encode_component, DeliveryQuery, WebhookQuery};
