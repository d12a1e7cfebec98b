-- The revision of a call: a number that every change of what its
-- committee's pages read increases, in the same transaction, by a trigger:
-- the call, its départements (and their CAF contacts), modules and files,
-- its filed applications, their départements and applicant structures, the
-- committee's seats (the members' names, the structures their accounts are
-- tied to), reviews, conflicts and proposals. The services keep what they
-- read for a call in memory and reuse it while the revision has not moved:
-- one row read instead of hundreds. A trigger cannot be forgotten by a new
-- write path, nor skipped by another process writing to the same base.

CREATE TABLE call_revisions (
    call_id BLOB PRIMARY KEY REFERENCES calls(id) ON DELETE CASCADE,
    revision INTEGER NOT NULL DEFAULT 0
);
INSERT INTO call_revisions (call_id) SELECT id FROM calls;

-- TRIGGERS
CREATE TRIGGER calls_revision_insert AFTER INSERT ON calls
BEGIN INSERT INTO call_revisions (call_id) VALUES (NEW.id); END;
CREATE TRIGGER calls_revision_update AFTER UPDATE ON calls
BEGIN UPDATE call_revisions SET revision = revision + 1 WHERE call_id = NEW.id; END;

CREATE TRIGGER call_departments_revision_insert AFTER INSERT ON call_departments
BEGIN UPDATE call_revisions SET revision = revision + 1 WHERE call_id = NEW.call_id; END;
CREATE TRIGGER call_departments_revision_update AFTER UPDATE ON call_departments
BEGIN UPDATE call_revisions SET revision = revision + 1 WHERE call_id = OLD.call_id; UPDATE call_revisions SET revision = revision + 1 WHERE call_id = NEW.call_id; END;
CREATE TRIGGER call_departments_revision_delete AFTER DELETE ON call_departments
BEGIN UPDATE call_revisions SET revision = revision + 1 WHERE call_id = OLD.call_id; END;

CREATE TRIGGER call_modules_revision_insert AFTER INSERT ON call_modules
BEGIN UPDATE call_revisions SET revision = revision + 1 WHERE call_id = NEW.call_id; END;
CREATE TRIGGER call_modules_revision_update AFTER UPDATE ON call_modules
BEGIN UPDATE call_revisions SET revision = revision + 1 WHERE call_id = OLD.call_id; UPDATE call_revisions SET revision = revision + 1 WHERE call_id = NEW.call_id; END;
CREATE TRIGGER call_modules_revision_delete AFTER DELETE ON call_modules
BEGIN UPDATE call_revisions SET revision = revision + 1 WHERE call_id = OLD.call_id; END;

CREATE TRIGGER call_files_revision_insert AFTER INSERT ON call_files
BEGIN UPDATE call_revisions SET revision = revision + 1 WHERE call_id = NEW.call_id; END;
CREATE TRIGGER call_files_revision_update AFTER UPDATE ON call_files
BEGIN UPDATE call_revisions SET revision = revision + 1 WHERE call_id = OLD.call_id; UPDATE call_revisions SET revision = revision + 1 WHERE call_id = NEW.call_id; END;
CREATE TRIGGER call_files_revision_delete AFTER DELETE ON call_files
BEGIN UPDATE call_revisions SET revision = revision + 1 WHERE call_id = OLD.call_id; END;

CREATE TRIGGER applications_revision_insert AFTER INSERT ON applications
BEGIN UPDATE call_revisions SET revision = revision + 1 WHERE call_id = NEW.call_id; END;
CREATE TRIGGER applications_revision_update AFTER UPDATE ON applications
BEGIN UPDATE call_revisions SET revision = revision + 1 WHERE call_id = OLD.call_id; UPDATE call_revisions SET revision = revision + 1 WHERE call_id = NEW.call_id; END;
CREATE TRIGGER applications_revision_delete AFTER DELETE ON applications
BEGIN UPDATE call_revisions SET revision = revision + 1 WHERE call_id = OLD.call_id; END;

CREATE TRIGGER application_departments_revision_insert AFTER INSERT ON application_departments
BEGIN UPDATE call_revisions SET revision = revision + 1 WHERE call_id = (SELECT call_id FROM applications WHERE id = NEW.application_id); END;
CREATE TRIGGER application_departments_revision_update AFTER UPDATE ON application_departments
BEGIN UPDATE call_revisions SET revision = revision + 1 WHERE call_id = (SELECT call_id FROM applications WHERE id = OLD.application_id); UPDATE call_revisions SET revision = revision + 1 WHERE call_id = (SELECT call_id FROM applications WHERE id = NEW.application_id); END;
CREATE TRIGGER application_departments_revision_delete AFTER DELETE ON application_departments
BEGIN UPDATE call_revisions SET revision = revision + 1 WHERE call_id = (SELECT call_id FROM applications WHERE id = OLD.application_id); END;

CREATE TRIGGER reviews_revision_insert AFTER INSERT ON reviews
BEGIN UPDATE call_revisions SET revision = revision + 1 WHERE call_id = (SELECT call_id FROM applications WHERE id = NEW.application_id); END;
CREATE TRIGGER reviews_revision_update AFTER UPDATE ON reviews
BEGIN UPDATE call_revisions SET revision = revision + 1 WHERE call_id = (SELECT call_id FROM applications WHERE id = OLD.application_id); UPDATE call_revisions SET revision = revision + 1 WHERE call_id = (SELECT call_id FROM applications WHERE id = NEW.application_id); END;
CREATE TRIGGER reviews_revision_delete AFTER DELETE ON reviews
BEGIN UPDATE call_revisions SET revision = revision + 1 WHERE call_id = (SELECT call_id FROM applications WHERE id = OLD.application_id); END;

