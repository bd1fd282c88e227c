//! Schedules as data: the TOML format, the built-in national schedule, and municipal overlays.
//!
//! The numbers (ages, windows, intervals, dose counts) live in `schedules/national.toml`; the
//! rules that are logic (month arithmetic, the 27-day rule, PCV start-age branches) live in code.
//! A municipality's file in the same format either replaces the national schedule or, with
//! `extends = "national"`, overrides series field by field, adds series and removes them.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::key::{ItemKey, KeyError, SeriesKey};
use super::point::{Gap, Point};
use super::subject::{OptionError, Options, ProductOption, Record};

const NATIONAL: &str = include_str!("../../schedules/national.toml");

/// What kind of event an item is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// 妊婦健康診査.
    PrenatalCheckup,
    /// 伴走型相談支援 interviews (妊娠届出時, 妊娠8か月, 出生後).
    Interview,
    Vaccination,
    /// 乳幼児健康診査.
    Checkup,
    /// 新生児訪問 and 乳児家庭全戸訪問.
    HomeVisit,
}

/// The date a series' points are counted from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Anchor {
    /// 0w0d of the pregnancy (最終月経初日 = due date − 280 days).
    Pregnancy,
    /// The birth date (day 0).
    Birth,
}

/// How a vaccine is given, which decides whether the 27-day rule applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum VaccineType {
    /// 注射生ワクチン: BCG, MR, varicella, mumps.
    InjectableLive,
    /// 経口生ワクチン: rotavirus.
    OralLive,
    /// 不活化ワクチン.
    Inactivated,
}

/// A window between two points, both ends inclusive (「至るまで」 includes its end date).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(from = "[Point; 2]")]
pub(crate) struct Span {
    pub from: Point,
    pub until: Point,
}

impl From<[Point; 2]> for Span {
    fn from([from, until]: [Point; 2]) -> Self {
        Span { from, until }
    }
}

/// A standard interval window after an earlier dose, such as 20–56日.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(from = "[Gap; 2]")]
pub(crate) struct GapSpan {
    pub from: Gap,
    pub until: Gap,
}

impl From<[Gap; 2]> for GapSpan {
    fn from([from, until]: [Gap; 2]) -> Self {
        GapSpan { from, until }
    }
}

/// Which earlier dose an interval counts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DoseRef {
    /// The last earlier dose that counts.
    Previous,
    /// A named dose (0-based), as B型肝炎 #3 counts 139 days from #1.
    Dose(usize),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Interval {
    pub from: DoseRef,
    pub min: Gap,
    pub recommended: Option<GapSpan>,
}

/// A later legal end for a birth cohort, such as the MR extension to 2027-03-31.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Extension {
    pub born_from: NaiveDate,
    pub born_until: NaiveDate,
    pub latest: Point,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Dose {
    pub window: Option<Span>,
    pub recommended: Option<Span>,
    pub after: Vec<Interval>,
    pub extensions: Vec<Extension>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Product {
    pub window: Option<Span>,
    pub dose_count: Option<usize>,
    /// The product may be chosen only to finish a series whose first dose came before this day
    /// (PCV15: begun before PCV20 became the routine product on 2024-10-01).
    pub only_to_finish_series_begun_before: Option<NaiveDate>,
}

/// The numbers of the start-age rules (定期接種実施要領 第2の5): PCV, and the legacy Hib series.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct StartAge {
    pub slots: usize,
    pub first_dose_recommended: Span,
    pub primary_interval: Gap,
    pub primary_deadline: Point,
    pub primary_recommended_until: Point,
    /// PCV only: a second primary after this point skips the third.
    pub third_primary_skipped_if_second_after: Option<Point>,
    pub booster_interval: Gap,
    /// PCV only: the booster is not given before this point, whatever the interval.
    pub booster_not_before: Option<Point>,
    pub branches: Vec<Branch>,
}

/// One start-age branch: by the date of the first dose, how many primary doses and whether a
/// booster follows.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Branch {
    pub first_dose_until: Point,
    pub primary: usize,
    pub booster: bool,
    /// The booster's standard period as an age.
    pub booster_recommended: Option<Span>,
    /// The booster's standard period after the last primary dose (Hib: 7–13月).
    pub booster_recommended_after: Option<GapSpan>,
}

