\echo Use "CREATE EXTENSION ar_credit" to load this file. \quit
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

-- The comparison operators and min()/max() live in schema pg_catalog, not
-- ar_credit: the parser looks operators and aggregates up on the search path
-- only, and pg_catalog is always on it, so `terms = 'net 30'`, `IN (...)`,
-- CASE ... WHEN and min(terms) work as BI tools send them without ar_credit on
-- the search path (SPEC sections 11 and 12).  Their argument types are
-- ar_credit's own type, so they cannot collide with a built-in operator, and
-- they are members of the extension like everything else (DROP EXTENSION
-- drops them; pg_dump leaves them to CREATE EXTENSION).  doc/bi.md, "Terms
-- filters", explains the choice.
CREATE OPERATOR pg_catalog.= (
    LEFTARG = ar_credit.payment_terms, RIGHTARG = ar_credit.payment_terms,
    PROCEDURE = ar_credit.payment_terms_eq,
    COMMUTATOR = OPERATOR(pg_catalog.=), NEGATOR = OPERATOR(pg_catalog.<>),
    RESTRICT = pg_catalog.eqsel, JOIN = pg_catalog.eqjoinsel, HASHES, MERGES
);
CREATE OPERATOR pg_catalog.<> (
    LEFTARG = ar_credit.payment_terms, RIGHTARG = ar_credit.payment_terms,
    PROCEDURE = ar_credit.payment_terms_ne,
    COMMUTATOR = OPERATOR(pg_catalog.<>), NEGATOR = OPERATOR(pg_catalog.=),
    RESTRICT = pg_catalog.neqsel, JOIN = pg_catalog.neqjoinsel
);
CREATE OPERATOR pg_catalog.< (
    LEFTARG = ar_credit.payment_terms, RIGHTARG = ar_credit.payment_terms,
    PROCEDURE = ar_credit.payment_terms_lt,
    COMMUTATOR = OPERATOR(pg_catalog.>), NEGATOR = OPERATOR(pg_catalog.>=),
    RESTRICT = pg_catalog.scalarltsel, JOIN = pg_catalog.scalarltjoinsel
);
CREATE OPERATOR pg_catalog.<= (
    LEFTARG = ar_credit.payment_terms, RIGHTARG = ar_credit.payment_terms,
    PROCEDURE = ar_credit.payment_terms_le,
    COMMUTATOR = OPERATOR(pg_catalog.>=), NEGATOR = OPERATOR(pg_catalog.>),
    RESTRICT = pg_catalog.scalarlesel, JOIN = pg_catalog.scalarlejoinsel
);
CREATE OPERATOR pg_catalog.> (
    LEFTARG = ar_credit.payment_terms, RIGHTARG = ar_credit.payment_terms,
    PROCEDURE = ar_credit.payment_terms_gt,
    COMMUTATOR = OPERATOR(pg_catalog.<), NEGATOR = OPERATOR(pg_catalog.<=),
    RESTRICT = pg_catalog.scalargtsel, JOIN = pg_catalog.scalargtjoinsel
);
CREATE OPERATOR pg_catalog.>= (
    LEFTARG = ar_credit.payment_terms, RIGHTARG = ar_credit.payment_terms,
    PROCEDURE = ar_credit.payment_terms_ge,
    COMMUTATOR = OPERATOR(pg_catalog.<=), NEGATOR = OPERATOR(pg_catalog.<),
    RESTRICT = pg_catalog.scalargesel, JOIN = pg_catalog.scalargejoinsel
);

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

CREATE OPERATOR CLASS ar_credit.payment_terms_ops
DEFAULT FOR TYPE ar_credit.payment_terms USING btree AS
    OPERATOR 1 pg_catalog.< ,
    OPERATOR 2 pg_catalog.<= ,
    OPERATOR 3 pg_catalog.= ,
    OPERATOR 4 pg_catalog.>= ,
    OPERATOR 5 pg_catalog.> ,
    FUNCTION 1 ar_credit.payment_terms_cmp(ar_credit.payment_terms, ar_credit.payment_terms);

CREATE OPERATOR CLASS ar_credit.payment_terms_hash_ops
DEFAULT FOR TYPE ar_credit.payment_terms USING hash AS
    OPERATOR 1 pg_catalog.= ,
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

-- min() and max() over terms (e.g. the longest terms granted to a customer),
-- in pg_catalog like the operators (see above)
CREATE FUNCTION ar_credit.payment_terms_smaller(ar_credit.payment_terms, ar_credit.payment_terms)
RETURNS ar_credit.payment_terms AS 'MODULE_PATHNAME', 'payment_terms_smaller'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION ar_credit.payment_terms_larger(ar_credit.payment_terms, ar_credit.payment_terms)
RETURNS ar_credit.payment_terms AS 'MODULE_PATHNAME', 'payment_terms_larger'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE AGGREGATE pg_catalog.min(ar_credit.payment_terms) (
    SFUNC = ar_credit.payment_terms_smaller,
    STYPE = ar_credit.payment_terms,
    COMBINEFUNC = ar_credit.payment_terms_smaller,
    SORTOP = OPERATOR(pg_catalog.<),
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE pg_catalog.min(ar_credit.payment_terms) IS 'shortest payment terms (by max_term_days, then canonical text)';

CREATE AGGREGATE pg_catalog.max(ar_credit.payment_terms) (
    SFUNC = ar_credit.payment_terms_larger,
    STYPE = ar_credit.payment_terms,
    COMBINEFUNC = ar_credit.payment_terms_larger,
    SORTOP = OPERATOR(pg_catalog.>),
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE pg_catalog.max(ar_credit.payment_terms) IS 'longest payment terms (by max_term_days, then canonical text)';

-- Casts from text and varchar, implicit: a BI tool binds a filter value as
-- varchar (JDBC setString) or text (psycopg 3 binary, Npgsql), and only an
-- implicit cast lets the parser match `terms = $1` to the operator above and
-- `ar_credit.due_date($1, $2)` to the function; an assignment cast would cover
-- INSERT and UPDATE only.  The conversion is the type's input function (WITH
-- INOUT), so bad text raises 22P02 naming the token, as a literal does.
-- There is deliberately no implicit cast the other way: `terms = text` must
-- compare terms, never canonical strings, and the built-in string operators
-- must stay unambiguous (test/terms.sql checks both).
CREATE CAST (pg_catalog.text AS ar_credit.payment_terms) WITH INOUT AS IMPLICIT;
COMMENT ON CAST (pg_catalog.text AS ar_credit.payment_terms) IS
    'parses the text as payment terms (implicit, so that text parameters of BI tools and drivers compare with terms columns)';
CREATE CAST (pg_catalog.varchar AS ar_credit.payment_terms) WITH INOUT AS IMPLICIT;
COMMENT ON CAST (pg_catalog.varchar AS ar_credit.payment_terms) IS
    'parses the varchar as payment terms (implicit, so that JDBC setString parameters compare with terms columns)';
