-- The rows of 0.2.0.  One receivable per invoice the queue knew, its history
-- (the highest level sent) from the reminders sent; live while the invoice
-- had a live reminder; the invoices of tables no longer tracked are history.
-- The event triggers stand aside while ar_credit rebuilds its own triggers.
SELECT ar_credit.ddl_guard(true);
INSERT INTO ar_credit.receivable (source, item_key, customer_key, currency, due_date, amount, class,
                                  last_level, last_sent_on, gone, first_amount)
SELECT q.source, q.invoice_key,
       (pg_catalog.array_agg(q.customer_key ORDER BY q.id DESC))[1],
       (pg_catalog.array_agg(q.currency ORDER BY q.id DESC))[1],
       (pg_catalog.array_agg(q.due_date ORDER BY q.id DESC))[1],
       (pg_catalog.array_agg(q.amount_due ORDER BY q.id DESC))[1],
       CASE WHEN pg_catalog.bool_or(q.state = 'suspended') THEN 'suspended'
            WHEN pg_catalog.bool_or(q.state IN ('pending', 'claimed')) THEN 'open' ELSE 'closed' END,
       COALESCE(pg_catalog.max(q.level) FILTER (WHERE q.state = 'sent'), 0),
       (pg_catalog.max(q.sent_at) FILTER (WHERE q.state = 'sent'))::pg_catalog.date,
       NOT EXISTS (SELECT 1 FROM ar_credit.tracked_table_0_2 AS t WHERE t.relid = q.source),
       (pg_catalog.array_agg(q.amount_due ORDER BY q.id))[1]
  FROM ar_credit.dunning_queue_0_2 AS q
 GROUP BY q.source, q.invoice_key
 ORDER BY pg_catalog.min(q.id);
INSERT INTO ar_credit.dunning_queue (id, source, invoice_key, customer_key, level, channel, label, remind_on,
                                     amount_due, currency, state, attempts, claimed_by, claimed_until, last_error,
                                     created_at, updated_at, due_date, policy, next_attempt_at, sent_at, receivable_id)
OVERRIDING SYSTEM VALUE
SELECT o.id, o.source, o.invoice_key, o.customer_key, o.level, o.channel, o.label, o.remind_on, o.amount_due,
       o.currency, o.state, o.attempts, o.claimed_by, o.claimed_until, o.last_error, o.created_at, o.updated_at,
       o.due_date, o.policy, o.next_attempt_at, o.sent_at, r.id
  FROM ar_credit.dunning_queue_0_2 AS o
  JOIN ar_credit.receivable AS r ON r.source = o.source AND r.item_key = o.invoice_key
 ORDER BY o.id;
SELECT pg_catalog.setval(pg_catalog.pg_get_serial_sequence('ar_credit.dunning_queue', 'id'), x.v)
  FROM (SELECT GREATEST((SELECT pg_catalog.max(q.id) FROM ar_credit.dunning_queue AS q),
                        (SELECT s.last_value FROM ar_credit.dunning_queue_0_2_id_seq AS s WHERE s.is_called)) AS v) AS x
 WHERE x.v IS NOT NULL;
-- 0.2.0 mapped column names; 0.3.0 keeps columns and expressions as SQL text
INSERT INTO ar_credit.tracked_table (relid, key_column, due_column, amount_column, status_column, customer_column,
                                     currency_column, policy, tracked_at)
SELECT t.relid,
       CASE WHEN pg_catalog.cardinality(t.key_columns) = 1 THEN pg_catalog.quote_ident(t.key_columns[1])
            ELSE 'ROW(' || (SELECT pg_catalog.string_agg(pg_catalog.quote_ident(k), ', ' ORDER BY o)
                              FROM pg_catalog.unnest(t.key_columns) WITH ORDINALITY AS u(k, o)) || ')' END,
       pg_catalog.quote_ident(t.due_column), pg_catalog.quote_ident(t.amount_column),
       pg_catalog.quote_ident(t.status_column), pg_catalog.quote_ident(t.customer_column),
       pg_catalog.quote_ident(t.currency_column), t.policy, t.tracked_at
  FROM ar_credit.tracked_table_0_2 AS t;
-- out of the extension (and of its list of tables pg_dump dumps), then gone
ALTER EXTENSION ar_credit DROP SEQUENCE ar_credit.dunning_queue_0_2_id_seq;
ALTER EXTENSION ar_credit DROP TABLE ar_credit.dunning_queue_0_2;
ALTER EXTENSION ar_credit DROP TABLE ar_credit.tracked_table_0_2;
DROP TABLE ar_credit.dunning_queue_0_2, ar_credit.tracked_table_0_2;
-- untrack() is the table owner's now, as in a fresh install
GRANT EXECUTE ON FUNCTION ar_credit.untrack(pg_catalog.regclass) TO PUBLIC;
-- every tracked table gets the 0.3.0 triggers and is brought in step
SELECT ar_credit.attach_dunning_triggers(t.relid), ar_credit.dunning_resync(t.relid)
  FROM ar_credit.tracked_table AS t;
SELECT ar_credit.ddl_guard(false);
