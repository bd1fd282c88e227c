//! A push service on loopback, strict like a real one: it hands out subscriptions (a P-256 key pair
//! and a 16-byte auth secret each), checks every POST's VAPID header (RFC 8292: ES256 signature with
//! the `k` key, `aud` the endpoint's origin, `exp` in the future and at most 24 h away, `sub` a
//! `mailto:` or `https:` URL), decrypts the aes128gcm body (RFC 8291, RFC 8188), records what
//! arrived, and answers as told per subscription: 201, a redirect, 404, 410, 429, 500, or never.
//! Whatever reaches a redirect's target (`/sink/…`) is counted, so a test can show nothing did.
//!
//! Shared by the `push` test binary and the `bench_dispatch` example.

#![allow(dead_code)]

use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::{Aes128Gcm, Nonce};
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, post};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hkdf::Hkdf;
use p256::ecdsa::signature::Verifier;
use p256::ecdsa::{Signature, VerifyingKey};
use p256::elliptic_curve::sec1::ToEncodedPoint;
use p256::{PublicKey, SecretKey};
use rand::RngCore;
use sha2::Sha256;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How the push service answers a subscription's messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    /// 201 Created: accepted for delivery.
    Accept,
    /// 201 after a pause, to keep requests in flight.
    AcceptAfter(Duration),
    /// 201 for the first `n` messages accepted on this subscription, then never answers.
    AcceptThenHang(usize),
    /// 404: the subscription expired.
    NotFound,
    /// 410: the user unsubscribed.
    Gone,
    /// 429 with this `Retry-After` value.
    TooMany(String),
    /// 500.
    ServerError,
    /// This redirect status (301, 307 …) with `Location: /sink/<id>` on the same receiver.
    Redirect(u16),
    /// Never answers.
    Hang,
}

/// What the browser's `pushManager.subscribe()` would give the app.
#[derive(Debug, Clone)]
pub struct Subscription {
    pub id: u64,
    pub endpoint: String,
    /// base64url uncompressed P-256 point.
    pub p256dh: String,
    /// base64url 16 bytes.
    pub auth: String,
}

/// One POST that passed the checks, decrypted.
#[derive(Debug, Clone)]
pub struct Message {
    pub subscription: u64,
    /// What the receiver answered; `None` if it never did.
    pub status: Option<u16>,
    pub plaintext: String,
    pub payload: serde_json::Value,
    pub ttl: Option<u64>,
    pub urgency: Option<String>,
    pub topic: Option<String>,
}

impl Message {
    pub fn delivered(&self) -> bool {
        self.status == Some(201)
    }

    /// The payload's `url`, unique per reminder in these tests.
    pub fn url(&self) -> &str {
        self.payload["url"].as_str().unwrap_or_default()
    }
}

struct Sub {
    secret: SecretKey,
    public: Vec<u8>,
    auth: [u8; 16],
    /// The `applicationServerKey` the subscription was made with: a message signed by another
    /// key is refused with 403, as real push services do.
    server_key: Option<Vec<u8>>,
    mode: Mode,
    accepted: usize,
}

#[derive(Default)]
struct Inner {
    subs: HashMap<u64, Sub>,
    next_id: u64,
    messages: Vec<Message>,
    rejections: Vec<String>,
    /// Requests that reached `/sink/…`, the redirects' target.
    sunk: usize,
}

struct Shared {
    inner: Mutex<Inner>,
    port: u16,
    /// Verify and decrypt every message (on by default).
    checks: std::sync::atomic::AtomicBool,
    arrived: tokio::sync::Notify,
}

#[derive(Clone)]
pub struct Receiver {
    shared: Arc<Shared>,
}

impl Receiver {
    /// Listens on 127.0.0.1 on a free port.
    pub async fn start() -> Receiver {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind loopback");
        let port = listener.local_addr().expect("local address").port();
        let shared = Arc::new(Shared {
            inner: Mutex::new(Inner::default()),
            port,
            checks: std::sync::atomic::AtomicBool::new(true),
            arrived: tokio::sync::Notify::new(),
        });
        let router = Router::new()
            .route("/push/{id}", post(push))
            .route("/sink/{id}", any(sink))
            .with_state(shared.clone());
        tokio::spawn(async move {
            axum::serve(listener, router).await.expect("push receiver");
        });
        Receiver { shared }
    }

    pub fn origin(&self) -> String {
        format!("http://127.0.0.1:{}", self.shared.port)
    }

    fn inner(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.shared.inner.lock().expect("receiver state")
    }

    /// A new subscription that accepts any VAPID key.
    pub fn subscribe(&self, mode: Mode) -> Subscription {
        self.subscribe_for(None, mode)
    }

