--
-- pgTAP: the Tryton recipe (doc/recipes.md, "Tryton"), SPEC sections 6, 7 and 12.
--
-- Tryton has no invoice balance column: what a customer owes is the
-- receivable lines of account_move_line (tryton account module, move.py:
-- move, account, party, debit, credit, maturity_date, reconciliation) of
-- posted moves (account_move.state draft/posted), one line per instalment of
-- the payment term, closed by reconciliation.  Payments made through the
-- account_payment module point to the line they pay (account_payment.line,
-- state draft/submitted/approved/processing/succeeded/failed) and, with a
-- clearing account, post a move whose origin is the payment; the
-- account_dunning module blocks the dunning of a line (account_dunning.blocked).
--
-- The role erp_app owns the tables and makes every write, as trytond would,
-- with no grant on any ar_credit object.  After every step of the lifecycle
-- the live reminders of the table, ar_credit.open_invoices and
-- ar_credit.aging_report are compared with what the step must leave behind
-- (descriptions "tryton step N: what: live {...}").  Dates are relative to
-- current_date.
--
-- Until the 0.3.0 track() (SPEC section 7: expressions, filter, status_map,
-- track_related with tracked_column) is installed, the track() calls and the
-- checks are skipped; the DDL and every step still run, so they are kept valid.
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
-- Tryton 7: account types, accounts, moves, lines, reconciliations,
-- payments, dunnings (the columns that matter and a few others)
-- ---------------------------------------------------------------------
CREATE SCHEMA tryton;
CREATE TABLE tryton.account_account_type (
    id              serial PRIMARY KEY,
    name            varchar NOT NULL,
    receivable      boolean DEFAULT false,
    payable         boolean DEFAULT false,
    statement       varchar
);
CREATE TABLE tryton.account_account (
    id              serial PRIMARY KEY,
    code            varchar,
    name            varchar NOT NULL,
    type            integer REFERENCES tryton.account_account_type,
    reconcile       boolean DEFAULT false,
    party_required  boolean DEFAULT false,
    company         integer NOT NULL
);
CREATE TABLE tryton.account_move (
    id              serial PRIMARY KEY,
    number          varchar NOT NULL,
    post_number     varchar,
    company         integer NOT NULL,
    period          integer NOT NULL,
    journal         integer NOT NULL,
    date            date NOT NULL,
    post_date       date,
    origin          varchar,                    -- 'account.invoice,12', 'account.payment,3' ...
    state           varchar NOT NULL,           -- draft, posted
    description     varchar,
    create_date     timestamp(6),
    write_date      timestamp(6)
);
CREATE TABLE tryton.account_move_reconciliation (
    id              serial PRIMARY KEY,
    name            varchar NOT NULL,
    date            date NOT NULL,
    company         integer NOT NULL,
    create_date     timestamp(6)
);
CREATE TABLE tryton.account_move_line (
    id                      serial PRIMARY KEY,
    move                    integer NOT NULL REFERENCES tryton.account_move ON DELETE CASCADE,
    account                 integer NOT NULL REFERENCES tryton.account_account,
    party                   integer,
    debit                   numeric NOT NULL DEFAULT 0,
    credit                  numeric NOT NULL DEFAULT 0,
    maturity_date           date,
    reconciliation          integer REFERENCES tryton.account_move_reconciliation,
    state                   varchar NOT NULL,   -- draft, valid
    description             varchar,
    origin                  varchar,
    second_currency         integer,
    amount_second_currency  numeric,
    payment_blocked         boolean DEFAULT false,
    create_date             timestamp(6),
    write_date              timestamp(6)
);
CREATE TABLE tryton.account_payment (
    id              serial PRIMARY KEY,
    company         integer NOT NULL,
    journal         integer NOT NULL,
    kind            varchar NOT NULL,           -- payable, receivable
    party           integer NOT NULL,
    date            date NOT NULL,
    amount          numeric NOT NULL,
    line            integer REFERENCES tryton.account_move_line,
    description     varchar,
    state           varchar NOT NULL            -- draft, submitted, approved, processing, succeeded, failed
);
CREATE TABLE tryton.account_dunning (
    id              serial PRIMARY KEY,
    company         integer NOT NULL,
    line            integer NOT NULL REFERENCES tryton.account_move_line,
    procedure       integer NOT NULL,
    level           integer,
    blocked         boolean DEFAULT false,
    state           varchar NOT NULL            -- draft, waiting, final
);
INSERT INTO tryton.account_account_type (id, name, receivable, payable, statement) VALUES
    (1, 'Receivable', true, false, 'balance'), (2, 'Revenue', false, false, 'income'),
    (3, 'Payable', false, true, 'balance'), (4, 'Cash', false, false, 'balance'), (5, 'Expense', false, false, 'income');
