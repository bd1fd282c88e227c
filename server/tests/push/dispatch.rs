//! The dispatcher against the loopback push service: what arrives, and what the outbox says after
//! each answer a push service can give.

use crate::on_both;
use crate::receiver::{Mode, Receiver};
use crate::support::{World, due, reminder, settings};
use chrono::{Duration, Utc};
use server::jobs::dispatcher::{Reach, Settings};
use std::collections::{HashMap, HashSet};
use std::net::IpAddr;
use std::sync::Arc;
use store::push::{Kind, MAX_ATTEMPTS, NewReminder};

on_both!(
    a_reminder_the_push_service_accepts_is_sent_once_with_only_a_title_and_a_url,
    a_404_removes_the_device_and_cancels_its_other_reminders,
    a_410_removes_the_device_and_cancels_its_other_reminders,
    a_429_waits_for_retry_after_and_after_the_last_try_shows_as_failed_to_admins,
    a_500_is_retried_with_a_growing_backoff_until_it_is_accepted,
    a_push_service_that_never_answers_times_out_and_the_reminder_is_retried,
    a_killed_dispatcher_leaves_its_unsent_reminders_to_the_next_one_and_nothing_is_sent_twice,
    a_message_signed_with_another_key_than_the_subscription_s_fails_and_shows_to_admins,
    real_timeline_plans_reach_the_push_service_without_names_or_health_details,
    a_reminder_waiting_for_its_retry_survives_the_next_replan,
    a_307_is_not_followed_and_after_the_last_try_shows_as_failed_to_admins,
    a_301_is_not_followed_and_after_the_last_try_shows_as_failed_to_admins,
    an_address_that_is_not_public_is_refused_at_connect_time_and_nothing_reaches_it,
    a_push_service_on_a_name_and_a_non_default_port_gets_that_origin_as_aud_and_accepts,
);

const TITLE_REPLY: &str = "よりそい: センターから返信があります";

