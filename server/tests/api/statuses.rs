//! Every refusal answers with the HTTP status of its cause, and still carries the error the app
//! shows in the user's language; 500 only for a fault.

use crate::helpers::{PASSWORD, TestApp, client, world};
use crate::on_both;
use app::error::{AppError, Conflict};

/// The status and the app's error of an answer that is not a success.
async fn refusal(response: reqwest::Response) -> (u16, AppError, Option<String>) {
    let status = response.status().as_u16();
    let retry_after = response
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().unwrap().to_owned());
    let body = response.text().await.unwrap();
    let error =
        serde_json::from_str(&body).unwrap_or_else(|e| panic!("status {status}, not an app error ({e}): {body}"));
    (status, error, retry_after)
}

async fn each_refusal_answers_with_the_status_of_its_cause(app: TestApp) {
    let w = world(&app.store).await;
    let nobody = client();
    let parent = app.log_in(&w.a.parent).await;
    let nurse = app.log_in(&w.a.coordinator).await;
    let admin = app.log_in(&w.a.admin).await;

    // 401: not signed in, and a wrong password.
    let (status, error, _) = refusal(app.call(&nobody, "my_family", &[]).await).await;
    assert_eq!((status, error), (401, AppError::NotSignedIn));
    let wrong = [("email", w.a.parent.as_str()), ("password", "not the password")];
    let (status, error, _) = refusal(app.call(&nobody, "login", &wrong).await).await;
    assert_eq!((status, error), (401, AppError::WrongCredentials));

    // 403: a parent at a staff function, a coordinator at an admin one.
    let (status, error, _) = refusal(app.call(&parent, "caseload", &[("query", "")]).await).await;
    assert_eq!((status, error), (403, AppError::Forbidden));
    let (status, error, _) = refusal(app.call(&nurse, "staff_directory", &[]).await).await;
    assert_eq!((status, error), (403, AppError::Forbidden));

    // 404: another municipality's family, another family's record, a family that does not exist.
    for (who, id) in [(&nurse, w.b.family.0), (&parent, w.a.neighbour.0), (&nurse, 999_999)] {
        let (status, error, _) = refusal(app.call(who, "family", &[("id", &id.to_string())]).await).await;
        assert_eq!((status, error), (404, AppError::NotFound), "family {id}");
    }

    // 422 for a value that is not valid, 409 for one that clashes with what is stored.
    let staff = |email: &'static str, role: &'static str| {
        [
            ("display_name", "新人 職員"),
            ("email", email),
            ("password", "new staff password"),
            ("role", role),
            ("profession", "midwife"),
            ("site", ""),
        ]
    };
    let (status, error, _) = refusal(
        app.call(&admin, "create_staff", &staff("x@example.jp", "guardian"))
            .await,
    )
    .await;
    assert!(
        status == 422 && matches!(error, AppError::Invalid(ref i) if i.field == "role"),
        "{status} {error:?}"
    );
    let taken = staff("nurse-a@example.jp", "coordinator");
    let (status, error, _) = refusal(app.call(&admin, "create_staff", &taken).await).await;
    assert_eq!((status, error), (409, AppError::Conflict(Conflict::EmailTaken)));

    // 400: a request the function cannot read (a field missing, a number that is not one).
    let (status, error, _) = refusal(app.call(&nobody, "login", &[("email", "a@example.jp")]).await).await;
    assert!(
        status == 400 && matches!(error, AppError::Malformed(_)),
        "{status} {error:?}"
    );
    let (status, error, _) = refusal(app.call(&nurse, "family", &[("id", "seven")]).await).await;
    assert!(
        status == 400 && matches!(error, AppError::Malformed(_)),
        "{status} {error:?}"
    );

    // 429 with Retry-After: an account under a wait.
    app.execute(&format!(
        "UPDATE login_throttle SET blocked_until = '2999-01-01T00:00:00.000000Z' WHERE key = 'account:{}'",
        w.a.parent
    ))
    .await;
    let right = [("email", w.a.parent.as_str()), ("password", PASSWORD)];
    let (status, error, retry_after) = refusal(app.call(&nobody, "login", &right).await).await;
    let AppError::TooManyAttempts { retry_after_seconds } = error else {
        panic!("{status} {error:?}");
    };
    assert_eq!(status, 429);
    assert_eq!(retry_after, Some(retry_after_seconds.to_string()));
    assert!(retry_after_seconds >= 1);

    // Successes are untouched.
    let ok = app.call(&nurse, "family", &[("id", &w.a.family.0.to_string())]).await;
    assert_eq!(ok.status(), 200);
}

async fn only_a_fault_answers_500(app: TestApp) {
    let w = world(&app.store).await;
    let parent = app.log_in(&w.a.parent).await;
    let (before, _, _) = refusal(app.call(&client(), "my_consultations", &[]).await).await;
    assert_eq!(before, 401);
    assert_eq!(app.call(&parent, "my_consultations", &[]).await.status(), 200);
    // A fault: the table the function reads is gone.
    app.execute("ALTER TABLE consultations RENAME TO consultations_gone")
        .await;
    let (status, error, _) = refusal(app.call(&parent, "my_consultations", &[]).await).await;
    assert_eq!((status, error), (500, AppError::Internal));
}

