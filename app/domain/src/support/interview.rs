//! The three 伴走型 contacts (妊婦等包括相談支援事業): the interview at the pregnancy notification,
//! the eight-month contact and the interview after birth, with what was heard and the benefit steps.

use crate::code_enum;
use crate::ids::{AccountId, ChildId, PregnancyId};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

code_enum!(
    /// Which of the three contacts.
    InterviewKind {
        /// 妊娠届出時面談 — required, at the notification.
        Notification = "notification",
        /// 妊娠8か月頃 (28–31 weeks): a questionnaire to all, an interview for those who ask.
        EightMonth = "eight_month",
        /// 出生後面談 — required, usually at the newborn or infant home visit.
        Postnatal = "postnatal",
    }
);

impl InterviewKind {
    /// Whose contact it is: the notification and eight-month contacts belong to a pregnancy,
    /// the postnatal interview to a child.
    pub fn check_member(self, member: crate::timeline::Member) -> Result<(), crate::input::Invalid> {
        use crate::timeline::Member;
        match (self, member) {
            (InterviewKind::Notification | InterviewKind::EightMonth, Member::Pregnancy(_))
            | (InterviewKind::Postnatal, Member::Child(_)) => Ok(()),
            _ => Err(crate::input::Invalid::new(
                "member",
                crate::input::Problem::NotForMember,
            )),
        }
    }

    /// The timeline item this contact completes.
    pub const fn timeline_key(self) -> &'static str {
        match self {
            InterviewKind::Notification => "interview-notification",
            InterviewKind::EightMonth => "interview-8m",
            InterviewKind::Postnatal => "interview-postnatal",
        }
    }
}

code_enum!(
    /// How much help the family has at home, as heard at the interview.
    HomeSupport {
        Enough = "enough",
        Some = "some",
        /// Nobody to rely on: a discussion point in itself.
        None = "none",
    }
);

code_enum!(
    /// Background topics of the 育児支援チェックリスト kind (not its copyrighted wording). Each "yes"
    /// is a point to talk through; the list is never totalled into a score.
    ChecklistTopic {
        /// Past or current care for mental health.
        MentalHealthHistory = "mental_health_history",
        /// Problems in this or an earlier pregnancy or birth.
        PregnancyProblems = "pregnancy_problems",
        /// Nobody to help with the baby.
        NoHelper = "no_helper",
        /// Money, work or housing worries.
        MoneyOrHousing = "money_or_housing",
        /// A big stress or life event this year (bereavement, moving, illness).
        LifeEvent = "life_event",
        /// Difficulties with the partner or the wider family.
        FamilyRelations = "family_relations",
        /// The pregnancy was unplanned, or feelings about it are mixed.
        MixedFeelings = "mixed_feelings",
        /// A young or single parent, or a multiple pregnancy.
        SpecialCircumstances = "special_circumstances",
        /// Something else the coordinator is concerned about.
        OtherConcern = "other_concern",
    }
);

/// A recorded contact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Interview {
    pub id: i64,
    pub kind: InterviewKind,
    pub pregnancy: Option<PregnancyId>,
    pub child: Option<ChildId>,
    pub held_on: NaiveDate,
    pub interviewer: AccountId,
    pub interviewer_name: String,
    pub home_support: HomeSupport,
    /// Topics answered "yes".
    pub checklist: Vec<ChecklistTopic>,
    pub health: String,
    pub worries: String,
    /// For the eight-month contact: the questionnaire came back.
    pub questionnaire_returned: bool,
    /// The family asked for (or was offered and took) a conversation, not only the questionnaire.
    pub interview_requested: bool,
    /// The benefit claim form handed out at this contact (妊婦のための支援給付).
    pub benefit_form_handed: bool,
}

/// Checklist answers stored as a comma-separated list of topic codes.
pub fn checklist_to_text(topics: &[ChecklistTopic]) -> String {
    topics.iter().map(|t| t.as_str()).collect::<Vec<_>>().join(",")
}

pub fn checklist_from_text(text: &str) -> Option<Vec<ChecklistTopic>> {
    text.split(',')
        .filter(|s| !s.is_empty())
        .map(ChecklistTopic::parse)
        .collect()
}

/// Which benefit claim (1回目 ¥50,000, 2回目 ¥50,000 × fetuses) a contact's form belongs to: the
/// first follows the notification interview; the second is handed at the contact the municipality
/// chooses (the eight-month contact by default, the postnatal one in some towns).
pub fn benefit_claim(kind: InterviewKind, second_form_at: InterviewKind) -> Option<u8> {
    match kind {
        InterviewKind::Notification => Some(1),
        k if k == second_form_at => Some(2),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checklists_round_trip_and_refuse_unknown_topics() {
        let topics = vec![ChecklistTopic::NoHelper, ChecklistTopic::MixedFeelings];
        assert_eq!(checklist_to_text(&topics), "no_helper,mixed_feelings");
        assert_eq!(checklist_from_text("no_helper,mixed_feelings"), Some(topics));
        assert_eq!(checklist_from_text(""), Some(vec![]));
        assert_eq!(checklist_from_text("no_helper,bogus"), None);
        assert_eq!(ChecklistTopic::ALL.len(), 9);
    }

    #[test]
    fn the_second_benefit_form_goes_with_the_chosen_contact() {
        use InterviewKind::*;
        assert_eq!(benefit_claim(Notification, EightMonth), Some(1));
        assert_eq!(benefit_claim(EightMonth, EightMonth), Some(2));
        assert_eq!(benefit_claim(Postnatal, EightMonth), None);
        assert_eq!(benefit_claim(Postnatal, Postnatal), Some(2));
        assert_eq!(benefit_claim(EightMonth, Postnatal), None);
    }

    #[test]
    fn each_contact_completes_its_timeline_item() {
        assert_eq!(InterviewKind::Notification.timeline_key(), "interview-notification");
        assert_eq!(InterviewKind::parse("eight_month"), Some(InterviewKind::EightMonth));
        assert_eq!(InterviewKind::parse("8m"), None);
    }
}
