//! The kept task list against the planner: random changes through every write path, a schedule
//! file laid over the national one and taken away, and a refresh that read a family before a newer
//! change. The planner (`load::task_list`, the whole municipality planned from scratch) is the oracle.

use crate::helpers::{PASSWORD, TestApp, tokyo_day};
use crate::on_both;
use app::api::tasks::load::{refresh_stale, task_list};
use app::api::timeline::load;
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use domain::account::{Profession, Role};
use domain::consultation::{Author, ClientKey, ContactMode, MessageText, Outcome, Topic, Urgency};
use domain::family::PregnancyOutcome;
use domain::ids::{AccountId, ChildId, FamilyId, MunicipalityId, PregnancyId, SiteId};
use domain::invitation::InvitationCode;
use domain::people::{Email, Kana, NewPassword, PersonName, Sex};
use domain::schedule::Options;
use domain::support::epds::Epds;
use domain::support::interview::{HomeSupport, InterviewKind};
use domain::support::plan::{PlanCategory, PlanPeriod, PlanStatus, PlanSubject};
use domain::support::risk::{FlagOrigin, RiskCategory};
use domain::support::task::{FamilyFacts, KeptTask, Scope, TASK_KINDS, Task, TaskKind, kept_family_tasks};
use domain::support::visit::VisitKind;
use domain::timeline::{Member, MemberRecord, family_timelines};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use store::Store;
use store::accounts::{NewStaff, hash_password};
use store::consultations::{NewConsultation, Which};
use store::families::{NewChild, NewFamily, NewPregnancy};
use store::interviews::NewInterview;
use store::invitations::NewGuardian;
use store::municipalities::Municipality;
use store::plans::{NewFlag, PlanContents};
use store::tasks::TaskPage;
use store::timeline::Source;
use store::visits::{PlannedVisit, VisitReport};

/// A city that holds its 3–4 month checkup until 5 months, has no 9–10 month checkup, and gives
/// the newborn visit 60 days: each visibly moves a task of the families below.
const OVERLAY: &str = r#"extends = "national"
name = "kept-tasks-city"
remove = ["checkup-9m"]

[[series]]
key = "checkup-3m"
recommended = ["3m", "5m"]

[[series]]
key = "visit-newborn"
window = ["0d", "60d"]
"#;

/// Which of [`town`]'s families has which history.
const FOUR_MONTHS: usize = 1;
const NEWBORN: usize = 2;
const ELEVEN_MONTHS: usize = 3;
const DUE_SOON: usize = 4;
const DUE_IN_AUTUMN: usize = 6;

/// Kept pages are read this many tasks at a time, so even a small town's list spans pages.
const PAGE: i64 = 7;

/// The kept list is also read on later days, which it claims to answer without planning again.
/// (700 days on, the first 支援給付 claims of this year's notifications near their deadline.)
const LATER_DAYS: [i64; 4] = [0, 1, 45, 700];

/// The municipality's today at noon, a second later at every change: every change, and every
/// refresh, falls on the same day whenever the test runs.
struct Clock {
    today: NaiveDate,
    now: DateTime<Utc>,
}

impl Clock {
    fn new() -> Clock {
        let today = tokyo_day(0);
        let noon = chrono_tz::Asia::Tokyo
            .from_local_datetime(&today.and_hms_opt(12, 0, 0).unwrap())
            .unwrap()
            .with_timezone(&Utc);
        Clock { today, now: noon }
    }

    fn tick(&mut self) -> DateTime<Utc> {
        self.now += Duration::seconds(1);
        self.now
    }

    fn day(&self, days: i64) -> NaiveDate {
        self.today + Duration::days(days)
    }
}

struct Town {
    record: Municipality,
    sites: [SiteId; 2],
    coordinators: [AccountId; 2],
    families: Vec<Family>,
}

#[derive(Debug, Clone, Copy)]
struct Family {
    id: FamilyId,
    guardian: AccountId,
}

impl Town {
    fn id(&self) -> MunicipalityId {
        self.record.id
    }

    fn scopes(&self) -> [Scope; 5] {
        [
            Scope::All,
            Scope::Site(self.sites[0]),
            Scope::Site(self.sites[1]),
            Scope::Mine(self.coordinators[0]),
            Scope::Mine(self.coordinators[1]),
        ]
    }

    fn nurse(&self) -> AccountId {
        self.coordinators[0]
    }
}

fn staff_hash() -> String {
    hash_password(&NewPassword::parse(PASSWORD).unwrap()).unwrap()
}

fn name(text: &str) -> PersonName {
    PersonName::parse("name", text).unwrap()
}

fn kana(text: &str) -> Kana {
    Kana::parse("name_kana", text).unwrap()
}

/// The seeder's eight most common surnames, one per family.
const FAMILY_NAMES: &[(&str, &str)] = store::scale::SURNAMES.split_at(8).0;

