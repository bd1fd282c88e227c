//! Work the server does on its own: sending reminders from the outbox, re-planning them, and
//! keeping the task table.

pub mod dispatcher;
pub mod kept_tasks;
pub mod replan;
pub mod vapid;
