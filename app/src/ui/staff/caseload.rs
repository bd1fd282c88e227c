//! `/staff`: the municipality's families, searchable by name or kana and narrowed by filters
//! (stage, support category, late items, coordinator, site, no contact for some days), page by page
//! (each page starts right after or before a family, so families added meanwhile never shift the
//! pages). Each row gives a first look at the family's open tasks and categories.

use super::labels;
use crate::api::families::{CaseloadView, caseload};
use crate::i18n::{t, use_i18n};
use crate::ui::format::{DateText, StageText, signed_in};
use domain::caseload::{AgeBand, CaseloadFilter, FlagFilter, PREGNANT, StageFilter, param};
use domain::family::{CaseloadCursor, CaseloadEntry, CaseloadPage as Page, Stage};
use domain::support::risk::RiskCategory;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;
use leptos_router::params::ParamsMap;

type I18n = leptos_i18n::I18nContext<crate::i18n::Locale>;

#[component]
pub fn CaseloadPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let families = Resource::new(move || query.read().to_query_string(), caseload);
    view! {
        <Title text=move || crate::i18n::td_string!(i18n.get_locale(), caseload.title).to_string() />
        <h1>{t!(i18n, caseload.title)}</h1>
        <Suspense fallback=move || view! { <p>{t!(i18n, app.loading)}</p> }>
            {move || Suspend::new(async move {
                let found = families.await;
                // A filter the server refused (a hand-edited link, say): the reason, and a way back.
                let refused = matches!(found, Err(crate::error::AppError::Invalid(_)));
                view! {
                    {signed_in(found, move |view| view! { <Caseload view /> }.into_any())}
                    {refused.then(|| view! { <p><a href="/staff" data-testid="clear-filters">{t!(i18n, caseload.clear)}</a></p> })}
                }
                .into_any()
            })}
        </Suspense>
    }
}

#[component]
fn Caseload(view: CaseloadView) -> impl IntoView {
    let CaseloadView {
        page,
        filter,
        coordinators,
        sites,
    } = view;
    view! {
        <Filters filter=filter.clone() coordinators sites />
        <Results page filter />
    }
}

