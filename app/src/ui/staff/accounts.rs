//! `/staff/accounts`: an admin lists the municipality's staff and adds new accounts.

use crate::api::accounts::{
    CreateStaff, Directory as StaffDirectory, SaveSite, SetSiteClosed, SetStaffDisabled, SiteView, staff_directory,
};
use crate::i18n::{Locale, t, use_i18n};

type I18nContext = leptos_i18n::I18nContext<Locale>;
use crate::ui::format::signed_in;
use crate::ui::islands::form::Form;
use domain::account::{Profession, Role};
use domain::site::SiteKind;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;

fn profession_name(i18n: I18nContext, p: Profession) -> AnyView {
    match p {
        Profession::PublicHealthNurse => t!(i18n, accounts.profession_public_health_nurse).into_any(),
        Profession::Midwife => t!(i18n, accounts.profession_midwife).into_any(),
        Profession::SupportSpecialist => t!(i18n, accounts.profession_support_specialist).into_any(),
        Profession::LeadCoordinator => t!(i18n, accounts.profession_lead_coordinator).into_any(),
        Profession::Other => t!(i18n, accounts.profession_other).into_any(),
    }
}

pub fn site_kind_name(i18n: I18nContext, k: SiteKind) -> AnyView {
    match k {
        SiteKind::Basic => t!(i18n, accounts.site_kind_basic).into_any(),
        SiteKind::MaternalChildHealth => t!(i18n, accounts.site_kind_maternal_child_health).into_any(),
        SiteKind::Integrated => t!(i18n, accounts.site_kind_integrated).into_any(),
    }
}

fn role_name(i18n: I18nContext, r: Role) -> AnyView {
    match r {
        Role::Admin => t!(i18n, accounts.role_admin).into_any(),
        Role::Coordinator | Role::Guardian => t!(i18n, accounts.role_coordinator).into_any(),
    }
}

#[component]
pub fn AccountsPage() -> impl IntoView {
    let i18n = use_i18n();
    let directory = Resource::new(|| (), |_| staff_directory());
    view! {
        <Title text=move || crate::i18n::td_string!(i18n.get_locale(), accounts.title).to_string() />
        <h1>{t!(i18n, accounts.title)}</h1>
        <Suspense fallback=move || view! { <p>{t!(i18n, app.loading)}</p> }>
            {move || Suspend::new(async move {
                signed_in(directory.await, move |d| view! { <Directory directory=d /> }.into_any())
            })}
        </Suspense>
    }
}

#[component]
fn Directory(directory: StaffDirectory) -> impl IntoView {
    let i18n = use_i18n();
    let rows = directory
        .staff
        .into_iter()
        .map(|s| {
            let (id, disabled) = (s.id, s.disabled);
            let toggle = (!s.me).then(|| {
                view! {
                    <Form action=SetStaffDisabled::url() class="inline">
                        <input type="hidden" name="account" value=id />
                        <input type="hidden" name="disabled" value=(!disabled).to_string() />
                        <button type="submit" class="link-button" data-testid="staff-toggle">
                            {if disabled { t!(i18n, accounts.enable).into_any() } else { t!(i18n, accounts.disable).into_any() }}
                        </button>
                    </Form>
                }
            });
            view! {
                <tr data-testid="staff-row" data-disabled=disabled.to_string()>
                    <td>{s.display_name}</td>
                    <td>{s.email}</td>
                    <td>{role_name(i18n, s.role)}</td>
                    <td>{profession_name(i18n, s.profession)}</td>
                    <td class="optional">{s.site_name}</td>
                    <td>
                        {if disabled { t!(i18n, accounts.disabled).into_any() } else { t!(i18n, accounts.active).into_any() }}
                        " " {toggle}
                    </td>
                </tr>
            }
        })
        .collect_view();
    let site_list = directory.sites.clone();
    let sites = directory
        .sites
        .into_iter()
        .filter(|s| !s.closed)
        .map(|s| view! { <option value=s.id>{s.name}</option> })
        .collect_view();
    let professions = Profession::ALL
        .into_iter()
        .map(|p| view! { <option value=p.as_str()>{profession_name(i18n, p)}</option> })
        .collect_view();
    // Said by the page's address once an account is created or a site saved (the functions send
    // the page there).
    let said = leptos_router::hooks::use_query_map().read_untracked().get("said");
    let outcome = (said.as_deref() == Some("staff_created"))
        .then(|| view! { <p class="notice" role="status">{t!(i18n, accounts.created)}</p> });
    let site_saved = said.as_deref() == Some("site_saved");
    view! {
        <section class="card">
            <h2>{t!(i18n, accounts.list)}</h2>
            <div class="table-wrap" tabindex="0">
                <table class="staff-list">
                    <thead>
                        <tr>
                            <th scope="col">{t!(i18n, accounts.display_name)}</th>
                            <th scope="col">{t!(i18n, accounts.email)}</th>
                            <th scope="col">{t!(i18n, accounts.role)}</th>
                            <th scope="col">{t!(i18n, accounts.profession)}</th>
                            <th scope="col" class="optional">{t!(i18n, accounts.site)}</th>
                            <th scope="col">{t!(i18n, accounts.status)}</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </section>
        <Sites sites=site_list saved=site_saved />
        <section class="card">
            <h2>{t!(i18n, accounts.create)}</h2>
            <Form action=CreateStaff::url() class="form">
                <label for="staff-name">{t!(i18n, accounts.display_name)}</label>
                <input id="staff-name" name="display_name" required />
                <label for="staff-email">{t!(i18n, accounts.email)}</label>
                <input id="staff-email" name="email" type="email" required />
                <label for="staff-password">{t!(i18n, accounts.password)}</label>
                <input id="staff-password" name="password" type="password" autocomplete="new-password" minlength="8" required />
                <label for="staff-role">{t!(i18n, accounts.role)}</label>
                <select id="staff-role" name="role">
                    <option value="coordinator">{t!(i18n, accounts.role_coordinator)}</option>
                    <option value="admin">{t!(i18n, accounts.role_admin)}</option>
                </select>
                <label for="staff-profession">{t!(i18n, accounts.profession)}</label>
                <select id="staff-profession" name="profession">{professions}</select>
                <label for="staff-site">{t!(i18n, accounts.site)}</label>
                <select id="staff-site" name="site">
                    <option value="">{t!(i18n, accounts.no_site)}</option>
                    {sites}
                </select>
                {outcome}
                <button type="submit" class="primary">{t!(i18n, accounts.submit)}</button>
            </Form>
        </section>
    }
}