INSERT INTO tryton.account_account (id, code, name, type, reconcile, party_required, company) VALUES
    (1, '411', 'Main Receivable', 1, true, true, 1), (2, '706', 'Main Revenue', 2, false, false, 1),
    (3, '401', 'Main Payable', 3, true, true, 1), (4, '512', 'Main Cash', 4, false, false, 1),
    (5, '607', 'Main Expense', 5, false, false, 1);
GRANT USAGE ON SCHEMA tryton TO erp_app;
ALTER TABLE tryton.account_account_type OWNER TO erp_app;
ALTER TABLE tryton.account_account OWNER TO erp_app;
ALTER TABLE tryton.account_move OWNER TO erp_app;
ALTER TABLE tryton.account_move_reconciliation OWNER TO erp_app;
ALTER TABLE tryton.account_move_line OWNER TO erp_app;
ALTER TABLE tryton.account_payment OWNER TO erp_app;
ALTER TABLE tryton.account_dunning OWNER TO erp_app;

-- the recipe (doc/recipes.md): receivable lines with a party, not the lines
-- a payment posts (the payment is taken off the line it pays); open while
-- unreconciled on a posted move, on hold while a dunning is blocked; the
-- move's state, the payments and the dunnings re-evaluate their lines
SELECT CASE WHEN recipe_t.contract() THEN lives_ok($recipe$
    SELECT ar_credit.track('tryton.account_move_line',
        key_column      => 'id',
        due_column      => 'maturity_date',
        amount_column   => $$debit - credit
                            - coalesce((SELECT sum(p.amount) FROM tryton.account_payment AS p
                                         WHERE p.line = account_move_line.id AND p.kind = 'receivable'
                                           AND p.state IN ('processing', 'succeeded')), 0)$$,
        status_column   => $$CASE WHEN reconciliation IS NOT NULL THEN 'paid'
                                  WHEN (SELECT m.state FROM tryton.account_move AS m
                                         WHERE m.id = account_move_line.move) <> 'posted' THEN 'draft'
                                  WHEN EXISTS (SELECT 1 FROM tryton.account_dunning AS d
                                                WHERE d.line = account_move_line.id AND d.blocked) THEN 'on_hold'
                                  ELSE 'open' END$$,
        customer_column => 'party',
        filter          => $$party IS NOT NULL
                            AND EXISTS (SELECT 1 FROM tryton.account_account AS a
                                          JOIN tryton.account_account_type AS t ON t.id = a.type
                                         WHERE a.id = account_move_line.account AND t.receivable)
                            AND NOT EXISTS (SELECT 1 FROM tryton.account_move AS m
                                             WHERE m.id = account_move_line.move
                                               AND m.origin LIKE 'account.payment,%')$$)
    $recipe$, 'tryton: track account_move_line with the recipe')
    ELSE skip('tryton: track account_move_line: needs the 0.3.0 track() (SPEC section 7)', 1) END;
SELECT CASE WHEN recipe_t.contract() THEN lives_ok($recipe$
    SELECT ar_credit.track_related('tryton.account_move', 'tryton.account_move_line', 'id', tracked_column => 'move')
    $recipe$, 'tryton: a move re-evaluates all its lines')
    ELSE skip('tryton: track_related account_move: needs the 0.3.0 track_related() (SPEC section 7)', 1) END;
SELECT CASE WHEN recipe_t.contract() THEN lives_ok($recipe$
    SELECT ar_credit.track_related('tryton.account_payment', 'tryton.account_move_line', 'line')
    $recipe$, 'tryton: a payment re-evaluates the line it pays')
    ELSE skip('tryton: track_related account_payment: needs the 0.3.0 track_related() (SPEC section 7)', 1) END;
SELECT CASE WHEN recipe_t.contract() THEN lives_ok($recipe$
    SELECT ar_credit.track_related('tryton.account_dunning', 'tryton.account_move_line', 'line')
    $recipe$, 'tryton: a dunning re-evaluates its line')
    ELSE skip('tryton: track_related account_dunning: needs the 0.3.0 track_related() (SPEC section 7)', 1) END;
