-- Trainings (module 2 of the call, and the coordinators' own): a
-- catalogue of trainings, their sessions of one or more half-days,
-- registrations with a waiting list, attendance per half-day, and a
-- certificate code per registration that earned one. Satisfaction answers
-- are kept apart from who answered (`training_survey_done` only says that
-- a registration answered), so that results stay anonymous.
CREATE TABLE trainings (
    id UUID PRIMARY KEY,
    title TEXT NOT NULL,
    theme TEXT NOT NULL DEFAULT '',
    objectives TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    kind TEXT NOT NULL CHECK (kind IN ('initial', 'continuing', 'analysis')),
    duration_minutes BIGINT NOT NULL DEFAULT 0,
    provider_structure_id UUID REFERENCES structures(id),
    created_by UUID REFERENCES users(id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE training_departments (
    training_id UUID NOT NULL REFERENCES trainings(id) ON DELETE CASCADE,
    department TEXT NOT NULL REFERENCES departments(code),
    PRIMARY KEY (training_id, department)
);

CREATE TABLE training_sessions (
    id UUID PRIMARY KEY,
    training_id UUID NOT NULL REFERENCES trainings(id),
    place TEXT NOT NULL DEFAULT '',
    online_url TEXT NOT NULL DEFAULT '',
    capacity BIGINT NOT NULL CHECK (capacity > 0),
    needs_approval BOOLEAN NOT NULL DEFAULT FALSE,
    registration_closes_at BIGINT NOT NULL,
    starts_at BIGINT NOT NULL,
    ends_at BIGINT NOT NULL,
    -- The next position on the waiting list (never reused).
    next_waitlist_position BIGINT NOT NULL DEFAULT 1,
    created_by UUID REFERENCES users(id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX training_sessions_training ON training_sessions(training_id, starts_at);
CREATE INDEX training_sessions_starts ON training_sessions(starts_at);

CREATE TABLE training_session_departments (
    session_id UUID NOT NULL REFERENCES training_sessions(id) ON DELETE CASCADE,
    department TEXT NOT NULL REFERENCES departments(code),
    PRIMARY KEY (session_id, department)
);
CREATE INDEX training_session_departments_department ON training_session_departments(department);

-- The half-days of a session, in order.
CREATE TABLE training_session_parts (
    id UUID PRIMARY KEY,
    session_id UUID NOT NULL REFERENCES training_sessions(id) ON DELETE CASCADE,
    position BIGINT NOT NULL,
    starts_at BIGINT NOT NULL,
    ends_at BIGINT NOT NULL,
    UNIQUE (session_id, position)
);

CREATE TABLE training_registrations (
    id UUID PRIMARY KEY,
    session_id UUID NOT NULL REFERENCES training_sessions(id),
    promeneur_id UUID NOT NULL REFERENCES promeneurs(id),
    status TEXT NOT NULL CHECK (status IN ('pending_approval', 'registered', 'waitlisted', 'cancelled', 'refused')),
    -- Order on the waiting list (smallest first); kept once promoted.
    waitlist_position BIGINT,
    certificate_code TEXT UNIQUE,
    registered_by UUID REFERENCES users(id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    promoted_at BIGINT,
    cancelled_at BIGINT
);
-- One live registration per promeneur and session.
CREATE UNIQUE INDEX training_registrations_live ON training_registrations(session_id, promeneur_id)
    WHERE status IN ('pending_approval', 'registered', 'waitlisted');
CREATE INDEX training_registrations_session ON training_registrations(session_id, status, waitlist_position);
CREATE INDEX training_registrations_promeneur ON training_registrations(promeneur_id);

CREATE TABLE training_attendance (
    registration_id UUID NOT NULL REFERENCES training_registrations(id) ON DELETE CASCADE,
    part_id UUID NOT NULL REFERENCES training_session_parts(id) ON DELETE CASCADE,
    status TEXT NOT NULL CHECK (status IN ('present', 'absent', 'late', 'excused')),
    marked_by UUID REFERENCES users(id),
    marked_at BIGINT NOT NULL,
    PRIMARY KEY (registration_id, part_id)
);

-- Satisfaction: the answers carry no registration, only their session.
CREATE TABLE training_survey_answers (
    id UUID PRIMARY KEY,
    session_id UUID NOT NULL REFERENCES training_sessions(id),
    content_score BIGINT NOT NULL CHECK (content_score BETWEEN 1 AND 5),
    facilitation_score BIGINT NOT NULL CHECK (facilitation_score BETWEEN 1 AND 5),
    usefulness_score BIGINT NOT NULL CHECK (usefulness_score BETWEEN 1 AND 5),
    comment TEXT NOT NULL DEFAULT '',
    -- The day only: an instant could tie an answer to who answered.
    answered_on TEXT NOT NULL
);
CREATE INDEX training_survey_answers_session ON training_survey_answers(session_id);

CREATE TABLE training_survey_done (
    registration_id UUID PRIMARY KEY REFERENCES training_registrations(id)
);
