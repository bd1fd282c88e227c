//! Staff accounts, managed by the municipality's admins.

use crate::error::AppError;
use domain::account::{Profession, Role};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffMemberView {
    pub id: i64,
    pub display_name: String,
    pub email: String,
    pub role: Role,
    pub profession: Profession,
    pub site_name: Option<String>,
    pub disabled: bool,
    /// The admin's own account, which they cannot disable.
    pub me: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteView {
    pub id: i64,
    pub name: String,
    pub kind: domain::site::SiteKind,
    pub closed: bool,
}

#[cfg(feature = "ssr")]
impl From<store::municipalities::Site> for SiteView {
    fn from(s: store::municipalities::Site) -> Self {
        SiteView {
            id: s.id.0,
            name: s.name,
            kind: s.kind,
            closed: s.closed,
        }
    }
}

/// A staff member to choose (as a coordinator to filter by, or to assign).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffChoice {
    pub id: i64,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Directory {
    pub staff: Vec<StaffMemberView>,
    pub sites: Vec<SiteView>,
}

#[server(endpoint = "staff_directory")]
pub async fn staff_directory() -> Result<Directory, AppError> {
    use super::context::{audit, require_admin, use_store};
    let admin = require_admin().await?;
    let store = use_store()?;
    audit(&admin, "read_staff", "staff").await?;
    let staff = store
        .staff_members(admin.municipality)
        .await?
        .into_iter()
        .map(|s| StaffMemberView {
            id: s.account.0,
            me: s.account == admin.account,
            disabled: s.disabled,
            display_name: s.display_name,
            email: s.email,
            role: s.role,
            profession: s.profession,
            site_name: s.site_name,
        })
        .collect();
    let sites = store
        .sites(admin.municipality)
        .await?
        .into_iter()
        .map(SiteView::from)
        .collect();
    Ok(Directory { staff, sites })
}

/// An admin disables a staff account of their municipality (no sign-in, and access ends at once)
/// or enables it again. Their own account they cannot disable.
#[server(endpoint = "set_staff_disabled")]
pub async fn set_staff_disabled(account: i64, disabled: bool) -> Result<(), AppError> {
    use super::context::{audit, now, require_admin, use_store};
    use domain::input::{Invalid, Problem};
    let admin = require_admin().await?;
    if disabled && account == admin.account.0 {
        return Err(Invalid::new("account", Problem::OwnAccount).into());
    }
    use_store()?
        .set_staff_disabled(admin.municipality, domain::ids::AccountId(account), disabled, now())
        .await?;
    let action = if disabled { "disable_staff" } else { "enable_staff" };
    audit(&admin, action, &format!("account:{account}")).await?;
    Ok(())
}

/// An admin adds a coordinator or another admin to their own municipality.
#[server(endpoint = "create_staff")]
pub async fn create_staff(
    display_name: String,
    email: String,
    password: String,
    role: String,
    profession: String,
    site: String,
) -> Result<(), AppError> {
    use super::context::{now, require_admin, use_store};
    use domain::ids::SiteId;
    use domain::input::{Invalid, Problem};
    use domain::people::{Email, NewPassword, PersonName};
    use store::accounts::{NewStaff, hash_password};

    let admin = require_admin().await?;
    let display_name = PersonName::parse("display_name", &display_name)?;
    let email = Email::parse(&email)?;
    let password = NewPassword::parse(&password)?;
    let role: Role = role.parse().map_err(|_| Invalid::new("role", Problem::Malformed))?;
    if !role.is_staff() {
        return Err(Invalid::new("role", Problem::Malformed).into());
    }
    let profession: Profession = profession
        .parse()
        .map_err(|_| Invalid::new("profession", Problem::Malformed))?;
    let site = match site.trim() {
        "" => None,
        id => Some(SiteId(
            id.parse().map_err(|_| Invalid::new("site", Problem::Malformed))?,
        )),
    };
    let store = use_store()?;
    let password_hash = hash_password(&password)?;
    let account = store
        .create_staff(
            &NewStaff {
                municipality: admin.municipality,
                email: &email,
                password_hash: &password_hash,
                display_name: display_name.as_str(),
                role,
                site,
                profession,
            },
            now(),
        )
        .await?;
    super::context::audit(&admin, "create_staff", &format!("account:{}", account.0)).await?;
    leptos_axum::redirect("/staff/accounts?said=staff_created");
    Ok(())
}

/// The municipality's sites, for staff forms and filters.
#[server(endpoint = "sites")]
pub async fn sites() -> Result<Vec<SiteView>, AppError> {
    use super::context::{require_staff, use_store};
    let viewer = require_staff().await?;
    Ok(use_store()?
        .sites(viewer.municipality)
        .await?
        .into_iter()
        .map(SiteView::from)
        .collect())
}

/// A site as an admin writes it: its name and its type.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteForm {
    /// Empty for a new site.
    #[serde(default)]
    pub site: String,
    pub name: String,
    pub kind: String,
}

/// An admin adds a site, or renames one and sets its type.
#[server(endpoint = "save_site")]
pub async fn save_site(input: SiteForm) -> Result<(), AppError> {
    use super::context::{audit, now, require_admin, use_store};
    use domain::ids::SiteId;
    use domain::input::{Invalid, Problem, required_text};
    use domain::site::{MAX_SITE_NAME, SiteKind};
    let admin = require_admin().await?;
    let name = required_text("site_name", &input.name, MAX_SITE_NAME)?;
    let kind = SiteKind::parse_field("site_kind", &input.kind)?;
    let store = use_store()?;
    let site = match input.site.trim() {
        "" => store.add_site(admin.municipality, &name, kind, now()).await?,
        id => {
            let site = SiteId(id.parse().map_err(|_| Invalid::new("site", Problem::Malformed))?);
            store.update_site(admin.municipality, site, &name, kind).await?;
            site
        }
    };
    audit(&admin, "save_site", &format!("site:{}", site.0)).await?;
    leptos_axum::redirect("/staff/accounts?said=site_saved#sites");
    Ok(())
}

/// An admin closes a site no family is followed from any more, or opens it again.
#[server(endpoint = "set_site_closed")]
pub async fn set_site_closed(site: i64, closed: bool) -> Result<(), AppError> {
    use super::context::{audit, now, require_admin, use_store};
    let admin = require_admin().await?;
    use_store()?
        .set_site_closed(admin.municipality, domain::ids::SiteId(site), closed, now())
        .await?;
    let action = if closed { "close_site" } else { "reopen_site" };
    audit(&admin, action, &format!("site:{site}")).await?;
    leptos_axum::redirect("/staff/accounts#sites");
    Ok(())
}

/// An admin moves a family to another open site (転居 within the municipality, a change of
/// responsible site); its tasks move with it.
#[server(endpoint = "move_family")]
pub async fn move_family(family: i64, site: i64) -> Result<(), AppError> {
    use super::context::{audit, require_admin, use_store};
    use domain::ids::{FamilyId, SiteId};
    let admin = require_admin().await?;
    use_store()?
        .move_family(admin.municipality, FamilyId(family), SiteId(site))
        .await?;
    audit(&admin, "move_family", &format!("family:{family}")).await?;
    leptos_axum::redirect(&format!("/staff/families/{family}?said=family_moved"));
    Ok(())
}
