//! The schedule engine: a family's timeline of prenatal checkups, interviews, vaccinations,
//! child checkups and home visits, computed from a schedule (data) and recorded events.
//!
//! Pure: no I/O and no clock. The national schedule is `schedules/national.toml`, built in; a
//! municipality's file in the same format overrides or extends it without a rebuild.

pub mod cli;
pub mod dates;
mod definition;
mod engine;
mod key;
mod pcv;
mod point;
mod subject;
mod timeline;

pub use definition::{Kind, ProductRefused, Schedule, ScheduleError, SeriesProblem};
pub use engine::plan;
pub use key::{ItemKey, KeyError, SeriesKey};
pub use subject::{OptionError, Options, PcvProduct, ProductOption, Record, RotaProduct, Subject, SubjectError};
pub use timeline::{InvalidRecord, Item, RecordProblem, Status, Timeline, UnknownProblem};
