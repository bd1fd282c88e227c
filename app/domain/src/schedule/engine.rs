//! The timeline engine: pure, no clock; `today` is a parameter.

use chrono::NaiveDate;

use super::dates::add_days;
use super::definition::{Anchor, Dose, DoseRef, Schedule, Series, Span};
use super::key::{ItemKey, SeriesKey};
use super::pcv;
use super::subject::{Options, Record, Subject};
use super::timeline::{InvalidRecord, Item, RecordProblem, Status, Timeline};

/// 注射生ワクチンから次の注射生ワクチンまで27日以上: the next is valid 28 days later.
const LIVE_VACCINE_GAP_DAYS: i64 = 28;

/// Computes a subject's timeline from a schedule, the recorded events, the product choices and
/// the day the statuses are for.
pub fn plan(
    schedule: &Schedule,
    subject: &Subject,
    records: &[Record],
    options: &Options,
    today: NaiveDate,
) -> Timeline {
    let mut planner = Planner::new(schedule, subject, records, options, today);
    let mut items: Vec<(usize, Item)> = Vec::new();
    for (order, series) in schedule.series().iter().enumerate() {
        let Some(anchor) = planner.anchor(series) else {
            continue;
        };
        if series.only_if_recorded && !records.iter().any(|record| record.key.series() == &series.key) {
            continue;
        }
        let series_items = match &series.start_age {
            Some(start_age) => pcv::plan_series(&mut planner, series, start_age, anchor),
            None => planner.plan_series(series, anchor),
        };
        items.extend(series_items.into_iter().map(|item| (order, item)));
    }
    for series in schedule.series() {
        if let Some(by) = &series.superseded_by
            && superseding(schedule, by, &items, records)
        {
            for (_, item) in items.iter_mut().filter(|(_, item)| item.series == series.key) {
                if item.done_on.is_none() {
                    item.status = Status::NotNeeded;
                }
            }
        }
    }
    items.sort_by(|(order_a, a), (order_b, b)| {
        (a.recommended_from, a.latest, order_a, a.dose).cmp(&(b.recommended_from, b.latest, order_b, b.dose))
    });
    Timeline {
        items: items.into_iter().map(|(_, item)| item).collect(),
        invalid_records: planner.invalid_records(),
    }
}

/// The item key each record counts for. Records of a series that counts the records of products
/// no longer used (and of those products) are numbered by date, the same-day ones in the order
/// written; every other record keeps its key.
fn counted_keys(schedule: &Schedule, records: &[Record]) -> Vec<Option<ItemKey>> {
    let mut keys: Vec<Option<ItemKey>> = records.iter().map(|record| Some(record.key.clone())).collect();
    for series in schedule
        .series()
        .iter()
        .filter(|series| !series.counts_records_of.is_empty())
    {
        let mut doses: Vec<(NaiveDate, u8, usize)> = records
            .iter()
            .enumerate()
            .filter(|(_, record)| {
                let of = record.key.series();
                of == &series.key || series.counts_records_of.contains(of)
            })
            .map(|(index, record)| (record.done_on, record.key.dose(), index))
            .collect();
        if doses
            .iter()
            .all(|(_, _, index)| records[*index].key.series() == &series.key)
        {
            continue;
        }
        doses.sort();
        for (place, (_, _, index)) in doses.into_iter().enumerate() {
            // A record beyond the series' last dose counts for nothing: reported as not in the timeline.
            keys[index] = (place < series.max_doses()).then(|| series.item_key(place));
        }
    }
    keys
}

/// Whether the series `by` gives what a superseded series would: it has a record of its own, or
/// the child began it on a product no longer used and it still has doses to give (the legacy Hib
/// series ends once 5種混合 takes over: 事務連絡 2025-07-25).
fn superseding(schedule: &Schedule, by: &SeriesKey, items: &[(usize, Item)], records: &[Record]) -> bool {
    let legacy = schedule
        .find(by)
        .map(|series| series.counts_records_of.as_slice())
        .unwrap_or_default();
    let own = records.iter().any(|record| record.key.series() == by);
    let begun_on_legacy = records.iter().any(|record| legacy.contains(record.key.series()));
    let remaining = items
        .iter()
        .any(|(_, item)| &item.series == by && matches!(item.status, Status::Upcoming | Status::Due | Status::Overdue));
    own || (begun_on_legacy && remaining)
}

