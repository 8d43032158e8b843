//! Demo mode: built-in receivers, seeded webhooks and a live event generator.

use crate::http::AppState;
use axum::Router;

pub fn receiver_routes() -> Router<AppState> {
    Router::new()
}

pub async fn start(
    _state: &AppState,
    _base: &str,
    _stop: tokio::sync::watch::Receiver<bool>,
) -> Result<Vec<tokio::task::JoinHandle<()>>, String> {
    Ok(Vec::new())
}
