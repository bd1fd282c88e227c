//! Subcommands of the `yorisoi` binary other than serving.

pub mod admin;
pub mod backup;
pub mod schedule;
pub mod schedule_file;
pub mod seed_scale;
