--
-- payment_terms soft input errors (PostgreSQL 16+ only; see Makefile)
--
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS ar_credit;
RESET client_min_messages;
SELECT pg_input_is_valid('45D+CM', 'ar_credit.payment_terms') AS valid,
       pg_input_is_valid('45 jours fin de mos', 'ar_credit.payment_terms') AS invalid,
       pg_input_is_valid('30% 15D, 60% 45D', 'ar_credit.payment_terms') AS bad_shares;
SELECT message, detail, sql_error_code
  FROM pg_input_error_info('45 jours fin de mos', 'ar_credit.payment_terms');
