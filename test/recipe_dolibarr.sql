--
-- pgTAP: the Dolibarr recipe (doc/recipes.md, "Dolibarr"), SPEC sections 6, 7 and 12.
--
-- Dolibarr keeps customer invoices, replacement invoices, credit notes and
-- deposit invoices in llx_facture (htdocs/install/mysql/tables/llx_facture.sql:
-- type 0 standard, 1 replacement, 2 credit note, 3 deposit, 5 situation;
-- fk_statut 0 draft, 1 validated, 2 paid/closed, 3 abandoned; paye; total_ttc;
-- date_lim_reglement), the payments' split per invoice in llx_paiement_facture
-- (llx_paiement_facture.sql) and credit notes turned into discounts in
-- llx_societe_remise_except (fk_facture: the invoice the discount was used on).
-- The types are those of Dolibarr's PostgreSQL driver (htdocs/core/db/
-- pgsql.class.php, convertSQLFromMysql: auto_increment = SERIAL, double =
-- numeric, datetime = timestamp).
--
-- The role erp_app owns the tables and makes every write, as Dolibarr would,
-- with no grant on any ar_credit object.  After every step of the lifecycle
-- the live reminders of the table, ar_credit.open_invoices and
-- ar_credit.aging_report are compared with what the step must leave behind
-- (descriptions "dolibarr step N: what: live {...}").  Dates are relative to
-- current_date.
--
-- Until the 0.3.0 track() (SPEC section 7: expressions, filter, status_map,
-- track_related) is installed, the track() calls and the checks are skipped;
-- the DDL and every step still run, so they are kept valid.
--
BEGIN;
CREATE EXTENSION ar_credit;
SET LOCAL search_path = public;
SET LOCAL datestyle = 'ISO, YMD';
SET LOCAL client_min_messages = warning;

SELECT plan(60);

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
-- Dolibarr 18+: llx_facture, llx_paiement, llx_paiement_facture,
-- llx_societe_remise_except (the columns that matter and a few others)
-- ---------------------------------------------------------------------
CREATE SCHEMA dolibarr;
CREATE TABLE dolibarr.llx_facture (
    rowid               SERIAL PRIMARY KEY,
    ref                 varchar(30) NOT NULL,
    entity              integer DEFAULT 1 NOT NULL,
    ref_client          varchar(255),
    type                smallint DEFAULT 0 NOT NULL,
    fk_soc              integer NOT NULL,
    datec               timestamp,
    datef               date,
    date_valid          date,
    tms                 timestamp without time zone DEFAULT now() NOT NULL,
    date_closing        timestamp,
    paye                smallint DEFAULT 0 NOT NULL,
    close_code          varchar(16),
    close_note          varchar(128),
    total_tva           numeric(24,8) DEFAULT 0,
    total_ht            numeric(24,8) DEFAULT 0,
    total_ttc           numeric(24,8) DEFAULT 0,
    fk_statut           smallint DEFAULT 0 NOT NULL,
    fk_user_author      integer,
    fk_user_valid       integer,
    fk_user_closing     integer,
    fk_facture_source   integer,
    fk_cond_reglement   integer DEFAULT 1 NOT NULL,
    fk_mode_reglement   integer,
    date_lim_reglement  date,
    note_private        text,
    note_public         text,
    multicurrency_code  varchar(3),
    multicurrency_tx    numeric(24,8) DEFAULT 1,
    multicurrency_total_ttc numeric(24,8) DEFAULT 0
);
CREATE TABLE dolibarr.llx_paiement (
    rowid               SERIAL PRIMARY KEY,
    ref                 varchar(30),
    entity              integer DEFAULT 1 NOT NULL,
    datec               timestamp,
    tms                 timestamp without time zone DEFAULT now() NOT NULL,
    datep               timestamp,
    amount              numeric(24,8) DEFAULT 0,
    fk_paiement         integer NOT NULL,
    num_paiement        varchar(50),
    note                text,
    fk_bank             integer DEFAULT 0 NOT NULL,
    statut              smallint DEFAULT 0 NOT NULL
);
CREATE TABLE dolibarr.llx_paiement_facture (
    rowid               SERIAL PRIMARY KEY,
    fk_paiement         integer,
    fk_facture          integer,
    amount              numeric(24,8) DEFAULT 0,
    multicurrency_code  varchar(3),
    multicurrency_tx    numeric(24,8) DEFAULT 1,
    multicurrency_amount numeric(24,8) DEFAULT 0
);
CREATE TABLE dolibarr.llx_societe_remise_except (
    rowid               SERIAL PRIMARY KEY,
    entity              integer DEFAULT 1 NOT NULL,
    fk_soc              integer NOT NULL,
    discount_type       integer DEFAULT 0 NOT NULL,
    datec               timestamp,
    amount_ht           numeric(24,8) NOT NULL,
    amount_tva          numeric(24,8) DEFAULT 0 NOT NULL,
    amount_ttc          numeric(24,8) DEFAULT 0 NOT NULL,
    tva_tx              numeric(7,4) DEFAULT 0 NOT NULL,
    fk_user             integer NOT NULL,
    fk_facture_line     integer,
    fk_facture          integer,
    fk_facture_source   integer,
    description         text NOT NULL
);
GRANT USAGE ON SCHEMA dolibarr TO erp_app;
ALTER TABLE dolibarr.llx_facture OWNER TO erp_app;
ALTER TABLE dolibarr.llx_paiement OWNER TO erp_app;
ALTER TABLE dolibarr.llx_paiement_facture OWNER TO erp_app;
ALTER TABLE dolibarr.llx_societe_remise_except OWNER TO erp_app;

