#!/usr/bin/env bash
# Builds and tests the Debian package postgresql-<version>-ar-credit:
#   1. installs the build dependencies (debian/control) if missing;
#   2. in a temporary copy of the tree (tracked and untracked files, no build
#      outputs), writes debian/control for the PostgreSQL majors this machine
#      supports (pg_buildext updatecontrol, from debian/control.in and
#      debian/pgversions) and builds with dpkg-buildpackage -us -uc -b, which
#      also runs pg_regress and the isolation specs against the staged package
#      of every major;
#   3. checks the package's contents: module, control file, install script,
#      every ar_credit--*.sql of the tree, documentation;
#   4. installs it with dpkg -i, creates the extension in a throwaway cluster
#      (pg_virtualenv) and runs smoke queries, then the autopkgtest
#      debian/tests/installcheck against the installed package;
#   5. purges the package and puts back any ar_credit files that "make install"
#      had left in the system PostgreSQL before, so tools/test.sh is unaffected.
# Root or sudo.  Prints TAP lines, then "debian: N passed, M failed" and the
# duration; exits 1 on any failure.  AR_CREDIT_KEEP_DEB=1 keeps the temporary
# directory (build log, .deb files).  The package checked, installed and
# tested is that of the major tools/common.sh picks ($PGVERSION, ...).
set -euo pipefail
cd "$(dirname "$0")/.."
source tools/common.sh
ar_env

# pg_virtualenv clusters run by root share a name and a socket directory: hold
# the project's cluster lock for the whole run (build-time tests included)
if [ -z "${AR_DEB_LOCKED:-}" ]; then
    ar_lock_clusters
    AR_DEB_LOCKED=1 exec flock -o "$AR_CLUSTER_LOCK" "$0" "$@"
fi

start=$(date +%s)
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
PGV=$PGVERSION
PKG=postgresql-$PGV-ar-credit
EXTVERSION=$(sed -nE "s/^[[:space:]]*default_version[[:space:]]*=[[:space:]]*'([^']*)'.*/\1/p" ar_credit.control)
DEBVERSION=$(sed -nE '1s/^[^ ]+ \(([^)]*)\).*/\1/p' debian/changelog)

n=0; failed=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $1"; }
check() { local desc=$1; shift; if "$@" >/dev/null 2>&1; then ok "$desc"; else not_ok "$desc"; fi; }
finish() {
    echo "1..$n"
    echo "debian: $((n - failed)) passed, $failed failed ($(( $(date +%s) - start ))s)"
    [ "$failed" -eq 0 ] && exit 0
    exit 1
}
# sum of the N of pg_regress's "All N tests passed" lines in a log
passed_in() { grep -oE 'All [0-9]+ tests passed' "$1" | awk '{s += $2} END {print s + 0}'; }

# ---- 1. build dependencies -------------------------------------------------
tools/setup-debian.sh
# build-essential is implied by every Debian source package (dpkg-checkbuilddeps
# wants it even if make and gcc are there)
ar_apt_install build-essential dpkg-dev debhelper postgresql-server-dev-all postgresql-all

