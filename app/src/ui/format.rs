//! Dates, ages and stages in the reader's language, and error messages.

use crate::error::{AppError, Conflict};
use crate::i18n::{Locale, t, td_string, use_i18n};

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

fn field_label(locale: Locale, field: &str) -> String {
    match field {
        "email" => td_string!(locale, errors.field.email).to_string(),
        "password" => td_string!(locale, errors.field.password).to_string(),
        "code" => td_string!(locale, errors.field.code).to_string(),
        "name" => td_string!(locale, errors.field.name).to_string(),
        "name_kana" => td_string!(locale, errors.field.name_kana).to_string(),
        "display_name" => td_string!(locale, errors.field.display_name).to_string(),
        "done_on" => td_string!(locale, errors.field.done_on).to_string(),
        "birth_date" => td_string!(locale, errors.field.birth_date).to_string(),
        "ended_on" => td_string!(locale, errors.field.ended_on).to_string(),
        "product" => td_string!(locale, errors.field.product).to_string(),
        "due_date" => td_string!(locale, errors.field.due_date).to_string(),
        "lmp" => td_string!(locale, errors.field.lmp).to_string(),
        "notified_on" => td_string!(locale, errors.field.notified_on).to_string(),
        "fetuses" => td_string!(locale, errors.field.fetuses).to_string(),
        "family_name" => td_string!(locale, errors.field.family_name).to_string(),
        "family_name_kana" => td_string!(locale, errors.field.family_name_kana).to_string(),
        "held_on" => td_string!(locale, errors.field.held_on).to_string(),
        "kind" => td_string!(locale, errors.field.kind).to_string(),
        "home_support" => td_string!(locale, errors.field.home_support).to_string(),
        "checklist" => td_string!(locale, errors.field.checklist).to_string(),
        "health" => td_string!(locale, errors.field.health).to_string(),
        "worries" => td_string!(locale, errors.field.worries).to_string(),
        "risk" => td_string!(locale, errors.field.risk).to_string(),
        "risk_reason" => td_string!(locale, errors.field.risk_reason).to_string(),
        "category" => td_string!(locale, errors.field.category).to_string(),
        "reason" => td_string!(locale, errors.field.reason).to_string(),
        "due_back_on" => td_string!(locale, errors.field.due_back_on).to_string(),
        "site_name" => td_string!(locale, errors.field.site_name).to_string(),
        "site_kind" => td_string!(locale, errors.field.site_kind).to_string(),
        "cutoff_hours" => td_string!(locale, errors.field.cutoff_hours).to_string(),
        "list" => td_string!(locale, errors.field.list).to_string(),
        "token" => td_string!(locale, errors.field.token).to_string(),
        "goals" => td_string!(locale, errors.field.goals).to_string(),
        "services" => td_string!(locale, errors.field.services).to_string(),
        "institutions" => td_string!(locale, errors.field.institutions).to_string(),
        "review_on" => td_string!(locale, errors.field.review_on).to_string(),
        "status" => td_string!(locale, errors.field.status).to_string(),
        "due_by" => td_string!(locale, errors.field.due_by).to_string(),
        "scheduled_on" => td_string!(locale, errors.field.scheduled_on).to_string(),
        "visited_on" => td_string!(locale, errors.field.visited_on).to_string(),
        "findings" => td_string!(locale, errors.field.findings).to_string(),
        "institution_name" => td_string!(locale, errors.field.institution_name).to_string(),
        "phone" => td_string!(locale, errors.field.phone).to_string(),
        "note" => td_string!(locale, errors.field.note).to_string(),
        "outcome" => td_string!(locale, errors.field.outcome).to_string(),
        "scope" => td_string!(locale, errors.field.scope).to_string(),
        "member" => td_string!(locale, errors.field.member).to_string(),
        "topic" => td_string!(locale, errors.field.topic).to_string(),
        "mode" => td_string!(locale, errors.field.mode).to_string(),
        "urgency" => td_string!(locale, errors.field.urgency).to_string(),
        "message" => td_string!(locale, errors.field.message).to_string(),
        "preferred_times" => td_string!(locale, errors.field.preferred_times).to_string(),
        "client_key" => td_string!(locale, errors.field.client_key).to_string(),
        "date" => td_string!(locale, errors.field.date).to_string(),
        "time" => td_string!(locale, errors.field.time).to_string(),
        "minutes" => td_string!(locale, errors.field.minutes).to_string(),
        "weeks" => td_string!(locale, errors.field.weeks).to_string(),
        "days_ahead" => td_string!(locale, errors.field.days_ahead).to_string(),
        "quiet_from" => td_string!(locale, errors.field.quiet_from).to_string(),
        "quiet_until" => td_string!(locale, errors.field.quiet_until).to_string(),
        "endpoint" => td_string!(locale, errors.field.endpoint).to_string(),
        "p256dh" => td_string!(locale, errors.field.p256dh).to_string(),
        "auth" => td_string!(locale, errors.field.auth).to_string(),
        "label" => td_string!(locale, errors.field.label).to_string(),
        f if f.starts_with("epds") => td_string!(locale, errors.field.epds).to_string(),
        "search" => td_string!(locale, errors.field.search).to_string(),
        "after" => td_string!(locale, errors.field.after).to_string(),
        "before" => td_string!(locale, errors.field.before).to_string(),
        "stage" => td_string!(locale, errors.field.stage).to_string(),
        "from_week" => td_string!(locale, errors.field.from_week).to_string(),
        "to_week" => td_string!(locale, errors.field.to_week).to_string(),
        "flag" => td_string!(locale, errors.field.flag).to_string(),
        "late" => td_string!(locale, errors.field.late).to_string(),
        "coordinator" => td_string!(locale, errors.field.coordinator).to_string(),
        "site" => td_string!(locale, errors.field.site).to_string(),
        "quiet_days" => td_string!(locale, errors.field.quiet_days).to_string(),
        "received_on" => td_string!(locale, errors.field.received_on).to_string(),
        "heartbeat_on" => td_string!(locale, errors.field.heartbeat_on).to_string(),
        "claim" => td_string!(locale, errors.field.claim).to_string(),
        "lost_on" => td_string!(locale, errors.field.lost_on).to_string(),
        "account" => td_string!(locale, errors.field.account).to_string(),
        "subject" => td_string!(locale, errors.field.subject).to_string(),
        "starts_on" => td_string!(locale, errors.field.starts_on).to_string(),
        "ends_on" => td_string!(locale, errors.field.ends_on).to_string(),
        "shared_on" => td_string!(locale, errors.field.shared_on).to_string(),
        "shared_how" => td_string!(locale, errors.field.shared_how).to_string(),
        "sharing_note" => td_string!(locale, errors.field.sharing_note).to_string(),
        "purpose" => td_string!(locale, errors.field.purpose).to_string(),
        "participants" => td_string!(locale, errors.field.participants).to_string(),
        "decisions" => td_string!(locale, errors.field.decisions).to_string(),
        "next_review_on" => td_string!(locale, errors.field.next_review_on).to_string(),
        _ => td_string!(locale, errors.field.other).to_string(),
    }
}

