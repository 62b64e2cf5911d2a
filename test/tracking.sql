--
-- pgTAP behaviour tests of tracking any finance table (SPEC sections 7 and
-- 12): mappings that are columns or expressions, the row filter, status_map,
-- amounts in minor units, dates of any kind, keys of any type, related
-- tables, credit notes, writers and owners without grants, renames,
-- partitions, a subscriber's apply worker.  The six ERP recipes are tested
-- in test/recipe_*.sql.
--
-- Reminders are computed as of CURRENT_DATE: every date is relative to it.
--
BEGIN;
CREATE EXTENSION ar_credit;
SET LOCAL client_min_messages = warning;
SET LOCAL search_path = public;

SELECT plan(107);

CREATE SCHEMA trk;
GRANT USAGE ON SCHEMA trk TO PUBLIC;

-- the live reminder of an item as 'state Llevel amount', 'none' or 'many'
CREATE FUNCTION trk.live(src regclass, k text) RETURNS text
LANGUAGE sql AS $$
    SELECT CASE count(*) WHEN 0 THEN 'none' WHEN 1 THEN max(q.state || ' L' || q.level || ' ' || q.amount_due)
           ELSE 'many' END
      FROM ar_credit.dunning_queue AS q
     WHERE q.source = src AND q.invoice_key = k AND q.state IN ('pending', 'claimed', 'suspended')
$$;
-- the receivable of an item as 'class amount', 'gone' or 'none'
CREATE FUNCTION trk.rcv(src regclass, k text) RETURNS text
LANGUAGE sql AS $$
    SELECT COALESCE((SELECT r.class || ' ' || COALESCE(r.amount::text, '-') FROM ar_credit.receivable AS r
                      WHERE r.source = src AND r.item_key = k AND NOT r.gone),
                    (SELECT 'gone' FROM ar_credit.receivable AS r WHERE r.source = src AND r.item_key = k LIMIT 1),
                    'none')
$$;

-- ---------------------------------------------------------------------
-- expressions, the filter, two status columns combined by a status_map
-- ---------------------------------------------------------------------
CREATE TABLE trk.move (id int PRIMARY KEY, move_type text NOT NULL, state text NOT NULL, payment_state text,
                       partner int, date date, invoice_date_due date, amount_residual numeric(12,2));
SELECT lives_ok($$SELECT ar_credit.track('trk.move', 'id', 'coalesce(invoice_date_due, date)',
        $x$CASE WHEN move_type = 'out_refund' THEN -amount_residual ELSE amount_residual END$x$,
        status_column => $x$CASE WHEN state = 'posted' THEN payment_state ELSE state END$x$,
        customer_column => 'partner',
        filter => $x$move_type IN ('out_invoice', 'out_refund')$x$,
        status_map => '{"draft": "ignored", "cancel": "closed", "not_paid": "open", "partial": "open",
                        "in_payment": "paid", "paid": "paid", "reversed": "closed", "blocked": "disputed"}')$$,
                'track with expressions, a filter and a status_map');
SELECT results_eq($$SELECT due_column, filter FROM ar_credit.tracked_table WHERE relid = 'trk.move'::regclass$$,
                  $$VALUES ('COALESCE(invoice_date_due, date)', '(move_type = ANY (ARRAY[''out_invoice''::text, ''out_refund''::text]))')$$,
                  'tracked_table keeps the mapping as readable SQL');
INSERT INTO trk.move VALUES
    (1, 'out_invoice', 'draft', 'not_paid', 7, current_date - 40, NULL, 500),
    (2, 'in_invoice', 'posted', 'not_paid', 7, current_date - 40, current_date - 10, 900),
    (3, 'entry', 'posted', NULL, 7, current_date - 40, NULL, 100),
    (4, 'out_invoice', 'posted', 'not_paid', 7, current_date - 40, current_date - 10, 1000);
SELECT is(trk.live('trk.move', '1'), 'none', 'a draft invoice is not dunned');
SELECT is(trk.rcv('trk.move', '2') || ' / ' || trk.rcv('trk.move', '3'), 'none / none',
          'a vendor bill and a journal entry never enter the mirror (filter)');
SELECT is(trk.live('trk.move', '4'), 'pending L3 1000.00', 'a posted customer invoice is dunned');
UPDATE trk.move SET state = 'posted' WHERE id = 1;
SELECT is(trk.live('trk.move', '1'), 'pending L5 500.00', 'posted: the due date falls back to the invoice date (40 days late: catch-up to the formal notice)');
UPDATE trk.move SET payment_state = 'partial', amount_residual = 300 WHERE id = 4;
SELECT is(trk.live('trk.move', '4'), 'pending L3 300.00', 'partial payment: the residual is reminded');
UPDATE trk.move SET payment_state = 'blocked' WHERE id = 4;
SELECT is(trk.live('trk.move', '4'), 'suspended L3 300.00', 'blocked maps to disputed: suspended');
UPDATE trk.move SET payment_state = 'in_payment' WHERE id = 4;
SELECT is(trk.live('trk.move', '4') || ' / ' || trk.rcv('trk.move', '4'), 'none / paid 300.00',
          'in_payment maps to paid: no reminder, the receivable paid');
