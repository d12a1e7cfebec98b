-- The network: structures, their conventions with the CAF, promeneurs with
-- their social-network accounts, presence slots, themes and status history.
-- Dates are TEXT 'YYYY-MM-DD'; instants INTEGER microseconds (UTC).
-- Booleans are written BOOLEAN with TRUE/FALSE so the text suits both backends.

CREATE TABLE themes (
    slug TEXT PRIMARY KEY,
    label TEXT NOT NULL,
    position INTEGER NOT NULL,
    archived BOOLEAN NOT NULL DEFAULT FALSE
);
INSERT INTO themes (slug, label, position) VALUES
    ('orientation', 'Orientation, études, formation', 1),
    ('emploi', 'Emploi, stages, jobs', 2),
    ('sante', 'Santé, bien-être', 3),
    ('sexualite', 'Vie affective et sexuelle', 4),
    ('harcelement', 'Harcèlement, cyberharcèlement', 5),
    ('numerique', 'Usages du numérique, écrans', 6),
    ('logement', 'Logement', 7),
    ('droits', 'Droits, démarches, aides', 8),
    ('loisirs', 'Loisirs, sport, culture', 9),
    ('citoyennete', 'Engagement, citoyenneté, projets', 10),
    ('mobilite', 'Mobilité, permis, transports', 11),
    ('famille', 'Famille, relations', 12),
    ('addictions', 'Conduites à risque, addictions', 13);

CREATE TABLE structures (
    id BLOB PRIMARY KEY,
    name TEXT NOT NULL,
    search_key TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('centre_social', 'mjc', 'mission_locale', 'pij_bij', 'collectivite', 'association', 'etablissement_scolaire', 'autre')),
    siret TEXT UNIQUE,
    commune_insee TEXT NOT NULL REFERENCES communes(insee),
    department TEXT NOT NULL REFERENCES departments(code),
    address TEXT NOT NULL DEFAULT '',
    contact_name TEXT NOT NULL DEFAULT '',
    email TEXT,
    phone TEXT,
    website TEXT,
    archived_at INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX structures_department ON structures(department, search_key);

-- Small stored files (photos re-encoded by the server, signed conventions),
-- content-addressed by SHA-256.
CREATE TABLE stored_files (
    id BLOB PRIMARY KEY,
    sha256 TEXT NOT NULL,
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    content BYTEA NOT NULL,
    created_at INTEGER NOT NULL
);

CREATE TABLE conventions (
    id BLOB PRIMARY KEY,
    structure_id BLOB NOT NULL REFERENCES structures(id),
    department TEXT NOT NULL REFERENCES departments(code),
    starts_on TEXT NOT NULL,
    ends_on TEXT NOT NULL,
    signed_on TEXT,
    document_id BLOB REFERENCES stored_files(id),
    reminded_60 BOOLEAN NOT NULL DEFAULT FALSE,
    reminded_30 BOOLEAN NOT NULL DEFAULT FALSE,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    CHECK (ends_on >= starts_on)
);
CREATE INDEX conventions_structure ON conventions(structure_id);
CREATE INDEX conventions_ends ON conventions(department, ends_on);

CREATE TABLE promeneurs (
    id BLOB PRIMARY KEY,
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    search_key TEXT NOT NULL,
    email TEXT NOT NULL UNIQUE,
    phone TEXT,
    structure_id BLOB NOT NULL REFERENCES structures(id),
    department TEXT NOT NULL REFERENCES departments(code),
    job_title TEXT NOT NULL,
    commune_insee TEXT NOT NULL REFERENCES communes(insee),
    status TEXT NOT NULL CHECK (status IN ('candidate', 'in_training', 'active', 'suspended', 'left')),
    mandate_hours INTEGER,
    mandate_starts_on TEXT,
    mandate_ends_on TEXT,
    charter_signed_on TEXT,
    initial_training_on TEXT,
    public_consent BOOLEAN NOT NULL DEFAULT FALSE,
    public_bio TEXT NOT NULL DEFAULT '',
    photo_id BLOB REFERENCES stored_files(id),
    verification_code TEXT NOT NULL UNIQUE,
    user_id BLOB REFERENCES users(id) ON DELETE SET NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX promeneurs_department ON promeneurs(department, status);
CREATE INDEX promeneurs_structure ON promeneurs(structure_id);
CREATE INDEX promeneurs_user ON promeneurs(user_id);

CREATE TABLE promeneur_networks (
    promeneur_id BLOB NOT NULL REFERENCES promeneurs(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    platform TEXT NOT NULL,
    handle TEXT NOT NULL,
    url TEXT,
    PRIMARY KEY (promeneur_id, position)
);

CREATE TABLE promeneur_presence (
    promeneur_id BLOB NOT NULL REFERENCES promeneurs(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    weekday INTEGER NOT NULL CHECK (weekday BETWEEN 1 AND 7),
    start_minute INTEGER NOT NULL,
    end_minute INTEGER NOT NULL,
    PRIMARY KEY (promeneur_id, position),
    CHECK (end_minute > start_minute)
);

CREATE TABLE promeneur_themes (
    promeneur_id BLOB NOT NULL REFERENCES promeneurs(id) ON DELETE CASCADE,
    theme TEXT NOT NULL REFERENCES themes(slug),
    PRIMARY KEY (promeneur_id, theme)
);

CREATE TABLE promeneur_status_history (
    id BLOB PRIMARY KEY,
    promeneur_id BLOB NOT NULL REFERENCES promeneurs(id) ON DELETE CASCADE,
    status TEXT NOT NULL,
    on_date TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    actor_label TEXT NOT NULL,
    recorded_at INTEGER NOT NULL
);
CREATE INDEX promeneur_status_history_promeneur ON promeneur_status_history(promeneur_id, recorded_at);

-- Spreadsheet imports: the uploaded file waits here between the preview and
-- the confirmation (nothing is written to the network before).
CREATE TABLE import_batches (
    id BLOB PRIMARY KEY,
    user_id BLOB NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('structures', 'promeneurs')),
    file_name TEXT NOT NULL,
    content BYTEA NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'applied')),
    summary TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    applied_at INTEGER
);
CREATE INDEX import_batches_user ON import_batches(user_id, created_at);
