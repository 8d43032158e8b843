//! Identifier generation and the per-request id carried through a request's task.

use rand::Rng;

tokio::task_local! {
    static REQUEST_ID: String;
}

/// A prefixed random id (`wh_…`, `dlv_…`): 16 random bytes in lowercase hex, unguessable and
/// URL-safe.
pub fn new_id(prefix: &str) -> String {
    let bytes: [u8; 12] = rand::thread_rng().gen();
    let mut s = String::with_capacity(prefix.len() + 1 + 24);
    s.push_str(prefix);
    s.push('_');
    for b in bytes {
        s.push_str(&format!("{b:02x}"));
    }
    s
}

/// The id of the request being handled, or a fresh one outside a request.
pub fn request_id() -> String {
    REQUEST_ID
        .try_with(|id| id.clone())
        .unwrap_or_else(|_| new_id("req"))
}

/// Runs `fut` with `id` as the current request id.
pub async fn with_request_id<F: std::future::Future>(id: String, fut: F) -> F::Output {
    REQUEST_ID.scope(id, fut).await
}

/// Milliseconds since the Unix epoch, the time unit of every stored time.
pub fn now_ms() -> i64 {
    (time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as i64
}
