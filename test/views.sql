--
-- pgTAP: the BI views are a stable API (doc/bi.md, doc/ar_credit.md section
-- "Views for BI tools"). Their column names, order and types are the
-- documented ones, so a rename is caught here; every view of schema ar_credit
-- and every column of those views carries a comment (COMMENT ON VIEW /
-- COMMENT ON COLUMN), which BI tools show as descriptions; ar_credit_reader
-- reads them without any right on the queue itself.
--
BEGIN;
CREATE EXTENSION ar_credit;
SELECT plan(30);

CREATE FUNCTION pg_temp.view_columns(v regclass) RETURNS text
LANGUAGE sql AS $$
    SELECT string_agg(a.attname || ' ' || format_type(a.atttypid, a.atttypmod), ', ' ORDER BY a.attnum)
      FROM pg_attribute AS a WHERE a.attrelid = v AND a.attnum > 0 AND NOT a.attisdropped
$$;
-- the columns of a view without a comment, in column order
CREATE FUNCTION pg_temp.uncommented_columns(v regclass) RETURNS text[]
LANGUAGE sql AS $$
    SELECT coalesce(array_agg(a.attname::text ORDER BY a.attnum), '{}')
      FROM pg_attribute AS a
     WHERE a.attrelid = v AND a.attnum > 0 AND NOT a.attisdropped
       AND col_description(v, a.attnum) IS NULL
$$;

-- the views of the schema are the documented five (credit_exposure: doc/credit.md)
SELECT is((SELECT array_agg(c.relname::text ORDER BY c.relname) FROM pg_class AS c
            WHERE c.relnamespace = 'ar_credit'::regnamespace AND c.relkind IN ('v', 'm')),
          ARRAY['aging_report', 'credit_exposure', 'dunning_due', 'open_invoices', 'worklist'],
          'schema ar_credit has exactly the documented views');

-- column names, order and types: the documented API
SELECT is(pg_temp.view_columns('ar_credit.dunning_due'),
          'id bigint, source text, invoice_key text, customer_key text, level integer, channel text, '
          'label text, remind_on date, due_date date, amount_due numeric, currency text, state text, '
          'attempts integer, claimed_by text, claimed_until timestamp with time zone',
          'ar_credit.dunning_due has the documented columns, in order, with their types');
SELECT is(pg_temp.view_columns('ar_credit.open_invoices'),
          'source text, invoice_key text, customer_key text, currency text, due_date date, '
          'amount_due numeric, days_past_due integer, aging_bucket text, aging_bucket_no integer, status text, next_level integer, '
          'next_channel text, next_remind_on date',
          'ar_credit.open_invoices has the documented columns, in order, with their types');
SELECT is(pg_temp.view_columns('ar_credit.aging_report'),
          'source text, customer_key text, currency text, current numeric, d1_30 numeric, '
          'd31_60 numeric, d61_90 numeric, over_90 numeric, total numeric',
          'ar_credit.aging_report has the documented columns, in order, with their types');
SELECT columns_are('ar_credit', 'dunning_due',
                   ARRAY['id', 'source', 'invoice_key', 'customer_key', 'level', 'channel', 'label', 'remind_on',
                         'due_date', 'amount_due', 'currency', 'state', 'attempts', 'claimed_by', 'claimed_until'],
                   'ar_credit.dunning_due: no column renamed, added or dropped');
SELECT columns_are('ar_credit', 'open_invoices',
                   ARRAY['source', 'invoice_key', 'customer_key', 'currency', 'due_date', 'amount_due',
                         'days_past_due', 'aging_bucket', 'aging_bucket_no', 'status', 'next_level', 'next_channel', 'next_remind_on'],
                   'ar_credit.open_invoices: no column renamed, added or dropped');
SELECT columns_are('ar_credit', 'aging_report',
                   ARRAY['source', 'customer_key', 'currency', 'current', 'd1_30', 'd31_60', 'd61_90', 'over_90', 'total'],
                   'ar_credit.aging_report: no column renamed, added or dropped');

