//! A large municipality for load tests and benchmarks: N families at every stage with timeline
//! records, interviews, visits, flags and plans, and consultations, written in multi-row INSERTs
//! inside one transaction (so a failed run leaves nothing behind).
//!
//! The rows are the ones the application writes itself (same tables, columns and codes), so every
//! query sees normal data. The data are deterministic for a given seed, `today` and `now`.

use crate::accounts::hash_password;
use crate::value::Value;
use crate::{Engine, Error, Store, time};
use chrono::{DateTime, Datelike, Days, Duration, NaiveDate, Utc};
use domain::account::{Profession, Role};
use domain::consultation::{ContactMode, Outcome, Topic, Urgency};
use domain::ids::MunicipalityId;
use domain::people::{NewPassword, Sex};
use domain::schedule::{Kind, Options, Record, Schedule, Status, Subject, plan};
use domain::support::epds::Epds;
use domain::support::interview::{HomeSupport, InterviewKind};
use domain::support::plan::{PlanCategory, PlanStatus};
use domain::support::risk::{FlagOrigin, RiskCategory};
use domain::support::visit::VisitKind;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use std::collections::{HashMap, HashSet};

/// Shared by every login of a seeded municipality. Test data only.
pub const PASSWORD: &str = "yorisoi-scale-2026";
pub const DEFAULT_CODE: &str = "999991";
pub const DEFAULT_NAME: &str = "おおぞら市";

/// What to seed.
pub struct Scale<'a> {
    pub code: &'a str,
    pub name: &'a str,
    pub families: u32,
    pub seed: u64,
    pub today: NaiveDate,
    pub now: DateTime<Utc>,
}

/// What was seeded, and who can sign in to look at it.
#[derive(Debug, Clone)]
pub struct Seeded {
    pub municipality: MunicipalityId,
    pub families: u64,
    pub pregnancies: u64,
    pub children: u64,
    pub records: u64,
    pub interviews: u64,
    pub visits: u64,
    pub plans: u64,
    pub consultations: u64,
    pub guardians: u64,
    pub admin_email: String,
    pub coordinator_email: String,
}

const SITES: [&str; 4] = [
    "こども家庭センター 本庁舎",
    "北部保健センター",
    "南部保健センター",
    "西部保健センター",
];
const COORDINATORS_PER_SITE: usize = 6;

/// Common surnames with their readings: a name search finds roughly one family in forty.
pub const SURNAMES: [(&str, &str); 40] = [
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
    ("斎藤", "サイトウ"),
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
    ("遠藤", "エンドウ"),
    ("青木", "アオキ"),
    ("坂本", "サカモト"),
];
const GIVEN_NAMES: [(&str, &str, Sex); 20] = [
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
    ("悠真", "ユウマ", Sex::Male),
    ("葵", "アオイ", Sex::Female),
    ("大和", "ヤマト", Sex::Male),
    ("さくら", "サクラ", Sex::Female),
    ("律", "リツ", Sex::Male),
    ("結愛", "ユア", Sex::Female),
    ("朝陽", "アサヒ", Sex::Male),
    ("莉子", "リコ", Sex::Female),
    ("颯真", "ソウマ", Sex::Male),
    ("美月", "ミツキ", Sex::Female),
];
const GUARDIAN_NAMES: [(&str, &str); 8] = [
    ("花子", "ハナコ"),
    ("美咲", "ミサキ"),
    ("由美", "ユミ"),
    ("恵", "メグミ"),
    ("彩", "アヤ"),
    ("舞", "マイ"),
    ("健太", "ケンタ"),
    ("翔太", "ショウタ"),
];
const PROFESSIONS: [Profession; 3] = [
    Profession::PublicHealthNurse,
    Profession::Midwife,
    Profession::SupportSpecialist,
];

/// Rows of one table, written as multi-row INSERTs as large as the engine's parameter limit allows.
struct Table {
    engine: Engine,
    name: &'static str,
    columns: &'static [&'static str],
    values: Vec<Value>,
    rows_per_statement: usize,
    written: u64,
}

