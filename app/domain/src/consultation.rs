//! 相談 — a parent's request to the centre: what it is about, how they would like to talk, how
//! urgent it is, the thread of messages, and a booked time at a site.

use crate::code_enum;
use crate::ids::{AccountId, FamilyId, SiteId};
use crate::input::{Invalid, Problem};
use crate::timeline::Member;
use chrono::{DateTime, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};

code_enum!(
    /// What the consultation is about.
    Topic {
        /// 妊娠・出産
        PregnancyAndBirth = "pregnancy_and_birth",
        /// 授乳・食事
        Feeding = "feeding",
        /// 発育・発達
        GrowthAndDevelopment = "growth_and_development",
        /// 子育ての悩み
        ParentingWorries = "parenting_worries",
        /// 産後のからだと心
        MothersHealth = "mothers_health",
        /// 保育・預け先
        Childcare = "childcare",
        /// お金・手続き
        MoneyAndProcedures = "money_and_procedures",
        Other = "other",
    }
);

code_enum!(
    /// How the parent would like to talk.
    ContactMode {
        AtSite = "at_site",
        Phone = "phone",
        Online = "online",
        HomeVisit = "home_visit",
    }
);

code_enum!(
    /// How soon the parent needs an answer.
    Urgency {
        /// いつでもよい
        Whenever = "whenever",
        /// 数日のうちに
        SoonIsBetter = "soon_is_better",
        /// できるだけ早く
        Urgent = "urgent",
    }
);

code_enum!(
    /// How a consultation was closed.
    Outcome {
        /// 相談で解決
        Resolved = "resolved",
        /// 関係機関・サービスにつないだ
        Linked = "linked",
        /// 継続支援（プラン・訪問へ）
        ContinuingSupport = "continuing_support",
        /// 連絡がとれない・取り下げ
        Withdrawn = "withdrawn",
    }
);

code_enum!(
    Author {
        Guardian = "guardian",
        Staff = "staff",
    }
);

/// The longest message; a longer text is refused with a clear message, never cut.
pub const MAX_MESSAGE_CHARS: usize = 2000;

/// A message as written: plain text, trimmed, bounded, without control characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageText(String);

impl MessageText {
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        crate::input::required_text("message", raw, MAX_MESSAGE_CHARS).map(MessageText)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The key a client gives each message it sends, so that a retry after a lost answer is stored once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientKey(String);

impl ClientKey {
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let raw = raw.trim();
        let ok = (8..=64).contains(&raw.len()) && raw.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
        if ok {
            Ok(ClientKey(raw.to_owned()))
        } else {
            Err(Invalid::new("client_key", Problem::Malformed))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    pub id: i64,
    pub author: Author,
    pub author_name: String,
    pub body: String,
    pub sent_at: DateTime<Utc>,
    /// The client's key, so a page can match what it sent with what is stored.
    pub client_key: String,
}

/// A booked time, in the municipality's local time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Booking {
    pub slot: i64,
    pub site: SiteId,
    pub site_name: String,
    pub starts_at: NaiveDateTime,
    pub minutes: i64,
    pub coordinator_name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Consultation {
    pub id: i64,
    pub family: FamilyId,
    pub family_name: String,
    pub member: Option<Member>,
    pub topic: Topic,
    pub mode: ContactMode,
    pub urgency: Urgency,
    /// Times the parent would like, when no published slot suits them.
    pub preferred_times: String,
    pub assigned_to: Option<AccountId>,
    pub assigned_name: Option<String>,
    pub opened_at: DateTime<Utc>,
    /// The day it was opened, in the municipality's time (never the UTC date).
    pub opened_on: chrono::NaiveDate,
    pub closed: Option<Outcome>,
    pub closing_note: String,
    pub booking: Option<Booking>,
    pub messages: Vec<Message>,
    /// When staff last read the thread (the parent sees "read" up to here).
    pub staff_read_at: Option<DateTime<Utc>>,
    /// When the parent last read it (for the parent's unread notices).
    pub guardian_read_at: Option<DateTime<Utc>>,
    /// The last change the parent should hear about: a staff reply or a booking change by staff.
    pub staff_changed_at: Option<DateTime<Utc>>,
}

impl Consultation {
    /// The parent has something new from the centre they have not opened yet.
    pub fn unread_by_guardian(&self) -> bool {
        match (self.staff_changed_at, self.guardian_read_at) {
            (Some(changed), Some(read)) => changed > read,
            (Some(_), None) => true,
            (None, _) => false,
        }
    }

