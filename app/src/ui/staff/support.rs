//! The staff side of a family's record: risk flags, support plans, interviews, home visits and
//! referrals, each with the form that adds to it. Shown on `/staff/families/:id`.

use super::labels;
use crate::api::intake::RecordInterview;
use crate::api::network::{Refer, UpdateReferral};
use crate::api::plans::{ClearFlag, PARTICIPANT_ROWS, RaiseFlag, RecordCaseMeeting, SavePlan};
use crate::api::support::{Colleague, PregnancyClaims, RecordBenefitClaim, SupportView, family_support};
use crate::api::visits::{PlanVisit, RecordVisit};
use crate::error::AppError;
use crate::i18n::{t, use_i18n};
use crate::ui::format::{DateText, signed_in};
use crate::ui::islands::form::Form;
use domain::family::FamilyRecord;
use domain::ids::PregnancyId;
use domain::support::benefit::{BenefitClaim, ClaimState};
use domain::support::interview::{ChecklistTopic, HomeSupport, Interview, InterviewKind};
use domain::support::network::{Institution, ReferralStatus};
use domain::support::plan::{
    MeetingPurpose, PlanCategory, PlanPeriod, PlanStatus, PlanSubject, SharingMethod, SupportPlan,
};
use domain::support::risk::RiskCategory;
use domain::support::visit::{HomeVisit, VisitKind};
use domain::timeline::Member;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

/// A pregnancy or child as forms offer it: its form value and what it is called.
#[derive(Clone, Debug, PartialEq)]
pub struct MemberChoice {
    pub member: Member,
    pub value: String,
    pub label: String,
    /// For a child, the pregnancy it was born of.
    pub born_of: Option<PregnancyId>,
}

pub fn member_choices(
    record: &FamilyRecord,
    pregnancy_label: impl Fn(chrono::NaiveDate) -> String,
) -> Vec<MemberChoice> {
    let pregnancies = record.pregnancies.iter().map(|p| MemberChoice {
        member: Member::Pregnancy(p.id),
        value: format!("pregnancy:{}", p.id.0),
        label: pregnancy_label(p.due_date),
        born_of: None,
    });
    let children = record.children.iter().map(|c| MemberChoice {
        member: Member::Child(c.id),
        value: format!("child:{}", c.id.0),
        label: c.name.clone(),
        born_of: c.pregnancy,
    });
    pregnancies.chain(children).collect()
}

/// A family's support record as the page loads it. Created at the top of the page, outside any
/// `Suspense`, for the reason given at `TimelineData`.
#[derive(Clone, Copy)]
pub struct SupportData {
    support: Resource<Result<SupportView, AppError>>,
}

impl SupportData {
    pub fn new(family: i64) -> Self {
        SupportData {
            support: Resource::new(move || family, family_support),
        }
    }
}

#[component]
pub fn SupportRecord(data: SupportData, family_id: i64, members: Vec<MemberChoice>) -> impl IntoView {
    let i18n = use_i18n();
    let SupportData { support } = data;
    let members = StoredValue::new(members);
    view! {
        <Suspense fallback=move || view! { <p>{t!(i18n, app.loading)}</p> }>
            {move || Suspend::new(async move {
                signed_in(support.await, move |view| {
                    view! { <Sections family_id view members=members.get_value() /> }.into_any()
                })
            })}
        </Suspense>
    }
}

#[component]
fn Sections(family_id: i64, view: SupportView, members: Vec<MemberChoice>) -> impl IntoView {
    let SupportView {
        interviews,
        flags,
        plans,
        visits,
        referrals,
        consultations,
        institutions,
        colleagues,
        second_form_at,
        claims,
        today,
        utc_offset_seconds,
    } = view;
    let i18n = use_i18n();
    let colleagues = StoredValue::new(colleagues);
    let flag_items = flags
        .into_iter()
        .map(|f| {
            let current = f.cleared_on.is_none();
            let (raised_on, name) = (f.raised_on, f.raised_by_name.clone());
            view! {
                <li class=if current { "flag current" } else { "flag" } data-testid="risk-flag">
                    <strong>{labels::risk(i18n, f.category)}</strong>
                    " (" {labels::origin(i18n, f.origin)} ") " {f.reason}
                    <span class="muted">
                        " " {t!(i18n, support.raised, date = move || crate::ui::format::date(i18n.get_locale(), raised_on), name = move || name.clone())}
                    </span>
                    {f.cleared_on.map(|on| view! {
                        <span class="muted">
                            " " {t!(i18n, support.cleared, date = move || crate::ui::format::date(i18n.get_locale(), on))}
                            " " {f.clear_reason.clone()}
                        </span>
                    })}
                    {current.then(|| view! {
                        <details>
                            <summary>{t!(i18n, support.clear)}</summary>
                            <Form action=ClearFlag::url() class="form compact">
                                <input type="hidden" name="family" value=family_id />
                                <input type="hidden" name="flag" value=f.id />
                                <label for=format!("clear-{}", f.id)>{t!(i18n, support.clear_reason)}</label>
                                <input id=format!("clear-{}", f.id) name="reason" required maxlength="4000" />
                                <button type="submit">{t!(i18n, support.clear)}</button>
                            </Form>
                        </details>
                    })}
                </li>
            }
        })
        .collect_view();
    let no_flags = flag_items.is_empty();
    view! {
        <section class="card" aria-labelledby="flags-title">
            <h2 id="flags-title">{t!(i18n, support.flags_title)}</h2>
            {no_flags.then(|| view! { <p>{t!(i18n, support.no_flags)}</p> })}
            <ul class="flags">{flag_items}</ul>
            <details>
                <summary>{t!(i18n, support.raise)}</summary>
                <Form action=RaiseFlag::url() class="form compact">
                    <input type="hidden" name="input[family]" value=family_id />
                    <label for="flag-category">{t!(i18n, support.category)}</label>
                    <select id="flag-category" name="input[category]">
                        {labels::options(i18n, RiskCategory::ALL, RiskCategory::as_str, labels::risk)}
                    </select>
                    <label for="flag-reason">{t!(i18n, support.reason)}</label>
                    <textarea id="flag-reason" name="input[reason]" required maxlength="4000"></textarea>
                    <button type="submit" class="primary">{t!(i18n, support.raise)}</button>
                </Form>
            </details>
        </section>
        <Consultations consultations />
        <Plans family_id plans colleagues=colleagues.get_value() members=members.clone() today utc_offset_seconds />
        <Interviews family_id interviews members=members.clone() second_form_at claims today />
        <Visits family_id visits members colleagues=colleagues.get_value() today />
        <Referrals family_id referrals institutions today />
    }
}

