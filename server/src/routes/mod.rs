//! HTTP routes that are not Leptos pages or server functions.

pub mod assets;
pub mod calendar;
pub mod errors;
pub mod figures;
pub mod health;