SELECT is(pg_temp.view_columns('ar_credit.worklist'),
          'customer_key text, collector text, overdue_amount numeric, oldest_days_past_due integer, risk_class text, '
          'broken_promises bigint, open_disputes bigint, next_action text, next_action_on date, priority numeric, currency text',
          'ar_credit.worklist has the columns of SPEC section 9, in order, then currency');
SELECT is((SELECT reloptions FROM pg_class WHERE oid = 'ar_credit.worklist'::regclass), ARRAY['security_barrier=true'],
          'ar_credit.worklist is a security barrier');

-- comments: COMMENT ON VIEW and COMMENT ON COLUMN for every column
SELECT isnt(obj_description('ar_credit.dunning_due'::regclass, 'pg_class'), NULL,
            'ar_credit.dunning_due has a COMMENT ON VIEW');
SELECT isnt(obj_description('ar_credit.open_invoices'::regclass, 'pg_class'), NULL,
            'ar_credit.open_invoices has a COMMENT ON VIEW');
SELECT isnt(obj_description('ar_credit.aging_report'::regclass, 'pg_class'), NULL,
            'ar_credit.aging_report has a COMMENT ON VIEW');
SELECT is(pg_temp.uncommented_columns('ar_credit.dunning_due'), '{}'::text[],
          'every column of ar_credit.dunning_due has a COMMENT ON COLUMN');
SELECT is(pg_temp.uncommented_columns('ar_credit.open_invoices'), '{}'::text[],
          'every column of ar_credit.open_invoices has a COMMENT ON COLUMN');
SELECT is(pg_temp.uncommented_columns('ar_credit.aging_report'), '{}'::text[],
          'every column of ar_credit.aging_report has a COMMENT ON COLUMN');
-- any view of the schema, including one added later
SELECT is((SELECT coalesce(array_agg(x ORDER BY x), '{}')
             FROM (SELECT c.relname || '.' || a.attname AS x
                     FROM pg_class AS c
                     JOIN pg_attribute AS a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
                    WHERE c.relnamespace = 'ar_credit'::regnamespace AND c.relkind IN ('v', 'm')
                      AND col_description(c.oid, a.attnum) IS NULL
                   UNION ALL
                   SELECT c.relname::text FROM pg_class AS c
                    WHERE c.relnamespace = 'ar_credit'::regnamespace AND c.relkind IN ('v', 'm')
                      AND obj_description(c.oid, 'pg_class') IS NULL) AS m),
          '{}'::text[],
          'no view or view column of schema ar_credit lacks a comment');
SELECT is((SELECT coalesce(array_agg(c.relname::text ORDER BY c.relname), '{}') FROM pg_class AS c
            WHERE c.relnamespace = 'ar_credit'::regnamespace AND c.relkind IN ('r', 'p')
              AND obj_description(c.oid, 'pg_class') IS NULL),
          '{}'::text[],
          'every table of schema ar_credit has a COMMENT ON TABLE');

-- BI tools connect as a role granted ar_credit_reader
SELECT ok(has_table_privilege('ar_credit_reader', 'ar_credit.dunning_due', 'SELECT'),
          'ar_credit_reader can read ar_credit.dunning_due');
SELECT ok(has_table_privilege('ar_credit_reader', 'ar_credit.open_invoices', 'SELECT'),
          'ar_credit_reader can read ar_credit.open_invoices');
SELECT ok(has_table_privilege('ar_credit_reader', 'ar_credit.aging_report', 'SELECT'),
          'ar_credit_reader can read ar_credit.aging_report');
SELECT ok(NOT has_table_privilege('ar_credit_reader', 'ar_credit.dunning_queue', 'SELECT,INSERT,UPDATE,DELETE'),
          'ar_credit_reader has no right on the queue table itself');

