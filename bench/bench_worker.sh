#!/usr/bin/env bash
# Workers at scale (issue 14): the worker path against the bare SKIP LOCKED
# floor, same cluster, same run, interleaved rounds (bench/run worker).
#
# Each run drains N reminders due today with C pgbench clients (fsync as
# bench/run leaves it: on), batches of 10 and of 100:
#   ours   BEGIN; claim_reminders(b) -> array of ids; complete_reminders(ids); COMMIT
#          (the tracked table's receivables mirror is locked and updated and the
#          next level computed with the policy: what a real worker pays for)
#   floor  one statement on a bare table with the queue's columns and indexes:
#          FOR UPDATE SKIP LOCKED claim, mark sent, insert the next level
#   old    BEGIN; claim_reminders(b); complete_reminder(id) per id; COMMIT
#          (the per-row path of 0.2.0 workers, for reference)
#   letters BEGIN; claim_customer_reminders(b / 10) -> the ids of b/10
#          customers' letters (10 reminders each here); complete_reminders;
#          COMMIT: the path of the Python reference worker
#   lease  the floor's table and statements split in two like ours: a claim
#          that records the lease (state claimed, claimed_by, claimed_until),
#          then mark sent + next level; what the lease alone costs, so
#          ours / lease is what the receivables mirror, the checks and the
#          policy cost
#   inxact the floor's table, claim and completion in one transaction with no
#          lease: the claim only locks its rows (FOR UPDATE SKIP LOCKED) and
#          the worker sends while it holds them; what the lease itself costs
#          (floor / inxact), since a worker sends between claim and completion
#   same   the lease path plus the other rows the SPEC has a completion write,
#          on bare copies of their tables: a contact_log row per reminder and
#          the receivable's last level and date; the same work as ours written
#          by hand, so ours / same is what the extension's code costs (its
#          checks, locks and policy) beyond the writes the contract asks for
# Every run starts from the same fresh state (VACUUM ANALYZE, CHECKPOINT) and
# is checked afterwards: every reminder sent exactly once, nothing due left,
# exactly one next level per invoice.  Reported: reminders/s of each run and,
# per batch size, the median and range of the per-round ratios ours / floor,
# ours / lease (the same two-step, leased delivery, written by hand) and
# ours / same (the same writes too).
#
#   BENCH_WORKER_ROWS (40000)  BENCH_WORKER_ROUNDS (5)  BENCH_WORKER_CLIENTS (4)
#   BENCH_WORKER_BATCHES ("10 100")  BENCH_WORKER_OLD (1: also the per-row path)
#   BENCH_WORKER_LETTERS (1: also the per-customer path)
#   BENCH_WORKER_INXACT (1: also the claim held in the transaction, no lease)
#   BENCH_WORKER_SAME (1: also the same writes as ours, written by hand)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${BENCH_WORKER_ROWS:-40000}
R=${BENCH_WORKER_ROUNDS:-5}
C=${BENCH_WORKER_CLIENTS:-4}
BATCHES=${BENCH_WORKER_BATCHES:-10 100}
OLD=${BENCH_WORKER_OLD:-1}
LETTERS=${BENCH_WORKER_LETTERS:-1}
INXACT=${BENCH_WORKER_INXACT:-1}
SAME=${BENCH_WORKER_SAME:-1}
for b in $BATCHES; do
    [ $(( N % (b * C) )) -eq 0 ] || { echo "BENCH_WORKER_ROWS must be a multiple of batch x clients ($b x $C)" >&2; exit 2; }
done
export PGOPTIONS='-c client_min_messages=warning'
sq() { psql -X -q -At -v ON_ERROR_STOP=1 "$@"; }
# pg_virtualenv starts its clusters with fsync off: commits must reach the
# disk here, as in production (fsync can be changed with a reload)
if [ "$(sq -c 'SHOW fsync')" != on ]; then
    sq -c "ALTER SYSTEM SET fsync = on" -c "SELECT pg_reload_conf()" >/dev/null
    for _ in $(seq 50); do [ "$(sq -c 'SHOW fsync')" = on ] && break; sleep 0.1; done
fi

# invoices 3 to 12 days overdue: their first reminder (level 3) is due today,
# the next one (level 4, +15 days, at least 5 days after the last) is not
sq >/dev/null <<SQL
CREATE EXTENSION IF NOT EXISTS ar_credit;
CREATE TABLE src AS
  SELECT 'INV-' || i AS no, 'C-' || (i % 4000) AS cust, current_date - 3 - (i % 10) AS due,
         round((100 + (i % 1000) * 7.31)::numeric, 2) AS amount, 'open'::text AS status
    FROM generate_series(1, $N) AS i;
