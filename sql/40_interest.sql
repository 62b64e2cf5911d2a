--
-- statutory late-payment interest and recovery indemnity (SPEC section 4)
-- every value is worked by hand in doc/interest_worked_examples.md
--
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS ar_credit;
RESET client_min_messages;
SET search_path = ar_credit, public;
SET datestyle = 'ISO, YMD';

-- shipped regimes
SELECT regime, rate_index, margin, fixing, day_count, per_period, indemnity_rule,
       indemnity_amount, currency, floor_index, floor_factor, legacy_due_before, legacy_margin
  FROM interest_regime ORDER BY regime;

-- rows per shipped index, and the last known rate of each
SELECT rate_index, count(*) AS n, min(valid_from) AS first, max(valid_from) AS last,
       bool_and(shipped) AS shipped, bool_and(source IS NOT NULL) AS sourced
  FROM reference_rate GROUP BY rate_index ORDER BY rate_index;

-- FR_B2B across 1 Jul 2024: 15 days at 14.50 + 15 days at 14.25 (E1)
SELECT late_interest(10000, '2024-06-15', '2024-07-15') AS fr_b2b_default,
       late_interest(10000, '2024-06-15', '2024-07-15', 'FR_B2B') AS fr_b2b;
SELECT * FROM late_interest_detail(10000, '2024-06-15', '2024-07-15');

-- the same period under every regime (E1, E5, E6, E7, E8, E9)
SELECT regime, late_interest(10000, '2024-06-15', '2024-07-15', regime) AS interest,
       recovery_indemnity(10000, regime) AS indemnity
  FROM interest_regime WHERE regime <> 'UK_B2B' ORDER BY regime;
SELECT d.* FROM (VALUES ('FR_PUBLIC'), ('FR_LEGAL_PRO'), ('FR_LEGAL_PART'), ('DE_B2C')) AS v(regime),
       LATERAL late_interest_detail(10000, '2024-06-15', '2024-07-15', v.regime) AS d;

-- a whole leap year at FR_B2B: 366 days over 365 (E3)
SELECT * FROM late_interest_detail(10000, '2023-12-31', '2024-12-31');
SELECT late_interest(10000, '2023-12-31', '2024-12-31');

-- DE_B2B across 29 February (E2), legacy margin before 29 Jul 2014 (E10)
SELECT * FROM late_interest_detail(10000, '2024-02-15', '2024-03-15', 'DE_B2B');
SELECT due, late_interest(10000, due, due + 30, 'DE_B2B') AS de_b2b,
       late_interest(10000, due, due + 30, 'DE_B2B_PRE_2014') AS de_pre_2014
  FROM (VALUES (date '2014-07-28'), ('2014-07-29')) AS v(due);

-- UK: fixing on each side of 1 Jan and 1 Jul, no split afterwards (E4)
SELECT due, due + 1 AS interest_starts, late_interest(10000, due, due + 30, 'UK_B2B') AS uk
  FROM (VALUES (date '2023-12-30'), ('2023-12-31'), ('2025-06-29'), ('2025-06-30')) AS v(due);
SELECT * FROM late_interest_detail(10000, '2023-12-31', '2024-12-31', 'UK_B2B');

-- indemnities, UK bands at their edges
SELECT amount, recovery_indemnity(amount, 'UK_B2B') AS uk, recovery_indemnity(amount) AS fr,
       recovery_indemnity(amount, 'DE_B2C') AS de_b2c
  FROM (VALUES (-5::numeric), (0), (0.01), (999.99), (1000), (9999.99), (10000), (1e9)) AS v(amount);

-- nothing accrues when paid on time, early, or on a credit note
SELECT late_interest(10000, '2024-06-15', '2024-06-15') AS on_time,
       late_interest(10000, '2024-06-15', '2024-06-01') AS early,
       late_interest(-10000, '2024-06-15', '2024-07-15') AS credit_note,
       late_interest(0, '2024-06-15', '2024-07-15') AS zero,
       (SELECT count(*) FROM late_interest_detail(10000, '2024-06-15', '2024-06-15')) AS detail_rows,
       late_interest(NULL, '2024-06-15', '2024-07-15') IS NULL AS strict;

