//! Every server function checks who asks and which municipality the record belongs to.

use crate::helpers::{TestApp, client, world};
use crate::on_both;
use app::api::accounts::Directory as StaffDirectory;
use app::api::families::CaseloadView;
use app::api::families::{FamilyView, InvitationView};
use app::error::AppError;

async fn a_parent_reading_another_familys_record_by_id_is_refused(app: TestApp) {
    let w = world(&app.store).await;
    let parent = app.log_in(&w.a.parent).await;

    let own: FamilyView = app
        .call_json(&parent, "family", &[("id", &w.a.family.0.to_string())])
        .await
        .unwrap();
    assert_eq!(own.record.id, w.a.family);
    for other in [w.a.neighbour, w.b.family] {
        let r: Result<FamilyView, AppError> = app.call_json(&parent, "family", &[("id", &other.0.to_string())]).await;
        assert_eq!(r, Err(AppError::NotFound), "family {other}");
    }
    let mine: FamilyView = app.call_json(&parent, "my_family", &[]).await.unwrap();
    assert_eq!(mine.record.id, w.a.family);
}

async fn a_coordinator_of_one_municipality_cannot_read_anothers_family(app: TestApp) {
    let w = world(&app.store).await;
    let nurse = app.log_in(&w.a.coordinator).await;

    let own: FamilyView = app
        .call_json(&nurse, "family", &[("id", &w.a.family.0.to_string())])
        .await
        .unwrap();
    assert_eq!(own.record.municipality, w.a.municipality);
    let foreign: Result<FamilyView, AppError> = app
        .call_json(&nurse, "family", &[("id", &w.b.family.0.to_string())])
        .await;
    assert_eq!(foreign, Err(AppError::NotFound));
    let invite: Result<InvitationView, AppError> = app
        .call_json(&nurse, "issue_invitation", &[("family", &w.b.neighbour.0.to_string())])
        .await;
    assert_eq!(invite, Err(AppError::NotFound));

    let caseload: CaseloadView = app.call_json(&nurse, "caseload", &[("query", "")]).await.unwrap();
    assert_eq!(caseload.page.total, 2);
    assert!(
        caseload
            .page
            .entries
            .iter()
            .all(|e| e.family == w.a.family || e.family == w.a.neighbour)
    );
}

async fn staff_reads_of_a_family_are_audited(app: TestApp) {
    let w = world(&app.store).await;
    let nurse = app.log_in(&w.a.coordinator).await;
    let _: FamilyView = app
        .call_json(&nurse, "family", &[("id", &w.a.family.0.to_string())])
        .await
        .unwrap();
    let log = app
        .store
        .audit_of_subject(w.a.municipality, &format!("family:{}", w.a.family.0))
        .await
        .unwrap();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].action, "read");
    assert_eq!(log[0].address.as_deref(), Some("127.0.0.1"));

    // Lists of many families are reads too: the caseload (without the search words) and each
    // scope of the task list.
    let _: CaseloadView = app
        .call_json(&nurse, "caseload", &[("query", "q=やまだ")])
        .await
        .unwrap();
    for scope in ["mine", "all"] {
        let _: app::api::tasks::TaskList = app.call_json(&nurse, "tasks", &[("scope", scope)]).await.unwrap();
    }
    let nurse_id = app.staff_id(w.a.municipality, &w.a.coordinator).await;
    for (subject, action) in [
        ("caseload", "read_caseload"),
        ("tasks:mine", "read_tasks"),
        ("tasks:all", "read_tasks"),
    ] {
        let log = app.store.audit_of_subject(w.a.municipality, subject).await.unwrap();
        assert_eq!(log.len(), 1, "{subject}");
        assert_eq!((log[0].action.as_str(), log[0].actor), (action, nurse_id), "{subject}");
    }
    let entries = app.store.audit_of_subject(w.a.municipality, "caseload").await.unwrap();
    assert!(
        !format!("{entries:?}").contains("やまだ"),
        "no search words in the audit log"
    );
}

