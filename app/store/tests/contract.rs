//! The store's contract, run against SQLite always and PostgreSQL when `YORISOI_TEST_POSTGRES_URL` is set.

mod support;

use chrono::{Duration, NaiveDate, NaiveDateTime, TimeZone, Utc};
use domain::account::{Profession, Role};
use domain::caseload::CaseloadFilter;
use domain::consultation::{Author, ClientKey, ContactMode, MessageText, Outcome, Topic, Urgency};
use domain::family::CaseloadPosition::{After, Before, First};
use domain::family::{CaseloadEntry, Stage};
use domain::ids::{AccountId, ChildId, FamilyId, MunicipalityId, PregnancyId, SiteId};
use domain::invitation::InvitationCode;
use domain::people::{Email, Kana, NewPassword, PersonName, Sex};
use domain::support::epds::Epds;
use domain::support::interview::{ChecklistTopic, HomeSupport, InterviewKind};
use domain::support::network::{Institution, InstitutionKind, ReferralStatus};
use domain::support::plan::{
    MeetingPurpose, Participant, PlanCategory, PlanPeriod, PlanStatus, PlanSubject, Sharing, SharingMethod,
};
use domain::support::risk::{FlagOrigin, RiskCategory};
use domain::support::visit::VisitKind;
use domain::timeline::Member;
use std::sync::Arc;
use store::Store;
use store::accounts::{LoginRefused, NewStaff, hash_password};
use store::consultations::{NewConsultation, NewSlots, Which};
use store::families::{NewChild, NewFamily, NewPregnancy};
use store::interviews::NewInterview;
use store::invitations::{JoinRefused, NewGuardian};
use store::network::{NewInstitution, NewReferral};
use store::overview::TaskFamilies;
use store::plans::{NewFlag, NewMeeting, PlanContents};
use store::timeline::Source;
use store::visits::{PlannedVisit, VisitReport};
use tokio::sync::Barrier;

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
    family_at(store, m, None, name, kana).await
}

async fn family_at(store: &Store, m: MunicipalityId, site: Option<SiteId>, name: &str, kana: &str) -> FamilyId {
    let name = PersonName::parse("n", name).unwrap();
    let kana = Kana::parse("k", kana).unwrap();
    store
        .create_family(
            m,
            &NewFamily {
                site,
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

/// A coordinator with a name of their own, to tell who did what.
async fn staff_named(store: &Store, m: MunicipalityId, email: &str, name: &str) -> AccountId {
    let email = Email::parse(email).unwrap();
    let hash = hash_password(&NewPassword::parse("staff password 1").unwrap()).unwrap();
    store
        .create_staff(
            &NewStaff {
                municipality: m,
                email: &email,
                password_hash: &hash,
                display_name: name,
                role: Role::Coordinator,
                site: None,
                profession: Profession::PublicHealthNurse,
            },
            now(),
        )
        .await
        .unwrap()
}

async fn pregnancy(store: &Store, m: MunicipalityId, f: FamilyId, notified_on: &str, due_date: &str) -> PregnancyId {
    store
        .add_pregnancy(
            m,
            f,
            &NewPregnancy {
                due_date: d(due_date),
                notified_on: Some(d(notified_on)),
                lost_on: None,
                heartbeat_on: None,
                fetuses: 1,
            },
            now(),
        )
        .await
        .unwrap()
}

async fn child(store: &Store, m: MunicipalityId, f: FamilyId, name: &str, kana: &str, born: &str) -> ChildId {
    let name = PersonName::parse("n", name).unwrap();
    let kana = Kana::parse("k", kana).unwrap();
    store
        .add_child(
            m,
            f,
            &NewChild {
                pregnancy: None,
                name: &name,
                name_kana: &kana,
                birth_date: d(born),
                sex: Sex::Female,
            },
            now(),
        )
        .await
        .unwrap()
}

/// An EPDS from the printed option positions (see `Epds::from_chosen`).
fn epds(chosen: [u8; 10]) -> Epds {
    Epds::from_chosen(chosen).unwrap()
}

/// A 新生児訪問 for a child, due four weeks after a birth on 2026-11-10.
fn newborn_visit(c: ChildId, assigned_to: Option<AccountId>) -> PlannedVisit {
    PlannedVisit {
        kind: VisitKind::Newborn,
        member: Some(Member::Child(c)),
        due_by: d("2026-12-08"),
        assigned_to,
        scheduled_on: None,
    }
}

fn visit_report(visited_on: &str, epds: Option<Epds>) -> VisitReport<'static> {
    VisitReport {
        visited_on: d(visited_on),
        findings: "授乳は順調",
        epds,
    }
}

fn manual_flag(raised_on: &str) -> NewFlag<'static> {
    NewFlag {
        category: RiskCategory::NeedsSupport,
        origin: FlagOrigin::Manual,
        reason: "支援者がいない",
        raised_on: d(raised_on),
    }
}

fn period(from: &str, review_on: &str, until: &str) -> PlanPeriod {
    PlanPeriod::new(d(from), d(review_on), d(until)).unwrap()
}

#[track_caller]
fn assert_not_found<T: std::fmt::Debug>(result: Result<T, store::Error>, what: &str) {
    assert!(
        matches!(result, Err(store::Error::NotFound)),
        "{what}: expected NotFound, got {result:?}"
    );
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
                notified_on: Some(d("2025-11-20")),
                lost_on: None,
                heartbeat_on: None,
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
                notified_on: Some(d("2026-10-01")),
                lost_on: None,
                heartbeat_on: None,
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
        notified_on: Some(d("2026-06-01")),
        lost_on: None,
        heartbeat_on: None,
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
                notified_on: Some(d("2026-09-01")),
                lost_on: None,
                heartbeat_on: None,
                fetuses: 1,
            },
            now(),
        )
        .await
        .unwrap();

    let all = store
        .caseload(a, &CaseloadFilter::search(""), &First, today())
        .await
        .unwrap();
    assert_eq!(all.total, 3);
    assert_eq!(
        all.entries
            .iter()
            .map(|e| e.family_name_kana.as_str())
            .collect::<Vec<_>>(),
        ["サトウ", "スズキ", "スミス"]
    );

    let by_hiragana = store
        .caseload(a, &CaseloadFilter::search("さとう"), &First, today())
        .await
        .unwrap();
    assert_eq!(by_hiragana.total, 1);
    assert_eq!(by_hiragana.entries[0].family, sato);
    assert!(matches!(by_hiragana.entries[0].stage, Stage::Pregnant { due_date, .. } if due_date == d("2027-03-01")));

    assert_eq!(
        store
            .caseload(a, &CaseloadFilter::search("佐藤"), &First, today())
            .await
            .unwrap()
            .total,
        1
    );
    assert_eq!(
        store
            .caseload(a, &CaseloadFilter::search("smith"), &First, today())
            .await
            .unwrap()
            .total,
        1,
        "Latin names match case-insensitively"
    );
    assert_eq!(
        store
            .caseload(a, &CaseloadFilter::search("_"), &First, today())
            .await
            .unwrap()
            .total,
        1,
        "wildcards are literal"
    );
    assert_eq!(
        store
            .caseload(a, &CaseloadFilter::search("%"), &First, today())
            .await
            .unwrap()
            .total,
        1,
        "wildcards are literal"
    );
    assert_eq!(
        store
            .caseload(a, &CaseloadFilter::search("田中"), &First, today())
            .await
            .unwrap()
            .total,
        0
    );
}

/// Every page of a caseload, following each page's `after`, checking the page numbers.
async fn whole_caseload(store: &Store, m: MunicipalityId, search: &str) -> Vec<CaseloadEntry> {
    let mut page = store
        .caseload(m, &CaseloadFilter::search(search), &First, today())
        .await
        .unwrap();
    let mut all = Vec::new();
    let mut number = 1;
    loop {
        assert_eq!(page.page, number, "{search}");
        all.extend(page.entries.clone());
        match page.after {
            Some(after) => {
                page = store
                    .caseload(m, &CaseloadFilter::search(search), &After(after), today())
                    .await
                    .unwrap()
            }
            None => break,
        }
        number += 1;
    }
    all
}

async fn the_caseload_pages_through_every_family_once(store: support::Db) {
    let m = municipality(&store, "100001").await;
    for i in 0..45 {
        family(&store, m, &format!("家族{i:02}"), "カゾク").await;
    }
    let first = store
        .caseload(m, &CaseloadFilter::search(""), &First, today())
        .await
        .unwrap();
    assert_eq!((first.page, first.page_count, first.total), (1, 3, 45));
    assert_eq!(first.before, None);
    let mut seen: Vec<FamilyId> = whole_caseload(&store, m, "").await.iter().map(|e| e.family).collect();
    assert_eq!(seen.len(), 45, "every family once");
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), 45);

    // Back from the last page: the second, then the first (full, with no page before it).
    let second = store
        .caseload(
            m,
            &CaseloadFilter::search(""),
            &After(first.after.clone().unwrap()),
            today(),
        )
        .await
        .unwrap();
    let third = store
        .caseload(
            m,
            &CaseloadFilter::search(""),
            &After(second.after.clone().unwrap()),
            today(),
        )
        .await
        .unwrap();
    assert_eq!((third.page, third.entries.len(), third.after.clone()), (3, 5, None));
    let back = store
        .caseload(
            m,
            &CaseloadFilter::search(""),
            &Before(third.before.clone().unwrap()),
            today(),
        )
        .await
        .unwrap();
    assert_eq!(back.entries, second.entries);
    let start = store
        .caseload(
            m,
            &CaseloadFilter::search(""),
            &Before(back.before.clone().unwrap()),
            today(),
        )
        .await
        .unwrap();
    assert_eq!(
        (start.page, start.entries.clone(), start.before),
        (1, first.entries, None)
    );

    // After the last family there is nothing: the last page is shown.
    let last = third.entries.last().unwrap();
    let past = domain::family::CaseloadCursor {
        kana: last.family_name_kana.clone(),
        family: last.family,
    };
    let past = store
        .caseload(m, &CaseloadFilter::search(""), &After(past), today())
        .await
        .unwrap();
    assert_eq!((past.entries.len(), past.after), (20, None), "the last twenty families");
    assert_eq!(past.entries.last(), third.entries.last());
    assert!(domain::family::CaseloadCursor::parse("12.カゾク").is_some());
    assert!(domain::family::CaseloadCursor::parse("x.カゾク").is_none());
}

async fn keyset_pages_never_skip_or_repeat_a_family_while_families_are_added(store: support::Db) {
    let m = municipality(&store, "100001").await;
    let mut before = Vec::new();
    for i in 0..50 {
        let kana = format!("ナカムラ{}", ["ア", "カ", "サ", "タ", "ナ"][i % 5]);
        before.push(family(&store, m, &format!("中村{i:02}"), &kana).await);
    }
    let mut page = store
        .caseload(m, &CaseloadFilter::search(""), &First, today())
        .await
        .unwrap();
    let mut seen = Vec::new();
    let mut added = 0;
    loop {
        seen.extend(page.entries.iter().map(|e| e.family));
        // Families arrive between two page reads, before and after the place the next page starts.
        for kana in ["アイダ", "ナカムラア", "ナカムラナ", "ワタナベ"] {
            family(&store, m, "新規", kana).await;
            added += 1;
        }
        match page.after {
            Some(after) => {
                page = store
                    .caseload(m, &CaseloadFilter::search(""), &After(after), today())
                    .await
                    .unwrap()
            }
            None => break,
        }
    }
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), seen.len(), "no family on two pages");
    for f in &before {
        assert!(seen.contains(f), "family {f:?} there from the start was on a page");
    }
    assert_eq!(
        store
            .caseload(m, &CaseloadFilter::search(""), &First, today())
            .await
            .unwrap()
            .total,
        50 + added
    );
}