/// A municipality with two sites, a coordinator at each, and eight families (at either site or at
/// none), each with a parent: a two-year-old, a four-month-old, a newborn, an eleven-month-old,
/// pregnancies due soon, overdue and in the autumn, and a toddler with a sibling on the way. Ages
/// move a little with the seed, never out of the stage they stand for.
async fn town(store: &Store, code: &str, hash: &str, rng: &mut StdRng, clock: &mut Clock) -> Town {
    let now = clock.tick();
    let m = store
        .create_municipality(code, &format!("町{code}"), chrono_tz::Asia::Tokyo, now)
        .await
        .unwrap();
    let sites = [
        store.create_site(m, "本庁舎", now).await.unwrap(),
        store.create_site(m, "北部拠点", now).await.unwrap(),
    ];
    let mut coordinators = Vec::new();
    for (n, (display_name, site)) in [("保健 さくら", sites[0]), ("助産 みどり", sites[1])]
        .into_iter()
        .enumerate()
    {
        let email = Email::parse(&format!("nurse{n}-{code}@example.jp")).unwrap();
        let staff = NewStaff {
            municipality: m,
            email: &email,
            password_hash: hash,
            display_name,
            role: Role::Coordinator,
            site: Some(site),
            profession: Profession::PublicHealthNurse,
        };
        coordinators.push(store.create_staff(&staff, now).await.unwrap());
    }
    let coordinators = [coordinators[0], coordinators[1]];
    let site_of = [
        Some(sites[0]),
        Some(sites[0]),
        Some(sites[1]),
        Some(sites[1]),
        None,
        Some(sites[0]),
        Some(sites[1]),
        None,
    ];
    let mut families = Vec::new();
    for (n, ((family_name, family_kana), site)) in FAMILY_NAMES.iter().copied().zip(site_of).enumerate() {
        let id = store
            .create_family(
                m,
                &NewFamily {
                    site,
                    family_name: &name(family_name),
                    family_name_kana: &kana(family_kana),
                },
                now,
            )
            .await
            .unwrap();
        let mut bytes = [0u8; InvitationCode::SYMBOLS];
        bytes[..6].copy_from_slice(code.as_bytes());
        bytes[6] = u8::try_from(n).unwrap();
        let invitation = InvitationCode::from_random(bytes);
        store
            .issue_invitation(m, id, coordinators[0], invitation.clone(), now)
            .await
            .unwrap();
        let email = Email::parse(&format!("parent{n}-{code}@example.jp")).unwrap();
        let guardian = store
            .join_with_invitation(
                &invitation,
                &NewGuardian {
                    email: &email,
                    password_hash: hash,
                    name: &name(&format!("{family_name} 花子")),
                    name_kana: &kana(&format!("{family_kana} ハナコ")),
                },
                None,
                now,
            )
            .await
            .unwrap()
            .unwrap();
        families.push(Family { id, guardian });
    }
    let town = Town {
        record: store.municipality(m).await.unwrap(),
        sites,
        coordinators,
        families,
    };
    let f = |n: usize| town.families[n];
    let born_from_pregnancy = async |family: Family, born: NaiveDate, clock: &mut Clock| {
        let pregnancy = store
            .add_pregnancy(
                m,
                family.id,
                &NewPregnancy {
                    due_date: born + Duration::days(5),
                    notified_on: Some(born - Duration::days(220)),
                    lost_on: None,
                    heartbeat_on: None,
                    fetuses: 1,
                },
                clock.tick(),
            )
            .await
            .unwrap();
        child(store, m, family.id, Some(pregnancy), born, clock.tick()).await
    };
    let record = async |family: Family, member: ChildId, key: &str, on: NaiveDate, clock: &mut Clock| {
        store
            .add_record(
                m,
                family.id,
                Member::Child(member),
                key,
                on,
                Source::Staff,
                town.nurse(),
                clock.tick(),
            )
            .await
            .unwrap();
    };

    let born = clock.day(-rng.gen_range(690..740));
    let toddler = child(store, m, f(0).id, None, born, clock.tick()).await;
    record(f(0), toddler, "visit-newborn", born + Duration::days(14), clock).await;
    record(f(0), toddler, "checkup-1m", born + Duration::days(30), clock).await;
    record(f(0), toddler, "checkup-3m", born + Duration::days(100), clock).await;
    let born = clock.day(-rng.gen_range(125..145));
    born_from_pregnancy(f(FOUR_MONTHS), born, clock).await;
    let born = clock.day(-rng.gen_range(10..25));
    let newborn = born_from_pregnancy(f(NEWBORN), born, clock).await;
    let born = clock.day(-rng.gen_range(340..360));
    let infant = child(store, m, f(ELEVEN_MONTHS).id, None, born, clock.tick()).await;
    record(f(ELEVEN_MONTHS), infant, "checkup-1m", born + Duration::days(35), clock).await;
    pregnancy(store, m, f(DUE_SOON).id, clock.day(rng.gen_range(40..80)), clock).await;
    pregnancy(store, m, f(5).id, clock.day(-rng.gen_range(1..8)), clock).await;
    pregnancy(store, m, f(DUE_IN_AUTUMN).id, clock.day(rng.gen_range(180..240)), clock).await;
    let born = clock.day(-rng.gen_range(280..320));
    child(store, m, f(7).id, None, born, clock.tick()).await;
    pregnancy(store, m, f(7).id, clock.day(rng.gen_range(120..170)), clock).await;

    let review_on = clock.day(rng.gen_range(-5..10));
    let plan = PlanContents {
        goals: "産後の休養を確保する",
        services: "",
        ..plan(PlanStatus::Active, review_on, Some(town.coordinators[1]))
    };
    store
        .create_plan(m, f(7).id, town.nurse(), &plan, clock.tick())
        .await
        .unwrap();
    let follow_up = PlannedVisit {
        kind: VisitKind::FollowUp,
        member: None,
        due_by: clock.day(rng.gen_range(-3..20)),
        assigned_to: Some(town.nurse()),
        scheduled_on: None,
    };
    store
        .plan_visit(m, f(5).id, town.nurse(), &follow_up, clock.tick())
        .await
        .unwrap();
    store
        .open_consultation(
            m,
            f(NEWBORN).id,
            f(NEWBORN).guardian,
            &consultation(
                Some(Member::Child(newborn)),
                &worry(),
                &ClientKey::parse("setup-0001").unwrap(),
            ),
            clock.tick(),
        )
        .await
        .unwrap();
    town
}

