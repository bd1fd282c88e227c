//! 妊婦のための支援給付 (子ども・子育て支援法, from 2025-04): two payments per pregnancy, each
//! claimed by the pregnant person within two years of the day it can first be claimed.
//!
//! - The first (妊婦給付認定の申請, ¥50,000) from the confirmation of the fetal heartbeat; the
//!   notification date stands in where the heartbeat's date is not on file (a 妊娠届出 follows it).
//! - The second (胎児の数の届出, ¥50,000 per fetus) from the due date − 8 weeks (32w0d), or from
//!   the day the pregnancy ended if it ended earlier — a miscarriage, stillbirth or early birth
//!   after the heartbeat's confirmation leaves both payments due.
//!
//! Two years follow 民法's reckoning (初日不算入, 143条): the period ends on the day two years later
//! that corresponds to the first day, or the month's last day where that day does not exist.

use crate::code_enum;
use crate::family::{Pregnancy, PregnancyOutcome};
use crate::ids::PregnancyId;
use crate::schedule::dates::add_days;
use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};

code_enum!(
    BenefitClaim {
        /// 1回目: 妊婦給付認定の申請.
        First = "first",
        /// 2回目: 胎児の数の届出.
        Second = "second",
    }
);

impl BenefitClaim {
    pub const fn number(self) -> u8 {
        match self {
            BenefitClaim::First => 1,
            BenefitClaim::Second => 2,
        }
    }
}

/// The first day of 妊婦のための支援給付: pregnancies recognised before it had the earlier
/// 出産・子育て応援給付金 instead.
pub const PROGRAMME_STARTS_ON: NaiveDate = match NaiveDate::from_ymd_opt(2025, 4, 1) {
    Some(date) => date,
    None => panic!("a valid date"),
};

/// A claim the centre has received.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceivedClaim {
    pub pregnancy: PregnancyId,
    pub claim: BenefitClaim,
    pub received_on: NaiveDate,
}

/// A claim nearing its deadline makes a task this many days before it.
pub const DEADLINE_NOTICE_DAYS: i64 = 60;

/// The due date − 8 weeks: 32w0d, when the second claim opens.
const SECOND_CLAIM_BEFORE_DUE_DAYS: i64 = 56;

/// What the centre can tell a family about one claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClaimWindow {
    pub claim: BenefitClaim,
    /// The first day it can be claimed.
    pub from: NaiveDate,
    /// The last day it can be claimed, inclusive.
    pub until: NaiveDate,
    /// When the centre received the claim, if it has.
    pub received_on: Option<NaiveDate>,
}

/// Where a claim stands on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClaimState {
    Received,
    /// Before its first day.
    NotYet,
    Claimable,
    /// Claimable, with at most [`DEADLINE_NOTICE_DAYS`] left.
    NearDeadline,
    /// Its deadline passed without a claim.
    Lapsed,
}

impl ClaimWindow {
    pub fn state(&self, today: NaiveDate) -> ClaimState {
        if self.received_on.is_some() {
            ClaimState::Received
        } else if today < self.from {
            ClaimState::NotYet
        } else if today > self.until {
            ClaimState::Lapsed
        } else if today >= self.notice_from() {
            ClaimState::NearDeadline
        } else {
            ClaimState::Claimable
        }
    }

    /// The first day a claim not yet received is a task: [`DEADLINE_NOTICE_DAYS`] before its
    /// deadline, or its first day if that is later.
    pub fn notice_from(&self) -> NaiveDate {
        add_days(self.until, -DEADLINE_NOTICE_DAYS).max(self.from)
    }
}

/// The last day of a two-year claim period that opens on `from`.
pub fn two_years_from(from: NaiveDate) -> NaiveDate {
    from.checked_add_months(Months::new(24)).unwrap_or(NaiveDate::MAX)
}

