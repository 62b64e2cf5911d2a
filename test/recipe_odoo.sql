--
-- pgTAP: the Odoo recipe (doc/recipes.md, "Odoo"), SPEC sections 6, 7 and 12.
--
-- Odoo keeps customer invoices, vendor bills, refunds, receipts and journal
-- entries in one table, account_move (addons/account/models/account_move.py:
-- move_type, state draft/posted/cancel, payment_state not_paid/partial/
-- in_payment/paid/reversed/blocked/invoicing_legacy, amount_residual,
-- invoice_date_due, commercial_partner_id, currency_id -> res_currency).
-- The table below has those columns with the types Odoo's ORM gives them in
-- PostgreSQL (selection = varchar, monetary = numeric, many2one = integer).
--
-- The role erp_app owns the Odoo tables and makes every write, as Odoo's
-- server would, with no grant on any ar_credit object.  After every step of
-- the lifecycle the live reminders of the table, ar_credit.open_invoices and
-- ar_credit.aging_report are compared with what the step must leave behind
-- (descriptions "odoo step N: what: live {...}").  Dates are relative to
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

SELECT plan(76);

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
-- Odoo 17/18: account_move (and the currency it points to)
-- ---------------------------------------------------------------------
CREATE SCHEMA odoo;
CREATE TABLE odoo.res_currency (
    id              serial PRIMARY KEY,
    name            varchar NOT NULL,           -- ISO 4217 code
    symbol          varchar NOT NULL,
    decimal_places  integer,
    active          boolean
);
CREATE TABLE odoo.account_move (
    id                      serial PRIMARY KEY,
    name                    varchar,
    ref                     varchar,
    move_type               varchar NOT NULL,   -- entry, out_invoice, out_refund, in_invoice, in_refund, out_receipt, in_receipt
    state                   varchar NOT NULL,   -- draft, posted, cancel
    payment_state           varchar,            -- not_paid, partial, in_payment, paid, reversed, blocked, invoicing_legacy
    date                    date NOT NULL,
    invoice_date            date,
    invoice_date_due        date,
    journal_id              integer NOT NULL,
    company_id              integer NOT NULL,
    partner_id              integer,
    commercial_partner_id   integer,
    currency_id             integer NOT NULL REFERENCES odoo.res_currency,
    amount_untaxed          numeric,
    amount_tax              numeric,
    amount_total            numeric,
    amount_residual         numeric,
    amount_total_signed     numeric,
    amount_residual_signed  numeric,
    reversed_entry_id       integer REFERENCES odoo.account_move,
    create_date             timestamp without time zone,
    write_date              timestamp without time zone
);
INSERT INTO odoo.res_currency VALUES (1, 'EUR', '€', 2, true), (2, 'USD', '$', 2, true);
GRANT USAGE ON SCHEMA odoo TO erp_app;
ALTER TABLE odoo.res_currency OWNER TO erp_app;
ALTER TABLE odoo.account_move OWNER TO erp_app;

-- the recipe (doc/recipes.md): receivables only, state and payment_state
-- combined into one status, refunds as credits, currency by its ISO code
SELECT CASE WHEN recipe_t.contract() THEN lives_ok($recipe$
    SELECT ar_credit.track('odoo.account_move',
        key_column      => 'id',
        due_column      => 'invoice_date_due',
        amount_column   => $$CASE WHEN move_type = 'out_refund' THEN -amount_residual ELSE amount_residual END$$,
        status_column   => $$CASE WHEN state = 'posted' THEN payment_state ELSE state END$$,
        customer_column => 'commercial_partner_id',
        currency_column => $$(SELECT c.name FROM odoo.res_currency AS c WHERE c.id = account_move.currency_id)$$,
        filter          => $$move_type IN ('out_invoice', 'out_refund', 'out_receipt')$$,
        status_map      => '{"draft": "draft", "cancel": "cancelled", "not_paid": "open", "partial": "partially_paid",
                             "in_payment": "paid", "paid": "paid", "reversed": "credited", "blocked": "on_hold",
                             "invoicing_legacy": "closed"}',
        issued_column   => 'invoice_date')
    $recipe$, 'odoo: track account_move with the recipe')
    ELSE skip('odoo: track account_move: needs the 0.3.0 track() (SPEC section 7)', 1) END;
