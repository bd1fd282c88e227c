//! Who a timeline is for, what has been recorded, and which vaccine products were chosen.

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::dates;
use super::key::ItemKey;

/// The subject of a timeline: a pregnancy, a child, or a pregnancy that has ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Subject {
    /// An ongoing pregnancy, known by its 出産予定日.
    Pregnancy { due_date: NaiveDate },
    /// A child known by the birth date alone (for example one who moved in).
    Child { birth_date: NaiveDate },
    /// A pregnancy that ended in birth: prenatal items and the child's items together.
    Born { due_date: NaiveDate, birth_date: NaiveDate },
    /// A pregnancy that ended in a loss (流産・死産・人工妊娠中絶). Prenatal items that were not
    /// done become `not_needed`, never missed or overdue.
    Lost { due_date: NaiveDate, loss_date: NaiveDate },
}

/// Why dates cannot describe a subject.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SubjectError {
    #[error("give a birth date or a due date")]
    NoDates,
    #[error("the birth date {birth_date} is not after the pregnancy began on {pregnancy_began}")]
    BirthBeforePregnancy {
        birth_date: NaiveDate,
        pregnancy_began: NaiveDate,
    },
    #[error("the loss date {loss_date} is before the pregnancy began on {pregnancy_began}")]
    LossBeforePregnancy {
        loss_date: NaiveDate,
        pregnancy_began: NaiveDate,
    },
    #[error("only an ongoing pregnancy can end")]
    NotAnOngoingPregnancy,
}

impl Subject {
    pub fn pregnancy(due_date: NaiveDate) -> Self {
        Subject::Pregnancy { due_date }
    }

    pub fn child(birth_date: NaiveDate) -> Self {
        Subject::Child { birth_date }
    }

    /// The subject the command line describes: a due date, a birth date, or both.
    pub fn from_dates(due_date: Option<NaiveDate>, birth_date: Option<NaiveDate>) -> Result<Self, SubjectError> {
        match (due_date, birth_date) {
            (Some(due_date), Some(birth_date)) => Subject::pregnancy(due_date).end_with_birth(birth_date),
            (Some(due_date), None) => Ok(Subject::pregnancy(due_date)),
            (None, Some(birth_date)) => Ok(Subject::child(birth_date)),
            (None, None) => Err(SubjectError::NoDates),
        }
    }

    /// Ends an ongoing pregnancy with a birth.
    pub fn end_with_birth(self, birth_date: NaiveDate) -> Result<Self, SubjectError> {
        let Subject::Pregnancy { due_date } = self else {
            return Err(SubjectError::NotAnOngoingPregnancy);
        };
        let pregnancy_began = dates::last_menstrual_period(due_date);
        if birth_date <= pregnancy_began {
            return Err(SubjectError::BirthBeforePregnancy {
                birth_date,
                pregnancy_began,
            });
        }
        Ok(Subject::Born { due_date, birth_date })
    }

    /// Ends an ongoing pregnancy with a loss on `loss_date`.
    pub fn end_with_loss(self, loss_date: NaiveDate) -> Result<Self, SubjectError> {
        let Subject::Pregnancy { due_date } = self else {
            return Err(SubjectError::NotAnOngoingPregnancy);
        };
        let pregnancy_began = dates::last_menstrual_period(due_date);
        if loss_date < pregnancy_began {
            return Err(SubjectError::LossBeforePregnancy {
                loss_date,
                pregnancy_began,
            });
        }
        Ok(Subject::Lost { due_date, loss_date })
    }

    pub fn due_date(&self) -> Option<NaiveDate> {
        match *self {
            Subject::Pregnancy { due_date } | Subject::Born { due_date, .. } | Subject::Lost { due_date, .. } => {
                Some(due_date)
            }
            Subject::Child { .. } => None,
        }
    }

    pub fn birth_date(&self) -> Option<NaiveDate> {
        match *self {
            Subject::Child { birth_date } | Subject::Born { birth_date, .. } => Some(birth_date),
            Subject::Pregnancy { .. } | Subject::Lost { .. } => None,
        }
    }

    /// 最終月経初日 (0w0d), from which gestational ages are counted.
    pub fn pregnancy_began(&self) -> Option<NaiveDate> {
        self.due_date().map(dates::last_menstrual_period)
    }
}

