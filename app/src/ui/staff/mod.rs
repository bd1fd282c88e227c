//! The coordinators' screens. They are rendered on the server like every page; their code is not
//! in the WASM client at all (only islands are).

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

/// The page of each screen, by the name the route table uses.
pub mod routes {
    pub use super::accounts::AccountsPage as Accounts;
    pub use super::audit::AuditPage as Audit;
    pub use super::caseload::CaseloadPage as Caseload;
    pub use super::consultations::{InboxPage as Inbox, StaffConsultationPage as Consultation};
    pub use super::failed_reminders::FailedRemindersPage as FailedReminders;
    pub use super::family::FamilyPage as Family;
    pub use super::figures::FiguresPage as Figures;
    pub use super::institutions::InstitutionsPage as Institutions;
    pub use super::register::RegisterPage as Register;
    pub use super::slots::SlotsPage as Slots;
    pub use super::tasks::TasksPage as Tasks;
}
