--
-- pgTAP: the ERPNext recipe (doc/recipes.md, "ERPNext"), SPEC sections 6, 7 and 12.
--
-- ERPNext (Frappe) keeps sales invoices, credit notes (is_return = 1) and
-- internal transfers in "tabSales Invoice" (erpnext/accounts/doctype/
-- sales_invoice/sales_invoice.json: status Draft/Return/Credit Note Issued/
-- Submitted/Paid/Partly Paid/Unpaid/Unpaid and Discounted/Partly Paid and
-- Discounted/Overdue and Discounted/Overdue/Cancelled/Internal Transfer;
-- docstatus 0 draft, 1 submitted, 2 cancelled; outstanding_amount kept by
-- Payment Entry and Payment Reconciliation; due_date; is_return).  The types
-- are those Frappe gives on PostgreSQL: Link/Data/Select varchar(140),
-- Currency decimal(21,9), Check smallint, Date date, Datetime timestamp(6).
--
-- The role erp_app owns the table and makes every write, as the Frappe
-- server would, with no grant on any ar_credit object.  After every step of
-- the lifecycle the live reminders of the table, ar_credit.open_invoices and
-- ar_credit.aging_report are compared with what the step must leave behind
-- (descriptions "erpnext step N: what: live {...}").  Dates are relative to
-- current_date.
--
-- Until the 0.3.0 track() (SPEC section 7: expressions, filter, status_map,
-- track_related) is installed, the track() call and the checks are skipped;
-- the DDL and every step still run, so they are kept valid.
--
BEGIN;
CREATE EXTENSION ar_credit;
SET LOCAL search_path = public;
SET LOCAL datestyle = 'ISO, YMD';
SET LOCAL client_min_messages = warning;

SELECT plan(61);

-- ---------------------------------------------------------------------
-- helpers (the same in every test/recipe_*.sql)
-- ---------------------------------------------------------------------
CREATE SCHEMA recipe_t;
CREATE TABLE recipe_t.steps (sys text, step int, what text);
-- the SPEC section 7 contract is installed: ar_credit.track_related() exists
-- (whatever its signature, so that a mismatch with the calls below fails
-- loudly instead of skipping)
CREATE FUNCTION recipe_t.contract() RETURNS boolean LANGUAGE sql AS $$
    SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_proc AS p
                    WHERE p.pronamespace = 'ar_credit'::regnamespace AND p.proname = 'track_related')
$$;
-- live reminders of a table: 'key Llevel state amount; ...' (amounts in major units), or 'none'
CREATE FUNCTION recipe_t.queue(src regclass) RETURNS text LANGUAGE sql AS $$
    SELECT coalesce(string_agg(format('%s L%s %s %s', q.invoice_key, q.level, q.state, round(q.amount_due, 2)),
                               '; ' ORDER BY q.invoice_key COLLATE "C"), 'none')
      FROM ar_credit.dunning_queue AS q
     WHERE q.source = src AND q.state IN ('pending', 'claimed', 'suspended')
$$;
-- open_invoices of a table: 'key amount; ...', or 'none'
CREATE FUNCTION recipe_t.open(src regclass) RETURNS text LANGUAGE sql AS $$
    SELECT coalesce(string_agg(format('%s %s', o.invoice_key, round(o.amount_due, 2)),
                               '; ' ORDER BY o.invoice_key COLLATE "C"), 'none')
      FROM ar_credit.open_invoices AS o
     WHERE o.source::text = src::text
$$;
-- aging_report of a table: 'customer currency current/d1_30/d31_60/d61_90/over_90 = total; ...', or 'none'
CREATE FUNCTION recipe_t.aging(src regclass) RETURNS text LANGUAGE sql AS $$
    SELECT coalesce(string_agg(format('%s %s %s/%s/%s/%s/%s = %s', coalesce(a.customer_key, '-'), coalesce(a.currency, '-'),
                                      round(a."current", 2), round(a.d1_30, 2), round(a.d31_60, 2),
                                      round(a.d61_90, 2), round(a.over_90, 2), round(a.total, 2)),
                               '; ' ORDER BY a.customer_key COLLATE "C", a.currency COLLATE "C"), 'none')
      FROM ar_credit.aging_report AS a
     WHERE a.source::text = src::text