async fn the_caseload_search_finds_two_character_words_in_every_script_and_width(store: support::Db) {
    let m = municipality(&store, "100001").await;
    let child = async |f: FamilyId, name: &str, kana: &str| {
        store
            .add_child(
                m,
                f,
                &NewChild {
                    pregnancy: None,
                    name: &PersonName::parse("n", name).unwrap(),
                    name_kana: &Kana::parse("k", kana).unwrap(),
                    birth_date: d("2026-01-10"),
                    sex: Sex::Male,
                },
                now(),
            )
            .await
            .unwrap();
    };
    let sato = family(&store, m, "佐藤", "サトウ").await;
    child(sato, "佐藤 陽翔", "サトウ ハルト").await;
    let satomi = family(&store, m, "里見", "サトミ").await;
    let kato = family(&store, m, "加藤", "カトウ").await;
    // Its names hold the pairs of サトミ (サト, トミ), but never the word itself.
    let split = family(&store, m, "佐藤", "サトウ").await;
    child(split, "佐藤 富子", "サトウ トミコ").await;
    let found = async |word: &str| {
        let mut families: Vec<FamilyId> = whole_caseload(&store, m, word).await.iter().map(|e| e.family).collect();
        families.sort();
        families
    };
    let sorted = |mut v: Vec<FamilyId>| {
        v.sort();
        v
    };
    assert_eq!(found("佐藤").await, sorted(vec![sato, split]));
    for word in ["さと", "サト", "ｻﾄ", "サト "] {
        assert_eq!(found(word).await, sorted(vec![sato, satomi, split]), "{word}");
    }
    for word in [
        "陽翔",
        "はると",
        "ﾊﾙﾄ",
        "ハルト",
        "佐藤陽翔",
        "佐藤 陽翔",
        "サトウ　ハルト",
    ] {
        assert_eq!(found(word).await, vec![sato], "{word}: the child's name");
    }
    assert_eq!(found("とう").await, sorted(vec![sato, kato, split]));
    assert_eq!(found("藤").await, sorted(vec![sato, kato, split]), "one character");
    assert_eq!(
        found("さとみ").await,
        vec![satomi],
        "pairs from two names are not the word"
    );
    assert_eq!(found("ウカ").await, Vec::<FamilyId>::new(), "never across two families");
    assert_eq!(found("").await.len(), 4);
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
    let page = store
        .caseload(m, &CaseloadFilter::search("みなと"), &First, today())
        .await
        .unwrap();
    assert_eq!(page.entries.len(), 1);
    assert!(matches!(page.entries[0].stage, Stage::Parenting { .. }));

    // A guardian's name finds the family too, once, though the child's name matches as well.
    let issuer = staff(&store, m, "nurse@example.jp", Role::Coordinator).await;
    store.issue_invitation(m, f, issuer, code(7), now()).await.unwrap();
    let email = Email::parse("mother@example.jp").unwrap();
    let hash = hash_password(&NewPassword::parse("mother password").unwrap()).unwrap();
    let name = PersonName::parse("n", "高橋 美波").unwrap();
    let kana = Kana::parse("k", "タカハシ ミナミ").unwrap();
    let guardian = NewGuardian {
        email: &email,
        password_hash: &hash,
        name: &name,
        name_kana: &kana,
    };
    store
        .join_with_invitation(&code(7), &guardian, None, now())
        .await
        .unwrap()
        .unwrap();
    let by_guardian = store
        .caseload(m, &CaseloadFilter::search("美波"), &First, today())
        .await
        .unwrap();
    assert_eq!((by_guardian.total, by_guardian.entries[0].family), (1, f));
    let both = store
        .caseload(m, &CaseloadFilter::search("みな"), &First, today())
        .await
        .unwrap();
    assert_eq!(
        (both.total, both.entries.len()),
        (1, 1),
        "child and guardian match: one family"
    );

    // Another municipality's family of the same names is not found from here.
    let other = municipality(&store, "100002").await;
    let theirs = family(&store, other, "高橋", "タカハシ").await;
    store
        .add_child(
            other,
            theirs,
            &NewChild {
                pregnancy: None,
                name: &PersonName::parse("n", "高橋 湊").unwrap(),
                name_kana: &Kana::parse("k", "タカハシ ミナト").unwrap(),
                birth_date: d("2026-01-10"),
                sex: Sex::Male,
            },
            now(),
        )
        .await
        .unwrap();
    let here = store
        .caseload(m, &CaseloadFilter::search("みなと"), &First, today())
        .await
        .unwrap();
    assert_eq!(here.entries.iter().map(|e| e.family).collect::<Vec<_>>(), [f]);
    // A page after the last match of a search shows its last page.
    let beyond = domain::family::CaseloadCursor {
        kana: "ン".into(),
        family: f,
    };
    let past = store
        .caseload(m, &CaseloadFilter::search("みなと"), &After(beyond), today())
        .await
        .unwrap();
    assert_eq!((past.page, past.page_count, past.total), (1, 1, 1));
    assert_eq!(past.entries.len(), 1);
    let nothing = store
        .caseload(m, &CaseloadFilter::search("該当なし"), &First, today())
        .await
        .unwrap();
    assert_eq!(
        (nothing.page, nothing.page_count, nothing.total, nothing.after),
        (1, 1, 0, None)
    );
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
    for e in whole_caseload(&store, m.id, "").await {
        match e.stage {
            Stage::Pregnant { .. } => stages.0 += 1,
            Stage::Parenting { .. } => stages.1 += 1,
            Stage::NoActiveRecord => {}
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

async fn an_interview_completes_its_timeline_item_and_stays_in_its_municipality(store: support::Db) {
    let a = municipality(&store, "100001").await;
    let b = municipality(&store, "100002").await;
    let f = family(&store, a, "山田", "ヤマダ").await;
    let neighbours = family(&store, a, "佐藤", "サトウ").await;
    let p = pregnancy(&store, a, f, "2026-11-20", "2027-06-15").await;
    let neighbours_p = pregnancy(&store, a, neighbours, "2026-11-01", "2027-06-01").await;
    let nurse = staff_named(&store, a, "nurse@example.jp", "保健師 田中").await;
    let foreign = staff(&store, b, "b@example.jp", Role::Coordinator).await;
    let checklist = [ChecklistTopic::NoHelper, ChecklistTopic::MoneyOrHousing];
    let interview = NewInterview {
        kind: InterviewKind::Notification,
        member: Member::Pregnancy(p),
        held_on: d("2026-11-20"),
        home_support: HomeSupport::None,
        checklist: &checklist,
        health: "つわりが強い",
        worries: "実家が遠い",
        questionnaire_returned: false,
        interview_requested: true,
        benefit_form_handed: true,
        flag: Some(NewFlag {
            category: RiskCategory::SpecifiedPregnancy,
            origin: FlagOrigin::Interview,
            reason: "若年・支援者なし",
            raised_on: d("2026-11-20"),
        }),
    };

    let id = store.add_interview(a, f, nurse, &interview, now()).await.unwrap();

    let listed = store.interviews(a, f).await.unwrap();
    assert_eq!(listed.len(), 1);
    let i = &listed[0];
    assert_eq!(
        (i.id, i.kind, i.pregnancy, i.child, i.held_on),
        (id, InterviewKind::Notification, Some(p), None, d("2026-11-20"))
    );
    assert_eq!((i.interviewer, i.interviewer_name.as_str()), (nurse, "保健師 田中"));
    assert_eq!(
        (i.home_support, i.checklist.as_slice()),
        (HomeSupport::None, &checklist[..])
    );
    assert_eq!((i.health.as_str(), i.worries.as_str()), ("つわりが強い", "実家が遠い"));
    assert_eq!(
        (i.questionnaire_returned, i.interview_requested, i.benefit_form_handed),
        (false, true, true)
    );
    let records = store.timeline_records(a, f).await.unwrap();
    assert_eq!(records.len(), 1);
    assert_eq!(
        (
            records[0].member,
            records[0].key.as_str(),
            records[0].done_on,
            records[0].source
        ),
        (
            Member::Pregnancy(p),
            "interview-notification",
            d("2026-11-20"),
            Source::Staff
        )
    );
    assert_eq!(records[0].verified_by_name.as_deref(), Some("保健師 田中"));
    let flags = store.risk_flags(a, f).await.unwrap();
    assert_eq!(
        flags
            .iter()
            .map(|f| (f.category, f.origin, f.raised_on))
            .collect::<Vec<_>>(),
        [(RiskCategory::SpecifiedPregnancy, FlagOrigin::Interview, d("2026-11-20"))],
        "the risk decided at the interview is flagged with it"
    );
    let plans = store.support_plans(a, f).await.unwrap();
    assert_eq!(
        plans
            .iter()
            .map(|p| (p.status, p.category, p.subject, p.period.review_on, p.responsible))
            .collect::<Vec<_>>(),
        [(
            PlanStatus::Active,
            PlanCategory::SpecifiedPregnancy,
            PlanSubject::Mother,
            d("2026-11-27"),
            Some(nurse)
        )]
    );

    assert_not_found(
        store.add_interview(b, f, foreign, &interview, now()).await,
        "another municipality's family",
    );
    let someone_elses = NewInterview {
        member: Member::Pregnancy(neighbours_p),
        ..interview
    };
    assert_not_found(
        store.add_interview(a, f, nurse, &someone_elses, now()).await,
        "a pregnancy of another family",
    );
    assert!(store.interviews(b, f).await.unwrap().is_empty());
    assert!(store.interviews(a, neighbours).await.unwrap().is_empty());
    assert_eq!(store.interviews(a, f).await.unwrap().len(), 1);
    assert_eq!(store.timeline_records(a, f).await.unwrap().len(), 1);
    assert_eq!(
        store.risk_flags(a, f).await.unwrap().len(),
        1,
        "refused interviews flag nothing"
    );
    assert!(store.risk_flags(a, neighbours).await.unwrap().is_empty());
}

async fn a_flag_opens_one_plan_reviewed_a_week_later_and_is_cleared_once(store: support::Db) {
    let a = municipality(&store, "100001").await;
    let b = municipality(&store, "100002").await;
    let f = family(&store, a, "山田", "ヤマダ").await;
    let nurse = staff_named(&store, a, "nurse@example.jp", "保健師 田中").await;
    let foreign = staff(&store, b, "b@example.jp", Role::Coordinator).await;
    let specified = NewFlag {
        category: RiskCategory::SpecifiedPregnancy,
        origin: FlagOrigin::Interview,
        reason: "若年・支援者なし",
        raised_on: d("2026-11-20"),
    };

    let (first, opened) = store.raise_flag(a, f, nurse, &specified, now()).await.unwrap();
    let (again, opened_again) = store
        .raise_flag(
            a,
            f,
            nurse,
            &NewFlag {
                raised_on: d("2026-11-21"),
                ..specified
            },
            now(),
        )
        .await
        .unwrap();
    let (second, household) = store
        .raise_flag(a, f, nurse, &manual_flag("2026-11-22"), now())
        .await
        .unwrap();

    let plan = opened.expect("the first flag opens a plan");
    assert_eq!(
        opened_again, None,
        "a flag of a category whose plan is open gets no second one"
    );
    let household = household.expect("a 要支援 flag opens the household's plan beside the mother's");
    let plans = store.support_plans(a, f).await.unwrap();
    assert_eq!(
        plans.iter().map(|p| (p.id, p.category, p.subject)).collect::<Vec<_>>(),
        [
            (household, PlanCategory::ChildNeedingSupport, PlanSubject::Household),
            (plan, PlanCategory::SpecifiedPregnancy, PlanSubject::Mother)
        ]
    );
    let p = &plans[1];
    assert_eq!(
        (p.id, p.status, p.period, p.revision),
        (
            plan,
            PlanStatus::Active,
            PlanPeriod {
                from: d("2026-11-20"),
                review_on: d("2026-11-27"),
                until: d("2027-05-20")
            },
            1
        )
    );
    assert_eq!(
        (p.responsible, p.responsible_name.as_deref()),
        (Some(nurse), Some("保健師 田中"))
    );
    assert_eq!((p.shared, p.closed_on), (None, None));
    assert_eq!(p.history.len(), 1);
    assert_eq!(store.active_plans(a).await.unwrap().len(), 2, "both reviews are due");
    let flags = store.risk_flags(a, f).await.unwrap();
    assert_eq!(
        flags.iter().map(|f| f.id).collect::<Vec<_>>(),
        [second, again, first],
        "newest first"
    );
    assert_eq!(
        (flags[2].category, flags[2].origin, flags[2].reason.as_str()),
        (
            RiskCategory::SpecifiedPregnancy,
            FlagOrigin::Interview,
            "若年・支援者なし"
        )
    );
    assert_eq!(flags[2].raised_by_name, "保健師 田中");

    assert_not_found(
        store.raise_flag(b, f, foreign, &specified, now()).await,
        "raising on another municipality's family",
    );
    assert_not_found(
        store.clear_flag(b, f, first, foreign, "x", today()).await,
        "clearing another municipality's flag",
    );
    assert!(store.risk_flags(b, f).await.unwrap().is_empty());
    assert!(store.support_plans(b, f).await.unwrap().is_empty());
    assert_eq!(store.risk_flags(a, f).await.unwrap().len(), 3);

    store
        .clear_flag(a, f, second, nurse, "転居先が決まった", today())
        .await
        .unwrap();
    assert_not_found(
        store.clear_flag(a, f, second, nurse, "again", today()).await,
        "a cleared flag",
    );
    let flags = store.risk_flags(a, f).await.unwrap();
    assert_eq!(
        flags.iter().map(|f| f.id).collect::<Vec<_>>(),
        [again, first, second],
        "current first"
    );
    assert_eq!(
        (flags[2].cleared_on, flags[2].clear_reason.as_deref()),
        (Some(today()), Some("転居先が決まった"))
    );
    assert_eq!((flags[0].cleared_on, flags[1].cleared_on), (None, None));
}

async fn a_plan_revision_keeps_its_history_and_refuses_a_stale_form(store: support::Db) {
    let a = municipality(&store, "100001").await;
    let b = municipality(&store, "100002").await;
    let f = family(&store, a, "山田", "ヤマダ").await;
    let neighbours = family(&store, a, "佐藤", "サトウ").await;
    let nurse = staff_named(&store, a, "nurse@example.jp", "保健師 田中").await;
    let lead = staff_named(&store, a, "lead@example.jp", "主任 佐々木").await;
    let foreign = staff(&store, b, "b@example.jp", Role::Coordinator).await;
    let v1 = PlanContents {
        status: PlanStatus::Active,
        subject: PlanSubject::Mother,
        category: PlanCategory::MaternalChildHealth,
        period: period("2026-11-24", "2026-12-01", "2027-05-23"),
        goals: "産後の休養を確保する",
        services: "産後ケア事業",
        responsible: Some(nurse),
        institutions: "市民病院",
        shared: None,
        sharing_note: "",
        today: today(),
    };
    let plan = store.create_plan(a, f, nurse, &v1, now()).await.unwrap();
    let v2 = PlanContents {
        goals: "育児の相談先をつくる",
        responsible: Some(lead),
        period: period("2026-11-24", "2026-12-15", "2027-05-23"),
        shared: Some(Sharing {
            on: d("2026-11-24"),
            how: SharingMethod::InPerson,
        }),
        sharing_note: "本人も同意",
        ..v1
    };

    store
        .revise_plan(a, f, plan, 1, lead, &v2, now() + Duration::hours(1))
        .await
        .unwrap();
    let stale = PlanContents {
        goals: "古いフォーム",
        ..v1
    };
    let refused = store
        .revise_plan(a, f, plan, 1, nurse, &stale, now() + Duration::hours(2))
        .await;

    assert!(
        matches!(refused, Err(store::Error::Conflict("plan_changed"))),
        "{refused:?}"
    );
    let plans = store.support_plans(a, f).await.unwrap();
    assert_eq!(plans.len(), 1);
    let p = &plans[0];
    assert_eq!(
        (p.id, p.revision, p.goals.as_str(), p.period.review_on),
        (plan, 2, "育児の相談先をつくる", d("2026-12-15"))
    );
    assert_eq!(
        (p.shared.map(|s| s.how), p.sharing_note.as_str(), p.closed_on),
        (Some(SharingMethod::InPerson), "本人も同意", None)
    );
    assert_eq!(
        (p.responsible, p.responsible_name.as_deref()),
        (Some(lead), Some("主任 佐々木"))
    );
    assert_eq!(
        p.history
            .iter()
            .map(|h| (h.revision, h.goals.as_str(), h.saved_by_name.as_str()))
            .collect::<Vec<_>>(),
        [
            (2, "育児の相談先をつくる", "主任 佐々木"),
            (1, "産後の休養を確保する", "保健師 田中")
        ],
        "history newest first"
    );
    assert_eq!(
        p.history
            .iter()
            .map(|h| (h.period.review_on, h.shared.is_some(), h.category))
            .collect::<Vec<_>>(),
        [
            (d("2026-12-15"), true, PlanCategory::MaternalChildHealth),
            (d("2026-12-01"), false, PlanCategory::MaternalChildHealth)
        ],
        "each revision keeps its own period and sharing"
    );
    assert_eq!(p.history[0].saved_at, now() + Duration::hours(1));

    let foreign_responsible = PlanContents {
        responsible: Some(foreign),
        ..v2
    };
    assert_not_found(
        store.create_plan(a, f, nurse, &foreign_responsible, now()).await,
        "creating with another municipality's responsible",
    );
    assert_not_found(
        store
            .revise_plan(a, f, plan, 2, nurse, &foreign_responsible, now())
            .await,
        "revising with another municipality's responsible",
    );
    let unassigned = PlanContents {
        responsible: None,
        ..v2
    };
    assert_not_found(
        store.revise_plan(b, f, plan, 2, foreign, &unassigned, now()).await,
        "revising another municipality's plan",
    );
    assert_not_found(
        store.create_plan(b, f, foreign, &unassigned, now()).await,
        "creating on another municipality's family",
    );
    assert_not_found(
        store.revise_plan(a, neighbours, plan, 2, nurse, &v2, now()).await,
        "a plan of another family",
    );
    assert!(store.support_plans(b, f).await.unwrap().is_empty());
    let plans = store.support_plans(a, f).await.unwrap();
    assert_eq!(
        (plans.len(), plans[0].revision),
        (1, 2),
        "refused saves changed nothing"
    );

    // Closing the plan takes it off the active list and keeps the day it closed; the next EPDS
    // flag opens a fresh plan for the mother.
    let closed = PlanContents {
        status: PlanStatus::Closed,
        ..v2
    };
    store.revise_plan(a, f, plan, 2, nurse, &closed, now()).await.unwrap();
    let closed_later = PlanContents {
        today: d("2026-12-30"),
        ..closed
    };
    store
        .revise_plan(a, f, plan, 3, nurse, &closed_later, now())
        .await
        .unwrap();
    assert_eq!(
        store.support_plans(a, f).await.unwrap()[0].closed_on,
        Some(today()),
        "saving a closed plan again keeps the day it closed"
    );
    assert!(store.active_plans(a).await.unwrap().is_empty());
    let epds = NewFlag {
        category: RiskCategory::NeedsSupport,
        origin: FlagOrigin::Epds,
        reason: "EPDS 12",
        raised_on: d("2026-12-20"),
    };
    let (_, opened) = store.raise_flag(a, f, nurse, &epds, now()).await.unwrap();
    let reopened = opened.expect("no active plan any more");
    let plans = store.support_plans(a, f).await.unwrap();
    assert_eq!(
        plans.iter().map(|p| (p.id, p.status)).collect::<Vec<_>>(),
        [(reopened, PlanStatus::Active), (plan, PlanStatus::Closed)]
    );
}

async fn several_plans_stay_open_each_for_its_person_with_the_meetings_that_decided_them(store: support::Db) {
    let a = municipality(&store, "100001").await;
    let b = municipality(&store, "100002").await;
    let f = family(&store, a, "山田", "ヤマダ").await;
    let neighbours = family(&store, a, "佐藤", "サトウ").await;
    let hana = child(&store, a, f, "山田 花", "ヤマダ ハナ", "2026-05-10").await;
    let aoi = child(&store, a, f, "山田 葵", "ヤマダ アオイ", "2024-02-01").await;
    let someone_elses = child(&store, a, neighbours, "佐藤 陽", "サトウ ヒナタ", "2026-01-10").await;
    let nurse = staff_named(&store, a, "nurse@example.jp", "保健師 田中").await;
    let foreign = staff(&store, b, "b@example.jp", Role::Coordinator).await;
    let contents = |category, subject, review_on: &str| PlanContents {
        status: PlanStatus::Active,
        subject,
        category,
        period: period("2026-11-24", review_on, "2027-05-23"),
        goals: "育児の負担を減らす",
        services: "養育支援訪問",
        responsible: Some(nurse),
        institutions: "中央児童相談所",
        shared: None,
        sharing_note: "",
        today: today(),
    };
    let hanas = contents(
        PlanCategory::ChildNeedingSupport,
        PlanSubject::Child(hana),
        "2026-12-10",
    );
    let households = contents(
        PlanCategory::ChildRequiringProtection,
        PlanSubject::Household,
        "2026-12-20",
    );
    let mothers = contents(PlanCategory::MaternalChildHealth, PlanSubject::Mother, "2027-01-05");

    let for_hana = store.create_plan(a, f, nurse, &hanas, now()).await.unwrap();
    let for_household = store.create_plan(a, f, nurse, &households, now()).await.unwrap();
    let for_mother = store.create_plan(a, f, nurse, &mothers, now()).await.unwrap();
    let aois = contents(PlanCategory::ChildNeedingSupport, PlanSubject::Child(aoi), "2026-12-11");
    let for_aoi = store.create_plan(a, f, nurse, &aois, now()).await.unwrap();

    let doubled = store.create_plan(a, f, nurse, &hanas, now()).await;
    assert!(
        matches!(doubled, Err(store::Error::Conflict("plan_exists"))),
        "a second open plan of the same category for the same child: {doubled:?}"
    );
    assert_not_found(
        store
            .create_plan(
                a,
                f,
                nurse,
                &contents(
                    PlanCategory::ChildNeedingSupport,
                    PlanSubject::Child(someone_elses),
                    "2026-12-10",
                ),
                now(),
            )
            .await,
        "a plan for another family's child",
    );
    let onto_hanas = store.revise_plan(a, f, for_aoi, 1, nurse, &hanas, now()).await;
    assert!(
        matches!(onto_hanas, Err(store::Error::Conflict("plan_exists"))),
        "revising a plan into another open one: {onto_hanas:?}"
    );
    let plans = store.support_plans(a, f).await.unwrap();
    assert_eq!(
        plans
            .iter()
            .map(|p| (p.id, p.category, p.subject, p.period.review_on, p.revision))
            .collect::<Vec<_>>(),
        [
            (
                for_aoi,
                PlanCategory::ChildNeedingSupport,
                PlanSubject::Child(aoi),
                d("2026-12-11"),
                1
            ),
            (
                for_mother,
                PlanCategory::MaternalChildHealth,
                PlanSubject::Mother,
                d("2027-01-05"),
                1
            ),
            (
                for_household,
                PlanCategory::ChildRequiringProtection,
                PlanSubject::Household,
                d("2026-12-20"),
                1
            ),
            (
                for_hana,
                PlanCategory::ChildNeedingSupport,
                PlanSubject::Child(hana),
                d("2026-12-10"),
                1
            ),
        ],
        "every open plan, newest first; refused saves changed nothing"
    );
    let mut reviews: Vec<_> = store
        .active_plans(a)
        .await
        .unwrap()
        .iter()
        .map(|p| (p.family, p.review_on))
        .collect();
    reviews.sort();
    assert_eq!(
        reviews,
        [
            (f, d("2026-12-10")),
            (f, d("2026-12-11")),
            (f, d("2026-12-20")),
            (f, d("2027-01-05"))
        ],
        "each plan's review is due on its own"
    );

    // The 合同ケース会議 that decided the household's plan, and the one that reviewed it and set
    // its next review.
    let who = [
        Participant {
            role: "保健師".into(),
            institution: "こども家庭センター".into(),
        },
        Participant {
            role: "児童福祉司".into(),
            institution: "中央児童相談所".into(),
        },
        Participant {
            role: "保育士".into(),
            institution: "".into(),
        },
    ];
    let decided = NewMeeting {
        held_on: d("2026-11-24"),
        purpose: MeetingPurpose::Decided,
        participants: &who,
        decisions: "週1回の見守り訪問、保育所の利用を調整する",
        next_review_on: None,
    };
    let first = store
        .record_meeting(a, f, for_household, nurse, &decided, now())
        .await
        .unwrap();
    let reviewed = NewMeeting {
        held_on: d("2026-12-18"),
        purpose: MeetingPurpose::Reviewed,
        participants: &who[..2],
        decisions: "訪問を隔週にする",
        next_review_on: Some(d("2027-02-01")),
    };
    let second = store
        .record_meeting(a, f, for_household, nurse, &reviewed, now() + Duration::days(24))
        .await
        .unwrap();
    assert_not_found(
        store
            .record_meeting(b, f, for_household, foreign, &decided, now())
            .await,
        "a meeting on another municipality's plan",
    );
    assert_not_found(
        store
            .record_meeting(a, neighbours, for_household, nurse, &decided, now())
            .await,
        "a meeting on a plan of another family",
    );
    assert!(matches!(
        store.plan_period(a, neighbours, for_household).await,
        Err(store::Error::NotFound)
    ));
    assert_eq!(
        store.plan_period(a, f, for_household).await.unwrap(),
        period("2026-11-24", "2027-02-01", "2027-05-23")
    );

    let plans = store.support_plans(a, f).await.unwrap();
    let household = plans.iter().find(|p| p.id == for_household).unwrap();
    assert_eq!(
        household
            .meetings
            .iter()
            .map(|m| (
                m.id,
                m.held_on,
                m.purpose,
                m.decisions.as_str(),
                m.recorded_by_name.as_str()
            ))
            .collect::<Vec<_>>(),
        [
            (
                second,
                d("2026-12-18"),
                MeetingPurpose::Reviewed,
                "訪問を隔週にする",
                "保健師 田中"
            ),
            (
                first,
                d("2026-11-24"),
                MeetingPurpose::Decided,
                "週1回の見守り訪問、保育所の利用を調整する",
                "保健師 田中"
            ),
        ],
        "newest first"
    );
    assert_eq!(household.meetings[1].participants, who, "every participant, in order");
    assert_eq!(household.meetings[0].participants, who[..2]);
    assert_eq!(
        (household.revision, household.period.review_on),
        (2, d("2027-02-01")),
        "the reviewing meeting moved the next review"
    );
    assert_eq!(
        household
            .history
            .iter()
            .map(|h| (h.revision, h.period.review_on, h.saved_at))
            .collect::<Vec<_>>(),
        [
            (2, d("2027-02-01"), now() + Duration::days(24)),
            (1, d("2026-12-20"), now())
        ]
    );
    assert!(
        plans
            .iter()
            .filter(|p| p.id != for_household)
            .all(|p| p.meetings.is_empty()),
        "a meeting belongs to its plan alone"
    );
    assert!(store.support_plans(b, f).await.unwrap().is_empty());

    // The figures: the plans open in a period, by category, with the day each closed.
    store
        .revise_plan(
            a,
            f,
            for_aoi,
            1,
            nurse,
            &PlanContents {
                status: PlanStatus::Closed,
                today: d("2026-11-30"),
                ..aois
            },
            now(),
        )
        .await
        .unwrap();
    let foreign_family = family(&store, b, "鈴木", "スズキ").await;
    store
        .raise_flag(b, foreign_family, foreign, &manual_flag("2026-11-24"), now())
        .await
        .unwrap();
    let spans = |from: &str, until: &str| {
        let store = store.clone();
        let (from, until) = (d(from), d(until));
        async move {
            let mut got: Vec<_> = store
                .plans_open_between(a, from, until)
                .await
                .unwrap()
                .into_iter()
                .map(|p| (p.category, p.starts_on, p.closed_on))
                .collect();
            got.sort();
            got
        }
    };
    let begun = d("2026-11-24");
    assert_eq!(
        spans("2026-11-01", "2026-11-30").await,
        [
            (PlanCategory::ChildNeedingSupport, begun, None),
            (PlanCategory::ChildNeedingSupport, begun, Some(d("2026-11-30"))),
            (PlanCategory::ChildRequiringProtection, begun, None),
            (PlanCategory::MaternalChildHealth, begun, None),
        ],
        "this municipality's plans only"
    );
    assert_eq!(
        spans("2026-12-01", "2026-12-31").await.len(),
        3,
        "the plan closed in November is not open in December"
    );
    assert!(spans("2026-10-01", "2026-10-31").await.is_empty(), "none begun yet");
}

async fn planning_a_newborn_visit_again_replans_the_open_one(store: support::Db) {
    let a = municipality(&store, "100001").await;
    let b = municipality(&store, "100002").await;
    let f = family(&store, a, "山田", "ヤマダ").await;
    let neighbours = family(&store, a, "佐藤", "サトウ").await;
    let hana = child(&store, a, f, "山田 花", "ヤマダ ハナ", "2026-11-10").await;
    let aoi = child(&store, a, f, "山田 葵", "ヤマダ アオイ", "2026-11-10").await;
    let nurse = staff_named(&store, a, "nurse@example.jp", "保健師 田中").await;
    let midwife = staff_named(&store, a, "midwife@example.jp", "助産師 高橋").await;
    let foreign = staff(&store, b, "b@example.jp", Role::Coordinator).await;
    let follow_up = PlannedVisit {
        kind: VisitKind::FollowUp,
        ..newborn_visit(hana, Some(nurse))
    };

    let first = store
        .plan_visit(a, f, nurse, &newborn_visit(hana, Some(nurse)), now())
        .await
        .unwrap();
    let replanned = PlannedVisit {
        due_by: d("2026-12-10"),
        scheduled_on: Some(d("2026-12-01")),
        ..newborn_visit(hana, Some(midwife))
    };
    let again = store.plan_visit(a, f, nurse, &replanned, now()).await.unwrap();
    let twin = store
        .plan_visit(a, f, nurse, &newborn_visit(aoi, None), now())
        .await
        .unwrap();
    let infant_home = store
        .plan_visit(
            a,
            f,
            nurse,
            &PlannedVisit {
                kind: VisitKind::InfantHome,
                ..newborn_visit(hana, None)
            },
            now(),
        )
        .await
        .unwrap();
    let follow_1 = store.plan_visit(a, f, nurse, &follow_up, now()).await.unwrap();
    let follow_2 = store.plan_visit(a, f, nurse, &follow_up, now()).await.unwrap();

    assert_eq!(again, first, "the open newborn visit is re-planned");
    assert_ne!(twin, first, "each child has their own visit");
    assert_ne!(infant_home, first, "another kind is another visit");
    assert_ne!(follow_1, follow_2, "visits a plan adds are never merged");
    let visits = store.home_visits(a, f).await.unwrap();
    assert_eq!(visits.len(), 5);
    let v = visits.iter().find(|v| v.id == first).unwrap();
    assert_eq!(
        (v.kind, v.child, v.pregnancy, v.due_by, v.scheduled_on),
        (
            VisitKind::Newborn,
            Some(hana),
            None,
            d("2026-12-10"),
            Some(d("2026-12-01"))
        )
    );
    assert_eq!(
        (v.assigned_to, v.assigned_name.as_deref()),
        (Some(midwife), Some("助産師 高橋"))
    );
    assert!(v.is_open());
    let all = store.all_home_visits(a).await.unwrap();
    assert_eq!(all.len(), 1);
    assert_eq!(all[&f].len(), 5);

    assert_not_found(
        store
            .plan_visit(a, f, nurse, &newborn_visit(hana, Some(foreign)), now())
            .await,
        "an assignee of another municipality",
    );
    assert_not_found(
        store.plan_visit(b, f, foreign, &newborn_visit(hana, None), now()).await,
        "another municipality's family",
    );
    assert_not_found(
        store
            .plan_visit(a, neighbours, nurse, &newborn_visit(hana, None), now())
            .await,
        "a child of another family",
    );
    assert!(store.home_visits(b, f).await.unwrap().is_empty());
    assert!(store.all_home_visits(b).await.unwrap().is_empty());
    assert!(store.home_visits(a, neighbours).await.unwrap().is_empty());
    let visits = store.home_visits(a, f).await.unwrap();
    assert_eq!(visits.len(), 5);
    let v = visits.iter().find(|v| v.id == first).unwrap();
    assert_eq!(v.assigned_to, Some(midwife), "a refused re-plan changed nothing");
}

async fn recording_a_visit_completes_its_item_and_a_flagging_epds_opens_a_plan(store: support::Db) {
    let a = municipality(&store, "100001").await;
    let b = municipality(&store, "100002").await;
    let f = family(&store, a, "山田", "ヤマダ").await;
    let neighbours = family(&store, a, "佐藤", "サトウ").await;
    let hana = child(&store, a, f, "山田 花", "ヤマダ ハナ", "2026-11-10").await;
    let nurse = staff_named(&store, a, "nurse@example.jp", "保健師 田中").await;
    let foreign = staff(&store, b, "b@example.jp", Role::Coordinator).await;
    let visit = store
        .plan_visit(a, f, nurse, &newborn_visit(hana, Some(nurse)), now())
        .await
        .unwrap();
    // The last printed option everywhere: 3 points on items 1, 2 and 4, none elsewhere.
    let nine = epds([3; 10]);
    assert_eq!((nine.total(), nine.self_harm_positive()), (9, false));
    let report = visit_report("2026-11-20", Some(nine));

    assert_not_found(
        store.record_visit(b, f, visit, foreign, &report, now()).await,
        "another municipality recording the visit",
    );
    assert_not_found(
        store.record_visit(a, neighbours, visit, nurse, &report, now()).await,
        "the visit under another family",
    );
    assert!(store.home_visits(a, f).await.unwrap()[0].is_open());

    let recorded = store.record_visit(a, f, visit, nurse, &report, now()).await.unwrap();

    assert_eq!(recorded.visit, visit);
    let (flag, opened) = recorded.flag.expect("a total of 9 flags");
    let plan = opened.expect("the family had no plan");
    let records = store.timeline_records(a, f).await.unwrap();
    assert_eq!(
        records
            .iter()
            .map(|r| (r.member, r.key.as_str(), r.done_on, r.source, r.recorded_by))
            .collect::<Vec<_>>(),
        [(
            Member::Child(hana),
            "visit-newborn",
            d("2026-11-20"),
            Source::Staff,
            nurse
        )]
    );
    let visits = store.home_visits(a, f).await.unwrap();
    assert_eq!(
        (visits[0].visited_on, visits[0].findings.as_str(), visits[0].epds),
        (Some(d("2026-11-20")), "授乳は順調", Some(nine))
    );
    let flags = store.risk_flags(a, f).await.unwrap();
    assert_eq!(flags.len(), 1);
    assert_eq!(
        (flags[0].id, flags[0].category, flags[0].origin, flags[0].raised_on),
        (flag, RiskCategory::NeedsSupport, FlagOrigin::Epds, d("2026-11-20"))
    );
    assert!(flags[0].reason.contains('9'), "{}", flags[0].reason);
    let plans = store.support_plans(a, f).await.unwrap();
    assert_eq!(plans.len(), 1);
    assert_eq!(
        (plans[0].id, plans[0].period.review_on, plans[0].responsible),
        (plan, d("2026-11-27"), Some(nurse))
    );

    assert_not_found(
        store.record_visit(a, f, visit, nurse, &report, now()).await,
        "a visit already recorded",
    );
    assert_eq!(store.timeline_records(a, f).await.unwrap().len(), 1);
    assert_eq!(store.risk_flags(a, f).await.unwrap().len(), 1);
    assert!(store.timeline_records(a, neighbours).await.unwrap().is_empty());
}

async fn an_epds_under_nine_raises_no_flag_but_any_thought_of_self_harm_does(store: support::Db) {
    let a = municipality(&store, "100001").await;
    let b = municipality(&store, "100002").await;
    let f = family(&store, a, "山田", "ヤマダ").await;
    let hana = child(&store, a, f, "山田 花", "ヤマダ ハナ", "2026-11-10").await;
    let nurse = staff_named(&store, a, "nurse@example.jp", "保健師 田中").await;
    let foreign = staff(&store, b, "b@example.jp", Role::Coordinator).await;
    // Items 1 and 2 at 3 points, item 4 at 2: a total of 8, item 10 at zero.
    let eight = epds([3, 3, 3, 2, 3, 3, 3, 3, 3, 3]);
    assert_eq!((eight.total(), eight.flags()), (8, false));
    // Only item 10 above zero (its third printed option): a total of 1.
    let self_harm = epds([0, 0, 3, 0, 3, 3, 3, 3, 3, 2]);
    assert_eq!((self_harm.total(), self_harm.score(10)), (1, 1));
    let newborn = store
        .plan_visit(a, f, nurse, &newborn_visit(hana, None), now())
        .await
        .unwrap();
    let follow_up = store
        .plan_visit(
            a,
            f,
            nurse,
            &PlannedVisit {
                kind: VisitKind::FollowUp,
                ..newborn_visit(hana, None)
            },
            now(),
        )
        .await
        .unwrap();

    let calm = store
        .record_visit(a, f, newborn, nurse, &visit_report("2026-11-18", Some(eight)), now())
        .await
        .unwrap();

    assert_eq!(calm.flag, None);
    assert!(store.risk_flags(a, f).await.unwrap().is_empty());
    assert!(store.support_plans(a, f).await.unwrap().is_empty());
    assert!(store.active_plans(a).await.unwrap().is_empty());
    assert_not_found(
        store
            .record_visit(
                b,
                f,
                follow_up,
                foreign,
                &visit_report("2026-11-24", Some(self_harm)),
                now(),
            )
            .await,
        "another municipality recording the visit",
    );

    let worrying = store
        .record_visit(
            a,
            f,
            follow_up,
            nurse,
            &visit_report("2026-11-24", Some(self_harm)),
            now(),
        )
        .await
        .unwrap();

    let (_, opened) = worrying.flag.expect("item 10 flags whatever the total");
    assert!(opened.is_some());
    let flags = store.risk_flags(a, f).await.unwrap();
    assert_eq!(flags.len(), 1);
    assert_eq!(flags[0].origin, FlagOrigin::Epds);
    assert!(flags[0].reason.contains("10"), "{}", flags[0].reason);
    let keys: Vec<String> = store
        .timeline_records(a, f)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.key)
        .collect();
    assert_eq!(keys, ["visit-newborn"], "a follow-up visit completes no timeline item");
    assert!(store.risk_flags(b, f).await.unwrap().is_empty());
    assert!(store.active_plans(b).await.unwrap().is_empty());
    assert!(store.all_home_visits(b).await.unwrap().is_empty());
}

async fn an_institution_name_is_unique_within_its_municipality_only(store: support::Db) {
    let a = municipality(&store, "100001").await;
    let b = municipality(&store, "100002").await;
    let hospital = NewInstitution {
        kind: InstitutionKind::Hospital,
        name: "市民病院",
        phone: "03-0000-0000",
        note: "産科・精神科あり",
    };
    let care = NewInstitution {
        kind: InstitutionKind::PostpartumCare,
        name: "助産院 こもれび",
        phone: "",
        note: "",
    };

    let care_id = store.add_institution(a, &care, now()).await.unwrap();
    let hospital_id = store.add_institution(a, &hospital, now()).await.unwrap();
    let duplicate = store
        .add_institution(
            a,
            &NewInstitution {
                kind: InstitutionKind::Other,
                ..hospital
            },
            now(),
        )
        .await;
    let elsewhere = store.add_institution(b, &hospital, now()).await.unwrap();

    assert!(
        matches!(duplicate, Err(store::Error::Conflict("institution_exists"))),
        "{duplicate:?}"
    );
    assert_eq!(
        store.institutions(a).await.unwrap(),
        [
            Institution {
                id: hospital_id,
                kind: InstitutionKind::Hospital,
                name: "市民病院".into(),
                phone: "03-0000-0000".into(),
                note: "産科・精神科あり".into(),
            },
            Institution {
                id: care_id,
                kind: InstitutionKind::PostpartumCare,
                name: "助産院 こもれび".into(),
                phone: String::new(),
                note: String::new(),
            },
        ],
        "by kind, then name"
    );
    let theirs = store.institutions(b).await.unwrap();
    assert_eq!(theirs.iter().map(|i| i.id).collect::<Vec<_>>(), [elsewhere]);
}

async fn a_referral_follows_its_status_and_refuses_another_municipalitys_ids(store: support::Db) {
    let a = municipality(&store, "100001").await;
    let b = municipality(&store, "100002").await;
    let f = family(&store, a, "山田", "ヤマダ").await;
    let neighbours = family(&store, a, "佐藤", "サトウ").await;
    let nurse = staff_named(&store, a, "nurse@example.jp", "保健師 田中").await;
    let foreign = staff(&store, b, "b@example.jp", Role::Coordinator).await;
    let institution = |kind, name| NewInstitution {
        kind,
        name,
        phone: "",
        note: "",
    };
    let hospital = store
        .add_institution(a, &institution(InstitutionKind::Hospital, "市民病院"), now())
        .await
        .unwrap();
    let care = store
        .add_institution(
            a,
            &institution(InstitutionKind::PostpartumCare, "助産院 こもれび"),
            now(),
        )
        .await
        .unwrap();
    let theirs = store
        .add_institution(b, &institution(InstitutionKind::Hospital, "隣市病院"), now())
        .await
        .unwrap();

    let referral = |institution, reason, status, referred_on, due_back_on| NewReferral {
        institution,
        reason,
        status,
        referred_on,
        due_back_on,
        by: nurse,
    };
    let first = store
        .refer(
            a,
            f,
            &referral(
                hospital,
                "精神科受診の調整",
                ReferralStatus::Referred,
                d("2026-11-10"),
                Some(d("2026-11-24")),
            ),
            now(),
        )
        .await
        .unwrap();
    let second = store
        .refer(
            a,
            f,
            &referral(care, "産後ケアの利用", ReferralStatus::Proposed, d("2026-11-20"), None),
            now(),
        )
        .await
        .unwrap();
    store
        .update_referral(a, f, first, ReferralStatus::Accepted, "12月2日に初診", now())
        .await
        .unwrap();

    let listed = store.referrals(a, f).await.unwrap();
    assert_eq!(
        listed.iter().map(|r| r.id).collect::<Vec<_>>(),
        [second, first],
        "newest first"
    );
    let r = &listed[1];
    assert_eq!(
        (r.institution, r.institution_name.as_str(), r.institution_kind),
        (hospital, "市民病院", InstitutionKind::Hospital)
    );
    assert_eq!(
        (r.reason.as_str(), r.status, r.outcome.as_str(), r.referred_on),
        (
            "精神科受診の調整",
            ReferralStatus::Accepted,
            "12月2日に初診",
            d("2026-11-10")
        )
    );
    assert_eq!(r.referred_by_name, "保健師 田中");
    assert_eq!(
        (listed[0].status, listed[0].outcome.as_str(), listed[0].due_back_on),
        (ReferralStatus::Proposed, "", None)
    );
    assert_eq!(r.due_back_on, Some(d("2026-11-24")));

    let refer = async |m, f, institution, by| {
        let referral = NewReferral {
            institution,
            reason: "x",
            status: ReferralStatus::Proposed,
            referred_on: today(),
            due_back_on: None,
            by,
        };
        store.refer(m, f, &referral, now()).await
    };
    assert_not_found(refer(a, f, theirs, nurse).await, "another municipality's institution");
    assert_not_found(refer(b, f, theirs, foreign).await, "another municipality's family");
    assert_not_found(refer(b, f, hospital, foreign).await, "both of another municipality");
    assert_not_found(
        store
            .update_referral(b, f, first, ReferralStatus::Declined, "x", now())
            .await,
        "another municipality's referral",
    );
    assert_not_found(
        store
            .update_referral(a, neighbours, first, ReferralStatus::Declined, "x", now())
            .await,
        "a referral of another family",
    );
    assert!(store.referrals(b, f).await.unwrap().is_empty());
    let listed = store.referrals(a, f).await.unwrap();
    assert_eq!(listed.len(), 2);
    assert_eq!(
        listed[1].status,
        ReferralStatus::Accepted,
        "refused updates changed nothing"
    );
}

async fn the_overview_gathers_every_family_of_the_municipality_and_no_other(store: support::Db) {
    let a = municipality(&store, "100001").await;
    let b = municipality(&store, "100002").await;
    let nurse = staff_named(&store, a, "nurse@example.jp", "保健師 田中").await;
    let foreign = staff(&store, b, "b@example.jp", Role::Coordinator).await;
    let kato = family(&store, a, "加藤", "カトウ").await;
    let abe = family(&store, a, "阿部", "アベ").await;
    let p = pregnancy(&store, a, kato, "2026-10-01", "2027-05-20").await;
    let aoi = child(&store, a, abe, "阿部 葵", "アベ アオイ", "2026-10-30").await;
    let ueda = family(&store, b, "上田", "ウエダ").await;
    let theirs = pregnancy(&store, b, ueda, "2026-10-05", "2027-05-01").await;
    store
        .add_record(
            a,
            abe,
            Member::Child(aoi),
            "checkup-1m",
            d("2026-11-24"),
            Source::Staff,
            nurse,
            now(),
        )
        .await
        .unwrap();
    let undone = store
        .add_record(
            a,
            kato,
            Member::Pregnancy(p),
            "checkup-pregnancy-1",
            d("2026-11-02"),
            Source::Staff,
            nurse,
            now(),
        )
        .await
        .unwrap();
    store.remove_record(a, None, undone, nurse, now()).await.unwrap();
    store
        .add_record(
            b,
            ueda,
            Member::Pregnancy(theirs),
            "checkup-pregnancy-1",
            d("2026-11-02"),
            Source::Staff,
            foreign,
            now(),
        )
        .await
        .unwrap();
    store
        .raise_flag(a, kato, nurse, &manual_flag("2026-11-20"), now())
        .await
        .unwrap();
    store
        .raise_flag(b, ueda, foreign, &manual_flag("2026-11-21"), now())
        .await
        .unwrap();

    let families = store.all_family_records(a).await.unwrap();
    let records = store.all_timeline_records(a).await.unwrap();
    let plans = store.active_plans(a).await.unwrap();

    assert_eq!(
        families
            .iter()
            .map(|f| (f.id, f.family_name_kana.as_str()))
            .collect::<Vec<_>>(),
        [(abe, "アベ"), (kato, "カトウ")],
        "by kana"
    );
    assert_eq!(families[0].children.iter().map(|c| c.id).collect::<Vec<_>>(), [aoi]);
    assert!(families[0].pregnancies.is_empty());
    assert_eq!(families[1].pregnancies.iter().map(|p| p.id).collect::<Vec<_>>(), [p]);
    assert!(families[1].children.is_empty());
    assert_eq!(records.len(), 1, "the undone record is left out");
    assert_eq!(
        records[&abe]
            .iter()
            .map(|r| (r.member, r.key.as_str(), r.done_on))
            .collect::<Vec<_>>(),
        [(Member::Child(aoi), "checkup-1m", d("2026-11-24"))]
    );
    assert_eq!(plans.len(), 1);
    assert_eq!((plans[0].family, plans[0].review_on), (kato, d("2026-11-27")));
    assert_eq!(plans[0].responsible, Some((nurse, "保健師 田中".to_owned())));

    let their_families = store.all_family_records(b).await.unwrap();
    assert_eq!(their_families.iter().map(|f| f.id).collect::<Vec<_>>(), [ueda]);
    assert_eq!(their_families[0].pregnancies[0].id, theirs);
    let their_records = store.all_timeline_records(b).await.unwrap();
    assert_eq!(their_records.keys().copied().collect::<Vec<_>>(), [ueda]);
    let their_plans = store.active_plans(b).await.unwrap();
    assert_eq!(their_plans.iter().map(|p| p.family).collect::<Vec<_>>(), [ueda]);
}

async fn the_task_sources_read_only_the_scope_s_families_and_the_keys_asked_for(store: support::Db) {
    let a = municipality(&store, "100001").await;
    let b = municipality(&store, "100002").await;
    let north = store.create_site(a, "北部拠点", now()).await.unwrap();
    let nurse = staff_named(&store, a, "nurse@example.jp", "保健師 田中").await;
    let midwife = staff_named(&store, a, "midwife@example.jp", "助産師 佐藤").await;
    let foreign = staff(&store, b, "b@example.jp", Role::Coordinator).await;
    let kato = family_at(&store, a, Some(north), "加藤", "カトウ").await;
    let abe = family(&store, a, "阿部", "アベ").await;
    let ueda = family(&store, b, "上田", "ウエダ").await;
    let p = pregnancy(&store, a, kato, "2026-10-01", "2027-05-20").await;
    let hana = child(&store, a, kato, "加藤 花", "カトウ ハナ", "2026-10-20").await;
    let aoi = child(&store, a, abe, "阿部 葵", "アベ アオイ", "2026-10-30").await;
    let theirs = child(&store, b, ueda, "上田 空", "ウエダ ソラ", "2026-10-25").await;
    let record = |m, f, member, key: &'static str, by| {
        store.add_record(m, f, member, key, d("2026-11-24"), Source::Staff, by, now())
    };
    record(a, kato, Member::Child(hana), "checkup-1m", nurse).await.unwrap();
    record(a, kato, Member::Child(hana), "hepb-1", nurse).await.unwrap();
    record(a, abe, Member::Child(aoi), "checkup-1m", nurse).await.unwrap();
    record(b, ueda, Member::Child(theirs), "checkup-1m", foreign)
        .await
        .unwrap();
    // The midwife has a visit to make to the 阿部 family; the nurse has made hers to the 加藤 family.
    store
        .plan_visit(a, abe, nurse, &newborn_visit(aoi, Some(midwife)), now())
        .await
        .unwrap();
    let made = store
        .plan_visit(a, kato, nurse, &newborn_visit(hana, Some(nurse)), now())
        .await
        .unwrap();
    store
        .record_visit(a, kato, made, nurse, &visit_report("2026-11-22", None), now())
        .await
        .unwrap();
    store
        .plan_visit(b, ueda, foreign, &newborn_visit(theirs, Some(foreign)), now())
        .await
        .unwrap();

    let keys = vec!["checkup-1m".to_owned(), "visit-newborn".to_owned()];
    let all = store.task_sources(a, TaskFamilies::All, &keys).await.unwrap();
    assert_eq!(
        all.families.iter().map(|f| f.id).collect::<Vec<_>>(),
        [kato, abe],
        "by id"
    );
    assert_eq!(
        all.families[0].pregnancies.iter().map(|x| x.id).collect::<Vec<_>>(),
        [p]
    );
    assert_eq!(
        all.families[0].children.iter().map(|c| c.id).collect::<Vec<_>>(),
        [hana]
    );
    assert_eq!(all.families[0].site, Some(north));
    assert_eq!(all.families[1].children.iter().map(|c| c.id).collect::<Vec<_>>(), [aoi]);
    assert_eq!(
        all.records[&kato].iter().map(|r| r.key.as_str()).collect::<Vec<_>>(),
        ["checkup-1m", "visit-newborn"],
        "the vaccination record is not read; the made visit's record is"
    );
    assert_eq!(all.records[&abe].len(), 1);
    assert_eq!(all.visits[&kato].len(), 1, "made visits are read too");
    assert!(!all.visits[&kato][0].is_open());
    assert_eq!(all.visits[&abe][0].assigned_to, Some(midwife));

    let site = store.task_sources(a, TaskFamilies::Site(north), &keys).await.unwrap();
    assert_eq!(site.families.iter().map(|f| f.id).collect::<Vec<_>>(), [kato]);
    assert_eq!(site.records.keys().copied().collect::<Vec<_>>(), [kato]);
    assert_eq!(site.visits.keys().copied().collect::<Vec<_>>(), [kato]);

    let hers = store
        .task_sources(a, TaskFamilies::WithOpenVisitsOf(midwife), &keys)
        .await
        .unwrap();
    assert_eq!(hers.families.iter().map(|f| f.id).collect::<Vec<_>>(), [abe]);
    assert_eq!(
        hers.families[0].children.iter().map(|c| c.id).collect::<Vec<_>>(),
        [aoi]
    );
    assert_eq!(hers.records.keys().copied().collect::<Vec<_>>(), [abe]);
    let none = store
        .task_sources(a, TaskFamilies::WithOpenVisitsOf(nurse), &keys)
        .await
        .unwrap();
    assert!(none.families.is_empty(), "a made visit puts no family on the list");
    assert!(none.records.is_empty() && none.visits.is_empty());

    let no_keys = store.task_sources(a, TaskFamilies::All, &[]).await.unwrap();
    assert_eq!(no_keys.families.len(), 2);
    assert!(no_keys.records.is_empty());

    // Another municipality's families, site or coordinator reach nothing of this one.
    let theirs_all = store.task_sources(b, TaskFamilies::All, &keys).await.unwrap();
    assert_eq!(theirs_all.families.iter().map(|f| f.id).collect::<Vec<_>>(), [ueda]);
    assert_eq!(theirs_all.records.keys().copied().collect::<Vec<_>>(), [ueda]);
    assert!(
        store
            .task_sources(b, TaskFamilies::Site(north), &keys)
            .await
            .unwrap()
            .families
            .is_empty()
    );
    assert!(
        store
            .task_sources(b, TaskFamilies::WithOpenVisitsOf(midwife), &keys)
            .await
            .unwrap()
            .families
            .is_empty()
    );
    assert!(
        store
            .task_sources(a, TaskFamilies::WithOpenVisitsOf(foreign), &keys)
            .await
            .unwrap()
            .families
            .is_empty()
    );
}

async fn the_figures_count_notification_interviews_and_screenings_of_the_municipality_only(store: support::Db) {
    let a = municipality(&store, "100001").await;
    let b = municipality(&store, "100002").await;
    let north = store.create_site(a, "北部拠点", now()).await.unwrap();
    let nurse = staff_named(&store, a, "nurse@example.jp", "保健師 田中").await;
    let foreign = staff(&store, b, "b@example.jp", Role::Coordinator).await;
    let kato = family_at(&store, a, Some(north), "加藤", "カトウ").await;
    let abe = family(&store, a, "阿部", "アベ").await;
    let ueda = family(&store, b, "上田", "ウエダ").await;
    let interviewed = pregnancy(&store, a, kato, "2026-10-01", "2027-05-20").await;
    let waiting = pregnancy(&store, a, abe, "2026-11-02", "2027-06-10").await;
    let theirs = pregnancy(&store, b, ueda, "2026-10-05", "2027-05-01").await;
    let interview = |kind, member| NewInterview {
        kind,
        member,
        held_on: d("2026-11-20"),
        home_support: HomeSupport::Enough,
        checklist: &[],
        health: "",
        worries: "",
        questionnaire_returned: false,
        interview_requested: false,
        benefit_form_handed: false,
        flag: None,
    };
    store
        .add_interview(
            a,
            kato,
            nurse,
            &interview(InterviewKind::Notification, Member::Pregnancy(interviewed)),
            now(),
        )
        .await
        .unwrap();
    store
        .add_interview(
            a,
            abe,
            nurse,
            &interview(InterviewKind::EightMonth, Member::Pregnancy(waiting)),
            now(),
        )
        .await
        .unwrap();
    store
        .add_interview(
            b,
            ueda,
            foreign,
            &interview(InterviewKind::Notification, Member::Pregnancy(theirs)),
            now(),
        )
        .await
        .unwrap();
    let kato_baby = child(&store, a, kato, "加藤 凛", "カトウ リン", "2026-11-10").await;
    let ueda_baby = child(&store, b, ueda, "上田 蓮", "ウエダ レン", "2026-11-10").await;
    let screened = [
        (
            a,
            kato,
            nurse,
            newborn_visit(kato_baby, None),
            "2026-11-20",
            Some(epds([0; 10])),
        ),
        (
            a,
            abe,
            nurse,
            PlannedVisit {
                kind: VisitKind::FollowUp,
                member: None,
                due_by: d("2026-12-01"),
                assigned_to: None,
                scheduled_on: None,
            },
            "2026-11-22",
            Some(epds([3, 3, 3, 2, 3, 3, 3, 3, 3, 3])),
        ),
        (
            a,
            abe,
            nurse,
            PlannedVisit {
                kind: VisitKind::ParentingSupport,
                member: None,
                due_by: d("2026-12-01"),
                assigned_to: None,
                scheduled_on: None,
            },
            "2026-11-23",
            None,
        ),
        (
            b,
            ueda,
            foreign,
            newborn_visit(ueda_baby, None),
            "2026-11-21",
            Some(epds([0; 10])),
        ),
    ];
    for (m, f, by, planned, on, taken) in screened {
        let visit = store.plan_visit(m, f, by, &planned, now()).await.unwrap();
        store
            .record_visit(m, f, visit, by, &visit_report(on, taken), now())
            .await
            .unwrap();
    }
    // A visit still to be made has no screening yet.
    store
        .plan_visit(
            a,
            abe,
            nurse,
            &PlannedVisit {
                kind: VisitKind::FollowUp,
                member: None,
                due_by: d("2026-12-20"),
                assigned_to: None,
                scheduled_on: None,
            },
            now(),
        )
        .await
        .unwrap();

    let (ever, never) = (d("1900-01-01"), d("2999-12-31"));
    let mut notifications = store.notifications(a, ever, never).await.unwrap();
    let mut screenings = store.screenings(a, ever, never).await.unwrap();
    // A period holds the days it names, both ends included.
    let october = store.notifications(a, d("2026-10-01"), d("2026-10-31")).await.unwrap();
    assert_eq!(
        october.iter().map(|n| n.notified_on).collect::<Vec<_>>(),
        [d("2026-10-01")]
    );
    let on_the_22nd = store.screenings(a, d("2026-11-21"), d("2026-11-22")).await.unwrap();
    assert_eq!(
        on_the_22nd.iter().map(|s| s.taken_on).collect::<Vec<_>>(),
        [d("2026-11-22")]
    );

    notifications.sort_by_key(|n| n.notified_on);
    assert_eq!(
        notifications
            .iter()
            .map(|n| (n.site, n.notified_on, n.due_date, n.interviewed))
            .collect::<Vec<_>>(),
        [
            (Some(north), d("2026-10-01"), d("2027-05-20"), true),
            (None, d("2026-11-02"), d("2027-06-10"), false),
        ],
        "only the notification interview counts"
    );
    screenings.sort_by_key(|s| s.taken_on);
    assert_eq!(
        screenings
            .iter()
            .map(|s| (s.site, s.taken_on, s.flagged))
            .collect::<Vec<_>>(),
        [(Some(north), d("2026-11-20"), true), (None, d("2026-11-22"), false)]
    );
    let theirs = store.notifications(b, ever, never).await.unwrap();
    assert_eq!(
        theirs
            .iter()
            .map(|n| (n.notified_on, n.interviewed))
            .collect::<Vec<_>>(),
        [(d("2026-10-05"), true)]
    );
    let their_screenings = store.screenings(b, ever, never).await.unwrap();
    assert_eq!(
        their_screenings.iter().map(|s| s.taken_on).collect::<Vec<_>>(),
        [d("2026-11-21")]
    );
}

async fn an_actors_audit_trail_names_them_and_stays_in_their_municipality(store: support::Db) {
    let a = municipality(&store, "100001").await;
    let b = municipality(&store, "100002").await;
    let nurse = staff_named(&store, a, "nurse@example.jp", "保健師 田中").await;
    let lead = staff_named(&store, a, "lead@example.jp", "主任 佐々木").await;
    let foreign = staff(&store, b, "b@example.jp", Role::Coordinator).await;
    let at = |s| now() + Duration::seconds(s);
    store
        .audit(a, nurse, "read", "family:1", Some("10.0.0.1"), at(0))
        .await
        .unwrap();
    store.audit(a, lead, "read", "family:1", None, at(1)).await.unwrap();
    store.audit(a, nurse, "update", "plan:3", None, at(2)).await.unwrap();
    store.audit(b, foreign, "read", "family:9", None, at(3)).await.unwrap();

    let trail = store.audit_of_actor(a, nurse).await.unwrap();

    assert_eq!(
        trail
            .iter()
            .map(|e| (e.action.as_str(), e.subject.as_str(), e.at))
            .collect::<Vec<_>>(),
        [("update", "plan:3", at(2)), ("read", "family:1", at(0))],
        "only the nurse's entries, newest first"
    );
    assert!(
        trail.iter().all(|e| e.actor == nurse && e.actor_name == "保健師 田中"),
        "{trail:?}"
    );
    assert_eq!(
        (trail[0].address.as_deref(), trail[1].address.as_deref()),
        (None, Some("10.0.0.1"))
    );
    assert_eq!(
        store.audit_of_actor(a, lead).await.unwrap()[0].actor_name,
        "主任 佐々木"
    );
    assert!(store.audit_of_actor(b, nurse).await.unwrap().is_empty());
    assert!(store.audit_of_actor(a, foreign).await.unwrap().is_empty());
    assert_eq!(store.audit_of_actor(b, foreign).await.unwrap().len(), 1);
}

/// A parent of the family, joined with an invitation the way a real one is.
async fn guardian(store: &Store, m: MunicipalityId, f: FamilyId, n: u8, email: &str, name: &str) -> AccountId {
    let issuer = staff(store, m, &format!("issuer{n}@example.jp"), Role::Coordinator).await;
    store.issue_invitation(m, f, issuer, code(n), now()).await.unwrap();
    let email = Email::parse(email).unwrap();
    let hash = hash_password(&NewPassword::parse("guardian password").unwrap()).unwrap();
    let name = PersonName::parse("n", name).unwrap();
    let kana = Kana::parse("k", "ヤマダ ハナコ").unwrap();
    let new = NewGuardian {
        email: &email,
        password_hash: &hash,
        name: &name,
        name_kana: &kana,
    };
    store
        .join_with_invitation(&code(n), &new, None, now())
        .await
        .unwrap()
        .unwrap()
}

fn text(s: &str) -> MessageText {
    MessageText::parse(s).unwrap()
}

fn key(s: &str) -> ClientKey {
    ClientKey::parse(s).unwrap()
}

/// A local time in the municipality's zone (Asia/Tokyo in these tests).
fn local(s: &str) -> NaiveDateTime {
    s.parse().unwrap()
}

fn at(s: &str) -> chrono::DateTime<Utc> {
    s.parse().unwrap()
}

/// Opens a feeding consultation about no one in particular; the key names the first message.
async fn consult(store: &Store, m: MunicipalityId, f: FamilyId, by: AccountId, client_key: &str) -> i64 {
    store
        .open_consultation(
            m,
            f,
            by,
            &NewConsultation {
                member: None,
                topic: Topic::Feeding,
                mode: ContactMode::Phone,
                urgency: Urgency::Whenever,
                preferred_times: "",
                message: &text("ミルクの量が心配です"),
                client_key: &key(client_key),
            },
            now(),
        )
        .await
        .unwrap()
}

/// Publishes one slot per local start time, 30 minutes at the site, and returns their ids in order.
async fn publish(store: &Store, m: MunicipalityId, site: SiteId, by: AccountId, starts: &[&str]) -> Vec<i64> {
    let starts: Vec<NaiveDateTime> = starts.iter().map(|s| local(s)).collect();
    let published = store
        .publish_slots(
            m,
            by,
            &NewSlots {
                site,
                coordinator: Some(by),
                starts: &starts,
                minutes: 30,
                mode: ContactMode::AtSite,
            },
            now(),
        )
        .await
        .unwrap();
    assert_eq!(published, starts.len());
    let all = store.slots(m, at("2000-01-01T00:00:00Z"), false).await.unwrap();
    starts
        .iter()
        .map(|s| {
            all.iter()
                .find(|slot| slot.starts_at == *s && slot.site == site)
                .unwrap()
                .id
        })
        .collect()
}

async fn booked_by(store: &Store, m: MunicipalityId, slot: i64) -> Option<i64> {
    let all = store.slots(m, at("2000-01-01T00:00:00Z"), false).await.unwrap();
    all.iter().find(|s| s.id == slot).expect("slot listed").booked_by
}

#[track_caller]
fn assert_conflict<T: std::fmt::Debug>(result: Result<T, store::Error>, name: &str) {
    assert!(
        matches!(result, Err(store::Error::Conflict(n)) if n == name),
        "expected Conflict({name}), got {result:?}"
    );
}

async fn a_consultation_opened_after_midnight_in_the_municipality_is_dated_that_day_not_the_utc_one(
    store: support::Db,
) {
    let m = municipality(&store, "100001").await;
    let f = family(&store, m, "山田", "ヤマダ").await;
    let parent = guardian(&store, m, f, 1, "hanako@example.jp", "山田 花子").await;
    // 01:30 in Tokyo on the 25th is still the 24th in UTC.
    let at = Utc.with_ymd_and_hms(2026, 11, 24, 16, 30, 0).unwrap();
    let id = store
        .open_consultation(
            m,
            f,
            parent,
            &NewConsultation {
                member: None,
                topic: Topic::Feeding,
                mode: ContactMode::Phone,
                urgency: Urgency::Whenever,
                preferred_times: "",
                message: &text("夜中に熱が出ました"),
                client_key: &key("midnight-key-0001"),
            },
            at,
        )
        .await
        .unwrap();
    let opened = store.consultation(m, id).await.unwrap();
    assert_eq!((opened.opened_at, opened.opened_on), (at, d("2026-11-25")));
}

async fn a_consultation_opens_with_its_first_message_and_stays_in_its_family_and_municipality(store: support::Db) {
    let m = municipality(&store, "100001").await;
    let other = municipality(&store, "100002").await;
    let f = family(&store, m, "山田", "ヤマダ").await;
    let neighbours = family(&store, m, "鈴木", "スズキ").await;
    let c = child(&store, m, f, "山田 陽菜", "ヤマダ ヒナ", "2026-10-01").await;
    let p = pregnancy(&store, m, f, "2026-09-01", "2027-04-01").await;
    let foreign_child = child(&store, m, neighbours, "鈴木 蓮", "スズキ レン", "2026-09-15").await;
    let parent = guardian(&store, m, f, 1, "hanako@example.jp", "山田 花子").await;

    let new = NewConsultation {
        member: Some(Member::Child(c)),
        topic: Topic::Feeding,
        mode: ContactMode::Phone,
        urgency: Urgency::SoonIsBetter,
        preferred_times: "平日の午前",
        message: &text("ミルクの量が心配です"),
        client_key: &key("open-0001"),
    };
    let id = store.open_consultation(m, f, parent, &new, now()).await.unwrap();

    let listed = store.consultations(m, Which::Family(f)).await.unwrap();
    assert_eq!(listed.len(), 1);
    let opened = &listed[0];
    assert_eq!((opened.id, opened.family, opened.family_name.as_str()), (id, f, "山田"));
    assert_eq!(opened.member, Some(Member::Child(c)));
    assert_eq!(
        (opened.topic, opened.mode, opened.urgency),
        (Topic::Feeding, ContactMode::Phone, Urgency::SoonIsBetter)
    );
    assert_eq!(opened.preferred_times, "平日の午前");
    assert_eq!(
        (opened.assigned_to, opened.closed, opened.booking.as_ref()),
        (None, None, None)
    );
    assert_eq!(opened.opened_at, now());
    assert_eq!(opened.messages.len(), 1);
    let first = &opened.messages[0];
    assert_eq!(
        (first.author, first.author_name.as_str(), first.body.as_str()),
        (Author::Guardian, "山田 花子", "ミルクの量が心配です")
    );
    assert_eq!((first.sent_at, first.client_key.as_str()), (now(), "open-0001"));
    // The parent has read what they wrote; nothing from the centre yet, and the centre owes a reply.
    assert_eq!(
        (opened.guardian_read_at, opened.staff_read_at, opened.staff_changed_at),
        (Some(now()), None, None)
    );
    assert!(!opened.unread_by_guardian());
    assert!(opened.waiting_for_staff());
    assert_eq!(opened.waiting_since(), Some(now()));
    assert_eq!(&store.consultation(m, id).await.unwrap(), opened);

    // About a pregnancy, an hour later: listed first.
    let later = now() + Duration::hours(1);
    let about_pregnancy = store
        .open_consultation(
            m,
            f,
            parent,
            &NewConsultation {
                member: Some(Member::Pregnancy(p)),
                client_key: &key("open-0002"),
                ..new
            },
            later,
        )
        .await
        .unwrap();
    let listed = store.consultations(m, Which::Family(f)).await.unwrap();
    assert_eq!(
        listed.iter().map(|c| c.id).collect::<Vec<_>>(),
        vec![about_pregnancy, id]
    );
    assert_eq!(listed[0].member, Some(Member::Pregnancy(p)));

    // Another municipality sees nothing and cannot open one for this family.
    assert_not_found(
        store.consultation(other, id).await,
        "a consultation read from another municipality",
    );
    assert!(store.consultations(other, Which::Family(f)).await.unwrap().is_empty());
    assert!(store.consultations(other, Which::One(id)).await.unwrap().is_empty());
    assert_not_found(
        store.open_consultation(other, f, parent, &new, now()).await,
        "a consultation opened in another municipality",
    );
    // A child of another family is refused, and nothing is stored.
    assert_not_found(
        store
            .open_consultation(
                m,
                f,
                parent,
                &NewConsultation {
                    member: Some(Member::Child(foreign_child)),
                    client_key: &key("open-0003"),
                    ..new
                },
                now(),
            )
            .await,
        "a consultation about another family's child",
    );
    assert_eq!(store.consultations(m, Which::Family(f)).await.unwrap().len(), 2);
    assert!(
        store
            .consultations(m, Which::Family(neighbours))
            .await
            .unwrap()
            .is_empty()
    );
}

async fn a_retried_message_is_stored_once_and_a_staff_reply_is_news_until_the_parent_reads_it(store: support::Db) {
    let m = municipality(&store, "100001").await;
    let other = municipality(&store, "100002").await;
    let f = family(&store, m, "山田", "ヤマダ").await;
    let parent = guardian(&store, m, f, 1, "hanako@example.jp", "山田 花子").await;
    let nurse = staff_named(&store, m, "sato@example.jp", "保健師 佐藤").await;
    let id = consult(&store, m, f, parent, "open-0001").await;

    // A send whose answer was lost is retried with the same key: one message, the same id.
    let t1 = now() + Duration::minutes(5);
    let sent = store
        .post_message(
            m,
            id,
            Author::Guardian,
            parent,
            &text("夜も泣きます"),
            &key("msg-0001"),
            t1,
        )
        .await
        .unwrap();
    let retried = store
        .post_message(
            m,
            id,
            Author::Guardian,
            parent,
            &text("夜も泣きます"),
            &key("msg-0001"),
            t1 + Duration::seconds(30),
        )
        .await
        .unwrap();
    assert_eq!(retried, sent);
    let c = store.consultation(m, id).await.unwrap();
    assert_eq!(c.messages.len(), 2);
    assert_eq!((c.messages[1].id, c.messages[1].sent_at), (sent, t1));
    assert!(c.waiting_for_staff());
    assert!(!c.unread_by_guardian());

    // The centre replies: the parent has news and the centre no longer owes an answer.
    let t2 = now() + Duration::hours(2);
    let reply = store
        .post_message(m, id, Author::Staff, nurse, &text("お電話します"), &key("msg-0002"), t2)
        .await
        .unwrap();
    assert_ne!(reply, sent);
    let c = store.consultation(m, id).await.unwrap();
    assert_eq!(c.messages.len(), 3);
    let last = c.messages.last().unwrap();
    assert_eq!(
        (last.author, last.author_name.as_str(), last.body.as_str()),
        (Author::Staff, "保健師 佐藤", "お電話します")
    );
    assert_eq!((c.staff_changed_at, c.staff_read_at), (Some(t2), Some(t2)));
    assert!(c.unread_by_guardian());
    assert!(!c.waiting_for_staff());
    assert_eq!(c.waiting_since(), None);

    // Until the parent opens it.
    let t3 = t2 + Duration::minutes(10);
    store.mark_consultation_read(m, id, Author::Guardian, t3).await.unwrap();
    let c = store.consultation(m, id).await.unwrap();
    assert_eq!(c.guardian_read_at, Some(t3));
    assert!(!c.unread_by_guardian());

    // The parent writes again: the centre owes a reply since that message.
    let t4 = t3 + Duration::hours(1);
    store
        .post_message(
            m,
            id,
            Author::Guardian,
            parent,
            &text("ありがとうございます"),
            &key("msg-0003"),
            t4,
        )
        .await
        .unwrap();
    let c = store.consultation(m, id).await.unwrap();
    assert!(c.waiting_for_staff());
    assert_eq!(c.waiting_since(), Some(t4));

    // Another municipality can neither write in it nor close it.
    assert_not_found(
        store
            .post_message(other, id, Author::Staff, nurse, &text("x"), &key("msg-0004"), t4)
            .await,
        "a message from another municipality",
    );
    assert_not_found(
        store
            .close_consultation(other, id, Outcome::Resolved, "", nurse, t4)
            .await,
        "a close from another municipality",
    );

    // Closed: no more messages, not even a retry, and it cannot be closed twice.
    let t5 = t4 + Duration::hours(1);
    store
        .close_consultation(m, id, Outcome::Linked, "子育て支援課へ", nurse, t5)
        .await
        .unwrap();
    let c = store.consultation(m, id).await.unwrap();
    assert_eq!(
        (c.closed, c.closing_note.as_str()),
        (Some(Outcome::Linked), "子育て支援課へ")
    );
    assert!(!c.waiting_for_staff());
    assert_conflict(
        store
            .post_message(m, id, Author::Guardian, parent, &text("もう一つ"), &key("msg-0005"), t5)
            .await,
        "consultation_closed",
    );
    assert_conflict(
        store
            .post_message(
                m,
                id,
                Author::Guardian,
                parent,
                &text("夜も泣きます"),
                &key("msg-0001"),
                t5,
            )
            .await,
        "consultation_closed",
    );
    assert_eq!(store.consultation(m, id).await.unwrap().messages.len(), 4);
    assert!(
        matches!(
            store.close_consultation(m, id, Outcome::Resolved, "", nurse, t5).await,
            Err(store::Error::Conflict("consultation_closed"))
        ),
        "closing a closed consultation is a conflict"
    );
    assert_eq!(store.consultation(m, id).await.unwrap().closed, Some(Outcome::Linked));
}

async fn a_consultation_is_assigned_only_to_staff_of_its_municipality(store: support::Db) {
    let m = municipality(&store, "100001").await;
    let other = municipality(&store, "100002").await;
    let f = family(&store, m, "山田", "ヤマダ").await;
    let parent = guardian(&store, m, f, 1, "hanako@example.jp", "山田 花子").await;
    let nurse = staff_named(&store, m, "sato@example.jp", "保健師 佐藤").await;
    let foreign_nurse = staff_named(&store, other, "tanaka@example.jp", "保健師 田中").await;
    let id = consult(&store, m, f, parent, "open-0001").await;

    store.assign_consultation(m, id, Some(nurse)).await.unwrap();
    let c = store.consultation(m, id).await.unwrap();
    assert_eq!(
        (c.assigned_to, c.assigned_name.as_deref()),
        (Some(nurse), Some("保健師 佐藤"))
    );

    assert_not_found(
        store.assign_consultation(m, id, Some(foreign_nurse)).await,
        "assigning staff of another municipality",
    );
    assert_not_found(
        store.assign_consultation(m, id, Some(parent)).await,
        "assigning a parent",
    );
    assert_not_found(
        store.assign_consultation(other, id, Some(foreign_nurse)).await,
        "assigning from another municipality",
    );
    assert_eq!(store.consultation(m, id).await.unwrap().assigned_to, Some(nurse));

    store.assign_consultation(m, id, None).await.unwrap();
    let c = store.consultation(m, id).await.unwrap();
    assert_eq!((c.assigned_to, c.assigned_name), (None, None));
}

async fn slots_are_published_in_local_time_at_the_municipalitys_own_sites(store: support::Db) {
    let m = municipality(&store, "100001").await;
    let other = municipality(&store, "100002").await;
    let f = family(&store, m, "山田", "ヤマダ").await;
    let parent = guardian(&store, m, f, 1, "hanako@example.jp", "山田 花子").await;
    let nurse = staff_named(&store, m, "sato@example.jp", "保健師 佐藤").await;
    let foreign_nurse = staff_named(&store, other, "tanaka@example.jp", "保健師 田中").await;
    let site = store.create_site(m, "中央保健センター", now()).await.unwrap();
    let foreign_site = store.create_site(other, "他市の拠点", now()).await.unwrap();

    let slots = publish(&store, m, site, nurse, &["2026-12-01T10:00:00", "2026-12-08T10:00:00"]).await;
    let listed = store.slots(m, now(), false).await.unwrap();
    assert_eq!(listed.iter().map(|s| s.id).collect::<Vec<_>>(), slots);
    let first = &listed[0];
    assert_eq!(first.starts_at, local("2026-12-01T10:00:00"));
    assert_eq!((first.site, first.site_name.as_str()), (site, "中央保健センター"));
    assert_eq!(
        (first.coordinator, first.coordinator_name.as_deref()),
        (Some(nurse), Some("保健師 佐藤"))
    );
    assert_eq!(
        (first.minutes, first.mode, first.booked_by),
        (30, ContactMode::AtSite, None)
    );

    // Local 10:00 in Tokyo is 01:00 UTC: listed from 01:00Z on, not from a second later.
    let stored: Vec<(String,)> = {
        let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(&store.url)
            .await
            .unwrap();
        sqlx::query_as("SELECT starts_at FROM consultation_slots ORDER BY starts_at")
            .fetch_all(&mut conn)
            .await
            .unwrap()
    };
    assert_eq!(stored[0].0, "2026-12-01T01:00:00.000000Z");
    let from_one = store.slots(m, at("2026-12-01T01:00:00Z"), false).await.unwrap();
    assert_eq!(from_one.first().map(|s| s.id), Some(slots[0]));
    let a_second_later = store.slots(m, at("2026-12-01T01:00:01Z"), false).await.unwrap();
    assert_eq!(a_second_later.iter().map(|s| s.id).collect::<Vec<_>>(), vec![slots[1]]);

    // A booked slot is hidden from the open list but stays in the full one.
    let id = consult(&store, m, f, parent, "open-0001").await;
    store.book_slot(m, id, slots[0], Author::Guardian, now()).await.unwrap();
    let open = store.slots(m, now(), true).await.unwrap();
    assert_eq!(open.iter().map(|s| s.id).collect::<Vec<_>>(), vec![slots[1]]);
    let all = store.slots(m, now(), false).await.unwrap();
    assert_eq!(
        all.iter().map(|s| (s.id, s.booked_by)).collect::<Vec<_>>(),
        vec![(slots[0], Some(id)), (slots[1], None)]
    );

    // Another municipality sees none of them, and cannot use its site or coordinator here.
    assert!(store.slots(other, now(), false).await.unwrap().is_empty());
    let starts = [local("2026-12-02T10:00:00")];
    let at_foreign_site = NewSlots {
        site: foreign_site,
        coordinator: Some(nurse),
        starts: &starts,
        minutes: 30,
        mode: ContactMode::AtSite,
    };
    assert_not_found(
        store.publish_slots(m, nurse, &at_foreign_site, now()).await,
        "slots at another municipality's site",
    );
    let with_foreign_coordinator = NewSlots {
        site,
        coordinator: Some(foreign_nurse),
        ..at_foreign_site
    };
    assert_not_found(
        store.publish_slots(m, nurse, &with_foreign_coordinator, now()).await,
        "slots kept by another municipality's coordinator",
    );
    assert_eq!(store.slots(m, now(), false).await.unwrap().len(), 2);

    // A withdrawn slot leaves the lists.
    store.withdraw_slot(m, slots[1], now()).await.unwrap();
    let all = store.slots(m, now(), false).await.unwrap();
    assert_eq!(all.iter().map(|s| s.id).collect::<Vec<_>>(), vec![slots[0]]);
}

async fn booking_a_slot_moves_the_booking_and_never_takes_someone_elses(store: support::Db) {
    let m = municipality(&store, "100001").await;
    let other = municipality(&store, "100002").await;
    let f = family(&store, m, "山田", "ヤマダ").await;
    let g = family(&store, m, "鈴木", "スズキ").await;
    let parent = guardian(&store, m, f, 1, "hanako@example.jp", "山田 花子").await;
    let other_parent = guardian(&store, m, g, 2, "suzuki@example.jp", "鈴木 美咲").await;
    let nurse = staff_named(&store, m, "sato@example.jp", "保健師 佐藤").await;
    let foreign_nurse = staff_named(&store, other, "tanaka@example.jp", "保健師 田中").await;
    let site = store.create_site(m, "中央保健センター", now()).await.unwrap();
    let foreign_site = store.create_site(other, "他市の拠点", now()).await.unwrap();
    // now() is 2026-11-24T03:00Z, 12:00 in Tokyo: the 11:00 slot is past, the 12:00 one starts now.
    let slots = publish(
        &store,
        m,
        site,
        nurse,
        &[
            "2026-12-01T10:00:00",
            "2026-12-01T11:00:00",
            "2026-12-01T14:00:00",
            "2026-11-24T11:00:00",
            "2026-11-24T12:00:00",
        ],
    )
    .await;
    let (first, second, third, past, starting_now) = (slots[0], slots[1], slots[2], slots[3], slots[4]);
    let foreign_slot = publish(&store, other, foreign_site, foreign_nurse, &["2026-12-01T10:00:00"]).await[0];
    let a = consult(&store, m, f, parent, "open-0001").await;
    let b = consult(&store, m, g, other_parent, "open-0002").await;

    // The parent books: it shows on the consultation, in local time.
    let t1 = now() + Duration::minutes(1);
    store.book_slot(m, a, first, Author::Guardian, t1).await.unwrap();
    let c = store.consultation(m, a).await.unwrap();
    let booking = c.booking.as_ref().expect("booked");
    assert_eq!(
        (booking.slot, booking.site, booking.site_name.as_str()),
        (first, site, "中央保健センター")
    );
    assert_eq!((booking.starts_at, booking.minutes), (local("2026-12-01T10:00:00"), 30));
    assert_eq!(booking.coordinator_name.as_deref(), Some("保健師 佐藤"));
    assert_eq!(booked_by(&store, m, first).await, Some(a));
    // Booked by the parent: the parent has seen it, no news.
    assert_eq!(c.guardian_read_at, Some(t1));
    assert!(!c.unread_by_guardian());

    // Booking another slot moves the booking: the first slot is free again.
    store.book_slot(m, a, second, Author::Guardian, t1).await.unwrap();
    assert_eq!(
        store.consultation(m, a).await.unwrap().booking.map(|b| b.slot),
        Some(second)
    );
    assert_eq!(booked_by(&store, m, first).await, None);
    assert_eq!(booked_by(&store, m, second).await, Some(a));

    // A slot someone else holds cannot be taken, and a failed move keeps the old booking.
    assert_conflict(store.book_slot(m, b, second, Author::Guardian, t1).await, "slot_taken");
    assert_eq!(store.consultation(m, b).await.unwrap().booking, None);
    store.book_slot(m, b, third, Author::Guardian, t1).await.unwrap();
    assert_conflict(store.book_slot(m, b, second, Author::Guardian, t1).await, "slot_taken");
    assert_eq!(
        store.consultation(m, b).await.unwrap().booking.map(|b| b.slot),
        Some(third)
    );
    assert_eq!(booked_by(&store, m, third).await, Some(b));
    assert_eq!(booked_by(&store, m, second).await, Some(a));

    // A slot that has begun or is past cannot be booked; the booking stays where it was.
    assert_conflict(store.book_slot(m, a, past, Author::Guardian, now()).await, "slot_taken");
    assert_conflict(
        store.book_slot(m, a, starting_now, Author::Guardian, now()).await,
        "slot_taken",
    );
    assert_eq!(
        store.consultation(m, a).await.unwrap().booking.map(|b| b.slot),
        Some(second)
    );
    assert_eq!(
        (
            booked_by(&store, m, past).await,
            booked_by(&store, m, starting_now).await
        ),
        (None, None)
    );

    // Another municipality's slot or consultation is out of reach.
    assert!(store.book_slot(m, a, foreign_slot, Author::Guardian, t1).await.is_err());
    assert_eq!(booked_by(&store, other, foreign_slot).await, None);
    assert_not_found(
        store.book_slot(other, a, foreign_slot, Author::Guardian, t1).await,
        "booking another municipality's consultation",
    );
    assert_not_found(
        store.cancel_booking(other, a, Author::Guardian, t1).await,
        "cancelling from another municipality",
    );
    assert_eq!(
        store.consultation(m, a).await.unwrap().booking.map(|b| b.slot),
        Some(second)
    );

    // Staff moving a booking is news for the parent.
    let t2 = t1 + Duration::hours(1);
    store.book_slot(m, a, first, Author::Staff, t2).await.unwrap();
    let c = store.consultation(m, a).await.unwrap();
    assert_eq!(
        (c.booking.as_ref().map(|b| b.slot), c.staff_changed_at),
        (Some(first), Some(t2))
    );
    assert!(c.unread_by_guardian());

    // A booked slot cannot be withdrawn; cancelling frees it, and then it can.
    assert_conflict(store.withdraw_slot(m, first, t2).await, "slot_taken");
    store.cancel_booking(m, a, Author::Guardian, t2).await.unwrap();
    assert_eq!(store.consultation(m, a).await.unwrap().booking, None);
    assert_eq!(booked_by(&store, m, first).await, None);
    assert_not_found(
        store.cancel_booking(m, a, Author::Guardian, t2).await,
        "cancelling no booking",
    );
    store.withdraw_slot(m, first, t2).await.unwrap();
    assert_conflict(store.withdraw_slot(m, first, t2).await, "slot_taken");
    assert_conflict(store.book_slot(m, a, first, Author::Guardian, t2).await, "slot_taken");

    // A closed consultation books nothing.
    store
        .close_consultation(m, a, Outcome::Resolved, "", nurse, t2)
        .await
        .unwrap();
    assert_conflict(
        store.book_slot(m, a, second, Author::Guardian, t2).await,
        "consultation_closed",
    );
    assert_eq!(booked_by(&store, m, second).await, None);
}

/// Ten parents press "book" for the same slot at the same moment: exactly one gets it.
async fn of_ten_simultaneous_bookings_of_one_slot_exactly_one_wins(store: support::Db) {
    let m = municipality(&store, "100001").await;
    let f = family(&store, m, "山田", "ヤマダ").await;
    let parent = guardian(&store, m, f, 1, "hanako@example.jp", "山田 花子").await;
    let nurse = staff_named(&store, m, "sato@example.jp", "保健師 佐藤").await;
    let site = store.create_site(m, "中央保健センター", now()).await.unwrap();
    let slot = publish(&store, m, site, nurse, &["2026-12-01T10:00:00"]).await[0];
    let mut consultations = vec![];
    for n in 0..10 {
        consultations.push(consult(&store, m, f, parent, &format!("open-{n:04}")).await);
    }

    let start = Arc::new(Barrier::new(consultations.len()));
    let tasks: Vec<_> = consultations
        .iter()
        .map(|&id| {
            let store = store.store.clone();
            let start = Arc::clone(&start);
            tokio::spawn(async move {
                start.wait().await;
                (id, store.book_slot(m, id, slot, Author::Guardian, now()).await)
            })
        })
        .collect();
    let (mut winners, mut refused, mut unexpected) = (vec![], 0, vec![]);
    for task in tasks {
        let (id, result) = task.await.unwrap();
        match result {
            Ok(()) => winners.push(id),
            Err(store::Error::Conflict("slot_taken")) => refused += 1,
            // Anything else (such as SQLite's "database is locked") is a store bug: a parent who
            // lost the race must be told the slot is taken, not see a server error.
            Err(e) => unexpected.push(format!("consultation {id}: {e:?}")),
        }
    }
    assert!(
        unexpected.is_empty(),
        "expected Ok or Conflict(slot_taken), got {unexpected:#?}"
    );
    assert_eq!((winners.len(), refused), (1, 9), "winners: {winners:?}");
    let winner = winners[0];
    assert_eq!(booked_by(&store, m, slot).await, Some(winner));
    for id in consultations {
        let booking = store.consultation(m, id).await.unwrap().booking.map(|b| b.slot);
        assert_eq!(booking, (id == winner).then_some(slot), "consultation {id}");
    }
}

/// A parent's send and its retry, and the centre's replies, arriving at once: each stored once, none refused.
async fn simultaneous_sends_and_retries_are_each_stored_once(store: support::Db) {
    let m = municipality(&store, "100001").await;
    let f = family(&store, m, "山田", "ヤマダ").await;
    let parent = guardian(&store, m, f, 1, "hanako@example.jp", "山田 花子").await;
    let nurse = staff_named(&store, m, "sato@example.jp", "保健師 佐藤").await;
    let id = consult(&store, m, f, parent, "open-0001").await;

    // Five messages, each sent twice (a retry racing the original), all released together.
    let sends: Vec<(Author, AccountId, String)> = (0..10)
        .map(|n| {
            let (author, by) = if n % 5 < 3 {
                (Author::Guardian, parent)
            } else {
                (Author::Staff, nurse)
            };
            (author, by, format!("send-{:04}", n % 5))
        })
        .collect();
    let start = Arc::new(Barrier::new(sends.len()));
    let tasks: Vec<_> = sends
        .into_iter()
        .map(|(author, by, client_key)| {
            let store = store.store.clone();
            let start = Arc::clone(&start);
            tokio::spawn(async move {
                start.wait().await;
                let result = store
                    .post_message(m, id, author, by, &text(&client_key), &key(&client_key), now())
                    .await;
                (client_key, result)
            })
        })
        .collect();
    let mut ids: std::collections::BTreeMap<String, Vec<i64>> = Default::default();
    let mut unexpected = vec![];
    for task in tasks {
        match task.await.unwrap() {
            (client_key, Ok(message)) => ids.entry(client_key).or_default().push(message),
            (client_key, Err(e)) => unexpected.push(format!("{client_key}: {e:?}")),
        }
    }
    assert!(
        unexpected.is_empty(),
        "every send should be stored, got {unexpected:#?}"
    );
    assert_eq!(ids.len(), 5);
    for (client_key, sent) in &ids {
        assert_eq!(sent.len(), 2, "{client_key}");
        assert_eq!(
            sent[0], sent[1],
            "a retry of {client_key} answers with the first one's id"
        );
    }
    let stored = store.consultation(m, id).await.unwrap().messages;
    assert_eq!(stored.len(), 1 + 5);
    let mut stored_keys: Vec<_> = stored[1..].iter().map(|m| m.client_key.clone()).collect();
    stored_keys.sort();
    assert_eq!(stored_keys, ids.keys().cloned().collect::<Vec<_>>());
}

/// The families a filter lists, every page followed, sorted.
async fn listed(store: &Store, m: MunicipalityId, filter: &CaseloadFilter) -> Vec<FamilyId> {
    let mut page = store.caseload(m, filter, &First, today()).await.unwrap();
    let total = page.total;
    let mut all = Vec::new();
    loop {
        all.extend(page.entries.iter().map(|e| e.family));
        match page.after {
            Some(after) => page = store.caseload(m, filter, &After(after), today()).await.unwrap(),
            None => break,
        }
    }
    assert_eq!(
        all.len() as u64,
        total,
        "{filter:?}: the total counts what the pages list"
    );
    all.sort();
    all
}

fn plan_review_task(f: FamilyId, due: &str) -> domain::support::task::KeptTask {
    domain::support::task::KeptTask {
        task: domain::support::task::Task {
            kind: domain::support::task::TaskKind::PlanReview,
            family: f,
            family_name: String::new(),
            site: None,
            member: None,
            item: None,
            due: d(due),
            scheduled_on: None,
            assignee: None,
            assignee_name: None,
        },
        shows_from: None,
        hides_after: None,
        replan_after: None,
    }
}

async fn each_caseload_filter_lists_exactly_its_families_and_combines_with_the_others(store: support::Db) {
    use domain::caseload::{AgeBand, FlagFilter, StageFilter};
    let a = municipality(&store, "100001").await;
    let b = municipality(&store, "100002").await;
    let north = store.create_site(a, "北センター", now()).await.unwrap();
    let nurse = staff_named(&store, a, "nurse@example.jp", "保健師 田中").await;
    let midwife = staff_named(&store, a, "midwife@example.jp", "助産師 森").await;
    let foreign = staff(&store, b, "b@example.jp", Role::Coordinator).await;
    // Today is 2026-11-24.
    let early = family_at(&store, a, Some(north), "山田", "ヤマダ").await;
    pregnancy(&store, a, early, "2026-11-01", "2027-06-15").await; // 11w0d
    let late_pregnancy = family(&store, a, "山本", "ヤマモト").await;
    pregnancy(&store, a, late_pregnancy, "2026-06-01", "2027-01-10").await; // 33w2d
    let baby = family_at(&store, a, Some(north), "鈴木", "スズキ").await;
    child(&store, a, baby, "鈴木 湊", "スズキ ミナト", "2026-10-01").await; // 1 month
    let toddler = family(&store, a, "高橋", "タカハシ").await;
    child(&store, a, toddler, "高橋 結", "タカハシ ユイ", "2025-06-01").await; // 1 year 5 months
    let flagged = family(&store, a, "田中", "タナカ").await;
    store
        .raise_flag(a, flagged, nurse, &manual_flag("2026-11-20"), now())
        .await
        .unwrap();
    let cleared = family(&store, a, "伊藤", "イトウ").await;
    let (flag, _) = store
        .raise_flag(
            a,
            cleared,
            midwife,
            &NewFlag {
                category: RiskCategory::SpecifiedPregnancy,
                origin: FlagOrigin::Manual,
                reason: "若年",
                raised_on: d("2026-11-01"),
            },
            now(),
        )
        .await
        .unwrap();
    store
        .clear_flag(a, cleared, flag, midwife, "支援者ができた", today())
        .await
        .unwrap();
    let to_visit = family(&store, a, "渡辺", "ワタナベ").await;
    let visit_child = child(&store, a, to_visit, "渡辺 葵", "ワタナベ アオイ", "2026-11-10").await;
    store
        .plan_visit(a, to_visit, nurse, &newborn_visit(visit_child, Some(midwife)), now())
        .await
        .unwrap();
    let visited = family(&store, a, "中村", "ナカムラ").await;
    let visited_child = child(&store, a, visited, "中村 蓮", "ナカムラ レン", "2026-11-01").await;
    let visit = store
        .plan_visit(a, visited, nurse, &newborn_visit(visited_child, Some(nurse)), now())
        .await
        .unwrap();
    store
        .record_visit(a, visited, visit, nurse, &visit_report("2026-11-20", None), now())
        .await
        .unwrap();
    let consulting = family(&store, a, "小林", "コバヤシ").await;
    let parent = guardian(&store, a, consulting, 1, "kobayashi@example.jp", "小林 花").await;
    let consultation = consult(&store, a, consulting, parent, "open-0001").await;
    store.assign_consultation(a, consultation, Some(midwife)).await.unwrap();
    let interviewed = family(&store, a, "加藤", "カトウ").await;
    let interviewed_p = pregnancy(&store, a, interviewed, "2026-09-01", "2027-04-01").await; // 21w5d
    store
        .add_interview(
            a,
            interviewed,
            nurse,
            &NewInterview {
                kind: InterviewKind::Notification,
                member: Member::Pregnancy(interviewed_p),
                held_on: d("2026-09-01"),
                home_support: HomeSupport::Enough,
                checklist: &[],
                health: "",
                worries: "",
                questionnaire_returned: true,
                interview_requested: false,
                benefit_form_handed: true,
                flag: None,
            },
            now(),
        )
        .await
        .unwrap();
    // Another municipality's family with everything: never listed.
    let elsewhere = family(&store, b, "山田", "ヤマダ").await;
    pregnancy(&store, b, elsewhere, "2026-11-01", "2027-06-15").await;
    store
        .raise_flag(b, elsewhere, foreign, &manual_flag("2026-11-20"), now())
        .await
        .unwrap();

    // Kept tasks: one late item for the baby, one not yet due for the toddler.
    let stale = store.stale_families(a, 1000).await.unwrap();
    let kept: Vec<_> = stale
        .iter()
        .map(|s| {
            let tasks = if s.family == baby {
                vec![
                    plan_review_task(baby, "2026-11-01"),
                    plan_review_task(baby, "2026-12-01"),
                ]
            } else if s.family == toddler {
                vec![plan_review_task(toddler, "2026-12-24")]
            } else {
                vec![]
            };
            (*s, tasks)
        })
        .collect();
    store.keep_tasks(a, &kept).await.unwrap();

    let sorted = |mut v: Vec<FamilyId>| {
        v.sort();
        v
    };
    let with = |change: &dyn Fn(&mut CaseloadFilter)| {
        let mut filter = CaseloadFilter::default();
        change(&mut filter);
        filter
    };
    let everyone = listed(&store, a, &CaseloadFilter::default()).await;
    assert_eq!(everyone.len(), 10);

    let pregnant = |from_week, to_week| with(&move |f| f.stage = Some(StageFilter::Pregnant { from_week, to_week }));
    assert_eq!(
        listed(&store, a, &pregnant(0, 45)).await,
        sorted(vec![early, late_pregnancy, interviewed])
    );
    assert_eq!(
        listed(&store, a, &pregnant(11, 11)).await,
        vec![early],
        "11w0d is in week 11"
    );
    assert_eq!(
        listed(&store, a, &pregnant(12, 33)).await,
        sorted(vec![late_pregnancy, interviewed])
    );
    assert_eq!(listed(&store, a, &pregnant(34, 45)).await, vec![]);
    let band = |band| with(&move |f| f.stage = Some(StageFilter::Child { band }));
    assert_eq!(
        listed(&store, a, &band(AgeBand::Months0To3)).await,
        sorted(vec![baby, to_visit, visited])
    );
    assert_eq!(listed(&store, a, &band(AgeBand::Year1)).await, vec![toddler]);
    assert_eq!(listed(&store, a, &band(AgeBand::Year2)).await, vec![]);

    assert_eq!(
        listed(&store, a, &with(&|f| f.flag = Some(FlagFilter::Any))).await,
        vec![flagged],
        "cleared flags do not count"
    );
    let category = |category| with(&move |f| f.flag = Some(FlagFilter::Category { category }));
    assert_eq!(
        listed(&store, a, &category(RiskCategory::NeedsSupport)).await,
        vec![flagged]
    );
    assert_eq!(
        listed(&store, a, &category(RiskCategory::SpecifiedPregnancy)).await,
        vec![]
    );

    assert_eq!(listed(&store, a, &with(&|f| f.late = true)).await, vec![baby]);

    // Assigned: responsible for the active plan, or an open visit or consultation.
    let of = |c: AccountId| with(&move |f| f.coordinator = Some(c));
    assert_eq!(
        listed(&store, a, &of(nurse)).await,
        vec![flagged],
        "a recorded visit is no longer open"
    );
    assert_eq!(
        listed(&store, a, &of(midwife)).await,
        sorted(vec![cleared, to_visit, consulting])
    );
    assert_eq!(
        listed(&store, a, &of(foreign)).await,
        vec![],
        "another municipality's coordinator"
    );

    assert_eq!(
        listed(&store, a, &with(&|f| f.site = Some(north))).await,
        sorted(vec![early, baby])
    );

    // Contact: a visit on 11-20, a consultation message today, an interview on 09-01.
    let quiet = |days| with(&move |f| f.quiet_days = Some(days));
    let contacted_lately = [visited, consulting];
    let quiet_30 = listed(&store, a, &quiet(30)).await;
    assert_eq!(quiet_30.len(), 8);
    assert!(contacted_lately.iter().all(|f| !quiet_30.contains(f)));
    assert!(quiet_30.contains(&interviewed));
    let quiet_100 = listed(&store, a, &quiet(100)).await;
    assert_eq!(quiet_100.len(), 7);
    assert!(!quiet_100.contains(&interviewed));
    assert_eq!(
        listed(&store, a, &quiet(0)).await.len(),
        9,
        "only today's contact counts"
    );

    // Combined with each other and with the search word.
    let combined = with(&|f| {
        f.words = "やま".into();
        f.stage = Some(StageFilter::Pregnant {
            from_week: 0,
            to_week: 20,
        });
    });
    assert_eq!(listed(&store, a, &combined).await, vec![early]);
    let combined = with(&|f| {
        f.site = Some(north);
        f.stage = Some(StageFilter::Child {
            band: AgeBand::Months0To3,
        });
        f.late = true;
    });
    assert_eq!(listed(&store, a, &combined).await, vec![baby]);

    // The first look from the row: open tasks on today's list, the late ones, the open categories.
    let row = |filter: CaseloadFilter, family: FamilyId| {
        let store = &store;
        async move {
            store
                .caseload(a, &filter, &First, today())
                .await
                .unwrap()
                .entries
                .into_iter()
                .find(|e| e.family == family)
                .unwrap()
        }
    };
    let baby_row = row(CaseloadFilter::search("すずき"), baby).await;
    assert_eq!((baby_row.open_tasks, baby_row.late_tasks), (2, 1));
    assert_eq!(
        baby_row.first_tasks.iter().map(|t| t.due).collect::<Vec<_>>(),
        [d("2026-11-01"), d("2026-12-01")]
    );
    assert!(baby_row.flags.is_empty());
    let flagged_row = row(CaseloadFilter::search("たなか"), flagged).await;
    assert_eq!(flagged_row.flags, [RiskCategory::NeedsSupport]);
    assert_eq!(row(CaseloadFilter::search("いとう"), cleared).await.flags, []);
}

async fn benefit_claims_are_recorded_once_per_claim_corrected_in_place_and_stay_in_their_family(store: support::Db) {
    use domain::support::benefit::{BenefitClaim, ReceivedClaim};
    let a = municipality(&store, "100001").await;
    let b = municipality(&store, "100002").await;
    let nurse = staff(&store, a, "nurse@example.jp", Role::Coordinator).await;
    let f = family(&store, a, "佐藤", "サトウ").await;
    let other = family(&store, a, "鈴木", "スズキ").await;
    // The heartbeat's date is kept with the pregnancy.
    let p = store
        .add_pregnancy(
            a,
            f,
            &NewPregnancy {
                due_date: d("2027-03-01"),
                notified_on: Some(d("2026-08-01")),
                lost_on: None,
                heartbeat_on: Some(d("2026-07-20")),
                fetuses: 2,
            },
            now(),
        )
        .await
        .unwrap();
    let record = store.family_record(a, f).await.unwrap();
    assert_eq!(record.pregnancies[0].heartbeat_on, Some(d("2026-07-20")));
    // The families' tasks kept (with none), so that nothing is stale.
    let stale: Vec<_> = store
        .stale_families(a, 100)
        .await
        .unwrap()
        .into_iter()
        .map(|s| (s, vec![]))
        .collect();
    store.keep_tasks(a, &stale).await.unwrap();
    assert_eq!(store.stale_task_count(a).await.unwrap(), 0);

    store
        .record_benefit_claim(
            a,
            f,
            &ReceivedClaim {
                pregnancy: p,
                claim: BenefitClaim::First,
                received_on: d("2026-08-01"),
            },
            nurse,
            now(),
        )
        .await
        .unwrap();
    // Recording the same claim again corrects its day; the other claim is its own row.
    store
        .record_benefit_claim(
            a,
            f,
            &ReceivedClaim {
                pregnancy: p,
                claim: BenefitClaim::First,
                received_on: d("2026-08-03"),
            },
            nurse,
            now(),
        )
        .await
        .unwrap();
    store
        .record_benefit_claim(
            a,
            f,
            &ReceivedClaim {
                pregnancy: p,
                claim: BenefitClaim::Second,
                received_on: d("2026-11-20"),
            },
            nurse,
            now(),
        )
        .await
        .unwrap();
    let claims = store.benefit_claims(a, f).await.unwrap();
    assert_eq!(
        claims,
        [
            ReceivedClaim {
                pregnancy: p,
                claim: BenefitClaim::First,
                received_on: d("2026-08-03"),
            },
            ReceivedClaim {
                pregnancy: p,
                claim: BenefitClaim::Second,
                received_on: d("2026-11-20"),
            },
        ]
    );
    // The family's tasks are kept anew.
    assert_eq!(store.stale_task_count(a).await.unwrap(), 1);
    let among = store.benefit_claims_among(a, TaskFamilies::All).await.unwrap();
    assert_eq!(among.get(&f), Some(&claims));
    assert!(!among.contains_key(&other));
    // Another family's or another municipality's pregnancy is not found, and nothing is written.
    for (m, fam) in [(a, other), (b, f)] {
        assert!(matches!(
            store
                .record_benefit_claim(
                    m,
                    fam,
                    &ReceivedClaim {
                        pregnancy: p,
                        claim: BenefitClaim::First,
                        received_on: d("2026-08-05")
                    },
                    nurse,
                    now()
                )
                .await,
            Err(store::Error::NotFound)
        ));
    }
    assert!(store.benefit_claims(a, other).await.unwrap().is_empty());
    assert!(store.benefit_claims(b, f).await.unwrap().is_empty());
    assert_eq!(store.benefit_claims(a, f).await.unwrap(), claims);
}

async fn a_coordinators_slots_never_overlap_though_a_colleagues_and_withdrawn_ones_may(store: support::Db) {
    let m = municipality(&store, "100001").await;
    let nurse = staff_named(&store, m, "sato@example.jp", "保健師 佐藤").await;
    let midwife = staff_named(&store, m, "ito@example.jp", "助産師 伊藤").await;
    let site = store.create_site(m, "中央保健センター", now()).await.unwrap();
    let north = store.create_site(m, "北部拠点", now()).await.unwrap();
    let ten = publish(&store, m, site, nurse, &["2026-12-10T10:00:00"]).await;
    let slots = |coordinator, starts: &'static [&'static str], minutes| {
        let starts: Vec<NaiveDateTime> = starts.iter().map(|s| local(s)).collect();
        (coordinator, starts, minutes)
    };
    let try_publish = async |(coordinator, starts, minutes): (AccountId, Vec<NaiveDateTime>, i64), at: SiteId| {
        store
            .publish_slots(
                m,
                coordinator,
                &NewSlots {
                    site: at,
                    coordinator: Some(coordinator),
                    starts: &starts,
                    minutes,
                    mode: ContactMode::AtSite,
                },
                now(),
            )
            .await
    };
    // The same coordinator, overlapping at either site, in a weekly series, or among the new ones.
    for (what, attempt, at) in [
        ("inside", slots(nurse, &["2026-12-10T10:15:00"], 30), site),
        ("at another site", slots(nurse, &["2026-12-10T09:45:00"], 30), north),
        (
            "a longer one around it",
            slots(nurse, &["2026-12-10T09:00:00"], 180),
            site,
        ),
        (
            "a week of a series",
            slots(nurse, &["2026-12-03T10:20:00", "2026-12-10T10:20:00"], 30),
            site,
        ),
        (
            "with each other",
            slots(nurse, &["2026-12-11T10:00:00", "2026-12-11T10:10:00"], 30),
            site,
        ),
    ] {
        assert_conflict(try_publish(attempt, at).await, "slot_overlaps");
        assert_eq!(
            store.slots(m, now(), false).await.unwrap().len(),
            1,
            "{what}: nothing published"
        );
    }
    // Touching is fine; so is a colleague at the same time.
    try_publish(slots(nurse, &["2026-12-10T10:30:00", "2026-12-10T09:30:00"], 30), site)
        .await
        .unwrap();
    try_publish(slots(midwife, &["2026-12-10T10:00:00"], 30), site)
        .await
        .unwrap();
    // A withdrawn slot frees its time.
    store.withdraw_slot(m, ten[0], now()).await.unwrap();
    try_publish(slots(nurse, &["2026-12-10T10:00:00"], 30), north)
        .await
        .unwrap();
    assert_eq!(store.slots(m, now(), false).await.unwrap().len(), 4);
}