INSERT INTO trk.move VALUES (5, 'out_refund', 'posted', 'not_paid', 7, current_date - 2, current_date - 2, 200);
SELECT is(trk.live('trk.move', '5') || ' / ' || trk.rcv('trk.move', '5'), 'none / credit -200.00',
          'a credit note: never dunned, a credit in the mirror');
SELECT results_eq($$SELECT total, d1_30, d31_60 FROM ar_credit.aging_report WHERE source = 'trk.move'$$,
                  $$VALUES (300.00, -200.00, 500.00)$$, 'aging_report nets the credit note against the customer''s invoices');
UPDATE trk.move SET move_type = 'in_invoice' WHERE id = 1;
SELECT is(trk.live('trk.move', '1') || ' / ' || trk.rcv('trk.move', '1'), 'none / ignored 500.00',
          'a row that leaves the filter is no longer a receivable');
UPDATE trk.move SET state = 'cancel' WHERE id = 5;
SELECT is(trk.rcv('trk.move', '5'), 'closed -200.00', 'a cancelled credit note is closed');

-- ---------------------------------------------------------------------
-- statuses of any type, amounts in minor units, dates of any kind, keys of any type
-- ---------------------------------------------------------------------
CREATE TYPE trk.inv_state AS ENUM ('draft', 'finalized', 'voided');
CREATE DOMAIN trk.stamp AS timestamp;
CREATE TABLE trk.bill (id uuid PRIMARY KEY, st smallint, state trk.inv_state, settled boolean, cur text,
                       cents bigint, due trk.stamp, due_tz timestamptz);
SELECT lives_ok($$SELECT ar_credit.track('trk.bill', 'id', 'due', 'cents', 'st', currency_column => 'cur',
                                         amount_unit => 'minor', status_map => '{"0": "draft", "1": "open", "2": "paid"}')$$,
                'track an integer status, amounts in cents, a domain over timestamp, a uuid key');
INSERT INTO trk.bill VALUES ('00000000-0000-0000-0000-000000000001', 1, 'finalized', false, 'EUR', 12000,
                             (current_date - 3)::timestamp + interval '23 hours', NULL),
                            ('00000000-0000-0000-0000-000000000002', 1, 'finalized', false, 'JPY', 12000,
                             (current_date - 3)::timestamp, NULL),
                            ('00000000-0000-0000-0000-000000000003', 1, 'finalized', false, 'KWD', 12000,
                             (current_date - 3)::timestamp, NULL),
                            ('00000000-0000-0000-0000-000000000004', 0, 'draft', false, 'EUR', 500,
                             (current_date - 3)::timestamp, NULL);
SELECT results_eq($$SELECT invoice_key, amount_due, due_date - current_date FROM ar_credit.dunning_queue
                     WHERE source = 'trk.bill'::regclass ORDER BY invoice_key$$,
                  $$VALUES ('00000000-0000-0000-0000-000000000001', 120.00, -3),
                           ('00000000-0000-0000-0000-000000000002', 12000, -3),
                           ('00000000-0000-0000-0000-000000000003', 12.000, -3)$$,
                  'cents in major units (EUR 120.00, JPY 12000, KWD 12.000); the draft (0) not queued');
UPDATE trk.bill SET st = 2 WHERE id = '00000000-0000-0000-0000-000000000002';
SELECT is(trk.live('trk.bill', '00000000-0000-0000-0000-000000000002'), 'none', 'status 2 maps to paid');
-- a boolean status, an enum status
SELECT lives_ok($$SELECT ar_credit.track('trk.bill', 'id', 'due', 'cents', 'settled', currency_column => 'cur',
                                         amount_unit => 'minor', status_map => '{"true": "paid", "false": "open"}')$$,
                'track again with a boolean status');
SELECT is(trk.live('trk.bill', '00000000-0000-0000-0000-000000000004'), 'pending L3 5.00', 'false maps to open');
UPDATE trk.bill SET settled = true WHERE id = '00000000-0000-0000-0000-000000000004';
SELECT is(trk.live('trk.bill', '00000000-0000-0000-0000-000000000004'), 'none', 'true maps to paid');
SELECT lives_ok($$SELECT ar_credit.track('trk.bill', 'id', 'due', 'cents', 'state', currency_column => 'cur',
                                         amount_unit => 'minor', status_map => '{"finalized": "open", "voided": "void"}')$$,
                'track again with an enum status');
SELECT is(trk.live('trk.bill', '00000000-0000-0000-0000-000000000004') || ' / ' ||
          trk.rcv('trk.bill', '00000000-0000-0000-0000-000000000004'), 'none / ignored 5.00',
          'an enum label the map leaves out falls back to the vocabulary: draft is ignored');
-- timestamptz due dates are read in ar_credit.timezone, whatever the writer's TimeZone
SELECT lives_ok($$SELECT ar_credit.track('trk.bill', 'id', 'due_tz', 'cents', currency_column => 'cur', amount_unit => 'minor')$$,
                'track a timestamptz due column');