SELECT CASE WHEN recipe_t.contract() THEN
            is((SELECT count(*) FROM ar_credit.tracked_table WHERE relid = 'tryton.account_move_line'::regclass), 1::bigint,
               'tryton: ar_credit.tracked_table keeps the mapping of account_move_line')
       ELSE skip('tryton: tracked_table row: needs the 0.3.0 track() (SPEC section 7)', 1) END;

-- ---------------------------------------------------------------------
-- the lifecycle, as trytond writes it (parties 21 and 22 are customers,
-- 23 a supplier; amounts in the company currency)
-- ---------------------------------------------------------------------
-- 1. a move is entered by hand, still draft: its receivable line is not owed yet
SET ROLE erp_app;
INSERT INTO tryton.account_move (id, number, company, period, journal, date, origin, state, create_date)
VALUES (1, '1', 1, 1, 1, current_date, 'account.invoice,1', 'draft', localtimestamp);
INSERT INTO tryton.account_move_line (id, move, account, party, debit, credit, maturity_date, state) VALUES
    (1, 1, 1, 21, 1000, 0, current_date + 30, 'valid'),
    (2, 1, 2, NULL, 0, 1000, NULL, 'valid');
RESET ROLE;
SELECT recipe_t.check('tryton', 1, 'draft move: not owed yet', 'tryton.account_move_line', 'none', 'none', 'none');

-- 2. the move is posted (only account_move changes)
SET ROLE erp_app;
UPDATE tryton.account_move SET state = 'posted', post_number = 'INV-0001', post_date = current_date WHERE id = 1;
RESET ROLE;
SELECT recipe_t.check('tryton', 2, 'move posted: its line gets level 1', 'tryton.account_move_line',
                      '1 L1 pending 1000.00', '1 1000.00', '21 - 1000.00/0.00/0.00/0.00/0.00 = 1000.00');

-- 3. a supplier invoice is posted, overdue: payable, never dunned
SET ROLE erp_app;
INSERT INTO tryton.account_move (id, number, post_number, company, period, journal, date, origin, state)
VALUES (2, '2', 'SUP-0001', 1, 1, 2, current_date - 70, 'account.invoice,2', 'posted');
INSERT INTO tryton.account_move_line (id, move, account, party, debit, credit, maturity_date, state) VALUES
    (3, 2, 3, 23, 0, 500, current_date - 40, 'valid'),
    (4, 2, 5, NULL, 500, 0, NULL, 'valid');
RESET ROLE;
SELECT recipe_t.check('tryton', 3, 'supplier invoice posted: payable, not dunned', 'tryton.account_move_line',
                      '1 L1 pending 1000.00', '1 1000.00', '21 - 1000.00/0.00/0.00/0.00/0.00 = 1000.00');

-- 4. an invoice with a two-instalment payment term: two receivable lines
SET ROLE erp_app;
INSERT INTO tryton.account_move (id, number, post_number, company, period, journal, date, origin, state)
VALUES (3, '3', 'INV-0002', 1, 1, 1, current_date - 70, 'account.invoice,3', 'posted');
INSERT INTO tryton.account_move_line (id, move, account, party, debit, credit, maturity_date, state) VALUES
    (5, 3, 1, 21, 400, 0, current_date - 40, 'valid'),
    (6, 3, 1, 21, 200, 0, current_date - 10, 'valid'),
    (7, 3, 2, NULL, 0, 600, NULL, 'valid');
RESET ROLE;
SELECT recipe_t.check('tryton', 4, 'two instalments, 40 and 10 days overdue: level 5 (catch-up) and 3', 'tryton.account_move_line',
                      '1 L1 pending 1000.00; 5 L5 pending 400.00; 6 L3 pending 200.00', '1 1000.00; 5 400.00; 6 200.00',
                      '21 - 1000.00/200.00/400.00/0.00/0.00 = 1600.00');

-- 5. a direct debit of 300 on line 5 is being processed
SET ROLE erp_app;
INSERT INTO tryton.account_payment (id, company, journal, kind, party, date, amount, line, state)
VALUES (1, 1, 1, 'receivable', 21, current_date, 300, 5, 'processing');
RESET ROLE;
SELECT recipe_t.check('tryton', 5, 'partial payment processing: live L5 amount 100.00', 'tryton.account_move_line',
                      '1 L1 pending 1000.00; 5 L5 pending 100.00; 6 L3 pending 200.00', '1 1000.00; 5 100.00; 6 200.00',
                      '21 - 1000.00/200.00/100.00/0.00/0.00 = 1300.00');

