//! The domain's codes in the reader's language (区分, 訪問の種類, 機関の種別 …).

use crate::i18n::{Locale, t};
use domain::support::interview::{ChecklistTopic, HomeSupport, InterviewKind};
use domain::support::network::{InstitutionKind, ReferralStatus};
use domain::support::plan::{MeetingPurpose, PlanCategory, PlanStatus, SharingMethod};
use domain::support::risk::{FlagOrigin, RiskCategory};
use domain::support::visit::VisitKind;
use leptos::prelude::*;

type I18n = leptos_i18n::I18nContext<Locale>;

pub fn risk(i18n: I18n, c: RiskCategory) -> AnyView {
    match c {
        RiskCategory::NeedsSupport => t!(i18n, labels.risk.needs_support).into_any(),
        RiskCategory::SpecifiedPregnancy => t!(i18n, labels.risk.specified_pregnancy).into_any(),
        RiskCategory::ChildRequiringProtection => t!(i18n, labels.risk.child_requiring_protection).into_any(),
    }
}

pub fn origin(i18n: I18n, o: FlagOrigin) -> AnyView {
    match o {
        FlagOrigin::Interview => t!(i18n, labels.origin.interview).into_any(),
        FlagOrigin::Epds => t!(i18n, labels.origin.epds).into_any(),
        FlagOrigin::Manual => t!(i18n, labels.origin.manual).into_any(),
    }
}

pub fn visit(i18n: I18n, k: VisitKind) -> AnyView {
    match k {
        VisitKind::Newborn => t!(i18n, labels.visit.newborn).into_any(),
        VisitKind::InfantHome => t!(i18n, labels.visit.infant_home).into_any(),
        VisitKind::ParentingSupport => t!(i18n, labels.visit.parenting_support).into_any(),
        VisitKind::FollowUp => t!(i18n, labels.visit.follow_up).into_any(),
    }
}

pub fn interview(i18n: I18n, k: InterviewKind) -> AnyView {
    match k {
        InterviewKind::Notification => t!(i18n, labels.interview.notification).into_any(),
        InterviewKind::EightMonth => t!(i18n, labels.interview.eight_month).into_any(),
        InterviewKind::Postnatal => t!(i18n, labels.interview.postnatal).into_any(),
    }
}

pub fn home_support(i18n: I18n, h: HomeSupport) -> AnyView {
    match h {
        HomeSupport::Enough => t!(i18n, labels.home_support.enough).into_any(),
        HomeSupport::Some => t!(i18n, labels.home_support.some).into_any(),
        HomeSupport::None => t!(i18n, labels.home_support.none).into_any(),
    }
}

pub fn checklist(i18n: I18n, c: ChecklistTopic) -> AnyView {
    match c {
        ChecklistTopic::MentalHealthHistory => t!(i18n, labels.checklist.mental_health_history).into_any(),
        ChecklistTopic::PregnancyProblems => t!(i18n, labels.checklist.pregnancy_problems).into_any(),
        ChecklistTopic::NoHelper => t!(i18n, labels.checklist.no_helper).into_any(),
        ChecklistTopic::MoneyOrHousing => t!(i18n, labels.checklist.money_or_housing).into_any(),
        ChecklistTopic::LifeEvent => t!(i18n, labels.checklist.life_event).into_any(),
        ChecklistTopic::FamilyRelations => t!(i18n, labels.checklist.family_relations).into_any(),
        ChecklistTopic::MixedFeelings => t!(i18n, labels.checklist.mixed_feelings).into_any(),
        ChecklistTopic::SpecialCircumstances => t!(i18n, labels.checklist.special_circumstances).into_any(),
        ChecklistTopic::OtherConcern => t!(i18n, labels.checklist.other_concern).into_any(),
    }
}

