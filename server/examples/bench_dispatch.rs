//! How fast reminders go out, and what each message costs the sender. Prints figures; asserts nothing.
//!
//!     cargo run --release -p server --example bench_dispatch [-- REMINDERS]
//!
//! 1. Building requests without sending them (encryption, VAPID signing, the copy into reqwest), per
//!    message: a fresh VAPID signature each time, and one signature cached per push service origin as
//!    the dispatcher does.
//! 2. The real dispatcher, SQLite in a temporary folder, sending REMINDERS (default 5,000) reminders
//!    to the loopback push service of `tests/push`, which checks VAPID and decrypts every message.
//!    Sender and receiver share this machine's cores.

#[path = "../tests/push/receiver.rs"]
mod receiver;
#[path = "../tests/push/support.rs"]
mod support;

use receiver::{Mode, Receiver, Subscription};
use server::jobs::dispatcher::Settings;
use std::time::{Duration, Instant};
use store::push::Kind;
use web_push::{
    ContentEncoding, PartialVapidSignatureBuilder, SubscriptionInfo, Urgency, VapidSignature, VapidSignatureBuilder,
    WebPushMessageBuilder,
};

const DEVICES: usize = 50;

#[tokio::main]
async fn main() {
    let reminders: usize = std::env::args()
        .nth(1)
        .map(|n| n.parse().expect("the number of reminders"))
        .unwrap_or(5000);
    println!(
        "bench_dispatch: {} cores",
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );

    building(2000).await;

    println!();
    println!("Dispatching {reminders} reminders to {DEVICES} devices on loopback (SQLite, WAL):");
    dispatching(
        reminders,
        64,
        16,
        true,
        "dispatcher defaults (batch 64, 16 in flight), receiver checking",
    )
    .await;
    dispatching(reminders, 256, 64, true, "batch 256, 64 in flight, receiver checking").await;
    dispatching(
        reminders,
        64,
        16,
        false,
        "dispatcher defaults, receiver not checking (sender-bound)",
    )
    .await;
    outbox_alone(reminders).await;
}

/// The outbox's share: claiming and recording as the dispatcher does, without any HTTP.
async fn outbox_alone(reminders: usize) {
    let world = support::world(support::Backend::Sqlite, "bench").await.unwrap();
    let push = Receiver::start().await;
    for n in 0..DEVICES {
        world
            .device(&push.subscribe(Mode::Accept), &format!("device {n}"))
            .await;
    }
    let plan: Vec<_> = (0..reminders.div_ceil(DEVICES))
        .map(|i| support::due(&format!("bench-{i:05}")))
        .collect();
    world.plan(Kind::Timeline, &plan).await;
    let started = Instant::now();
    let (mut claiming, mut recorded) = (Duration::ZERO, 0);
    loop {
        let now = chrono::Utc::now();
        let t = Instant::now();
        let claimed = world
            .store
            .claim_due("bench", now, chrono::Duration::seconds(60), 64)
            .await
            .unwrap();
        claiming += t.elapsed();
        if claimed.is_empty() {
            break;
        }
        for c in &claimed {
            world
                .store
                .record_send("bench", c, &store::push::Outcome::Delivered, chrono::Utc::now())
                .await
                .unwrap();
            recorded += 1;
        }
    }
    let elapsed = started.elapsed();
    println!(
        "  {:<66} {recorded} in {:>5.2} s = {:>5.0} reminders/s (claiming {:.2} s, {:.0} µs per record_send)",
        "outbox alone: claim_due (64) + record_send, no HTTP",
        elapsed.as_secs_f64(),
        recorded as f64 / elapsed.as_secs_f64(),
        claiming.as_secs_f64(),
        (elapsed - claiming).as_secs_f64() * 1e6 / recorded as f64
    );
}

