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
    /// The directory already has an institution of that name.
    InstitutionExists,
    /// Someone else booked the slot first (or it was withdrawn).
    SlotTaken,
    /// The consultation is closed.
    ConsultationClosed,
    /// A local time that does not exist (skipped by a clock change).
    NoSuchLocalTime,
}

impl From<Invalid> for AppError {
    fn from(e: Invalid) -> Self {
        AppError::Invalid(e)
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        AppError::Request(value.to_string())
    }
}

#[cfg(feature = "ssr")]
impl From<store::Error> for AppError {
    fn from(e: store::Error) -> Self {
        match e {
            store::Error::NotFound => AppError::NotFound,
            store::Error::Conflict("email_taken") => AppError::Conflict(Conflict::EmailTaken),
            store::Error::Conflict("plan_changed") => AppError::Conflict(Conflict::PlanChanged),
            store::Error::Conflict("institution_exists") => AppError::Conflict(Conflict::InstitutionExists),
            store::Error::Conflict("slot_taken") => AppError::Conflict(Conflict::SlotTaken),
            store::Error::Conflict("consultation_closed") => AppError::Conflict(Conflict::ConsultationClosed),
            store::Error::Conflict("no_such_local_time") => AppError::Conflict(Conflict::NoSuchLocalTime),
            other => {
                tracing::error!(error = %other, "store error");
                AppError::Internal
            }
        }
    }
}
