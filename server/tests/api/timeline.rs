//! The timeline over HTTP: parents report, staff confirm, both can undo; the calendar feed.

use crate::helpers::{TestApp, client, tokyo_day, world};
use crate::on_both;
use app::api::families::FamilyView;
use app::api::timeline::FamilyTimelineView;
use app::error::AppError;
use domain::input::Problem;
use domain::schedule::{PcvProduct, Status};
use domain::timeline::Member;

fn status(view: &FamilyTimelineView, key: &str) -> Status {
    view.timelines[0]
        .timeline
        .item(key)
        .unwrap_or_else(|| panic!("{key} in the timeline"))
        .status
}

async fn a_parent_reports_a_checkup_staff_confirm_it_and_it_can_be_undone(app: TestApp) {
    let w = world(&app.store).await;
    let parent = app.log_in(&w.a.parent).await;
    let mine: FamilyView = app.call_json(&parent, "my_family", &[]).await.unwrap();
    let member = format!("pregnancy:{}", mine.record.pregnancies[0].id.0);

    let before: FamilyTimelineView = app.call_json(&parent, "timeline", &[("family", "0")]).await.unwrap();
    assert_eq!(before.timelines.len(), 1);
    assert_ne!(status(&before, "prenatal-checkup-1"), Status::Completed);

    let form = [
        ("family", "0"),
        ("member", member.as_str()),
        ("key", "prenatal-checkup-1"),
        ("done_on", "2026-09-20"),
    ];
    let r: Result<(), AppError> = app.call_json(&parent, "record_done", &form).await;
    assert_eq!(r, Ok(()));
    let after: FamilyTimelineView = app.call_json(&parent, "timeline", &[("family", "0")]).await.unwrap();
    assert_eq!(status(&after, "prenatal-checkup-1"), Status::Completed);
    let record = after
        .records
        .iter()
        .find(|r| r.key == "prenatal-checkup-1")
        .unwrap()
        .clone();
    assert!(!record.by_staff && record.undoable && record.verified_by.is_none());

    // Staff see the same record, confirm it; the parent sees who confirmed.
    let nurse = app.log_in(&w.a.coordinator).await;
    let family = w.a.family.0.to_string();
    let seen: FamilyTimelineView = app.call_json(&nurse, "timeline", &[("family", &family)]).await.unwrap();
    assert_eq!(status(&seen, "prenatal-checkup-1"), Status::Completed);
    let r: Result<(), AppError> = app
        .call_json(&nurse, "confirm_record", &[("id", &record.id.to_string())])
        .await;
    assert_eq!(r, Ok(()));
    let confirmed: FamilyTimelineView = app.call_json(&parent, "timeline", &[("family", "0")]).await.unwrap();
    assert_eq!(confirmed.records[0].verified_by.as_deref(), Some("職員"));

    // A parent cannot confirm; undoing removes it from the timeline (it stays on file).
    let r: Result<(), AppError> = app
        .call_json(&parent, "confirm_record", &[("id", &record.id.to_string())])
        .await;
    assert_eq!(r, Err(AppError::Forbidden));
    let r: Result<(), AppError> = app
        .call_json(&parent, "undo_record", &[("id", &record.id.to_string())])
        .await;
    assert_eq!(r, Ok(()));
    let undone: FamilyTimelineView = app.call_json(&parent, "timeline", &[("family", "0")]).await.unwrap();
    assert_ne!(status(&undone, "prenatal-checkup-1"), Status::Completed);
    assert!(undone.records.is_empty());
}

