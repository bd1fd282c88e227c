//! Issuing a parent's invitation on the family page: the code, link and QR code are shown once,
//! when they are made.

use crate::api::families::{InvitationView, IssueInvitation};
use crate::i18n::td_string;
use crate::ui::format::{date, error_text};
use leptos::form::ActionForm;
use leptos::prelude::*;

#[island]
pub fn InvitationIssuer(lang: String, family: i64, issued: Option<InvitationView>) -> impl IntoView {
    let locale = super::locale(&lang);
    let issue = ServerAction::<IssueInvitation>::new();
    // Issued by the form posted before the client started (or without it): the server kept it
    // for this page, once.
    let issued = issued.map(Ok);
    let outcome = move || {
        issue.value().get().or_else(|| issued.clone()).map(|result| match result {
            Ok(invitation) => {
                let expires = date(locale, invitation.expires_on);
                view! {
                    <dl class="invitation" data-testid="invitation">
                        <dt>{td_string!(locale, family.invite_code)}</dt>
                        <dd class="code" data-testid="invitation-code">{invitation.code}</dd>
                        <dt>{td_string!(locale, family.invite_link)}</dt>
                        <dd><a href=invitation.link.clone() data-testid="invitation-link">{invitation.link.clone()}</a></dd>
                        <dd class="qr" data-testid="invitation-qr" inner_html=invitation.qr_svg></dd>
                        <dd class="muted">{td_string!(locale, family.invite_expires, date = expires).to_string()}</dd>
                    </dl>
                }
                .into_any()
            }
            Err(error) => view! { <p class="error" role="alert" data-testid="error">{error_text(locale, &error)}</p> }.into_any(),
        })
    };
    view! {
        <ActionForm action=issue>
            <input type="hidden" name="family" value=family />
            <button type="submit" data-testid="issue-invitation">{td_string!(locale, family.invite)}</button>
        </ActionForm>
        {outcome}
    }
}
