//! `/staff/tasks`: what to do next — mine, a site's, or everything — earliest due first.

use super::labels;
use crate::api::tasks::{TaskList, tasks};
use crate::i18n::{t, use_i18n};
use crate::ui::format::{DateText, signed_in};
use domain::support::task::{Task, TaskKind};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;
use leptos_router::params::ParamsMap;

#[component]
pub fn TasksPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let scope = move || query.read().get("scope").unwrap_or_else(|| "mine".to_owned());
    let page = move || query.read().get("page").and_then(|p| p.parse::<u32>().ok());
    let list = Resource::new(move || (scope(), page()), |(scope, page)| tasks(scope, page));
    view! {
        <Title text=move || crate::i18n::td_string!(i18n.get_locale(), tasks.title).to_string() />
        <h1>{t!(i18n, tasks.title)}</h1>
        <Suspense fallback=move || view! { <p>{t!(i18n, app.loading)}</p> }>
            {move || Suspend::new(async move {
                signed_in(list.await, move |list| view! { <Tasks list scope=scope() /> }.into_any())
            })}
        </Suspense>
    }
}

#[component]
fn Tasks(list: TaskList, scope: String) -> impl IntoView {
    let i18n = use_i18n();
    let TaskList {
        tasks,
        total,
        late: late_count,
        page,
        page_count,
        pending,
        today,
        sites,
    } = list;
    let link = {
        let scope = scope.clone();
        move |to: u32| {
            let mut query = ParamsMap::new();
            query.insert("scope", scope.clone());
            query.insert("page", to.to_string());
            format!("/staff/tasks{}", query.to_query_string())
        }
    };
    let (prev, next) = (link(page.saturating_sub(1).max(1)), link(page + 1));
    let options = std::iter::once(("mine".to_owned(), t!(i18n, tasks.mine).into_any()))
        .chain(std::iter::once(("all".to_owned(), t!(i18n, tasks.all).into_any())))
        .chain(sites.into_iter().map(|s| {
            let name = s.name.clone();
            (
                format!("site:{}", s.id),
                t!(i18n, tasks.site, name = move || name.clone()).into_any(),
            )
        }))
        .map(|(value, label)| {
            let selected = value == scope;
            view! { <option value=value selected=selected>{label}</option> }
        })
        .collect_view();
    let rows = tasks
        .into_iter()
        .map(|task| {
            let late = task.is_late(today);
            let what = what(i18n, &task);
            let kind_code = match task.kind {
                TaskKind::Visit { visit } => visit.as_str(),
                TaskKind::Interview { interview } => interview.as_str(),
                TaskKind::PlanReview => "plan_review",
                TaskKind::MissedCheckup => "missed_checkup",
                TaskKind::MissedVaccination => "missed_vaccination",
                TaskKind::Consultation { .. } => "consultation",
                TaskKind::ReferralDueBack { .. } => "referral_due_back",
                TaskKind::BenefitClaim { .. } => "benefit_claim",
            };
            let due = task.due;
            view! {
                <li class=if late { "task late" } else { "task" } data-testid="task" data-kind=kind_code>
                    <a href=format!("/staff/families/{}", task.family.0)>{task.family_name}</a>
                    " — " {what}
                    <span class="when">
                        " " {t!(i18n, tasks.due, date = move || crate::ui::format::date(i18n.get_locale(), due))}
                        {late.then(|| view! { " " <strong class="overdue">{t!(i18n, tasks.late)}</strong> })}
                        {task.scheduled_on.map(|d| view! { " · " {t!(i18n, support.scheduled_on)} " " <DateText date=d /> })}
                    </span>
                    <span class="muted">
                        " · " {task.assignee_name.map(|n| n.into_any()).unwrap_or_else(|| t!(i18n, tasks.unassigned).into_any())}
                    </span>
                </li>
            }
        })
        .collect_view();
    view! {
        <Form method="GET" action="" attr:class="search">
            <label for="task-scope">{t!(i18n, tasks.scope)}</label>
            <div class="search-row">
                <select id="task-scope" name="scope" data-testid="task-scope">{options}</select>
                <button type="submit">{t!(i18n, tasks.show)}</button>
            </div>
        </Form>
        {(pending > 0).then(|| view! {
            <p class="notice" role="status" data-testid="tasks-pending">{t!(i18n, tasks.pending, n = move || pending)}</p>
        })}
        <p class="muted" data-testid="task-count">
            {t!(i18n, tasks.count, n = move || total, late = move || late_count)}
        </p>
        {(total == 0).then(|| view! { <p>{t!(i18n, tasks.none)}</p> })}
        <ul class="tasks">{rows}</ul>
        {(page_count > 1).then(|| view! {
            <nav class="pager" aria-label=move || crate::i18n::td_string!(i18n.get_locale(), nav.pages_label).to_string() data-testid="task-pager">
                {(page > 1).then(|| view! { <a href=prev rel="prev">{t!(i18n, caseload.prev)}</a> })}
                <span>{t!(i18n, caseload.page, page = move || page, count = move || page_count)}</span>
                {(page < page_count).then(|| view! { <a href=next rel="next">{t!(i18n, caseload.next)}</a> })}
            </nav>
        })}
    }
}

/// What a task asks for, in words (a consultation's task links to its thread).
pub(super) fn what(i18n: leptos_i18n::I18nContext<crate::i18n::Locale>, task: &Task) -> AnyView {
    match task.kind {
        TaskKind::Visit { visit } => labels::visit(i18n, visit),
        TaskKind::Interview { interview } => labels::interview(i18n, interview),
        TaskKind::PlanReview => t!(i18n, tasks.plan_review).into_any(),
        TaskKind::MissedCheckup | TaskKind::MissedVaccination => {
            let item = task.item.clone().unwrap_or_default();
            let item = move || crate::ui::timeline::item_name(i18n.get_locale(), &item);
            let what = if task.kind == TaskKind::MissedCheckup {
                t!(i18n, tasks.missed_checkup).into_any()
            } else {
                t!(i18n, tasks.missed_vaccination).into_any()
            };
            view! { {what} " " <span class="muted">{item}</span> }.into_any()
        }
        TaskKind::Consultation { consultation } => view! {
            <a href=format!("/staff/consultations/{consultation}")>{t!(i18n, tasks.consultation)}</a>
        }
        .into_any(),
        TaskKind::ReferralDueBack { referral } => view! {
            <a href=format!("/staff/families/{}#referral-{referral}", task.family.0)>{t!(i18n, tasks.referral_due_back)}</a>
        }
        .into_any(),
        TaskKind::BenefitClaim { claim } => {
            let n = claim.number();
            t!(i18n, tasks.benefit_claim, n = move || n).into_any()
        }
    }
}