-- the recipe (doc/recipes.md): the integer fk_statut mapped, what is left to
-- pay net of the payments and of the discounts used on the invoice, both
-- followed with track_related
SELECT CASE WHEN recipe_t.contract() THEN lives_ok($recipe$
    SELECT ar_credit.track('dolibarr.llx_facture',
        key_column      => 'rowid',
        due_column      => 'date_lim_reglement',
        amount_column   => $$total_ttc
                            - coalesce((SELECT sum(pf.amount) FROM dolibarr.llx_paiement_facture AS pf
                                         WHERE pf.fk_facture = llx_facture.rowid), 0)
                            - coalesce((SELECT sum(r.amount_ttc) FROM dolibarr.llx_societe_remise_except AS r
                                         WHERE r.fk_facture = llx_facture.rowid), 0)$$,
        status_column   => 'fk_statut',
        customer_column => 'fk_soc',
        filter          => $$type IN (0, 1, 2, 3, 5)$$,
        status_map      => '{"0": "draft", "1": "open", "2": "paid", "3": "cancelled"}',
        paid_on_column  => 'date_closing',
        issued_column   => 'datef')
    $recipe$, 'dolibarr: track llx_facture with the recipe')
    ELSE skip('dolibarr: track llx_facture: needs the 0.3.0 track() (SPEC section 7)', 1) END;
SELECT CASE WHEN recipe_t.contract() THEN lives_ok($recipe$
    SELECT ar_credit.track_related('dolibarr.llx_paiement_facture', 'dolibarr.llx_facture', 'fk_facture')
    $recipe$, 'dolibarr: llx_paiement_facture re-evaluates its invoice')
    ELSE skip('dolibarr: track_related llx_paiement_facture: needs the 0.3.0 track_related() (SPEC section 7)', 1) END;
SELECT CASE WHEN recipe_t.contract() THEN lives_ok($recipe$
    SELECT ar_credit.track_related('dolibarr.llx_societe_remise_except', 'dolibarr.llx_facture', 'fk_facture')
    $recipe$, 'dolibarr: llx_societe_remise_except re-evaluates the invoice a discount is used on')
    ELSE skip('dolibarr: track_related llx_societe_remise_except: needs the 0.3.0 track_related() (SPEC section 7)', 1) END;
SELECT CASE WHEN recipe_t.contract() THEN
            is((SELECT count(*) FROM ar_credit.tracked_table WHERE relid = 'dolibarr.llx_facture'::regclass), 1::bigint,
               'dolibarr: ar_credit.tracked_table keeps the mapping of llx_facture')
       ELSE skip('dolibarr: tracked_table row: needs the 0.3.0 track() (SPEC section 7)', 1) END;

-- ---------------------------------------------------------------------
-- the lifecycle, as Dolibarr writes it (thirdparties 11 and 12, EUR)
-- ---------------------------------------------------------------------
-- 1. a draft invoice
SET ROLE erp_app;
INSERT INTO dolibarr.llx_facture (rowid, ref, type, fk_soc, datec, datef, total_ht, total_tva, total_ttc, fk_statut,
                                  fk_user_author, fk_cond_reglement, date_lim_reglement, multicurrency_code)
VALUES (1, '(PROV1)', 0, 11, localtimestamp, current_date, 666.67, 133.33, 800, 0, 1, 2, current_date + 30, 'EUR');
RESET ROLE;
SELECT recipe_t.check('dolibarr', 1, 'draft invoice', 'dolibarr.llx_facture', 'none', 'none', 'none');

