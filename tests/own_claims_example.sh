#!/usr/bin/env bash
# CTest own_claims_example_installed: installs this build into a fresh prefix, builds
# examples/own-claims against it with find_package alone (CMAKE_PREFIX_PATH = the prefix, nothing
# pointing into the source tree), runs it, asserts its verdicts (three HOLDS, the deliberately false
# basics.relu.mean FAILS with its counterexample), then reads its JSON with the installed
# `regcheck report --from` and `regcheck export-notebooks --from`.
# Usage: own_claims_example.sh BUILD_DIR SOURCE_DIR. The prefix and the example's build live in
# BUILD_DIR/own-claims-test/ (wiped first), at fixed paths so that ccache hits on reruns.
set -euo pipefail
build=$(cd "$1" && pwd)
src=$(cd "$2" && pwd)
work="$build/own-claims-test"
rm -rf "$work"
mkdir -p "$work"
prefix="$work/prefix"
cmake --install "$build" --prefix "$prefix" > "$work/install.log"
# The installed package must not name the source or build tree (no private include paths leak).
if grep -rlF -e "$src" -e "$build" "$prefix/lib/cmake/regcheck"; then
  echo "FAIL: the installed CMake package names the source or build tree" >&2
  exit 1
fi
launcher=()
if command -v ccache > /dev/null; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi
cmake -S "$src/examples/own-claims" -B "$work/build" -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$prefix" "${launcher[@]}" > "$work/configure.log"
cmake --build "$work/build" -j2 > "$work/build.log" 2>&1 || { cat "$work/build.log"; exit 1; }
if grep -q "warning:" "$work/build.log"; then
  grep -B2 -A6 "warning:" "$work/build.log" >&2
  echo "FAIL: the example compiles with warnings against the installed headers" >&2
  exit 1
fi
"$work/build/own_claims" list
set +e
"$work/build/own_claims" verify --threads 2 --json "$work/own.json" | tee "$work/verify.txt"
code=${PIPESTATUS[0]}
set -e
fail() { echo "FAIL: $*" >&2; exit 1; }
[ "$code" = 0 ] || fail "own_claims verify exited $code (expected 0: every verdict as expected)"
for id in basics.dropout.variance basics.enet.prox basics.relu.second-moment; do
  grep -Eq "^$id +.* HOLDS " "$work/verify.txt" || fail "$id does not HOLD"
done
grep -Eq "^basics.relu.mean +.* FAILS \(expected\)" "$work/verify.txt" || fail "basics.relu.mean does not FAIL"
grep -Eq "^    counterexample: stratified, 64 strata of Phi\^\{-1\}: estimate 0.398[0-9]*, CI \[0.39[89][0-9]*, 0.39[89][0-9]*\] at level 1 - 3.33e-07 excludes the stated 0.5" "$work/verify.txt" ||
  fail "basics.relu.mean's counterexample (estimate 0.3989..., CI excluding 0.5) is not printed"
grep -q "summary: 3 HOLDS, 1 FAILS, 0 INCONCLUSIVE, 0 ERROR; 0 verdict(s) differ" "$work/verify.txt" || fail "summary line"
"$prefix/bin/regcheck" report --from "$work/own.json" --out "$work/report" > /dev/null
grep -q "basics.relu.mean" "$work/report/index.html" || fail "the report does not show the example's claims"
"$prefix/bin/regcheck" export-notebooks --from "$work/own.json" --out "$work/notebooks" > /dev/null
[ -s "$work/notebooks/basics.ipynb" ] || fail "no notebook basics.ipynb"
echo "own-claims example: installed, built with find_package, verdicts as expected, report and notebook written"