async fn child(
    store: &Store,
    m: MunicipalityId,
    family: FamilyId,
    pregnancy: Option<PregnancyId>,
    born: NaiveDate,
    now: DateTime<Utc>,
) -> ChildId {
    store
        .add_child(
            m,
            family,
            &NewChild {
                pregnancy,
                name: &name("子 花"),
                name_kana: &kana("コ ハナ"),
                birth_date: born,
                sex: Sex::Female,
            },
            now,
        )
        .await
        .unwrap()
}

async fn pregnancy(store: &Store, m: MunicipalityId, family: FamilyId, due: NaiveDate, clock: &mut Clock) {
    store
        .add_pregnancy(
            m,
            family,
            &NewPregnancy {
                due_date: due,
                notified_on: Some(notified_on(due, clock.today)),
                lost_on: None,
                heartbeat_on: None,
                fetuses: 1,
            },
            clock.tick(),
        )
        .await
        .unwrap();
}

/// A notification about eight weeks into the pregnancy, or today if that is still to come.
fn notified_on(due: NaiveDate, today: NaiveDate) -> NaiveDate {
    (due - Duration::days(224)).min(today)
}

fn consultation<'a>(
    member: Option<Member>,
    message: &'a MessageText,
    client_key: &'a ClientKey,
) -> NewConsultation<'a> {
    NewConsultation {
        member,
        topic: Topic::ParentingWorries,
        mode: ContactMode::Phone,
        urgency: Urgency::SoonIsBetter,
        preferred_times: "",
        message,
        client_key,
    }
}

fn worry() -> MessageText {
    MessageText::parse("夜泣きが続いて眠れません").unwrap()
}

/// One change to a family's task sources, through one store write.
#[derive(Debug, Clone)]
enum Change {
    Record {
        member: Member,
        key: String,
        done_on: NaiveDate,
    },
    RemoveRecord {
        record: i64,
    },
    Pregnancy {
        due: NaiveDate,
    },
    Birth {
        pregnancy: Option<PregnancyId>,
        born: NaiveDate,
    },
    Loss {
        pregnancy: PregnancyId,
        on: NaiveDate,
    },
    Products {
        child: ChildId,
        options: &'static str,
    },
    PlanVisit {
        kind: VisitKind,
        member: Option<Member>,
        due_by: NaiveDate,
        assignee: Option<AccountId>,
        scheduled_on: Option<NaiveDate>,
    },
    RecordVisit {
        visit: i64,
        on: NaiveDate,
        epds_flags: bool,
    },
    Interview {
        kind: InterviewKind,
        member: Member,
        held_on: NaiveDate,
        flag: bool,
    },
    /// A flag opens a plan when the family has none; otherwise no task changes, and nothing is marked.
    Flag {
        on: NaiveDate,
        opens_plan: bool,
    },
    CreatePlan {
        review_on: NaiveDate,
        responsible: Option<AccountId>,
    },
    RevisePlan {
        plan: i64,
        revision: i64,
        review_on: NaiveDate,
        responsible: Option<AccountId>,
        closed: bool,
    },
    Consult {
        member: Option<Member>,
    },
    Message {
        consultation: i64,
        author: Author,
    },
    Assign {
        consultation: i64,
        assignee: Option<AccountId>,
    },
    Close {
        consultation: i64,
        outcome: Outcome,
    },
    Claim {
        pregnancy: PregnancyId,
        claim: domain::support::benefit::BenefitClaim,
        on: NaiveDate,
    },
}

impl Change {
    fn name(&self) -> String {
        format!("{self:?}").split_whitespace().next().unwrap().to_owned()
    }
}

/// Every kind of [`Change`]: the random test makes each at least once.
const EVERY_CHANGE: [&str; 17] = [
    "Claim",
    "Record",
    "RemoveRecord",
    "Pregnancy",
    "Birth",
    "Loss",
    "Products",
    "PlanVisit",
    "RecordVisit",
    "Interview",
    "Flag",
    "CreatePlan",
    "RevisePlan",
    "Consult",
    "Message",
    "Assign",
    "Close",
];

