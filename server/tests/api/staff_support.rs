//! The staff flow over HTTP: a pregnancy notification, the interview that flags a family and opens
//! its support plan, home visits with an EPDS, plan revisions, the audit log and the figures.

use crate::helpers::{Form, TestApp, client, world};
use crate::on_both;
use app::api::audit::AuditView;
use app::api::figures::FiguresView;
use app::api::support::SupportView;
use app::api::tasks::TaskList;
use app::api::visits::VisitOutcome;
use app::error::{AppError, Conflict};
use chrono::{Duration, NaiveDate, TimeZone};
use domain::ids::{AccountId, FamilyId};
use domain::input::Problem;
use domain::support::interview::{ChecklistTopic, InterviewKind};
use domain::support::plan::{PlanCategory, PlanStatus, PlanSubject};
use domain::support::risk::{FlagOrigin, RiskCategory};
use domain::support::task::TaskKind;
use domain::support::visit::VisitKind;
use serde_json::Value;

async fn support(app: &TestApp, staff: &reqwest::Client, family: FamilyId) -> SupportView {
    app.send(staff, "family_support", &Form::new().arg("family", family.0))
        .await
        .unwrap()
}

async fn tasks(app: &TestApp, staff: &reqwest::Client, scope: &str) -> TaskList {
    app.send(staff, "tasks", &Form::new().arg("scope", scope))
        .await
        .unwrap()
}

fn invalid_field<T: std::fmt::Debug>(r: Result<T, AppError>) -> (String, Problem) {
    match r {
        Err(AppError::Invalid(i)) => (i.field, i.problem),
        other => panic!("expected an invalid field, got {other:?}"),
    }
}

async fn a_notification_registers_the_family_and_a_risk_found_at_the_interview_opens_a_plan_to_review_in_a_week(
    app: TestApp,
) {
    let w = world(&app.store).await;
    let nurse = app.log_in(&w.a.coordinator).await;
    let nurse_id = app.staff_id(w.a.municipality, &w.a.coordinator).await;
    let today = tasks(&app, &nurse, "mine").await.today;
    let families = async || {
        app.store
            .caseload(
                w.a.municipality,
                &domain::caseload::CaseloadFilter::search(""),
                &domain::family::CaseloadPosition::First,
                today,
            )
            .await
            .unwrap()
            .total
    };
    assert_eq!(families().await, 2);

    let notification = |due: Option<NaiveDate>, lmp: Option<NaiveDate>| {
        let show = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
        Form::new()
            .input("family_name", "山田")
            .input("family_name_kana", "ヤマダ")
            .input("site", "") // as the browser sends "no site"
            .input("due_date", show(due))
            .input("lmp", show(lmp))
            .input("notified_on", today)
    };
    let early = app
        .send::<i64>(
            &nurse,
            "register_pregnancy",
            &notification(Some(today - Duration::days(1)), None),
        )
        .await;
    assert_eq!(invalid_field(early), ("due_date".into(), Problem::DateOutOfRange));
    let neither = app
        .send::<i64>(&nurse, "register_pregnancy", &notification(None, None))
        .await;
    assert_eq!(invalid_field(neither), ("due_date".into(), Problem::Required));
    assert_eq!(families().await, 2, "a refused notification makes no family");

    let lmp = today - Duration::days(56);
    let id: i64 = app
        .send(&nurse, "register_pregnancy", &notification(None, Some(lmp)))
        .await
        .unwrap();
    assert_eq!(families().await, 3);
    let family = FamilyId(id);
    let record = app.store.family_record(w.a.municipality, family).await.unwrap();
    assert_eq!(record.family_name, "山田");
    assert_eq!((record.site, record.pregnancies.len()), (None, 1));
    let pregnancy = &record.pregnancies[0];
    assert_eq!(pregnancy.due_date, lmp + Duration::days(280), "due = LMP + 280 days");
    assert_eq!(pregnancy.notified_on, Some(today));

    let interview = |reason: &str| {
        Form::new()
            .input("family", id)
            .input("member", format!("pregnancy:{}", pregnancy.id.0))
            .input("kind", "notification")
            .input("held_on", today)
            .input("home_support", "none")
            .input_list("checklist", ["mixed_feelings", "no_helper"])
            .input("worries", "頼れる人がいない")
            .input("benefit_form_handed", true)
            .input("risk", "specified_pregnancy")
            .input("risk_reason", reason)
    };
    let unexplained = app.send::<()>(&nurse, "record_interview", &interview("")).await;
    assert_eq!(invalid_field(unexplained), ("risk_reason".into(), Problem::Required));
    let nothing = support(&app, &nurse, family).await;
    assert!(nothing.interviews.is_empty() && nothing.flags.is_empty() && nothing.plans.is_empty());

    let r: Result<(), AppError> = app
        .send(&nurse, "record_interview", &interview("18歳、支援者がいない"))
        .await;
    assert_eq!(r, Ok(()));
    let view = support(&app, &nurse, family).await;
    assert_eq!(view.interviews.len(), 1);
    let done = &view.interviews[0];
    assert_eq!(done.kind, InterviewKind::Notification);
    assert_eq!(done.pregnancy, Some(pregnancy.id));
    assert_eq!(done.interviewer, nurse_id);
    assert_eq!(
        done.checklist,
        [ChecklistTopic::NoHelper, ChecklistTopic::MixedFeelings]
    );
    assert!(done.benefit_form_handed);
    assert_eq!(view.flags.len(), 1);
    let flag = &view.flags[0];
    assert_eq!(flag.category, RiskCategory::SpecifiedPregnancy);
    assert_eq!(flag.origin, FlagOrigin::Interview);
    assert_eq!(flag.reason, "18歳、支援者がいない");
    assert_eq!((flag.raised_on, flag.cleared_on), (today, None));
    assert_eq!(view.plans.len(), 1);
    let plan = &view.plans[0];
    assert_eq!(plan.status, PlanStatus::Active);
    assert_eq!(
        (plan.category, plan.subject),
        (PlanCategory::SpecifiedPregnancy, PlanSubject::Mother),
        "a 特定妊婦 flag opens the mother's plan"
    );
    assert_eq!(
        plan.period.review_on,
        today + Duration::days(7),
        "first review a week after the interview"
    );
    assert_eq!(plan.period.from, today);
    assert_eq!(plan.responsible, Some(nurse_id));
    assert_eq!(plan.revision, 1);

    // The review is on the coordinator's own list at once (and not on a colleague's).
    let mine = tasks(&app, &nurse, "mine").await;
    let review = mine
        .tasks
        .iter()
        .find(|t| t.family == family && t.kind == TaskKind::PlanReview)
        .unwrap_or_else(|| panic!("a plan review task in {:?}", mine.tasks));
    assert_eq!((review.due, review.assignee), (plan.period.review_on, Some(nurse_id)));
    let raw: Value = app
        .send(&nurse, "tasks", &Form::new().arg("scope", "mine"))
        .await
        .unwrap();
    assert!(
        raw["tasks"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["family"] == id && t["kind"] == serde_json::json!({"task": "plan_review"})),
        "{raw}"
    );
    let admin = app.log_in(&w.a.admin).await;
    let theirs = tasks(&app, &admin, "mine").await;
    assert!(
        !theirs.tasks.iter().any(|t| t.kind == TaskKind::PlanReview),
        "{:?}",
        theirs.tasks
    );
    let all = tasks(&app, &admin, "all").await;
    assert!(
        all.tasks
            .iter()
            .any(|t| t.family == family && t.kind == TaskKind::PlanReview)
    );

    // A second pregnancy of a family on file keeps its id.
    let again: i64 = app
        .send(
            &nurse,
            "register_pregnancy",
            &Form::new()
                .input("family", id)
                .input("due_date", today + Duration::days(250))
                .input("fetuses", 2)
                .input("notified_on", today),
        )
        .await
        .unwrap();
    assert_eq!(again, id);
    let record = app.store.family_record(w.a.municipality, family).await.unwrap();
    assert_eq!(record.pregnancies.len(), 2);
    assert_eq!(families().await, 3);
}

