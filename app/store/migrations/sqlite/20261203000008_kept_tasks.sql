-- The task list, kept: every family's open tasks with the days each is on the list, written when
-- the family's record changes, so the list of a whole city is one indexed read instead of planning
-- every family's timeline. A day outside the list is a sentinel: '0000-01-01' (on the list from
-- the start) and '9999-12-31' (never leaves by date).
CREATE TABLE kept_tasks (
    family_id        BIGINT NOT NULL REFERENCES families(id),
    seq              BIGINT NOT NULL,
    municipality_id  BIGINT NOT NULL REFERENCES municipalities(id),
    site_id          BIGINT,
    assignee_id      BIGINT,
    due              TEXT NOT NULL,
    shows_from       TEXT NOT NULL,
    hides_after      TEXT NOT NULL,
    task             TEXT NOT NULL,
    PRIMARY KEY (family_id, seq)
);
CREATE INDEX kept_tasks_by_due ON kept_tasks (municipality_id, due, family_id, seq);
CREATE INDEX kept_tasks_by_assignee ON kept_tasks (assignee_id, due, family_id, seq);
CREATE INDEX kept_tasks_by_site ON kept_tasks (site_id, due, family_id, seq);

-- Families whose kept tasks must be written again: marked in the same transaction as every change
-- to what their tasks come from, cleared by the refresh that wrote them, if nothing changed since
-- (the generation).
CREATE TABLE stale_tasks (
    family_id        BIGINT PRIMARY KEY REFERENCES families(id),
    municipality_id  BIGINT NOT NULL REFERENCES municipalities(id),
    generation       BIGINT NOT NULL
);
CREATE INDEX stale_tasks_by_municipality ON stale_tasks (municipality_id);

-- Every family there is now has its tasks kept by the first refresh.
INSERT INTO stale_tasks (family_id, municipality_id, generation) SELECT id, municipality_id, 1 FROM families;
