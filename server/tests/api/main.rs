//! HTTP tests of the real application on port 0: sign-in, sessions, tenancy and role checks.
//! Each test runs on a fresh SQLite file, and again on a fresh PostgreSQL database when
//! `YORISOI_TEST_POSTGRES_URL` is set.

mod helpers;

mod audit_coverage;
mod auth;
mod consultations;
mod figures;
mod kept_tasks;
mod pages;
mod password;
mod push_news;
#[path = "../push/receiver.rs"]
mod receiver;
#[path = "../push/smtp.rs"]
mod smtp;
mod staff_access;
mod staff_support;
mod statuses;
mod tasks;
mod tenancy;
mod timeline;
