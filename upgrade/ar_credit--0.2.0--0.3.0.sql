\echo Use "ALTER EXTENSION ar_credit UPDATE TO '0.3.0'" to load this file. \quit
-- ar_credit 0.2.0 -> 0.3.0
--
-- Checked by test/upgrade.sh: a database updated with this script holds the
-- same objects, definitions, privileges and comments as a fresh 0.3.0 install.
-- One section per area, in the order of scripts/NN_area.sql.

-- ---------------------------------------------------------------------
-- 10 terms (SPEC section 11: filters BI tools send)
-- ---------------------------------------------------------------------

-- The operators and min()/max() move to pg_catalog (scripts/10_terms.sql says
-- why): ALTER ... SET SCHEMA keeps their OIDs, so indexes, the operator
-- classes and user views that use them are untouched.  Queries that spelled
-- OPERATOR(ar_credit.=) must now write = (doc/bi.md, "Upgrading from 0.2.0").
ALTER OPERATOR ar_credit.= (ar_credit.payment_terms, ar_credit.payment_terms) SET SCHEMA pg_catalog;
ALTER OPERATOR ar_credit.<> (ar_credit.payment_terms, ar_credit.payment_terms) SET SCHEMA pg_catalog;
ALTER OPERATOR ar_credit.< (ar_credit.payment_terms, ar_credit.payment_terms) SET SCHEMA pg_catalog;
ALTER OPERATOR ar_credit.<= (ar_credit.payment_terms, ar_credit.payment_terms) SET SCHEMA pg_catalog;
ALTER OPERATOR ar_credit.> (ar_credit.payment_terms, ar_credit.payment_terms) SET SCHEMA pg_catalog;
ALTER OPERATOR ar_credit.>= (ar_credit.payment_terms, ar_credit.payment_terms) SET SCHEMA pg_catalog;
ALTER AGGREGATE ar_credit.min(ar_credit.payment_terms) SET SCHEMA pg_catalog;
ALTER AGGREGATE ar_credit.max(ar_credit.payment_terms) SET SCHEMA pg_catalog;

COMMENT ON OPERATOR pg_catalog.= (ar_credit.payment_terms, ar_credit.payment_terms) IS
    'payment terms are equal (same canonical formula); in pg_catalog so that it is found without ar_credit on the search path';
COMMENT ON OPERATOR pg_catalog.<> (ar_credit.payment_terms, ar_credit.payment_terms) IS
    'payment terms differ; in pg_catalog so that it is found without ar_credit on the search path';
COMMENT ON OPERATOR pg_catalog.< (ar_credit.payment_terms, ar_credit.payment_terms) IS
    'shorter payment terms (max_term_days, then canonical text); in pg_catalog so that it is found without ar_credit on the search path';
COMMENT ON OPERATOR pg_catalog.<= (ar_credit.payment_terms, ar_credit.payment_terms) IS
    'shorter or equal payment terms; in pg_catalog so that it is found without ar_credit on the search path';
COMMENT ON OPERATOR pg_catalog.> (ar_credit.payment_terms, ar_credit.payment_terms) IS
    'longer payment terms (max_term_days, then canonical text); in pg_catalog so that it is found without ar_credit on the search path';
COMMENT ON OPERATOR pg_catalog.>= (ar_credit.payment_terms, ar_credit.payment_terms) IS
    'longer or equal payment terms; in pg_catalog so that it is found without ar_credit on the search path';

CREATE CAST (pg_catalog.text AS ar_credit.payment_terms) WITH INOUT AS IMPLICIT;
COMMENT ON CAST (pg_catalog.text AS ar_credit.payment_terms) IS
    'parses the text as payment terms (implicit, so that text parameters of BI tools and drivers compare with terms columns)';
CREATE CAST (pg_catalog.varchar AS ar_credit.payment_terms) WITH INOUT AS IMPLICIT;
COMMENT ON CAST (pg_catalog.varchar AS ar_credit.payment_terms) IS
    'parses the varchar as payment terms (implicit, so that JDBC setString parameters compare with terms columns)';


-- ---------------------------------------------------------------------
-- 20 aging (SPEC section 11 / issue 16: aggregate states Citus can combine)
-- ---------------------------------------------------------------------

-- The aggregates' state becomes ar_credit.aging_state instead of internal
-- (doc/scale-out.md).  An aggregate's state type cannot be altered: the four
-- aggregates and their support functions are dropped and created again (a
-- user view that calls them must be dropped before the update and created
-- again after it; the update stops first, naming those views).
DO $$
DECLARE
    users text;
BEGIN
    -- a view depends on them through its rewrite rule: name the view
    SELECT pg_catalog.string_agg(DISTINCT coalesce('view ' OPERATOR(pg_catalog.||) r.ev_class::pg_catalog.regclass::pg_catalog.text,
                                                   pg_catalog.pg_describe_object(d.classid, d.objid, d.objsubid)), ', ')
      INTO users
      FROM pg_catalog.pg_depend AS d
      LEFT JOIN pg_catalog.pg_rewrite AS r
        ON d.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_rewrite'::pg_catalog.regclass
       AND r.oid OPERATOR(pg_catalog.=) d.objid
     WHERE d.refclassid OPERATOR(pg_catalog.=) 'pg_catalog.pg_proc'::pg_catalog.regclass
       AND d.deptype OPERATOR(pg_catalog.=) 'n'
       AND d.refobjid OPERATOR(pg_catalog.=) ANY (ARRAY[
             'ar_credit.aging(pg_catalog.numeric, pg_catalog.date, pg_catalog.date, pg_catalog.int4[])'::pg_catalog.regprocedure,
             'ar_credit.aging(pg_catalog.numeric, pg_catalog.date, pg_catalog.date)'::pg_catalog.regprocedure,
             'ar_credit.avg_days_beyond_terms(pg_catalog.numeric, pg_catalog.int4)'::pg_catalog.regprocedure,
             'ar_credit.paydex(pg_catalog.numeric, pg_catalog.int4)'::pg_catalog.regprocedure]::pg_catalog.oid[]);
    IF users IS NOT NULL THEN
        RAISE EXCEPTION 'cannot update ar_credit: % use the aggregates aging, paydex or avg_days_beyond_terms', users
            USING ERRCODE = '2BP01',
                  DETAIL = 'Version 0.3.0 gives these aggregates a new state type, which needs them dropped and created again.',
                  HINT = 'Save the definitions of those objects, drop them, run ALTER EXTENSION ar_credit UPDATE, then create them again.';
    END IF;
END
$$;
DROP AGGREGATE ar_credit.aging(pg_catalog.numeric, pg_catalog.date, pg_catalog.date, pg_catalog.int4[]);
DROP AGGREGATE ar_credit.aging(pg_catalog.numeric, pg_catalog.date, pg_catalog.date);
DROP AGGREGATE ar_credit.avg_days_beyond_terms(pg_catalog.numeric, pg_catalog.int4);
DROP AGGREGATE ar_credit.paydex(pg_catalog.numeric, pg_catalog.int4);
DROP FUNCTION ar_credit.aging_transfn(pg_catalog.internal, pg_catalog.numeric, pg_catalog.date,
                                      pg_catalog.date, pg_catalog.int4[]);
DROP FUNCTION ar_credit.aging_transfn(pg_catalog.internal, pg_catalog.numeric, pg_catalog.date, pg_catalog.date);
DROP FUNCTION ar_credit.aging_finalfn(pg_catalog.internal);
DROP FUNCTION ar_credit.aging_combinefn(pg_catalog.internal, pg_catalog.internal);
DROP FUNCTION ar_credit.aging_serialfn(pg_catalog.internal);
DROP FUNCTION ar_credit.aging_deserialfn(pg_catalog.bytea, pg_catalog.internal);
DROP FUNCTION ar_credit.kpi_beyond_terms_transfn(pg_catalog.internal, pg_catalog.numeric, pg_catalog.int4);
DROP FUNCTION ar_credit.kpi_signed_days_transfn(pg_catalog.internal, pg_catalog.numeric, pg_catalog.int4);
DROP FUNCTION ar_credit.kpi_avg_days_finalfn(pg_catalog.internal);
DROP FUNCTION ar_credit.kpi_paydex_finalfn(pg_catalog.internal);
DROP FUNCTION ar_credit.kpi_combinefn(pg_catalog.internal, pg_catalog.internal);
DROP FUNCTION ar_credit.kpi_serialfn(pg_catalog.internal);
DROP FUNCTION ar_credit.kpi_deserialfn(pg_catalog.bytea, pg_catalog.internal);

-- The state of the aggregates: a real type, not internal, so that Citus can
-- compute partial aggregates on the nodes that hold the rows and combine them
-- where the query runs (it ships a partial state as its text form).
CREATE TYPE ar_credit.aging_state;
CREATE FUNCTION ar_credit.aging_state_in(pg_catalog.cstring)
RETURNS ar_credit.aging_state AS 'MODULE_PATHNAME', 'aging_state_in'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ar_credit.aging_state_in(pg_catalog.cstring) IS
    'text input of aging_state (partial aggregate states shipped between nodes)';
CREATE FUNCTION ar_credit.aging_state_out(ar_credit.aging_state)
RETURNS pg_catalog.cstring AS 'MODULE_PATHNAME', 'aging_state_out'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ar_credit.aging_state_out(ar_credit.aging_state) IS
    'text output of aging_state: "aging {bounds} total ..." or "kpi amount weighted", - for an empty total';
CREATE TYPE ar_credit.aging_state (
    INPUT = ar_credit.aging_state_in,
    OUTPUT = ar_credit.aging_state_out,
    INTERNALLENGTH = VARIABLE,
    ALIGNMENT = double,
    STORAGE = plain
);
COMMENT ON TYPE ar_credit.aging_state IS
    'transition state of aging, avg_days_beyond_terms and paydex: exact per-bucket sums';

CREATE FUNCTION ar_credit.aging_state_combine(ar_credit.aging_state, ar_credit.aging_state)
RETURNS ar_credit.aging_state AS 'MODULE_PATHNAME', 'aging_state_combine'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION ar_credit.aging_state_combine(ar_credit.aging_state, ar_credit.aging_state) IS
    'combine function of aging, avg_days_beyond_terms and paydex (parallel query, Citus)';

-- aging(amount, due, as_of [, bounds]) -> numeric[]
CREATE FUNCTION ar_credit.aging_transfn(ar_credit.aging_state, pg_catalog.numeric, pg_catalog.date,
                                        pg_catalog.date, pg_catalog.int4[])
RETURNS ar_credit.aging_state AS 'MODULE_PATHNAME', 'aging_transfn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION ar_credit.aging_transfn(ar_credit.aging_state, pg_catalog.numeric, pg_catalog.date,
                                           pg_catalog.date, pg_catalog.int4[]) IS
    'transition function of aging(amount, due, as_of, bounds)';
CREATE FUNCTION ar_credit.aging_transfn(ar_credit.aging_state, pg_catalog.numeric, pg_catalog.date,
                                        pg_catalog.date)
RETURNS ar_credit.aging_state AS 'MODULE_PATHNAME', 'aging_transfn_default'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION ar_credit.aging_transfn(ar_credit.aging_state, pg_catalog.numeric, pg_catalog.date,
                                           pg_catalog.date) IS
    'transition function of aging(amount, due, as_of)';
CREATE FUNCTION ar_credit.aging_finalfn(ar_credit.aging_state)
RETURNS pg_catalog.numeric[] AS 'MODULE_PATHNAME', 'aging_finalfn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION ar_credit.aging_finalfn(ar_credit.aging_state) IS
    'final function of aging: the bucket totals';