-- ---------------------------------------------------------------------
-- a role sees the rows of the tracked tables it may read (issue 18): the
-- views, payments, alerts and the contact log
-- ---------------------------------------------------------------------
CREATE SCHEMA vis;
CREATE TABLE vis.east (no text PRIMARY KEY, cust text, due date, amount numeric, status text, paid date);
CREATE TABLE vis.west (LIKE vis.east INCLUDING ALL);
SELECT ar_credit.track('vis.east', 'no', 'due', 'amount', 'status', customer_column => 'cust', paid_on_column => 'paid');
SELECT ar_credit.track('vis.west', 'no', 'due', 'amount', 'status', customer_column => 'cust', paid_on_column => 'paid');
INSERT INTO vis.east VALUES ('E1', 'ce', current_date - 10, 100, 'open', NULL), ('E2', 'ce', current_date - 40, 50, 'open', NULL);
INSERT INTO vis.west VALUES ('W1', 'cw', current_date - 10, 200, 'open', NULL), ('W2', 'cw', current_date - 40, 70, 'open', NULL);
UPDATE vis.east SET status = 'paid', paid = current_date WHERE no = 'E2';
UPDATE vis.west SET status = 'paid', paid = current_date WHERE no = 'W2';
INSERT INTO ar_credit.contact_log (source, invoice_key, customer_key, channel, direction, note)
VALUES ('vis.east', 'E1', 'ce', 'phone', 'out', 'east call'), ('vis.west', 'W1', 'cw', 'phone', 'out', 'west call'),
       (NULL, NULL, 'cw', 'visit', 'out', 'no table');
CREATE ROLE vis_east IN ROLE ar_credit_reader;
GRANT INSERT ON ar_credit.contact_log TO vis_east;
GRANT USAGE ON SCHEMA vis TO vis_east;
GRANT SELECT ON vis.east TO vis_east;
SET LOCAL ROLE vis_east;
SELECT is((SELECT string_agg(DISTINCT source, ',') FROM ar_credit.open_invoices WHERE source LIKE 'vis.%'), 'vis.east',
          'open_invoices: only the items of the table the role may read');
SELECT is((SELECT string_agg(DISTINCT source, ',') FROM ar_credit.aging_report WHERE source LIKE 'vis.%'), 'vis.east',
          'aging_report: only that table');
SELECT is((SELECT string_agg(DISTINCT source, ',') FROM ar_credit.dunning_due WHERE source LIKE 'vis.%'), 'vis.east',
          'dunning_due: only that table''s reminders');
SELECT is((SELECT string_agg(customer_key, ',') FROM ar_credit.worklist WHERE customer_key IN ('ce', 'cw')), 'ce',
          'worklist: built from that table only');
SELECT is((SELECT string_agg(invoice_key, ',') FROM ar_credit.payment_event WHERE invoice_key IN ('E2', 'W2')), 'E2',
          'payment_event: only that table''s payments');
SELECT is((SELECT string_agg(coalesce(note, '-'), ',' ORDER BY id) FROM ar_credit.contact_log WHERE customer_key IN ('ce', 'cw')),
          'east call,no table', 'contact_log: that table''s exchanges and those about no table');
SELECT lives_ok($$INSERT INTO ar_credit.contact_log (source, invoice_key, customer_key, channel, note) VALUES ('vis.east', 'E1', 'ce', 'phone', 'called back')$$,
                'a collector records an exchange about a table it may read');
SELECT throws_ok($$INSERT INTO ar_credit.contact_log (source, invoice_key, customer_key, channel, note) VALUES ('vis.west', 'W1', 'cw', 'phone', 'x')$$,
                 '42501', NULL, 'not about one it may not read');
RESET ROLE;
SELECT is((SELECT string_agg(DISTINCT source, ',' ORDER BY source) FROM ar_credit.open_invoices WHERE source LIKE 'vis.%'), 'vis.east,vis.west',
          'the owner sees both tables');

SELECT * FROM finish();
ROLLBACK;
