\echo Use "CREATE EXTENSION ar_credit" to load this file. \quit

-- ===== scripts/00_schema.sql =====
-- ar_credit install script, section 00: the schema and its privileges.
--
-- CREATE EXTENSION creates schema ar_credit (ar_credit.control). Every
-- reference below and in the later sections is schema-qualified; functions
-- that run SQL pin search_path. Pure functions keep the default EXECUTE
-- grant to PUBLIC; tables, the queue and the roles' rights are granted
-- explicitly by their own sections.

COMMENT ON SCHEMA ar_credit IS 'ar_credit: accounts-receivable credit management (payment terms, aging, scores, late interest, dunning)';
REVOKE ALL ON SCHEMA ar_credit FROM PUBLIC;
GRANT USAGE ON SCHEMA ar_credit TO PUBLIC;

-- Configuration tables (credit_policy, reference_rate, interest_regime,
-- dunning_step) ship rows with shipped = true; pg_dump keeps only the rows
-- users write (pg_extension_config_dump ... 'WHERE NOT shipped').
CREATE FUNCTION ar_credit.config_row_user_owned()
RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    cond text := 'shipped';
BEGIN
    -- a row written by a user is the user's: dumped, and it replaces a shipped
    -- row with the same key (this is what makes pg_restore work); the
    -- trigger arguments name the key columns
    NEW.shipped := false;
    IF TG_OP = 'INSERT' THEN
        FOR i IN 0 .. TG_NARGS - 1 LOOP
            cond := cond || format(' AND %I = ($1).%I', TG_ARGV[i], TG_ARGV[i]);
        END LOOP;
        EXECUTE format('DELETE FROM %I.%I WHERE %s', TG_TABLE_SCHEMA, TG_TABLE_NAME, cond)
          USING NEW;
    END IF;
    RETURN NEW;
END
$$;
COMMENT ON FUNCTION ar_credit.config_row_user_owned() IS
    'trigger of configuration tables: rows written by users are not shipped rows';


-- statement trigger of the configuration tables backends cache
CREATE FUNCTION ar_credit.config_cache_invalidate()
RETURNS trigger AS 'MODULE_PATHNAME', 'ar_config_cache_invalidate'
LANGUAGE C;
COMMENT ON FUNCTION ar_credit.config_cache_invalidate() IS
    'statement trigger of reference_rate, interest_regime and dunning_step: invalidates every backend''s cache of them';

-- ===== scripts/10_terms.sql =====
-- ar_credit install script, section 10: payment terms (SPEC section 1).
--
-- ar_credit.payment_terms is a varlena holding the parsed terms; text input
-- accepts English, French and Business Central-style formulas, text output is
-- the canonical formula. Ordering: max_term_days, then canonical text.

CREATE TYPE ar_credit.payment_terms;

CREATE FUNCTION ar_credit.payment_terms_in(pg_catalog.cstring)
RETURNS ar_credit.payment_terms
AS 'MODULE_PATHNAME', 'payment_terms_in'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION ar_credit.payment_terms_out(ar_credit.payment_terms)
RETURNS pg_catalog.cstring
AS 'MODULE_PATHNAME', 'payment_terms_out'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION ar_credit.payment_terms_recv(pg_catalog.internal)
RETURNS ar_credit.payment_terms
AS 'MODULE_PATHNAME', 'payment_terms_recv'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION ar_credit.payment_terms_send(ar_credit.payment_terms)
RETURNS pg_catalog.bytea
AS 'MODULE_PATHNAME', 'payment_terms_send'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE ar_credit.payment_terms (
    INPUT = ar_credit.payment_terms_in,
    OUTPUT = ar_credit.payment_terms_out,
    RECEIVE = ar_credit.payment_terms_recv,
    SEND = ar_credit.payment_terms_send,
    INTERNALLENGTH = VARIABLE,
    STORAGE = extended,
    ALIGNMENT = int4
);
COMMENT ON TYPE ar_credit.payment_terms IS
    'payment terms: due-date formula steps (nD nW nM nQ nY, CW CM CQ CY, Dn), instalments and an early-payment discount; input in English, French or formula text';

-- comparison support
CREATE FUNCTION ar_credit.payment_terms_eq(ar_credit.payment_terms, ar_credit.payment_terms)
RETURNS pg_catalog.bool AS 'MODULE_PATHNAME', 'payment_terms_eq'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION ar_credit.payment_terms_ne(ar_credit.payment_terms, ar_credit.payment_terms)
RETURNS pg_catalog.bool AS 'MODULE_PATHNAME', 'payment_terms_ne'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE FUNCTION ar_credit.payment_terms_lt(ar_credit.payment_terms, ar_credit.payment_terms)
RETURNS pg_catalog.bool AS 'MODULE_PATHNAME', 'payment_terms_lt'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION ar_credit.payment_terms_le(ar_credit.payment_terms, ar_credit.payment_terms)
RETURNS pg_catalog.bool AS 'MODULE_PATHNAME', 'payment_terms_le'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION ar_credit.payment_terms_gt(ar_credit.payment_terms, ar_credit.payment_terms)
RETURNS pg_catalog.bool AS 'MODULE_PATHNAME', 'payment_terms_gt'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION ar_credit.payment_terms_ge(ar_credit.payment_terms, ar_credit.payment_terms)
RETURNS pg_catalog.bool AS 'MODULE_PATHNAME', 'payment_terms_ge'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION ar_credit.payment_terms_cmp(ar_credit.payment_terms, ar_credit.payment_terms)
RETURNS pg_catalog.int4 AS 'MODULE_PATHNAME', 'payment_terms_cmp'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION ar_credit.payment_terms_hash(ar_credit.payment_terms)
RETURNS pg_catalog.int4 AS 'MODULE_PATHNAME', 'payment_terms_hash'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION ar_credit.payment_terms_hash_extended(ar_credit.payment_terms, pg_catalog.int8)
RETURNS pg_catalog.int8 AS 'MODULE_PATHNAME', 'payment_terms_hash_extended'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE OPERATOR ar_credit.= (
    LEFTARG = ar_credit.payment_terms, RIGHTARG = ar_credit.payment_terms,
    PROCEDURE = ar_credit.payment_terms_eq,
    COMMUTATOR = OPERATOR(ar_credit.=), NEGATOR = OPERATOR(ar_credit.<>),
    RESTRICT = pg_catalog.eqsel, JOIN = pg_catalog.eqjoinsel, HASHES, MERGES
);
CREATE OPERATOR ar_credit.<> (
    LEFTARG = ar_credit.payment_terms, RIGHTARG = ar_credit.payment_terms,
    PROCEDURE = ar_credit.payment_terms_ne,
    COMMUTATOR = OPERATOR(ar_credit.<>), NEGATOR = OPERATOR(ar_credit.=),
    RESTRICT = pg_catalog.neqsel, JOIN = pg_catalog.neqjoinsel
);
CREATE OPERATOR ar_credit.< (
    LEFTARG = ar_credit.payment_terms, RIGHTARG = ar_credit.payment_terms,
    PROCEDURE = ar_credit.payment_terms_lt,
    COMMUTATOR = OPERATOR(ar_credit.>), NEGATOR = OPERATOR(ar_credit.>=),
    RESTRICT = pg_catalog.scalarltsel, JOIN = pg_catalog.scalarltjoinsel
);
CREATE OPERATOR ar_credit.<= (
    LEFTARG = ar_credit.payment_terms, RIGHTARG = ar_credit.payment_terms,
    PROCEDURE = ar_credit.payment_terms_le,
    COMMUTATOR = OPERATOR(ar_credit.>=), NEGATOR = OPERATOR(ar_credit.>),
    RESTRICT = pg_catalog.scalarlesel, JOIN = pg_catalog.scalarlejoinsel
);
CREATE OPERATOR ar_credit.> (
    LEFTARG = ar_credit.payment_terms, RIGHTARG = ar_credit.payment_terms,
    PROCEDURE = ar_credit.payment_terms_gt,
    COMMUTATOR = OPERATOR(ar_credit.<), NEGATOR = OPERATOR(ar_credit.<=),
    RESTRICT = pg_catalog.scalargtsel, JOIN = pg_catalog.scalargtjoinsel
);
CREATE OPERATOR ar_credit.>= (
    LEFTARG = ar_credit.payment_terms, RIGHTARG = ar_credit.payment_terms,
    PROCEDURE = ar_credit.payment_terms_ge,
    COMMUTATOR = OPERATOR(ar_credit.<=), NEGATOR = OPERATOR(ar_credit.<),
    RESTRICT = pg_catalog.scalargesel, JOIN = pg_catalog.scalargejoinsel
);

CREATE OPERATOR CLASS ar_credit.payment_terms_ops
DEFAULT FOR TYPE ar_credit.payment_terms USING btree AS
    OPERATOR 1 ar_credit.< ,
    OPERATOR 2 ar_credit.<= ,
    OPERATOR 3 ar_credit.= ,
    OPERATOR 4 ar_credit.>= ,
    OPERATOR 5 ar_credit.> ,
    FUNCTION 1 ar_credit.payment_terms_cmp(ar_credit.payment_terms, ar_credit.payment_terms);

CREATE OPERATOR CLASS ar_credit.payment_terms_hash_ops
DEFAULT FOR TYPE ar_credit.payment_terms USING hash AS
    OPERATOR 1 ar_credit.= ,
    FUNCTION 1 ar_credit.payment_terms_hash(ar_credit.payment_terms),
    FUNCTION 2 ar_credit.payment_terms_hash_extended(ar_credit.payment_terms, pg_catalog.int8);

-- functions of SPEC section 1
CREATE FUNCTION ar_credit.due_date(terms ar_credit.payment_terms, invoice_date pg_catalog.date)
RETURNS pg_catalog.date
AS 'MODULE_PATHNAME', 'payment_terms_due_date'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ar_credit.due_date(ar_credit.payment_terms, pg_catalog.date) IS
    'due date of the last instalment for an invoice dated invoice_date';

CREATE FUNCTION ar_credit.discount_date(terms ar_credit.payment_terms, invoice_date pg_catalog.date)
RETURNS pg_catalog.date
AS 'MODULE_PATHNAME', 'payment_terms_discount_date'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ar_credit.discount_date(ar_credit.payment_terms, pg_catalog.date) IS
    'last day on which the early-payment discount applies; NULL when the terms have no discount';

CREATE FUNCTION ar_credit.discount_amount(terms ar_credit.payment_terms, amount pg_catalog.numeric,
                                          invoice_date pg_catalog.date, paid_on pg_catalog.date)
RETURNS pg_catalog.numeric
AS 'MODULE_PATHNAME', 'payment_terms_discount_amount'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ar_credit.discount_amount(ar_credit.payment_terms, pg_catalog.numeric, pg_catalog.date, pg_catalog.date) IS
    'early-payment discount earned by paying on paid_on (rounded half away from zero to cents); 0 when paid after the discount date or when there is none';

CREATE FUNCTION ar_credit.installments(terms ar_credit.payment_terms, invoice_date pg_catalog.date,
                                       amount pg_catalog.numeric,
                                       OUT seq pg_catalog.int4, OUT due_date pg_catalog.date,
                                       OUT amount pg_catalog.numeric)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'payment_terms_installments'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 3;
COMMENT ON FUNCTION ar_credit.installments(ar_credit.payment_terms, pg_catalog.date, pg_catalog.numeric) IS
    'instalment schedule: each share rounded to cents, the last instalment takes the remainder';

CREATE FUNCTION ar_credit.describe(terms ar_credit.payment_terms, lang pg_catalog.text DEFAULT 'en')
RETURNS pg_catalog.text
AS 'MODULE_PATHNAME', 'payment_terms_describe'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ar_credit.describe(ar_credit.payment_terms, pg_catalog.text) IS
    'the terms in words for invoices, in English (en) or French (fr); the words parse back to the same terms';

CREATE FUNCTION ar_credit.max_term_days(terms ar_credit.payment_terms)
RETURNS pg_catalog.int4
AS 'MODULE_PATHNAME', 'payment_terms_max_term_days'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ar_credit.max_term_days(ar_credit.payment_terms) IS
    'worst case of due_date(terms, d) - d over every invoice date d';

CREATE FUNCTION ar_credit.terms_violations(terms ar_credit.payment_terms, regime pg_catalog.text DEFAULT 'FR')
RETURNS pg_catalog.text[]
AS 'MODULE_PATHNAME', 'payment_terms_violations'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ar_credit.terms_violations(ar_credit.payment_terms, pg_catalog.text) IS
    'legal limits the terms break under regime FR (L441-10 C. com.), FR_PERIODIC, EU_B2B, EU_PUBLIC or FR_PUBLIC; empty when compliant';