CREATE AGGREGATE ar_credit.aging(amount pg_catalog.numeric, due pg_catalog.date, as_of pg_catalog.date,
                                 bounds pg_catalog.int4[]) (
    SFUNC = ar_credit.aging_transfn,
    STYPE = ar_credit.aging_state,
    FINALFUNC = ar_credit.aging_finalfn,
    COMBINEFUNC = ar_credit.aging_state_combine,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE ar_credit.aging(pg_catalog.numeric, pg_catalog.date, pg_catalog.date, pg_catalog.int4[]) IS
    'amount per aging bucket: {current, up to bounds[1], ..., beyond the last bound}; NULL rows skipped, NULL without rows';

CREATE AGGREGATE ar_credit.aging(amount pg_catalog.numeric, due pg_catalog.date, as_of pg_catalog.date) (
    SFUNC = ar_credit.aging_transfn,
    STYPE = ar_credit.aging_state,
    FINALFUNC = ar_credit.aging_finalfn,
    COMBINEFUNC = ar_credit.aging_state_combine,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE ar_credit.aging(pg_catalog.numeric, pg_catalog.date, pg_catalog.date) IS
    'amount per aging bucket {current, 1-30, 31-60, 61-90, >90}; NULL rows skipped, NULL without rows';

-- collection KPIs
CREATE FUNCTION ar_credit.kpi_beyond_terms_transfn(ar_credit.aging_state, pg_catalog.numeric, pg_catalog.int4)
RETURNS ar_credit.aging_state AS 'MODULE_PATHNAME', 'kpi_beyond_terms_transfn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION ar_credit.kpi_beyond_terms_transfn(ar_credit.aging_state, pg_catalog.numeric, pg_catalog.int4) IS
    'transition function of avg_days_beyond_terms (days clamped at 0)';
CREATE FUNCTION ar_credit.kpi_signed_days_transfn(ar_credit.aging_state, pg_catalog.numeric, pg_catalog.int4)
RETURNS ar_credit.aging_state AS 'MODULE_PATHNAME', 'kpi_signed_days_transfn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION ar_credit.kpi_signed_days_transfn(ar_credit.aging_state, pg_catalog.numeric, pg_catalog.int4) IS
    'transition function of paydex (signed days)';
CREATE FUNCTION ar_credit.kpi_avg_days_finalfn(ar_credit.aging_state)
RETURNS pg_catalog.numeric AS 'MODULE_PATHNAME', 'kpi_avg_days_finalfn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION ar_credit.kpi_avg_days_finalfn(ar_credit.aging_state) IS
    'final function of avg_days_beyond_terms';
CREATE FUNCTION ar_credit.kpi_paydex_finalfn(ar_credit.aging_state)
RETURNS pg_catalog.int4 AS 'MODULE_PATHNAME', 'kpi_paydex_finalfn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION ar_credit.kpi_paydex_finalfn(ar_credit.aging_state) IS
    'final function of paydex';

CREATE AGGREGATE ar_credit.avg_days_beyond_terms(amount pg_catalog.numeric, days_late pg_catalog.int4) (
    SFUNC = ar_credit.kpi_beyond_terms_transfn,
    STYPE = ar_credit.aging_state,
    FINALFUNC = ar_credit.kpi_avg_days_finalfn,
    COMBINEFUNC = ar_credit.aging_state_combine,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE ar_credit.avg_days_beyond_terms(pg_catalog.numeric, pg_catalog.int4) IS
    'amount-weighted average days beyond terms (early payments count as 0), 2 decimals; rows with amount <= 0 ignored';

CREATE AGGREGATE ar_credit.paydex(amount pg_catalog.numeric, days_late pg_catalog.int4) (
    SFUNC = ar_credit.kpi_signed_days_transfn,
    STYPE = ar_credit.aging_state,
    FINALFUNC = ar_credit.kpi_paydex_finalfn,
    COMBINEFUNC = ar_credit.aging_state_combine,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE ar_credit.paydex(pg_catalog.numeric, pg_catalog.int4) IS
    'payment index 1-100 from amount-weighted days late: 100 = 30 days early, 80 = on time, 50 = 30 late, 20 = 120+ late';

-- ---------------------------------------------------------------------
-- 50 dunning (SPEC sections 7 and 10: tracking any finance table, workers)
-- ---------------------------------------------------------------------

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

CREATE OR REPLACE FUNCTION ar_credit.clip(s pg_catalog.text)
RETURNS pg_catalog.text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$ SELECT CASE WHEN pg_catalog.length(s) > 120 THEN pg_catalog.left(s, 100) || '...' ELSE s END $$;
COMMENT ON FUNCTION ar_credit.clip(pg_catalog.text) IS
    'a user-supplied value as an error message shows it: unchanged up to 120 characters, else its first 100 and "..."';

-- The dunning policy of a customer's invoices: credit_account.policy, else
-- the credit_policy.dunning_policy of its risk class, else the table's
-- (SPEC section 8); the tracking trigger and the workers' completion ask it
-- per invoice, answered from a per-backend cache.
CREATE OR REPLACE FUNCTION ar_credit.policy_for(customer_key pg_catalog.text, table_policy pg_catalog.text)
RETURNS pg_catalog.text
AS 'MODULE_PATHNAME', 'ar_policy_for'
LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION ar_credit.policy_for(pg_catalog.text, pg_catalog.text) IS
    'the dunning policy of a customer''s invoices: its credit_account.policy, else the credit_policy.dunning_policy of its risk_class, else table_policy';
-- it reads credit accounts: not PUBLIC's (the trigger and the workers' calls
-- run as the extension's owner)
REVOKE ALL ON FUNCTION ar_credit.policy_for(pg_catalog.text, pg_catalog.text) FROM PUBLIC;

CREATE OR REPLACE FUNCTION ar_credit.item_class(status pg_catalog.text, amount pg_catalog.numeric, due pg_catalog.date)
RETURNS pg_catalog.text
AS 'MODULE_PATHNAME', 'receivable_item_class'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION ar_credit.item_class(pg_catalog.text, pg_catalog.numeric, pg_catalog.date) IS
    'the class of a tracked item: ignored (draft, no due date), paid (paid, or nothing left to pay), closed (cancelled, void, written off, no amount), credit (below zero), suspended (disputed, on hold) or open';

CREATE OR REPLACE FUNCTION ar_credit.is_status_word(word pg_catalog.text)
RETURNS pg_catalog.bool
AS 'MODULE_PATHNAME', 'receivable_is_status_word'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ar_credit.is_status_word(pg_catalog.text) IS
    'true for a word of the status vocabulary, class names included (open, closed, suspended, ignored, paid): what a status_map may map to; not credit, which only a negative amount makes';

CREATE OR REPLACE FUNCTION ar_credit.currency_exponent(currency pg_catalog.text)
RETURNS pg_catalog.int4
AS 'MODULE_PATHNAME', 'receivable_currency_exponent_sql'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION ar_credit.currency_exponent(pg_catalog.text) IS
    'decimal places of the minor unit of an ISO 4217 currency (JPY 0, EUR 2, KWD 3, CLF 4); 2 when unknown or NULL';

CREATE OR REPLACE FUNCTION ar_credit.minor_to_major(amount pg_catalog.numeric, currency pg_catalog.text)
RETURNS pg_catalog.numeric
AS 'MODULE_PATHNAME', 'receivable_minor_to_major'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION ar_credit.minor_to_major(pg_catalog.numeric, pg_catalog.text) IS
    'an amount in the minor unit of its currency (cents) in major units: 12000 EUR cents = 120.00, 12000 JPY = 12000';

-- A mapped date column as a date: dates as they are, timestamps by their date,
-- timestamptz in ar_credit.timezone (fixed per database, so a writer's
-- TimeZone never moves a due date)
CREATE OR REPLACE FUNCTION ar_credit.as_date(d pg_catalog.date)
RETURNS pg_catalog.date
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN d;
COMMENT ON FUNCTION ar_credit.as_date(pg_catalog.date) IS 'a mapped date column as a date: itself';
CREATE OR REPLACE FUNCTION ar_credit.as_date(ts pg_catalog.timestamp)
RETURNS pg_catalog.date
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN ts::pg_catalog.date;
COMMENT ON FUNCTION ar_credit.as_date(pg_catalog.timestamp) IS 'a mapped timestamp column as a date: its date';
CREATE OR REPLACE FUNCTION ar_credit.as_date(ts pg_catalog.timestamptz)
RETURNS pg_catalog.date
AS 'MODULE_PATHNAME', 'receivable_as_date_tz'
LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ar_credit.as_date(pg_catalog.timestamptz) IS
    'a mapped timestamptz column as a date: its date in ar_credit.timezone (default UTC), whatever the session''s TimeZone';

CREATE OR REPLACE FUNCTION ar_credit.qualified_name(rel pg_catalog.regclass)
RETURNS pg_catalog.text
AS 'MODULE_PATHNAME', 'receivable_qualified_name'
LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ar_credit.qualified_name(pg_catalog.regclass) IS
    'schema.table of a relation, quoted where needed, whatever the search_path: the source column of the views';

-- A policy a tracked table uses cannot disappear: every write to that table
-- would fail in the trigger (unknown policy), a failure only we could fix.
CREATE OR REPLACE FUNCTION ar_credit.dunning_step_in_use()
RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    gone record;
BEGIN
    SELECT t.policy, pg_catalog.string_agg(ar_credit.qualified_name(t.relid), ', ' ORDER BY t.relid::pg_catalog.text) AS tables
      INTO gone
      FROM ar_credit.tracked_table AS t
     WHERE NOT EXISTS (SELECT 1 FROM ar_credit.dunning_step AS s WHERE s.policy = t.policy)
     GROUP BY t.policy
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'dunning policy "%" is used by %', ar_credit.clip(gone.policy), gone.tables
              USING ERRCODE = '23503',
                    HINT = 'Track those tables with another policy first (ar_credit.track(..., policy => ...)).';
    END IF;
    RETURN NULL;
END
$$;
COMMENT ON FUNCTION ar_credit.dunning_step_in_use() IS
    'statement trigger of dunning_step: refuses to remove the last step of a policy a tracked table uses';
CREATE TRIGGER dunning_step_in_use
    AFTER UPDATE OR DELETE OR TRUNCATE ON ar_credit.dunning_step
    FOR EACH STATEMENT EXECUTE FUNCTION ar_credit.dunning_step_in_use();

-- ---------------------------------------------------------------------
-- the queue
-- ---------------------------------------------------------------------
CREATE TABLE ar_credit.dunning_queue (
    id              pg_catalog.int8 GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    source          pg_catalog.regclass NOT NULL,
    invoice_key     pg_catalog.text NOT NULL,
    customer_key    pg_catalog.text,
    level           pg_catalog.int4 NOT NULL,
    channel         pg_catalog.text NOT NULL,
    label           pg_catalog.text NOT NULL,
    remind_on       pg_catalog.date NOT NULL,
    amount_due      pg_catalog.numeric,
    currency        pg_catalog.text,
    state           pg_catalog.text NOT NULL DEFAULT 'pending'
                    CHECK (state OPERATOR(pg_catalog.=) ANY (ARRAY['pending', 'claimed', 'sent', 'cancelled', 'suspended', 'failed'])),
    attempts        pg_catalog.int4 NOT NULL DEFAULT 0,
    claimed_by      pg_catalog.text,
    claimed_until   pg_catalog.timestamptz,
    last_error      pg_catalog.text,
    created_at      pg_catalog.timestamptz NOT NULL DEFAULT pg_catalog.now(),
    updated_at      pg_catalog.timestamptz NOT NULL DEFAULT pg_catalog.now(),
    -- beyond SPEC's columns
    due_date        pg_catalog.date NOT NULL,
    policy          pg_catalog.text NOT NULL DEFAULT 'standard',
    next_attempt_at pg_catalog.timestamptz,
    sent_at         pg_catalog.timestamptz,
    receivable_id   pg_catalog.int8 NOT NULL,
    outcome         pg_catalog.text,
    claimed_role    pg_catalog.oid
);
COMMENT ON TABLE ar_credit.dunning_queue IS
    'reminders to send: at most one live (pending, claimed, suspended) row per receivable; workers use claim_reminders, complete_reminder(s) and fail_reminder(s)';
COMMENT ON COLUMN ar_credit.dunning_queue.receivable_id IS
    'the invoice (ar_credit.receivable.id) the reminder is for; its history of levels sent lives there';
COMMENT ON COLUMN ar_credit.dunning_queue.outcome IS
    'what the worker reported when it completed the reminder (complete_reminders outcome), or NULL';
COMMENT ON COLUMN ar_credit.dunning_queue.claimed_role IS
    'the role (oid) whose session claimed the reminder: only it, its members, a member of ar_credit_credit_manager or a superuser may complete or fail it';
-- one live reminder per invoice, the trigger's and the workers' arbiter
CREATE UNIQUE INDEX dunning_queue_live ON ar_credit.dunning_queue (receivable_id)
    WHERE state IN ('pending', 'claimed', 'suspended');
CREATE INDEX dunning_queue_todo ON ar_credit.dunning_queue (remind_on, id)
    WHERE state IN ('pending', 'claimed');
-- a customer's reminders to send: what claim_customer_reminders puts in one
-- letter, found without reading the whole backlog
CREATE INDEX dunning_queue_letter ON ar_credit.dunning_queue (customer_key)
    WHERE state IN ('pending', 'claimed');
-- reminders cancelled while a worker held them: the tracking trigger revives
-- one, still the worker's, when its invoice is owed again (without this
-- index, every write of a reopened invoice scanned the whole queue)
CREATE INDEX dunning_queue_held_cancelled ON ar_credit.dunning_queue (receivable_id)
    WHERE state = 'cancelled' AND claimed_by IS NOT NULL AND sent_at IS NULL;
SELECT pg_catalog.pg_extension_config_dump('ar_credit.dunning_queue', '');
SELECT pg_catalog.pg_extension_config_dump(pg_catalog.pg_get_serial_sequence('ar_credit.dunning_queue', 'id'), '');

-- Every exchange with a customer (SPEC section 9): the reminders workers
-- send (complete_reminder writes them) and the calls, letters and visits
-- users record.  Append-only: nobody is granted UPDATE or DELETE.
CREATE TABLE ar_credit.contact_log (
    id           pg_catalog.int8 GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at           pg_catalog.timestamptz NOT NULL DEFAULT pg_catalog.now(),
    source       pg_catalog.regclass,
    invoice_key  pg_catalog.text,
    customer_key pg_catalog.text,
    channel      pg_catalog.text NOT NULL
                 CHECK (channel OPERATOR(pg_catalog.=) ANY (ARRAY['email', 'sms', 'phone', 'letter', 'registered_letter',
                                                                  'collection', 'visit', 'portal', 'other'])),
    direction    pg_catalog.text NOT NULL DEFAULT 'out'
                 CHECK (direction OPERATOR(pg_catalog.=) ANY (ARRAY['out', 'in'])),
    outcome      pg_catalog.text,
    note         pg_catalog.text,
    by_role      pg_catalog.text NOT NULL DEFAULT SESSION_USER,
    reminder_id  pg_catalog.int8,
    subject      pg_catalog.text
);
COMMENT ON TABLE ar_credit.contact_log IS
    'every exchange with a customer: reminders sent (written by complete_reminder(s)) and the calls, letters and visits users record; append-only';
COMMENT ON COLUMN ar_credit.contact_log.direction IS 'out (we wrote or called) or in (the customer did)';
COMMENT ON COLUMN ar_credit.contact_log.by_role IS 'the login role that recorded it (the worker, the collector)';
COMMENT ON COLUMN ar_credit.contact_log.reminder_id IS 'the dunning_queue reminder it records, if any';
COMMENT ON COLUMN ar_credit.contact_log.subject IS 'what it was about (the reminder''s label for a reminder)';
CREATE INDEX contact_log_customer ON ar_credit.contact_log (customer_key, at);
SELECT pg_catalog.pg_extension_config_dump('ar_credit.contact_log', '');
SELECT pg_catalog.pg_extension_config_dump(pg_catalog.pg_get_serial_sequence('ar_credit.contact_log', 'id'), '');
-- a role reads, and records, the exchanges about the tables it may read
-- (issue 18); those about no table (a call to a customer) are every
-- reader's.  The extension's functions write as its owner.
ALTER TABLE ar_credit.contact_log ENABLE ROW LEVEL SECURITY;
CREATE POLICY contact_log_readable ON ar_credit.contact_log FOR SELECT
    USING (source IS NULL OR pg_catalog.has_table_privilege(source, 'SELECT'));
CREATE POLICY contact_log_record ON ar_credit.contact_log FOR INSERT
    WITH CHECK (source IS NULL OR pg_catalog.has_table_privilege(source, 'SELECT'));

-- ---------------------------------------------------------------------
-- worker API (SECURITY DEFINER: workers need no rights on the queue itself)
-- ---------------------------------------------------------------------
-- What a worker may claim as of a date: a reminder due by then, pending (and
-- not waiting for its next attempt) or claimed with its lease run out.  The
-- three claim queries below share it.  A SQL function with a standard body
-- is inlined into the query that calls it: the planner sees the predicate
-- itself, so its state test still matches dunning_queue_todo's and the
-- claims walk that index (test/dunning counts the rows a claim reads).
CREATE OR REPLACE FUNCTION ar_credit.claimable(state pg_catalog.text, remind_on pg_catalog.date,
                                    next_attempt_at pg_catalog.timestamptz,
                                    claimed_until pg_catalog.timestamptz, as_of pg_catalog.date)
RETURNS pg_catalog.bool
LANGUAGE sql STABLE PARALLEL SAFE
RETURN state OPERATOR(pg_catalog.=) ANY (ARRAY['pending', 'claimed'])
       AND remind_on OPERATOR(pg_catalog.<=) as_of
       AND ((state OPERATOR(pg_catalog.=) 'pending'
             AND (next_attempt_at IS NULL OR next_attempt_at OPERATOR(pg_catalog.<=) pg_catalog.now()))
            OR (state OPERATOR(pg_catalog.=) 'claimed' AND claimed_until OPERATOR(pg_catalog.<) pg_catalog.now()));
COMMENT ON FUNCTION ar_credit.claimable(pg_catalog.text, pg_catalog.date, pg_catalog.timestamptz, pg_catalog.timestamptz, pg_catalog.date) IS
    'whether a queue row may be claimed as of a date: due, pending and not waiting for a retry, or claimed with its lease run out (the claims'' shared predicate, inlined into their queries)';

CREATE OR REPLACE FUNCTION ar_credit.claim_reminders(batch pg_catalog.int4 DEFAULT 100,
                                          worker pg_catalog.text DEFAULT CURRENT_USER,
                                          lease pg_catalog.interval DEFAULT '5 minutes',
                                          as_of pg_catalog.date DEFAULT CURRENT_DATE,
                                          channels pg_catalog.text[] DEFAULT NULL,
                                          collector pg_catalog.text DEFAULT NULL)
RETURNS SETOF ar_credit.dunning_queue
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
-- The claim must walk dunning_queue_todo in order and stop after `batch`
-- rows.  When the statistics say few rows are due (a queue never analysed,
-- or a day's reminders falling due at once), the planner prefers to fetch
-- every due row and sort them, for each claim: a backlog of n rows then
-- costs n per claim.  Sorting is turned off for the claim's query below, so
-- the ordered index scan is the plan whatever the statistics; this clause
-- scopes that to the function (the caller's setting comes back on return)
-- and leaves check_claim and process_holds with sorting on.
SET enable_sort = on
-- Planned once per session, not at each call (the plan does not depend on
-- the arguments: the claimed rows are updated by their ctid, a TID scan
-- whatever the batch); replanning each call was a sixth of a claim's cost.
SET plan_cache_mode = force_generic_plan
-- With sorting off, the sort of the rows returned (by remind_on and id, as
-- they were claimed) carries the planner's penalty cost, far above
-- jit_above_cost: JIT would then compile the claim at each call, for a
-- quarter of a second.
SET jit = off
AS $$
DECLARE
    -- the caller's role, looked up once (not once per row claimed)
    claimer pg_catalog.oid := ar_credit.invoking_role();
BEGIN
    IF batch IS NULL OR worker IS NULL OR lease IS NULL OR as_of IS NULL THEN
        RAISE EXCEPTION 'batch, worker, lease and as_of must not be NULL' USING ERRCODE = '22004';
    END IF;
    IF batch < 1 THEN
        RAISE EXCEPTION 'batch must be positive, not %', batch USING ERRCODE = '22023';
    END IF;
    IF NOT pg_catalog.isfinite(as_of) THEN
        RAISE EXCEPTION 'as_of must be a finite date, not %', as_of USING ERRCODE = '22008';
    END IF;
    PERFORM ar_credit.check_claim(worker, lease, as_of);
    -- promises whose date passed unpaid are broken before anything is claimed
    PERFORM ar_credit.process_holds(as_of);
    PERFORM pg_catalog.set_config('enable_sort', 'off', true);
    -- The rows locked are updated by their ctid (each is locked, so it
    -- stays there): a TID scan rather than a lookup by id per row.  A row
    -- another transaction updated after this statement's snapshot is locked
    -- at its new version, which the update does not see: it is left as it
    -- is, not claimed, and not returned.
    RETURN QUERY
    WITH c AS (
        SELECT q.ctid
          FROM ar_credit.dunning_queue AS q
         WHERE ar_credit.claimable(q.state, q.remind_on, q.next_attempt_at, q.claimed_until, claim_reminders.as_of)
           AND (channels IS NULL OR q.channel = ANY (channels))
           -- a collector's own customers (credit_account.collector)
           AND (claim_reminders.collector IS NULL
                OR q.customer_key IN (SELECT a.customer_key FROM ar_credit.credit_account AS a
                                       WHERE a.collector = claim_reminders.collector))
         ORDER BY q.remind_on, q.id
         LIMIT batch
           FOR UPDATE SKIP LOCKED),
    u AS (
        UPDATE ar_credit.dunning_queue AS q
           SET state = 'claimed', claimed_by = claim_reminders.worker, claimed_role = claimer,
               claimed_until = pg_catalog.now() + lease, updated_at = pg_catalog.now()
         WHERE q.ctid = ANY (ARRAY(SELECT c.ctid FROM c))
        RETURNING q.*)
    SELECT u.* FROM u ORDER BY u.remind_on, u.id;
END
$$;
COMMENT ON FUNCTION ar_credit.claim_reminders(pg_catalog.int4, pg_catalog.text, pg_catalog.interval, pg_catalog.date, pg_catalog.text[], pg_catalog.text) IS
    'leases up to batch due reminders (of the given channels, of the customers of the given collector) to a worker (FOR UPDATE SKIP LOCKED); reminders whose lease expired are claimed again; holds past their date are processed first';

-- One letter per customer and channel (SPEC section 9): the due reminders of
-- up to batch customer/channel/currency groups, oldest first, each group
-- claimed whole by one worker (a transaction-scoped advisory lock per group
-- keeps two workers from splitting a letter).
--
-- The due reminders are walked oldest first (dunning_queue_todo) only until
-- batch groups are locked, and each group's reminders are then found by
-- customer (dunning_queue_letter): a claim costs what it claims, not the
-- whole backlog.  (Until 0.3.0's last stop it grouped every due reminder at
-- each call: 70 ms for 10 customers at 40,000 due, a drain in n².)  Groups
-- due the same day are taken in the order their first reminder was queued.
CREATE OR REPLACE FUNCTION ar_credit.claim_customer_reminders(batch pg_catalog.int4 DEFAULT 10,
                                                   worker pg_catalog.text DEFAULT CURRENT_USER,
                                                   lease pg_catalog.interval DEFAULT '5 minutes',
                                                   as_of pg_catalog.date DEFAULT CURRENT_DATE,
                                                   channels pg_catalog.text[] DEFAULT NULL,
                                                   collector pg_catalog.text DEFAULT NULL,
                                                   OUT customer_key pg_catalog.text, OUT channel pg_catalog.text,
                                                   OUT ids pg_catalog.int8[], OUT total_due pg_catalog.numeric,
                                                   OUT currency pg_catalog.text)
RETURNS SETOF record
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
-- the walk below turns sorting off, as claim_reminders does, so that it reads
-- dunning_queue_todo in order and stops early; this clause brings the
-- caller's setting back on return
SET enable_sort = on
AS $$
DECLARE
    claimer pg_catalog.oid := ar_credit.invoking_role();
    d record;
    -- the groups met (quote_nullable keeps a NULL customer apart from ''),
    -- and those locked
    tried pg_catalog.text[] := '{}';
    k pg_catalog.text;
    custs pg_catalog.text[] := '{}';
    chans pg_catalog.text[] := '{}';
    curs pg_catalog.text[] := '{}';
    todo pg_catalog.int8[];
BEGIN
    IF batch IS NULL OR worker IS NULL OR lease IS NULL OR as_of IS NULL THEN
        RAISE EXCEPTION 'batch, worker, lease and as_of must not be NULL' USING ERRCODE = '22004';
    END IF;
    IF batch < 1 THEN
        RAISE EXCEPTION 'batch must be positive, not %', batch USING ERRCODE = '22023';
    END IF;
    IF NOT pg_catalog.isfinite(as_of) THEN
        RAISE EXCEPTION 'as_of must be a finite date, not %', as_of USING ERRCODE = '22008';
    END IF;
    PERFORM ar_credit.check_claim(worker, lease, as_of);
    PERFORM ar_credit.process_holds(as_of);
    PERFORM pg_catalog.set_config('enable_sort', 'off', true);
    FOR d IN
        SELECT q.customer_key, q.channel, q.currency
          FROM ar_credit.dunning_queue AS q
         WHERE ar_credit.claimable(q.state, q.remind_on, q.next_attempt_at, q.claimed_until, claim_customer_reminders.as_of)
           AND (channels IS NULL OR q.channel = ANY (channels))
           AND (claim_customer_reminders.collector IS NULL
                OR q.customer_key IN (SELECT a.customer_key FROM ar_credit.credit_account AS a
                                       WHERE a.collector = claim_customer_reminders.collector))
         ORDER BY q.remind_on, q.id
    LOOP
        k := pg_catalog.quote_nullable(d.customer_key) || ' ' || pg_catalog.quote_nullable(d.channel)
             || ' ' || pg_catalog.quote_nullable(d.currency);
        CONTINUE WHEN k = ANY (tried);
        tried := tried || k;
        IF pg_catalog.pg_try_advisory_xact_lock(pg_catalog.hashtext('ar_credit letter ' || COALESCE(d.customer_key, '')
                                                                    || ' ' || d.channel || ' ' || COALESCE(d.currency, ''))) THEN
            custs := custs || d.customer_key;
            chans := chans || d.channel;
            curs := curs || d.currency;
            EXIT WHEN pg_catalog.cardinality(custs) >= batch;
        END IF;
    END LOOP;
    PERFORM pg_catalog.set_config('enable_sort', 'on', true);
    IF pg_catalog.cardinality(custs) = 0 THEN
        RETURN;
    END IF;
    -- every due reminder of the groups locked, by customer
    todo := ARRAY(SELECT q.id
                    FROM ROWS FROM (pg_catalog.unnest(custs), pg_catalog.unnest(chans), pg_catalog.unnest(curs))
                         AS g(customer_key, channel, currency)
                    JOIN ar_credit.dunning_queue AS q
                      ON q.customer_key = g.customer_key AND q.channel = g.channel
                     AND q.currency IS NOT DISTINCT FROM g.currency
                   WHERE q.state IN ('pending', 'claimed'));
    IF pg_catalog.array_position(custs, NULL) IS NOT NULL THEN
        todo := todo || ARRAY(SELECT q.id
                                FROM ROWS FROM (pg_catalog.unnest(custs), pg_catalog.unnest(chans), pg_catalog.unnest(curs))
                                     AS g(customer_key, channel, currency)
                                JOIN ar_credit.dunning_queue AS q
                                  ON q.customer_key IS NULL AND q.channel = g.channel
                                 AND q.currency IS NOT DISTINCT FROM g.currency
                               WHERE g.customer_key IS NULL AND q.state IN ('pending', 'claimed'));
    END IF;
    RETURN QUERY
    WITH c AS (
        SELECT q.ctid
          FROM ar_credit.dunning_queue AS q
         WHERE q.id = ANY (todo)
           AND ar_credit.claimable(q.state, q.remind_on, q.next_attempt_at, q.claimed_until, claim_customer_reminders.as_of)
           FOR UPDATE SKIP LOCKED),
    u AS (
        UPDATE ar_credit.dunning_queue AS q
           SET state = 'claimed', claimed_by = claim_customer_reminders.worker, claimed_role = claimer,
               claimed_until = pg_catalog.now() + lease, updated_at = pg_catalog.now()
         WHERE q.ctid = ANY (ARRAY(SELECT c.ctid FROM c))
        RETURNING q.id, q.customer_key, q.channel, q.currency, q.amount_due)
    SELECT u.customer_key, u.channel, pg_catalog.array_agg(u.id ORDER BY u.id), pg_catalog.sum(u.amount_due), u.currency
      FROM u
     GROUP BY u.customer_key, u.channel, u.currency
     ORDER BY u.customer_key, u.channel;
END
$$;
COMMENT ON FUNCTION ar_credit.claim_customer_reminders(pg_catalog.int4, pg_catalog.text, pg_catalog.interval, pg_catalog.date, pg_catalog.text[], pg_catalog.text) IS
    'claims the due reminders of up to batch customers, grouped by customer, channel and currency: one letter each (ids to complete, total due)';

-- What a worker may ask of claim_reminders: a name of reasonable length, a
-- lease of at most a day (an expired lease is how a lost reminder comes
-- back), nothing due later than today unless it is a superuser's session.
-- The role a worker function was called by.  Inside a SECURITY DEFINER
-- function CURRENT_USER is the extension's owner; the caller is the role of
-- SET ROLE, else the session's user (both checked by PostgreSQL when set).
CREATE OR REPLACE FUNCTION ar_credit.invoking_role()
RETURNS pg_catalog.oid
AS 'MODULE_PATHNAME', 'ar_invoking_role'
LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION ar_credit.invoking_role() IS
    'the role a worker function was called by (SET ROLE, else the session user), not the SECURITY DEFINER owner';

-- Workers settle their own claims (issue 18): a reminder claimed by another
-- role may be completed or failed by a member of that role, a credit manager
-- or a superuser (the admin path: a worker gone for good), else 42501.  A
-- claim of a role since dropped is anyone's.
CREATE OR REPLACE FUNCTION ar_credit.check_claim_owner(ids pg_catalog.int8[])
RETURNS void
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    me pg_catalog.oid := ar_credit.invoking_role();
    bad record;
BEGIN
    IF me IS NULL OR (SELECT r.rolsuper FROM pg_catalog.pg_roles AS r WHERE r.oid = me)
       OR pg_catalog.pg_has_role(me, 'ar_credit_credit_manager', 'MEMBER') THEN
        RETURN;
    END IF;
    SELECT q.id, q.claimed_by, r.rolname INTO bad
      FROM ar_credit.dunning_queue AS q JOIN pg_catalog.pg_roles AS r ON r.oid = q.claimed_role
     WHERE q.id = ANY (ids) AND q.claimed_role <> me AND q.claimed_by IS NOT NULL AND q.sent_at IS NULL
       AND NOT pg_catalog.pg_has_role(me, q.claimed_role, 'MEMBER')
     ORDER BY q.id
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'reminder % was claimed by role "%" (worker "%"), not by role "%"',
              bad.id, bad.rolname, ar_credit.clip(bad.claimed_by), pg_catalog.pg_get_userbyid(me)
              USING ERRCODE = '42501',
              HINT = 'A worker completes or fails only the reminders its role claimed; a member of ar_credit_credit_manager may settle the others (or wait for their lease to end: they are claimed again).';
    END IF;
END
$$;
COMMENT ON FUNCTION ar_credit.check_claim_owner(pg_catalog.int8[]) IS
    'refuses (42501) to complete or fail reminders another role claimed, but for its members, credit managers and superusers';

CREATE OR REPLACE FUNCTION ar_credit.check_claim(worker pg_catalog.text, lease pg_catalog.interval, as_of pg_catalog.date)
RETURNS void
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF pg_catalog.length(worker) NOT BETWEEN 1 AND 200 THEN
        RAISE EXCEPTION 'worker must be a name of 1 to 200 characters, not %', ar_credit.clip(worker) USING ERRCODE = '22023';
    END IF;
    IF lease <= interval '0' OR lease > interval '1 day' THEN
        RAISE EXCEPTION 'lease must be a positive interval of at most a day, not %', lease USING ERRCODE = '22023',
              HINT = 'A reminder whose lease expires is claimed again: that is how a worker''s crash loses nothing.';
    END IF;
    IF as_of > CURRENT_DATE AND NOT (SELECT r.rolsuper FROM pg_catalog.pg_roles AS r WHERE r.rolname = SESSION_USER) THEN
        RAISE EXCEPTION 'as_of must not be later than today (%), not %', CURRENT_DATE, as_of USING ERRCODE = '42501',
              HINT = 'Workers send what is due; only a superuser''s session may claim ahead (tests, replays).';
    END IF;
END
$$;
COMMENT ON FUNCTION ar_credit.check_claim(pg_catalog.text, pg_catalog.interval, pg_catalog.date) IS
    'what claim_reminders and claim_customer_reminders refuse: a worker name of more than 200 characters, a lease of more than a day, claiming ahead of today (but for a superuser)';

-- Completion, set-based.  The invoices' receivables are locked first, in id
-- order, as the tracking trigger locks them before it touches the queue:
-- whichever of a worker completing and a writer paying comes second waits,
-- then sees what the first did, so a paid invoice never gets a next level
-- and a level is never queued twice.  A reminder the trigger cancelled or
-- suspended while a worker held it was still sent by that worker: it is
-- recorded as sent.
CREATE OR REPLACE FUNCTION ar_credit.complete_reminders(ids pg_catalog.int8[], outcome pg_catalog.text DEFAULT NULL,
                                            note pg_catalog.text DEFAULT NULL)
RETURNS pg_catalog.int4
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
-- planned once per session: the ids are looked up by index whatever their
-- number, and replanning the statements below at each call cost a twelfth
-- of a completion
SET plan_cache_mode = force_generic_plan
AS $$
DECLARE
    bad record;
    n pg_catalog.int4;
    planned pg_catalog.int8[];
BEGIN
    IF ids IS NULL OR pg_catalog.array_position(ids, NULL) IS NOT NULL THEN
        RAISE EXCEPTION 'ids must not be NULL nor contain NULL' USING ERRCODE = '22004';
    END IF;
    PERFORM 1 FROM ar_credit.receivable AS r
     WHERE r.id IN (SELECT q.receivable_id FROM ar_credit.dunning_queue AS q WHERE q.id = ANY (ids))
     ORDER BY r.id
       FOR UPDATE OF r;
    SELECT i.id, q.state INTO bad
      FROM pg_catalog.unnest(ids) AS i(id)
      LEFT JOIN ar_credit.dunning_queue AS q ON q.id = i.id
     WHERE i.id IS NULL OR q.id IS NULL
        OR (q.state IN ('pending', 'failed') AND NOT (q.claimed_by IS NOT NULL AND q.sent_at IS NULL))
     LIMIT 1;
    IF FOUND THEN
        IF bad.state IS NULL THEN
            RAISE EXCEPTION 'no reminder with id %', bad.id USING ERRCODE = '22023';
        END IF;
        RAISE EXCEPTION 'reminder % is %, not claimed', bad.id, bad.state USING ERRCODE = '55000',
              HINT = 'Claim reminders with ar_credit.claim_reminders() before completing them.';
    END IF;
    PERFORM ar_credit.check_claim_owner(ids);
    WITH s AS (
        UPDATE ar_credit.dunning_queue AS q
           SET state = 'sent', claimed_until = NULL, sent_at = pg_catalog.now(), updated_at = pg_catalog.now(),
               outcome = complete_reminders.outcome
         WHERE q.id = ANY (ids)
           AND (q.state = 'claimed'
                OR (q.claimed_by IS NOT NULL AND q.sent_at IS NULL AND q.state IN ('pending', 'suspended', 'cancelled')))
        RETURNING q.id, q.receivable_id, q.level, q.policy, q.source, q.invoice_key, q.customer_key, q.channel, q.label,
                  q.due_date, q.created_at),
    l AS (
        INSERT INTO ar_credit.contact_log (source, invoice_key, customer_key, channel, direction, outcome, note,
                                           reminder_id, subject)
        SELECT s.source, s.invoice_key, s.customer_key, s.channel, 'out', complete_reminders.outcome,
               complete_reminders.note, s.id, s.label
          FROM s),
    r AS (
        UPDATE ar_credit.receivable AS r
           SET last_level = GREATEST(r.last_level, s.level), last_sent_on = CURRENT_DATE, updated_at = pg_catalog.now()
          FROM (SELECT s.receivable_id, max(s.level) AS level, max(s.policy) AS policy FROM s GROUP BY 1) AS s
         WHERE r.id = s.receivable_id
        RETURNING r.id, r.source, r.item_key, r.customer_key, r.currency, r.due_date, r.amount, r.class, r.gone,
                  r.last_level, r.on_hold, r.plan_id, s.policy),
    pl AS (
        -- an instalment's reminder sent: the plan line remembers its level
        UPDATE ar_credit.payment_plan_line AS l
           SET reminded = GREATEST(l.reminded, s.level)
          FROM s JOIN r ON r.id = s.receivable_id
         WHERE r.plan_id IS NOT NULL AND l.plan_id = r.plan_id AND l.due_date = s.due_date),
    nx AS (
        INSERT INTO ar_credit.dunning_queue AS q (receivable_id, source, invoice_key, customer_key, level, channel,
                                                  label, remind_on, due_date, amount_due, currency, policy, state)
        SELECT x.id, x.source, x.item_key, x.customer_key, (x.n).level, (x.n).channel, (x.n).label,
               CASE WHEN x.broke THEN CURRENT_DATE ELSE (x.n).remind_on END,
               x.due_date, x.amount, x.currency, x.policy,
               CASE WHEN x.class = 'suspended' OR x.on_hold THEN 'suspended' ELSE 'pending' END
          -- OFFSET 0 keeps each a subquery: pulled up, the functions would
          -- run once per field of their result read (five times a row)
          FROM (SELECT b.*, ar_credit.next_reminder_rec(b.due_date, CURRENT_DATE,
                                                        CASE WHEN b.broke THEN GREATEST(b.last_level, ar_credit.formal_notice_level(b.policy) - 1)
                                                             ELSE b.last_level END,
                                                        b.policy, CURRENT_DATE, 5, b.amount) AS n
                  FROM (SELECT r.id, r.source, r.item_key, r.customer_key, r.currency, r.due_date, r.amount, r.class,
                               r.last_level, r.on_hold,
                               -- the customer's policy now (its risk class may have changed since)
                               ar_credit.policy_for(r.customer_key, COALESCE(t.policy, r.policy)) AS policy,
                               -- a payment plan broken while this reminder was held by the worker:
                               -- the formal notice the break called for (plan_requeue could not
                               -- queue it beside a claimed reminder) goes at once
                               EXISTS (SELECT 1 FROM ar_credit.payment_plan AS pp JOIN s ON s.receivable_id = pp.receivable_id
                                        WHERE pp.receivable_id = r.id AND pp.state = 'broken'
                                          AND pp.ended_at >= s.created_at) AS broke
                          FROM r LEFT JOIN ar_credit.tracked_table AS t ON t.relid = r.source
                         WHERE r.class IN ('open', 'suspended') AND NOT r.gone AND r.plan_id IS NULL
                        OFFSET 0) AS b
                OFFSET 0) AS x
         WHERE x.n IS NOT NULL
        -- a live reminder already there (the invoice reopened while this one was
        -- held) that lags behind the level just sent moves on to the next one
        ON CONFLICT (receivable_id) WHERE state IN ('pending', 'claimed', 'suspended') DO UPDATE
           SET level = EXCLUDED.level, channel = EXCLUDED.channel, label = EXCLUDED.label,
               remind_on = EXCLUDED.remind_on, updated_at = pg_catalog.now()
         WHERE q.level < EXCLUDED.level AND q.state <> 'claimed')
    SELECT pg_catalog.count(*), (SELECT pg_catalog.array_agg(r.id) FROM r WHERE r.plan_id IS NOT NULL)
      INTO n, planned FROM s;
    -- under a payment plan, the plan says what comes next
    IF planned IS NOT NULL THEN
        PERFORM ar_credit.plan_requeue(planned, CURRENT_DATE);
    END IF;
    RETURN n;
END
$$;
COMMENT ON FUNCTION ar_credit.complete_reminders(pg_catalog.int8[], pg_catalog.text, pg_catalog.text) IS
    'marks claimed reminders sent, in one pass, logs each in contact_log, and queues each invoice''s next level while it is owed; returns how many were marked sent';

CREATE OR REPLACE FUNCTION ar_credit.complete_reminder(id pg_catalog.int8, outcome pg_catalog.text DEFAULT NULL,
                                            note pg_catalog.text DEFAULT NULL)
RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF id IS NULL THEN
        RAISE EXCEPTION 'id must not be NULL' USING ERRCODE = '22004';
    END IF;
    PERFORM ar_credit.complete_reminders(ARRAY[id], outcome, note);
END
$$;
COMMENT ON FUNCTION ar_credit.complete_reminder(pg_catalog.int8, pg_catalog.text, pg_catalog.text) IS
    'marks a claimed reminder sent, logs it in contact_log with the outcome and note, and queues the next level while the invoice is open';

CREATE OR REPLACE FUNCTION ar_credit.fail_reminders(ids pg_catalog.int8[], error pg_catalog.text)
RETURNS pg_catalog.int4
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    max_attempts pg_catalog.int4 :=
        LEAST(GREATEST(COALESCE(pg_catalog.current_setting('ar_credit.max_attempts', true), '5')::pg_catalog.int4, 1), 100);
    bad record;
    n pg_catalog.int4;
BEGIN
    IF ids IS NULL OR pg_catalog.array_position(ids, NULL) IS NOT NULL THEN
        RAISE EXCEPTION 'ids must not be NULL nor contain NULL' USING ERRCODE = '22004';
    END IF;
    SELECT i.id, q.state INTO bad
      FROM pg_catalog.unnest(ids) AS i(id)
      LEFT JOIN ar_credit.dunning_queue AS q ON q.id = i.id
     WHERE i.id IS NULL OR q.id IS NULL OR q.state IN ('pending', 'sent', 'failed')
     LIMIT 1;
    IF FOUND THEN
        IF bad.state IS NULL THEN
            RAISE EXCEPTION 'no reminder with id %', bad.id USING ERRCODE = '22023';
        END IF;
        RAISE EXCEPTION 'reminder % is %, not claimed', bad.id, bad.state USING ERRCODE = '55000';
    END IF;
    PERFORM ar_credit.check_claim_owner(ids);
    -- retry after 1, 2, 4, 8 ... minutes (at most a day); give up after max_attempts.
    -- A reminder cancelled or suspended meanwhile stays so; the worker lets it go.
    UPDATE ar_credit.dunning_queue AS q
       SET attempts = q.attempts + 1, last_error = fail_reminders.error,
           claimed_by = NULL, claimed_until = NULL, claimed_role = NULL,
           state = CASE WHEN q.state <> 'claimed' THEN q.state
                        WHEN q.attempts + 1 >= max_attempts THEN 'failed' ELSE 'pending' END,
           next_attempt_at = pg_catalog.now()
                             + pg_catalog.make_interval(mins => LEAST(1 << LEAST(q.attempts, 11), 1440)),
           updated_at = pg_catalog.now()
     WHERE q.id = ANY (ids) AND q.state IN ('claimed', 'cancelled', 'suspended');
    GET DIAGNOSTICS n = ROW_COUNT;
    -- While the worker held them, the tracking trigger kept their level and
    -- date (a due date moved, a catch-up level changed): those back in the
    -- queue take what their invoice calls for now.
    UPDATE ar_credit.dunning_queue AS q
       SET level = (x.n).level, channel = (x.n).channel, label = (x.n).label, remind_on = (x.n).remind_on
      FROM ar_credit.receivable AS r
      LEFT JOIN ar_credit.tracked_table AS t ON t.relid = r.source
     CROSS JOIN LATERAL (SELECT ar_credit.next_reminder_rec(r.due_date, CURRENT_DATE, r.last_level,
                                    ar_credit.policy_for(r.customer_key, COALESCE(t.policy, 'standard')),
                                    r.last_sent_on, 5, r.amount) AS n OFFSET 0) AS x
     WHERE q.id = ANY (ids) AND q.state IN ('pending', 'suspended') AND q.claimed_by IS NULL AND r.id = q.receivable_id
       AND r.plan_id IS NULL AND x.n IS NOT NULL AND (q.level, q.remind_on) IS DISTINCT FROM ((x.n).level, (x.n).remind_on);
    RETURN n;
END
$$;
COMMENT ON FUNCTION ar_credit.fail_reminders(pg_catalog.int8[], pg_catalog.text) IS
    'records failed sends in one pass: each retried with exponential backoff (1, 2, 4 ... minutes, at most a day), failed after ar_credit.max_attempts; returns how many';

CREATE OR REPLACE FUNCTION ar_credit.fail_reminder(id pg_catalog.int8, error pg_catalog.text)
RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF id IS NULL THEN
        RAISE EXCEPTION 'id must not be NULL' USING ERRCODE = '22004';
    END IF;
    PERFORM ar_credit.fail_reminders(ARRAY[id], error);
END
$$;
COMMENT ON FUNCTION ar_credit.fail_reminder(pg_catalog.int8, pg_catalog.text) IS
    'records a failed send: retried with exponential backoff (1, 2, 4 ... minutes, at most a day), failed after ar_credit.max_attempts';

-- ---------------------------------------------------------------------
-- the reminders due, for BI tools
-- ---------------------------------------------------------------------
CREATE VIEW ar_credit.dunning_due WITH (security_barrier) AS
SELECT q.id, ar_credit.qualified_name(q.source) AS source, q.invoice_key, q.customer_key, q.level, q.channel,
       q.label, q.remind_on, q.due_date, q.amount_due, q.currency, q.state, q.attempts, q.claimed_by, q.claimed_until
  FROM ar_credit.dunning_queue AS q
 WHERE q.state IN ('pending', 'claimed') AND q.remind_on <= CURRENT_DATE
   -- a role sees the reminders of the tables it may read (issue 18)
   AND pg_catalog.has_table_privilege(q.source, 'SELECT');
COMMENT ON VIEW ar_credit.dunning_due IS 'live reminders due today or earlier, of the tables the querying role may read';
COMMENT ON COLUMN ar_credit.dunning_due.id IS 'dunning_queue.id: pass it to complete_reminder or fail_reminder';
COMMENT ON COLUMN ar_credit.dunning_due.source IS 'tracked invoices table, schema-qualified (public.invoice)';
COMMENT ON COLUMN ar_credit.dunning_due.invoice_key IS 'invoice key (composite keys as a row literal)';
COMMENT ON COLUMN ar_credit.dunning_due.customer_key IS 'customer, or NULL';
COMMENT ON COLUMN ar_credit.dunning_due.level IS 'reminder level (dunning_step.level)';
COMMENT ON COLUMN ar_credit.dunning_due.channel IS 'email, sms, phone, letter, registered_letter or collection';
COMMENT ON COLUMN ar_credit.dunning_due.label IS 'label of the dunning step';
COMMENT ON COLUMN ar_credit.dunning_due.remind_on IS 'day the reminder is due to be sent';
COMMENT ON COLUMN ar_credit.dunning_due.due_date IS 'invoice due date';
COMMENT ON COLUMN ar_credit.dunning_due.amount_due IS 'open balance of the invoice';
COMMENT ON COLUMN ar_credit.dunning_due.currency IS 'currency, or NULL';
COMMENT ON COLUMN ar_credit.dunning_due.state IS 'pending or claimed';
COMMENT ON COLUMN ar_credit.dunning_due.attempts IS 'failed sends so far';
COMMENT ON COLUMN ar_credit.dunning_due.claimed_by IS 'worker holding the reminder, if claimed';
COMMENT ON COLUMN ar_credit.dunning_due.claimed_until IS 'end of the worker''s lease, if claimed';

-- ---------------------------------------------------------------------
-- roles and privileges: nothing beyond the pure functions for PUBLIC
-- ---------------------------------------------------------------------
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'ar_credit_reader') THEN
        CREATE ROLE ar_credit_reader NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'ar_credit_worker') THEN
        CREATE ROLE ar_credit_worker NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'ar_credit_writer') THEN
        CREATE ROLE ar_credit_writer NOLOGIN;
    END IF;
END
$$;

REVOKE ALL ON ar_credit.dunning_queue, ar_credit.dunning_step, ar_credit.contact_log FROM PUBLIC;
-- collectors read and add to the contact log; nobody rewrites it
GRANT SELECT ON ar_credit.contact_log TO ar_credit_reader, ar_credit_worker;
-- by_role, at and reminder_id keep their defaults: nobody signs for another
-- role, backdates an exchange or claims it for a reminder (issue 18)
GRANT INSERT (source, invoice_key, customer_key, channel, direction, outcome, note, subject)
   ON ar_credit.contact_log TO ar_credit_worker;
REVOKE ALL ON FUNCTION ar_credit.claim_reminders(pg_catalog.int4, pg_catalog.text, pg_catalog.interval, pg_catalog.date, pg_catalog.text[], pg_catalog.text),
                       ar_credit.claim_customer_reminders(pg_catalog.int4, pg_catalog.text, pg_catalog.interval, pg_catalog.date, pg_catalog.text[], pg_catalog.text),
                       ar_credit.check_claim(pg_catalog.text, pg_catalog.interval, pg_catalog.date),
                       ar_credit.check_claim_owner(pg_catalog.int8[]),
                       ar_credit.claimable(pg_catalog.text, pg_catalog.date, pg_catalog.timestamptz, pg_catalog.timestamptz, pg_catalog.date),
                       ar_credit.invoking_role(),
                       ar_credit.complete_reminder(pg_catalog.int8, pg_catalog.text, pg_catalog.text),
                       ar_credit.complete_reminders(pg_catalog.int8[], pg_catalog.text, pg_catalog.text),
                       ar_credit.fail_reminder(pg_catalog.int8, pg_catalog.text),
                       ar_credit.fail_reminders(pg_catalog.int8[], pg_catalog.text)
  FROM PUBLIC;
GRANT SELECT ON ar_credit.dunning_due, ar_credit.dunning_step TO ar_credit_reader, ar_credit_worker;
-- the dunning policies are read by next_reminder(), which is PUBLIC's (as
-- late_interest reads the rates and recommended_terms the credit policies)
GRANT SELECT ON ar_credit.dunning_step TO PUBLIC;
GRANT EXECUTE ON FUNCTION ar_credit.claim_reminders(pg_catalog.int4, pg_catalog.text, pg_catalog.interval, pg_catalog.date, pg_catalog.text[], pg_catalog.text),
                          ar_credit.claim_customer_reminders(pg_catalog.int4, pg_catalog.text, pg_catalog.interval, pg_catalog.date, pg_catalog.text[], pg_catalog.text),
                          ar_credit.complete_reminder(pg_catalog.int8, pg_catalog.text, pg_catalog.text),
                          ar_credit.complete_reminders(pg_catalog.int8[], pg_catalog.text, pg_catalog.text),
                          ar_credit.fail_reminder(pg_catalog.int8, pg_catalog.text),
                          ar_credit.fail_reminders(pg_catalog.int8[], pg_catalog.text)
  TO ar_credit_worker;

-- ar_credit install script, section 55: tracking any finance table (SPEC
-- sections 6, 7 and 12): the receivables mirror, the mapping of tracked and
-- related tables, the triggers that keep the mirror and the dunning queue in
-- step, track() and its kin, schema changes of tracked tables, and the views
-- of open receivables.

-- ---------------------------------------------------------------------
-- the receivables mirror
-- ---------------------------------------------------------------------
-- One row per item of a tracked table that is or was a receivable (open,
-- disputed, credit notes, paid and closed ones), written by the tracking
-- trigger only.  The queue, the views and the credit figures read it; it
-- also holds each invoice's dunning history (last_level), so that the
-- trigger and the workers agree on the next level by locking this row.
CREATE TABLE ar_credit.receivable (
    id           pg_catalog.int8 GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    source       pg_catalog.regclass NOT NULL,
    item_key     pg_catalog.text NOT NULL,
    customer_key pg_catalog.text,
    currency     pg_catalog.text,
    issued_on    pg_catalog.date,
    due_date     pg_catalog.date,
    amount       pg_catalog.numeric,
    status       pg_catalog.text,
    class        pg_catalog.text NOT NULL
                 CHECK (class OPERATOR(pg_catalog.=) ANY (ARRAY['open', 'suspended', 'credit', 'paid', 'closed', 'ignored'])),
    paid_on      pg_catalog.date,
    last_level   pg_catalog.int4 NOT NULL DEFAULT 0,
    last_sent_on pg_catalog.date,
    gone         pg_catalog.bool NOT NULL DEFAULT false,
    first_seen   pg_catalog.timestamptz NOT NULL DEFAULT pg_catalog.now(),
    updated_at   pg_catalog.timestamptz NOT NULL DEFAULT pg_catalog.now(),
    first_amount pg_catalog.numeric,
    prev_class   pg_catalog.text,
    prev_due     pg_catalog.date,
    on_hold      pg_catalog.bool NOT NULL DEFAULT false,
    plan_id      pg_catalog.int8
)
-- Room on each page for a row's next version: a payment, a dispute, a
-- reminder sent change no indexed column, so with room the update is HOT
-- and writes no index entry (three otherwise: id, customer, key).
WITH (fillfactor = 90);
COMMENT ON TABLE ar_credit.receivable IS
    'the receivables mirror: one row per item of a tracked table (open, disputed, credit, paid, closed), kept by the tracking trigger; the dunning history of each invoice';
COMMENT ON COLUMN ar_credit.receivable.item_key IS 'the item''s key as text, written with fixed settings (DateStyle ISO, TimeZone UTC)';
COMMENT ON COLUMN ar_credit.receivable.amount IS 'open amount in major units; below zero a credit';
COMMENT ON COLUMN ar_credit.receivable.status IS 'the status word the mapping gives (after status_map)';
COMMENT ON COLUMN ar_credit.receivable.class IS 'open, suspended, credit, paid, closed or ignored (ar_credit.item_class)';
COMMENT ON COLUMN ar_credit.receivable.paid_on IS 'the day it was paid: the paid_on mapping, else the day it was seen paid';
COMMENT ON COLUMN ar_credit.receivable.last_level IS 'the highest reminder level sent';
COMMENT ON COLUMN ar_credit.receivable.last_sent_on IS 'the day the last reminder was sent';
COMMENT ON COLUMN ar_credit.receivable.first_amount IS 'the open amount when the item was first seen: what a payment of it weighs';
COMMENT ON COLUMN ar_credit.receivable.prev_class IS 'the class before the last change (a change of class is an event: paid, disputed, reopened)';
COMMENT ON COLUMN ar_credit.receivable.prev_due IS 'the due date before the last change (a due date moved later is a delay)';
COMMENT ON COLUMN ar_credit.receivable.on_hold IS 'an active hold (dispute, hold, promise to pay: ar_credit.dunning_hold) suspends its dunning';
COMMENT ON COLUMN ar_credit.receivable.plan_id IS 'the payment plan (ar_credit.payment_plan) that replaces its dunning, while one is active';
COMMENT ON COLUMN ar_credit.receivable.gone IS 'the row left the table (deleted, truncated, untracked): history only; a key reused later starts afresh';
CREATE UNIQUE INDEX receivable_key ON ar_credit.receivable (source, item_key) WHERE NOT gone;
SELECT pg_catalog.pg_extension_config_dump('ar_credit.receivable', '');
SELECT pg_catalog.pg_extension_config_dump(pg_catalog.pg_get_serial_sequence('ar_credit.receivable', 'id'), '');

-- Payments, as the tracking trigger sees them (SPEC section 8): one row per
-- invoice that closed as paid, or was first seen paid with its payment date.
CREATE TABLE ar_credit.payment_event (
    id            pg_catalog.int8 GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    source        pg_catalog.regclass NOT NULL,
    invoice_key   pg_catalog.text NOT NULL,
    customer_key  pg_catalog.text,
    amount        pg_catalog.numeric,
    due_date      pg_catalog.date NOT NULL,
    paid_on       pg_catalog.date NOT NULL,
    days_late     pg_catalog.int4 NOT NULL,
    currency      pg_catalog.text,
    receivable_id pg_catalog.int8,
    recorded_at   pg_catalog.timestamptz NOT NULL DEFAULT pg_catalog.now()
);
COMMENT ON TABLE ar_credit.payment_event IS
    'payments of tracked invoices: one row per invoice that closed as paid (paid_on from the paid_on mapping, else the day it was seen paid); paydex and avg_days_beyond_terms run on it';
COMMENT ON COLUMN ar_credit.payment_event.amount IS 'the invoice''s open amount when first seen';
COMMENT ON COLUMN ar_credit.payment_event.days_late IS 'paid_on - due_date (negative: paid early)';
CREATE INDEX payment_event_customer ON ar_credit.payment_event (customer_key, paid_on);
SELECT pg_catalog.pg_extension_config_dump('ar_credit.payment_event', '');
SELECT pg_catalog.pg_extension_config_dump(pg_catalog.pg_get_serial_sequence('ar_credit.payment_event', 'id'), '');
-- a role reads the payments of the tables it may read (issue 18)
ALTER TABLE ar_credit.payment_event ENABLE ROW LEVEL SECURITY;
CREATE POLICY payment_event_readable ON ar_credit.payment_event FOR SELECT
    USING (pg_catalog.has_table_privilege(source, 'SELECT'));

-- Alerts on a customer's changing habits (SPEC section 9), raised where the
-- event happens; each is announced with NOTIFY ar_credit_alert (its id).
CREATE TABLE ar_credit.alert (
    id           pg_catalog.int8 GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at           pg_catalog.timestamptz NOT NULL DEFAULT pg_catalog.now(),
    customer_key pg_catalog.text,
    kind         pg_catalog.text NOT NULL
                 CHECK (kind OPERATOR(pg_catalog.=) ANY (ARRAY['first_late_payment', 'paydex_drop', 'due_date_pushed',
                                                               'broken_promise', 'limit_exceeded', 'risk_class_down'])),
    detail       pg_catalog.jsonb,
    acknowledged pg_catalog.bool NOT NULL DEFAULT false,
    source       pg_catalog.regclass,
    invoice_key  pg_catalog.text
);
COMMENT ON TABLE ar_credit.alert IS
    'alerts on customers: first_late_payment, due_date_pushed (raised by the tracking trigger), paydex_drop, risk_class_down, limit_exceeded, broken_promise; NOTIFY ar_credit_alert carries the id';
COMMENT ON COLUMN ar_credit.alert.detail IS 'what happened, as JSON (days late, dates, amounts, ...)';
CREATE INDEX alert_open ON ar_credit.alert (customer_key, at) WHERE NOT acknowledged;
SELECT pg_catalog.pg_extension_config_dump('ar_credit.alert', '');
-- a role reads the alerts about the tables it may read, and those about a
-- customer as a whole (a paydex drop, a limit exceeded) (issue 18)
ALTER TABLE ar_credit.alert ENABLE ROW LEVEL SECURITY;
CREATE POLICY alert_readable ON ar_credit.alert FOR SELECT
    USING (source IS NULL OR pg_catalog.has_table_privilege(source, 'SELECT'));
SELECT pg_catalog.pg_extension_config_dump(pg_catalog.pg_get_serial_sequence('ar_credit.alert', 'id'), '');

-- ---------------------------------------------------------------------
-- the mapping of tracked and related tables
-- ---------------------------------------------------------------------
CREATE TABLE ar_credit.tracked_table (
    relid           pg_catalog.regclass PRIMARY KEY,
    key_column      pg_catalog.text NOT NULL,
    due_column      pg_catalog.text NOT NULL,
    amount_column   pg_catalog.text NOT NULL,
    status_column   pg_catalog.text,
    customer_column pg_catalog.text,
    currency_column pg_catalog.text,
    policy          pg_catalog.text NOT NULL,
    tracked_at      pg_catalog.timestamptz NOT NULL DEFAULT pg_catalog.now(),
    filter          pg_catalog.text,
    status_map      pg_catalog.jsonb,
    amount_unit     pg_catalog.text NOT NULL DEFAULT 'major'
                    CHECK (amount_unit OPERATOR(pg_catalog.=) ANY (ARRAY['major', 'minor'])),
    regime          pg_catalog.text,
    paid_on_column  pg_catalog.text,
    issued_column   pg_catalog.text
);
COMMENT ON TABLE ar_credit.tracked_table IS
    'tables tracked by ar_credit.track() and their mapping: each *_column and filter is a column name or an SQL expression, as text with every other object schema-qualified; renames are followed';
SELECT pg_catalog.pg_extension_config_dump('ar_credit.tracked_table', '');

CREATE TABLE ar_credit.tracked_related (
    related        pg_catalog.regclass NOT NULL,
    invoices       pg_catalog.regclass NOT NULL REFERENCES ar_credit.tracked_table (relid) ON DELETE CASCADE,
    invoice_key    pg_catalog.text NOT NULL,
    filter         pg_catalog.text,
    tracked_column pg_catalog.text,
    linked_at      pg_catalog.timestamptz NOT NULL DEFAULT pg_catalog.now(),
    PRIMARY KEY (related, invoices)
);
COMMENT ON TABLE ar_credit.tracked_related IS
    'tables linked by ar_credit.track_related(): a change of a related row re-evaluates the tracked rows whose key (or tracked_column) equals its invoice_key';
SELECT pg_catalog.pg_extension_config_dump('ar_credit.tracked_related', '');

-- the triggers cache the mapping per backend: a change rebuilds every cache
CREATE TRIGGER tracked_table_invalidate
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON ar_credit.tracked_table
    FOR EACH STATEMENT EXECUTE FUNCTION ar_credit.config_cache_invalidate();
CREATE TRIGGER tracked_related_invalidate
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON ar_credit.tracked_related
    FOR EACH STATEMENT EXECUTE FUNCTION ar_credit.config_cache_invalidate();

CREATE OR REPLACE FUNCTION ar_credit.mapping_check(rel pg_catalog.regclass, param pg_catalog.text, expr pg_catalog.text,
                                        kind pg_catalog.text, search_path pg_catalog.text DEFAULT NULL)
RETURNS pg_catalog.text
AS 'MODULE_PATHNAME', 'mapping_check'
LANGUAGE C STABLE PARALLEL RESTRICTED;
COMMENT ON FUNCTION ar_credit.mapping_check(pg_catalog.regclass, pg_catalog.text, pg_catalog.text, pg_catalog.text, pg_catalog.text) IS
    'validates a mapping (a column or an expression over rel''s row) of kind key, date, amount, text or bool, resolving names with search_path; returns its canonical text, every other object schema-qualified; errors name param';

CREATE OR REPLACE FUNCTION ar_credit.mapping_type(rel pg_catalog.regclass, expr pg_catalog.text)
RETURNS pg_catalog.regtype
AS 'MODULE_PATHNAME', 'mapping_type'
LANGUAGE C STABLE STRICT PARALLEL RESTRICTED;
COMMENT ON FUNCTION ar_credit.mapping_type(pg_catalog.regclass, pg_catalog.text) IS
    'the type of a canonical mapping of rel (as mapping_check returns it)';

-- ---------------------------------------------------------------------
-- the triggers
-- ---------------------------------------------------------------------
CREATE OR REPLACE FUNCTION ar_credit.dunning_trigger()
RETURNS trigger
AS 'MODULE_PATHNAME', 'tracking_trigger'
LANGUAGE C;
COMMENT ON FUNCTION ar_credit.dunning_trigger() IS
    'keeps the receivables mirror and the dunning queue in step with a tracked table (mapping from ar_credit.tracked_table, or arguments key=, due=, amount=, status=, customer=, currency=, policy=); attach with ar_credit.track()';

CREATE OR REPLACE FUNCTION ar_credit.related_trigger()
RETURNS trigger
AS 'MODULE_PATHNAME', 'related_trigger'
LANGUAGE C;
COMMENT ON FUNCTION ar_credit.related_trigger() IS
    're-evaluates the tracked rows a related table''s changed rows name; attach with ar_credit.track_related()';

CREATE OR REPLACE FUNCTION ar_credit.dunning_resync(invoices pg_catalog.regclass)
RETURNS pg_catalog.int8
AS 'MODULE_PATHNAME', 'tracking_resync'
LANGUAGE C STRICT;
COMMENT ON FUNCTION ar_credit.dunning_resync(pg_catalog.regclass) IS
    'brings the receivables and reminders of a tracked table in step with its rows (called by track); returns the receivables written';

CREATE OR REPLACE FUNCTION ar_credit.owner_call(action pg_catalog.text, rel pg_catalog.regclass, other pg_catalog.regclass,
                                     args pg_catalog.jsonb)
RETURNS void
AS 'MODULE_PATHNAME', 'owner_call'
LANGUAGE C;
COMMENT ON FUNCTION ar_credit.owner_call(pg_catalog.text, pg_catalog.regclass, pg_catalog.regclass, pg_catalog.jsonb) IS
    'runs ar_credit.<action>_internal as the extension''s owner once the caller is found to own the tables (track, untrack, track_related, untrack_related)';

-- the tables a tracked table's rows may be written through: itself, and its
-- partitions and inheritance children (writes straight into them fire their
-- own statement triggers only)
CREATE OR REPLACE FUNCTION ar_credit.tracked_family(invoices pg_catalog.regclass)
RETURNS SETOF pg_catalog.regclass
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
    WITH RECURSIVE f(relid) AS (
        SELECT invoices::pg_catalog.oid
        UNION
        SELECT i.inhrelid FROM pg_catalog.pg_inherits AS i JOIN f ON i.inhparent OPERATOR(pg_catalog.=) f.relid)
    SELECT f.relid::pg_catalog.regclass FROM f
$$;
COMMENT ON FUNCTION ar_credit.tracked_family(pg_catalog.regclass) IS
    'a table and its partitions and inheritance children, at every depth';

CREATE OR REPLACE FUNCTION ar_credit.drop_dunning_triggers(invoices pg_catalog.regclass)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    tg record;
BEGIN
    FOR tg IN SELECT t.tgname, t.tgrelid::pg_catalog.regclass AS rel FROM pg_catalog.pg_trigger AS t
               WHERE t.tgrelid IN (SELECT ar_credit.tracked_family(invoices))
                 AND t.tgname IN ('ar_credit_dunning_ins', 'ar_credit_dunning_upd', 'ar_credit_dunning_del',
                                  'ar_credit_dunning_trunc', 'ar_credit_dunning_row')
                 AND NOT t.tgisinternal AND t.tgparentid = 0
    LOOP
        EXECUTE pg_catalog.format('DROP TRIGGER %I ON %s', tg.tgname, tg.rel);
    END LOOP;
END
$$;
COMMENT ON FUNCTION ar_credit.drop_dunning_triggers(pg_catalog.regclass) IS
    'drops the dunning triggers track() attached to a table and its partitions or children';

-- Statement triggers with transition tables on the table and on each of its
-- partitions and children, so a write lands once wherever it is aimed; a
-- row trigger enabled for replication only, so that a logical-replication
-- subscriber's apply worker (which fires row triggers only) is followed
-- too; TRUNCATE enabled always.
CREATE OR REPLACE FUNCTION ar_credit.attach_triggers(rel pg_catalog.regclass, fn pg_catalog.text, prefix pg_catalog.text)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    part record;
    tg record;
BEGIN
    FOR part IN SELECT f AS rel, c.relkind, c.relispartition
                  FROM ar_credit.tracked_family(rel) AS f
                  JOIN pg_catalog.pg_class AS c ON c.oid OPERATOR(pg_catalog.=) f::pg_catalog.oid
    LOOP
        IF part.relkind NOT IN ('r', 'p') THEN
            CONTINUE;
        END IF;
        FOR tg IN SELECT t.tgname FROM pg_catalog.pg_trigger AS t
                   WHERE t.tgrelid OPERATOR(pg_catalog.=) part.rel::pg_catalog.oid AND t.tgparentid = 0
                     AND t.tgname IN (prefix || '_ins', prefix || '_upd', prefix || '_del', prefix || '_trunc', prefix || '_row')
        LOOP
            EXECUTE pg_catalog.format('DROP TRIGGER %I ON %s', tg.tgname, part.rel);
        END LOOP;
        EXECUTE pg_catalog.format('CREATE TRIGGER %I AFTER INSERT ON %s REFERENCING NEW TABLE AS ar_credit_new'
                                  ' FOR EACH STATEMENT EXECUTE FUNCTION %s()', prefix || '_ins', part.rel, fn);
        EXECUTE pg_catalog.format('CREATE TRIGGER %I AFTER UPDATE ON %s'
                                  ' REFERENCING OLD TABLE AS ar_credit_old NEW TABLE AS ar_credit_new'
                                  ' FOR EACH STATEMENT EXECUTE FUNCTION %s()', prefix || '_upd', part.rel, fn);
        EXECUTE pg_catalog.format('CREATE TRIGGER %I AFTER DELETE ON %s REFERENCING OLD TABLE AS ar_credit_old'
                                  ' FOR EACH STATEMENT EXECUTE FUNCTION %s()', prefix || '_del', part.rel, fn);
        EXECUTE pg_catalog.format('CREATE TRIGGER %I AFTER TRUNCATE ON %s FOR EACH STATEMENT EXECUTE FUNCTION %s()',
                                  prefix || '_trunc', part.rel, fn);
        EXECUTE pg_catalog.format('ALTER TABLE %s ENABLE ALWAYS TRIGGER %I', part.rel, prefix || '_trunc');
        -- a partition gets the row trigger as a clone of its partitioned table's
        IF NOT part.relispartition THEN
            EXECUTE pg_catalog.format('CREATE TRIGGER %I AFTER INSERT OR UPDATE OR DELETE ON %s'
                                      ' FOR EACH ROW EXECUTE FUNCTION %s()', prefix || '_row', part.rel, fn);
            EXECUTE pg_catalog.format('ALTER TABLE %s ENABLE REPLICA TRIGGER %I', part.rel, prefix || '_row');
        END IF;
    END LOOP;
END
$$;
COMMENT ON FUNCTION ar_credit.attach_triggers(pg_catalog.regclass, pg_catalog.text, pg_catalog.text) IS
    'attaches a tracking function''s triggers to a table and its partitions and children: statement triggers with transition tables, a TRUNCATE trigger enabled always, a row trigger enabled for replication only';

CREATE OR REPLACE FUNCTION ar_credit.attach_dunning_triggers(invoices pg_catalog.regclass)
RETURNS void
LANGUAGE sql
SET search_path = pg_catalog, pg_temp
AS $$ SELECT ar_credit.attach_triggers(invoices, 'ar_credit.dunning_trigger', 'ar_credit_dunning') $$;
COMMENT ON FUNCTION ar_credit.attach_dunning_triggers(pg_catalog.regclass) IS
    'creates the dunning triggers of a tracked table and of its partitions and children (called by track)';

-- ---------------------------------------------------------------------
-- track(), untrack(), track_related(), untrack_related()
-- ---------------------------------------------------------------------
-- The public functions run as the caller and hand over to owner_call() (C),
-- which checks the caller owns the tables and runs the *_internal function
-- as the extension's owner.  track() and track_related() are C too: they
-- pass the caller's search_path along, with which the mappings' names are
-- resolved (then written back qualified).
CREATE OR REPLACE FUNCTION ar_credit.track_internal(invoices pg_catalog.regclass, unused pg_catalog.regclass, args pg_catalog.jsonb)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    rel record;
    sp pg_catalog.text := args ->> 'search_path';
    keys pg_catalog.text;
    m ar_credit.tracked_table;
    pol pg_catalog.text := args ->> 'policy';
    kv record;
BEGIN
    IF args ->> 'due_column' IS NULL OR args ->> 'amount_column' IS NULL OR pol IS NULL THEN
        RAISE EXCEPTION 'invoices, due_column, amount_column and policy must not be NULL' USING ERRCODE = '22004';
    END IF;
    SELECT c.relkind, c.relpersistence INTO rel FROM pg_catalog.pg_class AS c WHERE c.oid = invoices;
    IF rel.relkind NOT IN ('r', 'p') THEN
        RAISE EXCEPTION '"%" is not a table', invoices USING ERRCODE = '42809',
              HINT = CASE WHEN rel.relkind = 'v' THEN 'Track the table itself: mappings may be expressions and a filter selects the rows.' END;
    END IF;
    IF rel.relpersistence = 't' THEN
        RAISE EXCEPTION 'cannot track temporary table %', invoices USING ERRCODE = '0A000',
              DETAIL = 'Its reminders would outlive it: a session''s end drops it without telling anyone.';
    END IF;
    IF rel.relpersistence = 'u' THEN
        RAISE EXCEPTION 'cannot track unlogged table %', invoices USING ERRCODE = '0A000',
              DETAIL = 'A crash empties it but would leave its receivables and reminders behind.',
              HINT = pg_catalog.format('ALTER TABLE %s SET LOGGED, then track it.', invoices);
    END IF;
    -- Citus: a table it manages (distributed, reference, or local) is written on
    -- several nodes, the queue lives on one (doc/scale-out.md)
    IF pg_catalog.to_regclass('pg_catalog.pg_dist_partition') IS NOT NULL THEN
        EXECUTE 'SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_dist_partition WHERE logicalrelid OPERATOR(pg_catalog.=) $1)'
           INTO kv USING invoices;
        IF kv.exists THEN
            RAISE EXCEPTION 'cannot track "%": it is a Citus distributed table', invoices USING ERRCODE = '0A000',
                  DETAIL = 'The dunning queue lives on one node; the reminders of rows spread over several nodes would be queued and cancelled on different nodes.',
                  HINT = 'Track a table that is not distributed (see doc/scale-out.md).';
        END IF;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM ar_credit.dunning_step AS s WHERE s.policy = pol) THEN
        RAISE EXCEPTION 'unknown dunning policy: "%"', ar_credit.clip(pol) USING ERRCODE = '22023',
              HINT = 'Policies are the rows of ar_credit.dunning_step (shipped: standard, strict).';
    END IF;

    -- the key: the given column or expression, or the primary key
    keys := args ->> 'key_column';
    IF keys IS NULL THEN
        SELECT CASE WHEN pg_catalog.count(*) > 1
                    THEN 'ROW(' || pg_catalog.string_agg(pg_catalog.quote_ident(a.attname), ', ' ORDER BY k.ord) || ')'
                    ELSE pg_catalog.max(pg_catalog.quote_ident(a.attname)) END INTO keys
          FROM pg_catalog.pg_index AS i,
               LATERAL pg_catalog.unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
          JOIN pg_catalog.pg_attribute AS a ON a.attrelid = invoices AND a.attnum = k.attnum
         WHERE i.indrelid = invoices AND i.indisprimary;
        IF keys IS NULL THEN
            RAISE EXCEPTION 'table % has no primary key; name its key column', invoices USING ERRCODE = '22023';
        END IF;
    END IF;

    -- every mapping analysed and type-checked before anything is created
    m.relid := invoices;
    m.key_column := ar_credit.mapping_check(invoices, 'key_column', keys, 'key', sp);
    m.due_column := ar_credit.mapping_check(invoices, 'due_column', args ->> 'due_column', 'date', sp);
    m.amount_column := ar_credit.mapping_check(invoices, 'amount_column', args ->> 'amount_column', 'amount', sp);
    m.status_column := ar_credit.mapping_check(invoices, 'status_column', args ->> 'status_column', 'text', sp);
    m.customer_column := ar_credit.mapping_check(invoices, 'customer_column', args ->> 'customer_column', 'text', sp);
    m.currency_column := ar_credit.mapping_check(invoices, 'currency_column', args ->> 'currency_column', 'text', sp);
    m.filter := ar_credit.mapping_check(invoices, 'filter', args ->> 'filter', 'bool', sp);
    m.paid_on_column := ar_credit.mapping_check(invoices, 'paid_on_column', args ->> 'paid_on_column', 'date', sp);
    m.issued_column := ar_credit.mapping_check(invoices, 'issued_column', args ->> 'issued_column', 'date', sp);
    m.policy := pol;
    m.tracked_at := pg_catalog.now();
    m.amount_unit := COALESCE(args ->> 'amount_unit', 'major');
    IF m.amount_unit NOT IN ('major', 'minor') THEN
        RAISE EXCEPTION 'invalid amount_unit: "%"', ar_credit.clip(m.amount_unit) USING ERRCODE = '22023',
              HINT = 'amount_unit is major (amounts in currency units) or minor (in cents: divided by 10^ISO 4217 exponent).';
    END IF;
    m.regime := args ->> 'regime';
    IF m.regime IS NOT NULL AND NOT EXISTS (SELECT 1 FROM ar_credit.interest_regime AS r WHERE r.regime = m.regime) THEN
        RAISE EXCEPTION 'unknown interest regime: "%"', ar_credit.clip(m.regime) USING ERRCODE = '22023',
              HINT = 'Regimes are the rows of ar_credit.interest_regime (FR_B2B, DE_B2B, UK_B2B, ...).';
    END IF;
    m.status_map := (args ->> 'status_map')::pg_catalog.jsonb;
    IF m.status_map IS NOT NULL THEN
        IF pg_catalog.jsonb_typeof(m.status_map) <> 'object' THEN
            RAISE EXCEPTION 'status_map must be a JSON object, not %', ar_credit.clip(m.status_map::pg_catalog.text)
                  USING ERRCODE = '22023', HINT = 'For example {"0": "ignored", "1": "open", "2": "paid"}.';
        END IF;
        IF m.status_column IS NULL THEN
            RAISE EXCEPTION 'status_map needs a status_column' USING ERRCODE = '22023';
        END IF;
        FOR kv IN SELECT e.key, e.value FROM pg_catalog.jsonb_each(m.status_map) AS e LOOP
            IF pg_catalog.jsonb_typeof(kv.value) <> 'string'
               OR NOT ar_credit.is_status_word(kv.value #>> '{}') THEN
                RAISE EXCEPTION 'status_map maps "%" to %, which is no class', ar_credit.clip(kv.key),
                      ar_credit.clip(kv.value::pg_catalog.text) USING ERRCODE = '22023',
                      HINT = 'Map each status to a class (open, closed, suspended, ignored) or a status word (paid, cancelled, disputed, draft, ...).';
            END IF;
        END LOOP;
    END IF;

    INSERT INTO ar_credit.tracked_table AS t
    SELECT m.* ON CONFLICT (relid) DO UPDATE
       SET key_column = EXCLUDED.key_column, due_column = EXCLUDED.due_column,
           amount_column = EXCLUDED.amount_column, status_column = EXCLUDED.status_column,
           customer_column = EXCLUDED.customer_column, currency_column = EXCLUDED.currency_column,
           policy = EXCLUDED.policy, tracked_at = pg_catalog.now(), filter = EXCLUDED.filter,
           status_map = EXCLUDED.status_map, amount_unit = EXCLUDED.amount_unit, regime = EXCLUDED.regime,
           paid_on_column = EXCLUDED.paid_on_column, issued_column = EXCLUDED.issued_column;

    -- tracking again replaces the triggers; then the rows already there
    PERFORM ar_credit.attach_dunning_triggers(invoices);
    PERFORM ar_credit.dunning_resync(invoices);
END
$$;
COMMENT ON FUNCTION ar_credit.track_internal(pg_catalog.regclass, pg_catalog.regclass, pg_catalog.jsonb) IS
    'the work of track(), run as the extension''s owner by owner_call()';

CREATE OR REPLACE FUNCTION ar_credit.track(invoices pg_catalog.regclass, key_column pg_catalog.text,
                                due_column pg_catalog.text, amount_column pg_catalog.text,
                                status_column pg_catalog.text DEFAULT NULL,
                                customer_column pg_catalog.text DEFAULT NULL,
                                currency_column pg_catalog.text DEFAULT NULL,
                                policy pg_catalog.text DEFAULT 'standard',
                                filter pg_catalog.text DEFAULT NULL,
                                status_map pg_catalog.jsonb DEFAULT NULL,
                                amount_unit pg_catalog.text DEFAULT 'major',
                                regime pg_catalog.text DEFAULT NULL,
                                paid_on_column pg_catalog.text DEFAULT NULL,
                                issued_column pg_catalog.text DEFAULT NULL)
RETURNS void
AS 'MODULE_PATHNAME', 'track_entry'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION ar_credit.track(pg_catalog.regclass, pg_catalog.text, pg_catalog.text, pg_catalog.text, pg_catalog.text, pg_catalog.text, pg_catalog.text, pg_catalog.text, pg_catalog.text, pg_catalog.jsonb, pg_catalog.text, pg_catalog.text, pg_catalog.text, pg_catalog.text) IS
    'tracks an invoices table exactly as it is: each mapping is a column or an SQL expression over its row (key_column NULL = the primary key), filter selects the receivables, status_map classes the statuses; attaches the triggers and mirrors the existing rows; callable by the table''s owner';

CREATE OR REPLACE FUNCTION ar_credit.untrack_internal(invoices pg_catalog.regclass, unused pg_catalog.regclass, args pg_catalog.jsonb)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    r record;
BEGIN
    FOR r IN SELECT l.related FROM ar_credit.tracked_related AS l WHERE l.invoices = untrack_internal.invoices LOOP
        PERFORM ar_credit.untrack_related_internal(r.related, invoices, NULL);
    END LOOP;
    PERFORM ar_credit.drop_dunning_triggers(invoices);
    DELETE FROM ar_credit.tracked_table AS t WHERE t.relid = invoices;
    IF NOT FOUND THEN
        RAISE NOTICE 'table % is not tracked', invoices;
    END IF;
    -- receivables become history; the reminders a worker holds are let go
    WITH g AS (UPDATE ar_credit.receivable AS v SET gone = true, updated_at = pg_catalog.now()
                WHERE v.source = invoices AND NOT v.gone RETURNING v.id)
    UPDATE ar_credit.dunning_queue AS q
       SET state = 'cancelled', claimed_until = NULL, updated_at = pg_catalog.now()
      FROM g WHERE q.receivable_id = g.id AND q.state IN ('pending', 'claimed', 'suspended');
END
$$;
COMMENT ON FUNCTION ar_credit.untrack_internal(pg_catalog.regclass, pg_catalog.regclass, pg_catalog.jsonb) IS
    'the work of untrack(), run as the extension''s owner by owner_call()';

CREATE OR REPLACE FUNCTION ar_credit.untrack(invoices pg_catalog.regclass)
RETURNS void
LANGUAGE sql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$ SELECT ar_credit.owner_call('untrack', invoices, NULL, NULL) $$;
COMMENT ON FUNCTION ar_credit.untrack(pg_catalog.regclass) IS
    'stops tracking an invoices table: drops its triggers and links, its receivables become history and its live reminders are cancelled';

CREATE OR REPLACE FUNCTION ar_credit.track_related_internal(related pg_catalog.regclass, invoices pg_catalog.regclass,
                                                 args pg_catalog.jsonb)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    sp pg_catalog.text := args ->> 'search_path';
    t ar_credit.tracked_table;
    l ar_credit.tracked_related;
    kind pg_catalog.char;
BEGIN
    IF args ->> 'invoice_key' IS NULL THEN
        RAISE EXCEPTION 'related, invoices and invoice_key must not be NULL' USING ERRCODE = '22004';
    END IF;
    SELECT * INTO t FROM ar_credit.tracked_table AS x WHERE x.relid = invoices;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'table % is not tracked', invoices USING ERRCODE = '55000',
              HINT = 'Call ar_credit.track() for it first.';
    END IF;
    SELECT c.relkind INTO kind FROM pg_catalog.pg_class AS c WHERE c.oid = related;
    IF kind NOT IN ('r', 'p') THEN
        RAISE EXCEPTION '"%" is not a table', related USING ERRCODE = '42809';
    END IF;
    IF related = invoices THEN
        RAISE EXCEPTION 'a table cannot be related to itself' USING ERRCODE = '22023',
              HINT = 'Its own changes are followed already; map the amount with an expression.';
    END IF;
    l.related := related;
    l.invoices := invoices;
    l.invoice_key := ar_credit.mapping_check(related, 'invoice_key', args ->> 'invoice_key', 'key', sp);
    l.filter := ar_credit.mapping_check(related, 'filter', args ->> 'filter', 'bool', sp);
    l.tracked_column := ar_credit.mapping_check(invoices, 'tracked_column', args ->> 'tracked_column', 'key', sp);
    -- the two sides must compare
    BEGIN
        EXECUTE pg_catalog.format('SELECT NULL::%s = NULL::%s',
                                  ar_credit.mapping_type(related, l.invoice_key),
                                  ar_credit.mapping_type(invoices, COALESCE(l.tracked_column, t.key_column)));
    EXCEPTION WHEN undefined_function THEN
        RAISE EXCEPTION 'invoice_key of % (%) cannot be compared with % of % (%)', related,
              ar_credit.mapping_type(related, l.invoice_key),
              CASE WHEN l.tracked_column IS NULL THEN 'the key' ELSE 'tracked_column' END, invoices,
              ar_credit.mapping_type(invoices, COALESCE(l.tracked_column, t.key_column))
              USING ERRCODE = '42883', HINT = 'Cast one side in its expression.';
    END;
    INSERT INTO ar_credit.tracked_related AS x (related, invoices, invoice_key, filter, tracked_column)
    VALUES (l.related, l.invoices, l.invoice_key, l.filter, l.tracked_column)
    ON CONFLICT ON CONSTRAINT tracked_related_pkey DO UPDATE
       SET invoice_key = EXCLUDED.invoice_key, filter = EXCLUDED.filter,
           tracked_column = EXCLUDED.tracked_column, linked_at = pg_catalog.now();
    PERFORM ar_credit.attach_triggers(related, 'ar_credit.related_trigger', 'ar_credit_related');
    -- what the related rows already say
    PERFORM ar_credit.dunning_resync(invoices);
END
$$;
COMMENT ON FUNCTION ar_credit.track_related_internal(pg_catalog.regclass, pg_catalog.regclass, pg_catalog.jsonb) IS
    'the work of track_related(), run as the extension''s owner by owner_call()';

CREATE OR REPLACE FUNCTION ar_credit.track_related(related pg_catalog.regclass, invoices pg_catalog.regclass,
                                        invoice_key pg_catalog.text, filter pg_catalog.text DEFAULT NULL,
                                        tracked_column pg_catalog.text DEFAULT NULL)
RETURNS void
AS 'MODULE_PATHNAME', 'track_related_entry'
LANGUAGE C VOLATILE;
COMMENT ON FUNCTION ar_credit.track_related(pg_catalog.regclass, pg_catalog.regclass, pg_catalog.text, pg_catalog.text, pg_catalog.text) IS
    'every change of related (payments, credit notes, lines) re-evaluates, in the same transaction, the tracked invoices whose key (or tracked_column) equals invoice_key, an expression over the related row';

CREATE OR REPLACE FUNCTION ar_credit.untrack_related_internal(related pg_catalog.regclass, invoices pg_catalog.regclass,
                                                   args pg_catalog.jsonb)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    tg record;
BEGIN
    DELETE FROM ar_credit.tracked_related AS l WHERE l.related = untrack_related_internal.related
       AND l.invoices = untrack_related_internal.invoices;
    IF NOT FOUND THEN
        RAISE NOTICE 'table % is not linked to %', related, invoices;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM ar_credit.tracked_related AS l WHERE l.related = untrack_related_internal.related) THEN
        FOR tg IN SELECT t.tgname, t.tgrelid::pg_catalog.regclass AS rel FROM pg_catalog.pg_trigger AS t
                   WHERE t.tgrelid IN (SELECT ar_credit.tracked_family(related))
                     AND t.tgname LIKE 'ar\_credit\_related\_%' AND NOT t.tgisinternal AND t.tgparentid = 0
        LOOP
            EXECUTE pg_catalog.format('DROP TRIGGER %I ON %s', tg.tgname, tg.rel);
        END LOOP;
    END IF;