$$;
-- the three checks of a step (skipped while the 0.3.0 contract is missing)
CREATE FUNCTION recipe_t.check(sys text, step int, what text, src regclass,
                               want_queue text, want_open text, want_aging text) RETURNS SETOF text
LANGUAGE plpgsql AS $$
DECLARE
    d text := format('%s step %s: %s', sys, step, what);
BEGIN
    INSERT INTO recipe_t.steps VALUES (sys, step, what);
    IF NOT recipe_t.contract() THEN
        RETURN NEXT skip(d || ': needs the 0.3.0 track() and track_related() (SPEC section 7)', 1);
        RETURN NEXT skip(d || ': needs the 0.3.0 track() and track_related() (SPEC section 7)', 1);
        RETURN NEXT skip(d || ': needs the 0.3.0 track() and track_related() (SPEC section 7)', 1);
        RETURN;
    END IF;
    RETURN NEXT is(recipe_t.queue(src), want_queue, format('%s: live {%s}', d, want_queue));
    RETURN NEXT is(recipe_t.open(src), want_open, format('%s: open_invoices {%s}', d, want_open));
    RETURN NEXT is(recipe_t.aging(src), want_aging, format('%s: aging_report {%s}', d, want_aging));
END
$$;
-- a worker sends every reminder due today: claim, then complete
CREATE FUNCTION recipe_t.work() RETURNS bigint LANGUAGE sql AS $$
    SELECT count(*) FROM ar_credit.claim_reminders(100, 'w') AS c, LATERAL ar_credit.complete_reminder(c.id) AS x
$$;
-- the class a status gets from a status_map (classes as such, words through the vocabulary)
CREATE FUNCTION recipe_t.class(status text, map jsonb) RETURNS text LANGUAGE sql AS $$
    SELECT CASE WHEN s.w IN ('open', 'closed', 'suspended', 'ignored') THEN s.w ELSE ar_credit.invoice_class(s.w) END
      FROM (SELECT coalesce(map ->> status, status) AS w) AS s
$$;
-- the application's role: owns its tables, no grant on anything of ar_credit
CREATE ROLE erp_app NOLOGIN;

-- ---------------------------------------------------------------------
-- ERPNext 15: "tabSales Invoice" (the columns that matter and a few others)
-- ---------------------------------------------------------------------
CREATE SCHEMA erpnext;
CREATE TABLE erpnext."tabSales Invoice" (
    name                    varchar(140) NOT NULL PRIMARY KEY,
    creation                timestamp(6),
    modified                timestamp(6),
    modified_by             varchar(140),
    owner                   varchar(140),
    docstatus               smallint NOT NULL DEFAULT 0,
    idx                     bigint NOT NULL DEFAULT 0,
    naming_series           varchar(140),
    customer                varchar(140),
    customer_name           text,
    company                 varchar(140),
    posting_date            date,
    due_date                date,
    currency                varchar(140),
    conversion_rate         decimal(21,9) NOT NULL DEFAULT 0,
    is_return               smallint NOT NULL DEFAULT 0,
    return_against          varchar(140),
    update_outstanding_for_self smallint NOT NULL DEFAULT 1,
    is_internal_customer    smallint NOT NULL DEFAULT 0,
    represents_company      varchar(140),
    amended_from            varchar(140),
    grand_total             decimal(21,9) NOT NULL DEFAULT 0,
    rounded_total           decimal(21,9) NOT NULL DEFAULT 0,
    outstanding_amount      decimal(21,9) NOT NULL DEFAULT 0,
    write_off_amount        decimal(21,9) NOT NULL DEFAULT 0,
    status                  varchar(140) DEFAULT 'Draft'
);
GRANT USAGE ON SCHEMA erpnext TO erp_app;
ALTER TABLE erpnext."tabSales Invoice" OWNER TO erp_app;

