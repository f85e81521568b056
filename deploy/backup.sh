#!/usr/bin/env bash
# Back up bugout's games: a snapshot of Redis as one RDB file, fetched over Redis's replication
# protocol (redis-cli --rdb). It is consistent (one instant of the whole dataset), Redis keeps
# serving meanwhile, and it needs no access to Redis's files. Restore it with deploy/restore.sh.
#
#   sudo deploy/backup.sh [DIR]    # default /var/backups/bugout; prints the new file's path
#
# Which Redis: $REDIS_URL, else the REDIS_URL of /etc/bugout/bugout.env, else the local one.
# Keeps the newest $KEEP (default 14) backups in DIR. bugout-backup.timer runs it daily.
set -euo pipefail
dir=${1:-/var/backups/bugout}
keep=${KEEP:-14}
url=${REDIS_URL:-$(sed -n 's/^REDIS_URL=//p' /etc/bugout/bugout.env 2>/dev/null || true)}
url=${url:-redis://127.0.0.1:6379/0}

mkdir -p "$dir"
chmod 700 "$dir"  # the games are the players' business
file=$dir/bugout-$(date -u +%Y%m%dT%H%M%SZ).rdb
# Written under another name first: a failed or interrupted copy is never taken for a backup.
redis-cli -u "$url" --rdb "$file.partial" >/dev/null
mv "$file.partial" "$file"
ls -1t "$dir"/bugout-*.rdb | tail -n +"$((keep + 1))" | xargs -r rm --
echo "$file"