/// A random change the family's record allows, each kind of change as likely as any other.
async fn draw_change(store: &Store, town: &Town, family: Family, rng: &mut StdRng, clock: &Clock) -> Change {
    let (m, f) = (town.id(), family.id);
    let today = clock.today;
    let record = store.family_record(m, f).await.unwrap();
    let timelines = load::family(store, m, f, today).await.unwrap().timelines;
    let records = store.timeline_records(m, f).await.unwrap();
    let visits = store.home_visits(m, f).await.unwrap();
    let plans = store.support_plans(m, f).await.unwrap();
    let consultations = store.consultations(m, Which::Family(f)).await.unwrap();

    let ago = |rng: &mut StdRng, days: i64| today - Duration::days(rng.gen_range(0..=days));
    let someone = |rng: &mut StdRng| {
        *[None, Some(town.coordinators[0]), Some(town.coordinators[1])]
            .choose(rng)
            .unwrap()
    };
    let children: Vec<ChildId> = record.children.iter().map(|c| c.id).collect();
    let pregnancies: Vec<PregnancyId> = record.pregnancies.iter().map(|p| p.id).collect();
    let ongoing: Vec<_> = record
        .pregnancies
        .iter()
        .filter(|p| p.outcome == PregnancyOutcome::Ongoing)
        .collect();
    let mut members: Vec<Member> = children.iter().map(|c| Member::Child(*c)).collect();
    members.extend(pregnancies.iter().map(|p| Member::Pregnancy(*p)));

    let mut possible: Vec<Change> = Vec::new();
    let items: Vec<_> = timelines
        .iter()
        .flat_map(|t| t.timeline.items.iter().map(move |item| (t.member, item)))
        .filter(|(_, item)| TASK_KINDS.contains(&item.kind))
        .collect();
    if let Some((member, item)) = items.choose(rng) {
        // Within the window when it has opened (sometimes a little late), never after today.
        let from = item.earliest.min(today);
        let until = (item.latest + Duration::days(30)).min(today).max(from);
        let days = (until - from).num_days();
        possible.push(Change::Record {
            member: *member,
            key: item.key.to_string(),
            done_on: from + Duration::days(rng.gen_range(0..=days)),
        });
    }
    if let Some(r) = records.choose(rng) {
        possible.push(Change::RemoveRecord { record: r.id });
    }
    // Always possible, so less likely than the others once the family has a pregnancy under way.
    if ongoing.is_empty() || rng.gen_ratio(1, 3) {
        possible.push(Change::Pregnancy {
            due: clock.day(rng.gen_range(20..260)),
        });
    }
    let near_term: Vec<_> = ongoing.iter().filter(|p| p.due_date <= clock.day(70)).collect();
    if let Some(p) = near_term.choose(rng) {
        let until = today.min(p.due_date + Duration::days(7));
        let from = (p.due_date.min(today) - Duration::days(14))
            .max(p.notified_on.unwrap_or(NaiveDate::MIN))
            .min(until);
        let days = (until - from).num_days();
        possible.push(Change::Birth {
            pregnancy: Some(p.id),
            born: from + Duration::days(rng.gen_range(0..=days)),
        });
    } else if rng.gen_ratio(1, 4) {
        // A child who moves in: no pregnancy on file.
        possible.push(Change::Birth {
            pregnancy: None,
            born: ago(rng, 400),
        });
    }
    if let Some(p) = ongoing.choose(rng).filter(|_| rng.gen_bool(0.5)) {
        possible.push(Change::Loss {
            pregnancy: p.id,
            on: ago(rng, 5).max(p.notified_on.unwrap_or(NaiveDate::MIN)),
        });
    }
    if let Some(c) = children.choose(rng) {
        possible.push(Change::Products {
            child: *c,
            options: ["rota=pentavalent", "pcv=pcv15", "rota=monovalent,pcv=pcv20"]
                .choose(rng)
                .unwrap(),
        });
    }
    let kind = *VisitKind::ALL.choose(rng).unwrap();
    let member = match kind.timeline_key() {
        Some(_) => children.choose(rng).map(|c| Some(Member::Child(*c))),
        None => Some(members.choose(rng).copied().filter(|_| rng.gen_bool(0.7))),
    };
    if let Some(member) = member {
        possible.push(Change::PlanVisit {
            kind,
            member,
            due_by: clock.day(rng.gen_range(-10..40)),
            assignee: someone(rng),
            scheduled_on: Some(clock.day(rng.gen_range(0..20))).filter(|_| rng.gen_bool(0.5)),
        });
    }
    let open: Vec<_> = visits.iter().filter(|v| v.is_open()).collect();
    if let Some(v) = open.choose(rng) {
        // With and without a flagging EPDS, so planned visits get made.
        for epds_flags in [false, true] {
            possible.push(Change::RecordVisit {
                visit: v.id,
                on: ago(rng, 5),
                epds_flags,
            });
        }
    }
    let kind = *InterviewKind::ALL.choose(rng).unwrap();
    let member = match kind {
        InterviewKind::Postnatal => children.choose(rng).map(|c| Member::Child(*c)),
        _ => pregnancies.choose(rng).map(|p| Member::Pregnancy(*p)),
    };
    if let Some(member) = member {
        possible.push(Change::Interview {
            kind,
            member,
            held_on: ago(rng, 10),
            flag: rng.gen_ratio(1, 5),
        });
    }
    possible.push(Change::Flag {
        on: ago(rng, 3),
        // A 要支援 flag opens the household's plan when it has none open.
        opens_plan: !plans
            .iter()
            .any(|p| p.status == PlanStatus::Active && p.category == PlanCategory::ChildNeedingSupport),
    });
    let review_on = clock.day(rng.gen_range(-20..30));
    // Several plans can be open at once: the flag's, and the mother's that this change makes.
    let mothers = plans
        .iter()
        .find(|p| p.status == PlanStatus::Active && p.category == PlanCategory::MaternalChildHealth);
    possible.push(match mothers {
        Some(plan) => Change::RevisePlan {
            plan: plan.id,
            revision: plan.revision,
            review_on,
            responsible: someone(rng),
            closed: rng.gen_ratio(1, 5),
        },
        None => Change::CreatePlan {
            review_on,
            responsible: someone(rng),
        },
    });
    let open: Vec<_> = consultations.iter().filter(|c| c.closed.is_none()).collect();
    if open.is_empty() || rng.gen_ratio(1, 3) {
        possible.push(Change::Consult {
            member: members.choose(rng).copied().filter(|_| rng.gen_bool(0.5)),
        });
    }
    if let Some(c) = open.choose(rng) {
        // Both sides write, so a thread goes back and forth before it closes.
        for author in [Author::Staff, Author::Guardian] {
            possible.push(Change::Message {
                consultation: c.id,
                author,
            });
        }
        possible.push(Change::Close {
            consultation: c.id,
            outcome: *Outcome::ALL.choose(rng).unwrap(),
        });
    }
    if let Some(c) = consultations.choose(rng) {
        possible.push(Change::Assign {
            consultation: c.id,
            assignee: someone(rng),
        });
    }
    if let Some(p) = pregnancies.choose(rng).filter(|_| rng.gen_ratio(1, 4)) {
        possible.push(Change::Claim {
            pregnancy: *p,
            claim: *domain::support::benefit::BenefitClaim::ALL.choose(rng).unwrap(),
            on: today - Duration::days(rng.gen_range(0..30)),
        });
    }
    possible.choose(rng).unwrap().clone()
}

