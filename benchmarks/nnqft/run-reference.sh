#!/usr/bin/env bash
# Runs the numpy reference of the NN-QFT estimator (reference.py) in a virtual environment
# .venv-bench at the repository root, creating it with numpy from PyPI when missing.
# Arguments are passed to reference.py. Exit status 3 means numpy could not be made available
# (no python3, no venv module, or no network to PyPI); the caller then reports attnlab alone.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
venv="$root/.venv-bench"
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import numpy' >/dev/null 2>&1; then
    if ! command -v python3 >/dev/null 2>&1; then
        echo "numpy reference unavailable: python3 is not installed" >&2; exit 3
    fi
    echo "creating $venv with numpy (one time)…" >&2
    if ! python3 -m venv "$venv" >&2; then
        echo "numpy reference unavailable: python3 -m venv failed (on Debian: apt-get install python3-venv)" >&2; exit 3
    fi
    if ! "$venv/bin/python" -m pip install --quiet --disable-pip-version-check 'numpy>=2' >&2; then
        echo "numpy reference unavailable: pip could not install numpy" >&2; exit 3
    fi
fi
exec "$venv/bin/python" "$here/reference.py" "$@"
