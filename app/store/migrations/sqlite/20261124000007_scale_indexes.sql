-- Municipality-wide reads (the task list, the figures) read every pregnancy and child of one
-- municipality in date order: by municipality, instead of a scan of every tenant and a sort.

CREATE INDEX pregnancies_by_municipality ON pregnancies (municipality_id, due_date);
CREATE INDEX children_by_municipality ON children (municipality_id, birth_date, id);
