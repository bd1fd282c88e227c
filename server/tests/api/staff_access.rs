//! The staff side of the support record (intake, flags and plans, visits, the network, tasks,
//! figures, the audit log) refuses strangers and parents, lets coordinators in (the audit log only
//! admins), and never reaches into another municipality: foreign ids are simply not found.

use crate::helpers::{Form, TestApp, Town, World, client, tokyo_day, world};
use crate::on_both;
use app::api::support::SupportView;
use app::error::AppError;
use domain::ids::{FamilyId, MunicipalityId};
use serde_json::Value;

/// Everything stored about a family's support and its municipality's directory, to show that a
/// refused call wrote nothing.
async fn stored(app: &TestApp, municipality: MunicipalityId, family: FamilyId) -> String {
    let s = &app.store;
    let m = municipality;
    format!(
        "{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}",
        s.family_record(m, family).await.unwrap(),
        s.interviews(m, family).await.unwrap(),
        s.risk_flags(m, family).await.unwrap(),
        s.support_plans(m, family).await.unwrap(),
        s.home_visits(m, family).await.unwrap(),
        s.referrals(m, family).await.unwrap(),
        s.institutions(m).await.unwrap(),
        s.sites(m).await.unwrap(),
        s.caseload(
            m,
            &domain::caseload::CaseloadFilter::search(""),
            &domain::family::CaseloadPosition::First,
            tokyo_day(0)
        )
        .await
        .unwrap()
        .total,
        s.audit_of_subject(m, &format!("family:{}", family.0))
            .await
            .unwrap()
            .len(),
    )
}

async fn stored_town(app: &TestApp, town: &Town) -> String {
    format!(
        "{}\n{}",
        stored(app, town.municipality, town.family).await,
        stored(app, town.municipality, town.neighbour).await
    )
}

async fn support(app: &TestApp, staff: &reqwest::Client, family: FamilyId) -> SupportView {
    app.send(staff, "family_support", &Form::new().arg("family", family.0))
        .await
        .unwrap()
}

/// A hospital for the directory.
fn institution(name: &str) -> Form {
    Form::new()
        .input("kind", "hospital")
        .input("name", name)
        .input("phone", "0120-000-000")
        .input("note", "")
}

