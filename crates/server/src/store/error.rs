//! What can go wrong in storage. Storage never speaks HTTP: `crate::error` decides what each
//! case answers.

/// A failed storage call.
#[derive(Debug)]
pub enum StoreError {
    /// SQLite failed, or a stored value did not read back.
    Database(rusqlite::Error),
    /// The blocking task that ran the call panicked or was cancelled.
    Task(String),
    /// A list cursor this server did not hand out (or one that was tampered with).
    BadCursor,
    /// A list cursor handed out under another order than the one asked for.
    WrongCursor,
}

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StoreError::Database(e) => write!(f, "database: {e}"),
            StoreError::Task(e) => f.write_str(e),
            StoreError::BadCursor => f.write_str("cursor is not one this server handed out"),
            StoreError::WrongCursor => {
                f.write_str("cursor belongs to another sort order than the one asked for")
            }
        }
    }
}

impl std::error::Error for StoreError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            StoreError::Database(e) => Some(e),
            StoreError::Task(_) | StoreError::BadCursor | StoreError::WrongCursor => None,
        }
    }
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        StoreError::Database(e)
    }
}