-- min() and max() over terms (e.g. the longest terms granted to a customer)
CREATE FUNCTION ar_credit.payment_terms_smaller(ar_credit.payment_terms, ar_credit.payment_terms)
RETURNS ar_credit.payment_terms AS 'MODULE_PATHNAME', 'payment_terms_smaller'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION ar_credit.payment_terms_larger(ar_credit.payment_terms, ar_credit.payment_terms)
RETURNS ar_credit.payment_terms AS 'MODULE_PATHNAME', 'payment_terms_larger'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE AGGREGATE ar_credit.min(ar_credit.payment_terms) (
    SFUNC = ar_credit.payment_terms_smaller,
    STYPE = ar_credit.payment_terms,
    COMBINEFUNC = ar_credit.payment_terms_smaller,
    SORTOP = OPERATOR(ar_credit.<),
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE ar_credit.min(ar_credit.payment_terms) IS 'shortest payment terms (by max_term_days, then canonical text)';

CREATE AGGREGATE ar_credit.max(ar_credit.payment_terms) (
    SFUNC = ar_credit.payment_terms_larger,
    STYPE = ar_credit.payment_terms,
    COMBINEFUNC = ar_credit.payment_terms_larger,
    SORTOP = OPERATOR(ar_credit.>),
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE ar_credit.max(ar_credit.payment_terms) IS 'longest payment terms (by max_term_days, then canonical text)';

-- ===== scripts/20_aging.sql =====
-- ar_credit install script, section 20: aging buckets and collection KPIs
-- (SPEC section 2). Aggregates sum money with PostgreSQL's own numeric
-- accumulator and have combine/serialize/deserialize functions, so parallel
-- query can use them.

CREATE FUNCTION ar_credit.days_past_due(due pg_catalog.date, as_of pg_catalog.date)
RETURNS pg_catalog.int4
AS 'MODULE_PATHNAME', 'aging_days_past_due'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ar_credit.days_past_due(pg_catalog.date, pg_catalog.date) IS
    'as_of - due: days past due, negative before the due date';

CREATE FUNCTION ar_credit.aging_bucket(due pg_catalog.date, as_of pg_catalog.date,
                                       bounds pg_catalog.int4[] DEFAULT '{30,60,90}')
RETURNS pg_catalog.text
AS 'MODULE_PATHNAME', 'aging_bucket'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ar_credit.aging_bucket(pg_catalog.date, pg_catalog.date, pg_catalog.int4[]) IS
    'aging bucket label: current (not yet due), 1-30, 31-60, 61-90, >90 for the default bounds';

CREATE FUNCTION ar_credit.aging_bucket_no(due pg_catalog.date, as_of pg_catalog.date,
                                          bounds pg_catalog.int4[] DEFAULT '{30,60,90}')
RETURNS pg_catalog.int4
AS 'MODULE_PATHNAME', 'aging_bucket_no'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ar_credit.aging_bucket_no(pg_catalog.date, pg_catalog.date, pg_catalog.int4[]) IS
    'aging bucket number: 0 = current, 1 .. cardinality(bounds) + 1';

-- aging(amount, due, as_of [, bounds]) -> numeric[]
CREATE FUNCTION ar_credit.aging_transfn(pg_catalog.internal, pg_catalog.numeric, pg_catalog.date,
                                        pg_catalog.date, pg_catalog.int4[])
RETURNS pg_catalog.internal AS 'MODULE_PATHNAME', 'aging_transfn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION ar_credit.aging_transfn(pg_catalog.internal, pg_catalog.numeric, pg_catalog.date,
                                        pg_catalog.date)
RETURNS pg_catalog.internal AS 'MODULE_PATHNAME', 'aging_transfn_default'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION ar_credit.aging_finalfn(pg_catalog.internal)
RETURNS pg_catalog.numeric[] AS 'MODULE_PATHNAME', 'aging_finalfn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION ar_credit.aging_combinefn(pg_catalog.internal, pg_catalog.internal)
RETURNS pg_catalog.internal AS 'MODULE_PATHNAME', 'aging_combinefn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION ar_credit.aging_serialfn(pg_catalog.internal)
RETURNS pg_catalog.bytea AS 'MODULE_PATHNAME', 'aging_serialfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION ar_credit.aging_deserialfn(pg_catalog.bytea, pg_catalog.internal)
RETURNS pg_catalog.internal AS 'MODULE_PATHNAME', 'aging_deserialfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE AGGREGATE ar_credit.aging(amount pg_catalog.numeric, due pg_catalog.date, as_of pg_catalog.date,
                                 bounds pg_catalog.int4[]) (
    SFUNC = ar_credit.aging_transfn,
    STYPE = pg_catalog.internal,
    FINALFUNC = ar_credit.aging_finalfn,
    COMBINEFUNC = ar_credit.aging_combinefn,
    SERIALFUNC = ar_credit.aging_serialfn,
    DESERIALFUNC = ar_credit.aging_deserialfn,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE ar_credit.aging(pg_catalog.numeric, pg_catalog.date, pg_catalog.date, pg_catalog.int4[]) IS
    'amount per aging bucket: {current, up to bounds[1], ..., beyond the last bound}; NULL rows skipped, NULL without rows';

CREATE AGGREGATE ar_credit.aging(amount pg_catalog.numeric, due pg_catalog.date, as_of pg_catalog.date) (
    SFUNC = ar_credit.aging_transfn,
    STYPE = pg_catalog.internal,
    FINALFUNC = ar_credit.aging_finalfn,
    COMBINEFUNC = ar_credit.aging_combinefn,
    SERIALFUNC = ar_credit.aging_serialfn,
    DESERIALFUNC = ar_credit.aging_deserialfn,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE ar_credit.aging(pg_catalog.numeric, pg_catalog.date, pg_catalog.date) IS
    'amount per aging bucket {current, 1-30, 31-60, 61-90, >90}; NULL rows skipped, NULL without rows';

-- collection KPIs
CREATE FUNCTION ar_credit.kpi_beyond_terms_transfn(pg_catalog.internal, pg_catalog.numeric, pg_catalog.int4)
RETURNS pg_catalog.internal AS 'MODULE_PATHNAME', 'kpi_beyond_terms_transfn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION ar_credit.kpi_signed_days_transfn(pg_catalog.internal, pg_catalog.numeric, pg_catalog.int4)
RETURNS pg_catalog.internal AS 'MODULE_PATHNAME', 'kpi_signed_days_transfn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION ar_credit.kpi_avg_days_finalfn(pg_catalog.internal)
RETURNS pg_catalog.numeric AS 'MODULE_PATHNAME', 'kpi_avg_days_finalfn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION ar_credit.kpi_paydex_finalfn(pg_catalog.internal)
RETURNS pg_catalog.int4 AS 'MODULE_PATHNAME', 'kpi_paydex_finalfn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION ar_credit.kpi_combinefn(pg_catalog.internal, pg_catalog.internal)
RETURNS pg_catalog.internal AS 'MODULE_PATHNAME', 'kpi_combinefn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION ar_credit.kpi_serialfn(pg_catalog.internal)
RETURNS pg_catalog.bytea AS 'MODULE_PATHNAME', 'kpi_serialfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION ar_credit.kpi_deserialfn(pg_catalog.bytea, pg_catalog.internal)
RETURNS pg_catalog.internal AS 'MODULE_PATHNAME', 'kpi_deserialfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE AGGREGATE ar_credit.avg_days_beyond_terms(amount pg_catalog.numeric, days_late pg_catalog.int4) (
    SFUNC = ar_credit.kpi_beyond_terms_transfn,
    STYPE = pg_catalog.internal,
    FINALFUNC = ar_credit.kpi_avg_days_finalfn,
    COMBINEFUNC = ar_credit.kpi_combinefn,
    SERIALFUNC = ar_credit.kpi_serialfn,
    DESERIALFUNC = ar_credit.kpi_deserialfn,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE ar_credit.avg_days_beyond_terms(pg_catalog.numeric, pg_catalog.int4) IS
    'amount-weighted average days beyond terms (early payments count as 0), 2 decimals; rows with amount <= 0 ignored';

CREATE AGGREGATE ar_credit.paydex(amount pg_catalog.numeric, days_late pg_catalog.int4) (
    SFUNC = ar_credit.kpi_signed_days_transfn,
    STYPE = pg_catalog.internal,
    FINALFUNC = ar_credit.kpi_paydex_finalfn,
    COMBINEFUNC = ar_credit.kpi_combinefn,
    SERIALFUNC = ar_credit.kpi_serialfn,
    DESERIALFUNC = ar_credit.kpi_deserialfn,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE ar_credit.paydex(pg_catalog.numeric, pg_catalog.int4) IS
    'payment index 1-100 from amount-weighted days late: 100 = 30 days early, 80 = on time, 50 = 30 late, 20 = 120+ late';

CREATE FUNCTION ar_credit.dso(receivables pg_catalog.numeric, credit_sales pg_catalog.numeric,
                              period_days pg_catalog.int4)
RETURNS pg_catalog.numeric
AS 'MODULE_PATHNAME', 'kpi_dso'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ar_credit.dso(pg_catalog.numeric, pg_catalog.numeric, pg_catalog.int4) IS
    'days sales outstanding = receivables / credit_sales x period_days, 2 decimals';

CREATE FUNCTION ar_credit.cei(begin_receivables pg_catalog.numeric, credit_sales pg_catalog.numeric,
                              end_receivables pg_catalog.numeric, end_current_receivables pg_catalog.numeric)
RETURNS pg_catalog.numeric
AS 'MODULE_PATHNAME', 'kpi_cei'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ar_credit.cei(pg_catalog.numeric, pg_catalog.numeric, pg_catalog.numeric, pg_catalog.numeric) IS
    'collection effectiveness index in percent, 2 decimals';

-- ===== scripts/30_scores.sql =====
-- ar_credit install script, section 30: solvency scores, risk classes and the
-- credit policy (SPEC section 3). Coefficients, cut-offs and their sources are
-- in src/scores.c.

CREATE FUNCTION ar_credit.altman_z(working_capital pg_catalog.numeric, retained_earnings pg_catalog.numeric,
                                   ebit pg_catalog.numeric, market_value_equity pg_catalog.numeric,
                                   sales pg_catalog.numeric, total_assets pg_catalog.numeric,
                                   total_liabilities pg_catalog.numeric)
RETURNS pg_catalog.numeric AS 'MODULE_PATHNAME', 'scores_altman_z'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ar_credit.altman_z(pg_catalog.numeric, pg_catalog.numeric, pg_catalog.numeric, pg_catalog.numeric, pg_catalog.numeric, pg_catalog.numeric, pg_catalog.numeric) IS
    'Altman Z (1968, public manufacturers): 1.2 X1 + 1.4 X2 + 3.3 X3 + 0.6 X4 + 1.0 X5, 4 decimals';

CREATE FUNCTION ar_credit.altman_z_prime(working_capital pg_catalog.numeric, retained_earnings pg_catalog.numeric,
                                         ebit pg_catalog.numeric, book_value_equity pg_catalog.numeric,
                                         sales pg_catalog.numeric, total_assets pg_catalog.numeric,
                                         total_liabilities pg_catalog.numeric)
RETURNS pg_catalog.numeric AS 'MODULE_PATHNAME', 'scores_altman_z_prime'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ar_credit.altman_z_prime(pg_catalog.numeric, pg_catalog.numeric, pg_catalog.numeric, pg_catalog.numeric, pg_catalog.numeric, pg_catalog.numeric, pg_catalog.numeric) IS
    'Altman Z'' (1983, private firms): 0.717 X1 + 0.847 X2 + 3.107 X3 + 0.420 X4 + 0.998 X5, 4 decimals';

CREATE FUNCTION ar_credit.altman_z_double_prime(working_capital pg_catalog.numeric, retained_earnings pg_catalog.numeric,
                                                ebit pg_catalog.numeric, book_value_equity pg_catalog.numeric,
                                                total_assets pg_catalog.numeric, total_liabilities pg_catalog.numeric)
RETURNS pg_catalog.numeric AS 'MODULE_PATHNAME', 'scores_altman_z_double_prime'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ar_credit.altman_z_double_prime(pg_catalog.numeric, pg_catalog.numeric, pg_catalog.numeric, pg_catalog.numeric, pg_catalog.numeric, pg_catalog.numeric) IS
    'Altman Z'''' (1995, non-manufacturers): 6.56 X1 + 3.26 X2 + 6.72 X3 + 1.05 X4, 4 decimals';

CREATE FUNCTION ar_credit.altman_zone(z pg_catalog.numeric, model pg_catalog.text DEFAULT 'z')
RETURNS pg_catalog.text AS 'MODULE_PATHNAME', 'scores_zone'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ar_credit.altman_zone(pg_catalog.numeric, pg_catalog.text) IS
    'safe / grey / distress with the published cut-offs of model z (2.99/1.81), z_prime (2.9/1.23) or z_double_prime (2.6/1.1)';

CREATE FUNCTION ar_credit.conan_holder(r1 pg_catalog.numeric, r2 pg_catalog.numeric, r3 pg_catalog.numeric,
                                       r4 pg_catalog.numeric, r5 pg_catalog.numeric)
RETURNS pg_catalog.numeric AS 'MODULE_PATHNAME', 'scores_conan_holder'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ar_credit.conan_holder(pg_catalog.numeric, pg_catalog.numeric, pg_catalog.numeric, pg_catalog.numeric, pg_catalog.numeric) IS
    'Conan-Holder (1979): 0.24 R1 + 0.22 R2 + 0.16 R3 - 0.87 R4 - 0.10 R5 (R1 EBE/dettes, R2 capitaux permanents/bilan, R3 (actif circulant - stocks)/bilan, R4 frais financiers/CA HT, R5 frais de personnel/valeur ajoutee), 4 decimals';

CREATE FUNCTION ar_credit.conan_holder_zone(z pg_catalog.numeric)
RETURNS pg_catalog.text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN ar_credit.altman_zone(z, 'conan_holder');
COMMENT ON FUNCTION ar_credit.conan_holder_zone(pg_catalog.numeric) IS
    'sound (above 0.16) / warning (0.04 to 0.16) / danger (below 0.04)';

CREATE FUNCTION ar_credit.financial_score(score pg_catalog.numeric, model pg_catalog.text DEFAULT 'z')
RETURNS pg_catalog.numeric AS 'MODULE_PATHNAME', 'scores_financial_score'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ar_credit.financial_score(pg_catalog.numeric, pg_catalog.text) IS
    'a model score on 0-100: distress cut-off = 30, safe cut-off = 70, linear, clamped';

CREATE FUNCTION ar_credit.solvency_score(financial_score pg_catalog.numeric, paydex pg_catalog.int4,
                                         exposure pg_catalog.numeric, credit_limit pg_catalog.numeric)
RETURNS pg_catalog.int4 AS 'MODULE_PATHNAME', 'scores_solvency_score'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION ar_credit.solvency_score(pg_catalog.numeric, pg_catalog.int4, pg_catalog.numeric, pg_catalog.numeric) IS
    '0-100: 40 % financial score, 40 % paydex, 20 % exposure vs credit limit; a NULL part is left out and its weight shared';

CREATE FUNCTION ar_credit.risk_class(score pg_catalog.int4)
RETURNS pg_catalog.text AS 'MODULE_PATHNAME', 'scores_risk_class'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ar_credit.risk_class(pg_catalog.int4) IS
    'A (>= 80), B (>= 65), C (>= 50), D (>= 35), E (below 35)';

-- credit policy: which terms, deposit and credit limit each risk class gets.
-- Shipped rows have shipped = true and are not dumped; a row the user inserts
-- or updates has shipped = false, is dumped, and on restore replaces the
-- shipped row of the same class.
CREATE TABLE ar_credit.credit_policy (
    risk_class   pg_catalog.text PRIMARY KEY
                 CHECK (risk_class OPERATOR(pg_catalog.=) ANY (ARRAY['A', 'B', 'C', 'D', 'E'])),
    terms        ar_credit.payment_terms NOT NULL,
    deposit_pct  pg_catalog.numeric NOT NULL DEFAULT 0
                 CHECK (deposit_pct OPERATOR(pg_catalog.>=) 0 AND deposit_pct OPERATOR(pg_catalog.<=) 100),
    limit_factor pg_catalog.numeric NOT NULL DEFAULT 1
                 CHECK (limit_factor OPERATOR(pg_catalog.>=) 0),
    shipped      pg_catalog.bool NOT NULL DEFAULT false
);
-- NaN sorts above every number, so upper bounds also keep NaN and Infinity out
ALTER TABLE ar_credit.credit_policy
    ADD CONSTRAINT credit_policy_limit_factor_max CHECK (limit_factor OPERATOR(pg_catalog.<=) 1000);
COMMENT ON TABLE ar_credit.credit_policy IS
    'payment terms, deposit (percent of the order) and credit-limit factor granted to each risk class A..E';

INSERT INTO ar_credit.credit_policy (risk_class, terms, deposit_pct, limit_factor, shipped) VALUES
    ('A', '60D', 0, 1.5, true),
    ('B', '45D', 0, 1.0, true),
    ('C', '30D', 0, 0.75, true),
    ('D', '15D', 25, 0.5, true),
    ('E', 'immediate', 50, 0, true);

CREATE TRIGGER credit_policy_user_owned
    BEFORE INSERT OR UPDATE ON ar_credit.credit_policy
    FOR EACH ROW EXECUTE FUNCTION ar_credit.config_row_user_owned('risk_class');

SELECT pg_catalog.pg_extension_config_dump('ar_credit.credit_policy', 'WHERE NOT shipped');
-- read by recommended_terms() for whoever calls it, like the interest tables
GRANT SELECT ON ar_credit.credit_policy TO PUBLIC;

CREATE FUNCTION ar_credit.recommended_terms(risk_class pg_catalog.text)
RETURNS ar_credit.payment_terms
LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    result ar_credit.payment_terms;
BEGIN
    SELECT p.terms INTO result
      FROM ar_credit.credit_policy AS p
     WHERE p.risk_class OPERATOR(pg_catalog.=) pg_catalog.upper(recommended_terms.risk_class);
    IF NOT FOUND THEN
        RAISE EXCEPTION 'unknown risk class: "%"',
              CASE WHEN pg_catalog.length(recommended_terms.risk_class) > 100
                   THEN pg_catalog.left(recommended_terms.risk_class, 100) || '...'
                   ELSE recommended_terms.risk_class END
              USING ERRCODE = '22023', HINT = 'Risk classes are A, B, C, D and E (ar_credit.credit_policy).';
    END IF;
    RETURN result;
END
$$;
COMMENT ON FUNCTION ar_credit.recommended_terms(pg_catalog.text) IS
    'payment terms the credit policy grants to a risk class';

-- ===== scripts/40_interest.sql =====
-- ar_credit install script, section 40: statutory late-payment interest and
-- recovery indemnity (SPEC section 4). Rules and their sources: src/interest.c
-- and src/interest_sql.c. Rates are percent per year; each row holds from
-- valid_from until the next row of the same index.

CREATE TABLE ar_credit.reference_rate (
    rate_index  pg_catalog.text NOT NULL,
    valid_from  pg_catalog.date NOT NULL
                CHECK (valid_from OPERATOR(pg_catalog.>) '-infinity' AND valid_from OPERATOR(pg_catalog.<) 'infinity'),
    rate        pg_catalog.numeric NOT NULL
                CHECK (rate OPERATOR(pg_catalog.>) -100 AND rate OPERATOR(pg_catalog.<) 100),
    source      pg_catalog.text,
    shipped     pg_catalog.bool NOT NULL DEFAULT false,
    PRIMARY KEY (rate_index, valid_from)
);
ALTER TABLE ar_credit.reference_rate
    ADD CONSTRAINT reference_rate_index_named CHECK (rate_index OPERATOR(pg_catalog.<>) '');
COMMENT ON TABLE ar_credit.reference_rate IS
    'reference rates by index (ECB_MRO, FR_TIL_PRO, FR_TIL_PART, DE_BASIS, UK_BOE, ...), percent per year, each valid from its date until the next row; add new rates with INSERT';

CREATE TABLE ar_credit.interest_regime (
    regime            pg_catalog.text PRIMARY KEY,
    rate_index        pg_catalog.text NOT NULL,
    margin            pg_catalog.numeric NOT NULL,
    fixing            pg_catalog.text NOT NULL
                      CHECK (fixing OPERATOR(pg_catalog.=) ANY (ARRAY['half_year', 'start_half_year', 'reference_day'])),
    day_count         pg_catalog.text NOT NULL DEFAULT 'act/365'
                      CHECK (day_count OPERATOR(pg_catalog.=) ANY (ARRAY['act/365', 'act/act', 'act/360', '30/360'])),
    per_period        pg_catalog.bool NOT NULL DEFAULT false,
    indemnity_rule    pg_catalog.text NOT NULL DEFAULT 'none'
                      CHECK (indemnity_rule OPERATOR(pg_catalog.=) ANY (ARRAY['none', 'fixed', 'uk_bands'])),
    indemnity_amount  pg_catalog.numeric,
    currency          pg_catalog.text NOT NULL DEFAULT 'EUR',
    floor_index       pg_catalog.text,
    floor_factor      pg_catalog.numeric,
    legacy_due_before pg_catalog.date,
    legacy_margin     pg_catalog.numeric,
    description       pg_catalog.text,
    source            pg_catalog.text,
    shipped           pg_catalog.bool NOT NULL DEFAULT false,
    CHECK ((indemnity_rule OPERATOR(pg_catalog.=) 'fixed') OPERATOR(pg_catalog.=) (indemnity_amount IS NOT NULL)),
    CHECK ((floor_index IS NULL) OPERATOR(pg_catalog.=) (floor_factor IS NULL)),
    CHECK ((legacy_due_before IS NULL) OPERATOR(pg_catalog.=) (legacy_margin IS NULL))
);
-- NaN sorts above every number, so upper bounds also keep NaN and Infinity out
ALTER TABLE ar_credit.interest_regime
    ADD CONSTRAINT interest_regime_named CHECK (regime OPERATOR(pg_catalog.<>) '' AND rate_index OPERATOR(pg_catalog.<>) ''),
    ADD CONSTRAINT interest_regime_margin_range CHECK (margin OPERATOR(pg_catalog.>) -100 AND margin OPERATOR(pg_catalog.<) 100),
    ADD CONSTRAINT interest_regime_legacy_margin_range
        CHECK (legacy_margin OPERATOR(pg_catalog.>) -100 AND legacy_margin OPERATOR(pg_catalog.<) 100),
    ADD CONSTRAINT interest_regime_floor_factor_range
        CHECK (floor_factor OPERATOR(pg_catalog.>=) 0 AND floor_factor OPERATOR(pg_catalog.<=) 100),
    ADD CONSTRAINT interest_regime_indemnity_range
        CHECK (indemnity_amount OPERATOR(pg_catalog.>=) 0 AND indemnity_amount OPERATOR(pg_catalog.<) 1000000000);
COMMENT ON TABLE ar_credit.interest_regime IS
    'late-payment interest regimes: reference index + margin, fixing rule (half_year split, start_half_year, reference_day), day count, recovery indemnity rule, contract-rate floor, legacy margin';
COMMENT ON COLUMN ar_credit.interest_regime.fixing IS
    'half_year: split at 1 Jan / 1 Jul, each half-year at the rate in force on its first day; start_half_year: one rate, that of the first day of the half-year interest starts in; reference_day: one rate, that of 30 Jun / 31 Dec just before interest starts';
COMMENT ON COLUMN ar_credit.interest_regime.per_period IS
    'the index publishes one rate per half-year: a half-year without its own row has no known rate';
COMMENT ON COLUMN ar_credit.interest_regime.floor_index IS
    'a contract rate must be at least floor_factor x this index in every half-year (FR: 3 x taux legal)';
COMMENT ON COLUMN ar_credit.interest_regime.legacy_due_before IS
    'debts due before this date use legacy_margin (DE: +8 points for obligations before 29 Jul 2014)';
-- Shipped rates, from the sources in the source column.
-- UK_BOE holds Bank Rate as in force on each 30 Jun / 31 Dec reference day
-- (the only days the UK statutory rate reads), not every Bank Rate change.
INSERT INTO ar_credit.reference_rate (rate_index, valid_from, rate, source, shipped) VALUES
    ('ECB_MRO', '2007-06-13', 4.00, 'ECB key interest rates, main refinancing operations (ECB, Banque de France, Banka Slovenije tables); minimum bid rate (variable-rate tenders)', true),
    ('ECB_MRO', '2008-07-09', 4.25, 'ECB key interest rates, main refinancing operations (ECB, Banque de France, Banka Slovenije tables); minimum bid rate', true),
    ('ECB_MRO', '2008-10-15', 3.75, 'ECB key interest rates, main refinancing operations (ECB, Banque de France, Banka Slovenije tables); fixed-rate tenders from here', true),
    ('ECB_MRO', '2008-11-12', 3.25, 'ECB key interest rates, main refinancing operations (ECB, Banque de France, Banka Slovenije tables)', true),
    ('ECB_MRO', '2008-12-10', 2.50, 'ECB key interest rates, main refinancing operations (ECB, Banque de France, Banka Slovenije tables)', true),
    ('ECB_MRO', '2009-01-21', 2.00, 'ECB key interest rates, main refinancing operations (ECB, Banque de France, Banka Slovenije tables)', true),
    ('ECB_MRO', '2009-03-11', 1.50, 'ECB key interest rates, main refinancing operations (ECB, Banque de France, Banka Slovenije tables)', true),
    ('ECB_MRO', '2009-04-08', 1.25, 'ECB key interest rates, main refinancing operations (ECB, Banque de France, Banka Slovenije tables)', true),
    ('ECB_MRO', '2009-05-13', 1.00, 'ECB key interest rates, main refinancing operations (ECB, Banque de France, Banka Slovenije tables)', true),
    ('ECB_MRO', '2011-04-13', 1.25, 'ECB key interest rates, main refinancing operations (ECB, Banque de France, Banka Slovenije tables)', true),
    ('ECB_MRO', '2011-07-13', 1.50, 'ECB key interest rates, main refinancing operations (ECB, Banque de France, Banka Slovenije tables)', true),
    ('ECB_MRO', '2011-11-09', 1.25, 'ECB key interest rates, main refinancing operations (ECB, Banque de France, Banka Slovenije tables)', true),
    ('ECB_MRO', '2011-12-14', 1.00, 'ECB key interest rates, main refinancing operations (ECB, Banque de France, Banka Slovenije tables)', true),
    ('ECB_MRO', '2012-07-11', 0.75, 'ECB key interest rates, main refinancing operations (ECB, Banque de France, Banka Slovenije tables)', true),
    ('ECB_MRO', '2013-05-08', 0.50, 'ECB key interest rates, main refinancing operations (ECB, Banque de France, Banka Slovenije tables)', true),
    ('ECB_MRO', '2013-11-13', 0.25, 'ECB key interest rates, main refinancing operations (ECB, Banque de France, Banka Slovenije tables)', true),
    ('ECB_MRO', '2014-06-11', 0.15, 'ECB key interest rates, main refinancing operations (ECB, Banque de France, Banka Slovenije tables)', true),
    ('ECB_MRO', '2014-09-10', 0.05, 'ECB key interest rates, main refinancing operations (ECB, Banque de France, Banka Slovenije tables)', true),
    ('ECB_MRO', '2016-03-16', 0.00, 'ECB key interest rates, main refinancing operations (ECB, Banque de France, Banka Slovenije tables)', true),
    ('ECB_MRO', '2022-07-27', 0.50, 'ECB key interest rates, main refinancing operations (ECB, Banque de France, Banka Slovenije tables)', true),
    ('ECB_MRO', '2022-09-14', 1.25, 'ECB key interest rates, main refinancing operations (ECB, Banque de France, Banka Slovenije tables)', true),
    ('ECB_MRO', '2022-11-02', 2.00, 'ECB key interest rates, main refinancing operations (ECB, Banque de France, Banka Slovenije tables)', true),
    ('ECB_MRO', '2022-12-21', 2.50, 'ECB key interest rates, main refinancing operations (ECB, Banque de France, Banka Slovenije tables)', true),
    ('ECB_MRO', '2023-02-08', 3.00, 'ECB key interest rates, main refinancing operations (ECB, Banque de France, Banka Slovenije tables)', true),
    ('ECB_MRO', '2023-03-22', 3.50, 'ECB key interest rates, main refinancing operations (ECB, Banque de France, Banka Slovenije tables)', true),
    ('ECB_MRO', '2023-05-10', 3.75, 'ECB key interest rates, main refinancing operations (ECB, Banque de France, Banka Slovenije tables)', true),
    ('ECB_MRO', '2023-06-21', 4.00, 'ECB key interest rates, main refinancing operations (ECB, Banque de France, Banka Slovenije tables)', true),
    ('ECB_MRO', '2023-08-02', 4.25, 'ECB key interest rates, main refinancing operations (ECB, Banque de France, Banka Slovenije tables)', true),
    ('ECB_MRO', '2023-09-20', 4.50, 'ECB key interest rates, main refinancing operations (ECB, Banque de France, Banka Slovenije tables)', true),
    ('ECB_MRO', '2024-06-12', 4.25, 'ECB key interest rates, main refinancing operations (ECB, Banque de France, Banka Slovenije tables)', true),
    ('ECB_MRO', '2024-09-18', 3.65, 'ECB key interest rates, main refinancing operations (ECB, Banque de France, Banka Slovenije tables); spread MRO-DFR narrowed to 15bp', true),
    ('ECB_MRO', '2024-10-23', 3.40, 'ECB key interest rates, main refinancing operations (ECB, Banque de France, Banka Slovenije tables)', true),
    ('ECB_MRO', '2024-12-18', 3.15, 'ECB key interest rates, main refinancing operations (ECB, Banque de France, Banka Slovenije tables)', true),
    ('ECB_MRO', '2025-02-05', 2.90, 'ECB key interest rates, main refinancing operations (ECB, Banque de France, Banka Slovenije tables)', true),
    ('ECB_MRO', '2025-03-12', 2.65, 'ECB key interest rates, main refinancing operations (ECB, Banque de France, Banka Slovenije tables)', true),
    ('ECB_MRO', '2025-04-23', 2.40, 'ECB key interest rates, main refinancing operations (ECB, Banque de France, Banka Slovenije tables)', true),
    ('ECB_MRO', '2025-06-11', 2.15, 'ECB key interest rates, main refinancing operations (ECB, Banque de France, Banka Slovenije tables); unchanged at least through GC meeting of 2026-02-05', true),
    ('FR_TIL_PRO', '2015-01-01', 0.93, 'Taux de l''interet legal, autres cas (art. L313-2 CMF): arrêté 23/12/2014 (JO 27/12/2014); service-public F783', true),
    ('FR_TIL_PART', '2015-01-01', 4.06, 'Taux de l''interet legal, creancier personne physique hors besoins professionnels (art. L313-2 CMF): arrêté 23/12/2014 (JO 27/12/2014); service-public F783', true),
    ('FR_TIL_PRO', '2015-07-01', 0.99, 'Taux de l''interet legal, autres cas (art. L313-2 CMF): arrêté 24/06/2015; F783', true),
    ('FR_TIL_PART', '2015-07-01', 4.29, 'Taux de l''interet legal, creancier personne physique hors besoins professionnels (art. L313-2 CMF): arrêté 24/06/2015; F783', true),
    ('FR_TIL_PRO', '2016-01-01', 1.01, 'Taux de l''interet legal, autres cas (art. L313-2 CMF): arrêté 23/12/2015 (JO 27/12/2015); F783', true),
    ('FR_TIL_PART', '2016-01-01', 4.54, 'Taux de l''interet legal, creancier personne physique hors besoins professionnels (art. L313-2 CMF): arrêté 23/12/2015 (JO 27/12/2015); F783', true),
    ('FR_TIL_PRO', '2016-07-01', 0.93, 'Taux de l''interet legal, autres cas (art. L313-2 CMF): F783', true),
    ('FR_TIL_PART', '2016-07-01', 4.35, 'Taux de l''interet legal, creancier personne physique hors besoins professionnels (art. L313-2 CMF): F783', true),
    ('FR_TIL_PRO', '2017-01-01', 0.90, 'Taux de l''interet legal, autres cas (art. L313-2 CMF): arrêté 29/12/2016; F783', true),
    ('FR_TIL_PART', '2017-01-01', 4.16, 'Taux de l''interet legal, creancier personne physique hors besoins professionnels (art. L313-2 CMF): arrêté 29/12/2016; F783', true),
    ('FR_TIL_PRO', '2017-07-01', 0.90, 'Taux de l''interet legal, autres cas (art. L313-2 CMF): arrêté 26/06/2017 (JO 30/06/2017); F783', true),
    ('FR_TIL_PART', '2017-07-01', 3.94, 'Taux de l''interet legal, creancier personne physique hors besoins professionnels (art. L313-2 CMF): arrêté 26/06/2017 (JO 30/06/2017); F783', true),
    ('FR_TIL_PRO', '2018-01-01', 0.89, 'Taux de l''interet legal, autres cas (art. L313-2 CMF): arrêté 28/12/2017; F783', true),
    ('FR_TIL_PART', '2018-01-01', 3.73, 'Taux de l''interet legal, creancier personne physique hors besoins professionnels (art. L313-2 CMF): arrêté 28/12/2017; F783', true),
    ('FR_TIL_PRO', '2018-07-01', 0.88, 'Taux de l''interet legal, autres cas (art. L313-2 CMF): arrêté 27/06/2018; F783', true),
    ('FR_TIL_PART', '2018-07-01', 3.60, 'Taux de l''interet legal, creancier personne physique hors besoins professionnels (art. L313-2 CMF): arrêté 27/06/2018; F783', true),
    ('FR_TIL_PRO', '2019-01-01', 0.86, 'Taux de l''interet legal, autres cas (art. L313-2 CMF): arrêté 21/12/2018; F783', true),
    ('FR_TIL_PART', '2019-01-01', 3.40, 'Taux de l''interet legal, creancier personne physique hors besoins professionnels (art. L313-2 CMF): arrêté 21/12/2018; F783', true),
    ('FR_TIL_PRO', '2019-07-01', 0.87, 'Taux de l''interet legal, autres cas (art. L313-2 CMF): arrêté 26/06/2019; F783', true),
    ('FR_TIL_PART', '2019-07-01', 3.26, 'Taux de l''interet legal, creancier personne physique hors besoins professionnels (art. L313-2 CMF): arrêté 26/06/2019; F783', true),
    ('FR_TIL_PRO', '2020-01-01', 0.87, 'Taux de l''interet legal, autres cas (art. L313-2 CMF): F783', true),
    ('FR_TIL_PART', '2020-01-01', 3.15, 'Taux de l''interet legal, creancier personne physique hors besoins professionnels (art. L313-2 CMF): F783', true),
    ('FR_TIL_PRO', '2020-07-01', 0.84, 'Taux de l''interet legal, autres cas (art. L313-2 CMF): F783', true),
    ('FR_TIL_PART', '2020-07-01', 3.11, 'Taux de l''interet legal, creancier personne physique hors besoins professionnels (art. L313-2 CMF): F783', true),
    ('FR_TIL_PRO', '2021-01-01', 0.79, 'Taux de l''interet legal, autres cas (art. L313-2 CMF): F783', true),
    ('FR_TIL_PART', '2021-01-01', 3.14, 'Taux de l''interet legal, creancier personne physique hors besoins professionnels (art. L313-2 CMF): F783', true),
    ('FR_TIL_PRO', '2021-07-01', 0.76, 'Taux de l''interet legal, autres cas (art. L313-2 CMF): F783', true),
    ('FR_TIL_PART', '2021-07-01', 3.12, 'Taux de l''interet legal, creancier personne physique hors besoins professionnels (art. L313-2 CMF): F783', true),
    ('FR_TIL_PRO', '2022-01-01', 0.76, 'Taux de l''interet legal, autres cas (art. L313-2 CMF): F783', true),
    ('FR_TIL_PART', '2022-01-01', 3.13, 'Taux de l''interet legal, creancier personne physique hors besoins professionnels (art. L313-2 CMF): F783', true),
    ('FR_TIL_PRO', '2022-07-01', 0.77, 'Taux de l''interet legal, autres cas (art. L313-2 CMF): F783', true),
    ('FR_TIL_PART', '2022-07-01', 3.15, 'Taux de l''interet legal, creancier personne physique hors besoins professionnels (art. L313-2 CMF): F783', true),
    ('FR_TIL_PRO', '2023-01-01', 2.06, 'Taux de l''interet legal, autres cas (art. L313-2 CMF): F783', true),
    ('FR_TIL_PART', '2023-01-01', 4.47, 'Taux de l''interet legal, creancier personne physique hors besoins professionnels (art. L313-2 CMF): F783', true),
    ('FR_TIL_PRO', '2023-07-01', 4.22, 'Taux de l''interet legal, autres cas (art. L313-2 CMF): arrêté 27/06/2023 (JO 30/06/2023); F783', true),
    ('FR_TIL_PART', '2023-07-01', 6.82, 'Taux de l''interet legal, creancier personne physique hors besoins professionnels (art. L313-2 CMF): arrêté 27/06/2023 (JO 30/06/2023); F783', true),
    ('FR_TIL_PRO', '2024-01-01', 5.07, 'Taux de l''interet legal, autres cas (art. L313-2 CMF): arrêté 21/12/2023; F783', true),
    ('FR_TIL_PART', '2024-01-01', 8.01, 'Taux de l''interet legal, creancier personne physique hors besoins professionnels (art. L313-2 CMF): arrêté 21/12/2023; F783', true),
    ('FR_TIL_PRO', '2024-07-01', 4.92, 'Taux de l''interet legal, autres cas (art. L313-2 CMF): F783', true),
    ('FR_TIL_PART', '2024-07-01', 8.16, 'Taux de l''interet legal, creancier personne physique hors besoins professionnels (art. L313-2 CMF): F783', true),
    ('FR_TIL_PRO', '2025-01-01', 3.71, 'Taux de l''interet legal, autres cas (art. L313-2 CMF): arrêté 17/12/2024; F783 (laclef.eu copy)', true),
    ('FR_TIL_PART', '2025-01-01', 7.21, 'Taux de l''interet legal, creancier personne physique hors besoins professionnels (art. L313-2 CMF): arrêté 17/12/2024; F783 (laclef.eu copy)', true),
    ('FR_TIL_PRO', '2025-07-01', 2.76, 'Taux de l''interet legal, autres cas (art. L313-2 CMF): arrêté 19/06/2025 (JO 24/06/2025); F783 (laclef.eu copy)', true),
    ('FR_TIL_PART', '2025-07-01', 6.65, 'Taux de l''interet legal, creancier personne physique hors besoins professionnels (art. L313-2 CMF): arrêté 19/06/2025 (JO 24/06/2025); F783 (laclef.eu copy)', true),
    ('FR_TIL_PRO', '2026-01-01', 2.62, 'Taux de l''interet legal, autres cas (art. L313-2 CMF): arrêté 15/12/2025 (JORF 26/12/2025)', true),
    ('FR_TIL_PART', '2026-01-01', 6.67, 'Taux de l''interet legal, creancier personne physique hors besoins professionnels (art. L313-2 CMF): arrêté 15/12/2025 (JORF 26/12/2025)', true),
    ('DE_BASIS', '2002-01-01', 2.57, 'Deutsche Bundesbank, Basiszinssatz (BGB 247), series BBIN1 M.DE.BBK.BBKBAS2.EUR.ME', true),
    ('DE_BASIS', '2002-07-01', 2.47, 'Deutsche Bundesbank, Basiszinssatz (BGB 247), series BBIN1 M.DE.BBK.BBKBAS2.EUR.ME', true),
    ('DE_BASIS', '2003-01-01', 1.97, 'Deutsche Bundesbank, Basiszinssatz (BGB 247), series BBIN1 M.DE.BBK.BBKBAS2.EUR.ME', true),
    ('DE_BASIS', '2003-07-01', 1.22, 'Deutsche Bundesbank, Basiszinssatz (BGB 247), series BBIN1 M.DE.BBK.BBKBAS2.EUR.ME', true),
    ('DE_BASIS', '2004-01-01', 1.14, 'Deutsche Bundesbank, Basiszinssatz (BGB 247), series BBIN1 M.DE.BBK.BBKBAS2.EUR.ME', true),
    ('DE_BASIS', '2004-07-01', 1.13, 'Deutsche Bundesbank, Basiszinssatz (BGB 247), series BBIN1 M.DE.BBK.BBKBAS2.EUR.ME', true),
    ('DE_BASIS', '2005-01-01', 1.21, 'Deutsche Bundesbank, Basiszinssatz (BGB 247), series BBIN1 M.DE.BBK.BBKBAS2.EUR.ME', true),
    ('DE_BASIS', '2005-07-01', 1.17, 'Deutsche Bundesbank, Basiszinssatz (BGB 247), series BBIN1 M.DE.BBK.BBKBAS2.EUR.ME', true),
    ('DE_BASIS', '2006-01-01', 1.37, 'Deutsche Bundesbank, Basiszinssatz (BGB 247), series BBIN1 M.DE.BBK.BBKBAS2.EUR.ME', true),
    ('DE_BASIS', '2006-07-01', 1.95, 'Deutsche Bundesbank, Basiszinssatz (BGB 247), series BBIN1 M.DE.BBK.BBKBAS2.EUR.ME', true),
    ('DE_BASIS', '2007-01-01', 2.70, 'Deutsche Bundesbank, Basiszinssatz (BGB 247), series BBIN1 M.DE.BBK.BBKBAS2.EUR.ME', true),
    ('DE_BASIS', '2007-07-01', 3.19, 'Deutsche Bundesbank, Basiszinssatz (BGB 247), series BBIN1 M.DE.BBK.BBKBAS2.EUR.ME', true),
    ('DE_BASIS', '2008-01-01', 3.32, 'Deutsche Bundesbank, Basiszinssatz (BGB 247), series BBIN1 M.DE.BBK.BBKBAS2.EUR.ME', true),
    ('DE_BASIS', '2008-07-01', 3.19, 'Deutsche Bundesbank, Basiszinssatz (BGB 247), series BBIN1 M.DE.BBK.BBKBAS2.EUR.ME', true),
    ('DE_BASIS', '2009-01-01', 1.62, 'Deutsche Bundesbank, Basiszinssatz (BGB 247), series BBIN1 M.DE.BBK.BBKBAS2.EUR.ME', true),
    ('DE_BASIS', '2009-07-01', 0.12, 'Deutsche Bundesbank, Basiszinssatz (BGB 247), series BBIN1 M.DE.BBK.BBKBAS2.EUR.ME', true),
    ('DE_BASIS', '2011-07-01', 0.37, 'Deutsche Bundesbank, Basiszinssatz (BGB 247), series BBIN1 M.DE.BBK.BBKBAS2.EUR.ME', true),
    ('DE_BASIS', '2012-01-01', 0.12, 'Deutsche Bundesbank, Basiszinssatz (BGB 247), series BBIN1 M.DE.BBK.BBKBAS2.EUR.ME', true),
    ('DE_BASIS', '2013-01-01', -0.13, 'Deutsche Bundesbank, Basiszinssatz (BGB 247), series BBIN1 M.DE.BBK.BBKBAS2.EUR.ME', true),
    ('DE_BASIS', '2013-07-01', -0.38, 'Deutsche Bundesbank, Basiszinssatz (BGB 247), series BBIN1 M.DE.BBK.BBKBAS2.EUR.ME', true),
    ('DE_BASIS', '2014-01-01', -0.63, 'Deutsche Bundesbank, Basiszinssatz (BGB 247), series BBIN1 M.DE.BBK.BBKBAS2.EUR.ME', true),
    ('DE_BASIS', '2014-07-01', -0.73, 'Deutsche Bundesbank, Basiszinssatz (BGB 247), series BBIN1 M.DE.BBK.BBKBAS2.EUR.ME', true),
    ('DE_BASIS', '2015-01-01', -0.83, 'Deutsche Bundesbank, Basiszinssatz (BGB 247), series BBIN1 M.DE.BBK.BBKBAS2.EUR.ME', true),
    ('DE_BASIS', '2016-07-01', -0.88, 'Deutsche Bundesbank, Basiszinssatz (BGB 247), series BBIN1 M.DE.BBK.BBKBAS2.EUR.ME', true),
    ('DE_BASIS', '2023-01-01', 1.62, 'Deutsche Bundesbank, Basiszinssatz (BGB 247), series BBIN1 M.DE.BBK.BBKBAS2.EUR.ME', true),
    ('DE_BASIS', '2023-07-01', 3.12, 'Deutsche Bundesbank, Basiszinssatz (BGB 247), series BBIN1 M.DE.BBK.BBKBAS2.EUR.ME', true),
    ('DE_BASIS', '2024-01-01', 3.62, 'Deutsche Bundesbank, Basiszinssatz (BGB 247), series BBIN1 M.DE.BBK.BBKBAS2.EUR.ME', true),
    ('DE_BASIS', '2024-07-01', 3.37, 'Deutsche Bundesbank, Basiszinssatz (BGB 247), series BBIN1 M.DE.BBK.BBKBAS2.EUR.ME', true),
    ('DE_BASIS', '2025-01-01', 2.27, 'Deutsche Bundesbank, Basiszinssatz (BGB 247), series BBIN1 M.DE.BBK.BBKBAS2.EUR.ME', true),
    ('DE_BASIS', '2025-07-01', 1.27, 'Deutsche Bundesbank, Basiszinssatz (BGB 247), series BBIN1 M.DE.BBK.BBKBAS2.EUR.ME', true),
    ('DE_BASIS', '2026-01-01', 1.27, 'Deutsche Bundesbank, Basiszinssatz (BGB 247), series BBIN1 M.DE.BBK.BBKBAS2.EUR.ME; Bundesbank release of Dec 2025 (Bundesanzeiger 24 Dec 2025)', true),
    ('UK_BOE', '2007-12-31', 5.50, 'Bank of England Bank Rate in force on the reference day (SI 2002/1675 art. 4); Bank Rate history', true),
    ('UK_BOE', '2008-06-30', 5.00, 'Bank of England Bank Rate in force on the reference day (SI 2002/1675 art. 4); Bank Rate history', true),
    ('UK_BOE', '2008-12-31', 2.00, 'Bank of England Bank Rate in force on the reference day (SI 2002/1675 art. 4); Bank Rate history', true),
    ('UK_BOE', '2009-06-30', 0.50, 'Bank of England Bank Rate in force on the reference day (SI 2002/1675 art. 4); Bank Rate history', true),
    ('UK_BOE', '2009-12-31', 0.50, 'Bank of England Bank Rate in force on the reference day (SI 2002/1675 art. 4); Bank Rate history', true),
    ('UK_BOE', '2010-06-30', 0.50, 'Bank of England Bank Rate in force on the reference day (SI 2002/1675 art. 4); Bank Rate history', true),
    ('UK_BOE', '2010-12-31', 0.50, 'Bank of England Bank Rate in force on the reference day (SI 2002/1675 art. 4); Bank Rate history', true),
    ('UK_BOE', '2011-06-30', 0.50, 'Bank of England Bank Rate in force on the reference day (SI 2002/1675 art. 4); Bank Rate history', true),
    ('UK_BOE', '2011-12-31', 0.50, 'Bank of England Bank Rate in force on the reference day (SI 2002/1675 art. 4); Bank Rate history', true),
    ('UK_BOE', '2012-06-30', 0.50, 'Bank of England Bank Rate in force on the reference day (SI 2002/1675 art. 4); Bank Rate history', true),
    ('UK_BOE', '2012-12-31', 0.50, 'Bank of England Bank Rate in force on the reference day (SI 2002/1675 art. 4); Bank Rate history', true),
    ('UK_BOE', '2013-06-30', 0.50, 'Bank of England Bank Rate in force on the reference day (SI 2002/1675 art. 4); Bank Rate history', true),
    ('UK_BOE', '2013-12-31', 0.50, 'Bank of England Bank Rate in force on the reference day (SI 2002/1675 art. 4); Bank Rate history', true),
    ('UK_BOE', '2014-06-30', 0.50, 'Bank of England Bank Rate in force on the reference day (SI 2002/1675 art. 4); Bank Rate history', true),
    ('UK_BOE', '2014-12-31', 0.50, 'Bank of England Bank Rate in force on the reference day (SI 2002/1675 art. 4); Bank Rate history', true),
    ('UK_BOE', '2015-06-30', 0.50, 'Bank of England Bank Rate in force on the reference day (SI 2002/1675 art. 4); Bank Rate history', true),
    ('UK_BOE', '2015-12-31', 0.50, 'Bank of England Bank Rate in force on the reference day (SI 2002/1675 art. 4); Bank Rate history', true),
    ('UK_BOE', '2016-06-30', 0.50, 'Bank of England Bank Rate in force on the reference day (SI 2002/1675 art. 4); Bank Rate history', true),
    ('UK_BOE', '2016-12-31', 0.25, 'Bank of England Bank Rate in force on the reference day (SI 2002/1675 art. 4); Bank Rate history', true),
    ('UK_BOE', '2017-06-30', 0.25, 'Bank of England Bank Rate in force on the reference day (SI 2002/1675 art. 4); Bank Rate history', true),
    ('UK_BOE', '2017-12-31', 0.50, 'Bank of England Bank Rate in force on the reference day (SI 2002/1675 art. 4); Bank Rate history', true),
    ('UK_BOE', '2018-06-30', 0.50, 'Bank of England Bank Rate in force on the reference day (SI 2002/1675 art. 4); Bank Rate history', true),
    ('UK_BOE', '2018-12-31', 0.75, 'Bank of England Bank Rate in force on the reference day (SI 2002/1675 art. 4); Bank Rate history', true),
    ('UK_BOE', '2019-06-30', 0.75, 'Bank of England Bank Rate in force on the reference day (SI 2002/1675 art. 4); Bank Rate history', true),
    ('UK_BOE', '2019-12-31', 0.75, 'Bank of England Bank Rate in force on the reference day (SI 2002/1675 art. 4); Bank Rate history', true),
    ('UK_BOE', '2020-06-30', 0.10, 'Bank of England Bank Rate in force on the reference day (SI 2002/1675 art. 4); Bank Rate history', true),
    ('UK_BOE', '2020-12-31', 0.10, 'Bank of England Bank Rate in force on the reference day (SI 2002/1675 art. 4); Bank Rate history', true),
    ('UK_BOE', '2021-06-30', 0.10, 'Bank of England Bank Rate in force on the reference day (SI 2002/1675 art. 4); Bank Rate history', true),
    ('UK_BOE', '2021-12-31', 0.25, 'Bank of England Bank Rate in force on the reference day (SI 2002/1675 art. 4); Bank Rate history', true),
    ('UK_BOE', '2022-06-30', 1.25, 'Bank of England Bank Rate in force on the reference day (SI 2002/1675 art. 4); Bank Rate history', true),
    ('UK_BOE', '2022-12-31', 3.50, 'Bank of England Bank Rate in force on the reference day (SI 2002/1675 art. 4); Bank Rate history', true),
    ('UK_BOE', '2023-06-30', 5.00, 'Bank of England Bank Rate in force on the reference day (SI 2002/1675 art. 4); Bank Rate history', true),
    ('UK_BOE', '2023-12-31', 5.25, 'Bank of England Bank Rate in force on the reference day (SI 2002/1675 art. 4); Bank Rate history', true),
    ('UK_BOE', '2024-06-30', 5.25, 'Bank of England Bank Rate in force on the reference day (SI 2002/1675 art. 4); Bank Rate history', true),
    ('UK_BOE', '2024-12-31', 4.75, 'Bank of England Bank Rate in force on the reference day (SI 2002/1675 art. 4); Bank Rate history', true),
    ('UK_BOE', '2025-06-30', 4.25, 'Bank of England Bank Rate in force on the reference day (SI 2002/1675 art. 4); Bank Rate history', true),
    ('UK_BOE', '2025-12-31', 3.75, 'Bank of England Bank Rate in force on the reference day (SI 2002/1675 art. 4); Bank Rate history', true);

INSERT INTO ar_credit.interest_regime (regime, rate_index, margin, fixing, day_count, per_period,
        indemnity_rule, indemnity_amount, currency, floor_index, floor_factor, legacy_due_before,
        legacy_margin, description, source, shipped) VALUES
    ('FR_B2B', 'ECB_MRO', 10, 'half_year', 'act/365', false, 'fixed', 40, 'EUR', 'FR_TIL_PRO', 3, NULL, NULL,
     'France, between businesses: ECB rate of 1 Jan / 1 Jul + 10 points, EUR 40 per invoice; contract rates >= 3 x taux legal',
     'Code de commerce L441-10 II and D441-5; 365-day year: service-public.fr F783', true),
    ('FR_PUBLIC', 'ECB_MRO', 8, 'start_half_year', 'act/365', false, 'fixed', 40, 'EUR', NULL, NULL, NULL, NULL,
     'France, public buyers: ECB rate of the half-year interest starts in + 8 points, fixed; EUR 40',
     'Code de la commande publique R2192-31 and R2192-35', true),
    ('FR_LEGAL_PRO', 'FR_TIL_PRO', 0, 'half_year', 'act/365', true, 'none', NULL, 'EUR', NULL, NULL, NULL, NULL,
     'France, taux de l''interet legal (autres cas), per half-year',
     'Code monetaire et financier L313-2 and D313-1-A; service-public.fr F783', true),
    ('FR_LEGAL_PART', 'FR_TIL_PART', 0, 'half_year', 'act/365', true, 'none', NULL, 'EUR', NULL, NULL, NULL, NULL,
     'France, taux de l''interet legal for creditors who are individuals outside their profession, per half-year',
     'Code monetaire et financier L313-2 and D313-1-A; service-public.fr F783', true),
    ('EU_B2B', 'ECB_MRO', 8, 'half_year', 'act/365', false, 'fixed', 40, 'EUR', NULL, NULL, NULL, NULL,
     'EU minimum between businesses: ECB rate of 1 Jan / 1 Jul + 8 points, EUR 40',
     'Directive 2011/7/EU art. 2(6), 3 and 6', true),
    ('DE_B2B', 'DE_BASIS', 9, 'half_year', 'act/365', false, 'fixed', 40, 'EUR', NULL, NULL, '2014-07-29', 8,
     'Germany, no consumer party: Basiszinssatz + 9 points, EUR 40; debts due before 29 Jul 2014: + 8 points',
     'BGB 288(2) and (5), 247; Art. 229 34 EGBGB', true),
    ('DE_B2B_PRE_2014', 'DE_BASIS', 8, 'half_year', 'act/365', false, 'none', NULL, 'EUR', NULL, NULL, NULL, NULL,
     'Germany, obligations arising on or before 28 Jul 2014: Basiszinssatz + 8 points, no lump sum',
     'BGB 288(2) old version; Art. 229 34 EGBGB', true),
    ('DE_B2C', 'DE_BASIS', 5, 'half_year', 'act/365', false, 'none', NULL, 'EUR', NULL, NULL, NULL, NULL,
     'Germany, consumer party: Basiszinssatz + 5 points, no lump sum',
     'BGB 288(1)', true),
    ('UK_B2B', 'UK_BOE', 8, 'reference_day', 'act/365', false, 'uk_bands', NULL, 'GBP', NULL, NULL, NULL, NULL,
     'United Kingdom, commercial debts: Bank Rate of 30 Jun / 31 Dec before interest starts + 8 points, fixed; GBP 40 / 70 / 100',
     'Late Payment of Commercial Debts (Interest) Act 1998 s.5A; SI 2002/1675 art. 4', true);

CREATE TRIGGER reference_rate_user_owned
    BEFORE INSERT OR UPDATE ON ar_credit.reference_rate
    FOR EACH ROW EXECUTE FUNCTION ar_credit.config_row_user_owned('rate_index', 'valid_from');
CREATE TRIGGER interest_regime_user_owned
    BEFORE INSERT OR UPDATE ON ar_credit.interest_regime
    FOR EACH ROW EXECUTE FUNCTION ar_credit.config_row_user_owned('regime');
SELECT pg_catalog.pg_extension_config_dump('ar_credit.reference_rate', 'WHERE NOT shipped');
SELECT pg_catalog.pg_extension_config_dump('ar_credit.interest_regime', 'WHERE NOT shipped');

-- every change reaches the per-backend rate cache of every session
CREATE TRIGGER reference_rate_invalidate
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON ar_credit.reference_rate
    FOR EACH STATEMENT EXECUTE FUNCTION ar_credit.config_cache_invalidate();
CREATE TRIGGER interest_regime_invalidate
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON ar_credit.interest_regime
    FOR EACH STATEMENT EXECUTE FUNCTION ar_credit.config_cache_invalidate();

GRANT SELECT ON ar_credit.reference_rate, ar_credit.interest_regime TO PUBLIC;

CREATE FUNCTION ar_credit.late_interest(amount pg_catalog.numeric, due pg_catalog.date, paid pg_catalog.date,
                                        regime pg_catalog.text DEFAULT 'FR_B2B')
RETURNS pg_catalog.numeric
AS 'MODULE_PATHNAME', 'interest_late_interest'
LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ar_credit.late_interest(pg_catalog.numeric, pg_catalog.date, pg_catalog.date, pg_catalog.text) IS
    'statutory simple interest from the day after due through paid inclusive (paid - due days), each rate segment rounded to cents; 0 when paid on time or for amount <= 0';

CREATE FUNCTION ar_credit.late_interest(amount pg_catalog.numeric, due pg_catalog.date, paid pg_catalog.date,
                                        regime pg_catalog.text, contract_rate pg_catalog.numeric)
RETURNS pg_catalog.numeric
AS 'MODULE_PATHNAME', 'interest_late_interest_contract'
LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ar_credit.late_interest(pg_catalog.numeric, pg_catalog.date, pg_catalog.date, pg_catalog.text, pg_catalog.numeric) IS
    'interest at a contractual annual rate (percent) with the regime''s day count; FR_B2B refuses a rate below 3 x the taux legal (22023)';

CREATE FUNCTION ar_credit.late_interest_detail(amount pg_catalog.numeric, due pg_catalog.date, paid pg_catalog.date,
                                               regime pg_catalog.text DEFAULT 'FR_B2B',
                                               OUT period_start pg_catalog.date, OUT period_end pg_catalog.date,
                                               OUT days pg_catalog.int4, OUT annual_rate pg_catalog.numeric,
                                               OUT interest pg_catalog.numeric)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'interest_late_interest_detail'
LANGUAGE C STABLE STRICT PARALLEL SAFE ROWS 2;
COMMENT ON FUNCTION ar_credit.late_interest_detail(pg_catalog.numeric, pg_catalog.date, pg_catalog.date, pg_catalog.text) IS
    'the segments of late_interest: period, days counted, annual rate (index + margin) and interest rounded to cents';

CREATE FUNCTION ar_credit.recovery_indemnity(amount pg_catalog.numeric, regime pg_catalog.text DEFAULT 'FR_B2B')
RETURNS pg_catalog.numeric
AS 'MODULE_PATHNAME', 'interest_recovery_indemnity'
LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ar_credit.recovery_indemnity(pg_catalog.numeric, pg_catalog.text) IS
    'fixed recovery compensation per late invoice: EUR 40 (FR, EU, DE B2B), GBP 40 / 70 / 100 by debt size (UK), 0 otherwise or for amount <= 0';

-- ===== scripts/50_dunning.sql =====
-- ar_credit install script, section 50: dunning policies, the next reminder,
-- invoice tracking, the dunning queue and its worker API, BI views and roles
-- (SPEC sections 5 and 6).

-- ---------------------------------------------------------------------
-- policies
-- ---------------------------------------------------------------------
CREATE TABLE ar_credit.dunning_step (
    policy      pg_catalog.text NOT NULL,
    level       pg_catalog.int4 NOT NULL CHECK (level OPERATOR(pg_catalog.>) 0),
    offset_days pg_catalog.int4 NOT NULL CHECK (offset_days OPERATOR(pg_catalog.>=) -366 AND offset_days OPERATOR(pg_catalog.<=) 3660),
    channel     pg_catalog.text NOT NULL
                CHECK (channel OPERATOR(pg_catalog.=) ANY (ARRAY['email', 'sms', 'phone', 'letter', 'registered_letter', 'collection'])),
    label       pg_catalog.text NOT NULL,
    min_amount  pg_catalog.numeric NOT NULL DEFAULT 0 CHECK (min_amount OPERATOR(pg_catalog.>=) 0),
    shipped     pg_catalog.bool NOT NULL DEFAULT false,
    PRIMARY KEY (policy, level)
);
-- min_amount may be Infinity (a step never sent) but not NaN
ALTER TABLE ar_credit.dunning_step
    ADD CONSTRAINT dunning_step_named CHECK (policy OPERATOR(pg_catalog.<>) ''),
    ADD CONSTRAINT dunning_step_min_amount_number CHECK (min_amount OPERATOR(pg_catalog.<>) 'NaN');
COMMENT ON TABLE ar_credit.dunning_step IS
    'dunning policies: one row per reminder level, offset_days relative to the due date (negative = before), channel, label, minimum amount due';

INSERT INTO ar_credit.dunning_step (policy, level, offset_days, channel, label, shipped) VALUES
    ('standard', 1, -15, 'email', 'courtesy reminder', true),
    ('standard', 2, -7, 'email', 'payment due soon', true),
    ('standard', 3, 1, 'email', 'first reminder', true),
    ('standard', 4, 15, 'phone', 'second reminder', true),
    ('standard', 5, 30, 'registered_letter', 'formal notice', true),
    ('standard', 6, 45, 'collection', 'handover to collection', true),
    ('strict', 1, -15, 'email', 'courtesy reminder', true),
    ('strict', 2, -7, 'email', 'payment due soon', true),
    ('strict', 3, 1, 'email', 'first reminder', true),
    ('strict', 4, 8, 'phone', 'second reminder', true),
    ('strict', 5, 15, 'registered_letter', 'formal notice', true),
    ('strict', 6, 30, 'collection', 'handover to collection', true);

CREATE TRIGGER dunning_step_user_owned
    BEFORE INSERT OR UPDATE ON ar_credit.dunning_step
    FOR EACH ROW EXECUTE FUNCTION ar_credit.config_row_user_owned('policy', 'level');
SELECT pg_catalog.pg_extension_config_dump('ar_credit.dunning_step', 'WHERE NOT shipped');

CREATE TRIGGER dunning_step_invalidate
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON ar_credit.dunning_step
    FOR EACH STATEMENT EXECUTE FUNCTION ar_credit.config_cache_invalidate();

CREATE TYPE ar_credit.reminder AS (level pg_catalog.int4, remind_on pg_catalog.date,
                                   channel pg_catalog.text, label pg_catalog.text);
COMMENT ON TYPE ar_credit.reminder IS 'a reminder to send: level, date, channel and label';

CREATE FUNCTION ar_credit.next_reminder(due pg_catalog.date, as_of pg_catalog.date,
                                        last_level pg_catalog.int4 DEFAULT 0,
                                        policy pg_catalog.text DEFAULT 'standard',
                                        last_sent pg_catalog.date DEFAULT NULL,
                                        min_gap_days pg_catalog.int4 DEFAULT 5,
                                        OUT level pg_catalog.int4, OUT remind_on pg_catalog.date,
                                        OUT channel pg_catalog.text, OUT label pg_catalog.text)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'dunning_next_reminder'
LANGUAGE C STABLE PARALLEL SAFE ROWS 1;
COMMENT ON FUNCTION ar_credit.next_reminder(pg_catalog.date, pg_catalog.date, pg_catalog.int4, pg_catalog.text, pg_catalog.date, pg_catalog.int4) IS
    'the next reminder after last_level: past pre-due steps skipped, post-due steps one level at a time, remind_on = greatest(due + offset_days, as_of, last_sent + min_gap_days); no row after the last level';

CREATE FUNCTION ar_credit.next_reminder_rec(due pg_catalog.date, as_of pg_catalog.date, last_level pg_catalog.int4,
                                            policy pg_catalog.text, last_sent pg_catalog.date,
                                            min_gap_days pg_catalog.int4, amount pg_catalog.numeric)
RETURNS ar_credit.reminder
AS 'MODULE_PATHNAME', 'dunning_next_reminder_rec'
LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION ar_credit.next_reminder_rec(pg_catalog.date, pg_catalog.date, pg_catalog.int4, pg_catalog.text, pg_catalog.date, pg_catalog.int4, pg_catalog.numeric) IS
    'next_reminder as one value (NULL after the last level), skipping steps whose min_amount exceeds amount; used by the tracking trigger';

CREATE FUNCTION ar_credit.invoice_class(status pg_catalog.text)
RETURNS pg_catalog.text
AS 'MODULE_PATHNAME', 'dunning_invoice_class'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION ar_credit.invoice_class(pg_catalog.text) IS
    'open, closed (paid, cancelled, canceled, void, written_off, credited), suspended (disputed, on_hold) or ignored (draft); case-insensitive, unknown or NULL = open';

CREATE FUNCTION ar_credit.invoice_state(status pg_catalog.text, amount pg_catalog.numeric, due pg_catalog.date)
RETURNS pg_catalog.text
AS 'MODULE_PATHNAME', 'dunning_invoice_state'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION ar_credit.invoice_state(pg_catalog.text, pg_catalog.numeric, pg_catalog.date) IS
    'what the tracking trigger acts on: closed when amount is NULL or <= 0, ignored without a due date, else invoice_class(status)';

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
    settled         pg_catalog.bool NOT NULL DEFAULT false
);
COMMENT ON TABLE ar_credit.dunning_queue IS
    'reminders to send: at most one live (pending, claimed, suspended) row per invoice; workers use claim_reminders, complete_reminder and fail_reminder';
COMMENT ON COLUMN ar_credit.dunning_queue.settled IS
    'the invoice was paid, cancelled or deleted: the row is history';
CREATE UNIQUE INDEX dunning_queue_live ON ar_credit.dunning_queue (source, invoice_key)
    WHERE state IN ('pending', 'claimed', 'suspended');
CREATE INDEX dunning_queue_todo ON ar_credit.dunning_queue (remind_on, id)
    WHERE state IN ('pending', 'claimed');
CREATE INDEX dunning_queue_open ON ar_credit.dunning_queue (source, invoice_key, id)
    WHERE NOT settled;
-- the reminders already sent for an invoice, read when it reopens
CREATE INDEX dunning_queue_sent ON ar_credit.dunning_queue (source, invoice_key)
    WHERE state = 'sent';
SELECT pg_catalog.pg_extension_config_dump('ar_credit.dunning_queue', '');
SELECT pg_catalog.pg_extension_config_dump(pg_catalog.pg_get_serial_sequence('ar_credit.dunning_queue', 'id'), '');

CREATE TABLE ar_credit.tracked_table (
    relid           pg_catalog.regclass PRIMARY KEY,
    key_columns     pg_catalog.name[] NOT NULL,
    due_column      pg_catalog.name NOT NULL,
    amount_column   pg_catalog.name NOT NULL,
    status_column   pg_catalog.name,
    customer_column pg_catalog.name,
    currency_column pg_catalog.name,
    policy          pg_catalog.text NOT NULL,
    tracked_at      pg_catalog.timestamptz NOT NULL DEFAULT pg_catalog.now()
);
COMMENT ON TABLE ar_credit.tracked_table IS 'invoice tables tracked by ar_credit.track() and their column mapping';
SELECT pg_catalog.pg_extension_config_dump('ar_credit.tracked_table', '');

CREATE FUNCTION ar_credit.dunning_trigger()
RETURNS trigger
AS 'MODULE_PATHNAME', 'dunning_trigger'
LANGUAGE C;
COMMENT ON FUNCTION ar_credit.dunning_trigger() IS
    'keeps the dunning queue in step with an invoices table; arguments key=, due=, amount=, status=, customer=, currency=, policy=; attach with ar_credit.track()';

CREATE FUNCTION ar_credit.dunning_resync(invoices pg_catalog.regclass, trigger_name pg_catalog.name)
RETURNS pg_catalog.int8
AS 'MODULE_PATHNAME', 'dunning_resync'
LANGUAGE C STRICT;
COMMENT ON FUNCTION ar_credit.dunning_resync(pg_catalog.regclass, pg_catalog.name) IS
    'queues the existing rows of a tracked table (called by track)';

CREATE FUNCTION ar_credit.drop_dunning_triggers(invoices pg_catalog.regclass)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    tg pg_catalog.name;
BEGIN
    FOR tg IN SELECT t.tgname FROM pg_catalog.pg_trigger AS t
               WHERE t.tgrelid = invoices
                 AND t.tgname IN ('ar_credit_dunning_ins', 'ar_credit_dunning_upd', 'ar_credit_dunning_del',
                                  'ar_credit_dunning_trunc')
    LOOP
        EXECUTE pg_catalog.format('DROP TRIGGER %I ON %s', tg, invoices);
    END LOOP;
END
$$;
COMMENT ON FUNCTION ar_credit.drop_dunning_triggers(pg_catalog.regclass) IS
    'drops the dunning triggers track() attached to a table';

-- (Re)creates the triggers of a tracked table from its ar_credit.tracked_table
-- row.  Statement level with transition tables: one set-based pass per
-- statement.  UPDATE captures OLD TABLE too, for key changes: measured, that
-- costs less than a row-level trigger WHEN the key changes, and it stays
-- set-based when an ORM rewrites every column.
CREATE FUNCTION ar_credit.attach_dunning_triggers(invoices pg_catalog.regclass)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    m ar_credit.tracked_table;
    args pg_catalog.text := '';
BEGIN
    SELECT * INTO STRICT m FROM ar_credit.tracked_table AS t WHERE t.relid = invoices;
    FOR i IN 1 .. pg_catalog.array_length(m.key_columns, 1) LOOP
        args := args || pg_catalog.quote_literal('key=' || m.key_columns[i]) || ', ';
    END LOOP;
    args := args || pg_catalog.quote_literal('due=' || m.due_column)
                 || ', ' || pg_catalog.quote_literal('amount=' || m.amount_column)
                 || ', ' || pg_catalog.quote_literal('policy=' || m.policy);
    IF m.status_column IS NOT NULL THEN
        args := args || ', ' || pg_catalog.quote_literal('status=' || m.status_column);
    END IF;
    IF m.customer_column IS NOT NULL THEN
        args := args || ', ' || pg_catalog.quote_literal('customer=' || m.customer_column);
    END IF;
    IF m.currency_column IS NOT NULL THEN
        args := args || ', ' || pg_catalog.quote_literal('currency=' || m.currency_column);
    END IF;

    PERFORM ar_credit.drop_dunning_triggers(invoices);
    EXECUTE pg_catalog.format('CREATE TRIGGER ar_credit_dunning_ins AFTER INSERT ON %s'
                              ' REFERENCING NEW TABLE AS ar_credit_new'
                              ' FOR EACH STATEMENT EXECUTE FUNCTION ar_credit.dunning_trigger(%s)', invoices, args);
    EXECUTE pg_catalog.format('CREATE TRIGGER ar_credit_dunning_upd AFTER UPDATE ON %s'
                              ' REFERENCING OLD TABLE AS ar_credit_old NEW TABLE AS ar_credit_new'
                              ' FOR EACH STATEMENT EXECUTE FUNCTION ar_credit.dunning_trigger(%s)', invoices, args);
    EXECUTE pg_catalog.format('CREATE TRIGGER ar_credit_dunning_del AFTER DELETE ON %s'
                              ' REFERENCING OLD TABLE AS ar_credit_old'
                              ' FOR EACH STATEMENT EXECUTE FUNCTION ar_credit.dunning_trigger(%s)', invoices, args);
    EXECUTE pg_catalog.format('CREATE TRIGGER ar_credit_dunning_trunc AFTER TRUNCATE ON %s'
                              ' FOR EACH STATEMENT EXECUTE FUNCTION ar_credit.dunning_trigger(%s)', invoices, args);
END
$$;
COMMENT ON FUNCTION ar_credit.attach_dunning_triggers(pg_catalog.regclass) IS
    'creates the dunning triggers of a tracked table from its ar_credit.tracked_table row (called by track)';

CREATE FUNCTION ar_credit.track(invoices pg_catalog.regclass, key_column pg_catalog.name,
                                due_column pg_catalog.name, amount_column pg_catalog.name,
                                status_column pg_catalog.name DEFAULT NULL,
                                customer_column pg_catalog.name DEFAULT NULL,
                                currency_column pg_catalog.name DEFAULT NULL,
                                policy pg_catalog.text DEFAULT 'standard')
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    rel record;
    keys pg_catalog.name[];
    col record;
BEGIN
    IF invoices IS NULL OR due_column IS NULL OR amount_column IS NULL OR track.policy IS NULL THEN
        RAISE EXCEPTION 'invoices, due_column, amount_column and policy must not be NULL' USING ERRCODE = '22004';
    END IF;
    SELECT c.relkind, c.relowner INTO rel FROM pg_catalog.pg_class AS c WHERE c.oid = invoices;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'relation with OID % does not exist', invoices::pg_catalog.oid USING ERRCODE = '42P01';
    END IF;
    IF rel.relkind NOT IN ('r', 'p') THEN
        RAISE EXCEPTION '"%" is not a table', invoices USING ERRCODE = '42809';
    END IF;
    IF NOT pg_catalog.pg_has_role(rel.relowner, 'USAGE') THEN
        RAISE EXCEPTION 'must be owner of table %', invoices USING ERRCODE = '42501';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM ar_credit.dunning_step AS s WHERE s.policy = track.policy) THEN
        RAISE EXCEPTION 'unknown dunning policy: "%"', track.policy USING ERRCODE = '22023',
              HINT = 'Policies are the rows of ar_credit.dunning_step (shipped: standard, strict).';
    END IF;

    -- the key: the named column, or the primary key
    IF key_column IS NULL THEN
        SELECT pg_catalog.array_agg(a.attname ORDER BY k.ord) INTO keys
          FROM pg_catalog.pg_index AS i,
               LATERAL pg_catalog.unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
          JOIN pg_catalog.pg_attribute AS a ON a.attrelid = invoices AND a.attnum = k.attnum
         WHERE i.indrelid = invoices AND i.indisprimary;
        IF keys IS NULL THEN
            RAISE EXCEPTION 'table % has no primary key; name its key column', invoices USING ERRCODE = '22023';
        END IF;
    ELSE
        keys := ARRAY[key_column];
    END IF;

    -- every column exists and has a usable type, before anything is created
    FOR col IN
        SELECT m.role, m.colname, a.atttypid, t.typtype, t.typcategory
          FROM (SELECT 'key' AS role, k AS colname FROM pg_catalog.unnest(keys) AS k
                UNION ALL SELECT 'due', due_column
                UNION ALL SELECT 'amount', amount_column
                UNION ALL SELECT 'status', status_column WHERE status_column IS NOT NULL
                UNION ALL SELECT 'customer', customer_column WHERE customer_column IS NOT NULL
                UNION ALL SELECT 'currency', currency_column WHERE currency_column IS NOT NULL) AS m
          LEFT JOIN pg_catalog.pg_attribute AS a
                 ON a.attrelid = invoices AND a.attname = m.colname AND a.attnum > 0 AND NOT a.attisdropped
          LEFT JOIN pg_catalog.pg_type AS t ON t.oid = a.atttypid
    LOOP
        IF col.atttypid IS NULL THEN
            RAISE EXCEPTION 'column "%" of table % does not exist', col.colname, invoices
                  USING ERRCODE = '42703', DETAIL = pg_catalog.format('It was given as the %s column.', col.role);
        END IF;
        IF col.role = 'due' AND col.atttypid NOT IN ('date'::pg_catalog.regtype, 'timestamp'::pg_catalog.regtype,
                                                    'timestamptz'::pg_catalog.regtype) THEN
            RAISE EXCEPTION 'due column "%" of table % has type %, not date', col.colname, invoices,
                  col.atttypid::pg_catalog.regtype USING ERRCODE = '42804';
        END IF;
        IF col.role = 'amount' AND col.atttypid NOT IN ('numeric'::pg_catalog.regtype, 'int2'::pg_catalog.regtype,
                  'int4'::pg_catalog.regtype, 'int8'::pg_catalog.regtype, 'money'::pg_catalog.regtype) THEN
            RAISE EXCEPTION 'amount column "%" of table % has type %, not numeric', col.colname, invoices,
                  col.atttypid::pg_catalog.regtype USING ERRCODE = '42804',
                  HINT = 'Amounts must be numeric (or integer, or money); floating point is refused.';
        END IF;
        IF col.role = 'status' AND NOT (col.typcategory = 'S' OR col.typtype = 'e') THEN
            RAISE EXCEPTION 'status column "%" of table % has type %, not text or an enum', col.colname, invoices,
                  col.atttypid::pg_catalog.regtype USING ERRCODE = '42804';
        END IF;
    END LOOP;

    INSERT INTO ar_credit.tracked_table AS t (relid, key_columns, due_column, amount_column, status_column,
                                             customer_column, currency_column, policy)
    VALUES (invoices, keys, due_column, amount_column, status_column, customer_column, currency_column, track.policy)
    ON CONFLICT (relid) DO UPDATE
       SET key_columns = EXCLUDED.key_columns, due_column = EXCLUDED.due_column,
           amount_column = EXCLUDED.amount_column, status_column = EXCLUDED.status_column,
           customer_column = EXCLUDED.customer_column, currency_column = EXCLUDED.currency_column,
           policy = EXCLUDED.policy, tracked_at = pg_catalog.now();

    -- tracking again replaces the triggers
    PERFORM ar_credit.attach_dunning_triggers(invoices);

    -- queue the rows already there
    PERFORM ar_credit.dunning_resync(invoices, 'ar_credit_dunning_upd');
END
$$;
COMMENT ON FUNCTION ar_credit.track(pg_catalog.regclass, pg_catalog.name, pg_catalog.name, pg_catalog.name, pg_catalog.name, pg_catalog.name, pg_catalog.name, pg_catalog.text) IS
    'tracks an invoices table: validates the columns, attaches the dunning triggers and queues the existing open invoices (key_column NULL = the primary key)';

CREATE FUNCTION ar_credit.untrack(invoices pg_catalog.regclass)
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    owner pg_catalog.oid;
BEGIN
    SELECT c.relowner INTO owner FROM pg_catalog.pg_class AS c WHERE c.oid = invoices;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'relation with OID % does not exist', invoices::pg_catalog.oid USING ERRCODE = '42P01';
    END IF;
    IF NOT pg_catalog.pg_has_role(owner, 'USAGE') THEN
        RAISE EXCEPTION 'must be owner of table %', invoices USING ERRCODE = '42501';
    END IF;
    PERFORM ar_credit.drop_dunning_triggers(invoices);
    DELETE FROM ar_credit.tracked_table AS t WHERE t.relid = invoices;
    IF NOT FOUND THEN
        RAISE NOTICE 'table % is not tracked', invoices;
    END IF;
    UPDATE ar_credit.dunning_queue AS q
       SET state = CASE WHEN q.state IN ('pending', 'claimed', 'suspended') THEN 'cancelled' ELSE q.state END,
           settled = true, updated_at = pg_catalog.now()
     WHERE q.source = invoices AND NOT q.settled;
END
$$;
COMMENT ON FUNCTION ar_credit.untrack(pg_catalog.regclass) IS
    'stops tracking an invoices table: drops its triggers and cancels its live reminders';

-- ---------------------------------------------------------------------
-- schema changes of tracked tables (event triggers, since 0.2.0)
-- ---------------------------------------------------------------------
-- A dropped table's queue rows name an OID that a later table may reuse,
-- so they go with it. SECURITY DEFINER: the owner dropping their table
-- may hold no rights on ar_credit's tables; the function only acts on the
-- OIDs PostgreSQL reports as dropped and cannot be called directly.
CREATE FUNCTION ar_credit.on_sql_drop()
RETURNS event_trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    gone pg_catalog.oid[];
    n_tables pg_catalog.int4;
    n_rows pg_catalog.int8;
BEGIN
    SELECT pg_catalog.array_agg(d.objid) INTO gone
      FROM pg_catalog.pg_event_trigger_dropped_objects() AS d
     WHERE d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.objsubid = 0
       AND d.object_type IN ('table', 'foreign table');
    IF gone IS NULL THEN
        RETURN;
    END IF;
    DELETE FROM ar_credit.tracked_table AS t WHERE t.relid::pg_catalog.oid OPERATOR(pg_catalog.=) ANY (gone);
    GET DIAGNOSTICS n_tables = ROW_COUNT;
    DELETE FROM ar_credit.dunning_queue AS q WHERE q.source::pg_catalog.oid OPERATOR(pg_catalog.=) ANY (gone);
    GET DIAGNOSTICS n_rows = ROW_COUNT;
    IF n_tables > 0 OR n_rows > 0 THEN
        RAISE NOTICE 'ar_credit: stopped tracking % dropped table(s) and removed % queue row(s)', n_tables, n_rows;
    END IF;
END
$$;
COMMENT ON FUNCTION ar_credit.on_sql_drop() IS
    'event trigger: forgets the tracking and queue rows of dropped invoices tables';

-- Renaming or dropping a mapped column would make every later write to the
-- user's table fail in the trigger; refuse the ALTER instead, with the way out.
CREATE FUNCTION ar_credit.on_ddl_command_end()
RETURNS event_trigger
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    bad record;
BEGIN
    FOR bad IN
        SELECT t.relid, m.colname
          FROM pg_catalog.pg_event_trigger_ddl_commands() AS c
          JOIN ar_credit.tracked_table AS t ON t.relid::pg_catalog.oid OPERATOR(pg_catalog.=) c.objid
         CROSS JOIN LATERAL pg_catalog.unnest(t.key_columns
                     OPERATOR(pg_catalog.||) ARRAY[t.due_column, t.amount_column, t.status_column,
                                                   t.customer_column, t.currency_column]) AS m(colname)
         WHERE c.classid = 'pg_catalog.pg_class'::pg_catalog.regclass
           AND c.command_tag = 'ALTER TABLE'
           AND m.colname IS NOT NULL
           AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_attribute AS a
                            WHERE a.attrelid = t.relid AND a.attname = m.colname
                              AND a.attnum > 0 AND NOT a.attisdropped)
    LOOP
        RAISE EXCEPTION 'column "%" of table % is tracked by ar_credit', bad.colname, bad.relid
              USING ERRCODE = '2BP01',
                    DETAIL = 'The dunning trigger reads this column on every write to the table.',
                    HINT = pg_catalog.format('Call ar_credit.untrack(%L) first, change the table, then ar_credit.track() it with the new column names.',
                                             bad.relid::pg_catalog.text);
    END LOOP;
    -- a due or amount column retyped to something the trigger cannot read
    FOR bad IN
        SELECT t.relid, a.attname AS colname, a.atttypid::pg_catalog.regtype AS typ
          FROM pg_catalog.pg_event_trigger_ddl_commands() AS c
          JOIN ar_credit.tracked_table AS t ON t.relid::pg_catalog.oid OPERATOR(pg_catalog.=) c.objid
          JOIN pg_catalog.pg_attribute AS a ON a.attrelid = t.relid AND NOT a.attisdropped
         WHERE c.classid = 'pg_catalog.pg_class'::pg_catalog.regclass
           AND c.command_tag = 'ALTER TABLE'
           AND ((a.attname = t.due_column
                 AND a.atttypid NOT IN ('pg_catalog.date'::pg_catalog.regtype, 'pg_catalog.timestamp'::pg_catalog.regtype,
                                        'pg_catalog.timestamptz'::pg_catalog.regtype))
             OR (a.attname = t.amount_column
                 AND a.atttypid NOT IN ('pg_catalog.numeric'::pg_catalog.regtype, 'pg_catalog.int2'::pg_catalog.regtype,
                                        'pg_catalog.int4'::pg_catalog.regtype, 'pg_catalog.int8'::pg_catalog.regtype,
                                        'pg_catalog.money'::pg_catalog.regtype)))
    LOOP
        RAISE EXCEPTION 'column "%" of table % is tracked by ar_credit and cannot become %', bad.colname, bad.relid, bad.typ
              USING ERRCODE = '2BP01',
                    HINT = 'Due dates must stay date or timestamp, amounts numeric, integer or money.';
    END LOOP;
END
$$;
COMMENT ON FUNCTION ar_credit.on_ddl_command_end() IS
    'event trigger: refuses to rename or drop a column a tracked table maps';

CREATE EVENT TRIGGER ar_credit_sql_drop ON sql_drop
    EXECUTE FUNCTION ar_credit.on_sql_drop();
CREATE EVENT TRIGGER ar_credit_ddl_command_end ON ddl_command_end
    WHEN TAG IN ('ALTER TABLE')
    EXECUTE FUNCTION ar_credit.on_ddl_command_end();
REVOKE ALL ON FUNCTION ar_credit.on_sql_drop(), ar_credit.on_ddl_command_end() FROM PUBLIC;

-- ---------------------------------------------------------------------
-- worker API (SECURITY DEFINER: workers need no rights on the queue itself)
-- ---------------------------------------------------------------------
CREATE FUNCTION ar_credit.claim_reminders(batch pg_catalog.int4 DEFAULT 100,
                                          worker pg_catalog.text DEFAULT CURRENT_USER,
                                          lease pg_catalog.interval DEFAULT '5 minutes',
                                          as_of pg_catalog.date DEFAULT CURRENT_DATE)
RETURNS SETOF ar_credit.dunning_queue
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    IF batch IS NULL OR worker IS NULL OR lease IS NULL OR as_of IS NULL THEN
        RAISE EXCEPTION 'batch, worker, lease and as_of must not be NULL' USING ERRCODE = '22004';
    END IF;
    IF batch < 1 THEN
        RAISE EXCEPTION 'batch must be positive, not %', batch USING ERRCODE = '22023';
    END IF;
    IF lease <= interval '0' THEN
        RAISE EXCEPTION 'lease must be a positive interval, not %', lease USING ERRCODE = '22023';
    END IF;
    IF NOT pg_catalog.isfinite(as_of) THEN
        RAISE EXCEPTION 'as_of must be a finite date, not %', as_of USING ERRCODE = '22008';
    END IF;
    RETURN QUERY
    WITH c AS (
        SELECT q.id
          FROM ar_credit.dunning_queue AS q
         WHERE q.state IN ('pending', 'claimed')
           AND q.remind_on <= claim_reminders.as_of
           AND ((q.state = 'pending' AND (q.next_attempt_at IS NULL OR q.next_attempt_at <= pg_catalog.now()))
                OR (q.state = 'claimed' AND q.claimed_until < pg_catalog.now()))
         ORDER BY q.remind_on, q.id
         LIMIT batch
           FOR UPDATE SKIP LOCKED)
    UPDATE ar_credit.dunning_queue AS q
       SET state = 'claimed', claimed_by = claim_reminders.worker,
           claimed_until = pg_catalog.now() + lease, updated_at = pg_catalog.now()
      FROM c
     WHERE q.id = c.id
    RETURNING q.*;
END
$$;
COMMENT ON FUNCTION ar_credit.claim_reminders(pg_catalog.int4, pg_catalog.text, pg_catalog.interval, pg_catalog.date) IS
    'leases up to batch due reminders to a worker (FOR UPDATE SKIP LOCKED); reminders whose lease expired are claimed again';

CREATE FUNCTION ar_credit.complete_reminder(id pg_catalog.int8)
RETURNS void
LANGUAGE plpgsql VOLATILE STRICT SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    r ar_credit.dunning_queue;
    st pg_catalog.text;
BEGIN
    UPDATE ar_credit.dunning_queue AS q
       SET state = 'sent', claimed_until = NULL, sent_at = pg_catalog.now(), updated_at = pg_catalog.now()
     WHERE q.id = complete_reminder.id AND q.state = 'claimed'
    RETURNING q.* INTO r;
    IF NOT FOUND THEN
        SELECT q.state INTO st FROM ar_credit.dunning_queue AS q WHERE q.id = complete_reminder.id;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'no reminder with id %', complete_reminder.id USING ERRCODE = '22023';
        END IF;
        -- sent already (a retry), or the invoice was settled or disputed meanwhile
        IF st IN ('sent', 'cancelled', 'suspended') THEN
            RETURN;
        END IF;
        RAISE EXCEPTION 'reminder % is %, not claimed', complete_reminder.id, st USING ERRCODE = '55000',
              HINT = 'Claim reminders with ar_credit.claim_reminders() before completing them.';
    END IF;
    -- the next level, while the invoice stays open
    IF NOT r.settled THEN
        INSERT INTO ar_credit.dunning_queue (source, invoice_key, customer_key, level, channel, label, remind_on,
                                             due_date, amount_due, currency, policy)
        SELECT r.source, r.invoice_key, r.customer_key, (x.n).level, (x.n).channel, (x.n).label, (x.n).remind_on,
               r.due_date, r.amount_due, r.currency, r.policy
          FROM (SELECT ar_credit.next_reminder_rec(r.due_date, CURRENT_DATE, r.level, r.policy,
                                                   CURRENT_DATE, 5, r.amount_due) AS n) AS x
         WHERE x.n IS NOT NULL
        ON CONFLICT (source, invoice_key) WHERE state IN ('pending', 'claimed', 'suspended') DO NOTHING;
    END IF;
END
$$;
COMMENT ON FUNCTION ar_credit.complete_reminder(pg_catalog.int8) IS
    'marks a claimed reminder sent and queues the next level while the invoice is open';

CREATE FUNCTION ar_credit.fail_reminder(id pg_catalog.int8, error pg_catalog.text)
RETURNS void
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
    max_attempts pg_catalog.int4 :=
        COALESCE(pg_catalog.current_setting('ar_credit.max_attempts', true), '5')::pg_catalog.int4;
    st pg_catalog.text;
BEGIN
    IF id IS NULL THEN
        RAISE EXCEPTION 'id must not be NULL' USING ERRCODE = '22004';
    END IF;
    -- retry after 1, 2, 4, 8 ... minutes; give up after max_attempts
    UPDATE ar_credit.dunning_queue AS q
       SET attempts = q.attempts + 1, last_error = fail_reminder.error,
           claimed_by = NULL, claimed_until = NULL,
           state = CASE WHEN q.attempts + 1 >= max_attempts THEN 'failed' ELSE 'pending' END,
           next_attempt_at = pg_catalog.now() + pg_catalog.make_interval(mins => (2 ^ q.attempts)::pg_catalog.int4),
           updated_at = pg_catalog.now()
     WHERE q.id = fail_reminder.id AND q.state = 'claimed';
    IF NOT FOUND THEN
        SELECT q.state INTO st FROM ar_credit.dunning_queue AS q WHERE q.id = fail_reminder.id;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'no reminder with id %', fail_reminder.id USING ERRCODE = '22023';
        END IF;
        IF st IN ('cancelled', 'suspended') THEN
            RETURN;
        END IF;
        RAISE EXCEPTION 'reminder % is %, not claimed', fail_reminder.id, st USING ERRCODE = '55000';
    END IF;
END
$$;
COMMENT ON FUNCTION ar_credit.fail_reminder(pg_catalog.int8, pg_catalog.text) IS
    'records a failed send: retried with exponential backoff (1, 2, 4 ... minutes), failed after ar_credit.max_attempts';

-- ---------------------------------------------------------------------
-- views for BI tools
-- ---------------------------------------------------------------------
CREATE VIEW ar_credit.dunning_due AS
SELECT q.id, q.source, q.invoice_key, q.customer_key, q.level, q.channel, q.label, q.remind_on,
       q.due_date, q.amount_due, q.currency, q.state, q.attempts, q.claimed_by, q.claimed_until
  FROM ar_credit.dunning_queue AS q
 WHERE q.state IN ('pending', 'claimed') AND q.remind_on <= CURRENT_DATE;
COMMENT ON VIEW ar_credit.dunning_due IS 'live reminders due today or earlier';

CREATE VIEW ar_credit.open_invoices AS
SELECT DISTINCT ON (q.source, q.invoice_key)
       q.source, q.invoice_key, q.customer_key, q.currency, q.due_date, q.amount_due,
       CURRENT_DATE - q.due_date AS days_past_due,
       ar_credit.aging_bucket(q.due_date, CURRENT_DATE) AS aging_bucket,
       CASE WHEN q.state = 'suspended' THEN 'suspended' ELSE 'open' END AS status,
       CASE WHEN q.state IN ('pending', 'claimed', 'suspended') THEN q.level END AS next_level,
       CASE WHEN q.state IN ('pending', 'claimed', 'suspended') THEN q.channel END AS next_channel,
       CASE WHEN q.state IN ('pending', 'claimed', 'suspended') THEN q.remind_on END AS next_remind_on
  FROM ar_credit.dunning_queue AS q
 WHERE NOT q.settled
 ORDER BY q.source, q.invoice_key, q.id DESC;
COMMENT ON VIEW ar_credit.open_invoices IS 'open (and disputed) invoices of the tracked tables with their next reminder';

CREATE VIEW ar_credit.aging_report AS
SELECT o.source, o.customer_key, o.currency,
       COALESCE(pg_catalog.sum(o.amount_due) FILTER (WHERE o.days_past_due <= 0), 0) AS current,
       COALESCE(pg_catalog.sum(o.amount_due) FILTER (WHERE o.days_past_due BETWEEN 1 AND 30), 0) AS d1_30,
       COALESCE(pg_catalog.sum(o.amount_due) FILTER (WHERE o.days_past_due BETWEEN 31 AND 60), 0) AS d31_60,
       COALESCE(pg_catalog.sum(o.amount_due) FILTER (WHERE o.days_past_due BETWEEN 61 AND 90), 0) AS d61_90,
       COALESCE(pg_catalog.sum(o.amount_due) FILTER (WHERE o.days_past_due > 90), 0) AS over_90,
       COALESCE(pg_catalog.sum(o.amount_due), 0) AS total
  FROM ar_credit.open_invoices AS o
 GROUP BY o.source, o.customer_key, o.currency;
COMMENT ON VIEW ar_credit.aging_report IS 'amount due per tracked table, customer and currency by aging bucket';

-- BI tools show these; the column names are a stable API (test/views.sql)
COMMENT ON COLUMN ar_credit.dunning_due.id IS 'dunning_queue.id: pass it to complete_reminder or fail_reminder';
COMMENT ON COLUMN ar_credit.dunning_due.source IS 'tracked invoices table';
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
COMMENT ON COLUMN ar_credit.open_invoices.source IS 'tracked invoices table';
COMMENT ON COLUMN ar_credit.open_invoices.invoice_key IS 'invoice key (composite keys as a row literal)';
COMMENT ON COLUMN ar_credit.open_invoices.customer_key IS 'customer, or NULL';
COMMENT ON COLUMN ar_credit.open_invoices.currency IS 'currency, or NULL';
COMMENT ON COLUMN ar_credit.open_invoices.due_date IS 'invoice due date';
COMMENT ON COLUMN ar_credit.open_invoices.amount_due IS 'open balance of the invoice';
COMMENT ON COLUMN ar_credit.open_invoices.days_past_due IS 'current_date - due_date (negative: not yet due)';
COMMENT ON COLUMN ar_credit.open_invoices.aging_bucket IS 'aging_bucket(due_date, current_date): current, 1-30, 31-60, 61-90, >90';
COMMENT ON COLUMN ar_credit.open_invoices.status IS 'open, or suspended (disputed, on hold)';
COMMENT ON COLUMN ar_credit.open_invoices.next_level IS 'level of the live reminder, NULL when none is left';
COMMENT ON COLUMN ar_credit.open_invoices.next_channel IS 'channel of the live reminder';
COMMENT ON COLUMN ar_credit.open_invoices.next_remind_on IS 'date of the live reminder';
COMMENT ON COLUMN ar_credit.aging_report.source IS 'tracked invoices table';
COMMENT ON COLUMN ar_credit.aging_report.customer_key IS 'customer, or NULL';
COMMENT ON COLUMN ar_credit.aging_report.currency IS 'currency, or NULL: never add amounts across currencies';
COMMENT ON COLUMN ar_credit.aging_report.current IS 'amount not yet due (days past due <= 0)';
COMMENT ON COLUMN ar_credit.aging_report.d1_30 IS 'amount 1 to 30 days past due';
COMMENT ON COLUMN ar_credit.aging_report.d31_60 IS 'amount 31 to 60 days past due';
COMMENT ON COLUMN ar_credit.aging_report.d61_90 IS 'amount 61 to 90 days past due';
COMMENT ON COLUMN ar_credit.aging_report.over_90 IS 'amount more than 90 days past due';
COMMENT ON COLUMN ar_credit.aging_report.total IS 'total open amount (sum of the buckets)';

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

REVOKE ALL ON ar_credit.dunning_queue, ar_credit.tracked_table, ar_credit.dunning_step FROM PUBLIC;
REVOKE ALL ON FUNCTION ar_credit.claim_reminders(pg_catalog.int4, pg_catalog.text, pg_catalog.interval, pg_catalog.date),
                       ar_credit.complete_reminder(pg_catalog.int8),
                       ar_credit.fail_reminder(pg_catalog.int8, pg_catalog.text),
                       ar_credit.track(pg_catalog.regclass, pg_catalog.name, pg_catalog.name, pg_catalog.name, pg_catalog.name, pg_catalog.name, pg_catalog.name, pg_catalog.text),
                       ar_credit.untrack(pg_catalog.regclass),
                       ar_credit.drop_dunning_triggers(pg_catalog.regclass),
                       ar_credit.attach_dunning_triggers(pg_catalog.regclass),
                       ar_credit.dunning_resync(pg_catalog.regclass, pg_catalog.name)
  FROM PUBLIC;
GRANT SELECT ON ar_credit.dunning_due, ar_credit.open_invoices, ar_credit.aging_report,
                ar_credit.dunning_step TO ar_credit_reader, ar_credit_worker;
GRANT EXECUTE ON FUNCTION ar_credit.claim_reminders(pg_catalog.int4, pg_catalog.text, pg_catalog.interval, pg_catalog.date),
                          ar_credit.complete_reminder(pg_catalog.int8),
                          ar_credit.fail_reminder(pg_catalog.int8, pg_catalog.text)
  TO ar_credit_worker;
-- roles that write tracked invoices tables maintain the queue through the trigger
GRANT SELECT, INSERT, UPDATE ON ar_credit.dunning_queue TO ar_credit_writer;
GRANT SELECT ON ar_credit.dunning_step, ar_credit.tracked_table TO ar_credit_writer;
GRANT USAGE ON SEQUENCE ar_credit.dunning_queue_id_seq TO ar_credit_writer;