/// A recorded event: an item done on a date.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Record {
    pub key: ItemKey,
    pub done_on: NaiveDate,
}

impl Record {
    pub fn new(key: ItemKey, done_on: NaiveDate) -> Self {
        Record { key, done_on }
    }
}

/// ロタウイルスワクチン: the product decides the number of doses and the legal end.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RotaProduct {
    /// 1価 (Rotarix): 2 doses by 出生24週0日後.
    #[default]
    Monovalent,
    /// 5価 (RotaTeq): 3 doses by 出生32週0日後.
    Pentavalent,
}

/// 小児用肺炎球菌ワクチン: PCV20 is the routine product since 2024-10-01; PCV15 starters finish on it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PcvProduct {
    #[default]
    Pcv20,
    Pcv15,
}

/// A series whose doses depend on the product chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProductOption {
    Rota,
    Pcv,
}

impl ProductOption {
    pub const ALL: [ProductOption; 2] = [ProductOption::Rota, ProductOption::Pcv];

    pub fn name(self) -> &'static str {
        match self {
            ProductOption::Rota => "rota",
            ProductOption::Pcv => "pcv",
        }
    }

    /// Every product name this option accepts.
    pub fn products(self) -> &'static [&'static str] {
        match self {
            ProductOption::Rota => &["monovalent", "pentavalent"],
            ProductOption::Pcv => &["pcv20", "pcv15"],
        }
    }
}

impl FromStr for ProductOption {
    type Err = OptionError;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        ProductOption::ALL
            .into_iter()
            .find(|option| option.name() == name)
            .ok_or_else(|| OptionError::UnknownName(name.to_owned()))
    }
}

impl fmt::Display for ProductOption {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The product choices for one timeline. The defaults are the contract's: monovalent rotavirus
/// and PCV20.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default)]
pub struct Options {
    pub rota: RotaProduct,
    pub pcv: PcvProduct,
}

/// Why a product choice was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OptionError {
    #[error("unknown option `{0}`: use rota or pcv")]
    UnknownName(String),
    #[error("unknown {option} product `{value}`: use {}", option.products().join(" or "))]
    UnknownProduct { option: ProductOption, value: String },
}

impl Options {
    /// Sets one choice by name, as in `rota=pentavalent`.
    /// `rota=pentavalent,pcv=pcv15` as stored; defaults are left out. Reads back with [`Options::from_text`].
    pub fn to_text(&self) -> String {
        let defaults = Options::default();
        let mut parts = Vec::new();
        for option in [ProductOption::Rota, ProductOption::Pcv] {
            if self.product(option) != defaults.product(option) {
                parts.push(format!("{}={}", option.name(), self.product(option)));
            }
        }
        parts.join(",")
    }

    pub fn from_text(text: &str) -> Result<Options, OptionError> {
        let mut options = Options::default();
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (name, value) = part.split_once('=').unwrap_or((part, ""));
            options.set(name, value)?;
        }
        Ok(options)
    }

    pub fn set(&mut self, name: &str, value: &str) -> Result<(), OptionError> {
        let option: ProductOption = name.parse()?;
        let unknown = || OptionError::UnknownProduct {
            option,
            value: value.to_owned(),
        };
        match option {
            ProductOption::Rota => {
                self.rota = match value {
                    "monovalent" => RotaProduct::Monovalent,
                    "pentavalent" => RotaProduct::Pentavalent,
                    _ => return Err(unknown()),
                }
            }
            ProductOption::Pcv => {
                self.pcv = match value {
                    "pcv20" => PcvProduct::Pcv20,
                    "pcv15" => PcvProduct::Pcv15,
                    _ => return Err(unknown()),
                }
            }
        }
        Ok(())
    }

    /// The chosen product's name for an option, as the schedule data names it.
    pub fn product(&self, option: ProductOption) -> &'static str {
        match option {
            ProductOption::Rota => match self.rota {
                RotaProduct::Monovalent => "monovalent",
                RotaProduct::Pentavalent => "pentavalent",
            },
            ProductOption::Pcv => match self.pcv {
                PcvProduct::Pcv20 => "pcv20",
                PcvProduct::Pcv15 => "pcv15",
            },
        }
    }
}
