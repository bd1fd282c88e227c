//! `/staff/slots`: consultation slots published per site and coordinator, one-off or weekly.

use crate::api::consultations::{PublishSlots, SetBookingRules, WithdrawSlot, staff_slots};
use crate::i18n::{t, use_i18n};
use crate::ui::consultation::{local_time, mode};
use crate::ui::format::signed_in;
use crate::ui::islands::form::Form;
use domain::consultation::ContactMode;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;

#[component]
pub fn SlotsPage() -> impl IntoView {
    let i18n = use_i18n();
    let data = Resource::new(|| (), |_| staff_slots());
    // Said by the page's address after publishing (`publish_slots` sends the page there).
    let query = leptos_router::hooks::use_query_map().read_untracked();
    let published = query.get("published").and_then(|n| n.parse::<usize>().ok());
    let rules_saved = query.get("said").as_deref() == Some("booking_rules_saved");
    view! {
        <Title text=move || crate::i18n::td_string!(i18n.get_locale(), slots.title).to_string() />
        <h1>{t!(i18n, slots.title)}</h1>
        {published.map(|n| view! { <p class="notice" role="status" data-testid="published">{t!(i18n, slots.published, n = move || n)}</p> })}
        {rules_saved.then(|| view! { <p class="notice" role="status">{t!(i18n, slots.rules_saved)}</p> })}
        <Suspense fallback=move || view! { <p>{t!(i18n, app.loading)}</p> }>
            {move || Suspend::new(async move {
                signed_in(data.await, move |view| {
                    let sites = view.sites.iter().map(|s| view! { <option value=s.id>{s.name.clone()}</option> }).collect_view();
                    let people = view.colleagues.iter().map(|c| view! { <option value=c.id>{c.name.clone()}</option> }).collect_view();
                    let none = view.slots.is_empty();
                    let hours = view.booking_rules.cutoff_hours;
                    let rules_form = view.admin.then(|| view! {
                        <Form action=SetBookingRules::url() class="form compact">
                            <label for="cutoff-hours">{t!(i18n, slots.cutoff_hours)}</label>
                            <input id="cutoff-hours" name="cutoff_hours" type="number" min="0" max="168" required value=hours data-testid="cutoff-hours" />
                            <button type="submit">{t!(i18n, slots.save_rules)}</button>
                        </Form>
                    });
                    let rows = view.slots.into_iter().map(|s| {
                        let booked = s.booked_by.is_some();
                        view! {
                            <tr data-testid="slot-row">
                                <td>{local_time(s.starts_at)}</td>
                                <td>{s.minutes}</td>
                                <td>{s.site_name}</td>
                                <td>{s.coordinator_name}</td>
                                <td>{mode(i18n, s.mode)}</td>
                                <td>
                                    {if booked {
                                        view! { <a href=format!("/staff/consultations/{}", s.booked_by.unwrap_or_default())>{t!(i18n, slots.booked)}</a> }.into_any()
                                    } else {
                                        view! {
                                            {t!(i18n, slots.free)} " "
                                            <Form action=WithdrawSlot::url() class="inline">
                                                <input type="hidden" name="slot" value=s.id />
                                                <button type="submit" class="link-button">{t!(i18n, slots.withdraw)}</button>
                                            </Form>
                                        }.into_any()
                                    }}
                                </td>
                            </tr>
                        }
                    }).collect_view();
                    view! {
                        <section class="card" aria-labelledby="rules-title">
                            <h2 id="rules-title">{t!(i18n, slots.rules_title)}</h2>
                            <p data-testid="booking-rules">{t!(i18n, slots.rules, hours = move || hours)}</p>
                            {rules_form}
                        </section>
                        <section class="card">
                            <h2>{t!(i18n, slots.publish)}</h2>
                            <Form action=PublishSlots::url() class="form">
                                <label for="slot-site">{t!(i18n, slots.site)}</label>
                                <select id="slot-site" name="input[site]">{sites}</select>
                                <label for="slot-coordinator">{t!(i18n, slots.coordinator)}</label>
                                <select id="slot-coordinator" name="input[coordinator]">
                                    <option value="">{t!(i18n, support.nobody)}</option>
                                    {people}
                                </select>
                                <label for="slot-date">{t!(i18n, slots.date)}</label>
                                <input id="slot-date" name="input[date]" type="date" required data-testid="slot-date" />
                                <label for="slot-time">{t!(i18n, slots.time)}</label>
                                <input id="slot-time" name="input[time]" type="time" required value="10:00" data-testid="slot-time" />
                                <label for="slot-minutes">{t!(i18n, slots.minutes)}</label>
                                <input id="slot-minutes" name="input[minutes]" type="number" min="10" max="180" value="30" required />
                                <label for="slot-mode">{t!(i18n, slots.mode)}</label>
                                <select id="slot-mode" name="input[mode]">
                                    {ContactMode::ALL.iter().map(|&m| view! { <option value=m.as_str()>{mode(i18n, m)}</option> }).collect_view()}
                                </select>
                                <label for="slot-weeks">{t!(i18n, slots.weeks)}</label>
                                <input id="slot-weeks" name="input[weeks]" type="number" min="1" max="26" value="1" />
                                <button type="submit" class="primary" data-testid="publish-slots">{t!(i18n, slots.submit)}</button>
                            </Form>
                        </section>
                        {none.then(|| view! { <p>{t!(i18n, slots.none)}</p> })}
                        <div class="table-wrap" tabindex="0">
                            <table>
                                <thead><tr>
                                    <th scope="col">{t!(i18n, slots.date)}</th>
                                    <th scope="col">{t!(i18n, slots.minutes)}</th>
                                    <th scope="col">{t!(i18n, slots.site)}</th>
                                    <th scope="col">{t!(i18n, slots.coordinator)}</th>
                                    <th scope="col">{t!(i18n, slots.mode)}</th>
                                    <th scope="col"><span class="visually-hidden">{t!(i18n, slots.actions)}</span></th>
                                </tr></thead>
                                <tbody>{rows}</tbody>
                            </table>
                        </div>
                    }.into_any()
                })
            })}
        </Suspense>
    }
}