CREATE TABLE inv (no text PRIMARY KEY, cust text, due date, amount numeric(12,2), status text);
SELECT ar_credit.track('inv', 'no', 'due', 'amount', status_column => 'status', customer_column => 'cust');
INSERT INTO inv SELECT * FROM src;
-- the floor: the queue's columns, constraints and indexes, no trigger, no mirror
CREATE TABLE queue_rows AS SELECT * FROM ar_credit.dunning_queue;
CREATE TABLE floor_q (LIKE ar_credit.dunning_queue INCLUDING ALL);
SELECT setval(pg_get_serial_sequence('floor_q', 'id'), 1000000000);
CREATE TABLE lease_q (LIKE ar_credit.dunning_queue INCLUDING ALL);
SELECT setval(pg_get_serial_sequence('lease_q', 'id'), 1000000000);
CREATE TABLE inxact_q (LIKE ar_credit.dunning_queue INCLUDING ALL);
SELECT setval(pg_get_serial_sequence('inxact_q', 'id'), 1000000000);
-- same: the queue, the contact log and the receivables mirror, bare (the
-- mirror at the fillfactor ar_credit gives it, so that its updates can be HOT)
CREATE TABLE same_q (LIKE ar_credit.dunning_queue INCLUDING ALL);
SELECT setval(pg_get_serial_sequence('same_q', 'id'), 1000000000);
CREATE TABLE same_log (LIKE ar_credit.contact_log INCLUDING ALL);
CREATE TABLE rcv_rows AS SELECT * FROM ar_credit.receivable;
CREATE TABLE same_rcv (LIKE ar_credit.receivable INCLUDING ALL) WITH (fillfactor = 90);
SQL
due=$(sq -c "SELECT count(*) FROM queue_rows WHERE remind_on <= current_date AND state = 'pending'")
[ "$due" = "$N" ] || { echo "setup: $due reminders due, expected $N" >&2; exit 1; }

reset() {
    case $1 in
        floor|lease|inxact) sq -c "TRUNCATE ${1}_q" -c "INSERT INTO ${1}_q OVERRIDING SYSTEM VALUE SELECT * FROM queue_rows" \
                  -c "VACUUM ANALYZE ${1}_q" ;;
        same)  sq -c "TRUNCATE same_q, same_log, same_rcv" \
                  -c "INSERT INTO same_q OVERRIDING SYSTEM VALUE SELECT * FROM queue_rows" \
                  -c "INSERT INTO same_rcv OVERRIDING SYSTEM VALUE SELECT * FROM rcv_rows" \
                  -c "VACUUM ANALYZE same_q, same_log, same_rcv" ;;
        *)     sq -c "TRUNCATE inv" -c "TRUNCATE ar_credit.dunning_queue, ar_credit.receivable" \
                  -c "INSERT INTO inv SELECT * FROM src" \
                  -c "VACUUM ANALYZE inv, ar_credit.dunning_queue, ar_credit.receivable" ;;
    esac
    sq -c CHECKPOINT
}

dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cat > "$dir/ours.sql" <<'SQL'
BEGIN;
SELECT coalesce(array_agg(id), '{}') AS ids FROM ar_credit.claim_reminders(:batch, 'w' || :client_id) \gset
SELECT ar_credit.complete_reminders(:ids::int8[]);
COMMIT;
SQL
# each customer here has 10 invoices due the same day: one letter of 10
cat > "$dir/letters.sql" <<'SQL'
BEGIN;
SELECT coalesce(array_agg(i), '{}') AS ids
  FROM ar_credit.claim_customer_reminders(:batch / 10, 'w' || :client_id) AS c, unnest(c.ids) AS i \gset
