//! `/join`: a parent signs up with the invitation code the centre gave them (the link may carry it).

use crate::api::auth::Join;
use crate::i18n::{t, use_i18n};
use crate::ui::islands::form::Form;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn JoinPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let code = query.read_untracked().get("code").unwrap_or_default();
    view! {
        <Title text=move || crate::i18n::td_string!(i18n.get_locale(), join.title).to_string() />
        <section class="card narrow">
            <h1>{t!(i18n, join.title)}</h1>
            <p>{t!(i18n, join.intro)}</p>
            <Form action=Join::url() class="form" testid="join-form">
                <label for="join-code">{t!(i18n, join.code)}</label>
                <input id="join-code" name="code" value=code autocomplete="one-time-code" autocapitalize="characters" required />
                <label for="join-name">{t!(i18n, join.name)}</label>
                <input id="join-name" name="name" autocomplete="name" required />
                <label for="join-kana">{t!(i18n, join.name_kana)}</label>
                <input id="join-kana" name="name_kana" required />
                <label for="join-email">{t!(i18n, join.email)}</label>
                <input id="join-email" name="email" type="email" autocomplete="email" required />
                <label for="join-password">{t!(i18n, join.password)}</label>
                <input id="join-password" name="password" type="password" autocomplete="new-password" minlength="8" required />
                <button type="submit" class="primary">{t!(i18n, join.submit)}</button>
            </Form>
            <p class="aside">{t!(i18n, join.have_account)} " " <a href="/login">{t!(i18n, login.submit)}</a></p>
        </section>
    }
}
