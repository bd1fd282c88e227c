//! Why a piece of user input was refused, as codes the UI turns into words in the user's language.

use serde::{Deserialize, Serialize};

/// A reason an input was refused. The UI has a message for each in Japanese and English.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(rename_all = "snake_case")]
pub enum Problem {
    #[error("required")]
    Required,
    #[error("too long")]
    TooLong,
    #[error("too short")]
    TooShort,
    #[error("malformed")]
    Malformed,
    #[error("not kana")]
    NotKana,
    #[error("not a date")]
    NotADate,
    #[error("date out of range")]
    DateOutOfRange,
}

/// A refused input: which field and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{field}: {problem}")]
pub struct Invalid {
    pub field: String,
    pub problem: Problem,
}

impl Invalid {
    pub fn new(field: &str, problem: Problem) -> Self {
        Invalid {
            field: field.to_owned(),
            problem,
        }
    }
}
