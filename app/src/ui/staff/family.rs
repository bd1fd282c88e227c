//! `/staff/families/:id`: one family's record for staff, and issuing the parent's invitation.

use super::register::AddPregnancy;
use super::support::{SupportData, SupportRecord, member_choices};
use crate::api::families::{FamilyView, InvitationView, RecordBirth, RecordLoss, family};
use crate::i18n::{t, use_i18n};
use crate::ui::format::{DateText, StageText, signed_in};
use crate::ui::islands::form::Form;
use crate::ui::islands::invitation::InvitationIssuer;
use crate::ui::timeline::{FamilyTimeline, TimelineData};
use domain::family::{ChildAge, PregnancyOutcome, Stage};
use domain::people::Sex;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

#[component]
pub fn FamilyPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let id = move || {
        params
            .read()
            .get("id")
            .and_then(|id| id.parse::<i64>().ok())
            .unwrap_or(0)
    };
    // The timeline and the support record load beside the record, not inside its Suspense (see
    // `TimelineData`).
    let record = Resource::new(id, family);
    let timeline = TimelineData::new(id());
    let support = SupportData::new(id());
    view! {
        <Title text=move || crate::i18n::td_string!(i18n.get_locale(), family.title).to_string() />
        <p><a href="/staff">{t!(i18n, family.back)}</a></p>
        <Suspense fallback=move || view! { <p>{t!(i18n, app.loading)}</p> }>
            {move || Suspend::new(async move { signed_in(record.await, move |view| view! { <Record view timeline support /> }.into_any()) })}
        </Suspense>
    }
}

#[component]
fn Record(view: FamilyView, timeline: TimelineData, support: SupportData) -> impl IntoView {
    let i18n = use_i18n();
    let FamilyView {
        record,
        today,
        invitation_issued,
        sites_to_move_to,
        reset_code_issued,
    } = view;
    let family_id = record.id.0;
    let locale = i18n.get_locale_untracked();
    let members = member_choices(&record, |due| {
        let date = crate::ui::format::date(locale, due);
        match locale {
            crate::i18n::Locale::ja => format!("妊娠（予定日 {date}）"),
            crate::i18n::Locale::en => format!("Pregnancy (due {date})"),
        }
    });
    let no_guardians = record.guardians.is_empty();
    let guardians = record
        .guardians
        .into_iter()
        .map(|g| view! { <li>{g.name} " " <span class="kana">{g.name_kana}</span></li> })
        .collect_view();
    let pregnancies = record
        .pregnancies
        .into_iter()
        .map(|p| {
            let outcome = match p.outcome {
                PregnancyOutcome::Ongoing => t!(i18n, family.outcome_ongoing).into_any(),
                PregnancyOutcome::Born => t!(i18n, family.outcome_born).into_any(),
                PregnancyOutcome::Lost => t!(i18n, family.outcome_lost).into_any(),
            };
            let ongoing = p.outcome == PregnancyOutcome::Ongoing;
            let pregnancy_id = p.id.0;
            let ending = ongoing.then(|| view! { <PregnancyEnding family_id pregnancy_id /> });
            view! {
                <tr>
                    <td><DateText date=p.due_date /> {ending}</td>
                    <td>{match p.notified_on {
                        Some(on) => view! { <DateText date=on /> }.into_any(),
                        None => view! { <span data-testid="no-notification">{t!(i18n, family.no_notification)}</span> }.into_any(),
                    }}</td>
                    <td>{p.fetuses}</td>
                    <td>{outcome}</td>
                </tr>
            }
        })
        .collect_view();
    let children = record
        .children
        .into_iter()
        .map(|c| {
            let sex = match c.sex {
                Sex::Female => t!(i18n, family.sex_female).into_any(),
                Sex::Male => t!(i18n, family.sex_male).into_any(),
                Sex::Unknown => t!(i18n, family.sex_unknown).into_any(),
            };
            let stage = Stage::Parenting {
                age: ChildAge::on(c.birth_date, today),
                birth_date: c.birth_date,
            };
            view! {
                <tr>
                    <td>{c.name} " " <span class="kana">{c.name_kana}</span></td>
                    <td><DateText date=c.birth_date /> " (" <StageText stage /> ")"</td>
                    <td>{sex}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <h1 data-testid="family-name">{record.family_name} " " <span class="kana">{record.family_name_kana}</span></h1>
        <p class="muted">
            {t!(i18n, audit.family)} ": " <span data-testid="family-number">{family_id}</span> " · "
            {t!(i18n, family.site)} ": " <span data-testid="family-site">{record.site_name}</span>
        </p>
        {(leptos_router::hooks::use_query_map().read_untracked().get("said").as_deref() == Some("family_moved"))
            .then(|| view! { <p class="notice" role="status">{t!(i18n, family.moved)}</p> })}
        <MoveFamily family_id sites=sites_to_move_to />
        <section class="card">
            <h2>{t!(i18n, family.guardians)}</h2>
            <Show when=move || no_guardians>
                <p>{t!(i18n, family.no_guardians)}</p>
            </Show>
            <ul data-testid="guardians">{guardians}</ul>
            <Invite family_id issued=invitation_issued.clone() />
            {(!no_guardians).then(|| view! { <ResetCode family_id issued=reset_code_issued.clone() /> })}
        </section>
        <FamilyTimeline data=timeline staff=true />
        <SupportRecord data=support family_id members />
        <section class="card">
            <h2>{t!(i18n, family.pregnancies)}</h2>
            <div class="table-wrap" tabindex="0">
                <table>
                    <thead>
                        <tr>
                            <th scope="col">{t!(i18n, family.due_date)}</th>
                            <th scope="col">{t!(i18n, family.notified_on)}</th>
                            <th scope="col">{t!(i18n, family.fetuses)}</th>
                            <th scope="col">{t!(i18n, family.outcome)}</th>
                        </tr>
                    </thead>
                    <tbody>{pregnancies}</tbody>
                </table>
            </div>
            <AddPregnancy family_id />
        </section>
        <section class="card">
            <h2>{t!(i18n, family.children)}</h2>
            <div class="table-wrap" tabindex="0">
                <table>
                    <thead>
                        <tr>
                            <th scope="col">{t!(i18n, caseload.family)}</th>
                            <th scope="col">{t!(i18n, family.birth_date)}</th>
                            <th scope="col">{t!(i18n, family.sex)}</th>
                        </tr>
                    </thead>
                    <tbody>{children}</tbody>
                </table>
            </div>
        </section>
    }
}

/// A password reset code for a parent of the family who cannot use e-mail, shown once when issued.
#[component]
fn ResetCode(family_id: i64, issued: Option<crate::api::password::ResetCodeView>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        {issued.map(|r| {
            let until = r.expires_on;
            view! {
                <div class="notice" id="reset-code" role="status">
                    <p>{t!(i18n, password.issued, date = move || crate::ui::format::date(i18n.get_locale(), until))}</p>
                    <p class="code" data-testid="reset-code">{r.code}</p>
                </div>
            }
        })}
        <details>
            <summary>{t!(i18n, password.issue_code)}</summary>
            <p class="muted">{t!(i18n, password.issue_explain)}</p>
            <Form action=crate::api::password::IssueResetCode::url() class="form compact">
                <input type="hidden" name="family" value=family_id />
                <button type="submit" data-testid="issue-reset-code">{t!(i18n, password.issue_code)}</button>
            </Form>
        </details>
    }
}

/// Admins move the family to another open site.
#[component]
fn MoveFamily(family_id: i64, sites: Vec<crate::api::accounts::SiteView>) -> impl IntoView {
    let i18n = use_i18n();
    (!sites.is_empty()).then(|| {
        let options = sites
            .into_iter()
            .map(|s| view! { <option value=s.id>{s.name}</option> })
            .collect_view();
        view! {
            <details>
                <summary>{t!(i18n, family.move_site)}</summary>
                <Form action=crate::api::accounts::MoveFamily::url() class="form compact">
                    <input type="hidden" name="family" value=family_id />
                    <label for="move-site">{t!(i18n, family.move_to)}</label>
                    <select id="move-site" name="site">{options}</select>
                    <button type="submit">{t!(i18n, family.move_site)}</button>
                </Form>
            </details>
        }
    })
}

#[component]
fn Invite(family_id: i64, issued: Option<InvitationView>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <p class="muted">{t!(i18n, family.invite_intro)}</p>
        <InvitationIssuer lang=i18n.get_locale_untracked().to_string() family=family_id issued />
    }
}

