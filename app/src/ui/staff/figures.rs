//! `/staff/figures`: the centre's KPIs per month, for the whole municipality or one site, as bar
//! charts (inline SVG, no script) and a table, with the CSV export.

use super::labels;
use crate::api::figures::{FiguresView, figures};
use crate::i18n::{t, use_i18n};
use crate::ui::format::signed_in;
use domain::ids::SiteId;
use domain::support::figures::{MonthFigures, Ratio};
use domain::support::plan::PlanCategory;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;

#[component]
pub fn FiguresPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let site = move || query.read().get("site").and_then(|s| s.parse::<i64>().ok()).map(SiteId);
    let data = Resource::new(|| (), |_| figures());
    view! {
        <Title text=move || crate::i18n::td_string!(i18n.get_locale(), figures.title).to_string() />
        <h1>{t!(i18n, figures.title)}</h1>
        <p class="muted">{t!(i18n, figures.intro)}</p>
        <Suspense fallback=move || view! { <p>{t!(i18n, app.loading)}</p> }>
            {move || Suspend::new(async move {
                signed_in(data.await, move |view| view! { <Dashboard view site=site() /> }.into_any())
            })}
        </Suspense>
    }
}

/// The rate measures drawn as charts, with how to read each from a month's figures.
type Measure = (&'static str, fn(&MonthFigures) -> Ratio);

const MEASURES: [Measure; 8] = [
    ("early_notification", |f| f.early_notification),
    ("notification_interview", |f| f.notification_interview),
    ("infant_home_visit", |f| f.infant_home_visit),
    ("checkup_3m", |f| f.checkup_3m),
    ("checkup_18m", |f| f.checkup_18m),
    ("checkup_3y", |f| f.checkup_3y),
    ("epds_flagged", |f| f.epds_flagged),
    ("consultations_replied", |f| f.consultations_replied),
];

fn measure_name(i18n: leptos_i18n::I18nContext<crate::i18n::Locale>, key: &str) -> String {
    let locale = i18n.get_locale_untracked();
    match key {
        "early_notification" => crate::i18n::td_string!(locale, figures.early_notification).to_string(),
        "notification_interview" => crate::i18n::td_string!(locale, figures.notification_interview).to_string(),
        "infant_home_visit" => crate::i18n::td_string!(locale, figures.infant_home_visit).to_string(),
        "checkup_3m" => crate::i18n::td_string!(locale, figures.checkup_3m).to_string(),
        "checkup_18m" => crate::i18n::td_string!(locale, figures.checkup_18m).to_string(),
        "checkup_3y" => crate::i18n::td_string!(locale, figures.checkup_3y).to_string(),
        "consultations_replied" => crate::i18n::td_string!(locale, figures.consultations_replied).to_string(),
        _ => crate::i18n::td_string!(locale, figures.epds_flagged).to_string(),
    }
}

#[component]
fn Dashboard(view: FiguresView, site: Option<SiteId>) -> impl IntoView {
    let i18n = use_i18n();
    let rows: Vec<MonthFigures> = view.figures.into_iter().filter(|f| f.site == site).collect();
    let site_options = view
        .sites
        .iter()
        .map(|s| view! { <option value=s.id selected=Some(SiteId(s.id)) == site>{s.name.clone()}</option> })
        .collect_view();
    let charts = MEASURES
        .iter()
        .map(|&(key, read)| {
            let name = measure_name(i18n, key);
            view! { <Chart name key rows=rows.iter().map(|f| (f.month.month, read(f))).collect() /> }
        })
        .collect_view();
    let pct = |r: Ratio| match r.percent() {
        Some(p) => format!("{p:.1}% ({}/{})", r.count, r.of),
        None => "—".to_owned(),
    };
    let table_rows = rows
        .iter()
        .rev()
        .map(|f| {
            view! {
                <tr data-testid="figures-row">
                    <th scope="row">{f.month.to_string()}</th>
                    <td>{f.notifications}</td>
                    {MEASURES.iter().map(|&(_, read)| view! { <td>{pct(read(f))}</td> }).collect_view()}
                    <td>{f.reply_median_minutes.map(|m| format!("{m}"))}</td>
                </tr>
            }
        })
        .collect_view();
    let plan_rows = rows
        .iter()
        .rev()
        .map(|f| {
            view! {
                <tr data-testid="plans-row">
                    <th scope="row">{f.month.to_string()}</th>
                    {PlanCategory::ALL.iter().map(|&c| view! {
                        <td>
                            {f.plans_open.of(c)}
                            <br />
                            <small class="muted nowrap">{t!(i18n, figures.plans_new)} " " {f.plans_started.of(c)}</small>
                        </td>
                    }).collect_view()}
                </tr>
            }
        })
        .collect_view();
    let csv = match site {
        Some(s) => format!("/staff/figures.csv?site={}", s.0),
        None => "/staff/figures.csv".to_owned(),
    };
    view! {
        <Form method="GET" action="" attr:class="search">
            <label for="figures-site">{t!(i18n, register.site)}</label>
            <div class="search-row">
                <select id="figures-site" name="site">
                    <option value="">{t!(i18n, figures.all_sites)}</option>
                    {site_options}
                </select>
                <button type="submit">{t!(i18n, tasks.show)}</button>
            </div>
        </Form>
        <p><a href=csv download="yorisoi-figures.csv" data-testid="figures-csv" rel="external">{t!(i18n, figures.csv)}</a></p>
        <div class="charts">{charts}</div>
        <div class="table-wrap" tabindex="0">
            <table class="figures">
                <thead>
                    <tr>
                        <th scope="col">{t!(i18n, figures.month)}</th>
                        <th scope="col">{t!(i18n, figures.notifications)}</th>
                        {MEASURES.iter().map(|&(key, _)| view! { <th scope="col">{measure_name(i18n, key)}</th> }).collect_view()}
                        <th scope="col">{t!(i18n, figures.reply_median)} " (" {t!(i18n, figures.minutes_unit)} ")"</th>
                    </tr>
                </thead>
                <tbody>{table_rows}</tbody>
            </table>
        </div>
        <h2 id="plans-figures">{t!(i18n, figures.plans_title)}</h2>
        <p class="muted">{t!(i18n, figures.plans_intro)}</p>
        <div class="table-wrap" tabindex="0">
            <table class="figures" aria-labelledby="plans-figures">
                <thead>
                    <tr>
                        <th scope="col">{t!(i18n, figures.month)}</th>
                        {PlanCategory::ALL.iter().map(|&c| view! { <th scope="col">{labels::plan_category(i18n, c)}</th> }).collect_view()}
                    </tr>
                </thead>
                <tbody>{plan_rows}</tbody>
            </table>
        </div>
    }
}

/// Twelve bars, 0–100 %; a month with nothing due shows no bar. The table below carries the
/// same numbers for screen readers.
#[component]
fn Chart(name: String, key: &'static str, rows: Vec<(u32, Ratio)>) -> impl IntoView {
    const WIDTH: f64 = 320.0;
    const HEIGHT: f64 = 100.0;
    let step = WIDTH / rows.len().max(1) as f64;
    let bars = rows
        .iter()
        .enumerate()
        .map(|(i, (month, ratio))| {
            let x = i as f64 * step + 2.0;
            let bar = ratio.percent().map(|p| {
                let h = p / 100.0 * HEIGHT;
                view! { <rect x=x y=HEIGHT - h width=step - 4.0 height=h class="bar"><title>{format!("{month}: {p:.1}%")}</title></rect> }
            });
            view! {
                {bar}
                <text x=x + step / 2.0 - 2.0 y=HEIGHT + 14.0 text-anchor="middle" class="axis">{month.to_string()}</text>
            }
        })
        .collect_view();
    view! {
        <figure class="chart" data-testid=format!("chart-{key}")>
            <figcaption>{name.clone()}</figcaption>
            <svg viewBox=format!("0 0 {WIDTH} {}", HEIGHT + 18.0) role="img" aria-label=name>
                <line x1="0" y1=HEIGHT x2=WIDTH y2=HEIGHT class="axis-line" />
                {bars}
            </svg>
        </figure>
    }
}
