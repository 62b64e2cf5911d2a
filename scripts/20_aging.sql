\echo Use "CREATE EXTENSION ar_credit" to load this file. \quit
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
