//! `/staff/reminders`: reminders that could not be delivered after every retry, for admins.

use crate::api::reminders::failed_reminders;
use crate::i18n::{t, td_string, use_i18n};
use crate::ui::format::signed_in;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn FailedRemindersPage() -> impl IntoView {
    let i18n = use_i18n();
    let list = Resource::new(|| (), |_| failed_reminders());
    view! {
        <Title text=move || td_string!(i18n.get_locale(), failed.title).to_string() />
        <h1>{t!(i18n, failed.title)}</h1>
        <p class="muted">{t!(i18n, failed.intro)}</p>
        <Suspense fallback=move || view! { <p>{t!(i18n, app.loading)}</p> }>
            {move || Suspend::new(async move {
                signed_in(list.await, move |list| {
                    if list.is_empty() {
                        return view! { <p data-testid="no-failed">{t!(i18n, failed.none)}</p> }.into_any();
                    }
                    let rows = list
                        .into_iter()
                        .map(|f| view! {
                            <tr data-testid="failed-reminder">
                                <td>{f.due_at}</td>
                                <td><a href=format!("/staff/families/{}", f.family)>{f.family}</a></td>
                                <td>{f.kind}</td>
                                <td>{f.attempts}</td>
                                <td>{f.last_status}</td>
                                <td>{f.last_error}</td>
                            </tr>
                        })
                        .collect_view();
                    view! {
                        <div class="table-wrap" tabindex="0">
                            <table>
                                <thead><tr>
                                    <th scope="col">{t!(i18n, failed.due)}</th>
                                    <th scope="col">{t!(i18n, audit.family)}</th>
                                    <th scope="col">{t!(i18n, failed.kind)}</th>
                                    <th scope="col">{t!(i18n, failed.attempts)}</th>
                                    <th scope="col">{t!(i18n, failed.status)}</th>
                                    <th scope="col">{t!(i18n, failed.error)}</th>
                                </tr></thead>
                                <tbody>{rows}</tbody>
                            </table>
                        </div>
                    }
                    .into_any()
                })
            })}
        </Suspense>
    }
}
