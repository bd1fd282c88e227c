//! The one error type the client sees. Each variant means something to the user; internal causes
//! are logged on the server and never sent to the browser.

use domain::input::Invalid;
use leptos::prelude::{FromServerFnError, ServerFnErrorErr};
use leptos::server_fn::codec::JsonEncoding;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("not signed in")]
    NotSignedIn,
    #[error("forbidden")]
    Forbidden,
    #[error("not found")]
    NotFound,
    #[error("invalid input: {0}")]
    Invalid(Invalid),
    #[error("wrong credentials")]
    WrongCredentials,
    #[error("too many attempts; retry after {retry_after_seconds} s")]
    TooManyAttempts { retry_after_seconds: i64 },
    #[error("conflict: {0:?}")]
    Conflict(Conflict),
    /// The request could not be read: a field missing or not of its kind (a hand-made request;
    /// the app's own forms always send what the function takes).
    #[error("malformed request: {0}")]
    Malformed(String),
    #[error("internal error")]
    Internal,
    /// The request did not get through (offline, timeout) or its answer could not be read.
    #[error("request failed: {0}")]
    Request(String),
}

/// Refusals that depend on what is already stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Conflict {
    EmailTaken,
    InvitationUnknown,
    InvitationUsed,
    InvitationExpired,
    /// Someone else saved the support plan since the form was opened.
    PlanChanged,
    /// The family already has an open plan of that category for that person.
    PlanExists,
    /// The directory already has an institution of that name.
    InstitutionExists,
    /// Someone else booked the slot first (or it was withdrawn).
    SlotTaken,
    /// The consultation is closed.
    ConsultationClosed,
    /// A local time that does not exist (skipped by a clock change).
    NoSuchLocalTime,
    /// A new slot overlaps another of the same coordinator's.
    SlotOverlaps,
    /// Past the municipality's cutoff (or the time itself) a parent cannot change a booking.
    BookingLocked,
    /// A site families are still followed from cannot close.
    SiteHasFamilies,
    /// Nothing new can be placed at a closed site.
    SiteClosed,
    /// Another site of the municipality has that name.
    SiteNameTaken,
    /// The centre has no mail server set up for reminders.
    EmailUnavailable,
    /// A reset link or counter code that is unknown, used, expired or not this parent's.
    ResetNotValid,
}

impl From<Invalid> for AppError {
    fn from(e: Invalid) -> Self {
        AppError::Invalid(e)
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            // On the server: the arguments could not be decoded.
            ServerFnErrorErr::Args(_) | ServerFnErrorErr::MissingArg(_) => AppError::Malformed(value.to_string()),
            other => AppError::Request(other.to_string()),
        }
    }
}

impl AppError {
    /// The HTTP status that answers with this error: 4xx per cause, 500 only for a fault.
    pub fn status(&self) -> u16 {
        match self {
            AppError::Malformed(_) => 400,
            AppError::NotSignedIn | AppError::WrongCredentials => 401,
            AppError::Forbidden => 403,
            // Another municipality's or family's record answers as if it did not exist.
            AppError::NotFound | AppError::Conflict(Conflict::InvitationUnknown) => 404,
            AppError::Conflict(Conflict::NoSuchLocalTime) | AppError::Invalid(_) => 422,
            AppError::Conflict(_) => 409,
            AppError::TooManyAttempts { .. } => 429,
            AppError::Internal | AppError::Request(_) => 500,
        }
    }

    /// Seconds to wait before trying again, for a `Retry-After` header.
    pub fn retry_after(&self) -> Option<i64> {
        match self {
            &AppError::TooManyAttempts { retry_after_seconds } => Some(retry_after_seconds.max(1)),
            _ => None,
        }
    }
}

#[cfg(feature = "ssr")]
impl From<store::Error> for AppError {
    fn from(e: store::Error) -> Self {
        match e {
            store::Error::NotFound => AppError::NotFound,
            store::Error::Conflict("email_taken") => AppError::Conflict(Conflict::EmailTaken),
            store::Error::Conflict("plan_changed") => AppError::Conflict(Conflict::PlanChanged),
            store::Error::Conflict("plan_exists") => AppError::Conflict(Conflict::PlanExists),
            store::Error::Conflict("institution_exists") => AppError::Conflict(Conflict::InstitutionExists),
            store::Error::Conflict("slot_taken") => AppError::Conflict(Conflict::SlotTaken),
            store::Error::Conflict("consultation_closed") => AppError::Conflict(Conflict::ConsultationClosed),
            store::Error::Conflict("no_such_local_time") => AppError::Conflict(Conflict::NoSuchLocalTime),
            store::Error::Conflict("slot_overlaps") => AppError::Conflict(Conflict::SlotOverlaps),
            store::Error::Conflict("site_has_families") => AppError::Conflict(Conflict::SiteHasFamilies),
            store::Error::Conflict("site_closed") => AppError::Conflict(Conflict::SiteClosed),
            store::Error::Conflict("site_name") => AppError::Conflict(Conflict::SiteNameTaken),
            other => {
                tracing::error!(error = %other, "store error");
                AppError::Internal
            }
        }
    }
}
