#!/usr/bin/env bash
# Mutation testing: applies each semantic mutant of theory/, sim/ and the CLI listed in
# scripts/mutants.py to a scratch copy of the repository, rebuilds regcheck there and runs
# `regcheck verify`; prints the kill table. Options: --list, --check (snippets in sync, no build),
# --only NAME..., --out FILE (markdown table), --work DIR, --calibrate N. See README "Mutation testing".
set -euo pipefail
exec /usr/bin/python3 "$(dirname "$0")/mutants.py" "$@"
