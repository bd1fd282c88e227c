//! A family's timelines: one per ongoing or lost pregnancy and one per child, with the records
//! that belong to each. A pregnancy that ended in birth continues as its child's timeline.

use crate::family::{FamilyRecord, PregnancyOutcome};
use crate::ids::{ChildId, PregnancyId};
use crate::schedule::{Options, Record, Schedule, Subject, Timeline, plan};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Whose timeline an item belongs to: a pregnancy or a child.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "member", content = "id")]
pub enum Member {
    Pregnancy(PregnancyId),
    Child(ChildId),
}

/// How a timeline is titled on screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "title")]
pub enum Title {
    Pregnancy { due_date: NaiveDate },
    Child { name: String, birth_date: NaiveDate },
}

/// A recorded event as the engine needs it: whose, which item, when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberRecord {
    pub member: Member,
    pub key: String,
    pub done_on: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberTimeline {
    /// Where new records for this timeline go (the child, once born).
    pub member: Member,
    pub title: Title,
    /// Whose records count here (a born child's timeline also counts its pregnancy's).
    pub sources: Vec<Member>,
    /// The child's vaccine products (none for a pregnancy's own timeline).
    pub options: Option<Options>,
    pub timeline: Timeline,
}

impl MemberTimeline {
    /// Whom this timeline's items belong to for good: the pregnancy a born child's timeline
    /// continues, else the member. An item keeps this identity across the birth (a calendar
    /// event's UID does not change when the pregnancy becomes a child).
    pub fn lasting_member(&self) -> Member {
        self.sources
            .iter()
            .copied()
            .find(|m| matches!(m, Member::Pregnancy(_)))
            .unwrap_or(self.member)
    }
}

