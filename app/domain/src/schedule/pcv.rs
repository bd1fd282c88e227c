//! 小児用肺炎球菌 (PCV): how many doses, and which is the booster, depend on the first dose's age.
//!
//! 定期接種実施要領 第2の5: a first dose through 生後7月 → 3 primary + booster; through 生後12月 →
//! 2 primary + booster; through 生後24月 → 2 doses ≥60日 apart; through 生後60月 → 1 dose.
//! Primary doses not given by 生後24月 are skipped (the booster is still allowed), and a second
//! primary after 生後12月 skips the third. Doses are numbered in the order given, so for a start
//! at 7–12 months `pcv-3` is the booster and `pcv-4` is `not_needed`.
//!
//! The legacy Hib series (4種混合 era) follows the same rules with its own numbers: a first dose
//! through 生後7月 → 3 primary + booster; through 生後12月 → 2 primary + booster; through 生後60月
//! → 1 dose. Primary doses not given by 生後12月 are skipped; the booster is ≥7月 after the last
//! primary, with no age floor and a standard period counted from that primary (7–13月).

use chrono::NaiveDate;

use super::definition::{Branch, Series, StartAge};
use super::engine::{AnchorDate, Dates, Planner};
use super::timeline::{Item, RecordProblem, Status};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Primary,
    Booster,
}

/// A dose as later doses count from it: given (counted) or projected.
#[derive(Debug, Clone, Copy)]
struct PcvDose {
    date: NaiveDate,
    role: Role,
    counted: bool,
}

/// The start-age rules resolved for one child.
struct Rules<'a> {
    start_age: &'a StartAge,
    birth: NaiveDate,
    legal_from: NaiveDate,
    legal_until: NaiveDate,
}

impl Rules<'_> {
    fn branch(&self, first_dose: NaiveDate) -> Option<&Branch> {
        self.start_age
            .branches
            .iter()
            .find(|branch| first_dose <= branch.first_dose_until.resolve(self.birth))
    }

    fn primary_deadline(&self) -> NaiveDate {
        self.start_age
            .primary_deadline
            .resolve(self.birth)
            .min(self.legal_until)
    }

    /// The role of the next dose after `doses`, if the rules call for one, for a dose given on
    /// `when` (a record's date, or today for a dose not yet given).
    fn next_role(&self, doses: &[PcvDose], when: NaiveDate) -> Option<Role> {
        let (Some(first), Some(last)) = (doses.first(), doses.last()) else {
            return Some(Role::Primary);
        };
        let branch = self.branch(first.date)?;
        if doses.iter().any(|dose| dose.role == Role::Booster) {
            return None;
        }
        let primaries = doses.len();
        let skip_third_after = self
            .start_age
            .third_primary_skipped_if_second_after
            .map(|point| point.resolve(self.birth));
        let needed = match (doses.get(1), skip_third_after) {
            (Some(second), Some(after)) if branch.primary >= 3 && second.date > after => 2,
            _ => branch.primary,
        };
        if primaries < needed {
            let deadline = self.primary_deadline();
            let next = self.start_age.primary_interval.after(last.date).max(self.legal_from);
            if next <= deadline && when <= deadline {
                return Some(Role::Primary);
            }
        }
        branch.booster.then_some(Role::Booster)
    }

    fn dates(&self, doses: &[PcvDose], role: Role) -> Dates {
        let projected = doses.iter().any(|dose| !dose.counted);
        let (Some(first), Some(last)) = (doses.first(), doses.last()) else {
            let recommended = self.start_age.first_dose_recommended;
            return Dates::new(
                self.legal_from,
                (
                    Some(recommended.from.resolve(self.birth)),
                    Some(recommended.until.resolve(self.birth)),
                ),
                self.legal_until,
                projected,
            );
        };
        match role {
            Role::Primary => Dates::new(
                self.start_age.primary_interval.after(last.date).max(self.legal_from),
                (None, Some(self.start_age.primary_recommended_until.resolve(self.birth))),
                self.primary_deadline(),
                projected,
            ),
            Role::Booster => {
                let floor = self
                    .start_age
                    .booster_not_before
                    .map_or(self.legal_from, |point| point.resolve(self.birth).max(self.legal_from));
                let earliest = self.start_age.booster_interval.after(last.date).max(floor);
                let branch = self.branch(first.date);
                let by_age = branch
                    .and_then(|branch| branch.booster_recommended)
                    .map(|span| (span.from.resolve(self.birth), span.until.resolve(self.birth)));
                let after_primary = branch
                    .and_then(|branch| branch.booster_recommended_after)
                    .map(|span| (span.from.after(last.date), span.until.after(last.date)));
                let recommended = by_age.or(after_primary);
                Dates::new(
                    earliest,
                    (recommended.map(|(from, _)| from), recommended.map(|(_, until)| until)),
                    self.legal_until,
                    projected,
                )
            }
        }
    }

    /// Checks a record of the dose at `index` against the doses that actually count.
    fn check(&self, counted: &[PcvDose], index: usize, done_on: NaiveDate) -> Result<(Role, Dates), RecordProblem> {
        if index > 0 && counted.is_empty() {
            return Err(RecordProblem::NoEarlierDose);
        }
        let role = self.next_role(counted, done_on).ok_or(RecordProblem::NotNeeded)?;
        let dates = self.dates(counted, role);
        if done_on < dates.earliest {
            return Err(RecordProblem::BeforeEarliest {
                earliest: dates.earliest,
            });
        }
        if done_on > dates.latest {
            return Err(RecordProblem::AfterLatest { latest: dates.latest });
        }
        Ok((role, dates))
    }
}

