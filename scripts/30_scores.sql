\echo Use "CREATE EXTENSION ar_credit" to load this file. \quit
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
    shipped      pg_catalog.bool NOT NULL DEFAULT false,
    dunning_policy pg_catalog.text
);
-- NaN sorts above every number, so upper bounds also keep NaN and Infinity out
ALTER TABLE ar_credit.credit_policy
    ADD CONSTRAINT credit_policy_limit_factor_max CHECK (limit_factor OPERATOR(pg_catalog.<=) 1000);
COMMENT ON TABLE ar_credit.credit_policy IS
    'payment terms, deposit (percent of the order) and credit-limit factor granted to each risk class A..E';

COMMENT ON COLUMN ar_credit.credit_policy.dunning_policy IS
    'dunning policy (ar_credit.dunning_step) for the invoices of customers of this class; NULL: the tracked table''s';

INSERT INTO ar_credit.credit_policy (risk_class, terms, deposit_pct, limit_factor, shipped, dunning_policy) VALUES
    ('A', '60D', 0, 1.5, true, NULL),
    ('B', '45D', 0, 1.0, true, NULL),
    ('C', '30D', 0, 0.75, true, NULL),
    ('D', '15D', 25, 0.5, true, 'strict'),
    ('E', 'immediate', 50, 0, true, 'strict');

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