SELECT ar_credit.complete_reminders(:ids::int8[]);
COMMIT;
SQL
cat > "$dir/old.sql" <<'SQL'
BEGIN;
SELECT coalesce(array_agg(id), '{}') AS ids FROM ar_credit.claim_reminders(:batch, 'w' || :client_id) \gset
SELECT count(ar_credit.complete_reminder(i)) FROM unnest(:ids::int8[]) AS i;
COMMIT;
SQL
# The hand-written queues on the bare tables: the same claim predicate as
# claim_reminders (so the same index), and the same next level
due() {   # due TABLE: the ids of up to :batch due rows, locked
    cat <<SQL
    SELECT id FROM $1
     WHERE state IN ('pending', 'claimed') AND remind_on <= current_date
       AND ((state = 'pending' AND (next_attempt_at IS NULL OR next_attempt_at <= now()))
            OR (state = 'claimed' AND claimed_until < now()))
     ORDER BY remind_on, id LIMIT :batch
       FOR UPDATE SKIP LOCKED
SQL
}
lease() {   # lease TABLE: lease up to :batch due rows to this client, their ids in :ids
    cat <<SQL
WITH c AS (
$(due "$1")),
u AS (
    UPDATE $1 AS q SET state = 'claimed', claimed_by = 'w' || :client_id,
                       claimed_until = now() + interval '5 minutes', updated_at = now()
      FROM c WHERE q.id = c.id
    RETURNING q.id)
SELECT coalesce(array_agg(id), '{}') AS ids FROM u \gset
SQL
}
leased_sent() {   # leased_sent TABLE: CTE s, the leased rows of :ids marked sent
    cat <<SQL
WITH s AS (
    UPDATE $1 SET state = 'sent', claimed_until = NULL, sent_at = now(), updated_at = now()
     WHERE id = ANY (:ids::int8[]) AND state = 'claimed'
    RETURNING *)
SQL
}
next_level() {   # next_level TABLE: the next level of each row of CTE s
    cat <<SQL
INSERT INTO $1 (receivable_id, source, invoice_key, customer_key, level, channel, label, remind_on,
                     due_date, amount_due, currency, policy)
SELECT receivable_id, source, invoice_key, customer_key, level + 1, 'phone', 'second reminder',
       greatest(due_date + 15, current_date + 5), due_date, amount_due, currency, policy
  FROM s;
SQL
}
# floor: claimed, marked sent and the next level inserted in one statement
cat > "$dir/floor.sql" <<SQL
WITH c AS (
$(due floor_q)),
s AS (
    UPDATE floor_q AS q SET state = 'sent', claimed_by = 'w' || :client_id, sent_at = now(), updated_at = now()
      FROM c WHERE q.id = c.id
    RETURNING q.*)
$(next_level floor_q)
SQL
# lease: the claim records a lease and commits nothing else; the completion
# marks sent and inserts the next level
cat > "$dir/lease.sql" <<SQL
BEGIN;
$(lease lease_q)
$(leased_sent lease_q)
$(next_level lease_q)
COMMIT;
SQL
# inxact: the claim only locks; the completion follows in the same transaction
cat > "$dir/inxact.sql" <<SQL
BEGIN;
SELECT coalesce(array_agg(id), '{}') AS ids FROM (
$(due inxact_q)) AS c \gset
WITH s AS (
    UPDATE inxact_q SET state = 'sent', claimed_by = 'w' || :client_id, sent_at = now(), updated_at = now()
     WHERE id = ANY (:ids::int8[])
    RETURNING *)
$(next_level inxact_q)
COMMIT;
SQL

# same: the lease path's claim, then a completion that also logs each
# reminder and records the level sent on its receivable, as complete_reminders
# does (without its checks, its locking of the receivables in id order and
# its policy lookups: the next level is the fixed one of the other paths)
cat > "$dir/same.sql" <<SQL
BEGIN;
$(lease same_q)
$(leased_sent same_q),
l AS (
    INSERT INTO same_log (source, invoice_key, customer_key, channel, direction, reminder_id, subject)
    SELECT source, invoice_key, customer_key, channel, 'out', id, label FROM s),
r AS (
    UPDATE same_rcv AS r SET last_level = greatest(r.last_level, s.level), last_sent_on = current_date,
                             updated_at = now()
      FROM s WHERE r.id = s.receivable_id)
$(next_level same_q)
COMMIT;
SQL

# checks: every level-3 reminder sent once, nothing due left, one next level each
check() {
    local t=ar_credit.dunning_queue
    case $1 in floor|lease|inxact|same) t=${1}_q ;; esac
    sq -F ' ' -c "SELECT count(*) FILTER (WHERE state = 'sent' AND level = 3),
                         (SELECT count(*) FROM (SELECT receivable_id, level FROM $t WHERE state = 'sent'
                                                 GROUP BY 1, 2 HAVING count(*) > 1) AS d),
                         count(*) FILTER (WHERE state IN ('pending', 'claimed') AND remind_on <= current_date),
                         count(*) FILTER (WHERE state = 'pending' AND level = 4),
                         (SELECT count(*) FROM (SELECT receivable_id FROM $t WHERE state = 'pending'
                                                 GROUP BY 1 HAVING count(*) > 1) AS d)
                    FROM $t"
}