#[component]
fn Plans(
    family_id: i64,
    plans: Vec<SupportPlan>,
    colleagues: Vec<Colleague>,
    members: Vec<MemberChoice>,
    today: chrono::NaiveDate,
    /// The municipality's offset from UTC, for the times plans were saved.
    utc_offset_seconds: i32,
) -> impl IntoView {
    let i18n = use_i18n();
    let colleagues = StoredValue::new(colleagues);
    let children: Vec<(PlanSubject, String)> = members
        .iter()
        .filter_map(|m| match m.member {
            Member::Child(c) => Some((PlanSubject::Child(c), m.label.clone())),
            Member::Pregnancy(_) => None,
        })
        .collect();
    let children = StoredValue::new(children);
    let none = plans.is_empty();
    let has_active = plans.iter().any(|p| p.status == PlanStatus::Active);
    let items = plans
        .into_iter()
        .map(|p| {
            let history = p
                .history
                .iter()
                .map(|h| {
                    let (n, name, at) = (h.revision, h.saved_by_name.clone(), h.saved_at);
                    let (from, review, until) = (h.period.from, h.period.review_on, h.period.until);
                    view! {
                        <li>
                            {t!(i18n, support.revision, n = move || n, name = move || name.clone(), at = move || crate::ui::consultation::local_instant(at, utc_offset_seconds))}
                            " — " {labels::plan_status(i18n, h.status)} " · " {labels::plan_category(i18n, h.category)}
                            " · " {children.with_value(|c| subject_name(i18n, h.subject, c))}
                            " · " <DateText date=from /> "〜" <DateText date=until />
                            " · " {t!(i18n, support.review_on)} " " <DateText date=review />
                            " · " {h.goals.clone()}
                        </li>
                    }
                })
                .collect_view();
            let meetings = p.meetings.iter().map(|m| {
                let participants = m
                    .participants
                    .iter()
                    .map(|w| view! { <li>{w.role.clone()} {(!w.institution.is_empty()).then(|| format!("（{}）", w.institution))}</li> })
                    .collect_view();
                let name = m.recorded_by_name.clone();
                view! {
                    <li class="meeting" data-testid="case-meeting">
                        <p>
                            <strong><DateText date=m.held_on /> " " {labels::meeting_purpose(i18n, m.purpose)}</strong>
                            <span class="muted">" " {t!(i18n, support.recorded, name = move || name.clone())}</span>
                        </p>
                        <p class="muted">{t!(i18n, support.participants)}</p>
                        <ul class="participants">{participants}</ul>
                        <p class="text">{m.decisions.clone()}</p>
                    </li>
                }
            }).collect_view();
            let no_meetings = p.meetings.is_empty();
            let shared = match p.shared {
                Some(s) => view! {
                    <DateText date=s.on /> " " {labels::sharing(i18n, s.how)}
                }.into_any(),
                None => t!(i18n, support.not_shared).into_any(),
            };
            let closed_on = p.closed_on;
            view! {
                <article class="plan" data-testid="support-plan">
                    <h3>
                        <span class="badge">{labels::plan_category(i18n, p.category)}</span>
                        " " {children.with_value(|c| subject_name(i18n, p.subject, c))}
                    </h3>
                    <p>
                        <strong>{labels::plan_status(i18n, p.status)}</strong>
                        {closed_on.map(|on| view! { " (" {t!(i18n, support.closed_on, date = move || crate::ui::format::date(i18n.get_locale(), on))} ")" })}
                        " · " {t!(i18n, support.responsible)} ": "
                        {p.responsible_name.clone().map(|n| n.into_any()).unwrap_or_else(|| t!(i18n, support.nobody).into_any())}
                    </p>
                    <dl>
                        <dt>{t!(i18n, support.period)}</dt>
                        <dd data-testid="plan-period"><DateText date=p.period.from /> "〜" <DateText date=p.period.until /></dd>
                        <dt>{t!(i18n, support.review_on)}</dt>
                        <dd data-testid="plan-review"><DateText date=p.period.review_on /></dd>
                        <dt>{t!(i18n, support.goals)}</dt><dd class="text">{p.goals.clone()}</dd>
                        <dt>{t!(i18n, support.services)}</dt><dd class="text">{p.services.clone()}</dd>
                        <dt>{t!(i18n, support.institutions)}</dt><dd class="text">{p.institutions.clone()}</dd>
                        <dt>{t!(i18n, support.sharing_title)}</dt>
                        <dd data-testid="plan-shared">{shared}</dd>
                        {(!p.sharing_note.is_empty()).then(|| view! {
                            <dt>{t!(i18n, support.sharing_note)}</dt><dd class="text">{p.sharing_note.clone()}</dd>
                        })}
                    </dl>
                    <h4>{t!(i18n, support.meetings_title)}</h4>
                    {no_meetings.then(|| view! { <p class="muted">{t!(i18n, support.no_meetings)}</p> })}
                    <ul class="meetings">{meetings}</ul>
                    <details>
                        <summary>{t!(i18n, support.record_meeting)}</summary>
                        <MeetingForm family_id plan=p.id today />
                    </details>
                    <details>
                        <summary>{t!(i18n, support.edit_plan)}</summary>
                        <PlanForm family_id plan=Some(p.clone()) colleagues=colleagues.get_value() children=children.get_value() today />
                    </details>
                    <details>
                        <summary>{t!(i18n, support.history)}</summary>
                        <ul>{history}</ul>
                    </details>
                </article>
            }
        })
        .collect_view();
    view! {
        <section class="card" aria-labelledby="plans-title">
            <h2 id="plans-title">{t!(i18n, support.plans_title)}</h2>
            {none.then(|| view! { <p>{t!(i18n, support.no_plans)}</p> })}
            {items}
            <datalist id="participant-roles">
                {PARTICIPANT_ROLES.iter().map(|r| view! { <option value=*r></option> }).collect_view()}
            </datalist>
            <details>
                <summary data-testid="new-plan">
                    {if has_active { t!(i18n, support.another_plan).into_any() } else { t!(i18n, support.new_plan).into_any() }}
                </summary>
                <PlanForm family_id plan=None colleagues=colleagues.get_value() children=children.get_value() today />
            </details>
        </section>
    }
}