async fn records_outside_ones_family_or_with_bad_input_are_refused(app: TestApp) {
    let w = world(&app.store).await;
    let parent = app.log_in(&w.a.parent).await;
    let neighbour = app.store.family_record(w.a.municipality, w.a.neighbour).await.unwrap();
    let other_member = format!("pregnancy:{}", neighbour.pregnancies[0].id.0);
    let form = [
        ("family", "0"),
        ("member", other_member.as_str()),
        ("key", "prenatal-checkup-1"),
        ("done_on", "2026-09-20"),
    ];
    let r: Result<(), AppError> = app.call_json(&parent, "record_done", &form).await;
    assert_eq!(r, Err(AppError::NotFound), "another family's pregnancy");
    let other_family = w.a.neighbour.0.to_string();
    let r: Result<FamilyTimelineView, AppError> =
        app.call_json(&parent, "timeline", &[("family", &other_family)]).await;
    assert_eq!(r, Err(AppError::NotFound));

    let mine: FamilyView = app.call_json(&parent, "my_family", &[]).await.unwrap();
    let member = format!("pregnancy:{}", mine.record.pregnancies[0].id.0);
    for (key, done_on, field) in [
        ("prenatal-checkup-1", "2999-01-01", "done_on"),
        ("prenatal-checkup-1", "2026-02-30", "done_on"),
        ("no-such-thing", "2026-09-20", "key"),
    ] {
        let form = [
            ("family", "0"),
            ("member", member.as_str()),
            ("key", key),
            ("done_on", done_on),
        ];
        match app.call_json::<()>(&parent, "record_done", &form).await {
            Err(AppError::Invalid(i)) => assert_eq!(i.field, field),
            other => panic!("{key} {done_on}: {other:?}"),
        }
    }

    let nurse_b = app.log_in(&w.b.coordinator).await;
    let family_a = w.a.family.0.to_string();
    let r: Result<FamilyTimelineView, AppError> = app.call_json(&nurse_b, "timeline", &[("family", &family_a)]).await;
    assert_eq!(r, Err(AppError::NotFound), "another municipality's family");
    let r: Result<FamilyTimelineView, AppError> = app.call_json(&client(), "timeline", &[("family", "0")]).await;
    assert_eq!(r, Err(AppError::NotSignedIn));
}

/// The UIDs of a calendar feed's events.
fn uids(feed: &str) -> Vec<String> {
    feed.lines()
        .filter_map(|l| l.strip_prefix("UID:"))
        .map(|u| u.trim().to_owned())
        .collect()
}

async fn a_calendar_event_keeps_its_uid_when_the_pregnancy_becomes_a_child(app: TestApp) {
    let w = world(&app.store).await;
    let (m, family) = (w.a.municipality, w.a.family);
    let pregnancy = app.store.family_record(m, family).await.unwrap().pregnancies[0].id;
    let parent = app.log_in(&w.a.parent).await;
    let link: String = app.call_json(&parent, "calendar_link", &[]).await.unwrap();
    let url = format!("{}{}", app.address, &link[link.find("/calendar/").unwrap()..]);
    let feed = async || reqwest::get(&url).await.unwrap().text().await.unwrap();
    let before = uids(&feed().await);
    assert!(!before.is_empty());

    let nurse = app.log_in(&w.a.coordinator).await;
    let born = tokyo_day(0).to_string();
    let pregnancy_id = pregnancy.0.to_string();
    let family_id = family.0.to_string();
    let r: Result<(), AppError> = app
        .call_json(
            &nurse,
            "record_birth",
            &[
                ("family", family_id.as_str()),
                ("pregnancy", pregnancy_id.as_str()),
                ("name", "鈴木 葵"),
                ("name_kana", "スズキ アオイ"),
                ("birth_date", born.as_str()),
                ("sex", "female"),
            ],
        )
        .await;
    assert_eq!(r, Ok(()));
    let after = uids(&feed().await);
    let kept: Vec<_> = after.iter().filter(|u| before.contains(u)).collect();
    assert!(
        !kept.is_empty(),
        "items planned before the birth are the same events after it: {before:?} / {after:?}"
    );
    let as_pregnancy = format!("{}-p{}-", family.0, pregnancy.0);
    assert!(
        after.iter().all(|u| u.starts_with(&as_pregnancy)),
        "the child's timeline continues the pregnancy's events: {after:?}"
    );
}

