-- A kept task that holds for the day it was planned only (a vaccination not given: catch-up rules
-- move its doses with the child's age) says so; its family is planned again after that day.
ALTER TABLE kept_tasks ADD COLUMN replan_after TEXT NOT NULL DEFAULT '9999-12-31';
CREATE INDEX kept_tasks_replans ON kept_tasks (municipality_id, replan_after);