END
$$;
COMMENT ON FUNCTION ar_credit.untrack_related_internal(pg_catalog.regclass, pg_catalog.regclass, pg_catalog.jsonb) IS
    'the work of untrack_related(), run as the extension''s owner by owner_call()';

CREATE OR REPLACE FUNCTION ar_credit.untrack_related(related pg_catalog.regclass, invoices pg_catalog.regclass)
RETURNS void
LANGUAGE sql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$ SELECT ar_credit.owner_call('untrack_related', related, invoices, NULL) $$;
COMMENT ON FUNCTION ar_credit.untrack_related(pg_catalog.regclass, pg_catalog.regclass) IS
    'removes the link track_related() made; the related table''s triggers go with its last link';

-- ---------------------------------------------------------------------
-- schema changes of tracked tables (event triggers)
-- ---------------------------------------------------------------------
-- A dropped table's rows name an OID a later table may reuse, so they go
-- with it.  SECURITY DEFINER: the owner dropping their table may hold no
-- rights on ar_credit's tables; the function acts only on the OIDs
-- PostgreSQL reports as dropped and cannot be called directly.
CREATE OR REPLACE FUNCTION ar_credit.on_sql_drop()
RETURNS event_trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    dropped pg_catalog.oid[];
    n_tables pg_catalog.int4;
    n_rows pg_catalog.int8;
    l record;