-- the recipe (doc/recipes.md): submitted documents that are not internal
-- transfers; ERPNext's own status words mapped; outstanding_amount as kept
-- by ERPNext (negative on a credit note not yet allocated)
SELECT CASE WHEN recipe_t.contract() THEN lives_ok($recipe$
    SELECT ar_credit.track('erpnext."tabSales Invoice"',
        key_column      => 'name',
        due_column      => 'due_date',
        amount_column   => 'outstanding_amount',
        status_column   => 'status',
        customer_column => 'customer',
        currency_column => 'currency',
        filter          => $$docstatus = 1 AND status <> 'Internal Transfer'$$,
        status_map      => '{"Draft": "draft", "Submitted": "open", "Unpaid": "unpaid", "Overdue": "overdue",
                             "Partly Paid": "partially_paid", "Unpaid and Discounted": "open",
                             "Partly Paid and Discounted": "partially_paid", "Overdue and Discounted": "overdue",
                             "Paid": "paid", "Credit Note Issued": "credited", "Return": "open",
                             "Cancelled": "cancelled", "Internal Transfer": "ignored"}',
        issued_column   => 'posting_date')
    $recipe$, 'erpnext: track "tabSales Invoice" with the recipe')
    ELSE skip('erpnext: track "tabSales Invoice": needs the 0.3.0 track() (SPEC section 7)', 1) END;
SELECT CASE WHEN recipe_t.contract() THEN
            is((SELECT count(*) FROM ar_credit.tracked_table WHERE relid = 'erpnext."tabSales Invoice"'::regclass), 1::bigint,
               'erpnext: ar_credit.tracked_table keeps the mapping of "tabSales Invoice"')
       ELSE skip('erpnext: tracked_table row: needs the 0.3.0 track() (SPEC section 7)', 1) END;

-- ---------------------------------------------------------------------
-- the lifecycle, as ERPNext writes it (EUR; customers Acme Corp and Globex)
-- ---------------------------------------------------------------------
-- 1. a draft sales invoice
SET ROLE erp_app;
INSERT INTO erpnext."tabSales Invoice" (name, creation, modified, owner, docstatus, naming_series, customer, customer_name,
                                        company, posting_date, due_date, currency, conversion_rate, grand_total,
                                        rounded_total, outstanding_amount, status)
VALUES ('ACC-SINV-2026-00001', localtimestamp, localtimestamp, 'clerk@example.com', 0, 'ACC-SINV-.YYYY.-', 'Acme Corp',
        'Acme Corp', 'Example Ltd', current_date, current_date + 30, 'EUR', 1, 1000, 1000, 1000, 'Draft');
RESET ROLE;
SELECT recipe_t.check('erpnext', 1, 'draft sales invoice', 'erpnext."tabSales Invoice"', 'none', 'none', 'none');

-- 2. submitted, due in 30 days
SET ROLE erp_app;
UPDATE erpnext."tabSales Invoice" SET docstatus = 1, status = 'Unpaid', modified = localtimestamp
 WHERE name = 'ACC-SINV-2026-00001';
RESET ROLE;
SELECT recipe_t.check('erpnext', 2, 'submitted (Unpaid), due in 30 days: level 1', 'erpnext."tabSales Invoice"',
                      'ACC-SINV-2026-00001 L1 pending 1000.00', 'ACC-SINV-2026-00001 1000.00',
                      'Acme Corp EUR 1000.00/0.00/0.00/0.00/0.00 = 1000.00');

-- 3. a second invoice, 40 days overdue, created and submitted
SET ROLE erp_app;
INSERT INTO erpnext."tabSales Invoice" (name, docstatus, naming_series, customer, company, posting_date, due_date, currency,
                                        conversion_rate, grand_total, rounded_total, outstanding_amount, status)
VALUES ('ACC-SINV-2026-00002', 0, 'ACC-SINV-.YYYY.-', 'Acme Corp', 'Example Ltd', current_date - 70, current_date - 40,
        'EUR', 1, 800, 800, 800, 'Draft');