/// Makes the change through the store, as the server functions do.
async fn apply(store: &Store, town: &Town, family: Family, change: &Change, clock: &mut Clock, n: usize) {
    let (m, f, nurse) = (town.id(), family.id, town.nurse());
    let now = clock.tick();
    let key = format!("change-{n:04}");
    match change.clone() {
        Change::Record { member, key, done_on } => {
            store
                .add_record(m, f, member, &key, done_on, Source::Staff, nurse, now)
                .await
                .unwrap();
        }
        Change::RemoveRecord { record } => {
            store.remove_record(m, None, record, nurse, now).await.unwrap();
        }
        Change::Pregnancy { due } => {
            let new = NewPregnancy {
                due_date: due,
                notified_on: Some(notified_on(due, clock.today)),
                lost_on: None,
                heartbeat_on: None,
                fetuses: 1,
            };
            store.add_pregnancy(m, f, &new, now).await.unwrap();
        }
        Change::Birth { pregnancy, born } => {
            child(store, m, f, pregnancy, born, now).await;
        }
        Change::Loss { pregnancy, on } => store.record_loss(m, f, pregnancy, on).await.unwrap(),
        Change::Products { child, options } => {
            let options = Options::from_text(options).unwrap();
            store.set_child_options(m, f, child, &options).await.unwrap();
        }
        Change::PlanVisit {
            kind,
            member,
            due_by,
            assignee,
            scheduled_on,
        } => {
            let visit = PlannedVisit {
                kind,
                member,
                due_by,
                assigned_to: assignee,
                scheduled_on,
            };
            store.plan_visit(m, f, nurse, &visit, now).await.unwrap();
        }
        Change::RecordVisit { visit, on, epds_flags } => {
            let report = VisitReport {
                visited_on: on,
                findings: "授乳は順調",
                epds: Some(Epds::from_text(if epds_flags { "3333333333" } else { "0000000000" }).unwrap()),
            };
            store.record_visit(m, f, visit, nurse, &report, now).await.unwrap();
        }
        Change::Interview {
            kind,
            member,
            held_on,
            flag,
        } => {
            let interview = NewInterview {
                kind,
                member,
                held_on,
                home_support: HomeSupport::Some,
                checklist: &[],
                health: "",
                worries: "",
                questionnaire_returned: true,
                interview_requested: false,
                benefit_form_handed: false,
                flag: flag.then_some(NewFlag {
                    category: RiskCategory::SpecifiedPregnancy,
                    origin: FlagOrigin::Interview,
                    reason: "支援者がいない",
                    raised_on: held_on,
                }),
            };
            store.add_interview(m, f, nurse, &interview, now).await.unwrap();
        }
        Change::Flag { on, .. } => {
            let flag = NewFlag {
                category: RiskCategory::NeedsSupport,
                origin: FlagOrigin::Manual,
                reason: "育児の負担が大きい",
                raised_on: on,
            };
            store.raise_flag(m, f, nurse, &flag, now).await.unwrap();
        }
        Change::CreatePlan { review_on, responsible } => {
            store
                .create_plan(m, f, nurse, &plan(PlanStatus::Active, review_on, responsible), now)
                .await
                .unwrap();
        }
        Change::RevisePlan {
            plan: id,
            revision,
            review_on,
            responsible,
            closed,
        } => {
            let status = if closed { PlanStatus::Closed } else { PlanStatus::Active };
            store
                .revise_plan(m, f, id, revision, nurse, &plan(status, review_on, responsible), now)
                .await
                .unwrap();
        }
        Change::Consult { member } => {
            store
                .open_consultation(
                    m,
                    f,
                    family.guardian,
                    &consultation(member, &worry(), &ClientKey::parse(&key).unwrap()),
                    now,
                )
                .await
                .unwrap();
        }
        Change::Message { consultation, author } => {
            let by = match author {
                Author::Staff => nurse,
                Author::Guardian => family.guardian,
            };
            let text = MessageText::parse("昨夜も三回起きました").unwrap();
            let key = ClientKey::parse(&key).unwrap();
            store
                .post_message(m, consultation, author, by, &text, &key, now)
                .await
                .unwrap();
        }
        Change::Assign { consultation, assignee } => {
            store.assign_consultation(m, consultation, assignee).await.unwrap();
        }
        Change::Close { consultation, outcome } => {
            store
                .close_consultation(m, consultation, outcome, "", nurse, now)
                .await
                .unwrap();
        }
        Change::Claim { pregnancy, claim, on } => {
            store
                .record_benefit_claim(
                    m,
                    f,
                    &domain::support::benefit::ReceivedClaim {
                        pregnancy,
                        claim,
                        received_on: on,
                    },
                    nurse,
                    now,
                )
                .await
                .unwrap();
        }
    }
}

