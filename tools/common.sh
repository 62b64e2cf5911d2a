# Shared by tools/test.sh, tools/demo.sh and bench/run (sourced, not run).
#
# ar_build_install: builds, installs (system-wide, or into ./tmp_install when
# AR_CREDIT_STAGING is set) and fills the array venv_opts with the
# pg_virtualenv options for a throwaway cluster that sees the installation.
# ar_with_cluster_lock: pg_virtualenv clusters run by root share a name and a
# socket directory, so only one runs at a time on a machine.

ar_build_install() {
    export PG_CONFIG=${PG_CONFIG:-pg_config}
    PGV=$($PG_CONFIG --version | sed -E 's/^PostgreSQL ([0-9]+).*/\1/')
    make -s all
    venv_opts=(-v "$PGV" -t)
    if [ -n "${AR_CREDIT_STAGING:-}" ]; then
        rm -rf tmp_install
        make -s install DESTDIR="$PWD/tmp_install" >/dev/null
        venv_opts+=(-o "extension_destdir=$PWD/tmp_install")
    else
        local sudo=""
        [ "$(id -u)" -eq 0 ] || sudo="sudo"
        $sudo make -s install >/dev/null
    fi
}

ar_lock_clusters() {
    AR_CLUSTER_LOCK=/tmp/ar_credit-pg_virtualenv.lock
    [ "$(id -u)" -eq 0 ] || AR_CLUSTER_LOCK=/tmp/ar_credit-pg_virtualenv.$(id -u).lock
}

# run a command holding the cluster lock; the lock's file descriptor is closed
# for the command (flock -o), so a server it starts cannot keep the lock
ar_with_cluster_lock() {
    ar_lock_clusters
    flock -o "$AR_CLUSTER_LOCK" "$@"
}