-- 6. the direct debit is rejected
SET ROLE erp_app;
UPDATE tryton.account_payment SET state = 'failed' WHERE id = 1;
RESET ROLE;
SELECT recipe_t.check('tryton', 6, 'payment failed: 400.00 again', 'tryton.account_move_line',
                      '1 L1 pending 1000.00; 5 L5 pending 400.00; 6 L3 pending 200.00', '1 1000.00; 5 400.00; 6 200.00',
                      '21 - 1000.00/200.00/400.00/0.00/0.00 = 1600.00');

-- 7. a transfer of 150 succeeds; its clearing move is posted (origin: the payment)
SET ROLE erp_app;
INSERT INTO tryton.account_payment (id, company, journal, kind, party, date, amount, line, state)
VALUES (2, 1, 1, 'receivable', 21, current_date, 150, 5, 'approved');
UPDATE tryton.account_payment SET state = 'processing' WHERE id = 2;
UPDATE tryton.account_payment SET state = 'succeeded' WHERE id = 2;
INSERT INTO tryton.account_move (id, number, post_number, company, period, journal, date, origin, state)
VALUES (4, '4', 'PAY-0001', 1, 1, 3, current_date, 'account.payment,2', 'posted');
INSERT INTO tryton.account_move_line (id, move, account, party, debit, credit, maturity_date, state) VALUES
    (8, 4, 1, 21, 0, 150, NULL, 'valid'),
    (9, 4, 4, NULL, 150, 0, NULL, 'valid');
RESET ROLE;
SELECT recipe_t.check('tryton', 7, 'payment of 150 succeeded: 250.00 left, its clearing line not counted twice', 'tryton.account_move_line',
                      '1 L1 pending 1000.00; 5 L5 pending 250.00; 6 L3 pending 200.00', '1 1000.00; 5 250.00; 6 200.00',
                      '21 - 1000.00/200.00/250.00/0.00/0.00 = 1450.00');

-- 8. a worker sends the reminders due today (level 5 of line 5, level 3 of line 6): levels 6 and 4 queued
SELECT recipe_t.work() >= 0 AS worked \gset
SELECT recipe_t.check('tryton', 8, 'worker sent levels 5 and 3: levels 6 and 4 queued', 'tryton.account_move_line',
                      '1 L1 pending 1000.00; 5 L6 pending 250.00; 6 L4 pending 200.00', '1 1000.00; 5 250.00; 6 200.00',
                      '21 - 1000.00/200.00/250.00/0.00/0.00 = 1450.00');

-- 9. Tryton's own dunning process picks line 6, then the user blocks it (dispute)
SET ROLE erp_app;
INSERT INTO tryton.account_dunning (id, company, line, procedure, level, blocked, state)
VALUES (1, 1, 6, 1, 1, false, 'waiting');
UPDATE tryton.account_dunning SET blocked = true WHERE id = 1;
RESET ROLE;
SELECT recipe_t.check('tryton', 9, 'dunning blocked: suspended', 'tryton.account_move_line',
                      '1 L1 pending 1000.00; 5 L6 pending 250.00; 6 L4 suspended 200.00', '1 1000.00; 5 250.00; 6 200.00',
                      '21 - 1000.00/200.00/250.00/0.00/0.00 = 1450.00');

-- 10. unblocked
SET ROLE erp_app;
UPDATE tryton.account_dunning SET blocked = false WHERE id = 1;
RESET ROLE;
SELECT recipe_t.check('tryton', 10, 'dunning unblocked: pending again', 'tryton.account_move_line',
                      '1 L1 pending 1000.00; 5 L6 pending 250.00; 6 L4 pending 200.00', '1 1000.00; 5 250.00; 6 200.00',
                      '21 - 1000.00/200.00/250.00/0.00/0.00 = 1450.00');

-- 11. a credit note of 200 is posted: a credit line, never dunned, nets the balance
SET ROLE erp_app;
INSERT INTO tryton.account_move (id, number, post_number, company, period, journal, date, origin, state)
VALUES (5, '5', 'CN-0001', 1, 1, 1, current_date, 'account.invoice,4', 'posted');
INSERT INTO tryton.account_move_line (id, move, account, party, debit, credit, maturity_date, state) VALUES
    (10, 5, 1, 21, 0, 200, current_date, 'valid'),
    (11, 5, 2, NULL, 200, 0, NULL, 'valid');
RESET ROLE;
SELECT recipe_t.check('tryton', 11, 'credit note posted: a credit of -200.00', 'tryton.account_move_line',
                      '1 L1 pending 1000.00; 5 L6 pending 250.00; 6 L4 pending 200.00', '1 1000.00; 10 -200.00; 5 250.00; 6 200.00',
                      '21 - 800.00/200.00/250.00/0.00/0.00 = 1250.00');