async fn the_calendar_feed_serves_upcoming_items_until_revoked(app: TestApp) {
    let w = world(&app.store).await;
    let overlay = "extends = \"national\"\n[[series]]\nkey = \"prenatal-checkup\"\nplace = \"かかりつけの産婦人科\"\n";
    app.store
        .set_schedule_overlay(w.a.municipality, Some(overlay))
        .await
        .unwrap();
    let parent = app.log_in(&w.a.parent).await;
    let view: FamilyTimelineView = app.call_json(&parent, "timeline", &[("family", "0")]).await.unwrap();
    assert_eq!(
        view.places,
        [("prenatal-checkup".to_owned(), "かかりつけの産婦人科".to_owned())]
    );
    let link: String = app.call_json(&parent, "calendar_link", &[]).await.unwrap();
    let path = &link[link.find("/calendar/").unwrap()..];
    let response = reqwest::get(format!("{}{path}", app.address)).await.unwrap();
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/calendar")
    );
    let body = response.text().await.unwrap();
    assert!(body.starts_with("BEGIN:VCALENDAR"), "{body}");
    assert!(
        body.contains("BEGIN:VEVENT") && body.contains("DTSTART;VALUE=DATE:"),
        "{body}"
    );
    assert!(body.contains("妊婦健康診査"), "{body}");
    assert!(body.contains("LOCATION:かかりつけの産婦人科"), "{body}");

    // A new link replaces the old one; revoking ends both.
    let newer: String = app.call_json(&parent, "calendar_link", &[]).await.unwrap();
    assert_eq!(
        reqwest::get(format!("{}{path}", app.address)).await.unwrap().status(),
        404
    );
    let newer_path = &newer[newer.find("/calendar/").unwrap()..];
    assert_eq!(
        reqwest::get(format!("{}{newer_path}", app.address))
            .await
            .unwrap()
            .status(),
        200
    );
    let _: () = app.call_json(&parent, "calendar_revoke", &[]).await.unwrap();
    assert_eq!(
        reqwest::get(format!("{}{newer_path}", app.address))
            .await
            .unwrap()
            .status(),
        404
    );
    assert_eq!(
        reqwest::get(format!("{}/calendar/guess.ics", app.address))
            .await
            .unwrap()
            .status(),
        404
    );
}

async fn staff_record_a_visit_and_it_counts_as_confirmed(app: TestApp) {
    let w = world(&app.store).await;
    let nurse = app.log_in(&w.a.coordinator).await;
    let family = w.a.family.0.to_string();
    let view: FamilyTimelineView = app.call_json(&nurse, "timeline", &[("family", &family)]).await.unwrap();
    let Member::Pregnancy(p) = view.timelines[0].member else {
        panic!("a pregnancy timeline")
    };
    let member = format!("pregnancy:{}", p.0);
    let form = [
        ("family", family.as_str()),
        ("member", member.as_str()),
        ("key", "interview-notification"),
        ("done_on", "2026-10-01"),
    ];
    let r: Result<(), AppError> = app.call_json(&nurse, "record_done", &form).await;
    assert_eq!(r, Ok(()));
    let parent = app.log_in(&w.a.parent).await;
    let seen: FamilyTimelineView = app.call_json(&parent, "timeline", &[("family", "0")]).await.unwrap();
    let record = seen.records.iter().find(|r| r.key == "interview-notification").unwrap();
    assert!(record.by_staff && record.verified_by.is_some());
    assert!(!record.undoable, "a parent cannot undo what the centre recorded");
    let log = app
        .store
        .audit_of_subject(w.a.municipality, &format!("family:{}", w.a.family.0))
        .await
        .unwrap();
    assert!(log.iter().any(|e| e.action == "record"));
}