/// Roles a case meeting's participants often have, offered as the form's suggestions.
const PARTICIPANT_ROLES: [&str; 10] = [
    "保健師",
    "助産師",
    "利用者支援専門員",
    "こども家庭支援員",
    "児童福祉司",
    "医師",
    "保育士",
    "学校教員",
    "主任児童委員",
    "家庭相談員",
];

/// Whom a plan is for, in words: the mother, a child by name, or the household.
fn subject_name(
    i18n: leptos_i18n::I18nContext<crate::i18n::Locale>,
    subject: PlanSubject,
    children: &[(PlanSubject, String)],
) -> AnyView {
    match subject {
        PlanSubject::Mother => t!(i18n, support.mother).into_any(),
        PlanSubject::Household => t!(i18n, support.household).into_any(),
        PlanSubject::Child(_) => children
            .iter()
            .find(|(s, _)| *s == subject)
            .map(|(_, name)| name.clone())
            .unwrap_or_default()
            .into_any(),
    }
}

#[component]
fn PlanForm(
    family_id: i64,
    plan: Option<SupportPlan>,
    colleagues: Vec<Colleague>,
    children: Vec<(PlanSubject, String)>,
    today: chrono::NaiveDate,
) -> impl IntoView {
    let i18n = use_i18n();
    let key = plan.as_ref().map_or("new".to_owned(), |p| p.id.to_string());
    let testid = format!("plan-form-{key}");
    let id = move |what: &str| format!("plan-{what}-{key}");
    let responsible = plan.as_ref().and_then(|p| p.responsible).map(|a| a.0);
    let status = plan.as_ref().map_or(PlanStatus::Active, |p| p.status);
    let category = plan.as_ref().map(|p| p.category);
    let subject = plan.as_ref().map(|p| p.subject);
    // A new plan runs six months from today, reviewed after three, until the coordinator says otherwise.
    let period = plan.as_ref().map_or_else(
        || PlanPeriod {
            from: today,
            review_on: today.checked_add_months(chrono::Months::new(3)).unwrap_or(today),
            until: today.checked_add_months(chrono::Months::new(6)).unwrap_or(today),
        },
        |p| p.period,
    );
    let iso = |d: chrono::NaiveDate| d.format("%Y-%m-%d").to_string();
    let shared = plan.as_ref().and_then(|p| p.shared);
    let subjects = [(PlanSubject::Mother, t!(i18n, support.mother).into_any())]
        .into_iter()
        .chain(children.into_iter().map(|(s, name)| (s, name.into_any())))
        .chain([(PlanSubject::Household, t!(i18n, support.household).into_any())])
        .map(|(s, label)| view! { <option value=s.form_value() selected=Some(s) == subject>{label}</option> })
        .collect_view();
    view! {
        <Form action=SavePlan::url() class="form compact" testid=testid>
            <input type="hidden" name="input[family]" value=family_id />
            {plan.as_ref().map(|p| view! {
                <input type="hidden" name="input[plan]" value=p.id />
                <input type="hidden" name="input[revision]" value=p.revision />
            })}
            <label for=id("category")>{t!(i18n, support.category)}</label>
            <select id=id("category") name="input[category]" required>
                {PlanCategory::ALL.iter().map(|&c| view! {
                    <option value=c.as_str() selected=Some(c) == category>{labels::plan_category(i18n, c)}</option>
                }).collect_view()}
            </select>
            <label for=id("subject")>{t!(i18n, support.subject)}</label>
            <select id=id("subject") name="input[subject]" required>{subjects}</select>
            <label for=id("status")>{t!(i18n, support.status)}</label>
            <select id=id("status") name="input[status]">
                {PlanStatus::ALL.iter().map(|&s| view! {
                    <option value=s.as_str() selected=s == status>{labels::plan_status(i18n, s)}</option>
                }).collect_view()}
            </select>
            <div class="row">
                <div>
                    <label for=id("from")>{t!(i18n, support.starts_on)}</label>
                    <input id=id("from") name="input[starts_on]" type="date" required value=iso(period.from) />
                </div>
                <div>
                    <label for=id("until")>{t!(i18n, support.ends_on)}</label>
                    <input id=id("until") name="input[ends_on]" type="date" required value=iso(period.until) />
                </div>
            </div>
            <label for=id("review")>{t!(i18n, support.review_on)}</label>
            <input id=id("review") name="input[review_on]" type="date" required value=iso(period.review_on) />
            <label for=id("goals")>{t!(i18n, support.goals)}</label>
            <textarea id=id("goals") name="input[goals]" maxlength="4000">{plan.as_ref().map(|p| p.goals.clone())}</textarea>
            <label for=id("services")>{t!(i18n, support.services)}</label>
            <textarea id=id("services") name="input[services]" maxlength="4000">{plan.as_ref().map(|p| p.services.clone())}</textarea>
            <label for=id("responsible")>{t!(i18n, support.responsible)}</label>
            <select id=id("responsible") name="input[responsible]">
                <option value="">{t!(i18n, support.nobody)}</option>
                {colleagues.into_iter().map(|c| view! {
                    <option value=c.id selected=Some(c.id) == responsible>{c.name}</option>
                }).collect_view()}
            </select>
            <label for=id("institutions")>{t!(i18n, support.institutions)}</label>
            <textarea id=id("institutions") name="input[institutions]" maxlength="4000">{plan.as_ref().map(|p| p.institutions.clone())}</textarea>
            <fieldset>
                <legend>{t!(i18n, support.sharing_title)}</legend>
                <div class="row">
                    <div>
                        <label for=id("shared-on")>{t!(i18n, support.shared_on)}</label>
                        <input id=id("shared-on") name="input[shared_on]" type="date" max=iso(today)
                            value=shared.map(|s| iso(s.on)) />
                    </div>
                    <div>
                        <label for=id("shared-how")>{t!(i18n, support.shared_how)}</label>
                        <select id=id("shared-how") name="input[shared_how]">
                            <option value="">{t!(i18n, support.not_yet)}</option>
                            {SharingMethod::ALL.iter().map(|&m| view! {
                                <option value=m.as_str() selected=shared.map(|s| s.how) == Some(m)>{labels::sharing(i18n, m)}</option>
                            }).collect_view()}
                        </select>
                    </div>
                </div>
                <label for=id("sharing-note")>{t!(i18n, support.sharing_note)}</label>
                <textarea id=id("sharing-note") name="input[sharing_note]" maxlength="4000">{plan.as_ref().map(|p| p.sharing_note.clone())}</textarea>
            </fieldset>
            <button type="submit" class="primary">{t!(i18n, support.save)}</button>
        </Form>
    }
}