impl Table {
    fn new(engine: Engine, name: &'static str, columns: &'static [&'static str]) -> Self {
        // SQLite binds at most 32,766 parameters per statement, PostgreSQL 65,535.
        let max_parameters = match engine {
            Engine::Sqlite => 32_766,
            Engine::Postgres => 65_535,
        };
        Table {
            engine,
            name,
            columns,
            values: Vec::new(),
            rows_per_statement: (max_parameters / columns.len()).min(4000),
            written: 0,
        }
    }

    fn push<const N: usize>(&mut self, row: [Value; N]) {
        debug_assert_eq!(N, self.columns.len(), "{}", self.name);
        self.values.extend(row);
    }

    fn sql(&self, rows: usize) -> String {
        let width = self.columns.len();
        let mut sql = format!("INSERT INTO {} ({}) VALUES ", self.name, self.columns.join(", "));
        for row in 0..rows {
            sql.push_str(if row == 0 { "(" } else { ", (" });
            for column in 0..width {
                if column > 0 {
                    sql.push_str(", ");
                }
                // SQLite looks `$n` up by name, linearly: anonymous `?` keeps a 30,000-parameter
                // statement's preparation linear.
                match self.engine {
                    Engine::Sqlite => sql.push('?'),
                    Engine::Postgres => sql.push_str(&format!("${}", row * width + column + 1)),
                }
            }
            sql.push(')');
        }
        sql
    }

    async fn flush(&mut self, conn: &mut sqlx::AnyConnection) -> Result<(), Error> {
        let width = self.columns.len();
        let mut full: Option<String> = None;
        let mut written = 0;
        for chunk in self.values.chunks(width * self.rows_per_statement) {
            let rows = chunk.len() / width;
            let sql = if rows == self.rows_per_statement {
                full.get_or_insert_with(|| self.sql(rows)).clone()
            } else {
                self.sql(rows)
            };
            let mut query = sqlx::query(&sql);
            for value in chunk {
                query = match value {
                    Value::Int(v) => query.bind(*v),
                    Value::Text(v) => query.bind(v.as_str()),
                    Value::NullInt => query.bind(None::<i64>),
                    Value::NullText => query.bind(None::<String>),
                };
            }
            query.execute(&mut *conn).await?;
            written += rows as u64;
        }
        self.written += written;
        self.values.clear();
        Ok(())
    }
}

/// Every table the seeder writes, in an order that satisfies the foreign keys.
struct Tables {
    accounts: Table,
    staff_members: Table,
    families: Table,
    guardians: Table,
    pregnancies: Table,
    children: Table,
    interviews: Table,
    timeline_records: Table,
    home_visits: Table,
    risk_flags: Table,
    support_plans: Table,
    support_plan_revisions: Table,
    consultations: Table,
    consultation_messages: Table,
}

impl Tables {
    fn new(engine: Engine) -> Self {
        let t = |name: &'static str, columns: &'static [&'static str]| Table::new(engine, name, columns);
        Tables {
            accounts: t(
                "accounts",
                &[
                    "id",
                    "municipality_id",
                    "email",
                    "password_hash",
                    "role",
                    "display_name",
                    "created_at",
                ],
            ),
            staff_members: t("staff_members", &["account_id", "site_id", "profession"]),
            families: t(
                "families",
                &[
                    "id",
                    "municipality_id",
                    "site_id",
                    "family_name",
                    "family_name_kana",
                    "created_at",
                ],
            ),
            guardians: t("guardians", &["account_id", "family_id", "name", "name_kana"]),
            pregnancies: t(
                "pregnancies",
                &[
                    "id",
                    "municipality_id",
                    "family_id",
                    "due_date",
                    "notified_on",
                    "fetuses",
                    "outcome",
                    "ended_on",
                    "created_at",
                ],
            ),
            children: t(
                "children",
                &[
                    "id",
                    "municipality_id",
                    "family_id",
                    "pregnancy_id",
                    "name",
                    "name_kana",
                    "birth_date",
                    "sex",
                    "created_at",
                ],
            ),
            interviews: t(
                "interviews",
                &[
                    "municipality_id",
                    "family_id",
                    "pregnancy_id",
                    "child_id",
                    "kind",
                    "held_on",
                    "interviewer_id",
                    "home_support",
                    "checklist",
                    "health",
                    "worries",
                    "questionnaire_returned",
                    "interview_requested",
                    "benefit_form_handed",
                    "created_at",
                ],
            ),
            timeline_records: t(
                "timeline_records",
                &[
                    "municipality_id",
                    "family_id",
                    "pregnancy_id",
                    "child_id",
                    "item_key",
                    "done_on",
                    "source",
                    "recorded_by",
                    "recorded_at",
                    "verified_by",
                    "verified_at",
                ],
            ),
            home_visits: t(
                "home_visits",
                &[
                    "municipality_id",
                    "family_id",
                    "pregnancy_id",
                    "child_id",
                    "kind",
                    "due_by",
                    "assigned_to",
                    "scheduled_on",
                    "visited_on",
                    "visited_by",
                    "findings",
                    "epds",
                    "epds_total",
                    "epds_flagged",
                    "created_by",
                    "created_at",
                ],
            ),
            risk_flags: t(
                "risk_flags",
                &[
                    "municipality_id",
                    "family_id",
                    "category",
                    "origin",
                    "reason",
                    "raised_by",
                    "raised_on",
                ],
            ),
            support_plans: t(
                "support_plans",
                &[
                    "id",
                    "municipality_id",
                    "family_id",
                    "status",
                    "goals",
                    "services",
                    "responsible_id",
                    "institutions",
                    "review_on",
                    "revision",
                    "created_at",
                    "subject",
                    "category",
                    "starts_on",
                    "ends_on",
                ],
            ),
            support_plan_revisions: t(
                "support_plan_revisions",
                &[
                    "plan_id",
                    "revision",
                    "status",
                    "goals",
                    "services",
                    "responsible_id",
                    "institutions",
                    "review_on",
                    "saved_by",
                    "saved_at",
                    "subject",
                    "category",
                    "starts_on",
                    "ends_on",
                ],
            ),
            consultations: t(
                "consultations",
                &[
                    "id",
                    "municipality_id",
                    "family_id",
                    "pregnancy_id",
                    "child_id",
                    "topic",
                    "mode",
                    "urgency",
                    "preferred_times",
                    "assigned_to",
                    "opened_by",
                    "opened_at",
                    "outcome",
                    "closed_by",
                    "closed_at",
                    "staff_read_at",
                    "guardian_read_at",
                    "staff_changed_at",
                ],
            ),
            consultation_messages: t(
                "consultation_messages",
                &[
                    "consultation_id",
                    "author",
                    "author_id",
                    "body",
                    "client_key",
                    "sent_at",
                ],
            ),
        }
    }

    async fn flush(&mut self, conn: &mut sqlx::AnyConnection) -> Result<(), Error> {
        for table in [
            &mut self.accounts,
            &mut self.staff_members,
            &mut self.families,
            &mut self.guardians,
            &mut self.pregnancies,
            &mut self.children,
            &mut self.interviews,
            &mut self.timeline_records,
            &mut self.home_visits,
            &mut self.risk_flags,
            &mut self.support_plans,
            &mut self.support_plan_revisions,
            &mut self.consultations,
            &mut self.consultation_messages,
        ] {
            table.flush(conn).await?;
        }
        Ok(())
    }
}

/// Ids handed out by the seeder (the rows are written with explicit ids so that children can name
/// their parents without a round trip per row).
struct Ids {
    family: i64,
    pregnancy: i64,
    child: i64,
    account: i64,
    plan: i64,
    consultation: i64,
}

/// A timeline item done on a date, for a subject that kept its appointments.
#[derive(Clone)]
struct Done {
    key: String,
    on: NaiveDate,
    prenatal: bool,
}

/// The records of a subject that did everything on time, by subject: many children share a birth
/// date, so each subject is planned once.
struct Templates {
    schedule: &'static Schedule,
    today: NaiveDate,
    by_subject: HashMap<(NaiveDate, Option<NaiveDate>), Vec<Done>>,
}

impl Templates {
    fn get(&mut self, subject: Subject) -> &[Done] {
        let key = match subject {
            Subject::Pregnancy { due_date } => (due_date, None),
            Subject::Child { birth_date } => (birth_date, Some(birth_date)),
            Subject::Born { due_date, birth_date } => (due_date, Some(birth_date)),
            Subject::Lost { due_date, .. } => (due_date, None),
        };
        let (schedule, today) = (self.schedule, self.today);
        self.by_subject
            .entry(key)
            .or_insert_with(|| kept_appointments(schedule, &subject, today))
    }
}

/// Records every routine dose, checkup and prenatal checkup on the first day of its standard
/// period, as far as `today`. Interviews and visits are left out: they come with their own rows.
fn kept_appointments(schedule: &Schedule, subject: &Subject, today: NaiveDate) -> Vec<Done> {
    let options = Options::default();
    let mut records: Vec<Record> = Vec::new();
    let mut done: Vec<Done> = Vec::new();
    let mut tried: HashSet<String> = HashSet::new();
    // Each round records every item the previous ones made plannable (the next dose of a series).
    for _ in 0..12 {
        let timeline = plan(schedule, subject, &records, &options, today);
        let mut added = false;
        for item in &timeline.items {
            let wanted = match item.kind {
                Kind::Vaccination => item.routine,
                Kind::Checkup | Kind::PrenatalCheckup => true,
                Kind::Interview | Kind::HomeVisit => false,
            };
            let pending = matches!(item.status, Status::Due | Status::Overdue | Status::Missed);
            if !wanted || !pending || item.projected {
                continue;
            }
            let key = item.key.to_string();
            let on = item.recommended_from.max(item.earliest);
            if on > today || on > item.latest || !tried.insert(key.clone()) {
                continue;
            }
            records.push(Record::new(item.key.clone(), on));
            done.push(Done {
                key,
                on,
                prenatal: item.kind == Kind::PrenatalCheckup,
            });
            added = true;
        }
        if !added {
            break;
        }
    }
    done.sort_by_key(|d| d.on);
    done
}

fn days(n: i64) -> Duration {
    Duration::days(n)
}

fn add(date: NaiveDate, n: i64) -> NaiveDate {
    if n >= 0 {
        date.checked_add_days(Days::new(n as u64)).unwrap_or(date)
    } else {
        date.checked_sub_days(Days::new(n.unsigned_abs())).unwrap_or(date)
    }
}

/// An instant on a date, in the morning in Japan.
fn at(date: NaiveDate, hour: u32) -> String {
    time::instant(date.and_hms_opt(hour.min(23), 0, 0).unwrap_or_default().and_utc())
}

/// How a member kept their appointments: all of them, until some day, or none.
fn adherence(rng: &mut StdRng, from: NaiveDate, today: NaiveDate) -> Option<NaiveDate> {
    let roll = rng.gen_range(0..100);
    if roll < 75 {
        Some(add(today, 1))
    } else if roll < 92 {
        let span = (today - from).num_days().max(1);
        Some(add(from, rng.gen_range(0..span)))
    } else {
        None
    }
}

/// Everything a family's rows need that is shared across families.
struct Context {
    municipality: i64,
    sites: Vec<i64>,
    coordinators: Vec<i64>,
    password_hash: String,
    code: String,
    today: NaiveDate,
    created_at: String,
}

impl Context {
    fn coordinator(&self, rng: &mut StdRng) -> i64 {
        *self.coordinators.choose(rng).unwrap_or(&0)
    }
}

#[allow(clippy::too_many_arguments)]
fn record(
    t: &mut Tables,
    c: &Context,
    family: i64,
    pregnancy: Option<i64>,
    child: Option<i64>,
    key: &str,
    on: NaiveDate,
    by: i64,
) {
    let recorded_at = at(on, 2);
    t.timeline_records.push([
        c.municipality.into(),
        family.into(),
        pregnancy.into(),
        child.into(),
        key.into(),
        time::date(on).into(),
        "staff".into(),
        by.into(),
        recorded_at.clone().into(),
        by.into(),
        recorded_at.into(),
    ]);
}

#[allow(clippy::too_many_arguments)]
fn interview(
    t: &mut Tables,
    c: &Context,
    rng: &mut StdRng,
    family: i64,
    pregnancy: Option<i64>,
    child: Option<i64>,
    kind: InterviewKind,
    held_on: NaiveDate,
) {
    let by = c.coordinator(rng);
    let support = match rng.gen_range(0..10) {
        0 => HomeSupport::None,
        1..=3 => HomeSupport::Some,
        _ => HomeSupport::Enough,
    };
    t.interviews.push([
        c.municipality.into(),
        family.into(),
        pregnancy.into(),
        child.into(),
        kind.as_str().into(),
        time::date(held_on).into(),
        by.into(),
        support.as_str().into(),
        "".into(),
        "".into(),
        "".into(),
        i64::from(rng.gen_bool(0.8)).into(),
        0i64.into(),
        i64::from(kind != InterviewKind::EightMonth).into(),
        at(held_on, 3).into(),
    ]);
    record(t, c, family, pregnancy, child, kind.timeline_key(), held_on, by);
}

/// What seeding one family decided beyond its members.
#[derive(Default)]
struct FamilyOutcome {
    epds_flagged: Option<NaiveDate>,
    ongoing: Option<i64>,
    youngest: Option<i64>,
}

impl Store {
    /// Seeds a large municipality, unless one with this code exists (then `None`, and nothing is
    /// written). Every row goes in one transaction.
    pub async fn seed_scale(&self, scale: &Scale<'_>) -> Result<Option<Seeded>, Error> {
        if self.municipality_by_code(scale.code).await?.is_some() {
            return Ok(None);
        }
        let password_hash =
            hash_password(&NewPassword::parse(PASSWORD).map_err(|e| Error::Corrupt(format!("scale password: {e}")))?)?;
        let mut rng = StdRng::seed_from_u64(scale.seed);
        let created_at = time::instant(scale.now);
        let mut tx = self.begin_write().await?;
        if self.engine() == Engine::Postgres {
            // Explicit ids: keep other writers out of these tables until the sequences are moved on.
            sqlx::query(
                "LOCK TABLE municipalities, sites, accounts, families, pregnancies, children, support_plans, \
                 consultations IN EXCLUSIVE MODE",
            )
            .execute(&mut *tx)
            .await?;
        }
        let exists: Option<(i64,)> = sqlx::query_as("SELECT id FROM municipalities WHERE code = $1")
            .bind(scale.code)
            .fetch_optional(&mut *tx)
            .await?;
        if exists.is_some() {
            return Ok(None);
        }
        let (municipality,): (i64,) = sqlx::query_as(
            "INSERT INTO municipalities (code, name, time_zone, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(scale.code)
        .bind(scale.name)
        .bind("Asia/Tokyo")
        .bind(&created_at)
        .fetch_one(&mut *tx)
        .await?;
        let mut sites = Vec::new();
        for name in SITES {
            let (id,): (i64,) = sqlx::query_as(
                "INSERT INTO sites (municipality_id, name, created_at) VALUES ($1, $2, $3) RETURNING id",
            )
            .bind(municipality)
            .bind(name)
            .bind(&created_at)
            .fetch_one(&mut *tx)
            .await?;
            sites.push(id);
        }
        let mut ids = Ids {
            family: next_id(&mut tx, "families").await?,
            pregnancy: next_id(&mut tx, "pregnancies").await?,
            child: next_id(&mut tx, "children").await?,
            account: next_id(&mut tx, "accounts").await?,
            plan: next_id(&mut tx, "support_plans").await?,
            consultation: next_id(&mut tx, "consultations").await?,
        };
        let mut t = Tables::new(self.engine());
        let domain_part = format!("{}.scale.yorisoi.jp", scale.code);
        let admin_email = format!("admin@{domain_part}");
        let mut staff = vec![(
            admin_email.clone(),
            Role::Admin,
            "管理 太郎".to_owned(),
            sites[0],
            Profession::LeadCoordinator,
        )];
        for (s, site) in sites.iter().enumerate() {
            for n in 0..COORDINATORS_PER_SITE {
                let index = s * COORDINATORS_PER_SITE + n + 1;
                let (surname, _) = SURNAMES[(index * 7) % SURNAMES.len()];
                let (given, _) = GUARDIAN_NAMES[index % GUARDIAN_NAMES.len()];
                staff.push((
                    format!("coordinator{index:02}@{domain_part}"),
                    Role::Coordinator,
                    format!("{surname} {given}"),
                    *site,
                    PROFESSIONS[n % PROFESSIONS.len()],
                ));
            }
        }
        let mut coordinators = Vec::new();
        for (email, role, name, site, profession) in &staff {
            let id = ids.account;
            ids.account += 1;
            t.accounts.push([
                id.into(),
                municipality.into(),
                email.as_str().into(),
                password_hash.as_str().into(),
                role.as_str().into(),
                name.as_str().into(),
                created_at.as_str().into(),
            ]);
            t.staff_members
                .push([id.into(), (*site).into(), profession.as_str().into()]);
            if *role == Role::Coordinator {
                coordinators.push(id);
            }
        }
        let coordinator_email = staff[1].0.clone();
        let context = Context {
            municipality,
            sites,
            coordinators,
            password_hash,
            code: scale.code.to_owned(),
            today: scale.today,
            created_at,
        };
        let mut templates = Templates {
            schedule: Schedule::national(),
            today: scale.today,
            by_subject: HashMap::new(),
        };
        for n in 0..scale.families {
            seed_family(&mut t, &context, &mut ids, &mut templates, &mut rng);
            if n % 2000 == 1999 {
                t.flush(&mut tx).await?;
            }
        }
        t.flush(&mut tx).await?;
        let seeded = Seeded {
            municipality: MunicipalityId(municipality),
            families: t.families.written,
            pregnancies: t.pregnancies.written,
            children: t.children.written,
            records: t.timeline_records.written,
            interviews: t.interviews.written,
            visits: t.home_visits.written,
            plans: t.support_plans.written,
            consultations: t.consultations.written,
            guardians: t.guardians.written,
            admin_email,
            coordinator_email,
        };
        if self.engine() == Engine::Postgres {
            for table in [
                "accounts",
                "families",
                "pregnancies",
                "children",
                "support_plans",
                "consultations",
            ] {
                sqlx::query(&format!(
                    "SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"
                ))
                .execute(&mut *tx)
                .await?;
            }
        }
        crate::tasks::mark_municipality_stale(&mut tx, MunicipalityId(municipality)).await?;
        tx.commit().await?;
        self.index_missing_names().await?;
        if self.engine() == Engine::Postgres {
            // Autovacuum would gather statistics soon after; the planner should not wait for it.
            sqlx::query("ANALYZE").execute(self.pool()).await?;
        }
        Ok(Some(seeded))
    }
}

async fn next_id(tx: &mut sqlx::Transaction<'static, sqlx::Any>, table: &str) -> Result<i64, Error> {
    let (max,): (i64,) = sqlx::query_as(&format!("SELECT COALESCE(MAX(id), 0) FROM {table}"))
        .fetch_one(&mut **tx)
        .await?;
    Ok(max + 1)
}

/// Birth dates of a family's children, youngest first, at least about a year apart.
fn birth_dates(rng: &mut StdRng, count: usize, today: NaiveDate) -> Vec<NaiveDate> {
    const SPAN: i64 = 6 * 365;
    let spacing = |rng: &mut StdRng| 400 + rng.gen_range(0..400);
    let mut ages = vec![rng.gen_range(0..SPAN - (count as i64 - 1) * 400)];
    while ages.len() < count {
        let last = ages[ages.len() - 1];
        let next = last + spacing(rng);
        if next >= SPAN {
            break;
        }
        ages.push(next);
    }
    ages.into_iter().map(|age| add(today, -age)).collect()
}

fn seed_family(t: &mut Tables, c: &Context, ids: &mut Ids, templates: &mut Templates, rng: &mut StdRng) {
    let today = c.today;
    let family = ids.family;
    ids.family += 1;
    let (surname, surname_kana) = *SURNAMES.choose(rng).unwrap_or(&SURNAMES[0]);
    let site = *c.sites.choose(rng).unwrap_or(&c.sites[0]);
    t.families.push([
        family.into(),
        c.municipality.into(),
        site.into(),
        surname.into(),
        surname_kana.into(),
        c.created_at.as_str().into(),
    ]);
    let roll = rng.gen_range(0..100);
    let (children, expecting) = match roll {
        0..15 => (0, true),
        15..62 => (1, rng.gen_bool(0.06)),
        62..92 => (2, rng.gen_bool(0.04)),
        _ => (3, false),
    };
    let mut outcome = FamilyOutcome::default();
    if expecting {
        outcome.ongoing = Some(seed_pregnancy(t, c, ids, templates, rng, family));
    }
    if children > 0 {
        for birth_date in birth_dates(rng, children, today) {
            let child = seed_child(
                t,
                c,
                ids,
                templates,
                rng,
                family,
                surname,
                surname_kana,
                birth_date,
                &mut outcome,
            );
            outcome.youngest.get_or_insert(child);
        }
    }
    seed_support(t, c, ids, rng, family, &outcome);
    if rng.gen_bool(0.01) {
        seed_consultation(t, c, ids, rng, family, surname, surname_kana, &outcome);
    }
}

/// An ongoing pregnancy, notified at 7–11 weeks, with its interviews and prenatal checkups so far.
fn seed_pregnancy(
    t: &mut Tables,
    c: &Context,
    ids: &mut Ids,
    templates: &mut Templates,
    rng: &mut StdRng,
    family: i64,
) -> i64 {
    let today = c.today;
    let pregnancy = ids.pregnancy;
    ids.pregnancy += 1;
    let due_date = add(today, rng.gen_range(1..=230));
    let began = add(due_date, -280);
    let notified_on = add(began, 7 * rng.gen_range(7..=11) + rng.gen_range(0..7)).min(today);
    t.pregnancies.push([
        pregnancy.into(),
        c.municipality.into(),
        family.into(),
        time::date(due_date).into(),
        time::date(notified_on).into(),
        1i64.into(),
        "ongoing".into(),
        None::<String>.into(),
        at(notified_on, 1).into(),
    ]);
    if rng.gen_bool(0.85) {
        interview(
            t,
            c,
            rng,
            family,
            Some(pregnancy),
            None,
            InterviewKind::Notification,
            notified_on,
        );
    }
    let eight_months = add(due_date, -70);
    if eight_months <= today && rng.gen_bool(0.7) {
        interview(
            t,
            c,
            rng,
            family,
            Some(pregnancy),
            None,
            InterviewKind::EightMonth,
            eight_months,
        );
    }
    let until = adherence(rng, notified_on, today);
    let by = c.coordinator(rng);
    let done = templates.get(Subject::pregnancy(due_date)).to_vec();
    for d in done.iter().filter(|d| until.is_some_and(|u| d.on < u)) {
        record(t, c, family, Some(pregnancy), None, &d.key, d.on, by);
    }
    pregnancy
}

/// A child born on `birth_date`: under two, with the pregnancy it was notified as; its doses,
/// checkups, interviews and visits so far.
#[allow(clippy::too_many_arguments)]
fn seed_child(
    t: &mut Tables,
    c: &Context,
    ids: &mut Ids,
    templates: &mut Templates,
    rng: &mut StdRng,
    family: i64,
    surname: &str,
    surname_kana: &str,
    birth_date: NaiveDate,
    outcome: &mut FamilyOutcome,
) -> i64 {
    let today = c.today;
    let age = (today - birth_date).num_days();
    let child = ids.child;
    ids.child += 1;
    let (pregnancy, subject) = if age < 730 {
        let pregnancy = ids.pregnancy;
        ids.pregnancy += 1;
        // The due date follows the birth date, so that children born on one day share a plan.
        let due_date = add(birth_date, i64::from(birth_date.ordinal() % 15) - 7);
        let notified_on = add(due_date, -280 + 63);
        t.pregnancies.push([
            pregnancy.into(),
            c.municipality.into(),
            family.into(),
            time::date(due_date).into(),
            time::date(notified_on).into(),
            1i64.into(),
            "born".into(),
            Some(time::date(birth_date)).into(),
            at(notified_on, 1).into(),
        ]);
        if rng.gen_bool(0.85) {
            interview(
                t,
                c,
                rng,
                family,
                Some(pregnancy),
                None,
                InterviewKind::Notification,
                notified_on,
            );
        }
        (Some(pregnancy), Subject::Born { due_date, birth_date })
    } else {
        (None, Subject::child(birth_date))
    };
    let (given, given_kana, sex) = *GIVEN_NAMES.choose(rng).unwrap_or(&GIVEN_NAMES[0]);
    t.children.push([
        child.into(),
        c.municipality.into(),
        family.into(),
        pregnancy.into(),
        format!("{surname} {given}").into(),
        format!("{surname_kana} {given_kana}").into(),
        time::date(birth_date).into(),
        sex.as_str().into(),
        at(birth_date, 4).into(),
    ]);
    let until = adherence(rng, birth_date, today);
    let by = c.coordinator(rng);
    let done = templates.get(subject).to_vec();
    for d in done.iter().filter(|d| until.is_some_and(|u| d.on < u)) {
        let (p, ch) = match (d.prenatal, pregnancy) {
            (true, Some(p)) => (Some(p), None),
            _ => (None, Some(child)),
        };
        record(t, c, family, p, ch, &d.key, d.on, by);
    }
    if pregnancy.is_some() && age >= 45 && rng.gen_bool(0.8) {
        let held_on = add(birth_date, rng.gen_range(30..45));
        interview(t, c, rng, family, None, Some(child), InterviewKind::Postnatal, held_on);
    }
    // 新生児訪問 for some, 乳児家庭全戸訪問 for nearly all; the youngest are still to be visited.
    if age >= 28 && rng.gen_bool(0.4) {
        let visited_on = add(birth_date, rng.gen_range(14..28));
        visit(
            t,
            c,
            rng,
            family,
            child,
            VisitKind::Newborn,
            add(birth_date, 28),
            Some(visited_on),
            outcome,
        );
    } else if age < 28 && rng.gen_bool(0.5) {
        visit(
            t,
            c,
            rng,
            family,
            child,
            VisitKind::Newborn,
            add(birth_date, 28),
            None,
            outcome,
        );
    }
    if age >= 120 && rng.gen_bool(0.93) {
        let visited_on = add(birth_date, rng.gen_range(40..115));
        visit(
            t,
            c,
            rng,
            family,
            child,
            VisitKind::InfantHome,
            add(birth_date, 120),
            Some(visited_on),
            outcome,
        );
    } else if age < 120 && rng.gen_bool(0.6) {
        visit(
            t,
            c,
            rng,
            family,
            child,
            VisitKind::InfantHome,
            add(birth_date, 120),
            None,
            outcome,
        );
    }
    child
}

/// A home visit: planned (assigned, often scheduled) or made, with an EPDS for a young infant.
#[allow(clippy::too_many_arguments)]
fn visit(
    t: &mut Tables,
    c: &Context,
    rng: &mut StdRng,
    family: i64,
    child: i64,
    kind: VisitKind,
    due_by: NaiveDate,
    visited_on: Option<NaiveDate>,
    outcome: &mut FamilyOutcome,
) {
    let nurse = c.coordinator(rng);
    let today = c.today;
    let scheduled_on = match visited_on {
        Some(on) => Some(on),
        None => rng.gen_bool(0.6).then(|| add(today, rng.gen_range(1..14)).min(due_by)),
    };
    let assigned = visited_on.is_some() || rng.gen_bool(0.7);
    let epds = visited_on.filter(|on| (today - *on).num_days() < 730).map(|_| {
        // Most answers score nothing; about one mother in twenty totals 9 or more.
        let chosen = if rng.gen_bool(0.05) {
            [1, 1, 1, 1, 1, 1, 2, 1, 2, 3]
        } else {
            [0, 0, 3, 0, 3, 3, 3, 3, 3, 3]
        };
        Epds::from_chosen(chosen).ok()
    });
    let epds = epds.flatten();
    if let (Some(e), Some(on)) = (epds, visited_on)
        && e.flags()
    {
        outcome.epds_flagged = Some(on);
    }
    t.home_visits.push([
        c.municipality.into(),
        family.into(),
        None::<i64>.into(),
        Some(child).into(),
        kind.as_str().into(),
        time::date(due_by).into(),
        assigned.then_some(nurse).into(),
        scheduled_on.map(time::date).into(),
        visited_on.map(time::date).into(),
        visited_on.map(|_| nurse).into(),
        if visited_on.is_some() {
            "体重増加良好。授乳は母乳中心。"
        } else {
            ""
        }
        .into(),
        epds.map(|e| e.to_text()).into(),
        epds.map(|e| i64::from(e.total())).into(),
        epds.map(|e| i64::from(e.flags())).into(),
        nurse.into(),
        c.created_at.as_str().into(),
    ]);
    if let (Some(on), Some(key)) = (visited_on, kind.timeline_key()) {
        record(t, c, family, None, Some(child), key, on, nurse);
    }
}

/// Flags and an active plan for about one family in twenty (and for every flagging EPDS).
fn seed_support(t: &mut Tables, c: &Context, ids: &mut Ids, rng: &mut StdRng, family: i64, outcome: &FamilyOutcome) {
    let today = c.today;
    let (category, origin, raised_on, reason) = if let Some(on) = outcome.epds_flagged {
        (RiskCategory::NeedsSupport, FlagOrigin::Epds, on, "EPDS 13")
    } else if rng.gen_bool(0.03) {
        let raised_on = add(today, -rng.gen_range(0..365));
        match (outcome.ongoing, rng.gen_range(0..10)) {
            (Some(_), 0..5) => (
                RiskCategory::SpecifiedPregnancy,
                FlagOrigin::Interview,
                raised_on,
                "支援者がいない・経済的な不安",
            ),
            (_, 0..2) => (
                RiskCategory::ChildRequiringProtection,
                FlagOrigin::Manual,
                raised_on,
                "関係機関からの情報提供",
            ),
            _ => (
                RiskCategory::NeedsSupport,
                FlagOrigin::Interview,
                raised_on,
                "育児不安が強い",
            ),
        }
    } else {
        return;
    };
    let by = c.coordinator(rng);
    t.risk_flags.push([
        c.municipality.into(),
        family.into(),
        category.as_str().into(),
        origin.as_str().into(),
        reason.into(),
        by.into(),
        time::date(raised_on).into(),
    ]);
    let plan = ids.plan;
    ids.plan += 1;
    let review_on = add(today, rng.gen_range(-30..90));
    let (goals, services) = ("孤立を防ぎ、育児の見通しを持てる", "訪問（月1回）、産後ケア");
    let saved_at = at(raised_on, 5);
    let (category, subject) = PlanCategory::opened_by(category, origin);
    let (subject, _) = subject.stored();
    // The period holds its review: from the flag (or the review, when that came first) for a year.
    let starts_on = raised_on.min(review_on);
    let ends_on = add(starts_on, 365).max(review_on);
    let (starts_on, ends_on) = (time::date(starts_on), time::date(ends_on));
    t.support_plans.push([
        plan.into(),
        c.municipality.into(),
        family.into(),
        PlanStatus::Active.as_str().into(),
        goals.into(),
        services.into(),
        Some(by).into(),
        "".into(),
        time::date(review_on).into(),
        1i64.into(),
        saved_at.clone().into(),
        subject.into(),
        category.as_str().into(),
        starts_on.clone().into(),
        ends_on.clone().into(),
    ]);
    t.support_plan_revisions.push([
        plan.into(),
        1i64.into(),
        PlanStatus::Active.as_str().into(),
        goals.into(),
        services.into(),
        Some(by).into(),
        "".into(),
        time::date(review_on).into(),
        by.into(),
        saved_at.into(),
        subject.into(),
        category.as_str().into(),
        starts_on.into(),
        ends_on.into(),
    ]);
    // A family on a plan is visited by its coordinator (訪問 that only the plan calls for).
    if let Some(child) = outcome.youngest.filter(|_| rng.gen_bool(0.5)) {
        let due_by = add(today, rng.gen_range(-7..30));
        t.home_visits.push([
            c.municipality.into(),
            family.into(),
            None::<i64>.into(),
            Some(child).into(),
            VisitKind::FollowUp.as_str().into(),
            time::date(due_by).into(),
            Some(by).into(),
            None::<String>.into(),
            None::<String>.into(),
            None::<i64>.into(),
            "".into(),
            None::<String>.into(),
            None::<i64>.into(),
            None::<i64>.into(),
            by.into(),
            c.created_at.as_str().into(),
        ]);
    }
}

/// A parent's account and one consultation of the last two months: open and waiting, answered,
/// or closed.
#[allow(clippy::too_many_arguments)]
fn seed_consultation(
    t: &mut Tables,
    c: &Context,
    ids: &mut Ids,
    rng: &mut StdRng,
    family: i64,
    surname: &str,
    surname_kana: &str,
    outcome: &FamilyOutcome,
) {
    let guardian = ids.account;
    ids.account += 1;
    let (given, given_kana) = *GUARDIAN_NAMES.choose(rng).unwrap_or(&GUARDIAN_NAMES[0]);
    let name = format!("{surname} {given}");
    t.accounts.push([
        guardian.into(),
        c.municipality.into(),
        format!("parent{family}@{}.scale.yorisoi.jp", c.code).into(),
        c.password_hash.as_str().into(),
        Role::Guardian.as_str().into(),
        name.as_str().into(),
        c.created_at.as_str().into(),
    ]);
    t.guardians.push([
        guardian.into(),
        family.into(),
        name.into(),
        format!("{surname_kana} {given_kana}").into(),
    ]);
    let id = ids.consultation;
    ids.consultation += 1;
    let opened = c.today.and_hms_opt(1, 0, 0).unwrap_or_default().and_utc() - days(rng.gen_range(0..60))
        + Duration::minutes(rng.gen_range(0..600));
    let replied = rng
        .gen_bool(0.6)
        .then(|| opened + Duration::hours(rng.gen_range(1..48)));
    let closed = replied
        .filter(|_| rng.gen_bool(0.6))
        .map(|r| r + days(rng.gen_range(1..5)));
    let staff = c.coordinator(rng);
    let assigned = (replied.is_some() || rng.gen_bool(0.5)).then_some(staff);
    let topic = *Topic::ALL.choose(rng).unwrap_or(&Topic::Other);
    let mode = *ContactMode::ALL.choose(rng).unwrap_or(&ContactMode::Phone);
    let urgency = *Urgency::ALL.choose(rng).unwrap_or(&Urgency::Whenever);
    let instant = |t: Option<DateTime<Utc>>| t.map(time::instant);
    t.consultations.push([
        id.into(),
        c.municipality.into(),
        family.into(),
        outcome.ongoing.into(),
        outcome.youngest.filter(|_| outcome.ongoing.is_none()).into(),
        topic.as_str().into(),
        mode.as_str().into(),
        urgency.as_str().into(),
        "平日の午前".into(),
        assigned.into(),
        guardian.into(),
        time::instant(opened).into(),
        closed.map(|_| Outcome::Resolved.as_str().to_owned()).into(),
        closed.map(|_| staff).into(),
        instant(closed).into(),
        instant(replied).into(),
        Some(time::instant(opened)).into(),
        instant(replied).into(),
    ]);
    t.consultation_messages.push([
        id.into(),
        "guardian".into(),
        guardian.into(),
        "夜泣きが続いていて、相談したいです。".into(),
        format!("seed-{id}-1").into(),
        time::instant(opened).into(),
    ]);
    if let Some(replied) = replied {
        t.consultation_messages.push([
            id.into(),
            "staff".into(),
            staff.into(),
            "ご連絡ありがとうございます。お電話でお話を伺えますか。".into(),
            format!("seed-{id}-2").into(),
            time::instant(replied).into(),
        ]);
    }
}
