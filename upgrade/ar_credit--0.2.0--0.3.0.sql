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

-- ---------------------------------------------------------------------
-- 60 identity (issue 19: SIREN, SIRET and EU VAT numbers; new in 0.3.0)
-- ---------------------------------------------------------------------

CREATE FUNCTION ar_credit.siren_valid(siren pg_catalog.text)
RETURNS pg_catalog.bool AS 'MODULE_PATHNAME', 'identity_siren_valid'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ar_credit.siren_valid(pg_catalog.text) IS
    'true for a French SIREN: 9 digits (spaces, dots, dashes ignored) passing the Luhn check (INSEE); false otherwise';

CREATE FUNCTION ar_credit.siret_valid(siret pg_catalog.text)
RETURNS pg_catalog.bool AS 'MODULE_PATHNAME', 'identity_siret_valid'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ar_credit.siret_valid(pg_catalog.text) IS
    'true for a French SIRET: 14 digits, a valid SIREN then the NIC, passing Luhn, or for La Poste (SIREN 356000000) digits summing to a multiple of 5; false otherwise';

CREATE FUNCTION ar_credit.siren_normalize(siren pg_catalog.text)
RETURNS pg_catalog.text AS 'MODULE_PATHNAME', 'identity_siren_normalize'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ar_credit.siren_normalize(pg_catalog.text) IS
    'a SIREN as its 9 digits without separators; 22P02 saying why when it is not valid';

CREATE FUNCTION ar_credit.siret_normalize(siret pg_catalog.text)
RETURNS pg_catalog.text AS 'MODULE_PATHNAME', 'identity_siret_normalize'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ar_credit.siret_normalize(pg_catalog.text) IS
    'a SIRET as its 14 digits without separators; 22P02 saying why when it is not valid';

CREATE FUNCTION ar_credit.vat_fr_key(siren pg_catalog.text)
RETURNS pg_catalog.text AS 'MODULE_PATHNAME', 'identity_vat_fr_key'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ar_credit.vat_fr_key(pg_catalog.text) IS
    'the 2-digit key of the French VAT number of a SIREN: (12 + 3 x (SIREN mod 97)) mod 97; 22P02 for an invalid SIREN';

CREATE FUNCTION ar_credit.vat_valid(vat pg_catalog.text)
RETURNS pg_catalog.bool AS 'MODULE_PATHNAME', 'identity_vat_valid'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ar_credit.vat_valid(pg_catalog.text) IS
    'true for an EU VAT identification number: member-state prefix (EL for Greece), that state''s format and, where published, check digits (see vat_rules()); false otherwise';

CREATE FUNCTION ar_credit.vat_normalize(vat pg_catalog.text)
RETURNS pg_catalog.text AS 'MODULE_PATHNAME', 'identity_vat_normalize'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION ar_credit.vat_normalize(pg_catalog.text) IS
    'an EU VAT number in canonical form (upper case, no spaces, dots or dashes); 22P02 saying why when it is not valid';

CREATE FUNCTION ar_credit.vat_rules(OUT prefix pg_catalog.text, OUT country pg_catalog.text,
                                    OUT formats pg_catalog.text[], OUT checks pg_catalog.text)
RETURNS SETOF record AS 'MODULE_PATHNAME', 'identity_vat_rules'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 27;
COMMENT ON FUNCTION ar_credit.vat_rules() IS
    'what vat_valid checks for each member state: prefix, country, formats after the prefix (9 digit, A letter, X letter or digit, S letter, + or *) and the check applied';