async fn a_form_posted_without_the_client_is_still_sent_back_to_its_page(app: TestApp) {
    let w = world(&app.store).await;
    let browser = client();
    let login = format!("{}/login", app.address);
    let response = browser
        .post(format!("{}/api/login", app.address))
        .header("Accept", "text/html")
        .header("Referer", &login)
        .form(&[("email", w.a.parent.as_str()), ("password", "not the password")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 302);
    let location = response.headers()["location"].to_str().unwrap();
    assert!(
        location.starts_with(&login) && location.contains("__err="),
        "{location}"
    );
}

/// The text of the first element with this `data-testid` in a page's HTML.
fn text_of<'a>(html: &'a str, testid: &str) -> Option<&'a str> {
    let rest = html.split(&format!("data-testid=\"{testid}\"")).nth(1)?;
    rest.split('>').nth(1)?.split('<').next()
}

/// A calendar address or an invitation code is shown once, when it is made. Made by a form the
/// browser posted itself (before the page's client started, or without it), it is shown on the
/// page the redirect returns to — once, and to that browser only.
async fn what_a_form_posted_without_the_client_made_is_shown_once_on_the_page_it_returns_to(app: TestApp) {
    let w = world(&app.store).await;
    let post = |client: &reqwest::Client, endpoint: &str, referer: String, form: Vec<(&'static str, String)>| {
        client
            .post(format!("{}/api/{endpoint}", app.address))
            .header("Accept", "text/html,application/xhtml+xml")
            .header("Referer", referer)
            .form(&form)
            .send()
    };
    let page = |client: &reqwest::Client, path: String| {
        let url = format!("{}{path}", app.address);
        let client = client.clone();
        async move { client.get(url).send().await.unwrap().text().await.unwrap() }
    };

    let parent = app.log_in(&w.a.parent).await;
    let home = format!("{}/home", app.address);
    let response = post(&parent, "calendar_link", home.clone(), vec![]).await.unwrap();
    assert_eq!(response.status(), 302);
    assert!(response.headers()["location"].to_str().unwrap().starts_with(&home));
    let shown = page(&parent, "/home".into()).await;
    let link = text_of(&shown, "calendar-link").expect("the new address on the page");
    assert!(link.contains("/calendar/") && link.ends_with(".ics"), "{link}");
    let feed = parent.get(link).send().await.unwrap();
    assert_eq!(feed.status(), 200, "the address shown is the one that works");
    assert!(
        !page(&parent, "/home".into())
            .await
            .contains("data-testid=\"calendar-link\""),
        "shown once"
    );

    let nurse = app.log_in(&w.a.coordinator).await;
    let family_page = format!("/staff/families/{}", w.a.family.0);
    let response = post(
        &nurse,
        "issue_invitation",
        format!("{}{family_page}", app.address),
        vec![("family", w.a.family.0.to_string())],
    )
    .await
    .unwrap();
    assert_eq!(response.status(), 302);
    let neighbours = page(&nurse, format!("/staff/families/{}", w.a.neighbour.0)).await;
    assert!(
        !neighbours.contains("data-testid=\"invitation-code\""),
        "another family's page does not show it"
    );
    let a_colleague = app.log_in(&w.a.admin).await;
    assert!(
        !page(&a_colleague, family_page.clone())
            .await
            .contains("data-testid=\"invitation-code\""),
        "nor does another browser"
    );
    let shown = page(&nurse, family_page.clone()).await;
    let code = text_of(&shown, "invitation-code").expect("the new code on the page");
    assert_eq!(code.len(), "87E1-CF4P-296M".len(), "{code}");
    assert!(shown.contains("data-testid=\"invitation-qr\""));
    assert!(
        !page(&nurse, family_page)
            .await
            .contains("data-testid=\"invitation-code\""),
        "shown once"
    );
}

async fn pages_answer_with_the_status_of_what_they_show(app: TestApp) {
    let w = world(&app.store).await;
    let nurse = app.log_in(&w.a.coordinator).await;
    let parent = app.log_in(&w.a.parent).await;
    let get = |client: &reqwest::Client, path: String| client.get(format!("{}{path}", app.address)).send();

    let own = get(&nurse, format!("/staff/families/{}", w.a.family.0)).await.unwrap();
    assert_eq!(own.status(), 200);
    let foreign = get(&nurse, format!("/staff/families/{}", w.b.family.0)).await.unwrap();
    assert_eq!(foreign.status(), 404);
    assert!(foreign.text().await.unwrap().contains("見つかりません。"));
    let refused = get(&parent, "/staff".into()).await.unwrap();
    assert_eq!(refused.status(), 403);
    assert!(
        refused
            .text()
            .await
            .unwrap()
            .contains("このページを見る権限がありません。")
    );
}

on_both!(
    each_refusal_answers_with_the_status_of_its_cause,
    only_a_fault_answers_500,
    a_form_posted_without_the_client_is_still_sent_back_to_its_page,
    what_a_form_posted_without_the_client_made_is_shown_once_on_the_page_it_returns_to,
    pages_answer_with_the_status_of_what_they_show,
);
