#!/usr/bin/env bash
# Debian packages the tests and the AI opponent need. Installs them when missing and we are root;
# otherwise says what to install.
set -euo pipefail
packages=(gnugo goban-original-games chromium chromium-driver)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
  echo "system-deps: installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
else
  echo "system-deps: please install these Debian packages: sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
