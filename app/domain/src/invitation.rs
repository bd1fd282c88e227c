//! Invitation codes a coordinator hands to a family so a parent can join their own record.

use crate::input::{Invalid, Problem};
use std::fmt;

/// Crockford's base-32 alphabet: no I, L, O or U, so codes survive being read aloud or copied by hand.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// `XXXX-XXXX-XXXX`: 60 random bits, enough that guessing is hopeless within the login throttle.
#[derive(Clone, PartialEq, Eq)]
pub struct InvitationCode(String);

impl InvitationCode {
    pub const SYMBOLS: usize = 12;

    /// Builds a code from random bytes supplied by the caller (the domain does no I/O).
    pub fn from_random(bytes: [u8; Self::SYMBOLS]) -> Self {
        let symbols: String = bytes.iter().map(|b| ALPHABET[usize::from(b % 32)] as char).collect();
        InvitationCode(symbols)
    }

    /// Accepts what a person types: any case, spaces or hyphens, and the usual look-alikes.
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let mut symbols = String::with_capacity(Self::SYMBOLS);
        for c in raw.chars().filter(|c| !matches!(c, '-' | ' ' | '\u{3000}' | 'ー')) {
            let c = match c.to_ascii_uppercase() {
                'O' => '0',
                'I' | 'L' => '1',
                other => other,
            };
            if !ALPHABET.contains(&(c as u8)) || !c.is_ascii() {
                return Err(Invalid::new("code", Problem::Malformed));
            }
            symbols.push(c);
        }
        match symbols.len() {
            0 => Err(Invalid::new("code", Problem::Required)),
            Self::SYMBOLS => Ok(InvitationCode(symbols)),
            _ => Err(Invalid::new("code", Problem::Malformed)),
        }
    }

    /// The canonical symbols without separators, as stored (hashed).
    pub fn canonical(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for InvitationCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}-{}", &self.0[0..4], &self.0[4..8], &self.0[8..12])
    }
}

impl fmt::Debug for InvitationCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // A code is a secret until used.
        f.write_str("InvitationCode(…)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_generated_code_reads_back_from_its_display_form() {
        let code = InvitationCode::from_random([0, 1, 2, 3, 31, 32, 63, 200, 255, 17, 9, 100]);
        let shown = code.to_string();
        assert_eq!(shown.len(), 14);
        assert_eq!(InvitationCode::parse(&shown).unwrap(), code);
    }

    #[test]
    fn typed_codes_are_forgiving_about_case_separators_and_look_alikes() {
        let code = InvitationCode::parse("abcd-efgh-jk10").unwrap();
        assert_eq!(InvitationCode::parse(" ABCD EFGH JKlo ").unwrap(), code);
        assert_eq!(code.canonical(), "ABCDEFGHJK10");
    }

    #[test]
    fn wrong_lengths_and_symbols_are_refused() {
        assert_eq!(InvitationCode::parse("").unwrap_err().problem, Problem::Required);
        assert_eq!(
            InvitationCode::parse("ABCD-EFGH").unwrap_err().problem,
            Problem::Malformed
        );
        assert_eq!(
            InvitationCode::parse("ABCD-EFGH-JKMU").unwrap_err().problem,
            Problem::Malformed
        );
        assert_eq!(
            InvitationCode::parse("ABCD-EFGH-JKMあ").unwrap_err().problem,
            Problem::Malformed
        );
    }
}
