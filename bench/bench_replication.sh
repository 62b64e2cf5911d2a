#!/usr/bin/env bash
# Replication (issue 16, doc/replication.md): what tracking costs a
# logical-replication subscriber.  The cluster of bench/run is the subscriber;
# a second throwaway cluster (socket only, wal_level = logical) publishes two
# identical plain tables, inv_plain and inv_tracked.  On the subscriber only
# inv_tracked is tracked (its row trigger runs in the apply worker).
#
# Measured per round, interleaved: N invoices inserted in one transaction on
# the publisher, then all marked paid in one UPDATE; the time from just
# before the publisher's commit until the rows are visible on the subscriber
# (a server-side wait polling one row every 2 ms), for each table.  The ratio
# tracked / plain is the apply worker's extra work for the receivables and
# the queue.  Best and median of R rounds.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
N=${BENCH_REPLICATION_ROWS:-10000}
R=${BENCH_REPLICATION_ROUNDS:-5}

bindir=$("${PG_CONFIG:-pg_config}" --bindir)
pubdir=$(mktemp -d /tmp/ar_credit_bench_pub.XXXXXX)
run_as=()
if [ "$(id -u)" = 0 ]; then run_as=(runuser -u postgres --); chown postgres "$pubdir"; fi
p() { psql -X -q -At -v ON_ERROR_STOP=1 -h "$pubdir" -p 5432 -U postgres -d postgres -c "$1"; }
s() { psql -X -q -At -v ON_ERROR_STOP=1 -c "$1"; }
cleanup() {
    psql -X -q -c "DROP SUBSCRIPTION IF EXISTS bench_sub" >/dev/null 2>&1 || true
    "${run_as[@]}" "$bindir/pg_ctl" -D "$pubdir/data" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$pubdir"
}
trap cleanup EXIT
"${run_as[@]}" "$bindir/initdb" -D "$pubdir/data" -U postgres -A trust -E UTF8 --locale=C --no-sync >/dev/null
cat >>"$pubdir/data/postgresql.conf" <<EOF
listen_addresses = ''
unix_socket_directories = '$pubdir'
port = 5432
wal_level = logical
shared_buffers = 256MB
max_wal_size = 4GB
EOF
"${run_as[@]}" "$bindir/pg_ctl" -D "$pubdir/data" -l "$pubdir/server.log" -w start >/dev/null

tables="CREATE TABLE inv_plain (id int PRIMARY KEY, cust int, due date, amount numeric(12,2), status text);
        CREATE TABLE inv_tracked (LIKE inv_plain INCLUDING ALL);"
p "$tables CREATE PUBLICATION bench FOR TABLE inv_plain, inv_tracked"
psql -X -q -v ON_ERROR_STOP=1 >/dev/null <<SQL
CREATE EXTENSION ar_credit;
$tables
SELECT ar_credit.track('inv_tracked', 'id', 'due', 'amount', 'status', 'cust');
-- the moment a condition over the replicated rows becomes true
CREATE FUNCTION bench_wait(cond text) RETURNS float8 LANGUAGE plpgsql AS \$\$
DECLARE ok bool;
BEGIN
    LOOP
        EXECUTE cond INTO ok;
        EXIT WHEN ok;
        PERFORM pg_sleep(0.002);
    END LOOP;
    RETURN extract(epoch FROM clock_timestamp());
END \$\$;
CREATE SUBSCRIPTION bench_sub CONNECTION 'host=$pubdir port=5432 dbname=postgres user=postgres' PUBLICATION bench;
SQL
s "SELECT bench_wait('SELECT count(*) = 0 FROM pg_subscription_rel WHERE srsubstate NOT IN (''r'', ''s'')')" >/dev/null

# milliseconds from just before the publisher commits STATEMENT until COND holds on the subscriber
lag_ms() {
    local t0 t1
    t0=$(psql -X -q -At -v ON_ERROR_STOP=1 -h "$pubdir" -p 5432 -U postgres -d postgres \
              -c "BEGIN" -c "$1" -c "SELECT extract(epoch FROM clock_timestamp())" -c "COMMIT")
    t1=$(s "SELECT bench_wait(\$c\$$2\$c\$)")
    awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.1f", (b - a) * 1000}'
}
log=$(mktemp)
for _ in $(seq "$R"); do
    for t in inv_plain inv_tracked; do
        echo "ins $t $(lag_ms "INSERT INTO $t SELECT i, i % 500, current_date + i % 90 - 30, 100 + i % 1000, 'open'
                               FROM generate_series(1, $N) AS i" \
                              "SELECT EXISTS (SELECT 1 FROM $t WHERE id = $N)")" >> "$log"
    done
    for t in inv_plain inv_tracked; do
        echo "upd $t $(lag_ms "UPDATE $t SET status = 'paid'" "SELECT status = 'paid' FROM $t WHERE id = $N")" >> "$log"
    done
    # reset (not timed): the replicated TRUNCATE, then the mirror's history
    p "TRUNCATE inv_plain, inv_tracked"
    s "SELECT bench_wait('SELECT NOT EXISTS (SELECT 1 FROM inv_tracked) AND NOT EXISTS (SELECT 1 FROM inv_plain)')" >/dev/null
    s "TRUNCATE ar_credit.dunning_queue, ar_credit.receivable CASCADE" >/dev/null
    s "VACUUM ANALYZE" >/dev/null
done
stat() {  # KIND TABLE -> "best median"
    grep "^$1 $2 " "$log" | awk '{print $3}' | sort -g | awk '{a[NR]=$1} END {printf "%s %s", a[1], a[int((NR+1)/2)]}'
}
for k in ins upd; do
    read -r pb pm <<<"$(stat $k inv_plain)"
    read -r tb tm <<<"$(stat $k inv_tracked)"
    what=$([ $k = ins ] && echo "INSERT of $N invoices" || echo "UPDATE of $N invoices to paid")
    echo "replicated $what, publisher commit -> visible on the subscriber (best / median of $R, ms):"
    echo "  plain table   $pb / $pm"
    echo "  tracked table $tb / $tm   ratio tracked/plain: $(ratio "$tb" "$pb") (best), $(ratio "$tm" "$pm") (median)"
done
rm -f "$log"
