#!/usr/bin/env bash
# Installs what is missing, configures and builds regcheck (Release) into ./build.
# With arguments, builds only those targets (e.g. `bash scripts/build.sh regcheck`); without,
# everything (the CLI, every test and benchmark).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release
if [ "$#" -gt 0 ]; then
  cmake --build build -j "$(nproc)" --target "$@"
else
  cmake --build build -j "$(nproc)"
fi
