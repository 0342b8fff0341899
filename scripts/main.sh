#!/usr/bin/env bash
# The main job: set-up, build, then check every analytic claim and write reports/verify.json.
# Extra arguments go to `regcheck verify` (e.g. --seed 7 --source tl1).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
mkdir -p reports
./build/bin/regcheck verify --json reports/verify.json "$@"
