-- 妊婦のための支援給付: when the centre received each of a pregnancy's two claims (1 = 妊婦給付認定の
-- 申請, 2 = 胎児の数の届出). One row per claim; recording it again corrects the date. The heartbeat's
-- confirmation opens the first claim's two years; where it is not on file, the notification stands in.
CREATE TABLE benefit_claims (
    id               INTEGER PRIMARY KEY,
    municipality_id  INTEGER NOT NULL REFERENCES municipalities(id),
    family_id        INTEGER NOT NULL REFERENCES families(id),
    pregnancy_id     INTEGER NOT NULL REFERENCES pregnancies(id),
    claim            TEXT NOT NULL CHECK (claim IN ('first', 'second')),
    received_on      TEXT NOT NULL,
    recorded_by      INTEGER NOT NULL REFERENCES accounts(id),
    recorded_at      TEXT NOT NULL,
    UNIQUE (pregnancy_id, claim)
);
CREATE INDEX benefit_claims_by_family ON benefit_claims (family_id);

ALTER TABLE pregnancies ADD COLUMN heartbeat_on TEXT;
