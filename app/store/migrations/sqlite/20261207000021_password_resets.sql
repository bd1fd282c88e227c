-- Single-use secrets for setting a new password: a link e-mailed to a parent (for their account,
-- an hour) or a code handed over at the counter (for a family: the parent proves which guardian
-- they are with their e-mail; a week). Only a hash of the secret is kept.
CREATE TABLE password_resets (
    id           INTEGER PRIMARY KEY,
    account_id   INTEGER REFERENCES accounts(id),
    family_id    INTEGER REFERENCES families(id),
    secret_hash  TEXT NOT NULL UNIQUE,
    issued_by    INTEGER REFERENCES accounts(id),
    issued_at    TEXT NOT NULL,
    expires_at   TEXT NOT NULL,
    used_at      TEXT,
    CHECK ((account_id IS NULL) <> (family_id IS NULL))
);