/// A coordinator of town A goes once through every staff support function with valid input, each
/// call made by `send` and answering `Ok`. Returns the calls made, to replay them as other people.
pub(crate) async fn a_coordinator_uses_every_function(
    app: &TestApp,
    w: &World,
    nurse: &reqwest::Client,
    mut send: impl AsyncFnMut(&'static str, &Form) -> Value,
) -> Vec<(&'static str, Form)> {
    let family = w.a.family.0;
    let pregnancy = app
        .store
        .family_record(w.a.municipality, w.a.family)
        .await
        .unwrap()
        .pregnancies[0]
        .id
        .0;
    let today = tokyo_day(0);
    let mut calls = Vec::new();
    let mut ok = async |endpoint: &'static str, form: Form| -> Value {
        let value = send(endpoint, &form).await;
        calls.push((endpoint, form));
        value
    };

    ok("sites", Form::new()).await;
    ok("institutions", Form::new()).await;
    ok("add_institution", institution("こども病院")).await;
    let new_family = ok(
        "register_pregnancy",
        Form::new()
            .input("family_name", "高橋")
            .input("family_name_kana", "タカハシ")
            .input("due_date", tokyo_day(200))
            .input("notified_on", today),
    )
    .await;
    assert!(new_family.as_i64().is_some(), "{new_family}");
    ok(
        "record_interview",
        Form::new()
            .input("family", family)
            .input("member", format!("pregnancy:{pregnancy}"))
            .input("kind", "notification")
            .input("held_on", today)
            .input("home_support", "some"),
    )
    .await;
    ok(
        "raise_flag",
        Form::new()
            .input("family", family)
            .input("category", "needs_support")
            .input("reason", "支援者がいない"),
    )
    .await;
    let view = support(app, nurse, w.a.family).await;
    let (flag, plan) = (&view.flags[0], &view.plans[0]);
    ok(
        "clear_flag",
        Form::new()
            .arg("family", family)
            .arg("flag", flag.id)
            .arg("reason", "祖母が同居することになった"),
    )
    .await;
    ok(
        "save_plan",
        Form::new()
            .input("family", family)
            .input("plan", plan.id)
            .input("revision", plan.revision)
            .input("goals", "産後の孤立を防ぐ")
            .input("responsible", "")
            .input("category", "child_needing_support")
            .input("subject", "household")
            .input("starts_on", today)
            .input("review_on", tokyo_day(14))
            .input("ends_on", tokyo_day(180))
            .input("shared_on", today)
            .input("shared_how", "in_person"),
    )
    .await;
    ok(
        "record_case_meeting",
        Form::new()
            .input("family", family)
            .input("plan", plan.id)
            .input("held_on", today)
            .input("purpose", "decided")
            .arg("input[participants][0][role]", "保健師")
            .arg("input[participants][0][institution]", "こども家庭センター")
            .input("decisions", "月1回訪問する")
            .input("next_review_on", tokyo_day(30)),
    )
    .await;
    ok(
        "plan_visit",
        Form::new()
            .input("family", family)
            .input("kind", "follow_up")
            .input("member", "")
            .input("due_by", tokyo_day(7))
            .input("assigned_to", "")
            .input("scheduled_on", ""),
    )
    .await;
    let view = support(app, nurse, w.a.family).await;
    ok(
        "record_visit",
        Form::new()
            .input("family", family)
            .input("visit", view.visits[0].id)
            .input("visited_on", today)
            .input("findings", "落ち着いている"),
    )
    .await;
    ok(
        "refer",
        Form::new()
            .input("family", family)
            .input("institution", view.institutions[0].id)
            .input("reason", "小児科の紹介"),
    )
    .await;
    let view = support(app, nurse, w.a.family).await;
    ok(
        "update_referral",
        Form::new()
            .input("family", family)
            .input("referral", view.referrals[0].id)
            .input("status", "accepted")
            .input("outcome", "初診済み"),
    )
    .await;
    ok("family_support", Form::new().arg("family", family)).await;
    ok("tasks", Form::new().arg("scope", "mine")).await;
    ok("figures", Form::new()).await;
    calls
}

async fn strangers_and_parents_are_refused_every_staff_support_function_that_coordinators_may_use(app: TestApp) {
    let w = world(&app.store).await;
    let nurse = app.log_in(&w.a.coordinator).await;
    let calls = a_coordinator_uses_every_function(&app, &w, &nurse, async |endpoint, form| {
        let answer: Result<Value, AppError> = app.send(&nurse, endpoint, form).await;
        answer.unwrap_or_else(|e| panic!("{endpoint} as a coordinator: {e:?}"))
    })
    .await;
    assert_eq!(calls.len(), 16, "every function but the audit log");

    let before = stored_town(&app, &w.a).await;
    let parent = app.log_in(&w.a.parent).await;
    let stranger = client();
    let audit = Form::new().arg("family", w.a.family.0);
    for (who, refusal) in [(&stranger, AppError::NotSignedIn), (&parent, AppError::Forbidden)] {
        for (endpoint, form) in calls.iter().chain([&("audit_log", audit.clone())]) {
            let r: Result<Value, AppError> = app.send(who, endpoint, form).await;
            assert_eq!(r, Err(refusal.clone()), "{endpoint}");
        }
    }
    assert_eq!(stored_town(&app, &w.a).await, before, "refused calls wrote nothing");

    // The audit log is for admins only; admins may use the coordinators' functions too.
    let r: Result<Value, AppError> = app.send(&nurse, "audit_log", &audit).await;
    assert_eq!(r, Err(AppError::Forbidden), "audit_log as a coordinator");
    let admin = app.log_in(&w.a.admin).await;
    let r: Result<Value, AppError> = app.send(&admin, "audit_log", &audit).await;
    assert!(r.is_ok(), "audit_log as an admin: {r:?}");
    for (endpoint, form) in [
        ("family_support", Form::new().arg("family", w.a.family.0)),
        ("tasks", Form::new().arg("scope", "all")),
        ("figures", Form::new()),
        ("sites", Form::new()),
        ("institutions", Form::new()),
    ] {
        let r: Result<Value, AppError> = app.send(&admin, endpoint, &form).await;
        assert!(r.is_ok(), "{endpoint} as an admin: {r:?}");
    }
}

