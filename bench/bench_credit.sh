#!/usr/bin/env bash
# Credit: the cost of guard() on a bulk INSERT of order lines (issue 19),
# against the same INSERT into the same table unguarded.  Each round is a
# whole transaction, INSERT then COMMIT (the check runs at commit), timed
# server-side; the guarded and unguarded tables alternate round by round so
# that both see the same machine.  1,000 customers, every one with a credit
# account (the worst case: each is checked), 10,000 open invoices tracked (none past due).
# Then one order per transaction (pgbench, one client): what the guard costs
# an order-entry screen.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
N=${BENCH_CREDIT_ROWS:-100000}
ROUNDS=${BENCH_CREDIT_ROUNDS:-7}

psql -X -q <<SQL
CREATE EXTENSION ar_credit;
CREATE TABLE invoice (id int PRIMARY KEY, customer_id int, due date, amount numeric(12,2), status text);
SELECT FROM ar_credit.track('invoice', 'id', 'due', 'amount', 'status', 'customer_id');
INSERT INTO invoice SELECT i, i % 1000, current_date + (i % 60), 100 + i % 900, 'open' FROM generate_series(1, 10000) AS i;
INSERT INTO ar_credit.credit_account (customer_key, credit_limit, currency)
SELECT i::text, 100000000, 'EUR' FROM generate_series(0, 999) AS i;
CREATE TABLE orders_plain (id bigint PRIMARY KEY, customer_id int NOT NULL, amount numeric(12,2) NOT NULL,
                           status text NOT NULL DEFAULT 'open');
CREATE INDEX ON orders_plain (customer_id);
CREATE TABLE orders_guarded (LIKE orders_plain INCLUDING ALL);
SELECT FROM ar_credit.guard('orders_guarded', 'customer_id', 'amount', filter => \$\$status = 'open'\$\$);
VACUUM ANALYZE;
SQL

insert() {
    echo "INSERT INTO $1 SELECT i, i % 1000, 10 + i % 90, 'open' FROM generate_series(1, $N) AS i"
}

# ms of INSERT + COMMIT of one transaction (server-side timings summed)
tx_ms() {
    psql -X -q -At -c "TRUNCATE $1" -c 'BEGIN' -c '\timing on' -c "$(insert "$1")" -c 'COMMIT' 2>&1 \
        | sed -nE 's/^Time: ([0-9.]+) ms.*/\1/p' | awk '{s += $1} END {printf "%.1f", s}'
}

# a guarded insert that must be refused, to show the check really runs
psql -X -q -c "UPDATE ar_credit.credit_account SET credit_limit = 10 WHERE customer_key = '7'"
if psql -X -q -c "$(insert orders_guarded)" >/dev/null 2>&1; then
    echo "guard did not refuse an order past the limit"; exit 1
fi
psql -X -q -c "UPDATE ar_credit.credit_account SET credit_limit = 100000000 WHERE customer_key = '7'"

plain=(); guarded=()
for _ in $(seq "$ROUNDS"); do
    plain+=("$(tx_ms orders_plain)")
    guarded+=("$(tx_ms orders_guarded)")
done
best() { printf '%s\n' "$@" | sort -n | head -1; }
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }
echo "rows: $N order lines, 1000 customers with accounts, $ROUNDS interleaved rounds (INSERT + COMMIT, ms)"
echo "  unguarded: ${plain[*]}"
echo "  guarded:   ${guarded[*]}"
echo "ratio guarded / unguarded, best:   $(ratio "$(best "${guarded[@]}")" "$(best "${plain[@]}")")  (target <= 1.5)"
echo "ratio guarded / unguarded, median: $(ratio "$(median "${guarded[@]}")" "$(median "${plain[@]}")")"

# one order per transaction, the tables as the bulk rounds left them
psql -X -q -c "CREATE SEQUENCE seq_plain START 10000000" -c "CREATE SEQUENCE seq_guarded START 10000000" -c "VACUUM ANALYZE"
one=$(mktemp -d)
echo "INSERT INTO orders_plain VALUES (nextval('seq_plain'), (random() * 999)::int, 10, 'open');" > "$one/plain.sql"
echo "INSERT INTO orders_guarded VALUES (nextval('seq_guarded'), (random() * 999)::int, 10, 'open');" > "$one/guarded.sql"
latency() { pgbench -n -T "${BENCH_CREDIT_SECONDS:-5}" -f "$1" 2>/dev/null | sed -nE 's/^latency average = ([0-9.]+) ms.*/\1/p'; }
lp=(); lg=()
for _ in 1 2 3; do lp+=("$(latency "$one/plain.sql")"); lg+=("$(latency "$one/guarded.sql")"); done
rm -rf "$one"
echo "one order per transaction, latency (ms), 3 interleaved runs: unguarded ${lp[*]} | guarded ${lg[*]}"
echo "guard cost per order transaction, best: $(awk -v a="$(best "${lg[@]}")" -v b="$(best "${lp[@]}")" 'BEGIN{printf "%.2f ms", a-b}')"
