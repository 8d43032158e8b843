//! The Webhook resource's limits, one copy for the server's validation and the console's
//! inline checks, so the two cannot drift apart.

pub const MAX_NAME: usize = 120;
pub const MAX_DESCRIPTION: usize = 2000;
pub const MAX_URL: usize = 2048;
pub const MAX_HEADERS: usize = 30;
pub const MAX_CONDITION: usize = 2000;
/// Deepest bracket nesting of a filter condition: deeper ones could exhaust the stack of the
/// server's parser and evaluator.
pub const MAX_CONDITION_NESTING: usize = 24;
/// Longest `filter.group`.
pub const MAX_FILTER_GROUP: usize = 120;
/// Most further destinations (`targets`) one webhook may have.
pub const MAX_TARGETS: usize = 10;
/// Largest `retry_count` (the smallest is 0: no retries).
pub const MAX_RETRY_COUNT: u8 = 10;
/// Smallest `timeout_seconds`.
pub const MIN_TIMEOUT: u32 = 1;
/// Largest `timeout_seconds`.
pub const MAX_TIMEOUT: u32 = 120;
/// Smallest `delay.amount`.
pub const MIN_DELAY: u32 = 1;
/// Largest `delay.amount`.
pub const MAX_DELAY: u32 = 1000;

/// Headers the delivery engine sets itself; a custom header may not override them, or
/// signing and framing would break. Lower case.
pub const RESERVED_HEADERS: &[&str] = &[
    "host",
    "content-length",
    "content-type",
    "transfer-encoding",
    "connection",
    "upgrade",
    "te",
    "trailer",
    "keep-alive",
    "proxy-authorization",
    "webhook-id",
    "webhook-timestamp",
    "webhook-signature",
];
