//! What reaches a parent's phone when the centre acts over HTTP — a reply, a booking made or
//! moved for them — sent by a real dispatcher to the loopback push service, which checks the
//! VAPID signature and decrypts the payload.

use crate::helpers::{Form, TestApp, tokyo_day, world};
use crate::on_both;
use crate::receiver::{Mode, Receiver};
use app::error::AppError;
use chrono::Utc;
use server::jobs::dispatcher::{Dispatcher, Reach, Settings};

const TITLE_REPLY: &str = "よりそい: センターから返信があります";
const TITLE_BOOKING: &str = "よりそい: 相談の予約が変わりました";

/// A dispatcher of the app's outbox, signing with the app's own VAPID key (the tests run their
/// own; the app under test does not dispatch).
async fn dispatcher(app: &TestApp, worker: &str) -> Dispatcher {
    let vapid = server::jobs::vapid::Vapid::load(&app.store, None).await.unwrap();
    Dispatcher::new(
        app.store.clone(),
        vapid.private_key(),
        Settings {
            worker: worker.into(),
            subject: "mailto:push-test@example.invalid".into(),
            batch: 16,
            concurrency: 2,
            lease: chrono::Duration::seconds(5),
            timeout: std::time::Duration::from_secs(2),
            reach: Reach::loopback_for_tests(),
        },
    )
    .unwrap()
}

/// The parent's reminder settings with no quiet hours, so that news goes out whatever the hour
/// the test runs at.
async fn without_quiet_hours(app: &TestApp, parent: &reqwest::Client, timeline: bool, days_ahead: u8) {
    let _: () = app
        .send(
            parent,
            "save_reminder_preferences",
            &Form::new()
                .input("timeline", timeline)
                .input("consultations", true)
                .input("days_ahead", days_ahead)
                .input("quiet_from", "00:00")
                .input("quiet_until", "00:00"),
        )
        .await
        .unwrap();
}

async fn a_staff_reply_and_a_booking_made_by_the_centre_reach_the_parents_phone(app: TestApp) {
    let w = world(&app.store).await;
    let m = w.a.municipality;
    let push = Receiver::start().await;
    let parent = app.log_in(&w.a.parent).await;
    let nurse = app.log_in(&w.a.coordinator).await;
    without_quiet_hours(&app, &parent, false, 0).await;
    // The parent's phone, on the loopback push service (the app refuses such an address from a
    // browser, so it is saved as the subscribe function would save it).
    let sub = push.subscribe(Mode::Accept);
    let parent_id = app.account_id(&w.a.parent).await;
    app.store
        .subscribe(
            m,
            w.a.family,
            parent_id,
            &store::push::NewSubscription {
                endpoint: &sub.endpoint,
                p256dh: &sub.p256dh,
                auth: &sub.auth,
                device_label: "phone",
            },
            Utc::now(),
        )
        .await
        .unwrap();
    let dispatcher = dispatcher(&app, "news").await;
    let deliver = async || {
        while dispatcher.run_once().await.unwrap().claimed > 0 {}
        push.delivered_to(&sub)
    };

    let id: i64 = app
        .send(
            &parent,
            "open_consultation",
            &Form::new()
                .input("topic", "feeding")
                .input("mode", "phone")
                .input("urgency", "soon_is_better")
                .input("message", "ミルクを飲む量が減りました")
                .input("client_key", "news-open-0001"),
        )
        .await
        .unwrap();
    assert!(
        deliver().await.is_empty(),
        "the parent's own message is no news to them"
    );

    let reply: Result<i64, AppError> = app
        .send(
            &nurse,
            "send_message",
            &Form::new()
                .arg("consultation", id)
                .arg("message", "明日お電話します")
                .arg("client_key", "news-reply-0001"),
        )
        .await;
    reply.unwrap();
    let arrived = deliver().await;
    assert_eq!(arrived.len(), 1, "{arrived:?}");
    assert_eq!(arrived[0].payload["title"], TITLE_REPLY);
    assert_eq!(arrived[0].payload["url"], format!("/consultations/{id}"));
    // The lock screen learns nothing of the thread.
    assert!(!arrived[0].plaintext.contains("お電話"), "{}", arrived[0].plaintext);

    // The centre books a slot for them.
    let site = app.store.create_site(m, "中央拠点", Utc::now()).await.unwrap();
    let published: usize = app
        .send(
            &nurse,
            "publish_slots",
            &Form::new()
                .input("site", site.0)
                .input("date", tokyo_day(4))
                .input("time", "10:00")
                .input("minutes", "30")
                .input("mode", "at_site")
                .input("weeks", "1"),
        )
        .await
        .unwrap();
    assert_eq!(published, 1);
    let slot = app.store.slots(m, Utc::now(), true).await.unwrap()[0].id;
    let _: () = app
        .send(
            &nurse,
            "book_slot",
            &Form::new().arg("consultation", id).arg("slot", slot),
        )
        .await
        .unwrap();
    let arrived = deliver().await;
    assert_eq!(arrived.len(), 2, "{arrived:?}");
    assert_eq!(arrived[1].payload["title"], TITLE_BOOKING);
    assert_eq!(arrived[1].payload["url"], format!("/consultations/{id}"));
    assert_eq!(push.rejections(), Vec::<String>::new());

    // The parent's own booking change is no news to them.
    let _: () = app
        .send(&parent, "cancel_booking", &Form::new().arg("consultation", id))
        .await
        .unwrap();
    assert_eq!(deliver().await.len(), 2);
}

