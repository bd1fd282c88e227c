//! The staff side at the scale of a large municipality. Prints figures; asserts nothing.
//!
//!     cargo run --release -p server --example bench_scale -- \
//!         [--families N] [--runs R] [--previous-runs P] [--postgres postgres://postgres@127.0.0.1:5432/test]
//!
//! Seeds N families (default 100,000) with `yorisoi seed-scale`'s seeder into a fresh SQLite file
//! under `target/bench_scale/` and, when a PostgreSQL URL is given, into a fresh database created
//! beside it (dropped at the end), and keeps every family's tasks. Then, per database, times each
//! staff view R times (default 200) through the code the pages use, and beside it, in the same
//! run, the query the view used before (P times, default 3, for the slow ones): p50 and p95.

use app::api::figures::compute as figures;
use app::api::tasks::load::{refresh_stale_with_progress, task_list};
use app::api::timeline::load;
use chrono::{NaiveDate, Utc};
use domain::caseload::{AgeBand, CaseloadFilter, FlagFilter, StageFilter};
use domain::family::{CaseloadCursor, CaseloadPosition};
use domain::ids::{AccountId, FamilyId, MunicipalityId, SiteId};
use domain::support::figures::Month;
use domain::support::task::Scope;
use sqlx::{AnyConnection, AnyPool, Connection, Row};
use std::time::{Duration, Instant};
use store::Store;
use store::municipalities::Municipality;
use store::scale::{DEFAULT_CODE, DEFAULT_NAME, Scale};

struct Args {
    families: u32,
    runs: usize,
    previous_runs: usize,
    postgres: Option<String>,
}