pub fn institution(i18n: I18n, k: InstitutionKind) -> AnyView {
    match k {
        InstitutionKind::Hospital => t!(i18n, labels.institution.hospital).into_any(),
        InstitutionKind::PublicHealthCentre => t!(i18n, labels.institution.public_health_centre).into_any(),
        InstitutionKind::HealthCentre => t!(i18n, labels.institution.health_centre).into_any(),
        InstitutionKind::ChildGuidanceCentre => t!(i18n, labels.institution.child_guidance_centre).into_any(),
        InstitutionKind::ChildProtectionCouncil => t!(i18n, labels.institution.child_protection_council).into_any(),
        InstitutionKind::Nursery => t!(i18n, labels.institution.nursery).into_any(),
        InstitutionKind::ParentingSupportHub => t!(i18n, labels.institution.parenting_support_hub).into_any(),
        InstitutionKind::FamilySupportCentre => t!(i18n, labels.institution.family_support_centre).into_any(),
        InstitutionKind::TemporaryChildcare => t!(i18n, labels.institution.temporary_childcare).into_any(),
        InstitutionKind::ShortStay => t!(i18n, labels.institution.short_stay).into_any(),
        InstitutionKind::PostpartumCare => t!(i18n, labels.institution.postpartum_care).into_any(),
        InstitutionKind::ChildDevelopmentCentre => t!(i18n, labels.institution.child_development_centre).into_any(),
        InstitutionKind::Other => t!(i18n, labels.institution.other).into_any(),
    }
}

pub fn referral(i18n: I18n, s: ReferralStatus) -> AnyView {
    match s {
        ReferralStatus::Proposed => t!(i18n, labels.referral.proposed).into_any(),
        ReferralStatus::Referred => t!(i18n, labels.referral.referred).into_any(),
        ReferralStatus::Accepted => t!(i18n, labels.referral.accepted).into_any(),
        ReferralStatus::Completed => t!(i18n, labels.referral.completed).into_any(),
        ReferralStatus::Declined => t!(i18n, labels.referral.declined).into_any(),
    }
}

pub fn plan_status(i18n: I18n, s: PlanStatus) -> AnyView {
    match s {
        PlanStatus::Active => t!(i18n, labels.plan.active).into_any(),
        PlanStatus::Closed => t!(i18n, labels.plan.closed).into_any(),
    }
}

pub fn plan_category(i18n: I18n, c: PlanCategory) -> AnyView {
    match c {
        PlanCategory::SpecifiedPregnancy => t!(i18n, labels.plan_category.specified_pregnancy).into_any(),
        PlanCategory::ChildNeedingSupport => t!(i18n, labels.plan_category.child_needing_support).into_any(),
        PlanCategory::ChildRequiringProtection => t!(i18n, labels.plan_category.child_requiring_protection).into_any(),
        PlanCategory::MaternalChildHealth => t!(i18n, labels.plan_category.maternal_child_health).into_any(),
    }
}

pub fn sharing(i18n: I18n, m: SharingMethod) -> AnyView {
    match m {
        SharingMethod::InPerson => t!(i18n, labels.sharing.in_person).into_any(),
        SharingMethod::HomeVisit => t!(i18n, labels.sharing.home_visit).into_any(),
        SharingMethod::Phone => t!(i18n, labels.sharing.phone).into_any(),
        SharingMethod::Document => t!(i18n, labels.sharing.document).into_any(),
    }
}

pub fn meeting_purpose(i18n: I18n, p: MeetingPurpose) -> AnyView {
    match p {
        MeetingPurpose::Decided => t!(i18n, labels.meeting.decided).into_any(),
        MeetingPurpose::Reviewed => t!(i18n, labels.meeting.reviewed).into_any(),
    }
}

/// `<option>`s for every value of a code enum, labelled in the reader's language.
pub fn options<T: Copy + 'static>(
    i18n: I18n,
    all: &'static [T],
    code: fn(T) -> &'static str,
    label: fn(I18n, T) -> AnyView,
) -> impl IntoView {
    all.iter()
        .map(|&value| view! { <option value=code(value)>{label(i18n, value)}</option> })
        .collect_view()
}