fn problem_text(locale: Locale, problem: Problem) -> String {
    match problem {
        Problem::Required => td_string!(locale, errors.problem.required).to_string(),
        Problem::TooLong => td_string!(locale, errors.problem.too_long).to_string(),
        Problem::TooShort => td_string!(locale, errors.problem.too_short).to_string(),
        Problem::Malformed => td_string!(locale, errors.problem.malformed).to_string(),
        Problem::NotKana => td_string!(locale, errors.problem.not_kana).to_string(),
        Problem::NotADate => td_string!(locale, errors.problem.not_a_date).to_string(),
        Problem::DateOutOfRange => td_string!(locale, errors.problem.date_out_of_range).to_string(),
        Problem::OnlyToFinishSeries => td_string!(locale, errors.problem.only_to_finish_series).to_string(),
        Problem::NotForCategory => td_string!(locale, errors.problem.not_for_category).to_string(),
        Problem::NotForMember => td_string!(locale, errors.problem.not_for_member).to_string(),
        Problem::OwnAccount => td_string!(locale, errors.problem.own_account).to_string(),
    }
}

/// An error in the user's language, announced to screen readers.
#[component]
pub fn ErrorMessage(error: AppError) -> impl IntoView {
    let text = error_text(use_i18n().get_locale_untracked(), &error);
    view! { <p class="error" role="alert" data-testid="error">{text}</p> }
}