SELECT CASE WHEN recipe_t.contract() THEN
            is((SELECT count(*) FROM ar_credit.tracked_table WHERE relid = 'odoo.account_move'::regclass), 1::bigint,
               'odoo: ar_credit.tracked_table keeps the mapping of account_move')
       ELSE skip('odoo: tracked_table row: needs the 0.3.0 track() (SPEC section 7)', 1) END;

-- ---------------------------------------------------------------------
-- the lifecycle, as Odoo writes it (customer 7 in EUR unless said)
-- ---------------------------------------------------------------------
-- 1. a customer invoice is created: draft, nothing to remind
SET ROLE erp_app;
INSERT INTO odoo.account_move (id, name, move_type, state, payment_state, date, invoice_date, invoice_date_due, journal_id,
                               company_id, partner_id, commercial_partner_id, currency_id, amount_untaxed, amount_tax,
                               amount_total, amount_residual, amount_total_signed, amount_residual_signed, create_date, write_date)
VALUES (1, '/', 'out_invoice', 'draft', 'not_paid', current_date, current_date, current_date + 30, 1, 1, 7, 7, 1,
        826.45, 173.55, 1000, 1000, 1000, 1000, localtimestamp, localtimestamp);
RESET ROLE;
SELECT recipe_t.check('odoo', 1, 'draft invoice created', 'odoo.account_move', 'none', 'none', 'none');

-- 2. posted (due in 30 days): level 1
SET ROLE erp_app;
UPDATE odoo.account_move SET state = 'posted', name = 'INV/2026/00001', write_date = localtimestamp WHERE id = 1;
RESET ROLE;
SELECT recipe_t.check('odoo', 2, 'invoice posted, due in 30 days', 'odoo.account_move',
                      '1 L1 pending 1000.00', '1 1000.00', '7 EUR 1000.00/0.00/0.00/0.00/0.00 = 1000.00');

-- 3. a vendor bill, posted and 40 days overdue: never dunned
SET ROLE erp_app;
INSERT INTO odoo.account_move (id, name, move_type, state, payment_state, date, invoice_date, invoice_date_due, journal_id,
                               company_id, partner_id, commercial_partner_id, currency_id, amount_total, amount_residual,
                               amount_total_signed, amount_residual_signed)
VALUES (2, 'BILL/2026/00001', 'in_invoice', 'posted', 'not_paid', current_date - 70, current_date - 70, current_date - 40,
        2, 1, 9, 9, 1, 500, 500, -500, -500);
RESET ROLE;
SELECT recipe_t.check('odoo', 3, 'vendor bill posted, 40 days overdue: not a receivable', 'odoo.account_move',
                      '1 L1 pending 1000.00', '1 1000.00', '7 EUR 1000.00/0.00/0.00/0.00/0.00 = 1000.00');

-- 4. a miscellaneous journal entry: never dunned
SET ROLE erp_app;
INSERT INTO odoo.account_move (id, name, move_type, state, payment_state, date, journal_id, company_id, partner_id,
                               commercial_partner_id, currency_id, amount_total, amount_residual)
VALUES (3, 'MISC/2026/00001', 'entry', 'posted', 'not_paid', current_date - 40, 3, 1, 7, 7, 1, 250, 250);
RESET ROLE;
SELECT recipe_t.check('odoo', 4, 'journal entry posted: not a receivable', 'odoo.account_move',
                      '1 L1 pending 1000.00', '1 1000.00', '7 EUR 1000.00/0.00/0.00/0.00/0.00 = 1000.00');