/// One series of the schedule: a vaccine, a checkup, an interview or a visit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Series {
    pub key: SeriesKey,
    pub kind: Kind,
    pub routine: bool,
    pub anchor: Anchor,
    pub vaccine: Option<VaccineType>,
    pub one_off: bool,
    pub planned_before_birth: bool,
    pub starts_on: Option<NaiveDate>,
    pub window: Span,
    pub option: Option<ProductOption>,
    pub products: BTreeMap<String, Product>,
    pub doses: Vec<Dose>,
    pub start_age: Option<StartAge>,
    /// Planned only for a child with a record of it (the legacy Hib series of the 4種混合 era).
    pub only_if_recorded: bool,
    /// Series of products no longer used whose records count as doses of this one, in the order
    /// given: `dpt-ipv` (4種混合) for 5種混合, `pcv13` for PCV.
    pub counts_records_of: Vec<SeriesKey>,
    /// A series whose doses also give this one's (5種混合 for the legacy Hib series): while it still
    /// has doses to give, or once it has a record, this series plans no further doses.
    pub superseded_by: Option<SeriesKey>,
}

impl Series {
    /// The most doses any product of this series has.
    pub fn max_doses(&self) -> usize {
        match &self.start_age {
            Some(start_age) => start_age.slots,
            None => self.doses.len(),
        }
    }

    pub fn is_injectable_live(&self) -> bool {
        self.vaccine == Some(VaccineType::InjectableLive)
    }

    /// The legal window and dose count for the chosen product.
    pub fn for_product(&self, product: Option<&str>) -> (Span, usize) {
        let chosen = product.and_then(|name| self.products.get(name));
        let window = chosen.and_then(|p| p.window).unwrap_or(self.window);
        let count = chosen.and_then(|p| p.dose_count).unwrap_or(self.max_doses());
        (window, count)
    }

    pub fn item_key(&self, index: usize) -> ItemKey {
        if self.one_off {
            return ItemKey::one_off(self.key.clone());
        }
        let dose = u8::try_from(index + 1)
            .ok()
            .and_then(std::num::NonZeroU8::new)
            .expect("series have at most 255 doses, checked when the schedule is read");
        ItemKey::numbered(self.key.clone(), dose)
    }
}

/// A schedule: the national default or a municipality's own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schedule {
    name: String,
    second_benefit_form: Option<SeriesKey>,
    series: Vec<Series>,
    raw: RawSchedule,
}

/// A product choice the rules do not allow for this child.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{option}={product} only finishes a series begun before {before}: this child has no {option} dose before then")]
pub struct ProductRefused {
    pub option: ProductOption,
    pub product: &'static str,
    pub before: NaiveDate,
}

/// Why a schedule file was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScheduleError {
    #[error("schedule file, line {line}: {message}")]
    Syntax { line: usize, message: String },
    #[error("schedule file extends `{0}`; only `national` can be extended")]
    UnknownBase(String),
    #[error("series `{0}` appears twice")]
    DuplicateSeries(String),
    #[error("cannot remove series `{0}`: there is no such series")]
    UnknownRemoval(String),
    #[error("second_benefit_form `{0}` is not an interview of the schedule")]
    BenefitForm(String),
    #[error("series `{series}`: {problem}")]
    Series { series: String, problem: SeriesProblem },
    #[error(transparent)]
    Key(#[from] KeyError),
}

/// What is wrong with one series of a schedule file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SeriesProblem {
    #[error("`{0}` is required")]
    Missing(&'static str),
    #[error("a vaccination needs `vaccine` (injectable_live, oral_live or inactivated)")]
    MissingVaccine,
    #[error("a one-off item's key must not end in -<number>, which reads as a dose")]
    NumberedKey,
    #[error("a series with `start_age` lists no `doses`: the start age decides them")]
    StartAgeWithDoses,
    #[error("has no doses, or more than 255")]
    DoseCount,
    #[error("dose {dose} counts an interval from dose {from}, which is not an earlier dose")]
    IntervalFrom { dose: usize, from: usize },
    #[error("`products` need an `option`")]
    ProductsWithoutOption,
    #[error(transparent)]
    Option(#[from] OptionError),
    #[error("no entry for the {option} product `{product}`")]
    MissingProduct {
        option: ProductOption,
        product: &'static str,
    },
    #[error("product `{0}` has a dose_count of 0 or more than the doses listed")]
    ProductDoseCount(String),
    #[error("`start_age` needs branches, at least one primary dose each, and 1–255 slots")]
    StartAge,
    #[error("superseded_by `{0}` is not another series of the schedule")]
    SupersededBy(String),
    #[error(
        "counts_records_of `{0}` names a series of the schedule or of another series' records, or the series is a one-off item"
    )]
    CountsRecordsOf(String),
}

