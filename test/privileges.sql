--
-- pgTAP: the privilege matrix (issue 18, "the privilege matrix is in the
-- suite").  Each statement below is run once as each of six login roles:
--
--   plain    a login role granted nothing (what PUBLIC may do)
--   reader   member of ar_credit_reader
--   worker   member of ar_credit_worker
--   writer   member of ar_credit_writer (kept empty since 0.3.0)
--   manager  member of ar_credit_credit_manager
--   owner    the owner of a tracked and guarded table, not superuser
--
-- pg_temp.attempt() runs a cell in a subtransaction: SET LOCAL ROLE, the
-- statements, then an exception that undoes them, so every cell starts from
-- the same state; it returns 'ok' or the SQLSTATE.  The expected results
-- are doc/ar_credit.md section 10 "Roles and privileges" (and the sections
-- it points to: 7, 8, 9, 15), doc/credit.md "Roles" and SPEC.md; where the
-- docs are silent the comment says "silent:" and gives what least privilege
-- says and the code does now.  "%own%" in a statement is the table the
-- cell's role owns (privm.own_<role>, tracked); privm.theirs belongs to the
-- superuser (tracked and guarded), privm.inv and privm.orders to the owner
-- (tracked, guarded) and are granted to PUBLIC, as an ERP's tables are to
-- its application role.
--
-- A cell that differs from the documented behaviour today is listed in
-- pg_temp.known (role, actual): the row's is() is a TODO, and the whole
-- matrix (results_eq) is compared with the documented one with those cells
-- replaced by what they do now -- so any change fails, a fix included (then
-- delete the cell from pg_temp.known).
--
-- The roles are created here, with the prefix privm_, and dropped at the
-- end; the file is one transaction, rolled back.
--
BEGIN;
CREATE EXTENSION ar_credit;
SET LOCAL datestyle = 'ISO, YMD';

SELECT plan(121);

-- ---------------------------------------------------------------------
-- roles, tables and the rows the calls name
-- ---------------------------------------------------------------------
CREATE ROLE privm_plain LOGIN;
CREATE ROLE privm_reader LOGIN IN ROLE ar_credit_reader;
CREATE ROLE privm_worker LOGIN IN ROLE ar_credit_worker;
CREATE ROLE privm_writer LOGIN IN ROLE ar_credit_writer;
CREATE ROLE privm_manager LOGIN IN ROLE ar_credit_credit_manager;
CREATE ROLE privm_owner LOGIN;

CREATE SCHEMA privm;
GRANT USAGE ON SCHEMA privm TO PUBLIC;
CREATE TABLE privm.inv (no text PRIMARY KEY, cust text, due date, amt numeric(12,2), status text DEFAULT 'open');
CREATE TABLE privm.orders (id int PRIMARY KEY, cust text, amount numeric(12,2));
CREATE TABLE privm.theirs (no text PRIMARY KEY, due date, amt numeric);
ALTER TABLE privm.inv OWNER TO privm_owner;
ALTER TABLE privm.orders OWNER TO privm_owner;
-- a mapping that reads the queue: it must run as the table's owner
CREATE FUNCTION privm.peek(a numeric) RETURNS numeric
LANGUAGE sql STABLE AS $$ SELECT a + 0 * count(*) FROM ar_credit.dunning_queue $$;

SET LOCAL ROLE privm_owner;
GRANT SELECT, INSERT, UPDATE, DELETE ON privm.inv, privm.orders TO PUBLIC;
SELECT ar_credit.track('privm.inv', 'no', 'due', 'amt', 'status', customer_column => 'cust');
SELECT ar_credit.guard('privm.orders', 'cust', 'amount');
INSERT INTO privm.inv (no, cust, due, amt) VALUES
    ('I-1', 'acme', current_date - 20, 100), ('I-2', 'acme', current_date - 20, 200),
    ('I-3', 'acme', current_date - 20, 300), ('I-4', 'acme', current_date - 20, 400),
    ('I-5', 'acme', current_date - 20, 500);
RESET ROLE;

SELECT ar_credit.track('privm.theirs', 'no', 'due', 'amt');
SELECT ar_credit.guard('privm.theirs', 'no', 'amt');
DO $$
DECLARE
    r text;
BEGIN
    FOREACH r IN ARRAY ARRAY['plain', 'reader', 'worker', 'writer', 'manager', 'owner'] LOOP
        EXECUTE format('CREATE TABLE privm.%I (no text PRIMARY KEY, due date, amt numeric)', 'own_' || r);
        EXECUTE format('ALTER TABLE privm.%I OWNER TO %I', 'own_' || r, 'privm_' || r);
        PERFORM ar_credit.track(format('privm.%I', 'own_' || r)::regclass, 'no', 'due', 'amt');
    END LOOP;
END
$$;
INSERT INTO ar_credit.credit_account (customer_key, credit_limit) VALUES ('acme', 2000);
SELECT ar_credit.hold('privm.inv', 'I-3', 'dispute', reason => 'privm') AS hold_id \gset
SELECT ar_credit.payment_plan('privm.inv', 'I-4', '50% 30D, 50% 60D') AS plan_id \gset
SELECT id AS claimed_id FROM ar_credit.claim_reminders(100, 'privm_setup') WHERE invoice_key = 'I-1' \gset
SELECT id AS rcv_id FROM ar_credit.receivable WHERE source = 'privm.inv'::regclass AND item_key = 'I-1' AND NOT gone \gset
-- the guard checks at each statement's end, as a commit would
SET CONSTRAINTS ALL IMMEDIATE;

-- ---------------------------------------------------------------------
-- one cell: 'ok' or the SQLSTATE; pre runs as the superuser first
-- ---------------------------------------------------------------------
CREATE FUNCTION pg_temp.attempt(r text, pre text[], stmts text[]) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    s text;
BEGIN
    BEGIN
        FOREACH s IN ARRAY pre LOOP
            EXECUTE s;
        END LOOP;
        EXECUTE format('SET LOCAL ROLE %I', 'privm_' || r);
        FOREACH s IN ARRAY stmts LOOP
            EXECUTE replace(s, '%own%', format('privm.%I', 'own_' || r));
        END LOOP;
        RAISE EXCEPTION 'privm: undo the cell' USING ERRCODE = 'ZPMOK';
    EXCEPTION WHEN OTHERS THEN
        IF SQLSTATE = 'ZPMOK' THEN
            RETURN 'ok';
        END IF;
        RETURN SQLSTATE;
    END;
END
$$;

-- ---------------------------------------------------------------------
-- the statements, and what each role must get
-- ---------------------------------------------------------------------
CREATE TEMP TABLE stmt (no int PRIMARY KEY, label text UNIQUE NOT NULL, pre text[] NOT NULL, sql text[] NOT NULL);
INSERT INTO stmt
SELECT row_number() OVER (), label, coalesce(pre, '{}'), sql FROM (VALUES
    ('SELECT dunning_due', NULL, ARRAY['SELECT * FROM ar_credit.dunning_due']),
    ('SELECT open_invoices', NULL, ARRAY['SELECT * FROM ar_credit.open_invoices']),
    ('SELECT aging_report', NULL, ARRAY['SELECT * FROM ar_credit.aging_report']),
    ('SELECT worklist', NULL, ARRAY['SELECT * FROM ar_credit.worklist']),
    ('SELECT credit_exposure', NULL, ARRAY['SELECT * FROM ar_credit.credit_exposure']),
    ('SELECT dunning_queue', NULL, ARRAY['SELECT * FROM ar_credit.dunning_queue']),
    ('SELECT receivable', NULL, ARRAY['SELECT * FROM ar_credit.receivable']),
    ('SELECT tracked_table', NULL, ARRAY['SELECT * FROM ar_credit.tracked_table']),
    ('SELECT tracked_related', NULL, ARRAY['SELECT * FROM ar_credit.tracked_related']),
    ('SELECT dunning_step', NULL, ARRAY['SELECT * FROM ar_credit.dunning_step']),
    ('SELECT reference_rate', NULL, ARRAY['SELECT * FROM ar_credit.reference_rate']),
    ('SELECT interest_regime', NULL, ARRAY['SELECT * FROM ar_credit.interest_regime']),
    ('SELECT credit_policy', NULL, ARRAY['SELECT * FROM ar_credit.credit_policy']),
    ('SELECT payment_event', NULL, ARRAY['SELECT * FROM ar_credit.payment_event']),
    ('SELECT alert', NULL, ARRAY['SELECT * FROM ar_credit.alert']),
    ('SELECT contact_log', NULL, ARRAY['SELECT * FROM ar_credit.contact_log']),
    ('SELECT dunning_hold', NULL, ARRAY['SELECT * FROM ar_credit.dunning_hold']),
    ('SELECT payment_plan', NULL, ARRAY['SELECT * FROM ar_credit.payment_plan']),
    ('SELECT payment_plan_line', NULL, ARRAY['SELECT * FROM ar_credit.payment_plan_line']),
    ('SELECT credit_account', NULL, ARRAY['SELECT * FROM ar_credit.credit_account']),
    ('SELECT credit_event', NULL, ARRAY['SELECT * FROM ar_credit.credit_event']),
    ('SELECT financial_statement', NULL, ARRAY['SELECT * FROM ar_credit.financial_statement']),
    ('SELECT customer_risk', NULL, ARRAY['SELECT * FROM ar_credit.customer_risk']),
    ('SELECT dunning_template', NULL, ARRAY['SELECT * FROM ar_credit.dunning_template']),
    ('SELECT guarded_table', NULL, ARRAY['SELECT * FROM ar_credit.guarded_table']),
    ('INSERT dunning_queue', NULL, ARRAY[format('INSERT INTO ar_credit.dunning_queue (receivable_id, source, invoice_key, level, channel, label, remind_on, due_date, amount_due) '
                                                'VALUES (%s, ''privm.inv'', ''I-1'', 9, ''email'', ''x'', current_date, current_date, 1)', :rcv_id)]),
    ('UPDATE dunning_queue', NULL, ARRAY['UPDATE ar_credit.dunning_queue SET attempts = attempts']),
    ('DELETE dunning_queue', NULL, ARRAY['DELETE FROM ar_credit.dunning_queue']),
    ('TRUNCATE dunning_queue', NULL, ARRAY['TRUNCATE ar_credit.dunning_queue']),
    ('nextval(dunning_queue_id_seq)', NULL, ARRAY['SELECT nextval(''ar_credit.dunning_queue_id_seq'')']),
    ('INSERT receivable', NULL, ARRAY['INSERT INTO ar_credit.receivable (source, item_key) VALUES (''privm.inv'', ''X-9'')']),
    ('UPDATE receivable', NULL, ARRAY['UPDATE ar_credit.receivable SET gone = gone']),
    ('DELETE receivable', NULL, ARRAY['DELETE FROM ar_credit.receivable']),
    ('INSERT tracked_table', NULL, ARRAY['INSERT INTO ar_credit.tracked_table (relid) VALUES (''privm.orders'')']),
    ('UPDATE tracked_table', NULL, ARRAY['UPDATE ar_credit.tracked_table SET policy = policy']),
    ('DELETE tracked_table', NULL, ARRAY['DELETE FROM ar_credit.tracked_table']),
    ('INSERT dunning_step', NULL, ARRAY['INSERT INTO ar_credit.dunning_step (policy, level, offset_days, channel, label) VALUES (''privm'', 1, 1, ''email'', ''x'')']),
    ('UPDATE dunning_step', NULL, ARRAY['UPDATE ar_credit.dunning_step SET label = label']),
    ('DELETE dunning_step', NULL, ARRAY['DELETE FROM ar_credit.dunning_step WHERE policy = ''privm''']),
    ('INSERT credit_account', NULL, ARRAY['INSERT INTO ar_credit.credit_account (customer_key, credit_limit) VALUES (''privm-new'', 10)']),
    ('UPDATE credit_account', NULL, ARRAY['UPDATE ar_credit.credit_account SET credit_limit = 5000 WHERE customer_key = ''acme''']),
    ('DELETE credit_account', NULL, ARRAY['DELETE FROM ar_credit.credit_account WHERE customer_key = ''acme''']),
    ('INSERT alert', NULL, ARRAY['INSERT INTO ar_credit.alert (customer_key, kind) VALUES (''acme'', ''first_late_payment'')']),
    ('UPDATE alert (acknowledge)', NULL, ARRAY['UPDATE ar_credit.alert SET acknowledged = true']),
    ('DELETE alert', NULL, ARRAY['DELETE FROM ar_credit.alert']),
    ('INSERT payment_event', NULL, ARRAY['INSERT INTO ar_credit.payment_event (source, invoice_key, amount, due_date, paid_on) '
                                         'VALUES (''privm.inv'', ''I-1'', 1, current_date, current_date)']),
    ('INSERT contact_log', NULL, ARRAY['INSERT INTO ar_credit.contact_log (customer_key, channel, note) VALUES (''acme'', ''phone'', ''called'')']),
    ('INSERT contact_log signed for another role', NULL, ARRAY['INSERT INTO ar_credit.contact_log (customer_key, channel, note, by_role) VALUES (''acme'', ''phone'', ''called'', ''ceo'')']),
    ('INSERT contact_log backdated', NULL, ARRAY['INSERT INTO ar_credit.contact_log (customer_key, channel, note, at) VALUES (''acme'', ''phone'', ''called'', now() - interval ''1 year'')']),
    ('UPDATE contact_log', NULL, ARRAY['UPDATE ar_credit.contact_log SET note = note']),
    ('INSERT financial_statement', NULL, ARRAY['INSERT INTO ar_credit.financial_statement (customer_key, period_end, model) VALUES (''acme'', ''2023-12-31'', ''z_prime'')']),
    ('UPDATE credit_event', NULL, ARRAY['UPDATE ar_credit.credit_event SET reason = reason']),
    ('INSERT dunning_template', NULL, ARRAY['INSERT INTO ar_credit.dunning_template (policy, level, lang, subject, body) VALUES (''standard'', 3, ''xx'', ''s'', ''b'')']),
    ('INSERT into a tracked table (granted)', NULL, ARRAY['INSERT INTO privm.inv (no, cust, due, amt) VALUES (''I-9'', ''acme'', current_date - 3, 10)']),
    ('UPDATE a tracked table (granted): paid', NULL, ARRAY['UPDATE privm.inv SET status = ''paid'' WHERE no = ''I-1''']),
    ('track() own table', NULL, ARRAY['SELECT ar_credit.track(''%own%'', ''no'', ''due'', ''amt'')']),
    ('untrack() own table', NULL, ARRAY['SELECT ar_credit.untrack(''%own%'')']),
    ('track() a table of another role', NULL, ARRAY['SELECT ar_credit.track(''privm.theirs'', ''no'', ''due'', ''amt'')']),
    ('untrack() a table of another role', NULL, ARRAY['SELECT ar_credit.untrack(''privm.theirs'')']),
    ('track_related() own table onto a table of another role', NULL, ARRAY['SELECT ar_credit.track_related(''%own%'', ''privm.theirs'', ''no'')']),
    ('track() own table, mapping reads the queue; INSERT', NULL,
        ARRAY['SELECT ar_credit.track(''%own%'', ''no'', ''due'', ''privm.peek(amt)'')', 'INSERT INTO %own% VALUES (''X'', current_date - 5, 10)']),
    ('owner_call(track) a table of another role', NULL, ARRAY['SELECT ar_credit.owner_call(''track'', ''privm.theirs'', NULL, ''{}'')']),
    ('owner_call() an unknown action on own table', NULL, ARRAY['SELECT ar_credit.owner_call(''dunning_resync'', ''%own%'', NULL, ''{}'')']),
    ('track_internal() called directly', NULL, ARRAY['SELECT ar_credit.track_internal(''%own%'', NULL, ''{}'')']),
    ('dunning_resync() called directly', NULL, ARRAY['SELECT ar_credit.dunning_resync(''%own%'')']),
    ('ddl_guard(true) called directly', NULL, ARRAY['SELECT ar_credit.ddl_guard(true)']),
    ('dunning_trigger() called directly', NULL, ARRAY['SELECT ar_credit.dunning_trigger()']),
    ('next_reminder(), policy cache cold', ARRAY['UPDATE ar_credit.dunning_step SET label = label WHERE false'],
        ARRAY['SELECT * FROM ar_credit.next_reminder(current_date - 100, current_date, 0, ''standard'')']),
    ('next_reminder(), policy cache warm', ARRAY['SELECT * FROM ar_credit.next_reminder(current_date - 100, current_date, 0, ''standard'')'],
        ARRAY['SELECT * FROM ar_credit.next_reminder(current_date - 100, current_date, 0, ''standard'')']),
    ('claim_reminders', NULL, ARRAY['SELECT ar_credit.claim_reminders(10, ''privm'')']),
    ('claim_customer_reminders', NULL, ARRAY['SELECT ar_credit.claim_customer_reminders(10, ''privm'')']),
    ('complete_reminders', NULL, ARRAY['SELECT ar_credit.complete_reminders(ARRAY(SELECT id FROM ar_credit.claim_reminders(1, ''privm'')))']),
    ('complete_reminder', NULL, ARRAY['SELECT ar_credit.complete_reminder(id) FROM ar_credit.claim_reminders(1, ''privm'')']),
    ('fail_reminders', NULL, ARRAY['SELECT ar_credit.fail_reminders(ARRAY(SELECT id FROM ar_credit.claim_reminders(1, ''privm'')), ''smtp down'')']),
    ('fail_reminder', NULL, ARRAY['SELECT ar_credit.fail_reminder(id, ''smtp down'') FROM ar_credit.claim_reminders(1, ''privm'')']),
    ('complete_reminders, another role''s claim', NULL, ARRAY[format('SELECT ar_credit.complete_reminders(ARRAY[%s]::bigint[])', :claimed_id)]),
    ('fail_reminders, another role''s claim', NULL, ARRAY[format('SELECT ar_credit.fail_reminders(ARRAY[%s]::bigint[], ''smtp down'')', :claimed_id)]),
    ('check_claim', NULL, ARRAY['SELECT ar_credit.check_claim(''privm'', ''5 minutes'', current_date)']),
    ('claim_statement', NULL, ARRAY['SELECT ar_credit.claim_statement(''privm.inv'', ''I-1'')']),
    ('reminder_text', NULL, ARRAY[format('SELECT ar_credit.reminder_text(%s)', :claimed_id)]),
    ('receivable_claim', NULL, ARRAY[format('SELECT ar_credit.receivable_claim(%s, current_date)', :rcv_id)]),
    ('hold', NULL, ARRAY['SELECT ar_credit.hold(''privm.inv'', ''I-2'', ''dispute'')']),
    ('release', NULL, ARRAY[format('SELECT ar_credit.release(%s)', :hold_id)]),
    ('payment_plan', NULL, ARRAY['SELECT ar_credit.payment_plan(''privm.inv'', ''I-5'', ''30D'')']),
    ('cancel_plan', NULL, ARRAY[format('SELECT ar_credit.cancel_plan(%s)', :plan_id)]),
    ('process_holds', NULL, ARRAY['SELECT ar_credit.process_holds()']),
    ('credit_check', NULL, ARRAY['SELECT ar_credit.credit_check(''acme'', 10)']),
    ('exposure', NULL, ARRAY['SELECT ar_credit.exposure(''acme'')']),
    ('required_deposit', NULL, ARRAY['SELECT ar_credit.required_deposit(''acme'', 10)']),
    ('customer_figures', NULL, ARRAY['SELECT ar_credit.customer_figures(ARRAY[''acme''])']),
    ('policy_for', NULL, ARRAY['SELECT ar_credit.policy_for(''acme'', ''standard'')']),
    ('raise_alert', NULL, ARRAY['SELECT ar_credit.raise_alert(''acme'', ''first_late_payment'', ''{}'')']),
    ('refresh_risk', NULL, ARRAY['SELECT ar_credit.refresh_risk()']),
    ('guard() own table', NULL, ARRAY['SELECT ar_credit.guard(''%own%'', ''no'', ''amt'')']),
    ('guard() then unguard() own table', NULL, ARRAY['SELECT ar_credit.guard(''%own%'', ''no'', ''amt'')', 'SELECT ar_credit.unguard(''%own%'')']),
    ('guard() a table of another role', NULL, ARRAY['SELECT ar_credit.guard(''privm.theirs'', ''no'', ''amt'')']),
    ('unguard() a table of another role', NULL, ARRAY['SELECT ar_credit.unguard(''privm.theirs'')']),
    ('guard_armed() called directly', NULL, ARRAY['SELECT ar_credit.guard_armed(''privm.orders'')']),
    ('guarded INSERT within the limit (granted)', NULL, ARRAY['INSERT INTO privm.orders VALUES (1, ''acme'', 10)']),
    ('guarded INSERT over the limit (granted)', NULL, ARRAY['INSERT INTO privm.orders VALUES (1, ''acme'', 5000)']),
    ('SET LOCAL credit_override, guarded INSERT over the limit', NULL,
        ARRAY['SET LOCAL ar_credit.credit_override = ''privm: approved''', 'INSERT INTO privm.orders VALUES (1, ''acme'', 5000)']),
    ('SET ar_credit.timezone', NULL, ARRAY['SET LOCAL ar_credit.timezone = ''Asia/Tokyo''']),
    ('SET ar_credit.max_attempts', NULL, ARRAY['SET LOCAL ar_credit.max_attempts = 8']),
    ('SET ar_credit.notify', NULL, ARRAY['SET LOCAL ar_credit.notify = on']),
    ('SET ar_credit.block_overdue_days', NULL, ARRAY['SET LOCAL ar_credit.block_overdue_days = -1'])
) AS v (label, pre, sql);

-- E: 42501, the "permission denied" of PostgreSQL or of ar_credit's own checks
CREATE TEMP TABLE expected (label text PRIMARY KEY, plain text, reader text, worker text, writer text, manager text, owner text);
INSERT INTO expected
SELECT label, plain, reader, worker, writer, manager, owner FROM (VALUES
    -- section 9 and the worklist (section 15): reader and worker
    ('SELECT dunning_due',                  'E',  'ok', 'ok', 'E',  'E',  'E'),
    ('SELECT open_invoices',                'E',  'ok', 'ok', 'E',  'E',  'E'),
    ('SELECT aging_report',                 'E',  'ok', 'ok', 'E',  'E',  'E'),
    ('SELECT worklist',                     'E',  'ok', 'ok', 'E',  'E',  'E'),
    -- credit.md "Roles": reader, worker and credit manager
    ('SELECT credit_exposure',              'E',  'ok', 'ok', 'E',  'ok', 'E'),
    -- section 7 "Who may track": the extension's owner alone, the table's owner included
    ('SELECT dunning_queue',                'E',  'E',  'E',  'E',  'E',  'E'),
    ('SELECT receivable',                   'E',  'E',  'E',  'E',  'E',  'E'),
    ('SELECT tracked_table',                'E',  'E',  'E',  'E',  'E',  'E'),
    ('SELECT tracked_related',              'E',  'E',  'E',  'E',  'E',  'E'),
    -- section 6: reader and worker
    ('SELECT dunning_step',                 'ok', 'ok', 'ok', 'ok', 'ok', 'ok'),
    -- section 10: PUBLIC reads these three
    ('SELECT reference_rate',               'ok', 'ok', 'ok', 'ok', 'ok', 'ok'),
    ('SELECT interest_regime',              'ok', 'ok', 'ok', 'ok', 'ok', 'ok'),
    ('SELECT credit_policy',                'ok', 'ok', 'ok', 'ok', 'ok', 'ok'),
    -- section 7 "Payments and alerts": reader and worker
    ('SELECT payment_event',                'E',  'ok', 'ok', 'E',  'E',  'E'),
    ('SELECT alert',                        'E',  'ok', 'ok', 'E',  'E',  'E'),
    -- section 8 contact_log: the worker; silent on the reader: the code grants it SELECT (least
    -- privilege would not object: the reader sees the reminders sent in dunning_due's history anyway)
    ('SELECT contact_log',                  'E',  'ok', 'ok', 'E',  'E',  'E'),
    -- silent (holds and plans sections say nothing of SELECT): the code grants reader and worker
    ('SELECT dunning_hold',                 'E',  'ok', 'ok', 'E',  'E',  'E'),
    ('SELECT payment_plan',                 'E',  'ok', 'ok', 'E',  'E',  'E'),
    ('SELECT payment_plan_line',            'E',  'ok', 'ok', 'E',  'E',  'E'),
    -- credit.md: read by reader, worker and (written by) the credit manager
    ('SELECT credit_account',               'E',  'ok', 'ok', 'E',  'ok', 'E'),
    ('SELECT credit_event',                 'E',  'ok', 'ok', 'E',  'ok', 'E'),
    ('SELECT financial_statement',          'E',  'ok', 'ok', 'E',  'ok', 'E'),
    ('SELECT customer_risk',                'E',  'ok', 'ok', 'E',  'ok', 'E'),
    -- section 15: reader and worker
    ('SELECT dunning_template',             'E',  'ok', 'ok', 'E',  'E',  'E'),
    -- silent (credit.md lists accounts, events, statements, risk history and credit_exposure):
    -- the code grants reader, worker and credit manager; the owner of a guarded table does
    -- not read it (tracked_table, its twin, is the extension owner's alone)
    ('SELECT guarded_table',                'E',  'ok', 'ok', 'E',  'ok', 'E'),
    -- the queue and the mirror: nobody writes them but the extension's owner (section 7)
    ('INSERT dunning_queue',                'E',  'E',  'E',  'E',  'E',  'E'),
    ('UPDATE dunning_queue',                'E',  'E',  'E',  'E',  'E',  'E'),
    ('DELETE dunning_queue',                'E',  'E',  'E',  'E',  'E',  'E'),
    ('TRUNCATE dunning_queue',              'E',  'E',  'E',  'E',  'E',  'E'),
    ('nextval(dunning_queue_id_seq)',       'E',  'E',  'E',  'E',  'E',  'E'),
    ('INSERT receivable',                   'E',  'E',  'E',  'E',  'E',  'E'),
    ('UPDATE receivable',                   'E',  'E',  'E',  'E',  'E',  'E'),
    ('DELETE receivable',                   'E',  'E',  'E',  'E',  'E',  'E'),
    ('INSERT tracked_table',                'E',  'E',  'E',  'E',  'E',  'E'),
    ('UPDATE tracked_table',                'E',  'E',  'E',  'E',  'E',  'E'),
    ('DELETE tracked_table',                'E',  'E',  'E',  'E',  'E',  'E'),
    -- section 6: policies are added by the owner (or whom it grants); readers only read
    ('INSERT dunning_step',                 'E',  'E',  'E',  'E',  'E',  'E'),
    ('UPDATE dunning_step',                 'E',  'E',  'E',  'E',  'E',  'E'),
    ('DELETE dunning_step',                 'E',  'E',  'E',  'E',  'E',  'E'),
    -- credit.md: written by the credit manager
    ('INSERT credit_account',               'E',  'E',  'E',  'E',  'ok', 'E'),
    ('UPDATE credit_account',               'E',  'E',  'E',  'E',  'ok', 'E'),
    ('DELETE credit_account',               'E',  'E',  'E',  'E',  'ok', 'E'),
    -- section 7: alerts and payments written (and acknowledged) by the extension's owner only
    ('INSERT alert',                        'E',  'E',  'E',  'E',  'E',  'E'),
    ('UPDATE alert (acknowledge)',          'E',  'E',  'E',  'E',  'E',  'E'),
    ('DELETE alert',                        'E',  'E',  'E',  'E',  'E',  'E'),
    ('INSERT payment_event',                'E',  'E',  'E',  'E',  'E',  'E'),
    -- section 8: the worker adds to the contact log; nobody rewrites it
    ('INSERT contact_log',                  'E',  'E',  'ok', 'E',  'E',  'E'),
    -- by_role and at keep their defaults: column-level INSERT (issue 18)
    ('INSERT contact_log signed for another role', 'E', 'E', 'E', 'E', 'E', 'E'),
    ('INSERT contact_log backdated',        'E',  'E',  'E',  'E',  'E',  'E'),
    ('UPDATE contact_log',                  'E',  'E',  'E',  'E',  'E',  'E'),
    -- credit.md: statements entered by the credit manager; events append-only
    ('INSERT financial_statement',          'E',  'E',  'E',  'E',  'ok', 'E'),
    ('UPDATE credit_event',                 'E',  'E',  'E',  'E',  'E',  'E'),
    -- section 15: templates written by the extension's owner (or whom it grants)
    ('INSERT dunning_template',             'E',  'E',  'E',  'E',  'E',  'E'),
    -- section 7: the role that writes a tracked table needs no grant on ar_credit
    ('INSERT into a tracked table (granted)', 'ok', 'ok', 'ok', 'ok', 'ok', 'ok'),
    ('UPDATE a tracked table (granted): paid', 'ok', 'ok', 'ok', 'ok', 'ok', 'ok'),
    -- section 7 "Who may track": the table's owner, whoever it is, and nobody else
    ('track() own table',                   'ok', 'ok', 'ok', 'ok', 'ok', 'ok'),
    ('untrack() own table',                 'ok', 'ok', 'ok', 'ok', 'ok', 'ok'),
    ('track() a table of another role',     'E',  'E',  'E',  'E',  'E',  'E'),
    ('untrack() a table of another role',   'E',  'E',  'E',  'E',  'E',  'E'),
    ('track_related() own table onto a table of another role', 'E', 'E', 'E', 'E', 'E', 'E'),
    -- section 7: the mapping runs as the table's owner, who may not read the queue
    ('track() own table, mapping reads the queue; INSERT', 'E', 'E', 'E', 'E', 'E', 'E'),
    -- section 12: owner_call checks ownership (42501), refuses other actions (22023)
    ('owner_call(track) a table of another role', 'E', 'E', 'E', 'E', 'E', 'E'),
    ('owner_call() an unknown action on own table', '22023', '22023', '22023', '22023', '22023', '22023'),
    -- section 12: internals, not executable by PUBLIC
    ('track_internal() called directly',    'E',  'E',  'E',  'E',  'E',  'E'),
    ('dunning_resync() called directly',    'E',  'E',  'E',  'E',  'E',  'E'),
    ('ddl_guard(true) called directly',     'E',  'E',  'E',  'E',  'E',  'E'),
    -- a trigger function is PUBLIC's but cannot be called as a function
    ('dunning_trigger() called directly',   '39P01', '39P01', '39P01', '39P01', '39P01', '39P01'),
    -- next_reminder is PUBLIC's and reads dunning_step, which PUBLIC may read (section 10):
    -- the same answer whether the per-backend cache was loaded (warm) or not (cold)
    ('next_reminder(), policy cache cold',  'ok', 'ok', 'ok', 'ok', 'ok', 'ok'),
    ('next_reminder(), policy cache warm',  'ok', 'ok', 'ok', 'ok', 'ok', 'ok'),
    -- section 8: the worker API, to ar_credit_worker only; check_claim is internal
    ('claim_reminders',                     'E',  'E',  'ok', 'E',  'E',  'E'),
    ('claim_customer_reminders',            'E',  'E',  'ok', 'E',  'E',  'E'),
    ('complete_reminders',                  'E',  'E',  'ok', 'E',  'E',  'E'),
    ('complete_reminder',                   'E',  'E',  'ok', 'E',  'E',  'E'),
    ('fail_reminders',                      'E',  'E',  'ok', 'E',  'E',  'E'),
    ('fail_reminder',                       'E',  'E',  'ok', 'E',  'E',  'E'),
    -- section 8: a worker settles only its own role's claims (42501 for another's)
    ('complete_reminders, another role''s claim', 'E', 'E', 'E', 'E', 'E', 'E'),
    ('fail_reminders, another role''s claim', 'E',  'E',  'E',  'E',  'E',  'E'),
    ('check_claim',                         'E',  'E',  'E',  'E',  'E',  'E'),
    -- section 15: reader and worker; receivable_claim not PUBLIC's
    ('claim_statement',                     'E',  'ok', 'ok', 'E',  'E',  'E'),
    ('reminder_text',                       'E',  'ok', 'ok', 'E',  'E',  'E'),
    ('receivable_claim',                    'E',  'E',  'E',  'E',  'E',  'E'),
    -- section 7 holds and plans: EXECUTE granted to ar_credit_worker
    ('hold',                                'E',  'E',  'ok', 'E',  'E',  'E'),
    ('release',                             'E',  'E',  'ok', 'E',  'E',  'E'),
    ('payment_plan',                        'E',  'E',  'ok', 'E',  'E',  'E'),
    ('cancel_plan',                         'E',  'E',  'ok', 'E',  'E',  'E'),
    ('process_holds',                       'E',  'E',  'ok', 'E',  'E',  'E'),
    -- credit.md: reader, worker, credit manager; refresh_risk the credit manager; internals nobody
    ('credit_check',                        'E',  'ok', 'ok', 'E',  'ok', 'E'),
    ('exposure',                            'E',  'ok', 'ok', 'E',  'ok', 'E'),
    ('required_deposit',                    'E',  'ok', 'ok', 'E',  'ok', 'E'),
    ('customer_figures',                    'E',  'E',  'E',  'E',  'E',  'E'),
    ('policy_for',                          'E',  'E',  'E',  'E',  'E',  'E'),
    ('raise_alert',                         'E',  'E',  'E',  'E',  'E',  'E'),
    ('refresh_risk',                        'E',  'E',  'E',  'E',  'ok', 'E'),
    -- credit.md guard(): callable by the table's owner
    ('guard() own table',                   'ok', 'ok', 'ok', 'ok', 'ok', 'ok'),
    ('guard() then unguard() own table',    'ok', 'ok', 'ok', 'ok', 'ok', 'ok'),
    ('guard() a table of another role',     'E',  'E',  'E',  'E',  'E',  'E'),
    ('unguard() a table of another role',   'E',  'E',  'E',  'E',  'E',  'E'),
    -- silent (credit.md internal objects): PUBLIC's, as it must be, the constraint trigger's
    -- WHEN clause running as the writer; calling it by hand fails the commit (not testable here)
    ('guard_armed() called directly',       'ok', 'ok', 'ok', 'ok', 'ok', 'ok'),
    -- credit.md: the writer of a guarded table needs no grant; over the limit: 23514 for all
    ('guarded INSERT within the limit (granted)', 'ok', 'ok', 'ok', 'ok', 'ok', 'ok'),
    ('guarded INSERT over the limit (granted)', '23514', '23514', '23514', '23514', '23514', '23514'),
    -- credit.md: the override takes a member of ar_credit_credit_manager; anyone else: 42501
    ('SET LOCAL credit_override, guarded INSERT over the limit', 'E', 'E', 'E', 'E', 'ok', 'E'),
    -- section 11: timezone superuser only; max_attempts and notify any user;
    -- block_overdue_days silent (credit.md): the code lets any user set it, and it only
    -- loosens the check for the sessions' own orders, which the guard still limits
    ('SET ar_credit.timezone',              'E',  'E',  'E',  'E',  'E',  'E'),
    ('SET ar_credit.max_attempts',          'ok', 'ok', 'ok', 'ok', 'ok', 'ok'),
    ('SET ar_credit.notify',                'ok', 'ok', 'ok', 'ok', 'ok', 'ok'),
    ('SET ar_credit.block_overdue_days',    'ok', 'ok', 'ok', 'ok', 'ok', 'ok')
) AS v (label, plain, reader, worker, writer, manager, owner);
UPDATE expected SET plain = replace(plain, 'E', '42501'), reader = replace(reader, 'E', '42501'),
                    worker = replace(worker, 'E', '42501'), writer = replace(writer, 'E', '42501'),
                    manager = replace(manager, 'E', '42501'), owner = replace(owner, 'E', '42501');

-- cells that differ from the documented behaviour today (TODO): what they do now
CREATE TEMP TABLE known (label text, role text, actual text, why text, PRIMARY KEY (label, role));
-- none today (next_reminder answered from a cache another role loaded, and a
-- worker could sign a contact_log row for another role: both fixed)

CREATE TEMP TABLE got AS
SELECT s.no, s.label, r.ord, r.role, pg_temp.attempt(r.role, s.pre, s.sql) AS result
  FROM stmt AS s CROSS JOIN unnest(ARRAY['plain', 'reader', 'worker', 'writer', 'manager', 'owner']) WITH ORDINALITY AS r (role, ord);
RESET ROLE;

CREATE TEMP VIEW expected_cells AS
SELECT e.label, c.ord, c.role, c.result AS documented, coalesce(k.actual, c.result) AS now, k.why
  FROM expected AS e
 CROSS JOIN LATERAL (VALUES (1, 'plain', e.plain), (2, 'reader', e.reader), (3, 'worker', e.worker),
                            (4, 'writer', e.writer), (5, 'manager', e.manager), (6, 'owner', e.owner)) AS c (ord, role, result)
  LEFT JOIN known AS k ON k.label = e.label AND k.role = c.role;

-- ---------------------------------------------------------------------
-- the whole matrix
-- ---------------------------------------------------------------------
SELECT ok((SELECT count(*) FROM stmt) >= 45, 'the matrix has at least 45 statements (issue 18)');
SELECT is((SELECT array_agg(label ORDER BY label) FROM stmt), (SELECT array_agg(label ORDER BY label) FROM expected),
          'every statement has its expected row, and no expected row is left without a statement');
SELECT results_eq($$SELECT label, role, result FROM got ORDER BY label, ord$$,
                  $$SELECT label, role, now FROM expected_cells ORDER BY label, ord$$,
                  'the whole matrix: the documented results, but for the TODO cells listed in pg_temp.known');

-- one test per statement, named after it; a TODO when a cell of it is known to differ
CREATE FUNCTION pg_temp.matrix_rows() RETURNS SETOF text
LANGUAGE plpgsql AS $$
DECLARE
    s record;
    have text;
    want text;
    why text;
BEGIN
    FOR s IN SELECT no, label FROM stmt ORDER BY no LOOP
        SELECT string_agg(g.role || ' ' || g.result, ', ' ORDER BY g.ord) INTO have FROM got AS g WHERE g.label = s.label;
        SELECT string_agg(c.role || ' ' || c.documented, ', ' ORDER BY c.ord),
               string_agg(DISTINCT c.why, '; ') || ' (' || string_agg(c.role, ', ' ORDER BY c.ord) FILTER (WHERE c.why IS NOT NULL) || ')'
          INTO want, why FROM expected_cells AS c WHERE c.label = s.label;
        IF why IS NOT NULL THEN
            PERFORM todo(why, 1);
        END IF;
        RETURN NEXT is(have, want, s.label || ': the roles get what the documentation says');
    END LOOP;
END
$$;
SELECT * FROM pg_temp.matrix_rows();

-- ar_credit_writer has no privilege at all (section 10): its column is PUBLIC's,
-- and it holds no grant on any object of the schema
SELECT is((SELECT array_agg(w.label ORDER BY w.no) FROM got AS w JOIN got AS p USING (no)
            WHERE w.role = 'writer' AND p.role = 'plain' AND w.result <> p.result),
          NULL, 'ar_credit_writer may do exactly what PUBLIC may');
SELECT is((SELECT count(*)::int FROM (
              SELECT c.relacl AS acl FROM pg_class AS c WHERE c.relnamespace = 'ar_credit'::regnamespace
              UNION ALL SELECT p.proacl FROM pg_proc AS p WHERE p.pronamespace = 'ar_credit'::regnamespace
              UNION ALL SELECT t.typacl FROM pg_type AS t WHERE t.typnamespace = 'ar_credit'::regnamespace) AS o
            CROSS JOIN LATERAL aclexplode(o.acl) AS a
           WHERE a.grantee = 'ar_credit_writer'::regrole),
          0, 'ar_credit_writer holds no grant on any ar_credit object');

-- ---------------------------------------------------------------------
-- the catalog: SECURITY DEFINER functions, and what PUBLIC has
-- ---------------------------------------------------------------------
-- every SECURITY DEFINER function pins search_path, with pg_temp named last
SELECT is((SELECT array_agg(p.oid::regprocedure::text ORDER BY p.oid::regprocedure::text)
             FROM pg_proc AS p
            WHERE p.pronamespace = 'ar_credit'::regnamespace AND p.prosecdef
              AND NOT EXISTS (SELECT 1 FROM unnest(p.proconfig) AS c WHERE c ~ '^search_path=.*pg_temp$')),
          NULL, 'every SECURITY DEFINER function of ar_credit pins search_path (pg_temp last)');
-- and none is executable by PUBLIC but those of this allow-list (empty: each SECURITY
-- DEFINER function is granted to the roles of section 10 by name, or is an event trigger's)
SELECT is((SELECT array_agg(p.oid::regprocedure::text ORDER BY p.oid::regprocedure::text)
             FROM pg_proc AS p
            WHERE p.pronamespace = 'ar_credit'::regnamespace AND p.prosecdef
              AND (p.proacl IS NULL OR EXISTS (SELECT 1 FROM aclexplode(p.proacl) AS a
                                                WHERE a.grantee = 0 AND a.privilege_type = 'EXECUTE'))
              AND p.oid::regprocedure::text <> ALL (ARRAY[]::text[])),
          NULL, 'no SECURITY DEFINER function of ar_credit is executable by PUBLIC (allow-list: none)');
-- there are some: the test above is not vacuous
SELECT ok((SELECT count(*) FROM pg_proc AS p WHERE p.pronamespace = 'ar_credit'::regnamespace AND p.prosecdef) >= 20,
          'ar_credit has its SECURITY DEFINER functions (the tests above see them)');

-- section 10: PUBLIC reads reference_rate, interest_regime, credit_policy, dunning_step
-- (the tables PUBLIC's functions read); nothing else
SELECT is((SELECT array_agg(c.relname || ' ' || a.privilege_type ORDER BY c.relname, a.privilege_type)
             FROM pg_class AS c CROSS JOIN LATERAL aclexplode(coalesce(c.relacl, acldefault(
                      CASE WHEN c.relkind = 'S' THEN 's' ELSE 'r' END::"char", c.relowner))) AS a
            WHERE c.relnamespace = 'ar_credit'::regnamespace AND a.grantee = 0),
          ARRAY['credit_policy SELECT', 'dunning_step SELECT', 'interest_regime SELECT', 'reference_rate SELECT'],
          'PUBLIC holds SELECT on credit_policy, dunning_step, interest_regime and reference_rate, and nothing else on any relation');

-- section 10: PUBLIC executes the pure functions, track and its kin; each function PUBLIC may
-- execute that is not IMMUTABLE is in this list, with the reason
SELECT is((SELECT array_agg(p.oid::regprocedure::text ORDER BY p.oid::regprocedure::text)
             FROM pg_proc AS p
            WHERE p.pronamespace = 'ar_credit'::regnamespace AND p.provolatile <> 'i'
              AND (p.proacl IS NULL OR EXISTS (SELECT 1 FROM aclexplode(p.proacl) AS a
                                                WHERE a.grantee = 0 AND a.privilege_type = 'EXECUTE'))),
          (SELECT array_agg(f ORDER BY f) FROM unnest(ARRAY[
              -- STABLE only because of TimeZone (ar_credit.timezone) or the catalog: pure
              'ar_credit.as_date(timestamp with time zone)',
              'ar_credit.qualified_name(regclass)',
              -- doc/replication.md: anyone may check a publication
              'ar_credit.check_publication(name)',
              -- trigger functions: cannot be called as functions (39P01)
              'ar_credit.config_cache_invalidate()', 'ar_credit.config_row_user_owned()',
              'ar_credit.credit_account_check()', 'ar_credit.dunning_step_in_use()', 'ar_credit.dunning_trigger()',
              -- credit.md: guard and unguard are the table owner's, like track
              'ar_credit.guard(regclass,text,text,text,text,text)',
              -- the guard's WHEN clause, run as the writer
              'ar_credit.guard_armed(regclass)',
              'ar_credit.guard_check()', 'ar_credit.guard_collect()',
              -- section 10: read reference_rate and interest_regime, which PUBLIC reads
              'ar_credit.late_interest(numeric,date,date,text)', 'ar_credit.late_interest(numeric,date,date,text,numeric)',
              'ar_credit.late_interest_detail(numeric,date,date,text)',
              -- read dunning_step (see the next_reminder rows of the matrix)
              'ar_credit.next_reminder(date,date,integer,text,date,integer)',
              'ar_credit.next_reminder_rec(date,date,integer,text,date,integer,numeric)',
              -- section 12: how a table's owner tracks it; checks ownership itself
              'ar_credit.owner_call(text,regclass,regclass,jsonb)',
              -- section 4: reads credit_policy, which PUBLIC reads
              'ar_credit.recommended_terms(text)',
              'ar_credit.recovery_indemnity(numeric,text)',
              'ar_credit.related_trigger()',
              -- section 10: track and its kin
              'ar_credit.track(regclass,text,text,text,text,text,text,text,text,jsonb,text,text,text,text)',
              'ar_credit.track_related(regclass,regclass,text,text,text)',
              'ar_credit.unguard(regclass)',
              'ar_credit.untrack(regclass)',
              'ar_credit.untrack_related(regclass,regclass)']) AS f),
          'the functions PUBLIC may execute that are not IMMUTABLE are the documented ones');

-- ---------------------------------------------------------------------
-- the contact log records who wrote it (section 8: by_role is "the login
-- role that recorded it (session_user)"); a worker may add rows, not sign
-- them with another name
-- ---------------------------------------------------------------------
SET LOCAL ROLE privm_worker;
SELECT lives_ok($$INSERT INTO ar_credit.contact_log (customer_key, channel, note) VALUES ('acme', 'phone', 'privm: called')$$,
                'a worker adds a call to the contact log');
SELECT is((SELECT by_role FROM ar_credit.contact_log WHERE note = 'privm: called'), session_user::text,
          'the row names the session''s login role');
RESET ROLE;
-- the forged row, if written, makes the second statement divide by zero (22012)
SELECT isnt(pg_temp.attempt('worker', '{}',
                            ARRAY[$$INSERT INTO ar_credit.contact_log (customer_key, channel, note, by_role) VALUES ('acme', 'phone', 'privm: forged', 'ceo')$$,
                                  $$SELECT 1 / (1 - count(*)::int) FROM ar_credit.contact_log WHERE note = 'privm: forged' AND by_role = 'ceo'$$]),
            '22012', 'a worker cannot sign a contact_log row with another role''s name (by_role)');

-- ---------------------------------------------------------------------
-- the roles go: nothing of the extension holds on to them
-- ---------------------------------------------------------------------
SET LOCAL client_min_messages = warning;
SELECT lives_ok($$DROP OWNED BY privm_plain, privm_reader, privm_worker, privm_writer, privm_manager, privm_owner CASCADE$$,
                'the test roles'' tables (tracked, guarded) are dropped');
SELECT lives_ok($$DROP ROLE privm_plain, privm_reader, privm_worker, privm_writer, privm_manager, privm_owner$$,
                'the test roles are dropped');
RESET client_min_messages;
SELECT is((SELECT count(*)::int FROM ar_credit.tracked_table WHERE relid::text LIKE 'privm.own\_%'), 0,
          'their tracked tables are forgotten');

SELECT * FROM finish();
ROLLBACK;