/// The search and filter form; it sends every field, and empty ones filter nothing.
#[component]
fn Filters(
    filter: CaseloadFilter,
    coordinators: Vec<crate::api::accounts::StaffChoice>,
    sites: Vec<crate::api::accounts::SiteView>,
) -> impl IntoView {
    let i18n = use_i18n();
    let (stage, from_week, to_week) = match filter.stage {
        Some(StageFilter::Pregnant { from_week, to_week }) => {
            (PREGNANT.to_owned(), from_week.to_string(), to_week.to_string())
        }
        Some(StageFilter::Child { band }) => (band.as_str().to_owned(), String::new(), String::new()),
        None => (String::new(), String::new(), String::new()),
    };
    let flag = match filter.flag {
        Some(FlagFilter::Any) => domain::caseload::ANY_FLAG.to_owned(),
        Some(FlagFilter::Category { category }) => category.as_str().to_owned(),
        None => String::new(),
    };
    let option = move |value: String, label: AnyView, chosen: &str| {
        let selected = value == chosen;
        view! { <option value=value selected=selected>{label}</option> }
    };
    let stages = std::iter::once(option(String::new(), t!(i18n, caseload.stage_any).into_any(), &stage))
        .chain(std::iter::once(option(
            PREGNANT.to_owned(),
            t!(i18n, caseload.stage_pregnant).into_any(),
            &stage,
        )))
        .chain(
            AgeBand::ALL
                .iter()
                .map(|&band| option(band.as_str().to_owned(), band_label(i18n, band), &stage)),
        )
        .collect_view();
    let flags = [
        (String::new(), t!(i18n, caseload.flag_none).into_any()),
        (
            domain::caseload::ANY_FLAG.to_owned(),
            t!(i18n, caseload.flag_any).into_any(),
        ),
    ]
    .into_iter()
    .chain(
        RiskCategory::ALL
            .iter()
            .map(|&c| (c.as_str().to_owned(), labels::risk(i18n, c))),
    )
    .map(|(value, label)| option(value, label, &flag))
    .collect_view();
    let chosen_coordinator = filter.coordinator.map(|c| c.0.to_string()).unwrap_or_default();
    let coordinators = std::iter::once(option(
        String::new(),
        t!(i18n, caseload.coordinator_any).into_any(),
        &chosen_coordinator,
    ))
    .chain(
        coordinators
            .into_iter()
            .map(|c| option(c.id.to_string(), c.name.into_any(), &chosen_coordinator)),
    )
    .collect_view();
    let chosen_site = filter.site.map(|s| s.0.to_string()).unwrap_or_default();
    let sites = std::iter::once(option(
        String::new(),
        t!(i18n, caseload.site_any).into_any(),
        &chosen_site,
    ))
    .chain(
        sites
            .into_iter()
            .map(|s| option(s.id.to_string(), s.name.into_any(), &chosen_site)),
    )
    .collect_view();
    let filtered = filter.filters();
    let words = filter.words.clone();
    let quiet = filter.quiet_days.map(|d| d.to_string()).unwrap_or_default();
    let last_week = StageFilter::LAST_WEEK;
    view! {
        <Form method="GET" action="" attr:class="search caseload-filters" attr:role="search">
            <label for="caseload-search">{t!(i18n, caseload.search_label)}</label>
            <div class="search-row">
                <input id="caseload-search" type="search" name=param::WORDS value=words maxlength="100" />
                <button type="submit">{t!(i18n, caseload.search_button)}</button>
            </div>
            <details class="filters" open=filtered data-testid="caseload-filters">
                <summary>{t!(i18n, caseload.filters)}</summary>
                <div class="filter-grid">
                    <label for="filter-stage">{t!(i18n, caseload.stage)}</label>
                    <select id="filter-stage" name=param::STAGE data-testid="filter-stage">{stages}</select>
                    <label for="filter-from-week">{t!(i18n, caseload.from_week)}</label>
                    <input id="filter-from-week" name=param::FROM_WEEK type="number" min="0" max=last_week inputmode="numeric" value=from_week />
                    <label for="filter-to-week">{t!(i18n, caseload.to_week)}</label>
                    <input id="filter-to-week" name=param::TO_WEEK type="number" min="0" max=last_week inputmode="numeric" value=to_week />
                    <label for="filter-flag">{t!(i18n, caseload.flag)}</label>
                    <select id="filter-flag" name=param::FLAG data-testid="filter-flag">{flags}</select>
                    <label for="filter-coordinator">{t!(i18n, caseload.coordinator)}</label>
                    <select id="filter-coordinator" name=param::COORDINATOR>{coordinators}</select>
                    <label for="filter-site">{t!(i18n, caseload.site)}</label>
                    <select id="filter-site" name=param::SITE>{sites}</select>
                    <label for="filter-quiet">{t!(i18n, caseload.quiet_days)}</label>
                    <input id="filter-quiet" name=param::QUIET_DAYS type="number" min="1" max=CaseloadFilter::MAX_QUIET_DAYS inputmode="numeric" value=quiet />
                </div>
                <label class="check">
                    <input type="checkbox" name=param::LATE value="1" checked=filter.late data-testid="filter-late" />
                    {t!(i18n, caseload.late)}
                </label>
                <p class="actions">
                    <button type="submit" class="primary" data-testid="apply-filters">{t!(i18n, caseload.filter_button)}</button>
                    " "
                    <a href="/staff">{t!(i18n, caseload.clear)}</a>
                </p>
            </details>
        </Form>
    }
}

fn band_label(i18n: I18n, band: AgeBand) -> AnyView {
    match band {
        AgeBand::Months0To3 => t!(i18n, caseload.band.m0_3).into_any(),
        AgeBand::Months4To11 => t!(i18n, caseload.band.m4_11).into_any(),
        AgeBand::Year1 => t!(i18n, caseload.band.y1).into_any(),
        AgeBand::Year2 => t!(i18n, caseload.band.y2).into_any(),
        AgeBand::Years3To5 => t!(i18n, caseload.band.y3_5).into_any(),
        AgeBand::Years6Up => t!(i18n, caseload.band.y6).into_any(),
    }
}

