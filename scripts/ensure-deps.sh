#!/usr/bin/env bash
# Installs the Debian packages attnlab needs when they are missing.
#   scripts/ensure-deps.sh build   OpenBLAS + LAPACKE, oneDNN, Open MPI (building and running)
#   scripts/ensure-deps.sh test    also headless Chromium (the HTML report test renders a page)
set -euo pipefail
purpose=${1:-build}
need=(libopenblas-dev liblapacke-dev libdnnl-dev libopenmpi-dev openmpi-bin)
if [ "$purpose" = test ]; then need+=(chromium); fi

if ! command -v swift >/dev/null 2>&1; then
  echo "attnlab: 'swift' is not on PATH. Install Swift 6 (https://swift.org/install) and try again." >&2
  exit 1
fi
if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "attnlab: not a Debian system; make sure these are installed: ${need[*]}" >&2
  exit 0
fi

missing=()
for package in "${need[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed"; then
    missing+=("$package")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo="sudo"
  else
    echo "attnlab needs these Debian packages: ${missing[*]}" >&2
    echo "Install them as root:  apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
fi
echo "attnlab: installing ${missing[*]} (apt-get)…" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq >/dev/null
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "attnlab: installed ${missing[*]}" >&2
