//! The reminder dispatcher: claims due reminders from the outbox, encrypts (RFC 8291, aes128gcm)
//! and signs (VAPID, RFC 8292) each with the `web-push` crate, sends it with reqwest, and records
//! the outcome. Claims are leased and outcomes fenced by the worker's name (see `store::push`), so
//! a dispatcher killed mid-batch leaves its unsent rows to be claimed again after the lease, and two
//! dispatchers on one PostgreSQL never take the same row.
//!
//! The server POSTs to whatever endpoint a browser handed over, so it goes only where that URL
//! says and only to public addresses: redirects are never followed (a push service has no reason
//! to send one, and following it would carry the VAPID header anywhere), and every address is
//! checked after name resolution, right before the connection (see [`Reach`]).

use chrono::{DateTime, Duration, Utc};
use futures::StreamExt;
use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
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
    /// Which addresses may be connected to: public ones only, unless a test build says otherwise.
    pub reach: Reach,
}

/// The addresses the dispatcher may connect to. In the shipped binary this is always public
/// addresses only, resolved by the system: loopback, private, link-local, unique-local, shared
/// (CGNAT), multicast, broadcast, documentation and unspecified addresses are refused, for IPv4 and
/// IPv6 alike (an IPv4-mapped IPv6 address is judged as the IPv4 address it carries).
///
/// Only builds with the `loopback-push-for-tests` feature can widen it, and only from Rust code:
/// the feature is switched on by the server's own dev-dependency, so `cargo test` and the
/// examples have it and `cargo build` / `cargo leptos build` never do; no setting, variable or
/// flag reaches it.
#[derive(Debug, Clone, Default)]
pub struct Reach {
    /// Loopback addresses (127.0.0.0/8, ::1) are allowed too: a test's push service listens there.
    loopback: bool,
    /// Names answered without asking the system's resolver, still subject to the address check.
    names: HashMap<String, Vec<IpAddr>>,
}

impl Reach {
    /// Public addresses only (the default).
    pub fn public() -> Self {
        Reach::default()
    }

    /// Also loopback, for a push service on 127.0.0.1 in tests and benchmarks.
    #[cfg(feature = "loopback-push-for-tests")]
    pub fn loopback_for_tests() -> Self {
        Reach {
            loopback: true,
            names: HashMap::new(),
        }
    }

    /// Answers `name` with `addresses` instead of the system's resolver (a test's own DNS).
    #[cfg(feature = "loopback-push-for-tests")]
    pub fn resolving_for_tests(mut self, name: &str, addresses: &[IpAddr]) -> Self {
        self.names.insert(name.to_ascii_lowercase(), addresses.to_vec());
        self
    }

    /// Whether a connection to this address is allowed.
    pub fn permits(&self, ip: IpAddr) -> bool {
        let ip = match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
            v4 => v4,
        };
        if ip.is_loopback() {
            return self.loopback;
        }
        is_public(ip)
    }
}

/// A globally routable unicast address (what a push service on the internet has).
fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            !(v4.is_unspecified()
                || v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_broadcast()
                || v4.is_multicast()
                || v4.is_documentation()
                || a == 0                                  // "this network" (RFC 791)
                || (a == 100 && (64..128).contains(&b))    // shared address space (RFC 6598)
                || (a == 192 && b == 0 && v4.octets()[2] == 0) // IETF protocol assignments (RFC 6890)
                || (a == 198 && (b == 18 || b == 19))       // benchmarking (RFC 2544)
                || a >= 240) // reserved (RFC 1112)
        }
        IpAddr::V6(v6) => {
            let first = v6.segments()[0];
            !(v6.is_unspecified()
                || v6.is_loopback()
                || v6.is_multicast()
                || v6.is_unique_local()
                || v6.is_unicast_link_local()
                || (first & 0xffc0) == 0xfec0                         // site-local (deprecated)
                || (first == 0x2001 && v6.segments()[1] == 0x0db8)    // documentation
                || (first == 0x0064 && v6.segments()[1] == 0xff9b)    // NAT64: reaches IPv4 inside
                || v6.segments()[..6] == [0, 0, 0, 0, 0, 0]) // IPv4-compatible (deprecated)
        }
    }
}

/// Why a connection was not made: the address is not one push may go to.
#[derive(Debug, thiserror::Error)]
#[error("refused: the push service's address is not public")]
struct RefusedAddress;

