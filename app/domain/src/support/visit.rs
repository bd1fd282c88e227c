//! Home visits: the ones every family gets (新生児訪問, 乳児家庭全戸訪問), the ones a plan adds
//! (養育支援訪問, follow-ups), and what a visit found.

use super::epds::Epds;
use crate::code_enum;
use crate::ids::{AccountId, ChildId, PregnancyId};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

code_enum!(
    VisitKind {
        /// 新生児訪問指導 (母子保健法11条) — within 28 days of birth.
        Newborn = "newborn",
        /// 乳児家庭全戸訪問 (こんにちは赤ちゃん事業) — every household with an infant, by 4 months.
        InfantHome = "infant_home",
        /// 養育支援訪問 — for families needing more support.
        ParentingSupport = "parenting_support",
        /// Any other visit a plan or a worry calls for.
        FollowUp = "follow_up",
    }
);

impl VisitKind {
    /// The timeline item a visit of this kind completes, if it is one every family gets.
    pub const fn timeline_key(self) -> Option<&'static str> {
        match self {
            VisitKind::Newborn => Some("visit-newborn"),
            VisitKind::InfantHome => Some("visit-infant-home"),
            VisitKind::ParentingSupport | VisitKind::FollowUp => None,
        }
    }

    pub fn of_timeline_key(key: &str) -> Option<Self> {
        match key {
            "visit-newborn" => Some(VisitKind::Newborn),
            "visit-infant-home" => Some(VisitKind::InfantHome),
            _ => None,
        }
    }
}

/// A visit planned or done.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HomeVisit {
    pub id: i64,
    pub kind: VisitKind,
    pub pregnancy: Option<PregnancyId>,
    pub child: Option<ChildId>,
    /// The last day it should happen.
    pub due_by: NaiveDate,
    pub assigned_to: Option<AccountId>,
    pub assigned_name: Option<String>,
    pub scheduled_on: Option<NaiveDate>,
    pub visited_on: Option<NaiveDate>,
    pub findings: String,
    pub epds: Option<Epds>,
}

impl HomeVisit {
    pub fn is_open(&self) -> bool {
        self.visited_on.is_none()
    }
}
