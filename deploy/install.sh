#!/usr/bin/env bash
# Install bugout on a Debian 12 machine, or update it: run it again after `git pull`.
#
#   sudo deploy/install.sh go.example.org   # the first time: the domain whose DNS points here
#   sudo deploy/install.sh                  # an update: keeps /etc/bugout/bugout.env as it is
#
# It installs Debian's caddy, redis-server, gnugo and python3-venv; creates the user bugout;
# copies this checkout to /opt/bugout/src with its runtime packages in /opt/bugout/venv; writes
# /etc/bugout/bugout.env (first run), the systemd units, /etc/caddy/Caddyfile and the Redis
# settings; then (re)starts Redis, bugout.target and Caddy, and schedules a daily backup.
# Everything it writes comes from deploy/ (docs/deploy.md explains each file).
#
#   --root DIR  write everything under DIR instead of /, and touch nothing of the running system
#               (no apt-get, useradd, chown, sysctl or systemctl): for tests and packaging.
set -euo pipefail

usage() { echo "usage: $0 [--root DIR] [DOMAIN]" >&2; exit 2; }
root="" domain=""
while [ $# -gt 0 ]; do
  case "$1" in
    --root) [ $# -ge 2 ] || usage; root=$(realpath -m "$2"); shift 2 ;;
    -h|--help) usage ;;
    -*) usage ;;
    *) [ -z "$domain" ] || usage; domain=$1; shift ;;
  esac
done
if [ -n "$domain" ] && ! [[ "$domain" =~ ^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$ ]]; then
  echo "install: '$domain' is not a domain name (write go.example.org, without https:// or /)" >&2
  exit 2
fi
system=1; [ -z "$root" ] || system=0
if [ "$system" -eq 1 ] && [ "$(id -u)" -ne 0 ]; then echo "install: run it as root (sudo)" >&2; exit 1; fi

src=$(cd "$(dirname "$0")/.." && pwd)
deploy=$src/deploy
opt=$root/opt/bugout
etc=$root/etc
step() { echo "install: $*"; }
if [ ! -f "$etc/bugout/bugout.env" ] && [ -z "$domain" ]; then
  echo "install: the first run needs the domain: $0 go.example.org" >&2
  exit 2
fi

if [ "$system" -eq 1 ]; then
  step "Debian packages"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq caddy redis-server gnugo python3-venv >/dev/null
  getent passwd bugout >/dev/null || useradd --system --user-group --home-dir /opt/bugout \
    --no-create-home --shell /usr/sbin/nologin bugout
fi

step "Python packages in $opt/venv"
mkdir -p "$opt"
# Debian's Python, whatever `python3` is for the caller: the venv links to its interpreter, and
# one under a home directory (pyenv's, say) is hidden from the services (ProtectHome=yes).
[ -x "$opt/venv/bin/python" ] || /usr/bin/python3 -m venv "$opt/venv"
# Only the runtime part of requirements.txt: the test tools (Playwright, mypy...) have no
# business on a 1 GiB server.
sed '/^# Tests/,$d' "$src/requirements.txt" >"$opt/requirements.txt"
"$opt/venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$opt/requirements.txt"

step "code in $opt/src"
rm -rf "$opt/src.new" "$opt/src.old"
mkdir "$opt/src.new"
# The checkout without what is local to it (its venv, its Redis data, caches), owned by root
# and readable by all, whoever owned the checkout.
tar -C "$src" --exclude=./.git --exclude=./.venv --exclude=./var --exclude=__pycache__ \
  --exclude=./.pytest_cache --exclude=./.hypothesis --exclude=./.mypy_cache -cf - . \
  | tar -C "$opt/src.new" --no-same-owner -xf -
