#!/usr/bin/env bash
# Makes the local PostgreSQL accept streaming replication from 127.0.0.1, for `npm run test:scale`'s streaming
# standby (test/scale/replica.test.ts, issue 19 item 2). Idempotent; run it as root (or as the cluster's owner) on
# the machine of the server, before the scale tests:
#
#   bash scripts/ci/ensure-replication.sh            # the server at postgres://postgres@127.0.0.1:5432
#   PGPORT=5433 bash scripts/ci/ensure-replication.sh
#
# What it checks and changes:
#  - wal_level must be `replica` or `logical` and max_wal_senders at least 2: these need a restart, so it only
#    says so and fails (Debian's default cluster already has them);
#  - pg_hba.conf must have a `replication` line for 127.0.0.1 (`all` does not cover replication connections): when
#    there is none it appends `host replication all 127.0.0.1/32 trust` — the same trust the cluster already gives
#    every local TCP connection of this CI machine — and reloads the configuration (no restart).
set -euo pipefail

export PGHOST="${PGHOST:-127.0.0.1}" PGPORT="${PGPORT:-5432}" PGUSER="${PGUSER:-postgres}" PGDATABASE="${PGDATABASE:-postgres}"
q() { psql -XAtqc "$1"; }

wal_level="$(q 'SHOW wal_level')"
senders="$(q 'SHOW max_wal_senders')"
if [[ "$wal_level" != replica && "$wal_level" != logical ]] || ((senders < 2)); then
  echo "ensure-replication: wal_level=$wal_level, max_wal_senders=$senders; need replica (or logical) and >= 2." >&2
  echo "  ALTER SYSTEM SET wal_level = 'replica'; ALTER SYSTEM SET max_wal_senders = 10; then restart the server." >&2
  exit 1
fi

# A physical replication connection from 127.0.0.1, as pg_basebackup and the standby make it.
replication_ok() { psql -XAtq "host=127.0.0.1 port=$PGPORT user=$PGUSER replication=true" -c 'IDENTIFY_SYSTEM' >/dev/null 2>&1; }
if replication_ok; then
  echo "ensure-replication: ok (wal_level=$wal_level, max_wal_senders=$senders, pg_hba.conf allows replication from 127.0.0.1)"
  exit 0
fi

hba="$(q 'SHOW hba_file')"
echo "ensure-replication: adding 'host replication all 127.0.0.1/32 trust' to $hba and reloading"
printf '\n# Streaming replication from this machine (npm run test:scale, scripts/ci/ensure-replication.sh)\nhost    replication     all             127.0.0.1/32            trust\n' >>"$hba"
q 'SELECT pg_reload_conf()' >/dev/null
# The reload is asynchronous: wait (at most 10 s) until a replication connection is accepted.
for _ in $(seq 1 50); do
  if replication_ok; then
    echo "ensure-replication: ok"
    exit 0
  fi
  sleep 0.2
done
echo "ensure-replication: the server does not show the new pg_hba.conf line (see its log)" >&2
exit 1
