//! Every server function is accounted for: those through which staff read or change a family's
//! records write an audit entry each time a staff member calls them, and the others say why they
//! need none. A server function added without being placed here fails the test.

use crate::helpers::{Form, TestApp, tokyo_day, world};
use crate::on_both;
use app::api::timeline::FamilyTimelineView;
use app::error::AppError;
use chrono::Utc;
use domain::ids::{AccountId, MunicipalityId};
use serde_json::Value;
use std::collections::BTreeSet;

/// Signing in and out, getting back in with a reset link or code, the language, who is signed
/// in: no family's record.
const SESSION: &[&str] = &[
    "join",
    "login",
    "logout",
    "password_reset_options",
    "request_password_reset",
    "reset_password",
    "set_language",
    "whoami",
];

/// A parent's own family and device only: a parent's reads of their own record are not logged.
const PARENT_OWN: &[&str] = &[
    "calendar_link",
    "calendar_revoke",
    "my_consultations",
    "my_family",
    "open_consultation",
    "reminder_settings",
    "remove_device",
    "save_reminder_preferences",
    "subscribe_device",
    "use_email_reminders",
];

/// Staff functions that hold no family's data: the municipality's sites and directory of
/// institutions, and adding a staff account.
const STAFF_WITHOUT_FAMILY_DATA: &[&str] = &["add_institution", "create_staff", "institutions", "sites"];

/// How many audit entries an actor has.
async fn entries(app: &TestApp, m: MunicipalityId, actor: AccountId) -> usize {
    app.store.audit_of_actor(m, actor).await.unwrap().len()
}

