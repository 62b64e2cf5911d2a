--
-- pgTAP behaviour tests of the solvency scores, risk classes and credit
-- policy (SPEC section 3).
--
-- Every expected score below is worked out by hand: the ratio arithmetic is
-- in the comments and, step by step, in doc/scores_worked_examples.md.
-- Coefficients and cut-offs are the published ones (src/scores.c, sources
-- cited there).  Model scores are exact numeric sums rounded to 4 decimals,
-- half away from zero.  Tests marked "Regression" assert the correct behaviour of
-- something the implementation gets wrong.  Run with pg_prove in a database
-- where pgtap is installed.
--
BEGIN;
CREATE EXTENSION ar_credit;
SET LOCAL search_path = public, ar_credit;
SET LOCAL datestyle = 'ISO, YMD';

SELECT plan(212);

-- helper (rolled back with everything else): the value q returns as text,
-- or "SQLSTATE message" of the error it raises
CREATE SCHEMA scores_t;
CREATE FUNCTION scores_t.result_of(q text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    r text;
BEGIN
    EXECUTE q INTO r;
    RETURN r;
EXCEPTION WHEN OTHERS THEN
    RETURN SQLSTATE || ' ' || left(SQLERRM, 80);
END $$;

-- ---------------------------------------------------------------------------
-- signatures, argument names, volatility, strictness
-- ---------------------------------------------------------------------------
SELECT has_function('ar_credit', 'altman_z', ARRAY['numeric', 'numeric', 'numeric', 'numeric', 'numeric', 'numeric', 'numeric'],
                    'altman_z(7 x numeric)');
SELECT has_function('ar_credit', 'altman_z_prime', ARRAY['numeric', 'numeric', 'numeric', 'numeric', 'numeric', 'numeric', 'numeric'],
                    'altman_z_prime(7 x numeric)');
SELECT has_function('ar_credit', 'altman_z_double_prime', ARRAY['numeric', 'numeric', 'numeric', 'numeric', 'numeric', 'numeric'],
                    'altman_z_double_prime(6 x numeric)');
SELECT has_function('ar_credit', 'altman_zone', ARRAY['numeric', 'text'], 'altman_zone(numeric, text)');
SELECT has_function('ar_credit', 'conan_holder', ARRAY['numeric', 'numeric', 'numeric', 'numeric', 'numeric'],
                    'conan_holder(5 x numeric)');
SELECT has_function('ar_credit', 'conan_holder_zone', ARRAY['numeric'], 'conan_holder_zone(numeric)');
SELECT has_function('ar_credit', 'financial_score', ARRAY['numeric', 'text'], 'financial_score(numeric, text)');
SELECT has_function('ar_credit', 'solvency_score', ARRAY['numeric', 'integer', 'numeric', 'numeric'],
                    'solvency_score(numeric, integer, numeric, numeric)');
SELECT has_function('ar_credit', 'risk_class', ARRAY['integer'], 'risk_class(integer)');
SELECT has_function('ar_credit', 'recommended_terms', ARRAY['text'], 'recommended_terms(text)');

SELECT function_returns('ar_credit', 'altman_z', ARRAY['numeric', 'numeric', 'numeric', 'numeric', 'numeric', 'numeric', 'numeric'],
                        'numeric', 'altman_z returns numeric');
SELECT function_returns('ar_credit', 'altman_z_double_prime', ARRAY['numeric', 'numeric', 'numeric', 'numeric', 'numeric', 'numeric'],
                        'numeric', 'altman_z_double_prime returns numeric');
SELECT function_returns('ar_credit', 'altman_zone', ARRAY['numeric', 'text'], 'text', 'altman_zone returns text');
SELECT function_returns('ar_credit', 'solvency_score', ARRAY['numeric', 'integer', 'numeric', 'numeric'], 'integer',
                        'solvency_score returns integer');
SELECT function_returns('ar_credit', 'risk_class', ARRAY['integer'], 'text', 'risk_class returns text');
SELECT function_returns('ar_credit', 'recommended_terms', ARRAY['text'], 'payment_terms', 'recommended_terms returns payment_terms');

SELECT is(pg_get_function_arguments('ar_credit.altman_z(numeric,numeric,numeric,numeric,numeric,numeric,numeric)'::regprocedure),
          'working_capital numeric, retained_earnings numeric, ebit numeric, market_value_equity numeric, sales numeric, total_assets numeric, total_liabilities numeric',
          'altman_z argument names');
SELECT is(pg_get_function_arguments('ar_credit.altman_z_prime(numeric,numeric,numeric,numeric,numeric,numeric,numeric)'::regprocedure),
          'working_capital numeric, retained_earnings numeric, ebit numeric, book_value_equity numeric, sales numeric, total_assets numeric, total_liabilities numeric',
          'altman_z_prime argument names (book value of equity)');
SELECT is(pg_get_function_arguments('ar_credit.altman_z_double_prime(numeric,numeric,numeric,numeric,numeric,numeric)'::regprocedure),
          'working_capital numeric, retained_earnings numeric, ebit numeric, book_value_equity numeric, total_assets numeric, total_liabilities numeric',
          'altman_z_double_prime argument names (no sales)');
SELECT is(pg_get_function_arguments('ar_credit.altman_zone(numeric,text)'::regprocedure),
          'z numeric, model text DEFAULT ''z''::text', 'altman_zone: model defaults to z');
SELECT is(pg_get_function_arguments('ar_credit.financial_score(numeric,text)'::regprocedure),
          'score numeric, model text DEFAULT ''z''::text', 'financial_score: model defaults to z');
SELECT is(pg_get_function_arguments('ar_credit.solvency_score(numeric,integer,numeric,numeric)'::regprocedure),
          'financial_score numeric, paydex integer, exposure numeric, credit_limit numeric', 'solvency_score argument names');
SELECT is(pg_get_function_arguments('ar_credit.recommended_terms(text)'::regprocedure),
          'risk_class text', 'recommended_terms argument name');

SELECT volatility_is('ar_credit', 'altman_z', ARRAY['numeric', 'numeric', 'numeric', 'numeric', 'numeric', 'numeric', 'numeric'],
                     'immutable', 'altman_z is immutable');
SELECT volatility_is('ar_credit', 'conan_holder', ARRAY['numeric', 'numeric', 'numeric', 'numeric', 'numeric'],
                     'immutable', 'conan_holder is immutable');
SELECT volatility_is('ar_credit', 'solvency_score', ARRAY['numeric', 'integer', 'numeric', 'numeric'],
                     'immutable', 'solvency_score is immutable');
SELECT volatility_is('ar_credit', 'risk_class', ARRAY['integer'], 'immutable', 'risk_class is immutable');
-- reads credit_policy: not immutable
SELECT volatility_is('ar_credit', 'recommended_terms', ARRAY['text'], 'stable', 'recommended_terms is stable');

SELECT is_strict('ar_credit', 'altman_z', ARRAY['numeric', 'numeric', 'numeric', 'numeric', 'numeric', 'numeric', 'numeric'],
                 'altman_z is strict');
SELECT is_strict('ar_credit', 'altman_zone', ARRAY['numeric', 'text'], 'altman_zone is strict');
SELECT is_strict('ar_credit', 'financial_score', ARRAY['numeric', 'text'], 'financial_score is strict');
SELECT is_strict('ar_credit', 'risk_class', ARRAY['integer'], 'risk_class is strict');
SELECT isnt_strict('ar_credit', 'solvency_score', ARRAY['numeric', 'integer', 'numeric', 'numeric'],
                   'solvency_score is not strict (a NULL part is left out)');

-- ---------------------------------------------------------------------------
-- coefficients, one ratio at a time (every other ratio 0, denominators 1)
-- ---------------------------------------------------------------------------
SELECT is(ARRAY[altman_z(1, 0, 0, 0, 0, 1, 1), altman_z(0, 1, 0, 0, 0, 1, 1), altman_z(0, 0, 1, 0, 0, 1, 1),
                altman_z(0, 0, 0, 1, 0, 1, 1), altman_z(0, 0, 0, 0, 1, 1, 1)],
          ARRAY[1.2, 1.4, 3.3, 0.6, 1.0]::numeric[], 'Z coefficients 1.2, 1.4, 3.3, 0.6, 1.0 in order X1..X5');
SELECT is(ARRAY[altman_z_prime(1, 0, 0, 0, 0, 1, 1), altman_z_prime(0, 1, 0, 0, 0, 1, 1), altman_z_prime(0, 0, 1, 0, 0, 1, 1),
                altman_z_prime(0, 0, 0, 1, 0, 1, 1), altman_z_prime(0, 0, 0, 0, 1, 1, 1)],
          ARRAY[0.717, 0.847, 3.107, 0.420, 0.998]::numeric[], 'Z'' coefficients 0.717, 0.847, 3.107, 0.420, 0.998');
SELECT is(ARRAY[altman_z_double_prime(1, 0, 0, 0, 1, 1), altman_z_double_prime(0, 1, 0, 0, 1, 1),
                altman_z_double_prime(0, 0, 1, 0, 1, 1), altman_z_double_prime(0, 0, 0, 1, 1, 1)],
          ARRAY[6.56, 3.26, 6.72, 1.05]::numeric[], 'Z'''' coefficients 6.56, 3.26, 6.72, 1.05');
SELECT is(ARRAY[conan_holder(1, 0, 0, 0, 0), conan_holder(0, 1, 0, 0, 0), conan_holder(0, 0, 1, 0, 0),
                conan_holder(0, 0, 0, 1, 0), conan_holder(0, 0, 0, 0, 1)],
          ARRAY[0.24, 0.22, 0.16, -0.87, -0.10]::numeric[], 'Conan-Holder coefficients 0.24, 0.22, 0.16, -0.87, -0.10 in order R1..R5');
-- X4 is over total liabilities, the others over total assets
SELECT is(altman_z(0, 0, 0, 500, 0, 1000, 250), 1.2000, 'Z: X4 = market equity / total liabilities (0.6 x 500/250)');

-- ---------------------------------------------------------------------------
-- Altman Z (1968) worked examples
-- ---------------------------------------------------------------------------
-- Z1: WC 200, RE 300, EBIT 150, MVE 900, sales 1500, TA 1000, TL 600
--   X1 = 200/1000 = 0.2    x 1.2 = 0.24
--   X2 = 300/1000 = 0.3    x 1.4 = 0.42
--   X3 = 150/1000 = 0.15   x 3.3 = 0.495
--   X4 = 900/600  = 1.5    x 0.6 = 0.9
--   X5 = 1500/1000 = 1.5   x 1.0 = 1.5          Z = 3.555 -> 3.5550 (safe)
SELECT is(altman_z(200, 300, 150, 900, 1500, 1000, 600)::text, '3.5550', 'Z1 = 3.5550 (4 decimals)');
SELECT is(altman_zone(altman_z(200, 300, 150, 900, 1500, 1000, 600)), 'safe', 'Z1 is safe');
-- Z2 (accumulated losses): WC 50, RE -100, EBIT 20, MVE 150, sales 800, TA 1000, TL 750
--   X1 = 0.05 x 1.2 = 0.06; X2 = -0.1 x 1.4 = -0.14; X3 = 0.02 x 3.3 = 0.066;
--   X4 = 150/750 = 0.2 x 0.6 = 0.12; X5 = 0.8 x 1.0 = 0.8      Z = 0.906 (distress)
SELECT is(altman_z(50, -100, 20, 150, 800, 1000, 750), 0.9060, 'Z2 (negative retained earnings) = 0.9060');
SELECT is(altman_zone(0.9060), 'distress', 'Z2 is distress');
-- Z3 (sevenths): WC 100, RE 150, EBIT 70, MVE 350, sales 910, TA 700, TL 500
--   X1 = 1/7 x 1.2 = 0.171428571...; X2 = 1.5/7 x 1.4 = 0.3; X3 = 0.1 x 3.3 = 0.33;
--   X4 = 0.7 x 0.6 = 0.42; X5 = 1.3 x 1.0 = 1.3       Z = 2.521428571... -> 2.5214 (grey)
SELECT is(altman_z(100, 150, 70, 350, 910, 700, 500), 2.5214, 'Z3 = 2.521428... -> 2.5214');
SELECT is(altman_zone(2.5214, 'z'), 'grey', 'Z3 is grey');
-- Z4 (negative working capital, a tie): WC -5, sales 5, TA 20000, others 0, TL 1
--   X1 = -0.00025 x 1.2 = -0.0003; X5 = 0.00025   Z = -0.00005 -> -0.0001 (half away from zero)
SELECT is(altman_z(-5, 0, 0, 0, 5, 20000, 1), -0.0001, 'Z4 = -0.00005 rounds away from zero to -0.0001');
-- Z5: sales 1 over TA 20000 = 0.00005 -> 0.0001
SELECT is(altman_z(0, 0, 0, 0, 1, 20000, 1), 0.0001, 'Z5 = 0.00005 rounds away from zero to 0.0001');
SELECT is(scale(altman_z(1, 1, 1, 1, 1, 3, 3)), 4, 'Z always has 4 decimals');

-- ---------------------------------------------------------------------------
-- Altman Z' (1983, private firms)
-- ---------------------------------------------------------------------------
-- Z'1: same statements as Z1, book equity 900
--   0.717 x 0.2 = 0.1434; 0.847 x 0.3 = 0.2541; 3.107 x 0.15 = 0.46605;
--   0.420 x 1.5 = 0.63; 0.998 x 1.5 = 1.497       Z' = 2.99055 -> 2.9906 (tie, up)
SELECT is(altman_z_prime(200, 300, 150, 900, 1500, 1000, 600), 2.9906, 'Z''1 = 2.99055 -> 2.9906');
SELECT is(altman_zone(2.9906, 'z_prime'), 'safe', 'Z''1 is safe (> 2.9)');
-- Z'2 (negative RE): as Z2
--   0.717 x 0.05 = 0.03585; 0.847 x -0.1 = -0.0847; 3.107 x 0.02 = 0.06214;
--   0.420 x 0.2 = 0.084; 0.998 x 0.8 = 0.7984     Z' = 0.89569 -> 0.8957 (distress)
SELECT is(altman_z_prime(50, -100, 20, 150, 800, 1000, 750), 0.8957, 'Z''2 (negative retained earnings) = 0.8957');
SELECT is(altman_zone(0.8957, 'z_prime'), 'distress', 'Z''2 is distress (< 1.23)');
-- Z'3: as Z3
--   0.717/7 = 0.102428571...; 0.847 x 1.5/7 = 1.2705/7 = 0.1815; 3.107 x 0.1 = 0.3107;
--   0.420 x 0.7 = 0.294; 0.998 x 1.3 = 1.2974     Z' = 2.186028571... -> 2.1860 (grey)
SELECT is(altman_z_prime(100, 150, 70, 350, 910, 700, 500)::text, '2.1860', 'Z''3 = 2.1860');
SELECT is(altman_zone(2.1860, 'z_prime'), 'grey', 'Z''3 is grey');

-- ---------------------------------------------------------------------------
-- Altman Z'' (1995, non-manufacturers; no sales ratio)
-- ---------------------------------------------------------------------------
-- Z''1: WC 200, RE 300, EBIT 150, BVE 900, TA 1000, TL 600
--   6.56 x 0.2 = 1.312; 3.26 x 0.3 = 0.978; 6.72 x 0.15 = 1.008; 1.05 x 1.5 = 1.575   Z'' = 4.873
SELECT is(altman_z_double_prime(200, 300, 150, 900, 1000, 600), 4.8730, 'Z''''1 = 4.8730');
SELECT is(altman_zone(4.8730, 'z_double_prime'), 'safe', 'Z''''1 is safe');
-- Z''2 (negative RE): WC 50, RE -100, EBIT 20, BVE 150, TA 1000, TL 750
--   6.56 x 0.05 = 0.328; 3.26 x -0.1 = -0.326; 6.72 x 0.02 = 0.1344; 1.05 x 0.2 = 0.21   Z'' = 0.3464
SELECT is(altman_z_double_prime(50, -100, 20, 150, 1000, 750), 0.3464, 'Z''''2 (negative retained earnings) = 0.3464');
SELECT is(altman_zone(0.3464, 'z_double_prime'), 'distress', 'Z''''2 is distress');
-- Z''3: WC 50, RE 100, EBIT 60, BVE 400, TA 1000, TL 800
--   6.56 x 0.05 = 0.328; 3.26 x 0.1 = 0.326; 6.72 x 0.06 = 0.4032; 1.05 x 0.5 = 0.525   Z'' = 1.5822
SELECT is(altman_z_double_prime(50, 100, 60, 400, 1000, 800), 1.5822, 'Z''''3 = 1.5822');
SELECT is(altman_zone(1.5822, 'z_double_prime'), 'grey', 'Z''''3 is grey');
-- Z''4 (sevenths): WC 100, RE 150, EBIT 70, BVE 350, TA 700, TL 500
--   6.56/7 = 0.937142857...; 3.26 x 1.5/7 = 4.89/7 = 0.698571428...; 6.72 x 0.1 = 0.672;
--   1.05 x 0.7 = 0.735      Z'' = 3.042714285... -> 3.0427
SELECT is(altman_z_double_prime(100, 150, 70, 350, 700, 500), 3.0427, 'Z''''4 = 3.042714... -> 3.0427');
-- Z''5 (losses everywhere): WC -100, RE -250, EBIT -40, BVE 50, TA 500, TL 450
--   6.56 x -0.2 = -1.312; 3.26 x -0.5 = -1.63; 6.72 x -0.08 = -0.5376; 1.05/9 = 0.116666...
--   Z'' = -3.362933... -> -3.3629
SELECT is(altman_z_double_prime(-100, -250, -40, 50, 500, 450), -3.3629, 'Z''''5 (all losses) = -3.3629');

-- ---------------------------------------------------------------------------
-- Conan-Holder (1979): the arguments are the five ratios
-- ---------------------------------------------------------------------------
-- CH1: R 0.5, 0.6, 0.4, 0.02, 0.55
--   0.24 x 0.5 = 0.12; 0.22 x 0.6 = 0.132; 0.16 x 0.4 = 0.064; -0.87 x 0.02 = -0.0174;
--   -0.10 x 0.55 = -0.055      Z = 0.2436 (sound)
SELECT is(conan_holder(0.5, 0.6, 0.4, 0.02, 0.55), 0.2436, 'CH1 = 0.2436');
SELECT is(conan_holder_zone(0.2436), 'sound', 'CH1 is sound');
-- CH2: R 0.2, 0.5, 0.3, 0.03, 0.7
--   0.048 + 0.11 + 0.048 - 0.0261 - 0.07 = 0.1099 (warning)
SELECT is(conan_holder(0.2, 0.5, 0.3, 0.03, 0.7), 0.1099, 'CH2 = 0.1099');
SELECT is(conan_holder_zone(0.1099), 'warning', 'CH2 is warning');
-- CH3 (operating loss, negative EBE): R -0.1, 0.3, 0.2, 0.08, 0.95
--   -0.024 + 0.066 + 0.032 - 0.0696 - 0.095 = -0.0906 (danger)
SELECT is(conan_holder(-0.1, 0.3, 0.2, 0.08, 0.95), -0.0906, 'CH3 (negative R1) = -0.0906');
SELECT is(conan_holder_zone(-0.0906), 'danger', 'CH3 is danger');
-- ties: -0.10 x 0.0005 = -0.00005 -> -0.0001; -0.10 x -0.0005 = 0.00005 -> 0.0001
SELECT is(conan_holder(0, 0, 0, 0, 0.0005), -0.0001, 'CH -0.00005 rounds away from zero to -0.0001');
SELECT is(conan_holder(0, 0, 0, 0, -0.0005), 0.0001, 'CH 0.00005 rounds away from zero to 0.0001');
SELECT is(conan_holder(0, 0, 0, 0, 0.00049), 0.0000, 'CH -0.000049 rounds to 0');

-- ---------------------------------------------------------------------------
-- zones at and around each published cut-off (grey zone inclusive)
-- ---------------------------------------------------------------------------
SELECT is(array_agg(altman_zone(z) ORDER BY z), ARRAY['distress', 'grey', 'grey', 'grey', 'grey', 'safe'],
          'z: 1.8099 distress, 1.81 / 1.8101 / 2.9899 / 2.99 grey, 2.9901 safe')
  FROM unnest(ARRAY[1.8099, 1.81, 1.8101, 2.9899, 2.99, 2.9901]) AS z;
SELECT is(altman_zone(2.99, 'z'), 'grey', 'z: 2.99 exactly is grey');
SELECT is(altman_zone(1.81, 'z'), 'grey', 'z: 1.81 exactly is grey');
SELECT is(altman_zone(2.990000001), 'safe', 'z: just above 2.99 is safe');
SELECT is(altman_zone(1.809999999), 'distress', 'z: just below 1.81 is distress');
SELECT is(array_agg(altman_zone(z, 'z_prime') ORDER BY z), ARRAY['distress', 'grey', 'grey', 'grey', 'grey', 'safe'],
          'z_prime: 1.2299 distress, 1.23 / 1.2301 / 2.8999 / 2.9 grey, 2.9001 safe')
  FROM unnest(ARRAY[1.2299, 1.23, 1.2301, 2.8999, 2.9, 2.9001]) AS z;
SELECT is(altman_zone(2.99, 'z_prime'), 'safe', 'z_prime: 2.99 is safe (cut-off 2.9, not 2.99)');
SELECT is(array_agg(altman_zone(z, 'z_double_prime') ORDER BY z), ARRAY['distress', 'grey', 'grey', 'grey', 'grey', 'safe'],
          'z_double_prime: 1.0999 distress, 1.1 / 1.1001 / 2.5999 / 2.6 grey, 2.6001 safe')
  FROM unnest(ARRAY[1.0999, 1.1, 1.1001, 2.5999, 2.6, 2.6001]) AS z;
SELECT is(altman_zone(1.5, 'z_double_prime'), 'grey', 'z_double_prime: 1.5 is grey (distress for z)');
SELECT is(array_agg(conan_holder_zone(z) ORDER BY z), ARRAY['danger', 'warning', 'warning', 'warning', 'warning', 'sound'],
          'conan_holder: 0.0399 danger, 0.04 / 0.0401 / 0.1599 / 0.16 warning, 0.1601 sound')
  FROM unnest(ARRAY[0.0399, 0.04, 0.0401, 0.1599, 0.16, 0.1601]) AS z;
SELECT is(altman_zone(0.16, 'conan_holder'), 'warning', 'altman_zone(0.16, conan_holder) = warning');
SELECT is(altman_zone(0.1601, 'conan_holder'), 'sound', 'altman_zone(0.1601, conan_holder) = sound');
SELECT is(altman_zone(-5), 'distress', 'a negative Z is distress');

-- ---------------------------------------------------------------------------
-- errors: denominators, unknown models, non-finite inputs
-- ---------------------------------------------------------------------------
SELECT throws_ok($$SELECT ar_credit.altman_z(200, 300, 150, 900, 1500, 0, 600)$$, '22012',
                 'ratio X1 = working_capital / total_assets is undefined: total_assets is zero',
                 'Z: zero total assets -> 22012 naming X1');
SELECT throws_ok($$SELECT ar_credit.altman_z(200, 300, 150, 900, 1500, 1000, 0)$$, '22012',
                 'ratio X4 = market_value_equity / total_liabilities is undefined: total_liabilities is zero',
                 'Z: zero total liabilities -> 22012 naming X4');
SELECT throws_ok($$SELECT ar_credit.altman_z_prime(200, 300, 150, 900, 1500, 0, 600)$$, '22012',
                 'ratio X1 = working_capital / total_assets is undefined: total_assets is zero',
                 'Z'': zero total assets -> 22012');
SELECT throws_ok($$SELECT ar_credit.altman_z_prime(200, 300, 150, 900, 1500, 1000, 0)$$, '22012',
                 'ratio X4 = book_value_equity / total_liabilities is undefined: total_liabilities is zero',
                 'Z'': zero total liabilities -> 22012 naming X4 (book equity)');
SELECT throws_ok($$SELECT ar_credit.altman_z_double_prime(200, 300, 150, 900, 0, 600)$$, '22012',
                 'ratio X1 = working_capital / total_assets is undefined: total_assets is zero',
                 'Z'''': zero total assets -> 22012');
SELECT throws_ok($$SELECT ar_credit.altman_z_double_prime(200, 300, 150, 900, 1000, 0)$$, '22012',
                 'ratio X4 = book_value_equity / total_liabilities is undefined: total_liabilities is zero',
                 'Z'''': zero total liabilities -> 22012 naming X4');
SELECT throws_ok($$SELECT ar_credit.altman_z(0, 0, 0, 0, 0, 0.0000, 1)$$, '22012', NULL, 'Z: total assets 0.0000 -> 22012');
SELECT throws_ok($$SELECT ar_credit.altman_z(200, 300, 150, 900, 1500, -1000, 600)$$, '22023',
                 'ratio X1 = working_capital / total_assets is undefined: total_assets is negative',
                 'Z: negative total assets -> 22023');
SELECT throws_ok($$SELECT ar_credit.altman_z(200, 300, 150, 900, 1500, 1000, -600)$$, '22023',
                 'ratio X4 = market_value_equity / total_liabilities is undefined: total_liabilities is negative',
                 'Z: negative total liabilities -> 22023 naming X4');
SELECT throws_ok($$SELECT ar_credit.altman_z_prime(1, 1, 1, 1, 1, -0.01, 1)$$, '22023', NULL, 'Z'': negative total assets -> 22023');
SELECT throws_ok($$SELECT ar_credit.altman_z_double_prime(1, 1, 1, 1, 1, -1)$$, '22023',
                 'ratio X4 = book_value_equity / total_liabilities is undefined: total_liabilities is negative',
                 'Z'''': negative total liabilities -> 22023');

SELECT throws_ok($$SELECT ar_credit.altman_zone(2, 'zz')$$, '22023', 'unknown score model: "zz"', 'altman_zone: unknown model -> 22023');
SELECT throws_ok($$SELECT ar_credit.altman_zone(2, '')$$, '22023', 'unknown score model: ""', 'altman_zone: empty model -> 22023');
SELECT throws_ok($$SELECT ar_credit.financial_score(2, 'altman')$$, '22023', 'unknown score model: "altman"',
                 'financial_score: unknown model -> 22023');

SELECT throws_ok($$SELECT ar_credit.altman_z('NaN', 0, 0, 0, 0, 1, 1)$$, '22023',
                 'working_capital must be a finite number, not NaN', 'Z: NaN working capital -> 22023 naming the argument');
SELECT throws_ok($$SELECT ar_credit.altman_z(0, 0, 0, 'Infinity', 0, 1, 1)$$, '22023',
                 'market_value_equity must be a finite number, not Infinity', 'Z: infinite market equity -> 22023 naming the argument');
SELECT throws_ok($$SELECT ar_credit.altman_z(0, 0, 0, 0, 0, 'Infinity', 1)$$, '22023',
                 'total_assets must be a finite number, not Infinity', 'Z: infinite total assets -> 22023 (not 0)');
SELECT throws_ok($$SELECT ar_credit.altman_z_prime(0, 0, 0, 0, 0, 1, 'NaN')$$, '22023',
                 'total_liabilities must be a finite number, not NaN', 'Z'': NaN total liabilities -> 22023');
SELECT throws_ok($$SELECT ar_credit.altman_z_double_prime(0, '-Infinity', 0, 0, 1, 1)$$, '22023', NULL,
                 'Z'''': -Infinity retained earnings -> 22023');
SELECT throws_ok($$SELECT ar_credit.conan_holder(0.1, 0.1, 'NaN', 0.1, 0.1)$$, '22023',
                 'r3 must be a finite number, not NaN', 'Conan-Holder: NaN ratio -> 22023 naming the ratio');
SELECT throws_ok($$SELECT ar_credit.altman_zone('NaN')$$, '22023', 'score must be a finite number, not NaN',
                 'altman_zone(NaN) -> 22023');
SELECT throws_ok($$SELECT ar_credit.conan_holder_zone('Infinity')$$, '22023', NULL, 'conan_holder_zone(Infinity) -> 22023');
SELECT throws_ok($$SELECT ar_credit.financial_score('-Infinity', 'z_prime')$$, '22023',
                 'score must be a finite number, not -Infinity', 'financial_score(-Infinity) -> 22023');

-- never NaN or Infinity: tiny total assets give a huge but finite score
SELECT ok(altman_z(1, 1, 1, 1, 1, 1e-300, 1e-300)::text !~* 'nan|inf'
          AND altman_z(1, 1, 1, 1, 1, 1e-300, 1e-300) > 1e300, 'Z with tiny denominators is finite');
SELECT is(altman_zone(altman_z(1e300, 0, 0, 0, 0, 1e-300, 1)), 'safe', 'a Z of 1.2e600 is a finite, safe score');
SELECT ok(NOT EXISTS (SELECT 1 FROM (VALUES
              (altman_z(1, -1e6, 1, 1, 1, 1e-6, 1)), (altman_z_prime(-1e100, 1, 1, 1, 1, 1, 1e-100)),
              (altman_z_double_prime(1, 1, 1, 1e100, 1e-100, 1e-100)), (conan_holder(1e100, -1e100, 1, 1, 1))) AS v(z)
            WHERE z::text ~* 'nan|inf'), 'extreme finite inputs never give NaN or Infinity');

-- strict: a NULL ratio gives NULL
SELECT ok(altman_z(NULL, 1, 1, 1, 1, 1, 1) IS NULL AND altman_z_double_prime(1, 1, 1, 1, NULL, 1) IS NULL
          AND conan_holder(1, 1, 1, 1, NULL) IS NULL AND altman_zone(NULL) IS NULL AND altman_zone(1, NULL) IS NULL,
          'NULL in, NULL out for the model scores and zones');

-- ---------------------------------------------------------------------------
-- financial_score: distress cut-off -> 30, safe cut-off -> 70, linear, clamped
-- ---------------------------------------------------------------------------
-- z: 30 + (Z - 1.81) x 40 / 1.18
SELECT is(financial_score(1.81), 30.00, 'z: 1.81 -> 30');
SELECT is(financial_score(2.99, 'z'), 70.00, 'z: 2.99 -> 70');
SELECT is(financial_score(2.40), 50.00, 'z: midpoint 2.40 -> 50');
SELECT is(financial_score(3.5550), 89.15, 'z: Z1 3.555 -> 30 + 1.745 x 40/1.18 = 89.152... -> 89.15');
SELECT is(financial_score(2.5214), 54.12, 'z: Z3 2.5214 -> 30 + 0.7114 x 40/1.18 = 54.1152... -> 54.12');
SELECT is(financial_score(1.5), 19.49, 'z: 1.5 -> 30 - 0.31 x 40/1.18 = 19.4915... -> 19.49');
SELECT is(financial_score(0.9060), 0.00, 'z: Z2 0.906 -> -0.64 clamped to 0');
SELECT is(financial_score(3.875), 100.00, 'z: 3.875 -> exactly 100');
SELECT is(financial_score(10), 100.00, 'z: 10 -> clamped to 100');
SELECT is(financial_score(-10), 0.00, 'z: -10 -> clamped to 0');
-- z_prime: 30 + (Z' - 1.23) x 40 / 1.67
SELECT is(ARRAY[financial_score(1.23, 'z_prime'), financial_score(2.9, 'z_prime'), financial_score(2.065, 'z_prime')],
          ARRAY[30.00, 70.00, 50.00], 'z_prime: 1.23 -> 30, 2.9 -> 70, 2.065 -> 50');
SELECT is(financial_score(2.9906, 'z_prime'), 72.17, 'z_prime: Z''1 2.9906 -> 30 + 1.7606 x 40/1.67 = 72.170... -> 72.17');
-- z_double_prime: 30 + (Z'' - 1.1) x 40 / 1.5
SELECT is(ARRAY[financial_score(1.1, 'z_double_prime'), financial_score(2.6, 'z_double_prime'), financial_score(1.85, 'z_double_prime')],
          ARRAY[30.00, 70.00, 50.00], 'z_double_prime: 1.1 -> 30, 2.6 -> 70, 1.85 -> 50');
SELECT is(financial_score(1.5822, 'z_double_prime'), 42.86, 'z_double_prime: 1.5822 -> 30 + 0.4822 x 40/1.5 = 42.858... -> 42.86');
SELECT is(financial_score(0.3464, 'z_double_prime'), 9.90, 'z_double_prime: 0.3464 -> 30 - 0.7536 x 40/1.5 = 9.904 -> 9.90');
SELECT is(financial_score(4.8730, 'z_double_prime'), 100.00, 'z_double_prime: 4.873 -> 130.6 clamped to 100');
-- conan_holder: 30 + (Z - 0.04) x 40 / 0.12
SELECT is(ARRAY[financial_score(0.04, 'conan_holder'), financial_score(0.16, 'conan_holder'), financial_score(0.10, 'conan_holder')],
          ARRAY[30.00, 70.00, 50.00], 'conan_holder: 0.04 -> 30, 0.16 -> 70, 0.10 -> 50');
SELECT is(financial_score(0.2436, 'conan_holder'), 97.87, 'conan_holder: 0.2436 -> 30 + 0.2036 x 40/0.12 = 97.866... -> 97.87');
SELECT is(financial_score(0.1099, 'conan_holder'), 53.30, 'conan_holder: 0.1099 -> 30 + 0.0699 x 40/0.12 = 53.30');
SELECT is(financial_score(-0.0906, 'conan_holder'), 0.00, 'conan_holder: -0.0906 -> -13.5 clamped to 0');
SELECT ok((SELECT bool_and(financial_score(z) <= financial_score(z + 0.01))
             FROM generate_series(-100, 500) AS i, LATERAL (SELECT i / 100.0 AS z) AS v),
          'z: financial_score is non-decreasing from -1 to 5');
-- Regression (fixed): scores beyond the range of double precision raise 22003 instead of
-- being clamped (the mapping converts the numeric score to float8 first)
SELECT is(scores_t.result_of($$SELECT ar_credit.financial_score(1e400)$$), '100.00',
          'financial_score(1e400) is clamped to 100, no float8 overflow error');
SELECT is(scores_t.result_of($$SELECT ar_credit.financial_score(-1e400)$$), '0.00',
          'financial_score(-1e400) is clamped to 0, no float8 overflow error');
-- 30 + (0 - 1.81) x 40 / 1.18 = 30 - 61.36 < 0 -> 0
SELECT is(scores_t.result_of($$SELECT ar_credit.financial_score(1e-400)$$), '0.00',
          'financial_score(1e-400) is 0 (clamped), no float8 underflow error');

-- ---------------------------------------------------------------------------
-- solvency_score: 40 % financial, 40 % paydex, 20 % exposure
-- ---------------------------------------------------------------------------
-- 0.4 x 70 + 0.4 x 80 + 0.2 x 100 (no exposure) = 28 + 32 + 20 = 80
SELECT is(solvency_score(70, 80, 0, 1000), 80, 'all parts: 0.4 x 70 + 0.4 x 80 + 0.2 x 100 = 80');
-- 0.4 x 50 + 0.4 x 60 + 0.2 x 60 (at the limit) = 20 + 24 + 12 = 56
SELECT is(solvency_score(50, 60, 1000, 1000), 56, 'all parts: 20 + 24 + 0.2 x 60 = 56');
-- 0.4 x 89.15 + 0.4 x 80 + 0.2 x 80 (75 % used: 100 - 0.25 x 80) = 35.66 + 32 + 16 = 83.66 -> 84
SELECT is(solvency_score(89.15, 80, 750, 1000), 84, 'all parts: 35.66 + 32 + 16 = 83.66 -> 84');
-- weights: 100/1/no exposure used vs 1/100 swapped give the same (40/40)
SELECT is(solvency_score(100, 1, NULL, NULL), solvency_score(1, 100, NULL, NULL), 'financial and paydex weigh the same');
SELECT is(solvency_score(100, 1, NULL, NULL), 51, 'financial 100, paydex 1: (40 + 0.4) / 0.8 = 50.5 -> 51');
SELECT is(solvency_score(0, 100, 0, 1), 60, 'financial 0, paydex 100, no exposure: 0 + 40 + 20 = 60');
SELECT is(solvency_score(100, 100, 2, 1), 80, 'financial 100, paydex 100, 200 % used: 40 + 40 + 0 = 80');
-- missing parts share their weight in proportion
SELECT is(solvency_score(NULL, 80, 0, 1000), 87, 'no statements: (0.4 x 80 + 0.2 x 100) / 0.6 = 86.67 -> 87');
SELECT is(solvency_score(70, NULL, 1000, 1000), 67, 'no paydex: (0.4 x 70 + 0.2 x 60) / 0.6 = 66.67 -> 67');
SELECT is(solvency_score(42.86, NULL, NULL, NULL), 43, 'only financial: 42.86 -> 43');
SELECT is(solvency_score(NULL, 55, NULL, NULL), 55, 'only paydex: 55');
SELECT is(solvency_score(70, 50, NULL, NULL), 60, 'no exposure: (28 + 20) / 0.8 = 60');
SELECT is(solvency_score(70, 50, 1000, NULL), 60, 'exposure without a credit limit is left out');
SELECT is(solvency_score(70, 50, NULL, 1000), 60, 'a credit limit without exposure is left out');
SELECT is(solvency_score(72.5, NULL, NULL, NULL), 73, '72.5 rounds half away from zero to 73');
SELECT is(solvency_score(72.49, NULL, NULL, NULL), 72, '72.49 rounds to 72');
SELECT is(solvency_score(NULL, NULL, NULL, NULL), NULL, 'all NULL -> NULL');
SELECT is(solvency_score(NULL, NULL, 500, 1000), NULL, 'exposure alone -> NULL (says nothing of solvency)');
-- exposure part alone with financial 0 and no paydex: score = E / 3
SELECT is(array_agg(solvency_score(0, NULL, e, 1000) ORDER BY e),
          ARRAY[33, 33, 33, 27, 20, 16, 10, 0, 0, 0],
          'exposure part: 100 to 50 %, 80 at 75 %, 60 at 100 %, 48 at 110 %, 30 at 125 %, 0 from 150 % (score = E/3)')
  FROM unnest(ARRAY[0, 250, 500, 750, 1000, 1100, 1250, 1500, 2000, 1e6]) AS e;
SELECT is(solvency_score(60, 60, 500, 1000), 68, 'at 50 %: 24 + 24 + 20 = 68');
SELECT is(solvency_score(60, 60, 1000, 1000), 60, 'at 100 %: 24 + 24 + 12 = 60');
SELECT is(solvency_score(60, 60, 1500, 1000), 48, 'at 150 %: 24 + 24 + 0 = 48');
SELECT is(solvency_score(60, 60, 5000, 1000), 48, 'beyond 150 %: 48');
SELECT is(solvency_score(60, 60, 1, 0), 48, 'credit limit 0 with exposure: exposure part 0');
SELECT is(solvency_score(60, 60, 0, 0), 68, 'credit limit 0, nothing owed: exposure part 100');
SELECT is(solvency_score(60, 60, -500, 1000), 68, 'negative exposure (credit balance) counts as 0: 100');
SELECT is(solvency_score(60, 60, -500, 0), 68, 'negative exposure, limit 0: 100');
-- errors
SELECT throws_ok($$SELECT ar_credit.solvency_score(-0.01, 50, NULL, NULL)$$, '22023',
                 'financial_score must be between 0 and 100, not -0.01', 'financial_score -0.01 -> 22023');
SELECT throws_ok($$SELECT ar_credit.solvency_score(100.01, 50, NULL, NULL)$$, '22023',
                 'financial_score must be between 0 and 100, not 100.01', 'financial_score 100.01 -> 22023');
SELECT throws_ok($$SELECT ar_credit.solvency_score(3.555, 0, NULL, NULL)$$, '22023',
                 'paydex must be between 1 and 100, not 0', 'paydex 0 -> 22023');
SELECT throws_ok($$SELECT ar_credit.solvency_score(50, 101, NULL, NULL)$$, '22023',
                 'paydex must be between 1 and 100, not 101', 'paydex 101 -> 22023');
SELECT throws_ok($$SELECT ar_credit.solvency_score(50, 50, 100, -1)$$, '22023',
                 'credit_limit must not be negative, not -1', 'negative credit limit -> 22023 naming the value');
SELECT throws_ok($$SELECT ar_credit.solvency_score('NaN', 50, NULL, NULL)$$, '22023',
                 'financial_score must be a finite number, not NaN', 'financial_score NaN -> 22023');
SELECT throws_ok($$SELECT ar_credit.solvency_score(50, 50, 'Infinity', 1000)$$, '22023',
                 'exposure must be a finite number, not Infinity', 'exposure Infinity -> 22023');
SELECT throws_ok($$SELECT ar_credit.solvency_score(50, 50, 100, 'NaN')$$, '22023',
                 'credit_limit must be a finite number, not NaN', 'credit_limit NaN -> 22023');
SELECT ok(solvency_score(100, 100, 0, 1) BETWEEN 0 AND 100 AND solvency_score(0, 1, 1e6, 1) BETWEEN 0 AND 100,
          'the score stays within 0..100');
SELECT is(solvency_score(0, 1, 1e6, 1), 0, 'worst case: 0 + 0.4 + 0 -> 0');
-- Regression (fixed): values beyond the range of double precision raise 22003 (float8
-- overflow) instead of 22023 or a clamped exposure part
SELECT throws_ok($$SELECT ar_credit.solvency_score(1e400, 50, NULL, NULL)$$, '22023', NULL,
                 'financial_score 1e400 -> 22023 "between 0 and 100", not a float8 overflow');
SELECT is(scores_t.result_of($$SELECT ar_credit.solvency_score(60, 60, 1e400, 1)$$), '48',
          'exposure 1e400 times the limit -> exposure part 0, not a float8 overflow');
-- utilisation 1e-400: exposure part 100, 24 + 24 + 20 = 68
SELECT is(scores_t.result_of($$SELECT ar_credit.solvency_score(60, 60, 1e-300, 1e100)$$), '68',
          'a utilisation of 1e-400 -> exposure part 100, not a float8 underflow');
-- Regression (fixed): a NaN exposure is accepted silently when the credit limit is NULL
SELECT throws_ok($$SELECT ar_credit.solvency_score(50, 50, 'NaN', NULL)$$, '22023', NULL,
                 'exposure NaN -> 22023 even without a credit limit');

-- ---------------------------------------------------------------------------
-- risk classes: A >= 80, B >= 65, C >= 50, D >= 35, E below
-- ---------------------------------------------------------------------------
SELECT is(array_agg(risk_class(s) ORDER BY s DESC),
          ARRAY['A', 'A', 'B', 'B', 'C', 'C', 'D', 'D', 'E', 'E'],
          'risk classes at 100, 80 | 79, 65 | 64, 50 | 49, 35 | 34, 0')
  FROM unnest(ARRAY[100, 80, 79, 65, 64, 50, 49, 35, 34, 0]) AS s;
SELECT is(risk_class(80), 'A', '80 -> A');
SELECT is(risk_class(79), 'B', '79 -> B');
SELECT is(risk_class(65), 'B', '65 -> B');
SELECT is(risk_class(64), 'C', '64 -> C');
SELECT is(risk_class(50), 'C', '50 -> C');
SELECT is(risk_class(49), 'D', '49 -> D');
SELECT is(risk_class(35), 'D', '35 -> D');
SELECT is(risk_class(34), 'E', '34 -> E');
SELECT is(risk_class(0), 'E', '0 -> E');
SELECT is(risk_class(100), 'A', '100 -> A');
SELECT throws_ok($$SELECT ar_credit.risk_class(-1)$$, '22023', 'solvency score must be between 0 and 100, not -1', 'risk_class(-1) -> 22023');
SELECT throws_ok($$SELECT ar_credit.risk_class(101)$$, '22023', 'solvency score must be between 0 and 100, not 101', 'risk_class(101) -> 22023');
SELECT is(risk_class(NULL), NULL, 'risk_class(NULL) is NULL');

-- ---------------------------------------------------------------------------
-- credit policy
-- ---------------------------------------------------------------------------
SELECT has_table('ar_credit', 'credit_policy', 'table credit_policy');
SELECT col_is_pk('ar_credit', 'credit_policy', 'risk_class', 'risk_class is the primary key');
SELECT results_eq(
    $$SELECT risk_class, terms::text, deposit_pct, limit_factor, shipped FROM ar_credit.credit_policy ORDER BY risk_class$$,
    $$VALUES ('A', '60D', 0::numeric, 1.5::numeric, true), ('B', '45D', 0, 1.0, true), ('C', '30D', 0, 0.75, true),
             ('D', '15D', 25, 0.5, true), ('E', 'immediate', 50, 0, true)$$,
    'shipped rows A..E: 60D, 45D, 30D, 15D, immediate with deposit');
SELECT is(recommended_terms('E'), 'immediate'::payment_terms, 'recommended_terms(E) = immediate');
SELECT is(due_date(recommended_terms('E'), '2024-03-15'), date '2024-03-15', 'immediate terms: due on the invoice date');
SELECT is(recommended_terms('a'), '60D'::payment_terms, 'recommended_terms is case-insensitive (a -> 60D)');
SELECT is(due_date(recommended_terms('b'), '2024-01-31'), date '2024-03-16', 'class b: 45 days after 2024-01-31 = 2024-03-16');
SELECT throws_ok($$SELECT ar_credit.recommended_terms('F')$$, '22023', 'unknown risk class: "F"', 'unknown class F -> 22023');
SELECT throws_ok($$SELECT ar_credit.recommended_terms('')$$, '22023', 'unknown risk class: ""', 'empty class -> 22023');
SELECT is(recommended_terms(NULL), NULL, 'recommended_terms(NULL) is NULL');

-- registered for pg_dump with the shipped rows left out
SELECT ok(EXISTS (SELECT 1 FROM pg_extension AS e, unnest(e.extconfig, e.extcondition) AS c(tab, cond)
                   WHERE e.extname = 'ar_credit' AND c.tab = 'ar_credit.credit_policy'::regclass
                     AND c.cond = 'WHERE NOT shipped'),
          'credit_policy is a configuration table dumped WHERE NOT shipped');

-- check constraints
SELECT throws_ok($$INSERT INTO ar_credit.credit_policy VALUES ('F', '30D', 0, 1)$$, '23514', NULL, 'class F -> 23514');
SELECT throws_ok($$INSERT INTO ar_credit.credit_policy VALUES ('c', '30D', 0, 1)$$, '23514', NULL, 'lower-case class c -> 23514');
SELECT throws_ok($$INSERT INTO ar_credit.credit_policy VALUES ('A', '30D', 101, 1)$$, '23514', NULL, 'deposit 101 % -> 23514');
SELECT throws_ok($$INSERT INTO ar_credit.credit_policy VALUES ('A', '30D', -1, 1)$$, '23514', NULL, 'deposit -1 % -> 23514');
SELECT throws_ok($$UPDATE ar_credit.credit_policy SET limit_factor = -0.5 WHERE risk_class = 'B'$$, '23514', NULL,
                 'negative limit_factor -> 23514');
SELECT is((SELECT terms::text || ' ' || shipped FROM ar_credit.credit_policy WHERE risk_class = 'A'), '60D true',
          'a failed insert leaves the shipped row A in place');

-- ---------------------------------------------------------------------------
-- scoring customers from their payment history
-- ---------------------------------------------------------------------------
CREATE TEMP TABLE invoices (customer text, amount numeric, due_on date, paid_on date);
INSERT INTO invoices VALUES
    -- acme: 1000 paid 10 days early, 1000 on time: mean -5 days
    --   paydex 90 + (80 - 90) x (-5 + 20) / 20 = 82.5 -> 83
    ('acme', 1000, '2024-02-10', '2024-01-31'), ('acme', 1000, '2024-03-01', '2024-03-01'),
    -- bolt: 3000 paid 15 days late, 1000 paid 30 days late: (45000 + 30000) / 4000 = 18.75
    --   paydex 70 + (60 - 70) x (18.75 - 15) / 7 = 64.64 -> 65
    ('bolt', 3000, '2024-01-31', '2024-02-15'), ('bolt', 1000, '2024-02-29', '2024-03-30'),
    -- cask: 500 paid 60 late, 500 paid 120 late: mean 90 -> paydex 30
    ('cask', 500, '2024-01-01', '2024-03-01'), ('cask', 500, '2024-01-01', '2024-04-30'),
    -- dune: 2000 paid 45 late, 2000 paid 75 late: mean 60 -> paydex 40
    ('dune', 2000, '2024-01-15', '2024-02-29'), ('dune', 2000, '2024-01-15', '2024-03-30'),
    -- echo: only a credit note, which says nothing of payment behaviour: paydex NULL
    ('echo', -200, '2024-01-15', '2024-01-20');
CREATE TEMP TABLE customers (customer text, z numeric, exposure numeric, credit_limit numeric);
INSERT INTO customers VALUES
    ('acme', 3.5550, 400, 1000),   -- financial 89.15; 40 % used -> 100
    ('bolt', 2.5214, 1000, 2000),  -- financial 54.12; 50 % used -> 100
    ('cask', 0.9060, 1800, 1200),  -- financial 0 (clamped); 150 % used -> 0
    ('dune', NULL, 380, 400),      -- no statements; 95 % used -> 100 - 0.45 x 80 = 64
    ('echo', 1.81, -200, 500);     -- financial 30; credit balance -> 100

SELECT results_eq(
    $$SELECT p.customer, p.paydex FROM (SELECT customer, ar_credit.paydex(amount, paid_on - due_on) AS paydex
                                           FROM invoices GROUP BY customer) AS p ORDER BY p.customer$$,
    $$VALUES ('acme', 83), ('bolt', 65), ('cask', 30), ('dune', 40), ('echo', NULL::int)$$,
    'paydex per customer from the payment history');
SELECT results_eq(
    $$WITH p AS (SELECT customer, ar_credit.paydex(amount, paid_on - due_on) AS paydex FROM invoices GROUP BY customer),
           s AS (SELECT c.customer,
                        ar_credit.solvency_score(ar_credit.financial_score(c.z), p.paydex, c.exposure, c.credit_limit) AS score
                   FROM customers AS c LEFT JOIN p USING (customer))
      SELECT customer, score, ar_credit.risk_class(score), ar_credit.recommended_terms(ar_credit.risk_class(score))::text,
             ar_credit.due_date(ar_credit.recommended_terms(ar_credit.risk_class(score)), date '2024-03-15')
        FROM s ORDER BY customer$$,
    $$VALUES
      -- 0.4 x 89.15 + 0.4 x 83 + 0.2 x 100 = 35.66 + 33.2 + 20 = 88.86 -> 89: A, 60D
      ('acme', 89, 'A', '60D', date '2024-05-14'),
      -- 0.4 x 54.12 + 0.4 x 65 + 0.2 x 100 = 21.648 + 26 + 20 = 67.648 -> 68: B, 45D
      ('bolt', 68, 'B', '45D', date '2024-04-29'),
      -- 0.4 x 0 + 0.4 x 30 + 0.2 x 0 = 12: E, immediate
      ('cask', 12, 'E', 'immediate', date '2024-03-15'),
      -- (0.4 x 40 + 0.2 x 64) / 0.6 = 28.8 / 0.6 = 48: D, 15D
      ('dune', 48, 'D', '15D', date '2024-03-30'),
      -- (0.4 x 30 + 0.2 x 100) / 0.6 = 32 / 0.6 = 53.33 -> 53: C, 30D
      ('echo', 53, 'C', '30D', date '2024-04-14')$$,
    'customers scored from statements, payment history and exposure, with class, terms and due date');

-- (after the customer scoring, which uses the shipped policy)
-- a user row replaces the shipped row of its class and is the user's
INSERT INTO ar_credit.credit_policy (risk_class, terms, deposit_pct, limit_factor, shipped) VALUES ('C', '45D', 10, 0.8, true);
SELECT results_eq($$SELECT terms::text, deposit_pct, limit_factor, shipped FROM ar_credit.credit_policy WHERE risk_class = 'C'$$,
                  $$VALUES ('45D', 10::numeric, 0.8::numeric, false)$$,
                  'INSERT of class C replaces the shipped row and is marked shipped = false');
SELECT is(recommended_terms('c'), '45D'::payment_terms, 'recommended_terms follows the user row');
UPDATE ar_credit.credit_policy SET deposit_pct = 30 WHERE risk_class = 'D';
SELECT results_eq($$SELECT risk_class, shipped FROM ar_credit.credit_policy ORDER BY risk_class$$,
                  $$VALUES ('A', true), ('B', true), ('C', false), ('D', false), ('E', true)$$,
                  'UPDATE marks D shipped = false, the other shipped rows stay shipped');
SELECT throws_ok($$INSERT INTO ar_credit.credit_policy VALUES ('C', '60D', 0, 1)$$, '23505', NULL,
                 'a second user row for class C is a duplicate (only shipped rows are replaced)');

SELECT * FROM finish();
ROLLBACK;