/// Printed option positions "1"–"4" of EPDS items 1–10.
fn epds(options: [&str; 10]) -> Form {
    Form::new().input_list("epds", options)
}

async fn a_visit_whose_epds_totals_nine_flags_the_mother_and_a_stale_plan_form_is_refused(app: TestApp) {
    let w = world(&app.store).await;
    let nurse = app.log_in(&w.a.coordinator).await;
    let nurse_id = app.staff_id(w.a.municipality, &w.a.coordinator).await;
    let today = tasks(&app, &nurse, "mine").await.today;
    let family = w.a.family;
    let record = app.store.family_record(w.a.municipality, family).await.unwrap();
    let member = format!("pregnancy:{}", record.pregnancies[0].id.0);
    let plan_visit = Form::new()
        .input("family", family.0)
        .input("kind", "follow_up")
        .input("member", &member)
        .input("due_by", today + Duration::days(7))
        .input("assigned_to", nurse_id.0)
        .input("scheduled_on", today + Duration::days(2));
    for _ in 0..2 {
        let r: Result<(), AppError> = app.send(&nurse, "plan_visit", &plan_visit).await;
        assert_eq!(r, Ok(()));
    }
    let view = support(&app, &nurse, family).await;
    assert_eq!(view.visits.len(), 2);
    assert!(view.visits.iter().all(|v| v.kind == VisitKind::FollowUp
        && v.is_open()
        && v.assigned_to == Some(nurse_id)
        && v.scheduled_on == Some(today + Duration::days(2))));
    let (first, second) = (view.visits[0].id, view.visits[1].id);
    let mine = tasks(&app, &nurse, "mine").await;
    let follow_ups = |list: &TaskList| {
        list.tasks
            .iter()
            .filter(|t| {
                t.family == family
                    && t.kind
                        == TaskKind::Visit {
                            visit: VisitKind::FollowUp,
                        }
            })
            .count()
    };
    assert_eq!(follow_ups(&mine), 2);

    let report = |visit: i64, options: [&str; 10]| {
        epds(options)
            .input("family", family.0)
            .input("visit", visit)
            .input("visited_on", today)
            .input("findings", "表情が硬い")
    };
    // A gap in the questionnaire is refused and the visit stays open.
    let gap = app
        .send::<VisitOutcome>(
            &nurse,
            "record_visit",
            &report(first, ["1", "1", "4", "1", "", "4", "4", "4", "4", "4"]),
        )
        .await;
    assert_eq!(invalid_field(gap), ("epds_5".into(), Problem::Required));
    assert!(support(&app, &nurse, family).await.visits[0].is_open());

    // Items 1, 2, 4 score the printed option 0–3; items 3 and 5–10 the other way round:
    // 1 + 1 + 1 + 1 + (1 × 4) + 0 + 0 = 8, below the cut-off.
    let eight: VisitOutcome = app
        .send(
            &nurse,
            "record_visit",
            &report(first, ["2", "2", "3", "2", "3", "3", "3", "3", "4", "4"]),
        )
        .await
        .unwrap();
    assert_eq!(
        eight,
        VisitOutcome {
            epds_total: Some(8),
            flagged: false
        }
    );
    assert!(support(&app, &nurse, family).await.flags.is_empty());
    let again = app
        .send::<VisitOutcome>(&nurse, "record_visit", &report(first, ["1"; 10]))
        .await;
    assert_eq!(again, Err(AppError::NotFound), "a visit is recorded once");

    // One more point on item 9: 9 flags the mother as needing support and opens a plan.
    let nine: VisitOutcome = app
        .send(
            &nurse,
            "record_visit",
            &report(second, ["2", "2", "3", "2", "3", "3", "3", "3", "3", "4"]),
        )
        .await
        .unwrap();
    assert_eq!(
        nine,
        VisitOutcome {
            epds_total: Some(9),
            flagged: true
        }
    );
    let view = support(&app, &nurse, family).await;
    assert!(view.visits.iter().all(|v| v.visited_on == Some(today)));
    assert_eq!(
        view.visits
            .iter()
            .map(|v| v.epds.map(|e| e.total()))
            .collect::<Vec<_>>(),
        [Some(8), Some(9)]
    );
    assert_eq!(
        follow_ups(&tasks(&app, &nurse, "mine").await),
        0,
        "recorded visits leave the list"
    );
    assert_eq!(view.flags.len(), 1);
    let flag = &view.flags[0];
    assert_eq!(
        (flag.category, flag.origin),
        (RiskCategory::NeedsSupport, FlagOrigin::Epds)
    );
    assert_eq!(flag.reason, "EPDS 9");
    assert_eq!(view.plans.len(), 1);
    let plan = view.plans[0].clone();
    assert_eq!((plan.revision, plan.period.review_on), (1, today + Duration::days(7)));
    assert_eq!(
        (plan.category, plan.subject),
        (PlanCategory::MaternalChildHealth, PlanSubject::Mother),
        "an EPDS flag opens a plan for the mother's health"
    );

    // Two coordinators open the plan at revision 1; the second to save is refused.
    let save = |revision: i64, goals: &str| {
        Form::new()
            .input("family", family.0)
            .input("plan", plan.id)
            .input("revision", revision)
            .input("status", "active")
            .input("goals", goals)
            .input("services", "養育支援訪問 月2回")
            .input("responsible", nurse_id.0)
            .input("institutions", "")
            .input("category", "maternal_child_health")
            .input("subject", "mother")
            .input("starts_on", today)
            .input("review_on", today + Duration::days(30))
            .input("ends_on", today + Duration::days(180))
    };
    let r: Result<(), AppError> = app.send(&nurse, "save_plan", &save(1, "睡眠を確保する")).await;
    assert_eq!(r, Ok(()));
    let admin = app.log_in(&w.a.admin).await;
    let stale: Result<(), AppError> = app.send(&admin, "save_plan", &save(1, "上書きしてしまう")).await;
    assert_eq!(stale, Err(AppError::Conflict(Conflict::PlanChanged)));
    let second_plan: Result<(), AppError> = app
        .send(
            &admin,
            "save_plan",
            &Form::new()
                .input("family", family.0)
                .input("category", "maternal_child_health")
                .input("subject", "mother")
                .input("starts_on", today)
                .input("review_on", today + Duration::days(30))
                .input("ends_on", today + Duration::days(180)),
        )
        .await;
    assert_eq!(
        second_plan,
        Err(AppError::Conflict(Conflict::PlanExists)),
        "one open plan per category and person"
    );
    let view = support(&app, &nurse, family).await;
    assert_eq!(view.plans.len(), 1);
    let saved = &view.plans[0];
    assert_eq!((saved.revision, saved.goals.as_str()), (2, "睡眠を確保する"));
    assert_eq!(saved.period.review_on, today + Duration::days(30));
    assert_eq!(saved.history.iter().map(|h| h.revision).collect::<Vec<_>>(), [2, 1]);

    // The flag is cleared with a reason, once.
    let clear = Form::new()
        .arg("family", family.0)
        .arg("flag", flag.id)
        .arg("reason", "再検査で7点");
    let r: Result<(), AppError> = app.send(&nurse, "clear_flag", &clear).await;
    assert_eq!(r, Ok(()));
    let r: Result<(), AppError> = app.send(&nurse, "clear_flag", &clear).await;
    assert_eq!(r, Err(AppError::NotFound), "a cleared flag is not cleared again");
    let view = support(&app, &nurse, family).await;
    assert_eq!(view.flags[0].cleared_on, Some(today));
    assert_eq!(view.flags[0].clear_reason.as_deref(), Some("再検査で7点"));
}

