-- Calls for applications (part 2): the committee of a call, conflicts of
-- interest, reviews (two rounds), and the committee's proposals per module
-- and département with their validation by the CAF.
-- Scores are BIGINT hundredths (0..10000); instants BIGINT microseconds.

CREATE TABLE committee_members (
    id UUID PRIMARY KEY,
    call_id UUID NOT NULL REFERENCES calls(id),
    user_id UUID NOT NULL REFERENCES users(id),
    institution TEXT NOT NULL,
    structure_id UUID REFERENCES structures(id),
    created_at BIGINT NOT NULL,
    UNIQUE (call_id, user_id)
);

CREATE TABLE conflicts (
    id UUID PRIMARY KEY,
    application_id UUID NOT NULL REFERENCES applications(id),
    member_id UUID NOT NULL REFERENCES committee_members(id),
    reason TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (application_id, member_id)
);

CREATE TABLE reviews (
    id UUID PRIMARY KEY,
    application_id UUID NOT NULL REFERENCES applications(id),
    member_id UUID NOT NULL REFERENCES committee_members(id),
    round BIGINT NOT NULL CHECK (round IN (1, 2)),
    scores TEXT NOT NULL,
    comment TEXT NOT NULL DEFAULT '',
    score BIGINT NOT NULL CHECK (score BETWEEN 0 AND 10000),
    submitted_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (application_id, member_id, round)
);
CREATE INDEX reviews_member ON reviews(member_id);

CREATE TABLE proposals (
    id UUID PRIMARY KEY,
    call_id UUID NOT NULL REFERENCES calls(id),
    module_code TEXT NOT NULL,
    department TEXT NOT NULL REFERENCES departments(code),
    application_id UUID REFERENCES applications(id),
    unsuccessful BOOLEAN NOT NULL DEFAULT FALSE,
    reason TEXT CHECK (reason IN ('too_few_applications', 'insufficient_quality')),
    motivation TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('proposed', 'validated', 'rejected')),
    proposed_by UUID NOT NULL REFERENCES users(id),
    proposed_at BIGINT NOT NULL,
    decided_by UUID REFERENCES users(id),
    decided_at BIGINT,
    decision_comment TEXT NOT NULL DEFAULT ''
);
-- One live proposal per module and département: a second one waits for the
-- first to be rejected.
CREATE UNIQUE INDEX proposals_one_live ON proposals(call_id, module_code, department) WHERE status <> 'rejected';

-- Files attached to a queued e-mail (an audition's .ics, a result letter);
-- dropped once the e-mail is sent, like its body.
CREATE TABLE email_attachments (
    id UUID PRIMARY KEY,
    email_id UUID NOT NULL REFERENCES emails(id),
    position BIGINT NOT NULL,
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    content BYTEA NOT NULL
);
CREATE INDEX email_attachments_email ON email_attachments(email_id, position);

-- Audition slots of a module, each given to at most one application.
CREATE TABLE audition_slots (
    id UUID PRIMARY KEY,
    call_id UUID NOT NULL REFERENCES calls(id),
    module_code TEXT NOT NULL,
    starts_at BIGINT NOT NULL,
    duration_minutes BIGINT NOT NULL CHECK (duration_minutes BETWEEN 5 AND 480),
    place TEXT NOT NULL DEFAULT '',
    video_link TEXT NOT NULL DEFAULT '',
    application_id UUID UNIQUE REFERENCES applications(id),
    invited_at BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX audition_slots_module ON audition_slots(call_id, module_code, starts_at);

-- A call made to relaunch an unsuccessful module in one département
-- points to the call it relaunches (and that call lists its relaunches).
ALTER TABLE calls ADD COLUMN relaunch_of UUID REFERENCES calls(id);
CREATE INDEX calls_relaunch_of ON calls(relaunch_of);

-- The handover (tuilage) between an outgoing and an incoming coordinator:
-- from `read_only_from` the outgoing coordinator's role only reads, and
-- after `expires_on` it is gone. Both tick a checklist.
ALTER TABLE user_roles ADD COLUMN read_only_from TEXT;
ALTER TABLE user_roles ADD COLUMN expires_on TEXT;

CREATE TABLE handovers (
    id UUID PRIMARY KEY,
    department TEXT NOT NULL REFERENCES departments(code),
    outgoing_user_id UUID NOT NULL REFERENCES users(id),
    incoming_user_id UUID NOT NULL REFERENCES users(id),
    starts_on TEXT NOT NULL,
    read_until TEXT NOT NULL,
    created_by UUID REFERENCES users(id),
    created_at BIGINT NOT NULL
);
CREATE INDEX handovers_department ON handovers(department, starts_on);

CREATE TABLE handover_items (
    id UUID PRIMARY KEY,
    handover_id UUID NOT NULL REFERENCES handovers(id) ON DELETE CASCADE,
    position BIGINT NOT NULL,
    label TEXT NOT NULL,
    outgoing_done_at BIGINT,
    incoming_done_at BIGINT
);
CREATE INDEX handover_items_handover ON handover_items(handover_id, position);

-- Result letters and conventions made for the applications of a module
-- once decided (one of each kind per application), and when they were
-- queued to be e-mailed.
CREATE TABLE letters (
    id UUID PRIMARY KEY,
    application_id UUID NOT NULL REFERENCES applications(id),
    kind TEXT NOT NULL CHECK (kind IN ('result', 'convention')),
    outcome TEXT NOT NULL CHECK (outcome IN ('retained', 'not_retained', 'module_unsuccessful')),
    file_id UUID NOT NULL REFERENCES stored_files(id),
    created_at BIGINT NOT NULL,
    queued_at BIGINT,
    email_id UUID REFERENCES emails(id),
    UNIQUE (application_id, kind)
);

-- Templates of the letters as edited by administrators (the built-in ones
-- apply when absent).
CREATE TABLE letter_templates (
    kind TEXT PRIMARY KEY CHECK (kind IN ('result', 'convention')),
    source TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    updated_by UUID REFERENCES users(id)
);