fn is_topic(t: &str) -> bool {
    !t.is_empty() && t.len() <= 32 && t.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

async fn a_reminder_the_push_service_accepts_is_sent_once_with_only_a_title_and_a_url(w: World, push: Receiver) {
    // Bound to the app's VAPID key, as a browser's subscription is.
    let sub = push.subscribe_for(Some(&w.vapid_public), Mode::Accept);
    let device = w.device(&sub, "iPhone").await;
    w.plan(Kind::Timeline, &[due("child:1/hepb-1/dayof")]).await;
    w.plan(
        Kind::Consultation,
        &[NewReminder {
            dedupe_key: "consultation:9/reply:3".into(),
            title: TITLE_REPLY.into(),
            url: "/consultations/9".into(),
            due_at: Utc::now() - Duration::minutes(1),
            urgency: "high",
            ttl_seconds: 3 * 24 * 3600,
        }],
    )
    .await;

    let dispatcher = w.dispatcher(settings("only"));
    let round = dispatcher.run_once().await.unwrap();
    assert_eq!((round.claimed, round.delivered), (2, 2));
    assert_eq!(push.rejections(), Vec::<String>::new());

    let delivered = push.delivered_to(&sub);
    assert_eq!(delivered.len(), 2, "{delivered:?}");
    for m in &delivered {
        let keys: Vec<&String> = m.payload.as_object().expect("a JSON object").keys().collect();
        assert_eq!(keys, ["title", "url"], "nothing but a title and a url: {}", m.plaintext);
        assert!(is_topic(m.topic.as_deref().unwrap_or_default()), "{:?}", m.topic);
    }
    let timeline = delivered
        .iter()
        .find(|m| m.url() == "/home#child:1/hepb-1/dayof")
        .unwrap();
    assert_eq!(
        timeline.payload,
        serde_json::json!({"title": "よりそい: きょうからの予定があります", "url": "/home#child:1/hepb-1/dayof"})
    );
    assert_eq!(timeline.ttl, Some(24 * 3600));
    assert_eq!(timeline.urgency.as_deref(), Some("normal"));
    let reply = delivered.iter().find(|m| m.url() == "/consultations/9").unwrap();
    assert_eq!(
        reply.payload,
        serde_json::json!({"title": TITLE_REPLY, "url": "/consultations/9"})
    );
    assert_eq!(reply.ttl, Some(3 * 24 * 3600));
    assert_eq!(reply.urgency.as_deref(), Some("high"));
    assert_ne!(timeline.topic, reply.topic);

    assert_eq!(
        w.statuses(device).await,
        [
            ("child:1/hepb-1/dayof".to_owned(), "sent".to_owned(), 1),
            ("consultation:9/reply:3".to_owned(), "sent".to_owned(), 1),
        ]
    );
    let devices = w.store.devices(w.guardian).await.unwrap();
    assert!(devices[0].last_sent_at.is_some(), "{devices:?}");

    // Nothing is sent again.
    w.make_due().await;
    assert_eq!(dispatcher.run_once().await.unwrap().claimed, 0);
    assert_eq!(push.messages().len(), 2);
}

async fn gone(w: World, push: Receiver, mode: Mode, status: u16) {
    let old = push.subscribe(mode);
    let kept = push.subscribe(Mode::Accept);
    let old_device = w.device(&old, "old phone").await;
    let kept_device = w.device(&kept, "tablet").await;
    w.plan(
        Kind::Timeline,
        &[due("now"), reminder("tomorrow", Utc::now() + Duration::days(1))],
    )
    .await;
    w.plan(
        Kind::Consultation,
        &[reminder("consultation:1/reply:1", Utc::now() + Duration::hours(1))],
    )
    .await;

    let dispatcher = w.dispatcher(settings("gone"));
    let round = dispatcher.run_once().await.unwrap();
    assert_eq!((round.claimed, round.delivered), (2, 1));
    assert_eq!(push.messages_to(&old).len(), 1);
    assert_eq!(push.messages_to(&old)[0].status, Some(status));

    let devices: Vec<i64> = w
        .store
        .devices(w.guardian)
        .await
        .unwrap()
        .iter()
        .map(|d| d.id)
        .collect();
    assert_eq!(devices, [kept_device], "the gone device is no longer listed");
    let old_statuses: Vec<String> = w.statuses(old_device).await.into_iter().map(|(_, s, _)| s).collect();
    assert_eq!(old_statuses, ["cancelled", "cancelled", "cancelled"]);
    assert_eq!(
        w.statuses(kept_device).await,
        [
            ("now".to_owned(), "sent".to_owned(), 1),
            ("consultation:1/reply:1".to_owned(), "pending".to_owned(), 0),
            ("tomorrow".to_owned(), "pending".to_owned(), 0),
        ]
    );
    // Not a failure for admins: the parent unsubscribed or the browser dropped the subscription.
    assert!(w.store.failed_reminders(w.municipality).await.unwrap().is_empty());

    // Later rounds never knock on the gone endpoint again.
    w.make_due().await;
    let round = dispatcher.run_once().await.unwrap();
    assert_eq!((round.claimed, round.delivered), (2, 2));
    assert_eq!(push.messages_to(&old).len(), 1);
    assert_eq!(push.rejections(), Vec::<String>::new());
}

async fn a_404_removes_the_device_and_cancels_its_other_reminders(w: World, push: Receiver) {
    gone(w, push, Mode::NotFound, 404).await;
}

async fn a_410_removes_the_device_and_cancels_its_other_reminders(w: World, push: Receiver) {
    gone(w, push, Mode::Gone, 410).await;
}

async fn a_429_waits_for_retry_after_and_after_the_last_try_shows_as_failed_to_admins(w: World, push: Receiver) {
    let sub = push.subscribe(Mode::TooMany("120".into()));
    let device = w.device(&sub, "phone").await;
    w.plan(Kind::Timeline, &[due("busy")]).await;
    let dispatcher = w.dispatcher(settings("busy"));

    let before = Utc::now();
    let round = dispatcher.run_once().await.unwrap();
    assert_eq!((round.claimed, round.delivered), (1, 0));
    assert_eq!(w.status(device, "busy").await, ("pending".to_owned(), 1));
    let (next, status, _) = w.retry_state(device, "busy").await;
    assert!(
        next >= before + Duration::seconds(120),
        "next attempt {next}, asked at {before}"
    );
    assert_eq!(status, Some(429));
    assert_eq!(
        dispatcher.run_once().await.unwrap().claimed,
        0,
        "Retry-After is honoured"
    );

    for attempt in 2..=MAX_ATTEMPTS {
        w.make_due().await;
        let round = dispatcher.run_once().await.unwrap();
        assert_eq!(round.claimed, 1, "attempt {attempt}");
    }
    assert_eq!(w.status(device, "busy").await, ("failed".to_owned(), MAX_ATTEMPTS));
    let failed = w.store.failed_reminders(w.municipality).await.unwrap();
    assert_eq!(failed.len(), 1, "{failed:?}");
    assert_eq!(failed[0].family, w.family);
    assert_eq!(failed[0].kind, "timeline");
    assert_eq!(failed[0].attempts, MAX_ATTEMPTS);
    assert_eq!(failed[0].last_status, Some(429));

    // A failed reminder is not tried again.
    w.make_due().await;
    assert_eq!(dispatcher.run_once().await.unwrap().claimed, 0);
    assert_eq!(push.messages_to(&sub).len(), usize::try_from(MAX_ATTEMPTS).unwrap());
    assert_eq!(push.delivered_count(), 0);
}

async fn a_500_is_retried_with_a_growing_backoff_until_it_is_accepted(w: World, push: Receiver) {
    let sub = push.subscribe(Mode::ServerError);
    let device = w.device(&sub, "phone").await;
    w.plan(Kind::Timeline, &[due("flaky")]).await;
    let dispatcher = w.dispatcher(settings("flaky"));

    let mut previous = None;
    for (attempt, wait) in [(1, 30), (2, 60)] {
        let before = Utc::now();
        assert_eq!(dispatcher.run_once().await.unwrap().claimed, 1);
        let after = Utc::now();
        assert_eq!(w.status(device, "flaky").await, ("pending".to_owned(), attempt));
        let (next, status, _) = w.retry_state(device, "flaky").await;
        assert_eq!(status, Some(500));
        assert!(
            next >= before + Duration::seconds(wait) && next <= after + Duration::seconds(wait),
            "attempt {attempt}: next {next} should be {wait} s after {before}"
        );
        assert_eq!(dispatcher.run_once().await.unwrap().claimed, 0, "not before its time");
        assert_ne!(previous, Some(next));
        previous = Some(next);
        w.make_due().await;
    }
    push.set_mode(&sub, Mode::Accept);
    let round = dispatcher.run_once().await.unwrap();
    assert_eq!((round.claimed, round.delivered), (1, 1));
    assert_eq!(w.status(device, "flaky").await, ("sent".to_owned(), 3));
    assert_eq!(push.messages_to(&sub).len(), 3);
    assert_eq!(push.delivered_to(&sub).len(), 1);
}

async fn a_push_service_that_never_answers_times_out_and_the_reminder_is_retried(w: World, push: Receiver) {
    let sub = push.subscribe(Mode::Hang);
    let device = w.device(&sub, "phone").await;
    w.plan(Kind::Timeline, &[due("silent")]).await;
    // settings(): a 300 ms timeout.
    let dispatcher = w.dispatcher(settings("patient"));

    let started = std::time::Instant::now();
    let round = tokio::time::timeout(std::time::Duration::from_secs(10), dispatcher.run_once())
        .await
        .expect("the round ends although the push service never answers")
        .unwrap();
    assert_eq!((round.claimed, round.delivered), (1, 0));
    assert!(
        started.elapsed() < std::time::Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(w.status(device, "silent").await, ("pending".to_owned(), 1));
    let (_, status, error) = w.retry_state(device, "silent").await;
    assert_eq!((status, error.as_deref()), (None, Some("timeout")));

    push.set_mode(&sub, Mode::Accept);
    w.make_due().await;
    let round = dispatcher.run_once().await.unwrap();
    assert_eq!((round.claimed, round.delivered), (1, 1));
    assert_eq!(w.status(device, "silent").await, ("sent".to_owned(), 2));
    assert_eq!(push.messages_to(&sub).len(), 2);
    assert_eq!(push.delivered_to(&sub).len(), 1);
}

async fn a_killed_dispatcher_leaves_its_unsent_reminders_to_the_next_one_and_nothing_is_sent_twice(
    w: World,
    push: Receiver,
) {
    let sub = push.subscribe(Mode::AcceptThenHang(5));
    let device = w.device(&sub, "phone").await;
    let keys: Vec<String> = (0..20).map(|i| format!("kill-{i:02}")).collect();
    let plan: Vec<NewReminder> = keys.iter().map(|k| due(k)).collect();
    w.plan(Kind::Timeline, &plan).await;

    // A dispatcher that would wait long for the hung requests; it is killed first.
    let first = Arc::new(w.dispatcher(server::jobs::dispatcher::Settings {
        concurrency: 4,
        timeout: std::time::Duration::from_secs(60),
        ..settings("first")
    }));
    let round = tokio::spawn({
        let first = first.clone();
        async move { first.run_once().await }
    });
    push.wait_for_deliveries(5, std::time::Duration::from_secs(10)).await;
    // Killed once its five deliveries are recorded in the outbox (a push service's 201 that a
    // process dies before recording can never be told apart from one it did not get).
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    loop {
        let sent = w.statuses(device).await.iter().filter(|(_, s, _)| s == "sent").count();
        if sent == 5 {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "5 messages were accepted but the outbox records {sent} as sent while the round waits \
             on the other requests: a dispatcher killed now sends them again after its lease"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    round.abort();
    assert!(round.await.unwrap_err().is_cancelled());
    drop(first);

    // The killed dispatcher's lease (1 s) runs out; the push service answers again.
    tokio::time::sleep(std::time::Duration::from_millis(1300)).await;
    push.set_mode(&sub, Mode::Accept);
    let second = w.dispatcher(settings("second"));
    let round = second.run_once().await.unwrap();
    assert_eq!((round.claimed, round.delivered), (15, 15));
    assert_eq!(second.run_once().await.unwrap().claimed, 0);

    let counts = push.deliveries_by_url();
    assert_eq!(counts.len(), 20, "{counts:?}");
    for key in &keys {
        assert_eq!(counts.get(&format!("/home#{key}")), Some(&1), "{key}: {counts:?}");
    }
    assert!(w.statuses(device).await.iter().all(|(_, s, _)| s == "sent"));
    assert_eq!(push.rejections(), Vec::<String>::new());
}

async fn a_message_signed_with_another_key_than_the_subscription_s_fails_and_shows_to_admins(w: World, push: Receiver) {
    let (_, someone_else) = server::jobs::vapid::generate();
    let sub = push.subscribe_for(Some(&someone_else), Mode::Accept);
    let device = w.device(&sub, "phone").await;
    w.plan(Kind::Timeline, &[due("wrong-key")]).await;
    let round = w.dispatcher(settings("wrong")).run_once().await.unwrap();
    assert_eq!((round.claimed, round.delivered), (1, 0));
    assert_eq!(w.status(device, "wrong-key").await, ("failed".to_owned(), 1));
    let failed = w.store.failed_reminders(w.municipality).await.unwrap();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].last_status, Some(403));
    let rejections = push.rejections();
    assert_eq!(rejections.len(), 1);
    assert!(rejections[0].contains("another key"), "{rejections:?}");
}

async fn real_timeline_plans_reach_the_push_service_without_names_or_health_details(w: World, push: Receiver) {
    use domain::people::{Kana, PersonName, Sex};
    let name = PersonName::parse("n", "鈴木 陽葵").unwrap();
    let kana = Kana::parse("k", "スズキ ヒマリ").unwrap();
    let born = Utc::now().with_timezone(&chrono_tz::Asia::Tokyo).date_naive() - Duration::days(50);
    w.store
        .add_child(
            w.municipality,
            w.family,
            &store::families::NewChild {
                pregnancy: None,
                name: &name,
                name_kana: &kana,
                birth_date: born,
                sex: Sex::Female,
            },
            Utc::now(),
        )
        .await
        .unwrap();
    let sub = push.subscribe_for(Some(&w.vapid_public), Mode::Accept);
    let device = w.device(&sub, "phone").await;
    app::api::reminders::plan::replan_family(&w.store, w.municipality, w.family, Utc::now())
        .await
        .unwrap();
    let planned = w.statuses(device).await;
    assert!(!planned.is_empty(), "a two-month-old has vaccines coming");

    // Their time comes.
    w.make_due().await;
    let dispatcher = w.dispatcher(settings("real"));
    while dispatcher.run_once().await.unwrap().claimed > 0 {}
    let delivered = push.delivered_to(&sub);
    assert_eq!(delivered.len(), planned.len());
    assert!(
        planned.iter().any(|(key, _, _)| key.starts_with("digest/")),
        "the two-month vaccinations begin the same morning, as one push: {planned:?}"
    );
    let titles = [
        "よりそい: もうすぐの予定があります",
        "よりそい: きょうからの予定があります",
        "よりそい: まだ済んでいない予定があります",
    ];
    for m in &delivered {
        let keys: Vec<&String> = m.payload.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["title", "url"], "{}", m.plaintext);
        // One reminder alone says what kind it is; several due the same morning arrive as one
        // digest that says how many.
        let title = m.payload["title"].as_str().unwrap();
        let digest = title
            .strip_prefix("よりそい: 予定のお知らせが")
            .and_then(|rest| rest.strip_suffix("件あります"))
            .and_then(|n| n.parse::<usize>().ok());
        assert!(
            titles.contains(&title) || digest.is_some_and(|n| n >= 2),
            "{}",
            m.plaintext
        );
        assert_eq!(m.payload["url"], "/home");
        for secret in ["鈴木", "陽葵", "スズキ", "ヒマリ", "child:"] {
            assert!(!m.plaintext.contains(secret), "{secret} in {}", m.plaintext);
        }
        // Nor the item: the key's middle part names the vaccine or check-up.
        for (key, _, _) in &planned {
            let item = key.split('/').nth(1).unwrap();
            assert!(!m.plaintext.contains(item), "{item} in {}", m.plaintext);
        }
    }
    assert_eq!(push.rejections(), Vec::<String>::new());
}

async fn a_reminder_waiting_for_its_retry_survives_the_next_replan(w: World, push: Receiver) {
    let sub = push.subscribe(Mode::ServerError);
    let device = w.device(&sub, "phone").await;
    w.plan(Kind::Timeline, &[due("child:1/hepb-1/dayof")]).await;
    let dispatcher = w.dispatcher(settings("replan"));
    assert_eq!(dispatcher.run_once().await.unwrap().claimed, 1);
    assert_eq!(
        w.status(device, "child:1/hepb-1/dayof").await,
        ("pending".to_owned(), 1)
    );

    // The hourly re-plan: the planner plans from now on, so a reminder already due is not in it.
    w.plan(
        Kind::Timeline,
        &[reminder("child:1/hepb-2/ahead", Utc::now() + Duration::days(20))],
    )
    .await;
    assert_eq!(
        w.status(device, "child:1/hepb-1/dayof").await,
        ("pending".to_owned(), 1),
        "a reminder whose time has come is the dispatcher's, not the planner's, to give up"
    );

    push.set_mode(&sub, Mode::Accept);
    w.execute("UPDATE reminders SET next_attempt_at = '2000-01-01T00:00:00.000000Z' WHERE dedupe_key = 'child:1/hepb-1/dayof'")
        .await;
    let round = dispatcher.run_once().await.unwrap();
    assert_eq!((round.claimed, round.delivered), (1, 1));
    assert_eq!(w.status(device, "child:1/hepb-1/dayof").await, ("sent".to_owned(), 2));
}

/// Two dispatchers on one PostgreSQL database, side by side until the outbox is empty.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_dispatchers_on_postgres_deliver_each_reminder_exactly_once() {
    let Some(w) = crate::support::world(crate::support::Backend::Postgres, "two_dispatchers").await else {
        eprintln!("PostgreSQL not configured: skipped (SQLite runs one dispatcher)");
        return;
    };
    let push = Receiver::start().await;
    let mut subs = Vec::new();
    for n in 0..10 {
        let sub = push.subscribe(Mode::AcceptAfter(std::time::Duration::from_millis(2)));
        w.device(&sub, &format!("device {n}")).await;
        subs.push(sub);
    }
    let plan: Vec<NewReminder> = (0..20).map(|i| due(&format!("pair-{i:02}"))).collect();
    w.plan(Kind::Timeline, &plan).await;
    assert_eq!(w.unfinished().await, 200);

    let w = Arc::new(w);
    let run = |worker: &'static str| {
        let dispatcher = w.dispatcher(server::jobs::dispatcher::Settings {
            batch: 16,
            lease: Duration::seconds(60),
            timeout: std::time::Duration::from_secs(10),
            ..settings(worker)
        });
        tokio::spawn(async move {
            let mut claimed = 0;
            loop {
                let round = dispatcher.run_once().await.unwrap();
                if round.claimed == 0 {
                    return claimed;
                }
                claimed += round.claimed;
            }
        })
    };
    let (a, b) = (run("left"), run("right"));
    let (a, b) = (a.await.unwrap(), b.await.unwrap());
    eprintln!("left claimed {a}, right claimed {b}");
    assert_eq!(a + b, 200);
    assert!(a > 0 && b > 0, "both worked: {a} and {b}");
    assert_eq!(w.unfinished().await, 0);

    let messages = push.messages();
    assert_eq!(messages.len(), 200, "no request was sent twice");
    let mut seen: HashMap<(u64, String), usize> = HashMap::new();
    for m in messages.iter().filter(|m| m.delivered()) {
        *seen.entry((m.subscription, m.url().to_owned())).or_insert(0) += 1;
    }
    assert_eq!(seen.len(), 200);
    assert!(seen.values().all(|&n| n == 1));
    let subscriptions: HashSet<u64> = seen.keys().map(|(s, _)| *s).collect();
    assert_eq!(subscriptions.len(), subs.len());
    assert_eq!(push.rejections(), Vec::<String>::new());
}