/// 合同ケース会議: when, what it did with the plan, who took part, what was decided.
#[component]
fn MeetingForm(family_id: i64, plan: i64, today: chrono::NaiveDate) -> impl IntoView {
    let i18n = use_i18n();
    let id = move |what: &str| format!("meeting-{what}-{plan}");
    let rows = (0..PARTICIPANT_ROWS)
        .map(|i| {
            let n = i + 1;
            view! {
                <div class="row participant">
                    <div>
                        <label for=id(&format!("role-{i}"))>{t!(i18n, support.participant_role, n = move || n)}</label>
                        <input id=id(&format!("role-{i}")) name=format!("input[participants][{i}][role]") maxlength="100"
                            list="participant-roles" required=i == 0 />
                    </div>
                    <div>
                        <label for=id(&format!("institution-{i}"))>{t!(i18n, support.participant_institution, n = move || n)}</label>
                        <input id=id(&format!("institution-{i}")) name=format!("input[participants][{i}][institution]") maxlength="100" />
                    </div>
                </div>
            }
        })
        .collect_view();
    view! {
        <Form action=RecordCaseMeeting::url() class="form compact" testid=format!("meeting-form-{plan}")>
            <input type="hidden" name="input[family]" value=family_id />
            <input type="hidden" name="input[plan]" value=plan />
            <label for=id("held-on")>{t!(i18n, support.held_on)}</label>
            <input id=id("held-on") name="input[held_on]" type="date" required max=today.format("%Y-%m-%d").to_string()
                value=today.format("%Y-%m-%d").to_string() />
            <label for=id("purpose")>{t!(i18n, support.purpose)}</label>
            <select id=id("purpose") name="input[purpose]">
                {MeetingPurpose::ALL.iter().map(|&p| view! {
                    <option value=p.as_str()>{labels::meeting_purpose(i18n, p)}</option>
                }).collect_view()}
            </select>
            <fieldset>
                <legend>{t!(i18n, support.participants)}</legend>
                {rows}
            </fieldset>
            <label for=id("decisions")>{t!(i18n, support.decisions)}</label>
            <textarea id=id("decisions") name="input[decisions]" required maxlength="4000"></textarea>
            <label for=id("next-review")>{t!(i18n, support.next_review_on)}</label>
            <input id=id("next-review") name="input[next_review_on]" type="date" />
            <button type="submit" class="primary">{t!(i18n, support.save)}</button>
        </Form>
    }
}

