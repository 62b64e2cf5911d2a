\echo Use "ALTER EXTENSION ar_credit UPDATE TO '0.3.0'" to load this file. \quit
-- ar_credit 0.2.0 -> 0.3.0
--
-- Checked by test/upgrade.sh: a database updated with this script holds the
-- same objects, definitions, privileges and comments as a fresh 0.3.0 install.
-- One section per area, in the order of scripts/NN_area.sql.

-- ---------------------------------------------------------------------
-- 10 terms (SPEC section 11: filters BI tools send)
-- ---------------------------------------------------------------------

-- The operators and min()/max() move to pg_catalog (scripts/10_terms.sql says
-- why): ALTER ... SET SCHEMA keeps their OIDs, so indexes, the operator
-- classes and user views that use them are untouched.  Queries that spelled
-- OPERATOR(ar_credit.=) must now write = (doc/bi.md, "Upgrading from 0.2.0").
ALTER OPERATOR ar_credit.= (ar_credit.payment_terms, ar_credit.payment_terms) SET SCHEMA pg_catalog;
ALTER OPERATOR ar_credit.<> (ar_credit.payment_terms, ar_credit.payment_terms) SET SCHEMA pg_catalog;
ALTER OPERATOR ar_credit.< (ar_credit.payment_terms, ar_credit.payment_terms) SET SCHEMA pg_catalog;
ALTER OPERATOR ar_credit.<= (ar_credit.payment_terms, ar_credit.payment_terms) SET SCHEMA pg_catalog;
ALTER OPERATOR ar_credit.> (ar_credit.payment_terms, ar_credit.payment_terms) SET SCHEMA pg_catalog;
ALTER OPERATOR ar_credit.>= (ar_credit.payment_terms, ar_credit.payment_terms) SET SCHEMA pg_catalog;
ALTER AGGREGATE ar_credit.min(ar_credit.payment_terms) SET SCHEMA pg_catalog;
ALTER AGGREGATE ar_credit.max(ar_credit.payment_terms) SET SCHEMA pg_catalog;

COMMENT ON OPERATOR pg_catalog.= (ar_credit.payment_terms, ar_credit.payment_terms) IS
    'payment terms are equal (same canonical formula); in pg_catalog so that it is found without ar_credit on the search path';
COMMENT ON OPERATOR pg_catalog.<> (ar_credit.payment_terms, ar_credit.payment_terms) IS
    'payment terms differ; in pg_catalog so that it is found without ar_credit on the search path';
COMMENT ON OPERATOR pg_catalog.< (ar_credit.payment_terms, ar_credit.payment_terms) IS
    'shorter payment terms (max_term_days, then canonical text); in pg_catalog so that it is found without ar_credit on the search path';
COMMENT ON OPERATOR pg_catalog.<= (ar_credit.payment_terms, ar_credit.payment_terms) IS
    'shorter or equal payment terms; in pg_catalog so that it is found without ar_credit on the search path';
COMMENT ON OPERATOR pg_catalog.> (ar_credit.payment_terms, ar_credit.payment_terms) IS
    'longer payment terms (max_term_days, then canonical text); in pg_catalog so that it is found without ar_credit on the search path';
COMMENT ON OPERATOR pg_catalog.>= (ar_credit.payment_terms, ar_credit.payment_terms) IS
    'longer or equal payment terms; in pg_catalog so that it is found without ar_credit on the search path';

CREATE CAST (pg_catalog.text AS ar_credit.payment_terms) WITH INOUT AS IMPLICIT;
COMMENT ON CAST (pg_catalog.text AS ar_credit.payment_terms) IS
    'parses the text as payment terms (implicit, so that text parameters of BI tools and drivers compare with terms columns)';
CREATE CAST (pg_catalog.varchar AS ar_credit.payment_terms) WITH INOUT AS IMPLICIT;
COMMENT ON CAST (pg_catalog.varchar AS ar_credit.payment_terms) IS
    'parses the varchar as payment terms (implicit, so that JDBC setString parameters compare with terms columns)';


-- ---------------------------------------------------------------------
-- 20 aging (SPEC section 11 / issue 16: aggregate states Citus can combine)
-- ---------------------------------------------------------------------

-- ---------------------------------------------------------------------
-- 50 dunning (SPEC sections 7 and 10: tracking any finance table, workers)
-- ---------------------------------------------------------------------
