//! The store's contract, run against SQLite always and PostgreSQL when `YORISOI_TEST_POSTGRES_URL` is set.

mod support;

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use domain::account::{Profession, Role};
use domain::family::Stage;
use domain::ids::{FamilyId, MunicipalityId};
use domain::invitation::InvitationCode;
use domain::people::{Email, Kana, NewPassword, PersonName, Sex};
use store::Store;
use store::accounts::{LoginRefused, NewStaff, hash_password};
use store::families::{NewChild, NewFamily, NewPregnancy};
use store::invitations::{JoinRefused, NewGuardian};

fn now() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 24, 3, 0, 0).unwrap()
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 24).unwrap()
}

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

async fn municipality(store: &Store, code: &str) -> MunicipalityId {
    store
        .create_municipality(code, &format!("市{code}"), chrono_tz::Asia::Tokyo, now())
        .await
        .unwrap()
}

async fn family(store: &Store, m: MunicipalityId, name: &str, kana: &str) -> FamilyId {
    let name = PersonName::parse("n", name).unwrap();
    let kana = Kana::parse("k", kana).unwrap();
    store
        .create_family(
            m,
            &NewFamily {
                site: None,
                family_name: &name,
                family_name_kana: &kana,
            },
            now(),
        )
        .await
        .unwrap()
}

async fn staff(store: &Store, m: MunicipalityId, email: &str, role: Role) -> domain::ids::AccountId {
    let email = Email::parse(email).unwrap();
    let hash = hash_password(&NewPassword::parse("staff password 1").unwrap()).unwrap();
    store
        .create_staff(
            &NewStaff {
                municipality: m,
                email: &email,
                password_hash: &hash,
                display_name: "職員",
                role,
                site: None,
                profession: Profession::PublicHealthNurse,
            },
            now(),
        )
        .await
        .unwrap()
}

fn code(n: u8) -> InvitationCode {
    InvitationCode::from_random([n; 12])
}

async fn a_family_record_holds_its_pregnancies_and_children(store: support::Db) {
    let m = municipality(&store, "100001").await;
    let f = family(&store, m, "山田", "やまだ").await;
    let p = store
        .add_pregnancy(
            m,
            f,
            &NewPregnancy {
                due_date: d("2026-06-01"),
                notified_on: d("2025-11-20"),
                fetuses: 1,
            },
            now(),
        )
        .await
        .unwrap();
    store
        .add_pregnancy(
            m,
            f,
            &NewPregnancy {
                due_date: d("2027-05-10"),
                notified_on: d("2026-10-01"),
                fetuses: 2,
            },
            now(),
        )
        .await
        .unwrap();
    let name = PersonName::parse("n", "山田 花").unwrap();
    let kana = Kana::parse("k", "ヤマダ ハナ").unwrap();
    store
        .add_child(
            m,
            f,
            &NewChild {
                pregnancy: Some(p),
                name: &name,
                name_kana: &kana,
                birth_date: d("2026-05-28"),
                sex: Sex::Female,
            },
            now(),
        )
        .await
        .unwrap();

    let record = store.family_record(m, f).await.unwrap();

    assert_eq!(record.family_name_kana, "ヤマダ");
    assert_eq!(record.pregnancies.len(), 2);
    let born = &record.pregnancies[0];
    assert_eq!(born.outcome, domain::family::PregnancyOutcome::Born);
    assert_eq!(born.ended_on, Some(d("2026-05-28")));
    assert_eq!(record.pregnancies[1].fetuses, 2);
    assert_eq!(record.children.len(), 1);
    assert_eq!(record.children[0].birth_date, d("2026-05-28"));
    assert_eq!(record.children[0].sex, Sex::Female);
}

async fn a_family_of_another_municipality_is_not_found(store: support::Db) {
    let a = municipality(&store, "100001").await;
    let b = municipality(&store, "100002").await;
    let f = family(&store, b, "鈴木", "スズキ").await;

    assert!(matches!(store.family_record(a, f).await, Err(store::Error::NotFound)));
    assert!(store.family_record(b, f).await.is_ok());
    let p = NewPregnancy {
        due_date: d("2027-01-01"),
        notified_on: d("2026-06-01"),
        fetuses: 1,
    };
    assert!(matches!(
        store.add_pregnancy(a, f, &p, now()).await,
        Err(store::Error::NotFound)
    ));
    let issuer = staff(&store, a, "a@example.jp", Role::Coordinator).await;
    assert!(matches!(
        store.issue_invitation(a, f, issuer, code(1), now()).await,
        Err(store::Error::NotFound)
    ));
}

