//! The reminder dispatcher: claims due reminders from the outbox, encrypts (RFC 8291, aes128gcm)
//! and signs (VAPID, RFC 8292) each with the `web-push` crate, sends it with reqwest, and records
//! the outcome. Claims are leased and outcomes fenced by the worker's name (see `store::push`), so
//! a dispatcher killed mid-batch leaves its unsent rows to be claimed again after the lease, and two
//! dispatchers on one PostgreSQL never take the same row.

use chrono::{DateTime, Duration, Utc};
use futures::StreamExt;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;
use store::Store;
use store::push::{Claimed, Outcome};
use web_push::{
    ContentEncoding, PartialVapidSignatureBuilder, SubscriptionInfo, Urgency, VapidSignature, VapidSignatureBuilder,
    WebPushMessageBuilder,
};

/// A signature is reused for one push service origin this long (the JWT itself lasts 12 hours).
const SIGNATURE_REUSE: std::time::Duration = std::time::Duration::from_secs(3600);

pub struct Settings {
    /// This dispatcher's name in claims; unique per process.
    pub worker: String,
    /// `mailto:` or `https:` contact for push services (the VAPID `sub` claim).
    pub subject: String,
    pub batch: i64,
    pub concurrency: usize,
    pub lease: Duration,
    pub timeout: std::time::Duration,
}

impl Settings {
    /// A round sends `batch` messages `concurrency` at a time, each taking at most `timeout`; if the
    /// lease ran out before that, another dispatcher could claim rows still being sent.
    pub fn check_lease(&self) -> Result<(), Error> {
        let waves = (self.batch.max(1) as u64).div_ceil(self.concurrency.max(1) as u64);
        let round =
            Duration::from_std(self.timeout * u32::try_from(waves).unwrap_or(u32::MAX)).unwrap_or(Duration::MAX);
        if self.lease <= round {
            return Err(Error::LeaseTooShort {
                lease: self.lease.num_seconds(),
                round: round.num_seconds(),
            });
        }
        Ok(())
    }

    pub fn new(subject: String) -> Self {
        Settings {
            worker: format!("{}-{}", std::process::id(), rand::random::<u32>()),
            subject,
            batch: 64,
            concurrency: 16,
            lease: Duration::seconds(60),
            timeout: std::time::Duration::from_secs(10),
        }
    }
}

pub struct Dispatcher {
    store: Store,
    http: reqwest::Client,
    signer: PartialVapidSignatureBuilder,
    settings: Settings,
    signatures: Mutex<HashMap<String, (VapidSignature, Instant)>>,
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("the VAPID key is not usable")]
    Key,
    #[error("http client: {0}")]
    Http(#[from] reqwest::Error),
    #[error("the lease ({lease} s) must outlast a round's slowest sends ({round} s)")]
    LeaseTooShort { lease: i64, round: i64 },
}

/// What one round did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Round {
    pub claimed: usize,
    pub delivered: usize,
}

impl Dispatcher {
    pub fn new(store: Store, vapid_private_key: &str, settings: Settings) -> Result<Self, Error> {
        let signer = VapidSignatureBuilder::from_base64_no_sub(vapid_private_key).map_err(|_| Error::Key)?;
        let http = reqwest::Client::builder().timeout(settings.timeout).build()?;
        Ok(Dispatcher {
            store,
            http,
            signer,
            settings,
            signatures: Mutex::new(HashMap::new()),
        })
    }

    pub fn worker(&self) -> &str {
        &self.settings.worker
    }

    /// Claims one batch, sends it with bounded concurrency, records every outcome.
    pub async fn run_once(&self) -> Result<Round, store::Error> {
        let now = Utc::now();
        let claimed = self
            .store
            .claim_due(&self.settings.worker, now, self.settings.lease, self.settings.batch)
            .await?;
        let count = claimed.len();
        let mut outcomes = futures::stream::iter(claimed)
            .map(|c| async move {
                let outcome = self.send(&c).await;
                (c, outcome)
            })
            .buffer_unordered(self.settings.concurrency);
        let mut delivered = 0;
        // Each outcome is recorded as soon as it is known, not when the whole batch is done: a
        // dispatcher killed mid-batch must not leave messages a push service accepted to be sent again.
        while let Some((c, outcome)) = outcomes.next().await {
            if let Outcome::Failed { status, error } = &outcome {
                tracing::warn!(reminder = c.id, ?status, %error, "reminder failed");
            }
            let recorded = self
                .store
                .record_send(&self.settings.worker, &c, &outcome, Utc::now())
                .await?;
            if !recorded {
                // Our lease ran out and another dispatcher took the row: its outcome stands.
                tracing::warn!(reminder = c.id, "claim lost before the outcome was recorded");
            } else if outcome == Outcome::Delivered {
                delivered += 1;
            }
        }
        Ok(Round {
            claimed: count,
            delivered,
        })
    }