# ---- 2. build in a temporary copy -------------------------------------------
tmp=$(mktemp -d /tmp/ar_credit-deb.XXXXXX)
chmod 755 "$tmp"    # the build-time test server runs as postgres and reads debian/<package>/ here
src="$tmp/ar-credit-${DEBVERSION%-*}"
mkdir "$src"
backup="$tmp/system-backup"
cleanup() {
    # never leave the package installed, and put back what make install had left
    if dpkg-query -W -f='${Status}' "$PKG" 2>/dev/null | grep -q installed; then
        $SUDO dpkg --purge "$PKG" >/dev/null 2>&1 || true
    fi
    if [ -d "$backup" ]; then $SUDO cp -a "$backup/." / ; fi
    if [ -n "${AR_CREDIT_KEEP_DEB:-}" ]; then echo "# kept $tmp"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT

if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    git ls-files -z --cached --others --exclude-standard | tar --null -T - -c | tar -x -C "$src"
else
    tar -c --exclude=./tmp_install --exclude='./build-*' . | tar -x -C "$src"
    make -s -C "$src" clean >/dev/null 2>&1 || true
fi

# debian/control names one package per supported major (debian/pgversions
# intersected with this machine's postgresql-common)
if (cd "$src" && pg_buildext updatecontrol) > "$tmp/updatecontrol.log" 2>&1; then
    ok "pg_buildext updatecontrol: packages $(sed -nE 's/^Package: //p' "$src/debian/control" | tr '\n' ' ')"
else
    not_ok "pg_buildext updatecontrol"; sed 's/^/#   /' "$tmp/updatecontrol.log"; finish
fi
check "debian/control builds $PKG" grep -qx "Package: $PKG" "$src/debian/control"
echo "# building $PKG $DEBVERSION in $src"
if (cd "$src" && dpkg-buildpackage -us -uc -b) > "$tmp/build.log" 2>&1; then
    ok "dpkg-buildpackage -us -uc -b builds $PKG"
else
    not_ok "dpkg-buildpackage -us -uc -b builds $PKG"
    tail -60 "$tmp/build.log" | sed 's/^/#   /'
    finish
fi
# the build-time installcheck (dh_pgxs_test) against the staged package
build_tests=$(passed_in "$tmp/build.log")
if grep -q 'dh_pgxs_test' "$tmp/build.log" && [ "$build_tests" -gt 0 ]; then
    ok "build-time pg_regress + isolation against the staged package ($build_tests tests)"
else
    not_ok "build-time pg_regress + isolation against the staged package"
fi

deb="$tmp/${PKG}_${DEBVERSION}_$(dpkg --print-architecture).deb"
check "$(basename "$deb") exists" test -f "$deb"
[ -f "$deb" ] || finish

# ---- 3. contents ------------------------------------------------------------
dpkg-deb -c "$deb" | awk '{print $6}' | sed 's|^\./|/|' > "$tmp/contents"
has() { grep -qxF "$1" "$tmp/contents"; }
check "contains /usr/lib/postgresql/$PGV/lib/ar_credit.so" has "/usr/lib/postgresql/$PGV/lib/ar_credit.so"
check "contains the control file" has "/usr/share/postgresql/$PGV/extension/ar_credit.control"
check "contains the install script ar_credit--$EXTVERSION.sql" \
    has "/usr/share/postgresql/$PGV/extension/ar_credit--$EXTVERSION.sql"
# every script of the tree (upgrade scripts, frozen older versions) is shipped
scripts=$(cd "$src" && find . -name 'ar_credit--*.sql' -not -path './build-*' -not -path './debian/*' -printf '%f\n' | sort -u)
for s in $scripts; do
    check "contains $s" has "/usr/share/postgresql/$PGV/extension/$s"
done
check "contains the copyright file" has "/usr/share/doc/$PKG/copyright"
check "contains the README in its own doc directory" has "/usr/share/doc/$PKG/README.md.gz"
check "ships nothing under postgresql-doc-$PGV" bash -c "! grep -q '/postgresql-doc-' '$tmp/contents'"
check "Version is $DEBVERSION" test "$(dpkg-deb -f "$deb" Version)" = "$DEBVERSION"
check "Depends on postgresql-$PGV" bash -c "dpkg-deb -f '$deb' Depends | grep -q 'postgresql-$PGV\\b'"

# ---- 4. install, smoke test, autopkgtest -------------------------------------
# keep what make install left in the system PostgreSQL (tools/test.sh), if anything
for f in /usr/lib/postgresql/$PGV/lib/ar_credit.so /usr/lib/postgresql/$PGV/lib/bitcode/ar_credit \
         /usr/lib/postgresql/$PGV/lib/bitcode/ar_credit.index.bc \
         /usr/share/postgresql/$PGV/extension/ar_credit.control \
         /usr/share/postgresql/$PGV/extension/ar_credit--*.sql; do
    [ -e "$f" ] || continue
    dpkg -S "$f" >/dev/null 2>&1 && continue   # owned by a package: not ours to keep
    mkdir -p "$backup$(dirname "$f")"
    cp -a "$f" "$backup$f"
done
[ -d "$backup" ] && echo "# saved files of an earlier make install: $(cd "$backup" && find . -type f | wc -l)"

if $SUDO dpkg -i "$deb" > "$tmp/install.log" 2>&1; then
    ok "dpkg -i installs $PKG"
else
    not_ok "dpkg -i installs $PKG"; sed 's/^/#   /' "$tmp/install.log"; finish
fi
check "dpkg owns ar_credit.so" bash -c "dpkg -S /usr/lib/postgresql/$PGV/lib/ar_credit.so | grep -q '^$PKG:'"

smoke=$(pg_virtualenv -v "$PGV" psql -X -At -v ON_ERROR_STOP=1 postgres 2>"$tmp/smoke.err" <<'SQL' || true
CREATE EXTENSION ar_credit;
SELECT extversion FROM pg_extension WHERE extname = 'ar_credit';
SELECT ar_credit.due_date('30D', date '2026-01-15');
SELECT ar_credit.due_date('45 jours fin de mois', date '2024-01-15');
SELECT ar_credit.describe('2/10 net 30', 'fr');
SELECT ar_credit.late_interest(10000, date '2024-06-15', date '2024-07-15');
DROP EXTENSION ar_credit;
SQL
)
cat "$tmp/smoke.err" - <<<"$smoke" | sed 's/^/#   /'
expected=$(printf '%s\n' "$EXTVERSION" 2026-02-14 2024-02-29 \
    "paiement à 30 jours avec escompte de 2 % pour paiement sous 10 jours" 118.15)
# pg_virtualenv's own messages and psql's command tags aside, the answers
if [ "$(echo "$smoke" | grep -vE '^((CREATE|DROP) EXTENSION|Creating new PostgreSQL cluster .*|Dropping cluster .*)$')" = "$expected" ]; then
    ok "CREATE EXTENSION ar_credit ($EXTVERSION) from the package and smoke queries in a throwaway cluster"
else
    not_ok "CREATE EXTENSION ar_credit ($EXTVERSION) from the package and smoke queries in a throwaway cluster"
fi

if (cd "$src" && debian/tests/installcheck) > "$tmp/autopkgtest.log" 2>&1; then
    ok "autopkgtest debian/tests/installcheck against the installed package ($(passed_in "$tmp/autopkgtest.log") tests)"
else
    not_ok "autopkgtest debian/tests/installcheck against the installed package"
    tail -60 "$tmp/autopkgtest.log" | sed 's/^/#   /'
fi

# ---- 5. remove ---------------------------------------------------------------
check "dpkg --purge removes $PKG" $SUDO dpkg --purge "$PKG"
check "no package owns ar_credit files any more" bash -c "! dpkg -S 'ar_credit' 2>/dev/null | grep -q ."
if [ -d "$backup" ]; then
    $SUDO cp -a "$backup/." /
    check "the earlier make install's files are back" test -f "/usr/share/postgresql/$PGV/extension/ar_credit.control"
else
    check "no ar_credit file left in the system PostgreSQL" bash -c \
        "! ls /usr/lib/postgresql/$PGV/lib/ar_credit* /usr/share/postgresql/$PGV/extension/ar_credit* 2>/dev/null | grep -q ."
fi
finish
