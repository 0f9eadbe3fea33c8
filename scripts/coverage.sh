#!/usr/bin/env bash
# Source coverage of a short nightly campaign: builds the `coverage` preset
# (clang-14, -fprofile-instr-generate -fcoverage-mapping), runs
# `unwedge nightly` on the bundled scenarios and the first swarm seeds, and
# writes llvm-cov's summary beside the campaign's own reports, which then
# link it (report.html's "source coverage" section):
#
#   out/coverage/report/report.html          the campaign's reports
#   out/coverage/report/source-coverage/     llvm-cov's HTML, per file and line
#   out/coverage/report/source-coverage.txt  llvm-cov's summary table
#
#   scripts/coverage.sh            # 40 swarm seeds
#   scripts/coverage.sh 200        # more
set -euo pipefail
cd "$(dirname "$0")/.."
seeds="${1:-40}"
jobs="${UNWEDGE_JOBS:-$(nproc)}"
if ! [[ "$seeds" =~ ^[0-9]+$ ]]; then
  echo "usage: scripts/coverage.sh [SWARM_SEEDS]; got '$seeds', expected a number" >&2
  exit 2
fi

scripts/install-deps.sh
cmake --preset coverage >/dev/null
cmake --build --preset coverage -j "$jobs" --target unwedge

out=out/coverage
binary=build/coverage/cli/unwedge
rm -rf "$out"
mkdir -p "$out/profiles"
# %p: every forked worker writes its own profile; %m: one per binary.
status=0
LLVM_PROFILE_FILE="$PWD/$out/profiles/%p-%m.profraw" \
  "$binary" nightly --out "$out/campaign" --seeds "$seeds" --jobs "$jobs" || status=$?
if [[ $status -gt 1 ]]; then
  echo "the campaign could not run (exit $status)" >&2
  exit "$status"
fi

llvm-profdata-14 merge -sparse -o "$out/unwedge.profdata" "$out"/profiles/*.profraw
mkdir -p "$out/report"
# Production code and the simulator; the command's own plumbing and the
# third-party headers are left out of the figures.
ignore='(/usr/|/tests/|/cli/)'
llvm-cov-14 report "$binary" -instr-profile="$out/unwedge.profdata" \
  -ignore-filename-regex="$ignore" >"$out/report/source-coverage.txt"
llvm-cov-14 show "$binary" -instr-profile="$out/unwedge.profdata" -format=html \
  -ignore-filename-regex="$ignore" -show-line-counts-or-regions \
  -output-dir="$out/report/source-coverage" >/dev/null
# Rendering the campaign again into the folder holding llvm-cov's output
# makes report.html link it.
merge_status=0
LLVM_PROFILE_FILE=/dev/null "$binary" merge "$out/campaign" --out "$out/report" >/dev/null || merge_status=$?
tail -n 1 "$out/report/source-coverage.txt"
echo "source coverage: $out/report/source-coverage/index.html; campaign: $out/report/report.html"
exit "$merge_status"