async fn the_caseload_lists_only_the_municipality_and_searches_names_and_kana(store: support::Db) {
    let a = municipality(&store, "100001").await;
    let b = municipality(&store, "100002").await;
    let sato = family(&store, a, "佐藤", "サトウ").await;
    family(&store, a, "鈴木", "スズキ").await;
    family(&store, a, "Smith_50%", "スミス").await;
    family(&store, b, "佐藤", "サトウ").await;
    store
        .add_pregnancy(
            a,
            sato,
            &NewPregnancy {
                due_date: d("2027-03-01"),
                notified_on: d("2026-09-01"),
                fetuses: 1,
            },
            now(),
        )
        .await
        .unwrap();

    let all = store.caseload(a, "", 1, today()).await.unwrap();
    assert_eq!(all.total, 3);
    assert_eq!(
        all.entries
            .iter()
            .map(|e| e.family_name_kana.as_str())
            .collect::<Vec<_>>(),
        ["サトウ", "スズキ", "スミス"]
    );

    let by_hiragana = store.caseload(a, "さとう", 1, today()).await.unwrap();
    assert_eq!(by_hiragana.total, 1);
    assert_eq!(by_hiragana.entries[0].family, sato);
    assert!(matches!(by_hiragana.entries[0].stage, Stage::Pregnant { due_date, .. } if due_date == d("2027-03-01")));

    assert_eq!(store.caseload(a, "佐藤", 1, today()).await.unwrap().total, 1);
    assert_eq!(
        store.caseload(a, "smith", 1, today()).await.unwrap().total,
        1,
        "Latin names match case-insensitively"
    );
    assert_eq!(
        store.caseload(a, "_", 1, today()).await.unwrap().total,
        1,
        "wildcards are literal"
    );
    assert_eq!(
        store.caseload(a, "%", 1, today()).await.unwrap().total,
        1,
        "wildcards are literal"
    );
    assert_eq!(store.caseload(a, "田中", 1, today()).await.unwrap().total, 0);
}

async fn the_caseload_pages_through_every_family_once(store: support::Db) {
    let m = municipality(&store, "100001").await;
    for i in 0..45 {
        family(&store, m, &format!("家族{i:02}"), "カゾク").await;
    }
    let mut seen = Vec::new();
    for page in 1..=3 {
        let p = store.caseload(m, "", page, today()).await.unwrap();
        assert_eq!((p.page, p.page_count, p.total), (page, 3, 45));
        seen.extend(p.entries.into_iter().map(|e| e.family));
    }
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), 45);
    assert_eq!(
        store.caseload(m, "", 99, today()).await.unwrap().page,
        3,
        "pages past the end clamp to the last"
    );
}

async fn a_child_search_finds_the_family(store: support::Db) {
    let m = municipality(&store, "100001").await;
    let f = family(&store, m, "高橋", "タカハシ").await;
    let name = PersonName::parse("n", "高橋 湊").unwrap();
    let kana = Kana::parse("k", "タカハシ ミナト").unwrap();
    store
        .add_child(
            m,
            f,
            &NewChild {
                pregnancy: None,
                name: &name,
                name_kana: &kana,
                birth_date: d("2026-01-10"),
                sex: Sex::Male,
            },
            now(),
        )
        .await
        .unwrap();
    let page = store.caseload(m, "みなと", 1, today()).await.unwrap();
    assert_eq!(page.entries.len(), 1);
    assert!(matches!(page.entries[0].stage, Stage::Parenting { .. }));
}