fn args() -> Args {
    let mut args = Args {
        families: 100_000,
        runs: 200,
        previous_runs: 3,
        postgres: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().unwrap_or_else(|| panic!("{flag} needs a value"));
        match flag.as_str() {
            "--families" => args.families = value().parse().expect("--families N"),
            "--runs" => args.runs = value().parse().expect("--runs R"),
            "--previous-runs" => args.previous_runs = value().parse().expect("--previous-runs P"),
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
        "bench_scale: {} families, {} cores, {} runs per view ({} of each previous query that takes seconds)",
        args.families,
        std::thread::available_parallelism().map_or(1, |n| n.get()),
        args.runs,
        args.previous_runs
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

struct Stats {
    p50: f64,
    p95: f64,
}

fn stats(mut times: Vec<Duration>) -> Stats {
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let at = |q: f64| ms(times[((times.len() as f64 * q).ceil() as usize).clamp(1, times.len()) - 1]);
    Stats {
        p50: at(0.5),
        p95: at(0.95),
    }
}

/// One warm-up, then `runs` timed runs.
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

struct Measured {
    view: String,
    now: Stats,
    previous: Option<Stats>,
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
    let seeding = started.elapsed();
    let m = seeded.municipality;
    let town = store.municipality(m).await.expect("municipality");
    let started = Instant::now();
    refresh_stale_with_progress(&store, &town, Utc::now(), |_, _| {})
        .await
        .expect("tasks kept");
    let keeping = started.elapsed();
    println!();
    println!(
        "== {label}: seeded in {:.1} s (name index included), every family's tasks kept in {:.1} s — {} families, \
         {} pregnancies, {} children, {} timeline records, {} interviews, {} visits, {} plans, {} consultations",
        seeding.as_secs_f64(),
        keeping.as_secs_f64(),
        seeded.families,
        seeded.pregnancies,
        seeded.children,
        seeded.records,
        seeded.interviews,
        seeded.visits,
        seeded.plans,
        seeded.consultations
    );
    let pool = AnyPool::connect(url).await.expect("a pool for the previous queries");
    let rows = measure(&store, &pool, &town, today, args).await;
    pool.close().await;
    println!();
    println!("{label} (ms)                          |   now: p50     p95 | previous: p50     p95");
    for row in rows {
        let previous = row.previous.map_or(String::from("          —       —"), |p| {
            format!("{:>13.2} {:>7.2}", p.p50, p.p95)
        });
        println!(
            "{:<40} | {:>10.2} {:>7.2} | {previous}",
            row.view, row.now.p50, row.now.p95
        );
    }
    store.close().await;
}

/// The caseload's previous search condition (`LIKE '%…%'` over every name table).
const PREVIOUS_MATCHES: &str = "f.id IN (\
    SELECT id FROM families WHERE municipality_id = $1 \
        AND (LOWER(family_name) LIKE $2 ESCAPE '\\' OR family_name_kana LIKE $2 ESCAPE '\\') \
    UNION SELECT family_id FROM children WHERE municipality_id = $1 \
        AND (LOWER(name) LIKE $2 ESCAPE '\\' OR name_kana LIKE $2 ESCAPE '\\') \
    UNION SELECT family_id FROM guardians WHERE (LOWER(name) LIKE $2 ESCAPE '\\' OR name_kana LIKE $2 ESCAPE '\\') \
        AND family_id IN (SELECT id FROM families WHERE municipality_id = $1))";

/// The previous caseload page: a count and an `OFFSET` page, with the previous search if any.
async fn previous_caseload(pool: &AnyPool, m: MunicipalityId, pattern: Option<&str>, page: i64) {
    let filter = pattern.map_or(String::new(), |_| format!(" AND {PREVIOUS_MATCHES}"));
    let count_sql = format!("SELECT COUNT(*) FROM families f WHERE f.municipality_id = $1{filter}");
    let mut count = sqlx::query(&count_sql).bind(m.0);
    if let Some(p) = pattern {
        count = count.bind(p);
    }
    count.fetch_one(pool).await.expect("previous count");
    let next = if pattern.is_some() { 3 } else { 2 };
    let sql = format!(
        "SELECT f.id, f.family_name, f.family_name_kana, s.name FROM families f LEFT JOIN sites s ON s.id = f.site_id \
         WHERE f.municipality_id = $1{filter} ORDER BY f.family_name_kana, f.id LIMIT ${next} OFFSET ${}",
        next + 1
    );
    let mut query = sqlx::query(&sql).bind(m.0);
    if let Some(p) = pattern {
        query = query.bind(p);
    }
    query
        .bind(20_i64)
        .bind((page - 1) * 20)
        .fetch_all(pool)
        .await
        .expect("previous page");
}

async fn measure(store: &Store, pool: &AnyPool, town: &Municipality, today: NaiveDate, args: &Args) -> Vec<Measured> {
    let m = town.id;
    let runs = args.runs;
    let mut out = Vec::new();

    let first = time(runs, |_| async move {
        store
            .caseload(m, &CaseloadFilter::search(""), &CaseloadPosition::First, today)
            .await
            .expect("caseload");
    })
    .await;
    let previous = time(runs, |_| previous_caseload(pool, m, None, 1)).await;
    out.push(Measured {
        view: "caseload, first page".into(),
        now: first,
        previous: Some(previous),
    });
    // Page 1,000 as a coordinator reaches it: right after the last family of page 999.
    let row = sqlx::query(
        "SELECT family_name_kana, id FROM families WHERE municipality_id = $1 ORDER BY family_name_kana, id \
         LIMIT 1 OFFSET 19979",
    )
    .bind(m.0)
    .fetch_one(pool)
    .await
    .expect("a family on page 999");
    let cursor = CaseloadCursor {
        kana: row.get::<String, _>(0),
        family: FamilyId(row.get::<i64, _>(1)),
    };
    let deep = CaseloadPosition::After(cursor);
    let page = store
        .caseload(m, &CaseloadFilter::search(""), &deep, today)
        .await
        .expect("page 1000");
    println!("   caseload page 1000: page {} of {}", page.page, page.page_count);
    let deep = &deep;
    let now = time(runs, |_| async move {
        store
            .caseload(m, &CaseloadFilter::default(), deep, today)
            .await
            .expect("caseload");
    })
    .await;
    let previous = time(runs, |_| previous_caseload(pool, m, None, 1000)).await;
    out.push(Measured {
        view: "caseload, page 1000".into(),
        now,
        previous: Some(previous),
    });
    for (view, word, previous_pattern) in [
        ("search surname 佐藤", "佐藤", Some("%佐藤%")),
        ("search kana さと (hiragana)", "さと", Some("%サト%")),
        ("search kana サト (katakana)", "サト", Some("%サト%")),
        ("search kana ｻﾄ (half-width)", "ｻﾄ", None),
        ("search child name 陽翔", "陽翔", Some("%陽翔%")),
        ("search one character 藤", "藤", Some("%藤%")),
        ("search, no match", "該当なし", Some("%該当なし%")),
    ] {
        let found = store
            .caseload(m, &CaseloadFilter::search(word), &CaseloadPosition::First, today)
            .await
            .expect("search");
        println!("   {view}: {} families", found.total);
        let now = time(runs, |_| async move {
            store
                .caseload(m, &CaseloadFilter::search(word), &CaseloadPosition::First, today)
                .await
                .expect("search");
        })
        .await;
        let previous = match previous_pattern {
            Some(p) => Some(time(runs.min(50), |_| previous_caseload(pool, m, Some(p), 1)).await),
            None => None,
        };
        out.push(Measured {
            view: view.into(),
            now,
            previous,
        });
    }

    // The filters, alone and combined with each other and a search word.
    let site: SiteId = store.sites(m).await.expect("sites")[0].id;
    let (assigned,): (i64,) = sqlx::query_as(
        "SELECT responsible_id FROM support_plans WHERE municipality_id = $1 AND status = 'active' \
         AND responsible_id IS NOT NULL GROUP BY responsible_id ORDER BY COUNT(*) DESC LIMIT 1",
    )
    .bind(m.0)
    .fetch_one(pool)
    .await
    .expect("a coordinator responsible for plans");
    let filter = |change: &dyn Fn(&mut CaseloadFilter)| {
        let mut filter = CaseloadFilter::default();
        change(&mut filter);
        filter
    };
    let filters = [
        (
            "filter: pregnant 12–20 weeks",
            filter(&|f| {
                f.stage = Some(StageFilter::Pregnant {
                    from_week: 12,
                    to_week: 20,
                })
            }),
        ),
        (
            "filter: child 4–11 months",
            filter(&|f| {
                f.stage = Some(StageFilter::Child {
                    band: AgeBand::Months4To11,
                })
            }),
        ),
        (
            "filter: any support category",
            filter(&|f| f.flag = Some(FlagFilter::Any)),
        ),
        ("filter: has late items", filter(&|f| f.late = true)),
        (
            "filter: assigned coordinator",
            filter(&|f| f.coordinator = Some(AccountId(assigned))),
        ),
        ("filter: one site", filter(&|f| f.site = Some(site))),
        ("filter: no contact for 90 days", filter(&|f| f.quiet_days = Some(90))),
        (
            "filter: site + 0–3 months + late",
            filter(&|f| {
                f.site = Some(site);
                f.stage = Some(StageFilter::Child {
                    band: AgeBand::Months0To3,
                });
                f.late = true;
            }),
        ),
        (
            "filter: さと + any category + 90 days",
            filter(&|f| {
                f.words = "さと".into();
                f.flag = Some(FlagFilter::Any);
                f.quiet_days = Some(90);
            }),
        ),
    ];
    for (view, filter) in &filters {
        let found = store
            .caseload(m, filter, &CaseloadPosition::First, today)
            .await
            .expect("filter");
        println!("   {view}: {} families", found.total);
        let now = time(runs, |_| async move {
            store
                .caseload(m, filter, &CaseloadPosition::First, today)
                .await
                .expect("filter");
        })
        .await;
        out.push(Measured {
            view: (*view).into(),
            now,
            previous: None,
        });
    }

    // The figures: one month (the last complete one), and the dashboard's twelve.
    let last_month = Month::of(today).last(2)[0];
    let twelve = Month::of(today).last(12);
    let (twelve_months, _) = figures::months(store, m, &twelve, today).await.expect("figures");
    println!(
        "   figures of {last_month}: {} notifications, {} checkups (3–4 months) due",
        twelve_months
            .iter()
            .find(|f| f.month == last_month && f.site.is_none())
            .map_or(0, |f| f.notifications),
        twelve_months
            .iter()
            .find(|f| f.month == last_month && f.site.is_none())
            .map_or(0, |f| f.checkup_3m.of)
    );
    out.push(Measured {
        view: "figures, one month".into(),
        now: time(runs, |_| async move {
            figures::months(store, m, &[last_month], today).await.expect("figures");
        })
        .await,
        previous: Some(
            time(args.previous_runs, |_| async move {
                figures::months_from_every_family(store, m, &[last_month], today)
                    .await
                    .expect("figures");
            })
            .await,
        ),
    });
    let twelve = &twelve;
    out.push(Measured {
        view: "figures, twelve months (dashboard)".into(),
        now: time(runs.min(50), |_| async move {
            figures::months(store, m, twelve, today).await.expect("figures");
        })
        .await,
        previous: Some(
            time(args.previous_runs, |_| async move {
                figures::months_from_every_family(store, m, twelve, today)
                    .await
                    .expect("figures");
            })
            .await,
        ),
    });

    let families: Vec<FamilyId> = sqlx::query("SELECT id FROM families WHERE municipality_id = $1 ORDER BY id")
        .bind(m.0)
        .fetch_all(pool)
        .await
        .expect("families")
        .iter()
        .map(|r| FamilyId(r.get::<i64, _>(0)))
        .collect();
    let step = (families.len() / 997).max(1);
    let sample: Vec<FamilyId> = families.iter().step_by(step).copied().collect();
    let sample = &sample;
    out.push(Measured {
        view: "family record".into(),
        now: time(runs, |n| async move {
            store.family_record(m, sample[n % sample.len()]).await.expect("family");
        })
        .await,
        previous: None,
    });
    out.push(Measured {
        view: "family timeline (load::family)".into(),
        now: time(runs, |n| async move {
            load::family(store, m, sample[n % sample.len()], today)
                .await
                .expect("timeline");
        })
        .await,
        previous: None,
    });

    let (busiest,): (i64,) = sqlx::query_as(
        "SELECT assignee_id FROM kept_tasks WHERE municipality_id = $1 AND assignee_id IS NOT NULL \
         GROUP BY assignee_id ORDER BY COUNT(*) DESC LIMIT 1",
    )
    .bind(m.0)
    .fetch_one(pool)
    .await
    .expect("a coordinator with tasks");
    for (view, scope) in [
        ("task list, all (first page, totals)", Scope::All),
        ("task list, one site", Scope::Site(site)),
        ("task list, mine (busiest coordinator)", Scope::Mine(AccountId(busiest))),
    ] {
        let page = store.kept_task_page(m, scope, today, 0, 100).await.expect("kept page");
        let now = time(runs, |_| async move {
            store.stale_task_count(m).await.expect("stale");
            store.kept_task_page(m, scope, today, 0, 100).await.expect("kept page");
        })
        .await;
        let planned = std::cell::Cell::new(0);
        let previous = time(args.previous_runs, |_| {
            let planned = &planned;
            async move {
                planned.set(
                    task_list(store, town, scope, today, Utc::now())
                        .await
                        .expect("planned")
                        .len(),
                );
            }
        })
        .await;
        println!(
            "   {view}: {} tasks kept ({} late); {} planned from scratch",
            page.total,
            page.late,
            planned.get()
        );
        out.push(Measured {
            view: view.into(),
            now,
            previous: Some(previous),
        });
    }
    out
}

fn with_database(url: &str, name: &str) -> String {
    let (base, query) = url.split_once('?').map_or((url, None), |(b, q)| (b, Some(q)));
    let (server, _) = base.rsplit_once('/').expect("database URL with a path");
    match query {
        Some(q) => format!("{server}/{name}?{q}"),
        None => format!("{server}/{name}"),
    }
}
