--
-- payment_terms: input forms, canonical output, functions (SPEC section 1)
--
SET client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS ar_credit;
RESET client_min_messages;
SET search_path = ar_credit, public;

-- every input form and its canonical text
SELECT input, input::payment_terms AS canonical
  FROM (VALUES ('immediate'), ('Due on receipt'), ('comptant'), ('à réception'), ('A RECEPTION'),
               ('net 30'), ('30 days'), ('30 jours'), ('30D'),
               ('2 months'), ('2 mois'), ('2M'), ('2 weeks'), ('2W'),
               ('45 days end of month'), ('45 jours fin de mois'), ('45D+CM'),
               ('end of month + 45 days'), ('fin de mois + 45 jours'), ('CM+45D'),
               ('45 days after end of month'),
               ('45 jours fin de mois le 10'), ('45 days end of month on the 10th'), ('45D+CM+D10'),
               ('1 month end of month'), ('1 mois fin de mois'), ('1M+CM'),
               ('D10'), ('30 jours le 10 du mois suivant'),
               ('2/10 net 30'), ('2% 10 net 30'), ('30D discount 2% 10D'),
               ('net 30 days with 1.5% discount if paid within 10 days'),
               ('30 jours escompte 2 % 10 jours'),
               ('30% 15D, 70% 45D'), ('30 % à 15 jours, 70 % à 45 jours'),
               ('50% immediate, 50% 30D'),
               ('CQ+1M-10D'), ('CW'), ('1Q'), ('1Y'), ('end of year'), ('0D')) AS v(input);

-- canonical text round-trips, and so do the descriptions
SELECT t, t::text::payment_terms = t AS text_round_trip,
       describe(t) AS en, describe(t)::payment_terms = t AS en_round_trip,
       describe(t, 'fr') AS fr, describe(t, 'fr')::payment_terms = t AS fr_round_trip
  FROM (VALUES ('immediate'::payment_terms), ('30D'), ('2W'), ('45D+CM'), ('CM+45D'),
               ('45D+CM+D10'), ('1M+CM'), ('D1'), ('CQ+1M-10D'), ('CY'),
               ('30D discount 2% 10D'), ('30D discount 2% CM'),
               ('30% 15D, 70% 45D'), ('50% immediate, 50% 30D')) AS v(t);

-- due dates (worked by hand in test/unit/test_terms.c and README)
SELECT terms, d AS invoice_date, due_date(terms::payment_terms, d) AS due,
       due_date(terms::payment_terms, d) - d AS days
  FROM (VALUES ('30D', date '2024-01-31'),
               ('1M', '2023-01-31'), ('1M', '2024-01-31'),          -- clamped to February's end
               ('1M+CM', '2023-02-28'), ('1M+CM', '2024-01-31'),     -- month end after adding
               ('45D+CM', '2023-01-15'), ('CM+45D', '2023-01-15'),  -- two readings of 45 jours fin de mois
               ('45D+CM', '2024-01-15'), ('CM+45D', '2024-01-15'),
               ('45D+CM+D10', '2023-01-15'),
               ('D10', '2024-03-05'), ('D10', '2024-03-10'),        -- strictly after
               ('D30', '2023-02-28'), ('D30', '2024-02-28'), ('D31', '2024-01-31'),
               ('CW', '2026-11-18'), ('CQ+1M-10D', '2024-05-03'), ('1Y', '2024-02-29'),
               ('30% 15D, 70% 45D', '2024-01-01')) AS v(terms, d);

-- discounts
SELECT discount_date('2/10 net 30', '2024-01-01') AS disc_date,
       discount_date('30D', '2024-01-01') AS none,
       discount_amount('2/10 net 30', 1234.56, '2024-01-01', '2024-01-11') AS on_last_day,
       discount_amount('2/10 net 30', 1234.56, '2024-01-01', '2024-01-12') AS one_day_late,
       discount_amount('30D discount 1.5% 10D', 100.30, '2024-01-01', '2024-01-05') AS half_cent_up,
       discount_amount('30D discount 1.5% 10D', -100.30, '2024-01-01', '2024-01-05') AS credit_note,
       discount_amount('30D', 100, '2024-01-01', '2024-01-01') AS no_discount;

