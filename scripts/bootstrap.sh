# Sourced by the other scripts: puts uv and helm on PATH (installing them into .tools/
# when missing) and syncs the template's own environment in .venv/.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if ! command -v uv >/dev/null 2>&1; then
    if [ ! -x .tools/bin/uv ]; then
        python3 -m venv .tools
        .tools/bin/python -m pip install --quiet "uv>=0.9"
    fi
    export PATH="$PWD/.tools/bin:$PATH"
fi

# The chart tests run helm; scripts/install-helm leaves it in .tools/bin.
scripts/install-helm >/dev/null
export PATH="$PWD/.tools/bin:$PATH"

# uv cannot download Python builds everywhere; every test names a local interpreter.
export UV_PYTHON_DOWNLOADS=never
uv sync --locked --quiet
