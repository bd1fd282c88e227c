//! Signing in and out over HTTP: cookies, redirects, throttling, invitations.

use crate::helpers::{PASSWORD, TestApp, client, world};
use crate::on_both;
use app::api::auth::SignedIn;
use app::error::{AppError, Conflict};
use domain::account::Role;
use domain::ids::AccountId;
use domain::input::Problem;
use domain::invitation::InvitationCode;

async fn the_health_check_answers(app: TestApp) {
    let response = reqwest::get(format!("{}/health", app.address)).await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.text().await.unwrap(), "ok");
}

async fn every_response_carries_the_security_headers(app: TestApp) {
    for path in ["/health", "/login", "/no-such-page"] {
        let response = reqwest::get(format!("{}{path}", app.address)).await.unwrap();
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        assert_eq!(header("x-content-type-options").as_deref(), Some("nosniff"), "{path}");
        assert_eq!(header("x-frame-options").as_deref(), Some("DENY"), "{path}");
        assert_eq!(header("referrer-policy").as_deref(), Some("same-origin"), "{path}");
        assert!(
            header("permissions-policy").is_some_and(|p| p.contains("camera=()")),
            "{path}"
        );
        // Served over plain http here: no HSTS (it would pin a scheme the server does not offer).
        assert_eq!(header("strict-transport-security"), None, "{path}");
    }
}

async fn a_login_sets_a_protected_session_cookie_and_logout_ends_it(app: TestApp) {
    let w = world(&app.store).await;
    let client = client();
    let response = app
        .call(&client, "login", &[("email", &w.a.coordinator), ("password", PASSWORD)])
        .await;
    let cookie = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|c| c.starts_with("yorisoi_session="))
        .expect("a session cookie");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Lax"), "{cookie}");
    assert!(!cookie.contains("Secure"), "plain http in tests: {cookie}");

    let me: Option<SignedIn> = app.call_json(&client, "whoami", &[]).await.unwrap();
    assert_eq!(me.map(|m| m.role), Some(Role::Coordinator));

    app.call(&client, "logout", &[]).await;
    let me: Option<SignedIn> = app.call_json(&client, "whoami", &[]).await.unwrap();
    assert_eq!(me, None);
}

async fn a_wrong_password_is_refused_and_repeated_guessing_is_slowed(app: TestApp) {
    let w = world(&app.store).await;
    let client = client();
    for _ in 0..5 {
        let r: Result<(), AppError> = app
            .call_json(&client, "login", &[("email", &w.a.coordinator), ("password", "wrong")])
            .await;
        assert_eq!(r, Err(AppError::WrongCredentials));
    }
    // The doubling of waits is tested with a fixed clock in the store's contract tests; here the
    // account is put under a long wait directly, so the answer does not depend on the machine's speed.
    app.execute(&format!(
        "UPDATE login_throttle SET blocked_until = '2999-01-01T00:00:00.000000Z' WHERE key = 'account:{}'",
        w.a.coordinator
    ))
    .await;
    let throttled: Result<(), AppError> = app
        .call_json(&client, "login", &[("email", &w.a.coordinator), ("password", PASSWORD)])
        .await;
    assert!(matches!(throttled, Err(AppError::TooManyAttempts { retry_after_seconds }) if retry_after_seconds >= 1));
    let me: Option<SignedIn> = app.call_json(&client, "whoami", &[]).await.unwrap();
    assert_eq!(me, None, "a throttled login signs nobody in");
}

async fn a_parent_joins_with_a_code_and_lands_in_their_own_family(app: TestApp) {
    let w = world(&app.store).await;
    let staff = app.log_in(&w.a.coordinator).await;
    let invitation: app::api::families::InvitationView = app
        .call_json(&staff, "issue_invitation", &[("family", &w.a.neighbour.0.to_string())])
        .await
        .unwrap();
    assert!(invitation.link.ends_with(&format!(
        "/join?code={}",
        InvitationCode::parse(&invitation.code).unwrap().canonical()
    )));

    let parent = client();
    let join = [
        ("code", invitation.code.as_str()),
        ("name", "佐藤 美咲"),
        ("name_kana", "さとう みさき"),
        ("email", "misaki@example.jp"),
        ("password", "misaki's password"),
    ];
    let response = app.call(&parent, "join", &join).await;
    assert!(response.status().is_success() || response.status().is_redirection());
    let family: app::api::families::FamilyView = app.call_json(&parent, "my_family", &[]).await.unwrap();
    assert_eq!(family.record.id, w.a.neighbour);
    assert_eq!(family.record.guardians[0].name_kana, "サトウ ミサキ");

    let second = [
        ("code", invitation.code.as_str()),
        ("name", "佐藤 次郎"),
        ("name_kana", "サトウ ジロウ"),
        ("email", "jiro@example.jp"),
        ("password", "jiro's password"),
    ];
    let again: Result<(), AppError> = app.call_json(&client(), "join", &second).await;
    assert_eq!(again, Err(AppError::Conflict(Conflict::InvitationUsed)));
}