-- instalments: cents rounded, the last one takes the remainder
SELECT * FROM installments('33.33% 30D, 33.33% 60D, 33.34% 90D', '2024-01-31', 100.00);
SELECT * FROM installments('30% 15D, 70% 45D', '2024-01-31', 100.01);
SELECT * FROM installments('30% 15D, 70% 45D', '2024-01-31', -100.01);
SELECT * FROM installments('45D+CM', '2024-01-15', 999.99);

-- worst-case term length and legal checks
SELECT t, max_term_days(t), terms_violations(t) AS fr, terms_violations(t, 'EU_B2B') AS eu_b2b,
       terms_violations(t, 'fr_public') AS fr_public
  FROM (VALUES ('immediate'::payment_terms), ('30D'), ('60D'), ('1M'), ('1M+CM'), ('45D+CM'),
               ('CM+45D'), ('D10'), ('90D'), ('60D+CM'), ('30D discount 2% 45D')) AS v(t)
 ORDER BY t;

-- ordering, equality, hashing
SELECT t FROM (VALUES ('1M'::payment_terms), ('30D'), ('45D+CM'), ('CM+45D'), ('immediate'), ('2W')) v(t) ORDER BY t;
SELECT t, count(*) FROM (VALUES ('net 30'::payment_terms), ('30 jours'), ('30D'), ('1M'), ('1 mois')) v(t)
 GROUP BY t ORDER BY t;
SELECT '30D'::payment_terms < '1M', '1M'::payment_terms >= '30D', 'net 30'::payment_terms <> '30D',
       payment_terms_cmp('CM+45D', '45D+CM');
SELECT payment_terms_send('45D+CM');
SELECT min(t), max(t)
  FROM (VALUES ('1M'::payment_terms), ('30D'), ('45D+CM'), ('CM+45D'), ('2W')) v(t);

-- bad input
SELECT 'net thirty'::payment_terms;
SELECT '45 jours fin de mos'::payment_terms;
SELECT '30% 15D, 60% 45D'::payment_terms;
SELECT '30% 15D, 45D'::payment_terms;
SELECT 'D32'::payment_terms;
SELECT '10000D'::payment_terms;
SELECT ''::payment_terms;
SELECT due_date('30D', 'infinity');
SELECT due_date('9999Y', '5874000-01-01');
SELECT describe('30D', 'de');
SELECT terms_violations('30D', 'XX');

-- filters as BI tools send them (SPEC section 11), ar_credit off the search
-- path: the operators and min()/max() are found in pg_catalog, text and
-- varchar parameters reach terms through the implicit casts
SET search_path = public;
CREATE TEMP TABLE bi_terms (id int, terms ar_credit.payment_terms);
INSERT INTO bi_terms VALUES (1, 'net 30'), (2, '45 jours fin de mois'), (3, '2/10 net 30'), (4, 'immediate');
SELECT id, terms FROM bi_terms WHERE terms = 'net 30';
SELECT id FROM bi_terms WHERE terms IN ('30 jours', 'comptant') ORDER BY id;
SELECT id, CASE terms WHEN 'immediate' THEN 'cash' ELSE 'credit' END FROM bi_terms ORDER BY terms, id;
SELECT min(terms), max(terms), count(DISTINCT terms) FROM bi_terms;
PREPARE by_varchar(varchar) AS SELECT id FROM bi_terms WHERE terms = $1;
EXECUTE by_varchar('30 days');
PREPARE due_text(text, date) AS SELECT ar_credit.due_date($1, $2), ar_credit.describe($1);
EXECUTE due_text('45D+CM', '2024-01-15');
INSERT INTO bi_terms VALUES (5, 'net 60'::varchar), (6, 'CM+45D'::text);
SELECT id, terms FROM bi_terms WHERE id > 4 ORDER BY id;
-- bad text in a parameter is refused like a bad literal
EXECUTE by_varchar('net thirty');
-- the casts, and where the operators live
SELECT castsource::regtype, casttarget::regtype, castcontext, castmethod
  FROM pg_catalog.pg_cast
 WHERE 'ar_credit.payment_terms'::regtype IN (castsource, casttarget) ORDER BY 1;
SELECT oprnamespace::regnamespace, string_agg(oprname, ' ' ORDER BY oprname)
  FROM pg_catalog.pg_operator WHERE 'ar_credit.payment_terms'::regtype IN (oprleft, oprright) GROUP BY 1;
SELECT p.oid::regprocedure FROM pg_catalog.pg_proc p
 WHERE p.prokind = 'a' AND p.proargtypes[0] = 'ar_credit.payment_terms'::regtype ORDER BY 1;
