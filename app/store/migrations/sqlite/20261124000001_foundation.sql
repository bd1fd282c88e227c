-- Foundation: tenancy, accounts, families, sessions, login throttle, audit.
-- Dates are ISO 'YYYY-MM-DD' text; instants are UTC 'YYYY-MM-DDTHH:MM:SS.ffffffZ' text (sortable).

CREATE TABLE municipalities (
    id          INTEGER PRIMARY KEY,
    code        TEXT NOT NULL UNIQUE,            -- 全国地方公共団体コード
    name        TEXT NOT NULL,
    time_zone   TEXT NOT NULL DEFAULT 'Asia/Tokyo',
    created_at  TEXT NOT NULL
);

CREATE TABLE sites (
    id               INTEGER PRIMARY KEY,
    municipality_id  INTEGER NOT NULL REFERENCES municipalities(id),
    name             TEXT NOT NULL,
    created_at       TEXT NOT NULL,
    UNIQUE (municipality_id, name)
);

CREATE TABLE accounts (
    id               INTEGER PRIMARY KEY,
    municipality_id  INTEGER NOT NULL REFERENCES municipalities(id),
    email            TEXT NOT NULL UNIQUE,
    password_hash    TEXT NOT NULL,
    role             TEXT NOT NULL CHECK (role IN ('guardian', 'coordinator', 'admin')),
    display_name     TEXT NOT NULL,
    disabled_at      TEXT,
    created_at       TEXT NOT NULL
);

CREATE TABLE staff_members (
    account_id  INTEGER PRIMARY KEY REFERENCES accounts(id),
    site_id     INTEGER REFERENCES sites(id),
    profession  TEXT NOT NULL
);

CREATE TABLE families (
    id                 INTEGER PRIMARY KEY,
    municipality_id    INTEGER NOT NULL REFERENCES municipalities(id),
    site_id            INTEGER REFERENCES sites(id),
    family_name        TEXT NOT NULL,
    family_name_kana   TEXT NOT NULL,
    created_at         TEXT NOT NULL
);
CREATE INDEX families_by_municipality_kana ON families (municipality_id, family_name_kana, id);

CREATE TABLE guardians (
    account_id   INTEGER PRIMARY KEY REFERENCES accounts(id),
    family_id    INTEGER NOT NULL REFERENCES families(id),
    name         TEXT NOT NULL,
    name_kana    TEXT NOT NULL
);
CREATE INDEX guardians_by_family ON guardians (family_id);

CREATE TABLE pregnancies (
    id               INTEGER PRIMARY KEY,
    municipality_id  INTEGER NOT NULL REFERENCES municipalities(id),
    family_id        INTEGER NOT NULL REFERENCES families(id),
    due_date         TEXT NOT NULL,
    notified_on      TEXT NOT NULL,
    fetuses          INTEGER NOT NULL DEFAULT 1 CHECK (fetuses BETWEEN 1 AND 8),
    outcome          TEXT NOT NULL DEFAULT 'ongoing' CHECK (outcome IN ('ongoing', 'born', 'lost')),
    ended_on         TEXT,
    created_at       TEXT NOT NULL
);
CREATE INDEX pregnancies_by_family ON pregnancies (family_id);

CREATE TABLE children (
    id               INTEGER PRIMARY KEY,
    municipality_id  INTEGER NOT NULL REFERENCES municipalities(id),
    family_id        INTEGER NOT NULL REFERENCES families(id),
    pregnancy_id     INTEGER REFERENCES pregnancies(id),
    name             TEXT NOT NULL,
    name_kana        TEXT NOT NULL,
    birth_date       TEXT NOT NULL,
    sex              TEXT NOT NULL CHECK (sex IN ('female', 'male', 'unknown')),
    created_at       TEXT NOT NULL
);
CREATE INDEX children_by_family ON children (family_id);

CREATE TABLE invitations (
    id               INTEGER PRIMARY KEY,
    municipality_id  INTEGER NOT NULL REFERENCES municipalities(id),
    family_id        INTEGER NOT NULL REFERENCES families(id),
    code_hash        TEXT NOT NULL UNIQUE,       -- SHA-256 of the canonical code; the code itself is never stored
    issued_by        INTEGER NOT NULL REFERENCES accounts(id),
    issued_at        TEXT NOT NULL,
    expires_at       TEXT NOT NULL,
    used_at          TEXT,
    used_by          INTEGER REFERENCES accounts(id)
);

CREATE TABLE sessions (
    id          TEXT PRIMARY KEY,
    data        TEXT NOT NULL,
    expires_at  INTEGER NOT NULL                -- unix seconds
);
CREATE INDEX sessions_by_expiry ON sessions (expires_at);

-- Failed logins per key ('account:<email>' or 'address:<ip>'), for slowing down guessing.
CREATE TABLE login_throttle (
    key              TEXT PRIMARY KEY,
    failures         INTEGER NOT NULL,
    last_failure_at  TEXT NOT NULL,
    blocked_until    TEXT NOT NULL
);

CREATE TABLE audit_log (
    id               INTEGER PRIMARY KEY,
    municipality_id  INTEGER NOT NULL REFERENCES municipalities(id),
    actor_id         INTEGER NOT NULL REFERENCES accounts(id),
    action           TEXT NOT NULL,
    subject          TEXT NOT NULL,               -- e.g. 'family:42'
    address          TEXT,
    at               TEXT NOT NULL
);
CREATE INDEX audit_by_subject ON audit_log (municipality_id, subject, at);
CREATE INDEX audit_by_actor ON audit_log (actor_id, at);

-- The audit log is append-only, whatever the application does.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
