#!/usr/bin/env bash
# The test suite: installs what is missing, builds with the default preset
# (gcc, RelWithDebInfo) and runs every test with ctest.
#
#   scripts/test.sh               # default preset
#   scripts/test.sh clang         # any preset from CMakePresets.json
set -euo pipefail
cd "$(dirname "$0")/.."
preset="${1:-default}"
jobs="${UNWEDGE_JOBS:-$(nproc)}"

scripts/install-deps.sh --tests
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset" -j "$jobs"
ctest --preset "$preset" -j "$jobs"
