//! The staff side at the scale of a large municipality. Prints figures; asserts nothing.
//!
//!     cargo run --release -p server --example bench_scale -- \
//!         [--families N] [--runs R] [--task-runs T] [--postgres postgres://postgres@127.0.0.1:5432/test]
//!
//! Seeds N families (default 100,000) with `yorisoi seed-scale`'s seeder into a fresh SQLite file
//! under `target/bench_scale/` and, when a PostgreSQL URL is given, into a fresh database created
//! beside it (dropped at the end). Then, per database, times the staff reads R times (default 200;
//! the task list T times, default 3): first without the indexes of the scale migration, then with
//! them, and prints the query plans of the queries behind them.

use app::api::tasks::load::task_list;
use app::api::timeline::load;
use chrono::{NaiveDate, Utc};
use domain::ids::{AccountId, FamilyId, MunicipalityId};
use domain::support::task::{Scope, TASK_KINDS};
use sqlx::{AnyConnection, Connection, Row};
use std::time::{Duration, Instant};
use store::consultations::Which;
use store::overview::TaskFamilies;
use store::scale::{DEFAULT_CODE, DEFAULT_NAME, Scale};
use store::{Engine, Store};

const SQLITE_INDEXES: &str = include_str!("../../app/store/migrations/sqlite/20261124000007_scale_indexes.sql");
const POSTGRES_INDEXES: &str = include_str!("../../app/store/migrations/postgres/20261124000007_scale_indexes.sql");

/// The national schedule's checkup, interview and visit keys, for the printed query plans.
const TASK_KEYS: &str = "'interview-notification', 'interview-8m', 'interview-postnatal', 'visit-newborn', 'visit-infant-home', 'checkup-1m', 'checkup-3m', 'checkup-6m', 'checkup-9m', 'checkup-18m', 'checkup-3y', 'checkup-5y'";

struct Args {
    families: u32,
    runs: usize,
    task_runs: usize,
    postgres: Option<String>,
}

fn args() -> Args {
    let mut args = Args {
        families: 100_000,
        runs: 200,
        task_runs: 3,
        postgres: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().unwrap_or_else(|| panic!("{flag} needs a value"));
        match flag.as_str() {
            "--families" => args.families = value().parse().expect("--families N"),
            "--runs" => args.runs = value().parse().expect("--runs R"),
            "--task-runs" => args.task_runs = value().parse().expect("--task-runs T"),
            "--postgres" => args.postgres = Some(value()),
            other => panic!("unknown argument {other}"),
        }
    }
    args
}

#[tokio::main]
async fn main() {
    let args = args();
    println!(
        "bench_scale: {} families, {} cores, {} runs ({} for the task list)",
        args.families,
        std::thread::available_parallelism().map_or(1, |n| n.get()),
        args.runs,
        args.task_runs
    );
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/bench_scale");
    std::fs::create_dir_all(&dir).expect("target/bench_scale");
    let file = dir.join(format!("scale-{}.db", std::process::id()));
    let url = format!("sqlite://{}", file.display());
    bench("SQLite", &url, &args).await;
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", file.display()));
    }

    if let Some(server) = &args.postgres {
        sqlx::any::install_default_drivers();
        let name = format!("yorisoi_scale_{}", std::process::id());
        let mut admin = AnyConnection::connect(server).await.expect("PostgreSQL reachable");
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut admin)
            .await
            .expect("create database");
        bench("PostgreSQL", &with_database(server, &name), &args).await;
        sqlx::query(&format!("DROP DATABASE {name} WITH (FORCE)"))
            .execute(&mut admin)
            .await
            .expect("drop database");
    }
}