-- 23:30 UTC, 30 days ahead of today's UTC date: already the next day at +14:00
CREATE TEMP TABLE trk_due AS
    SELECT ((now() AT TIME ZONE 'UTC')::date + 30) + time '23:30' AS utc_due,
           (now() AT TIME ZONE 'UTC')::date - current_date AS utc_minus_local;
SET LOCAL timezone = 'Pacific/Kiritimati';
UPDATE trk.bill SET due_tz = (SELECT utc_due FROM trk_due) AT TIME ZONE 'UTC'
 WHERE id = '00000000-0000-0000-0000-000000000001';
RESET timezone;
SELECT is((SELECT due_date - current_date - (SELECT utc_minus_local FROM trk_due) FROM ar_credit.receivable
            WHERE source = 'trk.bill'::regclass AND item_key = '00000000-0000-0000-0000-000000000001' AND NOT gone), 30,
          'a timestamptz due date is the date in ar_credit.timezone (UTC), not in the writer''s +14:00');
SELECT is(current_setting('ar_credit.timezone'), 'UTC', 'ar_credit.timezone defaults to UTC');
SELECT throws_ok($$SET ar_credit.timezone = 'Mars/Olympus'$$, '22023', NULL, 'ar_credit.timezone must be a known zone');

-- composite and bigint keys written from sessions with other settings
CREATE TABLE trk.line (company bigint, number date, due date, amt numeric, PRIMARY KEY (company, number));
SELECT ar_credit.track('trk.line', NULL, 'due', 'amt');
SET LOCAL datestyle = 'SQL, DMY';
INSERT INTO trk.line VALUES (9000000000, '2024-03-01', current_date - 2, 10);
RESET datestyle;
SELECT is(trk.live('trk.line', '(9000000000,2024-03-01)'), 'pending L3 10', 'a composite key is written with fixed settings');
SET LOCAL datestyle = 'German';
UPDATE trk.line SET amt = 0;
RESET datestyle;
SELECT is(trk.live('trk.line', '(9000000000,2024-03-01)'), 'none',
          'paid from a session with another DateStyle: the same invoice, its reminder cancelled');

-- ---------------------------------------------------------------------
-- related tables: payments and credit notes re-evaluate their invoice
-- ---------------------------------------------------------------------
CREATE TABLE trk.facture (rowid int PRIMARY KEY, total_ttc numeric(12,2), date_lim date, fk_statut smallint);
CREATE TABLE trk.paiement (id serial PRIMARY KEY, fk_facture int, amount numeric(12,2));
SELECT lives_ok($$SELECT ar_credit.track('trk.facture', 'rowid', 'date_lim',
        'total_ttc - coalesce((SELECT sum(p.amount) FROM trk.paiement AS p WHERE p.fk_facture = facture.rowid), 0)',
        'fk_statut', status_map => '{"0": "draft", "1": "open", "2": "paid", "3": "cancelled"}')$$,
                'track an amount net of the payments in another table');
SELECT lives_ok($$SELECT ar_credit.track_related('trk.paiement', 'trk.facture', 'fk_facture')$$,
                'track_related: payments re-evaluate their invoice');
INSERT INTO trk.facture VALUES (1, 800, current_date - 5, 1), (2, 100, current_date + 20, 1);
SELECT is(trk.live('trk.facture', '1'), 'pending L3 800.00', 'an unpaid invoice reminds its total');
INSERT INTO trk.paiement (fk_facture, amount) VALUES (1, 300);
SELECT is(trk.live('trk.facture', '1'), 'pending L3 500.00', 'a payment of 300 on 800: the reminder is for 500');
UPDATE trk.paiement SET fk_facture = 2 WHERE fk_facture = 1;
SELECT is(trk.live('trk.facture', '1') || ' / ' || trk.rcv('trk.facture', '2'), 'pending L3 800.00 / credit -200.00',
          'a payment moved to another invoice re-evaluates both');
DELETE FROM trk.paiement;
SELECT is(trk.rcv('trk.facture', '2'), 'open 100.00', 'a deleted payment: owed again');
INSERT INTO trk.paiement (fk_facture, amount) VALUES (1, 800);
SELECT is(trk.live('trk.facture', '1') || ' / ' || trk.rcv('trk.facture', '1'), 'none / paid 0.00',
          'paid in full by a payment: no reminder, the receivable paid');
TRUNCATE trk.paiement;
SELECT is(trk.live('trk.facture', '1'), 'pending L3 800.00', 'TRUNCATE of the payments: every invoice re-evaluated');
SELECT is((SELECT count(*) FROM pg_trigger WHERE tgrelid = 'trk.paiement'::regclass AND NOT tgisinternal), 5::bigint,
          'the related table has its five triggers');
-- a header's state for its lines: tracked_column
CREATE TABLE trk.mv (id int PRIMARY KEY, state text);
CREATE TABLE trk.mvl (id int PRIMARY KEY, move int, maturity date, debit numeric);
SELECT lives_ok($$SELECT ar_credit.track('trk.mvl', 'id', 'maturity', 'debit',
        '(SELECT m.state FROM trk.mv AS m WHERE m.id = mvl.move)', status_map => '{"draft": "ignored", "posted": "open"}')$$,
                'track lines whose status is their move''s');