-- 12. the credit note line is reconciled with line 6
SET ROLE erp_app;
INSERT INTO tryton.account_move_reconciliation (id, name, date, company) VALUES (1, '1', current_date, 1);
UPDATE tryton.account_move_line SET reconciliation = 1 WHERE id IN (6, 10);
RESET ROLE;
SELECT recipe_t.check('tryton', 12, 'credit note reconciled with line 6: both settled', 'tryton.account_move_line',
                      '1 L1 pending 1000.00; 5 L6 pending 250.00', '1 1000.00; 5 250.00',
                      '21 - 1000.00/0.00/250.00/0.00/0.00 = 1250.00');

-- 13. the last 250 are paid; line 5 and both clearing lines are reconciled
SET ROLE erp_app;
INSERT INTO tryton.account_payment (id, company, journal, kind, party, date, amount, line, state)
VALUES (3, 1, 1, 'receivable', 21, current_date, 250, 5, 'succeeded');
INSERT INTO tryton.account_move (id, number, post_number, company, period, journal, date, origin, state)
VALUES (6, '6', 'PAY-0002', 1, 1, 3, current_date, 'account.payment,3', 'posted');
INSERT INTO tryton.account_move_line (id, move, account, party, debit, credit, maturity_date, state) VALUES
    (12, 6, 1, 21, 0, 250, NULL, 'valid'),
    (13, 6, 4, NULL, 250, 0, NULL, 'valid');
INSERT INTO tryton.account_move_reconciliation (id, name, date, company) VALUES (2, '2', current_date, 1);
UPDATE tryton.account_move_line SET reconciliation = 2 WHERE id IN (5, 8, 12);
RESET ROLE;
SELECT recipe_t.check('tryton', 13, 'line 5 paid and reconciled', 'tryton.account_move_line',
                      '1 L1 pending 1000.00', '1 1000.00', '21 - 1000.00/0.00/0.00/0.00/0.00 = 1000.00');

-- 14. a manual draft move for party 22: not owed yet
SET ROLE erp_app;
INSERT INTO tryton.account_move (id, number, company, period, journal, date, state)
VALUES (7, '7', 1, 1, 4, current_date, 'draft');
INSERT INTO tryton.account_move_line (id, move, account, party, debit, credit, maturity_date, state) VALUES
    (14, 7, 1, 22, 70, 0, current_date - 5, 'draft'),
    (15, 7, 2, NULL, 0, 70, NULL, 'draft');
RESET ROLE;
SELECT recipe_t.check('tryton', 14, 'draft move of party 22: nothing', 'tryton.account_move_line',
                      '1 L1 pending 1000.00', '1 1000.00', '21 - 1000.00/0.00/0.00/0.00/0.00 = 1000.00');

-- 15. the draft move is deleted (its lines go with it)
SET ROLE erp_app;
DELETE FROM tryton.account_move WHERE id = 7;
RESET ROLE;
SELECT recipe_t.check('tryton', 15, 'draft move deleted', 'tryton.account_move_line',
                      '1 L1 pending 1000.00', '1 1000.00', '21 - 1000.00/0.00/0.00/0.00/0.00 = 1000.00');

-- 16. an invoice of 70 for party 22, due in 10 days, posted
SET ROLE erp_app;
INSERT INTO tryton.account_move (id, number, post_number, company, period, journal, date, origin, state)
VALUES (8, '8', 'INV-0003', 1, 1, 1, current_date, 'account.invoice,5', 'posted');
INSERT INTO tryton.account_move_line (id, move, account, party, debit, credit, maturity_date, state) VALUES
    (16, 8, 1, 22, 70, 0, current_date + 10, 'valid'),
    (17, 8, 2, NULL, 0, 70, NULL, 'valid');
RESET ROLE;
SELECT recipe_t.check('tryton', 16, 'invoice of party 22 due in 10 days: level 2', 'tryton.account_move_line',
                      '1 L1 pending 1000.00; 16 L2 pending 70.00', '1 1000.00; 16 70.00',
                      '21 - 1000.00/0.00/0.00/0.00/0.00 = 1000.00; 22 - 70.00/0.00/0.00/0.00/0.00 = 70.00');