async fn staff_sign_in_with_the_right_password_only(store: support::Db) {
    let m = municipality(&store, "100001").await;
    let id = staff(&store, m, "Nurse@Example.jp", Role::Coordinator).await;

    let ok = store
        .authenticate("nurse@example.jp", "staff password 1", Some("10.0.0.1"), now())
        .await
        .unwrap();
    assert_eq!(ok, Ok(id));
    let wrong = store
        .authenticate("nurse@example.jp", "staff password 2", Some("10.0.0.1"), now())
        .await
        .unwrap();
    assert_eq!(wrong, Err(LoginRefused::WrongCredentials));
    let unknown = store
        .authenticate("nobody@example.jp", "staff password 1", Some("10.0.0.1"), now())
        .await
        .unwrap();
    assert_eq!(unknown, Err(LoginRefused::WrongCredentials));

    let viewer = store.viewer(id).await.unwrap().unwrap();
    assert_eq!(
        (viewer.role, viewer.municipality, viewer.family),
        (Role::Coordinator, m, None)
    );
}

async fn repeated_failures_slow_down_the_account_and_the_address(store: support::Db) {
    let m = municipality(&store, "100001").await;
    staff(&store, m, "nurse@example.jp", Role::Coordinator).await;
    let t = now();
    for _ in 0..5 {
        let r = store
            .authenticate("nurse@example.jp", "wrong", Some("10.0.0.1"), t)
            .await
            .unwrap();
        assert_eq!(r, Err(LoginRefused::WrongCredentials));
    }
    // The sixth failure earns a wait; during it even the right password is not checked.
    store
        .authenticate("nurse@example.jp", "wrong", Some("10.0.0.1"), t)
        .await
        .unwrap()
        .unwrap_err();
    let during = store
        .authenticate("nurse@example.jp", "staff password 1", Some("10.0.0.2"), t)
        .await
        .unwrap();
    assert!(matches!(during, Err(LoginRefused::Throttled(r)) if r.retry_after_seconds >= 1));
    // After the wait, the right password works and clears the account's count.
    let later = t + Duration::seconds(2);
    assert!(
        store
            .authenticate("nurse@example.jp", "staff password 1", Some("10.0.0.2"), later)
            .await
            .unwrap()
            .is_ok()
    );

    // An address that guesses across many accounts is slowed down too.
    for i in 0..21 {
        let email = format!("guess{i}@example.jp");
        store
            .authenticate(&email, "wrong", Some("192.0.2.9"), t)
            .await
            .unwrap()
            .unwrap_err();
    }
    let from_guesser = store
        .authenticate("nurse@example.jp", "staff password 1", Some("192.0.2.9"), t)
        .await
        .unwrap();
    assert!(matches!(from_guesser, Err(LoginRefused::Throttled(_))));
}

async fn an_invitation_lets_one_parent_join_their_family_once(store: support::Db) {
    let m = municipality(&store, "100001").await;
    let f = family(&store, m, "伊藤", "イトウ").await;
    let issuer = staff(&store, m, "nurse@example.jp", Role::Coordinator).await;
    let issued = store.issue_invitation(m, f, issuer, code(7), now()).await.unwrap();
    assert_eq!(issued.expires_at, now() + store::invitations::VALID_FOR);

    let email = Email::parse("mother@example.jp").unwrap();
    let hash = hash_password(&NewPassword::parse("mother password").unwrap()).unwrap();
    let name = PersonName::parse("n", "伊藤 恵").unwrap();
    let kana = Kana::parse("k", "イトウ メグミ").unwrap();
    let guardian = NewGuardian {
        email: &email,
        password_hash: &hash,
        name: &name,
        name_kana: &kana,
    };

    let joined = store
        .join_with_invitation(&code(7), &guardian, None, now())
        .await
        .unwrap()
        .unwrap();
    let viewer = store.viewer(joined).await.unwrap().unwrap();
    assert_eq!(
        (viewer.role, viewer.family, viewer.municipality),
        (Role::Guardian, Some(f), m)
    );
    assert_eq!(store.family_record(m, f).await.unwrap().guardians.len(), 1);

    let email2 = Email::parse("other@example.jp").unwrap();
    let again = NewGuardian {
        email: &email2,
        ..guardian
    };
    assert_eq!(
        store.join_with_invitation(&code(7), &again, None, now()).await.unwrap(),
        Err(JoinRefused::AlreadyUsed)
    );
    assert_eq!(
        store.join_with_invitation(&code(8), &again, None, now()).await.unwrap(),
        Err(JoinRefused::UnknownCode)
    );
}

