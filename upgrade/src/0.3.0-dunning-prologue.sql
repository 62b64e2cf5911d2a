-- The queue and tracked_table change shape (a receivable per invoice, mappings
-- as text): the 0.2.0 tables are set aside under other names, the 0.3.0
-- objects created as a fresh install creates them, then the rows copied over
-- (epilogue below).  Views and event triggers that name them go first.
DROP VIEW ar_credit.aging_report, ar_credit.open_invoices, ar_credit.dunning_due;
DROP EVENT TRIGGER ar_credit_ddl_command_end;
DROP EVENT TRIGGER ar_credit_sql_drop;
DROP FUNCTION ar_credit.track(pg_catalog.regclass, pg_catalog.name, pg_catalog.name, pg_catalog.name, pg_catalog.name,
                              pg_catalog.name, pg_catalog.name, pg_catalog.text);
DROP FUNCTION ar_credit.dunning_resync(pg_catalog.regclass, pg_catalog.name);
-- gain arguments (outcome, note)
DROP FUNCTION ar_credit.complete_reminder(pg_catalog.int8);
-- returns the queue's row type, which is replaced
DROP FUNCTION ar_credit.claim_reminders(pg_catalog.int4, pg_catalog.text, pg_catalog.interval, pg_catalog.date);
-- the tracking trigger writes as the extension's owner now: writers need no grant
REVOKE ALL ON ar_credit.dunning_queue, ar_credit.dunning_step, ar_credit.tracked_table FROM ar_credit_writer;
REVOKE ALL ON SEQUENCE ar_credit.dunning_queue_id_seq FROM ar_credit_writer;
ALTER TABLE ar_credit.dunning_queue RENAME TO dunning_queue_0_2;
ALTER TABLE ar_credit.dunning_queue_0_2 RENAME CONSTRAINT dunning_queue_state_check TO dunning_queue_0_2_state_check;
ALTER INDEX ar_credit.dunning_queue_pkey RENAME TO dunning_queue_0_2_pkey;
ALTER INDEX ar_credit.dunning_queue_live RENAME TO dunning_queue_0_2_live;
ALTER INDEX ar_credit.dunning_queue_todo RENAME TO dunning_queue_0_2_todo;
ALTER INDEX ar_credit.dunning_queue_open RENAME TO dunning_queue_0_2_open;
ALTER INDEX ar_credit.dunning_queue_sent RENAME TO dunning_queue_0_2_sent;
ALTER SEQUENCE ar_credit.dunning_queue_id_seq RENAME TO dunning_queue_0_2_id_seq;
ALTER TABLE ar_credit.tracked_table RENAME TO tracked_table_0_2;
ALTER INDEX ar_credit.tracked_table_pkey RENAME TO tracked_table_0_2_pkey;