fn plan(status: PlanStatus, review_on: NaiveDate, responsible: Option<AccountId>) -> PlanContents<'static> {
    PlanContents {
        status,
        subject: PlanSubject::Mother,
        category: PlanCategory::MaternalChildHealth,
        period: PlanPeriod {
            from: review_on - chrono::Duration::days(30),
            review_on,
            until: review_on + chrono::Duration::days(150),
        },
        goals: "育児の相談先をつくる",
        services: "産後ケア事業",
        responsible,
        institutions: "",
        shared: None,
        sharing_note: "",
        today: review_on,
    }
}

async fn is_stale(store: &Store, town: &Town, family: FamilyId) -> bool {
    store
        .stale_families(town.id(), i64::MAX)
        .await
        .unwrap()
        .iter()
        .any(|s| s.family == family)
}

/// Plans every stale family, as the task list does before it reads.
async fn refresh(store: &Store, town: &Town, clock: &mut Clock) {
    refresh_stale(store, &town.record, clock.tick()).await.unwrap();
    assert_eq!(
        store.stale_task_count(town.id()).await.unwrap(),
        0,
        "a refresh with no change meanwhile keeps every stale family"
    );
}

/// The scope's whole kept list on a day, page by page, checking the pages agree.
async fn kept_list(store: &Store, town: &Town, scope: Scope, on: NaiveDate) -> TaskPage {
    let first = store.kept_task_page(town.id(), scope, on, 0, PAGE).await.unwrap();
    let mut tasks = first.tasks.clone();
    while tasks.len() < first.total {
        let offset = i64::try_from(tasks.len()).unwrap();
        let next = store.kept_task_page(town.id(), scope, on, offset, PAGE).await.unwrap();
        assert_eq!((next.total, next.late), (first.total, first.late), "{scope:?}");
        assert!(!next.tasks.is_empty(), "{scope:?}: a page short of the total");
        tasks.extend(next.tasks);
    }
    let offset = i64::try_from(tasks.len()).unwrap();
    let beyond = store.kept_task_page(town.id(), scope, on, offset, PAGE).await.unwrap();
    assert!(beyond.tasks.is_empty(), "{scope:?}: more tasks than the total");
    assert!(
        tasks.windows(2).all(|w| w[0].due <= w[1].due),
        "{scope:?}: earliest due first"
    );
    TaskPage {
        tasks,
        total: first.total,
        late: first.late,
    }
}

/// The tasks in an order that leaves ties nothing to decide.
fn in_order(mut tasks: Vec<Task>) -> Vec<Task> {
    tasks.sort_by_cached_key(|t| {
        (
            t.due,
            t.family,
            format!("{:?}", t.kind),
            t.item.clone(),
            format!("{:?}", t.member),
            format!("{t:?}"),
        )
    });
    tasks
}

/// Every scope's kept list, today and on later days, is the planner's list with the same totals.
async fn assert_kept_list_is_the_planners(store: &Store, town: &Town, clock: &Clock, log: &[String]) {
    for days in LATER_DAYS {
        let on = clock.day(days);
        for scope in town.scopes() {
            let mut kept = kept_list(store, town, scope, on).await;
            let mut planned = task_list(store, &town.record, scope, on, clock.now).await.unwrap();
            if days > 0 {
                // A vaccination's task holds for the day it was planned only: on a later day the
                // family is planned again first (`replan_after`, which the domain's property test
                // walks through day by day), so here the later days compare the other tasks.
                let lasting = |t: &Task| t.kind != TaskKind::MissedVaccination;
                kept.tasks.retain(lasting);
                planned.retain(lasting);
                kept.total = kept.tasks.len();
                kept.late = kept.tasks.iter().filter(|t| t.is_late(on)).count();
            }
            let late = planned.iter().filter(|t| t.is_late(on)).count();
            let (kept_tasks, planned) = (in_order(kept.tasks), in_order(planned));
            let only_kept: Vec<_> = kept_tasks.iter().filter(|t| !planned.contains(t)).collect();
            let only_planned: Vec<_> = planned.iter().filter(|t| !kept_tasks.contains(t)).collect();
            assert!(
                kept_tasks == planned && (kept.total, kept.late) == (planned.len(), late),
                "{scope:?} on {on} (today + {days}): kept {} tasks ({} late), planned {} ({late} late)\n\
                 only kept: {only_kept:#?}\nonly planned: {only_planned:#?}\nafter:\n{}",
                kept.total,
                kept.late,
                planned.len(),
                log.join("\n")
            );
        }
    }
}

/// Seeds × changes: fifty changes to each of three towns.
const SEEDS: [u64; 3] = [1, 2, 3];
const CHANGES: usize = 50;

