#!/usr/bin/env bash
# The test suite under AddressSanitizer + UndefinedBehaviorSanitizer (+ LeakSanitizer): clang,
# -fno-sanitize-recover=all (the first report aborts the test), built into ./build-hardening
# (scripts/hardening_configure.sh; the fuzz harnesses of scripts/fuzz.sh share this build).
# CI (.ci/run) runs it at smoke scale: every test binary and every ctest entry, except the
# end-to-end runs listed in SMOKE_EXCLUDE below, each of which repeats code paths that smaller
# tests of the same run cover, at 3-10x their cost (under ASan 2-4x slower than the plain build).
# `--all` runs those too. With test binary names as arguments, builds and runs only those.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/hardening_configure.sh
# Excluded at smoke scale (name: what covers its code paths in this run):
# - CliVerify.FullRun...: every claim at default power, twice (1 and 2 threads); the per-claim
#   tests of test_dropact/gcsr/tl1/dlbook_* run the same checks one claim at a time.
# - ReproduceCli.Smoke...: two experiments' smoke runs twice; ReproduceCli's other tests and
#   test_cluster_merge run the same reproduce path on one experiment.
# - NetsFashion.ShippedMlpConfig...: a full training run; test_nets_train runs the same loop small.
# - NotebooksCli.ExportsValidNotebooksThatExecute...: executes notebooks in Jupyter (Python's
#   time, not ours); the other NotebooksCli tests run the same export code.
# - ClusterSlurm: starts slurmctld/slurmd; the sharding and merge code it drives is in
#   test_cluster_merge.
# - verify_calibrate*: 70 (40) seeds of two claims; test_sim's calibration tests cover the
#   same counting code.
# - DropactPower.HighLevelResolves1e4: the --power high sample sizes of tests DropactPower's
#   default-level tests run smaller.
# - ReproduceCli.KilledRunResumesToTheSameReport: trains its 12 runs twice and waits for the
#   second run's progress with a wall-clock limit that the trainer, ~10x slower instrumented at -O1,
#   misses (measured: failed at 193 s with no sanitizer report); the interrupted-run and resume
#   paths run here in ReproduceCli.SigtermExits143KeepingFinishedRuns and test_faults.
# - own_claims_example_installed: builds an outside project against an installed copy, which
#   would need the sanitizer runtime in its link line (a packaging test, not a memory test).
SMOKE_EXCLUDE='CliVerify\.FullRun|ReproduceCli\.SmokeBothExperiments|NetsFashion\.ShippedMlpConfig|NotebooksCli\.ExportsValidNotebooksThatExecute|ClusterSlurm|verify_calibrate|DropactPower\.HighLevelResolves1e4|ReproduceCli\.KilledRunResumesToTheSameReport|own_claims_example_installed'
all=0 bins=()
for a in "$@"; do
  case "$a" in --all) all=1 ;; *) bins+=("$a") ;; esac
done
if [ "${#bins[@]}" -gt 0 ]; then
  cmake --build build-hardening -j "$(nproc)" --target regcheck "${bins[@]}"
else
  cmake --build build-hardening -j "$(nproc)"
fi
# detect_leaks: LeakSanitizer too; abort_on_error so a report fails the test; OMP passive (tests/).
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1 UBSAN_OPTIONS=print_stacktrace=1 OMP_WAIT_POLICY=passive
cd build-hardening
if [ "${#bins[@]}" -gt 0 ]; then
  for t in "${bins[@]}"; do ./bin/"$t"; done
  exit 0
fi
args=(--output-on-failure -j "$(nproc)" --timeout 1800)
[ "$all" -eq 0 ] && args+=(-E "$SMOKE_EXCLUDE")
ctest "${args[@]}"
