-- The reminder e-mailed two days before a session: the instant it was
-- queued, claimed in the transaction that queues it (so that it goes once
-- even with several workers).
ALTER TABLE training_registrations ADD COLUMN reminded_at BIGINT;
