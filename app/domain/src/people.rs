//! People's names, kana, e-mail addresses and passwords, parsed once at the edge.

use crate::input::{Invalid, Problem};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

fn bounded(field: &str, raw: &str, max_chars: usize) -> Result<String, Invalid> {
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        return Err(Invalid::new(field, Problem::Required));
    }
    if trimmed.chars().count() > max_chars {
        return Err(Invalid::new(field, Problem::TooLong));
    }
    if trimmed.chars().any(char::is_control) {
        return Err(Invalid::new(field, Problem::Malformed));
    }
    Ok(trimmed.to_owned())
}

/// A person's or family's name as written (漢字, kana or Latin letters).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PersonName(String);

impl PersonName {
    pub const MAX_CHARS: usize = 60;

    pub fn parse(field: &str, raw: &str) -> Result<Self, Invalid> {
        bounded(field, raw, Self::MAX_CHARS).map(PersonName)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for PersonName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// フリガナ: a reading in katakana. Hiragana input is accepted and stored as katakana,
/// so that a search typed in either script finds the same people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Kana(String);

impl Kana {
    pub const MAX_CHARS: usize = 80;

    pub fn parse(field: &str, raw: &str) -> Result<Self, Invalid> {
        let text = bounded(field, raw, Self::MAX_CHARS)?;
        let normalised = to_katakana(&text);
        if normalised.chars().all(is_kana_name_char) {
            Ok(Kana(normalised))
        } else {
            Err(Invalid::new(field, Problem::NotKana))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Kana {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Hiragana → katakana; everything else unchanged. Used for names and for search terms.
pub fn to_katakana(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            // ぁ (U+3041) … ゖ (U+3096) map 0x60 code points up to ァ … ヶ.
            '\u{3041}'..='\u{3096}' => char::from_u32(c as u32 + 0x60).unwrap_or(c),
            _ => c,
        })
        .collect()
}

fn is_kana_name_char(c: char) -> bool {
    matches!(c, '\u{30A1}'..='\u{30FA}' | 'ー' | '・' | ' ' | '\u{3000}')
}

/// An e-mail address used as a login. Stored lower-cased so logins are case-insensitive.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Email(String);

impl Email {
    pub const MAX_CHARS: usize = 254;

    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let text = bounded("email", raw, Self::MAX_CHARS)?.to_lowercase();
        let Some((local, domain)) = text.split_once('@') else {
            return Err(Invalid::new("email", Problem::Malformed));
        };
        let plausible = !local.is_empty()
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !text.chars().any(char::is_whitespace)
            && !domain.contains('@');
        if plausible {
            Ok(Email(text))
        } else {
            Err(Invalid::new("email", Problem::Malformed))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for Email {
    type Err = Invalid;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Email::parse(s)
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A new password as chosen by its owner. Never serialised, never printed.
pub struct NewPassword(String);

impl NewPassword {
    /// NIST SP 800-63B: at least 8 characters, long passphrases allowed, no composition rules.
    pub const MIN_CHARS: usize = 8;
    pub const MAX_CHARS: usize = 128;

    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let n = raw.chars().count();
        if n == 0 {
            Err(Invalid::new("password", Problem::Required))
        } else if n < Self::MIN_CHARS {
            Err(Invalid::new("password", Problem::TooShort))
        } else if n > Self::MAX_CHARS {
            Err(Invalid::new("password", Problem::TooLong))
        } else {
            Ok(NewPassword(raw.to_owned()))
        }
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("NewPassword(…)")
    }
}

/// 性別 as recorded on the birth notification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    Female,
    Male,
    Unknown,
}

impl Sex {
    pub const fn as_str(self) -> &'static str {
        match self {
            Sex::Female => "female",
            Sex::Male => "male",
            Sex::Unknown => "unknown",
        }
    }
}

impl FromStr for Sex {
    type Err = Invalid;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "female" => Ok(Sex::Female),
            "male" => Ok(Sex::Male),
            "unknown" => Ok(Sex::Unknown),
            _ => Err(Invalid::new("sex", Problem::Malformed)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hiragana_kana_is_stored_as_katakana() {
        assert_eq!(
            Kana::parse("kana", " やまだ はなこ ").unwrap().as_str(),
            "ヤマダ ハナコ"
        );
        assert_eq!(
            Kana::parse("kana", "ヤマダ・ハナコ").unwrap().as_str(),
            "ヤマダ・ハナコ"
        );
    }

    #[test]
    fn kana_refuses_kanji_and_latin() {
        assert_eq!(Kana::parse("kana", "山田").unwrap_err().problem, Problem::NotKana);
        assert_eq!(Kana::parse("kana", "Yamada").unwrap_err().problem, Problem::NotKana);
        assert_eq!(Kana::parse("kana", "  ").unwrap_err().problem, Problem::Required);
    }

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(PersonName::parse("name", " 山田 花子 ").unwrap().as_str(), "山田 花子");
        let long = "あ".repeat(PersonName::MAX_CHARS + 1);
        assert_eq!(PersonName::parse("name", &long).unwrap_err().problem, Problem::TooLong);
        assert_eq!(
            PersonName::parse("name", "a\u{0}b").unwrap_err().problem,
            Problem::Malformed
        );
    }

    #[test]
    fn emails_are_lower_cased_and_checked() {
        assert_eq!(
            Email::parse(" Hanako@Example.JP ").unwrap().as_str(),
            "hanako@example.jp"
        );
        for bad in [
            "",
            "hanako",
            "@example.jp",
            "a@b",
            "a@.jp",
            "a b@example.jp",
            "a@b@c.jp",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn passwords_have_bounds_and_never_print() {
        assert_eq!(NewPassword::parse("short").unwrap_err().problem, Problem::TooShort);
        assert_eq!(NewPassword::parse("").unwrap_err().problem, Problem::Required);
        let p = NewPassword::parse("correct horse battery").unwrap();
        assert_eq!(format!("{p:?}"), "NewPassword(…)");
    }
}