/// The two claims of a pregnancy under the programme (none for one recognised before it began),
/// with what the centre has received of them.
pub fn pregnancy_claims(pregnancy: &Pregnancy, received: &[ReceivedClaim]) -> Option<[ClaimWindow; 2]> {
    if first_claim_opens(pregnancy)? < PROGRAMME_STARTS_ON {
        return None;
    }
    let of_pregnancy: Vec<(BenefitClaim, NaiveDate)> = received
        .iter()
        .filter(|r| r.pregnancy == pregnancy.id)
        .map(|r| (r.claim, r.received_on))
        .collect();
    claim_windows(pregnancy, &of_pregnancy)
}

/// The day the first claim opens: the heartbeat's confirmation, or the notification where that
/// is not on file. None only for a pregnancy with neither, which the register refuses.
pub fn first_claim_opens(pregnancy: &Pregnancy) -> Option<NaiveDate> {
    pregnancy.heartbeat_on.or(pregnancy.notified_on)
}

/// The two claims of a pregnancy, with what the centre has received (`received`: claim and day).
pub fn claim_windows(pregnancy: &Pregnancy, received: &[(BenefitClaim, NaiveDate)]) -> Option<[ClaimWindow; 2]> {
    let received_on = |claim| received.iter().filter(|(c, _)| *c == claim).map(|(_, on)| *on).min();
    let first = first_claim_opens(pregnancy)?;
    let mut second = add_days(pregnancy.due_date, -SECOND_CLAIM_BEFORE_DUE_DAYS);
    if pregnancy.outcome != PregnancyOutcome::Ongoing
        && let Some(ended) = pregnancy.ended_on
    {
        second = second.min(ended);
    }
    // Never before the first: the second claim follows the first's 認定.
    let second = second.max(first);
    Some([
        ClaimWindow {
            claim: BenefitClaim::First,
            from: first,
            until: two_years_from(first),
            received_on: received_on(BenefitClaim::First),
        },
        ClaimWindow {
            claim: BenefitClaim::Second,
            from: second,
            until: two_years_from(second),
            received_on: received_on(BenefitClaim::Second),
        },
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> NaiveDate {
        text.parse().expect("test dates are valid")
    }

    fn pregnancy(due: &str, notified: &str, outcome: PregnancyOutcome, ended: Option<&str>) -> Pregnancy {
        Pregnancy {
            id: PregnancyId(1),
            due_date: date(due),
            notified_on: Some(date(notified)),
            heartbeat_on: None,
            fetuses: 1,
            outcome,
            ended_on: ended.map(date),
        }
    }

    #[test]
    fn the_first_claim_runs_two_years_from_the_heartbeat_and_the_second_from_32_weeks() {
        let mut p = pregnancy("2026-09-01", "2026-02-10", PregnancyOutcome::Ongoing, None);
        p.heartbeat_on = Some(date("2026-01-28"));
        let [first, second] = claim_windows(&p, &[]).unwrap();
        assert_eq!((first.from, first.until), (date("2026-01-28"), date("2028-01-28")));
        // 32w0d = the due date − 56 days.
        assert_eq!((second.from, second.until), (date("2026-07-07"), date("2028-07-07")));
        // Without the heartbeat's date on file, the notification stands in.
        p.heartbeat_on = None;
        let [first, _] = claim_windows(&p, &[]).unwrap();
        assert_eq!(first.from, date("2026-02-10"));
    }

    #[test]
    fn a_loss_before_any_notification_leaves_both_claims_open_from_the_heartbeat_and_the_loss() {
        let mut lost = pregnancy("2026-09-01", "2026-02-10", PregnancyOutcome::Lost, Some("2026-03-20"));
        lost.notified_on = None;
        assert_eq!(
            claim_windows(&lost, &[]),
            None,
            "neither a heartbeat nor a notification"
        );
        assert_eq!(pregnancy_claims(&lost, &[]), None);
        lost.heartbeat_on = Some(date("2026-01-20"));
        let [first, second] = pregnancy_claims(&lost, &[]).expect("a pregnancy under the programme");
        assert_eq!((first.from, first.until), (date("2026-01-20"), date("2028-01-20")));
        assert_eq!((second.from, second.until), (date("2026-03-20"), date("2028-03-20")));
        assert_eq!(first.state(date("2026-04-01")), ClaimState::Claimable);
        assert_eq!(second.state(date("2026-04-01")), ClaimState::Claimable);
    }

    #[test]
    fn after_a_loss_the_second_claim_opens_on_the_day_of_the_loss() {
        let lost = pregnancy("2026-09-01", "2026-02-10", PregnancyOutcome::Lost, Some("2026-03-20"));
        let [first, second] = claim_windows(&lost, &[]).unwrap();
        assert_eq!(first.state(date("2026-03-21")), ClaimState::Claimable);
        assert_eq!((second.from, second.until), (date("2026-03-20"), date("2028-03-20")));
        assert_eq!(second.state(date("2026-03-21")), ClaimState::Claimable);
        // A loss after 32w0d: the second claim was open already.
        let late = pregnancy("2026-09-01", "2026-02-10", PregnancyOutcome::Lost, Some("2026-08-01"));
        assert_eq!(claim_windows(&late, &[]).unwrap()[1].from, date("2026-07-07"));
        // An early birth opens it too.
        let early = pregnancy("2026-09-01", "2026-02-10", PregnancyOutcome::Born, Some("2026-06-20"));
        assert_eq!(claim_windows(&early, &[]).unwrap()[1].from, date("2026-06-20"));
    }

    #[test]
    fn a_period_from_february_29_ends_on_the_last_day_of_february() {
        assert_eq!(two_years_from(date("2028-02-29")), date("2030-02-28"));
        assert_eq!(two_years_from(date("2026-03-31")), date("2028-03-31"));
    }

    #[test]
    fn pregnancies_recognised_before_april_2025_have_no_claims() {
        let before = pregnancy("2025-10-01", "2025-03-31", PregnancyOutcome::Ongoing, None);
        assert_eq!(pregnancy_claims(&before, &[]), None);
        let after = pregnancy("2025-10-01", "2025-04-01", PregnancyOutcome::Ongoing, None);
        let received = [
            ReceivedClaim {
                pregnancy: PregnancyId(1),
                claim: BenefitClaim::Second,
                received_on: date("2025-08-20"),
            },
            ReceivedClaim {
                pregnancy: PregnancyId(2),
                claim: BenefitClaim::First,
                received_on: date("2025-04-02"),
            },
        ];
        let [first, second] = pregnancy_claims(&after, &received).expect("under the programme");
        assert_eq!(first.received_on, None, "another pregnancy's claim");
        assert_eq!(second.received_on, Some(date("2025-08-20")));
    }

    #[test]
    fn states_follow_the_day_and_the_receipt() {
        let p = pregnancy("2026-09-01", "2026-02-10", PregnancyOutcome::Ongoing, None);
        let [first, second] = claim_windows(&p, &[]).unwrap();
        assert_eq!(second.state(date("2026-07-06")), ClaimState::NotYet);
        assert_eq!(second.state(date("2026-07-07")), ClaimState::Claimable);
        assert_eq!(first.notice_from(), date("2027-12-12"));
        assert_eq!(first.state(date("2027-12-11")), ClaimState::Claimable);
        assert_eq!(first.state(date("2027-12-12")), ClaimState::NearDeadline);
        assert_eq!(first.state(date("2028-02-10")), ClaimState::NearDeadline);
        assert_eq!(first.state(date("2028-02-11")), ClaimState::Lapsed);
        let [first, _] = claim_windows(&p, &[(BenefitClaim::First, date("2026-02-10"))]).unwrap();
        assert_eq!(first.state(date("2028-03-01")), ClaimState::Received);
        assert_eq!(first.received_on, Some(date("2026-02-10")));
    }
}
