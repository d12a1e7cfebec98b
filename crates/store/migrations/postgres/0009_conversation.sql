-- The thread of an application holds more than complement requests and
-- their answers: plain messages either way between the CAF and the
-- applicant structure. `kind` tells them apart; the rows written before
-- are the requests (staff) and the answers (applicant).
ALTER TABLE application_messages ADD COLUMN kind TEXT NOT NULL DEFAULT 'message'
    CHECK (kind IN ('message', 'complement_request', 'complement_answer'));
UPDATE application_messages
   SET kind = CASE side WHEN 'staff' THEN 'complement_request' ELSE 'complement_answer' END;
