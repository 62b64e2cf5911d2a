--
-- solvency scores, risk classes and credit policy (SPEC section 3);
-- every value is worked by hand in doc/scores_worked_examples.md
--
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS ar_credit;
RESET client_min_messages;
SET search_path = ar_credit, public;
SET datestyle = 'ISO, YMD';

-- Altman Z (1968), Z' (1983), Z'' (1995) on the same statements:
-- Z1 sound, Z2 accumulated losses, Z3 sevenths (rounding)
SELECT ex, altman_z(wc, re, ebit, eq, sales, ta, tl) AS z, altman_zone(altman_z(wc, re, ebit, eq, sales, ta, tl)) AS zone,
       altman_z_prime(wc, re, ebit, eq, sales, ta, tl) AS z_prime,
       altman_zone(altman_z_prime(wc, re, ebit, eq, sales, ta, tl), 'z_prime') AS zone_prime,
       altman_z_double_prime(wc, re, ebit, eq, ta, tl) AS z_double_prime,
       altman_zone(altman_z_double_prime(wc, re, ebit, eq, ta, tl), 'z_double_prime') AS zone_double_prime
  FROM (VALUES ('1', 200, 300, 150, 900, 1500, 1000, 600),
               ('2', 50, -100, 20, 150, 800, 1000, 750),
               ('3', 100, 150, 70, 350, 910, 700, 500)) AS v(ex, wc, re, ebit, eq, sales, ta, tl);
SELECT altman_z_double_prime(50, 100, 60, 400, 1000, 800) AS grey, altman_z_double_prime(-100, -250, -40, 50, 500, 450) AS losses;
-- ties round half away from zero
SELECT altman_z(-5, 0, 0, 0, 5, 20000, 1) AS minus_tie, altman_z(0, 0, 0, 0, 1, 20000, 1) AS plus_tie,
       conan_holder(0, 0, 0, 0, 0.0005) AS ch_minus_tie, conan_holder(0, 0, 0, 0, -0.0005) AS ch_plus_tie;

-- Conan-Holder (1979): sound, warning, danger (operating loss)
SELECT r, conan_holder(r[1], r[2], r[3], r[4], r[5]) AS z, conan_holder_zone(conan_holder(r[1], r[2], r[3], r[4], r[5])) AS zone
  FROM (VALUES ('{0.5,0.6,0.4,0.02,0.55}'::numeric[]), ('{0.2,0.5,0.3,0.03,0.7}'), ('{-0.1,0.3,0.2,0.08,0.95}')) AS v(r);

-- zones at and around each cut-off (grey / warning inclusive)
SELECT m, array_agg(z ORDER BY z) AS scores, array_agg(altman_zone(z, m) ORDER BY z) AS zones
  FROM (VALUES ('z', ARRAY[1.8099, 1.81, 2.99, 2.9901]), ('z_prime', ARRAY[1.2299, 1.23, 2.9, 2.9001]),
               ('z_double_prime', ARRAY[1.0999, 1.1, 2.6, 2.6001]), ('conan_holder', ARRAY[0.0399, 0.04, 0.16, 0.1601])) AS v(m, zs),
       unnest(zs) AS z
 GROUP BY m ORDER BY m;

-- financial score: distress cut-off 30, safe cut-off 70, linear, clamped
SELECT financial_score(1.81) AS z_lo, financial_score(2.99) AS z_hi, financial_score(3.555) AS z1,
       financial_score(0.906) AS z2, financial_score(2.9906, 'z_prime') AS zp1,
       financial_score(1.5822, 'z_double_prime') AS zdp, financial_score(0.2436, 'conan_holder') AS ch1;

-- solvency score: 40 % financial, 40 % paydex, 20 % exposure; missing parts left out
SELECT f, p, e, l, solvency_score(f, p, e, l) AS score, risk_class(solvency_score(f, p, e, l)) AS class
  FROM (VALUES (70, 80, 0, 1000), (89.15, 80, 750, 1000), (50, 60, 1000, 1000), (NULL, 80, 0, 1000),
               (70, NULL, 1000, 1000), (42.86, NULL, NULL, NULL), (60, 60, 1500, 1000), (60, 60, 1, 0),
               (60, 60, -500, 1000), (NULL, NULL, 500, 1000), (NULL, NULL, NULL, NULL)) AS v(f, p, e, l);
SELECT s, risk_class(s) FROM unnest(ARRAY[100, 80, 79, 65, 64, 50, 49, 35, 34, 0]) AS s;

-- credit policy
SELECT risk_class, terms, deposit_pct, limit_factor, shipped FROM credit_policy ORDER BY risk_class;
SELECT recommended_terms('e'), due_date(recommended_terms('E'), '2024-03-15'), due_date(recommended_terms('b'), '2024-01-31');
BEGIN;
INSERT INTO credit_policy VALUES ('C', '45D', 10, 0.8);
UPDATE credit_policy SET deposit_pct = 30 WHERE risk_class = 'D';
SELECT risk_class, terms, deposit_pct, limit_factor, shipped FROM credit_policy ORDER BY risk_class;
ROLLBACK;

-- errors
SELECT altman_z(200, 300, 150, 900, 1500, 0, 600);
SELECT altman_z(200, 300, 150, 900, 1500, 1000, 0);
SELECT altman_z_double_prime(200, 300, 150, 900, 1000, -600);
SELECT altman_z_prime(0, 0, 0, 0, 0, 'Infinity', 1);
SELECT conan_holder('NaN', 0, 0, 0, 0);
SELECT altman_zone(2, 'Z');
SELECT solvency_score(100.01, 50, NULL, NULL);
SELECT solvency_score(50, 0, NULL, NULL);
SELECT risk_class(101);
SELECT recommended_terms('F');
INSERT INTO credit_policy VALUES ('A', '30D', 101, 1);