chmod -R a+rX,go-w "$opt/src.new"
# The services may not write their own code (ProtectSystem=strict): compile it now.
"$opt/venv/bin/python" -m compileall -q "$opt/src.new/app" "$opt/src.new/tasks" "$opt/src.new/web" >/dev/null
if [ -d "$opt/src" ]; then mv "$opt/src" "$opt/src.old"; fi
mv "$opt/src.new" "$opt/src"
rm -rf "$opt/src.old"

step "configuration in $etc"
install -d -m 755 "$etc/bugout" "$etc/systemd/system/caddy.service.d" "$etc/caddy" "$etc/redis" "$etc/sysctl.d"
env_file=$etc/bugout/bugout.env
if [ ! -f "$env_file" ]; then
  (umask 027; sed "s/@DOMAIN@/$domain/g" "$deploy/bugout.env" >"$env_file")
elif [ -n "$domain" ]; then
  sed -i -e "s|^BUGOUT_DOMAIN=.*|BUGOUT_DOMAIN=$domain|" -e "s|^PUBLIC_URL=.*|PUBLIC_URL=https://$domain|" "$env_file"
fi
chmod 640 "$env_file"
install -m 644 "$deploy"/systemd/bugout.target "$deploy"/systemd/bugout-*.service "$deploy"/systemd/bugout-*.timer \
  "$etc/systemd/system/"
# The AI's engine runs inside bugout-worker now: an older install's unit of its own for it goes.
retired="$etc/systemd/system/bugout-bot.service"
if [ -f "$retired" ]; then
  if [ "$system" -eq 1 ]; then systemctl disable -q --now bugout-bot || true; fi
  rm -f "$retired"
fi
install -d -m 700 "$root/var/backups/bugout"
install -m 644 "$deploy/systemd/caddy.service.d/bugout.conf" "$etc/systemd/system/caddy.service.d/"
# Debian's Caddyfile serves a demo page on port 80; keep it beside ours, once.
if [ -f "$etc/caddy/Caddyfile" ] && [ ! -f "$etc/caddy/Caddyfile.debian" ] \
   && ! cmp -s "$etc/caddy/Caddyfile" "$deploy/Caddyfile"; then
  cp -p "$etc/caddy/Caddyfile" "$etc/caddy/Caddyfile.debian"
fi
install -m 644 "$deploy/Caddyfile" "$etc/caddy/Caddyfile"
install -m 644 "$deploy/redis-bugout.conf" "$etc/redis/bugout.conf"
install -m 644 "$deploy/sysctl-bugout.conf" "$etc/sysctl.d/60-bugout-redis.conf"
include="include /etc/redis/bugout.conf"
redis_changed=0
if [ -f "$etc/redis/redis.conf" ] && ! grep -qxF "$include" "$etc/redis/redis.conf"; then
  printf '\n# bugout (deploy/redis-bugout.conf): last, so that it overrides the settings above.\n%s\n' \
    "$include" >>"$etc/redis/redis.conf"
  redis_changed=1
fi

if [ "$system" -eq 0 ]; then
  step "done under $root (no service started: --root)"
  exit 0
fi

chown root:bugout "$env_file"
sysctl -q -p "$etc/sysctl.d/60-bugout-redis.conf"
step "services"
systemctl daemon-reload
systemctl enable -q redis-server caddy bugout.target bugout-web bugout-worker
systemctl enable -q --now bugout-backup.timer
if [ "$redis_changed" -eq 1 ]; then systemctl restart redis-server; else systemctl start redis-server; fi
systemctl restart bugout.target
systemctl reload-or-restart caddy
port=$(sed -n 's/^PORT=//p' "$env_file")
if "$opt/venv/bin/python" "$deploy/healthcheck.py" --ai "http://127.0.0.1:${port:-5000}/healthz"; then
  step "the site: $(sed -n 's/^PUBLIC_URL=//p' "$env_file")/ (logs: journalctl -u 'bugout-*' -u caddy)"
else
  echo "install: bugout is not healthy yet; see journalctl -u 'bugout-*'" >&2
  exit 1
fi