async fn bench(label: &str, url: &str, args: &Args) {
    let store = Store::open(url, 4).await.expect("open store");
    let today = server::config::today_in_japan();
    let started = Instant::now();
    let seeded = store
        .seed_scale(&Scale {
            code: DEFAULT_CODE,
            name: DEFAULT_NAME,
            families: args.families,
            seed: 2026,
            today,
            now: Utc::now(),
        })
        .await
        .expect("seed")
        .expect("a fresh database");
    println!();
    println!(
        "== {label}: seeded in {:.1} s — {} families, {} pregnancies, {} children, {} timeline records, \
         {} interviews, {} visits, {} plans, {} consultations",
        started.elapsed().as_secs_f64(),
        seeded.families,
        seeded.pregnancies,
        seeded.children,
        seeded.records,
        seeded.interviews,
        seeded.visits,
        seeded.plans,
        seeded.consultations
    );
    let m = seeded.municipality;
    let mut conn = AnyConnection::connect(url).await.expect("second connection");
    let indexes = match store.engine() {
        Engine::Sqlite => SQLITE_INDEXES,
        Engine::Postgres => POSTGRES_INDEXES,
    };
    let names = index_names(indexes);
    for name in &names {
        sqlx::query(&format!("DROP INDEX {name}"))
            .execute(&mut conn)
            .await
            .expect("drop index");
    }
    let family_ids = sample_families(&mut conn, m).await;
    // The coordinator with the most visits still to make.
    let (busiest,): (i64,) = sqlx::query_as(
        "SELECT assigned_to FROM home_visits WHERE municipality_id = $1 AND assigned_to IS NOT NULL \
         AND visited_on IS NULL GROUP BY assigned_to ORDER BY COUNT(*) DESC LIMIT 1",
    )
    .bind(m.0)
    .fetch_one(&mut conn)
    .await
    .expect("a coordinator with open visits");
    let busiest = AccountId(busiest);
    println!("-- {label}, without the scale indexes ({})", names.join(", "));
    let before = measure(&store, url, m, today, &family_ids, busiest, args).await;
    explain(&mut conn, store.engine(), m).await;
    let started = Instant::now();
    for statement in statements(indexes) {
        sqlx::query(&statement).execute(&mut conn).await.expect("create index");
    }
    if store.engine() == Engine::Postgres {
        sqlx::query("ANALYZE").execute(&mut conn).await.expect("analyze");
    }
    println!(
        "-- {label}, with the scale indexes (built in {:.1} s)",
        started.elapsed().as_secs_f64()
    );
    let after = measure(&store, url, m, today, &family_ids, busiest, args).await;
    explain(&mut conn, store.engine(), m).await;
    println!();
    println!("{label} (ms)               |  before: p50     p95     max |   after: p50     p95     max");
    for ((name, b), (_, a)) in before.iter().zip(&after) {
        println!(
            "{name:<32} | {:>8.2} {:>7.2} {:>7.2} | {:>8.2} {:>7.2} {:>7.2}",
            b.p50, b.p95, b.max, a.p50, a.p95, a.max
        );
    }
    breakdown(&store, url, m, today).await;
    store.close().await;
}

struct Stats {
    p50: f64,
    p95: f64,
    max: f64,
}

fn stats(mut times: Vec<Duration>) -> Stats {
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let at = |q: f64| ms(times[((times.len() as f64 * q).ceil() as usize).clamp(1, times.len()) - 1]);
    Stats {
        p50: at(0.5),
        p95: at(0.95),
        max: ms(times[times.len() - 1]),
    }
}

async fn time<F, Fut>(runs: usize, mut run: F) -> Stats
where
    F: FnMut(usize) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    run(0).await;
    let mut times = Vec::with_capacity(runs);
    for n in 0..runs {
        let started = Instant::now();
        run(n).await;
        times.push(started.elapsed());
    }
    stats(times)
}

async fn sample_families(conn: &mut AnyConnection, m: MunicipalityId) -> Vec<FamilyId> {
    let rows = sqlx::query("SELECT id FROM families WHERE municipality_id = $1 ORDER BY id")
        .bind(m.0)
        .fetch_all(conn)
        .await
        .expect("families");
    let ids: Vec<i64> = rows.iter().map(|r| r.get::<i64, _>(0)).collect();
    let step = (ids.len() / 997).max(1);
    ids.iter().step_by(step).map(|id| FamilyId(*id)).collect()
}