-- contract rates (E11): one rate for the whole debt, FR floor 3 x taux legal
SELECT late_interest(10000, '2024-06-15', '2024-07-15', 'FR_B2B', 15.21) AS at_h1_floor,
       late_interest(10000, '2024-08-01', '2024-08-31', 'FR_B2B', 15.00) AS above_h2_floor,
       late_interest(10000, '2024-03-01', '2024-03-31', 'DE_B2B', 5) AS de_b2b_5,
       late_interest(10000, '2024-06-15', '2024-07-15', 'UK_B2B', 0) AS uk_zero;
SELECT late_interest(10000, '2024-03-01', '2024-03-31', 'FR_B2B', 15.20);
SELECT late_interest(10000, '2024-08-01', '2024-08-31', 'FR_B2B', 14.75);
SELECT late_interest(10000, '2024-03-01', '2024-03-31', 'DE_B2B', -1);

-- day counts through user regimes (E12)
BEGIN;
INSERT INTO interest_regime (regime, rate_index, margin, fixing, day_count) VALUES
    ('T_ACT_ACT', 'ECB_MRO', 10, 'half_year', 'act/act'),
    ('T_ACT_360', 'ECB_MRO', 10, 'half_year', 'act/360'),
    ('T_30_360', 'ECB_MRO', 10, 'half_year', '30/360');
SELECT * FROM late_interest_detail(10000, '2023-12-15', '2024-01-15', 'T_ACT_ACT');
SELECT * FROM late_interest_detail(10000, '2024-06-15', '2024-07-15', 'T_ACT_360');
SELECT * FROM late_interest_detail(10000, '2024-06-15', '2024-07-15', 'T_30_360');
SELECT late_interest(10000, '2024-02-15', '2024-03-15', 'T_30_360') AS feb_30_360,
       late_interest(10000, '2024-07-15', '2024-08-31', 'T_30_360') AS aug_30_360;
-- cache: a new rate is used from the next statement on (E13)
SELECT late_interest(10000, '2024-07-10', '2024-08-09') AS before_insert;
INSERT INTO reference_rate (rate_index, valid_from, rate, source) VALUES ('ECB_MRO', '2024-07-01', 5.00, 'test');
SELECT late_interest(10000, '2024-07-10', '2024-08-09') AS after_insert;
UPDATE reference_rate SET rate = 6.00 WHERE rate_index = 'ECB_MRO' AND valid_from = '2024-07-01';
SELECT late_interest(10000, '2024-07-10', '2024-08-09') AS after_update;
DELETE FROM reference_rate WHERE rate_index = 'ECB_MRO' AND valid_from = '2024-07-01';
SELECT late_interest(10000, '2024-07-10', '2024-08-09') AS after_delete;
ROLLBACK;

-- errors
SELECT late_interest(100, '2024-01-01', '2024-02-01', 'XX_B2B');
SELECT late_interest(100, '2007-01-10', '2007-02-09');
SELECT late_interest(100, '2026-06-15', '2026-07-15', 'FR_LEGAL_PRO');
SELECT late_interest(100, '2024-01-01', 'infinity');
SELECT late_interest(100, '-infinity', '2024-01-01');
SELECT late_interest('NaN', '2024-01-01', '2024-02-01');
SELECT recovery_indemnity('Infinity', 'UK_B2B');
INSERT INTO interest_regime (regime, rate_index, margin, fixing) VALUES ('T_BAD', 'ECB_MRO', 8, 'monthly');
INSERT INTO interest_regime (regime, rate_index, margin, fixing, day_count) VALUES ('T_BAD', 'ECB_MRO', 8, 'half_year', 'act/364');
