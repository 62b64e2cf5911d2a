\echo Use "CREATE EXTENSION ar_credit" to load this file. \quit
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
