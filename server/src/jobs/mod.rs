//! Work the server does on its own: sending reminders from the outbox, and re-planning them.

pub mod dispatcher;
pub mod replan;
pub mod vapid;