#[component]
fn Interviews(
    family_id: i64,
    interviews: Vec<Interview>,
    members: Vec<MemberChoice>,
    second_form_at: InterviewKind,
    claims: Vec<PregnancyClaims>,
    today: chrono::NaiveDate,
) -> impl IntoView {
    let i18n = use_i18n();
    let label_of = {
        let members = members.clone();
        move |member: Member| {
            members
                .iter()
                .find(|m| m.member == member)
                .map(|m| m.label.clone())
                .unwrap_or_default()
        }
    };
    // 妊婦のための支援給付, per pregnancy: each claim's period, whether its form was handed at the
    // contact that hands it out, and when the centre received it (with a form to record that).
    let benefits = claims
        .into_iter()
        .map(|PregnancyClaims { pregnancy: p, windows }| {
            let label = members
                .iter()
                .find(|m| m.member == Member::Pregnancy(p))
                .map(|m| m.label.clone())
                .unwrap_or_default();
            let of_pregnancy = |i: &Interview| {
                i.pregnancy == Some(p) || members.iter().any(|m| m.born_of == Some(p) && Some(m.member) == i.child.map(Member::Child))
            };
            let handed = |kind: InterviewKind| interviews.iter().any(|i| i.kind == kind && i.benefit_form_handed && of_pregnancy(i));
            let rows = windows
                .into_iter()
                .map(|w| {
                    let n = w.claim.number();
                    let form_handed = handed(match w.claim {
                        BenefitClaim::First => InterviewKind::Notification,
                        BenefitClaim::Second => second_form_at,
                    });
                    let state = w.state(today);
                    let class = match state {
                        ClaimState::Received => "benefit done",
                        ClaimState::NearDeadline | ClaimState::Lapsed => "benefit late",
                        ClaimState::NotYet | ClaimState::Claimable => "benefit",
                    };
                    let state_text = match state {
                        ClaimState::Received => view! {
                            {t!(i18n, support.benefit_received)} " " <DateText date=w.received_on.unwrap_or(w.from) />
                        }
                        .into_any(),
                        ClaimState::NotYet => t!(i18n, support.benefit_not_yet).into_any(),
                        ClaimState::Claimable => t!(i18n, support.benefit_claimable).into_any(),
                        ClaimState::NearDeadline => view! { <strong>{t!(i18n, support.benefit_near_deadline)}</strong> }.into_any(),
                        ClaimState::Lapsed => t!(i18n, support.benefit_lapsed).into_any(),
                    };
                    view! {
                        <li class=class data-testid="benefit-claim" data-claim=w.claim.as_str() data-state=format!("{state:?}").to_lowercase()>
                            <strong>{t!(i18n, support.benefit_claim, n = move || n)}</strong> " "
                            {t!(i18n, support.benefit_period)} " " <DateText date=w.from /> "〜" <DateText date=w.until /> " · "
                            {state_text} " · "
                            {if form_handed { t!(i18n, support.benefit_handed).into_any() } else { t!(i18n, support.benefit_pending).into_any() }}
                        </li>
                    }
                })
                .collect_view();
            let id = format!("benefit-{}", p.0);
            let claim_id = format!("{id}-claim");
            let date_id = format!("{id}-date");
            view! {
                <li>
                    {label}
                    <ul class="benefit-claims">{rows}</ul>
                    <details>
                        <summary data-testid="record-benefit-claim">{t!(i18n, support.benefit_record)}</summary>
                        <Form action=RecordBenefitClaim::url() class="form compact">
                            <input type="hidden" name="family" value=family_id />
                            <input type="hidden" name="pregnancy" value=p.0 />
                            <label for=claim_id.clone()>{t!(i18n, support.benefit_which)}</label>
                            <select id=claim_id name="claim" data-testid="benefit-claim-which">
                                <option value="first">{t!(i18n, support.benefit_claim, n = 1)}</option>
                                <option value="second">{t!(i18n, support.benefit_claim, n = 2)}</option>
                            </select>
                            <label for=date_id.clone()>{t!(i18n, support.benefit_received_on)}</label>
                            <input id=date_id name="received_on" type="date" required data-testid="benefit-received-on" />
                            <button type="submit" class="primary">{t!(i18n, support.benefit_record)}</button>
                        </Form>
                    </details>
                </li>
            }
        })
        .collect_view();
    let none = interviews.is_empty();
    let rows = interviews
        .iter()
        .map(|i| {
            let member = i.pregnancy.map(Member::Pregnancy).or(i.child.map(Member::Child));
            let checklist = i
                .checklist
                .iter()
                .map(|&c| view! { <li>{labels::checklist(i18n, c)}</li> })
                .collect_view();
            view! {
                <article class="interview" data-testid="interview">
                    <p>
                        <strong>{labels::interview(i18n, i.kind)}</strong> " · " <DateText date=i.held_on /> " · "
                        {member.map(&label_of)} " · " {i.interviewer_name.clone()}
                    </p>
                    <p>{t!(i18n, support.home_support)} ": " {labels::home_support(i18n, i.home_support)}</p>
                    <ul class="checklist">{checklist}</ul>
                    <p class="text">{i.health.clone()}</p>
                    <p class="text">{i.worries.clone()}</p>
                </article>
            }
        })
        .collect_view();
    let member_options = members
        .iter()
        .map(|m| view! { <option value=m.value.clone()>{m.label.clone()}</option> })
        .collect_view();
    view! {
        <section class="card" aria-labelledby="interviews-title">
            <h2 id="interviews-title">{t!(i18n, support.interviews_title)}</h2>
            <ul class="benefits">{benefits}</ul>
            {none.then(|| view! { <p>{t!(i18n, support.no_interviews)}</p> })}
            {rows}
            <details>
                <summary data-testid="record-interview">{t!(i18n, support.record_interview)}</summary>
                <Form action=RecordInterview::url() class="form compact">
                    <input type="hidden" name="input[family]" value=family_id />
                    <label for="interview-kind">{t!(i18n, support.kind)}</label>
                    <select id="interview-kind" name="input[kind]">
                        {labels::options(i18n, InterviewKind::ALL, InterviewKind::as_str, labels::interview)}
                    </select>
                    <label for="interview-member">{t!(i18n, support.member)}</label>
                    <select id="interview-member" name="input[member]">{member_options}</select>
                    <label for="interview-held-on">{t!(i18n, support.held_on)}</label>
                    <input id="interview-held-on" name="input[held_on]" type="date" required data-testid="interview-held-on" />
                    <label for="interview-home-support">{t!(i18n, support.home_support)}</label>
                    <select id="interview-home-support" name="input[home_support]">
                        {labels::options(i18n, HomeSupport::ALL, HomeSupport::as_str, labels::home_support)}
                    </select>
                    <fieldset>
                        <legend>{t!(i18n, support.checklist)}</legend>
                        {ChecklistTopic::ALL.iter().map(|&c| view! {
                            <label class="check">
                                <input type="checkbox" name="input[checklist][]" value=c.as_str() />
                                {labels::checklist(i18n, c)}
                            </label>
                        }).collect_view()}
                    </fieldset>
                    <label for="interview-health">{t!(i18n, support.health)}</label>
                    <textarea id="interview-health" name="input[health]" maxlength="4000"></textarea>
                    <label for="interview-worries">{t!(i18n, support.worries)}</label>
                    <textarea id="interview-worries" name="input[worries]" maxlength="4000"></textarea>
                    <label class="check"><input type="checkbox" name="input[questionnaire_returned]" value="true" />{t!(i18n, support.questionnaire_returned)}</label>
                    <label class="check"><input type="checkbox" name="input[interview_requested]" value="true" />{t!(i18n, support.interview_requested)}</label>
                    <label class="check"><input type="checkbox" name="input[benefit_form_handed]" value="true" />{t!(i18n, support.benefit_form_handed)}</label>
                    <label for="interview-risk">{t!(i18n, support.risk)}</label>
                    <select id="interview-risk" name="input[risk]" data-testid="interview-risk">
                        <option value="">{t!(i18n, support.risk_none)}</option>
                        {labels::options(i18n, RiskCategory::ALL, RiskCategory::as_str, labels::risk)}
                    </select>
                    <label for="interview-risk-reason">{t!(i18n, support.risk_reason)}</label>
                    <textarea id="interview-risk-reason" name="input[risk_reason]" maxlength="4000" data-testid="interview-risk-reason"></textarea>
                    <button type="submit" class="primary" data-testid="save-interview">{t!(i18n, support.save)}</button>
                </Form>
            </details>
        </section>
    }
}

