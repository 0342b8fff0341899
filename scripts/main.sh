#!/usr/bin/env bash
# The main job: set-up, build the regcheck CLI only (the tests and benchmarks are scripts/test.sh's
# business), then check every analytic claim and write reports/verify.json.
# Extra arguments go to `regcheck verify` (e.g. --seed 7 --source tl1).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh regcheck
mkdir -p reports
./build/bin/regcheck verify --json reports/verify.json "$@"
