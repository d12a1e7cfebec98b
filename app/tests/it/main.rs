//! Integration tests: the whole application in process, on a fresh
//! database each — SQLite by default, PostgreSQL when `TEST_DATABASE_URL`
//! is set (one schema per test).

mod access;
mod accounts;
mod application_pages;
mod build;
mod call_pages;
mod calls;
mod committee;
mod committee_cache;
mod committee_pages;
mod conversation;
mod crash;
mod decision_pages;
mod directory_pages;
mod directory_reach;
mod harness;
mod home;
mod hostile_files;
mod house_imports;
mod house_rules;
mod letter_pages;
mod list_pages;
mod network;
mod network_pages;
mod openapi;
mod outbox;
mod platform;
mod public_info;
mod staff_exports;
mod training_documents;
mod training_pages;
mod training_reminders;
mod training_survey;
mod training_trainers;
mod trainings;
mod trust_accounts;
mod trust_caps;
mod trust_committee;
mod trust_directory;
mod trust_letters;
mod worker_reminders;
