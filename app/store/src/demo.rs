//! Demo data: one municipality with two sites, staff, and families at every stage.

use crate::accounts::{NewStaff, hash_password};
use crate::families::{NewChild, NewFamily, NewPregnancy};
use crate::interviews::NewInterview;
use crate::invitations::NewGuardian;
use crate::network::NewInstitution;
use crate::plans::{NewFlag, NewMeeting, PlanContents};
use crate::visits::{PlannedVisit, VisitReport};
use crate::{Error, Store};
use chrono::{DateTime, Days, NaiveDate, Utc};
use domain::account::{Profession, Role};
use domain::ids::{AccountId, ChildId, FamilyId, MunicipalityId, PregnancyId};
use domain::invitation::InvitationCode;
use domain::people::{Email, Kana, NewPassword, PersonName, Sex};
use domain::support::benefit::{BenefitClaim, PROGRAMME_STARTS_ON, ReceivedClaim};
use domain::support::epds::Epds;
use domain::support::interview::{ChecklistTopic, HomeSupport, InterviewKind};
use domain::support::network::{InstitutionKind, ReferralStatus};
use domain::support::plan::{
    MeetingPurpose, Participant, PlanCategory, PlanStatus, PlanSubject, Sharing, SharingMethod,
};
use domain::support::risk::{FlagOrigin, RiskCategory};
use domain::support::visit::VisitKind;
use domain::timeline::Member;

pub const MUNICIPALITY_CODE: &str = "999990";
pub const MUNICIPALITY_NAME: &str = "よりそい市";
/// Shared by every demo login; printed at start-up and in the README. Demo data only.
pub const PASSWORD: &str = "yorisoi-demo-2026";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoLogin {
    pub email: &'static str,
    pub role: Role,
    pub note: &'static str,
}

pub const LOGINS: [DemoLogin; 6] = [
    DemoLogin {
        email: "admin@demo.yorisoi.jp",
        role: Role::Admin,
        note: "管理者 / admin",
    },
    DemoLogin {
        email: "hokenshi@demo.yorisoi.jp",
        role: Role::Coordinator,
        note: "保健師 / public health nurse",
    },
    DemoLogin {
        email: "josanshi@demo.yorisoi.jp",
        role: Role::Coordinator,
        note: "助産師 / midwife",
    },
    DemoLogin {
        email: "shien@demo.yorisoi.jp",
        role: Role::Coordinator,
        note: "利用者支援専門員 / support specialist",
    },
    DemoLogin {
        email: "parent@demo.yorisoi.jp",
        role: Role::Guardian,
        note: "保護者 (乳児) / parent of an infant",
    },
    DemoLogin {
        email: "parent2@demo.yorisoi.jp",
        role: Role::Guardian,
        note: "保護者 (妊娠中) / pregnant parent",
    },
];

/// The demo city's own knowledge laid over the national schedule: where its group checkups happen.
const DEMO_SCHEDULE: &str = r#"extends = "national"
name = "よりそい市"

[[series]]
key = "checkup-3m"
place = "北部保健センター（集団健診）"

[[series]]
key = "checkup-18m"
place = "こども家庭センター 本庁舎（集団健診）"

[[series]]
key = "checkup-3y"
place = "こども家庭センター 本庁舎（集団健診）"
"#;