#[component]
fn Visits(
    family_id: i64,
    visits: Vec<HomeVisit>,
    members: Vec<MemberChoice>,
    colleagues: Vec<Colleague>,
    today: chrono::NaiveDate,
) -> impl IntoView {
    let i18n = use_i18n();
    let none = visits.is_empty();
    let label_of = |v: &HomeVisit| {
        let member = v.child.map(Member::Child).or(v.pregnancy.map(Member::Pregnancy));
        member
            .and_then(|m| members.iter().find(|c| c.member == m))
            .map(|m| m.label.clone())
    };
    let rows = visits
        .iter()
        .map(|v| {
            let open = v.is_open();
            let visit_id = v.id;
            let report = open.then(|| view! {
                <details>
                    <summary data-testid="record-visit">{t!(i18n, support.record_visit)}</summary>
                    <Form action=RecordVisit::url() class="form compact">
                        <input type="hidden" name="input[family]" value=family_id />
                        <input type="hidden" name="input[visit]" value=visit_id />
                        <label for=format!("visited-{visit_id}")>{t!(i18n, support.visited_on)}</label>
                        <input id=format!("visited-{visit_id}") name="input[visited_on]" type="date" required
                            value=today.format("%Y-%m-%d").to_string() />
                        <label for=format!("findings-{visit_id}")>{t!(i18n, support.findings)}</label>
                        <textarea id=format!("findings-{visit_id}") name="input[findings]" maxlength="4000"></textarea>
                        <fieldset class="epds">
                            <legend>{t!(i18n, support.epds)}</legend>
                            <p class="muted">{t!(i18n, support.epds_hint)}</p>
                            {(1..=10).map(|n| view! {
                                <label>
                                    {t!(i18n, support.epds_item, n = move || n)}
                                    <select name="input[epds][]" data-testid=format!("epds-{n}")>
                                        <option value="">"—"</option>
                                        <option value="1">"1"</option>
                                        <option value="2">"2"</option>
                                        <option value="3">"3"</option>
                                        <option value="4">"4"</option>
                                    </select>
                                </label>
                            }).collect_view()}
                        </fieldset>
                        <button type="submit" class="primary" data-testid="save-visit">{t!(i18n, support.save)}</button>
                    </Form>
                </details>
            });
            view! {
                <article class="visit" data-testid="home-visit">
                    <p>
                        <strong>{labels::visit(i18n, v.kind)}</strong> " · " {label_of(v)} " · "
                        {t!(i18n, support.due_by)} " " <DateText date=v.due_by /> " · "
                        {v.assigned_name.clone().map(|n| n.into_any()).unwrap_or_else(|| t!(i18n, tasks.unassigned).into_any())}
                        {v.scheduled_on.map(|d| view! { " · " {t!(i18n, support.scheduled_on)} " " <DateText date=d /> })}
                    </p>
                    {v.visited_on.map(|d| view! {
                        <p>
                            {t!(i18n, support.visited, date = move || crate::ui::format::date(i18n.get_locale(), d))}
                            {v.epds.map(|e| { let total = e.total(); view! { " · " {t!(i18n, support.epds_total, total = move || total)} } })}
                        </p>
                        <p class="text">{v.findings.clone()}</p>
                    })}
                    {report}
                </article>
            }
        })
        .collect_view();
    // Said by the page's address after a visit is recorded (`record_visit` sends the page there).
    let said = leptos_router::hooks::use_query_map().read_untracked().get("said");
    let outcome = match said.as_deref() {
        Some("epds_flagged") => Some(
            view! { <p class="notice" role="status" data-testid="epds-flagged">{t!(i18n, support.flagged_now)}</p> }
                .into_any(),
        ),
        Some("visit_saved") => Some(view! { <p class="notice" role="status">{t!(i18n, support.saved)}</p> }.into_any()),
        _ => None,
    };
    view! {
        <section class="card" aria-labelledby="visits-title">
            <h2 id="visits-title">{t!(i18n, support.visits_title)}</h2>
            {outcome}
            {none.then(|| view! { <p>{t!(i18n, support.no_visits)}</p> })}
            {rows}
            <details>
                <summary data-testid="plan-visit">{t!(i18n, support.plan_visit)}</summary>
                <Form action=PlanVisit::url() class="form compact">
                    <input type="hidden" name="input[family]" value=family_id />
                    <label for="visit-kind">{t!(i18n, support.kind)}</label>
                    <select id="visit-kind" name="input[kind]">
                        {labels::options(i18n, VisitKind::ALL, VisitKind::as_str, labels::visit)}
                    </select>
                    <label for="visit-member">{t!(i18n, support.member)}</label>
                    <select id="visit-member" name="input[member]">
                        <option value="">{t!(i18n, support.family_as_whole)}</option>
                        {members.iter().map(|m| view! { <option value=m.value.clone()>{m.label.clone()}</option> }).collect_view()}
                    </select>
                    <label for="visit-due">{t!(i18n, support.due_by)}</label>
                    <input id="visit-due" name="input[due_by]" type="date" required />
                    <label for="visit-assignee">{t!(i18n, support.assigned_to)}</label>
                    <select id="visit-assignee" name="input[assigned_to]">
                        <option value="">{t!(i18n, support.nobody)}</option>
                        {colleagues.into_iter().map(|c| view! { <option value=c.id>{c.name}</option> }).collect_view()}
                    </select>
                    <label for="visit-scheduled">{t!(i18n, support.scheduled_on)}</label>
                    <input id="visit-scheduled" name="input[scheduled_on]" type="date" />
                    <button type="submit" class="primary" data-testid="save-plan-visit">{t!(i18n, support.save)}</button>
                </Form>
            </details>
        </section>
    }
}