UPDATE erpnext."tabSales Invoice" SET docstatus = 1, status = 'Overdue' WHERE name = 'ACC-SINV-2026-00002';
RESET ROLE;
SELECT recipe_t.check('erpnext', 3, 'invoice 40 days overdue submitted: level 5, the formal notice (catch-up)', 'erpnext."tabSales Invoice"',
                      'ACC-SINV-2026-00001 L1 pending 1000.00; ACC-SINV-2026-00002 L5 pending 800.00',
                      'ACC-SINV-2026-00001 1000.00; ACC-SINV-2026-00002 800.00',
                      'Acme Corp EUR 1000.00/0.00/800.00/0.00/0.00 = 1800.00');

-- 4. an internal transfer to a branch (internal customer), submitted and overdue: never dunned
SET ROLE erp_app;
INSERT INTO erpnext."tabSales Invoice" (name, docstatus, naming_series, customer, company, posting_date, due_date, currency,
                                        conversion_rate, is_internal_customer, represents_company, grand_total,
                                        rounded_total, outstanding_amount, status)
VALUES ('ACC-SINV-2026-00003', 1, 'ACC-SINV-.YYYY.-', 'Example Branch', 'Example Ltd', current_date - 70, current_date - 40,
        'EUR', 1, 1, 'Example Branch Ltd', 5000, 5000, 5000, 'Internal Transfer');
RESET ROLE;
SELECT recipe_t.check('erpnext', 4, 'internal transfer submitted: not a receivable', 'erpnext."tabSales Invoice"',
                      'ACC-SINV-2026-00001 L1 pending 1000.00; ACC-SINV-2026-00002 L5 pending 800.00',
                      'ACC-SINV-2026-00001 1000.00; ACC-SINV-2026-00002 800.00',
                      'Acme Corp EUR 1000.00/0.00/800.00/0.00/0.00 = 1800.00');

-- 5. a Payment Entry of 500 against invoice 2 (still overdue)
SET ROLE erp_app;
UPDATE erpnext."tabSales Invoice" SET outstanding_amount = 300, status = 'Overdue' WHERE name = 'ACC-SINV-2026-00002';
RESET ROLE;
SELECT recipe_t.check('erpnext', 5, 'partial payment: live L5 amount 300.00', 'erpnext."tabSales Invoice"',
                      'ACC-SINV-2026-00001 L1 pending 1000.00; ACC-SINV-2026-00002 L5 pending 300.00',
                      'ACC-SINV-2026-00001 1000.00; ACC-SINV-2026-00002 300.00',
                      'Acme Corp EUR 1000.00/0.00/300.00/0.00/0.00 = 1300.00');

-- 6. a worker sends the reminders due today (level 5 of invoice 2): level 6 queued
SELECT recipe_t.work() >= 0 AS worked \gset
SELECT recipe_t.check('erpnext', 6, 'worker sent level 5: level 6 queued', 'erpnext."tabSales Invoice"',
                      'ACC-SINV-2026-00001 L1 pending 1000.00; ACC-SINV-2026-00002 L6 pending 300.00',
                      'ACC-SINV-2026-00001 1000.00; ACC-SINV-2026-00002 300.00',
                      'Acme Corp EUR 1000.00/0.00/300.00/0.00/0.00 = 1300.00');

-- 7. a credit note for Globex, not against an invoice: a credit, never dunned
SET ROLE erp_app;
INSERT INTO erpnext."tabSales Invoice" (name, docstatus, naming_series, customer, company, posting_date, due_date, currency,
                                        conversion_rate, is_return, grand_total, rounded_total, outstanding_amount, status)
VALUES ('ACC-SINV-RET-2026-00001', 1, 'ACC-SINV-RET-.YYYY.-', 'Globex', 'Example Ltd', current_date, current_date, 'EUR',
        1, 1, -150, -150, -150, 'Return');