-- 5. a second customer invoice, 40 days overdue, created and posted
SET ROLE erp_app;
INSERT INTO odoo.account_move (id, name, move_type, state, payment_state, date, invoice_date, invoice_date_due, journal_id,
                               company_id, partner_id, commercial_partner_id, currency_id, amount_total, amount_residual,
                               amount_total_signed, amount_residual_signed)
VALUES (4, '/', 'out_invoice', 'draft', 'not_paid', current_date - 70, current_date - 70, current_date - 40, 1, 1, 17, 7, 1,
        800, 800, 800, 800);
UPDATE odoo.account_move SET state = 'posted', name = 'INV/2026/00002' WHERE id = 4;
RESET ROLE;
SELECT recipe_t.check('odoo', 5, 'invoice 40 days overdue posted (contact 17 of company 7): level 5, the formal notice (catch-up)', 'odoo.account_move',
                      '1 L1 pending 1000.00; 4 L5 pending 800.00', '1 1000.00; 4 800.00',
                      '7 EUR 1000.00/0.00/800.00/0.00/0.00 = 1800.00');

-- 6. a payment of 500 reconciled with it: partial
SET ROLE erp_app;
UPDATE odoo.account_move SET amount_residual = 300, amount_residual_signed = 300, payment_state = 'partial' WHERE id = 4;
RESET ROLE;
SELECT recipe_t.check('odoo', 6, 'partial payment: live L5 amount 300.00', 'odoo.account_move',
                      '1 L1 pending 1000.00; 4 L5 pending 300.00', '1 1000.00; 4 300.00',
                      '7 EUR 1000.00/0.00/300.00/0.00/0.00 = 1300.00');

-- 7. a worker sends the reminders due today (level 5 of invoice 4): level 6 queued
SELECT recipe_t.work() >= 0 AS worked \gset
SELECT recipe_t.check('odoo', 7, 'worker sent level 5: level 6 queued', 'odoo.account_move',
                      '1 L1 pending 1000.00; 4 L6 pending 300.00', '1 1000.00; 4 300.00',
                      '7 EUR 1000.00/0.00/300.00/0.00/0.00 = 1300.00');

-- 8. the rest is paid: in_payment (matched, not yet on the bank statement)
SET ROLE erp_app;
UPDATE odoo.account_move SET amount_residual = 0, amount_residual_signed = 0, payment_state = 'in_payment' WHERE id = 4;
RESET ROLE;
SELECT recipe_t.check('odoo', 8, 'in_payment: settled', 'odoo.account_move',
                      '1 L1 pending 1000.00', '1 1000.00', '7 EUR 1000.00/0.00/0.00/0.00/0.00 = 1000.00');

-- 9. the bank statement line is reconciled: paid
SET ROLE erp_app;
UPDATE odoo.account_move SET payment_state = 'paid' WHERE id = 4;
RESET ROLE;
SELECT recipe_t.check('odoo', 9, 'paid', 'odoo.account_move',
                      '1 L1 pending 1000.00', '1 1000.00', '7 EUR 1000.00/0.00/0.00/0.00/0.00 = 1000.00');

-- 10. the transfer bounced: the payment is unreconciled, 300 open again
SET ROLE erp_app;
UPDATE odoo.account_move SET amount_residual = 300, amount_residual_signed = 300, payment_state = 'partial' WHERE id = 4;
RESET ROLE;
SELECT recipe_t.check('odoo', 10, 'payment unreconciled: reopened after the level sent (L6)', 'odoo.account_move',
                      '1 L1 pending 1000.00; 4 L6 pending 300.00', '1 1000.00; 4 300.00',
                      '7 EUR 1000.00/0.00/300.00/0.00/0.00 = 1300.00');

-- 11. a credit note of 200, posted, not yet matched: a credit, never dunned, nets the balance
SET ROLE erp_app;
INSERT INTO odoo.account_move (id, name, move_type, state, payment_state, date, invoice_date, invoice_date_due, journal_id,
                               company_id, partner_id, commercial_partner_id, currency_id, amount_total, amount_residual,
                               amount_total_signed, amount_residual_signed)
