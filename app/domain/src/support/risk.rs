//! Families who need more: risk flags (要支援, 特定妊婦 …); the plans they open are in [`super::plan`].

use crate::code_enum;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn categories_parse_from_their_codes() {
        assert_eq!(
            RiskCategory::parse("specified_pregnancy"),
            Some(RiskCategory::SpecifiedPregnancy)
        );
        assert_eq!(RiskCategory::ALL.len(), 3);
    }
}