/// Resolves with the system (or the test's names), then refuses the name if any address it has
/// is not permitted, so that a public-looking name cannot lead inside the network.
struct CheckedResolver {
    reach: Arc<Reach>,
}

impl reqwest::dns::Resolve for CheckedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let reach = self.reach.clone();
        Box::pin(async move {
            let host = name.as_str().to_ascii_lowercase();
            let addresses: Vec<SocketAddr> = match reach.names.get(&host) {
                Some(ips) => ips.iter().map(|ip| SocketAddr::new(*ip, 0)).collect(),
                None => tokio::net::lookup_host((host.as_str(), 0)).await?.collect(),
            };
            if addresses.is_empty() || !addresses.iter().all(|a| reach.permits(a.ip())) {
                return Err(Box::new(RefusedAddress) as Box<dyn std::error::Error + Send + Sync>);
            }
            Ok(Box::new(addresses.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

/// Whether an error from reqwest came from the address check.
fn was_refused(error: &reqwest::Error) -> bool {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(e) = cause {
        if e.is::<RefusedAddress>() {
            return true;
        }
        cause = e.source();
    }
    false
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
            reach: Reach::public(),
        }
    }
}

/// Sends reminders to the parents who chose e-mail: the SMTP server the operator configured, the
/// sender, and the app's address for the link. The message says no more than a push does: the
/// generic title and a link to sign in.
#[derive(Clone)]
pub struct Mailer {
    transport: lettre::AsyncSmtpTransport<lettre::Tokio1Executor>,
    from: lettre::message::Mailbox,
    link_base: String,
}

#[derive(Debug, thiserror::Error)]
pub enum MailSetupError {
    #[error("the SMTP URL is not usable: {0}")]
    Url(#[from] lettre::transport::smtp::Error),
    #[error("the sender is not an e-mail address: {0}")]
    From(#[from] lettre::address::AddressError),
}

impl Mailer {
    /// `smtp_url`: `smtp://host:port` (plain, for a relay on the same host), `smtp://host?tls=required`
    /// (STARTTLS) or `smtps://user:password@host` (implicit TLS). `link_base`: the app's origin.
    pub fn new(
        smtp_url: &str,
        from: &str,
        link_base: &str,
        timeout: std::time::Duration,
    ) -> Result<Self, MailSetupError> {
        let transport = lettre::AsyncSmtpTransport::<lettre::Tokio1Executor>::from_url(smtp_url)?
            .timeout(Some(timeout))
            .build();
        Ok(Mailer {
            transport,
            from: from.parse()?,
            link_base: link_base.trim_end_matches('/').to_owned(),
        })
    }

    /// Sends one plain-text message.
    pub async fn deliver(&self, to: &str, subject: &str, body: String) -> Result<(), DeliveryError> {
        use lettre::AsyncTransport;
        let to: lettre::message::Mailbox = to.parse().map_err(|_| DeliveryError::Address)?;
        let message = lettre::Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject)
            .header(lettre::message::header::ContentType::TEXT_PLAIN)
            .body(body)
            .map_err(|_| DeliveryError::Address)?;
        self.transport
            .send(message)
            .await
            .map(|_| ())
            .map_err(DeliveryError::Smtp)
    }

    /// The app's origin, for links in messages.
    pub fn link_base(&self) -> &str {
        &self.link_base
    }

    async fn send(&self, c: &Claimed, attempts: i64) -> Outcome {
        let Some(to) = c.endpoint.strip_prefix("mailto:") else {
            return Outcome::Failed {
                status: None,
                error: "not an e-mail address".to_owned(),
            };
        };
        let link = format!("{}{}", self.link_base, c.url);
        let body = format!(
            "{title}\n\nくわしくは「よりそい」を開いてご確認ください。\n{link}\n\n--\n\
             このメールは、通知をメールで受け取る設定の方にお送りしています。\n\
             設定の変更・停止: {base}/settings/reminders\n",
            title = c.title,
            base = self.link_base
        );
        match self.deliver(to, &c.title, body).await {
            Ok(()) => Outcome::Delivered,
            Err(DeliveryError::Address) => Outcome::Failed {
                status: None,
                error: "not an e-mail address".to_owned(),
            },
            Err(DeliveryError::Smtp(e)) => smtp_outcome(&e, attempts),
        }
    }
}

/// Why a message did not go.
#[derive(Debug)]
pub enum DeliveryError {
    Address,
    Smtp(lettre::transport::smtp::Error),
}

impl app::api::context::SendMail for Mailer {
    fn send<'a>(
        &'a self,
        to: &'a str,
        subject: &'a str,
        body: String,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), String>> + Send + 'a>> {
        Box::pin(async move {
            self.deliver(to, subject, body).await.map_err(|e| match e {
                DeliveryError::Address => "not an e-mail address".to_owned(),
                DeliveryError::Smtp(e) if e.is_permanent() => "the mail server refused the message".to_owned(),
                DeliveryError::Smtp(_) => "the mail server is not reachable".to_owned(),
            })
        })
    }
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailer")
            .field("from", &self.from.to_string())
            .finish_non_exhaustive()
    }
}