VALUES (5, 'RINV/2026/00001', 'out_refund', 'posted', 'not_paid', current_date, current_date, current_date, 1, 1, 7, 7, 1,
        200, 200, -200, -200);
RESET ROLE;
SELECT recipe_t.check('odoo', 11, 'credit note 200 posted: a credit of -200.00, no reminder', 'odoo.account_move',
                      '1 L1 pending 1000.00; 4 L6 pending 300.00', '1 1000.00; 4 300.00; 5 -200.00',
                      '7 EUR 800.00/0.00/300.00/0.00/0.00 = 1100.00');

-- 12. the credit note is matched with invoice 1
SET ROLE erp_app;
UPDATE odoo.account_move SET amount_residual = 0, amount_residual_signed = 0, payment_state = 'paid' WHERE id = 5;
UPDATE odoo.account_move SET amount_residual = 800, amount_residual_signed = 800, payment_state = 'partial' WHERE id = 1;
RESET ROLE;
SELECT recipe_t.check('odoo', 12, 'credit note matched with invoice 1: 800.00 left', 'odoo.account_move',
                      '1 L1 pending 800.00; 4 L6 pending 300.00', '1 800.00; 4 300.00',
                      '7 EUR 800.00/0.00/300.00/0.00/0.00 = 1100.00');

-- 13. invoice 4 blocked (in dispute): suspended, still owed
SET ROLE erp_app;
UPDATE odoo.account_move SET payment_state = 'blocked' WHERE id = 4;
RESET ROLE;
SELECT recipe_t.check('odoo', 13, 'blocked: suspended', 'odoo.account_move',
                      '1 L1 pending 800.00; 4 L6 suspended 300.00', '1 800.00; 4 300.00',
                      '7 EUR 800.00/0.00/300.00/0.00/0.00 = 1100.00');

-- 14. unblocked
SET ROLE erp_app;
UPDATE odoo.account_move SET payment_state = 'partial' WHERE id = 4;
RESET ROLE;
SELECT recipe_t.check('odoo', 14, 'unblocked: pending again', 'odoo.account_move',
                      '1 L1 pending 800.00; 4 L6 pending 300.00', '1 800.00; 4 300.00',
                      '7 EUR 800.00/0.00/300.00/0.00/0.00 = 1100.00');

-- 15. invoice 1 reversed by a full credit note (out_refund 6), matched at once
SET ROLE erp_app;
INSERT INTO odoo.account_move (id, name, move_type, state, payment_state, date, invoice_date, invoice_date_due, journal_id,
                               company_id, partner_id, commercial_partner_id, currency_id, amount_total, amount_residual,
                               amount_total_signed, amount_residual_signed, reversed_entry_id)
VALUES (6, 'RINV/2026/00002', 'out_refund', 'posted', 'not_paid', current_date, current_date, current_date, 1, 1, 7, 7, 1,
        800, 800, -800, -800, 1);
UPDATE odoo.account_move SET amount_residual = 0, amount_residual_signed = 0, payment_state = 'paid' WHERE id = 6;
UPDATE odoo.account_move SET amount_residual = 0, amount_residual_signed = 0, payment_state = 'reversed' WHERE id = 1;
RESET ROLE;
SELECT recipe_t.check('odoo', 15, 'invoice 1 reversed: settled, the credit note too', 'odoo.account_move',
                      '4 L6 pending 300.00', '4 300.00', '7 EUR 0.00/0.00/300.00/0.00/0.00 = 300.00');

-- 16. customer 8 gets an invoice in USD, due in 10 days: level 2, a USD line in the aging
SET ROLE erp_app;
INSERT INTO odoo.account_move (id, name, move_type, state, payment_state, date, invoice_date, invoice_date_due, journal_id,
                               company_id, partner_id, commercial_partner_id, currency_id, amount_total, amount_residual,
                               amount_total_signed, amount_residual_signed)
