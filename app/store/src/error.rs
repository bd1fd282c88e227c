//! The store's own small error type, mapped once to the client's error in the api layer.

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("not found")]
    NotFound,
    /// A uniqueness or state rule refused the change; the name says which.
    #[error("conflict: {0}")]
    Conflict(&'static str),
    #[error("configuration: {0}")]
    Config(String),
    #[error("migration failed: {0}")]
    Migrate(String),
    #[error("stored data is not what the code expects: {0}")]
    Corrupt(String),
    #[error("password hashing failed")]
    PasswordHash,
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

impl Error {
    /// Turns a unique violation into a named conflict, leaving other errors as they are.
    pub(crate) fn on_unique(self, name: &'static str) -> Self {
        match &self {
            Error::Database(sqlx::Error::Database(e)) if e.is_unique_violation() => Error::Conflict(name),
            _ => self,
        }
    }
}
