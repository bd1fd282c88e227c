//! Families who need more: risk flags (要支援, 特定妊婦 …) and support plans (サポートプラン).

use crate::code_enum;
use crate::ids::AccountId;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

code_enum!(
    /// Why a family is followed more closely (児童福祉法 terms).
    RiskCategory {
        /// 要支援 — a family (or child) needing support.
        NeedsSupport = "needs_support",
        /// 特定妊婦 — a pregnant woman whose support after birth is especially needed.
        SpecifiedPregnancy = "specified_pregnancy",
        /// 要保護児童 — a child requiring protection (shared with 要対協 / 児童相談所).
        ChildRequiringProtection = "child_requiring_protection",
    }
);

code_enum!(
    /// What raised a flag.
    FlagOrigin {
        Interview = "interview",
        /// An EPDS at a home visit (total ≥ 9 or item 10 positive).
        Epds = "epds",
        Manual = "manual",
    }
);

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RiskFlag {
    pub id: i64,
    pub category: RiskCategory,
    pub origin: FlagOrigin,
    pub reason: String,
    pub raised_by_name: String,
    pub raised_on: NaiveDate,
    pub cleared_on: Option<NaiveDate>,
    pub clear_reason: Option<String>,
}

code_enum!(
    PlanStatus {
        Active = "active",
        Closed = "closed",
    }
);

/// サポートプラン: goals, services, who is responsible inside and outside the centre, and when it
/// is next reviewed. Every save keeps the previous version as history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupportPlan {
    pub id: i64,
    pub status: PlanStatus,
    pub goals: String,
    pub services: String,
    pub responsible: Option<AccountId>,
    pub responsible_name: Option<String>,
    /// Related institutions involved (names as in the directory, or free text).
    pub institutions: String,
    pub review_on: NaiveDate,
    /// Bumped on every save; a form sends the revision it was made from.
    pub revision: i64,
    pub history: Vec<PlanRevision>,
}

/// One saved version of a plan, newest first in [`SupportPlan::history`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanRevision {
    pub revision: i64,
    pub status: PlanStatus,
    pub goals: String,
    pub services: String,
    pub institutions: String,
    pub review_on: NaiveDate,
    pub saved_by_name: String,
    /// UTC instant, shown in the municipality's time zone.
    pub saved_at: chrono::DateTime<chrono::Utc>,
}

/// A new flag opens a plan whose first review (the first case conference) is a week away, so the
/// family appears on the task list at once.
pub const FIRST_REVIEW_AFTER_DAYS: i64 = 7;

/// Plan reviews show on the task list from this many days before they fall due.
pub const REVIEW_NOTICE_DAYS: i64 = 14;

pub fn first_review_on(flagged_on: NaiveDate) -> NaiveDate {
    crate::schedule::dates::add_days(flagged_on, FIRST_REVIEW_AFTER_DAYS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_review_is_a_week_after_the_flag() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        assert_eq!(first_review_on(d("2026-12-28")), d("2027-01-04"));
        assert_eq!(
            RiskCategory::parse("specified_pregnancy"),
            Some(RiskCategory::SpecifiedPregnancy)
        );
        assert_eq!(RiskCategory::ALL.len(), 3);
    }
}