BEGIN
    IF ar_credit.ddl_guard(false) THEN
        PERFORM ar_credit.ddl_guard(true);
        RETURN;
    END IF;
    SELECT pg_catalog.array_agg(d.objid) INTO dropped
      FROM pg_catalog.pg_event_trigger_dropped_objects() AS d
     WHERE d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.objsubid = 0
       AND d.object_type IN ('table', 'foreign table');
    IF dropped IS NULL THEN
        PERFORM ar_credit.check_mappings('DROP');
        RETURN;
    END IF;
    -- links from a dropped tracked table: the related tables keep no trigger for it
    FOR l IN SELECT r.related, r.invoices FROM ar_credit.tracked_related AS r
              WHERE r.invoices::pg_catalog.oid OPERATOR(pg_catalog.=) ANY (dropped)
                AND NOT r.related::pg_catalog.oid OPERATOR(pg_catalog.=) ANY (dropped)
    LOOP
        PERFORM ar_credit.untrack_related_internal(l.related, l.invoices, NULL);
    END LOOP;
    DELETE FROM ar_credit.tracked_related AS r
     WHERE r.related::pg_catalog.oid OPERATOR(pg_catalog.=) ANY (dropped)
        OR r.invoices::pg_catalog.oid OPERATOR(pg_catalog.=) ANY (dropped);
    DELETE FROM ar_credit.tracked_table AS t WHERE t.relid::pg_catalog.oid OPERATOR(pg_catalog.=) ANY (dropped);
    GET DIAGNOSTICS n_tables = ROW_COUNT;
    DELETE FROM ar_credit.dunning_queue AS q WHERE q.source::pg_catalog.oid OPERATOR(pg_catalog.=) ANY (dropped);
    GET DIAGNOSTICS n_rows = ROW_COUNT;
    DELETE FROM ar_credit.receivable AS v WHERE v.source::pg_catalog.oid OPERATOR(pg_catalog.=) ANY (dropped);
    IF n_tables > 0 OR n_rows > 0 THEN
        RAISE NOTICE 'ar_credit: stopped tracking % dropped table(s) and removed % queue row(s)', n_tables, n_rows;
    END IF;
    PERFORM ar_credit.check_mappings('DROP');
END
$$;
COMMENT ON FUNCTION ar_credit.on_sql_drop() IS
    'event trigger: forgets the tracking, receivables and queue rows of dropped tables; refuses to drop what a mapping reads';

-- Every stored mapping must still compile after a schema change: dropping or
-- retyping what one reads would make every later write to the user's table
-- fail in the trigger; refuse the change instead, with the way out.
CREATE OR REPLACE FUNCTION ar_credit.check_mappings(command pg_catalog.text)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    m record;
    kind pg_catalog.text;
BEGIN
    FOR m IN
        SELECT t.relid AS rel, t.relid AS tracked, x.col, x.expr, x.kind
          FROM ar_credit.tracked_table AS t,
               LATERAL (VALUES ('key_column', t.key_column, 'key'), ('due_column', t.due_column, 'date'),
                               ('amount_column', t.amount_column, 'amount'), ('status_column', t.status_column, 'text'),
                               ('customer_column', t.customer_column, 'text'), ('currency_column', t.currency_column, 'text'),
                               ('filter', t.filter, 'bool'), ('paid_on_column', t.paid_on_column, 'date'),
                               ('issued_column', t.issued_column, 'date')) AS x(col, expr, kind)
         WHERE x.expr IS NOT NULL
        UNION ALL
        SELECT CASE WHEN x.col = 'tracked_column' THEN r.invoices ELSE r.related END, r.invoices, x.col, x.expr, x.kind
          FROM ar_credit.tracked_related AS r,
               LATERAL (VALUES ('invoice_key', r.invoice_key, 'key'), ('filter', r.filter, 'bool'),
                               ('tracked_column', r.tracked_column, 'key')) AS x(col, expr, kind)
         WHERE x.expr IS NOT NULL
    LOOP
        BEGIN
            PERFORM ar_credit.mapping_check(m.rel, m.col, m.expr, m.kind);
        EXCEPTION WHEN OTHERS THEN
            RAISE EXCEPTION '% would break the ar_credit mapping of table %', command, m.tracked
                  USING ERRCODE = '2BP01',
                        DETAIL = pg_catalog.format('Its %s %s no longer compiles: %s', m.col,
                                                   ar_credit.clip(m.expr), SQLERRM),
                        HINT = pg_catalog.format('Call ar_credit.untrack(%L) first, change the table, then ar_credit.track() it with the new mapping.',
                                                 m.tracked::pg_catalog.text);
        END;
    END LOOP;
END
$$;
COMMENT ON FUNCTION ar_credit.check_mappings(pg_catalog.text) IS
    'raises 2BP01 when a stored mapping no longer compiles (a column it reads was dropped or retyped)';

CREATE OR REPLACE FUNCTION ar_credit.ddl_guard(busy pg_catalog.bool)
RETURNS pg_catalog.bool
AS 'MODULE_PATHNAME', 'ddl_guard'
LANGUAGE C STRICT;
COMMENT ON FUNCTION ar_credit.ddl_guard(pg_catalog.bool) IS
    'sets whether ar_credit itself is running DDL (its event triggers then stand aside) and returns what it was; reset at transaction end';

CREATE OR REPLACE FUNCTION ar_credit.mapping_stash()
RETURNS event_trigger
AS 'MODULE_PATHNAME', 'mapping_stash'
LANGUAGE C;
COMMENT ON FUNCTION ar_credit.mapping_stash() IS
    'event trigger (ddl_command_start of renames): analyses the stored mappings while their names still resolve';

CREATE OR REPLACE FUNCTION ar_credit.mapping_follow()
RETURNS pg_catalog.int4
AS 'MODULE_PATHNAME', 'mapping_follow'
LANGUAGE C;
COMMENT ON FUNCTION ar_credit.mapping_follow() IS
    'writes the mappings mapping_stash() analysed back as text with the names they have now (after a rename); returns how many changed';

-- After DDL: renames followed, mappings checked, new partitions or children
-- of tracked tables given the triggers, and tracked tables whose family
-- changed (ATTACH / DETACH PARTITION, INHERIT) brought in step.
CREATE OR REPLACE FUNCTION ar_credit.on_ddl_command_end()
RETURNS event_trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    t record;
BEGIN
    -- ar_credit's own DDL (attaching triggers) is not checked again
    IF ar_credit.ddl_guard(true) THEN
        RETURN;
    END IF;
    PERFORM ar_credit.mapping_follow();
    IF NOT EXISTS (SELECT 1 FROM ar_credit.tracked_table) THEN
        PERFORM ar_credit.ddl_guard(false);
        RETURN;
    END IF;
    PERFORM ar_credit.check_mappings(TG_TAG);
    -- the tracked tables whose family lacks a trigger (a new partition or
    -- child); only once the table itself has its triggers: while pg_restore
    -- runs, they come after the tables, and it creates them itself
    FOR t IN
        SELECT x.relid FROM ar_credit.tracked_table AS x
         WHERE EXISTS (SELECT 1 FROM pg_catalog.pg_trigger AS g
                        WHERE g.tgrelid OPERATOR(pg_catalog.=) x.relid::pg_catalog.oid
                          AND g.tgname = 'ar_credit_dunning_ins')
           AND EXISTS (SELECT 1 FROM ar_credit.tracked_family(x.relid) AS f
                        JOIN pg_catalog.pg_class AS c ON c.oid OPERATOR(pg_catalog.=) f::pg_catalog.oid
                       WHERE c.relkind IN ('r', 'p')
                         AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_trigger AS g
                                          WHERE g.tgrelid OPERATOR(pg_catalog.=) f::pg_catalog.oid
                                            AND g.tgname = 'ar_credit_dunning_ins'))
    LOOP
        PERFORM ar_credit.attach_dunning_triggers(t.relid);
        PERFORM ar_credit.dunning_resync(t.relid);
    END LOOP;
    -- detached partitions and former children keep no tracking trigger
    FOR t IN
        SELECT DISTINCT g.tgrelid::pg_catalog.regclass AS rel
          FROM pg_catalog.pg_trigger AS g
         WHERE g.tgname = 'ar_credit_dunning_ins' AND NOT g.tgisinternal
           AND NOT EXISTS (SELECT 1 FROM ar_credit.tracked_table AS x
                            WHERE g.tgrelid::pg_catalog.regclass IN (SELECT ar_credit.tracked_family(x.relid)))
    LOOP
        PERFORM ar_credit.drop_dunning_triggers(t.rel);
        -- its former family: receivables of its rows are no longer there
        FOR t IN SELECT x.relid FROM ar_credit.tracked_table AS x LOOP
            PERFORM ar_credit.dunning_resync(t.relid);
        END LOOP;
    END LOOP;
    PERFORM ar_credit.ddl_guard(false);
EXCEPTION WHEN OTHERS THEN
    PERFORM ar_credit.ddl_guard(false);
    RAISE;
END
$$;
COMMENT ON FUNCTION ar_credit.on_ddl_command_end() IS
    'event trigger: follows renames in stored mappings, refuses changes that break one, gives new partitions and children the triggers, resynchronises after ATTACH or DETACH';

CREATE EVENT TRIGGER ar_credit_sql_drop ON sql_drop
    EXECUTE FUNCTION ar_credit.on_sql_drop();
CREATE EVENT TRIGGER ar_credit_ddl_command_start ON ddl_command_start
    WHEN TAG IN ('ALTER TABLE', 'ALTER SCHEMA', 'ALTER FUNCTION', 'ALTER TYPE', 'ALTER DOMAIN')
    EXECUTE FUNCTION ar_credit.mapping_stash();
CREATE EVENT TRIGGER ar_credit_ddl_command_end ON ddl_command_end
    WHEN TAG IN ('ALTER TABLE', 'ALTER SCHEMA', 'ALTER FUNCTION', 'ALTER TYPE', 'ALTER DOMAIN', 'CREATE TABLE')
    EXECUTE FUNCTION ar_credit.on_ddl_command_end();

-- ---------------------------------------------------------------------
-- views of open receivables (BI tools)
-- ---------------------------------------------------------------------
-- security_barrier: a leaky function in a reader's WHERE clause sees only the
-- rows the view shows (issue 18)
CREATE VIEW ar_credit.open_invoices WITH (security_barrier) AS
SELECT ar_credit.qualified_name(r.source) AS source, r.item_key AS invoice_key, r.customer_key, r.currency,
       r.due_date, r.amount AS amount_due,
       CURRENT_DATE - CASE WHEN pg_catalog.isfinite(r.due_date) THEN r.due_date ELSE CURRENT_DATE END AS days_past_due,
       ar_credit.aging_bucket(CASE WHEN pg_catalog.isfinite(r.due_date) THEN r.due_date ELSE CURRENT_DATE END,
                              CURRENT_DATE) AS aging_bucket,
       ar_credit.aging_bucket_no(CASE WHEN pg_catalog.isfinite(r.due_date) THEN r.due_date ELSE CURRENT_DATE END,
                                 CURRENT_DATE) AS aging_bucket_no,
       r.class AS status, q.level AS next_level, q.channel AS next_channel, q.remind_on AS next_remind_on
  FROM ar_credit.receivable AS r
  LEFT JOIN ar_credit.dunning_queue AS q
         ON q.receivable_id = r.id AND q.state IN ('pending', 'claimed', 'suspended')
 WHERE NOT r.gone AND r.class IN ('open', 'suspended', 'credit')
   -- a role sees the items of the tables it may read (issue 18)
   AND pg_catalog.has_table_privilege(r.source, 'SELECT');
COMMENT ON VIEW ar_credit.open_invoices IS
    'open, disputed and credit items of the tracked tables the querying role may read, with their next reminder (credits as negative amounts, so balances net)';

CREATE VIEW ar_credit.aging_report WITH (security_barrier) AS
SELECT o.source, o.customer_key, o.currency,
       COALESCE(pg_catalog.sum(o.amount_due) FILTER (WHERE o.aging_bucket_no = 0), 0) AS current,
       COALESCE(pg_catalog.sum(o.amount_due) FILTER (WHERE o.aging_bucket_no = 1), 0) AS d1_30,
       COALESCE(pg_catalog.sum(o.amount_due) FILTER (WHERE o.aging_bucket_no = 2), 0) AS d31_60,
       COALESCE(pg_catalog.sum(o.amount_due) FILTER (WHERE o.aging_bucket_no = 3), 0) AS d61_90,
       COALESCE(pg_catalog.sum(o.amount_due) FILTER (WHERE o.aging_bucket_no = 4), 0) AS over_90,
       COALESCE(pg_catalog.sum(o.amount_due), 0) AS total
  FROM ar_credit.open_invoices AS o
 GROUP BY o.source, o.customer_key, o.currency;
COMMENT ON VIEW ar_credit.aging_report IS 'amount owed per tracked table (those the querying role may read), customer and currency by aging bucket, credits netted';

COMMENT ON COLUMN ar_credit.open_invoices.source IS 'tracked invoices table, schema-qualified (public.invoice)';
COMMENT ON COLUMN ar_credit.open_invoices.invoice_key IS 'invoice key (composite keys as a row literal)';
COMMENT ON COLUMN ar_credit.open_invoices.customer_key IS 'customer, or NULL';
COMMENT ON COLUMN ar_credit.open_invoices.currency IS 'currency, or NULL';
COMMENT ON COLUMN ar_credit.open_invoices.due_date IS 'invoice due date (NULL for a credit without one)';
COMMENT ON COLUMN ar_credit.open_invoices.amount_due IS 'open balance of the invoice; negative for a credit';
COMMENT ON COLUMN ar_credit.open_invoices.days_past_due IS 'current_date - due_date (negative: not yet due; 0 without a due date)';
COMMENT ON COLUMN ar_credit.open_invoices.aging_bucket IS 'aging_bucket(due_date, current_date): current, 1-30, 31-60, 61-90, >90';
COMMENT ON COLUMN ar_credit.open_invoices.aging_bucket_no IS 'the bucket as a number that sorts in aging order: 0 current, 1 1-30, 2 31-60, 3 61-90, 4 >90';
COMMENT ON COLUMN ar_credit.open_invoices.status IS 'open, suspended (disputed, on hold) or credit';
COMMENT ON COLUMN ar_credit.open_invoices.next_level IS 'level of the live reminder, NULL when none is left';
COMMENT ON COLUMN ar_credit.open_invoices.next_channel IS 'channel of the live reminder';
COMMENT ON COLUMN ar_credit.open_invoices.next_remind_on IS 'date of the live reminder';
COMMENT ON COLUMN ar_credit.aging_report.source IS 'tracked invoices table, schema-qualified (public.invoice)';
COMMENT ON COLUMN ar_credit.aging_report.customer_key IS 'customer, or NULL';
COMMENT ON COLUMN ar_credit.aging_report.currency IS 'currency, or NULL: never add amounts across currencies';
COMMENT ON COLUMN ar_credit.aging_report.current IS 'amount not yet due (days past due <= 0)';
COMMENT ON COLUMN ar_credit.aging_report.d1_30 IS 'amount 1 to 30 days past due';
COMMENT ON COLUMN ar_credit.aging_report.d31_60 IS 'amount 31 to 60 days past due';
COMMENT ON COLUMN ar_credit.aging_report.d61_90 IS 'amount 61 to 90 days past due';
COMMENT ON COLUMN ar_credit.aging_report.over_90 IS 'amount more than 90 days past due';
COMMENT ON COLUMN ar_credit.aging_report.total IS 'total open amount (sum of the buckets), credits netted';

-- ---------------------------------------------------------------------
-- privileges: the triggers write as the extension's owner; the table
-- owners call track() and its kin, which check ownership themselves
-- ---------------------------------------------------------------------
REVOKE ALL ON ar_credit.receivable, ar_credit.tracked_table, ar_credit.tracked_related, ar_credit.payment_event,
              ar_credit.alert FROM PUBLIC;
REVOKE ALL ON FUNCTION ar_credit.track_internal(pg_catalog.regclass, pg_catalog.regclass, pg_catalog.jsonb),
                       ar_credit.untrack_internal(pg_catalog.regclass, pg_catalog.regclass, pg_catalog.jsonb),
                       ar_credit.track_related_internal(pg_catalog.regclass, pg_catalog.regclass, pg_catalog.jsonb),
                       ar_credit.untrack_related_internal(pg_catalog.regclass, pg_catalog.regclass, pg_catalog.jsonb),
                       ar_credit.drop_dunning_triggers(pg_catalog.regclass),
                       ar_credit.attach_dunning_triggers(pg_catalog.regclass),
                       ar_credit.attach_triggers(pg_catalog.regclass, pg_catalog.text, pg_catalog.text),
                       ar_credit.tracked_family(pg_catalog.regclass),
                       ar_credit.dunning_resync(pg_catalog.regclass),
                       ar_credit.mapping_check(pg_catalog.regclass, pg_catalog.text, pg_catalog.text, pg_catalog.text, pg_catalog.text),
                       ar_credit.mapping_type(pg_catalog.regclass, pg_catalog.text),
                       ar_credit.check_mappings(pg_catalog.text),
                       ar_credit.mapping_follow(), ar_credit.ddl_guard(pg_catalog.bool),
                       ar_credit.on_sql_drop(), ar_credit.on_ddl_command_end(), ar_credit.mapping_stash()
  FROM PUBLIC;
GRANT SELECT ON ar_credit.open_invoices, ar_credit.aging_report, ar_credit.payment_event, ar_credit.alert
   TO ar_credit_reader, ar_credit_worker;

-- ar_credit install script, section 56: holds on the dunning of one invoice
-- (SPEC section 9): disputes, holds, and promises to pay that break by
-- themselves when their date passes unpaid.
--
-- A hold suspends the invoice's live reminder (receivable.on_hold) until it
-- is released or its date passes.  The date passing needs no scheduler:
-- process_holds(), which claim_reminders() runs before it claims, ends the
-- holds whose date has passed (a promise kept or broken, a hold expired); a
-- scheduler may run it too (pg_cron: doc/ar_credit.md).

CREATE TABLE ar_credit.dunning_hold (
    id              pg_catalog.int8 GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    receivable_id   pg_catalog.int8 NOT NULL,
    source          pg_catalog.regclass NOT NULL,
    invoice_key     pg_catalog.text NOT NULL,
    customer_key    pg_catalog.text,
    kind            pg_catalog.text NOT NULL
                    CHECK (kind OPERATOR(pg_catalog.=) ANY (ARRAY['dispute', 'promise', 'hold'])),
    since           pg_catalog.timestamptz NOT NULL DEFAULT pg_catalog.now(),
    until           pg_catalog.date,
    reason          pg_catalog.text,
    promised_amount pg_catalog.numeric CHECK (promised_amount OPERATOR(pg_catalog.>) 0),
    amount_at_start pg_catalog.numeric,
    state           pg_catalog.text NOT NULL DEFAULT 'active'
                    CHECK (state OPERATOR(pg_catalog.=) ANY (ARRAY['active', 'released', 'kept', 'broken', 'expired'])),
    ended_at        pg_catalog.timestamptz,
    created_by      pg_catalog.text NOT NULL DEFAULT SESSION_USER,
    ended_by        pg_catalog.text,
    CONSTRAINT dunning_hold_promise_dated CHECK (kind OPERATOR(pg_catalog.<>) 'promise' OR until IS NOT NULL)
);
COMMENT ON TABLE ar_credit.dunning_hold IS
    'every hold on an invoice''s dunning: disputes, holds, promises to pay (kept or broken when their date passes)';
COMMENT ON COLUMN ar_credit.dunning_hold.until IS 'the day it ends by itself (a promise: the day the customer promised to pay by); NULL: until released';
COMMENT ON COLUMN ar_credit.dunning_hold.amount_at_start IS 'the open amount when the hold was placed: a promise is kept when the invoice is paid, or the promised amount was paid';
COMMENT ON COLUMN ar_credit.dunning_hold.state IS 'active, released, kept (a promise honoured), broken (a promise not kept by its date), expired (a dated hold or dispute)';
CREATE INDEX dunning_hold_due ON ar_credit.dunning_hold (until) WHERE state = 'active';
CREATE INDEX dunning_hold_receivable ON ar_credit.dunning_hold (receivable_id) WHERE state = 'active';
SELECT pg_catalog.pg_extension_config_dump('ar_credit.dunning_hold', '');
SELECT pg_catalog.pg_extension_config_dump(pg_catalog.pg_get_serial_sequence('ar_credit.dunning_hold', 'id'), '');

-- The live reminders of some receivables, computed again from what they are
-- now (class, hold, levels sent), as the tracking trigger computes them; the
-- receivables must be locked by the caller.  at_once: the next level is due
-- today, whatever the gap since the last one (a broken promise).
CREATE OR REPLACE FUNCTION ar_credit.requeue(ids pg_catalog.int8[], as_of pg_catalog.date, at_once pg_catalog.bool)
RETURNS void
LANGUAGE sql
SET search_path = pg_catalog, pg_temp
AS $$
    WITH c AS MATERIALIZED (
        SELECT r.id, r.source, r.item_key, r.customer_key, r.currency, r.due_date, r.amount, r.class, r.on_hold,
               p.policy,
               CASE WHEN r.class IN ('open', 'suspended') AND NOT r.gone AND r.plan_id IS NULL
                    THEN ar_credit.next_reminder_rec(r.due_date, as_of, r.last_level, p.policy,
                                                     CASE WHEN at_once THEN NULL ELSE r.last_sent_on END, 5, r.amount)
               END AS n
          FROM ar_credit.receivable AS r
          LEFT JOIN ar_credit.tracked_table AS t ON t.relid = r.source
         CROSS JOIN LATERAL (SELECT ar_credit.policy_for(r.customer_key, COALESCE(t.policy, 'standard')) AS policy) AS p
         WHERE r.id = ANY (ids)),
    x AS (
        UPDATE ar_credit.dunning_queue AS q
           SET state = 'cancelled', claimed_until = NULL, updated_at = pg_catalog.now()
          FROM c
         WHERE q.receivable_id = c.id AND q.state IN ('pending', 'claimed', 'suspended') AND c.n IS NULL
           AND NOT EXISTS (SELECT 1 FROM ar_credit.receivable AS r WHERE r.id = c.id AND r.plan_id IS NOT NULL))
    INSERT INTO ar_credit.dunning_queue AS q (receivable_id, source, invoice_key, customer_key, level, channel, label,
                                              remind_on, due_date, amount_due, currency, policy, state)
    SELECT c.id, c.source, c.item_key, c.customer_key, (c.n).level, (c.n).channel, (c.n).label, (c.n).remind_on,
           c.due_date, c.amount, c.currency, c.policy,
           CASE WHEN c.class = 'suspended' OR c.on_hold THEN 'suspended' ELSE 'pending' END
      FROM c WHERE c.n IS NOT NULL
    ON CONFLICT (receivable_id) WHERE state IN ('pending', 'claimed', 'suspended') DO UPDATE
       SET level = CASE WHEN q.state = 'claimed' THEN q.level ELSE EXCLUDED.level END,
           channel = CASE WHEN q.state = 'claimed' THEN q.channel ELSE EXCLUDED.channel END,
           label = CASE WHEN q.state = 'claimed' THEN q.label ELSE EXCLUDED.label END,
           remind_on = CASE WHEN q.state = 'claimed' THEN q.remind_on ELSE EXCLUDED.remind_on END,
           state = CASE WHEN EXCLUDED.state = 'suspended' THEN 'suspended'
                        WHEN q.state = 'claimed'
                          OR (q.claimed_by IS NOT NULL AND q.sent_at IS NULL AND q.claimed_until > pg_catalog.now())
                        THEN 'claimed' ELSE 'pending' END,
           updated_at = pg_catalog.now()
$$;
COMMENT ON FUNCTION ar_credit.requeue(pg_catalog.int8[], pg_catalog.date, pg_catalog.bool) IS
    'recomputes the live reminders of receivables (locked by the caller) from their class, hold and levels sent; those under a payment plan are plan_requeue''s';

CREATE OR REPLACE FUNCTION ar_credit.hold(source pg_catalog.regclass, invoice_key pg_catalog.text, kind pg_catalog.text,
                               until pg_catalog.date DEFAULT NULL, reason pg_catalog.text DEFAULT NULL,
                               promised_amount pg_catalog.numeric DEFAULT NULL)
RETURNS pg_catalog.int8
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    rv ar_credit.receivable;
    hid pg_catalog.int8;
BEGIN
    IF source IS NULL OR invoice_key IS NULL OR kind IS NULL THEN
        RAISE EXCEPTION 'source, invoice_key and kind must not be NULL' USING ERRCODE = '22004';
    END IF;
    IF kind NOT IN ('dispute', 'promise', 'hold') THEN
        RAISE EXCEPTION 'unknown kind of hold: "%"', ar_credit.clip(kind) USING ERRCODE = '22023',
              HINT = 'A hold is a dispute, a promise (to pay by a date) or a hold.';
    END IF;
    IF kind = 'promise' AND until IS NULL THEN
        RAISE EXCEPTION 'a promise to pay needs the date it was promised for (until)' USING ERRCODE = '22023';
    END IF;
    IF until IS NOT NULL AND (NOT pg_catalog.isfinite(until) OR until < CURRENT_DATE) THEN
        RAISE EXCEPTION 'until must be today or a later date, not %', until USING ERRCODE = '22023';
    END IF;
    IF promised_amount IS NOT NULL AND NOT promised_amount > 0 THEN
        RAISE EXCEPTION 'promised_amount must be positive, not %', ar_credit.clip(promised_amount::pg_catalog.text)
              USING ERRCODE = '22023';
    END IF;
    -- the receivable first, as the tracking trigger and the workers lock it
    SELECT r.* INTO rv FROM ar_credit.receivable AS r
     WHERE r.source = hold.source AND r.item_key = hold.invoice_key AND NOT r.gone
       FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no tracked invoice "%" in %', ar_credit.clip(invoice_key), source USING ERRCODE = '22023';
    END IF;
    IF rv.class NOT IN ('open', 'suspended') THEN
        RAISE EXCEPTION 'invoice "%" of % is %: there is no dunning to hold', ar_credit.clip(invoice_key), source, rv.class
              USING ERRCODE = '55000';
    END IF;
    INSERT INTO ar_credit.dunning_hold AS h (receivable_id, source, invoice_key, customer_key, kind, until, reason,
                                             promised_amount, amount_at_start)
    VALUES (rv.id, rv.source, rv.item_key, rv.customer_key, kind, until, reason, promised_amount, rv.amount)
    RETURNING h.id INTO hid;
    UPDATE ar_credit.receivable AS r SET on_hold = true, updated_at = pg_catalog.now() WHERE r.id = rv.id;
    PERFORM ar_credit.requeue(ARRAY[rv.id], CURRENT_DATE, false);
    -- under a payment plan the plan's reminder is the live one: suspended too
    PERFORM ar_credit.plan_requeue(ARRAY[rv.id], CURRENT_DATE);
    RETURN hid;
END
$$;
COMMENT ON FUNCTION ar_credit.hold(pg_catalog.regclass, pg_catalog.text, pg_catalog.text, pg_catalog.date, pg_catalog.text, pg_catalog.numeric) IS
    'suspends an invoice''s dunning: a dispute, a hold, or a promise to pay by until (broken, and the dunning resumed at once, if not kept by then); returns the hold''s id';

-- ends holds and brings their invoices' reminders in step; h: hold ids, locked
CREATE OR REPLACE FUNCTION ar_credit.end_holds(ids pg_catalog.int8[], new_state pg_catalog.text, as_of pg_catalog.date)
RETURNS pg_catalog.int4
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    rids pg_catalog.int8[];
    alerts pg_catalog.int8[];
    n pg_catalog.int4;
BEGIN
    WITH e AS (
        UPDATE ar_credit.dunning_hold AS h
           SET state = CASE WHEN new_state <> 'due' THEN new_state
                            WHEN h.kind <> 'promise' THEN 'expired'
                            WHEN r.gone OR r.class IN ('paid', 'closed')
                              OR (h.promised_amount IS NOT NULL
                                  AND h.amount_at_start - COALESCE(r.amount, 0) >= h.promised_amount) THEN 'kept'
                            ELSE 'broken' END,
               ended_at = pg_catalog.now(), ended_by = SESSION_USER
          FROM ar_credit.receivable AS r
         WHERE h.id = ANY (ids) AND h.state = 'active' AND r.id = h.receivable_id
        RETURNING h.id, h.receivable_id, h.state, h.customer_key, h.source, h.invoice_key, h.until, h.promised_amount),
    a AS (
        INSERT INTO ar_credit.alert (customer_key, kind, source, invoice_key, detail)
        SELECT e.customer_key, 'broken_promise', e.source, e.invoice_key,
               pg_catalog.jsonb_build_object('hold', e.id, 'until', e.until, 'promised_amount', e.promised_amount)
          FROM e WHERE e.state = 'broken'
        RETURNING id)
    SELECT pg_catalog.array_agg(DISTINCT e.receivable_id), pg_catalog.count(*), (SELECT pg_catalog.array_agg(a.id) FROM a)
      INTO rids, n, alerts FROM e;
    PERFORM pg_catalog.pg_notify('ar_credit_alert', x::pg_catalog.text) FROM pg_catalog.unnest(alerts) AS x;
    IF rids IS NULL THEN
        RETURN 0;
    END IF;
    UPDATE ar_credit.receivable AS r
       SET on_hold = EXISTS (SELECT 1 FROM ar_credit.dunning_hold AS h WHERE h.receivable_id = r.id AND h.state = 'active'),
           updated_at = pg_catalog.now()
     WHERE r.id = ANY (rids);
    -- a broken promise resumes at the next post-due level, due at once; under a
    -- payment plan, the plan's reminders
    PERFORM ar_credit.requeue(rids, as_of, new_state = 'due');
    PERFORM ar_credit.plan_requeue(rids, as_of);
    RETURN n;