    /// A new subscription bound to an `applicationServerKey` (base64url, as the app publishes it).
    pub fn subscribe_for(&self, server_key: Option<&str>, mode: Mode) -> Subscription {
        let secret = SecretKey::random(&mut rand::rngs::OsRng);
        let public = secret.public_key().to_encoded_point(false).as_bytes().to_vec();
        let mut auth = [0u8; 16];
        rand::rngs::OsRng.fill_bytes(&mut auth);
        let server_key = server_key.map(|k| URL_SAFE_NO_PAD.decode(k).expect("base64url server key"));
        let mut inner = self.inner();
        inner.next_id += 1;
        let id = inner.next_id;
        let subscription = Subscription {
            id,
            endpoint: format!("{}/push/{id}", self.origin()),
            p256dh: URL_SAFE_NO_PAD.encode(&public),
            auth: URL_SAFE_NO_PAD.encode(auth),
        };
        inner.subs.insert(
            id,
            Sub {
                secret,
                public,
                auth,
                server_key,
                mode,
                accepted: 0,
            },
        );
        subscription
    }

    pub fn set_mode(&self, subscription: &Subscription, mode: Mode) {
        self.inner()
            .subs
            .get_mut(&subscription.id)
            .expect("known subscription")
            .mode = mode;
    }

    /// Skips verification and decryption (for measuring the sender alone).
    pub fn set_checks(&self, on: bool) {
        self.shared.checks.store(on, std::sync::atomic::Ordering::Relaxed);
    }

    /// Every message that passed the checks, answered or not, in arrival order.
    pub fn messages(&self) -> Vec<Message> {
        self.inner().messages.clone()
    }

    /// The messages to one subscription.
    pub fn messages_to(&self, subscription: &Subscription) -> Vec<Message> {
        self.inner()
            .messages
            .iter()
            .filter(|m| m.subscription == subscription.id)
            .cloned()
            .collect()
    }

    /// The messages answered 201 to one subscription.
    pub fn delivered_to(&self, subscription: &Subscription) -> Vec<Message> {
        self.messages_to(subscription)
            .into_iter()
            .filter(Message::delivered)
            .collect()
    }

    pub fn delivered_count(&self) -> usize {
        self.inner().messages.iter().filter(|m| m.delivered()).count()
    }

    /// How many times each payload `url` was answered 201.
    pub fn deliveries_by_url(&self) -> HashMap<String, usize> {
        let mut counts = HashMap::new();
        for m in self.inner().messages.iter().filter(|m| m.delivered()) {
            *counts.entry(m.url().to_owned()).or_insert(0) += 1;
        }
        counts
    }

    /// How many requests reached the redirects' target.
    pub fn sunk(&self) -> usize {
        self.inner().sunk
    }

    /// Why requests were refused (bad VAPID, undecryptable body …): empty when the sender is right.
    pub fn rejections(&self) -> Vec<String> {
        self.inner().rejections.clone()
    }

    /// Waits until at least `n` messages were answered 201, or panics after `limit`.
    pub async fn wait_for_deliveries(&self, n: usize, limit: Duration) {
        let deadline = tokio::time::Instant::now() + limit;
        loop {
            let notified = self.shared.arrived.notified();
            if self.delivered_count() >= n {
                return;
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                panic!(
                    "only {} of {n} messages delivered within {limit:?}",
                    self.delivered_count()
                );
            }
        }
    }
}

async fn sink(State(shared): State<Arc<Shared>>) -> StatusCode {
    shared.inner.lock().expect("receiver state").sunk += 1;
    StatusCode::CREATED
}

enum Answer {
    Status(StatusCode),
    Redirect(StatusCode, String),
    RetryAfter(String),
    After(Duration),
    Never,
}

