//! The server's parts, as a library so that tests start the real application on port 0.

pub mod cli;
pub mod config;
pub mod jobs;
pub mod routes;
pub mod security;
pub mod startup;
pub mod telemetry;
