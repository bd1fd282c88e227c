-- Consultations (相談): a parent's request, its thread, and published slots a consultation books.

CREATE TABLE consultations (
    id                INTEGER PRIMARY KEY,
    municipality_id   INTEGER NOT NULL REFERENCES municipalities(id),
    family_id         INTEGER NOT NULL REFERENCES families(id),
    pregnancy_id      INTEGER REFERENCES pregnancies(id),
    child_id          INTEGER REFERENCES children(id),
    topic             TEXT NOT NULL,
    mode              TEXT NOT NULL,
    urgency           TEXT NOT NULL,
    preferred_times   TEXT NOT NULL,
    assigned_to       INTEGER REFERENCES accounts(id),
    opened_by         INTEGER NOT NULL REFERENCES accounts(id),
    opened_at         TEXT NOT NULL,
    outcome           TEXT,
    closing_note      TEXT NOT NULL DEFAULT '',
    closed_by         INTEGER REFERENCES accounts(id),
    closed_at         TEXT,
    staff_read_at     TEXT,
    guardian_read_at  TEXT,
    staff_changed_at  TEXT
);
CREATE INDEX consultations_by_family ON consultations (family_id);
CREATE INDEX consultations_open ON consultations (municipality_id, closed_at, opened_at);

CREATE TABLE consultation_messages (
    id               INTEGER PRIMARY KEY,
    consultation_id  INTEGER NOT NULL REFERENCES consultations(id),
    author           TEXT NOT NULL CHECK (author IN ('guardian', 'staff')),
    author_id        INTEGER NOT NULL REFERENCES accounts(id),
    body             TEXT NOT NULL,
    client_key       TEXT NOT NULL,
    sent_at          TEXT NOT NULL,
    -- A retried send is stored once.
    UNIQUE (consultation_id, client_key)
);

CREATE TABLE consultation_slots (
    id               INTEGER PRIMARY KEY,
    municipality_id  INTEGER NOT NULL REFERENCES municipalities(id),
    site_id          INTEGER NOT NULL REFERENCES sites(id),
    coordinator_id   INTEGER REFERENCES accounts(id),
    starts_at        TEXT NOT NULL,
    minutes          INTEGER NOT NULL,
    mode             TEXT NOT NULL,
    booked_by        INTEGER REFERENCES consultations(id),
    withdrawn_at     TEXT,
    created_by       INTEGER NOT NULL REFERENCES accounts(id),
    created_at       TEXT NOT NULL
);
CREATE INDEX consultation_slots_by_time ON consultation_slots (municipality_id, starts_at);
-- A consultation holds at most one slot; a slot is claimed by a conditional update (booked_by IS NULL).
CREATE UNIQUE INDEX consultation_slots_one_per_consultation ON consultation_slots (booked_by) WHERE booked_by IS NOT NULL;