#[component]
fn Referrals(
    family_id: i64,
    referrals: Vec<domain::support::network::Referral>,
    institutions: Vec<Institution>,
    today: chrono::NaiveDate,
) -> impl IntoView {
    let i18n = use_i18n();
    let none = referrals.is_empty();
    let no_institutions = institutions.is_empty();
    let rows = referrals
        .into_iter()
        .map(|r| {
            let id = r.id;
            let overdue = r.is_overdue(today);
            view! {
                <article class="referral" id=format!("referral-{id}") data-testid="referral">
                    <p>
                        <strong>{r.institution_name}</strong> " (" {labels::institution(i18n, r.institution_kind)} ") · "
                        {labels::referral(i18n, r.status)} " · " <DateText date=r.referred_on /> " · " {r.referred_by_name}
                        {r.due_back_on.map(|d| view! {
                            " · " {t!(i18n, support.due_back_on)} " " <DateText date=d />
                            {overdue.then(|| view! { " " <strong class="overdue" data-testid="referral-overdue">{t!(i18n, support.due_back_overdue)}</strong> })}
                        })}
                    </p>
                    <p class="text">{r.reason}</p>
                    <p class="text">{r.outcome.clone()}</p>
                    <details>
                        <summary>{t!(i18n, support.update)}</summary>
                        <Form action=UpdateReferral::url() class="form compact">
                            <input type="hidden" name="input[family]" value=family_id />
                            <input type="hidden" name="input[referral]" value=id />
                            <label for=format!("referral-status-{id}")>{t!(i18n, support.status)}</label>
                            <select id=format!("referral-status-{id}") name="input[status]">
                                {ReferralStatus::ALL.iter().map(|&s| view! {
                                    <option value=s.as_str() selected=s == r.status>{labels::referral(i18n, s)}</option>
                                }).collect_view()}
                            </select>
                            <label for=format!("referral-outcome-{id}")>{t!(i18n, support.outcome)}</label>
                            <textarea id=format!("referral-outcome-{id}") name="input[outcome]" maxlength="4000">{r.outcome}</textarea>
                            <button type="submit">{t!(i18n, support.update)}</button>
                        </Form>
                    </details>
                </article>
            }
        })
        .collect_view();
    view! {
        <section class="card" aria-labelledby="referrals-title">
            <h2 id="referrals-title">{t!(i18n, support.referrals_title)}</h2>
            {none.then(|| view! { <p>{t!(i18n, support.no_referrals)}</p> })}
            {rows}
            {if no_institutions {
                view! { <p class="muted">{t!(i18n, support.no_institutions)}</p> }.into_any()
            } else {
                view! {
                    <details>
                        <summary>{t!(i18n, support.refer)}</summary>
                        <Form action=Refer::url() class="form compact">
                            <input type="hidden" name="input[family]" value=family_id />
                            <label for="refer-institution">{t!(i18n, support.institution)}</label>
                            <select id="refer-institution" name="input[institution]">
                                {institutions.into_iter().map(|i| view! { <option value=i.id>{i.name}</option> }).collect_view()}
                            </select>
                            <label for="refer-status">{t!(i18n, support.status)}</label>
                            <select id="refer-status" name="input[status]">
                                {ReferralStatus::ALL.iter().map(|&s| view! {
                                    <option value=s.as_str() selected=s == ReferralStatus::Referred>{labels::referral(i18n, s)}</option>
                                }).collect_view()}
                            </select>
                            <label for="refer-reason">{t!(i18n, support.reason)}</label>
                            <textarea id="refer-reason" name="input[reason]" required maxlength="4000"></textarea>
                            <label for="refer-due-back">{t!(i18n, support.due_back_on)}</label>
                            <input type="date" id="refer-due-back" name="input[due_back_on]" min=today.to_string() />
                            <button type="submit" class="primary">{t!(i18n, support.refer)}</button>
                        </Form>
                    </details>
                }.into_any()
            }}
        </section>
    }
}

/// The family's consultations beside its record, each linking to its thread.
#[component]
fn Consultations(consultations: Vec<domain::consultation::Consultation>) -> impl IntoView {
    let i18n = use_i18n();
    let none = consultations.is_empty();
    let rows = consultations
        .into_iter()
        .map(|c| {
            let opened = c.opened_on;
            view! {
                <li data-testid="family-consultation">
                    <a href=format!("/staff/consultations/{}", c.id)>{crate::ui::consultation::topic(i18n, c.topic)}</a>
                    " · " <DateText date=opened />
                    {c.waiting_for_staff().then(|| view! { " · " <strong class="overdue">{t!(i18n, tasks.consultation)}</strong> })}
                    {c.closed.map(|o| view! { " · " {crate::ui::consultation::outcome(i18n, o)} })}
                </li>
            }
        })
        .collect_view();
    view! {
        <section class="card" aria-labelledby="consultations-title">
            <h2 id="consultations-title">{t!(i18n, support.consultations_title)}</h2>
            {none.then(|| view! { <p>{t!(i18n, support.no_consultations)}</p> })}
            <ul>{rows}</ul>
        </section>
    }
}