const FAMILY_NAMES: [(&str, &str); 36] = [
    ("佐藤", "サトウ"),
    ("鈴木", "スズキ"),
    ("高橋", "タカハシ"),
    ("田中", "タナカ"),
    ("伊藤", "イトウ"),
    ("渡辺", "ワタナベ"),
    ("山本", "ヤマモト"),
    ("中村", "ナカムラ"),
    ("小林", "コバヤシ"),
    ("加藤", "カトウ"),
    ("吉田", "ヨシダ"),
    ("山田", "ヤマダ"),
    ("佐々木", "ササキ"),
    ("山口", "ヤマグチ"),
    ("松本", "マツモト"),
    ("井上", "イノウエ"),
    ("木村", "キムラ"),
    ("林", "ハヤシ"),
    ("清水", "シミズ"),
    ("山崎", "ヤマザキ"),
    ("森", "モリ"),
    ("池田", "イケダ"),
    ("橋本", "ハシモト"),
    ("阿部", "アベ"),
    ("石川", "イシカワ"),
    ("山下", "ヤマシタ"),
    ("中島", "ナカジマ"),
    ("石井", "イシイ"),
    ("小川", "オガワ"),
    ("前田", "マエダ"),
    ("岡田", "オカダ"),
    ("長谷川", "ハセガワ"),
    ("藤田", "フジタ"),
    ("後藤", "ゴトウ"),
    ("近藤", "コンドウ"),
    ("村上", "ムラカミ"),
];
const CHILD_NAMES: [(&str, &str, Sex); 10] = [
    ("陽翔", "ハルト", Sex::Male),
    ("凛", "リン", Sex::Female),
    ("蓮", "レン", Sex::Male),
    ("陽葵", "ヒマリ", Sex::Female),
    ("湊", "ミナト", Sex::Male),
    ("結菜", "ユイナ", Sex::Female),
    ("蒼", "アオイ", Sex::Male),
    ("芽依", "メイ", Sex::Female),
    ("樹", "イツキ", Sex::Male),
    ("紬", "ツムギ", Sex::Female),
];
const GUARDIAN_NAMES: [(&str, &str); 6] = [
    ("花子", "ハナコ"),
    ("美咲", "ミサキ"),
    ("由美", "ユミ"),
    ("恵", "メグミ"),
    ("彩", "アヤ"),
    ("舞", "マイ"),
];

fn parse<T>(r: Result<T, domain::input::Invalid>) -> Result<T, Error> {
    r.map_err(|e| Error::Corrupt(format!("demo data: {e}")))
}

fn days_before(today: NaiveDate, days: u64) -> NaiveDate {
    today.checked_sub_days(Days::new(days)).unwrap_or(today)
}

fn days_after(today: NaiveDate, days: u64) -> NaiveDate {
    today.checked_add_days(Days::new(days)).unwrap_or(today)
}

/// Related institutions of the demo city (fictional names and numbers).
const INSTITUTIONS: [(InstitutionKind, &str, &str); 6] = [
    (InstitutionKind::Hospital, "よりそい市民病院 産婦人科", "000-0000-0001"),
    (InstitutionKind::PublicHealthCentre, "よりそい保健所", "000-0000-0002"),
    (
        InstitutionKind::ChildGuidanceCentre,
        "よりそい児童相談所",
        "000-0000-0003",
    ),
    (InstitutionKind::Nursery, "ひだまり保育園", "000-0000-0004"),
    (
        InstitutionKind::PostpartumCare,
        "産後ケアハウス こもれび",
        "000-0000-0005",
    ),
    (
        InstitutionKind::FamilySupportCentre,
        "よりそい市ファミリー・サポート・センター",
        "000-0000-0006",
    ),
];

/// What the demo's staff-side records are made from, for one family.
struct DemoFamily<'a> {
    municipality: MunicipalityId,
    family: FamilyId,
    index: usize,
    pregnancy: PregnancyId,
    notified_on: NaiveDate,
    born: Option<(ChildId, NaiveDate)>,
    nurse: AccountId,
    institutions: &'a [(InstitutionKind, i64)],
    now: DateTime<Utc>,
}

