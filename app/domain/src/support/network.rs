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
    /// Still waiting for the institution's answer (taken on, done or declined).
    pub const fn awaits_answer(self) -> bool {
        matches!(self, ReferralStatus::Proposed | ReferralStatus::Referred)
    }

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
    /// The day the centre expects the institution's answer by (回答期限); after it, a referral
    /// still waiting is a task for the coordinator who made it.
    pub due_back_on: Option<NaiveDate>,
}

impl Referral {
    /// Waiting past its due-back day on `today`.
    pub fn is_overdue(&self, today: NaiveDate) -> bool {
        self.status.awaits_answer() && self.due_back_on.is_some_and(|d| d < today)
    }
}

/// A due-back day for a referral made on `referred_on`: none, or one not before it.
pub fn due_back_on(
    referred_on: NaiveDate,
    due_back: Option<NaiveDate>,
) -> Result<Option<NaiveDate>, crate::input::Invalid> {
    use crate::input::{Invalid, Problem};
    match due_back {
        Some(d) if d < referred_on || d > referred_on + chrono::Days::new(366) => {
            Err(Invalid::new("due_back_on", Problem::DateOutOfRange))
        }
        other => Ok(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn referral(status: ReferralStatus, due_back_on: Option<&str>) -> Referral {
        Referral {
            id: 1,
            institution: 2,
            institution_name: "こども病院".into(),
            institution_kind: InstitutionKind::Hospital,
            reason: "発達の相談".into(),
            status,
            outcome: String::new(),
            referred_on: d("2026-11-01"),
            referred_by_name: "保健 花子".into(),
            due_back_on: due_back_on.map(d),
        }
    }

    #[test]
    fn a_referral_is_overdue_only_after_its_day_and_while_it_waits() {
        let waiting = referral(ReferralStatus::Referred, Some("2026-11-15"));
        assert!(!waiting.is_overdue(d("2026-11-15")));
        assert!(waiting.is_overdue(d("2026-11-16")));
        assert!(referral(ReferralStatus::Proposed, Some("2026-11-15")).is_overdue(d("2026-11-16")));
        for answered in [
            ReferralStatus::Accepted,
            ReferralStatus::Completed,
            ReferralStatus::Declined,
        ] {
            assert!(!referral(answered, Some("2026-11-15")).is_overdue(d("2026-12-01")));
        }
        assert!(!referral(ReferralStatus::Referred, None).is_overdue(d("2027-12-01")));
    }

    #[test]
    fn a_due_back_day_falls_within_a_year_of_the_referral() {
        let on = d("2026-11-01");
        assert_eq!(due_back_on(on, None), Ok(None));
        assert_eq!(due_back_on(on, Some(on)), Ok(Some(on)));
        assert_eq!(due_back_on(on, Some(d("2027-11-01"))), Ok(Some(d("2027-11-01"))));
        for wrong in ["2026-10-31", "2027-11-03"] {
            assert_eq!(
                due_back_on(on, Some(d(wrong))).unwrap_err().problem,
                crate::input::Problem::DateOutOfRange
            );
        }
    }
}