CREATE TRIGGER conflicts_revision_insert AFTER INSERT ON conflicts
BEGIN UPDATE call_revisions SET revision = revision + 1 WHERE call_id = (SELECT call_id FROM applications WHERE id = NEW.application_id); END;
CREATE TRIGGER conflicts_revision_update AFTER UPDATE ON conflicts
BEGIN UPDATE call_revisions SET revision = revision + 1 WHERE call_id = (SELECT call_id FROM applications WHERE id = OLD.application_id); UPDATE call_revisions SET revision = revision + 1 WHERE call_id = (SELECT call_id FROM applications WHERE id = NEW.application_id); END;
CREATE TRIGGER conflicts_revision_delete AFTER DELETE ON conflicts
BEGIN UPDATE call_revisions SET revision = revision + 1 WHERE call_id = (SELECT call_id FROM applications WHERE id = OLD.application_id); END;

CREATE TRIGGER committee_members_revision_insert AFTER INSERT ON committee_members
BEGIN UPDATE call_revisions SET revision = revision + 1 WHERE call_id = NEW.call_id; END;
CREATE TRIGGER committee_members_revision_update AFTER UPDATE ON committee_members
BEGIN UPDATE call_revisions SET revision = revision + 1 WHERE call_id = OLD.call_id; UPDATE call_revisions SET revision = revision + 1 WHERE call_id = NEW.call_id; END;
CREATE TRIGGER committee_members_revision_delete AFTER DELETE ON committee_members
BEGIN UPDATE call_revisions SET revision = revision + 1 WHERE call_id = OLD.call_id; END;

CREATE TRIGGER proposals_revision_insert AFTER INSERT ON proposals
BEGIN UPDATE call_revisions SET revision = revision + 1 WHERE call_id = NEW.call_id; END;
CREATE TRIGGER proposals_revision_update AFTER UPDATE ON proposals
BEGIN UPDATE call_revisions SET revision = revision + 1 WHERE call_id = OLD.call_id; UPDATE call_revisions SET revision = revision + 1 WHERE call_id = NEW.call_id; END;
CREATE TRIGGER proposals_revision_delete AFTER DELETE ON proposals
BEGIN UPDATE call_revisions SET revision = revision + 1 WHERE call_id = OLD.call_id; END;

CREATE TRIGGER structures_revision_update AFTER UPDATE ON structures
BEGIN UPDATE call_revisions SET revision = revision + 1 WHERE call_id IN (SELECT call_id FROM applications WHERE structure_id = OLD.id UNION SELECT call_id FROM committee_members WHERE structure_id = OLD.id); UPDATE call_revisions SET revision = revision + 1 WHERE call_id IN (SELECT call_id FROM applications WHERE structure_id = NEW.id UNION SELECT call_id FROM committee_members WHERE structure_id = NEW.id); END;

CREATE TRIGGER departments_revision_update AFTER UPDATE ON departments
BEGIN UPDATE call_revisions SET revision = revision + 1 WHERE call_id IN (SELECT call_id FROM call_departments WHERE department = OLD.code); UPDATE call_revisions SET revision = revision + 1 WHERE call_id IN (SELECT call_id FROM call_departments WHERE department = NEW.code); END;

CREATE TRIGGER users_revision_update AFTER UPDATE ON users
BEGIN UPDATE call_revisions SET revision = revision + 1 WHERE call_id IN (SELECT call_id FROM committee_members WHERE user_id = OLD.id); UPDATE call_revisions SET revision = revision + 1 WHERE call_id IN (SELECT call_id FROM committee_members WHERE user_id = NEW.id); END;

CREATE TRIGGER user_roles_revision_insert AFTER INSERT ON user_roles
BEGIN UPDATE call_revisions SET revision = revision + 1 WHERE call_id IN (SELECT call_id FROM committee_members WHERE user_id = NEW.user_id); END;
CREATE TRIGGER user_roles_revision_update AFTER UPDATE ON user_roles
BEGIN UPDATE call_revisions SET revision = revision + 1 WHERE call_id IN (SELECT call_id FROM committee_members WHERE user_id = OLD.user_id); UPDATE call_revisions SET revision = revision + 1 WHERE call_id IN (SELECT call_id FROM committee_members WHERE user_id = NEW.user_id); END;
CREATE TRIGGER user_roles_revision_delete AFTER DELETE ON user_roles
BEGIN UPDATE call_revisions SET revision = revision + 1 WHERE call_id IN (SELECT call_id FROM committee_members WHERE user_id = OLD.user_id); END;

CREATE TRIGGER promeneurs_revision_insert AFTER INSERT ON promeneurs
BEGIN UPDATE call_revisions SET revision = revision + 1 WHERE call_id IN (SELECT call_id FROM committee_members WHERE user_id = NEW.user_id); END;
CREATE TRIGGER promeneurs_revision_update AFTER UPDATE ON promeneurs
BEGIN UPDATE call_revisions SET revision = revision + 1 WHERE call_id IN (SELECT call_id FROM committee_members WHERE user_id = OLD.user_id); UPDATE call_revisions SET revision = revision + 1 WHERE call_id IN (SELECT call_id FROM committee_members WHERE user_id = NEW.user_id); END;
CREATE TRIGGER promeneurs_revision_delete AFTER DELETE ON promeneurs
BEGIN UPDATE call_revisions SET revision = revision + 1 WHERE call_id IN (SELECT call_id FROM committee_members WHERE user_id = OLD.user_id); END;