pub(crate) fn plan_series(
    planner: &mut Planner<'_>,
    series: &Series,
    start_age: &StartAge,
    anchor: AnchorDate,
) -> Vec<Item> {
    let (window, slots) = series.for_product(planner.product(series));
    let (legal_from, legal_until) = planner.legal_window(series, None, window, anchor);
    let rules = Rules {
        start_age,
        birth: anchor.date,
        legal_from,
        legal_until,
    };
    let mut counted: Vec<PcvDose> = Vec::with_capacity(slots);
    let mut planned: Vec<PcvDose> = Vec::with_capacity(slots);
    let mut items: Vec<Item> = Vec::with_capacity(slots);
    for index in 0..slots {
        let key = series.item_key(index);
        let mut done: Option<(NaiveDate, Role, Dates)> = None;
        for (record, done_on) in planner.records_of(&key) {
            if let Some((counted_on, ..)) = done {
                planner.refuse(record, RecordProblem::Duplicate { counted_on });
                continue;
            }
            if anchor.projected {
                planner.refuse(record, RecordProblem::NotBornYet);
                continue;
            }
            match rules.check(&counted, index, done_on) {
                Ok((role, dates)) => {
                    planner.count(record);
                    done = Some((done_on, role, dates));
                }
                Err(problem) => planner.refuse(record, problem),
            }
        }
        if let Some((done_on, role, dates)) = done {
            let dose = PcvDose {
                date: done_on,
                role,
                counted: true,
            };
            counted.push(dose);
            planned.push(dose);
            items.push(planner.item(series, index, dates, Status::Completed, Some(done_on)));
            continue;
        }
        match rules.next_role(&planned, planner.today) {
            Some(role) => {
                let (dates, status) = planner.settle(series, rules.dates(&planned, role), anchor);
                planned.push(PcvDose {
                    // Later doses assume this one is given on its recommended_from (contract).
                    date: dates.recommended_from,
                    role,
                    counted: false,
                });
                items.push(planner.item(series, index, dates, status, None));
            }
            None => {
                // A skipped dose keeps the dates of the dose before it, so it sorts beside it.
                let dates = items.last().map_or_else(
                    || rules.dates(&[], Role::Primary),
                    |previous| Dates {
                        earliest: previous.earliest,
                        recommended_from: previous.recommended_from,
                        recommended_until: previous.recommended_until,
                        latest: previous.latest,
                        projected: previous.projected,
                    },
                );
                items.push(planner.item(series, index, dates, Status::NotNeeded, None));
            }
        }
    }
    items
}