async fn a_coordinator_writes_plans_for_a_child_and_the_mother_and_records_the_case_meeting_that_reviewed_one(
    app: TestApp,
) {
    let w = world(&app.store).await;
    let (m, family) = (w.a.municipality, w.a.family);
    let nurse = app.log_in(&w.a.coordinator).await;
    let today = tasks(&app, &nurse, "mine").await.today;
    let name = domain::people::PersonName::parse("n", "鈴木 葵").unwrap();
    let kana = domain::people::Kana::parse("k", "スズキ アオイ").unwrap();
    let aoi = app
        .store
        .add_child(
            m,
            family,
            &store::families::NewChild {
                pregnancy: None,
                name: &name,
                name_kana: &kana,
                birth_date: today - Duration::days(400),
                sex: domain::people::Sex::Female,
            },
            chrono::Utc::now(),
        )
        .await
        .unwrap();
    let plan = |category: &str, subject: &str| {
        Form::new()
            .input("family", family.0)
            .input("category", category)
            .input("subject", subject)
            .input("starts_on", today)
            .input("review_on", today + Duration::days(10))
            .input("ends_on", today + Duration::days(180))
            .input("goals", "保育所の利用につなぐ")
            .input("services", "養育支援訪問 月2回")
            .input("institutions", "中央児童相談所")
    };
    let childs = format!("child:{}", aoi.0);

    // Refusals name the field, in the user's words, and write nothing.
    let refused = |form: Form| {
        let (app, nurse) = (&app, &nurse);
        async move { invalid_field(app.send::<()>(nurse, "save_plan", &form).await) }
    };
    assert_eq!(
        refused(plan("specified_pregnancy", &childs)).await,
        ("subject".into(), Problem::NotForCategory),
        "a 特定妊婦 plan is the mother's"
    );
    assert_eq!(
        refused(plan("child_needing_support", "mother")).await,
        ("subject".into(), Problem::NotForCategory)
    );
    assert_eq!(
        refused(plan("child_needing_support", &childs).replace_input("review_on", today + Duration::days(181))).await,
        ("review_on".into(), Problem::DateOutOfRange),
        "the review falls within the period"
    );
    assert_eq!(
        refused(plan("child_needing_support", &childs).replace_input("ends_on", today - Duration::days(1))).await,
        ("ends_on".into(), Problem::DateOutOfRange)
    );
    assert_eq!(
        refused(plan("child_needing_support", &childs).input("shared_on", today)).await,
        ("shared_how".into(), Problem::Required),
        "a sharing date needs its way"
    );
    assert_eq!(
        refused(
            plan("child_needing_support", &childs)
                .input("shared_on", today + Duration::days(1))
                .input("shared_how", "document")
        )
        .await,
        ("shared_on".into(), Problem::DateOutOfRange)
    );
    assert_eq!(
        refused(plan("household_support", "household")).await,
        ("category".into(), Problem::Malformed)
    );
    let someone_elses: Result<(), AppError> = app
        .send(
            &nurse,
            "save_plan",
            &plan("child_needing_support", "household").replace_input("family", w.b.family.0),
        )
        .await;
    assert_eq!(someone_elses, Err(AppError::NotFound), "another municipality's family");
    assert!(support(&app, &nurse, family).await.plans.is_empty());

    // Two plans for two people stay open side by side.
    let r: Result<(), AppError> = app
        .send(
            &nurse,
            "save_plan",
            &plan("child_needing_support", &childs)
                .input("shared_on", today)
                .input("shared_how", "document")
                .input("sharing_note", "母は同意。父には来週説明する"),
        )
        .await;
    assert_eq!(r, Ok(()));
    let r: Result<(), AppError> = app
        .send(
            &nurse,
            "save_plan",
            &plan("maternal_child_health", "mother").replace_input("review_on", today + Duration::days(20)),
        )
        .await;
    assert_eq!(r, Ok(()));
    let again: Result<(), AppError> = app
        .send(&nurse, "save_plan", &plan("child_needing_support", &childs))
        .await;
    assert_eq!(again, Err(AppError::Conflict(Conflict::PlanExists)));
    let view = support(&app, &nurse, family).await;
    assert_eq!(
        view.plans
            .iter()
            .map(|p| (p.category, p.subject, p.period.review_on))
            .collect::<Vec<_>>(),
        [
            (
                PlanCategory::MaternalChildHealth,
                PlanSubject::Mother,
                today + Duration::days(20)
            ),
            (
                PlanCategory::ChildNeedingSupport,
                PlanSubject::Child(aoi),
                today + Duration::days(10)
            ),
        ]
    );
    let childs_plan = view.plans[1].clone();
    assert_eq!(
        (
            childs_plan.shared.map(|s| (s.on, s.how)),
            childs_plan.sharing_note.as_str()
        ),
        (
            Some((today, domain::support::plan::SharingMethod::Document)),
            "母は同意。父には来週説明する"
        )
    );
    let reviews = |list: &TaskList| {
        let mut due: Vec<_> = list
            .tasks
            .iter()
            .filter(|t| t.family == family && t.kind == TaskKind::PlanReview)
            .map(|t| t.due)
            .collect();
        due.sort();
        due
    };
    assert_eq!(
        reviews(&tasks(&app, &nurse, "all").await),
        [today + Duration::days(10)],
        "a review shows two weeks ahead; the mother's is further off"
    );

    // The 合同ケース会議 that reviewed the child's plan moves its review.
    let meeting = |held_on: NaiveDate| {
        Form::new()
            .input("family", family.0)
            .input("plan", childs_plan.id)
            .input("held_on", held_on)
            .input("purpose", "reviewed")
            .arg("input[participants][0][role]", "保健師")
            .arg("input[participants][0][institution]", "こども家庭センター")
            .arg("input[participants][1][role]", "")
            .arg("input[participants][1][institution]", "")
            .arg("input[participants][2][role]", "児童福祉司")
            .arg("input[participants][2][institution]", "中央児童相談所")
            .input("decisions", "訪問を月1回に減らす")
            .input("next_review_on", today + Duration::days(60))
    };
    let refused_meeting = |form: Form| {
        let (app, nurse) = (&app, &nurse);
        async move { invalid_field(app.send::<()>(nurse, "record_case_meeting", &form).await) }
    };
    assert_eq!(
        refused_meeting(meeting(today + Duration::days(1))).await,
        ("held_on".into(), Problem::DateOutOfRange),
        "a meeting is recorded once held"
    );
    assert_eq!(
        refused_meeting(
            meeting(today)
                .replace_arg("input[participants][0][role]", "")
                .replace_arg("input[participants][2][role]", "")
        )
        .await,
        ("participants".into(), Problem::Required),
        "a participant row without its role"
    );
    assert_eq!(
        refused_meeting(meeting(today).replace_input("next_review_on", today + Duration::days(181))).await,
        ("next_review_on".into(), Problem::DateOutOfRange),
        "the next review stays within the plan's period"
    );
    assert_eq!(
        refused_meeting(meeting(today).replace_input("decisions", " ")).await,
        ("decisions".into(), Problem::Required)
    );
    let foreign: Result<(), AppError> = app
        .send(
            &nurse,
            "record_case_meeting",
            &meeting(today).replace_input("family", w.a.neighbour.0),
        )
        .await;
    assert_eq!(foreign, Err(AppError::NotFound), "the plan of another family");
    let r: Result<(), AppError> = app
        .send(&nurse, "record_case_meeting", &meeting(today - Duration::days(1)))
        .await;
    assert_eq!(r, Ok(()));

    let view = support(&app, &nurse, family).await;
    let reviewed = view.plans.iter().find(|p| p.id == childs_plan.id).unwrap();
    assert_eq!(reviewed.meetings.len(), 1);
    let held = &reviewed.meetings[0];
    assert_eq!(
        (held.held_on, held.purpose, held.decisions.as_str()),
        (
            today - Duration::days(1),
            domain::support::plan::MeetingPurpose::Reviewed,
            "訪問を月1回に減らす"
        )
    );
    assert_eq!(
        held.participants
            .iter()
            .map(|p| (p.role.as_str(), p.institution.as_str()))
            .collect::<Vec<_>>(),
        [("保健師", "こども家庭センター"), ("児童福祉司", "中央児童相談所")],
        "the blank row is left out"
    );
    assert_eq!(
        (reviewed.period.review_on, reviewed.revision, reviewed.history.len()),
        (today + Duration::days(60), 2, 2)
    );
    assert!(
        reviews(&tasks(&app, &nurse, "all").await).is_empty(),
        "the reviewed plan leaves the list until its next review comes near"
    );

    // Every save and meeting is in the audit log under the family.
    let subject = format!("family:{}", family.0);
    let actions: Vec<String> = app
        .store
        .audit_of_subject(m, &subject)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(actions.iter().filter(|a| *a == "save_plan").count(), 2, "{actions:?}");
    assert_eq!(
        actions.iter().filter(|a| *a == "record_case_meeting").count(),
        1,
        "{actions:?}"
    );

    // The figures count this month's plans by category, begun and open.
    let figures: FiguresView = app.send(&nurse, "figures", &Form::new()).await.unwrap();
    let this_month = figures.figures.iter().rev().find(|f| f.site.is_none()).unwrap();
    assert_eq!(this_month.plans_started.child_needing_support, 1);
    assert_eq!(this_month.plans_started.maternal_child_health, 1);
    assert_eq!(this_month.plans_open.of(PlanCategory::ChildRequiringProtection), 0);
}