/// Plans every timeline of a family. Records whose key the schedule does not know are left out of
/// planning (they stay on file and on screen); the engine flags records that break the rules.
pub fn family_timelines(
    schedule: &Schedule,
    family: &FamilyRecord,
    records: &[MemberRecord],
    today: NaiveDate,
) -> Vec<MemberTimeline> {
    let records_of = |members: &[Member]| -> Vec<Record> {
        records
            .iter()
            .filter(|r| members.contains(&r.member))
            .filter_map(|r| schedule.key(&r.key).ok().map(|key| Record::new(key, r.done_on)))
            .collect()
    };
    let mut timelines = Vec::new();
    let mut continued: Vec<ChildId> = Vec::new();
    for p in &family.pregnancies {
        let first_child = family
            .children
            .iter()
            .filter(|c| c.pregnancy == Some(p.id))
            .min_by_key(|c| c.id);
        let (member, title, subject, members) = match (p.outcome, first_child, p.ended_on) {
            (PregnancyOutcome::Born, Some(child), _) => {
                continued.push(child.id);
                (
                    Member::Child(child.id),
                    Title::Child {
                        name: child.name.clone(),
                        birth_date: child.birth_date,
                    },
                    Subject::Born {
                        due_date: p.due_date,
                        birth_date: child.birth_date,
                    },
                    vec![Member::Pregnancy(p.id), Member::Child(child.id)],
                )
            }
            (PregnancyOutcome::Lost, _, Some(loss_date)) => (
                Member::Pregnancy(p.id),
                Title::Pregnancy { due_date: p.due_date },
                Subject::Lost {
                    due_date: p.due_date,
                    loss_date,
                },
                vec![Member::Pregnancy(p.id)],
            ),
            // Ongoing, or a birth recorded without its child (not followed here): the pregnancy's own items.
            _ => (
                Member::Pregnancy(p.id),
                Title::Pregnancy { due_date: p.due_date },
                Subject::pregnancy(p.due_date),
                vec![Member::Pregnancy(p.id)],
            ),
        };
        let options = first_child
            .filter(|_| matches!(member, Member::Child(_)))
            .map(|c| c.options);
        let timeline = plan(
            schedule,
            &subject,
            &records_of(&members),
            &options.unwrap_or_default(),
            today,
        );
        timelines.push(MemberTimeline {
            member,
            title,
            sources: members,
            options,
            timeline,
        });
    }
    for c in family.children.iter().filter(|c| !continued.contains(&c.id)) {
        let member = Member::Child(c.id);
        let timeline = plan(
            schedule,
            &Subject::child(c.birth_date),
            &records_of(&[member]),
            &c.options,
            today,
        );
        timelines.push(MemberTimeline {
            member,
            title: Title::Child {
                name: c.name.clone(),
                birth_date: c.birth_date,
            },
            sources: vec![member],
            options: Some(c.options),
            timeline,
        });
    }
    timelines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::family::{Child, Pregnancy};
    use crate::ids::{FamilyId, MunicipalityId};
    use crate::people::Sex;
    use crate::schedule::{Kind, Status};

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn family(pregnancies: Vec<Pregnancy>, children: Vec<Child>) -> FamilyRecord {
        FamilyRecord {
            id: FamilyId(1),
            municipality: MunicipalityId(1),
            site: None,
            site_name: None,
            family_name: "山田".into(),
            family_name_kana: "ヤマダ".into(),
            guardians: vec![],
            pregnancies,
            children,
        }
    }

    fn pregnancy(id: i64, due: &str, outcome: PregnancyOutcome, ended: Option<&str>) -> Pregnancy {
        Pregnancy {
            id: PregnancyId(id),
            due_date: d(due),
            notified_on: Some(d("2026-01-10")),
            heartbeat_on: None,
            fetuses: 1,
            outcome,
            ended_on: ended.map(d),
        }
    }

    fn child(id: i64, pregnancy: Option<i64>, born: &str) -> Child {
        Child {
            id: ChildId(id),
            pregnancy: pregnancy.map(PregnancyId),
            name: format!("子{id}"),
            name_kana: "コ".into(),
            birth_date: d(born),
            sex: Sex::Unknown,
            options: Options::default(),
        }
    }

    #[test]
    fn an_ongoing_pregnancy_has_prenatal_items_and_no_vaccinations_yet() {
        let f = family(
            vec![pregnancy(1, "2027-03-01", PregnancyOutcome::Ongoing, None)],
            vec![],
        );
        let t = family_timelines(Schedule::national(), &f, &[], d("2026-11-24"));
        assert_eq!(t.len(), 1);
        assert_eq!(t[0].member, Member::Pregnancy(PregnancyId(1)));
        assert!(t[0].timeline.items.iter().any(|i| i.kind == Kind::PrenatalCheckup));
        assert!(t[0].timeline.item("hepb-1").is_none());
    }

    #[test]
    fn a_birth_continues_the_pregnancy_as_the_childs_timeline_with_both_records() {
        let f = family(
            vec![pregnancy(1, "2026-06-01", PregnancyOutcome::Born, Some("2026-05-28"))],
            vec![child(7, Some(1), "2026-05-28")],
        );
        let records = [
            MemberRecord {
                member: Member::Pregnancy(PregnancyId(1)),
                key: "interview-notification".into(),
                done_on: d("2025-10-20"),
            },
            MemberRecord {
                member: Member::Child(ChildId(7)),
                key: "hepb-1".into(),
                done_on: d("2026-07-28"),
            },
            MemberRecord {
                member: Member::Child(ChildId(8)),
                key: "hepb-2".into(),
                done_on: d("2026-09-01"),
            },
        ];
        let t = family_timelines(Schedule::national(), &f, &records, d("2026-11-24"));
        assert_eq!(t.len(), 1, "one timeline, not a pregnancy and a child");
        assert_eq!(t[0].member, Member::Child(ChildId(7)));
        let tl = &t[0].timeline;
        assert_eq!(tl.item("interview-notification").unwrap().status, Status::Completed);
        assert_eq!(tl.item("hepb-1").unwrap().done_on, Some(d("2026-07-28")));
        assert_ne!(
            tl.item("hepb-2").unwrap().status,
            Status::Completed,
            "another child's record does not count"
        );
    }

    #[test]
    fn a_lost_pregnancy_ends_its_prenatal_items_gently() {
        let f = family(
            vec![pregnancy(1, "2027-03-01", PregnancyOutcome::Lost, Some("2026-10-01"))],
            vec![],
        );
        let t = family_timelines(Schedule::national(), &f, &[], d("2026-11-24"));
        assert!(
            t[0].timeline
                .items
                .iter()
                .filter(|i| i.kind == Kind::PrenatalCheckup)
                .all(|i| matches!(i.status, Status::NotNeeded | Status::Completed))
        );
    }

    #[test]
    fn children_without_a_followed_pregnancy_get_their_own_timelines() {
        let f = family(vec![], vec![child(1, None, "2025-04-01"), child(2, None, "2026-09-01")]);
        let t = family_timelines(Schedule::national(), &f, &[], d("2026-11-24"));
        assert_eq!(
            t.iter().map(|t| t.member).collect::<Vec<_>>(),
            [Member::Child(ChildId(1)), Member::Child(ChildId(2))]
        );
        assert!(t.iter().all(|t| t.timeline.item("mr-1").is_some()));
    }

    #[test]
    fn a_childs_product_choice_changes_its_doses() {
        let mut pentavalent = child(1, None, "2026-09-01");
        pentavalent.options = Options::from_text("rota=pentavalent").unwrap();
        let t = family_timelines(
            Schedule::national(),
            &family(vec![], vec![pentavalent]),
            &[],
            d("2026-11-24"),
        );
        assert!(t[0].timeline.item("rota-3").is_some());
        let t = family_timelines(
            Schedule::national(),
            &family(vec![], vec![child(1, None, "2026-09-01")]),
            &[],
            d("2026-11-24"),
        );
        assert!(
            t[0].timeline.item("rota-3").is_none(),
            "monovalent by default: two doses"
        );
    }

    #[test]
    fn product_options_read_back_from_their_text() {
        let o = Options::from_text(" rota=pentavalent , pcv=pcv15 ").unwrap();
        assert_eq!(Options::from_text(&o.to_text()).unwrap(), o);
        assert_eq!(Options::default().to_text(), "");
        assert!(Options::from_text("rota=unknown").is_err());
        assert!(Options::from_text("colour=blue").is_err());
    }
}
