//! `/`: sends each person to where they start, or to the login.

use crate::api::auth::whoami;
use crate::i18n::{t, use_i18n};
use leptos::prelude::*;
use leptos_router::components::Redirect;

#[component]
pub fn Landing() -> impl IntoView {
    let i18n = use_i18n();
    let me = Resource::new(|| (), |_| whoami());
    view! {
        <Suspense fallback=move || view! { <p>{t!(i18n, app.loading)}</p> }>
            {move || Suspend::new(async move {
                let path = match me.await {
                    Ok(Some(me)) => me.home_path(),
                    _ => "/login",
                };
                view! { <Redirect path=path /> }
            })}
        </Suspense>
    }
}
