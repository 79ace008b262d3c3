#!/usr/bin/env bash
# Run by the postgres image once, when the data volume is first initialised (docker-compose.yml mounts this folder
# as /docker-entrypoint-initdb.d): lets the optional streaming replica (service db-replica, profile "replica")
# connect for replication as the database owner, with its password, from the compose network. The image's own
# pg_hba.conf allows normal connections from anywhere with a password but replication only over the local socket.
# For a data volume created before this file existed, append the same line by hand and reload (docs/deployment.md 7).
# No `set -u`: the image sources this file instead of running it when it is not executable.
echo "host replication ${POSTGRES_USER} all scram-sha-256" >> "$PGDATA/pg_hba.conf"