async fn the_kept_task_list_equals_the_planner_after_every_random_sequence_of_changes(app: TestApp) {
    let store = &app.store;
    let hash = staff_hash();
    let mut made = std::collections::BTreeSet::new();
    for seed in SEEDS {
        let mut rng = StdRng::seed_from_u64(seed);
        let mut clock = Clock::new();
        let town = town(store, &format!("3100{seed:02}"), &hash, &mut rng, &mut clock).await;
        let mut log = vec![format!("seed {seed}, today {}", clock.today)];
        refresh(store, &town, &mut clock).await;
        assert_kept_list_is_the_planners(store, &town, &clock, &log).await;
        let mut overlay = None;
        let mut changes = 0;
        while changes < CHANGES {
            if rng.gen_ratio(1, 20) {
                overlay = if overlay.is_some() { None } else { Some(OVERLAY) };
                store.set_schedule_overlay(town.id(), overlay).await.unwrap();
                log.push(format!("schedule file: {}", overlay.map_or("none", |_| "OVERLAY")));
                assert_eq!(
                    store.stale_task_count(town.id()).await.unwrap(),
                    i64::try_from(town.families.len()).unwrap()
                );
            } else {
                // Each family changes at most once a batch, so its mark shows this change made it.
                let mut families = town.families.clone();
                families.shuffle(&mut rng);
                let batch = rng.gen_range(1..=5).min(CHANGES - changes);
                for family in families.into_iter().take(batch) {
                    let change = draw_change(store, &town, family, &mut rng, &clock).await;
                    log.push(format!("{:?}: {change:?}", family.id));
                    made.insert(change.name());
                    assert!(!is_stale(store, &town, family.id).await, "{}", log.join("\n"));

                    apply(store, &town, family, &change, &mut clock, changes).await;

                    let marks = !matches!(change, Change::Flag { opens_plan: false, .. });
                    assert!(
                        !marks || is_stale(store, &town, family.id).await,
                        "the change leaves its family stale:\n{}",
                        log.join("\n")
                    );
                    changes += 1;
                }
            }
            refresh(store, &town, &mut clock).await;
            log.push("refresh".into());
            assert_kept_list_is_the_planners(store, &town, &clock, &log).await;
        }
    }
    assert_eq!(
        made,
        EVERY_CHANGE.map(String::from).into(),
        "every write path was taken"
    );
}

fn find<'a>(tasks: &'a [Task], family: FamilyId, item: &str) -> Option<&'a Task> {
    tasks
        .iter()
        .find(|t| t.family == family && t.item.as_deref() == Some(item))
}

async fn a_schedule_file_marks_every_family_and_the_refresh_follows_it(app: TestApp) {
    let store = &app.store;
    let mut rng = StdRng::seed_from_u64(7);
    let mut clock = Clock::new();
    let town = town(store, "320001", &staff_hash(), &mut rng, &mut clock).await;
    refresh(store, &town, &mut clock).await;
    let national = kept_list(store, &town, Scope::All, clock.today).await.tasks;
    let newborn = town.families[NEWBORN].id;
    let born = store.family_record(town.id(), newborn).await.unwrap().children[0].birth_date;
    let (four_months, eleven_months) = (town.families[FOUR_MONTHS].id, town.families[ELEVEN_MONTHS].id);
    assert_eq!(
        find(&national, newborn, "visit-newborn").map(|t| t.due),
        Some(born + Duration::days(28))
    );
    assert!(find(&national, four_months, "checkup-3m").is_some_and(|t| t.kind == TaskKind::MissedCheckup));
    assert!(find(&national, eleven_months, "checkup-9m").is_some_and(|t| t.kind == TaskKind::MissedCheckup));

    store.set_schedule_overlay(town.id(), Some(OVERLAY)).await.unwrap();

    let families = i64::try_from(town.families.len()).unwrap();
    assert_eq!(store.stale_task_count(town.id()).await.unwrap(), families);
    assert_eq!(
        kept_list(store, &town, Scope::All, clock.today).await.tasks,
        national,
        "the kept list is the national one until the refresh"
    );
    refresh(store, &town, &mut clock).await;
    assert_kept_list_is_the_planners(store, &town, &clock, &["schedule file: OVERLAY".into()]).await;
    let city = kept_list(store, &town, Scope::All, clock.today).await.tasks;
    assert_eq!(
        find(&city, newborn, "visit-newborn").map(|t| t.due),
        Some(born + Duration::days(60)),
        "the city's newborn visit is due later"
    );
    assert!(
        find(&city, four_months, "checkup-3m").is_none(),
        "at four months the city's 3–5 month checkup is due, not missed"
    );
    assert!(
        find(&city, eleven_months, "checkup-9m").is_none(),
        "the city has no 9–10 month checkup"
    );

    store.set_schedule_overlay(town.id(), None).await.unwrap();

    assert_eq!(store.stale_task_count(town.id()).await.unwrap(), families);
    refresh(store, &town, &mut clock).await;
    assert_kept_list_is_the_planners(store, &town, &clock, &["schedule file: none".into()]).await;
    assert_eq!(
        in_order(kept_list(store, &town, Scope::All, clock.today).await.tasks),
        in_order(national)
    );
}

