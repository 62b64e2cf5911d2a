-- Score every customer of the demo invoices table (examples/demo_data.sql)
-- from its payment history, financial statements and current exposure, and
-- show the riskiest with the terms the credit policy recommends.
WITH behaviour AS (
    SELECT customer_id, ar_credit.paydex(amount, paid_on - due_on) AS paydex
      FROM billing.invoice
     WHERE paid_on IS NOT NULL
     GROUP BY customer_id),
exposure AS (
    SELECT customer_id, sum(amount - paid_amount) AS exposure
      FROM billing.invoice
     WHERE status IN ('open', 'partially_paid', 'disputed')
     GROUP BY customer_id),
scored AS (
    SELECT c.id, c.name, b.paydex, COALESCE(e.exposure, 0) AS exposure, c.credit_limit,
           ar_credit.altman_z_prime(c.working_capital, c.retained_earnings, c.ebit, c.equity_book,
                                    c.sales, c.total_assets, c.total_liabilities) AS z_prime
      FROM billing.customer AS c
      LEFT JOIN behaviour AS b ON b.customer_id = c.id
      LEFT JOIN exposure AS e ON e.customer_id = c.id)
SELECT id, name, paydex, exposure, credit_limit, z_prime,
       ar_credit.solvency_score(ar_credit.financial_score(z_prime, 'z_prime'), paydex, exposure, credit_limit) AS score,
       ar_credit.risk_class(ar_credit.solvency_score(ar_credit.financial_score(z_prime, 'z_prime'),
                                                     paydex, exposure, credit_limit)) AS class,
       ar_credit.recommended_terms(ar_credit.risk_class(ar_credit.solvency_score(
           ar_credit.financial_score(z_prime, 'z_prime'), paydex, exposure, credit_limit))) AS terms
  FROM scored
 ORDER BY score, id
 LIMIT 10;
