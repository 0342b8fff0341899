#!/usr/bin/env bash
# The whole test suite: set-up, build everything (CLI, tests, benchmarks), then every
# GoogleTest/RapidCheck test through ctest (this includes fuzz_corpus_replay.*, the fuzz corpora
# and crash inputs replayed through the parsers of the plain build). CI (.ci/run) runs this.
# --hardening adds the sanitizer and fuzzing steps (README "Hardening"): the suite at smoke scale
# under ASan + UBSan (scripts/sanitize.sh) and each libFuzzer harness for 30 s (scripts/fuzz.sh),
# both in one instrumented clang build. CI (.ci/run) runs them after this script and the MPI variant.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh
(cd build && ctest --output-on-failure -j "$(nproc)" --timeout 900)
if [ "${1:-}" = "--hardening" ]; then
  bash scripts/sanitize.sh
  bash scripts/fuzz.sh 30
fi