async fn redirected(w: World, push: Receiver, code: u16) {
    let sub = push.subscribe(Mode::Redirect(code));
    let device = w.device(&sub, "phone").await;
    w.plan(Kind::Timeline, &[due("moved")]).await;
    let dispatcher = w.dispatcher(settings("moved"));

    let before = Utc::now();
    let round = dispatcher.run_once().await.unwrap();
    assert_eq!((round.claimed, round.delivered), (1, 0));
    assert_eq!(push.sunk(), 0, "the redirect's target is never reached");
    assert_eq!(w.status(device, "moved").await, ("pending".to_owned(), 1));
    let (next, status, error) = w.retry_state(device, "moved").await;
    assert_eq!(status, Some(i64::from(code)));
    assert!(error.unwrap_or_default().contains("redirect"));
    assert!(
        next >= before + Duration::seconds(30),
        "retried with backoff, like a 5xx"
    );

    for attempt in 2..=MAX_ATTEMPTS {
        w.make_due().await;
        assert_eq!(dispatcher.run_once().await.unwrap().claimed, 1, "attempt {attempt}");
    }
    assert_eq!(w.status(device, "moved").await, ("failed".to_owned(), MAX_ATTEMPTS));
    let failed = w.store.failed_reminders(w.municipality).await.unwrap();
    assert_eq!(failed.len(), 1, "{failed:?}");
    assert_eq!(failed[0].last_status, Some(i64::from(code)));
    assert_eq!(push.messages_to(&sub).len(), usize::try_from(MAX_ATTEMPTS).unwrap());
    assert_eq!(push.sunk(), 0, "nothing ever followed the redirect");
}