/// What an SMTP error means for a reminder.
fn smtp_outcome(e: &lettre::transport::smtp::Error, attempts: i64) -> Outcome {
    if e.is_permanent() {
        // 5xx: the server will not take it (no such mailbox, refused): shown to admins.
        return Outcome::Failed {
            status: e.status().map(u16::from),
            error: "the mail server refused the message".to_owned(),
        };
    }
    // 4xx, a timeout or no connection: tried again later.
    Outcome::Retry {
        at: Utc::now() + backoff(attempts),
        status: e.status().map(u16::from),
        error: if e.is_timeout() {
            "timeout".to_owned()
        } else {
            "the mail server is not reachable or asked to try later".to_owned()
        },
    }
}

pub struct Dispatcher {
    store: Store,
    mail: Option<Mailer>,
    http: reqwest::Client,
    signer: PartialVapidSignatureBuilder,
    reach: Arc<Reach>,
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
    pub fn new(store: Store, vapid_private_key: &str, mut settings: Settings) -> Result<Self, Error> {
        let signer = VapidSignatureBuilder::from_base64_no_sub(vapid_private_key).map_err(|_| Error::Key)?;
        // Held once, shared with the resolver; the settings keep the default in its place.
        let reach = Arc::new(std::mem::take(&mut settings.reach));
        let http = reqwest::Client::builder()
            .timeout(settings.timeout)
            .redirect(reqwest::redirect::Policy::none())
            // A proxy would be what we connect to, and the address check would judge it instead.
            .no_proxy()
            .dns_resolver(Arc::new(CheckedResolver { reach: reach.clone() }))
            .build()?;
        Ok(Dispatcher {
            store,
            mail: None,
            http,
            signer,
            reach,
            settings,
            signatures: Mutex::new(HashMap::new()),
        })
    }