async fn a_coordinator_of_another_municipality_finds_none_of_its_records_and_changes_nothing(app: TestApp) {
    let w = world(&app.store).await;
    let site_a = app
        .store
        .create_site(w.a.municipality, "北部拠点", chrono::Utc::now())
        .await
        .unwrap();
    let nurse_a = app.log_in(&w.a.coordinator).await;
    let family_a = w.a.family.0;
    let pregnancy_a = app
        .store
        .family_record(w.a.municipality, w.a.family)
        .await
        .unwrap()
        .pregnancies[0]
        .id
        .0;
    let today = tokyo_day(0);
    let _: () = app
        .send(&nurse_a, "add_institution", &institution("北部産婦人科"))
        .await
        .unwrap();
    let _: () = app
        .send(
            &nurse_a,
            "record_interview",
            &Form::new()
                .input("family", family_a)
                .input("member", format!("pregnancy:{pregnancy_a}"))
                .input("kind", "notification")
                .input("held_on", today)
                .input("home_support", "none")
                .input("risk", "specified_pregnancy")
                .input("risk_reason", "若年で支援者がいない"),
        )
        .await
        .unwrap();
    let _: () = app
        .send(
            &nurse_a,
            "plan_visit",
            &Form::new()
                .input("family", family_a)
                .input("kind", "parenting_support")
                .input("member", format!("pregnancy:{pregnancy_a}"))
                .input("due_by", tokyo_day(10)),
        )
        .await
        .unwrap();
    let view = support(&app, &nurse_a, w.a.family).await;
    let institution_a = view.institutions[0].id;
    let _: () = app
        .send(
            &nurse_a,
            "refer",
            &Form::new()
                .input("family", family_a)
                .input("institution", institution_a)
                .input("reason", "妊婦健診の連携"),
        )
        .await
        .unwrap();
    let view = support(&app, &nurse_a, w.a.family).await;
    let (flag_a, plan_a, visit_a, referral_a) = (
        view.flags[0].id,
        &view.plans[0],
        view.visits[0].id,
        view.referrals[0].id,
    );
    let coordinator_a = app.staff_id(w.a.municipality, &w.a.coordinator).await;

    let before_a = stored_town(&app, &w.a).await;
    let before_b = stored_town(&app, &w.b).await;
    let nurse_b = app.log_in(&w.b.coordinator).await;
    let family_b = w.b.family.0;
    let member_a = format!("pregnancy:{pregnancy_a}");
    let interview = |family: i64| {
        Form::new()
            .input("family", family)
            .input("member", &member_a)
            .input("kind", "notification")
            .input("held_on", today)
            .input("home_support", "enough")
            .input("risk", "needs_support")
            .input("risk_reason", "他市の記録")
    };
    let plan = |family: i64| {
        Form::new()
            .input("family", family)
            .input("plan", plan_a.id)
            .input("revision", plan_a.revision)
            .input("goals", "上書き")
            .input("category", "child_needing_support")
            .input("subject", "household")
            .input("starts_on", today)
            .input("review_on", tokyo_day(3))
            .input("ends_on", tokyo_day(90))
    };
    let new_plan = |family: i64| {
        Form::new()
            .input("family", family)
            .input("category", "child_requiring_protection")
            .input("subject", "household")
            .input("starts_on", today)
            .input("review_on", tokyo_day(3))
            .input("ends_on", tokyo_day(90))
    };
    let meeting = |family: i64| {
        Form::new()
            .input("family", family)
            .input("plan", plan_a.id)
            .input("held_on", today)
            .input("purpose", "reviewed")
            .arg("input[participants][0][role]", "保健師")
            .arg("input[participants][0][institution]", "")
            .input("decisions", "他市の記録")
            .input("next_review_on", tokyo_day(5))
    };
    let attempts: Vec<(&str, &str, Form)> = vec![
        (
            "register_pregnancy",
            "A's family",
            Form::new()
                .input("family", family_a)
                .input("due_date", tokyo_day(150))
                .input("notified_on", today),
        ),
        (
            "register_pregnancy",
            "a new family at A's site",
            Form::new()
                .input("family_name", "伊藤")
                .input("family_name_kana", "イトウ")
                .input("site", site_a.0)
                .input("due_date", tokyo_day(150))
                .input("notified_on", today),
        ),
        ("record_interview", "A's family", interview(family_a)),
        ("record_interview", "A's pregnancy in B's family", interview(family_b)),
        (
            "raise_flag",
            "A's family",
            Form::new()
                .input("family", family_a)
                .input("category", "child_requiring_protection")
                .input("reason", "他市の記録"),
        ),
        (
            "clear_flag",
            "A's family",
            Form::new()
                .arg("family", family_a)
                .arg("flag", flag_a)
                .arg("reason", "他市の記録"),
        ),
        (
            "clear_flag",
            "A's flag in B's family",
            Form::new()
                .arg("family", family_b)
                .arg("flag", flag_a)
                .arg("reason", "他市の記録"),
        ),
        ("save_plan", "A's plan", plan(family_a)),
        ("save_plan", "A's plan in B's family", plan(family_b)),
        ("save_plan", "a new plan for A's family", new_plan(family_a)),
        (
            "save_plan",
            "A's coordinator responsible for B's plan",
            new_plan(family_b).input("responsible", coordinator_a.0),
        ),
        ("record_case_meeting", "A's plan", meeting(family_a)),
        ("record_case_meeting", "A's plan in B's family", meeting(family_b)),
        (
            "plan_visit",
            "A's family",
            Form::new()
                .input("family", family_a)
                .input("kind", "follow_up")
                .input("due_by", tokyo_day(5)),
        ),
        (
            "plan_visit",
            "A's pregnancy in B's family",
            Form::new()
                .input("family", family_b)
                .input("kind", "follow_up")
                .input("member", &member_a)
                .input("due_by", tokyo_day(5)),
        ),
        (
            "plan_visit",
            "A's coordinator assigned",
            Form::new()
                .input("family", family_b)
                .input("kind", "follow_up")
                .input("assigned_to", coordinator_a.0)
                .input("due_by", tokyo_day(5)),
        ),
        (
            "record_visit",
            "A's visit",
            Form::new()
                .input("family", family_a)
                .input("visit", visit_a)
                .input("visited_on", today),
        ),
        (
            "record_visit",
            "A's visit in B's family",
            Form::new()
                .input("family", family_b)
                .input("visit", visit_a)
                .input("visited_on", today),
        ),
        (
            "refer",
            "A's family",
            Form::new()
                .input("family", family_a)
                .input("institution", institution_a)
                .input("reason", "他市の記録"),
        ),
        (
            "refer",
            "A's institution for B's family",
            Form::new()
                .input("family", family_b)
                .input("institution", institution_a)
                .input("reason", "他市の記録"),
        ),
        (
            "update_referral",
            "A's referral",
            Form::new()
                .input("family", family_a)
                .input("referral", referral_a)
                .input("status", "declined"),
        ),
        (
            "update_referral",
            "A's referral in B's family",
            Form::new()
                .input("family", family_b)
                .input("referral", referral_a)
                .input("status", "declined"),
        ),
        ("family_support", "A's family", Form::new().arg("family", family_a)),
        (
            "tasks",
            "A's site",
            Form::new().arg("scope", format!("site:{}", site_a.0)),
        ),
    ];
    for (endpoint, what, form) in &attempts {
        let r: Result<Value, AppError> = app.send(&nurse_b, endpoint, form).await;
        assert_eq!(r, Err(AppError::NotFound), "{endpoint} with {what}");
    }
    let admin_b = app.log_in(&w.b.admin).await;
    let r: Result<Value, AppError> = app
        .send(&admin_b, "audit_log", &Form::new().arg("family", family_a))
        .await;
    assert_eq!(r, Err(AppError::NotFound), "audit_log of A's family");

    // B's own lists show nothing of A's, and B may reuse A's institution name in its directory.
    let sites: Value = app.send(&nurse_b, "sites", &Form::new()).await.unwrap();
    assert_eq!(sites, serde_json::json!([]));
    let listed: Value = app.send(&nurse_b, "institutions", &Form::new()).await.unwrap();
    assert_eq!(listed, serde_json::json!([]));
    assert_eq!(stored_town(&app, &w.a).await, before_a, "nothing of A's changed");
    assert_eq!(stored_town(&app, &w.b).await, before_b, "nothing was written in B");

    let _: () = app
        .send(&nurse_b, "add_institution", &institution("北部産婦人科"))
        .await
        .unwrap();
    let seen_by_a = support(&app, &nurse_a, w.a.family).await;
    assert_eq!(seen_by_a.institutions.len(), 1, "B's directory entry stays in B");
    let r: Result<(), AppError> = app
        .send(&nurse_a, "add_institution", &institution("北部産婦人科"))
        .await;
    assert!(
        matches!(r, Err(AppError::Conflict(app::error::Conflict::InstitutionExists))),
        "{r:?}"
    );
}