async fn a_307_is_not_followed_and_after_the_last_try_shows_as_failed_to_admins(w: World, push: Receiver) {
    redirected(w, push, 307).await;
}

async fn a_301_is_not_followed_and_after_the_last_try_shows_as_failed_to_admins(w: World, push: Receiver) {
    redirected(w, push, 301).await;
}

/// An endpoint on `name` at the receiver's port: `http://<name>:<port>/push/<id>`.
fn on_name(sub: &crate::receiver::Subscription, name: &str) -> crate::receiver::Subscription {
    let (_, rest) = sub.endpoint.split_once("127.0.0.1").expect("a loopback endpoint");
    crate::receiver::Subscription {
        endpoint: format!("http://{name}{rest}"),
        ..sub.clone()
    }
}

async fn an_address_that_is_not_public_is_refused_at_connect_time_and_nothing_reaches_it(w: World, push: Receiver) {
    let sub = push.subscribe(Mode::Accept);
    // The receiver itself, by address; and by names that a resolver maps inside the network.
    let cases: [(&str, crate::receiver::Subscription, &[&str]); 5] = [
        ("literal", sub.clone(), &[]),
        ("loopback", on_name(&sub, "push.example.com"), &["127.0.0.1"]),
        ("mapped", on_name(&sub, "mapped.example.com"), &["::ffff:127.0.0.1"]),
        ("private", on_name(&sub, "private.example.com"), &["10.0.0.8"]),
        // One private address among public ones is enough to refuse the name.
        (
            "mixed",
            on_name(&sub, "mixed.example.com"),
            &["93.184.215.14", "192.168.1.20"],
        ),
    ];
    let mut reach = Reach::public();
    for (_, case, addresses) in &cases {
        let host = case.endpoint.split("//").nth(1).unwrap().split(':').next().unwrap();
        let addresses: Vec<IpAddr> = addresses.iter().map(|a| a.parse().unwrap()).collect();
        if !addresses.is_empty() {
            reach = reach.resolving_for_tests(host, &addresses);
        }
    }
    let mut devices = Vec::new();
    for (key, case, _) in &cases {
        let device = w.device(case, key).await;
        devices.push((key, device));
    }
    w.plan(Kind::Timeline, &[due("inside")]).await;

    let dispatcher = w.dispatcher(Settings {
        reach,
        ..settings("public-only")
    });
    let round = dispatcher.run_once().await.unwrap();
    assert_eq!((round.claimed, round.delivered), (5, 0));
    assert!(
        push.messages().is_empty(),
        "nothing reached the receiver: {:?}",
        push.messages()
    );
    for (key, device) in devices {
        assert_eq!(w.status(device, "inside").await, ("failed".to_owned(), 1), "{key}");
        let (_, status, error) = w.retry_state(device, "inside").await;
        assert_eq!(status, None, "{key}");
        assert_eq!(
            error.as_deref(),
            Some("refused: the push service's address is not public"),
            "{key}: refused before connecting, not a connection that failed"
        );
    }
    assert_eq!(w.store.failed_reminders(w.municipality).await.unwrap().len(), 5);
}

async fn a_push_service_on_a_name_and_a_non_default_port_gets_that_origin_as_aud_and_accepts(w: World, push: Receiver) {
    let sub = on_name(
        &push.subscribe_for(Some(&w.vapid_public), Mode::Accept),
        "push.example.com",
    );
    let device = w.device(&sub, "phone").await;
    w.plan(Kind::Timeline, &[due("named")]).await;
    let reach = Reach::loopback_for_tests().resolving_for_tests("push.example.com", &["127.0.0.1".parse().unwrap()]);
    let dispatcher = w.dispatcher(Settings {
        reach,
        ..settings("named")
    });
    let round = dispatcher.run_once().await.unwrap();
    // The receiver refuses any `aud` but its origin as reached: http://push.example.com:<port>.
    assert_eq!(push.rejections(), Vec::<String>::new());
    assert_eq!((round.claimed, round.delivered), (1, 1));
    assert_eq!(w.status(device, "named").await, ("sent".to_owned(), 1));
    let port = sub.endpoint.rsplit(':').next().unwrap().split('/').next().unwrap();
    assert_eq!(
        server::jobs::dispatcher::audience(&sub.endpoint).as_deref(),
        Some(format!("http://push.example.com:{port}").as_str())
    );
}
