#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests, listening on 127.0.0.1 only, its files in one folder.
#
#   scripts/throwaway_postgres.sh start DIR   installs PostgreSQL with apt-get when missing, creates and starts a
#                                            cluster in DIR (which must not exist or be empty), prints its URL
#   scripts/throwaway_postgres.sh stop DIR    stops it and deletes DIR
#
# initdb refuses to run as root: as root the cluster belongs to the `postgres` user (runuser). Connections from
# 127.0.0.1 are trusted (no password): the cluster lives only for one test run.
set -euo pipefail
action=${1:-}
dir=${2:-}
[ -n "$action" ] && [ -n "$dir" ] || { echo "usage: $0 start|stop DIR" >&2; exit 2; }

pg_bin() {
    local found
    found=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
    if [ -z "$found" ] && command -v initdb >/dev/null; then found=$(dirname "$(command -v initdb)"); fi
    echo "$found"
}

as_owner() {
    # from /, which the postgres user can enter (the caller's folder may be private)
    if [ "$(id -u)" = 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}

case "$action" in
start)
    if [ -z "$(pg_bin)" ]; then
        echo "Installation de PostgreSQL (apt-get)…" >&2
        sudo=$([ "$(id -u)" = 0 ] || echo sudo)
        export DEBIAN_FRONTEND=noninteractive
        $sudo apt-get update -qq >&2
        # the package's own cluster is not needed: policy-rc.d keeps apt from starting services
        $sudo apt-get install -y -qq postgresql >/dev/null
    fi
    bin=$(pg_bin)
    [ -n "$bin" ] || { echo "PostgreSQL introuvable après installation" >&2; exit 1; }
    mkdir -p "$dir"
    if [ "$(id -u)" = 0 ]; then chown postgres: "$dir"; fi
    chmod 700 "$dir"
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
    as_owner "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
        || { cat "$dir/initdb.log" >&2; exit 1; }
    as_owner "$bin/pg_ctl" -D "$dir/data" -o "-k $dir -p $port -h 127.0.0.1 -c fsync=off" -l "$dir/log" -w -t 60 start >&2 \
        || { cat "$dir/log" >&2; exit 1; }
    echo "$port" >"$dir/port"
    echo "postgresql://postgres@127.0.0.1:$port/postgres"
    ;;
stop)
    bin=$(pg_bin)
    if [ -n "$bin" ] && [ -f "$dir/data/postmaster.pid" ]; then
        as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >&2 || true
    fi
    rm -rf "$dir"
    ;;
*)
    echo "usage: $0 start|stop DIR" >&2
    exit 2
    ;;
esac