async fn measure(
    store: &Store,
    url: &str,
    m: MunicipalityId,
    today: NaiveDate,
    families: &[FamilyId],
    busiest: AccountId,
    args: &Args,
) -> Vec<(&'static str, Stats)> {
    let runs = args.runs;
    let mut out = Vec::new();
    out.push((
        "caseload, first page",
        time(runs, |_| async move {
            store.caseload(m, "", 1, today).await.expect("caseload");
        })
        .await,
    ));
    out.push((
        "caseload, page 1000",
        time(runs, |_| async move {
            store.caseload(m, "", 1000, today).await.expect("caseload");
        })
        .await,
    ));
    for (name, term) in [
        ("search name 佐藤", "佐藤"),
        ("search kana さと (hiragana)", "さと"),
        ("search child name 陽翔", "陽翔"),
        ("search, no match", "該当なし"),
    ] {
        let page = store.caseload(m, term, 1, today).await.expect("search");
        println!("   {name}: {} families found", page.total);
        out.push((
            name,
            time(runs, |_| async move {
                store.caseload(m, term, 1, today).await.expect("search");
            })
            .await,
        ));
    }
    // The previous search, for comparison in the same run: a count and a page, each probing
    // children and guardians once per family.
    let previous = sqlx::AnyPool::connect(url)
        .await
        .expect("a pool for the previous queries");
    for (name, term) in [
        ("search 佐藤, previous query", "%佐藤%"),
        ("search, no match, previous query", "%該当なし%"),
    ] {
        let previous = &previous;
        out.push((
            name,
            time(runs, |_| async move {
                let filter = "f.municipality_id = $1 AND (LOWER(f.family_name) LIKE $2 ESCAPE '\\' \
                    OR f.family_name_kana LIKE $2 ESCAPE '\\' \
                    OR EXISTS (SELECT 1 FROM children c WHERE c.family_id = f.id \
                               AND (LOWER(c.name) LIKE $2 ESCAPE '\\' OR c.name_kana LIKE $2 ESCAPE '\\')) \
                    OR EXISTS (SELECT 1 FROM guardians g WHERE g.family_id = f.id \
                               AND (LOWER(g.name) LIKE $2 ESCAPE '\\' OR g.name_kana LIKE $2 ESCAPE '\\')))";
                sqlx::query(&format!("SELECT COUNT(*) FROM families f WHERE {filter}"))
                    .bind(m.0)
                    .bind(term)
                    .fetch_one(previous)
                    .await
                    .expect("previous count");
                sqlx::query(&format!(
                    "SELECT f.id, f.family_name, f.family_name_kana, s.name FROM families f \
                     LEFT JOIN sites s ON s.id = f.site_id WHERE {filter} \
                     ORDER BY f.family_name_kana, f.id LIMIT 50 OFFSET 0"
                ))
                .bind(m.0)
                .bind(term)
                .fetch_all(previous)
                .await
                .expect("previous page");
            })
            .await,
        ));
    }
    previous.close().await;
    out.push((
        "family record",
        time(runs, |n| {
            let f = families[n % families.len()];
            async move {
                store.family_record(m, f).await.expect("family");
            }
        })
        .await,
    ));
    out.push((
        "family timeline (load::family)",
        time(runs, |n| {
            let f = families[n % families.len()];
            async move {
                load::family(store, m, f, today).await.expect("timeline");
            }
        })
        .await,
    ));
    let site = store.sites(m).await.expect("sites")[0].id;
    // The previous task list, for comparison in the same run: every family's whole timeline.
    let count = std::cell::Cell::new(0);
    out.push((
        "task list (all), previous read",
        time(args.task_runs, |_| {
            let count = &count;
            async move { count.set(whole_timelines_task_count(store, m, today).await) }
        })
        .await,
    ));
    println!(
        "   task list (all), previous read: {} tasks from timelines and visits",
        count.get()
    );
    let town = store.municipality(m).await.expect("municipality");
    let town = &town;
    for (name, scope) in [
        ("task list (all)", Scope::All),
        ("task list (one site)", Scope::Site(site)),
        ("task list (mine)", Scope::Mine(busiest)),
    ] {
        let count = std::cell::Cell::new(0);
        out.push((
            name,
            time(args.task_runs, |_| {
                let count = &count;
                async move {
                    count.set(
                        task_list(store, town, scope, today, Utc::now())
                            .await
                            .expect("task list")
                            .len(),
                    );
                }
            })
            .await,
        ));
        println!("   {name}: {} tasks", count.get());
    }
    out
}

/// The task list as it was read before `task_sources`: every family and every record, the whole
/// timeline planned (timeline and visit tasks only; plans and consultations are read as now).
async fn whole_timelines_task_count(store: &Store, m: MunicipalityId, today: NaiveDate) -> usize {
    let families = load::municipality(store, m, today).await.expect("families");
    let mut visits = store.all_home_visits(m).await.expect("visits");
    families
        .iter()
        .map(|(family, timelines)| {
            let family_visits = visits.remove(&family.id).unwrap_or_default();
            let facts = domain::support::task::FamilyFacts {
                family: family.id,
                family_name: &family.family_name,
                site: family.site,
                timelines,
                visits: &family_visits,
            };
            domain::support::task::family_tasks(&facts, today).len()
        })
        .sum()
}

