#!/usr/bin/env bash
# The main job: installs what is missing, builds, and runs the nightly
# campaign over the bundled control plane, writing reports to ./out/nightly.
#
#   scripts/nightly.sh                 # reports in out/nightly
#   scripts/nightly.sh --out DIR       # elsewhere
set -euo pipefail
cd "$(dirname "$0")/.."
jobs="${UNWEDGE_JOBS:-$(nproc)}"

scripts/install-deps.sh
cmake --preset default >/dev/null
cmake --build --preset default -j "$jobs" --target unwedge
exec build/default/cli/unwedge nightly "$@"
