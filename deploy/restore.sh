#!/usr/bin/env bash
# Restore bugout's games from a backup of deploy/backup.sh (an RDB file).
#
#   sudo deploy/restore.sh /var/backups/bugout/bugout-20260101T030000Z.rdb
#
# Redis with AOF on loads only its append-only files, never an RDB file put beside them. So the
# snapshot is first loaded by a private redis-server (a socket in a temporary directory, no
# port), which is then told to switch AOF on and so writes the whole dataset as AOF files. Then
# bugout and Redis stop, those files replace the current ones (kept aside as
# appendonlydir.before-restore-<time>), and Redis and bugout start again.
#
#   --redis-dir DIR  Redis's data directory (default /var/lib/redis, Debian's)
#   --no-services    neither stop nor start services, nor chown to redis (tests; or you stop
#                    Redis yourself first)
set -euo pipefail
usage() { echo "usage: $0 [--redis-dir DIR] [--no-services] BACKUP.rdb" >&2; exit 2; }
data=/var/lib/redis services=1 backup=""
while [ $# -gt 0 ]; do
  case "$1" in
    --redis-dir) [ $# -ge 2 ] || usage; data=$2; shift 2 ;;
    --no-services) services=0; shift ;;
    -*) usage ;;
    *) [ -z "$backup" ] || usage; backup=$1; shift ;;
  esac
done
[ -n "$backup" ] && [ -f "$backup" ] || usage
aof=appendonlydir  # Redis 7's appenddirname

work=$(mktemp -d)
server=""
cleanup() {
  [ -z "$server" ] || kill "$server" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
cp "$backup" "$work/dump.rdb"
redis-server --port 0 --unixsocket "$work/redis.sock" --dir "$work" --dbfilename dump.rdb \
  --appendonly no --save "" --appenddirname "$aof" --logfile "$work/redis.log" &
server=$!
cli() { redis-cli -s "$work/redis.sock" "$@"; }
persistence() { cli INFO persistence | tr -d '\r'; }
for _ in $(seq 1 100); do cli PING >/dev/null 2>&1 && break; sleep 0.1; done
cli PING >/dev/null || { cat "$work/redis.log" >&2; exit 1; }
keys=$(cli DBSIZE)
cli CONFIG SET appendonly yes >/dev/null  # starts writing the dataset as AOF (a rewrite)
for _ in $(seq 1 600); do
  state=$(persistence)
  if grep -q '^aof_rewrite_in_progress:0' <<<"$state" && grep -q '^aof_rewrite_scheduled:0' <<<"$state" \
     && [ -f "$work/$aof/appendonly.aof.manifest" ]; then break; fi
  sleep 0.1
done
persistence | grep -q '^aof_last_bgrewrite_status:ok' || { echo "restore: Redis could not write the AOF" >&2; exit 1; }
cli SHUTDOWN >/dev/null 2>&1 || true  # AOF only (save ""): the files are complete once it exits
wait "$server" || true
server=""

if [ "$services" -eq 1 ]; then systemctl stop bugout.target redis-server; fi
if [ -e "$data/$aof" ]; then mv "$data/$aof" "$data/$aof.before-restore-$(date -u +%Y%m%dT%H%M%SZ)"; fi
mv "$work/$aof" "$data/$aof"
if [ "$services" -eq 1 ]; then
  chown -R redis:redis "$data/$aof"
  systemctl start redis-server bugout.target
fi
echo "restore: $keys keys from $backup are in $data/$aof"