async fn only_admins_manage_sites_and_the_booking_cutoff_and_never_another_municipalitys(app: TestApp) {
    use app::error::Conflict;
    let w = world(&app.store).await;
    let (m, family) = (w.a.municipality, w.a.family.0);
    let admin = app.log_in(&w.a.admin).await;
    let nurse = app.log_in(&w.a.coordinator).await;
    let parent = app.log_in(&w.a.parent).await;
    let admin_b = app.log_in(&w.b.admin).await;
    let site = |name: &str, kind: &str| Form::new().input("name", name).input("kind", kind);

    // An admin adds two sites of their own kinds; a name twice or an unknown kind is refused in words.
    let _: () = app
        .send(&admin, "save_site", &site("本庁舎", "integrated"))
        .await
        .unwrap();
    let _: () = app
        .send(&admin, "save_site", &site("北部保健センター", "maternal_child_health"))
        .await
        .unwrap();
    let taken: Result<(), AppError> = app.send(&admin, "save_site", &site("本庁舎", "basic")).await;
    assert_eq!(taken, Err(AppError::Conflict(Conflict::SiteNameTaken)));
    let odd: Result<(), AppError> = app.send(&admin, "save_site", &site("南部", "hospital")).await;
    assert!(
        matches!(odd, Err(AppError::Invalid(ref i)) if i.field == "site_kind"),
        "{odd:?}"
    );
    let blank: Result<(), AppError> = app.send(&admin, "save_site", &site(" ", "basic")).await;
    assert!(
        matches!(blank, Err(AppError::Invalid(ref i)) if i.field == "site_name"),
        "{blank:?}"
    );
    let sites = app.store.sites(m).await.unwrap();
    assert_eq!(sites.len(), 2);
    let (centre, north) = (sites[0].id.0, sites[1].id.0);
    assert_eq!(sites[1].kind, domain::site::SiteKind::MaternalChildHealth);

    // Coordinators and parents are refused all of it; nothing changes.
    let attempts = [
        ("save_site", site("乗っ取り拠点", "basic")),
        ("set_site_closed", Form::new().arg("site", north).arg("closed", true)),
        ("move_family", Form::new().arg("family", family).arg("site", north)),
        ("set_booking_rules", Form::new().arg("cutoff_hours", 0)),
    ];
    let before = stored_town(&app, &w.a).await;
    for who in [&nurse, &parent] {
        for (endpoint, form) in &attempts {
            let r: Result<Value, AppError> = app.send(who, endpoint, form).await;
            assert_eq!(r, Err(AppError::Forbidden), "{endpoint}");
        }
    }
    // Another municipality's admin finds none of A's sites or families.
    let foreign = [
        ("save_site", site("乗っ取り拠点", "basic").input("site", north)),
        ("set_site_closed", Form::new().arg("site", north).arg("closed", true)),
        ("move_family", Form::new().arg("family", family).arg("site", north)),
    ];
    for (endpoint, form) in &foreign {
        let r: Result<Value, AppError> = app.send(&admin_b, endpoint, form).await;
        assert_eq!(r, Err(AppError::NotFound), "{endpoint} by B's admin");
    }
    assert_eq!(stored_town(&app, &w.a).await, before, "refused calls changed nothing");

    // The family moves to the north site; the site cannot close while it is followed there.
    let _: () = app
        .send(
            &admin,
            "move_family",
            &Form::new().arg("family", family).arg("site", north),
        )
        .await
        .unwrap();
    assert_eq!(
        app.store
            .family_record(m, w.a.family)
            .await
            .unwrap()
            .site_name
            .as_deref(),
        Some("北部保健センター")
    );
    let close = |site: i64, closed: bool| Form::new().arg("site", site).arg("closed", closed);
    let refused: Result<(), AppError> = app.send(&admin, "set_site_closed", &close(north, true)).await;
    assert_eq!(refused, Err(AppError::Conflict(Conflict::SiteHasFamilies)));
    let raw = app
        .call(
            &admin,
            "set_site_closed",
            &[("site", &north.to_string()), ("closed", "true")],
        )
        .await;
    assert_eq!(raw.status(), 409);
    // Closed (once empty), it takes no family and offers no slots.
    let _: () = app.send(&admin, "set_site_closed", &close(centre, true)).await.unwrap();
    let closed: Result<(), AppError> = app
        .send(
            &admin,
            "move_family",
            &Form::new().arg("family", family).arg("site", centre),
        )
        .await;
    assert_eq!(closed, Err(AppError::Conflict(Conflict::SiteClosed)));
    let slots: app::api::consultations::SlotsView = app.send(&nurse, "staff_slots", &Form::new()).await.unwrap();
    assert_eq!(slots.sites.iter().map(|s| s.id).collect::<Vec<_>>(), [north]);
    let published: Result<usize, AppError> = app
        .send(
            &nurse,
            "publish_slots",
            &Form::new()
                .input("site", centre)
                .input("date", tokyo_day(3))
                .input("time", "10:00")
                .input("minutes", "30")
                .input("mode", "at_site")
                .input("weeks", "1"),
        )
        .await;
    assert_eq!(published, Err(AppError::Conflict(Conflict::SiteClosed)));
    let moves = app
        .store
        .audit_of_subject(m, &format!("family:{family}"))
        .await
        .unwrap();
    assert!(moves.iter().any(|e| e.action == "move_family"), "the move is audited");
}

on_both!(
    strangers_and_parents_are_refused_every_staff_support_function_that_coordinators_may_use,
    a_coordinator_of_another_municipality_finds_none_of_its_records_and_changes_nothing,
    only_admins_manage_sites_and_the_booking_cutoff_and_never_another_municipalitys,
);