async fn push(State(shared): State<Arc<Shared>>, Path(id): Path<u64>, headers: HeaderMap, body: Bytes) -> Response {
    let checks = shared.checks.load(std::sync::atomic::Ordering::Relaxed);
    let (answer, index) = {
        let mut inner = shared.inner.lock().expect("receiver state");
        let Some(sub) = inner.subs.get(&id) else {
            return StatusCode::NOT_FOUND.into_response();
        };
        let checked = if checks {
            check(&headers, &body, sub, shared.port)
        } else {
            Ok((String::new(), serde_json::Value::Null))
        };
        let (plaintext, payload) = match checked {
            Ok(decrypted) => decrypted,
            Err((status, why)) => {
                inner.rejections.push(format!("subscription {id}: {status}: {why}"));
                return (status, why).into_response();
            }
        };
        let sub = inner.subs.get_mut(&id).expect("known subscription");
        let answer = match &sub.mode {
            Mode::Accept => Answer::Status(StatusCode::CREATED),
            Mode::AcceptAfter(pause) => Answer::After(*pause),
            Mode::AcceptThenHang(n) if sub.accepted < *n => Answer::Status(StatusCode::CREATED),
            Mode::AcceptThenHang(_) | Mode::Hang => Answer::Never,
            Mode::NotFound => Answer::Status(StatusCode::NOT_FOUND),
            Mode::Gone => Answer::Status(StatusCode::GONE),
            Mode::TooMany(after) => Answer::RetryAfter(after.clone()),
            Mode::ServerError => Answer::Status(StatusCode::INTERNAL_SERVER_ERROR),
            Mode::Redirect(code) => Answer::Redirect(
                StatusCode::from_u16(*code).expect("a status code"),
                format!("/sink/{id}"),
            ),
        };
        let status = match &answer {
            Answer::Status(s) | Answer::Redirect(s, _) => Some(s.as_u16()),
            Answer::RetryAfter(_) => Some(429),
            Answer::After(_) | Answer::Never => None,
        };
        if status == Some(201) {
            sub.accepted += 1;
        }
        let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
        inner.messages.push(Message {
            subscription: id,
            status,
            plaintext,
            payload,
            ttl: header("ttl").and_then(|t| t.parse().ok()),
            urgency: header("urgency"),
            topic: header("topic"),
        });
        (answer, inner.messages.len() - 1)
    };
    shared.arrived.notify_waiters();
    match answer {
        Answer::Status(status) => status.into_response(),
        Answer::Redirect(status, location) => (status, [("location", location)]).into_response(),
        Answer::RetryAfter(after) => (StatusCode::TOO_MANY_REQUESTS, [("retry-after", after)]).into_response(),
        Answer::After(pause) => {
            tokio::time::sleep(pause).await;
            if let Some(m) = shared.inner.lock().expect("receiver state").messages.get_mut(index) {
                m.status = Some(201);
            }
            shared.arrived.notify_waiters();
            StatusCode::CREATED.into_response()
        }
        Answer::Never => std::future::pending().await,
    }
}

type Refusal = (StatusCode, String);

fn refuse(status: StatusCode, why: impl Into<String>) -> Refusal {
    (status, why.into())
}

/// The checks a push service makes, then the plaintext and its JSON.
fn check(headers: &HeaderMap, body: &[u8], sub: &Sub, port: u16) -> Result<(String, serde_json::Value), Refusal> {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let authorization = header("authorization").ok_or_else(|| refuse(StatusCode::UNAUTHORIZED, "no Authorization"))?;
    // Its own origin as the sender reached it: the name it used (or the address) and the port.
    let host = header("host").unwrap_or_default();
    let origin = if host.is_empty() {
        format!("http://127.0.0.1:{port}")
    } else {
        format!("http://{host}")
    };
    let key = verify_vapid(authorization, &origin)?;
    if let Some(expected) = &sub.server_key
        && *expected != key
    {
        return Err(refuse(
            StatusCode::FORBIDDEN,
            "signed by another key than the subscription's",
        ));
    }
    // RFC 8030 §5: TTL is required.
    header("ttl")
        .and_then(|t| t.parse::<u64>().ok())
        .ok_or_else(|| refuse(StatusCode::BAD_REQUEST, "no TTL"))?;
    if header("content-encoding") != Some("aes128gcm") {
        return Err(refuse(StatusCode::BAD_REQUEST, "Content-Encoding is not aes128gcm"));
    }
    let plain = decrypt(sub, body).map_err(|why| refuse(StatusCode::BAD_REQUEST, why))?;
    let text = String::from_utf8(plain).map_err(|_| refuse(StatusCode::BAD_REQUEST, "plaintext is not UTF-8"))?;
    let json = serde_json::from_str(&text).map_err(|_| refuse(StatusCode::BAD_REQUEST, "plaintext is not JSON"))?;
    Ok((text, json))
}