/// The date a series counts from, and whether it is itself a projection (the due date standing
/// in for a birth that has not happened).
#[derive(Debug, Clone, Copy)]
pub(crate) struct AnchorDate {
    pub date: NaiveDate,
    pub projected: bool,
}

/// An item's dates before its status is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Dates {
    pub earliest: NaiveDate,
    pub recommended_from: NaiveDate,
    pub recommended_until: NaiveDate,
    pub latest: NaiveDate,
    pub projected: bool,
}

impl Dates {
    /// Keeps the recommended period inside the valid one: never before `earliest`, never after
    /// `latest`, and never ending before it starts.
    pub fn new(
        earliest: NaiveDate,
        recommended: (Option<NaiveDate>, Option<NaiveDate>),
        latest: NaiveDate,
        projected: bool,
    ) -> Self {
        let recommended_from = recommended.0.map_or(earliest, |from| from.max(earliest));
        let recommended_until = recommended
            .1
            .map_or(latest, |until| until.min(latest))
            .max(recommended_from);
        Dates {
            earliest,
            recommended_from,
            recommended_until,
            latest,
            projected,
        }
    }

    pub fn status(&self, today: NaiveDate) -> Status {
        if today > self.latest || self.earliest > self.latest {
            Status::Missed
        } else if self.projected || today < self.earliest || today < self.recommended_from {
            Status::Upcoming
        } else if today <= self.recommended_until {
            Status::Due
        } else {
            Status::Overdue
        }
    }
}

/// What became of a record.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Verdict {
    Pending,
    Counted,
    Refused(RecordProblem),
}

/// A recorded injectable live dose, which pushes every later injectable live dose by 27 days.
#[derive(Debug, Clone)]
struct LiveDose {
    record: usize,
    key: ItemKey,
    given_on: NaiveDate,
}

/// One dose of a standard series being planned: what the rules say about it and its window.
#[derive(Clone, Copy)]
struct Slot<'s> {
    series: &'s Series,
    dose: &'s Dose,
    legal: (NaiveDate, NaiveDate),
    anchor: AnchorDate,
}

/// One dose as later doses count from it: its actual date, or its projected one.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Given {
    pub date: NaiveDate,
    pub counted: bool,
}

/// How a pregnancy ended, if it has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ending {
    Birth(NaiveDate),
    Loss(NaiveDate),
}

impl Ending {
    fn date(self) -> NaiveDate {
        match self {
            Ending::Birth(date) | Ending::Loss(date) => date,
        }
    }
}

pub(crate) struct Planner<'a> {
    subject: &'a Subject,
    records: &'a [Record],
    options: &'a Options,
    pub today: NaiveDate,
    verdicts: Vec<Verdict>,
    /// The item each record is a dose of: its own key, or for a series that counts the records of
    /// products no longer used, its place among all of them by date (4種混合 ×2 then 5種混合 → #3).
    counts_as: Vec<Option<ItemKey>>,
    live: Vec<LiveDose>,
}

impl<'a> Planner<'a> {
    fn new(
        schedule: &Schedule,
        subject: &'a Subject,
        records: &'a [Record],
        options: &'a Options,
        today: NaiveDate,
    ) -> Self {
        let verdicts = records
            .iter()
            .map(|record| {
                if record.done_on > today {
                    Verdict::Refused(RecordProblem::AfterToday { today })
                } else {
                    Verdict::Pending
                }
            })
            .collect::<Vec<_>>();
        // Counted or not: a live dose given too early still interferes (contract).
        let live = records
            .iter()
            .enumerate()
            .filter(|(index, record)| {
                verdicts[*index] == Verdict::Pending
                    && schedule
                        .find(record.key.series())
                        .is_some_and(Series::is_injectable_live)
            })
            .map(|(record, entry)| LiveDose {
                record,
                key: entry.key.clone(),
                given_on: entry.done_on,
            })
            .collect();
        Planner {
            subject,
            records,
            options,
            today,
            verdicts,
            counts_as: counted_keys(schedule, records),
            live,
        }
    }