RESET ROLE;
SELECT recipe_t.check('erpnext', 7, 'credit note of Globex: a credit of -150.00', 'erpnext."tabSales Invoice"',
                      'ACC-SINV-2026-00001 L1 pending 1000.00; ACC-SINV-2026-00002 L6 pending 300.00',
                      'ACC-SINV-2026-00001 1000.00; ACC-SINV-2026-00002 300.00; ACC-SINV-RET-2026-00001 -150.00',
                      'Acme Corp EUR 1000.00/0.00/300.00/0.00/0.00 = 1300.00; Globex EUR -150.00/0.00/0.00/0.00/0.00 = -150.00');

-- 8. an invoice of Globex, due in 10 days: level 2; Globex's balance nets
SET ROLE erp_app;
INSERT INTO erpnext."tabSales Invoice" (name, docstatus, naming_series, customer, company, posting_date, due_date, currency,
                                        conversion_rate, grand_total, rounded_total, outstanding_amount, status)
VALUES ('ACC-SINV-2026-00004', 1, 'ACC-SINV-.YYYY.-', 'Globex', 'Example Ltd', current_date - 20, current_date + 10, 'EUR',
        1, 400, 400, 400, 'Unpaid');
RESET ROLE;
SELECT recipe_t.check('erpnext', 8, 'Globex invoice due in 10 days: level 2, balance 250.00', 'erpnext."tabSales Invoice"',
                      'ACC-SINV-2026-00001 L1 pending 1000.00; ACC-SINV-2026-00002 L6 pending 300.00; ACC-SINV-2026-00004 L2 pending 400.00',
                      'ACC-SINV-2026-00001 1000.00; ACC-SINV-2026-00002 300.00; ACC-SINV-2026-00004 400.00; ACC-SINV-RET-2026-00001 -150.00',
                      'Acme Corp EUR 1000.00/0.00/300.00/0.00/0.00 = 1300.00; Globex EUR 250.00/0.00/0.00/0.00/0.00 = 250.00');

-- 9. a return against invoice 1 (outstanding updated on the invoice, not on the return)
SET ROLE erp_app;
INSERT INTO erpnext."tabSales Invoice" (name, docstatus, naming_series, customer, company, posting_date, due_date, currency,
                                        conversion_rate, is_return, return_against, update_outstanding_for_self,
                                        grand_total, rounded_total, outstanding_amount, status)
VALUES ('ACC-SINV-RET-2026-00002', 1, 'ACC-SINV-RET-.YYYY.-', 'Acme Corp', 'Example Ltd', current_date, current_date, 'EUR',
        1, 1, 'ACC-SINV-2026-00001', 0, -200, -200, 0, 'Return');
UPDATE erpnext."tabSales Invoice" SET outstanding_amount = 800 WHERE name = 'ACC-SINV-2026-00001';
RESET ROLE;
SELECT recipe_t.check('erpnext', 9, 'return of 200 against invoice 1: 800.00 left', 'erpnext."tabSales Invoice"',
                      'ACC-SINV-2026-00001 L1 pending 800.00; ACC-SINV-2026-00002 L6 pending 300.00; ACC-SINV-2026-00004 L2 pending 400.00',
                      'ACC-SINV-2026-00001 800.00; ACC-SINV-2026-00002 300.00; ACC-SINV-2026-00004 400.00; ACC-SINV-RET-2026-00001 -150.00',
                      'Acme Corp EUR 800.00/0.00/300.00/0.00/0.00 = 1100.00; Globex EUR 250.00/0.00/0.00/0.00/0.00 = 250.00');

-- 10. Payment Reconciliation allocates Globex's credit note to its invoice
SET ROLE erp_app;
UPDATE erpnext."tabSales Invoice" SET outstanding_amount = 0 WHERE name = 'ACC-SINV-RET-2026-00001';
UPDATE erpnext."tabSales Invoice" SET outstanding_amount = 250, status = 'Partly Paid' WHERE name = 'ACC-SINV-2026-00004';
RESET ROLE;
SELECT recipe_t.check('erpnext', 10, 'credit note allocated: Globex invoice 250.00 left', 'erpnext."tabSales Invoice"',
                      'ACC-SINV-2026-00001 L1 pending 800.00; ACC-SINV-2026-00002 L6 pending 300.00; ACC-SINV-2026-00004 L2 pending 250.00',
                      'ACC-SINV-2026-00001 800.00; ACC-SINV-2026-00002 300.00; ACC-SINV-2026-00004 250.00',
                      'Acme Corp EUR 800.00/0.00/300.00/0.00/0.00 = 1100.00; Globex EUR 250.00/0.00/0.00/0.00/0.00 = 250.00');

