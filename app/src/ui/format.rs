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
