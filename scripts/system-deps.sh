#!/usr/bin/env bash
# Debian packages bugout needs. Installs the missing ones when we are root; otherwise says what
# to install. Usage: system-deps.sh [--optional] [package...]
#   no packages: everything the tests need (the AI engine, the historical records, Chromium,
#   and for tests/deploy: Caddy, systemd-analyze, Redis's server and redis-cli, Debian's venv;
#   for tests/topology: haproxy and Redis Sentinel);
#   --optional: a missing package is reported, not fatal (make run works without the AI).
set -euo pipefail
optional=0
if [ "${1:-}" = "--optional" ]; then optional=1; shift; fi
packages=("$@")
[ ${#packages[@]} -gt 0 ] || packages=(gnugo goban-original-games chromium chromium-driver
  caddy systemd redis-server redis-tools python3-venv haproxy redis-sentinel)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
  echo "system-deps: installing ${missing[*]}"
  if apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null; then
    exit 0
  fi
  echo "system-deps: could not install ${missing[*]}" >&2
else
  echo "system-deps: please install these Debian packages: sudo apt-get install ${missing[*]}" >&2
fi
if [ "$optional" -eq 1 ]; then
  echo "system-deps: starting without them: the AI opponent is unavailable (the page says so); games between people work." >&2
  exit 0
fi
exit 1
