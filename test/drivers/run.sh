#!/usr/bin/env bash
# Driver tests of the BI views and payment_terms filters (issue 17), run
# inside the throwaway cluster by tools/run-cluster-tests.sh.  Prints TAP.
#
# Each driver connects over TCP as ar_bi_driver (ar_credit_reader plus SELECT
# on public.customer), with ar_credit off the search path, to a database
# filled by test/drivers/fixture.sql:
#   pgjdbc      BiJdbc.java + MetabaseQuestions.java, compiled here with
#               Debian's JDK against /usr/share/java/postgresql.jar
#   psycopg2    bi_superset.py: SQLAlchemy reflection and Superset's SQL
#   psycopg 3   bi_psycopg3.py
#   node-pg     node/bi_pg.js, installed with `npm ci` into a temporary
#               directory (package-lock.json pins it)
#   chart       tools/aging-chart.py renders aging_report as the reader
# A driver that cannot be built, installed or started is a "not ok" line,
# never a skip.  Lines are numbered here; the plan comes last.
set -uo pipefail
cd "$(dirname "$0")/../.."
export PGOPTIONS='-c client_min_messages=warning'
PY=/usr/bin/python3          # Debian's python3, where python3-* packages live
db=ar_drivers; role=ar_bi_driver; pw=ar_bi_driver
host=${PGHOST:-localhost}
case "$host" in /*|'') host=localhost ;; esac   # the drivers need TCP
port=${PGPORT:-5432}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
out=$work/tap

# run a driver: its TAP lines go to $out; a run that ends badly without a
# "not ok" line of its own, or prints no test at all, adds a "not ok"
drive() {
    local name=$1; shift
    local log=$work/$name.log rc
    "$@" > "$log" 2>&1; rc=$?
    cat "$log" >> "$out"
    if ! grep -qE '^(not )?ok ' "$log"; then
        echo "not ok - $name: no test ran (exit $rc)" >> "$out"
        sed -n '1,15s/^/#   /p' "$log" >> "$out"
    elif [ "$rc" -ne 0 ] && ! grep -q '^not ok ' "$log"; then
        echo "not ok - $name: exited $rc" >> "$out"
        tail -n 15 "$log" | sed 's/^/#   /' >> "$out"
    fi
}
fail() { echo "not ok - $1" >> "$out"; [ -f "${2:-}" ] && sed -n '1,15s/^/#   /p' "$2" >> "$out"; }

: > "$out"
dropdb --if-exists "$db"
psql -X -q -d postgres -c "DROP ROLE IF EXISTS $role" >/dev/null
if createdb "$db" && psql -X -q -v ON_ERROR_STOP=1 -d "$db" -f test/drivers/fixture.sql > "$work/fixture.log" 2>&1; then
    echo "ok - fixture: tracked table public.inv, customers with terms, login role $role" >> "$out"
else
    fail "fixture: test/drivers/fixture.sql" "$work/fixture.log"
fi

# pgjdbc (Metabase's driver)
jar=/usr/share/java/postgresql.jar
if javac -d "$work/java" -cp "$jar" test/drivers/BiJdbc.java test/drivers/MetabaseQuestions.java > "$work/javac.log" 2>&1; then
    drive pgjdbc java -cp "$jar:$work/java" BiJdbc "$host" "$port" "$db" "$role" "$pw"
else
    fail "pgjdbc: BiJdbc.java compiles with Debian's JDK against $jar" "$work/javac.log"
fi

# SQLAlchemy + psycopg2 (Superset) and psycopg 3
export PYTHONPATH=test/drivers PYTHONDONTWRITEBYTECODE=1
drive sqlalchemy "$PY" test/drivers/bi_superset.py "postgresql+psycopg2://$role:$pw@$host:$port/$db"
drive psycopg3 "$PY" test/drivers/bi_psycopg3.py "host=$host port=$port dbname=$db user=$role password=$pw"

# node-postgres from npm
cp test/drivers/node/package.json test/drivers/node/package-lock.json "$work/"
if (cd "$work" && npm ci --no-audit --no-fund --loglevel=error) > "$work/npm.log" 2>&1; then
    NODE_PATH="$work/node_modules" drive node-postgres node test/drivers/node/bi_pg.js "$host" "$port" "$db" "$role" "$pw"
else
    fail "node-postgres: npm ci (test/drivers/node/package-lock.json)" "$work/npm.log"
fi

# the chart of doc/bi.md, rendered from the view as the reader
if PGHOST=$host PGPORT=$port PGUSER=$role PGPASSWORD=$pw PGDATABASE=$db \
       "$PY" tools/aging-chart.py "$work/aging.png" > "$work/chart.log" 2>&1 \
   && [ "$(head -c 4 "$work/aging.png" | tail -c 3)" = PNG ]; then
    echo "ok - chart: tools/aging-chart.py renders aging_report to a PNG as $role" >> "$out"
else
    fail "chart: tools/aging-chart.py renders aging_report to a PNG as $role" "$work/chart.log"
fi

dropdb --if-exists "$db"
psql -X -q -d postgres -c "DROP ROLE IF EXISTS $role" >/dev/null

awk '/^ok /     { n++; sub(/^ok/, "ok " n) }
     /^not ok / { n++; bad++; sub(/^not ok/, "not ok " n) }
     { print }
     END { print "1.." n; exit bad > 0 }' "$out"