SELECT lives_ok($$SELECT ar_credit.track_related('trk.mv', 'trk.mvl', 'id', tracked_column => 'move')$$,
                'track_related with tracked_column: a move re-evaluates all its lines');
INSERT INTO trk.mv VALUES (1, 'draft');
INSERT INTO trk.mvl VALUES (10, 1, current_date - 3, 50), (11, 1, current_date + 30, 50);
SELECT is(trk.live('trk.mvl', '10') || ' / ' || trk.live('trk.mvl', '11'), 'none / none', 'lines of a draft move: not dunned');
UPDATE trk.mv SET state = 'posted';
SELECT is(trk.live('trk.mvl', '10') || ' / ' || trk.live('trk.mvl', '11'), 'pending L3 50 / pending L1 50',
          'the move posted: both lines dunned');
SELECT throws_ok($$SELECT ar_credit.track_related('trk.mv', 'trk.mvl', 'state', tracked_column => 'move')$$, '42883',
                 NULL, 'track_related: keys that cannot be compared are refused (42883)');

-- ---------------------------------------------------------------------
-- the ERP is never hurt: its role needs no grant; the table owner tracks
-- ---------------------------------------------------------------------
CREATE ROLE trk_owner NOLOGIN;
CREATE ROLE trk_app NOLOGIN;
GRANT CREATE ON SCHEMA trk TO trk_owner;
SET LOCAL ROLE trk_owner;
CREATE TABLE trk.erp (no text PRIMARY KEY, due date, amt numeric, cust text);
GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON trk.erp TO trk_app;
SELECT lives_ok($$SELECT ar_credit.track('trk.erp', 'no', 'due', 'amt', customer_column => 'cust')$$,
                'the table''s owner tracks it, holding no grant on ar_credit');
SET LOCAL ROLE trk_app;
SELECT lives_ok($$INSERT INTO trk.erp VALUES ('E-1', current_date - 1, 100, 'c1'), ('E-2', current_date + 20, 50, 'c2')$$,
                'the application''s role inserts, holding no grant on ar_credit');
SELECT lives_ok($$UPDATE trk.erp SET amt = 0 WHERE no = 'E-1'$$, 'it updates');
SELECT lives_ok($$DELETE FROM trk.erp WHERE no = 'E-2'$$, 'it deletes');
SELECT lives_ok($$TRUNCATE trk.erp$$, 'it truncates');
SELECT throws_ok($$SELECT ar_credit.track('trk.erp', 'no', 'due', 'amt')$$, '42501', 'must be owner of table erp',
                 'a role that does not own the table cannot track it');
SELECT throws_ok($$SELECT * FROM ar_credit.receivable$$, '42501', NULL, 'nor read the mirror');
RESET ROLE;
SELECT is((SELECT string_agg(item_key || ':' || class || ':' || gone, ' ' ORDER BY item_key) FROM ar_credit.receivable
            WHERE source = 'trk.erp'::regclass), 'E-1:paid:true E-2:open:true',
          'the mirror followed every write of the application''s role');
SELECT throws_ok($$SELECT ar_credit.track('trk.move', 'no_such_col', 'due', 'amt')$$, '42703',
                 'invalid key_column for table trk.move: column "no_such_col" does not exist', 'an unknown column, the parameter named');

-- ---------------------------------------------------------------------
-- renames follow, as they would in a view
-- ---------------------------------------------------------------------
ALTER TABLE trk.facture RENAME TO facture_v2;
ALTER TABLE trk.paiement RENAME COLUMN amount TO montant;
ALTER TABLE trk.facture_v2 RENAME COLUMN total_ttc TO total;
SELECT is((SELECT amount_column FROM ar_credit.tracked_table WHERE relid = 'trk.facture_v2'::regclass),
          '(total - COALESCE((SELECT sum(p.montant) AS sum FROM trk.paiement p WHERE (p.fk_facture = facture_v2.rowid)), (0)::numeric))',
          'the mapping follows renames of the table, of its column and of a column of the table it reads');
INSERT INTO trk.paiement (fk_facture, montant) VALUES (1, 100);
SELECT is(trk.live('trk.facture_v2', '1'), 'pending L3 700.00', 'writes after the renames are followed');
SELECT is((SELECT source FROM ar_credit.open_invoices WHERE invoice_key = '1' AND source LIKE 'trk.facture%'),
          'trk.facture_v2', 'the views show the new name');
SELECT throws_ok($$ALTER TABLE trk.paiement DROP COLUMN montant$$, '2BP01', NULL,
                 'dropping a column a mapping reads in another table is refused');
SELECT throws_ok($$DROP TABLE trk.paiement$$, '2BP01', NULL, 'dropping a table a mapping reads is refused');