log=$dir/log
bad=0
run() {   # run PATH BATCH ROUND
    local path=$1 b=$2 out sent dups left next twice tps txs rate logged recorded
    reset "$path"
    out=$(pgbench -n -M prepared -c "$C" -j "$C" -t $(( N / b / C )) -D batch="$b" -f "$dir/$path.sql" 2>&1) \
        || { echo "$out" >&2; exit 1; }
    tps=$(sed -nE 's/^tps = ([0-9.]+) \(without initial connection time\).*/\1/p' <<<"$out")
    txs=$(sed -nE 's/^number of transactions actually processed: ([0-9]+).*/\1/p' <<<"$out")
    read -r sent dups left next twice <<<"$(check "$path")"
    rate=$(awk -v n="$sent" -v t="$tps" -v x="$txs" 'BEGIN{printf "%.0f", n * t / x}')
    if [ "$path" = letters ] && [ "$left" != 0 ]; then
        # a letter whose group another worker claimed and committed between
        # this claim's walk and its lock comes back empty, so a run of fixed
        # length may leave a few; they are sent now, out of the timing, and
        # the check below covers them
        sq -c "DO \$\$ DECLARE ids int8[]; BEGIN LOOP
                 ids := ARRAY(SELECT unnest(c.ids) FROM ar_credit.claim_customer_reminders(100, 'drain') AS c);
                 EXIT WHEN cardinality(ids) = 0; PERFORM ar_credit.complete_reminders(ids); END LOOP; END \$\$" >/dev/null
        read -r sent dups left next twice <<<"$(check "$path")"
    fi
    if [ "$sent" != "$N" ] || [ "$dups" != 0 ] || [ "$left" != 0 ] || [ "$next" != "$N" ] || [ "$twice" != 0 ]; then
        echo "CHECK FAILED $path batch $b: sent $sent (want $N), sent twice $dups, due left $left, next levels $next, invoices with two $twice"
        bad=1
    fi
    if [ "$path" = same ]; then   # and one log row each, the level recorded on each receivable
        read -r logged recorded <<<"$(sq -F ' ' -c "SELECT (SELECT count(DISTINCT reminder_id) FROM same_log),
                                                           (SELECT count(*) FROM same_rcv WHERE last_level = 3)")"
        if [ "$logged" != "$N" ] || [ "$recorded" != "$N" ]; then
            echo "CHECK FAILED same batch $b: reminders logged $logged, receivables at level 3 $recorded (want $N)"
            bad=1
        fi
    fi
    echo "$path $b $3 $rate" >> "$log"
    printf 'round %s batch %3s %-5s %7s reminders/s\n' "$3" "$b" "$path" "$rate"
}

paths=(ours floor lease)
[ "$OLD" = 1 ] && paths+=(old)
[ "$LETTERS" = 1 ] && paths+=(letters)
[ "$INXACT" = 1 ] && paths+=(inxact)
[ "$SAME" = 1 ] && paths+=(same)
echo "$N reminders due, $C clients, fsync $(sq -c 'SHOW fsync'), $R interleaved rounds"
for r in $(seq "$R"); do
    for b in $BATCHES; do
        # rotate the order from one round to the next
        n=${#paths[@]}
        for i in $(seq 0 $(( n - 1 ))); do run "${paths[$(( (i + r) % n ))]}" "$b" "$r"; done
    done
done

summary() {   # summary BATCH PATH [BASE]: median and range of per-round PATH / BASE (floor)
    awk -v b="$1" -v p="$2" -v f="${3:-floor}" '$2 == b {v[$1, $3] = $4; if ($3 > m) m = $3}
        END {for (r = 1; r <= m; r++) if (v[f, r] > 0 && v[p, r] > 0) printf "%.4f\n", v[p, r] / v[f, r]}' "$log" \
    | sort -n | awk '{x[NR] = $1} END {printf "%.2f (rounds %.2f-%.2f)", x[int((NR + 1) / 2)], x[1], x[NR]}'
}
median() { awk -v b="$1" -v p="$2" '$2 == b && $1 == p {print $4}' "$log" | sort -n \
           | awk '{x[NR] = $1} END {print x[int((NR + 1) / 2)]}'; }
for b in $BATCHES; do
    line="batch $b: reminders/s (median) ours $(median "$b" ours), floor $(median "$b" floor), lease $(median "$b" lease)"
    [ "$OLD" = 1 ] && line="$line, old per-row $(median "$b" old)"
    [ "$LETTERS" = 1 ] && line="$line, letters $(median "$b" letters)"
    [ "$INXACT" = 1 ] && line="$line, inxact $(median "$b" inxact)"
    [ "$SAME" = 1 ] && line="$line, same $(median "$b" same)"
    echo "$line"
    line="batch $b: ours / floor $(summary "$b" ours) (the SPEC's one-statement floor: no lease, no log, no mirror); ours / lease $(summary "$b" ours lease)"
    [ "$SAME" = 1 ] && line="$line; ours / same $(summary "$b" ours same) (target >= 0.8: the same work, doc section 8)"
    echo "$line"
    line="batch $b: lease / floor $(summary "$b" lease)"
    [ "$INXACT" = 1 ] && line="$line; inxact / floor $(summary "$b" inxact)"
    [ "$SAME" = 1 ] && line="$line; same / floor $(summary "$b" same)"
    [ "$OLD" = 1 ] && line="$line; old / floor $(summary "$b" old)"
    [ "$LETTERS" = 1 ] && line="$line; letters / floor $(summary "$b" letters)"
    echo "$line"
done
[ "$bad" = 0 ] && echo "correctness: every run sent each reminder once, left nothing due and queued one next level per invoice"
exit "$bad"