async fn an_expired_or_taken_invitation_creates_nothing(store: support::Db) {
    let m = municipality(&store, "100001").await;
    let f = family(&store, m, "渡辺", "ワタナベ").await;
    let issuer = staff(&store, m, "nurse@example.jp", Role::Coordinator).await;
    store.issue_invitation(m, f, issuer, code(1), now()).await.unwrap();
    store.issue_invitation(m, f, issuer, code(2), now()).await.unwrap();

    let hash = hash_password(&NewPassword::parse("mother password").unwrap()).unwrap();
    let name = PersonName::parse("n", "渡辺 彩").unwrap();
    let kana = Kana::parse("k", "ワタナベ アヤ").unwrap();
    let taken = Email::parse("nurse@example.jp").unwrap();
    let guardian = NewGuardian {
        email: &taken,
        password_hash: &hash,
        name: &name,
        name_kana: &kana,
    };
    assert_eq!(
        store
            .join_with_invitation(&code(1), &guardian, None, now())
            .await
            .unwrap(),
        Err(JoinRefused::EmailTaken)
    );

    let fresh = Email::parse("aya@example.jp").unwrap();
    let guardian = NewGuardian {
        email: &fresh,
        ..guardian
    };
    // The failed attempt rolled back: the code is still unused and works.
    assert!(
        store
            .join_with_invitation(&code(1), &guardian, None, now())
            .await
            .unwrap()
            .is_ok()
    );

    let late = now() + store::invitations::VALID_FOR + Duration::seconds(1);
    let other = Email::parse("late@example.jp").unwrap();
    let guardian = NewGuardian {
        email: &other,
        ..guardian
    };
    assert_eq!(
        store
            .join_with_invitation(&code(2), &guardian, None, late)
            .await
            .unwrap(),
        Err(JoinRefused::Expired)
    );
    assert!(
        store
            .authenticate("late@example.jp", "mother password", None, now())
            .await
            .unwrap()
            .is_err()
    );
}

async fn staff_accounts_need_a_staff_role_and_a_unique_email(store: support::Db) {
    let m = municipality(&store, "100001").await;
    let other = municipality(&store, "100002").await;
    let foreign_site = store.create_site(other, "他市の拠点", now()).await.unwrap();
    staff(&store, m, "nurse@example.jp", Role::Admin).await;
    let email = Email::parse("NURSE@example.jp").unwrap();
    let hash = hash_password(&NewPassword::parse("staff password 1").unwrap()).unwrap();
    let mut new = NewStaff {
        municipality: m,
        email: &email,
        password_hash: &hash,
        display_name: "x",
        role: Role::Coordinator,
        site: None,
        profession: Profession::Midwife,
    };
    assert!(matches!(
        store.create_staff(&new, now()).await,
        Err(store::Error::Conflict("email_taken"))
    ));
    let fresh = Email::parse("midwife@example.jp").unwrap();
    new.email = &fresh;
    new.site = Some(foreign_site);
    assert!(
        matches!(store.create_staff(&new, now()).await, Err(store::Error::NotFound)),
        "another municipality's site"
    );
    new.site = None;
    new.role = Role::Guardian;
    assert!(store.create_staff(&new, now()).await.is_err());
    new.role = Role::Coordinator;
    store.create_staff(&new, now()).await.unwrap();
    let listed = store.staff_members(m).await.unwrap();
    assert_eq!(listed.len(), 2);
    assert!(store.staff_members(other).await.unwrap().is_empty());
}

async fn the_audit_log_is_append_only(store: support::Db) {
    let m = municipality(&store, "100001").await;
    let nurse = staff(&store, m, "nurse@example.jp", Role::Coordinator).await;
    store
        .audit(m, nurse, "read", "family:1", Some("10.0.0.1"), now())
        .await
        .unwrap();
    store
        .audit(m, nurse, "read", "family:1", None, now() + Duration::seconds(1))
        .await
        .unwrap();
    let log = store.audit_of_subject(m, "family:1").await.unwrap();
    assert_eq!(log.len(), 2);
    assert_eq!(log[0].at, now() + Duration::seconds(1));
    assert!(
        support::execute(&store, "UPDATE audit_log SET action = 'x'")
            .await
            .is_err()
    );
    assert!(support::execute(&store, "DELETE FROM audit_log").await.is_err());
    assert_eq!(store.audit_of_subject(m, "family:1").await.unwrap().len(), 2);
}

