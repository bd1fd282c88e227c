//! Islands: the only parts of a page the browser runs. Every page is rendered on the server and
//! works as plain HTML (links and forms that post); an island adds, where it helps, what HTML
//! alone cannot do. Only the code of these components is compiled into the WASM client, and a
//! page without islands loads no WASM at all.
//!
//! - [`form::FormGuard`] sends a form in the background: a refusal shows beside the form and keeps
//!   what was typed, success reloads the page (or goes where the server says).
//! - [`composer::Composer`] writes consultation messages that are never lost (offline queue).
//! - [`offline::OfflineNotice`] says when the page is a saved copy, and sends queued messages.
//! - [`calendar::CalendarFeed`] and [`invitation::InvitationIssuer`] show an address or a code
//!   once, when it is made (the server keeps only its hash, or shows it to no one else).
//!
//! Islands take their language as a prop (`lang`): the server knows the reader's language, and
//! the client carries only the few strings its islands show.

pub mod calendar;
pub mod composer;
pub mod form;
pub mod invitation;
pub mod offline;
pub mod outbox;

use crate::i18n::Locale;

/// The language an island was given by the server.
pub(crate) fn locale(lang: &str) -> Locale {
    lang.parse().unwrap_or_default()
}