-- 2. validated, due in 30 days
SET ROLE erp_app;
UPDATE dolibarr.llx_facture SET ref = 'FA2612-0001', fk_statut = 1, date_valid = current_date, fk_user_valid = 1
 WHERE rowid = 1;
RESET ROLE;
SELECT recipe_t.check('dolibarr', 2, 'validated, due in 30 days: level 1', 'dolibarr.llx_facture',
                      '1 L1 pending 800.00', '1 800.00', '11 - 800.00/0.00/0.00/0.00/0.00 = 800.00');

-- 3. a payment of 300 on it (llx_paiement + llx_paiement_facture)
SET ROLE erp_app;
INSERT INTO dolibarr.llx_paiement (rowid, ref, datec, datep, amount, fk_paiement, num_paiement)
VALUES (1, 'PAY2612-0001', localtimestamp, localtimestamp, 300, 2, 'VIR-1');
INSERT INTO dolibarr.llx_paiement_facture (fk_paiement, fk_facture, amount, multicurrency_code, multicurrency_amount)
VALUES (1, 1, 300, 'EUR', 300);
RESET ROLE;
SELECT recipe_t.check('dolibarr', 3, 'payment of 300 on 800: live L1 amount 500.00', 'dolibarr.llx_facture',
                      '1 L1 pending 500.00', '1 500.00', '11 - 500.00/0.00/0.00/0.00/0.00 = 500.00');

-- 4. a second invoice, 40 days overdue, validated
SET ROLE erp_app;
INSERT INTO dolibarr.llx_facture (rowid, ref, type, fk_soc, datec, datef, date_valid, total_ttc, fk_statut,
                                  date_lim_reglement, multicurrency_code)
VALUES (2, 'FA2612-0002', 0, 11, localtimestamp - interval '70 days', current_date - 70, current_date - 70, 1200, 1,
        current_date - 40, 'EUR');
RESET ROLE;
SELECT recipe_t.check('dolibarr', 4, 'invoice 40 days overdue: level 5, the formal notice (catch-up)', 'dolibarr.llx_facture',
                      '1 L1 pending 500.00; 2 L5 pending 1200.00', '1 500.00; 2 1200.00',
                      '11 - 500.00/0.00/1200.00/0.00/0.00 = 1700.00');

-- 5. a worker sends the reminders due today (level 5 of invoice 2): level 6 queued
SELECT recipe_t.work() >= 0 AS worked \gset
SELECT recipe_t.check('dolibarr', 5, 'worker sent level 5: level 6 queued', 'dolibarr.llx_facture',
                      '1 L1 pending 500.00; 2 L6 pending 1200.00', '1 500.00; 2 1200.00',
                      '11 - 500.00/0.00/1200.00/0.00/0.00 = 1700.00');

-- 6. the rest of invoice 1 is paid; Dolibarr classifies it paid
SET ROLE erp_app;
INSERT INTO dolibarr.llx_paiement (rowid, ref, datec, datep, amount, fk_paiement, num_paiement)
VALUES (2, 'PAY2612-0002', localtimestamp, localtimestamp, 500, 2, 'VIR-2');
INSERT INTO dolibarr.llx_paiement_facture (fk_paiement, fk_facture, amount) VALUES (2, 1, 500);
UPDATE dolibarr.llx_facture SET paye = 1, fk_statut = 2, date_closing = localtimestamp, fk_user_closing = 1 WHERE rowid = 1;
RESET ROLE;
SELECT recipe_t.check('dolibarr', 6, 'invoice 1 paid in full', 'dolibarr.llx_facture',
                      '2 L6 pending 1200.00', '2 1200.00', '11 - 0.00/0.00/1200.00/0.00/0.00 = 1200.00');

-- 7. a credit note (type 2) on invoice 2, validated: a credit, never dunned
SET ROLE erp_app;
INSERT INTO dolibarr.llx_facture (rowid, ref, type, fk_soc, datef, date_valid, total_ttc, fk_statut, fk_facture_source,
                                  date_lim_reglement, multicurrency_code)
VALUES (3, 'AV2612-0001', 2, 11, current_date, current_date, -200, 1, 2, current_date, 'EUR');
RESET ROLE;
SELECT recipe_t.check('dolibarr', 7, 'credit note of 200 validated: a credit of -200.00', 'dolibarr.llx_facture',
                      '2 L6 pending 1200.00', '2 1200.00; 3 -200.00', '11 - -200.00/0.00/1200.00/0.00/0.00 = 1000.00');

