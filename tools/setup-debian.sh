#!/usr/bin/env bash
# Installs the Debian packages ar_credit needs to build and test, if missing,
# for the PostgreSQL major of tools/common.sh's ar_pg_version ($PGVERSION, else
# the newest installed, else the one the Debian release ships: bookworm 15,
# trixie 17, sid 18).  Root, or a user with sudo.
set -euo pipefail
cd "$(dirname "$0")/.."
source tools/common.sh
ar_env

ar_apt_install make gcc libc6-dev perl python3 util-linux postgresql-common \
    "postgresql-$PGVERSION" "postgresql-server-dev-$PGVERSION" "postgresql-$PGVERSION-pgtap" \
    libtap-parser-sourcehandler-pgtap-perl
# the BI drivers' tests (test/drivers/run.sh): pgjdbc, SQLAlchemy/psycopg2,
# psycopg 3, node-postgres (npm) and the aging chart (matplotlib)
ar_apt_install default-jdk-headless libpostgresql-jdbc-java python3-psycopg2 python3-sqlalchemy \
    python3-psycopg python3-matplotlib
# npm from Debian unless some npm is there already (a nodejs of another origin
# bundles its own, and Debian's npm would conflict with it)
command -v npm >/dev/null || ar_apt_install npm
# the reference worker's test (test/worker_py.sh): a local SMTP server
ar_apt_install python3-aiosmtpd
# pg_cron, for the scheduler path of the collections rules (test/pg_cron.sh)
ar_apt_install "postgresql-$PGVERSION-cron" || echo "# postgresql-$PGVERSION-cron could not be installed: test/pg_cron.sh will say so"
