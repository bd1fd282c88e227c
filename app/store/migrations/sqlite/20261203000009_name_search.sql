-- The caseload's own name index: each family's names (family, children, guardians; in writing and
-- kana), normalised (NFKC, lower case, hiragana as katakana, no spaces), kept as one text per
-- family and as its characters and character pairs. A search looks up the pairs of its words (its
-- character when it is one), then checks the text: an indexed read instead of LIKE '%…%' over
-- every name of the municipality. Filled by the application (at start for families without it).
CREATE TABLE family_search (
    family_id        BIGINT PRIMARY KEY REFERENCES families(id),
    municipality_id  BIGINT NOT NULL REFERENCES municipalities(id),
    names            TEXT NOT NULL
);

CREATE TABLE name_grams (
    municipality_id  BIGINT NOT NULL REFERENCES municipalities(id),
    gram             TEXT NOT NULL,
    family_id        BIGINT NOT NULL REFERENCES families(id),
    PRIMARY KEY (municipality_id, gram, family_id)
);
CREATE INDEX name_grams_by_family ON name_grams (family_id);