async fn an_admin_reads_in_the_audit_log_who_opened_a_familys_support_record(app: TestApp) {
    let w = world(&app.store).await;
    let nurse = app.log_in(&w.a.coordinator).await;
    let nurse_id = app.staff_id(w.a.municipality, &w.a.coordinator).await;
    let admin_id = app.staff_id(w.a.municipality, &w.a.admin).await;
    let _ = support(&app, &nurse, w.a.family).await;
    let subject = format!("family:{}", w.a.family.0);

    let admin = app.log_in(&w.a.admin).await;
    let by_family: AuditView = app
        .send(&admin, "audit_log", &Form::new().arg("family", w.a.family.0))
        .await
        .unwrap();
    let read = by_family
        .lines
        .iter()
        .find(|l| l.action == "read_support")
        .unwrap_or_else(|| panic!("a read_support line in {:?}", by_family.lines));
    assert_eq!(AccountId(read.actor), nurse_id);
    assert_eq!(read.actor_name, "職員");
    assert_eq!(read.subject, subject);
    assert_eq!(read.address.as_deref(), Some("127.0.0.1"));
    assert!(
        chrono::NaiveDateTime::parse_from_str(&read.at, "%Y-%m-%d %H:%M:%S").is_ok(),
        "{}",
        read.at
    );
    assert!(by_family.colleagues.iter().any(|c| AccountId(c.id) == nurse_id));

    let by_staff: AuditView = app
        .send(&admin, "audit_log", &Form::new().arg("staff", nurse_id.0))
        .await
        .unwrap();
    assert!(
        by_staff
            .lines
            .iter()
            .any(|l| l.action == "read_support" && l.subject == subject),
        "{:?}",
        by_staff.lines
    );
    assert!(by_staff.lines.iter().all(|l| AccountId(l.actor) == nurse_id));
    let neither: AuditView = app.send(&admin, "audit_log", &Form::new()).await.unwrap();
    assert!(neither.lines.is_empty());

    // Reading the log is itself logged, under the admin.
    let own: AuditView = app
        .send(&admin, "audit_log", &Form::new().arg("staff", admin_id.0))
        .await
        .unwrap();
    assert!(
        own.lines
            .iter()
            .any(|l| l.action == "read_audit" && l.subject == subject)
    );

    for form in [
        Form::new().arg("family", w.a.family.0),
        Form::new().arg("staff", nurse_id.0),
    ] {
        let r: Result<AuditView, AppError> = app.send(&nurse, "audit_log", &form).await;
        assert_eq!(r, Err(AppError::Forbidden));
    }
}

