//! Dates, ages and stages in the reader's language, and error messages.

use crate::error::{AppError, Conflict};
use crate::i18n::{Locale, t, use_i18n};

type I18nContext = leptos_i18n::I18nContext<Locale>;
use chrono::NaiveDate;
use domain::family::Stage;
use domain::input::Problem;
use leptos::prelude::*;

pub fn date(locale: Locale, d: NaiveDate) -> String {
    match locale {
        Locale::ja => d.format("%Y年%-m月%-d日").to_string(),
        Locale::en => d.format("%-d %b %Y").to_string(),
    }
}

/// A date that follows the language switch.
#[component]
pub fn DateText(date: NaiveDate) -> impl IntoView {
    let i18n = use_i18n();
    let iso = date.format("%Y-%m-%d").to_string();
    view! { <time datetime=iso>{move || self::date(i18n.get_locale(), date)}</time> }
}

#[component]
pub fn StageText(stage: Stage) -> impl IntoView {
    let i18n = use_i18n();
    match stage {
        Stage::Pregnant { age, .. } => {
            let (weeks, days) = (age.weeks, age.days);
            t!(i18n, stage.pregnant, weeks = move || weeks, days = move || days).into_any()
        }
        Stage::Parenting { age, .. } => {
            let (years, months) = (age.years, age.months);
            t!(i18n, stage.age, years = move || years, months = move || months).into_any()
        }
        Stage::NoActiveRecord => t!(i18n, stage.none).into_any(),
    }
}

fn field_label(i18n: I18nContext, field: &str) -> AnyView {
    match field {
        "email" => t!(i18n, errors.field.email).into_any(),
        "password" => t!(i18n, errors.field.password).into_any(),
        "code" => t!(i18n, errors.field.code).into_any(),
        "name" => t!(i18n, errors.field.name).into_any(),
        "name_kana" => t!(i18n, errors.field.name_kana).into_any(),
        "display_name" => t!(i18n, errors.field.display_name).into_any(),
        "done_on" => t!(i18n, errors.field.done_on).into_any(),
        "birth_date" => t!(i18n, errors.field.birth_date).into_any(),
        "ended_on" => t!(i18n, errors.field.ended_on).into_any(),
        "product" => t!(i18n, errors.field.product).into_any(),
        "due_date" => t!(i18n, errors.field.due_date).into_any(),
        "lmp" => t!(i18n, errors.field.lmp).into_any(),
        "notified_on" => t!(i18n, errors.field.notified_on).into_any(),
        "fetuses" => t!(i18n, errors.field.fetuses).into_any(),
        "family_name" => t!(i18n, errors.field.family_name).into_any(),
        "family_name_kana" => t!(i18n, errors.field.family_name_kana).into_any(),
        "held_on" => t!(i18n, errors.field.held_on).into_any(),
        "kind" => t!(i18n, errors.field.kind).into_any(),
        "home_support" => t!(i18n, errors.field.home_support).into_any(),
        "checklist" => t!(i18n, errors.field.checklist).into_any(),
        "health" => t!(i18n, errors.field.health).into_any(),
        "worries" => t!(i18n, errors.field.worries).into_any(),
        "risk" => t!(i18n, errors.field.risk).into_any(),
        "risk_reason" => t!(i18n, errors.field.risk_reason).into_any(),
        "category" => t!(i18n, errors.field.category).into_any(),
        "reason" => t!(i18n, errors.field.reason).into_any(),
        "goals" => t!(i18n, errors.field.goals).into_any(),
        "services" => t!(i18n, errors.field.services).into_any(),
        "institutions" => t!(i18n, errors.field.institutions).into_any(),
        "review_on" => t!(i18n, errors.field.review_on).into_any(),
        "status" => t!(i18n, errors.field.status).into_any(),
        "due_by" => t!(i18n, errors.field.due_by).into_any(),
        "scheduled_on" => t!(i18n, errors.field.scheduled_on).into_any(),
        "visited_on" => t!(i18n, errors.field.visited_on).into_any(),
        "findings" => t!(i18n, errors.field.findings).into_any(),
        "institution_name" => t!(i18n, errors.field.institution_name).into_any(),
        "phone" => t!(i18n, errors.field.phone).into_any(),
        "note" => t!(i18n, errors.field.note).into_any(),
        "outcome" => t!(i18n, errors.field.outcome).into_any(),
        "scope" => t!(i18n, errors.field.scope).into_any(),
        "member" => t!(i18n, errors.field.member).into_any(),
        "topic" => t!(i18n, errors.field.topic).into_any(),
        "mode" => t!(i18n, errors.field.mode).into_any(),
        "urgency" => t!(i18n, errors.field.urgency).into_any(),
        "message" => t!(i18n, errors.field.message).into_any(),
        "preferred_times" => t!(i18n, errors.field.preferred_times).into_any(),
        "client_key" => t!(i18n, errors.field.client_key).into_any(),
        "date" => t!(i18n, errors.field.date).into_any(),
        "time" => t!(i18n, errors.field.time).into_any(),
        "minutes" => t!(i18n, errors.field.minutes).into_any(),
        "weeks" => t!(i18n, errors.field.weeks).into_any(),
        "days_ahead" => t!(i18n, errors.field.days_ahead).into_any(),
        "quiet_from" => t!(i18n, errors.field.quiet_from).into_any(),
        "quiet_until" => t!(i18n, errors.field.quiet_until).into_any(),
        "endpoint" => t!(i18n, errors.field.endpoint).into_any(),
        "p256dh" => t!(i18n, errors.field.p256dh).into_any(),
        "auth" => t!(i18n, errors.field.auth).into_any(),
        "label" => t!(i18n, errors.field.label).into_any(),
        f if f.starts_with("epds") => t!(i18n, errors.field.epds).into_any(),
        "search" => t!(i18n, errors.field.search).into_any(),
        "after" => t!(i18n, errors.field.after).into_any(),
        "before" => t!(i18n, errors.field.before).into_any(),
        "stage" => t!(i18n, errors.field.stage).into_any(),
        "from_week" => t!(i18n, errors.field.from_week).into_any(),
        "to_week" => t!(i18n, errors.field.to_week).into_any(),
        "flag" => t!(i18n, errors.field.flag).into_any(),
        "late" => t!(i18n, errors.field.late).into_any(),
        "coordinator" => t!(i18n, errors.field.coordinator).into_any(),
        "site" => t!(i18n, errors.field.site).into_any(),
        "quiet_days" => t!(i18n, errors.field.quiet_days).into_any(),
        _ => t!(i18n, errors.field.other).into_any(),
    }
}