    /// The last word is the parent's: the centre owes a reply.
    pub fn waiting_for_staff(&self) -> bool {
        self.closed.is_none() && self.messages.last().is_none_or(|m| m.author == Author::Guardian)
    }

    /// Since when the parent has been waiting: their first message after the centre's last one.
    pub fn waiting_since(&self) -> Option<DateTime<Utc>> {
        if !self.waiting_for_staff() {
            return None;
        }
        let after_staff = self
            .messages
            .iter()
            .rposition(|m| m.author == Author::Staff)
            .map_or(0, |i| i + 1);
        self.messages
            .get(after_staff)
            .map(|m| m.sent_at)
            .or(Some(self.opened_at))
    }
}

/// A published time a coordinator keeps free at a site, in the municipality's local time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Slot {
    pub id: i64,
    pub site: SiteId,
    pub site_name: String,
    pub coordinator: Option<AccountId>,
    pub coordinator_name: Option<String>,
    pub starts_at: NaiveDateTime,
    pub minutes: i64,
    pub mode: ContactMode,
    /// The consultation that booked it, if any.
    pub booked_by: Option<i64>,
}

impl Booking {
    pub fn ends_at(&self) -> NaiveDateTime {
        self.starts_at + chrono::Duration::minutes(self.minutes)
    }
}

/// How a municipality lets parents change their bookings: up to `cutoff_hours` before the time a
/// parent may cancel or move it themselves; after that they call the centre.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookingRules {
    pub cutoff_hours: u32,
}

impl Default for BookingRules {
    /// The day before, to the hour.
    fn default() -> Self {
        BookingRules { cutoff_hours: 24 }
    }
}

/// The longest cutoff a municipality can set: a week.
pub const MAX_CUTOFF_HOURS: u32 = 7 * 24;

impl BookingRules {
    /// A cutoff from a form: whole hours, 0 (until the time itself) to [`MAX_CUTOFF_HOURS`].
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        match raw.trim().parse::<u32>() {
            Ok(h) if h <= MAX_CUTOFF_HOURS => Ok(BookingRules { cutoff_hours: h }),
            _ => Err(Invalid::new("cutoff_hours", Problem::Malformed)),
        }
    }

    /// The last local moment a parent can still cancel or move a booking that starts at `starts_at`.
    pub fn parent_deadline(&self, starts_at: NaiveDateTime) -> NaiveDateTime {
        starts_at - chrono::Duration::hours(i64::from(self.cutoff_hours))
    }

    /// Whether a parent may cancel or move the booking themselves at local time `now`: before the
    /// deadline, and never once the time has come.
    pub fn parent_may_change(&self, booking: &Booking, now: NaiveDateTime) -> bool {
        now < self.parent_deadline(booking.starts_at) && now < booking.starts_at
    }
}

/// The first of `new` start times (each `minutes` long) that overlaps one of a coordinator's
/// `existing` slots (start, minutes) or another of the new ones; `None` when they all fit.
pub fn first_overlap(existing: &[(NaiveDateTime, i64)], new: &[NaiveDateTime], minutes: i64) -> Option<NaiveDateTime> {
    let overlaps = |a: NaiveDateTime, a_min: i64, b: NaiveDateTime, b_min: i64| {
        a < b + chrono::Duration::minutes(b_min) && b < a + chrono::Duration::minutes(a_min)
    };
    new.iter().enumerate().find_map(|(i, &start)| {
        let with_existing = existing.iter().any(|&(s, m)| overlaps(start, minutes, s, m));
        let with_new = new[..i].iter().any(|&other| overlaps(start, minutes, other, minutes));
        (with_existing || with_new).then_some(start)
    })
}

/// How slots are published: one time, or the same weekday and time for several weeks.
pub const MAX_REPEAT_WEEKS: u32 = 26;

