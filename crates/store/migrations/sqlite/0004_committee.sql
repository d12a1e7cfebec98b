-- Calls for applications (part 2): the committee of a call, conflicts of
-- interest, reviews (two rounds), and the committee's proposals per module
-- and département with their validation by the CAF.
-- Scores are INTEGER hundredths (0..10000); instants INTEGER microseconds.

CREATE TABLE committee_members (
    id BLOB PRIMARY KEY,
    call_id BLOB NOT NULL REFERENCES calls(id),
    user_id BLOB NOT NULL REFERENCES users(id),
    institution TEXT NOT NULL,
    structure_id BLOB REFERENCES structures(id),
    created_at INTEGER NOT NULL,
    UNIQUE (call_id, user_id)
);

CREATE TABLE conflicts (
    id BLOB PRIMARY KEY,
    application_id BLOB NOT NULL REFERENCES applications(id),
    member_id BLOB NOT NULL REFERENCES committee_members(id),
    reason TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (application_id, member_id)
);

CREATE TABLE reviews (
    id BLOB PRIMARY KEY,
    application_id BLOB NOT NULL REFERENCES applications(id),
    member_id BLOB NOT NULL REFERENCES committee_members(id),
    round INTEGER NOT NULL CHECK (round IN (1, 2)),
    scores TEXT NOT NULL,
    comment TEXT NOT NULL DEFAULT '',
    score INTEGER NOT NULL CHECK (score BETWEEN 0 AND 10000),
    submitted_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (application_id, member_id, round)
);
CREATE INDEX reviews_member ON reviews(member_id);

CREATE TABLE proposals (
    id BLOB PRIMARY KEY,
    call_id BLOB NOT NULL REFERENCES calls(id),
    module_code TEXT NOT NULL,
    department TEXT NOT NULL REFERENCES departments(code),
    application_id BLOB REFERENCES applications(id),
    unsuccessful BOOLEAN NOT NULL DEFAULT FALSE,
    reason TEXT CHECK (reason IN ('too_few_applications', 'insufficient_quality')),
    motivation TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('proposed', 'validated', 'rejected')),
    proposed_by BLOB NOT NULL REFERENCES users(id),
    proposed_at INTEGER NOT NULL,
    decided_by BLOB REFERENCES users(id),
    decided_at INTEGER,
    decision_comment TEXT NOT NULL DEFAULT ''
);
-- One live proposal per module and département: a second one waits for the
-- first to be rejected.
CREATE UNIQUE INDEX proposals_one_live ON proposals(call_id, module_code, department) WHERE status <> 'rejected';

-- Files attached to a queued e-mail (an audition's .ics, a result letter);
-- dropped once the e-mail is sent, like its body.
CREATE TABLE email_attachments (
    id BLOB PRIMARY KEY,
    email_id BLOB NOT NULL REFERENCES emails(id),
    position INTEGER NOT NULL,
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    content BYTEA NOT NULL
);
CREATE INDEX email_attachments_email ON email_attachments(email_id, position);

-- Audition slots of a module, each given to at most one application.
CREATE TABLE audition_slots (
    id BLOB PRIMARY KEY,
    call_id BLOB NOT NULL REFERENCES calls(id),
    module_code TEXT NOT NULL,
    starts_at INTEGER NOT NULL,
    duration_minutes INTEGER NOT NULL CHECK (duration_minutes BETWEEN 5 AND 480),
    place TEXT NOT NULL DEFAULT '',
    video_link TEXT NOT NULL DEFAULT '',
    application_id BLOB UNIQUE REFERENCES applications(id),
    invited_at INTEGER,
    created_at INTEGER NOT NULL
);
CREATE INDEX audition_slots_module ON audition_slots(call_id, module_code, starts_at);

-- A call made to relaunch an unsuccessful module in one département
-- points to the call it relaunches (and that call lists its relaunches).
ALTER TABLE calls ADD COLUMN relaunch_of BLOB REFERENCES calls(id);
CREATE INDEX calls_relaunch_of ON calls(relaunch_of);

-- The handover (tuilage) between an outgoing and an incoming coordinator:
-- from `read_only_from` the outgoing coordinator's role only reads, and
-- after `expires_on` it is gone. Both tick a checklist.
ALTER TABLE user_roles ADD COLUMN read_only_from TEXT;
ALTER TABLE user_roles ADD COLUMN expires_on TEXT;

CREATE TABLE handovers (
    id BLOB PRIMARY KEY,
    department TEXT NOT NULL REFERENCES departments(code),
    outgoing_user_id BLOB NOT NULL REFERENCES users(id),
    incoming_user_id BLOB NOT NULL REFERENCES users(id),
    starts_on TEXT NOT NULL,
    read_until TEXT NOT NULL,
    created_by BLOB REFERENCES users(id),
    created_at INTEGER NOT NULL
);
CREATE INDEX handovers_department ON handovers(department, starts_on);

CREATE TABLE handover_items (
    id BLOB PRIMARY KEY,
    handover_id BLOB NOT NULL REFERENCES handovers(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    label TEXT NOT NULL,
    outgoing_done_at INTEGER,
    incoming_done_at INTEGER
);
CREATE INDEX handover_items_handover ON handover_items(handover_id, position);

-- Result letters and conventions made for the applications of a module
-- once decided (one of each kind per application), and when they were
-- queued to be e-mailed.
CREATE TABLE letters (
    id BLOB PRIMARY KEY,
    application_id BLOB NOT NULL REFERENCES applications(id),
    kind TEXT NOT NULL CHECK (kind IN ('result', 'convention')),
    outcome TEXT NOT NULL CHECK (outcome IN ('retained', 'not_retained', 'module_unsuccessful')),
    file_id BLOB NOT NULL REFERENCES stored_files(id),
    created_at INTEGER NOT NULL,
    queued_at INTEGER,
    email_id BLOB REFERENCES emails(id),
    UNIQUE (application_id, kind)
);

-- Templates of the letters as edited by administrators (the built-in ones
-- apply when absent).
CREATE TABLE letter_templates (
    kind TEXT PRIMARY KEY CHECK (kind IN ('result', 'convention')),
    source TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    updated_by BLOB REFERENCES users(id)
);