    fn anchor(&self, series: &Series) -> Option<AnchorDate> {
        let actual = |date| AnchorDate { date, projected: false };
        match series.anchor {
            Anchor::Pregnancy => self.subject.pregnancy_began().map(actual),
            Anchor::Birth => match self.subject.birth_date() {
                Some(birth) => Some(actual(birth)),
                None if series.planned_before_birth => self.subject.due_date().map(|due| AnchorDate {
                    date: due,
                    projected: true,
                }),
                None => None,
            },
        }
    }

    fn ending(&self) -> Option<Ending> {
        match *self.subject {
            Subject::Born { birth_date, .. } => Some(Ending::Birth(birth_date)),
            Subject::Lost { loss_date, .. } => Some(Ending::Loss(loss_date)),
            Subject::Pregnancy { .. } | Subject::Child { .. } => None,
        }
    }

    pub fn product(&self, series: &Series) -> Option<&'static str> {
        series.option.map(|option| self.options.product(option))
    }

    /// The pending records of one item, earliest first; records dated the same keep their order.
    pub fn records_of(&self, key: &ItemKey) -> Vec<(usize, NaiveDate)> {
        let mut found: Vec<_> = self
            .records
            .iter()
            .enumerate()
            .filter(|(index, _)| {
                self.counts_as[*index].as_ref() == Some(key) && self.verdicts[*index] == Verdict::Pending
            })
            .map(|(index, record)| (index, record.done_on))
            .collect();
        found.sort_by_key(|(_, date)| *date);
        found
    }

    pub fn count(&mut self, record: usize) {
        self.verdicts[record] = Verdict::Counted;
    }

    pub fn refuse(&mut self, record: usize, problem: RecordProblem) {
        self.verdicts[record] = Verdict::Refused(problem);
    }

    fn invalid_records(&self) -> Vec<InvalidRecord> {
        self.records
            .iter()
            .zip(&self.verdicts)
            .filter_map(|(record, verdict)| {
                let reason = match verdict {
                    Verdict::Counted => return None,
                    Verdict::Pending => RecordProblem::NotInTimeline,
                    Verdict::Refused(problem) => problem.clone(),
                };
                Some(InvalidRecord {
                    key: record.key.clone(),
                    done_on: record.done_on,
                    reason,
                })
            })
            .collect()
    }

    /// The legal window of one dose: its own or the product's, widened for a birth cohort's
    /// extension and narrowed by a programme's start.
    pub fn legal_window(
        &self,
        series: &Series,
        dose: Option<&Dose>,
        window: Span,
        anchor: AnchorDate,
    ) -> (NaiveDate, NaiveDate) {
        let span = dose.and_then(|dose| dose.window).unwrap_or(window);
        let mut from = span.from.resolve(anchor.date);
        let mut until = span.until.resolve(anchor.date);
        if let (Some(dose), Some(birth)) = (dose, self.subject.birth_date())
            && series.anchor == Anchor::Birth
        {
            for extension in &dose.extensions {
                if (extension.born_from..=extension.born_until).contains(&birth) {
                    until = until.max(extension.latest.resolve(birth));
                }
            }
        }
        // A window that closed before the programme began is left whole: the item is not needed.
        if let Some(starts_on) = series.starts_on
            && until >= starts_on
        {
            from = from.max(starts_on);
        }
        (from, until)
    }

    /// The latest date of a recorded injectable live dose that a live dose given on `given_on`
    /// comes less than 28 days after, if any.
    fn live_conflict(&self, record: usize, given_on: NaiveDate) -> Option<&LiveDose> {
        self.live
            .iter()
            .filter(|live| {
                live.record != record
                    && live.given_on < given_on
                    && given_on < add_days(live.given_on, LIVE_VACCINE_GAP_DAYS)
            })
            .max_by_key(|live| live.given_on)
    }

    /// The first day a live dose not yet given can follow every recorded live dose.
    fn live_floor(&self, before: Option<NaiveDate>) -> Option<NaiveDate> {
        self.live
            .iter()
            .filter(|live| before.is_none_or(|date| live.given_on < date))
            .map(|live| add_days(live.given_on, LIVE_VACCINE_GAP_DAYS))
            .max()
    }

    /// Whether the end of the pregnancy makes an item that was not done unnecessary: every
    /// pregnancy item after a loss (ended gently, never missed), and after a birth the ones whose
    /// recommended period had not begun.
    pub fn ended_gently(&self, series: &Series, dates: &Dates, anchor: AnchorDate) -> bool {
        match (self.ending(), series.anchor) {
            (Some(Ending::Loss(_)), Anchor::Pregnancy) => true,
            (Some(Ending::Loss(_)), Anchor::Birth) => anchor.projected,
            (Some(Ending::Birth(birth)), Anchor::Pregnancy) => dates.recommended_from > birth,
            _ => false,
        }
    }

    /// Refuses a record that falls after the latest date, naming the end of the pregnancy when
    /// that is what closed the window.
    pub fn after_latest(&self, series: &Series, latest: NaiveDate) -> RecordProblem {
        match self.ending() {
            Some(ending) if series.anchor == Anchor::Pregnancy && ending.date() == latest => {
                RecordProblem::AfterPregnancyEnded { ended_on: latest }
            }
            _ => RecordProblem::AfterLatest { latest },
        }
    }

    pub fn item(
        &self,
        series: &Series,
        index: usize,
        dates: Dates,
        status: Status,
        done_on: Option<NaiveDate>,
    ) -> Item {
        let key = series.item_key(index);
        Item {
            dose: key.dose(),
            series: series.key.clone(),
            key,
            kind: series.kind,
            routine: series.routine,
            earliest: dates.earliest,
            recommended_from: dates.recommended_from,
            recommended_until: dates.recommended_until,
            latest: dates.latest,
            projected: dates.projected,
            status,
            done_on,
        }
    }

    /// A pregnancy item cannot be done after the pregnancy has ended.
    fn until_ending(&self, series: &Series, dates: Dates) -> Dates {
        match self.ending() {
            Some(ending) if series.anchor == Anchor::Pregnancy && ending.date() < dates.latest => Dates::new(
                dates.earliest,
                (Some(dates.recommended_from), Some(dates.recommended_until)),
                ending.date(),
                dates.projected,
            ),
            _ => dates,
        }
    }

    /// The dates and status of an item that has no valid record. An item the rules skip keeps
    /// the dates it would have had.
    pub fn settle(&self, series: &Series, dates: Dates, anchor: AnchorDate) -> (Dates, Status) {
        let before_programme = series.starts_on.is_some_and(|starts_on| dates.latest < starts_on);
        if before_programme || self.ended_gently(series, &dates, anchor) {
            return (dates, Status::NotNeeded);
        }
        let dates = self.until_ending(series, dates);
        (dates, dates.status(self.today))
    }

    fn plan_series(&mut self, series: &Series, anchor: AnchorDate) -> Vec<Item> {
        let (window, dose_count) = series.for_product(self.product(series));
        let mut given: Vec<Given> = Vec::with_capacity(dose_count);
        let mut items = Vec::with_capacity(dose_count);
        for (index, dose) in series.doses.iter().take(dose_count).enumerate() {
            let key = series.item_key(index);
            let legal = self.legal_window(series, Some(dose), window, anchor);
            let mut counted: Option<(NaiveDate, Dates)> = None;
            for (record, done_on) in self.records_of(&key) {
                if let Some((counted_on, _)) = counted {
                    self.refuse(record, RecordProblem::Duplicate { counted_on });
                    continue;
                }
                let slot = Slot {
                    series,
                    dose,
                    legal,
                    anchor,
                };
                match self.check_dose(&slot, &given, record, done_on) {
                    Ok(dates) => {
                        self.count(record);
                        counted = Some((done_on, dates));
                    }
                    Err(problem) => self.refuse(record, problem),
                }
            }
            match counted {
                Some((done_on, dates)) => {
                    items.push(self.item(series, index, dates, Status::Completed, Some(done_on)));
                    given.push(Given {
                        date: done_on,
                        counted: true,
                    });
                }
                None => {
                    let live_floor = series.is_injectable_live().then(|| self.live_floor(None)).flatten();
                    let dates = dose_dates(dose, legal, anchor, live_floor, |from| plan_base(&given, from))
                        .expect("a planned dose always has a base: earlier doses are projected");
                    let (dates, status) = self.settle(series, dates, anchor);
                    items.push(self.item(series, index, dates, status, None));
                    // Later doses assume this one is given on its own recommended_from (contract).
                    given.push(Given {
                        date: dates.recommended_from,
                        counted: false,
                    });
                }
            }
        }
        items
    }

    /// Checks one record against the rules, from the doses that actually count.
    fn check_dose(
        &self,
        slot: &Slot<'_>,
        given: &[Given],
        record: usize,
        done_on: NaiveDate,
    ) -> Result<Dates, RecordProblem> {
        let Slot {
            series,
            dose,
            legal,
            anchor,
        } = *slot;
        if anchor.projected {
            return Err(RecordProblem::NotBornYet);
        }
        let live_floor = series
            .is_injectable_live()
            .then(|| self.live_floor(Some(done_on)))
            .flatten();
        let dates = dose_dates(dose, legal, anchor, live_floor, |from| counted_base(given, from))
            .ok_or(RecordProblem::NoEarlierDose)
            .map(|dates| self.until_ending(series, dates))?;
        if series.is_injectable_live()
            && let Some(conflict) = self.live_conflict(record, done_on)
        {
            return Err(RecordProblem::TooSoonAfterLiveVaccine {
                other: conflict.key.clone(),
                given_on: conflict.given_on,
                valid_from: add_days(conflict.given_on, LIVE_VACCINE_GAP_DAYS),
            });
        }
        if done_on < dates.earliest {
            return Err(RecordProblem::BeforeEarliest {
                earliest: dates.earliest,
            });
        }
        if done_on > dates.latest {
            return Err(self.after_latest(series, dates.latest));
        }
        Ok(dates)
    }
}

