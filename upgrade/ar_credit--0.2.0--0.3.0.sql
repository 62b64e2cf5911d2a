\echo Use "ALTER EXTENSION ar_credit UPDATE TO '0.3.0'" to load this file. \quit
-- ar_credit 0.2.0 -> 0.3.0
--
-- Checked by test/upgrade.sh: a database updated with this script holds the
-- same objects, definitions, privileges and comments as a fresh 0.3.0 install.
-- One section per area, in the order of scripts/NN_area.sql.

-- ---------------------------------------------------------------------
-- 10 terms (SPEC section 11: filters BI tools send)
-- ---------------------------------------------------------------------

-- ---------------------------------------------------------------------
-- 20 aging (SPEC section 11 / issue 16: aggregate states Citus can combine)
-- ---------------------------------------------------------------------

-- The aggregates' state becomes ar_credit.aging_state instead of internal
-- (doc/scale-out.md).  An aggregate's state type cannot be altered: the four
-- aggregates and their support functions are dropped and created again (a
-- user view that calls them must be dropped before the update and created
-- again after it; the update stops first, naming those views).
DO $$
DECLARE
    users text;
BEGIN
    -- a view depends on them through its rewrite rule: name the view
    SELECT pg_catalog.string_agg(DISTINCT coalesce('view ' OPERATOR(pg_catalog.||) r.ev_class::pg_catalog.regclass::pg_catalog.text,
                                                   pg_catalog.pg_describe_object(d.classid, d.objid, d.objsubid)), ', ')
      INTO users
      FROM pg_catalog.pg_depend AS d
      LEFT JOIN pg_catalog.pg_rewrite AS r
        ON d.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_rewrite'::pg_catalog.regclass
       AND r.oid OPERATOR(pg_catalog.=) d.objid
     WHERE d.refclassid OPERATOR(pg_catalog.=) 'pg_catalog.pg_proc'::pg_catalog.regclass
       AND d.deptype OPERATOR(pg_catalog.=) 'n'
       AND d.refobjid OPERATOR(pg_catalog.=) ANY (ARRAY[
             'ar_credit.aging(pg_catalog.numeric, pg_catalog.date, pg_catalog.date, pg_catalog.int4[])'::pg_catalog.regprocedure,
             'ar_credit.aging(pg_catalog.numeric, pg_catalog.date, pg_catalog.date)'::pg_catalog.regprocedure,
             'ar_credit.avg_days_beyond_terms(pg_catalog.numeric, pg_catalog.int4)'::pg_catalog.regprocedure,
             'ar_credit.paydex(pg_catalog.numeric, pg_catalog.int4)'::pg_catalog.regprocedure]::pg_catalog.oid[]);
    IF users IS NOT NULL THEN
        RAISE EXCEPTION 'cannot update ar_credit: % use the aggregates aging, paydex or avg_days_beyond_terms', users
            USING ERRCODE = '2BP01',
                  DETAIL = 'Version 0.3.0 gives these aggregates a new state type, which needs them dropped and created again.',
                  HINT = 'Save the definitions of those objects, drop them, run ALTER EXTENSION ar_credit UPDATE, then create them again.';
    END IF;
END
$$;
DROP AGGREGATE ar_credit.aging(pg_catalog.numeric, pg_catalog.date, pg_catalog.date, pg_catalog.int4[]);
DROP AGGREGATE ar_credit.aging(pg_catalog.numeric, pg_catalog.date, pg_catalog.date);
DROP AGGREGATE ar_credit.avg_days_beyond_terms(pg_catalog.numeric, pg_catalog.int4);
DROP AGGREGATE ar_credit.paydex(pg_catalog.numeric, pg_catalog.int4);
DROP FUNCTION ar_credit.aging_transfn(pg_catalog.internal, pg_catalog.numeric, pg_catalog.date,
                                      pg_catalog.date, pg_catalog.int4[]);
