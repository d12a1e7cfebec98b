-- Trainings (module 2 of the call, and the coordinators' own): a
-- catalogue of trainings, their sessions of one or more half-days,
-- registrations with a waiting list, attendance per half-day, and a
-- certificate code per registration that earned one. Satisfaction answers
-- are kept apart from who answered (`training_survey_done` only says that
-- a registration answered), so that results stay anonymous.
CREATE TABLE trainings (
    id BLOB PRIMARY KEY,
    title TEXT NOT NULL,
    theme TEXT NOT NULL DEFAULT '',
    objectives TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    kind TEXT NOT NULL CHECK (kind IN ('initial', 'continuing', 'analysis')),
    duration_minutes INTEGER NOT NULL DEFAULT 0,
    provider_structure_id BLOB REFERENCES structures(id),
    created_by BLOB REFERENCES users(id),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);

CREATE TABLE training_departments (
    training_id BLOB NOT NULL REFERENCES trainings(id) ON DELETE CASCADE,
    department TEXT NOT NULL REFERENCES departments(code),
    PRIMARY KEY (training_id, department)
);

CREATE TABLE training_sessions (
    id BLOB PRIMARY KEY,
    training_id BLOB NOT NULL REFERENCES trainings(id),
    place TEXT NOT NULL DEFAULT '',
    online_url TEXT NOT NULL DEFAULT '',
    capacity INTEGER NOT NULL CHECK (capacity > 0),
    needs_approval BOOLEAN NOT NULL DEFAULT FALSE,
    registration_closes_at INTEGER NOT NULL,
    starts_at INTEGER NOT NULL,
    ends_at INTEGER NOT NULL,
    -- The next position on the waiting list (never reused).
    next_waitlist_position INTEGER NOT NULL DEFAULT 1,
    created_by BLOB REFERENCES users(id),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX training_sessions_training ON training_sessions(training_id, starts_at);
CREATE INDEX training_sessions_starts ON training_sessions(starts_at);

CREATE TABLE training_session_departments (
    session_id BLOB NOT NULL REFERENCES training_sessions(id) ON DELETE CASCADE,
    department TEXT NOT NULL REFERENCES departments(code),
    PRIMARY KEY (session_id, department)
);
CREATE INDEX training_session_departments_department ON training_session_departments(department);

-- The half-days of a session, in order.
CREATE TABLE training_session_parts (
    id BLOB PRIMARY KEY,
    session_id BLOB NOT NULL REFERENCES training_sessions(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    starts_at INTEGER NOT NULL,
    ends_at INTEGER NOT NULL,
    UNIQUE (session_id, position)
);

CREATE TABLE training_registrations (
    id BLOB PRIMARY KEY,
    session_id BLOB NOT NULL REFERENCES training_sessions(id),
    promeneur_id BLOB NOT NULL REFERENCES promeneurs(id),
    status TEXT NOT NULL CHECK (status IN ('pending_approval', 'registered', 'waitlisted', 'cancelled', 'refused')),
    -- Order on the waiting list (smallest first); kept once promoted.
    waitlist_position INTEGER,
    certificate_code TEXT UNIQUE,
    registered_by BLOB REFERENCES users(id),
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    promoted_at INTEGER,
    cancelled_at INTEGER
);
-- One live registration per promeneur and session.
CREATE UNIQUE INDEX training_registrations_live ON training_registrations(session_id, promeneur_id)
    WHERE status IN ('pending_approval', 'registered', 'waitlisted');
CREATE INDEX training_registrations_session ON training_registrations(session_id, status, waitlist_position);
CREATE INDEX training_registrations_promeneur ON training_registrations(promeneur_id);

CREATE TABLE training_attendance (
    registration_id BLOB NOT NULL REFERENCES training_registrations(id) ON DELETE CASCADE,
    part_id BLOB NOT NULL REFERENCES training_session_parts(id) ON DELETE CASCADE,
    status TEXT NOT NULL CHECK (status IN ('present', 'absent', 'late', 'excused')),
    marked_by BLOB REFERENCES users(id),
    marked_at INTEGER NOT NULL,
    PRIMARY KEY (registration_id, part_id)
);

-- Satisfaction: the answers carry no registration, only their session.
CREATE TABLE training_survey_answers (
    id BLOB PRIMARY KEY,
    session_id BLOB NOT NULL REFERENCES training_sessions(id),
    content_score INTEGER NOT NULL CHECK (content_score BETWEEN 1 AND 5),
    facilitation_score INTEGER NOT NULL CHECK (facilitation_score BETWEEN 1 AND 5),
    usefulness_score INTEGER NOT NULL CHECK (usefulness_score BETWEEN 1 AND 5),
    comment TEXT NOT NULL DEFAULT '',
    -- The day only: an instant could tie an answer to who answered.
    answered_on TEXT NOT NULL
);
CREATE INDEX training_survey_answers_session ON training_survey_answers(session_id);

CREATE TABLE training_survey_done (
    registration_id BLOB PRIMARY KEY REFERENCES training_registrations(id)
);
