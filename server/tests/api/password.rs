//! Getting back in over HTTP: a reset link sent by a real SMTP server on loopback and followed
//! from the received message, and a code handed over at the counter.

use crate::helpers::{Form, PASSWORD, TestApp, client, world};
use crate::on_both;
use app::api::auth::SignedIn;
use app::api::password::ResetCodeView;
use app::error::{AppError, Conflict};
use domain::input::{Invalid, Problem};

const NEW_PASSWORD: &str = "atarashii-pass-2026";

async fn whoami(app: &TestApp, who: &reqwest::Client) -> Option<SignedIn> {
    app.send(who, "whoami", &Form::new()).await.unwrap()
}

/// The token in the link of the newest message to `to`.
fn link_token(app: &TestApp, to: &str) -> String {
    let mails = app.smtp.mails();
    let mail = mails
        .iter()
        .rev()
        .find(|m| m.to == [to])
        .unwrap_or_else(|| panic!("a mail to {to}"));
    let (subject, body) = mail.subject_and_body();
    assert_eq!(subject, "よりそい: パスワードの再設定");
    let link = body
        .split_whitespace()
        .find(|w| w.starts_with(&format!("{}/reset?token=", app.address)))
        .unwrap_or_else(|| panic!("a reset link in {body}"));
    link.split_once("token=").unwrap().1.to_owned()
}

fn reset(token: &str, code: &str, email: &str, password: &str) -> Form {
    Form::new()
        .arg("token", token)
        .arg("code", code)
        .arg("email", email)
        .arg("password", password)
}

async fn a_parent_who_forgot_their_password_sets_a_new_one_from_the_emailed_link(app: TestApp) {
    let w = world(&app.store).await;
    let ask = async |email: &str| -> Result<(), AppError> {
        app.send(&client(), "request_password_reset", &Form::new().arg("email", email))
            .await
    };
    let available: bool = app
        .send(&client(), "password_reset_options", &Form::new())
        .await
        .unwrap();
    assert!(available);

    // An address without a parent's account gets the same answer and no mail; so does staff's.
    assert_eq!(ask("nobody@example.jp").await, Ok(()));
    assert_eq!(ask(&w.a.coordinator).await, Ok(()));
    assert!(app.smtp.mails().is_empty());
    assert_eq!(
        ask("not an address").await,
        Err(AppError::Invalid(Invalid::new("email", Problem::Malformed)))
    );

    assert_eq!(ask(&w.a.parent).await, Ok(()));
    assert_eq!(app.smtp.mails().len(), 1);
    let token = link_token(&app, &w.a.parent);

    // A weak password is refused and the link still works.
    let weak: Result<(), AppError> = app
        .send(&client(), "reset_password", &reset(&token, "", "", "short"))
        .await;
    assert!(
        matches!(weak, Err(AppError::Invalid(ref i)) if i.field == "password"),
        "{weak:?}"
    );
    let browser = client();
    let done: Result<(), AppError> = app
        .send(&browser, "reset_password", &reset(&token, "", "", NEW_PASSWORD))
        .await;
    assert_eq!(done, Ok(()));
    assert_eq!(
        whoami(&app, &browser).await.map(|s| s.role),
        Some(domain::account::Role::Guardian)
    );

    // The old password no longer works; the new one does.
    let old: Result<(), AppError> = app
        .send(
            &client(),
            "login",
            &Form::new().arg("email", &w.a.parent).arg("password", PASSWORD),
        )
        .await;
    assert_eq!(old, Err(AppError::WrongCredentials));
    app.log_in_with(&w.a.parent, NEW_PASSWORD).await;

    // A link works once; a link past its hour does not; a token of the wrong shape is refused.
    let again: Result<(), AppError> = app
        .send(&client(), "reset_password", &reset(&token, "", "", "another-pass-2026"))
        .await;
    assert_eq!(again, Err(AppError::Conflict(Conflict::ResetNotValid)));
    let raw = app
        .call(
            &client(),
            "reset_password",
            &[
                ("token", &token),
                ("code", ""),
                ("email", ""),
                ("password", "another-pass-2026"),
            ],
        )
        .await;
    assert_eq!(raw.status(), 409);
    assert_eq!(ask(&w.a.parent).await, Ok(()));
    let late = link_token(&app, &w.a.parent);
    app.execute("UPDATE password_resets SET expires_at = '2000-01-01T00:00:00.000000Z' WHERE used_at IS NULL")
        .await;
    let expired: Result<(), AppError> = app
        .send(&client(), "reset_password", &reset(&late, "", "", "another-pass-2026"))
        .await;
    assert_eq!(expired, Err(AppError::Conflict(Conflict::ResetNotValid)));
    let odd: Result<(), AppError> = app
        .send(&client(), "reset_password", &reset("abc", "", "", "another-pass-2026"))
        .await;
    assert_eq!(odd, Err(AppError::Invalid(Invalid::new("token", Problem::Malformed))));

    // Asking again and again for one address is slowed down (its mailbox is not flooded).
    let mut throttled = None;
    for _ in 0..5 {
        if let Err(e) = ask(&w.a.parent).await {
            throttled = Some(e);
            break;
        }
    }
    assert!(
        matches!(throttled, Some(AppError::TooManyAttempts { .. })),
        "{throttled:?}"
    );
    let raw = app
        .call(&client(), "request_password_reset", &[("email", w.a.parent.as_str())])
        .await;
    assert_eq!(raw.status(), 429);
}

