#!/usr/bin/env bash
# Bounded churn test of tracking under concurrency (issue 18), run inside a
# throwaway cluster by tools/run-cluster-tests.sh (or against any server the
# PG* variables point at).  Prints TAP.
#
# For CHURN_SECONDS (default 60) pgbench drives, at the same time:
#   writers (CHURN_WRITERS clients, default 3) on two tracked tables:
#     inserts (new keys, and keys reused after a delete), payments (full and
#     partial), disputes, reopenings (of disputed and of paid invoices), due
#     date and amount changes, key changes, deletes, a few multi-row updates,
#     and inserts into, TRUNCATEs of and DDL on the second table (a mapped
#     column renamed and back, a column added and dropped);
#   workers (CHURN_WORKERS clients, default 3) claiming batches of 5 (as of
#     90 days ahead, so that every level comes round), then, in a later
#     transaction, completing them or, one time in eight, failing them.
# Then SQL invariants, each an "ok" line with its count (0 is right):
#   no level sent twice for one receivable; no live reminder for a closed,
#   paid or gone receivable; exactly one live reminder per open receivable
#   that has a level to come (next_reminder), none otherwise; no live
#   reminder at or below the level last sent; the live reminders agree with
#   their receivables; the mirror equals a recomputation from the tracked
#   tables; no pgbench client aborted.  Errors the workers' calls raised are
#   counted and listed (a comment: some are expected, e.g. a deadlock).
set -uo pipefail
cd "$(dirname "$0")/.."
export PGOPTIONS='-c client_min_messages=warning'
seconds=${CHURN_SECONDS:-60}
writers=${CHURN_WRITERS:-3}
workers=${CHURN_WORKERS:-3}
db=${CHURN_DB:-ar_churn_test}
bindir=$(${PG_CONFIG:-pg_config} --bindir)
pgbench=${PGBENCH:-$bindir/pgbench}
[ -x "$pgbench" ] || pgbench=pgbench
n=0; failed=0
ok() { n=$((n + 1)); if [ "$1" = 0 ]; then echo "ok $n - $2"; else failed=$((failed + 1)); echo "not ok $n - $2"; fi; }
q() { psql -X -q -At -v ON_ERROR_STOP=1 -d "$db" -c "$1"; }
# zero COUNT NAME: ok when the count is 0, the count in the name
zero() { ok "$([ "$1" = 0 ] && echo 0 || echo 1)" "$2 ($1)"; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

dropdb --if-exists "$db" 2>/dev/null
createdb "$db" || { echo "not ok 1 - create database $db"; exit 1; }
psql -X -q -v ON_ERROR_STOP=1 -d "$db" >/dev/null <<'SQL'
CREATE EXTENSION ar_credit;
CREATE SCHEMA churn;
-- invoices: a surrogate id the scripts pick rows by, a unique invoice number
-- (the tracked key, changed by re-keys)
CREATE TABLE churn.inv (id int PRIMARY KEY, no text NOT NULL UNIQUE, due date NOT NULL, amount numeric(12,2),
                        status text NOT NULL DEFAULT 'open', customer text);
CREATE SEQUENCE churn.ids;
CREATE SEQUENCE churn.rekeys;
CREATE TABLE churn.inv2 (no int PRIMARY KEY, due date NOT NULL, amount numeric(12,2), status text NOT NULL DEFAULT 'open');
CREATE SEQUENCE churn.ids2;
INSERT INTO churn.inv
SELECT i, 'I' || i, current_date + (i % 100) - 60, 100 + i % 17, 'open', 'C' || i % 40
  FROM generate_series(1, 400) AS i;
SELECT setval('churn.ids', 400);
SELECT ar_credit.track('churn.inv', 'no', 'due', 'amount', 'status', 'customer');
SELECT ar_credit.track('churn.inv2', 'no', 'due', 'amount', 'status');

-- every change of state of a reminder (test-only trigger on the queue): tells
-- the known failure K1 (test/reliability.sql) from any other double send
CREATE TABLE churn.transition (qid bigint, old_state text, new_state text, claimed_by text);
CREATE FUNCTION churn.transition() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO churn.transition
    SELECT n.id, o.state, n.state, n.claimed_by FROM old_rows AS o JOIN new_rows AS n USING (id)
     WHERE o.state IS DISTINCT FROM n.state;
    RETURN NULL;
END
$$;
CREATE TRIGGER churn_transition AFTER UPDATE ON ar_credit.dunning_queue
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION churn.transition();

-- errors the workers' calls raised (their work rolled back), for the report
CREATE TABLE churn.error (at timestamptz DEFAULT clock_timestamp(), what text, sqlstate text, message text);

-- a worker's two steps, in two transactions: claim a batch (as of 90 days
-- ahead), then complete it or fail it
CREATE FUNCTION churn.claim(worker text) RETURNS text
LANGUAGE sql AS $$
    SELECT coalesce(string_agg(c.id::text, ',' ORDER BY c.id), '')
      FROM ar_credit.claim_reminders(5, worker, '10 minutes', current_date + 90) AS c