    /// Sends the e-mail channel's reminders through this mailer (without one they fail, shown
    /// to admins).
    pub fn with_mail(mut self, mailer: Mailer) -> Self {
        self.mail = Some(mailer);
        self
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
        if c.channel == store::push::Channel::Email.as_str() {
            return match &self.mail {
                Some(mailer) => mailer.send(c, c.attempts).await,
                None => Outcome::Failed {
                    status: None,
                    error: "e-mail is not configured (YORISOI_SMTP_URL)".to_owned(),
                },
            };
        }
        let request = match self.request(c) {
            Ok(request) => request,
            Err(error) => return Outcome::Failed { status: None, error },
        };
        // An address literal never meets the resolver: it is judged here instead.
        let literal = match request.url().host() {
            Some(url::Host::Ipv4(v4)) => Some(IpAddr::V4(v4)),
            Some(url::Host::Ipv6(v6)) => Some(IpAddr::V6(v6)),
            _ => None,
        };
        if literal.is_some_and(|ip| !self.reach.permits(ip)) {
            return refused();
        }
        match self.http.execute(request).await {
            Ok(response) => classify(
                response.status().as_u16(),
                retry_after(&response),
                c.attempts,
                Utc::now(),
            ),
            Err(e) if was_refused(&e) => refused(),
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
        let origin = audience(&info.endpoint).ok_or_else(|| "bad endpoint".to_owned())?;
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
        // web-push would derive `aud` without the port; RFC 8292 §2 asks for the whole origin.
        builder.add_claim("aud", origin.as_str());
        builder.add_claim("sub", self.settings.subject.as_str());
        let signature = builder.build().map_err(|e| format!("signing: {e}"))?;
        cache.insert(origin, (signature.clone(), Instant::now()));
        Ok(signature)
    }
}

/// The VAPID `aud` (RFC 8292 §2): the push resource's origin — scheme, host, and the port when it
/// is not the scheme's default — which is also the key of the signature cache.
pub fn audience(endpoint: &str) -> Option<String> {
    let url = reqwest::Url::parse(endpoint).ok()?;
    let origin = url.origin();
    origin.is_tuple().then(|| origin.ascii_serialization())
}

fn refused() -> Outcome {
    Outcome::Failed {
        status: None,
        error: RefusedAddress.to_string(),
    }
}

/// What a push service's answer means for the reminder.
pub fn classify(status: u16, retry_after: Option<Duration>, attempts: i64, now: DateTime<Utc>) -> Outcome {
    match status {
        200..=299 => Outcome::Delivered,
        404 | 410 => Outcome::Gone { status },
        // Redirects are not followed: tried again later like a fault, then shown to admins.
        300..=399 => Outcome::Retry {
            at: now + backoff(attempts),
            status: Some(status),
            error: format!("push service redirected ({status}); redirects are not followed"),
        },
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
    fn redirects_are_retried_like_faults_with_their_status() {
        for status in [301, 302, 303, 307, 308] {
            match classify(status, None, 2, now()) {
                Outcome::Retry { at, status: s, error } => {
                    assert_eq!((at, s), (now() + Duration::seconds(60), Some(status)));
                    assert!(error.contains("redirects are not followed"), "{error}");
                }
                other => panic!("{status}: {other:?}"),
            }
        }
    }

    #[test]
    fn the_audience_is_the_endpoint_s_origin_with_a_port_only_when_it_is_not_the_default() {
        let aud = |e: &str| audience(e);
        assert_eq!(
            aud("https://push.example/wpush/v2/abc").as_deref(),
            Some("https://push.example")
        );
        assert_eq!(
            aud("https://push.example:443/abc").as_deref(),
            Some("https://push.example")
        );
        assert_eq!(
            aud("https://push.example:8443/abc").as_deref(),
            Some("https://push.example:8443")
        );
        assert_eq!(
            aud("https://Push.Example:8443/abc?x#y").as_deref(),
            Some("https://push.example:8443")
        );
        assert_eq!(
            aud("http://127.0.0.1:4711/push/1").as_deref(),
            Some("http://127.0.0.1:4711")
        );
        assert_eq!(aud("http://127.0.0.1:80/push/1").as_deref(), Some("http://127.0.0.1"));
        assert_eq!(aud("not a url"), None);
        assert_eq!(aud("data:text/plain,hi"), None);
    }

    #[test]
    fn only_public_addresses_are_permitted() {
        let public = Reach::public();
        let refused = [
            "127.0.0.1",
            "127.8.9.10",
            "10.0.0.8",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.20",
            "169.254.169.254",
            "0.0.0.0",
            "0.1.2.3",
            "100.64.0.1",
            "192.0.0.8",
            "192.0.2.1",
            "198.18.0.1",
            "224.0.0.1",
            "240.0.0.1",
            "255.255.255.255",
            "::",
            "::1",
            "fc00::1",
            "fd12:3456::1",
            "fe80::1",
            "fec0::1",
            "ff02::1",
            "2001:db8::1",
            "64:ff9b::a00:8",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.8",
            "::ffff:169.254.169.254",
            "::127.0.0.1",
        ];
        for ip in refused {
            assert!(!public.permits(ip.parse().unwrap()), "{ip} must be refused");
        }
        let permitted = [
            "93.184.215.14",
            "8.8.8.8",
            "172.32.0.1",
            "100.128.0.1",
            "2607:f8b0:4004:800::200e",
            "2a00:1450:4001:80b::200a",
            "::ffff:142.250.196.110",
        ];
        for ip in permitted {
            assert!(public.permits(ip.parse().unwrap()), "{ip} must be permitted");
        }
    }

    #[cfg(feature = "loopback-push-for-tests")]
    #[test]
    fn the_test_allowance_adds_loopback_and_nothing_else() {
        let tests = Reach::loopback_for_tests();
        for ip in ["127.0.0.1", "::1", "::ffff:127.0.0.1"] {
            assert!(tests.permits(ip.parse().unwrap()), "{ip}");
        }
        for ip in ["10.0.0.8", "192.168.1.20", "fd00::1", "169.254.169.254", "0.0.0.0"] {
            assert!(!tests.permits(ip.parse().unwrap()), "{ip}");
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