/// Request building alone, as the dispatcher does it, over `n` messages to `DEVICES` subscriptions.
async fn building(n: usize) {
    let push = Receiver::start().await;
    let subs: Vec<Subscription> = (0..DEVICES).map(|_| push.subscribe(Mode::Accept)).collect();
    let infos: Vec<SubscriptionInfo> = subs
        .iter()
        .map(|s| SubscriptionInfo::new(s.endpoint.as_str(), s.p256dh.as_str(), s.auth.as_str()))
        .collect();
    let (private, _) = server::jobs::vapid::generate();
    let signer = VapidSignatureBuilder::from_base64_no_sub(&private).unwrap();
    let payload = serde_json::json!({"title": "よりそい: きょうからの予定があります", "url": "/home"}).to_string();

    println!("Building {n} requests without sending (per message, median of 3 runs):");
    let encrypt_only = per_message(n, |i| {
        std::hint::black_box(build(&infos[i % DEVICES], payload.as_bytes(), None));
    });
    let sign_only = per_message(n, |i| {
        std::hint::black_box(sign(&signer, &infos[i % DEVICES]));
    });
    let fresh = per_message(n, |i| {
        let info = &infos[i % DEVICES];
        std::hint::black_box(build(info, payload.as_bytes(), Some(sign(&signer, info))));
    });
    // All endpoints share one origin here, as most of a municipality's devices share a few push services.
    let cached_signature = sign(&signer, &infos[0]);
    let cached = per_message(n, |i| {
        std::hint::black_box(build(
            &infos[i % DEVICES],
            payload.as_bytes(),
            Some(cached_signature.clone()),
        ));
    });
    let show = |label: &str, d: Duration| {
        println!(
            "  {label:<58} {:>7.1} µs/message  ({:>6.0} messages/s on one core)",
            d.as_secs_f64() * 1e6,
            1.0 / d.as_secs_f64()
        )
    };
    show(
        "encryption only (aes128gcm, a fresh ECDH key per message)",
        encrypt_only,
    );
    show("VAPID signing only (builder clone + ES256)", sign_only);
    show("encryption + a fresh VAPID signature per message", fresh);
    show("encryption + the signature cached per origin (dispatcher)", cached);
}

fn per_message(n: usize, mut f: impl FnMut(usize)) -> Duration {
    let mut runs: Vec<Duration> = (0..3)
        .map(|_| {
            let started = Instant::now();
            for i in 0..n {
                f(i);
            }
            started.elapsed() / u32::try_from(n).unwrap()
        })
        .collect();
    runs.sort();
    runs[1]
}

fn sign(signer: &PartialVapidSignatureBuilder, info: &SubscriptionInfo) -> VapidSignature {
    let mut builder = signer.clone().add_sub_info(info);
    builder.add_claim("sub", "mailto:bench@example.invalid");
    builder.build().unwrap()
}

/// What `Dispatcher::request` does: the message, its encryption, and the copy into a reqwest request.
fn build(info: &SubscriptionInfo, payload: &[u8], signature: Option<VapidSignature>) -> reqwest::Request {
    let mut builder = WebPushMessageBuilder::new(info);
    builder.set_payload(ContentEncoding::Aes128Gcm, payload);
    builder.set_ttl(86_400);
    builder.set_urgency(Urgency::Normal);
    builder.set_topic("r0123456789abcdef".to_owned());
    if let Some(signature) = signature {
        builder.set_vapid_signature(signature);
    }
    let built: http_02::Request<Vec<u8>> = web_push::request_builder::build_request(builder.build().unwrap());
    let (parts, body) = built.into_parts();
    let mut request = reqwest::Request::new(reqwest::Method::POST, parts.uri.to_string().parse().unwrap());
    for (name, value) in &parts.headers {
        request.headers_mut().insert(
            reqwest::header::HeaderName::from_bytes(name.as_str().as_bytes()).unwrap(),
            reqwest::header::HeaderValue::from_bytes(value.as_bytes()).unwrap(),
        );
    }
    *request.body_mut() = Some(body.into());
    request
}

/// The real dispatcher over a fresh SQLite outbox of `reminders` due reminders.
async fn dispatching(reminders: usize, batch: i64, concurrency: usize, checks: bool, label: &str) {
    let world = support::world(support::Backend::Sqlite, "bench").await.unwrap();
    let push = Receiver::start().await;
    push.set_checks(checks);
    for n in 0..DEVICES {
        let sub = push.subscribe_for(Some(&world.vapid_public), Mode::Accept);
        world.device(&sub, &format!("device {n}")).await;
    }
    let per_device = reminders.div_ceil(DEVICES);
    let plan: Vec<_> = (0..per_device)
        .map(|i| support::due(&format!("bench-{i:05}")))
        .collect();
    world.plan(Kind::Timeline, &plan).await;
    let total = usize::try_from(world.unfinished().await).unwrap();

    let dispatcher = world.dispatcher(Settings {
        batch,
        concurrency,
        lease: chrono::Duration::seconds(60),
        timeout: Duration::from_secs(10),
        ..support::settings("bench")
    });
    let started = Instant::now();
    let mut rounds = 0;
    let mut delivered = 0;
    loop {
        let round = dispatcher.run_once().await.unwrap();
        if round.claimed == 0 {
            break;
        }
        rounds += 1;
        delivered += round.delivered;
    }
    let elapsed = started.elapsed();
    assert_eq!(push.delivered_count(), total, "every reminder arrived");
    assert!(push.rejections().is_empty(), "{:?}", push.rejections());
    println!(
        "  {label:<66} {delivered} in {:>5.2} s = {:>5.0} reminders/s ({rounds} rounds)",
        elapsed.as_secs_f64(),
        delivered as f64 / elapsed.as_secs_f64()
    );
}