async fn demo_data_seeds_once_with_every_stage(store: support::Db) {
    assert!(store.seed_demo(today(), now()).await.unwrap());
    assert!(
        !store.seed_demo(today(), now()).await.unwrap(),
        "a second start does not seed again"
    );
    let m = store
        .municipality_by_code(store::demo::MUNICIPALITY_CODE)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(store.sites(m.id).await.unwrap().len(), 2);
    let own = store
        .schedule_overlay(m.id)
        .await
        .unwrap()
        .expect("the demo city has its own schedule file");
    let schedule = domain::schedule::Schedule::national()
        .overlay(&own)
        .expect("the demo schedule file is valid");
    assert!(schedule.place("checkup-3m").is_some());
    let mut stages = (0, 0);
    for page in 1..=2 {
        for e in store.caseload(m.id, "", page, today()).await.unwrap().entries {
            match e.stage {
                Stage::Pregnant { .. } => stages.0 += 1,
                Stage::Parenting { .. } => stages.1 += 1,
                Stage::NoActiveRecord => {}
            }
        }
    }
    assert_eq!(stages, (12, 24));
    for login in store::demo::LOGINS {
        let r = store
            .authenticate(login.email, store::demo::PASSWORD, None, now())
            .await
            .unwrap();
        let viewer = store.viewer(r.unwrap()).await.unwrap().unwrap();
        assert_eq!(viewer.role, login.role);
        assert_eq!(viewer.family.is_some(), login.role == Role::Guardian);
    }
}

async fn guessing_invitation_codes_is_slowed_down_per_address(store: support::Db) {
    let m = municipality(&store, "100001").await;
    let f = family(&store, m, "森", "モリ").await;
    let issuer = staff(&store, m, "nurse@example.jp", Role::Coordinator).await;
    store.issue_invitation(m, f, issuer, code(9), now()).await.unwrap();
    let email = Email::parse("guesser@example.jp").unwrap();
    let hash = hash_password(&NewPassword::parse("guesser password").unwrap()).unwrap();
    let name = PersonName::parse("n", "森 舞").unwrap();
    let kana = Kana::parse("k", "モリ マイ").unwrap();
    let guardian = NewGuardian {
        email: &email,
        password_hash: &hash,
        name: &name,
        name_kana: &kana,
    };
    for n in 10..21 {
        let r = store
            .join_with_invitation(&code(n), &guardian, Some("198.51.100.7"), now())
            .await
            .unwrap();
        assert_eq!(r, Err(JoinRefused::UnknownCode));
    }
    // Even the right code waits now, from that address; another address is not held up.
    let r = store
        .join_with_invitation(&code(9), &guardian, Some("198.51.100.7"), now())
        .await
        .unwrap();
    assert!(matches!(r, Err(JoinRefused::Throttled(_))), "{r:?}");
    let r = store
        .join_with_invitation(&code(9), &guardian, Some("198.51.100.8"), now())
        .await
        .unwrap();
    assert!(r.is_ok(), "{r:?}");
}

contract_tests!(
    guessing_invitation_codes_is_slowed_down_per_address,
    a_family_record_holds_its_pregnancies_and_children,
    a_family_of_another_municipality_is_not_found,
    the_caseload_lists_only_the_municipality_and_searches_names_and_kana,
    the_caseload_pages_through_every_family_once,
    a_child_search_finds_the_family,
    staff_sign_in_with_the_right_password_only,
    repeated_failures_slow_down_the_account_and_the_address,
    an_invitation_lets_one_parent_join_their_family_once,
    an_expired_or_taken_invitation_creates_nothing,
    staff_accounts_need_a_staff_role_and_a_unique_email,
    the_audit_log_is_append_only,
    demo_data_seeds_once_with_every_stage,
);
