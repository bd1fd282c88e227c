//! `/staff/institutions`: the directory of related institutions (関係機関).

use super::labels;
use crate::api::network::{AddInstitution, institutions};
use crate::i18n::{t, use_i18n};
use crate::ui::format::signed_in;
use crate::ui::islands::form::Form;
use domain::support::network::InstitutionKind;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;

#[component]
pub fn InstitutionsPage() -> impl IntoView {
    let i18n = use_i18n();
    let list = Resource::new(|| (), |_| institutions());
    view! {
        <Title text=move || crate::i18n::td_string!(i18n.get_locale(), institutions.title).to_string() />
        <h1>{t!(i18n, institutions.title)}</h1>
        <Suspense fallback=move || view! { <p>{t!(i18n, app.loading)}</p> }>
            {move || Suspend::new(async move {
                signed_in(list.await, move |list| {
                    let none = list.is_empty();
                    let rows = list
                        .into_iter()
                        .map(|i| view! {
                            <tr data-testid="institution">
                                <td>{labels::institution(i18n, i.kind)}</td>
                                <td>{i.name}</td>
                                <td>{i.phone}</td>
                                <td class="text">{i.note}</td>
                            </tr>
                        })
                        .collect_view();
                    view! {
                        {none.then(|| view! { <p>{t!(i18n, institutions.none)}</p> })}
                        <div class="table-wrap" tabindex="0">
                            <table>
                                <thead>
                                    <tr>
                                        <th scope="col">{t!(i18n, institutions.kind)}</th>
                                        <th scope="col">{t!(i18n, institutions.name)}</th>
                                        <th scope="col">{t!(i18n, institutions.phone)}</th>
                                        <th scope="col">{t!(i18n, institutions.note)}</th>
                                    </tr>
                                </thead>
                                <tbody>{rows}</tbody>
                            </table>
                        </div>
                    }
                    .into_any()
                })
            })}
        </Suspense>
        <section class="card">
            <h2>{t!(i18n, institutions.add)}</h2>
            <Form action=AddInstitution::url() class="form">
                <label for="institution-kind">{t!(i18n, institutions.kind)}</label>
                <select id="institution-kind" name="input[kind]">
                    {labels::options(i18n, InstitutionKind::ALL, InstitutionKind::as_str, labels::institution)}
                </select>
                <label for="institution-name">{t!(i18n, institutions.name)}</label>
                <input id="institution-name" name="input[name]" required maxlength="100" />
                <label for="institution-phone">{t!(i18n, institutions.phone)}</label>
                <input id="institution-phone" name="input[phone]" type="tel" maxlength="30" />
                <label for="institution-note">{t!(i18n, institutions.note)}</label>
                <textarea id="institution-note" name="input[note]" maxlength="1000"></textarea>
                <button type="submit" class="primary">{t!(i18n, institutions.submit)}</button>
            </Form>
        </section>
    }
}
