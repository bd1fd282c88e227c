-- Timeline records (a dose, checkup, interview or visit done on a date), calendar feeds, and a
-- municipality's own schedule file laid over the national one.

-- Records are never deleted: undoing one sets removed_at, so who said what stays on file.
CREATE TABLE timeline_records (
    id               INTEGER PRIMARY KEY,
    municipality_id  INTEGER NOT NULL REFERENCES municipalities(id),
    family_id        INTEGER NOT NULL REFERENCES families(id),
    pregnancy_id     INTEGER REFERENCES pregnancies(id),
    child_id         INTEGER REFERENCES children(id),
    item_key         TEXT NOT NULL,
    done_on          TEXT NOT NULL,
    source           TEXT NOT NULL CHECK (source IN ('guardian', 'staff')),
    recorded_by      INTEGER NOT NULL REFERENCES accounts(id),
    recorded_at      TEXT NOT NULL,
    verified_by      INTEGER REFERENCES accounts(id),
    verified_at      TEXT,
    removed_by       INTEGER REFERENCES accounts(id),
    removed_at       TEXT,
    CHECK ((pregnancy_id IS NULL) <> (child_id IS NULL))
);
CREATE INDEX timeline_records_by_family ON timeline_records (family_id, removed_at);

-- One private calendar feed per family; only a hash of its token is kept.
CREATE TABLE calendar_feeds (
    family_id        INTEGER PRIMARY KEY REFERENCES families(id),
    municipality_id  INTEGER NOT NULL REFERENCES municipalities(id),
    token_hash       TEXT NOT NULL UNIQUE,
    created_at       TEXT NOT NULL
);

ALTER TABLE municipalities ADD COLUMN schedule_overlay TEXT;
