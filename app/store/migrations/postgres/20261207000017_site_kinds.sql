-- A site's 利用者支援事業 type — basic (基本型), maternal_child_health (母子保健型) or integrated
-- (both, こども家庭センター型) — and when an admin closed it (it stays on the records it is on).
ALTER TABLE sites ADD COLUMN kind TEXT NOT NULL DEFAULT 'integrated' CHECK (kind IN ('basic', 'maternal_child_health', 'integrated'));
ALTER TABLE sites ADD COLUMN closed_at TEXT;