/// Forms that end an ongoing pregnancy: with a birth (the child joins the family) or a loss.
#[component]
fn PregnancyEnding(family_id: i64, pregnancy_id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let id = move |what: &str| format!("{what}-{pregnancy_id}");
    view! {
        <details class="ending">
            <summary data-testid="record-birth">{t!(i18n, family.record_birth)}</summary>
            <Form action=RecordBirth::url() class="form compact">
                <input type="hidden" name="family" value=family_id />
                <input type="hidden" name="pregnancy" value=pregnancy_id />
                <label for=id("child-name")>{t!(i18n, family.child_name)}</label>
                <input id=id("child-name") name="name" required />
                <label for=id("child-kana")>{t!(i18n, family.child_kana)}</label>
                <input id=id("child-kana") name="name_kana" required />
                <label for=id("birth-date")>{t!(i18n, family.birth_date_input)}</label>
                <input id=id("birth-date") name="birth_date" type="date" required />
                <label for=id("sex")>{t!(i18n, family.sex)}</label>
                <select id=id("sex") name="sex">
                    <option value="female">{t!(i18n, family.sex_female)}</option>
                    <option value="male">{t!(i18n, family.sex_male)}</option>
                    <option value="unknown">{t!(i18n, family.sex_unknown)}</option>
                </select>
                <button type="submit" class="primary" data-testid="save-birth">{t!(i18n, family.save)}</button>
            </Form>
        </details>
        <details class="ending">
            <summary>{t!(i18n, family.record_loss)}</summary>
            <Form action=RecordLoss::url() class="form compact">
                <input type="hidden" name="family" value=family_id />
                <input type="hidden" name="pregnancy" value=pregnancy_id />
                <label for=id("ended-on")>{t!(i18n, family.ended_on)}</label>
                <input id=id("ended-on") name="ended_on" type="date" required />
                <button type="submit" class="primary">{t!(i18n, family.save)}</button>
            </Form>
        </details>
    }
}
