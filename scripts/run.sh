#!/usr/bin/env bash
# One command from a fresh clone to a serving agent-assist on its embedded defaults:
# builds .venv/, builds the embedding model, ingests kb/, serves on 127.0.0.1.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 ANONYMIZED_TELEMETRY=False
# Day counts ("어제", "11월 20일") are read against the service's local date: Korean time.
export TZ=${TZ:-Asia/Seoul}
.venv/bin/agent-assist build-model
.venv/bin/agent-assist ingest
exec .venv/bin/agent-assist serve "$@"