-- 11. invoice 2 discounted with the bank (Invoice Discounting): still owed by the customer
SET ROLE erp_app;
UPDATE erpnext."tabSales Invoice" SET status = 'Overdue and Discounted' WHERE name = 'ACC-SINV-2026-00002';
RESET ROLE;
SELECT recipe_t.check('erpnext', 11, 'Overdue and Discounted: still dunned', 'erpnext."tabSales Invoice"',
                      'ACC-SINV-2026-00001 L1 pending 800.00; ACC-SINV-2026-00002 L6 pending 300.00; ACC-SINV-2026-00004 L2 pending 250.00',
                      'ACC-SINV-2026-00001 800.00; ACC-SINV-2026-00002 300.00; ACC-SINV-2026-00004 250.00',
                      'Acme Corp EUR 800.00/0.00/300.00/0.00/0.00 = 1100.00; Globex EUR 250.00/0.00/0.00/0.00/0.00 = 250.00');

-- 12. another Globex invoice, due in 10 days
SET ROLE erp_app;
INSERT INTO erpnext."tabSales Invoice" (name, docstatus, naming_series, customer, company, posting_date, due_date, currency,
                                        conversion_rate, grand_total, rounded_total, outstanding_amount, status)
VALUES ('ACC-SINV-2026-00005', 1, 'ACC-SINV-.YYYY.-', 'Globex', 'Example Ltd', current_date - 20, current_date + 10, 'EUR',
        1, 600, 600, 600, 'Unpaid');
RESET ROLE;
SELECT recipe_t.check('erpnext', 12, 'Globex invoice 5 submitted: level 2', 'erpnext."tabSales Invoice"',
                      'ACC-SINV-2026-00001 L1 pending 800.00; ACC-SINV-2026-00002 L6 pending 300.00; ACC-SINV-2026-00004 L2 pending 250.00; ACC-SINV-2026-00005 L2 pending 600.00',
                      'ACC-SINV-2026-00001 800.00; ACC-SINV-2026-00002 300.00; ACC-SINV-2026-00004 250.00; ACC-SINV-2026-00005 600.00',
                      'Acme Corp EUR 800.00/0.00/300.00/0.00/0.00 = 1100.00; Globex EUR 850.00/0.00/0.00/0.00/0.00 = 850.00');

-- 13. it is cancelled (docstatus 2)
SET ROLE erp_app;
UPDATE erpnext."tabSales Invoice" SET docstatus = 2, status = 'Cancelled' WHERE name = 'ACC-SINV-2026-00005';
RESET ROLE;
SELECT recipe_t.check('erpnext', 13, 'cancelled (docstatus 2): settled', 'erpnext."tabSales Invoice"',
                      'ACC-SINV-2026-00001 L1 pending 800.00; ACC-SINV-2026-00002 L6 pending 300.00; ACC-SINV-2026-00004 L2 pending 250.00',
                      'ACC-SINV-2026-00001 800.00; ACC-SINV-2026-00002 300.00; ACC-SINV-2026-00004 250.00',
                      'Acme Corp EUR 800.00/0.00/300.00/0.00/0.00 = 1100.00; Globex EUR 250.00/0.00/0.00/0.00/0.00 = 250.00');

-- 14. amended: a new draft (amended_from), then submitted
SET ROLE erp_app;
INSERT INTO erpnext."tabSales Invoice" (name, docstatus, naming_series, customer, company, posting_date, due_date, currency,
                                        conversion_rate, amended_from, grand_total, rounded_total, outstanding_amount, status)
