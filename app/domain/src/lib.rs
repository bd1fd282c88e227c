//! Yorisoi's domain: value types parsed at the edge and the schedule engine. Pure Rust, no I/O.

pub mod account;
pub mod caseload;
pub mod code;
pub mod consultation;
pub mod family;
pub mod ids;
pub mod input;
pub mod invitation;
pub mod password_reset;
pub mod people;
pub mod reminder;
pub mod schedule;
pub mod site;
pub mod support;
pub mod timeline;
