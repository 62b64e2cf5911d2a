# Shared by tools/test.sh, tools/demo.sh, tools/setup-debian.sh,
# tools/test-debian.sh and bench/run (sourced, not run).
#
# ar_env: the locale and the PostgreSQL major every script works with.
# ar_build_install: builds, installs (system-wide, or into ./tmp_install when
# AR_CREDIT_STAGING is set) and fills the array venv_opts with the
# pg_virtualenv options for a throwaway cluster that sees the installation.
# ar_with_cluster_lock: pg_virtualenv clusters run by root share a name and a
# socket directory, so only one runs at a time on a machine.
# ar_step, ar_step_failed, ar_summary: the test steps and their tally
# (tools/test.sh, tools/run-cluster-tests.sh).

# The locale: whatever the environment names (nothing at all in many
# containers and CI jobs, or a locale that was never generated), the scripts
# and the throwaway clusters run in C.UTF-8, which every Debian has built in.
# Without it initdb makes an SQL_ASCII cluster (the French terms fail) and
# pg_createcluster refuses a locale that does not exist.  The extension's
# results do not depend on the locale; the tests' expected output is that of
# a UTF8 database.
ar_locale() {
    export LC_ALL=C.UTF-8
    unset LANGUAGE
}

# The PostgreSQL major: $PGVERSION if set, else that of $PG_CONFIG if set,
# else the newest server installed, else the one Debian's "postgresql"
# package depends on (bookworm 15, trixie 17, sid 18).  Exports PGVERSION.
ar_pg_version() {
    if [ -z "${PGVERSION:-}" ] && [ -n "${PG_CONFIG:-}" ]; then
        PGVERSION=$("$PG_CONFIG" --version | sed -E 's/^PostgreSQL ([0-9]+).*/\1/')
    fi
    if [ -z "${PGVERSION:-}" ]; then
        local d
        d=$(ls -dv /usr/lib/postgresql/*/bin/postgres 2>/dev/null | tail -1) || :
        [ -z "$d" ] || PGVERSION=$(basename "$(dirname "$(dirname "$d")")")
    fi
    if [ -z "${PGVERSION:-}" ]; then
        if ! apt-cache show postgresql >/dev/null 2>&1; then
            ar_apt_get update -qq
        fi
        PGVERSION=$(apt-cache depends postgresql 2>/dev/null |
                    sed -nE 's/^ *Depends: postgresql-([0-9]+)$/\1/p' | sort -n | tail -1) || :
    fi
    if ! [[ "${PGVERSION:-}" =~ ^[0-9]+$ ]]; then
        echo "error: cannot tell which PostgreSQL major to use; set PGVERSION (15, 16, 17 or 18)" >&2
        return 1
    fi
    export PGVERSION
}

ar_env() {
    ar_locale
    ar_pg_version
}

# apt-get as root, through sudo otherwise
ar_apt_get() {
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo env DEBIAN_FRONTEND=noninteractive LC_ALL=C.UTF-8 \
        apt-get -o DPkg::Lock::Timeout=600 "$@"
}

# installs the Debian packages named that are not installed yet
ar_apt_install() {
    local p missing=()
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    echo "installing: ${missing[*]}"
    ar_apt_get update -qq
    ar_apt_get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

ar_build_install() {
    export PG_CONFIG=${PG_CONFIG:-/usr/lib/postgresql/$PGVERSION/bin/pg_config}
    make -s all || return 1
    venv_opts=(-v "$PGVERSION" -t)
    if [ -n "${AR_CREDIT_STAGING:-}" ]; then
        rm -rf tmp_install
        make -s install DESTDIR="$PWD/tmp_install" >/dev/null || return 1
        venv_opts+=(-o "extension_destdir=$PWD/tmp_install")
    else
        local sudo=""
        [ "$(id -u)" -eq 0 ] || sudo="sudo"
        $sudo make -s install PG_CONFIG="$PG_CONFIG" >/dev/null || return 1
    fi
}

ar_lock_clusters() {
    AR_CLUSTER_LOCK=/tmp/ar_credit-pg_virtualenv.lock
    [ "$(id -u)" -eq 0 ] || AR_CLUSTER_LOCK=/tmp/ar_credit-pg_virtualenv.$(id -u).lock
}

# run a command holding the cluster lock; the lock's file descriptor is closed
# for the command (flock -o), so a server it starts cannot keep the lock.
# Without PGPORT: pg_virtualenv creates its cluster on $PGPORT when set, and a
# developer's PGPORT names their own server, running, so the throwaway one
# could not start; without it pg_createcluster picks the port.
ar_with_cluster_lock() {
    ar_lock_clusters
    env -u PGPORT flock -o "$AR_CLUSTER_LOCK" "$@"
}

# ---- test steps ---------------------------------------------------------------
# A step is one command that prints TAP ("ok N", "not ok N", a plan "1..N")
# or pg_regress's report (PostgreSQL 15: "test x ... ok", 16+: TAP).  ar_step
# shows its output and appends one line to the file $AR_RESULTS:
#   name <TAB> passed <TAB> failed <TAB> not run <TAB> note
# "not run" is what the plans announced and the step never reported.  A step
# that exits non-zero, or stops before the end of its plan, without a failing
# test counts one failure of its own, so nothing that could not run passes
# unnoticed.

ar_results_init() {
    if [ -z "${AR_RESULTS:-}" ]; then
        AR_RESULTS=$(mktemp /tmp/ar_credit-results.XXXXXX)
        chmod 644 "$AR_RESULTS"
    fi
    export AR_RESULTS
}

# the counts "passed failed not_run" of a step's log
ar_count() {
    awk '
        /^ok [0-9]/ || /^ok - / || /^(test )? *[^ ]+ +\.\.\. ok/   { pass++; next }
        /^not ok/ || /\.\.\. FAILED/                              { fail++; next }
        /^1\.\.[0-9]+/ { sub(/^1\.\./, ""); planned += $0 + 0 }
        END { ran = pass + fail; left = planned > ran ? planned - ran : 0
              printf "%d %d %d\n", pass, fail, left }' "$1"
}

# ar_step NAME COMMAND...: runs one step (never stops the caller)
ar_step() {
    local name=$1 log rc pass fail notrun note=""
    shift
    log=$(mktemp)
    echo "# ---- $name"
    # the console gets everything but the passing TAP lines ("ok 12 - ...")
    { "$@" 2>&1; echo $? > "$log.rc"; } | tee "$log" | grep -vE '^ok [0-9]+ - ' || :
    rc=$(cat "$log.rc")
    read -r pass fail notrun < <(ar_count "$log")
    rm -f "$log" "$log.rc"
    if [ "$notrun" -gt 0 ]; then
        note="stopped before $notrun planned tests"
    fi
    if [ "$rc" -ne 0 ]; then
        note="${note:+$note, }exit status $rc"
    fi
    if [ -n "$note" ] && [ "$fail" -eq 0 ]; then
        fail=1
        echo "not ok - $name did not complete ($note)"
    fi
    printf '%s\t%d\t%d\t%d\t%s\n' "$name" "$pass" "$fail" "$notrun" "$note" >> "$AR_RESULTS"
}

# ar_step_failed NAME REASON: a step that could not run at all
ar_step_failed() {
    echo "not ok - $1: $2"
    printf '%s\t0\t1\t0\t%s\n' "$1" "$2" >> "$AR_RESULTS"
}

# one line per step, then the closing "tests: N passed, M failed" (with
# ", K not run" when planned tests never ran); fails if anything failed
ar_summary() {
    awk -F '\t' '
        { printf "%-44s %5d passed, %d failed%s%s\n", $1 ":", $2, $3,
                 ($4 > 0 ? ", " $4 " not run" : ""), ($5 != "" ? " (" $5 ")" : "")
          p += $2; f += $3; n += $4; steps++ }
        END { if (steps == 0) { print "no test step ran"; f = 1 }
              printf "tests: %d passed, %d failed%s\n", p, f, (n > 0 ? ", " n " not run" : "")
              exit (f > 0 || n > 0) }' "$AR_RESULTS"
}
