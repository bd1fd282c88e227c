//! Stable keys of timeline items: `<series>-<n>` for a numbered dose, `<series>` for a one-off item.

use std::fmt;
use std::num::NonZeroU8;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::definition::Schedule;

/// The name of a series in a schedule, such as `pcv`, `prenatal-checkup` or `checkup-1m`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct SeriesKey(String);

impl SeriesKey {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Lower-case ASCII letters, digits and single inner hyphens, like every key of the contract.
    pub(crate) fn parse(text: &str) -> Result<Self, KeyError> {
        let well_formed = !text.is_empty()
            && text
                .bytes()
                .all(|byte| byte.is_ascii_lowercase() || byte.is_ascii_digit() || byte == b'-')
            && !text.starts_with('-')
            && !text.ends_with('-')
            && !text.contains("--");
        if well_formed {
            Ok(SeriesKey(text.to_owned()))
        } else {
            Err(KeyError::Malformed(text.to_owned()))
        }
    }

    /// Whether the key ends in `-<digits>`, which would read as a dose number.
    pub(crate) fn looks_numbered(&self) -> bool {
        self.0
            .rsplit_once('-')
            .is_some_and(|(_, tail)| tail.bytes().all(|byte| byte.is_ascii_digit()))
    }
}

impl fmt::Display for SeriesKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for SeriesKey {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        SeriesKey::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// The key of one timeline item: a series and, for a numbered series, the dose number.
///
/// `FromStr` accepts only the keys of the national schedule; a municipality's extra keys are
/// read with [`Schedule::key`]. Deserialising checks the shape only, so a timeline computed from
/// a municipality's schedule reads back.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ItemKey {
    series: SeriesKey,
    dose: Option<NonZeroU8>,
}

/// Why a text is not an item key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    #[error("`{0}` is not a key: use lower-case letters, digits and hyphens, like `hepb-1`")]
    Malformed(String),
    #[error("unknown key `{0}`: no such series in the schedule")]
    UnknownSeries(String),
    #[error("unknown key `{key}`: {series} has {doses} dose(s)")]
    NoSuchDose { key: String, series: String, doses: usize },
    #[error("unknown key `{key}`: {series} is a one-off item, written without a number")]
    OneOff { key: String, series: String },
    #[error("unknown key `{key}`: {series} is numbered, like `{series}-1`")]
    Numbered { key: String, series: String },
}

impl ItemKey {
    pub(crate) fn numbered(series: SeriesKey, dose: NonZeroU8) -> Self {
        ItemKey {
            series,
            dose: Some(dose),
        }
    }

    pub(crate) fn one_off(series: SeriesKey) -> Self {
        ItemKey { series, dose: None }
    }

    /// Reads the shape of a key: a trailing `-<n>` (1–255) is a dose number.
    pub(crate) fn parse_shape(text: &str) -> Result<Self, KeyError> {
        if let Some((series, tail)) = text.rsplit_once('-')
            && !tail.is_empty()
            && tail.bytes().all(|byte| byte.is_ascii_digit())
        {
            let dose = tail
                .parse::<u8>()
                .ok()
                .and_then(NonZeroU8::new)
                .filter(|dose| dose.to_string() == tail)
                .ok_or_else(|| KeyError::Malformed(text.to_owned()))?;
            return Ok(ItemKey::numbered(SeriesKey::parse(series)?, dose));
        }
        Ok(ItemKey::one_off(SeriesKey::parse(text)?))
    }

    pub fn series(&self) -> &SeriesKey {
        &self.series
    }

    /// The dose number; 1 for a one-off item.
    pub fn dose(&self) -> u8 {
        self.dose.map_or(1, NonZeroU8::get)
    }

    pub fn is_one_off(&self) -> bool {
        self.dose.is_none()
    }
}

impl fmt::Display for ItemKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.dose {
            Some(dose) => write!(f, "{}-{dose}", self.series),
            None => write!(f, "{}", self.series),
        }
    }
}

/// Compares with a key as written, without allocating: `pcv-2` but not `pcv-02`.
impl PartialEq<str> for ItemKey {
    fn eq(&self, text: &str) -> bool {
        let Some(dose) = self.dose else {
            return self.series.as_str() == text;
        };
        text.strip_prefix(self.series.as_str())
            .and_then(|rest| rest.strip_prefix('-'))
            .is_some_and(|number| {
                !number.starts_with('0')
                    && number.bytes().all(|byte| byte.is_ascii_digit())
                    && number.parse::<u8>().ok() == Some(dose.get())
            })
    }
}

impl FromStr for ItemKey {
    type Err = KeyError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Schedule::national().key(text)
    }
}

impl Serialize for ItemKey {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for ItemKey {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        ItemKey::parse_shape(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn national_keys_parse_and_print_back() {
        for text in [
            "hepb-1",
            "dpt-ipv-hib-4",
            "prenatal-checkup-14",
            "checkup-1m",
            "interview-8m",
            "rsv-maternal",
            "rota-3",
            "visit-infant-home",
        ] {
            let key: ItemKey = text.parse().expect("a national key");
            assert_eq!(key.to_string(), text);
        }
    }

    #[test]
    fn keys_compare_with_their_written_form() {
        let key: ItemKey = "pcv-2".parse().expect("a national key");
        assert!(key == *"pcv-2");
        assert!(key != *"pcv-02");
        assert!(key != *"pcv-+2");
        assert!(key != *"pcv");
        let one_off: ItemKey = "checkup-1m".parse().expect("a national key");
        assert!(one_off == *"checkup-1m");
        assert!(one_off != *"checkup-1m-1");
    }

    #[test]
    fn unknown_keys_are_refused_with_a_reason() {
        assert!(matches!(
            "hepb-4".parse::<ItemKey>(),
            Err(KeyError::NoSuchDose { doses: 3, .. })
        ));
        assert!(matches!("flu-1".parse::<ItemKey>(), Err(KeyError::UnknownSeries(_))));
        assert!(matches!(
            "checkup-1m-1".parse::<ItemKey>(),
            Err(KeyError::OneOff { .. })
        ));
        assert!(matches!("bcg".parse::<ItemKey>(), Err(KeyError::Numbered { .. })));
        assert!(matches!("pcv-01".parse::<ItemKey>(), Err(KeyError::Malformed(_))));
        assert!(matches!("PCV-1".parse::<ItemKey>(), Err(KeyError::Malformed(_))));
        assert!(matches!("pcv-0".parse::<ItemKey>(), Err(KeyError::Malformed(_))));
    }
}
