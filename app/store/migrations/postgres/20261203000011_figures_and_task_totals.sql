-- A month's figures read only that month's notifications and consultations, and the records of
-- the children whose checkup or visit window closes in it.
CREATE INDEX pregnancies_by_notification ON pregnancies (municipality_id, notified_on);
CREATE INDEX consultations_by_opening ON consultations (municipality_id, opened_at);
CREATE INDEX timeline_records_by_child_item ON timeline_records (child_id, item_key);

-- The task list's totals count the tasks on the list today (shown from, hidden after) from an
-- index alone; its pages, and the caseload's late filter, read the list in due order with the
-- days each task is on it in the index, so they stop after a page without reading the rest.
CREATE INDEX kept_tasks_on_list ON kept_tasks (municipality_id, shows_from, hides_after, due);
CREATE INDEX kept_tasks_site_on_list ON kept_tasks (site_id, shows_from, hides_after, due);
DROP INDEX kept_tasks_by_due;
CREATE INDEX kept_tasks_by_due ON kept_tasks (municipality_id, due, family_id, seq, shows_from, hides_after);

-- Whether a child is its pregnancy's first (the one whose timeline continues the pregnancy's).
CREATE INDEX children_by_pregnancy ON children (pregnancy_id, id);
