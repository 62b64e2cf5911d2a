#!/usr/bin/env bash
# Installs the Debian packages ar_credit needs to build and test, if missing.
# Works as root or through sudo on Debian bookworm.
set -euo pipefail

PGV=${PGVERSION:-15}
need=(make gcc postgresql-$PGV postgresql-server-dev-$PGV postgresql-$PGV-pgtap
      libtap-parser-sourcehandler-pgtap-perl postgresql-common python3 python3-aiosmtpd)  # aiosmtpd: test/worker_py.sh
need+=(default-jdk-headless libpostgresql-jdbc-java python3-psycopg2 python3-sqlalchemy python3-psycopg python3-matplotlib $(command -v npm >/dev/null || echo npm))  # test/drivers
missing=()
for p in "${need[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "installing: ${missing[*]}"
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
