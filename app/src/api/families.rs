//! Family records: a parent's own family, the staff caseload, one family, and invitations.

use crate::error::AppError;
use chrono::NaiveDate;
use domain::family::{CaseloadPage, FamilyRecord};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// A record as shown, with the municipality's today so that ages and weeks agree with the server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FamilyView {
    pub record: FamilyRecord,
    pub today: NaiveDate,
    /// An invitation just issued by a form posted without the client, to show once.
    pub invitation_issued: Option<InvitationView>,
    /// For admins: the other open sites the family can be moved to.
    pub sites_to_move_to: Vec<super::accounts::SiteView>,
    /// A password reset code just issued at the counter, to show once.
    pub reset_code_issued: Option<super::password::ResetCodeView>,
}

/// The session key of an invitation issued without the client, per family (see `show_on_next_page`).
#[cfg(feature = "ssr")]
fn invitation_issued_key(family: i64) -> String {
    format!("shown_once.invitation.{family}")
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationView {
    /// Shown once, to be handed over; only its hash is stored.
    pub code: String,
    /// The sign-up link with the code filled in, ready to be shown as a QR code.
    pub link: String,
    /// The link as a QR code (SVG), for the parent's phone camera.
    pub qr_svg: String,
    pub expires_on: NaiveDate,
}

/// The signed-in parent's own family.
#[server(endpoint = "my_family")]
pub async fn my_family() -> Result<FamilyView, AppError> {
    use super::context::{require_viewer, today_for, use_store};
    let viewer = require_viewer().await?;
    let family = viewer.family.ok_or(AppError::Forbidden)?;
    let record = use_store()?.family_record(viewer.municipality, family).await?;
    Ok(FamilyView {
        record,
        today: today_for(&viewer).await?,
        invitation_issued: None,
        sites_to_move_to: vec![],
        reset_code_issued: None,
    })
}

/// One family's record. Staff of the family's municipality may read it (and the read is audited);
/// a parent only their own.
#[server(endpoint = "family")]
pub async fn family(id: i64) -> Result<FamilyView, AppError> {
    use super::context::{require_viewer, today_for, use_store};
    let viewer = require_viewer().await?;
    let id = domain::ids::FamilyId(id);
    let store = use_store()?;
    // Tenancy is enforced twice: by the viewer's rights and by the query's municipality filter.
    let record = store.family_record(viewer.municipality, id).await?;
    if !viewer.may_read_family(record.municipality, record.id) {
        return Err(AppError::NotFound);
    }
    if viewer.is_staff() {
        super::context::audit(&viewer, "read", &format!("family:{}", id.0)).await?;
    }
    let (invitation_issued, reset_code_issued) = if viewer.is_staff() {
        (
            super::context::take_shown_once(&invitation_issued_key(id.0)).await?,
            super::context::take_shown_once(&super::password::reset_code_key(id.0)).await?,
        )
    } else {
        (None, None)
    };
    let sites_to_move_to = if viewer.role == domain::account::Role::Admin {
        store
            .open_sites(viewer.municipality)
            .await?
            .into_iter()
            .filter(|s| Some(s.id) != record.site)
            .map(super::accounts::SiteView::from)
            .collect()
    } else {
        vec![]
    };
    Ok(FamilyView {
        record,
        today: today_for(&viewer).await?,
        invitation_issued,
        sites_to_move_to,
        reset_code_issued,
    })
}

/// A page of the caseload with what its form offers: the filter read from the page's URL, and
/// the municipality's coordinators and sites to choose from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseloadView {
    pub page: CaseloadPage,
    pub filter: domain::caseload::CaseloadFilter,
    pub coordinators: Vec<super::accounts::StaffChoice>,
    pub sites: Vec<super::accounts::SiteView>,
}

/// A page of the municipality's caseload as the page's URL query asks for it (without the `?`):
/// a search word by name or kana, filters (`domain::caseload::param`), and the first page or the
/// one right `after` or `before` a place in it (a cursor the previous page gave).
#[server(endpoint = "caseload")]
pub async fn caseload(query: String) -> Result<CaseloadView, AppError> {
    use super::context::{audit, require_staff, today_for, use_store};
    use domain::caseload::CaseloadFilter;
    use domain::family::{CaseloadCursor, CaseloadPosition};
    use domain::input::{Invalid, Problem};
    let viewer = require_staff().await?;
    if query.len() > 2000 {
        return Err(Invalid::new("search", Problem::TooLong).into());
    }
    let pairs: Vec<(String, String)> = form_urlencoded::parse(query.trim_start_matches('?').as_bytes())
        .into_owned()
        .collect();
    let get = |name: &str| pairs.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone());
    let filter = CaseloadFilter::from_query(get)?;
    let cursor = |field: &'static str| {
        get(field)
            .filter(|t| !t.is_empty())
            .map(|t| CaseloadCursor::parse(&t).ok_or(Invalid::new(field, Problem::Malformed)))
            .transpose()
    };
    let at = match (cursor("after")?, cursor("before")?) {
        (Some(after), _) => CaseloadPosition::After(after),
        (None, Some(before)) => CaseloadPosition::Before(before),
        (None, None) => CaseloadPosition::First,
    };
    let today = today_for(&viewer).await?;
    let store = use_store()?;
    let page = store.caseload(viewer.municipality, &filter, &at, today).await?;
    // A list of names and stages is a read of many families; the search words stay out of the log.
    audit(&viewer, "read_caseload", "caseload").await?;
    let coordinators = store
        .staff_members(viewer.municipality)
        .await?
        .into_iter()
        .filter(|s| !s.disabled)
        .map(|s| super::accounts::StaffChoice {
            id: s.account.0,
            name: s.display_name,
        })
        .collect();
    let sites = store
        .sites(viewer.municipality)
        .await?
        .into_iter()
        .map(super::accounts::SiteView::from)
        .collect();
    Ok(CaseloadView {
        page,
        filter,
        coordinators,
        sites,
    })
}