DROP FUNCTION ar_credit.aging_transfn(pg_catalog.internal, pg_catalog.numeric, pg_catalog.date, pg_catalog.date);
DROP FUNCTION ar_credit.aging_finalfn(pg_catalog.internal);
DROP FUNCTION ar_credit.aging_combinefn(pg_catalog.internal, pg_catalog.internal);
DROP FUNCTION ar_credit.aging_serialfn(pg_catalog.internal);
DROP FUNCTION ar_credit.aging_deserialfn(pg_catalog.bytea, pg_catalog.internal);
DROP FUNCTION ar_credit.kpi_beyond_terms_transfn(pg_catalog.internal, pg_catalog.numeric, pg_catalog.int4);
DROP FUNCTION ar_credit.kpi_signed_days_transfn(pg_catalog.internal, pg_catalog.numeric, pg_catalog.int4);
DROP FUNCTION ar_credit.kpi_avg_days_finalfn(pg_catalog.internal);
DROP FUNCTION ar_credit.kpi_paydex_finalfn(pg_catalog.internal);
DROP FUNCTION ar_credit.kpi_combinefn(pg_catalog.internal, pg_catalog.internal);
DROP FUNCTION ar_credit.kpi_serialfn(pg_catalog.internal);
DROP FUNCTION ar_credit.kpi_deserialfn(pg_catalog.bytea, pg_catalog.internal);

-- The state of the aggregates: a real type, not internal, so that Citus can
-- compute partial aggregates on the nodes that hold the rows and combine them
-- where the query runs (it ships a partial state as its text form).
CREATE TYPE ar_credit.aging_state;
CREATE FUNCTION ar_credit.aging_state_in(pg_catalog.cstring)
RETURNS ar_credit.aging_state AS 'MODULE_PATHNAME', 'aging_state_in'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ar_credit.aging_state_in(pg_catalog.cstring) IS
    'text input of aging_state (partial aggregate states shipped between nodes)';
CREATE FUNCTION ar_credit.aging_state_out(ar_credit.aging_state)
RETURNS pg_catalog.cstring AS 'MODULE_PATHNAME', 'aging_state_out'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ar_credit.aging_state_out(ar_credit.aging_state) IS
    'text output of aging_state: "aging {bounds} total ..." or "kpi amount weighted", - for an empty total';
CREATE TYPE ar_credit.aging_state (
    INPUT = ar_credit.aging_state_in,
    OUTPUT = ar_credit.aging_state_out,
    INTERNALLENGTH = VARIABLE,
    ALIGNMENT = double,
    STORAGE = plain
);
COMMENT ON TYPE ar_credit.aging_state IS
    'transition state of aging, avg_days_beyond_terms and paydex: exact per-bucket sums';

CREATE FUNCTION ar_credit.aging_state_combine(ar_credit.aging_state, ar_credit.aging_state)
RETURNS ar_credit.aging_state AS 'MODULE_PATHNAME', 'aging_state_combine'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION ar_credit.aging_state_combine(ar_credit.aging_state, ar_credit.aging_state) IS
    'combine function of aging, avg_days_beyond_terms and paydex (parallel query, Citus)';

-- aging(amount, due, as_of [, bounds]) -> numeric[]
CREATE FUNCTION ar_credit.aging_transfn(ar_credit.aging_state, pg_catalog.numeric, pg_catalog.date,
                                        pg_catalog.date, pg_catalog.int4[])
RETURNS ar_credit.aging_state AS 'MODULE_PATHNAME', 'aging_transfn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION ar_credit.aging_transfn(ar_credit.aging_state, pg_catalog.numeric, pg_catalog.date,
                                           pg_catalog.date, pg_catalog.int4[]) IS
    'transition function of aging(amount, due, as_of, bounds)';
CREATE FUNCTION ar_credit.aging_transfn(ar_credit.aging_state, pg_catalog.numeric, pg_catalog.date,
                                        pg_catalog.date)
RETURNS ar_credit.aging_state AS 'MODULE_PATHNAME', 'aging_transfn_default'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION ar_credit.aging_transfn(ar_credit.aging_state, pg_catalog.numeric, pg_catalog.date,
                                           pg_catalog.date) IS
    'transition function of aging(amount, due, as_of)';
CREATE FUNCTION ar_credit.aging_finalfn(ar_credit.aging_state)
RETURNS pg_catalog.numeric[] AS 'MODULE_PATHNAME', 'aging_finalfn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION ar_credit.aging_finalfn(ar_credit.aging_state) IS
    'final function of aging: the bucket totals';

