#!/usr/bin/env bash
# The main job: set-up, build the regcheck CLI only (the tests and benchmarks are scripts/test.sh's
# business), then write the report of every analytic and empirical claim: `regcheck report` runs
# `verify` and `reproduce` (default scale quick, about 10 minutes on 2 cores; finished runs are
# kept in reports/regcheck.sqlite, so a rerun is fast) and writes reports/<date>-<scale>/index.html
# with its figures and the JSON of both runs. Its last line is the path of index.html.
# Extra arguments go to `regcheck report` (e.g. --scale smoke, --seed 7, --threads 2).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh regcheck
mkdir -p reports
./build/bin/regcheck report "$@"