async fn figures_cover_twelve_months_for_the_town_and_each_site_and_staff_can_export_them(app: TestApp) {
    let w = world(&app.store).await;
    let now = chrono::Utc::now();
    let north = app.store.create_site(w.a.municipality, "北部拠点", now).await.unwrap();
    let south = app.store.create_site(w.a.municipality, "南部拠点", now).await.unwrap();
    let elsewhere = app.store.create_site(w.b.municipality, "B拠点", now).await.unwrap();
    let nurse = app.log_in(&w.a.coordinator).await;
    let sites: Value = app.send(&nurse, "sites", &Form::new()).await.unwrap();
    assert_eq!(
        sites,
        serde_json::json!([
            {"id": north.0, "name": "北部拠点", "kind": "integrated", "closed": false},
            {"id": south.0, "name": "南部拠点", "kind": "integrated", "closed": false}
        ])
    );

    let today = tasks(&app, &nurse, "mine").await.today;
    let _: i64 = app
        .send(
            &nurse,
            "register_pregnancy",
            &Form::new()
                .input("family_name", "北村")
                .input("family_name_kana", "キタムラ")
                .input("site", north.0)
                .input("due_date", today + Duration::days(250))
                .input("notified_on", today),
        )
        .await
        .unwrap();

    let view: FiguresView = app.send(&nurse, "figures", &Form::new()).await.unwrap();
    assert_eq!(view.figures.len(), 12 * 3, "12 months × (the town + 2 sites)");
    assert_eq!(view.sites.len(), 2);
    for month in view.figures.chunks(3) {
        assert_eq!(
            month.iter().map(|f| f.site).collect::<Vec<_>>(),
            [None, Some(north), Some(south)]
        );
        assert!(month.iter().all(|f| f.month == month[0].month));
    }
    let this_month = &view.figures[33..];
    assert_eq!(this_month[0].month, domain::support::figures::Month::of(today));
    assert_eq!(this_month[1].notifications, 1, "the notification at the north site");
    assert_eq!(this_month[2].notifications, 0);
    assert!(this_month[0].notifications >= 1, "and in the town's total");
    let nurse_b = app.log_in(&w.b.coordinator).await;
    let b_view: FiguresView = app.send(&nurse_b, "figures", &Form::new()).await.unwrap();
    assert_eq!(b_view.figures.len(), 12 * 2);

    let csv = |who: &reqwest::Client, query: &str| who.get(format!("{}/staff/figures.csv{query}", app.address)).send();
    let response = csv(&nurse, "").await.unwrap();
    assert_eq!(response.status(), 200);
    let content_type = response.headers()["content-type"].to_str().unwrap().to_owned();
    assert!(content_type.starts_with("text/csv"), "{content_type}");
    let body = response.text().await.unwrap();
    let body = body.trim_start_matches('\u{feff}');
    let lines: Vec<&str> = body.lines().collect();
    assert!(lines[0].starts_with("month,site,notifications"), "{}", lines[0]);
    assert_eq!(lines.len(), 1 + 36, "{body}");
    assert!(lines[1..].iter().any(|l| l.split(',').nth(1) == Some("北部拠点")));

    let north_only = csv(&nurse, &format!("?site={}", north.0)).await.unwrap();
    assert_eq!(north_only.status(), 200);
    let body = north_only.text().await.unwrap();
    let rows: Vec<&str> = body.trim_start_matches('\u{feff}').lines().skip(1).collect();
    assert_eq!(rows.len(), 12);
    assert!(rows.iter().all(|l| l.split(',').nth(1) == Some("北部拠点")), "{body}");
    let last = rows[11].split(',').collect::<Vec<_>>();
    assert_eq!((last[0], last[2]), (today.format("%Y-%m").to_string().as_str(), "1"));

    let foreign = csv(&nurse, &format!("?site={}", elsewhere.0)).await.unwrap();
    assert_eq!(foreign.status(), 404, "another municipality's site");
    let signed_out = csv(&client(), "").await.unwrap();
    assert!(
        [302, 303, 307].contains(&signed_out.status().as_u16()),
        "{}",
        signed_out.status()
    );
    assert_eq!(signed_out.headers()["location"], "/login");
    let parent = app.log_in(&w.a.parent).await;
    assert_eq!(csv(&parent, "").await.unwrap().status(), 403);

    let nurse_id = app.staff_id(w.a.municipality, &w.a.coordinator).await;
    let log = app.store.audit_of_actor(w.a.municipality, nurse_id).await.unwrap();
    assert_eq!(log.iter().filter(|e| e.action == "export_figures").count(), 2);
    assert!(log.iter().any(|e| e.action == "read_figures"));
}