/// The base a planned dose counts from: the earlier dose as given or as projected.
fn plan_base(given: &[Given], from: DoseRef) -> Option<(NaiveDate, bool)> {
    let dose = match from {
        DoseRef::Previous => given.last(),
        DoseRef::Dose(index) => given.get(index),
    }?;
    Some((dose.date, !dose.counted))
}

/// The base a record is checked from: same-series intervals count from the last dose of the
/// series that counts (contract).
fn counted_base(given: &[Given], from: DoseRef) -> Option<(NaiveDate, bool)> {
    let dose = match from {
        DoseRef::Previous => given.iter().rev().find(|dose| dose.counted),
        DoseRef::Dose(index) => given.get(index).filter(|dose| dose.counted),
    }?;
    Some((dose.date, false))
}

/// The dates of one dose of a standard series, or `None` when an interval has no earlier dose
/// to count from.
fn dose_dates(
    dose: &Dose,
    (legal_from, legal_until): (NaiveDate, NaiveDate),
    anchor: AnchorDate,
    live_floor: Option<NaiveDate>,
    base: impl Fn(DoseRef) -> Option<(NaiveDate, bool)>,
) -> Option<Dates> {
    let mut earliest = legal_from;
    let mut projected = anchor.projected;
    let mut recommended_from = dose.recommended.map(|span| span.from.resolve(anchor.date));
    let mut recommended_until = dose.recommended.map(|span| span.until.resolve(anchor.date));
    for interval in &dose.after {
        let (date, assumed) = base(interval.from)?;
        projected |= assumed;
        earliest = earliest.max(interval.min.after(date));
        if let Some(standard) = interval.recommended {
            let from = standard.from.after(date);
            let until = standard.until.after(date);
            recommended_from = Some(recommended_from.map_or(from, |old| old.max(from)));
            recommended_until = Some(recommended_until.map_or(until, |old| old.min(until)));
        }
    }
    if let Some(floor) = live_floor {
        earliest = earliest.max(floor);
    }
    Some(Dates::new(
        earliest,
        (recommended_from, recommended_until),
        legal_until,
        projected,
    ))
}
