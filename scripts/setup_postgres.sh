#!/usr/bin/env bash
# A local PostgreSQL for the `postgres` target and its tests: installs the
# Debian server when the machine has none, starts the cluster, and creates
# the role and database of the profile's defaults (RECALL_PG_USER,
# RECALL_PG_PASSWORD, RECALL_PG_DATABASE: recall/recall/recall). The role may
# create databases: the cross-engine tests build in a database of their own.
# Safe to re-run. Needs root (or sudo) for apt-get and the cluster.
set -euo pipefail

user=${RECALL_PG_USER:-recall}
password=${RECALL_PG_PASSWORD:-recall}
database=${RECALL_PG_DATABASE:-recall}
sudo=""
if [ "$(id -u)" -ne 0 ]; then
    sudo="sudo"
fi

if ! command -v pg_lsclusters >/dev/null 2>&1; then
    echo "setup_postgres: installing PostgreSQL (apt-get)"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq postgresql >/dev/null
fi

# The first cluster Debian made (pg_lsclusters: version, name, port, status).
read -r version cluster _port status _rest < <(pg_lsclusters --no-header | head -n 1)
if [ -z "${version:-}" ]; then
    echo "setup_postgres: no PostgreSQL cluster found (pg_lsclusters)" >&2
    exit 1
fi
if [ "$status" != "online" ]; then
    $sudo pg_ctlcluster "$version" "$cluster" start
fi

as_postgres() {
    if [ "$(id -u)" -eq 0 ]; then
        su postgres -c "$1"
    else
        sudo -u postgres sh -c "$1"
    fi
}

as_postgres "psql -qAt -c \"select 1 from pg_roles where rolname = '$user'\"" | grep -q 1 \
    || as_postgres "psql -q -c \"create role \\\"$user\\\" login createdb password '$password'\""
as_postgres "psql -q -c \"alter role \\\"$user\\\" login createdb password '$password'\""
as_postgres "psql -qAt -c \"select 1 from pg_database where datname = '$database'\"" | grep -q 1 \
    || as_postgres "createdb -O \"$user\" \"$database\""
echo "setup_postgres: PostgreSQL $version/$cluster online; role $user, database $database"