async fn sites_are_added_retyped_closed_and_families_moved_within_their_municipality(store: support::Db) {
    use domain::site::SiteKind;
    let m = municipality(&store, "100001").await;
    let other = municipality(&store, "100002").await;
    let centre = store.create_site(m, "本庁舎", now()).await.unwrap();
    let north = store
        .add_site(m, "北部保健センター", SiteKind::MaternalChildHealth, now())
        .await
        .unwrap();
    let theirs = store.create_site(other, "他市の拠点", now()).await.unwrap();
    let sites = store.sites(m).await.unwrap();
    assert_eq!(
        sites
            .iter()
            .map(|s| (s.id, s.name.as_str(), s.kind, s.closed))
            .collect::<Vec<_>>(),
        [
            (centre, "本庁舎", SiteKind::Integrated, false),
            (north, "北部保健センター", SiteKind::MaternalChildHealth, false)
        ]
    );
    assert_conflict(store.add_site(m, "本庁舎", SiteKind::Basic, now()).await, "site_name");
    // Another municipality may use the name.
    store.add_site(other, "本庁舎", SiteKind::Basic, now()).await.unwrap();

    store
        .update_site(m, north, "北部こども家庭センター", SiteKind::Integrated)
        .await
        .unwrap();
    assert_conflict(
        store.update_site(m, north, "本庁舎", SiteKind::Basic).await,
        "site_name",
    );
    assert_not_found(
        store.update_site(m, theirs, "乗っ取り", SiteKind::Basic).await,
        "another municipality's site",
    );

    // A site with families cannot close; moved away, it can, and then takes no one new.
    let f = family_at(&store, m, Some(north), "山田", "ヤマダ").await;
    assert_conflict(store.set_site_closed(m, north, true, now()).await, "site_has_families");
    assert_not_found(store.move_family(m, f, theirs).await, "another municipality's site");
    assert_not_found(
        store.move_family(other, f, theirs).await,
        "another municipality's family",
    );
    store.move_family(m, f, centre).await.unwrap();
    assert_eq!(store.family_record(m, f).await.unwrap().site, Some(centre));
    // Its free slots to come go with it; a booked one stays.
    let nurse = staff_named(&store, m, "sato@example.jp", "保健師 佐藤").await;
    let parent = guardian(&store, m, f, 1, "hanako@example.jp", "山田 花子").await;
    let [free, booked] = publish(&store, m, north, nurse, &["2026-12-10T10:00:00", "2026-12-10T11:00:00"])
        .await
        .try_into()
        .unwrap();
    let id = consult(&store, m, f, parent, "close-0001").await;
    store.book_slot(m, id, booked, Author::Guardian, now()).await.unwrap();
    store.set_site_closed(m, north, true, now()).await.unwrap();
    let left: Vec<i64> = store
        .slots(m, now(), false)
        .await
        .unwrap()
        .iter()
        .map(|s| s.id)
        .collect();
    assert_eq!(left, [booked], "{free} withdrawn");
    assert_not_found(
        store.set_site_closed(m, theirs, true, now()).await,
        "another municipality's site",
    );
    assert!(store.sites(m).await.unwrap().iter().any(|s| s.id == north && s.closed));
    assert_eq!(
        store
            .open_sites(m)
            .await
            .unwrap()
            .iter()
            .map(|s| s.id)
            .collect::<Vec<_>>(),
        [centre]
    );
    assert_conflict(store.move_family(m, f, north).await, "site_closed");
    let name = PersonName::parse("n", "佐藤").unwrap();
    let kana = Kana::parse("k", "サトウ").unwrap();
    let new_family = NewFamily {
        site: Some(north),
        family_name: &name,
        family_name_kana: &kana,
    };
    assert_conflict(store.create_family(m, &new_family, now()).await, "site_closed");
    // Reopened, it takes families again.
    store.set_site_closed(m, north, false, now()).await.unwrap();
    store.move_family(m, f, north).await.unwrap();
    assert_eq!(store.family_record(m, f).await.unwrap().site, Some(north));
}