VALUES ('ACC-SINV-2026-00005-1', 0, 'ACC-SINV-.YYYY.-', 'Globex', 'Example Ltd', current_date - 20, current_date + 10, 'EUR',
        1, 'ACC-SINV-2026-00005', 550, 550, 550, 'Draft');
UPDATE erpnext."tabSales Invoice" SET docstatus = 1, status = 'Unpaid' WHERE name = 'ACC-SINV-2026-00005-1';
RESET ROLE;
SELECT recipe_t.check('erpnext', 14, 'amendment submitted: level 2', 'erpnext."tabSales Invoice"',
                      'ACC-SINV-2026-00001 L1 pending 800.00; ACC-SINV-2026-00002 L6 pending 300.00; ACC-SINV-2026-00004 L2 pending 250.00; ACC-SINV-2026-00005-1 L2 pending 550.00',
                      'ACC-SINV-2026-00001 800.00; ACC-SINV-2026-00002 300.00; ACC-SINV-2026-00004 250.00; ACC-SINV-2026-00005-1 550.00',
                      'Acme Corp EUR 800.00/0.00/300.00/0.00/0.00 = 1100.00; Globex EUR 800.00/0.00/0.00/0.00/0.00 = 800.00');

-- 15. invoice 2 paid in full
SET ROLE erp_app;
UPDATE erpnext."tabSales Invoice" SET outstanding_amount = 0, status = 'Paid' WHERE name = 'ACC-SINV-2026-00002';
RESET ROLE;
SELECT recipe_t.check('erpnext', 15, 'invoice 2 paid', 'erpnext."tabSales Invoice"',
                      'ACC-SINV-2026-00001 L1 pending 800.00; ACC-SINV-2026-00004 L2 pending 250.00; ACC-SINV-2026-00005-1 L2 pending 550.00',
                      'ACC-SINV-2026-00001 800.00; ACC-SINV-2026-00004 250.00; ACC-SINV-2026-00005-1 550.00',
                      'Acme Corp EUR 800.00/0.00/0.00/0.00/0.00 = 800.00; Globex EUR 800.00/0.00/0.00/0.00/0.00 = 800.00');

-- 16. the Payment Entry is cancelled: 300 open again
SET ROLE erp_app;
UPDATE erpnext."tabSales Invoice" SET outstanding_amount = 300, status = 'Overdue' WHERE name = 'ACC-SINV-2026-00002';
RESET ROLE;
SELECT recipe_t.check('erpnext', 16, 'payment cancelled: reopened after the level sent (L6)', 'erpnext."tabSales Invoice"',
                      'ACC-SINV-2026-00001 L1 pending 800.00; ACC-SINV-2026-00002 L6 pending 300.00; ACC-SINV-2026-00004 L2 pending 250.00; ACC-SINV-2026-00005-1 L2 pending 550.00',
                      'ACC-SINV-2026-00001 800.00; ACC-SINV-2026-00002 300.00; ACC-SINV-2026-00004 250.00; ACC-SINV-2026-00005-1 550.00',
                      'Acme Corp EUR 800.00/0.00/300.00/0.00/0.00 = 1100.00; Globex EUR 800.00/0.00/0.00/0.00/0.00 = 800.00');

-- 17. written off by a Journal Entry
SET ROLE erp_app;
UPDATE erpnext."tabSales Invoice" SET outstanding_amount = 0, status = 'Paid' WHERE name = 'ACC-SINV-2026-00002';
RESET ROLE;
SELECT recipe_t.check('erpnext', 17, 'written off: settled', 'erpnext."tabSales Invoice"',
                      'ACC-SINV-2026-00001 L1 pending 800.00; ACC-SINV-2026-00004 L2 pending 250.00; ACC-SINV-2026-00005-1 L2 pending 550.00',
                      'ACC-SINV-2026-00001 800.00; ACC-SINV-2026-00004 250.00; ACC-SINV-2026-00005-1 550.00',
                      'Acme Corp EUR 800.00/0.00/0.00/0.00/0.00 = 800.00; Globex EUR 800.00/0.00/0.00/0.00/0.00 = 800.00');