-- 8. the credit note is turned into an available discount (and closed)
SET ROLE erp_app;
INSERT INTO dolibarr.llx_societe_remise_except (rowid, fk_soc, datec, amount_ht, amount_tva, amount_ttc, tva_tx, fk_user,
                                                fk_facture_source, description)
VALUES (1, 11, localtimestamp, 166.67, 33.33, 200, 20, 1, 3, '(CREDIT_NOTE)');
UPDATE dolibarr.llx_facture SET paye = 1, fk_statut = 2 WHERE rowid = 3;
RESET ROLE;
SELECT recipe_t.check('dolibarr', 8, 'credit note converted into a discount', 'dolibarr.llx_facture',
                      '2 L6 pending 1200.00', '2 1200.00', '11 - 0.00/0.00/1200.00/0.00/0.00 = 1200.00');

-- 9. the discount is used on invoice 2
SET ROLE erp_app;
UPDATE dolibarr.llx_societe_remise_except SET fk_facture = 2 WHERE rowid = 1;
RESET ROLE;
SELECT recipe_t.check('dolibarr', 9, 'discount of 200 used on invoice 2: 1000.00 left', 'dolibarr.llx_facture',
                      '2 L6 pending 1000.00', '2 1000.00', '11 - 0.00/0.00/1000.00/0.00/0.00 = 1000.00');

-- 10. a payment of 400 on invoice 2
SET ROLE erp_app;
INSERT INTO dolibarr.llx_paiement (rowid, ref, datec, datep, amount, fk_paiement, num_paiement)
VALUES (3, 'PAY2612-0003', localtimestamp, localtimestamp, 400, 7, 'CHQ-1');
INSERT INTO dolibarr.llx_paiement_facture (fk_paiement, fk_facture, amount) VALUES (3, 2, 400);
RESET ROLE;
SELECT recipe_t.check('dolibarr', 10, 'payment of 400: 600.00 left', 'dolibarr.llx_facture',
                      '2 L6 pending 600.00', '2 600.00', '11 - 0.00/0.00/600.00/0.00/0.00 = 600.00');

-- 11. the cheque bounced: the payment is deleted
SET ROLE erp_app;
DELETE FROM dolibarr.llx_paiement_facture WHERE fk_paiement = 3;
DELETE FROM dolibarr.llx_paiement WHERE rowid = 3;
RESET ROLE;
SELECT recipe_t.check('dolibarr', 11, 'payment deleted: 1000.00 again', 'dolibarr.llx_facture',
                      '2 L6 pending 1000.00', '2 1000.00', '11 - 0.00/0.00/1000.00/0.00/0.00 = 1000.00');

-- 12. a deposit invoice (type 3) for thirdparty 12, due in 10 days
SET ROLE erp_app;
INSERT INTO dolibarr.llx_facture (rowid, ref, type, fk_soc, datef, date_valid, total_ttc, fk_statut, date_lim_reglement,
                                  multicurrency_code)
VALUES (4, 'FA2612-0003', 3, 12, current_date, current_date, 250, 1, current_date + 10, 'EUR');
RESET ROLE;
SELECT recipe_t.check('dolibarr', 12, 'deposit invoice due in 10 days: level 2', 'dolibarr.llx_facture',
                      '2 L6 pending 1000.00; 4 L2 pending 250.00', '2 1000.00; 4 250.00',
                      '11 - 0.00/0.00/1000.00/0.00/0.00 = 1000.00; 12 - 250.00/0.00/0.00/0.00/0.00 = 250.00');

-- 13. it is abandoned (fk_statut 3)
SET ROLE erp_app;
UPDATE dolibarr.llx_facture SET fk_statut = 3, close_code = 'abandon', close_note = 'order cancelled',
                                date_closing = localtimestamp WHERE rowid = 4;
RESET ROLE;
SELECT recipe_t.check('dolibarr', 13, 'abandoned: settled', 'dolibarr.llx_facture',
                      '2 L6 pending 1000.00', '2 1000.00', '11 - 0.00/0.00/1000.00/0.00/0.00 = 1000.00');

-- 14. reopened
SET ROLE erp_app;
UPDATE dolibarr.llx_facture SET fk_statut = 1, close_code = NULL, close_note = NULL, date_closing = NULL WHERE rowid = 4;
RESET ROLE;
SELECT recipe_t.check('dolibarr', 14, 'reopened: level 2 again', 'dolibarr.llx_facture',
                      '2 L6 pending 1000.00; 4 L2 pending 250.00', '2 1000.00; 4 250.00',
                      '11 - 0.00/0.00/1000.00/0.00/0.00 = 1000.00; 12 - 250.00/0.00/0.00/0.00/0.00 = 250.00');