VALUES (7, 'INV/2026/00003', 'out_invoice', 'posted', 'not_paid', current_date - 20, current_date - 20, current_date + 10,
        1, 1, 8, 8, 2, 300, 300, 276.30, 276.30);
RESET ROLE;
SELECT recipe_t.check('odoo', 16, 'USD invoice of customer 8 due in 10 days: level 2', 'odoo.account_move',
                      '4 L6 pending 300.00; 7 L2 pending 300.00', '4 300.00; 7 300.00',
                      '7 EUR 0.00/0.00/300.00/0.00/0.00 = 300.00; 8 USD 300.00/0.00/0.00/0.00/0.00 = 300.00');

-- 17. it is cancelled (Odoo resets it to draft, then cancels it)
SET ROLE erp_app;
UPDATE odoo.account_move SET state = 'draft' WHERE id = 7;
UPDATE odoo.account_move SET state = 'cancel' WHERE id = 7;
RESET ROLE;
SELECT recipe_t.check('odoo', 17, 'cancelled: settled', 'odoo.account_move',
                      '4 L6 pending 300.00', '4 300.00', '7 EUR 0.00/0.00/300.00/0.00/0.00 = 300.00');

-- 18. customer 8 gets a EUR invoice, posted
SET ROLE erp_app;
INSERT INTO odoo.account_move (id, name, move_type, state, payment_state, date, invoice_date, invoice_date_due, journal_id,
                               company_id, partner_id, commercial_partner_id, currency_id, amount_total, amount_residual,
                               amount_total_signed, amount_residual_signed)
VALUES (8, 'INV/2026/00004', 'out_invoice', 'posted', 'not_paid', current_date, current_date, current_date + 30,
        1, 1, 8, 8, 1, 450, 450, 450, 450);
RESET ROLE;
SELECT recipe_t.check('odoo', 18, 'EUR invoice of customer 8 posted: level 1', 'odoo.account_move',
                      '4 L6 pending 300.00; 8 L1 pending 450.00', '4 300.00; 8 450.00',
                      '7 EUR 0.00/0.00/300.00/0.00/0.00 = 300.00; 8 EUR 450.00/0.00/0.00/0.00/0.00 = 450.00');

-- 19. reset to draft
SET ROLE erp_app;
UPDATE odoo.account_move SET state = 'draft' WHERE id = 8;
RESET ROLE;
SELECT recipe_t.check('odoo', 19, 'reset to draft: nothing live', 'odoo.account_move',
                      '4 L6 pending 300.00', '4 300.00', '7 EUR 0.00/0.00/300.00/0.00/0.00 = 300.00');

-- 20. the draft is deleted
SET ROLE erp_app;
DELETE FROM odoo.account_move WHERE id = 8;
RESET ROLE;
SELECT recipe_t.check('odoo', 20, 'draft deleted', 'odoo.account_move',
                      '4 L6 pending 300.00', '4 300.00', '7 EUR 0.00/0.00/300.00/0.00/0.00 = 300.00');

-- 21. a sales receipt due today: level 3 (tomorrow)
SET ROLE erp_app;
INSERT INTO odoo.account_move (id, name, move_type, state, payment_state, date, invoice_date, invoice_date_due, journal_id,
                               company_id, partner_id, commercial_partner_id, currency_id, amount_total, amount_residual,
                               amount_total_signed, amount_residual_signed)
VALUES (9, 'RCPT/2026/00001', 'out_receipt', 'posted', 'not_paid', current_date, current_date, current_date,
        1, 1, 7, 7, 1, 50, 50, 50, 50);
RESET ROLE;
SELECT recipe_t.check('odoo', 21, 'sales receipt due today: level 3', 'odoo.account_move',
                      '4 L6 pending 300.00; 9 L3 pending 50.00', '4 300.00; 9 50.00',
                      '7 EUR 50.00/0.00/300.00/0.00/0.00 = 350.00');

