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
    call_id UUID PRIMARY KEY REFERENCES calls(id) ON DELETE CASCADE,
    revision BIGINT NOT NULL DEFAULT 0
);
INSERT INTO call_revisions (call_id) SELECT id FROM calls;

-- TRIGGERS
CREATE FUNCTION calls_revision() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO call_revisions (call_id) VALUES (NEW.id);
    ELSE
        UPDATE call_revisions SET revision = revision + 1 WHERE call_id = NEW.id;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER calls_revision AFTER INSERT OR UPDATE ON calls
    FOR EACH ROW EXECUTE FUNCTION calls_revision();

CREATE FUNCTION call_departments_revision() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN UPDATE call_revisions SET revision = revision + 1 WHERE call_id = OLD.call_id; END IF;
    IF TG_OP <> 'DELETE' THEN UPDATE call_revisions SET revision = revision + 1 WHERE call_id = NEW.call_id; END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER call_departments_revision AFTER INSERT OR UPDATE OR DELETE ON call_departments
    FOR EACH ROW EXECUTE FUNCTION call_departments_revision();

CREATE FUNCTION call_modules_revision() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN UPDATE call_revisions SET revision = revision + 1 WHERE call_id = OLD.call_id; END IF;
    IF TG_OP <> 'DELETE' THEN UPDATE call_revisions SET revision = revision + 1 WHERE call_id = NEW.call_id; END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER call_modules_revision AFTER INSERT OR UPDATE OR DELETE ON call_modules
    FOR EACH ROW EXECUTE FUNCTION call_modules_revision();

CREATE FUNCTION call_files_revision() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN UPDATE call_revisions SET revision = revision + 1 WHERE call_id = OLD.call_id; END IF;
    IF TG_OP <> 'DELETE' THEN UPDATE call_revisions SET revision = revision + 1 WHERE call_id = NEW.call_id; END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER call_files_revision AFTER INSERT OR UPDATE OR DELETE ON call_files
    FOR EACH ROW EXECUTE FUNCTION call_files_revision();

CREATE FUNCTION applications_revision() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN UPDATE call_revisions SET revision = revision + 1 WHERE call_id = OLD.call_id; END IF;
    IF TG_OP <> 'DELETE' THEN UPDATE call_revisions SET revision = revision + 1 WHERE call_id = NEW.call_id; END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER applications_revision AFTER INSERT OR UPDATE OR DELETE ON applications
    FOR EACH ROW EXECUTE FUNCTION applications_revision();

CREATE FUNCTION application_departments_revision() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN UPDATE call_revisions SET revision = revision + 1 WHERE call_id = (SELECT call_id FROM applications WHERE id = OLD.application_id); END IF;
    IF TG_OP <> 'DELETE' THEN UPDATE call_revisions SET revision = revision + 1 WHERE call_id = (SELECT call_id FROM applications WHERE id = NEW.application_id); END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER application_departments_revision AFTER INSERT OR UPDATE OR DELETE ON application_departments
    FOR EACH ROW EXECUTE FUNCTION application_departments_revision();

CREATE FUNCTION reviews_revision() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN UPDATE call_revisions SET revision = revision + 1 WHERE call_id = (SELECT call_id FROM applications WHERE id = OLD.application_id); END IF;
    IF TG_OP <> 'DELETE' THEN UPDATE call_revisions SET revision = revision + 1 WHERE call_id = (SELECT call_id FROM applications WHERE id = NEW.application_id); END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER reviews_revision AFTER INSERT OR UPDATE OR DELETE ON reviews
    FOR EACH ROW EXECUTE FUNCTION reviews_revision();

CREATE FUNCTION conflicts_revision() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN UPDATE call_revisions SET revision = revision + 1 WHERE call_id = (SELECT call_id FROM applications WHERE id = OLD.application_id); END IF;
    IF TG_OP <> 'DELETE' THEN UPDATE call_revisions SET revision = revision + 1 WHERE call_id = (SELECT call_id FROM applications WHERE id = NEW.application_id); END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER conflicts_revision AFTER INSERT OR UPDATE OR DELETE ON conflicts
    FOR EACH ROW EXECUTE FUNCTION conflicts_revision();