/// Issues a one-time invitation code for a family of the coordinator's municipality.
#[server(endpoint = "issue_invitation")]
pub async fn issue_invitation(family: i64) -> Result<InvitationView, AppError> {
    use super::context::{now, require_staff, server_context};
    use domain::invitation::InvitationCode;
    let viewer = require_staff().await?;
    let context = server_context()?;
    let code = InvitationCode::from_random(rand::random());
    let issued = context
        .store
        .issue_invitation(
            viewer.municipality,
            domain::ids::FamilyId(family),
            viewer.account,
            code,
            now(),
        )
        .await?;
    super::context::audit(&viewer, "issue_invitation", &format!("family:{family}")).await?;
    let municipality = context.store.municipality(viewer.municipality).await?;
    let link = format!(
        "{}/join?code={}",
        context.public_url.trim_end_matches('/'),
        issued.code.canonical()
    );
    let qr_svg = qrcode::QrCode::new(link.as_bytes())
        .map_err(|e| {
            tracing::error!(error = %e, "QR code");
            AppError::Internal
        })?
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(200, 200)
        .build();
    let invitation = InvitationView {
        code: issued.code.to_string(),
        link,
        qr_svg,
        expires_on: issued.expires_at.with_timezone(&municipality.time_zone).date_naive(),
    };
    if super::context::posted_without_client().await {
        super::context::show_on_next_page(&invitation_issued_key(family), &invitation).await?;
    }
    Ok(invitation)
}

/// Staff record a birth: the child joins the family and the pregnancy's timeline continues as the child's.
#[server(endpoint = "record_birth")]
pub async fn record_birth(
    family: i64,
    pregnancy: i64,
    name: String,
    name_kana: String,
    birth_date: String,
    sex: String,
) -> Result<(), AppError> {
    use super::context::{now, require_staff, today_for, use_store};
    use domain::ids::{FamilyId, PregnancyId};
    use domain::input::{Invalid, Problem};
    use domain::people::{Kana, PersonName, Sex};
    use store::families::NewChild;

    let viewer = require_staff().await?;
    let name = PersonName::parse("name", &name)?;
    let name_kana = Kana::parse("name_kana", &name_kana)?;
    let birth_date: NaiveDate = birth_date
        .trim()
        .parse()
        .map_err(|_| Invalid::new("birth_date", Problem::NotADate))?;
    if birth_date > today_for(&viewer).await? {
        return Err(Invalid::new("birth_date", Problem::DateOutOfRange).into());
    }
    let sex: Sex = sex.parse()?;
    let store = use_store()?;
    let child = NewChild {
        pregnancy: Some(PregnancyId(pregnancy)),
        name: &name,
        name_kana: &name_kana,
        birth_date,
        sex,
    };
    store
        .add_child(viewer.municipality, FamilyId(family), &child, now())
        .await?;
    super::context::audit(&viewer, "record_birth", &format!("family:{family}")).await?;
    super::reminders::plan::after_timeline_change(&store, viewer.municipality, FamilyId(family)).await;
    Ok(())
}

/// Staff record that a pregnancy ended without a birth; its reminders stop.
#[server(endpoint = "record_loss")]
pub async fn record_loss(family: i64, pregnancy: i64, ended_on: String) -> Result<(), AppError> {
    use super::context::{require_staff, today_for, use_store};
    use domain::ids::{FamilyId, PregnancyId};
    use domain::input::{Invalid, Problem};

    let viewer = require_staff().await?;
    let ended_on: NaiveDate = ended_on
        .trim()
        .parse()
        .map_err(|_| Invalid::new("ended_on", Problem::NotADate))?;
    if ended_on > today_for(&viewer).await? {
        return Err(Invalid::new("ended_on", Problem::DateOutOfRange).into());
    }
    let store = use_store()?;
    store
        .record_loss(viewer.municipality, FamilyId(family), PregnancyId(pregnancy), ended_on)
        .await?;
    super::context::audit(&viewer, "record_loss", &format!("family:{family}")).await?;
    super::reminders::plan::after_timeline_change(&store, viewer.municipality, FamilyId(family)).await;
    Ok(())
}
