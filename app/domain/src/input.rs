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
    /// A vaccine product kept only to finish a series begun on it (PCV15).
    #[error("only to finish a series begun on it")]
    OnlyToFinishSeries,
    /// A choice that does not go with another one made in the same form (a support plan's subject
    /// that its category does not admit).
    #[error("not for this category")]
    NotForCategory,
    /// A contact recorded for the wrong person: the notification and eight-month contacts are
    /// the pregnancy's, the postnatal interview the child's.
    #[error("not for this person")]
    NotForMember,
    /// An admin's own account, which they cannot disable.
    #[error("one's own account")]
    OwnAccount,
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

/// Free text a person wrote (findings, goals, reasons): trimmed, at most `max_chars` characters,
/// no control characters but line breaks and tabs. Empty is allowed; see [`required_text`].
pub fn free_text(field: &str, raw: &str, max_chars: usize) -> Result<String, Invalid> {
    let text = raw.trim();
    if text.chars().count() > max_chars {
        return Err(Invalid::new(field, Problem::TooLong));
    }
    if text.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')) {
        return Err(Invalid::new(field, Problem::Malformed));
    }
    Ok(text.replace("\r\n", "\n"))
}

/// Like [`free_text`], but something must be written.
pub fn required_text(field: &str, raw: &str, max_chars: usize) -> Result<String, Invalid> {
    let text = free_text(field, raw, max_chars)?;
    if text.is_empty() {
        return Err(Invalid::new(field, Problem::Required));
    }
    Ok(text)
}

/// A calendar date from a form (`YYYY-MM-DD`).
pub fn date(field: &str, raw: &str) -> Result<chrono::NaiveDate, Invalid> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(Invalid::new(field, Problem::Required));
    }
    raw.parse().map_err(|_| Invalid::new(field, Problem::NotADate))
}

/// An optional calendar date from a form: empty means none.
pub fn optional_date(field: &str, raw: &str) -> Result<Option<chrono::NaiveDate>, Invalid> {
    if raw.trim().is_empty() {
        Ok(None)
    } else {
        date(field, raw).map(Some)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn free_text_is_trimmed_bounded_and_clean() {
        assert_eq!(free_text("f", "  a\r\nb  ", 10).unwrap(), "a\nb");
        assert_eq!(free_text("f", "", 10).unwrap(), "");
        assert_eq!(
            free_text("f", &"あ".repeat(11), 10).unwrap_err().problem,
            Problem::TooLong
        );
        assert_eq!(free_text("f", "a\u{7}b", 10).unwrap_err().problem, Problem::Malformed);
        assert_eq!(required_text("f", "   ", 10).unwrap_err().problem, Problem::Required);
    }

    #[test]
    fn dates_from_forms() {
        assert_eq!(date("d", " 2026-02-28 ").unwrap().to_string(), "2026-02-28");
        assert_eq!(date("d", "2026-02-30").unwrap_err().problem, Problem::NotADate);
        assert_eq!(date("d", "").unwrap_err().problem, Problem::Required);
        assert_eq!(optional_date("d", " ").unwrap(), None);
    }
}
