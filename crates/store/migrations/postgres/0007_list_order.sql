-- The staff's list of promeneurs is read a page at a time in name order,
-- optionally searched by name or e-mail: its page of ids comes from this
-- index alone (no sort of the joined rows of every promeneur in scope, no
-- read of each row to compare its e-mail).
CREATE INDEX promeneurs_department_search ON promeneurs(department, search_key, id, email);
