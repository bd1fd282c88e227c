-- How many hours before a booked consultation a parent can still cancel or move it themselves
-- (after that they call the centre); each municipality sets its own.
ALTER TABLE municipalities ADD COLUMN cancel_cutoff_hours INTEGER NOT NULL DEFAULT 24;
CREATE INDEX consultation_slots_by_coordinator ON consultation_slots (coordinator_id, starts_at);
