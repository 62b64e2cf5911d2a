#!/usr/bin/env bash
# CI plumbing (run by .ci/run, as root): a minimal Debian tree, the README's
# two commands run inside it as a new user would on a clean machine.
#
#   .ci/debian-tree.sh SUITE DIR [full|readme]
#
# 1. debootstrap --variant=minbase SUITE into DIR (Debian's archive), with
#    only git, ca-certificates and sudo on top: whatever else the scripts need
#    they must install themselves;
# 2. mounts /proc, /dev/pts and /dev/shm, copies the checkout as it is now
#    (tracked and untracked files, not the ignored ones) into the tree;
# 3. with "readme", first as a user "ci" with sudo, on the untouched tree, and
#    LANG naming a locale that is not generated (fr_FR.UTF-8):
#      tools/demo.sh, then tools/test.sh;
#    then as root without any locale in the environment (env -i):
#      tools/demo.sh, then AR_CREDIT_TEST_DEBIAN=1 tools/test.sh;
# 4. unmounts and stops whatever still runs in the tree (the caller removes
#    DIR).
# Each run's "tests:" line is printed prefixed with "[SUITE ...]"; the whole
# output of each run is kept in $AR_CI_LOGS/SUITE.*.log (default: next to
# DIR).  Exits 1 if any command fails.
set -uo pipefail
suite=$1 dir=$2 mode=${3:-full}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)    # absolute: the processes in the tree are found by their root
src=$(cd "$(dirname "$0")/.." && pwd)
mirror=${AR_CI_MIRROR:-http://deb.debian.org/debian}
logs=${AR_CI_LOGS:-$(dirname "$dir")}   # where the logs of the runs go
mkdir -p "$logs"
say() { echo "[$suite] $*"; }

# ---- 1. the tree --------------------------------------------------------------
if [ ! -x "$dir/usr/bin/apt-get" ]; then
    say "debootstrap --variant=minbase $suite"
    t0=$(date +%s)
    if ! debootstrap --variant=minbase --include=git,ca-certificates,sudo \
            "$suite" "$dir" "$mirror" > "$logs/$suite.debootstrap.log" 2>&1; then
        tail -30 "$logs/$suite.debootstrap.log"
        say "debootstrap failed"
        exit 1
    fi
    say "debootstrap: $(( $(date +%s) - t0 )) s"
fi
# The archive this CI reaches serves snapshots, whose Release files can be
# past their Valid-Until date (sid's are valid for a week): a fact of this
# environment, not of the product, so it is set here and not by the tools.
echo 'Acquire::Check-Valid-Until "false";' > "$dir/etc/apt/apt.conf.d/99ci-snapshot"
# no service starts inside the tree (postgresql's packages would start the
# default cluster): the tests make their own throwaway clusters
printf '#!/bin/sh\nexit 101\n' > "$dir/usr/sbin/policy-rc.d"
chmod 755 "$dir/usr/sbin/policy-rc.d"
cp /etc/resolv.conf "$dir/etc/resolv.conf"
cp /etc/hosts "$dir/etc/hosts"    # sudo looks the host name up
# This machine may reach npm through a TLS-inspecting proxy whose CA only
# the host trusts: the tree's node (npm ci of the driver tests) trusts what
# the host trusts, through NODE_EXTRA_CA_CERTS (an environment fact too).
host_ca=""
if [ -s /etc/ssl/certs/ca-certificates.crt ]; then
    cp /etc/ssl/certs/ca-certificates.crt "$dir/etc/ci-host-ca.crt"
    host_ca=/etc/ci-host-ca.crt
fi

# ---- 2. mounts and the checkout ----------------------------------------------
mounted=()
cleanup() {
    local p m i
    # processes still running in the tree (a server a failed test left behind)
    for p in /proc/[0-9]*; do
        [ "$(readlink "$p/root" 2>/dev/null)" = "$dir" ] && kill -9 "${p#/proc/}" 2>/dev/null
    done
    for (( i = ${#mounted[@]} - 1; i >= 0; i-- )); do
        m=${mounted[i]}
        umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true
    done
}
trap cleanup EXIT
mnt() {  # mnt TYPE WHERE [OPTIONS]
    mkdir -p "$dir$2"
    mount -t "$1" ${3:+-o "$3"} "ci-$1" "$dir$2" && mounted+=("$dir$2")
}
mnt proc /proc
mnt devpts /dev/pts newinstance,ptmxmode=0666
mnt tmpfs /dev/shm mode=1777


# ---- 3. the README's commands ------------------------------------------------
rc=0
path=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
# run WHAT USER LANG COMMAND: a command in the tree, its log kept next to it
run() {
    local what=$1 user=$2 lang=$3 cmd=$4 log t0 home=/root r=0
    log="$logs/$suite.$(echo "$what" | tr -c 'a-zA-Z0-9\n' '_').log"
    [ "$user" = root ] || home=/home/$user
    say "$what: $cmd (as $user, LANG=${lang:-unset})"
    t0=$(date +%s)
    chroot --userspec="$user:$user" "$dir" env -i PATH="$path" HOME="$home" USER="$user" TERM=dumb \
        ${lang:+LANG="$lang"} ${host_ca:+NODE_EXTRA_CA_CERTS="$host_ca"} bash -c "$cmd" > "$log" 2>&1 || r=$?
    if [ "$r" -ne 0 ]; then
        rc=1
        grep -E '^(not ok|test .*FAILED|E: |error|Error)' "$log" | head -40
        tail -40 "$log"
    fi
    local pgv result
    pgv=$(sed -nE 's/^# PostgreSQL ([0-9]+),.*/\1/p' "$log" | head -1)
    result=$(grep -E '^tests: ' "$log" | tail -1)
    if [ -z "$result" ]; then
        result="demo ran"
        [ "$r" -eq 0 ] || result="tests: 0 passed, 1 failed (stopped, see $log)"
    fi
    say "$what, PostgreSQL ${pgv:-?}: exit $r, $(( $(date +%s) - t0 )) s; $result"
}
copy_checkout() {  # copy_checkout DEST: the checkout as it is now
    rm -rf "$1"
    mkdir -p "$1"
    (cd "$src" && git ls-files -z --cached --others --exclude-standard | tar --null -T - -c) | tar -x -C "$1"
}
if [ "$mode" = readme ]; then
    # first as a user with sudo on the untouched tree (the packages are
    # installed through sudo), with LANG naming a locale never generated
    chroot "$dir" useradd -m -s /bin/bash ci
    echo 'ci ALL=(ALL) NOPASSWD: ALL' > "$dir/etc/sudoers.d/ci"
    chmod 440 "$dir/etc/sudoers.d/ci"
    copy_checkout "$dir/home/ci/ar_credit"
    chroot "$dir" chown -R ci:ci /home/ci/ar_credit
    run "demo as ci" ci fr_FR.UTF-8 "cd ~/ar_credit && tools/demo.sh"
    run "test suite as ci" ci fr_FR.UTF-8 "cd ~/ar_credit && tools/test.sh"
fi
copy_checkout "$dir/src"
run "demo as root" root "" "cd /src && tools/demo.sh"
run "test suite + Debian package as root" root "" "cd /src && AR_CREDIT_TEST_DEBIAN=1 tools/test.sh"
exit $rc