    /// Runs rounds until `stop` resolves; idle rounds wait `idle` before looking again.
    pub async fn run(self, idle: std::time::Duration, stop: impl std::future::Future<Output = ()>) {
        tokio::pin!(stop);
        loop {
            let round = self.run_once().await;
            let wait = match round {
                Ok(r) if r.claimed > 0 => std::time::Duration::ZERO,
                Ok(_) => idle,
                Err(e) => {
                    tracing::error!(error = %e, "dispatcher round");
                    idle
                }
            };
            tokio::select! {
                _ = &mut stop => return,
                _ = tokio::time::sleep(wait) => {}
            }
        }
    }

    async fn send(&self, c: &Claimed) -> Outcome {
        let request = match self.request(c) {
            Ok(request) => request,
            Err(error) => return Outcome::Failed { status: None, error },
        };
        match self.http.execute(request).await {
            Ok(response) => classify(
                response.status().as_u16(),
                retry_after(&response),
                c.attempts,
                Utc::now(),
            ),
            Err(e) => Outcome::Retry {
                at: Utc::now() + backoff(c.attempts),
                status: None,
                error: if e.is_timeout() {
                    "timeout".to_owned()
                } else {
                    "connection failed".to_owned()
                },
            },
        }
    }

    /// The encrypted, signed request, built by `web-push` and carried over to reqwest.
    fn request(&self, c: &Claimed) -> Result<reqwest::Request, String> {
        let info = SubscriptionInfo::new(c.endpoint.as_str(), c.p256dh.as_str(), c.auth.as_str());
        // Only what a lock screen may show: a title and where to go.
        let payload = serde_json::json!({ "title": c.title, "url": c.url }).to_string();
        let mut builder = WebPushMessageBuilder::new(&info);
        builder.set_payload(ContentEncoding::Aes128Gcm, payload.as_bytes());
        builder.set_ttl(u32::try_from(c.ttl_seconds).unwrap_or(86_400));
        builder.set_urgency(match c.urgency.as_str() {
            "very-low" => Urgency::VeryLow,
            "low" => Urgency::Low,
            "high" => Urgency::High,
            _ => Urgency::Normal,
        });
        // Same key, same topic: a push service replaces an undelivered copy instead of adding one.
        builder.set_topic(topic(&c.dedupe_key));
        builder.set_vapid_signature(self.signature(&info)?);
        let message = builder.build().map_err(|e| format!("building the message: {e}"))?;
        let built: http_02::Request<Vec<u8>> = web_push::request_builder::build_request(message);
        let (parts, body) = built.into_parts();
        let url = reqwest::Url::parse(&parts.uri.to_string()).map_err(|_| "bad endpoint".to_owned())?;
        let mut request = reqwest::Request::new(reqwest::Method::POST, url);
        for (name, value) in &parts.headers {
            let name = reqwest::header::HeaderName::from_bytes(name.as_str().as_bytes()).map_err(|e| e.to_string())?;
            let value = reqwest::header::HeaderValue::from_bytes(value.as_bytes()).map_err(|e| e.to_string())?;
            request.headers_mut().insert(name, value);
        }
        *request.body_mut() = Some(body.into());
        Ok(request)
    }

