//! Pages for parents (保護者), on their phones.

pub mod consultations;
pub mod home;
pub mod reminders;