/// 妊婦のための支援給付 over HTTP: the family page shows each claim's period; staff record a claim
/// received within it (not before it opens, not after today); a parent and another municipality's
/// staff cannot; the claim leaves the task list it would have made near its deadline.
async fn a_loss_before_any_notification_is_recorded_with_its_heartbeat_and_both_claims_stay_open(app: TestApp) {
    use domain::family::PregnancyOutcome;
    use domain::support::benefit::ClaimState;
    let w = world(&app.store).await;
    let nurse = app.log_in(&w.a.coordinator).await;
    let today = support(&app, &nurse, w.a.family).await.today;
    let (heartbeat, lost) = (today - Duration::days(60), today - Duration::days(20));
    let ended = |notified: Option<NaiveDate>, heartbeat: Option<NaiveDate>, lost: Option<NaiveDate>| {
        let show = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
        Form::new()
            .input("family", w.a.neighbour.0)
            .input("due_date", today + Duration::days(150))
            .input("notified_on", show(notified))
            .input("heartbeat_on", show(heartbeat))
            .input("lost_on", show(lost))
    };
    let notifications = async || {
        let figures: FiguresView = app.send(&nurse, "figures", &Form::new()).await.unwrap();
        figures
            .figures
            .iter()
            .filter(|f| f.site.is_none())
            .map(|f| f.notifications)
            .sum::<u32>()
    };
    let before = notifications().await;

    for (form, refused, why) in [
        (
            ended(None, Some(heartbeat), None),
            ("notified_on", Problem::Required),
            "neither a notification nor a loss",
        ),
        (
            ended(None, None, Some(lost)),
            ("heartbeat_on", Problem::Required),
            "the heartbeat opens the first claim",
        ),
        (
            ended(None, Some(heartbeat), Some(today + Duration::days(1))),
            ("lost_on", Problem::DateOutOfRange),
            "a loss in the future",
        ),
        (
            ended(None, Some(lost), Some(heartbeat)),
            ("lost_on", Problem::DateOutOfRange),
            "a loss before the heartbeat",
        ),
    ] {
        let r = app.send::<i64>(&nurse, "register_pregnancy", &form).await;
        assert_eq!(invalid_field(r), (refused.0.to_owned(), refused.1), "{why}");
    }
    let record = app.store.family_record(w.a.municipality, w.a.neighbour).await.unwrap();
    assert_eq!(record.pregnancies.len(), 1, "refused forms stored nothing");

    let r = app
        .send::<i64>(&nurse, "register_pregnancy", &ended(None, Some(heartbeat), Some(lost)))
        .await;
    assert_eq!(r, Ok(w.a.neighbour.0));
    let record = app.store.family_record(w.a.municipality, w.a.neighbour).await.unwrap();
    let p = record
        .pregnancies
        .iter()
        .find(|p| p.notified_on.is_none())
        .expect("the pregnancy recorded without a notification");
    assert_eq!(
        (p.outcome, p.ended_on, p.heartbeat_on),
        (PregnancyOutcome::Lost, Some(lost), Some(heartbeat))
    );

    // Both claims stay open: the first from the heartbeat, the second from the loss.
    let view = support(&app, &nurse, w.a.neighbour).await;
    let claims = view.claims.iter().find(|c| c.pregnancy == p.id).expect("its claims");
    let [first, second] = claims.windows;
    assert_eq!((first.from, second.from), (heartbeat, lost));
    assert_eq!(
        (first.state(today), second.state(today)),
        (ClaimState::Claimable, ClaimState::Claimable)
    );
    let r = app
        .send::<()>(
            &nurse,
            "record_benefit_claim",
            &Form::new()
                .arg("family", w.a.neighbour.0)
                .arg("pregnancy", p.id.0)
                .arg("claim", "second")
                .arg("received_on", today),
        )
        .await;
    assert_eq!(r, Ok(()), "the second claim is received after the loss");

    assert_eq!(notifications().await, before, "no notification was counted");
    let log = app
        .store
        .audit_of_subject(w.a.municipality, &format!("family:{}", w.a.neighbour.0))
        .await
        .unwrap();
    assert!(log.iter().any(|e| e.action == "register_ended_pregnancy"), "{log:?}");
}

