#!/usr/bin/env bash
# The whole test suite: set-up, build everything (CLI, tests, benchmarks), then every
# GoogleTest/RapidCheck test through ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
cd build
ctest --output-on-failure -j "$(nproc)" --timeout 900
