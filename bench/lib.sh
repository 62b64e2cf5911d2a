# Shared helpers for bench/bench_*.sh (sourced inside pg_virtualenv).

# best-of-N wall time in milliseconds of one SQL statement (server-side timing)
bench_ms() {
    local sql=$1 n=${2:-5} best=""
    for _ in $(seq "$n"); do
        local t
        t=$(psql -X -q -At -c '\timing on' -c "$sql" 2>&1 | sed -nE 's/^Time: ([0-9.]+) ms.*/\1/p' | tail -1)
        if [ -z "$best" ] || awk -v a="$t" -v b="$best" 'BEGIN{exit !(a<b)}'; then best=$t; fi
    done
    echo "$best"
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.2f", a/b}'; }

# best-of-N milliseconds of one statement run inside BEGIN ... ROLLBACK, after
# an optional setup statement in the same transaction (so it can be repeated)
bench_tx_ms() {
    local setup=$1 sql=$2 n=${3:-3} best=""
    for _ in $(seq "$n"); do
        local t
        t=$(psql -X -q -At -c 'BEGIN' -c "${setup:-SELECT 1}" -c '\timing on' -c "$sql" -c 'ROLLBACK' 2>&1 \
            | sed -nE 's/^Time: ([0-9.]+) ms.*/\1/p' | head -1)
        if [ -z "$best" ] || awk -v a="$t" -v b="$best" 'BEGIN{exit !(a<b)}'; then best=$t; fi
    done
    echo "$best"
}