async fn a_parent_without_email_sets_a_new_password_with_a_code_from_the_counter(app: TestApp) {
    let w = world(&app.store).await;
    let nurse = app.log_in(&w.a.coordinator).await;
    let parent = app.log_in(&w.a.parent).await;
    let issue = Form::new().arg("family", w.a.family.0);

    // Only staff of the family's municipality issue one.
    let refused: Result<ResetCodeView, AppError> = app.send(&parent, "issue_reset_code", &issue).await;
    assert_eq!(refused, Err(AppError::Forbidden));
    let nurse_b = app.log_in(&w.b.coordinator).await;
    let foreign: Result<ResetCodeView, AppError> = app.send(&nurse_b, "issue_reset_code", &issue).await;
    assert_eq!(foreign, Err(AppError::NotFound));
    let issued: ResetCodeView = app.send(&nurse, "issue_reset_code", &issue).await.unwrap();
    assert!(issued.expires_on > crate::helpers::tokyo_day(6));
    // Issuing it is audited under the family.
    let audit = app
        .store
        .audit_of_subject(w.a.municipality, &format!("family:{}", w.a.family.0))
        .await
        .unwrap();
    assert!(audit.iter().any(|e| e.action == "issue_reset_code"));

    // With another family's guardian's e-mail, or a typo in the code: refused, and the code still works.
    let with = |email: &str, code: &str| reset("", code, email, NEW_PASSWORD);
    let wrong: Result<(), AppError> = app
        .send(&client(), "reset_password", &with(&w.b.parent, &issued.code))
        .await;
    assert_eq!(wrong, Err(AppError::Conflict(Conflict::ResetNotValid)));
    let (kept, last) = issued.code.split_at(issued.code.len() - 1);
    let typo = format!("{kept}{}", if last == "X" { "Y" } else { "X" });
    let typo: Result<(), AppError> = app.send(&client(), "reset_password", &with(&w.a.parent, &typo)).await;
    assert_eq!(typo, Err(AppError::Conflict(Conflict::ResetNotValid)));
    // Typed as people type it: lower case, spaces instead of hyphens.
    let typed = issued.code.to_lowercase().replace('-', " ");
    let browser = client();
    let done: Result<(), AppError> = app.send(&browser, "reset_password", &with(&w.a.parent, &typed)).await;
    assert_eq!(done, Ok(()));
    assert!(whoami(&app, &browser).await.is_some());
    app.log_in_with(&w.a.parent, NEW_PASSWORD).await;
    let again: Result<(), AppError> = app
        .send(&client(), "reset_password", &with(&w.a.parent, &issued.code))
        .await;
    assert_eq!(again, Err(AppError::Conflict(Conflict::ResetNotValid)));
}

on_both!(
    a_parent_who_forgot_their_password_sets_a_new_one_from_the_emailed_link,
    a_parent_without_email_sets_a_new_password_with_a_code_from_the_counter,
);
