//! E-mail reminders: the same outbox and dispatcher, sent over SMTP to a real server on loopback.

use crate::on_both;
use crate::receiver::Receiver;
use crate::smtp::{SmtpMode, SmtpReceiver};
use crate::support::{World, due, settings};
use server::jobs::dispatcher::Mailer;
use store::push::{Channel, Kind};

on_both!(
    an_email_reminder_reaches_the_parents_mailbox_with_only_a_title_and_a_link,
    a_mail_server_that_asks_to_try_later_is_tried_again_and_one_that_refuses_fails_for_admins,
);

async fn email_device(w: &World) -> i64 {
    w.store
        .subscribe_email(
            w.municipality,
            w.family,
            w.guardian,
            "parent1@example.jp",
            "メール",
            chrono::Utc::now(),
        )
        .await
        .expect("e-mail channel")
}

fn mailer(smtp: &SmtpReceiver) -> Mailer {
    Mailer::new(
        &smtp.url(),
        "よりそい <noreply@example.invalid>",
        "https://yorisoi.example.jp/",
        std::time::Duration::from_secs(5),
    )
    .expect("mailer")
}

async fn an_email_reminder_reaches_the_parents_mailbox_with_only_a_title_and_a_link(w: World, _push: Receiver) {
    let smtp = SmtpReceiver::start().await;
    let device = email_device(&w).await;
    let listed = w.store.devices(w.guardian).await.unwrap();
    assert_eq!(
        listed.iter().map(|d| (d.id, d.channel)).collect::<Vec<_>>(),
        [(device, Channel::Email)]
    );
    w.plan(Kind::Timeline, &[due("child:1/hepb-1/dayof")]).await;

    let dispatcher = w.dispatcher(settings("mail")).with_mail(mailer(&smtp));
    let round = dispatcher.run_once().await.unwrap();
    assert_eq!((round.claimed, round.delivered), (1, 1));
    assert_eq!(w.status(device, "child:1/hepb-1/dayof").await, ("sent".to_owned(), 1));

    let mails = smtp.mails();
    assert_eq!(mails.len(), 1);
    let mail = &mails[0];
    assert_eq!(mail.to, ["parent1@example.jp"]);
    assert_eq!(mail.from, "noreply@example.invalid");
    let (subject, body) = mail.subject_and_body();
    assert_eq!(subject, "よりそい: きょうからの予定があります");
    assert!(
        body.contains("https://yorisoi.example.jp/home#child:1/hepb-1/dayof"),
        "{body}"
    );
    assert!(body.contains("https://yorisoi.example.jp/settings/reminders"), "{body}");
    // Nothing of the family: no names, no item.
    for secret in ["鈴木", "hepb", "B型肝炎"] {
        assert!(!subject.contains(secret), "{secret} in the subject");
        assert!(!body.replace("hepb-1/dayof", "").contains(secret), "{secret} in {body}");
    }

    // Sent once: the next round has nothing.
    assert_eq!(dispatcher.run_once().await.unwrap().claimed, 0);
    assert_eq!(smtp.mails().len(), 1);

    // Without a mail server the e-mail channel's reminders fail, for admins to see.
    w.plan(Kind::Timeline, &[due("child:1/hepb-2/dayof")]).await;
    let unconfigured = w.dispatcher(settings("no-mail"));
    unconfigured.run_once().await.unwrap();
    assert_eq!(w.status(device, "child:1/hepb-2/dayof").await.0, "failed");
    assert_eq!(smtp.mails().len(), 1);
}

async fn a_mail_server_that_asks_to_try_later_is_tried_again_and_one_that_refuses_fails_for_admins(
    w: World,
    _push: Receiver,
) {
    let smtp = SmtpReceiver::start().await;
    let device = email_device(&w).await;
    let dispatcher = w.dispatcher(settings("mail-retry")).with_mail(mailer(&smtp));

    // 451: tried again later, then accepted.
    smtp.set_mode(SmtpMode::TryLater);
    w.plan(Kind::Timeline, &[due("later")]).await;
    dispatcher.run_once().await.unwrap();
    assert_eq!(w.status(device, "later").await, ("pending".to_owned(), 1));
    let (_, status, _) = w.retry_state(device, "later").await;
    assert_eq!(status, Some(451));
    smtp.set_mode(SmtpMode::Accept);
    w.make_due().await;
    assert_eq!(dispatcher.run_once().await.unwrap().delivered, 1);
    assert_eq!(w.status(device, "later").await, ("sent".to_owned(), 2));

    // 550: no such mailbox — failed at once, not tried again.
    smtp.set_mode(SmtpMode::NoSuchMailbox);
    w.plan(Kind::Timeline, &[due("refused")]).await;
    dispatcher.run_once().await.unwrap();
    assert_eq!(w.status(device, "refused").await, ("failed".to_owned(), 1));
    let failed = w.store.failed_reminders(w.municipality).await.unwrap();
    assert!(failed.iter().any(|f| f.last_status == Some(550)), "{failed:?}");
    assert_eq!(smtp.mails().len(), 1);
}
