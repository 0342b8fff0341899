#!/usr/bin/env bash
# The whole test suite under AddressSanitizer + UndefinedBehaviorSanitizer (g++; the first report
# aborts the test, -fno-sanitize-recover=all), built RelWithDebInfo into ./build-asan.
# Heavy tests excluded here (they run in the plain build; under the sanitizers they would take
# most of the CI budget): none so far; add a regex to REGCHECK_ASAN_EXCLUDE to cut one.
# With arguments, builds and runs only those test binaries (e.g. `scripts/sanitize.sh test_faults`).
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DREGCHECK_SANITIZE=ON -DREGCHECK_BUILD_BENCH=OFF >/dev/null
if [ "$#" -gt 0 ]; then
  cmake --build build-asan -j "$(nproc)" --target regcheck "$@"
  regex=$(printf '%s|' "$@"); regex="${regex%|}"
else
  cmake --build build-asan -j "$(nproc)"
  regex=""
fi
# detect_leaks: LeakSanitizer too; halt_on_error via -fno-sanitize-recover; OMP passive (see tests/).
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1 UBSAN_OPTIONS=print_stacktrace=1 OMP_WAIT_POLICY=passive
cd build-asan
args=(--output-on-failure -j "$(nproc)" --timeout 1800)
[ -n "${REGCHECK_ASAN_EXCLUDE:-}" ] && args+=(-E "$REGCHECK_ASAN_EXCLUDE")
if [ -n "$regex" ]; then
  for t in "$@"; do ./bin/"$t"; done
else
  ctest "${args[@]}"
fi
