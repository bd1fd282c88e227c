//! `/staff/audit`: the audit log of a family or of a staff member, for admins.

use crate::api::audit::{AuditView, audit_log};
use crate::i18n::{t, use_i18n};
use crate::ui::format::signed_in;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;

#[component]
pub fn AuditPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let number = move |key: &str| query.read().get(key).and_then(|v| v.trim().parse::<i64>().ok());
    let log = Resource::new(
        move || (number("family"), number("staff")),
        |(family, staff)| audit_log(family, staff),
    );
    view! {
        <Title text=move || crate::i18n::td_string!(i18n.get_locale(), audit.title).to_string() />
        <h1>{t!(i18n, audit.title)}</h1>
        <p class="muted">{t!(i18n, audit.intro)}</p>
        <Suspense fallback=move || view! { <p>{t!(i18n, app.loading)}</p> }>
            {move || Suspend::new(async move {
                let chosen = number("family").is_some() || number("staff").is_some();
                let (family, staff) = (number("family"), number("staff"));
                signed_in(log.await, move |view| view! { <Log view chosen family staff /> }.into_any())
            })}
        </Suspense>
    }
}

#[component]
fn Log(view: AuditView, chosen: bool, family: Option<i64>, staff: Option<i64>) -> impl IntoView {
    let i18n = use_i18n();
    let none = view.lines.is_empty();
    let rows = view
        .lines
        .into_iter()
        .map(|l| {
            view! {
                <tr data-testid="audit-line">
                    <td>{l.at}</td>
                    <td>{l.actor_name}</td>
                    <td><code>{l.action}</code></td>
                    <td>{l.subject}</td>
                    <td>{l.address}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <Form method="GET" action="" attr:class="form compact card">
            <label for="audit-family">{t!(i18n, audit.family)}</label>
            <input id="audit-family" name="family" inputmode="numeric" value=family.map(|f| f.to_string()) />
            <label for="audit-staff">{t!(i18n, audit.staff)}</label>
            <select id="audit-staff" name="staff">
                <option value="">"—"</option>
                {view.colleagues.into_iter().map(|c| view! { <option value=c.id selected=Some(c.id) == staff>{c.name}</option> }).collect_view()}
            </select>
            <button type="submit">{t!(i18n, audit.show)}</button>
        </Form>
        {if !chosen {
            view! { <p>{t!(i18n, audit.choose)}</p> }.into_any()
        } else if none {
            view! { <p>{t!(i18n, audit.none)}</p> }.into_any()
        } else {
            view! {
                <div class="table-wrap" tabindex="0">
                    <table>
                        <thead>
                            <tr>
                                <th scope="col">{t!(i18n, audit.when)}</th>
                                <th scope="col">{t!(i18n, audit.who)}</th>
                                <th scope="col">{t!(i18n, audit.action)}</th>
                                <th scope="col">{t!(i18n, audit.subject)}</th>
                                <th scope="col">{t!(i18n, audit.address)}</th>
                            </tr>
                        </thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
            }.into_any()
        }}
    }
}