END
$$;
COMMENT ON FUNCTION ar_credit.end_holds(pg_catalog.int8[], pg_catalog.text, pg_catalog.date) IS
    'ends holds (released, or due: kept, broken or expired by their date) and brings their invoices'' reminders in step';

CREATE OR REPLACE FUNCTION ar_credit.release(hold_id pg_catalog.int8)
RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    h ar_credit.dunning_hold;
BEGIN
    IF hold_id IS NULL THEN
        RAISE EXCEPTION 'hold_id must not be NULL' USING ERRCODE = '22004';
    END IF;
    SELECT x.* INTO h FROM ar_credit.dunning_hold AS x WHERE x.id = hold_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no hold with id %', hold_id USING ERRCODE = '22023';
    END IF;
    PERFORM 1 FROM ar_credit.receivable AS r WHERE r.id = h.receivable_id FOR UPDATE;
    IF ar_credit.end_holds(ARRAY[hold_id], 'released', CURRENT_DATE) = 0 THEN
        RAISE NOTICE 'hold % was already %', hold_id, (SELECT x.state FROM ar_credit.dunning_hold AS x WHERE x.id = hold_id);
    END IF;
END
$$;
COMMENT ON FUNCTION ar_credit.release(pg_catalog.int8) IS
    'ends a hold: the invoice''s dunning resumes (unless another hold is on it)';

-- The holds whose date has passed: promises kept or broken, dated holds and
-- disputes expired.  Receivables a writer holds are skipped (the next call
-- takes them): a worker never waits for them.
CREATE OR REPLACE FUNCTION ar_credit.process_holds(as_of pg_catalog.date DEFAULT CURRENT_DATE)
RETURNS pg_catalog.int4
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    due pg_catalog.int8[];
BEGIN
    IF as_of IS NULL OR NOT pg_catalog.isfinite(as_of) THEN
        RAISE EXCEPTION 'as_of must be a finite date, not %', as_of USING ERRCODE = '22008';
    END IF;
    -- payment plans whose next instalment's date passed: paid, or broken
    SELECT pg_catalog.array_agg(x.id) INTO due
      FROM (SELECT r.id FROM ar_credit.receivable AS r
             WHERE r.plan_id IN (SELECT l.plan_id FROM ar_credit.payment_plan_line AS l
                                  WHERE l.state = 'due' AND l.due_date < as_of)
             ORDER BY r.id
               FOR UPDATE OF r SKIP LOCKED) AS x;
    IF due IS NOT NULL THEN
        PERFORM ar_credit.plan_requeue(due, as_of);
    END IF;
    SELECT pg_catalog.array_agg(x.id) INTO due
      FROM (SELECT h.id FROM ar_credit.dunning_hold AS h
              JOIN ar_credit.receivable AS r ON r.id = h.receivable_id
             WHERE h.state = 'active' AND h.until < as_of
             ORDER BY r.id
               FOR UPDATE OF r SKIP LOCKED) AS x;
    IF due IS NULL THEN
        RETURN 0;
    END IF;
    RETURN ar_credit.end_holds(due, 'due', as_of);
END
$$;
COMMENT ON FUNCTION ar_credit.process_holds(pg_catalog.date) IS
    'ends the holds whose date has passed (promises kept or broken, holds expired) and resumes their dunning, and moves payment plans past an instalment''s date (paid, or broken); claim_reminders runs it, a scheduler may too; returns how many holds ended';

REVOKE ALL ON ar_credit.dunning_hold FROM PUBLIC;
REVOKE ALL ON FUNCTION ar_credit.requeue(pg_catalog.int8[], pg_catalog.date, pg_catalog.bool),
                       ar_credit.end_holds(pg_catalog.int8[], pg_catalog.text, pg_catalog.date),
                       ar_credit.hold(pg_catalog.regclass, pg_catalog.text, pg_catalog.text, pg_catalog.date, pg_catalog.text, pg_catalog.numeric),
                       ar_credit.release(pg_catalog.int8),
                       ar_credit.process_holds(pg_catalog.date)
  FROM PUBLIC;
GRANT SELECT ON ar_credit.dunning_hold TO ar_credit_reader, ar_credit_worker;
-- collectors place and release holds; workers and schedulers process them
GRANT EXECUTE ON FUNCTION ar_credit.hold(pg_catalog.regclass, pg_catalog.text, pg_catalog.text, pg_catalog.date, pg_catalog.text, pg_catalog.numeric),
                          ar_credit.release(pg_catalog.int8),
                          ar_credit.process_holds(pg_catalog.date)
  TO ar_credit_worker;

-- ---------------------------------------------------------------------
-- payment plans (échéanciers)
-- ---------------------------------------------------------------------
-- An agreed schedule for an invoice its customer cannot pay at once: the
-- open amount spread by installments() over the plan's terms.  While the
-- plan runs the invoice's normal dunning is replaced by the pre-due
-- reminders of the next instalment; an instalment not paid by its date
-- breaks the plan, and the invoice goes to the formal notice at once.
-- Paid = what the open amount fell by since the plan began.
CREATE TABLE ar_credit.payment_plan (
    id            pg_catalog.int8 GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    receivable_id pg_catalog.int8 NOT NULL,
    source        pg_catalog.regclass NOT NULL,
    invoice_key   pg_catalog.text NOT NULL,
    customer_key  pg_catalog.text,
    terms         ar_credit.payment_terms NOT NULL,
    start_date    pg_catalog.date NOT NULL,
    amount        pg_catalog.numeric NOT NULL,
    state         pg_catalog.text NOT NULL DEFAULT 'active'
                  CHECK (state OPERATOR(pg_catalog.=) ANY (ARRAY['active', 'completed', 'broken', 'cancelled'])),
    created_at    pg_catalog.timestamptz NOT NULL DEFAULT pg_catalog.now(),
    created_by    pg_catalog.text NOT NULL DEFAULT SESSION_USER,
    ended_at      pg_catalog.timestamptz
);
COMMENT ON TABLE ar_credit.payment_plan IS
    'payment plans (échéanciers) agreed for invoices: the open amount spread over the plan''s terms; completed when paid, broken by an instalment missed';
COMMENT ON COLUMN ar_credit.payment_plan.amount IS 'the open amount the plan spreads (when it was agreed)';
CREATE UNIQUE INDEX payment_plan_active ON ar_credit.payment_plan (receivable_id) WHERE state = 'active';
-- the plans broken of a receivable (complete_reminders: a plan broken while the worker held the reminder)
CREATE INDEX payment_plan_broken ON ar_credit.payment_plan (receivable_id) WHERE state = 'broken';
SELECT pg_catalog.pg_extension_config_dump('ar_credit.payment_plan', '');
SELECT pg_catalog.pg_extension_config_dump(pg_catalog.pg_get_serial_sequence('ar_credit.payment_plan', 'id'), '');

CREATE TABLE ar_credit.payment_plan_line (
    plan_id    pg_catalog.int8 NOT NULL REFERENCES ar_credit.payment_plan (id) ON DELETE CASCADE,
    seq        pg_catalog.int4 NOT NULL,
    due_date   pg_catalog.date NOT NULL,
    amount     pg_catalog.numeric NOT NULL,
    cumulative pg_catalog.numeric NOT NULL,
    state      pg_catalog.text NOT NULL DEFAULT 'due'
               CHECK (state OPERATOR(pg_catalog.=) ANY (ARRAY['due', 'paid', 'missed', 'cancelled'])),
    reminded   pg_catalog.int4 NOT NULL DEFAULT 0,
    PRIMARY KEY (plan_id, seq)
);
COMMENT ON TABLE ar_credit.payment_plan_line IS 'the instalments of a payment plan: due date, amount, what must be paid by then in all (cumulative)';
COMMENT ON COLUMN ar_credit.payment_plan_line.state IS 'due, paid, missed (the plan broke on it), or cancelled (the plan ended before its date: broken on an earlier instalment, or cancelled)';
COMMENT ON COLUMN ar_credit.payment_plan_line.reminded IS 'the highest pre-due reminder level sent for this instalment';
COMMENT ON COLUMN ar_credit.payment_plan_line.cumulative IS 'the sum of the instalments up to this one: paid by its date, or the plan is broken';
SELECT pg_catalog.pg_extension_config_dump('ar_credit.payment_plan_line', '');
-- claim_reminders runs process_holds at every claim: the plans to look at
-- are found from the instalments due, never by reading the whole mirror
CREATE INDEX payment_plan_line_due ON ar_credit.payment_plan_line (due_date) WHERE state = 'due';
CREATE INDEX receivable_plan ON ar_credit.receivable (plan_id) WHERE plan_id IS NOT NULL;

-- the policy's formal notice: its first registered letter, else its last
-- post-due step before the handover to collection
CREATE OR REPLACE FUNCTION ar_credit.formal_notice_level(policy pg_catalog.text)
RETURNS pg_catalog.int4
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT COALESCE(
        (SELECT pg_catalog.min(s.level) FROM ar_credit.dunning_step AS s
          WHERE s.policy = formal_notice_level.policy AND s.channel = 'registered_letter'),
        (SELECT pg_catalog.max(s.level) FROM ar_credit.dunning_step AS s
          WHERE s.policy = formal_notice_level.policy AND s.offset_days > 0 AND s.channel <> 'collection'))
$$;
COMMENT ON FUNCTION ar_credit.formal_notice_level(pg_catalog.text) IS
    'the level of a policy''s formal notice: its first registered letter, else its last post-due step before collection';

-- The live reminders of receivables under a plan (locked by the caller):
-- instalments paid marked, the plan completed when all are, broken when the
-- next one's date passed unpaid (then the formal notice, at once), else the
-- next instalment's pre-due reminder (none between its last pre-due
-- reminder and its date).
CREATE OR REPLACE FUNCTION ar_credit.plan_requeue(ids pg_catalog.int8[], as_of pg_catalog.date)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    p record;
    nxt ar_credit.payment_plan_line;
    paid pg_catalog.numeric;
    pol pg_catalog.text;
    rem ar_credit.reminder;
    lvl pg_catalog.int4;
BEGIN
    FOR p IN SELECT pl.*, r.amount AS open_amount, r.class, r.gone, r.on_hold, r.item_key AS rkey, r.currency,
                    r.due_date AS invoice_due
               FROM ar_credit.payment_plan AS pl JOIN ar_credit.receivable AS r ON r.id = pl.receivable_id
              WHERE pl.receivable_id = ANY (ids) AND pl.state = 'active'
    LOOP
        SELECT COALESCE(t.policy, 'standard') INTO pol FROM ar_credit.tracked_table AS t WHERE t.relid = p.source;
        pol := ar_credit.policy_for(p.customer_key, COALESCE(pol, 'standard'));
        paid := p.amount - GREATEST(COALESCE(p.open_amount, 0), 0);
        IF p.gone OR p.class IN ('paid', 'closed', 'credit') THEN
            paid := p.amount;
        END IF;
        UPDATE ar_credit.payment_plan_line AS l SET state = 'paid'
         WHERE l.plan_id = p.id AND l.state = 'due' AND l.cumulative <= paid;
        SELECT l.* INTO nxt FROM ar_credit.payment_plan_line AS l
         WHERE l.plan_id = p.id AND l.state = 'due' ORDER BY l.seq LIMIT 1;
        IF NOT FOUND THEN
            UPDATE ar_credit.payment_plan AS x SET state = 'completed', ended_at = pg_catalog.now() WHERE x.id = p.id;
            UPDATE ar_credit.receivable AS r SET plan_id = NULL WHERE r.id = p.receivable_id;
            PERFORM ar_credit.requeue(ARRAY[p.receivable_id], as_of, false);
        ELSIF nxt.due_date < as_of THEN
            -- an instalment missed: the plan is broken, the formal notice goes at once;
            -- the instalments after it are not due any more (nor read again at each claim
            -- by process_holds, which finds the plans to judge from the due ones)
            UPDATE ar_credit.payment_plan_line AS l
               SET state = CASE WHEN l.seq = nxt.seq THEN 'missed' ELSE 'cancelled' END
             WHERE l.plan_id = p.id AND l.state = 'due';
            UPDATE ar_credit.payment_plan AS x SET state = 'broken', ended_at = pg_catalog.now() WHERE x.id = p.id;
            UPDATE ar_credit.receivable AS r SET plan_id = NULL WHERE r.id = p.receivable_id;
            lvl := ar_credit.formal_notice_level(pol);
            INSERT INTO ar_credit.alert (customer_key, kind, source, invoice_key, detail)
            VALUES (p.customer_key, 'broken_promise', p.source, p.invoice_key,
                    pg_catalog.jsonb_build_object('plan', p.id, 'instalment', nxt.seq, 'due_date', nxt.due_date,
                                                  'due', nxt.cumulative, 'paid', paid));
            PERFORM pg_catalog.pg_notify('ar_credit_alert', pg_catalog.currval(pg_catalog.pg_get_serial_sequence('ar_credit.alert', 'id'))::pg_catalog.text);
            INSERT INTO ar_credit.dunning_queue AS q (receivable_id, source, invoice_key, customer_key, level, channel, label,
                                                      remind_on, due_date, amount_due, currency, policy, state)
            SELECT p.receivable_id, p.source, p.rkey, p.customer_key, s.level, s.channel, s.label, as_of,
                   p.invoice_due, p.open_amount, p.currency, pol, CASE WHEN p.on_hold THEN 'suspended' ELSE 'pending' END
              FROM ar_credit.dunning_step AS s WHERE s.policy = pol AND s.level = lvl
            ON CONFLICT (receivable_id) WHERE state IN ('pending', 'claimed', 'suspended') DO UPDATE
               SET level = EXCLUDED.level, channel = EXCLUDED.channel, label = EXCLUDED.label,
                   remind_on = EXCLUDED.remind_on, due_date = EXCLUDED.due_date, amount_due = EXCLUDED.amount_due,
                   state = CASE WHEN q.state = 'claimed' THEN 'claimed' ELSE EXCLUDED.state END,
                   updated_at = pg_catalog.now()
             WHERE q.state <> 'claimed';
        ELSE
            -- the next instalment's pre-due reminder, for what is left of it
            rem := ar_credit.next_reminder_rec(nxt.due_date, as_of, nxt.reminded, pol, NULL, 5, nxt.cumulative - paid);
            IF rem IS NULL OR rem.remind_on >= nxt.due_date THEN
                UPDATE ar_credit.dunning_queue AS q SET state = 'cancelled', updated_at = pg_catalog.now()
                 WHERE q.receivable_id = p.receivable_id AND q.state IN ('pending', 'suspended');
            ELSE
                INSERT INTO ar_credit.dunning_queue AS q (receivable_id, source, invoice_key, customer_key, level, channel,
                                                          label, remind_on, due_date, amount_due, currency, policy, state)
                VALUES (p.receivable_id, p.source, p.rkey, p.customer_key, rem.level, rem.channel, rem.label, rem.remind_on,
                        nxt.due_date, nxt.cumulative - paid, p.currency, pol,
                        CASE WHEN p.on_hold THEN 'suspended' ELSE 'pending' END)
                ON CONFLICT (receivable_id) WHERE state IN ('pending', 'claimed', 'suspended') DO UPDATE
                   SET level = EXCLUDED.level, channel = EXCLUDED.channel, label = EXCLUDED.label,
                       remind_on = EXCLUDED.remind_on, due_date = EXCLUDED.due_date, amount_due = EXCLUDED.amount_due,
                       state = EXCLUDED.state, updated_at = pg_catalog.now()
                 WHERE q.state <> 'claimed';
            END IF;
        END IF;
    END LOOP;
END
$$;
COMMENT ON FUNCTION ar_credit.plan_requeue(pg_catalog.int8[], pg_catalog.date) IS
    'brings the live reminders of receivables under a payment plan in step: instalments paid, plan completed or broken (formal notice at once), else the next instalment''s pre-due reminder';

CREATE OR REPLACE FUNCTION ar_credit.payment_plan(source pg_catalog.regclass, invoice_key pg_catalog.text,
                                       terms ar_credit.payment_terms, start_date pg_catalog.date DEFAULT CURRENT_DATE)
RETURNS pg_catalog.int8
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    rv ar_credit.receivable;
    pid pg_catalog.int8;
BEGIN
    IF source IS NULL OR invoice_key IS NULL OR terms IS NULL OR start_date IS NULL THEN
        RAISE EXCEPTION 'source, invoice_key, terms and start_date must not be NULL' USING ERRCODE = '22004';
    END IF;
    IF NOT pg_catalog.isfinite(start_date) THEN
        RAISE EXCEPTION 'start_date must be a finite date, not %', start_date USING ERRCODE = '22008';
    END IF;
    SELECT r.* INTO rv FROM ar_credit.receivable AS r
     WHERE r.source = payment_plan.source AND r.item_key = payment_plan.invoice_key AND NOT r.gone
       FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no tracked invoice "%" in %', ar_credit.clip(invoice_key), source USING ERRCODE = '22023';
    END IF;
    IF rv.class NOT IN ('open', 'suspended') OR NOT rv.amount > 0 THEN
        RAISE EXCEPTION 'invoice "%" of % is %: there is nothing to spread', ar_credit.clip(invoice_key), source, rv.class
              USING ERRCODE = '55000';
    END IF;
    IF rv.plan_id IS NOT NULL THEN
        RAISE EXCEPTION 'invoice "%" of % already has payment plan %', ar_credit.clip(invoice_key), source, rv.plan_id
              USING ERRCODE = '55000', HINT = 'Cancel it first with ar_credit.cancel_plan().';
    END IF;
    INSERT INTO ar_credit.payment_plan AS p (receivable_id, source, invoice_key, customer_key, terms, start_date, amount)
    VALUES (rv.id, rv.source, rv.item_key, rv.customer_key, terms, start_date, rv.amount)
    RETURNING p.id INTO pid;
    INSERT INTO ar_credit.payment_plan_line (plan_id, seq, due_date, amount, cumulative)
    SELECT pid, i.seq, i.due_date, i.amount, pg_catalog.sum(i.amount) OVER (ORDER BY i.seq)
      FROM ar_credit.installments(terms, start_date, rv.amount) AS i;
    UPDATE ar_credit.receivable AS r SET plan_id = pid, updated_at = pg_catalog.now() WHERE r.id = rv.id;
    PERFORM ar_credit.plan_requeue(ARRAY[rv.id], CURRENT_DATE);
    RETURN pid;
END
$$;
COMMENT ON FUNCTION ar_credit.payment_plan(pg_catalog.regclass, pg_catalog.text, ar_credit.payment_terms, pg_catalog.date) IS
    'agrees a payment plan (échéancier) for an invoice: its open amount spread by installments(terms, start_date); normal dunning replaced by the instalments'' pre-due reminders; returns the plan''s id';

CREATE OR REPLACE FUNCTION ar_credit.cancel_plan(plan_id pg_catalog.int8)
RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    p ar_credit.payment_plan;
BEGIN
    IF plan_id IS NULL THEN
        RAISE EXCEPTION 'plan_id must not be NULL' USING ERRCODE = '22004';
    END IF;
    SELECT x.* INTO p FROM ar_credit.payment_plan AS x WHERE x.id = cancel_plan.plan_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no payment plan with id %', plan_id USING ERRCODE = '22023';
    END IF;
    PERFORM 1 FROM ar_credit.receivable AS r WHERE r.id = p.receivable_id FOR UPDATE;
    UPDATE ar_credit.payment_plan AS x SET state = 'cancelled', ended_at = pg_catalog.now()
     WHERE x.id = cancel_plan.plan_id AND x.state = 'active';
    IF NOT FOUND THEN
        RAISE NOTICE 'payment plan % was already %', plan_id, p.state;
        RETURN;
    END IF;
    UPDATE ar_credit.payment_plan_line AS l SET state = 'cancelled' WHERE l.plan_id = p.id AND l.state = 'due';
    UPDATE ar_credit.receivable AS r SET plan_id = NULL, updated_at = pg_catalog.now() WHERE r.id = p.receivable_id;
    PERFORM ar_credit.requeue(ARRAY[p.receivable_id], CURRENT_DATE, false);
END
$$;
COMMENT ON FUNCTION ar_credit.cancel_plan(pg_catalog.int8) IS 'ends a payment plan: the invoice''s normal dunning resumes';

REVOKE ALL ON ar_credit.payment_plan, ar_credit.payment_plan_line FROM PUBLIC;
REVOKE ALL ON FUNCTION ar_credit.plan_requeue(pg_catalog.int8[], pg_catalog.date),
                       ar_credit.formal_notice_level(pg_catalog.text),
                       ar_credit.payment_plan(pg_catalog.regclass, pg_catalog.text, ar_credit.payment_terms, pg_catalog.date),
                       ar_credit.cancel_plan(pg_catalog.int8)
  FROM PUBLIC;
GRANT SELECT ON ar_credit.payment_plan, ar_credit.payment_plan_line TO ar_credit_reader, ar_credit_worker;
GRANT EXECUTE ON FUNCTION ar_credit.payment_plan(pg_catalog.regclass, pg_catalog.text, ar_credit.payment_terms, pg_catalog.date),
                          ar_credit.cancel_plan(pg_catalog.int8)
  TO ar_credit_worker;

-- The rows of 0.2.0.  One receivable per invoice the queue knew, its history
-- (the highest level sent) from the reminders sent; live while the invoice
-- had a live reminder; the invoices of tables no longer tracked are history.
-- The event triggers stand aside while ar_credit rebuilds its own triggers.
SELECT ar_credit.ddl_guard(true);
INSERT INTO ar_credit.receivable (source, item_key, customer_key, currency, due_date, amount, class,
                                  last_level, last_sent_on, gone, first_amount)
SELECT q.source, q.invoice_key,
       (pg_catalog.array_agg(q.customer_key ORDER BY q.id DESC))[1],
       (pg_catalog.array_agg(q.currency ORDER BY q.id DESC))[1],
       (pg_catalog.array_agg(q.due_date ORDER BY q.id DESC))[1],
       (pg_catalog.array_agg(q.amount_due ORDER BY q.id DESC))[1],
       CASE WHEN pg_catalog.bool_or(q.state = 'suspended') THEN 'suspended'
            WHEN pg_catalog.bool_or(q.state IN ('pending', 'claimed')) THEN 'open' ELSE 'closed' END,
       COALESCE(pg_catalog.max(q.level) FILTER (WHERE q.state = 'sent'), 0),
       (pg_catalog.max(q.sent_at) FILTER (WHERE q.state = 'sent'))::pg_catalog.date,
       NOT EXISTS (SELECT 1 FROM ar_credit.tracked_table_0_2 AS t WHERE t.relid = q.source),
       (pg_catalog.array_agg(q.amount_due ORDER BY q.id))[1]
  FROM ar_credit.dunning_queue_0_2 AS q
 GROUP BY q.source, q.invoice_key
 ORDER BY pg_catalog.min(q.id);
INSERT INTO ar_credit.dunning_queue (id, source, invoice_key, customer_key, level, channel, label, remind_on,
                                     amount_due, currency, state, attempts, claimed_by, claimed_until, last_error,
                                     created_at, updated_at, due_date, policy, next_attempt_at, sent_at, receivable_id)
OVERRIDING SYSTEM VALUE
SELECT o.id, o.source, o.invoice_key, o.customer_key, o.level, o.channel, o.label, o.remind_on, o.amount_due,
       o.currency, o.state, o.attempts, o.claimed_by, o.claimed_until, o.last_error, o.created_at, o.updated_at,
       o.due_date, o.policy, o.next_attempt_at, o.sent_at, r.id
  FROM ar_credit.dunning_queue_0_2 AS o
  JOIN ar_credit.receivable AS r ON r.source = o.source AND r.item_key = o.invoice_key
 ORDER BY o.id;
SELECT pg_catalog.setval(pg_catalog.pg_get_serial_sequence('ar_credit.dunning_queue', 'id'), x.v)
  FROM (SELECT GREATEST((SELECT pg_catalog.max(q.id) FROM ar_credit.dunning_queue AS q),
                        (SELECT s.last_value FROM ar_credit.dunning_queue_0_2_id_seq AS s WHERE s.is_called)) AS v) AS x
 WHERE x.v IS NOT NULL;
-- 0.2.0 mapped column names; 0.3.0 keeps columns and expressions as SQL text
INSERT INTO ar_credit.tracked_table (relid, key_column, due_column, amount_column, status_column, customer_column,
                                     currency_column, policy, tracked_at)
SELECT t.relid,
       CASE WHEN pg_catalog.cardinality(t.key_columns) = 1 THEN pg_catalog.quote_ident(t.key_columns[1])
            ELSE 'ROW(' || (SELECT pg_catalog.string_agg(pg_catalog.quote_ident(k), ', ' ORDER BY o)
                              FROM pg_catalog.unnest(t.key_columns) WITH ORDINALITY AS u(k, o)) || ')' END,
       pg_catalog.quote_ident(t.due_column), pg_catalog.quote_ident(t.amount_column),
       pg_catalog.quote_ident(t.status_column), pg_catalog.quote_ident(t.customer_column),
       pg_catalog.quote_ident(t.currency_column), t.policy, t.tracked_at
  FROM ar_credit.tracked_table_0_2 AS t;
-- out of the extension (and of its list of tables pg_dump dumps), then gone
ALTER EXTENSION ar_credit DROP SEQUENCE ar_credit.dunning_queue_0_2_id_seq;
ALTER EXTENSION ar_credit DROP TABLE ar_credit.dunning_queue_0_2;
ALTER EXTENSION ar_credit DROP TABLE ar_credit.tracked_table_0_2;
DROP TABLE ar_credit.dunning_queue_0_2, ar_credit.tracked_table_0_2;
-- untrack() is the table owner's now, as in a fresh install
GRANT EXECUTE ON FUNCTION ar_credit.untrack(pg_catalog.regclass) TO PUBLIC;
-- every tracked table gets the 0.3.0 triggers and is brought in step
SELECT ar_credit.attach_dunning_triggers(t.relid), ar_credit.dunning_resync(t.relid)
  FROM ar_credit.tracked_table AS t;
SELECT ar_credit.ddl_guard(false);