    /// One VAPID signature per push service origin, reused for an hour: signing is most of a send's cost.
    fn signature(&self, info: &SubscriptionInfo) -> Result<VapidSignature, String> {
        let origin = reqwest::Url::parse(&info.endpoint)
            .map(|u| u.origin().ascii_serialization())
            .map_err(|_| "bad endpoint".to_owned())?;
        let mut cache = self
            .signatures
            .lock()
            .map_err(|_| "signature cache poisoned".to_owned())?;
        if let Some((signature, made)) = cache.get(&origin)
            && made.elapsed() < SIGNATURE_REUSE
        {
            return Ok(signature.clone());
        }
        let mut builder = self.signer.clone().add_sub_info(info);
        builder.add_claim("sub", self.settings.subject.as_str());
        let signature = builder.build().map_err(|e| format!("signing: {e}"))?;
        cache.insert(origin, (signature.clone(), Instant::now()));
        Ok(signature)
    }
}

/// What a push service's answer means for the reminder.
pub fn classify(status: u16, retry_after: Option<Duration>, attempts: i64, now: DateTime<Utc>) -> Outcome {
    match status {
        200..=299 => Outcome::Delivered,
        404 | 410 => Outcome::Gone { status },
        429 | 500..=599 => Outcome::Retry {
            at: now + retry_after.unwrap_or_default().max(backoff(attempts)),
            status: Some(status),
            error: format!("push service answered {status}"),
        },
        _ => Outcome::Failed {
            status: Some(status),
            error: format!("push service refused the message ({status})"),
        },
    }
}

/// 30 s, 1 min, 2 min … up to an hour, by the number of tries so far.
pub fn backoff(attempts: i64) -> Duration {
    let exponent = u32::try_from(attempts.clamp(1, 8) - 1).unwrap_or(0);
    Duration::seconds((30_i64 << exponent).min(3600))
}

/// `Retry-After` as seconds or as an HTTP date.
fn retry_after(response: &reqwest::Response) -> Option<Duration> {
    let value = response
        .headers()
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    if let Ok(seconds) = value.parse::<i64>() {
        return Some(Duration::seconds(seconds.clamp(0, 24 * 3600)));
    }
    let at = DateTime::parse_from_rfc2822(value).ok()?.with_timezone(&Utc);
    Some((at - Utc::now()).max(Duration::zero()))
}

/// RFC 8030 Topic: at most 32 characters of the base64url alphabet.
fn topic(key: &str) -> String {
    // FNV-1a, enough to tell keys apart within one subscription.
    let hash = key.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    format!("r{hash:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        "2026-11-24T00:00:00Z".parse().unwrap()
    }

    #[test]
    fn answers_map_to_outcomes() {
        assert_eq!(classify(201, None, 1, now()), Outcome::Delivered);
        assert_eq!(classify(410, None, 1, now()), Outcome::Gone { status: 410 });
        assert_eq!(classify(404, None, 1, now()), Outcome::Gone { status: 404 });
        assert!(matches!(
            classify(400, None, 1, now()),
            Outcome::Failed { status: Some(400), .. }
        ));
        assert!(matches!(classify(413, None, 1, now()), Outcome::Failed { .. }));
        match classify(429, Some(Duration::seconds(120)), 1, now()) {
            Outcome::Retry {
                at, status: Some(429), ..
            } => assert_eq!(at, now() + Duration::seconds(120)),
            other => panic!("{other:?}"),
        }
        match classify(503, None, 3, now()) {
            Outcome::Retry { at, .. } => assert_eq!(at, now() + Duration::seconds(120)),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn the_lease_must_outlast_the_slowest_round() {
        let mut settings = Settings::new("mailto:test@example.invalid".into());
        assert!(
            settings.check_lease().is_ok(),
            "the defaults: 4 waves of 10 s against 60 s"
        );
        settings.batch = 256;
        assert!(matches!(
            settings.check_lease(),
            Err(Error::LeaseTooShort { lease: 60, round: 160 })
        ));
        settings.lease = Duration::seconds(161);
        assert!(settings.check_lease().is_ok());
    }

    #[test]
    fn backoff_doubles_up_to_an_hour() {
        assert_eq!(backoff(1), Duration::seconds(30));
        assert_eq!(backoff(2), Duration::seconds(60));
        assert_eq!(backoff(8), Duration::seconds(3600));
        assert_eq!(backoff(50), Duration::seconds(3600));
    }

    #[test]
    fn topics_fit_rfc_8030() {
        let t = topic("child:7/hepb-1/dayof");
        assert!(t.len() <= 32 && t.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
        assert_ne!(t, topic("child:7/hepb-1/ahead"));
    }
}
