//! EPDS (エジンバラ産後うつ病質問票; Cox, Holden & Sagovsky 1987, Japanese version Okano et al. 1996):
//! ten questions about the past seven days, four printed options each, scored 0–3.
//!
//! The item texts are copyrighted translations and are not embedded: staff enter which printed
//! option (1st–4th) the mother chose, and the scoring below turns that into points.

use crate::input::{Invalid, Problem};
use serde::{Deserialize, Serialize};

/// The Japanese cut-off: a total of 9 or more (the 8/9 cut) flags the mother.
pub const FLAG_TOTAL: u8 = 9;

/// Items whose printed options run from 3 points down to 0 (items 3 and 5–10); items 1, 2 and 4
/// run 0→3 in printed order.
const REVERSED_ITEMS: [usize; 7] = [3, 5, 6, 7, 8, 9, 10];

/// A completed EPDS: for each item 1–10, the printed option chosen (0 = first … 3 = fourth).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Epds {
    chosen: [u8; 10],
}

impl Epds {
    /// From the printed option positions, first option = 0.
    pub fn from_chosen(chosen: [u8; 10]) -> Result<Self, Invalid> {
        if chosen.iter().any(|&option| option > 3) {
            return Err(Invalid::new("epds", Problem::Malformed));
        }
        Ok(Epds { chosen })
    }

    /// From a form: ten options `"1"`–`"4"` in printed order; all empty means not done.
    pub fn from_form(options: &[String]) -> Result<Option<Self>, Invalid> {
        if options.iter().all(|o| o.trim().is_empty()) {
            return Ok(None);
        }
        if options.len() != 10 {
            return Err(Invalid::new("epds", Problem::Malformed));
        }
        let mut chosen = [0u8; 10];
        for (i, raw) in options.iter().enumerate() {
            let field = format!("epds_{}", i + 1);
            chosen[i] = match raw.trim() {
                "" => return Err(Invalid::new(&field, Problem::Required)),
                "1" => 0,
                "2" => 1,
                "3" => 2,
                "4" => 3,
                _ => return Err(Invalid::new(&field, Problem::Malformed)),
            };
        }
        Epds::from_chosen(chosen).map(Some)
    }

    /// Stored as ten digits `0`–`3`, the printed option positions.
    pub fn to_text(&self) -> String {
        self.chosen.iter().map(|d| char::from(b'0' + d)).collect()
    }

    pub fn from_text(text: &str) -> Option<Self> {
        let digits: Vec<u8> = text.bytes().map(|b| b.wrapping_sub(b'0')).collect();
        let chosen: [u8; 10] = digits.try_into().ok()?;
        Epds::from_chosen(chosen).ok()
    }

    /// The printed option chosen for item `n` (1–10), first = 0.
    pub fn chosen(&self, item: usize) -> u8 {
        self.chosen[item - 1]
    }

    /// The points of item `n` (1–10).
    pub fn score(&self, item: usize) -> u8 {
        let option = self.chosen(item);
        if REVERSED_ITEMS.contains(&item) {
            3 - option
        } else {
            option
        }
    }

    /// 0–30.
    pub fn total(&self) -> u8 {
        (1..=10).map(|item| self.score(item)).sum()
    }

    /// The common municipal rule: total ≥ 9, or any thought of self-harm (item 10 above zero),
    /// whatever the total.
    pub fn flags(&self) -> bool {
        self.total() >= FLAG_TOTAL || self.score(10) > 0
    }

    pub fn self_harm_positive(&self) -> bool {
        self.score(10) > 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Chosen positions that give each item `points`, whatever its direction.
    fn scoring(points: [u8; 10]) -> Epds {
        let mut chosen = [0; 10];
        for item in 1..=10 {
            let p = points[item - 1];
            chosen[item - 1] = if REVERSED_ITEMS.contains(&item) { 3 - p } else { p };
        }
        Epds::from_chosen(chosen).unwrap()
    }

    #[test]
    fn items_1_2_4_score_in_printed_order_and_the_rest_reversed() {
        let first_options = Epds::from_chosen([0; 10]).unwrap();
        // Items 1, 2, 4 give 0 for the first option; the seven reversed items give 3.
        assert_eq!(first_options.total(), 21);
        for item in [1, 2, 4] {
            assert_eq!(first_options.score(item), 0, "item {item}");
        }
        for item in REVERSED_ITEMS {
            assert_eq!(first_options.score(item), 3, "item {item}");
        }
        let last_options = Epds::from_chosen([3; 10]).unwrap();
        assert_eq!(last_options.total(), 9);
    }

    #[test]
    fn the_total_runs_from_0_to_30() {
        assert_eq!(scoring([0; 10]).total(), 0);
        assert_eq!(scoring([3; 10]).total(), 30);
    }

    #[test]
    fn nine_or_more_flags_and_eight_does_not() {
        assert!(!scoring([1, 1, 1, 1, 1, 1, 1, 1, 0, 0]).flags());
        assert_eq!(scoring([1, 1, 1, 1, 1, 1, 1, 1, 0, 0]).total(), 8);
        assert!(scoring([1, 1, 1, 1, 1, 1, 1, 1, 1, 0]).flags());
        assert!(scoring([3, 3, 3, 0, 0, 0, 0, 0, 0, 0]).flags());
    }

    #[test]
    fn any_answer_above_zero_on_item_10_flags_whatever_the_total() {
        let low = scoring([0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
        assert_eq!(low.total(), 1);
        assert!(low.flags());
        assert!(low.self_harm_positive());
    }

    #[test]
    fn every_total_flags_exactly_from_nine() {
        for total in 0..=27u8 {
            // Spread `total` points over items 1–9, item 10 at zero.
            let mut points = [0u8; 10];
            let mut left = total;
            for p in points.iter_mut().take(9) {
                *p = left.min(3);
                left -= *p;
            }
            let epds = scoring(points);
            assert_eq!(epds.total(), total);
            assert_eq!(epds.flags(), total >= 9, "total {total}");
        }
    }

    #[test]
    fn forms_give_printed_positions_and_refuse_gaps() {
        let form: Vec<String> = ["1", "2", "3", "4", "1", "2", "3", "4", "1", "1"]
            .map(String::from)
            .to_vec();
        let epds = Epds::from_form(&form).unwrap().unwrap();
        assert_eq!(epds.to_text(), "0123012300");
        assert_eq!(Epds::from_text("0123012300"), Some(epds));
        let empty = vec![String::new(); 10];
        assert_eq!(Epds::from_form(&empty).unwrap(), None);
        let mut gap = form.clone();
        gap[4] = String::new();
        assert_eq!(Epds::from_form(&gap).unwrap_err().field, "epds_5");
        let mut bad = form;
        bad[0] = "5".into();
        assert_eq!(Epds::from_form(&bad).unwrap_err().problem, Problem::Malformed);
        assert_eq!(Epds::from_text("01230123"), None);
        assert_eq!(Epds::from_text("0123012349"), None);
    }
}