$$;
CREATE FUNCTION churn.finish(ids text, fail boolean) RETURNS int
LANGUAGE plpgsql AS $$
DECLARE
    a bigint[] := ('{' || ids || '}')::bigint[];
    st text;
    msg text;
BEGIN
    IF fail THEN
        RETURN ar_credit.fail_reminders(a, 'churn: smtp down');
    END IF;
    RETURN ar_credit.complete_reminders(a);
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT;
    INSERT INTO churn.error (what, sqlstate, message)
    VALUES (CASE WHEN fail THEN 'fail_reminders' ELSE 'complete_reminders' END, st, msg);
    RETURN -1;
END
$$;
SQL
ok $? "churn database: two tracked tables, 400 invoices"

# ---- pgbench scripts -------------------------------------------------------
# a random invoice, most often among the 200 newest (a hot set, so that
# writers and workers meet on the same invoices)
pick="(SELECT greatest(1, CASE WHEN random() < 0.8 THEN last_value - floor(random() * 200) ELSE 1 + floor(random() * last_value) END)::int FROM churn.ids)"
cat > "$work/insert.sql" <<SQL
INSERT INTO churn.inv SELECT k, 'I' || k, current_date + (random() * 100)::int - 60, 50 + (random() * 500)::int, 'open', 'C' || (random() * 40)::int FROM (SELECT nextval('churn.ids') AS k) s;
SQL
cat > "$work/reinsert.sql" <<SQL
INSERT INTO churn.inv SELECT k, 'I' || k, current_date + (random() * 100)::int - 60, 50 + (random() * 500)::int, 'open', 'C' || (random() * 40)::int FROM $pick AS s(k) ON CONFLICT DO NOTHING;
SQL
cat > "$work/pay.sql" <<SQL
UPDATE churn.inv SET status = 'paid' WHERE id = $pick;
SQL
cat > "$work/partial.sql" <<SQL
UPDATE churn.inv SET amount = round(amount * 0.6, 2) WHERE id = $pick;
SQL
cat > "$work/dispute.sql" <<SQL
UPDATE churn.inv SET status = 'disputed' WHERE id = $pick;
SQL
cat > "$work/reopen.sql" <<SQL
UPDATE churn.inv SET status = 'open', amount = greatest(amount, 10) WHERE id = $pick AND status IN ('paid', 'disputed');
SQL
cat > "$work/due.sql" <<SQL
UPDATE churn.inv SET due = due + (random() * 20)::int - 10 WHERE id = $pick;
SQL
cat > "$work/amount.sql" <<SQL
UPDATE churn.inv SET amount = amount + 1 WHERE id = $pick;
SQL
cat > "$work/rekey.sql" <<SQL
UPDATE churn.inv SET no = 'R' || id || '-' || nextval('churn.rekeys') WHERE id = $pick;
SQL
cat > "$work/delete.sql" <<SQL
DELETE FROM churn.inv WHERE id = $pick;
SQL
cat > "$work/bulk.sql" <<SQL
UPDATE churn.inv SET amount = amount + 1 WHERE id BETWEEN (SELECT k FROM $pick AS s(k)) AND (SELECT k FROM $pick AS s(k)) + 4;
SQL
cat > "$work/inv2.sql" <<SQL
INSERT INTO churn.inv2 SELECT nextval('churn.ids2'), current_date + (random() * 60)::int - 40, 80, 'open' FROM generate_series(1, 3);
SQL
cat > "$work/truncate2.sql" <<SQL
TRUNCATE churn.inv2;
SQL
# DDL on the second table while it is written: a mapped column renamed and
# back (the mapping follows), a column added and dropped (caches rebuilt)
cat > "$work/ddl2.sql" <<SQL
BEGIN;
ALTER TABLE churn.inv2 RENAME COLUMN amount TO amount_renamed;
INSERT INTO churn.inv2 SELECT nextval('churn.ids2'), current_date - 5, 70, 'open';
ALTER TABLE churn.inv2 RENAME COLUMN amount_renamed TO amount;
COMMIT;
ALTER TABLE churn.inv2 ADD COLUMN IF NOT EXISTS note text;
ALTER TABLE churn.inv2 DROP COLUMN IF EXISTS note;
SQL
cat > "$work/worker.sql" <<'SQL'
\set fail random(1, 8)
SELECT churn.claim('w' || :client_id) AS ids \gset
\set s random(0, 30)
\sleep :s ms
SELECT churn.finish(':ids', :fail = 1);
SQL