CREATE AGGREGATE ar_credit.aging(amount pg_catalog.numeric, due pg_catalog.date, as_of pg_catalog.date,
                                 bounds pg_catalog.int4[]) (
    SFUNC = ar_credit.aging_transfn,
    STYPE = ar_credit.aging_state,
    FINALFUNC = ar_credit.aging_finalfn,
    COMBINEFUNC = ar_credit.aging_state_combine,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE ar_credit.aging(pg_catalog.numeric, pg_catalog.date, pg_catalog.date, pg_catalog.int4[]) IS
    'amount per aging bucket: {current, up to bounds[1], ..., beyond the last bound}; NULL rows skipped, NULL without rows';

CREATE AGGREGATE ar_credit.aging(amount pg_catalog.numeric, due pg_catalog.date, as_of pg_catalog.date) (
    SFUNC = ar_credit.aging_transfn,
    STYPE = ar_credit.aging_state,
    FINALFUNC = ar_credit.aging_finalfn,
    COMBINEFUNC = ar_credit.aging_state_combine,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE ar_credit.aging(pg_catalog.numeric, pg_catalog.date, pg_catalog.date) IS
    'amount per aging bucket {current, 1-30, 31-60, 61-90, >90}; NULL rows skipped, NULL without rows';

-- collection KPIs
CREATE FUNCTION ar_credit.kpi_beyond_terms_transfn(ar_credit.aging_state, pg_catalog.numeric, pg_catalog.int4)
RETURNS ar_credit.aging_state AS 'MODULE_PATHNAME', 'kpi_beyond_terms_transfn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION ar_credit.kpi_beyond_terms_transfn(ar_credit.aging_state, pg_catalog.numeric, pg_catalog.int4) IS
    'transition function of avg_days_beyond_terms (days clamped at 0)';
CREATE FUNCTION ar_credit.kpi_signed_days_transfn(ar_credit.aging_state, pg_catalog.numeric, pg_catalog.int4)
RETURNS ar_credit.aging_state AS 'MODULE_PATHNAME', 'kpi_signed_days_transfn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION ar_credit.kpi_signed_days_transfn(ar_credit.aging_state, pg_catalog.numeric, pg_catalog.int4) IS
    'transition function of paydex (signed days)';
CREATE FUNCTION ar_credit.kpi_avg_days_finalfn(ar_credit.aging_state)
RETURNS pg_catalog.numeric AS 'MODULE_PATHNAME', 'kpi_avg_days_finalfn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION ar_credit.kpi_avg_days_finalfn(ar_credit.aging_state) IS
    'final function of avg_days_beyond_terms';
CREATE FUNCTION ar_credit.kpi_paydex_finalfn(ar_credit.aging_state)
RETURNS pg_catalog.int4 AS 'MODULE_PATHNAME', 'kpi_paydex_finalfn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION ar_credit.kpi_paydex_finalfn(ar_credit.aging_state) IS
    'final function of paydex';

CREATE AGGREGATE ar_credit.avg_days_beyond_terms(amount pg_catalog.numeric, days_late pg_catalog.int4) (
    SFUNC = ar_credit.kpi_beyond_terms_transfn,
    STYPE = ar_credit.aging_state,
    FINALFUNC = ar_credit.kpi_avg_days_finalfn,
    COMBINEFUNC = ar_credit.aging_state_combine,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE ar_credit.avg_days_beyond_terms(pg_catalog.numeric, pg_catalog.int4) IS
    'amount-weighted average days beyond terms (early payments count as 0), 2 decimals; rows with amount <= 0 ignored';

CREATE AGGREGATE ar_credit.paydex(amount pg_catalog.numeric, days_late pg_catalog.int4) (
    SFUNC = ar_credit.kpi_signed_days_transfn,
    STYPE = ar_credit.aging_state,
    FINALFUNC = ar_credit.kpi_paydex_finalfn,
    COMBINEFUNC = ar_credit.aging_state_combine,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE ar_credit.paydex(pg_catalog.numeric, pg_catalog.int4) IS
    'payment index 1-100 from amount-weighted days late: 100 = 30 days early, 80 = on time, 50 = 30 late, 20 = 120+ late';

-- ---------------------------------------------------------------------
-- 50 dunning (SPEC sections 7 and 10: tracking any finance table, workers)
-- ---------------------------------------------------------------------
