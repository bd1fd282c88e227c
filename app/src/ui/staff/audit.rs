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
                    <td data-action=l.action.clone()>{action_label(i18n.get_locale_untracked(), &l.action)}</td>
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

/// What an audit entry's action code means, in the reader's language; an unknown code as it is.
pub fn action_label(locale: crate::i18n::Locale, code: &str) -> String {
    use crate::i18n::td_string;
    match code {
        "add_institution" => td_string!(locale, audit_action.add_institution).to_string(),
        "issue_reset_code" => td_string!(locale, audit_action.issue_reset_code).to_string(),
        "save_site" => td_string!(locale, audit_action.save_site).to_string(),
        "close_site" => td_string!(locale, audit_action.close_site).to_string(),
        "reopen_site" => td_string!(locale, audit_action.reopen_site).to_string(),
        "move_family" => td_string!(locale, audit_action.move_family).to_string(),
        "set_booking_rules" => td_string!(locale, audit_action.set_booking_rules).to_string(),
        "assign_consultation" => td_string!(locale, audit_action.assign_consultation).to_string(),
        "book_consultation" => td_string!(locale, audit_action.book_consultation).to_string(),
        "cancel_consultation_booking" => td_string!(locale, audit_action.cancel_consultation_booking).to_string(),
        "clear_flag" => td_string!(locale, audit_action.clear_flag).to_string(),
        "close_consultation" => td_string!(locale, audit_action.close_consultation).to_string(),
        "confirm_record" => td_string!(locale, audit_action.confirm_record).to_string(),
        "create_staff" => td_string!(locale, audit_action.create_staff).to_string(),
        "disable_staff" => td_string!(locale, audit_action.disable_staff).to_string(),
        "enable_staff" => td_string!(locale, audit_action.enable_staff).to_string(),
        "issue_invitation" => td_string!(locale, audit_action.issue_invitation).to_string(),
        "plan_visit" => td_string!(locale, audit_action.plan_visit).to_string(),
        "publish_slots" => td_string!(locale, audit_action.publish_slots).to_string(),
        "raise_flag" => td_string!(locale, audit_action.raise_flag).to_string(),
        "read" => td_string!(locale, audit_action.read).to_string(),
        "read_audit" => td_string!(locale, audit_action.read_audit).to_string(),
        "read_caseload" => td_string!(locale, audit_action.read_caseload).to_string(),
        "read_consultation" => td_string!(locale, audit_action.read_consultation).to_string(),
        "read_failed_reminders" => td_string!(locale, audit_action.read_failed_reminders).to_string(),
        "read_figures" => td_string!(locale, audit_action.read_figures).to_string(),
        "read_inbox" => td_string!(locale, audit_action.read_inbox).to_string(),
        "read_slots" => td_string!(locale, audit_action.read_slots).to_string(),
        "read_staff" => td_string!(locale, audit_action.read_staff).to_string(),
        "read_support" => td_string!(locale, audit_action.read_support).to_string(),
        "read_tasks" => td_string!(locale, audit_action.read_tasks).to_string(),
        "read_timeline" => td_string!(locale, audit_action.read_timeline).to_string(),
        "record" => td_string!(locale, audit_action.record).to_string(),
        "record_benefit_claim" => td_string!(locale, audit_action.record_benefit_claim).to_string(),
        "record_birth" => td_string!(locale, audit_action.record_birth).to_string(),
        "record_case_meeting" => td_string!(locale, audit_action.record_case_meeting).to_string(),
        "record_done" => td_string!(locale, audit_action.record_done).to_string(),
        "record_interview" => td_string!(locale, audit_action.record_interview).to_string(),
        "record_interview_and_flag" => td_string!(locale, audit_action.record_interview_and_flag).to_string(),
        "record_loss" => td_string!(locale, audit_action.record_loss).to_string(),
        "record_visit" => td_string!(locale, audit_action.record_visit).to_string(),
        "record_visit_and_flag" => td_string!(locale, audit_action.record_visit_and_flag).to_string(),
        "refer" => td_string!(locale, audit_action.refer).to_string(),
        "register_ended_pregnancy" => td_string!(locale, audit_action.register_ended_pregnancy).to_string(),
        "register_pregnancy" => td_string!(locale, audit_action.register_pregnancy).to_string(),
        "reply_consultation" => td_string!(locale, audit_action.reply_consultation).to_string(),
        "save_plan" => td_string!(locale, audit_action.save_plan).to_string(),
        "set_product" => td_string!(locale, audit_action.set_product).to_string(),
        "undo_record" => td_string!(locale, audit_action.undo_record).to_string(),
        "update_referral" => td_string!(locale, audit_action.update_referral).to_string(),
        "withdraw_slot" => td_string!(locale, audit_action.withdraw_slot).to_string(),
        other => other.to_owned(),
    }
}
