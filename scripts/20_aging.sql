\echo Use "CREATE EXTENSION ar_credit" to load this file. \quit
-- ar_credit install script, section 20: aging buckets and collection KPIs
-- (SPEC section 2). The aggregates keep exact sums in a state of type
-- ar_credit.aging_state (not internal) and share one combine function, so
-- parallel query and Citus (doc/scale-out.md) can both split them.

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
