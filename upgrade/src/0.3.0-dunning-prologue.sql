-- dunning_step.fee (collections, section 80) and catch_up: the last columns
-- of a fresh install, with the same defaults and constraint
-- (scripts/50_dunning.sql), added before anything reads the policies: the
-- resynchronisation below already starts invoices never reminded at the
-- level their age calls for.
ALTER TABLE ar_credit.dunning_step
    ADD COLUMN fee pg_catalog.numeric NOT NULL DEFAULT 0
        CONSTRAINT dunning_step_fee_range
        CHECK (fee OPERATOR(pg_catalog.>=) 0 AND fee OPERATOR(pg_catalog.<) 1000000000),
    ADD COLUMN catch_up pg_catalog.bool NOT NULL DEFAULT true;
COMMENT ON COLUMN ar_credit.dunning_step.catch_up IS
    'an invoice to which nothing was sent yet (tracked or posted when already late) may start at this post-due level when its date has passed, rather than at the first reminder; never a collection step';

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
-- PostgreSQL 18 names NOT NULL constraints (dunning_queue_id_not_null ...):
-- the tables set aside give theirs up, so that the new tables get the names
-- a fresh install gives them (none to rename before 18)
DO $$
DECLARE
    c record;
BEGIN
    FOR c IN SELECT r.relname, n.conname,
                    pg_catalog.regexp_replace(n.conname, '^(dunning_queue|tracked_table)_', '\1_0_2_') AS newname
               FROM pg_catalog.pg_constraint AS n JOIN pg_catalog.pg_class AS r ON r.oid = n.conrelid
              WHERE r.relnamespace = 'ar_credit'::pg_catalog.regnamespace
                AND r.relname IN ('dunning_queue_0_2', 'tracked_table_0_2')
                AND n.contype = 'n' AND n.conname !~ '_0_2_'
    LOOP
        EXECUTE pg_catalog.format('ALTER TABLE ar_credit.%I RENAME CONSTRAINT %I TO %I', c.relname, c.conname, c.newname);
    END LOOP;
END
$$;
