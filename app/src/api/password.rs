//! Getting back in: a parent who lost their password asks for a link by e-mail, or brings home a
//! code from the centre's counter, and sets a new one. Nothing here tells whether an address has
//! an account.

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// A counter code just issued, to hand to the parent (shown once).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResetCodeView {
    pub code: String,
    pub expires_on: chrono::NaiveDate,
}

/// The session key of a counter code issued for a family, shown once on its page.
#[cfg(feature = "ssr")]
pub fn reset_code_key(family: i64) -> String {
    format!("shown_once.reset_code.{family}")
}

/// Whether a link can be sent by e-mail (the centre has a mail server); without one the page
/// sends parents to the counter.
#[server(endpoint = "password_reset_options")]
pub async fn password_reset_options() -> Result<bool, AppError> {
    Ok(super::context::server_context()?.mail.is_some())
}

/// Sends a link to set a new password to the address, if a parent signs in with it. The answer
/// is the same either way.
#[server(endpoint = "request_password_reset")]
pub async fn request_password_reset(email: String) -> Result<(), AppError> {
    use super::context::{client_address, now, server_context};
    use crate::error::Conflict;
    use domain::password_reset::{LINK_VALID_MINUTES, ResetToken};
    use domain::people::Email;
    let email = Email::parse(&email)?;
    let context = server_context()?;
    let Some(mail) = context.mail.clone() else {
        return Err(AppError::Conflict(Conflict::EmailUnavailable));
    };
    let store = &context.store;
    let now = now();
    let address = client_address().await;
    if let Some(refusal) = store
        .throttle_reset_request(email.as_str(), address.as_deref(), now)
        .await?
    {
        return Err(AppError::TooManyAttempts {
            retry_after_seconds: refusal.retry_after_seconds,
        });
    }
    if let Some(account) = store.guardian_by_email(email.as_str()).await? {
        let token = ResetToken::from_random(rand::random());
        store.issue_reset_link(account, &token, now).await?;
        let link = format!(
            "{}/reset?token={}",
            context.public_url.trim_end_matches('/'),
            token.as_str()
        );
        let body = format!(
            "「よりそい」のパスワードを設定し直すには、{LINK_VALID_MINUTES}分以内に次のリンクを開いてください。\n\
             {link}\n\nお心当たりがなければ、このメールは破棄してください。パスワードは変わりません。\n"
        );
        // Sent now, but a failure is only logged: the answer must not differ.
        if let Err(e) = mail.send(email.as_str(), "よりそい: パスワードの再設定", body).await {
            tracing::warn!(error = %e, "reset link not sent");
        }
    }
    leptos_axum::redirect("/forgot?said=sent");
    Ok(())
}

/// Sets a new password with the link's token, or with a counter code and the e-mail the parent
/// signs in with; then signs them in.
#[server(endpoint = "reset_password")]
pub async fn reset_password(token: String, code: String, email: String, password: String) -> Result<(), AppError> {
    use super::context::{client_address, now, sign_in, use_store};
    use crate::error::Conflict;
    use domain::invitation::InvitationCode;
    use domain::password_reset::ResetToken;
    use domain::people::{Email, NewPassword};
    use store::password_resets::{ResetRefused, ResetSecret};
    let password = NewPassword::parse(&password)?;
    let token = (!token.trim().is_empty())
        .then(|| ResetToken::parse(&token))
        .transpose()?;
    let counter = match &token {
        Some(_) => None,
        None => Some((InvitationCode::parse(&code)?, Email::parse(&email)?)),
    };
    let secret = match (&token, &counter) {
        (Some(token), _) => ResetSecret::Link(token),
        (None, Some((code, email))) => ResetSecret::Counter {
            code,
            email: email.as_str(),
        },
        (None, None) => return Err(AppError::Internal),
    };
    let store = use_store()?;
    let hash = store::accounts::hash_password(&password)?;
    let address = client_address().await;
    match store.reset_password(&secret, &hash, address.as_deref(), now()).await? {
        Ok(account) => {
            sign_in(account).await?;
            leptos_axum::redirect("/home");
            Ok(())
        }
        Err(ResetRefused::NotValid) => Err(AppError::Conflict(Conflict::ResetNotValid)),
        Err(ResetRefused::Throttled(r)) => Err(AppError::TooManyAttempts {
            retry_after_seconds: r.retry_after_seconds,
        }),
    }
}

/// Staff issue a code at the counter for a parent of the family who cannot use e-mail; it is
/// shown once on the family's page.
#[server(endpoint = "issue_reset_code")]
pub async fn issue_reset_code(family: i64) -> Result<ResetCodeView, AppError> {
    use super::context::{audit, now, require_staff, show_on_next_page, use_store};
    use domain::invitation::InvitationCode;
    let viewer = require_staff().await?;
    let store = use_store()?;
    let code = InvitationCode::from_random(rand::random());
    let expires_at = store
        .issue_reset_code(
            viewer.municipality,
            domain::ids::FamilyId(family),
            viewer.account,
            &code,
            now(),
        )
        .await?;
    audit(&viewer, "issue_reset_code", &format!("family:{family}")).await?;
    let tz = store.municipality(viewer.municipality).await?.time_zone;
    let view = ResetCodeView {
        code: code.to_string(),
        expires_on: expires_at.with_timezone(&tz).date_naive(),
    };
    show_on_next_page(&reset_code_key(family), &view).await?;
    leptos_axum::redirect(&format!("/staff/families/{family}#reset-code"));
    Ok(view)
}
