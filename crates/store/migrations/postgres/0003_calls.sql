-- Calls for applications (part 1): calls and their modules (one row per
-- version; publication freezes a version), the documents to download,
-- applications with their départements, documents, messages and receipts,
-- and the requests of new referents to join an existing structure.
-- Dates are TEXT 'YYYY-MM-DD'; instants BIGINT microseconds (UTC).
-- Files live in the file storage, content-addressed by SHA-256.

CREATE TABLE calls (
    id UUID PRIMARY KEY,
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL CHECK (status IN ('draft', 'published')),
    receipt_seq BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    published_at BIGINT
);

CREATE TABLE call_departments (
    call_id UUID NOT NULL REFERENCES calls(id) ON DELETE CASCADE,
    department TEXT NOT NULL REFERENCES departments(code),
    contact_name TEXT NOT NULL DEFAULT '',
    contact_email TEXT NOT NULL DEFAULT '',
    contact_phone TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (call_id, department)
);
CREATE INDEX call_departments_department ON call_departments(department);

CREATE TABLE call_modules (
    id UUID PRIMARY KEY,
    call_id UUID NOT NULL REFERENCES calls(id) ON DELETE CASCADE,
    code TEXT NOT NULL,
    version BIGINT NOT NULL,
    is_current BOOLEAN NOT NULL DEFAULT TRUE,
    frozen BOOLEAN NOT NULL DEFAULT FALSE,
    position BIGINT NOT NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    service_starts_on TEXT NOT NULL,
    service_ends_on TEXT NOT NULL,
    deadline BIGINT NOT NULL,
    audition_on TEXT,
    decision_window TEXT,
    min_applications BIGINT NOT NULL,
    quality_threshold BIGINT,
    criteria TEXT NOT NULL,
    required_documents TEXT NOT NULL,
    questions TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (call_id, code, version)
);
CREATE UNIQUE INDEX call_modules_current ON call_modules(call_id, code) WHERE is_current = TRUE;
CREATE INDEX call_modules_deadline ON call_modules(deadline);

CREATE TABLE call_files (
    id UUID PRIMARY KEY,
    call_id UUID NOT NULL REFERENCES calls(id) ON DELETE CASCADE,
    label TEXT NOT NULL,
    file_name TEXT NOT NULL,
    file_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX call_files_call ON call_files(call_id);

CREATE TABLE applications (
    id UUID PRIMARY KEY,
    call_id UUID NOT NULL REFERENCES calls(id),
    module_code TEXT NOT NULL,
    module_id UUID NOT NULL REFERENCES call_modules(id),
    structure_id UUID NOT NULL REFERENCES structures(id),
    status TEXT NOT NULL CHECK (status IN ('draft', 'submitted', 'complement_requested', 'under_review', 'retained', 'not_retained', 'withdrawn')),
    summary TEXT NOT NULL DEFAULT '',
    answers TEXT NOT NULL DEFAULT '{}',
    created_by UUID NOT NULL REFERENCES users(id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    submitted_at BIGINT,
    withdrawn_at BIGINT,
    reminded_7 BOOLEAN NOT NULL DEFAULT FALSE,
    reminded_1 BOOLEAN NOT NULL DEFAULT FALSE
);
-- One live application per structure and module (a double click makes one).
CREATE UNIQUE INDEX applications_one_per_module ON applications(call_id, module_code, structure_id) WHERE status <> 'withdrawn';
CREATE INDEX applications_structure ON applications(structure_id);
CREATE INDEX applications_status ON applications(status);

CREATE TABLE application_departments (
    application_id UUID NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
    department TEXT NOT NULL REFERENCES departments(code),
    PRIMARY KEY (application_id, department)
);
CREATE INDEX application_departments_department ON application_departments(department);

CREATE TABLE application_messages (
    id UUID PRIMARY KEY,
    application_id UUID NOT NULL REFERENCES applications(id),
    author_id UUID NOT NULL REFERENCES users(id),
    side TEXT NOT NULL CHECK (side IN ('staff', 'applicant')),
    body TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX application_messages_application ON application_messages(application_id, created_at);

CREATE TABLE application_documents (
    id UUID PRIMARY KEY,
    application_id UUID NOT NULL REFERENCES applications(id),
    kind TEXT NOT NULL,
    file_name TEXT NOT NULL,
    file_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    -- Part of a receipt: kept as filed, no longer replaced nor deleted.
    filed BOOLEAN NOT NULL DEFAULT FALSE,
    uploaded_by UUID NOT NULL REFERENCES users(id),
    uploaded_at BIGINT NOT NULL
);
CREATE INDEX application_documents_application ON application_documents(application_id);
CREATE INDEX application_documents_sha256 ON application_documents(sha256);

CREATE TABLE receipts (
    id UUID PRIMARY KEY,
    application_id UUID NOT NULL REFERENCES applications(id),
    call_id UUID NOT NULL REFERENCES calls(id),
    number TEXT NOT NULL,
    issued_at BIGINT NOT NULL,
    submitted_by UUID NOT NULL REFERENCES users(id),
    documents TEXT NOT NULL,
    UNIQUE (call_id, number)
);
CREATE INDEX receipts_application ON receipts(application_id, issued_at);

CREATE TABLE structure_claims (
    id UUID PRIMARY KEY,
    user_id UUID NOT NULL REFERENCES users(id),
    structure_id UUID NOT NULL REFERENCES structures(id),
    status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'refused')),
    created_at BIGINT NOT NULL,
    decided_by UUID REFERENCES users(id),
    decided_at BIGINT,
    UNIQUE (user_id, structure_id)
);
CREATE INDEX structure_claims_structure ON structure_claims(structure_id, status);

-- Public actions counted per client address (the sign-up), to refuse
-- floods; rows older than a day are purged with expired sessions.
CREATE TABLE throttle_events (
    id UUID PRIMARY KEY,
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX throttle_events_key ON throttle_events(kind, key, at);