wargs=()
for s in insert@6 reinsert@2 pay@6 partial@3 dispute@3 reopen@5 due@4 amount@4 rekey@3 delete@2 bulk@1 inv2@2 truncate2@1 ddl2@1; do
    wargs+=(-f "$work/${s%@*}.sql@${s#*@}")
done
# deadlocks between multi-row writers are the application's to retry
"$pgbench" -n -c "$writers" -j 1 -T "$seconds" --max-tries=20 "${wargs[@]}" "$db" > "$work/writers.log" 2>&1 &
wpid=$!
"$pgbench" -n -c "$workers" -j 1 -T "$seconds" --max-tries=20 -f "$work/worker.sql" "$db" > "$work/workers.log" 2>&1 &
kpid=$!
wait "$wpid"; wrc=$?
wait "$kpid"; krc=$?

tx() { sed -nE 's/^number of transactions actually processed: ([0-9]+).*/\1/p' "$1"; }
aborted() { grep -cE 'client [0-9]+ aborted|aborted in command' "$1"; }
# first match: the totals (pgbench repeats the counts per script)
count() { grep -oE "number of $1: [0-9]+" "$2" | head -1 | grep -oE '[0-9]+$'; }
echo "# writers: $(tx "$work/writers.log") transactions in ${seconds} s, $(count 'transactions retried' "$work/writers.log") retried (deadlocks), $(count 'failed transactions' "$work/writers.log") failed after retries"
echo "# workers: $(tx "$work/workers.log") claim+finish rounds"
wab=$(aborted "$work/writers.log"); kab=$(aborted "$work/workers.log")
zero $((wab + kab)) "no pgbench client aborted (writers rc $wrc, workers rc $krc)"
if [ $((wab + kab)) -gt 0 ]; then
    grep -hE 'aborted|ERROR|DETAIL|CONTEXT' "$work/writers.log" "$work/workers.log" | sort | uniq -c | sort -rn | head -10 | sed 's/^/#   /'
fi

# ---- invariants ------------------------------------------------------------
# the receivables whose reminder is decided by the trigger and the workers
q "CREATE VIEW churn.expect AS
   SELECT r.*, ar_credit.next_reminder_rec(r.due_date, current_date, r.last_level, t.policy, r.last_sent_on, 5, r.amount) AS n
     FROM ar_credit.receivable AS r JOIN ar_credit.tracked_table AS t ON t.relid = r.source"

echo "# queue: $(q "SELECT string_agg(state || ' ' || c, ', ' ORDER BY state) FROM (SELECT state, count(*) AS c FROM ar_credit.dunning_queue GROUP BY 1) s")"
echo "# receivables: $(q "SELECT string_agg(k || ' ' || c, ', ' ORDER BY k) FROM (SELECT CASE WHEN gone THEN 'gone' ELSE class END AS k, count(*) AS c FROM ar_credit.receivable GROUP BY 1) s")"
echo "# highest level sent: $(q "SELECT coalesce(max(level), 0) FROM ar_credit.dunning_queue WHERE state = 'sent'")"

# a level sent twice (K1, fixed: a reminder completed after the trigger had
# cancelled it while its invoice reopened; test/reliability.sql)
q "CREATE VIEW churn.twice AS
   SELECT q.receivable_id, q.level, count(*) AS copies
     FROM ar_credit.dunning_queue AS q WHERE q.state = 'sent' GROUP BY 1, 2 HAVING count(*) > 1"
dup=$(q "SELECT count(*) FROM churn.twice")
zero "$dup" "no level sent twice for one receivable"
[ "$dup" = 0 ] || q "SELECT '#   receivable ' || r.id || ' (' || r.item_key || '): ' || string_agg(q.state || ' L' || q.level || ' #' || q.id || ' by ' || coalesce(q.claimed_by, '-'), ', ' ORDER BY q.id)
                       FROM ar_credit.receivable AS r JOIN ar_credit.dunning_queue AS q ON q.receivable_id = r.id
                      WHERE r.id IN (SELECT receivable_id FROM churn.twice)
                      GROUP BY r.id, r.item_key ORDER BY r.id LIMIT 5"