async fn a_parent_whose_phone_cannot_take_push_gets_reminders_by_email(app: TestApp) {
    let w = world(&app.store).await;
    let parent = app.log_in(&w.a.parent).await;
    let settings: app::api::reminders::RemindersView =
        app.send(&parent, "reminder_settings", &Form::new()).await.unwrap();
    assert!(settings.email_available);
    assert_eq!(settings.email_address, w.a.parent);
    assert!(settings.devices.is_empty());

    let _: () = app.send(&parent, "use_email_reminders", &Form::new()).await.unwrap();
    // Pressed twice (a double tap): still one channel.
    let _: () = app.send(&parent, "use_email_reminders", &Form::new()).await.unwrap();
    let settings: app::api::reminders::RemindersView =
        app.send(&parent, "reminder_settings", &Form::new()).await.unwrap();
    assert_eq!(settings.devices.len(), 1);
    assert!(settings.devices[0].email);

    // A staff reply goes out by e-mail, at once outside quiet hours.
    without_quiet_hours(&app, &parent, true, 3).await;
    let nurse = app.log_in(&w.a.coordinator).await;
    let id: i64 = app
        .send(
            &parent,
            "open_consultation",
            &Form::new()
                .input("topic", "feeding")
                .input("mode", "phone")
                .input("urgency", "whenever")
                .input("message", "相談したいです")
                .input("client_key", "mail-open-0001"),
        )
        .await
        .unwrap();
    let _: i64 = app
        .send(
            &nurse,
            "send_message",
            &Form::new()
                .arg("consultation", id)
                .arg("message", "お電話します")
                .arg("client_key", "mail-reply-0001"),
        )
        .await
        .unwrap();
    // Through the app's own mail server.
    let mailer = server::jobs::dispatcher::Mailer::new(
        &app.smtp.url(),
        "よりそい <noreply@example.invalid>",
        &app.address,
        std::time::Duration::from_secs(5),
    )
    .unwrap();
    let dispatcher = dispatcher(&app, "mail").await.with_mail(mailer);
    while dispatcher.run_once().await.unwrap().claimed > 0 {}
    let mails = app.smtp.mails();
    let reply = mails
        .iter()
        .find(|m| m.subject_and_body().0 == TITLE_REPLY)
        .unwrap_or_else(|| panic!("the reply's e-mail in {mails:?}"));
    assert_eq!(reply.to, std::slice::from_ref(&w.a.parent));
    let (_, body) = reply.subject_and_body();
    assert!(body.contains(&format!("{}/consultations/{id}", app.address)), "{body}");
    assert!(!body.contains("お電話"), "the reply itself stays in the app: {body}");

    // Removed like a device: no more e-mail.
    let device = settings.devices[0].id;
    let _: () = app
        .send(&parent, "remove_device", &Form::new().arg("device", device))
        .await
        .unwrap();
    let settings: app::api::reminders::RemindersView =
        app.send(&parent, "reminder_settings", &Form::new()).await.unwrap();
    assert!(settings.devices.is_empty());

    // Staff have no family to send reminders for.
    let refused: Result<(), AppError> = app.send(&nurse, "use_email_reminders", &Form::new()).await;
    assert_eq!(refused, Err(AppError::Forbidden));
}

on_both!(
    a_staff_reply_and_a_booking_made_by_the_centre_reach_the_parents_phone,
    a_parent_whose_phone_cannot_take_push_gets_reminders_by_email,
);