fn problem_text(i18n: I18nContext, problem: Problem) -> AnyView {
    match problem {
        Problem::Required => t!(i18n, errors.problem.required).into_any(),
        Problem::TooLong => t!(i18n, errors.problem.too_long).into_any(),
        Problem::TooShort => t!(i18n, errors.problem.too_short).into_any(),
        Problem::Malformed => t!(i18n, errors.problem.malformed).into_any(),
        Problem::NotKana => t!(i18n, errors.problem.not_kana).into_any(),
        Problem::NotADate => t!(i18n, errors.problem.not_a_date).into_any(),
        Problem::DateOutOfRange => t!(i18n, errors.problem.date_out_of_range).into_any(),
    }
}

/// An error in the user's language, announced to screen readers.
#[component]
pub fn ErrorMessage(error: AppError) -> impl IntoView {
    let i18n = use_i18n();
    let text = match error {
        AppError::NotSignedIn => t!(i18n, errors.not_signed_in).into_any(),
        AppError::Forbidden => t!(i18n, errors.forbidden).into_any(),
        AppError::NotFound => t!(i18n, errors.not_found).into_any(),
        AppError::WrongCredentials => t!(i18n, errors.wrong_credentials).into_any(),
        AppError::TooManyAttempts { retry_after_seconds } => {
            t!(i18n, errors.too_many_attempts, seconds = move || retry_after_seconds).into_any()
        }
        AppError::Conflict(Conflict::EmailTaken) => t!(i18n, errors.email_taken).into_any(),
        AppError::Conflict(Conflict::InvitationUnknown) => t!(i18n, errors.invitation_unknown).into_any(),
        AppError::Conflict(Conflict::InvitationUsed) => t!(i18n, errors.invitation_used).into_any(),
        AppError::Conflict(Conflict::InvitationExpired) => t!(i18n, errors.invitation_expired).into_any(),
        AppError::Conflict(Conflict::PlanChanged) => t!(i18n, errors.plan_changed).into_any(),
        AppError::Conflict(Conflict::InstitutionExists) => t!(i18n, errors.institution_exists).into_any(),
        AppError::Conflict(Conflict::SlotTaken) => t!(i18n, errors.slot_taken).into_any(),
        AppError::Conflict(Conflict::ConsultationClosed) => t!(i18n, errors.consultation_closed).into_any(),
        AppError::Conflict(Conflict::NoSuchLocalTime) => t!(i18n, errors.no_such_local_time).into_any(),
        AppError::Invalid(invalid) => {
            view! { {field_label(i18n, &invalid.field)}{problem_text(i18n, invalid.problem)} }.into_any()
        }
        AppError::Internal => t!(i18n, errors.internal).into_any(),
        AppError::Request(_) => t!(i18n, errors.request).into_any(),
    };
    view! { <p class="error" role="alert" data-testid="error">{text}</p> }
}

/// Renders a page's data, or sends a signed-out visitor to the login, or shows the error.
pub fn signed_in<T>(result: Result<T, AppError>, render: impl FnOnce(T) -> AnyView) -> AnyView {
    match result {
        Ok(data) => render(data),
        Err(AppError::NotSignedIn) => view! { <leptos_router::components::Redirect path="/login" /> }.into_any(),
        Err(error) => view! { <ErrorMessage error /> }.into_any(),
    }
}