CREATE FUNCTION committee_members_revision() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN UPDATE call_revisions SET revision = revision + 1 WHERE call_id = OLD.call_id; END IF;
    IF TG_OP <> 'DELETE' THEN UPDATE call_revisions SET revision = revision + 1 WHERE call_id = NEW.call_id; END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER committee_members_revision AFTER INSERT OR UPDATE OR DELETE ON committee_members
    FOR EACH ROW EXECUTE FUNCTION committee_members_revision();

CREATE FUNCTION proposals_revision() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN UPDATE call_revisions SET revision = revision + 1 WHERE call_id = OLD.call_id; END IF;
    IF TG_OP <> 'DELETE' THEN UPDATE call_revisions SET revision = revision + 1 WHERE call_id = NEW.call_id; END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER proposals_revision AFTER INSERT OR UPDATE OR DELETE ON proposals
    FOR EACH ROW EXECUTE FUNCTION proposals_revision();

CREATE FUNCTION structures_revision() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TRUE THEN UPDATE call_revisions SET revision = revision + 1 WHERE call_id IN (SELECT call_id FROM applications WHERE structure_id = OLD.id UNION SELECT call_id FROM committee_members WHERE structure_id = OLD.id); END IF;
    IF TRUE THEN UPDATE call_revisions SET revision = revision + 1 WHERE call_id IN (SELECT call_id FROM applications WHERE structure_id = NEW.id UNION SELECT call_id FROM committee_members WHERE structure_id = NEW.id); END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER structures_revision AFTER UPDATE ON structures
    FOR EACH ROW EXECUTE FUNCTION structures_revision();

CREATE FUNCTION departments_revision() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TRUE THEN UPDATE call_revisions SET revision = revision + 1 WHERE call_id IN (SELECT call_id FROM call_departments WHERE department = OLD.code); END IF;
    IF TRUE THEN UPDATE call_revisions SET revision = revision + 1 WHERE call_id IN (SELECT call_id FROM call_departments WHERE department = NEW.code); END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER departments_revision AFTER UPDATE ON departments
    FOR EACH ROW EXECUTE FUNCTION departments_revision();

CREATE FUNCTION users_revision() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TRUE THEN UPDATE call_revisions SET revision = revision + 1 WHERE call_id IN (SELECT call_id FROM committee_members WHERE user_id = OLD.id); END IF;
    IF TRUE THEN UPDATE call_revisions SET revision = revision + 1 WHERE call_id IN (SELECT call_id FROM committee_members WHERE user_id = NEW.id); END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER users_revision AFTER UPDATE ON users
    FOR EACH ROW EXECUTE FUNCTION users_revision();

CREATE FUNCTION user_roles_revision() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN UPDATE call_revisions SET revision = revision + 1 WHERE call_id IN (SELECT call_id FROM committee_members WHERE user_id = OLD.user_id); END IF;
    IF TG_OP <> 'DELETE' THEN UPDATE call_revisions SET revision = revision + 1 WHERE call_id IN (SELECT call_id FROM committee_members WHERE user_id = NEW.user_id); END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER user_roles_revision AFTER INSERT OR UPDATE OR DELETE ON user_roles
    FOR EACH ROW EXECUTE FUNCTION user_roles_revision();

CREATE FUNCTION promeneurs_revision() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN UPDATE call_revisions SET revision = revision + 1 WHERE call_id IN (SELECT call_id FROM committee_members WHERE user_id = OLD.user_id); END IF;
    IF TG_OP <> 'DELETE' THEN UPDATE call_revisions SET revision = revision + 1 WHERE call_id IN (SELECT call_id FROM committee_members WHERE user_id = NEW.user_id); END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER promeneurs_revision AFTER INSERT OR UPDATE OR DELETE ON promeneurs
    FOR EACH ROW EXECUTE FUNCTION promeneurs_revision();
