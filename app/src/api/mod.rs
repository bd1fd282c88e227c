//! Server functions, one file per capability. Each is a public endpoint: it checks who is asking
//! and which municipality the record belongs to, then calls the store or the domain.

pub mod accounts;
pub mod auth;
pub mod families;
pub mod timeline;

#[cfg(feature = "ssr")]
pub mod context;
