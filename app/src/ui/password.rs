//! `/forgot` and `/reset`: a parent who lost their password asks for a link by e-mail (or is
//! sent to the counter when the centre sends no e-mail), then sets a new one with the link, or
//! with the code the counter gave them and their e-mail.

use crate::api::password::{RequestPasswordReset, ResetPassword, password_reset_options};
use crate::i18n::{t, td_string, use_i18n};
use crate::ui::format::signed_in;
use crate::ui::islands::form::Form;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn ForgotPage() -> impl IntoView {
    let i18n = use_i18n();
    let by_email = Resource::new(|| (), |_| password_reset_options());
    let sent = use_query_map().read_untracked().get("said").as_deref() == Some("sent");
    view! {
        <Title text=move || td_string!(i18n.get_locale(), password.forgot_title).to_string() />
        <section class="card narrow">
            <h1>{t!(i18n, password.forgot_title)}</h1>
            {sent.then(|| view! { <p class="notice" role="status" data-testid="reset-sent">{t!(i18n, password.sent)}</p> })}
            <Suspense fallback=move || view! { <p>{t!(i18n, app.loading)}</p> }>
                {move || Suspend::new(async move {
                    signed_in(by_email.await, move |available| {
                        if available {
                            view! {
                                <p>{t!(i18n, password.forgot_intro)}</p>
                                <Form action=RequestPasswordReset::url() class="form" testid="forgot-form">
                                    <label for="forgot-email">{t!(i18n, login.email)}</label>
                                    <input id="forgot-email" name="email" type="email" autocomplete="email" required />
                                    <button type="submit" class="primary">{t!(i18n, password.send_link)}</button>
                                </Form>
                            }
                            .into_any()
                        } else {
                            view! { <p data-testid="ask-the-centre">{t!(i18n, password.ask_the_centre)}</p> }.into_any()
                        }
                    })
                })}
            </Suspense>
            <p class="aside">{t!(i18n, password.have_code)} " " <a href="/reset">{t!(i18n, password.use_code)}</a></p>
        </section>
    }
}

#[component]
pub fn ResetPage() -> impl IntoView {
    let i18n = use_i18n();
    let token = use_query_map().read_untracked().get("token").unwrap_or_default();
    let by_link = !token.is_empty();
    view! {
        <Title text=move || td_string!(i18n.get_locale(), password.reset_title).to_string() />
        <section class="card narrow">
            <h1>{t!(i18n, password.reset_title)}</h1>
            <Form action=ResetPassword::url() class="form" testid="reset-form">
                <input type="hidden" name="token" value=token />
                {(!by_link).then(|| view! {
                    <p>{t!(i18n, password.code_intro)}</p>
                    <label for="reset-code">{t!(i18n, password.code)}</label>
                    <input id="reset-code" name="code" autocomplete="one-time-code" autocapitalize="characters" required />
                    <label for="reset-email">{t!(i18n, login.email)}</label>
                    <input id="reset-email" name="email" type="email" autocomplete="username" required />
                })}
                {by_link.then(|| view! {
                    <input type="hidden" name="code" value="" />
                    <input type="hidden" name="email" value="" />
                })}
                <label for="reset-password">{t!(i18n, password.new_password)}</label>
                <input id="reset-password" name="password" type="password" autocomplete="new-password" minlength="8" required />
                <button type="submit" class="primary">{t!(i18n, password.set)}</button>
            </Form>
        </section>
    }
}