closed=$(q "SELECT count(*) FROM ar_credit.dunning_queue AS q JOIN ar_credit.receivable AS r ON r.id = q.receivable_id
             WHERE q.state IN ('pending', 'claimed', 'suspended') AND (r.gone OR r.class NOT IN ('open', 'suspended'))")
zero "$closed" "no live reminder for a closed, paid or gone receivable"

one=$(q "SELECT count(*) FROM churn.expect AS e
          WHERE NOT e.gone AND e.class IN ('open', 'suspended')
            AND (SELECT count(*) FROM ar_credit.dunning_queue AS q
                  WHERE q.receivable_id = e.id AND q.state IN ('pending', 'claimed', 'suspended'))
                <> CASE WHEN e.n IS NULL THEN 0 ELSE 1 END")
zero "$one" "exactly one live reminder per open receivable with a level to come, none without (next_reminder)"

low=$(q "SELECT count(*) FROM ar_credit.dunning_queue AS q JOIN ar_credit.receivable AS r ON r.id = q.receivable_id
          WHERE q.state IN ('pending', 'claimed', 'suspended') AND q.level <= r.last_level")
zero "$low" "no live reminder at or below the level last sent"

lvl=$(q "SELECT count(*) FROM churn.expect AS e JOIN ar_credit.dunning_queue AS q ON q.receivable_id = e.id
          WHERE q.state IN ('pending', 'suspended') AND NOT e.gone AND e.n IS NOT NULL
            -- a reminder suspended while a worker holds it keeps its level: it is still the worker's
            AND NOT (q.claimed_by IS NOT NULL AND q.sent_at IS NULL)
            AND (q.level, q.state) IS DISTINCT FROM ((e.n).level, CASE WHEN e.class = 'suspended' THEN 'suspended' ELSE 'pending' END)")
zero "$lvl" "every live reminder has the level and state next_reminder gives"
if [ "$lvl" != 0 ]; then
    q "SELECT '#   ' || e.item_key || ': live ' || q.level || ' ' || q.state || ' (claimed_by ' || coalesce(q.claimed_by, '-')
              || ', attempts ' || q.attempts || '), expected ' || (e.n).level || ', last_level ' || e.last_level
              || ', class ' || e.class || ', due ' || e.due_date
         FROM churn.expect AS e JOIN ar_credit.dunning_queue AS q ON q.receivable_id = e.id
        WHERE q.state IN ('pending', 'suspended') AND NOT e.gone AND e.n IS NOT NULL
          AND NOT (q.claimed_by IS NOT NULL AND q.sent_at IS NULL)
          AND (q.level, q.state) IS DISTINCT FROM ((e.n).level, CASE WHEN e.class = 'suspended' THEN 'suspended' ELSE 'pending' END)
        LIMIT 5"
fi

agree=$(q "SELECT count(*) FROM ar_credit.dunning_queue AS q JOIN ar_credit.receivable AS r ON r.id = q.receivable_id
            WHERE q.state IN ('pending', 'claimed', 'suspended')
              AND (q.invoice_key, q.source, q.amount_due, q.due_date, q.customer_key)
                  IS DISTINCT FROM (r.item_key, r.source, r.amount, r.due_date, r.customer_key)")
zero "$agree" "the live reminders agree with their receivables (key, amount, due date, customer)"

# the mirror recomputed from the tracked tables (keys as text with the
# trigger's pinned settings; both tables key on text or int, so plain casts)
mirror=$(q "WITH want AS (
              SELECT 'churn.inv'::regclass AS source, no AS k, due, amount::numeric AS amount, customer,
                     ar_credit.item_class(status, amount, due) AS class FROM churn.inv
              UNION ALL
              SELECT 'churn.inv2'::regclass, no::text, due, amount::numeric, NULL,
                     ar_credit.item_class(status, amount, due) FROM churn.inv2),
            have AS (
              SELECT source, item_key AS k, due_date AS due, amount, customer_key AS customer, class
                FROM ar_credit.receivable WHERE NOT gone)
            SELECT count(*) FROM ((SELECT * FROM want EXCEPT ALL SELECT * FROM have)
                                  UNION ALL (SELECT * FROM have EXCEPT ALL SELECT * FROM want)) d")
zero "$mirror" "the receivables mirror equals a recomputation from the tracked tables"

errs=$(q "SELECT count(*) FROM churn.error")
echo "# worker calls that raised: $errs"
[ "$errs" = 0 ] || q "SELECT '#   ' || count(*) || ' x ' || what || ' ' || sqlstate || ': ' || regexp_replace(message, '[0-9]+', 'N', 'g')
                        FROM churn.error GROUP BY what, sqlstate, regexp_replace(message, '[0-9]+', 'N', 'g') ORDER BY count(*) DESC LIMIT 8"

[ -n "${CHURN_KEEP:-}" ] || dropdb --if-exists "$db"
echo "1..$n"
[ "$failed" -eq 0 ]
