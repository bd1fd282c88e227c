//! Web Push end to end: the reminder dispatcher against a push service on loopback that checks
//! VAPID, decrypts every message and answers as each test needs. Each outbox test runs on a fresh
//! SQLite file, and again on a fresh PostgreSQL database when `YORISOI_TEST_POSTGRES_URL` is set.

mod receiver;
mod smtp;
mod support;

mod dispatch;
mod email;
mod receiver_checks;
