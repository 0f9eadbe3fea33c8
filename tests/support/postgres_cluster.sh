#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests (the ctest fixture
# "postgres"): created in a fresh temporary directory, listening only on a
# Unix socket there, with one database, "unwedge".
#
#   tests/support/postgres_cluster.sh start DIR   # writes DIR/conninfo
#   tests/support/postgres_cluster.sh stop DIR    # stops it, removes it
#
# DIR/conninfo then holds one line (tests/support/test_postgres.hpp reads
# it): the libpq connection string, e.g.
#   host=/tmp/unwedge-pg.XXXXXX port=27311 dbname=unwedge user=unwedge
# or, when the server binaries (initdb, pg_ctl) are not installed,
#   absent: <why and what to install>
# and the script exits 0, so the tests that need the server skip and say
# why. Binaries found but a cluster that will not start is a failure (exit
# 1), with its log.
#
# The server binaries are looked for on PATH, then under
# /usr/lib/postgresql/*/bin (Debian keeps them off PATH). PostgreSQL refuses
# to run as root, so as root the cluster belongs to an unprivileged user
# (nobody, or UNWEDGE_POSTGRES_USER) and runs as it. Nothing here touches a
# cluster a package may have created: the data directory is our own.
# Durability is off (fsync, synchronous_commit, full_page_writes): a test
# cluster dies with its run.
set -euo pipefail

usage() {
  echo "usage: $0 start|stop DIR" >&2
  exit 2
}
[[ $# -eq 2 ]] || usage
command=$1
dir=$2
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)

find_bindir() {
  if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
    # Where the binaries really are (a PATH entry may be a symbolic link),
    # so createdb is looked for beside them.
    dirname "$(readlink -f "$(command -v initdb)")"
    return 0
  fi
  local candidate
  # The newest version first.
  for candidate in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k4 -V -r); do
    if [[ -x $candidate/initdb && -x $candidate/pg_ctl ]]; then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}

# Runs a command as the cluster's owner.
as_owner() {
  if [[ $(id -u) -eq 0 ]]; then
    setpriv --reuid="$owner" --regid="$(id -g "$owner")" --clear-groups -- "$@"
  else
    "$@"
  fi
}

stop_cluster() {
  [[ -f $dir/cluster ]] || return 0
  local root bindir
  root=$(sed -n 1p "$dir/cluster")
  bindir=$(sed -n 2p "$dir/cluster")
  owner=$(sed -n 3p "$dir/cluster")
  if [[ -n $root && -d $root/data ]]; then
    (cd "$root" && as_owner "$bindir/pg_ctl" stop -D "$root/data" -m immediate -w >/dev/null 2>&1) ||
      true
  fi
  # Only the directory this script made: its name is ours.
  if [[ -n $root && $(basename "$root") == unwedge-pg.* ]]; then
    rm -rf "$root"
  fi
  rm -f "$dir/cluster"
}

case "$command" in
  stop)
    stop_cluster
    rm -f "$dir/conninfo"
    exit 0
    ;;
  start) ;;
  *) usage ;;
esac

# A cluster left by a run that never stopped it goes first.
stop_cluster
rm -f "$dir/conninfo"

if ! bindir=$(find_bindir); then
  echo "absent: PostgreSQL server binaries (initdb, pg_ctl) are not installed;" \
    "scripts/install-deps.sh --tests installs postgresql-15" >"$dir/conninfo"
  cat "$dir/conninfo"
  exit 0
fi

owner=$(id -un)
if [[ $(id -u) -eq 0 ]]; then
  owner=${UNWEDGE_POSTGRES_USER:-nobody}
fi
# The socket's port: derived from DIR, so two builds' clusters (gcc and
# ASan, one after another or at once) differ even in their socket names;
# each has a directory of its own anyway, and TCP is never opened.
port=$((20000 + $(printf '%s' "$dir" | cksum | cut -d' ' -f1) % 20000))

# As root, under /tmp: the owner must reach it, and root's TMPDIR may be private.
tmp=${TMPDIR:-/tmp}
[[ $(id -u) -eq 0 ]] && tmp=/tmp
root=$(mktemp -d "$tmp/unwedge-pg.XXXXXX")
chmod 0700 "$root"
if [[ $(id -u) -eq 0 ]]; then
  chown "$owner:$(id -gn "$owner")" "$root"
fi
printf '%s\n%s\n%s\n' "$root" "$bindir" "$owner" >"$dir/cluster"

fail() {
  echo "postgres_cluster.sh: $1" >&2
  [[ -f $root/log ]] && tail -n 30 "$root/log" >&2
  echo "absent: the test cluster did not start ($1); see the postgres.start test's output" \
    >"$dir/conninfo"
  stop_cluster
  exit 1
}

cd "$root"
as_owner "$bindir/initdb" -D "$root/data" -U unwedge --auth=trust -E UTF8 --locale=C --no-sync \
  >"$root/initdb.log" 2>&1 || {
  cat "$root/initdb.log" >&2
  fail "initdb failed"
}
cat >>"$root/data/postgresql.conf" <<EOF
listen_addresses = ''
unix_socket_directories = '$root'
port = $port
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 200
shared_buffers = 32MB
EOF
as_owner "$bindir/pg_ctl" start -D "$root/data" -l "$root/log" -w -t 60 >/dev/null ||
  fail "pg_ctl start failed"
createdb=$bindir/createdb
[[ -x $createdb ]] || createdb=$(command -v createdb) || fail "createdb is not installed"
as_owner "$createdb" -h "$root" -p "$port" -U unwedge unwedge || fail "createdb failed"
# A database for the tests of a production store (serve), which never empty
# it: what the store tests leave in `unwedge` is not theirs to read.
as_owner "$createdb" -h "$root" -p "$port" -U unwedge unwedge_serve || fail "createdb failed"

echo "host=$root port=$port dbname=unwedge user=unwedge" >"$dir/conninfo"
cat "$dir/conninfo"