async fn every_staff_call_that_reads_or_changes_a_family_is_audited_and_every_function_is_accounted_for(app: TestApp) {
    let w = world(&app.store).await;
    let m = w.a.municipality;
    let family = w.a.family.0;
    let nurse = app.log_in(&w.a.coordinator).await;
    let admin = app.log_in(&w.a.admin).await;
    let parent = app.log_in(&w.a.parent).await;
    let nurse_id = app.staff_id(m, &w.a.coordinator).await;
    let admin_id = app.staff_id(m, &w.a.admin).await;
    let today = tokyo_day(0);
    let site = app.store.create_site(m, "中央拠点", Utc::now()).await.unwrap();
    let record = app.store.family_record(m, w.a.family).await.unwrap();
    let pregnancy = record.pregnancies[0].id.0;
    let member = format!("pregnancy:{pregnancy}");

    // What the calls below need: a consultation the parent opened, and an item the parent reported.
    let consultation: i64 = app
        .send(
            &parent,
            "open_consultation",
            &Form::new()
                .input("member", "")
                .input("topic", "feeding")
                .input("mode", "phone")
                .input("urgency", "soon_is_better")
                .input("preferred_times", "平日の午前")
                .input("message", "ミルクの量が心配です")
                .input("client_key", "audit-key-0001"),
        )
        .await
        .unwrap();
    let reported = Form::new()
        .arg("family", "0")
        .arg("member", &member)
        .arg("key", "prenatal-checkup-2")
        .arg("done_on", "2026-11-01");
    let _: () = app.send(&parent, "record_done", &reported).await.unwrap();

    let mut audited = BTreeSet::new();
    let mut call = async |who: &reqwest::Client, actor: AccountId, endpoint: &'static str, form: Form| -> Value {
        let before = entries(&app, m, actor).await;
        let answer: Result<Value, AppError> = app.send(who, endpoint, &form).await;
        let value = answer.unwrap_or_else(|e| panic!("{endpoint}: {e:?}"));
        if !STAFF_WITHOUT_FAMILY_DATA.contains(&endpoint) {
            assert!(
                entries(&app, m, actor).await > before,
                "{endpoint} read or changed a family's record without an audit entry"
            );
            audited.insert(endpoint);
        }
        value
    };

    // The staff support functions, as the staff-access tests go through them.
    crate::staff_access::a_coordinator_uses_every_function(&app, &w, &nurse, async |endpoint, form| {
        call(&nurse, nurse_id, endpoint, form.clone()).await
    })
    .await;

    // Reads.
    call(&nurse, nurse_id, "family", Form::new().arg("id", family)).await;
    let timeline: FamilyTimelineView =
        serde_json::from_value(call(&nurse, nurse_id, "timeline", Form::new().arg("family", family)).await).unwrap();
    call(&nurse, nurse_id, "caseload", Form::new().arg("query", "")).await;
    call(&nurse, nurse_id, "consultation_inbox", Form::new()).await;
    call(&nurse, nurse_id, "consultation", Form::new().arg("id", consultation)).await;
    call(&admin, admin_id, "audit_log", Form::new().arg("family", family)).await;
    call(&admin, admin_id, "failed_reminders", Form::new()).await;
    call(&admin, admin_id, "staff_directory", Form::new()).await;

    // The timeline: a record made by staff, a parent's report confirmed, a record undone.
    let parents_record = timeline
        .records
        .iter()
        .find(|r| !r.by_staff)
        .expect("the parent's report")
        .id;
    call(
        &nurse,
        nurse_id,
        "confirm_record",
        Form::new().arg("id", parents_record),
    )
    .await;
    call(
        &nurse,
        nurse_id,
        "record_done",
        Form::new()
            .arg("family", family)
            .arg("member", &member)
            .arg("key", "prenatal-checkup-3")
            .arg("done_on", "2026-11-15"),
    )
    .await;
    let timeline: FamilyTimelineView =
        serde_json::from_value(call(&nurse, nurse_id, "timeline", Form::new().arg("family", family)).await).unwrap();
    let staff_record = timeline
        .records
        .iter()
        .find(|r| r.key == "prenatal-checkup-3")
        .expect("the staff's record")
        .id;
    call(&nurse, nurse_id, "undo_record", Form::new().arg("id", staff_record)).await;

    // The support record and the benefit claims.
    call(&nurse, nurse_id, "issue_invitation", Form::new().arg("family", family)).await;
    call(&nurse, nurse_id, "issue_reset_code", Form::new().arg("family", family)).await;
    call(
        &nurse,
        nurse_id,
        "record_benefit_claim",
        Form::new()
            .arg("family", family)
            .arg("pregnancy", pregnancy)
            .arg("claim", "first")
            .arg("received_on", today),
    )
    .await;

    // A pregnancy registered, one lost, one born; the child's vaccine product chosen.
    call(
        &nurse,
        nurse_id,
        "register_pregnancy",
        Form::new()
            .input("family", family)
            .input("due_date", tokyo_day(200))
            .input("notified_on", today),
    )
    .await;
    let record = app.store.family_record(m, w.a.family).await.unwrap();
    let newest = record.pregnancies.iter().map(|p| p.id.0).max().unwrap();
    call(
        &nurse,
        nurse_id,
        "record_loss",
        Form::new()
            .arg("family", family)
            .arg("pregnancy", newest)
            .arg("ended_on", today),
    )
    .await;
    call(
        &nurse,
        nurse_id,
        "record_birth",
        Form::new()
            .arg("family", family)
            .arg("pregnancy", pregnancy)
            .arg("name", "鈴木 葵")
            .arg("name_kana", "スズキ アオイ")
            .arg("birth_date", today)
            .arg("sex", "female"),
    )
    .await;
    let record = app.store.family_record(m, w.a.family).await.unwrap();
    call(
        &nurse,
        nurse_id,
        "set_product",
        Form::new()
            .arg("family", family)
            .arg("child", record.children[0].id.0)
            .arg("option", "rota")
            .arg("value", "pentavalent"),
    )
    .await;

    // Consultations and slots.
    call(
        &nurse,
        nurse_id,
        "send_message",
        Form::new()
            .arg("consultation", consultation)
            .arg("message", "お電話しますね")
            .arg("client_key", "audit-key-0002"),
    )
    .await;
    call(
        &nurse,
        nurse_id,
        "assign_consultation",
        Form::new()
            .arg("consultation", consultation)
            .arg("assignee", nurse_id.0),
    )
    .await;
    call(
        &nurse,
        nurse_id,
        "publish_slots",
        Form::new()
            .input("site", site.0)
            .input("date", tokyo_day(2))
            .input("time", "10:00")
            .input("minutes", "30")
            .input("mode", "at_site")
            .input("weeks", "2"),
    )
    .await;
    let slots = call(&nurse, nurse_id, "staff_slots", Form::new()).await;
    let slot_ids: Vec<i64> = slots["slots"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_i64().unwrap())
        .collect();
    call(
        &nurse,
        nurse_id,
        "book_slot",
        Form::new().arg("consultation", consultation).arg("slot", slot_ids[0]),
    )
    .await;
    call(
        &nurse,
        nurse_id,
        "cancel_booking",
        Form::new().arg("consultation", consultation),
    )
    .await;
    call(&nurse, nurse_id, "withdraw_slot", Form::new().arg("slot", slot_ids[1])).await;
    call(
        &nurse,
        nurse_id,
        "close_consultation",
        Form::new()
            .arg("consultation", consultation)
            .arg("outcome", "resolved")
            .arg("note", "電話で解決"),
    )
    .await;

    // An admin disables a coordinator's account and enables it again.
    call(
        &admin,
        admin_id,
        "set_staff_disabled",
        Form::new().arg("account", nurse_id.0).arg("disabled", true),
    )
    .await;
    call(
        &admin,
        admin_id,
        "set_staff_disabled",
        Form::new().arg("account", nurse_id.0).arg("disabled", false),
    )
    .await;

    // An admin adds a site, renames it, moves the family there and back, closes and reopens it;
    // and sets the booking cutoff.
    call(
        &admin,
        admin_id,
        "save_site",
        Form::new().input("name", "北部拠点").input("kind", "basic"),
    )
    .await;
    let north = app
        .store
        .sites(m)
        .await
        .unwrap()
        .iter()
        .find(|s| s.name == "北部拠点")
        .unwrap()
        .id
        .0;
    call(
        &admin,
        admin_id,
        "save_site",
        Form::new()
            .input("site", north)
            .input("name", "北部こども家庭センター")
            .input("kind", "integrated"),
    )
    .await;
    call(
        &admin,
        admin_id,
        "move_family",
        Form::new().arg("family", family).arg("site", north),
    )
    .await;
    call(
        &admin,
        admin_id,
        "move_family",
        Form::new().arg("family", family).arg("site", site.0),
    )
    .await;
    call(
        &admin,
        admin_id,
        "set_site_closed",
        Form::new().arg("site", north).arg("closed", true),
    )
    .await;
    call(
        &admin,
        admin_id,
        "set_site_closed",
        Form::new().arg("site", north).arg("closed", false),
    )
    .await;
    call(
        &admin,
        admin_id,
        "set_booking_rules",
        Form::new().arg("cutoff_hours", 48),
    )
    .await;

    // Every action written shows in words on the audit page, in both languages.
    let mut actions: Vec<String> = Vec::new();
    for actor in [nurse_id, admin_id] {
        actions.extend(
            app.store
                .audit_of_actor(m, actor)
                .await
                .unwrap()
                .into_iter()
                .map(|e| e.action),
        );
    }
    actions.sort();
    actions.dedup();
    for action in &actions {
        for locale in [app::i18n::Locale::ja, app::i18n::Locale::en] {
            assert_ne!(
                app::ui::staff::audit::action_label(locale, action),
                *action,
                "the audit action {action} has no words in {locale:?}"
            );
        }
    }

    // Every registered server function is in exactly one of the four groups.
    let registered: BTreeSet<String> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path.trim_start_matches("/api/").to_owned())
        .collect();
    let mut accounted: BTreeSet<String> = audited.iter().map(|e| (*e).to_owned()).collect();
    for group in [SESSION, PARENT_OWN, STAFF_WITHOUT_FAMILY_DATA] {
        for endpoint in group {
            assert!(accounted.insert((*endpoint).to_owned()), "{endpoint} is in two groups");
        }
    }
    let unplaced: Vec<_> = registered.difference(&accounted).collect();
    assert!(
        unplaced.is_empty(),
        "server functions not placed here: {unplaced:?} — call each that reads or changes a family as staff above (it must be audited), or say why it needs no audit"
    );
    let gone: Vec<_> = accounted.difference(&registered).collect();
    assert!(gone.is_empty(), "no longer server functions: {gone:?}");
}

on_both!(every_staff_call_that_reads_or_changes_a_family_is_audited_and_every_function_is_accounted_for,);
