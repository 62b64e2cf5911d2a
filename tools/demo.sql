-- A short tour of ar_credit, run by tools/demo.sh in a throwaway cluster.
CREATE EXTENSION ar_credit;
\echo
\echo '== Payment terms: words in, canonical formula out, due dates, legal checks'
SELECT input AS "terms as written",
       input::ar_credit.payment_terms AS canonical,
       ar_credit.due_date(input::ar_credit.payment_terms, date '2026-01-15') AS "due (invoice 2026-01-15)",
       ar_credit.max_term_days(input::ar_credit.payment_terms) AS "worst case days",
       ar_credit.describe(input::ar_credit.payment_terms, 'fr') AS "sur la facture",
       pg_catalog.array_to_string(ar_credit.terms_violations(input::ar_credit.payment_terms, 'FR'), '; ') AS "FR violations"
  FROM (VALUES ('net 30'), ('45 jours fin de mois'), ('end of month + 45 days'),
               ('45 days end of month on the 10th'), ('2/10 net 30'), ('90 days')) AS v(input);

\echo '== Instalments: cents rounded, the last instalment takes the remainder'
SELECT * FROM ar_credit.installments('33.33% 30D, 33.33% 60D, 33.34% 90D', date '2026-01-31', 1000.00);