-- ---------------------------------------------------------------------
-- partitions and inheritance: every write is followed wherever it lands
-- ---------------------------------------------------------------------
CREATE TABLE trk.pinv (no int, due date, amt numeric, PRIMARY KEY (no)) PARTITION BY RANGE (no);
CREATE TABLE trk.pinv_1 PARTITION OF trk.pinv FOR VALUES FROM (0) TO (100);
SELECT lives_ok($$SELECT ar_credit.track('trk.pinv', 'no', 'due', 'amt')$$, 'track a partitioned table');
CREATE TABLE trk.pinv_2 PARTITION OF trk.pinv FOR VALUES FROM (100) TO (200);
SELECT is((SELECT count(*) FROM pg_trigger WHERE tgrelid = 'trk.pinv_2'::regclass AND tgname = 'ar_credit_dunning_ins'),
          1::bigint, 'a partition created later gets the statement triggers');
INSERT INTO trk.pinv VALUES (1, current_date - 1, 10), (150, current_date - 1, 20);
INSERT INTO trk.pinv_1 VALUES (2, current_date - 1, 30);
SELECT is(trk.live('trk.pinv', '1') || ' / ' || trk.live('trk.pinv', '150') || ' / ' || trk.live('trk.pinv', '2'),
          'pending L3 10 / pending L3 20 / pending L3 30', 'rows written through the table and straight into a partition');
UPDATE trk.pinv_1 SET amt = 0 WHERE no = 2;
SELECT is(trk.live('trk.pinv', '2'), 'none', 'paid straight in the partition: followed');
UPDATE trk.pinv SET no = 151 WHERE no = 1;
SELECT is(trk.live('trk.pinv', '151') || ' / ' || trk.rcv('trk.pinv', '1'), 'pending L3 10 / none',
          'a row moved to another partition keeps its reminder');
TRUNCATE trk.pinv_2;
SELECT is(trk.rcv('trk.pinv', '150') || ' / ' || trk.live('trk.pinv', '150'), 'gone / none',
          'TRUNCATE of a partition: its rows are gone');
CREATE TABLE trk.pinv_3 (no int PRIMARY KEY, due date, amt numeric);
INSERT INTO trk.pinv_3 VALUES (250, current_date - 1, 40);
ALTER TABLE trk.pinv ATTACH PARTITION trk.pinv_3 FOR VALUES FROM (200) TO (300);
SELECT is(trk.live('trk.pinv', '250'), 'pending L3 40', 'ATTACH PARTITION: its rows are queued');
ALTER TABLE trk.pinv DETACH PARTITION trk.pinv_3;
SELECT is(trk.rcv('trk.pinv', '250') || ' / ' || trk.live('trk.pinv', '250'), 'gone / none',
          'DETACH PARTITION: its rows are gone');
SELECT is((SELECT count(*) FROM pg_trigger WHERE tgrelid = 'trk.pinv_3'::regclass AND tgname LIKE 'ar\_credit%'),
          0::bigint, 'a detached partition keeps no tracking trigger');
INSERT INTO trk.pinv_3 VALUES (251, current_date - 1, 40);
SELECT is(trk.rcv('trk.pinv', '251'), 'none', 'writes to the detached table are not followed');
-- inheritance
CREATE TABLE trk.hinv (no int PRIMARY KEY, due date, amt numeric);
CREATE TABLE trk.hinv_2024 (CHECK (no > 1000)) INHERITS (trk.hinv);
SELECT ar_credit.track('trk.hinv', 'no', 'due', 'amt');
INSERT INTO trk.hinv_2024 VALUES (1001, current_date - 1, 5);
SELECT is(trk.live('trk.hinv', '1001'), 'pending L3 5', 'a row written straight into an inheritance child');

-- ---------------------------------------------------------------------
-- a logical-replication subscriber: the apply worker fires row triggers only
-- ---------------------------------------------------------------------
CREATE TABLE trk.sub (no int PRIMARY KEY, due date, amt numeric, st text);
SELECT ar_credit.track('trk.sub', 'no', 'due', 'amt', 'st');
SET LOCAL session_replication_role = replica;
INSERT INTO trk.sub VALUES (1, current_date - 1, 100, 'open'), (2, current_date + 20, 50, 'open');
SELECT is(trk.live('trk.sub', '1') || ' / ' || trk.live('trk.sub', '2'), 'pending L3 100 / pending L1 50',
          'as the apply worker: replicated inserts are queued');
UPDATE trk.sub SET st = 'paid' WHERE no = 1;
UPDATE trk.sub SET st = 'disputed' WHERE no = 2;
SELECT is(trk.live('trk.sub', '1') || ' / ' || trk.live('trk.sub', '2'), 'none / suspended L1 50',
          'replicated payments and disputes are followed');
DELETE FROM trk.sub WHERE no = 2;
SELECT is(trk.rcv('trk.sub', '2'), 'gone', 'a replicated delete is followed');
INSERT INTO trk.sub VALUES (3, current_date - 1, 100, 'open');
TRUNCATE trk.sub;
SELECT is(trk.rcv('trk.sub', '3'), 'gone', 'a replicated TRUNCATE is followed');
RESET session_replication_role;
SELECT lives_ok($$SELECT ar_credit.track('trk.sub', 'no', 'due', 'amt', 'st')$$, 'tracking again ...');
SELECT is((SELECT tgenabled::text FROM pg_trigger WHERE tgrelid = 'trk.sub'::regclass AND tgname = 'ar_credit_dunning_row'),
          'R', '... keeps the row trigger enabled for the apply worker');

