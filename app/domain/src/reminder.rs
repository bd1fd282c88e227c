//! Push reminders, planned from the timeline: a few days before an item's recommended period, on
//! its first morning, and a gentle note once it is overdue — never inside the family's quiet hours.
//! Pure: the store keeps the plan in an outbox and the dispatcher sends it.

use crate::schedule::Status;
use crate::timeline::{Member, MemberTimeline};
use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};
use serde::{Deserialize, Serialize};

/// What a family wants to be reminded of, and when not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Preferences {
    pub timeline: bool,
    pub consultations: bool,
    /// How many days before an item's recommended period the first reminder comes (0 = none).
    pub days_ahead: u8,
    /// Local times: no push from `quiet_from` until `quiet_until` (the window may cross midnight).
    pub quiet_from: NaiveTime,
    pub quiet_until: NaiveTime,
}

impl Default for Preferences {
    /// Both kinds on, three days ahead, quiet 21:00–08:00.
    fn default() -> Self {
        Preferences {
            timeline: true,
            consultations: true,
            days_ahead: 3,
            quiet_from: NaiveTime::from_hms_opt(21, 0, 0).unwrap_or_default(),
            quiet_until: NaiveTime::from_hms_opt(8, 0, 0).unwrap_or_default(),
        }
    }
}

pub const MAX_DAYS_AHEAD: u8 = 14;

/// Reminders are planned this far ahead; the planner runs again every day.
pub const HORIZON_DAYS: i64 = 45;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Moment {
    /// `days_ahead` days before the recommended period.
    Ahead,
    /// The first morning of the recommended period.
    DayOf,
    /// The day after the recommended period ended, if still not done.
    Overdue,
}

/// One reminder to send, in the municipality's local time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Planned {
    /// Unique per family and reminder: re-planning finds the same key and changes nothing.
    pub key: String,
    pub member: Member,
    /// The item's series, for the app to name it once the parent opens it (not in the payload).
    pub series: String,
    pub moment: Moment,
    pub at: NaiveDateTime,
}

fn at(day: NaiveDate, hour: u32) -> NaiveDateTime {
    day.and_time(NaiveTime::from_hms_opt(hour, 0, 0).unwrap_or_default())
}

/// Moves a time out of the quiet window to its end.
pub fn outside_quiet_hours(time: NaiveDateTime, prefs: &Preferences) -> NaiveDateTime {
    let (from, until) = (prefs.quiet_from, prefs.quiet_until);
    let t = time.time();
    if from == until {
        return time;
    }
    let quiet = if from < until {
        t >= from && t < until
    } else {
        t >= from || t < until
    };
    if !quiet {
        return time;
    }
    let day = if from > until && t >= from {
        time.date() + Duration::days(1)
    } else {
        time.date()
    };
    day.and_time(until)
}

fn member_key(member: Member) -> String {
    match member {
        Member::Pregnancy(p) => format!("pregnancy:{}", p.0),
        Member::Child(c) => format!("child:{}", c.0),
    }
}

/// The reminders due from `now` (local) up to the horizon.
pub fn plan(timelines: &[MemberTimeline], prefs: &Preferences, now: NaiveDateTime) -> Vec<Planned> {
    if !prefs.timeline {
        return vec![];
    }
    let horizon = now + Duration::days(HORIZON_DAYS);
    let mut planned = Vec::new();
    for tl in timelines {
        for item in &tl.timeline.items {
            if item.projected || matches!(item.status, Status::Completed | Status::NotNeeded | Status::Missed) {
                continue;
            }
            let mut moments = vec![(Moment::DayOf, at(item.recommended_from, 8))];
            if prefs.days_ahead > 0 {
                let ahead = item.recommended_from - Duration::days(i64::from(prefs.days_ahead.min(MAX_DAYS_AHEAD)));
                moments.push((Moment::Ahead, at(ahead, 9)));
            }
            if item.recommended_until < item.latest {
                moments.push((Moment::Overdue, at(item.recommended_until + Duration::days(1), 10)));
            }
            for (moment, when) in moments {
                let when = outside_quiet_hours(when, prefs);
                if when < now || when > horizon {
                    continue;
                }
                planned.push(Planned {
                    key: format!("{}/{}/{:?}", member_key(tl.member), item.key, moment).to_lowercase(),
                    member: tl.member,
                    series: item.series.as_str().to_owned(),
                    moment,
                    at: when,
                });
            }
        }
    }
    planned.sort_by(|a, b| a.at.cmp(&b.at).then_with(|| a.key.cmp(&b.key)));
    planned
}

/// What is sent at one moment: one reminder alone, or several due at the same time as one
/// digest (a parent gets one push in the morning, not five).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Digest {
    /// The reminder's own key when alone; `digest/<time>` for several (re-planning the same
    /// morning finds the same digest and updates it).
    pub key: String,
    pub at: NaiveDateTime,
    /// In the planner's order; never empty.
    pub items: Vec<Planned>,
}

