-- user rows: a newly published rate, a corrected shipped rate, a user regime
INSERT INTO ar_credit.reference_rate (rate_index, valid_from, rate, source)
VALUES ('FR_TIL_PRO', '2026-07-01', 2.50, 'test: arrete of June 2026');
UPDATE ar_credit.reference_rate SET source = source || ' (checked)' WHERE rate_index = 'ECB_MRO' AND valid_from = '2025-06-11';
INSERT INTO ar_credit.interest_regime (regime, rate_index, margin, fixing, day_count, indemnity_rule, indemnity_amount)
VALUES ('IT_B2B', 'ECB_MRO', 8, 'half_year', 'act/365', 'fixed', 40);
