-- Product choices per child that change the schedule (e.g. `rota=pentavalent,pcv=pcv15`); empty = defaults.
ALTER TABLE children ADD COLUMN product_options TEXT NOT NULL DEFAULT '';