-- ---------------------------------------------------------------------
-- 57 replication (issue 16: ar_credit's own tables kept out of publications; new in 0.3.0)
-- ---------------------------------------------------------------------

-- the check itself, callable on any publication (monitoring, scripts)
CREATE FUNCTION ar_credit.check_publication(publication pg_catalog.name)
RETURNS void
LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    pub pg_catalog.pg_publication;
    ns pg_catalog.oid;
    tbl pg_catalog.text;
    what pg_catalog.text;
    schemas pg_catalog.text;
BEGIN
    SELECT * INTO pub FROM pg_catalog.pg_publication AS p WHERE p.pubname OPERATOR(pg_catalog.=) publication;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'publication "%" does not exist', ar_credit.clip(publication) USING ERRCODE = '42704';
    END IF;
    SELECT e.extnamespace INTO ns FROM pg_catalog.pg_extension AS e WHERE e.extname OPERATOR(pg_catalog.=) 'ar_credit';
    IF pub.puballtables THEN
        what := 'publishes all tables, ar_credit''s own among them';
    ELSIF EXISTS (SELECT 1 FROM pg_catalog.pg_publication_namespace AS n
                   WHERE n.pnpubid OPERATOR(pg_catalog.=) pub.oid AND n.pnnspid OPERATOR(pg_catalog.=) ns) THEN
        what := 'publishes schema ar_credit';
    ELSE
        SELECT pg_catalog.min(r.prrelid::pg_catalog.regclass::pg_catalog.text) INTO tbl
          FROM pg_catalog.pg_publication_rel AS r
          JOIN pg_catalog.pg_class AS c ON c.oid OPERATOR(pg_catalog.=) r.prrelid
         WHERE r.prpubid OPERATOR(pg_catalog.=) pub.oid AND c.relnamespace OPERATOR(pg_catalog.=) ns;
        IF tbl IS NULL THEN
            RETURN;
        END IF;
        what := pg_catalog.format('publishes table %s of ar_credit', tbl);
    END IF;
    -- the schemas holding the user's tables: the publication to use instead
    SELECT pg_catalog.string_agg(pg_catalog.quote_ident(n.nspname), ', ' ORDER BY n.nspname) INTO schemas
      FROM pg_catalog.pg_namespace AS n
     WHERE n.oid OPERATOR(pg_catalog.<>) COALESCE(ns, 0) AND n.nspname OPERATOR(pg_catalog.<>) 'information_schema'
       AND n.nspname OPERATOR(pg_catalog.!~) '^pg_'
       AND EXISTS (SELECT 1 FROM pg_catalog.pg_class AS c
                    WHERE c.relnamespace OPERATOR(pg_catalog.=) n.oid AND c.relkind IN ('r', 'p')
                      AND c.relpersistence OPERATOR(pg_catalog.=) 'p' AND NOT c.relispartition);
    RAISE EXCEPTION 'publication "%" %', pub.pubname, what USING ERRCODE = '22023',
          DETAIL = 'A subscriber that has ar_credit already holds these tables and their shipped rows: its apply worker would stop on duplicate keys; one without ar_credit would stop on missing tables. Each database computes its own queue from the finance tables it holds.',
          HINT = CASE WHEN pub.puballtables THEN 'FOR ALL TABLES cannot leave tables out: drop it and publish'
                      ELSE 'Publish' END
                 || pg_catalog.format(' the finance tables by name (CREATE PUBLICATION %I FOR TABLE invoices, payments, ...)',
                                      pub.pubname)
                 || CASE WHEN schemas IS NOT NULL
                         THEN pg_catalog.format(' or by schema (FOR TABLES IN SCHEMA %s)', schemas) ELSE '' END
                 || '; see doc/replication.md.';
END
$$;
COMMENT ON FUNCTION ar_credit.check_publication(pg_catalog.name) IS
    'raises 22023 when a publication would publish ar_credit''s own tables (FOR ALL TABLES, schema ar_credit, or one of its tables), with the publication to use instead; 42704 for an unknown publication';

-- The event trigger: the publications the command created or changed.
-- ALTER PUBLICATION reports a publication, or the table or schema it added.
CREATE FUNCTION ar_credit.on_publication_change()
RETURNS event_trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    pub pg_catalog.name;
BEGIN
    FOR pub IN
        SELECT DISTINCT p.pubname
          FROM pg_catalog.pg_event_trigger_ddl_commands() AS c
          JOIN pg_catalog.pg_publication AS p ON p.oid OPERATOR(pg_catalog.=) CASE c.classid
               WHEN 'pg_catalog.pg_publication'::pg_catalog.regclass THEN c.objid
               WHEN 'pg_catalog.pg_publication_rel'::pg_catalog.regclass
                    THEN (SELECT r.prpubid FROM pg_catalog.pg_publication_rel AS r WHERE r.oid OPERATOR(pg_catalog.=) c.objid)
               WHEN 'pg_catalog.pg_publication_namespace'::pg_catalog.regclass
                    THEN (SELECT n.pnpubid FROM pg_catalog.pg_publication_namespace AS n WHERE n.oid OPERATOR(pg_catalog.=) c.objid)
               END
         ORDER BY p.pubname
    LOOP
        PERFORM ar_credit.check_publication(pub);
    END LOOP;
END
$$;
COMMENT ON FUNCTION ar_credit.on_publication_change() IS
    'event trigger (ddl_command_end of CREATE and ALTER PUBLICATION): refuses a publication that would publish ar_credit''s own tables (ar_credit.check_publication)';

CREATE EVENT TRIGGER ar_credit_publication ON ddl_command_end
    WHEN TAG IN ('CREATE PUBLICATION', 'ALTER PUBLICATION')
    EXECUTE FUNCTION ar_credit.on_publication_change();
COMMENT ON EVENT TRIGGER ar_credit_publication IS
    'refuses publications that would publish ar_credit''s own tables (doc/replication.md)';

REVOKE ALL ON FUNCTION ar_credit.on_publication_change() FROM PUBLIC;

-- A publication made under 0.2.0 that publishes ar_credit's tables is not
-- dropped by the update (a fresh install refuses to be created beside a
-- FOR ALL TABLES one): each is named, with the way out.
DO $$
DECLARE
    pub pg_catalog.name;
    msg pg_catalog.text;
    hint pg_catalog.text;
BEGIN
    FOR pub IN SELECT p.pubname FROM pg_catalog.pg_publication AS p ORDER BY p.pubname LOOP
        BEGIN
            PERFORM ar_credit.check_publication(pub);
        EXCEPTION WHEN invalid_parameter_value THEN
            GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT, hint = PG_EXCEPTION_HINT;
            RAISE WARNING '%', msg USING HINT = hint;
        END;
    END LOOP;
END
$$;

-- ---------------------------------------------------------------------
-- 60 identity (issue 19: SIREN, SIRET and EU VAT numbers; new in 0.3.0)
-- ---------------------------------------------------------------------

CREATE FUNCTION ar_credit.siren_valid(siren pg_catalog.text)
RETURNS pg_catalog.bool AS 'MODULE_PATHNAME', 'identity_siren_valid'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ar_credit.siren_valid(pg_catalog.text) IS
    'true for a French SIREN: 9 digits (spaces, dots, dashes ignored) passing the Luhn check (INSEE); false otherwise';

CREATE FUNCTION ar_credit.siret_valid(siret pg_catalog.text)
RETURNS pg_catalog.bool AS 'MODULE_PATHNAME', 'identity_siret_valid'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ar_credit.siret_valid(pg_catalog.text) IS
    'true for a French SIRET: 14 digits, a valid SIREN then the NIC, passing Luhn, or for La Poste (SIREN 356000000) digits summing to a multiple of 5; false otherwise';

CREATE FUNCTION ar_credit.siren_normalize(siren pg_catalog.text)
RETURNS pg_catalog.text AS 'MODULE_PATHNAME', 'identity_siren_normalize'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ar_credit.siren_normalize(pg_catalog.text) IS
    'a SIREN as its 9 digits without separators; 22P02 saying why when it is not valid';

CREATE FUNCTION ar_credit.siret_normalize(siret pg_catalog.text)
RETURNS pg_catalog.text AS 'MODULE_PATHNAME', 'identity_siret_normalize'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ar_credit.siret_normalize(pg_catalog.text) IS
    'a SIRET as its 14 digits without separators; 22P02 saying why when it is not valid';

CREATE FUNCTION ar_credit.vat_fr_key(siren pg_catalog.text)
RETURNS pg_catalog.text AS 'MODULE_PATHNAME', 'identity_vat_fr_key'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ar_credit.vat_fr_key(pg_catalog.text) IS
    'the 2-digit key of the French VAT number of a SIREN: (12 + 3 x (SIREN mod 97)) mod 97; 22P02 for an invalid SIREN';

CREATE FUNCTION ar_credit.vat_valid(vat pg_catalog.text)
RETURNS pg_catalog.bool AS 'MODULE_PATHNAME', 'identity_vat_valid'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ar_credit.vat_valid(pg_catalog.text) IS
    'true for an EU VAT identification number: member-state prefix (EL for Greece), that state''s format and, where published, check digits (see vat_rules()); false otherwise';

CREATE FUNCTION ar_credit.vat_normalize(vat pg_catalog.text)
RETURNS pg_catalog.text AS 'MODULE_PATHNAME', 'identity_vat_normalize'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ar_credit.vat_normalize(pg_catalog.text) IS
    'an EU VAT number in canonical form (upper case, no spaces, dots or dashes); 22P02 saying why when it is not valid';

CREATE FUNCTION ar_credit.vat_rules(OUT prefix pg_catalog.text, OUT country pg_catalog.text,
                                    OUT formats pg_catalog.text[], OUT checks pg_catalog.text)
RETURNS SETOF record AS 'MODULE_PATHNAME', 'identity_vat_rules'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 27;
COMMENT ON FUNCTION ar_credit.vat_rules() IS
    'what vat_valid checks for each member state: prefix, country, formats after the prefix (9 digit, A letter, X letter or digit, S letter, + or *) and the check applied';






-- ---------------------------------------------------------------------
-- 70 credit (issue 19: credit control, SPEC section 8; new in 0.3.0)
-- ---------------------------------------------------------------------

-- the credit policy names a dunning policy per risk class (scripts/30_scores.sql)
ALTER TABLE ar_credit.credit_policy ADD COLUMN dunning_policy pg_catalog.text;
COMMENT ON COLUMN ar_credit.credit_policy.dunning_policy IS
    'dunning policy (ar_credit.dunning_step) for the invoices of customers of this class; NULL: the tracked table''s';
-- shipped rows stay shipped (the trigger would make them the user's)
ALTER TABLE ar_credit.credit_policy DISABLE TRIGGER credit_policy_user_owned;
UPDATE ar_credit.credit_policy SET dunning_policy = 'strict' WHERE shipped AND risk_class IN ('D', 'E');
ALTER TABLE ar_credit.credit_policy ENABLE TRIGGER credit_policy_user_owned;
-- ar_credit install script, section 70: credit control (SPEC section 8).
-- Credit accounts and their limits, exposure, the credit check, guard() (a
-- constraint trigger on the user's own orders table that no path of an
-- application can bypass), overrides recorded, financial statements, the
-- risk history kept current by refresh_risk(), deposits.  The rules are in
-- src/credit.c, the triggers in src/credit_sql.c.

-- ---------------------------------------------------------------------
-- tables (user rows, dumped by pg_dump)
-- ---------------------------------------------------------------------
CREATE TABLE ar_credit.credit_account (
    customer_key  pg_catalog.text PRIMARY KEY,
    credit_limit  pg_catalog.numeric
                  CONSTRAINT credit_account_limit_valid
                  CHECK (credit_limit OPERATOR(pg_catalog.>=) 0 AND credit_limit OPERATOR(pg_catalog.<) 'Infinity'),
    currency      pg_catalog.text
                  CONSTRAINT credit_account_currency_iso CHECK (currency OPERATOR(pg_catalog.~) '^[A-Z]{3}$'),
    insured_limit pg_catalog.numeric
                  CONSTRAINT credit_account_insured_limit_valid
                  CHECK (insured_limit OPERATOR(pg_catalog.>=) 0 AND insured_limit OPERATOR(pg_catalog.<) 'Infinity'),
    on_hold       pg_catalog.bool NOT NULL DEFAULT false,
    hold_reason   pg_catalog.text,
    policy        pg_catalog.text,
    collector     pg_catalog.text,
    reviewed_on   pg_catalog.date,
    note          pg_catalog.text,
    risk_class    pg_catalog.text
                  CHECK (risk_class OPERATOR(pg_catalog.=) ANY (ARRAY['A', 'B', 'C', 'D', 'E']))
);
COMMENT ON TABLE ar_credit.credit_account IS
    'credit accounts: the limit granted to a customer (in currency), insured limit, hold, dunning policy, collector; the customer''s current risk class';

-- the tracking trigger caches each customer's dunning policy (policy_for):
-- a change of an account or of the classes' policies reaches every backend
CREATE TRIGGER credit_account_invalidate
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON ar_credit.credit_account
    FOR EACH STATEMENT EXECUTE FUNCTION ar_credit.config_cache_invalidate();
CREATE TRIGGER credit_policy_invalidate
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON ar_credit.credit_policy
    FOR EACH STATEMENT EXECUTE FUNCTION ar_credit.config_cache_invalidate();
COMMENT ON COLUMN ar_credit.credit_account.credit_limit IS 'limit granted, >= 0; NULL: no limit. The limit in force is this times credit_policy.limit_factor of risk_class';
COMMENT ON COLUMN ar_credit.credit_account.currency IS 'ISO 4217 code of the limit; items in another currency make the check refuse (22023); NULL: the customer''s single currency';
COMMENT ON COLUMN ar_credit.credit_account.insured_limit IS 'the part of the exposure a credit insurer covers (information: credit_exposure.uninsured)';
COMMENT ON COLUMN ar_credit.credit_account.on_hold IS 'true: every new order of the customer is refused by credit_check and guard()';
COMMENT ON COLUMN ar_credit.credit_account.policy IS 'dunning policy (ar_credit.dunning_step) for this customer''s invoices, overriding the tracked table''s';
COMMENT ON COLUMN ar_credit.credit_account.collector IS 'person or team who owns the account';
COMMENT ON COLUMN ar_credit.credit_account.risk_class IS 'current risk class A..E, written by refresh_risk() (the latest customer_risk row)';
SELECT pg_catalog.pg_extension_config_dump('ar_credit.credit_account', '');

-- every credit override (and every warning of a guard in warn mode)
CREATE TABLE ar_credit.credit_event (
    id           pg_catalog.int8 GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at           pg_catalog.timestamptz NOT NULL DEFAULT pg_catalog.now(),
    customer_key pg_catalog.text NOT NULL,
    kind         pg_catalog.text NOT NULL
                 CHECK (kind OPERATOR(pg_catalog.=) ANY (ARRAY['override', 'warning'])),
    source       pg_catalog.regclass,
    outcome      pg_catalog.text NOT NULL,
    reason       pg_catalog.text,
    amount       pg_catalog.numeric,
    exposure     pg_catalog.numeric,
    credit_limit pg_catalog.numeric,
    by_role      pg_catalog.text NOT NULL
);
COMMENT ON TABLE ar_credit.credit_event IS
    'credit checks let through: overrides (who, when, how much, why) and warnings of guards in warn mode; append-only';
COMMENT ON COLUMN ar_credit.credit_event.outcome IS 'why the check failed: on_hold, overdue or over_limit';
COMMENT ON COLUMN ar_credit.credit_event.reason IS 'the override''s reason (ar_credit.credit_override); NULL for a warning';
COMMENT ON COLUMN ar_credit.credit_event.amount IS 'what the transaction added to the customer''s open orders in source';
COMMENT ON COLUMN ar_credit.credit_event.exposure IS 'the customer''s exposure with the transaction''s orders';
COMMENT ON COLUMN ar_credit.credit_event.credit_limit IS 'the limit in force';
COMMENT ON COLUMN ar_credit.credit_event.by_role IS 'the role that wrote the orders';
SELECT pg_catalog.pg_extension_config_dump('ar_credit.credit_event', '');
SELECT pg_catalog.pg_extension_config_dump(pg_catalog.pg_get_serial_sequence('ar_credit.credit_event', 'id'), '');

-- the inputs of the section 3 models, per customer and period
CREATE TABLE ar_credit.financial_statement (
    customer_key        pg_catalog.text NOT NULL,
    period_end          pg_catalog.date NOT NULL,
    model               pg_catalog.text NOT NULL DEFAULT 'z_prime'
                        CHECK (model OPERATOR(pg_catalog.=) ANY (ARRAY['z', 'z_prime', 'z_double_prime', 'conan_holder'])),
    working_capital     pg_catalog.numeric,
    retained_earnings   pg_catalog.numeric,
    ebit                pg_catalog.numeric,
    market_value_equity pg_catalog.numeric,
    book_value_equity   pg_catalog.numeric,
    sales               pg_catalog.numeric,
    total_assets        pg_catalog.numeric,
    total_liabilities   pg_catalog.numeric,
    conan_r1            pg_catalog.numeric,
    conan_r2            pg_catalog.numeric,
    conan_r3            pg_catalog.numeric,
    conan_r4            pg_catalog.numeric,
    conan_r5            pg_catalog.numeric,
    source              pg_catalog.text,
    model_score         pg_catalog.numeric GENERATED ALWAYS AS (
        CASE model
            WHEN 'z' THEN ar_credit.altman_z(working_capital, retained_earnings, ebit, market_value_equity,
                                             sales, total_assets, total_liabilities)
            WHEN 'z_prime' THEN ar_credit.altman_z_prime(working_capital, retained_earnings, ebit, book_value_equity,
                                                         sales, total_assets, total_liabilities)
            WHEN 'z_double_prime' THEN ar_credit.altman_z_double_prime(working_capital, retained_earnings, ebit,
                                                                       book_value_equity, total_assets, total_liabilities)
            ELSE ar_credit.conan_holder(conan_r1, conan_r2, conan_r3, conan_r4, conan_r5)
        END) STORED,
    PRIMARY KEY (customer_key, period_end)
);
COMMENT ON TABLE ar_credit.financial_statement IS
    'a customer''s financial statements: the inputs of the model named (Altman z, z_prime, z_double_prime, or the Conan-Holder ratios), one row per period; refresh_risk() reads the latest';
COMMENT ON COLUMN ar_credit.financial_statement.model IS 'z, z_prime (default: private firms), z_double_prime or conan_holder';
COMMENT ON COLUMN ar_credit.financial_statement.market_value_equity IS 'market value of equity (model z)';
COMMENT ON COLUMN ar_credit.financial_statement.book_value_equity IS 'book value of equity (z_prime, z_double_prime)';
COMMENT ON COLUMN ar_credit.financial_statement.conan_r1 IS 'Conan-Holder R1: EBE / total debts (and R2..R5 in the published order)';
COMMENT ON COLUMN ar_credit.financial_statement.model_score IS 'the model''s score of the row (computed; NULL while an input is missing)';
SELECT pg_catalog.pg_extension_config_dump('ar_credit.financial_statement', '');

-- the risk history
CREATE TABLE ar_credit.customer_risk (
    customer_key    pg_catalog.text NOT NULL,
    as_of           pg_catalog.date NOT NULL,
    financial_score pg_catalog.numeric,
    paydex          pg_catalog.int4,
    score           pg_catalog.int4 NOT NULL,
    risk_class      pg_catalog.text NOT NULL,
    exposure        pg_catalog.numeric,
    credit_limit    pg_catalog.numeric,
    computed_at     pg_catalog.timestamptz NOT NULL DEFAULT pg_catalog.now(),
    PRIMARY KEY (customer_key, as_of)
);
COMMENT ON TABLE ar_credit.customer_risk IS
    'risk history: one row per customer and day refresh_risk() ran (financial part, paydex, score, class)';
COMMENT ON COLUMN ar_credit.customer_risk.financial_score IS 'financial_score() of the latest statement up to as_of, 0-100';
COMMENT ON COLUMN ar_credit.customer_risk.paydex IS 'paydex of the payments of the 12 months up to as_of';
COMMENT ON COLUMN ar_credit.customer_risk.score IS 'solvency_score(financial_score, paydex, exposure, credit_limit)';
COMMENT ON COLUMN ar_credit.customer_risk.exposure IS 'exposure when computed';
COMMENT ON COLUMN ar_credit.customer_risk.credit_limit IS 'the limit granted (credit_account.credit_limit) when computed';
SELECT pg_catalog.pg_extension_config_dump('ar_credit.customer_risk', '');

-- tables attached with guard()
CREATE TABLE ar_credit.guarded_table (
    relid           pg_catalog.regclass PRIMARY KEY,
    customer_column pg_catalog.text NOT NULL,
    amount_column   pg_catalog.text NOT NULL,
    mode            pg_catalog.text NOT NULL
                    CHECK (mode OPERATOR(pg_catalog.=) ANY (ARRAY['block', 'warn'])),
    filter          pg_catalog.text,
    currency_column pg_catalog.text,
    guarded_at      pg_catalog.timestamptz NOT NULL DEFAULT pg_catalog.now()
);
COMMENT ON TABLE ar_credit.guarded_table IS
    'orders (or invoices) tables attached with guard() and their mapping: columns or SQL expressions, as text with every other object schema-qualified';
COMMENT ON COLUMN ar_credit.guarded_table.filter IS 'which rows are open orders (NULL: all)';
SELECT pg_catalog.pg_extension_config_dump('ar_credit.guarded_table', '');

-- the credit figures read receivables by customer
CREATE INDEX receivable_customer ON ar_credit.receivable (customer_key);

-- ---------------------------------------------------------------------
-- the rules (C) and the figures
-- ---------------------------------------------------------------------
CREATE FUNCTION ar_credit.credit_decision(has_account pg_catalog.bool, on_hold pg_catalog.bool,
                                          max_days_past_due pg_catalog.int4, exposure pg_catalog.numeric,
                                          amount pg_catalog.numeric, credit_limit pg_catalog.numeric)
RETURNS pg_catalog.text AS 'MODULE_PATHNAME', 'credit_decision'
LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION ar_credit.credit_decision(pg_catalog.bool, pg_catalog.bool, pg_catalog.int4, pg_catalog.numeric, pg_catalog.numeric, pg_catalog.numeric) IS
    'the outcome of a credit check from its facts: no_account, on_hold, overdue (more than ar_credit.block_overdue_days), no_limit, over_limit (exposure + amount > limit) or ok, in that order';

CREATE FUNCTION ar_credit.risk_class_worse(now pg_catalog.text, before pg_catalog.text)
RETURNS pg_catalog.bool AS 'MODULE_PATHNAME', 'credit_risk_class_worse'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ar_credit.risk_class_worse(pg_catalog.text, pg_catalog.text) IS
    'true when risk class now is worse than before (A best .. E worst)';

CREATE FUNCTION ar_credit.paydex_dropped(recent pg_catalog.int4, before pg_catalog.int4)
RETURNS pg_catalog.bool AS 'MODULE_PATHNAME', 'credit_paydex_dropped'
LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION ar_credit.paydex_dropped(pg_catalog.int4, pg_catalog.int4) IS
    'true when the recent paydex is at least ar_credit.paydex_drop_threshold points below the one before (NULL on either side: false)';

CREATE FUNCTION ar_credit.open_orders(customers pg_catalog.text[])
RETURNS TABLE (source pg_catalog.regclass, customer_key pg_catalog.text, currency pg_catalog.text, amount pg_catalog.numeric)
AS 'MODULE_PATHNAME', 'credit_open_orders'
LANGUAGE C STABLE PARALLEL UNSAFE ROWS 10;
COMMENT ON FUNCTION ar_credit.open_orders(pg_catalog.text[]) IS
    'open orders of the guarded tables per table, customer and currency (customers NULL: all); each mapping runs as its table''s owner';

CREATE FUNCTION ar_credit.customer_exposure(customers pg_catalog.text[])
RETURNS TABLE (customer_key pg_catalog.text, currency pg_catalog.text, open_receivables pg_catalog.numeric,
               overdue pg_catalog.numeric, open_orders pg_catalog.numeric, max_days_past_due pg_catalog.int4)
LANGUAGE plpgsql STABLE PARALLEL UNSAFE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
BEGIN
    -- PL/pgSQL rather than SQL: the statement's plan is kept for the session
    -- (a guarded single-order transaction runs it at every commit)
    RETURN QUERY
    WITH r AS (
        SELECT v.customer_key, COALESCE(pg_catalog.upper(v.currency), a.currency) AS currency,
               pg_catalog.sum(v.amount) AS open_receivables,
               COALESCE(pg_catalog.sum(v.amount) FILTER (WHERE v.class = 'open' AND v.amount > 0
                                                           AND v.due_date < CURRENT_DATE), 0) AS overdue,
               pg_catalog.max(CURRENT_DATE - v.due_date)
                   FILTER (WHERE v.class = 'open' AND v.amount > 0 AND pg_catalog.isfinite(v.due_date)) AS max_days_past_due
          -- all customers, or those asked for (by index: a plan for both
          -- would scan the whole mirror for one customer)
          FROM (SELECT * FROM ar_credit.receivable AS v WHERE customers IS NULL
                UNION ALL
                SELECT * FROM ar_credit.receivable AS v WHERE v.customer_key = ANY (customers)) AS v
          LEFT JOIN ar_credit.credit_account AS a ON a.customer_key = v.customer_key
         WHERE NOT v.gone AND v.class IN ('open', 'suspended', 'credit') AND v.customer_key IS NOT NULL
         GROUP BY 1, 2),
    o AS (
        SELECT x.customer_key, COALESCE(pg_catalog.upper(x.currency), a.currency) AS currency,
               pg_catalog.sum(x.amount) AS open_orders
          FROM ar_credit.open_orders(customers) AS x
          LEFT JOIN ar_credit.credit_account AS a ON a.customer_key = x.customer_key
         GROUP BY 1, 2)
    SELECT COALESCE(r.customer_key, o.customer_key), COALESCE(r.currency, o.currency),
           COALESCE(r.open_receivables, 0), COALESCE(r.overdue, 0), COALESCE(o.open_orders, 0), r.max_days_past_due
      FROM r FULL JOIN o ON o.customer_key = r.customer_key AND COALESCE(o.currency, '') = COALESCE(r.currency, '');
END
$$;
COMMENT ON FUNCTION ar_credit.customer_exposure(pg_catalog.text[]) IS
    'open receivables (credits netted), overdue amount, open orders and the longest days past due per customer and currency (customers NULL: all)';

-- one row per customer asked for; 22023 when its items are in several currencies
CREATE FUNCTION ar_credit.customer_figures(customers pg_catalog.text[])
RETURNS TABLE (customer_key pg_catalog.text, currency pg_catalog.text, has_account pg_catalog.bool,
               on_hold pg_catalog.bool, hold_reason pg_catalog.text, open_receivables pg_catalog.numeric,
               overdue pg_catalog.numeric, open_orders pg_catalog.numeric, exposure pg_catalog.numeric,
               max_days_past_due pg_catalog.int4, credit_limit pg_catalog.numeric, granted_limit pg_catalog.numeric,
               risk_class pg_catalog.text)
LANGUAGE plpgsql STABLE PARALLEL UNSAFE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    r record;
BEGIN
    FOR r IN
        WITH e AS (SELECT * FROM ar_credit.customer_exposure(customers))
        SELECT c.k, a.customer_key IS NOT NULL AS has_account, a.currency AS account_currency,
               COALESCE(a.on_hold, false) AS on_hold, a.hold_reason, a.risk_class,
               a.credit_limit AS granted_limit,
               pg_catalog.round(a.credit_limit * COALESCE(p.limit_factor, 1), 2) AS credit_limit, x.*
          FROM (SELECT DISTINCT u.k FROM pg_catalog.unnest(customers) AS u(k) WHERE u.k IS NOT NULL) AS c
          LEFT JOIN ar_credit.credit_account AS a ON a.customer_key = c.k
          LEFT JOIN ar_credit.credit_policy AS p ON p.risk_class = a.risk_class
          LEFT JOIN (
              SELECT e.customer_key,
                     pg_catalog.array_agg(DISTINCT e.currency) FILTER (WHERE e.currency IS NOT NULL) AS currencies,
                     pg_catalog.sum(e.open_receivables) AS open_receivables,
                     pg_catalog.sum(e.overdue) AS overdue,
                     pg_catalog.sum(e.open_orders) AS open_orders,
                     pg_catalog.max(e.max_days_past_due) AS max_days_past_due
                FROM e GROUP BY e.customer_key) AS x ON x.customer_key = c.k
         ORDER BY c.k
    LOOP
        IF pg_catalog.cardinality(r.currencies) > 1
           OR (r.account_currency IS NOT NULL AND r.currencies IS NOT NULL AND r.currencies <> ARRAY[r.account_currency]) THEN
            RAISE EXCEPTION 'customer "%" has open items in several currencies: %', ar_credit.clip(r.k),
                  pg_catalog.array_to_string(r.currencies, ', ')
                  USING ERRCODE = '22023',
                        DETAIL = pg_catalog.format('The credit account''s currency is %s; ar_credit never adds amounts across currencies.',
                                                   COALESCE(r.account_currency, 'not set')),
                        HINT = 'Map amounts converted into one currency (an expression in track() or guard()), or keep one currency per customer.';
        END IF;
        customer_key := r.k;
        currency := COALESCE(r.currencies[1], r.account_currency);
        has_account := r.has_account;
        on_hold := r.on_hold;
        hold_reason := r.hold_reason;
        open_receivables := COALESCE(r.open_receivables, 0);
        overdue := COALESCE(r.overdue, 0);
        open_orders := COALESCE(r.open_orders, 0);
        exposure := COALESCE(r.open_receivables, 0) + COALESCE(r.open_orders, 0);
        max_days_past_due := r.max_days_past_due;
        credit_limit := r.credit_limit;
        granted_limit := r.granted_limit;
        risk_class := r.risk_class;
        RETURN NEXT;
    END LOOP;
END
$$;
COMMENT ON FUNCTION ar_credit.customer_figures(pg_catalog.text[]) IS
    'the credit figures of each customer named: account, exposure and its parts, longest days past due, limit in force; 22023 for items in several currencies';

CREATE FUNCTION ar_credit.exposure(customer_key pg_catalog.text)
RETURNS pg_catalog.numeric
LANGUAGE plpgsql STABLE PARALLEL UNSAFE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    result pg_catalog.numeric;
BEGIN
    IF exposure.customer_key IS NULL THEN
        RAISE EXCEPTION 'customer_key must not be NULL' USING ERRCODE = '22004';
    END IF;
    SELECT f.exposure INTO result FROM ar_credit.customer_figures(ARRAY[exposure.customer_key]) AS f;
    RETURN result;
END
$$;
COMMENT ON FUNCTION ar_credit.exposure(pg_catalog.text) IS
    'a customer''s exposure: open receivables over all tracked tables (credits netted) plus open orders of the guarded tables; 22023 across currencies';

CREATE FUNCTION ar_credit.credit_check(customer_key pg_catalog.text, amount pg_catalog.numeric)
RETURNS TABLE (ok pg_catalog.bool, reason pg_catalog.text, exposure pg_catalog.numeric, available pg_catalog.numeric)
LANGUAGE plpgsql STABLE PARALLEL UNSAFE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
    f record;
    d pg_catalog.text;
BEGIN
    IF credit_check.customer_key IS NULL OR credit_check.amount IS NULL THEN
        RAISE EXCEPTION 'customer_key and amount must not be NULL' USING ERRCODE = '22004';
    END IF;
    IF credit_check.amount IN ('NaN', 'Infinity', '-Infinity') THEN
        RAISE EXCEPTION 'amount must be a finite number, not %', credit_check.amount USING ERRCODE = '22023';
    END IF;
    SELECT * INTO f FROM ar_credit.customer_figures(ARRAY[credit_check.customer_key]);
    d := ar_credit.credit_decision(f.has_account, f.on_hold, f.max_days_past_due, f.exposure,
                                   credit_check.amount, f.credit_limit);
    ok := d IN ('ok', 'no_account', 'no_limit');
    reason := CASE d
        WHEN 'no_account' THEN 'no credit account'
        WHEN 'no_limit' THEN 'no credit limit'
        WHEN 'on_hold' THEN 'on hold: ' || COALESCE(f.hold_reason, 'no reason given')
        WHEN 'overdue' THEN pg_catalog.format('an invoice is %s days past due (ar_credit.block_overdue_days = %s)',
                                              f.max_days_past_due, pg_catalog.current_setting('ar_credit.block_overdue_days'))
        WHEN 'over_limit' THEN pg_catalog.format('exposure %s + amount %s exceeds the credit limit %s',
                                                 f.exposure, credit_check.amount, f.credit_limit)
        END;
    exposure := f.exposure;
    available := f.credit_limit - f.exposure;
    RETURN NEXT;
END
$$;
COMMENT ON FUNCTION ar_credit.credit_check(pg_catalog.text, pg_catalog.numeric) IS
    'may the customer order amount more? false with a reason when on hold, past the limit (exposure + amount > limit) or an invoice is more than ar_credit.block_overdue_days past due; exposure and available before the amount';

CREATE VIEW ar_credit.credit_exposure WITH (security_barrier) AS
SELECT COALESCE(e.customer_key, a.customer_key) AS customer_key,
       COALESCE(e.currency, a.currency) AS currency,
       COALESCE(e.open_receivables, 0) AS open_receivables,
       COALESCE(e.overdue, 0) AS overdue,
       COALESCE(e.open_orders, 0) AS open_orders,
       COALESCE(e.open_receivables, 0) + COALESCE(e.open_orders, 0) AS exposure,
       l.credit_limit,
       l.credit_limit - (COALESCE(e.open_receivables, 0) + COALESCE(e.open_orders, 0)) AS available,
       pg_catalog.round(100 * (COALESCE(e.open_receivables, 0) + COALESCE(e.open_orders, 0))
                        / NULLIF(l.credit_limit, 0), 2) AS utilisation_pct,
       COALESCE(a.on_hold, false) AS on_hold,
       a.risk_class,
       CASE WHEN l.credit_limit IS NOT NULL OR a.credit_limit IS NULL THEN a.credit_limit END AS granted_limit,
       a.insured_limit,
       GREATEST(COALESCE(e.open_receivables, 0) + COALESCE(e.open_orders, 0) - a.insured_limit, 0) AS uninsured,
       a.collector
  FROM ar_credit.customer_exposure(NULL) AS e
  FULL JOIN ar_credit.credit_account AS a ON a.customer_key = e.customer_key
  LEFT JOIN ar_credit.credit_policy AS p ON p.risk_class = a.risk_class
  CROSS JOIN LATERAL (
      SELECT CASE WHEN a.currency IS NULL OR e.currency IS NULL OR a.currency = e.currency
                  THEN pg_catalog.round(a.credit_limit * COALESCE(p.limit_factor, 1), 2) END AS credit_limit) AS l;
COMMENT ON VIEW ar_credit.credit_exposure IS
    'exposure of each customer (with an account or open items) per currency against the limit in force';
COMMENT ON COLUMN ar_credit.credit_exposure.customer_key IS 'customer';
COMMENT ON COLUMN ar_credit.credit_exposure.currency IS 'currency of the figures (items without one count in the account''s)';
COMMENT ON COLUMN ar_credit.credit_exposure.open_receivables IS 'open receivables over all tracked tables, credits netted';
COMMENT ON COLUMN ar_credit.credit_exposure.overdue IS 'the part of open invoices past due';
COMMENT ON COLUMN ar_credit.credit_exposure.open_orders IS 'open orders of the guarded tables';
COMMENT ON COLUMN ar_credit.credit_exposure.exposure IS 'open_receivables + open_orders';
COMMENT ON COLUMN ar_credit.credit_exposure.credit_limit IS 'limit in force: granted limit x limit_factor of the risk class (NULL: none, or another currency)';
COMMENT ON COLUMN ar_credit.credit_exposure.available IS 'credit_limit - exposure (negative: over the limit)';
COMMENT ON COLUMN ar_credit.credit_exposure.utilisation_pct IS '100 x exposure / credit_limit, 2 decimals';
COMMENT ON COLUMN ar_credit.credit_exposure.on_hold IS 'the account is on hold';
COMMENT ON COLUMN ar_credit.credit_exposure.risk_class IS 'current risk class (refresh_risk)';
COMMENT ON COLUMN ar_credit.credit_exposure.granted_limit IS 'credit_account.credit_limit, before the class''s factor';
COMMENT ON COLUMN ar_credit.credit_exposure.insured_limit IS 'credit_account.insured_limit';
COMMENT ON COLUMN ar_credit.credit_exposure.uninsured IS 'exposure above the insured limit';
COMMENT ON COLUMN ar_credit.credit_exposure.collector IS 'who owns the account';

-- ---------------------------------------------------------------------
-- guard(): the constraint trigger on the user's orders table
-- ---------------------------------------------------------------------
CREATE FUNCTION ar_credit.guard_armed(orders pg_catalog.regclass)
RETURNS pg_catalog.bool AS 'MODULE_PATHNAME', 'credit_guard_armed'
LANGUAGE C VOLATILE STRICT PARALLEL UNSAFE;
COMMENT ON FUNCTION ar_credit.guard_armed(pg_catalog.regclass) IS
    'WHEN clause of the guard''s constraint trigger: true for the first row of a transaction (one check queued per table and transaction)';

CREATE FUNCTION ar_credit.guard_collect()
RETURNS trigger AS 'MODULE_PATHNAME', 'credit_guard_collect'
LANGUAGE C;
COMMENT ON FUNCTION ar_credit.guard_collect() IS
    'statement trigger of a guarded table: notes the customers whose open orders the statement grew (transition tables); attach with ar_credit.guard()';

CREATE FUNCTION ar_credit.guard_check()
RETURNS trigger AS 'MODULE_PATHNAME', 'credit_guard_check'
LANGUAGE C;
COMMENT ON FUNCTION ar_credit.guard_check() IS
    'constraint trigger of a guarded table (deferred): checks every customer noted in the transaction; attach with ar_credit.guard()';

-- the check proper, as the extension's owner (guard_check calls it)
CREATE FUNCTION ar_credit.guard_verify(rel pg_catalog.regclass, customers pg_catalog.text[], deltas pg_catalog.numeric[],
                                       writer pg_catalog.regrole, override pg_catalog.text)
RETURNS void
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    m pg_catalog.text;
    checked pg_catalog.text[];
    f record;
    failed pg_catalog.int4 := 0;
    first record;
    alert_id pg_catalog.int8;
BEGIN
    SELECT g.mode INTO m FROM ar_credit.guarded_table AS g WHERE g.relid = rel;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    -- Two transactions adding orders of one customer must not both pass on
    -- figures that ignore the other's: the check locks the customer's account
    -- row (in key order, so two checkers never deadlock) and holds it to the
    -- end of the transaction, then reads the figures anew.  Read committed:
    -- the second checker waits for the first to end and sees its orders.
    -- Repeatable read and serializable cannot see them: the row is also
    -- updated, so the second fails with 40001 and is retried.
    SELECT pg_catalog.array_agg(a.customer_key ORDER BY a.customer_key) INTO checked
      FROM (SELECT a.customer_key FROM ar_credit.credit_account AS a
             WHERE a.customer_key = ANY (customers) ORDER BY a.customer_key FOR NO KEY UPDATE) AS a;
    IF checked IS NULL THEN
        RETURN;
    END IF;
    IF pg_catalog.current_setting('transaction_isolation') <> 'read committed' THEN
        UPDATE ar_credit.credit_account AS a SET customer_key = a.customer_key WHERE a.customer_key = ANY (checked);
    END IF;
    FOR f IN
        SELECT x.*, ar_credit.credit_decision(x.has_account, x.on_hold, x.max_days_past_due, x.exposure, 0, x.credit_limit) AS decision,
               d.added
          FROM ar_credit.customer_figures(checked) AS x
          JOIN (SELECT u.c, pg_catalog.sum(u.d) AS added FROM ROWS FROM (pg_catalog.unnest(customers), pg_catalog.unnest(deltas)) AS u(c, d) GROUP BY u.c) AS d
            ON d.c = x.customer_key
         ORDER BY x.customer_key
    LOOP
        CONTINUE WHEN f.decision IN ('ok', 'no_account', 'no_limit');
        failed := failed + 1;
        IF failed = 1 THEN
            first := f;
        END IF;
        IF m = 'warn' OR override IS NOT NULL THEN
            INSERT INTO ar_credit.credit_event (customer_key, kind, source, outcome, reason, amount, exposure, credit_limit, by_role)
            VALUES (f.customer_key, CASE WHEN m = 'warn' THEN 'warning' ELSE 'override' END, rel, f.decision,
                    CASE WHEN m = 'block' THEN override END, f.added, f.exposure, f.credit_limit, writer::pg_catalog.text);
        END IF;
        IF m = 'warn' THEN
            INSERT INTO ar_credit.alert (customer_key, kind, detail, source)
            VALUES (f.customer_key, 'limit_exceeded',
                    pg_catalog.jsonb_build_object('outcome', f.decision, 'exposure', f.exposure, 'credit_limit', f.credit_limit,
                                                  'added', f.added, 'max_days_past_due', f.max_days_past_due,
                                                  'source', ar_credit.qualified_name(rel), 'by_role', writer::pg_catalog.text),
                    rel)
            RETURNING id INTO alert_id;
            PERFORM pg_catalog.pg_notify('ar_credit_alert', alert_id::pg_catalog.text);
            RAISE WARNING '%', ar_credit.guard_message(f.customer_key, f.decision, f.exposure, f.credit_limit, f.max_days_past_due)
                  USING DETAIL = pg_catalog.format('This transaction adds %s to the open orders of %s; guard mode is warn: recorded as an alert.',
                                                   f.added, ar_credit.qualified_name(rel));
        END IF;
    END LOOP;
    IF failed > 0 AND m = 'block' AND override IS NULL THEN
        RAISE EXCEPTION '%', ar_credit.guard_message(first.customer_key, first.decision, first.exposure, first.credit_limit,
                                                     first.max_days_past_due)
              USING ERRCODE = '23514', TABLE = ar_credit.qualified_name(rel),
                    DETAIL = pg_catalog.format('This transaction adds %s to the open orders of %s.%s%s', first.added,
                                               ar_credit.qualified_name(rel),
                                               CASE WHEN first.decision = 'on_hold'
                                                    THEN pg_catalog.format(' Hold reason: %s.', COALESCE(first.hold_reason, 'none given')) ELSE '' END,
                                               CASE WHEN failed > 1 THEN pg_catalog.format(' %s more customer(s) fail the check.', failed - 1) ELSE '' END),
                    HINT = 'Lower or split the order, ask for a deposit (ar_credit.required_deposit), settle the overdue invoices, or have a member of ar_credit_credit_manager SET LOCAL ar_credit.credit_override = ''reason''.';
    END IF;
END
$$;
COMMENT ON FUNCTION ar_credit.guard_verify(pg_catalog.regclass, pg_catalog.text[], pg_catalog.numeric[], pg_catalog.regrole, pg_catalog.text) IS
    'the guard''s check of the customers a transaction added orders for: locks their accounts, then blocks (23514), warns (alert) or records the override';

CREATE FUNCTION ar_credit.guard_message(customer_key pg_catalog.text, decision pg_catalog.text, exposure pg_catalog.numeric,
                                        credit_limit pg_catalog.numeric, max_days_past_due pg_catalog.int4)
RETURNS pg_catalog.text
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT pg_catalog.format('%s for customer "%s": exposure %s, credit limit %s',
                             CASE decision WHEN 'on_hold' THEN 'credit account on hold'
                                           WHEN 'overdue' THEN pg_catalog.format('invoice %s days past due (ar_credit.block_overdue_days = %s)',
                                                                                 max_days_past_due, pg_catalog.current_setting('ar_credit.block_overdue_days'))
                                           ELSE 'credit limit exceeded' END,
                             ar_credit.clip(customer_key), exposure, COALESCE(credit_limit::pg_catalog.text, 'none'))
$$;
COMMENT ON FUNCTION ar_credit.guard_message(pg_catalog.text, pg_catalog.text, pg_catalog.numeric, pg_catalog.numeric, pg_catalog.int4) IS
    'the message of a failed guard check: what failed, the customer, the exposure and the limit';

CREATE FUNCTION ar_credit.guard_internal(orders pg_catalog.regclass, unused pg_catalog.regclass, args pg_catalog.jsonb)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    rel record;
    sp pg_catalog.text := args ->> 'search_path';
    g ar_credit.guarded_table;
BEGIN
    IF args ->> 'customer_column' IS NULL OR args ->> 'amount_column' IS NULL OR args ->> 'mode' IS NULL THEN
        RAISE EXCEPTION 'orders, customer_column, amount_column and mode must not be NULL' USING ERRCODE = '22004';
    END IF;
    g.mode := args ->> 'mode';
    IF g.mode NOT IN ('block', 'warn') THEN
        RAISE EXCEPTION 'invalid guard mode: "%"', ar_credit.clip(g.mode) USING ERRCODE = '22023',
              HINT = 'mode is block (refuse the transaction, 23514) or warn (a WARNING and an alert).';
    END IF;
    SELECT c.relkind, c.relpersistence, c.relhassubclass, c.relispartition INTO rel
      FROM pg_catalog.pg_class AS c WHERE c.oid = orders;
    IF rel.relkind = 'p' OR rel.relhassubclass OR rel.relispartition
       OR EXISTS (SELECT 1 FROM pg_catalog.pg_inherits AS i WHERE i.inhrelid = orders) THEN
        RAISE EXCEPTION 'cannot guard "%": partitioned and inheritance tables are not supported yet', orders
              USING ERRCODE = '0A000', DETAIL = 'Rows written straight into a partition or child would escape the check.';
    END IF;
    IF rel.relkind <> 'r' THEN
        RAISE EXCEPTION '"%" is not a table', orders USING ERRCODE = '42809';
    END IF;
    IF rel.relpersistence = 't' THEN
        RAISE EXCEPTION 'cannot guard temporary table %', orders USING ERRCODE = '0A000';
    END IF;
    g.relid := orders;
    g.customer_column := ar_credit.mapping_check(orders, 'customer_column', args ->> 'customer_column', 'text', sp);
    g.amount_column := ar_credit.mapping_check(orders, 'amount_column', args ->> 'amount_column', 'amount', sp);
    g.currency_column := ar_credit.mapping_check(orders, 'currency_column', args ->> 'currency_column', 'text', sp);
    g.filter := ar_credit.mapping_check(orders, 'filter', args ->> 'filter', 'bool', sp);
    g.guarded_at := pg_catalog.now();
    INSERT INTO ar_credit.guarded_table AS t SELECT g.* ON CONFLICT (relid) DO UPDATE
       SET customer_column = EXCLUDED.customer_column, amount_column = EXCLUDED.amount_column,
           mode = EXCLUDED.mode, filter = EXCLUDED.filter, currency_column = EXCLUDED.currency_column,
           guarded_at = EXCLUDED.guarded_at;
    PERFORM ar_credit.drop_guard_triggers(orders);
    EXECUTE pg_catalog.format('CREATE CONSTRAINT TRIGGER ar_credit_guard AFTER INSERT OR UPDATE ON %s'
                              ' DEFERRABLE INITIALLY DEFERRED FOR EACH ROW'
                              ' WHEN (ar_credit.guard_armed(%L::pg_catalog.regclass))'
                              ' EXECUTE FUNCTION ar_credit.guard_check()', orders, orders::pg_catalog.oid);
    EXECUTE pg_catalog.format('CREATE TRIGGER ar_credit_guard_ins AFTER INSERT ON %s REFERENCING NEW TABLE AS ar_credit_new'
                              ' FOR EACH STATEMENT EXECUTE FUNCTION ar_credit.guard_collect()', orders);
    EXECUTE pg_catalog.format('CREATE TRIGGER ar_credit_guard_upd AFTER UPDATE ON %s'
                              ' REFERENCING OLD TABLE AS ar_credit_old NEW TABLE AS ar_credit_new'
                              ' FOR EACH STATEMENT EXECUTE FUNCTION ar_credit.guard_collect()', orders);
END
$$;
COMMENT ON FUNCTION ar_credit.guard_internal(pg_catalog.regclass, pg_catalog.regclass, pg_catalog.jsonb) IS
    'the work of guard(), run as the extension''s owner by owner_call()';

CREATE FUNCTION ar_credit.drop_guard_triggers(orders pg_catalog.regclass)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    tg record;
BEGIN
    FOR tg IN SELECT t.tgname FROM pg_catalog.pg_trigger AS t
               WHERE t.tgrelid = orders AND NOT t.tgisinternal
                 AND t.tgname IN ('ar_credit_guard', 'ar_credit_guard_ins', 'ar_credit_guard_upd')
    LOOP
        EXECUTE pg_catalog.format('DROP TRIGGER %I ON %s', tg.tgname, orders);
    END LOOP;
END
$$;
COMMENT ON FUNCTION ar_credit.drop_guard_triggers(pg_catalog.regclass) IS
    'drops the triggers guard() attached to a table';

-- guard(): SQL-standard body, so that current_setting('search_path') is the
-- caller's (mappings are resolved with it) while the body itself was bound
-- when the extension was created
CREATE FUNCTION ar_credit.guard(orders pg_catalog.regclass, customer_column pg_catalog.text, amount_column pg_catalog.text,
                                mode pg_catalog.text DEFAULT 'block', filter pg_catalog.text DEFAULT NULL,
                                currency_column pg_catalog.text DEFAULT NULL)
RETURNS void
LANGUAGE sql VOLATILE
BEGIN ATOMIC
    SELECT ar_credit.owner_call('guard', orders, NULL::pg_catalog.regclass,
                                pg_catalog.jsonb_build_object('customer_column', customer_column, 'amount_column', amount_column,
                                                              'mode', mode, 'filter', filter, 'currency_column', currency_column,
                                                              'search_path', pg_catalog.current_setting('search_path')));
END;
COMMENT ON FUNCTION ar_credit.guard(pg_catalog.regclass, pg_catalog.text, pg_catalog.text, pg_catalog.text, pg_catalog.text, pg_catalog.text) IS
    'attaches the credit check to an orders (or invoices) table: a deferred constraint trigger that refuses (block, 23514) or warns about (warn) a transaction whose new orders put a customer past credit_check; mappings are columns or expressions, filter selects the open orders; callable by the table''s owner';

CREATE FUNCTION ar_credit.unguard_internal(orders pg_catalog.regclass, unused pg_catalog.regclass, args pg_catalog.jsonb)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    PERFORM ar_credit.drop_guard_triggers(orders);
    DELETE FROM ar_credit.guarded_table AS g WHERE g.relid = orders;
    IF NOT FOUND THEN
        RAISE NOTICE 'table % is not guarded', orders;
    END IF;
END
$$;
COMMENT ON FUNCTION ar_credit.unguard_internal(pg_catalog.regclass, pg_catalog.regclass, pg_catalog.jsonb) IS
    'the work of unguard(), run as the extension''s owner by owner_call()';

CREATE FUNCTION ar_credit.unguard(orders pg_catalog.regclass)
RETURNS void
LANGUAGE sql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$ SELECT ar_credit.owner_call('unguard', orders, NULL, NULL) $$;
COMMENT ON FUNCTION ar_credit.unguard(pg_catalog.regclass) IS
    'detaches the credit check from an orders table (its open orders no longer count in the exposure)';

-- a guarded table dropped takes its row along (its OID may be reused)
CREATE FUNCTION ar_credit.on_guarded_drop()
RETURNS event_trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    DELETE FROM ar_credit.guarded_table AS g
     WHERE g.relid::pg_catalog.oid IN (SELECT d.objid FROM pg_catalog.pg_event_trigger_dropped_objects() AS d
                                        WHERE d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.objsubid = 0);
END
$$;
COMMENT ON FUNCTION ar_credit.on_guarded_drop() IS
    'event trigger on sql_drop: forgets the guarded tables dropped';
CREATE EVENT TRIGGER ar_credit_guarded_drop ON sql_drop
    EXECUTE FUNCTION ar_credit.on_guarded_drop();

-- A mapping that no longer compiles would make every later write to the
-- guarded table fail at its first statement: a change of a guarded table
-- that breaks its mapping (a mapped column renamed, dropped or retyped) is
-- refused, with the way out.
CREATE FUNCTION ar_credit.check_guard_mappings()
RETURNS event_trigger
LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    g ar_credit.guarded_table;
    param pg_catalog.text;
BEGIN
    FOR g IN SELECT t.* FROM ar_credit.guarded_table AS t
              WHERE t.relid::pg_catalog.oid IN (SELECT c.objid FROM pg_catalog.pg_event_trigger_ddl_commands() AS c
                                                 WHERE c.classid = 'pg_catalog.pg_class'::pg_catalog.regclass)
    LOOP
        BEGIN
            param := 'customer_column';
            PERFORM ar_credit.mapping_check(g.relid, param, g.customer_column, 'text', 'pg_catalog, pg_temp');
            param := 'amount_column';
            PERFORM ar_credit.mapping_check(g.relid, param, g.amount_column, 'amount', 'pg_catalog, pg_temp');
            param := 'currency_column';
            PERFORM ar_credit.mapping_check(g.relid, param, g.currency_column, 'text', 'pg_catalog, pg_temp');
            param := 'filter';
            PERFORM ar_credit.mapping_check(g.relid, param, g.filter, 'bool', 'pg_catalog, pg_temp');
        EXCEPTION WHEN OTHERS THEN
            RAISE EXCEPTION 'cannot change table %: its credit guard''s % would no longer work', g.relid, param
                  USING ERRCODE = '2BP01', DETAIL = SQLERRM,
                        HINT = pg_catalog.format('Run SELECT ar_credit.unguard(%L) first, then guard the table again with the new names.',
                                                 g.relid::pg_catalog.text);
        END;
    END LOOP;
END
$$;
COMMENT ON FUNCTION ar_credit.check_guard_mappings() IS
    'event trigger on ddl_command_end: refuses a change of a guarded table that breaks its mapping (2BP01)';
CREATE EVENT TRIGGER ar_credit_guard_ddl ON ddl_command_end WHEN TAG IN ('ALTER TABLE')
    EXECUTE FUNCTION ar_credit.check_guard_mappings();

-- ---------------------------------------------------------------------
-- risk kept current
-- ---------------------------------------------------------------------
CREATE FUNCTION ar_credit.raise_alert(customer_key pg_catalog.text, kind pg_catalog.text, detail pg_catalog.jsonb)
RETURNS pg_catalog.int8
LANGUAGE plpgsql VOLATILE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    id pg_catalog.int8;
BEGIN
    INSERT INTO ar_credit.alert AS a (customer_key, kind, detail) VALUES (raise_alert.customer_key, raise_alert.kind, raise_alert.detail)
    RETURNING a.id INTO id;
    PERFORM pg_catalog.pg_notify('ar_credit_alert', id::pg_catalog.text);
    RETURN id;
END
$$;
COMMENT ON FUNCTION ar_credit.raise_alert(pg_catalog.text, pg_catalog.text, pg_catalog.jsonb) IS
    'records an alert and announces it with NOTIFY ar_credit_alert (its id)';

CREATE FUNCTION ar_credit.refresh_risk(as_of pg_catalog.date DEFAULT CURRENT_DATE)
RETURNS pg_catalog.int4
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    r record;
    score pg_catalog.int4;
    cls pg_catalog.text;
    prev pg_catalog.text;
    n pg_catalog.int4 := 0;
BEGIN
    IF refresh_risk.as_of IS NULL THEN
        RAISE EXCEPTION 'as_of must not be NULL' USING ERRCODE = '22004';
    END IF;
    IF NOT pg_catalog.isfinite(refresh_risk.as_of) THEN
        RAISE EXCEPTION 'as_of must be a finite date, not %', refresh_risk.as_of USING ERRCODE = '22008';
    END IF;
    FOR r IN
        WITH c AS (
            SELECT a.customer_key FROM ar_credit.credit_account AS a
            UNION SELECT s.customer_key FROM ar_credit.financial_statement AS s WHERE s.period_end <= refresh_risk.as_of
            UNION SELECT e.customer_key FROM ar_credit.payment_event AS e
                   WHERE e.customer_key IS NOT NULL AND e.paid_on <= refresh_risk.as_of AND e.paid_on > refresh_risk.as_of - 365),
        fin AS (
            SELECT DISTINCT ON (s.customer_key) s.customer_key, ar_credit.financial_score(s.model_score, s.model) AS fs
              FROM ar_credit.financial_statement AS s
             WHERE s.period_end <= refresh_risk.as_of AND s.model_score IS NOT NULL
             ORDER BY s.customer_key, s.period_end DESC),
        pay AS (
            SELECT e.customer_key,
                   ar_credit.paydex(e.amount, e.days_late) FILTER (WHERE e.paid_on > refresh_risk.as_of - 365) AS paydex,
                   ar_credit.paydex(e.amount, e.days_late) FILTER (WHERE e.paid_on > refresh_risk.as_of - 90) AS recent,
                   ar_credit.paydex(e.amount, e.days_late) FILTER (WHERE e.paid_on <= refresh_risk.as_of - 90) AS before
              FROM ar_credit.payment_event AS e
             WHERE e.paid_on <= refresh_risk.as_of AND e.paid_on > refresh_risk.as_of - 455
             GROUP BY e.customer_key),
        x AS (
            SELECT v.customer_key, v.exposure, v.granted_limit FROM ar_credit.credit_exposure AS v
             WHERE v.credit_limit IS NOT NULL)
        SELECT c.customer_key, fin.fs, pay.paydex, pay.recent, pay.before, x.exposure, x.granted_limit,
               (SELECT pg_catalog.max(k.as_of) FROM ar_credit.customer_risk AS k WHERE k.customer_key = c.customer_key) AS latest
          FROM c
          LEFT JOIN fin ON fin.customer_key = c.customer_key
          LEFT JOIN pay ON pay.customer_key = c.customer_key
          LEFT JOIN x ON x.customer_key = c.customer_key
         ORDER BY c.customer_key
    LOOP
        score := ar_credit.solvency_score(r.fs, r.paydex, r.exposure, r.granted_limit);
        CONTINUE WHEN score IS NULL;
        cls := ar_credit.risk_class(score);
        -- the class before: that day's row when refreshed again, else the last one before
        SELECT k.risk_class INTO prev FROM ar_credit.customer_risk AS k
         WHERE k.customer_key = r.customer_key AND k.as_of <= refresh_risk.as_of
         ORDER BY k.as_of DESC LIMIT 1;
        INSERT INTO ar_credit.customer_risk AS k (customer_key, as_of, financial_score, paydex, score, risk_class,
                                                  exposure, credit_limit, computed_at)
        VALUES (r.customer_key, refresh_risk.as_of, r.fs, r.paydex, score, cls, r.exposure, r.granted_limit, pg_catalog.now())
        ON CONFLICT ON CONSTRAINT customer_risk_pkey DO UPDATE
           SET financial_score = EXCLUDED.financial_score, paydex = EXCLUDED.paydex, score = EXCLUDED.score,
               risk_class = EXCLUDED.risk_class, exposure = EXCLUDED.exposure, credit_limit = EXCLUDED.credit_limit,
               computed_at = EXCLUDED.computed_at;
        n := n + 1;
        -- the account follows its latest row (a refresh of a past day leaves it)
        IF r.latest IS NULL OR r.latest <= refresh_risk.as_of THEN
            UPDATE ar_credit.credit_account AS a SET risk_class = cls
             WHERE a.customer_key = r.customer_key AND a.risk_class IS DISTINCT FROM cls;
        END IF;
        IF ar_credit.risk_class_worse(cls, prev) THEN
            PERFORM ar_credit.raise_alert(r.customer_key, 'risk_class_down',
                    pg_catalog.jsonb_build_object('from', prev, 'to', cls, 'score', score, 'as_of', refresh_risk.as_of));
        END IF;
        IF ar_credit.paydex_dropped(r.recent, r.before)
           AND NOT EXISTS (SELECT 1 FROM ar_credit.alert AS l
                            WHERE l.customer_key = r.customer_key AND l.kind = 'paydex_drop' AND NOT l.acknowledged) THEN
            PERFORM ar_credit.raise_alert(r.customer_key, 'paydex_drop',
                    pg_catalog.jsonb_build_object('last_90_days', r.recent, 'previous_12_months', r.before,
                                                  'threshold', pg_catalog.current_setting('ar_credit.paydex_drop_threshold')::pg_catalog.int4,
                                                  'as_of', refresh_risk.as_of));
        END IF;
    END LOOP;
    RETURN n;
END
$$;
COMMENT ON FUNCTION ar_credit.refresh_risk(pg_catalog.date) IS
    'scores every customer with an account, a statement or payments as of a day: financial part from the latest financial_statement, paydex of 12 months of payment_event, exposure against the limit; writes customer_risk, the account''s risk_class, and alerts risk_class_down and paydex_drop; returns the rows written';

CREATE FUNCTION ar_credit.required_deposit(customer_key pg_catalog.text, amount pg_catalog.numeric)
RETURNS pg_catalog.numeric
LANGUAGE plpgsql STABLE PARALLEL SAFE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    pct pg_catalog.numeric;
BEGIN
    IF required_deposit.customer_key IS NULL OR required_deposit.amount IS NULL THEN
        RAISE EXCEPTION 'customer_key and amount must not be NULL' USING ERRCODE = '22004';
    END IF;
    IF required_deposit.amount IN ('NaN', 'Infinity', '-Infinity') OR required_deposit.amount < 0 THEN
        RAISE EXCEPTION 'amount must be a finite number >= 0, not %', required_deposit.amount USING ERRCODE = '22023';
    END IF;
    SELECT p.deposit_pct INTO pct
      FROM ar_credit.customer_risk AS k
      JOIN ar_credit.credit_policy AS p ON p.risk_class = k.risk_class
     WHERE k.customer_key = required_deposit.customer_key
     ORDER BY k.as_of DESC LIMIT 1;
    RETURN pg_catalog.round(required_deposit.amount * COALESCE(pct, 0) / 100, 2);
END
$$;
COMMENT ON FUNCTION ar_credit.required_deposit(pg_catalog.text, pg_catalog.numeric) IS
    'deposit to ask with an order: amount x credit_policy.deposit_pct of the class of the customer''s latest customer_risk row / 100, rounded to cents (0 without a row)';

-- a credit account's dunning policy must exist
CREATE FUNCTION ar_credit.credit_account_check()
RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF NEW.policy IS NOT NULL AND NOT EXISTS (SELECT 1 FROM ar_credit.dunning_step AS s WHERE s.policy = NEW.policy) THEN
        RAISE EXCEPTION 'unknown dunning policy: "%"', ar_credit.clip(NEW.policy) USING ERRCODE = '23503',
              HINT = 'Policies are the rows of ar_credit.dunning_step (shipped: standard, strict).';
    END IF;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION ar_credit.credit_account_check() IS
    'trigger of credit_account: the dunning policy named must exist';
CREATE TRIGGER credit_account_check
    BEFORE INSERT OR UPDATE OF policy ON ar_credit.credit_account
    FOR EACH ROW EXECUTE FUNCTION ar_credit.credit_account_check();

-- ---------------------------------------------------------------------
-- roles and privileges
-- ---------------------------------------------------------------------
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'ar_credit_credit_manager') THEN
        CREATE ROLE ar_credit_credit_manager NOLOGIN;
    END IF;
END
$$;

REVOKE ALL ON ar_credit.credit_account, ar_credit.credit_event, ar_credit.financial_statement,
              ar_credit.customer_risk, ar_credit.guarded_table FROM PUBLIC;
-- the rules are internal too: only the functions above call them
REVOKE ALL ON FUNCTION ar_credit.credit_decision(pg_catalog.bool, pg_catalog.bool, pg_catalog.int4, pg_catalog.numeric, pg_catalog.numeric, pg_catalog.numeric),
                       ar_credit.risk_class_worse(pg_catalog.text, pg_catalog.text),
                       ar_credit.paydex_dropped(pg_catalog.int4, pg_catalog.int4),
                       ar_credit.guard_message(pg_catalog.text, pg_catalog.text, pg_catalog.numeric, pg_catalog.numeric, pg_catalog.int4)
  FROM PUBLIC;
REVOKE ALL ON FUNCTION ar_credit.open_orders(pg_catalog.text[]),
                       ar_credit.customer_exposure(pg_catalog.text[]),
                       ar_credit.customer_figures(pg_catalog.text[]),
                       ar_credit.exposure(pg_catalog.text),
                       ar_credit.credit_check(pg_catalog.text, pg_catalog.numeric),
                       ar_credit.required_deposit(pg_catalog.text, pg_catalog.numeric),
                       ar_credit.refresh_risk(pg_catalog.date),
                       ar_credit.guard_verify(pg_catalog.regclass, pg_catalog.text[], pg_catalog.numeric[], pg_catalog.regrole, pg_catalog.text),
                       ar_credit.guard_internal(pg_catalog.regclass, pg_catalog.regclass, pg_catalog.jsonb),
                       ar_credit.unguard_internal(pg_catalog.regclass, pg_catalog.regclass, pg_catalog.jsonb),
                       ar_credit.drop_guard_triggers(pg_catalog.regclass),
                       ar_credit.raise_alert(pg_catalog.text, pg_catalog.text, pg_catalog.jsonb),
                       ar_credit.on_guarded_drop(),
                       ar_credit.check_guard_mappings()
  FROM PUBLIC;
GRANT SELECT ON ar_credit.credit_account, ar_credit.credit_event, ar_credit.financial_statement,
                ar_credit.customer_risk, ar_credit.guarded_table, ar_credit.credit_exposure
   TO ar_credit_reader, ar_credit_worker, ar_credit_credit_manager;
GRANT INSERT, UPDATE, DELETE ON ar_credit.credit_account, ar_credit.financial_statement TO ar_credit_credit_manager;
GRANT EXECUTE ON FUNCTION ar_credit.customer_exposure(pg_catalog.text[]),
                          ar_credit.exposure(pg_catalog.text),
                          ar_credit.credit_check(pg_catalog.text, pg_catalog.numeric),
                          ar_credit.required_deposit(pg_catalog.text, pg_catalog.numeric)
   TO ar_credit_reader, ar_credit_worker, ar_credit_credit_manager;
GRANT EXECUTE ON FUNCTION ar_credit.refresh_risk(pg_catalog.date) TO ar_credit_credit_manager;


-- ---------------------------------------------------------------------
-- 80 collections (SPEC section 9, issue 13: what a reminder claims, and the letters)
-- ---------------------------------------------------------------------
-- (dunning_step.fee is added by the dunning prologue, section 50)

-- ar_credit install script, section 80: collections (SPEC section 9, issue
-- 13): what a reminder may claim (the open amount, late-payment interest
-- under the tracked table's regime, the recovery indemnity, the fees of the
-- levels sent) and the letters (templates per policy, level and language,
-- rendered with the invoice's figures).  The placeholder rules, number and
-- date formats live in src/letters.c.

COMMENT ON COLUMN ar_credit.dunning_step.fee IS
    'fee charged when this level is sent, in the invoice''s currency (claim_statement adds up the levels sent); shipped as 0: French B2B law gives the EUR 40 indemnity instead (Code de commerce L441-10, D441-5)';

-- ---------------------------------------------------------------------
-- what a reminder may claim
-- ---------------------------------------------------------------------
-- By receivable: reminder_text reads the invoice its reminder belongs to,
-- even when its row has left the tracked table.  A table tracked without a
-- regime is claimed under FR_B2B, the default of late_interest() and
-- recovery_indemnity() and the law the shipped letters cite.
CREATE FUNCTION ar_credit.receivable_claim(receivable_id pg_catalog.int8, as_of pg_catalog.date,
                                           OUT principal pg_catalog.numeric, OUT interest pg_catalog.numeric,
                                           OUT indemnity pg_catalog.numeric, OUT fees pg_catalog.numeric,
                                           OUT total pg_catalog.numeric)
RETURNS record
LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    r record;
BEGIN
    SELECT rc.id, rc.source, rc.item_key, rc.amount, rc.due_date, rc.class, rc.gone,
           pg_catalog.upper(pg_catalog.btrim(rc.currency)) AS currency,
           COALESCE(t.regime, 'FR_B2B') AS regime, g.currency AS regime_currency
      INTO r
      FROM ar_credit.receivable AS rc
      LEFT JOIN ar_credit.tracked_table AS t ON t.relid = rc.source
      LEFT JOIN ar_credit.interest_regime AS g ON g.regime = COALESCE(t.regime, 'FR_B2B')
     WHERE rc.id = receivable_claim.receivable_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no receivable with id %', receivable_claim.receivable_id USING ERRCODE = '22023';
    END IF;
    principal := 0.00; interest := 0.00; indemnity := 0.00; fees := 0.00;
    -- only what is still owed is claimed: paid, closed and credit items claim nothing
    IF NOT r.gone AND r.class IN ('open', 'suspended') AND r.amount > 0 THEN
        principal := r.amount;
        IF receivable_claim.as_of > r.due_date THEN
            interest := ar_credit.late_interest(r.amount, r.due_date, receivable_claim.as_of, r.regime);
            indemnity := ar_credit.recovery_indemnity(r.amount, r.regime);
        END IF;
        IF indemnity > 0 AND r.currency IS DISTINCT FROM r.regime_currency AND r.currency IS NOT NULL THEN
            RAISE EXCEPTION 'invoice "%" of % is in %, but the recovery indemnity of regime % is in %',
                  ar_credit.clip(r.item_key), ar_credit.qualified_name(r.source), ar_credit.clip(r.currency),
                  r.regime, r.regime_currency
                  USING ERRCODE = '22023',
                        HINT = 'Track the table with the interest regime of its invoices: ar_credit.track(..., regime => ...).';
        END IF;
        -- the queue has no index on sent rows by invoice (it would slow every
        -- completion down): it is read only when some level charges a fee
        IF EXISTS (SELECT 1 FROM ar_credit.dunning_step AS s WHERE s.fee > 0) THEN
            SELECT COALESCE(pg_catalog.sum(s.fee), 0) INTO fees
              FROM (SELECT DISTINCT q.policy, q.level
                      FROM ar_credit.dunning_queue AS q
                     WHERE q.receivable_id = r.id AND q.state = 'sent') AS x
              JOIN ar_credit.dunning_step AS s ON s.policy = x.policy AND s.level = x.level;
        END IF;
    END IF;
    fees := pg_catalog.round(fees, 2);
    interest := pg_catalog.round(interest, 2);
    indemnity := pg_catalog.round(indemnity, 2);
    total := principal + interest + indemnity + fees;
END
$$;
COMMENT ON FUNCTION ar_credit.receivable_claim(pg_catalog.int8, pg_catalog.date) IS
    'the work of claim_statement() for one ar_credit.receivable row (reminder_text() uses it for the reminder''s own invoice)';

CREATE FUNCTION ar_credit.claim_statement(source pg_catalog.regclass, invoice_key pg_catalog.text,
                                          as_of pg_catalog.date DEFAULT CURRENT_DATE)
RETURNS TABLE(principal pg_catalog.numeric, interest pg_catalog.numeric, indemnity pg_catalog.numeric,
              fees pg_catalog.numeric, total pg_catalog.numeric)
LANGUAGE plpgsql STABLE STRICT SECURITY DEFINER PARALLEL SAFE ROWS 1
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    rid pg_catalog.int8;
BEGIN
    IF NOT pg_catalog.isfinite(claim_statement.as_of) THEN
        RAISE EXCEPTION 'as_of must be a finite date, not %', claim_statement.as_of USING ERRCODE = '22008';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM ar_credit.tracked_table AS t WHERE t.relid = claim_statement.source) THEN
        RAISE EXCEPTION 'table % is not tracked', ar_credit.qualified_name(claim_statement.source)
              USING ERRCODE = '22023', HINT = 'Track it first: ar_credit.track(...).';
    END IF;
    SELECT rc.id INTO rid
      FROM ar_credit.receivable AS rc
     WHERE rc.source = claim_statement.source AND rc.item_key = claim_statement.invoice_key AND NOT rc.gone;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no invoice "%" in %', ar_credit.clip(claim_statement.invoice_key),
              ar_credit.qualified_name(claim_statement.source)
              USING ERRCODE = '22023',
                    HINT = 'The key is written as ar_credit.receivable.item_key holds it (several key columns: the row literal, e.g. (2024,17)).';
    END IF;
    RETURN QUERY SELECT c.principal, c.interest, c.indemnity, c.fees, c.total
                   FROM ar_credit.receivable_claim(rid, claim_statement.as_of) AS c;
END
$$;
COMMENT ON FUNCTION ar_credit.claim_statement(pg_catalog.regclass, pg_catalog.text, pg_catalog.date) IS
    'what a reminder may claim on an invoice as of a date: the open amount, late-payment interest under the table''s regime (FR_B2B when none), the recovery indemnity once late, the fees of the levels sent, and their total; zeros for an invoice no longer owed';

-- ---------------------------------------------------------------------
-- the letters
-- ---------------------------------------------------------------------
CREATE FUNCTION ar_credit.render_letter(template pg_catalog.text, lang pg_catalog.text, fields pg_catalog.jsonb)
RETURNS pg_catalog.text
AS 'MODULE_PATHNAME', 'letters_render_letter'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ar_credit.render_letter(pg_catalog.text, pg_catalog.text, pg_catalog.jsonb) IS
    'a letter template with its {{placeholders}} replaced by the fields (a JSON object), amounts and dates written the way lang writes them (fr 1 234,56 EUR and 31/12/2026, en EUR 1,234.56 and 31 Dec 2026); {{#name}}...{{/name}} kept only when the field is neither empty nor zero; 22023 for an unknown placeholder';

CREATE TABLE ar_credit.dunning_template (
    policy  pg_catalog.text NOT NULL,
    level   pg_catalog.int4 NOT NULL CHECK (level OPERATOR(pg_catalog.>) 0),
    lang    pg_catalog.text NOT NULL,
    subject pg_catalog.text NOT NULL,
    body    pg_catalog.text NOT NULL,
    shipped pg_catalog.bool NOT NULL DEFAULT false,
    PRIMARY KEY (policy, level, lang)
);
-- a template is checked when it is written, not when the letter goes out;
-- a subject is one line (it becomes an e-mail header)
ALTER TABLE ar_credit.dunning_template
    ADD CONSTRAINT dunning_template_lang
        CHECK (lang OPERATOR(pg_catalog.=) ANY (ARRAY['en', 'fr', 'de', 'es', 'it', 'nl'])),
    ADD CONSTRAINT dunning_template_one_line_subject
        CHECK (pg_catalog.strpos(subject, E'\n') OPERATOR(pg_catalog.=) 0
               AND pg_catalog.strpos(subject, E'\r') OPERATOR(pg_catalog.=) 0),
    ADD CONSTRAINT dunning_template_placeholders
        CHECK (ar_credit.render_letter(subject, lang, '{}') IS NOT NULL
               AND ar_credit.render_letter(body, lang, '{}') IS NOT NULL);
COMMENT ON TABLE ar_credit.dunning_template IS
    'the letter of each level of each dunning policy, per language: subject and body with {{placeholders}} (render_letter); shipped in fr and en for standard and strict, your rows dumped';
COMMENT ON COLUMN ar_credit.dunning_template.lang IS 'en, fr, de, es, it or nl: the language of the text and of its amounts and dates';
COMMENT ON COLUMN ar_credit.dunning_template.subject IS 'subject line (one line: an e-mail subject)';
COMMENT ON COLUMN ar_credit.dunning_template.body IS 'the letter, with {{placeholders}} and {{#name}}...{{/name}} sections';
COMMENT ON COLUMN ar_credit.dunning_template.shipped IS 'true for shipped rows; false for rows you insert or update (dumped by pg_dump)';

INSERT INTO ar_credit.dunning_template (policy, level, lang, subject, body, shipped) VALUES
('standard', 1, 'fr', 'Rappel : facture {{invoice}} à échéance le {{due_date}}',
$t${{#customer}}Réf. client : {{customer}}

{{/customer}}Madame, Monsieur,

Nous nous permettons de vous rappeler que la facture n° {{invoice}}{{#issued_on}} du {{issued_on}}{{/issued_on}}, d'un montant de {{amount_due}}, arrivera à échéance le {{due_date}}{{#terms}} ({{terms}}){{/terms}}.

Si son règlement est déjà programmé, nous vous en remercions et vous prions de ne pas tenir compte de ce message. Pour toute question sur cette facture, notre service reste à votre disposition.

Nous vous remercions de votre confiance et vous prions d'agréer, Madame, Monsieur, nos salutations distinguées.

Le service comptabilité clients
$t$, true),
('standard', 1, 'en', 'Reminder: invoice {{invoice}} due on {{due_date}}',
$t${{#customer}}Customer account: {{customer}}

{{/customer}}Dear Sir or Madam,

This is a courtesy reminder that invoice {{invoice}}{{#issued_on}} dated {{issued_on}}{{/issued_on}}, for {{amount_due}}, falls due on {{due_date}}{{#terms}} ({{terms}}){{/terms}}.

If payment is already scheduled, thank you, and please disregard this message. Should you have any question about this invoice, we will be glad to help.

Thank you for your business.

Yours faithfully,

Accounts Receivable
$t$, true),
('standard', 2, 'fr', 'Échéance proche : facture {{invoice}} payable le {{due_date}}',
$t${{#customer}}Réf. client : {{customer}}

{{/customer}}Madame, Monsieur,

La facture n° {{invoice}}{{#issued_on}} du {{issued_on}}{{/issued_on}}, d'un montant de {{amount_due}}, est payable le {{due_date}}, soit dans quelques jours.

Afin d'éviter tout retard, nous vous remercions de bien vouloir vérifier que son règlement est prévu à cette date. Si cette facture appelle une remarque de votre part, merci de nous la signaler dès maintenant afin que nous puissions la traiter avant l'échéance.

Si le paiement a déjà été effectué, nous vous prions de ne pas tenir compte de ce message.

Avec nos remerciements, nous vous prions d'agréer, Madame, Monsieur, nos salutations distinguées.

Le service comptabilité clients
$t$, true),
('standard', 2, 'en', 'Payment due soon: invoice {{invoice}} due on {{due_date}}',
$t${{#customer}}Customer account: {{customer}}

{{/customer}}Dear Sir or Madam,

Invoice {{invoice}}{{#issued_on}} dated {{issued_on}}{{/issued_on}}, for {{amount_due}}, is due for payment on {{due_date}}, in a few days' time.

To avoid any delay, please make sure that payment is scheduled for that date. If anything on this invoice calls for a remark, please let us know now so that we can deal with it before the due date.

If you have already paid, please disregard this message.

Yours faithfully,

Accounts Receivable
$t$, true),
('standard', 3, 'fr', 'Relance : facture {{invoice}} échue le {{due_date}}',
$t${{#customer}}Réf. client : {{customer}}

{{/customer}}Madame, Monsieur,

Sauf erreur de notre part, la facture n° {{invoice}}{{#issued_on}} du {{issued_on}}{{/issued_on}}, échue le {{due_date}}, reste impayée à ce jour pour un montant de {{amount_due}}.

Il s'agit peut-être d'un simple oubli : nous vous remercions de bien vouloir procéder à son règlement dans les meilleurs délais. Si votre paiement a été effectué entre-temps, nous vous prions de ne pas tenir compte de ce courrier.

Nous vous rappelons que tout retard de paiement donne lieu de plein droit à des pénalités de retard ainsi qu'à une indemnité forfaitaire pour frais de recouvrement de 40 euros (article L441-10 du Code de commerce).

Nous vous prions d'agréer, Madame, Monsieur, nos salutations distinguées.

Le service comptabilité clients
$t$, true),
('standard', 3, 'en', 'Overdue invoice {{invoice}}: payment reminder',
$t${{#customer}}Customer account: {{customer}}

{{/customer}}Dear Sir or Madam,

According to our records, invoice {{invoice}}{{#issued_on}} dated {{issued_on}}{{/issued_on}}, which fell due on {{due_date}}, remains unpaid; the amount outstanding is {{amount_due}}.

This may simply be an oversight: please arrange payment at your earliest convenience. If payment has been made in the meantime, please disregard this letter.

Please note that any late payment gives rise, as of right, to late-payment penalties and to a fixed indemnity of EUR 40 for recovery costs (Article L441-10 of the French Commercial Code).

Yours faithfully,

Accounts Receivable
$t$, true),
('standard', 4, 'fr', '{{#reminders_sent}}Deuxième relance{{/reminders_sent}}{{^reminders_sent}}Relance{{/reminders_sent}} : facture {{invoice}} impayée',
$t${{#customer}}Réf. client : {{customer}}

{{/customer}}Madame, Monsieur,

{{#reminders_sent}}Malgré notre précédente relance, nous{{/reminders_sent}}{{^reminders_sent}}Nous{{/reminders_sent}} constatons que la facture n° {{invoice}}{{#issued_on}} du {{issued_on}}{{/issued_on}}, échue le {{due_date}}, demeure impayée {{days_late}} jours après son échéance, pour un montant de {{amount_due}}.

Notre service prend également contact avec vous par téléphone. Si un différend ou une difficulté explique ce retard, nous vous invitons à nous en faire part sans délai afin de trouver ensemble une solution.

À défaut de règlement sous quinze jours, nous serons contraints de vous adresser une mise en demeure et de vous réclamer les pénalités de retard et l'indemnité forfaitaire pour frais de recouvrement prévues par l'article L441-10 du Code de commerce.

Nous vous prions d'agréer, Madame, Monsieur, nos salutations distinguées.

Le service comptabilité clients
$t$, true),
('standard', 4, 'en', '{{#reminders_sent}}Second reminder{{/reminders_sent}}{{^reminders_sent}}Reminder{{/reminders_sent}}: invoice {{invoice}} unpaid',
$t${{#customer}}Customer account: {{customer}}

{{/customer}}Dear Sir or Madam,

{{#reminders_sent}}Despite our previous reminder, invoice{{/reminders_sent}}{{^reminders_sent}}Invoice{{/reminders_sent}} {{invoice}}{{#issued_on}} dated {{issued_on}}{{/issued_on}}, which fell due on {{due_date}}, is still unpaid {{days_late}} days after its due date; the amount outstanding is {{amount_due}}.

Our team will also contact you by telephone. If a dispute or a difficulty explains this delay, please tell us without delay so that we can find a solution together.

Unless we receive payment within fifteen days, we will have to send you a formal notice and claim the late-payment penalties and the fixed indemnity for recovery costs provided for by Article L441-10 of the French Commercial Code.

Yours faithfully,

Accounts Receivable
$t$, true),
('standard', 5, 'fr', 'Mise en demeure de payer : facture {{invoice}}',
$t${{#customer}}Réf. client : {{customer}}
{{/customer}}Lettre recommandée avec demande d'avis de réception

Objet : mise en demeure de payer la facture n° {{invoice}}

Madame, Monsieur,

{{#reminders_sent}}Malgré nos relances, la{{/reminders_sent}}{{^reminders_sent}}La{{/reminders_sent}} facture n° {{invoice}}{{#issued_on}} du {{issued_on}}{{/issued_on}}, échue le {{due_date}}, reste impayée à ce jour, {{days_late}} jours après son échéance.

Par la présente, nous vous mettons en demeure de nous régler, dans un délai de huit jours à compter de la réception de ce courrier, la somme de {{total}}, arrêtée au {{date}} et ainsi décomposée :
- principal restant dû : {{principal}}
{{#interest}}- pénalités de retard : {{interest}}
{{/interest}}{{#indemnity}}- indemnité forfaitaire pour frais de recouvrement : {{indemnity}}
{{/indemnity}}{{#fees}}- frais de relance : {{fees}}
{{/fees}}
Conformément à l'article L441-10 du Code de commerce, les pénalités de retard sont exigibles de plein droit, sans qu'un rappel soit nécessaire, dès le jour suivant la date d'échéance ; elles sont calculées au taux appliqué par la Banque centrale européenne à son opération de refinancement la plus récente, majoré de 10 points de pourcentage, et courent jusqu'au complet paiement. Tout professionnel en situation de retard de paiement est en outre débiteur de plein droit d'une indemnité forfaitaire pour frais de recouvrement de 40 euros.

À défaut de règlement dans ce délai, nous engagerons sans autre avis toute procédure utile au recouvrement de notre créance, y compris par voie judiciaire.

Si votre règlement nous est parvenu entre-temps, nous vous prions de ne pas tenir compte de la présente.

Nous vous prions d'agréer, Madame, Monsieur, nos salutations distinguées.

Le service comptabilité clients
$t$, true),
('standard', 5, 'en', 'Formal notice to pay: invoice {{invoice}}',
$t${{#customer}}Customer account: {{customer}}
{{/customer}}By registered letter with acknowledgement of receipt

Formal notice to pay (mise en demeure): invoice {{invoice}}

Dear Sir or Madam,

{{#reminders_sent}}Despite our reminders, invoice{{/reminders_sent}}{{^reminders_sent}}Invoice{{/reminders_sent}} {{invoice}}{{#issued_on}} dated {{issued_on}}{{/issued_on}}, which fell due on {{due_date}}, remains unpaid {{days_late}} days after its due date.

We hereby give you formal notice to pay, within eight days of receipt of this letter, the sum of {{total}}, calculated as at {{date}} as follows:
- principal outstanding: {{principal}}
{{#interest}}- late-payment penalties: {{interest}}
{{/interest}}{{#indemnity}}- fixed indemnity for recovery costs: {{indemnity}}
{{/indemnity}}{{#fees}}- reminder fees: {{fees}}
{{/fees}}
Under Article L441-10 of the French Commercial Code (Code de commerce), late-payment penalties are due as of right, without any reminder being necessary, from the day after the due date; they are calculated at the rate applied by the European Central Bank to its most recent refinancing operation plus 10 percentage points, and accrue until payment in full. In addition, any business paying late owes, as of right, a fixed indemnity of EUR 40 for recovery costs.

Should payment not be received within this period, we will take any appropriate action to recover our claim, including legal proceedings, without further notice.

If your payment has reached us in the meantime, please disregard this letter.

Yours faithfully,

Accounts Receivable
$t$, true),
('standard', 6, 'fr', 'Transmission au contentieux : facture {{invoice}}',
$t${{#customer}}Réf. client : {{customer}}

{{/customer}}Madame, Monsieur,

Notre mise en demeure de régler la facture n° {{invoice}}{{#issued_on}} du {{issued_on}}{{/issued_on}}, échue le {{due_date}}, est restée sans effet.

Nous vous informons que nous transmettons ce jour votre dossier à notre service contentieux, chargé d'en poursuivre le recouvrement, y compris par voie judiciaire (procédure d'injonction de payer). Au {{date}}, notre créance s'élève à {{total}} :
- principal restant dû : {{principal}}
{{#interest}}- pénalités de retard (article L441-10 du Code de commerce) : {{interest}}
{{/interest}}{{#indemnity}}- indemnité forfaitaire pour frais de recouvrement : {{indemnity}}
{{/indemnity}}{{#fees}}- frais de relance : {{fees}}
{{/fees}}
Les pénalités de retard continuent de courir jusqu'au complet paiement. Seul le règlement immédiat de cette somme vous permettra d'éviter ces poursuites.

Nous vous prions d'agréer, Madame, Monsieur, nos salutations distinguées.

Le service comptabilité clients
$t$, true),
('standard', 6, 'en', 'Claim handed over for collection: invoice {{invoice}}',
$t${{#customer}}Customer account: {{customer}}

{{/customer}}Dear Sir or Madam,

Our formal notice to pay invoice {{invoice}}{{#issued_on}} dated {{issued_on}}{{/issued_on}}, which fell due on {{due_date}}, has remained without effect.

We have therefore handed your file over to our collection department, which will pursue the recovery of this claim, including through the courts (order for payment procedure). As at {{date}}, our claim amounts to {{total}}:
- principal outstanding: {{principal}}
{{#interest}}- late-payment penalties (Article L441-10 of the French Commercial Code): {{interest}}
{{/interest}}{{#indemnity}}- fixed indemnity for recovery costs: {{indemnity}}
{{/indemnity}}{{#fees}}- reminder fees: {{fees}}
{{/fees}}
Late-payment penalties continue to accrue until payment in full. Only immediate payment of this sum will avoid these proceedings.

Yours faithfully,

Accounts Receivable
$t$, true);

-- strict (new or risky customers): the same letters, firmer where its steps
-- come sooner: the formal notice 7 days after the second reminder (+8, +15),
-- and deliveries may be held from the first reminder
INSERT INTO ar_credit.dunning_template (policy, level, lang, subject, body, shipped)
SELECT 'strict', t.level, t.lang, t.subject,
       CASE WHEN t.level OPERATOR(pg_catalog.=) 3 AND t.lang OPERATOR(pg_catalog.=) 'fr'
            THEN pg_catalog.replace(t.body, E'(article L441-10 du Code de commerce).\n',
                                    E'(article L441-10 du Code de commerce). Dans l''attente de votre règlement, nous nous réservons la possibilité de suspendre les livraisons en cours.\n')
            WHEN t.level OPERATOR(pg_catalog.=) 3 AND t.lang OPERATOR(pg_catalog.=) 'en'
            THEN pg_catalog.replace(t.body, E'(Article L441-10 of the French Commercial Code).\n',
                                    E'(Article L441-10 of the French Commercial Code). We reserve the right to suspend deliveries until this invoice is paid.\n')
            WHEN t.level OPERATOR(pg_catalog.=) 4
            THEN pg_catalog.replace(pg_catalog.replace(t.body, 'sous quinze jours', 'sous sept jours'),
                                    'within fifteen days', 'within seven days')
            ELSE t.body END,
       true
  FROM ar_credit.dunning_template AS t
 WHERE t.policy OPERATOR(pg_catalog.=) 'standard';

CREATE TRIGGER dunning_template_user_owned
    BEFORE INSERT OR UPDATE ON ar_credit.dunning_template
    FOR EACH ROW EXECUTE FUNCTION ar_credit.config_row_user_owned('policy', 'level', 'lang');
SELECT pg_catalog.pg_extension_config_dump('ar_credit.dunning_template', 'WHERE NOT shipped');

-- The letter of a reminder.  Claim figures are computed only when the
-- template shows them (the formal notice and after, in the shipped ones);
-- the letter claims its own level's fee too when it has not been sent yet.
CREATE FUNCTION ar_credit.reminder_text(id pg_catalog.int8, lang pg_catalog.text DEFAULT 'fr',
                                        as_of pg_catalog.date DEFAULT CURRENT_DATE)
RETURNS TABLE(subject pg_catalog.text, body pg_catalog.text)
LANGUAGE plpgsql STABLE STRICT SECURITY DEFINER PARALLEL SAFE ROWS 1
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    want pg_catalog.text := pg_catalog.lower(pg_catalog.btrim(reminder_text.lang));
    q record;
    t record;
    c record;
    issued pg_catalog.date;
    own_fee pg_catalog.numeric := 0;
    fields pg_catalog.jsonb;
BEGIN
    IF NOT pg_catalog.isfinite(reminder_text.as_of) THEN
        RAISE EXCEPTION 'as_of must be a finite date, not %', reminder_text.as_of USING ERRCODE = '22008';
    END IF;
    SELECT d.* INTO q FROM ar_credit.dunning_queue AS d WHERE d.id = reminder_text.id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no reminder with id %', reminder_text.id USING ERRCODE = '22023';
    END IF;
    IF q.state = 'cancelled' AND q.sent_at IS NULL THEN
        RAISE EXCEPTION 'reminder % was cancelled: its invoice is paid, closed or gone', reminder_text.id
              USING ERRCODE = '55000', HINT = 'There is no letter to send; a worker holding it lets it go (ar_credit.fail_reminder).';
    END IF;
    SELECT tp.lang, tp.subject, tp.body INTO t
      FROM ar_credit.dunning_template AS tp
     WHERE tp.policy = q.policy AND tp.level = q.level AND tp.lang IN (want, 'en')
     ORDER BY tp.lang = want DESC
     LIMIT 1;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no letter for level % of dunning policy "%" in "%" nor in "en"',
              q.level, ar_credit.clip(q.policy), ar_credit.clip(want)
              USING ERRCODE = '22023',
                    HINT = 'Add one: INSERT INTO ar_credit.dunning_template (policy, level, lang, subject, body) VALUES (...).';
    END IF;
    SELECT rc.issued_on INTO issued FROM ar_credit.receivable AS rc WHERE rc.id = q.receivable_id;
    fields := pg_catalog.jsonb_build_object(
        'customer', q.customer_key, 'invoice', q.invoice_key, 'currency', q.currency,
        'issued_on', issued, 'due_date', q.due_date, 'amount_due', q.amount_due,
        'date', reminder_text.as_of, 'days_late', GREATEST(reminder_text.as_of - q.due_date, 0),
        'level', q.level, 'label', q.label,
        -- the letters say "despite our reminders" only when there were some
        -- (an invoice first seen late starts at a later level: catch-up)
        'reminders_sent', (SELECT pg_catalog.count(*) FROM ar_credit.dunning_queue AS o
                            WHERE o.receivable_id = q.receivable_id AND o.state = 'sent' AND o.level < q.level),
        'terms', CASE WHEN t.lang IN ('fr', 'en') AND issued <= q.due_date
                      THEN ar_credit.describe(((q.due_date - issued)::pg_catalog.text || 'D')::ar_credit.payment_terms,
                                              t.lang) END);
    IF (t.subject || t.body) ~ '\{\{\s*[#/]?\s*(principal|interest|indemnity|fees|total)\s*\}\}' THEN
        SELECT x.* INTO c FROM ar_credit.receivable_claim(q.receivable_id, reminder_text.as_of) AS x;
        IF q.state <> 'sent' AND c.principal > 0 THEN
            SELECT pg_catalog.round(s.fee, 2) INTO own_fee
              FROM ar_credit.dunning_step AS s WHERE s.policy = q.policy AND s.level = q.level;
            own_fee := COALESCE(own_fee, 0);
        END IF;
        fields := fields || pg_catalog.jsonb_build_object(
            'principal', c.principal, 'interest', c.interest, 'indemnity', c.indemnity,
            'fees', c.fees + own_fee, 'total', c.total + own_fee);
    END IF;
    -- a subject is an e-mail header: no line break from a key or a customer
    subject := pg_catalog.regexp_replace(ar_credit.render_letter(t.subject, t.lang, fields), '[\r\n]+', ' ', 'g');
    body := ar_credit.render_letter(t.body, t.lang, fields);
    RETURN NEXT;
END
$$;
COMMENT ON FUNCTION ar_credit.reminder_text(pg_catalog.int8, pg_catalog.text, pg_catalog.date) IS
    'the letter of a reminder: the dunning_template of its policy and level in lang (else en) rendered with its invoice''s figures as of a date (claim_statement figures for the formal notice and after)';

-- ---------------------------------------------------------------------
-- privileges: the figures and letters of invoices are for the collectors
-- ---------------------------------------------------------------------
REVOKE ALL ON ar_credit.dunning_template FROM PUBLIC;
GRANT SELECT ON ar_credit.dunning_template TO ar_credit_reader, ar_credit_worker;
REVOKE ALL ON FUNCTION ar_credit.receivable_claim(pg_catalog.int8, pg_catalog.date),
                       ar_credit.claim_statement(pg_catalog.regclass, pg_catalog.text, pg_catalog.date),
                       ar_credit.reminder_text(pg_catalog.int8, pg_catalog.text, pg_catalog.date)
  FROM PUBLIC;
GRANT EXECUTE ON FUNCTION ar_credit.claim_statement(pg_catalog.regclass, pg_catalog.text, pg_catalog.date),
                          ar_credit.reminder_text(pg_catalog.int8, pg_catalog.text, pg_catalog.date)
   TO ar_credit_reader, ar_credit_worker;

-- ---------------------------------------------------------------------
-- the worklist (SPEC section 9): the customers a collector has to act on
-- ---------------------------------------------------------------------
-- One row per customer and currency (amounts are never added across
-- currencies) with something to do: an amount past due, a promise broken,
-- or a reminder due.  A promise whose date has passed unpaid counts as
-- broken here before any claim or process_holds() has marked it (SPEC 12).
-- priority = overdue_amount x (1 + oldest_days_past_due / 30) x the weight
-- of the risk class (A 1, B 1.25, C 1.5, D 2, E 3, none 1.25), rounded to
-- cents; rows come broken promises first, then by priority, highest first.
CREATE VIEW ar_credit.worklist WITH (security_barrier) AS
WITH owed AS (
    SELECT r.id, r.customer_key, r.currency, r.amount, r.due_date, r.class,
           EXISTS (SELECT 1 FROM ar_credit.dunning_hold AS h
                    WHERE h.receivable_id = r.id AND h.kind = 'promise'
                      AND (h.state = 'broken' OR (h.state = 'active' AND h.until < CURRENT_DATE))) AS broken,
           r.class = 'suspended' OR EXISTS (SELECT 1 FROM ar_credit.dunning_hold AS h
                                             WHERE h.receivable_id = r.id AND h.kind = 'dispute'
                                               AND h.state = 'active') AS disputed
      FROM ar_credit.receivable AS r
     WHERE NOT r.gone AND r.class IN ('open', 'suspended') AND r.customer_key IS NOT NULL
       -- built from the tables the querying role may read (issue 18)
       AND pg_catalog.has_table_privilege(r.source, 'SELECT')),
per AS (
    SELECT o.customer_key, o.currency,
           COALESCE(pg_catalog.sum(o.amount) FILTER (WHERE o.due_date < CURRENT_DATE AND o.amount > 0), 0)
               AS overdue_amount,
           pg_catalog.max(CURRENT_DATE - o.due_date) FILTER (WHERE o.due_date < CURRENT_DATE AND o.amount > 0)
               AS oldest_days_past_due,
           pg_catalog.count(*) FILTER (WHERE o.broken) AS broken_promises,
           pg_catalog.count(*) FILTER (WHERE o.disputed) AS open_disputes
      FROM owed AS o
     GROUP BY o.customer_key, o.currency),
nxt AS (
    -- the customer's next reminder: the earliest, the highest level first
    SELECT DISTINCT ON (q.customer_key, q.currency) q.customer_key, q.currency, q.label, q.channel, q.remind_on
      FROM ar_credit.dunning_queue AS q
     WHERE q.state IN ('pending', 'claimed') AND q.customer_key IS NOT NULL
       AND pg_catalog.has_table_privilege(q.source, 'SELECT')
     ORDER BY q.customer_key, q.currency, q.remind_on, q.level DESC),
hl AS (
    -- the customer's hold that ends first: a promise to check, a dispute or a hold
    SELECT DISTINCT ON (h.customer_key, r.currency) h.customer_key, r.currency, h.kind, h.until
      FROM ar_credit.dunning_hold AS h JOIN ar_credit.receivable AS r ON r.id = h.receivable_id
     WHERE h.state = 'active' AND h.customer_key IS NOT NULL
       AND pg_catalog.has_table_privilege(r.source, 'SELECT')
     ORDER BY h.customer_key, r.currency, h.until NULLS LAST, h.id),
w AS (
    SELECT p.customer_key, a.collector, p.overdue_amount, p.oldest_days_past_due, a.risk_class,
           p.broken_promises, p.open_disputes,
           CASE WHEN p.broken_promises > 0 THEN 'call: promise broken'
                WHEN n.label IS NOT NULL THEN n.label || ' (' || n.channel || ')'
                WHEN h.kind = 'promise' THEN 'check the promised payment'
                WHEN h.kind = 'dispute' OR p.open_disputes > 0 THEN 'settle the dispute'
                WHEN h.kind = 'hold' THEN 'review the hold'
                ELSE 'review the account' END AS next_action,
           CASE WHEN p.broken_promises > 0 THEN CURRENT_DATE
                WHEN n.label IS NOT NULL THEN n.remind_on
                WHEN h.until IS NOT NULL THEN h.until
                ELSE CURRENT_DATE END AS next_action_on,
           pg_catalog.round(p.overdue_amount * (1 + COALESCE(p.oldest_days_past_due, 0) / 30.0)
                            * CASE a.risk_class WHEN 'A' THEN 1 WHEN 'B' THEN 1.25 WHEN 'C' THEN 1.5
                                                WHEN 'D' THEN 2 WHEN 'E' THEN 3 ELSE 1.25 END, 2) AS priority,
           p.currency
      FROM per AS p
      LEFT JOIN ar_credit.credit_account AS a ON a.customer_key = p.customer_key
      LEFT JOIN nxt AS n ON n.customer_key = p.customer_key AND n.currency IS NOT DISTINCT FROM p.currency
      LEFT JOIN hl AS h ON h.customer_key = p.customer_key AND h.currency IS NOT DISTINCT FROM p.currency
     WHERE p.overdue_amount > 0 OR p.broken_promises > 0 OR n.remind_on <= CURRENT_DATE)
SELECT w.customer_key, w.collector, w.overdue_amount, w.oldest_days_past_due, w.risk_class, w.broken_promises,
       w.open_disputes, w.next_action, w.next_action_on, w.priority, w.currency
  FROM w
 ORDER BY w.broken_promises > 0 DESC, w.priority DESC, w.customer_key, w.currency;
COMMENT ON VIEW ar_credit.worklist IS
    'the customers to act on (from the tracked tables the querying role may read), one row per customer and currency: overdue amount, oldest days past due, risk class, broken promises, open disputes, the next action and its date, priority = overdue x (1 + days / 30) x risk weight (A 1, B 1.25, C 1.5, D 2, E 3, none 1.25); broken promises first, then by priority';
COMMENT ON COLUMN ar_credit.worklist.customer_key IS 'the customer';
COMMENT ON COLUMN ar_credit.worklist.collector IS 'who owns the account (credit_account.collector); NULL without an account';
COMMENT ON COLUMN ar_credit.worklist.overdue_amount IS 'the open amounts past their due date, disputed ones included, in currency';
COMMENT ON COLUMN ar_credit.worklist.oldest_days_past_due IS 'days past due of the oldest invoice past due; NULL when none is';
COMMENT ON COLUMN ar_credit.worklist.risk_class IS 'the account''s current class (credit_account.risk_class, written by refresh_risk)';
COMMENT ON COLUMN ar_credit.worklist.broken_promises IS 'invoices still owed whose promise to pay was broken (its date passed unpaid)';
COMMENT ON COLUMN ar_credit.worklist.open_disputes IS 'invoices disputed (status) or under an active dispute hold';
COMMENT ON COLUMN ar_credit.worklist.next_action IS 'call: promise broken; else the next reminder (label and channel); else check the promised payment, settle the dispute, review the hold or the account';
COMMENT ON COLUMN ar_credit.worklist.next_action_on IS 'the day of the next action (today for a broken promise)';
COMMENT ON COLUMN ar_credit.worklist.priority IS 'overdue_amount x (1 + oldest_days_past_due / 30) x risk weight (A 1, B 1.25, C 1.5, D 2, E 3, none 1.25), rounded to cents';
COMMENT ON COLUMN ar_credit.worklist.currency IS 'the currency of the amounts (one row per customer and currency; NULL when the table maps none)';
REVOKE ALL ON ar_credit.worklist FROM PUBLIC;
GRANT SELECT ON ar_credit.worklist TO ar_credit_reader, ar_credit_worker;