-- ---------------------------------------------------------------------
-- tables that cannot be tracked; bad mappings
-- ---------------------------------------------------------------------
CREATE TEMP TABLE tmp_inv (no int PRIMARY KEY, due date, amt numeric);
SELECT throws_ok($$SELECT ar_credit.track('tmp_inv', 'no', 'due', 'amt')$$, '0A000', NULL, 'a temporary table is refused');
CREATE UNLOGGED TABLE trk.unl (no int PRIMARY KEY, due date, amt numeric);
SELECT throws_ok($$SELECT ar_credit.track('trk.unl', 'no', 'due', 'amt')$$, '0A000', 'cannot track unlogged table trk.unl',
                 'an unlogged table is refused');
CREATE VIEW trk.v AS SELECT * FROM trk.erp;
SELECT throws_ok($$SELECT ar_credit.track('trk.v', 'no', 'due', 'amt')$$, '42809', NULL, 'a view is refused, with a hint');
SELECT throws_ok($$SELECT ar_credit.track('trk.erp', 'no', 'due', 'amt', filter => 'amt')$$, '42804',
                 'invalid filter for table trk.erp: it has type numeric, not boolean', 'a filter that is not boolean');
SELECT throws_ok($$SELECT ar_credit.track('trk.erp', 'no', 'due', 'amt * random()')$$, '42P17', NULL,
                 'an expression calling a volatile function');
SELECT throws_ok($$SELECT ar_credit.track('trk.erp', 'no', 'due', 'amt', status_column => 'cust',
                                          status_map => '{"x": "maybe"}')$$, '22023',
                 'status_map maps "x" to "maybe", which is no class', 'a status_map value that is no class');
SELECT throws_ok($$SELECT ar_credit.track('trk.erp', 'no', 'cust', 'amt')$$, '42804', NULL, 'a due date of the wrong type');
SELECT throws_ok($$SELECT ar_credit.track('trk.erp', 'no', 'due', 'amt +')$$, '42601', NULL, 'a syntax error');
SELECT throws_ok($$SELECT ar_credit.track('trk.erp', 'no', 'due', 'amt', status_map => '{"x": "paid"}')$$, '22023',
                 'status_map needs a status_column', 'a status_map without a status column');
SELECT throws_ok($$SELECT ar_credit.track('trk.erp', 'no', 'due', 'amt', status_column => 'cust',
                                          status_map => '{"R": "credit"}')$$, '22023',
                 'status_map maps "R" to "credit", which is no class', 'credit is what a negative amount is, not a status');
SELECT is((SELECT count(*) FROM ar_credit.receivable WHERE paid_on IS NOT NULL AND class <> 'paid'), 0::bigint,
          'only a paid receivable has a paid_on');

-- ---------------------------------------------------------------------
-- payments and alerts, where they happen
-- ---------------------------------------------------------------------
CREATE TABLE trk.pinvoice (no text PRIMARY KEY, cust text, due date, bal numeric, st text, paid date);
SELECT ar_credit.track('trk.pinvoice', 'no', 'due', 'bal', 'st', 'cust', paid_on_column => 'paid');
INSERT INTO trk.pinvoice VALUES ('A', 'c9', current_date - 30, 100, 'open', NULL),
                                ('B', 'c9', current_date - 10, 200, 'open', NULL),
                                ('C', 'c9', current_date + 10, 300, 'open', NULL),
                                ('H', 'c9', current_date - 100, 50, 'paid', current_date - 102);
SELECT results_eq($$SELECT invoice_key, amount, days_late FROM ar_credit.payment_event WHERE source = 'trk.pinvoice'::regclass$$,
                  $$VALUES ('H', 50::numeric, -2)$$, 'an invoice inserted paid, with its payment date: one payment, 2 days early');
SELECT is((SELECT count(*) FROM ar_credit.alert WHERE customer_key = 'c9'), 0::bigint,
          'history inserted paid raises no alert');
UPDATE trk.pinvoice SET st = 'paid', bal = 0, paid = current_date - 2 WHERE no = 'A';
SELECT results_eq($$SELECT invoice_key, amount, days_late FROM ar_credit.payment_event
                     WHERE source = 'trk.pinvoice'::regclass ORDER BY id$$,
                  $$VALUES ('H', 50::numeric, -2), ('A', 100, 28)$$, 'paid 28 days late: a payment of the invoice''s amount');
SELECT results_eq($$SELECT kind, invoice_key, (detail->>'days_late')::int FROM ar_credit.alert WHERE customer_key = 'c9'$$,
                  $$VALUES ('first_late_payment', 'A', 28)$$, 'the customer''s first late payment raises first_late_payment');
UPDATE trk.pinvoice SET st = 'paid', bal = 0 WHERE no = 'B';
SELECT results_eq($$SELECT invoice_key, days_late, paid_on = current_date FROM ar_credit.payment_event
                     WHERE source = 'trk.pinvoice'::regclass AND invoice_key = 'B'$$,
                  $$VALUES ('B', 10, true)$$, 'no payment date mapped for it: paid the day it was seen paid');
