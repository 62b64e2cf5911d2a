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
