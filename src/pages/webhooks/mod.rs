//! Webhook management: list, create, detail, edit.

mod detail;
mod form;
mod health;
mod list;

pub use detail::WebhookDetailPage;
pub use form::{new_idempotency_key, WebhookEditPage, WebhookNewPage};
pub use list::WebhookListPage;
