//! Signing in and out, joining with an invitation code, and who is signed in.

use crate::error::AppError;
use domain::account::Role;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// What the page chrome needs to know about the signed-in person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedIn {
    pub display_name: String,
    pub role: Role,
}

impl SignedIn {
    /// Where this person starts: parents at their family's home, staff at the caseload.
    pub fn home_path(&self) -> &'static str {
        if self.role.is_staff() { "/staff" } else { "/home" }
    }
}

#[server(endpoint = "whoami")]
pub async fn whoami() -> Result<Option<SignedIn>, AppError> {
    use super::context::viewer;
    Ok(viewer().await?.map(|v| SignedIn {
        display_name: v.display_name,
        role: v.role,
    }))
}

#[server(endpoint = "login")]
pub async fn login(email: String, password: String) -> Result<(), AppError> {
    use super::context::{client_address, now, sign_in, use_store};
    use store::accounts::LoginRefused;

    let store = use_store()?;
    let address = client_address().await;
    match store.authenticate(&email, &password, address.as_deref(), now()).await? {
        Ok(account) => {
            sign_in(account).await?;
            let viewer = store.viewer(account).await?.ok_or(AppError::NotSignedIn)?;
            leptos_axum::redirect(if viewer.is_staff() { "/staff" } else { "/home" });
            Ok(())
        }
        Err(LoginRefused::WrongCredentials) => Err(AppError::WrongCredentials),
        Err(LoginRefused::Throttled(r)) => Err(AppError::TooManyAttempts {
            retry_after_seconds: r.retry_after_seconds,
        }),
    }
}

#[server(endpoint = "logout")]
pub async fn logout() -> Result<(), AppError> {
    super::context::sign_out().await?;
    leptos_axum::redirect("/login");
    Ok(())
}

/// A parent joins their family with the code the centre gave them, and is signed in.
#[server(endpoint = "join")]
pub async fn join(
    code: String,
    name: String,
    name_kana: String,
    email: String,
    password: String,
) -> Result<(), AppError> {
    use super::context::{now, sign_in, use_store};
    use crate::error::Conflict;
    use domain::invitation::InvitationCode;
    use domain::people::{Email, Kana, NewPassword, PersonName};
    use store::invitations::{JoinRefused, NewGuardian};

    let code = InvitationCode::parse(&code)?;
    let name = PersonName::parse("name", &name)?;
    let name_kana = Kana::parse("name_kana", &name_kana)?;
    let email = Email::parse(&email)?;
    let password = NewPassword::parse(&password)?;
    let store = use_store()?;
    let password_hash = store::accounts::hash_password(&password)?;
    let guardian = NewGuardian {
        email: &email,
        password_hash: &password_hash,
        name: &name,
        name_kana: &name_kana,
    };
    let address = super::context::client_address().await;
    match store
        .join_with_invitation(&code, &guardian, address.as_deref(), now())
        .await?
    {
        Ok(account) => {
            sign_in(account).await?;
            leptos_axum::redirect("/home");
            Ok(())
        }
        Err(refused) => Err(match refused {
            JoinRefused::Throttled(r) => AppError::TooManyAttempts {
                retry_after_seconds: r.retry_after_seconds,
            },
            JoinRefused::UnknownCode => AppError::Conflict(Conflict::InvitationUnknown),
            JoinRefused::AlreadyUsed => AppError::Conflict(Conflict::InvitationUsed),
            JoinRefused::Expired => AppError::Conflict(Conflict::InvitationExpired),
            JoinRefused::EmailTaken => AppError::Conflict(Conflict::EmailTaken),
        }),
    }
}