async fn parents_and_strangers_reach_no_staff_function(app: TestApp) {
    let w = world(&app.store).await;
    let parent = app.log_in(&w.a.parent).await;
    let stranger = client();
    for who in [&parent, &stranger] {
        let expected = if std::ptr::eq(who, &stranger) {
            AppError::NotSignedIn
        } else {
            AppError::Forbidden
        };
        let caseload: Result<CaseloadView, AppError> = app.call_json(who, "caseload", &[("query", "")]).await;
        assert_eq!(caseload, Err(expected.clone()));
        let invite: Result<InvitationView, AppError> = app
            .call_json(who, "issue_invitation", &[("family", &w.a.family.0.to_string())])
            .await;
        assert_eq!(invite, Err(expected.clone()));
        let directory: Result<StaffDirectory, AppError> = app.call_json(who, "staff_directory", &[]).await;
        assert_eq!(directory, Err(expected.clone()));
    }
    let family: Result<FamilyView, AppError> = app
        .call_json(&stranger, "family", &[("id", &w.a.family.0.to_string())])
        .await;
    assert_eq!(family, Err(AppError::NotSignedIn));
    let mine: Result<FamilyView, AppError> = app.call_json(&stranger, "my_family", &[]).await;
    assert_eq!(mine, Err(AppError::NotSignedIn));
}

async fn only_admins_create_staff_and_only_in_their_municipality(app: TestApp) {
    let w = world(&app.store).await;
    let form = [
        ("display_name", "新人 職員"),
        ("email", "new@example.jp"),
        ("password", "new staff password"),
        ("role", "coordinator"),
        ("profession", "midwife"),
        ("site", ""),
    ];
    let nurse = app.log_in(&w.a.coordinator).await;
    let r: Result<(), AppError> = app.call_json(&nurse, "create_staff", &form).await;
    assert_eq!(r, Err(AppError::Forbidden));

    let admin = app.log_in(&w.a.admin).await;
    let r: Result<(), AppError> = app.call_json(&admin, "create_staff", &form).await;
    assert_eq!(r, Ok(()));
    let directory: StaffDirectory = app.call_json(&admin, "staff_directory", &[]).await.unwrap();
    assert!(directory.staff.iter().any(|s| s.email == "new@example.jp"));
    let b_staff = app.store.staff_members(w.b.municipality).await.unwrap();
    assert!(b_staff.iter().all(|s| s.email != "new@example.jp"));

    let mut as_guardian = form;
    as_guardian[1] = ("email", "sneaky@example.jp");
    as_guardian[3] = ("role", "guardian");
    let r: Result<(), AppError> = app.call_json(&admin, "create_staff", &as_guardian).await;
    assert!(matches!(r, Err(AppError::Invalid(ref i)) if i.field == "role"), "{r:?}");

    let the_new_one = app.log_in_with("new@example.jp", "new staff password").await;
    let _: CaseloadView = app.call_json(&the_new_one, "caseload", &[("query", "")]).await.unwrap();
}

async fn the_caseload_reads_its_filter_from_the_page_s_query_and_refuses_a_bad_one_by_field(app: TestApp) {
    let w = world(&app.store).await;
    let nurse = app.log_in(&w.a.coordinator).await;
    let view: CaseloadView = app
        .call_json(
            &nurse,
            "caseload",
            &[("query", "?q=&stage=&flag=&late=&site=&quiet_days=30")],
        )
        .await
        .unwrap();
    assert_eq!(view.filter.quiet_days, Some(30));
    assert_eq!(view.filter.stage, None, "empty fields filter nothing");
    let own = app.store.staff_members(w.a.municipality).await.unwrap();
    let mut offered: Vec<i64> = view.coordinators.iter().map(|c| c.id).collect();
    offered.sort();
    let mut expected: Vec<i64> = own.iter().map(|s| s.account.0).collect();
    expected.sort();
    assert_eq!(offered, expected, "the form offers the municipality's own staff");
    // Another municipality's coordinator as the filter lists nothing of theirs.
    let theirs = app.store.staff_members(w.b.municipality).await.unwrap()[0].account;
    let foreign = format!("coordinator={}", theirs.0);
    let view: CaseloadView = app.call_json(&nurse, "caseload", &[("query", &foreign)]).await.unwrap();
    assert_eq!(view.page.total, 0);
    for (query, field) in [
        ("stage=teen", "stage"),
        ("stage=pregnant&from_week=30&to_week=12", "to_week"),
        ("flag=whatever", "flag"),
        ("quiet_days=soon", "quiet_days"),
        ("after=nonsense", "after"),
    ] {
        let refused: Result<CaseloadView, AppError> = app.call_json(&nurse, "caseload", &[("query", query)]).await;
        assert!(
            matches!(refused, Err(AppError::Invalid(ref i)) if i.field == field),
            "{query}: {refused:?}"
        );
    }
}

on_both!(
    the_caseload_reads_its_filter_from_the_page_s_query_and_refuses_a_bad_one_by_field,
    a_parent_reading_another_familys_record_by_id_is_refused,
    a_coordinator_of_one_municipality_cannot_read_anothers_family,
    staff_reads_of_a_family_are_audited,
    parents_and_strangers_reach_no_staff_function,
    only_admins_create_staff_and_only_in_their_municipality,
);