SELECT is((SELECT count(*) FROM ar_credit.alert WHERE customer_key = 'c9' AND kind = 'first_late_payment'), 1::bigint,
          'a second late payment raises no first_late_payment');
INSERT INTO trk.pinvoice VALUES ('M3', 'c10', current_date - 40, 10, 'open', NULL),
                                ('M1', 'c10', current_date - 40, 10, 'open', NULL),
                                ('M0', 'c10', current_date - 40, 10, 'open', NULL),
                                ('M2', 'c10', current_date - 40, 10, 'open', NULL);
UPDATE trk.pinvoice SET st = 'paid', bal = 0,
                        paid = CASE no WHEN 'M0' THEN current_date - 1 ELSE current_date - 5 END
 WHERE cust = 'c10';
SELECT results_eq($$SELECT invoice_key, (detail->>'days_late')::int FROM ar_credit.alert
                     WHERE customer_key = 'c10' AND kind = 'first_late_payment'$$,
                  $$VALUES ('M1', 35)$$,
                  'late payments of a new customer in one statement: one alert, the earliest paid (then the lowest key)');
UPDATE trk.pinvoice SET due = due + 20 WHERE no = 'C';
SELECT results_eq($$SELECT kind, invoice_key, (detail->>'days')::int FROM ar_credit.alert
                     WHERE customer_key = 'c9' AND kind = 'due_date_pushed'$$,
                  $$VALUES ('due_date_pushed', 'C', 20)$$, 'a due date moved 20 days later: due_date_pushed');
UPDATE trk.pinvoice SET due = due - 5 WHERE no = 'C';
SELECT is((SELECT count(*) FROM ar_credit.alert WHERE kind = 'due_date_pushed'), 1::bigint,
          'a due date brought forward raises nothing');
-- by hand: days late weighted by amount (50 x -2 + 100 x 28 + 200 x 10) / 350 = 13.43,
-- between on time (80) and 15 days late (70): 80 - 13.43 x 10 / 15 = 71.05
SELECT is(ar_credit.paydex(amount, days_late), 71, 'paydex runs directly on payment_event')
  FROM ar_credit.payment_event WHERE customer_key = 'c9';

-- ---------------------------------------------------------------------
-- statements of thousands of rows (planned in bulk: the receivables updated
-- through a join) leave the same mirror, queue, payments and alerts as the
-- same changes made in statements of a few hundred (each row found by the
-- unique index), and both match a mapping from scratch (dunning_resync
-- writes nothing)
-- ---------------------------------------------------------------------
CREATE TABLE trk.bulk_a (no text PRIMARY KEY, n int NOT NULL, cust text, due date, amount numeric(12,2),
                         status text, kind text);
CREATE TABLE trk.bulk_b (LIKE trk.bulk_a INCLUDING ALL);
CREATE TABLE trk.bulk_c (LIKE trk.bulk_a INCLUDING ALL);
SELECT ar_credit.track(t, 'no', 'due', 'amount', 'status', 'cust', filter => $f$kind <> 'bill'$f$)
  FROM unnest(ARRAY['trk.bulk_a', 'trk.bulk_b', 'trk.bulk_c']::regclass[]) AS t;