/// Where the task list's time goes, one run of the whole municipality's.
async fn breakdown(store: &Store, url: &str, m: MunicipalityId, today: NaiveDate) {
    let ms = |t: Instant| t.elapsed().as_secs_f64() * 1000.0;
    let schedule = load::schedule(store, m).await.expect("schedule").only(&TASK_KINDS);
    let t = Instant::now();
    let sources = store
        .task_sources(m, TaskFamilies::All, &schedule.item_keys())
        .await
        .expect("sources");
    let sources_ms = ms(t);
    let rows: usize = sources.records.values().map(Vec::len).sum();
    // The same reads as bare queries (rows fetched, not turned into domain values).
    let pool = sqlx::AnyPool::connect(url).await.expect("pool");
    let mut bare = Vec::new();
    for (name, sql) in [
        (
            "families",
            format!(
                "SELECT f.id, f.site_id, s.name, f.family_name, f.family_name_kana FROM families f \
                 LEFT JOIN sites s ON s.id = f.site_id WHERE f.municipality_id = {} ORDER BY f.id",
                m.0
            ),
        ),
        (
            "pregnancies",
            format!(
                "SELECT id, family_id, due_date, notified_on, fetuses, outcome, ended_on FROM pregnancies \
                 WHERE municipality_id = {} ORDER BY due_date",
                m.0
            ),
        ),
        (
            "children",
            format!(
                "SELECT id, family_id, pregnancy_id, name, name_kana, birth_date, sex, product_options FROM children \
                 WHERE municipality_id = {} ORDER BY birth_date, id",
                m.0
            ),
        ),
        (
            "records",
            format!(
                "SELECT family_id, pregnancy_id, child_id, item_key, done_on FROM timeline_records \
                 WHERE municipality_id = {} AND removed_at IS NULL AND item_key IN ({TASK_KEYS}) ORDER BY id",
                m.0
            ),
        ),
        (
            "visits",
            format!(
                "SELECT v.id, v.kind, v.pregnancy_id, v.child_id, v.due_by, v.assigned_to, a.display_name, \
                 v.scheduled_on, v.visited_on, v.findings, v.epds, v.family_id FROM home_visits v \
                 LEFT JOIN accounts a ON a.id = v.assigned_to WHERE v.municipality_id = {} ORDER BY v.due_by, v.id",
                m.0
            ),
        ),
    ] {
        let t = Instant::now();
        let n = sqlx::query(&sql).fetch_all(&pool).await.expect("bare query").len();
        bare.push(format!("{name} {:.0} ms ({n})", ms(t)));
    }
    pool.close().await;
    println!("   task_sources' queries alone: {}", bare.join(" · "));
    let t = Instant::now();
    let timelines: usize = sources
        .families
        .iter()
        .map(|f| {
            let events = sources.records.get(&f.id).map_or(&[][..], Vec::as_slice);
            domain::timeline::family_timelines(&schedule, f, events, today).len()
        })
        .sum();
    let plan_ms = ms(t);
    let t = Instant::now();
    let plans = store.active_plans(m).await.expect("plans");
    let plans_ms = ms(t);
    let t = Instant::now();
    let consultations = store
        .consultations(m, Which::OpenOrBookedFrom(Utc::now()))
        .await
        .expect("consultations");
    let consultations_ms = ms(t);
    println!(
        "   task list (all), one run: task_sources {sources_ms:.0} ms ({} families, {rows} records of \
         checkups, interviews and visits, {} families' visits) · family_timelines {plan_ms:.0} ms ({timelines} \
         timelines) · active_plans {plans_ms:.0} ms ({}) · consultations {consultations_ms:.0} ms ({})",
        sources.families.len(),
        sources.visits.len(),
        plans.len(),
        consultations.len(),
    );
}