async fn each_municipality_sets_its_own_booking_cutoff(store: support::Db) {
    use domain::consultation::BookingRules;
    let m = municipality(&store, "100001").await;
    let other = municipality(&store, "100002").await;
    assert_eq!(
        store.municipality(m).await.unwrap().booking_rules,
        BookingRules::default()
    );
    store
        .set_booking_rules(m, BookingRules { cutoff_hours: 48 })
        .await
        .unwrap();
    assert_eq!(store.municipality(m).await.unwrap().booking_rules.cutoff_hours, 48);
    assert_eq!(store.municipality(other).await.unwrap().booking_rules.cutoff_hours, 24);
    assert_not_found(
        store
            .set_booking_rules(MunicipalityId(999_999), BookingRules::default())
            .await,
        "no such municipality",
    );
}

async fn a_family_whose_tasks_hold_for_one_day_only_is_planned_again_the_next(store: support::Db) {
    let a = municipality(&store, "100001").await;
    let b = municipality(&store, "100002").await;
    let once = family(&store, a, "山田", "ヤマダ").await;
    let lasting = family(&store, a, "鈴木", "スズキ").await;
    let theirs = family(&store, b, "佐藤", "サトウ").await;
    // A pregnancy on file marks each family stale, ready to be kept.
    for (m, f) in [(a, once), (a, lasting), (b, theirs)] {
        pregnancy(&store, m, f, "2026-11-01", "2027-06-15").await;
    }
    let keep_all = async |m: MunicipalityId, planned_on: &str| {
        let stale = store.stale_families(m, 1000).await.unwrap();
        let kept: Vec<_> = stale
            .iter()
            .map(|s| {
                let mut task = plan_review_task(s.family, "2026-12-24");
                if s.family != lasting {
                    task.replan_after = Some(d(planned_on));
                }
                (*s, vec![task])
            })
            .collect();
        store.keep_tasks(m, &kept).await.unwrap();
    };
    keep_all(a, "2026-11-24").await;
    keep_all(b, "2026-11-24").await;
    assert_eq!(store.stale_task_count(a).await.unwrap(), 0);

    // The same day: nothing to plan again.
    assert_eq!(store.mark_replans_due(Some(a), d("2026-11-24")).await.unwrap(), 0);
    assert_eq!(store.stale_task_count(a).await.unwrap(), 0);
    // The next: only the family that asked, and only in the municipality asked about.
    store.mark_replans_due(Some(a), d("2026-11-25")).await.unwrap();
    let stale: Vec<FamilyId> = store
        .stale_families(a, 10)
        .await
        .unwrap()
        .iter()
        .map(|s| s.family)
        .collect();
    assert_eq!(stale, [once]);
    assert_eq!(store.stale_task_count(b).await.unwrap(), 0);
    // Planned again that day, it holds until the next.
    keep_all(a, "2026-11-25").await;
    store.mark_replans_due(Some(a), d("2026-11-25")).await.unwrap();
    assert_eq!(store.stale_task_count(a).await.unwrap(), 0);
    // Every municipality at once (the background job).
    store.mark_replans_due(None, d("2026-11-26")).await.unwrap();
    assert_eq!(
        store
            .stale_families(b, 10)
            .await
            .unwrap()
            .iter()
            .map(|s| s.family)
            .collect::<Vec<_>>(),
        [theirs]
    );
    assert_eq!(store.stale_task_count(a).await.unwrap(), 1);
}

