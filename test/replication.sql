--
-- pgTAP behaviour tests of ar_credit and logical replication (issue 16,
-- doc/replication.md): publications that would publish ar_credit's own
-- tables are refused (CREATE and ALTER PUBLICATION, CREATE EXTENSION beside
-- a FOR ALL TABLES publication), ar_credit.check_publication(), and the
-- triggers track() and track_related() leave for a subscriber's apply
-- worker.  The real two-cluster subscriber is test/subscriber.sh.
--
BEGIN;
CREATE EXTENSION ar_credit;
-- CREATE PUBLICATION warns when wal_level is not logical: not our concern here
SET LOCAL client_min_messages = error;
SET LOCAL search_path = public;

SELECT plan(30);

CREATE SCHEMA rep;
CREATE SCHEMA erp;
CREATE TABLE erp.invoices (id int PRIMARY KEY, due date, amount numeric(12,2), status text);
CREATE TABLE erp.payments (id int PRIMARY KEY, invoice_id int, amount numeric(12,2));

-- "SQLSTATE message | hint" of the error q raises, or 'no error'
CREATE FUNCTION rep.err(q text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    st text; msg text; hint text;
BEGIN
    EXECUTE q;
    RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, hint = PG_EXCEPTION_HINT;
    RETURN st || ' ' || msg || ' | ' || hint;
END
$$;
-- the tables a publication publishes, as text
CREATE FUNCTION rep.published(pub name) RETURNS text
LANGUAGE sql AS $$
    SELECT coalesce(string_agg(format('%I.%I', schemaname, tablename), ', ' ORDER BY schemaname, tablename), '')
      FROM pg_publication_tables WHERE pubname = pub
$$;

-- ---------------------------------------------------------------------
-- the objects
-- ---------------------------------------------------------------------
SELECT has_function('ar_credit', 'check_publication', ARRAY['name'], 'ar_credit.check_publication(name) exists');
SELECT is((SELECT concat_ws(' ', evtevent, evtfoid::regprocedure, evttags, evtenabled)
             FROM pg_event_trigger WHERE evtname = 'ar_credit_publication'),
          'ddl_command_end ar_credit.on_publication_change() {"CREATE PUBLICATION","ALTER PUBLICATION"} O',
          'event trigger ar_credit_publication at the end of CREATE and ALTER PUBLICATION');
SELECT is((SELECT concat(provolatile, proisstrict, proparallel) FROM pg_proc
            WHERE oid = 'ar_credit.check_publication(name)'::regprocedure), 'sts',
          'check_publication is STABLE STRICT PARALLEL SAFE');

-- ---------------------------------------------------------------------
-- CREATE PUBLICATION
-- ---------------------------------------------------------------------
SELECT is(rep.err('CREATE PUBLICATION p_all FOR ALL TABLES'),
          '22023 publication "p_all" publishes all tables, ar_credit''s own among them | FOR ALL TABLES cannot leave tables out: drop it and publish the finance tables by name (CREATE PUBLICATION p_all FOR TABLE invoices, payments, ...) or by schema (FOR TABLES IN SCHEMA erp); see doc/replication.md.',
          'FOR ALL TABLES is refused, the hint naming the publication to use (the schemas of the user''s tables)');
SELECT is((SELECT count(*) FROM pg_publication WHERE pubname = 'p_all'), 0::bigint, 'and not created');
SELECT throws_ok('CREATE PUBLICATION p_s FOR TABLES IN SCHEMA ar_credit', '22023',
                 'publication "p_s" publishes schema ar_credit', 'FOR TABLES IN SCHEMA ar_credit is refused');
SELECT throws_ok('CREATE PUBLICATION p_s FOR TABLES IN SCHEMA erp, ar_credit', '22023',
                 'publication "p_s" publishes schema ar_credit', 'so is schema ar_credit next to another');
SELECT throws_ok('CREATE PUBLICATION p_t FOR TABLE erp.invoices, ar_credit.dunning_step', '22023',
                 'publication "p_t" publishes table ar_credit.dunning_step of ar_credit',
                 'a publication naming one of ar_credit''s tables is refused');
SELECT throws_ok('CREATE PUBLICATION p_t FOR TABLE ar_credit.dunning_queue WITH (publish = ''insert'')', '22023',
                 'publication "p_t" publishes table ar_credit.dunning_queue of ar_credit',
                 'whatever it publishes of it');
SELECT lives_ok('CREATE PUBLICATION credit FOR TABLE erp.invoices, erp.payments',
                'the finance tables by name are published');
SELECT is(rep.published('credit'), 'erp.invoices, erp.payments', 'those two');
SELECT lives_ok('CREATE PUBLICATION credit_schema FOR TABLES IN SCHEMA erp', 'the finance schema is published');
SELECT lives_ok('CREATE PUBLICATION empty_one', 'an empty publication is fine');

-- ---------------------------------------------------------------------
-- ALTER PUBLICATION
-- ---------------------------------------------------------------------
SELECT throws_ok('ALTER PUBLICATION credit ADD TABLE ar_credit.receivable', '22023',
                 'publication "credit" publishes table ar_credit.receivable of ar_credit',
                 'ADD TABLE of one of ar_credit''s tables is refused');
SELECT throws_ok('ALTER PUBLICATION credit SET TABLE erp.invoices, ar_credit.interest_regime', '22023',
                 'publication "credit" publishes table ar_credit.interest_regime of ar_credit', 'so is SET TABLE');
SELECT throws_ok('ALTER PUBLICATION empty_one ADD TABLES IN SCHEMA ar_credit', '22023',
                 'publication "empty_one" publishes schema ar_credit', 'and ADD TABLES IN SCHEMA ar_credit');
SELECT throws_ok('ALTER PUBLICATION credit_schema SET TABLES IN SCHEMA ar_credit', '22023',
                 'publication "credit_schema" publishes schema ar_credit', 'and SET TABLES IN SCHEMA ar_credit');
SELECT is(rep.published('credit') || ' / ' || rep.published('credit_schema') || ' / ' || rep.published('empty_one'),
          'erp.invoices, erp.payments / erp.invoices, erp.payments / ', 'the refused changes left the publications as they were');
SELECT lives_ok('ALTER PUBLICATION empty_one ADD TABLE erp.payments', 'adding a finance table is fine');
SELECT lives_ok('ALTER PUBLICATION empty_one RENAME TO renamed_one', 'and renaming a publication');

-- a table owner who is not a superuser publishes their own table
CREATE ROLE rep_owner;
GRANT CREATE ON DATABASE :"DBNAME" TO rep_owner;
GRANT USAGE, CREATE ON SCHEMA erp TO rep_owner;
SET LOCAL ROLE rep_owner;
CREATE TABLE erp.customers (id int PRIMARY KEY, name text);
SELECT lives_ok('CREATE PUBLICATION owners FOR TABLE erp.customers',
                'a non-superuser owner publishes their table (the event trigger needs no grant)');
RESET ROLE;

-- ---------------------------------------------------------------------
-- check_publication()
-- ---------------------------------------------------------------------
SELECT lives_ok($$SELECT ar_credit.check_publication('credit')$$, 'check_publication passes a good publication');
SELECT throws_ok($$SELECT ar_credit.check_publication('no such publication')$$, '42704',
                 'publication "no such publication" does not exist', 'an unknown publication is named');
-- with the event trigger disabled (a deliberate override), the check still tells
ALTER EVENT TRIGGER ar_credit_publication DISABLE;
CREATE PUBLICATION p_all FOR ALL TABLES;
ALTER EVENT TRIGGER ar_credit_publication ENABLE;
SELECT throws_ok($$SELECT ar_credit.check_publication('p_all')$$, '22023',
                 'publication "p_all" publishes all tables, ar_credit''s own among them',
                 'check_publication finds a FOR ALL TABLES publication made with the event trigger disabled');

-- ---------------------------------------------------------------------
-- CREATE EXTENSION beside a FOR ALL TABLES publication
-- ---------------------------------------------------------------------
SAVEPOINT before_drop;
DROP EXTENSION ar_credit;
SELECT is(rep.err('CREATE EXTENSION ar_credit'),
          '22023 publication "p_all" publishes all tables, ar_credit''s own among them | FOR ALL TABLES cannot leave tables out: drop it and publish the finance tables by name (CREATE PUBLICATION p_all FOR TABLE invoices, payments, ...) or by schema (FOR TABLES IN SCHEMA erp); see doc/replication.md.',
          'CREATE EXTENSION is refused beside a FOR ALL TABLES publication');
DROP PUBLICATION p_all;
SELECT lives_ok('CREATE EXTENSION ar_credit', 'and installs once it is gone');
ROLLBACK TO SAVEPOINT before_drop;

-- ---------------------------------------------------------------------
-- the triggers a subscriber's apply worker fires
-- ---------------------------------------------------------------------
-- the apply worker runs with session_replication_role = replica: it fires
-- triggers enabled REPLICA or ALWAYS, and row triggers only
CREATE FUNCTION rep.triggers(rel regclass) RETURNS text
LANGUAGE sql AS $$
    SELECT string_agg(concat(tgname, ' ', tgenabled), ', ' ORDER BY tgname)
      FROM pg_trigger WHERE tgrelid = rel AND NOT tgisinternal
$$;
SELECT ar_credit.track('erp.invoices', NULL, 'due',
                       $$amount - coalesce((SELECT sum(p.amount) FROM erp.payments AS p WHERE p.invoice_id = invoices.id), 0)$$,
                       'status');
SELECT ar_credit.track_related('erp.payments', 'erp.invoices', 'invoice_id');
SELECT is(rep.triggers('erp.invoices'),
          'ar_credit_dunning_del O, ar_credit_dunning_ins O, ar_credit_dunning_row R, ar_credit_dunning_trunc A, ar_credit_dunning_upd O',
          'a tracked table: statement triggers for local writes, the row trigger for the apply worker, TRUNCATE always');
SELECT is(rep.triggers('erp.payments'),
          'ar_credit_related_del O, ar_credit_related_ins O, ar_credit_related_row R, ar_credit_related_trunc A, ar_credit_related_upd O',
          'a related table: the same set');
-- the apply worker, simulated: a payment row replicated closes its invoice
INSERT INTO erp.invoices VALUES (1, current_date - 3, 100, 'open');
SET LOCAL session_replication_role = replica;
INSERT INTO erp.payments VALUES (1, 1, 100);
RESET session_replication_role;
SELECT is((SELECT class || ' ' || amount FROM ar_credit.receivable WHERE source = 'erp.invoices'::regclass AND item_key = '1'),
          'paid 0.00', 'a payment row written as the apply worker does closes its invoice (related row trigger)');
SELECT ar_credit.track_related('erp.payments', 'erp.invoices', 'invoice_id');
SELECT is(rep.triggers('erp.payments'),
          'ar_credit_related_del O, ar_credit_related_ins O, ar_credit_related_row R, ar_credit_related_trunc A, ar_credit_related_upd O',
          'linking again keeps them so');

SELECT * FROM finish();
ROLLBACK;