CREATE FUNCTION trk.bulk(t regclass, step text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    -- bulk_a, bulk_c: each step one statement over all 1,200 rows (planned
    -- in bulk from 1,000); bulk_b: two statements of 600
    parts text[] := CASE WHEN t = 'trk.bulk_b'::regclass THEN ARRAY['n <= 600', 'n > 600'] ELSE ARRAY['true'] END;
    w text;
BEGIN
    FOREACH w IN ARRAY parts LOOP
        CASE step
        WHEN 'insert' THEN
            EXECUTE format($q$INSERT INTO %s SELECT 'B-' || n, n, 'c' || (n %% 40), current_date - 60 + (n %% 90),
                           50 + n %% 300, 'open', CASE WHEN n %% 10 = 0 THEN 'bill' ELSE 'inv' END
                           FROM generate_series(1, 1200) AS n WHERE %s$q$, t, w);
        WHEN 'pay' THEN
            EXECUTE format($q$UPDATE %s SET status = CASE WHEN n %% 3 = 0 THEN 'paid' ELSE status END WHERE %s$q$, t, w);
        WHEN 'filter' THEN
            EXECUTE format($q$UPDATE %s SET kind = CASE WHEN n %% 7 = 0 THEN 'bill' ELSE 'inv' END WHERE %s$q$, t, w);
        WHEN 'push' THEN
            EXECUTE format($q$UPDATE %s SET due = CASE WHEN status = 'open' THEN due + 10 ELSE due END,
                                              amount = CASE WHEN n %% 4 = 0 THEN amount - 5 ELSE amount END WHERE %s$q$, t, w);
        WHEN 'rename' THEN
            EXECUTE format($q$UPDATE %s SET no = CASE WHEN n %% 5 = 0 THEN no || '-x' ELSE no END WHERE %s$q$, t, w);
        WHEN 'reopen' THEN
            EXECUTE format($q$UPDATE %s SET status = 'open' WHERE %s$q$, t, w);
        END CASE;
    END LOOP;
END
$$;
-- bulk_a and bulk_b first, while 1,200 rows are more than a tenth of the
-- mirror (the receivables updated through a join); then bulk_c, once the
-- mirror holds 15,000 more (each receivable found by the unique index)
SELECT trk.bulk(t, s)
  FROM unnest(ARRAY['insert', 'pay', 'filter', 'push', 'rename', 'reopen']) WITH ORDINALITY AS x(s, o),
       unnest(ARRAY['trk.bulk_a', 'trk.bulk_b']::regclass[]) AS t
 ORDER BY o, t;
CREATE TABLE trk.filler (no text PRIMARY KEY, due date, amount numeric);
SELECT ar_credit.track('trk.filler', 'no', 'due', 'amount');
INSERT INTO trk.filler SELECT 'F-' || n, current_date, 1 FROM generate_series(1, 15000) AS n;
ANALYZE ar_credit.receivable;
SELECT trk.bulk('trk.bulk_c', s)
  FROM unnest(ARRAY['insert', 'pay', 'filter', 'push', 'rename', 'reopen']) WITH ORDINALITY AS x(s, o)
 ORDER BY o;
CREATE FUNCTION trk.mirror(t regclass) RETURNS text[]
LANGUAGE sql AS $$
    SELECT array_agg(concat_ws(' ', item_key, customer_key, class, status, amount, due_date - current_date,
                               paid_on - current_date, prev_class, prev_due - current_date, first_amount, gone)
                     ORDER BY item_key, id)
      FROM ar_credit.receivable WHERE source = t
$$;
CREATE FUNCTION trk.queue(t regclass) RETURNS text[]
LANGUAGE sql AS $$
    SELECT array_agg(concat_ws(' ', invoice_key, level, state, remind_on - current_date, amount_due, policy)
                     ORDER BY invoice_key, level, state, remind_on)
      FROM ar_credit.dunning_queue WHERE source = t
$$;
SELECT is(trk.mirror('trk.bulk_a'), trk.mirror('trk.bulk_b'),
          'bulk statements: the same receivables as statements of a few rows');
SELECT is(trk.queue('trk.bulk_a'), trk.queue('trk.bulk_b'), 'bulk statements: the same queue');
SELECT is((SELECT array_agg(concat_ws(' ', invoice_key, amount, days_late) ORDER BY invoice_key, id)
             FROM ar_credit.payment_event WHERE source = 'trk.bulk_a'::regclass),
          (SELECT array_agg(concat_ws(' ', invoice_key, amount, days_late) ORDER BY invoice_key, id)
             FROM ar_credit.payment_event WHERE source = 'trk.bulk_b'::regclass),
          'bulk statements: the same payments');
SELECT is((SELECT count(*) FROM ar_credit.alert WHERE source = 'trk.bulk_a'::regclass AND kind = 'due_date_pushed'),
          (SELECT count(*) FROM ar_credit.alert WHERE source = 'trk.bulk_b'::regclass AND kind = 'due_date_pushed'),
          'bulk statements: the same alerts (first_late_payment is per customer, whatever the table: the first table raised them)');
SELECT is(ar_credit.dunning_resync('trk.bulk_a'), 0::bigint, 'bulk statements: the mirror matches the table');
SELECT is(ar_credit.dunning_resync('trk.bulk_b'), 0::bigint, 'statements of a few rows: the mirror matches the table');
SELECT is(trk.mirror('trk.bulk_c'), trk.mirror('trk.bulk_b'),
          'bulk statements among many more receivables (found by index): the same receivables');
SELECT is(trk.queue('trk.bulk_c'), trk.queue('trk.bulk_b'), 'and the same queue');

-- ---------------------------------------------------------------------
-- untrack_related, untrack
-- ---------------------------------------------------------------------
SELECT lives_ok($$SELECT ar_credit.untrack_related('trk.mv', 'trk.mvl')$$, 'untrack_related');
SELECT is((SELECT count(*) FROM pg_trigger WHERE tgrelid = 'trk.mv'::regclass AND NOT tgisinternal), 0::bigint,
          'the related table''s triggers go with its last link');
SELECT lives_ok($$SELECT ar_credit.untrack('trk.facture_v2')$$, 'untrack a table with links');
SELECT is((SELECT count(*) FROM ar_credit.tracked_related WHERE invoices = 'trk.facture_v2'::regclass), 0::bigint,
          'untrack removes its links');
SELECT is((SELECT count(*) FROM pg_trigger WHERE tgrelid = 'trk.paiement'::regclass AND NOT tgisinternal), 0::bigint,
          'and the related table''s triggers');
SELECT is((SELECT count(*) FROM ar_credit.receivable WHERE source = 'trk.facture_v2'::regclass AND NOT gone), 0::bigint,
          'untrack: the receivables become history');

SELECT * FROM finish();
ROLLBACK;