async fn staff_record_the_benefit_claims_a_pregnancy_can_make_within_their_periods(app: TestApp) {
    use domain::support::benefit::{BenefitClaim, ClaimState};
    let w = world(&app.store).await;
    let nurse = app.log_in(&w.a.coordinator).await;
    let view = support(&app, &nurse, w.a.family).await;
    let today = view.today;
    // The world's pregnancy: notified 2026-10-01, due 2027-05-01 (32w0d = 2027-03-06).
    let [first, second] = view.claims[0].windows;
    let pregnancy = view.claims[0].pregnancy;
    assert_eq!((first.from, first.until), (date("2026-10-01"), date("2028-10-01")));
    assert_eq!((second.from, second.until), (date("2027-03-06"), date("2029-03-06")));
    assert_eq!(first.received_on, None);

    let claim = |which: &str, on: NaiveDate| {
        Form::new()
            .arg("family", w.a.family.0)
            .arg("pregnancy", pregnancy.0)
            .arg("claim", which)
            .arg("received_on", on)
    };
    // Before the second claim opens, or after today: refused, and nothing is stored.
    for (which, on) in [
        ("second", date("2027-03-05").min(today)),
        ("first", today + Duration::days(1)),
    ] {
        let r = app.send::<()>(&nurse, "record_benefit_claim", &claim(which, on)).await;
        assert_eq!(
            invalid_field(r),
            ("received_on".into(), Problem::DateOutOfRange),
            "{which} on {on}"
        );
    }
    let unknown = app
        .send::<()>(&nurse, "record_benefit_claim", &claim("third", today))
        .await;
    assert_eq!(invalid_field(unknown), ("claim".into(), Problem::Malformed));
    assert!(
        app.store
            .benefit_claims(w.a.municipality, w.a.family)
            .await
            .unwrap()
            .is_empty()
    );

    // A parent cannot record a claim; another municipality's staff find no such family.
    let parent = app.log_in(&w.a.parent).await;
    let r = app
        .send::<()>(&parent, "record_benefit_claim", &claim("first", today))
        .await;
    assert_eq!(r, Err(AppError::Forbidden));
    let stranger = app.log_in(&w.b.coordinator).await;
    let r = app
        .send::<()>(&stranger, "record_benefit_claim", &claim("first", today))
        .await;
    assert_eq!(r, Err(AppError::NotFound));

    let r = app
        .send::<()>(&nurse, "record_benefit_claim", &claim("first", today))
        .await;
    assert_eq!(r, Ok(()));
    let view = support(&app, &nurse, w.a.family).await;
    let [first, second] = view.claims[0].windows;
    assert_eq!(first.received_on, Some(today));
    assert_eq!(first.state(today), ClaimState::Received);
    assert_eq!(second.received_on, None);
    let log = app
        .store
        .audit_of_subject(w.a.municipality, &format!("family:{}", w.a.family.0))
        .await
        .unwrap();
    assert!(log.iter().any(|e| e.action == "record_benefit_claim"));

    // Near the deadlines the kept task list shows only the claim not received.
    let town = app.store.municipality(w.a.municipality).await.unwrap();
    let later = |on: &str| {
        let on = date(on);
        chrono_tz::Asia::Tokyo
            .from_local_datetime(&on.and_hms_opt(12, 0, 0).unwrap())
            .unwrap()
            .with_timezone(&chrono::Utc)
    };
    app::api::tasks::load::refresh_stale(&app.store, &town, later("2028-09-01"))
        .await
        .unwrap();
    let claims_on = async |on: &str| -> Vec<BenefitClaim> {
        app.store
            .kept_task_page(w.a.municipality, domain::support::task::Scope::All, date(on), 0, 500)
            .await
            .unwrap()
            .tasks
            .into_iter()
            .filter(|t| t.family == w.a.family)
            .filter_map(|t| match t.kind {
                TaskKind::BenefitClaim { claim } => Some(claim),
                _ => None,
            })
            .collect()
    };
    assert_eq!(claims_on("2028-09-01").await, []);
    assert_eq!(claims_on("2029-01-04").await, []);
    assert_eq!(claims_on("2029-01-05").await, [BenefitClaim::Second]);
    assert_eq!(claims_on("2029-03-06").await, [BenefitClaim::Second]);
    assert_eq!(claims_on("2029-03-07").await, []);

    // A notification with the heartbeat's date: the first claim's two years count from it; a
    // heartbeat after the notification is refused.
    let notification = |heartbeat: NaiveDate| {
        Form::new()
            .input("family", w.a.neighbour.0)
            .input("due_date", today + Duration::days(200))
            .input("notified_on", today)
            .input("heartbeat_on", heartbeat)
    };
    let r = app
        .send::<i64>(&nurse, "register_pregnancy", &notification(today + Duration::days(1)))
        .await;
    assert_eq!(invalid_field(r), ("heartbeat_on".into(), Problem::DateOutOfRange));
    let before = support(&app, &nurse, w.a.neighbour).await.claims.len();
    let heartbeat = today - Duration::days(12);
    let r = app
        .send::<i64>(&nurse, "register_pregnancy", &notification(heartbeat))
        .await;
    assert_eq!(r, Ok(w.a.neighbour.0));
    let view = support(&app, &nurse, w.a.neighbour).await;
    assert_eq!(view.claims.len(), before + 1);
    assert!(
        view.claims.iter().any(|c| c.windows[0].from == heartbeat),
        "{:?}",
        view.claims
    );
}

async fn a_referral_left_unanswered_past_its_day_becomes_a_task_for_whoever_made_it(app: TestApp) {
    let w = world(&app.store).await;
    let m = w.a.municipality;
    let nurse = app.log_in(&w.a.coordinator).await;
    let nurse_id = app.staff_id(m, &w.a.coordinator).await;
    let today = tasks(&app, &nurse, "mine").await.today;
    let _: () = app
        .send(
            &nurse,
            "add_institution",
            &Form::new().input("kind", "hospital").input("name", "こども病院"),
        )
        .await
        .unwrap();
    let institution: Vec<domain::support::network::Institution> =
        app.send(&nurse, "institutions", &Form::new()).await.unwrap();
    let institution = institution[0].id;
    let refer = |due_back_on: String| {
        Form::new()
            .input("family", w.a.family.0)
            .input("institution", institution)
            .input("reason", "発達の精密検査")
            .input("due_back_on", due_back_on)
    };

    // A due-back day before the referral, or a year and more after it, is refused in words.
    for wrong in [today - Duration::days(1), today + Duration::days(400)] {
        let refused = app.send::<()>(&nurse, "refer", &refer(wrong.to_string())).await;
        assert_eq!(invalid_field(refused), ("due_back_on".into(), Problem::DateOutOfRange));
    }
    let _: () = app.send(&nurse, "refer", &refer(today.to_string())).await.unwrap();
    let view = support(&app, &nurse, w.a.family).await;
    assert_eq!(view.referrals.len(), 1);
    assert_eq!(view.referrals[0].due_back_on, Some(today));
    let referral_tasks = |list: &TaskList| -> Vec<i64> {
        list.tasks
            .iter()
            .filter_map(|t| match t.kind {
                TaskKind::ReferralDueBack { referral } => Some(referral),
                _ => None,
            })
            .collect()
    };
    // Due back today: not late yet.
    assert!(referral_tasks(&tasks(&app, &nurse, "mine").await).is_empty());

    // One made three weeks ago, expected back a week ago, still waiting.
    let late = app
        .store
        .refer(
            m,
            w.a.family,
            &store::network::NewReferral {
                institution,
                reason: "産後うつの受診調整",
                status: domain::support::network::ReferralStatus::Referred,
                referred_on: today - Duration::days(21),
                due_back_on: Some(today - Duration::days(7)),
                by: nurse_id,
            },
            chrono::Utc::now(),
        )
        .await
        .unwrap();
    let mine = tasks(&app, &nurse, "mine").await;
    assert_eq!(referral_tasks(&mine), [late]);
    let task = mine
        .tasks
        .iter()
        .find(|t| matches!(t.kind, TaskKind::ReferralDueBack { .. }))
        .unwrap();
    assert_eq!(
        (task.family, task.due, task.assignee),
        (w.a.family, today - Duration::days(7), Some(nurse_id))
    );
    assert!(task.is_late(today));
    assert_eq!(referral_tasks(&tasks(&app, &nurse, "all").await), [late]);
    let view = support(&app, &nurse, w.a.family).await;
    assert!(view.referrals.iter().any(|r| r.id == late && r.is_overdue(today)));

    // The hospital answers: the task is done.
    let _: () = app
        .send(
            &nurse,
            "update_referral",
            &Form::new()
                .input("family", w.a.family.0)
                .input("referral", late)
                .input("status", "accepted")
                .input("outcome", "12月10日に受診予約"),
        )
        .await
        .unwrap();
    assert!(referral_tasks(&tasks(&app, &nurse, "all").await).is_empty());
}