contract_tests!(
    the_task_sources_read_only_the_scope_s_families_and_the_keys_asked_for,
    guessing_invitation_codes_is_slowed_down_per_address,
    a_family_record_holds_its_pregnancies_and_children,
    a_family_of_another_municipality_is_not_found,
    the_caseload_lists_only_the_municipality_and_searches_names_and_kana,
    the_caseload_pages_through_every_family_once,
    keyset_pages_never_skip_or_repeat_a_family_while_families_are_added,
    the_caseload_search_finds_two_character_words_in_every_script_and_width,
    each_caseload_filter_lists_exactly_its_families_and_combines_with_the_others,
    a_child_search_finds_the_family,
    staff_sign_in_with_the_right_password_only,
    repeated_failures_slow_down_the_account_and_the_address,
    an_invitation_lets_one_parent_join_their_family_once,
    an_expired_or_taken_invitation_creates_nothing,
    staff_accounts_need_a_staff_role_and_a_unique_email,
    the_audit_log_is_append_only,
    demo_data_seeds_once_with_every_stage,
    an_interview_completes_its_timeline_item_and_stays_in_its_municipality,
    a_flag_opens_one_plan_reviewed_a_week_later_and_is_cleared_once,
    a_plan_revision_keeps_its_history_and_refuses_a_stale_form,
    several_plans_stay_open_each_for_its_person_with_the_meetings_that_decided_them,
    planning_a_newborn_visit_again_replans_the_open_one,
    recording_a_visit_completes_its_item_and_a_flagging_epds_opens_a_plan,
    an_epds_under_nine_raises_no_flag_but_any_thought_of_self_harm_does,
    an_institution_name_is_unique_within_its_municipality_only,
    a_referral_follows_its_status_and_refuses_another_municipalitys_ids,
    the_overview_gathers_every_family_of_the_municipality_and_no_other,
    the_figures_count_notification_interviews_and_screenings_of_the_municipality_only,
    an_actors_audit_trail_names_them_and_stays_in_their_municipality,
    a_consultation_opens_with_its_first_message_and_stays_in_its_family_and_municipality,
    a_consultation_opened_after_midnight_in_the_municipality_is_dated_that_day_not_the_utc_one,
    a_retried_message_is_stored_once_and_a_staff_reply_is_news_until_the_parent_reads_it,
    a_consultation_is_assigned_only_to_staff_of_its_municipality,
    slots_are_published_in_local_time_at_the_municipalitys_own_sites,
    booking_a_slot_moves_the_booking_and_never_takes_someone_elses,
    of_ten_simultaneous_bookings_of_one_slot_exactly_one_wins,
    simultaneous_sends_and_retries_are_each_stored_once,
    benefit_claims_are_recorded_once_per_claim_corrected_in_place_and_stay_in_their_family,
    a_coordinators_slots_never_overlap_though_a_colleagues_and_withdrawn_ones_may,
    sites_are_added_retyped_closed_and_families_moved_within_their_municipality,
    each_municipality_sets_its_own_booking_cutoff,
    a_family_whose_tasks_hold_for_one_day_only_is_planned_again_the_next,
);