/// The family's tasks as a refresh plans them now, for `keep_tasks` to write later.
async fn planned_now(store: &Store, town: &Town, family: FamilyId, today: NaiveDate) -> Vec<KeptTask> {
    let m = town.id();
    let schedule = load::schedule(store, m).await.unwrap().only(&TASK_KINDS);
    let record = store.family_record(m, family).await.unwrap();
    let records: Vec<MemberRecord> = store
        .timeline_records(m, family)
        .await
        .unwrap()
        .into_iter()
        .map(|r| MemberRecord {
            member: r.member,
            key: r.key,
            done_on: r.done_on,
        })
        .collect();
    let visits = store.home_visits(m, family).await.unwrap();
    let timelines = family_timelines(&schedule, &record, &records, today);
    let claims = store.benefit_claims(m, family).await.unwrap();
    let mut tasks = kept_family_tasks(
        &FamilyFacts {
            family,
            family_name: &record.family_name,
            site: record.site,
            timelines: &timelines,
            visits: &visits,
            pregnancies: &record.pregnancies,
            claims: &claims,
        },
        today,
    );
    for p in store
        .active_plans(m)
        .await
        .unwrap()
        .into_iter()
        .filter(|p| p.family == family)
    {
        tasks.push(KeptTask::plan_review(
            p.family,
            &p.family_name,
            p.site,
            p.review_on,
            p.responsible,
        ));
    }
    for c in store.consultations(m, Which::Family(family)).await.unwrap() {
        if let (None, Some(since)) = (c.closed, c.waiting_since()) {
            let since = since.with_timezone(&town.record.time_zone).date_naive();
            tasks.push(KeptTask::consultation(&c, record.site, since));
        }
    }
    tasks
}

fn of_family(tasks: &[Task], family: FamilyId) -> Vec<Task> {
    in_order(tasks.iter().filter(|t| t.family == family).cloned().collect())
}

async fn a_refresh_never_overwrites_a_newer_change(app: TestApp) {
    let store = &app.store;
    let mut rng = StdRng::seed_from_u64(11);
    let mut clock = Clock::new();
    let town = town(store, "330001", &staff_hash(), &mut rng, &mut clock).await;
    let m = town.id();
    refresh(store, &town, &mut clock).await;
    let (changed, other) = (town.families[DUE_SOON], town.families[DUE_IN_AUTUMN]);
    let today = clock.today;
    let follow_up = |assignee: AccountId, days: i64| PlannedVisit {
        kind: VisitKind::FollowUp,
        member: None,
        due_by: today + Duration::days(days),
        assigned_to: Some(assignee),
        scheduled_on: None,
    };
    let first = follow_up(town.coordinators[0], 5);
    store
        .plan_visit(m, changed.id, town.nurse(), &first, clock.tick())
        .await
        .unwrap();
    store
        .add_pregnancy(
            m,
            other.id,
            &NewPregnancy {
                due_date: clock.day(100),
                notified_on: Some(clock.day(-80)),
                lost_on: None,
                heartbeat_on: None,
                fetuses: 2,
            },
            clock.tick(),
        )
        .await
        .unwrap();
    let before = kept_list(store, &town, Scope::All, clock.today).await.tasks;
    // A refresh reads the stale families and plans them …
    let read = store.stale_families(m, i64::MAX).await.unwrap();
    assert_eq!(
        read.iter().map(|s| s.family).collect::<Vec<_>>(),
        [changed.id, other.id]
    );
    let mut planned = Vec::new();
    for s in &read {
        planned.push((*s, planned_now(store, &town, s.family, clock.today).await));
    }
    // … while a coordinator plans another visit for one of them.
    let newer = follow_up(town.coordinators[1], 9);
    store
        .plan_visit(m, changed.id, town.nurse(), &newer, clock.tick())
        .await
        .unwrap();

    let kept = store.keep_tasks(m, &planned).await.unwrap();

    assert_eq!(kept, 1, "only the family unchanged since the read is written");
    let stale = store.stale_families(m, i64::MAX).await.unwrap();
    assert_eq!(stale.iter().map(|s| s.family).collect::<Vec<_>>(), [changed.id]);
    assert!(stale[0].generation > read[0].generation);
    let after = kept_list(store, &town, Scope::All, clock.today).await.tasks;
    assert_eq!(
        of_family(&after, changed.id),
        of_family(&before, changed.id),
        "the changed family's kept tasks are untouched, and it stays stale for the next refresh"
    );
    let planner = task_list(store, &town.record, Scope::All, clock.today, clock.now)
        .await
        .unwrap();
    assert_eq!(of_family(&after, other.id), of_family(&planner, other.id));
    assert_ne!(of_family(&after, changed.id), of_family(&planner, changed.id));

    refresh(store, &town, &mut clock).await;

    assert_kept_list_is_the_planners(
        store,
        &town,
        &clock,
        &["keep_tasks with a generation read before a change".into()],
    )
    .await;
    let theirs = kept_list(store, &town, Scope::Mine(town.coordinators[1]), clock.today)
        .await
        .tasks;
    assert!(
        theirs.iter().any(|t| t.family == changed.id
            && t.due == clock.day(9)
            && t.kind
                == TaskKind::Visit {
                    visit: VisitKind::FollowUp
                }),
        "{theirs:#?}"
    );
}

on_both!(
    the_kept_task_list_equals_the_planner_after_every_random_sequence_of_changes,
    a_schedule_file_marks_every_family_and_the_refresh_follows_it,
    a_refresh_never_overwrites_a_newer_change,
);