/// The site's name and type, as a form: an empty `site` adds a new one.
#[component]
fn SiteFields(site: Option<SiteView>) -> impl IntoView {
    let i18n = use_i18n();
    let key = site.as_ref().map_or("new".to_owned(), |s| s.id.to_string());
    let kind = site.as_ref().map_or(SiteKind::Integrated, |s| s.kind);
    let kinds = SiteKind::ALL
        .iter()
        .map(|&k| view! { <option value=k.as_str() selected=k == kind>{site_kind_name(i18n, k)}</option> })
        .collect_view();
    view! {
        <input type="hidden" name="input[site]" value=site.as_ref().map(|s| s.id.to_string()).unwrap_or_default() />
        <label for=format!("site-name-{key}")>{t!(i18n, accounts.site_name)}</label>
        <input id=format!("site-name-{key}") name="input[name]" required maxlength="60" value=site.as_ref().map(|s| s.name.clone()) />
        <label for=format!("site-kind-{key}")>{t!(i18n, accounts.site_kind)}</label>
        <select id=format!("site-kind-{key}") name="input[kind]">{kinds}</select>
    }
}

/// The municipality's sites: each with its type and whether it is open, to rename, retype, close
/// or reopen; and a form to add one.
#[component]
fn Sites(sites: Vec<SiteView>, saved: bool) -> impl IntoView {
    let i18n = use_i18n();
    let rows = sites
        .into_iter()
        .map(|s| {
            let (id, closed) = (s.id, s.closed);
            view! {
                <li data-testid="site" data-closed=closed.to_string()>
                    <strong>{s.name.clone()}</strong> " · " {site_kind_name(i18n, s.kind)} " · "
                    {if closed { t!(i18n, accounts.site_closed).into_any() } else { t!(i18n, accounts.site_open).into_any() }}
                    " "
                    <Form action=SetSiteClosed::url() class="inline">
                        <input type="hidden" name="site" value=id />
                        <input type="hidden" name="closed" value=(!closed).to_string() />
                        <button type="submit" class="link-button" data-testid="site-toggle">
                            {if closed { t!(i18n, accounts.site_reopen).into_any() } else { t!(i18n, accounts.site_close).into_any() }}
                        </button>
                    </Form>
                    <details>
                        <summary>{t!(i18n, accounts.site_edit)}</summary>
                        <Form action=SaveSite::url() class="form compact">
                            <SiteFields site=Some(s) />
                            <button type="submit">{t!(i18n, accounts.site_save)}</button>
                        </Form>
                    </details>
                </li>
            }
        })
        .collect_view();
    view! {
        <section class="card" id="sites" aria-labelledby="sites-title">
            <h2 id="sites-title">{t!(i18n, accounts.sites_title)}</h2>
            {saved.then(|| view! { <p class="notice" role="status">{t!(i18n, accounts.site_saved)}</p> })}
            <ul class="sites">{rows}</ul>
            <details>
                <summary>{t!(i18n, accounts.site_add)}</summary>
                <Form action=SaveSite::url() class="form compact">
                    <SiteFields site=None />
                    <button type="submit" class="primary">{t!(i18n, accounts.site_add)}</button>
                </Form>
            </details>
        </section>
    }
}