/// The plans of the queries behind the pages (the store's SQL, with literal values).
async fn explain(conn: &mut AnyConnection, engine: Engine, m: MunicipalityId) {
    let m = m.0;
    // The store's caseload SQL (`store::families`), with literal values.
    let filter = |term: &str| {
        if term.is_empty() {
            return format!("f.municipality_id = {m}");
        }
        format!(
            "f.municipality_id = {m} AND f.id IN (\
             SELECT id FROM families WHERE municipality_id = {m} \
                 AND (LOWER(family_name) LIKE '%{term}%' ESCAPE '\\' OR family_name_kana LIKE '%{term}%' ESCAPE '\\') \
             UNION SELECT family_id FROM children WHERE municipality_id = {m} \
                 AND (LOWER(name) LIKE '%{term}%' ESCAPE '\\' OR name_kana LIKE '%{term}%' ESCAPE '\\') \
             UNION SELECT family_id FROM guardians \
                 WHERE (LOWER(name) LIKE '%{term}%' ESCAPE '\\' OR name_kana LIKE '%{term}%' ESCAPE '\\') \
                 AND family_id IN (SELECT id FROM families WHERE municipality_id = {m}))"
        )
    };
    let queries = [
        (
            "caseload page",
            format!(
                "SELECT f.id, f.family_name, f.family_name_kana, s.name, COUNT(*) OVER () FROM families f \
                 LEFT JOIN sites s ON s.id = f.site_id WHERE {} ORDER BY f.family_name_kana, f.id LIMIT 50 OFFSET 0",
                filter("")
            ),
        ),
        (
            "caseload search page",
            format!(
                "SELECT f.id, f.family_name, f.family_name_kana, s.name, COUNT(*) OVER () FROM families f \
                 LEFT JOIN sites s ON s.id = f.site_id WHERE {} ORDER BY f.family_name_kana, f.id LIMIT 50 OFFSET 0",
                filter("サト")
            ),
        ),
        (
            "task_sources families",
            format!(
                "SELECT f.id, f.site_id, s.name, f.family_name, f.family_name_kana FROM families f \
                 LEFT JOIN sites s ON s.id = f.site_id WHERE f.municipality_id = {m} ORDER BY f.id"
            ),
        ),
        (
            "task_sources pregnancies",
            format!("SELECT id, family_id, due_date FROM pregnancies WHERE municipality_id = {m} ORDER BY due_date"),
        ),
        (
            "task_sources children",
            format!(
                "SELECT id, family_id, birth_date FROM children WHERE municipality_id = {m} ORDER BY birth_date, id"
            ),
        ),
        (
            "task_sources records (checkups, interviews, visits)",
            format!(
                "SELECT family_id, pregnancy_id, child_id, item_key, done_on FROM timeline_records \
                 WHERE municipality_id = {m} AND removed_at IS NULL AND item_key IN ({TASK_KEYS}) ORDER BY id"
            ),
        ),
        (
            "task_sources records of one site's families",
            format!(
                "SELECT family_id, pregnancy_id, child_id, item_key, done_on FROM timeline_records \
                 WHERE municipality_id = {m} AND family_id IN (SELECT id FROM families WHERE municipality_id = {m} \
                 AND site_id = 1) AND removed_at IS NULL AND item_key IN ({TASK_KEYS}) ORDER BY id"
            ),
        ),
        (
            "all_home_visits",
            format!(
                "SELECT v.id, v.kind, a.display_name FROM home_visits v LEFT JOIN accounts a ON a.id = v.assigned_to \
                 WHERE v.municipality_id = {m} ORDER BY v.due_by, v.id"
            ),
        ),
        (
            "open consultations",
            format!(
                "SELECT c.id FROM consultations c JOIN families f ON f.id = c.family_id \
                 WHERE c.municipality_id = {m} AND (c.closed_at IS NULL OR EXISTS (SELECT 1 FROM consultation_slots s \
                 WHERE s.booked_by = c.id AND s.starts_at >= '2026-01-01')) ORDER BY c.opened_at DESC, c.id DESC"
            ),
        ),
    ];
    for (name, sql) in queries {
        let explain = match engine {
            Engine::Sqlite => format!("EXPLAIN QUERY PLAN {sql}"),
            Engine::Postgres => format!("EXPLAIN (ANALYZE, COSTS OFF, BUFFERS OFF) {sql}"),
        };
        let rows = sqlx::query(&explain).fetch_all(&mut *conn).await.expect("explain");
        let lines: Vec<String> = rows
            .iter()
            .map(|r| match engine {
                Engine::Sqlite => r.get::<String, _>(3),
                Engine::Postgres => r.get::<String, _>(0),
            })
            .collect();
        println!("   plan of {name}:");
        for line in lines {
            println!("      {line}");
        }
    }
}

fn statements(sql: &str) -> Vec<String> {
    sql.lines()
        .filter(|l| !l.trim_start().starts_with("--"))
        .collect::<Vec<_>>()
        .join("\n")
        .split(';')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

fn index_names(sql: &str) -> Vec<String> {
    statements(sql)
        .iter()
        .filter_map(|s| {
            let rest = s.strip_prefix("CREATE INDEX ")?;
            Some(rest.split_whitespace().next()?.to_owned())
        })
        .collect()
}

/// Replaces the database name in a URL: `postgres://u@h:5432/test` → `…/name`.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = url.split_once('?').map_or((url, None), |(b, q)| (b, Some(q)));
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let host = match base[scheme_end..].find('/') {
        Some(i) => &base[..scheme_end + i],
        None => base,
    };
    match query {
        Some(q) => format!("{host}/{name}?{q}"),
        None => format!("{host}/{name}"),
    }
}