impl Digest {
    /// The moment all its items share, if they do.
    pub fn moment(&self) -> Option<Moment> {
        let first = self.items.first()?.moment;
        self.items.iter().all(|p| p.moment == first).then_some(first)
    }
}

/// Groups planned reminders (sorted by time, as [`plan`] gives them) into one send per time.
pub fn digests(planned: Vec<Planned>) -> Vec<Digest> {
    let mut out: Vec<Digest> = Vec::new();
    for p in planned {
        match out.last_mut() {
            Some(d) if d.at == p.at => {
                d.key = format!("digest/{}", p.at.format("%Y%m%dT%H%M"));
                d.items.push(p);
            }
            _ => out.push(Digest {
                key: p.key.clone(),
                at: p.at,
                items: vec![p],
            }),
        }
    }
    out
}

/// A reminder of a booked consultation: its key and local time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BookingReminder {
    pub consultation: i64,
    pub key: String,
    pub at: NaiveDateTime,
}

/// Reminders of the family's booked consultations (consultation id, local start): at 09:00 the
/// day before, moved out of quiet hours but never past the time itself. One booked after that
/// morning gets none (the parent has just chosen it). Keyed by the start, so a moved booking is reminded anew.
pub fn plan_bookings(
    bookings: &[(i64, NaiveDateTime)],
    prefs: &Preferences,
    now: NaiveDateTime,
) -> Vec<BookingReminder> {
    if !prefs.consultations {
        return vec![];
    }
    let mut planned: Vec<BookingReminder> = bookings
        .iter()
        .filter_map(|&(consultation, starts_at)| {
            let when = outside_quiet_hours(at(starts_at.date() - Duration::days(1), 9), prefs);
            (now <= when && when < starts_at).then(|| BookingReminder {
                consultation,
                key: format!("consultation:{consultation}/booked:{}", starts_at.format("%Y%m%dT%H%M")),
                at: when,
            })
        })
        .collect();
    planned.sort_by(|a, b| a.at.cmp(&b.at).then_with(|| a.key.cmp(&b.key)));
    planned
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::family::{Child, FamilyRecord};
    use crate::ids::{ChildId, FamilyId, MunicipalityId};
    use crate::people::Sex;
    use crate::schedule::{Options, Schedule};
    use crate::timeline::{MemberRecord, family_timelines};

    fn dt(s: &str) -> NaiveDateTime {
        s.parse().unwrap()
    }

    fn t(s: &str) -> NaiveTime {
        s.parse().unwrap()
    }

    fn newborn(birth: &str, records: &[(&str, &str)], today: &str) -> Vec<MemberTimeline> {
        let family = FamilyRecord {
            id: FamilyId(1),
            municipality: MunicipalityId(1),
            site: None,
            site_name: None,
            family_name: "山田".into(),
            family_name_kana: "ヤマダ".into(),
            guardians: vec![],
            pregnancies: vec![],
            children: vec![Child {
                id: ChildId(7),
                pregnancy: None,
                name: "花".into(),
                name_kana: "ハナ".into(),
                birth_date: birth.parse().unwrap(),
                sex: Sex::Female,
                options: Options::default(),
            }],
        };
        let records: Vec<MemberRecord> = records
            .iter()
            .map(|(key, on)| MemberRecord {
                member: Member::Child(ChildId(7)),
                key: (*key).into(),
                done_on: on.parse().unwrap(),
            })
            .collect();
        family_timelines(Schedule::national(), &family, &records, today.parse().unwrap())
    }

    #[test]
    fn quiet_hours_push_a_reminder_to_their_end() {
        let prefs = Preferences::default();
        assert_eq!(
            outside_quiet_hours(dt("2026-12-01T07:59:00"), &prefs),
            dt("2026-12-01T08:00:00")
        );
        assert_eq!(
            outside_quiet_hours(dt("2026-12-01T21:00:00"), &prefs),
            dt("2026-12-02T08:00:00")
        );
        assert_eq!(
            outside_quiet_hours(dt("2026-12-01T08:00:00"), &prefs),
            dt("2026-12-01T08:00:00")
        );
        assert_eq!(
            outside_quiet_hours(dt("2026-12-01T20:59:00"), &prefs),
            dt("2026-12-01T20:59:00")
        );
        let daytime = Preferences {
            quiet_from: t("12:00:00"),
            quiet_until: t("14:00:00"),
            ..prefs
        };
        assert_eq!(
            outside_quiet_hours(dt("2026-12-01T13:00:00"), &daytime),
            dt("2026-12-01T14:00:00")
        );
        assert_eq!(
            outside_quiet_hours(dt("2026-12-01T09:00:00"), &daytime),
            dt("2026-12-01T09:00:00")
        );
    }

    #[test]
    fn an_upcoming_vaccine_gets_a_reminder_ahead_and_on_its_first_morning() {
        // Born 2026-10-01: the child reaches 2 months on 2026-11-30 (the day before the anniversary),
        // when the first doses' recommended period starts.
        let timelines = newborn("2026-10-01", &[], "2026-11-24");
        let plan = plan(&timelines, &Preferences::default(), dt("2026-11-24T12:00:00"));
        let hepb: Vec<&Planned> = plan.iter().filter(|p| p.key.contains("hepb-1")).collect();
        assert!(
            hepb.iter()
                .any(|p| p.moment == Moment::Ahead && p.at == dt("2026-11-27T09:00:00")),
            "{hepb:?}"
        );
        assert!(
            hepb.iter()
                .any(|p| p.moment == Moment::DayOf && p.at == dt("2026-11-30T08:00:00")),
            "{hepb:?}"
        );
        assert!(plan.windows(2).all(|w| w[0].at <= w[1].at));
        // Every key is unique, so re-planning is idempotent.
        let mut keys: Vec<&str> = plan.iter().map(|p| p.key.as_str()).collect();
        keys.sort();
        keys.dedup();
        assert_eq!(keys.len(), plan.len());
    }

    #[test]
    fn a_recorded_item_and_a_switched_off_timeline_plan_nothing() {
        let done = newborn("2026-10-01", &[("hepb-1", "2026-11-20")], "2026-11-24");
        let planned = plan(&done, &Preferences::default(), dt("2026-11-24T12:00:00"));
        assert!(!planned.iter().any(|p| p.key.contains("hepb-1/")), "{planned:?}");
        let off = Preferences {
            timeline: false,
            ..Preferences::default()
        };
        assert!(
            plan(
                &newborn("2026-10-01", &[], "2026-11-24"),
                &off,
                dt("2026-11-24T12:00:00")
            )
            .is_empty()
        );
    }

    #[test]
    fn nothing_is_planned_in_the_past_or_beyond_the_horizon_or_in_quiet_hours() {
        let timelines = newborn("2026-10-01", &[], "2026-11-24");
        let now = dt("2026-11-24T12:00:00");
        let prefs = Preferences {
            days_ahead: 7,
            quiet_from: t("08:30:00"),
            quiet_until: t("09:30:00"),
            ..Preferences::default()
        };
        for p in plan(&timelines, &prefs, now) {
            assert!(p.at >= now && p.at <= now + Duration::days(HORIZON_DAYS), "{p:?}");
            let time = p.at.time();
            assert!(!(time >= t("08:30:00") && time < t("09:30:00")), "{p:?}");
        }
    }

    #[test]
    fn a_booked_consultation_is_reminded_the_morning_before() {
        let prefs = Preferences::default();
        let booked = [(4, dt("2026-12-10T10:00:00")), (5, dt("2026-12-08T14:00:00"))];
        let planned = plan_bookings(&booked, &prefs, dt("2026-12-07T20:00:00"));
        assert_eq!(
            planned,
            [BookingReminder {
                consultation: 4,
                key: "consultation:4/booked:20261210T1000".into(),
                at: dt("2026-12-09T09:00:00"),
            }],
            "tomorrow's was already due this morning"
        );
        // Quiet until 10:00: the reminder waits for the end of quiet hours.
        let late_riser = Preferences {
            quiet_until: t("10:00"),
            ..prefs
        };
        assert_eq!(
            plan_bookings(&booked, &late_riser, dt("2026-12-07T20:00:00"))[0].at,
            dt("2026-12-09T10:00:00")
        );
        let no_news = Preferences {
            consultations: false,
            ..prefs
        };
        assert!(plan_bookings(&booked, &no_news, dt("2026-12-07T20:00:00")).is_empty());
    }

    #[test]
    fn reminders_due_at_the_same_moment_go_out_as_one_digest() {
        let planned = |key: &str, moment, at: &str| Planned {
            key: key.into(),
            member: Member::Child(ChildId(7)),
            series: "hib".into(),
            moment,
            at: dt(at),
        };
        let grouped = digests(vec![
            planned("a", Moment::Ahead, "2026-12-09T09:00:00"),
            planned("b", Moment::Ahead, "2026-12-09T09:00:00"),
            planned("c", Moment::DayOf, "2026-12-10T08:00:00"),
            planned("d", Moment::DayOf, "2026-12-11T08:00:00"),
            planned("e", Moment::Overdue, "2026-12-11T08:00:00"),
        ]);
        let summary: Vec<(&str, usize, Option<Moment>)> = grouped
            .iter()
            .map(|d| (d.key.as_str(), d.items.len(), d.moment()))
            .collect();
        assert_eq!(
            summary,
            [
                ("digest/20261209T0900", 2, Some(Moment::Ahead)),
                ("c", 1, Some(Moment::DayOf)),
                ("digest/20261211T0800", 2, None),
            ]
        );
        // From a real plan: a newborn's two-month vaccinations begin the same morning.
        let timelines = newborn("2026-10-10", &[], "2026-12-01");
        let plan = plan(&timelines, &Preferences::default(), dt("2026-12-01T12:00:00"));
        let sends = digests(plan.clone());
        assert!(sends.len() < plan.len(), "{plan:?}");
        assert_eq!(sends.iter().map(|d| d.items.len()).sum::<usize>(), plan.len());
        assert!(sends.windows(2).all(|w| w[0].at < w[1].at));
    }
}
