#!/usr/bin/env bash
# Makes sure the virtual environment .venv-bench at the repository root can `import torch`, and
# prints the path of its python on stdout. Used by `make bench` (benchmarks/run-train.sh).
#
# torch comes from a local CPU-only wheel when one exists (TORCH_WHEEL, else the first
# torch-*cpu*.whl under /opt/wheels, ~/wheels or the repository's wheels/ folder): a plain
# `pip install torch` from PyPI pulls several GB of CUDA packages. Its small dependencies
# (numpy, sympy, networkx, jinja2, filelock, fsspec, typing-extensions, setuptools) come from PyPI.
# Without a local wheel it tries PyPI's CPU index once.
#
# Exit status 3: torch could not be made available (no python3, no venv module, no wheel and no
# network); the message on stderr says why and `make bench` reports attnlab's figures alone.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
venv="$root/.venv-bench"
python="$venv/bin/python"

if [ -x "$python" ] && "$python" -c 'import torch' >/dev/null 2>&1; then
    echo "$python"; exit 0
fi
if ! command -v python3 >/dev/null 2>&1; then
    echo "PyTorch reference unavailable: python3 is not installed" >&2; exit 3
fi
if [ ! -x "$python" ]; then
    echo "creating $venv (one time)…" >&2
    if ! python3 -m venv "$venv" >&2; then
        echo "PyTorch reference unavailable: python3 -m venv failed (on Debian: apt-get install python3-venv)" >&2; exit 3
    fi
fi
pip=("$python" -m pip install --quiet --disable-pip-version-check)

wheel="${TORCH_WHEEL:-}"
if [ -z "$wheel" ]; then
    for dir in /opt/wheels "$HOME/wheels" "$root/wheels"; do
        candidate=$(ls "$dir"/torch-*cpu*.whl 2>/dev/null | sort | tail -1)
        if [ -n "$candidate" ]; then wheel="$candidate"; break; fi
    done
fi
if [ -n "$wheel" ]; then
    echo "installing PyTorch from $wheel into $venv (one time)…" >&2
    # Dependencies first (from PyPI, or from the wheel's folder when offline), then torch itself.
    if ! "${pip[@]}" --find-links "$(dirname "$wheel")" numpy filelock 'typing-extensions>=4.10' 'setuptools>=77.0.3' \
            'sympy>=1.13.3' 'networkx>=2.5.1' jinja2 'fsspec>=0.8.5' >&2; then
        echo "PyTorch reference unavailable: pip could not install torch's dependencies (numpy, sympy, …) from PyPI" >&2; exit 3
    fi
    if ! "${pip[@]}" --no-index --find-links "$(dirname "$wheel")" "$wheel" >&2; then
        echo "PyTorch reference unavailable: pip could not install $wheel" >&2; exit 3
    fi
else
    echo "no local torch-*cpu*.whl found (set TORCH_WHEEL=path); trying the PyTorch CPU index…" >&2
    if ! "${pip[@]}" numpy >&2 || ! "${pip[@]}" --index-url https://download.pytorch.org/whl/cpu torch >&2; then
        echo "PyTorch reference unavailable: no local CPU wheel and the CPU index is unreachable" >&2; exit 3
    fi
fi
if ! "$python" -c 'import torch' >&2; then
    echo "PyTorch reference unavailable: torch installed but does not import" >&2; exit 3
fi
echo "$python"
