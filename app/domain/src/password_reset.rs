//! Getting back in: a parent who lost their password sets a new one with a single-use secret —
//! a link sent to the address they sign in with, or a code the centre hands over at the counter
//! (for a parent without e-mail; the same form as an invitation code).

use crate::input::{Invalid, Problem};
use std::fmt;

/// How long a link sent by e-mail works.
pub const LINK_VALID_MINUTES: i64 = 60;
/// How long a code from the counter works: long enough to get home and try.
pub const COUNTER_CODE_VALID_DAYS: i64 = 7;

/// The secret in a reset link: 32 random bytes, base64url without padding (43 characters).
#[derive(Clone, PartialEq, Eq)]
pub struct ResetToken(String);

impl ResetToken {
    pub const BYTES: usize = 32;
    const LEN: usize = 43;

    /// Built from random bytes supplied by the caller (the domain does no I/O).
    pub fn from_random(bytes: [u8; Self::BYTES]) -> Self {
        use base64::Engine as _;
        ResetToken(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
    }

    /// A token from a link, as pasted or followed.
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let raw = raw.trim();
        if raw.len() == Self::LEN && raw.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
            Ok(ResetToken(raw.to_owned()))
        } else {
            Err(Invalid::new("token", Problem::Malformed))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ResetToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // A secret until used.
        f.write_str("ResetToken(…)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_is_43_url_safe_characters_and_reads_back() {
        let token = ResetToken::from_random([0xfb; 32]);
        assert_eq!(token.as_str().len(), 43);
        assert!(
            token
                .as_str()
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        );
        assert_eq!(ResetToken::parse(&format!(" {} ", token.as_str())).unwrap(), token);
        assert_ne!(ResetToken::from_random([1; 32]), ResetToken::from_random([2; 32]));
        assert_eq!(format!("{token:?}"), "ResetToken(…)");
    }

    #[test]
    fn anything_else_is_not_a_token() {
        for wrong in [
            "",
            "short",
            &"a".repeat(44),
            &format!("{}=", "a".repeat(42)),
            &"あ".repeat(43),
        ] {
            assert_eq!(
                ResetToken::parse(wrong).unwrap_err().problem,
                Problem::Malformed,
                "{wrong}"
            );
        }
    }
}