async fn a_birth_continues_the_timeline_as_the_childs_and_a_loss_ends_it_gently(app: TestApp) {
    let w = world(&app.store).await;
    let nurse = app.log_in(&w.a.coordinator).await;
    let record = app.store.family_record(w.a.municipality, w.a.family).await.unwrap();
    let pregnancy = record.pregnancies[0].id.0.to_string();
    let family = w.a.family.0.to_string();
    let birth = [
        ("family", family.as_str()),
        ("pregnancy", pregnancy.as_str()),
        ("name", "鈴木 湊"),
        ("name_kana", "すずき みなと"),
        ("birth_date", "2026-10-30"),
        ("sex", "male"),
    ];
    let parent = app.log_in(&w.a.parent).await;
    let r: Result<(), AppError> = app.call_json(&parent, "record_birth", &birth).await;
    assert_eq!(r, Err(AppError::Forbidden), "parents do not record births");
    let r: Result<(), AppError> = app.call_json(&nurse, "record_birth", &birth).await;
    assert_eq!(r, Ok(()));

    let view: FamilyTimelineView = app.call_json(&parent, "timeline", &[("family", "0")]).await.unwrap();
    assert_eq!(
        view.timelines.len(),
        1,
        "the pregnancy continues as the child's timeline"
    );
    assert!(matches!(view.timelines[0].member, Member::Child(_)));
    assert!(view.timelines[0].timeline.item("hepb-1").is_some());
    assert!(view.timelines[0].timeline.item("prenatal-checkup-1").is_some());
    assert!(
        view.timelines[0].timeline.item("rota-3").is_none(),
        "monovalent by default"
    );

    // The parent says the child gets the pentavalent rotavirus vaccine: a third dose appears.
    let Member::Child(child) = view.timelines[0].member else {
        unreachable!()
    };
    let child = child.0.to_string();
    let choose = [
        ("family", "0"),
        ("child", child.as_str()),
        ("option", "rota"),
        ("value", "pentavalent"),
    ];
    let r: Result<(), AppError> = app.call_json(&parent, "set_product", &choose).await;
    assert_eq!(r, Ok(()));
    let view: FamilyTimelineView = app.call_json(&parent, "timeline", &[("family", "0")]).await.unwrap();
    assert!(view.timelines[0].timeline.item("rota-3").is_some());
    let wrong = [
        ("family", "0"),
        ("child", child.as_str()),
        ("option", "rota"),
        ("value", "hexavalent"),
    ];
    let r: Result<(), AppError> = app.call_json(&parent, "set_product", &wrong).await;
    assert!(
        matches!(r, Err(AppError::Invalid(ref i)) if i.field == "product"),
        "{r:?}"
    );
    // PCV15 only finishes a series begun on it before 2024-10-01: this child has no such dose.
    let pcv15 = [
        ("family", "0"),
        ("child", child.as_str()),
        ("option", "pcv"),
        ("value", "pcv15"),
    ];
    let r: Result<(), AppError> = app.call_json(&parent, "set_product", &pcv15).await;
    assert!(
        matches!(r, Err(AppError::Invalid(ref i)) if i.field == "product" && i.problem == Problem::OnlyToFinishSeries),
        "{r:?}"
    );
    let view: FamilyTimelineView = app.call_json(&parent, "timeline", &[("family", "0")]).await.unwrap();
    assert_eq!(
        view.timelines[0].options.map(|o| o.pcv),
        Some(PcvProduct::Pcv20),
        "the refused choice is not stored"
    );

    let neighbour = app.store.family_record(w.a.municipality, w.a.neighbour).await.unwrap();
    let loss = [
        ("family", &w.a.neighbour.0.to_string()[..]),
        ("pregnancy", &neighbour.pregnancies[0].id.0.to_string()[..]),
        ("ended_on", "2026-11-01"),
    ]
    .map(|(k, v)| (k, v.to_owned()));
    let loss: Vec<(&str, &str)> = loss.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r: Result<(), AppError> = app.call_json(&nurse, "record_loss", &loss).await;
    assert_eq!(r, Ok(()));
    let view: FamilyTimelineView = app
        .call_json(&nurse, "timeline", &[("family", &w.a.neighbour.0.to_string())])
        .await
        .unwrap();
    let prenatal: Vec<_> = view.timelines[0]
        .timeline
        .items
        .iter()
        .filter(|i| i.key.to_string().starts_with("prenatal-checkup"))
        .collect();
    assert!(!prenatal.is_empty());
    assert!(
        prenatal
            .iter()
            .all(|i| i.status == Status::NotNeeded || i.status == Status::Completed)
    );
    let again: Result<(), AppError> = app.call_json(&nurse, "record_loss", &loss).await;
    assert_eq!(again, Err(AppError::NotFound), "only an ongoing pregnancy can end");
}

on_both!(
    a_birth_continues_the_timeline_as_the_childs_and_a_loss_ends_it_gently,
    a_parent_reports_a_checkup_staff_confirm_it_and_it_can_be_undone,
    records_outside_ones_family_or_with_bad_input_are_refused,
    the_calendar_feed_serves_upcoming_items_until_revoked,
    a_calendar_event_keeps_its_uid_when_the_pregnancy_becomes_a_child,
    staff_record_a_visit_and_it_counts_as_confirmed,
);
