//! `/staff`: the municipality's families, searchable by name or kana, page by page (each page
//! starts right after or before a family, so families added meanwhile never shift the pages).

use crate::api::families::caseload;
use crate::i18n::{t, use_i18n};
use crate::ui::format::{DateText, StageText, signed_in};
use domain::family::{CaseloadCursor, CaseloadPage as Page, Stage};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;
use leptos_router::params::ParamsMap;

#[component]
pub fn CaseloadPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let search = move || query.read().get("q").unwrap_or_default();
    let at = move || (query.read().get("after"), query.read().get("before"));
    let families = Resource::new(
        move || (search(), at()),
        |(search, (after, before))| caseload(search, after, before),
    );
    view! {
        <Title text=move || crate::i18n::td_string!(i18n.get_locale(), caseload.title).to_string() />
        <h1>{t!(i18n, caseload.title)}</h1>
        <Form method="GET" action="" attr:class="search" attr:role="search">
            <label for="caseload-search">{t!(i18n, caseload.search_label)}</label>
            <div class="search-row">
                <input id="caseload-search" type="search" name="q" prop:value=search maxlength="100" />
                <button type="submit">{t!(i18n, caseload.search_button)}</button>
            </div>
        </Form>
        <Transition fallback=move || view! { <p>{t!(i18n, app.loading)}</p> }>
            {move || Suspend::new(async move {
                signed_in(families.await, move |p| view! { <Results page=p search=search() /> }.into_any())
            })}
        </Transition>
    }
}

#[component]
fn Results(page: Page, search: String) -> impl IntoView {
    let i18n = use_i18n();
    let Page {
        entries,
        page,
        page_count,
        total,
        before,
        after,
    } = page;
    let link = move |direction: &'static str, cursor: Option<CaseloadCursor>| {
        let mut query = ParamsMap::new();
        if !search.is_empty() {
            query.insert("q", search.clone());
        }
        if let Some(cursor) = cursor {
            query.insert(direction, cursor.to_text());
        }
        format!("/staff{}", query.to_query_string())
    };
    let empty = entries.is_empty();
    let rows = entries
        .into_iter()
        .map(|e| {
            let date = match e.stage {
                Stage::Pregnant { due_date, .. } => Some(due_date),
                Stage::Parenting { birth_date, .. } => Some(birth_date),
                Stage::NoActiveRecord => None,
            };
            view! {
                <tr data-testid="caseload-row">
                    <td>
                        <a href=format!("/staff/families/{}", e.family)>{e.family_name}</a>
                        <span class="kana">{e.family_name_kana}</span>
                    </td>
                    <td><StageText stage=e.stage /></td>
                    <td>{date.map(|date| view! { <DateText date /> })}</td>
                    <td class="optional">{e.site_name}</td>
                </tr>
            }
        })
        .collect_view();
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
                        <th scope="col" class="optional">{t!(i18n, caseload.site)}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        <nav class="pager" aria-label="pages">
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
