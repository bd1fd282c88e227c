-- サポートプラン as the こども家庭センターガイドライン asks: each plan is for a person (the mother, a
-- child) or the household, under a category, for a period (from, review, until), with when and how
-- it was shared with the family, and the 合同ケース会議 that decided or reviewed it. A family can
-- have several open plans: one per category and subject.
ALTER TABLE support_plans ADD COLUMN subject TEXT NOT NULL DEFAULT 'household'
    CHECK (subject IN ('mother', 'child', 'household'));
ALTER TABLE support_plans ADD COLUMN subject_child_id INTEGER REFERENCES children(id);
ALTER TABLE support_plans ADD COLUMN category TEXT NOT NULL DEFAULT 'child_needing_support'
    CHECK (category IN ('specified_pregnancy', 'child_needing_support', 'child_requiring_protection', 'maternal_child_health'));
ALTER TABLE support_plans ADD COLUMN starts_on TEXT;
ALTER TABLE support_plans ADD COLUMN ends_on TEXT;
ALTER TABLE support_plans ADD COLUMN shared_on TEXT;
ALTER TABLE support_plans ADD COLUMN shared_how TEXT
    CHECK (shared_how IN ('in_person', 'home_visit', 'phone', 'document'));
ALTER TABLE support_plans ADD COLUMN sharing_note TEXT NOT NULL DEFAULT '';
ALTER TABLE support_plans ADD COLUMN closed_on TEXT;

-- A plan made before takes its category from the family's first flag (an EPDS flag: the mother's
-- health), its period from the day it was made, six months long or to its review.
UPDATE support_plans SET category = COALESCE((
    SELECT CASE WHEN f.origin = 'epds' THEN 'maternal_child_health'
                WHEN f.category = 'needs_support' THEN 'child_needing_support'
                ELSE f.category END
    FROM risk_flags f WHERE f.family_id = support_plans.family_id ORDER BY f.raised_on, f.id LIMIT 1
), 'child_needing_support');
UPDATE support_plans SET subject = 'mother' WHERE category IN ('specified_pregnancy', 'maternal_child_health');
UPDATE support_plans SET starts_on = CASE WHEN review_on < substr(created_at, 1, 10) THEN review_on
                                          ELSE substr(created_at, 1, 10) END;
UPDATE support_plans SET ends_on = CASE WHEN review_on > date(starts_on, '+6 months') THEN review_on
                                        ELSE date(starts_on, '+6 months') END;
UPDATE support_plans SET closed_on = (
    SELECT substr(MAX(r.saved_at), 1, 10) FROM support_plan_revisions r WHERE r.plan_id = support_plans.id
) WHERE status = 'closed';

DROP INDEX support_plans_one_active;
-- One open plan per category and subject, even when two coordinators flag the family at once.
CREATE UNIQUE INDEX support_plans_one_active
    ON support_plans (family_id, category, subject, COALESCE(subject_child_id, 0)) WHERE status = 'active';
-- The figures count the plans open in a month by their period.
CREATE INDEX support_plans_by_start ON support_plans (municipality_id, starts_on);

ALTER TABLE support_plan_revisions ADD COLUMN subject TEXT NOT NULL DEFAULT 'household';
ALTER TABLE support_plan_revisions ADD COLUMN subject_child_id INTEGER;
ALTER TABLE support_plan_revisions ADD COLUMN category TEXT NOT NULL DEFAULT 'child_needing_support';
ALTER TABLE support_plan_revisions ADD COLUMN starts_on TEXT;
ALTER TABLE support_plan_revisions ADD COLUMN ends_on TEXT;
ALTER TABLE support_plan_revisions ADD COLUMN shared_on TEXT;
ALTER TABLE support_plan_revisions ADD COLUMN shared_how TEXT;
ALTER TABLE support_plan_revisions ADD COLUMN sharing_note TEXT NOT NULL DEFAULT '';
UPDATE support_plan_revisions SET
    subject = (SELECT p.subject FROM support_plans p WHERE p.id = support_plan_revisions.plan_id),
    category = (SELECT p.category FROM support_plans p WHERE p.id = support_plan_revisions.plan_id),
    starts_on = (SELECT p.starts_on FROM support_plans p WHERE p.id = support_plan_revisions.plan_id),
    ends_on = (SELECT p.ends_on FROM support_plans p WHERE p.id = support_plan_revisions.plan_id);

-- 合同ケース会議: the meetings that decided or reviewed a plan, with who took part.
CREATE TABLE case_meetings (
    id               INTEGER PRIMARY KEY,
    municipality_id  INTEGER NOT NULL REFERENCES municipalities(id),
    family_id        INTEGER NOT NULL REFERENCES families(id),
    plan_id          INTEGER NOT NULL REFERENCES support_plans(id),
    held_on          TEXT NOT NULL,
    purpose          TEXT NOT NULL CHECK (purpose IN ('decided', 'reviewed')),
    decisions        TEXT NOT NULL,
    recorded_by      INTEGER NOT NULL REFERENCES accounts(id),
    recorded_at      TEXT NOT NULL
);
CREATE INDEX case_meetings_by_family ON case_meetings (family_id, plan_id);

CREATE TABLE case_meeting_participants (
    meeting_id       INTEGER NOT NULL REFERENCES case_meetings(id),
    position         INTEGER NOT NULL,
    role             TEXT NOT NULL,
    institution      TEXT NOT NULL,
    PRIMARY KEY (meeting_id, position)
);