-- 15. a draft for thirdparty 12 is created and deleted
SET ROLE erp_app;
INSERT INTO dolibarr.llx_facture (rowid, ref, type, fk_soc, datef, total_ttc, fk_statut, date_lim_reglement)
VALUES (5, '(PROV5)', 0, 12, current_date, 75, 0, current_date - 5);
DELETE FROM dolibarr.llx_facture WHERE rowid = 5;
RESET ROLE;
SELECT recipe_t.check('dolibarr', 15, 'draft created and deleted', 'dolibarr.llx_facture',
                      '2 L6 pending 1000.00; 4 L2 pending 250.00', '2 1000.00; 4 250.00',
                      '11 - 0.00/0.00/1000.00/0.00/0.00 = 1000.00; 12 - 250.00/0.00/0.00/0.00/0.00 = 250.00');

-- 16. invoice 2 classified paid with the rest left as a discount (close_code discount_vat)
SET ROLE erp_app;
UPDATE dolibarr.llx_facture SET paye = 1, fk_statut = 2, close_code = 'discount_vat', date_closing = localtimestamp
 WHERE rowid = 2;
RESET ROLE;
SELECT recipe_t.check('dolibarr', 16, 'invoice 2 classified paid: settled', 'dolibarr.llx_facture',
                      '4 L2 pending 250.00', '4 250.00', '12 - 250.00/0.00/0.00/0.00/0.00 = 250.00');

-- 17. the deposit invoice is paid, then classified paid
SET ROLE erp_app;
INSERT INTO dolibarr.llx_paiement (rowid, ref, datec, datep, amount, fk_paiement, num_paiement)
VALUES (4, 'PAY2612-0004', localtimestamp, localtimestamp, 250, 2, 'VIR-3');
INSERT INTO dolibarr.llx_paiement_facture (fk_paiement, fk_facture, amount) VALUES (4, 4, 250);
UPDATE dolibarr.llx_facture SET paye = 1, fk_statut = 2, date_closing = localtimestamp WHERE rowid = 4;
RESET ROLE;
SELECT recipe_t.check('dolibarr', 17, 'deposit invoice paid: nothing left', 'dolibarr.llx_facture', 'none', 'none', 'none');

-- ---------------------------------------------------------------------
-- the application's role, the recipe evaluated by hand, the step count
-- ---------------------------------------------------------------------
SELECT is(has_table_privilege('erp_app', 'ar_credit.dunning_queue', 'SELECT,INSERT,UPDATE,DELETE'), false,
          'dolibarr: erp_app wrote every step without any privilege on ar_credit.dunning_queue');
SELECT is(pg_has_role('erp_app', 'ar_credit_writer', 'MEMBER'), false, 'dolibarr: erp_app is not an ar_credit role');
SELECT is((SELECT count(*) FROM (SELECT 1 FROM ar_credit.dunning_queue WHERE state IN ('pending', 'claimed', 'suspended')
                                  GROUP BY source, invoice_key HAVING count(*) > 1) AS d), 0::bigint,
          'dolibarr: at most one live reminder per invoice');
-- the recipe's expressions evaluated by hand over the final tables (the same
-- text as in the track() call): what the trigger must see for each receivable
SELECT results_eq($$
    SELECT rowid::text, date_lim_reglement - current_date,
           total_ttc
           - coalesce((SELECT sum(pf.amount) FROM dolibarr.llx_paiement_facture AS pf
                        WHERE pf.fk_facture = llx_facture.rowid), 0)
           - coalesce((SELECT sum(r.amount_ttc) FROM dolibarr.llx_societe_remise_except AS r
                        WHERE r.fk_facture = llx_facture.rowid), 0),
           recipe_t.class(fk_statut::text, '{"0": "draft", "1": "open", "2": "paid", "3": "cancelled"}'),
           fk_soc::text
      FROM dolibarr.llx_facture
     WHERE type IN (0, 1, 2, 3, 5)
     ORDER BY llx_facture.rowid$$,
    $$VALUES ('1', 30, 0::numeric, 'closed', '11'), ('2', -40, 1000, 'closed', '11'),
             ('3', 0, -200, 'closed', '11'), ('4', 10, 0, 'closed', '12')$$,
    'dolibarr: the recipe''s key, due, amount (net of payments and discounts used), status class and customer evaluated by hand');
SELECT is((SELECT count(*) FROM recipe_t.steps WHERE sys = 'dolibarr'), 17::bigint,
          'dolibarr: 17 lifecycle steps replayed, each checked against the queue, open_invoices and aging_report');

SELECT * FROM finish();
ROLLBACK;
