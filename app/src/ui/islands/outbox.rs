//! Messages written but not yet stored by the server, kept in the browser's `localStorage` so that
//! neither a lost connection nor a reload loses them. Each keeps the key it was first sent with, so
//! however often it is sent again, the server stores it once. The queue is emptied at log-out: a
//! shared phone must not keep one person's words for the next.

use serde::{Deserialize, Serialize};

/// One message waiting to be stored.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Queued {
    pub consultation: i64,
    pub key: String,
    pub body: String,
}

#[cfg(feature = "hydrate")]
const STORAGE_KEY: &str = "yorisoi.unsent";

/// Everything waiting, oldest first.
pub fn waiting() -> Vec<Queued> {
    #[cfg(feature = "hydrate")]
    {
        storage()
            .and_then(|s| s.get_item(STORAGE_KEY).ok().flatten())
            .and_then(|json| serde_json::from_str(&json).ok())
            .unwrap_or_default()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        Vec::new()
    }
}

/// What waits for one consultation.
pub fn waiting_for(consultation: i64) -> Vec<Queued> {
    waiting()
        .into_iter()
        .filter(|q| q.consultation == consultation)
        .collect()
}

/// Keeps a message until [`stored`] is called with its key.
pub fn keep(message: Queued) {
    let mut all = waiting();
    if !all.iter().any(|q| q.key == message.key) {
        all.push(message);
        save(&all);
    }
}

/// The server has the message (or refused it and the text is back in the box).
pub fn stored(key: &str) {
    let mut all = waiting();
    let before = all.len();
    all.retain(|q| q.key != key);
    if all.len() != before {
        save(&all);
    }
}

/// Forgets everything (log-out).
pub fn clear() {
    save(&[]);
}

#[allow(unused_variables)]
fn save(all: &[Queued]) {
    #[cfg(feature = "hydrate")]
    if let Some(storage) = storage() {
        let _ = if all.is_empty() {
            storage.remove_item(STORAGE_KEY)
        } else {
            match serde_json::to_string(all) {
                Ok(json) => storage.set_item(STORAGE_KEY, &json),
                Err(_) => Ok(()),
            }
        };
    }
}

#[cfg(feature = "hydrate")]
fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}
