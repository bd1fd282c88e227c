-- Web Push: the server's VAPID key pair, devices' subscriptions, each parent's reminder settings, and
-- the durable outbox every reminder is written to before it is sent.

CREATE TABLE vapid_keys (
    id           INTEGER PRIMARY KEY CHECK (id = 1),
    private_key  TEXT NOT NULL,                 -- base64url PKCS#8 DER; never logged
    public_key   TEXT NOT NULL,                 -- base64url uncompressed point, as browsers want it
    created_at   TEXT NOT NULL
);

CREATE TABLE push_subscriptions (
    id               INTEGER PRIMARY KEY,
    municipality_id  INTEGER NOT NULL REFERENCES municipalities(id),
    family_id        INTEGER NOT NULL REFERENCES families(id),
    account_id       INTEGER NOT NULL REFERENCES accounts(id),
    endpoint         TEXT NOT NULL UNIQUE,
    p256dh           TEXT NOT NULL,
    auth             TEXT NOT NULL,
    device_label     TEXT NOT NULL,
    created_at       TEXT NOT NULL,
    last_sent_at     TEXT,
    removed_at       TEXT,
    removed_reason   TEXT
);
CREATE INDEX push_subscriptions_by_account ON push_subscriptions (account_id);

CREATE TABLE reminder_preferences (
    account_id     INTEGER PRIMARY KEY REFERENCES accounts(id),
    timeline       INTEGER NOT NULL,
    consultations  INTEGER NOT NULL,
    days_ahead     INTEGER NOT NULL,
    quiet_from     TEXT NOT NULL,
    quiet_until    TEXT NOT NULL
);

CREATE TABLE reminders (
    id               INTEGER PRIMARY KEY,
    municipality_id  INTEGER NOT NULL REFERENCES municipalities(id),
    subscription_id  INTEGER NOT NULL REFERENCES push_subscriptions(id),
    kind             TEXT NOT NULL CHECK (kind IN ('timeline', 'consultation')),
    dedupe_key       TEXT NOT NULL,
    title            TEXT NOT NULL,
    url              TEXT NOT NULL,
    due_at           TEXT NOT NULL,
    urgency          TEXT NOT NULL,
    ttl_seconds      INTEGER NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'cancelled')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TEXT NOT NULL,
    claimed_by       TEXT,
    claim_expires_at TEXT,
    last_status      INTEGER,
    last_error       TEXT,
    sent_at          TEXT,
    created_at       TEXT NOT NULL,
    UNIQUE (subscription_id, dedupe_key)
);
CREATE INDEX reminders_due ON reminders (status, next_attempt_at);
