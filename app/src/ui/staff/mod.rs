//! Pages for the centre's staff.

pub mod accounts;
pub mod caseload;
pub mod family;