async fn bad_sign_up_input_is_refused_field_by_field(app: TestApp) {
    world(&app.store).await;
    let c = client();
    let base = [
        ("code", "AAAA-BBBB-CCCC"),
        ("name", "名前"),
        ("name_kana", "ナマエ"),
        ("email", "someone@example.jp"),
        ("password", "long enough password"),
    ];
    let with = |field: &str, value: &'static str| {
        base.iter()
            .map(|&(k, v)| if k == field { (k, value) } else { (k, v) })
            .collect::<Vec<_>>()
    };
    let cases = [
        (with("code", "short"), "code"),
        (with("name", "   "), "name"),
        (with("name_kana", "名前"), "name_kana"),
        (with("email", "not-an-email"), "email"),
        (with("password", "short"), "password"),
    ];
    for (form, field) in cases {
        match app.call_json::<()>(&c, "join", &form).await {
            Err(AppError::Invalid(invalid)) => assert_eq!(invalid.field, field),
            other => panic!("{field}: expected invalid input, got {other:?}"),
        }
    }
    let unknown: Result<(), AppError> = app.call_json(&c, "join", &base).await;
    assert_eq!(unknown, Err(AppError::Conflict(Conflict::InvitationUnknown)));
}

async fn an_admin_disables_a_coordinator_who_loses_access_at_once_and_enables_them_again(app: TestApp) {
    let w = world(&app.store).await;
    let m = w.a.municipality;
    let admin = app.log_in(&w.a.admin).await;
    let nurse = app.log_in(&w.a.coordinator).await;
    let nurse_id = app.staff_id(m, &w.a.coordinator).await;
    let admin_id = app.staff_id(m, &w.a.admin).await;
    let disable = |account: AccountId, disabled: bool| {
        vec![
            ("account".to_owned(), account.0.to_string()),
            ("disabled".to_owned(), disabled.to_string()),
        ]
    };
    let send = async |who: &reqwest::Client, form: Vec<(String, String)>| -> Result<(), AppError> {
        let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        app.call_json(who, "set_staff_disabled", &pairs).await
    };

    // Only an admin, only their municipality's staff, never themselves.
    assert_eq!(send(&nurse, disable(admin_id, true)).await, Err(AppError::Forbidden));
    let foreign_admin = app.log_in(&w.b.admin).await;
    assert_eq!(
        send(&foreign_admin, disable(nurse_id, true)).await,
        Err(AppError::NotFound)
    );
    match send(&admin, disable(admin_id, true)).await {
        Err(AppError::Invalid(i)) => assert_eq!((i.field.as_str(), i.problem), ("account", Problem::OwnAccount)),
        other => panic!("disabling oneself: {other:?}"),
    }

    assert_eq!(send(&admin, disable(nurse_id, true)).await, Ok(()));
    // The coordinator's open session loses access at once, and they cannot sign in again.
    let r: Result<serde_json::Value, AppError> = app.call_json(&nurse, "tasks", &[("scope", "mine")]).await;
    assert_eq!(r, Err(AppError::NotSignedIn));
    let again = client();
    let login = app
        .call(
            &again,
            "login",
            &[("email", w.a.coordinator.as_str()), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(login.status(), 401);
    let listed = app.store.staff_members(m).await.unwrap();
    assert!(listed.iter().any(|s| s.account == nurse_id && s.disabled));
    let log = app.store.audit_of_actor(m, admin_id).await.unwrap();
    assert!(
        log.iter()
            .any(|e| e.action == "disable_staff" && e.subject == format!("account:{}", nurse_id.0))
    );

    assert_eq!(send(&admin, disable(nurse_id, false)).await, Ok(()));
    let back = app.log_in(&w.a.coordinator).await;
    let r: Result<serde_json::Value, AppError> = app.call_json(&back, "tasks", &[("scope", "mine")]).await;
    assert!(r.is_ok(), "{r:?}");
}

on_both!(
    an_admin_disables_a_coordinator_who_loses_access_at_once_and_enables_them_again,
    the_health_check_answers,
    every_response_carries_the_security_headers,
    a_login_sets_a_protected_session_cookie_and_logout_ends_it,
    a_wrong_password_is_refused_and_repeated_guessing_is_slowed,
    a_parent_joins_with_a_code_and_lands_in_their_own_family,
    bad_sign_up_input_is_refused_field_by_field,
);
