#!/usr/bin/env bash
# The whole test suite: set-up, build everything (CLI, tests, benchmarks), then every
# GoogleTest/RapidCheck test through ctest (this includes fuzz_corpus_replay.*, the fuzz corpora
# and crash inputs replayed). Then the hardening steps (README "Hardening"): the whole suite again
# under ASan + UBSan (scripts/sanitize.sh) and each libFuzzer harness for 30 s (scripts/fuzz.sh).
# --quick skips the hardening steps.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
(cd build && ctest --output-on-failure -j "$(nproc)" --timeout 900)
if [ "${1:-}" != "--quick" ]; then
  bash scripts/sanitize.sh
  bash scripts/fuzz.sh 30
fi
