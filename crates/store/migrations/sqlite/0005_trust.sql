-- Trust in the directory. A structure that signed itself up is pending
-- until staff of its département approve it (nothing of it is public
-- before); every structure already there, or registered by staff, is
-- approved. A referent proposes the fields that open the directory
-- (status active, mandate, charter, initial training): staff confirm.

ALTER TABLE structures ADD COLUMN approved_at INTEGER;
ALTER TABLE structures ADD COLUMN approved_by TEXT;
UPDATE structures SET approved_at = created_at, approved_by = 'existant';

CREATE TABLE promeneur_proposals (
    promeneur_id BLOB PRIMARY KEY REFERENCES promeneurs(id) ON DELETE CASCADE,
    status TEXT,
    mandate_hours INTEGER,
    mandate_starts_on TEXT,
    mandate_ends_on TEXT,
    charter_signed_on TEXT,
    initial_training_on TEXT,
    proposed_by TEXT NOT NULL,
    proposed_at INTEGER NOT NULL
);
