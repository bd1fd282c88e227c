-- The staff side: the 伴走型 interviews, risk flags, support plans with their history, home visits,
-- related institutions and referrals. Rows are never deleted; flags are cleared, plans closed.

CREATE TABLE interviews (
    id                      INTEGER PRIMARY KEY,
    municipality_id         INTEGER NOT NULL REFERENCES municipalities(id),
    family_id               INTEGER NOT NULL REFERENCES families(id),
    pregnancy_id            INTEGER REFERENCES pregnancies(id),
    child_id                INTEGER REFERENCES children(id),
    kind                    TEXT NOT NULL CHECK (kind IN ('notification', 'eight_month', 'postnatal')),
    held_on                 TEXT NOT NULL,
    interviewer_id          INTEGER NOT NULL REFERENCES accounts(id),
    home_support            TEXT NOT NULL CHECK (home_support IN ('enough', 'some', 'none')),
    checklist               TEXT NOT NULL,          -- topic codes answered yes, comma-separated
    health                  TEXT NOT NULL,
    worries                 TEXT NOT NULL,
    questionnaire_returned  INTEGER NOT NULL,
    interview_requested     INTEGER NOT NULL,
    benefit_form_handed     INTEGER NOT NULL,
    created_at              TEXT NOT NULL,
    CHECK (pregnancy_id IS NOT NULL OR child_id IS NOT NULL)
);
CREATE INDEX interviews_by_family ON interviews (family_id);
CREATE INDEX interviews_by_municipality ON interviews (municipality_id, kind, held_on);

CREATE TABLE risk_flags (
    id               INTEGER PRIMARY KEY,
    municipality_id  INTEGER NOT NULL REFERENCES municipalities(id),
    family_id        INTEGER NOT NULL REFERENCES families(id),
    category         TEXT NOT NULL CHECK (category IN ('needs_support', 'specified_pregnancy', 'child_requiring_protection')),
    origin           TEXT NOT NULL CHECK (origin IN ('interview', 'epds', 'manual')),
    reason           TEXT NOT NULL,
    raised_by        INTEGER NOT NULL REFERENCES accounts(id),
    raised_on        TEXT NOT NULL,
    cleared_by       INTEGER REFERENCES accounts(id),
    cleared_on       TEXT,
    clear_reason     TEXT
);
CREATE INDEX risk_flags_by_family ON risk_flags (family_id);

CREATE TABLE support_plans (
    id               INTEGER PRIMARY KEY,
    municipality_id  INTEGER NOT NULL REFERENCES municipalities(id),
    family_id        INTEGER NOT NULL REFERENCES families(id),
    status           TEXT NOT NULL CHECK (status IN ('active', 'closed')),
    goals            TEXT NOT NULL,
    services         TEXT NOT NULL,
    responsible_id   INTEGER REFERENCES accounts(id),
    institutions     TEXT NOT NULL,
    review_on        TEXT NOT NULL,
    revision         INTEGER NOT NULL,
    created_at       TEXT NOT NULL
);
CREATE INDEX support_plans_by_family ON support_plans (family_id);
CREATE INDEX support_plans_by_review ON support_plans (municipality_id, status, review_on);
-- One active plan per family, even when two coordinators flag the family at the same moment.
CREATE UNIQUE INDEX support_plans_one_active ON support_plans (family_id) WHERE status = 'active';

-- Every saved version of a plan, append-only.
CREATE TABLE support_plan_revisions (
    plan_id          INTEGER NOT NULL REFERENCES support_plans(id),
    revision         INTEGER NOT NULL,
    status           TEXT NOT NULL,
    goals            TEXT NOT NULL,
    services         TEXT NOT NULL,
    responsible_id   INTEGER REFERENCES accounts(id),
    institutions     TEXT NOT NULL,
    review_on        TEXT NOT NULL,
    saved_by         INTEGER NOT NULL REFERENCES accounts(id),
    saved_at         TEXT NOT NULL,
    PRIMARY KEY (plan_id, revision)
);

CREATE TABLE home_visits (
    id               INTEGER PRIMARY KEY,
    municipality_id  INTEGER NOT NULL REFERENCES municipalities(id),
    family_id        INTEGER NOT NULL REFERENCES families(id),
    pregnancy_id     INTEGER REFERENCES pregnancies(id),
    child_id         INTEGER REFERENCES children(id),
    kind             TEXT NOT NULL CHECK (kind IN ('newborn', 'infant_home', 'parenting_support', 'follow_up')),
    due_by           TEXT NOT NULL,
    assigned_to      INTEGER REFERENCES accounts(id),
    scheduled_on     TEXT,
    visited_on       TEXT,
    visited_by       INTEGER REFERENCES accounts(id),
    findings         TEXT NOT NULL DEFAULT '',
    epds             TEXT,                          -- printed option positions, ten digits 0-3
    epds_total       INTEGER,
    epds_flagged     INTEGER,
    created_by       INTEGER NOT NULL REFERENCES accounts(id),
    created_at       TEXT NOT NULL
);
CREATE INDEX home_visits_by_family ON home_visits (family_id);
CREATE INDEX home_visits_open ON home_visits (municipality_id, visited_on, due_by);

CREATE TABLE institutions (
    id               INTEGER PRIMARY KEY,
    municipality_id  INTEGER NOT NULL REFERENCES municipalities(id),
    kind             TEXT NOT NULL,
    name             TEXT NOT NULL,
    phone            TEXT NOT NULL,
    note             TEXT NOT NULL,
    created_at       TEXT NOT NULL,
    UNIQUE (municipality_id, name)
);

CREATE TABLE referrals (
    id               INTEGER PRIMARY KEY,
    municipality_id  INTEGER NOT NULL REFERENCES municipalities(id),
    family_id        INTEGER NOT NULL REFERENCES families(id),
    institution_id   INTEGER NOT NULL REFERENCES institutions(id),
    reason           TEXT NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('proposed', 'referred', 'accepted', 'completed', 'declined')),
    outcome          TEXT NOT NULL,
    referred_by      INTEGER NOT NULL REFERENCES accounts(id),
    referred_on      TEXT NOT NULL,
    updated_at       TEXT NOT NULL
);
CREATE INDEX referrals_by_family ON referrals (family_id);