#[component]
fn Results(page: Page, filter: CaseloadFilter) -> impl IntoView {
    let i18n = use_i18n();
    let Page {
        entries,
        page,
        page_count,
        total,
        before,
        after,
    } = page;
    // Pages keep the filter: the links carry it with the place the page starts.
    let link = move |direction: &'static str, cursor: Option<CaseloadCursor>| {
        let mut query = ParamsMap::new();
        for (name, value) in filter.to_query() {
            query.insert(name, value);
        }
        if let Some(cursor) = cursor {
            query.insert(direction, cursor.to_text());
        }
        format!("/staff{}", query.to_query_string())
    };
    let empty = entries.is_empty();
    let rows = entries.into_iter().map(|e| view! { <Row entry=e /> }).collect_view();
    let (has_prev, has_next) = (before.is_some(), after.is_some());
    let (prev, next) = (link("before", before), link("after", after));
    view! {
        <p class="muted" data-testid="caseload-total">{t!(i18n, caseload.total, total = move || total)}</p>
        <Show when=move || empty>
            <p>{t!(i18n, caseload.empty)}</p>
        </Show>
        <div class="table-wrap" tabindex="0">
            <table class="caseload">
                <thead>
                    <tr>
                        <th scope="col">{t!(i18n, caseload.family)}</th>
                        <th scope="col">{t!(i18n, caseload.stage)}</th>
                        <th scope="col">{t!(i18n, caseload.date)}</th>
                        <th scope="col">{t!(i18n, caseload.look)}</th>
                        <th scope="col" class="optional">{t!(i18n, caseload.site)}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        <nav class="pager" aria-label=move || crate::i18n::td_string!(i18n.get_locale(), nav.pages_label).to_string()>
            <Show when=move || has_prev>
                <a href=prev.clone() rel="prev">{t!(i18n, caseload.prev)}</a>
            </Show>
            <span>{t!(i18n, caseload.page, page = move || page, count = move || page_count)}</span>
            <Show when=move || has_next>
                <a href=next.clone() rel="next">{t!(i18n, caseload.next)}</a>
            </Show>
        </nav>
    }
}

/// One family: name, stage, date, and a first look at its open tasks and categories.
#[component]
fn Row(entry: CaseloadEntry) -> impl IntoView {
    let i18n = use_i18n();
    let CaseloadEntry {
        family,
        family_name,
        family_name_kana,
        site_name,
        stage,
        open_tasks,
        late_tasks,
        first_tasks,
        flags,
    } = entry;
    let date = match stage {
        Stage::Pregnant { due_date, .. } => Some(due_date),
        Stage::Parenting { birth_date, .. } => Some(birth_date),
        Stage::NoActiveRecord => None,
    };
    let flags = flags
        .into_iter()
        .map(|c| view! { <span class="badge flag" data-testid="row-flag" data-category=c.as_str()>{labels::risk(i18n, c)}</span> " " })
        .collect_view();
    let shown = u32::try_from(first_tasks.len()).unwrap_or(u32::MAX);
    let more = open_tasks.saturating_sub(shown);
    let tasks = first_tasks
        .into_iter()
        .map(|task| {
            let due = task.due;
            view! {
                <li>
                    {super::tasks::what(i18n, &task)}
                    " " <span class="muted"><DateText date=due /></span>
                </li>
            }
        })
        .collect_view();
    let look = if open_tasks == 0 {
        view! { <span class="muted">{t!(i18n, caseload.no_tasks)}</span> }.into_any()
    } else {
        view! {
            <details class="first-look" data-testid="row-tasks" data-open=open_tasks data-late=late_tasks>
                <summary>
                    {t!(i18n, caseload.open_tasks, n = move || open_tasks)}
                    {(late_tasks > 0).then(|| view! { <strong class="overdue">{t!(i18n, caseload.late_tasks, n = move || late_tasks)}</strong> })}
                </summary>
                <ul>{tasks}</ul>
                {(more > 0).then(|| view! { <p class="muted">{t!(i18n, caseload.more_tasks, n = move || more)}</p> })}
            </details>
        }
        .into_any()
    };
    view! {
        <tr data-testid="caseload-row">
            <td>
                <a href=format!("/staff/families/{family}")>{family_name}</a>
                <span class="kana">{family_name_kana}</span>
            </td>
            <td><StageText stage /></td>
            <td>{date.map(|date| view! { <DateText date /> })}</td>
            <td>{flags}{look}</td>
            <td class="optional">{site_name}</td>
        </tr>
    }
}