/// What went wrong, in a language: what [`ErrorMessage`] shows, and islands too.
pub fn error_text(locale: Locale, error: &AppError) -> String {
    match error {
        AppError::NotSignedIn => td_string!(locale, errors.not_signed_in).to_string(),
        AppError::Forbidden => td_string!(locale, errors.forbidden).to_string(),
        AppError::NotFound => td_string!(locale, errors.not_found).to_string(),
        AppError::WrongCredentials => td_string!(locale, errors.wrong_credentials).to_string(),
        &AppError::TooManyAttempts { retry_after_seconds } => {
            td_string!(locale, errors.too_many_attempts, seconds = retry_after_seconds).to_string()
        }
        AppError::Conflict(Conflict::EmailTaken) => td_string!(locale, errors.email_taken).to_string(),
        AppError::Conflict(Conflict::InvitationUnknown) => td_string!(locale, errors.invitation_unknown).to_string(),
        AppError::Conflict(Conflict::InvitationUsed) => td_string!(locale, errors.invitation_used).to_string(),
        AppError::Conflict(Conflict::InvitationExpired) => td_string!(locale, errors.invitation_expired).to_string(),
        AppError::Conflict(Conflict::PlanChanged) => td_string!(locale, errors.plan_changed).to_string(),
        AppError::Conflict(Conflict::PlanExists) => td_string!(locale, errors.plan_exists).to_string(),
        AppError::Conflict(Conflict::InstitutionExists) => td_string!(locale, errors.institution_exists).to_string(),
        AppError::Conflict(Conflict::SlotTaken) => td_string!(locale, errors.slot_taken).to_string(),
        AppError::Conflict(Conflict::ConsultationClosed) => td_string!(locale, errors.consultation_closed).to_string(),
        AppError::Conflict(Conflict::NoSuchLocalTime) => td_string!(locale, errors.no_such_local_time).to_string(),
        AppError::Conflict(Conflict::SlotOverlaps) => td_string!(locale, errors.slot_overlaps).to_string(),
        AppError::Conflict(Conflict::BookingLocked) => td_string!(locale, errors.booking_locked).to_string(),
        AppError::Conflict(Conflict::SiteHasFamilies) => td_string!(locale, errors.site_has_families).to_string(),
        AppError::Conflict(Conflict::SiteClosed) => td_string!(locale, errors.site_closed).to_string(),
        AppError::Conflict(Conflict::SiteNameTaken) => td_string!(locale, errors.site_name_taken).to_string(),
        AppError::Conflict(Conflict::EmailUnavailable) => td_string!(locale, errors.email_unavailable).to_string(),
        AppError::Conflict(Conflict::ResetNotValid) => td_string!(locale, errors.reset_not_valid).to_string(),
        AppError::Invalid(invalid) => {
            format!(
                "{}{}",
                field_label(locale, &invalid.field),
                problem_text(locale, invalid.problem)
            )
        }
        AppError::Malformed(_) => td_string!(locale, errors.malformed).to_string(),
        AppError::Internal => td_string!(locale, errors.internal).to_string(),
        AppError::Request(_) => td_string!(locale, errors.request).to_string(),
    }
}

/// Renders a page's data, or sends a signed-out visitor to the login, or shows the error (and
/// the page answers with the error's status: 403 for a refused page, 404 for a record that is not
/// the viewer's).
pub fn signed_in<T>(result: Result<T, AppError>, render: impl FnOnce(T) -> AnyView) -> AnyView {
    match result {
        Ok(data) => render(data),
        Err(AppError::NotSignedIn) => view! { <leptos_router::components::Redirect path="/login" /> }.into_any(),
        Err(error) => {
            #[cfg(feature = "ssr")]
            if let (Some(response), Ok(status)) = (
                use_context::<leptos_axum::ResponseOptions>(),
                axum::http::StatusCode::from_u16(error.status()),
            ) {
                response.set_status(status);
            }
            view! { <ErrorMessage error /> }.into_any()
        }
    }
}