/// RFC 8292: `vapid t=<JWT>, k=<key>`; returns the key's bytes.
fn verify_vapid(authorization: &str, origin: &str) -> Result<Vec<u8>, Refusal> {
    let unauthorized = |why: &str| refuse(StatusCode::UNAUTHORIZED, why);
    let params = authorization
        .strip_prefix("vapid ")
        .ok_or_else(|| unauthorized("not the vapid scheme"))?;
    let mut token = None;
    let mut key = None;
    for part in params.split(',') {
        match part.trim().split_once('=') {
            Some(("t", v)) => token = Some(v.trim()),
            Some(("k", v)) => key = Some(v.trim()),
            _ => {}
        }
    }
    let token = token.ok_or_else(|| unauthorized("no t="))?;
    let key = URL_SAFE_NO_PAD
        .decode(key.ok_or_else(|| unauthorized("no k="))?)
        .map_err(|_| unauthorized("k is not base64url"))?;
    let verifying = VerifyingKey::from_sec1_bytes(&key).map_err(|_| unauthorized("k is not a P-256 point"))?;
    let (signed, signature) = token.rsplit_once('.').ok_or_else(|| unauthorized("not a JWT"))?;
    let (header, claims) = signed.split_once('.').ok_or_else(|| unauthorized("not a JWT"))?;
    let json = |part: &str| -> Result<serde_json::Value, Refusal> {
        let bytes = URL_SAFE_NO_PAD
            .decode(part)
            .map_err(|_| unauthorized("JWT part not base64url"))?;
        serde_json::from_slice(&bytes).map_err(|_| unauthorized("JWT part not JSON"))
    };
    if json(header)?["alg"] != "ES256" {
        return Err(unauthorized("alg is not ES256"));
    }
    let signature = URL_SAFE_NO_PAD
        .decode(signature)
        .ok()
        .and_then(|s| Signature::from_slice(&s).ok())
        .ok_or_else(|| unauthorized("signature is not 64 bytes r||s"))?;
    verifying
        .verify(signed.as_bytes(), &signature)
        .map_err(|_| unauthorized("bad signature"))?;
    let claims = json(claims)?;
    // RFC 8292 §2: the push resource's origin, with its (non-default) port.
    let aud = claims["aud"].as_str().unwrap_or_default();
    if aud != origin {
        return Err(unauthorized("aud is not this push service's origin"));
    }
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default();
    let exp = claims["exp"].as_u64().ok_or_else(|| unauthorized("no exp"))?;
    if exp <= now {
        return Err(unauthorized("expired"));
    }
    if exp > now + 24 * 3600 {
        return Err(unauthorized("exp more than 24 hours away"));
    }
    let sub = claims["sub"].as_str().unwrap_or_default();
    if !(sub.starts_with("mailto:") || sub.starts_with("https:")) {
        return Err(unauthorized("sub is not a mailto: or https: URL"));
    }
    Ok(key)
}

/// RFC 8291 key derivation and RFC 8188 records.
fn decrypt(sub: &Sub, body: &[u8]) -> Result<Vec<u8>, String> {
    if body.len() < 21 {
        return Err("body shorter than the aes128gcm header".into());
    }
    let salt = &body[..16];
    let rs = u32::from_be_bytes([body[16], body[17], body[18], body[19]]) as usize;
    let idlen = usize::from(body[20]);
    if rs < 18 || body.len() < 21 + idlen {
        return Err("bad aes128gcm header".into());
    }
    let sender_key = &body[21..21 + idlen];
    let records = &body[21 + idlen..];
    let sender = PublicKey::from_sec1_bytes(sender_key).map_err(|_| "keyid is not the sender's P-256 key")?;
    let shared = p256::ecdh::diffie_hellman(sub.secret.to_nonzero_scalar(), sender.as_affine());
    let mut info = b"WebPush: info\0".to_vec();
    info.extend_from_slice(&sub.public);
    info.extend_from_slice(sender_key);
    let mut ikm = [0u8; 32];
    Hkdf::<Sha256>::new(Some(&sub.auth), shared.raw_secret_bytes())
        .expand(&info, &mut ikm)
        .map_err(|_| "hkdf")?;
    let prk = Hkdf::<Sha256>::new(Some(salt), &ikm);
    let mut cek = [0u8; 16];
    let mut nonce = [0u8; 12];
    prk.expand(b"Content-Encoding: aes128gcm\0", &mut cek)
        .map_err(|_| "hkdf")?;
    prk.expand(b"Content-Encoding: nonce\0", &mut nonce)
        .map_err(|_| "hkdf")?;
    let cipher = Aes128Gcm::new_from_slice(&cek).map_err(|_| "key length")?;
    let chunks: Vec<&[u8]> = records.chunks(rs).collect();
    if chunks.is_empty() {
        return Err("no records".into());
    }
    let mut plain = Vec::new();
    for (i, chunk) in chunks.iter().enumerate() {
        let mut n = nonce;
        for (b, x) in n[4..].iter_mut().zip((i as u64).to_be_bytes()) {
            *b ^= x;
        }
        let mut record = cipher
            .decrypt(Nonce::from_slice(&n), *chunk)
            .map_err(|_| format!("record {i} does not decrypt"))?;
        // Data, a delimiter (2 in the last record, 1 before), then zero padding.
        let end = record.iter().rposition(|&b| b != 0).ok_or("record without delimiter")?;
        let last = i + 1 == chunks.len();
        if record[end] != if last { 2 } else { 1 } {
            return Err(format!("record {i} has delimiter {}", record[end]));
        }
        record.truncate(end);
        plain.extend_from_slice(&record);
    }
    Ok(plain)
}
