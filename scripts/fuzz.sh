#!/usr/bin/env bash
# Builds the libFuzzer harnesses (fuzz/) with clang into ./build-hardening (shared with
# scripts/sanitize.sh, see scripts/hardening_configure.sh) and runs each for SECONDS
# (default 30) of wall time, seeded by fuzz/corpus/<parser>/ and fuzz/crashes/<parser>/.
# New corpus entries go to a temporary folder, removed at the end, unless --keep (then they are
# added to fuzz/corpus/<parser>/). A crash input is written to fuzz/crashes/<parser>/ and the
# script exits 1 after running the other harnesses; fix the bug, keep the input (it is replayed by
# the CTest fuzz_corpus_replay.<parser> of every build).
# usage: scripts/fuzz.sh [SECONDS] [--keep] [PARSER...]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=30 keep=0 parsers=()
for a in "$@"; do
  case "$a" in
    --keep) keep=1 ;;
    [0-9]*) seconds="$a" ;;
    *) parsers+=("$a") ;;
  esac
done
if [ "${#parsers[@]}" -eq 0 ]; then
  parsers=(train_config idx cifar digits stats_csv regress_csv report_from store_rows)
fi
source scripts/hardening_configure.sh
targets=()
for p in "${parsers[@]}"; do targets+=("fuzz_$p"); done
cmake --build build-hardening -j "$(nproc)" --target "${targets[@]}"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export OMP_WAIT_POLICY=passive ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1
# One harness: runs it, leaves its exit status in $work/<parser>.status.
fuzz_one() {
  local p=$1
  local seeds=("fuzz/corpus/$p")
  [ -n "$(ls -A "fuzz/crashes/$p")" ] && seeds+=("fuzz/crashes/$p")
  # -timeout: one input taking over 10 s is reported as a hang; -rss_limit_mb: as an out-of-memory bug.
  local rc=0
  ./build-hardening/bin/fuzz_"$p" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="fuzz/crashes/$p/" "$work/$p" "${seeds[@]}" 2>"$work/$p.log" || rc=$?
  echo "$rc" >"$work/$p.status"
}
# As many harnesses at once as there are cores (each libFuzzer process is single-threaded), so
# the CI step takes ceil(8 / nproc) x SECONDS of wall time.
echo "fuzzing ${#parsers[@]} harnesses, ${seconds} s each, $(nproc) at a time"
for p in "${parsers[@]}"; do
  mkdir -p "$work/$p" "fuzz/crashes/$p"
  while [ "$(jobs -rp | wc -l)" -ge "$(nproc)" ]; do wait -n || true; done
  fuzz_one "$p" &
done
wait
status=0
for p in "${parsers[@]}"; do
  echo "== fuzz_$p: ${seconds} s"
  if [ "$(cat "$work/$p.status" 2>/dev/null || echo 1)" -ne 0 ]; then
    status=1
    echo "fuzz_$p: FAILED (input saved in fuzz/crashes/$p/); the report:" >&2
    grep -E "ERROR|SUMMARY|runtime error|terminate|what\(\)|Test unit written" "$work/$p.log" | head -20 >&2
  fi
  grep -E "^stat::(number_of_executed_units|average_exec_per_sec|new_units_added)|^Done" "$work/$p.log" || true
  if [ "$keep" -eq 1 ] && [ -n "$(ls -A "$work/$p")" ]; then cp -n "$work/$p"/* "fuzz/corpus/$p/"; fi
done
exit "$status"