// The file format, as written: every field optional so an overlay can name only what it changes.

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSchedule {
    extends: Option<String>,
    name: Option<String>,
    second_benefit_form: Option<String>,
    #[serde(default)]
    remove: Vec<String>,
    #[serde(default)]
    series: Vec<RawSeries>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSeries {
    key: String,
    kind: Option<Kind>,
    routine: Option<bool>,
    anchor: Option<Anchor>,
    vaccine: Option<VaccineType>,
    planned_before_birth: Option<bool>,
    starts_on: Option<NaiveDate>,
    window: Option<Span>,
    recommended: Option<Span>,
    option: Option<String>,
    products: Option<BTreeMap<String, RawProduct>>,
    doses: Option<Vec<RawDose>>,
    start_age: Option<StartAge>,
    only_if_recorded: Option<bool>,
    counts_records_of: Option<Vec<String>>,
    superseded_by: Option<String>,
    /// Where it happens, when the municipality knows (e.g. a group checkup's venue). Shown, not planned with.
    place: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProduct {
    window: Option<Span>,
    dose_count: Option<usize>,
    only_to_finish_series_begun_before: Option<NaiveDate>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDose {
    window: Option<Span>,
    recommended: Option<Span>,
    #[serde(default)]
    after: Vec<RawInterval>,
    #[serde(default)]
    extensions: Vec<Extension>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawInterval {
    /// 1-based; absent means the previous dose.
    dose: Option<usize>,
    min: Gap,
    recommended: Option<GapSpan>,
}

impl RawSeries {
    /// Lays `overlay`'s fields over these: what the overlay names wins, the rest stays.
    fn overlay(&mut self, overlay: RawSeries) {
        macro_rules! take {
            ($($field:ident),*) => { $( if overlay.$field.is_some() { self.$field = overlay.$field; } )* };
        }
        take!(
            kind,
            routine,
            anchor,
            vaccine,
            planned_before_birth,
            starts_on,
            window,
            recommended,
            option,
            products,
            doses,
            start_age,
            only_if_recorded,
            counts_records_of,
            superseded_by,
            place
        );
    }
}

fn syntax_error(text: &str, error: &toml::de::Error) -> ScheduleError {
    let line = error.span().map_or(1, |span| {
        let before = text.get(..span.start).unwrap_or(text);
        before.matches('\n').count() + 1
    });
    ScheduleError::Syntax {
        line,
        message: error.message().trim().replace('\n', " "),
    }
}

impl Schedule {
    /// The national default schedule, read once from the data file built into the crate.
    pub fn national() -> &'static Schedule {
        static NATIONAL_SCHEDULE: OnceLock<Schedule> = OnceLock::new();
        NATIONAL_SCHEDULE.get_or_init(|| Schedule::parse(NATIONAL).expect("the built-in national schedule is valid"))
    }

    /// Reads a schedule file. A file that says `extends = "national"` is laid over the national
    /// schedule; any other file is a whole schedule of its own.
    pub fn parse(text: &str) -> Result<Schedule, ScheduleError> {
        let raw: RawSchedule = toml::from_str(text).map_err(|error| syntax_error(text, &error))?;
        match raw.extends.as_deref() {
            None => compile(raw),
            Some("national") => Schedule::national().overlay_raw(raw),
            Some(other) => Err(ScheduleError::UnknownBase(other.to_owned())),
        }
    }

    /// Lays a municipality's file over this schedule: series with a known key take the fields the
    /// file names, new keys are added at the end, and `remove = [...]` drops series.
    pub fn overlay(&self, text: &str) -> Result<Schedule, ScheduleError> {
        let raw: RawSchedule = toml::from_str(text).map_err(|error| syntax_error(text, &error))?;
        self.overlay_raw(raw)
    }

    fn overlay_raw(&self, overlay: RawSchedule) -> Result<Schedule, ScheduleError> {
        let mut merged = self.raw.clone();
        merged.extends = None;
        if overlay.name.is_some() {
            merged.name = overlay.name;
        }
        if overlay.second_benefit_form.is_some() {
            merged.second_benefit_form = overlay.second_benefit_form;
        }
        for key in &overlay.remove {
            let before = merged.series.len();
            merged.series.retain(|series| &series.key != key);
            if merged.series.len() == before {
                return Err(ScheduleError::UnknownRemoval(key.clone()));
            }
        }
        let mut seen = Vec::new();
        for series in overlay.series {
            if seen.contains(&series.key) {
                return Err(ScheduleError::DuplicateSeries(series.key));
            }
            seen.push(series.key.clone());
            match merged.series.iter_mut().find(|old| old.key == series.key) {
                Some(old) => old.overlay(series),
                None => merged.series.push(series),
            }
        }
        compile(merged)
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// The interview at which the centre hands out the form for the second pregnancy benefit
    /// (胎児の数の届出). Municipalities differ: the 8-month interview or the postnatal contact.
    pub fn second_benefit_form(&self) -> Option<&SeriesKey> {
        self.second_benefit_form.as_ref()
    }

    /// Where a series happens, if the schedule file says (a municipality's own knowledge).
    pub fn place(&self, series: &str) -> Option<&str> {
        self.raw
            .series
            .iter()
            .find(|s| s.key == series)
            .and_then(|s| s.place.as_deref())
    }

    /// The keys of every series, in the schedule's order.
    pub fn series_keys(&self) -> impl Iterator<Item = &SeriesKey> {
        self.series.iter().map(|series| &series.key)
    }

    /// Reads an item key, accepting only the items this schedule can produce.
    pub fn key(&self, text: &str) -> Result<ItemKey, KeyError> {
        let key = ItemKey::parse_shape(text)?;
        let series = self
            .find(key.series())
            .or_else(|| self.counting_records_of(key.series()))
            .ok_or_else(|| KeyError::UnknownSeries(text.to_owned()))?;
        match (series.one_off, key.is_one_off()) {
            (true, true) => Ok(key),
            (true, false) => Err(KeyError::OneOff {
                key: text.to_owned(),
                series: series.key.to_string(),
            }),
            (false, true) => Err(KeyError::Numbered {
                key: text.to_owned(),
                series: series.key.to_string(),
            }),
            (false, false) if usize::from(key.dose()) <= series.max_doses() => Ok(key),
            (false, false) => Err(KeyError::NoSuchDose {
                key: text.to_owned(),
                series: series.key.to_string(),
                doses: series.max_doses(),
            }),
        }
    }

    /// This schedule with only the series of the given kinds, for planning those items alone (the
    /// task list needs checkups, interviews and visits, not the vaccinations). A series' items never
    /// depend on another kind's records (only vaccinations affect each other), so each item planned
    /// from this schedule equals the full schedule's.
    pub fn only(&self, kinds: &[Kind]) -> Schedule {
        let series: Vec<Series> = self
            .series
            .iter()
            .filter(|series| kinds.contains(&series.kind))
            .cloned()
            .collect();
        let mut raw = self.raw.clone();
        raw.series
            .retain(|entry| series.iter().any(|kept| kept.key.as_str() == entry.key));
        Schedule {
            name: self.name.clone(),
            second_benefit_form: self.second_benefit_form.clone(),
            series,
            raw,
        }
    }

    /// Every key a record of this schedule can have, as stored: the items it produces
    /// (`checkup-1m`, `pcv-2`) and the doses of products no longer used that count toward them
    /// (`dpt-ipv-1`, `pcv13-2`).
    pub fn item_keys(&self) -> Vec<String> {
        self.series
            .iter()
            .flat_map(|series| {
                let count = if series.one_off { 1 } else { series.max_doses() };
                let own = (0..count).map(|index| series.item_key(index).to_string());
                let legacy = series
                    .counts_records_of
                    .iter()
                    .flat_map(move |legacy| (1..=count).map(move |dose| format!("{legacy}-{dose}")));
                own.chain(legacy)
            })
            .collect()
    }

    /// Checks the product choices against the records: a product kept only to finish a series
    /// begun on it (PCV15, before 2024-10-01) needs a dose of that series from before then.
    pub fn check_products(&self, options: &Options, records: &[Record]) -> Result<(), ProductRefused> {
        for series in &self.series {
            let Some(option) = series.option else { continue };
            let product = options.product(option);
            let Some(before) = series
                .products
                .get(product)
                .and_then(|chosen| chosen.only_to_finish_series_begun_before)
            else {
                continue;
            };
            let begun_before = records.iter().any(|record| {
                let of = record.key.series();
                (of == &series.key || series.counts_records_of.contains(of)) && record.done_on < before
            });
            if !begun_before {
                return Err(ProductRefused {
                    option,
                    product,
                    before,
                });
            }
        }
        Ok(())
    }

    /// The series whose doses the records of `legacy` (a product no longer used) count as.
    pub(crate) fn counting_records_of(&self, legacy: &SeriesKey) -> Option<&Series> {
        self.series
            .iter()
            .find(|series| series.counts_records_of.contains(legacy))
    }

    pub(crate) fn series(&self) -> &[Series] {
        &self.series
    }

    pub(crate) fn find(&self, key: &SeriesKey) -> Option<&Series> {
        self.series.iter().find(|series| &series.key == key)
    }
}

fn compile(raw: RawSchedule) -> Result<Schedule, ScheduleError> {
    let mut series: Vec<Series> = Vec::with_capacity(raw.series.len());
    for entry in &raw.series {
        let compiled = compile_series(entry)?;
        if series.iter().any(|other| other.key == compiled.key) {
            return Err(ScheduleError::DuplicateSeries(entry.key.clone()));
        }
        series.push(compiled);
    }
    for entry in &series {
        let fail = |problem| ScheduleError::Series {
            series: entry.key.to_string(),
            problem,
        };
        if let Some(other) = &entry.superseded_by
            && (other == &entry.key || !series.iter().any(|s| &s.key == other))
        {
            return Err(fail(SeriesProblem::SupersededBy(other.to_string())));
        }
        for legacy in &entry.counts_records_of {
            let taken = series
                .iter()
                .any(|s| &s.key == legacy || (s.key != entry.key && s.counts_records_of.contains(legacy)));
            if taken || entry.one_off {
                return Err(fail(SeriesProblem::CountsRecordsOf(legacy.to_string())));
            }
        }
    }
    let second_benefit_form = match &raw.second_benefit_form {
        None => None,
        Some(key) => {
            let interview = series
                .iter()
                .find(|s| s.key.as_str() == key && s.kind == Kind::Interview)
                .ok_or_else(|| ScheduleError::BenefitForm(key.clone()))?;
            Some(interview.key.clone())
        }
    };
    Ok(Schedule {
        name: raw.name.clone().unwrap_or_else(|| "custom".to_owned()),
        second_benefit_form,
        series,
        raw,
    })
}

fn compile_series(raw: &RawSeries) -> Result<Series, ScheduleError> {
    let key = SeriesKey::parse(&raw.key)?;
    let fail = |problem: SeriesProblem| ScheduleError::Series {
        series: raw.key.clone(),
        problem,
    };
    let kind = raw.kind.ok_or_else(|| fail(SeriesProblem::Missing("kind")))?;
    let window = raw.window.ok_or_else(|| fail(SeriesProblem::Missing("window")))?;
    if kind == Kind::Vaccination && raw.vaccine.is_none() {
        return Err(fail(SeriesProblem::MissingVaccine));
    }
    let one_off = raw.doses.is_none() && raw.start_age.is_none();
    if one_off && key.looks_numbered() {
        return Err(fail(SeriesProblem::NumberedKey));
    }
    if raw.start_age.is_some() && raw.doses.is_some() {
        return Err(fail(SeriesProblem::StartAgeWithDoses));
    }
    let raw_doses = match &raw.doses {
        Some(doses) => doses.clone(),
        None => vec![RawDose::default()],
    };
    let doses = raw_doses
        .into_iter()
        .enumerate()
        .map(|(index, dose)| compile_dose(index, dose, raw.recommended))
        .collect::<Result<Vec<_>, _>>()
        .map_err(fail)?;
    if let Some(start_age) = &raw.start_age {
        let sound = !start_age.branches.is_empty()
            && start_age.branches.iter().all(|branch| branch.primary >= 1)
            && (1..=255).contains(&start_age.slots);
        if !sound {
            return Err(fail(SeriesProblem::StartAge));
        }
    }
    if doses.len() > 255 {
        return Err(fail(SeriesProblem::DoseCount));
    }
    let option = raw
        .option
        .as_deref()
        .map(str::parse::<ProductOption>)
        .transpose()
        .map_err(|error| fail(error.into()))?;
    let products = compile_products(raw, option, doses.len()).map_err(fail)?;
    Ok(Series {
        key,
        kind,
        routine: raw.routine.unwrap_or(true),
        anchor: raw.anchor.unwrap_or(Anchor::Birth),
        vaccine: raw.vaccine,
        one_off,
        planned_before_birth: raw.planned_before_birth.unwrap_or(false),
        starts_on: raw.starts_on,
        window,
        option,
        products,
        doses,
        start_age: raw.start_age.clone(),
        only_if_recorded: raw.only_if_recorded.unwrap_or(false),
        counts_records_of: raw
            .counts_records_of
            .iter()
            .flatten()
            .map(|key| SeriesKey::parse(key))
            .collect::<Result<_, _>>()?,
        superseded_by: raw.superseded_by.as_deref().map(SeriesKey::parse).transpose()?,
    })
}

fn compile_dose(index: usize, raw: RawDose, series_recommended: Option<Span>) -> Result<Dose, SeriesProblem> {
    let after = raw
        .after
        .into_iter()
        .map(|interval| {
            let from = match interval.dose {
                None if index > 0 => DoseRef::Previous,
                Some(from) if (1..=index).contains(&from) => DoseRef::Dose(from - 1),
                other => {
                    return Err(SeriesProblem::IntervalFrom {
                        dose: index + 1,
                        from: other.unwrap_or(index),
                    });
                }
            };
            Ok(Interval {
                from,
                min: interval.min,
                recommended: interval.recommended,
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Dose {
        window: raw.window,
        recommended: raw.recommended.or(series_recommended),
        after,
        extensions: raw.extensions,
    })
}

fn compile_products(
    raw: &RawSeries,
    option: Option<ProductOption>,
    dose_count: usize,
) -> Result<BTreeMap<String, Product>, SeriesProblem> {
    let slots = raw.start_age.as_ref().map_or(dose_count, |start_age| start_age.slots);
    let Some(raw_products) = &raw.products else {
        return match option {
            Some(option) => Err(SeriesProblem::MissingProduct {
                option,
                product: option.products()[0],
            }),
            None => Ok(BTreeMap::new()),
        };
    };
    let option = option.ok_or(SeriesProblem::ProductsWithoutOption)?;
    for name in raw_products.keys() {
        if !option.products().contains(&name.as_str()) {
            return Err(OptionError::UnknownProduct {
                option,
                value: name.clone(),
            }
            .into());
        }
    }
    if let Some(product) = option
        .products()
        .iter()
        .find(|product| !raw_products.contains_key(**product))
    {
        return Err(SeriesProblem::MissingProduct { option, product });
    }
    raw_products
        .iter()
        .map(|(name, product)| {
            if product.dose_count.is_some_and(|count| count == 0 || count > slots) {
                return Err(SeriesProblem::ProductDoseCount(name.clone()));
            }
            Ok((
                name.clone(),
                Product {
                    window: product.window,
                    dose_count: product.dose_count,
                    only_to_finish_series_begun_before: product.only_to_finish_series_begun_before,
                },
            ))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_national_schedule_reads() {
        let national = Schedule::national();
        assert_eq!(national.name(), "national");
        assert_eq!(
            national.second_benefit_form().map(SeriesKey::as_str),
            Some("interview-8m")
        );
    }

    #[test]
    fn syntax_errors_name_the_line() {
        let error = Schedule::parse("name = \"x\"\n[[series]]\nkey = 3\n").unwrap_err();
        assert!(matches!(error, ScheduleError::Syntax { line: 3, .. }), "{error:?}");
    }
}