async fn the_eight_month_contact_and_the_postnatal_interview_complete_their_items_and_are_refused_for_the_wrong_person(
    app: TestApp,
) {
    let w = world(&app.store).await;
    let m = w.a.municipality;
    let nurse = app.log_in(&w.a.coordinator).await;
    let today = tasks(&app, &nurse, "mine").await.today;
    // A mother at 30 weeks: due in ten weeks, notified in her 10th week.
    let name = domain::people::PersonName::parse("n", "高橋").unwrap();
    let kana = domain::people::Kana::parse("k", "タカハシ").unwrap();
    let family = app
        .store
        .create_family(
            m,
            &store::families::NewFamily {
                site: None,
                family_name: &name,
                family_name_kana: &kana,
            },
            chrono::Utc::now(),
        )
        .await
        .unwrap();
    let pregnancy = app
        .store
        .add_pregnancy(
            m,
            family,
            &store::families::NewPregnancy {
                due_date: today + Duration::days(70),
                notified_on: Some(today - Duration::days(140)),
                lost_on: None,
                heartbeat_on: None,
                fetuses: 1,
            },
            chrono::Utc::now(),
        )
        .await
        .unwrap();
    let interview_tasks = async |kind: InterviewKind| -> usize {
        tasks(&app, &nurse, "all")
            .await
            .tasks
            .iter()
            .filter(|t| t.family == family && t.kind == TaskKind::Interview { interview: kind })
            .count()
    };
    assert_eq!(
        interview_tasks(InterviewKind::EightMonth).await,
        1,
        "the eight-month contact is due"
    );
    let contact = |member: String, kind: &str| {
        Form::new()
            .input("family", family.0)
            .input("member", member)
            .input("kind", kind)
            .input("held_on", today)
            .input("home_support", "some")
            .input("questionnaire_returned", true)
            .input("interview_requested", true)
    };
    let as_pregnancy = format!("pregnancy:{}", pregnancy.0);

    // The postnatal interview is a child's, not a pregnancy's.
    let wrong = app
        .send::<()>(&nurse, "record_interview", &contact(as_pregnancy.clone(), "postnatal"))
        .await;
    assert_eq!(invalid_field(wrong), ("member".into(), Problem::NotForMember));
    let _: () = app
        .send(
            &nurse,
            "record_interview",
            &contact(as_pregnancy.clone(), "eight_month"),
        )
        .await
        .unwrap();
    let view = support(&app, &nurse, family).await;
    let eight = view
        .interviews
        .iter()
        .find(|i| i.kind == InterviewKind::EightMonth)
        .expect("the eight-month contact on record");
    assert_eq!((eight.pregnancy, eight.held_on), (Some(pregnancy), today));
    assert!(eight.questionnaire_returned && eight.interview_requested);
    assert_eq!(interview_tasks(InterviewKind::EightMonth).await, 0, "done");

    // Born today: the postnatal interview becomes the child's task.
    let _: () = app
        .send(
            &nurse,
            "record_birth",
            &Form::new()
                .arg("family", family.0)
                .arg("pregnancy", pregnancy.0)
                .arg("name", "高橋 蓮")
                .arg("name_kana", "タカハシ レン")
                .arg("birth_date", today)
                .arg("sex", "male"),
        )
        .await
        .unwrap();
    let child = app.store.family_record(m, family).await.unwrap().children[0].id;
    assert_eq!(
        interview_tasks(InterviewKind::Postnatal).await,
        1,
        "the postnatal interview is due"
    );
    let as_child = format!("child:{}", child.0);
    let wrong = app
        .send::<()>(&nurse, "record_interview", &contact(as_child.clone(), "eight_month"))
        .await;
    assert_eq!(invalid_field(wrong), ("member".into(), Problem::NotForMember));
    let _: () = app
        .send(&nurse, "record_interview", &contact(as_child, "postnatal"))
        .await
        .unwrap();
    let view = support(&app, &nurse, family).await;
    let postnatal = view
        .interviews
        .iter()
        .find(|i| i.kind == InterviewKind::Postnatal)
        .expect("the postnatal interview on record");
    assert_eq!(postnatal.child, Some(child));
    assert_eq!(interview_tasks(InterviewKind::Postnatal).await, 0, "done");
}

fn date(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

on_both!(
    a_notification_registers_the_family_and_a_risk_found_at_the_interview_opens_a_plan_to_review_in_a_week,
    a_visit_whose_epds_totals_nine_flags_the_mother_and_a_stale_plan_form_is_refused,
    a_coordinator_writes_plans_for_a_child_and_the_mother_and_records_the_case_meeting_that_reviewed_one,
    an_admin_reads_in_the_audit_log_who_opened_a_familys_support_record,
    figures_cover_twelve_months_for_the_town_and_each_site_and_staff_can_export_them,
    staff_record_the_benefit_claims_a_pregnancy_can_make_within_their_periods,
    a_loss_before_any_notification_is_recorded_with_its_heartbeat_and_both_claims_stay_open,
    a_referral_left_unanswered_past_its_day_becomes_a_task_for_whoever_made_it,
    the_eight_month_contact_and_the_postnatal_interview_complete_their_items_and_are_refused_for_the_wrong_person,
);
