//! `/home`: a parent's own family — pregnancies and children — news from the centre, and the timeline.

use crate::api::families::{FamilyView, my_family};
use crate::error::AppError;
use crate::i18n::{t, use_i18n};
use crate::ui::format::{DateText, StageText, signed_in};
use crate::ui::timeline::{FamilyTimeline, TimelineData};
use domain::consultation::Consultation;
use domain::family::{ChildAge, GestationalAge, PregnancyOutcome, Stage};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn ParentHome() -> impl IntoView {
    let i18n = use_i18n();
    // Everything the page reads starts loading here, together, outside the Suspense (see
    // `TimelineData`).
    let family = Resource::new(|| (), |_| my_family());
    let timeline = TimelineData::new(0);
    let consultations = Resource::new(|| (), |_| crate::api::consultations::my_consultations());
    view! {
        <Title text=move || crate::i18n::td_string!(i18n.get_locale(), home.title).to_string() />
        <Suspense fallback=move || view! { <p>{t!(i18n, app.loading)}</p> }>
            {move || Suspend::new(async move {
                signed_in(family.await, move |view| view! { <Family view timeline consultations /> }.into_any())
            })}
        </Suspense>
    }
}

#[component]
fn Family(
    view: FamilyView,
    timeline: TimelineData,
    consultations: Resource<Result<Vec<Consultation>, AppError>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let FamilyView { record, today, .. } = view;
    let empty = record.pregnancies.is_empty() && record.children.is_empty();
    let pregnancies = record
        .pregnancies
        .into_iter()
        .filter(|p| p.outcome == PregnancyOutcome::Ongoing)
        .map(|p| {
            let stage = Stage::Pregnant { age: GestationalAge::on(p.due_date, today), due_date: p.due_date };
            let notified_on = p.notified_on;
            view! {
                <li class="member" data-testid="pregnancy">
                    <h2 class="member-name"><StageText stage /></h2>
                    <p>{t!(i18n, home.due_date)} ": " <DateText date=p.due_date /></p>
                    {notified_on.map(|notified_on| view! {
                        <details class="member-details">
                            <summary data-testid="details-toggle">{t!(i18n, home.details_show)}</summary>
                            <p data-testid="details">
                                {t!(i18n, home.details, date = move || crate::ui::format::date(i18n.get_locale(), notified_on))}
                            </p>
                        </details>
                    })}
                </li>
            }
        })
        .collect_view();
    let children = record
        .children
        .into_iter()
        .map(|c| {
            let stage = Stage::Parenting {
                age: ChildAge::on(c.birth_date, today),
                birth_date: c.birth_date,
            };
            view! {
                <li class="member" data-testid="child">
                    <h2 class="member-name">{c.name}</h2>
                    <p><StageText stage /></p>
                    <p>{t!(i18n, home.born_on)} ": " <DateText date=c.birth_date /></p>
                </li>
            }
        })
        .collect_view();
    view! {
        <h1>{record.family_name} " " {t!(i18n, home.title)}</h1>
        <Show when=move || empty>
            <p>{t!(i18n, home.none)}</p>
        </Show>
        <ul class="members">{pregnancies} {children}</ul>
        <Notices list=consultations />
        <h2 class="section-title">{t!(i18n, home.timeline_title)}</h2>
        <FamilyTimeline data=timeline staff=false />
    }
}

/// News from the centre (a reply, a booking change) the parent has not opened yet, and the way to ask.
#[component]
fn Notices(list: Resource<Result<Vec<Consultation>, AppError>>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Suspense>
            {move || Suspend::new(async move {
                let unread = list.await.map(|l| l.iter().filter(|c| c.unread_by_guardian()).count()).unwrap_or(0);
                (unread > 0).then(|| view! {
                    <p class="notice" role="status" data-testid="centre-notice">
                        {t!(i18n, consult.notice)} " " <a href="/consultations">{t!(i18n, consult.open_list)}</a>
                    </p>
                })
            })}
        </Suspense>
        <p><a class="button" href="/consultations/new" data-testid="ask-centre">{t!(i18n, consult.start)}</a></p>
    }
}