impl Store {
    /// Interviews for most families (one flagged 特定妊婦), newborn visits with an EPDS for the
    /// infants (one that flags, with a referral to postpartum care).
    async fn seed_demo_support(&self, f: DemoFamily<'_>) -> Result<(), Error> {
        let flag = (f.index == 7).then_some(NewFlag {
            category: RiskCategory::SpecifiedPregnancy,
            origin: FlagOrigin::Interview,
            reason: "支援者がいない・経済的な不安",
            raised_on: f.notified_on,
        });
        if f.index % 5 != 4 {
            let checklist: &[ChecklistTopic] = if f.index == 7 {
                &[ChecklistTopic::NoHelper, ChecklistTopic::MoneyOrHousing]
            } else {
                &[]
            };
            let interview = NewInterview {
                kind: InterviewKind::Notification,
                member: Member::Pregnancy(f.pregnancy),
                held_on: f.notified_on,
                home_support: if f.index == 7 {
                    HomeSupport::None
                } else {
                    HomeSupport::Enough
                },
                checklist,
                health: "",
                worries: "",
                questionnaire_returned: false,
                interview_requested: false,
                benefit_form_handed: true,
                flag,
            };
            self.add_interview(f.municipality, f.family, f.nurse, &interview, f.now)
                .await?;
            if f.index == 7 {
                self.seed_demo_plan(&f).await?;
            }
            // 支援給付: the first claim is received at the notification, for pregnancies under the
            // programme (from 2025-04), except in every third family, which has yet to claim it.
            if f.notified_on >= PROGRAMME_STARTS_ON && f.index % 3 != 2 {
                let claim = ReceivedClaim {
                    pregnancy: f.pregnancy,
                    claim: BenefitClaim::First,
                    received_on: f.notified_on,
                };
                self.record_benefit_claim(f.municipality, f.family, &claim, f.nurse, f.now)
                    .await?;
            }
        }
        let Some((child, birth_date)) = f.born.filter(|_| f.index % 6 == 3) else {
            return Ok(());
        };
        let visit = PlannedVisit {
            kind: VisitKind::Newborn,
            member: Some(Member::Child(child)),
            due_by: days_after(birth_date, 28),
            assigned_to: Some(f.nurse),
            scheduled_on: Some(days_after(birth_date, 20)),
        };
        let visit = self
            .plan_visit(f.municipality, f.family, f.nurse, &visit, f.now)
            .await?;
        // Printed option positions: all "best" answers score 0; family 9's answers total 13.
        let chosen = if f.index == 9 {
            [1, 1, 1, 1, 1, 1, 2, 1, 2, 3]
        } else {
            [0, 0, 3, 0, 3, 3, 3, 3, 3, 3]
        };
        let report = VisitReport {
            visited_on: days_after(birth_date, 20),
            findings: "体重増加良好。授乳は母乳中心。",
            epds: Epds::from_chosen(chosen).ok(),
        };
        self.record_visit(f.municipality, f.family, visit, f.nurse, &report, f.now)
            .await?;
        if f.index == 9
            && let Some((_, postpartum_care)) = f
                .institutions
                .iter()
                .find(|(k, _)| *k == InstitutionKind::PostpartumCare)
        {
            let referred_on = days_after(birth_date, 21);
            let referral = crate::network::NewReferral {
                institution: *postpartum_care,
                reason: "産後ケア（通所型）の利用を提案",
                status: ReferralStatus::Referred,
                referred_on,
                // Expected within two weeks; left waiting, it becomes a task on the nurse's list.
                due_back_on: Some(days_after(referred_on, 14)),
                by: f.nurse,
            };
            self.refer(f.municipality, f.family, &referral, f.now).await?;
        }
        Ok(())
    }