-- 18. a draft is created and deleted (only drafts may be deleted)
SET ROLE erp_app;
INSERT INTO erpnext."tabSales Invoice" (name, docstatus, customer, company, posting_date, due_date, currency, grand_total,
                                        outstanding_amount, status)
VALUES ('ACC-SINV-2026-00006', 0, 'Acme Corp', 'Example Ltd', current_date, current_date - 1, 'EUR', 99, 99, 'Draft');
DELETE FROM erpnext."tabSales Invoice" WHERE name = 'ACC-SINV-2026-00006';
RESET ROLE;
SELECT recipe_t.check('erpnext', 18, 'draft created and deleted', 'erpnext."tabSales Invoice"',
                      'ACC-SINV-2026-00001 L1 pending 800.00; ACC-SINV-2026-00004 L2 pending 250.00; ACC-SINV-2026-00005-1 L2 pending 550.00',
                      'ACC-SINV-2026-00001 800.00; ACC-SINV-2026-00004 250.00; ACC-SINV-2026-00005-1 550.00',
                      'Acme Corp EUR 800.00/0.00/0.00/0.00/0.00 = 800.00; Globex EUR 800.00/0.00/0.00/0.00/0.00 = 800.00');

-- ---------------------------------------------------------------------
-- the application's role, the recipe evaluated by hand, the step count
-- ---------------------------------------------------------------------
SELECT is(has_table_privilege('erp_app', 'ar_credit.dunning_queue', 'SELECT,INSERT,UPDATE,DELETE'), false,
          'erpnext: erp_app wrote every step without any privilege on ar_credit.dunning_queue');
SELECT is(pg_has_role('erp_app', 'ar_credit_writer', 'MEMBER'), false, 'erpnext: erp_app is not an ar_credit role');
SELECT is((SELECT count(*) FROM (SELECT 1 FROM ar_credit.dunning_queue WHERE state IN ('pending', 'claimed', 'suspended')
                                  GROUP BY source, invoice_key HAVING count(*) > 1) AS d), 0::bigint,
          'erpnext: at most one live reminder per invoice');
-- the recipe's expressions evaluated by hand over the final table (the same
-- text as in the track() call): what the trigger must see for each receivable
SELECT results_eq($$
    SELECT name::text, due_date - current_date, outstanding_amount,
           recipe_t.class(status, '{"Draft": "draft", "Submitted": "open", "Unpaid": "unpaid", "Overdue": "overdue",
                                    "Partly Paid": "partially_paid", "Unpaid and Discounted": "open",
                                    "Partly Paid and Discounted": "partially_paid", "Overdue and Discounted": "overdue",
                                    "Paid": "paid", "Credit Note Issued": "credited", "Return": "open",
                                    "Cancelled": "cancelled", "Internal Transfer": "ignored"}'),
           customer::text, currency::text
      FROM erpnext."tabSales Invoice"
     WHERE docstatus = 1 AND status <> 'Internal Transfer'
     ORDER BY name COLLATE "C"$$,
    $$VALUES ('ACC-SINV-2026-00001', 30, 800::numeric, 'open', 'Acme Corp', 'EUR'),
             ('ACC-SINV-2026-00002', -40, 0, 'closed', 'Acme Corp', 'EUR'),
             ('ACC-SINV-2026-00004', 10, 250, 'open', 'Globex', 'EUR'),
             ('ACC-SINV-2026-00005-1', 10, 550, 'open', 'Globex', 'EUR'),
             ('ACC-SINV-RET-2026-00001', 0, 0, 'open', 'Globex', 'EUR'),
             ('ACC-SINV-RET-2026-00002', 0, 0, 'open', 'Acme Corp', 'EUR')$$,
    'erpnext: the recipe''s key, due, amount, status class, customer and currency evaluated by hand: no draft, cancelled or internal transfer');
SELECT is((SELECT count(*) FROM recipe_t.steps WHERE sys = 'erpnext'), 18::bigint,
          'erpnext: 18 lifecycle steps replayed, each checked against the queue, open_invoices and aging_report');

SELECT * FROM finish();
ROLLBACK;
