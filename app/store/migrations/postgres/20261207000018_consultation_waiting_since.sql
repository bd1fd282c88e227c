-- Since when the parent has waited for the centre's reply: their first message after the centre's
-- last one; NULL once the centre answers or closes. Kept by every message and closing, so the
-- inbox pages its waiting list (oldest wait first) without reading any thread.
ALTER TABLE consultations ADD COLUMN waiting_since TEXT;
UPDATE consultations SET waiting_since = (
    SELECT MIN(m.sent_at) FROM consultation_messages m
    WHERE m.consultation_id = consultations.id AND m.author = 'guardian'
      AND m.sent_at > COALESCE((SELECT MAX(s.sent_at) FROM consultation_messages s
                                WHERE s.consultation_id = consultations.id AND s.author = 'staff'), '')
) WHERE closed_at IS NULL;
CREATE INDEX consultations_waiting ON consultations (municipality_id, waiting_since, id) WHERE waiting_since IS NOT NULL;
CREATE INDEX consultations_open_by_assignee ON consultations (municipality_id, assigned_to, opened_at) WHERE closed_at IS NULL;