/// The start times of a weekly series: `first` and the same time each week, `weeks` in all.
pub fn weekly(first: NaiveDateTime, weeks: u32) -> Result<Vec<NaiveDateTime>, Invalid> {
    if weeks == 0 || weeks > MAX_REPEAT_WEEKS {
        return Err(Invalid::new("weeks", Problem::DateOutOfRange));
    }
    Ok((0..weeks)
        .map(|w| first + chrono::Duration::weeks(i64::from(w)))
        .collect())
}

/// The longest slot, in minutes.
pub const MAX_SLOT_MINUTES: i64 = 180;

/// Slot lengths the centre offers, in minutes.
pub fn slot_minutes(raw: &str) -> Result<i64, Invalid> {
    match raw.trim().parse::<i64>() {
        Ok(m) if (10..=MAX_SLOT_MINUTES).contains(&m) => Ok(m),
        _ => Err(Invalid::new("minutes", Problem::Malformed)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn message(author: Author, sent_at: &str) -> Message {
        Message {
            id: 0,
            author,
            author_name: String::new(),
            body: "x".into(),
            sent_at: at(sent_at),
            client_key: String::new(),
        }
    }

    fn consultation(messages: Vec<Message>) -> Consultation {
        Consultation {
            id: 1,
            family: FamilyId(1),
            family_name: String::new(),
            member: None,
            topic: Topic::Feeding,
            mode: ContactMode::Phone,
            urgency: Urgency::Whenever,
            preferred_times: String::new(),
            assigned_to: None,
            assigned_name: None,
            opened_at: at("2026-11-20T00:00:00Z"),
            opened_on: chrono::NaiveDate::from_ymd_opt(2026, 11, 20).unwrap(),
            closed: None,
            closing_note: String::new(),
            booking: None,
            messages,
            staff_read_at: None,
            guardian_read_at: None,
            staff_changed_at: None,
        }
    }

    #[test]
    fn messages_are_plain_text_within_bounds() {
        assert_eq!(
            MessageText::parse("  ミルクの量が心配です \n").unwrap().as_str(),
            "ミルクの量が心配です"
        );
        assert_eq!(MessageText::parse(" ").unwrap_err().problem, Problem::Required);
        let long = "あ".repeat(MAX_MESSAGE_CHARS + 1);
        assert_eq!(MessageText::parse(&long).unwrap_err().problem, Problem::TooLong);
        assert!(MessageText::parse(&"あ".repeat(MAX_MESSAGE_CHARS)).is_ok());
        assert_eq!(MessageText::parse("a\u{0}b").unwrap_err().problem, Problem::Malformed);
    }

    #[test]
    fn client_keys_are_short_tokens() {
        assert!(ClientKey::parse("3f2b9c1e-0000-4a5b-9c8d-1234567890ab").is_ok());
        assert!(ClientKey::parse("short").is_err());
        assert!(ClientKey::parse("has space in it").is_err());
        assert!(ClientKey::parse(&"a".repeat(65)).is_err());
    }

    #[test]
    fn the_wait_runs_from_the_parents_first_unanswered_message() {
        let c = consultation(vec![
            message(Author::Guardian, "2026-11-20T01:00:00Z"),
            message(Author::Staff, "2026-11-20T05:00:00Z"),
            message(Author::Guardian, "2026-11-21T01:00:00Z"),
            message(Author::Guardian, "2026-11-21T02:00:00Z"),
        ]);
        assert!(c.waiting_for_staff());
        assert_eq!(c.waiting_since(), Some(at("2026-11-21T01:00:00Z")));
        let answered = consultation(vec![
            message(Author::Guardian, "2026-11-20T01:00:00Z"),
            message(Author::Staff, "2026-11-20T05:00:00Z"),
        ]);
        assert!(!answered.waiting_for_staff());
        assert_eq!(answered.waiting_since(), None);
        let mut closed = c.clone();
        closed.closed = Some(Outcome::Resolved);
        assert!(!closed.waiting_for_staff());
    }

    #[test]
    fn the_parent_has_news_until_they_open_it() {
        let mut c = consultation(vec![]);
        assert!(!c.unread_by_guardian());
        c.staff_changed_at = Some(at("2026-11-21T00:00:00Z"));
        assert!(c.unread_by_guardian());
        c.guardian_read_at = Some(at("2026-11-21T00:00:01Z"));
        assert!(!c.unread_by_guardian());
    }

    fn dt(s: &str) -> NaiveDateTime {
        s.parse().unwrap()
    }

    fn booking(starts_at: &str) -> Booking {
        Booking {
            slot: 1,
            site: SiteId(1),
            site_name: "中央".into(),
            starts_at: dt(starts_at),
            minutes: 30,
            coordinator_name: None,
        }
    }

    #[test]
    fn a_parent_changes_a_booking_only_before_the_municipalitys_cutoff() {
        let b = booking("2026-12-10T10:00:00");
        assert_eq!(b.ends_at(), dt("2026-12-10T10:30:00"));
        let day_before = BookingRules::default();
        assert_eq!(day_before.parent_deadline(b.starts_at), dt("2026-12-09T10:00:00"));
        assert!(day_before.parent_may_change(&b, dt("2026-12-09T09:59:59")));
        assert!(!day_before.parent_may_change(&b, dt("2026-12-09T10:00:00")));
        let until_the_time = BookingRules { cutoff_hours: 0 };
        assert!(until_the_time.parent_may_change(&b, dt("2026-12-10T09:59:00")));
        assert!(!until_the_time.parent_may_change(&b, dt("2026-12-10T10:00:00")));
        assert!(!until_the_time.parent_may_change(&b, dt("2026-12-10T11:00:00")));
    }

    #[test]
    fn a_cutoff_is_whole_hours_up_to_a_week() {
        assert_eq!(BookingRules::parse(" 48 ").unwrap().cutoff_hours, 48);
        assert_eq!(BookingRules::parse("0").unwrap().cutoff_hours, 0);
        assert_eq!(BookingRules::parse("168").unwrap().cutoff_hours, MAX_CUTOFF_HOURS);
        for wrong in ["169", "-1", "1.5", "", "あ"] {
            assert_eq!(
                BookingRules::parse(wrong).unwrap_err().problem,
                Problem::Malformed,
                "{wrong}"
            );
        }
    }

    #[test]
    fn a_coordinators_slots_may_touch_but_not_overlap() {
        let existing = [(dt("2026-12-10T10:00:00"), 30)];
        // Ending as the other begins, or beginning as it ends: fine.
        assert_eq!(first_overlap(&existing, &[dt("2026-12-10T09:30:00")], 30), None);
        assert_eq!(first_overlap(&existing, &[dt("2026-12-10T10:30:00")], 60), None);
        // Inside, around, across either edge: refused, naming the time.
        for start in ["2026-12-10T10:10:00", "2026-12-10T09:45:00", "2026-12-10T10:29:00"] {
            assert_eq!(first_overlap(&existing, &[dt(start)], 30), Some(dt(start)), "{start}");
        }
        assert_eq!(
            first_overlap(&existing, &[dt("2026-12-10T09:00:00")], 120),
            Some(dt("2026-12-10T09:00:00"))
        );
        // A weekly series checks every week; the new ones against each other too.
        let weekly_series = weekly(dt("2026-12-03T10:15:00"), 3).unwrap();
        assert_eq!(
            first_overlap(&existing, &weekly_series, 30),
            Some(dt("2026-12-10T10:15:00"))
        );
        let twice = [dt("2026-12-11T10:00:00"), dt("2026-12-11T10:20:00")];
        assert_eq!(first_overlap(&[], &twice, 30), Some(dt("2026-12-11T10:20:00")));
    }

    #[test]
    fn weekly_series_repeat_the_time_and_are_bounded() {
        let first: NaiveDateTime = "2026-11-30T10:00:00".parse().unwrap();
        let times = weekly(first, 3).unwrap();
        assert_eq!(times[2].to_string(), "2026-12-14 10:00:00");
        assert!(weekly(first, 0).is_err());
        assert!(weekly(first, MAX_REPEAT_WEEKS + 1).is_err());
        assert_eq!(slot_minutes("30").unwrap(), 30);
        assert!(slot_minutes("5").is_err());
        assert!(slot_minutes("abc").is_err());
    }
}
