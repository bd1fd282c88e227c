-- The caseload's filters read each condition's families from an index led by the municipality.
CREATE INDEX risk_flags_open ON risk_flags (municipality_id, cleared_on, category, family_id);
CREATE INDEX support_plans_by_responsible ON support_plans (municipality_id, responsible_id, status, family_id);
CREATE INDEX home_visits_by_assignee ON home_visits (municipality_id, assigned_to, visited_on, family_id);
CREATE INDEX consultations_by_assignee ON consultations (municipality_id, assigned_to, closed_at, family_id);
CREATE INDEX interviews_by_day ON interviews (municipality_id, held_on, family_id);
CREATE INDEX consultation_messages_by_time ON consultation_messages (sent_at, consultation_id);
