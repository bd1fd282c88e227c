//! The coordinators' screens. Parents never open them, so each is its own lazily loaded route: its
//! code is split out of the WASM every page loads (`cargo leptos build --split`) and fetched the
//! first time a coordinator opens the screen (hydrating a staff page fetches it before hydrating).

pub mod accounts;
pub mod audit;
pub mod caseload;
pub mod consultations;
pub mod failed_reminders;
pub mod family;
pub mod figures;
pub mod institutions;
pub mod labels;
pub mod register;
pub mod slots;
pub mod support;
pub mod tasks;

/// The route of each screen: `Lazy::<routes::Caseload>::new()` in the route table.
pub mod routes {
    use leptos::prelude::*;
    use leptos_router::{LazyRoute, lazy_route};

    /// A route whose view (the page component and all only it uses) lives in its own WASM chunk.
    /// The pages load their own data, so there is nothing to fetch beside the chunk.
    macro_rules! lazy_screens {
        ($($route:ident => $page:path),* $(,)?) => {$(
            pub struct $route;

            #[lazy_route]
            impl LazyRoute for $route {
                fn data() -> Self {
                    $route
                }

                fn view(_this: Self) -> AnyView {
                    view! { <$page /> }.into_any()
                }
            }
        )*};
    }

    lazy_screens! {
        Caseload => super::caseload::CaseloadPage,
        Family => super::family::FamilyPage,
        Accounts => super::accounts::AccountsPage,
        Register => super::register::RegisterPage,
        Tasks => super::tasks::TasksPage,
        Institutions => super::institutions::InstitutionsPage,
        Figures => super::figures::FiguresPage,
        Audit => super::audit::AuditPage,
        Inbox => super::consultations::InboxPage,
        Consultation => super::consultations::StaffConsultationPage,
        Slots => super::slots::SlotsPage,
        FailedReminders => super::failed_reminders::FailedRemindersPage,
    }
}