    /// The 特定妊婦 plan the interview opened, written out and shared with the mother, with the
    /// 合同ケース会議 that decided it.
    async fn seed_demo_plan(&self, f: &DemoFamily<'_>) -> Result<(), Error> {
        let plans = self.support_plans(f.municipality, f.family).await?;
        let Some(plan) = plans.first() else {
            return Ok(());
        };
        let decided_on = days_after(f.notified_on, 6);
        let contents = PlanContents {
            status: PlanStatus::Active,
            subject: PlanSubject::Mother,
            category: PlanCategory::SpecifiedPregnancy,
            period: plan.period,
            goals: "出産までに相談できる人と場所をつくる。経済的な不安を減らす。",
            services: "保健師の家庭訪問（月1回）、両親学級の案内、生活支援課への同行",
            responsible: Some(f.nurse),
            institutions: "よりそい市立病院（産科）、生活支援課",
            shared: Some(Sharing {
                on: decided_on.min(f.now.date_naive()),
                how: SharingMethod::InPerson,
            }),
            sharing_note: "本人は訪問を希望。パートナーには本人から伝える。",
            today: decided_on,
        };
        self.revise_plan(
            f.municipality,
            f.family,
            plan.id,
            plan.revision,
            f.nurse,
            &contents,
            f.now,
        )
        .await?;
        let who = [
            Participant {
                role: "保健師".into(),
                institution: "よりそい市こども家庭センター".into(),
            },
            Participant {
                role: "利用者支援専門員".into(),
                institution: "よりそい市こども家庭センター".into(),
            },
            Participant {
                role: "助産師".into(),
                institution: "よりそい市立病院".into(),
            },
        ];
        let meeting = NewMeeting {
            held_on: decided_on.min(f.now.date_naive()),
            purpose: MeetingPurpose::Decided,
            participants: &who,
            decisions: "特定妊婦として支援する。月1回訪問し、妊娠8か月の面談で見直す。",
            // Reviewed next within the week (or at the end of the plan, when that comes first).
            next_review_on: Some(days_after(f.now.date_naive(), 7).min(plan.period.until).max(decided_on)),
        };
        self.record_meeting(f.municipality, f.family, plan.id, f.nurse, &meeting, f.now)
            .await?;
        Ok(())
    }

