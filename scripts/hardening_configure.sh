# Sourced by scripts/sanitize.sh and scripts/fuzz.sh: configures ./build-hardening, the one clang
# build both use (CI builds it once per run instead of two sanitizer builds).
# - clang: libFuzzer (-fsanitize=fuzzer) exists only there; REGCHECK_FUZZ=ON instruments every
#   library with ASan + UBSan (-fno-sanitize-recover=all) and libFuzzer's coverage hooks, so the
#   test binaries run under the sanitizers and the fuzz_<parser> harnesses link the same objects.
# - -O1 -gline-tables-only: the sanitizers' usual optimization level (reports keep file:line, the
#   frames are not folded away) and about half the compile time of -O2 -g.
# - CMAKE_UNITY_BUILD: the libraries compiled 8 sources to a translation unit (Eigen, Boost and
#   fmt parsed once per batch); the claim libraries opt out (CMakeLists.txt says why).
# - -ffp-contract=off: clang fuses a*b+c into FMAs by default, GCC in ISO mode does not; the
#   tests' golden values were made by the GCC build, so the same arithmetic is kept.
command -v clang++ >/dev/null || { echo "hardening: clang++ is not installed (Debian: apt-get install clang; scripts/setup.sh does)" >&2; exit 2; }
CXX=clang++ cmake -S . -B build-hardening -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only -ffp-contract=off" \
  -DREGCHECK_FUZZ=ON -DREGCHECK_BUILD_BENCH=OFF \
  -DCMAKE_UNITY_BUILD=ON -DCMAKE_UNITY_BUILD_BATCH_SIZE=8 >/dev/null
# ccache: without hash_dir the instrumented objects are shared between checkouts at different
# paths (the line tables of a cache hit may then name the path of the checkout that filled it).
export CCACHE_NOHASHDIR=1
