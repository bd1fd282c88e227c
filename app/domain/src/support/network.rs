//! The centre's network: related institutions (関係機関) and referrals (紹介・連携) of families to them.

use crate::code_enum;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

code_enum!(
    /// Kinds of related institution, from the reference's list.
    InstitutionKind {
        /// 医療機関 — obstetrics, paediatrics, psychiatry.
        Hospital = "hospital",
        /// 保健所.
        PublicHealthCentre = "public_health_centre",
        /// 市町村保健センター.
        HealthCentre = "health_centre",
        /// 児童相談所.
        ChildGuidanceCentre = "child_guidance_centre",
        /// 要保護児童対策地域協議会 (要対協).
        ChildProtectionCouncil = "child_protection_council",
        /// 保育所 / 認定こども園 / 幼稚園.
        Nursery = "nursery",
        /// 地域子育て支援拠点.
        ParentingSupportHub = "parenting_support_hub",
        /// ファミリー・サポート・センター.
        FamilySupportCentre = "family_support_centre",
        /// 一時預かり.
        TemporaryChildcare = "temporary_childcare",
        /// 子育て短期支援 (ショートステイ・トワイライトステイ).
        ShortStay = "short_stay",
        /// 産後ケア施設.
        PostpartumCare = "postpartum_care",
        /// 児童発達支援センター.
        ChildDevelopmentCentre = "child_development_centre",
        /// 民生委員・児童委員, 母子生活支援施設 and others.
        Other = "other",
    }
);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Institution {
    pub id: i64,
    pub kind: InstitutionKind,
    pub name: String,
    pub phone: String,
    pub note: String,
}

code_enum!(
    /// Where a referral stands.
    ReferralStatus {
        /// Suggested to the family, not yet passed on.
        Proposed = "proposed",
        /// Passed on to the institution.
        Referred = "referred",
        /// The institution took the family on.
        Accepted = "accepted",
        /// Done, with an outcome.
        Completed = "completed",
        /// The family or the institution declined.
        Declined = "declined",
    }
);

impl ReferralStatus {
    pub const fn is_open(self) -> bool {
        matches!(
            self,
            ReferralStatus::Proposed | ReferralStatus::Referred | ReferralStatus::Accepted
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Referral {
    pub id: i64,
    pub institution: i64,
    pub institution_name: String,
    pub institution_kind: InstitutionKind,
    pub reason: String,
    pub status: ReferralStatus,
    pub outcome: String,
    pub referred_on: NaiveDate,
    pub referred_by_name: String,
}