-- 17. its line is rescheduled in two instalments (Reschedule Lines: the old line is
--     reconciled with a counterpart, two new lines carry the new maturity dates)
SET ROLE erp_app;
INSERT INTO tryton.account_move (id, number, post_number, company, period, journal, date, origin, state)
VALUES (9, '9', 'RES-0001', 1, 1, 4, current_date, 'account.move.line,16', 'posted');
INSERT INTO tryton.account_move_reconciliation (id, name, date, company) VALUES (3, '3', current_date, 1);
INSERT INTO tryton.account_move_line (id, move, account, party, debit, credit, maturity_date, reconciliation, state) VALUES
    (18, 9, 1, 22, 0, 70, current_date + 10, 3, 'valid'),
    (19, 9, 1, 22, 35, 0, current_date + 20, NULL, 'valid'),
    (20, 9, 1, 22, 35, 0, current_date + 50, NULL, 'valid');
UPDATE tryton.account_move_line SET reconciliation = 3 WHERE id = 16;
RESET ROLE;
SELECT recipe_t.check('tryton', 17, 'rescheduled: two new instalments at level 1', 'tryton.account_move_line',
                      '1 L1 pending 1000.00; 19 L1 pending 35.00; 20 L1 pending 35.00', '1 1000.00; 19 35.00; 20 35.00',
                      '21 - 1000.00/0.00/0.00/0.00/0.00 = 1000.00; 22 - 70.00/0.00/0.00/0.00/0.00 = 70.00');

-- ---------------------------------------------------------------------
-- the application's role, the recipe evaluated by hand, the step count
-- ---------------------------------------------------------------------
SELECT is(has_table_privilege('erp_app', 'ar_credit.dunning_queue', 'SELECT,INSERT,UPDATE,DELETE'), false,
          'tryton: erp_app wrote every step without any privilege on ar_credit.dunning_queue');
SELECT is(pg_has_role('erp_app', 'ar_credit_writer', 'MEMBER'), false, 'tryton: erp_app is not an ar_credit role');
SELECT is((SELECT count(*) FROM (SELECT 1 FROM ar_credit.dunning_queue WHERE state IN ('pending', 'claimed', 'suspended')
                                  GROUP BY source, invoice_key HAVING count(*) > 1) AS d), 0::bigint,
          'tryton: at most one live reminder per invoice');
-- the recipe's expressions evaluated by hand over the final tables (the same
-- text as in the track() call): what the trigger must see for each receivable
SELECT results_eq($$
    SELECT id::text, maturity_date - current_date,
           debit - credit
           - coalesce((SELECT sum(p.amount) FROM tryton.account_payment AS p
                        WHERE p.line = account_move_line.id AND p.kind = 'receivable'
                          AND p.state IN ('processing', 'succeeded')), 0),
           recipe_t.class(CASE WHEN reconciliation IS NOT NULL THEN 'paid'
                               WHEN (SELECT m.state FROM tryton.account_move AS m
                                      WHERE m.id = account_move_line.move) <> 'posted' THEN 'draft'
                               WHEN EXISTS (SELECT 1 FROM tryton.account_dunning AS d
                                             WHERE d.line = account_move_line.id AND d.blocked) THEN 'on_hold'
                               ELSE 'open' END, NULL),
           party::text
      FROM tryton.account_move_line
     WHERE party IS NOT NULL
       AND EXISTS (SELECT 1 FROM tryton.account_account AS a
                     JOIN tryton.account_account_type AS t ON t.id = a.type
                    WHERE a.id = account_move_line.account AND t.receivable)
       AND NOT EXISTS (SELECT 1 FROM tryton.account_move AS m
                        WHERE m.id = account_move_line.move
                          AND m.origin LIKE 'account.payment,%')
     ORDER BY account_move_line.id$$,
    $$VALUES ('1', 30, 1000::numeric, 'open', '21'), ('5', -40, 0, 'closed', '21'), ('6', -10, 200, 'closed', '21'),
             ('10', 0, -200, 'closed', '21'), ('16', 10, 70, 'closed', '22'), ('18', 10, -70, 'closed', '22'),
             ('19', 20, 35, 'open', '22'), ('20', 50, 35, 'open', '22')$$,
    'tryton: the recipe''s key, due, amount (net of payments), status class and customer evaluated by hand: receivable lines only, no payable, revenue or clearing line');
SELECT is((SELECT count(*) FROM recipe_t.steps WHERE sys = 'tryton'), 17::bigint,
          'tryton: 17 lifecycle steps replayed, each checked against the queue, open_invoices and aging_report');

SELECT * FROM finish();
ROLLBACK;
