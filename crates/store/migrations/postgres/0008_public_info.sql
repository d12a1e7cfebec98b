-- The public-service pages (mentions légales, contact) read two more of
-- each CAF's settings: who is the director of the publication, and who
-- hosts the site (name, address, telephone). Empty: not set.
ALTER TABLE departments ADD COLUMN publication_director TEXT NOT NULL DEFAULT '';
ALTER TABLE departments ADD COLUMN host TEXT NOT NULL DEFAULT '';