-- 22. a vendor refund: not a receivable
SET ROLE erp_app;
INSERT INTO odoo.account_move (id, name, move_type, state, payment_state, date, invoice_date, invoice_date_due, journal_id,
                               company_id, partner_id, commercial_partner_id, currency_id, amount_total, amount_residual,
                               amount_total_signed, amount_residual_signed)
VALUES (10, 'RBILL/2026/00001', 'in_refund', 'posted', 'not_paid', current_date, current_date, current_date,
        2, 1, 7, 7, 1, 90, 90, 90, 90);
RESET ROLE;
SELECT recipe_t.check('odoo', 22, 'vendor refund posted: not a receivable', 'odoo.account_move',
                      '4 L6 pending 300.00; 9 L3 pending 50.00', '4 300.00; 9 50.00',
                      '7 EUR 50.00/0.00/300.00/0.00/0.00 = 350.00');

-- 23. invoice 4 paid in full
SET ROLE erp_app;
UPDATE odoo.account_move SET amount_residual = 0, amount_residual_signed = 0, payment_state = 'paid' WHERE id = 4;
RESET ROLE;
SELECT recipe_t.check('odoo', 23, 'invoice 4 paid in full', 'odoo.account_move',
                      '9 L3 pending 50.00', '9 50.00', '7 EUR 50.00/0.00/0.00/0.00/0.00 = 50.00');

-- ---------------------------------------------------------------------
-- the application's role, the queue's invariants, the step count
-- ---------------------------------------------------------------------
SELECT is(has_table_privilege('erp_app', 'ar_credit.dunning_queue', 'SELECT,INSERT,UPDATE,DELETE'), false,
          'odoo: erp_app wrote every step without any privilege on ar_credit.dunning_queue');
SELECT is(pg_has_role('erp_app', 'ar_credit_writer', 'MEMBER'), false, 'odoo: erp_app is not an ar_credit role');
SELECT is((SELECT count(*) FROM (SELECT 1 FROM ar_credit.dunning_queue WHERE state IN ('pending', 'claimed', 'suspended')
                                  GROUP BY source, invoice_key HAVING count(*) > 1) AS d), 0::bigint,
          'odoo: at most one live reminder per invoice');
SELECT is((SELECT count(*) FROM recipe_t.steps WHERE sys = 'odoo'), 23::bigint,
          'odoo: 23 lifecycle steps replayed, each checked against the queue, open_invoices and aging_report');

-- the recipe's expressions evaluated by hand over the final table (the same
-- text as in the track() call): what the trigger must see for each receivable
SELECT results_eq($$
    SELECT id::text, invoice_date_due - current_date,
           CASE WHEN move_type = 'out_refund' THEN -amount_residual ELSE amount_residual END,
           recipe_t.class(CASE WHEN state = 'posted' THEN payment_state ELSE state END,
                          '{"draft": "draft", "cancel": "cancelled", "not_paid": "open", "partial": "partially_paid",
                            "in_payment": "paid", "paid": "paid", "reversed": "credited", "blocked": "on_hold",
                            "invoicing_legacy": "closed"}'),
           commercial_partner_id::text,
           (SELECT c.name FROM odoo.res_currency AS c WHERE c.id = account_move.currency_id)::text
      FROM odoo.account_move
     WHERE move_type IN ('out_invoice', 'out_refund', 'out_receipt')
     ORDER BY account_move.id$$,
    $$VALUES ('1', 30, 0::numeric, 'closed', '7', 'EUR'), ('4', -40, 0, 'closed', '7', 'EUR'),
             ('5', 0, 0, 'closed', '7', 'EUR'), ('6', 0, 0, 'closed', '7', 'EUR'),
             ('7', 10, 300, 'closed', '8', 'USD'), ('9', 0, 50, 'open', '7', 'EUR')$$,
    'odoo: the recipe''s key, due, amount, status class, customer and currency evaluated by hand: only customer documents, refunds negative');

SELECT * FROM finish();
ROLLBACK;
