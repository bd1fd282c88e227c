//! Server functions, one file per capability. Each is a public endpoint: it checks who is asking
//! and which municipality the record belongs to, then calls the store or the domain.

pub mod accounts;
pub mod audit;
pub mod auth;
pub mod consultations;
pub mod families;
pub mod figures;
pub mod intake;
pub mod language;
pub mod network;
pub mod password;
pub mod plans;
pub mod reminders;
pub mod support;
pub mod tasks;
pub mod timeline;
pub mod visits;

#[cfg(feature = "ssr")]
pub mod context;