    /// Seeds the demo municipality unless it exists already; returns whether it seeded.
    pub async fn seed_demo(&self, today: NaiveDate, now: DateTime<Utc>) -> Result<bool, Error> {
        if self.municipality_by_code(MUNICIPALITY_CODE).await?.is_some() {
            return Ok(false);
        }
        let municipality = self
            .create_municipality(MUNICIPALITY_CODE, MUNICIPALITY_NAME, chrono_tz::Asia::Tokyo, now)
            .await?;
        self.set_schedule_overlay(municipality, Some(DEMO_SCHEDULE)).await?;
        let sites = [
            self.create_site(municipality, "こども家庭センター 本庁舎", now).await?,
            // A health centre running the maternal and child health type alone (母子保健型).
            self.add_site(
                municipality,
                "北部保健センター",
                domain::site::SiteKind::MaternalChildHealth,
                now,
            )
            .await?,
        ];
        // One hash for every demo login: hashing is deliberately slow and this is demo data.
        let hash = hash_password(&parse(NewPassword::parse(PASSWORD))?)?;
        let staff = [
            (0, "管理 太郎", Role::Admin, 0, Profession::LeadCoordinator),
            (1, "保健 さくら", Role::Coordinator, 0, Profession::PublicHealthNurse),
            (2, "助産 みどり", Role::Coordinator, 1, Profession::Midwife),
            (3, "支援 ひかる", Role::Coordinator, 1, Profession::SupportSpecialist),
        ];
        let mut staff_ids: Vec<AccountId> = Vec::new();
        for (login, name, role, site, profession) in staff {
            let email = parse(Email::parse(LOGINS[login].email))?;
            let account = self
                .create_staff(
                    &NewStaff {
                        municipality,
                        email: &email,
                        password_hash: &hash,
                        display_name: name,
                        role,
                        site: Some(sites[site]),
                        profession,
                    },
                    now,
                )
                .await?;
            staff_ids.push(account);
        }
        let issuer = *staff_ids.first().ok_or(Error::NotFound)?;
        let nurse = *staff_ids.get(1).ok_or(Error::NotFound)?;
        let mut institutions = Vec::new();
        for (kind, name, phone) in INSTITUTIONS {
            let institution = NewInstitution {
                kind,
                name,
                phone,
                note: "",
            };
            institutions.push((kind, self.add_institution(municipality, &institution, now).await?));
        }

        for (i, (name, kana)) in FAMILY_NAMES.iter().enumerate() {
            let family_name = parse(PersonName::parse("family_name", name))?;
            let family_kana = parse(Kana::parse("family_name_kana", kana))?;
            let family = self
                .create_family(
                    municipality,
                    &NewFamily {
                        site: Some(sites[i % 2]),
                        family_name: &family_name,
                        family_name_kana: &family_kana,
                    },
                    now,
                )
                .await?;
            let n = i as u64;
            let (child_name, child_kana, sex) = CHILD_NAMES[i % CHILD_NAMES.len()];
            let child_name = parse(PersonName::parse("name", &format!("{name} {child_name}")))?;
            let child_kana = parse(Kana::parse("name_kana", &format!("{kana} {child_kana}")))?;
            // Six stages, spread over the list: early and late pregnancy, newborn, infant, toddler, preschool.
            let (pregnancy, notified_on, born) = match i % 6 {
                0 | 1 => {
                    let weeks = if i % 6 == 0 { 8 + n % 5 } else { 24 + n % 12 };
                    let due_date = days_after(today, 280 - weeks * 7 - n % 7);
                    let notified_on = days_before(today, 7 * (weeks - 7));
                    let pregnancy = self
                        .add_pregnancy(
                            municipality,
                            family,
                            &NewPregnancy {
                                due_date,
                                notified_on: Some(notified_on),
                                lost_on: None,
                                // The heartbeat is confirmed a week or two before the notification.
                                heartbeat_on: Some(days_before(notified_on, 5 + n % 10)),
                                fetuses: 1,
                            },
                            now,
                        )
                        .await?;
                    (pregnancy, notified_on, None)
                }
                stage => {
                    let age_days = match stage {
                        2 => n % 27,
                        3 => 60 + (n * 11) % 270,
                        4 => 365 + (n * 17) % 365,
                        _ => 3 * 365 + (n * 23) % (2 * 365),
                    };
                    let birth_date = days_before(today, age_days);
                    let notified_on = days_before(birth_date, 230);
                    let pregnancy = self
                        .add_pregnancy(
                            municipality,
                            family,
                            &NewPregnancy {
                                due_date: days_after(birth_date, n % 10),
                                notified_on: Some(notified_on),
                                lost_on: None,
                                // The heartbeat is confirmed a week or two before the notification.
                                heartbeat_on: Some(days_before(notified_on, 5 + n % 10)),
                                fetuses: 1,
                            },
                            now,
                        )
                        .await?;
                    let child = self
                        .add_child(
                            municipality,
                            family,
                            &NewChild {
                                pregnancy: Some(pregnancy),
                                name: &child_name,
                                name_kana: &child_kana,
                                birth_date,
                                sex,
                            },
                            now,
                        )
                        .await?;
                    (pregnancy, notified_on, Some((child, birth_date)))
                }
            };
            self.seed_demo_support(DemoFamily {
                municipality,
                family,
                index: i,
                pregnancy,
                notified_on,
                born,
                nurse,
                institutions: &institutions,
                now,
            })
            .await?;
            // Demo parent logins: an infant's family (index 3) and an early pregnancy (index 0).
            let login = match i {
                3 => Some(LOGINS[4].email),
                0 => Some(LOGINS[5].email),
                _ => None,
            };
            if let Some(login) = login {
                let (given, given_kana) = GUARDIAN_NAMES[i % GUARDIAN_NAMES.len()];
                let code = InvitationCode::from_random(rand::random());
                self.issue_invitation(municipality, family, issuer, code.clone(), now)
                    .await?;
                let email = parse(Email::parse(login))?;
                let guardian_name = parse(PersonName::parse("name", &format!("{name} {given}")))?;
                let guardian_kana = parse(Kana::parse("name_kana", &format!("{kana} {given_kana}")))?;
                let joined = self
                    .join_with_invitation(
                        &code,
                        &NewGuardian {
                            email: &email,
                            password_hash: &hash,
                            name: &guardian_name,
                            name_kana: &guardian_kana,
                        },
                        None,
                        now,
                    )
                    .await?;
                joined.map_err(|refused| Error::Corrupt(format!("demo guardian: {refused:?}")))?;
            }
        }
        Ok(true)
    }
}
