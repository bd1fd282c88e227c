//! `/login`: e-mail and password, for parents and staff alike.

use crate::api::auth::Login;
use crate::i18n::{t, use_i18n};
use crate::ui::islands::form::Form;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;

#[component]
pub fn LoginPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Title text=move || crate::i18n::td_string!(i18n.get_locale(), login.title).to_string() />
        <section class="card narrow">
            <h1>{t!(i18n, login.title)}</h1>
            <p class="tagline">{t!(i18n, app.tagline)}</p>
            <Form action=Login::url() class="form" testid="login-form">
                <label for="login-email">{t!(i18n, login.email)}</label>
                <input id="login-email" name="email" type="email" autocomplete="username" required />
                <label for="login-password">{t!(i18n, login.password)}</label>
                <input id="login-password" name="password" type="password" autocomplete="current-password" required />
                <button type="submit" class="primary">{t!(i18n, login.submit)}</button>
            </Form>
            <p class="aside">
                <a href="/forgot" data-testid="forgot-link">{t!(i18n, password.forgot_link)}</a>
            </p>
            <p class="aside">
                {t!(i18n, login.join_prompt)} " " <a href="/join">{t!(i18n, login.join_link)}</a>
            </p>
        </section>
    }
}
