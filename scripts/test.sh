#!/usr/bin/env bash
# The whole check: set-up, format, lint, types, then the test suite (browser test included).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
if { [[ ! -x /usr/bin/chromium ]] || ! fc-list 2>/dev/null | grep -qi nanum; } && [[ $(id -u) == 0 ]]; then
  # The console's end-to-end test drives Debian's headless Chromium; Nanum renders the Korean UI.
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver fonts-nanum) \
    >/dev/null 2>&1 || echo "warning: chromium could not be installed; browser tests will skip" >&2
fi
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 ANONYMIZED_TELEMETRY=False
.venv/bin/ruff format --check core ingest rag policy_guard api evals tests benchmarks
.venv/bin/ruff check core ingest rag policy_guard api evals tests benchmarks
.venv/bin/mypy
.venv/bin/agent-assist kb check kb/
.venv/bin/python -m pytest "$@"
